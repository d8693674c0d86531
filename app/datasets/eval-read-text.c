/* eval-read-text.c - readers of the line-based annotation formats: Caltech Web Faces, the
 * MTFL 80x80 list, WIDER FACE ground truth and FDDB ellipse folds. Every error names the
 * file and line. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caltech-points.h"
#include "err.h"
#include "eval-dataset.h"

/* A line reader that can give one line back (WIDER's empty-image records need a peek). */
typedef struct line_reader {
    FILE *fp;
    const char *path;
    char *line;
    size_t cap;
    long lineno;
    int pushed_back;
} line_reader;

static int reader_open(line_reader *r, const char *path)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->fp = fopen(path, "r");
    if (!r->fp)
        return mtcam_set_error(mtcam_errno_code(errno), "%s: %s", path, strerror(errno));
    return 0;
}

static void reader_close(line_reader *r)
{
    if (r->fp)
        fclose(r->fp);
    free(r->line);
}

/* The next line with its end-of-line and trailing blanks removed, or NULL at the end. */
static char *reader_next(line_reader *r)
{
    if (r->pushed_back) {
        r->pushed_back = 0;
        return r->line;
    }
    ssize_t n = getline(&r->line, &r->cap, r->fp);
    if (n < 0)
        return NULL;
    r->lineno++;
    while (n > 0 && isspace((unsigned char)r->line[n - 1]))
        r->line[--n] = '\0';
    return r->line;
}

/* The next line that is not blank and not a '#' comment. */
static char *reader_next_content(line_reader *r)
{
    char *s;
    while ((s = reader_next(r))) {
        while (isspace((unsigned char)*s))
            s++;
        if (*s && *s != '#')
            return s;
    }
    return NULL;
}

static int syntax(const line_reader *r, const char *what)
{
    return mtcam_set_error(MTCNN_EFORMAT, "%s:%ld: %s", r->path, r->lineno, what);
}

static int oom(void) { return mtcam_set_error(MTCNN_ENOMEM, "out of memory reading a data set"); }

/* Splits off the first blank-separated word of *s (in place) and returns it. */
static char *take_word(char **s)
{
    char *p = *s;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p)
        return NULL;
    char *w = p;
    while (*p && !isspace((unsigned char)*p))
        p++;
    if (*p)
        *p++ = '\0';
    *s = p;
    return w;
}

/* Parses exactly `n` numbers from s; fewer, more or a non-number is an error (returns -1). */
static int parse_floats(const char *s, float *v, int n)
{
    char *end;
    for (int i = 0; i < n; i++) {
        errno = 0;
        double d = strtod(s, &end);
        if (end == s || errno == ERANGE || d != d)
            return -1;
        v[i] = (float)d;
        s = end;
    }
    while (isspace((unsigned char)*s))
        s++;
    return *s ? -1 : 0;
}

/* Like parse_floats but allows trailing extra fields (FDDB's detection-type column). */
static int parse_floats_prefix(const char *s, float *v, int n)
{
    char *end;
    for (int i = 0; i < n; i++) {
        errno = 0;
        double d = strtod(s, &end);
        if (end == s || errno == ERANGE || d != d)
            return -1;
        v[i] = (float)d;
        s = end;
    }
    return 0;
}

static int parse_count(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (end == s || *end || errno || v < 0 || v > 100000)
        return -1;
    *out = v;
    return 0;
}

/* The next line as the face count of an image (WIDER, FDDB): 0, or a syntax error. */
static int next_count(line_reader *r, long *n)
{
    char *s = reader_next_content(r);
    if (!s || parse_count(s, n))
        return syntax(r, "expected the number of faces");
    return 0;
}

/* ---- Caltech Web Faces --------------------------------------------------------------- */

typedef struct caltech_row {
    char *name;
    float v[8];
} caltech_row;

static int row_cmp(const void *a, const void *b)
{
    return strcmp(((const caltech_row *)a)->name, ((const caltech_row *)b)->name);
}

static void rows_free(caltech_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(rows[i].name);
    free(rows);
}

int eval_read_caltech(const char *root, const char *gt_file, const char *images_file,
                      eval_dataset *ds)
{
    line_reader r;
    caltech_row *rows = NULL;
    size_t n_rows = 0, cap = 0;
    char img_dir[4096];
    int rc = reader_open(&r, gt_file);
    if (rc)
        return rc;
    char *s;
    while ((s = reader_next_content(&r))) {
        char *name = take_word(&s);
        float v[8];
        if (parse_floats(s, v, 8)) {
            rc = syntax(&r, "expected 'file leye_x leye_y reye_x reye_y nose_x nose_y "
                            "mouth_x mouth_y'");
            goto fail;
        }
        if (n_rows == cap) {
            cap = cap ? 2 * cap : 1024;
            caltech_row *grown = realloc(rows, cap * sizeof *grown);
            if (!grown) {
                rc = oom();
                goto fail;
            }
            rows = grown;
        }
        rows[n_rows].name = strdup(name);
        if (!rows[n_rows].name) {
            rc = oom();
            goto fail;
        }
        /* mtcam's pixels are 0-based, the file's 1-based (caltech-points.h). */
        const float origin = ds->caltech_raw_points ? 0.0f : CALTECH_POINT_ORIGIN;
        for (int k = 0; k < 8; k++)
            rows[n_rows].v[k] = v[k] - origin;
        n_rows++;
    }
    reader_close(&r);
    if (n_rows)
        qsort(rows, n_rows, sizeof *rows, row_cmp);

    /* Every listed image is evaluated, with the faces the ground truth gives it (maybe none). */
    snprintf(img_dir, sizeof img_dir, "%s/images", root);
    if ((rc = reader_open(&r, images_file)))
        goto fail;
    while ((s = reader_next_content(&r))) {
        char *name = take_word(&s);
        if (take_word(&s)) {
            rc = syntax(&r, "expected one image name a line");
            goto fail;
        }
        eval_image *img = eval__dataset_add_image(ds, img_dir, name, "");
        if (!img) {
            rc = oom();
            goto fail;
        }
        caltech_row key = {.name = name};
        caltech_row *hit = n_rows ? bsearch(&key, rows, n_rows, sizeof *rows, row_cmp) : NULL;
        while (hit && hit > rows && strcmp(hit[-1].name, name) == 0)
            hit--;
        for (; hit && hit < rows + n_rows && strcmp(hit->name, name) == 0; hit++) {
            eval_face *f = eval__image_add_face(img);
            if (!f) {
                rc = oom();
                goto fail;
            }
            /* The left eye is the one with smaller x (the README says so; enforce it). */
            int swap = hit->v[0] > hit->v[2];
            f->pts[EVAL_LEYE][0] = hit->v[swap ? 2 : 0];
            f->pts[EVAL_LEYE][1] = hit->v[swap ? 3 : 1];
            f->pts[EVAL_REYE][0] = hit->v[swap ? 0 : 2];
            f->pts[EVAL_REYE][1] = hit->v[swap ? 1 : 3];
            /* The nose point is the nose base, not MTCNN's tip: keep it out of pts_mask. */
            f->pts[EVAL_NOSE][0] = hit->v[4];
            f->pts[EVAL_NOSE][1] = hit->v[5];
            f->mouth_centre[0] = hit->v[6];
            f->mouth_centre[1] = hit->v[7];
            f->has_mouth_centre = 1;
            f->pts_mask = EVAL_EYES;
        }
    }
    rc = 0;
fail:
    reader_close(&r);
    rows_free(rows, n_rows);
    return rc;
}

/* ---- MTFL 80x80 list ------------------------------------------------------------------ */

int eval_read_mtfl(const char *root, const char *list, eval_dataset *ds)
{
    line_reader r;
    int rc = reader_open(&r, list);
    if (rc)
        return rc;
    char *s;
    while ((s = reader_next_content(&r))) {
        char *name = take_word(&s);
        float v[14];
        if (parse_floats(s, v, 14)) {
            rc = syntax(&r, "expected 'path left right top bottom' and 5 points (x y)");
            goto done;
        }
        if (!(v[1] > v[0] && v[3] > v[2])) {
            rc = syntax(&r, "box with right <= left or bottom <= top");
            goto done;
        }
        eval_image *img = eval__dataset_add_image(ds, root, name, "");
        eval_face *f = img ? eval__image_add_face(img) : NULL;
        if (!f) {
            rc = oom();
            goto done;
        }
        f->box[0] = v[0];
        f->box[1] = v[2];
        f->box[2] = v[1];
        f->box[3] = v[3];
        f->has_box = 1;
        for (int i = 0; i < EVAL_NPTS; i++) {
            f->pts[i][0] = v[4 + 2 * i];
            f->pts[i][1] = v[5 + 2 * i];
        }
        f->pts_mask = (1u << EVAL_NPTS) - 1;
    }
    rc = 0;
done:
    reader_close(&r);
    return rc;
}

/* ---- WIDER FACE ----------------------------------------------------------------------- */

/* Is this line a WIDER face record (10 integers) rather than an image path? */
static int is_record(const char *s)
{
    float v[10];
    return parse_floats(s, v, 10) == 0;
}

int eval_read_wider(const char *images_dir, const char *gt_file, eval_dataset *ds)
{
    line_reader r;
    int rc = reader_open(&r, gt_file);
    if (rc)
        return rc;
    char *s;
    while ((s = reader_next_content(&r))) {
        if (is_record(s)) {
            rc = syntax(&r, "expected an image path, got a face record");
            goto done;
        }
        eval_image *img = eval__dataset_add_image(ds, images_dir, s, "");
        if (!img) {
            rc = oom();
            goto done;
        }
        long n;
        if ((rc = next_count(&r, &n)))
            goto done;
        /* The official file writes "0" and then one all-zero record for an image without
         * faces; tolerate files that leave that record out. */
        if (n == 0) {
            if ((s = reader_next_content(&r)) && !is_record(s))
                r.pushed_back = 1;
            continue;
        }
        for (long i = 0; i < n; i++) {
            float v[10];
            if (!(s = reader_next_content(&r)) || parse_floats(s, v, 10)) {
                rc = syntax(&r, "expected 'x y w h blur expression illumination invalid "
                                "occlusion pose'");
                goto done;
            }
            eval_face *f = eval__image_add_face(img);
            if (!f) {
                rc = oom();
                goto done;
            }
            f->box[0] = v[0];
            f->box[1] = v[1];
            f->box[2] = v[0] + v[2];
            f->box[3] = v[1] + v[3];
            f->has_box = 1;
            /* Ignored, as the WIDER README's flags suggest: invalid faces, heavy blur (2),
             * and degenerate boxes. */
            f->ignore = v[7] != 0.0f || v[4] >= 2.0f || v[2] <= 0.0f || v[3] <= 0.0f;
        }
    }
    rc = 0;
done:
    reader_close(&r);
    return rc;
}

/* ---- FDDB ------------------------------------------------------------------------------- */

int eval_read_fddb(const char *images_dir, const char *fold_file, eval_dataset *ds)
{
    line_reader r;
    int rc = reader_open(&r, fold_file);
    if (rc)
        return rc;
    char *s;
    while ((s = reader_next_content(&r))) {
        eval_image *img = eval__dataset_add_image(ds, images_dir, s, ".jpg");
        if (!img) {
            rc = oom();
            goto done;
        }
        long n;
        if ((rc = next_count(&r, &n)))
            goto done;
        for (long i = 0; i < n; i++) {
            float v[5];
            if (!(s = reader_next_content(&r)) || parse_floats_prefix(s, v, 5)) {
                rc = syntax(&r, "expected 'major_radius minor_radius angle centre_x centre_y'");
                goto done;
            }
            if (!(v[0] > 0.0f && v[1] > 0.0f)) {
                rc = syntax(&r, "ellipse radius <= 0");
                goto done;
            }
            eval_face *f = eval__image_add_face(img);
            if (!f) {
                rc = oom();
                goto done;
            }
            memcpy(f->ellipse, v, sizeof v);
            f->has_ellipse = 1;
            eval__face_box_from_ellipse(f);
        }
    }
    rc = 0;
done:
    reader_close(&r);
    return rc;
}
