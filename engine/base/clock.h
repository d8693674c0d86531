/* clock.h - monotonic time for measurements and frame timestamps. */
#pragma once

#include <stdint.h>

/* Nanoseconds from CLOCK_MONOTONIC. */
int64_t mtcam_now_ns(void);

static inline double mtcam_ms_since(int64_t start_ns)
{
    return (double)(mtcam_now_ns() - start_ns) * 1e-6;
}
