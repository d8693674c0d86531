/* fit.c - the training loop. */
#include "fit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "clock.h"
#include "err.h"
#include "loss.h"
#include "model.h"
#include "pool.h"
#include "rng.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

void mtt_fit_options_default(mtt_fit_options *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 10;
    o->batch = 128;
    o->threads = 2;
    o->lr = 1e-3f;
    o->weight_decay = 5e-4f;
    o->seed = 1;
    o->ratio[MTT_NEG] = 3;
    o->ratio[MTT_POS] = 1;
    o->ratio[MTT_PART] = 1;
    o->ratio[MTT_LMK] = 2;
    o->augment = 1;
}

/* ---- checkpoints: "MTTC", version, stage, n_weights, epochs done, seed, w, m, v ------- */

static const char ck_magic[4] = {'M', 'T', 'T', 'C'};

static int checkpoint_write(const char *path, const mtt_net *net, const float *m, const float *v,
                            uint32_t epochs_done, uint64_t seed)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return mtcam_set_error(MTCNN_EINVAL, "%s: path too long", path);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return mtcam_set_error(MTCNN_EIO, "%s: cannot create", tmp);
    const uint32_t hdr[4] = {1, (uint32_t)net->stage, (uint32_t)net->n_weights, epochs_done};
    const size_t n = net->n_weights;
    int ok = fwrite(ck_magic, 4, 1, f) == 1 && fwrite(hdr, sizeof hdr, 1, f) == 1 &&
             fwrite(&seed, sizeof seed, 1, f) == 1 && fwrite(net->w, sizeof(float), n, f) == n &&
             fwrite(m, sizeof(float), n, f) == n && fwrite(v, sizeof(float), n, f) == n;
    if (fclose(f) != 0)
        ok = 0;
    /* Written aside and renamed, so a crash never leaves a half checkpoint behind. */
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return mtcam_set_error(MTCNN_EIO, "%s: cannot write the checkpoint", path);
    }
    return 0;
}

/* Reads a checkpoint into net->w and, when m/v are not NULL, the optimiser moments. */
static int checkpoint_read(const char *path, mtt_net *net, float *m, float *v,
                           uint32_t *epochs_done, uint64_t *seed)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mtcam_set_error(MTCNN_ENOTFOUND, "%s: cannot open the checkpoint", path);
    char mg[4];
    uint32_t hdr[4];
    uint64_t sd;
    const size_t n = net->n_weights;
    int ok = fread(mg, 4, 1, f) == 1 && memcmp(mg, ck_magic, 4) == 0 &&
             fread(hdr, sizeof hdr, 1, f) == 1 && fread(&sd, sizeof sd, 1, f) == 1;
    if (!ok || hdr[0] != 1) {
        fclose(f);
        return mtcam_set_error(MTCNN_EFORMAT, "%s: not a checkpoint of this version", path);
    }
    if (hdr[1] != (uint32_t)net->stage || hdr[2] != n) {
        fclose(f);
        return mtcam_set_error(MTCNN_EFORMAT, "%s: checkpoint of stage %u with %u weights, "
                               "expected stage %d with %zu", path, hdr[1], hdr[2],
                               (int)net->stage, n);
    }
    ok = fread(net->w, sizeof(float), n, f) == n;
    if (ok && m && v)
        ok = fread(m, sizeof(float), n, f) == n && fread(v, sizeof(float), n, f) == n;
    fclose(f);
    if (!ok)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: truncated checkpoint", path);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(net->w[i]))
            return mtcam_set_error(MTCNN_EFORMAT, "%s: weight %zu is not finite", path, i);
    if (epochs_done)
        *epochs_done = hdr[3];
    if (seed)
        *seed = sd;
    return 0;
}

int mtt_checkpoint_load_weights(const char *path, mtt_net *net)
{
    return checkpoint_read(path, net, NULL, NULL, NULL, NULL);
}

/* ---- threads ------------------------------------------------------------------------ */

typedef struct fit_ctx {
    const mtt_net *net;
    const mtk_table *k;
    const mtt_sample_set *s;
    int batch;
    const size_t *pick;          /* sample index per batch slot */
    const mtt_augment *aug;      /* per slot, or NULL */
    float *in;                   /* batch x input */
    float *act;                  /* batch x act_floats */
    float *out, *dout;           /* batch x MTT_OUTPUTS */
    mtt_target *targets;
    mtcnn__pool *pool;           /* the engine's worker pool, one thread per slice */
} fit_ctx;

typedef struct worker {
    fit_ctx *ctx;
    int first, last;             /* batch slots [first, last) */
    int backward;                /* 0: forward phase, 1: backward phase */
    float *grad;                 /* n_weights, this slice's sum */
    float *scratch;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    fit_ctx *c = w->ctx;
    const mtt_net *net = c->net;
    const size_t in_floats = (size_t)3 * net->side * net->side;
    for (int i = w->first; i < w->last; i++) {
        float *act = c->act + (size_t)i * net->act_floats;
        if (!w->backward) {
            float *in = c->in + (size_t)i * in_floats;
            mtt_sample_input(c->s, c->pick[i], c->aug ? &c->aug[i] : NULL, in, &c->targets[i]);
            mtt_net_forward(net, c->k, in, act, c->out + (size_t)i * MTT_OUTPUTS, w->scratch);
        } else {
            const float *d = c->dout + (size_t)i * MTT_OUTPUTS;
            int any = 0;
            for (int j = 0; j < MTT_OUTPUTS; j++)
                any |= d[j] != 0.0f;
            /* Easy samples dropped by the hard sample mining carry no gradient. */
            if (any)
                mtt_net_backward(net, act, d, w->grad, w->scratch);
        }
    }
    return NULL;
}

static void slice_task(void *ctx, int task, int thread)
{
    (void)thread;
    work(&((worker *)ctx)[task]);
}

/* Runs one phase of every batch slice on the engine's worker pool. Each slice owns its
 * gradient and scratch buffers whichever thread takes it, so the sums, added in slice order
 * afterwards, do not depend on the scheduling. */
static void run_phase(worker *ws, int nt, int backward)
{
    for (int t = 0; t < nt; t++)
        ws[t].backward = backward;
    mtcnn__pool_run(ws[0].ctx->pool, slice_task, ws, nt);
}

/* ---- held-out samples ---------------------------------------------------------------- */

/* The loss terms and accuracy of `net` on every sample of `val`, batch by batch through the
 * workers' forward phase (no augmentation, no hard sample mining). Changes nothing the
 * training reads: only the batch buffers, which the next step overwrites. */
static int measure_val(fit_ctx *ctx, worker *ws, int nt, const mtt_sample_set *val,
                       size_t *pick, mtt_progress *p)
{
    const int B = ctx->batch;
    const mtt_sample_set *train_set = ctx->s;
    const mtt_augment *train_aug = ctx->aug;
    mtt_loss_weights lw = mtt_loss_weights_for(ctx->net->stage);
    lw.ohem_keep = 1.0f;
    double cls = 0, box = 0, lm = 0;
    long n_cls = 0, n_box = 0, n_lm = 0, correct = 0;
    int rc = 0;
    ctx->s = val;
    ctx->aug = NULL;
    for (size_t at = 0; at < val->n && rc == 0; at += (size_t)B) {
        const int cnt = val->n - at < (size_t)B ? (int)(val->n - at) : B;
        /* A short last batch repeats its last sample in the unused slots; they are not
         * counted. */
        for (int i = 0; i < B; i++)
            pick[i] = at + (size_t)(i < cnt ? i : cnt - 1);
        run_phase(ws, nt, 0);
        mtt_loss_stats st;
        if ((rc = mtt_loss_batch(ctx->out, ctx->targets, cnt, &lw, ctx->dout, &st)) != 0)
            break;
        cls += st.cls * st.n_kept;
        box += st.box * st.n_box;
        lm += st.lm * st.n_lm;
        n_cls += st.n_kept;
        n_box += st.n_box;
        n_lm += st.n_lm;
        correct += st.correct;
    }
    ctx->s = train_set;
    ctx->aug = train_aug;
    p->validation = 1;
    p->val_samples = (long)val->n;
    p->cls = n_cls ? cls / n_cls : 0;
    p->box = n_box ? box / n_box : 0;
    p->lm = n_lm ? lm / n_lm : 0;
    p->loss = lw.det * p->cls + lw.box * p->box + lw.lm * p->lm;
    p->accuracy = n_cls ? (double)correct / n_cls : 0;
    return rc;
}

/* ---- the loop ----------------------------------------------------------------------- */

/* Slots per kind for one batch: the ratio over the kinds the set has, rounded, summing to
 * the batch size. */
static void batch_quota(const mtt_fit_options *o, const size_t counts[MTT_KINDS], int q[MTT_KINDS])
{
    double sum = 0;
    for (int k = 0; k < MTT_KINDS; k++)
        sum += counts[k] ? o->ratio[k] : 0;
    int given = 0, last = -1;
    for (int k = 0; k < MTT_KINDS; k++) {
        q[k] = (counts[k] && sum > 0) ? (int)floor(o->batch * o->ratio[k] / sum) : 0;
        given += q[k];
        if (counts[k] && o->ratio[k] > 0)
            last = k;
    }
    if (last >= 0)
        q[last] += o->batch - given;
}

int mtt_fit(mtt_net *net, const mtt_sample_set *s, const mtt_fit_options *o,
            mtt_progress_fn progress, void *user)
{
    if (o->batch < 1 || o->epochs < 1 || o->threads < 1 || o->threads > 16 || s->n == 0)
        return mtcam_set_error(MTCNN_EINVAL, "training: needs samples, epochs, a batch and 1..16 threads");
    if (s->side != net->side)
        return mtcam_set_error(MTCNN_EINVAL, "training: samples of side %d for a net of side %d",
                               s->side, net->side);
    if (o->val && o->val->n && o->val->side != net->side)
        return mtcam_set_error(MTCNN_EINVAL, "training: held-out samples of side %d for a net "
                               "of side %d", o->val->side, net->side);
    size_t counts[MTT_KINDS];
    mtt_samples_count(s, counts);
    int quota[MTT_KINDS];
    batch_quota(o, counts, quota);
    if (quota[MTT_NEG] + quota[MTT_POS] == 0)
        return mtcam_set_error(MTCNN_EINVAL, "training: no negatives or positives to classify");

    const size_t n = net->n_weights;
    const int B = o->batch, nt = o->threads < B ? o->threads : B;
    const size_t in_floats = (size_t)3 * net->side * net->side;
    int rc = 0;
    size_t *by_kind = malloc(s->n * sizeof *by_kind);
    size_t *pick = malloc((size_t)B * sizeof *pick);
    mtt_augment *aug = malloc((size_t)B * sizeof *aug);
    mtt_target *targets = malloc((size_t)B * sizeof *targets);
    float *in = malloc((size_t)B * in_floats * sizeof *in);
    float *act = malloc((size_t)B * net->act_floats * sizeof *act);
    float *out = malloc((size_t)B * MTT_OUTPUTS * sizeof *out);
    float *dout = malloc((size_t)B * MTT_OUTPUTS * sizeof *dout);
    float *m = calloc(n, sizeof *m), *v = calloc(n, sizeof *v), *decay = calloc(n, sizeof *decay);
    worker ws[16];
    memset(ws, 0, sizeof ws);
    mtcnn__pool *pool = NULL;
    if ((rc = mtcnn__pool_create(nt, &pool)) != 0)
        goto done;
    int ws_ok = 1;
    for (int t = 0; t < nt; t++) {
        ws[t].grad = malloc(n * sizeof(float));
        ws[t].scratch = malloc(net->scratch_floats * sizeof(float));
        ws_ok &= ws[t].grad && ws[t].scratch;
    }
    if (!by_kind || !pick || !aug || !targets || !in || !act || !out || !dout || !m || !v ||
        !decay || !ws_ok) {
        rc = mtcam_set_error(MTCNN_ENOMEM, "training: no memory for a batch of %d", B);
        goto done;
    }
    /* Indices of the samples of each kind, kind by kind. */
    size_t kind_at[MTT_KINDS + 1] = {0};
    for (int k = 0; k < MTT_KINDS; k++)
        kind_at[k + 1] = kind_at[k] + counts[k];
    {
        size_t fill[MTT_KINDS];
        memcpy(fill, kind_at, sizeof fill);
        for (size_t i = 0; i < s->n; i++)
            by_kind[fill[s->kind[i]]++] = i;
    }
    for (int i = 0; i < net->n_params; i++)
        if (net->params[i].decay)
            for (size_t j = 0; j < net->params[i].count; j++)
                decay[net->params[i].off + j] = 1.0f;

    uint32_t start_epoch = 0;
    if (o->checkpoint && o->resume) {
        FILE *probe = fopen(o->checkpoint, "rb");
        if (probe) {
            fclose(probe);
            uint64_t seed;
            if ((rc = checkpoint_read(o->checkpoint, net, m, v, &start_epoch, &seed)) != 0)
                goto done;
        }
    }

    fit_ctx ctx = {net, mtk_get_table(), s, B, pick, o->augment ? aug : NULL, in, act, out, dout,
                   targets, pool};
    for (int t = 0; t < nt; t++) {
        ws[t].ctx = &ctx;
        ws[t].first = (int)((long)B * t / nt);
        ws[t].last = (int)((long)B * (t + 1) / nt);
    }
    const mtt_loss_weights lw = mtt_loss_weights_for(net->stage);
    const size_t per_epoch = o->samples_per_epoch ? o->samples_per_epoch : s->n;
    const long steps = (long)((per_epoch + B - 1) / B);
    const long total_steps = steps * o->epochs;
    const long every = o->progress_every > 0 ? o->progress_every : (steps >= 10 ? steps / 10 : 1);
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    int done_this_call = 0;
    for (int epoch = (int)start_epoch; epoch < o->epochs; epoch++) {
        double acc_loss = 0, acc_cls = 0, acc_box = 0, acc_lm = 0;
        long acc_n = 0, acc_correct = 0, acc_cls_n = 0, acc_samples = 0;
        int64_t t_report = mtcam_now_ns();
        for (long step = 0; step < steps; step++) {
            const long gstep = (long)epoch * steps + step;
            mtt_rng r;
            mtt_rng_seed(&r, mtt_rng_derive(o->seed, (uint64_t)gstep));
            int slot = 0;
            for (int k = 0; k < MTT_KINDS; k++)
                for (int j = 0; j < quota[k]; j++) {
                    pick[slot] = by_kind[kind_at[k] + (size_t)mtt_rng_below(&r, (int)counts[k])];
                    mtt_augment_random(&aug[slot], &r);
                    slot++;
                }
            run_phase(ws, nt, 0);
            mtt_loss_stats st;
            if ((rc = mtt_loss_batch(out, targets, B, &lw, dout, &st)) != 0)
                goto done;
            for (int t = 0; t < nt; t++)
                memset(ws[t].grad, 0, n * sizeof(float));
            run_phase(ws, nt, 1);
            /* Gradients summed in thread order (deterministic), then Adam with coupled L2. */
            const double progress_frac = (double)gstep / (double)total_steps;
            const double lr = o->lr * (0.02 + 0.98 * 0.5 * (1.0 + cos(M_PI * progress_frac)));
            const double t1 = (double)gstep + 1;
            const double c1 = 1.0 - pow(b1, t1), c2 = 1.0 - pow(b2, t1);
            for (size_t i = 0; i < n; i++) {
                double g = 0;
                for (int t = 0; t < nt; t++)
                    g += ws[t].grad[i];
                g += o->weight_decay * decay[i] * net->w[i];
                m[i] = (float)(b1 * m[i] + (1 - b1) * g);
                v[i] = (float)(b2 * v[i] + (1 - b2) * g * g);
                net->w[i] -= (float)(lr * (m[i] / c1) / (sqrt(v[i] / c2) + eps));
            }
            acc_loss += st.total;
            acc_cls += st.cls;
            acc_box += st.box;
            acc_lm += st.lm;
            acc_n++;
            acc_correct += st.correct;
            acc_cls_n += st.n_cls;
            acc_samples += B;
            const int last = step == steps - 1;
            if (progress && ((step + 1) % every == 0 || last)) {
                const double sec = mtcam_ms_since(t_report) * 1e-3;
                mtt_progress p = {epoch + 1, o->epochs, step + 1, steps, acc_loss / acc_n,
                                  acc_cls / acc_n, acc_box / acc_n, acc_lm / acc_n,
                                  acc_cls_n ? (double)acc_correct / acc_cls_n : 0,
                                  sec > 0 ? acc_samples / sec : 0, lr, last, 0, 0};
                progress(&p, user);
                acc_loss = acc_cls = acc_box = acc_lm = 0;
                acc_n = acc_correct = acc_cls_n = acc_samples = 0;
                t_report = mtcam_now_ns();
            }
        }
        for (size_t i = 0; i < n; i++)
            if (!isfinite(net->w[i])) {
                rc = mtcam_set_error(MTCNN_EFORMAT, "training: weights diverged in epoch %d "
                                     "(lower the learning rate)", epoch + 1);
                goto done;
            }
        if (o->val && o->val->n) {
            mtt_progress p = {0};
            p.epoch = epoch + 1;
            p.epochs = o->epochs;
            p.end_of_epoch = 1;
            const int64_t t_val = mtcam_now_ns();
            if ((rc = measure_val(&ctx, ws, nt, o->val, pick, &p)) != 0)
                goto done;
            const double sec = mtcam_ms_since(t_val) * 1e-3;
            p.samples_per_s = sec > 0 ? (double)o->val->n / sec : 0;
            if (progress)
                progress(&p, user);
        }
        if (o->checkpoint &&
            (rc = checkpoint_write(o->checkpoint, net, m, v, (uint32_t)epoch + 1, o->seed)) != 0)
            goto done;
        if (o->stop_after > 0 && ++done_this_call >= o->stop_after)
            break;
    }
done:
    mtcnn__pool_destroy(pool);
    for (int t = 0; t < nt; t++) {
        free(ws[t].grad);
        free(ws[t].scratch);
    }
    free(by_kind);
    free(pick);
    free(aug);
    free(targets);
    free(in);
    free(act);
    free(out);
    free(dout);
    free(m);
    free(v);
    free(decay);
    return rc;
}

/* ---- export ------------------------------------------------------------------------- */

static int gather(const mtt_net *p, const mtt_net *r, const mtt_net *o,
                  const float *tensors[MTCNN__T_COUNT])
{
    for (int i = 0; i < MTCNN__T_COUNT; i++)
        tensors[i] = NULL;
    if (!p || !r || !o || p->stage != MTT_PNET || r->stage != MTT_RNET || o->stage != MTT_ONET)
        return mtcam_set_error(MTCNN_EINVAL, "export: needs a P-Net, an R-Net and an O-Net");
    mtt_net_tensors(p, tensors);
    mtt_net_tensors(r, tensors);
    mtt_net_tensors(o, tensors);
    return 0;
}

int mtt_export_model(const char *path, const mtt_net *pnet, const mtt_net *rnet,
                     const mtt_net *onet)
{
    const float *tensors[MTCNN__T_COUNT];
    int rc = gather(pnet, rnet, onet, tensors);
    return rc ? rc : mtcnn__model_write_file(path, tensors);
}

int mtt_model_from_nets(const mtt_net *pnet, const mtt_net *rnet, const mtt_net *onet,
                        mtcnn_model **out)
{
    const float *tensors[MTCNN__T_COUNT];
    int rc = gather(pnet, rnet, onet, tensors);
    return rc ? rc : mtcnn__model_from_tensors(tensors, out);
}
