/* eval-dataset.c - the in-memory data set: growing it, cutting it down, the default files of
 * each format. The format readers live in eval-read-text.c and eval-read-xml.c. */
#include "eval-dataset.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

static const char *const format_names[] = {"caltech", "mtfl", "dlib", "wider", "fddb"};

int eval_format_parse(const char *name)
{
    for (int i = 0; i < (int)(sizeof format_names / sizeof format_names[0]); i++)
        if (strcmp(name, format_names[i]) == 0)
            return i;
    return -1;
}

const char *eval_format_name(eval_format f)
{
    return (unsigned)f < sizeof format_names / sizeof format_names[0] ? format_names[f] : "?";
}

eval_image *eval__dataset_add_image(eval_dataset *ds, const char *dir, const char *name,
                                    const char *suffix)
{
    if (ds->n_images == ds->cap_images) {
        int cap = ds->cap_images ? 2 * ds->cap_images : 256;
        eval_image *grown = realloc(ds->images, (size_t)cap * sizeof *grown);
        if (!grown)
            return NULL;
        ds->images = grown;
        ds->cap_images = cap;
    }
    size_t len = strlen(dir) + strlen(name) + strlen(suffix) + 2;
    char *path = malloc(len);
    if (!path)
        return NULL;
    if (dir[0])
        snprintf(path, len, "%s/%s%s", dir, name, suffix);
    else
        snprintf(path, len, "%s%s", name, suffix);
    eval_image *img = &ds->images[ds->n_images++];
    memset(img, 0, sizeof *img);
    img->path = path;
    return img;
}

eval_face *eval__image_add_face(eval_image *img)
{
    /* Faces per image are few; growing by one keeps the code simple and the cost is nil. */
    eval_face *grown = realloc(img->faces, (size_t)(img->n_faces + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    img->faces = grown;
    eval_face *f = &img->faces[img->n_faces++];
    memset(f, 0, sizeof *f);
    return f;
}

void eval__face_box_from_ellipse(eval_face *f)
{
    double ra = f->ellipse[0], rb = f->ellipse[1], a = f->ellipse[2];
    double c = cos(a), s = sin(a);
    /* Half extents of a rotated ellipse along x and y. */
    double hx = sqrt(ra * ra * c * c + rb * rb * s * s);
    double hy = sqrt(ra * ra * s * s + rb * rb * c * c);
    f->box[0] = (float)(f->ellipse[3] - hx);
    f->box[1] = (float)(f->ellipse[4] - hy);
    f->box[2] = (float)(f->ellipse[3] + hx);
    f->box[3] = (float)(f->ellipse[4] + hy);
    f->has_box = 1;
}

float eval_face_iod(const eval_face *f)
{
    const unsigned eyes = EVAL_EYES;
    if ((f->pts_mask & eyes) != eyes)
        return 0.0f;
    return hypotf(f->pts[EVAL_REYE][0] - f->pts[EVAL_LEYE][0],
                  f->pts[EVAL_REYE][1] - f->pts[EVAL_LEYE][1]);
}

void eval_dataset_count(const eval_dataset *ds, int *faces, int *flagged)
{
    int n = 0, ign = 0;
    for (int i = 0; i < ds->n_images; i++) {
        n += ds->images[i].n_faces;
        for (int j = 0; j < ds->images[i].n_faces; j++)
            ign += ds->images[i].faces[j].ignore != 0;
    }
    if (faces)
        *faces = n;
    if (flagged)
        *flagged = ign;
}

static void image_free(eval_image *img)
{
    free(img->path);
    free(img->faces);
}

void eval_dataset_free(eval_dataset *ds)
{
    if (!ds)
        return;
    for (int i = 0; i < ds->n_images; i++)
        image_free(&ds->images[i]);
    free(ds->images);
    memset(ds, 0, sizeof *ds);
}

void eval_dataset_limit(eval_dataset *ds, int limit)
{
    if (limit <= 0 || limit >= ds->n_images)
        return;
    for (int i = limit; i < ds->n_images; i++)
        image_free(&ds->images[i]);
    ds->n_images = limit;
}

/* splitmix64: a tiny, well-mixed generator, so a seed names the same subset everywhere. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void eval_dataset_subset(eval_dataset *ds, int n, unsigned long long seed)
{
    if (n <= 0 || n >= ds->n_images)
        return;
    /* Selection sampling (Knuth, TAOCP 3.4.2 algorithm S): every n-subset is equally likely
     * and the kept images stay in file order. */
    uint64_t state = seed;
    int kept = 0, total = ds->n_images;
    for (int i = 0; i < total; i++) {
        double u = (double)(splitmix64(&state) >> 11) * (1.0 / 9007199254740992.0);
        if ((double)(total - i) * u < (double)(n - kept))
            ds->images[kept++] = ds->images[i];
        else
            image_free(&ds->images[i]);
    }
    ds->n_images = kept;
}

static int readable(const char *path) { return access(path, R_OK) == 0; }

static int need_file(const char *path)
{
    if (!readable(path))
        return mtcam_set_error(MTCNN_ENOTFOUND, "%s: cannot read the annotation file", path);
    return 0;
}

static int read_fddb_default(const char *root, eval_dataset *out)
{
    char path[4096];
    int found = 0;
    for (int fold = 1; fold <= 10; fold++) {
        snprintf(path, sizeof path, "%s/FDDB-folds/FDDB-fold-%02d-ellipseList.txt", root, fold);
        if (!readable(path))
            continue;
        found++;
        int rc = eval_read_fddb(root, path, out);
        if (rc)
            return rc;
    }
    if (!found)
        return mtcam_set_error(MTCNN_ENOTFOUND,
                               "%s/FDDB-folds: no FDDB-fold-XX-ellipseList.txt (pass --list)",
                               root);
    return 0;
}

int eval_dataset_read(eval_format format, const char *root, const char *list, eval_dataset *out)
{
    char path[4096], path2[4096];
    int rc;
    out->format = format;
    switch (format) {
    case EVAL_CALTECH:
        snprintf(path, sizeof path, "%s/ground_truth.txt", root);
        if (list)
            snprintf(path2, sizeof path2, "%s", list);
        else
            snprintf(path2, sizeof path2, "%s/images.txt", root);
        if ((rc = need_file(path)) || (rc = need_file(path2)))
            return rc;
        return eval_read_caltech(root, path, path2, out);
    case EVAL_MTFL:
        if (list)
            snprintf(path, sizeof path, "%s", list);
        else
            snprintf(path, sizeof path, "%s/train_80x80_box_lm.txt", root);
        if ((rc = need_file(path)))
            return rc;
        return eval_read_mtfl(root, path, out);
    case EVAL_DLIB:
        if (list)
            snprintf(path, sizeof path, "%s", list);
        else
            snprintf(path, sizeof path, "%s/testing_with_face_landmarks.xml", root);
        if ((rc = need_file(path)))
            return rc;
        return eval_read_dlib_xml(root, path, out);
    case EVAL_WIDER: {
        /* root is WIDER_val (holding images/); the text sits in wider_face_split/ beside it. */
        if (list) {
            snprintf(path, sizeof path, "%s", list);
        } else {
            static const char *const where[] = {
                "%s/../wider_face_split/wider_face_val_bbx_gt.txt",
                "%s/wider_face_split/wider_face_val_bbx_gt.txt",
                "%s/wider_face_val_bbx_gt.txt"};
            path[0] = '\0';
            for (int i = 0; i < 3 && !path[0]; i++) {
                snprintf(path2, sizeof path2, where[i], root);
                if (readable(path2))
                    snprintf(path, sizeof path, "%s", path2);
            }
            if (!path[0])
                return mtcam_set_error(MTCNN_ENOTFOUND,
                                       "%s: no wider_face_val_bbx_gt.txt beside or inside it "
                                       "(pass --list)", root);
        }
        if ((rc = need_file(path)))
            return rc;
        snprintf(path2, sizeof path2, "%s/images", root);
        return eval_read_wider(access(path2, X_OK) == 0 ? path2 : root, path, out);
    }
    case EVAL_FDDB:
        if (!list)
            return read_fddb_default(root, out);
        if ((rc = need_file(list)))
            return rc;
        return eval_read_fddb(root, list, out);
    }
    return mtcam_set_error(MTCNN_EINVAL, "unknown data set format %d", (int)format);
}
