/* eval-match.h - which detection found which annotated face.
 *
 * One image at a time, one to one, greedy by score (detections must come sorted by
 * descending score): each detection takes the best still-free counted face its rule accepts
 * (TP); failing that, if the rule accepts an ignored face it is IGNORED (neither a hit nor a
 * false positive; ignored faces absorb any number of detections); otherwise it is a false
 * positive (FP), duplicates of an already-taken face included. Because the matching is greedy
 * in score order, the matching of the detections above any threshold is the same as if only
 * those detections had been produced: one matching serves the whole PR curve.
 */
#pragma once

#include "eval-dataset.h"

typedef struct eval_det {
    float box[4]; /* x0, y0, x1, y1 (edges, see eval-dataset.h) */
    float score;
    float pts[EVAL_NPTS][2];
    int has_pts;
} eval_det;

typedef enum eval_rule_kind {
    EVAL_RULE_IOU,     /* box IoU >= min_overlap (dlib, MTFL, WIDER) */
    EVAL_RULE_POINTS,  /* box contains both eyes and the mouth centre, width within
                          [width_min, width_max] x inter-ocular distance (Caltech) */
    EVAL_RULE_ELLIPSE  /* FDDB: region overlap of box and ellipse >= min_overlap */
} eval_rule_kind;

typedef struct eval_rule {
    eval_rule_kind kind;
    float min_overlap;
    float width_min, width_max; /* in inter-ocular distances */
} eval_rule;

enum { EVAL_FP = 0, EVAL_TP = 1, EVAL_IGNORED = 2 };

/* IoU of two edge boxes (0 when either is empty). */
double eval_box_iou(const float a[4], const float b[4]);
/* FDDB's overlap of an ellipse face and a box: |E n B| / |E u B| counted on the pixel grid
 * (pixel (i, j) is in the ellipse when its index point is, in the box when x0 <= i < x1). */
double eval_ellipse_box_overlap(const float ellipse[5], const float box[4]);

/* Does `rule` let `det` match `face`? *quality orders the candidates (higher is better): the
 * overlap for the box rules, minus the normalised centre distance for the points rule. */
int eval_rule_accepts(const eval_rule *rule, const eval_face *face, const eval_det *det,
                      double *quality);

/* Matches `dets` (sorted by descending score) to `faces`. `ignored[j]` non-zero marks face j
 * as ignored (annotation flag, too small, outside a size bucket...). Outputs per detection:
 * kind[i] (EVAL_TP/FP/IGNORED), face[i] (matched face or -1), overlap[i] (the rule's quality;
 * for box rules the IoU, used by FDDB's continuous score). face/overlap may be NULL.
 * Returns 0 or MTCNN_ENOMEM / MTCNN_EINVAL (detections not sorted). */
int eval_match(const eval_rule *rule, const eval_face *faces, const unsigned char *ignored,
               int n_faces, const eval_det *dets, int n_dets, unsigned char *kind, int *face,
               float *overlap);
