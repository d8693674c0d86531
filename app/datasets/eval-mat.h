/* eval-mat.h - a small reader of MATLAB MAT-file version 5 (the format of WIDER FACE's
 * official split files: wider_face_val.mat, wider_hard_val.mat, ...).
 *
 * Only what those files need: little-endian files, compressed (zlib) or plain variables,
 * numeric arrays of any class (read as doubles), char arrays (read as ASCII; other characters
 * become '?') and cell arrays of these, nested. Structs, sparse and object arrays are refused.
 * Everything is bounds-checked; a damaged file gives one error naming it, never a crash.
 */
#pragma once

#include <stddef.h>

typedef enum eval_mat_kind { EVAL_MAT_NUMERIC, EVAL_MAT_CHAR, EVAL_MAT_CELL } eval_mat_kind;

#define EVAL_MAT_MAX_DIMS 8

typedef struct eval_mat_array {
    char name[64];            /* the variable's name ("" inside cells) */
    eval_mat_kind kind;
    int n_dims;
    size_t dims[EVAL_MAT_MAX_DIMS];
    size_t numel;             /* product of dims */
    double *num;              /* NUMERIC: numel values, column-major (real part) */
    char *str;                /* CHAR: numel characters, column-major, NUL-terminated */
    struct eval_mat_array *cells; /* CELL: numel arrays, column-major */
} eval_mat_array;

typedef struct eval_mat_file {
    eval_mat_array *vars;
    int n_vars;
} eval_mat_file;

/* Reads every variable of a MAT v5 file. Free `out` with eval_mat_free either way. */
int eval_mat_read(const char *path, eval_mat_file *out);
/* The same from memory; `name` is used in error messages. */
int eval_mat_parse(const unsigned char *data, size_t size, const char *name, eval_mat_file *out);
/* The variable called `name`, or NULL. */
const eval_mat_array *eval_mat_find(const eval_mat_file *f, const char *name);
void eval_mat_free(eval_mat_file *f);
