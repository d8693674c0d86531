/* eval-score.h - turns one model's detections on a data set into the figures of the report:
 * recall and false positives at the operating threshold, the PR curve and AP (overall and by
 * face size), landmark errors, and timing. */
#pragma once

#include "eval-dataset.h"
#include "eval-match.h"
#include "eval-metrics.h"

/* One image's detections (sorted by descending score) and the time the detector took. */
typedef struct eval_image_dets {
    eval_det *dets;
    int n;
    double ms;
} eval_image_dets;

#define EVAL_MAX_BUCKETS 6

typedef struct eval_settings {
    eval_rule rule;
    float min_face;     /* the detector's min face: smaller faces are ignored */
    float threshold;    /* operating point: a detection counts when score > threshold */
    int size_by_iod;    /* measure face size by inter-ocular distance (point-only sets) */
    float width_per_iod; /* typical detector box width / IOD: converts min_face to an IOD */
    int n_buckets;
    float bucket_edges[EVAL_MAX_BUCKETS + 1]; /* ascending; the last may be INFINITY */
    unsigned landmark_mask; /* which of the 5 points the set lets us compare */
    /* Faces smaller than this (same size measure) are also scored as one more range,
     * "small faces", across the bucket edges (Caltech: IOD < 15 px, where retrained MTCNNs
     * lose most); 0 = none. */
    float small_below;
} eval_settings;

/* The settings the data set's format calls for (rule, size measure, buckets, points). */
void eval_settings_default(eval_format format, float min_face, float threshold,
                           eval_settings *s);

typedef struct eval_bucket {
    float lo, hi;
    int n_faces; /* counted faces in this size range */
    int tp_op;   /* found at the operating point */
    double recall_op, ap;
    eval_pr pr;
    /* Mean signed error of the two eyes of the hits, in PIXELS (x, y): an offset that stays
     * the same across sizes is a pixel convention, one that grows with the face is not.
     * NaN without compared eyes. */
    int n_eyes;
    double eye_offset_px[2];
} eval_bucket;

typedef struct eval_result {
    int n_images;
    int n_faces;        /* all annotated faces */
    int n_ignored;      /* flagged by the annotation or smaller than min face */
    int n_counted;      /* n_faces - n_ignored: the recall denominator */
    long n_dets;        /* all detections kept by the low-threshold run */
    int tp_op, fp_op, ignored_op; /* at the operating point */
    double recall_op, precision_op, fp_per_image;
    double ap;
    eval_pr pr;
    double mean_overlap_op; /* mean rule quality of the hits (IoU / FDDB region overlap) */
    double continuous_op;   /* FDDB continuous score: sum of hit overlaps / counted faces */
    double width_iod[3];    /* hit box width / annotated IOD: 5th, 50th, 95th percentile
                               (how the detector's boxes scale with the eyes; NaN without eyes) */
    int n_buckets;
    eval_bucket buckets[EVAL_MAX_BUCKETS];
    int has_small;      /* settings.small_below > 0: small holds faces below it */
    eval_bucket small;  /* lo = 0, hi = small_below; eye offsets not computed (NaN) */
    /* landmarks: faces hit at the operating point whose points can be compared */
    unsigned landmark_mask;
    int n_lm;
    double nme_point[EVAL_NPTS]; /* mean per point (NaN when not compared) */
    double nme_mean;             /* mean of the per-face NME */
    double offset_point[EVAL_NPTS][2]; /* mean signed (x, y) error / IOD per point: the part of
                                          the error every face shares, e.g. an annotation
                                          convention (NaN when not compared) */
    double failure_010, auc_010; /* failure rate (NME > 0.1) and CED area up to 0.1 */
    double *nme_sorted;          /* per-face NME, ascending (the CED) */
    /* speed */
    double ms_median, ms_mean, ms_p90;
} eval_result;

/* Is face f ignored for the whole evaluation (flag, or too small)? */
int eval_face_ignored(const eval_settings *s, const eval_face *f);
/* The face size the buckets use: IOD (size_by_iod) or the longer side of the box. */
double eval_face_size(const eval_settings *s, const eval_face *f);
/* The same measure estimated for a detection (IOD from its eye points when it has them). */
double eval_det_size(const eval_settings *s, const eval_det *d);

int eval_score(const eval_dataset *ds, const eval_image_dets *dets, const eval_settings *s,
               eval_result *out);
void eval_result_free(eval_result *r);
