/* fuzz-util.c - see fuzz-util.h. */
#define _GNU_SOURCE /* memfd_create */
#include "fuzz-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "err.h"

#define SLOTS 8

static int fds[SLOTS];
static char tags[SLOTS][32];
static char paths[SLOTS][64];

const char *fuzz_temp_file(const char *tag, const uint8_t *data, size_t size)
{
    int slot = 0;
    while (slot < SLOTS - 1 && tags[slot][0] && strcmp(tags[slot], tag) != 0)
        slot++;
    if (!tags[slot][0]) {
        /* A memory file, named by its /proc path: a file on disk rewritten per input made the
         * runs disk-bound (ext4 flushes a file truncated and written again), and /dev/shm
         * would not do (capture_open takes paths under /dev/ for cameras). */
        fds[slot] = memfd_create(tag, MFD_CLOEXEC);
        if (fds[slot] < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(tags[slot], sizeof tags[slot], "%s", tag);
        snprintf(paths[slot], sizeof paths[slot], "/proc/self/fd/%d", fds[slot]);
    }
    int fd = fds[slot];
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        if (n <= 0) {
            perror(paths[slot]);
            abort();
        }
        done += (size_t)n;
    }
    if (ftruncate(fd, (off_t)size) != 0) {
        perror(paths[slot]);
        abort();
    }
    return paths[slot];
}

void fuzz_clear_message(void) { (void)mtcam_set_error(0, "%s", ""); }

void fuzz_expect_message(void)
{
    if (mtcam_last_error()[0] == '\0') {
        fprintf(stderr, "fuzz: a call failed without a message\n");
        abort();
    }
}
