/* convert.h - pixel conversions done by mtcam itself (not by libv4l2): YCbCr to RGB24 with the
 * BT.601 matrix in limited ("studio") range, as Y4M files and webcams deliver it:
 *   R = 1.164 (Y-16)                 + 1.596 (Cr-128)
 *   G = 1.164 (Y-16) - 0.392 (Cb-128) - 0.813 (Cr-128)
 *   B = 1.164 (Y-16) + 2.017 (Cb-128)
 * in 16-bit fixed point, rounded to nearest and clamped to 0..255 (within 1 of the exact
 * value). Subsampled chroma is replicated (nearest sample): the Y4M chroma siting variants
 * (420jpeg, 420mpeg2, 420paldv) are read alike. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* One pixel. */
void capture_ycbcr_to_rgb(int y, int cb, int cr, uint8_t rgb[3]);

/* Planar YCbCr with chroma planes subsampled by 2^sx horizontally and 2^sy vertically:
 * 4:2:0 is (1,1), 4:2:2 (1,0), 4:4:4 (0,0). Chroma planes have ceil(w/2^sx) x ceil(h/2^sy)
 * samples, c_stride bytes apart. */
void capture_convert_yuv_planar(const uint8_t *y, ptrdiff_t y_stride, const uint8_t *cb,
                                const uint8_t *cr, ptrdiff_t c_stride, int sx, int sy, int width,
                                int height, uint8_t *rgb, ptrdiff_t rgb_stride);

/* Limited-range luma only (Y4M "mono"): gray = 1.164 (Y-16), replicated to R, G, B. */
void capture_convert_gray(const uint8_t *y, ptrdiff_t y_stride, int width, int height,
                          uint8_t *rgb, ptrdiff_t rgb_stride);

/* Packed 4:2:2 Y0 Cb Y1 Cr (V4L2 YUYV, what most USB webcams send uncompressed). An odd width
 * uses the last pair's first half. */
void capture_convert_yuyv(const uint8_t *src, ptrdiff_t src_stride, int width, int height,
                          uint8_t *rgb, ptrdiff_t rgb_stride);

/* BGR24 to RGB24 (some drivers only offer BGR). */
void capture_convert_bgr(const uint8_t *src, ptrdiff_t src_stride, int width, int height,
                         uint8_t *rgb, ptrdiff_t rgb_stride);
