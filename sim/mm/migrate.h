/*
 * migrate.h - page migration (mm/migrate.c): move_pages(2),
 * migrate_pages(2), mbind(MPOL_MF_MOVE) and cpuset memory_migrate all
 * end in migrate_pages_list() here, in four steps (docs/model.md, "Migration"):
 *
 *  1. the caller isolates each page from the LRU (migrate_isolate());
 *  2. every pte mapping the page is replaced by a migration entry
 *     (PTE_MIGRATION with the old pfn), so accesses wait;
 *  3. the references are checked: a page with references the reverse map
 *     cannot account for (PG_pinned) gets its ptes back and is retried,
 *     up to NR_MAX_MIGRATE_PAGES_RETRY passes, then counted failed;
 *  4. the contents are copied to a page allocated on the target node
 *     (sim.cost.migrate_page_ns + sim.cost.copy_page_ns * distance/10 per
 *     4 KiB), and when the copy is done - an engine event at that time -
 *     the migration entries become ptes to the new page, the new page
 *     joins the LRU and the old one is freed.
 *
 * The system call waits for the whole list (MIGRATE_SYNC); other tasks
 * that meet a migration entry meanwhile wait for that page's copy
 * (migration_wait_until()). Between steps 2 and 4 the old frame keeps its
 * identity (flags, mapping, node counters) and the new one is a bare
 * locked frame, so the --check recounts hold at every event.
 */
#ifndef NUMASIM_MM_MIGRATE_H
#define NUMASIM_MM_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/mmzone.h"

struct sim;
struct task;
struct mempolicy;

#define NR_MAX_MIGRATE_PAGES_RETRY 10

int migrate_init(struct sim *s);
void migrate_free(struct sim *s);

/* When the migration that replaced pfn's mappings by migration entries
 * completes; an access that meets such an entry waits until then
 * (migration_entry_wait()). now when pfn is not under migration. */
uint64_t migration_wait_until(struct sim *s, pfn_t pfn);

/* Pages under migration right now (migration entries installed). */
uint64_t migrate_in_flight(const struct sim *s);

/*
 * Models folio_isolate_lru() for migration: 0, or -EBUSY when the page is
 * not on an LRU list (already isolated, huge, slab, kernel) or cannot be
 * moved by this model (swap cache, writeback).
 */
int migrate_isolate(struct sim *s, pfn_t pfn);
/* Models putback_movable_pages() for one page. */
void migrate_putback(struct sim *s, pfn_t pfn);

/* One isolated page to migrate and, when pol is set, its interleave index. */
struct migrate_item {
	pfn_t pfn;
	int target;   /* node (alloc_migration_target with __GFP_THISNODE) */
	uint64_t ilx; /* alloc_migration_target_by_mpol(): interleave index */
	int rc;	      /* out: 0 migrated, -EAGAIN/-EBUSY failed, -ENOMEM */
};

/* How target pages are allocated. */
struct migrate_target {
	struct task *t;	       /* whose policy and cpuset apply (pol != NULL) */
	struct mempolicy *pol; /* NULL: item.target with __GFP_THISNODE */
	int local_nid;	       /* numa_node_id() of the caller */
	/* demotion (pol NULL): alloc_demote_folio() falls back to these nodes,
	 * and the move completes at once (the reclaimer did the copy) */
	const nodemask_t *demote_mask;
	/* compaction (pol NULL, demote_mask NULL): target pages come from the
	 * free pages its free scanner isolated, taken from the end of the
	 * array (compaction_alloc()); a target not used goes back there
	 * (compaction_free()); the copy completes at once, as kcompactd's
	 * MIGRATE_SYNC_LIGHT migrate_pages() returns with it done */
	struct compact_pool *pool;
};

/* Free pages isolated for compaction's targets. */
struct compact_pool {
	pfn_t *pfns;
	size_t nr, cap;
	/* refills the pool when it is empty (isolate_freepages()) */
	void (*refill)(struct sim *s, void *ctx);
	void *ctx;
};

/*
 * Models migrate_pages(): migrates the isolated pages of items. Returns
 * the number of pages not migrated (they are put back), or -ENOMEM when a
 * target page could not be allocated (that page and the rest are put
 * back). Adds the caller's time to *cost_ns and to s->migrate_ns.
 */
long migrate_pages_list(struct sim *s, struct migrate_item *items, size_t n,
			const struct migrate_target *mt, uint64_t *cost_ns);

/*
 * move_pages(2) by caller on target for nr pages at addrs. nodes NULL
 * queries (status gets each page's node or -errno); otherwise moves page
 * i to nodes[i]. flags: MPOL_MF_MOVE or MPOL_MF_MOVE_ALL. Returns 0, the
 * number of pages not migrated, or -errno.
 */
long do_move_pages(struct sim *s, struct task *caller, struct task *target, uint64_t nr,
		   const uint64_t *addrs, const int *nodes, int *status, int flags,
		   uint64_t *cost_ns);

/*
 * Models migrate_misplaced_folio() after a NUMA hinting fault of t: when
 * the target node is above its high watermark (migrate_balanced_pgdat())
 * and the page can be isolated, it is migrated as by migrate_pages_list()
 * (numa_pages_migrated and pgmigrate_success count it). Returns 0 or
 * -EAGAIN/-EBUSY/-ENOMEM; the copy's time is added to *cost_ns.
 */
int migrate_misplaced_page(struct sim *s, struct task *t, pfn_t pfn, int target, uint64_t *cost_ns);

/*
 * Models demote_folio_list()'s migrate_pages(MR_DEMOTION) call for pages
 * reclaim isolated: each page moves to a page allocated as
 * alloc_demote_folio() does (target with __GFP_THISNODE, then any node of
 * allowed, never direct reclaim, cpusets and policies ignored). The
 * reclaimer copies the pages itself, so each move completes at once; its
 * time is added to *cost_ns. src_nid is the node reclaimed (its kswapd is
 * numa_node_id() for the allocation). Sets items[i].rc (0 moved, target
 * then the node it went to) and leaves pages not moved isolated for
 * reclaim to handle; returns how many moved.
 */
size_t migrate_demote_pages(struct sim *s, struct migrate_item *items, size_t n, int target,
			    const nodemask_t *allowed, int src_nid, uint64_t *cost_ns);

/* ptrace_may_access(PTRACE_MODE_READ_REALCREDS) as the model sees it:
 * the same process, root (CAP_SYS_PTRACE), or the same uid. */
bool task_may_access(const struct task *caller, const struct task *target);

#endif
