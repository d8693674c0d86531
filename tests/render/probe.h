/* probe.h - test helpers: ffprobe as the independent reader of the videos we write, and a
 * small libjpeg encoder for fixture frames (independent of the project's own encoder). */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct probe_video {
    long frames; /* decoded frames (ffprobe -count_frames) */
    int width, height;
    char avg_frame_rate[32]; /* as ffprobe prints it: "25/1" */
} probe_video;

/* Runs ffprobe on `path`. Returns 0 when ffprobe read a video stream, -1 otherwise (the reason
 * goes to stderr). */
int probe_avi(const char *path, probe_video *out);
/* Checks through ffprobe that `path` holds `frames` frames of w x h and, when `rate` is not
 * NULL, that its average frame rate reads `rate` ("25/1"). 0, or 1 after saying what differs
 * (a CHECK failure). */
int probe_expect_avi(const char *path, long frames, int w, int h, const char *rate);
/* Non-zero when ffprobe is on the PATH. */
int probe_have_ffprobe(void);

/* Encodes a w x h RGB24 test pattern (a gradient plus a square at a place given by `k`) into a
 * malloc'ed JPEG. */
int probe_make_jpeg(int w, int h, int k, uint8_t **jpeg, size_t *size);

/* A fresh empty folder under $TMPDIR (or /tmp) for one test; static buffer. */
const char *probe_temp_dir(const char *tag);
/* Removes a folder made by probe_temp_dir and everything in it. */
void probe_remove_dir(const char *dir);
