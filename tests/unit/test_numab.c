/*
 * test_numab.c - automatic NUMA balancing (docs/model.md §7): the scanner
 * (task_numa_work(), change_prot_numa()), hinting faults (do_numa_page(),
 * mpol_misplaced()), the two-stage filter (should_numa_migrate_memory())
 * and policies without migrate-on-fault.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mm/mempolicy.h"
#include "mm/migrate.h"
#include "sim_fixture.h"
#include "task/numa_balancing.h"

#define BASE 0x10000000ULL /* 2 MiB aligned */

static struct sim *numab_sim(struct topology **tp)
{
	struct sim *s = fx_sim(tp);

	s->tun.v[TUN_NUMA_BALANCING] = 1;
	return s;
}

static bool pte_numa(struct task *t, uint64_t addr)
{
	return (pgtable_get(&t->mm->pt, addr >> 12) & PTE_NUMA) != 0;
}

/* A task that wrote npages on node 0 and now runs on node 2. */
static struct task *moved_task(struct sim *s, uint64_t npages)
{
	struct task *t = fx_task(s, 1, 0, 0);

	fx_touch(s, t, BASE, npages);
	task_set_cpu(s, t, 4);
	return t;
}

static void test_scan_marks_remote_ptes(void **state)
{
	struct topology *tp;
	struct sim *s = numab_sim(&tp);
	struct task *t = moved_task(s, 8);

	(void)state;
	assert_int_equal(task_numa_work(s, t), 8);
	assert_int_equal(s->mem.events[NUMA_PTE_UPDATES], 8);
	assert_true(pte_numa(t, BASE));
	assert_true(pte_numa(t, BASE + 7 * 4096));
	/* the hint is on a present pte: still mapped for rmap and --check */
	fx_check(s);
	/* already-hinting ptes are not counted again */
	assert_int_equal(task_numa_work(s, t), 0);
	assert_int_equal(s->mem.events[NUMA_PTE_UPDATES], 8);
	fx_destroy(s, tp);
}

/* A single-threaded process's pages on its own node are left alone. */
static void test_scan_skips_local_pages(void **state)
{
	struct topology *tp;
	struct sim *s = numab_sim(&tp);
	struct task *t = fx_task(s, 1, 0, 0);

	(void)state;
	fx_touch(s, t, BASE, 8);
	assert_int_equal(task_numa_work(s, t), 0);
	assert_false(pte_numa(t, BASE));
	fx_destroy(s, tp);
}

/*
 * scan_size_mb = 1 is 256 pages, rounded up to a 2 MiB (512-page) chunk:
 * a 1024-page VMA takes two scans, the third finds nothing left to mark
 * and completes two passes (the end of the VMAs, then a full empty walk).
 */
static void test_scan_budget_and_offset(void **state)
{
	struct topology *tp;
	struct sim *s = numab_sim(&tp);
	struct task *t = moved_task(s, 1024);

	(void)state;
	s->tun.v[TUN_NUMA_BALANCING_SCAN_SIZE_MB] = 1;
	assert_int_equal(task_numa_work(s, t), 512);
	assert_int_equal(t->mm->numa_scan_offset, BASE + (2 << 20));
	assert_true(pte_numa(t, BASE + 511 * 4096));
	assert_false(pte_numa(t, BASE + 512 * 4096));
	assert_int_equal(task_numa_work(s, t), 512);
	assert_int_equal(t->mm->numa_scan_seq, 0);
	assert_int_equal(task_numa_work(s, t), 0);
	assert_int_equal(t->mm->numa_scan_seq, 2);
	fx_destroy(s, tp);
}

/* A hinting fault from node 2 on a page of node 0 migrates it (a first
 * fault early in the task's life) and restores the pte. */
static void test_hint_fault_migrates(void **state)
{
	struct topology *tp;
	struct sim *s = numab_sim(&tp);
	struct task *t = moved_task(s, 4);
	struct fault_result res;

	(void)state;
	task_numa_work(s, t);
	assert_int_equal(handle_mm_fault(s, t, BASE, false, &res), 0);
	assert_true(res.wait_until > 0); /* the access waits for the copy */
	assert_int_equal(s->mem.events[NUMA_HINT_FAULTS], 1);
	assert_int_equal(s->mem.events[NUMA_HINT_FAULTS_LOCAL], 0);
	assert_int_equal(s->mem.events[NUMA_PAGES_MIGRATED], 1);
	assert_int_equal(s->mem.events[PGMIGRATE_SUCCESS], 1);
	fx_drain(s);
	assert_int_equal(fx_page_nid(s, t, BASE), 2);
	assert_false(pte_numa(t, BASE));
	assert_true(pte_numa(t, BASE + 4096));
	/* the page remembers its last faulter: node 2, pid 1 */
	pfn_t pfn = (pfn_t)pte_val(pgtable_get(&t->mm->pt, BASE >> 12));

	assert_int_equal(s->mem.f.last_cpupid[pfn], cpupid_pack(2, 1));
	assert_int_equal(t->numab.pages_migrated, 1);
	fx_check(s);
	fx_destroy(s, tp);
}

/*
 * The two-stage filter, late in a task's life (a preferred node and more
 * than four scan passes): a page whose last hinting fault came from
 * another node does not move on the first fault from node 2, only on the
 * second in a row.
 */
static void test_two_stage_filter(void **state)
{
	struct topology *tp;
	struct sim *s = numab_sim(&tp);
	struct task *t = moved_task(s, 1);
	pfn_t pfn = (pfn_t)pte_val(pgtable_get(&t->mm->pt, BASE >> 12));

	(void)state;
	t->numab.preferred_nid = 2;
	t->numab.scan_seq = 5;
	s->mem.f.last_cpupid[pfn] = cpupid_pack(1, 7); /* pid 7 on node 1 */
	assert_false(should_numa_migrate_memory(s, t, pfn, 0, 2));
	assert_int_equal(s->mem.f.last_cpupid[pfn], cpupid_pack(2, 1));
	assert_true(should_numa_migrate_memory(s, t, pfn, 0, 2));
	/* early in life a fault of another task from another node is still
	 * filtered; a first fault (unset) is not */
	t->numab.scan_seq = 0;
	s->mem.f.last_cpupid[pfn] = cpupid_pack(1, 7);
	assert_false(should_numa_migrate_memory(s, t, pfn, 0, 2));
	s->mem.f.last_cpupid[pfn] = 0;
	assert_true(should_numa_migrate_memory(s, t, pfn, 0, 2));
	fx_destroy(s, tp);
}

/* A policy set without MPOL_F_NUMA_BALANCING has no migrate-on-fault:
 * its VMAs are not scanned. With the flag, bind pages move only to a
 * bind node the task runs on. */
static void test_bind_policy(void **state)
{
	struct topology *tp;
	struct sim *s = numab_sim(&tp);
	struct task *t = fx_task(s, 1, 0, 0);
	nodemask_t n01 = {{0}};
	struct fault_result res;

	(void)state;
	node_set(&n01, 0);
	node_set(&n01, 1);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_BIND, 0, &n01), 0);
	fx_touch(s, t, BASE, 2);
	task_set_cpu(s, t, 4);
	assert_int_equal(task_numa_work(s, t), 0);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_BIND, MPOL_F_NUMA_BALANCING, &n01), 0);
	assert_int_equal(task_numa_work(s, t), 2);
	assert_int_equal(handle_mm_fault(s, t, BASE, false, &res), 0);
	assert_int_equal(s->mem.events[NUMA_HINT_FAULTS], 1);
	assert_int_equal(s->mem.events[NUMA_PAGES_MIGRATED], 0); /* node 2 is not in 0-1 */
	task_set_cpu(s, t, 2);
	assert_int_equal(handle_mm_fault(s, t, BASE + 4096, false, &res), 0);
	fx_drain(s);
	assert_int_equal(fx_page_nid(s, t, BASE), 0);
	assert_int_equal(fx_page_nid(s, t, BASE + 4096), 1);
	fx_check(s);
	fx_destroy(s, tp);
}

/* A target node at its high watermark takes no misplaced pages
 * (migrate_balanced_pgdat()). */
static void test_target_node_full(void **state)
{
	struct topology *tp;
	struct sim *s = numab_sim(&tp);
	struct task *t = moved_task(s, 1);
	struct task *hog = fx_task(s, 2, 0, 4);
	struct zone *z = &s->mem.nodes[2].zones[ZONE_NORMAL];
	struct fault_result res;
	uint64_t n = 0;

	(void)state;
	while (z->nr_free > z->wmark[WMARK_HIGH]) {
		assert_non_null(mmap_region(s, hog->mm, BASE + n * 4096, BASE + (n + 1) * 4096,
					    VM_READ | VM_WRITE | VM_ANON, 0, 0));
		assert_int_equal(handle_mm_fault(s, hog, BASE + n * 4096, true, &res), 0);
		n++;
	}
	task_numa_work(s, t);
	assert_int_equal(handle_mm_fault(s, t, BASE, false, &res), 0);
	assert_int_equal(res.wait_until, 0);
	assert_int_equal(s->mem.events[NUMA_PAGES_MIGRATED], 0);
	assert_int_equal(fx_page_nid(s, t, BASE), 0);
	assert_int_equal(t->numab.locality[2], 1); /* a failed migration */
	fx_check(s);
	fx_destroy(s, tp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_marks_remote_ptes),
		cmocka_unit_test(test_scan_skips_local_pages),
		cmocka_unit_test(test_scan_budget_and_offset),
		cmocka_unit_test(test_hint_fault_migrates),
		cmocka_unit_test(test_two_stage_filter),
		cmocka_unit_test(test_bind_policy),
		cmocka_unit_test(test_target_node_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
