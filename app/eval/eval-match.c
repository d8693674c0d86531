/* eval-match.c - the matching rules and the greedy one-to-one matching (see eval-match.h). */
#include "eval-match.h"

#include <math.h>
#include <stdlib.h>

#include "err.h"

static double box_area(const float b[4])
{
    double w = (double)b[2] - b[0], h = (double)b[3] - b[1];
    return w > 0 && h > 0 ? w * h : 0.0;
}

double eval_box_iou(const float a[4], const float b[4])
{
    double iw = fmin(a[2], b[2]) - fmax(a[0], b[0]);
    double ih = fmin(a[3], b[3]) - fmax(a[1], b[1]);
    if (iw <= 0 || ih <= 0)
        return 0.0;
    double inter = iw * ih, uni = box_area(a) + box_area(b) - inter;
    return uni > 0 ? inter / uni : 0.0;
}

double eval_ellipse_box_overlap(const float ellipse[5], const float box[4])
{
    double ra = ellipse[0], rb = ellipse[1], c = cos(ellipse[2]), s = sin(ellipse[2]);
    double cx = ellipse[3], cy = ellipse[4];
    double hx = sqrt(ra * ra * c * c + rb * rb * s * s);
    double hy = sqrt(ra * ra * s * s + rb * rb * c * c);
    /* Pixel index ranges: the ellipse's |dx| <= hx, the box's x0 <= i < x1. */
    long ex0 = (long)ceil(cx - hx), ex1 = (long)floor(cx + hx);
    long ey0 = (long)ceil(cy - hy), ey1 = (long)floor(cy + hy);
    long bx0 = (long)ceil(box[0]), bx1 = (long)ceil(box[2]) - 1;
    long by0 = (long)ceil(box[1]), by1 = (long)ceil(box[3]) - 1;
    long n_box = (bx1 >= bx0 && by1 >= by0) ? (bx1 - bx0 + 1) * (by1 - by0 + 1) : 0;
    long n_ell = 0, n_both = 0;
    for (long y = ey0; y <= ey1; y++) {
        for (long x = ex0; x <= ex1; x++) {
            double dx = (double)x - cx, dy = (double)y - cy;
            double u = (dx * c + dy * s) / ra, v = (-dx * s + dy * c) / rb;
            if (u * u + v * v > 1.0)
                continue;
            n_ell++;
            n_both += x >= bx0 && x <= bx1 && y >= by0 && y <= by1;
        }
    }
    long uni = n_ell + n_box - n_both;
    return uni > 0 ? (double)n_both / (double)uni : 0.0;
}

static int inside(const float b[4], const float p[2])
{
    return p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3];
}

int eval_rule_accepts(const eval_rule *rule, const eval_face *face, const eval_det *det,
                      double *quality)
{
    switch (rule->kind) {
    case EVAL_RULE_IOU: {
        if (!face->has_box)
            return 0;
        double iou = eval_box_iou(face->box, det->box);
        *quality = iou;
        return iou >= rule->min_overlap && iou > 0;
    }
    case EVAL_RULE_ELLIPSE: {
        if (!face->has_ellipse)
            return 0;
        /* Cheap reject before counting pixels. */
        if (eval_box_iou(face->box, det->box) <= 0)
            return 0;
        double o = eval_ellipse_box_overlap(face->ellipse, det->box);
        *quality = o;
        return o >= rule->min_overlap && o > 0;
    }
    case EVAL_RULE_POINTS: {
        float iod = eval_face_iod(face);
        if (iod < 1e-3f || !face->has_mouth_centre)
            return 0;
        const float *le = face->pts[EVAL_LEYE], *re = face->pts[EVAL_REYE];
        const float *mc = face->mouth_centre;
        if (!inside(det->box, le) || !inside(det->box, re) || !inside(det->box, mc))
            return 0;
        double w = (double)det->box[2] - det->box[0];
        if (w < rule->width_min * iod || w > rule->width_max * iod)
            return 0;
        /* Among several faces inside one box, prefer the one centred in it. */
        double gx = (le[0] + re[0] + mc[0]) / 3.0, gy = (le[1] + re[1] + mc[1]) / 3.0;
        double bx = 0.5 * ((double)det->box[0] + det->box[2]);
        double by = 0.5 * ((double)det->box[1] + det->box[3]);
        *quality = -hypot(gx - bx, gy - by) / iod;
        return 1;
    }
    }
    return 0;
}

int eval_match(const eval_rule *rule, const eval_face *faces, const unsigned char *ignored,
               int n_faces, const eval_det *dets, int n_dets, unsigned char *kind, int *face,
               float *overlap)
{
    for (int i = 1; i < n_dets; i++)
        if (dets[i].score > dets[i - 1].score)
            return mtcam_set_error(MTCNN_EINVAL, "eval_match: detections not sorted by score");
    unsigned char *taken = calloc((size_t)n_faces + 1, 1);
    if (!taken)
        return mtcam_set_error(MTCNN_ENOMEM, "eval_match: out of memory");
    for (int i = 0; i < n_dets; i++) {
        int best = -1, best_ignored = -1;
        double best_q = -INFINITY, best_ignored_q = -INFINITY;
        for (int j = 0; j < n_faces; j++) {
            double q;
            if ((!ignored[j] && taken[j]) || !eval_rule_accepts(rule, &faces[j], &dets[i], &q))
                continue;
            if (ignored[j]) {
                if (q > best_ignored_q) {
                    best_ignored_q = q;
                    best_ignored = j;
                }
            } else if (q > best_q) {
                best_q = q;
                best = j;
            }
        }
        if (best >= 0) {
            taken[best] = 1;
            kind[i] = EVAL_TP;
        } else {
            kind[i] = best_ignored >= 0 ? EVAL_IGNORED : EVAL_FP;
            best = best_ignored;
            best_q = best_ignored_q;
        }
        if (face)
            face[i] = best;
        if (overlap)
            overlap[i] = best >= 0 ? (float)best_q : 0.0f;
    }
    free(taken);
    return 0;
}
