/* augment.c - a stored sample turned into a net input, with flip and colour jitter. */
#include <math.h>
#include <string.h>

#include "samples.h"

void mtt_augment_random(mtt_augment *a, mtt_rng *rng)
{
    a->flip = mtt_rng_below(rng, 2);
    a->brightness = (float)mtt_rng_range(rng, -16, 16);
    a->contrast = (float)mtt_rng_range(rng, 0.8, 1.2);
    a->gray = mtt_rng_uniform(rng) < 0.1;
}

/* Landmark order under a mirror: left eye <-> right eye, nose stays, mouth corners swap. */
static const int mirror_point[5] = {1, 0, 2, 4, 3};

void mtt_sample_input(const mtt_sample_set *s, size_t i, const mtt_augment *a, float *in,
                      mtt_target *t)
{
    const int n = s->side;
    const uint8_t *pix = s->pix + i * (size_t)n * n * 3;
    const int flip = a && a->flip;
    const float bright = a ? a->brightness : 0.0f, contrast = a ? a->contrast : 1.0f;
    const int gray = a && a->gray;
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) {
            const uint8_t *p = pix + ((size_t)y * n + (flip ? n - 1 - x : x)) * 3;
            float v[3] = {p[0], p[1], p[2]};
            if (gray) {
                const float l = 0.299f * v[0] + 0.587f * v[1] + 0.114f * v[2];
                v[0] = v[1] = v[2] = l;
            }
            for (int c = 0; c < 3; c++) {
                float q = (v[c] - 127.5f) * contrast + 127.5f + bright;
                q = q < 0 ? 0 : q > 255 ? 255 : q;
                in[(size_t)c * n * n + (size_t)y * n + x] = (q - 127.5f) * 0.0078125f;
            }
        }
    memset(t, 0, sizeof *t);
    const int kind = s->kind[i];
    t->label = kind == MTT_NEG ? 0 : kind == MTT_POS ? 1 : -1;
    t->has_box = kind == MTT_POS || kind == MTT_PART;
    t->has_lm = kind == MTT_LMK;
    const float *box = s->box + i * 4, *lm = s->lm + i * 10;
    memcpy(t->box, box, sizeof t->box);
    memcpy(t->lm, lm, sizeof t->lm);
    if (flip) {
        /* x' = (side - 1) - x inside the crop: the left offset becomes minus the right one. */
        t->box[0] = -box[2];
        t->box[2] = -box[0];
        const float cs = s->crop_side[i];
        const float far = cs > 0 ? (cs - 1) / cs : 1.0f;
        for (int p = 0; p < 5; p++) {
            t->lm[p] = far - lm[mirror_point[p]];
            t->lm[5 + p] = lm[5 + mirror_point[p]];
        }
    }
}
