/* image-write.h - RGB24 frames written as PNG or JPEG files (snapshots, mtcam-detect --draw),
 * and a reusable in-memory JPEG encoder (MJPEG AVI recording).
 *
 * Files are written to a temporary name in the same folder and renamed over `path` only once
 * complete and flushed to disk, so a failed write (disk full, I/O error) never leaves a
 * half-written file, and a reader never sees one. Errors name the file and the reason
 * ("shot.png: write failed: No space left on device", code MTCNN_ENOSPC). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

/* 8-bit RGB PNG, not interlaced. */
int render_image_write_png(const char *path, const mtcam_frame *frame);
/* Baseline JPEG, 4:2:0, `quality` 1..100 (values outside are clamped). */
int render_image_write_jpeg(const char *path, const mtcam_frame *frame, int quality);
/* PNG or JPEG chosen by the extension (.png, .jpg, .jpeg, any case); MTCNN_EINVAL otherwise. */
int render_image_write(const char *path, const mtcam_frame *frame, int jpeg_quality);

/* An encoder kept across frames: libjpeg's state and the output buffer are reused, so
 * encoding a stream allocates nothing once the buffer has grown to the largest frame. One per
 * thread. */
typedef struct render_image_jpeg_encoder render_image_jpeg_encoder;

int render_image_jpeg_encoder_create(render_image_jpeg_encoder **out);
void render_image_jpeg_encoder_destroy(render_image_jpeg_encoder *enc);
/* Encodes `frame`; on success *data / *size are the JPEG bytes, owned by the encoder and
 * valid until its next call. */
int render_image_jpeg_encode(render_image_jpeg_encoder *enc, const mtcam_frame *frame,
                             int quality, const uint8_t **data, size_t *size);
