/* track.c - the tracker (mtcnn.h, docs/tracking.md): faces followed across frames with a
 * fraction of the cascade's work per frame, and smoothed.
 *
 * Per frame: every live track proposes a few candidate squares around its predicted box
 * (last box + its motion per frame), spread by opt.motion face sides; they join P-Net's
 * proposals from one part of the pyramid (all of it on a scan frame) and go through R-Net and
 * O-Net like any P-Net box (mtcnn__cascade_run_part). The cascade's faces are then matched
 * to the tracks by overlap with the predicted boxes: a matched track takes the face, an
 * unmatched face starts a track, an unmatched track misses the frame and ends after
 * opt.grace misses. All of it is sequential over results that do not depend on the thread
 * count, so the tracker's output does not either. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "detector.h"
#include "err.h"
#include "nms.h"
#include "one-euro.h"

#define TRACK_VALUES 14     /* box x1 y1 x2 y2, then the landmarks as x, y pairs */
#define TRACK_CANDIDATES 5  /* per track: the predicted square and four shifted by motion */
#define TRACK_MATCH_IOU 0.3 /* least overlap of a face with a predicted box to continue it */
#define TRACK_DEFAULT_DT (1.0 / 30.0)

typedef struct track {
    int id;
    int misses;              /* consecutive frames without a face */
    float raw[TRACK_VALUES]; /* the last matched face as the cascade gave it (0-based) */
    float vel[4];            /* motion of the box corners per frame, smoothed */
    double unit;             /* the face side at birth: the filter works in these units */
    double t_last;           /* seconds: the time of the last match */
    mtcnn__one_euro filt[TRACK_VALUES];
    mtcnn_face out;          /* the face reported for the last match */
} track;

typedef struct match {
    double iou;
    int track, face;
} match;

struct mtcnn_tracker {
    mtcnn_detector *det;
    mtcnn_tracker_options opt;
    track *tracks;
    int n_tracks, cap_tracks;
    int next_id;
    int64_t frame;     /* the index of the next frame since create / reset */
    int64_t last_scan; /* the index of the last full scan */
    int scan_asked, next_part;
    mtcnn__buf cand, out, pairs, face_used;
    mtcnn_track_info info;
};

void mtcnn_tracker_options_default(mtcnn_tracker_options *o)
{
    memset(o, 0, sizeof *o);
    o->scan_interval = 0;
    o->scan_parts = 10;
    o->grace = 3;
    o->motion = 0.25f;
    o->min_inside = 0.69f;
    o->smooth = 2;
    o->min_cutoff = 1.0f;
    o->beta = 1.0f;
    o->d_cutoff = 1.0f;
}

static int check_options(const mtcnn_tracker_options *o)
{
    if (o->scan_interval < 0)
        return mtcam_set_error(MTCNN_EINVAL, "tracker options: scan_interval %d < 0",
                               o->scan_interval);
    if (o->scan_parts < 0 || o->scan_parts > 64)
        return mtcam_set_error(MTCNN_EINVAL, "tracker options: scan_parts %d not in 0..64",
                               o->scan_parts);
    if (o->grace < 0 || o->grace > 1000)
        return mtcam_set_error(MTCNN_EINVAL, "tracker options: grace %d not in 0..1000",
                               o->grace);
    if (!(o->motion >= 0.0f && o->motion <= 2.0f))
        return mtcam_set_error(MTCNN_EINVAL, "tracker options: motion %g not in [0, 2]",
                               (double)o->motion);
    if (!(o->min_inside >= 0.0f && o->min_inside <= 1.0f))
        return mtcam_set_error(MTCNN_EINVAL, "tracker options: min_inside %g not in [0, 1]",
                               (double)o->min_inside);
    if (o->smooth < 0 || o->smooth > 2)
        return mtcam_set_error(MTCNN_EINVAL, "tracker options: smooth %d not in 0..2", o->smooth);
    if (o->smooth && !(o->min_cutoff > 0.0f && o->min_cutoff <= 1000.0f && o->beta >= 0.0f &&
                       o->beta <= 1000.0f && o->d_cutoff > 0.0f && o->d_cutoff <= 1000.0f))
        return mtcam_set_error(MTCNN_EINVAL,
                               "tracker options: One Euro min_cutoff %g, beta %g, d_cutoff %g "
                               "(cutoffs in (0, 1000] Hz, beta in [0, 1000])",
                               (double)o->min_cutoff, (double)o->beta, (double)o->d_cutoff);
    return 0;
}

int mtcnn_tracker_create(mtcnn_detector *det, const mtcnn_tracker_options *topt,
                         mtcnn_tracker **out)
{
    if (!out)
        return mtcam_set_error(MTCNN_EINVAL, "mtcnn_tracker_create: out is NULL");
    *out = NULL;
    if (!det)
        return mtcam_set_error(MTCNN_EINVAL, "mtcnn_tracker_create: detector is NULL");
    mtcnn_tracker_options defaults;
    if (!topt) {
        mtcnn_tracker_options_default(&defaults);
        topt = &defaults;
    }
    int rc = check_options(topt);
    if (rc)
        return rc;
    mtcnn_tracker *t = calloc(1, sizeof *t);
    if (!t)
        return mtcam_set_error(MTCNN_ENOMEM, "mtcnn_tracker_create: out of memory");
    t->det = det;
    t->opt = *topt;
    t->next_id = 1;
    mtcnn_tracker_reset(t);
    *out = t;
    return 0;
}

void mtcnn_tracker_destroy(mtcnn_tracker *t)
{
    if (!t)
        return;
    free(t->tracks);
    mtcnn__buf_free(&t->cand);
    mtcnn__buf_free(&t->out);
    mtcnn__buf_free(&t->pairs);
    mtcnn__buf_free(&t->face_used);
    free(t);
}

void mtcnn_tracker_scan(mtcnn_tracker *t)
{
    if (t)
        t->scan_asked = 1;
}

void mtcnn_tracker_reset(mtcnn_tracker *t)
{
    if (!t)
        return;
    t->n_tracks = 0;
    t->frame = 0;
    t->last_scan = 0;
    t->scan_asked = 0;
    t->next_part = 0;
    memset(&t->info, 0, sizeof t->info);
    t->info.scan_part = -1;
}

const mtcnn_track_info *mtcnn_tracker_info(const mtcnn_tracker *t) { return &t->info; }

/* Where the track's face should be in this frame: the last box moved by its motion over
 * the frames since it was seen. */
static void predict(const track *tr, float box[4])
{
    const float k = (float)(tr->misses + 1);
    for (int i = 0; i < 4; i++)
        box[i] = tr->raw[i] + k * tr->vel[i];
}

/* The candidates of one track: the square of the predicted box, and the same square moved
 * by `motion` sides left, right, up and down; in the cascade's 1-based convention, squared
 * and truncated like P-Net's output. */
static void candidates(const track *tr, double motion, mtcnn__box *c)
{
    float p[4];
    predict(tr, p);
    mtcnn__box sq;
    memset(&sq, 0, sizeof sq);
    sq.x1 = p[0] + 1.0, sq.y1 = p[1] + 1.0, sq.x2 = p[2] + 1.0, sq.y2 = p[3] + 1.0;
    mtcnn__rerec(&sq);
    const double m = motion * (sq.x2 - sq.x1);
    static const int dir[TRACK_CANDIDATES][2] = {{0, 0}, {-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    for (int i = 0; i < TRACK_CANDIDATES; i++) {
        c[i] = sq;
        c[i].x1 += dir[i][0] * m, c[i].x2 += dir[i][0] * m;
        c[i].y1 += dir[i][1] * m, c[i].y2 += dir[i][1] * m;
        mtcnn__fix(&c[i]);
    }
}

/* Overlap (intersection over union) of two 0-based inclusive boxes. */
static double iou(const float *a, const float *b)
{
    const double w = fmin(a[2], b[2]) - fmax(a[0], b[0]) + 1;
    const double h = fmin(a[3], b[3]) - fmax(a[1], b[1]) + 1;
    if (w <= 0 || h <= 0)
        return 0;
    const double inter = w * h;
    const double area_a = (a[2] - a[0] + 1.0) * (a[3] - a[1] + 1.0);
    const double area_b = (b[2] - b[0] + 1.0) * (b[3] - b[1] + 1.0);
    return inter / (area_a + area_b - inter);
}

/* The fraction of a box's area inside a w x h image. */
static double inside_fraction(const float *b, int w, int h)
{
    const double bw = b[2] - b[0] + 1.0, bh = b[3] - b[1] + 1.0;
    const double iw = fmin(b[2], w - 1.0) - fmax(b[0], 0.0) + 1.0;
    const double ih = fmin(b[3], h - 1.0) - fmax(b[1], 0.0) + 1.0;
    if (bw <= 0 || bh <= 0 || iw <= 0 || ih <= 0)
        return 0;
    return iw * ih / (bw * bh);
}

static int match_cmp(const void *pa, const void *pb)
{
    const match *a = pa, *b = pb;
    if (a->iou != b->iou)
        return a->iou > b->iou ? -1 : 1;
    if (a->track != b->track)
        return a->track < b->track ? -1 : 1;
    return (a->face > b->face) - (a->face < b->face);
}

static void face_values(const mtcnn_face *f, float v[TRACK_VALUES])
{
    memcpy(v, f->box, 4 * sizeof(float));
    for (int p = 0; p < 5; p++) {
        v[4 + 2 * p] = f->landmarks[p][0];
        v[5 + 2 * p] = f->landmarks[p][1];
    }
}

/* Takes face f into track tr at time `now` (seconds): motion, filter, reported face. */
static void track_take(mtcnn_tracker *t, track *tr, const mtcnn_face *f, double now, int born)
{
    float v[TRACK_VALUES];
    face_values(f, v);
    if (born) {
        tr->unit = fmax(f->box[2] - f->box[0], f->box[3] - f->box[1]) + 1.0;
        memset(tr->vel, 0, sizeof tr->vel);
        for (int i = 0; i < TRACK_VALUES; i++)
            mtcnn__one_euro_reset(&tr->filt[i]);
    } else {
        /* The motion per frame, half from this step: steady under the detector's noise,
         * quick enough for a face that starts moving. */
        const float k = 1.0f / (float)(tr->misses + 1);
        for (int i = 0; i < 4; i++)
            tr->vel[i] = 0.5f * tr->vel[i] + 0.5f * k * (v[i] - tr->raw[i]);
    }
    const double dt = born || now - tr->t_last <= 0 ? TRACK_DEFAULT_DT : now - tr->t_last;
    memcpy(tr->raw, v, sizeof v);
    tr->misses = 0;
    tr->t_last = now;
    const mtcnn__one_euro_params p = {t->opt.min_cutoff, t->opt.beta, t->opt.d_cutoff,
                                      t->opt.smooth == 2};
    float s[TRACK_VALUES];
    for (int i = 0; i < TRACK_VALUES; i++)
        s[i] = t->opt.smooth
                   ? (float)(mtcnn__one_euro_step(&tr->filt[i], &p, v[i] / tr->unit, dt) *
                             tr->unit)
                   : v[i];
    tr->out = *f;
    memcpy(tr->out.box, s, 4 * sizeof(float));
    for (int q = 0; q < 5; q++) {
        tr->out.landmarks[q][0] = s[4 + 2 * q];
        tr->out.landmarks[q][1] = s[5 + 2 * q];
    }
    tr->out.id = tr->id;
}

/* Room for n tracks. */
static int tracks_room(mtcnn_tracker *t, int n)
{
    if (n <= t->cap_tracks)
        return 0;
    int cap = t->cap_tracks ? 2 * t->cap_tracks : 8;
    while (cap < n)
        cap *= 2;
    track *p = realloc(t->tracks, (size_t)cap * sizeof *p);
    if (!p)
        return mtcam_set_error(MTCNN_ENOMEM, "track: out of memory for %d tracks", n);
    t->tracks = p;
    t->cap_tracks = cap;
    return 0;
}

int mtcnn_track(mtcnn_tracker *t, const mtcnn_image *img, int64_t timestamp_ns,
                const mtcnn_face **faces, int *count)
{
    if (!t || !faces || !count)
        return mtcam_set_error(MTCNN_EINVAL, "track: NULL argument");
    *faces = NULL;
    *count = 0;
    const int64_t start = mtcam_now_ns();
    mtcnn_detector *d = t->det;
    mtcnn__src src;
    int rc = mtcnn__make_source(img, d->opt.swap_rb, &src);
    if (rc)
        return rc;
    const double now = timestamp_ns >= 0 ? (double)timestamp_ns * 1e-9
                                         : (double)t->frame * TRACK_DEFAULT_DT;

    /* A full scan on the first frame, when asked, every scan_interval frames, whenever the
     * cascade stops before O-Net (there is nothing to track with), and while nothing is
     * tracked without a partial scan to find new faces. */
    const mtcnn_tracker_options *o = &t->opt;
    const int tracking = d->opt.stages >= 3;
    const int full = t->frame == 0 || t->scan_asked || !tracking ||
                     (o->scan_interval > 0 && t->frame - t->last_scan >= o->scan_interval) ||
                     (o->scan_parts == 0 && t->n_tracks == 0);
    int part = -1, n_parts = 1;
    if (full)
        part = 0;
    else if (o->scan_parts > 0) {
        part = t->next_part;
        n_parts = o->scan_parts;
        t->next_part = (t->next_part + 1) % o->scan_parts;
    }

    int nc = tracking ? t->n_tracks * TRACK_CANDIDATES : 0;
    mtcnn__box *cand = mtcnn__buf_reserve(&t->cand, (size_t)(nc ? nc : 1) * sizeof *cand);
    if (!cand)
        return mtcam_set_error(MTCNN_ENOMEM, "track: out of memory");
    for (int i = 0; i < nc / TRACK_CANDIDATES; i++)
        candidates(&t->tracks[i], o->motion, cand + (size_t)i * TRACK_CANDIDATES);
    if ((rc = mtcnn__cascade_run_part(d, &src, part, n_parts, cand, nc)))
        return rc;
    const mtcnn_face *found = d->faces.p;
    const int n_found = d->n_faces;
    /* Faces mostly outside the image are dropped like misses (their landmarks are guesses,
     * and the full cascade does not find them): marked used, they neither continue a track
     * nor start one. */
    unsigned char *used = mtcnn__buf_reserve(&t->face_used, (size_t)n_found + (size_t)t->n_tracks + 1);
    if (!used)
        return mtcam_set_error(MTCNN_ENOMEM, "track: out of memory");
    unsigned char *face_used = used, *track_used = used + n_found;
    memset(used, 0, (size_t)n_found + (size_t)t->n_tracks);
    for (int j = 0; j < n_found; j++)
        face_used[j] = inside_fraction(found[j].box, src.width, src.height) < o->min_inside;

    /* Faces to tracks: the best overlaps with the predicted boxes first, one to one. */
    match *pairs = mtcnn__buf_reserve(&t->pairs, (size_t)(t->n_tracks * n_found + 1) * sizeof *pairs);
    if (!pairs)
        return mtcam_set_error(MTCNN_ENOMEM, "track: out of memory");
    int n_pairs = 0;
    for (int i = 0; i < t->n_tracks; i++) {
        float p[4];
        predict(&t->tracks[i], p);
        for (int j = 0; j < n_found; j++) {
            if (face_used[j])
                continue;
            const double v = iou(p, found[j].box);
            if (v >= TRACK_MATCH_IOU)
                pairs[n_pairs++] = (match){v, i, j};
        }
    }
    qsort(pairs, (size_t)n_pairs, sizeof *pairs, match_cmp);
    for (int k = 0; k < n_pairs; k++) {
        const match *m = &pairs[k];
        if (face_used[m->face] || track_used[m->track])
            continue;
        face_used[m->face] = track_used[m->track] = 1;
        track_take(t, &t->tracks[m->track], &found[m->face], now, 0);
    }
    /* Tracks without a face miss the frame; past the grace they end (order kept, so the
     * tracks stay in ascending id order). */
    int kept = 0, ended = 0;
    for (int i = 0; i < t->n_tracks; i++) {
        track *tr = &t->tracks[i];
        if (!track_used[i] && ++tr->misses > o->grace) {
            ended++;
            continue;
        }
        t->tracks[kept++] = *tr;
    }
    t->n_tracks = kept;
    /* Faces no track took start new ones, in the cascade's order (descending score). */
    int born = 0;
    for (int j = 0; j < n_found; j++) {
        if (face_used[j])
            continue;
        if ((rc = tracks_room(t, t->n_tracks + 1)))
            return rc;
        track *tr = &t->tracks[t->n_tracks++];
        memset(tr, 0, sizeof *tr);
        tr->id = t->next_id++;
        track_take(t, tr, &found[j], now, 1);
        born++;
    }

    mtcnn_face *out = mtcnn__buf_reserve(&t->out, (size_t)(t->n_tracks + 1) * sizeof *out);
    if (!out)
        return mtcam_set_error(MTCNN_ENOMEM, "track: out of memory");
    int n_out = 0;
    for (int i = 0; i < t->n_tracks; i++)
        if (t->tracks[i].misses == 0)
            out[n_out++] = t->tracks[i].out;

    t->info = (mtcnn_track_info){.mode = full ? MTCNN_FRAME_SCAN : MTCNN_FRAME_TRACK,
                                 .scan_part = full ? -1 : part,
                                 .frame = t->frame,
                                 .n_tracks = t->n_tracks,
                                 .n_new = born,
                                 .n_ended = ended};
    if (full) {
        t->last_scan = t->frame;
        t->scan_asked = 0;
    }
    t->frame++;
    t->info.ms = mtcam_ms_since(start);
    *faces = out;
    *count = n_out;
    return 0;
}
