/* The whole cascade on the peer photos with the original weights, against the reference
 * implementation's results (../shared/data/peer-tests): same face count, boxes and landmarks
 * within 1 px, scores within 1e-3 (these skip without ../shared); plus the API's behaviour
 * around it, on the shipped model with the project's photos and, when ../shared is there, on
 * the original weights with the peer photos too (check_subjects). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check-peer.h"
#include "check.h"
#include "frame.h"
#include "json.h"
#include "mtcnn.h"

static json *vectors;
static mtcnn_model *model;

static int setup(void)
{
    return check_peer_setup(&model, &vectors);
}

/* The cases that need *a* model run once per subject: this runs fn on each in turn. */
static const check_subject *subject;
static int every_subject(int (*fn)(void))
{
    const check_subject *all;
    int n = check_subjects(&all);
    CHECK(n >= 1);
    for (int i = 0; i < n; i++) {
        subject = &all[i];
        model = all[i].model;
        fprintf(stderr, "-- %s\n", subject->name);
        int rc = fn();
        if (rc)
            return rc;
    }
    return 0;
}

/* Runs the detector with default options (swap_rb as given) on an RGB frame. */
static int detect(const mtcam_frame *f, int swap_rb, int stages, const mtcnn_face **faces, int *n,
                  mtcnn_detector **det)
{
    mtcnn_options o;
    mtcnn_options_default(&o);
    o.swap_rb = swap_rb;
    o.stages = stages;
    if (mtcnn_detector_create(model, &o, det) != 0)
        return 1;
    mtcnn_image img = check_rgb_view(f);
    if (mtcnn_detect(*det, &img, faces, n) != 0) {
        fprintf(stderr, "detect: %s\n", mtcnn_last_error());
        return 1;
    }
    return 0;
}

/* Compares every reference entry fed in `order` ("RGB"/"BGR") with the detector's output. */
static int compare_pipeline(const char *order)
{
    int rc = setup();
    if (rc)
        return rc;
    const json *entries = json_get(vectors, "pipeline");
    CHECK(entries);
    int compared = 0;
    for (size_t e = 0; e < entries->count; e++) {
        const json *ref = json_at(entries, e);
        const json *fed = json_get(ref, "channel_order_fed");
        if (!fed || strcmp(fed->string, order) != 0)
            continue;
        const char *name = json_get(ref, "image")->string;
        mtcam_frame f;
        CHECK(check_peer_photo(name, &f) == 0);
        CHECK_INT_EQ(f.width, json_num(json_get(ref, "width")));
        CHECK_INT_EQ(f.height, json_num(json_get(ref, "height")));
        const mtcnn_face *faces;
        int n;
        mtcnn_detector *det = NULL;
        rc = detect(&f, strcmp(order, "BGR") == 0, 3, &faces, &n, &det);
        const json *boxes = json_get(ref, "boxes_x1_y1_x2_y2_score_1based");
        const json *lms = json_get(ref, "landmarks_x1..x5_y1..y5_0based");
        fprintf(stderr, "%s %s: %d faces (reference %zu)\n", name, order, n, boxes->count);
        CHECK_MSG(rc == 0 && n == (int)boxes->count, "%s fed %s: %d faces, reference %zu", name,
                  order, n, boxes->count);
        for (int i = 0; i < n; i++) {
            double rb[5], rl[10];
            CHECK_INT_EQ(json_flatten(json_at(boxes, (size_t)i), rb, 5), 5);
            CHECK_INT_EQ(json_flatten(json_at(lms, (size_t)i), rl, 10), 10);
            /* Both lists are in descending score order. Reference boxes are 1-based. */
            for (int c = 0; c < 4; c++)
                CHECK_NEAR(faces[i].box[c], rb[c] - 1, 1.0);
            CHECK_NEAR(faces[i].score, rb[4], 1e-3);
            CHECK(faces[i].has_landmarks);
            for (int p = 0; p < 5; p++) {
                CHECK_NEAR(faces[i].landmarks[p][0], rl[p], 1.0);
                CHECK_NEAR(faces[i].landmarks[p][1], rl[5 + p], 1.0);
            }
        }
        mtcnn_detector_destroy(det);
        mtcam_frame_free(&f);
        compared++;
    }
    CHECK(compared >= 1);
    return 0;
}

static int test_peer_photos_rgb(void)
{
    return compare_pipeline("RGB");
}
static int test_peer_photos_bgr(void)
{
    return compare_pipeline("BGR");
}

static int test_ipazc_published(void)
{
    /* ipazc/mtcnn's README: ivan.jpg read with cv2.imread (BGR) gives box [277, 90, 48, 63]
     * (int x1, int y1, int w, int h, 1-based), confidence 0.99851983785629272 and keypoints
     * left_eye (291, 117), right_eye (314, 114), nose (303, 131), mouth_left (296, 143),
     * mouth_right (313, 141). */
    int rc = setup();
    if (rc)
        return rc;
    mtcam_frame f;
    CHECK(check_peer_photo("ipazc_ivan.jpg", &f) == 0);
    const mtcnn_face *faces;
    int n;
    mtcnn_detector *det = NULL;
    CHECK(detect(&f, 1, 3, &faces, &n, &det) == 0);
    CHECK_INT_EQ(n, 1);
    const double x1 = faces[0].box[0] + 1, y1 = faces[0].box[1] + 1;
    const double x2 = faces[0].box[2] + 1, y2 = faces[0].box[3] + 1;
    CHECK_INT_EQ((int)x1, 277);
    CHECK_INT_EQ((int)y1, 90);
    CHECK_INT_EQ((int)(x2 - x1), 48);
    CHECK_INT_EQ((int)(y2 - y1), 63);
    CHECK_NEAR(faces[0].score, 0.99851983785629272, 1e-4);
    const int want[5][2] = {{291, 117}, {314, 114}, {303, 131}, {296, 143}, {313, 141}};
    for (int p = 0; p < 5; p++) {
        CHECK_INT_EQ((int)faces[0].landmarks[p][0], want[p][0]);
        CHECK_INT_EQ((int)faces[0].landmarks[p][1], want[p][1]);
    }
    mtcnn_detector_destroy(det);
    mtcam_frame_free(&f);
    return 0;
}

static int run_stages(void)
{
    mtcam_frame f;
    CHECK(check_subject_photo(subject, CHECK_PHOTO_TWO, &f) == 0);
    /* min face 20: 9 scales on 450x344 (test1.jpg), 8 on 512x256 (the pair) */
    const int want_scales = f.height == 344 ? 9 : 8;
    int counts[4] = {0};
    for (int s = 1; s <= 3; s++) {
        const mtcnn_face *faces;
        mtcnn_detector *det = NULL;
        CHECK(detect(&f, 0, s, &faces, &counts[s], &det) == 0);
        const mtcnn_stats *st = mtcnn_detector_stats(det);
        CHECK_INT_EQ(st->n_scales, want_scales);
        CHECK(st->n_pnet_raw >= st->n_pnet);
        CHECK(st->ms_total > 0 && st->ms_pnet > 0);
        CHECK(st->pnet_macs > 1e6);
        const int leaving[4] = {0, st->n_pnet, st->n_rnet, st->n_onet};
        CHECK_INT_EQ(counts[s], leaving[s]);
        for (int i = 0; i < counts[s]; i++)
            CHECK_INT_EQ(faces[i].has_landmarks, s == 3);
        /* Every earlier stage's boxes are kept for display and counted. */
        for (int e = 1; e <= s; e++) {
            const mtcnn_face *b;
            int nb;
            CHECK(mtcnn_detector_stage_boxes(det, e, &b, &nb) == 0);
            CHECK_INT_EQ(nb, leaving[e]);
        }
        mtcnn_detector_destroy(det);
    }
    fprintf(stderr, "faces after stage 1, 2, 3: %d, %d, %d\n", counts[1], counts[2], counts[3]);
    CHECK(counts[1] > counts[2]);
    CHECK(counts[2] >= counts[3]);
    CHECK_INT_EQ(counts[3], 2);
    mtcam_frame_free(&f);
    return 0;
}

/* The same pixels in every supported layout give the same faces. */
static int same_faces(const mtcnn_face *a, int na, const mtcnn_face *b, int nb)
{
    CHECK_INT_EQ(na, nb);
    for (int i = 0; i < na; i++) {
        for (int c = 0; c < 4; c++)
            CHECK_NEAR(a[i].box[c], b[i].box[c], 0);
        CHECK_NEAR(a[i].score, b[i].score, 0);
    }
    return 0;
}

static int run_pixel_formats(void)
{
    int rc = 0;
    mtcam_frame f;
    CHECK(check_subject_photo(subject, CHECK_PHOTO_ONE_B, &f) == 0);
    mtcnn_detector *det;
    CHECK(mtcnn_detector_create(model, NULL, &det) == 0);
    mtcnn_image img = check_rgb_view(&f);
    const mtcnn_face *faces;
    int n;
    CHECK(mtcnn_detect(det, &img, &faces, &n) == 0);
    CHECK_INT_EQ(n, 1);
    mtcnn_face ref = faces[0];
    /* BGR24, RGBA32 and BGRA32 copies. */
    const int w = f.width, h = f.height;
    uint8_t *bgr = malloc((size_t)w * h * 3), *rgba = malloc((size_t)w * h * 4),
            *bgra = malloc((size_t)w * h * 4), *gray = malloc((size_t)w * h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const uint8_t *p = f.data + y * f.stride + x * 3;
            uint8_t *q = bgr + (y * w + x) * 3, *r = rgba + (y * w + x) * 4,
                    *s = bgra + (y * w + x) * 4;
            q[0] = p[2], q[1] = p[1], q[2] = p[0];
            r[0] = p[0], r[1] = p[1], r[2] = p[2], r[3] = 255;
            s[0] = p[2], s[1] = p[1], s[2] = p[0], s[3] = 0;
            gray[y * w + x] = p[1];
        }
    const struct {
        uint8_t *data;
        int bpp;
        mtcnn_pixel_format fmt;
    } forms[] = {
        {bgr, 3, MTCNN_PIXEL_BGR24}, {rgba, 4, MTCNN_PIXEL_RGBA32}, {bgra, 4, MTCNN_PIXEL_BGRA32}};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        mtcnn_image v = {.data = forms[i].data,
                         .width = w,
                         .height = h,
                         .stride = (ptrdiff_t)w * forms[i].bpp,
                         .format = forms[i].fmt};
        CHECK(mtcnn_detect(det, &v, &faces, &n) == 0);
        rc = same_faces(&ref, 1, faces, n);
        if (rc)
            break;
    }
    /* Gray: the face is still found (scores differ, the nets were trained on colour). */
    mtcnn_image g = {
        .data = gray, .width = w, .height = h, .stride = w, .format = MTCNN_PIXEL_GRAY8};
    if (!rc) {
        CHECK(mtcnn_detect(det, &g, &faces, &n) == 0);
        CHECK(n >= 1);
    }
    free(bgr), free(rgba), free(bgra), free(gray);
    mtcnn_detector_destroy(det);
    mtcam_frame_free(&f);
    return rc;
}

typedef struct worker {
    const mtcam_frame *frame;
    const mtcnn_face *ref;
    int nref;
    int ok;
} worker;

static void *run_worker(void *arg)
{
    worker *w = arg;
    mtcnn_detector *det;
    w->ok = 0;
    if (mtcnn_detector_create(model, NULL, &det) != 0)
        return NULL;
    mtcnn_image img = check_rgb_view(w->frame);
    int good = 1;
    for (int iter = 0; iter < 3 && good; iter++) {
        const mtcnn_face *faces;
        int n;
        good = mtcnn_detect(det, &img, &faces, &n) == 0 && n == w->nref &&
               memcmp(faces, w->ref, sizeof *faces * (size_t)n) == 0;
    }
    w->ok = good;
    mtcnn_detector_destroy(det);
    return NULL;
}

static int run_stride_and_threads(void)
{
    int rc = 0;
    mtcam_frame f, padded;
    CHECK(check_subject_photo(subject, CHECK_PHOTO_TWO, &f) == 0);
    /* The same image with 77 bytes of junk after every row. */
    padded = f;
    padded.stride = f.width * 3 + 77;
    padded.data = malloc((size_t)padded.stride * f.height);
    for (int y = 0; y < f.height; y++) {
        memcpy(padded.data + y * padded.stride, f.data + y * f.stride, (size_t)f.width * 3);
        memset(padded.data + y * padded.stride + f.width * 3, 0xA5, 77);
    }
    mtcnn_detector *det;
    CHECK(mtcnn_detector_create(model, NULL, &det) == 0);
    const mtcnn_face *faces;
    int n;
    mtcnn_image img = check_rgb_view(&f);
    CHECK(mtcnn_detect(det, &img, &faces, &n) == 0);
    mtcnn_face *ref = malloc(sizeof *ref * (size_t)(n + 1));
    memcpy(ref, faces, sizeof *ref * (size_t)n);
    const int nref = n;
    img = check_rgb_view(&padded);
    CHECK(mtcnn_detect(det, &img, &faces, &n) == 0);
    rc = same_faces(ref, nref, faces, n);
    /* Four threads, four detectors, one shared model: identical results every time. */
    pthread_t th[4];
    worker w[4];
    for (int i = 0; i < 4 && !rc; i++) {
        w[i] = (worker){.frame = i % 2 ? &padded : &f, .ref = ref, .nref = nref};
        pthread_create(&th[i], NULL, run_worker, &w[i]);
    }
    for (int i = 0; i < 4 && !rc; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4 && !rc; i++)
        CHECK_MSG(w[i].ok, "thread %d got different faces", i);
    free(ref);
    free(padded.data);
    mtcnn_detector_destroy(det);
    mtcam_frame_free(&f);
    return rc;
}

/* The mirrored O-Net pass and L-Net move landmarks a little, never far: on the two-face photo
 * every point stays within 0.1 box widths of O-Net's, and at least one point moves. L-Net only
 * with the original weights (the shipped model has none: refine_landmarks is then a no-op,
 * checked too). */
static int run_landmark_options(void)
{
    /* the converter includes det4 when present; the shipped model is trained without */
    CHECK_INT_EQ(mtcnn_model_has_lnet(model), subject->own ? 0 : 1);
    mtcam_frame f;
    CHECK(check_subject_photo(subject, CHECK_PHOTO_TWO, &f) == 0);
    mtcnn_face plain[2];
    const int has_lnet = mtcnn_model_has_lnet(model);
    for (int variant = 0; variant < 3; variant++) {
        mtcnn_options o;
        mtcnn_options_default(&o);
        o.mirror_landmarks = variant == 1;
        o.refine_landmarks = variant == 2;
        mtcnn_detector *det;
        CHECK(mtcnn_detector_create(model, &o, &det) == 0);
        mtcnn_image img = check_rgb_view(&f);
        const mtcnn_face *faces;
        int n;
        CHECK(mtcnn_detect(det, &img, &faces, &n) == 0);
        CHECK_INT_EQ(n, 2);
        if (variant == 0) {
            memcpy(plain, faces, sizeof plain);
        } else if (variant == 2 && !has_lnet) {
            /* no L-Net: the option changes nothing */
            CHECK(!memcmp(faces, plain, sizeof plain));
        } else {
            double moved = 0;
            for (int i = 0; i < 2; i++) {
                /* Boxes and scores do not depend on the landmark options. */
                for (int c = 0; c < 4; c++)
                    CHECK_NEAR(faces[i].box[c], plain[i].box[c], 0);
                const double limit = 0.1 * (plain[i].box[2] - plain[i].box[0]);
                for (int p = 0; p < 5; p++)
                    for (int a = 0; a < 2; a++) {
                        double dlt = fabs(faces[i].landmarks[p][a] - plain[i].landmarks[p][a]);
                        CHECK_MSG(dlt <= limit, "variant %d face %d point %d moved %.2f px",
                                  variant, i, p, dlt);
                        moved += dlt;
                    }
            }
            CHECK_MSG(moved > 0.5, "variant %d moved the landmarks by %.3f px in all", variant,
                      moved);
        }
        mtcnn_detector_destroy(det);
    }
    mtcam_frame_free(&f);
    return 0;
}

static int run_bad_arguments(void)
{
    mtcnn_detector *det;
    CHECK(mtcnn_detector_create(model, NULL, &det) == 0);
    const mtcnn_face *faces;
    int n;
    uint8_t px[5 * 5 * 3] = {0};
    mtcnn_image img = {
        .data = px, .width = 5, .height = 5, .stride = 15, .format = MTCNN_PIXEL_RGB24};
    /* Smaller than the minimum face: no pyramid level, no faces, no error. */
    CHECK_INT_EQ(mtcnn_detect(det, &img, &faces, &n), 0);
    CHECK_INT_EQ(n, 0);
    CHECK_INT_EQ(mtcnn_detect(det, NULL, &faces, &n), MTCNN_EINVAL);
    img.stride = 14;
    CHECK_INT_EQ(mtcnn_detect(det, &img, &faces, &n), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "stride");
    img.stride = 15, img.width = 0;
    CHECK_INT_EQ(mtcnn_detect(det, &img, &faces, &n), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "size");
    img.width = 5, img.format = (mtcnn_pixel_format)42;
    CHECK_INT_EQ(mtcnn_detect(det, &img, &faces, &n), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "pixel format");
    /* Bad options are refused and the old ones stay. */
    mtcnn_options o;
    mtcnn_detector_get_options(det, &o);
    o.stages = 0;
    CHECK_INT_EQ(mtcnn_detector_set_options(det, &o), MTCNN_EINVAL);
    mtcnn_detector_get_options(det, &o);
    CHECK_INT_EQ(o.stages, 3);
    /* A flat grey image: no faces. */
    uint8_t *grey = malloc(200 * 200 * 3);
    memset(grey, 128, 200 * 200 * 3);
    img = (mtcnn_image){
        .data = grey, .width = 200, .height = 200, .stride = 600, .format = MTCNN_PIXEL_RGB24};
    CHECK_INT_EQ(mtcnn_detect(det, &img, &faces, &n), 0);
    CHECK_INT_EQ(n, 0);
    free(grey);
    mtcnn_detector_destroy(det);
    mtcnn_detector_destroy(NULL);
    return 0;
}

static int test_stages(void)
{
    return every_subject(run_stages);
}
static int test_pixel_formats(void)
{
    return every_subject(run_pixel_formats);
}
static int test_stride_and_threads(void)
{
    return every_subject(run_stride_and_threads);
}
static int test_landmark_options(void)
{
    return every_subject(run_landmark_options);
}
static int test_bad_arguments(void)
{
    return every_subject(run_bad_arguments);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {{"peer_photos_rgb", test_peer_photos_rgb},
                                       {"peer_photos_bgr", test_peer_photos_bgr},
                                       {"ipazc_published", test_ipazc_published},
                                       {"stages", test_stages},
                                       {"pixel_formats", test_pixel_formats},
                                       {"stride_and_threads", test_stride_and_threads},
                                       {"landmark_options", test_landmark_options},
                                       {"bad_arguments", test_bad_arguments},
                                       {NULL, NULL}};
    int rc = check_main(argc, argv, cases);
    json_free(vectors);
    mtcnn_model_free(model);
    return rc;
}
