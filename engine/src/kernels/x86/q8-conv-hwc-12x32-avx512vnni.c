/* HWC INT8 convolution, AVX-512 VNNI: tiles of 12 output pixels x 32 output channels (24 ZMM
 * int32 accumulators). One vpdpbusd multiplies 4 consecutive input bytes of a pixel
 * (broadcast) by the 4 x 16 weights of a panel and adds the 4 products into each channel's
 * int32: 64 multiply-adds per instruction, 4x an FP32 FMA. The epilogue is the scalar
 * reference's sequence of IEEE operations, vectorised (kernels.h). */
#include <immintrin.h>
#include <string.h>

#include "kernels.h"

#define MR 12

static inline int32_t load32(const uint8_t *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* acc -> float, scale and bias, PReLU, then bytes or floats under mask m. */
static inline __attribute__((always_inline)) void store(__m512i acc, const float *scale,
                                                        const float *bias, const float *slope,
                                                        float inv, void *out, __mmask16 m)
{
    __m512 v =
        _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc), _mm512_loadu_ps(scale), _mm512_loadu_ps(bias));
    if (slope) {
        const __mmask16 neg = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NGT_UQ);
        v = _mm512_mask_mul_ps(v, neg, v, _mm512_loadu_ps(slope));
    }
    if (inv > 0.0f) {
        __m512 t = _mm512_mul_ps(v, _mm512_set1_ps(inv));
        t = _mm512_min_ps(_mm512_max_ps(t, _mm512_set1_ps(-127.0f)), _mm512_set1_ps(127.0f));
        const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(t), _mm512_set1_epi32(128));
        _mm_mask_storeu_epi8(out, m, _mm512_cvtepi32_epi8(q));
    } else {
        _mm512_mask_storeu_ps(out, m, v);
    }
}

static inline __attribute__((always_inline)) void
tile(int mr, int nv, const mtk_q8_layer *l, const uint8_t *in, size_t in_stride, const int8_t *w,
     size_t panel, int n0, void *out, int quantised, __mmask16 m0, __mmask16 m1)
{
    __m512i acc[MR][2];
#pragma GCC unroll 12
    for (int p = 0; p < mr; p++) {
        acc[p][0] = _mm512_setzero_si512();
        acc[p][1] = _mm512_setzero_si512();
    }
    const int c_in = l->c_in, kc4 = l->kc4;
    for (int ky = 0; ky < l->k; ky++) {
        const uint8_t *b = in + (size_t)ky * in_stride;
        const int8_t *wk = w + (size_t)ky * kc4 * MTK_PANEL;
        for (int j = 0; j < kc4; j += 4, wk += 4 * MTK_PANEL) {
            const __m512i w0 = _mm512_load_si512((const void *)wk);
            const __m512i w1 = nv > 1 ? _mm512_load_si512((const void *)(wk + panel)) : w0;
#pragma GCC unroll 12
            for (int p = 0; p < mr; p++) {
                const __m512i v = _mm512_set1_epi32(load32(b + (size_t)p * c_in + j));
                acc[p][0] = _mm512_dpbusd_epi32(acc[p][0], v, w0);
                if (nv > 1)
                    acc[p][1] = _mm512_dpbusd_epi32(acc[p][1], v, w1);
            }
        }
    }
    const float inv = l->out_inv_scale;
    const float *slope0 = l->slope ? l->slope + n0 : NULL;
    const float *slope1 = l->slope ? l->slope + n0 + MTK_PANEL : NULL;
    const size_t esz = quantised ? 1 : sizeof(float);
#pragma GCC unroll 12
    for (int p = 0; p < mr; p++) {
        char *o = (char *)out + (size_t)p * l->c_out * esz;
        store(acc[p][0], l->scale + n0, l->bias + n0, slope0, inv, o, m0);
        if (nv > 1)
            store(acc[p][1], l->scale + n0 + MTK_PANEL, l->bias + n0 + MTK_PANEL, slope1, inv,
                  o + MTK_PANEL * esz, m1);
    }
}

static inline __attribute__((always_inline)) void
row(int nv, const mtk_q8_layer *l, const uint8_t *a, size_t in_stride, const int8_t *w,
    size_t panel, int n0, char *o, int quantised, int out_w, __mmask16 m0, __mmask16 m1)
{
    const size_t esz = quantised ? 1 : sizeof(float);
#define TILE(mr)                                                                                   \
    tile(mr, nv, l, a + (size_t)x * l->c_in, in_stride, w, panel, n0,                              \
         o + (size_t)x * l->c_out * esz, quantised, m0, m1)
    int x = 0;
    for (; x + MR <= out_w; x += MR)
        TILE(MR);
    switch (out_w - x) {
    case 11:
        TILE(11);
        break;
    case 10:
        TILE(10);
        break;
    case 9:
        TILE(9);
        break;
    case 8:
        TILE(8);
        break;
    case 7:
        TILE(7);
        break;
    case 6:
        TILE(6);
        break;
    case 5:
        TILE(5);
        break;
    case 4:
        TILE(4);
        break;
    case 3:
        TILE(3);
        break;
    case 2:
        TILE(2);
        break;
    case 1:
        TILE(1);
        break;
    default:
        break;
    }
#undef TILE
}

static __mmask16 lanes(int valid)
{
    return valid >= MTK_PANEL ? (__mmask16)0xFFFF : valid <= 0 ? 0 : (__mmask16)((1u << valid) - 1);
}

void mtk_q8_conv_hwc_12x32__avx512vnni(const mtk_q8_layer *l, const uint8_t *in, size_t in_stride,
                                       int out_h, int out_w, void *out, size_t out_stride)
{
    const int c_out = l->c_out;
    const int quantised = l->out_inv_scale > 0.0f;
    const size_t esz = quantised ? 1 : sizeof(float);
    const size_t panel = (size_t)l->k * l->kc4 * MTK_PANEL;
    const int np = mtk_panels(c_out);
    for (int y = 0; y < out_h; y++) {
        const uint8_t *a = in + (size_t)y * in_stride;
        for (int q = 0; q < np;) {
            const int nv = np - q >= 2 ? 2 : 1;
            const int n0 = q * MTK_PANEL;
            const __mmask16 m0 = lanes(c_out - n0), m1 = lanes(c_out - n0 - MTK_PANEL);
            char *o = (char *)out + ((size_t)y * out_stride + n0) * esz;
            const int8_t *w = l->w + q * panel;
            /* nv is a compile-time constant of each instance; the output type is not (the
             * epilogue tests it once per vector), which halves the instances to compile. */
            if (nv == 2)
                row(2, l, a, in_stride, w, panel, n0, o, quantised, out_w, m0, m1);
            else
                row(1, l, a, in_stride, w, panel, n0, o, quantised, out_w, m0, m1);
            q += nv;
        }
    }
}
