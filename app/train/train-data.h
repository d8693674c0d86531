/* train-data.h - the annotated images mtcam-train learns from: the Caltech Web Faces
 * development set (4 points a face, boxes derived by the rule in engine/train/samples.h) and
 * the MTFL landmark set (5 points a face), and the seeded split that keeps a validation part
 * of Caltech out of training. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "samples.h"

typedef struct train_image {
    char *path;
    int n_faces;
    mtt_face *faces;
} train_image;

typedef struct train_list {
    train_image *img;
    size_t n;
} train_list;

/* Validation membership of a Caltech image: FNV-1a 64 of the file name, mixed with the split
 * seed (splitmix64 finaliser), modulo 10 == 0: a fixed ~10% of the images by name. */
int train_is_validation(const char *name, uint64_t split_seed);

/* Reads caltech-webfaces/ (images.txt, ground_truth.txt) under `root`: the training part
 * (validation = 0) or the validation part (1). Every listed image is kept, with or without
 * faces (those give negatives). */
int train_load_caltech(const char *root, uint64_t split_seed, int validation, train_list *out);

/* Reads mtfl-landmarks/train_80x80_box_lm.txt under `root`. */
int train_load_mtfl(const char *root, train_list *out);

void train_list_free(train_list *l);

/* Writes the validation part as ground_truth / images files in the Caltech format, for
 * mtcam-eval --dataset caltech. */
int train_write_validation(const char *root, uint64_t split_seed, const char *gt_out,
                           const char *images_out);
