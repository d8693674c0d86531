/* peer-frame.c - see peer-frame.h. */
#include "peer-frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "image-file.h"
#include "kernels.h"
#include "mtcnn.h"
#include "resample.h"

int peer_frame_load(const char *path, int width, int height, peer_frame *out, char *err,
                    int err_size)
{
    *out = (peer_frame){0};
    mtcam_frame img = {0};
    if (capture_image_load(path, &img) != 0) {
        snprintf(err, (size_t)err_size, "%s", mtcnn_last_error());
        return -1;
    }
    const int w = width ? width : img.width, h = height ? height : img.height;
    uint8_t *rgb = malloc((size_t)w * (size_t)h * 3);
    if (!rgb) {
        snprintf(err, (size_t)err_size, "out of memory for a %dx%d frame", w, h);
        mtcam_frame_free(&img);
        return -1;
    }
    /* The same call as mtcam-bench's make_frame (the table only picks the speed). */
    const mtcnn__src src = {.data = img.data, .width = img.width, .height = img.height,
                            .stride = img.stride, .bpp = 3, .off = {0, 1, 2}};
    mtcnn__buf tmp = {0};
    const int rc = mtcnn__resize_rgb24(mtk_get_table(), &src, w, h, rgb, (ptrdiff_t)w * 3, &tmp);
    mtcnn__buf_free(&tmp);
    mtcam_frame_free(&img);
    if (rc) {
        snprintf(err, (size_t)err_size, "resizing %s: %s", path, mtcnn_strerror(rc));
        free(rgb);
        return -1;
    }
    *out = (peer_frame){.rgb = rgb, .width = w, .height = h};
    return 0;
}

void peer_frame_free(peer_frame *f)
{
    free(f->rgb);
    *f = (peer_frame){0};
}
