/* clock.h - monotonic time for measurements and frame timestamps; deadlines for timed waits. */
#pragma once

#include <stdint.h>
#include <time.h>

/* Nanoseconds from CLOCK_MONOTONIC. */
int64_t mtcam_now_ns(void);

/* The moment `ms` milliseconds from now on `clock`, as pthread_cond_timedwait takes it: pass
 * the clock the condition variable was made with (CLOCK_REALTIME unless its attributes said
 * otherwise). */
struct timespec mtcam_deadline(clockid_t clock, int ms);

static inline double mtcam_ms_since(int64_t start_ns)
{
    return (double)(mtcam_now_ns() - start_ns) * 1e-6;
}
