/* test-framing.c - the auto-framing controller on synthetic face tracks at 30 fps: a step,
 * a slow drift, a jittering still face, two faces, the framing rules and the limits. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "framing.h"

#define FPS 30
#define FRAME_NS (1000000000LL / FPS)
#define SRC_W 1280
#define SRC_H 720

static void setup(framing *f, float dead_zone)
{
    framing_options o;
    framing_options_default(&o);
    o.src_width = SRC_W;
    o.src_height = SRC_H;
    o.out_width = 640;
    o.out_height = 360;
    o.dead_zone = dead_zone;
    framing_init(f, &o);
}

static framing_face face_at(float cx, float cy, float size)
{
    framing_face fc = {1, {cx - size / 2, cy - size / 2, cx + size / 2 - 1, cy + size / 2 - 1}};
    return fc;
}

static float centre_x(framing_rect r) { return r.x + r.w / 2; }
static float centre_y(framing_rect r) { return r.y + r.h / 2; }

/* The largest per-axis speed allowed, px/s, plus float slack. */
static double speed_limit(const framing *f)
{
    return f->opt.max_speed * f->full.h * 1.001 + 0.01;
}

static int inside_picture(framing_rect r)
{
    return r.x >= -0.01f && r.y >= -0.01f && r.x + r.w <= SRC_W + 0.01f &&
           r.y + r.h <= SRC_H + 0.01f;
}

static int test_step(void)
{
    framing f;
    setup(&f, 0.08f);
    framing_face a = face_at(300, 300, 120), b = face_at(950, 330, 120);
    framing_rect target_b = framing_target(&f, &b, 1);
    framing_rect prev = {0};
    int64_t t = 1;
    double max_speed = 0;
    int settled_frame = -1;
    float cx_at_step = 0;
    for (int i = 0; i < 15 * FPS; i++, t += FRAME_NS) {
        const framing_face *fc = i < 5 * FPS ? &a : &b; /* the face jumps at 5 s */
        framing_rect r = framing_update(&f, t, fc, 1);
        CHECK(inside_picture(r));
        CHECK_NEAR(r.w / r.h, 16.0 / 9.0, 1e-4);
        if (i > 0) {
            double vx = fabs(centre_x(r) - centre_x(prev)) * FPS;
            double vy = fabs(centre_y(r) - centre_y(prev)) * FPS;
            double vh = fabs(r.h - prev.h) * FPS;
            max_speed = fmax(max_speed, fmax(vx, fmax(vy, vh)));
            CHECK_MSG(vx <= speed_limit(&f) && vy <= speed_limit(&f) && vh <= speed_limit(&f),
                      "frame %d: speed %.1f %.1f %.1f px/s > %.1f", i, vx, vy, vh,
                      speed_limit(&f));
        }
        if (i == 5 * FPS)
            cx_at_step = centre_x(prev);
        if (i >= 5 * FPS) {
            /* After the step: only ever towards the new target, never past it. */
            CHECK_MSG(centre_x(r) <= centre_x(target_b) + 1e-3f, "frame %d: overshoot %.3f > %.3f",
                      i, centre_x(r), centre_x(target_b));
            CHECK_MSG(i == 5 * FPS || centre_x(r) >= centre_x(prev) - 1e-3f,
                      "frame %d: moved back %.3f < %.3f", i, centre_x(r), centre_x(prev));
            if (settled_frame < 0 && fabsf(centre_x(r) - centre_x(target_b)) < 0.5f &&
                fabsf(r.h - target_b.h) < 0.5f)
                settled_frame = i;
        }
        prev = r;
    }
    CHECK_MSG(settled_frame > 0, "never settled on the new target: cx %.2f, want %.2f",
              centre_x(prev), centre_x(target_b));
    /* 630 px at up to 360 px/s takes >= 1.75 s (the speed bound limits it), then the spring's
     * tail: within half a pixel soon after, exactly on it (at rest) by the end. */
    double took = (settled_frame - 5 * FPS) / (double)FPS;
    double fastest = (centre_x(target_b) - cx_at_step) / (f.opt.max_speed * f.full.h);
    CHECK_MSG(took >= fastest - 1.0 / FPS && took <= fastest + 2.5,
              "within 0.5 px %.2f s after the step (%.2f s at top speed)", took, fastest);
    CHECK_NEAR(max_speed, f.opt.max_speed * f.full.h, 1.0);
    CHECK_NEAR(prev.x, target_b.x, 1e-3);
    CHECK_NEAR(prev.y, target_b.y, 1e-3);
    printf("step: within 0.5 px %.2f s after a %.0f px step, top speed %.1f px/s\n", took,
           centre_x(target_b) - cx_at_step, max_speed);
    return 0;
}

/* Without the speed bound the spring alone decides: still monotone, still no overshoot. */
static int test_step_spring_only(void)
{
    framing f;
    setup(&f, 0.08f);
    f.opt.max_speed = 100; /* effectively unbounded */
    framing_face a = face_at(300, 300, 120), b = face_at(950, 330, 120);
    framing_rect target_b = framing_target(&f, &b, 1);
    int64_t t = 1;
    for (int i = 0; i < 2 * FPS; i++, t += FRAME_NS)
        framing_update(&f, t, &a, 1);
    float prev = centre_x(framing_update(&f, t, &a, 1)), start = prev;
    float at_settle = 0;
    for (int i = 0; i < 4 * FPS; i++) {
        t += FRAME_NS;
        framing_rect r = framing_update(&f, t, &b, 1);
        CHECK_MSG(centre_x(r) >= prev - 1e-3f && centre_x(r) <= centre_x(target_b) + 1e-3f,
                  "frame %d: %.3f after %.3f, target %.3f", i, centre_x(r), prev,
                  centre_x(target_b));
        prev = centre_x(r);
        if (i == (int)(f.opt.settle_s * FPS))
            at_settle = centre_x(r);
    }
    /* Critically damped: after one time constant 1 - 2/e = 26 % of the way is covered. */
    double frac = (at_settle - start) / (centre_x(target_b) - start);
    CHECK_MSG(frac > 0.2 && frac < 0.33, "after one time constant %.3f of the way", frac);
    CHECK_NEAR(prev, centre_x(target_b), 1e-3);
    return 0;
}

static int test_slow_drift(void)
{
    framing f;
    setup(&f, 0.08f);
    int64_t t = 1;
    framing_rect prev = {0}, r = {0};
    float cx = 400;
    framing_face start = face_at(cx, 300, 120);
    for (int i = 0; i < 6 * FPS; i++, t += FRAME_NS) /* settle on the face first */
        r = framing_update(&f, t, &start, 1);
    float dead_zone_px = f.opt.dead_zone * r.h;
    int moves = 0;
    for (int i = 0; i < 8 * FPS; i++, t += FRAME_NS) {
        if (i < 5 * FPS)
            cx += 40.0f / FPS; /* 40 px/s for 5 s, then still */
        framing_face fc = face_at(cx, 300, 120);
        prev = r;
        r = framing_update(&f, t, &fc, 1);
        framing_rect want = framing_target(&f, &fc, 1);
        CHECK_MSG(centre_x(r) >= centre_x(prev) - 1e-3f, "frame %d: moved against the drift", i);
        CHECK_MSG(centre_x(r) <= centre_x(want) + 1e-3f, "frame %d: ahead of the face", i);
        /* It lags by the dead zone plus what the spring has not caught up yet. */
        CHECK_MSG(centre_x(want) - centre_x(r) <= dead_zone_px + 40 * 0.3f * 2 + 1,
                  "frame %d: %.1f px behind", i, centre_x(want) - centre_x(r));
        moves += centre_x(r) != centre_x(prev);
    }
    framing_face last = face_at(cx, 300, 120);
    framing_rect want = framing_target(&f, &last, 1);
    CHECK_MSG(fabsf(centre_x(r) - centre_x(want)) <= dead_zone_px,
              "ended %.1f px from the face's framing (dead zone %.1f)",
              centre_x(want) - centre_x(r), dead_zone_px);
    CHECK_MSG(centre_x(r) == centre_x(prev), "still moving after the face stopped");
    CHECK(moves > FPS); /* it did follow */
    return 0;
}

/* A deterministic jitter of +-amp px (an LCG, so runs are identical). */
static float jitter(uint32_t *s, float amp)
{
    *s = *s * 1664525u + 1013904223u;
    return ((float)(*s >> 8) / (float)(1u << 24) * 2 - 1) * amp;
}

static int jitter_run(float dead_zone, int *frames_moved)
{
    framing f;
    setup(&f, dead_zone);
    uint32_t seed = 12345;
    int64_t t = 1;
    framing_rect r = {0}, prev = {0};
    *frames_moved = 0;
    for (int i = 0; i < 12 * FPS; i++, t += FRAME_NS) {
        framing_face fc = face_at(640 + jitter(&seed, 4), 330 + jitter(&seed, 4),
                                  110 + jitter(&seed, 5));
        prev = r;
        r = framing_update(&f, t, &fc, 1);
        if (i >= 4 * FPS) /* settled by then */
            *frames_moved += memcmp(&r, &prev, sizeof r) != 0;
    }
    return 0;
}

static int test_jitter_still(void)
{
    int moved = 0;
    jitter_run(0.08f, &moved);
    CHECK_MSG(moved == 0, "the crop moved in %d of %d frames of a still, jittering face", moved,
              8 * FPS);
    /* The dead zone is what holds it: without one the same track moves the crop. */
    jitter_run(0, &moved);
    CHECK_MSG(moved > 2 * FPS, "without a dead zone the crop moved in only %d frames", moved);
    return 0;
}

static int test_two_faces(void)
{
    framing f;
    setup(&f, 0.08f);
    framing_face faces[2] = {face_at(350, 320, 110), face_at(900, 360, 100)};
    faces[1].id = 2;
    framing_rect one = framing_target(&f, faces, 1);
    int64_t t = 1;
    framing_rect r = {0};
    for (int i = 0; i < 8 * FPS; i++, t += FRAME_NS)
        r = framing_update(&f, t, faces, 2);
    CHECK(inside_picture(r));
    for (int k = 0; k < 2; k++) {
        const float *b = faces[k].box;
        CHECK_MSG(b[0] >= r.x && b[2] <= r.x + r.w && b[1] >= r.y && b[3] <= r.y + r.h,
                  "face %d [%.0f %.0f %.0f %.0f] outside the crop %.0f,%.0f %.0fx%.0f", k, b[0],
                  b[1], b[2], b[3], r.x, r.y, r.w, r.h);
        /* with room for the shoulders at the sides */
        CHECK(b[0] - r.x >= 0.5f * 110 - 1 || r.x < 1);
        CHECK(r.x + r.w - b[2] >= 0.5f * 110 - 1 || r.x + r.w > SRC_W - 1);
    }
    /* the smallest crop with both and their margins: here the width decides */
    float content_w = faces[1].box[2] + 1 - faces[0].box[0] + 2 * 0.6f * 110;
    CHECK_NEAR(r.w, content_w, 0.5);
    CHECK_MSG(r.w > one.w, "two faces %.0f px wide, one face %.0f", r.w, one.w);
    CHECK_NEAR(r.w / r.h, 16.0 / 9.0, 1e-4);
    /* centred between them */
    CHECK_NEAR(centre_x(r), (faces[0].box[0] + faces[1].box[2] + 1) / 2, 1.0);
    return 0;
}

static int test_one_face_rules(void)
{
    framing f;
    setup(&f, 0.08f);
    framing_face fc = face_at(700, 330, 100);
    framing_rect r = framing_target(&f, &fc, 1);
    CHECK_NEAR(r.h, 300, 1e-3); /* head and shoulders: three face heights */
    float eyes = fc.box[1] + 0.38f * 100;
    CHECK_NEAR(eyes - r.y, r.h / 3, 0.5); /* eyes on the upper third line */
    CHECK_NEAR(centre_x(r), 700, 0.5);
    CHECK(fc.box[1] - r.y >= 40); /* room above the head */
    /* a small face: the zoom limit */
    framing_face tiny = face_at(640, 300, 30);
    framing_rect z = framing_target(&f, &tiny, 1);
    CHECK_NEAR(z.h, SRC_H / f.opt.max_zoom, 1e-3);
    /* a face in the corner: the crop stays in the picture */
    framing_face corner = face_at(40, 40, 80);
    framing_rect c = framing_target(&f, &corner, 1);
    CHECK_NEAR(c.x, 0, 1e-3);
    CHECK_NEAR(c.y, 0, 1e-3);
    /* a face too big for the picture: the whole picture */
    framing_face big = face_at(640, 360, 500);
    framing_rect b = framing_target(&f, &big, 1);
    CHECK_NEAR(b.h, SRC_H, 1e-3);
    CHECK_NEAR(b.w, SRC_W, 1e-3);
    return 0;
}

static int test_face_lost(void)
{
    framing f;
    setup(&f, 0.08f);
    framing_face fc = face_at(400, 300, 100);
    int64_t t = 1;
    framing_rect r = {0};
    for (int i = 0; i < 5 * FPS; i++, t += FRAME_NS)
        r = framing_update(&f, t, &fc, 1);
    framing_rect framed = r;
    /* lost for less than hold_s: nothing moves */
    for (int i = 0; i < FPS; i++, t += FRAME_NS)
        r = framing_update(&f, t, NULL, 0);
    CHECK(memcmp(&r, &framed, sizeof r) == 0);
    /* gone for good: back to the whole picture, without a jump */
    framing_rect prev = r;
    for (int i = 0; i < 10 * FPS; i++, t += FRAME_NS) {
        r = framing_update(&f, t, NULL, 0);
        CHECK(fabsf(r.h - prev.h) * FPS <= speed_limit(&f));
        prev = r;
    }
    CHECK_NEAR(r.h, SRC_H, 1e-3);
    CHECK_NEAR(r.x, 0, 1e-3);
    /* a paused source: a 5 s gap moves no more than one 0.1 s step */
    for (int i = 0; i < FPS; i++, t += FRAME_NS)
        r = framing_update(&f, t, &fc, 1);
    prev = r;
    r = framing_update(&f, t + 5000000000LL, &fc, 1);
    CHECK(fabsf(r.h - prev.h) <= speed_limit(&f) * 0.1 + 1e-3);
    /* the same time again moves nothing */
    framing_rect again = framing_update(&f, t + 5000000000LL, &fc, 1);
    CHECK(memcmp(&r, &again, sizeof r) == 0);
    return 0;
}

static int test_bad_options(void)
{
    framing f;
    framing_options o;
    framing_options_default(&o);
    CHECK_INT_EQ(framing_init(&f, &o), MTCNN_EINVAL); /* no sizes */
    o.src_width = 640, o.src_height = 480, o.out_width = 640, o.out_height = 480;
    CHECK_INT_EQ(framing_init(&f, &o), 0);
    o.max_zoom = 0.5f;
    CHECK_INT_EQ(framing_init(&f, &o), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcam_last_error(), "max zoom");
    o.max_zoom = 2;
    o.max_speed = NAN;
    CHECK_INT_EQ(framing_init(&f, &o), MTCNN_EINVAL);
    /* a portrait output from a landscape camera: the full crop is a centred column */
    o.max_speed = 0.5f, o.out_width = 360, o.out_height = 640;
    CHECK_INT_EQ(framing_init(&f, &o), 0);
    CHECK_NEAR(f.full.h, 480, 1e-3);
    CHECK_NEAR(f.full.w, 270, 1e-3);
    CHECK_NEAR(f.full.x, 185, 1e-3);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"step", test_step},
        {"step_spring_only", test_step_spring_only},
        {"slow_drift", test_slow_drift},
        {"jitter_still", test_jitter_still},
        {"two_faces", test_two_faces},
        {"one_face_rules", test_one_face_rules},
        {"face_lost", test_face_lost},
        {"bad_options", test_bad_options},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
