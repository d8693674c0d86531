/* FMA throughput with AVX2 + FMA: 12 independent YMM chains (two FMA pipes x latency 4, with
 * room to spare). Built with -mavx2 -mfma for this file only. */
#include <immintrin.h>

#include "bench-peak.h"

double bench_peak_loop_avx2(long iters)
{
    __m256 a[12];
    const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < 12; i++)
        a[i] = _mm256_set1_ps((float)i);
    for (long it = 0; it < iters; it++) {
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++)
            a[i] = _mm256_fmadd_ps(a[i], m, c);
    }
    __m256 s = a[0];
    for (int i = 1; i < 12; i++)
        s = _mm256_add_ps(s, a[i]);
    volatile float sink = _mm256_cvtss_f32(s);
    (void)sink;
    return 2.0 * 8 * 12 * (double)iters;
}
