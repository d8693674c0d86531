/* mtcnn.h - the public API of the mtcam face detector (MTCNN, Zhang et al. 2016).
 *
 * A model holds the weights of the three nets (P-Net, R-Net, O-Net). It is read-only once
 * loaded and may be shared by any number of detectors on any number of threads.
 * A detector holds the options and scratch memory for one caller: one detector per thread.
 *
 * Conventions:
 *  - Every fallible function returns 0 on success or a negative MTCNN_E* code; the one-line
 *    message of the calling thread's last failure is mtcnn_last_error().
 *  - Coordinates are 0-based pixels: x = column, y = row; a box [x1,y1,x2,y2] is inclusive
 *    (it covers columns x1..x2), so its width is x2 - x1 + 1. Boxes are floats and may reach
 *    outside the image.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MTCNN_BUILDING) && defined(__GNUC__)
#define MTCNN_API __attribute__((visibility("default")))
#else
#define MTCNN_API
#endif

/* Error codes: name, value (pinned), default text. */
#define MTCNN_ERROR_LIST(X)                                                                   \
    X(MTCNN_OK, 0, "success")                                                                 \
    X(MTCNN_EINVAL, -1, "invalid argument")                                                   \
    X(MTCNN_ENOMEM, -2, "out of memory")                                                      \
    X(MTCNN_EIO, -3, "input/output error")                                                    \
    X(MTCNN_EMODEL, -4, "invalid model file")                                                 \
    X(MTCNN_EFORMAT, -5, "corrupt or unsupported data")                                       \
    X(MTCNN_ENOTFOUND, -6, "not found")                                                       \
    X(MTCNN_EUNSUPPORTED, -7, "not supported")                                                \
    X(MTCNN_EBUSY, -8, "resource busy")                                                       \
    X(MTCNN_ENODEV, -9, "device unavailable")                                                 \
    X(MTCNN_ETIMEOUT, -10, "timed out")                                                       \
    X(MTCNN_EEOF, -11, "end of stream")                                                       \
    X(MTCNN_ENOSPC, -12, "no space left on device")

enum mtcnn_error {
#define MTCNN__ERR_ENUM(name, value, text) name = value,
    MTCNN_ERROR_LIST(MTCNN__ERR_ENUM)
#undef MTCNN__ERR_ENUM
};

/* The default text of a code ("invalid model file"); never NULL. */
MTCNN_API const char *mtcnn_strerror(int code);
/* The message of this thread's last failure, naming the thing and the reason. */
MTCNN_API const char *mtcnn_last_error(void);

/* ---- model -------------------------------------------------------------------------- */

typedef struct mtcnn_model mtcnn_model;

/* Loads and fully validates a model file in the project's format (see docs/model-format.md). */
MTCNN_API int mtcnn_model_load(const char *path, mtcnn_model **out);
/* The same from memory (the bytes are copied). `name` is used in error messages. */
MTCNN_API int mtcnn_model_load_memory(const void *data, size_t size, const char *name,
                                      mtcnn_model **out);
MTCNN_API void mtcnn_model_free(mtcnn_model *model);
/* Non-zero when the model holds the optional L-Net (det4) landmark refinement net. */
MTCNN_API int mtcnn_model_has_lnet(const mtcnn_model *model);

/* ---- detector ----------------------------------------------------------------------- */

typedef enum mtcnn_pixel_format {
    MTCNN_PIXEL_RGB24 = 0, /* R,G,B bytes */
    MTCNN_PIXEL_BGR24 = 1, /* B,G,R bytes (OpenCV, many V4L2 drivers) */
    MTCNN_PIXEL_RGBA32 = 2,
    MTCNN_PIXEL_BGRA32 = 3,
    MTCNN_PIXEL_GRAY8 = 4
} mtcnn_pixel_format;

typedef struct mtcnn_image {
    const uint8_t *data;
    int width, height;
    ptrdiff_t stride; /* bytes from one row to the next; may be larger than width*bpp */
    mtcnn_pixel_format format;
} mtcnn_image;

/* The arithmetic the nets run in. INT8 needs a model with a calibration (mtcam-convert
 * --calibrate) and a CPU with an INT8 kernel (AVX-512 VNNI today); AUTO picks INT8 when both
 * hold (it meets the accuracy bar of docs/performance.md), else FP32. BF16 is reserved. */
typedef enum mtcnn_precision {
    MTCNN_PRECISION_AUTO = 0,
    MTCNN_PRECISION_FP32 = 1,
    MTCNN_PRECISION_BF16 = 2,
    MTCNN_PRECISION_INT8 = 3
} mtcnn_precision;

/* "auto", "fp32", "bf16", "int8"; "?" for anything else. */
MTCNN_API const char *mtcnn_precision_name(int precision);
/* Parses one of those names; MTCNN_EINVAL (with a message naming it) when unknown. */
MTCNN_API int mtcnn_precision_parse(const char *name, mtcnn_precision *out);

typedef struct mtcnn_options {
    float min_face;      /* smallest face side searched, pixels (default 20, >= 8; below 12
                            the first pyramid level enlarges the image) */
    float factor;        /* pyramid scale step (default 0.709, in (0,1)) */
    float thresholds[3]; /* P/R/O-Net face-probability thresholds (0.6, 0.7, 0.7) */
    int stages;          /* 1 = P-Net only, 2 = up to R-Net, 3 = full cascade (default 3) */
    int threads;         /* threads for one detect call (1..256, default 1 = the caller
                            only): the detector keeps a pool of threads - 1 workers, made at
                            create and resized by set_options; results are identical for
                            any count */
    int swap_rb;         /* non-zero: feed the image with R and B swapped (reproduces peers
                            that fed BGR to the RGB-trained nets); default 0 */
    int mirror_landmarks; /* non-zero: average landmarks with a mirrored O-Net pass (KZ v1) */
    int refine_landmarks; /* non-zero: refine with L-Net when the model has it (KZ v2) */
    int precision;        /* mtcnn_precision (default AUTO); a precision the model or CPU
                             cannot run fails create/set_options with MTCNN_EUNSUPPORTED */
} mtcnn_options;

MTCNN_API void mtcnn_options_default(mtcnn_options *opt);

typedef struct mtcnn_face {
    float box[4];           /* x1, y1, x2, y2 (0-based, inclusive) */
    float score;            /* face probability of the last stage run */
    float landmarks[5][2];  /* (x, y): left eye, right eye, nose, left mouth, right mouth;
                               "left" = smaller x. Valid only when has_landmarks. */
    int has_landmarks;
    int id;                 /* mtcnn_track: the track's id (>= 1, never reused by a tracker);
                               0 from mtcnn_detect */
} mtcnn_face;

/* Per-call measurements: times in milliseconds, counts of boxes leaving each stage. */
typedef struct mtcnn_stats {
    double ms_pyramid, ms_pnet, ms_rnet, ms_onet, ms_nms, ms_total;
    int n_scales;       /* pyramid levels */
    int n_pnet_raw;     /* P-Net cells over t1, all scales, before NMS */
    int n_pnet;         /* boxes leaving stage 1 (after NMS) */
    int n_rnet;         /* boxes leaving stage 2 */
    int n_onet;         /* boxes leaving stage 3 */
    double pnet_macs, rnet_macs, onet_macs; /* multiply-adds done by each net this call */
} mtcnn_stats;

typedef struct mtcnn_detector mtcnn_detector;

MTCNN_API int mtcnn_detector_create(const mtcnn_model *model, const mtcnn_options *opt,
                                    mtcnn_detector **out);
MTCNN_API void mtcnn_detector_destroy(mtcnn_detector *det);
/* Validates and applies new options; on error the old ones stay. */
MTCNN_API int mtcnn_detector_set_options(mtcnn_detector *det, const mtcnn_options *opt);
MTCNN_API void mtcnn_detector_get_options(const mtcnn_detector *det, mtcnn_options *opt);

/* Runs the cascade. On success *faces points to *count results owned by the detector,
 * valid until the next call on it; sorted by descending score. */
MTCNN_API int mtcnn_detect(mtcnn_detector *det, const mtcnn_image *img,
                           const mtcnn_face **faces, int *count);
/* The boxes that left stage `stage` (1..3) in the last call, so a caller can show the cascade
 * narrowing down. Owned by the detector like the faces. */
MTCNN_API int mtcnn_detector_stage_boxes(const mtcnn_detector *det, int stage,
                                         const mtcnn_face **boxes, int *count);
MTCNN_API const mtcnn_stats *mtcnn_detector_stats(const mtcnn_detector *det);
/* The precision the detector runs in (AUTO resolved: FP32 or INT8), for display. */
MTCNN_API mtcnn_precision mtcnn_detector_precision(const mtcnn_detector *det);

/* ---- aligned face crops ------------------------------------------------------------- */

/* The five-point templates face recognisers are trained on. */
typedef enum mtcnn_align_template {
    MTCNN_ALIGN_112X112 = 0, /* ArcFace/InsightFace, 112x112 */
    MTCNN_ALIGN_96X112 = 1   /* SphereFace/CosFace, 96 wide x 112 high (the same points 8 px
                                to the left) */
} mtcnn_align_template;

/* The similarity transform (rotation, uniform scale, translation) that maps the five
 * landmarks onto the template's points, scaled to an out_width x out_height crop, with the
 * least squared error (Umeyama 1991): crop (u, v) = (m[0] x + m[1] y + m[2],
 * m[3] x + m[4] y + m[5]) for image (x, y). Crop sizes 1..8192. */
MTCNN_API int mtcnn_align_transform(const float landmarks[5][2], mtcnn_align_template tmpl,
                                    int out_width, int out_height, float m[6]);
/* Writes the aligned crop of `face` (it needs has_landmarks): out_width x out_height pixels
 * in img's pixel format, rows out_stride bytes apart, sampled bilinearly through
 * mtcnn_align_transform; what falls outside the image is black. */
MTCNN_API int mtcnn_align_face(const mtcnn_image *img, const mtcnn_face *face,
                               mtcnn_align_template tmpl, int out_width, int out_height,
                               uint8_t *out, ptrdiff_t out_stride);
/* ---- tracker (docs/tracking.md) --------------------------------------------------------
 * Follows faces across the frames of one video over a detector: the first frame (and every
 * scan_interval-th, and the next after mtcnn_tracker_scan) gets the full cascade; the other
 * frames run only R-Net and O-Net on candidates around each known face's predicted box, plus
 * P-Net on one of scan_parts parts of the pyramid in rotation, so a new face is found within
 * scan_parts frames. Boxes and landmarks are smoothed by a One Euro filter (Casiez et al.
 * 2012) in the time of the frame timestamps. Results depend only on the frame sequence (and
 * the options), never on the detector's thread count. The tracker uses the detector for its
 * calls: do not use the detector elsewhere meanwhile; it must outlive the tracker. */

typedef struct mtcnn_tracker_options {
    int scan_interval; /* full scan every N frames (default 0 = only the first and when asked) */
    int scan_parts;    /* partial P-Net scan: the pyramid cut into this many parts of equal
                          cost, one per frame (1..64, default 10; 0 = no partial scan) */
    int grace;         /* frames a track may miss (O-Net below threshold) before it ends;
                          missed frames are not reported (default 3) */
    float motion;      /* how far a face may move from its predicted place between frames,
                          in face sides (default 0.25): the spread of the candidates */
    float min_inside;  /* a face whose box has less than this fraction of its area inside the
                          image counts as missed (default 0.69, where the full cascade stops
                          finding faces at the edge; 0 = follow faces out to the edge) */
    int smooth;        /* 0 = raw cascade output; 1 = One Euro filter (the paper's) on boxes
                          and landmarks; 2 (default) = the same, its low-pass starting from
                          the last output moved by the filter's speed estimate, which removes
                          the lag of steady motion */
    float min_cutoff;  /* One Euro: cutoff at rest, Hz (default 1.0) */
    float beta;        /* One Euro: cutoff increase per face side per second of speed
                          (default 1.0) */
    float d_cutoff;    /* One Euro: cutoff of the speed estimate, Hz (default 1.0) */
} mtcnn_tracker_options;

MTCNN_API void mtcnn_tracker_options_default(mtcnn_tracker_options *topt);

typedef enum mtcnn_frame_mode {
    MTCNN_FRAME_SCAN = 0,  /* full cascade over the whole pyramid (+ the tracks) */
    MTCNN_FRAME_TRACK = 1  /* R-Net + O-Net around the tracks (+ one part of the pyramid) */
} mtcnn_frame_mode;

/* What the last mtcnn_track call did. */
typedef struct mtcnn_track_info {
    mtcnn_frame_mode mode;
    int scan_part;     /* track frames: the pyramid part P-Net ran on (0..scan_parts-1), or -1 */
    int64_t frame;     /* this frame's index since create / reset (0 = the first) */
    int n_tracks;      /* live tracks, those in their grace frames included */
    int n_new, n_ended;/* tracks born / ended in this frame */
    double ms;         /* time of the call */
} mtcnn_track_info;

typedef struct mtcnn_tracker mtcnn_tracker;

/* `det` stays the caller's (its options, e.g. thresholds and threads, apply); topt NULL =
 * defaults. */
MTCNN_API int mtcnn_tracker_create(mtcnn_detector *det, const mtcnn_tracker_options *topt,
                                   mtcnn_tracker **out);
MTCNN_API void mtcnn_tracker_destroy(mtcnn_tracker *trk);
/* Processes the next frame. timestamp_ns is the frame's time (any origin, increasing); a
 * negative value means unknown: frames are then taken as 1/30 s apart. On success *faces
 * points to *count faces owned by the tracker (valid until its next call), in ascending id
 * order; each has its track's id. */
MTCNN_API int mtcnn_track(mtcnn_tracker *trk, const mtcnn_image *img, int64_t timestamp_ns,
                          const mtcnn_face **faces, int *count);
/* Makes the next frame a full scan. */
MTCNN_API void mtcnn_tracker_scan(mtcnn_tracker *trk);
/* Forgets every track (a new video); ids keep counting, so they are never reused. */
MTCNN_API void mtcnn_tracker_reset(mtcnn_tracker *trk);
MTCNN_API const mtcnn_track_info *mtcnn_tracker_info(const mtcnn_tracker *trk);

#ifdef __cplusplus
}
#endif
