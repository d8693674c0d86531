/* HWC convolution as an implicit GEMM, AVX2 + FMA: tiles of 6 output pixels x 16 output
 * channels (12 YMM accumulators, 2 for the weights, 1 for the broadcast input). */
#include <immintrin.h>

#include "kernels.h"

#define MR 6

/* One tile: mr pixels (compile-time after inlining) x one 16-channel weight panel. */
static inline __attribute__((always_inline)) void tile(int mr, const float *in,
                                                       size_t in_stride, int c_in, int k,
                                                       const float *w, const float *bias,
                                                       const float *slope, float *out,
                                                       int c_out, int full, __m256i m0,
                                                       __m256i m1)
{
    __m256 acc[MR][2];
    const __m256 b0 = _mm256_loadu_ps(bias), b1 = _mm256_loadu_ps(bias + 8);
#pragma GCC unroll 6
    for (int p = 0; p < mr; p++) {
        acc[p][0] = b0;
        acc[p][1] = b1;
    }
    /* The 6 pixels' inputs are read through 2 base pointers (pixels 3i, 3i+1, 3i+2 at
     * base + 0, + c_in, + 2 c_in) so the addresses need 4 registers, not 6. */
    const int kc = k * c_in;
    const ptrdiff_t c1 = c_in;
    for (int ky = 0; ky < k; ky++) {
        const float *p0 = in + (size_t)ky * in_stride, *p1 = p0 + 3 * c1;
        const float *wk = w + (size_t)ky * kc * MTK_PANEL;
        for (int j = 0; j < kc; j++, p0++, p1++, wk += MTK_PANEL) {
            const __m256 w0 = _mm256_load_ps(wk);
            const __m256 w1 = _mm256_load_ps(wk + 8);
#pragma GCC unroll 6
            for (int p = 0; p < mr; p++) {
                const __m256 v = _mm256_broadcast_ss((p < 3 ? p0 : p1) + (p % 3) * c1);
                acc[p][0] = _mm256_fmadd_ps(v, w0, acc[p][0]);
                acc[p][1] = _mm256_fmadd_ps(v, w1, acc[p][1]);
            }
        }
    }
    if (slope) {
        /* PReLU: x > 0 ? x : slope * x, exactly as the reference. */
        const __m256 s0 = _mm256_loadu_ps(slope), s1 = _mm256_loadu_ps(slope + 8);
        const __m256 zero = _mm256_setzero_ps();
#pragma GCC unroll 6
        for (int p = 0; p < mr; p++) {
            acc[p][0] = _mm256_blendv_ps(_mm256_mul_ps(acc[p][0], s0), acc[p][0],
                                         _mm256_cmp_ps(acc[p][0], zero, _CMP_GT_OQ));
            acc[p][1] = _mm256_blendv_ps(_mm256_mul_ps(acc[p][1], s1), acc[p][1],
                                         _mm256_cmp_ps(acc[p][1], zero, _CMP_GT_OQ));
        }
    }
#pragma GCC unroll 6
    for (int p = 0; p < mr; p++) {
        float *o = out + (size_t)p * c_out;
        if (full) {
            _mm256_storeu_ps(o, acc[p][0]);
            _mm256_storeu_ps(o + 8, acc[p][1]);
        } else {
            _mm256_maskstore_ps(o, m0, acc[p][0]);
            _mm256_maskstore_ps(o + 8, m1, acc[p][1]);
        }
    }
}

void mtk_f32_conv_hwc_6x16__avx2(const mtk_conv_layer *l, const float *in, size_t in_stride,
                                 int out_h, int out_w, float *out, size_t out_stride)
{
    const int c_in = l->c_in, c_out = l->c_out, k = l->k;
    const size_t panel = (size_t)k * k * c_in * MTK_PANEL;
    for (int y = 0; y < out_h; y++) {
        const float *a = in + (size_t)y * in_stride;
        for (int q = 0; q * MTK_PANEL < c_out; q++) {
            const int valid = c_out - q * MTK_PANEL;
            const int full = valid >= MTK_PANEL;
            const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
            const __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(valid), lane);
            const __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(valid - 8), lane);
            const float *w = l->w + q * panel;
            const float *bias = l->bias + q * MTK_PANEL;
            const float *slope = l->slope ? l->slope + q * MTK_PANEL : NULL;
            float *o = out + (size_t)y * out_stride + (size_t)q * MTK_PANEL;
            int x = 0;
            for (; x + MR <= out_w; x += MR)
                tile(MR, a + (size_t)x * c_in, in_stride, c_in, k, w, bias, slope,
                     o + (size_t)x * c_out, c_out, full, m0, m1);
            const float *ax = a + (size_t)x * c_in;
            float *ox = o + (size_t)x * c_out;
            switch (out_w - x) {
            case 5: tile(5, ax, in_stride, c_in, k, w, bias, slope, ox, c_out, full, m0, m1); break;
            case 4: tile(4, ax, in_stride, c_in, k, w, bias, slope, ox, c_out, full, m0, m1); break;
            case 3: tile(3, ax, in_stride, c_in, k, w, bias, slope, ox, c_out, full, m0, m1); break;
            case 2: tile(2, ax, in_stride, c_in, k, w, bias, slope, ox, c_out, full, m0, m1); break;
            case 1: tile(1, ax, in_stride, c_in, k, w, bias, slope, ox, c_out, full, m0, m1); break;
            default: break;
            }
        }
    }
}
