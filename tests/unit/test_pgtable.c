/*
 * test_pgtable.c - the page table: entries set, read back, cleared and
 * walked in address order across leaf tables and hash growth.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <cmocka.h>

#include "task/pgtable.h"

static void test_set_get_clear(void **state)
{
	struct pgtable pt;

	pgtable_init(&pt);
	assert_int_equal(pgtable_get(&pt, 12345), 0);
	assert_int_equal(pgtable_set(&pt, 12345, mk_pte(77, PTE_PRESENT | PTE_WRITE)), 0);
	pte_t e = pgtable_get(&pt, 12345);

	assert_true(pte_present(e));
	assert_true(pte_maps_frame(e));
	assert_int_equal(pte_val(e), 77);
	assert_int_equal(e & PTE_FLAGS_MASK, PTE_PRESENT | PTE_WRITE);
	assert_int_equal(pt.entries, 1);
	/* the zero page is present but maps no frame */
	pgtable_set(&pt, 12346, mk_pte(0, PTE_PRESENT | PTE_ZERO));
	assert_false(pte_maps_frame(pgtable_get(&pt, 12346)));
	assert_int_equal(pt.entries, 2);
	/* overwriting keeps the count, clearing drops it */
	pgtable_set(&pt, 12345, mk_pte(78, PTE_PRESENT));
	assert_int_equal(pt.entries, 2);
	pgtable_set(&pt, 12345, 0);
	pgtable_set(&pt, 12346, 0);
	assert_int_equal(pt.entries, 0);
	assert_int_equal(pgtable_get(&pt, 12345), 0);
	/* clearing an entry that was never set is harmless */
	assert_int_equal(pgtable_set(&pt, 1ULL << 34, 0), 0);
	assert_int_equal(pt.entries, 0);
	pgtable_free(&pt);
	(void)state;
}

struct walk_log {
	uint64_t n;
	uint64_t vpns[64];
};

static void log_vpn(void *ctx, uint64_t vpn, pte_t *e)
{
	struct walk_log *l = ctx;

	(void)e;
	if (l->n < 64)
		l->vpns[l->n] = vpn;
	l->n++;
}

static void test_walk_in_order(void **state)
{
	struct pgtable pt;
	/* spread over distant leaves, inserted out of order */
	const uint64_t vpns[] = {5000000, 3, 511, 512, 1023, 1ULL << 30, 700000, 2};
	const uint64_t sorted[] = {2, 3, 511, 512, 1023, 700000, 5000000, 1ULL << 30};
	struct walk_log l = {0};

	pgtable_init(&pt);
	for (size_t i = 0; i < 8; i++)
		pgtable_set(&pt, vpns[i], mk_pte(i + 1, PTE_PRESENT));
	pgtable_walk(&pt, 0, 6000000, log_vpn, &l);
	assert_int_equal(l.n, 7);
	for (int i = 0; i < 7; i++)
		assert_int_equal(l.vpns[i], sorted[i]);
	/* a sub-range takes only what lies inside [lo, hi) */
	l.n = 0;
	pgtable_walk(&pt, 3, 512, log_vpn, &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.vpns[0], 3);
	assert_int_equal(l.vpns[1], 511);
	pgtable_free(&pt);
	(void)state;
}

static void clear_odd(void *ctx, uint64_t vpn, pte_t *e)
{
	(void)ctx;
	if (vpn & 1)
		*e = 0;
}

static void test_walk_may_clear(void **state)
{
	struct pgtable pt;

	pgtable_init(&pt);
	for (uint64_t v = 0; v < 2000; v++)
		pgtable_set(&pt, v, mk_pte(v, PTE_PRESENT));
	assert_int_equal(pt.entries, 2000);
	pgtable_walk(&pt, 0, 2000, clear_odd, NULL);
	assert_int_equal(pt.entries, 1000);
	assert_int_equal(pgtable_get(&pt, 7), 0);
	assert_int_equal(pte_val(pgtable_get(&pt, 8)), 8);
	pgtable_free(&pt);
	(void)state;
}

static void test_many_leaves(void **state)
{
	struct pgtable pt;

	pgtable_init(&pt);
	/* one entry in each of 10000 leaves forces the hash to grow */
	for (uint64_t i = 0; i < 10000; i++)
		assert_int_equal(pgtable_set(&pt, i * PT_LEAF_SIZE + 7, mk_pte(i, PTE_PRESENT)), 0);
	assert_int_equal(pt.nleaves, 10000);
	for (uint64_t i = 0; i < 10000; i++)
		assert_int_equal(pte_val(pgtable_get(&pt, i * PT_LEAF_SIZE + 7)), i);
	assert_int_equal(pgtable_get(&pt, 7 + 1), 0);
	pgtable_free(&pt);
	(void)state;
}

struct walk_check {
	uint64_t n, last;
	bool ordered;
};

static void check_vpn(void *ctx, uint64_t vpn, pte_t *e)
{
	struct walk_check *c = ctx;

	if (c->n && vpn <= c->last)
		c->ordered = false;
	if (pte_val(*e) != vpn)
		c->ordered = false;
	c->last = vpn;
	c->n++;
}

/*
 * 2,000 leaves of one entry each, 1,487 leaf numbers apart (so they
 * spread over many 512-leaf directories, and past the first 512 come from
 * 2 MiB chunks): every entry reads back, and walks of the whole range and
 * of ranges starting and ending inside directories visit exactly the
 * entries inside, in address order. The counts are arithmetic: entry i
 * sits at vpn i * 1487 * 512 + 5.
 */
static void test_directories_and_chunks(void **state)
{
	struct pgtable pt;
	const uint64_t step = 1487ULL * PT_LEAF_SIZE;
	struct walk_check c = {0, 0, true};

	pgtable_init(&pt);
	for (uint64_t i = 0; i < 2000; i++)
		assert_int_equal(pgtable_set(&pt, i * step + 5, mk_pte(i * step + 5, PTE_PRESENT)),
				 0);
	assert_int_equal(pt.nleaves, 2000);
	assert_true(pt.nchunks >= 1);
	for (uint64_t i = 0; i < 2000; i++) {
		assert_int_equal(pte_val(pgtable_get(&pt, i * step + 5)), i * step + 5);
		assert_int_equal(pgtable_get(&pt, i * step + 6), 0);
	}
	pgtable_walk(&pt, 0, 2000 * step, check_vpn, &c);
	assert_int_equal(c.n, 2000);
	assert_true(c.ordered);
	/* [100 * step + 6, 1500 * step + 5): entries 101..1499 */
	c = (struct walk_check){0, 0, true};
	pgtable_walk(&pt, 100 * step + 6, 1500 * step + 5, check_vpn, &c);
	assert_int_equal(c.n, 1399);
	assert_true(c.ordered);
	/* a range far wider than the table takes the sparse walk: same answer */
	c = (struct walk_check){0, 0, true};
	pgtable_walk(&pt, 0, 1ULL << 50, check_vpn, &c);
	assert_int_equal(c.n, 2000);
	assert_true(c.ordered);
	pgtable_free(&pt);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_get_clear),	       cmocka_unit_test(test_walk_in_order),
		cmocka_unit_test(test_walk_may_clear),	       cmocka_unit_test(test_many_leaves),
		cmocka_unit_test(test_directories_and_chunks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
