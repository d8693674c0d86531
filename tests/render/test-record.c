/* The recorder thread: what is pushed ends up in a playable AVI (ffprobe), a full queue drops
 * and counts instead of blocking, and a write failure stops the recording with a playable file
 * and an error naming it. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "clock.h"
#include "err.h"
#include "probe.h"
#include "record.h"

static void fill(mtcam_frame *f, int k)
{
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++) {
            uint8_t *p = f->data + y * f->stride + 3 * x;
            p[0] = (uint8_t)(x + k);
            p[1] = (uint8_t)(y * 2);
            p[2] = (uint8_t)((x ^ y) + 5 * k);
        }
    f->seq = (uint64_t)k;
}

static int test_records_every_frame(void)
{
    if (!probe_have_ffprobe())
        SKIP("ffprobe not found (install ffmpeg)");
    const char *dir = probe_temp_dir("rec");
    CHECK(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/rec.avi", dir);
    record_options o = {.width = 320, .height = 240, .fps = 15, .queue_frames = 64};
    recorder *r;
    CHECK_INT_EQ(record_start(path, &o, &r), 0);
    mtcam_frame f = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&f, 320, 240), 0);
    for (int i = 0; i < 30; i++) {
        fill(&f, i);
        CHECK_INT_EQ(record_push(r, &f), 1);
        mtcam_sleep_ms(2);
    }
    record_status st;
    record_get_status(r, &st);
    CHECK_INT_EQ(st.failed, 0);
    CHECK_INT_EQ(st.frames_dropped, 0);
    record_status fin;
    CHECK_INT_EQ(record_stop(r, &fin), 0);
    CHECK_INT_EQ(fin.frames_written, 30);
    CHECK_INT_EQ(fin.frames_dropped, 0);
    CHECK(fin.bytes > 30 * 1000);
    mtcam_frame_free(&f);
    CHECK_INT_EQ(probe_expect_avi(path, 30, 320, 240, "15/1"), 0);
    probe_remove_dir(dir);
    return 0;
}

/* A two-frame queue fed as fast as possible: frames are dropped and counted, push stays fast. */
static int test_full_queue_drops(void)
{
    if (!probe_have_ffprobe())
        SKIP("ffprobe not found (install ffmpeg)");
    const char *dir = probe_temp_dir("rec");
    CHECK(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/drops.avi", dir);
    record_options o = {.width = 640, .height = 480, .fps = 30, .queue_frames = 2};
    recorder *r;
    CHECK_INT_EQ(record_start(path, &o, &r), 0);
    mtcam_frame f = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&f, 640, 480), 0);
    fill(&f, 1);
    int queued = 0, dropped = 0;
    double worst_ms = 0;
    for (int i = 0; i < 100; i++) {
        int64_t t0 = mtcam_now_ns();
        int rc = record_push(r, &f);
        double ms = mtcam_ms_since(t0);
        if (ms > worst_ms)
            worst_ms = ms;
        CHECK(rc == 0 || rc == 1);
        queued += rc;
        dropped += !rc;
    }
    /* A 640x480 copy is well under a millisecond; encoding one would take several. */
    CHECK_MSG(worst_ms < 40, "record_push took %.1f ms", worst_ms);
    CHECK_MSG(dropped > 0, "nothing dropped with a 2-frame queue");
    mtcam_frame small = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&small, 32, 32), 0);
    CHECK_INT_EQ(record_push(r, &small), 0); /* wrong size: dropped */
    mtcam_frame_free(&small);
    record_status fin;
    CHECK_INT_EQ(record_stop(r, &fin), 0);
    CHECK_INT_EQ(fin.frames_written, queued);
    CHECK_INT_EQ(fin.frames_dropped, dropped + 1);
    mtcam_frame_free(&f);
    probe_video v;
    CHECK_INT_EQ(probe_avi(path, &v), 0);
    CHECK_INT_EQ(v.frames, queued);
    probe_remove_dir(dir);
    return 0;
}

/* RLIMIT_FSIZE in a child stands in for a full disk. */
static int test_write_error_stops_cleanly(void)
{
    if (!probe_have_ffprobe())
        SKIP("ffprobe not found (install ffmpeg)");
    const char *dir = probe_temp_dir("rec");
    CHECK(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/full.avi", dir);
    int fds[2];
    CHECK_INT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {100000, 100000};
        setrlimit(RLIMIT_FSIZE, &rl);
        record_options o = {.width = 320, .height = 240, .fps = 25, .queue_frames = 4};
        recorder *r;
        if (record_start(path, &o, &r) < 0)
            _exit(10);
        mtcam_frame f = {0};
        mtcam_frame_alloc(&f, 320, 240);
        int rc = 0;
        for (int i = 0; i < 2000 && rc >= 0; i++) {
            fill(&f, i);
            rc = record_push(r, &f);
            mtcam_sleep_ms(1);
        }
        record_status st;
        record_get_status(r, &st);
        int src = record_stop(r, NULL);
        mtcam_frame_free(&f);
        int64_t written = st.frames_written;
        if (write(fds[1], &written, sizeof written) != (ssize_t)sizeof written)
            _exit(11);
        fprintf(stderr, "push %d, stop %d: %s; status: failed %d, %lld written, '%s'\n", rc,
                src, mtcam_last_error(), st.failed, (long long)written, st.error);
        int ok = rc == MTCNN_ENOSPC && src == MTCNN_ENOSPC && st.failed &&
                 strstr(st.error, "full.avi") && strstr(mtcam_last_error(), "full.avi");
        _exit(ok ? 0 : 12);
    }
    close(fds[1]);
    int64_t written = -1;
    if (read(fds[0], &written, sizeof written) != (ssize_t)sizeof written)
        written = -1;
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st));
    CHECK_INT_EQ(WEXITSTATUS(st), 0);
    CHECK(written > 0);
    probe_video v;
    CHECK_INT_EQ(probe_avi(path, &v), 0);
    CHECK_INT_EQ(v.frames, written);
    probe_remove_dir(dir);
    return 0;
}

static int test_bad_start(void)
{
    recorder *r = NULL;
    record_options o = {.width = 0, .height = 10, .fps = 10};
    CHECK_INT_EQ(record_start("/tmp/x.avi", &o, &r), MTCNN_EINVAL);
    o.width = 10;
    CHECK(record_start("/nonexistent-dir/rec.avi", &o, &r) < 0);
    CHECK(r == NULL);
    CHECK_STR_CONTAINS(mtcam_last_error(), "/nonexistent-dir/rec.avi");
    CHECK_INT_EQ(record_stop(NULL, NULL), 0);
    return 0;
}

/* Issue 18: the header's rate is the one the frames came at when asked to measure it (a
 * camera's granted rate is nominal): frames stamped 100 ms apart, started at a nominal 25 fps,
 * play at 10 fps. Timestamps are set, not waited for, so the test takes no time. */
static int test_measured_rate(void)
{
    if (!probe_have_ffprobe())
        SKIP("ffprobe not found (install ffmpeg)");
    const char *dir = probe_temp_dir("rec");
    CHECK(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/rate.avi", dir);
    /* 40 frames: past two header refreshes (every 16), so the refresh writes the rate too. */
    record_options o = {.width = 64, .height = 48, .fps = 25, .queue_frames = 64,
                        .measure_fps = 1};
    recorder *r;
    CHECK_INT_EQ(record_start(path, &o, &r), 0);
    mtcam_frame f = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&f, 64, 48), 0);
    for (int i = 0; i < 40; i++) {
        fill(&f, i);
        f.timestamp_ns = 5000000000LL + (int64_t)i * 100000000LL;
        CHECK_INT_EQ(record_push(r, &f), 1);
    }
    record_status fin;
    CHECK_INT_EQ(record_stop(r, &fin), 0);
    CHECK_INT_EQ(fin.frames_written, 40);
    CHECK_NEAR(fin.fps, 10.0, 1e-6);
    mtcam_frame_free(&f);
    CHECK_INT_EQ(probe_expect_avi(path, 40, 64, 48, "10/1"), 0);
    /* Without measure_fps the given rate stays, whatever the timestamps. */
    snprintf(path, sizeof path, "%s/fixed.avi", dir);
    o.measure_fps = 0;
    o.fps = 12.5;
    CHECK_INT_EQ(record_start(path, &o, &r), 0);
    CHECK_INT_EQ(mtcam_frame_alloc(&f, 64, 48), 0);
    for (int i = 0; i < 20; i++) {
        fill(&f, i);
        f.timestamp_ns = (int64_t)i * 100000000LL;
        CHECK_INT_EQ(record_push(r, &f), 1);
    }
    CHECK_INT_EQ(record_stop(r, &fin), 0);
    mtcam_frame_free(&f);
    CHECK_INT_EQ(probe_expect_avi(path, 20, 64, 48, "25/2"), 0);
    probe_remove_dir(dir);
    return 0;
}

static void fill_colour(mtcam_frame *f, uint8_t r, uint8_t g, uint8_t b)
{
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++) {
            uint8_t *p = f->data + y * f->stride + 3 * x;
            p[0] = r;
            p[1] = g;
            p[2] = b;
        }
}

/* Frame n of an AVI as w x h RGB24, decoded by ffmpeg (an independent reader). */
static int decode_frame(const char *path, int n, int w, int h, uint8_t *rgb)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "ffmpeg -v error -i '%s' -vf 'select=eq(n\\,%d)' -frames:v 1 -f rawvideo "
             "-pix_fmt rgb24 -",
             path, n);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t want = (size_t)w * (size_t)h * 3, got = fread(rgb, 1, want, p);
    return pclose(p) == 0 && got == want ? 0 : -1;
}

/* The pixel at (x, y) is within 12 of (r, g, b) (JPEG's error on flat colour). */
static int near_colour(const uint8_t *rgb, int w, int x, int y, int r, int g, int b)
{
    const uint8_t *p = rgb + ((size_t)y * (size_t)w + (size_t)x) * 3;
    CHECK_MSG(abs(p[0] - r) <= 12 && abs(p[1] - g) <= 12 && abs(p[2] - b) <= 12,
              "(%d, %d) is %d %d %d, expected %d %d %d", x, y, p[0], p[1], p[2], r, g, b);
    return 0;
}

/* Issue 18: frames of another size than the recording's (a folder of images of different
 * sizes) were dropped without a word; they are letterboxed: scaled to fit, black bars. */
static int test_other_sizes_letterboxed(void)
{
    if (!probe_have_ffprobe() || system("ffmpeg -version >/dev/null 2>&1") != 0)
        SKIP("ffmpeg/ffprobe not found (install ffmpeg)");
    const char *dir = probe_temp_dir("rec");
    CHECK(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/sizes.avi", dir);
    record_options o = {.width = 320, .height = 240, .fps = 10, .queue_frames = 8};
    recorder *r;
    CHECK_INT_EQ(record_start(path, &o, &r), 0);
    mtcam_frame same = {0}, tall = {0}, wide = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&same, 320, 240), 0);
    CHECK_INT_EQ(mtcam_frame_alloc(&tall, 160, 240), 0); /* 2:3 -> 160x240 at x 80 */
    CHECK_INT_EQ(mtcam_frame_alloc(&wide, 640, 120), 0); /* 16:3 -> 320x60 at y 90 */
    fill_colour(&same, 128, 128, 128);
    fill_colour(&tall, 200, 40, 40);
    fill_colour(&wide, 40, 200, 40);
    CHECK_INT_EQ(record_push(r, &same), 1);
    CHECK_INT_EQ(record_push(r, &tall), 1);
    CHECK_INT_EQ(record_push(r, &wide), 1);
    record_status fin;
    CHECK_INT_EQ(record_stop(r, &fin), 0);
    CHECK_INT_EQ(fin.frames_written, 3);
    CHECK_INT_EQ(fin.frames_dropped, 0);
    CHECK_INT_EQ(fin.frames_scaled, 2);
    mtcam_frame_free(&same);
    mtcam_frame_free(&tall);
    mtcam_frame_free(&wide);
    CHECK_INT_EQ(probe_expect_avi(path, 3, 320, 240, "10/1"), 0);
    uint8_t *rgb = malloc(320 * 240 * 3);
    CHECK(rgb);
    CHECK_INT_EQ(decode_frame(path, 1, 320, 240, rgb), 0);
    int fails = near_colour(rgb, 320, 160, 120, 200, 40, 40) || /* the picture, centred */
                near_colour(rgb, 320, 90, 10, 200, 40, 40) ||
                near_colour(rgb, 320, 30, 120, 0, 0, 0) || /* bars left and right */
                near_colour(rgb, 320, 290, 120, 0, 0, 0);
    CHECK_INT_EQ(decode_frame(path, 2, 320, 240, rgb), 0);
    fails = fails || near_colour(rgb, 320, 160, 120, 40, 200, 40) ||
            near_colour(rgb, 320, 10, 100, 40, 200, 40) ||
            near_colour(rgb, 320, 160, 40, 0, 0, 0) || /* bars above and below */
            near_colour(rgb, 320, 160, 200, 0, 0, 0);
    free(rgb);
    probe_remove_dir(dir);
    return fails;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"records_every_frame", test_records_every_frame},
        {"full_queue_drops", test_full_queue_drops},
        {"write_error_stops_cleanly", test_write_error_stops_cleanly},
        {"bad_start", test_bad_start},
        {"measured_rate", test_measured_rate},
        {"other_sizes_letterboxed", test_other_sizes_letterboxed},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
