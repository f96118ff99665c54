/*
 * test_compaction.c - kcompactd (mm/compaction.c, docs/model.md §13) on a
 * zone fragmented by hand, where the answer is arithmetic on the
 * kernel's rules.
 *
 * The machine is fx_sim()'s: node 0 is one Normal zone of 16384 pages
 * (32 pageblocks of 512) with min/low/high 128/160/192. Pid 1 on CPU 0
 * writes 16384 pages: the first 16224 take node 0's pfns 0-16223 in
 * order (the zone stops at its low watermark, 160 pages free at the top)
 * and the rest fall back to node 1. Unmapping every other page then
 * frees the 8112 odd pfns, none of which can merge with its buddy: 8272
 * pages free, no block of a pageblock's order.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mm/compaction.h"
#include "mm/internal.h"
#include "mm/page_alloc.h"
#include "mm/vmscan.h"
#include "sim_fixture.h"

#define ADDR 0x10000000ull
#define NODE0 16224 /* the pages node 0 gives before its low watermark */

static struct zone *zone0(struct sim *s)
{
	return &s->mem.nodes[0].zones[ZONE_NORMAL];
}

static pfn_t pfn_of(struct task *t, uint64_t i)
{
	return (pfn_t)pte_val(pgtable_get(&t->mm->pt, (ADDR >> 12) + i));
}

/* Every other page of the first `holes` * 2 pages of node 0 unmapped. */
static struct sim *fragmented(void **state, uint64_t holes, struct task **t)
{
	struct fx_env *x = *state;
	struct sim *s = x->s;

	fx_touch(s, x->t, ADDR, 16384);
	for (uint64_t i = 0; i < NODE0; i++)
		assert_int_equal(pfn_of(x->t, i), i); /* the layout the header says */
	assert_int_equal(zone0(s)->nr_free, 160);
	for (uint64_t i = 1; i < 2 * holes; i += 2)
		do_munmap(s, x->t->mm, ADDR + i * 4096, ADDR + (i + 1) * 4096);
	assert_int_equal(zone0(s)->nr_free, 160 + holes);
	for (unsigned o = PAGEBLOCK_ORDER; o <= MAX_ORDER; o++)
		for (unsigned mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			assert_int_equal(zone0(s)->free_area[o][mt].nr, 0);
	*t = x->t;
	return s;
}

/*
 * Linux fact (kcompactd_do_work(), compact_zone()): woken for a
 * pageblock's order, kcompactd finds node 0 suitable (8272 free pages
 * are above low + compact_gap() = 160 + 1024, and the fragmentation
 * index, 1000 - (1000 + 8272 * 1000 / 512) / 8114 = 998, is above
 * vm.extfrag_threshold 500). fast_find_migrateblock() finds no movable
 * block of order 3-8 in the lower half, so the migration scanner starts
 * at pfn 0; the free scanner takes free pages from the top pageblock
 * (15872-16383: 176 odd pfns and the 160 at the top). Once the 256 even
 * pages of pageblock 0 have moved, pfns 0-511 merge into one order-9
 * block and __compact_finished() stops at that pageblock boundary:
 * exactly 256 pages migrated, all into pageblock 31, and free pages
 * unchanged.
 */
static void test_kcompactd_frees_a_pageblock(void **state)
{
	struct task *t;
	struct sim *s = fragmented(state, NODE0 / 2, &t);
	struct zone *z = zone0(s);

	wakeup_kcompactd(s, 0, PAGEBLOCK_ORDER, ZONE_NORMAL);
	fx_drain(s);
	assert_int_equal(s->mem.events[KCOMPACTD_WAKE], 1);
	assert_int_equal(s->mem.events[PGMIGRATE_SUCCESS], 256);
	assert_int_equal(s->mem.events[PGMIGRATE_FAIL], 0);
	assert_int_equal(s->mem.compact_migrated, 256);
	assert_int_equal(s->mem.compact_migrate_failed, 0);
	assert_int_equal(z->free_area[PAGEBLOCK_ORDER][MIGRATE_MOVABLE].nr, 1);
	assert_int_equal(z->free_area[PAGEBLOCK_ORDER][MIGRATE_MOVABLE].head, 0);
	assert_int_equal(z->nr_free, 160 + NODE0 / 2);
	for (uint64_t i = 0; i < 512; i += 2) {
		assert_true(pfn_of(t, i) >= 15872 && pfn_of(t, i) < 16384);
		assert_int_equal(fx_page_nid(s, t, ADDR + i * 4096), 0);
	}
	assert_int_equal(pfn_of(t, 512), 512); /* pageblock 1 untouched */
	fx_check(s);
}

/*
 * Linux fact (__compaction_suitable(), kcompactd()): with 400 holes the
 * zone has 560 free pages, below low + compact_gap() = 160 + 2 << 9 =
 * 1184, so wakeup_kcompactd() does not wake kcompactd; the order asked
 * stays recorded, and when kcompactd's wait times out (HZ / 2 after it
 * began waiting, at boot here) kcompactd_work_requested() holds, so
 * kcompactd_do_work() runs (compact_daemon_wake 1), finds the zone still
 * unsuitable and moves nothing.
 */
static void test_kcompactd_needs_free_memory(void **state)
{
	struct task *t;
	struct sim *s = fragmented(state, 400, &t);
	uint64_t now = sim_now(s);

	assert_true(now < 500000000);
	wakeup_kcompactd(s, 0, PAGEBLOCK_ORDER, ZONE_NORMAL);
	while (s->mem.events[KCOMPACTD_WAKE] == 0 && engine_step(&s->eng))
		assert_true(sim_now(s) <= 500000000);
	assert_int_equal(sim_now(s), 500000000);
	fx_drain(s);
	assert_int_equal(s->mem.events[KCOMPACTD_WAKE], 1);
	assert_int_equal(s->mem.events[PGMIGRATE_SUCCESS], 0);
	assert_int_equal(pfn_of(t, 0), 0);
	fx_check(s);
}

/* Model arithmetic: sim.kcompactd=0 turns kcompactd off; the same
 * fragmented zone stays as it is. */
static void test_kcompactd_off(void **state)
{
	struct task *t;
	struct sim *s = fragmented(state, NODE0 / 2, &t);
	struct nerr err;

	assert_int_equal(tunable_set_kv(&s->tun, "sim.kcompactd=0", &err), 0);
	wakeup_kcompactd(s, 0, PAGEBLOCK_ORDER, ZONE_NORMAL);
	fx_drain(s);
	assert_int_equal(s->mem.events[KCOMPACTD_WAKE], 0);
	assert_int_equal(s->mem.events[PGMIGRATE_SUCCESS], 0);
	assert_int_equal(zone0(s)->free_area[PAGEBLOCK_ORDER][MIGRATE_MOVABLE].nr, 0);
	fx_check(s);
}

/*
 * Linux fact (wakeup_kswapd()'s hopeless-node branch): a THP allocation
 * with defrag=defer (GFP_TRANSHUGE_LIGHT | __GFP_KSWAPD_RECLAIM, no
 * direct reclaim) meeting a node whose kswapd has failed
 * MAX_RECLAIM_RETRIES times wakes kcompactd for order 9 instead, which
 * compacts the fragmented zone as above (256 pages); the same request
 * allowed to reclaim directly wakes neither.
 */
static void test_wakeup_kswapd_hopeless_wakes_kcompactd(void **state)
{
	struct task *t;
	struct sim *s = fragmented(state, NODE0 / 2, &t);
	gfp_t defer = (GFP_TRANSHUGE_LIGHT & ~__GFP_RECLAIM) | __GFP_KSWAPD_RECLAIM;

	s->mem.nodes[0].kswapd_failures = MAX_RECLAIM_RETRIES;
	wakeup_kswapd(s, 0, defer | __GFP_DIRECT_RECLAIM, PAGEBLOCK_ORDER, ZONE_NORMAL);
	assert_false(s->mem.nodes[0].kcompactd_awake);
	assert_false(s->mem.nodes[0].kswapd_awake);
	wakeup_kswapd(s, 0, defer, PAGEBLOCK_ORDER, ZONE_NORMAL);
	assert_true(s->mem.nodes[0].kcompactd_awake);
	assert_false(s->mem.nodes[0].kswapd_awake);
	fx_drain(s);
	assert_int_equal(s->mem.events[KCOMPACTD_WAKE], 1);
	assert_int_equal(s->mem.compact_migrated, 256);
	assert_int_equal(s->mem.events[KSWAPD_WAKE], 0);
	fx_check(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kcompactd_frees_a_pageblock, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_kcompactd_needs_free_memory, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_kcompactd_off, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_wakeup_kswapd_hopeless_wakes_kcompactd,
						fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
