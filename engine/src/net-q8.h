/* net-q8.h - the INT8 forward passes (net-q8.c): the same graphs as net.c's fast path, with
 * the convolutions and fully connected layers in INT8 (per-output-channel weights, per-tensor
 * activation scales from the model's calibration), max pooling on the bytes, PReLU in the
 * float epilogue, and the heads' outputs (class scores, regression, landmarks) in float.
 * Inputs, outputs and scratch sizes are those of the FP32 HWC functions in net.h. */
#pragma once

#include <stddef.h>

#include "kernels.h"
#include "model.h"

/* Builds m->packed_q8 from the weights and m->act_scale (m->has_calib); 0 or MTCNN_ENOMEM. */
int mtcnn__model_prepare_q8(mtcnn_model *m);
void mtcnn__model_unprepare_q8(mtcnn_model *m);

double mtcnn__pnet_forward_q8(const mtcnn_model *m, const mtk_table *k, const float *in, int h,
                              int w, void *scratch, float *prob, float *reg, size_t reg_plane);
void mtcnn__rnet_batch_q8(const mtcnn_model *m, const mtk_table *k, const float *in, int n,
                          void *scratch, float *out);
void mtcnn__onet_batch_q8(const mtcnn_model *m, const mtk_table *k, const float *in, int n,
                          void *scratch, float *out);
