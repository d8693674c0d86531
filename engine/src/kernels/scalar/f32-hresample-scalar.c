/* The horizontal resampling pass with normalisation (kernels.h, mtk_hresample_fn), one
 * element at a time: the oracle of the SIMD versions. Built with -ffp-contract=off: the sum
 * is a multiply then an add per tap, as the SSE pass in resample.c that it replaces does. */
#include "kernels.h"

void mtk_f32_hresample__scalar(const float *v, const int32_t *col, const float *w, int taps, int n,
                               int bgr, float *out)
{
    for (int i = 0; i < n; i++) {
        const size_t g = (size_t)(i / 4) * taps * 4 + i % 4;
        for (int c = 0; c < 3; c++) {
            float acc = 0.0f;
            for (int t = 0; t < taps; t++) {
                const float p = w[g + (size_t)t * 4] * v[col[g + (size_t)t * 4] + c];
                acc = acc + p;
            }
            out[i * 3 + (bgr ? 2 - c : c)] = (acc - 127.5f) * 0.0078125f;
        }
    }
}
