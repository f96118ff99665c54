/*
 * bitmap.h - fixed-size node and CPU masks, like nodemask_t and cpumask_t.
 *
 * Masks are plain values (copyable structs) so policies and cpusets can
 * hold them by value. Parsing and printing use the Linux list syntax
 * ("0-3,8"), as bitmap_parselist()/bitmap_print_to_pagebuf() do.
 */
#ifndef NUMASIM_CORE_BITMAP_H
#define NUMASIM_CORE_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NS_MAX_NODES 1024
#define NS_MAX_CPUS 4096

typedef struct {
	uint64_t w[NS_MAX_NODES / 64];
} nodemask_t;
typedef struct {
	uint64_t w[NS_MAX_CPUS / 64];
} cpumask_t;

/* Generic operations on nbits-wide word arrays. */
static inline void bm_set(uint64_t *w, unsigned b)
{
	w[b / 64] |= 1ULL << (b % 64);
}
static inline void bm_clear(uint64_t *w, unsigned b)
{
	w[b / 64] &= ~(1ULL << (b % 64));
}
static inline bool bm_test(const uint64_t *w, unsigned b)
{
	return (w[b / 64] >> (b % 64)) & 1;
}
unsigned bm_weight(const uint64_t *w, unsigned nbits);
bool bm_empty(const uint64_t *w, unsigned nbits);
/* First set bit at or after `from`, or nbits if none. */
unsigned bm_next(const uint64_t *w, unsigned nbits, unsigned from);
/* The n-th (0-based) set bit, or nbits if fewer than n+1 are set: one
 * popcount per word, not a walk over the bits. */
unsigned bm_nth(const uint64_t *w, unsigned nbits, unsigned n);

/*
 * Parses a Linux list ("0-3,6", "0-7:2" strides are not accepted; "" is
 * the empty set). Every bit must be < limit. Returns 0, or -1 with a
 * message in err (of errlen bytes) naming the problem.
 */
int bm_parselist(const char *s, uint64_t *w, unsigned nbits, unsigned limit, char *err,
		 size_t errlen);
/* Prints the set as a Linux list into buf; returns buf. */
char *bm_printlist(const uint64_t *w, unsigned nbits, char *buf, size_t len);

#define NODEMASK_BITS NS_MAX_NODES
#define CPUMASK_BITS NS_MAX_CPUS

static inline void node_set(nodemask_t *m, int n)
{
	bm_set(m->w, (unsigned)n);
}
static inline void node_clear(nodemask_t *m, int n)
{
	bm_clear(m->w, (unsigned)n);
}
static inline bool node_isset(const nodemask_t *m, int n)
{
	return bm_test(m->w, (unsigned)n);
}
static inline unsigned nodes_weight(const nodemask_t *m)
{
	return bm_weight(m->w, NODEMASK_BITS);
}
static inline bool nodes_empty(const nodemask_t *m)
{
	return bm_empty(m->w, NODEMASK_BITS);
}
static inline int next_node(int n, const nodemask_t *m)
{
	return (int)bm_next(m->w, NODEMASK_BITS, (unsigned)n + 1);
}
static inline int first_node(const nodemask_t *m)
{
	return (int)bm_next(m->w, NODEMASK_BITS, 0);
}
bool nodes_equal(const nodemask_t *a, const nodemask_t *b);
bool nodes_subset(const nodemask_t *a, const nodemask_t *b); /* a within b */
bool nodes_intersects(const nodemask_t *a, const nodemask_t *b);
void nodes_and(nodemask_t *dst, const nodemask_t *a, const nodemask_t *b);
void nodes_or(nodemask_t *dst, const nodemask_t *a, const nodemask_t *b);
void nodes_andnot(nodemask_t *dst, const nodemask_t *a, const nodemask_t *b);

#define for_each_node_mask(n, m) \
	for ((n) = first_node(m); (n) < NODEMASK_BITS; (n) = next_node((n), (m)))

static inline void cpu_set(cpumask_t *m, int c)
{
	bm_set(m->w, (unsigned)c);
}
static inline bool cpu_isset(const cpumask_t *m, int c)
{
	return bm_test(m->w, (unsigned)c);
}
static inline unsigned cpus_weight(const cpumask_t *m)
{
	return bm_weight(m->w, CPUMASK_BITS);
}
static inline bool cpus_empty(const cpumask_t *m)
{
	return bm_empty(m->w, CPUMASK_BITS);
}
static inline int first_cpu(const cpumask_t *m)
{
	return (int)bm_next(m->w, CPUMASK_BITS, 0);
}
static inline int next_cpu(int c, const cpumask_t *m)
{
	return (int)bm_next(m->w, CPUMASK_BITS, (unsigned)c + 1);
}
bool cpus_subset(const cpumask_t *a, const cpumask_t *b);
bool cpus_intersects(const cpumask_t *a, const cpumask_t *b);
void cpus_and(cpumask_t *dst, const cpumask_t *a, const cpumask_t *b);

#define for_each_cpu_mask(c, m) \
	for ((c) = first_cpu(m); (c) < CPUMASK_BITS; (c) = next_cpu((c), (m)))

#endif
