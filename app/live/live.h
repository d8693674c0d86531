/* live.h - the mtcam program as a function: capture thread -> detection thread -> render loop
 * on the calling thread (window, or headless). app/live/mtcam.c parses the flags and calls it;
 * tests call it too, with a hook that runs after every frame shown. */
#pragma once

#include <stddef.h>

#include "frame.h"
#include "keys.h"
#include "live-detect.h"
#include "live-vcam.h"
#include "window.h"

typedef struct live_config {
    const char *source;   /* NULL: /dev/video0 if it opens, else "demo" */
    int width, height;    /* --size (0: the source's) */
    double fps;           /* --fps (0: the source's) */
    const char *model;    /* --model (NULL: app_model_path's choice) */
    float min_face;       /* --min-face */
    float thresholds[3];  /* --thresholds */
    int threads;          /* --threads (engine workers per detection) */
    int precision;        /* --precision (mtcnn_precision, default auto) */
    const char *record;   /* --record FILE: record from the start */
    int fullscreen;       /* --fullscreen */
    int headless;         /* --headless: no window */
    int json;             /* --json: detections as JSON lines on stdout */
    long frames;          /* --frames N: stop after N frames (0: no limit) */
    int list_devices;     /* --list-devices */
    int track;            /* --track on|off: follow faces across frames (default on) */
    live_vcam_config output; /* --output DEV and its --output-* options */
} live_config;

void live_config_default(live_config *cfg);

/* Parses argv. Returns 0 when the program should run, 1 when --help was printed, or -1 after
 * writing a one-line reason to `err` (exit status 2). */
int live_parse_args(int argc, char **argv, live_config *cfg, char *err, size_t err_size);
extern const char live_usage[];

/* What a test hook sees after each frame shown. */
typedef struct live_frame_info {
    render_window *window;     /* NULL when headless */
    const mtcam_frame *shown;  /* the annotated frame just shown */
    const live_view *view;
    const live_result *result;
    const char *const *hud_lines;
    int n_hud_lines;
    int new_frame;             /* a newly captured frame (else a refresh of the same one) */
    int recording;
    long long rec_frames_last;  /* frames written by the last finished recording */
    long long rec_dropped_last; /* frames it dropped */
    const char *last_snapshot;  /* path of the last snapshot, "" if none */
    const char *last_crops;     /* prefix of the last crops saved (<prefix>-face<i>.png), "" */
    int last_crops_count;       /* how many */
    const mtcnn_face *last_crops_faces; /* the faces they were cut from (crop i: face i) */
    int last_crops_n_faces;
    const char *last_recording; /* path of the current or last recording, "" if none */
} live_frame_info;

typedef struct live_hooks {
    /* Return non-zero to quit. */
    int (*after_frame)(void *user, const live_frame_info *info);
    void *user;
} live_hooks;

/* Runs until q, a closed window, --frames, the end of a file source or live_request_stop.
 * Prints errors as "mtcam: message" on stderr. Returns the exit status (0, or 1 on errors). */
int live_run(const live_config *cfg, const live_hooks *hooks);

/* Asks live_run to stop (async-signal-safe: for SIGINT/SIGTERM handlers). */
void live_request_stop(void);

/* Fills `buf` with dir/mtcam-YYYYMMDD-HHMMSS.ext for the local time `t`, adding -1, -2 ...
 * until the name is free. `dir` NULL or "" means the current directory. */
int live_output_name(const char *dir, const char *ext, long long t, char *buf, size_t size);
