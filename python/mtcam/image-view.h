/* image-view.h - the check that turns a buffer-protocol view (numpy array, bytes, memoryview)
 * into an mtcnn_image, kept free of Python so a libFuzzer target can call it
 * (tests/fuzz/fuzz-pyarray.c). _mtcam.c fills the description from a Py_buffer. */
#pragma once

#include <stddef.h>

#include <mtcnn.h>

typedef struct mtcam_view_desc {
    void *buf;
    int ndim;
    const ptrdiff_t *shape;   /* ndim entries (NULL when ndim is 0) */
    const ptrdiff_t *strides; /* ndim entries, in bytes */
    ptrdiff_t itemsize;
    const char *format;       /* struct-module format; NULL means "B" */
} mtcam_view_desc;

/* An HxWx3 uint8 view whose pixels are contiguous within a row (rows may be padded, as in a
 * numpy slice of rows or of column ranges) becomes `img`; 0 then. Otherwise -1 with a
 * one-line reason in `msg`. Only bytes the view addresses are ever addressed by `img`. */
int mtcam_view_to_image(const mtcam_view_desc *v, int bgr, mtcnn_image *img, char *msg,
                        size_t msg_size);
