/* kernels.h - the leaf compute kernels of the nets and the table the layers call them through.
 *
 * Two families:
 *  - The reference ops (conv, prelu, maxpool, fc) on planar CHW float32 activations (channel c,
 *    row y, column x at [c*H*W + y*W + x]) and the canonical weights of arch.h. Written for
 *    clarity; every table carries them. With the "scalar" table the nets run on them alone:
 *    that path is the fallback on every CPU and the oracle every optimised kernel is tested
 *    against.
 *  - The fast ops (conv_hwc, maxpool_hwc, vresample) of the SIMD tables, on interleaved HWC
 *    activations ([(y*W + x)*C + c]) and weights repacked once per model (struct
 *    mtk_conv_layer). A convolution is then an implicit GEMM: for a fixed kernel row ky the
 *    k*C inputs of an output pixel are contiguous, so a tile of output pixels times 16 output
 *    channels accumulates in registers with broadcast inputs and vector weights. Bias and PReLU
 *    are applied in the tile's epilogue. A fully connected layer is the same kernel with k = 1,
 *    one row and one "pixel" per crop (its weights permuted to the HWC flattening).
 *
 * Kernels allocate nothing, know nothing of threads or of other ISAs, and handle their own
 * ragged edges. Per output pixel, every conv kernel adds the products in the same order
 * (ky, kx, ci) whatever tile the pixel falls in, so results do not depend on how the caller
 * splits the work.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* ---- reference ops (CHW) ---------------------------------------------------------------- */

/* Valid (no padding) convolution, stride 1, square k x k kernel:
 * out[o][y][x] = bias[o] + sum_{i,ky,kx} w[o][i][ky][kx] * in[i][y+ky][x+kx],
 * out is c_out x (h-k+1) x (w-k+1). */
typedef void (*mtk_conv_fn)(const float *in, int c_in, int h, int w, const float *weight,
                            const float *bias, int c_out, int k, float *out);
/* Parametric ReLU in place, per channel: x = x > 0 ? x : slope[c] * x. */
typedef void (*mtk_prelu_fn)(float *x, int c, size_t plane, const float *slope);
/* Max pooling k x k, stride s, Caffe ceil mode: out = ceil((h-k)/s)+1 per side, the last
 * window clipped at the border (max over the pixels that exist). */
typedef void (*mtk_maxpool_fn)(const float *in, int c, int h, int w, int k, int s, float *out);
/* Fully connected: out[o] = bias[o] + sum_i weight[o][i] * in[i]. */
typedef void (*mtk_fc_fn)(const float *in, int n_in, const float *weight, const float *bias,
                          int n_out, float *out);

/* ---- fast ops (HWC, packed weights) ----------------------------------------------------- */

/* Output channels per weight panel. Every ISA's tile width divides or is a multiple of it. */
#define MTK_PANEL 16

/* A convolution (or FC) layer with its weights repacked:
 * w[(n / 16) * K * 16 + kk * 16 + n % 16] for output channel n and K index
 * kk = (ky * k + kx) * c_in + ci, K = k * k * c_in; channels past c_out are zero.
 * bias and slope hold round_up(c_out, 16) floats; slope NULL = no activation. */
typedef struct mtk_conv_layer {
    int k, c_in, c_out;
    const float *w;
    const float *bias;
    const float *slope;
} mtk_conv_layer;

static inline int mtk_panels(int c_out) { return (c_out + MTK_PANEL - 1) / MTK_PANEL; }

/* Valid convolution, stride 1, on dense HWC input (pixel stride c_in, row stride in_stride
 * floats): computes out_h rows of out_w pixels, out[y * out_stride + x * c_out + n] =
 * act(bias[n] + sum w * in), act = PReLU when l->slope. Reads input rows 0..out_h+k-2. */
typedef void (*mtk_conv_hwc_fn)(const mtk_conv_layer *l, const float *in, size_t in_stride,
                                int out_h, int out_w, float *out, size_t out_stride);
/* Max pooling as mtk_maxpool_fn (Caffe ceil mode, clipped windows) on dense HWC data. */
typedef void (*mtk_maxpool_hwc_fn)(const float *in, int c, int h, int w, int k, int s,
                                   float *out);
/* One vertical resampling step: out[i] = sum_{t < taps} wt[t] * rows[t][i] for i < n, bytes
 * in, floats out (taps >= 1). */
typedef void (*mtk_vresample_fn)(const uint8_t *const *rows, const float *wt, int taps, int n,
                                 float *out);

/* Horizontal resampling of one vertically resampled row v (interleaved floats) with the
 * normalisation of the nets' input, for the first n output pixels:
 *     out[i * 3 + c'] = (sum_{t < taps} w[j] * v[col[j] + c] - 127.5) * 0.0078125,
 * j = (i / 4) * taps * 4 + t * 4 + i % 4 (tap lists in groups of 4 pixels, padded with weight-0
 * taps on a readable column; v holds 4 readable floats from every col), c < 3, c' = c or 2 - c
 * when bgr. The sum starts at 0 and adds each product in tap order, a multiply then an add. */
typedef void (*mtk_hresample_fn)(const float *v, const int32_t *col, const float *w, int taps,
                                 int n, int bgr, float *out);

/* ---- INT8 ops (HWC, uint8 activations, int8 weights) ------------------------------------
 *
 * Activations are quantised per tensor, symmetrically, and stored offset by 128 as bytes:
 * x ~ s_a * (q - 128), q in 1..255 (symmetric: -127..127, so q - 128 can be negated in int8,
 * which the AVX2 kernel's sign trick needs). Weights are quantised per output channel: w ~ s_w[n] *
 * qw, qw in -127..127. A convolution accumulates sum q * qw exactly in int32 (the products of
 * an unsigned and a signed byte are what vpdpbusd / sdot multiply); the epilogue turns the
 * integer into y = fma((float)acc, scale[n], bias[n]) with scale = s_w[n] * s_a and the 128
 * offset folded into the bias (bias - scale * 128 * sum qw), applies PReLU in float and either
 * stores y as float or requantises it for the next layer:
 *     q' = (int)nearbyint(clamp(y * out_inv_scale, -127, 127)) + 128.
 * Every step is one IEEE operation in a fixed order, so each ISA's kernel gives the scalar
 * reference's bytes and floats exactly.
 *
 * Weight layout: one kernel row holds kc = k * c_in bytes of input, padded to kc4 = round_up(
 * kc, 4) (the pad weights are zero, so the kernel may read up to 3 bytes past a row: the caller
 * leaves MTK_Q8_SLACK readable bytes after every input buffer). Output channel n, padded K
 * index kk = ky * kc4 + j:  w[(n / 16) * K4 * 16 + (kk / 4) * 64 + (n % 16) * 4 + kk % 4],
 * K4 = k * kc4: groups of 4 consecutive inputs times 16 channels, the operand of one vpdpbusd.
 * scale, bias, slope hold round_up(c_out, 16) floats. */
#define MTK_Q8_SLACK 64

typedef struct mtk_q8_layer {
    int k, c_in, c_out, kc4;
    const int8_t *w;
    const float *scale, *bias;
    const float *slope;  /* NULL = no activation */
    const int32_t *wsum; /* per channel sum of qw: kernels that multiply q - 128 (signed x
                            signed, e.g. sdot) add 128 * wsum back to get sum q * qw */
    float out_inv_scale; /* > 0: requantise to bytes with it; 0: float output */
} mtk_q8_layer;

/* Valid convolution, stride 1, on dense HWC bytes (pixel stride c_in, row stride in_stride
 * bytes): out_h rows of out_w pixels into out (uint8_t when l->out_inv_scale > 0, else float;
 * out_stride counts elements of that type), pixel x of row y at out + y * out_stride + x *
 * c_out. */
typedef void (*mtk_q8_conv_hwc_fn)(const mtk_q8_layer *l, const uint8_t *in, size_t in_stride,
                                   int out_h, int out_w, void *out, size_t out_stride);
/* Max pooling as mtk_maxpool_fn on HWC bytes (max commutes with the monotonic quantisation). */
typedef void (*mtk_u8_maxpool_hwc_fn)(const uint8_t *in, int c, int h, int w, int k, int s,
                                      uint8_t *out);
/* Quantises n floats: out[i] = nearbyint(clamp(in[i] * inv_scale, -127, 127)) + 128. */
typedef void (*mtk_q8_quantize_fn)(const float *in, size_t n, float inv_scale, uint8_t *out);

/* The numeric precision a table runs the nets in. */
typedef enum mtk_precision { MTK_FP32 = 0, MTK_INT8 = 1 } mtk_precision;

typedef struct mtk_table {
    const char *name; /* "scalar", "avx2", "avx512", "neon" */
    mtk_precision precision; /* MTK_INT8: the nets run the q8 ops below (HWC graph) */
    int int8_auto; /* INT8 tables: measured faster than their FP32 sibling, so precision
                      auto takes them (AVX-512 VNNI, AVX-VNNI, sdot; not the AVX2
                      sign-trick and scalar ones) */
    mtk_conv_fn conv;
    mtk_prelu_fn prelu;
    mtk_maxpool_fn maxpool;
    mtk_fc_fn fc;
    /* NULL in the scalar table: the nets then run the reference graph on the ops above. */
    mtk_conv_hwc_fn conv_hwc;
    mtk_maxpool_hwc_fn maxpool_hwc;
    mtk_vresample_fn vresample; /* set in every table */
    mtk_hresample_fn hresample; /* NULL: resample.c's own pass */
    /* Set in the INT8 tables only. */
    mtk_q8_conv_hwc_fn q8_conv_hwc;
    mtk_u8_maxpool_hwc_fn u8_maxpool_hwc;
    mtk_q8_quantize_fn q8_quantize;
} mtk_table;

void mtk_f32_conv__ref(const float *in, int c_in, int h, int w, const float *weight,
                       const float *bias, int c_out, int k, float *out);
void mtk_f32_prelu__ref(float *x, int c, size_t plane, const float *slope);
void mtk_f32_maxpool__ref(const float *in, int c, int h, int w, int k, int s, float *out);
void mtk_f32_fc__ref(const float *in, int n_in, const float *weight, const float *bias,
                     int n_out, float *out);

/* Plain C versions of the fast ops: oracles for the tests and the portable twins. */
void mtk_f32_conv_hwc__scalar(const mtk_conv_layer *l, const float *in, size_t in_stride,
                              int out_h, int out_w, float *out, size_t out_stride);
void mtk_f32_maxpool_hwc__scalar(const float *in, int c, int h, int w, int k, int s,
                                 float *out);
void mtk_u8_vresample__scalar(const uint8_t *const *rows, const float *wt, int taps, int n,
                              float *out);
void mtk_f32_hresample__scalar(const float *v, const int32_t *col, const float *w, int taps,
                               int n, int bgr, float *out);

/* INT8 scalar references (oracles of the SIMD INT8 kernels, bit for bit). */
void mtk_q8_conv_hwc__scalar(const mtk_q8_layer *l, const uint8_t *in, size_t in_stride,
                             int out_h, int out_w, void *out, size_t out_stride);
void mtk_u8_maxpool_hwc__scalar(const uint8_t *in, int c, int h, int w, int k, int s,
                                uint8_t *out);
void mtk_q8_quantize__scalar(const float *in, size_t n, float inv_scale, uint8_t *out);

#if defined(__x86_64__)
void mtk_q8_conv_hwc_12x32__avx512vnni(const mtk_q8_layer *l, const uint8_t *in,
                                       size_t in_stride, int out_h, int out_w, void *out,
                                       size_t out_stride);
/* The first layers (k 3, c_in 3, byte output) vectorised over pixels; other layers go to the
 * kernel above. Needs AVX512_VBMI besides VNNI. */
void mtk_q8_conv_hwc_rgb16__avx512vbmi(const mtk_q8_layer *l, const uint8_t *in,
                                       size_t in_stride, int out_h, int out_w, void *out,
                                       size_t out_stride);
void mtk_u8_maxpool_hwc__avx512(const uint8_t *in, int c, int h, int w, int k, int s,
                                uint8_t *out);
void mtk_q8_conv_hwc_4x16__avx2(const mtk_q8_layer *l, const uint8_t *in, size_t in_stride,
                                int out_h, int out_w, void *out, size_t out_stride);
/* AVX-VNNI (VEX vpdpbusd on YMM), for CPUs with it and no AVX-512. */
void mtk_q8_conv_hwc_6x16__avxvnni(const mtk_q8_layer *l, const uint8_t *in, size_t in_stride,
                                   int out_h, int out_w, void *out, size_t out_stride);
void mtk_u8_maxpool_hwc__avx2(const uint8_t *in, int c, int h, int w, int k, int s,
                              uint8_t *out);
void mtk_q8_quantize__avx2(const float *in, size_t n, float inv_scale, uint8_t *out);
void mtk_q8_quantize__avx512(const float *in, size_t n, float inv_scale, uint8_t *out);
#endif

#if defined(__x86_64__)
void mtk_f32_conv_hwc_6x16__avx2(const mtk_conv_layer *l, const float *in, size_t in_stride,
                                 int out_h, int out_w, float *out, size_t out_stride);
void mtk_f32_maxpool_hwc__avx2(const float *in, int c, int h, int w, int k, int s, float *out);
void mtk_u8_vresample__avx2(const uint8_t *const *rows, const float *wt, int taps, int n,
                            float *out);
void mtk_f32_conv_hwc_12x32__avx512(const mtk_conv_layer *l, const float *in,
                                    size_t in_stride, int out_h, int out_w, float *out,
                                    size_t out_stride);
void mtk_f32_maxpool_hwc__avx512(const float *in, int c, int h, int w, int k, int s,
                                 float *out);
void mtk_u8_vresample__avx512(const uint8_t *const *rows, const float *wt, int taps, int n,
                              float *out);
void mtk_f32_hresample__avx512(const float *v, const int32_t *col, const float *w, int taps,
                               int n, int bgr, float *out);
#endif
#if defined(__aarch64__)
void mtk_q8_conv_hwc_6x16__neondot(const mtk_q8_layer *l, const uint8_t *in, size_t in_stride,
                                   int out_h, int out_w, void *out, size_t out_stride);
void mtk_u8_maxpool_hwc__neon(const uint8_t *in, int c, int h, int w, int k, int s,
                              uint8_t *out);
void mtk_q8_quantize__neon(const float *in, size_t n, float inv_scale, uint8_t *out);
void mtk_f32_conv_hwc_6x16__neon(const mtk_conv_layer *l, const float *in, size_t in_stride,
                                 int out_h, int out_w, float *out, size_t out_stride);
void mtk_f32_maxpool_hwc__neon(const float *in, int c, int h, int w, int k, int s, float *out);
void mtk_u8_vresample__neon(const uint8_t *const *rows, const float *wt, int taps, int n,
                            float *out);
#endif

/* Output side of a Caffe ceil-mode pooling. */
static inline int mtk_pool_out(int in, int k, int s)
{
    int n = in - k;
    return n <= 0 ? 1 : (n + s - 1) / s + 1;
}

/* The INT8 sibling of a table (same FP32 ops plus the q8 ops), or NULL when this CPU has no
 * INT8 kernel for that ISA. The scalar table's sibling runs the scalar references. */
const mtk_table *mtk_int8_table(const mtk_table *fp32);

/* The FP32 HWC graph on the scalar kernels (the fast path's layout, portable arithmetic). */
const mtk_table *mtk_portable_hwc_table(void);

/* The table in use: the best for this CPU, or the one named by $MTCAM_KERNELS
 * ("scalar", "avx2", "avx512", "neon", "auto"). Chosen once; thread-safe. */
const mtk_table *mtk_get_table(void);
/* A table by name ("auto" = the best), or NULL when unknown or not supported by this CPU. */
const mtk_table *mtk_find_table(const char *name);
/* Every table name this build knows, NULL-terminated (supported or not). */
extern const char *const mtk_table_names[];
