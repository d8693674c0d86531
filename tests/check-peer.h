/* check-peer.h - what the cascade tests share: the original weights converted by the test run
 * (check_model_path), the reference implementation's vectors and the peer photos, all from
 * ../shared/data/peer-tests. The model and vectors are loaded once per process and kept to
 * the end, since every case of a test binary uses them. */
#pragma once

#include "frame.h"
#include "json.h"
#include "mtcnn.h"

/* Loads the model into *model and, when `vectors` is not NULL, the reference vectors into
 * *vectors. Returns 0, CHECK_SKIP after saying why (shared/ or the converted weights are
 * missing), or 1 when a file does not load. */
int check_peer_setup(mtcnn_model **model, json **vectors);

/* Decodes the peer photo data/peer-tests/<name> into f (free with mtcam_frame_free):
 * 0, or 1 after saying why. */
int check_peer_photo(const char *name, mtcam_frame *f);

/* An mtcnn_image over an RGB frame's pixels. */
mtcnn_image check_rgb_view(const mtcam_frame *f);
