/* cpu.h - which SIMD instruction sets this CPU (and its OS) can run, detected once. */
#pragma once

enum {
    MTK_CPU_AVX2 = 1 << 0,   /* AVX2 + FMA3, YMM state enabled by the OS */
    MTK_CPU_AVX512 = 1 << 1, /* AVX-512 F+CD+VL+DQ+BW, ZMM and opmask state enabled */
    MTK_CPU_NEON = 1 << 2,   /* AArch64 Advanced SIMD */
    MTK_CPU_AVX512VNNI = 1 << 3, /* MTK_CPU_AVX512 and AVX512_VNNI (vpdpbusd on ZMM) */
    MTK_CPU_AVX512BF16 = 1 << 4, /* MTK_CPU_AVX512 and AVX512_BF16 (vdpbf16ps) */
    MTK_CPU_NEONDOT = 1 << 5,    /* AArch64 dot product extension (sdot, ARMv8.2 DotProd) */
    MTK_CPU_AVX512VBMI = 1 << 6, /* MTK_CPU_AVX512 and AVX512_VBMI (vpermb, vpermt2b) */
    MTK_CPU_AVXVNNI = 1 << 7     /* MTK_CPU_AVX2 and AVX-VNNI (VEX vpdpbusd on YMM: Alder Lake,
                                    Sapphire Rapids, Zen 5) */
};

/* Bitmask of MTK_CPU_* features; detected on first call, thread-safe. */
unsigned mtk_cpu_features(void);
