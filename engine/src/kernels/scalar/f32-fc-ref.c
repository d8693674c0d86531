#include "kernels.h"

void mtk_f32_fc__ref(const float *in, int n_in, const float *weight, const float *bias,
                     int n_out, float *out)
{
    for (int o = 0; o < n_out; o++) {
        const float *row = weight + (size_t)o * n_in;
        float acc = bias[o];
        for (int i = 0; i < n_in; i++)
            acc += row[i] * in[i];
        out[o] = acc;
    }
}
