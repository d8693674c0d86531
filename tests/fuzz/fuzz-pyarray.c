/* fuzz-pyarray.c - libFuzzer target for the Python binding's check of an image array
 * (python/mtcam/image-view.c: a buffer-protocol view's shape, strides, item size and format
 * into an mtcnn_image), without Python. The input is the view's description: ndim, then
 * shape and strides as signed 64-bit numbers, the item size, the format string. Any
 * description goes in (the check must be free of UB on every value); for one that a real
 * exporter could give (the elements it addresses fit in 1 MiB), the memory is allocated and
 * an accepted image must address only those bytes: every byte is read (ASan) and the span is
 * checked. Accepted images then go through mtcnn_align_face, as mtcam.Detector.align does. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image-view.h"
#include "mtcnn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct reader {
    const uint8_t *p;
    size_t n;
} reader;

static int64_t take64(reader *r)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v = v << 8 | (r->n ? *r->p : 0);
        if (r->n) {
            r->p++;
            r->n--;
        }
    }
    /* Small values are far more interesting than random 64-bit ones: the first byte's top
     * bit says which, so the fuzzer reaches plausible shapes quickly. */
    return (v >> 63) ? (int64_t)v : (int64_t)(int8_t)(v & 0xff) * (int64_t)((v >> 8) & 0x7fff);
}

/* The lowest and highest byte offsets the view's elements touch, or -1 when the view is
 * larger than `limit` bytes (or overflows: no exporter can give it). */
static int view_span(int ndim, const ptrdiff_t *shape, const ptrdiff_t *strides,
                     ptrdiff_t itemsize, ptrdiff_t limit, ptrdiff_t *lo, ptrdiff_t *hi)
{
    if (itemsize < 1 || itemsize > limit)
        return -1;
    *lo = 0;
    *hi = itemsize - 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0)
            return -1;
        if (shape[i] == 0) { /* an empty array addresses nothing */
            *hi = -1;
            return 0;
        }
        if (shape[i] > limit)
            return -1;
        if (shape[i] == 1) /* the stride of a dimension of one is never used */
            continue;
        if (strides[i] > limit || strides[i] < -limit)
            return -1;
        ptrdiff_t reach = (shape[i] - 1) * strides[i];
        if (reach >= 0)
            *hi += reach;
        else
            *lo += reach;
        if (*hi - *lo >= limit)
            return -1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader r = {data, size};
    ptrdiff_t shape[8], strides[8];
    int ndim = r.n ? (r.p[0] & 0x7f) % 6 : 0, bgr = r.n ? r.p[0] >> 7 : 0;
    if (r.n) {
        r.p++;
        r.n--;
    }
    for (int i = 0; i < ndim; i++) {
        shape[i] = (ptrdiff_t)take64(&r);
        strides[i] = (ptrdiff_t)take64(&r);
    }
    ptrdiff_t itemsize = (ptrdiff_t)take64(&r);
    char format[8] = "";
    size_t flen = r.n < sizeof format - 1 ? r.n : sizeof format - 1;
    memcpy(format, r.p, flen);

    const ptrdiff_t limit = 1 << 20;
    ptrdiff_t lo = 0, hi = -1;
    int plausible = view_span(ndim, shape, strides, itemsize, limit, &lo, &hi) == 0;
    uint8_t *mem = NULL;
    mtcam_view_desc v = {.ndim = ndim, .shape = ndim ? shape : NULL,
                         .strides = ndim ? strides : NULL, .itemsize = itemsize,
                         .format = (flen && format[0] != 'N') ? format : NULL};
    if (plausible && hi >= lo) {
        mem = malloc((size_t)(hi - lo + 1));
        if (!mem)
            return 0;
        memset(mem, 0x80, (size_t)(hi - lo + 1));
        v.buf = mem - lo;
    } else {
        static uint8_t dummy; /* an address to hand over; an accepted image must not use it */
        v.buf = &dummy;
    }
    mtcnn_image img;
    char msg[160] = "";
    if (mtcam_view_to_image(&v, bgr, &img, msg, sizeof msg) != 0) {
        if (!msg[0])
            abort(); /* a refusal says why */
        free(mem);
        return 0;
    }
    if (!plausible) { /* larger than this harness allocates: nothing to check against */
        free(mem);
        return 0;
    }
    if (hi < lo)
        abort(); /* an empty view has no pixels to give */
    ptrdiff_t first = (const uint8_t *)img.data - (const uint8_t *)v.buf;
    ptrdiff_t last = first + (ptrdiff_t)(img.height - 1) * img.stride + 3 * img.width - 1;
    if (img.width < 1 || img.height < 1 || first < lo || last > hi)
        abort();
    volatile unsigned sink = 0;
    for (int y = 0; y < img.height; y++)
        for (int x = 0; x < 3 * img.width; x++)
            sink += img.data[(ptrdiff_t)y * img.stride + x];
    (void)sink;
    mtcnn_face face = {.has_landmarks = 1};
    for (int k = 0; k < 5; k++) {
        face.landmarks[k][0] = (float)img.width * (0.3f + 0.1f * (float)k);
        face.landmarks[k][1] = (float)img.height * (0.4f + 0.05f * (float)k);
    }
    uint8_t crop[24 * 24 * 3];
    (void)mtcnn_align_face(&img, &face, MTCNN_ALIGN_112X112, 24, 24, crop, 24 * 3);
    free(mem);
    return 0;
}
