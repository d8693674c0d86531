/* fuzz-util.h - what several fuzz targets share: readers that take a path get the input
 * through a memory file of this process (memfd), named by its /proc/self/fd path. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Writes data to this process's scratch file `tag` (one per tag, rewritten every call) and
 * returns its path, valid until the next call with the same tag. Aborts when it cannot:
 * a harness that cannot set up its input must not pass silently. */
const char *fuzz_temp_file(const char *tag, const uint8_t *data, size_t size);

/* Clears this thread's error message, so fuzz_expect_message sees only what the call under
 * test said. */
void fuzz_clear_message(void);
/* Aborts unless a failed call left a message (every reader promises one). */
void fuzz_expect_message(void);
