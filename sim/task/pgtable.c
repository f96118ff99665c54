#include "task/pgtable.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/hostmem.h"

void pgtable_init(struct pgtable *pt)
{
	memset(pt, 0, sizeof(*pt));
}

void pgtable_free(struct pgtable *pt)
{
	for (uint64_t i = 0; i < pt->nslots; i++)
		free(pt->slots[i]);
	free(pt->slots);
	free(pt->keys);
	memset(pt, 0, sizeof(*pt));
}

static struct pt_leaf *find_leaf(struct pgtable *pt, uint64_t key)
{
	return pgtable_leaf(pt, key);
}

static void insert_slot(struct pt_leaf **slots, uint64_t *keys, uint64_t nslots, struct pt_leaf *l)
{
	uint64_t i = pgtable_hash(l->key) & (nslots - 1);

	while (keys[i])
		i = (i + 1) & (nslots - 1);
	slots[i] = l;
	keys[i] = l->key + 1;
}

static int grow(struct pgtable *pt)
{
	uint64_t n = pt->nslots ? pt->nslots * 2 : 16;
	struct pt_leaf **slots = host_calloc(pt->oom, n, sizeof(*slots));
	uint64_t *keys = host_calloc(pt->oom, n, sizeof(*keys));

	if (!slots || !keys) {
		free(slots);
		free(keys);
		return -1;
	}
	for (uint64_t i = 0; i < pt->nslots; i++)
		if (pt->slots[i])
			insert_slot(slots, keys, n, pt->slots[i]);
	free(pt->slots);
	free(pt->keys);
	pt->slots = slots;
	pt->keys = keys;
	pt->nslots = n;
	return 0;
}

static struct pt_leaf *leaf_create(struct pgtable *pt, uint64_t key)
{
	struct pt_leaf *l = find_leaf(pt, key);

	if (l)
		return l;
	if ((pt->nleaves + 1) * 2 > pt->nslots && grow(pt))
		return NULL;
	l = host_calloc(pt->oom, 1, sizeof(*l));
	if (!l)
		return NULL;
	l->key = key;
	insert_slot(pt->slots, pt->keys, pt->nslots, l);
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
	for (uint64_t i = 0; i < pt->nslots; i++) {
		struct pt_leaf *l = pt->slots[i];

		if (l && l->used && l->key >= klo && l->key <= khi)
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

	if (khi - klo >= pt->nslots && walk_sparse(pt, lo, hi, fn, ctx))
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
