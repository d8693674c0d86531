/* fuzz-track.c - libFuzzer target for video input to the tracker (issue #11): the calls
 * mtcam-detect --track makes (app/detect/detect-track.c), on a fuzzed Y4M or MJPEG AVI file:
 * capture_open (the type sniffed), then every frame through mtcnn_track with the shipped
 * model, ids and boxes checked. Frames over MAX_PIXELS end the input (the cascade on a large
 * frame is slow, not interesting: the readers' own targets take any size). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "fuzz-util.h"
#include "mtcnn.h"

#define MAX_FRAMES 24
#define MAX_PIXELS (192 * 192)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static mtcnn_model *model;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *path = getenv("MTCAM_FUZZ_MODEL");
    if (!path)
        path = MTCAM_FUZZ_MODEL_DEFAULT;
    if (mtcnn_model_load(path, &model) != 0) {
        fprintf(stderr, "fuzz-track: %s\n", mtcnn_last_error());
        abort();
    }
    return 0;
}

static void check_faces(const mtcnn_face *faces, int n, int w, int h)
{
    for (int i = 0; i < n; i++) {
        const mtcnn_face *f = &faces[i];
        if (f->id < 1 || !(f->score >= 0 && f->score <= 1))
            abort();
        for (int k = 0; k < 4; k++)
            if (!isfinite(f->box[k]) || fabsf(f->box[k]) > 4.0f * (float)(w + h))
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_temp_file("track", data, size);
    capture_options co;
    capture_options_default(&co);
    co.as_fast_as_possible = 1;
    co.loop = 0;
    capture_source *src = NULL;
    fuzz_clear_message();
    if (capture_open(path, &co, &src) != 0) {
        fuzz_expect_message();
        return 0;
    }
    if (strcmp(capture_kind(src), "y4m") && strcmp(capture_kind(src), "avi")) {
        capture_close(src); /* --track refuses images: the image targets cover them */
        return 0;
    }
    mtcnn_options opt;
    mtcnn_options_default(&opt);
    mtcnn_tracker_options topt;
    mtcnn_tracker_options_default(&topt);
    mtcnn_detector *det = NULL;
    mtcnn_tracker *trk = NULL;
    if (mtcnn_detector_create(model, &opt, &det) || mtcnn_tracker_create(det, &topt, &trk))
        abort(); /* valid options and model: must not fail */
    for (int i = 0; i < MAX_FRAMES; i++) {
        const mtcam_frame *f;
        int rc = capture_read(src, &f, 10000);
        if (rc == MTCNN_EFORMAT)
            continue;
        if (rc)
            break;
        if ((long long)f->width * f->height > MAX_PIXELS)
            break;
        mtcnn_image img = {f->data, f->width, f->height, f->stride, MTCNN_PIXEL_RGB24};
        const mtcnn_face *faces;
        int n;
        if (mtcnn_track(trk, &img, f->timestamp_ns, &faces, &n) != 0)
            abort(); /* a frame the reader delivered must track */
        check_faces(faces, n, f->width, f->height);
        (void)mtcnn_tracker_info(trk);
    }
    mtcnn_tracker_destroy(trk);
    mtcnn_detector_destroy(det);
    capture_close(src);
    return 0;
}
