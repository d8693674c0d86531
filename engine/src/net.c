/* net.c - the three MTCNN graphs: layer order and shapes, computed through the kernel table.
 * Weights are in the canonical image frame (arch.h), so no transposition happens here. */
#include "net.h"

#include <math.h>

#include "arch.h"

/* Face probability from the two class scores (softmax, index 1 = face). */
static float face_prob(float non_face, float face)
{
    return 1.0f / (1.0f + expf(non_face - face));
}

/* conv k x k + PReLU; returns the multiply-adds. */
static double conv_prelu(const mtcnn_model *m, const mtk_table *k, int wid, int bid, int sid,
                         const float *in, int c_in, int h, int w, float *out)
{
    const mtcnn__tensor_info *ti = &mtcnn__tensors[wid];
    const int c_out = (int)ti->dims[0], ks = (int)ti->dims[2];
    k->conv(in, c_in, h, w, m->t[wid], m->t[bid], c_out, ks, out);
    const int ho = h - ks + 1, wo = w - ks + 1;
    if (sid >= 0)
        k->prelu(out, c_out, (size_t)ho * wo, m->t[sid]);
    return (double)c_out * c_in * ks * ks * ho * wo;
}

size_t mtcnn__pnet_scratch_floats(int h, int w)
{
    const size_t conv1 = (size_t)10 * (h - 2) * (w - 2);
    return 2 * conv1 + 64;
}

double mtcnn__pnet_forward(const mtcnn_model *m, const mtk_table *k, const float *in, int h,
                           int w, float *scratch, float *prob, float *reg)
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

void mtcnn__rnet_forward(const mtcnn_model *m, const mtk_table *k, const float *in,
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

void mtcnn__onet_forward(const mtcnn_model *m, const mtk_table *k, const float *in,
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

int mtcnn__model_prepare(mtcnn_model *m)
{
    /* The scalar kernels use the canonical layout as it is; nothing to derive yet. */
    m->packed = NULL;
    return 0;
}

void mtcnn__model_unprepare(mtcnn_model *m) { (void)m; }
