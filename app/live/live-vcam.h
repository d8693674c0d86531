/* live-vcam.h - mtcam's virtual camera: each frame of the live app, as one of three views, to
 * a V4L2 output device on the output thread of render/vcam.h.
 *   annotated  what the window shows (overlay and HUD)
 *   clean      the camera picture untouched
 *   framed     a crop of the camera picture that keeps the faces framed (render/framing.h)
 * The render loop calls live_vcam_push once per new frame; it never waits for the device. */
#pragma once

#include <stddef.h>

#include "frame.h"
#include "live-detect.h"
#include "vcam.h"

typedef enum live_vcam_view {
    LIVE_VCAM_ANNOTATED = 0,
    LIVE_VCAM_CLEAN,
    LIVE_VCAM_FRAMED,
    LIVE_VCAM_VIEWS
} live_vcam_view;

typedef struct live_vcam_config {
    const char *path;     /* --output /dev/videoN (NULL: no virtual camera) */
    vcam_format format;   /* --output-format (default yuyv) */
    int width, height;    /* --output-size (0: the camera's size) */
    live_vcam_view view;  /* --output-view (default annotated) */
    float max_zoom;       /* --output-max-zoom (0: framing's default) */
    float speed;          /* --output-speed, picture heights per second (0: default) */
    const vcam_sink *sink; /* tests: frames go here instead of the device (NULL: the device) */
} live_vcam_config;

/* "annotated", "clean", "framed" -> the view; -1 otherwise. */
int live_vcam_view_parse(const char *name);
const char *live_vcam_view_name(live_vcam_view v);

typedef struct live_vcam live_vcam;

/* Opens the device for frames of src_w x src_h at `fps`. Errors (not an output device, a
 * format it does not take, ...) are returned with the message in mtcam_last_error. */
int live_vcam_start(const live_vcam_config *cfg, int src_w, int src_h, double fps,
                    live_vcam **out);
/* Sends this frame as `view`: `clean` is the camera frame, `annotated` what the window shows,
 * `r` the newest detections (their boxes feed the framing). */
void live_vcam_push(live_vcam *lv, live_vcam_view view, const mtcam_frame *clean,
                    const mtcam_frame *annotated, const live_result *r);
/* What was opened and how, e.g. "/dev/video10 'Dummy video device (0x0000)': 1280x720 YUYV, mmap
 * streaming; framed view". */
void live_vcam_describe(live_vcam *lv, live_vcam_view view, char *buf, size_t size);
/* The HUD line: device, size, format, view, frames, or the device's trouble. */
void live_vcam_hud_line(live_vcam *lv, live_vcam_view view, char *buf, size_t size);
/* A line to print once when the device went away or came back since the last call, else
 * NULL. */
const char *live_vcam_event(live_vcam *lv);
/* Stops the thread, closes the device; prints nothing. Accepts NULL. */
void live_vcam_stop(live_vcam *lv, long long *written, long long *dropped);
