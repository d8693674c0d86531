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

/* What a cascade test that needs *a* model runs on: the shipped models/mtcam.mtcnn with the
 * project's public-domain photos (assets/demo) always, and the original weights with the peer
 * photos as well when ../shared is there. The photos come in four roles, so a test written
 * once runs on both; what differs (face counts the model finds, L-Net) is in the subject. */
enum {
    CHECK_PHOTO_ONE_A, /* one face: eileen-collins.jpg / ipazc_ivan.jpg (progressive JPEG) */
    CHECK_PHOTO_TWO,   /* two faces: both portraits side by side at half size / test1.jpg */
    CHECK_PHOTO_ONE_B, /* one face: grace-hopper.jpg / kpzhang93_test2.jpg */
    CHECK_PHOTO_NONE,  /* no face: the flag beside Grace Hopper (150x330) / no-faces.jpg */
    CHECK_N_PHOTOS
};
typedef struct check_subject {
    const char *name; /* "shipped model" or "original weights" */
    mtcnn_model *model;
    const char *photos[CHECK_N_PHOTOS];
    int has_lnet; /* the original weights carry L-Net; ours do not */
    int own;      /* the shipped model and the project's photos */
} check_subject;

/* Sets *subjects to the list (loaded once per process) and returns its length: 1 (the shipped
 * model; a line on stderr says the original weights were not found) or 2; or -1 after saying
 * why the shipped model does not load. */
int check_subjects(const check_subject **subjects);
/* Decodes a subject's photo (one of s->photos) into f: 0, or 1 after saying why. */
int check_subject_photo(const check_subject *s, int role, mtcam_frame *f);

/* An mtcnn_image over an RGB frame's pixels. */
mtcnn_image check_rgb_view(const mtcam_frame *f);
