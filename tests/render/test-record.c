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

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"records_every_frame", test_records_every_frame},
        {"full_queue_drops", test_full_queue_drops},
        {"write_error_stops_cleanly", test_write_error_stops_cleanly},
        {"bad_start", test_bad_start},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
