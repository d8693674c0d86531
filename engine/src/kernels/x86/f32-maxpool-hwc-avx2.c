/* HWC max pooling, AVX2: 8 channels per vector, masked loads/stores for the channel tail. */
#include <immintrin.h>

#include "kernels.h"

void mtk_f32_maxpool_hwc__avx2(const float *in, int c, int h, int w, int k, int s, float *out)
{
    const int ho = mtk_pool_out(h, k, s), wo = mtk_pool_out(w, k, s);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i tail = _mm256_cmpgt_epi32(_mm256_set1_epi32(c % 8), lane);
    const int cv = c - c % 8;
    for (int y = 0; y < ho; y++) {
        const int y0 = y * s, y1 = y0 + k < h ? y0 + k : h;
        for (int x = 0; x < wo; x++) {
            const int x0 = x * s, x1 = x0 + k < w ? x0 + k : w;
            float *dst = out + ((size_t)y * wo + x) * c;
            const float *first = in + ((size_t)y0 * w + x0) * c;
            for (int ch = 0; ch < cv; ch += 8) {
                __m256 m = _mm256_loadu_ps(first + ch);
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++)
                        m = _mm256_max_ps(m, _mm256_loadu_ps(in + ((size_t)yy * w + xx) * c + ch));
                _mm256_storeu_ps(dst + ch, m);
            }
            if (cv < c) {
                __m256 m = _mm256_maskload_ps(first + cv, tail);
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++)
                        m = _mm256_max_ps(
                            m, _mm256_maskload_ps(in + ((size_t)yy * w + xx) * c + cv, tail));
                _mm256_maskstore_ps(dst + cv, tail, m);
            }
        }
    }
}
