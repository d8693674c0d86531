/* test-thread.c - the capture thread: newest-frame handoff with drop counting, no copies on
 * handoff, pacing kept, reopening a failed camera (with a fake camera that "unplugs"), stalls,
 * final errors, prompt stop. Run under TSan too (label tsan). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture-test-util.h"
#include "check.h"
#include "clock.h"
#include "convert.h"
#include "err.h"
#include "source.h"
#include "thread.h"

/* The frame shows the picture of its sequence number (no torn or mixed-up buffers): pixel
 * (x, 0) of Y4M frame k as tu_write_y4m made it (4:4:4). */
static int frame_matches(const mtcam_frame *f, int k)
{
    for (int x = 0; x < f->width; x += 5) {
        uint8_t e[3];
        capture_ycbcr_to_rgb(tu_y4m_luma(x, 0, k), tu_y4m_cb(x, 0, k), tu_y4m_cr(x, 0, k), e);
        if (memcmp(f->data + 3 * x, e, 3) != 0)
            return 0;
    }
    return 1;
}

static int open_y4m(char *dir, size_t dsize, char *path, size_t psize, int frames, int fps,
                    int fast, capture_source **src)
{
    if (!dir[0])
        CHECK(tu_mkdtemp(dir, dsize) == 0);
    snprintf(path, psize, "%s/clip.y4m", dir);
    CHECK(tu_write_y4m(path, 40, 8, "444", fps, 1, frames, -1) == 0);
    capture_options o;
    capture_options_default(&o);
    o.loop = 0;
    o.as_fast_as_possible = fast;
    CHECK_MSG(capture_open(path, &o, src) == 0, "%s", mtcam_last_error());
    return 0;
}

/* A fast source and a slow consumer: the consumer only ever sees newer frames, the rest are
 * counted as dropped, and handoff reuses three buffers (no allocation, no copy). */
static int newest_only(void)
{
    char dir[64] = "", path[128];
    capture_source *src;
    int rc = open_y4m(dir, sizeof dir, path, sizeof path, 300, 25, 1, &src);
    if (rc)
        return rc;
    capture_thread *th;
    CHECK(capture_thread_start(src, NULL, &th) == 0);
    mtcam_frame f = {0};
    uint64_t seq = 0, last = 0;
    int got = 0;
    const void *seen[8];
    int n_seen = 0;
    for (;;) {
        rc = capture_thread_wait(th, &f, &seq, 2000);
        if (rc == MTCNN_EEOF)
            break;
        CHECK_MSG(rc == 1, "wait gave %d (%s)", rc, mtcam_last_error());
        CHECK_MSG(got == 0 || seq > last, "seq %llu after %llu", (unsigned long long)seq,
                  (unsigned long long)last);
        CHECK_INT_EQ(f.seq, seq);
        CHECK_MSG(frame_matches(&f, (int)seq), "frame %llu shows another picture",
                  (unsigned long long)seq);
        int known = 0;
        for (int i = 0; i < n_seen; i++)
            known |= seen[i] == (const void *)f.data;
        if (!known && n_seen < 8)
            seen[n_seen++] = f.data;
        last = seq;
        got++;
        mtcam_sleep_ms(3);
    }
    capture_thread_stats st;
    capture_thread_get_stats(th, &st);
    fprintf(stderr, "captured %llu, delivered %llu, dropped %llu, buffers seen %d\n",
            (unsigned long long)st.captured, (unsigned long long)st.delivered,
            (unsigned long long)st.dropped, n_seen);
    CHECK_INT_EQ(st.captured, 300);
    CHECK_INT_EQ(st.delivered, got);
    CHECK_INT_EQ(st.delivered + st.dropped, st.captured);
    CHECK(st.dropped > 0);
    CHECK_INT_EQ(last, 299); /* the newest frame is never dropped */
    CHECK_INT_EQ(st.state, CAPTURE_THREAD_ENDED);
    CHECK_STR_CONTAINS(st.status, "end of file");
    CHECK_MSG(n_seen <= 3, "%d different buffers handed over (expected a pool of 3)", n_seen);
    CHECK_INT_EQ(capture_thread_latest(th, &f, &seq), MTCNN_EEOF);
    capture_thread_stop(th);
    mtcam_frame_free(&f);
    tu_rmtree(dir);
    return 0;
}

/* A paced source and a fast consumer: nothing dropped, the file's timing kept, fps measured.
 * 20 fps leaves the consumer 50 ms per frame: enough margin for sanitizer builds on a loaded
 * 2-core machine (at 50 fps a 20 ms scheduling hiccup under ASan dropped a frame). */
static int paced_no_drops(void)
{
    enum { FRAMES = 40, FPS = 20 };
    char dir[64] = "", path[128];
    capture_source *src;
    int rc = open_y4m(dir, sizeof dir, path, sizeof path, FRAMES, FPS, 0, &src);
    if (rc)
        return rc;
    capture_thread *th;
    CHECK(capture_thread_start(src, NULL, &th) == 0);
    mtcam_frame f = {0};
    uint64_t seq;
    int64_t prev = 0;
    int got = 0;
    double fps_seen = 0;
    while ((rc = capture_thread_wait(th, &f, &seq, 2000)) == 1) {
        if (seq != (uint64_t)got || (got > 0 && f.timestamp_ns - prev != 1000000000 / FPS))
            break; /* checked below, after the thread is stopped */
        prev = f.timestamp_ns;
        got++;
        if (got == FRAMES - 5) {
            capture_thread_stats st;
            capture_thread_get_stats(th, &st);
            fps_seen = st.fps;
        }
    }
    capture_thread_stats st;
    capture_thread_get_stats(th, &st);
    capture_thread_stop(th);
    mtcam_frame_free(&f);
    tu_rmtree(dir);
    CHECK_INT_EQ(rc, MTCNN_EEOF);
    CHECK_INT_EQ(got, FRAMES);
    CHECK_INT_EQ(st.dropped, 0);
    fprintf(stderr, "measured %.1f fps\n", fps_seen);
    CHECK_MSG(fps_seen > 0.8 * FPS && fps_seen < 1.2 * FPS, "measured %.1f fps for a %d fps file",
              fps_seen, FPS);
    return 0;
}

/* lossless: a consumer slower than the file's rate still gets every frame, in order. */
static int lossless_slow_consumer(void)
{
    enum { FRAMES = 30, FPS = 100 };
    char dir[64] = "", path[128];
    capture_source *src;
    int rc = open_y4m(dir, sizeof dir, path, sizeof path, FRAMES, FPS, 0, &src);
    if (rc)
        return rc;
    capture_thread *th;
    const capture_thread_options topt = {.lossless = 1};
    CHECK(capture_thread_start(src, &topt, &th) == 0);
    mtcam_frame f = {0};
    uint64_t seq;
    int got = 0, in_order = 1, pictures = 1;
    while ((rc = capture_thread_wait(th, &f, &seq, 2000)) == 1) {
        in_order &= seq == (uint64_t)got;
        pictures &= frame_matches(&f, got);
        got++;
        mtcam_sleep_ms(25); /* 2.5 frame periods: without lossless most frames would drop */
    }
    capture_thread_stats st;
    capture_thread_get_stats(th, &st);
    capture_thread_stop(th);
    mtcam_frame_free(&f);
    tu_rmtree(dir);
    CHECK_INT_EQ(rc, MTCNN_EEOF);
    CHECK_INT_EQ(got, FRAMES);
    CHECK(in_order);
    CHECK(pictures);
    CHECK_INT_EQ(st.dropped, 0);
    CHECK_INT_EQ(st.delivered, FRAMES);
    return 0;
}

/* ---- a fake camera: gives `frames_before_fail` frames, then fails with `fail_code` ---- */

typedef struct fake_camera {
    capture_source base;
    mtcam_frame frame;
    int frames_before_fail, fail_code;
    uint64_t seq;
} fake_camera;

static int fake_read(capture_source *src, const mtcam_frame **frame, int timeout_ms)
{
    fake_camera *c = (fake_camera *)src;
    if ((int)c->seq >= c->frames_before_fail) {
        if (c->fail_code == MTCNN_ETIMEOUT) {
            mtcam_sleep_ms(timeout_ms);
            return mtcam_set_error(MTCNN_ETIMEOUT, "%s: no frame for %d ms", src->spec,
                                   timeout_ms);
        }
        return mtcam_set_error(c->fail_code, "%s: device unplugged or failed (ENODEV)",
                               src->spec);
    }
    mtcam_sleep_ms(2);
    memset(c->frame.data, 0x40, (size_t)c->frame.stride * (size_t)c->frame.height);
    c->frame.seq = c->seq++;
    c->frame.timestamp_ns = mtcam_now_ns();
    *frame = &c->frame;
    return 0;
}

static void fake_close(capture_source *src) { mtcam_frame_free(&((fake_camera *)src)->frame); }

static const capture_source_ops fake_ops = {"fake", 1, fake_read, fake_close};
static const capture_source_ops fake_file_ops = {"fake-file", 0, fake_read, fake_close};

static capture_source *fake_open(const char *reopen_spec, int frames, int code,
                                 const capture_source_ops *ops)
{
    capture_options o;
    capture_options_default(&o);
    o.loop = 0;
    o.as_fast_as_possible = 1;
    fake_camera *c = (fake_camera *)capture__source_new(sizeof *c, ops, reopen_spec, &o);
    if (!c || mtcam_frame_alloc(&c->frame, 40, 8) != 0)
        return NULL;
    c->frames_before_fail = frames;
    c->fail_code = code;
    snprintf(c->base.description, sizeof c->base.description, "fake camera");
    return &c->base;
}

/* The camera "unplugs" after 3 frames; the thread reopens its spec (here a Y4M file, so the
 * reopening is real) and the frames go on with continuing sequence numbers. */
static int reopen_after_unplug(void)
{
    char dir[64] = "", path[128];
    capture_source *y4m;
    int rc = open_y4m(dir, sizeof dir, path, sizeof path, 5, 25, 1, &y4m);
    if (rc)
        return rc;
    capture_close(y4m);
    capture_source *cam = fake_open(path, 3, MTCNN_ENODEV, &fake_ops);
    CHECK(cam);
    capture_thread_options to = {.backoff_min_ms = 20, .backoff_max_ms = 40};
    capture_thread *th;
    CHECK(capture_thread_start(cam, &to, &th) == 0);
    mtcam_frame f = {0};
    uint64_t seq, last = 0;
    int got = 0;
    while ((rc = capture_thread_wait(th, &f, &seq, 3000)) == 1) {
        CHECK(got == 0 || seq > last);
        last = seq;
        got++;
        mtcam_sleep_ms(1);
    }
    CHECK_INT_EQ(rc, MTCNN_EEOF);
    capture_thread_stats st;
    capture_thread_get_stats(th, &st);
    CHECK_INT_EQ(st.reopens, 1);
    CHECK_INT_EQ(st.captured, 3 + 5);
    CHECK_INT_EQ(last, 7);
    CHECK_STR_CONTAINS(st.source, "clip.y4m: Y4M 40x8");
    capture_thread_stop(th);
    mtcam_frame_free(&f);
    tu_rmtree(dir);
    return 0;
}

/* Waits up to ms for the status to contain `text`; returns its last stats. */
static int wait_status(capture_thread *th, const char *text, int ms, capture_thread_stats *st)
{
    int64_t t0 = mtcam_now_ns();
    do {
        capture_thread_get_stats(th, st);
        if (strstr(st->status, text))
            return 1;
        mtcam_sleep_ms(5);
    } while (mtcam_ms_since(t0) < ms);
    return 0;
}

/* A camera that stops sending is reported stalled, then closed and reopened; when reopening
 * fails (the device is gone) the status says why and the attempts go on until stop, which
 * returns promptly. */
static int stall_then_gone(void)
{
    capture_source *cam = fake_open("/dev/video99", 2, MTCNN_ETIMEOUT, &fake_ops);
    CHECK(cam);
    capture_thread_options to = {.read_timeout_ms = 50, .stall_ms = 400, .backoff_min_ms = 30,
                                 .backoff_max_ms = 60};
    capture_thread *th;
    CHECK(capture_thread_start(cam, &to, &th) == 0);
    capture_thread_stats st;
    CHECK_MSG(wait_status(th, "no frame for", 2000, &st), "status: %s", st.status);
    CHECK_MSG(wait_status(th, "camera stalled", 2000, &st), "status: %s", st.status);
    CHECK_MSG(wait_status(th, "/dev/video99: no such device", 3000, &st), "status: %s",
              st.status);
    CHECK_INT_EQ(st.state, CAPTURE_THREAD_REOPENING);
    CHECK_STR_CONTAINS(st.status, "reopening in");
    CHECK_INT_EQ(st.captured, 2);
    mtcam_frame f = {0};
    CHECK_INT_EQ(capture_thread_latest(th, &f, NULL), 1); /* the last good frame is kept */
    CHECK_INT_EQ(capture_thread_latest(th, &f, NULL), 0); /* and not handed out twice */
    CHECK_INT_EQ(capture_thread_wait(th, &f, NULL, 30), 0);
    int64_t t0 = mtcam_now_ns();
    capture_thread_stop(th);
    double ms = mtcam_ms_since(t0);
    CHECK_MSG(ms < 500, "stop took %.0f ms", ms);
    mtcam_frame_free(&f);
    return 0;
}

/* A source that is not a camera fails for good: the consumer gets the error and message. */
static int file_failure_is_final(void)
{
    capture_source *file = fake_open("broken-file", 1, MTCNN_EIO, &fake_file_ops);
    CHECK(file);
    capture_thread *th;
    CHECK(capture_thread_start(file, NULL, &th) == 0);
    mtcam_frame f = {0};
    CHECK_INT_EQ(capture_thread_wait(th, &f, NULL, 2000), 1);
    int rc = capture_thread_wait(th, &f, NULL, 2000);
    CHECK_INT_EQ(rc, MTCNN_EIO);
    CHECK_STR_CONTAINS(mtcam_last_error(), "broken-file: device unplugged or failed");
    capture_thread_stats st;
    capture_thread_get_stats(th, &st);
    CHECK_INT_EQ(st.state, CAPTURE_THREAD_FAILED);
    CHECK_STR_CONTAINS(capture_thread_state_name(st.state), "failed");
    capture_thread_stop(th);
    mtcam_frame_free(&f);
    return 0;
}

/* Warnings of the source, as the app prints them: collected from the capture thread. */
typedef struct warning_log {
    pthread_mutex_t lock;
    int n;
    char text[8][600];
} warning_log;

static void log_warning(void *user, const char *message)
{
    warning_log *log = user;
    pthread_mutex_lock(&log->lock);
    if (log->n < 8)
        snprintf(log->text[log->n], sizeof log->text[0], "%s", message);
    log->n++;
    pthread_mutex_unlock(&log->lock);
}

/* Issue 18: a looping folder in which nothing decodes (a JPEG cut at 2,000 bytes, a text
 * file named .jpg) made the thread spin through it forever. Now each file is reported once
 * and the thread ends with an error naming the folder after one pass. */
static int undecodable_folder_fails(void)
{
    char dir[64], path[128];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    size_t size;
    uint8_t *jpeg = check_read_file(MTCAM_SOURCE_ASSETS_DIR "/demo/eileen-collins.jpg", &size);
    CHECK(jpeg && size > 2000);
    snprintf(path, sizeof path, "%s/cut.jpg", dir);
    CHECK(tu_write_file(path, jpeg, 2000) == 0);
    free(jpeg);
    snprintf(path, sizeof path, "%s/text.jpg", dir);
    CHECK(tu_write_file(path, "not an image\n", 13) == 0);
    warning_log log = {.n = 0};
    pthread_mutex_init(&log.lock, NULL);
    capture_options o;
    capture_options_default(&o); /* looping, as the app opens it */
    o.as_fast_as_possible = 1;
    o.on_warning = log_warning;
    o.warning_user = &log;
    capture_source *src;
    CHECK(capture_open(dir, &o, &src) == 0);
    capture_thread *th;
    CHECK(capture_thread_start(src, NULL, &th) == 0);
    mtcam_frame f = {0};
    /* Ends within one pass; the long timeout is only a guard against the old spin. */
    int rc = capture_thread_wait(th, &f, NULL, 20000);
    CHECK_INT_EQ(rc, MTCNN_ENOTFOUND);
    CHECK_STR_CONTAINS(mtcam_last_error(), dir);
    CHECK_STR_CONTAINS(mtcam_last_error(), "none of the 1 images in the folder could be decoded");
    capture_thread_stats st;
    capture_thread_get_stats(th, &st);
    CHECK_INT_EQ(st.state, CAPTURE_THREAD_FAILED);
    CHECK_INT_EQ(st.captured, 0);
    capture_thread_stop(th);
    pthread_mutex_lock(&log.lock);
    CHECK_INT_EQ(log.n, 2); /* once each */
    CHECK_STR_CONTAINS(log.text[0], "text.jpg: skipped, not a JPEG, PNG or PPM image");
    CHECK_STR_CONTAINS(log.text[1], "cut.jpg: truncated JPEG data");
    pthread_mutex_unlock(&log.lock);
    pthread_mutex_destroy(&log.lock);
    mtcam_frame_free(&f);
    tu_rmtree(dir);
    return 0;
}

/* Corrupt frames are skipped and counted; the stream goes on. */
static int corrupt_frames_counted(void)
{
    char dir[64], path[128];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    snprintf(path, sizeof path, "%s/bad.avi", dir);
    size_t size;
    uint8_t *jpeg = check_read_file(MTCAM_CAPTURE_TEST_DIR "/data/frame1.jpg", &size);
    CHECK(jpeg);
    static const uint8_t garbage[32] = {0xFF, 0xD8, 0xFF, 0xDB, 9, 9, 9};
    const uint8_t *j[4] = {jpeg, garbage, jpeg, garbage};
    size_t sizes[4] = {size, sizeof garbage, size, sizeof garbage};
    CHECK(tu_write_avi(path, j, sizes, 4, 64, 48, 25, TU_AVI_IDX1) == 0);
    free(jpeg);
    capture_options o;
    capture_options_default(&o);
    o.loop = 0;
    o.as_fast_as_possible = 1;
    capture_source *src;
    CHECK(capture_open(path, &o, &src) == 0);
    capture_thread *th;
    CHECK(capture_thread_start(src, NULL, &th) == 0);
    mtcam_frame f = {0};
    int rc;
    while ((rc = capture_thread_wait(th, &f, NULL, 2000)) == 1) {
    }
    CHECK_INT_EQ(rc, MTCNN_EEOF);
    capture_thread_stats st;
    capture_thread_get_stats(th, &st);
    CHECK_INT_EQ(st.corrupt, 2);
    CHECK_INT_EQ(st.captured, 2);
    capture_thread_stop(th);
    mtcam_frame_free(&f);
    tu_rmtree(dir);
    return 0;
}

/* Stopping right after starting, and stopping a demo running at full speed. */
static int start_stop(void)
{
    capture_thread_stop(NULL);
    capture_thread *th = (capture_thread *)1;
    CHECK_INT_EQ(capture_thread_start(NULL, NULL, &th), MTCNN_EINVAL);
    CHECK(th == NULL);
    for (int i = 0; i < 3; i++) {
        capture_options o;
        capture_options_default(&o);
        o.as_fast_as_possible = 1;
        o.width = 64;
        o.height = 48;
        capture_source *src;
        CHECK_MSG(capture_open("demo", &o, &src) == 0, "%s", mtcam_last_error());
        CHECK(capture_thread_start(src, NULL, &th) == 0);
        mtcam_frame f = {0};
        if (i > 0)
            CHECK_INT_EQ(capture_thread_wait(th, &f, NULL, 2000), 1);
        if (i > 1)
            mtcam_sleep_ms(50);
        capture_thread_stop(th);
        mtcam_frame_free(&f);
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"newest_only", newest_only},
        {"paced_no_drops", paced_no_drops},
        {"lossless_slow_consumer", lossless_slow_consumer},
        {"reopen_after_unplug", reopen_after_unplug},
        {"stall_then_gone", stall_then_gone},
        {"file_failure_is_final", file_failure_is_final},
        {"corrupt_frames_counted", corrupt_frames_counted},
        {"undecodable_folder_fails", undecodable_folder_fails},
        {"start_stop", start_stop},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
