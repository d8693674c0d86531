/* fuzz-seeds.c - writes the seed corpora for the fuzz targets at test time (nothing binary is
 * committed): fuzz-seeds MODEL_DIR CAFFE_DIR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caffe-writer.h"
#include "model.h"

static int save(const char *dir, const char *name, const void *data, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "fuzz-seeds: %s: cannot create\n", path);
        return -1;
    }
    int ok = fwrite(data, 1, n, f) == n;
    if (fclose(f) != 0 || !ok) {
        fprintf(stderr, "fuzz-seeds: %s: write failed\n", path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: fuzz-seeds MODEL_DIR CAFFE_DIR\n");
        return 2;
    }
    /* a valid model without L-Net (about 2 MB), small pseudo-random weights */
    float *t[MTCNN__T_COUNT] = {0};
    uint32_t state = 1;
    int rc = 0;
    for (int i = 0; i < MTCNN__T_COUNT && rc == 0; i++) {
        if (!mtcnn__tensors[i].required)
            continue;
        if (!(t[i] = malloc(mtcnn__tensors[i].count * sizeof(float))))
            rc = -1;
        for (uint32_t k = 0; t[i] && k < mtcnn__tensors[i].count; k++) {
            state = state * 1664525u + 1013904223u;
            t[i][k] = (float)(state >> 16) / 65536.0f - 0.5f;
        }
    }
    void *model = NULL, *calib = NULL;
    size_t size = 0, calib_size = 0;
    /* the same with an INT8 calibration: a version 2 file (the calib.act_scale entry last) */
    float scales[MTCNN__N_ACT];
    for (int i = 0; i < MTCNN__N_ACT; i++)
        scales[i] = 0.01f * (float)(i + 1);
    if (rc == 0)
        rc = mtcnn__model_write_memory((const float *const *)t, &model, &size);
    if (rc == 0)
        rc = mtcnn__model_write_memory_calib((const float *const *)t, scales, &calib,
                                             &calib_size);
    for (int i = 0; i < MTCNN__T_COUNT; i++)
        free(t[i]);
    if (rc < 0) {
        fprintf(stderr, "fuzz-seeds: cannot build the model: %s\n", mtcnn_last_error());
        return 1;
    }
    /* the whole model, and its header + table alone (small: fast to mutate) */
    rc = save(argv[1], "valid.mtcnn", model, size);
    rc = rc || save(argv[1], "header-and-table.mtcnn", model, size < 4096 ? size : 4096);
    rc = rc || save(argv[1], "valid-calib.mtcnn", calib, calib_size);
    free(model);
    free(calib);

    /* P-Net as Caffe writes it (packed) and with one field per value */
    for (int enc = 0; enc < 2 && rc == 0; enc++) {
        pbw w = {0};
        rc = caffe_write_synthetic(&w, 0, enc ? PBW_UNPACKED : PBW_PACKED);
        rc = rc || save(argv[2], enc ? "det1-unpacked.caffemodel" : "det1.caffemodel", w.p, w.n);
        pbw_free(&w);
    }
    return rc ? 1 : 0;
}
