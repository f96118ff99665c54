#include "task/pgtable.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/hostmem.h"

void pgtable_init(struct pgtable *pt)
{
	memset(pt, 0, sizeof(*pt));
	hashmap_init(&pt->leaves);
}

void pgtable_free(struct pgtable *pt)
{
	size_t pos = 0;
	uint64_t key, val;

	while (hashmap_next(&pt->leaves, &pos, &key, &val))
		free((struct pt_leaf *)(uintptr_t)val);
	hashmap_free(&pt->leaves);
	bool *oom = pt->oom;

	pgtable_init(pt);
	pt->oom = oom;
}

static struct pt_leaf *find_leaf(struct pgtable *pt, uint64_t key)
{
	return pgtable_leaf(pt, key);
}

static struct pt_leaf *leaf_create(struct pgtable *pt, uint64_t key)
{
	struct pt_leaf *l = find_leaf(pt, key);

	if (l)
		return l;
	l = host_calloc(pt->oom, 1, sizeof(*l));
	if (!l)
		return NULL;
	pt->leaves.oom = pt->oom;
	if (hashmap_put(&pt->leaves, key, (uintptr_t)l)) {
		free(l);
		return NULL;
	}
	l->key = key;
	pt->nleaves++;
	pt->last = l;
	pt->last_key = key + 1;
	return l;
}

int pgtable_set(struct pgtable *pt, uint64_t vpn, pte_t e)
{
	struct pt_leaf *l = e ? leaf_create(pt, vpn >> PT_LEAF_BITS)
			      : find_leaf(pt, vpn >> PT_LEAF_BITS);
	if (!l)
		return e ? -1 : 0;
	pte_t *slot = &l->e[vpn & (PT_LEAF_SIZE - 1)];

	if (!*slot && e) {
		l->used++;
		pt->entries++;
	} else if (*slot && !e) {
		l->used--;
		pt->entries--;
	}
	*slot = e;
	return 0;
}

static void walk_leaf(struct pgtable *pt, struct pt_leaf *l, uint64_t lo, uint64_t hi, pte_fn fn,
		      void *ctx)
{
	uint64_t base = l->key << PT_LEAF_BITS;
	uint64_t from = base < lo ? lo - base : 0;
	uint64_t to = base + PT_LEAF_SIZE > hi ? hi - base : PT_LEAF_SIZE;

	for (uint64_t i = from; i < to; i++) {
		if (!l->e[i])
			continue;
		fn(ctx, base + i, &l->e[i]);
		if (!l->e[i]) {        /* the callback cleared it */
			l->used--;
			pt->entries--;
		}
	}
}

static int leaf_cmp(const void *a, const void *b)
{
	uint64_t x = (*(struct pt_leaf *const *)a)->key, y = (*(struct pt_leaf *const *)b)->key;

	return x < y ? -1 : x > y;
}

/*
 * Leaves present in [klo, khi], in key order, gathered from the hash
 * slots: over a range wider than the table (a 128 TiB mapping spans 2^26
 * leaf keys) this costs the table's size, not the range's. Returns false
 * when the host is out of memory (the caller walks key by key instead).
 */
static bool walk_sparse(struct pgtable *pt, uint64_t lo, uint64_t hi, pte_fn fn, void *ctx)
{
	uint64_t klo = lo >> PT_LEAF_BITS, khi = (hi - 1) >> PT_LEAF_BITS, n = 0;
	struct pt_leaf **v = malloc((pt->nleaves ? pt->nleaves : 1) * sizeof(*v));

	if (!v)
		return false;
	size_t pos = 0;
	uint64_t key, val;

	while (hashmap_next(&pt->leaves, &pos, &key, &val)) {
		struct pt_leaf *l = (struct pt_leaf *)(uintptr_t)val;

		if (l->used && l->key >= klo && l->key <= khi)
			v[n++] = l;
	}
	qsort(v, n, sizeof(*v), leaf_cmp);
	for (uint64_t i = 0; i < n; i++)
		walk_leaf(pt, v[i], lo, hi, fn, ctx);
	free(v);
	return true;
}

void pgtable_walk(struct pgtable *pt, uint64_t lo, uint64_t hi, pte_fn fn, void *ctx)
{
	if (hi <= lo)
		return;
	uint64_t klo = lo >> PT_LEAF_BITS, khi = (hi - 1) >> PT_LEAF_BITS;

	if (khi - klo >= pt->leaves.nslots && walk_sparse(pt, lo, hi, fn, ctx))
		return;
	/* Walk leaf by leaf over the range; skip absent leaves quickly. */
	for (uint64_t key = klo; key <= khi; key++) {
		struct pt_leaf *l = find_leaf(pt, key);

		if (l && l->used)
			walk_leaf(pt, l, lo, hi, fn, ctx);
		if (key == UINT64_MAX)
			break;
	}
}
