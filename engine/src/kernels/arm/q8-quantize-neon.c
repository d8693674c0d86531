/* Float -> offset bytes (kernels.h), NEON: 4 values per step, the tail in scalar code doing
 * the same operations. */
#include <arm_neon.h>
#include <math.h>
#include <string.h>

#include "kernels.h"

void mtk_q8_quantize__neon(const float *in, size_t n, float inv_scale, uint8_t *out)
{
    const float32x4_t lo = vdupq_n_f32(-127.0f), hi = vdupq_n_f32(127.0f);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float32x4_t t =
            vminq_f32(vmaxq_f32(vmulq_n_f32(vld1q_f32(in + i), inv_scale), lo), hi);
        const int32x4_t r = vaddq_s32(vcvtnq_s32_f32(t), vdupq_n_s32(128));
        const uint16x4_t h = vmovn_u32(vreinterpretq_u32_s32(r));
        const uint8x8_t b = vmovn_u16(vcombine_u16(h, h));
        uint8_t tmp[8];
        vst1_u8(tmp, b);
        memcpy(out + i, tmp, 4);
    }
    for (; i < n; i++) {
        float t = in[i] * inv_scale;
        t = t < -127.0f ? -127.0f : t > 127.0f ? 127.0f : t;
        out[i] = (uint8_t)((int)nearbyintf(t) + 128);
    }
}
