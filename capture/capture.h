/* capture.h - sources of RGB frames: V4L2 cameras, image files and folders, Y4M and MJPEG AVI
 * video, and the embedded demo. One interface for all, so the app and the tests treat every
 * source alike. (Contract shared by app/ and render/: extend it, do not break it.) */
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "frame.h"

typedef struct capture_source capture_source;

typedef struct capture_options {
    int width, height; /* size asked for (0 = the source's default) */
    double fps;        /* rate asked for (0 = the source's default) */
    int as_fast_as_possible; /* files: do not pace at the file's rate (benchmarks) */
    int loop;          /* files: start again at the end (default 1 for the app) */
    /* Called for every problem the source steps over (a file of a folder that is not an
     * image or does not decode, a corrupt frame, a JPEG recovered with a warning), with a
     * one-line message naming the file, on the thread that opens or reads the source. A
     * folder reports each bad file once, not once a loop. NULL: only counted. */
    void (*on_warning)(void *user, const char *message);
    void *warning_user;
} capture_options;

void capture_options_default(capture_options *opt);

/* Opens a source named by `spec`: "demo", a device path ("/dev/video0"), a device index ("0"),
 * an image file, a folder of images, a .y4m or .avi file (files are recognised by their first
 * bytes, not their names). `opt` may be NULL for the defaults.
 * Timing: cameras stamp frames with the driver's monotonic time; files and the demo stamp
 * frame i with start + i / rate (start = the first read) and, unless as_fast_as_possible,
 * deliver it at that time. Rates: Y4M and AVI use the file's; a single image is repeated at
 * opt.fps (default 25; shown once when not looping); a folder shows opt.fps images a second
 * (default 1); the demo runs at opt.fps (default 25) and opt.width x opt.height (default
 * 640x480). Sequence numbers count frames from 0 and keep counting across loops.
 * Cameras: opt.width x opt.height (default 640x480) and opt.fps (default 30) are asked for;
 * the camera's nearest is granted and capture_describe says what it was. */
int capture_open(const char *spec, const capture_options *opt, capture_source **out);
/* Waits up to timeout_ms for the next frame. On success *frame points to a frame owned by the
 * source, valid until the next read or close. MTCNN_EEOF at the end of a non-looping file,
 * MTCNN_ENOTFOUND when a file or folder ends (or a folder's whole pass fails) before a single
 * usable frame (the message says why: the last problem stepped over),
 * MTCNN_ETIMEOUT when nothing came, MTCNN_ENODEV when a camera went away. */
int capture_read(capture_source *src, const mtcam_frame **frame, int timeout_ms);
/* One line saying what was opened and granted ("/dev/video0 'vivid': 640x480 RGB24 25 fps"). */
const char *capture_describe(const capture_source *src);
void capture_close(capture_source *src);

/* The rate the source delivers frames at, in frames a second: a Y4M's or AVI's own (25 when
 * the file gives none), a camera's granted frame interval (0 when the driver does not say:
 * then only measuring tells), a folder's images a second, the demo's and a repeated image's
 * opt.fps. A recording of the source is stamped with it (a camera's with the rate measured
 * from its frames' timestamps). */
double capture_rate(const capture_source *src);

/* The kind of source: "v4l2", "y4m", "avi", "image", "folder" or "demo". */
const char *capture_kind(const capture_source *src);

/* The spec and options the source was opened with (the capture thread reopens with them). */
const char *capture_spec(const capture_source *src);
const capture_options *capture_get_options(const capture_source *src);
/* Problems the source stepped over without failing (files in a folder that are not images,
 * corrupt frames skipped): how many so far, and the last one's message in *last ("" if none). */
int capture_warning_count(const capture_source *src, const char **last);

/* Prints the V4L2 capture devices with their names, formats, sizes and frame rates. Returns
 * the number of capture devices listed (0 when there are none: a line says so), or a negative
 * MTCNN_E* code when `out` cannot be written. */
int capture_list_devices(FILE *out);
