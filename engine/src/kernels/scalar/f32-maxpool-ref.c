#include "kernels.h"

void mtk_f32_maxpool__ref(const float *in, int c, int h, int w, int k, int s, float *out)
{
    const int ho = mtk_pool_out(h, k, s), wo = mtk_pool_out(w, k, s);
    for (int ch = 0; ch < c; ch++) {
        const float *src = in + (size_t)ch * h * w;
        float *dst = out + (size_t)ch * ho * wo;
        for (int y = 0; y < ho; y++) {
            const int y0 = y * s, y1 = y0 + k < h ? y0 + k : h;
            for (int x = 0; x < wo; x++) {
                const int x0 = x * s, x1 = x0 + k < w ? x0 + k : w;
                float m = src[(size_t)y0 * w + x0];
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++) {
                        const float v = src[(size_t)yy * w + xx];
                        m = v > m ? v : m;
                    }
                dst[(size_t)y * wo + x] = m;
            }
        }
    }
}
