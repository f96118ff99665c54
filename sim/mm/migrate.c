/*
 * migrate.c - page migration (mm/migrate.c); see migrate.h for the steps.
 *
 * Pages under migration are kept in a small table: an entry per page
 * whose ptes are migration entries, found by old pfn through an
 * open-addressing hash, and completed by an engine event at the time its
 * copy is done.
 */
#include "mm/migrate.h"
#include "mm/huge_memory.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/filemap.h"
#include "mm/memory-tiers.h"
#include "mm/mempolicy.h"
#include "mm/cpuset.h"
#include "mm/internal.h"
#include "mm/page_alloc.h"
#include "mm/rmap.h"
#include "mm/vmscan.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/numa_balancing.h"
#include "task/task.h"

struct mig_entry {
	pfn_t old, new;
	uint64_t done_at;
	bool used;
};

struct migrate_state {
	bool *oom;	     /* the simulation's host_oom (core/hostmem.h) */
	struct mig_entry *e; /* entries; free ones chained through old */
	uint32_t nr, cap;
	uint32_t free_head;    /* UINT32_MAX: none */
	struct hashmap by_old; /* old pfn -> entry index (core/hashmap.h) */
	uint64_t live;
};

int migrate_init(struct sim *s)
{
	struct migrate_state *m = sim_calloc(s, 1, sizeof(*m));

	if (!m)
		return -1;
	m->oom = &s->host_oom;
	m->by_old.oom = m->oom;
	m->free_head = UINT32_MAX;
	s->migration = m;
	return 0;
}

void migrate_free(struct sim *s)
{
	if (!s->migration)
		return;
	free(s->migration->e);
	hashmap_free(&s->migration->by_old);
	free(s->migration);
	s->migration = NULL;
}

uint64_t migrate_in_flight(const struct sim *s)
{
	return s->migration ? s->migration->live : 0;
}

static int entry_add(struct migrate_state *m, pfn_t old, pfn_t new, uint64_t done_at, uint32_t *idx)
{
	if (m->free_head != UINT32_MAX) {
		*idx = m->free_head;
		m->free_head = m->e[*idx].old;
	} else {
		if (m->nr == m->cap) {
			uint32_t cap = m->cap ? m->cap * 2 : 64;
			struct mig_entry *e = host_realloc(m->oom, m->e, cap * sizeof(*e));

			if (!e)
				return -1;
			m->e = e;
			m->cap = cap;
		}
		*idx = m->nr++;
	}
	if (hashmap_put(&m->by_old, old, *idx)) {
		m->e[*idx].used = false;
		m->e[*idx].old = m->free_head;
		m->free_head = *idx;
		return -1;
	}
	m->e[*idx] = (struct mig_entry){old, new, done_at, true};
	m->live++;
	return 0;
}

static void entry_del(struct migrate_state *m, uint32_t idx)
{
	hashmap_del(&m->by_old, m->e[idx].old);
	m->e[idx].used = false;
	m->e[idx].old = m->free_head;
	m->free_head = idx;
	m->live--;
}

uint64_t migration_wait_until(struct sim *s, pfn_t pfn)
{
	uint64_t idx;

	if (!s->migration || !hashmap_get(&s->migration->by_old, pfn, &idx))
		return sim_now(s);
	return s->migration->e[idx].done_at;
}

/* ---- isolation ------------------------------------------------------------- */

int migrate_isolate(struct sim *s, pfn_t pfn)
{
	uint32_t fl = s->mem.f.flags[pfn];

	/* Huge (hugetlb) pages stay off the LRU in this model and are not
	 * migrated: isolation fails as for any page off the LRU. Swap cache
	 * and writeback pages would need the swap and I/O models to follow
	 * the move; they are reported busy (docs/model.md). One mask of the
	 * six flags that make a page busy. */
	if ((fl & (PG_head | PG_huge | PG_swapcache | PG_writeback | PG_slab | PG_kernel)) &&
	    !page_test_transhuge(&s->mem.f, pfn))
		return -EBUSY; /* a THP is isolated whole, as one folio */
	return isolate_lru_page(s, pfn);
}

void migrate_putback(struct sim *s, pfn_t pfn)
{
	putback_lru_page(s, pfn);
}

/* ---- step 2: migration entries ------------------------------------------------ */

struct remap_ctx {
	pfn_t to; /* restore: the pfn the entries now point to */
	unsigned found;
};

/* try_to_migrate_one(): a present pte becomes a migration entry that
 * remembers write, dirty and young (make_writable_migration_entry()...). */
static bool install_one(struct sim *s, void *ctx, struct mm_struct *mm, uint64_t vpn)
{
	pte_t p = pgtable_get(&mm->pt, vpn);

	(void)s;
	if (!(p & PTE_PRESENT))
		return true;
	((struct remap_ctx *)ctx)->found++;
	/* a NUMA hint does not survive migration: remove_migration_pte()
	 * rebuilds the pte from the VMA's protection */
	pgtable_set(&mm->pt, vpn, (p & ~(pte_t)(PTE_PRESENT | PTE_NUMA)) | PTE_MIGRATION);
	return true;
}

/* remove_migration_pte(): a migration entry becomes a pte to ctx->to. */
static bool restore_one(struct sim *s, void *ctx, struct mm_struct *mm, uint64_t vpn)
{
	struct remap_ctx *c = ctx;
	pte_t p = pgtable_get(&mm->pt, vpn);

	(void)s;
	if (!(p & PTE_MIGRATION))
		return true;
	c->found++;
	pgtable_set(&mm->pt, vpn,
		    mk_pte(c->to, (unsigned)(p & PTE_FLAGS_MASK & ~PTE_MIGRATION) | PTE_PRESENT));
	return true;
}

/* remove_migration_ptes(old, to): rmap_walk finds entries by old pfn. */
static void restore_ptes(struct sim *s, pfn_t old, pfn_t to)
{
	struct remap_ctx c = {to, 0};

	rmap_walk(s, old, restore_one, &c);
}

/* ---- step 4: moving the page's identity ------------------------------------- */

#define PG_MIGRATED_FLAGS                                                              \
	(PG_dirty | PG_anon | PG_swapbacked | PG_mlocked | PG_active | PG_referenced | \
	 PG_workingset | PG_file | PG_unevictable)

static void move_stat(struct sim *s, pfn_t from, pfn_t to, enum node_stat_item item)
{
	node_stat_add(&s->mem, from, item, -1);
	node_stat_add(&s->mem, to, item, 1);
}

/* folio_migrate_flags()'s flag copy, the one writer of a migration
 * target's flags besides its page_init_*(): the old frame's
 * PG_MIGRATED_FLAGS join the new one's, but for PG_unevictable, which
 * lru_add() derives again from PG_mlocked. */
static void migrate_flags(struct frames *f, pfn_t old, pfn_t new)
{
	f->flags[new] |= f->flags[old] & PG_MIGRATED_FLAGS & ~PG_unevictable;
}

/* folio_migrate_mapping() + folio_migrate_flags(): the new frame takes
 * over the old one's flags, mapping, index, map count and node counters. */
static void migrate_identity(struct sim *s, pfn_t old, pfn_t new)
{
	struct frames *f = &s->mem.f;

	page_reset_flags(f, new); /* no longer locked */
	migrate_flags(f, old, new);
	f->mapping[new] = f->mapping[old];
	f->index[new] = f->index[old];
	f->mapcount[new] = f->mapcount[old];
	/* folio_migrate_flags(): the NUMA hinting history moves along, so
	 * the page is not migrated again over-eagerly */
	f->last_cpupid[new] = f->last_cpupid[old];
	/* in tiering mode a slow-tier page keeps an access time there, not a
	 * cpupid: it is reset when the page changes tiers */
	if (numa_balancing_tiering(s) &&
	    node_is_toptier(s->tiers, pfn_to_nid(&s->mem, old)) !=
		    node_is_toptier(s->tiers, pfn_to_nid(&s->mem, new)))
		f->last_cpupid[new] = 0;
	if (page_test_anon(f, old))
		move_stat(s, old, new, NR_ANON_MAPPED);
	if (page_test_file(f, old)) {
		move_stat(s, old, new, NR_FILE_PAGES);
		if (f->mapcount[old])
			move_stat(s, old, new, NR_FILE_MAPPED);
		if (page_test_dirty(f, old))
			move_stat(s, old, new, NR_FILE_DIRTY);
		if (page_test_swapbacked(f, old))
			move_stat(s, old, new, NR_SHMEM);
		struct file_obj *file = vfs_file(s, f->mapping[old]);

		if (file) {
			page_cache_remove(file, f->index[old]);
			page_cache_insert(file, f->index[old], new);
		}
	}
	if (page_test_mlocked(f, old))
		move_stat(s, old, new, NR_MLOCK);
}

/* The old frame leaves isolation and goes back to the allocator. */
static void release_old(struct sim *s, pfn_t old)
{
	struct frames *f = &s->mem.f;

	test_clear_page_isolated(&s->mem, old);
	page_reset_flags(f, old);
	f->mapping[old] = 0;
	f->index[old] = 0;
	f->mapcount[old] = 0;
	__free_pages(s, old, 0);
}

/* True when the page went away during the copy window (all its
 * mappings zapped, or dropped from the page cache): nothing to move. */
static bool page_vanished(struct sim *s, pfn_t old)
{
	struct frames *f = &s->mem.f;

	if (page_test_anon(f, old))
		return f->mapcount[old] == 0;
	if (page_test_file(f, old)) {
		struct file_obj *file = vfs_file(s, f->mapping[old]);

		return !file || page_cache_lookup(file, f->index[old]) != old;
	}
	return true;
}

/* The engine event at the end of a page's copy: step 4's second half. */
static void migration_done(void *ctx, uint64_t arg)
{
	struct sim *s = ctx;
	struct migrate_state *m = s->migration;
	struct mig_entry e = m->e[arg];
	struct frames *f = &s->mem.f;

	entry_del(m, (uint32_t)arg);
	if (page_vanished(s, e.old)) {
		page_reset_flags(f, e.new);
		__free_pages(s, e.new, 0);
		if (page_test_anon(f, e.old)) {
			/* freed now that migration lets go of it (free_anon_page) */
			page_clear_locked(f, e.old);
			test_clear_page_isolated(&s->mem, e.old);
			free_anon_page(s, e.old);
		} else if (!page_test_buddy(f, e.old)) {
			page_clear_locked(f, e.old);
			migrate_putback(s, e.old);
		}
		return;
	}
	migrate_identity(s, e.old, e.new);
	sim_explain(
		s,
		"    migration done: the entries are restored as ptes to the new page on node %d "
		"(remove_migration_ptes())\n",
		pfn_to_nid(&s->mem, e.new));
	restore_ptes(s, e.old, e.new);
	release_old(s, e.old);
	lru_add(s, e.new);
}

/* ---- migrate_pages() ------------------------------------------------------------ */

/* Cost of migrating one base page from node a to node b. */
static uint64_t migrate_cost(const struct sim *s, int a, int b)
{
	uint64_t units = s->topo->page_size / 4096;

	return (tun(&s->tun, TUN_SIM_COST_MIGRATE_PAGE_NS) +
		tun(&s->tun, TUN_SIM_COST_COPY_PAGE_NS) * (uint64_t)topo_distance(s->topo, a, b) /
			10) *
	       units;
}

/*
 * How long the copy of one page from node a to node b takes when it
 * starts `elapsed` ns from now: its cost, or longer when the links it
 * crosses are busy (model.md §8). Booked at once, page by page, because
 * each page's migration ends as its own event.
 */
static uint64_t copy_time(struct sim *s, int a, int b, uint64_t elapsed)
{
	uint64_t cost = migrate_cost(s, a, b), start = sim_now(s) + elapsed, done, extra;

	if (!s->ic || a == b)
		return cost;
	done = ic_transfer(s->ic, a, b, s->topo->page_size, start);
	if (done <= start + cost)
		return cost;
	extra = done - start - cost;
	s->ic->stall_ns += extra;
	if (s->current)
		s->current->bw_stall_ns += extra;
	return cost + extra;
}

/* alloc_migration_target() (__GFP_THISNODE on the target node) or
 * alloc_migration_target_by_mpol(). */
/* Models alloc_demote_folio(): the target node alone first, so that its
 * kswapd demotes or reclaims before slower tiers fill up, then any node of
 * the lower tiers; no direct reclaim, no cpuset (demote_folio_list()'s
 * gfp: GFP_HIGHUSER_MOVABLE without __GFP_RECLAIM, plus GFP_NOWAIT). */
static pfn_t alloc_demote_page(struct sim *s, const struct migrate_target *mt, int target)
{
	gfp_t gfp = (GFP_HIGHUSER_MOVABLE & ~__GFP_RECLAIM) | __GFP_NOWARN | GFP_NOWAIT;
	pfn_t pfn = alloc_pages_node(s, target, gfp | __GFP_THISNODE, 0, mt->local_nid);
	struct alloc_req req = {
		.gfp = gfp,
		.preferred_nid = target,
		.nodemask = mt->demote_mask,
		.local_nid = mt->local_nid,
	};

	return pfn != NOPFN ? pfn : alloc_pages_req(s, &req);
}

static pfn_t alloc_target(struct sim *s, const struct migrate_target *mt,
			  const struct migrate_item *it)
{
	if (mt->pool) { /* compaction_alloc() */
		if (!mt->pool->nr && mt->pool->refill)
			mt->pool->refill(s, mt->pool->ctx);
		return mt->pool->nr ? mt->pool->pfns[--mt->pool->nr] : NOPFN;
	}
	if (mt->demote_mask)
		return alloc_demote_page(s, mt, it->target);
	if (mt->pol) {
		uint64_t stall = 0;

		return alloc_pages_mpol(s, mt->t, mt->pol, true, it->ilx, GFP_HIGHUSER_MOVABLE, 0,
					&stall);
	}
	return alloc_pages_node(s, it->target, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, 0,
				mt->local_nid);
}

/* A target page not used: back to compaction's pool (compaction_free()),
 * else to the allocator. */
static void release_target(struct sim *s, const struct migrate_target *mt, pfn_t new)
{
	page_reset_flags(&s->mem.f, new);
	if (mt->pool && mt->pool->nr < mt->pool->cap) {
		mt->pool->pfns[mt->pool->nr++] = new;
		return;
	}
	__free_pages(s, new, 0);
}

/* ---- transparent huge pages ----------------------------------------------------- */

struct thp_remap {
	pfn_t old, new;
};

/* remove_migration_pmd(): the 512 entries of the PMD now map the new page. */
static bool thp_remap_one(struct sim *s, void *ctx, struct mm_struct *mm, uint64_t vpn)
{
	struct thp_remap *r = ctx;

	(void)s;
	for (uint64_t i = 0; i < HPAGE_PMD_NR; i++) {
		pte_t p = pgtable_get(&mm->pt, vpn + i);

		pgtable_set(&mm->pt, vpn + i,
			    mk_pte(r->new + i, (unsigned)(p & PTE_FLAGS_MASK & ~PTE_NUMA)));
	}
	return true;
}

/* folio_migrate_mapping() + folio_migrate_flags() for a THP. */
static void thp_migrate_identity(struct sim *s, pfn_t old, pfn_t new)
{
	struct frames *f = &s->mem.f;
	int64_t nr = HPAGE_PMD_NR;

	page_init_thp(f, new);
	migrate_flags(f, old, new);
	f->mapping[new] = f->mapping[old];
	f->index[new] = f->index[old];
	f->mapcount[new] = f->mapcount[old];
	f->last_cpupid[new] = f->last_cpupid[old];
	node_stat_add(&s->mem, old, NR_ANON_MAPPED, -nr);
	node_stat_add(&s->mem, new, NR_ANON_MAPPED, nr);
	node_stat_add(&s->mem, old, NR_ANON_THPS, -1);
	node_stat_add(&s->mem, new, NR_ANON_THPS, 1);
	if (page_test_mlocked(f, old)) {
		node_stat_add(&s->mem, old, NR_MLOCK, -nr);
		node_stat_add(&s->mem, new, NR_MLOCK, nr);
	}
}

/*
 * A THP migrated whole (migrate_folio_unmap() + migrate_folio_move()
 * of a PMD-mapped folio): an order-9 page on the target (GFP_TRANSHUGE,
 * __GFP_THISNODE for a node target), then the copy. Unlike base pages
 * the model moves it at once, without migration entries during the
 * copy; the caller is charged the 512 pages' copy time (docs/model.md,
 * "Transparent huge pages"). 0, -EAGAIN (pinned) or -ENOMEM (no order-9
 * page: the caller splits it).
 */
static int migrate_thp(struct sim *s, const struct migrate_target *mt, struct migrate_item *it,
		       uint64_t *elapsed)
{
	gfp_t gfp = (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOWARN) & ~__GFP_KSWAPD_RECLAIM;
	pfn_t old = it->pfn, new;
	uint64_t stall = 0;

	if (page_test_pinned(&s->mem.f, old))
		return -EAGAIN;
	if (mt->pol)
		new = alloc_thp_mpol(s, mt->t, mt->pol, it->ilx >> HPAGE_PMD_ORDER, gfp,
				     HPAGE_PMD_ORDER, &stall);
	else
		new = alloc_pages_node(s, it->target, gfp | __GFP_THISNODE, HPAGE_PMD_ORDER,
				       mt->local_nid);
	if (new == NOPFN)
		return -ENOMEM;
	int a = pfn_to_nid(&s->mem, old), b = pfn_to_nid(&s->mem, new);
	struct thp_remap r = {old, new};

	*elapsed += stall + migrate_cost(s, a, b) * HPAGE_PMD_NR;
	sim_traffic(s, a, b, sim_pages_to_bytes(s, HPAGE_PMD_NR));
	thp_migrate_identity(s, old, new);
	rmap_walk(s, old, thp_remap_one, &r);
	test_clear_page_isolated(&s->mem, old);
	page_init_compound(&s->mem.f, old, HPAGE_PMD_ORDER); /* freed as a block */
	s->mem.f.mapping[old] = 0;
	s->mem.f.index[old] = 0;
	s->mem.f.mapcount[old] = 0;
	__free_pages(s, old, HPAGE_PMD_ORDER);
	lru_add(s, new);
	s->mem.events[THP_MIGRATION_SUCCESS]++;
	s->mem.events[PGMIGRATE_SUCCESS] += HPAGE_PMD_NR - 1; /* the caller counts one */
	return 0;
}

/*
 * No order-9 page for a THP: migrate_pages_batch() splits it
 * (try_split_folio(), thp_migration_fail and thp_migration_split) and
 * migrates its 512 base pages instead. Returns the result for the head,
 * whose accounting the nested migrate_pages_list() did (MIGRATE_SPLIT_DONE),
 * or -ENOMEM.
 */
#define MIGRATE_SPLIT_DONE 1
static int migrate_split_thp(struct sim *s, const struct migrate_target *mt,
			     struct migrate_item *it, uint64_t *elapsed)
{
	struct migrate_item *sub = malloc(HPAGE_PMD_NR * sizeof(*sub));
	pfn_t head = it->pfn;
	size_t k = 0;
	uint64_t cost = 0;

	s->mem.events[THP_MIGRATION_FAIL]++;
	s->mem.events[THP_MIGRATION_SPLIT]++;
	split_huge_page(s, head, false); /* the head stays isolated */
	if (!sub)
		return -ENOMEM;
	sub[k++] = *it;
	for (pfn_t i = 1; i < HPAGE_PMD_NR; i++)
		if (!migrate_isolate(s, head + i))
			sub[k++] = (struct migrate_item){
				.pfn = head + i, .target = it->target, .ilx = it->ilx + i};
	long rc = migrate_pages_list(s, sub, k, mt, &cost);

	*elapsed += cost;
	s->migrate_ns -= cost; /* the outer call adds elapsed */
	free(sub);
	return rc < 0 ? -ENOMEM : MIGRATE_SPLIT_DONE;
}

/* Steps 2-4 for one page; 0 (copy scheduled), -EAGAIN, -ENOMEM. */
static int migrate_one(struct sim *s, const struct migrate_target *mt, struct migrate_item *it,
		       uint64_t *elapsed)
{
	struct frames *f = &s->mem.f;
	pfn_t old = it->pfn;

	if (page_is_thp(f, old)) {
		int rc = migrate_thp(s, mt, it, elapsed);

		return rc == -ENOMEM ? migrate_split_thp(s, mt, it, elapsed) : rc;
	}
	pfn_t new = alloc_target(s, mt, it);
	struct remap_ctx c = {0, 0};
	uint32_t idx;

	if (new == NOPFN)
		return -ENOMEM;
	page_reset_flags(f, new);
	page_set_locked(f, new); /* the copy's target, locked until it is done */
	page_set_locked(f, old);
	rmap_walk(s, old, install_one, &c);
	sim_explain(
		s,
		"    migrate: a page on node %d is copied to node %d; meanwhile %u pte%s to it %s "
		"(try_to_migrate())\n",
		pfn_to_nid(&s->mem, old), pfn_to_nid(&s->mem, new), c.found,
		c.found == 1 ? "" : "s",
		c.found == 1 ? "is a migration entry" : "are migration entries");
	if (page_test_pinned(f, old)) {
		/* __migrate_folio(): references we cannot account for abort the
		 * attempt before the copy (folio_mc_copy()): it cost the unmap
		 * and remap, not the copy */
		*elapsed +=
			tun(&s->tun, TUN_SIM_COST_MIGRATE_PAGE_NS) * (s->topo->page_size / 4096);
		restore_ptes(s, old, old);
		page_clear_locked(f, old);
		release_target(s, mt, new);
		return -EAGAIN;
	}
	if (mt->demote_mask) { /* links booked per batch: migrate_demote_pages() */
		it->target = pfn_to_nid(&s->mem, new);
		*elapsed += migrate_cost(s, pfn_to_nid(&s->mem, old), it->target);
	} else
		*elapsed +=
			copy_time(s, pfn_to_nid(&s->mem, old), pfn_to_nid(&s->mem, new), *elapsed);
	if (entry_add(s->migration, old, new, sim_now(s) + *elapsed, &idx)) {
		restore_ptes(s, old, old);
		page_clear_locked(f, old);
		release_target(s, mt, new);
		return -EAGAIN;
	}
	if (mt->demote_mask || mt->pool) {
		migration_done(s, idx); /* the reclaimer or kcompactd copied it: done now */
		return 0;
	}
	if (engine_at(&s->eng, sim_now(s) + *elapsed, migration_done, s, idx)) {
		entry_del(s->migration, idx);
		restore_ptes(s, old, old);
		page_clear_locked(f, old);
		release_target(s, mt, new);
		return -EAGAIN;
	}
	return 0;
}

/*
 * After -ENOMEM at items[at], what migrate_pages() counts as failed
 * (its -ENOMEM case, 6.1 and 6.12 alike): the page that found no target,
 * the pages this pass retried before it (-EAGAIN, "undo the retry
 * counts") and the ones that failed for good earlier; pages this pass has
 * not reached yet go back uncounted. Marks every page not migrated
 * -ENOMEM and returns whether items[i] counts in pgmigrate_fail.
 */
static bool nomem_counted(struct migrate_item *items, size_t i, size_t at)
{
	int rc = items[i].rc;

	if (rc == 0 || rc == MIGRATE_SPLIT_DONE)
		return false;
	items[i].rc = -ENOMEM;
	return i <= at || rc != -EAGAIN;
}

long migrate_pages_list(struct sim *s, struct migrate_item *items, size_t n,
			const struct migrate_target *mt, uint64_t *cost_ns)
{
	uint64_t elapsed = 0;
	long failed = 0;
	size_t i, at;

	for (i = 0; i < n; i++)
		items[i].rc = -EAGAIN;
	for (int pass = 0; pass < NR_MAX_MIGRATE_PAGES_RETRY; pass++) {
		bool again = false;

		for (i = 0; i < n; i++) {
			if (items[i].rc != -EAGAIN)
				continue;
			items[i].rc = migrate_one(s, mt, &items[i], &elapsed);
			if (items[i].rc == -ENOMEM) {
				at = i;
				goto nomem;
			}
			again |= items[i].rc == -EAGAIN;
		}
		if (!again)
			break;
	}
	for (i = 0; i < n; i++) {
		if (items[i].rc == MIGRATE_SPLIT_DONE) {
			items[i].rc = 0; /* its pages were counted by the split's call */
		} else if (items[i].rc) {
			migrate_putback(s, items[i].pfn);
			s->mem.events[PGMIGRATE_FAIL]++;
			failed++;
		} else {
			s->mem.events[PGMIGRATE_SUCCESS]++;
		}
	}
	goto out;
nomem:
	/* When memory is low the kernel stops: the rest go back. */
	for (i = 0; i < n; i++) {
		bool counted = nomem_counted(items, i, at);

		if (items[i].rc == MIGRATE_SPLIT_DONE) {
			items[i].rc = 0;
		} else if (items[i].rc == 0) {
			s->mem.events[PGMIGRATE_SUCCESS]++;
		} else {
			migrate_putback(s, items[i].pfn);
			s->mem.events[PGMIGRATE_FAIL] += counted;
		}
	}
	failed = -ENOMEM;
out:
	*cost_ns += elapsed;
	s->migrate_ns += elapsed;
	return failed;
}

/*
 * The bytes a demotion batch moved from node `from` cross the links once
 * per batch and target node: with the running record (direct reclaim:
 * sim_traffic(), settled when the record ends), or at once for kswapd,
 * which waits for them. Returns kswapd's extra wait.
 */
static uint64_t demote_traffic(struct sim *s, const struct migrate_item *items, size_t n, int from)
{
	uint64_t now = sim_now(s), wait = 0;

	if (!s->ic)
		return 0;
	for (int to = 0; to < s->topo->nr_nodes; to++) {
		uint64_t bytes = 0, done;

		for (size_t i = 0; i < n; i++)
			if (!items[i].rc && items[i].target == to)
				bytes += s->topo->page_size;
		if (!bytes)
			continue;
		if (s->current) {
			sim_traffic(s, from, to, bytes);
			continue;
		}
		done = ic_transfer(s->ic, from, to, bytes, now);
		if (done > now + wait)
			wait = done - now;
	}
	return wait;
}

size_t migrate_demote_pages(struct sim *s, struct migrate_item *items, size_t n, int target,
			    const nodemask_t *allowed, int src_nid, uint64_t *cost_ns)
{
	struct migrate_target mt = {.local_nid = src_nid, .demote_mask = allowed};
	uint64_t elapsed = 0;
	size_t done = 0, at = n;

	for (size_t i = 0; i < n; i++) {
		items[i].target = target;
		items[i].rc = -EAGAIN;
	}
	for (int pass = 0; pass < NR_MAX_MIGRATE_PAGES_RETRY; pass++) {
		bool again = false;

		for (size_t i = 0; i < n; i++) {
			if (items[i].rc != -EAGAIN)
				continue;
			items[i].rc = migrate_one(s, &mt, &items[i], &elapsed);
			if (items[i].rc == -ENOMEM) {
				at = i;
				goto out;
			}
			again |= items[i].rc == -EAGAIN;
		}
		if (!again)
			break;
	}
out:
	/* after -ENOMEM (no room in the lower tiers) the rest stay with
	 * reclaim, and only what the pass reached counts as failed */
	for (size_t i = 0; i < n; i++) {
		bool counted = at == n ? items[i].rc != 0 : nomem_counted(items, i, at);

		s->mem.events[PGMIGRATE_SUCCESS] += !items[i].rc;
		s->mem.events[PGMIGRATE_FAIL] += counted;
		done += !items[i].rc;
	}
	elapsed += demote_traffic(s, items, n, src_nid);
	*cost_ns += elapsed;
	s->migrate_ns += elapsed;
	return done;
}

/* ---- move_pages(2) --------------------------------------------------------------- */

bool task_may_access(const struct task *caller, const struct task *target)
{
	return caller->tgid == target->tgid || caller->uid == 0 || caller->uid == target->uid;
}

/* Models the page lookup of do_pages_stat_array() and
 * add_page_for_migration(). From 6.12, folio_walk_start(FW_ZEROPAGE):
 * -EFAULT without a VMA or on the zero page, -ENOENT without a page, else
 * 0 and *pfn (the head frame of a huge page). Before 6.12,
 * follow_page(FOLL_DUMP): an empty pte in a VMA without a fault handler
 * (private anonymous memory) is -EFAULT (no_page_table()); a swap or
 * migration entry, or a hole in shmem or a file, is still -ENOENT. */
static int lookup_page(struct sim *s, struct mm_struct *mm, uint64_t addr, pfn_t *pfn)
{
	const struct vm_area_struct *vma = find_vma(mm, addr);

	if (!vma)
		return -EFAULT;
	pte_t p = pgtable_get(&mm->pt, addr >> s->topo->page_shift);

	if (!p && !kernel_at_least(&s->tun, 6, 12) &&
	    !(vma->flags & (VM_FILE | VM_SHMEM | VM_HUGETLB)))
		return -EFAULT;
	if (!pte_present(p))
		return -ENOENT; /* never touched, swapped out or under migration */
	if (p & PTE_ZERO)
		return -EFAULT;
	*pfn = (pfn_t)pte_val(p);
	if (p & PTE_HUGE)
		while (!page_test_head(&s->mem.f, *pfn))
			(*pfn)--;
	return 0;
}

/* Models do_pages_stat_array(). */
static void do_pages_stat(struct sim *s, struct mm_struct *mm, uint64_t nr, const uint64_t *addrs,
			  int *status)
{
	for (uint64_t i = 0; i < nr; i++) {
		pfn_t pfn;
		int rc = lookup_page(s, mm, addrs[i], &pfn);

		status[i] = rc ? rc : pfn_to_nid(&s->mem, pfn);
	}
}

/* The list of pages queued for one node (do_pages_move()'s pagelist). */
struct page_batch {
	struct migrate_item *items;
	size_t n;
	int node;
	uint64_t start;
};

/* Models add_page_for_migration(): 1 queued, 0 already on node, -errno. */
static int add_page_for_migration(struct sim *s, struct mm_struct *mm, uint64_t addr, int node,
				  struct page_batch *b, bool migrate_all)
{
	pfn_t pfn;
	int rc = lookup_page(s, mm, addr, &pfn);

	if (rc)
		return rc;
	if (pfn_to_nid(&s->mem, pfn) == node)
		return 0;
	if (s->mem.f.mapcount[pfn] > 1 && !migrate_all)
		return -EACCES;
	if (migrate_isolate(s, pfn))
		return -EBUSY;
	b->items[b->n++] = (struct migrate_item){.pfn = pfn, .target = node};
	return 1;
}

/* Models move_pages_and_store_status(): migrates the batch; on failure
 * the count not moved includes every page not yet attempted. */
static long flush_batch(struct sim *s, struct page_batch *b, int *status, uint64_t i, uint64_t nr,
			int local, uint64_t *cost_ns)
{
	struct migrate_target mt = {.local_nid = local};
	long err;

	if (!b->n)
		return 0;
	err = migrate_pages_list(s, b->items, b->n, &mt, cost_ns);
	b->n = 0;
	if (err > 0)
		return err + (long)(nr - i);
	if (err < 0)
		return err;
	for (uint64_t k = b->start; k < i; k++)
		status[k] = b->node;
	return 0;
}

/* Checks one target node (do_pages_move()): 0, -ENODEV or -EACCES. */
static int check_target_node(struct sim *s, int node, const nodemask_t *task_nodes)
{
	if (node < 0 || node >= NODEMASK_BITS)
		return -ENODEV;
	if (node >= s->topo->nr_nodes || !s->topo->nodes[node].memory_bytes)
		return -ENODEV; /* !node_state(node, N_MEMORY) */
	if (!node_isset(task_nodes, node))
		return -EACCES;
	return 0;
}

/* Models do_pages_move(). */
static long do_pages_move(struct sim *s, struct mm_struct *mm, const nodemask_t *task_nodes,
			  uint64_t nr, const uint64_t *addrs, const int *nodes, int *status,
			  int flags, int local, uint64_t *cost_ns)
{
	struct page_batch b = {.items = sim_malloc(s, (nr ? nr : 1) * sizeof(*b.items)),
			       .node = -1};
	long err = 0, err1;
	uint64_t i;

	if (!b.items)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		err = check_target_node(s, nodes[i], task_nodes);
		if (err)
			goto out_flush;
		if (b.node < 0) {
			b.node = nodes[i];
			b.start = i;
		} else if (nodes[i] != b.node) {
			err = flush_batch(s, &b, status, i, nr, local, cost_ns);
			if (err)
				goto out;
			b.start = i;
			b.node = nodes[i];
		}
		err = add_page_for_migration(s, mm, addrs[i], b.node, &b, flags & MPOL_MF_MOVE_ALL);
		if (err > 0)
			continue;
		status[i] = err ? (int)err : b.node;
		err = flush_batch(s, &b, status, i, nr, local, cost_ns);
		if (err) {
			if (err > 0)
				err--; /* page i is accounted for */
			goto out;
		}
		b.node = -1;
	}
out_flush:
	err1 = flush_batch(s, &b, status, i, nr, local, cost_ns);
	if (err >= 0)
		err = err1;
out:
	free(b.items);
	return err;
}

/* Models kernel_move_pages() and find_mm_struct(). */
long do_move_pages(struct sim *s, struct task *caller, struct task *target, uint64_t nr,
		   const uint64_t *addrs, const int *nodes, int *status, int flags,
		   uint64_t *cost_ns)
{
	nodemask_t task_nodes;

	if (flags & ~(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
		return -EINVAL;
	if ((flags & MPOL_MF_MOVE_ALL) && caller->uid != 0)
		return -EPERM; /* capable(CAP_SYS_NICE) */
	if (!target || target->state != TASK_RUNNING)
		return -ESRCH;
	if (target != caller && !task_may_access(caller, target))
		return -EPERM;
	if (!target->mm)
		return -EINVAL;
	cpuset_task_mems(s, target, &task_nodes);
	if (!nodes) {
		do_pages_stat(s, target->mm, nr, addrs, status);
		return 0;
	}
	return do_pages_move(s, target->mm, &task_nodes, nr, addrs, nodes, status, flags,
			     task_node(s, caller), cost_ns);
}

/* ---- NUMA balancing: misplaced pages ------------------------------------------------ */

/* Models migrate_balanced_pgdat(): some populated zone of the node stays
 * above its high watermark after taking nr pages. */
static bool migrate_balanced_pgdat(struct sim *s, int nid, uint64_t nr)
{
	struct pglist_data *pg = &s->mem.nodes[nid];

	for (int z = MAX_NR_ZONES - 1; z >= 0; z--) {
		const struct zone *zone = &pg->zones[z];

		if (!zone_populated(zone))
			continue;
		if (zone_watermark_ok(zone, 0, wmark_pages(zone, WMARK_HIGH) + nr, ZONE_MOVABLE))
			return true;
	}
	return false;
}

/* Models migrate_misplaced_folio_prepare(): 0 with the page isolated,
 * else -EAGAIN (dirty file page, target node short of memory, target
 * outside the task's cpuset) or -EBUSY (not isolatable). */
static int misplaced_prepare(struct sim *s, struct task *t, pfn_t pfn, int target)
{
	struct frames *f = &s->mem.f;
	nodemask_t mems;

	if (page_test_file(f, pfn) && !page_test_swapbacked(f, pfn) && page_test_dirty(f, pfn))
		return -EAGAIN;
	if (!migrate_balanced_pgdat(s, target, page_is_thp(&s->mem.f, pfn) ? HPAGE_PMD_NR : 1)) {
		/* tiering: the target's kswapd makes room (demoting cold pages) */
		if (numa_balancing_tiering(s))
			wakeup_kswapd(s, target, GFP_HIGHUSER_MOVABLE, 0, ZONE_MOVABLE);
		return -EAGAIN;
	}
	/* the target page is allocated in the task's context, so its cpuset
	 * bounds it (prepare_alloc_pages()) */
	cpuset_task_mems(s, t, &mems);
	if (!node_isset(&mems, target))
		return -EAGAIN;
	return migrate_isolate(s, pfn);
}

int migrate_misplaced_page(struct sim *s, struct task *t, pfn_t pfn, int target, uint64_t *cost_ns)
{
	struct migrate_target mt = {.local_nid = task_node(s, t)};
	struct migrate_item it = {.pfn = pfn, .target = target};
	int rc = misplaced_prepare(s, t, pfn, target);
	uint64_t nr = page_is_thp(&s->mem.f, pfn) ? HPAGE_PMD_NR : 1;

	if (rc)
		return rc;
	if (migrate_pages_list(s, &it, 1, &mt, cost_ns))
		return it.rc ? it.rc : -EAGAIN;
	s->mem.events[NUMA_PAGES_MIGRATED] += nr;
	if (numa_balancing_tiering(s) && !node_is_toptier(s->tiers, pfn_to_nid(&s->mem, pfn)) &&
	    node_is_toptier(s->tiers, target))
		tiering_count(s, target, PGPROMOTE_SUCCESS, nr);
	return 0;
}
