/* net-q8.c - INT8 weights and the INT8 forward passes (net-q8.h).
 *
 * Weights: per output channel, symmetric: s_w = max |w| / 127, q = nearbyint(w / s_w), so
 * the largest weight of every channel uses the full int8 range. Activations: the per-tensor
 * scales of the model's calibration (s_a = max |x| / 127 over the calibration images, see
 * calibrate.c). Both are derived deterministically at load time from the float weights and
 * the stored scales, so the file keeps one copy of the weights. */
#include "net-q8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "arch.h"
#include "err.h"
#include "net-layers.h"
#include "net.h"

enum { QP_CONV1, QP_CONV2, QP_CONV3, QP_HEADS, QP_COUNT };
enum { QR_CONV1 = QP_COUNT, QR_CONV2, QR_CONV3, QR_FC4, QR_HEADS };
enum { QO_CONV1 = QR_HEADS + 1, QO_CONV2, QO_CONV3, QO_CONV4, QO_FC5, QO_HEADS };

typedef struct q8_model {
    mtk_q8_layer l[MTCNN__N_LAYERS];
    void *storage;
} q8_model;

static size_t up64(size_t v)
{
    return (v + 63) & ~(size_t)63;
}

static int kc4_of(const mtcnn__layer_src *s)
{
    const int kc = (s->hw > 1 ? 1 : s->k) * s->c_in * s->hw;
    return (kc + 3) & ~3;
}

static int k_of(const mtcnn__layer_src *s)
{
    return s->hw > 1 ? 1 : s->k;
}

/* Bytes of one packed layer: weights, then scale, bias, slope (round_up(c_out, 16) each). */
static size_t layer_bytes(const mtcnn__layer_src *s)
{
    const size_t np = (size_t)mtk_panels(mtcnn__layer_rows(s));
    const size_t w = np * MTK_PANEL * (size_t)k_of(s) * kc4_of(s);
    return up64(w) + up64(4 * np * MTK_PANEL * sizeof(float)); /* + wsum (int32) */
}

static void pack_q8(const mtcnn_model *m, const mtcnn__layer_src *s, float in_scale,
                    float out_scale, mtk_q8_layer *l, unsigned char *p)
{
    const int n_out = mtcnn__layer_rows(s), np = mtk_panels(n_out);
    const int k = k_of(s), kc4 = kc4_of(s), kc = k * s->c_in * s->hw;
    const int kk_real = s->k * s->k * s->c_in * s->hw; /* canonical row length */
    const size_t k4 = (size_t)k * kc4;
    int8_t *w = (int8_t *)p;
    float *scale = (float *)(p + up64(np * MTK_PANEL * k4));
    float *bias = scale + np * MTK_PANEL, *slope = bias + np * MTK_PANEL;
    int32_t *wsum = (int32_t *)(slope + np * MTK_PANEL);
    memset(p, 0, layer_bytes(s));
    int n = 0;
    for (int pi = 0; pi < s->n_parts; pi++)
        for (int r = 0; r < s->part[pi].rows; r++, n++) {
            const float *src = m->t[s->part[pi].w] + (size_t)r * kk_real;
            float amax = 0.0f;
            for (int j = 0; j < kk_real; j++)
                amax = fmaxf(amax, fabsf(src[j]));
            const float sw = amax > 0.0f ? amax / 127.0f : 1.0f;
            int8_t *dst = w + (size_t)(n / MTK_PANEL) * k4 * MTK_PANEL + (n % MTK_PANEL) * 4;
            long sum = 0;
            /* HWC K index kk = ky * kc + j (kc = k * c_in per kernel row), padded to kc4. */
            for (int kk = 0; kk < kk_real; kk++) {
                const int ky = kk / kc, j = kk % kc, pk = ky * kc4 + j;
                float q = nearbyintf(src[mtcnn__canonical_col(s, kk)] / sw);
                q = q > 127.0f ? 127.0f : q < -127.0f ? -127.0f : q;
                dst[(size_t)(pk / 4) * 4 * MTK_PANEL + pk % 4] = (int8_t)q;
                sum += (long)q;
            }
            scale[n] = sw * in_scale;
            /* The inputs are stored as q + 128: take the 128 * sum(qw) they add back out. */
            bias[n] = (float)((double)m->t[s->part[pi].b][r] - (double)scale[n] * 128.0 * sum);
            slope[n] = s->slope >= 0 ? m->t[s->slope][n] : 0.0f;
            wsum[n] = (int32_t)sum;
        }
    *l = (mtk_q8_layer){.k = k,
                        .c_in = s->c_in * s->hw,
                        .c_out = n_out,
                        .kc4 = kc4,
                        .w = w,
                        .scale = scale,
                        .bias = bias,
                        .slope = s->slope >= 0 ? slope : NULL,
                        .wsum = wsum,
                        .out_inv_scale = out_scale > 0.0f ? 1.0f / out_scale : 0.0f};
}

int mtcnn__model_prepare_q8(mtcnn_model *m)
{
    mtcnn__layer_src src[MTCNN__N_LAYERS];
    mtcnn__layer_sources(src);
    size_t total = 0;
    for (int i = 0; i < MTCNN__N_LAYERS; i++)
        total += layer_bytes(&src[i]);
    q8_model *qm = calloc(1, sizeof *qm);
    void *storage = mtcam_alloc_aligned(total);
    if (!qm || !storage) {
        free(qm);
        mtcam_free_aligned(storage);
        return mtcam_set_error(MTCNN_ENOMEM, "model: out of memory for the INT8 weights");
    }
    qm->storage = storage;
    unsigned char *p = storage;
    for (int i = 0; i < MTCNN__N_LAYERS; i++) {
        /* A layer requantises its output for the next one, except each net's heads. */
        /* O-Net's fc5 hands floats to its heads, which run in FP32: the landmarks are the
         * most precision-hungry output (measured: docs/performance.md). */
        const int heads = i == QP_HEADS || i == QR_HEADS || i == QO_FC5 || i == QO_HEADS;
        pack_q8(m, &src[i], m->act_scale[i], heads ? 0.0f : m->act_scale[i + 1], &qm->l[i], p);
        p += layer_bytes(&src[i]);
    }
    m->packed_q8 = qm;
    return 0;
}

void mtcnn__model_unprepare_q8(mtcnn_model *m)
{
    q8_model *qm = m->packed_q8;
    if (qm) {
        mtcam_free_aligned(qm->storage);
        free(qm);
    }
    m->packed_q8 = NULL;
}

/* ---- forward passes ------------------------------------------------------------------ */

static float face_prob(float non_face, float face)
{
    return 1.0f / (1.0f + expf(non_face - face));
}

/* A bump allocator over the caller's scratch: 64-byte aligned regions with MTK_Q8_SLACK
 * readable bytes after each (the kernels may read a few bytes past a row). */
static void *take(unsigned char **p, size_t bytes)
{
    void *r = *p;
    *p += up64(bytes + MTK_Q8_SLACK);
    return r;
}

static void conv_q8(const mtk_table *k, const mtk_q8_layer *l, const uint8_t *in, int h, int w,
                    void *out)
{
    const int ho = h - l->k + 1, wo = w - l->k + 1;
    k->q8_conv_hwc(l, in, (size_t)w * l->c_in, ho, wo, out, (size_t)wo * l->c_out);
}

static double macs_of(const mtk_q8_layer *l, int ho, int wo)
{
    return (double)l->c_out * l->c_in * l->k * l->k * ho * wo;
}

double mtcnn__pnet_forward_q8(const mtcnn_model *m, const mtk_table *k, const float *in, int h,
                              int w, void *scratch, float *prob, float *reg, size_t reg_plane)
{
    const q8_model *qm = m->packed_q8;
    const mtk_q8_layer *L = qm->l;
    unsigned char *p = (unsigned char *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63);
    const size_t conv1 = (size_t)10 * (h - 2) * (w - 2);
    uint8_t *qin = take(&p, (size_t)3 * h * w), *a = take(&p, conv1), *b = take(&p, conv1);
    k->q8_quantize(in, (size_t)3 * h * w, 1.0f / m->act_scale[QP_CONV1], qin);
    double macs = 0;
    int ch = h - 2, cw = w - 2;
    conv_q8(k, &L[QP_CONV1], qin, h, w, a);
    macs += macs_of(&L[QP_CONV1], ch, cw);
    k->u8_maxpool_hwc(a, 10, ch, cw, 2, 2, b);
    ch = mtk_pool_out(ch, 2, 2);
    cw = mtk_pool_out(cw, 2, 2);
    conv_q8(k, &L[QP_CONV2], b, ch, cw, a);
    ch -= 2;
    cw -= 2;
    macs += macs_of(&L[QP_CONV2], ch, cw);
    conv_q8(k, &L[QP_CONV3], a, ch, cw, b);
    ch -= 2;
    cw -= 2;
    macs += macs_of(&L[QP_CONV3], ch, cw);
    const size_t plane = (size_t)ch * cw;
    float *heads = take(&p, plane * 6 * sizeof(float));
    conv_q8(k, &L[QP_HEADS], b, ch, cw, heads);
    macs += macs_of(&L[QP_HEADS], ch, cw);
    for (size_t i = 0; i < plane; i++) {
        const float *c = heads + i * 6;
        prob[i] = face_prob(c[0], c[1]);
        for (int r = 0; r < 4; r++)
            reg[r * reg_plane + i] = c[2 + r];
    }
    return macs;
}

void mtcnn__rnet_batch_q8(const mtcnn_model *m, const mtk_table *k, const float *in, int n,
                          void *scratch, float *out)
{
    const mtk_q8_layer *L = ((const q8_model *)m->packed_q8)->l;
    unsigned char *p = (unsigned char *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63);
    uint8_t *qin = take(&p, 24 * 24 * 3), *a = take(&p, 22 * 22 * 28), *b = take(&p, 11 * 11 * 28);
    uint8_t *flat = take(&p, (size_t)n * 576), *fc = take(&p, (size_t)n * 128);
    float *head = take(&p, (size_t)n * 6 * sizeof(float));
    const float inv = 1.0f / m->act_scale[QR_CONV1];
    for (int i = 0; i < n; i++) {
        k->q8_quantize(in + (size_t)i * 24 * 24 * 3, 24 * 24 * 3, inv, qin);
        conv_q8(k, &L[QR_CONV1], qin, 24, 24, a);                  /* 22x22x28 */
        k->u8_maxpool_hwc(a, 28, 22, 22, 3, 2, b);                 /* 11x11 */
        conv_q8(k, &L[QR_CONV2], b, 11, 11, a);                    /* 9x9x48 */
        k->u8_maxpool_hwc(a, 48, 9, 9, 3, 2, b);                   /* 4x4 */
        conv_q8(k, &L[QR_CONV3], b, 4, 4, flat + (size_t)i * 576); /* 3x3x64 */
    }
    k->q8_conv_hwc(&L[QR_FC4], flat, 0, 1, n, fc, 0);
    k->q8_conv_hwc(&L[QR_HEADS], fc, 0, 1, n, head, 0);
    for (int i = 0; i < n; i++) {
        const float *h = head + (size_t)i * 6;
        float *o = out + (size_t)i * MTCNN__RNET_OUT;
        o[0] = face_prob(h[0], h[1]);
        for (int j = 0; j < 4; j++)
            o[1 + j] = h[2 + j];
    }
}

void mtcnn__onet_batch_q8(const mtcnn_model *m, const mtk_table *k, const float *in, int n,
                          void *scratch, float *out)
{
    const mtk_q8_layer *L = ((const q8_model *)m->packed_q8)->l;
    unsigned char *p = (unsigned char *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63);
    uint8_t *qin = take(&p, 48 * 48 * 3), *a = take(&p, 46 * 46 * 32), *b = take(&p, 23 * 23 * 32);
    uint8_t *flat = take(&p, (size_t)n * 1152);
    float *fc = take(&p, (size_t)n * 256 * sizeof(float));
    float *head = take(&p, (size_t)n * 16 * sizeof(float));
    const float inv = 1.0f / m->act_scale[QO_CONV1];
    for (int i = 0; i < n; i++) {
        k->q8_quantize(in + (size_t)i * 48 * 48 * 3, 48 * 48 * 3, inv, qin);
        conv_q8(k, &L[QO_CONV1], qin, 48, 48, a);                   /* 46x46x32 */
        k->u8_maxpool_hwc(a, 32, 46, 46, 3, 2, b);                  /* 23x23 */
        conv_q8(k, &L[QO_CONV2], b, 23, 23, a);                     /* 21x21x64 */
        k->u8_maxpool_hwc(a, 64, 21, 21, 3, 2, b);                  /* 10x10 */
        conv_q8(k, &L[QO_CONV3], b, 10, 10, a);                     /* 8x8x64 */
        k->u8_maxpool_hwc(a, 64, 8, 8, 2, 2, b);                    /* 4x4 */
        conv_q8(k, &L[QO_CONV4], b, 4, 4, flat + (size_t)i * 1152); /* 3x3x128 */
    }
    k->q8_conv_hwc(&L[QO_FC5], flat, 0, 1, n, fc, 0);
    k->conv_hwc(mtcnn__packed_layer(m, QO_HEADS), fc, 0, 1, n, head, 0);
    for (int i = 0; i < n; i++) {
        const float *h = head + (size_t)i * 16;
        float *o = out + (size_t)i * MTCNN__ONET_OUT;
        o[0] = face_prob(h[0], h[1]);
        for (int j = 0; j < 14; j++)
            o[1 + j] = h[2 + j];
    }
}
