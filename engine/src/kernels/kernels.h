/* kernels.h - the leaf compute kernels of the nets and the table the layers call them through.
 *
 * Layout: activations are planar CHW float32 (channel c, row y, column x at
 * [c*H*W + y*W + x]). Kernels allocate nothing, know nothing of threads or of other ISAs, and
 * handle their own ragged edges. The scalar `__ref` versions are written for clarity: they are
 * the fallback on every CPU and the oracle every optimised kernel is tested against.
 */
#pragma once

#include <stddef.h>

/* Valid (no padding) convolution, stride 1, square k x k kernel:
 * out[o][y][x] = bias[o] + sum_{i,ky,kx} w[o][i][ky][kx] * in[i][y+ky][x+kx],
 * out is c_out x (h-k+1) x (w-k+1). */
typedef void (*mtk_conv_fn)(const float *in, int c_in, int h, int w, const float *weight,
                            const float *bias, int c_out, int k, float *out);
/* Parametric ReLU in place, per channel: x = x > 0 ? x : slope[c] * x. */
typedef void (*mtk_prelu_fn)(float *x, int c, size_t plane, const float *slope);
/* Max pooling k x k, stride s, Caffe ceil mode: out = ceil((h-k)/s)+1 per side, the last
 * window clipped at the border (max over the pixels that exist). */
typedef void (*mtk_maxpool_fn)(const float *in, int c, int h, int w, int k, int s, float *out);
/* Fully connected: out[o] = bias[o] + sum_i weight[o][i] * in[i]. */
typedef void (*mtk_fc_fn)(const float *in, int n_in, const float *weight, const float *bias,
                          int n_out, float *out);

typedef struct mtk_table {
    const char *name; /* "scalar", "avx2", ... */
    mtk_conv_fn conv;
    mtk_prelu_fn prelu;
    mtk_maxpool_fn maxpool;
    mtk_fc_fn fc;
} mtk_table;

void mtk_f32_conv__ref(const float *in, int c_in, int h, int w, const float *weight,
                       const float *bias, int c_out, int k, float *out);
void mtk_f32_prelu__ref(float *x, int c, size_t plane, const float *slope);
void mtk_f32_maxpool__ref(const float *in, int c, int h, int w, int k, int s, float *out);
void mtk_f32_fc__ref(const float *in, int n_in, const float *weight, const float *bias,
                     int n_out, float *out);

/* Output side of a Caffe ceil-mode pooling. */
static inline int mtk_pool_out(int in, int k, int s)
{
    int n = in - k;
    return n <= 0 ? 1 : (n + s - 1) / s + 1;
}

/* The table in use: the best for this CPU, or the one named by $MTCAM_KERNELS
 * ("scalar", ...). Chosen once; thread-safe. */
const mtk_table *mtk_get_table(void);
/* A table by name, or NULL when unknown or not supported by this CPU. */
const mtk_table *mtk_find_table(const char *name);
