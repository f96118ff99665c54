/*
 * chunks.c - the mappings made up for captures that show none: perf
 * script without the side band and lackey see addresses but no mmap, so
 * the importers map the touched pages as anonymous memory, in 2 MiB-
 * aligned chunks around them, adjacent chunks of a process merged into
 * one mapping (docs/recording.md).
 */
#include <stdlib.h>

#include "record/record_int.h"

#define CHUNK (2ull << 20)
#define MMAP_MIN_ADDR 65536ull /* vm.mmap_min_addr's default: nothing is mapped below */
#define RECENT 64	       /* chunks compared before a new one is added */

int rec_chunks_note(struct rec_chunks *c, uint32_t pid, uint64_t addr)
{
	uint64_t n = addr / CHUNK;

	/* most addresses repeat a recent chunk; the rest are merged at the end */
	for (size_t i = c->n; i-- > 0 && i + RECENT >= c->n;)
		if (c->v[i].pid == pid && c->v[i].chunk == n)
			return 0;
	if (!rec_grow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v)))
		return -1;
	c->v[c->n++] = (struct rec_chunk){.pid = pid, .chunk = n};
	return 0;
}

static int by_pid_chunk(const void *a, const void *b)
{
	const struct rec_chunk *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->chunk < y->chunk ? -1 : x->chunk > y->chunk;
}

int rec_chunks_map(struct rec_log *g, struct rec_chunks *c, rec_chunk_owner owner, void *ctx)
{
	if (c->n) /* qsort() wants an array, even of nothing */
		qsort(c->v, c->n, sizeof(*c->v), by_pid_chunk);
	for (size_t i = 0; i < c->n;) {
		size_t j = i;

		while (j + 1 < c->n && c->v[j + 1].pid == c->v[i].pid &&
		       c->v[j + 1].chunk <= c->v[j].chunk + 1)
			j++;
		uint64_t lo = c->v[i].chunk * CHUNK, hi = (c->v[j].chunk + 1) * CHUNK;
		uint64_t t;
		uint32_t tid;

		if (lo < MMAP_MIN_ADDR)
			lo = MMAP_MIN_ADDR;
		if (hi > REC_USER_TOP)
			hi = REC_USER_TOP;
		if (owner(ctx, c->v[i].pid, &t, &tid) &&
		    rec_map(g, t, tid, lo, hi - lo, RM_WRITE, NULL, 0))
			return -1;
		i = j + 1;
	}
	return 0;
}

void rec_chunks_free(struct rec_chunks *c)
{
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}
