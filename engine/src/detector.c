/* detector.c - the public detector API: options, validation, image views, results. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "detector.h"
#include "err.h"
#include "model.h"
#include "pool.h"

void mtcnn_options_default(mtcnn_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->min_face = 20.0f;
    opt->factor = 0.709f;
    opt->thresholds[0] = 0.6f;
    opt->thresholds[1] = 0.7f;
    opt->thresholds[2] = 0.7f;
    opt->stages = 3;
    opt->threads = 1;
}

static const char *const precision_names[] = {"auto", "fp32", "bf16", "int8"};

const char *mtcnn_precision_name(int p)
{
    return p >= 0 && p < 4 ? precision_names[p] : "?";
}

int mtcnn_precision_parse(const char *name, mtcnn_precision *out)
{
    for (int i = 0; name && i < 4; i++)
        if (strcmp(name, precision_names[i]) == 0) {
            *out = (mtcnn_precision)i;
            return 0;
        }
    return mtcam_set_error(MTCNN_EINVAL, "precision \"%s\" unknown (auto, fp32, bf16, int8)",
                           name ? name : "(null)");
}

/* The kernel table for the asked precision: INT8 needs the model's calibration and an INT8
 * kernel for this CPU's table; AUTO takes INT8 only where it was measured faster than FP32
 * (int8_auto: AVX-512 VNNI, AVX-VNNI, sdot; not the AVX2 sign-trick and scalar ones). */
static int pick_table(const mtcnn_model *m, int precision, const mtk_table **out)
{
    const mtk_table *base = mtk_get_table(), *q8 = mtk_int8_table(base);
    switch (precision) {
    case MTCNN_PRECISION_AUTO:
        *out = m->has_calib && q8 && q8->int8_auto ? q8 : base;
        return 0;
    case MTCNN_PRECISION_FP32: *out = base; return 0;
    case MTCNN_PRECISION_INT8:
        if (!m->has_calib)
            return mtcam_set_error(MTCNN_EUNSUPPORTED,
                                   "precision int8: the model has no INT8 calibration "
                                   "(mtcam-convert --calibrate adds one)");
        if (!q8)
            return mtcam_set_error(MTCNN_EUNSUPPORTED,
                                   "precision int8: no INT8 kernel for the %s kernels on this "
                                   "CPU",
                                   base->name);
        *out = q8;
        return 0;
    case MTCNN_PRECISION_BF16:
        return mtcam_set_error(MTCNN_EUNSUPPORTED,
                               "precision bf16: not implemented (docs/performance.md)");
    default:
        return mtcam_set_error(MTCNN_EINVAL, "options: precision %d unknown", precision);
    }
}

mtcnn_precision mtcnn_detector_precision(const mtcnn_detector *d)
{
    return d && d->k->precision == MTK_INT8 ? MTCNN_PRECISION_INT8 : MTCNN_PRECISION_FP32;
}

static int check_options(const mtcnn_options *o)
{
    if (!(o->min_face >= 8.0f && o->min_face <= 100000.0f))
        return mtcam_set_error(MTCNN_EINVAL, "options: min_face %g out of range [8, 100000]",
                               (double)o->min_face);
    if (!(o->factor >= 0.1f && o->factor <= 0.95f))
        return mtcam_set_error(MTCNN_EINVAL, "options: factor %g out of range [0.1, 0.95]",
                               (double)o->factor);
    for (int i = 0; i < 3; i++)
        if (!(o->thresholds[i] >= 0.0f && o->thresholds[i] <= 1.0f))
            return mtcam_set_error(MTCNN_EINVAL, "options: threshold %d = %g not in [0, 1]",
                                   i + 1, (double)o->thresholds[i]);
    if (o->stages < 1 || o->stages > 3)
        return mtcam_set_error(MTCNN_EINVAL, "options: stages %d not in 1..3", o->stages);
    if (o->threads < 1 || o->threads > 256)
        return mtcam_set_error(MTCNN_EINVAL, "options: threads %d not in 1..256", o->threads);
    return 0;
}

/* Makes the pool and the per-thread scratch fit `threads`. On failure nothing changes. */
static int set_threads(mtcnn_detector *d, int threads)
{
    if (threads == d->n_threads)
        return 0;
    mtcnn__pool *pool = NULL;
    if (threads > 1) {
        int rc = mtcnn__pool_create(threads, &pool);
        if (rc)
            return rc;
    }
    mtcnn__thread_scratch *ts = mtcam_alloc_aligned((size_t)threads * sizeof *ts);
    if (!ts) {
        mtcnn__pool_destroy(pool);
        return mtcam_set_error(MTCNN_ENOMEM, "detector: out of memory for %d threads", threads);
    }
    /* Keep the scratch already grown for the threads that stay. */
    for (int i = 0; i < threads; i++) {
        if (i < d->n_threads)
            ts[i] = d->ts[i];
        else
            memset(&ts[i], 0, sizeof ts[i]);
    }
    for (int i = threads; i < d->n_threads; i++) {
        mtcnn__buf_free(&d->ts[i].level);
        mtcnn__buf_free(&d->ts[i].resample);
        mtcnn__buf_free(&d->ts[i].net);
    }
    mtcam_free_aligned(d->ts);
    mtcnn__pool_destroy(d->pool);
    d->ts = ts;
    d->pool = pool;
    d->n_threads = threads;
    return 0;
}

int mtcnn_detector_create(const mtcnn_model *model, const mtcnn_options *opt,
                          mtcnn_detector **out)
{
    if (!out)
        return mtcam_set_error(MTCNN_EINVAL, "mtcnn_detector_create: out is NULL");
    *out = NULL;
    if (!model)
        return mtcam_set_error(MTCNN_EINVAL, "mtcnn_detector_create: model is NULL");
    mtcnn_options defaults;
    if (!opt) {
        mtcnn_options_default(&defaults);
        opt = &defaults;
    }
    int rc = check_options(opt);
    if (rc)
        return rc;
    mtcnn_detector *d = calloc(1, sizeof *d);
    if (!d)
        return mtcam_set_error(MTCNN_ENOMEM, "mtcnn_detector_create: out of memory");
    d->model = model;
    if ((rc = pick_table(model, opt->precision, &d->k))) {
        free(d);
        return rc;
    }
    d->opt = *opt;
    if ((rc = set_threads(d, opt->threads))) {
        mtcnn_detector_destroy(d);
        return rc;
    }
    *out = d;
    return 0;
}

void mtcnn_detector_destroy(mtcnn_detector *d)
{
    if (!d)
        return;
    mtcnn__buf *bufs[] = {&d->level, &d->resample, &d->net, &d->maps, &d->boxes[0],
                          &d->boxes[1], &d->keep, &d->nms, &d->faces, &d->stage_faces[0],
                          &d->stage_faces[1], &d->stage_faces[2], &d->bands, &d->netout};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        mtcnn__buf_free(bufs[i]);
    mtcnn__pool_destroy(d->pool);
    for (int i = 0; i < d->n_threads; i++) {
        mtcnn__buf_free(&d->ts[i].level);
        mtcnn__buf_free(&d->ts[i].resample);
        mtcnn__buf_free(&d->ts[i].net);
    }
    mtcam_free_aligned(d->ts);
    free(d);
}

int mtcnn_detector_set_options(mtcnn_detector *d, const mtcnn_options *opt)
{
    if (!d || !opt)
        return mtcam_set_error(MTCNN_EINVAL, "mtcnn_detector_set_options: NULL argument");
    int rc = check_options(opt);
    if (rc)
        return rc;
    const mtk_table *k;
    if ((rc = pick_table(d->model, opt->precision, &k)))
        return rc;
    /* A new thread count resizes the pool (created here, never during a detect call). */
    if ((rc = set_threads(d, opt->threads)))
        return rc;
    d->k = k;
    d->opt = *opt;
    return 0;
}

void mtcnn_detector_get_options(const mtcnn_detector *d, mtcnn_options *opt) { *opt = d->opt; }

const mtcnn_stats *mtcnn_detector_stats(const mtcnn_detector *d) { return &d->stats; }

int mtcnn_detector_stage_boxes(const mtcnn_detector *d, int stage, const mtcnn_face **boxes,
                               int *count)
{
    if (!d || !boxes || !count || stage < 1 || stage > 3)
        return mtcam_set_error(MTCNN_EINVAL, "mtcnn_detector_stage_boxes: bad argument");
    *boxes = d->stage_faces[stage - 1].p;
    *count = d->n_stage[stage - 1];
    return 0;
}

/* Resolves the caller's pixel format into byte offsets of R, G and B. */
int mtcnn__make_source(const mtcnn_image *img, int swap_rb, mtcnn__src *src)
{
    if (!img || !img->data)
        return mtcam_set_error(MTCNN_EINVAL, "detect: image or its data is NULL");
    if (img->width < 1 || img->height < 1 || img->width > 32768 || img->height > 32768)
        return mtcam_set_error(MTCNN_EINVAL, "detect: image size %dx%d out of range",
                               img->width, img->height);
    int bpp, r, g, b;
    switch (img->format) {
    case MTCNN_PIXEL_RGB24: bpp = 3, r = 0, g = 1, b = 2; break;
    case MTCNN_PIXEL_BGR24: bpp = 3, r = 2, g = 1, b = 0; break;
    case MTCNN_PIXEL_RGBA32: bpp = 4, r = 0, g = 1, b = 2; break;
    case MTCNN_PIXEL_BGRA32: bpp = 4, r = 2, g = 1, b = 0; break;
    case MTCNN_PIXEL_GRAY8: bpp = 1, r = 0, g = 0, b = 0; break;
    default:
        return mtcam_set_error(MTCNN_EINVAL, "detect: unknown pixel format %d", (int)img->format);
    }
    if (img->stride < (ptrdiff_t)img->width * bpp)
        return mtcam_set_error(MTCNN_EINVAL, "detect: stride %td smaller than a row (%d bytes)",
                               img->stride, img->width * bpp);
    if (swap_rb) {
        int t = r;
        r = b;
        b = t;
    }
    *src = (mtcnn__src){.data = img->data, .width = img->width, .height = img->height,
                        .stride = img->stride, .bpp = bpp, .off = {r, g, b}};
    return 0;
}

int mtcnn_detect(mtcnn_detector *d, const mtcnn_image *img, const mtcnn_face **faces,
                 int *count)
{
    if (!d || !faces || !count)
        return mtcam_set_error(MTCNN_EINVAL, "detect: NULL argument");
    *faces = NULL;
    *count = 0;
    mtcnn__src src;
    int rc = mtcnn__make_source(img, d->opt.swap_rb, &src);
    if (rc)
        return rc;
    rc = mtcnn__cascade_run(d, &src);
    if (rc)
        return rc;
    *faces = d->faces.p;
    *count = d->n_faces;
    return 0;
}
