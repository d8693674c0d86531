/* eval-fddb.c - FDDB's official matching and ROC (see eval-fddb.h). */
#include "eval-fddb.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "eval-match.h"

/* Minimum-cost assignment of every row of an n x m cost matrix (n <= m, row-major) to a
 * distinct column: the Hungarian algorithm with row and column potentials (Kuhn-Munkres as
 * reformulated by Jonker & Volgenant), O(n^2 m). Scratch arrays are 1-based; index 0 of the
 * columns is the virtual column the augmenting path starts from. */
static int assign_min(const double *cost, int n, int m, int *row_to_col)
{
    size_t nm1 = (size_t)m + 1;
    double *u = calloc((size_t)n + 1, sizeof *u), *v = calloc(nm1, sizeof *v);
    double *minv = malloc(nm1 * sizeof *minv);
    int *p = calloc(nm1, sizeof *p), *way = calloc(nm1, sizeof *way);
    unsigned char *used = malloc(nm1);
    int rc = 0;
    if (!u || !v || !minv || !p || !way || !used) {
        rc = mtcam_set_error(MTCNN_ENOMEM, "eval_hungarian_max: out of memory");
        goto done;
    }
    for (int i = 1; i <= n; i++) {
        /* Grow an alternating tree from row i until it reaches a free column. */
        p[0] = i;
        int j0 = 0;
        for (int j = 0; j <= m; j++)
            minv[j] = INFINITY;
        memset(used, 0, nm1);
        do {
            used[j0] = 1;
            int i0 = p[j0], j1 = 0;
            double delta = INFINITY;
            for (int j = 1; j <= m; j++) {
                if (used[j])
                    continue;
                double cur = cost[(size_t)(i0 - 1) * (size_t)m + (size_t)(j - 1)] - u[i0] - v[j];
                if (cur < minv[j]) {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if (minv[j] < delta) {
                    delta = minv[j];
                    j1 = j;
                }
            }
            for (int j = 0; j <= m; j++) {
                if (used[j]) {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
        } while (p[j0] != 0);
        /* Flip the path. */
        do {
            int j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0);
    }
    for (int i = 0; i < n; i++)
        row_to_col[i] = -1;
    for (int j = 1; j <= m; j++)
        if (p[j])
            row_to_col[p[j] - 1] = j - 1;
done:
    free(u);
    free(v);
    free(minv);
    free(p);
    free(way);
    free(used);
    return rc;
}

int eval_hungarian_max(const double *w, int rows, int cols, int *row_to_col)
{
    if (rows < 0 || cols < 0)
        return mtcam_set_error(MTCNN_EINVAL, "eval_hungarian_max: negative size");
    for (int i = 0; i < rows; i++)
        row_to_col[i] = -1;
    if (rows == 0 || cols == 0)
        return 0;
    /* The assignment covers the shorter side: transpose when there are more rows. */
    int t = rows > cols, n = t ? cols : rows, m = t ? rows : cols;
    double *cost = malloc((size_t)n * (size_t)m * sizeof *cost);
    int *a = malloc((size_t)n * sizeof *a);
    int rc = 0;
    if (!cost || !a) {
        rc = mtcam_set_error(MTCNN_ENOMEM, "eval_hungarian_max: out of memory");
        goto done;
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            cost[(size_t)i * (size_t)m + (size_t)j] =
                -(t ? w[(size_t)j * (size_t)cols + (size_t)i] : w[(size_t)i * (size_t)cols + (size_t)j]);
    if ((rc = assign_min(cost, n, m, a)) != 0)
        goto done;
    for (int i = 0; i < n; i++) {
        int r = t ? a[i] : i, c = t ? i : a[i];
        if (r >= 0 && c >= 0 && w[(size_t)r * (size_t)cols + (size_t)c] > 0)
            row_to_col[r] = c;
    }
done:
    free(cost);
    free(a);
    return rc;
}

/* A change of one image's totals when its detections down to `score` take part. */
typedef struct roc_event {
    float score;
    long dfp;
    double dtp_disc, dtp_cont;
} roc_event;

static int by_score_desc(const void *pa, const void *pb)
{
    const roc_event *a = pa, *b = pb;
    return (a->score < b->score) - (a->score > b->score);
}

/* The matching of detections [0, n_dets) of one image (overlap is n_dets x n_faces, stride
 * n_faces): discrete and continuous true positives. Rows and columns without any overlap
 * cannot be matched and are left out, as FDDB's program does. */
static int match_prefix(const double *overlap, int n_dets, int n_faces, int *rows, int *cols,
                        double *w, int *match, double *tp_disc, double *tp_cont)
{
    int nr = 0, nc = 0;
    for (int d = 0; d < n_dets; d++)
        for (int f = 0; f < n_faces; f++)
            if (overlap[(size_t)d * (size_t)n_faces + (size_t)f] > 0) {
                rows[nr++] = d;
                break;
            }
    for (int f = 0; f < n_faces; f++)
        for (int d = 0; d < n_dets; d++)
            if (overlap[(size_t)d * (size_t)n_faces + (size_t)f] > 0) {
                cols[nc++] = f;
                break;
            }
    for (int i = 0; i < nr; i++)
        for (int j = 0; j < nc; j++)
            w[(size_t)i * (size_t)nc + (size_t)j] =
                overlap[(size_t)rows[i] * (size_t)n_faces + (size_t)cols[j]];
    int rc = eval_hungarian_max(w, nr, nc, match);
    *tp_disc = *tp_cont = 0;
    for (int i = 0; !rc && i < nr; i++) {
        if (match[i] < 0)
            continue;
        double o = w[(size_t)i * (size_t)nc + (size_t)match[i]];
        *tp_cont += o;
        *tp_disc += o > 0.5;
    }
    return rc;
}

/* Appends image `img`'s events: one per distinct score of its detections. */
static int image_events(const eval_image *img, const eval_image_dets *id, roc_event *ev,
                        size_t *n_ev)
{
    int nd = id->n, nf = img->n_faces;
    if (nd == 0)
        return 0;
    size_t cells = (size_t)nd * (size_t)(nf ? nf : 1);
    double *overlap = calloc(cells, sizeof *overlap), *w = malloc(cells * sizeof *w);
    int *rows = malloc((size_t)nd * sizeof *rows), *cols = malloc((size_t)(nf + 1) * sizeof *cols);
    int *match = malloc((size_t)nd * sizeof *match);
    unsigned char *touches = calloc((size_t)nd, 1);
    int rc = 0;
    if (!overlap || !w || !rows || !cols || !match || !touches) {
        rc = mtcam_set_error(MTCNN_ENOMEM, "eval_fddb_roc_build: out of memory");
        goto done;
    }
    for (int d = 0; d < nd; d++) {
        for (int f = 0; f < nf; f++) {
            const eval_face *face = &img->faces[f];
            if (!face->has_ellipse || eval_box_iou(face->box, id->dets[d].box) <= 0)
                continue; /* cheap reject before counting pixels */
            double o = eval_ellipse_box_overlap(face->ellipse, id->dets[d].box);
            overlap[(size_t)d * (size_t)nf + (size_t)f] = o;
            touches[d] |= o > 0;
        }
    }
    double prev_disc = 0, prev_cont = 0;
    long prev_fp = 0;
    for (int k = 0; k < nd;) {
        int e = k;
        int any = 0;
        while (e < nd && id->dets[e].score == id->dets[k].score)
            any |= touches[e++];
        double disc = prev_disc, cont = prev_cont;
        /* A group that overlaps no face only adds false positives: no new matching needed. */
        if (any && (rc = match_prefix(overlap, e, nf, rows, cols, w, match, &disc, &cont)) != 0)
            goto done;
        long fp = e - (long)disc;
        ev[*n_ev] = (roc_event){id->dets[k].score, fp - prev_fp, disc - prev_disc,
                                cont - prev_cont};
        (*n_ev)++;
        prev_disc = disc;
        prev_cont = cont;
        prev_fp = fp;
        k = e;
    }
done:
    free(overlap);
    free(w);
    free(rows);
    free(cols);
    free(match);
    free(touches);
    return rc;
}

int eval_fddb_roc_build(const eval_dataset *ds, const eval_image_dets *dets, eval_fddb_roc *out)
{
    memset(out, 0, sizeof *out);
    size_t total = 0;
    for (int i = 0; i < ds->n_images; i++) {
        out->n_faces += ds->images[i].n_faces;
        for (int d = 1; d < dets[i].n; d++)
            if (dets[i].dets[d].score > dets[i].dets[d - 1].score)
                return mtcam_set_error(MTCNN_EINVAL, "%s: detections not sorted by score",
                                       ds->images[i].path);
        total += (size_t)dets[i].n;
    }
    roc_event *ev = malloc((total ? total : 1) * sizeof *ev);
    if (!ev)
        return mtcam_set_error(MTCNN_ENOMEM, "eval_fddb_roc_build: out of memory");
    size_t n_ev = 0;
    int rc = 0;
    for (int i = 0; i < ds->n_images && !rc; i++)
        rc = image_events(&ds->images[i], &dets[i], ev, &n_ev);
    if (rc)
        goto fail;
    qsort(ev, n_ev, sizeof *ev, by_score_desc);
    out->score = malloc((n_ev ? n_ev : 1) * sizeof *out->score);
    out->fp = malloc((n_ev ? n_ev : 1) * sizeof *out->fp);
    out->tp_disc = malloc((n_ev ? n_ev : 1) * sizeof *out->tp_disc);
    out->tp_cont = malloc((n_ev ? n_ev : 1) * sizeof *out->tp_cont);
    if (!out->score || !out->fp || !out->tp_disc || !out->tp_cont) {
        rc = mtcam_set_error(MTCNN_ENOMEM, "eval_fddb_roc_build: out of memory");
        goto fail;
    }
    long fp = 0;
    double disc = 0, cont = 0;
    for (size_t k = 0; k < n_ev; k++) {
        fp += ev[k].dfp;
        disc += ev[k].dtp_disc;
        cont += ev[k].dtp_cont;
        /* Equal scores enter together: one point after the last of them. */
        if (k + 1 < n_ev && ev[k + 1].score == ev[k].score)
            continue;
        out->score[out->n] = ev[k].score;
        out->fp[out->n] = fp;
        out->tp_disc[out->n] = disc;
        out->tp_cont[out->n] = cont;
        out->n++;
    }
    free(ev);
    return 0;
fail:
    free(ev);
    eval_fddb_roc_free(out);
    return rc;
}

void eval_fddb_roc_free(eval_fddb_roc *roc)
{
    free(roc->score);
    free(roc->fp);
    free(roc->tp_disc);
    free(roc->tp_cont);
    memset(roc, 0, sizeof *roc);
}

double eval_fddb_tpr_at(const eval_fddb_roc *roc, long max_fp, int continuous)
{
    double best = 0;
    if (roc->n_faces <= 0)
        return 0;
    for (size_t k = 0; k < roc->n; k++) {
        if (roc->fp[k] > max_fp)
            continue;
        double tpr = (continuous ? roc->tp_cont[k] : roc->tp_disc[k]) / (double)roc->n_faces;
        if (tpr > best)
            best = tpr;
    }
    return best;
}

static const long fp_marks[3] = {500, 1000, 2000};

void eval_fddb_text(FILE *out, const char *label, const eval_fddb_roc *roc)
{
    fprintf(out, "\nFDDB official ROC (%s): %ld annotated faces, none ignored; Hungarian "
                 "matching, hit = overlap > 0.5\n", label, roc->n_faces);
    fprintf(out, "  %-28s %10s %10s %10s\n", "TPR at false positives", "500", "1000", "2000");
    for (int c = 0; c < 2; c++) {
        fprintf(out, "  %-28s", c ? "continuous score" : "discrete score");
        for (int k = 0; k < 3; k++)
            fprintf(out, " %10.4f", eval_fddb_tpr_at(roc, fp_marks[k], c));
        fputc('\n', out);
    }
    if (roc->n)
        fprintf(out, "  %-28s %ld false positives, discrete TPR %.4f\n", "all detections",
                roc->fp[roc->n - 1], roc->tp_disc[roc->n - 1] / (double)(roc->n_faces ? roc->n_faces : 1));
}

void eval_fddb_json(FILE *out, const eval_fddb_roc *roc)
{
    double nf = roc->n_faces ? (double)roc->n_faces : 1.0;
    fprintf(out, "\"fddb_official\": {\"faces\": %ld", roc->n_faces);
    for (int c = 0; c < 2; c++) {
        fprintf(out, ", \"tpr_%s_at_fp\": {", c ? "continuous" : "discrete");
        for (int k = 0; k < 3; k++)
            fprintf(out, "%s\"%ld\": %.6f", k ? ", " : "", fp_marks[k],
                    eval_fddb_tpr_at(roc, fp_marks[k], c));
        fputc('}', out);
    }
    fprintf(out, ",\n       \"roc\": {\"score\": [");
    for (size_t k = 0; k < roc->n; k++)
        fprintf(out, "%s%.9g", k ? ", " : "", roc->score[k]);
    fprintf(out, "], \"fp\": [");
    for (size_t k = 0; k < roc->n; k++)
        fprintf(out, "%s%ld", k ? ", " : "", roc->fp[k]);
    fprintf(out, "], \"tpr_discrete\": [");
    for (size_t k = 0; k < roc->n; k++)
        fprintf(out, "%s%.6f", k ? ", " : "", roc->tp_disc[k] / nf);
    fprintf(out, "], \"tpr_continuous\": [");
    for (size_t k = 0; k < roc->n; k++)
        fprintf(out, "%s%.6f", k ? ", " : "", roc->tp_cont[k] / nf);
    fprintf(out, "]}}");
}
