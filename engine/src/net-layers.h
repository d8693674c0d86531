/* net-layers.h - where each packed layer of the fast paths takes its weights from (shared by
 * the FP32 packing in net.c and the INT8 packing in net-q8.c). */
#pragma once

#include <stddef.h>

#define MTCNN__N_LAYERS 15 /* P-Net 4, R-Net 5, O-Net 6; the order of model.h's act_scale */

/* Where a layer's rows come from: `rows` output channels of tensor `w` (bias `b`), whose
 * input is either a k x k conv window over c_in channels, or a flattened CHW activation of
 * c_in channels x `hw` pixels (hw = 1 for a plain vector). */
typedef struct mtcnn__src_part {
    int w, b, rows;
} mtcnn__src_part;

typedef struct mtcnn__layer_src {
    int k, c_in, hw, slope; /* slope: tensor id or -1 */
    int n_parts;
    mtcnn__src_part part[3];
} mtcnn__layer_src;

/* The 15 layers: P-Net conv1..3, heads; R-Net conv1..3, fc4, heads; O-Net conv1..4, fc5,
 * heads (the heads of a net are one layer: their rows one after the other). */
void mtcnn__layer_sources(mtcnn__layer_src out[MTCNN__N_LAYERS]);
int mtcnn__layer_rows(const mtcnn__layer_src *s);
/* The FP32 packed layer i (0..14, the order above) of a prepared model. */
struct mtk_conv_layer;
const struct mtk_conv_layer *mtcnn__packed_layer(const struct mtcnn_model *m, int i);

/* Canonical index, within one output row, of HWC-ordered K index kk (unpadded). */
size_t mtcnn__canonical_col(const mtcnn__layer_src *s, int kk);
