/* vcam-convert.c - crop-and-scale and RGB24 -> YUYV for the virtual camera (vcam-convert.h).
 * Both run once per output frame on the output thread: plain integer loops, the scaler's
 * column tables computed once per frame, rows blended with 8-bit weights. */
#include "vcam-convert.h"

#include <math.h>
#include <stdlib.h>

#include "err.h"

void vcam_scaler_free(vcam_scaler *s)
{
    free(s->x0);
    free(s->fx);
    s->x0 = NULL;
    s->fx = NULL;
    s->cap = 0;
}

/* Source position of output sample i: pixel centres map linearly, then clamp to the picture
 * (edge pixels repeat). Writes the left index and the right neighbour's weight out of 256. */
static void sample(double start, double step, int i, int n, int32_t *i0, uint16_t *w)
{
    double p = start + (i + 0.5) * step - 0.5;
    if (p < 0)
        p = 0;
    if (p > n - 1)
        p = n - 1;
    int k = (int)p;
    int f = (int)lround((p - k) * 256);
    if (f == 256) {
        k++;
        f = 0;
    }
    if (k >= n - 1) { /* the last column: no right neighbour to blend */
        k = n - 1;
        f = 0;
    }
    *i0 = k;
    *w = (uint16_t)f;
}

int vcam_scale_rgb(vcam_scaler *s, const uint8_t *src, ptrdiff_t src_stride, int src_w,
                   int src_h, framing_rect crop, uint8_t *dst, ptrdiff_t dst_stride, int dst_w,
                   int dst_h)
{
    if (src_w <= 0 || src_h <= 0 || dst_w <= 0 || dst_h <= 0 || !(crop.w > 0) || !(crop.h > 0))
        return mtcam_set_error(MTCNN_EINVAL, "scaling: bad sizes");
    if (dst_w > s->cap) {
        int32_t *x0 = realloc(s->x0, (size_t)dst_w * sizeof *x0);
        if (x0)
            s->x0 = x0;
        uint16_t *fx = realloc(s->fx, (size_t)dst_w * sizeof *fx);
        if (fx)
            s->fx = fx;
        if (!x0 || !fx)
            return mtcam_set_error(MTCNN_ENOMEM, "scaling: out of memory");
        s->cap = dst_w;
    }
    double sx = crop.w / dst_w, sy = crop.h / dst_h;
    for (int i = 0; i < dst_w; i++)
        sample(crop.x, sx, i, src_w, &s->x0[i], &s->fx[i]);
    for (int r = 0; r < dst_h; r++) {
        int32_t y0;
        uint16_t fy;
        sample(crop.y, sy, r, src_h, &y0, &fy);
        const uint8_t *a = src + y0 * src_stride;
        const uint8_t *b = fy ? a + src_stride : a;
        uint8_t *o = dst + r * dst_stride;
        int wy = fy, wy0 = 256 - fy;
        for (int i = 0; i < dst_w; i++, o += 3) {
            const uint8_t *pa = a + 3 * s->x0[i], *pb = b + 3 * s->x0[i];
            int wx = s->fx[i], wx0 = 256 - wx;
            int step = wx ? 3 : 0; /* never read past the last column */
            for (int c = 0; c < 3; c++) {
                int top = pa[c] * wx0 + pa[c + step] * wx;
                int bottom = pb[c] * wx0 + pb[c + step] * wx;
                o[c] = (uint8_t)((top * wy0 + bottom * wy + 32768) >> 16);
            }
        }
    }
    return 0;
}

void vcam_fit(int src_w, int src_h, int dst_w, int dst_h, int *x, int *y, int *w, int *h)
{
    if ((long long)src_w * dst_h > (long long)dst_w * src_h) { /* wider: bars above, below */
        *w = dst_w;
        *h = (int)((long long)dst_w * src_h / src_w);
    } else {
        *h = dst_h;
        *w = (int)((long long)dst_h * src_w / src_h) & ~1;
    }
    if (*w < 2)
        *w = dst_w < 2 ? dst_w : 2;
    if (*h < 1)
        *h = 1;
    *x = ((dst_w - *w) / 2) & ~1;
    *y = (dst_h - *h) / 2;
}

/* Coefficients x 65536 of the limited-range BT.601 matrix:
 *   Y  =  16 + ( 0.299 R + 0.587 G + 0.114 B) * 219/255
 *   Cb = 128 + (-0.168736 R - 0.331264 G + 0.5 B) * 224/255
 *   Cr = 128 + ( 0.5 R - 0.418688 G - 0.081312 B) * 224/255 */
enum {
    YR = 16829, YG = 33039, YB = 6416,
    UR = -9714, UG = -19070, UB = 28784,
    VR = 28784, VG = -24103, VB = -4681,
    HALF = 32768,
    Y_OFF = 16 << 16,
    C_OFF = 128 << 16
};

static inline uint8_t clamp_byte(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

void vcam_rgb_to_ycbcr(const uint8_t rgb[3], int *y, int *cb, int *cr)
{
    int r = rgb[0], g = rgb[1], b = rgb[2];
    /* The offsets go in before the shift, so only non-negative values are ever shifted. */
    *y = clamp_byte((Y_OFF + YR * r + YG * g + YB * b + HALF) >> 16);
    *cb = clamp_byte((C_OFF + UR * r + UG * g + UB * b + HALF) >> 16);
    *cr = clamp_byte((C_OFF + VR * r + VG * g + VB * b + HALF) >> 16);
}

void vcam_rgb_to_yuyv(const uint8_t *rgb, ptrdiff_t rgb_stride, int width, int height,
                      uint8_t *yuyv, ptrdiff_t yuyv_stride)
{
    for (int r = 0; r < height; r++) {
        const uint8_t *p = rgb + r * rgb_stride;
        uint8_t *o = yuyv + r * yuyv_stride;
        for (int c = 0; c < width; c += 2, o += 4) {
            const uint8_t *p0 = p + 3 * c, *p1 = c + 1 < width ? p0 + 3 : p0;
            int r2 = p0[0] + p1[0], g2 = p0[1] + p1[1], b2 = p0[2] + p1[2];
            o[0] = clamp_byte((Y_OFF + YR * p0[0] + YG * p0[1] + YB * p0[2] + HALF) >> 16);
            o[1] = clamp_byte((2 * C_OFF + UR * r2 + UG * g2 + UB * b2 + 2 * HALF) >> 17);
            o[2] = clamp_byte((Y_OFF + YR * p1[0] + YG * p1[1] + YB * p1[2] + HALF) >> 16);
            o[3] = clamp_byte((2 * C_OFF + VR * r2 + VG * g2 + VB * b2 + 2 * HALF) >> 17);
        }
    }
}
