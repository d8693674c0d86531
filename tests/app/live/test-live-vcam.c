/* test-live-vcam.c - mtcam's virtual camera end to end, headless, with the frames caught by a
 * sink of the test's own instead of a V4L2 device (the device itself is tested under QEMU with
 * vivid): the framed view centres the face the live detector finds in a real photo placed off
 * centre, the clean view sends the camera picture untouched, the annotated view what the
 * window shows. The project's own model, so nothing needs ../shared. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "err.h"
#include "framing.h"
#include "image-file.h"
#include "image-write.h"
#include "live.h"
#include "mtcnn.h"
#include "vcam-convert.h"

#define PHOTO MTCAM_LIVE_VCAM_SOURCE_DIR "/assets/demo/grace-hopper.jpg"
#define MODEL MTCAM_LIVE_VCAM_SOURCE_DIR "/models/mtcam.mtcnn"

typedef struct catcher {
    pthread_mutex_t lock;
    int width, height;
    long frames;
    mtcam_frame last;
} catcher;

static int c_open(void *user, const char *path, const vcam_device_options *o, void **dev)
{
    catcher *c = user;
    c->width = o->width;
    c->height = o->height;
    *dev = c;
    return 0;
}

static int c_write(void *dev, const mtcam_frame *rgb, int timeout_ms)
{
    catcher *c = dev;
    pthread_mutex_lock(&c->lock);
    c->frames++;
    mtcam_frame_copy(&c->last, rgb);
    pthread_mutex_unlock(&c->lock);
    return 1;
}

static void c_size(void *dev, int *w, int *h)
{
    catcher *c = dev;
    *w = c->width;
    *h = c->height;
}

static const char *c_describe(void *dev) { return "catcher"; }
static void c_close(void *dev) {}

/* A 1280x720 PNG: grey-blue, the photo at 360 px with its top left at (700, 280). */
static int write_scene(const char *path)
{
    mtcam_frame photo = {0}, scene = {0};
    if (capture_image_load(PHOTO, &photo) != 0 || mtcam_frame_alloc(&scene, 1280, 720) != 0)
        return -1;
    for (int y = 0; y < 720; y++)
        for (int x = 0; x < 1280; x++) {
            uint8_t *o = scene.data + y * scene.stride + 3 * x;
            o[0] = 60, o[1] = 70, o[2] = 90;
        }
    vcam_scaler s = {0};
    framing_rect all = {0, 0, (float)photo.width, (float)photo.height};
    int rc = vcam_scale_rgb(&s, photo.data, photo.stride, photo.width, photo.height, all,
                            scene.data + 280 * scene.stride + 3 * 700, scene.stride, 360, 360);
    if (rc == 0)
        rc = render_image_write_png(path, &scene);
    vcam_scaler_free(&s);
    mtcam_frame_free(&photo);
    mtcam_frame_free(&scene);
    return rc;
}

/* Stops the run 75 frames after the first detection result: the framing has then had 3 s of
 * (frame-timestamp) time with the face, however slowly this build detects. */
typedef struct after_result {
    long shown_since;
} after_result;

static int stop_after_result(void *user, const live_frame_info *info)
{
    after_result *a = user;
    if (info->new_frame && info->result->count > 0)
        a->shown_since++;
    return a->shown_since >= 75;
}

static int run_view(const char *source, live_vcam_view view, int out_w, int out_h, catcher *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    vcam_sink sink = {c_open, c_write, c_size, c_describe, c_close, c};
    live_config cfg;
    live_config_default(&cfg);
    cfg.source = source;
    cfg.headless = 1;
    cfg.frames = 100000; /* the hook stops it */
    cfg.fps = 25;
    cfg.model = MODEL;
    cfg.min_face = 40;
    cfg.output.path = "catcher";
    cfg.output.view = view;
    cfg.output.width = out_w;
    cfg.output.height = out_h;
    cfg.output.speed = 3; /* settles within the 4 s of the run */
    cfg.output.sink = &sink;
    after_result a = {0};
    live_hooks hooks = {stop_after_result, &a};
    int rc = live_run(&cfg, &hooks);
    pthread_mutex_destroy(&c->lock);
    return rc;
}

static int detect_one(const mtcam_frame *f, mtcnn_face *face)
{
    mtcnn_model *model = NULL;
    mtcnn_detector *det = NULL;
    mtcnn_options o;
    mtcnn_options_default(&o);
    o.min_face = 40;
    int n = 0;
    if (mtcnn_model_load(MODEL, &model) == 0 && mtcnn_detector_create(model, &o, &det) == 0) {
        mtcnn_image im = {f->data, f->width, f->height, f->stride, MTCNN_PIXEL_RGB24};
        const mtcnn_face *faces;
        if (mtcnn_detect(det, &im, &faces, &n) == 0 && n > 0)
            *face = faces[0];
    }
    mtcnn_detector_destroy(det);
    mtcnn_model_free(model);
    return n;
}

static int test_framed_centres_the_face(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/mtcam-vcam-scene-%d.png", (int)getpid());
    CHECK(write_scene(path) == 0);
    mtcam_frame scene = {0};
    CHECK(capture_image_load(path, &scene) == 0);
    mtcnn_face in_scene, in_output;
    CHECK_MSG(detect_one(&scene, &in_scene) > 0, "no face in the scene itself");
    catcher c;
    int rc = run_view(path, LIVE_VCAM_FRAMED, 640, 480, &c);
    unlink(path);
    CHECK_INT_EQ(rc, 0);
    CHECK(c.frames > 10);
    CHECK(c.last.width == 640 && c.last.height == 480);
    CHECK_MSG(detect_one(&c.last, &in_output) > 0, "no face in the framed output");
    float cx = (in_output.box[0] + in_output.box[2]) / 2;
    float cy = (in_output.box[1] + in_output.box[3]) / 2;
    float share_out = (in_output.box[3] - in_output.box[1]) / 480;
    float share_in = (in_scene.box[3] - in_scene.box[1]) / 720;
    printf("framed: face centre %.0f,%.0f in 640x480 (scene face at x %.0f of 1280), %.2fx "
           "its share of the height\n",
           cx, cy, (in_scene.box[0] + in_scene.box[2]) / 2, share_out / share_in);
    CHECK_MSG(fabsf(cx - 320) < 0.08f * 640, "face centre x %.0f, not near 320", cx);
    CHECK_MSG(cy > 0.2f * 480 && cy < 0.55f * 480, "face centre y %.0f, not in the upper half",
              cy);
    CHECK_MSG(share_out > 1.3f * share_in, "not zoomed in: %.3f of the height, %.3f before",
              share_out, share_in);
    mtcam_frame_free(&c.last);
    mtcam_frame_free(&scene);
    return 0;
}

static int test_clean_and_annotated(void)
{
    catcher c;
    /* clean, same size: the photo bit for bit */
    CHECK_INT_EQ(run_view(PHOTO, LIVE_VCAM_CLEAN, 0, 0, &c), 0);
    mtcam_frame photo = {0};
    CHECK(capture_image_load(PHOTO, &photo) == 0);
    CHECK(c.frames > 10);
    CHECK(c.last.width == photo.width && c.last.height == photo.height);
    for (int y = 0; y < photo.height; y++)
        CHECK_MSG(memcmp(c.last.data + y * c.last.stride, photo.data + y * photo.stride,
                         3 * (size_t)photo.width) == 0,
                  "clean view: row %d differs from the photo", y);
    mtcam_frame_free(&c.last);
    /* annotated: the HUD and overlay are in it, so it differs from the photo */
    CHECK_INT_EQ(run_view(PHOTO, LIVE_VCAM_ANNOTATED, 0, 0, &c), 0);
    long differ = 0;
    for (int y = 0; y < photo.height; y++)
        for (int x = 0; x < 3 * photo.width; x++)
            differ += c.last.data[y * c.last.stride + x] != photo.data[y * photo.stride + x];
    CHECK_MSG(differ > 1000, "annotated view: only %ld bytes differ from the photo", differ);
    mtcam_frame_free(&c.last);
    mtcam_frame_free(&photo);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"framed_centres_the_face", test_framed_centres_the_face},
        {"clean_and_annotated", test_clean_and_annotated},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
