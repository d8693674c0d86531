/* tnet.c - the training graphs of P-Net, R-Net and O-Net (shapes as in arch.h and net.c). */
#include "tnet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "arch.h"
#include "err.h"
#include "layers.h"
#include "mtcnn.h"
#include "rng.h"

/* Graph construction state: the current activation shape and where it lies. */
typedef struct builder {
    mtt_net *net;
    int c, h, w;
    size_t cur;     /* offset of the current activation */
    size_t max_col; /* largest im2col matrix */
    int bad;        /* a tensor did not match arch.h or a table overflowed */
} builder;

static int add_param(builder *b, int tensor, size_t count, int fan_in, int decay, float init)
{
    mtt_net *n = b->net;
    if (n->n_params >= MTT_MAX_PARAMS || (tensor >= 0 && mtcnn__tensors[tensor].count != count)) {
        b->bad = 1;
        return 0;
    }
    mtt_param *p = &n->params[n->n_params];
    p->tensor = tensor;
    p->off = n->n_weights;
    p->count = count;
    p->fan_in = fan_in;
    p->decay = decay;
    p->init = init;
    n->n_weights += count;
    return n->n_params++;
}

static mtt_layer *add_layer(builder *b, int kind, int oc, int oh, int ow)
{
    mtt_net *n = b->net;
    if (n->n_layers >= MTT_MAX_LAYERS) {
        b->bad = 1;
        return &n->layers[0];
    }
    mtt_layer *l = &n->layers[n->n_layers++];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    l->c = b->c;
    l->h = b->h;
    l->w = b->w;
    l->oc = oc;
    l->oh = oh;
    l->ow = ow;
    l->pw = l->pb = -1;
    l->in_off = b->cur;
    l->out_off = n->act_floats;
    n->act_floats += (size_t)oc * oh * ow;
    b->cur = l->out_off;
    b->c = oc;
    b->h = oh;
    b->w = ow;
    return l;
}

static void conv(builder *b, int tw, int tb, int oc, int k)
{
    const int c = b->c, fan = c * k * k;
    const int pw = add_param(b, tw, (size_t)oc * fan, fan, 1, 0.0f);
    const int pb = add_param(b, tb, (size_t)oc, 0, 0, 0.0f);
    const size_t col = (size_t)(b->h - k + 1) * (b->w - k + 1) * fan;
    if (col > b->max_col)
        b->max_col = col;
    mtt_layer *l = add_layer(b, MTT_L_CONV, oc, b->h - k + 1, b->w - k + 1);
    l->k = k;
    l->pw = pw;
    l->pb = pb;
}

static void prelu(builder *b, int ts)
{
    const int ps = add_param(b, ts, (size_t)b->c, 0, 0, 0.25f);
    mtt_layer *l = add_layer(b, MTT_L_PRELU, b->c, b->h, b->w);
    l->pw = ps;
}

static void pool(builder *b, int k, int s)
{
    mtt_layer *l = add_layer(b, MTT_L_POOL, b->c, mtk_pool_out(b->h, k, s),
                             mtk_pool_out(b->w, k, s));
    l->k = k;
    l->s = s;
}

/* A fully connected layer over the current activation taken flat (CHW order). */
static void fc(builder *b, int tw, int tb, int n_out)
{
    const int n_in = b->c * b->h * b->w;
    const int pw = add_param(b, tw, (size_t)n_out * n_in, n_in, 1, 0.0f);
    const int pb = add_param(b, tb, (size_t)n_out, 0, 0, 0.0f);
    b->c = n_in;
    b->h = b->w = 1;
    mtt_layer *l = add_layer(b, MTT_L_FC, n_out, 1, 1);
    l->pw = pw;
    l->pb = pb;
}

/* The three heads all read the trunk's output (the builder is reset to it each time). */
static void heads(builder *b, const int t[6])
{
    const int c = b->c, h = b->h, w = b->w;
    const size_t feat = b->cur;
    b->net->n_trunk = b->net->n_layers;
    static const int outs[3] = {2, 4, 10};
    for (int i = 0; i < 3; i++) {
        b->c = c;
        b->h = h;
        b->w = w;
        b->cur = feat;
        fc(b, t[2 * i], t[2 * i + 1], outs[i]);
    }
}

#define T(x) MTCNN__T_##x

static void build(builder *b, mtt_stage stage)
{
    switch (stage) {
    case MTT_PNET: {
        conv(b, T(PNET_CONV1_W), T(PNET_CONV1_B), 10, 3);
        prelu(b, T(PNET_PRELU1));
        pool(b, 2, 2);
        conv(b, T(PNET_CONV2_W), T(PNET_CONV2_B), 16, 3);
        prelu(b, T(PNET_PRELU2));
        conv(b, T(PNET_CONV3_W), T(PNET_CONV3_B), 32, 3);
        prelu(b, T(PNET_PRELU3));
        const int t[6] = {T(PNET_CONV4_1_W), T(PNET_CONV4_1_B), T(PNET_CONV4_2_W),
                          T(PNET_CONV4_2_B), -1, -1};
        heads(b, t);
        break;
    }
    case MTT_RNET: {
        conv(b, T(RNET_CONV1_W), T(RNET_CONV1_B), 28, 3);
        prelu(b, T(RNET_PRELU1));
        pool(b, 3, 2);
        conv(b, T(RNET_CONV2_W), T(RNET_CONV2_B), 48, 3);
        prelu(b, T(RNET_PRELU2));
        pool(b, 3, 2);
        conv(b, T(RNET_CONV3_W), T(RNET_CONV3_B), 64, 2);
        prelu(b, T(RNET_PRELU3));
        fc(b, T(RNET_FC4_W), T(RNET_FC4_B), 128);
        prelu(b, T(RNET_PRELU4));
        const int t[6] = {T(RNET_FC5_1_W), T(RNET_FC5_1_B), T(RNET_FC5_2_W), T(RNET_FC5_2_B),
                          -1, -1};
        heads(b, t);
        break;
    }
    case MTT_ONET: {
        conv(b, T(ONET_CONV1_W), T(ONET_CONV1_B), 32, 3);
        prelu(b, T(ONET_PRELU1));
        pool(b, 3, 2);
        conv(b, T(ONET_CONV2_W), T(ONET_CONV2_B), 64, 3);
        prelu(b, T(ONET_PRELU2));
        pool(b, 3, 2);
        conv(b, T(ONET_CONV3_W), T(ONET_CONV3_B), 64, 3);
        prelu(b, T(ONET_PRELU3));
        pool(b, 2, 2);
        conv(b, T(ONET_CONV4_W), T(ONET_CONV4_B), 128, 2);
        prelu(b, T(ONET_PRELU4));
        fc(b, T(ONET_FC5_W), T(ONET_FC5_B), 256);
        prelu(b, T(ONET_PRELU5));
        const int t[6] = {T(ONET_FC6_1_W), T(ONET_FC6_1_B), T(ONET_FC6_2_W), T(ONET_FC6_2_B),
                          T(ONET_FC6_3_W), T(ONET_FC6_3_B)};
        heads(b, t);
        break;
    }
    }
}

int mtt_net_init(mtt_net *net, mtt_stage stage, uint64_t seed)
{
    static const int sides[3] = {12, 24, 48};
    memset(net, 0, sizeof *net);
    if ((int)stage < 0 || (int)stage > 2)
        return mtcam_set_error(MTCNN_EINVAL, "training: unknown stage %d", (int)stage);
    net->stage = stage;
    net->side = sides[stage];
    builder b = {.net = net, .c = 3, .h = net->side, .w = net->side};
    net->act_floats = (size_t)3 * net->side * net->side; /* the input */
    build(&b, stage);
    if (b.bad)
        return mtcam_set_error(MTCNN_EINVAL, "training: net %d does not match arch.h", (int)stage);
    /* The final P-Net trunk output must be 1x1 for the heads to be its 1x1 convolutions. */
    net->scratch_floats = net->act_floats + 2 * b.max_col;
    net->w = mtcam_alloc_aligned(net->n_weights * sizeof(float));
    if (!net->w)
        return mtcam_set_error(MTCNN_ENOMEM, "training: no memory for %zu weights",
                               net->n_weights);
    mtt_rng r;
    mtt_rng_seed(&r, seed);
    for (int i = 0; i < net->n_params; i++) {
        const mtt_param *p = &net->params[i];
        float *v = net->w + p->off;
        if (p->fan_in == 0) {
            for (size_t j = 0; j < p->count; j++)
                v[j] = p->init;
            continue;
        }
        /* He-uniform for the trunk; the heads start small so the first losses are sane. */
        const int is_head = i >= net->n_params - 6;
        const double lim = sqrt((is_head ? 1.0 : 6.0) / p->fan_in);
        for (size_t j = 0; j < p->count; j++)
            v[j] = (float)mtt_rng_range(&r, -lim, lim);
    }
    return 0;
}

void mtt_net_free(mtt_net *net)
{
    if (net && net->w) {
        mtcam_free_aligned(net->w);
        net->w = NULL;
    }
}

void mtt_net_forward(const mtt_net *net, const mtk_table *k, const float *in, float *act,
                     float out[MTT_OUTPUTS], float *scratch)
{
    memcpy(act, in, (size_t)3 * net->side * net->side * sizeof *act);
    for (int i = 0; i < net->n_layers; i++) {
        const mtt_layer *l = &net->layers[i];
        const float *x = act + l->in_off;
        float *y = act + l->out_off;
        switch (l->kind) {
        case MTT_L_CONV:
            if (scratch)
                mtt_conv_forward(x, l->c, l->h, l->w, net->w + net->params[l->pw].off,
                                 net->w + net->params[l->pb].off, l->oc, l->k, y, scratch);
            else
                k->conv(x, l->c, l->h, l->w, net->w + net->params[l->pw].off,
                        net->w + net->params[l->pb].off, l->oc, l->k, y);
            break;
        case MTT_L_PRELU:
            memcpy(y, x, (size_t)l->c * l->h * l->w * sizeof *y);
            k->prelu(y, l->c, (size_t)l->h * l->w, net->w + net->params[l->pw].off);
            break;
        case MTT_L_POOL:
            k->maxpool(x, l->c, l->h, l->w, l->k, l->s, y);
            break;
        case MTT_L_FC:
            k->fc(x, l->c, net->w + net->params[l->pw].off, net->w + net->params[l->pb].off,
                  l->oc, y);
            break;
        }
    }
    const mtt_layer *h = &net->layers[net->n_trunk];
    memcpy(out + MTT_OUT_CLS, act + h[0].out_off, 2 * sizeof *out);
    memcpy(out + MTT_OUT_BOX, act + h[1].out_off, 4 * sizeof *out);
    memcpy(out + MTT_OUT_LM, act + h[2].out_off, 10 * sizeof *out);
}

void mtt_net_backward(const mtt_net *net, const float *act, const float dout[MTT_OUTPUTS],
                      float *grad, float *scratch)
{
    float *dact = scratch;
    float *colT = scratch + net->act_floats;
    float *dcol = colT + (net->scratch_floats - net->act_floats) / 2;
    memset(dact, 0, net->act_floats * sizeof *dact);
    static const int head_at[3] = {MTT_OUT_CLS, MTT_OUT_BOX, MTT_OUT_LM};
    for (int i = net->n_layers - 1; i >= 0; i--) {
        const mtt_layer *l = &net->layers[i];
        const float *x = act + l->in_off;
        const float *dy = i >= net->n_trunk ? dout + head_at[i - net->n_trunk] : dact + l->out_off;
        /* The input needs no gradient. */
        float *dx = l->in_off == 0 ? NULL : dact + l->in_off;
        const mtt_param *pw = l->pw >= 0 ? &net->params[l->pw] : NULL;
        const mtt_param *pb = l->pb >= 0 ? &net->params[l->pb] : NULL;
        switch (l->kind) {
        case MTT_L_CONV:
            mtt_conv_backward(x, l->c, l->h, l->w, l->k, net->w + pw->off, l->oc, dy,
                              grad + pw->off, grad + pb->off, dx, colT, dcol);
            break;
        case MTT_L_PRELU:
            mtt_prelu_backward(x, l->c, (size_t)l->h * l->w, net->w + pw->off, dy,
                               grad + pw->off, dx);
            break;
        case MTT_L_POOL:
            mtt_maxpool_backward(x, l->c, l->h, l->w, l->k, l->s, dy, dx);
            break;
        case MTT_L_FC:
            mtt_fc_backward(x, l->c, net->w + pw->off, l->oc, dy, grad + pw->off,
                            grad + pb->off, dx);
            break;
        }
    }
}

void mtt_net_tensors(const mtt_net *net, const float **tensors)
{
    for (int i = 0; i < net->n_params; i++)
        if (net->params[i].tensor >= 0)
            tensors[net->params[i].tensor] = net->w + net->params[i].off;
}

void mtt_net_shift_face_logit(mtt_net *net, float delta)
{
    const mtt_layer *cls = &net->layers[net->n_trunk];
    net->w[net->params[cls->pb].off + 1] += delta;
}

void mtt_net_shift_landmarks(mtt_net *net, unsigned mask, float dx, float dy)
{
    const mtt_layer *lm = &net->layers[net->n_trunk + 2];
    float *bias = net->w + net->params[lm->pb].off;
    for (int p = 0; p < 5; p++)
        if (mask & (1u << p)) {
            bias[p] += dx;
            bias[5 + p] += dy;
        }
}
