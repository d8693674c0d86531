/* HWC max pooling on bytes, NEON: 16 channels per vector, the tail through a small buffer. */
#include <arm_neon.h>
#include <string.h>

#include "kernels.h"

void mtk_u8_maxpool_hwc__neon(const uint8_t *in, int c, int h, int w, int k, int s, uint8_t *out)
{
    const int ho = mtk_pool_out(h, k, s), wo = mtk_pool_out(w, k, s);
    for (int y = 0; y < ho; y++) {
        const int y0 = y * s, y1 = y0 + k < h ? y0 + k : h;
        for (int x = 0; x < wo; x++) {
            const int x0 = x * s, x1 = x0 + k < w ? x0 + k : w;
            uint8_t *dst = out + ((size_t)y * wo + x) * c;
            int ch = 0;
            for (; ch + 16 <= c; ch += 16) {
                uint8x16_t v = vdupq_n_u8(0);
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++)
                        v = vmaxq_u8(v, vld1q_u8(in + ((size_t)yy * w + xx) * c + ch));
                vst1q_u8(dst + ch, v);
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
