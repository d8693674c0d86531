/* model-path.h - where the programs find a model when --model is not given. */
#pragma once

#include <stddef.h>

/* The file name of the project's own model in models/. */
#define MTCAM_MODEL_FILE "mtcam.mtcnn"

/* Fills `buf` with the model to use: `requested` if not NULL, else $MTCAM_MODEL, else
 * the installed <exe>/../share/mtcam/models/mtcam.mtcnn, else models/mtcam.mtcnn in the
 * executable's ../models (build tree) or in the source tree. Returns 0, or
 * MTCNN_ENOTFOUND with a message that says how to get a model. */
int app_model_path(const char *requested, char *buf, size_t size);

/* Loads the model app_model_path chooses; on failure the message names the file. */
struct mtcnn_model;
int app_model_load(const char *requested, struct mtcnn_model **out);
