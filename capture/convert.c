/* convert.c - YCbCr (BT.601, limited range) to RGB24; see convert.h for the formulas. */
#include "convert.h"

/* Coefficients x 65536: 255/219, 1.402*255/224, 0.344136*255/224, 0.714136*255/224,
 * 1.772*255/224 (the BT.601 matrix rescaled from studio range to full range). */
enum {
    K_Y = 76309,
    K_RV = 104597,
    K_GU = 25675,
    K_GV = 53279,
    K_BU = 132201,
    K_HALF = 32768
};

static inline uint8_t clamp16(int32_t v)
{
    /* Clamp before shifting so no negative value is ever shifted. */
    if (v <= 0)
        return 0;
    v >>= 16;
    return (uint8_t)(v > 255 ? 255 : v);
}

static inline void pixel(int y, int cb, int cr, uint8_t *out)
{
    int32_t yy = (y - 16) * K_Y + K_HALF;
    int32_t u = cb - 128, v = cr - 128;
    out[0] = clamp16(yy + K_RV * v);
    out[1] = clamp16(yy - K_GU * u - K_GV * v);
    out[2] = clamp16(yy + K_BU * u);
}

void capture_ycbcr_to_rgb(int y, int cb, int cr, uint8_t rgb[3])
{
    pixel(y, cb, cr, rgb);
}

void capture_convert_yuv_planar(const uint8_t *y, ptrdiff_t y_stride, const uint8_t *cb,
                                const uint8_t *cr, ptrdiff_t c_stride, int sx, int sy, int width,
                                int height, uint8_t *rgb, ptrdiff_t rgb_stride)
{
    for (int r = 0; r < height; r++) {
        const uint8_t *yr = y + r * y_stride;
        const uint8_t *ur = cb + (r >> sy) * c_stride;
        const uint8_t *vr = cr + (r >> sy) * c_stride;
        uint8_t *o = rgb + r * rgb_stride;
        for (int c = 0; c < width; c++, o += 3)
            pixel(yr[c], ur[c >> sx], vr[c >> sx], o);
    }
}

void capture_convert_gray(const uint8_t *y, ptrdiff_t y_stride, int width, int height,
                          uint8_t *rgb, ptrdiff_t rgb_stride)
{
    for (int r = 0; r < height; r++) {
        const uint8_t *yr = y + r * y_stride;
        uint8_t *o = rgb + r * rgb_stride;
        for (int c = 0; c < width; c++, o += 3) {
            uint8_t g = clamp16((yr[c] - 16) * K_Y + K_HALF);
            o[0] = o[1] = o[2] = g;
        }
    }
}

void capture_convert_yuyv(const uint8_t *src, ptrdiff_t src_stride, int width, int height,
                          uint8_t *rgb, ptrdiff_t rgb_stride)
{
    for (int r = 0; r < height; r++) {
        const uint8_t *s = src + r * src_stride;
        uint8_t *o = rgb + r * rgb_stride;
        for (int c = 0; c < width; c += 2, s += 4, o += 6) {
            pixel(s[0], s[1], s[3], o);
            if (c + 1 < width)
                pixel(s[2], s[1], s[3], o + 3);
        }
    }
}

void capture_convert_bgr(const uint8_t *src, ptrdiff_t src_stride, int width, int height,
                         uint8_t *rgb, ptrdiff_t rgb_stride)
{
    for (int r = 0; r < height; r++) {
        const uint8_t *s = src + r * src_stride;
        uint8_t *o = rgb + r * rgb_stride;
        for (int c = 0; c < width; c++, s += 3, o += 3) {
            uint8_t b = s[0], g = s[1], red = s[2];
            o[0] = red;
            o[1] = g;
            o[2] = b;
        }
    }
}
