/* align-face.c - aligned face crops: the least-squares similarity transform from a face's five
 * landmarks onto a recogniser's five-point template, and bilinear sampling through it. */
#include <math.h>
#include <stddef.h>

#include "err.h"
#include "mtcnn.h"

/* The five-point templates recognisers were trained on (left eye, right eye, nose, left and
 * right mouth corner, in the template's pixels): ArcFace/InsightFace's 112x112 one, and the
 * 96x112 one of SphereFace/CosFace it was derived from (the same points, 8 px to the left). */
static const double arcface_112[5][2] = {{38.2946, 51.6963}, {73.5318, 51.5014},
                                         {56.0252, 71.7366}, {41.5493, 92.3655},
                                         {70.7299, 92.2041}};
#define ALIGN_96_SHIFT 8.0
#define ALIGN_MAX_SIDE 8192

/* The template's points scaled to an out_w x out_h crop. */
static int template_points(mtcnn_align_template tmpl, int out_w, int out_h, double pts[5][2])
{
    double base_w, shift;
    switch (tmpl) {
    case MTCNN_ALIGN_112X112: base_w = 112, shift = 0; break;
    case MTCNN_ALIGN_96X112: base_w = 96, shift = ALIGN_96_SHIFT; break;
    default:
        return mtcam_set_error(MTCNN_EINVAL, "align: unknown template %d", (int)tmpl);
    }
    if (out_w < 1 || out_h < 1 || out_w > ALIGN_MAX_SIDE || out_h > ALIGN_MAX_SIDE)
        return mtcam_set_error(MTCNN_EINVAL, "align: crop size %dx%d out of range (1..%d)",
                               out_w, out_h, ALIGN_MAX_SIDE);
    /* Pixel centres are the integer coordinates, so scaling is about the (0,0) centre of the
     * first pixel: sizes scale as out/base, exactly as when the template is resized. */
    for (int p = 0; p < 5; p++) {
        pts[p][0] = (arcface_112[p][0] - shift) * out_w / base_w;
        pts[p][1] = arcface_112[p][1] * out_h / 112.0;
    }
    return 0;
}

int mtcnn_align_transform(const float landmarks[5][2], mtcnn_align_template tmpl,
                          int out_width, int out_height, float m[6])
{
    if (!landmarks || !m)
        return mtcam_set_error(MTCNN_EINVAL, "align: NULL argument");
    double dst[5][2];
    int rc = template_points(tmpl, out_width, out_height, dst);
    if (rc)
        return rc;
    double sx = 0, sy = 0, dx = 0, dy = 0;
    for (int p = 0; p < 5; p++) {
        if (!isfinite(landmarks[p][0]) || !isfinite(landmarks[p][1]))
            return mtcam_set_error(MTCNN_EINVAL, "align: landmark %d is not a finite number",
                                   p);
        sx += landmarks[p][0], sy += landmarks[p][1];
        dx += dst[p][0], dy += dst[p][1];
    }
    sx /= 5, sy /= 5, dx /= 5, dy /= 5;
    /* Umeyama (1991) in 2-D: with centred points, the least-squares rotation+scale is
     * (a, b) = sum(p.q, p x q) / sum |p|^2; a proper rotation by construction, so no
     * reflection correction is needed. */
    double var = 0, a = 0, b = 0;
    for (int p = 0; p < 5; p++) {
        const double px = landmarks[p][0] - sx, py = landmarks[p][1] - sy;
        const double qx = dst[p][0] - dx, qy = dst[p][1] - dy;
        var += px * px + py * py;
        a += px * qx + py * qy;
        b += px * qy - py * qx;
    }
    if (!(var > 1e-6))
        return mtcam_set_error(MTCNN_EINVAL, "align: the five landmarks coincide");
    a /= var, b /= var;
    m[0] = (float)a, m[1] = (float)-b, m[2] = (float)(dx - (a * sx - b * sy));
    m[3] = (float)b, m[4] = (float)a, m[5] = (float)(dy - (b * sx + a * sy));
    return 0;
}

static int format_bpp(mtcnn_pixel_format f)
{
    switch (f) {
    case MTCNN_PIXEL_RGB24:
    case MTCNN_PIXEL_BGR24: return 3;
    case MTCNN_PIXEL_RGBA32:
    case MTCNN_PIXEL_BGRA32: return 4;
    case MTCNN_PIXEL_GRAY8: return 1;
    }
    return 0;
}

int mtcnn_align_face(const mtcnn_image *img, const mtcnn_face *face, mtcnn_align_template tmpl,
                     int out_width, int out_height, uint8_t *out, ptrdiff_t out_stride)
{
    if (!img || !img->data || !face || !out)
        return mtcam_set_error(MTCNN_EINVAL, "align: NULL argument");
    const int bpp = format_bpp(img->format);
    if (!bpp)
        return mtcam_set_error(MTCNN_EINVAL, "align: unknown pixel format %d",
                               (int)img->format);
    if (img->width < 1 || img->height < 1 || img->width > 32768 || img->height > 32768)
        return mtcam_set_error(MTCNN_EINVAL, "align: image size %dx%d out of range",
                               img->width, img->height);
    if (img->stride < (ptrdiff_t)img->width * bpp)
        return mtcam_set_error(MTCNN_EINVAL, "align: stride %td smaller than a row (%d bytes)",
                               img->stride, img->width * bpp);
    if (!face->has_landmarks)
        return mtcam_set_error(MTCNN_EINVAL, "align: the face has no landmarks (run O-Net: "
                                             "stages 3)");
    float m[6];
    int rc = mtcnn_align_transform(face->landmarks, tmpl, out_width, out_height, m);
    if (rc)
        return rc;
    if (out_stride < (ptrdiff_t)out_width * bpp)
        return mtcam_set_error(MTCNN_EINVAL, "align: output stride %td smaller than a row (%d "
                                             "bytes)", out_stride, out_width * bpp);
    /* Each crop pixel (u, v) samples the image at the inverse transform of (u, v). */
    const double a = m[0], b = m[3], det = a * a + b * b;
    const double ia = a / det, ib = b / det;
    for (int v = 0; v < out_height; v++) {
        uint8_t *row = out + (ptrdiff_t)v * out_stride;
        for (int u = 0; u < out_width; u++) {
            const double du = u - m[2], dv = v - m[5];
            const double x = ia * du + ib * dv, y = -ib * du + ia * dv;
            const double fx0 = floor(x), fy0 = floor(y);
            const double fx = x - fx0, fy = y - fy0;
            /* Far outside: black, and no int overflow from the conversion below. */
            uint8_t *px = row + (ptrdiff_t)u * bpp;
            if (!(fx0 >= -1 && fy0 >= -1 && fx0 < img->width && fy0 < img->height)) {
                for (int c = 0; c < bpp; c++)
                    px[c] = 0;
                continue;
            }
            const int x0 = (int)fx0, y0 = (int)fy0;
            const double w[4] = {(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy};
            double acc[4] = {0, 0, 0, 0};
            /* Neighbours outside the image count as black, so the crop fades to the border
             * value the way cv2.warpAffine's constant border does. */
            for (int k = 0; k < 4; k++) {
                const int xs = x0 + (k & 1), ys = y0 + (k >> 1);
                if (xs < 0 || ys < 0 || xs >= img->width || ys >= img->height)
                    continue;
                const uint8_t *s = img->data + (ptrdiff_t)ys * img->stride + (ptrdiff_t)xs * bpp;
                for (int c = 0; c < bpp; c++)
                    acc[c] += w[k] * s[c];
            }
            for (int c = 0; c < bpp; c++) {
                const double val = acc[c] + 0.5;
                px[c] = (uint8_t)(val >= 255 ? 255 : val);
            }
        }
    }
    return 0;
}
