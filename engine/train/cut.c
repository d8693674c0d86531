/* cut.c - samples cut from annotated images: random and near-face negatives, positives and
 * part faces by IoU, landmark faces, and the hard samples mined with the detector itself. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "resample.h"
#include "samples.h"

int mtt_samples_add_crop(mtt_sample_set *s, const mtcnn_image *img, int x0, int y0, int side,
                         int kind, const float *box, const float *lm)
{
    if (img->format != MTCNN_PIXEL_RGB24 || side < 1)
        return mtcam_set_error(MTCNN_EINVAL, "training crop: needs an RGB24 image and a side");
    const mtcnn__src src = {img->data, img->width, img->height, img->stride, 3, {0, 1, 2}};
    const int n = s->side;
    float buf[3 * 48 * 48];
    uint8_t pix[48 * 48 * 3];
    mtcnn__buf tmp = {0};
    int rc = mtcnn__resample_normalise(&src, x0, y0, side, side, n, n, buf, &tmp);
    mtcnn__buf_free(&tmp);
    if (rc)
        return rc;
    /* Back to 8 bits, interleaved: a quarter of the memory of the float crops. */
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < n * n; i++) {
            const float v = buf[c * n * n + i] * 128.0f + 127.5f;
            pix[i * 3 + c] = (uint8_t)(v <= 0 ? 0 : v >= 255 ? 255 : lrintf(v));
        }
    return mtt_samples_add(s, kind, (float)side, box, lm, pix);
}

/* The best IoU of a crop with the faces, and which face it is. */
static float best_iou(const float crop[4], const mtt_face *faces, int n, int *which)
{
    float best = 0;
    *which = -1;
    for (int i = 0; i < n; i++) {
        const float v = mtt_iou(crop, faces[i].box);
        if (v > best) {
            best = v;
            *which = i;
        }
    }
    return best;
}

static void square(float crop[4], int x0, int y0, int side)
{
    crop[0] = (float)x0;
    crop[1] = (float)y0;
    crop[2] = (float)(x0 + side - 1);
    crop[3] = (float)(y0 + side - 1);
}

/* Adds the crop as `kind` with the targets of face `f` (box for positives and parts). */
static int add_kind(mtt_sample_set *s, const mtcnn_image *img, int x0, int y0, int side,
                    int kind, const mtt_face *f)
{
    float crop[4], box[4];
    square(crop, x0, y0, side);
    if (kind == MTT_POS || kind == MTT_PART) {
        mtt_box_target(crop, f->box, box);
        return mtt_samples_add_crop(s, img, x0, y0, side, kind, box, NULL);
    }
    return mtt_samples_add_crop(s, img, x0, y0, side, kind, NULL, NULL);
}

int mtt_cut_samples(mtt_sample_set *s, const mtcnn_image *img, const mtt_face *faces,
                    int n_faces, const mtt_cut_counts *c, mtt_rng *rng)
{
    const int W = img->width, H = img->height;
    const int small = W < H ? W : H;
    const int max_neg = small / 2 > 12 ? small / 2 : 12;
    int rc = 0;
    float crop[4];
    int which;
    /* Random negatives anywhere: every face must overlap them by less than 0.3. */
    for (int got = 0, tries = 0; got < c->neg_random && tries < 20 * c->neg_random; tries++) {
        const int side = 12 + mtt_rng_below(rng, max_neg - 12 + 1);
        const int x0 = mtt_rng_below(rng, W - side + 1 > 1 ? W - side + 1 : 1);
        const int y0 = mtt_rng_below(rng, H - side + 1 > 1 ? H - side + 1 : 1);
        square(crop, x0, y0, side);
        if (best_iou(crop, faces, n_faces, &which) >= MTT_NEG_IOU)
            continue;
        if ((rc = add_kind(s, img, x0, y0, side, MTT_NEG, NULL)) != 0)
            return rc;
        got++;
    }
    for (int fi = 0; fi < n_faces; fi++) {
        const mtt_face *f = &faces[fi];
        const float fw = f->box[2] - f->box[0] + 1, fh = f->box[3] - f->box[1] + 1;
        const float fs = fw > fh ? fw : fh;
        if (f->has_lm) {
            /* The detector hands O-Net boxes that are off by more than a few percent:
             * landmark crops jittered as much teach it to place points from such boxes. */
            const double j = c->lmk_jitter > 0 ? c->lmk_jitter : 0.05;
            for (int got = 0, tries = 0; got < c->lmk && tries < 10 * c->lmk; tries++) {
                const int side = (int)lrint(fs * mtt_rng_range(rng, 1 - 2 * j, 1 + 2 * j));
                const double cx = f->box[0] + 0.5 * (fw - 1) + fw * mtt_rng_range(rng, -j, j);
                const double cy = f->box[1] + 0.5 * (fh - 1) + fh * mtt_rng_range(rng, -j, j);
                const int x0 = (int)lrint(cx - 0.5 * (side - 1)), y0 = (int)lrint(cy - 0.5 * (side - 1));
                square(crop, x0, y0, side);
                if (side < 8 || mtt_iou(crop, f->box) <= MTT_POS_IOU)
                    continue;
                float lm[10];
                mtt_lm_target(crop, f->lm, lm);
                if ((rc = mtt_samples_add_crop(s, img, x0, y0, side, MTT_LMK, NULL, lm)) != 0)
                    return rc;
                got++;
            }
        }
        if (fs < c->min_face)
            continue;
        /* Negatives near the face: shifted crops overlapping it (or a neighbour) a little. */
        for (int got = 0, tries = 0; got < c->neg_near && tries < 10 * c->neg_near; tries++) {
            const int side = 12 + mtt_rng_below(rng, max_neg - 12 + 1);
            const int x0 = (int)lrint(f->box[0] + mtt_rng_range(rng, -side, fw));
            const int y0 = (int)lrint(f->box[1] + mtt_rng_range(rng, -side, fh));
            if (x0 < 0 || y0 < 0 || x0 + side > W || y0 + side > H)
                continue;
            square(crop, x0, y0, side);
            if (best_iou(crop, faces, n_faces, &which) >= MTT_NEG_IOU)
                continue;
            if ((rc = add_kind(s, img, x0, y0, side, MTT_NEG, NULL)) != 0)
                return rc;
            got++;
        }
        /* Positives and part faces: crops around the face with random size and shift; the
         * IoU decides which they are, quotas cap each. */
        int pos = 0, part = 0;
        for (int tries = 0; (pos < c->pos || part < c->part) && tries < 6 * (c->pos + c->part);
             tries++) {
            const int side = (int)lrint(mtt_rng_range(rng, 0.8, 1.25) * fs);
            if (side < 12)
                continue;
            const double cx = f->box[0] + 0.5 * (fw - 1) + fw * mtt_rng_range(rng, -0.2, 0.2);
            const double cy = f->box[1] + 0.5 * (fh - 1) + fh * mtt_rng_range(rng, -0.2, 0.2);
            const int x0 = (int)lrint(cx - 0.5 * (side - 1)), y0 = (int)lrint(cy - 0.5 * (side - 1));
            /* At most a fifth of the crop may lie outside the image (black, as the detector
             * pads boxes at the border). */
            if (x0 < -side / 5 || y0 < -side / 5 || x0 + side > W + side / 5 ||
                y0 + side > H + side / 5)
                continue;
            square(crop, x0, y0, side);
            const int kind = mtt_kind_for_iou(best_iou(crop, faces, n_faces, &which));
            if (which < 0 || (kind == MTT_POS && pos >= c->pos) ||
                (kind == MTT_PART && part >= c->part) || (kind != MTT_POS && kind != MTT_PART))
                continue;
            if ((rc = add_kind(s, img, x0, y0, side, kind, &faces[which])) != 0)
                return rc;
            if (kind == MTT_POS)
                pos++;
            else
                part++;
        }
    }
    return 0;
}

int mtt_mine_samples(mtt_sample_set *s, mtcnn_detector *det, int stage, const mtcnn_image *img,
                     const mtt_face *faces, int n_faces, int max_neg, int lm_twins,
                     mtt_rng *rng)
{
    const mtcnn_face *found, *boxes;
    int n_found, n;
    int rc = mtcnn_detect(det, img, &found, &n_found);
    if (rc)
        return rc;
    if ((rc = mtcnn_detector_stage_boxes(det, stage, &boxes, &n)) != 0)
        return rc;
    int *neg = malloc((size_t)(n ? n : 1) * sizeof *neg);
    if (!neg)
        return mtcam_set_error(MTCNN_ENOMEM, "mining: no memory for %d boxes", n);
    int n_neg = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        const float *b = boxes[i].box;
        /* As the cascade crops the next stage's input: integer corners, square side. */
        const int x0 = (int)floorf(b[0]), y0 = (int)floorf(b[1]);
        const float bw = floorf(b[2]) - x0 + 1, bh = floorf(b[3]) - y0 + 1;
        const int side = (int)lrintf(bw > bh ? bw : bh);
        if (side < 12)
            continue;
        float crop[4];
        square(crop, x0, y0, side);
        int which;
        const int kind = mtt_kind_for_iou(best_iou(crop, faces, n_faces, &which));
        if (kind == MTT_NEG)
            neg[n_neg++] = i;
        else if (kind == MTT_POS || kind == MTT_PART)
            rc = add_kind(s, img, x0, y0, side, kind, &faces[which]);
        /* O-Net's landmarks are applied to R-Net's boxes: a positive R-Net box of a face
         * with points is a landmark crop exactly as the detector will cut it. */
        if (rc == 0 && lm_twins && kind == MTT_POS && faces[which].has_lm) {
            float lm[10];
            mtt_lm_target(crop, faces[which].lm, lm);
            rc = mtt_samples_add_crop(s, img, x0, y0, side, MTT_LMK, NULL, lm);
        }
    }
    /* A random subset of the negatives (partial Fisher-Yates). */
    for (int k = 0; k < n_neg && k < max_neg && rc == 0; k++) {
        const int j = k + mtt_rng_below(rng, n_neg - k);
        const int t = neg[k];
        neg[k] = neg[j];
        neg[j] = t;
        const float *b = boxes[neg[k]].box;
        const int x0 = (int)floorf(b[0]), y0 = (int)floorf(b[1]);
        const float bw = floorf(b[2]) - x0 + 1, bh = floorf(b[3]) - y0 + 1;
        rc = add_kind(s, img, x0, y0, (int)lrintf(bw > bh ? bw : bh), MTT_NEG, NULL);
    }
    free(neg);
    return rc;
}
