/* test-align.c - aligned face crops: the similarity fit against known transforms, the sampler
 * against images whose pixel values are their coordinates, and on real photos the detector's
 * own landmarks in the crop landing on the template. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "frame.h"
#include "image-file.h"
#include "mtcnn.h"

/* ArcFace's 112x112 template, as published (insightface's arcface_dst). */
static const float arcface[5][2] = {{38.2946f, 51.6963f}, {73.5318f, 51.5014f},
                                    {56.0252f, 71.7366f}, {41.5493f, 92.3655f},
                                    {70.7299f, 92.2041f}};

static void apply(const float m[6], float x, float y, float *u, float *v)
{
    *u = m[0] * x + m[1] * y + m[2];
    *v = m[3] * x + m[4] * y + m[5];
}

/* Landmarks = the template's points moved by the inverse of a similarity with scale s,
 * rotation r, translation (tx, ty) in the crop: the fit must find exactly that similarity. */
static void landmarks_from(float s, float r, float tx, float ty, float lm[5][2])
{
    for (int p = 0; p < 5; p++) {
        const float u = arcface[p][0] - tx, v = arcface[p][1] - ty;
        lm[p][0] = (cosf(r) * u + sinf(r) * v) / s;
        lm[p][1] = (-sinf(r) * u + cosf(r) * v) / s;
    }
}

static int transform_identity(void)
{
    float m[6];
    CHECK_INT_EQ(mtcnn_align_transform(arcface, MTCNN_ALIGN_112X112, 112, 112, m), 0);
    const float want[6] = {1, 0, 0, 0, 1, 0};
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(m[i], want[i], 1e-4);
    return 0;
}

static int transform_recovers_similarity(void)
{
    static const float cases[][4] = {{0.4f, 0.5f, -20, 10}, {2.5f, -1.2f, 5, 90},
                                     {0.05f, 3.0f, 40, -7}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const float s = cases[c][0], r = cases[c][1], tx = cases[c][2], ty = cases[c][3];
        float lm[5][2], m[6];
        landmarks_from(s, r, tx, ty, lm);
        CHECK_INT_EQ(mtcnn_align_transform(lm, MTCNN_ALIGN_112X112, 112, 112, m), 0);
        CHECK_NEAR(m[0], s * cosf(r), 1e-4 * s);
        CHECK_NEAR(m[3], s * sinf(r), 1e-4 * s);
        CHECK_NEAR(m[1], -m[3], 1e-6);
        CHECK_NEAR(m[4], m[0], 1e-6);
        for (int p = 0; p < 5; p++) {
            float u, v;
            apply(m, lm[p][0], lm[p][1], &u, &v);
            CHECK_NEAR(u, arcface[p][0], 2e-3);
            CHECK_NEAR(v, arcface[p][1], 2e-3);
        }
    }
    return 0;
}

/* Squared residual of the five points under a similarity (a, b, tx, ty). */
static double residual(const float lm[5][2], const double q[5][2], double a, double b,
                       double tx, double ty)
{
    double e = 0;
    for (int p = 0; p < 5; p++) {
        const double u = a * lm[p][0] - b * lm[p][1] + tx, v = b * lm[p][0] + a * lm[p][1] + ty;
        e += (u - q[p][0]) * (u - q[p][0]) + (v - q[p][1]) * (v - q[p][1]);
    }
    return e;
}

/* With noisy landmarks no similarity fits exactly: the fit must be the least-squares one, so
 * any small change of any of its four parameters gives a larger residual. */
static int transform_least_squares(void)
{
    static const float noise[5][2] = {{1.5f, -2}, {-1, 0.5f}, {2, 2.5f}, {-3, 1}, {0.5f, -1.5f}};
    float lm[5][2], m[6];
    landmarks_from(1.7f, 0.3f, 12, -4, lm);
    for (int p = 0; p < 5; p++)
        lm[p][0] += noise[p][0], lm[p][1] += noise[p][1];
    CHECK_INT_EQ(mtcnn_align_transform(lm, MTCNN_ALIGN_112X112, 112, 112, m), 0);
    double q[5][2];
    for (int p = 0; p < 5; p++)
        q[p][0] = arcface[p][0], q[p][1] = arcface[p][1];
    const double best = residual(lm, q, m[0], m[3], m[2], m[5]);
    CHECK(best > 1);  /* the noise really left a residual */
    const double steps[4] = {1e-3, 1e-3, 0.05, 0.05};
    for (int k = 0; k < 4; k++)
        for (int sign = -1; sign <= 1; sign += 2) {
            double par[4] = {m[0], m[3], m[2], m[5]};
            par[k] += sign * steps[k];
            const double e = residual(lm, q, par[0], par[1], par[2], par[3]);
            CHECK_MSG(e > best, "parameter %d %+g: residual %.6f <= %.6f", k,
                      sign * steps[k], e, best);
        }
    return 0;
}

/* 96x112 is the 112x112 template 8 px to the left; other sizes scale the template. */
static int transform_templates_and_sizes(void)
{
    float m[6], u, v;
    CHECK_INT_EQ(mtcnn_align_transform(arcface, MTCNN_ALIGN_96X112, 96, 112, m), 0);
    for (int p = 0; p < 5; p++) {
        apply(m, arcface[p][0], arcface[p][1], &u, &v);
        CHECK_NEAR(u, arcface[p][0] - 8, 1e-3);
        CHECK_NEAR(v, arcface[p][1], 1e-3);
    }
    CHECK_INT_EQ(mtcnn_align_transform(arcface, MTCNN_ALIGN_112X112, 224, 224, m), 0);
    CHECK_NEAR(m[0], 2, 1e-5);
    CHECK_NEAR(m[1], 0, 1e-5);
    CHECK_NEAR(m[2], 0, 1e-3);
    CHECK_INT_EQ(mtcnn_align_transform(arcface, MTCNN_ALIGN_96X112, 48, 56, m), 0);
    apply(m, arcface[0][0], arcface[0][1], &u, &v);
    CHECK_NEAR(u, (arcface[0][0] - 8) / 2, 1e-3);
    CHECK_NEAR(v, arcface[0][1] / 2, 1e-3);
    return 0;
}

/* An RGB image whose R is x, G is y and B is x + y (all < 256): bilinear sampling of such a
 * linear image gives exactly the coordinates the inverse transform reaches. */
static int sample_linear_image(void)
{
    enum { W = 250, H = 200 };
    uint8_t *img = malloc(W * H * 3);
    CHECK(img);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = img + (y * W + x) * 3;
            p[0] = (uint8_t)x, p[1] = (uint8_t)y, p[2] = (uint8_t)((x + y) / 2);
        }
    mtcnn_face face = {.has_landmarks = 1};
    landmarks_from(0.9f, 0.25f, -40, -30, face.landmarks); /* face inside the image */
    mtcnn_image view = {img, W, H, W * 3, MTCNN_PIXEL_RGB24};
    enum { OW = 112, OH = 112, OSTRIDE = OW * 3 + 5 };
    uint8_t out[OH * OSTRIDE];
    memset(out, 0xA5, sizeof out);
    float m[6];
    int rc = mtcnn_align_face(&view, &face, MTCNN_ALIGN_112X112, OW, OH, out, OSTRIDE);
    rc = rc ? rc : mtcnn_align_transform(face.landmarks, MTCNN_ALIGN_112X112, OW, OH, m);
    free(img);
    CHECK_MSG(rc == 0, "%s", mtcnn_last_error());
    const double det = (double)m[0] * m[0] + (double)m[3] * m[3];
    int inside = 0;
    for (int v = 0; v < OH; v++)
        for (int u = 0; u < OW; u++) {
            const double du = u - m[2], dv = v - m[5];
            const double x = (m[0] * du + m[3] * dv) / det, y = (-m[3] * du + m[0] * dv) / det;
            const uint8_t *p = out + v * OSTRIDE + u * 3;
            if (x < 0 || y < 0 || x > W - 1 || y > H - 1) {
                /* Beyond a one-pixel fade, what falls outside is black. */
                if (x < -1 || y < -1 || x > W || y > H)
                    CHECK_MSG(p[0] == 0 && p[1] == 0 && p[2] == 0, "(%d,%d) not black", u, v);
                continue;
            }
            inside++;
            CHECK_MSG(fabs(p[0] - x) <= 0.51 && fabs(p[1] - y) <= 0.51 &&
                          fabs(p[2] - (x + y) / 2) <= 1.01,
                      "crop (%d,%d) -> image (%.2f,%.2f): got %d %d %d", u, v, x, y, p[0], p[1],
                      p[2]);
        }
    CHECK(inside > OW * OH / 2);
    for (int v = 0; v < OH; v++) /* the row padding was not written */
        for (int k = OW * 3; k < OSTRIDE; k++)
            CHECK_INT_EQ(out[v * OSTRIDE + k], 0xA5);
    return 0;
}

/* The crop keeps the image's pixel format: a gray and an RGBA image of the same pixels crop
 * to the same values as the RGB one. */
static int pixel_formats(void)
{
    enum { W = 64, H = 64 };
    uint8_t rgb[W * H * 3], rgba[W * H * 4], gray[W * H];
    for (int i = 0; i < W * H; i++) {
        const uint8_t g = (uint8_t)((i * 37) % 251);
        rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = g;
        rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = g, rgba[4 * i + 3] = 200;
        gray[i] = g;
    }
    mtcnn_face face = {.has_landmarks = 1};
    landmarks_from(1.9f, -0.4f, -10, -20, face.landmarks);
    uint8_t o3[32 * 32 * 3], o4[32 * 32 * 4], o1[32 * 32];
    mtcnn_image v3 = {rgb, W, H, W * 3, MTCNN_PIXEL_RGB24};
    mtcnn_image v4 = {rgba, W, H, W * 4, MTCNN_PIXEL_BGRA32};
    mtcnn_image v1 = {gray, W, H, W, MTCNN_PIXEL_GRAY8};
    CHECK_INT_EQ(mtcnn_align_face(&v3, &face, MTCNN_ALIGN_112X112, 32, 32, o3, 32 * 3), 0);
    CHECK_INT_EQ(mtcnn_align_face(&v4, &face, MTCNN_ALIGN_112X112, 32, 32, o4, 32 * 4), 0);
    CHECK_INT_EQ(mtcnn_align_face(&v1, &face, MTCNN_ALIGN_112X112, 32, 32, o1, 32), 0);
    int nonzero = 0;
    for (int i = 0; i < 32 * 32; i++) {
        CHECK_INT_EQ(o3[3 * i], o1[i]);
        CHECK_INT_EQ(o4[4 * i + 1], o1[i]);
        nonzero += o1[i] != 0;
    }
    CHECK(nonzero > 100);
    return 0;
}

static int bad_arguments(void)
{
    uint8_t img[16 * 16 * 3] = {0}, out[8 * 8 * 3];
    mtcnn_image view = {img, 16, 16, 48, MTCNN_PIXEL_RGB24};
    mtcnn_face face = {.has_landmarks = 1};
    landmarks_from(0.1f, 0, 0, 0, face.landmarks);
    float m[6];
    CHECK_INT_EQ(mtcnn_align_face(&view, &face, MTCNN_ALIGN_112X112, 8, 8, out, 24), 0);
    CHECK_INT_EQ(mtcnn_align_face(NULL, &face, MTCNN_ALIGN_112X112, 8, 8, out, 24), MTCNN_EINVAL);
    CHECK_INT_EQ(mtcnn_align_face(&view, &face, (mtcnn_align_template)7, 8, 8, out, 24),
                 MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "unknown template 7");
    CHECK_INT_EQ(mtcnn_align_face(&view, &face, MTCNN_ALIGN_112X112, 0, 8, out, 24), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "crop size 0x8");
    CHECK_INT_EQ(mtcnn_align_face(&view, &face, MTCNN_ALIGN_112X112, 8, 8, out, 23), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "output stride 23");
    view.stride = 47;
    CHECK_INT_EQ(mtcnn_align_face(&view, &face, MTCNN_ALIGN_112X112, 8, 8, out, 24), MTCNN_EINVAL);
    view.stride = 48;
    view.format = (mtcnn_pixel_format)9;
    CHECK_INT_EQ(mtcnn_align_face(&view, &face, MTCNN_ALIGN_112X112, 8, 8, out, 24), MTCNN_EINVAL);
    view.format = MTCNN_PIXEL_RGB24;
    face.has_landmarks = 0;
    CHECK_INT_EQ(mtcnn_align_face(&view, &face, MTCNN_ALIGN_112X112, 8, 8, out, 24), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "no landmarks");
    float same[5][2] = {{3, 3}, {3, 3}, {3, 3}, {3, 3}, {3, 3}};
    CHECK_INT_EQ(mtcnn_align_transform(same, MTCNN_ALIGN_112X112, 112, 112, m), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "coincide");
    same[2][1] = NAN;
    CHECK_INT_EQ(mtcnn_align_transform(same, MTCNN_ALIGN_112X112, 112, 112, m), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "landmark 2");
    return 0;
}

/* Detects the faces of a real photo, crops each to the template and runs the detector again
 * on the crop. The crop is right when the detector finds the five landmarks where the
 * transform put them: each within 3.5 px, 2 px on average (the detector itself moves a point
 * by 1-3 px between two framings of the same face). The eyes, what a recogniser aligns on,
 * land within 3.5 px of the template's eyes. Mouth and nose are only reported: a similarity
 * cannot change a face's shape, and on these photos its best fit leaves them up to 6.6 px
 * from the average face's template (eileen-collins). Returns the faces checked, or -1. */
static int check_photo(mtcnn_detector *det, const char *path, mtcnn_align_template tmpl,
                       int ow, int oh)
{
    mtcam_frame f = {0};
    if (capture_image_load(path, &f) != 0) {
        fprintf(stderr, "%s: %s\n", path, mtcnn_last_error());
        return -1;
    }
    mtcnn_image view = {f.data, f.width, f.height, f.stride, MTCNN_PIXEL_RGB24};
    const mtcnn_face *faces;
    int n, checked = 0, bad = 0;
    mtcnn_face copy[16];
    if (mtcnn_detect(det, &view, &faces, &n) != 0) {
        fprintf(stderr, "%s: %s\n", path, mtcnn_last_error());
        mtcam_frame_free(&f);
        return -1;
    }
    n = n < 16 ? n : 16;
    memcpy(copy, faces, (size_t)n * sizeof *copy); /* the next detect reuses *faces */
    float tpl[5][2], scale[6];
    mtcnn_align_transform(arcface, tmpl, ow, oh, scale); /* the template scaled to the crop */
    for (int p = 0; p < 5; p++)
        apply(scale, arcface[p][0], arcface[p][1], &tpl[p][0], &tpl[p][1]);
    uint8_t *crop = malloc((size_t)ow * oh * 3);
    for (int i = 0; crop && i < n && !bad; i++) {
        if (copy[i].box[2] - copy[i].box[0] < 40)
            continue; /* too small a face to say anything at 3 px in a 112 px crop */
        float m[6];
        if (mtcnn_align_face(&view, &copy[i], tmpl, ow, oh, crop, ow * 3) != 0 ||
            mtcnn_align_transform(copy[i].landmarks, tmpl, ow, oh, m) != 0) {
            fprintf(stderr, "%s face %d: %s\n", path, i, mtcnn_last_error());
            bad = 1;
            break;
        }
        mtcnn_image cv = {crop, ow, oh, ow * 3, MTCNN_PIXEL_RGB24};
        const mtcnn_face *again;
        int k;
        if (mtcnn_detect(det, &cv, &again, &k) != 0 || k < 1) {
            fprintf(stderr, "%s face %d: no face found in its crop\n", path, i);
            bad = 1;
            break;
        }
        double worst = 0, mean = 0, eyes = 0, shape = 0;
        for (int p = 0; p < 5; p++) {
            float u, v;
            apply(m, copy[i].landmarks[p][0], copy[i].landmarks[p][1], &u, &v);
            const float *q = again[0].landmarks[p];
            const double d = hypot(q[0] - u, q[1] - v);
            worst = fmax(worst, d), mean += d / 5;
            shape = fmax(shape, hypot(u - tpl[p][0], v - tpl[p][1]));
            if (p < 2)
                eyes = fmax(eyes, hypot(q[0] - tpl[p][0], q[1] - tpl[p][1]));
        }
        fprintf(stderr, "%s face %d (%.0f px wide), %dx%d crop: landmarks found again within "
                "%.2f px (mean %.2f) of where the transform put them; eyes within %.2f px of "
                "the template; the best similarity leaves a point %.2f px off it\n", path, i,
                copy[i].box[2] - copy[i].box[0], ow, oh, worst, mean, eyes, shape);
        if (worst > 3.5 || mean > 2 || eyes > 3.5) {
            bad = 1;
            break;
        }
        checked++;
    }
    free(crop);
    mtcam_frame_free(&f);
    return bad || !crop ? -1 : checked;
}

static int real_photos(void)
{
    mtcnn_model *model;
    if (mtcnn_model_load(MTCAM_SOURCE_MODEL, &model) != 0) {
        fprintf(stderr, "%s\n", mtcnn_last_error());
        return 1;
    }
    mtcnn_options opt;
    mtcnn_options_default(&opt);
    opt.mirror_landmarks = 1; /* steadier landmarks: the detector is the measuring tool */
    opt.precision = MTCNN_PRECISION_FP32; /* (INT8 moves a big face's points by up to 5 px) */
    mtcnn_detector *det;
    CHECK_INT_EQ(mtcnn_detector_create(model, &opt, &det), 0);
    static const char *const demo[] = {"grace-hopper.jpg", "eileen-collins.jpg"};
    static const char *const peer[] = {"ipazc_ivan.jpg", "kpzhang93_test1.jpg",
                                       "kpzhang93_test2.jpg"};
    int total = 0, rc = 0;
    char path[4096];
    for (size_t i = 0; i < 2 && rc == 0; i++) {
        snprintf(path, sizeof path, "%s/demo/%s", MTCAM_SOURCE_ASSETS, demo[i]);
        int k = check_photo(det, path, MTCNN_ALIGN_112X112, 112, 112);
        int k2 = check_photo(det, path, MTCNN_ALIGN_96X112, 96, 112);
        rc = (k < 1 || k2 < 1); /* each demo portrait has a large face */
        total += k + k2;
    }
    int peers = 0;
    for (size_t i = 0; i < 3 && rc == 0; i++) {
        snprintf(path, sizeof path, "data/peer-tests/%s", peer[i]);
        const char *p = check_shared_path(path);
        if (!p)
            break;
        int k = check_photo(det, p, MTCNN_ALIGN_112X112, 112, 112);
        rc = k < 0;
        total += k, peers++;
    }
    if (!peers && rc == 0)
        fprintf(stderr, "note: ../shared/data/peer-tests not found: the demo portraits only\n");
    mtcnn_detector_destroy(det);
    mtcnn_model_free(model);
    CHECK_MSG(rc == 0, "see above");
    fprintf(stderr, "%d faces checked\n", total);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"transform_identity", transform_identity},
        {"transform_recovers_similarity", transform_recovers_similarity},
        {"transform_least_squares", transform_least_squares},
        {"transform_templates_and_sizes", transform_templates_and_sizes},
        {"sample_linear_image", sample_linear_image},
        {"pixel_formats", pixel_formats},
        {"bad_arguments", bad_arguments},
        {"real_photos", real_photos},
        {NULL, NULL}};
    return check_main(argc, argv, cases);
}
