/* source.h - what every backend behind capture.h shares (internal to capture/).
 *
 * A backend allocates a struct whose first member is a `capture_source`, fills `ops` and the
 * description, and capture.c does the rest: dispatch by spec, the saved spec and options (so
 * the capture thread can reopen a camera), warnings, and freeing the base. */
#pragma once

#include <stdint.h>

#include "capture.h"
#include "err.h"

typedef struct capture_source_ops {
    const char *name; /* "v4l2", "y4m", "avi", "image", "folder", "demo" */
    int reopenable;   /* a device that may come back: the capture thread reopens it after
                         MTCNN_ENODEV/EIO/EBUSY or a stall, instead of giving up */
    int (*read)(capture_source *src, const mtcam_frame **frame, int timeout_ms);
    /* Releases what the backend acquired; capture.c frees the struct itself. */
    void (*close)(capture_source *src);
} capture_source_ops;

struct capture_source {
    const capture_source_ops *ops;
    char *spec;
    capture_options opt;
    char description[256];
    double rate;             /* frames a second it delivers (capture_rate); set at open */
    int warnings;            /* problems stepped over (skipped files, corrupt frames) */
    char last_warning[600];
};

/* Allocates `size` zeroed bytes (a backend struct starting with capture_source) and sets up
 * the base. Returns NULL when out of memory (the caller reports it). */
capture_source *capture__source_new(size_t size, const capture_source_ops *ops, const char *spec,
                                    const capture_options *opt);
/* Counts a warning and keeps its message (printf-like); the source keeps going. */
void capture__warn(capture_source *src, const char *fmt, ...) MTCAM_PRINTF(2, 3);

/* Frame pacing for files and synthetic sources: frame i is due at start + i * period. */
typedef struct capture_pacer {
    int64_t start_ns;   /* due time of frame 0; set on the first wait */
    int64_t period_ns;
    int fast;           /* as fast as possible: never wait */
    int started;
} capture_pacer;

/* The frame rates a file may declare; outside them (a damaged or hostile header: fuzz-y4m
 * found F25:1111...1) the reader takes the rate as absent and plays at the default. */
#define CAPTURE_MIN_FILE_FPS 0.01
#define CAPTURE_MAX_FILE_FPS 1000.0
/* 1 when a file's declared rate is one to play at. */
int capture__file_fps_ok(double fps);

/* fps outside CAPTURE_MIN_FILE_FPS..CAPTURE_MAX_FILE_FPS (or not a number) means 25. */
void capture__pacer_init(capture_pacer *p, double fps, int fast);
/* Waits until frame `index` is due. Returns 0 with its presentation time in *ts_ns, or
 * MTCNN_ETIMEOUT when it is due more than timeout_ms from now (nothing is consumed then).
 * A reader that fell behind by more than a second restarts the timeline instead of bursting
 * to catch up. */
int capture__pacer_wait(capture_pacer *p, uint64_t index, int timeout_ms, int64_t *ts_ns);

/* The read loop the file backends share (y4m, avi, image, folder): decode the next frame once,
 * hold it while it is not yet due (a read that times out keeps it), then stamp and deliver it. */
typedef struct capture_playback {
    capture_pacer pacer;
    uint64_t seq;  /* frames delivered */
    uint64_t slot; /* timeline slot of the pending frame: set to seq before each decode; a
                      backend whose skipped frames keep their time (avi) sets it itself */
    int pending;   /* a frame is decoded and waits for its due time */
} capture_playback;

/* Decodes the next frame into the backend's frame: 0, MTCNN_EFORMAT for a bad frame (counted
 * as a warning; the next read goes on after it), or another error (MTCNN_EEOF at the end). */
typedef int (*capture_decode_fn)(capture_source *src);

/* One read of a file backend: decodes with `decode` when nothing is pending, waits for the
 * frame's slot, then stamps `frame` (timestamp, seq) and hands it out in *out. */
int capture__playback_read(capture_source *src, capture_playback *pb, capture_decode_fn decode,
                           mtcam_frame *frame, int timeout_ms, const mtcam_frame **out);

/* The backends' constructors: each validates the spec and fills *out. */
int capture__open_v4l2(const char *spec, const capture_options *opt, capture_source **out);
int capture__open_y4m(const char *spec, const capture_options *opt, capture_source **out);
int capture__open_avi(const char *spec, const capture_options *opt, capture_source **out);
int capture__open_image(const char *spec, const capture_options *opt, capture_source **out);
int capture__open_folder(const char *spec, const capture_options *opt, capture_source **out);
int capture__open_demo(const char *spec, const capture_options *opt, capture_source **out);

/* Reads the first bytes of the file at `path`, up to `size` (what sniffing a format needs):
 * the count read, or a negative code with the message "<path>: <reason>". */
int capture__read_head(const char *path, unsigned char *head, size_t size);

/* Calls fn(fd, request, arg) again while it fails with EINTR (a signal landed mid-call).
 * The V4L2 backend wraps v4l2_ioctl with it; tests drive it with a fake. */
typedef int (*capture_ioctl_fn)(int fd, unsigned long request, void *arg);
int capture__ioctl_retry(capture_ioctl_fn fn, int fd, unsigned long request, void *arg);

/* Device path for a spec naming a camera: "/dev/video2" as is, "2" -> "/dev/video2".
 * Returns 1 when the spec names a camera, 0 otherwise. */
int capture__device_path(const char *spec, char *buf, size_t size);
