/* rng.c - splitmix64 (Steele, Lea, Flood 2014): tiny state, good statistics, trivially seeded. */
#include "rng.h"

void mtt_rng_seed(mtt_rng *r, uint64_t seed) { r->state = seed; }

uint64_t mtt_rng_next(mtt_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double mtt_rng_uniform(mtt_rng *r) { return (double)(mtt_rng_next(r) >> 11) * 0x1.0p-53; }

double mtt_rng_range(mtt_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * mtt_rng_uniform(r);
}

int mtt_rng_below(mtt_rng *r, int n)
{
    return n <= 1 ? 0 : (int)((mtt_rng_next(r) >> 33) % (uint64_t)n);
}

uint64_t mtt_rng_derive(uint64_t seed, uint64_t index)
{
    mtt_rng r = {seed ^ (index * 0xd1b54a32d192ed03ULL)};
    mtt_rng_next(&r);
    return mtt_rng_next(&r);
}
