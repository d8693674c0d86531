/* layers.c - the backward passes, written as "axpy over a contiguous row" loops so the
 * compiler vectorises them (this file is built with -O3); no intrinsics, no ISA flags. */
#include "layers.h"

#include <string.h>

#include "kernels.h"

/* On x86-64 with GCC, the hot functions are also compiled for Haswell-class CPUs (AVX2 +
 * FMA) and picked at load time (ifunc): no global ISA flag, the baseline build still runs
 * everywhere. Not under ThreadSanitizer, whose runtime is not up yet when ifunc resolvers
 * run at load time. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&                        \
    defined(__has_attribute) && !defined(__SANITIZE_THREAD__)
#if __has_attribute(target_clones)
#define MTT_CLONES __attribute__((target_clones("default", "arch=haswell")))
#endif
#endif
#ifndef MTT_CLONES
#define MTT_CLONES
#endif

/* y += a * x over n contiguous floats: the one hot loop of every pass here. */
static inline void axpy(int n, float a, const float *restrict x, float *restrict y)
{
    for (int i = 0; i < n; i++)
        y[i] += a * x[i];
}

/* Rows of x under output row p: colT[p][ci*k*k + ky*k + kx] = x[ci][y+ky][x+kx]. */
static void im2col_t(const float *x, int c, int h, int w, int k, float *colT)
{
    const int oh = h - k + 1, ow = w - k + 1, kk = c * k * k;
    for (int y = 0; y < oh; y++)
        for (int xx = 0; xx < ow; xx++) {
            float *row = colT + (size_t)(y * ow + xx) * kk;
            for (int ci = 0; ci < c; ci++)
                for (int ky = 0; ky < k; ky++) {
                    const float *src = x + ((size_t)ci * h + y + ky) * w + xx;
                    for (int kx = 0; kx < k; kx++)
                        *row++ = src[kx];
                }
        }
}

MTT_CLONES
void mtt_conv_forward(const float *x, int c, int h, int w, const float *weight,
                      const float *bias, int oc, int k, float *y, float *col)
{
    const int oh = h - k + 1, ow = w - k + 1, np = oh * ow;
    /* col[ci*k*k + ky*k + kx][p]: each (input channel, tap) is a shifted copy of the input
     * plane, so the product below is an axpy along the output positions. */
    for (int ci = 0; ci < c; ci++)
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++) {
                float *dst = col + (size_t)((ci * k + ky) * k + kx) * np;
                for (int yy = 0; yy < oh; yy++)
                    memcpy(dst + (size_t)yy * ow, x + ((size_t)ci * h + yy + ky) * w + kx,
                           (size_t)ow * sizeof *dst);
            }
    const int kk = c * k * k;
    for (int o = 0; o < oc; o++) {
        float *out = y + (size_t)o * np;
        for (int p = 0; p < np; p++)
            out[p] = bias[o];
        const float *wr = weight + (size_t)o * kk;
        for (int j = 0; j < kk; j++)
            axpy(np, wr[j], col + (size_t)j * np, out);
    }
}

MTT_CLONES
void mtt_conv_backward(const float *x, int c, int h, int w, int k, const float *weight,
                       int oc, const float *dy, float *gw, float *gb, float *dx, float *colT,
                       float *dcol)
{
    const int oh = h - k + 1, ow = w - k + 1, np = oh * ow, kk = c * k * k;
    /* im2col, transposed: row p holds the input patch under output position p, in the
     * weight's (ci, ky, kx) order, so both products below run along contiguous rows. */
    im2col_t(x, c, h, w, k, colT);
    for (int o = 0; o < oc; o++) {
        const float *d = dy + (size_t)o * np;
        float sum = 0;
        for (int p = 0; p < np; p++) {
            sum += d[p];
            /* Gradients behind a max-pool are mostly zero: skip them. */
            if (d[p] != 0.0f)
                axpy(kk, d[p], colT + (size_t)p * kk, gw + (size_t)o * kk);
        }
        gb[o] += sum;
    }
    if (!dx)
        return;
    for (int p = 0; p < np; p++) {
        float *row = dcol + (size_t)p * kk;
        memset(row, 0, (size_t)kk * sizeof *row);
        for (int o = 0; o < oc; o++) {
            const float a = dy[(size_t)o * np + p];
            if (a != 0.0f)
                axpy(kk, a, weight + (size_t)o * kk, row);
        }
    }
    /* col2im: scatter the patch gradients back onto the input. */
    for (int y = 0; y < oh; y++)
        for (int xx = 0; xx < ow; xx++) {
            const float *row = dcol + (size_t)(y * ow + xx) * kk;
            for (int ci = 0; ci < c; ci++)
                for (int ky = 0; ky < k; ky++) {
                    float *dst = dx + ((size_t)ci * h + y + ky) * w + xx;
                    for (int kx = 0; kx < k; kx++)
                        dst[kx] += *row++;
                }
        }
}

void mtt_prelu_backward(const float *x, int c, size_t plane, const float *slope,
                        const float *dy, float *gslope, float *dx)
{
    for (int ch = 0; ch < c; ch++) {
        const float a = slope[ch];
        const float *xs = x + (size_t)ch * plane, *d = dy + (size_t)ch * plane;
        float *o = dx + (size_t)ch * plane;
        float g = 0;
        for (size_t i = 0; i < plane; i++) {
            if (xs[i] > 0) {
                o[i] += d[i];
            } else {
                o[i] += a * d[i];
                g += d[i] * xs[i];
            }
        }
        gslope[ch] += g;
    }
}

void mtt_maxpool_backward(const float *x, int c, int h, int w, int k, int s, const float *dy,
                          float *dx)
{
    const int oh = mtk_pool_out(h, k, s), ow = mtk_pool_out(w, k, s);
    for (int ch = 0; ch < c; ch++) {
        const float *xs = x + (size_t)ch * h * w;
        float *o = dx + (size_t)ch * h * w;
        const float *d = dy + (size_t)ch * oh * ow;
        for (int py = 0; py < oh; py++)
            for (int px = 0; px < ow; px++) {
                const int y0 = py * s, x0 = px * s;
                const int y1 = y0 + k < h ? y0 + k : h, x1 = x0 + k < w ? x0 + k : w;
                int best = y0 * w + x0;
                for (int y = y0; y < y1; y++)
                    for (int xx = x0; xx < x1; xx++)
                        if (xs[y * w + xx] > xs[best])
                            best = y * w + xx;
                o[best] += d[py * ow + px];
            }
    }
}

MTT_CLONES
void mtt_fc_backward(const float *x, int n_in, const float *weight, int n_out,
                     const float *dy, float *gw, float *gb, float *dx)
{
    for (int o = 0; o < n_out; o++) {
        gb[o] += dy[o];
        if (dy[o] == 0.0f)
            continue;
        axpy(n_in, dy[o], x, gw + (size_t)o * n_in);
        if (dx)
            axpy(n_in, dy[o], weight + (size_t)o * n_in, dx);
    }
}
