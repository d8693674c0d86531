/* landmarks.c - placing O-Net's landmarks in the image, and the mirrored second pass. */
#include <string.h>

#include "detector.h"
#include "err.h"
#include "model.h"
#include "net.h"

void mtcnn__landmarks_place(mtcnn__box *b)
{
    /* Spec 6.3: from the integer box O-Net saw, width with +1; the -1 makes them 0-based. */
    const double bw = b->cx2 - b->cx1 + 1, bh = b->cy2 - b->cy1 + 1;
    for (int p = 0; p < 5; p++) {
        b->lm[p] = (float)(bw * b->lm[p] + b->cx1 - 1);
        b->lm[5 + p] = (float)(bh * b->lm[5 + p] + b->cy1 - 1);
    }
}

int mtcnn__landmarks_mirror(mtcnn_detector *d, const mtcnn__src *src, mtcnn__box *b, int n)
{
    float *scratch = mtcnn__buf_reserve(
        &d->net, (MTCNN__ONET_SCRATCH_FLOATS + 2 * 3 * 48 * 48) * sizeof(float));
    if (!scratch)
        return mtcam_set_error(MTCNN_ENOMEM, "detect: out of memory");
    float *in = scratch + MTCNN__ONET_SCRATCH_FLOATS, *flipped = in + 3 * 48 * 48;
    for (int i = 0; i < n; i++) {
        mtcnn__box crop_box = b[i];
        crop_box.x1 = b[i].cx1, crop_box.y1 = b[i].cy1;
        crop_box.x2 = b[i].cx2, crop_box.y2 = b[i].cy2;
        int rc = mtcnn__crop(d, src, &crop_box, 48, in);
        if (rc)
            return rc;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 48; y++)
                for (int x = 0; x < 48; x++)
                    flipped[(c * 48 + y) * 48 + x] = in[(c * 48 + y) * 48 + 47 - x];
        float out[15];
        mtcnn__onet_forward(d->model, d->k, flipped, scratch, out);
        const float *m = out + 5;
        /* In the mirror the left eye is the right one: swap the pairs and mirror x. */
        const float mirrored[10] = {1 - m[1], 1 - m[0], 1 - m[2], 1 - m[4], 1 - m[3],
                                    m[6],     m[5],     m[7],     m[9],     m[8]};
        for (int k = 0; k < 10; k++)
            b[i].lm[k] = 0.5f * (b[i].lm[k] + mirrored[k]);
        d->stats.onet_macs += MTCNN__ONET_MACS;
    }
    return 0;
}
