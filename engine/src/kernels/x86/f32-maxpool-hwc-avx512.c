/* HWC max pooling, AVX-512: 16 channels per vector, the channel tail under a mask. */
#include <immintrin.h>

#include "kernels.h"

void mtk_f32_maxpool_hwc__avx512(const float *in, int c, int h, int w, int k, int s,
                                 float *out)
{
    const int ho = mtk_pool_out(h, k, s), wo = mtk_pool_out(w, k, s);
    for (int y = 0; y < ho; y++) {
        const int y0 = y * s, y1 = y0 + k < h ? y0 + k : h;
        for (int x = 0; x < wo; x++) {
            const int x0 = x * s, x1 = x0 + k < w ? x0 + k : w;
            float *dst = out + ((size_t)y * wo + x) * c;
            for (int ch = 0; ch < c; ch += 16) {
                const __mmask16 m = c - ch >= 16 ? (__mmask16)0xFFFF
                                                 : (__mmask16)((1u << (c - ch)) - 1);
                const float *first = in + ((size_t)y0 * w + x0) * c + ch;
                __m512 v = _mm512_maskz_loadu_ps(m, first);
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++)
                        v = _mm512_max_ps(
                            v, _mm512_maskz_loadu_ps(m, in + ((size_t)yy * w + xx) * c + ch));
                _mm512_mask_storeu_ps(dst + ch, m, v);
            }
        }
    }
}
