/* eval-wider-official.c - WIDER FACE's official evaluation protocol (eval-wider-official.h). */
#include "eval-wider-official.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mtcnn.h"

/* The official box overlap: corners x, x + w and areas counted with +1 (PASCAL style). */
static double wider_iou(const float *a, const float *b)
{
    double ax2 = (double)a[0] + a[2], ay2 = (double)a[1] + a[3];
    double bx2 = (double)b[0] + b[2], by2 = (double)b[1] + b[3];
    double w = fmin(ax2, bx2) - fmax(a[0], b[0]) + 1, h = fmin(ay2, by2) - fmax(a[1], b[1]) + 1;
    if (w <= 0 || h <= 0)
        return 0.0;
    double inter = w * h;
    double ua = (a[2] + 1.0) * (a[3] + 1.0) + (b[2] + 1.0) * (b[3] + 1.0) - inter;
    return ua > 0 ? inter / ua : 0.0;
}

typedef struct wider_order {
    const float *det;
    int index;
} wider_order;

static int by_score_desc(const void *pa, const void *pb)
{
    const wider_order *a = pa, *b = pb;
    if (a->det[4] != b->det[4])
        return a->det[4] > b->det[4] ? -1 : 1;
    return a->index - b->index; /* stable: equal scores keep the file order */
}

/* One image: adds its proposals and found subset faces per threshold to the sums. */
static int image_eval(const eval_wider_image *im, float lo, float range, double *proposals,
                      double *found)
{
    /* Like the official code, an image without annotated faces is skipped: its detections
     * are not proposals at all. */
    if (im->n_dets <= 0 || im->n_gt <= 0)
        return 0;
    wider_order *ord = malloc((size_t)im->n_dets * sizeof *ord);
    signed char *gt_state = calloc((size_t)(im->n_gt > 0 ? im->n_gt : 1), 1);
    int *pred_recall = malloc((size_t)im->n_dets * sizeof *pred_recall);
    unsigned char *proposal = malloc((size_t)im->n_dets);
    float *score = malloc((size_t)im->n_dets * sizeof *score);
    if (!ord || !gt_state || !pred_recall || !proposal || !score) {
        free(ord), free(gt_state), free(pred_recall), free(proposal), free(score);
        return mtcam_set_error(MTCNN_ENOMEM, "WIDER evaluation: out of memory");
    }
    for (int i = 0; i < im->n_dets; i++) {
        ord[i].det = im->dets + 5 * i;
        ord[i].index = i;
    }
    qsort(ord, (size_t)im->n_dets, sizeof *ord, by_score_desc);
    int n_found = 0;
    for (int h = 0; h < im->n_dets; h++) {
        const float *d = ord[h].det;
        score[h] = range > 0 ? (d[4] - lo) / range : 1.0f;
        proposal[h] = 1;
        double best = -1;
        int bi = -1;
        for (int j = 0; j < im->n_gt; j++) { /* the first of equal maxima, as max() does */
            double o = wider_iou(im->gt + 4 * j, d);
            if (o > best) {
                best = o;
                bi = j;
            }
        }
        if (bi >= 0 && best >= 0.5) {
            if (!im->keep[bi]) {
                gt_state[bi] = -1;
                proposal[h] = 0;
            } else if (gt_state[bi] == 0) {
                gt_state[bi] = 1;
                n_found++;
            }
        }
        pred_recall[h] = n_found;
    }
    /* Per threshold: the last detection scored >= t; proposals and recall up to it. */
    int last = -1, n_prop = 0;
    for (int k = 1; k <= EVAL_WIDER_THRESHOLDS; k++) { /* thresholds fall as k grows */
        double thr = 1.0 - (double)k / EVAL_WIDER_THRESHOLDS;
        while (last + 1 < im->n_dets && (double)score[last + 1] >= thr) {
            last++;
            n_prop += proposal[last];
        }
        if (last >= 0) {
            proposals[k - 1] += n_prop;
            found[k - 1] += pred_recall[last];
        }
    }
    free(ord), free(gt_state), free(pred_recall), free(proposal), free(score);
    return 0;
}

double eval_wider_voc_ap(const double *recall, const double *precision, int n)
{
    /* mrec = [0, recall, 1], mpre = [0, precision, 0]; precision's envelope from the right;
     * sum of (mrec[i] - mrec[i-1]) * mpre[i] where mrec changes. */
    double ap = 0.0, env = 0.0;
    for (int i = n; i >= 1; i--) {
        double r = recall[i - 1], p = precision[i - 1];
        double r_next = i < n ? recall[i] : 1.0;
        if (r_next != r) /* the step into point i+1 (or into the closing point 1) */
            ap += (r_next - r) * env;
        if (!isnan(p) && p > env)
            env = p;
    }
    double r0 = n > 0 ? recall[0] : 1.0;
    if (r0 != 0.0)
        ap += r0 * env;
    return ap;
}

int eval_wider_official(const eval_wider_image *imgs, int n, eval_wider_result *out)
{
    memset(out, 0, sizeof *out);
    float lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        if (imgs[i].n_dets < 0 || imgs[i].n_gt < 0 || (imgs[i].n_gt && !imgs[i].keep))
            return mtcam_set_error(MTCNN_EINVAL, "WIDER evaluation: bad image %d", i);
        for (int j = 0; j < imgs[i].n_dets; j++) {
            float s = imgs[i].dets[5 * j + 4];
            if (!isfinite(s))
                return mtcam_set_error(MTCNN_EINVAL, "WIDER evaluation: score not finite");
            lo = fminf(lo, s);
            hi = fmaxf(hi, s);
        }
        for (int j = 0; j < imgs[i].n_gt; j++)
            out->n_faces += imgs[i].keep[j] != 0;
    }
    double proposals[EVAL_WIDER_THRESHOLDS] = {0}, found[EVAL_WIDER_THRESHOLDS] = {0};
    float range = hi > lo ? hi - lo : 0.0f;
    for (int i = 0; i < n; i++) {
        int rc = image_eval(&imgs[i], lo, range, proposals, found);
        if (rc < 0)
            return rc;
    }
    for (int k = 0; k < EVAL_WIDER_THRESHOLDS; k++) {
        out->precision[k] = proposals[k] > 0 ? found[k] / proposals[k] : NAN;
        out->recall[k] = out->n_faces > 0 ? found[k] / out->n_faces : 0.0;
    }
    out->ap = eval_wider_voc_ap(out->recall, out->precision, EVAL_WIDER_THRESHOLDS);
    return 0;
}
