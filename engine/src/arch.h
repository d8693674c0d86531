/* arch.h - the MTCNN architecture as a table of named weight tensors.
 *
 * Every tensor the engine knows, in the project's canonical layout ("image frame"):
 *  - conv weights [out][in][ky][kx] (ky = image row), biases [out], PReLU slopes [channels];
 *  - fully-connected weights [out][in], where the first FC after the convolutions reads its
 *    input flattened in (c, y, x) order, i.e. a CHW activation taken as it lies in memory.
 * The original Caffe files are in a transposed frame; mtcam-convert rewrites them into this
 * one (docs/model-format.md), so the engine never sees the quirk.
 *
 * X(ID, "name", required, ndim, d0, d1, d2, d3)
 */
#pragma once

#include <stdint.h>

#define MTCNN__CONV(X, ID, NAME, REQ, O, I, K)                                                \
    X(ID##_W, NAME ".weight", REQ, 4, O, I, K, K)                                             \
    X(ID##_B, NAME ".bias", REQ, 1, O, 0, 0, 0)
#define MTCNN__FC(X, ID, NAME, REQ, O, I)                                                     \
    X(ID##_W, NAME ".weight", REQ, 2, O, I, 0, 0)                                             \
    X(ID##_B, NAME ".bias", REQ, 1, O, 0, 0, 0)
#define MTCNN__PRELU(X, ID, NAME, REQ, C) X(ID, NAME ".slope", REQ, 1, C, 0, 0, 0)

#define MTCNN__LNET_BRANCH(X, K)                                                              \
    MTCNN__CONV(X, LNET_CONV1_##K, "lnet.conv1_" #K, 0, 28, 3, 3)                             \
    MTCNN__PRELU(X, LNET_PRELU1_##K, "lnet.prelu1_" #K, 0, 28)                                \
    MTCNN__CONV(X, LNET_CONV2_##K, "lnet.conv2_" #K, 0, 48, 28, 3)                            \
    MTCNN__PRELU(X, LNET_PRELU2_##K, "lnet.prelu2_" #K, 0, 48)                                \
    MTCNN__CONV(X, LNET_CONV3_##K, "lnet.conv3_" #K, 0, 64, 48, 2)                            \
    MTCNN__PRELU(X, LNET_PRELU3_##K, "lnet.prelu3_" #K, 0, 64)
#define MTCNN__LNET_HEAD(X, K)                                                                \
    MTCNN__FC(X, LNET_FC4_##K, "lnet.fc4_" #K, 0, 64, 256)                                    \
    MTCNN__PRELU(X, LNET_PRELU4_##K, "lnet.prelu4_" #K, 0, 64)                                \
    MTCNN__FC(X, LNET_FC5_##K, "lnet.fc5_" #K, 0, 2, 64)

#define MTCNN_TENSOR_LIST(X)                                                                  \
    /* P-Net: 12x12 window, fully convolutional */                                           \
    MTCNN__CONV(X, PNET_CONV1, "pnet.conv1", 1, 10, 3, 3)                                     \
    MTCNN__PRELU(X, PNET_PRELU1, "pnet.prelu1", 1, 10)                                        \
    MTCNN__CONV(X, PNET_CONV2, "pnet.conv2", 1, 16, 10, 3)                                    \
    MTCNN__PRELU(X, PNET_PRELU2, "pnet.prelu2", 1, 16)                                        \
    MTCNN__CONV(X, PNET_CONV3, "pnet.conv3", 1, 32, 16, 3)                                    \
    MTCNN__PRELU(X, PNET_PRELU3, "pnet.prelu3", 1, 32)                                        \
    MTCNN__CONV(X, PNET_CONV4_1, "pnet.conv4_1", 1, 2, 32, 1)                                 \
    MTCNN__CONV(X, PNET_CONV4_2, "pnet.conv4_2", 1, 4, 32, 1)                                 \
    /* R-Net: 24x24 crops */                                                                  \
    MTCNN__CONV(X, RNET_CONV1, "rnet.conv1", 1, 28, 3, 3)                                     \
    MTCNN__PRELU(X, RNET_PRELU1, "rnet.prelu1", 1, 28)                                        \
    MTCNN__CONV(X, RNET_CONV2, "rnet.conv2", 1, 48, 28, 3)                                    \
    MTCNN__PRELU(X, RNET_PRELU2, "rnet.prelu2", 1, 48)                                        \
    MTCNN__CONV(X, RNET_CONV3, "rnet.conv3", 1, 64, 48, 2)                                    \
    MTCNN__PRELU(X, RNET_PRELU3, "rnet.prelu3", 1, 64)                                        \
    MTCNN__FC(X, RNET_FC4, "rnet.fc4", 1, 128, 576)                                           \
    MTCNN__PRELU(X, RNET_PRELU4, "rnet.prelu4", 1, 128)                                       \
    MTCNN__FC(X, RNET_FC5_1, "rnet.fc5_1", 1, 2, 128)                                         \
    MTCNN__FC(X, RNET_FC5_2, "rnet.fc5_2", 1, 4, 128)                                         \
    /* O-Net: 48x48 crops */                                                                  \
    MTCNN__CONV(X, ONET_CONV1, "onet.conv1", 1, 32, 3, 3)                                     \
    MTCNN__PRELU(X, ONET_PRELU1, "onet.prelu1", 1, 32)                                        \
    MTCNN__CONV(X, ONET_CONV2, "onet.conv2", 1, 64, 32, 3)                                    \
    MTCNN__PRELU(X, ONET_PRELU2, "onet.prelu2", 1, 64)                                        \
    MTCNN__CONV(X, ONET_CONV3, "onet.conv3", 1, 64, 64, 3)                                    \
    MTCNN__PRELU(X, ONET_PRELU3, "onet.prelu3", 1, 64)                                        \
    MTCNN__CONV(X, ONET_CONV4, "onet.conv4", 1, 128, 64, 2)                                   \
    MTCNN__PRELU(X, ONET_PRELU4, "onet.prelu4", 1, 128)                                       \
    MTCNN__FC(X, ONET_FC5, "onet.fc5", 1, 256, 1152)                                          \
    MTCNN__PRELU(X, ONET_PRELU5, "onet.prelu5", 1, 256)                                       \
    MTCNN__FC(X, ONET_FC6_1, "onet.fc6_1", 1, 2, 256)                                         \
    MTCNN__FC(X, ONET_FC6_2, "onet.fc6_2", 1, 4, 256)                                         \
    MTCNN__FC(X, ONET_FC6_3, "onet.fc6_3", 1, 10, 256)                                        \
    /* L-Net (det4, optional): five 24x24 patch branches, fc4 over their concatenation      \
       (branch-major, each branch flattened CHW), then one 2-output head per landmark */      \
    MTCNN__LNET_BRANCH(X, 1)                                                                  \
    MTCNN__LNET_BRANCH(X, 2)                                                                  \
    MTCNN__LNET_BRANCH(X, 3)                                                                  \
    MTCNN__LNET_BRANCH(X, 4)                                                                  \
    MTCNN__LNET_BRANCH(X, 5)                                                                  \
    MTCNN__FC(X, LNET_FC4, "lnet.fc4", 0, 256, 2880)                                          \
    MTCNN__PRELU(X, LNET_PRELU4, "lnet.prelu4", 0, 256)                                       \
    MTCNN__LNET_HEAD(X, 1)                                                                    \
    MTCNN__LNET_HEAD(X, 2)                                                                    \
    MTCNN__LNET_HEAD(X, 3)                                                                    \
    MTCNN__LNET_HEAD(X, 4)                                                                    \
    MTCNN__LNET_HEAD(X, 5)

enum mtcnn__tensor_id {
#define MTCNN__T_ENUM(id, name, req, nd, a, b, c, d) MTCNN__T_##id,
    MTCNN_TENSOR_LIST(MTCNN__T_ENUM)
#undef MTCNN__T_ENUM
        MTCNN__T_COUNT
};

typedef struct mtcnn__tensor_info {
    const char *name;
    int required; /* 0: optional (L-Net); all optional tensors come together or not at all */
    int ndim;
    uint32_t dims[4];
    uint32_t count; /* product of dims */
} mtcnn__tensor_info;

extern const mtcnn__tensor_info mtcnn__tensors[MTCNN__T_COUNT];

/* The id of a tensor by name, or -1. */
int mtcnn__tensor_find(const char *name);
