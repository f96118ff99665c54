/*
 * vmscan.c - the LRU lists and reclaim (mm/vmscan.c, mm/swap.c).
 *
 * The LRU primitives are real: each node has inactive/active anon and
 * file lists and an unevictable list; a frame's list is told by its flags
 * (folio_lru_list()); the per-zone LRU sizes (update_lru_size()) change
 * only here, so --check can compare them with the lists.
 *
 * With demotion on (mm.numa.demotion_enabled), pages that would be
 * reclaimed move to a lower memory tier first (demote_folio_list()).
 *
 * Reclaim, by kernel function: shrink_node() -> shrink_lruvec() scans
 * the four evictable lists in SWAP_CLUSTER_MAX batches as get_scan_count()
 * divides the work (vm.swappiness); shrink_active_list() ages active
 * pages to the inactive list; shrink_inactive_list() +
 * shrink_folio_list() free clean page cache, unmap mapped pages, swap
 * anonymous pages and write dirty ones. Three callers drive it:
 *  - kswapd (one engine event per batch per node, woken by
 *    wakeup_kswapd() below the low watermark, sleeping when the node is
 *    balanced at the high watermark): balance_pgdat();
 *  - direct reclaim from the allocation slow path: try_to_free_pages();
 *  - node reclaim from the fast path when vm.zone_reclaim_mode is set:
 *    node_reclaim(), counted as direct reclaim as the kernel counts it.
 * Scanning costs sim.cost.scan_page_ns per page; swap and file writes
 * cost device time. kswapd's time delays its next batch; direct and node
 * reclaim stall the allocating task.
 */
#include "mm/vmscan.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "mm/compaction.h"
#include "mm/filemap.h"
#include "mm/internal.h"
#include "mm/memory-tiers.h"
#include "mm/migrate.h"
#include "mm/page_writeback.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "task/mmap.h"
#include "task/numa_balancing.h"
#include "task/task.h"

#include "sim.h"
#include "mm/huge_memory.h"

/* Models folio_is_file_lru(): not swap-backed - page cache, and anon
 * pages MADV_FREE made lazily freeable. */
static inline bool page_is_file_lru(uint32_t flags)
{
	return (flags & (PG_file | PG_anon)) && !(flags & PG_swapbacked);
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

/* folio_nr_pages(): a THP is one LRU entry of 512 pages. */
static uint64_t lru_nr_pages(const struct frames *f, pfn_t pfn)
{
	return page_test_transhuge(f, pfn) ? 1ULL << frame_order(f, pfn) : 1;
}

/* Models lruvec_add_folio(): to the head of its list, sizes updated. */
static void add_page_to_lru_list(struct sim *s, pfn_t pfn)
{
	enum lru_list lru = page_lru(s->mem.f.flags[pfn]);

	flist_add_head(&s->mem.f, &page_pgdat(s, pfn)->lru[lru], pfn);
	page_zone(&s->mem, pfn)->nr_lru[lru] += lru_nr_pages(&s->mem.f, pfn);
}

/* Models lruvec_del_folio(). */
static void del_page_from_lru_list(struct sim *s, pfn_t pfn)
{
	enum lru_list lru = page_lru(s->mem.f.flags[pfn]);

	flist_del(&s->mem.f, &page_pgdat(s, pfn)->lru[lru], pfn);
	page_zone(&s->mem, pfn)->nr_lru[lru] -= lru_nr_pages(&s->mem.f, pfn);
}

/* lruvec_add_folio_tail(): to the tail of its list, next to be scanned. */
void lru_add_tail(struct sim *s, pfn_t pfn)
{
	struct frames *f = &s->mem.f;

	if (page_test_lru(f, pfn) || page_test_buddy(f, pfn))
		return;
	if (page_test_mlocked(f, pfn))
		page_set_unevictable(f, pfn);
	enum lru_list lru = page_lru(f->flags[pfn]);

	flist_add_tail(f, &page_pgdat(s, pfn)->lru[lru], pfn);
	page_zone(&s->mem, pfn)->nr_lru[lru]++;
	page_set_lru(f, pfn);
}

/* Models folio_add_lru(): the page joins the list its flags name. */
void lru_add(struct sim *s, pfn_t pfn)
{
	struct frames *f = &s->mem.f;

	if (page_test_lru(f, pfn) || page_test_buddy(f, pfn))
		return;
	if (page_test_mlocked(f, pfn))
		page_set_unevictable(f, pfn);
	add_page_to_lru_list(s, pfn);
	page_set_lru(f, pfn);
}

/* Models the LRU half of __folio_put()/page freeing: off its list. */
void lru_del(struct sim *s, pfn_t pfn)
{
	struct frames *f = &s->mem.f;

	if (!page_test_lru(f, pfn))
		return;
	del_page_from_lru_list(s, pfn);
	page_clear_lru(f, pfn);
	page_clear_active(f, pfn);
}

/* Models folio_activate(): inactive -> active list. */
static void activate_page(struct sim *s, pfn_t pfn)
{
	struct frames *f = &s->mem.f;

	if (!page_test_lru(f, pfn) || page_test_active(f, pfn) || page_test_unevictable(f, pfn))
		return;
	del_page_from_lru_list(s, pfn);
	page_set_active(f, pfn);
	add_page_to_lru_list(s, pfn);
	s->mem.events[PGACTIVATE]++;
}

/*
 * Models folio_mark_accessed(): the first access sets PG_referenced; a
 * second one on an inactive page activates it and clears the bit.
 */
void mark_page_accessed(struct sim *s, pfn_t pfn)
{
	struct frames *f = &s->mem.f;

	if (!page_test_referenced(f, pfn)) {
		page_set_referenced(f, pfn);
	} else if (page_test_unevictable(f, pfn)) {
		/* unevictable pages are not aged */
	} else if (!page_test_active(f, pfn)) {
		if (page_test_lru(f, pfn))
			activate_page(s, pfn);
		else
			page_set_active(f, pfn);
		page_clear_referenced(f, pfn);
	}
}

/* Models folio_isolate_lru(): 0, or -EBUSY when not on an LRU list. */
int isolate_lru_page(struct sim *s, pfn_t pfn)
{
	struct frames *f = &s->mem.f;

	if (!page_test_lru(f, pfn))
		return -EBUSY;
	del_page_from_lru_list(s, pfn);
	page_clear_lru(f, pfn);
	set_page_isolated(&s->mem, pfn);
	return 0;
}

/* Models folio_putback_lru(). */
void putback_lru_page(struct sim *s, pfn_t pfn)
{
	test_clear_page_isolated(&s->mem, pfn);
	lru_add(s, pfn);
}

/*
 * Models can_demote(): with mm.numa.demotion_enabled, a node whose tier
 * has lower tiers (node_get_allowed_targets()) reclaims by demotion,
 * unless the caller forbids it (sc->no_demotion).
 */
static bool can_demote(struct sim *s, int nid, bool no_demotion)
{
	nodemask_t allowed;

	if (!tun(&s->tun, TUN_NUMA_DEMOTION_ENABLED) || no_demotion)
		return false;
	node_get_allowed_targets(s->tiers, nid, &allowed);
	return !nodes_empty(&allowed);
}

/* Models can_reclaim_anon_pages() for global reclaim: swap space is
 * left, or the node can demote. */
static bool can_reclaim_anon_pages(struct sim *s, int nid, bool no_demotion)
{
	return swap_free_slots(s) > 0 || can_demote(s, nid, no_demotion);
}

/* Models zone_reclaimable_pages(): file LRU, plus anon when it can be
 * reclaimed (can_reclaim_anon_pages()). */
uint64_t zone_reclaimable_pages(struct sim *s, const struct zone *z)
{
	uint64_t nr = z->nr_lru[LRU_INACTIVE_FILE] + z->nr_lru[LRU_ACTIVE_FILE];

	if (can_reclaim_anon_pages(s, z->node, false))
		nr += z->nr_lru[LRU_INACTIVE_ANON] + z->nr_lru[LRU_ACTIVE_ANON];
	return nr;
}

/* ---- scanning ------------------------------------------------------------ */

#define NODE_RECLAIM_PRIORITY 4

/* struct scan_control: what one reclaim pass may do and what it did. */
struct scan_control {
	uint64_t nr_to_reclaim;
	int priority;
	int reclaim_idx;    /* highest zone whose pages count */
	bool may_writepage; /* write dirty anonymous pages to swap */
	bool write_file;    /* write dirty file pages (2.6.16 node reclaim, RECLAIM_WRITE) */
	bool may_unmap;
	bool may_swap;
	bool kswapd;	  /* counts as kswapd, else as direct */
	bool no_demotion; /* may not demote (madvise(MADV_PAGEOUT)-style reclaim) */
	uint64_t nr_scanned, nr_reclaimed;
	uint64_t nr_dirty; /* dirty file pages met and left */
	uint64_t io_ns;	   /* transfer time of the writes it waited for */
};

static uint64_t lru_size(const struct pglist_data *pg, enum lru_list l, int reclaim_idx)
{
	uint64_t n = 0;

	for (int t = 0; t <= reclaim_idx && t < MAX_NR_ZONES; t++)
		n += pg->zones[t].nr_lru[l];
	return n;
}

/* Floor of the square root, small arguments. */
static uint64_t isqrt(uint64_t x)
{
	uint64_t r = 0;

	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

/* Models inactive_is_low(): the inactive list is too short for the
 * active one, with the ratio int_sqrt(10 * GiB) of the lists' size. */
static bool inactive_is_low(struct sim *s, const struct pglist_data *pg, enum lru_list inactive)
{
	uint64_t in = pg->lru[inactive].nr, act = pg->lru[inactive + 1].nr;
	uint64_t gb = (in + act) >> (30 - s->topo->page_shift);
	uint64_t ratio = gb ? isqrt(10 * gb) : 1;

	return in * ratio < act;
}

static bool can_reclaim_anon(struct sim *s, const struct pglist_data *pg,
			     const struct scan_control *sc)
{
	return can_reclaim_anon_pages(s, pg->id, sc->no_demotion);
}

struct young_ctx {
	unsigned referenced;
	bool locked; /* a mapping VMA is VM_LOCKED */
};

/* folio_referenced_one(): test and clear the pte's accessed bit. */
static bool referenced_one(struct sim *s, void *ctx, struct mm_struct *mm, uint64_t vpn)
{
	struct young_ctx *y = ctx;
	pte_t p = pgtable_get(&mm->pt, vpn);
	struct vm_area_struct *v = find_vma(mm, vpn << s->topo->page_shift);

	if (v && (v->flags & VM_LOCKED))
		y->locked = true;
	if (p & PTE_YOUNG) {
		pgtable_set(&mm->pt, vpn, p & ~(pte_t)PTE_YOUNG);
		y->referenced++;
	}
	return true;
}

/* Models folio_referenced(): ptes that accessed the page since the last
 * look, clearing their young bits through the reverse map. */
static unsigned page_referenced(struct sim *s, pfn_t pfn, bool *locked)
{
	struct young_ctx y = {0, false};

	if (s->mem.f.mapcount[pfn])
		rmap_walk(s, pfn, referenced_one, &y);
	*locked = y.locked;
	return y.referenced;
}

enum page_references { PAGEREF_RECLAIM, PAGEREF_RECLAIM_CLEAN, PAGEREF_KEEP, PAGEREF_ACTIVATE };

/* Models folio_check_references(): a page referenced by more than one
 * pte, or referenced again after PG_referenced was set, is activated;
 * referenced once it stays inactive for another round. */
static enum page_references check_references(struct sim *s, pfn_t pfn)
{
	struct frames *f = &s->mem.f;
	bool locked;
	unsigned ptes = page_referenced(s, pfn, &locked);

	/* An mlocked page goes before PG_referenced is tested (and kept). */
	if (locked)
		return PAGEREF_ACTIVATE;
	bool was_referenced = page_test_referenced(f, pfn);

	page_clear_referenced(f, pfn); /* folio_test_clear_referenced() */
	if (ptes) {
		page_set_referenced(f, pfn);
		if (was_referenced || ptes > 1)
			return PAGEREF_ACTIVATE;
		return PAGEREF_KEEP;
	}
	if (was_referenced && page_is_file_lru(f->flags[pfn]))
		return PAGEREF_RECLAIM_CLEAN;
	return PAGEREF_RECLAIM;
}

struct unmap_ctx {
	pfn_t pfn;
	bool dirty;
};

/* try_to_unmap_one(): an anonymous pte becomes a swap entry (taking a
 * reference on the slot), a file pte is cleared; the pte's dirty bit
 * moves to the page. */
static bool unmap_one(struct sim *s, void *ctx, struct mm_struct *mm, uint64_t vpn)
{
	struct unmap_ctx *u = ctx;
	pte_t p = pgtable_get(&mm->pt, vpn);
	struct frames *f = &s->mem.f;

	if (!(p & PTE_PRESENT))
		return true;
	if (p & PTE_DIRTY)
		u->dirty = true;
	if (page_test_anon(f, u->pfn) && !page_test_swapbacked(f, u->pfn)) {
		/* MADV_FREE'd: discarded when clean; a write since (pte or
		 * page dirty) makes it swap-backed again and reclaim gives up */
		uint64_t n = page_test_transhuge(f, u->pfn) ? HPAGE_PMD_NR : 1; /* a whole PMD */

		for (uint64_t i = 0; i < n; i++)
			if (pgtable_get(&mm->pt, vpn + i) & PTE_DIRTY)
				p |= PTE_DIRTY;
		if ((p & PTE_DIRTY) || page_test_dirty(f, u->pfn)) {
			page_set_swapbacked(f, u->pfn);
			return false;
		}
		for (uint64_t i = 0; i < n; i++)
			pgtable_set(&mm->pt, vpn + i, 0);
		mm->rss -= n - 1; /* and one below */
	} else if (page_test_anon(f, u->pfn)) {
		uint64_t slot = page_swap_slot(s, u->pfn);

		swap_duplicate(s, slot);
		pgtable_set(&mm->pt, vpn, mk_pte(slot, PTE_SWAP));
	} else {
		pgtable_set(&mm->pt, vpn, 0);
	}
	mm->rss--;
	s->mem.f.mapcount[u->pfn]--;
	if (page_test_file(f, u->pfn) && !f->mapcount[u->pfn])
		node_stat_add(&s->mem, u->pfn, NR_FILE_MAPPED, -1);
	return true;
}

/* Models try_to_unmap(); true when no pte maps the page any more. */
static bool try_to_unmap(struct sim *s, pfn_t pfn)
{
	struct unmap_ctx u = {pfn, false};

	rmap_walk(s, pfn, unmap_one, &u);
	if (u.dirty) {
		if (page_test_anon(&s->mem.f, pfn))
			page_set_dirty(&s->mem.f, pfn);
		else
			page_mark_dirty(s, pfn);
	}
	return s->mem.f.mapcount[pfn] == 0;
}

/* The isolated page leaves reclaim's hands (NR_ISOLATED). */
static void unisolate(struct sim *s, pfn_t pfn)
{
	clear_page_isolated(&s->mem, pfn);
}

/* Back on an LRU list: active (activate) or the inactive head (keep). */
static void putback(struct sim *s, pfn_t pfn, bool active)
{
	struct frames *f = &s->mem.f;

	if (active && !page_test_active(f, pfn))
		s->mem.events[PGACTIVATE]++;
	if (active)
		page_set_active(f, pfn);
	else
		page_clear_active(f, pfn);
	putback_lru_page(s, pfn);
}

/* Models __remove_mapping() + freeing: the page leaves the page cache
 * or the swap cache and returns to the buddy allocator. */
static void free_reclaimed(struct sim *s, pfn_t pfn)
{
	unisolate(s, pfn);
	if (page_test_anon(&s->mem.f, pfn) && !page_test_swapbacked(&s->mem.f, pfn))
		s->mem.events[PGLAZYFREED] += lru_nr_pages(&s->mem.f, pfn);
	if (page_test_anon(&s->mem.f, pfn)) {
		delete_from_swap_cache(s, pfn);
		free_anon_page(s, pfn);
	} else {
		filemap_evict_page(s, pfn);
	}
}

/* Pages queued for demotion by one shrink_folio_list() batch. */
#define DEMOTE_BATCH SWAP_CLUSTER_MAX
struct demote_batch {
	struct migrate_item items[DEMOTE_BATCH];
	size_t n;
};

/* Pages the model's migration can move (migrate_isolate()'s list): not
 * huge, not in the swap cache, not under writeback. */
static bool demotable(uint32_t flags)
{
	return !(flags & (PG_head | PG_huge | PG_swapcache | PG_writeback));
}

/* Models pageout(): a dirty page is written (swap for anonymous pages,
 * the file's device otherwise); the reclaimer waits for the write. */
static void pageout(struct sim *s, pfn_t pfn, struct scan_control *sc)
{
	if (page_test_anon(&s->mem.f, pfn)) {
		page_clear_dirty(&s->mem.f, pfn);
		sc->io_ns += swap_io(s, true);
		s->mem.events[PSWPOUT]++;
	} else {
		sc->io_ns += writeback_file_page(s, pfn);
	}
}

/*
 * Models shrink_folio_list() for one isolated page; returns true when it
 * was freed. Anonymous pages get a swap slot (add_to_swap()) when
 * swapping is allowed; mapped pages are unmapped only with may_unmap.
 * Dirty file pages are left to the flusher, as 6.x kernels do for
 * direct and node reclaim whatever vm.zone_reclaim_mode says (only
 * kswapd may write file pages; its rare own writes are not modelled);
 * in the 2.6.16 model (sim.zone_reclaim_interval_model=1) node reclaim
 * with RECLAIM_WRITE writes them and waits, the seed's throttling of a
 * fast writer (docs/model.md). Shmem pages are not swapped (kept active).
 * With db (the node can demote), a page that would
 * be reclaimed joins the demote list instead and stays isolated
 * (docs/model.md §11).
 */
static bool shrink_page(struct sim *s, pfn_t pfn, struct scan_control *sc, struct demote_batch *db)
{
	struct frames *f = &s->mem.f;
	bool anon = page_test_anon(f, pfn);

	enum page_references ref;

	if (s->mem.f.mapcount[pfn] && !sc->may_unmap)
		goto keep;
	ref = check_references(s, pfn);
	if (ref == PAGEREF_ACTIVATE)
		goto activate;
	if (ref == PAGEREF_KEEP)
		goto keep;
	/* Before reclaiming the page, try to move it to a lower tier: it
	 * stays isolated on the demote list (shrink_folio_list()). */
	if (db && demotable(f->flags[pfn])) {
		db->items[db->n++] = (struct migrate_item){.pfn = pfn};
		return false;
	}
	if (!anon && page_test_swapbacked(f, pfn))
		goto activate;
	if (anon && page_test_swapbacked(f, pfn) && !page_test_swapcache(f, pfn)) {
		if (!sc->may_swap)
			goto activate;
		/* add_to_swap() of a THP needs a swap cluster, which this swap
		 * device lacks (no SSD cluster allocator): split, swap base
		 * pages; the tails join the tail of the list (the kernel's
		 * folio_list) and are reclaimed next. */
		if (page_test_transhuge(f, pfn) && swap_free_slots(s) > 0) {
			split_huge_page(s, pfn, true);
			s->mem.events[THP_SWPOUT_FALLBACK]++;
		}
		if (page_test_transhuge(f, pfn) || !add_to_swap(s, pfn))
			goto activate;
	}
	if (f->mapcount[pfn] && !try_to_unmap(s, pfn))
		goto activate;
	if (page_test_dirty(f, pfn)) {
		if (!anon && !sc->write_file) {
			/* left to the flusher and moved out of the way until it
			 * is written (6.x: folio_set_reclaim(), activate_locked) */
			sc->nr_dirty++;
			goto activate;
		}
		/* used once through a read(2)/write(2): not worth a write */
		if (ref == PAGEREF_RECLAIM_CLEAN)
			goto keep;
		if (anon && !sc->may_writepage)
			goto keep;
		pageout(s, pfn, sc);
	}
	free_reclaimed(s, pfn);
	return true;
activate:
	putback(s, pfn, true);
	return false;
keep:
	putback(s, pfn, false);
	return false;
}

/*
 * Models demote_folio_list() and the retry of shrink_folio_list(): the
 * queued pages move to next_demotion_node() (or, when it is full, another
 * node of the lower tiers); those that could not move go through reclaim
 * again without demotion. Returns the pages reclaimed either way.
 */
static uint64_t demote_folio_list(struct sim *s, struct pglist_data *pg, struct scan_control *sc,
				  struct demote_batch *db)
{
	int target = next_demotion_node(s, pg->id);
	uint64_t reclaimed = 0;
	nodemask_t allowed;
	size_t moved = 0;

	if (!db->n)
		return 0;
	if (target >= 0) {
		node_get_allowed_targets(s->tiers, pg->id, &allowed);
		moved = migrate_demote_pages(s, db->items, db->n, target, &allowed, pg->id,
					     &sc->io_ns);
		tiering_count(s, pg->id, sc->kswapd ? PGDEMOTE_KSWAPD : PGDEMOTE_DIRECT, moved);
		sim_explain(s, "    reclaim demotes %zu page%s from node %d to node %d\n", moved,
			    moved == 1 ? "" : "s", pg->id, target);
	}
	reclaimed += moved;
	for (size_t i = 0; i < db->n; i++)
		if (target < 0 || db->items[i].rc)
			reclaimed += shrink_page(s, db->items[i].pfn, sc, NULL);
	db->n = 0;
	return reclaimed;
}

/* Models shrink_inactive_list(): isolates up to nr_to_scan pages from the
 * tail and runs each through shrink_folio_list(), demoting first when the
 * node can (can_demote()). isolate_lru_folios() moves a page of a zone
 * above reclaim_idx to the list head without counting it against
 * nr_to_scan (so one call may pass the whole list), yet reports it in the
 * scanned total that pgscan_* counts (total_scan; pgskip_<zone>): a
 * kswapd woken for ZONE_DMA alone counts every DMA32 page it passes.
 * The multi-generational LRU keeps a list per zone and counts only what
 * it isolates (scan_folios()). */
static void shrink_inactive_list(struct sim *s, struct pglist_data *pg, enum lru_list lru,
				 uint64_t nr_to_scan, struct scan_control *sc)
{
	struct frames *f = &s->mem.f;
	uint64_t scanned = 0, reclaimed = 0, dirty0 = sc->nr_dirty, skipped = 0;
	uint64_t len = pg->lru[lru].nr, n = len < nr_to_scan ? len : nr_to_scan;
	struct demote_batch batch = {.n = 0},
			    *db = can_demote(s, pg->id, sc->no_demotion) ? &batch : NULL;

	for (uint64_t i = 0, seen = 0; i < n && seen < len; seen++) {
		pfn_t pfn = pg->lru[lru].tail;
		bool skip;

		if (pfn == NOPFN)
			break;
		skip = (int)(pfn_zone_id(&s->mem, pfn) % MAX_NR_ZONES) > sc->reclaim_idx;
		if (skip || page_test_locked(f, pfn)) {
			/* not eligible: rotate it out of the way */
			flist_del(f, &pg->lru[lru], pfn);
			flist_add_head(f, &pg->lru[lru], pfn);
			skipped += skip;
			i += !skip;
			continue;
		}
		i++;
		isolate_lru_page(s, pfn);
		scanned++;
		reclaimed += shrink_page(s, pfn, sc, db);
		if (db && db->n == DEMOTE_BATCH)
			reclaimed += demote_folio_list(s, pg, sc, db);
	}
	if (db)
		reclaimed += demote_folio_list(s, pg, sc, db);
	sc->nr_scanned += scanned;
	sc->nr_reclaimed += reclaimed;
	s->mem.events[sc->kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT] +=
		scanned + (tun(&s->tun, TUN_LRU_GEN_ENABLED) ? 0 : skipped);
	s->mem.events[sc->kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT] += reclaimed;
	/* Every page met was dirty and left: the flusher must run
	 * (wakeup_flusher_threads() when nr_unqueued_dirty == nr_taken). */
	if (scanned && sc->nr_dirty - dirty0 == scanned)
		wakeup_flusher_threads(s);
}

/* Models shrink_active_list(): pages from the active tail go to the
 * inactive list (their pte accessed bits cleared on the way); only
 * referenced executable file pages would stay, and the model has no
 * executable mappings. */
static void shrink_active_list(struct sim *s, struct pglist_data *pg, enum lru_list lru,
			       uint64_t nr_to_scan, struct scan_control *sc)
{
	uint64_t n = pg->lru[lru].nr < nr_to_scan ? pg->lru[lru].nr : nr_to_scan;

	(void)sc;
	for (uint64_t i = 0; i < n; i++) {
		pfn_t pfn = pg->lru[lru].tail;
		bool locked;

		if (pfn == NOPFN)
			break;
		isolate_lru_page(s, pfn);
		page_referenced(s, pfn, &locked);
		putback(s, pfn, false);
		s->mem.events[PGDEACTIVATE]++;
	}
	s->mem.events[PGREFILL] += n; /* refill is not pgscan, as in Linux */
}

/* Models lru_deactivate_fn() (folio_deactivate(), MADV_COLD): an active
 * page goes to the inactive list, its referenced bit cleared. */
void deactivate_page(struct sim *s, pfn_t pfn)
{
	struct frames *f = &s->mem.f;

	if (!page_test_lru(f, pfn) || page_test_unevictable(f, pfn))
		return;
	page_clear_referenced(f, pfn);
	if (!page_test_active(f, pfn))
		return;
	del_page_from_lru_list(s, pfn);
	page_clear_active(f, pfn);
	add_page_to_lru_list(s, pfn);
	s->mem.events[PGDEACTIVATE] += lru_nr_pages(&s->mem.f, pfn);
}

/* Models lru_lazyfree_fn() (folio_mark_lazyfree(), MADV_FREE): a clean
 * anonymous page without PG_swapbacked on the inactive file list. */
void mark_page_lazyfree(struct sim *s, pfn_t pfn)
{
	struct frames *f = &s->mem.f;

	if (!page_test_lru(f, pfn) || !page_test_swapbacked(f, pfn) ||
	    page_test_swapcache(f, pfn) || page_test_unevictable(f, pfn))
		return;
	del_page_from_lru_list(s, pfn);
	page_clear_active(f, pfn);
	page_clear_referenced(f, pfn);
	page_clear_swapbacked(f, pfn);
	page_clear_dirty(f, pfn);
	add_page_to_lru_list(s, pfn);
	s->mem.events[PGLAZYFREE] += lru_nr_pages(&s->mem.f, pfn);
}

/* MADV_PAGEOUT reclaims without demotion (reclaim_folio_list() sets
 * no_demotion): no demote batch. */
uint64_t reclaim_pages(struct sim *s, const pfn_t *pfns, size_t n, uint64_t *cost_ns)
{
	struct scan_control sc = {
		.nr_to_reclaim = n,
		.priority = DEF_PRIORITY,
		.reclaim_idx = MAX_NR_ZONES - 1,
		.may_writepage = true,
		.may_unmap = true,
		.may_swap = true,
	};

	for (size_t i = 0; i < n; i++) {
		bool thp = page_is_thp(&s->mem.f, pfns[i]);

		if (isolate_lru_page(s, pfns[i]))
			continue;
		sc.nr_reclaimed += shrink_page(s, pfns[i], &sc, NULL);
		/* a THP split for swap-out left its tails where the kernel's
		 * folio_list has them: they are reclaimed in the same call */
		for (pfn_t t = 1; thp && !page_is_thp(&s->mem.f, pfns[i]) && t < HPAGE_PMD_NR; t++)
			if (!isolate_lru_page(s, pfns[i] + t))
				sc.nr_reclaimed += shrink_page(s, pfns[i] + t, &sc, NULL);
	}
	*cost_ns += sc.io_ns;
	return sc.nr_reclaimed;
}

enum scan_balance { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE };

/* Models the file_is_tiny test of prepare_scan_control(): file + free
 * pages at most the high watermarks, the inactive anon list not low
 * (the kernel's DEACTIVATE_ANON unset) and worth a scan at priority. */
static bool file_is_tiny(struct sim *s, struct pglist_data *pg, const struct scan_control *sc)
{
	uint64_t file = pg->lru[LRU_INACTIVE_FILE].nr + pg->lru[LRU_ACTIVE_FILE].nr;
	uint64_t high = 0;

	for (int t = 0; t < MAX_NR_ZONES; t++)
		if (zone_populated(&pg->zones[t]))
			high += wmark_pages(&pg->zones[t], WMARK_HIGH);
	return file + node_free_pages(pg) <= high && !inactive_is_low(s, pg, LRU_INACTIVE_ANON) &&
	       pg->lru[LRU_INACTIVE_ANON].nr >> sc->priority;
}

/* Models get_scan_count()'s choice, in the kernel's order. Global
 * reclaim has no swappiness-0 shortcut: swappiness 0 gives anon a zero
 * fraction but file_is_tiny still scans anon to avert OOM. Cache trim
 * mode is "inactive file worth a scan and not low" (no refaults here). */
static enum scan_balance scan_balance(struct sim *s, struct pglist_data *pg,
				      const struct scan_control *sc, uint64_t swappiness)
{
	if (!sc->may_swap || !can_reclaim_anon(s, pg, sc))
		return SCAN_FILE;
	if (!sc->priority && swappiness)
		return SCAN_EQUAL;
	if (file_is_tiny(s, pg, sc))
		return SCAN_ANON;
	if ((pg->lru[LRU_INACTIVE_FILE].nr >> sc->priority) &&
	    !inactive_is_low(s, pg, LRU_INACTIVE_FILE))
		return SCAN_FILE;
	return SCAN_FRACT;
}

/*
 * Models get_scan_count(): how many pages of each evictable list to
 * scan at this priority (list size >> priority), split by
 * scan_balance(). Under SCAN_FRACT the kernel weighs swappiness against
 * the recent reclaim cost of each type; the model has no cost feedback
 * (anon_cost = file_cost = 0), for which the kernel's arithmetic gives
 * exactly swappiness : 200 - swappiness.
 */
static void get_scan_count(struct sim *s, struct pglist_data *pg, struct scan_control *sc,
			   uint64_t nr[NR_LRU_LISTS])
{
	uint64_t swappiness = (uint64_t)tun(&s->tun, TUN_SWAPPINESS);
	enum scan_balance bal = scan_balance(s, pg, sc, swappiness);

	for (int l = 0; l < LRU_UNEVICTABLE; l++) {
		bool is_file = l >= LRU_INACTIVE_FILE;
		uint64_t scan = lru_size(pg, (enum lru_list)l, sc->reclaim_idx) >> sc->priority;

		switch (bal) {
		case SCAN_EQUAL:
			break;
		case SCAN_ANON:
			scan = is_file ? 0 : scan;
			break;
		case SCAN_FILE:
			scan = is_file ? scan : 0;
			break;
		case SCAN_FRACT:
			scan = scan * (is_file ? 200 - swappiness : swappiness) / 200;
			break;
		}
		nr[l] = scan;
	}
}

/* get_scan_count() for node nid as reclaim would see it (the direct
 * reclaim and node reclaim scan_control): a seam for the unit tests. */
void get_scan_count_node(struct sim *s, int nid, int priority, bool may_swap,
			 uint64_t nr[NR_LRU_LISTS])
{
	struct scan_control sc = {
		.priority = priority,
		.reclaim_idx = ZONE_NORMAL,
		.may_swap = may_swap,
	};

	for (int l = 0; l < NR_LRU_LISTS; l++)
		nr[l] = 0;
	get_scan_count(s, &s->mem.nodes[nid], &sc, nr);
}

/* Models shrink_list(): active lists are aged only while their inactive
 * list is low. */
static void shrink_list(struct sim *s, struct pglist_data *pg, enum lru_list l, uint64_t n,
			struct scan_control *sc)
{
	if (l == LRU_ACTIVE_ANON || l == LRU_ACTIVE_FILE) {
		if (inactive_is_low(s, pg, l - 1))
			shrink_active_list(s, pg, l, n, sc);
		return;
	}
	shrink_inactive_list(s, pg, l, n, sc);
}

/*
 * The proportional nudge of shrink_lruvec() once nr_to_reclaim is met:
 * stop scanning the type (anon or file) with less left to scan and cut
 * the other to the share of its own target that the stopped one had
 * left, so both end up scanned in get_scan_count()'s proportion.
 * Returns false when one type is already done: stop at once.
 */
static bool scale_scan_targets(uint64_t nr[NR_LRU_LISTS], const uint64_t targets[NR_LRU_LISTS])
{
	uint64_t nr_anon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
	uint64_t nr_file = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
	int stop = nr_file > nr_anon ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
	int other = stop == LRU_INACTIVE_ANON ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;

	if (!nr_anon || !nr_file)
		return false;
	uint64_t pct = (nr[stop] + nr[stop + 1]) * 100 / (targets[stop] + targets[stop + 1] + 1);

	nr[stop] = nr[stop + 1] = 0;
	for (int l = other; l <= other + 1; l++) {
		uint64_t scanned = targets[l] - nr[l];

		nr[l] = targets[l] * (100 - pct) / 100;
		nr[l] -= nr[l] < scanned ? nr[l] : scanned;
	}
	return true;
}

/* Models shrink_lruvec(): SWAP_CLUSTER_MAX pages of each list in turn
 * until the counts are used up. Once this node gave nr_to_reclaim pages
 * the scan is cut down proportionally (scale_scan_targets()), except
 * for direct reclaim at DEF_PRIORITY, which finishes its batch because
 * being in direct reclaim means kswapd is not keeping up. */
static void shrink_lruvec(struct sim *s, struct pglist_data *pg, struct scan_control *sc)
{
	uint64_t nr[NR_LRU_LISTS] = {0}, targets[NR_LRU_LISTS];
	uint64_t before = sc->nr_reclaimed;
	bool proportional = !sc->kswapd && sc->priority == DEF_PRIORITY;

	get_scan_count(s, pg, sc, nr);
	memcpy(targets, nr, sizeof(nr));
	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
		for (int l = 0; l < LRU_UNEVICTABLE; l++) {
			uint64_t n = nr[l] < SWAP_CLUSTER_MAX ? nr[l] : SWAP_CLUSTER_MAX;

			if (!n)
				continue;
			nr[l] -= n;
			shrink_list(s, pg, (enum lru_list)l, n, sc);
		}
		if (sc->nr_reclaimed - before < sc->nr_to_reclaim || proportional)
			continue;
		if (!scale_scan_targets(nr, targets))
			break;
	}
	/* Keep the anon lists aged even when only file pages were scanned. */
	/* can_age_anon_pages(): swap, or demotion, makes aging worth it */
	if (can_reclaim_anon(s, pg, sc) && inactive_is_low(s, pg, LRU_INACTIVE_ANON))
		shrink_active_list(s, pg, LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX, sc);
}

/* Models shrink_node(); a node that gave pages back is no longer hopeless
 * for kswapd (kswapd_failures = 0). With the multi-generational LRU
 * (mm.lru_gen.enabled) global reclaim goes to lru_gen_shrink_node(),
 * which from 6.3 returns at once unless the caller may both write and
 * unmap ("unmapped clean folios are already prioritized"): node reclaim
 * without RECLAIM_WRITE and RECLAIM_UNMAP scans nothing. The generations
 * themselves are not modelled: the active/inactive lists stand for them;
 * nor is 6.3-6.11's clearing of kswapd_failures on every call, which
 * would keep kswapd running on a node it cannot reclaim (6.12 clears it
 * only after a call that reclaimed, as here). */
static void shrink_node(struct sim *s, struct pglist_data *pg, struct scan_control *sc)
{
	uint64_t before = sc->nr_reclaimed;

	if (tun(&s->tun, TUN_LRU_GEN_ENABLED) && kernel_at_least(&s->tun, 6, 3)) {
		if (!sc->may_writepage || !sc->may_unmap)
			return;
	}

	shrink_lruvec(s, pg, sc);
	if (sc->nr_reclaimed > before)
		pg->kswapd_failures = 0;
}

/* Time a reclaim pass took: scanning plus waiting for its writes. */
static uint64_t reclaim_cost(struct sim *s, const struct scan_control *sc)
{
	return sc->nr_scanned * (uint64_t)tun(&s->tun, TUN_SIM_COST_SCAN_PAGE_NS) + sc->io_ns;
}

/* The task that allocates waits: its stall shows in the report. */
static void charge_stall(struct sim *s, struct alloc_req *req, uint64_t ns)
{
	req->stall_ns += ns;
	s->reclaim_stall_ns += ns;
	if (s->current)
		s->current->stall_ns += ns;
}

/* ---- kswapd ------------------------------------------------------------------ */

/* Models pgdat_balanced(): some eligible zone meets its high watermark,
 * or its promo watermark in NUMA balancing's tiering mode (room kept for
 * promotions). */
static bool pgdat_balanced(const struct sim *s, const struct pglist_data *pg, unsigned order,
			   int highest_zoneidx)
{
	bool tiering = tun(&s->tun, TUN_NUMA_BALANCING) & NUMA_BALANCING_MEMORY_TIERING;
	int mark = tiering ? WMARK_PROMO : WMARK_HIGH;
	bool any = false;

	for (int t = 0; t <= highest_zoneidx && t < MAX_NR_ZONES; t++) {
		const struct zone *z = &pg->zones[t];

		if (!zone_populated(z))
			continue;
		any = true;
		if (zone_watermark_ok(z, order, wmark_pages(z, mark), highest_zoneidx))
			return true;
	}
	return !any;
}

static void kswapd_event(void *ctx, uint64_t arg);

/* kswapd_try_to_sleep(): a node balanced (or hopeless) after a run sends
 * kswapd to sleep, first for HZ/10 (schedule_timeout()): a wakeup within
 * it counts KSWAPD_LOW_WMARK_HIT_QUICKLY; at its end kswapd looks again
 * (kswapd_nap_end()). */
#define KSWAPD_NAP_NS 100000000ull
static void kswapd_nap_end(void *ctx, uint64_t arg);
static void kswapd_sleep(struct sim *s, struct pglist_data *pg, uint64_t now)
{
	/* kswapd_try_to_sleep(): kcompactd for the order kswapd was woken for */
	wakeup_kcompactd(s, pg->id, pg->kswapd_order, pg->kswapd_highest_zoneidx);
	if (pg->kswapd_cpu_shared) {
		uint64_t ran = now > pg->kswapd_run_start ? now - pg->kswapd_run_start : 0;

		/* where the tick falls after this stretch: drawn from kswapd's
		 * own stream (eevdf_sleep()) */
		uint64_t phase = rng_next(&s->rng[RNG_KSWAPD]) % EEVDF_TICK_NS;

		eevdf_sleep(&pg->kswapd_cpu, &pg->kswapd_cpu_params, ran, now, phase);
		pg->kswapd_cpu_shared = false;
	}
	pg->kswapd_nap_end = now + KSWAPD_NAP_NS;
	pg->kswapd_awake = false;
	pg->kswapd_nap_seq++;
	engine_at(&s->eng, pg->kswapd_nap_end, kswapd_nap_end, s,
		  (uint64_t)(pg - s->mem.nodes) | (uint64_t)pg->kswapd_nap_seq << 16);
}

/* The start of a balance_pgdat() run (a woken kswapd's first batch, a
 * rerun, a nap's end): priority DEF_PRIORITY, nothing reclaimed yet, one
 * more pageoutrun; note each eligible zone's boost as it is when the run
 * starts: while any is left to reclaim, kswapd reclaims for it (boosted
 * reclaim). */
static void balance_pgdat_start(struct sim *s, struct pglist_data *pg)
{
	/* kswapd() reads the request (kswapd_highest_zoneidx(): the zones
	 * of the last run or sleep check without one) and resets it */
	pg->kswapd_order = pg->kswapd_req_order;
	if (pg->kswapd_req)
		pg->kswapd_highest_zoneidx = pg->kswapd_req_zoneidx;
	pg->kswapd_req = false;
	pg->kswapd_req_order = 0;
	pg->kswapd_in_run = true;
	pg->kswapd_priority = DEF_PRIORITY;
	pg->kswapd_reclaimed = 0;
	s->mem.events[PAGEOUTRUN]++;
	pg->kswapd_boost_reclaim = 0;
	for (int t = 0; t < MAX_NR_ZONES; t++) {
		const struct zone *z = &pg->zones[t];

		pg->kswapd_zone_boosts[t] = t <= pg->kswapd_highest_zoneidx && zone_populated(z)
						    ? z->watermark_boost
						    : 0;
		pg->kswapd_boost_reclaim += pg->kswapd_zone_boosts[t];
	}
}

/* balance_pgdat()'s `out:`: a boosted run pays back the boost it saw
 * (the zone keeps boosts raised since). */
static void balance_pgdat_end(struct sim *s, struct pglist_data *pg)
{
	bool boosted = false;

	for (int t = 0; t < MAX_NR_ZONES; t++) {
		struct zone *z = &pg->zones[t];
		uint64_t b = pg->kswapd_zone_boosts[t];

		boosted |= b > 0;
		z->watermark_boost -= b < z->watermark_boost ? b : z->watermark_boost;
		pg->kswapd_zone_boosts[t] = 0;
	}
	pg->kswapd_boost_reclaim = 0;
	/* "As there is now likely space, wakeup kcompact to defragment
	 * pageblocks" */
	if (boosted)
		wakeup_kcompactd(s, pg->id, PAGEBLOCK_ORDER, pg->kswapd_highest_zoneidx);
}

/* Models pgdat_watermark_boosted(). */
static bool pgdat_watermark_boosted(const struct pglist_data *pg, int highest_zoneidx)
{
	for (int t = highest_zoneidx; t >= 0; t--)
		if (t < MAX_NR_ZONES && zone_populated(&pg->zones[t]) &&
		    pg->zones[t].watermark_boost)
			return true;
	return false;
}

/* Models prepare_kswapd_sleep(): kswapd may sleep on a node balanced
 * for order and zones up to highest_zoneidx, or hopeless for it
 * (MAX_RECLAIM_RETRIES failed runs). */
static bool prepare_kswapd_sleep(const struct sim *s, const struct pglist_data *pg, unsigned order,
				 int highest_zoneidx)
{
	return pg->kswapd_failures >= MAX_RECLAIM_RETRIES ||
	       pgdat_balanced(s, pg, order, highest_zoneidx);
}

/*
 * kswapd() once balance_pgdat() has returned: a wakeup made during the
 * run gives the zones it checks next (kswapd_highest_zoneidx(); without
 * one, the run's) and the order (order 0 without one; a run of higher
 * order keeps its own, as kswapd() does when balance_pgdat() gave the
 * order up). kswapd_try_to_sleep() sleeps only if prepare_kswapd_sleep()
 * finds the node balanced or hopeless (MAX_RECLAIM_RETRIES failures) for
 * them; otherwise it counts KSWAPD_HIGH_WMARK_HIT_QUICKLY and kswapd()
 * calls balance_pgdat() again from DEF_PRIORITY for the request. Returns
 * true to run again.
 */
static bool kswapd_next_run(struct sim *s, struct pglist_data *pg, uint64_t now)
{
	pg->kswapd_in_run = false;
	if (pg->kswapd_req) {
		pg->kswapd_highest_zoneidx = pg->kswapd_req_zoneidx;
		if (pg->kswapd_order < pg->kswapd_req_order)
			pg->kswapd_order = pg->kswapd_req_order;
	}
	if (prepare_kswapd_sleep(s, pg, pg->kswapd_order, pg->kswapd_highest_zoneidx)) {
		kswapd_sleep(s, pg, now);
		return false;
	}
	s->mem.events[KSWAPD_HIGH_WMARK_HIT_QUICKLY]++;
	sim_explain(s,
		    "  t=%.6f ms: kswapd%d runs again: node %d is not balanced for zones up to "
		    "%s at order %u (kswapd_try_to_sleep(), kswapd_high_wmark_hit_quickly)\n",
		    (double)now / 1e6, pg->id, pg->id, zone_names[pg->kswapd_highest_zoneidx],
		    pg->kswapd_order);
	balance_pgdat_start(s, pg);
	return true;
}

/*
 * The end of one balance_pgdat() run by its loop (priority below 1, or
 * a boosted pass that reclaimed nothing): a run that reclaimed nothing
 * counts a kswapd failure, and the boost it saw is paid back; then
 * kswapd_next_run(). Returns true to run again.
 */
static bool kswapd_rerun(struct sim *s, struct pglist_data *pg, uint64_t now)
{
	if (!pg->kswapd_reclaimed)
		pg->kswapd_failures++;
	balance_pgdat_end(s, pg);
	return kswapd_next_run(s, pg, now);
}

/*
 * One batch of balance_pgdat() at time now: shrink_node() at the
 * current priority, then again after the batch's cost until the node is
 * balanced. The priority drops (scans harder) when a pass scanned less
 * than it was asked to reclaim or reclaimed nothing; a run that reaches
 * priority 0 ends as kswapd_rerun() says, and after MAX_RECLAIM_RETRIES
 * failed runs wakeup_kswapd() leaves the node alone. Returns true while
 * kswapd stays awake, its next batch at pg->kswapd_next_ns.
 *
 * Watermark boosting: the watermarks include the zones' boosts
 * (wmark_pages()), so a boosted node is balanced only above high +
 * boost. A node that is not balanced drops the boost accounting and
 * reclaims as usual ("restart"); one that is balanced but still has a
 * boost to reclaim for does boosted reclaim: no writeback, no swap, the
 * priority kept at DEF_PRIORITY - 2 or above, and the run ends as soon
 * as a pass reclaims nothing.
 */
static bool kswapd_batch(struct sim *s, int nid, uint64_t now)
{
	struct pglist_data *pg = &s->mem.nodes[nid];

	if (!pg->kswapd_in_run)
		balance_pgdat_start(s, pg);
	bool balanced = pgdat_balanced(s, pg, pg->kswapd_order, pg->kswapd_highest_zoneidx);

	pg->kswapd_fresh = false;
	if (!balanced && pg->kswapd_boost_reclaim) {
		pg->kswapd_boost_reclaim = 0; /* goto restart */
		pg->kswapd_priority = DEF_PRIORITY;
	}
	if (balanced && !pg->kswapd_boost_reclaim) {
		balance_pgdat_end(s, pg);
		if (kswapd_next_run(s, pg, now))
			return true;
		sim_explain(s,
			    "  t=%.6f ms: kswapd%d sleeps: node %d is balanced, every zone above "
			    "its high "
			    "watermark (kswapd_try_to_sleep())\n",
			    (double)now / 1e6, (int)nid, (int)nid);
		return false;
	}
	bool boost = pg->kswapd_boost_reclaim > 0;
	struct scan_control sc = {
		.priority = pg->kswapd_priority,
		.reclaim_idx = pg->kswapd_highest_zoneidx,
		.may_writepage = !boost,
		.may_unmap = true,
		.may_swap = !boost,
		.kswapd = true,
	};
	bool may_raise = !(boost && pg->kswapd_priority == DEF_PRIORITY - 2);

	for (int t = 0; t <= sc.reclaim_idx && t < MAX_NR_ZONES; t++)
		if (zone_populated(&pg->zones[t])) {
			uint64_t high = wmark_pages(&pg->zones[t], WMARK_HIGH);

			sc.nr_to_reclaim += high > SWAP_CLUSTER_MAX ? high : SWAP_CLUSTER_MAX;
		}
	shrink_node(s, pg, &sc);
	pg->kswapd_reclaimed += sc.nr_reclaimed;
	if (boost) {
		pg->kswapd_boost_reclaim -= sc.nr_reclaimed < pg->kswapd_boost_reclaim
						    ? sc.nr_reclaimed
						    : pg->kswapd_boost_reclaim;
		/* a boosted pass that reclaimed nothing ends the run */
		if (!sc.nr_reclaimed && !kswapd_rerun(s, pg, now)) {
			sim_explain(s,
				    "  t=%.6f ms: kswapd%d sleeps: boosted reclaim found nothing "
				    "more to "
				    "reclaim without writeback\n",
				    (double)now / 1e6, (int)nid);
			return false;
		}
	}
	if (!(boost && !sc.nr_reclaimed) &&
	    ((may_raise && sc.nr_scanned < sc.nr_to_reclaim) || !sc.nr_reclaimed))
		pg->kswapd_priority--;
	if (pg->kswapd_priority < 1 && !kswapd_rerun(s, pg, now)) {
		sim_explain(
			s,
			"  t=%.6f ms: kswapd%d sleeps after %u failed run%s: nothing left it can "
			"reclaim (kswapd_try_to_sleep())\n",
			(double)now / 1e6, (int)nid, pg->kswapd_failures,
			pg->kswapd_failures == 1 ? "" : "s");
		return false;
	}
	uint64_t cost = reclaim_cost(s, &sc);

	pg->kswapd_next_ns = now + (cost ? cost : 1);
	return true;
}

/* Queues the node's next batch as an engine event; an event queued
 * before it (pg->kswapd_seq) is stale and does nothing. */
static void kswapd_queue(struct sim *s, int nid)
{
	struct pglist_data *pg = &s->mem.nodes[nid];

	pg->kswapd_seq++;
	engine_at(&s->eng, pg->kswapd_next_ns, kswapd_event, s,
		  (uint64_t)nid | (uint64_t)pg->kswapd_seq << 16);
}

/* kswapd's thread as an engine event: one batch, then the next queued. */
static void kswapd_event(void *ctx, uint64_t arg)
{
	struct sim *s = ctx;
	int nid = (int)(arg & 0xffff);
	struct pglist_data *pg = &s->mem.nodes[nid];

	if (!pg->kswapd_awake || (uint32_t)(arg >> 16) != pg->kswapd_seq)
		return;
	if (kswapd_batch(s, nid, sim_now(s)))
		kswapd_queue(s, nid);
}

uint64_t kswapd_catch_up(struct sim *s, uint64_t until)
{
	uint64_t waited = 0;

	s->mem.kswapd_caller_ns = until;
	for (int nid = 0; nid < s->mem.nr_nodes; nid++) {
		struct pglist_data *pg = &s->mem.nodes[nid];
		bool ran = false;

		if (!pg->kswapd_awake)
			continue;
		if (pg->kswapd_fresh) {
			/* woken by the allocation just made: it runs once the
			 * scheduler gets to it */
			if (pg->kswapd_next_ns < until + pg->kswapd_wake_delay)
				pg->kswapd_next_ns = until + pg->kswapd_wake_delay;
			pg->kswapd_run_start = pg->kswapd_next_ns;
			pg->kswapd_fresh = false;
		}
		/* kswapd on the caller's own CPU: the caller waits while it
		 * runs, so more of kswapd's run is due by the caller's clock */
		bool on_caller = pg->kswapd_cpu_shared && s->current &&
				 topo_cpu_to_node(s->topo, s->current->cpu) == nid;

		while (pg->kswapd_awake && pg->kswapd_next_ns <= until) {
			uint64_t at = pg->kswapd_next_ns;

			ran = true;
			if (!kswapd_batch(s, nid, at))
				break;
			if (on_caller) {
				waited += pg->kswapd_next_ns - at;
				until += pg->kswapd_next_ns - at;
			}
		}
		if (ran && pg->kswapd_awake)
			kswapd_queue(s, nid);
	}
	return waited;
}

/* The scheduler's latency from waking kswapd to running it: exponential
 * with mean sim.cost.kswapd_wakeup_ns, from kswapd's own random stream
 * (no draw, and no latency, at 0). */
static uint64_t kswapd_wakeup_delay(struct sim *s)
{
	int64_t mean = tun(&s->tun, TUN_SIM_COST_KSWAPD_WAKEUP_NS);

	if (mean <= 0)
		return 0;
	/* u in (0, 1]: 53 random bits */
	double u = (double)((rng_next(&s->rng[RNG_KSWAPD]) >> 11) + 1) / 9007199254740992.0;

	return (uint64_t)(-log(u) * (double)mean);
}

/*
 * sim.kswapd_shares_cpu: kswapd() binds kswapd to its node's CPUs
 * (cpumask_of_node()). On a node with one CPU, woken by the task running
 * there, kswapd shares that CPU with it: the task waits while kswapd
 * runs (kswapd_catch_up()), and from 6.6 EEVDF decides how long kswapd
 * waits for the CPU first (task/eevdf.c). Before 6.6, CFS's wakeup
 * preemption runs a kswapd that slept at once (place_entity()'s sleeper
 * credit). Returns the wait.
 */
static uint64_t kswapd_cpu_wait(struct sim *s, int nid, uint64_t now)
{
	struct pglist_data *pg = &s->mem.nodes[nid];

	if (!tun(&s->tun, TUN_SIM_KSWAPD_SHARES_CPU) || !s->current ||
	    topo_cpu_to_node(s->topo, s->current->cpu) != nid || s->topo->nodes[nid].nr_cpus != 1)
		return 0;
	unsigned cpus = 0;

	for (int i = 0; i < s->topo->nr_nodes; i++)
		cpus += s->topo->nodes[i].nr_cpus;
	pg->kswapd_cpu_shared = true;
	pg->kswapd_cpu_params = eevdf_params(cpus, kernel_at_least(&s->tun, 6, 12));
	if (!kernel_at_least(&s->tun, 6, 6))
		return 0;
	uint64_t wait = eevdf_wakeup_wait(&pg->kswapd_cpu, &pg->kswapd_cpu_params, now);

	if (wait)
		sim_explain(s,
			    "    kswapd%d waits %.3f ms for CPU %d: the waker runs on it and "
			    "kswapd has no lag left, so it runs once a tick finds the "
			    "waker past its deadline (EEVDF, pick_eevdf())\n",
			    nid, (double)wait / 1e6, s->current->cpu);
	return wait;
}

/* Models wakeup_kswapd(): records the request on the node and wakes its
 * kswapd unless the node is hopeless or already balanced for it. Every
 * entry to the allocator's slow path calls it (wake_all_kswapds()). */
void wakeup_kswapd(struct sim *s, int nid, gfp_t gfp, unsigned order, int highest_zoneidx)
{
	struct pglist_data *pg = &s->mem.nodes[nid];

	/* the request, until kswapd() reads it as a run starts */
	if (!pg->kswapd_req || pg->kswapd_req_zoneidx < highest_zoneidx)
		pg->kswapd_req_zoneidx = highest_zoneidx;
	if (pg->kswapd_req_order < order)
		pg->kswapd_req_order = order;
	pg->kswapd_req = true;
	if (pg->kswapd_awake)
		return;
	/* Hopeless node, or balanced and not boosted: memory may be free
	 * but too fragmented for the order, so a request that may not
	 * reclaim itself wakes kcompactd, whose compaction_suitable()
	 * decides */
	if (pg->kswapd_failures >= MAX_RECLAIM_RETRIES ||
	    (pgdat_balanced(s, pg, order, highest_zoneidx) &&
	     !pgdat_watermark_boosted(pg, highest_zoneidx))) {
		if (!(gfp & __GFP_DIRECT_RECLAIM))
			wakeup_kcompactd(s, nid, order, highest_zoneidx);
		return;
	}
	/* the waker's clock: inside a long read or write, the last
	 * kswapd_catch_up()'s (another task's later call can leave it ahead,
	 * which only moves the nap's count) */
	uint64_t now = sim_now(s) > s->mem.kswapd_caller_ns ? sim_now(s) : s->mem.kswapd_caller_ns;

	if (now < pg->kswapd_nap_end) {
		/* woken in its nap: kswapd_try_to_sleep() keeps the order it
		 * napped for */
		s->mem.events[KSWAPD_LOW_WMARK_HIT_QUICKLY]++;
		if (pg->kswapd_req_order < pg->kswapd_order)
			pg->kswapd_req_order = pg->kswapd_order;
	}
	pg->kswapd_awake = true;
	pg->kswapd_fresh = true;
	pg->kswapd_wake_delay = kswapd_wakeup_delay(s);
	pg->kswapd_wake_delay += kswapd_cpu_wait(s, nid, now);
	pg->kswapd_next_ns = sim_now(s) + pg->kswapd_wake_delay;
	pg->kswapd_run_start = pg->kswapd_next_ns;
	s->mem.events[KSWAPD_WAKE]++;
	sim_explain(s,
		    "    wake kswapd%d: a zone of node %d is below its low watermark; kswapd "
		    "reclaims in the "
		    "background until every zone is above its high watermark (wakeup_kswapd())\n",
		    nid, nid);
	kswapd_queue(s, nid);
}

/*
 * Models the end of kswapd_try_to_sleep()'s HZ/10 nap, not woken
 * meanwhile: it checks the node again for the order and zones of the
 * run it slept after (prepare_kswapd_sleep()). Still balanced, or
 * hopeless, it sleeps until woken; otherwise the nap was premature: it counts
 * KSWAPD_HIGH_WMARK_HIT_QUICKLY and kswapd() runs balance_pgdat() again,
 * unwoken.
 */
static void kswapd_nap_end(void *ctx, uint64_t arg)
{
	struct sim *s = ctx;
	int nid = (int)(arg & 0xffff);
	struct pglist_data *pg = &s->mem.nodes[nid];

	if (pg->kswapd_awake || (uint32_t)(arg >> 16) != pg->kswapd_nap_seq)
		return;
	if (prepare_kswapd_sleep(s, pg, pg->kswapd_order, pg->kswapd_highest_zoneidx))
		return;
	s->mem.events[KSWAPD_HIGH_WMARK_HIT_QUICKLY]++;
	pg->kswapd_awake = true;
	pg->kswapd_next_ns = sim_now(s);
	pg->kswapd_run_start = pg->kswapd_next_ns;
	sim_explain(s,
		    "  t=%.6f ms: kswapd%d's nap ends with node %d below its high watermark: "
		    "it reclaims again, unwoken (kswapd_try_to_sleep(), "
		    "kswapd_high_wmark_hit_quickly)\n",
		    (double)sim_now(s) / 1e6, nid, nid);
	kswapd_queue(s, nid);
}

/* ---- node reclaim ------------------------------------------------------------ */

#define RECLAIM_ZONE 1
#define RECLAIM_WRITE 2
#define RECLAIM_UNMAP 4

/* Models node_unmapped_file_pages(). */
static uint64_t node_unmapped_file_pages(const struct pglist_data *pg)
{
	uint64_t lru = pg->lru[LRU_INACTIVE_FILE].nr + pg->lru[LRU_ACTIVE_FILE].nr;
	uint64_t mapped = pg->stat[NR_FILE_MAPPED];

	return lru > mapped ? lru - mapped : 0;
}

/* Models node_pagecache_reclaimable(): with RECLAIM_UNMAP every file
 * page counts, else only unmapped ones; without RECLAIM_WRITE dirty
 * pages do not. */
static uint64_t node_pagecache_reclaimable(struct sim *s, const struct pglist_data *pg)
{
	int64_t mode = tun(&s->tun, TUN_ZONE_RECLAIM_MODE);
	uint64_t n =
		(mode & RECLAIM_UNMAP) ? pg->stat[NR_FILE_PAGES] : node_unmapped_file_pages(pg);
	uint64_t delta = (mode & RECLAIM_WRITE) ? 0 : pg->stat[NR_FILE_DIRTY];

	return delta > n ? 0 : n - delta;
}

static uint64_t node_ratio_pages(struct sim *s, const struct pglist_data *pg, enum tunable_id id)
{
	uint64_t managed = 0;

	for (int t = 0; t < MAX_NR_ZONES; t++)
		managed += pg->zones[t].managed_pages;
	return managed * (uint64_t)tun(&s->tun, id) / 100;
}

/* Is there enough to reclaim (min_unmapped_pages / min_slab_pages)? */
static bool node_reclaim_worth(struct sim *s, const struct pglist_data *pg)
{
	return node_pagecache_reclaimable(s, pg) >
		       node_ratio_pages(s, pg, TUN_MIN_UNMAPPED_RATIO) ||
	       pg->stat[NR_SLAB_RECLAIMABLE_B] > node_ratio_pages(s, pg, TUN_MIN_SLAB_RATIO);
}

/* Models __node_reclaim(): shrink_node() at priority 4 and down until
 * 1 << order pages are free; scans count as direct reclaim. In the
 * 2.6.16 model the pre-check on reclaimable page cache does not exist. */
static int __node_reclaim(struct sim *s, struct pglist_data *pg, struct alloc_req *req)
{
	int64_t mode = tun(&s->tun, TUN_ZONE_RECLAIM_MODE);
	uint64_t nr_pages = 1ULL << req->order;
	bool seed = tun(&s->tun, TUN_SIM_ZONE_RECLAIM_INTERVAL_MODEL);
	struct scan_control sc = {
		.nr_to_reclaim = nr_pages > SWAP_CLUSTER_MAX ? nr_pages : SWAP_CLUSTER_MAX,
		.priority = NODE_RECLAIM_PRIORITY,
		.reclaim_idx = gfp_zone(req->gfp),
		.may_writepage = mode & RECLAIM_WRITE,
		.write_file = seed && (mode & RECLAIM_WRITE),
		.may_unmap = mode & RECLAIM_UNMAP,
		.may_swap = true,
	};

	if (seed || node_reclaim_worth(s, pg)) {
		do {
			shrink_node(s, pg, &sc);
		} while (sc.nr_reclaimed < nr_pages && --sc.priority >= 0);
	}
	charge_stall(s, req, reclaim_cost(s, &sc));
	sim_explain(s,
		    "    node reclaim on node %d scanned %llu pages, reclaimed %llu%s "
		    "(__node_reclaim(): "
		    "vm.zone_reclaim_mode=%lld)\n",
		    (int)(pg - s->mem.nodes), (unsigned long long)sc.nr_scanned,
		    (unsigned long long)sc.nr_reclaimed,
		    (mode & RECLAIM_UNMAP) ? "" : ", mapped pages left alone", (long long)mode);
	return sc.nr_reclaimed >= nr_pages;
}

/*
 * Models node_reclaim(). Current kernels: nothing to do (FULL) unless
 * the node's reclaimable page cache exceeds min_unmapped_pages or its
 * reclaimable slab min_slab_pages; no scan for allocations that cannot
 * sleep, for another node that has CPUs, or while the node is being
 * reclaimed. The 2.6.16 model (sim.zone_reclaim_interval_model=1)
 * instead skips a node for vm.zone_reclaim_interval after a failure.
 */
int node_reclaim(struct sim *s, int nid, struct alloc_req *req)
{
	struct pglist_data *pg = &s->mem.nodes[nid];
	bool seed = tun(&s->tun, TUN_SIM_ZONE_RECLAIM_INTERVAL_MODEL);
	uint64_t interval = (uint64_t)tun(&s->tun, TUN_ZONE_RECLAIM_INTERVAL) * 1000000000ULL;

	if (!tun(&s->tun, TUN_ZONE_RECLAIM_MODE))
		return NODE_RECLAIM_NOSCAN;
	if (seed) {
		if (pg->node_reclaim_failed && sim_now(s) < pg->node_reclaim_failed_at + interval)
			return NODE_RECLAIM_FULL;
	} else if (!node_reclaim_worth(s, pg)) {
		sim_explain(
			s,
			"    node %d: too little unmapped page cache or reclaimable slab to be "
			"worth "
			"reclaiming (vm.min_unmapped_ratio, vm.min_slab_ratio; node_reclaim())\n",
			nid);
		return NODE_RECLAIM_FULL;
	}
	if (!(req->gfp & __GFP_DIRECT_RECLAIM))
		return NODE_RECLAIM_NOSCAN;
	if (s->topo->nodes[nid].nr_cpus > 0 && nid != req->local_nid)
		return NODE_RECLAIM_NOSCAN;
	if (pg->reclaim_locked)
		return NODE_RECLAIM_NOSCAN;
	pg->reclaim_locked = true;
	int ret = __node_reclaim(s, pg, req);

	pg->reclaim_locked = false;
	s->mem.events[ret ? ZONE_RECLAIM_SUCCESS : ZONE_RECLAIM_FAILED]++;
	pg->node_reclaim_failed = !ret;
	if (!ret)
		pg->node_reclaim_failed_at = sim_now(s);
	return ret ? NODE_RECLAIM_SUCCESS : NODE_RECLAIM_SOME;
}

/* ---- direct reclaim ---------------------------------------------------------- */

/* The nodes direct reclaim may shrink: those of the zonelist the
 * allocation could use (policy nodemask and cpuset). */
static bool reclaim_node_allowed(const struct alloc_req *req, int nid)
{
	if (req->nodemask && !node_isset(req->nodemask, nid))
		return false;
	if (req->cpuset_mems && !node_isset(req->cpuset_mems, nid))
		return false;
	return true;
}

/* Models try_to_free_pages() -> do_try_to_free_pages() -> shrink_zones():
 * at each priority from 12 down to 0, every allowed node of the
 * preferred node's zonelist once, until SWAP_CLUSTER_MAX pages are
 * reclaimed. */
uint64_t try_to_free_pages(struct sim *s, struct alloc_req *req)
{
	struct pglist_data *home = &s->mem.nodes[req->preferred_nid];
	struct scan_control sc = {
		.nr_to_reclaim = SWAP_CLUSTER_MAX,
		.priority = DEF_PRIORITY,
		.reclaim_idx = gfp_zone(req->gfp),
		.may_writepage = true,
		.may_unmap = true,
		.may_swap = true,
	};
	int nn = (req->gfp & __GFP_THISNODE) ? 1 : home->nr_node_order;

	s->mem.events[ALLOCSTALL]++;
	do {
		/* shrink_zones() shrinks every allowed node once per priority:
		 * the goal is checked only between priorities */
		for (int i = 0; i < nn; i++) {
			int nid = home->node_order[i];

			if (reclaim_node_allowed(req, nid))
				shrink_node(s, &s->mem.nodes[nid], &sc);
		}
	} while (sc.nr_reclaimed < sc.nr_to_reclaim && --sc.priority >= 0);
	charge_stall(s, req, reclaim_cost(s, &sc));
	sim_explain(s, "    t=%llu ns: direct reclaim scanned %llu pages, reclaimed %llu\n",
		    (unsigned long long)sim_now(s), (unsigned long long)sc.nr_scanned,
		    (unsigned long long)sc.nr_reclaimed);
	return sc.nr_reclaimed;
}
