/* detect-track.h - mtcam-detect --track: faces followed through a video, one JSON line per
 * frame with each face's track id. */
#pragma once

#include "mtcnn.h"

/* Reads every frame of the Y4M or MJPEG AVI file `path` (at no particular pace) through one
 * tracker and prints a JSON line per frame. Returns 0, or 1 after printing a line naming the
 * file and the reason (the lines already printed stay valid). */
int detect_track_video(const char *path, const mtcnn_model *model, const mtcnn_options *opt,
                       const mtcnn_tracker_options *topt);
