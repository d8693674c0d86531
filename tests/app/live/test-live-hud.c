/* test-live-hud.c - where mtcam puts its HUD panel (app/live/live-hud.c), on real frames drawn
 * by the real overlay and HUD code: never over a face's box, landmarks or score label when a
 * corner is free, and in the same place from frame to frame. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hud.h"
#include "live-hud.h"
#include "overlay.h"

enum { W = 640, H = 480 };

static void fill_white(mtcam_frame *f)
{
    for (int y = 0; y < f->height; y++)
        memset(f->data + y * f->stride, 255, (size_t)f->width * 3);
}

static mtcnn_face face_at(float x1, float y1, float side)
{
    mtcnn_face fc;
    memset(&fc, 0, sizeof fc);
    fc.box[0] = x1;
    fc.box[1] = y1;
    fc.box[2] = x1 + side - 1;
    fc.box[3] = y1 + side - 1;
    fc.score = 0.998f;
    fc.has_landmarks = 1;
    float lm[5][2] = {{0.3f, 0.4f}, {0.7f, 0.4f}, {0.5f, 0.6f}, {0.35f, 0.8f}, {0.65f, 0.8f}};
    for (int k = 0; k < 5; k++) {
        fc.landmarks[k][0] = x1 + lm[k][0] * side;
        fc.landmarks[k][1] = y1 + lm[k][1] * side;
    }
    return fc;
}

/* Pixels that differ between a frame with the HUD and the same frame with the overlay only:
 * the HUD's own pixels. Counts those inside the inclusive rectangle r and everywhere. */
static void hud_pixels(const mtcam_frame *with, const mtcam_frame *without, const int r[4],
                       long *inside, long *all)
{
    *inside = *all = 0;
    for (int y = 0; y < with->height; y++)
        for (int x = 0; x < with->width; x++) {
            const uint8_t *a = with->data + y * with->stride + 3 * x;
            const uint8_t *b = without->data + y * without->stride + 3 * x;
            if (memcmp(a, b, 3) == 0)
                continue;
            (*all)++;
            *inside += x >= r[0] && x <= r[2] && y >= r[1] && y <= r[3];
        }
}

typedef struct scene {
    live_view view;
    live_result result;
    mtcnn_face faces[2];
    hud_corner corner;
    live_hud_info info;
    mtcam_frame with, without;
    hud *h;
} scene;

static int scene_init(scene *s, const mtcnn_face *faces, int n)
{
    memset(s, 0, sizeof *s);
    live_view_default(&s->view);
    if (n > 0)
        memcpy(s->faces, faces, (size_t)n * sizeof *faces);
    s->result.count = 1;
    s->result.stages = 3;
    s->result.faces = s->faces;
    s->result.n_faces = n;
    s->corner = HUD_TOP_LEFT;
    s->info = (live_hud_info){.view = &s->view, .result = &s->result, .capture_fps = 30,
                              .corner = &s->corner};
    CHECK_INT_EQ(hud_create(NULL, 14, &s->h), 0);
    CHECK_INT_EQ(mtcam_frame_alloc(&s->with, W, H), 0);
    CHECK_INT_EQ(mtcam_frame_alloc(&s->without, W, H), 0);
    return 0;
}

static void scene_free(scene *s)
{
    hud_destroy(s->h);
    mtcam_frame_free(&s->with);
    mtcam_frame_free(&s->without);
}

/* One frame: the overlay alone into `without`, overlay + HUD into `with`. */
static void scene_draw(scene *s)
{
    fill_white(&s->without);
    fill_white(&s->with);
    live_hud_draw(&s->without, NULL, &s->info);
    live_hud_draw(&s->with, s->h, &s->info);
}

/* A face in the top-left corner, where the panel used to be: the panel goes elsewhere and no
 * pixel of the face's box, landmarks or score label changes. */
static int test_panel_clears_top_left_face(void)
{
    scene s;
    mtcnn_face f = face_at(20, 30, 150); /* the label sits above the box, from y = 30 - ~11 */
    if (scene_init(&s, &f, 1))
        return 1;
    scene_draw(&s);
    int ext[4];
    render_overlay_style style;
    render_overlay_style_default(&style);
    render_overlay_face_extent(&s.with, &f, &style, ext);
    CHECK_MSG(ext[1] < 30, "the label should be above the box: extent top %d", ext[1]);
    long inside, all;
    hud_pixels(&s.with, &s.without, ext, &inside, &all);
    CHECK_MSG(all > 1000, "the HUD drew only %ld pixels", all);
    CHECK_MSG(inside == 0, "%ld HUD pixels over the face at [%d %d %d %d]", inside, ext[0], ext[1],
              ext[2], ext[3]);
    CHECK_MSG(s.corner != HUD_TOP_LEFT, "the panel stayed in the top left");
    /* With the face gone, the panel stays where it went: no jumping back. */
    hud_corner moved = s.corner;
    s.result.n_faces = 0;
    scene_draw(&s);
    CHECK_INT_EQ(s.corner, moved);
    scene_free(&s);
    return 0;
}

/* A face centred in the frame (overlapping no corner): the panel stays in the top left, the
 * place users know, frame after frame. */
static int test_panel_stays_put(void)
{
    scene s;
    mtcnn_face f = face_at(250, 170, 140);
    if (scene_init(&s, &f, 1))
        return 1;
    for (int i = 0; i < 5; i++) {
        s.faces[0].box[0] += 2; /* a little jitter, as detections have */
        s.faces[0].box[2] += 2;
        scene_draw(&s);
        CHECK_INT_EQ(s.corner, HUD_TOP_LEFT);
    }
    scene_free(&s);
    return 0;
}

/* Recording: the REC mark holds the top right, so a face in the top left sends the panel to
 * the bottom, not over the mark. */
static int test_panel_clears_rec_mark(void)
{
    scene s;
    mtcnn_face f = face_at(20, 30, 150);
    if (scene_init(&s, &f, 1))
        return 1;
    s.info.recording = 1;
    scene_draw(&s);
    CHECK_MSG(s.corner == HUD_BOTTOM_LEFT || s.corner == HUD_BOTTOM_RIGHT, "corner %d",
              (int)s.corner);
    scene_free(&s);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"panel_clears_top_left_face", test_panel_clears_top_left_face},
        {"panel_stays_put", test_panel_stays_put},
        {"panel_clears_rec_mark", test_panel_clears_rec_mark},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
