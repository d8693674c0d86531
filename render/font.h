/* font.h - a built-in 5x7 bitmap font for printable ASCII, so the overlay can write scores
 * without SDL_ttf and tests can check text pixel by pixel. */
#pragma once

#define RENDER_FONT_WIDTH 5   /* glyph columns */
#define RENDER_FONT_HEIGHT 7  /* glyph rows */
#define RENDER_FONT_ADVANCE 6 /* columns from one character to the next (1 blank) */

/* Non-zero when pixel (x, y) of character `c` is set (0 <= x < 5, 0 <= y < 7; outside: 0).
 * Characters outside ' '..'~' are drawn as '?'. */
int render_font_pixel(char c, int x, int y);
