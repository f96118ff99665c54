/*
 * compaction.c - kcompactd (mm/compaction.c): the background compaction
 * kswapd asks for after boosted reclaim (compaction.h, docs/model.md §13).
 *
 * What is modelled, as 6.1 and 6.12 do it (the two agree on all of it):
 *  - wakeup_kcompactd() and kcompactd_node_suitable(); a wakeup while the
 *    node is unsuitable is recorded and served at kcompactd's next
 *    HPAGE_FRAG_CHECK_INTERVAL_MSEC timeout (kcompactd_work_requested());
 *  - kcompactd_do_work(): per zone, compaction_deferred(), then
 *    compaction_suit_allocation_order() (a free block of the order above
 *    min, enough free pages above low + compact_gap(), the fragmentation
 *    index above vm.extfrag_threshold), compact_zone(), and the deferral
 *    or its reset;
 *  - compact_zone() in MIGRATE_SYNC_LIGHT: the cached scanner positions,
 *    fast_find_migrateblock() (a pageblock holding a free movable block
 *    of order 3-8 in the first half of the search space), the migration
 *    scanner (isolate_migratepages_block(): LRU pages, COMPACT_CLUSTER_MAX
 *    at a time, compound pages skipped whole, pageblocks found empty
 *    marked skip), the linear free scanner (isolate_freepages(): movable
 *    pageblocks from the top, __isolate_free_page() under the min
 *    watermark check), migrate_pages() with those targets, the drain of
 *    the local per-CPU lists when the scanner leaves a block it migrated
 *    from, and __compact_finished() at pageblock boundaries: done when a
 *    free block of the order is on any list (GFP_KERNEL's unmovable list
 *    or one it may steal from).
 *
 * Simplifications: the work runs at the instant kcompactd is woken (its
 * copies complete at once), fast_isolate_freepages() is not modelled (the
 * free scanner is always linear), nor proactive compaction
 * (vm.compaction_proactiveness), nor direct compaction, so nothing sets
 * compact_blockskip_flush and the skip bits are never cleared, as with a
 * kernel where kcompactd is the only compactor.
 */
#include "mm/compaction.h"

#include <errno.h>
#include <stdlib.h>

#include "core/tunables.h"
#include "mm/internal.h"
#include "mm/migrate.h"
#include "mm/mmzone.h"
#include "mm/page_alloc.h"
#include "sim.h"

#define COMPACT_CLUSTER_MAX SWAP_CLUSTER_MAX
#define COMPACT_MAX_DEFER_SHIFT 6
/* kcompactd's wait timeout (HPAGE_FRAG_CHECK_INTERVAL_MSEC) */
#define KCOMPACTD_TIMEOUT_NS 500000000ull

enum compact_result {
	COMPACT_SKIPPED,
	COMPACT_CONTINUE,
	COMPACT_COMPLETE,
	COMPACT_PARTIAL_SKIPPED,
	COMPACT_CONTENDED,
	COMPACT_SUCCESS,
};

struct compact_control {
	struct sim *s;
	struct zone *zone;
	unsigned order;
	int highest_zoneidx;
	pfn_t migrate_pfn, free_pfn;
	pfn_t fast_start_pfn; /* 0: none seen yet; NOPFN: used */
	unsigned fast_search_fail;
	bool finish_pageblock, whole_zone;
	struct migrate_item migrate[PAGEBLOCK_NR_PAGES];
	size_t nr_migrate;
	struct compact_pool pool;
	uint64_t migrate_scanned, free_scanned;
};

static inline pfn_t pb_start(uint64_t pfn)
{
	return (pfn_t)(pfn & ~(uint64_t)(PAGEBLOCK_NR_PAGES - 1));
}

/* pageblock_end_pfn(): the start of the pageblock after pfn's */
static inline pfn_t pb_end(uint64_t pfn)
{
	return (pfn_t)(pb_start(pfn) + PAGEBLOCK_NR_PAGES);
}

static inline pfn_t zone_end(const struct zone *z)
{
	return (pfn_t)(z->start_pfn + z->present_pages);
}

static inline bool get_skip(const struct mem *m, pfn_t pfn)
{
	return m->pageblock_skip[pfn >> PAGEBLOCK_ORDER];
}

static inline void set_skip(struct mem *m, pfn_t pfn)
{
	m->pageblock_skip[pfn >> PAGEBLOCK_ORDER] = 1;
}

static int node_last_zone(const struct pglist_data *pg)
{
	for (int t = MAX_NR_ZONES - 1; t > 0; t--)
		if (zone_populated(&pg->zones[t]))
			return t;
	return 0;
}

void kcompactd_init(struct sim *s)
{
	for (int n = 0; n < s->mem.nr_nodes; n++) {
		struct pglist_data *pg = &s->mem.nodes[n];

		pg->kcompactd_max_order = 0;
		pg->kcompactd_highest_zoneidx = node_last_zone(pg);
		pg->kcompactd_awake = false;
	}
}

/* ---- deferral (defer_compaction() and friends) ------------------------------- */

static bool compaction_deferred(struct zone *z, unsigned order)
{
	unsigned limit = 1u << z->compact_defer_shift;

	if (order < z->compact_order_failed)
		return false;
	if (++z->compact_considered >= limit) {
		z->compact_considered = limit;
		return false;
	}
	return true;
}

static void defer_compaction(struct zone *z, unsigned order)
{
	z->compact_considered = 0;
	z->compact_defer_shift++;
	if (order < z->compact_order_failed)
		z->compact_order_failed = order;
	if (z->compact_defer_shift > COMPACT_MAX_DEFER_SHIFT)
		z->compact_defer_shift = COMPACT_MAX_DEFER_SHIFT;
}

/* compaction_defer_reset(zone, order, false): kcompactd's success. */
static void compaction_defer_reset(struct zone *z, unsigned order)
{
	if (order >= z->compact_order_failed)
		z->compact_order_failed = order + 1;
}

/* ---- suitability ------------------------------------------------------------ */

/* Models fragmentation_index(): -1000 when a block of the order is free,
 * else towards 0 for lack of memory and towards 1000 for fragmentation. */
static int fragmentation_index(const struct zone *z, unsigned order)
{
	uint64_t total = 0, pages = 0, suitable = 0;

	for (unsigned o = 0; o <= MAX_ORDER; o++) {
		uint64_t blocks = 0;

		for (unsigned mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			blocks += z->free_area[o][mt].nr;
		total += blocks;
		pages += blocks << o;
		if (o >= order)
			suitable += blocks << (o - order);
	}
	if (!total)
		return 0;
	if (suitable)
		return -1000;
	return 1000 - (int)((1000 + pages * 1000 / (1u << order)) / total);
}

/* Models compaction_suitable(): enough free pages to migrate into (above
 * low, or min for small orders, plus compact_gap()), and for a costly
 * order a failure that fragmentation explains. */
static bool compaction_suitable(struct sim *s, const struct zone *z, unsigned order,
				int highest_zoneidx)
{
	uint64_t mark = wmark_pages(z, order > PAGE_ALLOC_COSTLY_ORDER ? WMARK_LOW : WMARK_MIN);

	if (!zone_watermark_ok(z, 0, mark + (2u << order), highest_zoneidx))
		return false;
	if (order > PAGE_ALLOC_COSTLY_ORDER) {
		int fi = fragmentation_index(z, order);

		if (fi >= 0 && fi <= tun(&s->tun, TUN_EXTFRAG_THRESHOLD))
			return false;
	}
	return true;
}

/* Models compaction_suit_allocation_order(..., ALLOC_WMARK_MIN) (6.12;
 * 6.1's compaction_suitable() with alloc_flags 0). */
static enum compact_result suit_order(struct sim *s, const struct zone *z, unsigned order,
				      int highest_zoneidx)
{
	if (zone_watermark_ok(z, order, wmark_pages(z, WMARK_MIN), highest_zoneidx))
		return COMPACT_SUCCESS;
	return compaction_suitable(s, z, order, highest_zoneidx) ? COMPACT_CONTINUE
								 : COMPACT_SKIPPED;
}

static bool kcompactd_node_suitable(struct sim *s, const struct pglist_data *pg)
{
	for (int t = 0; t <= pg->kcompactd_highest_zoneidx && t < MAX_NR_ZONES; t++)
		if (zone_populated(&pg->zones[t]) &&
		    suit_order(s, &pg->zones[t], pg->kcompactd_max_order,
			       pg->kcompactd_highest_zoneidx) == COMPACT_CONTINUE)
			return true;
	return false;
}

/* ---- the migration scanner ---------------------------------------------------- */

static void reset_cached_positions(struct zone *z)
{
	z->compact_cached_migrate_pfn = z->start_pfn;
	z->compact_cached_free_pfn = pb_start(zone_end(z) - 1);
	z->compact_cached = true;
}

static void update_cached_migrate(struct compact_control *cc, pfn_t pfn)
{
	pfn = pb_end(pfn);
	if (pfn > cc->zone->compact_cached_migrate_pfn)
		cc->zone->compact_cached_migrate_pfn = pfn;
}

/* move_freelist_tail(): the list's entries up to and including pfn go
 * to its tail, so the next search starts past them. */
static void move_freelist_tail(struct frames *f, struct frame_list *l, pfn_t pfn)
{
	pfn_t h;

	do {
		h = l->head;
		flist_del(f, l, h);
		flist_add_tail(f, l, h);
	} while (h != pfn);
}

/* Models fast_find_migrateblock(): for a costly order, start in a
 * pageblock that holds a free movable block of order order-1 down to 3
 * within the first half of what is left to scan (an eighth once the
 * scanner has moved), the free lists searched up to a limit that halves
 * with each failed search. */
static pfn_t fast_find_migrateblock(struct compact_control *cc)
{
	struct zone *z = cc->zone;
	struct frames *f = &cc->s->mem.f;
	pfn_t pfn = cc->migrate_pfn;
	unsigned shift = cc->fast_search_fail < 31 ? cc->fast_search_fail : 31;
	unsigned limit = (COMPACT_CLUSTER_MAX >> shift) + 1, scanned = 0;
	bool found = false;

	if (cc->finish_pageblock)
		return pfn;
	if (pfn != z->start_pfn && pfn != pb_start(pfn))
		return pfn;
	if (cc->order <= PAGE_ALLOC_COSTLY_ORDER)
		return pfn;
	uint64_t distance = (uint64_t)(cc->free_pfn - cc->migrate_pfn) >> 1;

	if (cc->migrate_pfn != z->start_pfn)
		distance >>= 2;
	pfn_t high = pb_start(cc->migrate_pfn + distance);

	for (int o = (int)cc->order - 1; o >= PAGE_ALLOC_COSTLY_ORDER && !found && scanned < limit;
	     o--) {
		struct frame_list *l = &z->free_area[o][MIGRATE_MOVABLE];

		for (pfn_t p = l->head; p != NOPFN; p = f->next[p]) {
			if (scanned++ >= limit) {
				move_freelist_tail(f, l, p);
				break;
			}
			if (p >= high || get_skip(&cc->s->mem, p))
				continue;
			move_freelist_tail(f, l, p);
			if (cc->fast_start_pfn != NOPFN &&
			    (!cc->fast_start_pfn || p < cc->fast_start_pfn))
				cc->fast_start_pfn = p; /* update_fast_start_pfn() */
			pfn = pb_start(p) < z->start_pfn ? z->start_pfn : pb_start(p);
			cc->fast_search_fail = 0;
			found = true;
			break;
		}
	}
	cc->migrate_scanned += scanned;
	if (!found) {
		cc->fast_search_fail++;
		/* reinit_migrate_pfn() */
		if (cc->fast_start_pfn && cc->fast_start_pfn != NOPFN) {
			pfn = pb_start(cc->fast_start_pfn);
			cc->fast_start_pfn = NOPFN;
		}
	}
	return pfn;
}

/* Anonymous memory with references the mappings do not explain
 * (pinned) is not isolated; a pinned file page is, and fails to move. */
static bool isolate_fails(const struct frames *f, pfn_t pfn)
{
	return page_test_pinned(f, pfn) && page_test_anon(f, pfn);
}

/* Models isolate_migratepages_block() in kcompactd's mode: LRU pages of
 * [low, end) are isolated, COMPACT_CLUSTER_MAX at a time unless the
 * pageblock is to be finished; free blocks and compound pages are
 * stepped over whole. A pageblock scanned to its end with nothing
 * isolated (or finished) is marked skip. */
static void isolate_migratepages_block(struct compact_control *cc, pfn_t low, pfn_t end)
{
	struct sim *s = cc->s;
	struct frames *f = &s->mem.f;
	uint64_t scanned = 0, isolated = 0, pfn = low;
	bool valid = false;

	for (; pfn < end; pfn++) {
		scanned++;
		if (!valid && pb_start(pfn) == pfn) {
			if (get_skip(&s->mem, (pfn_t)pfn)) {
				pfn = end;
				goto abort;
			}
			valid = true;
		}
		uint32_t fl = f->flags[pfn];

		if (fl & PG_buddy) {
			unsigned o = frame_order(f, (pfn_t)pfn);

			if (o > 0)
				pfn += (1ull << o) - 1;
			continue;
		}
		if (fl & PG_head) { /* a compound page: THP, hugetlb, slab */
			unsigned o = frame_order(f, (pfn_t)pfn);

			if (o > 0) {
				pfn += (1ull << o) - 1;
				scanned += (1ull << o) - 1;
			}
			continue;
		}
		if (!(fl & PG_lru) || isolate_fails(f, (pfn_t)pfn) ||
		    migrate_isolate(s, (pfn_t)pfn))
			continue;
		cc->migrate[cc->nr_migrate++] = (struct migrate_item){
			.pfn = (pfn_t)pfn, .target = pfn_to_nid(&s->mem, (pfn_t)pfn)};
		isolated++;
		if (cc->nr_migrate >= COMPACT_CLUSTER_MAX && !cc->finish_pageblock) {
			pfn++;
			break;
		}
	}
	if (pfn > end)
		pfn = end;
abort:
	if (pfn == end && (!isolated || cc->finish_pageblock)) {
		if (valid)
			set_skip(&s->mem, pb_start(low));
		update_cached_migrate(cc, (pfn_t)pfn);
	}
	cc->migrate_scanned += scanned;
	s->mem.events[COMPACTISOLATED] += isolated;
	cc->migrate_pfn = (pfn_t)pfn;
}

/* Models isolate_migratepages(): the next pageblock below the free
 * scanner with pages to isolate, starting where fast_find_migrateblock()
 * says; returns whether any were. */
static bool isolate_migratepages(struct compact_control *cc)
{
	struct zone *z = cc->zone;
	struct frames *f = &cc->s->mem.f;
	pfn_t low = fast_find_migrateblock(cc);
	bool fast = low != cc->migrate_pfn && !cc->fast_search_fail;
	uint64_t start = pb_start(low) < z->start_pfn ? z->start_pfn : pb_start(low);
	uint64_t end = pb_end(low);

	for (; end <= cc->free_pfn; fast = false, cc->migrate_pfn = low = (pfn_t)end, start = end,
				    end += PAGEBLOCK_NR_PAGES) {
		if (end > zone_end(z))
			continue; /* pageblock_pfn_to_page(): not within the zone */
		if ((pb_start(low) == low || low == z->start_pfn) && !fast &&
		    get_skip(&cc->s->mem, (pfn_t)start))
			continue;
		/* suitable_migration_source(): kcompactd takes any pageblock
		 * but one a huge page starts (pageblock_skip_persistent()) */
		if ((f->flags[start] & PG_head) &&
		    frame_order(f, (pfn_t)start) >= PAGEBLOCK_ORDER) {
			update_cached_migrate(cc, (pfn_t)end);
			continue;
		}
		isolate_migratepages_block(cc, low, (pfn_t)end);
		break;
	}
	return cc->nr_migrate > 0;
}

/* ---- the free scanner ---------------------------------------------------------- */

/* Models isolate_freepages_block(): the free blocks of [*start, end),
 * whole, until there are as many free pages as pages to migrate. */
static void isolate_freepages_block(struct compact_control *cc, uint64_t *start, uint64_t end)
{
	struct sim *s = cc->s;
	struct frames *f = &s->mem.f;
	uint64_t pfn = *start, scanned = 0, total = 0;

	for (; pfn < end; pfn++) {
		scanned++;
		uint32_t fl = f->flags[pfn];

		if ((fl & PG_head) && !(fl & PG_buddy)) {
			unsigned o = frame_order(f, (pfn_t)pfn);

			pfn += o ? (1ull << o) - 1 : 0;
			continue;
		}
		if (!(fl & PG_buddy))
			continue;
		uint64_t n = isolate_free_page(s, (pfn_t)pfn);

		if (!n)
			break;
		for (uint64_t i = 0; i < n; i++)
			cc->pool.pfns[cc->pool.nr++] = (pfn_t)(pfn + i);
		scanned += n - 1;
		total += n;
		if (cc->nr_migrate <= cc->pool.nr) {
			pfn += n;
			break;
		}
		pfn += n - 1;
	}
	if (pfn > end)
		pfn = end;
	*start = pfn;
	cc->free_scanned += scanned;
	s->mem.events[COMPACTISOLATED] += total;
}

/* Models isolate_freepages() without its fast search: movable pageblocks
 * from the free scanner down to the migration scanner's block, skipping
 * those marked skip or starting with a free pageblock. */
static void isolate_freepages(struct sim *s, void *ctx)
{
	struct compact_control *cc = ctx;
	struct zone *z = cc->zone;
	struct frames *f = &s->mem.f;
	uint64_t isolate_start = cc->free_pfn;
	int64_t block_start = pb_start(isolate_start);
	uint64_t block_end = (uint64_t)block_start + PAGEBLOCK_NR_PAGES;
	int64_t low = pb_end(cc->migrate_pfn);

	if (block_end > zone_end(z))
		block_end = zone_end(z);
	for (; block_start >= low; block_end = (uint64_t)block_start,
				   block_start -= PAGEBLOCK_NR_PAGES,
				   isolate_start = (uint64_t)block_start) {
		pfn_t first = (pfn_t)block_start;

		if ((uint64_t)block_start < z->start_pfn)
			continue;
		/* suitable_migration_target(): movable, not a free pageblock */
		if ((f->flags[first] & PG_buddy) && frame_order(f, first) >= PAGEBLOCK_ORDER)
			continue;
		if (get_pageblock_migratetype(&s->mem, first) != MIGRATE_MOVABLE)
			continue;
		if (get_skip(&s->mem, first))
			continue;
		isolate_freepages_block(cc, &isolate_start, block_end);
		if (isolate_start == block_end) { /* update_pageblock_skip() */
			set_skip(&s->mem, first);
			if (block_start >= PAGEBLOCK_NR_PAGES &&
			    (pfn_t)(block_start - PAGEBLOCK_NR_PAGES) < z->compact_cached_free_pfn)
				z->compact_cached_free_pfn =
					(pfn_t)(block_start - PAGEBLOCK_NR_PAGES);
		}
		if (cc->pool.nr >= cc->nr_migrate) {
			if (isolate_start >= block_end)
				isolate_start = (uint64_t)(block_start - PAGEBLOCK_NR_PAGES);
			break;
		} else if (isolate_start < block_end) {
			break; /* the watermark stopped it */
		}
	}
	cc->free_pfn = (pfn_t)isolate_start;
}

/* ---- compact_zone() ----------------------------------------------------------- */

/* Models __compact_finished() for kcompactd (compact_finished()'s
 * COMPACT_NO_SUITABLE_PAGE is COMPACT_CONTINUE). */
static enum compact_result compact_finished(struct compact_control *cc)
{
	struct zone *z = cc->zone;

	if (cc->free_pfn <= cc->migrate_pfn) {
		reset_cached_positions(z);
		return cc->whole_zone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
	}
	if (pb_start(cc->migrate_pfn) != cc->migrate_pfn)
		return COMPACT_CONTINUE;
	/* a free block of the order on GFP_KERNEL's list or one it may steal
	 * (find_suitable_fallback(), only_stealable: any list for unmovable) */
	for (unsigned o = cc->order; o <= MAX_ORDER; o++)
		for (unsigned mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (z->free_area[o][mt].nr)
				return COMPACT_SUCCESS;
	return COMPACT_CONTINUE;
}

/* migrate_pages(..., compaction_alloc, compaction_free, MIGRATE_SYNC_LIGHT,
 * MR_COMPACTION): the isolated pages to the free scanner's pages. */
static long compact_migrate(struct compact_control *cc)
{
	struct sim *s = cc->s;
	struct migrate_target mt = {.local_nid = cc->zone->node, .pool = &cc->pool};
	uint64_t ok = s->mem.events[PGMIGRATE_SUCCESS], failed = s->mem.events[PGMIGRATE_FAIL];
	uint64_t cost = 0;
	long rc = migrate_pages_list(s, cc->migrate, cc->nr_migrate, &mt, &cost);

	s->mem.compact_migrated += s->mem.events[PGMIGRATE_SUCCESS] - ok;
	s->mem.compact_migrate_failed += s->mem.events[PGMIGRATE_FAIL] - failed;
	cc->nr_migrate = 0;
	return rc;
}

static enum compact_result compact_zone(struct compact_control *cc)
{
	struct sim *s = cc->s;
	struct zone *z = cc->zone;
	pfn_t start = z->start_pfn, end = zone_end(z), last_migrated = 0;
	enum compact_result ret;

	ret = suit_order(s, z, cc->order, cc->highest_zoneidx);
	if (ret != COMPACT_CONTINUE)
		return ret;
	if (!z->compact_cached)
		reset_cached_positions(z);
	cc->fast_start_pfn = 0;
	cc->migrate_pfn = z->compact_cached_migrate_pfn;
	cc->free_pfn = z->compact_cached_free_pfn;
	if (cc->free_pfn < start || cc->free_pfn >= end)
		cc->free_pfn = z->compact_cached_free_pfn = pb_start(end - 1);
	if (cc->migrate_pfn < start || cc->migrate_pfn >= end)
		cc->migrate_pfn = z->compact_cached_migrate_pfn = start;
	cc->whole_zone = cc->migrate_pfn == start;
	while ((ret = compact_finished(cc)) == COMPACT_CONTINUE) {
		pfn_t iteration_start = cc->migrate_pfn;

		cc->finish_pageblock = pb_start(last_migrated) == pb_start(iteration_start);
	rescan:
		if (isolate_migratepages(cc)) {
			last_migrated = pb_start(cc->migrate_pfn - 1) < start
						? start
						: pb_start(cc->migrate_pfn - 1);
			long err = compact_migrate(cc);

			if (err == -ENOMEM && cc->free_pfn > cc->migrate_pfn) {
				ret = COMPACT_CONTENDED;
				break;
			}
			/* a page failed in the middle of a pageblock: scan the rest
			 * of it, which then marks it skip */
			if (err && pb_start(cc->migrate_pfn) != cc->migrate_pfn &&
			    !cc->finish_pageblock) {
				cc->finish_pageblock = true;
				if (cc->order == PAGEBLOCK_ORDER)
					last_migrated = 0;
				goto rescan;
			}
		}
		/* check_drain: the scanner left the order-aligned block it
		 * migrated from: the freed pages leave the local per-CPU lists
		 * (lru_add_drain_cpu_zone()) to merge */
		if (cc->order > 0 && last_migrated &&
		    last_migrated < (cc->migrate_pfn & ~((1u << cc->order) - 1))) {
			drain_zone_pages(s, z, false);
			last_migrated = 0;
		}
	}
	/* release_freepages(): the free pages not used go back, and the free
	 * scanner resumes at the highest of them next time */
	pfn_t high = 0;

	while (cc->pool.nr) {
		pfn_t p = cc->pool.pfns[--cc->pool.nr];

		high = p > high ? p : high;
		__free_pages(s, p, 0);
	}
	if (high && pb_start(high) > z->compact_cached_free_pfn)
		z->compact_cached_free_pfn = pb_start(high);
	s->mem.events[COMPACTMIGRATE_SCANNED] += cc->migrate_scanned;
	s->mem.events[COMPACTFREE_SCANNED] += cc->free_scanned;
	return ret;
}

/* ---- kcompactd ------------------------------------------------------------- */

static void kcompactd_do_work(struct sim *s, int nid)
{
	struct pglist_data *pg = &s->mem.nodes[nid];
	struct compact_control *cc = calloc(1, sizeof(*cc));
	unsigned order = pg->kcompactd_max_order;
	int highest = pg->kcompactd_highest_zoneidx;

	s->mem.events[KCOMPACTD_WAKE]++;
	if (!cc || !(cc->pool.pfns = malloc(2 * PAGEBLOCK_NR_PAGES * sizeof(pfn_t)))) {
		free(cc);
		s->host_oom = true;
		return;
	}
	/* a free block isolated whole may exceed what is needed by up to a
	 * pageblock's worth (order < pageblock_order on movable blocks) */
	cc->pool.cap = 2 * PAGEBLOCK_NR_PAGES;
	cc->pool.refill = isolate_freepages;
	cc->pool.ctx = cc;
	cc->s = s;
	cc->order = order;
	cc->highest_zoneidx = highest;
	for (int t = 0; t <= highest && t < MAX_NR_ZONES; t++) {
		struct zone *z = &pg->zones[t];

		if (!zone_populated(z) || compaction_deferred(z, order) ||
		    suit_order(s, z, order, t) != COMPACT_CONTINUE)
			continue;
		cc->zone = z;
		cc->migrate_scanned = cc->free_scanned = 0;
		cc->fast_search_fail = 0;
		enum compact_result status = compact_zone(cc);

		sim_explain(s,
			    "  t=%.6f ms: kcompactd%d compacted node %d zone %d for order %u: "
			    "%s (compact_zone())\n",
			    (double)sim_now(s) / 1e6, nid, nid, t, order,
			    status == COMPACT_SUCCESS ? "a free block of the order formed"
						      : "the scanners met");
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(z, order);
		} else if (status == COMPACT_PARTIAL_SKIPPED || status == COMPACT_COMPLETE) {
			drain_zone_pages(s, z, true);
			defer_compaction(z, order);
		}
		s->mem.events[KCOMPACTD_MIGRATE_SCANNED] += cc->migrate_scanned;
		s->mem.events[KCOMPACTD_FREE_SCANNED] += cc->free_scanned;
	}
	if (pg->kcompactd_max_order <= order)
		pg->kcompactd_max_order = 0;
	if (pg->kcompactd_highest_zoneidx >= highest)
		pg->kcompactd_highest_zoneidx = node_last_zone(pg);
	free(cc->pool.pfns);
	free(cc);
}

/* kcompactd's thread: woken, or at its timeout with work asked, it
 * works, and waits again from now. Kernel work: no task is current. */
static void kcompactd_event(void *ctx, uint64_t arg)
{
	struct sim *s = ctx;
	int nid = (int)(arg & 0xffff);
	struct pglist_data *pg = &s->mem.nodes[nid];
	struct task *cur = s->current;

	if ((uint32_t)(arg >> 16) != pg->kcompactd_seq)
		return; /* a timeout overtaken by a wakeup */
	s->current = NULL;
	if (pg->kcompactd_max_order)
		kcompactd_do_work(s, nid);
	s->current = cur;
	pg->kcompactd_awake = false;
	pg->kcompactd_seq++;
	pg->kcompactd_wait_start = sim_now(s);
}

static void kcompactd_queue(struct sim *s, int nid, uint64_t at)
{
	struct pglist_data *pg = &s->mem.nodes[nid];

	pg->kcompactd_seq++;
	engine_at(&s->eng, at, kcompactd_event, s,
		  (uint64_t)nid | (uint64_t)(pg->kcompactd_seq & 0xffffffffu) << 16);
}

void wakeup_kcompactd(struct sim *s, int nid, unsigned order, int highest_zoneidx)
{
	struct pglist_data *pg = &s->mem.nodes[nid];
	uint64_t now = sim_now(s);

	if (!order || !tun(&s->tun, TUN_SIM_KCOMPACTD))
		return;
	bool asked = pg->kcompactd_max_order > 0;

	if (pg->kcompactd_max_order < order)
		pg->kcompactd_max_order = order;
	if (pg->kcompactd_highest_zoneidx > highest_zoneidx)
		pg->kcompactd_highest_zoneidx = highest_zoneidx;
	if (pg->kcompactd_awake)
		return; /* not waiting: !wq_has_sleeper() */
	if (kcompactd_node_suitable(s, pg)) {
		sim_explain(
			s,
			"    wake kcompactd%d: kswapd asks node %d for a free block of order %u "
			"(wakeup_kcompactd())\n",
			nid, nid, pg->kcompactd_max_order);
		pg->kcompactd_awake = true;
		kcompactd_queue(s, nid, now);
	} else if (!asked) {
		/* not woken, but kcompactd_work_requested() holds when its
		 * wait times out */
		uint64_t since =
			now > pg->kcompactd_wait_start ? now - pg->kcompactd_wait_start : 0;

		kcompactd_queue(s, nid,
				now + (KCOMPACTD_TIMEOUT_NS - since % KCOMPACTD_TIMEOUT_NS));
	}
}
