/* test-vcam.c - the virtual camera's output thread (render/vcam.c) with a sink of the test's
 * own in place of the V4L2 device (the device itself is tested under QEMU with vivid): every
 * frame written in order and scaled, a blocked device never blocks vcam_push (the queue fills,
 * the rest is dropped and counted), a failure reported once and reopened with backoff, a
 * device that refuses frames given up. Runs under TSan (label tsan). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "clock.h"
#include "err.h"
#include "vcam.h"

typedef struct fake {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int width, height;
    int opens, open_failures_left; /* opens fail while > 0 */
    int fail_at_write;             /* the write with this number (1-based) fails, 0: none */
    int fail_code;
    int gate_closed;               /* writes wait while set */
    int in_write;                  /* a write is waiting at the gate */
    int writes;
    uint64_t seqs[64];
    uint8_t centre[3], corner[3];  /* pixels of the last frame written */
    char desc[64];
} fake;

static int fake_open(void *user, const char *path, const vcam_device_options *o, void **dev)
{
    fake *f = user;
    pthread_mutex_lock(&f->lock);
    f->opens++;
    int fail = f->open_failures_left > 0;
    if (fail)
        f->open_failures_left--;
    pthread_mutex_unlock(&f->lock);
    if (fail)
        return mtcam_set_error(MTCNN_ENODEV, "%s: open: device gone (test)", path);
    *dev = f;
    return 0;
}

static int fake_write(void *dev, const mtcam_frame *rgb, int timeout_ms)
{
    fake *f = dev;
    pthread_mutex_lock(&f->lock);
    f->in_write = 1;
    pthread_cond_broadcast(&f->cond);
    while (f->gate_closed)
        pthread_cond_wait(&f->cond, &f->lock);
    f->in_write = 0;
    int n = ++f->writes;
    int rc = 1;
    if (n == f->fail_at_write)
        rc = mtcam_set_error(f->fail_code, "fake: write %d failed (test)", n);
    else if (rgb->width != f->width || rgb->height != f->height)
        rc = mtcam_set_error(MTCNN_EINVAL, "fake: %dx%d frame", rgb->width, rgb->height);
    if (n <= 64)
        f->seqs[n - 1] = rgb->seq;
    memcpy(f->centre, rgb->data + rgb->height / 2 * rgb->stride + 3 * (rgb->width / 2), 3);
    memcpy(f->corner, rgb->data, 3);
    pthread_mutex_unlock(&f->lock);
    return rc;
}

static void fake_size(void *dev, int *w, int *h)
{
    fake *f = dev;
    *w = f->width;
    *h = f->height;
}

static const char *fake_describe(void *dev)
{
    return ((fake *)dev)->desc;
}

static void fake_close(void *dev) {}

static void fake_init(fake *f, vcam_sink *sink, vcam_options *o)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->cond, NULL);
    f->width = 320;
    f->height = 240;
    snprintf(f->desc, sizeof f->desc, "fake 320x240");
    *sink = (vcam_sink){fake_open, fake_write, fake_size, fake_describe, fake_close, f};
    memset(o, 0, sizeof *o);
    o->sink = sink;
    o->backoff_min_ms = 5;
    o->backoff_max_ms = 20;
}

static void fake_free(fake *f)
{
    pthread_cond_destroy(&f->cond);
    pthread_mutex_destroy(&f->lock);
}

/* A 640x480 frame: red, with a green top-left quarter. */
static int make_frame(mtcam_frame *fr)
{
    if (mtcam_frame_alloc(fr, 640, 480) < 0)
        return -1;
    for (int y = 0; y < 480; y++)
        for (int x = 0; x < 640; x++) {
            uint8_t *p = fr->data + y * fr->stride + 3 * x;
            int green = x < 320 && y < 240;
            p[0] = green ? 0 : 255, p[1] = green ? 255 : 0, p[2] = 0;
        }
    return 0;
}

/* Polls `st` until `done` says so; a bounded number of 5 ms naps (not a timing assertion: a
 * slow machine only waits longer). */
static int wait_status(vcam *v, vcam_status *st, int (*done)(const vcam_status *))
{
    for (int i = 0; i < 4000; i++) {
        vcam_get_status(v, st);
        if (done(st))
            return 1;
        mtcam_sleep_ms(5);
    }
    return 0;
}

static int test_every_frame_in_order(void)
{
    fake f;
    vcam_sink sink;
    vcam_options o;
    fake_init(&f, &sink, &o);
    vcam *v;
    CHECK_INT_EQ(vcam_start("fake0", &o, &v), 0);
    mtcam_frame fr = {0};
    CHECK(make_frame(&fr) == 0);
    int queued = 0;
    for (int i = 0; i < 40; i++) {
        fr.seq = (uint64_t)i;
        int q = vcam_push(v, &fr, NULL);
        queued += q;
        if (!q)
            mtcam_sleep_ms(2); /* the queue was full: let the thread catch up */
    }
    vcam_status st;
    vcam_stop(v, &st);
    CHECK_INT_EQ(st.frames_written, queued);
    CHECK_INT_EQ(st.frames_dropped, 40 - queued);
    CHECK(queued >= 3);
    for (int i = 1; i < queued && i < 64; i++)
        CHECK_MSG(f.seqs[i] > f.seqs[i - 1], "write %d: seq %llu after %llu", i,
                  (unsigned long long)f.seqs[i], (unsigned long long)f.seqs[i - 1]);
    /* scaled to the device's 320x240: the quarters are still where they were */
    CHECK(f.corner[1] == 255 && f.corner[0] == 0);
    CHECK(f.centre[0] == 255 && f.centre[1] == 0);
    mtcam_frame_free(&fr);
    fake_free(&f);
    return 0;
}

static int test_crop_and_letterbox(void)
{
    fake f;
    vcam_sink sink;
    vcam_options o;
    fake_init(&f, &sink, &o);
    vcam *v;
    CHECK_INT_EQ(vcam_start("fake0", &o, &v), 0);
    mtcam_frame fr = {0};
    CHECK(make_frame(&fr) == 0);
    /* the green quarter alone, as the framed view sends it */
    framing_rect green = {0, 0, 320, 240};
    CHECK_INT_EQ(vcam_push(v, &fr, &green), 1);
    vcam_stop(v, NULL);
    CHECK(f.centre[1] == 255 && f.corner[1] == 255);
    /* a 16:9 device: the 4:3 frame letterboxed, black bars left and right */
    f.width = 320;
    f.height = 180;
    f.writes = 0;
    CHECK_INT_EQ(vcam_start("fake0", &o, &v), 0);
    CHECK_INT_EQ(vcam_push(v, &fr, NULL), 1);
    vcam_stop(v, NULL);
    CHECK_INT_EQ(f.writes, 1);
    CHECK(f.corner[0] == 0 && f.corner[1] == 0 && f.corner[2] == 0);
    CHECK(f.centre[0] == 255);
    mtcam_frame_free(&fr);
    fake_free(&f);
    return 0;
}

static int test_blocked_device_never_blocks_push(void)
{
    fake f;
    vcam_sink sink;
    vcam_options o;
    fake_init(&f, &sink, &o);
    o.queue_frames = 3;
    f.gate_closed = 1;
    vcam *v;
    CHECK_INT_EQ(vcam_start("fake0", &o, &v), 0);
    mtcam_frame fr = {0};
    CHECK(make_frame(&fr) == 0);
    CHECK_INT_EQ(vcam_push(v, &fr, NULL), 1);
    pthread_mutex_lock(&f.lock); /* the thread is now stuck in the device with that frame */
    while (!f.in_write)
        pthread_cond_wait(&f.cond, &f.lock);
    pthread_mutex_unlock(&f.lock);
    int queued = 0, dropped = 0;
    for (int i = 0; i < 20; i++) {
        int q = vcam_push(v, &fr, NULL); /* returns at once: the test would hang otherwise */
        queued += q == 1;
        dropped += q == 0;
    }
    CHECK_INT_EQ(queued, 2); /* the queue holds 3, the one in the device included */
    CHECK_INT_EQ(dropped, 18);
    vcam_status st;
    vcam_get_status(v, &st);
    CHECK_INT_EQ(st.frames_dropped, 18);
    CHECK_INT_EQ(st.state, VCAM_RUNNING);
    pthread_mutex_lock(&f.lock);
    f.gate_closed = 0;
    pthread_cond_broadcast(&f.cond);
    pthread_mutex_unlock(&f.lock);
    vcam_stop(v, &st); /* drains the queue */
    CHECK_INT_EQ(st.frames_written, 3);
    CHECK_INT_EQ(st.frames_dropped, 18);
    mtcam_frame_free(&fr);
    fake_free(&f);
    return 0;
}

static int failed_once(const vcam_status *st) { return st->events >= 1; }
static int back_again(const vcam_status *st) { return st->events >= 2; }

static int test_failure_reported_once_and_reopened(void)
{
    fake f;
    vcam_sink sink;
    vcam_options o;
    fake_init(&f, &sink, &o);
    f.fail_at_write = 3;
    f.fail_code = MTCNN_ENODEV;
    vcam *v;
    CHECK_INT_EQ(vcam_start("fake0", &o, &v), 0);
    pthread_mutex_lock(&f.lock);
    f.open_failures_left = 4; /* the next four reopenings fail */
    pthread_mutex_unlock(&f.lock);
    mtcam_frame fr = {0};
    CHECK(make_frame(&fr) == 0);
    vcam_status st;
    for (int i = 0; i < 3; i++) {
        while (vcam_push(v, &fr, NULL) == 0)
            mtcam_sleep_ms(1);
    }
    CHECK(wait_status(v, &st, failed_once));
    CHECK_INT_EQ(st.events, 1);
    CHECK_STR_CONTAINS(st.status, "fake: write 3 failed (test)");
    CHECK_STR_CONTAINS(st.status, "reopening in");
    /* frames pushed meanwhile are dropped, not queued for a device that is not there */
    CHECK(wait_status(v, &st, back_again));
    CHECK_INT_EQ(st.events, 2);
    CHECK_INT_EQ(st.state, VCAM_RUNNING);
    CHECK_INT_EQ(st.reopens, 1);
    CHECK_STR_CONTAINS(st.status, "reopened after 5 attempts: fake 320x240");
    pthread_mutex_lock(&f.lock);
    CHECK_INT_EQ(f.opens, 6); /* the first open and five reopenings */
    pthread_mutex_unlock(&f.lock);
    while (vcam_push(v, &fr, NULL) == 0)
        mtcam_sleep_ms(1);
    vcam_stop(v, &st);
    CHECK_INT_EQ(st.frames_written, 3); /* two before the failure, one after */
    mtcam_frame_free(&fr);
    fake_free(&f);
    return 0;
}

static int test_refusing_device_given_up(void)
{
    fake f;
    vcam_sink sink;
    vcam_options o;
    fake_init(&f, &sink, &o);
    f.fail_at_write = 1;
    f.fail_code = MTCNN_EUNSUPPORTED;
    vcam *v;
    CHECK_INT_EQ(vcam_start("fake0", &o, &v), 0);
    mtcam_frame fr = {0};
    CHECK(make_frame(&fr) == 0);
    CHECK_INT_EQ(vcam_push(v, &fr, NULL), 1);
    vcam_status st;
    CHECK(wait_status(v, &st, failed_once));
    CHECK_INT_EQ(st.state, VCAM_FAILED);
    CHECK_STR_CONTAINS(st.status, "virtual camera off");
    for (int i = 0; i < 10; i++)
        vcam_push(v, &fr, NULL);
    vcam_stop(v, &st);
    CHECK_INT_EQ(st.events, 1);
    CHECK_INT_EQ(st.frames_written, 0);
    CHECK_INT_EQ(st.frames_dropped, 11);
    CHECK_INT_EQ(f.opens, 1); /* never reopened */
    mtcam_frame_free(&fr);
    fake_free(&f);
    return 0;
}

static int test_open_failure_at_start(void)
{
    fake f;
    vcam_sink sink;
    vcam_options o;
    fake_init(&f, &sink, &o);
    f.open_failures_left = 1;
    vcam *v = (vcam *)1;
    CHECK_INT_EQ(vcam_start("fake9", &o, &v), MTCNN_ENODEV);
    CHECK(v == NULL);
    CHECK_STR_CONTAINS(mtcam_last_error(), "fake9: open: device gone (test)");
    fake_free(&f);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"every_frame_in_order", test_every_frame_in_order},
        {"crop_and_letterbox", test_crop_and_letterbox},
        {"blocked_device_never_blocks_push", test_blocked_device_never_blocks_push},
        {"failure_reported_once_and_reopened", test_failure_reported_once_and_reopened},
        {"refusing_device_given_up", test_refusing_device_given_up},
        {"open_failure_at_start", test_open_failure_at_start},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
