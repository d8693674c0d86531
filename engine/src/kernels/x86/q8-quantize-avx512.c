/* Float -> offset bytes (kernels.h), AVX-512: 16 values per step, the tail under a mask. */
#include <immintrin.h>

#include "kernels.h"

void mtk_q8_quantize__avx512(const float *in, size_t n, float inv_scale, uint8_t *out)
{
    const __m512 inv = _mm512_set1_ps(inv_scale), lo = _mm512_set1_ps(-127.0f),
                 hi = _mm512_set1_ps(127.0f);
    const __m512i off = _mm512_set1_epi32(128);
    for (size_t i = 0; i < n; i += 16) {
        const size_t left = n - i;
        const __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        __m512 t = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, in + i), inv);
        t = _mm512_min_ps(_mm512_max_ps(t, lo), hi);
        const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(t), off);
        _mm_mask_storeu_epi8(out + i, m, _mm512_cvtepi32_epi8(q));
    }
}
