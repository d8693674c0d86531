/* cpu.c - CPU feature detection. A feature counts only when the CPU has it AND the OS saves
 * its register state (XGETBV on x86): a kernel using ZMM registers on a kernel that does not
 * save them would corrupt other processes' state or fault. */
#include "cpu.h"

#include <pthread.h>

#if defined(__x86_64__)
#include <cpuid.h>
#elif defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

static unsigned features;
static pthread_once_t features_once = PTHREAD_ONCE_INIT;

#if defined(__x86_64__)
static unsigned long long xgetbv0(void)
{
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

static unsigned detect(void)
{
    unsigned a, b, c, d, f = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!osxsave || !avx)
        return 0;
    const unsigned long long xcr0 = xgetbv0();
    /* XMM (bit 1) and YMM (bit 2) state; then opmask, ZMM_Hi256, Hi16_ZMM (bits 5-7). */
    const int os_avx = (xcr0 & 0x6) == 0x6, os_avx512 = (xcr0 & 0xE6) == 0xE6;
    if (!os_avx || !__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    const int avx2 = (b >> 5) & 1;
    const int avx512 = ((b >> 16) & 1) && ((b >> 17) & 1) && ((b >> 28) & 1) &&
                       ((b >> 30) & 1) && ((b >> 31) & 1); /* F, DQ, CD, BW, VL */
    unsigned a1 = 0, b1, c1, d1;
    if (!__get_cpuid_count(7, 1, &a1, &b1, &c1, &d1))
        a1 = 0;
    if (avx2 && fma) {
        f |= MTK_CPU_AVX2;
        if ((a1 >> 4) & 1) /* leaf 7.1 EAX: AVX-VNNI */
            f |= MTK_CPU_AVXVNNI;
    }
    if (avx2 && fma && avx512 && os_avx512) {
        f |= MTK_CPU_AVX512;
        if ((c >> 11) & 1) /* leaf 7.0 ECX: AVX512_VNNI */
            f |= MTK_CPU_AVX512VNNI;
        if ((c >> 1) & 1) /* leaf 7.0 ECX: AVX512_VBMI */
            f |= MTK_CPU_AVX512VBMI;
        if ((a1 >> 5) & 1) /* leaf 7.1 EAX: AVX512_BF16 */
            f |= MTK_CPU_AVX512BF16;
    }
    return f;
}
#elif defined(__aarch64__)
static unsigned detect(void)
{
#if defined(__linux__) && defined(HWCAP_ASIMD)
    const unsigned long hw = getauxval(AT_HWCAP);
    unsigned f = (hw & HWCAP_ASIMD) ? MTK_CPU_NEON : 0;
#if defined(HWCAP_ASIMDDP)
    if ((f & MTK_CPU_NEON) && (hw & HWCAP_ASIMDDP))
        f |= MTK_CPU_NEONDOT;
#endif
    return f;
#else
    return MTK_CPU_NEON; /* Advanced SIMD is part of the AArch64 base architecture */
#endif
}
#else
static unsigned detect(void) { return 0; }
#endif

static void init(void) { features = detect(); }

unsigned mtk_cpu_features(void)
{
    pthread_once(&features_once, init);
    return features;
}
