/* A recording made by render/avi-write is read back by capture/avi-read: same frame count,
 * size, rate and pixels (within JPEG error). Two independent readers exist for these files
 * (ffprobe in tests/render, capture here); this test joins the project's own two halves. */
#include <stdlib.h>
#include <unistd.h>

#include "avi-write.h"
#include "capture.h"
#include "check.h"
#include "frame.h"
#include "image-write.h"
#include "mtcnn.h"

/* A frame whose pixels tell its index: a horizontal ramp shifted by 8*i, blue = 40*i. */
static void paint(mtcam_frame *f, int i)
{
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++) {
            uint8_t *p = f->data + y * f->stride + x * 3;
            p[0] = (uint8_t)(x * 4 + 8 * i);
            p[1] = (uint8_t)(y * 4);
            p[2] = (uint8_t)(40 * i);
        }
}

static double mean_abs_diff(const mtcam_frame *a, const mtcam_frame *b)
{
    double sum = 0;
    for (int y = 0; y < a->height; y++)
        for (int x = 0; x < a->width * 3; x++)
            sum += abs(a->data[y * a->stride + x] - b->data[y * b->stride + x]);
    return sum / (a->width * 3.0 * a->height);
}

/* Writes n frames of w x h at fps into path with the given part size. */
static int record(const char *path, int w, int h, double fps, int n, int64_t part_bytes)
{
    avi_writer_options o = {.width = w, .height = h, .fps = fps, .max_part_bytes = part_bytes};
    avi_writer *aw;
    render_image_jpeg_encoder *enc;
    mtcam_frame f;
    CHECK(avi_writer_open(path, &o, &aw) == 0);
    CHECK(render_image_jpeg_encoder_create(&enc) == 0);
    CHECK(mtcam_frame_alloc(&f, w, h) == 0);
    for (int i = 0; i < n; i++) {
        paint(&f, i);
        const uint8_t *jpeg;
        size_t size;
        CHECK(render_image_jpeg_encode(enc, &f, 90, &jpeg, &size) == 0);
        CHECK(avi_writer_add_jpeg(aw, jpeg, size) == 0);
    }
    CHECK_INT_EQ(avi_writer_frames(aw), n);
    CHECK(avi_writer_close(aw) == 0);
    render_image_jpeg_encoder_destroy(enc);
    mtcam_frame_free(&f);
    return 0;
}

/* Reads every frame of one file and checks it against what was painted from index first. */
static int replay(const char *path, int w, int h, int first, int expect, double fps)
{
    capture_options o;
    capture_options_default(&o);
    o.loop = 0;
    o.as_fast_as_possible = 1;
    capture_source *src;
    CHECK_MSG(capture_open(path, &o, &src) == 0, "%s", mtcnn_last_error());
    CHECK_STR_CONTAINS(capture_describe(src), "x");
    mtcam_frame want;
    CHECK(mtcam_frame_alloc(&want, w, h) == 0);
    int n = 0, rc;
    int64_t t_first = 0, t_last = 0;
    const mtcam_frame *f;
    while ((rc = capture_read(src, &f, 1000)) == 0) {
        CHECK_INT_EQ(f->width, w);
        CHECK_INT_EQ(f->height, h);
        CHECK_INT_EQ(f->seq, n);
        paint(&want, first + n);
        const double d = mean_abs_diff(f, &want);
        CHECK_MSG(d < 3.0, "%s frame %d differs by %.2f on average", path, n, d);
        if (n == 0)
            t_first = f->timestamp_ns;
        t_last = f->timestamp_ns;
        n++;
    }
    CHECK_INT_EQ(rc, MTCNN_EEOF);
    CHECK_INT_EQ(n, expect);
    /* Timestamps follow the file's rate even when read as fast as possible. */
    if (n > 1)
        CHECK_NEAR((t_last - t_first) * 1e-9, (n - 1) / fps, 0.5 / fps);
    capture_close(src);
    mtcam_frame_free(&want);
    return 0;
}

static int test_avi_written_then_replayed(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/mtcam-roundtrip-%d-%d.avi", (int)getpid(), __LINE__);
    unlink(path);
    int rc = record(path, 96, 64, 12.5, 10, 0);
    if (!rc)
        rc = replay(path, 96, 64, 0, 10, 12.5);
    unlink(path);
    return rc;
}

static int test_avi_split_parts(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/mtcam-roundtrip-%d-%d.avi", (int)getpid(), __LINE__);
    unlink(path);
    /* Parts of ~20 KB: 40 frames of about 2-3 KB each make several files. */
    int rc = record(path, 96, 64, 25, 40, 20000);
    char part[4200];
    int total = 0, parts = 0;
    for (int p = 1; !rc && p < 100; p++) {
        avi_writer_part_name(path, p, part, sizeof part);
        if (access(part, R_OK) != 0)
            break;
        parts++;
        capture_options o;
        capture_options_default(&o);
        o.loop = 0;
        o.as_fast_as_possible = 1;
        capture_source *src;
        CHECK_MSG(capture_open(part, &o, &src) == 0, "%s", mtcnn_last_error());
        const mtcam_frame *f;
        int n = 0;
        while (capture_read(src, &f, 1000) == 0)
            n++;
        capture_close(src);
        /* Each part is a playable file on its own, starting where the last one ended. */
        rc = replay(part, 96, 64, total, n, 25);
        total += n;
        unlink(part);
    }
    CHECK_MSG(parts >= 2, "expected several parts, got %d", parts);
    CHECK_INT_EQ(total, 40);
    return rc;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"avi_written_then_replayed", test_avi_written_then_replayed},
        {"avi_split_parts", test_avi_split_parts},
        {NULL, NULL}};
    return check_main(argc, argv, cases);
}
