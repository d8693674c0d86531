/* hud.c - SDL2_ttf glyphs alpha-blended into RGB24 frames. */
#include "hud.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "err.h"
#include "file.h"

#ifndef MTCAM_SOURCE_ASSETS_DIR
#define MTCAM_SOURCE_ASSETS_DIR "assets"
#endif
#define HUD_FONT_FILE "DejaVuSansMono.ttf"
#define HUD_SYSTEM_FONT "/usr/share/fonts/truetype/dejavu/" HUD_FONT_FILE

struct hud {
    TTF_Font *font;
    int size;
};

static int readable(const char *p) { return access(p, R_OK) == 0; }

int hud_font_path(char *buf, size_t size)
{
    const char *env = getenv("MTCAM_FONT");
    if (env && *env) {
        if (!readable(env))
            return mtcam_set_error(MTCNN_ENOTFOUND, "%s: cannot read the font named by "
                                   "MTCAM_FONT", env);
        snprintf(buf, size, "%s", env);
        return 0;
    }
    /* Beside an installed or built executable first, so a moved build still finds it. */
    char exe_dir[4096];
    if (mtcam_exe_dir(exe_dir, sizeof exe_dir) == 0) {
        static const char *const rel[] = {"../share/mtcam/fonts", "../assets/fonts"};
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            snprintf(buf, size, "%.*s/%s/%s", 3000, exe_dir, rel[i], HUD_FONT_FILE);
            if (readable(buf))
                return 0;
        }
    }
    snprintf(buf, size, "%s/fonts/%s", MTCAM_SOURCE_ASSETS_DIR, HUD_FONT_FILE);
    if (readable(buf))
        return 0;
    snprintf(buf, size, "%s", HUD_SYSTEM_FONT);
    if (readable(buf))
        return 0;
    return mtcam_set_error(MTCNN_ENOTFOUND,
                           "no HUD font: set MTCAM_FONT or install fonts-dejavu-core (looked for "
                           "%s in assets/fonts and %s)",
                           HUD_FONT_FILE, HUD_SYSTEM_FONT);
}

int hud_create(const char *font_path, int pixel_size, hud **out)
{
    *out = NULL;
    char path[4096];
    if (!font_path) {
        int rc = hud_font_path(path, sizeof path);
        if (rc < 0)
            return rc;
        font_path = path;
    }
    if (pixel_size < 4 || pixel_size > 500)
        return mtcam_set_error(MTCNN_EINVAL, "HUD font size %d out of range", pixel_size);
    /* TTF_Init counts its callers, so every HUD may init and quit. */
    if (TTF_Init() < 0)
        return mtcam_set_error(MTCNN_EIO, "SDL_ttf: %s", TTF_GetError());
    hud *h = calloc(1, sizeof *h);
    if (!h) {
        TTF_Quit();
        return mtcam_set_error(MTCNN_ENOMEM, "HUD: out of memory");
    }
    h->font = TTF_OpenFont(font_path, pixel_size);
    if (!h->font) {
        int rc = mtcam_set_error(MTCNN_ENOTFOUND, "%s: %s", font_path, TTF_GetError());
        free(h);
        TTF_Quit();
        return rc;
    }
    h->size = pixel_size;
    *out = h;
    return 0;
}

void hud_destroy(hud *h)
{
    if (!h)
        return;
    TTF_CloseFont(h->font);
    free(h);
    TTF_Quit();
}

int hud_set_size(hud *h, int pixel_size)
{
    if (pixel_size == h->size)
        return 0;
    if (pixel_size < 4 || pixel_size > 500)
        return mtcam_set_error(MTCNN_EINVAL, "HUD font size %d out of range", pixel_size);
    if (TTF_SetFontSize(h->font, pixel_size) < 0)
        return mtcam_set_error(MTCNN_EIO, "SDL_ttf: %s", TTF_GetError());
    h->size = pixel_size;
    return 0;
}

int hud_size(const hud *h) { return h->size; }

int hud_line_height(const hud *h)
{
    /* A rendered line can be a pixel taller than the font's line skip (rounding): never let
     * a descender touch the next line. */
    int skip = TTF_FontLineSkip(h->font), w = 0, height = 0;
    TTF_SizeUTF8(h->font, "Agjpy|", &w, &height);
    return skip > height ? skip : height;
}

int hud_text_width(hud *h, const char *text)
{
    int w = 0, hh = 0;
    if (!text || !*text || TTF_SizeUTF8(h->font, text, &w, &hh) < 0)
        return 0;
    return w;
}

int hud_draw_text(hud *h, mtcam_frame *frame, int x, int y, const char *text,
                  render_color color)
{
    if (!text || !*text)
        return 0;
    SDL_Color white = {255, 255, 255, 255};
    SDL_Surface *s = TTF_RenderUTF8_Blended(h->font, text, white);
    if (!s)
        return mtcam_set_error(MTCNN_EIO, "SDL_ttf: %s", TTF_GetError());
    /* Blended output is ARGB8888: the glyph coverage is in the alpha channel. */
    SDL_Surface *argb = s;
    if (s->format->format != SDL_PIXELFORMAT_ARGB8888) {
        argb = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
        SDL_FreeSurface(s);
        if (!argb)
            return mtcam_set_error(MTCNN_ENOMEM, "HUD: %s", SDL_GetError());
    }
    SDL_LockSurface(argb);
    for (int sy = 0; sy < argb->h; sy++) {
        int fy = y + sy;
        if (fy < 0 || fy >= frame->height)
            continue;
        const uint32_t *src = (const uint32_t *)((const uint8_t *)argb->pixels + sy * argb->pitch);
        uint8_t *dst = frame->data + (ptrdiff_t)fy * frame->stride;
        for (int sx = 0; sx < argb->w; sx++) {
            int fx = x + sx;
            if (fx < 0 || fx >= frame->width)
                continue;
            unsigned a = src[sx] >> 24;
            if (a == 0)
                continue;
            uint8_t *p = dst + 3 * fx;
            p[0] = (uint8_t)((p[0] * (255 - a) + color.r * a + 127) / 255);
            p[1] = (uint8_t)((p[1] * (255 - a) + color.g * a + 127) / 255);
            p[2] = (uint8_t)((p[2] * (255 - a) + color.b * a + 127) / 255);
        }
    }
    SDL_UnlockSurface(argb);
    int w = argb->w;
    SDL_FreeSurface(argb);
    return w;
}

void hud_darken_rect(mtcam_frame *frame, int x1, int y1, int x2, int y2, int keep)
{
    if (!render_overlay_clip_rect(frame, &x1, &y1, &x2, &y2))
        return;
    for (int y = y1; y <= y2; y++) {
        uint8_t *p = frame->data + (ptrdiff_t)y * frame->stride + 3 * x1;
        for (int i = 0; i < 3 * (x2 - x1 + 1); i++)
            p[i] = (uint8_t)((p[i] * keep) >> 8);
    }
}

int hud_draw_block(hud *h, mtcam_frame *frame, int x, int y, int right_align,
                   const char *const *lines, int n, render_color color, int *panel_w,
                   int *panel_h)
{
    int pad = h->size / 3 + 2;
    int lh = hud_line_height(h);
    int pw, ph;
    hud_block_size(h, lines, n, &pw, &ph);
    int left = right_align ? x - pw + 1 : x;
    if (n > 0)
        hud_darken_rect(frame, left, y, left + pw - 1, y + ph - 1, 90);
    for (int i = 0; i < n; i++) {
        int rc = hud_draw_text(h, frame, left + pad, y + pad + i * lh, lines[i], color);
        if (rc < 0)
            return rc;
    }
    if (panel_w)
        *panel_w = n > 0 ? pw : 0;
    if (panel_h)
        *panel_h = n > 0 ? ph : 0;
    return 0;
}

/* ---- where a panel goes ---------------------------------------------------------------- */

void hud_block_size(hud *h, const char *const *lines, int n, int *panel_w, int *panel_h)
{
    int pad = h->size / 3 + 2;
    int wmax = 0;
    for (int i = 0; i < n; i++) {
        int w = hud_text_width(h, lines[i]);
        if (w > wmax)
            wmax = w;
    }
    *panel_w = n > 0 ? wmax + 2 * pad : 0;
    *panel_h = n > 0 ? n * hud_line_height(h) + 2 * pad : 0;
}

void hud_corner_rect(int width, int height, int panel_w, int panel_h, int margin,
                     hud_corner corner, int rect[4])
{
    int right = corner == HUD_TOP_RIGHT || corner == HUD_BOTTOM_RIGHT;
    int bottom = corner == HUD_BOTTOM_LEFT || corner == HUD_BOTTOM_RIGHT;
    rect[0] = right ? width - margin - panel_w : margin;
    rect[1] = bottom ? height - margin - panel_h : margin;
    rect[2] = rect[0] + panel_w - 1;
    rect[3] = rect[1] + panel_h - 1;
}

static long long overlap_area(const int a[4], const int b[4])
{
    int x1 = a[0] > b[0] ? a[0] : b[0], y1 = a[1] > b[1] ? a[1] : b[1];
    int x2 = a[2] < b[2] ? a[2] : b[2], y2 = a[3] < b[3] ? a[3] : b[3];
    if (x2 < x1 || y2 < y1)
        return 0;
    return (long long)(x2 - x1 + 1) * (y2 - y1 + 1);
}

hud_corner hud_pick_corner(int width, int height, int panel_w, int panel_h, int margin,
                           const int (*avoid)[4], int n_avoid, hud_corner current)
{
    if ((unsigned)current >= HUD_CORNERS)
        current = HUD_TOP_LEFT;
    long long cover[HUD_CORNERS];
    for (int c = 0; c < HUD_CORNERS; c++) {
        int rect[4];
        hud_corner_rect(width, height, panel_w, panel_h, margin, (hud_corner)c, rect);
        cover[c] = 0;
        for (int i = 0; i < n_avoid; i++)
            cover[c] += overlap_area(rect, avoid[i]);
    }
    if (cover[current] == 0)
        return current; /* hides nothing where it is: moving would only distract */
    hud_corner best = current;
    for (int c = 0; c < HUD_CORNERS; c++)
        if (cover[c] < cover[best])
            best = (hud_corner)c;
    /* When every corner covers something, move only for a clear gain (an eighth of the
     * panel), so a face at the same distance from two corners does not make it flicker. */
    long long gain = cover[current] - cover[best];
    if (cover[best] > 0 && gain * 8 < (long long)panel_w * panel_h)
        return current;
    return best;
}
