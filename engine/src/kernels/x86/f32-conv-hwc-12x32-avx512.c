/* HWC convolution as an implicit GEMM, AVX-512: tiles of 12 output pixels x 32 output
 * channels (24 ZMM accumulators; the inputs are broadcast from memory into the FMAs), or 12 x
 * 16 for an odd last panel. Channel tails use store masks. */
#include <immintrin.h>

#include "kernels.h"

#define MR 12

static inline __attribute__((always_inline)) void tile(int mr, int nv, const float *in,
                                                       size_t in_stride, int c_in, int k,
                                                       const float *w, size_t panel,
                                                       const float *bias, const float *slope,
                                                       float *out, int c_out, __mmask16 m0,
                                                       __mmask16 m1)
{
    __m512 acc[MR][2];
    const __m512 bias0 = _mm512_loadu_ps(bias);
    const __m512 bias1 = nv > 1 ? _mm512_loadu_ps(bias + MTK_PANEL) : bias0;
#pragma GCC unroll 12
    for (int p = 0; p < mr; p++) {
        acc[p][0] = bias0;
        acc[p][1] = bias1;
    }
    /* The 12 pixels' inputs are read through 4 base pointers (pixels 3i, 3i+1, 3i+2 at
     * base + 0, + c_in, + 2 c_in) so the addresses need 5 registers, not 12. */
    const int kc = k * c_in;
    const ptrdiff_t c1 = c_in;
    for (int ky = 0; ky < k; ky++) {
        const float *b0 = in + (size_t)ky * in_stride, *b1 = b0 + 3 * c1, *b2 = b0 + 6 * c1,
                    *b3 = b0 + 9 * c1;
        const float *wk = w + (size_t)ky * kc * MTK_PANEL;
        for (int j = 0; j < kc; j++, b0++, b1++, b2++, b3++, wk += MTK_PANEL) {
            const __m512 w0 = _mm512_load_ps(wk);
            const __m512 w1 = nv > 1 ? _mm512_load_ps(wk + panel) : w0;
#pragma GCC unroll 12
            for (int p = 0; p < mr; p++) {
                const float *base = p < 3 ? b0 : p < 6 ? b1 : p < 9 ? b2 : b3;
                const __m512 v = _mm512_set1_ps(base[(p % 3) * c1]);
                acc[p][0] = _mm512_fmadd_ps(v, w0, acc[p][0]);
                if (nv > 1)
                    acc[p][1] = _mm512_fmadd_ps(v, w1, acc[p][1]);
            }
        }
    }
    if (slope) {
        /* PReLU: x > 0 ? x : slope * x, exactly as the reference. */
        const __m512 s0 = _mm512_loadu_ps(slope);
        const __m512 s1 = nv > 1 ? _mm512_loadu_ps(slope + MTK_PANEL) : s0;
        const __m512 zero = _mm512_setzero_ps();
#pragma GCC unroll 12
        for (int p = 0; p < mr; p++) {
            __mmask16 neg = _mm512_cmp_ps_mask(acc[p][0], zero, _CMP_NGT_UQ);
            acc[p][0] = _mm512_mask_mul_ps(acc[p][0], neg, acc[p][0], s0);
            if (nv > 1) {
                neg = _mm512_cmp_ps_mask(acc[p][1], zero, _CMP_NGT_UQ);
                acc[p][1] = _mm512_mask_mul_ps(acc[p][1], neg, acc[p][1], s1);
            }
        }
    }
#pragma GCC unroll 12
    for (int p = 0; p < mr; p++) {
        float *o = out + (size_t)p * c_out;
        _mm512_mask_storeu_ps(o, m0, acc[p][0]);
        if (nv > 1)
            _mm512_mask_storeu_ps(o + MTK_PANEL, m1, acc[p][1]);
    }
}

/* One row of tiles for nv panels: full tiles of MR pixels, then the rest in one tile. */
static inline __attribute__((always_inline)) void row(int nv, const float *a, size_t in_stride,
                                                      int c_in, int k, const float *w,
                                                      size_t panel, const float *bias,
                                                      const float *slope, float *o,
                                                      int c_out, int out_w, __mmask16 m0,
                                                      __mmask16 m1)
{
#define TILE(mr)                                                                              \
    tile(mr, nv, a + (size_t)x * c_in, in_stride, c_in, k, w, panel, bias, slope,             \
         o + (size_t)x * c_out, c_out, m0, m1)
    int x = 0;
    for (; x + MR <= out_w; x += MR)
        TILE(MR);
    switch (out_w - x) {
    case 11: TILE(11); break;
    case 10: TILE(10); break;
    case 9: TILE(9); break;
    case 8: TILE(8); break;
    case 7: TILE(7); break;
    case 6: TILE(6); break;
    case 5: TILE(5); break;
    case 4: TILE(4); break;
    case 3: TILE(3); break;
    case 2: TILE(2); break;
    case 1: TILE(1); break;
    default: break;
    }
#undef TILE
}

static __mmask16 lanes(int valid)
{
    return valid >= MTK_PANEL ? (__mmask16)0xFFFF
                              : valid <= 0 ? 0 : (__mmask16)((1u << valid) - 1);
}

void mtk_f32_conv_hwc_12x32__avx512(const mtk_conv_layer *l, const float *in,
                                    size_t in_stride, int out_h, int out_w, float *out,
                                    size_t out_stride)
{
    const int c_in = l->c_in, c_out = l->c_out, k = l->k;
    const size_t panel = (size_t)k * k * c_in * MTK_PANEL;
    const int np = mtk_panels(c_out);
    for (int y = 0; y < out_h; y++) {
        const float *a = in + (size_t)y * in_stride;
        for (int q = 0; q < np;) {
            const int nv = np - q >= 2 ? 2 : 1;
            const int n0 = q * MTK_PANEL;
            const __mmask16 m0 = lanes(c_out - n0), m1 = lanes(c_out - n0 - MTK_PANEL);
            const float *slope = l->slope ? l->slope + n0 : NULL;
            float *o = out + (size_t)y * out_stride + n0;
            if (nv == 2)
                row(2, a, in_stride, c_in, k, l->w + q * panel, panel, l->bias + n0, slope, o,
                    c_out, out_w, m0, m1);
            else
                row(1, a, in_stride, c_in, k, l->w + q * panel, panel, l->bias + n0, slope, o,
                    c_out, out_w, m0, m1);
            q += nv;
        }
    }
}
