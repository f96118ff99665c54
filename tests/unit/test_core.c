/*
 * test_core.c - node/CPU lists (sim/core/bitmap.c) and numbers with
 * units (sim/core/units.c), the hash table (sim/core/hashmap.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/bitmap.h"
#include "core/suggest.h"
#include "core/hashmap.h"
#include "core/rng.h"
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
	/* k-th set bit of 0-3,6,8-9, counted by hand */
	assert_int_equal(bm_nth(m.w, NODEMASK_BITS, 0), 0);
	assert_int_equal(bm_nth(m.w, NODEMASK_BITS, 4), 6);
	assert_int_equal(bm_nth(m.w, NODEMASK_BITS, 6), 9);
	assert_int_equal(bm_nth(m.w, NODEMASK_BITS, 7), NODEMASK_BITS);
	node_set(&m, 700);
	assert_int_equal(bm_nth(m.w, NODEMASK_BITS, 7), 700);
	node_clear(&m, 700);
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
	for_each_node_mask(n, &a) count++;
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

/* Edit distances worked by hand: kitten -> sitting is the textbook 3
 * (two substitutions, one insertion); a swap of neighbours is one edit. */
static void test_suggest(void **state)
{
	const char *ops[] = {"spawn", "snapshot", "sysctl", NULL, "mmap"};
	char buf[64];

	(void)state;
	assert_int_equal(suggest_distance("kitten", "sitting"), 3);
	assert_int_equal(suggest_distance("spwan", "spawn"), 1);
	assert_int_equal(suggest_distance("", "abc"), 3);
	assert_string_equal(suggest_best("spwan", ops, 5), "spawn");
	assert_string_equal(suggest_best("mmpa", ops, 5), "mmap");
	assert_null(suggest_best("frobnicate", ops, 5));
	assert_null(suggest_best("spawn", ops, 5)); /* an exact word is no typo */
	assert_string_equal(suggest_hint("spawn", buf, sizeof(buf)), " (did you mean 'spawn'?)");
	assert_string_equal(suggest_hint(NULL, buf, sizeof(buf)), "");
}

/* The hash table against a plain array as the known answer: 10,000 keys
 * (including 0 and UINT64_MAX, which must be ordinary keys), every third
 * deleted, some re-inserted where they were deleted. */
static void test_hashmap(void **state)
{
	static uint64_t ref[10000];
	static bool live[10000];
	struct hashmap h;
	uint64_t v;

	(void)state;
	hashmap_init(&h);
	assert_false(hashmap_get(&h, 0, &v));
	for (uint64_t i = 0; i < 10000; i++) {
		uint64_t key = i == 1 ? UINT64_MAX : i * 4096;

		ref[i] = key;
		live[i] = true;
		assert_int_equal(hashmap_put(&h, key, i + 7), 0);
	}
	assert_int_equal(h.nr, 10000);
	for (uint64_t i = 0; i < 10000; i += 3) {
		assert_true(hashmap_del(&h, ref[i]));
		assert_false(hashmap_del(&h, ref[i]));
		live[i] = false;
	}
	for (uint64_t i = 0; i < 10000; i += 9) {
		assert_int_equal(hashmap_put(&h, ref[i], 1), 0);
		live[i] = true;
	}
	for (uint64_t i = 0; i < 10000; i++) {
		bool found = hashmap_get(&h, ref[i], &v);

		assert_int_equal(found, live[i]);
		if (found)
			assert_int_equal(v, i % 9 == 0 ? 1 : i + 7);
	}
	assert_false(hashmap_get(&h, 4096 * 10000, &v));
	assert_int_equal(hashmap_put(&h, 5 * 4096, 99), 0); /* replace keeps the count */
	assert_true(hashmap_get(&h, 5 * 4096, &v));
	assert_int_equal(v, 99);
	hashmap_free(&h);
	/* FNV-1a 64 of "a" (the published test vector) */
	assert_true(hashmap_str("a") == 0xaf63dc4c8601ec8cull);
	assert_true(hashmap_str("") == 0xcbf29ce484222325ull);
}

/*
 * Churn against a plain array as the known answer: keys drawn from a
 * small range (so probe runs wrap and cluster, and backward-shift
 * deletion moves entries across the table's end), with HASHMAP_NOKEY
 * among them; after every operation the table must agree with the
 * array, and iteration must visit each live key once.
 */
static void test_hashmap_churn(void **state)
{
	enum { RANGE = 300 };
	static uint64_t val[RANGE];
	static bool live[RANGE];
	struct hashmap h;
	struct rng r;
	uint64_t v, nr = 0;

	(void)state;
	hashmap_init(&h);
	rng_seed(&r, 3, 0);
	for (int op = 0; op < 20000; op++) {
		uint64_t i = rng_below(&r, RANGE);
		/* key 0 is HASHMAP_NOKEY; the others collide a lot on 16..512 slots */
		uint64_t key = i == 0 ? HASHMAP_NOKEY : i * 64;

		if (rng_below(&r, 3)) {
			nr += !live[i];
			val[i] = (uint64_t)op;
			live[i] = true;
			assert_int_equal(hashmap_put(&h, key, (uint64_t)op), 0);
		} else {
			assert_int_equal(hashmap_del(&h, key), live[i]);
			nr -= live[i];
			live[i] = false;
		}
		assert_int_equal(h.nr, nr);
		if (op % 97)
			continue;
		for (uint64_t k = 0; k < RANGE; k++) {
			bool found = hashmap_get(&h, k == 0 ? HASHMAP_NOKEY : k * 64, &v);

			assert_int_equal(found, live[k]);
			if (found)
				assert_int_equal(v, val[k]);
		}
		size_t pos = 0, seen = 0;
		uint64_t key2;

		while (hashmap_next(&h, &pos, &key2, &v)) {
			uint64_t k = key2 == HASHMAP_NOKEY ? 0 : key2 / 64;

			assert_true(k < RANGE && live[k] && v == val[k]);
			seen++;
		}
		assert_int_equal(seen, nr);
	}
	/* at most half full after growth */
	assert_true(h.nslots == 0 || h.nr <= h.nslots / 2 + 1);
	hashmap_free(&h);
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
	assert_string_equal(err.msg,
			    "sim.kernel_version: 6.13 is not a modelled version (6.1..6.12)");
	assert_int_not_equal(tunable_set_kv(&t, "sim.kernel_version=5.15", &err), 0);
	assert_int_not_equal(tunable_set_kv(&t, "sim.kernel_version=612", &err), 0);
	assert_int_not_equal(tunable_set_kv(&t, "sim.kernel_version=6.1.2", &err), 0);
	assert_int_not_equal(tunable_set_kv(&t, "sim.kernel_version=-6.1", &err), 0);
	assert_int_equal(tun(&t, TUN_SIM_KERNEL_VERSION), 606);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_parselist_and_print),
		cmocka_unit_test(test_parselist_errors),
		cmocka_unit_test(test_mask_ops),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_times_and_integers),
		cmocka_unit_test(test_hashmap),
		cmocka_unit_test(test_hashmap_churn),
		cmocka_unit_test(test_kernel_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
