/* Float -> offset bytes (kernels.h), AVX2: 8 values per step, the tail in scalar code doing
 * the same operations. */
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "kernels.h"

void mtk_q8_quantize__avx2(const float *in, size_t n, float inv_scale, uint8_t *out)
{
    const __m256 inv = _mm256_set1_ps(inv_scale), lo = _mm256_set1_ps(-127.0f),
                 hi = _mm256_set1_ps(127.0f);
    const __m256i off = _mm256_set1_epi32(128);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 t = _mm256_mul_ps(_mm256_loadu_ps(in + i), inv);
        t = _mm256_min_ps(_mm256_max_ps(t, lo), hi);
        const __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(t), off);
        const __m128i w16 =
            _mm_packus_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
        const __m128i b = _mm_packus_epi16(w16, w16);
        _mm_storel_epi64((__m128i *)(void *)(out + i), b);
    }
    for (; i < n; i++) {
        float t = in[i] * inv_scale;
        t = t < -127.0f ? -127.0f : t > 127.0f ? 127.0f : t;
        out[i] = (uint8_t)((int)nearbyintf(t) + 128);
    }
}
