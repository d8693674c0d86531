/* vcam.h - the virtual camera: frames written to a V4L2 output device on a thread of its own.
 *
 * vcam_push copies the frame (with the crop to send, for the framed view) into a bounded queue
 * and returns at once, like the recorder: a slow or stalled device never slows the render loop;
 * a full queue drops the frame and counts it. The thread crops and scales to the device's size,
 * converts to its format (vcam-device.h) and writes.
 *
 * The first open happens in vcam_start, so a wrong device or format is the caller's error to
 * report. Afterwards a device that fails or goes away (module unloaded, ENODEV) is closed and
 * reopened with backoff (0.25 s doubling to 4 s by default) until it works again or the
 * virtual camera is stopped; meanwhile frames are dropped. A device that refuses the frames
 * themselves (MTCNN_EUNSUPPORTED) is given up (VCAM_FAILED). `events` in the status counts these
 * changes (gone, back), so the caller reports each once. */
#pragma once

#include <stdint.h>

#include "frame.h"
#include "framing.h"
#include "vcam-device.h"

typedef struct vcam vcam;

/* Where frames go: the V4L2 device of vcam-device.h unless a test puts a sink of its own here
 * (to check the queue, the drops and the reopening without a device). `dev` is what open
 * gave. */
typedef struct vcam_sink {
    int (*open)(void *user, const char *path, const vcam_device_options *opt, void **dev);
    int (*write)(void *dev, const mtcam_frame *rgb, int timeout_ms); /* as vcam_device_write */
    void (*size)(void *dev, int *width, int *height);
    const char *(*describe)(void *dev);
    void (*close)(void *dev);
    void *user;
} vcam_sink;

typedef struct vcam_options {
    vcam_device_options device;
    const vcam_sink *sink; /* NULL: the V4L2 device */
    int queue_frames;   /* 0 = 3 */
    int backoff_min_ms; /* 0 = 250 */
    int backoff_max_ms; /* 0 = 4000 */
} vcam_options;

typedef enum vcam_state {
    VCAM_RUNNING = 0, /* the device is open and taking frames */
    VCAM_RETRYING,    /* it failed or went away: reopening with backoff */
    VCAM_FAILED,      /* it refuses what is sent (reopening would not help): off for good */
    VCAM_STOPPED,
} vcam_state;

typedef struct vcam_status {
    vcam_state state;
    int64_t frames_written; /* frames the device took */
    int64_t frames_dropped; /* no room in the queue or the device, or no device */
    int64_t reopens;        /* successful reopenings */
    uint64_t events;        /* +1 at each failure and each reopening */
    int width, height;      /* the device's current size */
    char status[512];       /* the device's description, or the failure and what is tried */
} vcam_status;

int vcam_start(const char *path, const vcam_options *opt, vcam **out);
/* Queues a copy of `f`; `crop` (camera pixels) is the part to send scaled to the output's size,
 * NULL for the whole frame letterboxed into it. Returns 1 when queued, 0 when dropped. */
int vcam_push(vcam *v, const mtcam_frame *f, const framing_rect *crop);
void vcam_get_status(vcam *v, vcam_status *st);
/* Writes what is still queued (when the device works), closes it, joins the thread, frees.
 * Accepts NULL. */
void vcam_stop(vcam *v, vcam_status *final);
