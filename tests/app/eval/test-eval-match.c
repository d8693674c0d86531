/* test-eval-match.c - the matching rules (Caltech points, box IoU, FDDB ellipse), the greedy
 * one-to-one matching, and the ignore rules, on hand-made faces and boxes. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "eval-test-det.h"
#include "eval-match.h"
#include "eval-score.h"
#include "mtcnn.h"

/* A Caltech face: eyes at (40,50) and (60,50) (IOD 20), mouth centre (50,75). */
static eval_face caltech_face(float dx, float dy, float scale)
{
    eval_face f;
    memset(&f, 0, sizeof f);
    f.pts[EVAL_LEYE][0] = 50 + dx - 10 * scale;
    f.pts[EVAL_LEYE][1] = 50 + dy;
    f.pts[EVAL_REYE][0] = 50 + dx + 10 * scale;
    f.pts[EVAL_REYE][1] = 50 + dy;
    f.mouth_centre[0] = 50 + dx;
    f.mouth_centre[1] = 50 + dy + 25 * scale;
    f.has_mouth_centre = 1;
    f.pts_mask = EVAL_EYES;
    return f;
}

static const eval_rule caltech_rule = {EVAL_RULE_POINTS, 0, 1.2f, 4.0f};

/* A 46-px box (2.3 IOD) around eyes and mouth matches; one that stops above the mouth, or
 * leaves out an eye, does not. */
static int caltech_box_contains(void)
{
    eval_face f = caltech_face(0, 0, 1);
    double q;
    eval_det hit = eval_test_det(27, 30, 73, 88, 0.9f);
    CHECK(eval_rule_accepts(&caltech_rule, &f, &hit, &q));
    eval_det no_mouth = eval_test_det(27, 30, 73, 70, 0.9f);
    CHECK(!eval_rule_accepts(&caltech_rule, &f, &no_mouth, &q));
    eval_det no_eye = eval_test_det(45, 30, 91, 88, 0.9f);
    CHECK(!eval_rule_accepts(&caltech_rule, &f, &no_eye, &q));
    return 0;
}

/* Width limits: 100 px = 5 IOD is too wide, 22 px = 1.1 IOD too narrow; 25 px (1.25 IOD) and
 * 79 px (3.95 IOD) are inside the range. */
static int caltech_width_range(void)
{
    eval_face f = caltech_face(0, 0, 1);
    double q;
    eval_det wide = eval_test_det(0, 10, 100, 110, 0.9f);
    CHECK(!eval_rule_accepts(&caltech_rule, &f, &wide, &q));
    eval_det narrow = eval_test_det(39, 40, 61, 80, 0.9f);
    CHECK(!eval_rule_accepts(&caltech_rule, &f, &narrow, &q));
    eval_det lo = eval_test_det(37.5f, 40, 62.5f, 80, 0.9f);
    CHECK(eval_rule_accepts(&caltech_rule, &f, &lo, &q));
    eval_det hi = eval_test_det(10, 20, 89, 100, 0.9f);
    CHECK(eval_rule_accepts(&caltech_rule, &f, &hi, &q));
    return 0;
}

/* One image, min face 20: a face with IOD 20 (counted) and one with IOD 6 (6 x 2.2 = 13.2 <
 * 20: ignored). Detections: 0.95 on the big face (hit), 0.9 on the small one (ignored: not a
 * false positive), 0.8 on nothing (false positive), 0.3 on nothing (below the operating
 * point). Expected at 0.7: 1 counted face, recall 1, 1 FP, 1 ignored detection, and the PR
 * curve (1, 1), (1, 1/2), (1, 1/3) with AP 1. */
static int caltech_small_faces_ignored(void)
{
    eval_face faces[2] = {caltech_face(0, 0, 1), caltech_face(150, 0, 0.3f)};
    eval_dataset ds = {0};
    eval_image img = {.path = "x.jpg", .faces = faces, .n_faces = 2};
    ds.images = &img;
    ds.n_images = 1;
    ds.format = EVAL_CALTECH;
    eval_det dets[4] = {eval_test_det(27, 30, 73, 88, 0.95f), eval_test_det(192, 40, 208, 60, 0.9f),
                        eval_test_det(300, 300, 340, 340, 0.8f), eval_test_det(400, 300, 440, 340, 0.3f)};
    eval_image_dets id = {.dets = dets, .n = 4, .ms = 12.0};
    eval_settings s;
    eval_settings_default(EVAL_CALTECH, 20, 0.7f, &s);
    CHECK(!eval_face_ignored(&s, &faces[0]));
    CHECK(eval_face_ignored(&s, &faces[1]));
    eval_result r;
    CHECK_INT_EQ(eval_score(&ds, &id, &s, &r), 0);
    CHECK_INT_EQ(r.n_faces, 2);
    CHECK_INT_EQ(r.n_ignored, 1);
    CHECK_INT_EQ(r.n_counted, 1);
    CHECK_INT_EQ(r.tp_op, 1);
    CHECK_INT_EQ(r.fp_op, 1);
    CHECK_INT_EQ(r.ignored_op, 1);
    CHECK_NEAR(r.recall_op, 1.0, 0);
    CHECK_NEAR(r.fp_per_image, 1.0, 0);
    CHECK_INT_EQ(r.pr.n, 3);
    CHECK_NEAR(r.pr.precision[2], 1.0 / 3.0, 1e-12);
    CHECK_NEAR(r.ap, 1.0, 1e-12);
    CHECK_NEAR(r.width_iod[1], 46.0 / 20.0, 1e-6);
    CHECK_NEAR(r.ms_median, 12.0, 0);
    eval_result_free(&r);
    return 0;
}

/* [0,0,10,10] and [5,0,15,10]: intersection 50, union 150. Disjoint or touching: 0. */
static int iou_values(void)
{
    float a[4] = {0, 0, 10, 10}, b[4] = {5, 0, 15, 10}, c[4] = {10, 0, 20, 10};
    CHECK_NEAR(eval_box_iou(a, b), 1.0 / 3.0, 1e-12);
    CHECK_NEAR(eval_box_iou(a, a), 1.0, 1e-12);
    CHECK_NEAR(eval_box_iou(a, c), 0.0, 0);
    return 0;
}

/* Two faces side by side. Detection 0.9 covers face 0 (IoU 0.82) and touches face 1 (IoU
 * 0.05); 0.8 is a duplicate on face 0 (now taken, and IoU with face 1 too low: FP); 0.7 sits
 * on face 1 (hit); 0.6 overlaps face 1 with IoU 0.43 < 0.5 (FP). */
static int iou_greedy_one_to_one(void)
{
    eval_face faces[2];
    memset(faces, 0, sizeof faces);
    float b0[4] = {0, 0, 100, 100}, b1[4] = {100, 0, 200, 100};
    memcpy(faces[0].box, b0, sizeof b0);
    memcpy(faces[1].box, b1, sizeof b1);
    faces[0].has_box = faces[1].has_box = 1;
    unsigned char ignored[2] = {0, 0}, kind[4];
    int face[4];
    float overlap[4];
    eval_det dets[4] = {eval_test_det(10, 0, 110, 100, 0.9f), eval_test_det(5, 5, 100, 100, 0.8f),
                        eval_test_det(100, 0, 200, 100, 0.7f), eval_test_det(140, 0, 240, 100, 0.6f)};
    const eval_rule rule = {EVAL_RULE_IOU, 0.5f, 0, 0};
    CHECK_INT_EQ(eval_match(&rule, faces, ignored, 2, dets, 4, kind, face, overlap), 0);
    CHECK_INT_EQ(kind[0], EVAL_TP);
    CHECK_INT_EQ(face[0], 0);
    CHECK_NEAR(overlap[0], 9000.0 / 11000.0, 1e-6);
    CHECK_INT_EQ(kind[1], EVAL_FP);
    CHECK_INT_EQ(kind[2], EVAL_TP);
    CHECK_INT_EQ(face[2], 1);
    CHECK_INT_EQ(kind[3], EVAL_FP);
    /* An ignored face absorbs every detection it accepts, duplicates included. */
    ignored[0] = 1;
    CHECK_INT_EQ(eval_match(&rule, faces, ignored, 2, dets, 4, kind, face, NULL), 0);
    CHECK_INT_EQ(kind[0], EVAL_IGNORED);
    CHECK_INT_EQ(kind[1], EVAL_IGNORED);
    CHECK_INT_EQ(kind[2], EVAL_TP);
    /* Matching needs the detections by descending score. */
    eval_det unsorted[2] = {eval_test_det(0, 0, 10, 10, 0.5f), eval_test_det(0, 0, 10, 10, 0.6f)};
    CHECK_INT_EQ(eval_match(&rule, faces, ignored, 2, unsorted, 2, kind, NULL, NULL),
                 MTCNN_EINVAL);
    return 0;
}

/* The lattice points within a circle of radius^2 = 100.5 around a pixel: 317 (Gauss circle
 * problem, N(10) = 317; no lattice point lies on this circle, so rounding cannot move one in
 * or out). Its bounding box [40, 61) holds 21 x 21 = 441 pixels, so the overlap is
 * 317 / 441. The circle rotated changes nothing; a box far away gives 0; an ellipse with the major axis turned
 * upright (angle pi/2) equals the unrotated ellipse with its radii swapped. */
static int ellipse_overlap(void)
{
    float r = sqrtf(100.5f);
    float circle[5] = {r, r, 0, 50, 50}, box[4] = {40, 40, 61, 61};
    CHECK_NEAR(eval_ellipse_box_overlap(circle, box), 317.0 / 441.0, 1e-12);
    circle[2] = 0.7f;
    CHECK_NEAR(eval_ellipse_box_overlap(circle, box), 317.0 / 441.0, 1e-12);
    float far[4] = {200, 200, 220, 220};
    CHECK_NEAR(eval_ellipse_box_overlap(circle, far), 0.0, 0);
    float upright[5] = {30, 15, 1.57079633f, 100, 100};
    float swapped[5] = {15, 30, 0, 100, 100};
    float det[4] = {85, 75, 117, 131};
    double a = eval_ellipse_box_overlap(upright, det), b = eval_ellipse_box_overlap(swapped, det);
    CHECK(a > 0.5 && a < 1.0);
    CHECK_NEAR(a, b, 0.01);
    /* The ellipse rule uses the overlap. */
    eval_face f;
    memset(&f, 0, sizeof f);
    memcpy(f.ellipse, swapped, sizeof swapped);
    f.has_ellipse = 1;
    eval__face_box_from_ellipse(&f);
    CHECK_NEAR(f.box[0], 85, 1e-4);
    CHECK_NEAR(f.box[3], 130, 1e-4);
    eval_det d = eval_test_det(85, 75, 117, 131, 0.9f);
    const eval_rule rule = {EVAL_RULE_ELLIPSE, 0.5f, 0, 0};
    double q;
    CHECK(eval_rule_accepts(&rule, &f, &d, &q));
    CHECK_NEAR(q, b, 1e-12);
    return 0;
}

/* Box sets ignore faces whose longer side is under min face, and flagged faces. */
static int box_sets_ignore_rules(void)
{
    eval_settings s;
    eval_settings_default(EVAL_WIDER, 20, 0.7f, &s);
    eval_face f;
    memset(&f, 0, sizeof f);
    f.has_box = 1;
    float small[4] = {0, 0, 15, 19}, tall[4] = {0, 0, 15, 20};
    memcpy(f.box, small, sizeof small);
    CHECK(eval_face_ignored(&s, &f));
    memcpy(f.box, tall, sizeof tall);
    CHECK(!eval_face_ignored(&s, &f));
    CHECK_NEAR(eval_face_size(&s, &f), 20.0, 0);
    f.ignore = 1;
    CHECK(eval_face_ignored(&s, &f));
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {{"caltech_box_contains", caltech_box_contains},
                                       {"caltech_width_range", caltech_width_range},
                                       {"caltech_small_faces_ignored", caltech_small_faces_ignored},
                                       {"iou_values", iou_values},
                                       {"iou_greedy_one_to_one", iou_greedy_one_to_one},
                                       {"ellipse_overlap", ellipse_overlap},
                                       {"box_sets_ignore_rules", box_sets_ignore_rules},
                                       {NULL, NULL}};
    return check_main(argc, argv, cases);
}
