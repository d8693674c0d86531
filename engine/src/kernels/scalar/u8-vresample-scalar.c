#include "kernels.h"

void mtk_u8_vresample__scalar(const uint8_t *const *rows, const float *wt, int taps, int n,
                              float *out)
{
    for (int i = 0; i < n; i++) {
        float acc = wt[0] * rows[0][i];
        for (int t = 1; t < taps; t++)
            acc += wt[t] * rows[t][i];
        out[i] = acc;
    }
}
