/* The INT8 kernels: every SIMD INT8 kernel this CPU supports against the scalar INT8
 * references, bit for bit (bytes and floats compared with memcmp), on the nets' real layer
 * shapes and on awkward ones; the scalar convolution itself against a plain formula over
 * unpacked weights, so the packed layout of kernels.h is checked too. No shared data needed
 * (runs under qemu-user in the AArch64 cross build). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cpu.h"
#include "kernels.h"

static uint32_t rng = 4242;
static uint32_t next(void)
{
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}
static float frand(void)
{
    return (float)(next() & 0xFFFF) / 32768.0f - 1.0f;
}

/* The INT8 tables of the SIMD tables this CPU supports. */
static int q8_tables(const mtk_table **out)
{
    int n = 0;
    for (int i = 0; mtk_table_names[i]; i++) {
        if (!strcmp(mtk_table_names[i], "scalar"))
            continue;
        const mtk_table *q = mtk_int8_table(mtk_find_table(mtk_table_names[i]));
        if (q && q->q8_conv_hwc)
            out[n++] = q;
        else
            fprintf(stderr, "(%s: no INT8 kernel on this CPU or build, skipped)\n",
                    mtk_table_names[i]);
    }
    return n;
}

typedef struct shape {
    int k, c_in, c_out, h, w, slope, quantised;
} shape;

/* Weight index of kernels.h's layout. */
static size_t w_at(int k, int kc4, int n, int kk)
{
    return (size_t)(n / MTK_PANEL) * k * kc4 * MTK_PANEL + (size_t)(kk / 4) * 4 * MTK_PANEL +
           (n % MTK_PANEL) * 4 + kk % 4;
}

static int check_conv(const mtk_table *t, const shape *s)
{
    const int kc = s->k * s->c_in, kc4 = (kc + 3) & ~3, np = mtk_panels(s->c_out);
    const int ho = s->h - s->k + 1, wo = s->w - s->k + 1;
    const size_t n_in = (size_t)s->h * s->w * s->c_in, n_w = (size_t)np * MTK_PANEL * s->k * kc4;
    const size_t n_out = (size_t)ho * wo * s->c_out, esz = s->quantised ? 1 : 4;
    uint8_t *in = malloc(n_in + MTK_Q8_SLACK);
    int8_t *w = aligned_alloc(64, (n_w + 63) / 64 * 64);
    int8_t *plain = malloc((size_t)s->c_out * s->k * kc); /* [n][ky][j] */
    float *pr = malloc(3 * sizeof(float) * np * MTK_PANEL);
    int32_t *wsum = calloc((size_t)np * MTK_PANEL, sizeof *wsum);
    unsigned char *ref = malloc(n_out * esz + 64), *got = malloc(n_out * esz + 64);
    if (!in || !w || !plain || !pr || !wsum || !ref || !got)
        return 1;
    /* Bytes over the whole range (1..255: the quantiser never stores 0, and the AVX2 kernel's
     * sign trick relies on it), and the slack filled too: the kernel may read it, and
     * the zero pad weights must make it count for nothing. */
    for (size_t i = 0; i < n_in + MTK_Q8_SLACK; i++)
        in[i] = (uint8_t)(1 + next() % 255);
    memset(w, 0, (n_w + 63) / 64 * 64);
    for (int n = 0; n < s->c_out; n++)
        for (int ky = 0; ky < s->k; ky++)
            for (int j = 0; j < kc; j++) {
                /* Mostly random, some at the extremes -127 and 127. */
                const uint32_t r = next();
                const int q = r % 17 == 0 ? 127 : r % 19 == 0 ? -127 : (int)(r % 255) - 127;
                plain[((size_t)n * s->k + ky) * kc + j] = (int8_t)q;
                wsum[n] += q;
                w[w_at(s->k, kc4, n, ky * kc4 + j)] = (int8_t)q;
            }
    float *scale = pr, *bias = pr + np * MTK_PANEL, *slope = bias + np * MTK_PANEL;
    for (int n = 0; n < np * MTK_PANEL; n++) {
        scale[n] = (0.5f + 0.5f * frand()) * 1e-3f;
        bias[n] = frand() * 8.0f;
        slope[n] = 0.25f * frand();
    }
    const mtk_q8_layer l = {.k = s->k,
                            .c_in = s->c_in,
                            .c_out = s->c_out,
                            .kc4 = kc4,
                            .w = w,
                            .scale = scale,
                            .bias = bias,
                            .slope = s->slope ? slope : NULL,
                            .wsum = wsum, .out_inv_scale = s->quantised ? 40.0f : 0.0f};
    memset(ref, 0xA5, n_out * esz + 64);
    memset(got, 0xA5, n_out * esz + 64);
    mtk_q8_conv_hwc__scalar(&l, in, (size_t)s->w * s->c_in, ho, wo, ref, (size_t)wo * s->c_out);
    t->q8_conv_hwc(&l, in, (size_t)s->w * s->c_in, ho, wo, got, (size_t)wo * s->c_out);
    int bad = 0;
    /* The reference against the formula over unpacked weights (catches layout mistakes in
     * both at once, since the SIMD kernel is compared with the reference next). */
    for (int y = 0; y < ho && !bad; y++)
        for (int x = 0; x < wo && !bad; x++)
            for (int n = 0; n < s->c_out && !bad; n++) {
                int32_t acc = 0;
                for (int ky = 0; ky < s->k; ky++)
                    for (int j = 0; j < kc; j++)
                        acc += (int32_t)
                                   in[(size_t)(y + ky) * s->w * s->c_in + (size_t)x * s->c_in + j] *
                               plain[((size_t)n * s->k + ky) * kc + j];
                float v = fmaf((float)acc, scale[n], bias[n]);
                if (s->slope && !(v > 0.0f))
                    v *= slope[n];
                const size_t at = ((size_t)y * wo + x) * s->c_out + n;
                if (s->quantised) {
                    const float tq = fminf(fmaxf(v * 40.0f, -127.0f), 127.0f);
                    const uint8_t want = (uint8_t)((int)nearbyintf(tq) + 128);
                    if (ref[at] != want) {
                        fprintf(stderr, "reference byte %zu: %u, formula %u\n", at, ref[at], want);
                        bad = 1;
                    }
                } else {
                    float r;
                    memcpy(&r, ref + at * 4, 4);
                    if (r != v) {
                        fprintf(stderr, "reference float %zu: %.9g, formula %.9g\n", at, r, v);
                        bad = 1;
                    }
                }
            }
    if (!bad && memcmp(ref, got, n_out * esz + 64) != 0) {
        for (size_t i = 0; i < n_out * esz + 64; i++)
            if (ref[i] != got[i]) {
                fprintf(stderr,
                        "%s: k%d c_in %d c_out %d %dx%d %s: byte %zu of %zu differs "
                        "(%u, reference %u)\n",
                        t->name, s->k, s->c_in, s->c_out, s->h, s->w,
                        s->quantised ? "bytes" : "floats", i, n_out * esz, got[i], ref[i]);
                break;
            }
        bad = 1;
    }
    free(in), free(w), free(plain), free(pr), free(wsum), free(ref), free(got);
    CHECK(!bad);
    return 0;
}

static int test_q8_conv(void)
{
    const mtk_table *t[8];
    int nt = q8_tables(t);
    /* The scalar reference is checked against the formula even without a SIMD kernel. */
    const mtk_table *scalar = mtk_int8_table(mtk_find_table("scalar"));
    CHECK(scalar && scalar->q8_conv_hwc == mtk_q8_conv_hwc__scalar);
    t[nt] = scalar;
    shape shapes[512];
    int n = 0;
    const shape real[] = {
        {3, 3, 10, 12, 12, 1, 1},   {3, 3, 10, 40, 57, 1, 1},  {3, 10, 16, 19, 27, 1, 1},
        {3, 16, 32, 17, 25, 1, 1},  {1, 32, 6, 15, 23, 0, 0},  {3, 3, 28, 24, 24, 1, 1},
        {3, 28, 48, 11, 11, 1, 1},  {2, 48, 64, 4, 4, 1, 1},   {3, 3, 32, 48, 48, 1, 1},
        {3, 32, 64, 23, 23, 1, 1},  {3, 64, 64, 10, 10, 1, 1}, {2, 64, 128, 4, 4, 1, 1},
        {1, 576, 128, 1, 13, 1, 1}, {1, 128, 6, 1, 13, 0, 0},  {1, 1152, 256, 1, 5, 1, 1},
        {1, 256, 16, 1, 17, 0, 0}};
    for (size_t i = 0; i < sizeof real / sizeof real[0]; i++)
        shapes[n++] = real[i];
    const int couts[] = {1, 7, 15, 16, 17, 31, 32, 33, 47, 49};
    const int widths[] = {1, 2, 5, 6, 7, 8, 9, 11, 12, 13, 23, 25, 37};
    const int ks[] = {1, 2, 3, 5};
    for (size_t a = 0; a < sizeof couts / sizeof couts[0]; a++)
        for (size_t b = 0; b < sizeof widths / sizeof widths[0]; b++) {
            const int k = ks[(a + b) % 4], c_in = (int)(1 + (a * 3 + b) % 7);
            shapes[n++] = (shape){k,
                                  c_in,
                                  couts[a],
                                  k + 2,
                                  widths[b] + k - 1,
                                  (int)(a + b) % 2,
                                  (int)(a * 7 + b) % 3 != 0};
        }
    /* The first layers' shape (k 3, c_in 3) at every channel count the pixel-vectorised
     * kernel treats differently (chunks of 16, the nets' 10 / 12 / 16, other widths), ragged
     * tile widths (16 pixels a tile) and float outputs (which it hands on). */
    const int rgb_couts[] = {1, 4, 7, 8, 10, 12, 15, 16, 17, 26, 28, 32, 33};
    const int rgb_widths[] = {1, 3, 15, 16, 17, 31, 33, 46};
    for (size_t a = 0; a < sizeof rgb_couts / sizeof rgb_couts[0]; a++)
        for (size_t b = 0; b < sizeof rgb_widths / sizeof rgb_widths[0]; b++)
            shapes[n++] = (shape){3, 3, rgb_couts[a], 3 + (int)(a + b) % 3,
                                  rgb_widths[b] + 2, (int)(a + b) % 2 == 0,
                                  (a * 5 + b) % 7 != 0};
#if defined(__x86_64__)
    /* A table may route some shapes to a specialised kernel (the VBMI table's first layers):
     * the channel-vectorised VNNI kernel is then checked on all shapes by itself too. */
    mtk_table vnni = {.name = "avx512 (VNNI channel tiles)",
                      .q8_conv_hwc = mtk_q8_conv_hwc_12x32__avx512vnni};
    if (mtk_cpu_features() & MTK_CPU_AVX512VNNI)
        t[++nt] = &vnni;
    else
        fprintf(stderr, "(no AVX512_VNNI: the VNNI kernel alone is not checked)\n");
    /* With AVX-VNNI the AVX2 table's INT8 kernel is the VNNI one: the sign-trick kernel
     * (CPUs with AVX2 only) is checked by itself. */
    mtk_table avx2_sign = {.name = "avx2 (sign trick)",
                           .q8_conv_hwc = mtk_q8_conv_hwc_4x16__avx2};
    if ((mtk_cpu_features() & MTK_CPU_AVXVNNI) && (mtk_cpu_features() & MTK_CPU_AVX2))
        t[++nt] = &avx2_sign;
    if (!(mtk_cpu_features() & MTK_CPU_AVX512VBMI))
        fprintf(stderr, "(no AVX512_VBMI: the pixel-vectorised first-layer kernel is not "
                        "checked)\n");
#endif
    for (int i = 0; i <= nt; i++) {
        for (int s = 0; s < n; s++) {
            int rc = check_conv(t[i], &shapes[s]);
            if (rc)
                return rc;
        }
        fprintf(stderr, "%s int8: %d conv shapes bit-exact\n", t[i]->name, n);
    }
    return 0;
}

static int test_u8_maxpool(void)
{
    const mtk_table *t[8];
    const int nt = q8_tables(t);
    const int cs[] = {1, 10, 28, 32, 48, 63, 64, 65, 130};
    const int sides[][2] = {{22, 22}, {9, 9}, {8, 8}, {46, 46}, {21, 21}, {5, 7}, {1, 1}, {2, 3}};
    const int ks[][2] = {{2, 2}, {3, 2}};
    for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++)
        for (size_t d = 0; d < sizeof sides / sizeof sides[0]; d++)
            for (int kk = 0; kk < 2; kk++) {
                const int h = sides[d][0], w = sides[d][1], k = ks[kk][0], s = ks[kk][1];
                const int ho = mtk_pool_out(h, k, s), wo = mtk_pool_out(w, k, s);
                const size_t n_in = (size_t)h * w * cs[c], n_out = (size_t)ho * wo * cs[c];
                uint8_t *in = malloc(n_in), *ref = malloc(n_out), *got = malloc(n_out + 1);
                float *fin = malloc(n_in * sizeof(float)), *fout = malloc(n_out * sizeof(float));
                for (size_t i = 0; i < n_in; i++) {
                    in[i] = (uint8_t)next();
                    fin[i] = (float)in[i];
                }
                mtk_u8_maxpool_hwc__scalar(in, cs[c], h, w, k, s, ref);
                /* The byte reference is the float one on the same values. */
                mtk_f32_maxpool_hwc__scalar(fin, cs[c], h, w, k, s, fout);
                for (size_t i = 0; i < n_out; i++)
                    CHECK_MSG((float)ref[i] == fout[i], "u8 pool %zu: %u vs float %g", i, ref[i],
                              (double)fout[i]);
                for (int ti = 0; ti < nt; ti++) {
                    got[n_out] = 0x5A;
                    t[ti]->u8_maxpool_hwc(in, cs[c], h, w, k, s, got);
                    CHECK_MSG(memcmp(ref, got, n_out) == 0 && got[n_out] == 0x5A,
                              "%s: u8 maxpool c %d %dx%d k%d s%d differs", t[ti]->name, cs[c], h, w,
                              k, s);
                }
                free(in), free(ref), free(got), free(fin), free(fout);
            }
    return 0;
}

static int test_quantize(void)
{
    const mtk_table *t[8];
    const int nt = q8_tables(t);
    enum { N = 1000 };
    float in[N];
    for (int i = 0; i < N; i++)
        in[i] = frand() * 3.0f;
    /* Ties (x.5 after scaling: nearest even), the clamp limits and beyond, signed zero. */
    const float edge[] = {0.0f,         -0.0f,        0.5f / 40,   1.5f / 40,
                          -0.5f / 40,   -2.5f / 40,   127.0f / 40, 127.5f / 40,
                          -128.0f / 40, -128.5f / 40, 1e30f,       -1e30f};
    memcpy(in, edge, sizeof edge);
    uint8_t ref[N], got[N + 1];
    for (int n = 1; n <= N; n += n < 40 ? 1 : 97) {
        mtk_q8_quantize__scalar(in, (size_t)n, 40.0f, ref);
        for (int ti = 0; ti < nt; ti++) {
            got[n] = 0x5A;
            t[ti]->q8_quantize(in, (size_t)n, 40.0f, got);
            CHECK_MSG(memcmp(ref, got, (size_t)n) == 0 && got[n] == 0x5A,
                      "%s: quantize of %d values differs", t[ti]->name, n);
        }
    }
    /* The reference itself: round half to even around the 128 offset, clamped. */
    CHECK_INT_EQ(ref[0], 128);
    CHECK_INT_EQ(ref[1], 128);
    CHECK_INT_EQ(ref[2], 128); /* 0.5 -> 0 */
    CHECK_INT_EQ(ref[3], 130); /* 1.5 -> 2 */
    CHECK_INT_EQ(ref[4], 128); /* -0.5 -> 0 */
    CHECK_INT_EQ(ref[5], 126); /* -2.5 -> -2 */
    CHECK_INT_EQ(ref[6], 255);
    CHECK_INT_EQ(ref[7], 255);
    CHECK_INT_EQ(ref[8], 1); /* symmetric: -127 is the lowest level, 0 is never stored */
    CHECK_INT_EQ(ref[9], 1);
    CHECK_INT_EQ(ref[10], 255);
    CHECK_INT_EQ(ref[11], 1);
    if (!nt)
        fprintf(stderr, "(no SIMD INT8 table: the reference checked alone)\n");
    return 0;
}

/* Which INT8 kernel each table gets, from the CPU's features: the selection of precision
 * auto rests on int8_auto (docs/performance.md). */
static int test_int8_selection(void)
{
#if defined(__x86_64__)
    const unsigned f = mtk_cpu_features();
    const mtk_table *avx2 = mtk_find_table("avx2"), *avx512 = mtk_find_table("avx512");
    if (avx2) {
        const mtk_table *q = mtk_int8_table(avx2);
        CHECK(q && q->precision == MTK_INT8);
        CHECK(q->q8_conv_hwc == ((f & MTK_CPU_AVXVNNI) ? mtk_q8_conv_hwc_6x16__avxvnni
                                                       : mtk_q8_conv_hwc_4x16__avx2));
        CHECK_INT_EQ(q->int8_auto, (f & MTK_CPU_AVXVNNI) ? 1 : 0);
    }
    if (avx512) {
        const mtk_table *q = mtk_int8_table(avx512);
        if (!(f & MTK_CPU_AVX512VNNI)) {
            CHECK(q == NULL);
        } else {
            CHECK(q && q->int8_auto == 1);
            CHECK(q->q8_conv_hwc == ((f & MTK_CPU_AVX512VBMI) ? mtk_q8_conv_hwc_rgb16__avx512vbmi
                                                              : mtk_q8_conv_hwc_12x32__avx512vnni));
        }
    }
    if (!avx2 && !avx512)
        SKIP("no AVX2 on this CPU");
    return 0;
#else
    SKIP("x86-64 tables only");
#endif
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {{"q8_conv", test_q8_conv},
                                       {"int8_selection", test_int8_selection},
                                       {"u8_maxpool", test_u8_maxpool},
                                       {"quantize", test_quantize},
                                       {NULL, NULL}};
    return check_main(argc, argv, cases);
}
