#include "detector.h"

int mtcnn__crop_into(const mtk_table *hwc, mtcnn__buf *scratch, const mtcnn__src *src,
                     const mtcnn__box *b, int side, float *in)
{
    const int x1 = (int)b->x1, y1 = (int)b->y1, x2 = (int)b->x2, y2 = (int)b->y2;
    const int tw = x2 - x1 + 1, th = y2 - y1 + 1;
    if (tw <= 0 || th <= 0) {
        /* A degenerate box is an all-black patch. */
        for (int i = 0; i < 3 * side * side; i++)
            in[i] = -127.5f * 0.0078125f;
        return 0;
    }
    /* The original copies the in-image part into a zero patch of the box's size, then
     * resizes the patch: the resampler reads black outside the image, which is the same. */
    if (hwc)
        return mtcnn__resample_normalise_hwc(hwc, src, x1 - 1, y1 - 1, tw, th, side, side, 0,
                                             side, in, scratch);
    return mtcnn__resample_normalise(src, x1 - 1, y1 - 1, tw, th, side, side, in, scratch);
}

int mtcnn__crop(mtcnn_detector *d, const mtcnn__src *src, const mtcnn__box *b, int side,
                float *in)
{
    return mtcnn__crop_into(NULL, &d->resample, src, b, side, in);
}
