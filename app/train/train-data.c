/* train-data.c - reading the training sets and the validation split. */
#include "train-data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caltech-points.h"
#include "err.h"

int train_is_validation(const char *name, uint64_t split_seed)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    h ^= split_seed + 0x9e3779b97f4a7c15ULL;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h % 10 == 0;
}

void train_list_free(train_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->img[i].path);
        free(l->img[i].faces);
    }
    free(l->img);
    l->img = NULL;
    l->n = 0;
}

static int add_image(train_list *l, size_t *cap, const char *dir, const char *name)
{
    if (l->n == *cap) {
        const size_t nc = *cap ? *cap * 2 : 1024;
        train_image *g = realloc(l->img, nc * sizeof *g);
        if (!g)
            return mtcam_set_error(MTCNN_ENOMEM, "training data: no memory for %zu images", nc);
        l->img = g;
        *cap = nc;
    }
    const size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (!path)
        return mtcam_set_error(MTCNN_ENOMEM, "training data: no memory");
    snprintf(path, len, "%s/%s", dir, name);
    l->img[l->n++] = (train_image){path, 0, NULL};
    return 0;
}

static int add_face(train_image *im, const mtt_face *f)
{
    mtt_face *g = realloc(im->faces, (size_t)(im->n_faces + 1) * sizeof *g);
    if (!g)
        return mtcam_set_error(MTCNN_ENOMEM, "training data: no memory for a face");
    im->faces = g;
    im->faces[im->n_faces++] = *f;
    return 0;
}

/* Base name of a listed path (after the last '/'). */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int by_base_name(const void *a, const void *b)
{
    return strcmp(base_name(((const train_image *)a)->path),
                  base_name(((const train_image *)b)->path));
}

int train_load_caltech(const char *root, uint64_t split_seed, int validation, train_list *out)
{
    memset(out, 0, sizeof *out);
    char path[4096], dir[4096], name[1024];
    snprintf(dir, sizeof dir, "%s/caltech-webfaces/images", root);
    snprintf(path, sizeof path, "%s/caltech-webfaces/images.txt", root);
    FILE *f = fopen(path, "r");
    if (!f)
        return mtcam_set_error(MTCNN_ENOTFOUND, "%s: cannot open", path);
    size_t cap = 0;
    int rc = 0;
    while (rc == 0 && fscanf(f, "%1023s", name) == 1)
        if (train_is_validation(name, split_seed) == validation)
            rc = add_image(out, &cap, dir, name);
    fclose(f);
    if (rc) {
        train_list_free(out);
        return rc;
    }
    qsort(out->img, out->n, sizeof *out->img, by_base_name);
    snprintf(path, sizeof path, "%s/caltech-webfaces/ground_truth.txt", root);
    if (!(f = fopen(path, "r"))) {
        train_list_free(out);
        return mtcam_set_error(MTCNN_ENOTFOUND, "%s: cannot open", path);
    }
    float p[8];
    int line = 0;
    while (rc == 0) {
        const int got = fscanf(f, "%1023s %f %f %f %f %f %f %f %f", name, p, p + 1, p + 2,
                               p + 3, p + 4, p + 5, p + 6, p + 7);
        if (got == EOF)
            break;
        line++;
        if (got != 9) {
            rc = mtcam_set_error(MTCNN_EFORMAT, "%s: line %d: expected a name and 8 numbers",
                                 path, line);
            break;
        }
        train_image key = {name, 0, NULL};
        train_image *im = bsearch(&key, out->img, out->n, sizeof *out->img, by_base_name);
        if (!im)
            continue; /* the other part of the split */
        for (int k = 0; k < 8; k++)
            p[k] -= CALTECH_POINT_ORIGIN; /* MATLAB's 1-based pixels to mtcam's 0-based */
        mtt_face face = {{0}, 1, {0}};
        /* Points: left eye, right eye, nose (base), mouth centre. The eyes are landmark
         * targets too; nose base and mouth centre are not MTCNN's points (nose tip, mouth
         * corners), so those targets stay unknown (NaN). */
        mtt_face_box_from_points(p, p + 2, p + 6, face.box);
        for (int k = 0; k < 10; k++)
            face.lm[k] = NAN;
        face.lm[0] = p[0];
        face.lm[1] = p[2];
        face.lm[5] = p[1];
        face.lm[6] = p[3];
        rc = add_face(im, &face);
    }
    fclose(f);
    if (rc)
        train_list_free(out);
    return rc;
}

int train_load_mtfl(const char *root, train_list *out)
{
    memset(out, 0, sizeof *out);
    char path[4096], dir[4096], line[2048], name[1024];
    snprintf(dir, sizeof dir, "%s/mtfl-landmarks", root);
    snprintf(path, sizeof path, "%s/mtfl-landmarks/train_80x80_box_lm.txt", root);
    FILE *f = fopen(path, "r");
    if (!f)
        return mtcam_set_error(MTCNN_ENOTFOUND, "%s: cannot open", path);
    size_t cap = 0;
    int rc = 0, ln = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        ln++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        float v[14];
        if (sscanf(line, "%1023s %f %f %f %f %f %f %f %f %f %f %f %f %f %f", name, v, v + 1,
                   v + 2, v + 3, v + 4, v + 5, v + 6, v + 7, v + 8, v + 9, v + 10, v + 11,
                   v + 12, v + 13) != 15) {
            rc = mtcam_set_error(MTCNN_EFORMAT, "%s: line %d: expected a name and 14 numbers",
                                 path, ln);
            break;
        }
        if ((rc = add_image(out, &cap, dir, name)) != 0)
            break;
        /* The file's box (another detector's) is not used: the box comes from the points by
         * the same rule as Caltech's, so landmark crops look like detector crops. */
        const float *pt = v + 4; /* x1 y1 ... x5 y5 */
        mtt_face face = {{0}, 1, {0}};
        for (int k = 0; k < 5; k++) {
            face.lm[k] = pt[2 * k];
            face.lm[5 + k] = pt[2 * k + 1];
        }
        float mouth[2];
        mtt_mouth_centre(pt, pt + 2, pt + 6, pt + 8, mouth);
        mtt_face_box_from_points(pt, pt + 2, mouth, face.box);
        rc = add_face(&out->img[out->n - 1], &face);
    }
    fclose(f);
    if (rc)
        train_list_free(out);
    return rc;
}

int train_write_validation(const char *root, uint64_t split_seed, const char *gt_out,
                           const char *images_out)
{
    char path[4096], line[2048], name[1024];
    snprintf(path, sizeof path, "%s/caltech-webfaces/images.txt", root);
    FILE *in = fopen(path, "r");
    if (!in)
        return mtcam_set_error(MTCNN_ENOTFOUND, "%s: cannot open", path);
    FILE *out = fopen(images_out, "w");
    if (!out) {
        fclose(in);
        return mtcam_set_error(MTCNN_EIO, "%s: cannot create", images_out);
    }
    while (fscanf(in, "%1023s", name) == 1)
        if (train_is_validation(name, split_seed))
            fprintf(out, "%s\n", name);
    fclose(in);
    int ok = fclose(out) == 0;
    snprintf(path, sizeof path, "%s/caltech-webfaces/ground_truth.txt", root);
    if (!(in = fopen(path, "r")))
        return mtcam_set_error(MTCNN_ENOTFOUND, "%s: cannot open", path);
    if (!(out = fopen(gt_out, "w"))) {
        fclose(in);
        return mtcam_set_error(MTCNN_EIO, "%s: cannot create", gt_out);
    }
    while (fgets(line, sizeof line, in))
        if (sscanf(line, "%1023s", name) == 1 && train_is_validation(name, split_seed))
            fputs(line, out);
    fclose(in);
    ok &= fclose(out) == 0;
    return ok ? 0 : mtcam_set_error(MTCNN_EIO, "%s: write failed", gt_out);
}
