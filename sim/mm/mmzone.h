/*
 * mmzone.h - physical memory: frames, zones and nodes (pglist_data), as
 * include/linux/mmzone.h and include/linux/mm_types.h describe them.
 *
 * Frames are compact (docs/architecture.md): struct page is split into flat arrays
 * indexed by pfn, and list links are 32-bit pfns, so a simulated frame
 * costs 24 host bytes. A frame's zone is not stored per frame (the
 * kernel keeps it in page->flags): zones own contiguous pfn ranges, so
 * pfn_zone_id() finds it from a table per section of 512 frames. A frame is on at most one list at a time: a buddy
 * free list (only the head frame of a free block), or one LRU list.
 *
 * Physical layout: nodes are laid out in id order, each node's zones in
 * zone_type order (DMA, DMA32, Normal, Movable), without holes. A node
 * with no memory has no zones and no pfns. Zones need not start at
 * aligned pfns: buddy alignment is on the absolute pfn and free blocks
 * never merge across zones (page_alloc.c).
 */
#ifndef NUMASIM_MM_MMZONE_H
#define NUMASIM_MM_MMZONE_H

#include "task/eevdf.h"
#include <stdbool.h>
#include <stdint.h>

#include "core/debug.h"
#include "topo/topo.h"

typedef uint32_t pfn_t;
#define NOPFN UINT32_MAX

#define MAX_ORDER 10 /* orders 0..MAX_ORDER, as MAX_PAGE_ORDER */
#define NR_ORDERS (MAX_ORDER + 1)

/* Page flags (enum pageflags, include/linux/page-flags.h) in frames.flags. */
enum {
	PG_buddy = 1u << 0, /* head of a free block; order in PG_ORDER bits */
	PG_lru = 1u << 1,   /* on an LRU list */
	PG_active = 1u << 2,
	PG_referenced = 1u << 3,
	PG_dirty = 1u << 4,
	PG_writeback = 1u << 5,
	PG_anon = 1u << 6, /* mapping is an anon_vma (PAGE_MAPPING_ANON) */
	PG_swapcache = 1u << 7,
	PG_unevictable = 1u << 8,
	PG_mlocked = 1u << 9,
	PG_slab = 1u << 10,
	PG_isolated = 1u << 11, /* taken off the LRU by isolate_lru_page() */
	PG_locked = 1u << 12,	/* under migration or I/O */
	PG_head = 1u << 13,	/* first frame of an order > 0 allocation */
	PG_workingset = 1u << 14,
	PG_pinned = 1u << 15,	  /* an extra reference (get_user_pages-style) */
	PG_file = 1u << 16,	  /* page cache page (mapping is a file id) */
	PG_kernel = 1u << 17,	  /* other kernel allocation */
	PG_huge = 1u << 18,	  /* head of a huge page mapping */
	PG_swapbacked = 1u << 19, /* shmem/shared anon: backed by swap */
	/* Head of an anonymous transparent huge page (a PMD-mappable folio,
	 * folio_test_pmd_mappable()): PG_head with order 9, on an LRU list
	 * as one entry counting 512 pages; its 511 tail frames have no
	 * flags, mapping or mapcount (the head holds them, as the folio
	 * does). See mm/huge_memory.h. */
	PG_transhuge = 1u << 20,
	PG_pcp = 1u << 21, /* free, on a per-CPU page list (not PG_buddy) */
};
#define PG_ORDER_SHIFT 24
#define PG_ORDER_MASK (0xfu << PG_ORDER_SHIFT)
/* The free list (migratetype) a PG_buddy head is on: the kernel knows it
 * from the list_head; a frame here records it in two flag bits. */
#define PG_MT_SHIFT 28
#define PG_MT_MASK (0x3u << PG_MT_SHIFT)

/* Migratetypes (enum migratetype, include/linux/mmzone.h) of the free
 * lists and pageblocks: the three the per-CPU lists know
 * (MIGRATE_PCPTYPES). HIGHATOMIC, CMA and ISOLATE are not modelled. */
enum migratetype { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_PCPTYPES };
/* pageblock_order: HUGETLB_PAGE_ORDER on x86-64 (2 MiB of 4 KiB pages). */
#define PAGEBLOCK_ORDER 9
#define PAGEBLOCK_NR_PAGES (1u << PAGEBLOCK_ORDER)

struct frames {
	uint64_t nr;	       /* total frames = sum of node memory / page size */
	uint32_t *next, *prev; /* list links (pfns), NOPFN at the ends */
	uint32_t *flags;
	uint32_t *mapping; /* anon_vma id, file id or slab cache; 0 = none */
	uint32_t *index;   /* page offset within mapping (page->index) */
	/* page->private (a swap cache page's slot) is not a frame array:
	 * swap.h keeps it for the few frames that have one */
	uint16_t *mapcount; /* page table entries mapping this frame */
	/* page->_last_cpupid of the last NUMA hinting fault: 0 = none (the
	 * kernel's -1), else LAST_CPUPID_PACK(nid, pid) - see
	 * task/numa_balancing.h. Reset when the page is freed. */
	uint16_t *last_cpupid;
};

/* A doubly linked list of frames: head and tail pfns and a length. */
struct frame_list {
	pfn_t head, tail;
	uint64_t nr;
};

enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE,
	NR_LRU_LISTS
};

/* WMARK_PROMO: the high watermark plus one more gap, the free memory a
 * top-tier node keeps for promotions in tiering mode (pgdat_free_space_enough(),
 * kswapd's target there). */
enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

/* One CPU's page lists of a zone (struct per_cpu_pages): a list per
 * migratetype for each order up to PAGE_ALLOC_COSTLY_ORDER, then two for
 * the pageblock order (THP; one for all migratetypes before 6.10).
 * high_min == high_max before 6.7. */
#define PAGE_ALLOC_COSTLY_ORDER 3
#define NR_LOWORDER_PCP_LISTS (MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
#define NR_PCP_LISTS (NR_LOWORDER_PCP_LISTS + 2)
#define PCPF_PREV_FREE_HIGH_ORDER 1u /* the last free was of order 1-3 */
struct per_cpu_pages {
	uint32_t count; /* pages on the lists */
	uint32_t high, high_min, high_max, batch;
	uint32_t free_count; /* pages freed since the last allocation (6.7 on) */
	uint8_t alloc_factor, free_factor, flags;
	uint16_t expire; /* vmstat ticks before a remote pcp is drained */
	struct frame_list lists[NR_PCP_LISTS];
};

/* Models pindex_to_order(): the order of the blocks on pcp list pindex. */
static inline unsigned pindex_to_order(unsigned pindex)
{
	return pindex >= NR_LOWORDER_PCP_LISTS ? PAGEBLOCK_ORDER : pindex / MIGRATE_PCPTYPES;
}

struct zone {
	int node;
	enum zone_type type;
	int id; /* node * MAX_NR_ZONES + type */
	pfn_t start_pfn;
	uint64_t present_pages;	  /* = spanned: no holes */
	uint64_t managed_pages;	  /* pages handed to the buddy allocator */
	uint64_t nr_free;	  /* NR_FREE_PAGES: sum over free_area */
	uint64_t wmark[NR_WMARK]; /* _watermark[]: without the boost */
	/* watermark_boost: raised by fragmenting fallbacks (boost_watermark()),
	 * added to every watermark (wmark_pages()), paid back by kswapd */
	uint64_t watermark_boost;
	bool boosted_wake; /* ZONE_BOOSTED_WATERMARK: wake kswapd after this allocation */
	uint64_t lowmem_reserve[MAX_NR_ZONES];
	/* per-CPU page lists, one per CPU (sim.pcp=1; NULL otherwise) */
	struct per_cpu_pages *pcp;
	uint64_t pcp_pages; /* pages on this zone's pcp lists, every CPU */
	bool below_high;    /* ZONE_BELOW_HIGH (6.7 on) */
	/* free_area[order].free_list[migratetype] */
	struct frame_list free_area[NR_ORDERS][MIGRATE_PCPTYPES];
	/* LRU pages of this zone per list (NR_ZONE_INACTIVE_ANON..., kept by
	 * update_lru_size() in the kernel); the lists themselves are per node. */
	uint64_t nr_lru[NR_LRU_LISTS];
	/* vmstat per zone */
	uint64_t pgalloc, pgfree;
	/* compaction (mm/compaction.c): where kcompactd's scanners resume
	 * (compact_cached_migrate_pfn[], compact_cached_free_pfn; set the
	 * first time compaction runs there) and the deferral of failed orders */
	bool compact_cached;
	pfn_t compact_cached_migrate_pfn, compact_cached_free_pfn;
	unsigned compact_considered, compact_defer_shift, compact_order_failed;
};

/* Per-node page counters (enum node_stat_item), derived from list and
 * mapping operations, never set independently. */
enum node_stat_item {
	NR_ANON_MAPPED, /* anonymous pages (AnonPages) */
	NR_FILE_PAGES,	/* page cache pages (FilePages) */
	NR_FILE_MAPPED, /* page cache pages mapped by a pte (Mapped) */
	NR_FILE_DIRTY,
	NR_WRITEBACK,
	NR_SHMEM,
	NR_SLAB_RECLAIMABLE_B, /* slab pages (counted in pages here) */
	NR_SLAB_UNRECLAIMABLE_B,
	NR_KERNEL_MISC, /* other kernel allocations (kmalloc large, page tables) */
	NR_SWAPCACHE,
	NR_ISOLATED,
	NR_MLOCK,
	NR_HUGE_PAGES, /* pages in huge (order > 0) user mappings */
	NR_ANON_THPS,  /* transparent huge pages (nr_anon_transparent_hugepages), in huge pages */
	NR_NODE_STAT_ITEMS
};

/* numastat counters (enum numa_stat_item), per node as /sys/.../numastat. */
enum numa_stat_item {
	NUMA_HIT,
	NUMA_MISS,
	NUMA_FOREIGN,
	NUMA_INTERLEAVE_HIT,
	NUMA_LOCAL,
	NUMA_OTHER,
	NR_NUMA_STAT_ITEMS
};
extern const char *const numa_stat_names[NR_NUMA_STAT_ITEMS];

struct pglist_data {
	int id;
	pfn_t start_pfn;
	uint64_t spanned_pages;
	struct zone zones[MAX_NR_ZONES]; /* indexed by zone_type; present_pages 0 if absent */
	struct frame_list lru[NR_LRU_LISTS];
	uint64_t stat[NR_NODE_STAT_ITEMS];
	uint64_t numa_stat[NR_NUMA_STAT_ITEMS];
	/* The fallback zonelist (ZONELIST_FALLBACK): zones of node_order,
	 * highest zone type first within each node; only populated zones. */
	int nr_zonelist;
	struct zone **zonelist;
	/* ZONELIST_NOFALLBACK (__GFP_THISNODE): the first nr_thisnode_zones
	 * entries of zonelist, which are this node's own populated zones. */
	int nr_thisnode_zones;
	int nr_node_order;
	int *node_order;
	/* kswapd and node reclaim state (mm/vmscan.c) */
	bool kswapd_awake;
	/* the run's order and zones; asleep, those of its last sleep check,
	 * which the nap's end checks again */
	unsigned kswapd_order;
	int kswapd_highest_zoneidx;
	unsigned kswapd_failures;
	bool reclaim_locked;		 /* PGDAT_RECLAIM_LOCKED */
	uint64_t node_reclaim_failed_at; /* for the seed's zone_reclaim_interval */
	bool node_reclaim_failed;
	int kswapd_priority;	   /* balance_pgdat()'s sc.priority */
	uint64_t kswapd_reclaimed; /* reclaimed since this wakeup */
	/* memory tiering: the tiering events of this node (PGDEMOTE_* counted
	 * on the node demoted from, PGPROMOTE_* on the node promoted to, as
	 * the kernel's node_page_state()), indexed by PGDEMOTE_KSWAPD.. */
	uint64_t tier_stat[5]; /* NR_TIER_STAT */
	/* NUMA balancing's promotion rate limit and hot threshold
	 * (numa_promotion_rate_limit(), numa_promotion_adjust_threshold()) */
	uint64_t nbp_rl_start_ms, nbp_rl_nr_cand;
	uint64_t nbp_th_start_ms, nbp_th_nr_cand;
	uint64_t nbp_threshold_ms; /* 0: the default hot threshold */
	uint64_t kswapd_next_ns;   /* when its next balance_pgdat() batch runs */
	uint32_t kswapd_seq;	   /* which queued batch event is the live one */
	bool kswapd_fresh;	   /* woken, first batch not yet run */
	/* inside balance_pgdat(): from a run's first batch to its end */
	bool kswapd_in_run;
	/* the wakeups' request, the kernel's pgdat->kswapd_order and
	 * kswapd_highest_zoneidx (kswapd_req false: MAX_NR_ZONES, none),
	 * which kswapd() reads into kswapd_order and kswapd_highest_zoneidx,
	 * the run's, as a run starts */
	bool kswapd_req;
	unsigned kswapd_req_order;
	int kswapd_req_zoneidx;
	uint64_t kswapd_wake_delay; /* scheduler latency drawn at this wakeup */
	uint64_t kswapd_nap_end;    /* end of the HZ/10 nap after it last slept */
	uint32_t kswapd_nap_seq;    /* which queued nap end is the live one */
	/* sim.kswapd_shares_cpu: this run's kswapd shares the node's only
	 * CPU with the task that woke it (kswapd_cpu, task/eevdf.h), since
	 * kswapd_run_start */
	bool kswapd_cpu_shared;
	uint64_t kswapd_run_start;
	struct eevdf_share kswapd_cpu;
	struct eevdf_params kswapd_cpu_params;
	/* balance_pgdat()'s boost accounting: the zones' watermark_boost
	 * when the run began (zone_boosts[]), what is left to reclaim for
	 * them (nr_boost_reclaim; 0 = ordinary reclaim) */
	uint64_t kswapd_zone_boosts[MAX_NR_ZONES];
	uint64_t kswapd_boost_reclaim;
	/* kcompactd (mm/compaction.c): the order and zones asked of it
	 * (kcompactd_max_order, kcompactd_highest_zoneidx), and whether it
	 * is woken with its work queued */
	unsigned kcompactd_max_order;
	int kcompactd_highest_zoneidx;
	bool kcompactd_awake;	       /* woken: its work is queued now */
	uint32_t kcompactd_seq;	       /* which queued timeout is the live one */
	uint64_t kcompactd_wait_start; /* when it last began to wait */
};
#define TIER_STAT(item) ((item)-PGDEMOTE_KSWAPD)
#define NR_TIER_STAT (PGPROMOTE_CANDIDATE_NRL - PGDEMOTE_KSWAPD + 1)

/* vm events (enum vm_event_item) kept machine-wide. */
enum vm_event_item {
	PGALLOC,
	PGFREE,
	PGFAULT,
	PGMAJFAULT,
	PGSCAN_KSWAPD,
	PGSTEAL_KSWAPD,
	PGSCAN_DIRECT,
	PGSTEAL_DIRECT,
	PGACTIVATE,
	PGDEACTIVATE,
	PGREFILL,
	ZONE_RECLAIM_SUCCESS,
	ZONE_RECLAIM_FAILED,
	PGMIGRATE_SUCCESS,
	PGMIGRATE_FAIL,
	PSWPIN,
	PSWPOUT,
	OOM_KILL,
	ALLOCSTALL,
	KSWAPD_WAKE,
	PAGEOUTRUN,
	KSWAPD_LOW_WMARK_HIT_QUICKLY,
	KSWAPD_HIGH_WMARK_HIT_QUICKLY,
	PGPGIN,
	PGPGOUT,
	NUMA_PTE_UPDATES,
	NUMA_HINT_FAULTS,
	NUMA_HINT_FAULTS_LOCAL,
	NUMA_PAGES_MIGRATED,
	THP_FAULT_ALLOC,
	THP_FAULT_FALLBACK,
	THP_SPLIT_PAGE,
	THP_SPLIT_PMD,
	THP_MIGRATION_SUCCESS,
	THP_MIGRATION_FAIL,
	THP_MIGRATION_SPLIT,
	THP_SWPOUT_FALLBACK,
	THP_ZERO_PAGE_ALLOC,
	THP_ZERO_PAGE_ALLOC_FAILED,
	PGLAZYFREE,
	PGLAZYFREED,
	/* memory tiering (node_stat_items in Linux, summed machine-wide in
	 * /proc/vmstat; per node in struct pglist_data.tier_stat too) */
	PGDEMOTE_KSWAPD,
	PGDEMOTE_DIRECT,
	PGPROMOTE_SUCCESS,
	PGPROMOTE_CANDIDATE,
	PGPROMOTE_CANDIDATE_NRL,
	/* compaction (kcompactd's, the only compactor modelled) */
	COMPACTMIGRATE_SCANNED,
	COMPACTFREE_SCANNED,
	COMPACTISOLATED,
	COMPACTSTALL,
	COMPACTFAIL,
	COMPACTSUCCESS,
	KCOMPACTD_WAKE,
	KCOMPACTD_MIGRATE_SCANNED,
	KCOMPACTD_FREE_SCANNED,
	NR_VM_EVENT_ITEMS
};
extern const char *const vm_event_names[NR_VM_EVENT_ITEMS];

/* pfn -> zone (page_zone_id()): one 16-bit entry per section of
 * 2^PFN_SECTION_SHIFT frames (2 bytes per 512 frames). A section inside
 * one zone holds that zone's id. A section that a zone boundary crosses
 * (zones need not be section-aligned, and a tiny zone may end inside a
 * section) holds SECTION_MIXED | the index of the "span" (a populated
 * zone, in pfn order) holding its first pfn, and the lookup steps on
 * through the spans' ends from there. */
#define PFN_SECTION_SHIFT 9
#define SECTION_MIXED 0x8000u

struct mem {
	struct frames f;
	uint16_t *section_zone;
	pfn_t *span_end;     /* per span: its zone's end pfn (exclusive) */
	uint16_t *span_zone; /* per span: its zone id */
	int nr_spans;
	int nr_nodes;
	struct pglist_data *nodes; /* indexed by node id */
	uint64_t events[NR_VM_EVENT_ITEMS];
	uint64_t kswapd_caller_ns; /* the caller's clock at the last kswapd_catch_up() */
	uint64_t totalram_pages;
	/* get_pageblock_migratetype(): one enum migratetype per pageblock
	 * (pfn >> PAGEBLOCK_ORDER), as the kernel's pageblock_flags bitmap */
	uint8_t *pageblock_mt;
	uint64_t nr_pageblocks;
	/* fallbacks into another migratetype's pageblock
	 * (trace_mm_page_alloc_extfrag events) */
	uint64_t extfrag_events;
	/* PG_migrate_skip: one byte per pageblock, set when compaction found
	 * nothing to isolate in it (get_pageblock_skip()) */
	uint8_t *pageblock_skip;
	/* the pages compaction migrated and failed to (what the kernel's
	 * mm_migrate_pages events with reason MR_COMPACTION count; they are
	 * in pgmigrate_success and pgmigrate_fail too) */
	uint64_t compact_migrated, compact_migrate_failed;
	pfn_t huge_zero_pfn; /* the huge zero page, NOPFN until a read fault wants it */
};

/* Models wmark_pages(): a watermark plus the zone's boost. */
static inline uint64_t wmark_pages(const struct zone *z, int i)
{
	return z->wmark[i] + z->watermark_boost;
}

static inline unsigned get_pageblock_migratetype(const struct mem *m, pfn_t pfn)
{
	return m->pageblock_mt[pfn >> PAGEBLOCK_ORDER];
}

static inline struct zone *mem_zone_by_id(struct mem *m, unsigned id)
{
	return &m->nodes[id / MAX_NR_ZONES].zones[id % MAX_NR_ZONES];
}

/* The global zone id of frame pfn (< f.nr): node * MAX_NR_ZONES + type. */
static inline unsigned pfn_zone_id(const struct mem *m, pfn_t pfn)
{
	unsigned v = m->section_zone[pfn >> PFN_SECTION_SHIFT];

	if (__builtin_expect(!(v & SECTION_MIXED), 1))
		return v;
	v &= ~SECTION_MIXED;
	while (pfn >= m->span_end[v])
		v++;
	return m->span_zone[v];
}

static inline struct zone *page_zone(struct mem *m, pfn_t pfn)
{
	return mem_zone_by_id(m, pfn_zone_id(m, pfn));
}

static inline int pfn_to_nid(const struct mem *m, pfn_t pfn)
{
	return (int)(pfn_zone_id(m, pfn) / MAX_NR_ZONES);
}

static inline bool zone_populated(const struct zone *z)
{
	return z->managed_pages > 0;
}

/*
 * List primitives over frames.next/prev (list_add, list_add_tail,
 * list_del). Inline: they are the allocator's hot path. A frame off every
 * list has next == prev == NOPFN only by convention; membership is told by
 * PG_buddy / PG_lru, not by the links. Debug and sanitizer builds
 * assert that a frame exists and that a frame removed at an end of a
 * list is that end (core/debug.h).
 */
static inline void flist_init(struct frame_list *l)
{
	l->head = l->tail = NOPFN;
	l->nr = 0;
}

static inline void flist_add_head(struct frames *f, struct frame_list *l, pfn_t pfn)
{
	SIM_ASSERT(pfn < f->nr && (l->head == NOPFN) == (l->nr == 0));
	f->prev[pfn] = NOPFN;
	f->next[pfn] = l->head;
	if (l->head != NOPFN)
		f->prev[l->head] = pfn;
	else
		l->tail = pfn;
	l->head = pfn;
	l->nr++;
}

static inline void flist_add_tail(struct frames *f, struct frame_list *l, pfn_t pfn)
{
	SIM_ASSERT(pfn < f->nr && (l->tail == NOPFN) == (l->nr == 0));
	f->next[pfn] = NOPFN;
	f->prev[pfn] = l->tail;
	if (l->tail != NOPFN)
		f->next[l->tail] = pfn;
	else
		l->head = pfn;
	l->tail = pfn;
	l->nr++;
}

static inline void flist_del(struct frames *f, struct frame_list *l, pfn_t pfn)
{
	pfn_t n = f->next[pfn], p = f->prev[pfn];

	SIM_ASSERT(pfn < f->nr && l->nr > 0);
	SIM_ASSERT(p != NOPFN || l->head == pfn);
	SIM_ASSERT(n != NOPFN || l->tail == pfn);
	if (p != NOPFN)
		f->next[p] = n;
	else
		l->head = n;
	if (n != NOPFN)
		f->prev[n] = p;
	else
		l->tail = p;
	f->next[pfn] = f->prev[pfn] = NOPFN;
	l->nr--;
}

static inline unsigned frame_order(const struct frames *f, pfn_t pfn)
{
	return (f->flags[pfn] & PG_ORDER_MASK) >> PG_ORDER_SHIFT;
}

/*
 * The flag tests, one a flag, named as the kernel's folio_test_*()
 * (TESTPAGEFLAG() in include/linux/page-flags.h): page_test_lru(f, pfn)
 * tests PG_lru, page_test_dirty(f, pfn) PG_dirty, and so on. The flags
 * are set and cleared through mm/internal.h.
 */
#define PAGE_TEST_FLAG(name)                                                   \
	static inline bool page_test_##name(const struct frames *f, pfn_t pfn) \
	{                                                                      \
		return f->flags[pfn] & PG_##name;                              \
	}
PAGE_TEST_FLAG(buddy)
PAGE_TEST_FLAG(lru)
PAGE_TEST_FLAG(active)
PAGE_TEST_FLAG(referenced)
PAGE_TEST_FLAG(dirty)
PAGE_TEST_FLAG(writeback)
PAGE_TEST_FLAG(anon)
PAGE_TEST_FLAG(swapcache)
PAGE_TEST_FLAG(unevictable)
PAGE_TEST_FLAG(mlocked)
PAGE_TEST_FLAG(slab)
PAGE_TEST_FLAG(isolated)
PAGE_TEST_FLAG(locked)
PAGE_TEST_FLAG(head)
PAGE_TEST_FLAG(workingset)
PAGE_TEST_FLAG(pinned)
PAGE_TEST_FLAG(file)
PAGE_TEST_FLAG(kernel)
PAGE_TEST_FLAG(huge)
PAGE_TEST_FLAG(swapbacked)
PAGE_TEST_FLAG(transhuge)
PAGE_TEST_FLAG(pcp)
#undef PAGE_TEST_FLAG

#endif
