#include "nms.h"

#include <math.h>
#include <stdlib.h>

/* Sorting context: qsort has none, so the scores travel with the indices. */
typedef struct scored {
    float score;
    int index;
} scored;

static int by_score_desc(const void *pa, const void *pb)
{
    const scored *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    return a->index - b->index; /* deterministic order among equal scores */
}

size_t mtcnn__nms_scratch_bytes(int n) { return (size_t)n * (sizeof(scored) + 1); }

int mtcnn__nms(const mtcnn__box *b, int n, double threshold, int use_min, int *keep,
               void *scratch)
{
    if (n <= 0)
        return 0;
    scored *s = scratch;
    uint8_t *dead = (uint8_t *)(s + n);
    for (int i = 0; i < n; i++) {
        s[i].score = b[i].score;
        s[i].index = i;
        dead[i] = 0;
    }
    qsort(s, (size_t)n, sizeof *s, by_score_desc);
    int kept = 0;
    for (int a = 0; a < n; a++) {
        if (dead[a])
            continue;
        const mtcnn__box *p = &b[s[a].index];
        keep[kept++] = s[a].index;
        const double area_p = (p->x2 - p->x1 + 1) * (p->y2 - p->y1 + 1);
        for (int c = a + 1; c < n; c++) {
            if (dead[c])
                continue;
            const mtcnn__box *q = &b[s[c].index];
            const double area_q = (q->x2 - q->x1 + 1) * (q->y2 - q->y1 + 1);
            const double iw = fmax(0.0, fmin(p->x2, q->x2) - fmax(p->x1, q->x1) + 1);
            const double ih = fmax(0.0, fmin(p->y2, q->y2) - fmax(p->y1, q->y1) + 1);
            const double inter = iw * ih;
            const double o = use_min ? inter / fmin(area_p, area_q)
                                     : inter / (area_p + area_q - inter);
            if (o > threshold)
                dead[c] = 1;
        }
    }
    return kept;
}

void mtcnn__bbreg(mtcnn__box *b, int plus_one)
{
    const double w = b->x2 - b->x1 + (plus_one ? 1 : 0);
    const double h = b->y2 - b->y1 + (plus_one ? 1 : 0);
    b->x1 += b->reg[0] * w;
    b->y1 += b->reg[1] * h;
    b->x2 += b->reg[2] * w;
    b->y2 += b->reg[3] * h;
}

void mtcnn__rerec(mtcnn__box *b)
{
    const double w = b->x2 - b->x1, h = b->y2 - b->y1;
    const double l = w > h ? w : h;
    b->x1 = b->x1 + w * 0.5 - l * 0.5;
    b->y1 = b->y1 + h * 0.5 - l * 0.5;
    b->x2 = b->x1 + l;
    b->y2 = b->y1 + l;
}

void mtcnn__fix(mtcnn__box *b)
{
    b->x1 = trunc(b->x1);
    b->y1 = trunc(b->y1);
    b->x2 = trunc(b->x2);
    b->y2 = trunc(b->y2);
}
