/* HWC INT8 convolution, NEON with the dot product extension (ARMv8.2 sdot): tiles of 6 output
 * pixels x 16 output channels, 24 q-register int32 accumulators. sdot multiplies signed bytes
 * by signed bytes, so the inputs (stored q + 128) are flipped to q by xor 0x80 and 128 * wsum
 * is added back before the epilogue: the int32 sums are the scalar reference's exactly. One
 * sdot: 4 inputs x 4 channels, 16 multiply-adds. */
#include <arm_neon.h>
#include <string.h>

#include "kernels.h"

#define MR 6

static inline int8x16_t bcast4(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return veorq_s8(vreinterpretq_s8_u32(vdupq_n_u32(v)), vdupq_n_s8((int8_t)0x80));
}

static inline __attribute__((always_inline)) void tile(int mr, const mtk_q8_layer *l,
                                                       const uint8_t *in, size_t in_stride,
                                                       const int8_t *w, int n0, void *out,
                                                       int quantised, int valid)
{
    int32x4_t acc[MR][4];
    int32x4_t base[4];
    for (int q = 0; q < 4; q++)
        base[q] = vshlq_n_s32(vld1q_s32(l->wsum + n0 + 4 * q), 7); /* 128 * wsum */
#pragma GCC unroll 6
    for (int p = 0; p < mr; p++)
        for (int q = 0; q < 4; q++)
            acc[p][q] = base[q];
    const int c_in = l->c_in, kc4 = l->kc4;
    for (int ky = 0; ky < l->k; ky++) {
        const uint8_t *b = in + (size_t)ky * in_stride;
        const int8_t *wk = w + (size_t)ky * kc4 * MTK_PANEL;
        for (int j = 0; j < kc4; j += 4, wk += 4 * MTK_PANEL) {
            const int8x16_t w0 = vld1q_s8(wk), w1 = vld1q_s8(wk + 16);
            const int8x16_t w2 = vld1q_s8(wk + 32), w3 = vld1q_s8(wk + 48);
#pragma GCC unroll 6
            for (int p = 0; p < mr; p++) {
                const int8x16_t v = bcast4(b + (size_t)p * c_in + j);
                acc[p][0] = vdotq_s32(acc[p][0], w0, v);
                acc[p][1] = vdotq_s32(acc[p][1], w1, v);
                acc[p][2] = vdotq_s32(acc[p][2], w2, v);
                acc[p][3] = vdotq_s32(acc[p][3], w3, v);
            }
        }
    }
    const float inv = l->out_inv_scale;
    const float32x4_t lo = vdupq_n_f32(-127.0f), hi = vdupq_n_f32(127.0f);
#pragma GCC unroll 6
    for (int p = 0; p < mr; p++) {
        float32x4_t v[4];
        for (int q = 0; q < 4; q++) {
            /* fma(acc, scale, bias), one rounding, as fmaf in the reference */
            v[q] = vfmaq_f32(vld1q_f32(l->bias + n0 + 4 * q), vcvtq_f32_s32(acc[p][q]),
                             vld1q_f32(l->scale + n0 + 4 * q));
            if (l->slope)
                v[q] = vbslq_f32(vcgtzq_f32(v[q]), v[q],
                                 vmulq_f32(v[q], vld1q_f32(l->slope + n0 + 4 * q)));
        }
        if (quantised) {
            uint8_t *o = (uint8_t *)out + (size_t)p * l->c_out;
            uint16x4_t h[4];
            for (int q = 0; q < 4; q++) {
                float32x4_t t = vminq_f32(vmaxq_f32(vmulq_n_f32(v[q], inv), lo), hi);
                const int32x4_t r = vaddq_s32(vcvtnq_s32_f32(t), vdupq_n_s32(128));
                h[q] = vmovn_u32(vreinterpretq_u32_s32(r));
            }
            const uint8x16_t bytes = vcombine_u8(vmovn_u16(vcombine_u16(h[0], h[1])),
                                                 vmovn_u16(vcombine_u16(h[2], h[3])));
            if (valid >= MTK_PANEL) {
                vst1q_u8(o, bytes);
            } else {
                uint8_t tmp[MTK_PANEL];
                vst1q_u8(tmp, bytes);
                memcpy(o, tmp, (size_t)valid);
            }
        } else {
            float *o = (float *)out + (size_t)p * l->c_out;
            if (valid >= MTK_PANEL) {
                for (int q = 0; q < 4; q++)
                    vst1q_f32(o + 4 * q, v[q]);
            } else {
                float tmp[MTK_PANEL];
                for (int q = 0; q < 4; q++)
                    vst1q_f32(tmp + 4 * q, v[q]);
                memcpy(o, tmp, sizeof(float) * (size_t)valid);
            }
        }
    }
}

void mtk_q8_conv_hwc_6x16__neondot(const mtk_q8_layer *l, const uint8_t *in, size_t in_stride,
                                   int out_h, int out_w, void *out, size_t out_stride)
{
    const int c_out = l->c_out, quantised = l->out_inv_scale > 0.0f;
    const size_t esz = quantised ? 1 : sizeof(float);
    const size_t panel = (size_t)l->k * l->kc4 * MTK_PANEL;
    for (int y = 0; y < out_h; y++) {
        const uint8_t *a = in + (size_t)y * in_stride;
        for (int q = 0; q * MTK_PANEL < c_out; q++) {
            const int n0 = q * MTK_PANEL, valid = c_out - n0;
            const int8_t *w = l->w + q * panel;
            char *o = (char *)out + ((size_t)y * out_stride + n0) * esz;
#define TILE(mr)                                                                                   \
    tile(mr, l, a + (size_t)x * l->c_in, in_stride, w, n0, o + (size_t)x * c_out * esz, quantised, \
         valid)
            int x = 0;
            for (; x + MR <= out_w; x += MR)
                TILE(MR);
            switch (out_w - x) {
            case 5:
                TILE(5);
                break;
            case 4:
                TILE(4);
                break;
            case 3:
                TILE(3);
                break;
            case 2:
                TILE(2);
                break;
            case 1:
                TILE(1);
                break;
            default:
                break;
            }
#undef TILE
        }
    }
}
