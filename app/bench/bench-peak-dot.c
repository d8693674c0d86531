/* Throughput of the dot-product instructions the INT8 and BF16 options would run on, for
 * `mtcam-bench --peaks`: 16 independent ZMM chains of vpdpbusd (4 byte products per 32-bit
 * lane) or vdpbf16ps (2 BF16 products per float lane), counted as multiply-adds. Built with
 * AVX512_VNNI / AVX512_BF16 flags for this file only; called only where the CPU has them. */
#include <immintrin.h>

#include "bench-peak.h"

double bench_peak_loop_vnni(long iters)
{
    __m512i a[16];
    const __m512i x = _mm512_set1_epi32(0x01010101), y = _mm512_set1_epi32(0x01FF01FF);
    for (int i = 0; i < 16; i++)
        a[i] = _mm512_set1_epi32(i);
    for (long it = 0; it < iters; it++) {
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++)
            a[i] = _mm512_dpbusd_epi32(a[i], x, y);
    }
    __m512i s = a[0];
    for (int i = 1; i < 16; i++)
        s = _mm512_add_epi32(s, a[i]);
    volatile int sink = _mm512_reduce_add_epi32(s);
    (void)sink;
    return 2.0 * 64 * 16 * (double)iters;
}

double bench_peak_loop_bf16(long iters)
{
    __m512 a[16];
    const __m512bh x = (__m512bh)_mm512_set1_epi32(0x3F803F80); /* (1.0, 1.0) */
    const __m512bh y = (__m512bh)_mm512_set1_epi32(0x33D633D6); /* (1e-7, 1e-7) roughly */
    for (int i = 0; i < 16; i++)
        a[i] = _mm512_set1_ps((float)i);
    for (long it = 0; it < iters; it++) {
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++)
            a[i] = _mm512_dpbf16_ps(a[i], x, y);
    }
    __m512 s = a[0];
    for (int i = 1; i < 16; i++)
        s = _mm512_add_ps(s, a[i]);
    volatile float sink = _mm512_reduce_add_ps(s);
    (void)sink;
    return 2.0 * 32 * 16 * (double)iters;
}
