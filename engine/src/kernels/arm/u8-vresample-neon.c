/* Vertical resampling step, NEON: 8 bytes widened to two float vectors per step. */
#include <arm_neon.h>

#include "kernels.h"

void mtk_u8_vresample__neon(const uint8_t *const *rows, const float *wt, int taps, int n,
                            float *out)
{
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        float32x4_t lo = vdupq_n_f32(0), hi = vdupq_n_f32(0);
        for (int t = 0; t < taps; t++) {
            const uint16x8_t v = vmovl_u8(vld1_u8(rows[t] + i));
            const float32x4_t fl = vcvtq_f32_u32(vmovl_u16(vget_low_u16(v)));
            const float32x4_t fh = vcvtq_f32_u32(vmovl_u16(vget_high_u16(v)));
            if (t == 0) {
                lo = vmulq_n_f32(fl, wt[0]);
                hi = vmulq_n_f32(fh, wt[0]);
            } else {
                lo = vfmaq_n_f32(lo, fl, wt[t]);
                hi = vfmaq_n_f32(hi, fh, wt[t]);
            }
        }
        vst1q_f32(out + i, lo);
        vst1q_f32(out + i + 4, hi);
    }
    for (; i < n; i++) {
        float acc = wt[0] * rows[0][i];
        for (int t = 1; t < taps; t++)
            acc = __builtin_fmaf(wt[t], (float)rows[t][i], acc);
        out[i] = acc;
    }
}
