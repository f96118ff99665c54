/*
 * test_page_alloc.c - the buddy allocator, watermarks, zonelists and the
 * allocation path (sim/mm/page_alloc.c), against values worked out by
 * hand from the kernel's formulas.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mm/page_alloc.h"
#include "mm/vmscan.h"
#include "sim_fixture.h"
#include "task/pgtable.h"

/* The buddy tests allocate movable pages, the migratetype every
 * pageblock has at boot, so the split and merge arithmetic is that of
 * one free list per order (test_migratetype_fallback covers the rest). */
#define GFP_MOVABLE_KERNEL (GFP_KERNEL | __GFP_MOVABLE)

/* Free blocks of an order over every migratetype, and the head of the
 * first non-empty list (these tests allocate one migratetype). */
static uint64_t fa_nr(const struct zone *z, unsigned o)
{
	uint64_t n = 0;

	for (unsigned mt = 0; mt < MIGRATE_PCPTYPES; mt++)
		n += z->free_area[o][mt].nr;
	return n;
}

static pfn_t fa_head(const struct zone *z, unsigned o)
{
	for (unsigned mt = 0; mt < MIGRATE_PCPTYPES; mt++)
		if (z->free_area[o][mt].head != NOPFN)
			return z->free_area[o][mt].head;
	return NOPFN;
}

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static struct sim *make_sim(struct topology *t, struct tunables *tun)
{
	struct tunables def;

	if (!tun) {
		/* The watermark arithmetic here is calculate_min_free_kbytes()'s:
		 * THP off, so nothing raises it (test_huge_memory.c tests that). */
		tunables_init(&def);
		def.v[TUN_THP_ENABLED] = THP_NEVER;
		tun = &def;
	}
	return fx_sim_create(t, tun);
}

static struct zone *normal(struct sim *s, int nid)
{
	return &s->mem.nodes[nid].zones[ZONE_NORMAL];
}

/* ---- buddy ------------------------------------------------------- */

/* A 16-page zone with watermarks at 0 so the buddy rules alone decide. */
static struct sim *sim16(struct topology **tp)
{
	uint64_t mem = 16 * 4096;
	struct tunables tun;
	struct nerr err;

	*tp = fixture_topo(1, &mem, NULL, NULL, 1);
	tunables_init(&tun);
	assert_int_equal(tunable_set(&tun, TUN_MIN_FREE_KBYTES, "0", &err), 0);
	assert_int_equal(tunable_set(&tun, TUN_WATERMARK_SCALE_FACTOR, "1", &err), 0);
	return make_sim(*tp, &tun);
}

static void test_buddy_split_and_merge(void **state)
{
	struct topology *t;
	struct sim *s = sim16(&t);
	struct zone *z = normal(s, 0);

	/* Boot: one order-4 block at pfn 0. */
	assert_int_equal(fa_nr(z, 4), 1);
	assert_int_equal(fa_head(z, 4), 0);
	assert_int_equal(z->wmark[WMARK_LOW], 0);
	assert_true(zone_watermark_ok(z, 4, 0, ZONE_NORMAL));
	/* order 5: free - 31 = -15 is not above 0 */
	assert_false(zone_watermark_ok(z, 5, 0, ZONE_NORMAL));

	/* Order 0 splits 16 -> 8+4+2+1+1: pfn 0 is ours, the upper halves
	 * 8, 4, 2, 1 land on the order 3, 2, 1, 0 lists. */
	pfn_t p0 = alloc_pages_node(s, 0, GFP_MOVABLE_KERNEL, 0, 0);
	assert_int_equal(p0, 0);
	assert_int_equal(fa_nr(z, 4), 0);
	for (unsigned o = 0; o < 4; o++) {
		assert_int_equal(fa_nr(z, o), 1);
		assert_int_equal(fa_head(z, o), 1u << o);
	}
	assert_int_equal(z->nr_free, 15);
	fx_check(s);

	/* The next order-0 page is pfn 1 (smallest block first); order 1
	 * then takes pfn 2. */
	pfn_t p1 = alloc_pages_node(s, 0, GFP_MOVABLE_KERNEL, 0, 0);
	pfn_t p2 = alloc_pages_node(s, 0, GFP_MOVABLE_KERNEL, 1, 0);
	assert_int_equal(p1, 1);
	assert_int_equal(p2, 2);
	assert_int_equal(z->nr_free, 12);
	/* 12 free pages in blocks 4-7 and 8-15: order 3 passes (12 - 7 > 0),
	 * order 4 fails on the count (12 - 15 <= 0). */
	assert_true(zone_watermark_ok(z, 3, 0, ZONE_NORMAL));
	assert_false(zone_watermark_ok(z, 4, 0, ZONE_NORMAL));
	fx_check(s);

	/* Freeing pfn 0 cannot merge (buddy 1 is in use). */
	__free_pages(s, p0, 0);
	assert_int_equal(fa_nr(z, 0), 1);
	/* Freeing pfn 1 merges 0+1 -> order 1; with 2..3 still in use it stops. */
	__free_pages(s, p1, 0);
	assert_int_equal(fa_nr(z, 0), 0);
	assert_int_equal(fa_nr(z, 1), 1);
	assert_int_equal(fa_head(z, 1), 0);
	/* Freeing 2..3 merges all the way back to one order-4 block. */
	__free_pages(s, p2, 1);
	for (unsigned o = 0; o < 4; o++)
		assert_int_equal(fa_nr(z, o), 0);
	assert_int_equal(fa_nr(z, 4), 1);
	assert_int_equal(z->nr_free, 16);
	assert_int_equal(s->mem.events[PGALLOC], 4);
	assert_int_equal(s->mem.events[PGFREE], 4);
	fx_check(s);
	fx_destroy(s, t);
	(void)state;
}

/* Fragmentation: enough free pages, but no block of the order asked. */
static void test_watermark_needs_a_block_of_the_order(void **state)
{
	struct topology *t;
	struct sim *s = sim16(&t);
	struct zone *z = normal(s, 0);

	for (pfn_t p = 0; p < 16; p++)
		assert_int_equal(alloc_pages_node(s, 0, GFP_MOVABLE_KERNEL, 0, 0), p);
	for (pfn_t p = 0; p < 16; p += 2)
		__free_pages(s, p, 0);
	assert_int_equal(z->nr_free, 8);
	assert_int_equal(fa_nr(z, 0), 8);
	assert_true(zone_watermark_ok(z, 0, 0, ZONE_NORMAL));
	assert_false(zone_watermark_ok(z, 1, 0, ZONE_NORMAL));
	assert_int_equal(alloc_pages_node(s, 0, GFP_MOVABLE_KERNEL, 1, 0), NOPFN);
	fx_check(s);
	fx_destroy(s, t);
	(void)state;
}

/* A zone that starts at an unaligned pfn is cut into aligned blocks and
 * never merges across the zone boundary. */
static void test_unaligned_zone_layout(void **state)
{
	/* node 0: DMA 3 pages, DMA32 13 pages; node 1: 7 pages */
	uint64_t zb[2 * MAX_NR_ZONES] = {3 * 4096, 13 * 4096, 0, 0, 0, 0, 7 * 4096, 0};
	struct topology *t = fixture_topo(2, NULL, zb, NULL, 1);
	struct tunables tun;
	struct nerr err;

	tunables_init(&tun);
	tunable_set(&tun, TUN_MIN_FREE_KBYTES, "0", &err);
	struct sim *s = make_sim(t, &tun);
	struct zone *dma = &s->mem.nodes[0].zones[ZONE_DMA];
	struct zone *dma32 = &s->mem.nodes[0].zones[ZONE_DMA32];
	struct zone *n1 = normal(s, 1);

	/* DMA [0,3): {0-1}, {2}; DMA32 [3,16): {3},{4-7},{8-15};
	 * node 1 Normal [16,23): {16-19},{20-21},{22}. */
	assert_int_equal(fa_head(dma, 1), 0);
	assert_int_equal(fa_head(dma, 0), 2);
	assert_int_equal(fa_head(dma32, 0), 3);
	assert_int_equal(fa_head(dma32, 2), 4);
	assert_int_equal(fa_head(dma32, 3), 8);
	assert_int_equal(n1->start_pfn, 16);
	assert_int_equal(fa_head(n1, 2), 16);
	assert_int_equal(fa_head(n1, 1), 20);
	assert_int_equal(fa_head(n1, 0), 22);
	assert_int_equal(s->mem.totalram_pages, 23);
	fx_check(s);
	/* pfn 2 (DMA) and pfn 3 (DMA32) are order-0 buddies in different
	 * zones: allocating and freeing 3 must not merge them. */
	pfn_t p = alloc_pages_node(s, 0, GFP_MOVABLE_KERNEL | __GFP_DMA32, 0, 0);
	assert_int_equal(p, 3);
	__free_pages(s, p, 0);
	assert_int_equal(fa_head(dma32, 0), 3);
	assert_int_equal(fa_head(dma, 0), 2);
	fx_check(s);
	fx_destroy(s, t);
	(void)state;
}

/* ---- watermarks ------------------------------------------------- */

static void test_watermarks_single_zone(void **state)
{
	/*
	 * 1 GiB = 262144 pages. min_free_kbytes = int_sqrt(1048576 KiB * 16)
	 * = 4096; pages_min = 1024 = min. gap = max(1024/4, mult_frac(262144,
	 * 10, 10000) = 26*10 + 2144*10/10000 = 262) = 262; low = 1286,
	 * high = 1548.
	 */
	uint64_t mem = GiB;
	struct topology *t = fixture_topo(1, &mem, NULL, NULL, 1);
	struct sim *s = make_sim(t, NULL);
	struct zone *z = normal(s, 0);

	assert_int_equal(z->wmark[WMARK_MIN], 1024);
	assert_int_equal(z->wmark[WMARK_LOW], 1286);
	assert_int_equal(z->wmark[WMARK_HIGH], 1548);
	fx_destroy(s, t);

	/*
	 * 64 GiB = 16777216 pages: int_sqrt(67108864 * 16) = 32768 KiB;
	 * min = 8192; gap = max(2048, 1677*10 + 7216*10/10000 = 16777);
	 * low = 24969, high = 41746.
	 */
	mem = 64 * GiB;
	t = fixture_topo(1, &mem, NULL, NULL, 1);
	s = make_sim(t, NULL);
	z = normal(s, 0);
	assert_int_equal(z->wmark[WMARK_MIN], 8192);
	assert_int_equal(z->wmark[WMARK_LOW], 24969);
	assert_int_equal(z->wmark[WMARK_HIGH], 41746);
	fx_destroy(s, t);

	/* 16 MiB: int_sqrt(16384 * 16) = 512 KiB -> 128 pages. */
	mem = 16 * MiB;
	t = fixture_topo(1, &mem, NULL, NULL, 1);
	s = make_sim(t, NULL);
	assert_int_equal(normal(s, 0)->wmark[WMARK_MIN], 128);
	/* 4096 pages: gap = max(32, 4) = 32 */
	assert_int_equal(normal(s, 0)->wmark[WMARK_LOW], 160);
	fx_destroy(s, t);
	(void)state;
}

static void test_watermarks_zones_and_lowmem_reserve(void **state)
{
	/*
	 * DMA 16 MiB (4096 pages), DMA32 1008 MiB (258048), Normal 3 GiB
	 * (786432): 4 GiB of lowmem -> min_free_kbytes = int_sqrt(4194304 *
	 * 16) = 8192, pages_min = 2048, shared by managed pages:
	 *   DMA    min 2048*4096/1048576   = 8    gap max(2, 4)     = 4
	 *   DMA32  min 2048*258048/1048576 = 504  gap max(126, 258) = 258
	 *   Normal min 2048*786432/1048576 = 1536 gap max(384, 786) = 786
	 * lowmem_reserve (ratios 256, 256, 32):
	 *   DMA[DMA32] = 258048/256 = 1008, DMA[Normal] = 1044480/256 = 4080
	 *   DMA32[Normal] = 786432/256 = 3072, Normal[Movable] = 0
	 */
	uint64_t zb[MAX_NR_ZONES] = {16 * MiB, 1008 * MiB, 3 * GiB, 0};
	struct topology *t = fixture_topo(1, NULL, zb, NULL, 1);
	struct sim *s = make_sim(t, NULL);
	struct zone *zs = s->mem.nodes[0].zones;

	assert_int_equal(zs[ZONE_DMA].wmark[WMARK_MIN], 8);
	assert_int_equal(zs[ZONE_DMA].wmark[WMARK_LOW], 12);
	assert_int_equal(zs[ZONE_DMA].wmark[WMARK_HIGH], 16);
	assert_int_equal(zs[ZONE_DMA32].wmark[WMARK_MIN], 504);
	assert_int_equal(zs[ZONE_DMA32].wmark[WMARK_LOW], 762);
	assert_int_equal(zs[ZONE_DMA32].wmark[WMARK_HIGH], 1020);
	assert_int_equal(zs[ZONE_NORMAL].wmark[WMARK_MIN], 1536);
	assert_int_equal(zs[ZONE_NORMAL].wmark[WMARK_LOW], 2322);
	assert_int_equal(zs[ZONE_NORMAL].wmark[WMARK_HIGH], 3108);
	assert_int_equal(zs[ZONE_DMA].lowmem_reserve[ZONE_DMA], 0);
	assert_int_equal(zs[ZONE_DMA].lowmem_reserve[ZONE_DMA32], 1008);
	assert_int_equal(zs[ZONE_DMA].lowmem_reserve[ZONE_NORMAL], 4080);
	assert_int_equal(zs[ZONE_DMA].lowmem_reserve[ZONE_MOVABLE], 4080);
	assert_int_equal(zs[ZONE_DMA32].lowmem_reserve[ZONE_NORMAL], 3072);
	assert_int_equal(zs[ZONE_NORMAL].lowmem_reserve[ZONE_MOVABLE], 0);

	/* The zonelist of the node: Normal, DMA32, DMA. */
	assert_int_equal(s->mem.nodes[0].nr_zonelist, 3);
	assert_ptr_equal(s->mem.nodes[0].zonelist[0], &zs[ZONE_NORMAL]);
	assert_ptr_equal(s->mem.nodes[0].zonelist[2], &zs[ZONE_DMA]);

	/* Checked for a Normal allocation, DMA must keep mark + 4080 free:
	 * 4096 > 12 + 4080 passes the low mark, 4096 > 16 + 4080 fails high. */
	assert_true(
		zone_watermark_ok(&zs[ZONE_DMA], 0, zs[ZONE_DMA].wmark[WMARK_LOW], ZONE_NORMAL));
	assert_false(
		zone_watermark_ok(&zs[ZONE_DMA], 0, zs[ZONE_DMA].wmark[WMARK_HIGH], ZONE_NORMAL));
	assert_true(zone_watermark_ok(&zs[ZONE_DMA], 0, zs[ZONE_DMA].wmark[WMARK_HIGH], ZONE_DMA));
	/* order 10 needs free - 1023 > mark and a free block of order >= 10 */
	assert_true(zone_watermark_ok(&zs[ZONE_NORMAL], MAX_ORDER, 0, ZONE_NORMAL));

	/* sysctl vm.min_free_kbytes=16384 doubles min: Normal 3072. */
	struct nerr err;

	assert_int_equal(tunable_set(&s->tun, TUN_MIN_FREE_KBYTES, "16384", &err), 0);
	sim_tunables_changed(s, TUN_MIN_FREE_KBYTES);
	assert_int_equal(zs[ZONE_NORMAL].wmark[WMARK_MIN], 3072);
	/* watermark_scale_factor=100: gap = mult_frac(786432,100,10000) = 7864 */
	tunable_set(&s->tun, TUN_WATERMARK_SCALE_FACTOR, "100", &err);
	sim_tunables_changed(s, TUN_WATERMARK_SCALE_FACTOR);
	assert_int_equal(zs[ZONE_NORMAL].wmark[WMARK_LOW], 3072 + 7864);
	tunable_set(&s->tun, TUN_LOWMEM_RESERVE_RATIO_DMA32, "128", &err);
	sim_tunables_changed(s, TUN_LOWMEM_RESERVE_RATIO_DMA32);
	assert_int_equal(zs[ZONE_DMA32].lowmem_reserve[ZONE_NORMAL], 6144);
	fx_destroy(s, t);
	(void)state;
}

static void test_watermarks_movable(void **state)
{
	/*
	 * Normal 1 GiB + Movable 1 GiB. min_free_kbytes counts only zones
	 * GFP_USER can use (nr_free_buffer_pages): 262144 pages -> 4096 KiB,
	 * pages_min 1024. On 64-bit ZONE_MOVABLE is not highmem, so both
	 * zones share pages_min by size: 512 each.
	 */
	uint64_t zb[MAX_NR_ZONES] = {0, 0, GiB, GiB};
	struct topology *t = fixture_topo(1, NULL, zb, NULL, 1);
	struct sim *s = make_sim(t, NULL);
	struct zone *zs = s->mem.nodes[0].zones;

	assert_int_equal(zs[ZONE_NORMAL].wmark[WMARK_MIN], 512);
	assert_int_equal(zs[ZONE_MOVABLE].wmark[WMARK_MIN], 512);
	assert_int_equal(zs[ZONE_NORMAL].lowmem_reserve[ZONE_MOVABLE], 262144 / 32);
	/* GFP_HIGHUSER_MOVABLE may use Movable; GFP_KERNEL may not. */
	assert_int_equal(gfp_zone(GFP_HIGHUSER_MOVABLE), ZONE_MOVABLE);
	assert_int_equal(gfp_zone(GFP_KERNEL), ZONE_NORMAL);
	assert_int_equal(gfp_zone(GFP_HIGHUSER), ZONE_NORMAL);
	assert_int_equal(gfp_zone(GFP_KERNEL | __GFP_DMA32), ZONE_DMA32);
	pfn_t p = alloc_pages_node(s, 0, GFP_HIGHUSER_MOVABLE, 0, 0);
	assert_int_equal(page_zone(&s->mem, p)->type, ZONE_MOVABLE);
	p = alloc_pages_node(s, 0, GFP_KERNEL, 0, 0);
	assert_int_equal(page_zone(&s->mem, p)->type, ZONE_NORMAL);
	fx_destroy(s, t);
	(void)state;
}

/* ---- zonelists and fallback ------------------------------------ */

static struct topology *ring4(uint64_t per_node)
{
	uint64_t mem[4] = {per_node, per_node, per_node, per_node};

	return fixture_topo(4, mem, NULL, fixture_ring4_dist, 2);
}

static void test_zonelist_order_ring4(void **state)
{
	/*
	 * find_next_best_node() with node_load shared across nodes 0..3
	 * (worked in docs/model.md): 0: 0 1 2 3, 1: 1 3 0 2, 2: 2 3 0 1,
	 * 3: 3 2 1 0.
	 */
	static const int want[4][4] = {{0, 1, 2, 3}, {1, 3, 0, 2}, {2, 3, 0, 1}, {3, 2, 1, 0}};
	struct topology *t = ring4(16 * MiB);
	struct sim *s = make_sim(t, NULL);

	for (int n = 0; n < 4; n++) {
		struct pglist_data *pg = &s->mem.nodes[n];

		assert_int_equal(pg->nr_node_order, 4);
		assert_int_equal(pg->nr_zonelist, 4);
		assert_int_equal(pg->nr_thisnode_zones, 1);
		for (int i = 0; i < 4; i++) {
			assert_int_equal(pg->node_order[i], want[n][i]);
			assert_int_equal(pg->zonelist[i]->node, want[n][i]);
		}
	}
	fx_destroy(s, t);
	(void)state;
}

static void test_zonelist_memoryless_and_cpuless(void **state)
{
	/* node 1 has no memory, node 2 no cpus. Symmetric distances 20:
	 * from node 0, node 2 (memory-only) beats node 3 (has cpus). */
	uint64_t mem[4] = {16 * MiB, 0, 16 * MiB, 16 * MiB};
	struct topology *t = fixture_topo(4, mem, NULL, NULL, 1);

	t->nodes[2].nr_cpus = 0;
	struct sim *s = make_sim(t, NULL);
	struct pglist_data *p0 = &s->mem.nodes[0], *p1 = &s->mem.nodes[1];

	assert_int_equal(p0->nr_node_order, 3);
	assert_int_equal(p0->node_order[1], 2);
	assert_int_equal(p0->node_order[2], 3);
	/* The memoryless node is not in its own order (find_next_best_node()
	 * takes the local node first only if it has memory, since v6.7; the
	 * zonelist was the same before, as a memoryless node adds no zones).
	 * By hand: n=2 scores 20*1024 + node_load 1 (node 0's list raised it),
	 * n=3 21*1024 (+1 for CPUs), n=0 22*1024 (+1 lower, +1 CPUs).
	 * No zones of its own, so __GFP_THISNODE on it fails. */
	assert_int_equal(p1->nr_node_order, 3);
	assert_int_equal(p1->node_order[0], 2);
	assert_int_equal(p1->node_order[1], 3);
	assert_int_equal(p1->node_order[2], 0);
	assert_int_equal(p1->nr_thisnode_zones, 0);
	assert_int_equal(p1->nr_zonelist, 3);
	assert_int_equal(alloc_pages_node(s, 1, GFP_KERNEL | __GFP_THISNODE, 0, 1), NOPFN);
	pfn_t p = alloc_pages_node(s, 1, GFP_KERNEL, 0, 1);
	assert_int_not_equal(p, NOPFN);
	/* numa_hit goes to the node that got it (preferred zone = first in
	 * the zonelist), other_node since the CPU is on node 1. */
	int got = pfn_to_nid(&s->mem, p);

	assert_int_equal(s->mem.nodes[got].numa_stat[NUMA_HIT], 1);
	assert_int_equal(s->mem.nodes[got].numa_stat[NUMA_OTHER], 1);
	fx_destroy(s, t);
	(void)state;
}

/* Allocates order-0 pages from node nid for a CPU on local until one
 * lands off node; returns how many landed on nid. */
static uint64_t fill_until_fallback(struct sim *s, int nid, int local, pfn_t *first_off)
{
	uint64_t n = 0;

	for (;;) {
		pfn_t p = alloc_pages_node(s, nid, GFP_KERNEL, 0, local);

		assert_int_not_equal(p, NOPFN);
		if (pfn_to_nid(&s->mem, p) != nid) {
			*first_off = p;
			return n;
		}
		n++;
	}
}

static void test_fallback_follows_zonelist(void **state)
{
	/*
	 * ring4, 16 MiB per node = 4096 pages. 64 MiB in all:
	 * min_free_kbytes = int_sqrt(65536*16) = 1024 -> pages_min 256,
	 * 64 per zone; gap max(16, 4) = 16; low 80, high 96.
	 * Node 0 serves while free > 80: 4016 pages, then node 1.
	 */
	struct topology *t = ring4(16 * MiB);
	struct sim *s = make_sim(t, NULL);
	pfn_t off;

	assert_int_equal(normal(s, 0)->wmark[WMARK_LOW], 80);
	assert_int_equal(fill_until_fallback(s, 0, 0, &off), 4016);
	assert_int_equal(pfn_to_nid(&s->mem, off), 1);

	/* numastat for that fallback: miss on 1, foreign on 0, other on 1. */
	uint64_t *n0 = s->mem.nodes[0].numa_stat, *n1 = s->mem.nodes[1].numa_stat;

	assert_int_equal(n0[NUMA_HIT], 4016);
	assert_int_equal(n0[NUMA_LOCAL], 4016);
	assert_int_equal(n0[NUMA_FOREIGN], 1);
	assert_int_equal(n0[NUMA_MISS], 0);
	assert_int_equal(n1[NUMA_MISS], 1);
	assert_int_equal(n1[NUMA_OTHER], 1);
	assert_int_equal(n1[NUMA_HIT], 0);
	assert_int_equal(n1[NUMA_FOREIGN], 0);

	/* Node 1 serves until its low watermark too, then node 2, then 3. */
	uint64_t more = 0;

	while (pfn_to_nid(&s->mem, off) == 1) {
		off = alloc_pages_node(s, 0, GFP_KERNEL, 0, 0);
		more++;
	}
	assert_int_equal(more, 4016);
	assert_int_equal(pfn_to_nid(&s->mem, off), 2);
	while (pfn_to_nid(&s->mem, off) == 2)
		off = alloc_pages_node(s, 0, GFP_KERNEL, 0, 0);
	assert_int_equal(pfn_to_nid(&s->mem, off), 3);
	while (pfn_to_nid(&s->mem, off) == 3)
		off = alloc_pages_node(s, 0, GFP_KERNEL, 0, 0);
	/* Every node at its low watermark: the slow path wakes kswapd on all
	 * four nodes and allocates against min, from node 0 first. */
	assert_int_equal(pfn_to_nid(&s->mem, off), 0);
	assert_int_equal(s->mem.events[KSWAPD_WAKE], 4);
	for (int n = 0; n < 4; n++)
		assert_true(s->mem.nodes[n].kswapd_awake);
	fx_check(s);
	fx_destroy(s, t);
	(void)state;
}

static void test_exhaustion_fails_at_min(void **state)
{
	struct topology *t = ring4(16 * MiB);
	struct sim *s = make_sim(t, NULL);
	struct alloc_req req = {.gfp = GFP_KERNEL, .order = 0, .preferred_nid = 0, .local_nid = 0};
	uint64_t n = 0;

	while (alloc_pages_req(s, &req) != NOPFN)
		n++;
	/* Every node down to min (64) exactly: free - 0 > 64 fails at 64. */
	assert_int_equal(n, 4 * (4096 - 64));
	assert_int_equal(req.fail_reason, ALLOC_FAIL_NOMEM);
	for (int i = 0; i < 4; i++)
		assert_int_equal(normal(s, i)->nr_free, 64);
	/* __GFP_HIGH may dip to half of min. */
	req.gfp = GFP_KERNEL | __GFP_HIGH;
	n = 0;
	while (alloc_pages_req(s, &req) != NOPFN)
		n++;
	assert_int_equal(n, 4 * 32);
	fx_check(s);
	fx_destroy(s, t);
	(void)state;
}

static void test_thisnode_fails_instead_of_falling_back(void **state)
{
	struct topology *t = ring4(16 * MiB);
	struct sim *s = make_sim(t, NULL);
	gfp_t thisnode = GFP_KERNEL | __GFP_THISNODE | __GFP_NORETRY | __GFP_NOWARN;
	struct alloc_req req = {.gfp = thisnode, .order = 0, .preferred_nid = 0, .local_nid = 0};
	uint64_t n = 0;
	pfn_t p;

	/* The slow path lets it go down to node 0's min, never off node. */
	while ((p = alloc_pages_req(s, &req)) != NOPFN) {
		assert_int_equal(pfn_to_nid(&s->mem, p), 0);
		n++;
	}
	assert_int_equal(n, 4096 - 64);
	assert_int_equal(req.fail_reason, ALLOC_FAIL_THISNODE);
	assert_int_equal(s->mem.nodes[0].numa_stat[NUMA_FOREIGN], 0);
	/* Without __GFP_THISNODE the same request falls back to node 1. */
	p = alloc_pages_node(s, 0, GFP_KERNEL, 0, 0);
	assert_int_equal(pfn_to_nid(&s->mem, p), 1);
	fx_destroy(s, t);
	(void)state;
}

static void test_nodemask_and_cpuset(void **state)
{
	struct topology *t = ring4(16 * MiB);
	struct sim *s = make_sim(t, NULL);
	nodemask_t mask = {0}, mems = {0};

	/* MPOL_BIND-style nodemask {2}: preferred zone is node 2's, so a CPU
	 * on node 0 gets numa_hit + other_node on node 2. */
	node_set(&mask, 2);
	struct alloc_req req = {
		.gfp = GFP_USER, .preferred_nid = 0, .nodemask = &mask, .local_nid = 0};
	pfn_t p = alloc_pages_req(s, &req);

	assert_int_equal(pfn_to_nid(&s->mem, p), 2);
	assert_int_equal(s->mem.nodes[2].numa_stat[NUMA_HIT], 1);
	assert_int_equal(s->mem.nodes[2].numa_stat[NUMA_OTHER], 1);
	assert_int_equal(s->mem.nodes[0].numa_stat[NUMA_FOREIGN], 0);

	/* A nodemask never escapes: fill node 2 to min, then fail. */
	while ((p = alloc_pages_req(s, &req)) != NOPFN)
		assert_int_equal(pfn_to_nid(&s->mem, p), 2);
	assert_int_equal(normal(s, 2)->nr_free, 64);
	assert_int_equal(normal(s, 0)->nr_free, 4096);

	/* cpuset mems {1,3} without a policy: the fast path starts at the
	 * first allowed zone of node 0's zonelist, node 1. */
	node_set(&mems, 1);
	node_set(&mems, 3);
	struct alloc_req c = {
		.gfp = GFP_USER, .preferred_nid = 0, .cpuset_mems = &mems, .local_nid = 0};

	p = alloc_pages_req(s, &c);
	assert_int_equal(pfn_to_nid(&s->mem, p), 1);
	assert_int_equal(s->mem.nodes[1].numa_stat[NUMA_HIT], 1);
	/* Hardwall: never node 0 or 2, even when 1 and 3 run out. */
	while ((p = alloc_pages_req(&*s, &c)) != NOPFN)
		assert_true(pfn_to_nid(&s->mem, p) == 1 || pfn_to_nid(&s->mem, p) == 3);
	assert_int_equal(normal(s, 0)->nr_free, 4096);
	/* A GFP_KERNEL (softwall) request with no exclusive ancestor may
	 * leave the cpuset in the slow path. */
	c.gfp = GFP_KERNEL;
	p = alloc_pages_req(s, &c);
	assert_int_not_equal(p, NOPFN);
	assert_true(pfn_to_nid(&s->mem, p) == 0 || pfn_to_nid(&s->mem, p) == 2);
	fx_check(s);
	fx_destroy(s, t);
	(void)state;
}

static void test_zone_reclaim_mode_seam(void **state)
{
	struct topology *t = ring4(16 * MiB);
	struct tunables tun;
	struct nerr err;

	tunables_init(&tun);
	tunable_set(&tun, TUN_ZONE_RECLAIM_MODE, "1", &err);
	struct sim *s = make_sim(t, &tun);
	pfn_t off;

	/* The placeholder node_reclaim() reports NODE_RECLAIM_FULL, so the
	 * walk still moves on to node 1 at the low watermark. */
	assert_int_equal(fill_until_fallback(s, 0, 0, &off), 4016);
	assert_int_equal(pfn_to_nid(&s->mem, off), 1);
	fx_destroy(s, t);
	(void)state;
}

static void test_high_order(void **state)
{
	struct topology *t = ring4(16 * MiB);
	struct sim *s = make_sim(t, NULL);
	pfn_t p = alloc_pages_node(s, 0, GFP_KERNEL, MAX_ORDER, 0);

	assert_int_not_equal(p, NOPFN);
	assert_int_equal(p % (1u << MAX_ORDER), 0);
	assert_int_equal(s->mem.events[PGALLOC], 1u << MAX_ORDER);
	assert_int_equal(s->mem.nodes[0].numa_stat[NUMA_HIT], 1);
	assert_int_equal(alloc_pages_node(s, 0, GFP_KERNEL, MAX_ORDER + 1, 0), NOPFN);
	__free_pages(s, p, MAX_ORDER);
	assert_int_equal(normal(s, 0)->nr_free, 4096);
	fx_check(s);
	fx_destroy(s, t);
	(void)state;
}

/* ---- randomized --------------------------------------------------- */

struct live {
	pfn_t pfn;
	unsigned order;
};

static void test_random_alloc_free(void **state)
{
	/* Odd sizes so zones start unaligned; DMA/DMA32 on node 0. */
	uint64_t zb[4 * MAX_NR_ZONES] = {
		64 * 4096 + 4096, 300 * 4096, 517 * 4096, 0, 0,		  0, 1111 * 4096, 0, 0, 0,
		333 * 4096,	  77 * 4096,  0,	  0, 2048 * 4096, 0,
	};
	struct topology *t = fixture_topo(4, NULL, zb, fixture_ring4_dist, 1);
	struct sim *s = make_sim(t, NULL);
	struct rng r;
	struct live *live = calloc(8192, sizeof(*live));
	size_t nlive = 0;
	static const gfp_t gfps[] = {GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_DMA32,
				     GFP_KERNEL | __GFP_DMA, GFP_KERNEL | __GFP_THISNODE};

	rng_seed(&r, 42, 0);
	for (int i = 0; i < 20000; i++) {
		bool do_alloc = nlive == 0 || (nlive < 8192 && rng_below(&r, 100) < 55);

		if (do_alloc) {
			unsigned order = (unsigned)rng_below(&r, 4);
			int nid = (int)rng_below(&r, 4);
			pfn_t p = alloc_pages_node(s, nid, gfps[rng_below(&r, 5)], order, nid);

			if (p != NOPFN)
				live[nlive++] = (struct live){p, order};
		} else {
			size_t k = (size_t)rng_below(&r, nlive);

			__free_pages(s, live[k].pfn, live[k].order);
			live[k] = live[--nlive];
		}
		if (i % 500 == 0)
			fx_check(s);
	}
	fx_check(s);
	while (nlive) {
		nlive--;
		__free_pages(s, live[nlive].pfn, live[nlive].order);
	}
	fx_check(s);
	uint64_t nfree = 0;

	for (int n = 0; n < 4; n++)
		nfree += node_free_pages(&s->mem.nodes[n]);
	assert_int_equal(nfree, s->mem.totalram_pages);
	assert_int_equal(s->mem.events[PGALLOC], s->mem.events[PGFREE]);
	free(live);
	fx_destroy(s, t);
	(void)state;
}

static void test_check_detects_corruption(void **state)
{
	struct topology *t;
	struct sim *s = sim16(&t);
	struct nerr err;
	pfn_t p = alloc_pages_node(s, 0, GFP_KERNEL, 0, 0);

	assert_int_equal(sim_check(s, &err), 0);
	/* A counter set by hand disagrees with the lists. */
	normal(s, 0)->nr_free++;
	assert_int_equal(sim_check(s, &err), -1);
	normal(s, 0)->nr_free--;
	/* An allocated page marked free without being on a list. */
	s->mem.f.flags[p] |= PG_buddy;
	assert_int_equal(sim_check(s, &err), -1);
	s->mem.f.flags[p] = 0;
	assert_int_equal(sim_check(s, &err), 0);
	fx_destroy(s, t);
	(void)state;
}

/* ---- two sims, LRU ---------------------------------------------- */

static void test_two_sims_independent(void **state)
{
	struct topology *t = ring4(16 * MiB);
	struct sim *a = make_sim(t, NULL), *b = make_sim(t, NULL);

	for (int i = 0; i < 100; i++)
		alloc_pages_node(a, 1, GFP_KERNEL, 0, 1);
	assert_int_equal(normal(a, 1)->nr_free, 3996);
	assert_int_equal(normal(b, 1)->nr_free, 4096);
	assert_int_equal(b->mem.events[PGALLOC], 0);
	assert_int_equal(b->mem.nodes[1].numa_stat[NUMA_HIT], 0);
	pfn_t pb = alloc_pages_node(b, 1, GFP_KERNEL, 0, 1);

	assert_int_equal(pb, normal(b, 1)->start_pfn);
	sim_destroy(a);
	fx_check(b);
	fx_destroy(b, t);
	(void)state;
}

static void test_lru_primitives(void **state)
{
	struct topology *t = ring4(16 * MiB);
	struct sim *s = make_sim(t, NULL);
	pfn_t anon = alloc_pages_node(s, 1, GFP_HIGHUSER_MOVABLE, 0, 1);
	pfn_t file = alloc_pages_node(s, 1, GFP_HIGHUSER_MOVABLE, 0, 1);
	struct pglist_data *pg = &s->mem.nodes[1];

	/* Stand in for the rmap and page cache layers, which keep the
	 * node counters that --check recounts from the frames. */
	s->mem.f.flags[anon] |= PG_anon | PG_swapbacked;
	s->mem.f.flags[file] |= PG_file;
	pg->stat[NR_ANON_MAPPED]++;
	pg->stat[NR_FILE_PAGES]++;
	lru_add(s, anon);
	lru_add(s, file);
	assert_int_equal(pg->lru[LRU_INACTIVE_ANON].nr, 1);
	assert_int_equal(pg->lru[LRU_INACTIVE_FILE].nr, 1);
	assert_int_equal(normal(s, 1)->nr_lru[LRU_INACTIVE_FILE], 1);
	fx_check(s);

	/* First access references, second activates. */
	mark_page_accessed(s, file);
	assert_int_equal(pg->lru[LRU_INACTIVE_FILE].nr, 1);
	mark_page_accessed(s, file);
	assert_int_equal(pg->lru[LRU_INACTIVE_FILE].nr, 0);
	assert_int_equal(pg->lru[LRU_ACTIVE_FILE].nr, 1);
	assert_int_equal(s->mem.events[PGACTIVATE], 1);
	fx_check(s);

	assert_int_equal(isolate_lru_page(s, anon), 0);
	assert_int_equal(isolate_lru_page(s, anon), -EBUSY);
	assert_int_equal(pg->stat[NR_ISOLATED], 1);
	assert_int_equal(pg->lru[LRU_INACTIVE_ANON].nr, 0);
	fx_check(s);
	putback_lru_page(s, anon);
	assert_int_equal(pg->stat[NR_ISOLATED], 0);
	assert_int_equal(pg->lru[LRU_INACTIVE_ANON].nr, 1);

	/* An LRU counter out of step with its list is caught. */
	struct nerr err;

	normal(s, 1)->nr_lru[LRU_ACTIVE_FILE]++;
	assert_int_equal(sim_check(s, &err), -1);
	normal(s, 1)->nr_lru[LRU_ACTIVE_FILE]--;

	lru_del(s, anon);
	lru_del(s, file);
	pg->stat[NR_ANON_MAPPED]--;
	pg->stat[NR_FILE_PAGES]--;
	assert_int_equal(pg->lru[LRU_ACTIVE_FILE].nr, 0);
	__free_pages(s, anon, 0);
	__free_pages(s, file, 0);
	fx_check(s);
	fx_destroy(s, t);
	(void)state;
}

/* A fully touched frame costs its frame arrays (next, prev, flags,
 * mapping, index: 5 x 4 bytes; mapcount, last_cpupid: 2 x 2) plus the
 * pte mapping it: 24 + 8 = 32 host bytes, the budget. */
static void test_frame_budget(void **state)
{
	assert_int_equal(frame_bytes_per_page(), 24);
	assert_true(frame_bytes_per_page() + sizeof(pte_t) <= 32);
	(void)state;
}

/*
 * pfn -> zone without a per-frame array: zones that start and end inside
 * 512-frame sections, a one-page node and a node spanning sections. By
 * the layout rule (nodes in id order, zones in type order, no holes):
 * node 0 DMA [0,700), DMA32 [700,1000), Normal [1000,6000); node 1
 * Normal [6000,6001); node 2 Normal [6001,8001).
 */
static void test_zone_of_pfn(void **state)
{
	uint64_t zb[3 * MAX_NR_ZONES] = {0};
	struct tunables tun;
	struct nerr err;

	zb[ZONE_DMA] = 700 * 4096;
	zb[ZONE_DMA32] = 300 * 4096;
	zb[ZONE_NORMAL] = 5000 * 4096;
	zb[MAX_NR_ZONES + ZONE_NORMAL] = 1 * 4096;
	zb[2 * MAX_NR_ZONES + ZONE_NORMAL] = 2000 * 4096;
	struct topology *t = fixture_topo(3, NULL, zb, NULL, 1);

	tunables_init(&tun);
	tunable_set(&tun, TUN_MIN_FREE_KBYTES, "0", &err);
	struct sim *s = make_sim(t, &tun);
	static const struct {
		pfn_t pfn;
		int node, type;
	} want[] = {
		{0, 0, ZONE_DMA},	{511, 0, ZONE_DMA},	{512, 0, ZONE_DMA},
		{699, 0, ZONE_DMA},	{700, 0, ZONE_DMA32},	{999, 0, ZONE_DMA32},
		{1000, 0, ZONE_NORMAL}, {1024, 0, ZONE_NORMAL}, {5999, 0, ZONE_NORMAL},
		{6000, 1, ZONE_NORMAL}, {6001, 2, ZONE_NORMAL}, {6143, 2, ZONE_NORMAL},
		{6144, 2, ZONE_NORMAL}, {8000, 2, ZONE_NORMAL},
	};

	assert_int_equal(s->mem.f.nr, 8001);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(pfn_to_nid(&s->mem, want[i].pfn), want[i].node);
		assert_int_equal(page_zone(&s->mem, want[i].pfn)->type, want[i].type);
	}
	/* every frame: inside the range of the zone it is said to be in */
	for (pfn_t p = 0; p < s->mem.f.nr; p++) {
		const struct zone *z = page_zone(&s->mem, p);

		assert_true(p >= z->start_pfn && p < z->start_pfn + z->present_pages);
	}
	fx_check(s);
	fx_destroy(s, t);
	(void)state;
}

/* ---- migratetypes and watermark boosting --------------------------------- */

/* Two nodes of 8 MiB (2048 pages, four pageblocks, the least a zone
 * boosts in), one Normal zone each, THP off. calculate_min_free_kbytes():
 * int_sqrt(16384 kB * 16) = 512 kB = 128 pages, 64 per zone; gap =
 * max(64/4, 2048*10/10000) = 16: min/low/high 64/80/96. */
static struct sim *sim_2x8m_mfk(struct topology **tp, int64_t boost_factor, const char *version,
				int64_t min_free_kbytes)
{
	uint64_t mem[2] = {8 * MiB, 8 * MiB};
	struct tunables tun;
	struct nerr err;

	*tp = fixture_topo(2, mem, NULL, NULL, 1);
	tunables_init(&tun);
	tun.v[TUN_THP_ENABLED] = THP_NEVER;
	tun.v[TUN_WATERMARK_BOOST_FACTOR] = boost_factor;
	tun.v[TUN_MIN_FREE_KBYTES] = min_free_kbytes;
	if (version)
		assert_int_equal(tunable_set(&tun, TUN_SIM_KERNEL_VERSION, version, &err), 0);
	return make_sim(*tp, &tun);
}

static struct sim *sim_2x8m(struct topology **tp, int64_t boost_factor, const char *version)
{
	return sim_2x8m_mfk(tp, boost_factor, version, TUNABLE_AUTO);
}

static pfn_t movable_on(struct sim *s, int nid)
{
	return alloc_pages_node(s, nid, GFP_HIGHUSER_MOVABLE, 0, nid);
}

/*
 * Linux fact (mm/page_alloc.c: memmap_init_range(), __rmqueue_fallback(),
 * steal_suitable_fallback(), boost_watermark()), worked by hand:
 * every pageblock boots MIGRATE_MOVABLE. An unmovable page falls back to
 * the largest movable block, node 0's order-10 block at pfn 0, and takes
 * both its pageblocks (no boost: a whole pageblock or more). Movable
 * pages use pfns 1024-2047, then fall back to the unmovable order-9 block
 * at 512 (again a pageblock: taken, no boost), use 512-1023, and then
 * must split the order-8 block at 256 inside pageblock 0: a fragmenting
 * fallback. It boosts node 0's watermarks by one pageblock (512 =
 * max(512, 96 * 15000 / 10000 = 144)), wakes kswapd, and claims
 * pageblock 0 back for movable pages (511 of its 512 pages are free,
 * at least half). The request gets pfn 1, the smallest free block. With
 * 510 pages free and low + boost = 592, node 0's next page comes from
 * node 1; with vm.watermark_boost_factor=0 it stays on node 0.
 */
static void run_fallback_sequence(struct sim *s)
{
	pfn_t k = alloc_pages_node(s, 0, GFP_KERNEL, 0, 0);

	assert_int_equal(k, 0);
	assert_int_equal(get_pageblock_migratetype(&s->mem, 0), MIGRATE_UNMOVABLE);
	assert_int_equal(get_pageblock_migratetype(&s->mem, 512), MIGRATE_UNMOVABLE);
	assert_int_equal(get_pageblock_migratetype(&s->mem, 1024), MIGRATE_MOVABLE);
	assert_int_equal(s->mem.extfrag_events, 1);
	assert_int_equal(normal(s, 0)->watermark_boost, 0);
	for (pfn_t p = 1024; p < 2048; p++)
		assert_int_equal(movable_on(s, 0), p);
	assert_int_equal(movable_on(s, 0), 512);
	assert_int_equal(get_pageblock_migratetype(&s->mem, 512), MIGRATE_MOVABLE);
	assert_int_equal(s->mem.extfrag_events, 2);
	assert_int_equal(normal(s, 0)->watermark_boost, 0);
	for (pfn_t p = 513; p < 1024; p++)
		assert_int_equal(movable_on(s, 0), p);
	assert_int_equal(normal(s, 0)->nr_free, 511);
	fx_check(s);
	assert_int_equal(movable_on(s, 0), 1);
	assert_int_equal(s->mem.extfrag_events, 3);
	assert_int_equal(get_pageblock_migratetype(&s->mem, 0), MIGRATE_MOVABLE);
	assert_int_equal(normal(s, 0)->nr_free, 510);
	fx_check(s);
}

static void test_migratetype_fallback_boosts(void **state)
{
	(void)state;
	const char *versions[] = {"6.1", "6.12"};

	for (int v = 0; v < 2; v++) {
		struct topology *t;
		struct sim *s = sim_2x8m(&t, 15000, versions[v]);
		struct zone *z = normal(s, 0);

		assert_int_equal(z->wmark[WMARK_MIN], 64);
		assert_int_equal(z->wmark[WMARK_LOW], 80);
		assert_int_equal(z->wmark[WMARK_HIGH], 96);
		assert_int_equal(s->mem.events[KSWAPD_WAKE], 0);
		run_fallback_sequence(s);
		assert_int_equal(z->watermark_boost, 512);
		assert_int_equal(wmark_pages(z, WMARK_LOW), 592);
		assert_true(s->mem.nodes[0].kswapd_awake);
		assert_int_equal(s->mem.events[KSWAPD_WAKE], 1);
		/* 510 free <= 592: the fast path passes node 0 by */
		pfn_t p = movable_on(s, 0);

		assert_int_equal(pfn_to_nid(&s->mem, p), 1);
		/* __setup_per_zone_wmarks() clears the boost */
		setup_per_zone_wmarks(s);
		assert_int_equal(z->watermark_boost, 0);
		fx_destroy(s, t);
	}
}

static void test_migratetype_fallback_factor0(void **state)
{
	(void)state;
	struct topology *t;
	struct sim *s = sim_2x8m(&t, 0, NULL);

	run_fallback_sequence(s);
	assert_int_equal(normal(s, 0)->watermark_boost, 0);
	assert_false(s->mem.nodes[0].kswapd_awake);
	pfn_t p = movable_on(s, 0);

	assert_int_equal(pfn_to_nid(&s->mem, p), 0);
	fx_destroy(s, t);
}

/*
 * The versions differ when a fragmenting fallback may try for the whole
 * pageblock (a movable request finding a block of order >= 4) but cannot
 * claim it: fewer than half its pages are free or alike. 6.1
 * (move_freepages_block() before the claim test) still moves the
 * block's free pages to the movable lists; 6.10 on
 * (prep_move_freepages_block()) moves nothing, and the split-off rest
 * stays on the unmovable lists.
 */
static void test_migratetype_no_claim(void **state)
{
	(void)state;
	const char *versions[] = {"6.1", "6.12"};

	for (int v = 0; v < 2; v++) {
		struct topology *t;
		/* vm.min_free_kbytes=0: low 2, so node 0 fills to its last pages */
		struct sim *s = sim_2x8m_mfk(&t, 15000, versions[v], 0);
		struct zone *z = normal(s, 0);
		pfn_t unmov[1024];

		/* 1024 unmovable pages: pfns 0-1023, pageblocks 0 and 1
		 * unmovable and full; free pfns 256-271 again: one order-4
		 * block, 16 free pages in pageblock 0 */
		for (int i = 0; i < 1024; i++)
			unmov[i] = alloc_pages_node(s, 0, GFP_KERNEL, 0, 0);
		assert_int_equal(unmov[0], 0);
		assert_int_equal(unmov[1023], 1023);
		for (pfn_t p = 256; p < 272; p++)
			__free_pages(s, p, 0);
		assert_int_equal(fa_nr(z, 4), 1);
		for (pfn_t p = 1024; p < 2048; p++)
			assert_int_equal(movable_on(s, 0), p);
		assert_int_equal(z->nr_free, 16);
		/* The next movable page falls back to the order-4 block
		 * (can_steal_fallback(): order >= pageblock_order / 2) but
		 * cannot claim pageblock 0: 16 free + 0 alike < 256. */
		assert_int_equal(movable_on(s, 0), 256);
		assert_int_equal(get_pageblock_migratetype(&s->mem, 0), MIGRATE_UNMOVABLE);
		assert_int_equal(z->watermark_boost, 512);
		uint64_t on_movable = 0;

		for (int o = 0; o <= MAX_ORDER; o++)
			on_movable += z->free_area[o][MIGRATE_MOVABLE].nr << o;
		assert_int_equal(on_movable, v == 0 ? 15 : 0);
		fx_check(s);
		fx_destroy(s, t);
	}
}

/* ---- per-CPU page lists (sim.pcp) ------------------------------------------ */

/* Two nodes of 128 MiB (32768 pages), one CPU each, THP off, sim.pcp=1.
 * min_free_kbytes = int_sqrt(262144 kB * 16) = 2048 kB = 512 pages, 256
 * a zone; gap max(64, 32) = 64: low 320. zone_batchsize(): 32768 >> 10 =
 * 32, / 4 = 8, rounddown_pow_of_two(8 + 4) - 1 = 7. zone_highsize(): the
 * low watermark over the node's one CPU, 320; 6.7 on high_max = 32768 /
 * 8 = 4096. */
static struct sim *sim_pcp(struct topology **tp, const char *version)
{
	uint64_t mem[2] = {128 * MiB, 128 * MiB};
	struct tunables tun;
	struct nerr err;

	*tp = fixture_topo(2, mem, NULL, NULL, 1);
	tunables_init(&tun);
	tun.v[TUN_THP_ENABLED] = THP_NEVER;
	tun.v[TUN_SIM_PCP] = 1;
	assert_int_equal(tunable_set(&tun, TUN_SIM_KERNEL_VERSION, version, &err), 0);
	return make_sim(*tp, &tun);
}

/* n order-0 movable pages from node 0 into pages[], and back. */
static void movable_pages(struct sim *s, pfn_t *pages, int n)
{
	for (int i = 0; i < n; i++)
		pages[i] = movable_on(s, 0);
}

static void free_order0(struct sim *s, const pfn_t *pages, int n)
{
	for (int i = 0; i < n; i++)
		__free_pages(s, pages[i], 0);
}

/*
 * Linux fact (mm/page_alloc.c 6.1: rmqueue_pcplist(), rmqueue_bulk(),
 * free_unref_page_commit(), nr_pcp_high(), nr_pcp_free()), worked by
 * hand: an empty list takes a batch of 7 from the buddy lists, and the
 * pages on it are not free (NR_FREE_PAGES, MemFree). 400 pages allocated
 * take 7 + 57 * 7 = 406 (6 left on the list); freeing them fills the list
 * to high (320) after 314 frees, and each time it reaches high again it
 * gives back batch << free_factor, the factor growing with each
 * consecutive drain: 7, 14, 28, 56 pages (at frees 314, 321, 335, 363),
 * leaving 264 + 37 = 301 on the list and 32362 + 105 = 32467 free.
 */
static void test_pcp_6_1(void **state)
{
	(void)state;
	struct topology *t;
	struct sim *s = sim_pcp(&t, "6.1");
	struct zone *z = normal(s, 0);
	struct per_cpu_pages *pcp = &z->pcp[0];
	static pfn_t pages[400];

	assert_int_equal(z->wmark[WMARK_LOW], 320);
	assert_int_equal(pcp->batch, 7);
	assert_int_equal(pcp->high, 320);
	assert_int_equal(pcp->high_max, 320);
	pfn_t p = movable_on(s, 0);

	assert_int_equal(z->nr_free, 32768 - 7);
	assert_int_equal(pcp->count, 6);
	__free_pages(s, p, 0);
	assert_int_equal(pcp->count, 7);
	assert_int_equal(z->nr_free, 32768 - 7);
	fx_check(s);
	movable_pages(s, pages, 400);
	assert_int_equal(pcp->count, 6);
	assert_int_equal(z->nr_free, 32768 - 406);
	free_order0(s, pages, 400);
	assert_int_equal(pcp->count, 301);
	assert_int_equal(z->nr_free, 32467);
	assert_int_equal(z->pcp_pages, 301);
	fx_check(s);
	fx_destroy(s, t);
}

/*
 * Linux fact (6.7 on: nr_pcp_alloc(), pcp high auto-tuning), by hand:
 * high starts at high_min (320) and each refill of an empty list, while
 * the zone is above its high watermark, raises it by the refill, which
 * doubles each time (alloc_factor, up to 2^5 batches): 7, 14, 28, 56, 112,
 * then 224 pages, high 327, 341, 369, 425, 537, 761. After 218 pages
 * the list holds 223 and MemFree is 32768 - 441 = 32327.
 */
static void test_pcp_6_12(void **state)
{
	(void)state;
	struct topology *t;
	struct sim *s = sim_pcp(&t, "6.12");
	struct zone *z = normal(s, 0);
	struct per_cpu_pages *pcp = &z->pcp[0];

	assert_int_equal(pcp->batch, 7);
	assert_int_equal(pcp->high_min, 320);
	assert_int_equal(pcp->high_max, 4096);
	for (int i = 0; i < 7 + 14 + 28 + 56 + 112; i++)
		movable_on(s, 0);
	assert_int_equal(pcp->count, 0);
	assert_int_equal(pcp->high, 537);
	assert_int_equal(z->nr_free, 32768 - 217);
	movable_on(s, 0);
	assert_int_equal(pcp->count, 223);
	assert_int_equal(pcp->high, 761);
	assert_int_equal(z->nr_free, 32327);
	fx_check(s);
	fx_destroy(s, t);
}

/* An order-`order` movable block from node 0 (no THP path: the order alone). */
static pfn_t movable_order(struct sim *s, unsigned order)
{
	return alloc_pages_node(s, 0, GFP_HIGHUSER_MOVABLE, order, 0);
}

/*
 * Linux fact (mm/page_alloc.c 6.1: pcp_allowed_order(), order_to_pindex(),
 * __rmqueue_pcplist(), free_unref_page_commit(), nr_pcp_high(),
 * nr_pcp_free()), worked by hand on sim_pcp()'s zone (batch 7, high
 * 320):
 * - an order-2 request refills its own list with max(7 >> 2, 2) = 2
 *   blocks: 8 pages leave the buddy lists, 4 stay on the list;
 * - 400 order-0 pages take 58 refills of 7 (406 pages, 6 left); freeing
 *   them reaches high at frees 310, 317, 331 and 359, each giving back
 *   7 << free_factor from the order-0 list (7, 14, 28, 56): 301 order-0
 *   pages and the order-2 block stay, free_factor 4;
 * - the order-2 page freed then is a free_high free (free_factor set):
 *   high 0, and all 309 pages go back: every page of the zone is free;
 * - an order-9 (THP order) request takes 2 blocks, 1024 pages; freeing
 *   the one it got brings the list to 1024 >= 320, and the batch of 7 it
 *   gives back is the whole of one block: 512 pages stay on the list.
 */
static void test_pcp_high_order_6_1(void **state)
{
	(void)state;
	struct topology *t;
	struct sim *s = sim_pcp(&t, "6.1");
	struct zone *z = normal(s, 0);
	struct per_cpu_pages *pcp = &z->pcp[0];
	static pfn_t pages[400];

	pfn_t p2 = movable_order(s, 2);

	assert_int_equal(p2 & 3, 0);
	assert_int_equal(z->nr_free, 32768 - 8);
	assert_int_equal(pcp->count, 4);
	assert_int_equal(pcp->lists[MIGRATE_PCPTYPES * 2 + MIGRATE_MOVABLE].nr, 1);
	movable_pages(s, pages, 400);
	assert_int_equal(pcp->count, 10);
	assert_int_equal(z->nr_free, 32768 - 8 - 406);
	free_order0(s, pages, 400);
	assert_int_equal(pcp->count, 305);
	assert_int_equal(pcp->free_factor, 4);
	assert_int_equal(pcp->lists[MIGRATE_PCPTYPES * 2 + MIGRATE_MOVABLE].nr, 1);
	fx_check(s);
	__free_pages(s, p2, 2);
	assert_int_equal(pcp->count, 0);
	assert_int_equal(z->pcp_pages, 0);
	assert_int_equal(z->nr_free, 32768);
	fx_check(s);

	pfn_t thp = movable_order(s, PAGEBLOCK_ORDER);

	assert_int_equal(z->nr_free, 32768 - 1024);
	assert_int_equal(pcp->count, 512);
	__free_pages(s, thp, PAGEBLOCK_ORDER);
	assert_int_equal(pcp->count, 512);
	assert_int_equal(z->nr_free, 32768 - 512);
	fx_check(s);
	fx_destroy(s, t);
}

/*
 * Linux fact (6.7 on: nr_pcp_alloc() for order > 0, the free_high test
 * of free_unref_page_commit() with PCPF_PREV_FREE_HIGH_ORDER, nr_pcp_high()
 * and nr_pcp_free() for it), by hand: an order-2 refill takes base
 * batch 7 scaled, max(7 >> 2, 2) = 2 blocks, and raises high by the
 * unscaled 7 (320 -> 327 -> 334 over two refills; no alloc_factor
 * doubling for order > 0). Of four order-2 pages freed in a row the
 * first two stay (no previous high-order free; then free_count 4 < 7);
 * the third finds free_count 8 >= 7 after a high-order free: high drops
 * by 7 << 5 to no lower than high_min (320) and min(12, 224) pages, the
 * whole list, go back; so does the fourth.
 */
static void test_pcp_high_order_6_12(void **state)
{
	(void)state;
	struct topology *t;
	struct sim *s = sim_pcp(&t, "6.12");
	struct zone *z = normal(s, 0);
	struct per_cpu_pages *pcp = &z->pcp[0];
	pfn_t p[4];

	for (int i = 0; i < 4; i++)
		p[i] = movable_order(s, 2);
	assert_int_equal(z->nr_free, 32768 - 16);
	assert_int_equal(pcp->count, 0);
	assert_int_equal(pcp->high, 334);
	__free_pages(s, p[0], 2);
	__free_pages(s, p[1], 2);
	assert_int_equal(pcp->count, 8);
	assert_int_equal(pcp->free_count, 8);
	__free_pages(s, p[2], 2);
	assert_int_equal(pcp->count, 0);
	assert_int_equal(pcp->high, 320);
	assert_int_equal(z->nr_free, 32768 - 4);
	__free_pages(s, p[3], 2);
	assert_int_equal(pcp->count, 0);
	assert_int_equal(z->nr_free, 32768);
	fx_check(s);
	fx_destroy(s, t);
}

/*
 * sim.boot_memmap=1 against the two-socket QEMU machine (2 x 512
 * MiB; node 0 DMA 16 MiB + DMA32, node 1 DMA32 only), Debian 6.1/6.12:
 * node 1 DMA32 managed 128802 -> min/low/high 517/646/775 with
 * min_free_kbytes 3956.
 * memmap: 512 MiB = 4 sections of 128 MiB, 32768 pages * 64 B = 512
 * pages each: 2048 pages a node, taken from the highest zone (DMA32).
 * The topology's `reserved` covers the rest the kernel held: node 1
 * 131072 - 2048 - 128802 = 222 pages; node 0 lost the kernel image and
 * initramfs, 45 MiB = 11520 pages: DMA32 126976 - 2048 - 11520 = 113408,
 * DMA 4096 (the kernel's 3840 of 3998 present: BIOS holes and early
 * reservations below 16 MiB are not modelled). Total managed 246306.
 * __setup_per_zone_wmarks(): pages_min = 3956 / 4 = 989; node 1 DMA32
 * min = 989 * 128802 / 246306 = 517 (127385178 / 246306 = 517.18);
 * gap = max(517 / 4, 128802 * 10 / 10000) = max(129, 128) = 129: low
 * 646, high 775 - the kernel's numbers. With sim.boot_memmap=0 the same
 * zone manages its 131072 present pages.
 */
static void test_boot_memmap_managed_and_wmarks(void **state)
{
	uint64_t zb[2 * MAX_NR_ZONES] = {0};
	struct tunables tun;
	struct nerr err;

	(void)state;
	zb[ZONE_DMA] = 16ULL << 20;
	zb[ZONE_DMA32] = 496ULL << 20;
	zb[MAX_NR_ZONES + ZONE_DMA32] = 512ULL << 20;
	for (int on = 0; on <= 1; on++) {
		struct topology *t = fixture_topo(2, NULL, zb, NULL, 1);

		t->nodes[0].reserved_bytes = 45ULL << 20;
		t->nodes[1].reserved_bytes = 222ULL * 4096;
		tunables_init(&tun);
		assert_int_equal(tunable_set_kv(&tun, "vm.min_free_kbytes=3956", &err), 0);
		assert_int_equal(
			tunable_set_kv(&tun, on ? "sim.boot_memmap=1" : "sim.boot_memmap=0", &err),
			0);
		struct sim *s = sim_create(t, &tun, &err);

		assert_non_null(s);
		const struct zone *d = &s->mem.nodes[0].zones[ZONE_DMA];
		const struct zone *d0 = &s->mem.nodes[0].zones[ZONE_DMA32];
		const struct zone *z = &s->mem.nodes[1].zones[ZONE_DMA32];

		assert_int_equal(z->present_pages, 131072);
		assert_int_equal(d->present_pages, 4096);
		assert_int_equal(d->managed_pages, 4096);
		if (on) {
			assert_int_equal(z->managed_pages, 128802);
			assert_int_equal(d0->managed_pages, 113408);
			assert_int_equal(s->mem.totalram_pages, 246306);
			assert_int_equal(z->wmark[WMARK_MIN], 517);
			assert_int_equal(z->wmark[WMARK_LOW], 646);
			assert_int_equal(z->wmark[WMARK_HIGH], 775);
			assert_int_equal(z->nr_free, 128802);
		} else {
			assert_int_equal(z->managed_pages, 131072);
			assert_int_equal(z->nr_free, 131072);
		}
		sim_destroy(s);
		fixture_topo_free(t);
	}
}

/*
 * A boot pageblock over pages the zone does not manage (the topology's
 * `unmanaged`), as the QEMU guests' DMA zone is: Debian's 6.1 and 6.12 on
 * the eight-node machine show node 0 DMA with 3840 managed pages, one
 * unmovable pageblock (pfn 0-511, over the BIOS holes and the boot
 * reservations below 1 MiB) holding free blocks of orders 5, 6 and 7
 * (224 pages), and 3808 free pages in all: 3584 in movable pageblocks
 * (/proc/pagetypeinfo: one order-9 and three order-10 blocks) + 224.
 * Described as a 16 MiB zone (4096 pages) whose unmovable pageblock has
 * 256 unmanaged pages: managed 4096 - 256 = 3840; the pageblock is the
 * zone's top one, pfns 3584-4095, its managed part 3584-3839 (256
 * pages) holds the 224 free and 32 held; pfns 0-3583 are movable and
 * free: 3584 + 224 = 3808, the kernel's count. Without `unmanaged` the
 * zone manages all 4096 pages and the block holds 512 - 224 = 288 (a
 * 3840-page zone described so would be left with 3552 free).
 */
static void test_boot_pageblock_over_unmanaged_pages(void **state)
{
	uint64_t zb[MAX_NR_ZONES] = {0};
	struct tunables tun;
	struct nerr err;

	(void)state;
	zb[ZONE_DMA] = 16ULL << 20;
	zb[ZONE_DMA32] = 112ULL << 20;
	for (int um = 0; um <= 1; um++) {
		struct topology *t = fixture_topo(1, NULL, zb, NULL, 1);
		struct topo_boot_blocks *b = &t->nodes[0].boot_blocks[ZONE_DMA][0];

		b->blocks = 1;
		b->free[5] = b->free[6] = b->free[7] = 1;
		b->unmanaged = um ? 256 : 0;
		tunables_init(&tun);
		struct sim *s = sim_create(t, &tun, &err);

		assert_non_null(s);
		const struct zone *d = &s->mem.nodes[0].zones[ZONE_DMA];

		assert_int_equal(d->present_pages, 4096);
		if (um) {
			assert_int_equal(d->managed_pages, 3840);
			assert_int_equal(d->nr_free, 3808);
			assert_int_equal(get_pageblock_migratetype(&s->mem, d->start_pfn + 3584),
					 MIGRATE_UNMOVABLE);
			assert_int_equal(get_pageblock_migratetype(&s->mem, d->start_pfn + 3583),
					 MIGRATE_MOVABLE);
		} else {
			assert_int_equal(d->managed_pages, 4096);
			assert_int_equal(d->nr_free, 4096 - 288);
		}
		fx_check(s);
		sim_destroy(s);
		fixture_topo_free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buddy_split_and_merge),
		cmocka_unit_test(test_boot_memmap_managed_and_wmarks),
		cmocka_unit_test(test_boot_pageblock_over_unmanaged_pages),
		cmocka_unit_test(test_watermark_needs_a_block_of_the_order),
		cmocka_unit_test(test_unaligned_zone_layout),
		cmocka_unit_test(test_watermarks_single_zone),
		cmocka_unit_test(test_watermarks_zones_and_lowmem_reserve),
		cmocka_unit_test(test_watermarks_movable),
		cmocka_unit_test(test_zonelist_order_ring4),
		cmocka_unit_test(test_zonelist_memoryless_and_cpuless),
		cmocka_unit_test(test_fallback_follows_zonelist),
		cmocka_unit_test(test_exhaustion_fails_at_min),
		cmocka_unit_test(test_thisnode_fails_instead_of_falling_back),
		cmocka_unit_test(test_nodemask_and_cpuset),
		cmocka_unit_test(test_zone_reclaim_mode_seam),
		cmocka_unit_test(test_high_order),
		cmocka_unit_test(test_random_alloc_free),
		cmocka_unit_test(test_check_detects_corruption),
		cmocka_unit_test(test_two_sims_independent),
		cmocka_unit_test(test_lru_primitives),
		cmocka_unit_test(test_frame_budget),
		cmocka_unit_test(test_zone_of_pfn),
		cmocka_unit_test(test_migratetype_fallback_boosts),
		cmocka_unit_test(test_migratetype_fallback_factor0),
		cmocka_unit_test(test_migratetype_no_claim),
		cmocka_unit_test(test_pcp_6_1),
		cmocka_unit_test(test_pcp_6_12),
		cmocka_unit_test(test_pcp_high_order_6_1),
		cmocka_unit_test(test_pcp_high_order_6_12),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
