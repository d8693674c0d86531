/* cascade.c - the three stages of MTCNN and the glue between them, exactly as the original
 * (docs: ../shared/docs/mtcnn-spec.md sections 4-7). */
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "clock.h"
#include "detector.h"
#include "err.h"
#include "model.h"
#include "net.h"
#include "pool.h"

/* Makes room for `need` boxes in d->boxes[which], keeping the first `have`. */
static mtcnn__box *boxes_room(mtcnn_detector *d, int which, int have, int need)
{
    return mtcnn__buf_grow(&d->boxes[which], (size_t)need * sizeof(mtcnn__box),
                           (size_t)have * sizeof(mtcnn__box));
}

/* NMS over b[0..n), compacting the survivors to the front in descending score order.
 * `other` is the spare box buffer used for the gather. Returns the new count or < 0. */
static int nms_compact(mtcnn_detector *d, int which, int n, double thr, int use_min)
{
    if (n == 0)
        return 0;
    int *keep = mtcnn__buf_reserve(&d->keep, (size_t)n * sizeof(int));
    void *scratch = mtcnn__buf_reserve(&d->nms, mtcnn__nms_scratch_bytes(n));
    mtcnn__box *tmp = boxes_room(d, !which, 0, n);
    if (!keep || !scratch || !tmp)
        return MTCNN_ENOMEM;
    mtcnn__box *b = d->boxes[which].p;
    const int kept = mtcnn__nms(b, n, thr, use_min, keep, scratch);
    for (int i = 0; i < kept; i++)
        tmp[i] = b[keep[i]];
    memcpy(b, tmp, (size_t)kept * sizeof *b);
    return kept;
}

/* Copies boxes into the caller-visible results of a stage, 0-based. */
static int publish(mtcnn_detector *d, mtcnn__buf *dst, int *count, const mtcnn__box *b, int n,
                   int with_landmarks)
{
    mtcnn_face *f = mtcnn__buf_reserve(dst, (size_t)(n ? n : 1) * sizeof *f);
    if (!f)
        return MTCNN_ENOMEM;
    for (int i = 0; i < n; i++) {
        /* The original's boxes are 1-based and inclusive: the 0-based pixel is one less.
         * Its landmarks already carry the -1 (spec 6.3). */
        f[i].box[0] = (float)(b[i].x1 - 1);
        f[i].box[1] = (float)(b[i].y1 - 1);
        f[i].box[2] = (float)(b[i].x2 - 1);
        f[i].box[3] = (float)(b[i].y2 - 1);
        f[i].score = b[i].score;
        f[i].has_landmarks = with_landmarks;
        f[i].id = 0;
        for (int p = 0; p < 5; p++) {
            f[i].landmarks[p][0] = with_landmarks ? b[i].lm[p] : 0.0f;
            f[i].landmarks[p][1] = with_landmarks ? b[i].lm[5 + p] : 0.0f;
        }
    }
    *count = n;
    return 0;
}

/* ---- work spread over the detector's pool ------------------------------------------------
 * Stage 1 runs as one job of (pyramid level, band of output rows) tasks: each task resamples
 * the level rows its band reads and runs P-Net on them into that level's maps. Stages 2 and 3
 * run as jobs of crop batches. Every task writes only its own rows / boxes and its own
 * thread's scratch, and per output value the arithmetic does not depend on the split, so the
 * results are identical for any thread count. */

typedef struct pnet_level {
    double scale;
    int hs, ws, ho, wo;
    size_t map; /* offset of the level's prob map in d->maps; 4 reg planes follow */
} pnet_level;

typedef struct pnet_band {
    int level, r0, r1; /* output rows [r0, r1) */
} pnet_band;

typedef struct pnet_job {
    mtcnn_detector *d;
    const mtcnn__src *src;
    const pnet_level *lv;
    const pnet_band *band;
    float *maps;
    atomic_int err;
} pnet_job;

static void pnet_task(void *ctx, int task, int worker)
{
    pnet_job *j = ctx;
    mtcnn_detector *d = j->d;
    mtcnn__thread_scratch *ts = &d->ts[worker];
    const pnet_band *bd = &j->band[task];
    const pnet_level *L = &j->lv[bd->level];
    const size_t plane = (size_t)L->ho * L->wo;
    float *prob = j->maps + L->map, *reg = prob + plane;
    const int64_t t0 = mtcam_now_ns();
    int rc = 0;
    if (mtcnn__net_hwc(d->k)) {
        /* Band rows [r0, r1) read level rows [2 r0, 2 r1 + 10): a P-Net on that strip. */
        const int y0 = 2 * bd->r0, y1 = 2 * bd->r1 + 10 < L->hs ? 2 * bd->r1 + 10 : L->hs;
        const int h = y1 - y0;
        float *in = mtcnn__buf_reserve(&ts->level, (size_t)3 * h * L->ws * sizeof(float));
        float *scratch = mtcnn__buf_reserve(&ts->net, mtcnn__pnet_scratch_floats(h, L->ws) * sizeof(float));
        if (!in || !scratch)
            rc = MTCNN_ENOMEM;
        if (!rc)
            rc = mtcnn__resample_normalise_hwc(d->k, j->src, 0, 0, j->src->width,
                                               j->src->height, L->ws, L->hs, y0, y1, in,
                                               &ts->resample);
        const int64_t t1 = mtcam_now_ns();
        if (!rc)
            ts->macs += mtcnn__pnet_forward_hwc(d->model, d->k, in, h, L->ws, scratch,
                                                prob + (size_t)bd->r0 * L->wo,
                                                reg + (size_t)bd->r0 * L->wo, plane);
        ts->ms_a += (t1 - t0) * 1e-6;
        ts->ms_b += mtcam_ms_since(t1);
    } else {
        /* The reference path: whole levels, planar. The level stays in float: the
         * reference results are reproduced exactly that way (rounding the level to 8 bits,
         * as a uint8 resize would, moves test2's box by more than a pixel). */
        float *level = mtcnn__buf_reserve(&ts->level, (size_t)3 * L->hs * L->ws * sizeof(float));
        float *scratch = mtcnn__buf_reserve(&ts->net, mtcnn__pnet_scratch_floats(L->hs, L->ws) * sizeof(float));
        if (!level || !scratch)
            rc = MTCNN_ENOMEM;
        if (!rc)
            rc = mtcnn__resample_normalise(j->src, 0, 0, j->src->width, j->src->height, L->ws,
                                           L->hs, level, &ts->resample);
        const int64_t t1 = mtcam_now_ns();
        if (!rc)
            ts->macs += mtcnn__pnet_forward(d->model, d->k, level, L->hs, L->ws, scratch, prob,
                                            reg);
        ts->ms_a += (t1 - t0) * 1e-6;
        ts->ms_b += mtcam_ms_since(t1);
    }
    if (rc)
        atomic_store(&j->err, rc);
}

/* Clears the per-thread accumulators before a job. */
static void ts_reset(mtcnn_detector *d)
{
    for (int i = 0; i < d->n_threads; i++)
        d->ts[i].ms_a = d->ts[i].ms_b = d->ts[i].macs = 0;
}

/* Splits a job's wall time between its two phases in the ratio of the threads' summed
 * times (with one thread that is the measured time of each); sums the MACs. */
static void ts_collect(mtcnn_detector *d, double wall_ms, double *ms_a, double *ms_b,
                       double *macs)
{
    double a = 0, b = 0, m = 0;
    for (int i = 0; i < d->n_threads; i++)
        a += d->ts[i].ms_a, b += d->ts[i].ms_b, m += d->ts[i].macs;
    const double sum = a + b;
    if (ms_a)
        *ms_a += sum > 0 ? wall_ms * a / sum : 0;
    if (ms_b)
        *ms_b += sum > 0 ? wall_ms * b / sum : wall_ms;
    if (macs)
        *macs += m;
}

/* Cuts every level into bands for part `part` of `n_parts` (n_parts 1: the whole pyramid).
 * With one part: one band per level with one thread (no rows computed twice); with more
 * threads, levels bigger than a share of the work are cut so the threads finish together.
 * With several parts (the tracker's partial scan): the coarsest levels (the big faces), which
 * together cost at most 1/(2 n_parts) of the pyramid, are in every part; the other levels are
 * cut into bands of at most 1/n_parts of their cost, independently of the thread count, and
 * each band goes to the part its cost midpoint falls in, so the parts cover every output row
 * exactly once. Each level's rows in the part are [row0, row1). Returns the band count. */
static int plan_bands(const pnet_level *lv, int ns, double cost, int hwc, int threads,
                      int part, int n_parts, pnet_band *band, int *row0, int *row1)
{
    int every = ns; /* levels [every, ns) are in every part */
    double rest = cost;
    if (n_parts > 1) {
        double tail = 0;
        while (every > 0 &&
               tail + (double)lv[every - 1].hs * lv[every - 1].ws <= cost / (2.0 * n_parts)) {
            every--;
            tail += (double)lv[every].hs * lv[every].ws;
        }
        rest = cost - tail;
    }
    int n_bands = 0;
    double done = 0;
    for (int si = 0; si < ns; si++) {
        const double c = (double)lv[si].hs * lv[si].ws;
        const int split = n_parts > 1 && si < every;
        const double share = split ? rest / n_parts : cost / (2.0 * threads);
        int nb = hwc && (threads > 1 || split) ? (int)ceil(c / share - 0.25) : 1;
        nb = nb < 1 ? 1 : nb > lv[si].ho ? lv[si].ho : nb;
        if (row0)
            row0[si] = row1[si] = 0;
        for (int b = 0; b < nb; b++) {
            const int r0 = lv[si].ho * b / nb, r1 = lv[si].ho * (b + 1) / nb;
            const double cb = c * (r1 - r0) / lv[si].ho;
            const int p = split ? (int)((done + cb / 2) / rest * n_parts) : part;
            done += split ? cb : 0;
            if (p != part)
                continue;
            if (row0 && row1[si] == row0[si])
                row0[si] = r0;
            if (row1)
                row1[si] = r1;
            /* A part's band is split again between the threads (the split never changes a
             * value). */
            const int sub = split && hwc && threads > 1 ? threads : 1;
            for (int k = 0; k < sub; k++) {
                const int s0 = r0 + (r1 - r0) * k / sub, s1 = r0 + (r1 - r0) * (k + 1) / sub;
                if (s1 > s0 && band)
                    band[n_bands] = (pnet_band){si, s0, s1};
                n_bands += s1 > s0;
            }
        }
    }
    return n_bands;
}

/* Stage 1: pyramid + P-Net proposals on part `part` of `n_parts` of the pyramid. Leaves the
 * boxes in d->boxes[0]; returns their count. */
static int stage_pnet(mtcnn_detector *d, const mtcnn__src *src, int part, int n_parts)
{
    const mtcnn_options *o = &d->opt;
    double scales[MTCNN__MAX_SCALES];
    const int ns = mtcnn__pyramid_scales(src->width, src->height, o->min_face, o->factor, scales);
    d->stats.n_scales = ns;
    pnet_level lv[MTCNN__MAX_SCALES];
    size_t map_floats = 0;
    double cost = 0;
    for (int si = 0; si < ns; si++) {
        pnet_level *L = &lv[si];
        L->scale = scales[si];
        L->hs = (int)ceil(src->height * L->scale);
        L->ws = (int)ceil(src->width * L->scale);
        L->ho = mtcnn__pnet_out(L->hs);
        L->wo = mtcnn__pnet_out(L->ws);
        L->map = map_floats;
        map_floats += (size_t)5 * L->ho * L->wo;
        cost += (double)L->hs * L->ws;
    }
    const int hwc = mtcnn__net_hwc(d->k), threads = d->n_threads;
    int row0[MTCNN__MAX_SCALES], row1[MTCNN__MAX_SCALES];
    const int n_bands = plan_bands(lv, ns, cost, hwc, threads, part, n_parts, NULL, NULL, NULL);
    pnet_band *band = mtcnn__buf_reserve(&d->bands, (size_t)(n_bands ? n_bands : 1) * sizeof *band);
    float *maps = mtcnn__buf_reserve(&d->maps, map_floats * sizeof(float));
    if (!band || !maps)
        return MTCNN_ENOMEM;
    plan_bands(lv, ns, cost, hwc, threads, part, n_parts, band, row0, row1);
    pnet_job job = {.d = d, .src = src, .lv = lv, .band = band, .maps = maps};
    atomic_init(&job.err, 0);
    ts_reset(d);
    const int64_t tj = mtcam_now_ns();
    mtcnn__pool_run(d->pool, pnet_task, &job, n_bands);
    ts_collect(d, mtcam_ms_since(tj), &d->stats.ms_pyramid, &d->stats.ms_pnet,
               &d->stats.pnet_macs);
    if (atomic_load(&job.err))
        return atomic_load(&job.err);

    const int64_t tn = mtcam_now_ns();
    int total = 0;
    for (int si = 0; si < ns; si++) {
        const double s = lv[si].scale;
        const int ho = lv[si].ho, wo = lv[si].wo;
        const size_t plane = (size_t)ho * wo;
        const float *prob = maps + lv[si].map, *reg = prob + plane;
        /* Candidates: every cell over t1 maps back to its 12x12 window in the image. The
         * original transposes the regression maps when exactly one cell passes; the spec
         * says to treat that case like any other, as done here. */
        int n = 0;
        for (size_t c = (size_t)row0[si] * wo; c < (size_t)row1[si] * wo; c++)
            n += prob[c] >= o->thresholds[0];
        mtcnn__box *b = boxes_room(d, 0, total, total + n);
        if (!b)
            return MTCNN_ENOMEM;
        mtcnn__box *nb = b + total;
        int k = 0;
        for (int i = row0[si]; i < row1[si]; i++)
            for (int j = 0; j < wo; j++) {
                const size_t c = (size_t)i * wo + j;
                if (!(prob[c] >= o->thresholds[0]))
                    continue;
                mtcnn__box *q = &nb[k++];
                memset(q, 0, sizeof *q);
                q->x1 = trunc((2.0 * j + 1) / s);
                q->y1 = trunc((2.0 * i + 1) / s);
                q->x2 = trunc((2.0 * j + 12) / s);
                q->y2 = trunc((2.0 * i + 12) / s);
                q->score = prob[c];
                for (int r = 0; r < 4; r++)
                    q->reg[r] = reg[r * plane + c];
            }
        d->stats.n_pnet_raw += n;
        /* NMS within the scale (IoU 0.5) on the unregressed boxes: the survivors of this
         * scale are moved to the front of the new part, then appended to the global list. */
        if (n > 0) {
            int *keep = mtcnn__buf_reserve(&d->keep, (size_t)n * sizeof(int));
            void *ns_scratch = mtcnn__buf_reserve(&d->nms, mtcnn__nms_scratch_bytes(n));
            mtcnn__box *tmp = boxes_room(d, 1, 0, n);
            if (!keep || !ns_scratch || !tmp)
                return MTCNN_ENOMEM;
            const int kept = mtcnn__nms(nb, n, 0.5, 0, keep, ns_scratch);
            for (int q = 0; q < kept; q++)
                tmp[q] = nb[keep[q]];
            memcpy(nb, tmp, (size_t)kept * sizeof *nb);
            total += kept;
        }
    }
    const double ms_nms = mtcam_ms_since(tn);
    int64_t t0 = mtcam_now_ns();
    /* Across scales: NMS 0.7, then the P-Net regression (side without +1), square, truncate. */
    total = nms_compact(d, 0, total, 0.7, 0);
    if (total < 0)
        return total;
    mtcnn__box *b = d->boxes[0].p;
    for (int i = 0; i < total; i++) {
        mtcnn__bbreg(&b[i], 0);
        mtcnn__rerec(&b[i]);
        mtcnn__fix(&b[i]);
    }
    d->stats.ms_nms += ms_nms + mtcam_ms_since(t0);
    return total;
}

/* Crop batches for R-Net (side 24) and O-Net (side 48): crops cut per thread, then the
 * net over the batch; out gets `out_n` floats per box. */
typedef struct box_job {
    mtcnn_detector *d;
    const mtcnn__src *src;
    const mtcnn__box *b;
    int n, chunk, side, onet;
    float *out;
    atomic_int err;
} box_job;

static void box_task(void *ctx, int task, int worker)
{
    box_job *j = ctx;
    mtcnn_detector *d = j->d;
    mtcnn__thread_scratch *ts = &d->ts[worker];
    const int i0 = task * j->chunk, i1 = i0 + j->chunk < j->n ? i0 + j->chunk : j->n;
    const int m = i1 - i0, px = 3 * j->side * j->side;
    const size_t scratch_floats = j->onet ? mtcnn__onet_batch_scratch_floats(m)
                                          : mtcnn__rnet_batch_scratch_floats(m);
    float *crops = mtcnn__buf_reserve(&ts->level, (size_t)m * px * sizeof(float));
    float *scratch = mtcnn__buf_reserve(&ts->net, scratch_floats * sizeof(float));
    int rc = crops && scratch ? 0 : MTCNN_ENOMEM;
    const int64_t t0 = mtcam_now_ns();
    for (int i = i0; i < i1 && !rc; i++) {
        mtcnn__box q = j->b[i];
        if (j->onet)
            mtcnn__fix(&q);
        /* In the layout the net path wants: CHW for the reference, HWC for the fast one. */
        rc = mtcnn__crop_into(mtcnn__net_hwc(d->k) ? d->k : NULL, &ts->resample, j->src, &q,
                              j->side, crops + (size_t)(i - i0) * px);
    }
    const int64_t t1 = mtcam_now_ns();
    if (!rc && j->onet)
        mtcnn__onet_forward_batch(d->model, d->k, crops, m, scratch,
                                  j->out + (size_t)i0 * MTCNN__ONET_OUT);
    else if (!rc)
        mtcnn__rnet_forward_batch(d->model, d->k, crops, m, scratch,
                                  j->out + (size_t)i0 * MTCNN__RNET_OUT);
    ts->ms_a += (t1 - t0) * 1e-6;
    ts->ms_b += mtcam_ms_since(t1);
    if (rc)
        atomic_store(&j->err, rc);
}

/* Runs R-Net (onet 0) or O-Net (1) on the n boxes of d->boxes[0]; returns the outputs. */
static float *run_box_net(mtcnn_detector *d, const mtcnn__src *src, int n, int onet, int *rc)
{
    const int out_n = onet ? MTCNN__ONET_OUT : MTCNN__RNET_OUT;
    float *out = mtcnn__buf_reserve(&d->netout, (size_t)n * out_n * sizeof(float));
    if (!out) {
        *rc = MTCNN_ENOMEM;
        return NULL;
    }
    /* Batches big enough that the FC weights are read once for many crops, small enough
     * that every thread gets some (the chunk never changes a box's result). */
    const int max_chunk = onet ? 16 : 32;
    int chunk = d->n_threads > 1 ? (n + 2 * d->n_threads - 1) / (2 * d->n_threads) : max_chunk;
    chunk = chunk < 1 ? 1 : chunk > max_chunk ? max_chunk : chunk;
    box_job job = {.d = d, .src = src, .b = d->boxes[0].p, .n = n, .chunk = chunk,
                   .side = onet ? 48 : 24, .onet = onet, .out = out};
    atomic_init(&job.err, 0);
    ts_reset(d);
    mtcnn__pool_run(d->pool, box_task, &job, (n + chunk - 1) / chunk);
    *rc = atomic_load(&job.err);
    return *rc ? NULL : out;
}

/* Stage 2: R-Net on the n boxes in d->boxes[0]. Returns the survivors' count. */
static int stage_rnet(mtcnn_detector *d, const mtcnn__src *src, int n, int merge_regressed)
{
    int64_t t0 = mtcam_now_ns();
    int rc;
    const float *outs = run_box_net(d, src, n, 0, &rc);
    if (!outs)
        return rc;
    mtcnn__box *b = d->boxes[0].p;
    int kept = 0;
    for (int i = 0; i < n; i++) {
        const float *out = outs + (size_t)i * MTCNN__RNET_OUT;
        /* Strict '>' here, unlike P-Net's '>=' (as the original). The box stays the input
         * box with the new score; the regression is applied after NMS. */
        if (out[0] > d->opt.thresholds[1]) {
            mtcnn__box q = b[i];
            q.score = out[0];
            memcpy(q.reg, out + 1, sizeof q.reg);
            b[kept++] = q;
        }
    }
    d->stats.rnet_macs += n * MTCNN__RNET_MACS;
    int64_t t1 = mtcam_now_ns();
    kept = nms_compact(d, 0, kept, 0.7, 0);
    if (kept < 0)
        return kept;
    b = d->boxes[0].p;
    for (int i = 0; i < kept; i++) {
        mtcnn__bbreg(&b[i], 1);
        mtcnn__rerec(&b[i]);
    }
    /* The tracker's candidates around one face converge on it under R-Net's regression:
     * one O-Net pass per face is enough (the original has no such step). */
    if (merge_regressed && kept > 0 && (kept = nms_compact(d, 0, kept, 0.7, 0)) < 0)
        return kept;
    d->stats.ms_rnet += (t1 - t0) * 1e-6;
    d->stats.ms_nms += mtcam_ms_since(t1);
    return kept;
}

/* Stage 3: O-Net with landmarks. Returns the survivors' count. */
static int stage_onet(mtcnn_detector *d, const mtcnn__src *src, int n)
{
    int64_t t0 = mtcam_now_ns();
    int rc0;
    const float *outs = run_box_net(d, src, n, 1, &rc0);
    if (!outs)
        return rc0;
    mtcnn__box *b = d->boxes[0].p;
    int kept = 0;
    for (int i = 0; i < n; i++) {
        const float *out = outs + (size_t)i * MTCNN__ONET_OUT;
        mtcnn__box q = b[i];
        mtcnn__fix(&q);
        if (!(out[0] > d->opt.thresholds[2]))
            continue;
        q.score = out[0];
        memcpy(q.reg, out + 1, sizeof q.reg);
        /* Landmarks are relative to this input (pre-regression) box: keep both. */
        memcpy(q.lm, out + 5, sizeof q.lm);
        q.cx1 = q.x1, q.cy1 = q.y1, q.cx2 = q.x2, q.cy2 = q.y2;
        mtcnn__bbreg(&q, 1);
        b[kept++] = q;
    }
    d->stats.onet_macs += n * MTCNN__ONET_MACS;
    int64_t t1 = mtcam_now_ns();
    kept = nms_compact(d, 0, kept, 0.7, 1);
    if (kept < 0)
        return kept;
    int64_t t2 = mtcam_now_ns();
    b = d->boxes[0].p;
    int rc = 0;
    if (d->opt.mirror_landmarks)
        rc = mtcnn__landmarks_mirror(d, src, b, kept);
    for (int i = 0; i < kept && !rc; i++)
        mtcnn__landmarks_place(&b[i]);
    if (!rc && d->opt.refine_landmarks && d->model->has_lnet)
        rc = mtcnn__landmarks_lnet(d, src, b, kept);
    if (rc)
        return rc;
    d->stats.ms_onet += (t1 - t0) * 1e-6 + mtcam_ms_since(t2);
    d->stats.ms_nms += (t2 - t1) * 1e-6;
    return kept;
}

int mtcnn__cascade_run(mtcnn_detector *d, const mtcnn__src *src)
{
    return mtcnn__cascade_run_part(d, src, 0, 1, NULL, 0);
}

int mtcnn__cascade_run_part(mtcnn_detector *d, const mtcnn__src *src, int part, int n_parts,
                            const mtcnn__box *extra, int n_extra)
{
    const int64_t start = mtcam_now_ns();
    memset(&d->stats, 0, sizeof d->stats);
    d->n_faces = d->n_stage[0] = d->n_stage[1] = d->n_stage[2] = 0;
    int rc;
    int n = part >= 0 ? stage_pnet(d, src, part, n_parts) : 0;
    if (n < 0)
        return mtcam_set_error(n, "detect: %s", mtcnn_strerror(n));
    if (n_extra > 0) {
        /* The caller's candidates join P-Net's, as P-Net's leave stage 1. */
        mtcnn__box *b = boxes_room(d, 0, n, n + n_extra);
        if (!b)
            return mtcam_set_error(MTCNN_ENOMEM, "detect: %s", mtcnn_strerror(MTCNN_ENOMEM));
        memcpy(b + n, extra, (size_t)n_extra * sizeof *b);
        n += n_extra;
    }
    d->stats.n_pnet = n;
    if ((rc = publish(d, &d->stage_faces[0], &d->n_stage[0], d->boxes[0].p, n, 0)))
        goto fail;
    /* A stage that gets no boxes is skipped and n stays 0, so the results are always the
     * boxes leaving the last stage asked for. */
    if (d->opt.stages >= 2 && n > 0) {
        n = stage_rnet(d, src, n, n_extra > 0);
        if (n < 0) {
            rc = n;
            goto fail;
        }
        d->stats.n_rnet = n;
        if ((rc = publish(d, &d->stage_faces[1], &d->n_stage[1], d->boxes[0].p, n, 0)))
            goto fail;
    }
    if (d->opt.stages >= 3 && n > 0) {
        n = stage_onet(d, src, n);
        if (n < 0) {
            rc = n;
            goto fail;
        }
        d->stats.n_onet = n;
        if ((rc = publish(d, &d->stage_faces[2], &d->n_stage[2], d->boxes[0].p, n, 1)))
            goto fail;
    }
    if ((rc = publish(d, &d->faces, &d->n_faces, d->boxes[0].p, n, d->opt.stages >= 3)))
        goto fail;
    d->stats.ms_total = mtcam_ms_since(start);
    return 0;
fail:
    return mtcam_set_error(rc, "detect: %s", mtcnn_strerror(rc));
}
