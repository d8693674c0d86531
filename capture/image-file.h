/* image-file.h - still images (JPEG, PNG, PPM/PGM) decoded into RGB24 frames, and a reusable
 * JPEG decoder for MJPEG video frames.
 *
 * The type is found from the first bytes, never from the file name. Every decoder returns 0 or
 * a negative MTCNN_E* code with a one-line message naming the file ("x.jpg: truncated JPEG
 * data"); corrupt data is an error, never a crash or an exit.
 *
 * Conversions, so every caller gets the same pixels:
 *  - JPEG: YCbCr, RGB and grayscale -> RGB by libjpeg (ISLOW DCT, fancy upsampling: the
 *    defaults, which match what PIL and OpenCV give); CMYK and YCCK (Adobe) -> RGB by
 *    R = C * K / 255 on the (inverted) Adobe values. Baseline and progressive. libjpeg's
 *    "corrupt data" warnings are errors here: a damaged frame is rejected, not half-grey.
 *    Two warnings that lose no picture data are recovered, as ImageMagick and ffmpeg do: a
 *    missing end marker (every scan complete; a progressive file missing scans is truncated)
 *    and extraneous bytes before a marker. The decode succeeds and capture_image_warning()
 *    says so, for the caller to print once.
 *  - PNG: every colour type and bit depth; palette and low-bit gray are expanded, 16-bit is
 *    scaled to 8 bits with rounding, gray is replicated, interlaced images are deinterlaced.
 *    Alpha (from an alpha channel or tRNS) is composited on BLACK: out = value * alpha / 255,
 *    rounded. No gamma correction is applied (values pass through as stored).
 *  - PPM P6/P3 and PGM P5/P2: maxval 1..65535 (16-bit big-endian samples in the binary forms),
 *    scaled to 0..255 with rounding; '#' comments in the header.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

/* Decompression-bomb guard: larger images are refused before any pixel memory is taken. */
#define CAPTURE_IMAGE_MAX_SIDE 16384
#define CAPTURE_IMAGE_MAX_PIXELS (256LL * 1024 * 1024)
/* Files larger than this are refused before being read. */
#define CAPTURE_IMAGE_MAX_FILE_BYTES (1024LL * 1024 * 1024)

typedef enum capture_image_type {
    CAPTURE_IMAGE_UNKNOWN = 0,
    CAPTURE_IMAGE_JPEG,
    CAPTURE_IMAGE_PNG,
    CAPTURE_IMAGE_PNM
} capture_image_type;

/* The type told by the magic bytes at the start of `data`. */
capture_image_type capture_image_sniff(const void *data, size_t size);
/* "JPEG", "PNG", "PNM" or "unknown". */
const char *capture_image_type_name(capture_image_type type);

/* Decodes the file at `path` into a newly allocated frame (*out is overwritten, release it
 * with mtcam_frame_free). On failure *out is left empty (data NULL). Only regular files are
 * read: a FIFO, device or folder is refused before anything could block on it. */
int capture_image_load(const char *path, mtcam_frame *out);

/* The same from memory; `name` is used in error messages. */
int capture_image_load_memory(const void *data, size_t size, const char *name,
                              mtcam_frame *out);

/* After a successful decode in this thread: a one-line message naming the image when the
 * decoder stepped over a problem that lost no picture data ("x.jpg: decoded despite: ..."),
 * "" when the image was clean. Every decode resets it. */
const char *capture_image_warning(void);

/* ---- JPEG frames of a video stream (MJPEG from V4L2 or AVI) ---------------------------- */

/* A JPEG decoder kept alive across frames, so decoding a stream does not set libjpeg up again
 * for every frame. One per thread. */
typedef struct capture_image_jpeg_decoder capture_image_jpeg_decoder;

int capture_image_jpeg_decoder_create(capture_image_jpeg_decoder **out);
void capture_image_jpeg_decoder_destroy(capture_image_jpeg_decoder *dec);

/* Decodes one JPEG image into `frame`. When frame->data is set and the size matches, the
 * pixels are written into the existing buffer (no allocation; timestamp and seq are kept);
 * otherwise the frame is (re)allocated. Streams from webcams often omit the Huffman tables
 * (MJPEG as in the AVI1 convention); libjpeg-turbo then uses the standard tables.
 * `name` is used in error messages ("/dev/video0 frame 17"). */
int capture_image_jpeg_decode(capture_image_jpeg_decoder *dec, const void *data, size_t size,
                              const char *name, mtcam_frame *frame);

/* One-shot version of the above (creates and destroys a decoder). */
int capture_image_decode_jpeg(const void *data, size_t size, const char *name,
                              mtcam_frame *frame);
