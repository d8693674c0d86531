/* test-face-crops.c - aligned face crops as PNG files: on a real photo, each file read back
 * is exactly the engine's crop; faces without landmarks are skipped; errors name the file. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "face-crops.h"
#include "image-file.h"

static mtcnn_model *model;
static mtcam_frame photo;

static int setup(void)
{
    if (!model && mtcnn_model_load(MTCAM_SOURCE_MODEL, &model) != 0) {
        fprintf(stderr, "%s\n", mtcnn_last_error());
        return 1;
    }
    if (!photo.data && capture_image_load(MTCAM_SOURCE_ASSETS "/demo/grace-hopper.jpg", &photo)) {
        fprintf(stderr, "%s\n", mtcnn_last_error());
        return 1;
    }
    return 0;
}

static int detect(int stages, const mtcnn_face **faces, int *n, mtcnn_detector **det)
{
    mtcnn_options opt;
    mtcnn_options_default(&opt);
    opt.stages = stages;
    mtcnn_image view = {photo.data, photo.width, photo.height, photo.stride, MTCNN_PIXEL_RGB24};
    if (mtcnn_detector_create(model, &opt, det) || mtcnn_detect(*det, &view, faces, n)) {
        fprintf(stderr, "%s\n", mtcnn_last_error());
        return 1;
    }
    return 0;
}

static int writes_engine_crops(void)
{
    CHECK(setup() == 0);
    const mtcnn_face *faces;
    int n, written;
    mtcnn_detector *det;
    CHECK(detect(3, &faces, &n, &det) == 0);
    CHECK(n >= 1);
    char dir[] = "/tmp/mtcam-crops-XXXXXX";
    CHECK(mkdtemp(dir));
    char prefix[64], path[96];
    snprintf(prefix, sizeof prefix, "%s/grace", dir);
    int rc = render_write_face_crops(prefix, &photo, faces, n, &written);
    CHECK_MSG(rc == 0, "%s", mtcnn_last_error());
    CHECK_INT_EQ(written, n);
    mtcnn_image view = {photo.data, photo.width, photo.height, photo.stride, MTCNN_PIXEL_RGB24};
    static uint8_t want[112 * 112 * 3];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s-face%d.png", prefix, i);
        mtcam_frame got = {0};
        CHECK_MSG(capture_image_load(path, &got) == 0, "%s", mtcnn_last_error());
        CHECK_INT_EQ(got.width, 112);
        CHECK_INT_EQ(got.height, 112);
        CHECK_INT_EQ(mtcnn_align_face(&view, &faces[i], MTCNN_ALIGN_112X112, 112, 112, want,
                                      112 * 3), 0);
        for (int y = 0; y < 112; y++)
            CHECK(memcmp(got.data + y * got.stride, want + y * 112 * 3, 112 * 3) == 0);
        mtcam_frame_free(&got);
        unlink(path);
    }
    rmdir(dir);
    mtcnn_detector_destroy(det);
    return 0;
}

static int skips_faces_without_landmarks(void)
{
    CHECK(setup() == 0);
    const mtcnn_face *faces;
    int n, written = -1;
    mtcnn_detector *det;
    CHECK(detect(2, &faces, &n, &det) == 0);
    CHECK(n >= 1);
    CHECK_INT_EQ(render_write_face_crops("/nonexistent-dir/x", &photo, faces, n, &written), 0);
    CHECK_INT_EQ(written, 0);
    mtcnn_detector_destroy(det);
    return 0;
}

static int errors_name_the_file(void)
{
    CHECK(setup() == 0);
    const mtcnn_face *faces;
    int n, written = -1;
    mtcnn_detector *det;
    CHECK(detect(3, &faces, &n, &det) == 0);
    CHECK(render_write_face_crops("/nonexistent-dir/x", &photo, faces, n, &written) != 0);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "/nonexistent-dir/x-face0.png");
    CHECK_INT_EQ(written, 0);
    mtcnn_detector_destroy(det);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"writes_engine_crops", writes_engine_crops},
        {"skips_faces_without_landmarks", skips_faces_without_landmarks},
        {"errors_name_the_file", errors_name_the_file},
        {NULL, NULL}};
    int rc = check_main(argc, argv, cases);
    mtcam_frame_free(&photo);
    mtcnn_model_free(model);
    return rc;
}
