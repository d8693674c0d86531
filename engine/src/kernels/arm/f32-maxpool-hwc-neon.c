/* HWC max pooling, NEON: 4 channels per vector, the channel tail in scalar code. */
#include <arm_neon.h>

#include "kernels.h"

void mtk_f32_maxpool_hwc__neon(const float *in, int c, int h, int w, int k, int s, float *out)
{
    const int ho = mtk_pool_out(h, k, s), wo = mtk_pool_out(w, k, s);
    const int cv = c - c % 4;
    for (int y = 0; y < ho; y++) {
        const int y0 = y * s, y1 = y0 + k < h ? y0 + k : h;
        for (int x = 0; x < wo; x++) {
            const int x0 = x * s, x1 = x0 + k < w ? x0 + k : w;
            float *dst = out + ((size_t)y * wo + x) * c;
            const float *first = in + ((size_t)y0 * w + x0) * c;
            for (int ch = 0; ch < cv; ch += 4) {
                float32x4_t m = vld1q_f32(first + ch);
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++)
                        m = vmaxq_f32(m, vld1q_f32(in + ((size_t)yy * w + xx) * c + ch));
                vst1q_f32(dst + ch, m);
            }
            for (int ch = cv; ch < c; ch++) {
                float m = first[ch];
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++) {
                        const float v = in[((size_t)yy * w + xx) * c + ch];
                        m = v > m ? v : m;
                    }
                dst[ch] = m;
            }
        }
    }
}
