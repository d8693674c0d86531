/* test-track.c - the tracker on videos made from a real face photo (assets/demo, shipped
 * with the project) moved by known translations, so the truth is exact: the landmarks found
 * on the first frame, moved by the translation. And the One Euro filter against its
 * definition (Casiez et al. 2012). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "detector.h"
#include "image-file.h"
#include "mtcnn.h"
#include "one-euro.h"
#include "resample.h"

#define CANVAS_W 400
#define CANVAS_H 300
#define FACE_SIDE 150 /* the photo is pasted at this size: its face is then about 60 px */
#define SMALL_SIDE 52 /* and at this size (a face of about 21 px: the finest pyramid level) */
#define FRAME_NS 40000000LL /* 25 fps */

static mtcnn_model *model;
static uint8_t *photo;       /* FACE_SIDE x FACE_SIDE RGB24 */
static uint8_t *small_photo; /* SMALL_SIDE x SMALL_SIDE RGB24 */
static uint8_t *background;  /* CANVAS_W x CANVAS_H RGB24: no face */

/* The shipped model and the photo, scaled once per process. 0 or 1 after saying why. */
static int setup(void)
{
    if (model)
        return 0;
    if (mtcnn_model_load(MTCAM_SOURCE_DIR "/models/mtcam.mtcnn", &model)) {
        fprintf(stderr, "%s\n", mtcnn_last_error());
        return 1;
    }
    mtcam_frame f;
    if (capture_image_load(MTCAM_SOURCE_DIR "/assets/demo/grace-hopper.jpg", &f)) {
        fprintf(stderr, "%s\n", mtcnn_last_error());
        return 1;
    }
    photo = malloc((size_t)FACE_SIDE * FACE_SIDE * 3);
    background = malloc((size_t)CANVAS_W * CANVAS_H * 3);
    mtcnn__buf tmp = {0};
    const mtcnn__src src = {f.data, f.width, f.height, f.stride, 3, {0, 1, 2}};
    small_photo = malloc((size_t)SMALL_SIDE * SMALL_SIDE * 3);
    int rc = !photo || !background || !small_photo ||
             mtcnn__resize_rgb24(mtk_get_table(), &src, FACE_SIDE, FACE_SIDE, photo,
                                 FACE_SIDE * 3, &tmp) ||
             mtcnn__resize_rgb24(mtk_get_table(), &src, SMALL_SIDE, SMALL_SIDE, small_photo,
                                 SMALL_SIDE * 3, &tmp);
    mtcnn__buf_free(&tmp);
    mtcam_frame_free(&f);
    if (rc) {
        fprintf(stderr, "could not scale the photo\n");
        return 1;
    }
    /* A face-free background with texture: a smooth colour gradient with a little noise. */
    uint32_t seed = 12345;
    for (int y = 0; y < CANVAS_H; y++)
        for (int x = 0; x < CANVAS_W; x++) {
            seed = seed * 1664525u + 1013904223u;
            uint8_t *p = background + ((size_t)y * CANVAS_W + x) * 3;
            const int n = (int)(seed >> 28) - 8;
            p[0] = (uint8_t)(90 + x / 8 + n);
            p[1] = (uint8_t)(110 + y / 6 + n);
            p[2] = (uint8_t)(140 - x / 10 + n);
        }
    return 0;
}

/* A frame: the background with the photo (side `side`: FACE_SIDE or SMALL_SIDE), its
 * top-left corner at (px, py), clipped; no photo when show is 0. */
static void make_frame_side(uint8_t *out, int show, int px, int py, int side)
{
    memcpy(out, background, (size_t)CANVAS_W * CANVAS_H * 3);
    if (!show)
        return;
    const uint8_t *pic = side == FACE_SIDE ? photo : small_photo;
    for (int y = 0; y < side; y++) {
        const int cy = py + y;
        if (cy < 0 || cy >= CANVAS_H)
            continue;
        for (int x = 0; x < side; x++) {
            const int cx = px + x;
            if (cx >= 0 && cx < CANVAS_W)
                memcpy(out + ((size_t)cy * CANVAS_W + cx) * 3, pic + ((size_t)y * side + x) * 3,
                       3);
        }
    }
}

static void make_frame(uint8_t *out, int show, int px, int py)
{
    make_frame_side(out, show, px, py, FACE_SIDE);
}

static mtcnn_image view(const uint8_t *p)
{
    return (mtcnn_image){p, CANVAS_W, CANVAS_H, CANVAS_W * 3, MTCNN_PIXEL_RGB24};
}

typedef struct rig {
    mtcnn_detector *det;
    mtcnn_tracker *trk;
    uint8_t *frame;
} rig;

static int rig_open(rig *r, int threads, const mtcnn_tracker_options *topt)
{
    memset(r, 0, sizeof *r);
    if (setup())
        return 1;
    mtcnn_options opt;
    mtcnn_options_default(&opt);
    opt.threads = threads;
    r->frame = malloc((size_t)CANVAS_W * CANVAS_H * 3);
    if (!r->frame || mtcnn_detector_create(model, &opt, &r->det) ||
        mtcnn_tracker_create(r->det, topt, &r->trk)) {
        fprintf(stderr, "rig: %s\n", mtcnn_last_error());
        return 1;
    }
    return 0;
}

static void rig_close(rig *r)
{
    mtcnn_tracker_destroy(r->trk);
    mtcnn_detector_destroy(r->det);
    free(r->frame);
}

/* The face the full cascade finds with the photo at (px, py): the truth's origin. */
static int truth_at(int px, int py, mtcnn_face *out)
{
    rig r;
    if (rig_open(&r, 1, NULL))
        return 1;
    make_frame(r.frame, 1, px, py);
    mtcnn_image img = view(r.frame);
    const mtcnn_face *f;
    int n;
    int rc = mtcnn_detect(r.det, &img, &f, &n);
    if (!rc && n == 1)
        *out = f[0];
    else
        fprintf(stderr, "truth: the cascade found %d faces (rc %d), wanted 1\n", n, rc);
    rig_close(&r);
    return rc || n != 1;
}

/* Moves the photo by (vx, vy) px per frame for 40 frames: one id all along, a face every
 * frame, the landmarks on the truth (the first frame's, moved). */
static int track_translation(void)
{
    const int x0 = 60, y0 = 40, vx = 3, vy = 1, frames = 40;
    mtcnn_face t0;
    if (truth_at(x0, y0, &t0))
        return 1;
    rig r;
    if (rig_open(&r, 1, NULL))
        return 1;
    int id = -1;
    double worst = 0, sum = 0;
    int n_err = 0;
    for (int i = 0; i < frames; i++) {
        make_frame(r.frame, 1, x0 + vx * i, y0 + vy * i);
        mtcnn_image img = view(r.frame);
        const mtcnn_face *f;
        int n;
        CHECK_INT_EQ(mtcnn_track(r.trk, &img, i * FRAME_NS, &f, &n), 0);
        const mtcnn_track_info *info = mtcnn_tracker_info(r.trk);
        CHECK_INT_EQ(info->frame, i);
        CHECK_INT_EQ(info->mode, i == 0 ? MTCNN_FRAME_SCAN : MTCNN_FRAME_TRACK);
        CHECK_INT_EQ(n, 1);
        CHECK(f[0].has_landmarks);
        if (i == 0)
            id = f[0].id;
        CHECK_INT_EQ(f[0].id, id);
        for (int p = 0; p < 5; p++) {
            const double ex = f[0].landmarks[p][0] - (t0.landmarks[p][0] + vx * i);
            const double ey = f[0].landmarks[p][1] - (t0.landmarks[p][1] + vy * i);
            const double e = hypot(ex, ey);
            worst = e > worst ? e : worst;
            sum += e;
            n_err++;
        }
    }
    CHECK(id >= 1);
    fprintf(stderr, "landmark error against the truth: mean %.2f px, worst %.2f px\n",
            sum / n_err, worst);
    /* The detector's own noise is about a pixel and the filter lags a little while the face
     * moves 3 px per frame: a tracker that stopped following would be off by up to 120 px. */
    CHECK_MSG(sum / n_err <= 2.0, "mean landmark error %.2f px", sum / n_err);
    CHECK_MSG(worst <= 5.0, "worst landmark error %.2f px", worst);
    rig_close(&r);
    return 0;
}

/* The face walks out at the right edge: its track ends within the grace once it is gone, and
 * its id is not seen again. */
static int track_leaves(void)
{
    rig r;
    mtcnn_tracker_options topt;
    mtcnn_tracker_options_default(&topt);
    if (rig_open(&r, 1, &topt))
        return 1;
    int id = -1, gone_at = -1, ended_at = -1, ended = 0;
    for (int i = 0; i < 60; i++) {
        const int px = 100 + 8 * i;
        make_frame(r.frame, 1, px, 60);
        mtcnn_image img = view(r.frame);
        const mtcnn_face *f;
        int n;
        CHECK_INT_EQ(mtcnn_track(r.trk, &img, i * FRAME_NS, &f, &n), 0);
        const mtcnn_track_info *info = mtcnn_tracker_info(r.trk);
        if (i == 0) {
            CHECK_INT_EQ(n, 1);
            id = f[0].id;
        }
        for (int k = 0; k < n; k++)
            CHECK_MSG(f[k].id == id, "frame %d: face with id %d (only %d was ever seen)", i,
                      f[k].id, id);
        if (px >= CANVAS_W && gone_at < 0)
            gone_at = i;
        if (gone_at >= 0)
            CHECK_MSG(n == 0, "frame %d: the photo is out of the frame, %d faces reported", i, n);
        ended += info->n_ended;
        if (info->n_tracks == 0 && ended_at < 0)
            ended_at = i;
    }
    CHECK(gone_at > 0);
    CHECK_INT_EQ(ended, 1);
    CHECK_MSG(ended_at >= 0 && ended_at <= gone_at + topt.grace,
              "the track ended at frame %d, the face was gone at %d (grace %d)", ended_at,
              gone_at, topt.grace);
    rig_close(&r);
    return 0;
}

/* A face appears in a video that had none: found within the documented delay (scan_parts
 * frames), wherever it appears, small or big. */
static int enter_case(int px, int py, int side)
{
    mtcnn_tracker_options topt;
    mtcnn_tracker_options_default(&topt);
    rig r;
    if (rig_open(&r, 1, &topt))
        return -1;
    int found = -1;
    const int enter = 7; /* frames without a face first, so the rotation is mid-way */
    for (int i = 0; i < enter + 2 * topt.scan_parts && found < 0; i++) {
        make_frame_side(r.frame, i >= enter, px, py, side);
        mtcnn_image img = view(r.frame);
        const mtcnn_face *f;
        int n;
        if (mtcnn_track(r.trk, &img, i * FRAME_NS, &f, &n))
            return -1;
        if (i < enter && n != 0) {
            fprintf(stderr, "frame %d: %d faces on the face-free background\n", i, n);
            return -1;
        }
        if (n > 0)
            found = i - enter;
    }
    rig_close(&r);
    fprintf(stderr, "photo of side %d at (%d, %d): found %d frames after it appeared "
            "(scan_parts %d)\n", side, px, py, found, topt.scan_parts);
    return found >= 0 && found < topt.scan_parts ? 0 : 1;
}

static int track_enters(void)
{
    /* Corners and the middle: every part of the pyramid's rotation is reached. */
    const int pos[][2] = {{0, 0}, {CANVAS_W - FACE_SIDE, CANVAS_H - FACE_SIDE}, {120, 70},
                          {CANVAS_W - FACE_SIDE, 0}, {0, CANVAS_H - FACE_SIDE}};
    for (size_t i = 0; i < sizeof pos / sizeof pos[0]; i++)
        CHECK_INT_EQ(enter_case(pos[i][0], pos[i][1], FACE_SIDE), 0);
    /* Small faces are searched for on the fine levels, one part per frame. */
    const int small[][2] = {{0, 0}, {CANVAS_W - SMALL_SIDE, CANVAS_H - SMALL_SIDE}, {170, 120},
                            {CANVAS_W - SMALL_SIDE, 0}, {0, CANVAS_H - SMALL_SIDE}, {60, 200}};
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
        CHECK_INT_EQ(enter_case(small[i][0], small[i][1], SMALL_SIDE), 0);
    return 0;
}

/* A cut from the face to an image without one: no face from the cut on, every track ended
 * within the grace. */
static int track_cut(void)
{
    mtcnn_tracker_options topt;
    mtcnn_tracker_options_default(&topt);
    rig r;
    if (rig_open(&r, 1, &topt))
        return 1;
    const int cut = 12;
    int ended_at = -1;
    for (int i = 0; i < cut + topt.grace + 3; i++) {
        make_frame(r.frame, i < cut, 80 + i, 50);
        mtcnn_image img = view(r.frame);
        const mtcnn_face *f;
        int n;
        CHECK_INT_EQ(mtcnn_track(r.trk, &img, i * FRAME_NS, &f, &n), 0);
        CHECK_INT_EQ(n, i < cut ? 1 : 0);
        if (i >= cut && mtcnn_tracker_info(r.trk)->n_tracks == 0 && ended_at < 0)
            ended_at = i;
    }
    CHECK_MSG(ended_at >= cut && ended_at <= cut + topt.grace, "tracks ended at frame %d", ended_at);
    rig_close(&r);
    return 0;
}

/* Forced scans, reset, and ids that are never reused. */
static int track_reset_and_scan(void)
{
    mtcnn_tracker_options topt;
    mtcnn_tracker_options_default(&topt);
    topt.scan_interval = 5;
    rig r;
    if (rig_open(&r, 1, &topt))
        return 1;
    int first_id = -1;
    for (int i = 0; i < 12; i++) {
        make_frame(r.frame, 1, 90, 50);
        mtcnn_image img = view(r.frame);
        const mtcnn_face *f;
        int n;
        if (i == 7)
            mtcnn_tracker_scan(r.trk);
        CHECK_INT_EQ(mtcnn_track(r.trk, &img, i * FRAME_NS, &f, &n), 0);
        const int scan = i == 0 || i == 5 || i == 7 || i == 12;
        CHECK_MSG(mtcnn_tracker_info(r.trk)->mode == (scan ? MTCNN_FRAME_SCAN : MTCNN_FRAME_TRACK),
                  "frame %d: mode %d", i, (int)mtcnn_tracker_info(r.trk)->mode);
        CHECK_INT_EQ(n, 1);
        if (i == 0)
            first_id = f[0].id;
        CHECK_INT_EQ(f[0].id, first_id);
    }
    mtcnn_tracker_reset(r.trk);
    make_frame(r.frame, 1, 90, 50);
    mtcnn_image img = view(r.frame);
    const mtcnn_face *f;
    int n;
    CHECK_INT_EQ(mtcnn_track(r.trk, &img, -1, &f, &n), 0);
    CHECK_INT_EQ(mtcnn_tracker_info(r.trk)->mode, MTCNN_FRAME_SCAN);
    CHECK_INT_EQ(mtcnn_tracker_info(r.trk)->frame, 0);
    CHECK_INT_EQ(n, 1);
    CHECK_MSG(f[0].id > first_id, "id %d after reset, %d before", f[0].id, first_id);
    rig_close(&r);
    return 0;
}

/* The same video with 1, 2 and 3 threads: the same faces, bit for bit, and the same ids. */
static int track_threads(void)
{
    enum { FRAMES = 30 };
    static mtcnn_face got[3][FRAMES][4];
    static int count[3][FRAMES];
    for (int t = 0; t < 3; t++) {
        rig r;
        if (rig_open(&r, t + 1, NULL))
            return 1;
        for (int i = 0; i < FRAMES; i++) {
            /* In, across, and out at the bottom. */
            make_frame(r.frame, i >= 3, 20 + 7 * i, 10 + 4 * i);
            mtcnn_image img = view(r.frame);
            const mtcnn_face *f;
            int n;
            CHECK_INT_EQ(mtcnn_track(r.trk, &img, i * FRAME_NS, &f, &n), 0);
            CHECK(n <= 4);
            count[t][i] = n;
            memcpy(got[t][i], f, (size_t)n * sizeof *f);
        }
        rig_close(&r);
    }
    int faces = 0;
    for (int i = 0; i < FRAMES; i++) {
        faces += count[0][i];
        for (int t = 1; t < 3; t++) {
            CHECK_INT_EQ(count[t][i], count[0][i]);
            CHECK_MSG(!memcmp(got[t][i], got[0][i], (size_t)count[0][i] * sizeof(mtcnn_face)),
                      "frame %d: %d threads give other faces than 1", i, t + 1);
        }
    }
    CHECK_MSG(faces >= 15, "only %d faces over %d frames: the video did not test much", faces,
              FRAMES);
    return 0;
}

static int track_bad_arguments(void)
{
    if (setup())
        return 1;
    mtcnn_detector *det;
    CHECK_INT_EQ(mtcnn_detector_create(model, NULL, &det), 0);
    mtcnn_tracker *trk = (mtcnn_tracker *)1;
    CHECK_INT_EQ(mtcnn_tracker_create(NULL, NULL, &trk), MTCNN_EINVAL);
    CHECK(trk == NULL);
    CHECK_INT_EQ(mtcnn_tracker_create(det, NULL, NULL), MTCNN_EINVAL);
    mtcnn_tracker_options topt;
    mtcnn_tracker_options_default(&topt);
    topt.scan_parts = 65;
    CHECK_INT_EQ(mtcnn_tracker_create(det, &topt, &trk), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "scan_parts 65");
    mtcnn_tracker_options_default(&topt);
    topt.min_cutoff = 0;
    CHECK_INT_EQ(mtcnn_tracker_create(det, &topt, &trk), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "min_cutoff 0");
    mtcnn_tracker_options_default(&topt);
    topt.grace = -1;
    CHECK_INT_EQ(mtcnn_tracker_create(det, &topt, &trk), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "grace -1");
    CHECK_INT_EQ(mtcnn_tracker_create(det, NULL, &trk), 0);
    const mtcnn_face *f = (const mtcnn_face *)1;
    int n = 5;
    CHECK_INT_EQ(mtcnn_track(trk, NULL, 0, &f, &n), MTCNN_EINVAL);
    CHECK(f == NULL && n == 0);
    uint8_t px[3] = {0};
    mtcnn_image tiny = {px, 0, 1, 3, MTCNN_PIXEL_RGB24};
    CHECK_INT_EQ(mtcnn_track(trk, &tiny, 0, &f, &n), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "image size 0x1");
    CHECK_INT_EQ(mtcnn_track(trk, &tiny, 0, NULL, &n), MTCNN_EINVAL);
    mtcnn_tracker_destroy(trk);
    mtcnn_tracker_destroy(NULL);
    mtcnn_tracker_reset(NULL);
    mtcnn_tracker_scan(NULL);
    mtcnn_detector_destroy(det);
    return 0;
}

/* ---- One Euro filter ---------------------------------------------------------------- */

static int one_euro_alpha(void)
{
    /* tau = 1 / (2 pi 1 Hz) = 0.159155 s; dt = 1/30 s: alpha = 1 / (1 + 4.774648). */
    CHECK_NEAR(mtcnn__one_euro_alpha(1.0, 1.0 / 30), 1.0 / (1.0 + 30.0 / (2 * 3.14159265358979)),
               1e-12);
    CHECK_NEAR(mtcnn__one_euro_alpha(1.0, 1.0 / 30), 0.173170, 1e-6);
    /* A very high cutoff passes the signal, a very low one holds it. */
    CHECK(mtcnn__one_euro_alpha(1e6, 0.04) > 0.9999);
    CHECK(mtcnn__one_euro_alpha(1e-6, 0.04) < 1e-6);
    return 0;
}

/* With beta 0 the filter is the exponential smoothing of constant alpha: the first sample
 * passes, then y += alpha (x - y). */
static int one_euro_fixed_cutoff(void)
{
    const mtcnn__one_euro_params p = {2.0, 0.0, 1.0, 0};
    mtcnn__one_euro f;
    mtcnn__one_euro_reset(&f);
    CHECK_NEAR(mtcnn__one_euro_step(&f, &p, 5.0, 0.04), 5.0, 0);
    const double a = mtcnn__one_euro_alpha(2.0, 0.04);
    double y = 5.0;
    for (int i = 0; i < 20; i++) {
        const double x = i < 10 ? 9.0 : -3.0;
        y += a * (x - y);
        CHECK_NEAR(mtcnn__one_euro_step(&f, &p, x, 0.04), y, 1e-12);
    }
    /* Constant input stays exactly constant. */
    mtcnn__one_euro_reset(&f);
    for (int i = 0; i < 50; i++)
        CHECK_NEAR(mtcnn__one_euro_step(&f, &p, 7.25, 0.033), 7.25, 1e-12);
    return 0;
}

/* beta > 0: the faster the signal, the higher the cutoff, so a ramp lags less than with
 * beta 0 while a still noisy signal is smoothed the same. The speed estimate follows the
 * paper: (x - previous output) / dt, low-passed at d_cutoff. */
static int one_euro_speed(void)
{
    const mtcnn__one_euro_params slow = {1.0, 0.0, 1.0, 0}, adaptive = {1.0, 0.5, 1.0, 0};
    mtcnn__one_euro a, b;
    mtcnn__one_euro_reset(&a);
    mtcnn__one_euro_reset(&b);
    double ya = 0, yb = 0;
    for (int i = 0; i <= 100; i++) {
        ya = mtcnn__one_euro_step(&a, &slow, 2.0 * i, 0.04);
        yb = mtcnn__one_euro_step(&b, &adaptive, 2.0 * i, 0.04);
    }
    const double lag_a = 200.0 - ya, lag_b = 200.0 - yb;
    /* Steady state of exponential smoothing on a ramp of 2 per step: 2 (1 - alpha) / alpha. */
    const double al = mtcnn__one_euro_alpha(1.0, 0.04);
    CHECK_NEAR(lag_a, 2.0 * (1 - al) / al, 1e-3);
    CHECK_MSG(lag_b < lag_a / 5, "lag with beta %.3f, without %.3f", lag_b, lag_a);
    /* Second step by hand: dx = (x1 - x0) / dt low-passed from 0, cutoff from it. */
    mtcnn__one_euro c;
    mtcnn__one_euro_reset(&c);
    mtcnn__one_euro_step(&c, &adaptive, 1.0, 0.1);
    const double ad = mtcnn__one_euro_alpha(1.0, 0.1);
    const double dx = ad * (3.0 - 1.0) / 0.1;
    const double fc = 1.0 + 0.5 * dx;
    const double want = 1.0 + mtcnn__one_euro_alpha(fc, 0.1) * (3.0 - 1.0);
    CHECK_NEAR(mtcnn__one_euro_step(&c, &adaptive, 3.0, 0.1), want, 1e-12);
    return 0;
}

/* predict = 1: the low-pass starts from the last output moved by the filtered speed, so a
 * steady ramp is followed without lag once the speed estimate has settled, and a still
 * signal is not moved. */
static int one_euro_predict(void)
{
    const mtcnn__one_euro_params plain = {1.0, 0.0, 1.0, 0}, pred = {1.0, 0.0, 1.0, 1};
    mtcnn__one_euro a, b;
    mtcnn__one_euro_reset(&a);
    mtcnn__one_euro_reset(&b);
    double ya = 0, yb = 0;
    for (int i = 0; i <= 400; i++) {
        ya = mtcnn__one_euro_step(&a, &plain, 0.5 * i, 0.04);
        yb = mtcnn__one_euro_step(&b, &pred, 0.5 * i, 0.04);
    }
    CHECK_MSG(200.0 - ya > 1.0, "plain lag %.4f", 200.0 - ya);
    CHECK_NEAR(yb, 200.0, 1e-3);
    /* One step by hand: from = y + dx dt. */
    mtcnn__one_euro c;
    mtcnn__one_euro_reset(&c);
    mtcnn__one_euro_step(&c, &pred, 2.0, 0.1);
    const double ad = mtcnn__one_euro_alpha(1.0, 0.1), dx = ad * (4.0 - 2.0) / 0.1;
    const double from = 2.0 + dx * 0.1;
    CHECK_NEAR(mtcnn__one_euro_step(&c, &pred, 4.0, 0.1),
               from + mtcnn__one_euro_alpha(1.0, 0.1) * (4.0 - from), 1e-12);
    mtcnn__one_euro_reset(&c);
    for (int i = 0; i < 50; i++)
        CHECK_NEAR(mtcnn__one_euro_step(&c, &pred, -3.5, 0.033), -3.5, 1e-12);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"translation", track_translation},
        {"leaves", track_leaves},
        {"enters", track_enters},
        {"cut", track_cut},
        {"reset_and_scan", track_reset_and_scan},
        {"threads", track_threads},
        {"bad_arguments", track_bad_arguments},
        {"one_euro_alpha", one_euro_alpha},
        {"one_euro_fixed_cutoff", one_euro_fixed_cutoff},
        {"one_euro_speed", one_euro_speed},
        {"one_euro_predict", one_euro_predict},
        {NULL, NULL},
    };
    int rc = check_main(argc, argv, cases);
    mtcnn_model_free(model);
    free(photo);
    free(small_photo);
    free(background);
    return rc;
}
