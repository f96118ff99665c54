/*
 * test_engine.c - the event queue (sim/core/engine.c) and the random
 * streams (sim/core/rng.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/engine.h"
#include "core/rng.h"

struct log {
	uint64_t seen[64];
	uint64_t when[64];
	int n;
	struct engine *e;
};

static void record(void *ctx, uint64_t arg)
{
	struct log *l = ctx;

	l->when[l->n] = l->e->now;
	l->seen[l->n++] = arg;
}

static void test_events_run_in_time_order(void **state)
{
	struct engine e;
	struct log l = {.e = &e};

	engine_init(&e);
	engine_at(&e, 300, record, &l, 3);
	engine_at(&e, 100, record, &l, 1);
	engine_at(&e, 200, record, &l, 2);
	assert_int_equal(engine_next_time(&e), 100);
	while (engine_step(&e))
		;
	assert_int_equal(l.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(l.seen[i], (uint64_t)i + 1);
		assert_int_equal(l.when[i], (uint64_t)(i + 1) * 100);
	}
	assert_int_equal(e.now, 300);
	assert_int_equal(e.events_run, 3);
	assert_int_equal(engine_next_time(&e), UINT64_MAX);
	engine_free(&e);
	(void)state;
}

static void test_ties_run_in_insertion_order(void **state)
{
	struct engine e;
	struct log l = {.e = &e};

	engine_init(&e);
	/* 40 events at the same time, interleaved with earlier and later
	 * ones, so the heap reorders a lot. */
	for (uint64_t i = 0; i < 40; i++) {
		engine_at(&e, 50, record, &l, i);
		if (i % 8 == 0)
			engine_at(&e, 60, record, &l, 1000 + i);
	}
	engine_run_until(&e, 50);
	assert_int_equal(l.n, 40);
	for (int i = 0; i < 40; i++)
		assert_int_equal(l.seen[i], (uint64_t)i);
	engine_run_until(&e, 1000);
	assert_int_equal(l.n, 45);
	assert_int_equal(l.seen[40], 1000);
	assert_int_equal(l.seen[44], 1032);
	assert_int_equal(e.now, 1000);
	engine_free(&e);
	(void)state;
}

static void test_past_events_run_now(void **state)
{
	struct engine e;
	struct log l = {.e = &e};

	engine_init(&e);
	engine_run_until(&e, 500);
	engine_at(&e, 10, record, &l, 7);
	assert_int_equal(engine_next_time(&e), 500);
	engine_step(&e);
	assert_int_equal(l.when[0], 500);
	engine_free(&e);
	(void)state;
}

static void test_rng_deterministic_and_streams_differ(void **state)
{
	struct rng a, b, c;

	rng_seed(&a, 1234, 0);
	rng_seed(&b, 1234, 0);
	rng_seed(&c, 1234, 1);
	int same_c = 0;

	for (int i = 0; i < 1000; i++) {
		uint64_t x = rng_next(&a);

		assert_int_equal(x, rng_next(&b));
		same_c += x == rng_next(&c);
	}
	assert_true(same_c < 2);
	(void)state;
}

static void test_rng_below_range(void **state)
{
	struct rng r;
	unsigned hist[7] = {0};

	rng_seed(&r, 99, 3);
	for (int i = 0; i < 70000; i++) {
		uint64_t v = rng_below(&r, 7);

		assert_true(v < 7);
		hist[v]++;
	}
	for (int i = 0; i < 7; i++)
		assert_true(hist[i] > 9000 && hist[i] < 11000);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(rng_below(&r, 1), 0);
	uint64_t big = (1ULL << 63) + 12345;

	for (int i = 0; i < 1000; i++)
		assert_true(rng_below(&r, big) < big);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_run_in_time_order),
		cmocka_unit_test(test_ties_run_in_insertion_order),
		cmocka_unit_test(test_past_events_run_now),
		cmocka_unit_test(test_rng_deterministic_and_streams_differ),
		cmocka_unit_test(test_rng_below_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
