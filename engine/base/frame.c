#include "frame.h"

#include <string.h>

#include "align.h"
#include "err.h"

int mtcam_frame_alloc(mtcam_frame *f, int width, int height)
{
    memset(f, 0, sizeof *f);
    if (width <= 0 || height <= 0 || width > 32768 || height > 32768)
        return mtcam_set_error(MTCNN_EINVAL, "frame: invalid size %dx%d", width, height);
    ptrdiff_t stride = ((ptrdiff_t)width * 3 + 63) & ~(ptrdiff_t)63;
    f->data = mtcam_alloc_aligned((size_t)stride * (size_t)height);
    if (!f->data)
        return mtcam_set_error(MTCNN_ENOMEM, "frame: out of memory for %dx%d", width, height);
    f->width = width;
    f->height = height;
    f->stride = stride;
    return 0;
}

void mtcam_frame_free(mtcam_frame *f)
{
    if (!f)
        return;
    mtcam_free_aligned(f->data);
    memset(f, 0, sizeof *f);
}

int mtcam_frame_copy(mtcam_frame *dst, const mtcam_frame *src)
{
    if (!dst->data || dst->width != src->width || dst->height != src->height) {
        mtcam_frame_free(dst);
        int rc = mtcam_frame_alloc(dst, src->width, src->height);
        if (rc)
            return rc;
    }
    for (int y = 0; y < src->height; y++)
        memcpy(dst->data + y * dst->stride, src->data + y * src->stride, (size_t)src->width * 3);
    dst->timestamp_ns = src->timestamp_ns;
    dst->seq = src->seq;
    return 0;
}
