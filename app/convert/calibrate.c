/* calibrate.c - INT8 calibration on the Caltech training images (calibrate.h). */
#include "calibrate.h"

#include "calibrate-engine.h"
#include "err.h"
#include "image-file.h"
#include "train-data.h"

int calibrate_caltech(const mtcnn_model *m, const char *data_root, uint64_t split_seed,
                      int n_images, FILE *log, float act_scale[MTCNN__N_ACT])
{
    if (n_images < 1)
        return mtcam_set_error(MTCNN_EINVAL, "calibration: %d images asked, need at least 1",
                               n_images);
    train_list list = {0};
    int rc = train_load_caltech(data_root, split_seed, 0, &list);
    if (rc)
        return rc;
    if (list.n == 0) {
        train_list_free(&list);
        return mtcam_set_error(MTCNN_ENOTFOUND, "%s/caltech-webfaces: no training images",
                               data_root);
    }
    mtcnn__calib *c;
    if ((rc = mtcnn__calib_begin(m, CALIBRATE_MIN_FACE, &c))) {
        train_list_free(&list);
        return rc;
    }
    /* Evenly spread picks: image floor(i * n / n_images), i = 0 .. n_images - 1. */
    const size_t want = (size_t)n_images < list.n ? (size_t)n_images : list.n;
    for (size_t i = 0; i < want && !rc; i++) {
        const train_image *ti = &list.img[i * list.n / want];
        mtcam_frame f = {0};
        if ((rc = capture_image_load(ti->path, &f)))
            break;
        const mtcnn_image img = {f.data, f.width, f.height, f.stride, MTCNN_PIXEL_RGB24};
        rc = mtcnn__calib_add(c, &img);
        mtcam_frame_free(&f);
        if (log && (i + 1) % 100 == 0)
            fprintf(log, "calibration: %zu of %zu images\n", i + 1, want);
    }
    if (!rc)
        rc = mtcnn__calib_scales(c, act_scale);
    if (!rc && log) {
        fprintf(log, "calibration: %d training images, activation scales:", mtcnn__calib_count(c));
        for (int i = 0; i < MTCNN__N_ACT; i++)
            fprintf(log, " %s %.4g", mtcnn__act_names[i], (double)act_scale[i]);
        fprintf(log, "\n");
    }
    mtcnn__calib_free(c);
    train_list_free(&list);
    return rc;
}

int calibrate_model_file(const char *in, const char *data_root, uint64_t split_seed, int n_images,
                         const char *out, FILE *log)
{
    mtcnn_model *m;
    int rc = mtcnn_model_load(in, &m);
    if (rc)
        return rc;
    float scale[MTCNN__N_ACT];
    rc = calibrate_caltech(m, data_root, split_seed, n_images, log, scale);
    if (!rc)
        rc = mtcnn__model_write_file_calib(out, m->t, scale);
    mtcnn_model_free(m);
    return rc;
}
