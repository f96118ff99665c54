/*
 * slab.c - kernel object allocations (mm/slub.c): kmalloc records.
 *
 * kmalloc caches are the power-of-two size classes (kmalloc-8 ...
 * kmalloc-<page/2>); each (class, node) has a current slab page whose
 * free objects are handed out in turn, and a new slab page is allocated
 * on that node's zonelist when it is used up. Larger requests take whole
 * pages (kmalloc_large_node()). kmalloc memory is unreclaimable
 * (NR_SLAB_UNRECLAIMABLE_B, counted in pages) and never freed: the trace
 * has no kfree. The `cache` key names the cache in reports only.
 */
#include "mm/slab.h"

#include <errno.h>
#include <string.h>
#include <stdlib.h>

#include "mm/page_alloc.h"
#include "mm/rmap.h"
#include "mm/cpuset.h"
#include "mm/internal.h"
#include "sim.h"
#include "task/task.h"

#define NR_KMALLOC_CLASSES 16

/* radix_tree_node (lib/radix-tree.c: SLAB_RECLAIM_ACCOUNT): 576-byte
 * objects, SLUB's order-2 slab of 28 of them (calculate_order() with 8
 * CPUs or more), and the empty slabs SLUB keeps on the partial list
 * (min_partial: ilog2(576) / 2, at least 5). */
#define XA_SLAB_ORDER 2
#define XA_SLAB_OBJS 28
#define XA_MIN_PARTIAL 5

struct slab_state {
	uint32_t *free_objs; /* [node * NR_KMALLOC_CLASSES + class] */
	/* the page cache's xarray nodes (sim.page_cache_slab) */
	uint64_t xa_objs; /* nodes in use */
	pfn_t *xa_slabs;  /* the cache's slab pages, oldest first */
	uint32_t xa_nr, xa_cap;
};

int slab_init(struct sim *s)
{
	s->slab = sim_calloc(s, 1, sizeof(*s->slab));
	if (!s->slab)
		return -1;
	s->slab->free_objs =
		sim_calloc(s, (size_t)(s->mem.nr_nodes ? s->mem.nr_nodes : 1) * NR_KMALLOC_CLASSES,
			   sizeof(uint32_t));
	return s->slab->free_objs ? 0 : -1;
}

void slab_free_all(struct sim *s)
{
	if (!s->slab)
		return;
	free(s->slab->free_objs);
	free(s->slab->xa_slabs);
	free(s->slab);
	s->slab = NULL;
}

/* Models allocate_slab(): a page for the cache, counted as slab. */
static int new_slab_pages(struct sim *s, int node, unsigned order, int local)
{
	pfn_t pfn = alloc_pages_node(s, node, GFP_KERNEL, order, local);

	if (pfn == NOPFN)
		return -ENOMEM;
	page_set_slab(&s->mem.f, pfn);
	page_set_kernel(&s->mem.f, pfn);
	node_stat_add(&s->mem, pfn, NR_SLAB_UNRECLAIMABLE_B, (int64_t)1 << order);
	return 0;
}

/* Caches the SLAB allocator created with SLAB_MEM_SPREAD: filesystem
 * metadata (fs/dcache.c, fs/inode.c and the filesystems' inode caches,
 * fs/buffer.c). */
static bool cache_spreads(const char *cache)
{
	static const char *const spread[] = {"dentry", "inode_cache", "buffer_head"};
	size_t n = cache ? strlen(cache) : 0;

	for (size_t i = 0; cache && i < sizeof(spread) / sizeof(spread[0]); i++)
		if (!strcmp(cache, spread[i]))
			return true;
	return n > 12 && !strcmp(cache + n - 12, "_inode_cache");
}

/*
 * The node of an allocation without node=: local, except that under the
 * SLAB model a spreading cache of a task whose cpuset has
 * memory_spread_slab rotates over the cpuset's mems (alternate_node_alloc()
 * with cpuset_slab_spread_node()). SLUB never spread, and SLAB is gone
 * since 6.8, so by default memory_spread_slab changes nothing.
 */
static int spread_node(struct sim *s, struct task *t, const char *cache, int local)
{
	if (t && tun(&s->tun, TUN_SIM_SLAB_ALLOCATOR) == 1 && cache_spreads(cache) &&
	    cpuset_do_slab_mem_spread(s, t))
		return cpuset_mem_spread_node(s, t);
	return local;
}

long kmalloc_node(struct sim *s, struct task *t, uint64_t size, int node, const char *cache)
{
	uint64_t psz = s->topo->page_size;
	int local = t ? task_node(s, t) : 0;

	if (node < 0)
		node = spread_node(s, t, cache, local);
	if (size == 0)
		return 0;
	if (size > psz / 2) { /* kmalloc_large_node() */
		unsigned order = 0;

		/* beyond KMALLOC_MAX_SIZE (one MAX_ORDER block) kmalloc fails;
		 * stop counting there, before psz << order could overflow */
		while (order <= MAX_ORDER && (psz << order) < size)
			order++;
		return order > MAX_ORDER ? -ENOMEM : new_slab_pages(s, node, order, local);
	}
	unsigned cls = 3;

	while ((1ULL << cls) < size)
		cls++;
	uint32_t *objs = &s->slab->free_objs[node * NR_KMALLOC_CLASSES + cls];

	if (!*objs) {
		int rc = new_slab_pages(s, node, 0, local);

		if (rc)
			return rc;
		*objs = (uint32_t)(psz >> cls);
	}
	(*objs)--;
	return 0;
}

/*
 * Models xas_alloc() and allocate_slab() for the page cache's xarray
 * nodes (sim.page_cache_slab): a new node comes from a slab with room, a
 * new slab when none has: an order-2 page of
 * the reclaimable migratetype on the reading task's node (xas_alloc():
 * GFP_NOWAIT with the cache's __GFP_RECLAIMABLE; node 0's CPUs without a
 * task), counted as reclaimable slab. The nodes are packed: slabs hold
 * ceil(nodes / 28) of them full, the rest empty until slab_xa_trim().
 */
int slab_xa_nodes(struct sim *s, struct task *t, int64_t delta)
{
	struct slab_state *st = s->slab;

	if (delta < 0) {
		st->xa_objs -= (uint64_t)-delta < st->xa_objs ? (uint64_t)-delta : st->xa_objs;
		return 0;
	}
	while (st->xa_objs + (uint64_t)delta > (uint64_t)st->xa_nr * XA_SLAB_OBJS) {
		int local = t ? task_node(s, t) : 0;
		pfn_t pfn;

		if (st->xa_nr == st->xa_cap) {
			uint32_t cap = st->xa_cap ? st->xa_cap * 2 : 16;
			pfn_t *n = sim_realloc(s, st->xa_slabs, cap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			st->xa_slabs = n;
			st->xa_cap = cap;
		}
		pfn = alloc_pages_node(s, local, GFP_NOWAIT | __GFP_RECLAIMABLE, XA_SLAB_ORDER,
				       local);
		if (pfn == NOPFN)
			return -ENOMEM;
		page_set_slab(&s->mem.f, pfn);
		page_set_kernel(&s->mem.f, pfn);
		node_stat_add(&s->mem, pfn, NR_SLAB_RECLAIMABLE_B, 1 << XA_SLAB_ORDER);
		st->xa_slabs[st->xa_nr++] = pfn;
	}
	st->xa_objs += (uint64_t)delta;
	return 0;
}

/* Models discard_slab() after __slab_free(): empty slabs beyond the
 * XA_MIN_PARTIAL SLUB keeps go back to the buddy allocator, the newest
 * first. */
void slab_xa_trim(struct sim *s)
{
	struct slab_state *st = s->slab;
	uint64_t used = (st->xa_objs + XA_SLAB_OBJS - 1) / XA_SLAB_OBJS;

	while (st->xa_nr > used + XA_MIN_PARTIAL) {
		pfn_t pfn = st->xa_slabs[--st->xa_nr];

		node_stat_add(&s->mem, pfn, NR_SLAB_RECLAIMABLE_B, -(1 << XA_SLAB_ORDER));
		__free_pages(s, pfn, XA_SLAB_ORDER);
	}
}
