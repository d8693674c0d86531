/* The 256-bit INT8 kernels' shared epilogue (AVX2 and AVX-VNNI differ only in how they sum):
 * the reference's IEEE sequence on 8 int32 channel sums, then one pixel's 16-channel panel
 * stored as bytes or floats. Included by those kernels' files only, which are compiled with
 * AVX2+FMA enabled. */
#ifndef MTCAM_Q8_EPILOGUE_AVX2_H
#define MTCAM_Q8_EPILOGUE_AVX2_H

#include <immintrin.h>
#include <string.h>

#include "kernels.h"

/* 8 channels of one pixel: float epilogue, then 8 bytes (returned in the low half) or floats
 * into f. */
static inline __attribute__((always_inline)) __m128i q8_finish8_avx2(__m256i acc,
                                                                     const float *scale,
                                                                     const float *bias,
                                                                     const float *slope,
                                                                     float inv, float *f)
{
    __m256 v =
        _mm256_fmadd_ps(_mm256_cvtepi32_ps(acc), _mm256_loadu_ps(scale), _mm256_loadu_ps(bias));
    if (slope) {
        const __m256 pos = _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GT_OQ);
        v = _mm256_blendv_ps(_mm256_mul_ps(v, _mm256_loadu_ps(slope)), v, pos);
    }
    if (!(inv > 0.0f)) {
        _mm256_storeu_ps(f, v);
        return _mm_setzero_si128();
    }
    __m256 t = _mm256_mul_ps(v, _mm256_set1_ps(inv));
    t = _mm256_min_ps(_mm256_max_ps(t, _mm256_set1_ps(-127.0f)), _mm256_set1_ps(127.0f));
    const __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(t), _mm256_set1_epi32(128));
    const __m128i w16 = _mm_packus_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    return _mm_packus_epi16(w16, w16);
}

/* One pixel's panel of 16 channel sums (acc[0]: channels n0..n0+7, acc[1]: the next 8) into
 * out: bytes when the layer's output is quantised, else floats; only `valid` channels. */
static inline __attribute__((always_inline)) void
q8_store_panel_avx2(const mtk_q8_layer *l, const __m256i acc[2], int n0, void *out,
                    int quantised, int valid)
{
    const float inv = l->out_inv_scale;
    const float *slope0 = l->slope ? l->slope + n0 : NULL;
    const float *slope1 = l->slope ? l->slope + n0 + 8 : NULL;
    float f[MTK_PANEL];
    const __m128i b0 = q8_finish8_avx2(acc[0], l->scale + n0, l->bias + n0, slope0, inv, f);
    const __m128i b1 =
        q8_finish8_avx2(acc[1], l->scale + n0 + 8, l->bias + n0 + 8, slope1, inv, f + 8);
    const int nv = valid < MTK_PANEL ? valid : MTK_PANEL;
    if (quantised) {
        uint8_t bytes[MTK_PANEL];
        _mm_storeu_si128((__m128i *)(void *)bytes, _mm_unpacklo_epi64(b0, b1));
        memcpy(out, bytes, (size_t)nv);
    } else {
        memcpy(out, f, sizeof(float) * (size_t)nv);
    }
}

#endif
