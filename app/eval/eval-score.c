/* eval-score.c - from detections to figures (see eval-score.h and docs/eval.md). */
#include "eval-score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/* Caltech: the box must hold eyes and mouth centre and be 1.2x..4x as wide as the eyes are
 * apart; MTCNN's boxes on this set are ~2.2x the IOD (median measured with the original
 * weights, docs/eval.md), which also turns min face into an IOD. */
#define CALTECH_WIDTH_MIN 1.2f
#define CALTECH_WIDTH_MAX 4.0f
#define CALTECH_WIDTH_PER_IOD 2.2f
/* Small faces: IOD under 15 px (a face box under ~33 px), the range issue 14 asks about. */
#define CALTECH_SMALL_IOD 15.0f

void eval_settings_default(eval_format format, float min_face, float threshold,
                           eval_settings *s)
{
    memset(s, 0, sizeof *s);
    s->min_face = min_face;
    s->threshold = threshold;
    s->rule.kind = EVAL_RULE_IOU;
    s->rule.min_overlap = 0.5f;
    s->width_per_iod = CALTECH_WIDTH_PER_IOD;
    static const float box_edges[] = {0, 32, 64, 128, INFINITY};
    static const float iod_edges[] = {0, 12, 24, 48, INFINITY};
    const float *edges = box_edges;
    switch (format) {
    case EVAL_CALTECH:
        s->rule.kind = EVAL_RULE_POINTS;
        s->rule.width_min = CALTECH_WIDTH_MIN;
        s->rule.width_max = CALTECH_WIDTH_MAX;
        s->size_by_iod = 1;
        edges = iod_edges;
        s->landmark_mask = EVAL_EYES;
        s->small_below = CALTECH_SMALL_IOD;
        break;
    case EVAL_MTFL:
    case EVAL_DLIB:
        s->landmark_mask = (1u << EVAL_NPTS) - 1;
        break;
    case EVAL_WIDER:
        break;
    case EVAL_FDDB:
        s->rule.kind = EVAL_RULE_ELLIPSE;
        break;
    }
    s->n_buckets = 4;
    memcpy(s->bucket_edges, edges, 5 * sizeof *edges);
}

double eval_face_size(const eval_settings *s, const eval_face *f)
{
    if (s->size_by_iod)
        return eval_face_iod(f);
    if (!f->has_box)
        return 0.0;
    return fmax((double)f->box[2] - f->box[0], (double)f->box[3] - f->box[1]);
}

double eval_det_size(const eval_settings *s, const eval_det *d)
{
    double w = (double)d->box[2] - d->box[0], h = (double)d->box[3] - d->box[1];
    if (!s->size_by_iod)
        return fmax(w, h);
    if (d->has_pts)
        return hypot((double)d->pts[EVAL_REYE][0] - d->pts[EVAL_LEYE][0],
                     (double)d->pts[EVAL_REYE][1] - d->pts[EVAL_LEYE][1]);
    return w / s->width_per_iod;
}

int eval_face_ignored(const eval_settings *s, const eval_face *f)
{
    if (f->ignore)
        return 1;
    double size = eval_face_size(s, f);
    if (s->size_by_iod)
        return size * s->width_per_iod < s->min_face;
    return size < s->min_face;
}

/* Working memory shared by the passes over the images. */
typedef struct scratch {
    unsigned char *ignored, *kind;
    int *face;
    float *overlap;
    int cap_faces, cap_dets;
} scratch;

static int scratch_fit(scratch *w, int n_faces, int n_dets)
{
    if (n_faces > w->cap_faces) {
        free(w->ignored);
        w->ignored = malloc((size_t)n_faces);
        w->cap_faces = w->ignored ? n_faces : 0;
        if (!w->ignored)
            return mtcam_set_error(MTCNN_ENOMEM, "evaluation: out of memory");
    }
    if (n_dets > w->cap_dets) {
        free(w->kind);
        free(w->face);
        free(w->overlap);
        w->kind = malloc((size_t)n_dets);
        w->face = malloc((size_t)n_dets * sizeof *w->face);
        w->overlap = malloc((size_t)n_dets * sizeof *w->overlap);
        w->cap_dets = (w->kind && w->face && w->overlap) ? n_dets : 0;
        if (!w->cap_dets)
            return mtcam_set_error(MTCNN_ENOMEM, "evaluation: out of memory");
    }
    return 0;
}

static void scratch_free(scratch *w)
{
    free(w->ignored);
    free(w->kind);
    free(w->face);
    free(w->overlap);
}

static int in_range(double v, float lo, float hi) { return v >= lo && v < hi; }

/* One size bucket: faces outside it are ignored, and an unmatched detection counts as a false
 * positive only when its own size falls in it (the COCO area-range convention). */
static int score_bucket(const eval_dataset *ds, const eval_image_dets *dets,
                        const eval_settings *s, eval_scored *items, scratch *w, eval_bucket *b)
{
    size_t n_items = 0;
    b->n_faces = b->tp_op = 0;
    for (int i = 0; i < ds->n_images; i++) {
        const eval_image *img = &ds->images[i];
        int rc = scratch_fit(w, img->n_faces, dets[i].n);
        if (rc)
            return rc;
        for (int j = 0; j < img->n_faces; j++) {
            const eval_face *f = &img->faces[j];
            w->ignored[j] = eval_face_ignored(s, f) || !in_range(eval_face_size(s, f), b->lo, b->hi);
            b->n_faces += !w->ignored[j];
        }
        rc = eval_match(&s->rule, img->faces, w->ignored, img->n_faces, dets[i].dets, dets[i].n,
                        w->kind, NULL, NULL);
        if (rc)
            return rc;
        for (int k = 0; k < dets[i].n; k++) {
            const eval_det *d = &dets[i].dets[k];
            if (w->kind[k] == EVAL_IGNORED)
                continue;
            if (w->kind[k] == EVAL_FP && !in_range(eval_det_size(s, d), b->lo, b->hi))
                continue;
            items[n_items].score = d->score;
            items[n_items].tp = w->kind[k] == EVAL_TP;
            n_items++;
            b->tp_op += w->kind[k] == EVAL_TP && d->score > s->threshold;
        }
    }
    b->recall_op = b->n_faces ? (double)b->tp_op / b->n_faces : NAN;
    int rc = eval_pr_build(items, n_items, b->n_faces, &b->pr);
    if (rc)
        return rc;
    b->ap = b->n_faces ? eval_average_precision(&b->pr) : NAN;
    return 0;
}

int eval_score(const eval_dataset *ds, const eval_image_dets *dets, const eval_settings *s,
               eval_result *out)
{
    memset(out, 0, sizeof *out);
    out->n_images = ds->n_images;
    out->landmark_mask = s->landmark_mask;
    for (int p = 0; p < EVAL_NPTS; p++)
        out->nme_point[p] = out->offset_point[p][0] = out->offset_point[p][1] = NAN;
    for (int i = 0; i < ds->n_images; i++)
        out->n_dets += dets[i].n;

    int rc = MTCNN_ENOMEM;
    scratch w = {0};
    eval_scored *items = malloc(((size_t)out->n_dets + 1) * sizeof *items);
    double *ms = malloc(((size_t)ds->n_images + 1) * sizeof *ms);
    int n_faces_total, n_ratio = 0;
    eval_dataset_count(ds, &n_faces_total, NULL);
    double *ratio = malloc(((size_t)n_faces_total + 1) * sizeof *ratio);
    out->nme_sorted = malloc(((size_t)n_faces_total + 1) * sizeof *out->nme_sorted);
    if (!items || !ms || !ratio || !out->nme_sorted) {
        rc = mtcam_set_error(MTCNN_ENOMEM, "evaluation: out of memory");
        goto done;
    }

    double point_sum[EVAL_NPTS] = {0}, offset_sum[EVAL_NPTS][2] = {{0}}, overlap_sum = 0.0;
    double eye_sum[EVAL_MAX_BUCKETS][2] = {{0}};
    int eye_n[EVAL_MAX_BUCKETS] = {0};
    int point_n[EVAL_NPTS] = {0};
    size_t n_items = 0;
    for (int i = 0; i < ds->n_images; i++) {
        const eval_image *img = &ds->images[i];
        const eval_image_dets *id = &dets[i];
        ms[i] = id->ms;
        if ((rc = scratch_fit(&w, img->n_faces, id->n)))
            goto done;
        for (int j = 0; j < img->n_faces; j++) {
            w.ignored[j] = (unsigned char)eval_face_ignored(s, &img->faces[j]);
            out->n_faces++;
            out->n_ignored += w.ignored[j];
        }
        if ((rc = eval_match(&s->rule, img->faces, w.ignored, img->n_faces, id->dets, id->n,
                             w.kind, w.face, w.overlap)))
            goto done;
        for (int k = 0; k < id->n; k++) {
            const eval_det *d = &id->dets[k];
            int at_op = d->score > s->threshold;
            if (w.kind[k] == EVAL_IGNORED) {
                out->ignored_op += at_op;
                continue;
            }
            items[n_items].score = d->score;
            items[n_items].tp = w.kind[k] == EVAL_TP;
            n_items++;
            if (!at_op)
                continue;
            if (w.kind[k] == EVAL_FP) {
                out->fp_op++;
                continue;
            }
            out->tp_op++;
            overlap_sum += w.overlap[k];
            const eval_face *f = &img->faces[w.face[k]];
            if (eval_face_iod(f) > 0)
                ratio[n_ratio++] = ((double)d->box[2] - d->box[0]) / eval_face_iod(f);
            /* Landmarks of a hit, on the points this set annotates in MTCNN's convention. */
            unsigned mask = s->landmark_mask & f->pts_mask;
            double per[EVAL_NPTS];
            const double iod = eval_face_iod(f);
            double nme = d->has_pts ? eval_nme(d->pts, f->pts, mask, iod, per) : -1;
            if (nme < 0)
                continue;
            out->nme_sorted[out->n_lm++] = nme;
            const double size = eval_face_size(s, f);
            for (int b = 0; b < s->n_buckets && (mask & EVAL_EYES) == EVAL_EYES; b++)
                if (in_range(size, s->bucket_edges[b], s->bucket_edges[b + 1])) {
                    for (int c = 0; c < 2; c++) {
                        const double dl = (double)d->pts[EVAL_LEYE][c] - f->pts[EVAL_LEYE][c];
                        const double dr = (double)d->pts[EVAL_REYE][c] - f->pts[EVAL_REYE][c];
                        eye_sum[b][c] += 0.5 * (dl + dr);
                    }
                    eye_n[b]++;
                }
            for (int p = 0; p < EVAL_NPTS; p++)
                if (mask & (1u << p)) {
                    point_sum[p] += per[p];
                    point_n[p]++;
                    for (int c = 0; c < 2; c++)
                        offset_sum[p][c] += ((double)d->pts[p][c] - f->pts[p][c]) / iod;
                }
        }
    }
    out->n_counted = out->n_faces - out->n_ignored;
    out->recall_op = out->n_counted ? (double)out->tp_op / out->n_counted : NAN;
    out->precision_op =
        out->tp_op + out->fp_op ? (double)out->tp_op / (out->tp_op + out->fp_op) : NAN;
    out->fp_per_image = ds->n_images ? (double)out->fp_op / ds->n_images : NAN;
    /* The points rule's quality is a centring distance, not an overlap: no mean for it. */
    int is_overlap = s->rule.kind != EVAL_RULE_POINTS;
    out->mean_overlap_op = out->tp_op && is_overlap ? overlap_sum / out->tp_op : NAN;
    out->continuous_op = out->n_counted && is_overlap ? overlap_sum / out->n_counted : NAN;
    for (int q = 0; q < 3; q++)
        out->width_iod[q] = n_ratio ? eval_quantile(ratio, (size_t)n_ratio, 0.05 + 0.45 * q) : NAN;
    if ((rc = eval_pr_build(items, n_items, out->n_counted, &out->pr)))
        goto done;
    out->ap = out->n_counted ? eval_average_precision(&out->pr) : NAN;

    out->n_buckets = s->n_buckets;
    for (int b = 0; b < s->n_buckets; b++) {
        out->buckets[b].lo = s->bucket_edges[b];
        out->buckets[b].hi = s->bucket_edges[b + 1];
        if ((rc = score_bucket(ds, dets, s, items, &w, &out->buckets[b])))
            goto done;
        out->buckets[b].n_eyes = eye_n[b];
        for (int c = 0; c < 2; c++)
            out->buckets[b].eye_offset_px[c] = eye_n[b] ? eye_sum[b][c] / eye_n[b] : NAN;
    }
    if (s->small_below > 0) {
        out->has_small = 1;
        out->small.lo = 0;
        out->small.hi = s->small_below;
        if ((rc = score_bucket(ds, dets, s, items, &w, &out->small)))
            goto done;
        out->small.n_eyes = 0;
        out->small.eye_offset_px[0] = out->small.eye_offset_px[1] = NAN;
    }

    double sum = 0.0;
    for (int p = 0; p < EVAL_NPTS; p++)
        if (point_n[p]) {
            out->nme_point[p] = point_sum[p] / point_n[p];
            for (int c = 0; c < 2; c++)
                out->offset_point[p][c] = offset_sum[p][c] / point_n[p];
        }
    for (int k = 0; k < out->n_lm; k++)
        sum += out->nme_sorted[k];
    eval_sort_doubles(out->nme_sorted, (size_t)out->n_lm);
    out->nme_mean = out->n_lm ? sum / out->n_lm : NAN;
    out->failure_010 = out->n_lm ? eval_failure_rate(out->nme_sorted, (size_t)out->n_lm, 0.1) : NAN;
    out->auc_010 = out->n_lm ? eval_ced_auc(out->nme_sorted, (size_t)out->n_lm, 0.1) : NAN;

    sum = 0.0;
    for (int i = 0; i < ds->n_images; i++)
        sum += ms[i];
    out->ms_mean = ds->n_images ? sum / ds->n_images : NAN;
    out->ms_median = eval_quantile(ms, (size_t)ds->n_images, 0.5);
    out->ms_p90 = eval_quantile(ms, (size_t)ds->n_images, 0.9);
    rc = 0;
done:
    scratch_free(&w);
    free(items);
    free(ms);
    free(ratio);
    if (rc)
        eval_result_free(out);
    return rc;
}

void eval_result_free(eval_result *r)
{
    eval_pr_free(&r->pr);
    for (int b = 0; b < r->n_buckets; b++)
        eval_pr_free(&r->buckets[b].pr);
    if (r->has_small)
        eval_pr_free(&r->small.pr);
    r->has_small = 0;
    free(r->nme_sorted);
    r->nme_sorted = NULL;
    r->n_buckets = 0;
}
