/* HWC INT8 convolution of the nets' first layers (3x3 kernel on 3 input channels: P-Net,
 * R-Net and O-Net conv1), AVX-512 VNNI + VBMI, vectorised over output PIXELS instead of
 * channels. The channel-vectorised kernel (q8-conv-hwc-12x32-avx512vnni.c) spends 9 vpdpbusd
 * per pixel and 16-lane panel there while only 27 of the 36 K bytes and (P-Net) 10 of the 16
 * lanes count, and one float epilogue per pixel. Here one ZMM holds 16 output pixels x 4
 * input bytes: a kernel row's 9 bytes of 16 neighbouring pixels are 48 + 9 consecutive bytes
 * of the input row, so one 64-byte load and three vpermb give the three 4-byte groups of all
 * 16 pixels, and each output channel adds one vpdpbusd per group with its 4 weights broadcast.
 * Per 16 pixels: 9 vpdpbusd per channel (P-Net: 90 instead of 144) and one epilogue per channel
 * (10 instead of 16); the bytes are then transposed to HWC with vpermt2b.
 *
 * The integer sums are exact and the epilogue is the scalar reference's sequence of IEEE
 * operations (kernels.h), so the output is the reference's, bit for bit. Other shapes and
 * float outputs go to the channel-vectorised kernel. */
#include <immintrin.h>
#include <string.h>

#include "kernels.h"

#define PX 16 /* output pixels per tile */

static inline int32_t load32(const int8_t *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* acc (16 pixels of channel n) -> the requantised bytes of kernels.h's epilogue. */
static inline __attribute__((always_inline)) __m128i epilogue(__m512i acc, const mtk_q8_layer *l,
                                                              int n)
{
    __m512 v = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc), _mm512_set1_ps(l->scale[n]),
                               _mm512_set1_ps(l->bias[n]));
    if (l->slope) {
        const __mmask16 neg = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NGT_UQ);
        v = _mm512_mask_mul_ps(v, neg, v, _mm512_set1_ps(l->slope[n]));
    }
    __m512 t = _mm512_mul_ps(v, _mm512_set1_ps(l->out_inv_scale));
    t = _mm512_min_ps(_mm512_max_ps(t, _mm512_set1_ps(-127.0f)), _mm512_set1_ps(127.0f));
    return _mm512_cvtepi32_epi8(_mm512_add_epi32(_mm512_cvtps_epi32(t), _mm512_set1_epi32(128)));
}

/* One tile: mp (<= 16) output pixels from `in` (pixel 0's first byte of kernel row 0), the nc
 * (<= 16) channels of panel `w` starting at channel n0, the first ns (<= nc) stored at out
 * (pixel stride c_out). */
static inline __attribute__((always_inline)) void
tile(const int nc, int ns, const mtk_q8_layer *l, const uint8_t *in, size_t in_stride,
     const int8_t *w, int n0, int mp, uint8_t *out, const __m512i idx[3], const __m512i tr[4])
{
    __m512i acc[16];
#pragma GCC unroll 16
    for (int n = 0; n < nc; n++)
        acc[n] = _mm512_setzero_si512();
    /* Bytes a tile reads from each kernel row: 3 per pixel plus the 9-byte row (the pad
     * weights of bytes 9..11 are zero). */
    const __mmask64 lm = mp == PX ? ~(__mmask64)0 : (((__mmask64)1 << (3 * (mp - 1) + 12)) - 1);
    for (int ky = 0; ky < 3; ky++) {
        const __m512i row = _mm512_maskz_loadu_epi8(lm, in + (size_t)ky * in_stride);
#pragma GCC unroll 3
        for (int g = 0; g < 3; g++) {
            const __m512i x = _mm512_permutexvar_epi8(idx[g], row);
            const int8_t *wg = w + (size_t)(ky * 3 + g) * 4 * MTK_PANEL;
#pragma GCC unroll 16
            for (int n = 0; n < nc; n++)
                acc[n] = _mm512_dpbusd_epi32(acc[n], x, _mm512_set1_epi32(load32(wg + n * 4)));
        }
    }
    /* Channel n's 16 bytes go to 128-bit lane n % 4 of z[n / 4]; the transpose then makes
     * each lane one pixel's 16 channel bytes. */
    __m512i z[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
                    _mm512_setzero_si512()};
#pragma GCC unroll 16
    for (int n = 0; n < nc; n++) {
        const __m512i b = _mm512_zextsi128_si512(epilogue(acc[n], l, n0 + n));
        switch (n % 4) {
        case 0:
            z[n / 4] = b;
            break;
        case 1:
            z[n / 4] = _mm512_inserti32x4(z[n / 4], _mm512_castsi512_si128(b), 1);
            break;
        case 2:
            z[n / 4] = _mm512_inserti32x4(z[n / 4], _mm512_castsi512_si128(b), 2);
            break;
        default:
            z[n / 4] = _mm512_inserti32x4(z[n / 4], _mm512_castsi512_si128(b), 3);
            break;
        }
    }
    const __mmask16 cm = (__mmask16)((1u << ns) - 1);
    const size_t c_out = (size_t)l->c_out;
#pragma GCC unroll 4
    for (int m = 0; m < 4; m++) {
        if (4 * m >= mp)
            break;
        __m512i o = _mm512_permutex2var_epi8(z[0], tr[m], z[1]);
        if (nc > 8)
            o = _mm512_mask_blend_epi8(0xFF00FF00FF00FF00ull, o,
                                       _mm512_permutex2var_epi8(z[2], tr[m], z[3]));
        uint8_t *d = out + (size_t)(4 * m) * c_out;
        _mm_mask_storeu_epi8(d, cm, _mm512_castsi512_si128(o));
        if (4 * m + 1 < mp)
            _mm_mask_storeu_epi8(d + c_out, cm, _mm512_extracti32x4_epi32(o, 1));
        if (4 * m + 2 < mp)
            _mm_mask_storeu_epi8(d + 2 * c_out, cm, _mm512_extracti32x4_epi32(o, 2));
        if (4 * m + 3 < mp)
            _mm_mask_storeu_epi8(d + 3 * c_out, cm, _mm512_extracti32x4_epi32(o, 3));
    }
}

/* All tiles of the output for one chunk width nc (a constant in each instance). */
static inline __attribute__((always_inline)) void
chunk(const int nc, int ns, const mtk_q8_layer *l, const uint8_t *in, size_t in_stride, int out_h,
      int out_w, uint8_t *out, size_t out_stride, int n0, const __m512i idx[3], const __m512i tr[4])
{
    const int8_t *w = l->w + (size_t)(n0 / MTK_PANEL) * 3 * l->kc4 * MTK_PANEL;
    for (int y = 0; y < out_h; y++) {
        const uint8_t *a = in + (size_t)y * in_stride;
        uint8_t *o = out + (size_t)y * out_stride + n0;
        for (int x = 0; x < out_w; x += PX) {
            const int mp = out_w - x < PX ? out_w - x : PX;
            tile(nc, ns, l, a + (size_t)x * 3, in_stride, w, n0, mp, o + (size_t)x * l->c_out, idx,
                 tr);
        }
    }
}

void mtk_q8_conv_hwc_rgb16__avx512vbmi(const mtk_q8_layer *l, const uint8_t *in, size_t in_stride,
                                       int out_h, int out_w, void *out, size_t out_stride)
{
    if (l->k != 3 || l->c_in != 3 || !(l->out_inv_scale > 0.0f)) {
        mtk_q8_conv_hwc_12x32__avx512vnni(l, in, in_stride, out_h, out_w, out, out_stride);
        return;
    }
    /* idx[g]: byte 4p + b of group g = input byte 3p + 4g + b (pixel p, kernel column bytes). */
    uint8_t gi[3][64], ti[4][64];
    for (int g = 0; g < 3; g++)
        for (int p = 0; p < PX; p++)
            for (int b = 0; b < 4; b++)
                gi[g][4 * p + b] = (uint8_t)(3 * p + 4 * g + b);
    /* tr[m]: lane pp, byte n = channel n of pixel 4m + pp, which sits in byte
     * (n % 4) * 16 + 4m + pp of z[n / 4] (n % 8 selects within a pair of z). */
    for (int m = 0; m < 4; m++)
        for (int pp = 0; pp < 4; pp++)
            for (int n = 0; n < 16; n++)
                ti[m][16 * pp + n] = (uint8_t)((n % 8) * 16 + 4 * m + pp);
    __m512i idx[3], tr[4];
    for (int g = 0; g < 3; g++)
        idx[g] = _mm512_loadu_si512(gi[g]);
    for (int m = 0; m < 4; m++)
        tr[m] = _mm512_loadu_si512(ti[m]);
    uint8_t *o = out;
    for (int n0 = 0; n0 < l->c_out; n0 += MTK_PANEL) {
        const int nc = l->c_out - n0 < MTK_PANEL ? l->c_out - n0 : MTK_PANEL;
        /* The nets' chunk widths as constants (P-Net 10, R-Net 16 + 12, O-Net 16 + 16). */
        switch (nc) {
        case 16:
            chunk(16, nc, l, in, in_stride, out_h, out_w, o, out_stride, n0, idx, tr);
            break;
        case 12:
            chunk(12, nc, l, in, in_stride, out_h, out_w, o, out_stride, n0, idx, tr);
            break;
        case 10:
            chunk(10, nc, l, in, in_stride, out_h, out_w, o, out_stride, n0, idx, tr);
            break;
        case 8:
            chunk(8, nc, l, in, in_stride, out_h, out_w, o, out_stride, n0, idx, tr);
            break;
        case 4:
            chunk(4, nc, l, in, in_stride, out_h, out_w, o, out_stride, n0, idx, tr);
            break;
        default: /* any other width runs as 16 channels, the extra ones never stored */
            chunk(16, nc, l, in, in_stride, out_h, out_w, o, out_stride, n0, idx, tr);
            break;
        }
    }
}
