/*
 * test_migrate.c - page migration (mm/migrate.c): the steps of docs/model.md "Migration",
 * the copy window (migration entries, waiting, pages unmapped meanwhile),
 * pinned pages failing after the retries, and move_pages' flag checks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mm/migrate.h"
#include "mm/mempolicy.h"
#include "sim_fixture.h"
#include "task/access.h"

#define ADDR 0x100000

/* The test's state (fx_setup()) with npages of pid 1 faulted in at ADDR,
 * on node 0: the simulation, and pid 1 in *t. */
static struct sim *env(void **state, uint64_t npages, struct task **t)
{
	struct fx_env *x = *state;

	fx_touch(x->s, x->t, ADDR, npages);
	*t = x->t;
	return x->s;
}

static long move(struct sim *s, struct task *t, uint64_t addr, int n, int node, int flags,
		 int *status, uint64_t *cost)
{
	uint64_t addrs[16];
	int nodes[16];

	for (int i = 0; i < n; i++) {
		addrs[i] = addr + (uint64_t)i * 4096;
		nodes[i] = node;
	}
	return do_move_pages(s, t, t, (uint64_t)n, addrs, node < 0 ? NULL : nodes, status, flags,
			     cost);
}

static void test_flags(void **state)
{
	struct task *t;
	struct sim *s = env(state, 1, &t);
	int status[4];
	uint64_t cost = 0;

	assert_int_equal(move(s, t, ADDR, 1, 1, MPOL_MF_STRICT, status, &cost), -EINVAL);
	assert_int_equal(move(s, t, ADDR, 1, 1, MPOL_MF_MOVE | 8, status, &cost), -EINVAL);
	assert_int_equal(move(s, t, ADDR, 1, -1, MPOL_MF_MOVE, status, &cost), 0);
	assert_int_equal(status[0], 0);
}

/* Steps 1-4 with the copy window in between: the pte is a migration
 * entry, an access waits until the copy is done, --check holds. */
static void test_copy_window(void **state)
{
	struct task *t;
	struct sim *s = env(state, 2, &t);
	int status[2];
	uint64_t cost = 0;
	uint64_t before = s->mem.nodes[0].stat[NR_ANON_MAPPED];

	assert_int_equal(move(s, t, ADDR, 2, 3, MPOL_MF_MOVE, status, &cost), 0);
	assert_int_equal(status[0], 3);
	/* 2 pages * (migrate 2000 + copy 1000 * 31/10) ns */
	assert_int_equal(cost, 2 * (2000 + 3100));
	assert_int_equal(s->migrate_ns, cost);
	pte_t p = pgtable_get(&t->mm->pt, ADDR >> 12);

	assert_true(p & PTE_MIGRATION);
	assert_int_equal(migrate_in_flight(s), 2);
	struct fault_result res;

	assert_int_equal(handle_mm_fault(s, t, 0x101000, false, &res), 0);
	assert_int_equal(res.wait_until, sim_now(s) + cost);
	fx_check(s);
	fx_drain(s);
	assert_int_equal(migrate_in_flight(s), 0);
	assert_int_equal(fx_page_nid(s, t, ADDR), 3);
	assert_int_equal(s->mem.nodes[0].stat[NR_ANON_MAPPED], before - 2);
	assert_int_equal(s->mem.nodes[3].stat[NR_ANON_MAPPED], 2);
	assert_int_equal(s->mem.events[PGMIGRATE_SUCCESS], 2);
	fx_check(s);
}

/* A page unmapped while its copy is in flight is freed at the end. */
static void test_unmapped_during_copy(void **state)
{
	struct task *t;
	struct sim *s = env(state, 1, &t);
	int status[1];
	uint64_t cost = 0;
	uint64_t free0 = node_free_pages(&s->mem.nodes[0]),
		 free1 = node_free_pages(&s->mem.nodes[1]);

	assert_int_equal(move(s, t, ADDR, 1, 1, MPOL_MF_MOVE, status, &cost), 0);
	do_munmap(s, t->mm, ADDR, 0x101000);
	fx_check(s);
	fx_drain(s);
	fx_check(s);
	assert_int_equal(node_free_pages(&s->mem.nodes[0]), free0 + 1);
	assert_int_equal(node_free_pages(&s->mem.nodes[1]), free1);
}

/* Step 3: a reference the reverse map cannot account for aborts the
 * attempt before the copy, as __migrate_folio() checks the references
 * before folio_mc_copy(); after NR_MAX_MIGRATE_PAGES_RETRY passes the
 * page fails. Each attempt unmapped and remapped the page
 * (sim.cost.migrate_page_ns, 2000 ns) and copied nothing. */
static void test_pinned_page_fails(void **state)
{
	struct task *t;
	struct sim *s = env(state, 1, &t);
	int status[1];
	uint64_t cost = 0;
	pfn_t pfn = (pfn_t)pte_val(pgtable_get(&t->mm->pt, ADDR >> 12));

	s->mem.f.flags[pfn] |= PG_pinned;
	assert_int_equal(move(s, t, ADDR, 1, 1, MPOL_MF_MOVE, status, &cost), 1);
	assert_int_equal(s->mem.events[PGMIGRATE_FAIL], 1);
	assert_int_equal(cost, NR_MAX_MIGRATE_PAGES_RETRY * 2000);
	assert_int_equal(s->mem.events[PGMIGRATE_SUCCESS], 0);
	assert_int_equal(fx_page_nid(s, t, ADDR), 0);
	assert_true(pgtable_get(&t->mm->pt, ADDR >> 12) & PTE_PRESENT);
	assert_true(page_test_lru(&s->mem.f, pfn)); /* put back */
	fx_check(s);
}

/*
 * Random accesses meet a page under migration: the record blocks at the
 * first access that draws that page, with exactly the accesses before it
 * counted, and its random stream stands just past that draw (the
 * resumed record draws afresh). The known answer is the same stream
 * drawn by hand: random accesses are drawn in batches with prefetching,
 * which must change none of this.
 */
static void test_random_access_blocks_on_migration(void **state)
{
	struct task *t;
	struct sim *s = env(state, 64, &t);
	struct access_op op = {.addr = ADDR, .len = 64 * 4096, .count = 1000, .random = true};
	struct rng ref;
	int status[1];
	uint64_t cost = 0, wait = 0, k = 0;

	assert_int_equal(move(s, t, ADDR + 40 * 4096, 1, 3, MPOL_MF_MOVE, status, &cost), 0);
	rng_seed(&op.rng, 9, 0);
	rng_seed(&ref, 9, 0);
	while (rng_below(&ref, 64) != 40)
		k++;
	assert_true(k < 1000);
	uint64_t before = t->acc_local + t->acc_remote;

	cost = 0;
	assert_int_equal(task_access(s, t, &op, &cost, &wait), ACCESS_BLOCKED);
	assert_int_equal(op.done, k);
	assert_int_equal(t->acc_local + t->acc_remote - before, k);
	assert_true(wait > sim_now(s));
	assert_int_equal(rng_below(&op.rng, 1u << 30), rng_below(&ref, 1u << 30));
	fx_drain(s);
}

/*
 * Linux fact (migrate_pages()'s -ENOMEM case, 6.1 and 6.12): when no
 * target page can be had the list stops; pgmigrate_fail counts the page
 * that found none and the pages this pass retried before it ("undo the
 * retry counts"), not the pages the pass had not reached. Six pages, the
 * second pinned (retried), two target pages: pages 0 and 2 move, page 3
 * finds no target, so 2 succeed and 2 (pages 1 and 3) count as failed;
 * pages 4 and 5 go back uncounted.
 */
static void test_nomem_counts_reached_pages(void **state)
{
	struct task *t;
	struct sim *s = env(state, 6, &t);
	struct migrate_item items[6];
	pfn_t targets[2];
	struct compact_pool pool = {.pfns = targets, .cap = 2};
	struct migrate_target mt = {.local_nid = 0, .pool = &pool};
	uint64_t cost = 0;

	for (int i = 0; i < 2; i++) {
		targets[i] = alloc_pages_node(s, 1, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, 0, 0);
		assert_true(targets[i] != NOPFN);
	}
	pool.nr = 2;
	for (int i = 0; i < 6; i++) {
		items[i].pfn = (pfn_t)pte_val(pgtable_get(&t->mm->pt, (ADDR >> 12) + (uint64_t)i));
		assert_int_equal(migrate_isolate(s, items[i].pfn), 0);
	}
	s->mem.f.flags[items[1].pfn] |= PG_pinned;
	assert_int_equal(migrate_pages_list(s, items, 6, &mt, &cost), -ENOMEM);
	assert_int_equal(s->mem.events[PGMIGRATE_SUCCESS], 2);
	assert_int_equal(s->mem.events[PGMIGRATE_FAIL], 2);
	assert_int_equal(pool.nr, 0);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(items[i].rc, i == 0 || i == 2 ? 0 : -ENOMEM);
		assert_int_equal(fx_page_nid(s, t, ADDR + (uint64_t)i * 4096), i == 0 || i == 2);
	}
	assert_true(page_test_lru(&s->mem.f, items[5].pfn)); /* put back */
	s->mem.f.flags[items[1].pfn] &= ~PG_pinned;
	fx_check(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flags, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_copy_window, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_unmapped_during_copy, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_pinned_page_fails, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_random_access_blocks_on_migration, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_nomem_counts_reached_pages, fx_setup,
						fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
