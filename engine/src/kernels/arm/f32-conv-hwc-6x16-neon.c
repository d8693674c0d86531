/* HWC convolution as an implicit GEMM, NEON (AArch64): tiles of 6 output pixels x 16 output
 * channels, 24 q-register accumulators + 4 for the weights + 1 for the inputs (of 32).
 * The inputs of a tile are loaded as scalars and used by lane (vfmaq_laneq would need them
 * side by side; in HWC they are c_in apart). */
#include <arm_neon.h>

#include "kernels.h"

#define MR 6

static inline __attribute__((always_inline)) void tile(int mr, const float *in,
                                                       size_t in_stride, int c_in, int k,
                                                       const float *w, const float *bias,
                                                       const float *slope, float *out,
                                                       int c_out, int valid)
{
    float32x4_t acc[MR][4];
    const float32x4_t b0 = vld1q_f32(bias), b1 = vld1q_f32(bias + 4);
    const float32x4_t b2 = vld1q_f32(bias + 8), b3 = vld1q_f32(bias + 12);
#pragma GCC unroll 6
    for (int p = 0; p < mr; p++) {
        acc[p][0] = b0;
        acc[p][1] = b1;
        acc[p][2] = b2;
        acc[p][3] = b3;
    }
    const int kc = k * c_in;
    const ptrdiff_t c1 = c_in;
    for (int ky = 0; ky < k; ky++) {
        const float *a = in + (size_t)ky * in_stride;
        const float *wk = w + (size_t)ky * kc * MTK_PANEL;
        for (int j = 0; j < kc; j++, a++, wk += MTK_PANEL) {
            const float32x4_t w0 = vld1q_f32(wk), w1 = vld1q_f32(wk + 4);
            const float32x4_t w2 = vld1q_f32(wk + 8), w3 = vld1q_f32(wk + 12);
#pragma GCC unroll 6
            for (int p = 0; p < mr; p++) {
                const float v = a[p * c1];
                acc[p][0] = vfmaq_n_f32(acc[p][0], w0, v);
                acc[p][1] = vfmaq_n_f32(acc[p][1], w1, v);
                acc[p][2] = vfmaq_n_f32(acc[p][2], w2, v);
                acc[p][3] = vfmaq_n_f32(acc[p][3], w3, v);
            }
        }
    }
    if (slope) {
        /* PReLU: x > 0 ? x : slope * x, exactly as the reference. */
        float32x4_t s[4] = {vld1q_f32(slope), vld1q_f32(slope + 4), vld1q_f32(slope + 8),
                            vld1q_f32(slope + 12)};
#pragma GCC unroll 6
        for (int p = 0; p < mr; p++)
            for (int q = 0; q < 4; q++)
                acc[p][q] = vbslq_f32(vcgtzq_f32(acc[p][q]), acc[p][q],
                                      vmulq_f32(acc[p][q], s[q]));
    }
#pragma GCC unroll 6
    for (int p = 0; p < mr; p++) {
        float *o = out + (size_t)p * c_out;
        if (valid >= MTK_PANEL) {
            vst1q_f32(o, acc[p][0]);
            vst1q_f32(o + 4, acc[p][1]);
            vst1q_f32(o + 8, acc[p][2]);
            vst1q_f32(o + 12, acc[p][3]);
        } else {
            float tmp[MTK_PANEL];
            vst1q_f32(tmp, acc[p][0]);
            vst1q_f32(tmp + 4, acc[p][1]);
            vst1q_f32(tmp + 8, acc[p][2]);
            vst1q_f32(tmp + 12, acc[p][3]);
            for (int n = 0; n < valid; n++)
                o[n] = tmp[n];
        }
    }
}

void mtk_f32_conv_hwc_6x16__neon(const mtk_conv_layer *l, const float *in, size_t in_stride,
                                 int out_h, int out_w, float *out, size_t out_stride)
{
    const int c_in = l->c_in, c_out = l->c_out, k = l->k;
    const size_t panel = (size_t)k * k * c_in * MTK_PANEL;
    for (int y = 0; y < out_h; y++) {
        const float *a = in + (size_t)y * in_stride;
        for (int q = 0; q * MTK_PANEL < c_out; q++) {
            const int valid = c_out - q * MTK_PANEL;
            const float *w = l->w + q * panel;
            const float *bias = l->bias + q * MTK_PANEL;
            const float *slope = l->slope ? l->slope + q * MTK_PANEL : NULL;
            float *o = out + (size_t)y * out_stride + (size_t)q * MTK_PANEL;
#define TILE(mr)                                                                              \
    tile(mr, a + (size_t)x * c_in, in_stride, c_in, k, w, bias, slope, o + (size_t)x * c_out, \
         c_out, valid)
            int x = 0;
            for (; x + MR <= out_w; x += MR)
                TILE(MR);
            switch (out_w - x) {
            case 5: TILE(5); break;
            case 4: TILE(4); break;
            case 3: TILE(3); break;
            case 2: TILE(2); break;
            case 1: TILE(1); break;
            default: break;
            }
#undef TILE
        }
    }
}
