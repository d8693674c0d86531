/* The horizontal resampling pass with normalisation (kernels.h, mtk_hresample_fn), AVX-512:
 * four output pixels per ZMM, one per 128-bit lane (R, G, B and one unused float). Per tap
 * the four source pixels are one load and three masked 128-bit broadcasts (no shuffle port),
 * the four weights one load spread over the lanes; multiply, then add (built with
 * -ffp-contract=off: no FMA), in tap order, so every element is the scalar reference's. The
 * 12 useful floats are compacted (and B, R swapped for BGR sources) by one vpermps. */
#include <immintrin.h>

#include "kernels.h"

void mtk_f32_hresample__avx512(const float *v, const int32_t *col, const float *w, int taps, int n,
                               int bgr, float *out)
{
    const __m512i spread = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    const __m512i pack =
        bgr ? _mm512_setr_epi32(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, 0, 0, 0, 0)
            : _mm512_setr_epi32(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0, 0, 0, 0);
    const __m512 bias = _mm512_set1_ps(127.5f), norm = _mm512_set1_ps(0.0078125f);
    for (int i = 0; i < n; i += 4) {
        const int32_t *c = col + (size_t)i * taps;
        const float *wg = w + (size_t)i * taps;
        __m512 acc = _mm512_setzero_ps();
        for (int t = 0; t < taps; t++, c += 4, wg += 4) {
            __m512 x = _mm512_castps128_ps512(_mm_loadu_ps(v + c[0]));
            x = _mm512_mask_broadcast_f32x4(x, 0x00F0, _mm_loadu_ps(v + c[1]));
            x = _mm512_mask_broadcast_f32x4(x, 0x0F00, _mm_loadu_ps(v + c[2]));
            x = _mm512_mask_broadcast_f32x4(x, 0xF000, _mm_loadu_ps(v + c[3]));
            const __m512 wv =
                _mm512_permutexvar_ps(spread, _mm512_castps128_ps512(_mm_loadu_ps(wg)));
            acc = _mm512_add_ps(acc, _mm512_mul_ps(wv, x));
        }
        acc = _mm512_mul_ps(_mm512_sub_ps(acc, bias), norm);
        const int np = n - i < 4 ? n - i : 4;
        _mm512_mask_storeu_ps(out + (size_t)i * 3, (__mmask16)((1u << (3 * np)) - 1),
                              _mm512_permutexvar_ps(pack, acc));
    }
}
