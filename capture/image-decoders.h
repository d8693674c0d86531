/* image-decoders.h - the per-format decoders behind image-file.h (internal to capture/). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

/* Refuses sizes of zero or beyond CAPTURE_IMAGE_MAX_SIDE / CAPTURE_IMAGE_MAX_PIXELS with a
 * message naming `name`; 0 when the size is acceptable. */
int capture__image_check_size(const char *name, long long width, long long height);

/* Makes `frame` a width x height frame: keeps its buffer when the size already matches,
 * otherwise frees it and allocates a new one. */
int capture__image_prepare_frame(mtcam_frame *frame, int width, int height, const char *name);

/* Sets (or clears, with NULL) what capture_image_warning() returns. */
void capture__image_set_warning(const char *msg);

/* Each decodes a whole file image held in memory into `frame` (allocated or reused as
 * capture__image_prepare_frame does). On failure the frame's pixels are unspecified. */
int capture__image_decode_png(const uint8_t *data, size_t size, const char *name,
                              mtcam_frame *frame);
int capture__image_decode_pnm(const uint8_t *data, size_t size, const char *name,
                              mtcam_frame *frame);
