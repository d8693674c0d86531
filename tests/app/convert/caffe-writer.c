#include "caffe-writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(pbw *w, const void *data, size_t n)
{
    if (w->oom)
        return;
    if (w->n + n > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->n + n)
            cap *= 2;
        unsigned char *p = realloc(w->p, cap);
        if (!p) {
            w->oom = 1;
            return;
        }
        w->p = p;
        w->cap = cap;
    }
    if (n)
        memcpy(w->p + w->n, data, n);
    w->n += n;
}

static void varint(pbw *w, uint64_t v)
{
    unsigned char b[10];
    int n = 0;
    do {
        b[n++] = (unsigned char)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
    put(w, b, (size_t)n);
}

static void tag(pbw *w, unsigned field, unsigned wire) { varint(w, (uint64_t)field << 3 | wire); }

static void bytes_field(pbw *w, unsigned field, const pbw *body)
{
    tag(w, field, 2);
    varint(w, body->n);
    put(w, body->p, body->n);
}

static void string_field(pbw *w, unsigned field, const char *s)
{
    tag(w, field, 2);
    varint(w, strlen(s));
    put(w, s, strlen(s));
}

static void f32le(pbw *w, float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    unsigned char b[4] = {(unsigned char)bits, (unsigned char)(bits >> 8),
                          (unsigned char)(bits >> 16), (unsigned char)(bits >> 24)};
    put(w, b, 4);
}

void pbw_free(pbw *w)
{
    free(w->p);
    memset(w, 0, sizeof *w);
}

void pbw_net_name(pbw *w, const char *name) { string_field(w, 1, name); }

void pbw_layer(pbw *w, const char *name, const char *type, int n_blobs, const int *ndim,
               const int64_t (*dims)[4], const float *const *data, int encoding)
{
    pbw layer = {0};
    string_field(&layer, 1, name);
    string_field(&layer, 2, type);
    string_field(&layer, 3, "bottom-blob"); /* LayerParameter.bottom: must be skipped */
    for (int k = 0; k < n_blobs; k++) {
        pbw blob = {0}, shape = {0}, packed = {0};
        size_t count = 1;
        for (int d = 0; d < ndim[k]; d++)
            count *= (size_t)dims[k][d];
        if (encoding == PBW_PACKED) {
            for (int d = 0; d < ndim[k]; d++)
                varint(&packed, (uint64_t)dims[k][d]);
            bytes_field(&shape, 1, &packed);
            pbw_free(&packed);
            bytes_field(&blob, 7, &shape);
            for (size_t i = 0; i < count; i++)
                f32le(&packed, data[k][i]);
            bytes_field(&blob, 5, &packed);
        } else {
            /* data first, shape last, one value per field: order must not matter */
            for (size_t i = 0; i < count; i++) {
                tag(&blob, 5, 5);
                f32le(&blob, data[k][i]);
            }
            for (int d = 0; d < ndim[k]; d++) {
                tag(&shape, 1, 0);
                varint(&shape, (uint64_t)dims[k][d]);
            }
            bytes_field(&blob, 7, &shape);
        }
        bytes_field(&layer, 7, &blob);
        w->oom |= blob.oom | shape.oom | packed.oom;
        pbw_free(&blob);
        pbw_free(&shape);
        pbw_free(&packed);
    }
    bytes_field(w, 100, &layer);
    w->oom |= layer.oom;
    pbw_free(&layer);
}

int pbw_save(const pbw *w, const char *path)
{
    if (w->oom)
        return -1;
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(w->p, 1, w->n, f) == w->n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

#define CONV(n, o, i, k) {n, "Convolution", 2, {4, 1}, {{o, i, k, k}, {o}}}
#define FC(n, o, i) {n, "InnerProduct", 2, {2, 1}, {{o, i}, {o}}}
#define PRELU(n, c) {n, "PReLU", 1, {1, 0}, {{c}}}
#define NOBLOB(n, t) {n, t, 0, {0, 0}, {{0}}}

static const caffe_layer_spec det1[] = {
    NOBLOB("data", "Input"), CONV("conv1", 10, 3, 3),  PRELU("PReLU1", 10),
    NOBLOB("pool1", "Pooling"), CONV("conv2", 16, 10, 3), PRELU("PReLU2", 16),
    CONV("conv3", 32, 16, 3),   PRELU("PReLU3", 32),      CONV("conv4-1", 2, 32, 1),
    CONV("conv4-2", 4, 32, 1),  NOBLOB("prob1", "Softmax"),
};
static const caffe_layer_spec det2[] = {
    CONV("conv1", 28, 3, 3),  PRELU("prelu1", 28),   CONV("conv2", 48, 28, 3),
    PRELU("prelu2", 48),      CONV("conv3", 64, 48, 2), PRELU("prelu3", 64),
    FC("conv4", 128, 576),    PRELU("prelu4", 128),  FC("conv5-1", 2, 128),
    FC("conv5-2", 4, 128),    FC("conv5-3", 10, 128),
};
static const caffe_layer_spec det3[] = {
    CONV("conv1", 32, 3, 3),   PRELU("prelu1", 32),     CONV("conv2", 64, 32, 3),
    PRELU("prelu2", 64),       CONV("conv3", 64, 64, 3), PRELU("prelu3", 64),
    CONV("conv4", 128, 64, 2), PRELU("prelu4", 128),    FC("conv5", 256, 1152),
    NOBLOB("drop5", "Dropout"), PRELU("prelu5", 256),   FC("conv6-1", 2, 256),
    FC("conv6-2", 4, 256),     FC("conv6-3", 10, 256),
};
#define BRANCH(k)                                                                             \
    CONV("conv1_" #k, 28, 3, 3), PRELU("prelu1_" #k, 28), CONV("conv2_" #k, 48, 28, 3),       \
        PRELU("prelu2_" #k, 48), CONV("conv3_" #k, 64, 48, 2), PRELU("prelu3_" #k, 64)
#define HEAD(k) FC("fc4_" #k, 64, 256), PRELU("prelu4_" #k, 64), FC("fc5_" #k, 2, 64)
static const caffe_layer_spec det4[] = {
    NOBLOB("slicer_data", "Slice"), BRANCH(1), BRANCH(2), BRANCH(3), BRANCH(4), BRANCH(5),
    NOBLOB("concat", "Concat"), FC("fc4", 256, 2880), PRELU("prelu4", 256),
    HEAD(1), HEAD(2), HEAD(3), HEAD(4), HEAD(5),
};

const caffe_layer_spec *caffe_spec(int net, int *n)
{
    switch (net) {
    case 0: *n = (int)(sizeof det1 / sizeof det1[0]); return det1;
    case 1: *n = (int)(sizeof det2 / sizeof det2[0]); return det2;
    case 2: *n = (int)(sizeof det3 / sizeof det3[0]); return det3;
    default: *n = (int)(sizeof det4 / sizeof det4[0]); return det4;
    }
}

/* Distinct, exactly representable values, so a misplaced element is always visible. */
float caffe_synthetic_value(int net, int layer, int blob, size_t index)
{
    uint32_t h = (uint32_t)(net * 131 + layer * 17 + blob * 7) * 2654435761u ^ (uint32_t)index;
    h = (h ^ (h >> 15)) * 2246822519u;
    h ^= h >> 13;
    return (float)((int32_t)(h % 2000001u) - 1000000) / 1048576.0f;
}

int caffe_write_synthetic(pbw *w, int net, int encoding)
{
    int n;
    const caffe_layer_spec *spec = caffe_spec(net, &n);
    pbw_net_name(w, "synthetic");
    for (int l = 0; l < n; l++) {
        float *data[2] = {NULL, NULL};
        for (int k = 0; k < spec[l].n_blobs; k++) {
            size_t count = 1;
            for (int d = 0; d < spec[l].ndim[k]; d++)
                count *= (size_t)spec[l].dims[k][d];
            data[k] = malloc(count * sizeof(float));
            if (!data[k])
                w->oom = 1;
            for (size_t i = 0; data[k] && i < count; i++)
                data[k][i] = caffe_synthetic_value(net, l, k, i);
        }
        if (!w->oom)
            pbw_layer(w, spec[l].name, spec[l].type, spec[l].n_blobs, spec[l].ndim,
                      spec[l].dims, (const float *const *)data, encoding);
        free(data[0]);
        free(data[1]);
    }
    return w->oom ? -1 : 0;
}
