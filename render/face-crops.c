/* face-crops.c - each face's ArcFace-aligned 112x112 crop, written as a PNG. */
#include "face-crops.h"

#include <stdio.h>

#include "err.h"
#include "image-write.h"

int render_write_face_crops(const char *prefix, const mtcam_frame *frame,
                            const mtcnn_face *faces, int n, int *written)
{
    *written = 0;
    mtcam_frame crop = {0};
    int rc = mtcam_frame_alloc(&crop, RENDER_FACE_CROP_SIDE, RENDER_FACE_CROP_SIDE);
    if (rc)
        return rc;
    const mtcnn_image img = {frame->data, frame->width, frame->height, frame->stride,
                             MTCNN_PIXEL_RGB24};
    for (int i = 0; i < n && rc == 0; i++) {
        if (!faces[i].has_landmarks)
            continue; /* fewer stages than O-Net: nothing to align on */
        char path[4096];
        if (snprintf(path, sizeof path, "%s-face%d.png", prefix, i) >= (int)sizeof path) {
            rc = mtcam_set_error(MTCNN_EINVAL, "%s: path too long", prefix);
            break;
        }
        rc = mtcnn_align_face(&img, &faces[i], MTCNN_ALIGN_112X112, crop.width, crop.height,
                              crop.data, crop.stride);
        if (rc)
            rc = mtcam_set_error(rc, "%s: %s", path, mtcnn_last_error());
        else if ((rc = render_image_write_png(path, &crop)) == 0)
            ++*written;
    }
    mtcam_frame_free(&crop);
    return rc;
}
