/* live-vcam.c - the live app's side of the virtual camera: picks the view's pixels, runs the
 * framing controller on the newest detections, and hands frames to render/vcam.c. */
#include "live-vcam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "framing.h"

#define MAX_FRAMED_FACES 32

struct live_vcam {
    vcam *out;
    live_vcam_config cfg;
    framing fr;
    int fr_width, fr_height; /* the camera size the controller was set up for (0: not yet) */
    uint64_t events_seen;
    char event[600];
};

static const char *const view_names[LIVE_VCAM_VIEWS] = {"annotated", "clean", "framed"};

int live_vcam_view_parse(const char *name)
{
    for (int i = 0; i < LIVE_VCAM_VIEWS; i++)
        if (!strcmp(name, view_names[i]))
            return i;
    return -1;
}

const char *live_vcam_view_name(live_vcam_view v)
{
    return v >= 0 && v < LIVE_VCAM_VIEWS ? view_names[v] : "?";
}

int live_vcam_start(const live_vcam_config *cfg, int src_w, int src_h, double fps,
                    live_vcam **out)
{
    *out = NULL;
    live_vcam *lv = calloc(1, sizeof *lv);
    if (!lv)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", cfg->path);
    lv->cfg = *cfg;
    vcam_options o = {.device = {.width = cfg->width > 0 ? cfg->width : src_w,
                                 .height = cfg->height > 0 ? cfg->height : src_h,
                                 .format = cfg->format,
                                 .fps = fps},
                      .sink = cfg->sink};
    int rc = vcam_start(cfg->path, &o, &lv->out);
    if (rc < 0) {
        free(lv);
        return rc;
    }
    *out = lv;
    return 0;
}

/* The crop for this frame: the controller follows the newest detections, timed by the frame's
 * capture time. It is set up again when the camera comes back at another size. */
static int framed_crop(live_vcam *lv, const mtcam_frame *f, const live_result *r,
                       framing_rect *crop)
{
    vcam_status st;
    vcam_get_status(lv->out, &st);
    if (st.width <= 0 || st.height <= 0)
        return -1;
    if (lv->fr_width != f->width || lv->fr_height != f->height ||
        lv->fr.opt.out_width != st.width || lv->fr.opt.out_height != st.height) {
        framing_options fo;
        framing_options_default(&fo);
        fo.src_width = f->width;
        fo.src_height = f->height;
        fo.out_width = st.width;
        fo.out_height = st.height;
        if (lv->cfg.max_zoom > 0)
            fo.max_zoom = lv->cfg.max_zoom;
        if (lv->cfg.speed > 0)
            fo.max_speed = lv->cfg.speed;
        if (framing_init(&lv->fr, &fo) < 0)
            return -1;
        lv->fr_width = f->width;
        lv->fr_height = f->height;
    }
    framing_face faces[MAX_FRAMED_FACES];
    int n = 0;
    /* Only final faces (all three stages, or the tracker's): earlier stages' boxes are
     * candidates, not faces. The tracker's smoothed boxes make the framing steadier still; the
     * dead zone keeps plain detections' jitter out. */
    if (r && r->count > 0 && !r->error && (r->stages == 3 || r->tracking))
        for (int i = 0; i < r->n_faces && n < MAX_FRAMED_FACES; i++, n++) {
            faces[n].id = r->tracking ? r->faces[i].id : i;
            memcpy(faces[n].box, r->faces[i].box, sizeof faces[n].box);
        }
    *crop = framing_update(&lv->fr, f->timestamp_ns, faces, n);
    return 0;
}

void live_vcam_push(live_vcam *lv, live_vcam_view view, const mtcam_frame *clean,
                    const mtcam_frame *annotated, const live_result *r)
{
    if (!lv)
        return;
    if (view == LIVE_VCAM_ANNOTATED) {
        vcam_push(lv->out, annotated, NULL);
    } else if (view == LIVE_VCAM_CLEAN) {
        vcam_push(lv->out, clean, NULL);
    } else {
        framing_rect crop;
        if (framed_crop(lv, clean, r, &crop) == 0)
            vcam_push(lv->out, clean, &crop);
    }
}

void live_vcam_describe(live_vcam *lv, live_vcam_view view, char *buf, size_t size)
{
    vcam_status st;
    vcam_get_status(lv->out, &st);
    snprintf(buf, size, "%s; %s view", st.status, live_vcam_view_name(view));
}

void live_vcam_hud_line(live_vcam *lv, live_vcam_view view, char *buf, size_t size)
{
    if (!lv) {
        buf[0] = '\0';
        return;
    }
    vcam_status st;
    vcam_get_status(lv->out, &st);
    if (st.state == VCAM_RUNNING)
        snprintf(buf, size, "vcam %s %dx%d %s  %s  sent %lld  dropped %lld", lv->cfg.path,
                 st.width, st.height, vcam_format_name(lv->cfg.format),
                 live_vcam_view_name(view), (long long)st.frames_written,
                 (long long)st.frames_dropped);
    else
        snprintf(buf, size, "vcam: %s", st.status);
}

const char *live_vcam_event(live_vcam *lv)
{
    if (!lv)
        return NULL;
    vcam_status st;
    vcam_get_status(lv->out, &st);
    if (st.events == lv->events_seen)
        return NULL;
    lv->events_seen = st.events;
    snprintf(lv->event, sizeof lv->event, "virtual camera: %s", st.status);
    return lv->event;
}

void live_vcam_stop(live_vcam *lv, long long *written, long long *dropped)
{
    vcam_status st;
    if (!lv) {
        if (written)
            *written = 0;
        if (dropped)
            *dropped = 0;
        return;
    }
    vcam_stop(lv->out, &st);
    if (written)
        *written = st.frames_written;
    if (dropped)
        *dropped = st.frames_dropped;
    free(lv);
}
