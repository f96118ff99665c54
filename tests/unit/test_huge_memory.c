/*
 * test_huge_memory.c - transparent huge pages and madvise(2), against
 * counts worked out by hand from the kernel's rules (Linux 6.12:
 * mm/huge_memory.c, mm/khugepaged.c, mm/madvise.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mm/huge_memory.h"
#include "mm/madvise.h"
#include "mm/mempolicy.h"
#include "mm/page_alloc.h"
#include "sim_fixture.h"
#include "core/uapi.h"

#define MiB (1ULL << 20)
#define BASE 0x40000000ULL /* 2 MiB aligned */

/* 1 GiB: four nodes of 256 MiB, one Normal zone each (as ring4). */
static struct sim *gib_sim(struct topology **tp, int enabled, int64_t user_min_free)
{
	uint64_t mem[4] = {256 * MiB, 256 * MiB, 256 * MiB, 256 * MiB};
	struct tunables tun;
	struct nerr err;

	*tp = fixture_topo(4, mem, NULL, NULL, 2);
	tunables_init(&tun);
	if (enabled >= 0) {
		tun.v[TUN_THP_ENABLED] = enabled;
		tun.set[TUN_THP_ENABLED] = true;
	}
	if (user_min_free >= 0) {
		tun.v[TUN_MIN_FREE_KBYTES] = user_min_free;
		tun.set[TUN_MIN_FREE_KBYTES] = true;
	}
	struct sim *s = sim_create(*tp, &tun, &err);

	if (!s)
		fail_msg("sim_create: %s", err.msg);
	return s;
}

static void set_tun(struct sim *s, int id, const char *v)
{
	struct nerr err;

	assert_int_equal(tunable_set(&s->tun, id, v, &err), 0);
	sim_tunables_changed(s, id);
}

/*
 * set_recommended_min_free_kbytes() on 4 x 65536 pages, 4 zones:
 *   calculate_min_free_kbytes() at boot (high watermarks still 0):
 *     int_sqrt(262144 pages * 4 KiB * 16) = int_sqrt(16777216) = 4096
 *   watermarks from 4096 kB: pages_min 1024, per zone min 1024 * 65536 /
 *     262144 = 256, gap max(256/4, 65536 * 10 / 10000 = 65) = 65, high
 *     256 + 130 = 386
 *   recommended: 512 * 4 zones * 2 + 512 * 4 * 3 * 3 = 4096 + 18432 = 22528
 *     pages, capped at nr_free_buffer_pages() / 20 = 4 * (65536 - 386) / 20
 *     = 260600 / 20 = 13030 pages = 52120 kB.
 * With THP never at boot the model keeps 4096 (docs/model.md, "Transparent huge pages").
 *
 * The measurement on a real 1 GiB four-node machine, 3956 ->
 * 48920 kB, fits the same formula: 48920 kB = 12230 pages is the 5% cap,
 * so nr_free_buffer_pages() was 244600..244619 there (the kernel's own
 * memory is not managed), and int_sqrt(16 * 4 * 244608) = 3956.
 */
static void test_min_free_kbytes_boot(void **state)
{
	struct topology *t;
	struct sim *s = gib_sim(&t, -1, -1); /* default: madvise */

	(void)state;
	assert_int_equal(s->min_free_kbytes, 52120);
	assert_int_equal(s->mem.nodes[0].zones[ZONE_NORMAL].wmark[WMARK_MIN],
			 13030 * 65536 / 262144);
	fx_destroy(s, t);
	s = gib_sim(&t, THP_NEVER, -1);
	assert_int_equal(s->min_free_kbytes, 4096);
	fx_destroy(s, t);
	s = gib_sim(&t, THP_ALWAYS, -1);
	assert_int_equal(s->min_free_kbytes, 52120);
	fx_destroy(s, t);
	/* below 512 MiB hugepage_init() leaves THP off: no raise */
	s = fx_sim(&t);
	assert_int_equal(tun(&s->tun, TUN_THP_ENABLED), THP_NEVER);
	fx_destroy(s, t);
}

/*
 * Switching at run time (enabled_store() -> start_stop_khugepaged()):
 *   never: calculate_min_free_kbytes() with the high watermarks of 52120
 *     kB (min 3257, gap max(814, 65) = 814, high 4885):
 *     int_sqrt(4 * (65536 - 4885) * 4 * 16) = int_sqrt(15526656) = 3940
 *   always again: highs of 3940 kB (pages_min 985, min 246, gap 65, high
 *     376): 4 * (65536 - 376) / 20 = 13032 pages = 52128 kB
 * A user value stays unless the calculated one is larger:
 *   user 100000 -> never: the calculation is far below, 100000 stays;
 *   user 1000 -> never: highs of 1000 kB (min 62, gap 65, high 192):
 *     int_sqrt(4 * 65344 * 64) = int_sqrt(16728064) = 4089 > 1000.
 */
static void test_min_free_kbytes_switch(void **state)
{
	struct topology *t;
	struct sim *s = gib_sim(&t, -1, -1);

	(void)state;
	set_tun(s, TUN_THP_ENABLED, "never");
	assert_int_equal(s->min_free_kbytes, 3940);
	set_tun(s, TUN_THP_ENABLED, "always");
	assert_int_equal(s->min_free_kbytes, 52128);
	set_tun(s, TUN_MIN_FREE_KBYTES, "100000");
	set_tun(s, TUN_THP_ENABLED, "never");
	assert_int_equal(s->min_free_kbytes, 100000);
	set_tun(s, TUN_THP_ENABLED, "madvise"); /* 5% cap is below 100000 */
	assert_int_equal(s->min_free_kbytes, 100000);
	set_tun(s, TUN_MIN_FREE_KBYTES, "1000");
	set_tun(s, TUN_THP_ENABLED, "never");
	assert_int_equal(s->min_free_kbytes, 4089);
	fx_destroy(s, t);
}

static void test_enum_tunables(void **state)
{
	struct tunables tun;
	struct nerr err;

	(void)state;
	tunables_init(&tun);
	assert_int_equal(tun.v[TUN_THP_ENABLED], THP_MADVISE);
	assert_int_equal(tun.v[TUN_THP_DEFRAG], THP_DEFRAG_MADVISE);
	assert_int_equal(tunable_set_kv(&tun, "mm.transparent_hugepage.defrag=defer+madvise", &err),
			 0);
	assert_int_equal(tun.v[TUN_THP_DEFRAG], THP_DEFRAG_DEFER_MADVISE);
	assert_string_equal(tunable_word(TUN_THP_DEFRAG, tun.v[TUN_THP_DEFRAG]), "defer+madvise");
	assert_int_equal(tunable_set_kv(&tun, "mm.transparent_hugepage.enabled=sometimes", &err),
			 -1);
	assert_string_equal(err.msg,
			    "mm.transparent_hugepage.enabled: bad value 'sometimes': one of "
			    "always, madvise, never");
	assert_int_equal(tunable_set_kv(&tun, "mm.transparent_hugepage.enabled=1", &err), -1);
	assert_null(tunable_word(TUN_SWAPPINESS, 60));
}

static struct vm_area_struct *map(struct sim *s, struct task *t, uint64_t start, uint64_t len)
{
	struct vm_area_struct *v =
		mmap_region(s, t->mm, start, start + len, VM_READ | VM_WRITE | VM_ANON, 0, 0);

	assert_non_null(v);
	return v;
}

static int fault(struct sim *s, struct task *t, uint64_t addr, bool write)
{
	struct fault_result res;

	return handle_mm_fault(s, t, addr, write, &res);
}

/*
 * One write fault in an aligned 2 MiB of a THP VMA: one order-9 page,
 * PGALLOC 512, one numastat event (zone_statistics(), nr_account 1),
 * 512 pages in AnonPages and on the inactive anon list, one THP.
 */
static void test_huge_fault(void **state)
{
	struct topology *t;
	struct sim *s = gib_sim(&t, THP_ALWAYS, -1);
	struct task *tk = fx_task(s, 1, 0, 0);
	struct pglist_data *n0 = &s->mem.nodes[0];
	uint64_t pgalloc = s->mem.events[PGALLOC], hit = n0->numa_stat[NUMA_HIT];

	(void)state;
	map(s, tk, BASE, 4 * MiB);
	assert_int_equal(fault(s, tk, BASE + 5 * 4096, true), 0);
	assert_int_equal(s->mem.events[THP_FAULT_ALLOC], 1);
	assert_int_equal(s->mem.events[PGALLOC] - pgalloc, 512);
	assert_int_equal(n0->numa_stat[NUMA_HIT] - hit, 1);
	assert_int_equal(n0->stat[NR_ANON_MAPPED], 512);
	assert_int_equal(n0->stat[NR_ANON_THPS], 1);
	assert_int_equal(n0->zones[ZONE_NORMAL].nr_lru[LRU_INACTIVE_ANON], 512);
	pte_t p = pgtable_get(&tk->mm->pt, (BASE >> 12) + 5);
	pfn_t head = thp_head_of(s, p, (BASE >> 12) + 5);

	assert_int_not_equal(head, NOPFN);
	assert_int_equal(head % 512, 0);
	assert_int_equal(pte_val(p), head + 5);
	assert_int_equal(s->mem.f.mapcount[head], 1);
	fx_check(s);
	/* a read maps the huge zero page: nothing allocated for the
	 * process; the first such read allocates the shared page, order 9
	 * (get_huge_zero_page()) */
	pgalloc = s->mem.events[PGALLOC];
	assert_int_equal(fault(s, tk, BASE + 2 * MiB, false), 0);
	assert_int_equal(s->mem.events[PGALLOC] - pgalloc, 512);
	assert_int_equal(s->mem.events[THP_ZERO_PAGE_ALLOC], 1);
	assert_int_equal(n0->stat[NR_KERNEL_MISC], 512);
	assert_true(pgtable_get(&tk->mm->pt, ((BASE + 3 * MiB) >> 12)) & PTE_ZERO);
	pgalloc = s->mem.events[PGALLOC];
	/* a write there splits the zero PMD and takes one base page (6.12) */
	assert_int_equal(fault(s, tk, BASE + 2 * MiB + 4096, true), 0);
	assert_int_equal(s->mem.events[THP_SPLIT_PMD], 1);
	assert_int_equal(s->mem.events[PGALLOC] - pgalloc, 1);
	assert_int_equal(s->mem.events[THP_FAULT_ALLOC], 1);
	fx_check(s);
	fx_destroy(s, t);
}

/* thp_vma_allowable_order(): the aligned 2 MiB must lie in the VMA. A
 * VMA [BASE + 1 MiB, BASE + 5 MiB) holds one: [BASE + 2, BASE + 4 MiB). */
static void test_vma_bounds(void **state)
{
	struct topology *t;
	struct sim *s = gib_sim(&t, THP_ALWAYS, -1);
	struct task *tk = fx_task(s, 1, 0, 0);
	struct vm_area_struct *v = map(s, tk, BASE + MiB, 4 * MiB);

	(void)state;
	assert_false(thp_vma_allowable(s, v, BASE + MiB));
	assert_true(thp_vma_allowable(s, v, BASE + 3 * MiB));
	assert_false(thp_vma_allowable(s, v, BASE + 4 * MiB));
	for (uint64_t a = BASE + MiB; a < BASE + 5 * MiB; a += 4096)
		assert_int_equal(fault(s, tk, a, true), 0);
	/* 256 + 256 + 256 base pages and one THP */
	assert_int_equal(s->mem.events[THP_FAULT_ALLOC], 1);
	assert_int_equal(s->mem.nodes[0].stat[NR_ANON_MAPPED], 1024);
	assert_int_equal(s->mem.nodes[0].stat[NR_ANON_THPS], 1);
	/* madvise: only VM_HUGEPAGE; never: nothing */
	s->tun.v[TUN_THP_ENABLED] = THP_MADVISE;
	assert_false(thp_vma_allowable(s, v, BASE + 3 * MiB));
	v->flags |= VM_HUGEPAGE;
	assert_true(thp_vma_allowable(s, v, BASE + 3 * MiB));
	s->tun.v[TUN_THP_ENABLED] = THP_ALWAYS;
	v->flags = (v->flags & ~(uint32_t)VM_HUGEPAGE) | VM_NOHUGEPAGE;
	assert_false(thp_vma_allowable(s, v, BASE + 3 * MiB));
	fx_check(s);
	fx_destroy(s, t);
}

/* split_huge_page(): 512 base pages, each mapped once, on the LRU; the
 * node keeps 512 AnonPages and loses its THP. */
static void test_split(void **state)
{
	struct topology *t;
	struct sim *s = gib_sim(&t, THP_ALWAYS, -1);
	struct task *tk = fx_task(s, 1, 0, 0);

	(void)state;
	map(s, tk, BASE, 2 * MiB);
	assert_int_equal(fault(s, tk, BASE, true), 0);
	pfn_t head = (pfn_t)pte_val(pgtable_get(&tk->mm->pt, BASE >> 12));

	assert_int_equal(tk->mm->rss, 512); /* MM_ANONPAGES: base pages */
	split_huge_page(s, head, false);
	assert_int_equal(tk->mm->rss, 512);
	assert_int_equal(s->mem.events[THP_SPLIT_PAGE], 1);
	assert_int_equal(s->mem.events[THP_SPLIT_PMD], 1);
	assert_int_equal(s->mem.nodes[0].stat[NR_ANON_THPS], 0);
	assert_int_equal(s->mem.nodes[0].stat[NR_ANON_MAPPED], 512);
	assert_int_equal(s->mem.nodes[0].zones[ZONE_NORMAL].nr_lru[LRU_INACTIVE_ANON], 512);
	assert_int_equal(s->mem.nodes[0].lru[LRU_INACTIVE_ANON].nr, 512);
	for (pfn_t i = 0; i < 512; i++) {
		assert_int_equal(s->mem.f.mapcount[head + i], 1);
		assert_false(pgtable_get(&tk->mm->pt, (BASE >> 12) + i) & PTE_HUGE);
	}
	fx_check(s);
	/* a partial munmap then frees only the pages unmapped */
	do_munmap(s, tk->mm, BASE, BASE + 4096);
	assert_int_equal(s->mem.nodes[0].stat[NR_ANON_MAPPED], 511);
	assert_int_equal(tk->mm->rss, 511);
	fx_check(s);
	fx_destroy(s, t);
}

/* --check finds a tail frame that is not blank and a THP count that
 * does not match the frames. */
static void test_check_catches(void **state)
{
	struct topology *t;
	struct sim *s = gib_sim(&t, THP_ALWAYS, -1);
	struct task *tk = fx_task(s, 1, 0, 0);
	struct nerr err;

	(void)state;
	map(s, tk, BASE, 2 * MiB);
	assert_int_equal(fault(s, tk, BASE, true), 0);
	pfn_t head = (pfn_t)pte_val(pgtable_get(&tk->mm->pt, BASE >> 12));

	assert_int_equal(sim_check(s, &err), 0);
	s->mem.f.mapcount[head + 3] = 1;
	assert_int_equal(sim_check(s, &err), -1);
	s->mem.f.mapcount[head + 3] = 0;
	s->mem.nodes[1].stat[NR_ANON_THPS]++;
	assert_int_equal(sim_check(s, &err), -1);
	assert_string_equal(err.msg,
			    "--check: node 1 nr_anon_transparent_hugepages 1, frames say 0");
	s->mem.nodes[1].stat[NR_ANON_THPS]--;
	fx_check(s);
	fx_destroy(s, t);
}

/* do_madvise(): the errnos of madvise(2). */
static void test_madvise_errnos(void **state)
{
	struct topology *t;
	struct sim *s = gib_sim(&t, THP_NEVER, -1);
	struct task *tk = fx_task(s, 1, 0, 0);
	uint64_t cost = 0;

	(void)state;
	map(s, tk, BASE, 16 * 4096);
	map(s, tk, BASE + 32 * 4096, 16 * 4096);
	for (int i = 0; i < 16; i++) {
		assert_int_equal(fault(s, tk, BASE + (uint64_t)i * 4096, true), 0);
		assert_int_equal(fault(s, tk, BASE + (uint64_t)(32 + i) * 4096, true), 0);
	}
	assert_int_equal(do_madvise(s, tk, BASE + 1, 4096, MADV_DONTNEED, &cost), -EINVAL);
	assert_int_equal(do_madvise(s, tk, BASE, 4096, 99, &cost), -EINVAL);
	assert_int_equal(do_madvise(s, tk, BASE, UINT64_MAX - 100, MADV_DONTNEED, &cost), -EINVAL);
	assert_int_equal(do_madvise(s, tk, BASE, 0, MADV_DONTNEED, &cost), 0);
	assert_int_equal(do_madvise(s, tk, 0x10000000, 4096, MADV_DONTNEED, &cost), -ENOMEM);
	/* 4 mapped pages, a 16-page hole, 4 mapped pages: applied, ENOMEM */
	assert_int_equal(do_madvise(s, tk, BASE + 12 * 4096, 24 * 4096, MADV_DONTNEED, &cost),
			 -ENOMEM);
	assert_int_equal(s->mem.nodes[0].stat[NR_ANON_MAPPED], 32 - 8);
	/* mlocked: EINVAL for DONTNEED, FREE, COLD and PAGEOUT */
	tk->mm->vmas[0]->flags |= VM_LOCKED;
	assert_int_equal(do_madvise(s, tk, BASE, 4096, MADV_DONTNEED, &cost), -EINVAL);
	assert_int_equal(do_madvise(s, tk, BASE, 4096, MADV_FREE, &cost), -EINVAL);
	assert_int_equal(do_madvise(s, tk, BASE, 4096, MADV_COLD, &cost), -EINVAL);
	assert_int_equal(do_madvise(s, tk, BASE, 4096, MADV_PAGEOUT, &cost), -EINVAL);
	assert_int_equal(do_madvise(s, tk, BASE, 4096, MADV_WILLNEED, &cost), 0);
	assert_int_equal(do_madvise(s, tk, BASE, 4096, MADV_HUGEPAGE, &cost), 0);
	fx_check(s);
	fx_destroy(s, t);
}

/* madvise_update_vma(): HUGEPAGE on the middle of a VMA splits it in
 * three; the same flags on the rest merge it back into one. */
static void test_madvise_vma_flags(void **state)
{
	struct topology *t;
	struct sim *s = gib_sim(&t, THP_MADVISE, -1);
	struct task *tk = fx_task(s, 1, 0, 0);
	uint64_t cost = 0;

	(void)state;
	map(s, tk, BASE, 8 * MiB);
	assert_int_equal(do_madvise(s, tk, BASE + 2 * MiB, 4 * MiB, MADV_HUGEPAGE, &cost), 0);
	assert_int_equal(tk->mm->nr_vmas, 3);
	assert_true(tk->mm->vmas[1]->flags & VM_HUGEPAGE);
	assert_int_equal(tk->mm->vmas[1]->start, BASE + 2 * MiB);
	/* same flags again: nothing changes */
	assert_int_equal(do_madvise(s, tk, BASE + 2 * MiB, 4 * MiB, MADV_HUGEPAGE, &cost), 0);
	assert_int_equal(tk->mm->nr_vmas, 3);
	assert_int_equal(do_madvise(s, tk, BASE, 2 * MiB, MADV_HUGEPAGE, &cost), 0);
	assert_int_equal(do_madvise(s, tk, BASE + 6 * MiB, 2 * MiB, MADV_HUGEPAGE, &cost), 0);
	assert_int_equal(tk->mm->nr_vmas, 1);
	/* faults: 4 THPs */
	for (uint64_t a = BASE; a < BASE + 8 * MiB; a += 2 * MiB)
		assert_int_equal(fault(s, tk, a, true), 0);
	assert_int_equal(s->mem.events[THP_FAULT_ALLOC], 4);
	/* NOHUGEPAGE keeps the THPs; DONTNEED of one page splits one PMD */
	assert_int_equal(do_madvise(s, tk, BASE, 8 * MiB, MADV_NOHUGEPAGE, &cost), 0);
	assert_int_equal(s->mem.nodes[0].stat[NR_ANON_THPS], 4);
	assert_int_equal(do_madvise(s, tk, BASE + 4096, 4096, MADV_DONTNEED, &cost), 0);
	assert_int_equal(s->mem.events[THP_SPLIT_PMD], 1);
	assert_int_equal(s->mem.nodes[0].stat[NR_ANON_THPS], 3);
	assert_int_equal(s->mem.nodes[0].stat[NR_ANON_MAPPED], 2047);
	/* FREE of a whole THP: 512 lazily freeable pages */
	assert_int_equal(do_madvise(s, tk, BASE + 2 * MiB, 2 * MiB, MADV_FREE, &cost), 0);
	assert_int_equal(s->mem.events[PGLAZYFREE], 512);
	assert_int_equal(s->mem.nodes[0].zones[ZONE_NORMAL].nr_lru[LRU_INACTIVE_FILE], 512);
	fx_check(s);
	fx_destroy(s, t);
}

/* Interleave by huge page index: VMA pgoff (in huge pages) plus the
 * offset in huge pages. BASE >> 21 = 512, so THP k lands on node
 * (512 + k) mod 4 = k mod 4, each an interleave hit. */
static void test_interleave_index(void **state)
{
	struct topology *t;
	struct sim *s = gib_sim(&t, THP_ALWAYS, -1);
	struct task *tk = fx_task(s, 1, 0, 0);
	nodemask_t all = {{0}};

	(void)state;
	for (int n = 0; n < 4; n++)
		node_set(&all, n);
	assert_int_equal(do_set_mempolicy(s, tk, MPOL_INTERLEAVE, 0, &all), 0);
	map(s, tk, BASE, 16 * MiB);
	for (uint64_t k = 0; k < 8; k++) {
		assert_int_equal(fault(s, tk, BASE + k * 2 * MiB + 4096, true), 0);
		assert_int_equal(fx_page_nid(s, tk, BASE + k * 2 * MiB), (int)(k % 4));
	}
	for (int n = 0; n < 4; n++) {
		assert_int_equal(s->mem.nodes[n].numa_stat[NUMA_INTERLEAVE_HIT], 2);
		assert_int_equal(s->mem.nodes[n].stat[NR_ANON_THPS], 2);
	}
	fx_check(s);
	fx_destroy(s, t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_min_free_kbytes_boot),
		cmocka_unit_test(test_min_free_kbytes_switch),
		cmocka_unit_test(test_enum_tunables),
		cmocka_unit_test(test_huge_fault),
		cmocka_unit_test(test_vma_bounds),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_check_catches),
		cmocka_unit_test(test_madvise_errnos),
		cmocka_unit_test(test_madvise_vma_flags),
		cmocka_unit_test(test_interleave_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
