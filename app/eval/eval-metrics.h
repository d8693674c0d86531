/* eval-metrics.h - the numbers: precision-recall curve, average precision, landmark error,
 * cumulative error distribution, medians. Pure functions on plain arrays. */
#pragma once

#include <stddef.h>

#include "eval-dataset.h"

/* One scored outcome: a detection that is a hit (tp = 1) or a false positive (tp = 0).
 * Ignored detections are left out before building the curve. */
typedef struct eval_scored {
    float score;
    unsigned char tp;
} eval_scored;

/* A precision-recall curve: one point per distinct score, by descending score (detections
 * with equal scores enter together, so the curve does not depend on their order). */
typedef struct eval_pr {
    size_t n;
    double *recall, *precision;
    float *score; /* the threshold: the point counts detections with score >= score[k] */
} eval_pr;

/* Sorts `items` by descending score and builds the curve against `n_pos` counted faces.
 * n_pos = 0 gives recall 0 everywhere. Returns 0 or MTCNN_ENOMEM. */
int eval_pr_build(eval_scored *items, size_t n, long n_pos, eval_pr *out);
void eval_pr_free(eval_pr *pr);

/* PASCAL VOC (2010 onwards) all-point interpolated average precision: precision is replaced
 * by its running maximum from the right (the best precision at this or any higher recall) and
 * integrated over recall, as a step function from recall 0 to the last point. */
double eval_average_precision(const eval_pr *pr);

/* Normalised mean error of one face: the mean over the points set in `mask` of
 * |pred - gt| / iod. Per-point errors (normalised) go to per_point[i] for those points (may be
 * NULL). Returns -1 when mask is empty or iod <= 0. */
double eval_nme(const float pred[EVAL_NPTS][2], const float gt[EVAL_NPTS][2], unsigned mask,
                double iod, double per_point[EVAL_NPTS]);

/* Cumulative error distribution of `n` errors: fraction of errors <= x. `sorted` must be
 * ascending. */
double eval_ced_at(const double *sorted, size_t n, double x);
/* Fraction of errors > limit (the failure rate at `limit`). */
double eval_failure_rate(const double *sorted, size_t n, double limit);
/* Area under the CED from 0 to limit, divided by limit (1 = every error is 0). */
double eval_ced_auc(const double *sorted, size_t n, double limit);

/* Median and a quantile (linear interpolation) of v; v is sorted in place. 0 when n = 0. */
double eval_quantile(double *v, size_t n, double q);
void eval_sort_doubles(double *v, size_t n);
