/* fuzz-datasets.c - libFuzzer target for the line-based annotation readers
 * (app/datasets/eval-read-text.c): Caltech Web Faces, MTFL, WIDER FACE ground truth and FDDB
 * folds. The first byte picks the reader (mod 4: 0 Caltech, 1 MTFL, 2 WIDER, 3 FDDB); the rest
 * is the file. Caltech reads two files: the ground truth, then after the first NUL byte the
 * image list (without a NUL, the same bytes serve as both). The readers take paths: the
 * files are written to scratch files. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval-dataset.h"
#include "fuzz-dataset-check.h"
#include "fuzz-util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int which = data[0] % 4;
    data++;
    size--;
    eval_dataset ds;
    memset(&ds, 0, sizeof ds);
    fuzz_clear_message();
    int rc;
    if (which == 0) {
        const uint8_t *nul = memchr(data, 0, size);
        size_t gt_size = nul ? (size_t)(nul - data) : size;
        const char *gt = fuzz_temp_file("caltech-gt", data, gt_size);
        const char *list = nul ? fuzz_temp_file("caltech-list", nul + 1, size - gt_size - 1) : gt;
        ds.caltech_raw_points = size & 1;
        rc = eval_read_caltech("root", gt, list, &ds);
    } else {
        const char *path = fuzz_temp_file("list", data, size);
        rc = which == 1   ? eval_read_mtfl("root", path, &ds)
             : which == 2 ? eval_read_wider("root", path, &ds)
                          : eval_read_fddb("root", path, &ds);
    }
    if (rc == 0)
        fuzz_check_dataset(&ds);
    else
        fuzz_expect_message();
    eval_dataset_free(&ds);
    return 0;
}
