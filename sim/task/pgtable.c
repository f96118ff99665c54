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

void pgtable_free(struct pgtable *pt)
{
	size_t pos = 0;
	uint64_t key, val;

	while (hashmap_next(&pt->dirs, &pos, &key, &val)) {
		struct pt_dir *d = (struct pt_dir *)(uintptr_t)val;

		for (unsigned i = 0; i < PT_DIR_SIZE; i++)
			if (d->leaf[i] && !d->leaf[i]->in_chunk)
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

static struct pt_leaf *find_leaf(struct pgtable *pt, uint64_t key)
{
	return pgtable_leaf(pt, key);
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

/* A zeroed leaf: malloc()ed for the first PT_DIR_SIZE leaves (small
 * processes pay no 2 MiB chunk), carved from a chunk after that. */
static struct pt_leaf *leaf_alloc(struct pgtable *pt)
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
	struct pt_leaf *l = (struct pt_leaf *)pt->chunks[pt->nchunks - 1] +
			    (PT_CHUNK_LEAVES - pt->chunk_free--);

	l->in_chunk = 1;
	return l;
}

static struct pt_leaf *leaf_create(struct pgtable *pt, uint64_t key)
{
	struct pt_leaf *l = find_leaf(pt, key);

	if (l)
		return l;
	struct pt_dir *d = dir_create(pt, key);

	if (!d)
		return NULL;
	l = leaf_alloc(pt);
	if (!l)
		return NULL;
	l->key = key;
	d->leaf[key & (PT_DIR_SIZE - 1)] = l;
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
 * Leaves present in [klo, khi], in key order, gathered from the
 * directories: over a range wider than the table (a 128 TiB mapping
 * spans 2^17 directories) this costs the table's size, not the range's. Returns false
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

	while (hashmap_next(&pt->dirs, &pos, &key, &val)) {
		struct pt_dir *d = (struct pt_dir *)(uintptr_t)val;

		for (unsigned i = 0; i < PT_DIR_SIZE; i++) {
			struct pt_leaf *l = d->leaf[i];

			if (l && l->used && l->key >= klo && l->key <= khi)
				v[n++] = l;
		}
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
	uint64_t dlo = klo >> PT_DIR_BITS, dhi = khi >> PT_DIR_BITS;

	if (dhi - dlo >= pt->dirs.nslots && walk_sparse(pt, lo, hi, fn, ctx))
		return;
	/* Directory by directory over the range, skipping absent ones. */
	for (uint64_t dk = dlo; dk <= dhi; dk++) {
		uint64_t *v = hashmap_lookup(&pt->dirs, dk);

		if (v) {
			struct pt_dir *d = (struct pt_dir *)(uintptr_t)*v;
			unsigned from = dk == dlo ? klo & (PT_DIR_SIZE - 1) : 0;
			unsigned to = dk == dhi ? khi & (PT_DIR_SIZE - 1) : PT_DIR_SIZE - 1;

			for (unsigned i = from; i <= to; i++)
				if (d->leaf[i] && d->leaf[i]->used)
					walk_leaf(pt, d->leaf[i], lo, hi, fn, ctx);
		}
		if (dk == UINT64_MAX)
			break;
	}
}
