/* Training end to end on small synthetic sets: the loss falls, a seed reproduces a run bit
 * for bit, a resumed run equals an uninterrupted one, and an exported model computes in the
 * engine what the training graph computes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fit.h"
#include "kernels.h"
#include "model.h"
#include "net.h"
#include "rng.h"
#include "samples.h"

/* Faces are a bright disc on a dark ground, non-faces noise; part faces shifted discs. */
static int make_set(mtt_sample_set *s, int side, int n, uint64_t seed)
{
    mtt_rng r;
    mtt_rng_seed(&r, seed);
    uint8_t *pix = malloc((size_t)side * side * 3);
    if (!pix)
        return -1;
    mtt_samples_init(s, side);
    for (int i = 0; i < n; i++) {
        const int kind = i % 4;
        const double cx = (side - 1) / 2.0 + (kind == MTT_PART ? side / 4.0 : 0);
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++) {
                const double d = hypot(x - cx, y - (side - 1) / 2.0);
                const int v = kind == MTT_NEG ? mtt_rng_below(&r, 256)
                                              : (d < side / 3.0 ? 220 : 30) + mtt_rng_below(&r, 20);
                for (int c = 0; c < 3; c++)
                    pix[(y * side + x) * 3 + c] = (uint8_t)v;
            }
        float box[4] = {0.05f, 0.05f, -0.05f, -0.05f};
        if (kind == MTT_PART)
            box[0] = box[2] = -0.25f;
        float lm[10] = {0.3f, 0.7f, 0.5f, 0.35f, 0.65f, 0.4f, 0.4f, 0.55f, 0.75f, 0.75f};
        if (mtt_samples_add(s, kind, (float)side * 3, kind == MTT_POS || kind == MTT_PART ? box : NULL,
                            kind == MTT_LMK ? lm : NULL, pix) != 0) {
            free(pix);
            return -1;
        }
    }
    free(pix);
    return 0;
}

typedef struct trace {
    double first, last;
    int reports;
} trace;

static void record(const mtt_progress *p, void *user)
{
    trace *t = user;
    if (t->reports++ == 0)
        t->first = p->loss;
    t->last = p->loss;
}

static void small_options(mtt_fit_options *o)
{
    mtt_fit_options_default(o);
    o->epochs = 6;
    o->batch = 32;
    o->lr = 3e-3f;
    o->progress_every = 4;
    o->samples_per_epoch = 32 * 8;
}

static int test_loss_falls(void)
{
    mtt_sample_set s;
    CHECK_INT_EQ(make_set(&s, 12, 400, 5), 0);
    mtt_net net;
    CHECK_INT_EQ(mtt_net_init(&net, MTT_PNET, 3), 0);
    mtt_fit_options o;
    small_options(&o);
    trace t = {0, 0, 0};
    CHECK_INT_EQ(mtt_fit(&net, &s, &o, record, &t), 0);
    fprintf(stderr, "loss %.4f -> %.4f over %d reports\n", t.first, t.last, t.reports);
    CHECK(t.reports >= 10);
    CHECK_MSG(t.last < 0.5 * t.first, "loss %.4f -> %.4f", t.first, t.last);
    /* The trained net separates the two classes of fresh samples. */
    mtt_sample_set fresh;
    CHECK_INT_EQ(make_set(&fresh, 12, 80, 99), 0);
    float in[3 * 12 * 12], out[MTT_OUTPUTS];
    float *act = malloc(net.act_floats * sizeof *act);
    CHECK(act);
    int right = 0, total = 0;
    for (size_t i = 0; i < fresh.n; i++) {
        mtt_target tg;
        mtt_sample_input(&fresh, i, NULL, in, &tg);
        if (tg.label < 0)
            continue;
        mtt_net_forward(&net, mtk_get_table(), in, act, out, NULL);
        right += (out[1] > out[0]) == (tg.label == 1);
        total++;
    }
    CHECK_MSG(right >= total * 9 / 10, "%d of %d right", right, total);
    free(act);
    mtt_samples_free(&fresh);
    mtt_samples_free(&s);
    mtt_net_free(&net);
    return 0;
}

/* Trains R-Net from seed `seed` and returns its weights (malloc'ed). */
static float *train_once(const mtt_sample_set *s, uint64_t seed, int epochs, const char *ck,
                         int resume, int stop_after, size_t *n)
{
    mtt_net net;
    if (mtt_net_init(&net, MTT_RNET, 4) != 0)
        return NULL;
    mtt_fit_options o;
    small_options(&o);
    o.epochs = epochs;
    o.seed = seed;
    o.samples_per_epoch = 64;
    o.checkpoint = ck;
    o.resume = resume;
    o.stop_after = stop_after;
    float *w = NULL;
    if (mtt_fit(&net, s, &o, NULL, NULL) == 0 && (w = malloc(net.n_weights * sizeof *w)) != NULL) {
        memcpy(w, net.w, net.n_weights * sizeof *w);
        *n = net.n_weights;
    }
    mtt_net_free(&net);
    return w;
}

static int test_deterministic(void)
{
    mtt_sample_set s;
    CHECK_INT_EQ(make_set(&s, 24, 120, 6), 0);
    size_t n1 = 0, n2 = 0, n3 = 0;
    float *a = train_once(&s, 11, 2, NULL, 0, 0, &n1);
    float *b = train_once(&s, 11, 2, NULL, 0, 0, &n2);
    float *c = train_once(&s, 12, 2, NULL, 0, 0, &n3);
    CHECK(a && b && c);
    CHECK_INT_EQ(n1, n2);
    CHECK_MSG(memcmp(a, b, n1 * sizeof *a) == 0, "same seed, different weights");
    CHECK_MSG(memcmp(a, c, n1 * sizeof *a) != 0, "another seed gave the same weights");
    free(a);
    free(b);
    free(c);
    mtt_samples_free(&s);
    return 0;
}

static int test_resume(void)
{
    mtt_sample_set s;
    CHECK_INT_EQ(make_set(&s, 24, 120, 7), 0);
    char dir[] = "/tmp/mtcam-train-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char ck1[256], ck2[256];
    snprintf(ck1, sizeof ck1, "%s/straight.ckpt", dir);
    snprintf(ck2, sizeof ck2, "%s/interrupted.ckpt", dir);
    size_t n = 0;
    float *straight = train_once(&s, 21, 3, ck1, 0, 0, &n);
    /* One epoch, stop; then a fresh process state resumes from the checkpoint. */
    float *first = train_once(&s, 21, 3, ck2, 0, 1, &n);
    float *resumed = train_once(&s, 21, 3, ck2, 1, 0, &n);
    CHECK(straight && first && resumed);
    CHECK_MSG(memcmp(first, straight, n * sizeof *first) != 0, "stop_after did not stop");
    CHECK_MSG(memcmp(resumed, straight, n * sizeof *resumed) == 0,
              "resumed run differs from the uninterrupted one");
    /* The checkpoint holds the final weights. */
    mtt_net net;
    CHECK_INT_EQ(mtt_net_init(&net, MTT_RNET, 99), 0);
    CHECK_INT_EQ(mtt_checkpoint_load_weights(ck1, &net), 0);
    CHECK(memcmp(net.w, straight, n * sizeof *straight) == 0);
    /* A checkpoint of another stage is refused with a message. */
    mtt_net other;
    CHECK_INT_EQ(mtt_net_init(&other, MTT_ONET, 1), 0);
    CHECK(mtt_checkpoint_load_weights(ck1, &other) == MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "checkpoint of stage");
    mtt_net_free(&other);
    mtt_net_free(&net);
    remove(ck1);
    remove(ck2);
    rmdir(dir);
    free(straight);
    free(first);
    free(resumed);
    mtt_samples_free(&s);
    return 0;
}

typedef struct val_trace {
    int val_reports, train_reports, epochs_seen[8];
    long samples;
    double first_loss, last_loss, last_acc;
    int finite;
} val_trace;

static void record_val(const mtt_progress *p, void *user)
{
    val_trace *t = user;
    if (!p->validation) {
        t->train_reports++;
        return;
    }
    if (t->val_reports < 8)
        t->epochs_seen[t->val_reports] = p->epoch;
    if (t->val_reports++ == 0)
        t->first_loss = p->loss;
    t->last_loss = p->loss;
    t->last_acc = p->accuracy;
    t->samples = p->val_samples;
    t->finite &= isfinite(p->loss) && isfinite(p->cls) && isfinite(p->box) && isfinite(p->lm);
}

/* Held-out samples are measured after every epoch, improve as the net learns, and change
 * nothing in the training: the weights equal those of a run without them. */
static int test_held_out(void)
{
    mtt_sample_set s, val;
    CHECK_INT_EQ(make_set(&s, 12, 400, 5), 0);
    CHECK_INT_EQ(make_set(&val, 12, 150, 77), 0); /* 150: a short last batch of 22 */
    mtt_net a, b;
    CHECK_INT_EQ(mtt_net_init(&a, MTT_PNET, 3), 0);
    CHECK_INT_EQ(mtt_net_init(&b, MTT_PNET, 3), 0);
    mtt_fit_options o;
    small_options(&o);
    val_trace t = {.finite = 1};
    CHECK_INT_EQ(mtt_fit(&a, &s, &o, NULL, NULL), 0);
    o.val = &val;
    CHECK_INT_EQ(mtt_fit(&b, &s, &o, record_val, &t), 0);
    CHECK_MSG(memcmp(a.w, b.w, a.n_weights * sizeof *a.w) == 0,
              "measuring held-out samples changed the training");
    CHECK_INT_EQ(t.val_reports, o.epochs);
    for (int e = 0; e < o.epochs; e++)
        CHECK_INT_EQ(t.epochs_seen[e], e + 1);
    CHECK(t.train_reports >= o.epochs);
    CHECK_INT_EQ(t.samples, 150);
    CHECK(t.finite);
    fprintf(stderr, "held-out loss %.4f -> %.4f, accuracy %.3f\n", t.first_loss, t.last_loss,
            t.last_acc);
    CHECK_MSG(t.last_loss < t.first_loss, "held-out loss %.4f -> %.4f", t.first_loss,
              t.last_loss);
    CHECK(t.last_acc >= 0.9);
    /* Samples of another side are refused. */
    mtt_sample_set wrong;
    CHECK_INT_EQ(make_set(&wrong, 24, 8, 1), 0);
    o.val = &wrong;
    CHECK_INT_EQ(mtt_fit(&b, &s, &o, NULL, NULL), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "held-out samples of side 24");
    mtt_samples_free(&wrong);
    mtt_net_free(&a);
    mtt_net_free(&b);
    mtt_samples_free(&val);
    mtt_samples_free(&s);
    return 0;
}

/* The exported model run by the engine's own graphs gives the training graph's outputs. */
static int test_export(void)
{
    mtt_net nets[3];
    for (int i = 0; i < 3; i++)
        CHECK_INT_EQ(mtt_net_init(&nets[i], (mtt_stage)i, 40 + i), 0);
    char path[] = "/tmp/mtcam-train-export-XXXXXX";
    const int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK_INT_EQ(mtt_export_model(path, &nets[0], &nets[1], &nets[2]), 0);
    mtcnn_model *m = NULL;
    CHECK_INT_EQ(mtcnn_model_load(path, &m), 0);
    remove(path);
    const mtk_table *k = mtk_find_table("scalar");
    mtt_rng r;
    mtt_rng_seed(&r, 8);
    for (int st = 0; st < 3; st++) {
        const mtt_net *net = &nets[st];
        const size_t nin = (size_t)3 * net->side * net->side;
        float *in = malloc(nin * sizeof *in), *act = malloc(net->act_floats * sizeof *act);
        float *scratch = malloc((MTCNN__ONET_SCRATCH_FLOATS + 4096) * sizeof *scratch);
        CHECK(in && act && scratch);
        for (size_t i = 0; i < nin; i++)
            in[i] = (float)mtt_rng_range(&r, -1, 1);
        float out[MTT_OUTPUTS], out_gemm[MTT_OUTPUTS], eng[16];
        float *fwd = malloc(net->scratch_floats * sizeof *fwd);
        CHECK(fwd);
        mtt_net_forward(net, k, in, act, out, NULL);
        /* The training path (im2col convolutions) computes the same. */
        mtt_net_forward(net, k, in, act, out_gemm, fwd);
        for (int j = 0; j < MTT_OUTPUTS; j++)
            CHECK_NEAR(out_gemm[j], out[j], 1e-4 * (1 + fabsf(out[j])));
        free(fwd);
        int n_out = 5;
        if (st == 0) {
            float prob, reg[4];
            mtcnn__pnet_forward(m, k, in, 12, 12, scratch, &prob, reg);
            eng[0] = prob;
            memcpy(eng + 1, reg, sizeof reg);
        } else if (st == 1) {
            mtcnn__rnet_forward(m, k, in, scratch, eng);
        } else {
            mtcnn__onet_forward(m, k, in, scratch, eng);
            n_out = 15;
        }
        const double p = 1.0 / (1.0 + exp((double)out[0] - out[1]));
        CHECK_NEAR(eng[0], p, 1e-5);
        /* A logit shift moves the probability exactly by that much in logit terms. */
        mtt_net_shift_face_logit(&nets[st], 1.5f);
        float shifted[MTT_OUTPUTS];
        mtt_net_forward(net, k, in, act, shifted, NULL);
        mtt_net_shift_face_logit(&nets[st], -1.5f);
        CHECK_NEAR(shifted[1] - shifted[0], out[1] - out[0] + 1.5, 1e-5);
        CHECK_NEAR(shifted[0], out[0], 0);
        /* A landmark shift moves exactly the masked points (the eyes here). */
        mtt_net_shift_landmarks(&nets[st], 3u, 0.02f, -0.01f);
        mtt_net_forward(net, k, in, act, shifted, NULL);
        mtt_net_shift_landmarks(&nets[st], 3u, -0.02f, 0.01f);
        for (int q = 0; q < 5; q++) {
            CHECK_NEAR(shifted[MTT_OUT_LM + q], out[MTT_OUT_LM + q] + (q < 2 ? 0.02 : 0), 1e-6);
            CHECK_NEAR(shifted[MTT_OUT_LM + 5 + q], out[MTT_OUT_LM + 5 + q] - (q < 2 ? 0.01 : 0),
                       1e-6);
        }
        for (int j = 1; j < n_out; j++)
            CHECK_NEAR(eng[j], out[MTT_OUT_BOX + j - 1], 1e-5);
        free(in);
        free(act);
        free(scratch);
    }
    mtcnn_model_free(m);
    for (int i = 0; i < 3; i++)
        mtt_net_free(&nets[i]);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {{"loss_falls", test_loss_falls},
                                       {"deterministic", test_deterministic},
                                       {"resume", test_resume},
                                       {"export", test_export},
                                       {"held_out", test_held_out},
                                       {NULL, NULL}};
    return check_main(argc, argv, cases);
}
