/*
 * u128.h - an unsigned 128-bit integer for sums that 64 bits cannot hold
 * (10^15 accesses at 25 ms of latency each, in picoseconds).
 */
#ifndef NUMASIM_CORE_U128_H
#define NUMASIM_CORE_U128_H

#include <stdint.h>

__extension__ typedef unsigned __int128 u128;

/* a + b, saturating at 2^64-1: simulated costs never wrap (a stall past
 * the end of 64-bit time stays at the end, it is not lost). */
static inline uint64_t u64_sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

#endif
