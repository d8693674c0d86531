/* net.c - the three MTCNN graphs: layer order and shapes, computed through the kernel table.
 * Weights are in the canonical image frame (arch.h), so no transposition happens here; the
 * fast path's repacked copies are made once per model in mtcnn__model_prepare. */
#include "net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "arch.h"
#include "err.h"
#include "net-layers.h"
#include "net-q8.h"

/* The repacked layers of the fast path (model->packed). */
enum { P_CONV1, P_CONV2, P_CONV3, P_HEADS, P_COUNT };
enum { R_CONV1, R_CONV2, R_CONV3, R_FC4, R_HEADS, R_COUNT };
enum { O_CONV1, O_CONV2, O_CONV3, O_CONV4, O_FC5, O_HEADS, O_COUNT };
typedef struct packed_model {
    mtk_conv_layer p[P_COUNT], r[R_COUNT], o[O_COUNT];
    float *storage;
} packed_model;

/* Face probability from the two class scores (softmax, index 1 = face). */
static float face_prob(float non_face, float face)
{
    return 1.0f / (1.0f + expf(non_face - face));
}

/* ---- reference path (CHW) ----------------------------------------------------------------- */

/* conv k x k + PReLU; returns the multiply-adds. */
static double conv_prelu(const mtcnn_model *m, const mtk_table *k, int wid, int bid, int sid,
                         const float *in, int c_in, int h, int w, float *out)
{
    const mtcnn__tensor_info *ti = &mtcnn__tensors[wid];
    const int c_out = (int)ti->dims[0], ks = (int)ti->dims[2];
    k->conv(in, c_in, h, w, m->t[wid], m->t[bid], c_out, ks, out);
    const int ho = h - ks + 1, wo = w - ks + 1;
    if (sid >= 0)
        mtk_f32_prelu__ref(out, c_out, (size_t)ho * wo, m->t[sid]);
    return (double)c_out * c_in * ks * ks * ho * wo;
}

size_t mtcnn__pnet_scratch_floats(int h, int w)
{
    /* Reference: two conv1-sized buffers. Fast: the same plus an HWC copy of the input. */
    const size_t conv1 = (size_t)10 * (h - 2) * (w - 2);
    return 2 * conv1 + (size_t)3 * h * w + 64;
}

static double pnet_forward_ref(const mtcnn_model *m, const mtk_table *k, const float *in,
                               int h, int w, float *scratch, float *prob, float *reg)
{
    float *a = scratch, *b = scratch + (size_t)10 * (h - 2) * (w - 2);
    double macs = 0;
    int ch = h - 2, cw = w - 2;
    macs += conv_prelu(m, k, MTCNN__T_PNET_CONV1_W, MTCNN__T_PNET_CONV1_B, MTCNN__T_PNET_PRELU1,
                       in, 3, h, w, a);
    k->maxpool(a, 10, ch, cw, 2, 2, b);
    ch = mtk_pool_out(ch, 2, 2);
    cw = mtk_pool_out(cw, 2, 2);
    macs += conv_prelu(m, k, MTCNN__T_PNET_CONV2_W, MTCNN__T_PNET_CONV2_B, MTCNN__T_PNET_PRELU2,
                       b, 10, ch, cw, a);
    ch -= 2;
    cw -= 2;
    macs += conv_prelu(m, k, MTCNN__T_PNET_CONV3_W, MTCNN__T_PNET_CONV3_B, MTCNN__T_PNET_PRELU3,
                       a, 16, ch, cw, b);
    ch -= 2;
    cw -= 2;
    const size_t plane = (size_t)ch * cw;
    /* The 1x1 heads: class scores into a, regression straight into reg. */
    macs += conv_prelu(m, k, MTCNN__T_PNET_CONV4_1_W, MTCNN__T_PNET_CONV4_1_B, -1, b, 32, ch, cw,
                       a);
    macs += conv_prelu(m, k, MTCNN__T_PNET_CONV4_2_W, MTCNN__T_PNET_CONV4_2_B, -1, b, 32, ch, cw,
                       reg);
    for (size_t i = 0; i < plane; i++)
        prob[i] = face_prob(a[i], a[plane + i]);
    return macs;
}

static void rnet_forward_ref(const mtcnn_model *m, const mtk_table *k, const float *in,
                             float *scratch, float out[5])
{
    float *a = scratch, *b = scratch + 28 * 22 * 22;
    float fc[128], head[6];
    conv_prelu(m, k, MTCNN__T_RNET_CONV1_W, MTCNN__T_RNET_CONV1_B, MTCNN__T_RNET_PRELU1, in, 3,
               24, 24, a);
    k->maxpool(a, 28, 22, 22, 3, 2, b); /* 28x11x11 */
    conv_prelu(m, k, MTCNN__T_RNET_CONV2_W, MTCNN__T_RNET_CONV2_B, MTCNN__T_RNET_PRELU2, b, 28,
               11, 11, a);              /* 48x9x9 */
    k->maxpool(a, 48, 9, 9, 3, 2, b);   /* 48x4x4 */
    conv_prelu(m, k, MTCNN__T_RNET_CONV3_W, MTCNN__T_RNET_CONV3_B, MTCNN__T_RNET_PRELU3, b, 48,
               4, 4, a);                /* 64x3x3 */
    k->fc(a, 576, m->t[MTCNN__T_RNET_FC4_W], m->t[MTCNN__T_RNET_FC4_B], 128, fc);
    k->prelu(fc, 128, 1, m->t[MTCNN__T_RNET_PRELU4]);
    k->fc(fc, 128, m->t[MTCNN__T_RNET_FC5_1_W], m->t[MTCNN__T_RNET_FC5_1_B], 2, head);
    k->fc(fc, 128, m->t[MTCNN__T_RNET_FC5_2_W], m->t[MTCNN__T_RNET_FC5_2_B], 4, head + 2);
    out[0] = face_prob(head[0], head[1]);
    for (int i = 0; i < 4; i++)
        out[1 + i] = head[2 + i];
}

static void onet_forward_ref(const mtcnn_model *m, const mtk_table *k, const float *in,
                             float *scratch, float out[15])
{
    float *a = scratch, *b = scratch + 32 * 46 * 46;
    float fc[256], head[16];
    conv_prelu(m, k, MTCNN__T_ONET_CONV1_W, MTCNN__T_ONET_CONV1_B, MTCNN__T_ONET_PRELU1, in, 3,
               48, 48, a);              /* 32x46x46 */
    k->maxpool(a, 32, 46, 46, 3, 2, b); /* 32x23x23 */
    conv_prelu(m, k, MTCNN__T_ONET_CONV2_W, MTCNN__T_ONET_CONV2_B, MTCNN__T_ONET_PRELU2, b, 32,
               23, 23, a);              /* 64x21x21 */
    k->maxpool(a, 64, 21, 21, 3, 2, b); /* 64x10x10 */
    conv_prelu(m, k, MTCNN__T_ONET_CONV3_W, MTCNN__T_ONET_CONV3_B, MTCNN__T_ONET_PRELU3, b, 64,
               10, 10, a);              /* 64x8x8 */
    k->maxpool(a, 64, 8, 8, 2, 2, b);   /* 64x4x4 */
    conv_prelu(m, k, MTCNN__T_ONET_CONV4_W, MTCNN__T_ONET_CONV4_B, MTCNN__T_ONET_PRELU4, b, 64,
               4, 4, a);                /* 128x3x3 */
    k->fc(a, 1152, m->t[MTCNN__T_ONET_FC5_W], m->t[MTCNN__T_ONET_FC5_B], 256, fc);
    k->prelu(fc, 256, 1, m->t[MTCNN__T_ONET_PRELU5]);
    k->fc(fc, 256, m->t[MTCNN__T_ONET_FC6_1_W], m->t[MTCNN__T_ONET_FC6_1_B], 2, head);
    k->fc(fc, 256, m->t[MTCNN__T_ONET_FC6_2_W], m->t[MTCNN__T_ONET_FC6_2_B], 4, head + 2);
    k->fc(fc, 256, m->t[MTCNN__T_ONET_FC6_3_W], m->t[MTCNN__T_ONET_FC6_3_B], 10, head + 6);
    out[0] = face_prob(head[0], head[1]);
    for (int i = 0; i < 14; i++)
        out[1 + i] = head[2 + i];
}

/* ---- fast path (HWC, packed weights) --------------------------------------------------- */

/* Calibration (calibrate.c): while a thread's sink is set, the FP32 fast path records the
 * largest |x| of every quantised layer's input into it (model.h's act_scale order). */
static _Thread_local float *calib_sink;

void mtcnn__calib_set_sink(float *max_abs) { calib_sink = max_abs; }

static void observe(int layer, const float *x, size_t n)
{
    if (!calib_sink)
        return;
    float m = calib_sink[layer];
    for (size_t i = 0; i < n; i++)
        m = fmaxf(m, fabsf(x[i]));
    calib_sink[layer] = m;
}

static const packed_model *packed(const mtcnn_model *m) { return m->packed; }

const mtk_conv_layer *mtcnn__packed_layer(const mtcnn_model *m, int i)
{
    const packed_model *pm = packed(m);
    return i < P_COUNT ? &pm->p[i] : i < P_COUNT + R_COUNT ? &pm->r[i - P_COUNT]
                                                          : &pm->o[i - P_COUNT - R_COUNT];
}

/* Runs one packed conv layer over a whole h x w input; returns the multiply-adds. */
static double conv_hwc(const mtk_table *k, const mtk_conv_layer *l, const float *in, int h,
                       int w, float *out)
{
    const int ho = h - l->k + 1, wo = w - l->k + 1;
    k->conv_hwc(l, in, (size_t)w * l->c_in, ho, wo, out, (size_t)wo * l->c_out);
    return (double)l->c_out * l->c_in * l->k * l->k * ho * wo;
}

/* A CHW image as HWC. */
static void chw_to_hwc(const float *in, int c, int h, int w, float *out)
{
    const size_t plane = (size_t)h * w;
    for (size_t p = 0; p < plane; p++)
        for (int ch = 0; ch < c; ch++)
            out[p * c + ch] = in[ch * plane + p];
}

double mtcnn__pnet_forward_hwc(const mtcnn_model *m, const mtk_table *k, const float *in,
                               int h, int w, float *scratch, float *prob, float *reg,
                               size_t reg_plane)
{
    if (k->precision == MTK_INT8 && m->packed_q8)
        return mtcnn__pnet_forward_q8(m, k, in, h, w, scratch, prob, reg, reg_plane);
    const packed_model *pm = packed(m);
    float *a = scratch, *b = scratch + (size_t)10 * (h - 2) * (w - 2);
    double macs = 0;
    int ch = h - 2, cw = w - 2;
    observe(0, in, (size_t)3 * h * w);
    macs += conv_hwc(k, &pm->p[P_CONV1], in, h, w, a);
    k->maxpool_hwc(a, 10, ch, cw, 2, 2, b);
    ch = mtk_pool_out(ch, 2, 2);
    cw = mtk_pool_out(cw, 2, 2);
    observe(1, b, (size_t)10 * ch * cw);
    macs += conv_hwc(k, &pm->p[P_CONV2], b, ch, cw, a);
    ch -= 2;
    cw -= 2;
    observe(2, a, (size_t)16 * ch * cw);
    macs += conv_hwc(k, &pm->p[P_CONV3], a, ch, cw, b);
    ch -= 2;
    cw -= 2;
    observe(3, b, (size_t)32 * ch * cw);
    /* Both 1x1 heads in one layer: per cell 2 class scores, then dx1, dy1, dx2, dy2. */
    macs += conv_hwc(k, &pm->p[P_HEADS], b, ch, cw, a);
    const size_t plane = (size_t)ch * cw;
    for (size_t i = 0; i < plane; i++) {
        const float *c = a + i * 6;
        prob[i] = face_prob(c[0], c[1]);
        for (int r = 0; r < 4; r++)
            reg[r * reg_plane + i] = c[2 + r];
    }
    return macs;
}

double mtcnn__pnet_forward(const mtcnn_model *m, const mtk_table *k, const float *in, int h,
                           int w, float *scratch, float *prob, float *reg)
{
    if (!mtcnn__net_hwc(k))
        return pnet_forward_ref(m, k, in, h, w, scratch, prob, reg);
    float *hwc = scratch + 2 * (size_t)10 * (h - 2) * (w - 2);
    chw_to_hwc(in, 3, h, w, hwc);
    return mtcnn__pnet_forward_hwc(m, k, hwc, h, w, scratch, prob, reg,
                                   (size_t)mtcnn__pnet_out(h) * mtcnn__pnet_out(w));
}

/* Fast R-Net: the convolutions crop by crop (their activations stay in cache), the fully
 * connected layers once over the batch, so each FC weight is read once per batch. */
#define R_A (22 * 22 * 28)
#define R_B (11 * 11 * 28)
#define R_FLAT 576
#define O_A (46 * 46 * 32)
#define O_B (23 * 23 * 32)
#define O_FLAT 1152

size_t mtcnn__rnet_batch_scratch_floats(int n)
{
    return R_A + R_B + (size_t)n * (R_FLAT + 128 + 16) + 64;
}

size_t mtcnn__onet_batch_scratch_floats(int n)
{
    return O_A + O_B + (size_t)n * (O_FLAT + 256 + 16) + 64;
}

static void rnet_batch_hwc(const mtcnn_model *m, const mtk_table *k, const float *in, int n,
                           float *scratch, float *out)
{
    if (k->precision == MTK_INT8 && m->packed_q8) {
        mtcnn__rnet_batch_q8(m, k, in, n, scratch, out);
        return;
    }
    const packed_model *pm = packed(m);
    float *a = scratch, *b = a + R_A, *flat = b + R_B, *fc = flat + (size_t)n * R_FLAT;
    float *head = fc + (size_t)n * 128;
    observe(4, in, (size_t)n * 24 * 24 * 3);
    for (int i = 0; i < n; i++) {
        conv_hwc(k, &pm->r[R_CONV1], in + (size_t)i * 24 * 24 * 3, 24, 24, a); /* 22x22x28 */
        k->maxpool_hwc(a, 28, 22, 22, 3, 2, b);                                 /* 11x11 */
        observe(5, b, 11 * 11 * 28);
        conv_hwc(k, &pm->r[R_CONV2], b, 11, 11, a);                             /* 9x9x48 */
        k->maxpool_hwc(a, 48, 9, 9, 3, 2, b);                                   /* 4x4 */
        observe(6, b, 4 * 4 * 48);
        conv_hwc(k, &pm->r[R_CONV3], b, 4, 4, flat + (size_t)i * R_FLAT);       /* 3x3x64 */
    }
    observe(7, flat, (size_t)n * R_FLAT);
    /* FC layers: one row of n "pixels" of 576 (then 128) channels, kernel 1. */
    k->conv_hwc(&pm->r[R_FC4], flat, 0, 1, n, fc, 0);
    observe(8, fc, (size_t)n * 128);
    k->conv_hwc(&pm->r[R_HEADS], fc, 0, 1, n, head, 0);
    for (int i = 0; i < n; i++) {
        const float *h = head + (size_t)i * 6;
        float *o = out + (size_t)i * MTCNN__RNET_OUT;
        o[0] = face_prob(h[0], h[1]);
        for (int j = 0; j < 4; j++)
            o[1 + j] = h[2 + j];
    }
}

static void onet_batch_hwc(const mtcnn_model *m, const mtk_table *k, const float *in, int n,
                           float *scratch, float *out)
{
    if (k->precision == MTK_INT8 && m->packed_q8) {
        mtcnn__onet_batch_q8(m, k, in, n, scratch, out);
        return;
    }
    const packed_model *pm = packed(m);
    float *a = scratch, *b = a + O_A, *flat = b + O_B, *fc = flat + (size_t)n * O_FLAT;
    float *head = fc + (size_t)n * 256;
    observe(9, in, (size_t)n * 48 * 48 * 3);
    for (int i = 0; i < n; i++) {
        conv_hwc(k, &pm->o[O_CONV1], in + (size_t)i * 48 * 48 * 3, 48, 48, a); /* 46x46x32 */
        k->maxpool_hwc(a, 32, 46, 46, 3, 2, b);                                 /* 23x23 */
        observe(10, b, 23 * 23 * 32);
        conv_hwc(k, &pm->o[O_CONV2], b, 23, 23, a);                             /* 21x21x64 */
        k->maxpool_hwc(a, 64, 21, 21, 3, 2, b);                                 /* 10x10 */
        observe(11, b, 10 * 10 * 64);
        conv_hwc(k, &pm->o[O_CONV3], b, 10, 10, a);                             /* 8x8x64 */
        k->maxpool_hwc(a, 64, 8, 8, 2, 2, b);                                   /* 4x4 */
        observe(12, b, 4 * 4 * 64);
        conv_hwc(k, &pm->o[O_CONV4], b, 4, 4, flat + (size_t)i * O_FLAT);       /* 3x3x128 */
    }
    observe(13, flat, (size_t)n * O_FLAT);
    k->conv_hwc(&pm->o[O_FC5], flat, 0, 1, n, fc, 0);
    observe(14, fc, (size_t)n * 256);
    k->conv_hwc(&pm->o[O_HEADS], fc, 0, 1, n, head, 0);
    for (int i = 0; i < n; i++) {
        const float *h = head + (size_t)i * 16;
        float *o = out + (size_t)i * MTCNN__ONET_OUT;
        o[0] = face_prob(h[0], h[1]);
        for (int j = 0; j < 14; j++)
            o[1 + j] = h[2 + j];
    }
}

void mtcnn__rnet_forward_batch(const mtcnn_model *m, const mtk_table *k, const float *in, int n,
                               float *scratch, float *out)
{
    if (mtcnn__net_hwc(k)) {
        rnet_batch_hwc(m, k, in, n, scratch, out);
        return;
    }
    for (int i = 0; i < n; i++)
        rnet_forward_ref(m, k, in + (size_t)i * 3 * 24 * 24, scratch,
                         out + (size_t)i * MTCNN__RNET_OUT);
}

void mtcnn__onet_forward_batch(const mtcnn_model *m, const mtk_table *k, const float *in, int n,
                               float *scratch, float *out)
{
    if (mtcnn__net_hwc(k)) {
        onet_batch_hwc(m, k, in, n, scratch, out);
        return;
    }
    for (int i = 0; i < n; i++)
        onet_forward_ref(m, k, in + (size_t)i * 3 * 48 * 48, scratch,
                         out + (size_t)i * MTCNN__ONET_OUT);
}

_Static_assert(R_A + R_B + R_FLAT + 128 + 16 + 64 + 3 * 24 * 24 <= MTCNN__RNET_SCRATCH_FLOATS,
               "R-Net scratch too small for the fast path");
_Static_assert(O_A + O_B + O_FLAT + 256 + 16 + 64 + 3 * 48 * 48 <= MTCNN__ONET_SCRATCH_FLOATS,
               "O-Net scratch too small for the fast path");

void mtcnn__rnet_forward(const mtcnn_model *m, const mtk_table *k, const float *in,
                         float *scratch, float out[5])
{
    if (!mtcnn__net_hwc(k)) {
        rnet_forward_ref(m, k, in, scratch, out);
        return;
    }
    float *hwc = scratch + mtcnn__rnet_batch_scratch_floats(1);
    chw_to_hwc(in, 3, 24, 24, hwc);
    rnet_batch_hwc(m, k, hwc, 1, scratch, out);
}

void mtcnn__onet_forward(const mtcnn_model *m, const mtk_table *k, const float *in,
                         float *scratch, float out[15])
{
    if (!mtcnn__net_hwc(k)) {
        onet_forward_ref(m, k, in, scratch, out);
        return;
    }
    float *hwc = scratch + mtcnn__onet_batch_scratch_floats(1);
    chw_to_hwc(in, 3, 48, 48, hwc);
    onet_batch_hwc(m, k, hwc, 1, scratch, out);
}

/* ---- weight repacking ----------------------------------------------------------------- */

typedef mtcnn__layer_src layer_src;

int mtcnn__layer_rows(const layer_src *s)
{
    int n = 0;
    for (int i = 0; i < s->n_parts; i++)
        n += s->part[i].rows;
    return n;
}

static size_t layer_floats(const layer_src *s)
{
    const size_t kk = (size_t)s->k * s->k * s->c_in * s->hw;
    const size_t np = (size_t)mtk_panels(mtcnn__layer_rows(s));
    return np * MTK_PANEL * (kk + 2);
}

/* Canonical index, within one output row, of HWC-ordered K index kk. */
size_t mtcnn__canonical_col(const layer_src *s, int kk)
{
    const int ci = kk % s->c_in, pos = kk / s->c_in;
    if (s->hw > 1) /* FC over CHW-flattened input: pos = pixel, canonical c * hw + pixel */
        return (size_t)ci * s->hw + pos;
    const int ky = pos / s->k, kx = pos % s->k;
    return ((size_t)ci * s->k + ky) * s->k + kx;
}

/* Packs one layer at *p (advanced), describing it in *l. */
static void pack_layer(const mtcnn_model *m, const layer_src *s, mtk_conv_layer *l, float **p)
{
    const int n_out = mtcnn__layer_rows(s), np = mtk_panels(n_out);
    const int kk = s->k * s->k * s->c_in * s->hw;
    float *w = *p, *bias = w + (size_t)np * MTK_PANEL * kk, *slope = bias + np * MTK_PANEL;
    memset(w, 0, sizeof *w * (size_t)np * MTK_PANEL * (kk + 2));
    int n = 0;
    for (int pi = 0; pi < s->n_parts; pi++)
        for (int r = 0; r < s->part[pi].rows; r++, n++) {
            const float *src = m->t[s->part[pi].w] + (size_t)r * kk;
            float *dst = w + (size_t)(n / MTK_PANEL) * kk * MTK_PANEL + n % MTK_PANEL;
            for (int j = 0; j < kk; j++)
                dst[(size_t)j * MTK_PANEL] = src[mtcnn__canonical_col(s, j)];
            bias[n] = m->t[s->part[pi].b][r];
            slope[n] = s->slope >= 0 ? m->t[s->slope][n] : 0.0f;
        }
    *l = (mtk_conv_layer){.k = s->hw > 1 ? 1 : s->k, .c_in = s->c_in * s->hw, .c_out = n_out,
                          .w = w, .bias = bias, .slope = s->slope >= 0 ? slope : NULL};
    *p += (size_t)np * MTK_PANEL * (kk + 2);
}


void mtcnn__layer_sources(layer_src out[MTCNN__N_LAYERS])
{
    /* Rows of each part are filled in from the tensor shapes below. */
    layer_src src[P_COUNT + R_COUNT + O_COUNT] = {
        /* P-Net */
        {3, 3, 1, MTCNN__T_PNET_PRELU1, 1, {{MTCNN__T_PNET_CONV1_W, MTCNN__T_PNET_CONV1_B, 0}}},
        {3, 10, 1, MTCNN__T_PNET_PRELU2, 1, {{MTCNN__T_PNET_CONV2_W, MTCNN__T_PNET_CONV2_B, 0}}},
        {3, 16, 1, MTCNN__T_PNET_PRELU3, 1, {{MTCNN__T_PNET_CONV3_W, MTCNN__T_PNET_CONV3_B, 0}}},
        {1, 32, 1, -1, 2,
         {{MTCNN__T_PNET_CONV4_1_W, MTCNN__T_PNET_CONV4_1_B, 0},
          {MTCNN__T_PNET_CONV4_2_W, MTCNN__T_PNET_CONV4_2_B, 0}}},
        /* R-Net */
        {3, 3, 1, MTCNN__T_RNET_PRELU1, 1, {{MTCNN__T_RNET_CONV1_W, MTCNN__T_RNET_CONV1_B, 0}}},
        {3, 28, 1, MTCNN__T_RNET_PRELU2, 1, {{MTCNN__T_RNET_CONV2_W, MTCNN__T_RNET_CONV2_B, 0}}},
        {2, 48, 1, MTCNN__T_RNET_PRELU3, 1, {{MTCNN__T_RNET_CONV3_W, MTCNN__T_RNET_CONV3_B, 0}}},
        {1, 64, 9, MTCNN__T_RNET_PRELU4, 1, {{MTCNN__T_RNET_FC4_W, MTCNN__T_RNET_FC4_B, 0}}},
        {1, 128, 1, -1, 2,
         {{MTCNN__T_RNET_FC5_1_W, MTCNN__T_RNET_FC5_1_B, 0},
          {MTCNN__T_RNET_FC5_2_W, MTCNN__T_RNET_FC5_2_B, 0}}},
        /* O-Net */
        {3, 3, 1, MTCNN__T_ONET_PRELU1, 1, {{MTCNN__T_ONET_CONV1_W, MTCNN__T_ONET_CONV1_B, 0}}},
        {3, 32, 1, MTCNN__T_ONET_PRELU2, 1, {{MTCNN__T_ONET_CONV2_W, MTCNN__T_ONET_CONV2_B, 0}}},
        {3, 64, 1, MTCNN__T_ONET_PRELU3, 1, {{MTCNN__T_ONET_CONV3_W, MTCNN__T_ONET_CONV3_B, 0}}},
        {2, 64, 1, MTCNN__T_ONET_PRELU4, 1, {{MTCNN__T_ONET_CONV4_W, MTCNN__T_ONET_CONV4_B, 0}}},
        {1, 128, 9, MTCNN__T_ONET_PRELU5, 1, {{MTCNN__T_ONET_FC5_W, MTCNN__T_ONET_FC5_B, 0}}},
        {1, 256, 1, -1, 3,
         {{MTCNN__T_ONET_FC6_1_W, MTCNN__T_ONET_FC6_1_B, 0},
          {MTCNN__T_ONET_FC6_2_W, MTCNN__T_ONET_FC6_2_B, 0},
          {MTCNN__T_ONET_FC6_3_W, MTCNN__T_ONET_FC6_3_B, 0}}},
    };
    _Static_assert(sizeof src / sizeof src[0] == MTCNN__N_LAYERS, "layer count");
    for (int i = 0; i < MTCNN__N_LAYERS; i++) {
        for (int pi = 0; pi < src[i].n_parts; pi++)
            src[i].part[pi].rows = (int)mtcnn__tensors[src[i].part[pi].w].dims[0];
        out[i] = src[i];
    }
}

int mtcnn__model_prepare(mtcnn_model *m)
{
    layer_src src[MTCNN__N_LAYERS];
    mtcnn__layer_sources(src);
    const int n_layers = MTCNN__N_LAYERS;
    size_t total = 0;
    for (int i = 0; i < n_layers; i++)
        total += layer_floats(&src[i]);
    m->packed = NULL;
    packed_model *pm = calloc(1, sizeof *pm);
    float *storage = mtcam_alloc_aligned(total * sizeof(float));
    if (!pm || !storage) {
        free(pm);
        mtcam_free_aligned(storage);
        return mtcam_set_error(MTCNN_ENOMEM, "model: out of memory repacking the weights");
    }
    pm->storage = storage;
    float *p = storage;
    mtk_conv_layer *dst[P_COUNT + R_COUNT + O_COUNT];
    for (int i = 0; i < P_COUNT; i++)
        dst[i] = &pm->p[i];
    for (int i = 0; i < R_COUNT; i++)
        dst[P_COUNT + i] = &pm->r[i];
    for (int i = 0; i < O_COUNT; i++)
        dst[P_COUNT + R_COUNT + i] = &pm->o[i];
    for (int i = 0; i < n_layers; i++)
        pack_layer(m, &src[i], dst[i], &p);
    m->packed = pm;
    return m->has_calib ? mtcnn__model_prepare_q8(m) : 0;
}

void mtcnn__model_unprepare(mtcnn_model *m)
{
    mtcnn__model_unprepare_q8(m);
    packed_model *pm = m->packed;
    if (pm) {
        mtcam_free_aligned(pm->storage);
        free(pm);
    }
    m->packed = NULL;
}
