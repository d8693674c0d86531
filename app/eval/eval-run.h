/* eval-run.h - runs one model over every image of a data set, on several threads (one detector
 * per thread, all sharing the read-only model). */
#pragma once

#include "eval-dataset.h"
#include "eval-score.h"
#include "mtcnn.h"

typedef struct eval_run_params {
    const mtcnn_model *model;
    mtcnn_options options; /* as given to the detector (with the lowered last threshold) */
    int threads;           /* worker threads over images (>= 1) */
    /* Called on the calling thread about twice a second and once at the end. May be NULL. */
    void (*progress)(void *ctx, int done, int total);
    void *progress_ctx;
} eval_run_params;

/* Fills out[i] (ds->n_images entries, zeroed by the caller) with image i's detections and the
 * time mtcnn_detect took (decoding excluded). Stops at the first image that cannot be read or
 * detected and returns its error (the message names the file). Free with
 * eval_image_dets_free either way. */
int eval_run(const eval_run_params *p, const eval_dataset *ds, eval_image_dets *out);
void eval_image_dets_free(eval_image_dets *d, int n);

/* Converts the engine's faces (inclusive pixel boxes) into detections (edge boxes). */
void eval_det_from_face(const mtcnn_face *f, eval_det *d);
