/*
 * rng.h - deterministic random numbers.
 *
 * xoshiro256** seeded through splitmix64. One stream per purpose
 * (docs/architecture.md): each consumer derives its own stream from the run seed and
 * a purpose id, so adding random draws in one place never shifts another.
 */
#ifndef NUMASIM_CORE_RNG_H
#define NUMASIM_CORE_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, bound), bound > 0, without modulo bias. */
uint64_t rng_below(struct rng *r, uint64_t bound);

#endif
