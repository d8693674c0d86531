/* eval-wider-official.h - WIDER FACE's official easy/medium/hard evaluation protocol (the
 * eval_tools shipped with the data set), reimplemented from its description:
 *
 *  - scores are normalised to [0, 1] by the min and max over ALL detections of the run;
 *  - per image, detections in descending score order each take the annotated face of highest
 *    IoU (>= 0.5, boxes as x, y, x + w, y + h with the +1 pixel area convention); a detection
 *    whose best face is not in the subset is dropped from the proposals; one whose best face
 *    is in the subset marks it found (a repeat does not add recall but stays a proposal);
 *  - for 1000 thresholds t = 1 - k/1000 (k = 1..1000), the proposals scored >= t and the
 *    subset faces they found are summed over images; precision = found / proposals, recall =
 *    found / subset faces;
 *  - AP is the VOC area under that curve with precision made monotone from the right.
 */
#pragma once

#define EVAL_WIDER_THRESHOLDS 1000

typedef struct eval_wider_image {
    const float *gt;            /* n_gt boxes x, y, w, h (as in face_bbx_list) */
    int n_gt;
    const unsigned char *keep;  /* n_gt flags: the face belongs to the subset (gt_list) */
    const float *dets;          /* n_dets rows x, y, w, h, score (any order) */
    int n_dets;
} eval_wider_image;

typedef struct eval_wider_result {
    int n_faces;                              /* subset faces (the recall denominator) */
    double precision[EVAL_WIDER_THRESHOLDS];  /* NaN where no proposal reaches the threshold */
    double recall[EVAL_WIDER_THRESHOLDS];
    double ap;
} eval_wider_result;

/* Runs the protocol over n images. Returns 0, MTCNN_ENOMEM or MTCNN_EINVAL. */
int eval_wider_official(const eval_wider_image *imgs, int n, eval_wider_result *out);
/* The official VOC_ap on n points (NaN precisions count as 0). */
double eval_wider_voc_ap(const double *recall, const double *precision, int n);
