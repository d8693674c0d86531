/* bench-peak.h - the machine's FP32 peak, measured: one thread running independent FMA
 * chains for the instruction set named (the ISA's own FMA-throughput loop). */
#pragma once

/* GFLOP/s (2 per fused multiply-add) of one core with `isa` ("scalar", "avx2", "avx512",
 * "neon"), measured over about `seconds`; 0 when this build has no loop for the ISA. */
double bench_peak_gflops(const char *isa, double seconds);

/* Per-ISA loops: flops done by `iters` rounds (each ISA file defines its own). */
double bench_peak_loop_scalar(long iters);
double bench_peak_loop_avx2(long iters);
double bench_peak_loop_avx512(long iters);
double bench_peak_loop_neon(long iters);
/* Dot-product loops ("vnni": vpdpbusd ZMM, "bf16": vdpbf16ps ZMM), ops = 2 per multiply-add;
 * bench_peak_gflops takes these names too (GOP/s). */
double bench_peak_loop_vnni(long iters);
double bench_peak_loop_bf16(long iters);
