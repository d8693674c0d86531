/* eval-mat.c - MAT-file v5 reader (see eval-mat.h). Layout, from MathWorks' "MAT-File
 * Format" document: a 128-byte header (text, version 0x0100, endian mark "IM"), then data
 * elements. Each element has an 8-byte tag (type, byte count) and data padded to 8 bytes, or
 * the "small element" form that packs type, count (<= 4) and data into the 8 bytes. A
 * miCOMPRESSED element holds a zlib stream of further elements; a miMATRIX element holds
 * array flags, dimensions, a name and the data (or, for cells, one miMATRIX per cell). */
#include "eval-mat.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "err.h"
#include "mtcnn.h"

enum {
    MI_INT8 = 1, MI_UINT8 = 2, MI_INT16 = 3, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6,
    MI_SINGLE = 7, MI_DOUBLE = 9, MI_INT64 = 12, MI_UINT64 = 13, MI_MATRIX = 14,
    MI_COMPRESSED = 15, MI_UTF8 = 16, MI_UTF16 = 17, MI_UTF32 = 18
};
enum {
    MX_CELL = 1, MX_STRUCT = 2, MX_OBJECT = 3, MX_CHAR = 4, MX_SPARSE = 5, MX_DOUBLE = 6,
    MX_SINGLE = 7, MX_INT8 = 8, MX_UINT8 = 9, MX_INT16 = 10, MX_UINT16 = 11, MX_INT32 = 12,
    MX_UINT32 = 13, MX_INT64 = 14, MX_UINT64 = 15
};

#define MAT_MAX_DEPTH 16                    /* cells within cells */
#define MAT_MAX_INFLATED ((size_t)1 << 30)  /* a zlib bomb stops here */

typedef struct mat_elem {
    uint32_t type;
    uint32_t size;
    const unsigned char *data;
} mat_elem;

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The next element of [*pos, end): fills e and advances *pos past its padding. */
static int next_elem(const unsigned char **pos, const unsigned char *end, const char *name,
                     mat_elem *e)
{
    const unsigned char *p = *pos;
    if ((size_t)(end - p) < 8)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: truncated data element tag", name);
    uint32_t w0 = rd32(p);
    if (w0 >> 16) { /* small element: count in the high half, data in the next 4 bytes */
        e->type = w0 & 0xffff;
        e->size = w0 >> 16;
        if (e->size > 4)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: small data element of %u bytes", name,
                                   (unsigned)e->size);
        e->data = p + 4;
        *pos = p + 8;
        return 0;
    }
    e->type = w0;
    e->size = rd32(p + 4);
    size_t left = (size_t)(end - p) - 8;
    if (e->size > left)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: data element of %u bytes with %zu left",
                               name, (unsigned)e->size, left);
    e->data = p + 8;
    /* Compressed elements are not padded; the others are padded to 8 bytes (the last one of
     * a file may lack its padding). */
    size_t padded = e->size;
    if (e->type != MI_COMPRESSED)
        padded = (padded + 7) & ~(size_t)7;
    if (padded > left)
        padded = left;
    *pos = p + 8 + padded;
    return 0;
}

static size_t type_bytes(uint32_t t)
{
    switch (t) {
    case MI_INT8: case MI_UINT8: case MI_UTF8: return 1;
    case MI_INT16: case MI_UINT16: case MI_UTF16: return 2;
    case MI_INT32: case MI_UINT32: case MI_SINGLE: case MI_UTF32: return 4;
    case MI_DOUBLE: case MI_INT64: case MI_UINT64: return 8;
    default: return 0;
    }
}

/* Value i of a numeric element, as a double. */
static double elem_value(const mat_elem *e, size_t i)
{
    const unsigned char *p = e->data + i * type_bytes(e->type);
    uint64_t u64;
    uint32_t u32;
    switch (e->type) {
    case MI_INT8: return (double)(int8_t)p[0];
    case MI_UINT8: case MI_UTF8: return (double)p[0];
    case MI_INT16: return (double)(int16_t)(uint16_t)(p[0] | p[1] << 8);
    case MI_UINT16: case MI_UTF16: return (double)(uint16_t)(p[0] | p[1] << 8);
    case MI_INT32: return (double)(int32_t)rd32(p);
    case MI_UINT32: case MI_UTF32: return (double)rd32(p);
    case MI_SINGLE: {
        float f;
        u32 = rd32(p);
        memcpy(&f, &u32, 4);
        return (double)f;
    }
    case MI_DOUBLE: case MI_INT64: case MI_UINT64: {
        u64 = (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
        if (e->type == MI_INT64)
            return (double)(int64_t)u64;
        if (e->type == MI_UINT64)
            return (double)u64;
        double d;
        memcpy(&d, &u64, 8);
        return d;
    }
    default: return 0.0;
    }
}

static void array_free(eval_mat_array *a)
{
    if (a->cells)
        for (size_t i = 0; i < a->numel; i++)
            array_free(&a->cells[i]);
    free(a->cells);
    free(a->num);
    free(a->str);
    memset(a, 0, sizeof *a);
}

static int parse_matrix(const mat_elem *m, const char *name, int depth, eval_mat_array *a);

/* Fills a cell array's cells from the miMATRIX elements in [p, end). */
static int parse_cells(const unsigned char *p, const unsigned char *end, const char *name,
                       int depth, eval_mat_array *a)
{
    a->cells = calloc(a->numel ? a->numel : 1, sizeof *a->cells);
    if (!a->cells)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", name);
    for (size_t i = 0; i < a->numel; i++) {
        mat_elem c = {0, 0, NULL};
        int rc = next_elem(&p, end, name, &c);
        if (rc < 0)
            return rc;
        if (c.type != MI_MATRIX)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: cell %zu is not an array (type %u)",
                                   name, i, (unsigned)c.type);
        rc = parse_matrix(&c, name, depth + 1, &a->cells[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int parse_data(const mat_elem *d, int cls, const char *name, eval_mat_array *a)
{
    size_t tb = type_bytes(d->type);
    if (!tb)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: array data of unknown type %u", name,
                               (unsigned)d->type);
    if (d->size / tb < a->numel)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: array '%s' holds %u bytes for %zu values",
                               name, a->name, (unsigned)d->size, a->numel);
    if (cls == MX_CHAR) {
        if (d->type == MI_UTF8) /* multibyte UTF-8 would need decoding: ASCII only */
            for (size_t i = 0; i < a->numel; i++)
                if (d->data[i] & 0x80)
                    return mtcam_set_error(MTCNN_EUNSUPPORTED,
                                           "%s: non-ASCII UTF-8 text in '%s'", name, a->name);
        a->str = malloc(a->numel + 1);
        if (!a->str)
            return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", name);
        for (size_t i = 0; i < a->numel; i++) {
            double v = elem_value(d, i);
            a->str[i] = (v >= 1 && v < 128) ? (char)v : '?';
        }
        a->str[a->numel] = '\0';
        return 0;
    }
    a->num = malloc((a->numel ? a->numel : 1) * sizeof *a->num);
    if (!a->num)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", name);
    for (size_t i = 0; i < a->numel; i++)
        a->num[i] = elem_value(d, i);
    return 0;
}

static int parse_matrix(const mat_elem *m, const char *name, int depth, eval_mat_array *a)
{
    memset(a, 0, sizeof *a);
    if (depth > MAT_MAX_DEPTH)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: cells nested deeper than %d", name,
                               MAT_MAX_DEPTH);
    a->kind = EVAL_MAT_NUMERIC;
    if (m->size == 0) /* MATLAB writes an empty array ([] in a cell) as an empty element */
        return 0;
    const unsigned char *p = m->data, *end = m->data + m->size;
    mat_elem flags = {0, 0, NULL}, dims = flags, nm = flags;
    int rc;
    if ((rc = next_elem(&p, end, name, &flags)) < 0 || (rc = next_elem(&p, end, name, &dims)) < 0 ||
        (rc = next_elem(&p, end, name, &nm)) < 0)
        return rc;
    if (flags.type != MI_UINT32 || flags.size != 8)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: bad array flags", name);
    int cls = (int)(rd32(flags.data) & 0xff);
    if (dims.type != MI_INT32 || dims.size < 8 || dims.size % 4 ||
        dims.size / 4 > EVAL_MAT_MAX_DIMS)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: bad array dimensions", name);
    if (nm.type != MI_INT8 || nm.size >= sizeof a->name)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: bad array name", name);
    memcpy(a->name, nm.data, nm.size);
    a->name[nm.size] = '\0';
    a->n_dims = (int)(dims.size / 4);
    a->numel = 1;
    for (int i = 0; i < a->n_dims; i++) {
        int32_t v = (int32_t)rd32(dims.data + 4 * i);
        if (v < 0)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: negative dimension in '%s'", name,
                                   a->name);
        a->dims[i] = (size_t)v;
        /* Every value takes at least a byte of the element, so more than m->size values is
         * a lie; this also keeps the product from overflowing. */
        if (v && a->numel > m->size / (size_t)v)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: array '%s' larger than its element",
                                   name, a->name);
        a->numel *= (size_t)v;
    }
    switch (cls) {
    case MX_CELL:
        a->kind = EVAL_MAT_CELL;
        return parse_cells(p, end, name, depth, a);
    case MX_CHAR:
        a->kind = EVAL_MAT_CHAR;
        break;
    case MX_DOUBLE: case MX_SINGLE: case MX_INT8: case MX_UINT8: case MX_INT16: case MX_UINT16:
    case MX_INT32: case MX_UINT32: case MX_INT64: case MX_UINT64:
        break;
    default:
        return mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: array '%s' of class %d (struct, "
                               "sparse or object) is not supported", name, a->name, cls);
    }
    mat_elem d = {0, 0, NULL};
    if (a->numel == 0 && p == end) {
        d.type = MI_DOUBLE;
        d.size = 0;
        d.data = p;
    } else if ((rc = next_elem(&p, end, name, &d)) < 0) {
        return rc;
    }
    return parse_data(&d, cls, name, a);
}

static int add_var(eval_mat_file *out, const mat_elem *m, const char *name)
{
    eval_mat_array *v = realloc(out->vars, ((size_t)out->n_vars + 1) * sizeof *v);
    if (!v)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", name);
    out->vars = v;
    int rc = parse_matrix(m, name, 0, &v[out->n_vars]);
    out->n_vars++; /* counted either way so eval_mat_free frees a half-parsed variable */
    return rc;
}

static int inflate_elem(const mat_elem *c, const char *name, unsigned char **buf, size_t *len)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit(&zs) != Z_OK)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: cannot start zlib", name);
    size_t cap = (size_t)c->size * 4 + 64, n = 0;
    unsigned char *out = malloc(cap);
    int zr = Z_OK, rc = 0;
    zs.next_in = (unsigned char *)(uintptr_t)c->data; /* zlib's API is not const */
    zs.avail_in = c->size;
    while (out && zr == Z_OK) {
        if (n == cap) {
            if (cap >= MAT_MAX_INFLATED) {
                rc = mtcam_set_error(MTCNN_EFORMAT, "%s: compressed variable over 1 GiB", name);
                break;
            }
            unsigned char *bigger = realloc(out, cap * 2);
            if (!bigger)
                break;
            out = bigger;
            cap *= 2;
        }
        size_t room = cap - n;
        zs.next_out = out + n;
        zs.avail_out = room > UINT_MAX ? UINT_MAX : (unsigned)room;
        unsigned before = zs.avail_out;
        zr = inflate(&zs, Z_NO_FLUSH);
        n += before - zs.avail_out;
        if (zr == Z_BUF_ERROR && zs.avail_out > 0) /* input ran out before the stream end */
            break;
        if (zr == Z_BUF_ERROR)
            zr = Z_OK;
    }
    inflateEnd(&zs);
    if (rc == 0 && !out)
        rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", name);
    if (rc == 0 && zr != Z_STREAM_END)
        rc = mtcam_set_error(MTCNN_EFORMAT, "%s: corrupt or truncated compressed variable",
                             name);
    if (rc < 0) {
        free(out);
        return rc;
    }
    *buf = out;
    *len = n;
    return 0;
}

static int parse_elems(const unsigned char *p, const unsigned char *end, const char *name,
                       int may_compress, eval_mat_file *out)
{
    while (p < end) {
        mat_elem e = {0, 0, NULL};
        int rc = next_elem(&p, end, name, &e);
        if (rc < 0)
            return rc;
        if (e.type == MI_MATRIX) {
            if ((rc = add_var(out, &e, name)) < 0)
                return rc;
        } else if (e.type == MI_COMPRESSED && may_compress) {
            unsigned char *buf = NULL;
            size_t len = 0;
            if ((rc = inflate_elem(&e, name, &buf, &len)) < 0)
                return rc;
            rc = parse_elems(buf, buf + len, name, 0, out);
            free(buf);
            if (rc < 0)
                return rc;
        } else {
            return mtcam_set_error(MTCNN_EFORMAT, "%s: unexpected top-level element type %u",
                                   name, (unsigned)e.type);
        }
    }
    return 0;
}

int eval_mat_parse(const unsigned char *data, size_t size, const char *name, eval_mat_file *out)
{
    memset(out, 0, sizeof *out);
    if (size < 128)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: shorter than a MAT-file header", name);
    if (data[126] == 'M' && data[127] == 'I')
        return mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: big-endian MAT files are not supported",
                               name);
    if (data[126] != 'I' || data[127] != 'M' || data[124] != 0x00 || data[125] != 0x01)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: not a MAT-file version 5", name);
    return parse_elems(data + 128, data + size, name, 1, out);
}

int eval_mat_read(const char *path, eval_mat_file *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return mtcam_set_error(MTCNN_EIO, "%s: cannot open", path);
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            unsigned char *b = realloc(buf, ncap);
            if (!b) {
                rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", path);
                break;
            }
            buf = b;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                rc = mtcam_set_error(MTCNN_EIO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (rc == 0)
        rc = eval_mat_parse(buf, n, path, out);
    free(buf);
    return rc;
}

const eval_mat_array *eval_mat_find(const eval_mat_file *f, const char *name)
{
    for (int i = 0; i < f->n_vars; i++)
        if (strcmp(f->vars[i].name, name) == 0)
            return &f->vars[i];
    return NULL;
}

void eval_mat_free(eval_mat_file *f)
{
    for (int i = 0; i < f->n_vars; i++)
        array_free(&f->vars[i]);
    free(f->vars);
    memset(f, 0, sizeof *f);
}
