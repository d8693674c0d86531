#include "kernels.h"

/* Same arithmetic order as the SIMD kernels: bias, then (ky, kx, ci) in turn, one rounding per
 * product-add pair being the only difference (they use FMA). */
void mtk_f32_conv_hwc__scalar(const mtk_conv_layer *l, const float *in, size_t in_stride,
                              int out_h, int out_w, float *out, size_t out_stride)
{
    const int kc = l->k * l->c_in, kk = l->k * kc;
    for (int y = 0; y < out_h; y++)
        for (int x = 0; x < out_w; x++) {
            float *dst = out + (size_t)y * out_stride + (size_t)x * l->c_out;
            for (int n = 0; n < l->c_out; n++) {
                const float *w = l->w + (size_t)(n / MTK_PANEL) * kk * MTK_PANEL + n % MTK_PANEL;
                float acc = l->bias[n];
                for (int ky = 0; ky < l->k; ky++) {
                    const float *a = in + (size_t)(y + ky) * in_stride + (size_t)x * l->c_in;
                    for (int j = 0; j < kc; j++)
                        acc += a[j] * w[(size_t)(ky * kc + j) * MTK_PANEL];
                }
                if (l->slope && !(acc > 0.0f))
                    acc *= l->slope[n];
                dst[n] = acc;
            }
        }
}
