#include "resample.h"

#include <math.h>
#include <string.h>

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
