/* lnet.c - the optional fourth net of the original MTCNNv2 (det4, "L-Net"): refines each of
 * the five landmarks from a 24x24 patch around it. It runs on the final faces only, so it uses
 * the scalar reference kernels directly and stays independent of the fast paths. */
#include <math.h>
#include <string.h>

#include "detector.h"
#include "err.h"
#include "kernels.h"
#include "model.h"

/* Per branch / per landmark tensor ids, in landmark order. */
#define BRANCH_IDS(K)                                                                         \
    {MTCNN__T_LNET_CONV1_##K##_W, MTCNN__T_LNET_CONV1_##K##_B, MTCNN__T_LNET_PRELU1_##K,       \
     MTCNN__T_LNET_CONV2_##K##_W, MTCNN__T_LNET_CONV2_##K##_B, MTCNN__T_LNET_PRELU2_##K,       \
     MTCNN__T_LNET_CONV3_##K##_W, MTCNN__T_LNET_CONV3_##K##_B, MTCNN__T_LNET_PRELU3_##K,       \
     MTCNN__T_LNET_FC4_##K##_W,   MTCNN__T_LNET_FC4_##K##_B,   MTCNN__T_LNET_PRELU4_##K,       \
     MTCNN__T_LNET_FC5_##K##_W,   MTCNN__T_LNET_FC5_##K##_B}
static const int branch_ids[5][14] = {BRANCH_IDS(1), BRANCH_IDS(2), BRANCH_IDS(3),
                                      BRANCH_IDS(4), BRANCH_IDS(5)};

#define LNET_SCRATCH_FLOATS (2 * 28 * 22 * 22 + 5 * 3 * 24 * 24 + 2880)

/* One patch branch: 3x24x24 -> 64x3x3 (576 values) into out. */
static void branch(const mtcnn_model *m, const int *id, const float *in, float *a, float *b,
                   float *out)
{
    mtk_f32_conv__ref(in, 3, 24, 24, m->t[id[0]], m->t[id[1]], 28, 3, a);
    mtk_f32_prelu__ref(a, 28, 22 * 22, m->t[id[2]]);
    mtk_f32_maxpool__ref(a, 28, 22, 22, 3, 2, b); /* 28x11x11 */
    mtk_f32_conv__ref(b, 28, 11, 11, m->t[id[3]], m->t[id[4]], 48, 3, a);
    mtk_f32_prelu__ref(a, 48, 9 * 9, m->t[id[5]]);
    mtk_f32_maxpool__ref(a, 48, 9, 9, 3, 2, b); /* 48x4x4 */
    mtk_f32_conv__ref(b, 48, 4, 4, m->t[id[6]], m->t[id[7]], 64, 2, out);
    mtk_f32_prelu__ref(out, 64, 3 * 3, m->t[id[8]]);
}

int mtcnn__landmarks_lnet(mtcnn_detector *d, const mtcnn__src *src, mtcnn__box *b, int n)
{
    const mtcnn_model *m = d->model;
    float *scratch = mtcnn__buf_reserve(&d->net, LNET_SCRATCH_FLOATS * sizeof(float));
    if (!scratch)
        return mtcam_set_error(MTCNN_ENOMEM, "detect: out of memory");
    float *a = scratch, *bb = a + 28 * 22 * 22, *patches = bb + 28 * 22 * 22;
    float *concat = patches + 5 * 3 * 24 * 24;
    for (int i = 0; i < n; i++) {
        /* Patch side: a quarter of the final box's longer side (with +1), made even. */
        const double bw = b[i].x2 - b[i].x1 + 1, bh = b[i].y2 - b[i].y1 + 1;
        int pw = (int)trunc(0.25 * (bw > bh ? bw : bh));
        pw += pw & 1;
        if (pw < 2)
            continue;
        for (int k = 0; k < 5; k++) {
            /* The original treats the (0-based) landmark as a 1-based corner here. */
            mtcnn__box patch = {0};
            patch.x1 = trunc(b[i].lm[k] - 0.5 * pw);
            patch.y1 = trunc(b[i].lm[5 + k] - 0.5 * pw);
            patch.x2 = patch.x1 + pw;
            patch.y2 = patch.y1 + pw;
            int rc = mtcnn__crop(d, src, &patch, 24, patches + k * 3 * 24 * 24);
            if (rc)
                return rc;
            branch(m, branch_ids[k], patches + k * 3 * 24 * 24, a, bb, concat + k * 576);
        }
        float fc4[256];
        mtk_f32_fc__ref(concat, 2880, m->t[MTCNN__T_LNET_FC4_W], m->t[MTCNN__T_LNET_FC4_B], 256,
                        fc4);
        mtk_f32_prelu__ref(fc4, 256, 1, m->t[MTCNN__T_LNET_PRELU4]);
        for (int k = 0; k < 5; k++) {
            const int *id = branch_ids[k];
            float h[64], o[2];
            mtk_f32_fc__ref(fc4, 256, m->t[id[9]], m->t[id[10]], 64, h);
            mtk_f32_prelu__ref(h, 64, 1, m->t[id[11]]);
            mtk_f32_fc__ref(h, 64, m->t[id[12]], m->t[id[13]], 2, o);
            /* Large moves are distrusted: the point stays where O-Net put it. */
            if (fabsf(o[0] - 0.5f) > 0.35f || fabsf(o[1] - 0.5f) > 0.35f)
                o[0] = o[1] = 0.5f;
            b[i].lm[k] = (float)(b[i].lm[k] - 0.5 * pw + o[0] * pw);
            b[i].lm[5 + k] = (float)(b[i].lm[5 + k] - 0.5 * pw + o[1] * pw);
        }
    }
    return 0;
}
