/* test-sources.c - every file source with real files (Y4M and AVI written here or by ffmpeg,
 * images, folders), the demo, bad input of every kind, and the spec dispatch. Each source
 * goes through the same validation (tu_validate_source). */
#define _DEFAULT_SOURCE /* setenv, mkdtemp */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture-test-util.h"
#include "capture.h"
#include "check.h"
#include "clock.h"
#include "convert.h"
#include "err.h"
#include "image-file.h"
#include "source.h"

#define FIXTURE(name) MTCAM_CAPTURE_TEST_DIR "/data/" name

static capture_options opts(int loop, int fast)
{
    capture_options o;
    capture_options_default(&o);
    o.loop = loop;
    o.as_fast_as_possible = fast;
    return o;
}

#define SKIP_WITHOUT_FFMPEG()                                                                 \
    do {                                                                                      \
        if (system("ffmpeg -version >/dev/null 2>&1") != 0)                                   \
            SKIP("ffmpeg not installed (Debian package ffmpeg)");                             \
    } while (0)

/* Plays `path`, 5 frames of ffmpeg's 64x48 testsrc at 10 fps, through the generic validation
 * (its description containing `described`), then compares its pixels with ffmpeg's own
 * decoding of it in `raw` (RGB24): the mean and largest absolute difference of a sample. */
static int compare_with_ffmpeg(const char *path, const char *raw, const char *described,
                               double *mean, int *worst)
{
    size_t raw_size;
    uint8_t *theirs = check_read_file(raw, &raw_size);
    CHECK(theirs && raw_size == 5 * 64 * 48 * 3);
    capture_options o = opts(0, 1);
    capture_source *src;
    int rc = capture_open(path, &o, &src);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_STR_CONTAINS(capture_describe(src), described);
    rc = tu_validate_source(src, 64, 48, 5, 100000000, 1, NULL);
    capture_close(src);
    CHECK(capture_open(path, &o, &src) == 0);
    double sum = 0;
    *worst = 0;
    for (int k = 0; k < 5; k++) {
        const mtcam_frame *f;
        CHECK(capture_read(src, &f, 1000) == 0);
        for (int y = 0; y < 48; y++)
            for (int x = 0; x < 3 * 64; x++) {
                int d = abs(f->data[y * f->stride + x] - theirs[(k * 48 + y) * 192 + x]);
                sum += d;
                *worst = d > *worst ? d : *worst;
            }
    }
    capture_close(src);
    free(theirs);
    *mean = sum / (5.0 * 64 * 48 * 3);
    return rc;
}

/* ---- Y4M ---------------------------------------------------------------------------------- */

/* Checks frame k of a tu_write_y4m file pixel by pixel against the conversion of its planes. */
static int check_y4m_pixels(const mtcam_frame *f, const char *cs, int k)
{
    int sx = 0, sy = 0, mono = !strcmp(cs, "mono");
    if (!strncmp(cs, "420", 3))
        sx = sy = 1;
    else if (!strcmp(cs, "422"))
        sx = 1;
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++) {
            uint8_t e[3];
            int Y = tu_y4m_luma(x, y, k);
            if (mono)
                capture_ycbcr_to_rgb(Y, 128, 128, e);
            else
                capture_ycbcr_to_rgb(Y, tu_y4m_cb(x >> sx, y >> sy, k),
                                     tu_y4m_cr(x >> sx, y >> sy, k), e);
            const uint8_t *p = f->data + y * f->stride + 3 * x;
            CHECK_MSG(!memcmp(p, e, 3), "%s frame %d pixel (%d,%d): %d,%d,%d expected %d,%d,%d",
                      cs, k, x, y, p[0], p[1], p[2], e[0], e[1], e[2]);
        }
    return 0;
}

static int y4m_colour_space(const char *cs)
{
    char dir[64], path[128];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    snprintf(path, sizeof path, "%s/clip.y4m", dir);
    CHECK(tu_write_y4m(path, 13, 7, cs, 30000, 1001, 4, -1) == 0);
    capture_options o = opts(0, 1);
    capture_source *src = NULL;
    int rc = capture_open(path, &o, &src);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_STR_CONTAINS(capture_describe(src), "13x7");
    CHECK_STR_CONTAINS(capture_describe(src), "29.97 fps");
    int n = 0;
    rc = tu_validate_source(src, 13, 7, 4, 33366667, 1, &n); /* 1001/30000 s, rounded */
    capture_close(src);
    /* pixels: reopen and compare every frame */
    CHECK(capture_open(path, &o, &src) == 0);
    for (int k = 0; k < 4 && rc == 0; k++) {
        const mtcam_frame *f;
        CHECK(capture_read(src, &f, 1000) == 0);
        rc = check_y4m_pixels(f, cs, k);
    }
    capture_close(src);
    tu_rmtree(dir);
    return rc;
}

static int y4m_420jpeg(void) { return y4m_colour_space("420jpeg"); }
static int y4m_420mpeg2(void) { return y4m_colour_space("420mpeg2"); }
static int y4m_420paldv(void) { return y4m_colour_space("420paldv"); }
static int y4m_420(void) { return y4m_colour_space("420"); }
static int y4m_422(void) { return y4m_colour_space("422"); }
static int y4m_444(void) { return y4m_colour_space("444"); }
static int y4m_mono(void) { return y4m_colour_space("mono"); }

static int y4m_loop(void)
{
    char dir[64], path[128];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    snprintf(path, sizeof path, "%s/loop.y4m", dir);
    CHECK(tu_write_y4m(path, 8, 6, "420jpeg", 25, 1, 3, -1) == 0);
    capture_options o = opts(1, 1);
    capture_source *src = NULL;
    CHECK(capture_open(path, &o, &src) == 0);
    CHECK_STR_CONTAINS(capture_describe(src), "looping");
    /* three passes: sequence numbers and the 40 ms timeline go on across the loops */
    int rc = tu_validate_source(src, 8, 6, 9, 40000000, 0, NULL);
    capture_close(src);
    /* frame 3 (second pass) shows the same picture as frame 0 */
    CHECK(capture_open(path, &o, &src) == 0);
    const mtcam_frame *f;
    uint8_t first[3 * 8];
    CHECK(capture_read(src, &f, 1000) == 0);
    memcpy(first, f->data, sizeof first);
    for (int i = 1; i <= 3; i++)
        CHECK(capture_read(src, &f, 1000) == 0);
    CHECK_INT_EQ(f->seq, 3);
    CHECK(!memcmp(first, f->data, sizeof first));
    capture_close(src);
    tu_rmtree(dir);
    return rc;
}

/* Without as_fast_as_possible frames come at the file's rate. */
static int y4m_paced(void)
{
    char dir[64], path[128];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    snprintf(path, sizeof path, "%s/paced.y4m", dir);
    CHECK(tu_write_y4m(path, 8, 8, "444", 20, 1, 5, -1) == 0);
    capture_options o = opts(0, 0);
    capture_source *src = NULL;
    CHECK(capture_open(path, &o, &src) == 0);
    int64_t t0 = mtcam_now_ns();
    int rc = tu_validate_source(src, 8, 8, 5, 50000000, 1, NULL);
    double ms = mtcam_ms_since(t0);
    capture_close(src);
    tu_rmtree(dir);
    if (rc)
        return rc;
    fprintf(stderr, "5 frames at 20 fps took %.0f ms\n", ms);
    CHECK_MSG(ms >= 190 && ms < 1000, "5 frames at 20 fps took %.0f ms (expected ~200)", ms);
    return 0;
}

/* A short timeout returns MTCNN_ETIMEOUT without losing the frame. */
static int paced_timeout(void)
{
    capture_options o = opts(1, 0);
    o.fps = 4;
    capture_source *src = NULL;
    CHECK(capture_open(FIXTURE("frame1.jpg"), &o, &src) == 0);
    const mtcam_frame *f;
    CHECK(capture_read(src, &f, 1000) == 0);
    CHECK_INT_EQ(f->seq, 0);
    int64_t t0 = mtcam_now_ns();
    CHECK_INT_EQ(capture_read(src, &f, 30), MTCNN_ETIMEOUT);
    double ms = mtcam_ms_since(t0);
    CHECK_MSG(ms >= 25 && ms < 200, "a 30 ms timeout took %.0f ms", ms);
    CHECK(capture_read(src, &f, 1000) == 0);
    CHECK_INT_EQ(f->seq, 1);
    capture_close(src);
    return 0;
}

static int y4m_truncated(void)
{
    char dir[64], path[128];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    snprintf(path, sizeof path, "%s/cut.y4m", dir);
    CHECK(tu_write_y4m(path, 16, 16, "420jpeg", 25, 1, 3, 100) == 0); /* last: 100 of 384 */
    capture_options o = opts(0, 1);
    capture_source *src = NULL;
    CHECK(capture_open(path, &o, &src) == 0);
    int rc = tu_validate_source(src, 16, 16, 2, 40000000, 0, NULL);
    const mtcam_frame *f;
    int r = capture_read(src, &f, 100);
    CHECK_INT_EQ(r, MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), "truncated (100 of 384 bytes)");
    CHECK_STR_CONTAINS(mtcam_last_error(), path);
    const char *last;
    CHECK_INT_EQ(capture_warning_count(src, &last), 1);
    CHECK_STR_CONTAINS(last, "truncated");
    CHECK_INT_EQ(capture_read(src, &f, 100), MTCNN_EEOF);
    capture_close(src);
    tu_rmtree(dir);
    return rc;
}

static int expect_open_error(const char *path, int code, const char *text)
{
    capture_source *src = (capture_source *)1;
    int rc = capture_open(path, NULL, &src);
    CHECK_MSG(rc == code, "%s: got %s, expected %s (%s)", path, mtcnn_strerror(rc),
              mtcnn_strerror(code), mtcam_last_error());
    CHECK(src == NULL);
    CHECK_STR_CONTAINS(mtcam_last_error(), text);
    return 0;
}

static int y4m_bad_headers(void)
{
    char dir[64], path[128];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    snprintf(path, sizeof path, "%s/bad.y4m", dir);
    static const struct {
        const char *text;
        int code;
        const char *msg;
    } cases[] = {
        {"YUV4MPEG2 W0 H10 F25:1\nFRAME\n", MTCNN_EFORMAT, "invalid or missing frame size"},
        {"YUV4MPEG2 H10 F25:1\n", MTCNN_EFORMAT, "invalid or missing frame size"},
        {"YUV4MPEG2 W4 H4 C420p10\n", MTCNN_EUNSUPPORTED, "C420p10 not supported"},
        {"YUV4MPEG2 W4 H4 Cyuv9000\n", MTCNN_EUNSUPPORTED, "not supported"},
        {"YUV4MPEG2 W99999 H4\n", MTCNN_EFORMAT, "invalid or missing frame size"},
        {"YUV4MPEG2 W4294967312 H4\n", MTCNN_EFORMAT, "invalid or missing frame size W-1"},
        {"YUV4MPEG2 W4", MTCNN_EFORMAT, "bad or truncated header"},
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] && !rc; i++) {
        CHECK(tu_write_file(path, cases[i].text, strlen(cases[i].text)) == 0);
        rc = expect_open_error(path, cases[i].code, cases[i].msg);
    }
    /* a valid header with no frames opens, then fails at once (also when looping): a file
     * without a single frame is an error, not a short video that played (issue 18) */
    const char *empty = "YUV4MPEG2 W4 H4 F25:1 C444\n";
    CHECK(tu_write_file(path, empty, strlen(empty)) == 0);
    capture_source *src;
    capture_options o = opts(1, 1);
    CHECK(capture_open(path, &o, &src) == 0);
    const mtcam_frame *f;
    CHECK_INT_EQ(capture_read(src, &f, 100), MTCNN_ENOTFOUND);
    CHECK_STR_CONTAINS(mtcam_last_error(), "no frame in the file");
    capture_close(src);
    /* a valid header whose first frame is cut short: the cut frame is skipped with a
     * warning, then the source fails naming it, looping or not */
    const char *cut = "YUV4MPEG2 W4 H4 F25:1 C444\nFRAME\nabcdefgh";
    CHECK(tu_write_file(path, cut, strlen(cut)) == 0);
    for (int loop = 0; loop <= 1; loop++) {
        o.loop = loop;
        CHECK(capture_open(path, &o, &src) == 0);
        CHECK_INT_EQ(capture_read(src, &f, 100), MTCNN_EFORMAT);
        CHECK_INT_EQ(capture_read(src, &f, 100), MTCNN_ENOTFOUND);
        CHECK_STR_CONTAINS(mtcam_last_error(), "no usable frame");
        CHECK_STR_CONTAINS(mtcam_last_error(), "frame 0 truncated (8 of 48 bytes)");
        CHECK_INT_EQ(capture_warning_count(src, NULL), 1);
        capture_close(src);
    }
    o.loop = 1;
    /* a rate near zero (fuzz-y4m: the pacing period overflowed) or above 1000 fps plays at
     * the default rate, and the description says the file has none */
    static const char *const absurd[] = {"YUV4MPEG2 W2 H2 F1:1000000000 Cmono\nFRAME\nabcd",
                                         "YUV4MPEG2 W2 H2 F25:1111111111111111111 Cmono\n",
                                         "YUV4MPEG2 W2 H2 F1000000:1 Cmono\nFRAME\nabcd"};
    for (size_t i = 0; i < sizeof absurd / sizeof absurd[0]; i++) {
        CHECK(tu_write_file(path, absurd[i], strlen(absurd[i])) == 0);
        CHECK(capture_open(path, &o, &src) == 0);
        CHECK_STR_CONTAINS(capture_describe(src), "25 fps (no rate in file)");
        capture_close(src);
    }
    /* a damaged frame header: the frames before it play, then the file ends */
    char buf[200];
    int n = snprintf(buf, sizeof buf, "YUV4MPEG2 W2 H2 F25:1 Cmono\nFRAME\nabcdFRAMX\n1234");
    CHECK(tu_write_file(path, buf, (size_t)n) == 0);
    o.loop = 0;
    CHECK(capture_open(path, &o, &src) == 0);
    CHECK(capture_read(src, &f, 100) == 0);
    CHECK_INT_EQ(capture_read(src, &f, 100), MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), "frame 1: bad frame header");
    CHECK_INT_EQ(capture_read(src, &f, 100), MTCNN_EEOF);
    capture_close(src);
    tu_rmtree(dir);
    return rc;
}

/* A Y4M file written by ffmpeg (an independent writer) reads with the right size, rate and
 * count, and its pixels agree with ffmpeg's own conversion to RGB. */
static int y4m_from_ffmpeg(void)
{
    SKIP_WITHOUT_FFMPEG();
    char dir[64], path[128], raw[128], cmd[1024];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    snprintf(path, sizeof path, "%s/ff.y4m", dir);
    snprintf(raw, sizeof raw, "%s/ff.rgb", dir);
    snprintf(cmd, sizeof cmd,
             "ffmpeg -v error -y -f lavfi -i testsrc=size=64x48:rate=10 -frames 5 "
             "-pix_fmt yuv444p %s && ffmpeg -v error -y -i %s -vf "
             "scale=in_color_matrix=bt601:in_range=tv:out_range=pc:flags=accurate_rnd "
             "-f rawvideo -pix_fmt rgb24 %s",
             path, path, raw);
    CHECK_MSG(system(cmd) == 0, "%s", cmd);
    double mean;
    int worst;
    int rc = compare_with_ffmpeg(path, raw, "64x48", &mean, &worst);
    tu_rmtree(dir);
    CHECK_MSG(worst <= 2, "largest difference from ffmpeg's conversion: %d", worst);
    return rc;
}

/* ---- AVI ---------------------------------------------------------------------------------- */

typedef struct fixtures {
    uint8_t *jpeg[3];
    size_t size[3];
    mtcam_frame decoded[3]; /* what the image decoder makes of each */
} fixtures;

static int load_fixtures(fixtures *fx)
{
    memset(fx, 0, sizeof *fx);
    for (int i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, MTCAM_CAPTURE_TEST_DIR "/data/frame%d.jpg", i + 1);
        fx->jpeg[i] = check_read_file(path, &fx->size[i]);
        CHECK_MSG(fx->jpeg[i], "cannot read %s", path);
        CHECK_MSG(capture_image_load(path, &fx->decoded[i]) == 0, "%s", mtcam_last_error());
    }
    return 0;
}

static void free_fixtures(fixtures *fx)
{
    for (int i = 0; i < 3; i++) {
        free(fx->jpeg[i]);
        mtcam_frame_free(&fx->decoded[i]);
    }
}

/* Loads the fixtures and writes them, frames 1, 2, 3 (64x48, 10 fps), as the AVI <dir>/<name>
 * in `layout`, dir being a new temporary folder. */
static int write_fixture_avi(fixtures *fx, const char *name, int layout, char dir[64],
                             char path[128])
{
    int rc = load_fixtures(fx);
    if (rc)
        return rc;
    CHECK(tu_mkdtemp(dir, 64) == 0);
    snprintf(path, 128, "%s/%s", dir, name);
    const uint8_t *j[3] = {fx->jpeg[0], fx->jpeg[1], fx->jpeg[2]};
    CHECK(tu_write_avi(path, j, fx->size, 3, 64, 48, 10, layout) == 0);
    return 0;
}

static int same_pixels(const mtcam_frame *a, const mtcam_frame *b)
{
    if (a->width != b->width || a->height != b->height)
        return 0;
    for (int y = 0; y < a->height; y++)
        if (memcmp(a->data + y * a->stride, b->data + y * b->stride, 3 * (size_t)a->width))
            return 0;
    return 1;
}

/* Writes the fixtures as an AVI in `layout`, plays n_frames of it (looping or not) and checks
 * every frame's pixels against the fixture it came from (order[i] = fixture of frame i). */
static int avi_layout(int layout, int loop, const int *order, int n_frames,
                      const char *expect_warning)
{
    fixtures fx;
    char dir[64], path[128];
    int rc = write_fixture_avi(&fx, "clip.avi", layout, dir, path);
    if (rc)
        return rc;
    capture_options o = opts(loop, 1);
    capture_source *src = NULL;
    rc = capture_open(path, &o, &src);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_STR_CONTAINS(capture_describe(src), "64x48 10 fps");
    rc = tu_validate_source(src, 64, 48, n_frames, 100000000, !loop, NULL);
    capture_close(src);
    CHECK(capture_open(path, &o, &src) == 0);
    for (int i = 0; i < n_frames && !rc; i++) {
        const mtcam_frame *f;
        CHECK(capture_read(src, &f, 1000) == 0);
        CHECK_MSG(same_pixels(f, &fx.decoded[order[i]]), "frame %d is not fixture %d", i,
                  order[i] + 1);
    }
    const char *last;
    int warnings = capture_warning_count(src, &last);
    if (expect_warning) {
        CHECK_INT_EQ(warnings, 1);
        CHECK_STR_CONTAINS(last, expect_warning);
    } else {
        CHECK_MSG(warnings == 0, "unexpected warning: %s", last);
    }
    capture_close(src);
    free_fixtures(&fx);
    tu_rmtree(dir);
    return rc;
}

static const int order3[] = {0, 1, 2};
static int avi_idx1(void) { return avi_layout(TU_AVI_IDX1, 0, order3, 3, NULL); }
static int avi_idx1_absolute(void) { return avi_layout(TU_AVI_IDX1_ABS, 0, order3, 3, NULL); }
static int avi_no_index(void) { return avi_layout(0, 0, order3, 3, NULL); }
static int avi_rec_lists(void) { return avi_layout(TU_AVI_REC, 0, order3, 3, NULL); }
static int avi_opendml_avix(void)
{
    return avi_layout(TU_AVI_AVIX | TU_AVI_IDX1, 0, order3, 3, NULL);
}
static int avi_killed_recorder(void) { return avi_layout(TU_AVI_ZERO_SIZES, 0, order3, 3, NULL); }
static int avi_empty_frame_repeats(void)
{
    static const int order[] = {0, 0, 1, 2};
    return avi_layout(TU_AVI_EMPTY_FRAME | TU_AVI_IDX1, 0, order, 4, NULL);
}
/* Three passes: sequence numbers and the 100 ms timeline go on across the loops. */
static int avi_loop(void)
{
    static const int order[] = {0, 1, 2, 0, 1, 2, 0};
    return avi_layout(TU_AVI_IDX1, 1, order, 7, NULL);
}

/* A file cut in the middle of its last frame plays the whole frames, with a warning. */
static int avi_truncated(void)
{
    fixtures fx;
    char dir[64], path[128];
    int rc = write_fixture_avi(&fx, "cut.avi", TU_AVI_IDX1, dir, path);
    if (rc)
        return rc;
    size_t size;
    uint8_t *all = check_read_file(path, &size);
    CHECK(all);
    /* cut inside the third frame (the index after it is lost too) */
    uint8_t *third = NULL;
    for (size_t i = 0; i + fx.size[2] <= size; i++)
        if (!memcmp(all + i, fx.jpeg[2], fx.size[2])) {
            third = all + i;
            break;
        }
    CHECK(third);
    CHECK(tu_write_file(path, all, (size_t)(third - all) + fx.size[2] / 2) == 0);
    capture_options o = opts(0, 1);
    capture_source *src;
    CHECK(capture_open(path, &o, &src) == 0);
    rc = tu_validate_source(src, 64, 48, 2, 100000000, 1, NULL);
    const char *last;
    CHECK_INT_EQ(capture_warning_count(src, &last), 1);
    CHECK_STR_CONTAINS(last, "cut short");
    capture_close(src);
    /* cut inside the headers: a clear error at open */
    CHECK(tu_write_file(path, all, 40) == 0);
    if (!rc)
        rc = expect_open_error(path, MTCNN_EFORMAT, path);
    free(all);
    free_fixtures(&fx);
    tu_rmtree(dir);
    return rc;
}

/* A frame whose bytes are not a JPEG is skipped with a warning; the next one plays. */
static int avi_corrupt_frame(void)
{
    fixtures fx;
    int rc = load_fixtures(&fx);
    if (rc)
        return rc;
    char dir[64], path[128];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    snprintf(path, sizeof path, "%s/bad.avi", dir);
    static const uint8_t garbage[64] = {0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3};
    const uint8_t *j[3] = {fx.jpeg[0], garbage, fx.jpeg[2]};
    size_t sizes[3] = {fx.size[0], sizeof garbage, fx.size[2]};
    CHECK(tu_write_avi(path, j, sizes, 3, 64, 48, 10, TU_AVI_IDX1) == 0);
    capture_options o = opts(0, 1);
    capture_source *src;
    CHECK(capture_open(path, &o, &src) == 0);
    const mtcam_frame *f;
    CHECK(capture_read(src, &f, 1000) == 0);
    CHECK(same_pixels(f, &fx.decoded[0]));
    int64_t t0 = f->timestamp_ns;
    CHECK_INT_EQ(capture_read(src, &f, 1000), MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), "frame 1");
    CHECK(capture_read(src, &f, 1000) == 0);
    CHECK(same_pixels(f, &fx.decoded[2]));
    CHECK_INT_EQ(f->seq, 1);
    CHECK_INT_EQ(f->timestamp_ns - t0, 200000000); /* the skipped frame keeps its time slot */
    CHECK_INT_EQ(capture_read(src, &f, 1000), MTCNN_EEOF);
    CHECK_INT_EQ(capture_warning_count(src, NULL), 1);
    capture_close(src);
    free_fixtures(&fx);
    tu_rmtree(dir);
    return rc;
}

/* The reader against an independent writer: ffmpeg's MJPEG AVI (with its idx1 and odml
 * headers), compared pixel by pixel with ffmpeg's own decoding. */
static int avi_from_ffmpeg(void)
{
    SKIP_WITHOUT_FFMPEG();
    char dir[64], path[128], raw[128], cmd[1024];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    snprintf(path, sizeof path, "%s/x.avi", dir);
    snprintf(raw, sizeof raw, "%s/x.rgb", dir);
    snprintf(cmd, sizeof cmd,
             "ffmpeg -v error -y -f lavfi -i testsrc=size=64x48:rate=10 -frames 5 -c:v mjpeg "
             "%s && ffmpeg -v error -y -i %s -f rawvideo -pix_fmt rgb24 %s",
             path, path, raw);
    CHECK_MSG(system(cmd) == 0, "%s", cmd);
    double mean;
    int worst;
    int rc = compare_with_ffmpeg(path, raw, "64x48 10 fps, 5 frames", &mean, &worst);
    tu_rmtree(dir);
    fprintf(stderr, "vs ffmpeg's decoding: mean |diff| %.3f, largest %d\n", mean, worst);
    /* two JPEG decoders differ only in chroma upsampling and IDCT rounding */
    CHECK_MSG(mean < 0.5 && worst <= 8, "mean |diff| %.3f, largest %d", mean, worst);
    return rc;
}

/* An AVI that is not MJPEG (ffmpeg's raw video) is refused with a clear message. */
/* The AVI files fuzz-avi hung on (a strl chunk size of 0xFFFFFFF8 wrapped the walk's step to
 * 0 in 32 bits) open or fail at once, like any other file; a hang here is the bug back. */
static int avi_found_hangs(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/avi", MTCAM_FUZZ_REGRESSIONS_DIR);
    DIR *d = opendir(dir);
    CHECK_MSG(d != NULL, "%s: cannot list", dir);
    int files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        capture_source *src;
        capture_options o = opts(0, 1);
        if (capture_open(path, &o, &src) == 0) {
            const mtcam_frame *f;
            for (int i = 0; i < 100 && capture_read(src, &f, 100) != MTCNN_EEOF; i++)
                ;
            capture_close(src);
        } else {
            CHECK_STR_CONTAINS(mtcam_last_error(), e->d_name);
        }
        files++;
    }
    closedir(d);
    CHECK_MSG(files >= 4, "%d files in %s", files, dir);
    return 0;
}

static int avi_not_mjpeg(void)
{
    SKIP_WITHOUT_FFMPEG();
    char dir[64], path[128], cmd[512];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    snprintf(path, sizeof path, "%s/raw.avi", dir);
    snprintf(cmd, sizeof cmd,
             "ffmpeg -v error -y -f lavfi -i testsrc=size=32x24:rate=10 -frames 2 "
             "-c:v ffv1 %s",
             path);
    CHECK_MSG(system(cmd) == 0, "%s", cmd);
    int rc = expect_open_error(path, MTCNN_EUNSUPPORTED, "only MJPEG");
    tu_rmtree(dir);
    return rc;
}

/* ---- images and folders ------------------------------------------------------------------ */

static int write_ppm(const char *path, int w, int h, uint8_t seed)
{
    char head[32];
    int n = snprintf(head, sizeof head, "P6\n%d %d\n255\n", w, h);
    size_t size = (size_t)n + 3u * (size_t)w * (size_t)h;
    uint8_t *buf = malloc(size);
    if (!buf)
        return -1;
    memcpy(buf, head, (size_t)n);
    for (size_t i = (size_t)n; i < size; i++)
        buf[i] = (uint8_t)(seed + i);
    int rc = tu_write_file(path, buf, size);
    free(buf);
    return rc;
}

static int image_single(void)
{
    capture_options o = opts(0, 1);
    capture_source *src;
    CHECK(capture_open(FIXTURE("frame2.jpg"), &o, &src) == 0);
    CHECK_STR_CONTAINS(capture_describe(src), "shown once");
    int rc = tu_validate_source(src, 64, 48, 1, 0, 1, NULL);
    capture_close(src);
    if (rc)
        return rc;
    /* repeated as a still stream at opt.fps */
    o = opts(1, 1);
    o.fps = 50;
    CHECK(capture_open(FIXTURE("frame2.jpg"), &o, &src) == 0);
    rc = tu_validate_source(src, 64, 48, 5, 20000000, 0, NULL);
    capture_close(src);
    return rc;
}

static int folder_sorted_skips_non_images(void)
{
    fixtures fx;
    int rc = load_fixtures(&fx);
    if (rc)
        return rc;
    char dir[64], p[160];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    snprintf(p, sizeof p, "%s/img10.jpg", dir);
    CHECK(tu_write_file(p, fx.jpeg[2], fx.size[2]) == 0);
    snprintf(p, sizeof p, "%s/img2.jpg", dir);
    CHECK(tu_write_file(p, fx.jpeg[1], fx.size[1]) == 0);
    snprintf(p, sizeof p, "%s/img1.ppm", dir);
    CHECK(write_ppm(p, 8, 4, 7) == 0);
    snprintf(p, sizeof p, "%s/notes.txt", dir);
    CHECK(tu_write_file(p, "hello\n", 6) == 0);
    snprintf(p, sizeof p, "%s/.hidden.jpg", dir);
    CHECK(tu_write_file(p, fx.jpeg[0], fx.size[0]) == 0);
    snprintf(p, sizeof p, "%s/sub", dir);
    CHECK(mkdir(p, 0700) == 0);
    capture_options o = opts(0, 1);
    capture_source *src = NULL;
    rc = capture_open(dir, &o, &src);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_STR_CONTAINS(capture_describe(src), "3 images (1 other files skipped)");
    const char *last;
    CHECK_INT_EQ(capture_warning_count(src, &last), 1);
    CHECK_STR_CONTAINS(last, "notes.txt: skipped");
    /* natural order: img1.ppm (8x4), img2.jpg, img10.jpg */
    const mtcam_frame *f;
    CHECK(capture_read(src, &f, 1000) == 0);
    CHECK_INT_EQ(f->width, 8);
    CHECK_INT_EQ(f->height, 4);
    CHECK_INT_EQ(f->data[0], (uint8_t)(7 + 11)); /* first sample after the 11-byte header */
    CHECK(capture_read(src, &f, 1000) == 0);
    CHECK(same_pixels(f, &fx.decoded[1]));
    CHECK(capture_read(src, &f, 1000) == 0);
    CHECK(same_pixels(f, &fx.decoded[2]));
    CHECK_INT_EQ(capture_read(src, &f, 1000), MTCNN_EEOF);
    capture_close(src);
    /* generic checks, looping over the folder at the default 1 image/s timeline */
    o = opts(1, 1);
    CHECK(capture_open(dir, &o, &src) == 0);
    rc = tu_validate_source(src, 0, 0, 7, 1000000000, 0, NULL);
    capture_close(src);
    free_fixtures(&fx);
    tu_rmtree(dir);
    return rc;
}

/* A file that looks like an image but is damaged is skipped with a warning, once. */
static int folder_corrupt_image(void)
{
    char dir[64], p[160];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    snprintf(p, sizeof p, "%s/a.ppm", dir);
    CHECK(write_ppm(p, 4, 4, 1) == 0);
    snprintf(p, sizeof p, "%s/b.png", dir);
    static const uint8_t broken_png[16] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0};
    CHECK(tu_write_file(p, broken_png, sizeof broken_png) == 0);
    capture_options o = opts(1, 1);
    capture_source *src;
    CHECK(capture_open(dir, &o, &src) == 0);
    const mtcam_frame *f;
    CHECK(capture_read(src, &f, 1000) == 0);
    CHECK_INT_EQ(capture_read(src, &f, 1000), MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), "b.png");
    CHECK(capture_read(src, &f, 1000) == 0); /* looped back to a.ppm */
    CHECK_INT_EQ(f->width, 4);
    CHECK_INT_EQ(f->seq, 1);
    CHECK_INT_EQ(capture_warning_count(src, NULL), 1);
    /* reported once: later passes leave it out without a word (issue 18) */
    for (uint64_t k = 2; k < 5; k++) {
        CHECK_INT_EQ(capture_read(src, &f, 1000), 0);
        CHECK_INT_EQ(f->seq, k);
    }
    CHECK_INT_EQ(capture_warning_count(src, NULL), 1);
    capture_close(src);
    /* a folder whose only image is damaged fails after one pass, with an error that is not
     * MTCNN_EFORMAT (which readers skip, and the capture thread spun on forever) */
    snprintf(p, sizeof p, "%s/a.ppm", dir);
    CHECK(unlink(p) == 0);
    for (int loop = 0; loop <= 1; loop++) {
        o.loop = loop;
        CHECK(capture_open(dir, &o, &src) == 0);
        CHECK_INT_EQ(capture_read(src, &f, 1000), MTCNN_EFORMAT);
        CHECK_INT_EQ(capture_read(src, &f, 1000), MTCNN_ENOTFOUND);
        CHECK_STR_CONTAINS(mtcam_last_error(),
                           "none of the 1 images in the folder could be decoded");
        CHECK_STR_CONTAINS(mtcam_last_error(), dir);
        CHECK_INT_EQ(capture_warning_count(src, NULL), 1);
        capture_close(src);
    }
    tu_rmtree(dir);
    return 0;
}

static int folder_empty(void)
{
    char dir[64], p[160];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    int rc = expect_open_error(dir, MTCNN_ENOTFOUND, "no JPEG, PNG or PPM images in the folder");
    snprintf(p, sizeof p, "%s/readme.txt", dir);
    CHECK(tu_write_file(p, "x", 1) == 0);
    snprintf(p, sizeof p, "%s/data.bin", dir);
    CHECK(tu_write_file(p, "\0\1\2", 3) == 0);
    if (!rc)
        rc = expect_open_error(dir, MTCNN_ENOTFOUND, "(2 other files)");
    tu_rmtree(dir);
    return rc;
}

/* ---- demo ---------------------------------------------------------------------------------- */

static int demo_source(void)
{
    capture_options o = opts(1, 1);
    capture_source *a = NULL, *b = NULL;
    int rc = capture_open("demo", &o, &a);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_STR_CONTAINS(capture_describe(a), "640x480 25 fps");
    CHECK_STR_CONTAINS(capture_kind(a), "demo");
    CHECK_INT_EQ(strlen(capture_kind(a)), 4);
    rc = tu_validate_source(a, 640, 480, 30, 40000000, 0, NULL);
    capture_close(a);
    if (rc)
        return rc;
    /* the same frame numbers give the same pictures; the view moves between frames */
    o.width = 160;
    o.height = 120;
    CHECK(capture_open("demo", &o, &a) == 0);
    CHECK(capture_open("demo", &o, &b) == 0);
    mtcam_frame first = {0};
    const mtcam_frame *fa, *fb;
    for (int i = 0; i < 25; i++) {
        CHECK(capture_read(a, &fa, 1000) == 0);
        CHECK(capture_read(b, &fb, 1000) == 0);
        CHECK_INT_EQ(fa->width, 160);
        CHECK(same_pixels(fa, fb));
        if (i == 0)
            CHECK(mtcam_frame_copy(&first, fa) == 0);
    }
    CHECK_MSG(!same_pixels(fa, &first), "the demo does not move");
    /* not blank: a photo has a wide spread of values */
    int lo = 255, hi = 0;
    for (int i = 0; i < 3 * 160; i++) {
        int v = fa->data[60 * fa->stride + i];
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    CHECK_MSG(hi - lo > 60, "row 60 spans only %d..%d", lo, hi);
    mtcam_frame_free(&first);
    capture_close(a);
    capture_close(b);
    return 0;
}

static int demo_assets_override(void)
{
    capture_source *src = NULL;
    setenv("MTCAM_ASSETS", "/nonexistent/mtcam-assets", 1);
    int rc = expect_open_error("demo", MTCNN_ENOTFOUND, "/nonexistent/mtcam-assets/demo");
    if (!rc)
        CHECK_STR_CONTAINS(mtcam_last_error(), "MTCAM_ASSETS");
    setenv("MTCAM_ASSETS", MTCAM_SOURCE_ASSETS_DIR, 1);
    int rc2 = capture_open("demo", NULL, &src);
    unsetenv("MTCAM_ASSETS");
    CHECK_MSG(rc2 == 0, "%s", mtcam_last_error());
    CHECK_STR_CONTAINS(capture_describe(src), MTCAM_SOURCE_ASSETS_DIR "/demo");
    capture_close(src);
    return rc;
}

/* ---- devices, specs and arguments ---------------------------------------------------------- */

static int missing_device(void)
{
    int rc = expect_open_error("/dev/video99", MTCNN_ENOTFOUND, "/dev/video99: no such device");
    if (!rc)
        rc = expect_open_error("99", MTCNN_ENOTFOUND, "/dev/video99: no such device");
    /* a character device that is not V4L2 */
    if (!rc && access("/dev/null", R_OK | W_OK) == 0)
        rc = expect_open_error("/dev/null", MTCNN_EUNSUPPORTED, "/dev/null: not a V4L2 device");
    return rc;
}

static int unknown_spec(void)
{
    int rc = expect_open_error("no-such-file.xyz", MTCNN_ENOTFOUND, "no-such-file.xyz: no such");
    char dir[64], p[160];
    CHECK(tu_mkdtemp(dir, sizeof dir) == 0);
    snprintf(p, sizeof p, "%s/notes.txt", dir);
    CHECK(tu_write_file(p, "just text\n", 10) == 0);
    if (!rc)
        rc = expect_open_error(p, MTCNN_EUNSUPPORTED, "not a JPEG, PNG or PPM image");
    snprintf(p, sizeof p, "%s/empty.avi", dir); /* the name says AVI, the bytes do not */
    CHECK(tu_write_file(p, "", 0) == 0);
    if (!rc)
        rc = expect_open_error(p, MTCNN_EUNSUPPORTED, "empty.avi");
    tu_rmtree(dir);
    if (!rc)
        rc = expect_open_error("", MTCNN_EINVAL, "empty source name");
    return rc;
}

static int bad_arguments(void)
{
    capture_source *src = (capture_source *)1;
    CHECK_INT_EQ(capture_open(NULL, NULL, &src), MTCNN_EINVAL);
    CHECK(src == NULL);
    CHECK_INT_EQ(capture_open("demo", NULL, NULL), MTCNN_EINVAL);
    capture_options o;
    capture_options_default(&o);
    CHECK_INT_EQ(o.loop, 1);
    o.width = -5;
    CHECK_INT_EQ(capture_open("demo", &o, &src), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcam_last_error(), "invalid size -5x0");
    capture_options_default(&o);
    o.fps = -1;
    CHECK_INT_EQ(capture_open("demo", &o, &src), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcam_last_error(), "invalid frame rate");
    o.fps = 0.0 / 0.0;
    CHECK_INT_EQ(capture_open("demo", &o, &src), MTCNN_EINVAL);
    o.fps = 0.001; /* below the pacer's range (its period would be 1e12 ns and more) */
    CHECK_INT_EQ(capture_open("demo", &o, &src), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcam_last_error(), "0.01..1000");
    const mtcam_frame *f;
    CHECK_INT_EQ(capture_read(NULL, &f, 0), MTCNN_EINVAL);
    capture_close(NULL);
    CHECK(capture_describe(NULL) != NULL);
    return 0;
}

static int list_devices(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    CHECK(out);
    int n = capture_list_devices(out);
    fclose(out);
    fprintf(stderr, "%s", text);
    CHECK(n >= 0);
    if (n == 0)
        CHECK_STR_CONTAINS(text, "no V4L2 capture devices");
    else
        CHECK_STR_CONTAINS(text, "/dev/video");
    free(text);
    return 0;
}

/* The ioctl wrapper retries on EINTR only. */
static int fake_calls;
static int fake_ioctl(int fd, unsigned long request, void *arg)
{
    (void)fd;
    (void)request;
    (void)arg;
    if (++fake_calls <= 2) {
        errno = EINTR;
        return -1;
    }
    if (fake_calls == 3)
        return 0;
    errno = EIO;
    return -1;
}

static int ioctl_retry(void)
{
    fake_calls = 0;
    CHECK_INT_EQ(capture__ioctl_retry(fake_ioctl, 3, 0, NULL), 0);
    CHECK_INT_EQ(fake_calls, 3);
    CHECK_INT_EQ(capture__ioctl_retry(fake_ioctl, 3, 0, NULL), -1);
    CHECK_INT_EQ(errno, EIO);
    CHECK_INT_EQ(fake_calls, 4); /* EIO is not retried */
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"y4m_420jpeg", y4m_420jpeg},
        {"y4m_420mpeg2", y4m_420mpeg2},
        {"y4m_420paldv", y4m_420paldv},
        {"y4m_420", y4m_420},
        {"y4m_422", y4m_422},
        {"y4m_444", y4m_444},
        {"y4m_mono", y4m_mono},
        {"y4m_loop", y4m_loop},
        {"y4m_paced", y4m_paced},
        {"y4m_truncated", y4m_truncated},
        {"y4m_bad_headers", y4m_bad_headers},
        {"y4m_from_ffmpeg", y4m_from_ffmpeg},
        {"paced_timeout", paced_timeout},
        {"avi_idx1", avi_idx1},
        {"avi_idx1_absolute", avi_idx1_absolute},
        {"avi_no_index", avi_no_index},
        {"avi_rec_lists", avi_rec_lists},
        {"avi_opendml_avix", avi_opendml_avix},
        {"avi_killed_recorder", avi_killed_recorder},
        {"avi_empty_frame_repeats", avi_empty_frame_repeats},
        {"avi_truncated", avi_truncated},
        {"avi_corrupt_frame", avi_corrupt_frame},
        {"avi_from_ffmpeg", avi_from_ffmpeg},
        {"avi_not_mjpeg", avi_not_mjpeg},
        {"avi_found_hangs", avi_found_hangs},
        {"avi_loop", avi_loop},
        {"image_single", image_single},
        {"folder_sorted_skips_non_images", folder_sorted_skips_non_images},
        {"folder_corrupt_image", folder_corrupt_image},
        {"folder_empty", folder_empty},
        {"demo_source", demo_source},
        {"demo_assets_override", demo_assets_override},
        {"missing_device", missing_device},
        {"unknown_spec", unknown_spec},
        {"bad_arguments", bad_arguments},
        {"list_devices", list_devices},
        {"ioctl_retry", ioctl_retry},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
