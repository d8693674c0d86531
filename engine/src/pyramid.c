#include <math.h>

#include "detector.h"

int mtcnn__pyramid_scales(int width, int height, double min_face, double factor,
                          double *scales)
{
    /* Scale 0 maps a min_face face to P-Net's 12 px window; each further level shrinks by
     * `factor` while the short side stays >= 12 px. The powers are computed as the original
     * does (m * factor^k, not a running product) so that level sizes agree exactly. */
    const double m = 12.0 / min_face;
    double side = (width < height ? width : height) * m;
    int n = 0;
    while (side >= 12.0 && n < MTCNN__MAX_SCALES) {
        scales[n] = m * pow(factor, n);
        n++;
        side *= factor;
    }
    return n;
}
