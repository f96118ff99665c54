/*
 * test_core.c - node/CPU lists (sim/core/bitmap.c) and numbers with
 * units (sim/core/units.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/bitmap.h"
#include "core/tunables.h"
#include "core/units.h"

static void test_parselist_and_print(void **state)
{
	nodemask_t m;
	char err[128], buf[128];

	assert_int_equal(bm_parselist("0-3,6,8-9", m.w, NODEMASK_BITS, 16, err, sizeof(err)), 0);
	assert_int_equal(nodes_weight(&m), 7);
	assert_true(node_isset(&m, 6));
	assert_false(node_isset(&m, 7));
	assert_string_equal(bm_printlist(m.w, NODEMASK_BITS, buf, sizeof(buf)), "0-3,6,8-9");
	assert_int_equal(bm_parselist("", m.w, NODEMASK_BITS, 16, err, sizeof(err)), 0);
	assert_true(nodes_empty(&m));
	assert_string_equal(bm_printlist(m.w, NODEMASK_BITS, buf, sizeof(buf)), "");
	assert_int_equal(bm_parselist("5", m.w, NODEMASK_BITS, 16, err, sizeof(err)), 0);
	assert_string_equal(bm_printlist(m.w, NODEMASK_BITS, buf, sizeof(buf)), "5");
	(void)state;
}

static void test_parselist_errors(void **state)
{
	cpumask_t m;
	char err[128];

	assert_int_equal(bm_parselist("3-1", m.w, CPUMASK_BITS, 8, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "backwards"));
	assert_int_equal(bm_parselist("0-8", m.w, CPUMASK_BITS, 8, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(bm_parselist("1,,2", m.w, CPUMASK_BITS, 8, err, sizeof(err)), -1);
	assert_int_equal(bm_parselist("x", m.w, CPUMASK_BITS, 8, err, sizeof(err)), -1);
	assert_int_equal(bm_parselist("1;2", m.w, CPUMASK_BITS, 8, err, sizeof(err)), -1);
	(void)state;
}

static void test_mask_ops(void **state)
{
	nodemask_t a = {0}, b = {0}, c;
	int n, count = 0;

	node_set(&a, 1);
	node_set(&a, 700);
	node_set(&b, 700);
	assert_true(nodes_subset(&b, &a));
	assert_false(nodes_subset(&a, &b));
	assert_true(nodes_intersects(&a, &b));
	nodes_andnot(&c, &a, &b);
	assert_true(node_isset(&c, 1) && !node_isset(&c, 700));
	for_each_node_mask(n, &a)
		count++;
	assert_int_equal(count, 2);
	assert_int_equal(first_node(&a), 1);
	assert_int_equal(next_node(1, &a), 700);
	(void)state;
}

static void test_sizes(void **state)
{
	uint64_t v;
	char why[128];

	assert_int_equal(parse_size("256MiB", &v, why, sizeof(why)), 0);
	assert_int_equal(v, 256ULL << 20);
	assert_int_equal(parse_size("4G", &v, why, sizeof(why)), 0);
	assert_int_equal(v, 4ULL << 30);
	assert_int_equal(parse_size("1TiB", &v, why, sizeof(why)), 0);
	assert_int_equal(v, 1ULL << 40);
	assert_int_equal(parse_size("0x1000", &v, why, sizeof(why)), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("12B", &v, why, sizeof(why)), 0);
	assert_int_equal(v, 12);
	assert_int_equal(parse_size("3 MiB", &v, why, sizeof(why)), -1);
	assert_int_equal(parse_size("5XB", &v, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "unknown unit"));
	assert_int_equal(parse_size("-1", &v, why, sizeof(why)), -1);
	assert_int_equal(parse_size("99999999999T", &v, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "too large"));
	(void)state;
}

static void test_times_and_integers(void **state)
{
	uint64_t v;
	char why[128], buf[32];

	assert_int_equal(parse_time_ns("15", &v, why, sizeof(why)), 0);
	assert_int_equal(v, 15);
	assert_int_equal(parse_time_ns("3us", &v, why, sizeof(why)), 0);
	assert_int_equal(v, 3000);
	assert_int_equal(parse_time_ns("2s", &v, why, sizeof(why)), 0);
	assert_int_equal(v, 2000000000ULL);
	assert_int_equal(parse_time_ns("2h", &v, why, sizeof(why)), -1);
	assert_int_equal(parse_u64("0x10", &v, why, sizeof(why)), 0);
	assert_int_equal(v, 16);
	assert_int_equal(parse_u64("10k", &v, why, sizeof(why)), -1);
	assert_int_equal(parse_u64("", &v, why, sizeof(why)), -1);
	assert_string_equal(format_size(256ULL << 20, buf, sizeof(buf)), "256MiB");
	assert_string_equal(format_size(1000, buf, sizeof(buf)), "1000B");
	(void)state;
}

/* sim.kernel_version: "major.minor" kept as major * 100 + minor, only the
 * modelled range 6.1..6.12, and kernel_at_least() comparing minors as
 * numbers (6.12 is newer than 6.9, although "6.12" < "6.9" as strings). */
static void test_kernel_version(void **state)
{
	struct tunables t;
	struct nerr err;

	(void)state;
	tunables_init(&t);
	assert_int_equal(tun(&t, TUN_SIM_KERNEL_VERSION), 612);
	assert_int_equal(tunable_set_kv(&t, "sim.kernel_version=6.1", &err), 0);
	assert_int_equal(tun(&t, TUN_SIM_KERNEL_VERSION), 601);
	assert_true(kernel_at_least(&t, 6, 1));
	assert_false(kernel_at_least(&t, 6, 7));
	assert_int_equal(tunable_set_kv(&t, "sim.kernel_version=6.12", &err), 0);
	assert_true(kernel_at_least(&t, 6, 9));
	assert_false(kernel_at_least(&t, 6, 13));
	assert_int_equal(tunable_set_kv(&t, "sim.kernel_version=6.6", &err), 0);
	assert_int_equal(tun(&t, TUN_SIM_KERNEL_VERSION), 606);
	assert_int_not_equal(tunable_set_kv(&t, "sim.kernel_version=6.13", &err), 0);
	assert_string_equal(err.msg, "sim.kernel_version: 6.13 is not a modelled version (6.1..6.12)");
	assert_int_not_equal(tunable_set_kv(&t, "sim.kernel_version=5.15", &err), 0);
	assert_int_not_equal(tunable_set_kv(&t, "sim.kernel_version=612", &err), 0);
	assert_int_not_equal(tunable_set_kv(&t, "sim.kernel_version=6.1.2", &err), 0);
	assert_int_not_equal(tunable_set_kv(&t, "sim.kernel_version=-6.1", &err), 0);
	assert_int_equal(tun(&t, TUN_SIM_KERNEL_VERSION), 606);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parselist_and_print),
		cmocka_unit_test(test_parselist_errors),
		cmocka_unit_test(test_mask_ops),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_times_and_integers),
		cmocka_unit_test(test_kernel_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
