/* framing.c - target, dead zone and spring of the auto-framing controller (framing.h).
 * The crop is kept as centre x, centre y and height (the width follows from the output's
 * aspect); each of the three follows its target on its own critically damped spring, solved
 * exactly for each time step so the frame rate does not change the motion. */
#include "framing.h"

#include <math.h>
#include <string.h>

#include "err.h"

/* Head and shoulders: the crop is this many face heights tall for one face... */
#define HEAD_SHOULDERS_HEIGHTS 3.0f
/* ...and keeps this much room around every face: above the box, beside it, below the chin. */
#define MARGIN_TOP 0.45f
#define MARGIN_SIDE 0.6f
#define MARGIN_BOTTOM 1.0f
/* Where the eyes sit in an MTCNN face box, as a fraction of its height from the top. */
#define EYE_LINE 0.38f
/* A step longer than this (a stalled source, a paused app) advances the spring by this much
 * only, so the crop never leaps after a gap. */
#define MAX_STEP_S 0.1
/* The spring is at rest (exactly on its target) once this close and this slow. */
#define REST_PX 0.02f
#define REST_PX_PER_S 1.0f

void framing_options_default(framing_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->max_zoom = 3.0f;
    opt->max_speed = 0.5f;
    opt->settle_s = 0.3f;
    opt->dead_zone = 0.08f;
    opt->hold_s = 1.5f;
}

static float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static float aspect(const framing *f)
{
    return (float)f->opt.out_width / (float)f->opt.out_height;
}

/* The crop of height h centred on (cx, cy), moved (not shrunk) to lie inside the picture. */
static framing_rect place(const framing *f, float cx, float cy, float h)
{
    h = clampf(h, f->full.h / f->opt.max_zoom, f->full.h);
    float w = h * aspect(f);
    framing_rect r = {cx - w / 2, cy - h / 2, w, h};
    r.x = clampf(r.x, 0, (float)f->opt.src_width - w);
    r.y = clampf(r.y, 0, (float)f->opt.src_height - h);
    return r;
}

int framing_init(framing *f, const framing_options *opt)
{
    memset(f, 0, sizeof *f);
    if (!opt || opt->src_width <= 0 || opt->src_height <= 0 || opt->out_width <= 0 ||
        opt->out_height <= 0)
        return mtcam_set_error(MTCNN_EINVAL, "framing: bad picture or output size");
    if (!(opt->max_zoom >= 1) || !(opt->max_speed > 0) || !(opt->settle_s > 0) ||
        !(opt->dead_zone >= 0) || !(opt->hold_s >= 0))
        return mtcam_set_error(MTCNN_EINVAL,
                               "framing: max zoom must be >= 1, speed and settling time > 0");
    f->opt = *opt;
    float a = aspect(f), sw = (float)opt->src_width, sh = (float)opt->src_height;
    if (sw / sh > a)
        f->full = (framing_rect){(sw - sh * a) / 2, 0, sh * a, sh};
    else
        f->full = (framing_rect){0, (sh - sw / a) / 2, sw, sw / a};
    f->held = f->full;
    f->cx.pos = f->full.x + f->full.w / 2;
    f->cy.pos = f->full.y + f->full.h / 2;
    f->h.pos = f->full.h;
    return 0;
}

framing_rect framing_target(const framing *f, const framing_face *faces, int n_faces)
{
    if (n_faces <= 0)
        return f->full;
    float x1 = INFINITY, y1 = INFINITY, x2 = -INFINITY, y2 = -INFINITY;
    float tallest = 0, eyes = 0;
    for (int i = 0; i < n_faces; i++) {
        const float *b = faces[i].box;
        float fh = b[3] - b[1] + 1;
        x1 = fminf(x1, b[0]);
        y1 = fminf(y1, b[1]);
        x2 = fmaxf(x2, b[2]);
        y2 = fmaxf(y2, b[3]);
        tallest = fmaxf(tallest, fh);
        eyes += b[1] + EYE_LINE * fh;
    }
    eyes /= (float)n_faces;
    /* What must be inside: every face with room for hair, shoulders and the sides. */
    float top = y1 - MARGIN_TOP * tallest, bottom = y2 + 1 + MARGIN_BOTTOM * tallest;
    float left = x1 - MARGIN_SIDE * tallest, right = x2 + 1 + MARGIN_SIDE * tallest;
    float h = fmaxf(HEAD_SHOULDERS_HEIGHTS * tallest,
                    fmaxf(bottom - top, (right - left) / aspect(f)));
    h = clampf(h, f->full.h / f->opt.max_zoom, f->full.h);
    /* Rule of thirds: the eyes on the upper third line, as far as the content allows. */
    float y = eyes - h / 3;
    if (h >= bottom - top)
        y = clampf(y, bottom - h, top);
    else
        y = top; /* zoom limit reached: keep the heads, lose the shoulders */
    return place(f, (left + right) / 2, y + h / 2, h);
}

/* Past the dead zone? Position by dead_zone of the crop's height, size by 1.5 times that. */
static int outside_dead_zone(const framing *f, framing_rect t)
{
    const framing_rect *o = &f->held;
    float dz = f->opt.dead_zone * o->h;
    return fabsf((t.x + t.w / 2) - (o->x + o->w / 2)) > dz ||
           fabsf((t.y + t.h / 2) - (o->y + o->h / 2)) > dz || fabsf(t.h - o->h) > 1.5f * dz;
}

/* One exact step of a critically damped spring towards `target`, then the two guards: a step
 * that would cross the target stops on it (so no overshoot, even when the target jumps back
 * towards a moving crop), and no step is faster than `max_px_per_s`. */
static void spring_step(framing_axis *a, float target, float omega, float dt,
                        float max_px_per_s)
{
    float x0 = a->pos - target, v0 = a->vel;
    float e = expf(-omega * dt);
    float x = (x0 + (v0 + omega * x0) * dt) * e;
    float v = (v0 - omega * (v0 + omega * x0) * dt) * e;
    if ((x0 > 0 && x < 0) || (x0 < 0 && x > 0) || x0 == 0) {
        x = 0;
        v = 0;
    }
    float max_step = max_px_per_s * dt;
    if (x - x0 > max_step) {
        x = x0 + max_step;
        v = max_px_per_s;
    } else if (x0 - x > max_step) {
        x = x0 - max_step;
        v = -max_px_per_s;
    }
    v = clampf(v, -max_px_per_s, max_px_per_s);
    if (fabsf(x) < REST_PX && fabsf(v) < REST_PX_PER_S) {
        x = 0;
        v = 0;
    }
    a->pos = target + x;
    a->vel = v;
}

framing_rect framing_update(framing *f, int64_t t_ns, const framing_face *faces, int n_faces)
{
    if (n_faces > 0)
        f->last_face_ns = t_ns;
    framing_rect want;
    if (n_faces > 0)
        want = framing_target(f, faces, n_faces);
    else if (f->last_face_ns && (double)(t_ns - f->last_face_ns) * 1e-9 <= f->opt.hold_s)
        want = f->held; /* a face lost for a moment: keep its framing */
    else
        want = f->full;
    if (outside_dead_zone(f, want))
        f->held = want;

    if (!f->started) {
        f->started = 1;
        f->last_t_ns = t_ns;
    } else if (t_ns > f->last_t_ns) {
        double dt = (double)(t_ns - f->last_t_ns) * 1e-9;
        f->last_t_ns = t_ns;
        float step = (float)(dt < MAX_STEP_S ? dt : MAX_STEP_S);
        float omega = 1.0f / f->opt.settle_s;
        float speed = f->opt.max_speed * f->full.h;
        const framing_rect *t = &f->held;
        spring_step(&f->cx, t->x + t->w / 2, omega, step, speed);
        spring_step(&f->cy, t->y + t->h / 2, omega, step, speed);
        spring_step(&f->h, t->h, omega, step, speed);
    }
    return place(f, f->cx.pos, f->cy.pos, f->h.pos);
}
