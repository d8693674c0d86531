/* mat-writer.c - see mat-writer.h. */
#include "mat-writer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { MI_INT8 = 1, MI_UINT8 = 2, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6, MI_DOUBLE = 9,
       MI_MATRIX = 14, MI_COMPRESSED = 15 };
enum { MX_CELL = 1, MX_CHAR = 4, MX_DOUBLE = 6, MX_UINT8 = 9 };

static void put(mat_buf *b, const void *p, size_t n)
{
    if (b->failed)
        return;
    if (b->size + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->size + n)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->size, p, n);
    b->size += n;
}

static void put32(mat_buf *b, uint32_t v)
{
    unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    put(b, c, 4);
}

static void pad8(mat_buf *b)
{
    static const unsigned char zero[8] = {0};
    put(b, zero, (8 - b->size % 8) % 8);
}

/* A data element; up to 4 bytes go in the small-element form (as MATLAB writes them). */
static void put_elem(mat_buf *b, uint32_t type, const void *data, size_t n)
{
    if (n <= 4) {
        unsigned char small[4] = {0};
        put32(b, (uint32_t)n << 16 | type);
        memcpy(small, data, n);
        put(b, small, 4);
        return;
    }
    put32(b, type);
    put32(b, (uint32_t)n);
    put(b, data, n);
    pad8(b);
}

static void put_matrix(mat_buf *b, const char *name, const mw_value *v)
{
    size_t tag = b->size;
    put32(b, MI_MATRIX);
    put32(b, 0); /* patched below */
    size_t start = b->size;
    int cls = v->kind == MW_CELL ? MX_CELL : v->kind == MW_CHAR ? MX_CHAR
            : v->kind == MW_UINT8 ? MX_UINT8 : MX_DOUBLE;
    put32(b, MI_UINT32);
    put32(b, 8);
    put32(b, (uint32_t)cls);
    put32(b, 0);
    int rows = v->kind == MW_CHAR ? 1 : v->rows;
    int cols = v->kind == MW_CHAR ? (int)strlen(v->str) : v->cols;
    int32_t dims[2] = {rows, cols};
    unsigned char dimb[8];
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 4; k++)
            dimb[4 * i + k] = (unsigned char)((uint32_t)dims[i] >> (8 * k));
    put_elem(b, MI_INT32, dimb, 8);
    put_elem(b, MI_INT8, name, strlen(name));
    size_t n = (size_t)rows * (size_t)cols;
    if (v->kind == MW_CELL) {
        for (size_t i = 0; i < n; i++)
            put_matrix(b, "", &v->cells[i]);
    } else if (v->kind == MW_CHAR) {
        unsigned char *u = malloc(2 * n + 1);
        if (!u) {
            b->failed = 1;
            return;
        }
        for (size_t i = 0; i < n; i++) {
            u[2 * i] = (unsigned char)v->str[i];
            u[2 * i + 1] = 0;
        }
        put_elem(b, MI_UINT16, u, 2 * n);
        free(u);
    } else if (v->kind == MW_UINT8) {
        unsigned char *u = malloc(n + 1);
        if (!u) {
            b->failed = 1;
            return;
        }
        for (size_t i = 0; i < n; i++)
            u[i] = (unsigned char)v->num[i];
        put_elem(b, MI_UINT8, u, n);
        free(u);
    } else {
        unsigned char *u = malloc(8 * n + 1);
        if (!u) {
            b->failed = 1;
            return;
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t bits;
            memcpy(&bits, &v->num[i], 8);
            for (int k = 0; k < 8; k++)
                u[8 * i + (size_t)k] = (unsigned char)(bits >> (8 * k));
        }
        put_elem(b, MI_DOUBLE, u, 8 * n); /* n = 0: an empty element (8 zero-size tag) */
        free(u);
    }
    if (!b->failed) {
        uint32_t len = (uint32_t)(b->size - start);
        for (int k = 0; k < 4; k++)
            b->data[tag + 4 + (size_t)k] = (unsigned char)(len >> (8 * k));
    }
}

void mat_begin(mat_buf *b)
{
    memset(b, 0, sizeof *b);
    unsigned char h[128];
    memset(h, ' ', 116);
    memcpy(h, "MATLAB 5.0 MAT-file, written by the mtcam tests", 47);
    memset(h + 116, 0, 8);
    h[124] = 0x00;
    h[125] = 0x01;
    h[126] = 'I';
    h[127] = 'M';
    put(b, h, 128);
}

void mat_add(mat_buf *b, const char *name, const mw_value *v, int compressed)
{
    if (!compressed) {
        put_matrix(b, name, v);
        return;
    }
    mat_buf inner = {0};
    put_matrix(&inner, name, v);
    uLongf zn = compressBound((uLong)inner.size);
    unsigned char *z = malloc(zn);
    if (inner.failed || !z || compress(z, &zn, inner.data, (uLong)inner.size) != Z_OK) {
        b->failed = 1;
    } else {
        put32(b, MI_COMPRESSED);
        put32(b, (uint32_t)zn);
        put(b, z, zn);
    }
    free(z);
    mat_buf_free(&inner);
}

int mat_save(mat_buf *b, const char *path)
{
    int rc = -1;
    FILE *f = b->failed ? NULL : fopen(path, "wb");
    if (f) {
        rc = fwrite(b->data, 1, b->size, f) == b->size ? 0 : -1;
        if (fclose(f) != 0)
            rc = -1;
    }
    mat_buf_free(b);
    return rc;
}

void mat_buf_free(mat_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}
