/* nms.h - candidate boxes and the box arithmetic of the original MTCNN (spec section 8).
 * Boxes are in the original's 1-based inclusive convention, in double precision like the
 * reference implementations. */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct mtcnn__box {
    double x1, y1, x2, y2;
    float score;
    float reg[4]; /* dx1, dy1, dx2, dy2 of the net that scored the box */
    float lm[10]; /* landmarks x1..x5, y1..y5 (O-Net only): fractions of the crop box until
                     mtcnn__landmarks_place turns them into 0-based image pixels */
    double cx1, cy1, cx2, cy2; /* the integer box O-Net saw (landmarks are relative to it) */
} mtcnn__box;

/* Greedy NMS: visits boxes by descending score, drops every later box whose overlap with the
 * kept one is > threshold; overlap = IoU ("Union") or intersection / smaller area ("Min"),
 * with the original's +1 in widths. Writes the kept indices to keep[] (n ints) in descending
 * score order and returns their count. `scratch` holds mtcnn__nms_scratch_bytes(n). */
int mtcnn__nms(const mtcnn__box *b, int n, double threshold, int use_min, int *keep,
               void *scratch);
size_t mtcnn__nms_scratch_bytes(int n);

/* Applies b->reg: corners move by reg * side, side = x2 - x1 (+1 with plus_one). P-Net's
 * regression uses the side without +1, R-Net's and O-Net's with it. */
void mtcnn__bbreg(mtcnn__box *b, int plus_one);
/* Makes the box a square with the same centre and the longer side (no +1). */
void mtcnn__rerec(mtcnn__box *b);
/* Truncates the four coordinates toward zero. */
void mtcnn__fix(mtcnn__box *b);
