/* caffe-model.c - a minimal protobuf wire-format reader for Caffe weights (see the header). */
#include "caffe-model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "file.h"

/* Bigger than any Caffe model this project meets (det4 is 3.8 MB); refused before reading. */
#define MAX_FILE_SIZE ((size_t)256 << 20)
/* A dimension beyond this is corruption, and keeping dims small keeps products exact. */
#define MAX_DIM ((int64_t)1 << 31)

enum { WIRE_VARINT = 0, WIRE_I64 = 1, WIRE_LEN = 2, WIRE_SGROUP = 3, WIRE_EGROUP = 4, WIRE_I32 = 5 };

/* A window of the input; positions in messages are byte offsets from the file start. */
typedef struct span {
    const unsigned char *p, *end;
} span;

typedef struct parser {
    const unsigned char *base;
    const char *name;
} parser;

typedef struct field {
    uint32_t number;
    int wire;
    uint64_t value; /* varint / fixed value */
    span body;      /* length-delimited payload */
    size_t at;      /* offset of the tag, for messages */
} field;

static size_t offset_of(const parser *ps, const unsigned char *p) { return (size_t)(p - ps->base); }

static int read_varint(const parser *ps, span *s, uint64_t *out)
{
    const unsigned char *start = s->p;
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (s->p == s->end)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: truncated varint at byte %zu", ps->name,
                                   offset_of(ps, start));
        unsigned char b = *s->p++;
        /* the 10th byte may only carry the top bit of a 64-bit value */
        if (shift == 63 && b > 1)
            break;
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return mtcam_set_error(MTCNN_EFORMAT, "%s: varint too long at byte %zu", ps->name,
                           offset_of(ps, start));
}

/* Reads one field (tag and payload) from s. Fails on malformed or out-of-bounds data. */
static int read_field(const parser *ps, span *s, field *f)
{
    f->at = offset_of(ps, s->p);
    uint64_t tag;
    int rc = read_varint(ps, s, &tag);
    if (rc < 0)
        return rc;
    f->number = (uint32_t)(tag >> 3);
    f->wire = (int)(tag & 7);
    if ((tag >> 3) == 0 || (tag >> 3) > 0x1FFFFFFF)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: invalid field number %llu at byte %zu",
                               ps->name, (unsigned long long)(tag >> 3), f->at);
    size_t left = (size_t)(s->end - s->p);
    switch (f->wire) {
    case WIRE_VARINT:
        return read_varint(ps, s, &f->value);
    case WIRE_I64:
    case WIRE_I32: {
        size_t n = f->wire == WIRE_I64 ? 8 : 4;
        if (left < n)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: truncated field %u at byte %zu",
                                   ps->name, (unsigned)f->number, f->at);
        f->value = 0;
        for (size_t i = 0; i < n; i++)
            f->value |= (uint64_t)s->p[i] << (8 * i);
        f->body.p = s->p;
        f->body.end = s->p + n;
        s->p += n;
        return 0;
    }
    case WIRE_LEN: {
        uint64_t len;
        if ((rc = read_varint(ps, s, &len)) < 0)
            return rc;
        left = (size_t)(s->end - s->p);
        if (len > left)
            return mtcam_set_error(MTCNN_EFORMAT,
                                   "%s: field %u at byte %zu: length %llu runs past the end of "
                                   "its message (%zu bytes left)",
                                   ps->name, (unsigned)f->number, f->at,
                                   (unsigned long long)len, left);
        f->body.p = s->p;
        f->body.end = s->p + len;
        s->p += len;
        return 0;
    }
    case WIRE_SGROUP:
    case WIRE_EGROUP:
        return mtcam_set_error(MTCNN_EFORMAT,
                               "%s: field %u at byte %zu: protobuf groups are not supported",
                               ps->name, (unsigned)f->number, f->at);
    default:
        return mtcam_set_error(MTCNN_EFORMAT, "%s: field %u at byte %zu: invalid wire type %d",
                               ps->name, (unsigned)f->number, f->at, f->wire);
    }
}

static int wrong_wire(const parser *ps, const field *f, const char *what)
{
    return mtcam_set_error(MTCNN_EFORMAT, "%s: %s (field %u) at byte %zu has wire type %d",
                           ps->name, what, (unsigned)f->number, f->at, f->wire);
}

static char *copy_string(span s)
{
    size_t n = (size_t)(s.end - s.p);
    char *str = malloc(n + 1);
    if (str) {
        if (n) /* s.p may be NULL for an empty string */
            memcpy(str, s.p, n);
        str[n] = '\0';
    }
    return str;
}

/* Appends one element to a growable array (doubling); the size is bounded by the input
 * because every element consumed at least one byte of it. */
static void *grow(void *items, int n, int *cap, size_t item_size)
{
    if (n < *cap)
        return items;
    int new_cap = *cap ? *cap * 2 : 8;
    void *p = realloc(items, (size_t)new_cap * item_size);
    if (p)
        *cap = new_cap;
    return p; /* NULL: the old block is still valid and owned by the caller */
}

static int add_dim(const parser *ps, app_caffe_blob *b, uint64_t v, size_t at)
{
    if (b->ndim == APP_CAFFE_MAX_DIMS)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: blob shape at byte %zu has more than %d dims",
                               ps->name, at, APP_CAFFE_MAX_DIMS);
    if ((int64_t)v < 0 || (int64_t)v >= MAX_DIM)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: blob shape at byte %zu: absurd dim %lld",
                               ps->name, at, (long long)(int64_t)v);
    b->dims[b->ndim++] = (int64_t)v;
    return 0;
}

/* BlobShape: repeated int64 dim = 1, packed (the default) or one varint per field. */
static int parse_shape(const parser *ps, span s, app_caffe_blob *b)
{
    while (s.p < s.end) {
        field f;
        int rc = read_field(ps, &s, &f);
        if (rc < 0)
            return rc;
        if (f.number != 1)
            continue;
        if (f.wire == WIRE_VARINT) {
            if ((rc = add_dim(ps, b, f.value, f.at)) < 0)
                return rc;
        } else if (f.wire == WIRE_LEN) {
            span dims = f.body;
            while (dims.p < dims.end) {
                uint64_t v;
                if ((rc = read_varint(ps, &dims, &v)) < 0 || (rc = add_dim(ps, b, v, f.at)) < 0)
                    return rc;
            }
        } else {
            return wrong_wire(ps, &f, "shape dim");
        }
    }
    return 0;
}

void app_caffe_shape_text(char *buf, size_t size, const app_caffe_blob *b)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int d = 0; d < b->ndim && len < size; d++) {
        int w = snprintf(buf + len, size - len, d ? "x%lld" : "%lld", (long long)b->dims[d]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (b->ndim == 0)
        snprintf(buf, size, "(none)");
}

/* BlobProto: shape = 7, data = 5 (float, packed or not). Two passes: count the floats (each
 * count is bounded by bytes actually present), check them against the shape, then copy. */
static int parse_blob(const parser *ps, span s, app_caffe_blob *b, size_t blob_at)
{
    span all = s;
    size_t count = 0;
    int has_shape = 0;
    while (s.p < s.end) {
        field f;
        int rc = read_field(ps, &s, &f);
        if (rc < 0)
            return rc;
        if (f.number == 7) {
            if (f.wire != WIRE_LEN)
                return wrong_wire(ps, &f, "blob shape");
            if (has_shape)
                return mtcam_set_error(MTCNN_EFORMAT, "%s: blob at byte %zu has two shapes",
                                       ps->name, blob_at);
            has_shape = 1;
            if ((rc = parse_shape(ps, f.body, b)) < 0)
                return rc;
        } else if (f.number == 5) {
            if (f.wire == WIRE_I32) {
                count++;
            } else if (f.wire == WIRE_LEN) {
                size_t len = (size_t)(f.body.end - f.body.p);
                if (len % 4)
                    return mtcam_set_error(MTCNN_EFORMAT,
                                           "%s: packed float data at byte %zu: %zu bytes, not a "
                                           "multiple of 4",
                                           ps->name, f.at, len);
                count += len / 4;
            } else {
                return wrong_wire(ps, &f, "blob data");
            }
        } else if (f.number == 8 && f.wire == WIRE_LEN && f.body.p != f.body.end) {
            return mtcam_set_error(MTCNN_EFORMAT,
                                   "%s: blob at byte %zu holds double_data (not supported)",
                                   ps->name, blob_at);
        }
    }
    if (!has_shape && count)
        return mtcam_set_error(MTCNN_EFORMAT,
                               "%s: blob at byte %zu has data but no shape (legacy "
                               "num/channels/height/width blobs are not supported)",
                               ps->name, blob_at);
    /* dims are < 2^31 each; saturate so a huge shape cannot wrap around to match */
    size_t product = b->ndim ? 1 : 0;
    for (int d = 0; d < b->ndim; d++)
        product = b->dims[d] && product > SIZE_MAX / (size_t)b->dims[d]
                      ? SIZE_MAX
                      : product * (size_t)b->dims[d];
    if (product != count) {
        char shape[160];
        app_caffe_shape_text(shape, sizeof shape, b);
        return mtcam_set_error(MTCNN_EFORMAT,
                               "%s: blob at byte %zu: %zu floats of data, its shape %s needs %zu",
                               ps->name, blob_at, count, shape, product);
    }
    b->count = count;
    if (!count)
        return 0;
    b->data = malloc(count * sizeof(float));
    if (!b->data)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for %zu floats", ps->name,
                               count);
    size_t at = 0;
    s = all;
    while (s.p < s.end) {
        field f;
        int rc = read_field(ps, &s, &f);
        if (rc < 0)
            return rc;
        if (f.number != 5)
            continue;
        for (const unsigned char *q = f.body.p; q < f.body.end; q += 4) {
            uint32_t bits = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
                            (uint32_t)q[3] << 24;
            memcpy(&b->data[at++], &bits, sizeof bits);
        }
    }
    return 0;
}

static int parse_layer(const parser *ps, span s, app_caffe_layer *l)
{
    int cap = 0;
    while (s.p < s.end) {
        field f;
        int rc = read_field(ps, &s, &f);
        if (rc < 0)
            return rc;
        if (f.number == 1 || f.number == 2) {
            if (f.wire != WIRE_LEN)
                return wrong_wire(ps, &f, f.number == 1 ? "layer name" : "layer type");
            char **dst = f.number == 1 ? &l->name : &l->type;
            free(*dst); /* protobuf: the last occurrence wins */
            if (!(*dst = copy_string(f.body)))
                return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", ps->name);
        } else if (f.number == 7) {
            if (f.wire != WIRE_LEN)
                return wrong_wire(ps, &f, "layer blobs");
            app_caffe_blob *blobs = grow(l->blobs, l->n_blobs, &cap, sizeof *blobs);
            if (!blobs)
                return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", ps->name);
            l->blobs = blobs;
            app_caffe_blob *b = &l->blobs[l->n_blobs++];
            memset(b, 0, sizeof *b);
            if ((rc = parse_blob(ps, f.body, b, f.at)) < 0)
                return rc;
        }
    }
    return 0;
}

void app_caffe_free(app_caffe_net *net)
{
    if (!net)
        return;
    for (int i = 0; i < net->n_layers; i++) {
        app_caffe_layer *l = &net->layers[i];
        for (int k = 0; k < l->n_blobs; k++)
            free(l->blobs[k].data);
        free(l->blobs);
        free(l->name);
        free(l->type);
    }
    free(net->layers);
    net->layers = NULL;
    net->n_layers = 0;
}

int app_caffe_read_memory(const void *data, size_t size, const char *name, app_caffe_net *net)
{
    if (!name)
        name = "(memory)";
    if (!net)
        return mtcam_set_error(MTCNN_EINVAL, "%s: net is NULL", name);
    memset(net, 0, sizeof *net);
    if (!data && size)
        return mtcam_set_error(MTCNN_EINVAL, "%s: data is NULL", name);
    parser ps = {.base = data, .name = name};
    span s = {.p = data, .end = (const unsigned char *)data + size};
    int cap = 0, rc = 0;
    if (!size)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: empty file", name);
    while (s.p < s.end) {
        field f;
        if ((rc = read_field(&ps, &s, &f)) < 0)
            goto fail;
        if (f.number == 2 && f.wire == WIRE_LEN) {
            rc = mtcam_set_error(MTCNN_EFORMAT,
                                 "%s: legacy V1 layers (field 2) are not supported; upgrade the "
                                 "model with Caffe's upgrade_net_proto_binary",
                                 name);
            goto fail;
        }
        if (f.number != 100)
            continue;
        if (f.wire != WIRE_LEN) {
            rc = wrong_wire(&ps, &f, "layer");
            goto fail;
        }
        app_caffe_layer *layers = grow(net->layers, net->n_layers, &cap, sizeof *layers);
        if (!layers) {
            rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", name);
            goto fail;
        }
        net->layers = layers;
        app_caffe_layer *l = &net->layers[net->n_layers++];
        memset(l, 0, sizeof *l);
        if ((rc = parse_layer(&ps, f.body, l)) < 0)
            goto fail;
        if ((!l->name && !(l->name = copy_string((span){0})))
            || (!l->type && !(l->type = copy_string((span){0})))) {
            rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", name);
            goto fail;
        }
    }
    if (net->n_layers == 0) {
        rc = mtcam_set_error(MTCNN_EFORMAT, "%s: no layers: not a Caffe NetParameter", name);
        goto fail;
    }
    return 0;
fail:
    app_caffe_free(net);
    return rc;
}

int app_caffe_read_file(const char *path, app_caffe_net *net)
{
    if (net)
        memset(net, 0, sizeof *net);
    unsigned char *buf;
    size_t len;
    int rc = mtcam_read_file(path, MAX_FILE_SIZE, &buf, &len);
    if (rc == MTCNN_EFORMAT)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: larger than %zu bytes: not a model", path,
                               MAX_FILE_SIZE);
    if (rc < 0)
        return rc;
    rc = app_caffe_read_memory(buf, len, path, net);
    free(buf);
    return rc;
}

const app_caffe_layer *app_caffe_find(const app_caffe_net *net, const char *name)
{
    for (int i = 0; i < net->n_layers; i++)
        if (strcmp(net->layers[i].name, name) == 0)
            return &net->layers[i];
    return NULL;
}
