/* dispatch.c - the kernel tables, and the choice of one per process (pthread_once). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "kernels.h"

#define MTK_REFERENCE_OPS                                                                     \
    .conv = mtk_f32_conv__ref, .prelu = mtk_f32_prelu__ref, .maxpool = mtk_f32_maxpool__ref,  \
    .fc = mtk_f32_fc__ref

/* The scalar table has no conv_hwc, so the nets run the reference graph; its vresample only
 * serves tools that resize images (mtcnn__resize_rgb24). */
static const mtk_table scalar_table = {
    .name = "scalar", MTK_REFERENCE_OPS, .vresample = mtk_u8_vresample__scalar};

/* The FP32 HWC graph on the portable scalar kernels: the same arithmetic on every machine
 * (calibration runs on it so its scales do not depend on the CPU). */
static const mtk_table portable_hwc_table = {
    .name = "scalar",
    MTK_REFERENCE_OPS,
    .conv_hwc = mtk_f32_conv_hwc__scalar,
    .maxpool_hwc = mtk_f32_maxpool_hwc__scalar,
    .vresample = mtk_u8_vresample__scalar,
};

const mtk_table *mtk_portable_hwc_table(void) { return &portable_hwc_table; }

/* INT8 siblings. The scalar one runs the FP32 HWC scalar ops beside the INT8 references, so
 * the INT8 graph (which is HWC) runs on any CPU, slowly: it is the oracle, not a choice. */
static const mtk_table scalar_int8_table = {
    .name = "scalar",
    .precision = MTK_INT8,
    MTK_REFERENCE_OPS,
    .conv_hwc = mtk_f32_conv_hwc__scalar,
    .maxpool_hwc = mtk_f32_maxpool_hwc__scalar,
    .vresample = mtk_u8_vresample__scalar,
    .q8_conv_hwc = mtk_q8_conv_hwc__scalar,
    .u8_maxpool_hwc = mtk_u8_maxpool_hwc__scalar,
    .q8_quantize = mtk_q8_quantize__scalar,
};

#if defined(__x86_64__)
static const mtk_table avx2_table = {
    .name = "avx2",
    MTK_REFERENCE_OPS,
    .conv_hwc = mtk_f32_conv_hwc_6x16__avx2,
    .maxpool_hwc = mtk_f32_maxpool_hwc__avx2,
    .vresample = mtk_u8_vresample__avx2,
};
static const mtk_table avx512_table = {
    .name = "avx512",
    MTK_REFERENCE_OPS,
    .conv_hwc = mtk_f32_conv_hwc_12x32__avx512,
    .maxpool_hwc = mtk_f32_maxpool_hwc__avx512,
    .vresample = mtk_u8_vresample__avx512,
    .hresample = mtk_f32_hresample__avx512,
};
/* Exact INT8 without VNNI (the sign trick): measured no faster than FP32 AVX2
 * (docs/performance.md), so only an explicit precision int8 selects it. */
static const mtk_table avx2_int8_table = {
    .name = "avx2",
    .precision = MTK_INT8,
    MTK_REFERENCE_OPS,
    .conv_hwc = mtk_f32_conv_hwc_6x16__avx2,
    .maxpool_hwc = mtk_f32_maxpool_hwc__avx2,
    .vresample = mtk_u8_vresample__avx2,
    .q8_conv_hwc = mtk_q8_conv_hwc_4x16__avx2,
    .u8_maxpool_hwc = mtk_u8_maxpool_hwc__avx2,
    .q8_quantize = mtk_q8_quantize__avx2,
};
/* AVX-VNNI (the AVX2 table on CPUs with it, e.g. Alder Lake without AVX-512): measured
 * faster than FP32 AVX2 (`mtcam-bench --kernels avx2`, docs/performance.md), so auto takes it. */
static const mtk_table avxvnni_int8_table = {
    .name = "avx2",
    .precision = MTK_INT8,
    .int8_auto = 1,
    MTK_REFERENCE_OPS,
    .conv_hwc = mtk_f32_conv_hwc_6x16__avx2,
    .maxpool_hwc = mtk_f32_maxpool_hwc__avx2,
    .vresample = mtk_u8_vresample__avx2,
    .q8_conv_hwc = mtk_q8_conv_hwc_6x16__avxvnni,
    .u8_maxpool_hwc = mtk_u8_maxpool_hwc__avx2,
    .q8_quantize = mtk_q8_quantize__avx2,
};
static const mtk_table avx512_int8_table = {
    .name = "avx512",
    .precision = MTK_INT8,
    .int8_auto = 1,
    MTK_REFERENCE_OPS,
    .conv_hwc = mtk_f32_conv_hwc_12x32__avx512,
    .maxpool_hwc = mtk_f32_maxpool_hwc__avx512,
    .vresample = mtk_u8_vresample__avx512,
    .hresample = mtk_f32_hresample__avx512,
    .q8_conv_hwc = mtk_q8_conv_hwc_12x32__avx512vnni,
    .u8_maxpool_hwc = mtk_u8_maxpool_hwc__avx512,
    .q8_quantize = mtk_q8_quantize__avx512,
};
/* The same with the pixel-vectorised first layers (AVX512_VBMI's vpermb). */
static const mtk_table avx512vbmi_int8_table = {
    .name = "avx512",
    .precision = MTK_INT8,
    .int8_auto = 1,
    MTK_REFERENCE_OPS,
    .conv_hwc = mtk_f32_conv_hwc_12x32__avx512,
    .maxpool_hwc = mtk_f32_maxpool_hwc__avx512,
    .vresample = mtk_u8_vresample__avx512,
    .hresample = mtk_f32_hresample__avx512,
    .q8_conv_hwc = mtk_q8_conv_hwc_rgb16__avx512vbmi,
    .u8_maxpool_hwc = mtk_u8_maxpool_hwc__avx512,
    .q8_quantize = mtk_q8_quantize__avx512,
};
#endif
#if defined(__aarch64__)
static const mtk_table neon_table = {
    .name = "neon",
    MTK_REFERENCE_OPS,
    .conv_hwc = mtk_f32_conv_hwc_6x16__neon,
    .maxpool_hwc = mtk_f32_maxpool_hwc__neon,
    .vresample = mtk_u8_vresample__neon,
};
static const mtk_table neon_int8_table = {
    .name = "neon",
    .precision = MTK_INT8,
    .int8_auto = 1,
    MTK_REFERENCE_OPS,
    .conv_hwc = mtk_f32_conv_hwc_6x16__neon,
    .maxpool_hwc = mtk_f32_maxpool_hwc__neon,
    .vresample = mtk_u8_vresample__neon,
    .q8_conv_hwc = mtk_q8_conv_hwc_6x16__neondot,
    .u8_maxpool_hwc = mtk_u8_maxpool_hwc__neon,
    .q8_quantize = mtk_q8_quantize__neon,
};
#endif

const char *const mtk_table_names[] = {"scalar", "avx2", "avx512", "neon", NULL};

/* The best table for this CPU, by preference. */
static const mtk_table *best(void)
{
    const unsigned f = mtk_cpu_features();
    (void)f;
#if defined(__x86_64__)
    if (f & MTK_CPU_AVX512)
        return &avx512_table;
    if (f & MTK_CPU_AVX2)
        return &avx2_table;
#endif
#if defined(__aarch64__)
    if (f & MTK_CPU_NEON)
        return &neon_table;
#endif
    return &scalar_table;
}

const mtk_table *mtk_find_table(const char *name)
{
    const unsigned f = mtk_cpu_features();
    (void)f;
    if (strcmp(name, "scalar") == 0)
        return &scalar_table;
    if (strcmp(name, "auto") == 0)
        return best();
#if defined(__x86_64__)
    if (strcmp(name, "avx2") == 0)
        return (f & MTK_CPU_AVX2) ? &avx2_table : NULL;
    if (strcmp(name, "avx512") == 0)
        return (f & MTK_CPU_AVX512) ? &avx512_table : NULL;
#endif
#if defined(__aarch64__)
    if (strcmp(name, "neon") == 0)
        return (f & MTK_CPU_NEON) ? &neon_table : NULL;
#endif
    return NULL;
}

const mtk_table *mtk_int8_table(const mtk_table *fp32)
{
    if (!fp32)
        return NULL;
    if (fp32->precision == MTK_INT8)
        return fp32;
    const unsigned f = mtk_cpu_features();
    (void)f;
    if (strcmp(fp32->name, "scalar") == 0)
        return &scalar_int8_table;
#if defined(__x86_64__)
    if (fp32 == &avx512_table && (f & MTK_CPU_AVX512VNNI))
        return (f & MTK_CPU_AVX512VBMI) ? &avx512vbmi_int8_table : &avx512_int8_table;
    if (fp32 == &avx2_table && (f & MTK_CPU_AVXVNNI))
        return &avxvnni_int8_table;
    if (fp32 == &avx2_table && (f & MTK_CPU_AVX2))
        return &avx2_int8_table;
#endif
#if defined(__aarch64__)
    if (fp32 == &neon_table && (f & MTK_CPU_NEONDOT))
        return &neon_int8_table;
#endif
    return NULL;
}

static const mtk_table *chosen;
static pthread_once_t chosen_once = PTHREAD_ONCE_INIT;

static void choose(void)
{
    /* An unknown or unsupported name falls back to the best table rather than failing: the
     * variable is a developer override, and detection never picks something unsafe. */
    const char *env = getenv("MTCAM_KERNELS");
    const mtk_table *t = (env && *env) ? mtk_find_table(env) : NULL;
    chosen = t ? t : best();
}

const mtk_table *mtk_get_table(void)
{
    pthread_once(&chosen_once, choose);
    return chosen;
}
