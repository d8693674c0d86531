/* keys.h - what each key does in mtcam, as a pure function (state, key) -> (new state, action),
 * so every binding is unit-tested without a window. Key codes are window.h's: printable keys
 * are their character, the rest WINDOW_KEY_*. */
#pragma once

typedef struct live_view {
    int paused;          /* Space: keep showing the same frame */
    int fullscreen;      /* f */
    int help;            /* h: the key list over the picture */
    int landmarks;       /* l: the five landmark discs */
    int candidates;      /* c: earlier stages' boxes */
    int stages;          /* 1/2/3: run the cascade up to P-Net, R-Net, O-Net */
    int selected;        /* Tab: stage (0..2) whose threshold Up/Down change */
    float thresholds[3]; /* Up/Down: in steps of LIVE_THRESHOLD_STEP */
    float min_face;      /* -/+: smallest face searched, pixels */
    int tracking;        /* t: follow faces across frames (ids, smoothing); on by default */
    int vcam_view;       /* v: what the virtual camera sends (0 annotated, 1 clean, 2 framed) */
} live_view;

typedef enum live_action {
    LIVE_ACTION_NONE = 0,
    LIVE_ACTION_QUIT,       /* q, Esc, Ctrl-C */
    LIVE_ACTION_SNAPSHOT,   /* s */
    LIVE_ACTION_CROPS,      /* a: save the aligned crops of the faces on screen */
    LIVE_ACTION_RECORD,     /* r: start or stop recording */
    LIVE_ACTION_FULLSCREEN, /* f: apply view.fullscreen to the window */
    LIVE_ACTION_DETECT,     /* stages, thresholds, minimum face or tracking changed */
    LIVE_ACTION_VCAM_VIEW,  /* v: the virtual camera's view changed */
} live_action;

#define LIVE_VCAM_VIEW_COUNT 3 /* annotated, clean, framed (live-vcam.h) */
#define LIVE_THRESHOLD_STEP 0.05f
#define LIVE_THRESHOLD_MIN 0.05f
#define LIVE_THRESHOLD_MAX 0.95f
#define LIVE_MIN_FACE_FACTOR 1.25f
#define LIVE_MIN_FACE_LOW 12.0f
#define LIVE_MIN_FACE_HIGH 1024.0f

/* Defaults: not paused, windowed, no help, landmarks on, candidates off, 3 stages, stage 1
 * selected, thresholds 0.6/0.7/0.7, min_face 20, tracking on. */
void live_view_default(live_view *v);

/* Applies `key` to `in`, writing the new state to `out` (which may be `in`). Unknown keys leave
 * the state as it is and return LIVE_ACTION_NONE. */
live_action live_keys_apply(const live_view *in, int key, live_view *out);

/* One line per binding, for the help overlay; NULL-terminated. */
extern const char *const live_keys_help[];
