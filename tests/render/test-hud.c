/* HUD text drawn with SDL2_ttf into RGB frames, checked pixel by pixel. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "hud.h"

static void fill(mtcam_frame *f, uint8_t v)
{
    for (int y = 0; y < f->height; y++)
        memset(f->data + y * f->stride, v, (size_t)f->width * 3);
}

static const uint8_t *px(const mtcam_frame *f, int x, int y)
{
    return f->data + y * f->stride + 3 * x;
}

/* Counts pixels inside/outside a rectangle whose red channel differs from `bg`. */
static void count_changed(const mtcam_frame *f, uint8_t bg, int x1, int y1, int x2, int y2,
                          int *inside, int *outside)
{
    *inside = *outside = 0;
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++) {
            const uint8_t *p = px(f, x, y);
            if (p[0] == bg && p[1] == bg && p[2] == bg)
                continue;
            if (x >= x1 && x <= x2 && y >= y1 && y <= y2)
                (*inside)++;
            else
                (*outside)++;
        }
}

static int test_font_is_found(void)
{
    char path[4096];
    CHECK_INT_EQ(hud_font_path(path, sizeof path), 0);
    CHECK_STR_CONTAINS(path, "DejaVuSansMono.ttf");
    return 0;
}

static int test_text_pixels_in_place(void)
{
    hud *h;
    CHECK_INT_EQ(hud_create(NULL, 16, &h), 0);
    mtcam_frame f = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&f, 200, 60), 0);
    fill(&f, 0);
    render_color yellow = {255, 255, 0};
    int w = hud_draw_text(h, &f, 20, 10, "HUD 123", yellow);
    CHECK_INT_EQ(w, hud_text_width(h, "HUD 123"));
    CHECK_MSG(w > 7 * 6 && w < 7 * 16, "width %d for 7 monospace glyphs at 16 px", w);
    int lh = hud_line_height(h);
    CHECK(lh >= 16 && lh <= 24);
    int inside, outside;
    count_changed(&f, 0, 20, 10, 20 + w - 1, 10 + lh - 1, &inside, &outside);
    CHECK_INT_EQ(outside, 0);
    CHECK_MSG(inside > 60, "only %d text pixels", inside);
    /* Solid glyph pixels take the colour; blue stays 0 everywhere for yellow on black. */
    int solid = 0;
    for (int y = 0; y < f.height; y++)
        for (int x = 0; x < f.width; x++) {
            const uint8_t *p = px(&f, x, y);
            CHECK_INT_EQ(p[2], 0);
            CHECK_INT_EQ(p[0], p[1]);
            solid += p[0] == 255;
        }
    CHECK_MSG(solid > 20, "only %d fully covered pixels", solid);
    /* The "H" has two vertical strokes: its left column is lit over several rows. */
    int lit_rows = 0;
    for (int y = 10; y < 10 + lh; y++) {
        int any = 0;
        for (int x = 20; x < 20 + w / 7; x++)
            any |= px(&f, x, y)[0] > 128;
        lit_rows += any;
    }
    CHECK_MSG(lit_rows >= 8, "H spans %d rows", lit_rows);
    mtcam_frame_free(&f);
    hud_destroy(h);
    return 0;
}

/* Different text, different pixels (the renderer really draws the string it is given). */
static int test_text_differs(void)
{
    hud *h;
    CHECK_INT_EQ(hud_create(NULL, 14, &h), 0);
    mtcam_frame a = {0}, b = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&a, 120, 30), 0);
    CHECK_INT_EQ(mtcam_frame_alloc(&b, 120, 30), 0);
    fill(&a, 0);
    fill(&b, 0);
    render_color white = {255, 255, 255};
    hud_draw_text(h, &a, 2, 2, "t1 0.60", white);
    hud_draw_text(h, &b, 2, 2, "t1 0.65", white);
    int diff_left = 0, diff_right = 0, cw = hud_text_width(h, "t");
    for (int y = 0; y < 30; y++)
        for (int x = 0; x < 120; x++) {
            int d = px(&a, x, y)[0] != px(&b, x, y)[0];
            if (x < 2 + 5 * cw)
                diff_left += d;
            else
                diff_right += d;
        }
    CHECK_INT_EQ(diff_left, 0);      /* "t1 0." is the same */
    CHECK_MSG(diff_right > 5, "%d differing pixels in the last two glyphs", diff_right);
    mtcam_frame_free(&a);
    mtcam_frame_free(&b);
    hud_destroy(h);
    return 0;
}

static int test_block_panel(void)
{
    hud *h;
    CHECK_INT_EQ(hud_create(NULL, 12, &h), 0);
    mtcam_frame f = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&f, 320, 120), 0);
    fill(&f, 200);
    const char *lines[] = {"capture 30.0 fps", NULL, "detect 12.5 fps"};
    int pw = 0, ph = 0;
    render_color white = {255, 255, 255};
    /* Right-aligned: the panel's right edge is column 309. */
    CHECK_INT_EQ(hud_draw_block(h, &f, 309, 5, 1, lines, 3, white, &pw, &ph), 0);
    CHECK(pw > hud_text_width(h, lines[0]));
    CHECK_INT_EQ(ph, 3 * hud_line_height(h) + 2 * (12 / 3 + 2));
    int left = 309 - pw + 1;
    /* Corners of the panel are darkened (200 * 90 / 256 = 70), just outside untouched. */
    CHECK_INT_EQ(px(&f, left, 5)[0], 70);
    CHECK_INT_EQ(px(&f, 309, 5 + ph - 1)[1], 70);
    CHECK_INT_EQ(px(&f, left - 1, 5)[0], 200);
    CHECK_INT_EQ(px(&f, 310, 5)[0], 200);
    CHECK_INT_EQ(px(&f, left, 5 + ph)[0], 200);
    CHECK_INT_EQ(px(&f, left, 4)[0], 200);
    /* Text pixels (brighter than the panel) in rows 1 and 3, none in the blank row 2. */
    int lh = hud_line_height(h), pad = 12 / 3 + 2;
    int rows[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++)
        for (int y = 5 + pad + i * lh; y < 5 + pad + (i + 1) * lh; y++)
            for (int x = left; x <= 309; x++)
                rows[i] += px(&f, x, y)[0] > 150;
    CHECK(rows[0] > 30);
    CHECK_INT_EQ(rows[1], 0);
    CHECK(rows[2] > 30);
    mtcam_frame_free(&f);
    hud_destroy(h);
    return 0;
}

/* Relative luminance (WCAG 2.x) of an sRGB grey level. */
static double luminance(int v)
{
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

/* On a white frame (a bright window behind the user, an overexposed camera) the panel is a
 * dark translucent backing under white text: the backing is dark, the picture still shows
 * through it, and backing and text differ by at least WCAG's 4.5:1 contrast for text. */
static int test_readable_on_white(void)
{
    hud *h;
    CHECK_INT_EQ(hud_create(NULL, 14, &h), 0);
    mtcam_frame f = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&f, 400, 100), 0);
    fill(&f, 255);
    const char *lines[] = {"capture  30.0 fps  detect  12.5 fps", "min face 20 px"};
    render_color white = {255, 255, 255};
    int pw = 0, ph = 0;
    CHECK_INT_EQ(hud_draw_block(h, &f, 7, 7, 0, lines, 2, white, &pw, &ph), 0);
    /* The backing: the panel's darkest level (its corners hold no text). */
    int back = px(&f, 7, 7)[0];
    CHECK_MSG(back > 0 && back < 128, "backing level %d on white", back);
    int text = 0;
    for (int y = 7; y < 7 + ph; y++)
        for (int x = 7; x < 7 + pw; x++)
            text = px(&f, x, y)[0] > text ? px(&f, x, y)[0] : text;
    double contrast = (luminance(text) + 0.05) / (luminance(back) + 0.05);
    CHECK_MSG(contrast >= 4.5, "text %d on backing %d: contrast %.2f:1", text, back, contrast);
    mtcam_frame_free(&f);
    hud_destroy(h);
    return 0;
}

/* Corners: placement rectangles, the least-covering choice, and staying put. */
static int test_corner_choice(void)
{
    int r[4];
    hud_corner_rect(640, 480, 300, 100, 7, HUD_TOP_LEFT, r);
    CHECK(r[0] == 7 && r[1] == 7 && r[2] == 306 && r[3] == 106);
    hud_corner_rect(640, 480, 300, 100, 7, HUD_BOTTOM_RIGHT, r);
    CHECK(r[0] == 333 && r[1] == 373 && r[2] == 632 && r[3] == 472);
    /* A face in the top left: the panel leaves for the top right, the next free corner. */
    int face_tl[1][4] = {{20, 19, 169, 179}};
    CHECK_INT_EQ(hud_pick_corner(640, 480, 300, 100, 7, face_tl, 1, HUD_TOP_LEFT),
                 HUD_TOP_RIGHT);
    /* Nothing to avoid, or nothing under it: it stays where it is. */
    CHECK_INT_EQ(hud_pick_corner(640, 480, 300, 100, 7, NULL, 0, HUD_BOTTOM_LEFT),
                 HUD_BOTTOM_LEFT);
    CHECK_INT_EQ(hud_pick_corner(640, 480, 300, 100, 7, face_tl, 1, HUD_BOTTOM_RIGHT),
                 HUD_BOTTOM_RIGHT);
    /* Faces in all four corners: the corner that covers least, by area. */
    int four[4][4] = {{0, 0, 99, 99}, {600, 0, 639, 39}, {0, 400, 99, 479}, {540, 380, 639, 479}};
    CHECK_INT_EQ(hud_pick_corner(640, 480, 300, 100, 7, four, 4, HUD_TOP_LEFT), HUD_TOP_RIGHT);
    /* Faces in both top corners: a free bottom corner, the first in order. */
    int two[2][4] = {{0, 0, 99, 99}, {540, 0, 639, 97}};
    CHECK_INT_EQ(hud_pick_corner(640, 480, 300, 100, 7, two, 2, HUD_TOP_LEFT), HUD_BOTTOM_LEFT);
    /* Every corner covers about the same: no move for a gain under an eighth of the panel, so
     * jittering boxes do not make it jump between corners. */
    int all4[4][4] = {{0, 0, 99, 99}, {540, 0, 639, 97}, {0, 380, 99, 479}, {540, 380, 639, 479}};
    CHECK_INT_EQ(hud_pick_corner(640, 480, 300, 100, 7, all4, 4, HUD_TOP_LEFT), HUD_TOP_LEFT);
    /* An out-of-range current corner is taken as the top left. */
    CHECK_INT_EQ(hud_pick_corner(640, 480, 300, 100, 7, NULL, 0, (hud_corner)9), HUD_TOP_LEFT);
    return 0;
}

/* Text partly or wholly outside the frame is clipped (ASan watches the writes). */
static int test_clipping(void)
{
    hud *h;
    CHECK_INT_EQ(hud_create(NULL, 20, &h), 0);
    mtcam_frame f = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&f, 40, 16), 0);
    fill(&f, 0);
    render_color white = {255, 255, 255};
    CHECK(hud_draw_text(h, &f, -15, -8, "clipped text", white) > 0);
    CHECK(hud_draw_text(h, &f, 30, 10, "clipped text", white) > 0);
    CHECK(hud_draw_text(h, &f, 1000, 1000, "outside", white) > 0);
    const char *lines[] = {"a long line that does not fit"};
    CHECK_INT_EQ(hud_draw_block(h, &f, -5, -5, 0, lines, 1, white, NULL, NULL), 0);
    CHECK_INT_EQ(hud_draw_text(h, &f, 0, 0, "", white), 0);
    mtcam_frame_free(&f);
    hud_destroy(h);
    return 0;
}

static int test_resize_and_errors(void)
{
    hud *h = NULL;
    CHECK_INT_EQ(hud_create("/nonexistent/font.ttf", 12, &h), MTCNN_ENOTFOUND);
    CHECK(h == NULL);
    CHECK_STR_CONTAINS(mtcam_last_error(), "/nonexistent/font.ttf");
    CHECK_INT_EQ(hud_create(NULL, 0, &h), MTCNN_EINVAL);
    CHECK_INT_EQ(hud_create(NULL, 12, &h), 0);
    int w12 = hud_text_width(h, "0123456789");
    CHECK_INT_EQ(hud_set_size(h, 24), 0);
    CHECK_INT_EQ(hud_size(h), 24);
    int w24 = hud_text_width(h, "0123456789");
    CHECK_MSG(w24 > w12 * 3 / 2, "12 px: %d, 24 px: %d", w12, w24);
    hud_destroy(h);
    setenv("MTCAM_FONT", "/nonexistent/env-font.ttf", 1);
    char path[256];
    CHECK_INT_EQ(hud_font_path(path, sizeof path), MTCNN_ENOTFOUND);
    CHECK_STR_CONTAINS(mtcam_last_error(), "MTCAM_FONT");
    unsetenv("MTCAM_FONT");
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"font_is_found", test_font_is_found},
        {"text_pixels_in_place", test_text_pixels_in_place},
        {"text_differs", test_text_differs},
        {"block_panel", test_block_panel},
        {"clipping", test_clipping},
        {"resize_and_errors", test_resize_and_errors},
        {"readable_on_white", test_readable_on_white},
        {"corner_choice", test_corner_choice},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
