/*
 * page_alloc.h - the zoned buddy allocator (mm/page_alloc.c).
 *
 * Allocation follows __alloc_pages(): get_page_from_freelist() walks the
 * zonelist of the preferred node against the low watermark (fast path);
 * the slow path wakes kswapd on the nodes of the zonelist, retries
 * against the min watermark, then calls the reclaim hooks of vmscan.h
 * (direct reclaim) and finally the OOM killer. Node reclaim
 * (zone_reclaim_mode) is tried from the fast path as the kernel does.
 */
#ifndef NUMASIM_MM_PAGE_ALLOC_H
#define NUMASIM_MM_PAGE_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/bitmap.h"
#include "mm/mmzone.h"

struct sim;

/* GFP flags that matter to the model (include/linux/gfp_types.h). */
typedef uint32_t gfp_t;
enum {
	__GFP_DMA = 1u << 0,
	__GFP_DMA32 = 1u << 1,
	__GFP_MOVABLE = 1u << 2,
	__GFP_RECLAIMABLE = 1u << 3,
	__GFP_HIGH = 1u << 4,
	__GFP_IO = 1u << 5,
	__GFP_FS = 1u << 6,
	__GFP_ZERO = 1u << 7,
	__GFP_DIRECT_RECLAIM = 1u << 8,
	__GFP_KSWAPD_RECLAIM = 1u << 9,
	__GFP_HARDWALL = 1u << 10,
	__GFP_THISNODE = 1u << 11,
	__GFP_NOWARN = 1u << 12,
	__GFP_NORETRY = 1u << 13,
	__GFP_NOFAIL = 1u << 14,
	__GFP_COMP = 1u << 15,
	__GFP_HIGHMEM = 1u << 16, /* with __GFP_MOVABLE selects ZONE_MOVABLE */
};
#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_USER (GFP_KERNEL | __GFP_HARDWALL)
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)
#define GFP_TRANSHUGE_LIGHT \
	(GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOWARN) /* minus reclaim bits, see gfp_types.h */

/* The highest zone an allocation may use (gfp_zone()). */
enum zone_type gfp_zone(gfp_t gfp);

/*
 * One allocation request: what the kernel passes down in struct
 * alloc_context plus the context that numa_node_id() and current give it.
 */
struct alloc_req {
	gfp_t gfp;
	unsigned order;
	int preferred_nid;	       /* whose zonelist is walked */
	const nodemask_t *nodemask;    /* policy nodes, NULL = any */
	const nodemask_t *cpuset_mems; /* the caller's cpuset mems_allowed, NULL = all */
	/* mems of the nearest mem_exclusive/hardwall ancestor cpuset, which
	 * bounds !__GFP_HARDWALL requests in the slow path; NULL = all nodes */
	const nodemask_t *cpuset_softwall_mems;
	int local_nid; /* numa_node_id() of the asking CPU */
	/* outputs */
	uint64_t stall_ns; /* time spent in direct or node reclaim */
	int fail_reason;   /* 0, or why NOPFN came back (ALLOC_FAIL_*) */
};
enum { ALLOC_FAIL_NOMEM = 1, ALLOC_FAIL_THISNODE = 2, ALLOC_FAIL_OOM_KILLED_SELF = 3 };

/* Models __alloc_pages(): returns the first pfn of a 2^order block, or NOPFN. */
pfn_t alloc_pages_req(struct sim *s, struct alloc_req *req);
/*
 * A run of order-0 allocations with one request, the way the kernel's
 * __alloc_pages_bulk() prepares once for many pages: the zonelist, the
 * preferred zone and the alloc flags are worked out by
 * alloc_batch_init(), then alloc_batch_page() walks the zonelist and
 * takes each page (from a per-CPU list, else the buddy lists of the
 * request's migratetype) exactly as alloc_pages_req() would, as long as
 * that is provably what alloc_pages_req() would do: a zone passes its
 * watermark, the zones before it fail theirs without node reclaim, the
 * page is there without a migratetype fallback or a per-CPU list
 * refill, no boost is pending. Otherwise it returns NOPFN having changed
 * nothing alloc_pages_req() would not change the same way, and the
 * caller takes that page through alloc_pages_req(). The PGALLOC event,
 * the zones' pgalloc and numastat are counted by alloc_batch_flush(),
 * which must run before anything else allocates or reads them.
 */
struct alloc_batch {
	struct zone *const *zl; /* the preferred node's zonelist */
	int nr_zl, preferred;	/* its length, the preferred zone's index */
	const nodemask_t *nodemask, *cpuset_mems, *softwall_mems;
	gfp_t gfp;
	unsigned alloc_flags;
	int highest_zoneidx;
	unsigned mt;
	int local_nid;
	struct zone *z;	   /* the zone of the pages taken since the last flush */
	uint64_t taken;	   /* how many */
	struct zone *last; /* the zone of the last page taken */
};
/* false: the request has no batch form (the caller uses alloc_pages_req()). */
bool alloc_batch_init(struct sim *s, const struct alloc_req *req, struct alloc_batch *b);
pfn_t alloc_batch_page(struct sim *s, struct alloc_batch *b);
/* Up to n pages into pfns[] as n alloc_batch_page() calls, all from one
 * zone (*zone): stops early where the next page would come from another
 * zone or would not be taken. Returns how many. */
uint64_t alloc_batch_pages(struct sim *s, struct alloc_batch *b, pfn_t *pfns, uint64_t n,
			   struct zone **zone);
void alloc_batch_flush(struct sim *s, struct alloc_batch *b);
/* Models alloc_pages_node(): the given node's zonelist, local CPU = local_nid. */
pfn_t alloc_pages_node(struct sim *s, int nid, gfp_t gfp, unsigned order, int local_nid);
/* Models __free_pages(): returns a block to its zone and merges buddies.
 * pfn is the block's first frame (the kernel's struct page *; its
 * free_pages() takes a virtual address and has no counterpart here). */
void __free_pages(struct sim *s, pfn_t pfn, unsigned order);
/* Models drain_local_pages(zone) (all_cpus false: the CPU kernel work on
 * the zone's node uses) and drain_all_pages(zone). */
void drain_zone_pages(struct sim *s, struct zone *z, bool all_cpus);
/* Models __isolate_free_page() for compaction: takes the free block at
 * pfn (a PG_buddy head) off the buddy lists as bare frames, if the zone
 * keeps its min watermark; returns its pages, or 0. */
uint64_t isolate_free_page(struct sim *s, pfn_t pfn);

/* Builds frames, zones, zonelists and watermarks for the topology. */
int mem_init(struct sim *s, struct nerr *err);
void mem_free(struct mem *m);
/* Recomputes watermarks and lowmem_reserve (after a sysctl change).
 * Models __setup_per_zone_wmarks() and setup_per_zone_lowmem_reserve(). */
void setup_per_zone_wmarks(struct sim *s);
/* nr_free_buffer_pages(): managed pages above the high watermark of the
 * zones up to ZONE_NORMAL. */
uint64_t nr_free_buffer_pages(const struct sim *s);
/* Models calculate_min_free_kbytes() (the value, not its assignment). */
uint64_t calculate_min_free_kbytes(const struct sim *s);

/* zone_watermark_ok(): free pages above mark + lowmem_reserve for order. */
bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark, int highest_zoneidx);
uint64_t node_free_pages(const struct pglist_data *pgdat);
uint64_t node_present_pages(const struct pglist_data *pgdat);

/* Free-page bookkeeping check for --check: 0 or -1 with a diagnostic. */
int page_alloc_check(struct sim *s, struct nerr *err);

/* Host bytes of frame metadata per simulated frame (for bench/report). */
unsigned frame_bytes_per_page(void);

#endif
