/* fuzz-util.c - see fuzz-util.h. */
#include "fuzz-util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

static char path[8][512];
static char tags[8][32];

static void remove_scratch(void)
{
    for (int i = 0; i < 8; i++)
        if (tags[i][0])
            unlink(path[i]);
}

static const char *scratch_dir(void)
{
    static char dir[256];
    if (!dir[0]) {
        /* Not /dev/shm: capture_open takes a path under /dev/ for a camera. */
        const char *base = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s", base && *base ? base : "/tmp");
    }
    return dir;
}

const char *fuzz_temp_file(const char *tag, const uint8_t *data, size_t size)
{
    int slot = 0;
    while (slot < 7 && tags[slot][0] && strcmp(tags[slot], tag) != 0)
        slot++;
    if (!tags[slot][0]) {
        if (slot == 0)
            atexit(remove_scratch);
        snprintf(tags[slot], sizeof tags[slot], "%s", tag);
        snprintf(path[slot], sizeof path[slot], "%s/mtcam-fuzz-%ld-%s", scratch_dir(),
                 (long)getpid(), tag);
    }
    int fd = open(path[slot], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        perror(path[slot]);
        abort();
    }
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0) {
            perror(path[slot]);
            abort();
        }
        done += (size_t)n;
    }
    close(fd);
    return path[slot];
}

void fuzz_clear_message(void) { (void)mtcam_set_error(0, "%s", ""); }

void fuzz_expect_message(void)
{
    if (mtcam_last_error()[0] == '\0') {
        fprintf(stderr, "fuzz: a call failed without a message\n");
        abort();
    }
}
