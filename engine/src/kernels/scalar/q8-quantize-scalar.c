#include <math.h>

#include "kernels.h"

void mtk_q8_quantize__scalar(const float *in, size_t n, float inv_scale, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        float t = in[i] * inv_scale;
        t = t < -127.0f ? -127.0f : t > 127.0f ? 127.0f : t;
        out[i] = (uint8_t)((int)nearbyintf(t) + 128);
    }
}
