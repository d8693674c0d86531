/* eval-test-det.h - the detection the eval tests build by hand: a box and a score. */
#pragma once

#include <string.h>

#include "eval-match.h"

static inline eval_det eval_test_det(float x0, float y0, float x1, float y1, float score)
{
    eval_det d;
    memset(&d, 0, sizeof d);
    d.box[0] = x0;
    d.box[1] = y0;
    d.box[2] = x1;
    d.box[3] = y1;
    d.score = score;
    return d;
}
