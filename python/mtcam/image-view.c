/* image-view.c - see image-view.h. */
#include "image-view.h"

#include <stdio.h>
#include <string.h>

#define MTCAM_VIEW_MAX_SIDE 32768

static int fail(char *msg, size_t size, const char *text)
{
    snprintf(msg, size, "%s", text);
    return -1;
}

int mtcam_view_to_image(const mtcam_view_desc *v, int bgr, mtcnn_image *img, char *msg,
                        size_t msg_size)
{
    const char *fmt = v->format ? v->format : "B";
    if (v->ndim != 3 || !v->shape || !v->strides || v->shape[2] != 3 || v->itemsize != 1 ||
        (strcmp(fmt, "B") != 0 && strcmp(fmt, "=B") != 0 && strcmp(fmt, "<B") != 0))
        return fail(msg, msg_size, "image must be an HxWx3 array of uint8");
    ptrdiff_t h = v->shape[0], w = v->shape[1];
    /* The size first: 3 * w below must not overflow (fuzz-pyarray found a width near
     * 2^63 / 3 passing straight into the multiplication; tests/fuzz/regressions/pyarray/). */
    if (h < 1 || w < 1 || h > MTCAM_VIEW_MAX_SIDE || w > MTCAM_VIEW_MAX_SIDE) {
        snprintf(msg, msg_size, "image size %tdx%td out of range (1..%d)", w, h,
                 MTCAM_VIEW_MAX_SIDE);
        return -1;
    }
    if (v->strides[2] != 1 || v->strides[1] != 3 || v->strides[0] < 3 * w)
        return fail(msg, msg_size, "image pixels must be contiguous in each row "
                                   "(use numpy.ascontiguousarray)");
    *img = (mtcnn_image){.data = v->buf,
                         .width = (int)w,
                         .height = (int)h,
                         .stride = v->strides[0],
                         .format = bgr ? MTCNN_PIXEL_BGR24 : MTCNN_PIXEL_RGB24};
    return 0;
}
