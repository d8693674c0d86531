/* FMA throughput with NEON: 16 independent 4-lane chains. */
#include <arm_neon.h>

#include "bench-peak.h"

double bench_peak_loop_neon(long iters)
{
    float32x4_t a[16];
    const float32x4_t m = vdupq_n_f32(0.999999f), c = vdupq_n_f32(1e-7f);
    for (int i = 0; i < 16; i++)
        a[i] = vdupq_n_f32((float)i);
    for (long it = 0; it < iters; it++) {
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++)
            a[i] = vfmaq_f32(c, a[i], m);
    }
    float32x4_t s = a[0];
    for (int i = 1; i < 16; i++)
        s = vaddq_f32(s, a[i]);
    volatile float sink = vaddvq_f32(s);
    (void)sink;
    return 2.0 * 4 * 16 * (double)iters;
}
