/* bench-track.c - mtcam-bench --track: the tracker against full detection on the same frames.
 *
 * Every frame of the source (the demo by default) goes through mtcnn_detect on one detector
 * and mtcnn_track on another, so both see exactly the same pixels in one run. Reported per
 * frame size: the median per-frame time of each (and their ratio), the multiply-adds of each
 * (a load-independent ratio), the fraction of frames where both find as many faces, the
 * landmark jitter of each (median |x[t+1] - 2 x[t] + x[t-1]| over the frames of a track),
 * and the mean lag of the tracked landmarks behind the untracked ones along their motion. */
#include "bench-track.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "clock.h"
#include "err.h"
#include "kernels.h"
#include "resample.h"

#define PROG "mtcam-bench"
#define MAX_FACES 16 /* per frame, for the jitter and lag (more are counted, not followed) */
#define LAG_SPAN 5   /* frames either side that give a landmark's direction of motion */

/* One tracked face with the untracked face matched to it (best IoU >= 0.3). */
typedef struct pair {
    int id;
    int matched;
    float trk[10], det[10]; /* landmarks x0 y0 x1 y1 ... */
} pair;

typedef struct frame_pairs {
    pair p[MAX_FACES];
    int n;
} frame_pairs;

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double load_average(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1)
            l = -1;
        fclose(f);
    }
    return l;
}

static double box_iou(const float *a, const float *b)
{
    const double w = fmin(a[2], b[2]) - fmax(a[0], b[0]) + 1;
    const double h = fmin(a[3], b[3]) - fmax(a[1], b[1]) + 1;
    if (w <= 0 || h <= 0)
        return 0;
    const double i = w * h;
    return i / ((a[2] - a[0] + 1.0) * (a[3] - a[1] + 1.0) + (b[2] - b[0] + 1.0) * (b[3] - b[1] + 1.0) - i);
}

static const pair *find_id(const frame_pairs *f, int id)
{
    for (int i = 0; i < f->n; i++)
        if (f->p[i].id == id && f->p[i].matched)
            return &f->p[i];
    return NULL;
}

static void lm_values(const mtcnn_face *f, float v[10])
{
    for (int p = 0; p < 5; p++) {
        v[2 * p] = f->landmarks[p][0];
        v[2 * p + 1] = f->landmarks[p][1];
    }
}

/* The frame to run: the source's, resized to w x h unless it already has that size. */
static int fit_frame(const mtcam_frame *in, int w, int h, uint8_t *buf, mtcnn__buf *tmp,
                     mtcnn_image *out)
{
    if (in->width == w && in->height == h) {
        *out = (mtcnn_image){in->data, w, h, in->stride, MTCNN_PIXEL_RGB24};
        return 0;
    }
    const mtcnn__src src = {in->data, in->width, in->height, in->stride, 3, {0, 1, 2}};
    int rc = mtcnn__resize_rgb24(mtk_get_table(), &src, w, h, buf, (ptrdiff_t)w * 3, tmp);
    *out = (mtcnn_image){buf, w, h, (ptrdiff_t)w * 3, MTCNN_PIXEL_RGB24};
    return rc;
}

int bench_track_size(const mtcnn_model *model, const bench_track_args *a, int w, int h,
                     bench_track_result *r)
{
    memset(r, 0, sizeof *r);
    r->width = w;
    r->height = h;
    int status = 1;
    capture_source *src = NULL;
    mtcnn_detector *full = NULL, *tdet = NULL;
    mtcnn_tracker *trk = NULL;
    double *ms_det = NULL, *ms_trk = NULL, *mac_det = NULL, *mac_trk = NULL;
    double *jit_det = NULL, *jit_trk = NULL;
    frame_pairs *fp = NULL;
    uint8_t *buf = NULL;
    mtcnn__buf tmp = {0};

    capture_options co;
    capture_options_default(&co);
    co.as_fast_as_possible = 1;
    co.loop = 0;
    if (!strcmp(a->source, "demo")) {
        co.width = w; /* the demo renders at any size: no resampling of a rendered frame */
        co.height = h;
    }
    mtcnn_options o;
    mtcnn_options_default(&o);
    o.min_face = (float)a->min_face;
    o.threads = a->threads;
    o.precision = a->precision;
    const size_t n = (size_t)a->frames;
    ms_det = malloc(n * sizeof *ms_det);
    ms_trk = malloc(n * sizeof *ms_trk);
    mac_det = malloc(n * sizeof *mac_det);
    mac_trk = malloc(n * sizeof *mac_trk);
    jit_det = malloc(n * 10 * MAX_FACES * sizeof *jit_det);
    jit_trk = malloc(n * 10 * MAX_FACES * sizeof *jit_trk);
    fp = calloc(n, sizeof *fp);
    buf = malloc((size_t)w * h * 3);
    if (!ms_det || !ms_trk || !mac_det || !mac_trk || !jit_det || !jit_trk || !fp || !buf) {
        fprintf(stderr, PROG ": out of memory for %zu frames at %dx%d\n", n, w, h);
        goto done;
    }
    if (capture_open(a->source, &co, &src) || mtcnn_detector_create(model, &o, &full) ||
        mtcnn_detector_create(model, &o, &tdet) || mtcnn_tracker_create(tdet, &a->topt, &trk)) {
        fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
        goto done;
    }
    r->precision = mtcnn_precision_name(mtcnn_detector_precision(full));
    r->load[0] = load_average();
    size_t got = 0;
    int agree = 0;
    for (; got < n; got++) {
        const mtcam_frame *f;
        int rc = capture_read(src, &f, 10000);
        if (rc == MTCNN_EEOF)
            break;
        mtcnn_image img;
        if (rc || (rc = fit_frame(f, w, h, buf, &tmp, &img))) {
            fprintf(stderr, PROG ": %s: %s\n", a->source, mtcnn_last_error());
            goto done;
        }
        const mtcnn_face *df, *tf;
        int nd, nt;
        int64_t t0 = mtcam_now_ns();
        if (mtcnn_detect(full, &img, &df, &nd)) {
            fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
            goto done;
        }
        ms_det[got] = mtcam_ms_since(t0);
        t0 = mtcam_now_ns();
        if (mtcnn_track(trk, &img, f->timestamp_ns, &tf, &nt)) {
            fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
            goto done;
        }
        ms_trk[got] = mtcam_ms_since(t0);
        const mtcnn_stats *sd = mtcnn_detector_stats(full), *st = mtcnn_detector_stats(tdet);
        mac_det[got] = sd->pnet_macs + sd->rnet_macs + sd->onet_macs;
        mac_trk[got] = st->pnet_macs + st->rnet_macs + st->onet_macs;
        agree += nd == nt;
        if (nd != nt && r->n_mismatch++ < BENCH_TRACK_MISMATCH_MAX)
            r->mismatch[r->n_mismatch - 1] = (int)got;
        r->scan_frames += mtcnn_tracker_info(trk)->mode == MTCNN_FRAME_SCAN;
        frame_pairs *p = &fp[got];
        for (int j = 0; j < nt && p->n < MAX_FACES; j++) {
            pair *q = &p->p[p->n++];
            q->id = tf[j].id;
            lm_values(&tf[j], q->trk);
            int best = -1;
            double best_iou = 0.3;
            for (int i = 0; i < nd; i++) {
                const double v = box_iou(df[i].box, tf[j].box);
                if (v >= best_iou)
                    best_iou = v, best = i;
            }
            q->matched = best >= 0 && df[best].has_landmarks && tf[j].has_landmarks;
            if (q->matched)
                lm_values(&df[best], q->det);
        }
    }
    r->load[1] = load_average();
    if (got < 3) {
        fprintf(stderr, PROG ": %s gave %zu frames at %dx%d; at least 3 are needed\n", a->source,
                got, w, h);
        goto done;
    }
    /* Jitter: the second difference of every landmark coordinate over three consecutive
     * frames of one track, tracked and untracked (the untracked face matched to it). */
    size_t nj = 0;
    for (size_t t = 1; t + 1 < got; t++)
        for (int i = 0; i < fp[t].n; i++) {
            const pair *c = &fp[t].p[i];
            const pair *b = find_id(&fp[t - 1], c->id), *d = find_id(&fp[t + 1], c->id);
            if (!c->matched || !b || !d)
                continue;
            for (int k = 0; k < 10; k++, nj++) {
                jit_trk[nj] = fabs(d->trk[k] - 2.0 * c->trk[k] + b->trk[k]);
                jit_det[nj] = fabs(d->det[k] - 2.0 * c->det[k] + b->det[k]);
            }
        }
    /* Lag: how far each tracked landmark is behind the untracked one along the untracked
     * landmark's motion (its displacement over +-LAG_SPAN frames of the same track). */
    double lag = 0;
    size_t nl = 0;
    for (size_t t = LAG_SPAN; t + LAG_SPAN < got; t++)
        for (int i = 0; i < fp[t].n; i++) {
            const pair *c = &fp[t].p[i];
            const pair *b = find_id(&fp[t - LAG_SPAN], c->id), *d = find_id(&fp[t + LAG_SPAN], c->id);
            if (!c->matched || !b || !d)
                continue;
            for (int k = 0; k < 5; k++) {
                const double vx = d->det[2 * k] - b->det[2 * k], vy = d->det[2 * k + 1] - b->det[2 * k + 1];
                const double len = hypot(vx, vy);
                if (len < 1e-6)
                    continue;
                lag += ((c->det[2 * k] - c->trk[2 * k]) * vx + (c->det[2 * k + 1] - c->trk[2 * k + 1]) * vy) / len;
                nl++;
            }
        }
    r->frames = (int)got;
    r->agree = (double)agree / (double)got;
    r->jitter_samples = (long)nj;
    r->jitter_det = median(jit_det, nj);
    r->jitter_trk = median(jit_trk, nj);
    r->lag_samples = (long)nl;
    r->lag = nl ? lag / (double)nl : 0;
    r->macs_det = median(mac_det, got);
    r->macs_trk = median(mac_trk, got);
    r->ms_det = median(ms_det, got);
    r->ms_trk = median(ms_trk, got);
    r->min_ms_det = ms_det[0];
    r->min_ms_trk = ms_trk[0];
    status = 0;
done:
    mtcnn__buf_free(&tmp);
    free(buf);
    free(fp);
    free(jit_trk);
    free(jit_det);
    free(mac_trk);
    free(mac_det);
    free(ms_trk);
    free(ms_det);
    mtcnn_tracker_destroy(trk);
    mtcnn_detector_destroy(tdet);
    mtcnn_detector_destroy(full);
    capture_close(src);
    return status;
}

void bench_track_print(const bench_track_args *a, const bench_track_result *r, int json)
{
    if (json) {
        printf("{\"source\": \"%s\", \"width\": %d, \"height\": %d, \"frames\": %d, "
               "\"min_face\": %d, \"threads\": %d, \"precision\": \"%s\", \"scan_parts\": %d, "
               "\"load_avg\": [%.2f, %.2f], "
               "\"detect_ms\": %.3f, \"track_ms\": %.3f, \"time_ratio\": %.4f, "
               "\"detect_min_ms\": %.3f, \"track_min_ms\": %.3f, \"detect_mmacs\": %.2f, "
               "\"track_mmacs\": %.2f, \"mac_ratio\": %.4f, \"scan_frames\": %d, "
               "\"count_agreement\": %.4f, \"jitter_detect_px\": %.4f, \"jitter_track_px\": %.4f, "
               "\"jitter_ratio\": %.4f, \"jitter_samples\": %ld, \"lag_px\": %.4f, "
               "\"lag_samples\": %ld, \"count_mismatch_frames\": [",
               a->source, r->width, r->height, r->frames, a->min_face, a->threads,
               r->precision, a->topt.scan_parts, r->load[0], r->load[1], r->ms_det, r->ms_trk,
               r->ms_det > 0 ? r->ms_trk / r->ms_det : 0, r->min_ms_det, r->min_ms_trk,
               r->macs_det * 1e-6, r->macs_trk * 1e-6,
               r->macs_det > 0 ? r->macs_trk / r->macs_det : 0, r->scan_frames, r->agree,
               r->jitter_det, r->jitter_trk, r->jitter_det > 0 ? r->jitter_trk / r->jitter_det : 0,
               r->jitter_samples, r->lag, r->lag_samples);
        for (int i = 0; i < r->n_mismatch && i < BENCH_TRACK_MISMATCH_MAX; i++)
            printf("%s%d", i ? ", " : "", r->mismatch[i]);
        printf("]}\n");
        return;
    }
    printf("%s at %dx%d, %d frames, min face %d, %d thread%s, %s, scan parts %d; load average "
           "%.2f -> %.2f\n",
           a->source, r->width, r->height, r->frames, a->min_face, a->threads,
           a->threads > 1 ? "s" : "", r->precision, a->topt.scan_parts, r->load[0], r->load[1]);
    printf("  per frame (median)   detect %8.2f ms   track %8.2f ms   ratio %.3f  (min %.2f / %.2f ms)\n",
           r->ms_det, r->ms_trk, r->ms_det > 0 ? r->ms_trk / r->ms_det : 0, r->min_ms_det,
           r->min_ms_trk);
    printf("  multiply-adds        detect %8.1f M    track %8.1f M    ratio %.3f  (%d scan frames)\n",
           r->macs_det * 1e-6, r->macs_trk * 1e-6,
           r->macs_det > 0 ? r->macs_trk / r->macs_det : 0, r->scan_frames);
    printf("  face count agrees    %.1f%% of frames", 100 * r->agree);
    if (r->n_mismatch > 0) {
        printf("; differs at frame%s", r->n_mismatch > 1 ? "s" : "");
        for (int i = 0; i < r->n_mismatch && i < BENCH_TRACK_MISMATCH_MAX; i++)
            printf(" %d", r->mismatch[i]);
        if (r->n_mismatch > BENCH_TRACK_MISMATCH_MAX)
            printf(" ...");
    }
    printf("\n");
    printf("  landmark jitter      detect %.3f px   track %.3f px   ratio %.3f  (%ld samples)\n",
           r->jitter_det, r->jitter_trk, r->jitter_det > 0 ? r->jitter_trk / r->jitter_det : 0,
           r->jitter_samples);
    printf("  lag behind detect    %.3f px along the motion  (%ld samples)\n", r->lag,
           r->lag_samples);
}
