/* net.h - forward passes of P-Net, R-Net and O-Net on normalised float input.
 *
 * Two paths, picked by the kernel table: the reference graph on planar CHW activations with
 * the canonical weights (the "scalar" table), and the fast graph on interleaved HWC
 * activations with the weights repacked by mtcnn__model_prepare (tables with conv_hwc). The
 * single-input functions below take CHW input on both paths (the fast path transposes it),
 * so tests can feed any table the same data; the cascade feeds the fast path HWC directly
 * through the *_hwc and batch functions. */
#pragma once

#include <stddef.h>

#include "kernels.h"
#include "model.h"

/* While max_abs is set (non-NULL) on a thread, the FP32 fast path on that thread raises
 * max_abs[i] to the largest |x| seen at the input of quantised layer i (model.h's act_scale
 * order). For the calibration only; NULL turns it off. */
void mtcnn__calib_set_sink(float *max_abs);

/* P-Net output map size for an h x w input (both >= 12). */
static inline int mtcnn__pnet_out(int n) { return mtk_pool_out(n - 2, 2, 2) - 4; }
/* Non-zero when the table runs the fast (HWC) graph. */
static inline int mtcnn__net_hwc(const mtk_table *k) { return k->conv_hwc != NULL; }

/* Floats of scratch memory mtcnn__pnet_forward (either path) needs for an h x w input. */
size_t mtcnn__pnet_scratch_floats(int h, int w);
/* Runs P-Net over a 3 x h x w (CHW) input. prob gets the face probability map (ho x wo) and
 * reg the 4 regression maps (4 x ho x wo: dx1, dy1, dx2, dy2). Returns the multiply-adds. */
double mtcnn__pnet_forward(const mtcnn_model *m, const mtk_table *k, const float *in, int h,
                           int w, float *scratch, float *prob, float *reg);
/* The fast path on an h x w x 3 (HWC) input; the regression planes are reg_plane floats
 * apart, so a band of rows can write into the maps of a whole level. */
double mtcnn__pnet_forward_hwc(const mtcnn_model *m, const mtk_table *k, const float *in,
                               int h, int w, float *scratch, float *prob, float *reg,
                               size_t reg_plane);

#define MTCNN__RNET_SCRATCH_FLOATS (2 * 28 * 22 * 22)
#define MTCNN__ONET_SCRATCH_FLOATS (2 * 32 * 46 * 46)
#define MTCNN__RNET_MACS 1530768.0 /* multiply-adds of one R-Net pass */
#define MTCNN__ONET_MACS 12909952.0 /* of one O-Net pass */
#define MTCNN__RNET_OUT 5
#define MTCNN__ONET_OUT 15

/* R-Net on a 3x24x24 (CHW) input: out[0] = face probability, out[1..4] = regression. */
void mtcnn__rnet_forward(const mtcnn_model *m, const mtk_table *k, const float *in,
                         float *scratch, float out[5]);
/* O-Net on a 3x48x48 (CHW) input: out[0] = face probability, out[1..4] = regression,
 * out[5..14] = landmarks x1..x5, y1..y5 (fractions of the box). */
void mtcnn__onet_forward(const mtcnn_model *m, const mtk_table *k, const float *in,
                         float *scratch, float out[15]);

/* Batches of n crops laid out as the table wants them (mtcnn__net_hwc: n x side x side x 3,
 * else n x 3 x side x side), out gets n x MTCNN__RNET_OUT / MTCNN__ONET_OUT floats. The fast
 * path runs the fully connected layers once over the whole batch. */
size_t mtcnn__rnet_batch_scratch_floats(int n);
void mtcnn__rnet_forward_batch(const mtcnn_model *m, const mtk_table *k, const float *in, int n,
                               float *scratch, float *out);
size_t mtcnn__onet_batch_scratch_floats(int n);
void mtcnn__onet_forward_batch(const mtcnn_model *m, const mtk_table *k, const float *in, int n,
                               float *scratch, float *out);
