/* record.h - records frames to an MJPEG AVI on a thread of its own.
 *
 * record_push copies the frame into a bounded queue and returns at once: the caller (the render
 * loop) is never slowed by JPEG encoding or by the disk. When the queue is full the frame is
 * dropped and counted. A frame of another size than the recording's is scaled to fit it,
 * keeping its aspect, with black bars (letterboxed, as the virtual camera does), and counted
 * as scaled (a folder of images of different sizes records them all). A write failure (full
 * disk, ...) ends the recording: the file keeps every frame written so far and stays
 * playable; record_push then returns the error and the status says why. record_stop encodes
 * what is still queued, finalises the file and joins the thread. */
#pragma once

#include <stdint.h>

#include "frame.h"

typedef struct recorder recorder;

typedef struct record_options {
    int width, height;      /* frames of another size are letterboxed into this size */
    double fps;             /* rate written in the AVI header (the source's) */
    int measure_fps;        /* non-zero: the header's rate is replaced by the one measured from
                               the frames' timestamps (frames written - 1 over the time from
                               the first to the last), refreshed as frames come and final at
                               record_stop: for cameras, whose granted rate is nominal */
    int quality;            /* JPEG quality 1..100 (0 = 85) */
    int queue_frames;       /* queue length (0 = 8) */
    int64_t max_part_bytes; /* split into parts past this size (0 = 1 GiB) */
    int exclusive;          /* never overwrite an existing file */
} record_options;

typedef struct record_status {
    int failed;             /* the recording stopped on an error */
    int64_t frames_written; /* frames in the file(s) */
    int64_t frames_dropped; /* frames the queue had no room for */
    int64_t frames_scaled;  /* frames of another size, letterboxed into the recording's */
    double fps;             /* the rate in the header (measured, with measure_fps) */
    int64_t bytes;          /* bytes in the file(s) */
    double elapsed_s;       /* since record_start */
    char error[512];        /* the error that stopped it ("" when none) */
} record_status;

int record_start(const char *path, const record_options *opt, recorder **out);
/* Queues a copy of `f` (letterboxed when its size differs). Returns 1 when queued, 0 when
 * dropped (queue full, or out of memory for scaling), or the negative code of the error that
 * stopped the recording. */
int record_push(recorder *r, const mtcam_frame *f);
void record_get_status(recorder *r, record_status *st);
/* Drains the queue, finalises the file, joins the thread, frees. Writes the final status to
 * *final when not NULL. Returns 0 or the error that stopped the recording (message in
 * mtcam_last_error). Accepts NULL. */
int record_stop(recorder *r, record_status *final);
