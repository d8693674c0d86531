/* test-vcam-convert.c - the virtual camera's pixels: crop-and-scale against a double-precision
 * reference on a real photo, exact copies where the geometry says so, letterbox rectangles,
 * RGB -> YUYV at known colours and back through capture's own YUYV decoder. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "convert.h"
#include "frame.h"
#include "image-file.h"
#include "vcam-convert.h"

#define PHOTO MTCAM_VCAM_TEST_ASSETS "/demo/grace-hopper.jpg"

static int load_photo(mtcam_frame *f)
{
    if (capture_image_load(PHOTO, f) != 0) {
        fprintf(stderr, "%s: cannot load\n", PHOTO);
        return -1;
    }
    return 0;
}

/* The scaler's definition in doubles: pixel centres mapped linearly, edges repeated. */
static double ref_sample(const mtcam_frame *f, framing_rect crop, int dw, int dh, int i, int r,
                         int c)
{
    double px = crop.x + (i + 0.5) * crop.w / dw - 0.5, py = crop.y + (r + 0.5) * crop.h / dh - 0.5;
    px = fmin(fmax(px, 0), f->width - 1);
    py = fmin(fmax(py, 0), f->height - 1);
    int x0 = (int)px, y0 = (int)py;
    int x1 = x0 + 1 < f->width ? x0 + 1 : x0, y1 = y0 + 1 < f->height ? y0 + 1 : y0;
    double fx = px - x0, fy = py - y0;
    const uint8_t *d = f->data;
    double a = d[y0 * f->stride + 3 * x0 + c] * (1 - fx) + d[y0 * f->stride + 3 * x1 + c] * fx;
    double b = d[y1 * f->stride + 3 * x0 + c] * (1 - fx) + d[y1 * f->stride + 3 * x1 + c] * fx;
    return a * (1 - fy) + b * fy;
}

static int test_identity_and_integer_crop(void)
{
    mtcam_frame p = {0}, o = {0};
    CHECK(load_photo(&p) == 0);
    vcam_scaler s = {0};
    CHECK(mtcam_frame_alloc(&o, p.width, p.height) == 0);
    framing_rect all = {0, 0, (float)p.width, (float)p.height};
    CHECK(vcam_scale_rgb(&s, p.data, p.stride, p.width, p.height, all, o.data, o.stride,
                         p.width, p.height) == 0);
    for (int y = 0; y < p.height; y++)
        CHECK_MSG(memcmp(o.data + y * o.stride, p.data + y * p.stride, 3 * (size_t)p.width) == 0,
                  "row %d differs after an identity scale", y);
    /* a crop at whole pixels, same size: exactly those pixels */
    framing_rect part = {37, 21, 200, 150};
    CHECK(vcam_scale_rgb(&s, p.data, p.stride, p.width, p.height, part, o.data, o.stride, 200,
                         150) == 0);
    for (int y = 0; y < 150; y++)
        CHECK(memcmp(o.data + y * o.stride, p.data + (y + 21) * p.stride + 3 * 37, 600) == 0);
    vcam_scaler_free(&s);
    mtcam_frame_free(&o);
    mtcam_frame_free(&p);
    return 0;
}

static int test_against_reference(void)
{
    mtcam_frame p = {0}, o = {0};
    CHECK(load_photo(&p) == 0);
    vcam_scaler s = {0};
    static const struct {
        framing_rect crop;
        int w, h;
    } cases[] = {
        {{100.25f, 60.5f, 180.6f, 101.6f}, 640, 360}, /* zoom in 3.5x, sub-pixel origin */
        {{0, 0, 512, 512}, 300, 300},                 /* down */
        {{0, 0, 512, 512}, 1280, 720},                /* up, aspect changed */
        {{400.7f, 450.1f, 111.3f, 61.9f}, 17, 9},     /* odd sizes near the corner */
        {{-20, -10, 560, 540}, 64, 48},               /* a crop past the edges: edges repeat */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int w = cases[k].w, h = cases[k].h;
        CHECK(mtcam_frame_alloc(&o, w, h) == 0);
        memset(o.data, 0xA5, (size_t)o.stride * (size_t)h);
        CHECK(vcam_scale_rgb(&s, p.data, p.stride, p.width, p.height, cases[k].crop, o.data,
                             o.stride, w, h) == 0);
        double worst = 0;
        for (int r = 0; r < h; r++)
            for (int i = 0; i < w; i++)
                for (int c = 0; c < 3; c++) {
                    double want = ref_sample(&p, cases[k].crop, w, h, i, r, c);
                    double d = fabs(o.data[r * o.stride + 3 * i + c] - want);
                    worst = fmax(worst, d);
                }
        /* 8-bit weights: within 1 of the exact value (plus rounding) */
        CHECK_MSG(worst <= 1.5, "case %zu (%dx%d): max |diff| %.2f from the reference", k, w, h,
                  worst);
        mtcam_frame_free(&o);
    }
    vcam_scaler_free(&s);
    mtcam_frame_free(&p);
    return 0;
}

static int test_fit(void)
{
    int x, y, w, h;
    vcam_fit(640, 480, 1280, 720, &x, &y, &w, &h);
    CHECK(x == 160 && y == 0 && w == 960 && h == 720);
    vcam_fit(1280, 720, 640, 480, &x, &y, &w, &h);
    CHECK(x == 0 && y == 60 && w == 640 && h == 360);
    vcam_fit(640, 480, 640, 480, &x, &y, &w, &h);
    CHECK(x == 0 && y == 0 && w == 640 && h == 480);
    vcam_fit(512, 512, 640, 360, &x, &y, &w, &h); /* x and width kept even for YUYV */
    CHECK(x % 2 == 0 && w % 2 == 0 && h == 360 && abs(w - 360) <= 1);
    return 0;
}

static int test_yuyv_known_colours(void)
{
    static const struct {
        uint8_t rgb[3];
        int y, cb, cr;
    } known[] = {
        {{255, 255, 255}, 235, 128, 128}, {{0, 0, 0}, 16, 128, 128},
        {{255, 0, 0}, 81, 90, 240},       {{0, 255, 0}, 145, 54, 34},
        {{0, 0, 255}, 41, 240, 110},      {{128, 128, 128}, 126, 128, 128},
    };
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
        int y, cb, cr;
        vcam_rgb_to_ycbcr(known[k].rgb, &y, &cb, &cr);
        CHECK_MSG(y == known[k].y && cb == known[k].cb && cr == known[k].cr,
                  "rgb %d %d %d: got %d %d %d, want %d %d %d", known[k].rgb[0], known[k].rgb[1],
                  known[k].rgb[2], y, cb, cr, known[k].y, known[k].cb, known[k].cr);
        uint8_t pair[6], yuyv[4];
        memcpy(pair, known[k].rgb, 3);
        memcpy(pair + 3, known[k].rgb, 3);
        vcam_rgb_to_yuyv(pair, 6, 2, 1, yuyv, 4);
        CHECK(yuyv[0] == y && yuyv[1] == cb && yuyv[2] == y && yuyv[3] == cr);
    }
    /* a pair's chroma is the mean of its two pixels: red beside blue */
    uint8_t rb[6] = {255, 0, 0, 0, 0, 255}, out[4];
    vcam_rgb_to_yuyv(rb, 6, 2, 1, out, 4);
    CHECK_INT_EQ(out[0], 81);
    CHECK_INT_EQ(out[2], 41);
    CHECK_INT_EQ(out[1], (90 + 240 + 1) / 2);
    CHECK_INT_EQ(out[3], (240 + 110) / 2);
    /* an odd width: the last pixel pairs with itself */
    uint8_t three[9] = {0, 0, 0, 0, 0, 0, 255, 255, 255}, o3[8];
    vcam_rgb_to_yuyv(three, 9, 3, 1, o3, 8);
    CHECK(o3[4] == 235 && o3[6] == 235 && o3[5] == 128);
    return 0;
}

/* Photo -> YUYV -> capture_convert_yuyv: with pairs of equal pixels (so 4:2:2 loses nothing)
 * the round trip is within the two 8-bit roundings. */
static int test_yuyv_round_trip(void)
{
    mtcam_frame p = {0}, wide = {0}, back = {0};
    CHECK(load_photo(&p) == 0);
    CHECK(mtcam_frame_alloc(&wide, 2 * p.width, p.height) == 0);
    for (int y = 0; y < p.height; y++)
        for (int x = 0; x < 2 * p.width; x++)
            memcpy(wide.data + y * wide.stride + 3 * x, p.data + y * p.stride + 3 * (x / 2), 3);
    size_t ystride = 4 * (size_t)p.width;
    uint8_t *yuyv = malloc(ystride * (size_t)p.height);
    CHECK(yuyv != NULL);
    vcam_rgb_to_yuyv(wide.data, wide.stride, wide.width, wide.height, yuyv, (ptrdiff_t)ystride);
    CHECK(mtcam_frame_alloc(&back, wide.width, wide.height) == 0);
    capture_convert_yuyv(yuyv, (ptrdiff_t)ystride, wide.width, wide.height, back.data,
                         back.stride);
    int worst = 0;
    double sum = 0;
    for (int y = 0; y < wide.height; y++)
        for (int x = 0; x < 3 * wide.width; x++) {
            int d = abs(back.data[y * back.stride + x] - wide.data[y * wide.stride + x]);
            worst = d > worst ? d : worst;
            sum += d;
        }
    double mean = sum / (3.0 * wide.width * wide.height);
    printf("YUYV round trip on %s: max |diff| %d, mean %.3f\n", PHOTO, worst, mean);
    CHECK_MSG(worst <= 3 && mean < 0.8, "max %d mean %.3f", worst, mean);
    free(yuyv);
    mtcam_frame_free(&p);
    mtcam_frame_free(&wide);
    mtcam_frame_free(&back);
    return 0;
}

static int test_bad_sizes(void)
{
    vcam_scaler s = {0};
    uint8_t px[3] = {0};
    framing_rect r = {0, 0, 1, 1}, empty = {0, 0, 0, 1};
    CHECK(vcam_scale_rgb(&s, px, 3, 1, 1, r, px, 3, 0, 1) < 0);
    CHECK(vcam_scale_rgb(&s, px, 3, 1, 1, empty, px, 3, 1, 1) < 0);
    CHECK(vcam_scale_rgb(&s, px, 3, 1, 1, r, px, 3, 1, 1) == 0); /* 1x1 works */
    vcam_scaler_free(&s);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"identity_and_integer_crop", test_identity_and_integer_crop},
        {"against_reference", test_against_reference},
        {"fit", test_fit},
        {"yuyv_known_colours", test_yuyv_known_colours},
        {"yuyv_round_trip", test_yuyv_round_trip},
        {"bad_sizes", test_bad_sizes},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
