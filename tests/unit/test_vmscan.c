/*
 * test_vmscan.c - reclaim (sim/mm/vmscan.c, page_writeback.c, swapfile.c,
 * oom_kill.c) against the kernel's rules, with counts worked out by hand.
 *
 * The machine, unless a test says otherwise: two nodes of 64 MiB (16384
 * pages of 4 KiB, one Normal zone each), one CPU each, distance 20, and
 * vm.min_free_kbytes=1024 so the watermarks are round numbers:
 *   pages_min = 1024 KiB / 4 = 256, shared by managed pages: 128 per node;
 *   gap = max(min / 4, managed * watermark_scale_factor(10) / 10000)
 *       = max(32, 16) = 32;
 *   min 128, low 160, high 192 (__setup_per_zone_wmarks()).
 * node_reclaim()'s thresholds: min_unmapped_pages = 16384 * 1 % = 163,
 * min_slab_pages = 16384 * 5 % = 819.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sim_fixture.h"
#include "mm/filemap.h"
#include "mm/page_writeback.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "task/mmap.h"

#define NODE_PAGES 16384
#define WMARK_MIN_PAGES 128
#define WMARK_LOW_PAGES 160
#define WMARK_HIGH_PAGES 192
#define MIN_UNMAPPED 163

struct vt {
	struct topology *topo;
	struct sim *s;
	struct task *t;	    /* vt_make_file(): pid 1 on cpu 0 */
	struct file_obj *f; /* vt_make_file(): the file "f" */
};

/* Builds the machine above with extra "name=value" tunables (NULL-ended). */
static struct vt vt_make(int nodes, const char *const *kv)
{
	uint64_t mem[4] = {64 << 20, 64 << 20, 64 << 20, 64 << 20};
	struct tunables tun;
	struct nerr err;
	struct vt v = {0};

	v.topo = fixture_topo(nodes, mem, NULL, NULL, 1);
	tunables_init(&tun);
	assert_int_equal(tunable_set_kv(&tun, "vm.min_free_kbytes=1024", &err), 0);
	for (; kv && *kv; kv++)
		if (tunable_set_kv(&tun, *kv, &err))
			fail_msg("%s", err.msg);
	v.s = fx_sim_create(v.topo, &tun);
	const struct zone *z = &v.s->mem.nodes[0].zones[ZONE_NORMAL];

	/* the hand arithmetic above rests on these (two nodes) */
	assert_int_equal(z->managed_pages, NODE_PAGES);
	if (nodes != 2)
		return v;
	assert_int_equal(z->wmark[WMARK_MIN], WMARK_MIN_PAGES);
	assert_int_equal(z->wmark[WMARK_LOW], WMARK_LOW_PAGES);
	assert_int_equal(z->wmark[WMARK_HIGH], WMARK_HIGH_PAGES);
	return v;
}

/* The two-node machine with pid 1 on cpu 0 and a file "f" of size bytes,
 * where most reclaim tests start. */
static struct vt vt_make_file(const char *const *kv, uint64_t size)
{
	struct vt v = vt_make(2, kv);

	v.t = fx_task(v.s, 1, 0, 0);
	v.f = vfs_create(v.s, "f", size, -1);
	assert_non_null(v.f);
	return v;
}

static void vt_free(struct vt *v)
{
	fx_check(v->s);
	fx_destroy(v->s, v->topo);
}

static uint64_t ev(const struct vt *v, enum vm_event_item e)
{
	return v->s->mem.events[e];
}

static const struct pglist_data *node(const struct vt *v, int nid)
{
	return &v->s->mem.nodes[nid];
}

/* Reads pages [first, first + n) of f into the cache for task t, in
 * order: each new page goes to the head of the inactive file list, so
 * page `first` ends at the tail. None is marked accessed (a miss). */
static void read_pages(struct vt *v, struct task *t, struct file_obj *f, uint64_t first, uint64_t n)
{
	for (uint64_t i = first; i < first + n; i++) {
		uint64_t cost = 0;

		assert_int_not_equal(filemap_get_page(v->s, t, f, i, NULL, &cost), NOPFN);
	}
}

static bool cached(struct file_obj *f, uint64_t index)
{
	return page_cache_lookup(f, index) != NOPFN;
}

/* An allocation request of a task on node nid's CPU, as the fault path
 * makes it (GFP_HIGHUSER_MOVABLE may sleep). */
static struct alloc_req user_req(int nid)
{
	struct alloc_req r = {
		.gfp = GFP_HIGHUSER_MOVABLE,
		.order = 0,
		.preferred_nid = nid,
		.local_nid = nid,
	};
	return r;
}

static void set_tun(struct vt *v, const char *kv)
{
	struct nerr err;

	if (tunable_set_kv(&v->s->tun, kv, &err))
		fail_msg("%s", err.msg);
}

/* ---- LRU primitives (mm/swap.c) ------------------------------------------ */

/* folio_mark_accessed(): the first access only sets PG_referenced, the
 * second moves an inactive page to the active list and clears it. */
static void test_mark_accessed_promotes_on_second_access(void **state)
{
	struct vt v = vt_make_file(NULL, 1 << 20);

	(void)state;
	read_pages(&v, v.t, v.f, 0, 1);
	pfn_t pfn = page_cache_lookup(v.f, 0);
	uint32_t *fl = &v.s->mem.f.flags[pfn];

	assert_int_equal(node(&v, 0)->lru[LRU_INACTIVE_FILE].nr, 1);
	assert_false(*fl & PG_referenced);
	mark_page_accessed(v.s, pfn);
	assert_true(*fl & PG_referenced);
	assert_false(*fl & PG_active);
	assert_int_equal(node(&v, 0)->lru[LRU_INACTIVE_FILE].nr, 1);
	mark_page_accessed(v.s, pfn);
	assert_true(*fl & PG_active);
	assert_false(*fl & PG_referenced);
	assert_int_equal(node(&v, 0)->lru[LRU_INACTIVE_FILE].nr, 0);
	assert_int_equal(node(&v, 0)->lru[LRU_ACTIVE_FILE].nr, 1);
	assert_int_equal(ev(&v, PGACTIVATE), 1);
	/* a third access of an active page sets PG_referenced again, no move */
	mark_page_accessed(v.s, pfn);
	assert_true(*fl & PG_referenced);
	assert_int_equal(ev(&v, PGACTIVATE), 1);
	vt_free(&v);
}

/* ---- get_scan_count() ---------------------------------------------------- */

/*
 * Node 0 holds 1600 inactive anon pages, 160 inactive and 320 active
 * file pages. The inactive file list is low (160 * 1 < 320, ratio 1
 * below 1 GiB), so no cache-trim mode; file + free is far above high,
 * so file is not tiny. At priority 4 the list shares are
 * anon 1600 >> 4 = 100, inactive file 10, active file 20, and
 * SCAN_FRACT splits them swappiness : 200 - swappiness (no reclaim cost
 * recorded yet: ap = swappiness, fp = 200 - swappiness).
 */
static struct vt scan_count_machine(const char *swap)
{
	const char *kv[] = {swap, NULL};
	struct vt v = vt_make_file(kv, 64 << 20);

	fx_touch(v.s, v.t, 1ULL << 30, 1600);
	read_pages(&v, v.t, v.f, 0, 480);
	for (uint64_t i = 0; i < 320; i++) {
		mark_page_accessed(v.s, page_cache_lookup(v.f, i));
		mark_page_accessed(v.s, page_cache_lookup(v.f, i));
	}
	assert_int_equal(node(&v, 0)->lru[LRU_INACTIVE_ANON].nr, 1600);
	assert_int_equal(node(&v, 0)->lru[LRU_INACTIVE_FILE].nr, 160);
	assert_int_equal(node(&v, 0)->lru[LRU_ACTIVE_FILE].nr, 320);
	return v;
}

static void expect_scan(struct vt *v, int prio, uint64_t ia, uint64_t aa, uint64_t ifl, uint64_t af)
{
	uint64_t nr[NR_LRU_LISTS];

	get_scan_count_node(v->s, 0, prio, true, nr);
	assert_int_equal(nr[LRU_INACTIVE_ANON], ia);
	assert_int_equal(nr[LRU_ACTIVE_ANON], aa);
	assert_int_equal(nr[LRU_INACTIVE_FILE], ifl);
	assert_int_equal(nr[LRU_ACTIVE_FILE], af);
}

static void test_get_scan_count_swappiness(void **state)
{
	struct vt v = scan_count_machine("sim.swap_size=64MiB");

	(void)state;
	/* default 60: anon 100*60/200 = 30; file 10*140/200 = 7, 20*140/200 = 14 */
	expect_scan(&v, 4, 30, 0, 7, 14);
	set_tun(&v, "vm.swappiness=100"); /* equal cost: 50, 5, 10 */
	expect_scan(&v, 4, 50, 0, 5, 10);
	set_tun(&v, "vm.swappiness=200"); /* fp = 0: file not scanned */
	expect_scan(&v, 4, 100, 0, 0, 0);
	set_tun(&v, "vm.swappiness=0"); /* ap = 0: anon not scanned */
	expect_scan(&v, 4, 0, 0, 10, 20);
	/* priority 0 "close to OOM": SCAN_EQUAL unless swappiness is 0 */
	expect_scan(&v, 0, 0, 0, 160, 320);
	set_tun(&v, "vm.swappiness=60");
	expect_scan(&v, 0, 1600, 0, 160, 320);
	vt_free(&v);
}

/* Without swap space anon is never scanned (can_reclaim_anon_pages()). */
static void test_get_scan_count_no_swap(void **state)
{
	struct vt v = scan_count_machine("sim.swap_size=0");

	(void)state;
	expect_scan(&v, 4, 0, 0, 10, 20);
	expect_scan(&v, 0, 0, 0, 160, 320);
	vt_free(&v);
}

/* cache_trim_mode: 160 more inactive file pages make the list not low
 * (320 * 1 >= 320): file only, 320 >> 4 = 20 and 320 >> 4 = 20. */
static void test_get_scan_count_cache_trim(void **state)
{
	struct vt v = scan_count_machine("sim.swap_size=64MiB");
	struct task *t = fx_task(v.s, 2, 0, 0);

	(void)state;
	read_pages(&v, t, vfs_create(v.s, "g", 1 << 20, -1), 0, 160);
	expect_scan(&v, 4, 0, 0, 20, 20);
	vt_free(&v);
}

/*
 * file_is_tiny: node 0 filled with anonymous memory (the allocations
 * overflow to node 1 once node 0 is below low), no file pages, so
 * file + free <= high (192) and anon is scanned alone — even with
 * swappiness 0: global reclaim swaps rather than OOM.
 */
static void test_get_scan_count_file_tiny(void **state)
{
	const char *kv[] = {"sim.swap_size=64MiB", "vm.swappiness=0", NULL};
	struct vt v = vt_make(2, kv);
	struct task *t = fx_task(v.s, 1, 0, 0);

	(void)state;
	fx_touch(v.s, t, 1ULL << 30, NODE_PAGES);
	uint64_t anon = node(&v, 0)->lru[LRU_INACTIVE_ANON].nr;

	assert_true(node_free_pages(node(&v, 0)) <= WMARK_HIGH_PAGES);
	expect_scan(&v, 4, anon >> 4, 0, 0, 0);
	vt_free(&v);
}

/* ---- node_reclaim() -------------------------------------------------------- */

static void test_node_reclaim_mode0_noscan(void **state)
{
	struct vt v = vt_make(2, NULL);
	struct task *t = fx_task(v.s, 1, 0, 0);
	struct alloc_req r = user_req(0);

	(void)state;
	read_pages(&v, t, vfs_create(v.s, "f", 8 << 20, -1), 0, 512);
	assert_int_equal(node_reclaim(v.s, 0, &r), NODE_RECLAIM_NOSCAN);
	assert_int_equal(ev(&v, PGSCAN_DIRECT), 0);
	vt_free(&v);
}

/* 100 unmapped clean pages <= min_unmapped_pages (163): nothing worth
 * reclaiming, FULL, and no counter moves. */
static void test_node_reclaim_below_min_unmapped_full(void **state)
{
	const char *kv[] = {"vm.zone_reclaim_mode=1", NULL};
	struct vt v = vt_make(2, kv);
	struct task *t = fx_task(v.s, 1, 0, 0);
	struct alloc_req r = user_req(0);

	(void)state;
	read_pages(&v, t, vfs_create(v.s, "f", 8 << 20, -1), 0, 100);
	assert_int_equal(node_reclaim(v.s, 0, &r), NODE_RECLAIM_FULL);
	assert_int_equal(ev(&v, PGSCAN_DIRECT), 0);
	assert_int_equal(ev(&v, ZONE_RECLAIM_SUCCESS) + ev(&v, ZONE_RECLAIM_FAILED), 0);
	vt_free(&v);
}

/* Node 1 has a CPU and the caller runs on node 0: no scan there. A
 * non-blocking allocation (no __GFP_DIRECT_RECLAIM) does not scan either. */
static void test_node_reclaim_remote_or_atomic_noscan(void **state)
{
	const char *kv[] = {"vm.zone_reclaim_mode=1", NULL};
	struct vt v = vt_make(2, kv);
	struct task *t = fx_task(v.s, 1, 0, 1);
	struct alloc_req r = user_req(0);
	struct alloc_req atomic = user_req(1);

	(void)state;
	read_pages(&v, t, vfs_create(v.s, "f", 8 << 20, -1), 0, 512);
	assert_int_equal(node(&v, 1)->lru[LRU_INACTIVE_FILE].nr, 512);
	assert_int_equal(node_reclaim(v.s, 1, &r), NODE_RECLAIM_NOSCAN);
	atomic.gfp = GFP_NOWAIT;
	assert_int_equal(node_reclaim(v.s, 1, &atomic), NODE_RECLAIM_NOSCAN);
	assert_int_equal(ev(&v, PGSCAN_DIRECT), 0);
	vt_free(&v);
}

/*
 * Mode 1 on 512 clean unmapped pages: priority 4 asks for 512 >> 4 = 32
 * inactive file pages (SCAN_FILE, no swap), taken from the tail — the
 * pages read first, 0..31 — and all 32 are freed. 32 >= 1 << order, so
 * no lower priority: pgscan_direct = pgsteal_direct = 32, one success.
 * The stall is the scan: 32 * sim.cost.scan_page_ns (50) = 1600 ns.
 */
static void test_node_reclaim_mode1_tail_first(void **state)
{
	const char *kv[] = {"vm.zone_reclaim_mode=1", NULL};
	struct vt v = vt_make_file(kv, 8 << 20);
	struct alloc_req r = user_req(0);

	(void)state;
	read_pages(&v, v.t, v.f, 0, 512);
	assert_int_equal(node_reclaim(v.s, 0, &r), NODE_RECLAIM_SUCCESS);
	assert_int_equal(ev(&v, PGSCAN_DIRECT), 32);
	assert_int_equal(ev(&v, PGSTEAL_DIRECT), 32);
	assert_int_equal(ev(&v, ZONE_RECLAIM_SUCCESS), 1);
	assert_int_equal(ev(&v, PGSCAN_KSWAPD), 0);
	assert_false(cached(v.f, 0));
	assert_false(cached(v.f, 31));
	assert_true(cached(v.f, 32));
	assert_true(cached(v.f, 511));
	assert_int_equal(r.stall_ns, 32 * 50);
	vt_free(&v);
}

/*
 * shrink_active_list() moves unreferenced pages from the active tail to
 * the inactive list, and only while the inactive list is low. Node 0
 * has 64 active file pages (activated in order 0..63: page 0 at the
 * tail) and nothing inactive. Node reclaim, mode 1:
 *  prio 4: inactive 0 >> 4 = 0, active 64 >> 4 = 4: pages 0..3
 *          deactivated (inactive 4, active 60);
 *  prio 3: inactive 4 >> 3 = 0, active 60 >> 3 = 7: pages 4..10
 *          (inactive 11, active 53);
 *  prio 2: inactive 11 >> 2 = 2: the tail, pages 0 and 1, are freed;
 *          active 53 >> 2 = 13, inactive 9 * 1 < 53 still low: pages
 *          11..23 deactivated (inactive 22, active 40).
 *  2 >= 1 page: success. pgdeactivate = 4 + 7 + 13 = 24 = pgrefill.
 * 64 pages are below min_unmapped_pages (163), which would give FULL
 * in current kernels: the 2.6.16 model has no such pre-check.
 */
static void test_shrink_active_list_deactivates_tail(void **state)
{
	const char *kv[] = {"vm.zone_reclaim_mode=1", "sim.zone_reclaim_interval_model=1", NULL};
	struct vt v = vt_make_file(kv, 1 << 20);
	struct alloc_req r = user_req(0);

	(void)state;
	read_pages(&v, v.t, v.f, 0, 64);
	for (uint64_t i = 0; i < 64; i++) {
		mark_page_accessed(v.s, page_cache_lookup(v.f, i));
		mark_page_accessed(v.s, page_cache_lookup(v.f, i));
	}
	assert_int_equal(node(&v, 0)->lru[LRU_ACTIVE_FILE].nr, 64);
	assert_int_equal(node_reclaim(v.s, 0, &r), NODE_RECLAIM_SUCCESS);
	assert_int_equal(ev(&v, PGDEACTIVATE), 24);
	assert_int_equal(ev(&v, PGREFILL), 24);
	assert_int_equal(ev(&v, PGSCAN_DIRECT), 2);
	assert_int_equal(ev(&v, PGSTEAL_DIRECT), 2);
	assert_false(cached(v.f, 0));
	assert_false(cached(v.f, 1));
	assert_true(cached(v.f, 2));
	assert_int_equal(node(&v, 0)->lru[LRU_ACTIVE_FILE].nr, 40);
	assert_int_equal(node(&v, 0)->lru[LRU_INACTIVE_FILE].nr, 22);
	vt_free(&v);
}

/*
 * Dirty page cache (512 pages written, never read): without
 * RECLAIM_WRITE node_pagecache_reclaimable() leaves the dirty pages out,
 * 512 - 512 = 0 <= 163: FULL. With mode 3 all 512 count, but in 6.x
 * node reclaim writes no file page (shrink_folio_list(): only kswapd
 * may). Priority 4 scans 512 >> 4 = 32 pages, the LRU tail (pages
 * 0..31): all dirty, activated and left, so the batch wakes the flusher
 * (nr_unqueued_dirty == nr_taken -> wakeup_flusher_threads()), which
 * writes all 512 at once although they are far below the background
 * threshold (start-all, fewer than one 1024-page pass): 512 * 4 KiB =
 * 2048 kB of pgpgout, no page dirty. Nothing was freed: priority 3 takes
 * the next 32 (pages 32..63), clean now, and frees them: SUCCESS with
 * pgscan_direct 64, pgsteal_direct 32, pgactivate 32.
 */
static void test_node_reclaim_write_bit(void **state)
{
	const char *kv[] = {"vm.zone_reclaim_mode=1", NULL};
	struct vt v = vt_make_file(kv, 8 << 20);
	struct alloc_req r = user_req(0);
	uint64_t cost = 0, bg, thresh;

	(void)state;
	v.s->current = v.t;
	assert_int_equal(vfs_write(v.s, v.t, v.f, 0, 512 * 4096, &cost), 512 * 4096);
	assert_int_equal(node(&v, 0)->stat[NR_FILE_DIRTY], 512);
	global_dirty_limits(v.s, &bg, &thresh);
	assert_true(bg > 512);
	assert_int_equal(node_reclaim(v.s, 0, &r), NODE_RECLAIM_FULL);
	set_tun(&v, "vm.zone_reclaim_mode=3");
	assert_int_equal(node_reclaim(v.s, 0, &r), NODE_RECLAIM_SUCCESS);
	assert_int_equal(ev(&v, PGSCAN_DIRECT), 64);
	assert_int_equal(ev(&v, PGSTEAL_DIRECT), 32);
	assert_int_equal(ev(&v, PGACTIVATE), 32);
	assert_int_equal(node(&v, 0)->stat[NR_FILE_DIRTY], 0);
	assert_int_equal(ev(&v, PGPGOUT), 2048);
	assert_true(cached(v.f, 0) && cached(v.f, 31) && cached(v.f, 64));
	assert_false(cached(v.f, 32) || cached(v.f, 63));
	v.s->current = NULL;
	vt_free(&v);
}

/*
 * The same in the 2.6.16 model (sim.zone_reclaim_interval_model=1):
 * node reclaim with RECLAIM_WRITE writes dirty file pages itself; the
 * 32 tail pages are written back (NR_FILE_DIRTY 512 -> 480) and freed.
 */
static void test_node_reclaim_write_bit_2_6_16(void **state)
{
	const char *kv[] = {"vm.zone_reclaim_mode=3", "sim.zone_reclaim_interval_model=1", NULL};
	struct vt v = vt_make_file(kv, 8 << 20);
	struct alloc_req r = user_req(0);
	uint64_t cost = 0;

	(void)state;
	v.s->current = v.t;
	assert_int_equal(vfs_write(v.s, v.t, v.f, 0, 512 * 4096, &cost), 512 * 4096);
	assert_int_equal(node_reclaim(v.s, 0, &r), NODE_RECLAIM_SUCCESS);
	assert_int_equal(ev(&v, PGSTEAL_DIRECT), 32);
	assert_int_equal(node(&v, 0)->stat[NR_FILE_DIRTY], 480);
	assert_false(cached(v.f, 0));
	assert_true(cached(v.f, 32));
	v.s->current = NULL;
	vt_free(&v);
}

/* Maps pages [0, n) of file f shared into t at addr and reads each once. */
static void map_file(struct vt *v, struct task *t, struct file_obj *f, uint64_t addr, uint64_t n)
{
	assert_non_null(mmap_region(v->s, t->mm, addr, addr + n * 4096,
				    VM_READ | VM_SHARED | VM_FILE, f->id, 0));
	for (uint64_t i = 0; i < n; i++) {
		struct fault_result res;

		assert_int_equal(handle_mm_fault(v->s, t, addr + i * 4096, false, &res), 0);
	}
}

/*
 * Mapped page cache, 512 pages mapped once (young ptes). Mode 1: only
 * unmapped cache counts, 0 <= 163: FULL. Mode 5 (RECLAIM_UNMAP): all
 * 512 file pages count. Each mapped page is kept on its first look
 * (one young pte: PG_referenced set, young cleared) and reclaimed on
 * its second (no young pte, referenced once: RECLAIM_CLEAN, clean):
 *   prio 4..1 scan 32 + 64 + 128 + 256 = 480 first looks;
 *   prio 0 scans 32 more first looks (pages 480..511), then pages
 *   0..31 on their second look: 32 freed >= nr_to_reclaim, stop.
 * pgscan_direct = 544, pgsteal_direct = 32, 32 ptes gone.
 */
static void test_node_reclaim_unmap_bit(void **state)
{
	const char *kv[] = {"vm.zone_reclaim_mode=1", NULL};
	struct vt v = vt_make_file(kv, 8 << 20);
	struct alloc_req r = user_req(0);

	(void)state;
	map_file(&v, v.t, v.f, 1ULL << 30, 512);
	assert_int_equal(node(&v, 0)->stat[NR_FILE_MAPPED], 512);
	assert_int_equal(node_reclaim(v.s, 0, &r), NODE_RECLAIM_FULL);
	set_tun(&v, "vm.zone_reclaim_mode=5");
	assert_int_equal(node_reclaim(v.s, 0, &r), NODE_RECLAIM_SUCCESS);
	assert_int_equal(ev(&v, PGSCAN_DIRECT), 544);
	assert_int_equal(ev(&v, PGSTEAL_DIRECT), 32);
	assert_int_equal(node(&v, 0)->stat[NR_FILE_MAPPED], 480);
	assert_int_equal(v.t->mm->rss, 480);
	assert_false(cached(v.f, 0));
	assert_true(cached(v.f, 480));
	vt_free(&v);
}

/*
 * Anonymous pages under node reclaim (2.6.16 model: no page-cache
 * pre-check, so a node of anon alone is scanned). 512 anon pages,
 * swappiness 60, swap on, no file pages, free far above high:
 * SCAN_FRACT, anon share (512 >> p) * 60 / 200:
 *   prio 4: 9, prio 3: 19, prio 2: 38, prio 1: 76 — all first looks
 *   (young pte: kept), 142 pages in all;
 *   prio 0: SCAN_EQUAL, 512: 370 first looks, then second looks.
 * Mode 5 (unmap, no write): a second look gets a swap slot and is
 * unmapped, but a dirty anon page needs may_writepage (RECLAIM_WRITE)
 * to be written: kept. Nothing is freed; all 512 of prio 0 are scanned:
 * pgscan_direct = 142 + 512 = 654, pswpout 0, failure; the 142 pages
 * looked at twice are now unmapped and in the swap cache.
 */
static void test_node_reclaim_anon_needs_write_bit(void **state)
{
	const char *kv[] = {"vm.zone_reclaim_mode=5", "sim.zone_reclaim_interval_model=1",
			    "sim.swap_size=64MiB", NULL};
	struct vt v = vt_make(2, kv);
	struct task *t = fx_task(v.s, 1, 0, 0);
	struct alloc_req r = user_req(0);

	(void)state;
	fx_touch(v.s, t, 1ULL << 30, 512);
	assert_int_equal(node_reclaim(v.s, 0, &r), NODE_RECLAIM_SOME);
	assert_int_equal(ev(&v, PGSCAN_DIRECT), 654);
	assert_int_equal(ev(&v, PGSTEAL_DIRECT), 0);
	assert_int_equal(ev(&v, PSWPOUT), 0);
	assert_int_equal(ev(&v, ZONE_RECLAIM_FAILED), 1);
	assert_int_equal(node(&v, 0)->stat[NR_SWAPCACHE], 142);
	assert_int_equal(t->mm->rss, 512 - 142);
	vt_free(&v);
}

/*
 * The same with mode 7: prio 0 batches of 32 go through the 370 first
 * looks (11 batches = 352, then 18 of the 12th batch) and 14 second
 * looks in the 12th batch, swapped out and freed; 14 < 32, one more
 * batch frees 32: 46 >= 32 and no file to scale: stop.
 * pgscan = 142 + 13 * 32 = 558, pgsteal = pswpout = 46.
 * A write fault on a swapped page then reads it back: pswpin 1.
 */
static void test_node_reclaim_mode7_swaps_anon(void **state)
{
	const char *kv[] = {"vm.zone_reclaim_mode=7", "sim.zone_reclaim_interval_model=1",
			    "sim.swap_size=64MiB", NULL};
	struct vt v = vt_make(2, kv);
	struct task *t = fx_task(v.s, 1, 0, 0);
	struct alloc_req r = user_req(0);
	struct fault_result res;

	(void)state;
	fx_touch(v.s, t, 1ULL << 30, 512);
	assert_int_equal(node_reclaim(v.s, 0, &r), NODE_RECLAIM_SUCCESS);
	assert_int_equal(ev(&v, PGSCAN_DIRECT), 558);
	assert_int_equal(ev(&v, PGSTEAL_DIRECT), 46);
	assert_int_equal(ev(&v, PSWPOUT), 46);
	assert_int_equal(t->mm->rss, 512 - 46);
	/* page 0 was the first second look: swapped out and freed */
	pte_t p = pgtable_get(&t->mm->pt, (1ULL << 30) >> 12);

	assert_true(p & PTE_SWAP);
	assert_int_equal(handle_mm_fault(v.s, t, 1ULL << 30, true, &res), 0);
	assert_int_equal(ev(&v, PSWPIN), 1);
	assert_int_equal(t->mm->rss, 512 - 45);
	vt_free(&v);
}

/*
 * The 2.6.16 interval model: after a failed zone reclaim the node is
 * not scanned for vm.zone_reclaim_interval seconds (FULL), then it is.
 */
static void test_zone_reclaim_interval(void **state)
{
	const char *kv[] = {"vm.zone_reclaim_mode=1", "sim.zone_reclaim_interval_model=1",
			    "vm.zone_reclaim_interval=30", NULL};
	struct vt v = vt_make(2, kv);
	struct alloc_req r = user_req(0);

	(void)state;
	/* nothing to reclaim on an empty node: the first try fails */
	assert_int_equal(node_reclaim(v.s, 0, &r), NODE_RECLAIM_SOME);
	assert_int_equal(ev(&v, ZONE_RECLAIM_FAILED), 1);
	engine_run_until(&v.s->eng, 29ULL * 1000000000ULL);
	assert_int_equal(node_reclaim(v.s, 0, &r), NODE_RECLAIM_FULL);
	assert_int_equal(ev(&v, ZONE_RECLAIM_FAILED), 1);
	engine_run_until(&v.s->eng, 30ULL * 1000000000ULL);
	assert_int_equal(node_reclaim(v.s, 0, &r), NODE_RECLAIM_SOME);
	assert_int_equal(ev(&v, ZONE_RECLAIM_FAILED), 2);
	vt_free(&v);
}

/*
 * Periodic writeback (wb_check_old_data_flush()): 512 pages written at
 * t = 0, far below the background threshold, so nothing writes them
 * until they are vm.dirty_expire_centisecs (30 s) old; the flusher's
 * timer, armed when the file first went dirty, ticks every
 * vm.dirty_writeback_centisecs (5 s): at 5, 10, ..., 25 s they are too
 * young, at 30 s (0 + 30 s <= 30 s) all 512 are written (2048 kB of
 * pgpgout) and the timer stops. With vm.dirty_writeback_centisecs=0
 * there is no timer: they stay dirty.
 */
static void test_periodic_writeback(void **state)
{
	for (int off = 0; off <= 1; off++) {
		const char *kv[] = {off ? "vm.dirty_writeback_centisecs=0" : NULL, NULL};
		struct vt v = vt_make(2, kv);
		struct task *t = fx_task(v.s, 1, 0, 0);
		struct file_obj *f = vfs_create(v.s, "f", 8 << 20, -1);
		uint64_t cost = 0, bg, thresh;

		(void)state;
		assert_int_equal(vfs_write(v.s, t, f, 0, 512 * 4096, &cost), 512 * 4096);
		global_dirty_limits(v.s, &bg, &thresh);
		assert_true(bg > 512);
		fx_drain(v.s);
		if (off) {
			assert_int_equal(node(&v, 0)->stat[NR_FILE_DIRTY], 512);
			assert_int_equal(ev(&v, PGPGOUT), 0);
		} else {
			assert_int_equal(node(&v, 0)->stat[NR_FILE_DIRTY], 0);
			assert_int_equal(ev(&v, PGPGOUT), 2048);
			assert_int_equal(sim_now(v.s), 30000000000ULL);
		}
		vt_free(&v);
	}
}

/* ---- kswapd ---------------------------------------------------------------- */

/*
 * One node: a task reads a file until an allocation fails the low
 * watermark on every node of the zonelist, which wakes kswapd (the slow
 * path's wake_all_kswapds()); reading stops at the wakeup. Returns the
 * node's Normal zone.
 */
static const struct zone *read_until_kswapd_wakes(struct vt *v)
{
	struct task *t = fx_task(v->s, 1, 0, 0);
	struct file_obj *f = vfs_create(v->s, "f", 128 << 20, -1);
	uint64_t i = 0;

	while (!ev(v, KSWAPD_WAKE)) {
		uint64_t cost = 0;

		assert_int_not_equal(filemap_get_page(v->s, t, f, i++, NULL, &cost), NOPFN);
		assert_true(i < NODE_PAGES);
	}
	return &node(v, 0)->zones[ZONE_NORMAL];
}

/*
 * One node read until kswapd wakes (read_until_kswapd_wakes()); kswapd
 * then runs alone until pgdat_balanced(): free > high. Nothing else
 * allocates or frees, so free after = free at wakeup + pgsteal_kswapd.
 */
static void test_kswapd_reclaims_to_high_then_sleeps(void **state)
{
	struct vt v = vt_make(1, NULL);
	const struct zone *z = read_until_kswapd_wakes(&v);

	(void)state;
	uint64_t free_at_wake = z->nr_free;

	assert_true(free_at_wake <= z->wmark[WMARK_LOW]);
	assert_int_equal(ev(&v, PGSCAN_KSWAPD), 0);
	fx_drain(v.s);
	assert_false(node(&v, 0)->kswapd_awake);
	assert_true(z->nr_free > z->wmark[WMARK_HIGH]);
	assert_int_equal(z->nr_free, free_at_wake + ev(&v, PGSTEAL_KSWAPD));
	assert_true(ev(&v, PGSCAN_KSWAPD) >= ev(&v, PGSTEAL_KSWAPD));
	assert_int_equal(ev(&v, PGSCAN_DIRECT), 0);
	assert_int_equal(node(&v, 0)->kswapd_failures, 0);
	vt_free(&v);
}

/*
 * kswapd_catch_up(): a long system call lets kswapd run the batches due
 * by the caller's own clock. Woken as above, kswapd's first batch runs
 * at the waker's time (it was woken by the allocation just made): a
 * catch-up to that instant runs one batch (its next one is later by the
 * batch's cost, at least 1 ns), a catch-up a second later runs kswapd
 * until the node is balanced, without the engine. The batch queued at
 * the wakeup is then stale: draining the engine changes nothing.
 */
static void test_kswapd_catch_up(void **state)
{
	struct vt v = vt_make(1, NULL);
	const struct zone *z = read_until_kswapd_wakes(&v);

	(void)state;
	uint64_t free_at_wake = z->nr_free, now = sim_now(v.s);

	kswapd_catch_up(v.s, now);
	uint64_t one = ev(&v, PGSCAN_KSWAPD);

	assert_true(one > 0);
	assert_true(node(&v, 0)->kswapd_awake);
	assert_true(node(&v, 0)->kswapd_next_ns > now);
	kswapd_catch_up(v.s, now); /* nothing more is due */
	assert_int_equal(ev(&v, PGSCAN_KSWAPD), one);
	kswapd_catch_up(v.s, now + 1000000000ULL);
	assert_false(node(&v, 0)->kswapd_awake);
	assert_true(z->nr_free > z->wmark[WMARK_HIGH]);
	assert_int_equal(z->nr_free, free_at_wake + ev(&v, PGSTEAL_KSWAPD));
	uint64_t scanned = ev(&v, PGSCAN_KSWAPD);

	fx_drain(v.s);
	assert_int_equal(ev(&v, PGSCAN_KSWAPD), scanned);
	assert_int_equal(ev(&v, KSWAPD_WAKE), 1);
	vt_free(&v);
}

/*
 * kswapd_try_to_sleep()'s second look: kswapd sleeps on a balanced node,
 * the reader then takes the node below its high watermark but not its
 * low one (no wakeup: wakeup_kswapd() is only called below low), and at
 * the end of the HZ/10 nap kswapd finds the node unbalanced: it counts
 * kswapd_high_wmark_hit_quickly and runs balance_pgdat() again, unwoken
 * (pageoutrun 2, kswapd_wake still 1), back above high. A node still
 * balanced at the nap's end, as after that second run, sends it to
 * sleep for good: draining again changes nothing.
 */
static void test_kswapd_nap_end_looks_again(void **state)
{
	struct vt v = vt_make(1, NULL);
	const struct zone *z = read_until_kswapd_wakes(&v);
	struct task *t = task_find(v.s, 1);
	struct file_obj *g = vfs_create(v.s, "g", 128 << 20, -1);

	(void)state;
	kswapd_catch_up(v.s, sim_now(v.s));
	kswapd_catch_up(v.s, sim_now(v.s) + 10000000ULL);
	assert_false(node(&v, 0)->kswapd_awake);
	assert_true(z->nr_free > z->wmark[WMARK_HIGH]);
	for (uint64_t i = 0; z->nr_free >= z->wmark[WMARK_HIGH]; i++) {
		uint64_t cost = 0;

		assert_int_not_equal(filemap_get_page(v.s, t, g, i, NULL, &cost), NOPFN);
	}
	assert_true(z->nr_free > z->wmark[WMARK_LOW]);
	assert_int_equal(ev(&v, KSWAPD_WAKE), 1);
	assert_int_equal(ev(&v, PAGEOUTRUN), 1);
	fx_drain(v.s);
	assert_int_equal(ev(&v, KSWAPD_HIGH_WMARK_HIT_QUICKLY), 1);
	assert_int_equal(ev(&v, KSWAPD_WAKE), 1);
	assert_int_equal(ev(&v, PAGEOUTRUN), 2);
	assert_false(node(&v, 0)->kswapd_awake);
	assert_true(z->nr_free > z->wmark[WMARK_HIGH]);
	uint64_t free = z->nr_free;

	fx_drain(v.s);
	assert_int_equal(ev(&v, KSWAPD_HIGH_WMARK_HIT_QUICKLY), 1);
	assert_int_equal(z->nr_free, free);
	vt_free(&v);
}

/*
 * Linux fact (mm/vmscan.c kswapd(), wakeup_kswapd(), kswapd_highest_
 * zoneidx(), the same in 6.1 and 6.12): a wakeup while kswapd is inside
 * balance_pgdat() does not change that run; it leaves its request in
 * pgdat->kswapd_highest_zoneidx, and kswapd() reads it once the run
 * returns: the sleep check (prepare_kswapd_sleep()) and kcompactd's
 * wakeup are for the request's zones, not the run's, even if they are
 * lower. Here kswapd, woken by the page cache's allocations for zones up
 * to ZONE_MOVABLE (gfp_zone() of GFP_HIGHUSER_MOVABLE), runs its first
 * batch; a
 * wakeup for ZONE_DMA then is kept apart; the run ends with the node
 * balanced and kswapd naps with zone index 0: the node has no DMA zone,
 * so it is balanced for it (pgdat_balanced() with no eligible zone).
 */
static void test_kswapd_request_during_run(void **state)
{
	struct vt v = vt_make(1, NULL);

	(void)state;
	read_until_kswapd_wakes(&v);
	const struct pglist_data *pg = node(&v, 0);

	kswapd_catch_up(v.s, sim_now(v.s));
	assert_true(pg->kswapd_awake);
	assert_true(pg->kswapd_in_run);
	assert_int_equal(pg->kswapd_highest_zoneidx, ZONE_MOVABLE);
	wakeup_kswapd(v.s, 0, 0, 0, ZONE_DMA);
	assert_true(pg->kswapd_req);
	assert_int_equal(pg->kswapd_req_zoneidx, ZONE_DMA);
	assert_int_equal(pg->kswapd_highest_zoneidx, ZONE_MOVABLE);
	fx_drain(v.s);
	assert_false(pg->kswapd_awake);
	assert_int_equal(pg->kswapd_highest_zoneidx, ZONE_DMA);
	assert_int_equal(ev(&v, KSWAPD_WAKE), 1);
	vt_free(&v);
}

/*
 * sim.kswapd_shares_cpu: the node has one CPU and the reader runs on it.
 * Its first wakeup runs kswapd at once (the reader's deadline, 0, has
 * passed: eevdf_wakeup_wait()), and while kswapd runs the reader waits:
 * one catch-up to the reader's clock runs kswapd's whole balance_pgdat()
 * run, and returns its time, each batch's pages scanned at 50 ns
 * (sim.cost.scan_page_ns; clean page cache, no I/O): pgscan_kswapd x
 * 50. Off, the same catch-up runs one batch and the reader waits for
 * nothing (test_kswapd_catch_up).
 */
static void test_kswapd_shares_the_readers_cpu(void **state)
{
	const char *on[] = {"sim.kswapd_shares_cpu=1", NULL};

	(void)state;
	for (int share = 0; share < 2; share++) {
		struct vt v = vt_make(1, share ? on : NULL);
		struct task *t = fx_task(v.s, 1, 0, 0);
		struct file_obj *f = vfs_create(v.s, "f", 128 << 20, -1);
		const struct zone *z = &node(&v, 0)->zones[ZONE_NORMAL];

		v.s->current = t;
		for (uint64_t i = 0; !ev(&v, KSWAPD_WAKE); i++) {
			uint64_t cost = 0;

			assert_int_not_equal(filemap_get_page(v.s, t, f, i, NULL, &cost), NOPFN);
			assert_true(i < NODE_PAGES);
		}
		assert_int_equal(node(&v, 0)->kswapd_cpu_shared, share);
		assert_int_equal(node(&v, 0)->kswapd_wake_delay, 0);
		uint64_t waited = kswapd_catch_up(v.s, sim_now(v.s));

		if (share) {
			assert_false(node(&v, 0)->kswapd_awake);
			assert_true(z->nr_free > z->wmark[WMARK_HIGH]);
			assert_true(ev(&v, PGSCAN_KSWAPD) > 0);
			assert_int_equal(waited, ev(&v, PGSCAN_KSWAPD) * 50);
			assert_int_equal(node(&v, 0)->kswapd_cpu.given, waited);
		} else {
			assert_true(node(&v, 0)->kswapd_awake);
			assert_int_equal(waited, 0);
		}
		v.s->current = NULL;
		fx_drain(v.s);
		vt_free(&v);
	}
}

/*
 * sim.cost.kswapd_wakeup_ns (the scheduler's wakeup latency, mean 1 ms
 * here): kswapd woken by the allocation just made runs its first batch
 * only after the delay drawn at the wakeup, none before it. Catching up
 * 10 ms more balances the node (one balance_pgdat() run: pageoutrun 1)
 * and kswapd sleeps; reading on at once wakes it again within the HZ/10
 * nap of kswapd_try_to_sleep(): kswapd_low_wmark_hit_quickly 1; its
 * second balance_pgdat() run, and pageoutrun 2, come when it runs, after
 * the delay drawn for this wakeup. The same seed draws the same delay.
 */
static void test_kswapd_wakeup_latency(void **state)
{
	const char *kv[] = {"sim.cost.kswapd_wakeup_ns=1000000", NULL};
	uint64_t delay[2];

	(void)state;
	for (int run = 0; run < 2; run++) {
		struct vt v = vt_make(1, kv);
		const struct zone *z = read_until_kswapd_wakes(&v);
		uint64_t now = sim_now(v.s);

		delay[run] = node(&v, 0)->kswapd_wake_delay;
		assert_true(delay[run] > 0);
		kswapd_catch_up(v.s, now);
		assert_int_equal(ev(&v, PGSCAN_KSWAPD), 0);
		kswapd_catch_up(v.s, now + delay[run] - 1);
		assert_int_equal(ev(&v, PGSCAN_KSWAPD), 0);
		kswapd_catch_up(v.s, now + delay[run]);
		assert_true(ev(&v, PGSCAN_KSWAPD) > 0);
		/* the rest of the run, by the reader's clock, which stays
		 * inside the nap that follows (the engine's does not move) */
		kswapd_catch_up(v.s, now + delay[run] + 10000000ULL);
		assert_false(node(&v, 0)->kswapd_awake);
		assert_true(z->nr_free > z->wmark[WMARK_HIGH]);
		assert_int_equal(ev(&v, PAGEOUTRUN), 1);
		assert_int_equal(ev(&v, KSWAPD_LOW_WMARK_HIT_QUICKLY), 0);
		struct task *t = task_find(v.s, 1);
		struct file_obj *g = vfs_create(v.s, "g", 128 << 20, -1);

		for (uint64_t i = 0; ev(&v, KSWAPD_WAKE) < 2; i++) {
			uint64_t cost = 0;

			assert_int_not_equal(filemap_get_page(v.s, t, g, i, NULL, &cost), NOPFN);
			assert_true(i < NODE_PAGES);
		}
		assert_int_equal(ev(&v, KSWAPD_LOW_WMARK_HIT_QUICKLY), 1);
		assert_int_equal(ev(&v, PAGEOUTRUN), 1);
		fx_drain(v.s);
		assert_int_equal(ev(&v, PAGEOUTRUN), 2);
		vt_free(&v);
	}
	assert_int_equal(delay[0], delay[1]);
}

/*
 * A node of anonymous memory and no swap: kswapd cannot reclaim (and
 * does not even scan anon). One wakeup runs balance_pgdat() again and
 * again — prepare_kswapd_sleep() refuses to sleep on an unbalanced node
 * — until MAX_RECLAIM_RETRIES (16) runs failed; then the node is
 * hopeless and wakeup_kswapd() leaves it alone.
 */
static void test_kswapd_failures_make_node_hopeless(void **state)
{
	struct vt v = vt_make(2, NULL);
	struct task *t = fx_task(v.s, 1, 0, 0);

	(void)state;
	fx_touch(v.s, t, 1ULL << 30, NODE_PAGES); /* node 0 full, rest on node 1 */
	assert_true(node_free_pages(node(&v, 0)) <= WMARK_LOW_PAGES);
	assert_int_equal(ev(&v, KSWAPD_WAKE), 0); /* node 1 was above low */
	wakeup_kswapd(v.s, 0, GFP_KERNEL, 0, ZONE_NORMAL);
	assert_int_equal(ev(&v, KSWAPD_WAKE), 1);
	fx_drain(v.s);
	assert_int_equal(node(&v, 0)->kswapd_failures, 16);
	assert_false(node(&v, 0)->kswapd_awake);
	assert_int_equal(ev(&v, PGSCAN_KSWAPD), 0);
	wakeup_kswapd(v.s, 0, GFP_KERNEL, 0, ZONE_NORMAL);
	assert_int_equal(ev(&v, KSWAPD_WAKE), 1);
	vt_free(&v);
}

/* ---- direct reclaim ---------------------------------------------------------- */

/*
 * try_to_free_pages() at DEF_PRIORITY visits every node of the zonelist
 * once (shrink_zones()), even after the first one gave 32 pages. Each
 * node holds 8192 clean unmapped cache pages, each scan frees what it
 * scans, and the list shrinks as it goes; per node:
 *   prio 12: 8192 >> 12 = 2 (8190 left); prio 11: 8190 >> 11 = 3 (8187);
 *   prio 10: 8187 >> 10 = 7 (8180): 2 * 12 = 24 < 32 so far;
 *   prio 9: 8180 >> 9 = 15 (8165): 24 + 2 * 15 = 54 >= 32, stop.
 */
static void test_direct_reclaim_visits_every_node(void **state)
{
	struct vt v = vt_make(2, NULL);
	struct task *t0 = fx_task(v.s, 1, 0, 0), *t1 = fx_task(v.s, 2, 0, 1);
	struct alloc_req r = user_req(0);

	(void)state;
	read_pages(&v, t0, vfs_create(v.s, "a", 64 << 20, -1), 0, 8192);
	read_pages(&v, t1, vfs_create(v.s, "b", 64 << 20, -1), 0, 8192);
	assert_int_equal(try_to_free_pages(v.s, &r), 54);
	assert_int_equal(ev(&v, PGSCAN_DIRECT), 54);
	assert_int_equal(node(&v, 0)->lru[LRU_INACTIVE_FILE].nr, 8165);
	assert_int_equal(node(&v, 1)->lru[LRU_INACTIVE_FILE].nr, 8165);
	assert_int_equal(ev(&v, ALLOCSTALL), 1);
	vt_free(&v);
}

/* ---- dirty limits (mm/page-writeback.c) ------------------------------------- */

/*
 * domain_dirty_limits() on the idle two-node machine:
 *   totalreserve = per zone high (192) + largest lowmem_reserve (0) = 384;
 *   free = 2 * 16384 = 32768, file LRU 0:
 *   dirtyable = 32768 - 384 + 0 + 1 = 32385;
 *   dirty_ratio 20 -> 20 * 4096 / 100 = 819 parts of 4096:
 *     thresh = 819 * 32385 / 4096 = 6475 (26523315 / 4096 = 6475.4);
 *   dirty_background_ratio 10 -> 409 parts:
 *     bg = 409 * 32385 / 4096 = 3233 (13245465 / 4096 = 3233.8).
 * With background_ratio >= dirty_ratio, bg = thresh / 2.
 */
static void test_dirty_limits_arithmetic(void **state)
{
	struct vt v = vt_make(2, NULL);
	uint64_t bg, thresh;

	(void)state;
	assert_int_equal(node_free_pages(node(&v, 0)) + node_free_pages(node(&v, 1)), 32768);
	global_dirty_limits(v.s, &bg, &thresh);
	assert_int_equal(thresh, 6475);
	assert_int_equal(bg, 3233);
	set_tun(&v, "vm.dirty_background_ratio=30");
	global_dirty_limits(v.s, &bg, &thresh);
	assert_int_equal(bg, 6475 / 2);
	vt_free(&v);
}

struct pc_walk {
	uint64_t n, idx[8];
	struct file_obj *f;
	uint64_t remove_at; /* fn removes the page it is given at this index */
};

static bool pc_visit(void *ctx, uint64_t index, pfn_t pfn)
{
	struct pc_walk *w = ctx;

	assert_int_equal(pfn, (pfn_t)(index * 3));
	if (w->n < 8)
		w->idx[w->n] = index;
	w->n++;
	if (index == w->remove_at)
		page_cache_remove(w->f, index);
	return true;
}

/*
 * The page cache index (runs of 64 pages): pages inserted out of order in
 * four runs read back, the walk visits them in index order from where it
 * is asked to start (as the kernel's xarray walk), a page removed during
 * the walk is the last of its run (the run is freed under the walk), and
 * a run holds 64 pages: indexes 63 and 64 are in different runs.
 */
static void test_page_cache_runs(void **state)
{
	struct file_obj *f = calloc(1, sizeof(*f));
	static const uint64_t idx[] = {1000000, 64, 5, 63, 1 << 20, 4};
	struct pc_walk w = {0, {0}, f, UINT64_MAX};

	(void)state;
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(page_cache_insert(f, idx[i], (pfn_t)(idx[i] * 3)), 0);
	assert_int_equal(f->cache.nr, 6);
	assert_int_equal(f->cache.runs.nr, 4); /* {4,5,63}, {64}, {1000000}, {1<<20} */
	assert_int_equal(page_cache_lookup(f, 63), 189);
	assert_int_equal(page_cache_lookup(f, 62), NOPFN);
	assert_int_equal(page_cache_lookup(f, 65), NOPFN);
	page_cache_walk(f, 5, pc_visit, &w);
	assert_int_equal(w.n, 5);
	assert_int_equal(w.idx[0], 5);
	assert_int_equal(w.idx[1], 63);
	assert_int_equal(w.idx[2], 64);
	assert_int_equal(w.idx[3], 1000000);
	assert_int_equal(w.idx[4], 1 << 20);
	/* removing 64 (alone in its run) during a walk */
	w = (struct pc_walk){0, {0}, f, 64};
	page_cache_walk(f, 0, pc_visit, &w);
	assert_int_equal(w.n, 6);
	assert_int_equal(f->cache.nr, 5);
	assert_int_equal(f->cache.runs.nr, 3);
	assert_int_equal(page_cache_lookup(f, 64), NOPFN);
	/* emptying a run frees it; the other pages stay */
	page_cache_remove(f, 4);
	page_cache_remove(f, 5);
	page_cache_remove(f, 63);
	page_cache_remove(f, 63); /* absent: no change */
	assert_int_equal(f->cache.nr, 2);
	assert_int_equal(f->cache.runs.nr, 2);
	assert_int_equal(page_cache_lookup(f, 1000000), 3000000);
	page_cache_remove(f, 1000000);
	page_cache_remove(f, 1 << 20);
	assert_int_equal(f->cache.runs.nr, 0);
	hashmap_free(&f->cache.runs);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mark_accessed_promotes_on_second_access),
		cmocka_unit_test(test_get_scan_count_swappiness),
		cmocka_unit_test(test_get_scan_count_no_swap),
		cmocka_unit_test(test_get_scan_count_cache_trim),
		cmocka_unit_test(test_get_scan_count_file_tiny),
		cmocka_unit_test(test_node_reclaim_mode0_noscan),
		cmocka_unit_test(test_node_reclaim_below_min_unmapped_full),
		cmocka_unit_test(test_node_reclaim_remote_or_atomic_noscan),
		cmocka_unit_test(test_node_reclaim_mode1_tail_first),
		cmocka_unit_test(test_shrink_active_list_deactivates_tail),
		cmocka_unit_test(test_node_reclaim_write_bit),
		cmocka_unit_test(test_node_reclaim_write_bit_2_6_16),
		cmocka_unit_test(test_periodic_writeback),
		cmocka_unit_test(test_node_reclaim_unmap_bit),
		cmocka_unit_test(test_node_reclaim_anon_needs_write_bit),
		cmocka_unit_test(test_node_reclaim_mode7_swaps_anon),
		cmocka_unit_test(test_zone_reclaim_interval),
		cmocka_unit_test(test_kswapd_reclaims_to_high_then_sleeps),
		cmocka_unit_test(test_kswapd_failures_make_node_hopeless),
		cmocka_unit_test(test_kswapd_catch_up),
		cmocka_unit_test(test_kswapd_wakeup_latency),
		cmocka_unit_test(test_kswapd_shares_the_readers_cpu),
		cmocka_unit_test(test_kswapd_nap_end_looks_again),
		cmocka_unit_test(test_kswapd_request_during_run),
		cmocka_unit_test(test_direct_reclaim_visits_every_node),
		cmocka_unit_test(test_dirty_limits_arithmetic),
		cmocka_unit_test(test_page_cache_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
