/* keys.c - key bindings (habits of ffplay, mpv and guvcview: q/Esc quit, Space pause,
 * f fullscreen, s snapshot, r record). */
#include "keys.h"

#include <math.h>

#include "window.h"

const char *const live_keys_help[] = {
    "q / Esc     quit",
    "Space       pause / resume",
    "f           fullscreen on / off",
    "h           this help",
    "s           snapshot (PNG of what you see)",
    "a           save the faces' aligned crops (PNG)",
    "r           start / stop recording (MJPEG AVI)",
    "1 / 2 / 3   run up to P-Net / R-Net / O-Net",
    "Tab         select the stage whose threshold",
    "Up / Down     ... goes up / down by 0.05",
    "- / +       smaller / larger minimum face",
    "l           landmarks on / off",
    "c           earlier stages' candidates on / off",
    "v           virtual camera: annotated / clean / framed",
    "t           tracking on / off (ids, smoothing)",
    NULL,
};

void live_view_default(live_view *v)
{
    *v = (live_view){
        .landmarks = 1,
        .stages = 3,
        .thresholds = {0.6f, 0.7f, 0.7f},
        .min_face = 20.0f,
        .tracking = 1,
    };
}

/* Thresholds move on a grid of hundredths so repeated steps do not drift (0.6 + 8 x 0.05 is
 * exactly 1.0 on screen, not 0.99999). */
static float step_threshold(float t, int dir)
{
    float v = roundf((t + dir * LIVE_THRESHOLD_STEP) * 100.0f) / 100.0f;
    if (v < LIVE_THRESHOLD_MIN)
        v = LIVE_THRESHOLD_MIN;
    if (v > LIVE_THRESHOLD_MAX)
        v = LIVE_THRESHOLD_MAX;
    return v;
}

/* x1.25 per step, whole pixels; going down retraces the same sizes (20, 25, 31, 39 ...). */
static float step_min_face(float m, int dir)
{
    float v = dir > 0 ? roundf(m * LIVE_MIN_FACE_FACTOR) : roundf(m / LIVE_MIN_FACE_FACTOR);
    if (v < LIVE_MIN_FACE_LOW)
        v = LIVE_MIN_FACE_LOW;
    if (v > LIVE_MIN_FACE_HIGH)
        v = LIVE_MIN_FACE_HIGH;
    return v;
}

live_action live_keys_apply(const live_view *in, int key, live_view *out)
{
    live_view v = *in;
    live_action action = LIVE_ACTION_NONE;
    switch (key) {
    case 'q':
    case WINDOW_KEY_ESCAPE:
    case WINDOW_KEY_CTRL_C:
        action = LIVE_ACTION_QUIT;
        break;
    case ' ':
        v.paused = !v.paused;
        break;
    case 'f':
        v.fullscreen = !v.fullscreen;
        action = LIVE_ACTION_FULLSCREEN;
        break;
    case 'v':
        v.vcam_view = (v.vcam_view + 1) % LIVE_VCAM_VIEW_COUNT;
        action = LIVE_ACTION_VCAM_VIEW;
        break;
    case 'h':
    case '?':
        v.help = !v.help;
        break;
    case 's':
        action = LIVE_ACTION_SNAPSHOT;
        break;
    case 'a':
        action = LIVE_ACTION_CROPS;
        break;
    case 'r':
        action = LIVE_ACTION_RECORD;
        break;
    case '1':
    case '2':
    case '3':
        v.stages = key - '0';
        action = LIVE_ACTION_DETECT;
        break;
    case WINDOW_KEY_TAB:
        v.selected = (v.selected + 1) % 3;
        break;
    case WINDOW_KEY_BACKTAB:
        v.selected = (v.selected + 2) % 3;
        break;
    case WINDOW_KEY_UP:
    case WINDOW_KEY_DOWN:
        v.thresholds[v.selected] =
            step_threshold(v.thresholds[v.selected], key == WINDOW_KEY_UP ? 1 : -1);
        action = LIVE_ACTION_DETECT;
        break;
    case '+':
    case '-':
        v.min_face = step_min_face(v.min_face, key == '+' ? 1 : -1);
        action = LIVE_ACTION_DETECT;
        break;
    case 'l':
        v.landmarks = !v.landmarks;
        break;
    case 'c':
        v.candidates = !v.candidates;
        break;
    case 't':
        v.tracking = !v.tracking;
        action = LIVE_ACTION_DETECT;
        break;
    default:
        break;
    }
    *out = v;
    return action;
}
