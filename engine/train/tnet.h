/* tnet.h - the three MTCNN nets as trainable graphs: parameters in one flat array, a
 * per-sample forward pass that keeps every activation, and the matching backward pass.
 *
 * Each net is a trunk (conv / PReLU / max-pool / fully connected layers in sequence) ending
 * in a feature vector, and three heads read that vector: face classification (2 logits),
 * box regression (4) and landmarks (10). P-Net's 1x1 head convolutions are fully connected
 * layers on its 32-channel 1x1 output when trained on 12x12 crops. P-Net and R-Net carry a
 * landmark head during training only (the paper's multi-task loss); the model file does not
 * keep it. Layouts are the engine's (arch.h, kernels.h): CHW activations, [out][in][ky][kx].
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernels.h"

typedef enum mtt_stage { MTT_PNET = 0, MTT_RNET = 1, MTT_ONET = 2 } mtt_stage;

enum { MTT_L_CONV, MTT_L_PRELU, MTT_L_POOL, MTT_L_FC };

/* Head outputs per sample, in this order. */
#define MTT_OUT_CLS 0 /* 2 logits: non-face, face */
#define MTT_OUT_BOX 2 /* dx1, dy1, dx2, dy2 */
#define MTT_OUT_LM 6  /* x1..x5, y1..y5 */
#define MTT_OUTPUTS 16

#define MTT_MAX_LAYERS 16
#define MTT_MAX_PARAMS 32

typedef struct mtt_layer {
    int kind;
    int c, h, w;    /* input shape (FC: c = inputs, h = w = 1) */
    int oc, oh, ow; /* output shape */
    int k, s;       /* kernel side, pool stride */
    int pw, pb;     /* parameter indices: weight (or PReLU slope), bias; -1 for none */
    size_t in_off, out_off; /* in the per-sample activation buffer */
} mtt_layer;

typedef struct mtt_param {
    int tensor;     /* arch.h tensor id, or -1 for a training-only tensor */
    size_t off;     /* in the flat weight array */
    size_t count;
    int fan_in;     /* for the initialisation; 0 for biases and slopes */
    int decay;      /* weight decay applies (weights only) */
    float init;     /* value of biases (0) and PReLU slopes (0.25) */
} mtt_param;

typedef struct mtt_net {
    mtt_stage stage;
    int side;       /* input crop side: 12, 24, 48 */
    int n_layers;   /* trunk layers, then the 3 heads */
    mtt_layer layers[MTT_MAX_LAYERS];
    int n_trunk;
    int n_params;
    mtt_param params[MTT_MAX_PARAMS];
    size_t n_weights;   /* floats in w */
    float *w;
    size_t act_floats;  /* per-sample activation buffer (input included at offset 0) */
    size_t scratch_floats; /* per-thread backward scratch (see mtt_net_backward) */
} mtt_net;

/* Builds the graph of `stage` and initialises the weights from `seed` (He-uniform weights,
 * zero biases, PReLU slopes 0.25). Returns 0 or MTCNN_ENOMEM. */
int mtt_net_init(mtt_net *net, mtt_stage stage, uint64_t seed);
void mtt_net_free(mtt_net *net);

/* Forward pass of one sample: `in` is 3 x side x side normalised CHW; `act` (act_floats)
 * receives every activation; out[MTT_OUTPUTS] the head outputs. PReLU, pooling and fully
 * connected layers run through the kernel table `k`; convolutions too when scratch is NULL,
 * else through mtt_conv_forward (faster; scratch holds scratch_floats). */
void mtt_net_forward(const mtt_net *net, const mtk_table *k, const float *in, float *act,
                     float out[MTT_OUTPUTS], float *scratch);

/* Backward pass of one sample whose activations are in `act`: dout holds dLoss/d(head
 * outputs); the parameter gradients are ADDED to grad (n_weights). `scratch` holds
 * scratch_floats floats. */
void mtt_net_backward(const mtt_net *net, const float *act, const float dout[MTT_OUTPUTS],
                      float *grad, float *scratch);

/* Adds `delta` to the face logit of the classification head (its bias): the face probability
 * p becomes sigmoid(logit(p) + delta) for every input. Moves the operating point a fixed
 * detector threshold lands on (calibration at export; the checkpoint is not changed). */
void mtt_net_shift_face_logit(mtt_net *net, float delta);

/* Adds dx to the x outputs and dy to the y outputs of the landmark head for the points whose
 * mask bit is set (bit p = point p: 1 left eye, 2 right eye, 4 nose, 8 and 16 mouth corners),
 * in fractions of the box: moves those landmarks by a fixed offset (calibration at export). */
void mtt_net_shift_landmarks(mtt_net *net, unsigned mask, float dx, float dy);

/* The arch.h tensor of each trained parameter that the model keeps, for export:
 * tensors[id] = pointer into net->w. Training-only tensors are left out. */
void mtt_net_tensors(const mtt_net *net, const float **tensors);
