/* The SDL2 window under SDL's offscreen video driver: what is presented is read back from the
 * renderer, letterboxing keeps the aspect, and SDL key events come out as the app's keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "check.h"
#include "window.h"

static int open_window(int w, int h, render_window **out)
{
    /* Tests run without a display; Xvfb users may set SDL_VIDEODRIVER=x11 themselves. */
    setenv("SDL_VIDEODRIVER", getenv("SDL_VIDEODRIVER") ? getenv("SDL_VIDEODRIVER") : "offscreen",
           1);
    return window_create("mtcam test", w, h, 0, out);
}

static void paint(mtcam_frame *f, uint8_t r, uint8_t g, uint8_t b)
{
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++) {
            uint8_t *p = f->data + y * f->stride + 3 * x;
            p[0] = r;
            p[1] = g;
            p[2] = b;
        }
}

static const uint8_t *px(const mtcam_frame *f, int x, int y)
{
    return f->data + y * f->stride + 3 * x;
}

static int near_color(const uint8_t *p, int r, int g, int b)
{
    return abs(p[0] - r) <= 8 && abs(p[1] - g) <= 8 && abs(p[2] - b) <= 8;
}

static int test_present_reads_back(void)
{
    render_window *w;
    int rc = open_window(320, 240, &w);
    if (rc < 0)
        SKIP("no SDL video driver here: %s", SDL_GetError());
    mtcam_frame f = {0}, out = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&f, 320, 240), 0);
    paint(&f, 0, 0, 255);
    /* A red 40x30 square at (100, 50). */
    for (int y = 50; y < 80; y++)
        for (int x = 100; x < 140; x++) {
            uint8_t *p = f.data + y * f.stride + 3 * x;
            p[0] = 255;
            p[1] = p[2] = 0;
        }
    CHECK_INT_EQ(window_present(w, &f), 0);
    CHECK_INT_EQ(window_read_output(w, &out), 0);
    int ow, oh;
    window_output_size(w, &ow, &oh);
    CHECK_INT_EQ(out.width, ow);
    CHECK_INT_EQ(out.height, oh);
    int rect[4];
    window_frame_rect(w, rect);
    CHECK_INT_EQ(rect[2], ow);
    /* Map frame pixels into the output (scale 1 when the window got the frame's size). */
    double s = (double)rect[2] / 320;
    CHECK(near_color(px(&out, rect[0] + (int)(120 * s), rect[1] + (int)(65 * s)), 255, 0, 0));
    CHECK(near_color(px(&out, rect[0] + (int)(20 * s), rect[1] + (int)(200 * s)), 0, 0, 255));
    CHECK(near_color(px(&out, rect[0] + (int)(99 * s) - 2, rect[1] + (int)(65 * s)), 0, 0, 255));
    mtcam_frame_free(&f);
    mtcam_frame_free(&out);
    window_destroy(w);
    return 0;
}

/* A wide frame in a 4:3 window: black bars above and below, the frame centred. */
static int test_letterbox(void)
{
    render_window *w;
    if (open_window(320, 240, &w) < 0)
        SKIP("no SDL video driver here: %s", SDL_GetError());
    mtcam_frame f = {0}, out = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&f, 160, 40), 0);
    paint(&f, 0, 255, 0);
    CHECK_INT_EQ(window_present(w, &f), 0);
    CHECK_INT_EQ(window_read_output(w, &out), 0);
    int rect[4];
    window_frame_rect(w, rect);
    CHECK_INT_EQ(rect[2], out.width);
    CHECK_INT_EQ(rect[3], out.width * 40 / 160);
    CHECK_INT_EQ(rect[1], (out.height - rect[3]) / 2);
    CHECK(near_color(px(&out, out.width / 2, 2), 0, 0, 0));
    CHECK(near_color(px(&out, out.width / 2, out.height - 3), 0, 0, 0));
    CHECK(near_color(px(&out, out.width / 2, out.height / 2), 0, 255, 0));
    /* A tall frame: bars left and right. */
    mtcam_frame tall = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&tall, 40, 160), 0);
    paint(&tall, 255, 255, 255);
    CHECK_INT_EQ(window_present(w, &tall), 0);
    CHECK_INT_EQ(window_read_output(w, &out), 0);
    window_frame_rect(w, rect);
    CHECK_INT_EQ(rect[3], out.height);
    CHECK(near_color(px(&out, 2, out.height / 2), 0, 0, 0));
    CHECK(near_color(px(&out, out.width / 2, out.height / 2), 255, 255, 255));
    mtcam_frame_free(&tall);
    mtcam_frame_free(&f);
    mtcam_frame_free(&out);
    window_destroy(w);
    return 0;
}

static int push_key(SDL_Keycode sym, Uint16 mod)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.state = SDL_PRESSED;
    e.key.keysym.sym = sym;
    e.key.keysym.mod = mod;
    return SDL_PushEvent(&e);
}

/* SDL_PollEvent stops at a sentinel left by an earlier poll that returned early, so an event
 * pushed after it may need a second poll (as in the app's loop, which polls until 0). */
static int poll_key(render_window *w, window_event *ev)
{
    for (int i = 0; i < 3; i++)
        if (window_poll_event(w, ev))
            return 1;
    return 0;
}

static int test_key_events(void)
{
    render_window *w;
    if (open_window(64, 48, &w) < 0)
        SKIP("no SDL video driver here: %s", SDL_GetError());
    window_event ev;
    while (window_poll_event(w, &ev)) {
    }
    static const struct {
        SDL_Keycode sym;
        Uint16 mod;
        int key;
    } map[] = {
        {SDLK_q, 0, 'q'},          {SDLK_ESCAPE, 0, WINDOW_KEY_ESCAPE},
        {SDLK_SPACE, 0, ' '},      {SDLK_EQUALS, KMOD_LSHIFT, '+'},
        {SDLK_KP_PLUS, 0, '+'},    {SDLK_MINUS, 0, '-'},
        {SDLK_KP_MINUS, 0, '-'},   {SDLK_2, 0, '2'},
        {SDLK_TAB, 0, WINDOW_KEY_TAB}, {SDLK_TAB, KMOD_LSHIFT, WINDOW_KEY_BACKTAB},
        {SDLK_UP, 0, WINDOW_KEY_UP},   {SDLK_DOWN, 0, WINDOW_KEY_DOWN},
        {SDLK_c, KMOD_LCTRL, WINDOW_KEY_CTRL_C}, {SDLK_c, 0, 'c'},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        CHECK_INT_EQ(push_key(map[i].sym, map[i].mod), 1);
        CHECK_MSG(poll_key(w, &ev) == 1, "no event for SDL key %d", (int)map[i].sym);
        CHECK_INT_EQ(ev.type, WINDOW_EVENT_KEY);
        CHECK_MSG(ev.key == map[i].key, "SDL key %d mod %d -> %d, expected %d",
                  (int)map[i].sym, map[i].mod, ev.key, map[i].key);
    }
    /* Keys the app does not use produce no event. */
    CHECK_INT_EQ(push_key(SDLK_F5, 0), 1);
    CHECK_INT_EQ(poll_key(w, &ev), 0);
    SDL_Event q;
    memset(&q, 0, sizeof q);
    q.type = SDL_QUIT;
    CHECK_INT_EQ(SDL_PushEvent(&q), 1);
    CHECK_INT_EQ(poll_key(w, &ev), 1);
    CHECK_INT_EQ(ev.type, WINDOW_EVENT_QUIT);
    window_destroy(w);
    return 0;
}

static int test_fullscreen_toggle(void)
{
    render_window *w;
    if (open_window(64, 48, &w) < 0)
        SKIP("no SDL video driver here: %s", SDL_GetError());
    CHECK_INT_EQ(window_is_fullscreen(w), 0);
    CHECK_INT_EQ(window_set_fullscreen(w, 1), 0);
    CHECK_INT_EQ(window_is_fullscreen(w), 1);
    CHECK_INT_EQ(window_set_fullscreen(w, 0), 0);
    CHECK_INT_EQ(window_is_fullscreen(w), 0);
    CHECK(window_refresh_hz(w) > 0);
    window_destroy(w);
    render_window *bad = NULL;
    CHECK(window_create("bad", 0, 10, 0, &bad) < 0);
    CHECK(bad == NULL);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"present_reads_back", test_present_reads_back},
        {"letterbox", test_letterbox},
        {"key_events", test_key_events},
        {"fullscreen_toggle", test_fullscreen_toggle},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
