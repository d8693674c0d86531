/* overlay.h - detections drawn on the CPU into an RGB24 frame: face boxes, the five
 * landmarks, the score as text, and optionally the candidate boxes of earlier stages.
 * No SDL: the same pixels go to the window, to snapshots and to recordings, and tests check
 * them one by one.
 *
 * Geometry (coordinates are 0-based, as in mtcnn.h): a box [x1,y1,x2,y2] is drawn as an
 * outline whose OUTER edge is the pixel rectangle round(x1)..round(x2) x round(y1)..round(y2);
 * a line of thickness t grows inwards (columns round(x1) .. round(x1)+t-1 for the left side).
 * Everything is clipped to the frame; boxes partly or wholly outside, huge or NaN are safe.
 */
#pragma once

#include <stdint.h>

#include "frame.h"
#include "mtcnn.h"

typedef struct render_color {
    uint8_t r, g, b;
} render_color;

typedef struct render_overlay_style {
    render_color box;           /* final face boxes and their score labels */
    render_color text;          /* score text, drawn on a label filled with the box colour */
    render_color candidates[3]; /* boxes that left stage 1, 2, 3 (dimmer than `box`) */
    render_color landmarks[5];  /* left eye, right eye, nose, left mouth, right mouth */
    int thickness;              /* box line width in pixels; 0 = from the frame size */
    int landmark_radius;        /* disc radius in pixels; 0 = from the thickness */
    int text_scale;             /* each font pixel becomes scale x scale; 0 = from frame size */
    int show_landmarks, show_scores, show_candidates;
} render_overlay_style;

/* Green boxes, black-on-green scores, five distinct landmark colours, dim blue/orange/grey
 * candidates; sizes from the frame; landmarks and scores on, candidates off. */
void render_overlay_style_default(render_overlay_style *style);

/* The sizes the style gives on a width x height frame (its own value when non-zero). The
 * automatic choices: thickness max(2, min(w,h)/240), radius thickness+1, text scale
 * max(1, min(w,h)/360), so 640x480 gets 2 px lines and 1x text, 1920x1080 4 px and 3x. */
int render_overlay_thickness(const render_overlay_style *style, int width, int height);
int render_overlay_landmark_radius(const render_overlay_style *style, int width, int height);
int render_overlay_text_scale(const render_overlay_style *style, int width, int height);

/* Final faces: boxes, then landmark discs (when shown and has_landmarks), then score labels
 * (when shown; "#id score" for a tracked face, id > 0) just above each box, or inside below
 * its top edge at the frame's top. */
void render_overlay_draw_faces(mtcam_frame *frame, const mtcnn_face *faces, int count,
                               const render_overlay_style *style);
/* The inclusive rectangle {x1, y1, x2, y2} of what render_overlay_draw_faces draws for `face`
 * on this frame: box, landmark discs and score label, as the style shows them (not clipped to
 * the frame). Returns 0, with nothing written, when the face draws nothing (NaN box). For the
 * HUD, to keep its panel off faces. */
int render_overlay_face_extent(const mtcam_frame *frame, const mtcnn_face *face,
                               const render_overlay_style *style, int rect[4]);
/* Candidate boxes that left `stage` (1..3), in candidates[stage-1] at half the thickness.
 * Drawn only when style->show_candidates; draw them before the faces so faces stay on top. */
void render_overlay_draw_candidates(mtcam_frame *frame, int stage, const mtcnn_face *boxes,
                                    int count, const render_overlay_style *style);

/* ---- primitives (also used by the HUD and tests) ---------------------------------------- */

/* Clips the inclusive pixel rectangle x1..x2 x y1..y2 to the frame, in place; returns 0 when
 * nothing of it is left. */
int render_overlay_clip_rect(const mtcam_frame *frame, int *x1, int *y1, int *x2, int *y2);
/* Fills the inclusive pixel rectangle x1..x2 x y1..y2, clipped to the frame. */
void render_overlay_fill_rect(mtcam_frame *frame, int x1, int y1, int x2, int y2,
                              render_color color);
/* The box outline described at the top of this file. */
void render_overlay_box(mtcam_frame *frame, const float box[4], int thickness,
                        render_color color);
/* A filled disc: every pixel (x, y) with (x-X)^2 + (y-Y)^2 <= radius^2, X = round(cx),
 * Y = round(cy). */
void render_overlay_disc(mtcam_frame *frame, float cx, float cy, int radius,
                         render_color color);
/* Text in the built-in 5x7 font (font.h), top-left corner at (x, y); only the glyphs' set
 * pixels are written. Returns the width drawn, as render_overlay_text_width. */
int render_overlay_text(mtcam_frame *frame, int x, int y, const char *text, int scale,
                        render_color color);
/* Pixels from the first glyph column to the last: (6 * strlen - 1) * scale (0 for ""). The
 * height of a line is 7 * scale. */
int render_overlay_text_width(const char *text, int scale);
