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
 * Not modelled (docs/model.md says why): per-migratetype free lists and
 * their fallbacks, per-CPU page lists, compaction, watermark boosting,
 * highatomic reserves.
 */
#include "mm/page_alloc.h"
#include "mm/huge_memory.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mm/vmscan.h"
#include "sim.h"

/* Internal allocation flags (mm/internal.h ALLOC_*). */
enum {
	ALLOC_WMARK_MIN = WMARK_MIN,
	ALLOC_WMARK_LOW = WMARK_LOW,
	ALLOC_WMARK_HIGH = WMARK_HIGH,
	ALLOC_NO_WATERMARKS = 0x04,
	ALLOC_WMARK_MASK = ALLOC_NO_WATERMARKS - 1,
	ALLOC_HARDER = 0x10,
	ALLOC_HIGH = 0x20,
	ALLOC_CPUSET = 0x40,
	ALLOC_KSWAPD = 0x800,
};

#define PAGE_ALLOC_COSTLY_ORDER 3
#define MAX_RECLAIM_RETRIES 16
#define RECLAIM_DISTANCE 30             /* node_reclaim_distance default */
/* The kernel loops forever for __GFP_NOFAIL and while the OOM killer
 * makes progress; a simulator must end, so these loops are bounded. */
#define SLOWPATH_MAX_LOOPS 4096

static const char *const zone_type_names[MAX_NR_ZONES] = {
	"DMA", "DMA32", "Normal", "Movable"
};

/* struct alloc_context plus what the slow path keeps between attempts. */
struct alloc_ctx {
	struct pglist_data *pgdat;     /* owner of the zonelist walked */
	struct zone **zl;              /* the zonelist */
	int nr_zl;
	int preferred;                 /* index of preferred_zoneref, -1 = none */
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

static inline void set_buddy_order(struct frames *f, pfn_t pfn, unsigned order)
{
	f->flags[pfn] = (f->flags[pfn] & ~PG_ORDER_MASK) | PG_buddy |
			(order << PG_ORDER_SHIFT);
}

static inline void del_page_from_free_list(struct frames *f, struct zone *z,
					   pfn_t pfn, unsigned order)
{
	flist_del(f, &z->free_area[order], pfn);
	f->flags[pfn] &= ~(PG_buddy | PG_ORDER_MASK);
}

/* Models page_is_buddy(): buddy is the head of a free block of the same
 * order in the same zone. */
static inline bool page_is_buddy(const struct mem *m, pfn_t buddy, unsigned order,
				 uint16_t zone_id)
{
	if (buddy >= m->f.nr)
		return false;
	uint32_t fl = m->f.flags[buddy];

	return (fl & PG_buddy) && ((fl & PG_ORDER_MASK) >> PG_ORDER_SHIFT) == order &&
	       m->f.zone[buddy] == zone_id;
}

/* Models expand(): split a 2^high block at pfn down to 2^low, putting the
 * upper halves on the free lists and keeping the lowest part. */
static inline void expand(struct frames *f, struct zone *z, pfn_t pfn,
			  unsigned low, unsigned high)
{
	while (high > low) {
		high--;
		pfn_t upper = pfn + (1u << high);

		flist_add_head(f, &z->free_area[high], upper);
		f->flags[upper] = PG_buddy | (high << PG_ORDER_SHIFT);
	}
}

/* Models __rmqueue_smallest(): the smallest free block of order >= order,
 * taken from the head of its list. */
static inline pfn_t rmqueue_smallest(struct frames *f, struct zone *z, unsigned order)
{
	for (unsigned o = order; o <= MAX_ORDER; o++) {
		pfn_t pfn = z->free_area[o].head;

		if (pfn == NOPFN)
			continue;
		del_page_from_free_list(f, z, pfn, o);
		expand(f, z, pfn, order, o);
		z->nr_free -= 1u << order;
		return pfn;
	}
	return NOPFN;
}

/* Models buddy_merge_likely(): if the block one order up could merge too,
 * the freed block goes to the list tail so it stays free longer. */
static inline bool buddy_merge_likely(const struct mem *m, pfn_t pfn, unsigned order,
				      uint16_t zone_id)
{
	if (order >= MAX_ORDER - 1)
		return false;
	pfn_t higher = pfn & ~(1u << order);

	return page_is_buddy(m, higher ^ (1u << (order + 1)), order + 1, zone_id);
}

/* Models __free_one_page(): merge with free buddies while possible. */
static inline void free_one_page(struct mem *m, struct zone *z, pfn_t pfn,
				 unsigned order, bool to_tail)
{
	struct frames *f = &m->f;
	uint16_t zid = (uint16_t)z->id;

	z->nr_free += 1u << order;
	while (order < MAX_ORDER) {
		pfn_t buddy = pfn ^ (1u << order);

		if (!page_is_buddy(m, buddy, order, zid))
			break;
		del_page_from_free_list(f, z, buddy, order);
		pfn &= buddy;
		order++;
	}
	set_buddy_order(f, pfn, order);
	if (to_tail || buddy_merge_likely(m, pfn, order, zid))
		flist_add_tail(f, &z->free_area[order], pfn);
	else
		flist_add_head(f, &z->free_area[order], pfn);
}

/* Models __free_pages() / __free_pages_ok(). */
void free_pages(struct sim *s, pfn_t pfn, unsigned order)
{
	struct mem *m = &s->mem;
	struct zone *z = page_zone(m, pfn);

	/* free_pages_prepare(): the head forgets what it was. */
	m->f.flags[pfn] = 0;
	m->f.mapping[pfn] = 0;
	m->f.mapcount[pfn] = 0;
	m->f.private[pfn] = 0;
	m->f.last_cpupid[pfn] = 0;   /* page_cpupid_reset_last() */
	free_one_page(m, z, pfn, order, false);
	z->pgfree += 1u << order;
	m->events[PGFREE] += 1u << order;
}

/* ------------------------------------------------------------------ */
/* watermarks                                                          */

/* Models __zone_watermark_ok(): free_pages is passed in so
 * should_reclaim_retry() can ask "if everything reclaimable were free". */
static bool __zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
				int highest_zoneidx, unsigned alloc_flags,
				int64_t free_pages)
{
	int64_t min = (int64_t)mark;

	free_pages -= (int64_t)(1u << order) - 1;
	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (alloc_flags & ALLOC_HARDER)
		min -= min / 4;
	if (free_pages <= min + (int64_t)z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	for (unsigned o = order; o <= MAX_ORDER; o++)
		if (z->free_area[o].nr)
			return true;
	return false;
}

bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
		       int highest_zoneidx)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, 0,
				   (int64_t)z->nr_free);
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
			uint64_t min = lowmem_pages ? pages_min * z->managed_pages / lowmem_pages : 0;
			uint64_t gap = mult_frac(z->managed_pages, wsf, 10000);

			if (min >> 2 > gap)
				gap = min >> 2;
			z->wmark[WMARK_MIN] = min;
			z->wmark[WMARK_LOW] = min + gap;
			z->wmark[WMARK_HIGH] = min + 2 * gap;
			z->wmark[WMARK_PROMO] = min + 3 * gap;
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

void setup_per_zone_wmarks(struct sim *s)
{
	setup_wmarks(s);
	setup_lowmem_reserve(s);
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
			pg->nr_zonelist += add_node_zones(&m->nodes[node], pg->zonelist + pg->nr_zonelist);
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
static int node_zone_bytes(const struct topo_node *tn, uint64_t out[MAX_NR_ZONES],
			   struct nerr *err)
{
	uint64_t sum = 0;

	for (int t = 0; t < MAX_NR_ZONES; t++)
		sum += out[t] = tn->zone_bytes[t];
	if (sum == 0) {
		out[ZONE_NORMAL] = tn->memory_bytes;
		return 0;
	}
	if (sum != tn->memory_bytes)
		return nerr_set(err, "node %d: zones sum to %llu bytes but memory is %llu",
				tn->id, (unsigned long long)sum,
				(unsigned long long)tn->memory_bytes);
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
	f->private = frame_array(nr, sizeof(uint32_t));
	f->mapcount = frame_array(nr, sizeof(uint16_t));
	f->zone = frame_array(nr, sizeof(uint16_t));
	f->last_cpupid = frame_array(nr, sizeof(uint16_t));
	if (!f->next || !f->prev || !f->flags || !f->mapping || !f->index || !f->private ||
	    !f->mapcount || !f->zone || !f->last_cpupid)
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
	frame_array_free(f->private, f->nr, sizeof(uint32_t));
	frame_array_free(f->mapcount, f->nr, sizeof(uint16_t));
	frame_array_free(f->zone, f->nr, sizeof(uint16_t));
	frame_array_free(f->last_cpupid, f->nr, sizeof(uint16_t));
}

/* Models memmap_init() for one zone: every frame learns its zone. */
static void init_zone_frames(struct frames *f, const struct zone *z)
{
	uint16_t id = (uint16_t)z->id;
	uint16_t *zp = f->zone + z->start_pfn;

	for (uint64_t i = 0; i < z->present_pages; i++)
		zp[i] = id;
}

/* Models memblock_free_all() -> __free_pages_memory(): the zone's
 * managed pages go to the buddy lists as the largest naturally aligned
 * blocks that fit, each freed to the list tail (FPI_TO_TAIL) like
 * __free_pages_core(); the pages held at boot are the zone's top ones
 * and are never freed. */
static void free_zone_memory(struct mem *m, struct zone *z)
{
	uint64_t pfn = z->start_pfn, end = z->start_pfn + z->managed_pages;

	while (pfn < end) {
		unsigned order = pfn ? (unsigned)__builtin_ctzll(pfn) : MAX_ORDER;

		if (order > MAX_ORDER)
			order = MAX_ORDER;
		while (pfn + (1ULL << order) > end)
			order--;
		free_one_page(m, z, (pfn_t)pfn, order, true);
		pfn += 1ULL << order;
	}
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
			z->managed_pages = z->present_pages;
			for (int o = 0; o <= MAX_ORDER; o++)
				flist_init(&z->free_area[o]);
			pfn += z->present_pages;
		}
		pg->spanned_pages = pfn - pg->start_pfn;
		for (int l = 0; l < NR_LRU_LISTS; l++)
			flist_init(&pg->lru[l]);
		if (pfn >= NOPFN)
			return nerr_set(err, "topology too large: more than %u frames",
					(unsigned)NOPFN - 1);
	}
	return alloc_frames(&m->f, pfn, err);
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
		uint64_t per_section = ((section >> s->topo->page_shift) * struct_page +
					s->topo->page_size - 1) >> s->topo->page_shift;
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
	if (layout_nodes(s, err))
		goto fail;
	if (tun(&s->tun, TUN_SIM_BOOT_MEMMAP))
		reserve_boot_memory(s);
	for (int n = 0; n < m->nr_nodes; n++) {
		for (int ty = 0; ty < MAX_NR_ZONES; ty++) {
			struct zone *z = &m->nodes[n].zones[ty];

			init_zone_frames(&m->f, z);
			free_zone_memory(m, z);
			m->totalram_pages += z->managed_pages;
		}
	}
	if (build_zonelists(s, err))
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
	return 0;
fail:
	mem_free(m);
	return -1;
}

void mem_free(struct mem *m)
{
	free_frames(&m->f);
	for (int n = 0; m->nodes && n < m->nr_nodes; n++) {
		free(m->nodes[n].zonelist);
		free(m->nodes[n].node_order);
	}
	free(m->nodes);
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
	return 6 * sizeof(uint32_t) + 3 * sizeof(uint16_t);
}

/* ------------------------------------------------------------------ */
/* the allocation path                                                 */

static inline bool zone_in_mask(const struct zone *z, const nodemask_t *mask)
{
	return !mask || node_isset(mask, z->node);
}

/* Models __cpuset_zone_allowed(): hardwall requests stay in the task's
 * cpuset; others may use the nearest hardwall ancestor's mems. */
static inline bool cpuset_zone_allowed(const struct alloc_ctx *ac, const struct zone *z,
				       gfp_t gfp)
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

/* Models rmqueue() + prep_new_page(). */
static inline pfn_t rmqueue(struct sim *s, const struct zone *preferred, struct zone *z,
			    unsigned order, int local_nid)
{
	struct frames *f = &s->mem.f;
	pfn_t pfn = rmqueue_smallest(f, z, order);

	if (pfn == NOPFN)
		return NOPFN;
	if (order)
		f->flags[pfn] = PG_head | (order << PG_ORDER_SHIFT);
	z->pgalloc += 1u << order;
	s->mem.events[PGALLOC] += 1u << order;
	zone_statistics(s, preferred, z, local_nid);
	return pfn;
}

/* The free count is left out so that one narration covers the many
 * allocations of a record that meet the same full zone. */
static void explain_low(struct sim *s, const struct zone *z, unsigned order,
			uint64_t mark, const char *what)
{
	sim_explain(s, "    alloc order-%u: node %d %s has no more than its watermark of %llu free pages "
		    "(+reserve): %s\n", order, z->node, zone_type_names[z->type],
		    (unsigned long long)mark, what);
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
			"NOSCAN: not scanned (mode 0, another node with CPUs, or already reclaiming)",
			"FULL: too little reclaimable page cache (min_unmapped_ratio) or nothing freed",
			"SOME: freed pages, not enough", "SUCCESS: freed enough to allocate here",
		};

		sim_explain(s, "    node %d is low: node reclaim (vm.zone_reclaim_mode=%lld) -> %s\n",
			    z->node, (long long)tun(&s->tun, TUN_ZONE_RECLAIM_MODE),
			    what[ret - NODE_RECLAIM_NOSCAN]);
	}
	if (ret == NODE_RECLAIM_NOSCAN || ret == NODE_RECLAIM_FULL)
		return false;
	return __zone_watermark_ok(z, req->order, mark, ac->highest_zoneidx, alloc_flags,
				   (int64_t)z->nr_free);
}

/* Models get_page_from_freelist(): the first zone of the zonelist, from
 * the preferred one on, that passes the watermark (or reclaims enough). */
static pfn_t get_page_from_freelist(struct sim *s, struct alloc_req *req,
				    const struct alloc_ctx *ac, gfp_t gfp,
				    unsigned alloc_flags)
{
	unsigned order = req->order;

	if (ac->preferred < 0)
		return NOPFN;
	const struct zone *pref = ac->zl[ac->preferred];

	for (int i = ac->preferred; i < ac->nr_zl; i++) {
		struct zone *z = ac->zl[i];

		if (!zone_eligible(ac, z))
			continue;
		if ((alloc_flags & ALLOC_CPUSET) && !cpuset_zone_allowed(ac, z, gfp))
			continue;
		if (!(alloc_flags & ALLOC_NO_WATERMARKS)) {
			uint64_t mark = z->wmark[alloc_flags & ALLOC_WMARK_MASK];

			if (!__zone_watermark_ok(z, order, mark, ac->highest_zoneidx,
						 alloc_flags, (int64_t)z->nr_free) &&
			    !try_node_reclaim(s, req, ac, z, mark, alloc_flags)) {
				if (s->explain)
					explain_low(s, z, order, mark, "next zone");
				continue;
			}
		}
		pfn_t pfn = rmqueue(s, pref, z, order, req->local_nid);

		if (pfn != NOPFN) {
			if (s->explain && z->node != pref->node)
				sim_explain(s, "    alloc order-%u: fell back from node %d to node %d\n",
					    order, pref->node, z->node);
			return pfn;
		}
	}
	return NOPFN;
}

/* Models prepare_alloc_pages(). With a cpuset and no policy nodemask the
 * fast path uses the cpuset's mems as nodemask; otherwise ALLOC_CPUSET. */
static void prepare_alloc_pages(struct sim *s, const struct alloc_req *req,
				struct alloc_ctx *ac, gfp_t *alloc_gfp, unsigned *alloc_flags)
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
		flags |= ALLOC_HIGH;
	if (gfp & __GFP_KSWAPD_RECLAIM)
		flags |= ALLOC_KSWAPD;
	return flags;
}

/* Models wake_all_kswapds(): once per node of the eligible zonelist. */
static void wake_all_kswapds(struct sim *s, const struct alloc_req *req,
			     const struct alloc_ctx *ac)
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
				 const struct alloc_ctx *ac, unsigned alloc_flags,
				 bool progress, int *no_progress_loops)
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

		if (__zone_watermark_ok(z, req->order, z->wmark[WMARK_MIN], ac->highest_zoneidx,
					alloc_flags, available))
			return true;
	}
	return false;
}

/* Models __alloc_pages_may_oom(). Sets *progress when a victim died. */
static pfn_t alloc_pages_may_oom(struct sim *s, struct alloc_req *req,
				 const struct alloc_ctx *ac, bool *progress)
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
		if (gfp & __GFP_NOFAIL) {
			pfn = get_page_from_freelist(s, req, ac, gfp,
						     ALLOC_NO_WATERMARKS | ALLOC_CPUSET);
			if (pfn == NOPFN)
				pfn = get_page_from_freelist(s, req, ac, gfp, ALLOC_NO_WATERMARKS);
		}
	}
	return pfn;
}

/* Models __alloc_pages_direct_reclaim(). */
static pfn_t alloc_pages_direct_reclaim(struct sim *s, struct alloc_req *req,
					const struct alloc_ctx *ac, unsigned alloc_flags,
					uint64_t *progress)
{
	*progress = try_to_free_pages(s, req);
	if (!*progress)
		return NOPFN;
	return get_page_from_freelist(s, req, ac, req->gfp, alloc_flags);
}

/* The part of __alloc_pages_slowpath() from the `retry:` label on. */
static pfn_t slowpath_retry_loop(struct sim *s, struct alloc_req *req,
				 struct alloc_ctx *ac, unsigned alloc_flags)
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
	/* nopage: a __GFP_NOFAIL request may dip below min (ALLOC_HARDER). */
	if ((gfp & __GFP_NOFAIL) && (gfp & __GFP_DIRECT_RECLAIM)) {
		pfn_t pfn = get_page_from_freelist(s, req, ac, gfp, ALLOC_HARDER | ALLOC_CPUSET);

		return pfn != NOPFN ? pfn : get_page_from_freelist(s, req, ac, gfp, ALLOC_HARDER);
	}
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
		sim_explain(s, "    alloc order-%u: fast path failed on node %d's zonelist, slow path\n",
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
	pfn = get_page_from_freelist(s, req, &ac, alloc_gfp, alloc_flags);
	if (pfn != NOPFN)
		return pfn;
	ac.nodemask = req->nodemask;
	pfn = alloc_pages_slowpath(s, req, &ac);
	if (pfn == NOPFN && !req->fail_reason) {
		req->fail_reason = (req->gfp & __GFP_THISNODE) ? ALLOC_FAIL_THISNODE
							      : ALLOC_FAIL_NOMEM;
		if (s->explain)
			sim_explain(s, "    alloc order-%u from node %d failed%s\n", req->order,
				    req->preferred_nid,
				    (req->gfp & __GFP_THISNODE) ? " (__GFP_THISNODE)" : "");
	}
	return pfn;
}

/* Models alloc_pages_node(): nid < 0 (NUMA_NO_NODE) means the local node. */
pfn_t alloc_pages_node(struct sim *s, int nid, gfp_t gfp, unsigned order, int local_nid)
{
	struct alloc_req req = {
		.gfp = gfp, .order = order,
		.preferred_nid = nid < 0 ? local_nid : nid,
		.local_nid = local_nid,
	};

	return alloc_pages_req(s, &req);
}
