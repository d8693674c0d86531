/* eval-wider-subset.h - WIDER FACE's official easy/medium/hard AP for one model's detections
 * on (part of) the validation set: reads the split's .mat files (wider_face_val.mat for the
 * boxes, wider_<subset>_val.mat for which faces belong to the subset), pairs their images
 * with the evaluated ones, and runs the protocol of eval-wider-official.h. */
#pragma once

#include <stdio.h>

#include "eval-dataset.h"
#include "eval-score.h"
#include "eval-wider-official.h"

typedef struct eval_wider_split eval_wider_split;

/* "easy" / "medium" / "hard" -> 0 / 1 / 2, or -1. */
int eval_wider_subset_parse(const char *name);
const char *eval_wider_subset_name(int subset);

/* Reads split_dir/wider_face_val.mat and split_dir/wider_<subset>_val.mat and pairs every
 * image of `ds` (paths ending in EVENT/FILE.jpg) with its record. An image of ds missing from
 * the split is an error. Free with eval_wider_split_free. */
int eval_wider_split_read(const char *split_dir, int subset, const eval_dataset *ds,
                          eval_wider_split **out);
void eval_wider_split_free(eval_wider_split *s);

/* Runs the protocol on the images of ds (with the split's boxes and subset flags) and
 * dets[i] for image i. */
int eval_wider_split_score(const eval_wider_split *s, const eval_dataset *ds,
                           const eval_image_dets *dets, eval_wider_result *out);

/* One line: "WIDER official hard AP  label  0.xxx  (N faces, M images)". */
void eval_wider_split_text(FILE *f, const eval_wider_split *s, const char *label,
                           const eval_wider_result *r);

/* "wider_official": {"subset", "faces", "ap", "pr": {"threshold", "recall", "precision"}}
 * (precision null where no detection reaches the threshold). */
void eval_wider_json(FILE *f, const char *subset, const eval_wider_result *r);
