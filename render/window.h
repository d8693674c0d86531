/* window.h - the SDL2 window: shows RGB frames scaled to fit with their aspect kept (black
 * bars), resizable, fullscreen on demand, sharp on HiDPI screens (sizes in real pixels), and
 * turns SDL's events into the few the app needs. No SDL types leak out of this header. */
#pragma once

#include "frame.h"

typedef struct render_window render_window;

/* Keys as the app sees them: printable keys are their ASCII character (lower case; '+' for
 * '=', '+' and keypad plus, '-' for '-' and keypad minus), the others are below. */
enum window_key {
    WINDOW_KEY_TAB = '\t',
    WINDOW_KEY_ESCAPE = 27,
    WINDOW_KEY_SPACE = ' ',
    WINDOW_KEY_UP = 0x100,
    WINDOW_KEY_DOWN,
    WINDOW_KEY_LEFT,
    WINDOW_KEY_RIGHT,
    WINDOW_KEY_BACKTAB, /* Shift+Tab */
    WINDOW_KEY_CTRL_C,
};

typedef enum window_event_type {
    WINDOW_EVENT_NONE = 0,
    WINDOW_EVENT_QUIT, /* the window was closed */
    WINDOW_EVENT_KEY,  /* `key` was pressed (auto-repeat included) */
} window_event_type;

typedef struct window_event {
    window_event_type type;
    int key;
} window_event;

/* Opens a window for frames of width x height: the window gets that size, shrunk to fit the
 * screen. Uses a vsync'ed renderer when there is one, else SDL's software renderer. */
int window_create(const char *title, int width, int height, int fullscreen,
                  render_window **out);
void window_destroy(render_window *w);

/* Shows `f` (uploads it, letterboxes, presents). Frames may change size at any time. */
int window_present(render_window *w, const mtcam_frame *f);
/* Draws the last frame again and reads the whole output back (the size of the drawable, in
 * pixels, bars included) into `out`, (re)allocated as needed. For tests and screenshots. */
int window_read_output(render_window *w, mtcam_frame *out);
/* Where the last frame landed in the output: x, y, width, height in output pixels. */
void window_frame_rect(const render_window *w, int rect[4]);
/* The drawable size in pixels (larger than the window size on HiDPI screens). */
void window_output_size(render_window *w, int *width, int *height);

/* Returns 1 and fills *ev when an event was waiting, else 0. Never blocks. */
int window_poll_event(render_window *w, window_event *ev);

int window_set_fullscreen(render_window *w, int on);
int window_is_fullscreen(const render_window *w);
/* Non-zero when present waits for the display's refresh; when not, the caller paces itself
 * at window_refresh_hz. */
int window_has_vsync(const render_window *w);
int window_refresh_hz(const render_window *w);
