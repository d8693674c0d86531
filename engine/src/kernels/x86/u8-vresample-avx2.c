/* Vertical resampling step, AVX2 + FMA: 8 bytes widened to floats per vector. */
#include <immintrin.h>

#include "kernels.h"

static inline __m256 load8(const uint8_t *p)
{
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p)));
}

void mtk_u8_vresample__avx2(const uint8_t *const *rows, const float *wt, int taps, int n,
                            float *out)
{
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256 w0 = _mm256_set1_ps(wt[0]);
        __m256 a = _mm256_mul_ps(w0, load8(rows[0] + i));
        __m256 b = _mm256_mul_ps(w0, load8(rows[0] + i + 8));
        for (int t = 1; t < taps; t++) {
            const __m256 wv = _mm256_set1_ps(wt[t]);
            a = _mm256_fmadd_ps(wv, load8(rows[t] + i), a);
            b = _mm256_fmadd_ps(wv, load8(rows[t] + i + 8), b);
        }
        _mm256_storeu_ps(out + i, a);
        _mm256_storeu_ps(out + i + 8, b);
    }
    for (; i < n; i++) {
        float acc = wt[0] * rows[0][i];
        for (int t = 1; t < taps; t++)
            acc = __builtin_fmaf(wt[t], (float)rows[t][i], acc);
        out[i] = acc;
    }
}
