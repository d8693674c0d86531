/* HWC INT8 convolution, AVX-VNNI (the VEX-encoded vpdpbusd on YMM of Alder Lake, Sapphire
 * Rapids, Zen 5; CPUs without AVX-512 have only this one): tiles of 6 output pixels x 16
 * output channels (12 YMM int32 accumulators). One vpdpbusd multiplies 4 input bytes
 * (broadcast, unsigned q + 128 as stored) by 4 x 8 weights and adds the products into each
 * channel's int32 exactly, so the sums are the scalar reference's without the AVX2 kernel's
 * sign trick; the epilogue is the same IEEE sequence as there. */
#include <immintrin.h>
#include <string.h>

#include "kernels.h"
#include "q8-epilogue-avx2.h"

#define MR 6

static inline __m256i bcast4(const uint8_t *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v);
    return _mm256_set1_epi32(v);
}

static inline __attribute__((always_inline)) void tile(int mr, const mtk_q8_layer *l,
                                                       const uint8_t *in, size_t in_stride,
                                                       const int8_t *w, int n0, void *out,
                                                       int quantised, int valid)
{
    __m256i acc[MR][2];
#pragma GCC unroll 6
    for (int p = 0; p < mr; p++) {
        acc[p][0] = _mm256_setzero_si256();
        acc[p][1] = _mm256_setzero_si256();
    }
    const int c_in = l->c_in, kc4 = l->kc4;
    for (int ky = 0; ky < l->k; ky++) {
        const uint8_t *b = in + (size_t)ky * in_stride;
        const int8_t *wk = w + (size_t)ky * kc4 * MTK_PANEL;
        for (int j = 0; j < kc4; j += 4, wk += 4 * MTK_PANEL) {
            const __m256i w0 = _mm256_load_si256((const void *)wk);
            const __m256i w1 = _mm256_load_si256((const void *)(wk + 32));
#pragma GCC unroll 6
            for (int p = 0; p < mr; p++) {
                const __m256i v = bcast4(b + (size_t)p * c_in + j);
                acc[p][0] = _mm256_dpbusd_avx_epi32(acc[p][0], v, w0);
                acc[p][1] = _mm256_dpbusd_avx_epi32(acc[p][1], v, w1);
            }
        }
    }
#pragma GCC unroll 6
    for (int p = 0; p < mr; p++) {
        char *o = (char *)out + (size_t)p * l->c_out * (quantised ? 1 : sizeof(float));
        q8_store_panel_avx2(l, acc[p], n0, o, quantised, valid);
    }
}

void mtk_q8_conv_hwc_6x16__avxvnni(const mtk_q8_layer *l, const uint8_t *in, size_t in_stride,
                                   int out_h, int out_w, void *out, size_t out_stride)
{
    const int c_out = l->c_out, quantised = l->out_inv_scale > 0.0f;
    const size_t esz = quantised ? 1 : sizeof(float);
    const size_t panel = (size_t)l->k * l->kc4 * MTK_PANEL;
    for (int y = 0; y < out_h; y++) {
        const uint8_t *a = in + (size_t)y * in_stride;
        for (int q = 0; q * MTK_PANEL < c_out; q++) {
            const int n0 = q * MTK_PANEL, valid = c_out - n0;
            const int8_t *w = l->w + q * panel;
            char *o = (char *)out + ((size_t)y * out_stride + n0) * esz;
#define TILE(mr)                                                                                   \
    tile(mr, l, a + (size_t)x * l->c_in, in_stride, w, n0, o + (size_t)x * c_out * esz, quantised, \
         valid)
            int x = 0;
            for (; x + MR <= out_w; x += MR)
                TILE(MR);
            switch (out_w - x) {
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
    }
}
