/* Vertical resampling step, AVX-512: 16 bytes widened to floats per vector, tail masked. */
#include <immintrin.h>

#include "kernels.h"

void mtk_u8_vresample__avx512(const uint8_t *const *rows, const float *wt, int taps, int n,
                              float *out)
{
    for (int i = 0; i < n; i += 16) {
        const __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        __m512 acc = _mm512_mul_ps(
            _mm512_set1_ps(wt[0]),
            _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m, rows[0] + i))));
        for (int t = 1; t < taps; t++)
            acc = _mm512_fmadd_ps(
                _mm512_set1_ps(wt[t]),
                _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m, rows[t] + i))),
                acc);
        _mm512_mask_storeu_ps(out + i, m, acc);
    }
}
