/* Sample geometry: IoU and kinds on hand cases, targets, the flip of landmarks, the face box
 * rule, cutting from an image, mining with the engine, and the sample file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "image-file.h"
#include "samples.h"

static int test_iou_rules(void)
{
    const float a[4] = {0, 0, 9, 9};
    const float same[4] = {0, 0, 9, 9}, half[4] = {5, 0, 14, 9}, apart[4] = {10, 0, 19, 9};
    const float inside[4] = {0, 0, 4, 9}; /* half of a, wholly inside it */
    CHECK_NEAR(mtt_iou(a, same), 1.0, 1e-6);
    CHECK_NEAR(mtt_iou(a, half), 50.0 / 150.0, 1e-6);
    CHECK_NEAR(mtt_iou(a, apart), 0.0, 0);
    CHECK_NEAR(mtt_iou(a, inside), 0.5, 1e-6);
    /* The paper's thresholds: < 0.3 negative, 0.4..0.65 part, > 0.65 positive. */
    CHECK_INT_EQ(mtt_kind_for_iou(0.0f), MTT_NEG);
    CHECK_INT_EQ(mtt_kind_for_iou(0.29f), MTT_NEG);
    CHECK_INT_EQ(mtt_kind_for_iou(0.3f), -1);
    CHECK_INT_EQ(mtt_kind_for_iou(0.39f), -1);
    CHECK_INT_EQ(mtt_kind_for_iou(0.4f), MTT_PART);
    CHECK_INT_EQ(mtt_kind_for_iou(0.65f), MTT_PART);
    CHECK_INT_EQ(mtt_kind_for_iou(0.66f), MTT_POS);
    CHECK_INT_EQ(mtt_kind_for_iou(1.0f), MTT_POS);
    return 0;
}

static int test_targets(void)
{
    /* Crop of side 20 at (10, 10); the face 2 right, 4 down, same size. */
    const float crop[4] = {10, 10, 29, 29}, gt[4] = {12, 14, 31, 33};
    float d[4];
    mtt_box_target(crop, gt, d);
    CHECK_NEAR(d[0], 0.1, 1e-6);
    CHECK_NEAR(d[1], 0.2, 1e-6);
    CHECK_NEAR(d[2], 0.1, 1e-6);
    CHECK_NEAR(d[3], 0.2, 1e-6);
    /* The engine's bbreg (x1 += dx1 * w with w the crop side) gives the face back. */
    CHECK_NEAR(crop[0] + d[0] * 20, gt[0], 1e-5);
    CHECK_NEAR(crop[2] + d[2] * 20, gt[2], 1e-5);
    const float lm[10] = {15, 25, 20, 16, 24, 18, 18, 22, 26, 26};
    float t[10];
    mtt_lm_target(crop, lm, t);
    CHECK_NEAR(t[0], 0.25, 1e-6);
    CHECK_NEAR(t[4], 0.7, 1e-6);
    CHECK_NEAR(t[5], 0.4, 1e-6);
    CHECK_NEAR(t[9], 0.8, 1e-6);
    return 0;
}

/* A sample whose pixels mark the landmarks: flipping must move both together. */
static int test_flip(void)
{
    mtt_sample_set s;
    mtt_samples_init(&s, 12);
    uint8_t pix[12 * 12 * 3];
    memset(pix, 0, sizeof pix);
    /* Left eye at pixel (3, 4), right eye (8, 4), nose (6, 6), mouth corners (4, 9), (7, 9):
     * the crop is 12 source pixels wide, so target = pixel / 12. Each point has its own
     * red value. */
    const int px[5] = {3, 8, 6, 4, 7}, py[5] = {4, 4, 6, 9, 9};
    float lm[10];
    for (int p = 0; p < 5; p++) {
        pix[(py[p] * 12 + px[p]) * 3] = (uint8_t)(50 * (p + 1));
        lm[p] = px[p] / 12.0f;
        lm[5 + p] = py[p] / 12.0f;
    }
    const float box[4] = {0.1f, 0.05f, -0.2f, 0.0f};
    CHECK_INT_EQ(mtt_samples_add(&s, MTT_POS, 12.0f, box, NULL, pix), 0);
    CHECK_INT_EQ(mtt_samples_add(&s, MTT_LMK, 12.0f, NULL, lm, pix), 0);
    float in[3 * 144], in_f[3 * 144];
    mtt_target t, tf;
    mtt_augment flip = {1, 0, 1, 0};
    mtt_sample_input(&s, 1, NULL, in, &t);
    mtt_sample_input(&s, 1, &flip, in_f, &tf);
    CHECK_INT_EQ(tf.label, -1);
    CHECK(tf.has_lm && !tf.has_box);
    /* Mirrored pixels. */
    for (int y = 0; y < 12; y++)
        for (int x = 0; x < 12; x++)
            CHECK(in_f[y * 12 + x] == in[y * 12 + 11 - x]);
    /* Each flipped landmark sits on the marker of its (swapped) point. */
    for (int p = 0; p < 5; p++) {
        const int x = (int)lrintf(tf.lm[p] * 12), y = (int)lrintf(tf.lm[5 + p] * 12);
        CHECK(x >= 0 && x < 12 && y >= 0 && y < 12);
        const float v = in_f[y * 12 + x];
        static const int swapped[5] = {1, 0, 2, 4, 3};
        const float want = (50.0f * (swapped[p] + 1) - 127.5f) * 0.0078125f;
        CHECK_MSG(fabsf(v - want) < 1e-6f, "point %d at (%d,%d) reads %g", p, x, y, v);
    }
    /* Left stays left: the flipped left eye has the smaller x. */
    CHECK(tf.lm[0] < tf.lm[1]);
    CHECK(tf.lm[3] < tf.lm[4]);
    /* Box offsets: left <- minus right. */
    mtt_sample_input(&s, 0, &flip, in_f, &tf);
    CHECK_INT_EQ(tf.label, 1);
    CHECK_NEAR(tf.box[0], 0.2, 1e-6);
    CHECK_NEAR(tf.box[2], -0.1, 1e-6);
    CHECK_NEAR(tf.box[1], 0.05, 1e-6);
    mtt_samples_free(&s);
    return 0;
}

static int test_box_rule(void)
{
    /* IOD 20, eye-to-mouth 20: side 1.23 * 40 = 49.2, centre 0.21 of the way to the mouth. */
    const float le[2] = {40, 50}, re[2] = {60, 50}, mo[2] = {50, 70};
    float b[4];
    mtt_face_box_from_points(le, re, mo, b);
    CHECK_NEAR(b[2] - b[0] + 1, 49.2, 1e-4);
    CHECK_NEAR(b[3] - b[1] + 1, 49.2, 1e-4);
    CHECK_NEAR((b[0] + b[2]) / 2, 50.0, 1e-4);
    CHECK_NEAR((b[1] + b[3]) / 2, 54.2, 1e-4);
    /* The evaluation rule's bounds hold: eyes and mouth inside, width 1.2..4 x IOD. */
    CHECK(b[0] < le[0] && b[2] > re[0] && b[1] < le[1] && b[3] > mo[1]);
    /* Mouth centre from the corners: mid-point moved 6.3% further from the eyes. */
    const float lc[2] = {45, 70}, rc[2] = {55, 70};
    float m[2];
    mtt_mouth_centre(le, re, lc, rc, m);
    CHECK_NEAR(m[0], 50, 1e-5);
    CHECK_NEAR(m[1], 70 + 0.063 * 20, 1e-4);
    return 0;
}

/* The IoU of a stored crop with the face its box target encodes. */
static float stored_iou(const mtt_sample_set *s, size_t i)
{
    const float side = s->crop_side[i], *d = s->box + i * 4;
    const float crop[4] = {0, 0, side - 1, side - 1};
    const float face[4] = {d[0] * side, d[1] * side, side - 1 + d[2] * side,
                           side - 1 + d[3] * side};
    return mtt_iou(crop, face);
}

static int test_cut(void)
{
    enum { W = 160, H = 120 };
    uint8_t *rgb = malloc(W * H * 3);
    CHECK(rgb);
    for (int i = 0; i < W * H * 3; i++)
        rgb[i] = (uint8_t)(i * 7 % 251);
    const mtcnn_image img = {rgb, W, H, W * 3, MTCNN_PIXEL_RGB24};
    mtt_face faces[2] = {{{30, 20, 69, 59}, 1, {40, 60, 50, 42, 58, 35, 35, 45, 52, 52}},
                         {{100, 50, 139, 89}, 0, {0}}};
    mtt_sample_set s;
    mtt_samples_init(&s, 24);
    mtt_rng r;
    mtt_rng_seed(&r, 3);
    const mtt_cut_counts c = {20, 3, 5, 5, 4, 12, 0.12f};
    CHECK_INT_EQ(mtt_cut_samples(&s, &img, faces, 2, &c, &r), 0);
    size_t n[MTT_KINDS];
    mtt_samples_count(&s, n);
    fprintf(stderr, "neg %zu pos %zu part %zu lmk %zu\n", n[0], n[1], n[2], n[3]);
    CHECK(n[MTT_NEG] >= 20 && n[MTT_POS] >= 5 && n[MTT_PART] >= 5);
    CHECK_INT_EQ(n[MTT_LMK], 4);
    for (size_t i = 0; i < s.n; i++) {
        if (s.kind[i] == MTT_POS)
            CHECK_MSG(stored_iou(&s, i) > 0.65f, "positive %zu IoU %g", i, stored_iou(&s, i));
        if (s.kind[i] == MTT_PART) {
            const float v = stored_iou(&s, i);
            CHECK_MSG(v >= 0.4f - 1e-4f && v <= 0.65f + 1e-4f, "part %zu IoU %g", i, v);
        }
        if (s.kind[i] == MTT_LMK) {
            /* Landmarks land inside the crop. */
            for (int j = 0; j < 10; j++)
                CHECK(s.lm[i * 10 + j] > 0 && s.lm[i * 10 + j] < 1);
        }
    }
    /* The same seed cuts the same samples. */
    mtt_sample_set s2;
    mtt_samples_init(&s2, 24);
    mtt_rng_seed(&r, 3);
    CHECK_INT_EQ(mtt_cut_samples(&s2, &img, faces, 2, &c, &r), 0);
    CHECK_INT_EQ(s2.n, s.n);
    CHECK(memcmp(s2.pix, s.pix, s.n * 24 * 24 * 3) == 0);
    mtt_samples_free(&s2);
    mtt_samples_free(&s);
    free(rgb);
    return 0;
}

/* Runs fn on the shipped model with Eileen Collins' portrait, and on the original weights with
 * ipazc_ivan.jpg when ../shared is there. */
static int every_subject(int (*fn)(const char *, const char *))
{
    int rc = fn(MTCAM_SAMPLES_SOURCE_DIR "/models/mtcam.mtcnn",
                MTCAM_SAMPLES_SOURCE_DIR "/assets/demo/eileen-collins.jpg");
    const char *model_path = check_model_path();
    const char *photo = check_shared_path("data/peer-tests/ipazc_ivan.jpg");
    if (rc || !model_path || !photo) {
        if (!rc)
            fprintf(stderr, "note: no original weights or ../shared: the shipped model only\n");
        return rc;
    }
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", photo);
    return fn(model_path, copy);
}

/* Mining on a real photo with a model: the face is where the full cascade
 * finds it; P-Net's proposals around it must give positives and part faces whose stored
 * targets have the right IoU, and the rest hard negatives, at most max_neg of them. */
static int mine_on(const char *model_path, const char *photo)
{
    fprintf(stderr, "-- %s on %s\n", model_path, photo);
    mtcam_frame fr = {0};
    CHECK_INT_EQ(capture_image_load(photo, &fr), 0);
    const mtcnn_image img = {fr.data, fr.width, fr.height, fr.stride, MTCNN_PIXEL_RGB24};
    mtcnn_model *m = NULL;
    CHECK_INT_EQ(mtcnn_model_load(model_path, &m), 0);
    mtcnn_options o;
    mtcnn_options_default(&o);
    mtcnn_detector *full = NULL, *d = NULL;
    CHECK_INT_EQ(mtcnn_detector_create(m, &o, &full), 0);
    const mtcnn_face *found;
    int nf;
    CHECK_INT_EQ(mtcnn_detect(full, &img, &found, &nf), 0);
    CHECK(nf >= 1);
    mtt_face face = {{found[0].box[0], found[0].box[1], found[0].box[2], found[0].box[3]}, 0, {0}};
    o.stages = 1;
    CHECK_INT_EQ(mtcnn_detector_create(m, &o, &d), 0);
    mtt_sample_set s;
    mtt_samples_init(&s, 24);
    mtt_rng r;
    mtt_rng_seed(&r, 1);
    CHECK_INT_EQ(mtt_mine_samples(&s, d, 1, &img, &face, 1, 5, 0, &r), 0);
    const mtcnn_face *boxes;
    int nb;
    CHECK_INT_EQ(mtcnn_detector_stage_boxes(d, 1, &boxes, &nb), 0);
    size_t n[MTT_KINDS];
    mtt_samples_count(&s, n);
    fprintf(stderr, "%d proposals -> neg %zu pos %zu part %zu\n", nb, n[0], n[1], n[2]);
    CHECK(n[MTT_POS] >= 1);
    CHECK_INT_EQ(n[MTT_NEG], 5);
    CHECK(s.n <= (size_t)nb);
    CHECK_INT_EQ(n[MTT_LMK], 0);
    for (size_t i = 0; i < s.n; i++) {
        /* Crop sides are rounded to whole pixels, hence the small slack. */
        if (s.kind[i] == MTT_POS)
            CHECK_MSG(stored_iou(&s, i) > 0.62f, "positive %zu IoU %g", i, stored_iou(&s, i));
        if (s.kind[i] == MTT_PART)
            CHECK(stored_iou(&s, i) > 0.37f && stored_iou(&s, i) < 0.68f);
    }
    mtt_samples_free(&s);
    mtcnn_detector_destroy(d);
    mtcnn_detector_destroy(full);
    mtcnn_model_free(m);
    mtcam_frame_free(&fr);
    return 0;
}

/* Mining O-Net's samples (stage 2) with lm_twins for a face with points: every positive
 * R-Net box comes with a landmark twin, the same crop, whose targets put the points back
 * where they are in the image. Without lm_twins there are none (test_mine). */
static int mine_landmarks_on(const char *model_path, const char *photo)
{
    fprintf(stderr, "-- %s on %s\n", model_path, photo);
    mtcam_frame fr = {0};
    CHECK_INT_EQ(capture_image_load(photo, &fr), 0);
    const mtcnn_image img = {fr.data, fr.width, fr.height, fr.stride, MTCNN_PIXEL_RGB24};
    mtcnn_model *m = NULL;
    CHECK_INT_EQ(mtcnn_model_load(model_path, &m), 0);
    mtcnn_options o;
    mtcnn_options_default(&o);
    mtcnn_detector *full = NULL, *d = NULL;
    CHECK_INT_EQ(mtcnn_detector_create(m, &o, &full), 0);
    const mtcnn_face *found;
    int nf;
    CHECK_INT_EQ(mtcnn_detect(full, &img, &found, &nf), 0);
    CHECK(nf >= 1 && found[0].has_landmarks);
    mtt_face face = {{found[0].box[0], found[0].box[1], found[0].box[2], found[0].box[3]}, 1, {0}};
    for (int p = 0; p < 5; p++) {
        face.lm[p] = found[0].landmarks[p][0];
        face.lm[5 + p] = found[0].landmarks[p][1];
    }
    face.lm[4] = face.lm[9] = NAN; /* a point the annotation lacks stays unknown */
    o.stages = 2;
    CHECK_INT_EQ(mtcnn_detector_create(m, &o, &d), 0);
    mtt_sample_set s;
    mtt_samples_init(&s, 48);
    mtt_rng r;
    mtt_rng_seed(&r, 1);
    CHECK_INT_EQ(mtt_mine_samples(&s, d, 2, &img, &face, 1, 5, 1, &r), 0);
    size_t n[MTT_KINDS];
    mtt_samples_count(&s, n);
    fprintf(stderr, "stage 2: neg %zu pos %zu part %zu lm %zu\n", n[0], n[1], n[2], n[3]);
    CHECK(n[MTT_POS] >= 1);
    CHECK_INT_EQ(n[MTT_LMK], n[MTT_POS]);
    const size_t px = (size_t)48 * 48 * 3;
    for (size_t i = 0; i < s.n; i++) {
        if (s.kind[i] != MTT_LMK)
            continue;
        /* The twin follows its positive: same crop, same pixels. */
        CHECK(i > 0 && s.kind[i - 1] == MTT_POS);
        CHECK(s.crop_side[i] == s.crop_side[i - 1]);
        CHECK(memcmp(s.pix + i * px, s.pix + (i - 1) * px, px) == 0);
        /* The crop's corner from the positive's box target, then the points from the
         * landmark targets: they must land on the face's points. */
        const float side = s.crop_side[i], *b = s.box + (i - 1) * 4, *lm = s.lm + i * 10;
        const float x0 = face.box[0] - b[0] * side, y0 = face.box[1] - b[1] * side;
        for (int p = 0; p < 4; p++) {
            CHECK_MSG(fabsf(x0 + lm[p] * side - face.lm[p]) < 1e-2f, "x%d of %zu", p, i);
            CHECK_MSG(fabsf(y0 + lm[5 + p] * side - face.lm[5 + p]) < 1e-2f, "y%d of %zu", p, i);
        }
        CHECK(isnan(lm[4]) && isnan(lm[9]));
    }
    mtt_samples_free(&s);
    mtcnn_detector_destroy(d);
    mtcnn_detector_destroy(full);
    mtcnn_model_free(m);
    mtcam_frame_free(&fr);
    return 0;
}

static int test_file(void)
{
    mtt_sample_set s, back;
    mtt_samples_init(&s, 48);
    uint8_t pix[48 * 48 * 3];
    for (int i = 0; i < 5; i++) {
        memset(pix, i * 40, sizeof pix);
        const float box[4] = {0.1f * i, 0, 0, -0.1f};
        const float lm[10] = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.1f * i, 0, 0, 0, 0};
        CHECK_INT_EQ(mtt_samples_add(&s, i % MTT_KINDS, 50.0f + i, box, lm, pix), 0);
    }
    char path[] = "/tmp/mtcam-train-samples-XXXXXX";
    const int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK_INT_EQ(mtt_samples_write(path, &s), 0);
    CHECK_INT_EQ(mtt_samples_read(path, &back), 0);
    CHECK_INT_EQ(back.n, 5);
    CHECK_INT_EQ(back.side, 48);
    CHECK(memcmp(back.kind, s.kind, 5) == 0);
    CHECK(memcmp(back.box, s.box, 5 * 4 * sizeof(float)) == 0);
    CHECK(memcmp(back.lm, s.lm, 5 * 10 * sizeof(float)) == 0);
    CHECK(memcmp(back.pix, s.pix, 5 * sizeof pix) == 0);
    CHECK_NEAR(back.crop_side[3], 53, 0);
    mtt_samples_free(&back);
    /* A truncated file is refused with a message naming it. */
    CHECK(truncate(path, 100) == 0);
    CHECK(mtt_samples_read(path, &back) == MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcnn_last_error(), path);
    remove(path);
    CHECK(mtt_samples_read(path, &back) == MTCNN_ENOTFOUND);
    mtt_samples_free(&s);
    return 0;
}

static int test_mine(void)
{
    return every_subject(mine_on);
}
static int test_mine_landmarks(void)
{
    return every_subject(mine_landmarks_on);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {{"iou_rules", test_iou_rules},
                                       {"targets", test_targets},
                                       {"flip", test_flip},
                                       {"box_rule", test_box_rule},
                                       {"cut", test_cut},
                                       {"mine", test_mine},
                                       {"mine_landmarks", test_mine_landmarks},
                                       {"file", test_file},
                                       {NULL, NULL}};
    return check_main(argc, argv, cases);
}
