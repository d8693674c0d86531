/* eval-wider-subset.c - see eval-wider-subset.h. */
#include "eval-wider-subset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "eval-mat.h"
#include "mtcnn.h"

static const char *const subset_names[3] = {"easy", "medium", "hard"};

struct eval_wider_split {
    int subset;
    int n_images;          /* ds->n_images */
    int n_split_images;    /* images in the .mat files */
    float **gt;            /* per ds image: n_gt boxes x, y, w, h */
    unsigned char **keep;  /* per ds image: the face is in the subset */
    int *n_gt;
};

int eval_wider_subset_parse(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, subset_names[i]) == 0)
            return i;
    return -1;
}

const char *eval_wider_subset_name(int subset)
{
    return subset >= 0 && subset < 3 ? subset_names[subset] : "?";
}

void eval_wider_split_free(eval_wider_split *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n_images; i++) {
        if (s->gt)
            free(s->gt[i]);
        if (s->keep)
            free(s->keep[i]);
    }
    free(s->gt);
    free(s->keep);
    free(s->n_gt);
    free(s);
}

/* A top-level cell variable with n entries (n < 0: any), each a cell when inner_cells. */
static int get_cells(const eval_mat_file *f, const char *path, const char *name, long n,
                     const eval_mat_array **out)
{
    const eval_mat_array *a = eval_mat_find(f, name);
    if (!a || a->kind != EVAL_MAT_CELL)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: no cell array '%s'", path, name);
    if (n >= 0 && a->numel != (size_t)n)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: '%s' has %zu entries, expected %ld", path,
                               name, a->numel, n);
    *out = a;
    return 0;
}

/* "ROOT/images/0--Parade/0_Parade_x_1.jpg" -> "0--Parade/0_Parade_x_1". */
static void image_key(const char *path, char *buf, size_t size)
{
    const char *end = path + strlen(path), *dot = strrchr(path, '.'), *s1 = strrchr(path, '/');
    if (dot && (!s1 || dot > s1))
        end = dot;
    const char *start = path;
    if (s1) {
        const char *p = s1;
        while (p > path && p[-1] != '/')
            p--;
        start = p;
    }
    snprintf(buf, size, "%.*s", (int)(end - start), start);
}

typedef struct split_ref {
    char key[512];
    int event, file;
} split_ref;

static int by_key(const void *a, const void *b)
{
    return strcmp(((const split_ref *)a)->key, ((const split_ref *)b)->key);
}

static int pair_images(eval_wider_split *s, const char *val_path, const char *sub_path,
                       const eval_mat_file *val, const eval_mat_file *sub,
                       const eval_dataset *ds)
{
    const eval_mat_array *events = NULL, *files = NULL, *boxes = NULL, *keeps = NULL;
    int rc;
    if ((rc = get_cells(val, val_path, "event_list", -1, &events)) < 0 ||
        (rc = get_cells(val, val_path, "file_list", (long)events->numel, &files)) < 0 ||
        (rc = get_cells(val, val_path, "face_bbx_list", (long)events->numel, &boxes)) < 0 ||
        (rc = get_cells(sub, sub_path, "gt_list", (long)events->numel, &keeps)) < 0)
        return rc;
    size_t total = 0;
    for (size_t e = 0; e < events->numel; e++) {
        const eval_mat_array *fe = &files->cells[e], *be = &boxes->cells[e],
                             *ke = &keeps->cells[e];
        if (events->cells[e].kind != EVAL_MAT_CHAR || fe->kind != EVAL_MAT_CELL ||
            be->kind != EVAL_MAT_CELL || ke->kind != EVAL_MAT_CELL ||
            be->numel != fe->numel || ke->numel != fe->numel)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: event %zu's lists do not match",
                                   val_path, e + 1);
        total += fe->numel;
    }
    if (total > (size_t)1 << 24)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: %zu images", val_path, total);
    s->n_split_images = (int)total;
    split_ref *refs = malloc((total ? total : 1) * sizeof *refs);
    if (!refs)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", val_path);
    size_t k = 0;
    for (size_t e = 0; e < events->numel; e++)
        for (size_t j = 0; j < files->cells[e].numel; j++, k++) {
            const eval_mat_array *name = &files->cells[e].cells[j];
            if (name->kind != EVAL_MAT_CHAR) {
                free(refs);
                return mtcam_set_error(MTCNN_EFORMAT, "%s: file name %zu of event %zu is not "
                                       "text", val_path, j + 1, e + 1);
            }
            snprintf(refs[k].key, sizeof refs[k].key, "%s/%s", events->cells[e].str, name->str);
            refs[k].event = (int)e;
            refs[k].file = (int)j;
        }
    qsort(refs, total, sizeof *refs, by_key);
    for (int i = 0; i < ds->n_images; i++) {
        split_ref want;
        image_key(ds->images[i].path, want.key, sizeof want.key);
        const split_ref *r = total ? bsearch(&want, refs, total, sizeof *refs, by_key) : NULL;
        if (!r) {
            rc = mtcam_set_error(MTCNN_ENOTFOUND, "%s: no record of image %s", val_path,
                                 want.key);
            break;
        }
        const eval_mat_array *bx = &boxes->cells[r->event].cells[r->file];
        const eval_mat_array *kp = &keeps->cells[r->event].cells[r->file];
        size_t n = bx->numel ? bx->dims[0] : 0;
        if (bx->kind != EVAL_MAT_NUMERIC || (n && (bx->n_dims != 2 || bx->dims[1] != 4)) ||
            kp->kind != EVAL_MAT_NUMERIC) {
            rc = mtcam_set_error(MTCNN_EFORMAT, "%s: boxes or subset of %s are malformed",
                                 val_path, want.key);
            break;
        }
        s->n_gt[i] = (int)n;
        s->gt[i] = malloc((n ? n : 1) * 4 * sizeof(float));
        s->keep[i] = calloc(n ? n : 1, 1);
        if (!s->gt[i] || !s->keep[i]) {
            rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", val_path);
            break;
        }
        for (size_t f = 0; f < n; f++) /* column-major n x 4 */
            for (int c = 0; c < 4; c++)
                s->gt[i][4 * f + (size_t)c] = (float)bx->num[(size_t)c * n + f];
        for (size_t q = 0; q < kp->numel; q++) {
            double v = kp->num[q];
            if (!(v >= 1 && v <= (double)n) || v != floor(v)) {
                rc = mtcam_set_error(MTCNN_EFORMAT, "%s: face index %g of %s out of 1..%zu",
                                     sub_path, v, want.key, n);
                break;
            }
            s->keep[i][(size_t)v - 1] = 1;
        }
        if (rc < 0)
            break;
    }
    free(refs);
    return rc;
}

int eval_wider_split_read(const char *split_dir, int subset, const eval_dataset *ds,
                          eval_wider_split **out)
{
    *out = NULL;
    if (subset < 0 || subset > 2)
        return mtcam_set_error(MTCNN_EINVAL, "WIDER subset %d: expected easy, medium or hard",
                               subset);
    char val_path[4096], sub_path[4096];
    snprintf(val_path, sizeof val_path, "%s/wider_face_val.mat", split_dir);
    snprintf(sub_path, sizeof sub_path, "%s/wider_%s_val.mat", split_dir, subset_names[subset]);
    eval_wider_split *s = calloc(1, sizeof *s);
    if (!s)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", val_path);
    s->subset = subset;
    s->n_images = ds->n_images;
    int n = ds->n_images ? ds->n_images : 1;
    s->gt = calloc((size_t)n, sizeof *s->gt);
    s->keep = calloc((size_t)n, sizeof *s->keep);
    s->n_gt = calloc((size_t)n, sizeof *s->n_gt);
    eval_mat_file val = {0}, sub = {0};
    int rc = 0;
    if (!s->gt || !s->keep || !s->n_gt)
        rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", val_path);
    if (rc == 0)
        rc = eval_mat_read(val_path, &val);
    if (rc == 0)
        rc = eval_mat_read(sub_path, &sub);
    if (rc == 0)
        rc = pair_images(s, val_path, sub_path, &val, &sub, ds);
    eval_mat_free(&val);
    eval_mat_free(&sub);
    if (rc < 0) {
        eval_wider_split_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int eval_wider_split_score(const eval_wider_split *s, const eval_dataset *ds,
                           const eval_image_dets *dets, eval_wider_result *out)
{
    int n = ds->n_images;
    eval_wider_image *imgs = calloc((size_t)(n ? n : 1), sizeof *imgs);
    float **rows = calloc((size_t)(n ? n : 1), sizeof *rows);
    int rc = 0;
    if (!imgs || !rows)
        rc = mtcam_set_error(MTCNN_ENOMEM, "WIDER evaluation: out of memory");
    for (int i = 0; i < n && rc == 0; i++) {
        rows[i] = malloc((size_t)(dets[i].n ? dets[i].n : 1) * 5 * sizeof(float));
        if (!rows[i]) {
            rc = mtcam_set_error(MTCNN_ENOMEM, "WIDER evaluation: out of memory");
            break;
        }
        /* Edge boxes [x0, x1) -> the official x, y, w, h whose x + w is the last pixel
         * (its overlap adds 1 to widths), i.e. w = x1 - x0 - 1. */
        for (int d = 0; d < dets[i].n; d++) {
            const eval_det *e = &dets[i].dets[d];
            float *r = rows[i] + 5 * d;
            r[0] = e->box[0];
            r[1] = e->box[1];
            r[2] = e->box[2] - e->box[0] - 1;
            r[3] = e->box[3] - e->box[1] - 1;
            r[4] = e->score;
        }
        imgs[i] = (eval_wider_image){s->gt[i], s->n_gt[i], s->keep[i], rows[i], dets[i].n};
    }
    if (rc == 0)
        rc = eval_wider_official(imgs, n, out);
    for (int i = 0; rows && i < n; i++)
        free(rows[i]);
    free(rows);
    free(imgs);
    return rc;
}

void eval_wider_split_text(FILE *f, const eval_wider_split *s, const char *label,
                           const eval_wider_result *r)
{
    fprintf(f, "WIDER official %s AP  %s  %.4f  (%d %s faces; %d of the split's %d images)\n",
            subset_names[s->subset], label, r->ap, r->n_faces, subset_names[s->subset],
            s->n_images, s->n_split_images);
}

void eval_wider_json(FILE *f, const char *subset, const eval_wider_result *r)
{
    fprintf(f, "\"wider_official\": {\"subset\": \"%s\", \"faces\": %d, \"ap\": %.6f,\n"
               "       \"pr\": {\"threshold\": [", subset, r->n_faces, r->ap);
    for (int k = 0; k < EVAL_WIDER_THRESHOLDS; k++)
        fprintf(f, "%s%.3f", k ? ", " : "", 1.0 - (k + 1.0) / EVAL_WIDER_THRESHOLDS);
    fprintf(f, "], \"recall\": [");
    for (int k = 0; k < EVAL_WIDER_THRESHOLDS; k++)
        fprintf(f, "%s%.6f", k ? ", " : "", r->recall[k]);
    fprintf(f, "], \"precision\": [");
    for (int k = 0; k < EVAL_WIDER_THRESHOLDS; k++) {
        if (isnan(r->precision[k]))
            fprintf(f, "%snull", k ? ", " : "");
        else
            fprintf(f, "%s%.6f", k ? ", " : "", r->precision[k]);
    }
    fprintf(f, "]}}");
}
