/*
 * page_alloc_check.c - the allocator's invariants, verified for --check
 * (the kernel's CONFIG_DEBUG_VM checks, made exhaustive).
 *
 * Free lists: every list is a consistent doubly linked list of the length
 * it claims; each member is the head of a free block (PG_buddy, its
 * order), aligned on its absolute pfn, inside its zone; no free block
 * lies inside another; no free block's buddy is free at the same order
 * in the same zone (fully coalesced); a zone's nr_free is the sum over
 * its lists. LRU: list lengths match the list and zone counters, members
 * carry PG_lru and the flags of their list, and no LRU frame is free.
 * Cost: O(free blocks * MAX_ORDER + LRU pages), not O(frames).
 */
#include "mm/page_alloc.h"
#include "mm/huge_memory.h"

#include "sim.h"

/* Walks a list; checks links and length. Calls visit on each member. */
static int walk_list(const struct frames *f, const struct frame_list *l, const char *what,
		     int (*visit)(const struct sim *, pfn_t, const void *, struct nerr *),
		     const struct sim *s, const void *arg, struct nerr *err)
{
	pfn_t prev = NOPFN, pfn = l->head;
	uint64_t n = 0;

	while (pfn != NOPFN) {
		if (pfn >= f->nr)
			return nerr_set(err, "check: %s: pfn %u out of range", what, pfn);
		if (f->prev[pfn] != prev)
			return nerr_set(err, "check: %s: pfn %u has prev %u, expected %u", what,
					pfn, f->prev[pfn], prev);
		if (++n > l->nr)
			return nerr_set(err, "check: %s: longer than its count %llu", what,
					(unsigned long long)l->nr);
		if (visit(s, pfn, arg, err))
			return -1;
		prev = pfn;
		pfn = f->next[pfn];
	}
	if (n != l->nr || l->tail != prev)
		return nerr_set(err, "check: %s: %llu entries, count says %llu (tail %u, last %u)",
				what, (unsigned long long)n, (unsigned long long)l->nr, l->tail,
				prev);
	return 0;
}

/* Models is_free_buddy_page() minus pfn itself: the head of a free block
 * of order > min_order that contains pfn, or NOPFN. */
static pfn_t enclosing_free_block(const struct frames *f, pfn_t pfn, unsigned min_order)
{
	for (unsigned o = min_order + 1; o <= MAX_ORDER; o++) {
		pfn_t head = pfn & ~((1u << o) - 1);

		if (page_test_buddy(f, head) && frame_order(f, head) >= o)
			return head;
	}
	return NOPFN;
}

struct free_arg {
	const struct zone *z;
	unsigned order;
	unsigned mt;
};

static int visit_free(const struct sim *s, pfn_t pfn, const void *arg, struct nerr *err)
{
	const struct free_arg *a = arg;
	const struct frames *f = &s->mem.f;
	unsigned o = a->order;
	const struct zone *z = a->z;

	if (!page_test_buddy(f, pfn) || frame_order(f, pfn) != o)
		return nerr_set(err, "check: pfn %u on order-%u free list lacks PG_buddy/order",
				pfn, o);
	if (((f->flags[pfn] & PG_MT_MASK) >> PG_MT_SHIFT) != a->mt)
		return nerr_set(
			err,
			"check: pfn %u on migratetype %u's order-%u list records migratetype %u",
			pfn, a->mt, o, (f->flags[pfn] & PG_MT_MASK) >> PG_MT_SHIFT);
	if (pfn & ((1u << o) - 1))
		return nerr_set(err, "check: free block pfn %u not aligned to order %u", pfn, o);
	if (pfn < z->start_pfn || (uint64_t)pfn + (1u << o) > z->start_pfn + z->present_pages)
		return nerr_set(err, "check: free block pfn %u order %u outside node %d zone %d",
				pfn, o, z->node, z->type);
	pfn_t outer = enclosing_free_block(f, pfn, o);

	if (outer != NOPFN)
		return nerr_set(err, "check: free block pfn %u order %u overlaps free block %u",
				pfn, o, outer);
	pfn_t buddy = pfn ^ (1u << o);

	if (o < MAX_ORDER && buddy - z->start_pfn < z->present_pages && page_test_buddy(f, buddy) &&
	    frame_order(f, buddy) == o)
		return nerr_set(err, "check: free blocks %u and %u of order %u not merged", pfn,
				buddy, o);
	for (pfn_t p = pfn + 1; p < pfn + (1u << o) && o <= 4; p++)
		if (f->flags[p] & (PG_buddy | PG_lru))
			return nerr_set(err, "check: pfn %u inside free block %u has flags %#x", p,
					pfn, f->flags[p]);
	return 0;
}

/* The list being walked: its zone and the order of its blocks. */
struct pcp_walk {
	const struct zone *z;
	unsigned order;
};

static int visit_pcp(const struct sim *s, pfn_t pfn, const void *arg, struct nerr *err)
{
	const struct pcp_walk *w = arg;
	const struct zone *z = w->z;

	if (s->mem.f.flags[pfn] != (PG_pcp | (w->order << PG_ORDER_SHIFT)) ||
	    pfn_zone_id(&s->mem, pfn) != (unsigned)z->id || (pfn & ((1u << w->order) - 1)))
		return nerr_set(err,
				"check: pfn %u on an order-%u per-CPU list of node %d zone %d has "
				"flags %#x, another zone or a misaligned start",
				pfn, w->order, z->node, z->type, s->mem.f.flags[pfn]);
	return 0;
}

/* The per-CPU lists (sim.pcp): PG_pcp blocks of the zone, each of its
 * list's order (orders 0-3 a list per migratetype, then the pageblock
 * order's), as many pages as each CPU's and the zone's count; with the
 * buddy lists' pages no more than the zone manages. */
static int check_pcp(const struct sim *s, const struct zone *z, struct nerr *err)
{
	uint64_t sum = 0;
	char what[80];

	if (!z->pcp)
		return z->pcp_pages
			       ? nerr_set(err, "check: zone without pcp lists counts pcp pages")
			       : 0;
	for (int c = 0; c < s->topo->nr_cpus; c++) {
		uint64_t n = 0;

		for (unsigned i = 0; i < NR_PCP_LISTS; i++) {
			struct pcp_walk w = {z, pindex_to_order(i)};

			snprintf(what, sizeof(what), "node %d zone %d cpu %d pcp list %u", z->node,
				 z->type, c, i);
			if (walk_list(&s->mem.f, &z->pcp[c].lists[i], what, visit_pcp, s, &w, err))
				return -1;
			n += (uint64_t)z->pcp[c].lists[i].nr << w.order;
		}
		if (n != z->pcp[c].count)
			return nerr_set(
				err, "check: node %d zone %d cpu %d pcp count %u, lists hold %llu",
				z->node, z->type, c, z->pcp[c].count, (unsigned long long)n);
		sum += n;
	}
	if (sum != z->pcp_pages || z->nr_free + sum > z->managed_pages)
		return nerr_set(err, "check: node %d zone %d pcp pages %llu, lists hold %llu",
				z->node, z->type, (unsigned long long)z->pcp_pages,
				(unsigned long long)sum);
	return 0;
}

static int check_zone(const struct sim *s, const struct zone *z, struct nerr *err)
{
	uint64_t free = 0;
	char what[64];

	for (unsigned o = 0; o <= MAX_ORDER; o++) {
		for (unsigned mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
			struct free_arg a = {z, o, mt};

			snprintf(what, sizeof(what),
				 "node %d zone %d order-%u migratetype %u free list", z->node,
				 z->type, o, mt);
			if (walk_list(&s->mem.f, &z->free_area[o][mt], what, visit_free, s, &a,
				      err))
				return -1;
			free += z->free_area[o][mt].nr << o;
		}
	}
	if (free != z->nr_free)
		return nerr_set(err, "check: node %d zone %d nr_free %llu, lists hold %llu",
				z->node, z->type, (unsigned long long)z->nr_free,
				(unsigned long long)free);
	if (z->nr_free > z->managed_pages)
		return nerr_set(err, "check: node %d zone %d more free than managed", z->node,
				z->type);
	return check_pcp(s, z, err);
}

struct lru_arg {
	int node;
	int lru;
	uint64_t *per_zone;
	uint64_t *thps; /* THP heads met (nr_anon_transparent_hugepages) */
};

static int visit_lru(const struct sim *s, pfn_t pfn, const void *arg, struct nerr *err)
{
	const struct lru_arg *a = arg;
	const struct frames *f = &s->mem.f;
	uint32_t fl = f->flags[pfn];
	/* page cache, and MADV_FREE'd anon pages (no PG_swapbacked) */
	bool file = (fl & (PG_file | PG_anon)) && !(fl & PG_swapbacked);
	int want = (fl & PG_unevictable) ? LRU_UNEVICTABLE
					 : (file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON) +
						   ((fl & PG_active) ? 1 : 0);

	if (!(fl & PG_lru) || want != a->lru)
		return nerr_set(err, "check: pfn %u on LRU list %d has flags %#x", pfn, a->lru, fl);
	if (pfn_to_nid(&s->mem, pfn) != a->node)
		return nerr_set(err, "check: pfn %u of node %d on node %d's LRU", pfn,
				pfn_to_nid(&s->mem, pfn), a->node);
	if ((fl & PG_buddy) || enclosing_free_block(f, pfn, 0) != NOPFN)
		return nerr_set(err, "check: free pfn %u is on an LRU list", pfn);
	/* a THP is one entry of 512 pages (folio_nr_pages()) */
	a->per_zone[pfn_zone_id(&s->mem, pfn) % MAX_NR_ZONES] +=
		(fl & PG_transhuge) ? 1ULL << frame_order(f, pfn) : 1;
	if (fl & PG_transhuge) {
		(*a->thps)++;
		return thp_check_head(s, pfn, err);
	}
	return 0;
}

static int check_lru(const struct sim *s, const struct pglist_data *pg, struct nerr *err)
{
	char what[48];
	uint64_t thps = 0;

	for (int l = 0; l < NR_LRU_LISTS; l++) {
		uint64_t per_zone[MAX_NR_ZONES] = {0};
		struct lru_arg a = {pg->id, l, per_zone, &thps};

		snprintf(what, sizeof(what), "node %d LRU list %d", pg->id, l);
		if (walk_list(&s->mem.f, &pg->lru[l], what, visit_lru, s, &a, err))
			return -1;
		for (int t = 0; t < MAX_NR_ZONES; t++)
			if (per_zone[t] != pg->zones[t].nr_lru[l])
				return nerr_set(
					err,
					"check: node %d zone %d LRU %d counter %llu, list has %llu",
					pg->id, t, l, (unsigned long long)pg->zones[t].nr_lru[l],
					(unsigned long long)per_zone[t]);
	}
	/* Between events every THP is on an LRU list (isolation lasts
	 * within one operation), so the lists find them all. */
	if (thps != pg->stat[NR_ANON_THPS])
		return nerr_set(
			err, "--check: node %d nr_anon_transparent_hugepages %llu, frames say %llu",
			pg->id, (unsigned long long)pg->stat[NR_ANON_THPS],
			(unsigned long long)thps);
	return 0;
}

int page_alloc_check(struct sim *s, struct nerr *err)
{
	for (int n = 0; n < s->mem.nr_nodes; n++) {
		const struct pglist_data *pg = &s->mem.nodes[n];

		for (int t = 0; t < MAX_NR_ZONES; t++)
			if (check_zone(s, &pg->zones[t], err))
				return -1;
		if (check_lru(s, pg, err))
			return -1;
	}
	for (uint64_t b = 0; b < s->mem.nr_pageblocks; b++)
		if (s->mem.pageblock_mt[b] >= MIGRATE_PCPTYPES)
			return nerr_set(err, "check: pageblock %llu has migratetype %u",
					(unsigned long long)b, s->mem.pageblock_mt[b]);
	return 0;
}
