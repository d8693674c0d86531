/* layers.h - backward passes of the layers the nets are made of (forward passes are the
 * engine's kernel table). Every function ADDS to its gradient outputs, so heads that share
 * an input and threads that share nothing both work by plain accumulation. */
#pragma once

#include <stddef.h>

/* Forward of the valid convolution (the same result as mtk_conv_fn) as im2col + GEMM, which
 * the compiler vectorises along the output positions: the kernel table's CHW convolution is
 * the reference loop in every table (its fast kernels are HWC, for inference), and training
 * spends most of its time here. `col` holds c*k*k * (h-k+1)(w-k+1) floats. */
void mtt_conv_forward(const float *x, int c, int h, int w, const float *weight,
                      const float *bias, int oc, int k, float *y, float *col);

/* Valid convolution, stride 1, k x k (as mtk_conv_fn). x: c x h x w input, dy: oc x oh x ow
 * gradient of the output. Adds to gw (oc x c x k x k), gb (oc) and, when dx is not NULL, to
 * dx (c x h x w). colT and dcol each hold (h-k+1)(w-k+1) * c*k*k floats. */
void mtt_conv_backward(const float *x, int c, int h, int w, int k, const float *weight,
                       int oc, const float *dy, float *gw, float *gb, float *dx, float *colT,
                       float *dcol);

/* PReLU, per channel: x is the layer INPUT. Adds to gslope (c) and dx (c x plane). */
void mtt_prelu_backward(const float *x, int c, size_t plane, const float *slope,
                        const float *dy, float *gslope, float *dx);

/* Max pooling k x k stride s in Caffe ceil mode (mtk_maxpool_fn): the gradient goes to the
 * first maximum of each window, the element the forward pass picked. */
void mtt_maxpool_backward(const float *x, int c, int h, int w, int k, int s, const float *dy,
                          float *dx);

/* Fully connected (mtk_fc_fn). dx may be NULL. */
void mtt_fc_backward(const float *x, int n_in, const float *weight, int n_out,
                     const float *dy, float *gw, float *gb, float *dx);
