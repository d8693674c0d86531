#include "kernels.h"

void mtk_f32_conv__ref(const float *in, int c_in, int h, int w, const float *weight,
                       const float *bias, int c_out, int k, float *out)
{
    const int ho = h - k + 1, wo = w - k + 1;
    for (int o = 0; o < c_out; o++) {
        float *dst = out + (size_t)o * ho * wo;
        for (int p = 0; p < ho * wo; p++)
            dst[p] = bias[o];
        for (int i = 0; i < c_in; i++) {
            const float *src = in + (size_t)i * h * w;
            const float *kern = weight + ((size_t)o * c_in + i) * k * k;
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++) {
                    const float wv = kern[ky * k + kx];
                    for (int y = 0; y < ho; y++) {
                        const float *row = src + (size_t)(y + ky) * w + kx;
                        float *drow = dst + (size_t)y * wo;
                        for (int x = 0; x < wo; x++)
                            drow[x] += wv * row[x];
                    }
                }
        }
    }
}
