/* test-image-write.c - PNG/JPEG writers and the in-memory JPEG encoder: files read back by our
 * decoder and by independent readers (pngcheck, djpeg, ffprobe), atomic replacement, and write
 * failures (missing folder, file-size limit as a stand-in for a full disk) leaving no file. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "err.h"
#include "image-file.h"
#include "image-write.h"

#define W 37 /* odd sizes: padding in the stride, partial chroma blocks in JPEG */
#define H 23

static void fill(mtcam_frame *f, int shift)
{
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++) {
            uint8_t *p = f->data + y * f->stride + 3 * x;
            p[0] = (uint8_t)(5 * x + 20 + shift);
            p[1] = (uint8_t)(8 * y + 30);
            p[2] = (uint8_t)(200 - 3 * x - 2 * y);
        }
}

static int max_diff(const mtcam_frame *a, const mtcam_frame *b)
{
    int worst = 0;
    for (int y = 0; y < a->height; y++)
        for (int x = 0; x < 3 * a->width; x++) {
            int d = abs(a->data[y * a->stride + x] - b->data[y * b->stride + x]);
            worst = d > worst ? d : worst;
        }
    return worst;
}

/* A fresh empty folder for one case. */
static const char *temp_dir(void)
{
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/mtcam-write-XXXXXX");
    return mkdtemp(dir);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static int have_tool(const char *name)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

static int run(const char *fmt, const char *path)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, path);
    return system(cmd);
}

static int png_roundtrip(void)
{
    const char *dir = temp_dir();
    CHECK(dir);
    char path[256];
    snprintf(path, sizeof path, "%s/shot.png", dir);
    mtcam_frame f, back;
    CHECK_INT_EQ(mtcam_frame_alloc(&f, W, H), 0);
    fill(&f, 0);
    CHECK_MSG(render_image_write_png(path, &f) == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(count_entries(dir), 1); /* no temporary left behind */
    CHECK_MSG(capture_image_load(path, &back) == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(back.width, W);
    CHECK_INT_EQ(back.height, H);
    CHECK_INT_EQ(max_diff(&f, &back), 0);
    struct stat st;
    CHECK(stat(path, &st) == 0);
    CHECK_MSG((st.st_mode & 0444) == 0444 || (st.st_mode & 0044) == 0, "mode %o", st.st_mode);
    int independent = 0;
    if (have_tool("pngcheck")) {
        CHECK_INT_EQ(run("pngcheck -q '%s' >/dev/null", path), 0);
        independent++;
    }
    if (have_tool("ffprobe")) {
        CHECK_INT_EQ(run("test \"$(ffprobe -v error -show_entries stream=width,height,pix_fmt "
                         "-of csv=p=0 '%s')\" = '37,23,rgb24'",
                         path),
                     0);
        independent++;
    }
    mtcam_frame_free(&back);
    mtcam_frame_free(&f);
    remove_dir(dir);
    if (!independent)
        SKIP("PNG written and read back, but neither pngcheck nor ffprobe is installed");
    return 0;
}

static int jpeg_roundtrip(void)
{
    const char *dir = temp_dir();
    CHECK(dir);
    char path[256];
    snprintf(path, sizeof path, "%s/shot.JPG", dir);
    mtcam_frame f, back;
    CHECK_INT_EQ(mtcam_frame_alloc(&f, W, H), 0);
    fill(&f, 0);
    CHECK_MSG(render_image_write(path, &f, 95) == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(count_entries(dir), 1);
    CHECK_MSG(capture_image_load(path, &back) == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(back.width, W);
    CHECK_INT_EQ(back.height, H);
    int d = max_diff(&f, &back);
    CHECK_MSG(d <= 16, "JPEG at quality 95 differs by %d", d);
    int independent = 0;
    if (have_tool("djpeg")) {
        /* djpeg writes a PPM whose header gives the size. */
        CHECK_INT_EQ(run("djpeg -pnm '%s' | head -c 9 | tr '\\n' ' ' | grep -q '^P6 37 23'", path),
                     0);
        independent++;
    }
    if (have_tool("ffprobe")) {
        CHECK_INT_EQ(run("test \"$(ffprobe -v error -show_entries stream=codec_name,width,height "
                         "-of csv=p=0 '%s')\" = 'mjpeg,37,23'",
                         path),
                     0);
        independent++;
    }
    mtcam_frame_free(&back);
    mtcam_frame_free(&f);
    remove_dir(dir);
    if (!independent)
        SKIP("JPEG written and read back, but neither djpeg nor ffprobe is installed");
    return 0;
}

/* Lower quality, fewer bytes; and the reused encoder keeps its buffer across frames. */
static int jpeg_encoder(void)
{
    render_image_jpeg_encoder *enc;
    CHECK_INT_EQ(render_image_jpeg_encoder_create(&enc), 0);
    mtcam_frame f, back = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&f, W, H), 0);
    fill(&f, 0);
    const uint8_t *data;
    size_t size_hi, size_lo;
    CHECK_INT_EQ(render_image_jpeg_encode(enc, &f, 95, &data, &size_hi), 0);
    const uint8_t *first = data;
    CHECK_INT_EQ(render_image_jpeg_encode(enc, &f, 20, &data, &size_lo), 0);
    CHECK_MSG(size_lo < size_hi, "quality 20: %zu bytes, quality 95: %zu", size_lo, size_hi);
    for (int i = 0; i < 4; i++) {
        fill(&f, 10 * i);
        size_t size;
        CHECK_INT_EQ(render_image_jpeg_encode(enc, &f, 90, &data, &size), 0);
        CHECK(data == first);
        CHECK(data[0] == 0xFF && data[1] == 0xD8 && data[size - 2] == 0xFF &&
              data[size - 1] == 0xD9);
        CHECK_MSG(capture_image_decode_jpeg(data, size, "frame", &back) == 0, "%s",
                  mtcam_last_error());
        CHECK(max_diff(&f, &back) <= 20);
    }
    /* Quality is clamped, not rejected. */
    size_t size;
    CHECK_INT_EQ(render_image_jpeg_encode(enc, &f, 1000, &data, &size), 0);
    CHECK_INT_EQ(render_image_jpeg_encode(enc, &f, -5, &data, &size), 0);
    mtcam_frame empty = {0};
    CHECK_INT_EQ(render_image_jpeg_encode(enc, &empty, 90, &data, &size), MTCNN_EINVAL);
    mtcam_frame_free(&back);
    mtcam_frame_free(&f);
    render_image_jpeg_encoder_destroy(enc);
    render_image_jpeg_encoder_destroy(NULL);
    return 0;
}

/* A big frame needs the encoder's buffer to grow mid-frame (noise defeats the first guess). */
static int jpeg_encoder_grows(void)
{
    render_image_jpeg_encoder *enc;
    CHECK_INT_EQ(render_image_jpeg_encoder_create(&enc), 0);
    mtcam_frame f, back = {0};
    CHECK_INT_EQ(mtcam_frame_alloc(&f, 640, 480), 0);
    uint32_t seed = 1;
    for (int y = 0; y < f.height; y++)
        for (int x = 0; x < 3 * f.width; x++) {
            seed = seed * 1664525u + 1013904223u;
            f.data[y * f.stride + x] = (uint8_t)(seed >> 24);
        }
    const uint8_t *data;
    size_t size;
    CHECK_INT_EQ(render_image_jpeg_encode(enc, &f, 100, &data, &size), 0);
    CHECK_MSG(size > (size_t)640 * 480 / 2 + 65536, "only %zu bytes: the buffer never grew", size);
    CHECK_MSG(capture_image_decode_jpeg(data, size, "noise", &back) == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(back.width, 640);
    mtcam_frame_free(&back);
    mtcam_frame_free(&f);
    render_image_jpeg_encoder_destroy(enc);
    return 0;
}

static int write_errors(void)
{
    mtcam_frame f;
    CHECK_INT_EQ(mtcam_frame_alloc(&f, W, H), 0);
    fill(&f, 0);
    CHECK_INT_EQ(render_image_write_png("/nonexistent-dir/x.png", &f), MTCNN_ENOTFOUND);
    CHECK_STR_CONTAINS(mtcam_last_error(), "/nonexistent-dir/x.png: cannot create");
    CHECK_INT_EQ(render_image_write_jpeg("/nonexistent-dir/x.jpg", &f, 90), MTCNN_ENOTFOUND);
    CHECK_STR_CONTAINS(mtcam_last_error(), "/nonexistent-dir/x.jpg");
    CHECK_INT_EQ(render_image_write("/tmp/x.bmp", &f, 90), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcam_last_error(), "x.bmp: unknown image type");
    mtcam_frame empty = {0};
    CHECK_INT_EQ(render_image_write_png("/tmp/never.png", &empty), MTCNN_EINVAL);
    CHECK(access("/tmp/never.png", F_OK) != 0);
    mtcam_frame_free(&f);
    return 0;
}

/* A write that fails part way (here: RLIMIT_FSIZE, which fails like a full disk, with EFBIG)
 * reports it, leaves no temporary file, and keeps the old file under the name intact. */
static int failed_write_keeps_old_file(void)
{
    const char *dir = temp_dir();
    CHECK(dir);
    char path[256];
    snprintf(path, sizeof path, "%s/shot.png", dir);
    mtcam_frame small, big;
    CHECK_INT_EQ(mtcam_frame_alloc(&small, W, H), 0);
    fill(&small, 0);
    CHECK_INT_EQ(render_image_write_png(path, &small), 0);
    struct stat before;
    CHECK(stat(path, &before) == 0);

    CHECK_INT_EQ(mtcam_frame_alloc(&big, 400, 300), 0);
    uint32_t seed = 7;
    for (int y = 0; y < big.height; y++)
        for (int x = 0; x < 3 * big.width; x++) {
            seed = seed * 1664525u + 1013904223u;
            big.data[y * big.stride + x] = (uint8_t)(seed >> 24);
        }
    struct rlimit old;
    CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN); /* get EFBIG instead of a signal */
    struct rlimit lim = {20000, old.rlim_max};
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    int rc_png = render_image_write_png(path, &big);
    char msg_png[512];
    snprintf(msg_png, sizeof msg_png, "%s", mtcam_last_error());
    int rc_jpg = render_image_write_jpeg(path, &big, 100);
    char msg_jpg[512];
    snprintf(msg_jpg, sizeof msg_jpg, "%s", mtcam_last_error());
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);

    CHECK_MSG(rc_png == MTCNN_ENOSPC, "rc %d: %s", rc_png, msg_png);
    CHECK_STR_CONTAINS(msg_png, "shot.png: write failed: File too large");
    CHECK_MSG(rc_jpg == MTCNN_ENOSPC, "rc %d: %s", rc_jpg, msg_jpg);
    CHECK_STR_CONTAINS(msg_jpg, "shot.png: write failed");
    CHECK_INT_EQ(count_entries(dir), 1);
    struct stat after;
    CHECK(stat(path, &after) == 0);
    CHECK_INT_EQ(after.st_size, before.st_size);
    mtcam_frame back;
    CHECK_INT_EQ(capture_image_load(path, &back), 0);
    CHECK_INT_EQ(max_diff(&small, &back), 0);
    /* Without the limit the same write replaces the file. */
    CHECK_INT_EQ(render_image_write_png(path, &big), 0);
    CHECK(stat(path, &after) == 0 && after.st_size > before.st_size);
    CHECK_INT_EQ(count_entries(dir), 1);
    mtcam_frame_free(&back);
    mtcam_frame_free(&big);
    mtcam_frame_free(&small);
    remove_dir(dir);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"png_roundtrip", png_roundtrip},
        {"jpeg_roundtrip", jpeg_roundtrip},
        {"jpeg_encoder", jpeg_encoder},
        {"jpeg_encoder_grows", jpeg_encoder_grows},
        {"write_errors", write_errors},
        {"failed_write_keeps_old_file", failed_write_keeps_old_file},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
