/* resample.h - image resampling as the original MTCNN does it (Piotr Dollar's imResample,
 * = OpenCV INTER_AREA): each output pixel averages the input interval it covers when shrinking
 * (partial pixels weighted by coverage), half-pixel-centre bilinear when enlarging. Separable,
 * axis by axis, which is exact for both. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernels.h"
#include "scratch.h"

/* A view of the caller's 8-bit image with the channel order resolved. */
typedef struct mtcnn__src {
    const uint8_t *data;
    int width, height;
    ptrdiff_t stride;
    int bpp;         /* bytes per pixel: 1, 3 or 4 */
    int off[3];      /* byte offsets of R, G, B within a pixel */
} mtcnn__src;

/* Per-axis weights: output i reads `taps` inputs from first[i] with weights w[i*taps ...]. */
typedef struct mtcnn__axis {
    int n_out, taps;
    int *first;
    float *w;
} mtcnn__axis;

/* Taps an axis from src_len to dst_len needs. */
int mtcnn__axis_taps(int src_len, int dst_len);
/* Fills `ax` (whose first/w arrays hold dst_len and dst_len*taps entries). */
void mtcnn__axis_init(mtcnn__axis *ax, int src_len, int dst_len);

/* Resamples the source rectangle [x0, x0+sw) x [y0, y0+sh) (0-based, may reach outside the
 * image: those pixels are black, value 0) to dw x dh, and writes it normalised,
 * (v - 127.5) / 128, as planar R, G, B floats. `tmp` holds the working memory (grown as needed). Returns 0 or MTCNN_ENOMEM. */
int mtcnn__resample_normalise(const mtcnn__src *src, int x0, int y0, int sw, int sh, int dw,
                              int dh, float *out, mtcnn__buf *tmp);

/* The same for the fast path: output rows [row0, row1) of the dw x dh result, written
 * normalised and interleaved (HWC: out[((j - row0) * dw + i) * 3 + c]). Vertical pass first
 * through k->vresample (bytes straight to floats, contiguous rows), then the horizontal pass
 * on the few output rows. Equal to mtcnn__resample_normalise up to float rounding (the sums
 * are taken in the other order). */
int mtcnn__resample_normalise_hwc(const mtk_table *k, const mtcnn__src *src, int x0, int y0,
                                  int sw, int sh, int dw, int dh, int row0, int row1,
                                  float *out, mtcnn__buf *tmp);

/* Resizes a whole image to dw x dh RGB24 (area average when shrinking, as above), rounding
 * to bytes: for the tools that make test frames of a given size. */
int mtcnn__resize_rgb24(const mtk_table *k, const mtcnn__src *src, int dw, int dh,
                        uint8_t *out, ptrdiff_t out_stride, mtcnn__buf *tmp);
