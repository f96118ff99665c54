#include "core/bitmap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned bm_weight(const uint64_t *w, unsigned nbits)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nbits / 64; i++)
		n += (unsigned)__builtin_popcountll(w[i]);
	return n;
}

unsigned bm_nth(const uint64_t *w, unsigned nbits, unsigned k)
{
	for (unsigned i = 0; i < nbits / 64; i++) {
		uint64_t x = w[i];
		unsigned c = (unsigned)__builtin_popcountll(x);

		if (k >= c) {
			k -= c;
			continue;
		}
		while (k--)
			x &= x - 1; /* drop the k lower set bits */
		return i * 64 + (unsigned)__builtin_ctzll(x);
	}
	return nbits;
}

bool bm_empty(const uint64_t *w, unsigned nbits)
{
	for (unsigned i = 0; i < nbits / 64; i++)
		if (w[i])
			return false;
	return true;
}

unsigned bm_next(const uint64_t *w, unsigned nbits, unsigned from)
{
	if (from >= nbits)
		return nbits;
	unsigned i = from / 64;
	uint64_t word = w[i] & (~0ULL << (from % 64));

	for (;;) {
		if (word)
			return i * 64 + (unsigned)__builtin_ctzll(word);
		if (++i >= nbits / 64)
			return nbits;
		word = w[i];
	}
}

static int parse_uint(const char **p, unsigned long *out)
{
	char *end;

	if (**p < '0' || **p > '9')
		return -1;
	errno = 0;
	*out = strtoul(*p, &end, 10);
	if (errno)
		return -1;
	*p = end;
	return 0;
}

int bm_parselist(const char *s, uint64_t *w, unsigned nbits, unsigned limit, char *err,
		 size_t errlen)
{
	const char *p = s;

	memset(w, 0, nbits / 8);
	if (*p == '\0')
		return 0;
	for (;;) {
		unsigned long lo, hi;

		if (parse_uint(&p, &lo)) {
			snprintf(err, errlen, "bad list '%s': expected a number at '%s'", s, p);
			return -1;
		}
		hi = lo;
		if (*p == '-') {
			p++;
			if (parse_uint(&p, &hi)) {
				snprintf(err, errlen, "bad list '%s': expected a number at '%s'", s,
					 p);
				return -1;
			}
			if (hi < lo) {
				snprintf(err, errlen, "bad list '%s': range %lu-%lu goes backwards",
					 s, lo, hi);
				return -1;
			}
		}
		if (hi >= limit || hi >= nbits) {
			snprintf(err, errlen, "bad list '%s': %lu is out of range (limit %u)", s,
				 hi, limit < nbits ? limit : nbits);
			return -1;
		}
		for (unsigned long b = lo; b <= hi; b++)
			bm_set(w, (unsigned)b);
		if (*p == '\0')
			return 0;
		if (*p != ',') {
			snprintf(err, errlen, "bad list '%s': unexpected '%c'", s, *p);
			return -1;
		}
		p++;
	}
}

char *bm_printlist(const uint64_t *w, unsigned nbits, char *buf, size_t len)
{
	size_t off = 0;
	unsigned b = bm_next(w, nbits, 0);

	if (len)
		buf[0] = '\0';
	while (b < nbits) {
		unsigned e = b;

		while (e + 1 < nbits && bm_test(w, e + 1))
			e++;
		int n = (e == b) ? snprintf(buf + off, len - off, "%s%u", off ? "," : "", b)
				 : snprintf(buf + off, len - off, "%s%u-%u", off ? "," : "", b, e);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
		b = bm_next(w, nbits, e + 1);
	}
	return buf;
}

#define MASK_OP(name, type, nbits, expr)                    \
	void name(type *dst, const type *a, const type *b)  \
	{                                                   \
		for (unsigned i = 0; i < (nbits) / 64; i++) \
			dst->w[i] = (expr);                 \
	}
MASK_OP(nodes_and, nodemask_t, NODEMASK_BITS, a->w[i] & b->w[i])
MASK_OP(nodes_or, nodemask_t, NODEMASK_BITS, a->w[i] | b->w[i])
MASK_OP(nodes_andnot, nodemask_t, NODEMASK_BITS, a->w[i] & ~b->w[i])
MASK_OP(cpus_and, cpumask_t, CPUMASK_BITS, a->w[i] & b->w[i])

#define MASK_PRED(name, type, nbits, cond)                  \
	bool name(const type *a, const type *b)             \
	{                                                   \
		for (unsigned i = 0; i < (nbits) / 64; i++) \
			if (!(cond))                        \
				return false;               \
		return true;                                \
	}
MASK_PRED(nodes_equal, nodemask_t, NODEMASK_BITS, a->w[i] == b->w[i])
MASK_PRED(nodes_subset, nodemask_t, NODEMASK_BITS, (a->w[i] & ~b->w[i]) == 0)
MASK_PRED(cpus_subset, cpumask_t, CPUMASK_BITS, (a->w[i] & ~b->w[i]) == 0)

bool nodes_intersects(const nodemask_t *a, const nodemask_t *b)
{
	for (unsigned i = 0; i < NODEMASK_BITS / 64; i++)
		if (a->w[i] & b->w[i])
			return true;
	return false;
}

bool cpus_intersects(const cpumask_t *a, const cpumask_t *b)
{
	for (unsigned i = 0; i < CPUMASK_BITS / 64; i++)
		if (a->w[i] & b->w[i])
			return true;
	return false;
}
