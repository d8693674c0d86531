/* detector.h - the detector object (engine internal). */
#pragma once

#include "kernels.h"
#include "mtcnn.h"
#include "nms.h"
#include "pool.h"
#include "resample.h"
#include "scratch.h"

#define MTCNN__MAX_SCALES 64

/* Scratch of one thread of the detector's pool (index 0 = the calling thread): only that
 * thread touches it during a job. Aligned so two threads never share a cache line. */
typedef struct mtcnn__thread_scratch {
    _Alignas(64) mtcnn__buf level; /* pyramid band or crop batch, net input */
    mtcnn__buf resample;           /* resampler working memory */
    mtcnn__buf net;                /* activations */
    double ms_a, ms_b, macs;       /* this job: time resampling, time in the net, MACs */
} mtcnn__thread_scratch;

struct mtcnn_detector {
    const mtcnn_model *model;
    const mtk_table *k;
    mtcnn_options opt;
    mtcnn_stats stats;

    /* Scratch kept between calls (grown on demand, never shrunk). */
    mtcnn__buf level;      /* one pyramid level, planar normalised RGB */
    mtcnn__buf resample;   /* resampler working memory */
    mtcnn__buf net;        /* activations of the net being run */
    mtcnn__buf maps;       /* P-Net probability + regression maps */
    mtcnn__buf boxes[2];   /* candidate boxes (ping-pong) */
    mtcnn__buf keep, nms;  /* NMS indices and scratch */
    mtcnn__buf faces;      /* results handed to the caller */
    mtcnn__buf stage_faces[3];
    int n_faces;
    int n_stage[3];

    /* Threads: the pool (NULL with one thread) and one scratch per thread. */
    mtcnn__pool *pool;
    int n_threads;
    mtcnn__thread_scratch *ts;
    mtcnn__buf bands;  /* stage 1 task list */
    mtcnn__buf netout; /* R-Net / O-Net outputs, one row per box */
};

/* Runs the cascade on `src`; fills faces/stage_faces/stats. */
int mtcnn__cascade_run(mtcnn_detector *d, const mtcnn__src *src);
/* The same for the tracker: P-Net on part `part` of `n_parts` of the pyramid (see
 * plan_bands in cascade.c; part -1 = no P-Net), then the candidates extra[0..n_extra)
 * (1-based, squared and truncated like P-Net's output) join P-Net's for R-Net and O-Net. */
int mtcnn__cascade_run_part(mtcnn_detector *d, const mtcnn__src *src, int part, int n_parts,
                            const mtcnn__box *extra, int n_extra);
/* Resolves the caller's image into a source (detector.c), with the detector's channel order. */
int mtcnn__make_source(const mtcnn_image *img, int swap_rb, mtcnn__src *src);

/* Crops box b (integer 1-based inclusive corners; black outside the image), resizes it to
 * side x side and writes it normalised, planar RGB, into `in`. */
int mtcnn__crop(mtcnn_detector *d, const mtcnn__src *src, const mtcnn__box *b, int side,
                float *in);
/* The same with the caller's resampler memory (one per thread), and interleaved (HWC, with
 * the kernels of `hwc`) instead of planar when hwc is not NULL. */
int mtcnn__crop_into(const mtk_table *hwc, mtcnn__buf *scratch, const mtcnn__src *src,
                     const mtcnn__box *b, int side, float *in);

/* Landmark post-processing after O-Net's NMS (landmarks.c, lnet.c):
 * _mirror averages O-Net's landmarks with those of a horizontally mirrored crop (the
 * original's MTCNNv1 since 2017); _place turns the relative landmarks into 0-based image
 * pixels from the crop box (spec 6.3); _lnet refines placed landmarks with L-Net (det4,
 * the original's MTCNNv2 "extended stage"). */
int mtcnn__landmarks_mirror(mtcnn_detector *d, const mtcnn__src *src, mtcnn__box *b, int n);
void mtcnn__landmarks_place(mtcnn__box *b);
int mtcnn__landmarks_lnet(mtcnn_detector *d, const mtcnn__src *src, mtcnn__box *b, int n);

/* The pyramid scales for an image (spec 4.1). Returns their count (<= MTCNN__MAX_SCALES). */
int mtcnn__pyramid_scales(int width, int height, double min_face, double factor,
                          double *scales);
