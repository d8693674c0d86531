/* hud.h - text drawn with SDL2_ttf into the RGB frame itself, on the CPU, so the window, the
 * snapshots and the recordings all show the same pixels (and tests can read them back).
 * A text block is a column of lines on a darkened panel, readable on any background. */
#pragma once

#include <stddef.h>

#include "frame.h"
#include "overlay.h"

typedef struct hud hud;

/* The font file used when none is given: $MTCAM_FONT, else assets/fonts/DejaVuSansMono.ttf
 * beside the executable (../share/mtcam/fonts, ../assets/fonts) or in the source tree, else the
 * system's DejaVu Sans Mono. Returns 0 or MTCNN_ENOTFOUND naming what was tried. */
int hud_font_path(char *buf, size_t size);

/* Opens `font_path` (NULL: hud_font_path) at `pixel_size` pixels (the font's point size at
 * 72 dpi, roughly the height of a line). */
int hud_create(const char *font_path, int pixel_size, hud **out);
void hud_destroy(hud *h);
/* Changes the size (e.g. to follow the frame size); a no-op when unchanged. */
int hud_set_size(hud *h, int pixel_size);
int hud_size(const hud *h);

/* Height of one line, and width of `text`, in pixels. */
int hud_line_height(const hud *h);
int hud_text_width(hud *h, const char *text);

/* Alpha-blends `text` (UTF-8) in `color` with its top-left corner at (x, y), clipped to the
 * frame. Returns the width drawn (0 for ""), or a negative code. */
int hud_draw_text(hud *h, mtcam_frame *frame, int x, int y, const char *text,
                  render_color color);

/* Draws `n` lines on a darkened panel with a `pad`-pixel margin. The panel's top-left corner is
 * at (x, y); with right_align, x is the panel's RIGHT edge instead. NULL or "" lines leave a
 * blank line. Writes the panel's rectangle to *panel_w and *panel_h when not NULL. */
int hud_draw_block(hud *h, mtcam_frame *frame, int x, int y, int right_align,
                   const char *const *lines, int n, render_color color, int *panel_w,
                   int *panel_h);

/* Darkens the inclusive rectangle (clipped): every channel becomes channel * keep / 256. */
void hud_darken_rect(mtcam_frame *frame, int x1, int y1, int x2, int y2, int keep);

/* The size hud_draw_block gives the panel of these lines (0 x 0 for none). */
void hud_block_size(hud *h, const char *const *lines, int n, int *panel_w, int *panel_h);

/* ---- where a panel goes, so it hides no face ------------------------------------------- */

typedef enum hud_corner {
    HUD_TOP_LEFT,
    HUD_TOP_RIGHT,
    HUD_BOTTOM_LEFT,
    HUD_BOTTOM_RIGHT,
    HUD_CORNERS
} hud_corner;

/* The inclusive rectangle {x1, y1, x2, y2} of a panel_w x panel_h panel in `corner` of a
 * width x height frame, `margin` pixels in from both edges. */
void hud_corner_rect(int width, int height, int panel_w, int panel_h, int margin,
                     hud_corner corner, int rect[4]);

/* The corner where the panel covers the least of the `n_avoid` inclusive rectangles (summed
 * overlap area; a face's box and label, say). Stable from frame to frame: `current` is kept
 * while it covers nothing, and, when every corner covers something, left only for one that
 * covers an eighth of the panel less. Ties go to the first corner in the enum's order. */
hud_corner hud_pick_corner(int width, int height, int panel_w, int panel_h, int margin,
                           const int (*avoid)[4], int n_avoid, hud_corner current);
