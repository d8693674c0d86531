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

/* Sleeps the whole time, resuming after signals (nothing when ns <= 0). */
void mtcam_sleep_ns(int64_t ns);
static inline void mtcam_sleep_ms(int ms)
{
    mtcam_sleep_ns((int64_t)ms * 1000000);
}
