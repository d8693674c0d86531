/* bench-peak.c - times the FMA loop of one ISA until it has run long enough. */
#include "bench-peak.h"

#include <string.h>

#include "clock.h"

/* Scalar: 8 independent multiply-add chains, so the latency is hidden. */
double bench_peak_loop_scalar(long iters)
{
    volatile float seed = 1.0f;
    float a[8], m = 0.999999f, c = 1e-7f;
    for (int i = 0; i < 8; i++)
        a[i] = seed + (float)i;
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < 8; i++)
            a[i] = a[i] * m + c; /* mul + add: the scalar kernels do not fuse */
    float s = 0;
    for (int i = 0; i < 8; i++)
        s += a[i];
    seed = s; /* keeps the loop */
    return 2.0 * 8 * (double)iters;
}

double bench_peak_gflops(const char *isa, double seconds)
{
    double (*loop)(long) = NULL;
    if (!strcmp(isa, "scalar"))
        loop = bench_peak_loop_scalar;
#if defined(__x86_64__)
    else if (!strcmp(isa, "avx2"))
        loop = bench_peak_loop_avx2;
    else if (!strcmp(isa, "avx512"))
        loop = bench_peak_loop_avx512;
    else if (!strcmp(isa, "vnni"))
        loop = bench_peak_loop_vnni;
    else if (!strcmp(isa, "bf16"))
        loop = bench_peak_loop_bf16;
#endif
#if defined(__aarch64__)
    else if (!strcmp(isa, "neon"))
        loop = bench_peak_loop_neon;
#endif
    if (!loop)
        return 0;
    /* Grow the round count until one run takes 1/40 of the time asked, then keep the best
     * of 40 runs: on a shared machine short runs are the likeliest to go undisturbed, and
     * the peak is the undisturbed rate. */
    long iters = 1 << 16;
    double best = 0;
    for (;;) {
        const int64_t t0 = mtcam_now_ns();
        const double flops = loop(iters);
        const double s = (mtcam_now_ns() - t0) * 1e-9;
        if (s < seconds / 40) {
            iters *= 2;
            continue;
        }
        best = flops / s;
        for (int r = 0; r < 39; r++) {
            const int64_t t1 = mtcam_now_ns();
            const double f = loop(iters);
            const double g = f / ((mtcam_now_ns() - t1) * 1e-9);
            best = g > best ? g : best;
        }
        return best * 1e-9;
    }
}
