/* test-eval-fddb.c - FDDB's official evaluation: the Hungarian matching on hand-made matrices
 * (checked against brute force over all assignments), and the discrete and continuous ROC on
 * hand-made images whose answer is worked out below. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "eval-test-det.h"
#include "eval-fddb.h"

static double matched_weight(const double *w, int rows, int cols, const int *m)
{
    double s = 0;
    for (int i = 0; i < rows; i++)
        if (m[i] >= 0)
            s += w[i * cols + m[i]];
    (void)rows;
    return s;
}

/* Greedy by weight takes 0.9 and leaves row 1 with nothing (total 0.9); the optimum pairs
 * 0.8 + 0.7 = 1.5. */
static int hungarian_beats_greedy(void)
{
    const double w[4] = {0.9, 0.8, 0.7, 0.0};
    int m[2];
    CHECK_INT_EQ(eval_hungarian_max(w, 2, 2, m), 0);
    CHECK_INT_EQ(m[0], 1);
    CHECK_INT_EQ(m[1], 0);
    /* 3 x 3: greedy takes 0.95 (row 0, col 0), then 0.3 and 0.1: 1.35; the optimum is
     * 0.9 + 0.9 + 0.6 = 2.4 (0->1, 1->0, 2->2). */
    const double w3[9] = {0.95, 0.9, 0.0, 0.9, 0.3, 0.0, 0.0, 0.1, 0.6};
    int m3[3];
    CHECK_INT_EQ(eval_hungarian_max(w3, 3, 3, m3), 0);
    CHECK_INT_EQ(m3[0], 1);
    CHECK_INT_EQ(m3[1], 0);
    CHECK_INT_EQ(m3[2], 2);
    CHECK_NEAR(matched_weight(w3, 3, 3, m3), 2.4, 1e-12);
    return 0;
}

/* Rectangular matrices both ways, and rows or columns with nothing to match. */
static int hungarian_rectangular(void)
{
    /* 2 x 4: row 0 -> col 3 (0.8), row 1 -> col 0 (0.7); greedy would take 0.9 (0, 0) and
     * then 0.1 for row 1. */
    const double w[8] = {0.9, 0.0, 0.2, 0.8, 0.7, 0.1, 0.0, 0.0};
    int m[4];
    CHECK_INT_EQ(eval_hungarian_max(w, 2, 4, m), 0);
    CHECK_INT_EQ(m[0], 3);
    CHECK_INT_EQ(m[1], 0);
    /* Its transpose (4 x 2): the same pairs seen from the columns. */
    double t[8];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 4; j++)
            t[j * 2 + i] = w[i * 4 + j];
    CHECK_INT_EQ(eval_hungarian_max(t, 4, 2, m), 0);
    CHECK_INT_EQ(m[0], 1);
    CHECK_INT_EQ(m[1], -1);
    CHECK_INT_EQ(m[2], -1);
    CHECK_INT_EQ(m[3], 0);
    /* A row of zeros stays unmatched; an empty matrix matches nothing. */
    const double z[4] = {0.0, 0.0, 0.0, 0.6};
    CHECK_INT_EQ(eval_hungarian_max(z, 2, 2, m), 0);
    CHECK_INT_EQ(m[0], -1);
    CHECK_INT_EQ(m[1], 1);
    CHECK_INT_EQ(eval_hungarian_max(z, 2, 0, m), 0);
    CHECK_INT_EQ(m[0], -1);
    CHECK_INT_EQ(m[1], -1);
    return 0;
}

/* Best total over all one-to-one assignments, by recursion over the rows. */
static double brute_best(const double *w, int rows, int cols, int row, unsigned used)
{
    if (row == rows)
        return 0;
    double best = brute_best(w, rows, cols, row + 1, used); /* row left unmatched */
    for (int j = 0; j < cols; j++) {
        if (used & (1u << j))
            continue;
        double s = w[row * cols + j] + brute_best(w, rows, cols, row + 1, used | (1u << j));
        if (s > best)
            best = s;
    }
    return best;
}

/* Random sparse matrices up to 6 x 6 against brute force: the optimum, and a valid
 * one-to-one assignment. */
static int hungarian_brute_force(void)
{
    unsigned long long seed = 12345;
    for (int trial = 0; trial < 400; trial++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        int rows = 1 + (int)((seed >> 33) % 6), cols = 1 + (int)((seed >> 40) % 6);
        double w[36];
        for (int k = 0; k < rows * cols; k++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned r = (unsigned)(seed >> 33);
            w[k] = r % 3 == 0 ? 0.0 : (double)(r % 1000) / 1000.0;
        }
        int m[6];
        CHECK_INT_EQ(eval_hungarian_max(w, rows, cols, m), 0);
        unsigned used = 0;
        for (int i = 0; i < rows; i++) {
            if (m[i] < 0)
                continue;
            CHECK(m[i] < cols && !(used & (1u << m[i])));
            CHECK(w[i * cols + m[i]] > 0);
            used |= 1u << m[i];
        }
        CHECK_NEAR(matched_weight(w, rows, cols, m), brute_best(w, rows, cols, 0, 0), 1e-9);
    }
    return 0;
}

/* A circle of radius sqrt(100.5) centred on pixel (cx, cy): 317 pixels, all within 10 of the
 * centre (see test-eval-match's ellipse_overlap). */
static eval_face circle(float cx, float cy)
{
    eval_face f;
    memset(&f, 0, sizeof f);
    float r = sqrtf(100.5f);
    float e[5] = {r, r, 0, cx, cy};
    memcpy(f.ellipse, e, sizeof e);
    f.has_ellipse = 1;
    eval__face_box_from_ellipse(&f);
    return f;
}

/* Image A: circles at (50,50) and (150,50); image B: a circle at (50,50). 3 faces.
 *   A 0.9  [40,61)^2 around the first: 21x21 = 441 pixels holding all 317: 317/441 (hit)
 *   A 0.8  the same shifted right by 1: loses the circle's pixel at dx = -10: 316/442;
 *          the first circle is taken by the better 0.9 box: false positive
 *   B 0.8  far from the face: false positive
 *   B 0.7  around B's circle: 317/441 (hit)
 *   A 0.6  [145,156)^2 inside the second circle: 121/317 (matched, < 0.5: continuous only,
 *          and a false positive for the count)
 *   A 0.3  far away: false positive
 * ROC by score (fp; discrete TP; continuous TP):
 *   0.9: 0; 1; o      0.8: 2; 1; o      0.7: 2; 2; 2o      0.6: 3; 2; 2o + s
 *   0.3: 4; 2; 2o + s          with o = 317/441 and s = 121/317. */
static int roc_known(void)
{
    eval_face fa[2] = {circle(50, 50), circle(150, 50)}, fb[1] = {circle(50, 50)};
    eval_image imgs[2] = {{"a.jpg", fa, 2}, {"b.jpg", fb, 1}};
    eval_dataset ds = {.format = EVAL_FDDB, .images = imgs, .n_images = 2, .cap_images = 2};
    eval_det da[4] = {eval_test_det(40, 40, 61, 61, 0.9f), eval_test_det(41, 40, 62, 61, 0.8f),
                      eval_test_det(145, 45, 156, 56, 0.6f), eval_test_det(300, 300, 340, 340, 0.3f)};
    eval_det db[2] = {eval_test_det(200, 200, 240, 240, 0.8f), eval_test_det(40, 40, 61, 61, 0.7f)};
    eval_image_dets dets[2] = {{da, 4, 0}, {db, 2, 0}};
    eval_fddb_roc roc;
    CHECK_INT_EQ(eval_fddb_roc_build(&ds, dets, &roc), 0);
    double o = 317.0 / 441.0, s = 121.0 / 317.0;
    const float score[5] = {0.9f, 0.8f, 0.7f, 0.6f, 0.3f};
    const long fp[5] = {0, 2, 2, 3, 4};
    const double disc[5] = {1, 1, 2, 2, 2}, cont[5] = {o, o, 2 * o, 2 * o + s, 2 * o + s};
    CHECK_INT_EQ(roc.n, 5);
    CHECK_INT_EQ(roc.n_faces, 3);
    for (int k = 0; k < 5 && k < (int)roc.n; k++) {
        CHECK_NEAR(roc.score[k], score[k], 0);
        CHECK_INT_EQ(roc.fp[k], fp[k]);
        CHECK_NEAR(roc.tp_disc[k], disc[k], 0);
        CHECK_NEAR(roc.tp_cont[k], cont[k], 1e-12);
    }
    CHECK_NEAR(eval_fddb_tpr_at(&roc, 0, 0), 1.0 / 3, 1e-12);
    CHECK_NEAR(eval_fddb_tpr_at(&roc, 1, 0), 1.0 / 3, 1e-12);
    CHECK_NEAR(eval_fddb_tpr_at(&roc, 2, 0), 2.0 / 3, 1e-12);
    CHECK_NEAR(eval_fddb_tpr_at(&roc, 1000, 0), 2.0 / 3, 1e-12);
    CHECK_NEAR(eval_fddb_tpr_at(&roc, 2, 1), 2 * o / 3, 1e-12);
    CHECK_NEAR(eval_fddb_tpr_at(&roc, 1000, 1), (2 * o + s) / 3, 1e-12);
    eval_fddb_roc_free(&roc);
    /* Unsorted detections are refused. */
    eval_det bad[2] = {eval_test_det(0, 0, 10, 10, 0.2f), eval_test_det(0, 0, 10, 10, 0.5f)};
    eval_image_dets bad_dets[2] = {{bad, 2, 0}, {NULL, 0, 0}};
    CHECK(eval_fddb_roc_build(&ds, bad_dets, &roc) < 0);
    return 0;
}

/* The matching is redone per threshold and is the best one, not greedy: one face, two boxes
 * that both overlap it; the better (but lower scored) box takes the face once it is in. */
static int roc_rematch(void)
{
    eval_face f[1] = {circle(50, 50)};
    eval_image img = {"c.jpg", f, 1};
    eval_dataset ds = {.format = EVAL_FDDB, .images = &img, .n_images = 1, .cap_images = 1};
    /* 0.9: [45,56)^2 inside: 121/317 (continuous only, a false positive); 0.5: tight 317/441. */
    eval_det d[2] = {eval_test_det(45, 45, 56, 56, 0.9f), eval_test_det(40, 40, 61, 61, 0.5f)};
    eval_image_dets dets = {d, 2, 0};
    eval_fddb_roc roc;
    CHECK_INT_EQ(eval_fddb_roc_build(&ds, &dets, &roc), 0);
    CHECK_INT_EQ(roc.n, 2);
    if (roc.n == 2) {
        CHECK_INT_EQ(roc.fp[0], 1);
        CHECK_NEAR(roc.tp_disc[0], 0, 0);
        CHECK_NEAR(roc.tp_cont[0], 121.0 / 317.0, 1e-12);
        /* With both in, the tight box holds the face: 1 hit, the small box a false positive. */
        CHECK_INT_EQ(roc.fp[1], 1);
        CHECK_NEAR(roc.tp_disc[1], 1, 0);
        CHECK_NEAR(roc.tp_cont[1], 317.0 / 441.0, 1e-12);
    }
    eval_fddb_roc_free(&roc);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {{"hungarian_beats_greedy", hungarian_beats_greedy},
                                       {"hungarian_rectangular", hungarian_rectangular},
                                       {"hungarian_brute_force", hungarian_brute_force},
                                       {"roc_known", roc_known},
                                       {"roc_rematch", roc_rematch},
                                       {NULL, NULL}};
    return check_main(argc, argv, cases);
}
