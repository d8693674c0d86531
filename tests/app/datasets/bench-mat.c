/* bench-mat.c - the measurement behind keeping mtcam's own MAT v5 reader (docs/eval.md): each
 * file read by eval-mat.c and by libmatio, every variable compared value by value (names,
 * dimensions, numbers, text, cells nested), then the time to read the whole file with each.
 * Built and run by .ci/bench-mat; not a test (mtcam does not link libmatio).
 * usage: bench-mat ROUNDS FILE... */
#include <matio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "eval-mat.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double value(const matvar_t *v, size_t i)
{
    const void *d = v->data;
    switch (v->class_type) {
    case MAT_C_DOUBLE: return ((const double *)d)[i];
    case MAT_C_SINGLE: return ((const float *)d)[i];
    case MAT_C_INT8: return ((const mat_int8_t *)d)[i];
    case MAT_C_UINT8: return ((const mat_uint8_t *)d)[i];
    case MAT_C_INT16: return ((const mat_int16_t *)d)[i];
    case MAT_C_UINT16: return ((const mat_uint16_t *)d)[i];
    case MAT_C_INT32: return ((const mat_int32_t *)d)[i];
    case MAT_C_UINT32: return ((const mat_uint32_t *)d)[i];
    case MAT_C_INT64: return (double)((const mat_int64_t *)d)[i];
    case MAT_C_UINT64: return (double)((const mat_uint64_t *)d)[i];
    default: return 0;
    }
}

/* Counts the values compared; -1 at the first difference. */
static long compare(const eval_mat_array *a, matvar_t *v, const char *where)
{
    size_t numel = 1;
    for (int i = 0; i < v->rank; i++)
        numel *= v->dims[i];
    if (numel != a->numel) {
        printf("%s: %zu values vs %zu\n", where, a->numel, numel);
        return -1;
    }
    long n = 0;
    if (v->class_type == MAT_C_CELL) {
        if (a->kind != EVAL_MAT_CELL)
            return -1;
        for (size_t i = 0; i < numel; i++) {
            long k = compare(&a->cells[i], Mat_VarGetCell(v, (int)i), where);
            if (k < 0)
                return -1;
            n += k;
        }
        return n;
    }
    if (v->class_type == MAT_C_CHAR) {
        if (a->kind != EVAL_MAT_CHAR)
            return -1;
        for (size_t i = 0; i < numel; i++) {
            unsigned c = v->data_size == 2 ? ((const mat_uint16_t *)v->data)[i]
                                           : ((const mat_uint8_t *)v->data)[i];
            if ((unsigned char)a->str[i] != (c >= 1 && c < 128 ? c : '?')) {
                printf("%s: text differs at %zu\n", where, i);
                return -1;
            }
        }
        return (long)numel;
    }
    if (a->kind != EVAL_MAT_NUMERIC || (numel && !v->data))
        return -1;
    for (size_t i = 0; i < numel; i++)
        if (a->num[i] != value(v, i)) {
            printf("%s: value %zu: %g vs %g\n", where, i, a->num[i], value(v, i));
            return -1;
        }
    return (long)numel;
}

static int read_matio(const char *path, long *vars)
{
    mat_t *m = Mat_Open(path, MAT_ACC_RDONLY);
    if (!m)
        return -1;
    matvar_t *v;
    *vars = 0;
    while ((v = Mat_VarReadNext(m)) != NULL) {
        (*vars)++;
        Mat_VarFree(v);
    }
    Mat_Close(m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench-mat ROUNDS FILE...\n");
        return 2;
    }
    int rounds = atoi(argv[1]), status = 0;
    printf("%-32s %5s %9s %5s %12s %12s\n", "file", "vars", "values", "same", "mtcam us",
           "libmatio us");
    for (int a = 2; a < argc; a++) {
        const char *path = argv[a];
        eval_mat_file f;
        if (eval_mat_read(path, &f) != 0) {
            printf("%s: %s\n", path, mtcam_last_error());
            return 1;
        }
        mat_t *m = Mat_Open(path, MAT_ACC_RDONLY);
        if (!m) {
            printf("%s: libmatio cannot open it\n", path);
            return 1;
        }
        long values = 0;
        int vars = 0, ok = 1;
        matvar_t *v;
        while ((v = Mat_VarReadNext(m)) != NULL) {
            const eval_mat_array *mine = eval_mat_find(&f, v->name);
            long k = mine ? compare(mine, v, v->name) : -1;
            if (k < 0)
                ok = 0;
            else
                values += k;
            vars++;
            Mat_VarFree(v);
        }
        Mat_Close(m);
        if (vars != f.n_vars)
            ok = 0;
        eval_mat_free(&f);
        status |= !ok;
        double t[2] = {1e9, 1e9};
        for (int batch = 0; batch < 5; batch++)
            for (int which = 0; which < 2; which++) {
                double t0 = now_s();
                for (int r = 0; r < rounds; r++) {
                    long nv;
                    if (which == 0) {
                        if (eval_mat_read(path, &f) != 0)
                            return 1;
                        eval_mat_free(&f);
                    } else if (read_matio(path, &nv) != 0) {
                        return 1;
                    }
                }
                double dt = (now_s() - t0) / rounds * 1e6;
                if (dt < t[which])
                    t[which] = dt;
            }
        const char *base = strrchr(path, '/');
        printf("%-32s %5d %9ld %5s %12.1f %12.1f\n", base ? base + 1 : path, vars, values,
               ok ? "yes" : "NO", t[0], t[1]);
    }
    return status;
}
