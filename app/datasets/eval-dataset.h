/* eval-dataset.h - annotated face data sets in memory, and their readers.
 *
 * Every reader turns its format into the same picture: a list of images, each with the faces
 * a person annotated. Geometry uses pixel EDGES, not pixel indices: a box {x0, y0, x1, y1}
 * covers [x0, x1) x [y0, y1), so its width is x1 - x0. An annotation "left=10 width=20" is
 * {10, .., 30, ..}; an MTCNN box [x1, x2] (inclusive) becomes {x1, .., x2 + 1, ..}. Points are
 * 0-based pixel coordinates as the annotations give them.
 */
#pragma once

#include <stddef.h>

typedef enum eval_format {
    EVAL_CALTECH, /* Caltech Web Faces: 4 points a face, no boxes */
    EVAL_MTFL,    /* MTFL/LFW+Net 80x80 list: box + 5 points, one face an image */
    EVAL_DLIB,    /* dlib imglab XML: boxes, optional 68 points, ignore="1" */
    EVAL_WIDER,   /* WIDER FACE ground-truth text: boxes with attribute flags */
    EVAL_FDDB     /* FDDB folds: ellipses */
} eval_format;

/* The 5 points in MTCNN's order; "left" = smaller x in the image. */
enum { EVAL_LEYE, EVAL_REYE, EVAL_NOSE, EVAL_LMOUTH, EVAL_RMOUTH, EVAL_NPTS };
/* The two eyes as a point mask (pts_mask, landmark_mask). */
#define EVAL_EYES ((1u << EVAL_LEYE) | (1u << EVAL_REYE))

typedef struct eval_face {
    float box[4];          /* x0, y0, x1, y1 (edges); valid when has_box */
    float ellipse[5];      /* FDDB: major radius, minor radius, angle (rad), centre x, y */
    float pts[EVAL_NPTS][2];
    float mouth_centre[2]; /* Caltech's mouth point (not one of MTCNN's five) */
    unsigned char has_box, has_ellipse, has_mouth_centre;
    unsigned char pts_mask; /* bit i: pts[i] is annotated in MTCNN's convention */
    unsigned char ignore;   /* the annotation says not to count it (dlib ignore="1", WIDER
                               invalid or heavy blur) */
} eval_face;

typedef struct eval_image {
    char *path; /* the image file (root joined with the listed name) */
    eval_face *faces;
    int n_faces;
} eval_image;

typedef struct eval_dataset {
    eval_format format;
    eval_image *images;
    int n_images, cap_images;
    /* Caltech: keep the points as stored (MATLAB's 1-based pixels) instead of converting them
     * to 0-based (app/datasets/caltech-points.h). Set before reading; zero (convert) by default. */
    int caltech_raw_points;
} eval_dataset;

/* "caltech" -> EVAL_CALTECH ...; returns -1 for an unknown name. */
int eval_format_parse(const char *name);
const char *eval_format_name(eval_format f);

/* Reads a data set and appends its images to `out` (start from a zeroed eval_dataset; call
 * again to add another list). `root` is its folder; `list` the annotation file (NULL = the
 * format's default inside root, see docs/eval.md). Image files are not opened here. On failure
 * the message names the file and line; free `out` with eval_dataset_free either way. */
int eval_dataset_read(eval_format format, const char *root, const char *list, eval_dataset *out);
/* The readers eval_dataset_read dispatches to; each appends to `ds`, so several lists can be
 * read into one set. */
int eval_read_caltech(const char *root, const char *gt_file, const char *images_file,
                      eval_dataset *ds);
int eval_read_mtfl(const char *root, const char *list, eval_dataset *ds);
int eval_read_dlib_xml(const char *root, const char *xml_file, eval_dataset *ds);
/* The dlib reader on a file already in memory (`name` is used in messages; the fuzz target's
 * entry point). */
int eval__read_dlib_xml_memory(const char *root, const char *data, size_t size,
                               const char *name, eval_dataset *ds);
int eval_read_wider(const char *images_dir, const char *gt_file, eval_dataset *ds);
int eval_read_fddb(const char *images_dir, const char *fold_file, eval_dataset *ds);

void eval_dataset_free(eval_dataset *ds);

/* Keeps the first `limit` images (limit <= 0: all). */
void eval_dataset_limit(eval_dataset *ds, int limit);
/* Keeps a random subset of `n` images chosen by `seed` (same seed, same subset, in file order). */
void eval_dataset_subset(eval_dataset *ds, int n, unsigned long long seed);

/* Helpers the readers share (eval-dataset.c). */
eval_image *eval__dataset_add_image(eval_dataset *ds, const char *dir, const char *name,
                                    const char *suffix);
eval_face *eval__image_add_face(eval_image *img);
void eval__face_box_from_ellipse(eval_face *f);
/* Distance between the eyes, 0 when they are not both annotated. */
float eval_face_iod(const eval_face *f);
/* Total faces, and faces flagged ignore by the annotation. */
void eval_dataset_count(const eval_dataset *ds, int *faces, int *flagged);
