/* thread.h - one capture thread per source. It reads frames as fast as the source gives them
 * and keeps only the newest, so a slow consumer (the detector) never falls behind: frames it
 * did not take in time are dropped and counted. A camera that fails (unplugged, stalled,
 * busy) is closed and reopened with backoff while a status line says what is going on.
 *
 * Handoff costs no copy: capture_thread_latest swaps the consumer's frame buffer with the
 * thread's newest one. The only copy is the thread's own, out of the source's buffer (which
 * the source reuses at its next read). */
#pragma once

#include <stdint.h>

#include "capture.h"

typedef struct capture_thread capture_thread;

typedef enum capture_thread_state {
    CAPTURE_THREAD_RUNNING = 0, /* frames are coming */
    CAPTURE_THREAD_STALLED,     /* a camera sent nothing for a while (reopened if it lasts) */
    CAPTURE_THREAD_REOPENING,   /* the camera failed; trying to open it again */
    CAPTURE_THREAD_ENDED,       /* a file reached its end (not looping) */
    CAPTURE_THREAD_FAILED       /* a file or image source failed: nothing more will come */
} capture_thread_state;

typedef struct capture_thread_stats {
    uint64_t captured;  /* frames read from the source */
    uint64_t delivered; /* frames handed to the consumer */
    uint64_t dropped;   /* frames replaced by a newer one before the consumer took them */
    uint64_t corrupt;   /* frames the source rejected and skipped */
    uint64_t reopens;   /* times the source was opened again after failing */
    double fps;         /* capture rate over about the last second */
    capture_thread_state state;
    char status[256];   /* one line for the user: what is going on (errors included) */
    char source[256];   /* capture_describe of the current source */
} capture_thread_stats;

/* Tunables (0 = default). */
typedef struct capture_thread_options {
    int read_timeout_ms;   /* one wait on the source; bounds how fast stop reacts (200) */
    int stall_ms;          /* a camera silent this long is reopened (3000) */
    int backoff_min_ms;    /* first wait before reopening (250), doubled up to ... */
    int backoff_max_ms;    /* ... this (4000) */
    int lossless;          /* files and the demo: wait for the consumer to take each frame
                              before handing over the next, so none is dropped (mtcam
                              --headless, whose output must be a function of the input);
                              cameras ignore it (the driver would drop instead) */
} capture_thread_options;

/* Starts a thread reading `src`, which it owns from now on (closed by capture_thread_stop,
 * also on failure here). `topt` may be NULL. */
int capture_thread_start(capture_source *src, const capture_thread_options *topt,
                         capture_thread **out);

/* Hands over the newest frame if it is newer than the last one handed over: swaps it with
 * *dst (dst must be an empty frame {0} or one that came from here; the thread reuses the
 * buffer it gets back) and returns 1 with its sequence number in *seq (may be NULL). Returns
 * 0 when nothing newer is there, MTCNN_EEOF when the source ended and everything was handed
 * over, or the source's error code when it failed for good (message in mtcam_last_error()).
 * Sequence numbers count captured frames from 0 across reopenings; a gap means drops. */
int capture_thread_latest(capture_thread *th, mtcam_frame *dst, uint64_t *seq);
/* The same, but waits up to timeout_ms for a newer frame (0 when none came). */
int capture_thread_wait(capture_thread *th, mtcam_frame *dst, uint64_t *seq, int timeout_ms);

void capture_thread_get_stats(capture_thread *th, capture_thread_stats *out);
const char *capture_thread_state_name(capture_thread_state state);

/* Stops the thread, closes the source and frees everything. Accepts NULL. */
void capture_thread_stop(capture_thread *th);
