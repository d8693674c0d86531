/* model.h - the in-memory model (engine internal; tools and tests may include it). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "mtcnn.h"

/* INT8 calibration: one activation scale per quantised layer input, in this order: P-Net
 * conv1, conv2, conv3, heads; R-Net conv1, conv2, conv3, fc4, heads; O-Net conv1, conv2,
 * conv3, conv4, fc5, heads (the input of conv1 is the normalised image). Stored in the file
 * as the tensor "calib.act_scale" (format version 2, docs/model-format.md). */
#define MTCNN__N_ACT 15
#define MTCNN__CALIB_NAME "calib.act_scale"

struct mtcnn_model {
    /* One pointer per tensor of arch.h in the canonical layout, NULL for an absent optional
     * tensor. All point into `storage` (one aligned block owned by the model). */
    const float *t[MTCNN__T_COUNT];
    float *storage;
    int has_lnet;
    int has_calib;                   /* act_scale holds a calibration */
    float act_scale[MTCNN__N_ACT];
    /* Weights repacked for the kernels by mtcnn__model_prepare (owned, may be NULL). */
    void *packed;
    /* The INT8 layers made from the weights and act_scale (net-q8.c; NULL without calib). */
    void *packed_q8;
};

/* Builds a model from tensors given in the canonical layout (copied). tensors[i] may be NULL
 * for optional tensors. Validates like the file reader and calls mtcnn__model_prepare. */
int mtcnn__model_from_tensors(const float *const tensors[MTCNN__T_COUNT], mtcnn_model **out);

/* The same with an INT8 calibration (act_scale: MTCNN__N_ACT positive floats, or NULL). */
int mtcnn__model_from_tensors_calib(const float *const tensors[MTCNN__T_COUNT],
                                    const float *act_scale, mtcnn_model **out);

/* Writes a model file in the project's format (docs/model-format.md): version 1 without a
 * calibration, version 2 with one (act_scale non-NULL). */
int mtcnn__model_write_file(const char *path, const float *const tensors[MTCNN__T_COUNT]);
int mtcnn__model_write_file_calib(const char *path, const float *const tensors[MTCNN__T_COUNT],
                                  const float *act_scale);
/* The same into a malloc'ed buffer (*data, *size), for tests and the fuzzer's seed corpus. */
int mtcnn__model_write_memory(const float *const tensors[MTCNN__T_COUNT], void **data,
                              size_t *size);
int mtcnn__model_write_memory_calib(const float *const tensors[MTCNN__T_COUNT],
                                    const float *act_scale, void **data, size_t *size);

/* Implemented by the network code (net.c): derives whatever the kernels need from t[] once
 * after loading. Called by every loader before the model is handed out. */
int mtcnn__model_prepare(mtcnn_model *m);
void mtcnn__model_unprepare(mtcnn_model *m);
