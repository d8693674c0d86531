/* test-eval-metrics.c - PR curve, VOC average precision, NME, CED and quantiles on hand-made
 * inputs whose answers are worked out in the comments. */
#include <math.h>

#include "check.h"
#include "eval-metrics.h"

/* Five hits scored 0.9..0.5 and nothing else: precision 1 at every recall, AP = 1. Adding
 * false positives below every hit must not change that. */
static int ap_perfect(void)
{
    eval_scored items[8] = {{0.7f, 1}, {0.9f, 1}, {0.5f, 1}, {0.8f, 1}, {0.6f, 1},
                            {0.2f, 0}, {0.1f, 0}, {0.3f, 0}};
    eval_pr pr;
    CHECK_INT_EQ(eval_pr_build(items, 5, 5, &pr), 0);
    CHECK_INT_EQ(pr.n, 5);
    CHECK_NEAR(pr.recall[4], 1.0, 1e-12);
    CHECK_NEAR(eval_average_precision(&pr), 1.0, 1e-12);
    eval_pr_free(&pr);
    CHECK_INT_EQ(eval_pr_build(items, 8, 5, &pr), 0);
    CHECK_INT_EQ(pr.n, 8);
    CHECK_NEAR(pr.precision[7], 5.0 / 8.0, 1e-12);
    CHECK_NEAR(eval_average_precision(&pr), 1.0, 1e-12);
    eval_pr_free(&pr);
    return 0;
}

/* Scores 0.9 T, 0.8 F, 0.7 T, 0.6 F, 0.5 T with 4 faces (given shuffled):
 *   points (recall, precision) = (1/4, 1), (1/4, 1/2), (2/4, 2/3), (2/4, 2/4), (3/4, 3/5)
 *   AP = 1/4 * 1 + 1/4 * max(2/3, 1/2, 3/5) + 1/4 * 3/5 = 0.25 + 0.1666.. + 0.15. */
static int pr_known_points(void)
{
    eval_scored items[5] = {{0.6f, 0}, {0.9f, 1}, {0.5f, 1}, {0.8f, 0}, {0.7f, 1}};
    eval_pr pr;
    CHECK_INT_EQ(eval_pr_build(items, 5, 4, &pr), 0);
    const double r[5] = {0.25, 0.25, 0.5, 0.5, 0.75};
    const double p[5] = {1.0, 0.5, 2.0 / 3.0, 0.5, 0.6};
    const float s[5] = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f};
    CHECK_INT_EQ(pr.n, 5);
    for (int k = 0; k < 5; k++) {
        CHECK_NEAR(pr.recall[k], r[k], 1e-12);
        CHECK_NEAR(pr.precision[k], p[k], 1e-12);
        CHECK_NEAR(pr.score[k], s[k], 0);
    }
    CHECK_NEAR(eval_average_precision(&pr), 0.25 + 0.25 * 2.0 / 3.0 + 0.25 * 0.6, 1e-12);
    eval_pr_free(&pr);
    return 0;
}

/* The envelope matters: 0.9 F, 0.8 T, 0.7 T with 2 faces gives (0, 0), (1/2, 1/2), (1, 2/3).
 * The recall step to 1/2 is weighted by the best precision at or beyond it (2/3, not 1/2):
 * AP = 1/2 * 2/3 + 1/2 * 2/3 = 2/3. */
static int ap_envelope(void)
{
    eval_scored items[3] = {{0.9f, 0}, {0.8f, 1}, {0.7f, 1}};
    eval_pr pr;
    CHECK_INT_EQ(eval_pr_build(items, 3, 2, &pr), 0);
    CHECK_INT_EQ(pr.n, 3);
    CHECK_NEAR(pr.precision[1], 0.5, 1e-12);
    CHECK_NEAR(eval_average_precision(&pr), 2.0 / 3.0, 1e-12);
    eval_pr_free(&pr);
    return 0;
}

/* Equal scores enter together: one hit and one false positive at 0.5 give a single point
 * (1, 1/2) whichever comes first, so AP = 0.5 in both orders. */
static int pr_ties(void)
{
    eval_scored a[2] = {{0.5f, 1}, {0.5f, 0}}, b[2] = {{0.5f, 0}, {0.5f, 1}};
    eval_pr pa, pb;
    CHECK_INT_EQ(eval_pr_build(a, 2, 1, &pa), 0);
    CHECK_INT_EQ(eval_pr_build(b, 2, 1, &pb), 0);
    CHECK_INT_EQ(pa.n, 1);
    CHECK_INT_EQ(pb.n, 1);
    CHECK_NEAR(pa.precision[0], 0.5, 1e-12);
    CHECK_NEAR(eval_average_precision(&pa), 0.5, 1e-12);
    CHECK_NEAR(eval_average_precision(&pb), 0.5, 1e-12);
    eval_pr_free(&pa);
    eval_pr_free(&pb);
    return 0;
}

/* No detections: an empty curve and AP 0; only false positives: AP 0. */
static int ap_degenerate(void)
{
    eval_pr pr;
    CHECK_INT_EQ(eval_pr_build(NULL, 0, 3, &pr), 0);
    CHECK_INT_EQ(pr.n, 0);
    CHECK_NEAR(eval_average_precision(&pr), 0.0, 0);
    eval_pr_free(&pr);
    eval_scored fp[2] = {{0.9f, 0}, {0.8f, 0}};
    CHECK_INT_EQ(eval_pr_build(fp, 2, 3, &pr), 0);
    CHECK_NEAR(eval_average_precision(&pr), 0.0, 0);
    eval_pr_free(&pr);
    return 0;
}

/* Ground truth with eyes 10 px apart; the prediction misses the left eye by (3, 4) = 5 px
 * (0.5 IOD) and the right mouth corner by (0, 2) = 0.2 IOD. Over 5 points NME = 0.7 / 5 =
 * 0.14; over the eyes only 0.5 / 2 = 0.25. */
static int nme_hand(void)
{
    float gt[EVAL_NPTS][2] = {{10, 20}, {20, 20}, {15, 25}, {11, 30}, {19, 30}};
    float pred[EVAL_NPTS][2] = {{13, 24}, {20, 20}, {15, 25}, {11, 30}, {19, 32}};
    double per[EVAL_NPTS] = {0};
    CHECK_NEAR(eval_nme(pred, gt, 0x1f, 10.0, per), 0.14, 1e-9);
    CHECK_NEAR(per[EVAL_LEYE], 0.5, 1e-9);
    CHECK_NEAR(per[EVAL_REYE], 0.0, 1e-9);
    CHECK_NEAR(per[EVAL_RMOUTH], 0.2, 1e-9);
    CHECK_NEAR(eval_nme(pred, gt, 0x3, 10.0, NULL), 0.25, 1e-9);
    CHECK(eval_nme(pred, gt, 0, 10.0, NULL) < 0);
    CHECK(eval_nme(pred, gt, 0x1f, 0.0, NULL) < 0);
    return 0;
}

/* Errors 0.02 0.05 0.08 0.12 0.30: CED(0.05) = 2/5, CED(0.1) = 3/5, failure rate at 0.1 =
 * 2/5, area up to 0.1 = ((0.1-0.02) + (0.1-0.05) + (0.1-0.08)) / (5 * 0.1) = 0.3. */
static int ced_hand(void)
{
    double e[5] = {0.02, 0.05, 0.08, 0.12, 0.30};
    CHECK_NEAR(eval_ced_at(e, 5, 0.05), 0.4, 1e-12);
    CHECK_NEAR(eval_ced_at(e, 5, 0.1), 0.6, 1e-12);
    CHECK_NEAR(eval_ced_at(e, 5, 0.0), 0.0, 1e-12);
    CHECK_NEAR(eval_ced_at(e, 5, 1.0), 1.0, 1e-12);
    CHECK_NEAR(eval_failure_rate(e, 5, 0.1), 0.4, 1e-12);
    CHECK_NEAR(eval_ced_auc(e, 5, 0.1), 0.3, 1e-12);
    CHECK_NEAR(eval_ced_at(NULL, 0, 0.1), 0.0, 0);
    return 0;
}

static int quantiles(void)
{
    double a[3] = {5, 1, 3}, b[4] = {4, 1, 3, 2}, c[4] = {4, 1, 3, 2};
    CHECK_NEAR(eval_quantile(a, 3, 0.5), 3.0, 0);
    CHECK_NEAR(eval_quantile(b, 4, 0.5), 2.5, 1e-12);
    CHECK_NEAR(eval_quantile(c, 4, 0.9), 3.7, 1e-12);
    CHECK_NEAR(eval_quantile(NULL, 0, 0.5), 0.0, 0);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"ap_perfect", ap_perfect}, {"pr_known_points", pr_known_points},
        {"ap_envelope", ap_envelope}, {"pr_ties", pr_ties},       {"ap_degenerate", ap_degenerate},
        {"nme_hand", nme_hand},     {"ced_hand", ced_hand},
        {"quantiles", quantiles},   {NULL, NULL}};
    return check_main(argc, argv, cases);
}
