/* calibrate.c - activation maxima of the FP32 cascade over calibration images (calibrate-engine.h).
 */
#include "calibrate-engine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "err.h"
#include "net.h"

const char *const mtcnn__act_names[MTCNN__N_ACT] = {
    "pnet.conv1", "pnet.conv2", "pnet.conv3", "pnet.heads", "rnet.conv1",
    "rnet.conv2", "rnet.conv3", "rnet.fc4",   "rnet.heads", "onet.conv1",
    "onet.conv2", "onet.conv3", "onet.conv4", "onet.fc5",   "onet.heads"};

struct mtcnn__calib {
    mtcnn_detector *det;
    float max_abs[MTCNN__N_ACT];
    int n_images;
};

int mtcnn__calib_begin(const mtcnn_model *m, float min_face, mtcnn__calib **out)
{
    *out = NULL;
    mtcnn__calib *c = calloc(1, sizeof *c);
    if (!c)
        return mtcam_set_error(MTCNN_ENOMEM, "calibration: out of memory");
    mtcnn_options opt;
    mtcnn_options_default(&opt);
    opt.min_face = min_face;
    opt.precision = MTCNN_PRECISION_FP32;
    int rc = mtcnn_detector_create(m, &opt, &c->det);
    if (rc) {
        free(c);
        return rc;
    }
    /* The FP32 fast path (the portable scalar kernels when the CPU has no SIMD ones), so the
     * FP32 path's quantities are what is measured; see mtcnn__calib_scales for why the ISA
     * does not show in the result. */
    if (!mtcnn__net_hwc(c->det->k))
        c->det->k = mtk_portable_hwc_table();
    *out = c;
    return 0;
}

int mtcnn__calib_add(mtcnn__calib *c, const mtcnn_image *img)
{
    const mtcnn_face *faces;
    int n;
    mtcnn__calib_set_sink(c->max_abs);
    int rc = mtcnn_detect(c->det, img, &faces, &n);
    mtcnn__calib_set_sink(NULL);
    if (rc == 0)
        c->n_images++;
    return rc;
}

int mtcnn__calib_scales(const mtcnn__calib *c, float act_scale[MTCNN__N_ACT])
{
    for (int i = 0; i < MTCNN__N_ACT; i++) {
        if (!(c->max_abs[i] > 0.0f))
            return mtcam_set_error(MTCNN_EINVAL,
                                   "calibration: no value reached %s in %d images (too few "
                                   "images, or none with a face)",
                                   mtcnn__act_names[i], c->n_images);
        /* Rounded up to 8 significant bits: the SIMD kernels of different CPUs round a few
         * activations differently in the last bit, which would otherwise show in the file;
         * rounding up never clips what was seen. */
        const float s = c->max_abs[i] / 127.0f;
        int e;
        const float m = frexpf(s, &e); /* s = m * 2^e, m in [0.5, 1) */
        act_scale[i] = ldexpf(ceilf(m * 256.0f) / 256.0f, e);
    }
    return 0;
}

int mtcnn__calib_count(const mtcnn__calib *c)
{
    return c->n_images;
}

void mtcnn__calib_free(mtcnn__calib *c)
{
    if (!c)
        return;
    mtcnn_detector_destroy(c->det);
    free(c);
}
