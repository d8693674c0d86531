/* Every fast kernel this CPU supports against the references, on awkward and real shapes.
 *
 * Each SIMD table ("avx2", "avx512", "neon") is looked up by name; a table this CPU or build
 * lacks is skipped with a line saying so (the case skips when none is supported). Outputs are
 * pre-filled with NaN and guarded by canaries on both sides, so unwritten outputs and stray
 * writes show; inputs are allocated at their exact size so ASan sees over-reads.
 *
 * Tolerances: convolutions are compared with a double-precision reference computed from the
 * canonical (CHW, [o][i][ky][kx]) weights, |got - ref| <= 1e-5 * sum|products| + 1e-6 (float
 * accumulation of up to 1152 products, fused or not); the scalar CHW reference kernel
 * mtk_f32_conv__ref is held to the same bound. Max pooling is exact. Resampling rows: 1e-6
 * relative to the sum of |weight * value|. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kernels.h"

#define GUARD 64
#define CANARY 12345.678f

static uint32_t rng = 12345;
static float frand(void) /* uniform in [-1, 1) */
{
    rng = rng * 1664525u + 1013904223u;
    return (float)((rng >> 8) * (1.0 / 8388608.0)) - 1.0f;
}

/* A buffer of n floats with GUARD canaries each side; the n payload floats are NaN. */
static float *guarded(size_t n)
{
    float *b = malloc(sizeof(float) * (n + 2 * GUARD));
    for (size_t i = 0; i < n + 2 * GUARD; i++)
        b[i] = CANARY;
    for (size_t i = 0; i < n; i++)
        b[GUARD + i] = NAN;
    return b + GUARD;
}

static int canaries_intact(const float *p, size_t n)
{
    for (int i = 1; i <= GUARD; i++)
        if (p[-i] != CANARY || p[n + i - 1] != CANARY)
            return 0;
    return 1;
}

static void guarded_free(float *p) { free(p - GUARD); }

/* Packs canonical weights [c_out][c_in][k][k] as kernels.h describes (independent of the
 * engine's own packer, so the layout contract itself is tested). */
static float *pack(const float *w, const float *bias, const float *slope, int c_out, int c_in,
                   int k, mtk_conv_layer *l)
{
    const int kk = k * k * c_in, np = mtk_panels(c_out);
    float *p = aligned_alloc(64, sizeof(float) * ((size_t)np * MTK_PANEL * (kk + 2) + 16));
    memset(p, 0, sizeof(float) * (size_t)np * MTK_PANEL * (kk + 2));
    float *pb = p + (size_t)np * MTK_PANEL * kk, *ps = pb + np * MTK_PANEL;
    for (int n = 0; n < c_out; n++) {
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
                for (int ci = 0; ci < c_in; ci++) {
                    const int j = (ky * k + kx) * c_in + ci;
                    p[((size_t)(n / MTK_PANEL) * kk + j) * MTK_PANEL + n % MTK_PANEL] =
                        w[(((size_t)n * c_in + ci) * k + ky) * k + kx];
                }
        pb[n] = bias[n];
        ps[n] = slope ? slope[n] : 0;
    }
    *l = (mtk_conv_layer){.k = k, .c_in = c_in, .c_out = c_out, .w = p, .bias = pb,
                          .slope = slope ? ps : NULL};
    return p;
}

typedef struct conv_shape {
    int k, c_in, c_out, h, w, prelu;
} conv_shape;

/* One conv shape on one kernel: HWC input with a padded row stride, output rows with a gap
 * that must stay untouched. */
static int check_conv(const char *isa, mtk_conv_hwc_fn fn, const conv_shape *s)
{
    const int ho = s->h - s->k + 1, wo = s->w - s->k + 1;
    const size_t in_stride = (size_t)s->w * s->c_in + 5; /* odd padding between rows */
    const size_t in_n = (size_t)(s->h - 1) * in_stride + (size_t)s->w * s->c_in;
    const size_t out_stride = (size_t)wo * s->c_out + 3;
    const size_t out_n = (size_t)(ho - 1) * out_stride + (size_t)wo * s->c_out;
    float *in = malloc(sizeof(float) * in_n), *chw = malloc(sizeof(float) * s->c_in * s->h * s->w);
    float *w = malloc(sizeof(float) * s->c_out * s->c_in * s->k * s->k);
    float *bias = malloc(sizeof(float) * s->c_out), *slope = malloc(sizeof(float) * s->c_out);
    float *ref = malloc(sizeof(float) * s->c_out * ho * wo);
    for (size_t i = 0; i < in_n; i++)
        in[i] = frand();
    for (int c = 0; c < s->c_in; c++)
        for (int y = 0; y < s->h; y++)
            for (int x = 0; x < s->w; x++)
                chw[((size_t)c * s->h + y) * s->w + x] = in[y * in_stride + (size_t)x * s->c_in + c];
    for (int i = 0; i < s->c_out * s->c_in * s->k * s->k; i++)
        w[i] = frand();
    for (int i = 0; i < s->c_out; i++)
        bias[i] = frand(), slope[i] = 0.25f * frand();
    mtk_conv_layer l;
    float *packed = pack(w, bias, s->prelu ? slope : NULL, s->c_out, s->c_in, s->k, &l);
    float *out = guarded(out_n);
    fn(&l, in, in_stride, ho, wo, out, out_stride);
    mtk_f32_conv__ref(chw, s->c_in, s->h, s->w, w, bias, s->c_out, s->k, ref);
    if (s->prelu)
        mtk_f32_prelu__ref(ref, s->c_out, (size_t)ho * wo, slope);
    int bad = !canaries_intact(out, out_n);
    CHECK_MSG(!bad, "%s conv k%d %d->%d %dx%d: canary overwritten", isa, s->k, s->c_in,
              s->c_out, s->h, s->w);
    for (int y = 0; y < ho && !bad; y++) {
        for (size_t g = (size_t)wo * s->c_out; g < out_stride && y < ho - 1; g++)
            CHECK_MSG(isnan(out[y * out_stride + g]), "%s conv k%d %d->%d %dx%d: row gap written",
                      isa, s->k, s->c_in, s->c_out, s->h, s->w);
        for (int x = 0; x < wo && !bad; x++)
            for (int n = 0; n < s->c_out && !bad; n++) {
                double acc = bias[n], mag = fabs(bias[n]);
                for (int ci = 0; ci < s->c_in; ci++)
                    for (int ky = 0; ky < s->k; ky++)
                        for (int kx = 0; kx < s->k; kx++) {
                            const double t = (double)w[(((size_t)n * s->c_in + ci) * s->k + ky) * s->k + kx] *
                                             in[(y + ky) * in_stride + (size_t)(x + kx) * s->c_in + ci];
                            acc += t;
                            mag += fabs(t);
                        }
                if (s->prelu && !(acc > 0))
                    acc *= slope[n], mag *= fabs(slope[n]);
                const double tol = 1e-5 * mag + 1e-6;
                const double got = out[y * out_stride + (size_t)x * s->c_out + n];
                const double oracle = ref[((size_t)n * ho + y) * wo + x];
                if (!(fabs(got - acc) <= tol) || !(fabs(oracle - acc) <= tol)) {
                    fprintf(stderr, "%s conv k%d %d->%d %dx%d prelu %d at y %d x %d n %d: "
                            "got %.9g, double %.9g, scalar ref %.9g (tol %.3g)\n", isa, s->k,
                            s->c_in, s->c_out, s->h, s->w, s->prelu, y, x, n, got, acc, oracle,
                            tol);
                    bad = 1;
                }
            }
    }
    guarded_free(out);
    free(packed), free(in), free(chw), free(w), free(bias), free(slope), free(ref);
    CHECK(!bad);
    return 0;
}

/* The SIMD tables this CPU supports; returns how many (prints the skipped ones). */
static int simd_tables(const mtk_table **out)
{
    int n = 0;
    for (int i = 0; mtk_table_names[i]; i++) {
        if (!strcmp(mtk_table_names[i], "scalar"))
            continue;
        const mtk_table *t = mtk_find_table(mtk_table_names[i]);
        if (t && t->conv_hwc)
            out[n++] = t;
        else
            fprintf(stderr, "(%s: not supported by this CPU or build, skipped)\n",
                    mtk_table_names[i]);
    }
    return n;
}

static int test_conv(void)
{
    const mtk_table *t[8];
    const int nt = simd_tables(t);
    if (!nt)
        SKIP("no SIMD kernel table on this CPU");
    conv_shape shapes[512];
    int n = 0;
    /* The real layers of the three nets (P-Net on a few level sizes). */
    const conv_shape real[] = {
        {3, 3, 10, 12, 12, 1},  {3, 3, 10, 40, 57, 1},  {3, 10, 16, 19, 27, 1},
        {3, 16, 32, 17, 25, 1}, {1, 32, 6, 15, 23, 0},  {3, 3, 28, 24, 24, 1},
        {3, 28, 48, 11, 11, 1}, {2, 48, 64, 4, 4, 1},   {3, 3, 32, 48, 48, 1},
        {3, 32, 64, 23, 23, 1}, {3, 64, 64, 10, 10, 1}, {2, 64, 128, 4, 4, 1},
        /* fully connected layers as 1x1 convolutions over a row of crops */
        {1, 576, 128, 1, 13, 1}, {1, 128, 6, 1, 13, 0}, {1, 1152, 256, 1, 5, 1},
        {1, 256, 16, 1, 17, 0}};
    for (size_t i = 0; i < sizeof real / sizeof real[0]; i++)
        shapes[n++] = real[i];
    /* Awkward: channel counts around the 16-wide panel, widths around the pixel tiles
     * (6 for AVX2 and NEON, 12 for AVX-512), primes, kernel sides 1, 2, 3, 5. */
    const int couts[] = {1, 7, 15, 16, 17, 31, 32, 33, 47, 49};
    const int widths[] = {1, 2, 5, 6, 7, 8, 9, 11, 12, 13, 23, 25, 37};
    const int ks[] = {1, 2, 3, 5};
    for (size_t a = 0; a < sizeof couts / sizeof couts[0]; a++)
        for (size_t b = 0; b < sizeof widths / sizeof widths[0]; b++) {
            const int k = ks[(a + b) % 4], c_in = (int)(1 + (a * 3 + b) % 7);
            shapes[n++] = (conv_shape){k, c_in, couts[a], k + 2, widths[b] + k - 1, (int)(a + b) % 2};
        }
    for (int i = 0; i < nt; i++) {
        for (int s = 0; s < n; s++) {
            int rc = check_conv(t[i]->name, t[i]->conv_hwc, &shapes[s]);
            if (rc)
                return rc;
        }
        fprintf(stderr, "%s: %d conv shapes ok\n", t[i]->name, n);
    }
    return 0;
}

static int test_maxpool(void)
{
    const mtk_table *t[8];
    const int nt = simd_tables(t);
    if (!nt)
        SKIP("no SIMD kernel table on this CPU");
    typedef struct { int c, h, w, k, s; } pool_shape;
    pool_shape shapes[256] = {{10, 190, 142, 2, 2}, {10, 9, 7, 2, 2}, {28, 22, 22, 3, 2},
                              {48, 9, 9, 3, 2},     {32, 46, 46, 3, 2}, {64, 21, 21, 3, 2},
                              {64, 8, 8, 2, 2}};
    int n = 7;
    const int cs[] = {1, 7, 8, 9, 15, 16, 17, 33};
    const int sides[] = {1, 2, 3, 4, 5, 12, 13};
    for (size_t a = 0; a < sizeof cs / sizeof cs[0]; a++)
        for (size_t b = 0; b < sizeof sides / sizeof sides[0]; b++)
            shapes[n++] = (pool_shape){cs[a], sides[b], sides[(b + a) % 7], 2 + (int)(a + b) % 2, 2};
    for (int i = 0; i < nt; i++) {
        for (int si = 0; si < n; si++) {
            const pool_shape *s = &shapes[si];
            const int ho = mtk_pool_out(s->h, s->k, s->s), wo = mtk_pool_out(s->w, s->k, s->s);
            const size_t in_n = (size_t)s->c * s->h * s->w, out_n = (size_t)s->c * ho * wo;
            float *in = malloc(sizeof(float) * in_n), *chw = malloc(sizeof(float) * in_n);
            float *ref = malloc(sizeof(float) * out_n), *out = guarded(out_n);
            for (size_t p = 0; p < (size_t)s->h * s->w; p++)
                for (int c = 0; c < s->c; c++)
                    chw[c * (size_t)s->h * s->w + p] = in[p * s->c + c] = frand();
            t[i]->maxpool_hwc(in, s->c, s->h, s->w, s->k, s->s, out);
            mtk_f32_maxpool__ref(chw, s->c, s->h, s->w, s->k, s->s, ref);
            int bad = !canaries_intact(out, out_n);
            for (size_t p = 0; p < (size_t)ho * wo && !bad; p++)
                for (int c = 0; c < s->c && !bad; c++)
                    bad = out[p * s->c + c] != ref[c * (size_t)ho * wo + p];
            free(in), free(chw), free(ref), guarded_free(out);
            CHECK_MSG(!bad, "%s maxpool c %d %dx%d k %d s %d differs from the reference",
                      t[i]->name, s->c, s->h, s->w, s->k, s->s);
        }
        fprintf(stderr, "%s: %d pool shapes ok\n", t[i]->name, n);
    }
    return 0;
}

static int test_vresample(void)
{
    const mtk_table *t[8];
    const int nt = simd_tables(t);
    if (!nt)
        SKIP("no SIMD kernel table on this CPU");
    const int lengths[] = {1, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 100, 129, 1923, 5760};
    for (int i = 0; i < nt; i++) {
        for (int taps = 1; taps <= 7; taps++)
            for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
                const int n = lengths[li];
                uint8_t *rows[7];
                float wt[7];
                for (int r = 0; r < taps; r++) {
                    rows[r] = malloc((size_t)n);
                    for (int x = 0; x < n; x++)
                        rows[r][x] = (uint8_t)(rng = rng * 1664525u + 1013904223u) >> 24;
                    wt[r] = 0.5f * (frand() + 1.0f);
                }
                float *out = guarded((size_t)n);
                t[i]->vresample((const uint8_t *const *)rows, wt, taps, n, out);
                int bad = !canaries_intact(out, (size_t)n);
                for (int x = 0; x < n && !bad; x++) {
                    double acc = 0, mag = 0;
                    for (int r = 0; r < taps; r++)
                        acc += (double)wt[r] * rows[r][x], mag += fabs((double)wt[r] * rows[r][x]);
                    bad = !(fabs(out[x] - acc) <= 1e-6 * mag + 1e-6);
                    /* Every SIMD kernel: tap 0 multiplied, then one FMA per tap in order, so
                     * the pyramid is the same whatever the loop order inside the kernel. */
                    float chain = wt[0] * (float)rows[0][x];
                    for (int r = 1; r < taps; r++)
                        chain = fmaf(wt[r], (float)rows[r][x], chain);
                    bad |= memcmp(&chain, &out[x], sizeof chain) != 0;
                }
                guarded_free(out);
                for (int r = 0; r < taps; r++)
                    free(rows[r]);
                CHECK_MSG(!bad, "%s vresample taps %d n %d differs from the reference",
                          t[i]->name, taps, n);
            }
        fprintf(stderr, "%s: vresample ok\n", t[i]->name);
    }
    return 0;
}

/* The horizontal resampling kernels against the scalar reference, bit for bit: random tap
 * lists (zero weights among them), ragged pixel counts, both channel orders. */
static int test_hresample(void)
{
    int checked = 0;
    for (int ti = 0; mtk_table_names[ti]; ti++) {
        const mtk_table *k = mtk_find_table(mtk_table_names[ti]);
        if (!k || !k->hresample)
            continue;
        const int ns[] = {1, 2, 3, 4, 5, 7, 8, 9, 13, 37, 181};
        for (int taps = 1; taps <= 25; taps += 3)
            for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++)
                for (int bgr = 0; bgr < 2; bgr++) {
                    const int n = ns[ni], nv = 300;
                    const size_t nt = (size_t)(n + 3) / 4 * 4 * taps;
                    float *v = malloc((nv + 4) * sizeof *v), *w = malloc(nt * sizeof *w);
                    int32_t *col = malloc(nt * sizeof *col);
                    float *ref = guarded((size_t)n * 3), *got = guarded((size_t)n * 3);
                    for (int i = 0; i < nv + 4; i++)
                        v[i] = 255.0f * 0.5f * (frand() + 1.0f);
                    for (size_t j = 0; j < nt; j++) {
                        col[j] = (int32_t)((rng = rng * 1664525u + 1013904223u) >> 8) % nv;
                        w[j] = j % 5 == 3 ? 0.0f : 0.5f * (frand() + 1.0f);
                    }
                    mtk_f32_hresample__scalar(v, col, w, taps, n, bgr, ref);
                    k->hresample(v, col, w, taps, n, bgr, got);
                    CHECK(canaries_intact(got, (size_t)n * 3));
                    CHECK_MSG(memcmp(ref, got, (size_t)n * 3 * sizeof *got) == 0,
                              "%s hresample taps %d n %d bgr %d differs from the reference",
                              k->name, taps, n, bgr);
                    guarded_free(ref), guarded_free(got);
                    free(v), free(w), free(col);
                    checked++;
                }
        fprintf(stderr, "%s: hresample bit-exact\n", k->name);
    }
    if (!checked)
        SKIP("no horizontal resampling kernel on this CPU");
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {{"conv", test_conv},
                                       {"maxpool", test_maxpool},
                                       {"vresample", test_vresample},
                                       {"hresample", test_hresample},
                                       {NULL, NULL}};
    return check_main(argc, argv, cases);
}
