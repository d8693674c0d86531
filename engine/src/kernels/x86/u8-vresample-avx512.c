/* Vertical resampling step, AVX-512: 16 bytes widened to floats per vector, tail masked.
 *
 * Tap by tap over the whole row (out = w0 * row0, then out = fma(w_t, row_t, out)), not
 * element by element over all taps: each source row is then one sequential stream and the
 * output row (at most a few thousand floats) stays in L1. Element by element, every vector
 * waited on `taps` loads from as many rows, most from L3 (the pyramid reads the whole frame
 * once per level), in one dependent FMA chain; measured 2x slower at 1080p
 * (docs/performance.md). Per element the operations and their order are unchanged. */
#include <immintrin.h>

#include "kernels.h"

static inline __m512 load16(const uint8_t *p, __mmask16 m)
{
    return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m, p)));
}

void mtk_u8_vresample__avx512(const uint8_t *const *rows, const float *wt, int taps, int n,
                              float *out)
{
    const int full = n & ~63;
    const __m512 w0 = _mm512_set1_ps(wt[0]);
    const uint8_t *r = rows[0];
    for (int i = 0; i < full; i += 64) {
        _mm512_storeu_ps(out + i, _mm512_mul_ps(w0, load16(r + i, 0xFFFF)));
        _mm512_storeu_ps(out + i + 16, _mm512_mul_ps(w0, load16(r + i + 16, 0xFFFF)));
        _mm512_storeu_ps(out + i + 32, _mm512_mul_ps(w0, load16(r + i + 32, 0xFFFF)));
        _mm512_storeu_ps(out + i + 48, _mm512_mul_ps(w0, load16(r + i + 48, 0xFFFF)));
    }
    for (int i = full; i < n; i += 16) {
        const __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(out + i, m, _mm512_mul_ps(w0, load16(r + i, m)));
    }
    for (int t = 1; t < taps; t++) {
        const __m512 w = _mm512_set1_ps(wt[t]);
        r = rows[t];
        for (int i = 0; i < full; i += 64) {
            _mm512_storeu_ps(out + i,
                             _mm512_fmadd_ps(w, load16(r + i, 0xFFFF), _mm512_loadu_ps(out + i)));
            _mm512_storeu_ps(out + i + 16, _mm512_fmadd_ps(w, load16(r + i + 16, 0xFFFF),
                                                           _mm512_loadu_ps(out + i + 16)));
            _mm512_storeu_ps(out + i + 32, _mm512_fmadd_ps(w, load16(r + i + 32, 0xFFFF),
                                                           _mm512_loadu_ps(out + i + 32)));
            _mm512_storeu_ps(out + i + 48, _mm512_fmadd_ps(w, load16(r + i + 48, 0xFFFF),
                                                           _mm512_loadu_ps(out + i + 48)));
        }
        for (int i = full; i < n; i += 16) {
            const __mmask16 m =
                n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
            _mm512_mask_storeu_ps(out + i, m,
                                  _mm512_fmadd_ps(w, load16(r + i, m),
                                                  _mm512_maskz_loadu_ps(m, out + i)));
        }
    }
}
