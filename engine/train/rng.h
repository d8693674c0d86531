/* rng.h - the seeded random numbers of training (splitmix64): every random choice of sample
 * generation and training draws from one of these, so a seed reproduces a run exactly. */
#pragma once

#include <stdint.h>

typedef struct mtt_rng {
    uint64_t state;
} mtt_rng;

void mtt_rng_seed(mtt_rng *r, uint64_t seed);
uint64_t mtt_rng_next(mtt_rng *r);
/* Uniform in [0, 1). */
double mtt_rng_uniform(mtt_rng *r);
/* Uniform in [lo, hi). */
double mtt_rng_range(mtt_rng *r, double lo, double hi);
/* Uniform integer in [0, n) (n >= 1). */
int mtt_rng_below(mtt_rng *r, int n);
/* A seed for item `index` of a run seeded with `seed`, so items done on different threads
 * or in a different order draw the same numbers. */
uint64_t mtt_rng_derive(uint64_t seed, uint64_t index);
