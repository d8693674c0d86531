/* face-crops.h - aligned face crops written as PNG files (mtcam-detect --crops, the live
 * app's `a` key). */
#pragma once

#include "frame.h"
#include "mtcnn.h"

/* The side of a crop: ArcFace's 112x112 five-point template. */
#define RENDER_FACE_CROP_SIDE 112

/* Writes the aligned crop of each face that has landmarks as "<prefix>-face<i>.png" (i: the
 * face's index in `faces`, so the names follow the detection order), and sets *written to
 * how many were written. Stops at the first failure, whose message names the file. */
int render_write_face_crops(const char *prefix, const mtcam_frame *frame,
                            const mtcnn_face *faces, int n, int *written);
