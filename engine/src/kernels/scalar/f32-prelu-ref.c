#include "kernels.h"

void mtk_f32_prelu__ref(float *x, int c, size_t plane, const float *slope)
{
    for (int ch = 0; ch < c; ch++) {
        float *p = x + (size_t)ch * plane;
        const float a = slope[ch];
        for (size_t i = 0; i < plane; i++)
            p[i] = p[i] > 0.0f ? p[i] : a * p[i];
    }
}
