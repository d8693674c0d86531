/* samples.h - training samples: square crops with their kind and targets, how they are cut
 * from annotated images, and how one becomes a net input (flip, colour jitter).
 *
 * Geometry: boxes are [x1, y1, x2, y2], 0-based and inclusive, as in mtcnn.h. A crop is a
 * square [x0, y0, x0+side-1, y0+side-1]. Targets follow the engine's inference formulas
 * (cascade.c), so what is learnt is what the detector applies:
 *   box: dx1 = (gx1 - x0)/side, dy1 = (gy1 - y0)/side, dx2 = (gx2 - x1c)/side,
 *        dy2 = (gy2 - y1c)/side, with (x1c, y1c) the crop's last pixel;
 *   landmarks: (px - x0)/side, (py - y0)/side, stored x1..x5 then y1..y5.
 * Kinds by IoU with the nearest face: negative < 0.3, part 0.4..0.65, positive > 0.65;
 * 0.3..0.4 is ambiguous and never used.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mtcnn.h"
#include "rng.h"
#include "loss.h"
#include "tnet.h"

enum { MTT_NEG = 0, MTT_POS = 1, MTT_PART = 2, MTT_LMK = 3, MTT_KINDS = 4 };

#define MTT_NEG_IOU 0.3f
#define MTT_PART_IOU 0.4f
#define MTT_POS_IOU 0.65f

/* The samples of one stage: n crops of side x side RGB (interleaved, 8-bit). */
typedef struct mtt_sample_set {
    int side;
    size_t n, cap;
    uint8_t *kind;
    float *crop_side; /* side of the crop in the source image, pixels (for the flip) */
    float *box;       /* 4 per sample (zero when the kind has none) */
    float *lm;        /* 10 per sample */
    uint8_t *pix;     /* side*side*3 per sample */
} mtt_sample_set;

void mtt_samples_init(mtt_sample_set *s, int side);
void mtt_samples_free(mtt_sample_set *s);
/* Appends one sample (box / lm may be NULL). Returns 0 or MTCNN_ENOMEM. */
int mtt_samples_add(mtt_sample_set *s, int kind, float crop_side, const float *box,
                    const float *lm, const uint8_t *pix);
/* Appends every sample of `src` (same side). */
int mtt_samples_append(mtt_sample_set *s, const mtt_sample_set *src);
/* Counts per kind. */
void mtt_samples_count(const mtt_sample_set *s, size_t counts[MTT_KINDS]);
/* Binary file (little-endian host format with a magic and a version). */
int mtt_samples_write(const char *path, const mtt_sample_set *s);
int mtt_samples_read(const char *path, mtt_sample_set *s);

/* ---- geometry ----------------------------------------------------------------------- */

/* IoU of two inclusive boxes. */
float mtt_iou(const float a[4], const float b[4]);
/* The kind a crop with this best IoU gets, or -1 when it is ambiguous. */
int mtt_kind_for_iou(float iou);
void mtt_box_target(const float crop[4], const float gt[4], float out[4]);
void mtt_lm_target(const float crop[4], const float lm_xy[10], float out[10]);

/* The project's face box from eye and mouth-centre points (the rule of docs/training.md):
 * a square of side 1.23 * (IOD + EM) centred at E + 0.21 (M - E), where E is the mid-point
 * of the eyes, IOD the eye distance and EM the distance from E to the mouth centre M.
 * Fitted to the original MTCNN's final boxes ((w+h)/2 and centre) on Caltech faces. */
void mtt_face_box_from_points(const float leye[2], const float reye[2], const float mouth[2],
                              float box[4]);
/* The mouth centre from the two mouth corners (5-point sets): their mid-point moved down by
 * 0.063 of the eye-to-corners distance, where Caltech's mouth centre lies on average. */
void mtt_mouth_centre(const float leye[2], const float reye[2], const float lmouth[2],
                      const float rmouth[2], float out[2]);

/* ---- cutting samples ---------------------------------------------------------------- */

/* One annotated face: its box, and its 5 landmarks (x1..x5, y1..y5) when has_lm; NaN for a
 * point the annotation lacks (Caltech faces carry their two eyes only). */
typedef struct mtt_face {
    float box[4];
    int has_lm;
    float lm[10];
} mtt_face;

/* Crops the square (x0, y0, side) of an RGB24 image (pixels outside are black), resized to
 * s->side by the engine's area resampler, and appends it. */
int mtt_samples_add_crop(mtt_sample_set *s, const mtcnn_image *img, int x0, int y0, int side,
                         int kind, const float *box, const float *lm);

typedef struct mtt_cut_counts {
    int neg_random;  /* random negatives anywhere in the image */
    int neg_near;    /* negatives near each face (hard, overlapping a little) */
    int pos;         /* positive attempts per face */
    int part;        /* part-face attempts per face */
    int lmk;         /* landmark crops per face with landmarks */
    int min_face;    /* smallest face side used for positives / parts (pixels) */
    float lmk_jitter; /* landmark crops: shift up to +-j of the side, side 1 +- 2j (0: 0.05);
                        IoU > 0.65 with the face is kept in any case */
} mtt_cut_counts;

/* Cuts samples around annotated faces and at random. Faces with has_lm give landmark
 * samples (and no others when counts->pos is 0). */
int mtt_cut_samples(mtt_sample_set *s, const mtcnn_image *img, const mtt_face *faces,
                    int n_faces, const mtt_cut_counts *counts, mtt_rng *rng);

/* Runs stages 1..stage of `det` (created with options.stages = stage) over the image and
 * turns the boxes leaving stage `stage` into samples by IoU with the faces: the detector's
 * false proposals become hard negatives. At most max_neg negatives are kept (chosen at
 * random). With lm_twins, every positive of a face with landmarks is also added as a
 * landmark face (the same crop, right after it): landmark crops cut as the detector cuts
 * them, for O-Net, whose landmarks are applied to R-Net's boxes. */
int mtt_mine_samples(mtt_sample_set *s, mtcnn_detector *det, int stage, const mtcnn_image *img,
                     const mtt_face *faces, int n_faces, int max_neg, int lm_twins,
                     mtt_rng *rng);

/* ---- sample to input ---------------------------------------------------------------- */

typedef struct mtt_augment {
    int flip;          /* mirror horizontally (landmarks mirrored, left/right swapped) */
    float brightness;  /* added to every value, in pixel units */
    float contrast;    /* multiplies (v - 127.5) */
    int gray;          /* replace the colours with their luma */
} mtt_augment;

/* Random augmentation: flip half the time, brightness +-16, contrast 0.8..1.2, gray 10%. */
void mtt_augment_random(mtt_augment *a, mtt_rng *rng);

/* Normalised CHW input of sample i ((v - 127.5) / 128, as the engine feeds its nets) and its
 * loss targets, with augmentation `a` (NULL: none). */
void mtt_sample_input(const mtt_sample_set *s, size_t i, const mtt_augment *a, float *in,
                      mtt_target *t);
