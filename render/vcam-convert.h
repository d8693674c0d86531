/* vcam-convert.h - pixels for the virtual camera: a crop of an RGB24 frame scaled to the
 * output size (bilinear, sub-pixel crop positions so a slowly moving crop moves smoothly), and
 * RGB24 to YUYV (BT.601, limited range: the inverse of capture/convert.h, which is what
 * players and video-call programs assume for YUYV webcams).
 *
 * The scaler keeps its per-column tables between calls: once it has seen the largest output
 * width it allocates nothing more. One per thread. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "framing.h"

typedef struct vcam_scaler {
    int32_t *x0;   /* per output column: the left source column */
    uint16_t *fx;  /* and the weight of the right one, 0..256 */
    int cap;
} vcam_scaler;

/* Samples `crop` (source pixels, clipped to the source) of the RGB24 picture `src` into the
 * dst_w x dst_h RGB24 picture at `dst`. Output pixel centres map linearly onto the crop, so a
 * crop of the whole source at the same size copies it exactly. Returns 0 or MTCNN_ENOMEM /
 * MTCNN_EINVAL. */
int vcam_scale_rgb(vcam_scaler *s, const uint8_t *src, ptrdiff_t src_stride, int src_w,
                   int src_h, framing_rect crop, uint8_t *dst, ptrdiff_t dst_stride, int dst_w,
                   int dst_h);
void vcam_scaler_free(vcam_scaler *s);

/* The largest rectangle of the aspect src_w:src_h centred in dst_w x dst_h (letterboxing),
 * with an even x and width so YUYV pairs stay whole. */
void vcam_fit(int src_w, int src_h, int dst_w, int dst_h, int *x, int *y, int *w, int *h);

/* One pixel to limited-range BT.601 Y, Cb, Cr (rounded). */
void vcam_rgb_to_ycbcr(const uint8_t rgb[3], int *y, int *cb, int *cr);
/* RGB24 to packed YUYV (Y0 Cb Y1 Cr); each pair's chroma is the mean of its two pixels. An odd
 * width repeats the last pixel. */
void vcam_rgb_to_yuyv(const uint8_t *rgb, ptrdiff_t rgb_stride, int width, int height,
                      uint8_t *yuyv, ptrdiff_t yuyv_stride);
