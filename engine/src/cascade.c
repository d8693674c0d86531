/* cascade.c - the three stages of MTCNN and the glue between them, exactly as the original
 * (docs: ../shared/docs/mtcnn-spec.md sections 4-7). */
#include <math.h>
#include <string.h>

#include "clock.h"
#include "detector.h"
#include "err.h"
#include "model.h"
#include "net.h"

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
        for (int p = 0; p < 5; p++) {
            f[i].landmarks[p][0] = with_landmarks ? b[i].lm[p] : 0.0f;
            f[i].landmarks[p][1] = with_landmarks ? b[i].lm[5 + p] : 0.0f;
        }
    }
    *count = n;
    return 0;
}

/* Stage 1: pyramid + P-Net proposals. Leaves the boxes in d->boxes[0]; returns their count. */
static int stage_pnet(mtcnn_detector *d, const mtcnn__src *src)
{
    const mtcnn_options *o = &d->opt;
    double scales[MTCNN__MAX_SCALES];
    const int ns = mtcnn__pyramid_scales(src->width, src->height, o->min_face, o->factor, scales);
    d->stats.n_scales = ns;
    int total = 0;
    double ms_resize = 0, ms_net = 0, ms_nms = 0;
    for (int si = 0; si < ns; si++) {
        const double s = scales[si];
        const int hs = (int)ceil(src->height * s), ws = (int)ceil(src->width * s);
        int64_t t0 = mtcam_now_ns();
        float *level = mtcnn__buf_reserve(&d->level, (size_t)3 * hs * ws * sizeof(float));
        if (!level)
            return MTCNN_ENOMEM;
        /* The level stays in float: the reference results are reproduced exactly that way
         * (rounding the level to 8 bits, as a uint8 resize would, moves test2's box by
         * more than a pixel). */
        int rc = mtcnn__resample_normalise(src, 0, 0, src->width, src->height, ws, hs, level,
                                           &d->resample);
        if (rc)
            return rc;
        int64_t t1 = mtcam_now_ns();
        const int ho = mtcnn__pnet_out(hs), wo = mtcnn__pnet_out(ws);
        const size_t plane = (size_t)ho * wo;
        float *scratch = mtcnn__buf_reserve(&d->net, mtcnn__pnet_scratch_floats(hs, ws) * sizeof(float));
        float *maps = mtcnn__buf_reserve(&d->maps, 5 * plane * sizeof(float));
        if (!scratch || !maps)
            return MTCNN_ENOMEM;
        float *prob = maps, *reg = maps + plane;
        d->stats.pnet_macs += mtcnn__pnet_forward(d->model, d->k, level, hs, ws, scratch, prob, reg);
        int64_t t2 = mtcam_now_ns();

        /* Candidates: every cell over t1 maps back to its 12x12 window in the image. The
         * original transposes the regression maps when exactly one cell passes; the spec
         * says to treat that case like any other, as done here. */
        int n = 0;
        for (size_t c = 0; c < plane; c++)
            n += prob[c] >= o->thresholds[0];
        mtcnn__box *b = boxes_room(d, 0, total, total + n);
        if (!b)
            return MTCNN_ENOMEM;
        mtcnn__box *nb = b + total;
        int k = 0;
        for (int i = 0; i < ho; i++)
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
        int64_t t3 = mtcam_now_ns();
        ms_resize += (t1 - t0) * 1e-6;
        ms_net += (t2 - t1) * 1e-6;
        ms_nms += (t3 - t2) * 1e-6;
    }
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
    d->stats.ms_pyramid += ms_resize;
    d->stats.ms_pnet += ms_net;
    d->stats.ms_nms += ms_nms + mtcam_ms_since(t0);
    return total;
}

/* Stage 2: R-Net on the n boxes in d->boxes[0]. Returns the survivors' count. */
static int stage_rnet(mtcnn_detector *d, const mtcnn__src *src, int n)
{
    int64_t t0 = mtcam_now_ns();
    float *scratch = mtcnn__buf_reserve(&d->net, (MTCNN__RNET_SCRATCH_FLOATS + 3 * 24 * 24) * sizeof(float));
    if (!scratch)
        return MTCNN_ENOMEM;
    float *in = scratch + MTCNN__RNET_SCRATCH_FLOATS;
    mtcnn__box *b = d->boxes[0].p;
    int kept = 0;
    for (int i = 0; i < n; i++) {
        int rc = mtcnn__crop(d, src, &b[i], 24, in);
        if (rc)
            return rc;
        float out[5];
        mtcnn__rnet_forward(d->model, d->k, in, scratch, out);
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
    d->stats.ms_rnet += (t1 - t0) * 1e-6;
    d->stats.ms_nms += mtcam_ms_since(t1);
    return kept;
}

/* Stage 3: O-Net with landmarks. Returns the survivors' count. */
static int stage_onet(mtcnn_detector *d, const mtcnn__src *src, int n)
{
    int64_t t0 = mtcam_now_ns();
    float *scratch = mtcnn__buf_reserve(&d->net, (MTCNN__ONET_SCRATCH_FLOATS + 3 * 48 * 48) * sizeof(float));
    if (!scratch)
        return MTCNN_ENOMEM;
    float *in = scratch + MTCNN__ONET_SCRATCH_FLOATS;
    mtcnn__box *b = d->boxes[0].p;
    int kept = 0;
    for (int i = 0; i < n; i++) {
        mtcnn__box q = b[i];
        mtcnn__fix(&q);
        int rc = mtcnn__crop(d, src, &q, 48, in);
        if (rc)
            return rc;
        float out[15];
        mtcnn__onet_forward(d->model, d->k, in, scratch, out);
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
    const int64_t start = mtcam_now_ns();
    memset(&d->stats, 0, sizeof d->stats);
    d->n_faces = d->n_stage[0] = d->n_stage[1] = d->n_stage[2] = 0;
    int rc;
    int n = stage_pnet(d, src);
    if (n < 0)
        return mtcam_set_error(n, "detect: %s", mtcnn_strerror(n));
    d->stats.n_pnet = n;
    if ((rc = publish(d, &d->stage_faces[0], &d->n_stage[0], d->boxes[0].p, n, 0)))
        goto fail;
    /* A stage that gets no boxes is skipped and n stays 0, so the results are always the
     * boxes leaving the last stage asked for. */
    if (d->opt.stages >= 2 && n > 0) {
        n = stage_rnet(d, src, n);
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
