#include "task/pgtable.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/hostmem.h"

#define PT_CHUNK_BYTES (2u << 20)
#define PT_CHUNK_LEAVES (PT_CHUNK_BYTES / sizeof(struct pt_leaf))

void pgtable_init(struct pgtable *pt)
{
	memset(pt, 0, sizeof(*pt));
	hashmap_init(&pt->dirs);
}

static bool leaf_in_chunk(const struct pt_dir *d, unsigned i)
{
	return d->in_chunk[i / 64] >> (i % 64) & 1;
}

void pgtable_free(struct pgtable *pt)
{
	size_t pos = 0;
	uint64_t key, val;

	while (hashmap_next(&pt->dirs, &pos, &key, &val)) {
		struct pt_dir *d = (struct pt_dir *)(uintptr_t)val;

		for (unsigned i = 0; i < PT_DIR_SIZE; i++)
			if (!leaf_in_chunk(d, i))
				free(d->leaf[i]);
		free(d);
	}
	hashmap_free(&pt->dirs);
	for (size_t i = 0; i < pt->nchunks; i++)
		munmap(pt->chunks[i], PT_CHUNK_BYTES);
	free(pt->chunks);
	bool *oom = pt->oom;

	pgtable_init(pt);
	pt->oom = oom;
}

static struct pt_dir *dir_create(struct pgtable *pt, uint64_t key)
{
	struct pt_dir *d = pgtable_dir(pt, key);

	if (d)
		return d;
	d = host_calloc(pt->oom, 1, sizeof(*d));
	if (!d)
		return NULL;
	pt->dirs.oom = pt->oom;
	if (hashmap_put(&pt->dirs, key >> PT_DIR_BITS, (uintptr_t)d)) {
		free(d);
		return NULL;
	}
	d->key = key >> PT_DIR_BITS;
	pt->last_dir = d;
	pt->last_dir_key = (key >> PT_DIR_BITS) + 1;
	return d;
}

/* A zeroed 2 MiB chunk on a 2 MiB boundary (so that it can be one host
 * huge page): mapped twice as large, the ends trimmed. */
static void *chunk_map(void)
{
	size_t len = 2 * (size_t)PT_CHUNK_BYTES;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	size_t head = (size_t)(-(uintptr_t)p & (PT_CHUNK_BYTES - 1));

	if (head)
		munmap(p, head);
	munmap(p + head + PT_CHUNK_BYTES, PT_CHUNK_BYTES - head);
	p += head;
#ifdef MADV_HUGEPAGE
	madvise(p, PT_CHUNK_BYTES, MADV_HUGEPAGE);
#endif
	return p;
}

/* A zeroed leaf for slot i of d: malloc()ed for the first PT_DIR_SIZE
 * leaves (small processes pay no 2 MiB chunk), carved from a chunk after
 * that. */
static struct pt_leaf *leaf_alloc(struct pgtable *pt, struct pt_dir *d, unsigned i)
{
	if (pt->nleaves < PT_DIR_SIZE)
		return host_calloc(pt->oom, 1, sizeof(struct pt_leaf));
	if (!pt->chunk_free) {
		void **v = host_realloc(pt->oom, pt->chunks, (pt->nchunks + 1) * sizeof(*v));
		void *c;

		if (!v)
			return NULL;
		pt->chunks = v;
		c = chunk_map();
		if (!c)
			return host_calloc(pt->oom, 1, sizeof(struct pt_leaf));
		pt->chunks[pt->nchunks++] = c;
		pt->chunk_free = PT_CHUNK_LEAVES;
	}
	d->in_chunk[i / 64] |= 1ULL << (i % 64);
	return (struct pt_leaf *)pt->chunks[pt->nchunks - 1] + (PT_CHUNK_LEAVES - pt->chunk_free--);
}

pte_t *pgtable_slot(struct pgtable *pt, uint64_t vpn, uint16_t **used)
{
	uint64_t key = vpn >> PT_LEAF_BITS;
	struct pt_dir *d = dir_create(pt, key);

	if (!d)
		return NULL;
	unsigned li = key & (PT_DIR_SIZE - 1);
	struct pt_leaf *l = d->leaf[li];

	if (!l) {
		l = leaf_alloc(pt, d, li);
		if (!l)
			return NULL;
		d->leaf[li] = l;
		pt->nleaves++;
		pt->last = l;
		pt->last_key = key + 1;
	}
	*used = &d->used[li];
	return &l->e[vpn & (PT_LEAF_SIZE - 1)];
}

int pgtable_set(struct pgtable *pt, uint64_t vpn, pte_t e)
{
	uint64_t key = vpn >> PT_LEAF_BITS;
	struct pt_dir *d = e ? dir_create(pt, key) : pgtable_dir(pt, key);

	if (!d)
		return e ? -1 : 0;
	unsigned li = key & (PT_DIR_SIZE - 1);
	struct pt_leaf *l = d->leaf[li];

	if (!l) {
		if (!e)
			return 0;
		l = leaf_alloc(pt, d, li);
		if (!l)
			return -1;
		d->leaf[li] = l;
		pt->nleaves++;
		pt->last = l;
		pt->last_key = key + 1;
	}
	pte_t *slot = &l->e[vpn & (PT_LEAF_SIZE - 1)];

	if (!*slot && e) {
		d->used[li]++;
		pt->entries++;
	} else if (*slot && !e) {
		d->used[li]--;
		pt->entries--;
	}
	*slot = e;
	return 0;
}

/* Calls fn for the entries of leaf i of d that lie in [lo, hi). */
static void walk_leaf(struct pgtable *pt, struct pt_dir *d, unsigned i, uint64_t lo, uint64_t hi,
		      pte_fn fn, void *ctx)
{
	struct pt_leaf *l = d->leaf[i];
	uint64_t base = ((d->key << PT_DIR_BITS) | i) << PT_LEAF_BITS;
	uint64_t from = base < lo ? lo - base : 0;
	uint64_t to = base + PT_LEAF_SIZE > hi ? hi - base : PT_LEAF_SIZE;

	for (uint64_t k = from; k < to; k++) {
		if (!l->e[k])
			continue;
		fn(ctx, base + k, &l->e[k]);
		if (!l->e[k]) { /* the callback cleared it */
			d->used[i]--;
			pt->entries--;
		}
	}
}

static int dir_cmp(const void *a, const void *b)
{
	uint64_t x = (*(struct pt_dir *const *)a)->key, y = (*(struct pt_dir *const *)b)->key;

	return x < y ? -1 : x > y;
}

/* The leaves of d in [klo, khi] that hold entries, in key order. */
static void walk_dir(struct pgtable *pt, struct pt_dir *d, uint64_t lo, uint64_t hi, pte_fn fn,
		     void *ctx)
{
	uint64_t klo = lo >> PT_LEAF_BITS, khi = (hi - 1) >> PT_LEAF_BITS;
	uint64_t first = d->key << PT_DIR_BITS;
	unsigned from = klo > first ? (unsigned)(klo - first) : 0;
	unsigned to = khi < first + PT_DIR_SIZE - 1 ? (unsigned)(khi - first) : PT_DIR_SIZE - 1;

	for (unsigned i = from; i <= to; i++)
		if (d->leaf[i] && d->used[i])
			walk_leaf(pt, d, i, lo, hi, fn, ctx);
}

/*
 * Directories overlapping [lo, hi), in key order, gathered from the hash:
 * over a range wider than the table (a 128 TiB mapping spans 2^17
 * directories) this costs the table's size, not the range's. Returns
 * false when the host is out of memory (the caller walks key by key
 * instead).
 */
static bool walk_sparse(struct pgtable *pt, uint64_t lo, uint64_t hi, pte_fn fn, void *ctx)
{
	uint64_t dlo = lo >> (PT_LEAF_BITS + PT_DIR_BITS),
		 dhi = (hi - 1) >> (PT_LEAF_BITS + PT_DIR_BITS);
	size_t n = 0, pos = 0;
	struct pt_dir **v = malloc((pt->dirs.nr ? pt->dirs.nr : 1) * sizeof(*v));
	uint64_t key, val;

	if (!v)
		return false;
	while (hashmap_next(&pt->dirs, &pos, &key, &val))
		if (key >= dlo && key <= dhi)
			v[n++] = (struct pt_dir *)(uintptr_t)val;
	qsort(v, n, sizeof(*v), dir_cmp);
	for (size_t i = 0; i < n; i++)
		walk_dir(pt, v[i], lo, hi, fn, ctx);
	free(v);
	return true;
}

void pgtable_walk(struct pgtable *pt, uint64_t lo, uint64_t hi, pte_fn fn, void *ctx)
{
	if (hi <= lo)
		return;
	uint64_t dlo = lo >> (PT_LEAF_BITS + PT_DIR_BITS),
		 dhi = (hi - 1) >> (PT_LEAF_BITS + PT_DIR_BITS);

	if (dhi - dlo >= pt->dirs.nslots && walk_sparse(pt, lo, hi, fn, ctx))
		return;
	/* Directory by directory over the range, skipping absent ones. */
	for (uint64_t dk = dlo; dk <= dhi; dk++) {
		uint64_t *v = hashmap_lookup(&pt->dirs, dk);

		if (v)
			walk_dir(pt, (struct pt_dir *)(uintptr_t)*v, lo, hi, fn, ctx);
		if (dk == UINT64_MAX)
			break;
	}
}
