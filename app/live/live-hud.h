/* live-hud.h - what mtcam draws into each frame: the detections (render/overlay.h), the HUD
 * lines and the help panel (render/hud.h). Text is composed by a pure function so tests can
 * check it; drawing happens into a copy of the captured frame, which is what the window shows
 * and what snapshots and recordings store. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hud.h"
#include "keys.h"
#include "live-detect.h"
#include "overlay.h"

typedef struct live_hud_info {
    const live_view *view;
    const live_result *result; /* may have count 0 (no detection yet) */
    double capture_fps;
    uint64_t shown_seq;          /* the frame shown */
    int64_t shown_timestamp_ns;
    uint64_t capture_dropped;    /* frames the capture thread dropped */
    const char *capture_status;  /* a capture problem to show, or NULL/"" */
    int recording;               /* a recording is on */
    double rec_elapsed_s;
    int64_t rec_bytes, rec_frames, rec_dropped;
    const char *rec_error;       /* why the last recording stopped, or NULL/"" */
    const char *message;         /* a short-lived note ("saved mtcam-....png"), or NULL */
    const char *vcam_line;       /* the virtual camera's line, or NULL/"" when it is off */
    hud_corner *corner;          /* in/out: the HUD panel's corner, kept from frame to frame
                                    (moved only off faces); NULL: top left, always */
} live_hud_info;

enum { LIVE_HUD_MAX_LINES = 12, LIVE_HUD_LINE = 160 };

/* Fills lines[] with the HUD text; returns the number of lines. */
int live_hud_lines(const live_hud_info *info, char lines[][LIVE_HUD_LINE], int max);

/* The font size for a frame of this size: readable at 640x480 and still small at 1080p. */
int live_hud_font_size(int width, int height);

/* Draws detections, HUD and (when view->help) the help panel into `frame`. `h` may be NULL
 * (then the HUD text is left out, the overlay is still drawn). The HUD panel goes to the
 * corner where it covers no face's box, landmarks or label (hud_pick_corner, starting from
 * *info->corner), nor the REC mark while recording. */
void live_hud_draw(mtcam_frame *frame, hud *h, const live_hud_info *info);
