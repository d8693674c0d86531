/* fit.h - training one net on a sample set: mini-batches in the paper's kind ratio, the
 * multi-task loss with hard sample mining, Adam with weight decay and a cosine learning-rate
 * schedule, the engine's worker pool, checkpoints after every epoch and resume.
 *
 * Deterministic given the seed: the batch of step t and its augmentation are drawn from a
 * generator seeded by (seed, t), the batch is cut into fixed slices (one per thread) whose
 * gradients are summed in slice order whichever pool thread ran them, so a run, a resumed run and a run on another machine
 * with the same kernel table give the same weights. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "samples.h"
#include "tnet.h"

typedef struct mtt_fit_options {
    int epochs;
    int batch;
    int threads;               /* 1..16 */
    float lr;                  /* Adam step size at the start */
    float weight_decay;        /* L2 on the weights (not biases, not slopes) */
    uint64_t seed;
    float ratio[MTT_KINDS];    /* negatives : positives : parts : landmarks per batch */
    size_t samples_per_epoch;  /* 0: the size of the set */
    int augment;               /* flip and colour jitter */
    const char *checkpoint;    /* written after every epoch when not NULL */
    int resume;                /* continue from `checkpoint` when it exists */
    int stop_after;            /* stop after this many epochs of this call (0: run all) */
    int progress_every;        /* steps between progress reports (0: about 10 per epoch) */
    const mtt_sample_set *val; /* held-out samples measured after every epoch (NULL: none);
                                  forward passes only, so training is the same with or without */
} mtt_fit_options;

/* Defaults: 3:1:1:2 ratio, batch 128, Adam 1e-3, weight decay 5e-4, 2 threads, seed 1. */
void mtt_fit_options_default(mtt_fit_options *o);

typedef struct mtt_progress {
    int epoch, epochs;         /* 1-based epoch in progress */
    long step, steps;          /* step within the epoch, steps per epoch */
    double loss, cls, box, lm; /* means since the last report */
    double accuracy;           /* classification accuracy since the last report */
    double samples_per_s;
    double lr;
    int end_of_epoch;
    /* Set on the report made after an epoch on the held-out samples (options.val): then loss,
     * cls, box, lm and accuracy are theirs, every sample counted (no hard sample mining, no
     * augmentation), val_samples says how many and samples_per_s how fast they ran. */
    int validation;
    long val_samples;
} mtt_progress;

typedef void (*mtt_progress_fn)(const mtt_progress *p, void *user);

/* Trains `net` (already initialised or loaded) on `s`. Returns 0 or a negative code. */
int mtt_fit(mtt_net *net, const mtt_sample_set *s, const mtt_fit_options *o,
            mtt_progress_fn progress, void *user);

/* Loads the weights of a checkpoint into an initialised net of the same stage. */
int mtt_checkpoint_load_weights(const char *path, mtt_net *net);

/* Writes a model file from the three trained nets. */
int mtt_export_model(const char *path, const mtt_net *pnet, const mtt_net *rnet,
                     const mtt_net *onet);
/* An in-memory model from the three nets (for mining with the engine). */
int mtt_model_from_nets(const mtt_net *pnet, const mtt_net *rnet, const mtt_net *onet,
                        mtcnn_model **out);
