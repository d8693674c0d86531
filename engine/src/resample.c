#include "resample.h"

#include <math.h>
#include <string.h>

#include "align.h"
#include "mtcnn.h"

int mtcnn__axis_taps(int src_len, int dst_len)
{
    if (dst_len >= src_len)
        return 2;
    /* An output interval of length src/dst touches at most ceil(src/dst) + 1 inputs. */
    return (src_len + dst_len - 1) / dst_len + 1;
}

void mtcnn__axis_init(mtcnn__axis *ax, int src_len, int dst_len)
{
    /* Taps past the end of the source get weight 0, and zero-weight taps are never read. */
    const int taps = mtcnn__axis_taps(src_len, dst_len);
    ax->n_out = dst_len;
    ax->taps = taps;
    const double scale = (double)src_len / dst_len;
    for (int i = 0; i < dst_len; i++) {
        float *w = ax->w + (size_t)i * taps;
        memset(w, 0, sizeof *w * (size_t)taps);
        if (dst_len >= src_len) {
            /* Enlarging (or identity): bilinear at half-pixel centres, edges clamped. */
            double c = (i + 0.5) * scale - 0.5;
            c = c < 0 ? 0 : c > src_len - 1 ? src_len - 1 : c;
            const int i0 = (int)floor(c);
            const double f = i0 >= src_len - 1 ? 0.0 : c - i0;
            ax->first[i] = i0;
            w[0] = (float)(1.0 - f);
            w[1] = (float)f;
        } else {
            /* Shrinking: the coverage of [i*scale, (i+1)*scale) by each input pixel. */
            const double start = i * scale, end = (i + 1) * scale;
            const int j0 = (int)floor(start);
            ax->first[i] = j0;
            for (int t = 0; t < taps && j0 + t < src_len; t++) {
                const int j = j0 + t;
                const double lo = start > j ? start : j;
                const double hi = end < j + 1 ? end : j + 1;
                if (hi > lo)
                    w[t] = (float)((hi - lo) / scale);
            }
        }
    }
}

int mtcnn__resample_normalise(const mtcnn__src *src, int x0, int y0, int sw, int sh, int dw,
                              int dh, float *out, mtcnn__buf *tmp)
{
    const int tx = mtcnn__axis_taps(sw, dw), ty = mtcnn__axis_taps(sh, dh);
    /* Working memory: both axes' weights, one horizontally resampled row band (sh x dw x 3). */
    const size_t ax_bytes = ((size_t)dw + dh) * sizeof(int) + ((size_t)dw * tx + (size_t)dh * ty) * sizeof(float);
    const size_t band_bytes = (size_t)sh * dw * 3 * sizeof(float);
    char *mem = mtcnn__buf_reserve(tmp, ax_bytes + band_bytes + 64);
    if (!mem)
        return MTCNN_ENOMEM;
    float *band = (float *)mem;
    char *p = mem + band_bytes;
    mtcnn__axis ax = {.first = (int *)p};
    p += (size_t)dw * sizeof(int);
    mtcnn__axis ay = {.first = (int *)p};
    p += (size_t)dh * sizeof(int);
    ax.w = (float *)p;
    p += (size_t)dw * tx * sizeof(float);
    ay.w = (float *)p;
    mtcnn__axis_init(&ax, sw, dw);
    mtcnn__axis_init(&ay, sh, dh);

    /* Horizontal pass: band[r][x][c] for every source row r of the rectangle. */
    for (int r = 0; r < sh; r++) {
        float *dst = band + (size_t)r * dw * 3;
        const int y = y0 + r;
        if (y < 0 || y >= src->height) {
            memset(dst, 0, sizeof *dst * (size_t)dw * 3);
            continue;
        }
        const uint8_t *row = src->data + (ptrdiff_t)y * src->stride;
        for (int i = 0; i < dw; i++) {
            const float *w = ax.w + (size_t)i * tx;
            float acc[3] = {0, 0, 0};
            for (int t = 0; t < tx; t++) {
                const int x = x0 + ax.first[i] + t;
                if (w[t] == 0.0f || x < 0 || x >= src->width)
                    continue;
                const uint8_t *px = row + (ptrdiff_t)x * src->bpp;
                acc[0] += w[t] * px[src->off[0]];
                acc[1] += w[t] * px[src->off[1]];
                acc[2] += w[t] * px[src->off[2]];
            }
            dst[i * 3 + 0] = acc[0];
            dst[i * 3 + 1] = acc[1];
            dst[i * 3 + 2] = acc[2];
        }
    }
    /* Vertical pass and normalisation into planar RGB. */
    const size_t plane = (size_t)dw * dh;
    for (int j = 0; j < dh; j++) {
        const float *w = ay.w + (size_t)j * ty;
        for (int i = 0; i < dw; i++) {
            float acc[3] = {0, 0, 0};
            for (int t = 0; t < ty; t++) {
                if (w[t] == 0.0f)
                    continue;
                const float *b = band + ((size_t)(ay.first[j] + t) * dw + i) * 3;
                acc[0] += w[t] * b[0];
                acc[1] += w[t] * b[1];
                acc[2] += w[t] * b[2];
            }
            for (int c = 0; c < 3; c++)
                out[c * plane + (size_t)j * dw + i] = (acc[c] - 127.5f) * 0.0078125f;
        }
    }
    return 0;
}

/* 4-float vectors of the compiler (SSE on x86-64, NEON on AArch64: both baseline). */
typedef float v4f __attribute__((vector_size(16)));

static inline v4f load4(const float *p)
{
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Horizontal pass of one row: o[i*3 + c] = norm(sum_t w[i][t] * v[(col + t) * bpp + off[c]])
 * where col = shift + first[i]. v holds at least 4 floats past the last pixel read. */
static void hpass(const mtcnn__axis *ax, int tx, const float *v, int shift, int bpp,
                  const int off[3], int dw, float *o)
{
    const int rgb = (bpp == 3 || bpp == 4) && off[0] == 0 && off[1] == 1 && off[2] == 2;
    const int bgr = (bpp == 3 || bpp == 4) && off[0] == 2 && off[1] == 1 && off[2] == 0;
    int i = 0;
    if (rgb || bgr) {
        /* One vector per input pixel (its 3 or 4 channels); the last output pixel is left
         * to the scalar loop so the 4-float store never passes the row's end. */
        const v4f bias = {127.5f, 127.5f, 127.5f, 127.5f};
        for (; i < dw - 1; i++) {
            const float *w = ax->w + (size_t)i * tx;
            const float *px = v + (ptrdiff_t)(shift + ax->first[i]) * bpp;
            v4f acc = {0, 0, 0, 0};
            for (int t = 0; t < tx; t++)
                if (w[t] != 0.0f)
                    acc += w[t] * load4(px + (ptrdiff_t)t * bpp);
            acc = (acc - bias) * 0.0078125f;
            if (bgr)
                acc = (v4f){acc[2], acc[1], acc[0], acc[3]};
            memcpy(o + i * 3, &acc, sizeof acc);
        }
    }
    for (; i < dw; i++) {
        const float *w = ax->w + (size_t)i * tx;
        const ptrdiff_t col0 = shift + ax->first[i];
        float acc[3] = {0, 0, 0};
        for (int t = 0; t < tx; t++) {
            if (w[t] == 0.0f)
                continue;
            const float *px = v + (col0 + t) * bpp;
            acc[0] += w[t] * px[off[0]];
            acc[1] += w[t] * px[off[1]];
            acc[2] += w[t] * px[off[2]];
        }
        o[i * 3 + 0] = (acc[0] - 127.5f) * 0.0078125f;
        o[i * 3 + 1] = (acc[1] - 127.5f) * 0.0078125f;
        o[i * 3 + 2] = (acc[2] - 127.5f) * 0.0078125f;
    }
}

int mtcnn__resample_normalise_hwc(const mtk_table *k, const mtcnn__src *src, int x0, int y0,
                                  int sw, int sh, int dw, int dh, int row0, int row1,
                                  float *out, mtcnn__buf *tmp)
{
    const int tx = mtcnn__axis_taps(sw, dw), ty = mtcnn__axis_taps(sh, dh);
    /* The source columns any output pixel reads, clipped to the image. */
    int cx0 = x0, cx1 = x0 + sw + 2;
    cx0 = cx0 < 0 ? 0 : cx0;
    cx1 = cx1 > src->width ? src->width : cx1;
    const int ncol = cx1 > cx0 ? cx1 - cx0 : 0;
    const size_t vrow_floats = ((size_t)ncol * src->bpp + 31) & ~(size_t)15; /* keeps rows[] aligned */
    const size_t ax_bytes = ((size_t)dw + dh) * sizeof(int) +
                            ((size_t)dw * tx + (size_t)dh * ty) * sizeof(float);
    const size_t vrow_bytes = vrow_floats * sizeof(float);
    const size_t tap_bytes = (size_t)ty * (sizeof(uint8_t *) + sizeof(float));
    const int bpp = src->bpp, *off = src->off;
    const int rgb = (bpp == 3 || bpp == 4) && off[0] == 0 && off[1] == 1 && off[2] == 2;
    const int bgr = (bpp == 3 || bpp == 4) && off[0] == 2 && off[1] == 1 && off[2] == 0;
    const int hk = k->hresample && (rgb || bgr) && ncol > 0;
    const size_t groups = ((size_t)dw + 3) / 4;
    const size_t hl_bytes = hk ? groups * 4 * (size_t)tx * (sizeof(int32_t) + sizeof(float)) : 0;
    char *mem = mtcnn__buf_reserve(tmp, vrow_bytes + tap_bytes + ax_bytes + hl_bytes + 64);
    if (!mem)
        return MTCNN_ENOMEM;
    float *vrow = (float *)mem;
    /* The vector horizontal pass reads up to 3 floats past the last pixel: make them 0. */
    memset(vrow + (size_t)ncol * src->bpp, 0, 16 * sizeof(float));
    char *p = mem + vrow_bytes;
    const uint8_t **rows = (const uint8_t **)p;
    p += (size_t)ty * sizeof(uint8_t *);
    mtcnn__axis ax = {.first = (int *)p};
    p += (size_t)dw * sizeof(int);
    mtcnn__axis ay = {.first = (int *)p};
    p += (size_t)dh * sizeof(int);
    float *wt = (float *)p;
    p += (size_t)ty * sizeof(float);
    ax.w = (float *)p;
    p += (size_t)dw * tx * sizeof(float);
    ay.w = (float *)p;
    mtcnn__axis_init(&ax, sw, dw);
    mtcnn__axis_init(&ay, sh, dh);
    /* Horizontal taps that count: nonzero weight and a column inside the image. */
    for (int i = 0; i < dw; i++)
        for (int t = 0; t < tx; t++) {
            const int x = x0 + ax.first[i] + t;
            if (x < cx0 || x >= cx1)
                ax.w[(size_t)i * tx + t] = 0.0f;
        }
    /* For the table's horizontal kernel: each pixel's taps that count, as float offsets into
     * vrow, in groups of 4 pixels, padded with weight-0 taps on a column it reads anyway
     * (adding 0 * a finite value to the sum changes nothing: every term is >= 0). */
    int32_t *hcol = NULL;
    float *hw = NULL;
    int ht = 0;
    if (hk) {
        hcol = (int32_t *)(mem + vrow_bytes + tap_bytes + ax_bytes);
        hw = (float *)(hcol + groups * 4 * tx);
        for (int i = 0; i < dw; i++) {
            int n = 0;
            for (int t = 0; t < tx; t++)
                n += ax.w[(size_t)i * tx + t] != 0.0f;
            ht = n > ht ? n : ht;
        }
        ht = ht < 1 ? 1 : ht;
        for (size_t i = 0; i < groups * 4; i++) {
            const size_t g = (i / 4) * (size_t)ht * 4 + i % 4;
            int n = 0, last = 0;
            for (int t = 0; t < tx && (int)i < dw; t++) {
                const float wv = ax.w[i * tx + t];
                if (wv == 0.0f)
                    continue;
                last = (x0 - cx0 + ax.first[i] + t) * bpp;
                hcol[g + (size_t)n * 4] = last;
                hw[g + (size_t)n * 4] = wv;
                n++;
            }
            for (; n < ht; n++) {
                hcol[g + (size_t)n * 4] = last;
                hw[g + (size_t)n * 4] = 0.0f;
            }
        }
    }

    for (int j = row0; j < row1; j++) {
        /* Vertical pass: the rows this output row reads, bytes to floats. */
        int n = 0;
        for (int t = 0; t < ty; t++) {
            const float w = ay.w[(size_t)j * ty + t];
            const int y = y0 + ay.first[j] + t;
            if (w == 0.0f || y < 0 || y >= src->height)
                continue;
            rows[n] = src->data + (ptrdiff_t)y * src->stride + (ptrdiff_t)cx0 * src->bpp;
            wt[n++] = w;
        }
        float *o = out + (size_t)(j - row0) * dw * 3;
        if (n == 0 || ncol == 0) {
            for (int i = 0; i < dw * 3; i++)
                o[i] = -127.5f * 0.0078125f;
            continue;
        }
        k->vresample(rows, wt, n, ncol * src->bpp, vrow);
        /* Horizontal pass and normalisation. */
        if (hk)
            k->hresample(vrow, hcol, hw, ht, dw, bgr, o);
        else
            hpass(&ax, tx, vrow, x0 - cx0, src->bpp, src->off, dw, o);
    }
    return 0;
}

int mtcnn__resize_rgb24(const mtk_table *k, const mtcnn__src *src, int dw, int dh,
                        uint8_t *out, ptrdiff_t out_stride, mtcnn__buf *tmp)
{
    float *row = mtcam_alloc_aligned((size_t)dw * 3 * sizeof(float));
    if (!row)
        return MTCNN_ENOMEM;
    int rc = 0;
    for (int j = 0; j < dh && !rc; j++) {
        rc = mtcnn__resample_normalise_hwc(k, src, 0, 0, src->width, src->height, dw, dh, j,
                                           j + 1, row, tmp);
        for (int i = 0; i < dw * 3 && !rc; i++) {
            const float v = row[i] * 128.0f + 127.5f;
            out[(ptrdiff_t)j * out_stride + i] = (uint8_t)(v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5f);
        }
    }
    mtcam_free_aligned(row);
    return rc;
}
