/* window.c - SDL2 window, renderer and one streaming RGB24 texture. */
#include "window.h"

#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "err.h"

struct render_window {
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    int tex_w, tex_h;
    int rect[4]; /* where the last frame was drawn */
    int vsync;
    int refresh_hz;
    int fullscreen;
    int have_frame;
};

int window_create(const char *title, int width, int height, int fullscreen,
                  render_window **out)
{
    *out = NULL;
    if (width <= 0 || height <= 0)
        return mtcam_set_error(MTCNN_EINVAL, "window: bad size %dx%d", width, height);
    /* Sub-systems are counted: every window inits and quits video. */
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) < 0)
        return mtcam_set_error(MTCNN_ENODEV, "cannot open a window: %s", SDL_GetError());
    render_window *w = calloc(1, sizeof *w);
    if (!w) {
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return mtcam_set_error(MTCNN_ENOMEM, "window: out of memory");
    }
    /* Smooth scaling of camera pictures; the HUD is in the frame, so it scales with it. */
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    /* Keep the screen saver off while watching the camera. */
    SDL_DisableScreenSaver();

    int ww = width, wh = height;
    SDL_Rect usable;
    if (SDL_GetDisplayUsableBounds(0, &usable) == 0 && usable.w > 0 && usable.h > 0) {
        /* Shrink (never grow) to 90% of the screen, keeping the aspect. */
        double s = 1.0, sx = 0.9 * usable.w / ww, sy = 0.9 * usable.h / wh;
        if (sx < s)
            s = sx;
        if (sy < s)
            s = sy;
        ww = (int)(ww * s);
        wh = (int)(wh * s);
        if (ww < 1)
            ww = 1;
        if (wh < 1)
            wh = 1;
    }
    Uint32 flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    if (fullscreen)
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    w->win = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, ww, wh,
                              flags);
    if (!w->win)
        goto fail;
    w->fullscreen = fullscreen != 0;
    w->ren = SDL_CreateRenderer(w->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (!w->ren)
        w->ren = SDL_CreateRenderer(w->win, -1, SDL_RENDERER_SOFTWARE);
    if (!w->ren)
        goto fail;
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(w->ren, &info) == 0)
        w->vsync = (info.flags & SDL_RENDERER_PRESENTVSYNC) != 0;
    SDL_DisplayMode mode;
    w->refresh_hz = 60;
    if (SDL_GetCurrentDisplayMode(0, &mode) == 0 && mode.refresh_rate > 0)
        w->refresh_hz = mode.refresh_rate;
    if (fullscreen)
        SDL_ShowCursor(SDL_DISABLE);
    *out = w;
    return 0;
fail:;
    int rc = mtcam_set_error(MTCNN_ENODEV, "cannot open a window: %s", SDL_GetError());
    window_destroy(w);
    return rc;
}

void window_destroy(render_window *w)
{
    if (!w)
        return;
    if (w->tex)
        SDL_DestroyTexture(w->tex);
    if (w->ren)
        SDL_DestroyRenderer(w->ren);
    if (w->win)
        SDL_DestroyWindow(w->win);
    SDL_ShowCursor(SDL_ENABLE);
    free(w);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

void window_output_size(render_window *w, int *width, int *height)
{
    /* The renderer's output is in real pixels, larger than window units on HiDPI screens. */
    if (SDL_GetRendererOutputSize(w->ren, width, height) < 0)
        SDL_GetWindowSize(w->win, width, height);
}

/* Largest rectangle with the frame's aspect that fits the output, centred. */
static void fit(int fw, int fh, int ow, int oh, int rect[4])
{
    int dw = ow, dh = (int)((long long)ow * fh / fw);
    if (dh > oh) {
        dh = oh;
        dw = (int)((long long)oh * fw / fh);
    }
    rect[0] = (ow - dw) / 2;
    rect[1] = (oh - dh) / 2;
    rect[2] = dw;
    rect[3] = dh;
}

static int draw(render_window *w)
{
    int ow, oh;
    window_output_size(w, &ow, &oh);
    SDL_SetRenderDrawColor(w->ren, 0, 0, 0, 255);
    if (SDL_RenderClear(w->ren) < 0)
        return mtcam_set_error(MTCNN_EIO, "window: %s", SDL_GetError());
    if (!w->have_frame)
        return 0;
    fit(w->tex_w, w->tex_h, ow, oh, w->rect);
    SDL_Rect dst = {w->rect[0], w->rect[1], w->rect[2], w->rect[3]};
    if (SDL_RenderCopy(w->ren, w->tex, NULL, &dst) < 0)
        return mtcam_set_error(MTCNN_EIO, "window: %s", SDL_GetError());
    return 0;
}

int window_present(render_window *w, const mtcam_frame *f)
{
    if (!w->tex || w->tex_w != f->width || w->tex_h != f->height) {
        if (w->tex)
            SDL_DestroyTexture(w->tex);
        w->tex = SDL_CreateTexture(w->ren, SDL_PIXELFORMAT_RGB24, SDL_TEXTUREACCESS_STREAMING,
                                   f->width, f->height);
        if (!w->tex)
            return mtcam_set_error(MTCNN_ENOMEM, "window: texture %dx%d: %s", f->width,
                                   f->height, SDL_GetError());
        w->tex_w = f->width;
        w->tex_h = f->height;
    }
    if (SDL_UpdateTexture(w->tex, NULL, f->data, (int)f->stride) < 0)
        return mtcam_set_error(MTCNN_EIO, "window: %s", SDL_GetError());
    w->have_frame = 1;
    int rc = draw(w);
    if (rc < 0)
        return rc;
    SDL_RenderPresent(w->ren);
    return 0;
}

int window_read_output(render_window *w, mtcam_frame *out)
{
    int rc = draw(w);
    if (rc < 0)
        return rc;
    int ow, oh;
    window_output_size(w, &ow, &oh);
    if (!out->data || out->width != ow || out->height != oh) {
        mtcam_frame_free(out);
        if ((rc = mtcam_frame_alloc(out, ow, oh)) < 0)
            return rc;
    }
    /* Read before presenting: the back buffer is what we just drew. */
    if (SDL_RenderReadPixels(w->ren, NULL, SDL_PIXELFORMAT_RGB24, out->data, (int)out->stride) <
        0)
        return mtcam_set_error(MTCNN_EIO, "window: reading pixels: %s", SDL_GetError());
    SDL_RenderPresent(w->ren);
    return 0;
}

void window_frame_rect(const render_window *w, int rect[4]) { memcpy(rect, w->rect, sizeof w->rect); }

static int map_key(const SDL_KeyboardEvent *k)
{
    SDL_Keycode sym = k->keysym.sym;
    SDL_Keymod mod = k->keysym.mod;
    switch (sym) {
    case SDLK_TAB:
        return (mod & KMOD_SHIFT) ? WINDOW_KEY_BACKTAB : WINDOW_KEY_TAB;
    case SDLK_ESCAPE:
        return WINDOW_KEY_ESCAPE;
    case SDLK_UP:
        return WINDOW_KEY_UP;
    case SDLK_DOWN:
        return WINDOW_KEY_DOWN;
    case SDLK_LEFT:
        return WINDOW_KEY_LEFT;
    case SDLK_RIGHT:
        return WINDOW_KEY_RIGHT;
    case SDLK_EQUALS:
    case SDLK_PLUS:
    case SDLK_KP_PLUS:
        return '+';
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
        return '-';
    case SDLK_KP_1:
        return '1';
    case SDLK_KP_2:
        return '2';
    case SDLK_KP_3:
        return '3';
    default:
        break;
    }
    if ((mod & KMOD_CTRL) && sym == SDLK_c)
        return WINDOW_KEY_CTRL_C;
    if (sym >= 32 && sym < 127)
        return (sym >= 'A' && sym <= 'Z') ? sym - 'A' + 'a' : (int)sym;
    return 0;
}

int window_poll_event(render_window *w, window_event *ev)
{
    SDL_Event e;
    ev->type = WINDOW_EVENT_NONE;
    ev->key = 0;
    while (SDL_PollEvent(&e)) {
        if (e.type == SDL_QUIT ||
            (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE)) {
            ev->type = WINDOW_EVENT_QUIT;
            return 1;
        }
        if (e.type == SDL_KEYDOWN) {
            int key = map_key(&e.key);
            if (key) {
                ev->type = WINDOW_EVENT_KEY;
                ev->key = key;
                return 1;
            }
        }
        /* Resizes and exposes need nothing: the next present fits the new size. */
    }
    return 0;
}

int window_set_fullscreen(render_window *w, int on)
{
    if (SDL_SetWindowFullscreen(w->win, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0) < 0)
        return mtcam_set_error(MTCNN_EUNSUPPORTED, "fullscreen: %s", SDL_GetError());
    w->fullscreen = on != 0;
    SDL_ShowCursor(on ? SDL_DISABLE : SDL_ENABLE);
    return 0;
}

int window_is_fullscreen(const render_window *w) { return w->fullscreen; }
int window_has_vsync(const render_window *w) { return w->vsync; }
int window_refresh_hz(const render_window *w) { return w->refresh_hz; }
