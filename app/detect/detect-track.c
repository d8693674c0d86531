/* detect-track.c - mtcam-detect --track: a video through the tracker, one JSON line a frame:
 *   {"video": PATH, "frame": I, "time": S, "width": W, "height": H, "mode": "scan"|"track",
 *    "ms": T, "faces": [{"id": N, "box": [...], "score": S, "landmarks": [[x, y] x 5]}]}
 * "time" is the frame's time in the file (seconds from the first frame). */
#include "detect-track.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "err.h"

#define PROG "mtcam-detect"

/* A JSON string (the path) with the characters JSON needs escaped. */
static void put_json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

/* Numbers as JSON has them: a NaN or infinity (never expected) becomes null. */
static void put_number(double v, int decimals)
{
    if (isfinite(v))
        printf("%.*f", decimals, v);
    else
        fputs("null", stdout);
}

static void put_frame(const char *path, long index, double seconds, int w, int h,
                      const mtcnn_track_info *info, const mtcnn_face *f, int n)
{
    fputs("{\"video\": ", stdout);
    put_json_string(path);
    printf(", \"frame\": %ld, \"time\": %.6f, \"width\": %d, \"height\": %d, \"mode\": \"%s\", "
           "\"ms\": ",
           index, seconds, w, h, info->mode == MTCNN_FRAME_SCAN ? "scan" : "track");
    put_number(info->ms, 3);
    fputs(", \"faces\": [", stdout);
    for (int i = 0; i < n; i++) {
        printf("%s{\"id\": %d, \"box\": [", i ? ", " : "", f[i].id);
        for (int k = 0; k < 4; k++) {
            fputs(k ? ", " : "", stdout);
            put_number(f[i].box[k], 2);
        }
        fputs("], \"score\": ", stdout);
        put_number(f[i].score, 6);
        if (f[i].has_landmarks) {
            fputs(", \"landmarks\": [", stdout);
            for (int k = 0; k < 5; k++) {
                printf("%s[", k ? ", " : "");
                put_number(f[i].landmarks[k][0], 2);
                fputs(", ", stdout);
                put_number(f[i].landmarks[k][1], 2);
                putchar(']');
            }
            putchar(']');
        }
        putchar('}');
    }
    fputs("]}\n", stdout);
}

int detect_track_video(const char *path, const mtcnn_model *model, const mtcnn_options *opt,
                       const mtcnn_tracker_options *topt)
{
    capture_options co;
    capture_options_default(&co);
    co.as_fast_as_possible = 1;
    co.loop = 0;
    capture_source *src = NULL;
    mtcnn_detector *det = NULL;
    mtcnn_tracker *trk = NULL;
    int status = 1;
    int rc = capture_open(path, &co, &src);
    if (rc) {
        fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
        return 1;
    }
    /* Only videos: a still image or a folder would give one repeated frame or a slide show,
     * which mtcam-detect without --track handles. */
    const char *desc = capture_describe(src);
    if (strcmp(capture_kind(src), "y4m") && strcmp(capture_kind(src), "avi")) {
        fprintf(stderr, PROG ": %s: not a Y4M or MJPEG AVI video (--track reads videos; %s)\n",
                path, desc);
        goto done;
    }
    if (mtcnn_detector_create(model, opt, &det) || mtcnn_tracker_create(det, topt, &trk)) {
        fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
        goto done;
    }
    int64_t t0 = 0;
    for (long i = 0;; i++) {
        const mtcam_frame *f;
        rc = capture_read(src, &f, 10000);
        if (rc == MTCNN_EEOF) {
            status = 0;
            break;
        }
        if (rc) {
            fprintf(stderr, PROG ": %s: frame %ld: %s\n", path, i, mtcnn_last_error());
            break;
        }
        if (i == 0)
            t0 = f->timestamp_ns;
        mtcnn_image img = {f->data, f->width, f->height, f->stride, MTCNN_PIXEL_RGB24};
        const mtcnn_face *faces;
        int n;
        if (mtcnn_track(trk, &img, f->timestamp_ns, &faces, &n)) {
            fprintf(stderr, PROG ": %s: frame %ld: %s\n", path, i, mtcnn_last_error());
            break;
        }
        put_frame(path, i, (double)(f->timestamp_ns - t0) * 1e-9, f->width, f->height,
                  mtcnn_tracker_info(trk), faces, n);
    }
    fflush(stdout);
done:
    mtcnn_tracker_destroy(trk);
    mtcnn_detector_destroy(det);
    capture_close(src);
    return status;
}
