/* framing.h - the auto-framing controller of the virtual camera's "framed" view: from the face
 * boxes of each frame it computes the part of the camera picture to send, at the output's
 * aspect ratio.
 *
 * Pure logic (no pixels, no clock, no allocation): it only sees what framing_update is given,
 * so it is tested on synthetic tracks. It depends on no detector or tracker header: the caller
 * copies its boxes (from detections or tracks) into framing_face.
 *
 * - One face: head and shoulders, its eyes on the upper third line, centred across.
 * - Several faces: the smallest crop holding all of them with the same margins.
 * - No face: the last framing is held for `hold_s`, then the crop returns to the whole picture.
 * - A dead zone: a new target is taken only when it differs from the held one by more than
 *   `dead_zone` (of the crop's size), so a still face whose box jitters gives a still crop.
 * - The crop follows its target with a critically damped spring (time constant `settle_s`):
 *   it never overshoots (a step that would cross the target stops on it), its speed is bounded
 *   by `max_speed`, and it comes to rest exactly on the target.
 * - The crop is never smaller than the picture / `max_zoom` and never leaves the picture. */
#pragma once

#include <stdint.h>

typedef struct framing_face {
    int id;        /* track id (or the detection's index when untracked) */
    float box[4];  /* x1, y1, x2, y2 in camera pixels, inclusive */
} framing_face;

typedef struct framing_rect {
    float x, y, w, h; /* camera pixels: left, top, width, height */
} framing_rect;

typedef struct framing_options {
    int src_width, src_height; /* the camera picture */
    int out_width, out_height; /* the output: only its aspect ratio matters here */
    float max_zoom;  /* the crop is at least src / max_zoom (default 3; 1 = never zoom) */
    float max_speed; /* bound on how fast the crop moves and grows, in picture heights per
                      * second (default 0.5) */
    float settle_s;  /* the spring's time constant 1/omega (default 0.3 s) */
    float dead_zone; /* fraction of the crop's height a target must move before it is
                      * followed (default 0.08) */
    float hold_s;    /* how long to keep the framing after the last face (default 1.5 s) */
} framing_options;

typedef struct framing_axis {
    float pos, vel; /* the spring's state: value and rate per second */
} framing_axis;

typedef struct framing {
    framing_options opt;
    framing_rect full;   /* the largest crop of the output's aspect inside the picture */
    framing_rect held;   /* the target being followed (changes only past the dead zone) */
    framing_axis cx, cy, h; /* the crop's centre and height follow held's */
    int64_t last_t_ns;   /* time of the last update (0 before the first) */
    int64_t last_face_ns; /* time faces were last seen */
    int started;
} framing;

/* Defaults for the fields of `opt` other than the sizes (0 where not said above). */
void framing_options_default(framing_options *opt);

/* Starts with the crop on the whole picture. Returns 0, or MTCNN_EINVAL for bad sizes or
 * options (message in mtcam_last_error). */
int framing_init(framing *f, const framing_options *opt);

/* The target for these faces alone (no dead zone, no spring): what the crop settles on. */
framing_rect framing_target(const framing *f, const framing_face *faces, int n_faces);

/* Advances to time `t_ns` (monotonic, nanoseconds) with the faces seen then, and returns the
 * crop to show. A time at or before the last one moves nothing. */
framing_rect framing_update(framing *f, int64_t t_ns, const framing_face *faces, int n_faces);
