/* live-detect.h - the detection thread of mtcam: runs the engine on the newest frame it was
 * given, while the render loop goes on showing frames. A frame submitted while the detector is
 * busy replaces any frame still waiting, so detection never falls behind the camera. */
#pragma once

#include <stdint.h>

#include "frame.h"
#include "mtcnn.h"

typedef struct live_detect live_detect;

/* The newest finished detection, copied out for the render loop. */
typedef struct live_result {
    uint64_t count;       /* results produced so far (0: none yet) */
    uint64_t seq;         /* sequence number of the frame detected */
    int64_t timestamp_ns; /* that frame's capture time */
    double ms;            /* wall time of mtcnn_detect */
    double fps;           /* detections per second over about the last second */
    int stages;           /* stages run */
    int tracking;         /* the faces came from mtcnn_track (they carry ids) */
    mtcnn_frame_mode mode; /* then: a scan or a track frame */
    mtcnn_stats stats;
    int precision;        /* mtcnn_precision the nets ran in (FP32 or INT8) */
    mtcnn_face *faces;    /* boxes of the last stage run */
    int n_faces;
    mtcnn_face *stage_boxes[2]; /* boxes that left stages 1 and 2 */
    int n_stage_boxes[2];
    int error;            /* non-zero: the last detect failed, message below */
    char message[256];
} live_result;

/* Starts the thread with its own detector on `model` (which must outlive it). */
int live_detect_start(const mtcnn_model *model, const mtcnn_options *opt, live_detect **out);
/* Copies `f` as the next frame to detect (replacing one still waiting). */
int live_detect_submit(live_detect *d, const mtcam_frame *f);
/* New options, applied before the next detection. */
void live_detect_set_options(live_detect *d, const mtcnn_options *opt);
/* Tracking on (mtcnn_track: ids, smoothing, a fraction of the work) or off (mtcnn_detect on
 * every frame), from the next detection; turning it on starts new tracks (new ids). */
void live_detect_set_tracking(live_detect *d, int on);
/* Copies the newest result into *r when it is newer than r->count; returns 1 then, else 0.
 * *r must start zeroed; its arrays are reused and freed by live_result_free. */
int live_detect_latest(live_detect *d, live_result *r);
/* Waits until the frame submitted last has been detected (or timeout_ms passed); 1 if idle. */
int live_detect_wait_idle(live_detect *d, int timeout_ms);
/* Finishes the detection in progress, stops the thread and frees. Accepts NULL. */
void live_detect_stop(live_detect *d);
void live_result_free(live_result *r);
