/* eval-fddb.h - FDDB's official evaluation (Jain & Learned-Miller, UM-CS-2010-009).
 *
 * Per image, every detection box is compared with every annotated ellipse by the region
 * overlap |E n B| / |E u B| (eval_ellipse_box_overlap), and detections are paired with
 * ellipses by a maximum-weight bipartite matching (Hungarian algorithm) of those overlaps.
 * A matched pair scores 1 in the discrete score when its overlap is > 0.5, and its overlap in
 * the continuous score. Every detection that is not a discrete hit is a false positive (in
 * both curves, as FDDB's program counts them). The matching is redone for each score
 * threshold with only the detections at or above it, as FDDB's program does. The ROC gives,
 * per distinct score, the true positive rate (hits, or summed overlaps, over all annotated
 * faces) against the total number of false positives. No face is ignored.
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include "eval-dataset.h"
#include "eval-score.h"

/* Maximum-weight matching of a rows x cols matrix w (row-major, weights >= 0; rectangular is
 * fine): row_to_col[i] is the column matched to row i, or -1. Pairs of weight 0 are left
 * unmatched. O(n^2 m). Returns 0 or MTCNN_ENOMEM / MTCNN_EINVAL. */
int eval_hungarian_max(const double *w, int rows, int cols, int *row_to_col);

/* The ROC, one point per distinct detection score, by descending score. */
typedef struct eval_fddb_roc {
    size_t n;
    float *score;      /* the point counts detections with score >= score[k] */
    long *fp;          /* false positives */
    double *tp_disc;   /* discrete true positives (count) */
    double *tp_cont;   /* continuous true positives (sum of overlaps) */
    long n_faces;      /* all annotated faces: the TPR denominator */
} eval_fddb_roc;

/* Builds the ROC of `dets` (ds->n_images entries, each sorted by descending score). */
int eval_fddb_roc_build(const eval_dataset *ds, const eval_image_dets *dets, eval_fddb_roc *out);
void eval_fddb_roc_free(eval_fddb_roc *roc);

/* TPR (discrete, or continuous when `continuous`) at `max_fp` false positives: the highest
 * TPR of the points with fp <= max_fp (0 when there is none). */
double eval_fddb_tpr_at(const eval_fddb_roc *roc, long max_fp, int continuous);

/* The figures in the report formats: a text block and a JSON member ("fddb_official": {...},
 * written without a leading or trailing comma). */
void eval_fddb_text(FILE *out, const char *label, const eval_fddb_roc *roc);
void eval_fddb_json(FILE *out, const eval_fddb_roc *roc);
