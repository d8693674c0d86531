/* fuzz-mat.c - libFuzzer target for the MAT-file v5 reader WIDER's split files go through
 * (app/datasets/eval-mat.c, eval_mat_parse): every array it returns is walked, so ASan sees
 * any lie about sizes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval-mat.h"
#include "fuzz-util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const eval_mat_array *a, int depth)
{
    if (depth > 64 || a->n_dims < 0 || a->n_dims > EVAL_MAT_MAX_DIMS)
        abort();
    size_t numel = 1;
    for (int i = 0; i < a->n_dims; i++)
        numel *= a->dims[i];
    if (a->n_dims && numel != a->numel)
        abort();
    volatile double sink = 0;
    switch (a->kind) {
    case EVAL_MAT_NUMERIC:
        for (size_t i = 0; a->num && i < a->numel; i++)
            sink += a->num[i];
        break;
    case EVAL_MAT_CHAR:
        if (!a->str || strlen(a->str) != a->numel)
            abort();
        break;
    case EVAL_MAT_CELL:
        for (size_t i = 0; i < a->numel; i++)
            walk(&a->cells[i], depth + 1);
        break;
    }
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eval_mat_file f;
    fuzz_clear_message();
    if (eval_mat_parse(data, size, "fuzz.mat", &f) == 0) {
        for (int i = 0; i < f.n_vars; i++) {
            walk(&f.vars[i], 0);
            if (eval_mat_find(&f, f.vars[i].name) == NULL)
                abort();
        }
    } else {
        fuzz_expect_message();
    }
    eval_mat_free(&f);
    return 0;
}
