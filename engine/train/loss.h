/* loss.h - the MTCNN multi-task loss over a mini-batch, with online hard sample mining.
 *
 * Per sample, only the terms its kind has (docs/training.md):
 *   classification: softmax cross-entropy over the 2 logits (negatives and positives);
 *   box: squared L2 of the 4 offsets (positives and part faces);
 *   landmarks: squared L2 of the 10 coordinates (landmark faces); a NaN target coordinate
 *   is a point the annotation lacks and adds nothing.
 * Each term is averaged over the samples that have it; the batch loss is
 * det * cls + box * box_l2 + lm * lm_l2. Online hard sample mining keeps only the
 * `ohem_keep` fraction of classification samples with the largest losses (the paper: 0.7),
 * and only they are back-propagated and counted in `cls`.
 */
#pragma once

#include <stdint.h>

#include "tnet.h"

typedef struct mtt_target {
    int label;     /* 1 face, 0 non-face, -1 no classification term */
    int has_box;
    int has_lm;
    float box[4];
    float lm[10];
} mtt_target;

typedef struct mtt_loss_weights {
    float det, box, lm;
    float ohem_keep; /* fraction in (0, 1]; 1 disables the mining */
} mtt_loss_weights;

/* The paper's weights for a stage: P/R det 1, box 0.5, lm 0.5; O det 1, box 0.5, lm 1. */
mtt_loss_weights mtt_loss_weights_for(mtt_stage stage);

typedef struct mtt_loss_stats {
    double total, cls, box, lm; /* batch loss and its unweighted terms */
    int n_cls, n_kept, n_box, n_lm;
    int correct;                /* classification samples with the right argmax (all of them) */
} mtt_loss_stats;

/* out: n x MTT_OUTPUTS head outputs; fills dout (n x MTT_OUTPUTS) with d(batch loss)/d(out).
 * Returns 0 or MTCNN_ENOMEM. Thread-safe. */
int mtt_loss_batch(const float *out, const mtt_target *t, int n, const mtt_loss_weights *w,
                   float *dout, mtt_loss_stats *st);
