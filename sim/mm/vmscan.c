/*
 * vmscan.c - the LRU lists and reclaim (mm/vmscan.c, mm/swap.c).
 *
 * The LRU primitives are real: each node has inactive/active anon and
 * file lists and an unevictable list; a frame's list is told by its flags
 * (folio_lru_list()); the per-zone LRU sizes (update_lru_size()) change
 * only here, so --check can compare them with the lists.
 *
 * RECLAIM SEAM: wakeup_kswapd(), node_reclaim(), try_to_free_pages() and
 * out_of_memory() below are placeholders that reclaim nothing. They keep
 * the kernel's signatures and bookkeeping so page_alloc.c calls them
 * exactly where __alloc_pages() does; the reclaim model replaces their
 * bodies.
 */
#include "mm/vmscan.h"

#include <errno.h>

#include "sim.h"

/* Models folio_is_file_lru(): page cache that is not swap-backed. */
static inline bool page_is_file_lru(uint32_t flags)
{
	return (flags & PG_file) && !(flags & PG_swapbacked);
}

/* Models folio_lru_list(). */
static inline enum lru_list page_lru(uint32_t flags)
{
	if (flags & PG_unevictable)
		return LRU_UNEVICTABLE;
	enum lru_list lru = page_is_file_lru(flags) ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;

	return (flags & PG_active) ? lru + 1 : lru;
}

static struct pglist_data *page_pgdat(struct sim *s, pfn_t pfn)
{
	return &s->mem.nodes[pfn_to_nid(&s->mem, pfn)];
}

/* Models lruvec_add_folio(): to the head of its list, sizes updated. */
static void add_page_to_lru_list(struct sim *s, pfn_t pfn)
{
	enum lru_list lru = page_lru(s->mem.f.flags[pfn]);

	flist_add_head(&s->mem.f, &page_pgdat(s, pfn)->lru[lru], pfn);
	page_zone(&s->mem, pfn)->nr_lru[lru]++;
}

/* Models lruvec_del_folio(). */
static void del_page_from_lru_list(struct sim *s, pfn_t pfn)
{
	enum lru_list lru = page_lru(s->mem.f.flags[pfn]);

	flist_del(&s->mem.f, &page_pgdat(s, pfn)->lru[lru], pfn);
	page_zone(&s->mem, pfn)->nr_lru[lru]--;
}

/* Models folio_add_lru(): the page joins the list its flags name. */
void lru_add(struct sim *s, pfn_t pfn)
{
	uint32_t *fl = &s->mem.f.flags[pfn];

	if (*fl & (PG_lru | PG_buddy))
		return;
	if (*fl & PG_mlocked)
		*fl |= PG_unevictable;
	add_page_to_lru_list(s, pfn);
	*fl |= PG_lru;
}

/* Models the LRU half of __folio_put()/page freeing: off its list. */
void lru_del(struct sim *s, pfn_t pfn)
{
	uint32_t *fl = &s->mem.f.flags[pfn];

	if (!(*fl & PG_lru))
		return;
	del_page_from_lru_list(s, pfn);
	*fl &= ~(PG_lru | PG_active);
}

/* Models folio_activate(): inactive -> active list. */
static void activate_page(struct sim *s, pfn_t pfn)
{
	uint32_t *fl = &s->mem.f.flags[pfn];

	if (!(*fl & PG_lru) || (*fl & (PG_active | PG_unevictable)))
		return;
	del_page_from_lru_list(s, pfn);
	*fl |= PG_active;
	add_page_to_lru_list(s, pfn);
	s->mem.events[PGACTIVATE]++;
}

/*
 * Models folio_mark_accessed(): the first access sets PG_referenced; a
 * second one on an inactive page activates it and clears the bit.
 */
void mark_page_accessed(struct sim *s, pfn_t pfn)
{
	uint32_t *fl = &s->mem.f.flags[pfn];

	if (!(*fl & PG_referenced)) {
		*fl |= PG_referenced;
	} else if (*fl & PG_unevictable) {
		/* unevictable pages are not aged */
	} else if (!(*fl & PG_active)) {
		if (*fl & PG_lru)
			activate_page(s, pfn);
		else
			*fl |= PG_active;
		*fl &= ~PG_referenced;
	}
}

/* Models folio_isolate_lru(): 0, or -EBUSY when not on an LRU list. */
int isolate_lru_page(struct sim *s, pfn_t pfn)
{
	uint32_t *fl = &s->mem.f.flags[pfn];

	if (!(*fl & PG_lru))
		return -EBUSY;
	del_page_from_lru_list(s, pfn);
	*fl = (*fl & ~PG_lru) | PG_isolated;
	page_pgdat(s, pfn)->stat[NR_ISOLATED]++;
	return 0;
}

/* Models folio_putback_lru(). */
void putback_lru_page(struct sim *s, pfn_t pfn)
{
	uint32_t *fl = &s->mem.f.flags[pfn];

	if (*fl & PG_isolated) {
		*fl &= ~PG_isolated;
		page_pgdat(s, pfn)->stat[NR_ISOLATED]--;
	}
	lru_add(s, pfn);
}

/* Models zone_reclaimable_pages(): file LRU, plus anon when swap exists
 * (can_reclaim_anon_pages()). */
uint64_t zone_reclaimable_pages(struct sim *s, const struct zone *z)
{
	uint64_t nr = z->nr_lru[LRU_INACTIVE_FILE] + z->nr_lru[LRU_ACTIVE_FILE];

	if (tun(&s->tun, TUN_SIM_SWAP_SIZE) > 0)
		nr += z->nr_lru[LRU_INACTIVE_ANON] + z->nr_lru[LRU_ACTIVE_ANON];
	return nr;
}

/* ---- RECLAIM SEAM: placeholders until the reclaim model lands ---- */

/* Models wakeup_kswapd(): records the request on the node and wakes its
 * kswapd unless the node is already balanced for it. Placeholder: the
 * kswapd that would then run is not modelled yet. */
void wakeup_kswapd(struct sim *s, int nid, gfp_t gfp, unsigned order, int highest_zoneidx)
{
	struct pglist_data *pg = &s->mem.nodes[nid];

	(void)gfp;
	if (pg->kswapd_order < order)
		pg->kswapd_order = order;
	if (pg->kswapd_highest_zoneidx < highest_zoneidx)
		pg->kswapd_highest_zoneidx = highest_zoneidx;
	if (pg->kswapd_awake)
		return;
	/* pgdat_balanced(): any eligible zone at its high watermark */
	for (int t = 0; t <= highest_zoneidx; t++) {
		const struct zone *z = &pg->zones[t];

		if (zone_populated(z) && zone_watermark_ok(z, order, z->wmark[WMARK_HIGH],
							   highest_zoneidx))
			return;
	}
	pg->kswapd_awake = true;
	s->mem.events[KSWAPD_WAKE]++;
}

/* Models node_reclaim(). Placeholder: scans nothing. */
int node_reclaim(struct sim *s, int nid, struct alloc_req *req)
{
	(void)nid;
	(void)req;
	if (!tun(&s->tun, TUN_ZONE_RECLAIM_MODE))
		return NODE_RECLAIM_NOSCAN;
	return NODE_RECLAIM_FULL;
}

/* Models try_to_free_pages(). Placeholder: reclaims nothing. */
uint64_t try_to_free_pages(struct sim *s, struct alloc_req *req)
{
	(void)s;
	(void)req;
	return 0;
}

/* Models out_of_memory(). Placeholder: kills nothing. */
bool out_of_memory(struct sim *s, struct alloc_req *req)
{
	(void)s;
	(void)req;
	return false;
}
