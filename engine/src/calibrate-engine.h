/* calibrate-engine.h - INT8 calibration: the per-tensor activation scales of a model, measured by
 * running the FP32 cascade over real images (engine internal; mtcam-convert --calibrate and
 * mtcam-train export drive it).
 *
 * The scale of a layer's input is max |x| / 127 over every value that reached it, so nothing
 * seen clips, rounded up to 8 significant bits. The cascade runs with one thread on the FP32
 * fast path of this CPU; max is order-free, and the rounding hides the last-bit differences
 * between the ISAs' FP32 kernels, so the same images give the same scales on any machine in
 * practice (a maximum exactly at a rounding step could still differ: not seen). */
#pragma once

#include "model.h"

typedef struct mtcnn__calib mtcnn__calib;

/* Starts a calibration of `m` (its FP32 weights; any calibration it has is ignored) with the
 * cascade's default options and the given minimum face size. */
int mtcnn__calib_begin(const mtcnn_model *m, float min_face, mtcnn__calib **out);
/* Runs one image through the cascade and folds its activations into the maxima. */
int mtcnn__calib_add(mtcnn__calib *c, const mtcnn_image *img);
/* The scales so far (MTCNN__N_ACT floats). Fails with MTCNN_EINVAL naming the first layer no
 * value ever reached (e.g. no image had a face candidate for O-Net). */
int mtcnn__calib_scales(const mtcnn__calib *c, float act_scale[MTCNN__N_ACT]);
/* Images added so far. */
int mtcnn__calib_count(const mtcnn__calib *c);
void mtcnn__calib_free(mtcnn__calib *c);

/* Names of the quantised layer inputs in act_scale order ("pnet.conv1", ... "onet.heads"). */
extern const char *const mtcnn__act_names[MTCNN__N_ACT];
