/* bench-track.h - mtcam-bench --track: the tracker against full detection on the same frames
 * of a video (the demo source by default), at one frame size per call. */
#pragma once

#include "mtcnn.h"

typedef struct bench_track_args {
    const char *source;          /* capture spec: "demo", a .y4m or .avi file */
    int frames;                  /* frames per size (the source's first ones) */
    int min_face, threads;
    int precision;               /* mtcnn_precision of both detectors */
    mtcnn_tracker_options topt;
} bench_track_args;

#define BENCH_TRACK_MISMATCH_MAX 64

typedef struct bench_track_result {
    int width, height, frames, scan_frames;
    const char *precision;          /* what the detectors ran in ("fp32", "int8") */
    double load[2];                 /* load average before and after */
    double ms_det, ms_trk;          /* median per-frame time, ms */
    double min_ms_det, min_ms_trk;  /* fastest frame */
    double macs_det, macs_trk;      /* median per-frame multiply-adds */
    double agree;                   /* fraction of frames with as many faces */
    double jitter_det, jitter_trk;  /* median |x[t+1] - 2 x[t] + x[t-1]| of landmarks, px */
    long jitter_samples;
    double lag;                     /* mean lag of tracked behind untracked along the motion, px */
    long lag_samples;
    int mismatch[BENCH_TRACK_MISMATCH_MAX]; /* the first frames where the counts differ */
    int n_mismatch;                         /* how many frames differ (may exceed the list) */
} bench_track_result;

/* Runs a->frames frames at w x h. Returns 0, or 1 after printing why. */
int bench_track_size(const mtcnn_model *model, const bench_track_args *a, int w, int h,
                     bench_track_result *r);
/* Prints one size's figures as a small table, or as one JSON line. */
void bench_track_print(const bench_track_args *a, const bench_track_result *r, int json);
