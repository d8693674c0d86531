/* HWC max pooling on bytes, AVX-512 BW: 64 channels per vector, the tail under a mask. */
#include <immintrin.h>

#include "kernels.h"

void mtk_u8_maxpool_hwc__avx512(const uint8_t *in, int c, int h, int w, int k, int s, uint8_t *out)
{
    const int ho = mtk_pool_out(h, k, s), wo = mtk_pool_out(w, k, s);
    for (int y = 0; y < ho; y++) {
        const int y0 = y * s, y1 = y0 + k < h ? y0 + k : h;
        for (int x = 0; x < wo; x++) {
            const int x0 = x * s, x1 = x0 + k < w ? x0 + k : w;
            uint8_t *dst = out + ((size_t)y * wo + x) * c;
            for (int ch = 0; ch < c; ch += 64) {
                const int left = c - ch;
                const __mmask64 m = left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
                __m512i v = _mm512_setzero_si512();
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++)
                        v = _mm512_max_epu8(
                            v, _mm512_maskz_loadu_epi8(m, in + ((size_t)yy * w + xx) * c + ch));
                _mm512_mask_storeu_epi8(dst + ch, m, v);
            }
        }
    }
}
