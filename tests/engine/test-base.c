/* test-base.c - the shared helpers of engine/base that several parts lean on: whole-file
 * reading with a limit, the executable's folder, deadlines for timed waits, sleeping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "clock.h"
#include "err.h"
#include "file.h"

static int read_file_limits(void)
{
    char path[] = "/tmp/mtcam-base-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    static const char text[] = "0123456789";
    CHECK_INT_EQ(write(fd, text, 10), 10);
    close(fd);
    unsigned char *data = NULL;
    size_t size = 0;
    /* Exactly at the limit: read whole. */
    int rc = mtcam_read_file(path, 10, &data, &size);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(size, 10);
    CHECK(memcmp(data, text, 10) == 0);
    free(data);
    /* One byte over: refused with the code callers may reword. */
    data = NULL;
    CHECK_INT_EQ(mtcam_read_file(path, 9, &data, &size), MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), "larger than 9 bytes");
    CHECK_STR_CONTAINS(mtcam_last_error(), path);
    CHECK(data == NULL);
    unlink(path);
    CHECK_INT_EQ(mtcam_read_file(path, 10, &data, &size), MTCNN_ENOTFOUND);
    CHECK_STR_CONTAINS(mtcam_last_error(), "cannot open");
    /* A device with no end: stops one byte past the limit. */
    CHECK_INT_EQ(mtcam_read_file("/dev/zero", 3u << 20, &data, &size), MTCNN_EFORMAT);
    /* A directory opens but does not read. */
    CHECK(mtcam_read_file("/tmp", 10, &data, &size) < 0);
    CHECK_STR_CONTAINS(mtcam_last_error(), "/tmp");
    return 0;
}

static int exe_dir(void)
{
    char dir[4096], self[4200];
    CHECK_INT_EQ(mtcam_exe_dir(dir, sizeof dir), 0);
    snprintf(self, sizeof self, "%s/test-base", dir);
    CHECK_MSG(access(self, X_OK) == 0, "%s is not this test program", self);
    CHECK_INT_EQ(mtcam_exe_dir(dir, 4), -1); /* too small: refused, not cut short */
    CHECK_INT_EQ(mtcam_exe_dir(dir, 0), -1);
    return 0;
}

static int deadline(void)
{
    static const int ms[] = {0, 1, 999, 1000, 1500, 60000};
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        struct timespec before, after;
        clock_gettime(CLOCK_MONOTONIC, &before);
        struct timespec d = mtcam_deadline(CLOCK_MONOTONIC, ms[i]);
        clock_gettime(CLOCK_MONOTONIC, &after);
        CHECK(d.tv_nsec >= 0 && d.tv_nsec < 1000000000L);
        long long dn = d.tv_sec * 1000000000LL + d.tv_nsec;
        long long lo = before.tv_sec * 1000000000LL + before.tv_nsec + ms[i] * 1000000LL;
        long long hi = after.tv_sec * 1000000000LL + after.tv_nsec + ms[i] * 1000000LL;
        CHECK_MSG(dn >= lo && dn <= hi, "%d ms: deadline %lld outside [%lld, %lld]", ms[i], dn, lo,
                  hi);
    }
    return 0;
}

static int sleep_whole(void)
{
    int64_t t0 = mtcam_now_ns();
    mtcam_sleep_ms(30);
    double ms = mtcam_ms_since(t0);
    CHECK_MSG(ms >= 30, "a 30 ms sleep took %.2f ms", ms);
    t0 = mtcam_now_ns();
    mtcam_sleep_ns(0);
    mtcam_sleep_ns(-5);
    ms = mtcam_ms_since(t0);
    CHECK_MSG(ms < 50, "sleeping no time took %.2f ms", ms);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"read_file_limits", read_file_limits},
        {"exe_dir", exe_dir},
        {"deadline", deadline},
        {"sleep_whole", sleep_whole},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
