/* loss.c - softmax cross-entropy with online hard sample mining, and the L2 terms. */
#include "loss.h"

#include "err.h"
#include "mtcnn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

mtt_loss_weights mtt_loss_weights_for(mtt_stage stage)
{
    mtt_loss_weights w = {1.0f, 0.5f, stage == MTT_ONET ? 1.0f : 0.5f, 0.7f};
    return w;
}

/* Cross-entropy of the softmax over (z0, z1) for `label`, computed stably. */
static double softmax_ce(const float *z, int label, double *p_face)
{
    const double a = z[0], b = z[1], m = a > b ? a : b;
    const double lse = m + log(exp(a - m) + exp(b - m));
    *p_face = exp(b - lse);
    return lse - (label ? b : a);
}

typedef struct ranked {
    double loss;
    int index;
} ranked;

/* Descending loss; ties by index so the order never depends on qsort. */
static int by_loss_desc(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->loss != b->loss)
        return a->loss > b->loss ? -1 : 1;
    return a->index - b->index;
}

int mtt_loss_batch(const float *out, const mtt_target *t, int n, const mtt_loss_weights *w,
                   float *dout, mtt_loss_stats *st)
{
    memset(st, 0, sizeof *st);
    memset(dout, 0, (size_t)n * MTT_OUTPUTS * sizeof *dout);
    double *ce = malloc((size_t)(n ? n : 1) * sizeof *ce);
    double *pf = malloc((size_t)(n ? n : 1) * sizeof *pf);
    ranked *rk = malloc((size_t)(n ? n : 1) * sizeof *rk);
    if (!ce || !pf || !rk) {
        /* Without memory the batch contributes nothing (dout stays zero). */
        free(ce);
        free(pf);
        free(rk);
        return mtcam_set_error(MTCNN_ENOMEM, "training: no memory for a batch of %d losses", n);
    }
    int nc = 0;
    for (int i = 0; i < n; i++) {
        if (t[i].label < 0)
            continue;
        const float *z = out + (size_t)i * MTT_OUTPUTS + MTT_OUT_CLS;
        ce[i] = softmax_ce(z, t[i].label, &pf[i]);
        st->correct += (pf[i] > 0.5) == (t[i].label == 1);
        rk[nc].loss = ce[i];
        rk[nc++].index = i;
    }
    st->n_cls = nc;
    if (nc > 0) {
        int keep = (int)ceil(w->ohem_keep * nc);
        keep = keep < 1 ? 1 : keep > nc ? nc : keep;
        qsort(rk, (size_t)nc, sizeof *rk, by_loss_desc);
        double sum = 0;
        for (int r = 0; r < keep; r++) {
            const int i = rk[r].index;
            sum += ce[i];
            /* d CE / d z1 = p - y, d / d z0 = -(p - y). */
            const double g = w->det * (pf[i] - (t[i].label == 1)) / keep;
            dout[(size_t)i * MTT_OUTPUTS + MTT_OUT_CLS] = (float)-g;
            dout[(size_t)i * MTT_OUTPUTS + MTT_OUT_CLS + 1] = (float)g;
        }
        st->n_kept = keep;
        st->cls = sum / keep;
    }
    for (int i = 0; i < n; i++) {
        st->n_box += t[i].has_box != 0;
        st->n_lm += t[i].has_lm != 0;
    }
    for (int i = 0; i < n; i++) {
        const float *o = out + (size_t)i * MTT_OUTPUTS;
        float *d = dout + (size_t)i * MTT_OUTPUTS;
        if (t[i].has_box) {
            for (int j = 0; j < 4; j++) {
                const double e = o[MTT_OUT_BOX + j] - t[i].box[j];
                st->box += e * e / st->n_box;
                d[MTT_OUT_BOX + j] = (float)(w->box * 2.0 * e / st->n_box);
            }
        }
        if (t[i].has_lm) {
            for (int j = 0; j < 10; j++) {
                /* NaN marks a point the annotation lacks (Caltech has eyes only). */
                if (isnan(t[i].lm[j]))
                    continue;
                const double e = o[MTT_OUT_LM + j] - t[i].lm[j];
                st->lm += e * e / st->n_lm;
                d[MTT_OUT_LM + j] = (float)(w->lm * 2.0 * e / st->n_lm);
            }
        }
    }
    st->total = w->det * st->cls + w->box * st->box + w->lm * st->lm;
    free(ce);
    free(pf);
    free(rk);
    return 0;
}
