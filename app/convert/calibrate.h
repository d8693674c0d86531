/* calibrate.h - the INT8 calibration step of mtcam-convert --calibrate and mtcam-train
 * export: activation scales measured on Caltech *training* images (never the validation part
 * mtcam-eval measures on), written into the model file (format version 2). */
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* Images the calibration runs by default: every (n / 500)-th training image by file name. */
#define CALIBRATE_DEFAULT_IMAGES 500
#define CALIBRATE_MIN_FACE 20.0f

/* Measures act_scale for `m` on up to n_images images of the training part of
 * data_root/caltech-webfaces (split by split_seed like mtcam-train), evenly spread over the
 * name-sorted list. Progress lines go to `log` (NULL: none). */
int calibrate_caltech(const mtcnn_model *m, const char *data_root, uint64_t split_seed,
                      int n_images, FILE *log, float act_scale[MTCNN__N_ACT]);

/* Reads `in`, calibrates it as above and writes `out` (the same weights, bit for bit, plus
 * the calibration). */
int calibrate_model_file(const char *in, const char *data_root, uint64_t split_seed, int n_images,
                         const char *out, FILE *log);
