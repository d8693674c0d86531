/* eval-metrics.c - PR curve, VOC AP, NME and CED (see eval-metrics.h). */
#include "eval-metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static int by_score_desc(const void *a, const void *b)
{
    float sa = ((const eval_scored *)a)->score, sb = ((const eval_scored *)b)->score;
    return (sa < sb) - (sa > sb);
}

int eval_pr_build(eval_scored *items, size_t n, long n_pos, eval_pr *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return 0;
    qsort(items, n, sizeof *items, by_score_desc);
    out->recall = malloc(n * sizeof *out->recall);
    out->precision = malloc(n * sizeof *out->precision);
    out->score = malloc(n * sizeof *out->score);
    if (!out->recall || !out->precision || !out->score) {
        eval_pr_free(out);
        return mtcam_set_error(MTCNN_ENOMEM, "PR curve: out of memory");
    }
    long tp = 0, seen = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        tp += items[i].tp != 0;
        seen++;
        if (i + 1 < n && items[i + 1].score == items[i].score)
            continue; /* a tie: one point after the whole group */
        out->recall[k] = n_pos > 0 ? (double)tp / (double)n_pos : 0.0;
        out->precision[k] = (double)tp / (double)seen;
        out->score[k] = items[i].score;
        k++;
    }
    out->n = k;
    return 0;
}

void eval_pr_free(eval_pr *pr)
{
    free(pr->recall);
    free(pr->precision);
    free(pr->score);
    memset(pr, 0, sizeof *pr);
}

double eval_average_precision(const eval_pr *pr)
{
    /* Walk from the right keeping the running maximum of precision; each recall step is
     * weighted by the best precision reachable at or beyond it. */
    double ap = 0.0, best = 0.0;
    for (size_t k = pr->n; k-- > 0;) {
        best = fmax(best, pr->precision[k]);
        double prev_recall = k > 0 ? pr->recall[k - 1] : 0.0;
        ap += (pr->recall[k] - prev_recall) * best;
    }
    return ap;
}

double eval_nme(const float pred[EVAL_NPTS][2], const float gt[EVAL_NPTS][2], unsigned mask,
                double iod, double per_point[EVAL_NPTS])
{
    if (iod <= 0)
        return -1.0;
    double sum = 0.0;
    int n = 0;
    for (int i = 0; i < EVAL_NPTS; i++) {
        if (!(mask & (1u << i)))
            continue;
        double e = hypot((double)pred[i][0] - gt[i][0], (double)pred[i][1] - gt[i][1]) / iod;
        if (per_point)
            per_point[i] = e;
        sum += e;
        n++;
    }
    return n ? sum / n : -1.0;
}

double eval_ced_at(const double *sorted, size_t n, double x)
{
    if (n == 0)
        return 0.0;
    /* Upper bound: the first index with a value > x. */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (double)lo / (double)n;
}

double eval_failure_rate(const double *sorted, size_t n, double limit)
{
    return n ? 1.0 - eval_ced_at(sorted, n, limit) : 0.0;
}

double eval_ced_auc(const double *sorted, size_t n, double limit)
{
    /* The integral of the step function F(x) = #(e <= x)/n from 0 to limit is
     * sum over errors of (limit - e)+ / n. */
    if (n == 0 || limit <= 0)
        return 0.0;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += fmax(0.0, limit - fmax(0.0, sorted[i]));
    return sum / ((double)n * limit);
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void eval_sort_doubles(double *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof *v, dbl_cmp);
}

double eval_quantile(double *v, size_t n, double q)
{
    if (n == 0)
        return 0.0;
    eval_sort_doubles(v, n);
    double pos = q * (double)(n - 1);
    size_t i = (size_t)pos;
    if (i + 1 >= n)
        return v[n - 1];
    double f = pos - (double)i;
    return v[i] * (1.0 - f) + v[i + 1] * f;
}
