/* test-convert.c - the YCbCr -> RGB conversions of capture/convert.c against known values, the
 * exact BT.601 formula, and an independent converter (ffmpeg's swscale). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "convert.h"

/* The exact formula in double precision, rounded and clamped. */
static int ref(double v)
{
    v = v < 0 ? 0 : v > 255 ? 255 : v;
    return (int)(v + 0.5);
}

static void ref_pixel(int y, int cb, int cr, int out[3])
{
    double yy = (y - 16) * 255.0 / 219.0, u = (cb - 128) * 255.0 / 224.0,
           v = (cr - 128) * 255.0 / 224.0;
    out[0] = ref(yy + 1.402 * v);
    out[1] = ref(yy - 0.344136 * u - 0.714136 * v);
    out[2] = ref(yy + 1.772 * u);
}

static int known_values(void)
{
    static const struct {
        int y, cb, cr, r, g, b;
    } cases[] = {
        {16, 128, 128, 0, 0, 0},       /* black */
        {235, 128, 128, 255, 255, 255}, /* white */
        {126, 128, 128, 128, 128, 128}, /* mid grey: 110 * 255/219 = 128.08 */
        {81, 90, 240, 254, 0, 0},       /* BT.601 red (Y 81.48, Cb 90.26, Cr 240) */
        {145, 54, 34, 0, 255, 1},       /* BT.601 green (Y 144.6, Cb 53.8, Cr 34.2) */
        {41, 240, 110, 0, 0, 255},      /* BT.601 blue (Y 41.2, Cb 240, Cr 109.8) */
        {0, 128, 128, 0, 0, 0},         /* below black clamps */
        {255, 128, 128, 255, 255, 255}, /* above white clamps */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t rgb[3];
        capture_ycbcr_to_rgb(cases[i].y, cases[i].cb, cases[i].cr, rgb);
        int e[3];
        ref_pixel(cases[i].y, cases[i].cb, cases[i].cr, e);
        /* the table's values and the exact formula must agree with the fixed-point code */
        {
            CHECK_INT_EQ(rgb[0], cases[i].r);
            CHECK_INT_EQ(rgb[1], cases[i].g);
            CHECK_INT_EQ(rgb[2], cases[i].b);
        }
        CHECK_NEAR(rgb[0], e[0], 1);
        CHECK_NEAR(rgb[1], e[1], 1);
        CHECK_NEAR(rgb[2], e[2], 1);
    }
    return 0;
}

/* Every Y, Cb, Cr on a grid (and every extreme) within 1 of the exact formula. */
static int matches_formula(void)
{
    int worst = 0;
    for (int y = 0; y < 256; y += 3)
        for (int cb = 0; cb < 256; cb += 5)
            for (int cr = 0; cr < 256; cr += 5) {
                uint8_t rgb[3];
                int e[3];
                capture_ycbcr_to_rgb(y, cb, cr, rgb);
                ref_pixel(y, cb, cr, e);
                for (int c = 0; c < 3; c++) {
                    int d = abs(rgb[c] - e[c]);
                    if (d > worst)
                        worst = d;
                    CHECK_MSG(d <= 1, "Y %d Cb %d Cr %d channel %d: got %d, exact %d", y, cb, cr,
                              c, rgb[c], e[c]);
                }
            }
    fprintf(stderr, "largest difference from the exact formula: %d\n", worst);
    return 0;
}

/* A 5x3 4:2:0 picture (odd sizes: chroma is 3x2) with a distinct chroma per 2x2 block: every
 * pixel must take its block's chroma, and the output stride must be respected. */
static int planar_420_layout(void)
{
    enum { W = 5, H = 3, CW = 3, CH = 2, STRIDE = 20 };
    uint8_t y[W * H], cb[CW * CH], cr[CW * CH];
    for (int i = 0; i < W * H; i++)
        y[i] = (uint8_t)(40 + 10 * i);
    for (int i = 0; i < CW * CH; i++) {
        cb[i] = (uint8_t)(60 + 25 * i);
        cr[i] = (uint8_t)(200 - 20 * i);
    }
    uint8_t out[STRIDE * H];
    memset(out, 0xEE, sizeof out);
    capture_convert_yuv_planar(y, W, cb, cr, CW, 1, 1, W, H, out, STRIDE);
    for (int r = 0; r < H; r++)
        for (int c = 0; c < W; c++) {
            uint8_t e[3];
            int ci = (r / 2) * CW + c / 2;
            capture_ycbcr_to_rgb(y[r * W + c], cb[ci], cr[ci], e);
            CHECK_MSG(!memcmp(out + r * STRIDE + 3 * c, e, 3), "pixel (%d,%d)", c, r);
        }
    for (int r = 0; r < H; r++)
        for (int b = 3 * W; b < STRIDE; b++)
            CHECK_INT_EQ(out[r * STRIDE + b], 0xEE); /* padding untouched */
    return 0;
}

static int planar_422_444(void)
{
    enum { W = 4, H = 2 };
    uint8_t y[W * H] = {16, 60, 100, 140, 180, 220, 235, 128};
    uint8_t cb2[2 * H] = {90, 150, 200, 30}, cr2[2 * H] = {240, 100, 60, 130};
    uint8_t out[3 * W * H];
    capture_convert_yuv_planar(y, W, cb2, cr2, 2, 1, 0, W, H, out, 3 * W);
    for (int r = 0; r < H; r++)
        for (int c = 0; c < W; c++) {
            uint8_t e[3];
            capture_ycbcr_to_rgb(y[r * W + c], cb2[r * 2 + c / 2], cr2[r * 2 + c / 2], e);
            CHECK_MSG(!memcmp(out + 3 * (r * W + c), e, 3), "4:2:2 pixel (%d,%d)", c, r);
        }
    uint8_t cb4[W * H], cr4[W * H];
    for (int i = 0; i < W * H; i++) {
        cb4[i] = (uint8_t)(i * 30);
        cr4[i] = (uint8_t)(255 - i * 30);
    }
    capture_convert_yuv_planar(y, W, cb4, cr4, W, 0, 0, W, H, out, 3 * W);
    for (int i = 0; i < W * H; i++) {
        uint8_t e[3];
        capture_ycbcr_to_rgb(y[i], cb4[i], cr4[i], e);
        CHECK_MSG(!memcmp(out + 3 * i, e, 3), "4:4:4 pixel %d", i);
    }
    return 0;
}

static int gray_limited(void)
{
    uint8_t y[6] = {0, 16, 126, 235, 255, 100};
    uint8_t expect[6] = {0, 0, 128, 255, 255, 98}; /* 84 * 255/219 = 97.8 */
    uint8_t out[18];
    capture_convert_gray(y, 6, 6, 1, out, 18);
    for (int i = 0; i < 6; i++) {
        CHECK_INT_EQ(out[3 * i], expect[i]);
        CHECK_INT_EQ(out[3 * i + 1], expect[i]);
        CHECK_INT_EQ(out[3 * i + 2], expect[i]);
    }
    return 0;
}

static int yuyv_packed(void)
{
    /* 3x1 (odd width): pairs (Y0 Cb Y1 Cr) = (81 90 235 240), (16 128 x 128) */
    uint8_t src[8] = {81, 90, 235, 240, 16, 128, 99, 128};
    uint8_t out[9];
    capture_convert_yuyv(src, 8, 3, 1, out, 9);
    uint8_t e0[3], e1[3];
    capture_ycbcr_to_rgb(81, 90, 240, e0);
    capture_ycbcr_to_rgb(235, 90, 240, e1);
    CHECK(!memcmp(out, e0, 3));
    CHECK_INT_EQ(out[0], 254); /* red */
    CHECK(!memcmp(out + 3, e1, 3));
    CHECK_INT_EQ(out[6], 0);
    CHECK_INT_EQ(out[7], 0);
    CHECK_INT_EQ(out[8], 0);
    return 0;
}

static int bgr_swap(void)
{
    uint8_t src[6] = {1, 2, 3, 4, 5, 6}, out[6];
    capture_convert_bgr(src, 6, 2, 1, out, 6);
    static const uint8_t e[6] = {3, 2, 1, 6, 5, 4};
    CHECK(!memcmp(out, e, 6));
    return 0;
}

/* ffmpeg (an independent implementation of the same standard) converts a 4:4:4 picture with
 * full-resolution chroma, so no chroma interpolation differs: every pixel must agree within 2. */
static int agrees_with_ffmpeg(void)
{
    if (system("ffmpeg -version >/dev/null 2>&1") != 0)
        SKIP("ffmpeg not installed (Debian package ffmpeg)");
    char dir[] = "/tmp/mtcam-convert-XXXXXX";
    CHECK(mkdtemp(dir));
    char cmd[1024], yuv[300], rgb[300];
    snprintf(yuv, sizeof yuv, "%s/in.yuv", dir);
    snprintf(rgb, sizeof rgb, "%s/out.rgb", dir);
    enum { W = 64, H = 64 };
    static uint8_t planes[3 * W * H];
    for (int i = 0; i < W * H; i++) {
        planes[i] = (uint8_t)(16 + (i * 7) % 220);
        planes[W * H + i] = (uint8_t)(16 + (i / W) * 3);
        planes[2 * W * H + i] = (uint8_t)(16 + (i % W) * 3);
    }
    FILE *f = fopen(yuv, "wb");
    CHECK(f);
    CHECK(fwrite(planes, 1, sizeof planes, f) == sizeof planes);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "ffmpeg -v error -y -f rawvideo -pix_fmt yuv444p -s %dx%d -i %s "
             "-vf scale=in_color_matrix=bt601:in_range=tv:out_range=pc:flags=accurate_rnd+"
             "full_chroma_int -f rawvideo -pix_fmt rgb24 %s",
             W, H, yuv, rgb);
    CHECK_MSG(system(cmd) == 0, "%s", cmd);
    static uint8_t theirs[3 * W * H], ours[3 * W * H];
    f = fopen(rgb, "rb");
    CHECK(f);
    size_t got = fread(theirs, 1, sizeof theirs, f);
    fclose(f);
    unlink(yuv);
    unlink(rgb);
    rmdir(dir);
    CHECK_INT_EQ(got, sizeof theirs);
    capture_convert_yuv_planar(planes, W, planes + W * H, planes + 2 * W * H, W, 0, 0, W, H,
                               ours, 3 * W);
    int worst = 0;
    for (size_t i = 0; i < sizeof ours; i++) {
        int d = abs(ours[i] - theirs[i]);
        worst = d > worst ? d : worst;
    }
    fprintf(stderr, "largest difference from ffmpeg: %d\n", worst);
    CHECK_MSG(worst <= 2, "largest difference from ffmpeg is %d", worst);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"known_values", known_values},
        {"matches_formula", matches_formula},
        {"planar_420_layout", planar_420_layout},
        {"planar_422_444", planar_422_444},
        {"gray_limited", gray_limited},
        {"yuyv_packed", yuyv_packed},
        {"bgr_swap", bgr_swap},
        {"agrees_with_ffmpeg", agrees_with_ffmpeg},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
