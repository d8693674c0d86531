/* test-image-decode.c - JPEG/PNG/PPM decoding against the known content of the fixtures in
 * tests/files/data (made by make-fixtures.py from formulas recomputed here), and every kind of
 * bad input: empty, missing, not an image, truncated, corrupt, oversized. */
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jpeglib.h>

#include "check.h"
#include "err.h"
#include "image-file.h"

#define W 48
#define H 32

static const uint8_t PAL[4][3] = {{200, 30, 30}, {30, 200, 30}, {30, 30, 200}, {220, 220, 40}};

static void rgb_at(int x, int y, uint8_t p[3])
{
    p[0] = (uint8_t)(4 * x + 8);
    p[1] = (uint8_t)(6 * y + 10);
    p[2] = (uint8_t)(128 + 2 * x - 2 * y);
}
static int gray_at(int x, int y) { return 2 * x + 3 * y + 20; }
static int alpha_at(int x, int y) { return 5 * x + 10; }
static int over_black(int v, int a) { return (v * a + 127) / 255; }

static const char *fixture(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", FILES_DATA_DIR, name);
    return buf;
}

typedef void (*expect_fn)(int x, int y, uint8_t p[3]);

/* Largest and mean absolute difference between the frame and the expected pixels. */
static void compare(const mtcam_frame *f, expect_fn expect, int *max_diff, double *mean_diff)
{
    long sum = 0;
    *max_diff = 0;
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++) {
            uint8_t e[3];
            expect(x, y, e);
            const uint8_t *p = f->data + y * f->stride + x * 3;
            for (int c = 0; c < 3; c++) {
                int d = abs((int)p[c] - (int)e[c]);
                sum += d;
                if (d > *max_diff)
                    *max_diff = d;
            }
        }
    *mean_diff = (double)sum / (3.0 * f->width * f->height);
}

/* Loads `name` and checks it against `expect`: exactly (tolerance 0) or within JPEG error. */
static int check_fixture(const char *name, expect_fn expect, int max_tol, double mean_tol)
{
    mtcam_frame f;
    int rc = capture_image_load(fixture(name), &f);
    CHECK_MSG(rc == 0, "%s: %s", name, mtcam_last_error());
    CHECK_INT_EQ(f.width, W);
    CHECK_INT_EQ(f.height, H);
    CHECK(f.stride >= 3 * W);
    int max_diff;
    double mean_diff;
    compare(&f, expect, &max_diff, &mean_diff);
    mtcam_frame_free(&f);
    CHECK_MSG(max_diff <= max_tol && mean_diff <= mean_tol,
              "%s: max diff %d (allowed %d), mean %.3f (allowed %.3f)", name, max_diff, max_tol,
              mean_diff, mean_tol);
    return 0;
}

static void exp_rgb(int x, int y, uint8_t p[3]) { rgb_at(x, y, p); }
static void exp_rgb16(int x, int y, uint8_t p[3])
{
    rgb_at(x, y, p); /* v * 257 + 200 scaled with rounding is v + 1 */
    for (int c = 0; c < 3; c++)
        p[c]++;
}
static void exp_gray(int x, int y, uint8_t p[3]) { p[0] = p[1] = p[2] = (uint8_t)gray_at(x, y); }
static void exp_gray16(int x, int y, uint8_t p[3])
{
    p[0] = p[1] = p[2] = (uint8_t)(gray_at(x, y) + 1);
}
static void exp_gray_alpha16(int x, int y, uint8_t p[3])
{
    /* The 16-bit gray+alpha PNG: both channels scaled to 8 bits, then composited. */
    p[0] = p[1] = p[2] = (uint8_t)over_black(gray_at(x, y), alpha_at(x, y));
}
static void exp_rgba(int x, int y, uint8_t p[3])
{
    rgb_at(x, y, p);
    for (int c = 0; c < 3; c++)
        p[c] = (uint8_t)over_black(p[c], alpha_at(x, y));
}
static void exp_palette(int x, int y, uint8_t p[3]) { memcpy(p, PAL[(x / 12 + y / 8) % 4], 3); }
static void exp_palette_trns(int x, int y, uint8_t p[3])
{
    int i = (x / 12 + y / 8) % 4;
    if (i == 1) /* (30, 200, 30) is the transparent entry: black */
        memset(p, 0, 3);
    else
        memcpy(p, PAL[i], 3);
}
static void exp_gray2bit(int x, int y, uint8_t p[3])
{
    p[0] = p[1] = p[2] = (uint8_t)(85 * ((x / 12) % 4));
}

/* JPEG at quality 95 of smooth gradients: small errors, a few larger at chroma edges. */
static int jpeg_baseline(void) { return check_fixture("baseline.jpg", exp_rgb, 12, 2.0); }
static int jpeg_progressive(void) { return check_fixture("progressive.jpg", exp_rgb, 12, 2.0); }
static int jpeg_gray(void) { return check_fixture("gray.jpg", exp_gray, 4, 1.0); }
static int png_rgb(void) { return check_fixture("rgb.png", exp_rgb, 0, 0); }
static int png_gray(void) { return check_fixture("gray.png", exp_gray, 0, 0); }
static int png_gray_alpha16(void)
{
    return check_fixture("gray-alpha.png", exp_gray_alpha16, 0, 0);
}
static int png_palette(void) { return check_fixture("palette.png", exp_palette, 0, 0); }
static int png_palette_trns(void)
{
    return check_fixture("palette-trns.png", exp_palette_trns, 0, 0);
}
static int png_rgba(void) { return check_fixture("rgba.png", exp_rgba, 0, 0); }
static int png_rgb16(void) { return check_fixture("rgb16.png", exp_rgb16, 0, 0); }
static int png_gray16(void) { return check_fixture("gray16.png", exp_gray16, 0, 0); }
static int png_gray2bit(void) { return check_fixture("gray2bit.png", exp_gray2bit, 0, 0); }
static int png_interlaced(void) { return check_fixture("interlaced.png", exp_rgb, 0, 0); }
static int png_interlaced_rgba(void)
{
    return check_fixture("interlaced-rgba.png", exp_rgba, 0, 0);
}
static int pnm_p6(void) { return check_fixture("rgb.ppm", exp_rgb, 0, 0); }
static int pnm_p5(void) { return check_fixture("gray.pgm", exp_gray, 0, 0); }
static int pnm_p6_16bit(void) { return check_fixture("rgb16.ppm", exp_rgb16, 0, 0); }
static int pnm_p5_16bit(void) { return check_fixture("gray16.pgm", exp_gray16, 0, 0); }
static int pnm_p3_ascii(void) { return check_fixture("rgb-ascii.ppm", exp_rgb, 0, 0); }
static int pnm_p2_ascii(void) { return check_fixture("gray-ascii.pgm", exp_gray, 0, 0); }

/* ---- helpers for in-memory cases --------------------------------------------------------- */

/* Decodes and expects failure with `code` and `needle` in the message; never a crash. */
static int expect_failure(const void *data, size_t size, const char *name, int code,
                          const char *needle)
{
    mtcam_frame f;
    int rc = capture_image_load_memory(data, size, name, &f);
    CHECK_MSG(rc == code, "%s: rc %d (%s), expected %d", name, rc, mtcam_last_error(), code);
    CHECK(f.data == NULL);
    CHECK_STR_CONTAINS(mtcam_last_error(), name);
    CHECK_STR_CONTAINS(mtcam_last_error(), needle);
    CHECK(strchr(mtcam_last_error(), '\n') == NULL);
    return 0;
}

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Offset of the first JPEG marker `code` (0xFFcode), or 0. */
static size_t find_marker(const uint8_t *p, size_t n, uint8_t code)
{
    for (size_t i = 2; i + 1 < n; i++)
        if (p[i] == 0xFF && p[i + 1] == code)
            return i;
    return 0;
}

/* ---- error cases ------------------------------------------------------------------------- */

static int empty_file(void)
{
    char path[] = "/tmp/mtcam-empty-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    mtcam_frame f;
    int rc = capture_image_load(path, &f);
    unlink(path);
    CHECK_INT_EQ(rc, MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), path);
    CHECK_STR_CONTAINS(mtcam_last_error(), "empty file");
    return expect_failure("", 0, "mem.jpg", MTCNN_EFORMAT, "empty file");
}

static int missing_file(void)
{
    mtcam_frame f;
    int rc = capture_image_load("/nonexistent/face.jpg", &f);
    CHECK_INT_EQ(rc, MTCNN_ENOTFOUND);
    CHECK(f.data == NULL);
    CHECK_STR_CONTAINS(mtcam_last_error(), "/nonexistent/face.jpg: No such file");
    rc = capture_image_load(FILES_DATA_DIR, &f);
    CHECK_INT_EQ(rc, MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcam_last_error(), "is a directory");
    return 0;
}

static int not_an_image(void)
{
    const char text[] = "not_an_image";
    if (expect_failure(text, sizeof text - 1, "x.png", MTCNN_EFORMAT,
                       "x.png: not a JPEG, PNG or PPM file"))
        return 1;
    /* 'P5' followed by a letter is text, not a PGM. */
    if (expect_failure("P5x", 3, "p.pgm", MTCNN_EFORMAT, "not a JPEG, PNG or PPM file"))
        return 1;
    if (expect_failure("P4\n1 1\n\x80", 8, "bit.pbm", MTCNN_EUNSUPPORTED, "PBM"))
        return 1;
    return 0;
}

/* The type comes from the bytes: a PNG named .jpg still decodes. */
static int type_by_magic(void)
{
    size_t n;
    uint8_t *png = check_read_file(fixture("rgb.png"), &n);
    CHECK(png);
    CHECK_INT_EQ(capture_image_sniff(png, n), CAPTURE_IMAGE_PNG);
    mtcam_frame f;
    int rc = capture_image_load_memory(png, n, "misnamed.jpg", &f);
    free(png);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(f.width, W);
    uint8_t e[3];
    rgb_at(5, 7, e);
    CHECK(memcmp(f.data + 7 * f.stride + 5 * 3, e, 3) == 0);
    mtcam_frame_free(&f);
    return 0;
}

static int jpeg_truncated(void)
{
    size_t n;
    uint8_t *jpg = check_read_file(fixture("baseline.jpg"), &n);
    CHECK(jpg);
    int fails =
        expect_failure(jpg, n / 2, "cut.jpg", MTCNN_EFORMAT, "cut.jpg: truncated JPEG data");
    /* Cut inside the headers too. */
    fails = fails || expect_failure(jpg, 40, "head.jpg", MTCNN_EFORMAT, "truncated JPEG data");
    free(jpg);
    return fails;
}

static int jpeg_progressive_truncated(void)
{
    size_t n;
    uint8_t *jpg = check_read_file(fixture("progressive.jpg"), &n);
    CHECK(jpg);
    int fails = expect_failure(jpg, n - 100, "prog.jpg", MTCNN_EFORMAT, "truncated JPEG data");
    free(jpg);
    return fails;
}

/* The same pixels, row by row. */
static int same_pixels(const mtcam_frame *a, const mtcam_frame *b)
{
    CHECK_INT_EQ(a->width, b->width);
    CHECK_INT_EQ(a->height, b->height);
    for (int y = 0; y < a->height; y++)
        CHECK_MSG(memcmp(a->data + (ptrdiff_t)y * a->stride, b->data + (ptrdiff_t)y * b->stride,
                         (size_t)a->width * 3) == 0,
                  "row %d differs", y);
    return 0;
}

/* Decodes `data` and expects success, the pixels of `whole`, and one warning naming `name`
 * and saying `needle`. */
static int expect_recovered(const void *data, size_t size, const char *name,
                            const mtcam_frame *whole, const char *needle)
{
    mtcam_frame f;
    int rc = capture_image_load_memory(data, size, name, &f);
    CHECK_MSG(rc == 0, "%s: rc %d (%s)", name, rc, mtcam_last_error());
    int fails = same_pixels(&f, whole);
    mtcam_frame_free(&f);
    CHECK(!fails);
    const char *w = capture_image_warning();
    CHECK_STR_CONTAINS(w, name);
    CHECK_STR_CONTAINS(w, needle);
    CHECK(strchr(w, '\n') == NULL);
    return 0;
}

/* Issue 18: what libjpeg only warns about, and where no picture data is lost, decodes (as
 * ImageMagick and ffmpeg do) with one warning: a file without its end marker, and stray
 * bytes before a marker. Data really missing stays an error: a progressive file cut between
 * two scans (every segment whole, but the picture unrefined) and a file cut in its scan. */
static int jpeg_recoverable_warnings(void)
{
    static const char *const files[] = {"baseline.jpg", "progressive.jpg"};
    for (size_t k = 0; k < 2; k++) {
        size_t n;
        uint8_t *jpg = check_read_file(fixture(files[k]), &n);
        CHECK(jpg);
        CHECK(jpg[n - 2] == 0xFF && jpg[n - 1] == 0xD9);
        mtcam_frame whole;
        CHECK_INT_EQ(capture_image_load_memory(jpg, n, files[k], &whole), 0);
        /* a clean file: no warning */
        CHECK_MSG(capture_image_warning()[0] == 0, "warning '%s'", capture_image_warning());
        int fails = expect_recovered(jpg, n - 2, "no-eoi.jpg", &whole, "end marker is missing");
        /* Two stray bytes before the first scan's SOS marker. */
        size_t sos = find_marker(jpg, n, 0xDA);
        uint8_t *stray = malloc(n + 2);
        CHECK(sos > 0 && stray);
        memcpy(stray, jpg, sos);
        stray[sos] = 0x12;
        stray[sos + 1] = 0x34;
        memcpy(stray + sos + 2, jpg + sos, n - sos);
        fails = fails || expect_recovered(stray, n + 2, "stray.jpg", &whole,
                                          "2 extraneous bytes before marker 0xda");
        free(stray);
        /* After a failed decode the warning of an earlier one is gone. */
        fails = fails || expect_failure(jpg, n / 2 + 40, "cut.jpg", MTCNN_EFORMAT,
                                        "truncated JPEG data");
        CHECK_MSG(capture_image_warning()[0] == 0, "warning '%s'", capture_image_warning());
        if (k == 1) {
            /* Cut just before its second scan: segments whole, scans missing. */
            size_t second = find_marker(jpg + sos + 2, n - sos - 2, 0xDA) + sos + 2;
            CHECK(second > sos + 2);
            fails = fails || expect_failure(jpg, second, "scans.jpg", MTCNN_EFORMAT,
                                            "progressive scans missing");
        }
        mtcam_frame_free(&whole);
        free(jpg);
        CHECK(!fails);
    }
    /* A real photo cut at 2,000 bytes (issue 18's folder): most of its scan is missing. */
    size_t n;
    uint8_t *photo = check_read_file(MTCAM_ASSETS_DIR "/demo/eileen-collins.jpg", &n);
    CHECK(photo && n > 2000);
    int fails = expect_failure(photo, 2000, "cut2000.jpg", MTCNN_EFORMAT, "truncated JPEG data");
    free(photo);
    return fails;
}

/* Issue 18: a FIFO with no writer hung the reader in open(); it is refused before that.
 * alarm() is only a guard that turns the old hang into a failure. */
static int fifo_refused(void)
{
    char dir[] = "/tmp/mtcam-fifo-XXXXXX";
    CHECK(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/f.jpg", dir);
    CHECK(mkfifo(path, 0600) == 0);
    alarm(20);
    mtcam_frame f;
    int rc = capture_image_load(path, &f);
    alarm(0);
    unlink(path);
    rmdir(dir);
    CHECK_INT_EQ(rc, MTCNN_EINVAL);
    CHECK(f.data == NULL);
    CHECK_STR_CONTAINS(mtcam_last_error(), path);
    CHECK_STR_CONTAINS(mtcam_last_error(), "not a regular file (a FIFO)");
    /* a character device too (it would read forever, or block) */
    CHECK_INT_EQ(capture_image_load("/dev/zero", &f), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcam_last_error(), "/dev/zero: not a regular file (a character device)");
    return 0;
}

/* Garbage in the entropy-coded data: an error (libjpeg's warning turned into one). */
static int jpeg_corrupt(void)
{
    size_t n;
    uint8_t *jpg = check_read_file(fixture("baseline.jpg"), &n);
    CHECK(jpg);
    size_t sos = find_marker(jpg, n, 0xDA);
    CHECK(sos > 0);
    /* An RST marker where none is expected, in the middle of the scan. */
    size_t at = sos + (n - sos) / 2;
    jpg[at] = 0xFF;
    jpg[at + 1] = 0xD3;
    int fails = expect_failure(jpg, n, "bad.jpg", MTCNN_EFORMAT, "bad.jpg: bad JPEG data");
    free(jpg);
    return fails;
}

static int jpeg_too_large(void)
{
    size_t n;
    uint8_t *jpg = check_read_file(fixture("baseline.jpg"), &n);
    CHECK(jpg);
    size_t sof = find_marker(jpg, n, 0xC0);
    CHECK(sof > 0);
    /* SOF0: FF C0, length(2), precision(1), height(2), width(2). */
    jpg[sof + 5] = 0xEA; /* height 60000 */
    jpg[sof + 6] = 0x60;
    jpg[sof + 7] = 0xEA; /* width 60000 */
    jpg[sof + 8] = 0x60;
    int fails = expect_failure(jpg, n, "bomb.jpg", MTCNN_EUNSUPPORTED, "image too large");
    free(jpg);
    return fails;
}

static int png_truncated(void)
{
    size_t n;
    uint8_t *png = check_read_file(fixture("rgba.png"), &n);
    CHECK(png);
    int fails =
        expect_failure(png, n - 20, "cut.png", MTCNN_EFORMAT, "cut.png: truncated PNG data");
    fails = fails || expect_failure(png, 20, "head.png", MTCNN_EFORMAT, "truncated PNG data");
    free(png);
    return fails;
}

static int png_bad_crc(void)
{
    size_t n;
    uint8_t *png = check_read_file(fixture("rgb.png"), &n);
    CHECK(png);
    png[8 + 8 + 3] ^= 0x01; /* IHDR width byte: the CRC no longer matches */
    int fails = expect_failure(png, n, "crc.png", MTCNN_EFORMAT, "crc.png: bad PNG data");
    free(png);
    return fails;
}

static int png_too_large(void)
{
    size_t n;
    uint8_t *png = check_read_file(fixture("rgb.png"), &n);
    CHECK(png);
    /* IHDR data at offset 16: width, height; then its CRC over type + data at offset 29. */
    put_be32(png + 16, 20000);
    put_be32(png + 20, 20000);
    put_be32(png + 29, crc32_of(png + 12, 17));
    int fails = expect_failure(png, n, "bomb.png", MTCNN_EUNSUPPORTED, "image too large");
    free(png);
    return fails;
}

static int pnm_errors(void)
{
    size_t n;
    uint8_t *ppm = check_read_file(fixture("rgb.ppm"), &n);
    CHECK(ppm);
    int fails = expect_failure(ppm, n - 1, "cut.ppm", MTCNN_EFORMAT, "cut.ppm: truncated PPM data");
    free(ppm);
    if (fails)
        return 1;
    const char bomb[] = "P6\n100000 100000\n255\n";
    if (expect_failure(bomb, sizeof bomb - 1, "bomb.ppm", MTCNN_EUNSUPPORTED, "image too large"))
        return 1;
    const char toobig[] = "P5 1 1 70000\n";
    if (expect_failure(toobig, sizeof toobig - 1, "max.pgm", MTCNN_EFORMAT, "bad PGM header"))
        return 1;
    const char header[] = "P6 4 ";
    if (expect_failure(header, sizeof header - 1, "h.ppm", MTCNN_EFORMAT, "truncated PPM header"))
        return 1;
    const char over[] = "P2 2 1 10\n3 11\n";
    if (expect_failure(over, sizeof over - 1, "over.pgm", MTCNN_EFORMAT, "exceeds maxval"))
        return 1;
    const char word[] = "P3 1 1 255\n1 2 x\n";
    if (expect_failure(word, sizeof word - 1, "w.ppm", MTCNN_EFORMAT, "bad PPM sample"))
        return 1;
    const char zero[] = "P5 0 4 255\n";
    return expect_failure(zero, sizeof zero - 1, "z.pgm", MTCNN_EFORMAT, "invalid image size");
}

/* Every prefix and many single-byte corruptions of each fixture: success or a clean error,
 * never a crash, hang or leak (the ASan build runs this too). */
static int garbage_never_crashes(void)
{
    static const char *names[] = {"baseline.jpg", "progressive.jpg",     "gray.jpg",
                                  "rgba.png",     "interlaced-rgba.png", "palette-trns.png",
                                  "rgb16.ppm",    "rgb-ascii.ppm"};
    uint32_t seed = 12345;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n;
        uint8_t *orig = check_read_file(fixture(names[i]), &n);
        CHECK(orig);
        uint8_t *buf = malloc(n);
        CHECK(buf);
        for (size_t len = 0; len < n; len += 1 + len / 64) {
            mtcam_frame f;
            memcpy(buf, orig, len); /* an exact-size copy, so ASan sees any over-read */
            int rc = capture_image_load_memory(buf, len, names[i], &f);
            /* An ASCII PNM cut after its last digit is still whole. */
            int may_succeed = strstr(names[i], "ascii") && len >= n - 4;
            CHECK_MSG(rc < 0 || may_succeed, "%s: prefix of %zu of %zu bytes decoded", names[i],
                      len, n);
            if (rc == 0)
                mtcam_frame_free(&f);
            CHECK(f.data == NULL);
        }
        for (int round = 0; round < 300; round++) {
            memcpy(buf, orig, n);
            for (int k = 0; k < 3; k++) {
                seed = seed * 1664525u + 1013904223u;
                buf[(seed >> 8) % n] ^= (uint8_t)(1u << (seed % 8));
            }
            mtcam_frame f;
            int rc = capture_image_load_memory(buf, n, names[i], &f);
            if (rc == 0)
                mtcam_frame_free(&f);
            else
                CHECK(f.data == NULL && *mtcam_last_error());
        }
        free(buf);
        free(orig);
    }
    return 0;
}

/* ---- the MJPEG decoder ------------------------------------------------------------------- */

/* Decoding into a frame of the right size reuses its buffer and keeps its metadata. */
static int jpeg_decoder_reuses_frame(void)
{
    size_t n;
    uint8_t *jpg = check_read_file(fixture("baseline.jpg"), &n);
    CHECK(jpg);
    capture_image_jpeg_decoder *dec;
    CHECK_INT_EQ(capture_image_jpeg_decoder_create(&dec), 0);
    mtcam_frame f = {0};
    CHECK_INT_EQ(capture_image_jpeg_decode(dec, jpg, n, "frame 0", &f), 0);
    uint8_t *first = f.data;
    f.seq = 41;
    f.timestamp_ns = 123456789;
    for (int i = 0; i < 5; i++)
        CHECK_INT_EQ(capture_image_jpeg_decode(dec, jpg, n, "frame i", &f), 0);
    CHECK(f.data == first);
    CHECK_INT_EQ(f.seq, 41);
    CHECK_INT_EQ(f.timestamp_ns, 123456789);
    /* A failed frame does not spoil the decoder for the next one. */
    CHECK_INT_EQ(capture_image_jpeg_decode(dec, jpg, n / 2, "frame 6", &f), MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), "frame 6: truncated JPEG data");
    CHECK_INT_EQ(capture_image_jpeg_decode(dec, jpg, n, "frame 7", &f), 0);
    int max_diff;
    double mean_diff;
    compare(&f, exp_rgb, &max_diff, &mean_diff);
    CHECK(max_diff <= 12 && mean_diff <= 2.0);
    /* A different size reallocates. */
    mtcam_frame g = {0};
    size_t gn;
    uint8_t *gray = check_read_file(fixture("gray.jpg"), &gn);
    CHECK(gray);
    CHECK_INT_EQ(mtcam_frame_alloc(&g, 10, 10), 0);
    CHECK_INT_EQ(capture_image_jpeg_decode(dec, gray, gn, "gray", &g), 0);
    CHECK_INT_EQ(g.width, W);
    CHECK_INT_EQ(g.height, H);
    compare(&g, exp_gray, &max_diff, &mean_diff);
    CHECK(max_diff <= 4);
    free(gray);
    mtcam_frame_free(&g);
    mtcam_frame_free(&f);
    capture_image_jpeg_decoder_destroy(dec);
    free(jpg);
    return 0;
}

/* Webcam MJPEG frames usually carry no Huffman tables (DHT); the standard ones apply. cjpeg
 * without -optimize uses exactly the standard tables, so removing them changes nothing. */
static int jpeg_without_huffman_tables(void)
{
    size_t n;
    uint8_t *jpg = check_read_file(fixture("baseline.jpg"), &n);
    CHECK(jpg);
    mtcam_frame with = {0}, without = {0};
    CHECK_INT_EQ(capture_image_decode_jpeg(jpg, n, "with", &with), 0);
    size_t dht;
    int removed = 0;
    while ((dht = find_marker(jpg, n, 0xC4)) != 0) {
        size_t len = 2 + ((size_t)jpg[dht + 2] << 8 | jpg[dht + 3]);
        memmove(jpg + dht, jpg + dht + len, n - dht - len);
        n -= len;
        removed++;
    }
    CHECK(removed > 0);
    CHECK_MSG(capture_image_decode_jpeg(jpg, n, "without", &without) == 0, "%s",
              mtcam_last_error());
    for (int y = 0; y < H; y++)
        CHECK(memcmp(with.data + y * with.stride, without.data + y * without.stride, 3 * W) == 0);
    mtcam_frame_free(&with);
    mtcam_frame_free(&without);
    free(jpg);
    return 0;
}

/* CMYK JPEG as Adobe writes it (inverted), made here with libjpeg: stored (R, G, B, K)
 * decodes to R * K / 255 per channel. */
static int jpeg_cmyk(void)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    unsigned char *out = NULL;
    unsigned long out_size = 0;
    jpeg_mem_dest(&c, &out, &out_size);
    c.image_width = W;
    c.image_height = H;
    c.input_components = 4;
    c.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 98, TRUE);
    jpeg_start_compress(&c, TRUE);
    uint8_t row[W * 4];
    while (c.next_scanline < H) {
        int y = (int)c.next_scanline;
        for (int x = 0; x < W; x++) {
            rgb_at(x, y, row + x * 4);
            row[x * 4 + 3] = 160;
        }
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    mtcam_frame f = {0};
    int rc = capture_image_decode_jpeg(out, out_size, "cmyk.jpg", &f);
    free(out);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    int worst = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t e[3];
            rgb_at(x, y, e);
            for (int k = 0; k < 3; k++) {
                int d = abs(f.data[y * f.stride + x * 3 + k] - (e[k] * 160 + 127) / 255);
                worst = d > worst ? d : worst;
            }
        }
    mtcam_frame_free(&f);
    CHECK_MSG(worst <= 6, "CMYK worst difference %d", worst);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"jpeg_baseline", jpeg_baseline},
        {"jpeg_progressive", jpeg_progressive},
        {"jpeg_gray", jpeg_gray},
        {"jpeg_cmyk", jpeg_cmyk},
        {"jpeg_without_huffman_tables", jpeg_without_huffman_tables},
        {"jpeg_decoder_reuses_frame", jpeg_decoder_reuses_frame},
        {"png_rgb", png_rgb},
        {"png_gray", png_gray},
        {"png_gray_alpha16", png_gray_alpha16},
        {"png_palette", png_palette},
        {"png_palette_trns", png_palette_trns},
        {"png_rgba", png_rgba},
        {"png_rgb16", png_rgb16},
        {"png_gray16", png_gray16},
        {"png_gray2bit", png_gray2bit},
        {"png_interlaced", png_interlaced},
        {"png_interlaced_rgba", png_interlaced_rgba},
        {"pnm_p6", pnm_p6},
        {"pnm_p5", pnm_p5},
        {"pnm_p6_16bit", pnm_p6_16bit},
        {"pnm_p5_16bit", pnm_p5_16bit},
        {"pnm_p3_ascii", pnm_p3_ascii},
        {"pnm_p2_ascii", pnm_p2_ascii},
        {"empty_file", empty_file},
        {"missing_file", missing_file},
        {"not_an_image", not_an_image},
        {"type_by_magic", type_by_magic},
        {"jpeg_truncated", jpeg_truncated},
        {"jpeg_progressive_truncated", jpeg_progressive_truncated},
        {"jpeg_corrupt", jpeg_corrupt},
        {"jpeg_recoverable_warnings", jpeg_recoverable_warnings},
        {"fifo_refused", fifo_refused},
        {"jpeg_too_large", jpeg_too_large},
        {"png_truncated", png_truncated},
        {"png_bad_crc", png_bad_crc},
        {"png_too_large", png_too_large},
        {"pnm_errors", pnm_errors},
        {"garbage_never_crashes", garbage_never_crashes},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
