/*
 * page_alloc.c - the zoned buddy allocator (mm/page_alloc.c).
 *
 * What lives here, by kernel function:
 *  - boot: free_area_init()/memmap_init() lay frames out node by node and
 *    zone by zone; memblock_free_all() hands every frame to the buddy
 *    allocator as maximal aligned blocks; build_all_zonelists() orders
 *    the fallback nodes (find_next_best_node()); init_per_zone_wmark_min()
 *    computes min_free_kbytes, the watermarks and lowmem_reserve.
 *  - the buddy allocator itself: __rmqueue_smallest() + expand() split,
 *    __free_one_page() merges.
 *  - the allocation path: __alloc_pages() -> get_page_from_freelist()
 *    (fast path, low watermark, node reclaim) -> __alloc_pages_slowpath()
 *    (kswapd, min watermark, direct reclaim, OOM).
 *  - numastat (zone_statistics()) and the PGALLOC/PGFREE events.
 *
 * Buddy alignment is on the absolute pfn, as in Linux: a block of order o
 * starts at a pfn that is a multiple of 2^o, and its buddy is pfn ^ 2^o.
 * Zones need not start at aligned pfns; boot splits each zone into the
 * largest aligned blocks that fit, and a free block never merges with a
 * buddy of another zone (page_is_buddy() compares zones).
 *
 * Migratetypes: free lists per order and migratetype (UNMOVABLE,
 * MOVABLE, RECLAIMABLE), a migratetype per pageblock, __rmqueue_fallback()
 * and steal_suitable_fallback(), whose fragmenting fallbacks boost the
 * zone's watermarks (boost_watermark()) and wake kswapd.
 *
 * Per-CPU page lists (sim.pcp=1) for orders 0-3 and the pageblock order:
 * rmqueue_pcplist(), free_unref_page(), nr_pcp_high(), nr_pcp_free(),
 * nr_pcp_alloc() (6.7 on), drain_all_pages().
 *
 * Not modelled (docs/model.md says why): highatomic reserves, CMA and
 * isolation (compaction is mm/compaction.c).
 */
#include "mm/page_alloc.h"
#include "mm/huge_memory.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mm/compaction.h"
#include "mm/internal.h"
#include "mm/vmscan.h"
#include "sim.h"
#include "task/task.h"

#define RECLAIM_DISTANCE 30 /* node_reclaim_distance default */
/* The kernel loops forever for __GFP_NOFAIL and while the OOM killer
 * makes progress; a simulator must end, so these loops are bounded. */
#define SLOWPATH_MAX_LOOPS 4096

/* struct alloc_context plus what the slow path keeps between attempts. */
struct alloc_ctx {
	struct pglist_data *pgdat; /* owner of the zonelist walked */
	struct zone **zl;	   /* the zonelist */
	int nr_zl;
	int preferred; /* index of preferred_zoneref, -1 = none */
	enum zone_type highest_zoneidx;
	const nodemask_t *nodemask;
	const nodemask_t *cpuset_mems;
	const nodemask_t *softwall_mems;
	gfp_t gfp;
};

/* ------------------------------------------------------------------ */
/* gfp decoding                                                        */

/* Models gfp_zone() on a 64-bit kernel without CONFIG_HIGHMEM: HIGHMEM
 * means Normal; MOVABLE together with HIGHMEM means ZONE_MOVABLE. */
enum zone_type gfp_zone(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return ZONE_DMA32;
	if ((gfp & (__GFP_MOVABLE | __GFP_HIGHMEM)) == (__GFP_MOVABLE | __GFP_HIGHMEM))
		return ZONE_MOVABLE;
	return ZONE_NORMAL;
}

/* ------------------------------------------------------------------ */
/* the buddy allocator                                                 */

/* Models gfp_migratetype(): the free lists an allocation takes from. */
static inline unsigned gfp_migratetype(gfp_t gfp)
{
	if (gfp & __GFP_MOVABLE)
		return MIGRATE_MOVABLE;
	if (gfp & __GFP_RECLAIMABLE)
		return MIGRATE_RECLAIMABLE;
	return MIGRATE_UNMOVABLE;
}

static inline unsigned buddy_mt(const struct frames *f, pfn_t pfn)
{
	return (f->flags[pfn] & PG_MT_MASK) >> PG_MT_SHIFT;
}

/* Models add_to_free_list() / add_to_free_list_tail(). */
static inline void add_to_free_list(struct frames *f, struct zone *z, pfn_t pfn, unsigned order,
				    unsigned mt, bool tail)
{
	f->flags[pfn] = PG_buddy | (order << PG_ORDER_SHIFT) | (mt << PG_MT_SHIFT);
	if (tail)
		flist_add_tail(f, &z->free_area[order][mt], pfn);
	else
		flist_add_head(f, &z->free_area[order][mt], pfn);
}

static inline void del_page_from_free_list(struct frames *f, struct zone *z, pfn_t pfn,
					   unsigned order)
{
	SIM_ASSERT(page_test_buddy(f, pfn) && frame_order(f, pfn) == order);
	flist_del(f, &z->free_area[order][buddy_mt(f, pfn)], pfn);
	f->flags[pfn] &= ~(PG_buddy | PG_ORDER_MASK | PG_MT_MASK);
}

/* Models move_to_free_list(): to the tail of another migratetype's list. */
static inline void move_to_free_list(struct frames *f, struct zone *z, pfn_t pfn, unsigned order,
				     unsigned mt)
{
	del_page_from_free_list(f, z, pfn, order);
	add_to_free_list(f, z, pfn, order, mt, true);
}

/* Models page_is_buddy(): buddy is the head of a free block of the same
 * order in the same zone. */
static inline bool page_is_buddy(const struct mem *m, pfn_t buddy, unsigned order,
				 const struct zone *z)
{
	/* in the zone: zones own contiguous pfn ranges */
	if (buddy - z->start_pfn >= z->present_pages)
		return false;
	uint32_t fl = m->f.flags[buddy];

	return (fl & PG_buddy) && ((fl & PG_ORDER_MASK) >> PG_ORDER_SHIFT) == order;
}

/* Models expand(): split a 2^high block at pfn down to 2^low, putting the
 * upper halves on the free lists of migratetype mt and keeping the
 * lowest part. */
static inline void expand(struct frames *f, struct zone *z, pfn_t pfn, unsigned low, unsigned high,
			  unsigned mt)
{
	while (high > low) {
		high--;
		add_to_free_list(f, z, pfn + (1u << high), high, mt, false);
	}
}

/* Models __rmqueue_smallest(): the smallest free block of order >= order
 * on migratetype mt's lists, taken from the head of its list. The caller
 * accounts nr_free. */
static inline pfn_t rmqueue_smallest(struct frames *f, struct zone *z, unsigned order, unsigned mt)
{
	for (unsigned o = order; o <= MAX_ORDER; o++) {
		pfn_t pfn = z->free_area[o][mt].head;

		if (pfn == NOPFN)
			continue;
		del_page_from_free_list(f, z, pfn, o);
		expand(f, z, pfn, order, o, mt);
		return pfn;
	}
	return NOPFN;
}

/* fallbacks[] of mm/page_alloc.c: which lists a migratetype steals from,
 * in order. */
static const unsigned char fallbacks[MIGRATE_PCPTYPES][2] = {
	[MIGRATE_UNMOVABLE] = {MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE},
	[MIGRATE_MOVABLE] = {MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE},
	[MIGRATE_RECLAIMABLE] = {MIGRATE_UNMOVABLE, MIGRATE_MOVABLE},
};

/* Models can_steal_fallback(): may a fallback of this (found) order take
 * the whole pageblock? Large blocks, and unmovable or reclaimable
 * requests, which would fragment anyway. */
static inline bool can_steal_fallback(unsigned order, unsigned start_mt)
{
	return order >= PAGEBLOCK_ORDER / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE;
}

/* Models find_suitable_fallback(area, order, start_mt, false, &can_steal):
 * the first fallback migratetype with a free block of this order, or -1. */
static int find_suitable_fallback(const struct zone *z, unsigned order, unsigned start_mt,
				  bool *can_steal)
{
	*can_steal = false;
	for (int i = 0; i < 2; i++) {
		unsigned mt = fallbacks[start_mt][i];

		if (z->free_area[order][mt].head == NOPFN)
			continue;
		*can_steal = can_steal_fallback(order, start_mt);
		return (int)mt;
	}
	return -1;
}

/* Models change_pageblock_range(). */
static void change_pageblock_range(struct mem *m, pfn_t pfn, unsigned order, unsigned mt)
{
	uint64_t nr = order >= PAGEBLOCK_ORDER ? 1ULL << (order - PAGEBLOCK_ORDER) : 1;

	for (uint64_t i = 0; i < nr; i++)
		m->pageblock_mt[(pfn >> PAGEBLOCK_ORDER) + i] = (uint8_t)mt;
}

/*
 * Models move_freepages_block() (6.1) / prep_move_freepages_block() +
 * __move_freepages_block() (6.10 on): the free blocks of pfn's pageblock,
 * counted and, if move, put on migratetype mt's lists; *movable counts
 * its in-use LRU pages. A pageblock not wholly inside the zone cannot be
 * moved: returns -1.
 */
static int64_t freepages_block(struct mem *m, struct zone *z, pfn_t pfn, unsigned mt, bool move,
			       uint64_t *movable)
{
	struct frames *f = &m->f;
	uint64_t start = pfn & ~(uint64_t)(PAGEBLOCK_NR_PAGES - 1);
	uint64_t end = start + PAGEBLOCK_NR_PAGES;
	int64_t free = 0;

	*movable = 0;
	if (start < z->start_pfn || end > (uint64_t)z->start_pfn + z->present_pages)
		return -1;
	for (uint64_t p = start; p < end;) {
		uint32_t fl = f->flags[p];

		if (!(fl & PG_buddy)) {
			if (fl & PG_lru)
				(*movable)++;
			p++;
			continue;
		}
		unsigned o = (fl & PG_ORDER_MASK) >> PG_ORDER_SHIFT;

		if (move)
			move_to_free_list(f, z, (pfn_t)p, o, mt);
		free += 1 << o;
		p += 1ULL << o;
	}
	return free;
}

/*
 * Models boost_watermark(): a fragmenting fallback raises the zone's
 * watermarks by a pageblock, up to watermark_boost_factor/10000 of the
 * high watermark (at least a pageblock); not in zones smaller than four
 * pageblocks, nor with vm.watermark_boost_factor = 0.
 */
static bool boost_watermark(struct sim *s, struct zone *z)
{
	uint64_t factor = (uint64_t)tun(&s->tun, TUN_WATERMARK_BOOST_FACTOR);
	uint64_t max_boost;

	if (!factor || (uint64_t)PAGEBLOCK_NR_PAGES * 4 > z->managed_pages)
		return false;
	max_boost = (z->wmark[WMARK_HIGH] / 10000) * factor +
		    ((z->wmark[WMARK_HIGH] % 10000) * factor) / 10000;
	if (!max_boost)
		return false;
	if (max_boost < PAGEBLOCK_NR_PAGES)
		max_boost = PAGEBLOCK_NR_PAGES;
	z->watermark_boost += PAGEBLOCK_NR_PAGES;
	if (z->watermark_boost > max_boost)
		z->watermark_boost = max_boost;
	return true;
}

/*
 * Models steal_suitable_fallback(): takes an order-`order` block out of
 * the free block at pfn (order current_order, on fallback_mt's list) for
 * a start_mt allocation. A block of a pageblock or more changes owner
 * outright; a smaller one boosts the watermarks (and, with ALLOC_KSWAPD,
 * sets ZONE_BOOSTED_WATERMARK) and, when whole_block, claims the
 * pageblock if at least half of it is free or alike. 6.1-6.9 move the
 * block's free pages to start_mt's lists even when the claim fails, and
 * take the page from start_mt's lists afterwards (__rmqueue()'s retry);
 * from 6.10 a failed claim moves nothing and the rest of the split block
 * stays on the pageblock's own lists.
 */
static pfn_t steal_suitable_fallback(struct sim *s, struct zone *z, pfn_t pfn,
				     unsigned current_order, unsigned order, unsigned start_mt,
				     unsigned fallback_mt, unsigned alloc_flags, bool whole_block);

/* Models __rmqueue_fallback(): the largest free block of a fallback
 * migratetype (ALLOC_NOFRAGMENT: pageblocks only), or, for a movable
 * request that may not take the whole pageblock, the smallest. */
static pfn_t rmqueue_fallback(struct sim *s, struct zone *z, unsigned order, unsigned start_mt,
			      unsigned alloc_flags);

static void free_unref_page(struct sim *s, struct zone *z, pfn_t pfn, unsigned order);
static inline bool pcp_allowed_order(unsigned order);

/* Models buddy_merge_likely(): if the block one order up could merge too,
 * the freed block goes to the list tail so it stays free longer. */
static inline bool buddy_merge_likely(const struct mem *m, pfn_t pfn, unsigned order,
				      const struct zone *z)
{
	if (order >= MAX_ORDER - 1)
		return false;
	pfn_t higher = pfn & ~(1u << order);

	return page_is_buddy(m, higher ^ (1u << (order + 1)), order + 1, z);
}

/* Models ____free_one_page(): merge with free buddies while possible; the
 * result goes to the free list of migratetype mt (the freed page's
 * pageblock's). */
static inline void __free_one_page(struct mem *m, struct zone *z, pfn_t pfn, unsigned order,
				   unsigned mt, bool to_tail)
{
	struct frames *f = &m->f;

	SIM_ASSERT(order <= MAX_ORDER && !(pfn & ((1u << order) - 1)) &&
		   pfn - z->start_pfn < z->present_pages);
	z->nr_free += 1u << order;
	while (order < MAX_ORDER) {
		pfn_t buddy = pfn ^ (1u << order);

		if (!page_is_buddy(m, buddy, order, z))
			break;
		del_page_from_free_list(f, z, buddy, order);
		pfn &= buddy;
		order++;
	}
	add_to_free_list(f, z, pfn, order, mt, to_tail || buddy_merge_likely(m, pfn, order, z));
}

/* Models __free_pages() / __free_pages_ok(). */
void __free_pages(struct sim *s, pfn_t pfn, unsigned order)
{
	struct mem *m = &s->mem;
	struct zone *z = page_zone(m, pfn);

	/* free_pages_prepare(): the head forgets what it was; it must be on
	 * no list (a free block's head or an LRU page freed twice). */
	SIM_ASSERT(!(m->f.flags[pfn] & (PG_buddy | PG_lru)));
	page_reset_flags(&m->f, pfn);
	m->f.mapping[pfn] = 0;
	m->f.mapcount[pfn] = 0;
	m->f.last_cpupid[pfn] = 0; /* page_cpupid_reset_last() */
	if (z->pcp && pcp_allowed_order(order))
		free_unref_page(s, z, pfn, order);
	else
		__free_one_page(m, z, pfn, order, get_pageblock_migratetype(m, pfn), false);
	z->pgfree += 1u << order;
	m->events[PGFREE] += 1u << order;
}

static pfn_t steal_suitable_fallback(struct sim *s, struct zone *z, pfn_t pfn,
				     unsigned current_order, unsigned order, unsigned start_mt,
				     unsigned fallback_mt, unsigned alloc_flags, bool whole_block)
{
	struct mem *m = &s->mem;
	struct frames *f = &m->f;
	unsigned block_mt = get_pageblock_migratetype(m, pfn);
	bool claim_moves_only = kernel_at_least(&s->tun, 6, 10);
	uint64_t movable;
	int64_t free;

	if (current_order >= PAGEBLOCK_ORDER) {
		/* Take ownership for orders >= pageblock_order */
		del_page_from_free_list(f, z, pfn, current_order);
		change_pageblock_range(m, pfn, current_order, start_mt);
		expand(f, z, pfn, order, current_order, start_mt);
		return pfn;
	}
	if (boost_watermark(s, z) && (alloc_flags & ALLOC_KSWAPD))
		z->boosted_wake = true;
	if (whole_block) {
		free = freepages_block(m, z, pfn, start_mt, false, &movable);
		if (free > 0) {
			uint64_t alike = start_mt == MIGRATE_MOVABLE ? movable
					 : block_mt == MIGRATE_MOVABLE
						 ? PAGEBLOCK_NR_PAGES - (uint64_t)free - movable
						 : 0;
			bool claim = (uint64_t)free + alike >= PAGEBLOCK_NR_PAGES / 2;

			if (claim)
				m->pageblock_mt[pfn >> PAGEBLOCK_ORDER] = (uint8_t)start_mt;
			if (claim || !claim_moves_only) {
				freepages_block(m, z, pfn, start_mt, true, &movable);
				return rmqueue_smallest(f, z, order, start_mt);
			}
		}
	}
	/* single_page */
	if (claim_moves_only) {
		/* page_del_and_expand(): the rest stays on the block's lists */
		del_page_from_free_list(f, z, pfn, current_order);
		expand(f, z, pfn, order, current_order, fallback_mt);
		return pfn;
	}
	move_to_free_list(f, z, pfn, current_order, start_mt);
	return rmqueue_smallest(f, z, order, start_mt);
}

static pfn_t rmqueue_fallback(struct sim *s, struct zone *z, unsigned order, unsigned start_mt,
			      unsigned alloc_flags)
{
	int min_order = (alloc_flags & ALLOC_NOFRAGMENT) && order < PAGEBLOCK_ORDER
				? PAGEBLOCK_ORDER
				: (int)order;
	int current_order, fmt = -1;
	bool can_steal = false;

	for (current_order = MAX_ORDER; current_order >= min_order; current_order--) {
		fmt = find_suitable_fallback(z, (unsigned)current_order, start_mt, &can_steal);
		if (fmt < 0)
			continue;
		if (!can_steal && start_mt == MIGRATE_MOVABLE && current_order > (int)order) {
			/* find_smallest: split the smallest block instead */
			for (current_order = (int)order; current_order <= MAX_ORDER;
			     current_order++) {
				fmt = find_suitable_fallback(z, (unsigned)current_order, start_mt,
							     &can_steal);
				if (fmt >= 0)
					break;
			}
		}
		break;
	}
	if (fmt < 0 || current_order < min_order || current_order > MAX_ORDER)
		return NOPFN;
	s->mem.extfrag_events++;
	return steal_suitable_fallback(s, z, z->free_area[current_order][fmt].head,
				       (unsigned)current_order, order, start_mt, (unsigned)fmt,
				       alloc_flags, can_steal);
}

/* Models __rmqueue(): the request's own migratetype first, then a
 * fallback. Accounts the zone's free pages. */
static inline pfn_t rmqueue_buddy(struct sim *s, struct zone *z, unsigned order, unsigned mt,
				  unsigned alloc_flags)
{
	pfn_t pfn = rmqueue_smallest(&s->mem.f, z, order, mt);

	if (pfn == NOPFN)
		pfn = rmqueue_fallback(s, z, order, mt, alloc_flags);
	if (pfn != NOPFN)
		z->nr_free -= 1u << order;
	return pfn;
}

/* ------------------------------------------------------------------ */
/* per-CPU page lists (sim.pcp)                                        */

#define PCP_BATCH_SCALE_MAX 5 /* CONFIG_PCP_BATCH_SCALE_MAX */
#define MIN_PERCPU_PAGELIST_HIGH_FRACTION 8

static inline bool pcp_autotune(const struct sim *s)
{
	return kernel_at_least(&s->tun, 6, 7);
}

/* Models pcp_allowed_order(): the orders up to PAGE_ALLOC_COSTLY_ORDER
 * and the THP order go through the per-CPU lists (5.13 on). */
static inline bool pcp_allowed_order(unsigned order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || order == PAGEBLOCK_ORDER;
}

/* Models order_to_pindex(): a list per migratetype and order up to
 * PAGE_ALLOC_COSTLY_ORDER, then the THP order's: one before 6.10, from
 * 6.10 one for movable pages and one for the rest. */
static inline unsigned order_to_pindex(const struct sim *s, unsigned mt, unsigned order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return NR_LOWORDER_PCP_LISTS +
		       (kernel_at_least(&s->tun, 6, 10) && mt == MIGRATE_MOVABLE ? 1u : 0u);
	return MIGRATE_PCPTYPES * order + mt;
}

/* The CPU whose lists an allocation or free uses: the running task's,
 * else (kswapd and other kernel work) the first CPU of the page's node. */
static int pcp_cpu(const struct sim *s, int nid)
{
	if (s->current && s->current->cpu >= 0 && s->current->cpu < s->topo->nr_cpus)
		return s->current->cpu;
	int c = first_cpu(&s->topo->nodes[nid].cpus);

	return c >= 0 && c < s->topo->nr_cpus ? c : 0;
}

/* ZONE_RECLAIM_ACTIVE: set by balance_pgdat() on the zones it balances,
 * while it runs. */
static inline bool zone_reclaim_active(const struct sim *s, const struct zone *z)
{
	const struct pglist_data *pg = &s->mem.nodes[z->node];

	return pg->kswapd_in_run && (int)z->type <= pg->kswapd_highest_zoneidx;
}

/* Models zone_batchsize(): a quarter of a thousandth of the zone (at most
 * 1 MiB's worth), rounded to 2^n - 1. */
static uint32_t zone_batchsize(const struct zone *z)
{
	uint64_t batch = z->managed_pages >> 10;

	if (batch > 256)
		batch = 256;
	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch += batch / 2;
	while (batch & (batch - 1))
		batch &= batch - 1;
	return (uint32_t)(batch - 1 ? batch - 1 : 1);
}

/* Models zone_highsize(): the low watermark (or, with a fraction,
 * managed / fraction) split over the node's CPUs, at least 4 batches. */
static uint32_t zone_highsize(const struct sim *s, const struct zone *z, uint32_t batch,
			      unsigned fraction)
{
	uint64_t total = fraction ? z->managed_pages / fraction : wmark_pages(z, WMARK_LOW);
	unsigned cpus = s->topo->nodes[z->node].nr_cpus;
	uint64_t high;

	if (!cpus)
		cpus = (unsigned)s->topo->nr_cpus ? (unsigned)s->topo->nr_cpus : 1;
	high = total / cpus;
	if (high < (uint64_t)batch << 2)
		high = (uint64_t)batch << 2;
	return (uint32_t)high;
}

/* Models zone_pcp_update() -> zone_set_pageset_high_and_batch(): before
 * 6.7 high is fixed at zone_highsize(); from 6.7 it moves between that
 * (high_min) and managed / 8 per CPU (high_max). */
static void zone_pcp_update(struct sim *s)
{
	for (int n = 0; n < s->mem.nr_nodes; n++)
		for (int t = 0; t < MAX_NR_ZONES; t++) {
			struct zone *z = &s->mem.nodes[n].zones[t];

			if (!z->pcp)
				continue;
			uint32_t batch = zone_batchsize(z);
			uint32_t hmin = zone_highsize(s, z, batch, 0);
			uint32_t hmax = pcp_autotune(s)
						? zone_highsize(s, z, batch,
								MIN_PERCPU_PAGELIST_HIGH_FRACTION)
						: hmin;

			for (int c = 0; c < s->topo->nr_cpus; c++) {
				struct per_cpu_pages *pcp = &z->pcp[c];

				pcp->batch = batch;
				pcp->high_min = hmin;
				pcp->high_max = hmax < hmin ? hmin : hmax;
				if (!pcp_autotune(s) || pcp->high < hmin)
					pcp->high = hmin;
				if (pcp->high > pcp->high_max)
					pcp->high = pcp->high_max;
			}
		}
}

/* Models free_pcppages_bulk(): count pages back to the buddy lists, from
 * the tail of list pindex first, then round robin over the lists; a
 * block counts its pages, so the last one can take count below zero. */
static void free_pcppages_bulk(struct sim *s, struct zone *z, struct per_cpu_pages *pcp,
			       uint32_t count, unsigned pindex)
{
	struct frames *f = &s->mem.f;
	int64_t left = count < pcp->count ? count : pcp->count;

	pindex = (pindex + NR_PCP_LISTS - 1) % NR_PCP_LISTS;
	while (left > 0) {
		struct frame_list *l;

		do {
			pindex = (pindex + 1) % NR_PCP_LISTS;
			l = &pcp->lists[pindex];
		} while (l->head == NOPFN);
		unsigned order = pindex_to_order(pindex);

		do {
			pfn_t pfn = l->tail;

			flist_del(f, l, pfn);
			page_reset_flags(f, pfn);
			pcp->count -= 1u << order;
			z->pcp_pages -= 1u << order;
			left -= 1 << order;
			__free_one_page(&s->mem, z, pfn, order,
					get_pageblock_migratetype(&s->mem, pfn), false);
		} while (left > 0 && l->head != NOPFN);
	}
}

/* high = pcp->high = clamp(pcp->high, high_min, high_max), as
 * nr_pcp_high() and nr_pcp_alloc() begin (6.7 on). */
static inline uint32_t pcp_clamp_high(struct per_cpu_pages *pcp)
{
	if (pcp->high < pcp->high_min)
		pcp->high = pcp->high_min;
	if (pcp->high > pcp->high_max)
		pcp->high = pcp->high_max;
	return pcp->high;
}

/* Models nr_pcp_high(): how full the list may get before a free drains
 * it; reclaim in progress caps it at 4 batches (6.7 on also lowers high
 * towards high_min while the zone is below its high watermark or
 * reclaimed, and raises it when a full list keeps being freed to). */
static uint32_t nr_pcp_high(const struct sim *s, const struct zone *z, struct per_cpu_pages *pcp)
{
	uint32_t batch = pcp->batch, high;

	if (!pcp_autotune(s)) {
		high = pcp->high;
		if (zone_reclaim_active(s, z) && high > batch << 2)
			high = batch << 2;
		return high;
	}
	high = pcp_clamp_high(pcp);
	if (!high)
		return 0;
	uint32_t free_count = pcp->free_count > batch ? pcp->free_count : batch;

	if (zone_reclaim_active(s, z)) {
		pcp->high = high > pcp->high_min + free_count ? high - free_count : pcp->high_min;
		return batch << 2 < pcp->high ? batch << 2 : pcp->high;
	}
	if (pcp->high_min == pcp->high_max)
		return high;
	if (z->below_high) {
		pcp->high = high > pcp->high_min + free_count ? high - free_count : pcp->high_min;
		high = pcp->count > pcp->high_min ? pcp->count : pcp->high_min;
	} else if (pcp->count >= high) {
		uint32_t need = pcp->free_count + batch;

		if (pcp->high < need)
			pcp->high = need < pcp->high_min   ? pcp->high_min
				    : need > pcp->high_max ? pcp->high_max
							   : need;
	}
	return high;
}

/* Models nr_pcp_free(): how many pages a full list gives back, at least
 * a batch, leaving a batch; 6.1 doubles it for consecutive frees
 * (free_factor), 6.7 on frees as many as were freed in a row. */
static uint32_t nr_pcp_free(const struct sim *s, struct per_cpu_pages *pcp, uint32_t high)
{
	uint32_t batch = pcp->batch, lo = batch, hi;

	if (high < batch)
		return 1;
	hi = high - batch;
	if (pcp_autotune(s)) {
		batch = pcp->free_count;
	} else {
		batch <<= pcp->free_factor;
		if (batch < hi)
			pcp->free_factor++;
	}
	return batch < lo ? lo : batch > hi ? hi : batch;
}

/* free_unref_page_commit()'s free_high, a free of order 1-3 in a run of
 * frees: 6.1 when a free drained the lists since the last allocation
 * (free_factor); 6.7 on after a batch of frees that ended with one of
 * order 1-3 (PCPF_FREE_HIGH_BATCH, set where the CPU's share of its
 * cache exceeds three batches, is not modelled: its data-cache slice
 * depends on the host). Notes this free's order for the next. */
static bool pcp_free_high(const struct sim *s, struct per_cpu_pages *pcp, unsigned order)
{
	bool high_order = order && order <= PAGE_ALLOC_COSTLY_ORDER;
	bool free_high =
		high_order && (pcp_autotune(s) ? pcp->free_count >= pcp->batch &&
							 (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER)
					       : pcp->free_factor);

	if (high_order)
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	else
		pcp->flags &= (uint8_t)~PCPF_PREV_FREE_HIGH_ORDER;
	return free_high;
}

/* Models free_unref_page() -> free_unref_page_commit(): the block goes
 * onto the head of this CPU's list for its order and its pageblock's
 * migratetype; a list at its high mark gives pages back to the buddy
 * lists. A free_high free (pcp_free_high()) gives back the whole lists
 * (6.1) or up to 32 batches, lowering high by as much (6.7 on:
 * nr_pcp_high(), nr_pcp_free()). */
static void free_unref_page(struct sim *s, struct zone *z, pfn_t pfn, unsigned order)
{
	struct per_cpu_pages *pcp = &z->pcp[pcp_cpu(s, z->node)];
	unsigned mt = get_pageblock_migratetype(&s->mem, pfn);
	unsigned pindex = order_to_pindex(s, mt, order);
	bool free_high;
	uint32_t high, n;

	page_init_pcp(&s->mem.f, pfn, order);
	flist_add_head(&s->mem.f, &pcp->lists[pindex], pfn);
	pcp->count += 1u << order;
	z->pcp_pages += 1u << order;
	free_high = pcp_free_high(s, pcp, order);
	if (pcp_autotune(s)) {
		pcp->alloc_factor >>= 1;
		if (pcp->free_count < pcp->batch << PCP_BATCH_SCALE_MAX)
			pcp->free_count += 1u << order;
	}
	if (free_high) {
		n = pcp->count;
		if (pcp_autotune(s)) {
			uint32_t most = pcp->batch << PCP_BATCH_SCALE_MAX;
			uint32_t high_now = pcp_clamp_high(pcp);

			pcp->high =
				high_now > pcp->high_min + most ? high_now - most : pcp->high_min;
			n = n < most ? n : most;
		}
	} else {
		high = nr_pcp_high(s, z, pcp);
		if (pcp->count < high)
			return;
		n = nr_pcp_free(s, pcp, high);
	}
	free_pcppages_bulk(s, z, pcp, n, pindex);
	if (z->below_high && zone_watermark_ok(z, 0, wmark_pages(z, WMARK_HIGH), ZONE_MOVABLE))
		z->below_high = false;
}

/* A refill's batch in blocks of its order: the pages' batch scaled down
 * by the order, at least 2 (unless the batch is 1). */
static inline uint32_t pcp_order_batch(uint32_t batch, unsigned order)
{
	if (batch <= 1)
		return batch;
	batch >>= order;
	return batch > 2 ? batch : 2;
}

/* Models nr_pcp_alloc() (6.7 on): a refill grows high by the batch it
 * takes (while the zone is above its high watermark); order-0 refills
 * double the batch on consecutive refills (alloc_factor). Returns
 * blocks of the order (pcp_order_batch()). */
static uint32_t nr_pcp_alloc(struct per_cpu_pages *pcp, const struct zone *z, unsigned order)
{
	uint32_t base = pcp->batch, batch, high = pcp_clamp_high(pcp), max_nr;

	if (high < base)
		return 1;
	batch = order ? base : base << pcp->alloc_factor;
	if (pcp->high_min != pcp->high_max && !z->below_high) {
		high = high + batch < pcp->high_max ? high + batch : pcp->high_max;
		pcp->high = high;
	}
	if (!order) {
		max_nr = high > pcp->count + base + base ? high - pcp->count - base : base;
		if (batch <= max_nr && pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = batch < max_nr ? batch : max_nr;
	}
	return pcp_order_batch(batch, order);
}

/* The allocating side of the pcp counters' decay: each allocation
 * halves the run of frees that sizes the next drain (free_count from 6.7,
 * free_factor before). */
static inline void pcp_alloc_decay(struct sim *s, struct per_cpu_pages *pcp)
{
	if (pcp_autotune(s))
		pcp->free_count >>= 1;
	else
		pcp->free_factor >>= 1;
}

/* Takes the head of a pcp list of blocks of the order, which must not
 * be empty. */
static inline pfn_t pcp_take_head(struct frames *f, struct zone *z, struct per_cpu_pages *pcp,
				  struct frame_list *l, unsigned order)
{
	pfn_t pfn = l->head;

	flist_del(f, l, pfn);
	page_reset_flags(f, pfn);
	pcp->count -= 1u << order;
	z->pcp_pages -= 1u << order;
	return pfn;
}

/* Models rmqueue_pcplist() -> __rmqueue_pcplist(): the head of this
 * CPU's list for the order and migratetype; an empty list is refilled
 * with a batch of blocks from the buddy lists (rmqueue_bulk(), fallbacks
 * included): the pages' batch scaled down by the order, at least 2
 * (nr_pcp_alloc() from 6.7). */
static pfn_t rmqueue_pcplist(struct sim *s, struct zone *z, unsigned order, unsigned mt,
			     unsigned alloc_flags)
{
	struct frames *f = &s->mem.f;
	struct per_cpu_pages *pcp = &z->pcp[pcp_cpu(s, z->node)];
	struct frame_list *l = &pcp->lists[order_to_pindex(s, mt, order)];

	pcp_alloc_decay(s, pcp);
	if (l->head == NOPFN) {
		uint32_t n = pcp_autotune(s) ? nr_pcp_alloc(pcp, z, order)
					     : pcp_order_batch(pcp->batch, order);

		for (uint32_t i = 0; i < n; i++) {
			pfn_t p = rmqueue_buddy(s, z, order, mt, alloc_flags);

			if (p == NOPFN)
				break;
			page_init_pcp(f, p, order);
			flist_add_tail(f, l, p);
			pcp->count += 1u << order;
			z->pcp_pages += 1u << order;
		}
		if (l->head == NOPFN)
			return NOPFN;
	}
	return pcp_take_head(f, z, pcp, l, order);
}

/* Models drain_all_pages(): every CPU's lists back to the buddy lists. */
static void drain_all_pages(struct sim *s)
{
	for (int n = 0; n < s->mem.nr_nodes; n++)
		for (int t = 0; t < MAX_NR_ZONES; t++)
			drain_zone_pages(s, &s->mem.nodes[n].zones[t], true);
}

static bool __zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
				int highest_zoneidx, unsigned alloc_flags, int64_t free_pages);

/* Models drain_local_pages(zone) (with the CPU kernel work uses,
 * pcp_cpu()) and drain_all_pages(zone): a zone's per-CPU lists back to
 * its buddy lists. */
void drain_zone_pages(struct sim *s, struct zone *z, bool all_cpus)
{
	if (!z->pcp || !z->pcp_pages)
		return;
	if (!all_cpus) {
		struct per_cpu_pages *pcp = &z->pcp[pcp_cpu(s, z->node)];

		free_pcppages_bulk(s, z, pcp, pcp->count, 0);
		return;
	}
	for (int c = 0; c < s->topo->nr_cpus; c++)
		free_pcppages_bulk(s, z, &z->pcp[c], z->pcp[c].count, 0);
}

/* Models __isolate_free_page() for compaction: the free block whose head
 * is pfn leaves the buddy lists whole if the zone stays above its min
 * watermark (without the boost) by the block; a block of half a
 * pageblock or more makes its pageblocks movable. Returns the pages
 * taken (bare frames), or 0. */
uint64_t isolate_free_page(struct sim *s, pfn_t pfn)
{
	struct mem *m = &s->mem;
	struct zone *z = page_zone(m, pfn);
	unsigned order = frame_order(&m->f, pfn);

	if (!__zone_watermark_ok(z, 0, z->wmark[WMARK_MIN] + (1u << order), 0, 0,
				 (int64_t)z->nr_free))
		return 0;
	del_page_from_free_list(&m->f, z, pfn, order);
	z->nr_free -= 1u << order;
	if (order >= PAGEBLOCK_ORDER - 1)
		change_pageblock_range(m, pfn, order, MIGRATE_MOVABLE);
	return 1u << order;
}

static int alloc_pcp(struct sim *s, struct nerr *err)
{
	for (int n = 0; n < s->mem.nr_nodes; n++)
		for (int t = 0; t < MAX_NR_ZONES; t++) {
			struct zone *z = &s->mem.nodes[n].zones[t];

			if (!zone_populated(z))
				continue;
			z->pcp = sim_calloc(s, (size_t)(s->topo->nr_cpus ? s->topo->nr_cpus : 1),
					    sizeof(*z->pcp));
			if (!z->pcp)
				return nerr_set(err, "out of host memory for per-CPU page lists");
			for (int c = 0; c < s->topo->nr_cpus; c++)
				for (int i = 0; i < NR_PCP_LISTS; i++)
					flist_init(&z->pcp[c].lists[i]);
		}
	return 0;
}

/* ------------------------------------------------------------------ */
/* watermarks                                                          */

/* Models __zone_watermark_ok(): free_pages is passed in so
 * should_reclaim_retry() can ask "if everything reclaimable were free". */
static bool __zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
				int highest_zoneidx, unsigned alloc_flags, int64_t free_pages)
{
	int64_t min = (int64_t)mark;

	free_pages -= (int64_t)(1u << order) - 1;
	if (alloc_flags & ALLOC_MIN_RESERVE) {
		min -= min / 2;
		if (alloc_flags & ALLOC_NON_BLOCK)
			min -= min / 4;
	}
	if (free_pages <= min + (int64_t)z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	for (unsigned o = order; o <= MAX_ORDER; o++)
		for (unsigned mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (z->free_area[o][mt].nr)
				return true;
	return false;
}

bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark, int highest_zoneidx)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, 0, (int64_t)z->nr_free);
}

/* Floor of the square root (int_sqrt()). */
static uint64_t int_sqrt64(uint64_t x)
{
	uint64_t r = 0, bit = 1ULL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

uint64_t nr_free_buffer_pages(const struct sim *s)
{
	uint64_t pages = 0;

	for (int n = 0; n < s->mem.nr_nodes; n++)
		for (int t = 0; t <= ZONE_NORMAL; t++) {
			const struct zone *z = &s->mem.nodes[n].zones[t];

			if (z->managed_pages > z->wmark[WMARK_HIGH])
				pages += z->managed_pages - z->wmark[WMARK_HIGH];
		}
	return pages;
}

/*
 * Models calculate_min_free_kbytes(): int_sqrt(lowmem_kbytes * 16) clamped
 * to [128, 262144], where lowmem_kbytes is nr_free_buffer_pages(): managed
 * pages of the zones GFP_USER may use (up to ZONE_NORMAL), minus their high
 * watermark, which is still 0 when this runs at boot.
 */
uint64_t calculate_min_free_kbytes(const struct sim *s)
{
	uint64_t kb = nr_free_buffer_pages(s) * (s->topo->page_size >> 10);
	uint64_t v = int_sqrt64(kb * 16);

	return v < 128 ? 128 : v > 262144 ? 262144 : v;
}

static uint64_t mult_frac(uint64_t x, uint64_t n, uint64_t d)
{
	return (x / d) * n + ((x % d) * n) / d;
}

/*
 * Models __setup_per_zone_wmarks(). On a 64-bit kernel no zone is highmem
 * (ZONE_MOVABLE counts as highmem only when carved out of HIGHMEM), so
 * every zone gets min = pages_min * managed / lowmem_pages.
 */
static void setup_wmarks(struct sim *s)
{
	uint64_t pages_min = s->min_free_kbytes >> (s->topo->page_shift - 10);
	uint64_t wsf = (uint64_t)tun(&s->tun, TUN_WATERMARK_SCALE_FACTOR);
	uint64_t lowmem_pages = 0;

	for (int n = 0; n < s->mem.nr_nodes; n++)
		for (int t = 0; t < MAX_NR_ZONES; t++)
			lowmem_pages += s->mem.nodes[n].zones[t].managed_pages;
	for (int n = 0; n < s->mem.nr_nodes; n++) {
		for (int t = 0; t < MAX_NR_ZONES; t++) {
			struct zone *z = &s->mem.nodes[n].zones[t];
			uint64_t min =
				lowmem_pages ? pages_min * z->managed_pages / lowmem_pages : 0;
			uint64_t gap = mult_frac(z->managed_pages, wsf, 10000);

			if (min >> 2 > gap)
				gap = min >> 2;
			z->wmark[WMARK_MIN] = min;
			z->wmark[WMARK_LOW] = min + gap;
			z->wmark[WMARK_HIGH] = min + 2 * gap;
			z->wmark[WMARK_PROMO] = min + 3 * gap;
			z->watermark_boost = 0;
		}
	}
}

/*
 * Models setup_per_zone_lowmem_reserve(): lowmem_reserve[j] of zone i < j
 * is the managed memory of zones i+1..j divided by the ratio of zone i,
 * or 0 when the ratio is 0 or zone i is empty.
 */
static void setup_lowmem_reserve(struct sim *s)
{
	const int64_t ratio[MAX_NR_ZONES] = {
		tun(&s->tun, TUN_LOWMEM_RESERVE_RATIO_DMA),
		tun(&s->tun, TUN_LOWMEM_RESERVE_RATIO_DMA32),
		tun(&s->tun, TUN_LOWMEM_RESERVE_RATIO_NORMAL),
		0,
	};

	for (int n = 0; n < s->mem.nr_nodes; n++) {
		struct pglist_data *pg = &s->mem.nodes[n];

		for (int i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *z = &pg->zones[i];
			bool clear = ratio[i] < 1 || !z->managed_pages;
			uint64_t managed = 0;

			memset(z->lowmem_reserve, 0, sizeof(z->lowmem_reserve));
			for (int j = i + 1; j < MAX_NR_ZONES; j++) {
				managed += pg->zones[j].managed_pages;
				z->lowmem_reserve[j] = clear ? 0 : managed / (uint64_t)ratio[i];
			}
		}
	}
}

static void zone_pcp_update(struct sim *s);

/* Models setup_per_zone_wmarks(): the watermarks, then every zone's pcp
 * batch and high, which follow them (zone_pcp_update()). */
void setup_per_zone_wmarks(struct sim *s)
{
	setup_wmarks(s);
	setup_lowmem_reserve(s);
	zone_pcp_update(s);
}

/* ------------------------------------------------------------------ */
/* zonelists                                                           */

/* Models build_zonerefs_node(): populated zones, highest type first. */
static int add_node_zones(struct pglist_data *pg, struct zone **zl)
{
	int nr = 0;

	for (int t = MAX_NR_ZONES - 1; t >= 0; t--)
		if (zone_populated(&pg->zones[t]))
			zl[nr++] = &pg->zones[t];
	return nr;
}

/*
 * Models build_zonelists() for every node: the node order comes from
 * topo_all_node_orders() (find_next_best_node() with node_load shared
 * across nodes, as __build_all_zonelists() does); each node contributes
 * its populated zones, highest type first (build_zonerefs_node()).
 */
static int build_zonelists(struct sim *s, struct nerr *err)
{
	struct mem *m = &s->mem;
	int nn = m->nr_nodes;
	size_t nsz = nn > 0 ? (size_t)nn : 1;
	int *orders = sim_calloc(s, nsz * nsz, sizeof(int));
	int *counts = sim_calloc(s, nsz, sizeof(int));
	int rc = 0;

	if (!orders || !counts) {
		rc = nerr_set(err, "out of memory building zonelists");
		goto out;
	}
	topo_all_node_orders(s->topo, orders, counts);
	for (int local = 0; local < nn && rc == 0; local++) {
		struct pglist_data *pg = &m->nodes[local];

		pg->node_order = sim_calloc(s, nsz, sizeof(int));
		pg->zonelist = sim_calloc(s, nsz * MAX_NR_ZONES, sizeof(struct zone *));
		if (!pg->node_order || !pg->zonelist) {
			rc = nerr_set(err, "out of memory building zonelists");
			break;
		}
		pg->nr_node_order = 0;
		pg->nr_zonelist = 0;
		for (int i = 0; i < counts[local]; i++) {
			int node = orders[local * nn + i];

			pg->node_order[pg->nr_node_order++] = node;
			pg->nr_zonelist +=
				add_node_zones(&m->nodes[node], pg->zonelist + pg->nr_zonelist);
			if (node == local)
				pg->nr_thisnode_zones = pg->nr_zonelist;
		}
	}
out:
	free(orders);
	free(counts);
	return rc;
}

/* ------------------------------------------------------------------ */
/* boot                                                                */

/* Zone sizes of a node in bytes: its declared zones, or one Normal zone. */
static int node_zone_bytes(const struct topo_node *tn, uint64_t out[MAX_NR_ZONES], struct nerr *err)
{
	uint64_t sum = 0;

	for (int t = 0; t < MAX_NR_ZONES; t++)
		sum += out[t] = tn->zone_bytes[t];
	if (sum == 0) {
		out[ZONE_NORMAL] = tn->memory_bytes;
		return 0;
	}
	if (sum != tn->memory_bytes)
		return nerr_set(err, "node %d: zones sum to %llu bytes but memory is %llu", tn->id,
				(unsigned long long)sum, (unsigned long long)tn->memory_bytes);
	return 0;
}

/*
 * The frame arrays are anonymous mappings: zero and lazily backed, so a
 * 1 TiB machine costs host memory only for what is touched, and advised
 * to use huge pages, which cuts the page faults of boot by 512.
 */
static void *frame_array(uint64_t nr, size_t elem)
{
	size_t bytes = (size_t)(nr ? nr : 1) * elem;
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

static void frame_array_free(void *p, uint64_t nr, size_t elem)
{
	if (p)
		munmap(p, (size_t)(nr ? nr : 1) * elem);
}

static int alloc_frames(struct frames *f, uint64_t nr, struct nerr *err)
{
	f->nr = nr;
	f->next = frame_array(nr, sizeof(uint32_t));
	f->prev = frame_array(nr, sizeof(uint32_t));
	f->flags = frame_array(nr, sizeof(uint32_t));
	f->mapping = frame_array(nr, sizeof(uint32_t));
	f->index = frame_array(nr, sizeof(uint32_t));
	f->mapcount = frame_array(nr, sizeof(uint16_t));
	f->last_cpupid = frame_array(nr, sizeof(uint16_t));
	if (!f->next || !f->prev || !f->flags || !f->mapping || !f->index || !f->mapcount ||
	    !f->last_cpupid)
		return nerr_set(err, "out of host memory for %llu frames", (unsigned long long)nr);
	return 0;
}

static void free_frames(struct frames *f)
{
	frame_array_free(f->next, f->nr, sizeof(uint32_t));
	frame_array_free(f->prev, f->nr, sizeof(uint32_t));
	frame_array_free(f->flags, f->nr, sizeof(uint32_t));
	frame_array_free(f->mapping, f->nr, sizeof(uint32_t));
	frame_array_free(f->index, f->nr, sizeof(uint32_t));
	frame_array_free(f->mapcount, f->nr, sizeof(uint16_t));
	frame_array_free(f->last_cpupid, f->nr, sizeof(uint16_t));
}

/* Models memmap_init()'s set_page_zone()/set_page_node() for every
 * frame at once: the section table of pfn_zone_id() (mmzone.h). */
static int init_zone_spans(struct sim *s, struct nerr *err)
{
	struct mem *m = &s->mem;
	uint64_t nsec = (m->f.nr >> PFN_SECTION_SHIFT) + 1;
	int nz = m->nr_nodes * MAX_NR_ZONES, i = 0;

	m->section_zone = sim_calloc(s, (size_t)nsec, sizeof(*m->section_zone));
	m->span_end = sim_calloc(s, (size_t)nz + 1, sizeof(*m->span_end));
	m->span_zone = sim_calloc(s, (size_t)nz + 1, sizeof(*m->span_zone));
	if (!m->section_zone || !m->span_end || !m->span_zone)
		return nerr_set(err, "out of host memory for the zone table");
	if (nz >= (int)SECTION_MIXED)
		return nerr_set(err, "topology too large: more than %u zones", SECTION_MIXED - 1);
	for (int id = 0; id < nz; id++) {
		const struct zone *z = mem_zone_by_id(m, (unsigned)id);
		uint64_t start = z->start_pfn, end = start + z->present_pages;

		if (!z->present_pages)
			continue;
		/* sections whose first pfn lies in this zone */
		for (uint64_t sec = (start + (1u << PFN_SECTION_SHIFT) - 1) >> PFN_SECTION_SHIFT;
		     (sec << PFN_SECTION_SHIFT) < end; sec++)
			m->section_zone[sec] = (uint16_t)id;
		m->span_end[i] = (pfn_t)end;
		m->span_zone[i++] = (uint16_t)id;
	}
	m->span_end[i] = NOPFN; /* a sentinel: the lookup loop stops here for any pfn */
	m->nr_spans = i;
	/* sections a zone starts inside: mixed, from the span of their first pfn */
	for (int k = 1; k < i; k++) {
		uint64_t start = m->span_end[k - 1], sec = start >> PFN_SECTION_SHIFT;
		int first = k - 1;

		if (!(start & ((1u << PFN_SECTION_SHIFT) - 1)) ||
		    (m->section_zone[sec] & SECTION_MIXED))
			continue;
		while (first > 0 && m->span_end[first - 1] > (sec << PFN_SECTION_SHIFT))
			first--;
		m->section_zone[sec] = (uint16_t)(SECTION_MIXED | (unsigned)first);
	}
	return 0;
}

/* Models memblock_free_all() -> __free_pages_memory() for [pfn, end):
 * the pages go to migratetype mt's buddy lists as the largest naturally
 * aligned blocks that fit, each freed to the list tail (FPI_TO_TAIL) like
 * __free_pages_core(). */
static void free_range(struct mem *m, struct zone *z, uint64_t pfn, uint64_t end, unsigned mt)
{
	while (pfn < end) {
		unsigned order = pfn ? (unsigned)__builtin_ctzll(pfn) : MAX_ORDER;

		if (order > MAX_ORDER)
			order = MAX_ORDER;
		while (pfn + (1ULL << order) > end)
			order--;
		__free_one_page(m, z, (pfn_t)pfn, order, mt, true);
		pfn += 1ULL << order;
	}
}

/* Pages of a zone's boot pageblocks that are not managed (the
 * topology's `unmanaged`): holes and boot reservations inside them. */
static uint64_t boot_unmanaged(const struct topo_node *tn, int zone)
{
	uint64_t n = 0;

	for (int t = 0; t < TOPO_NR_BOOT_TYPES; t++)
		n += tn->boot_blocks[zone][t].unmanaged;
	return n;
}

/*
 * The topology's `pageblocks` of a zone (docs/topology-format.md): the
 * kernel boots every pageblock movable (memmap_init_range()), and its
 * early unmovable and reclaimable allocations (slab, page tables, ...)
 * claim pageblocks of their own through __rmqueue_fallback(), where what
 * /proc/pagetypeinfo shows when a program starts is still free. numasim
 * gives those migratetypes the zone's highest whole pageblocks of managed
 * memory, unmovable on top, and frees in them only the blocks listed per
 * order, largest first, each at an aligned slot whose buddy half stays
 * held when there is room (so that the orders stay as listed); the rest of
 * those pageblocks is held, managed but not free, as the kernel's own
 * pages are. The pageblocks end at top: with `unmanaged` pages they reach
 * above the managed memory over those, which are never free. Returns the
 * first pfn of those pageblocks (the end of the managed memory when there
 * are none), or NOPFN when they do not fit.
 */
static uint64_t free_boot_pageblocks(struct mem *m, struct zone *z,
				     const struct topo_boot_blocks *bb, uint64_t top)
{
	static const unsigned mts[TOPO_NR_BOOT_TYPES] = {MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE};
	/* free blocks go in managed memory only; pages above it in the
	 * pageblocks are the unmanaged ones */
	uint64_t end = (uint64_t)z->start_pfn + z->managed_pages;

	for (int t = 0; t < TOPO_NR_BOOT_TYPES; t++) {
		uint64_t span = (uint64_t)bb[t].blocks << PAGEBLOCK_ORDER, pages = 0, p, lo;

		if (!bb[t].blocks)
			continue;
		if (top < z->start_pfn + span)
			return NOPFN;
		lo = top - span;
		for (uint64_t b = lo; b < top; b += PAGEBLOCK_NR_PAGES)
			m->pageblock_mt[b >> PAGEBLOCK_ORDER] = (uint8_t)mts[t];
		for (int o = 0; o < TOPO_NR_ORDERS; o++)
			pages += (uint64_t)bb[t].free[o] << o;
		p = lo;
		uint64_t lim = top < end ? top : end;

		for (int o = TOPO_NR_ORDERS - 1; o >= 0; o--) {
			for (uint32_t i = 0; i < bb[t].free[o]; i++) {
				uint64_t size = 1ULL << o, slot = 2 * size;
				uint64_t at = (p + slot - 1) & ~(slot - 1);

				/* with room, the block is the lower half of a slot
				 * twice its size, whose upper half (its buddy) stays
				 * held; without, blocks follow each other */
				if (at + slot + 2 * (pages - size) > lim)
					at = (p + size - 1) & ~(size - 1), slot = size;
				if (at + size > lim)
					return NOPFN;
				__free_one_page(m, z, (pfn_t)at, (unsigned)o, mts[t], true);
				pages -= size;
				p = at + slot;
			}
		}
		top = lo;
	}
	return top;
}

/* A zone's managed pages to the buddy lists (free_range()), the boot
 * pageblocks' own way (free_boot_pageblocks()); the pages held at boot
 * are the zone's top ones and are never freed. */
static int free_zone_memory(struct sim *s, struct zone *z, struct nerr *err)
{
	struct mem *m = &s->mem;
	const struct topo_boot_blocks *bb = s->topo->nodes[z->node].boot_blocks[z->type];
	uint64_t end = (uint64_t)z->start_pfn + z->managed_pages, lo = end;

	if (bb[0].blocks || bb[1].blocks) {
		/* the pageblocks reach over the unmanaged pages above end */
		uint64_t top = (end + boot_unmanaged(&s->topo->nodes[z->node], z->type)) &
			       ~(uint64_t)(PAGEBLOCK_NR_PAGES - 1);

		lo = free_boot_pageblocks(m, z, bb, top);
		if (lo == NOPFN)
			return nerr_set(err,
					"node %d zone %s: its pageblocks (%u unmovable, %u "
					"reclaimable) or their free pages do not fit in its %llu "
					"managed pages",
					z->node, zone_names[z->type], bb[0].blocks, bb[1].blocks,
					(unsigned long long)z->managed_pages);
		if (top < end)
			free_range(m, z, top, end, MIGRATE_MOVABLE);
	}
	free_range(m, z, z->start_pfn, lo, MIGRATE_MOVABLE);
	return 0;
}

static int layout_nodes(struct sim *s, struct nerr *err)
{
	const struct topology *t = s->topo;
	struct mem *m = &s->mem;
	uint64_t pfn = 0;

	for (int n = 0; n < m->nr_nodes; n++) {
		struct pglist_data *pg = &m->nodes[n];
		uint64_t bytes[MAX_NR_ZONES];

		if (node_zone_bytes(&t->nodes[n], bytes, err))
			return -1;
		pg->id = n;
		pg->start_pfn = (pfn_t)pfn;
		for (int ty = 0; ty < MAX_NR_ZONES; ty++) {
			struct zone *z = &pg->zones[ty];

			z->node = n;
			z->type = (enum zone_type)ty;
			z->id = n * MAX_NR_ZONES + ty;
			z->start_pfn = (pfn_t)pfn;
			z->present_pages = bytes[ty] >> t->page_shift;
			/* the `pageblocks`' unmanaged pages: present, never
			 * managed (free_boot_pageblocks() puts them in the
			 * zone's top pageblocks) */
			z->managed_pages = z->present_pages - boot_unmanaged(&t->nodes[n], ty);
			for (int o = 0; o <= MAX_ORDER; o++)
				for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
					flist_init(&z->free_area[o][mt]);
			pfn += z->present_pages;
		}
		pg->spanned_pages = pfn - pg->start_pfn;
		for (int l = 0; l < NR_LRU_LISTS; l++)
			flist_init(&pg->lru[l]);
		if (pfn >= NOPFN)
			return nerr_set(err, "topology too large: more than %u frames",
					(unsigned)NOPFN - 1);
	}
	if (alloc_frames(&m->f, pfn, err))
		return -1;
	/* memmap_init_range(): every pageblock starts MIGRATE_MOVABLE */
	m->nr_pageblocks = (pfn + PAGEBLOCK_NR_PAGES - 1) >> PAGEBLOCK_ORDER;
	m->pageblock_mt = sim_malloc(s, m->nr_pageblocks ? m->nr_pageblocks : 1);
	if (!m->pageblock_mt)
		return nerr_set(err, "out of host memory for %llu pageblocks",
				(unsigned long long)m->nr_pageblocks);
	memset(m->pageblock_mt, MIGRATE_MOVABLE, m->nr_pageblocks);
	m->pageblock_skip = sim_calloc(s, m->nr_pageblocks ? m->nr_pageblocks : 1, 1);
	if (!m->pageblock_skip)
		return nerr_set(err, "out of host memory for %llu pageblocks",
				(unsigned long long)m->nr_pageblocks);
	return 0;
}

/*
 * Models the memblock reservations made before memblock_free_all() when
 * sim.boot_memmap is 1: sparse_init() allocates the memmap of every
 * present 128 MiB section (64 bytes of struct page per page: 512 pages
 * of 4 KiB a section) on the section's node, and memblock allocates top
 * down, so it comes from the node's highest zones first; the topology's
 * `reserved` (kernel image, initramfs, early allocations) likewise. Those
 * pages are present but not managed (adjust_managed_page_count()).
 */
static void reserve_boot_memory(struct sim *s)
{
	const uint64_t section = 128ULL << 20, struct_page = 64;

	for (int n = 0; n < s->mem.nr_nodes; n++) {
		struct pglist_data *pg = &s->mem.nodes[n];
		uint64_t bytes = (uint64_t)pg->spanned_pages << s->topo->page_shift;
		uint64_t sections = (bytes + section - 1) / section;
		uint64_t per_section =
			((section >> s->topo->page_shift) * struct_page + s->topo->page_size - 1) >>
			s->topo->page_shift;
		uint64_t held = sections * per_section +
				(s->topo->nodes[n].reserved_bytes >> s->topo->page_shift);

		for (int ty = MAX_NR_ZONES - 1; ty >= 0 && held; ty--) {
			struct zone *z = &pg->zones[ty];
			uint64_t take = held < z->managed_pages ? held : z->managed_pages;

			z->managed_pages -= take;
			held -= take;
		}
	}
}

/* Models free_area_init() + memblock_free_all() + build_all_zonelists()
 * + init_per_zone_wmark_min(). With sim.boot_memmap=0 no memory is held
 * at boot: managed_pages = present_pages (docs/model.md §1). */
int mem_init(struct sim *s, struct nerr *err)
{
	struct mem *m = &s->mem;

	memset(m, 0, sizeof(*m));
	m->huge_zero_pfn = NOPFN;
	m->nr_nodes = s->topo->nr_nodes;
	m->nodes = sim_calloc(s, (size_t)(m->nr_nodes ? m->nr_nodes : 1), sizeof(*m->nodes));
	if (!m->nodes)
		return nerr_set(err, "out of host memory for %d nodes", m->nr_nodes);
	if (layout_nodes(s, err) || init_zone_spans(s, err))
		goto fail;
	if (tun(&s->tun, TUN_SIM_BOOT_MEMMAP))
		reserve_boot_memory(s);
	for (int n = 0; n < m->nr_nodes; n++) {
		for (int ty = 0; ty < MAX_NR_ZONES; ty++) {
			struct zone *z = &m->nodes[n].zones[ty];

			if (free_zone_memory(s, z, err))
				goto fail;
			m->totalram_pages += z->managed_pages;
		}
	}
	if (build_zonelists(s, err))
		goto fail;
	if (tun(&s->tun, TUN_SIM_PCP) && alloc_pcp(s, err))
		goto fail;
	/* Boot: init_per_zone_wmark_min(), then hugepage_init()'s
	 * start_stop_khugepaged(), then a min_free_kbytes the user writes
	 * (sysctl.conf runs after both). */
	s->min_free_kbytes = calculate_min_free_kbytes(s);
	setup_per_zone_wmarks(s);
	thp_boot(s);
	if (tun(&s->tun, TUN_MIN_FREE_KBYTES) != TUNABLE_AUTO) {
		s->min_free_kbytes = (uint64_t)tun(&s->tun, TUN_MIN_FREE_KBYTES);
		setup_per_zone_wmarks(s);
	}
	kcompactd_init(s);
	return 0;
fail:
	mem_free(m);
	return -1;
}

void mem_free(struct mem *m)
{
	free_frames(&m->f);
	free(m->section_zone);
	free(m->span_end);
	free(m->span_zone);
	for (int n = 0; m->nodes && n < m->nr_nodes; n++) {
		free(m->nodes[n].zonelist);
		free(m->nodes[n].node_order);
		for (int t = 0; t < MAX_NR_ZONES; t++)
			free(m->nodes[n].zones[t].pcp);
	}
	free(m->nodes);
	free(m->pageblock_mt);
	free(m->pageblock_skip);
	memset(m, 0, sizeof(*m));
}

uint64_t node_free_pages(const struct pglist_data *pgdat)
{
	uint64_t sum = 0;

	for (int t = 0; t < MAX_NR_ZONES; t++)
		sum += pgdat->zones[t].nr_free;
	return sum;
}

uint64_t node_present_pages(const struct pglist_data *pgdat)
{
	uint64_t sum = 0;

	for (int t = 0; t < MAX_NR_ZONES; t++)
		sum += pgdat->zones[t].present_pages;
	return sum;
}

unsigned frame_bytes_per_page(void)
{
	return 5 * sizeof(uint32_t) + 2 * sizeof(uint16_t);
}

/* ------------------------------------------------------------------ */
/* the allocation path                                                 */

static inline bool zone_in_mask(const struct zone *z, const nodemask_t *mask)
{
	return !mask || node_isset(mask, z->node);
}

/* Models __cpuset_zone_allowed(): hardwall requests stay in the task's
 * cpuset; others may use the nearest hardwall ancestor's mems. */
static inline bool cpuset_zone_allowed(const struct alloc_ctx *ac, const struct zone *z, gfp_t gfp)
{
	if (!ac->cpuset_mems)
		return true;
	if (node_isset(ac->cpuset_mems, z->node))
		return true;
	if (gfp & __GFP_HARDWALL)
		return false;
	return zone_in_mask(z, ac->softwall_mems);
}

static inline bool zone_eligible(const struct alloc_ctx *ac, const struct zone *z)
{
	return z->type <= ac->highest_zoneidx && zone_in_mask(z, ac->nodemask);
}

/* Models first_zones_zonelist(): the first eligible zone (its index). */
static int first_zones_zonelist(const struct alloc_ctx *ac)
{
	for (int i = 0; i < ac->nr_zl; i++)
		if (zone_eligible(ac, ac->zl[i]))
			return i;
	return -1;
}

/* Models zone_statistics(): counted once per allocation (nr_account = 1),
 * on the node of the zone used and the node of the preferred zone. */
static inline void zone_statistics(struct sim *s, const struct zone *preferred,
				   const struct zone *z, int local_nid)
{
	if (!tun(&s->tun, TUN_NUMA_STAT))
		return;
	uint64_t *st = s->mem.nodes[z->node].numa_stat;

	if (z->node == preferred->node) {
		st[NUMA_HIT]++;
	} else {
		st[NUMA_MISS]++;
		s->mem.nodes[preferred->node].numa_stat[NUMA_FOREIGN]++;
	}
	st[z->node == local_nid ? NUMA_LOCAL : NUMA_OTHER]++;
}

/* Models rmqueue() + prep_new_page(). A fallback that boosted the
 * zone's watermarks (ZONE_BOOSTED_WATERMARK) wakes its kswapd now: the
 * node may be balanced overall, so nothing else would. */
static inline pfn_t rmqueue(struct sim *s, const struct zone *preferred, struct zone *z,
			    unsigned order, int local_nid, gfp_t gfp, unsigned alloc_flags)
{
	struct frames *f = &s->mem.f;
	pfn_t pfn = z->pcp && pcp_allowed_order(order)
			    ? rmqueue_pcplist(s, z, order, gfp_migratetype(gfp), alloc_flags)
			    : rmqueue_buddy(s, z, order, gfp_migratetype(gfp), alloc_flags);

	if (z->boosted_wake) {
		z->boosted_wake = false;
		if (s->explain)
			sim_explain(
				s,
				"    alloc order-%u: a fallback into another migratetype's "
				"pageblock "
				"boosted node %d %s's watermarks by %llu pages; wake its kswapd "
				"(boost_watermark())\n",
				order, z->node, zone_names[z->type],
				(unsigned long long)z->watermark_boost);
		wakeup_kswapd(s, z->node, 0, 0, (int)z->type);
	}
	if (pfn == NOPFN)
		return NOPFN;
	if (order)
		page_init_compound(f, pfn, order);
	z->pgalloc += 1u << order;
	s->mem.events[PGALLOC] += 1u << order;
	zone_statistics(s, preferred, z, local_nid);
	return pfn;
}

/* 6.7 on, get_page_from_freelist(): notes a zone below its high
 * watermark (ZONE_BELOW_HIGH), which shrinks the pcp lists' high; only
 * ever set here (free_unref_page() clears it). */
static inline void note_below_high(struct sim *s, struct zone *z, unsigned order,
				   int highest_zoneidx, unsigned alloc_flags)
{
	if (z->pcp && !z->below_high && pcp_autotune(s) &&
	    !__zone_watermark_ok(z, order, wmark_pages(z, WMARK_HIGH), highest_zoneidx, alloc_flags,
				 (int64_t)z->nr_free))
		z->below_high = true;
}

/* Models zone_watermark_fast()'s watermark test: wmark_pages() with the
 * boost, which a __GFP_HIGH order-0 request at the min watermark
 * ignores. */
static inline bool zone_watermark_fast(const struct zone *z, unsigned order, unsigned alloc_flags,
				       int highest_zoneidx)
{
	int wm = (int)(alloc_flags & ALLOC_WMARK_MASK);

	if (__zone_watermark_ok(z, order, wmark_pages(z, wm), highest_zoneidx, alloc_flags,
				(int64_t)z->nr_free))
		return true;
	if (!order && (alloc_flags & ALLOC_MIN_RESERVE) && z->watermark_boost && wm == WMARK_MIN)
		return __zone_watermark_ok(z, order, z->wmark[WMARK_MIN], highest_zoneidx,
					   alloc_flags, (int64_t)z->nr_free);
	return false;
}

/* The free count is left out so that one narration covers the many
 * allocations of a record that meet the same full zone. */
static void explain_low(struct sim *s, const struct zone *z, unsigned order, uint64_t mark,
			const char *what)
{
	sim_explain(
		s,
		"    alloc order-%u: node %d %s has no more than its watermark of %llu free pages "
		"(+reserve): %s\n",
		order, z->node, zone_names[z->type], (unsigned long long)mark, what);
}

/* The zone failed its watermark: models the node_reclaim() branch of
 * get_page_from_freelist(). Returns true if the zone may now be used. */
static bool try_node_reclaim(struct sim *s, struct alloc_req *req, const struct alloc_ctx *ac,
			     struct zone *z, uint64_t mark, unsigned alloc_flags)
{
	const struct zone *pref = ac->zl[ac->preferred];

	if (!tun(&s->tun, TUN_ZONE_RECLAIM_MODE) ||
	    topo_distance(s->topo, pref->node, z->node) > RECLAIM_DISTANCE)
		return false;
	int ret = node_reclaim(s, z->node, req);

	if (s->explain) {
		static const char *const what[] = {
			"NOSCAN: not scanned (mode 0, another node with CPUs, or already "
			"reclaiming)",
			"FULL: too little reclaimable page cache (min_unmapped_ratio) or nothing "
			"freed",
			"SOME: freed pages, not enough",
			"SUCCESS: freed enough to allocate here",
		};

		sim_explain(s,
			    "    node %d is low: node reclaim (vm.zone_reclaim_mode=%lld) -> %s\n",
			    z->node, (long long)tun(&s->tun, TUN_ZONE_RECLAIM_MODE),
			    what[ret - NODE_RECLAIM_NOSCAN]);
	}
	if (ret == NODE_RECLAIM_NOSCAN || ret == NODE_RECLAIM_FULL)
		return false;
	return zone_watermark_fast(z, req->order, alloc_flags, ac->highest_zoneidx);
}

/* Models get_page_from_freelist(): the first zone of the zonelist, from
 * the preferred one on, that passes the watermark (or reclaims enough). */
static pfn_t get_page_from_freelist(struct sim *s, struct alloc_req *req,
				    const struct alloc_ctx *ac, gfp_t gfp, unsigned alloc_flags)
{
	unsigned order = req->order;

	if (ac->preferred < 0)
		return NOPFN;
	const struct zone *pref = ac->zl[ac->preferred];
	bool no_fallback;

retry:
	no_fallback = alloc_flags & ALLOC_NOFRAGMENT;
	for (int i = ac->preferred; i < ac->nr_zl; i++) {
		struct zone *z = ac->zl[i];

		if (!zone_eligible(ac, z))
			continue;
		if ((alloc_flags & ALLOC_CPUSET) && !cpuset_zone_allowed(ac, z, gfp))
			continue;
		/* Moving to a remote node: retry allowing fragmenting
		 * fallbacks, locality matters more. */
		if (no_fallback && s->mem.nr_nodes > 1 && z->node != pref->node) {
			alloc_flags &= ~ALLOC_NOFRAGMENT;
			goto retry;
		}
		note_below_high(s, z, order, ac->highest_zoneidx, alloc_flags);
		if (!(alloc_flags & ALLOC_NO_WATERMARKS)) {
			uint64_t mark = wmark_pages(z, (int)(alloc_flags & ALLOC_WMARK_MASK));

			if (!zone_watermark_fast(z, order, alloc_flags, ac->highest_zoneidx) &&
			    !try_node_reclaim(s, req, ac, z, mark, alloc_flags)) {
				if (s->explain)
					explain_low(s, z, order, mark, "next zone");
				continue;
			}
		}
		pfn_t pfn = rmqueue(s, pref, z, order, req->local_nid, gfp, alloc_flags);

		if (pfn != NOPFN) {
			if (s->explain && z->node != pref->node)
				sim_explain(
					s,
					"    alloc order-%u: fell back from node %d to node %d\n",
					order, pref->node, z->node);
			return pfn;
		}
	}
	/* Every zone was fragmented: try again allowing fallbacks. */
	if (no_fallback) {
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NOPFN;
}

/* Models prepare_alloc_pages(). With a cpuset and no policy nodemask the
 * fast path uses the cpuset's mems as nodemask; otherwise ALLOC_CPUSET. */
static void prepare_alloc_pages(struct sim *s, const struct alloc_req *req, struct alloc_ctx *ac,
				gfp_t *alloc_gfp, unsigned *alloc_flags)
{
	struct pglist_data *pg = &s->mem.nodes[req->preferred_nid];

	memset(ac, 0, sizeof(*ac));
	ac->pgdat = pg;
	ac->zl = pg->zonelist;
	ac->nr_zl = (req->gfp & __GFP_THISNODE) ? pg->nr_thisnode_zones : pg->nr_zonelist;
	ac->highest_zoneidx = gfp_zone(req->gfp);
	ac->nodemask = req->nodemask;
	ac->cpuset_mems = req->cpuset_mems;
	ac->softwall_mems = req->cpuset_softwall_mems;
	ac->gfp = req->gfp;
	if (req->cpuset_mems) {
		*alloc_gfp |= __GFP_HARDWALL;
		if (!ac->nodemask)
			ac->nodemask = req->cpuset_mems;
		else
			*alloc_flags |= ALLOC_CPUSET;
	}
	ac->preferred = first_zones_zonelist(ac);
}

/* Models gfp_to_alloc_flags(). */
static unsigned gfp_to_alloc_flags(gfp_t gfp)
{
	unsigned flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	if (gfp & __GFP_HIGH)
		flags |= ALLOC_MIN_RESERVE;
	if (gfp & __GFP_KSWAPD_RECLAIM)
		flags |= ALLOC_KSWAPD;
	return flags;
}

/* Models wake_all_kswapds(): once per node of the eligible zonelist. */
static void wake_all_kswapds(struct sim *s, const struct alloc_req *req, const struct alloc_ctx *ac)
{
	int last = -1;

	for (int i = 0; i < ac->nr_zl; i++) {
		const struct zone *z = ac->zl[i];

		if (!zone_eligible(ac, z) || z->node == last)
			continue;
		wakeup_kswapd(s, z->node, req->gfp, req->order, (int)ac->highest_zoneidx);
		last = z->node;
	}
}

/* Models should_reclaim_retry(). */
static bool should_reclaim_retry(struct sim *s, const struct alloc_req *req,
				 const struct alloc_ctx *ac, unsigned alloc_flags, bool progress,
				 int *no_progress_loops)
{
	if (progress && req->order <= PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	if (*no_progress_loops > MAX_RECLAIM_RETRIES)
		return false;
	for (int i = 0; i < ac->nr_zl; i++) {
		const struct zone *z = ac->zl[i];

		if (!zone_eligible(ac, z))
			continue;
		int64_t available = (int64_t)(z->nr_free + zone_reclaimable_pages(s, z));

		if (__zone_watermark_ok(z, req->order, wmark_pages(z, WMARK_MIN),
					ac->highest_zoneidx, alloc_flags, available))
			return true;
	}
	return false;
}

/* Models __alloc_pages_cpuset_fallback(): the cpuset's nodes first, then
 * any node of the zonelist rather than fail. */
static pfn_t alloc_pages_cpuset_fallback(struct sim *s, struct alloc_req *req,
					 const struct alloc_ctx *ac, gfp_t gfp,
					 unsigned alloc_flags)
{
	pfn_t pfn = get_page_from_freelist(s, req, ac, gfp, alloc_flags | ALLOC_CPUSET);

	return pfn != NOPFN ? pfn : get_page_from_freelist(s, req, ac, gfp, alloc_flags);
}

/* Models __alloc_pages_may_oom(). Sets *progress when a victim died. */
static pfn_t alloc_pages_may_oom(struct sim *s, struct alloc_req *req, const struct alloc_ctx *ac,
				 bool *progress)
{
	gfp_t gfp = req->gfp;
	pfn_t pfn;

	*progress = false;
	pfn = get_page_from_freelist(s, req, ac, (gfp | __GFP_HARDWALL) & ~__GFP_DIRECT_RECLAIM,
				     ALLOC_WMARK_HIGH | ALLOC_CPUSET);
	if (pfn != NOPFN)
		return pfn;
	if (req->order > PAGE_ALLOC_COSTLY_ORDER || (gfp & __GFP_THISNODE) ||
	    ac->highest_zoneidx < ZONE_NORMAL)
		return NOPFN;
	if (s->explain)
		sim_explain(s, "    alloc order-%u: reclaim failed, invoking the OOM killer\n",
			    req->order);
	if (out_of_memory(s, req) || (gfp & __GFP_NOFAIL)) {
		*progress = true;
		if (gfp & __GFP_NOFAIL)
			pfn = alloc_pages_cpuset_fallback(s, req, ac, gfp, ALLOC_NO_WATERMARKS);
	}
	return pfn;
}

/* Models __alloc_pages_direct_reclaim(). */
static pfn_t alloc_pages_direct_reclaim(struct sim *s, struct alloc_req *req,
					const struct alloc_ctx *ac, unsigned alloc_flags,
					uint64_t *progress)
{
	pfn_t pfn;

	*progress = try_to_free_pages(s, req);
	if (!*progress)
		return NOPFN;
	pfn = get_page_from_freelist(s, req, ac, req->gfp, alloc_flags);
	/* Pages may be pinned on the per-CPU lists: drain them, retry once. */
	if (pfn == NOPFN && tun(&s->tun, TUN_SIM_PCP)) {
		drain_all_pages(s);
		pfn = get_page_from_freelist(s, req, ac, req->gfp, alloc_flags);
	}
	return pfn;
}

/* The part of __alloc_pages_slowpath() from the `retry:` label on. */
static pfn_t slowpath_retry_loop(struct sim *s, struct alloc_req *req, struct alloc_ctx *ac,
				 unsigned alloc_flags)
{
	gfp_t gfp = req->gfp;
	bool costly = req->order > PAGE_ALLOC_COSTLY_ORDER;
	int no_progress_loops = 0;

	for (int loops = 0; loops < SLOWPATH_MAX_LOOPS; loops++) {
		uint64_t progress;
		bool oom_progress;
		pfn_t pfn;

		if (alloc_flags & ALLOC_KSWAPD)
			wake_all_kswapds(s, req, ac);
		pfn = get_page_from_freelist(s, req, ac, gfp, alloc_flags);
		if (pfn != NOPFN || !(gfp & __GFP_DIRECT_RECLAIM))
			return pfn;
		pfn = alloc_pages_direct_reclaim(s, req, ac, alloc_flags, &progress);
		if (pfn != NOPFN)
			return pfn;
		if ((gfp & __GFP_NORETRY) || costly)
			return NOPFN;
		if (should_reclaim_retry(s, req, ac, alloc_flags, progress > 0, &no_progress_loops))
			continue;
		pfn = alloc_pages_may_oom(s, req, ac, &oom_progress);
		if (pfn != NOPFN || req->fail_reason == ALLOC_FAIL_OOM_KILLED_SELF)
			return pfn;
		if (!oom_progress)
			break;
		no_progress_loops = 0;
	}
	/* nopage: a __GFP_NOFAIL request may use half of min (ALLOC_MIN_RESERVE
	 * since 6.3; 6.1 passed ALLOC_HARDER, a quarter: docs/model.md §1). */
	if ((gfp & __GFP_NOFAIL) && (gfp & __GFP_DIRECT_RECLAIM))
		return alloc_pages_cpuset_fallback(s, req, ac, gfp, ALLOC_MIN_RESERVE);
	return NOPFN;
}

/* Models __alloc_pages_slowpath(). */
static pfn_t alloc_pages_slowpath(struct sim *s, struct alloc_req *req, struct alloc_ctx *ac)
{
	gfp_t gfp = req->gfp;
	unsigned alloc_flags = gfp_to_alloc_flags(gfp);
	pfn_t pfn;

	ac->preferred = first_zones_zonelist(ac);
	if (ac->preferred < 0)
		return NOPFN;
	if (s->explain)
		sim_explain(
			s,
			"    alloc order-%u: fast path failed on node %d's zonelist, slow path\n",
			req->order, ac->pgdat->id);
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(s, req, ac);
	pfn = get_page_from_freelist(s, req, ac, gfp, alloc_flags);
	if (pfn != NOPFN)
		return pfn;
	/* Without compaction, __alloc_pages_direct_compact() reports
	 * COMPACT_SKIPPED: costly __GFP_NORETRY requests (THP) give up here. */
	if ((gfp & __GFP_DIRECT_RECLAIM) && req->order > PAGE_ALLOC_COSTLY_ORDER &&
	    (gfp & __GFP_NORETRY))
		return NOPFN;
	return slowpath_retry_loop(s, req, ac, alloc_flags);
}

/* Models alloc_flags_nofragment(): the fast path wakes kswapd for a
 * boosted zone (ALLOC_KSWAPD) when the request may, and avoids
 * fragmenting fallbacks (ALLOC_NOFRAGMENT) when the preferred zone is
 * Normal and DMA32 below it is populated (or the machine has one node). */
static unsigned alloc_flags_nofragment(const struct sim *s, const struct zone *z, gfp_t gfp)
{
	unsigned flags = (gfp & __GFP_KSWAPD_RECLAIM) ? ALLOC_KSWAPD : 0;

	if (z->type != ZONE_NORMAL)
		return flags;
	if (s->mem.nr_nodes > 1 && !zone_populated(&s->mem.nodes[z->node].zones[ZONE_DMA32]))
		return flags;
	return flags | ALLOC_NOFRAGMENT;
}

/* Models __alloc_pages(). */
pfn_t alloc_pages_req(struct sim *s, struct alloc_req *req)
{
	struct alloc_ctx ac;
	gfp_t alloc_gfp = req->gfp;
	unsigned alloc_flags = ALLOC_WMARK_LOW;
	pfn_t pfn;

	req->fail_reason = 0;
	if (req->order > MAX_ORDER || req->preferred_nid < 0 ||
	    req->preferred_nid >= s->mem.nr_nodes) {
		req->fail_reason = ALLOC_FAIL_NOMEM;
		return NOPFN;
	}
	prepare_alloc_pages(s, req, &ac, &alloc_gfp, &alloc_flags);
	if (ac.preferred >= 0)
		alloc_flags |= alloc_flags_nofragment(s, ac.zl[ac.preferred], req->gfp);
	pfn = get_page_from_freelist(s, req, &ac, alloc_gfp, alloc_flags);
	if (pfn != NOPFN)
		return pfn;
	ac.nodemask = req->nodemask;
	pfn = alloc_pages_slowpath(s, req, &ac);
	if (pfn == NOPFN && !req->fail_reason) {
		req->fail_reason =
			(req->gfp & __GFP_THISNODE) ? ALLOC_FAIL_THISNODE : ALLOC_FAIL_NOMEM;
		if (s->explain)
			sim_explain(s, "    alloc order-%u from node %d failed%s\n", req->order,
				    req->preferred_nid,
				    (req->gfp & __GFP_THISNODE) ? " (__GFP_THISNODE)" : "");
	}
	return pfn;
}

/* The fast path of alloc_pages_req() for an order-0 request, prepared
 * once: prepare_alloc_pages() and alloc_flags_nofragment() depend on the
 * request alone. */
bool alloc_batch_init(struct sim *s, const struct alloc_req *req, struct alloc_batch *b)
{
	struct alloc_ctx ac;
	gfp_t gfp = req->gfp;
	unsigned flags = ALLOC_WMARK_LOW;

	b->z = b->last = NULL;
	b->taken = 0;
	if (req->order || req->preferred_nid < 0 || req->preferred_nid >= s->mem.nr_nodes)
		return false;
	prepare_alloc_pages(s, req, &ac, &gfp, &flags);
	if (ac.preferred < 0)
		return false;
	b->zl = ac.zl;
	b->nr_zl = ac.nr_zl;
	b->preferred = ac.preferred;
	b->nodemask = ac.nodemask;
	b->cpuset_mems = ac.cpuset_mems;
	b->softwall_mems = ac.softwall_mems;
	b->gfp = gfp;
	b->alloc_flags = flags | alloc_flags_nofragment(s, ac.zl[ac.preferred], req->gfp);
	b->highest_zoneidx = (int)ac.highest_zoneidx;
	b->mt = gfp_migratetype(gfp);
	b->local_nid = req->local_nid;
	return true;
}

/* rmqueue()'s counting for the pages taken from b->z: zone_statistics()
 * once per page. */
static void alloc_batch_count(struct sim *s, struct alloc_batch *b)
{
	struct zone *z = b->z;
	uint64_t n = b->taken;

	b->taken = 0;
	z->pgalloc += n;
	s->mem.events[PGALLOC] += n;
	if (tun(&s->tun, TUN_NUMA_STAT)) {
		uint64_t *st = s->mem.nodes[z->node].numa_stat;
		int pref = b->zl[b->preferred]->node;

		if (z->node == pref) {
			st[NUMA_HIT] += n;
		} else {
			st[NUMA_MISS] += n;
			s->mem.nodes[pref].numa_stat[NUMA_FOREIGN] += n;
		}
		st[z->node == b->local_nid ? NUMA_LOCAL : NUMA_OTHER] += n;
	}
}

/* A fault run's page from zone z, which passed its watermark: the head of
 * this CPU's pcp list, or the smallest buddy block of migratetype mt;
 * NOPFN where the full path would refill the list or fall back. */
static inline pfn_t batch_take(struct sim *s, struct zone *z, unsigned mt)
{
	pfn_t pfn;

	if (z->pcp) {
		struct per_cpu_pages *pcp = &z->pcp[pcp_cpu(s, z->node)];
		struct frame_list *l = &pcp->lists[order_to_pindex(s, mt, 0)];

		if (l->head == NOPFN)
			return NOPFN;
		pcp_alloc_decay(s, pcp);
		return pcp_take_head(&s->mem.f, z, pcp, l, 0);
	}
	pfn = rmqueue_smallest(&s->mem.f, z, 0, mt);
	if (pfn != NOPFN)
		z->nr_free--;
	return pfn;
}

/*
 * get_page_from_freelist() and rmqueue() when they take a page without
 * reclaim: from the preferred zone on, the eligible zones the cpuset
 * allows, each noting ZONE_BELOW_HIGH, the first passing its watermark
 * gives the page (the head of the per-CPU list, not an empty one: its
 * refill may fall back; else __rmqueue_smallest() of the request's
 * migratetype, not __rmqueue_fallback()). A zone failing its watermark
 * is passed over as there when node reclaim would not be tried. The
 * ALLOC_NOFRAGMENT restart at the first remote zone walks the same
 * zones again with the same results, so it is not repeated here.
 */
pfn_t alloc_batch_page(struct sim *s, struct alloc_batch *b)
{
	const struct zone *pref = b->zl[b->preferred];
	struct alloc_ctx ac = {
		.highest_zoneidx = (enum zone_type)b->highest_zoneidx,
		.nodemask = b->nodemask,
		.cpuset_mems = b->cpuset_mems,
		.softwall_mems = b->softwall_mems,
	};
	struct zone *z = NULL;
	pfn_t pfn;

	for (int i = b->preferred; i < b->nr_zl; i++) {
		struct zone *c = b->zl[i];

		if (!zone_eligible(&ac, c))
			continue;
		if ((b->alloc_flags & ALLOC_CPUSET) && !cpuset_zone_allowed(&ac, c, b->gfp))
			continue;
		note_below_high(s, c, 0, b->highest_zoneidx, b->alloc_flags);
		if (zone_watermark_fast(c, 0, b->alloc_flags, b->highest_zoneidx)) {
			z = c;
			break;
		}
		/* try_node_reclaim() would reclaim: leave it to the full path */
		if (tun(&s->tun, TUN_ZONE_RECLAIM_MODE) &&
		    topo_distance(s->topo, pref->node, c->node) <= RECLAIM_DISTANCE)
			return NOPFN;
	}
	if (!z || z->boosted_wake || (pfn = batch_take(s, z, b->mt)) == NOPFN)
		return NOPFN;
	if (z != b->z) {
		if (b->taken)
			alloc_batch_count(s, b);
		b->z = z;
	}
	b->taken++;
	b->last = z;
	return pfn;
}

/* After a page from zone z, the zonelist walk of the next one passes the
 * same zones before z (nothing they are tested on changed: only z gave a
 * page) and meets z again: only z's tests are repeated. */
uint64_t alloc_batch_pages(struct sim *s, struct alloc_batch *b, pfn_t *pfns, uint64_t n,
			   struct zone **zone)
{
	uint64_t k = 0;
	struct zone *z;

	if (!n || (pfns[0] = alloc_batch_page(s, b)) == NOPFN)
		return 0;
	z = *zone = b->last;
	for (k = 1; k < n; k++) {
		pfn_t pfn;

		note_below_high(s, z, 0, b->highest_zoneidx, b->alloc_flags);
		if (z->boosted_wake ||
		    !zone_watermark_fast(z, 0, b->alloc_flags, b->highest_zoneidx))
			break;
		if ((pfn = batch_take(s, z, b->mt)) == NOPFN)
			break;
		pfns[k] = pfn;
	}
	b->taken += k - 1;
	return k;
}

void alloc_batch_flush(struct sim *s, struct alloc_batch *b)
{
	if (b->taken)
		alloc_batch_count(s, b);
}

/* Models alloc_pages_node(): nid < 0 (NUMA_NO_NODE) means the local node. */
pfn_t alloc_pages_node(struct sim *s, int nid, gfp_t gfp, unsigned order, int local_nid)
{
	struct alloc_req req = {
		.gfp = gfp,
		.order = order,
		.preferred_nid = nid < 0 ? local_nid : nid,
		.local_nid = local_nid,
	};

	return alloc_pages_req(s, &req);
}
