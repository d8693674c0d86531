/* net.h - forward passes of P-Net, R-Net and O-Net on normalised CHW float input. */
#pragma once

#include <stddef.h>

#include "kernels.h"
#include "model.h"

/* P-Net output map size for an h x w input (both >= 12). */
static inline int mtcnn__pnet_out(int n) { return mtk_pool_out(n - 2, 2, 2) - 4; }

/* Floats of scratch memory mtcnn__pnet_forward needs for an h x w input. */
size_t mtcnn__pnet_scratch_floats(int h, int w);
/* Runs P-Net over a 3 x h x w input. prob gets the face probability map (ho x wo) and reg the
 * 4 regression maps (4 x ho x wo: dx1, dy1, dx2, dy2). Returns the multiply-adds done. */
double mtcnn__pnet_forward(const mtcnn_model *m, const mtk_table *k, const float *in, int h,
                           int w, float *scratch, float *prob, float *reg);

#define MTCNN__RNET_SCRATCH_FLOATS (2 * 28 * 22 * 22)
#define MTCNN__ONET_SCRATCH_FLOATS (2 * 32 * 46 * 46)
#define MTCNN__RNET_MACS 1530768.0 /* multiply-adds of one R-Net pass */
#define MTCNN__ONET_MACS 12909952.0 /* of one O-Net pass */

/* R-Net on a 3x24x24 input: out[0] = face probability, out[1..4] = regression. */
void mtcnn__rnet_forward(const mtcnn_model *m, const mtk_table *k, const float *in,
                         float *scratch, float out[5]);
/* O-Net on a 3x48x48 input: out[0] = face probability, out[1..4] = regression,
 * out[5..14] = landmarks x1..x5, y1..y5 (fractions of the box). */
void mtcnn__onet_forward(const mtcnn_model *m, const mtk_table *k, const float *in,
                         float *scratch, float out[15]);
