/* one-euro.c - the One Euro filter (see one-euro.h), as in section 3 of the paper. */
#include "one-euro.h"

#include <math.h>

#define ONE_EURO_PI 3.14159265358979323846

void mtcnn__one_euro_reset(mtcnn__one_euro *f)
{
    f->x = f->dx = 0;
    f->primed = 0;
}

double mtcnn__one_euro_alpha(double hz, double dt)
{
    const double tau = 1.0 / (2.0 * ONE_EURO_PI * hz);
    return 1.0 / (1.0 + tau / dt);
}

double mtcnn__one_euro_step(mtcnn__one_euro *f, const mtcnn__one_euro_params *p, double x,
                            double dt)
{
    if (!f->primed) {
        f->x = x;
        f->dx = 0;
        f->primed = 1;
        return x;
    }
    /* The speed is estimated from the raw sample against the last filtered value and
     * low-passed at d_cutoff; its size sets this step's cutoff. */
    const double a_d = mtcnn__one_euro_alpha(p->d_cutoff, dt);
    f->dx += a_d * ((x - f->x) / dt - f->dx);
    const double cutoff = p->min_cutoff + p->beta * fabs(f->dx);
    const double from = p->predict ? f->x + f->dx * dt : f->x;
    f->x = from + mtcnn__one_euro_alpha(cutoff, dt) * (x - from);
    return f->x;
}
