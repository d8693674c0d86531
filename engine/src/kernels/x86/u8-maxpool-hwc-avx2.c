/* HWC max pooling on bytes, AVX2: 32 channels per vector, the tail in scalar code. */
#include <immintrin.h>

#include "kernels.h"

void mtk_u8_maxpool_hwc__avx2(const uint8_t *in, int c, int h, int w, int k, int s, uint8_t *out)
{
    const int ho = mtk_pool_out(h, k, s), wo = mtk_pool_out(w, k, s);
    for (int y = 0; y < ho; y++) {
        const int y0 = y * s, y1 = y0 + k < h ? y0 + k : h;
        for (int x = 0; x < wo; x++) {
            const int x0 = x * s, x1 = x0 + k < w ? x0 + k : w;
            uint8_t *dst = out + ((size_t)y * wo + x) * c;
            int ch = 0;
            for (; ch + 32 <= c; ch += 32) {
                __m256i v = _mm256_setzero_si256();
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++)
                        v = _mm256_max_epu8(
                            v, _mm256_loadu_si256(
                                   (const void *)(in + ((size_t)yy * w + xx) * c + ch)));
                _mm256_storeu_si256((void *)(dst + ch), v);
            }
            for (; ch < c; ch++) {
                uint8_t m = 0;
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++) {
                        const uint8_t v = in[((size_t)yy * w + xx) * c + ch];
                        m = v > m ? v : m;
                    }
                dst[ch] = m;
            }
        }
    }
}
