/* model.h - the in-memory model (engine internal; tools and tests may include it). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "mtcnn.h"

struct mtcnn_model {
    /* One pointer per tensor of arch.h in the canonical layout, NULL for an absent optional
     * tensor. All point into `storage` (one aligned block owned by the model). */
    const float *t[MTCNN__T_COUNT];
    float *storage;
    int has_lnet;
    /* Weights repacked for the kernels by mtcnn__model_prepare (owned, may be NULL). */
    void *packed;
};

/* Builds a model from tensors given in the canonical layout (copied). tensors[i] may be NULL
 * for optional tensors. Validates like the file reader and calls mtcnn__model_prepare. */
int mtcnn__model_from_tensors(const float *const tensors[MTCNN__T_COUNT], mtcnn_model **out);

/* Writes a model file in the project's format (docs/model-format.md). */
int mtcnn__model_write_file(const char *path, const float *const tensors[MTCNN__T_COUNT]);
/* The same into a malloc'ed buffer (*data, *size), for tests and the fuzzer's seed corpus. */
int mtcnn__model_write_memory(const float *const tensors[MTCNN__T_COUNT], void **data,
                              size_t *size);

/* Implemented by the network code (net.c): derives whatever the kernels need from t[] once
 * after loading. Called by every loader before the model is handed out. */
int mtcnn__model_prepare(mtcnn_model *m);
void mtcnn__model_unprepare(mtcnn_model *m);
