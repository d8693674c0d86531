/* The MJPEG AVI writer, checked by ffprobe: frame counts, sizes, rates, splitting into parts,
 * and that files stay playable after a full disk, a file-size limit or a killed process. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "avi-write.h"
#include "check.h"
#include "err.h"
#include "probe.h"

#define NEED_FFPROBE()                                                                        \
    do {                                                                                      \
        if (!probe_have_ffprobe())                                                            \
            SKIP("ffprobe not found (install ffmpeg): it is the independent AVI reader");     \
    } while (0)

/* Writes n frames of w x h; returns the writer's result of close (or of the first failure). */
static int write_frames(const char *path, int w, int h, double fps, int n, int64_t max_part,
                        int64_t *frames_out, int *parts_out)
{
    avi_writer_options o = {.width = w, .height = h, .fps = fps, .max_part_bytes = max_part};
    avi_writer *aw;
    int rc = avi_writer_open(path, &o, &aw);
    if (rc < 0)
        return rc;
    for (int i = 0; i < n && rc == 0; i++) {
        uint8_t *jpeg;
        size_t size;
        if (probe_make_jpeg(w, h, i, &jpeg, &size) < 0)
            return -100;
        rc = avi_writer_add_jpeg(aw, jpeg, size);
        free(jpeg);
    }
    if (frames_out)
        *frames_out = avi_writer_frames(aw);
    if (parts_out)
        *parts_out = avi_writer_parts(aw);
    int crc = avi_writer_close(aw);
    return rc ? rc : crc;
}

static int test_basic(void)
{
    NEED_FFPROBE();
    const char *dir = probe_temp_dir("avi");
    CHECK(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/basic.avi", dir);
    int64_t frames = 0;
    CHECK_INT_EQ(write_frames(path, 160, 120, 25.0, 37, 0, &frames, NULL), 0);
    CHECK_INT_EQ(frames, 37);
    CHECK_INT_EQ(probe_expect_avi(path, 37, 160, 120, "25/1"), 0);
    probe_remove_dir(dir);
    return 0;
}

/* Odd sizes (padding bytes), a fractional rate. */
static int test_odd_size_fractional_rate(void)
{
    NEED_FFPROBE();
    const char *dir = probe_temp_dir("avi");
    CHECK(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/odd.avi", dir);
    CHECK_INT_EQ(write_frames(path, 97, 61, 29.97, 11, 0, NULL, NULL), 0);
    CHECK_INT_EQ(probe_expect_avi(path, 11, 97, 61, "2997/100"), 0);
    probe_remove_dir(dir);
    return 0;
}

/* A small part limit splits the recording into numbered files, each playable. */
static int test_split_parts(void)
{
    NEED_FFPROBE();
    const char *dir = probe_temp_dir("avi");
    CHECK(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/split.avi", dir);
    int64_t frames = 0;
    int parts = 0;
    CHECK_INT_EQ(write_frames(path, 64, 48, 10.0, 50, 16 * 1024, &frames, &parts), 0);
    CHECK_INT_EQ(frames, 50);
    CHECK_MSG(parts >= 3, "expected several parts, got %d", parts);
    long total = 0;
    for (int p = 1; p <= parts; p++) {
        char name[700];
        avi_writer_part_name(path, p, name, sizeof name);
        struct stat st;
        CHECK_MSG(stat(name, &st) == 0, "%s missing", name);
        CHECK_MSG(st.st_size <= 16 * 1024, "%s: %lld bytes > limit", name, (long long)st.st_size);
        probe_video v;
        CHECK_INT_EQ(probe_avi(name, &v), 0);
        CHECK(v.frames > 0);
        CHECK_INT_EQ(v.width, 64);
        total += v.frames;
    }
    CHECK_INT_EQ(total, 50);
    char name[700];
    avi_writer_part_name(path, 2, name, sizeof name);
    CHECK_STR_CONTAINS(name, "split-part2.avi");
    probe_remove_dir(dir);
    return 0;
}

static int test_never_overwrites(void)
{
    const char *dir = probe_temp_dir("avi");
    CHECK(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/exists.avi", dir);
    FILE *f = fopen(path, "w");
    CHECK(f);
    fputs("precious", f);
    fclose(f);
    avi_writer_options o = {.width = 8, .height = 8, .fps = 5, .exclusive = 1};
    avi_writer *w = NULL;
    CHECK_INT_EQ(avi_writer_open(path, &o, &w), MTCNN_EBUSY);
    CHECK(w == NULL);
    CHECK_STR_CONTAINS(mtcam_last_error(), "exists.avi");
    struct stat st;
    CHECK_INT_EQ(stat(path, &st), 0);
    CHECK_INT_EQ(st.st_size, 8);
    probe_remove_dir(dir);
    return 0;
}

static int test_bad_arguments(void)
{
    avi_writer *w = NULL;
    avi_writer_options o = {.width = 0, .height = 8, .fps = 5};
    CHECK_INT_EQ(avi_writer_open("/tmp/never.avi", &o, &w), MTCNN_EINVAL);
    o.width = 8;
    o.fps = 0;
    CHECK_INT_EQ(avi_writer_open("/tmp/never.avi", &o, &w), MTCNN_EINVAL);
    o.fps = 5;
    CHECK(avi_writer_open("/nonexistent-dir/x.avi", &o, &w) < 0);
    CHECK_STR_CONTAINS(mtcam_last_error(), "/nonexistent-dir/x.avi");
    CHECK_INT_EQ(avi_writer_add_jpeg(NULL, "x", 1), MTCNN_EINVAL);
    CHECK_INT_EQ(avi_writer_close(NULL), 0);
    return 0;
}

/* Runs write_frames in a child (so limits and signals stay there). The child exits with 0 when
 * the writer reported MTCNN_ENOSPC with frames written, 1 otherwise. */
static int child_write_until_full(const char *path, rlim_t fsize_limit, int64_t *frames)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (fsize_limit) {
            signal(SIGXFSZ, SIG_IGN); /* then write fails with EFBIG instead of killing us */
            struct rlimit rl = {fsize_limit, fsize_limit};
            if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
                _exit(3);
        }
        int64_t n = 0;
        int rc = write_frames(path, 320, 240, 25.0, 400, 0, &n, NULL);
        fprintf(stderr, "writer stopped: rc %d (%s), %lld frames\n", rc, mtcam_last_error(),
                (long long)n);
        if (write(fds[1], &n, sizeof n) != (ssize_t)sizeof n)
            _exit(4);
        _exit(rc == MTCNN_ENOSPC && strstr(mtcam_last_error(), path) ? 0 : 1);
    }
    close(fds[1]);
    *frames = -1;
    if (read(fds[0], frames, sizeof *frames) != (ssize_t)sizeof *frames)
        *frames = -1;
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* RLIMIT_FSIZE stands in for a full disk: the write fails with EFBIG part way into a frame. */
static int test_file_size_limit(void)
{
    NEED_FFPROBE();
    const char *dir = probe_temp_dir("avi");
    CHECK(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/limited.avi", dir);
    int64_t frames = -1;
    CHECK_INT_EQ(child_write_until_full(path, 150 * 1000, &frames), 0);
    CHECK_MSG(frames > 5 && frames < 400, "frames written: %lld", (long long)frames);
    probe_video v;
    CHECK_INT_EQ(probe_avi(path, &v), 0);
    CHECK_INT_EQ(v.frames, frames);
    CHECK_INT_EQ(v.width, 320);
    probe_remove_dir(dir);
    return 0;
}

/* A real full disk: a 200 KiB tmpfs (needs the right to mount, else skipped). */
static int test_full_disk_tmpfs(void)
{
    NEED_FFPROBE();
    const char *dir = probe_temp_dir("avi");
    CHECK(dir);
    if (mount("tmpfs", dir, "tmpfs", 0, "size=200k") < 0) {
        int err = errno;
        probe_remove_dir(dir);
        SKIP("cannot mount a small tmpfs (%s); test_file_size_limit covers the same path",
             strerror(err));
    }
    char path[600];
    snprintf(path, sizeof path, "%s/full.avi", dir);
    int64_t frames = -1;
    int child = child_write_until_full(path, 0, &frames);
    probe_video v;
    int probed = probe_avi(path, &v);
    umount(dir);
    probe_remove_dir(dir);
    CHECK_INT_EQ(child, 0);
    CHECK_MSG(frames > 5 && frames < 400, "frames written: %lld", (long long)frames);
    CHECK_INT_EQ(probed, 0);
    CHECK_INT_EQ(v.frames, frames);
    return 0;
}

/* A process killed mid-recording (no close, no index) still leaves a file ffprobe reads. */
static int test_killed_writer(void)
{
    NEED_FFPROBE();
    const char *dir = probe_temp_dir("avi");
    CHECK(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/killed.avi", dir);
    pid_t pid = fork();
    if (pid == 0) {
        avi_writer_options o = {.width = 64, .height = 48, .fps = 25};
        avi_writer *w;
        if (avi_writer_open(path, &o, &w) < 0)
            _exit(1);
        for (int i = 0; i < 40; i++) {
            uint8_t *jpeg;
            size_t size;
            probe_make_jpeg(64, 48, i, &jpeg, &size);
            avi_writer_add_jpeg(w, jpeg, size);
            free(jpeg);
        }
        raise(SIGKILL);
        _exit(2);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st));
    probe_video v;
    CHECK_INT_EQ(probe_avi(path, &v), 0);
    /* The header was last refreshed at frame 33 (every 16 frames); ffprobe may scan further. */
    CHECK_MSG(v.frames >= 33 && v.frames <= 40, "frames read back: %ld", v.frames);
    probe_remove_dir(dir);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"basic", test_basic},
        {"odd_size_fractional_rate", test_odd_size_fractional_rate},
        {"split_parts", test_split_parts},
        {"never_overwrites", test_never_overwrites},
        {"bad_arguments", test_bad_arguments},
        {"file_size_limit", test_file_size_limit},
        {"full_disk_tmpfs", test_full_disk_tmpfs},
        {"killed_writer", test_killed_writer},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
