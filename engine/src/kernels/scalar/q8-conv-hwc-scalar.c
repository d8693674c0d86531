/* The INT8 convolution reference: exact int32 sums, then the epilogue of kernels.h one IEEE
 * operation at a time. Every SIMD INT8 kernel must reproduce its output bit for bit. */
#include <math.h>

#include "kernels.h"

static inline int8_t weight_at(const mtk_q8_layer *l, int n, int kk)
{
    const size_t k4 = (size_t)l->k * l->kc4;
    return l->w[(size_t)(n / MTK_PANEL) * k4 * MTK_PANEL + (size_t)(kk / 4) * 4 * MTK_PANEL +
                (n % MTK_PANEL) * 4 + kk % 4];
}

void mtk_q8_conv_hwc__scalar(const mtk_q8_layer *l, const uint8_t *in, size_t in_stride, int out_h,
                             int out_w, void *out, size_t out_stride)
{
    const int kc = l->k * l->c_in;
    const int quantised = l->out_inv_scale > 0.0f;
    for (int y = 0; y < out_h; y++)
        for (int x = 0; x < out_w; x++)
            for (int n = 0; n < l->c_out; n++) {
                int32_t acc = 0;
                for (int ky = 0; ky < l->k; ky++) {
                    const uint8_t *a = in + (size_t)(y + ky) * in_stride + (size_t)x * l->c_in;
                    for (int j = 0; j < kc; j++)
                        acc += (int32_t)a[j] * weight_at(l, n, ky * l->kc4 + j);
                }
                float v = fmaf((float)acc, l->scale[n], l->bias[n]);
                if (l->slope && !(v > 0.0f))
                    v *= l->slope[n];
                const size_t at = (size_t)y * out_stride + (size_t)x * l->c_out + n;
                if (quantised) {
                    float t = v * l->out_inv_scale;
                    t = t < -127.0f ? -127.0f : t > 127.0f ? 127.0f : t;
                    ((uint8_t *)out)[at] = (uint8_t)((int)nearbyintf(t) + 128);
                } else {
                    ((float *)out)[at] = v;
                }
            }
}
