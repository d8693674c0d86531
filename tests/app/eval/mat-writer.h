/* mat-writer.h - a tiny MAT-file v5 writer for the tests: written from the format document,
 * independently of app/datasets/eval-mat.c, so that reading back what it writes checks the
 * reader. */
#pragma once

#include <stddef.h>

typedef struct mat_buf {
    unsigned char *data;
    size_t size, cap;
    int failed; /* out of memory somewhere */
} mat_buf;

/* A value to write: a double matrix, a uint8 matrix, a char row, or a cell matrix. */
typedef enum { MW_DOUBLE, MW_UINT8, MW_CHAR, MW_CELL } mw_kind;
typedef struct mw_value {
    mw_kind kind;
    int rows, cols;
    const double *num;             /* MW_DOUBLE / MW_UINT8 (values 0..255): column-major */
    const char *str;               /* MW_CHAR: a 1 x strlen row */
    const struct mw_value *cells;  /* MW_CELL: rows x cols, column-major */
} mw_value;

void mat_begin(mat_buf *b);
/* Appends variable `name`; compressed = 1 wraps it in a zlib miCOMPRESSED element. */
void mat_add(mat_buf *b, const char *name, const mw_value *v, int compressed);
/* Writes the buffer to a file; 0 or -1. Frees the buffer either way. */
int mat_save(mat_buf *b, const char *path);
void mat_buf_free(mat_buf *b);
