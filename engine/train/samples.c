/* samples.c - the sample set, its file, and the IoU / target geometry. */
#include "samples.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

void mtt_samples_init(mtt_sample_set *s, int side)
{
    memset(s, 0, sizeof *s);
    s->side = side;
}

void mtt_samples_free(mtt_sample_set *s)
{
    free(s->kind);
    free(s->crop_side);
    free(s->box);
    free(s->lm);
    free(s->pix);
    mtt_samples_init(s, s->side);
}

static size_t pix_bytes(const mtt_sample_set *s) { return (size_t)s->side * s->side * 3; }

static int reserve(mtt_sample_set *s, size_t need)
{
    if (need <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap : 1024;
    while (cap < need)
        cap *= 2;
    uint8_t *kind = realloc(s->kind, cap);
    if (kind)
        s->kind = kind;
    float *cs = realloc(s->crop_side, cap * sizeof *cs);
    if (cs)
        s->crop_side = cs;
    float *box = realloc(s->box, cap * 4 * sizeof *box);
    if (box)
        s->box = box;
    float *lm = realloc(s->lm, cap * 10 * sizeof *lm);
    if (lm)
        s->lm = lm;
    uint8_t *pix = realloc(s->pix, cap * pix_bytes(s));
    if (pix)
        s->pix = pix;
    if (!kind || !cs || !box || !lm || !pix)
        return mtcam_set_error(MTCNN_ENOMEM, "training samples: no memory for %zu samples", cap);
    s->cap = cap;
    return 0;
}

int mtt_samples_add(mtt_sample_set *s, int kind, float crop_side, const float *box,
                    const float *lm, const uint8_t *pix)
{
    int rc = reserve(s, s->n + 1);
    if (rc)
        return rc;
    const size_t i = s->n++;
    s->kind[i] = (uint8_t)kind;
    s->crop_side[i] = crop_side;
    for (int j = 0; j < 4; j++)
        s->box[i * 4 + j] = box ? box[j] : 0.0f;
    for (int j = 0; j < 10; j++)
        s->lm[i * 10 + j] = lm ? lm[j] : 0.0f;
    memcpy(s->pix + i * pix_bytes(s), pix, pix_bytes(s));
    return 0;
}

int mtt_samples_append(mtt_sample_set *s, const mtt_sample_set *src)
{
    if (src->side != s->side)
        return mtcam_set_error(MTCNN_EINVAL, "training samples: side %d appended to side %d",
                               src->side, s->side);
    int rc = reserve(s, s->n + src->n);
    if (rc)
        return rc;
    memcpy(s->kind + s->n, src->kind, src->n);
    memcpy(s->crop_side + s->n, src->crop_side, src->n * sizeof(float));
    memcpy(s->box + s->n * 4, src->box, src->n * 4 * sizeof(float));
    memcpy(s->lm + s->n * 10, src->lm, src->n * 10 * sizeof(float));
    memcpy(s->pix + s->n * pix_bytes(s), src->pix, src->n * pix_bytes(s));
    s->n += src->n;
    return 0;
}

void mtt_samples_count(const mtt_sample_set *s, size_t counts[MTT_KINDS])
{
    memset(counts, 0, MTT_KINDS * sizeof *counts);
    for (size_t i = 0; i < s->n; i++)
        if (s->kind[i] < MTT_KINDS)
            counts[s->kind[i]]++;
}

/* ---- file: "MTTS", version 1, side, count, then the arrays one after the other --------- */

static const char magic[4] = {'M', 'T', 'T', 'S'};

int mtt_samples_write(const char *path, const mtt_sample_set *s)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return mtcam_set_error(MTCNN_EIO, "%s: cannot create", path);
    const uint32_t hdr[3] = {1, (uint32_t)s->side, 0};
    const uint64_t n = s->n;
    int ok = fwrite(magic, 4, 1, f) == 1 && fwrite(hdr, sizeof hdr, 1, f) == 1 &&
             fwrite(&n, sizeof n, 1, f) == 1;
    if (ok && n) {
        ok = fwrite(s->kind, 1, n, f) == n && fwrite(s->crop_side, sizeof(float), n, f) == n &&
             fwrite(s->box, 4 * sizeof(float), n, f) == n &&
             fwrite(s->lm, 10 * sizeof(float), n, f) == n &&
             fwrite(s->pix, pix_bytes(s), n, f) == n;
    }
    if (fclose(f) != 0)
        ok = 0;
    if (!ok) {
        remove(path);
        return mtcam_set_error(MTCNN_EIO, "%s: write failed", path);
    }
    return 0;
}

int mtt_samples_read(const char *path, mtt_sample_set *s)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mtcam_set_error(MTCNN_ENOTFOUND, "%s: cannot open", path);
    char m[4];
    uint32_t hdr[3];
    uint64_t n;
    int rc = 0;
    if (fread(m, 4, 1, f) != 1 || memcmp(m, magic, 4) != 0 || fread(hdr, sizeof hdr, 1, f) != 1 ||
        fread(&n, sizeof n, 1, f) != 1 || hdr[0] != 1 ||
        (hdr[1] != 12 && hdr[1] != 24 && hdr[1] != 48) || n > (1u << 26)) {
        fclose(f);
        return mtcam_set_error(MTCNN_EFORMAT, "%s: not a sample file of this version", path);
    }
    mtt_samples_init(s, (int)hdr[1]);
    if ((rc = reserve(s, n ? n : 1)) != 0) {
        fclose(f);
        mtt_samples_free(s);
        return rc;
    }
    if (n && (fread(s->kind, 1, n, f) != n || fread(s->crop_side, sizeof(float), n, f) != n ||
              fread(s->box, 4 * sizeof(float), n, f) != n ||
              fread(s->lm, 10 * sizeof(float), n, f) != n ||
              fread(s->pix, pix_bytes(s), n, f) != n)) {
        fclose(f);
        mtt_samples_free(s);
        return mtcam_set_error(MTCNN_EFORMAT, "%s: truncated sample file", path);
    }
    fclose(f);
    s->n = n;
    for (size_t i = 0; i < s->n; i++)
        if (s->kind[i] >= MTT_KINDS) {
            mtt_samples_free(s);
            return mtcam_set_error(MTCNN_EFORMAT, "%s: sample %zu has kind %d", path, i,
                                   (int)s->kind[i]);
        }
    return 0;
}

/* ---- geometry ----------------------------------------------------------------------- */

float mtt_iou(const float a[4], const float b[4])
{
    const float iw = fminf(a[2], b[2]) - fmaxf(a[0], b[0]) + 1;
    const float ih = fminf(a[3], b[3]) - fmaxf(a[1], b[1]) + 1;
    if (iw <= 0 || ih <= 0)
        return 0.0f;
    const float inter = iw * ih;
    const float ua = (a[2] - a[0] + 1) * (a[3] - a[1] + 1) + (b[2] - b[0] + 1) * (b[3] - b[1] + 1);
    return inter / (ua - inter);
}

int mtt_kind_for_iou(float iou)
{
    if (iou < MTT_NEG_IOU)
        return MTT_NEG;
    if (iou > MTT_POS_IOU)
        return MTT_POS;
    if (iou >= MTT_PART_IOU)
        return MTT_PART;
    return -1;
}

void mtt_box_target(const float crop[4], const float gt[4], float out[4])
{
    const float side = crop[2] - crop[0] + 1;
    for (int j = 0; j < 4; j++)
        out[j] = (gt[j] - crop[j]) / side;
}

void mtt_lm_target(const float crop[4], const float lm_xy[10], float out[10])
{
    const float side = crop[2] - crop[0] + 1;
    for (int p = 0; p < 5; p++) {
        out[p] = (lm_xy[p] - crop[0]) / side;
        out[5 + p] = (lm_xy[5 + p] - crop[1]) / side;
    }
}

void mtt_face_box_from_points(const float leye[2], const float reye[2], const float mouth[2],
                              float box[4])
{
    const float ex = 0.5f * (leye[0] + reye[0]), ey = 0.5f * (leye[1] + reye[1]);
    const float iod = hypotf(reye[0] - leye[0], reye[1] - leye[1]);
    const float em = hypotf(mouth[0] - ex, mouth[1] - ey);
    const float side = 1.23f * (iod + em);
    const float cx = ex + 0.21f * (mouth[0] - ex), cy = ey + 0.21f * (mouth[1] - ey);
    box[0] = cx - 0.5f * (side - 1);
    box[1] = cy - 0.5f * (side - 1);
    box[2] = box[0] + side - 1;
    box[3] = box[1] + side - 1;
}

void mtt_mouth_centre(const float leye[2], const float reye[2], const float lmouth[2],
                      const float rmouth[2], float out[2])
{
    const float ex = 0.5f * (leye[0] + reye[0]), ey = 0.5f * (leye[1] + reye[1]);
    const float mx = 0.5f * (lmouth[0] + rmouth[0]), my = 0.5f * (lmouth[1] + rmouth[1]);
    out[0] = mx + 0.063f * (mx - ex);
    out[1] = my + 0.063f * (my - ey);
}
