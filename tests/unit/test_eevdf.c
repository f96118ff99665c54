/*
 * test_eevdf.c - kswapd sharing one CPU with the task that woke it
 * (sim/task/eevdf.c) against EEVDF's rules in kernel/sched/fair.c, with
 * the times worked out by hand (model arithmetic).
 *
 * The machine: 8 CPUs, so the base slice is 0.75 ms x (1 + ilog2(8)) =
 * 3 ms; HZ=250, a tick every 4 ms. The waker's vruntime is the time less
 * the CPU time it gave kswapd; its deadline is renewed a slice on once
 * reached, at a tick or at kswapd's wakeup; kswapd gains half of what it
 * waits as lag and loses half of what it runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "task/eevdf.h"

#define MS 1000000ull
#define US 1000ull

static void test_base_slice_scales_with_log_cpus(void **state)
{
	(void)state;
	assert_int_equal(eevdf_base_slice(1), 750 * US);
	assert_int_equal(eevdf_base_slice(2), 1500 * US);
	assert_int_equal(eevdf_base_slice(3), 1500 * US);
	assert_int_equal(eevdf_base_slice(4), 2250 * US);
	assert_int_equal(eevdf_base_slice(8), 3 * MS);
	assert_int_equal(eevdf_base_slice(64), 3 * MS); /* capped at 8 */
	struct eevdf_params p = eevdf_params(8, true);

	assert_int_equal(p.tick, 4 * MS);
	assert_int_equal(p.lag_limit, 6 * MS); /* max(2 x slice, tick) */
	assert_int_equal(eevdf_params(1, true).lag_limit, 4 * MS);
}

/*
 * 6.12 (DELAY_ZERO):
 *  - woken at 1 ms: the waker's deadline (0) has passed, is renewed to
 *    4 ms at the wakeup, and kswapd (lag 0) ties it: it runs at once;
 *  - it runs 1 ms and sleeps at 2 ms: lag -0.5 ms, cut to 0; the waker
 *    gave 1 ms, its vruntime is now t - 1 ms;
 *  - woken at 4.5 ms: the tick at 4 ms found the waker at 3 ms, short of
 *    4; at 4.5 it is at 3.5: kswapd waits for the tick at 8 ms (waker at
 *    7 ms, deadline renewed to 10), 3.5 ms, and has lag 1.75 ms;
 *  - it runs 1 ms (8 to 9): lag 1.25 ms, given 2 ms;
 *  - woken at 12 ms: the tick at 12 renewed the deadline (waker at 10)
 *    to 13; kswapd has lag, so it runs at once;
 *  - it runs 3 ms (12 to 15): lag 1.25 - 1.5 < 0, cut to 0, given 5 ms;
 *  - woken at 15.5 ms: the waker is at 10.5, its deadline 13; the tick
 *    at 16 finds it at 11 (kswapd's run took its time), the one at 20
 *    at 15: kswapd waits 4.5 ms, lag 2.25 ms.
 */
static void test_wakeups_612(void **state)
{
	struct eevdf_params p = eevdf_params(8, true);
	struct eevdf_share e = {0};

	(void)state;
	assert_int_equal(eevdf_wakeup_wait(&e, &p, 1 * MS), 0);
	assert_int_equal(e.deadline, 4 * MS);
	eevdf_sleep(&e, &p, 1 * MS, 2 * MS, 0);
	assert_int_equal(e.lag, 0);
	assert_int_equal(e.given, 1 * MS);
	assert_int_equal(eevdf_wakeup_wait(&e, &p, 4500 * US), 3500 * US);
	assert_int_equal(e.lag, 1750 * US);
	assert_int_equal(e.deadline, 10 * MS);
	eevdf_sleep(&e, &p, 1 * MS, 9 * MS, 0);
	assert_int_equal(e.lag, 1250 * US);
	assert_int_equal(eevdf_wakeup_wait(&e, &p, 12 * MS), 0);
	assert_int_equal(e.deadline, 13 * MS);
	assert_int_equal(e.lag, 1250 * US);
	eevdf_sleep(&e, &p, 3 * MS, 15 * MS, 0);
	assert_int_equal(e.lag, 0);
	assert_int_equal(e.given, 5 * MS);
	assert_int_equal(eevdf_wakeup_wait(&e, &p, 15500 * US), 4500 * US);
	assert_int_equal(e.lag, 2250 * US);
}

/*
 * 6.6 to 6.11 (no DELAY_DEQUEUE): a negative lag is kept. kswapd runs
 * 6 ms from 1 ms: lag -3 ms, given 6 ms. Woken at 7.5 ms (waker at 1.5,
 * deadline 4): the tick at 8 finds the waker at 2; at 12 it is at 6,
 * past 4, but kswapd's lag is -3 + 4.5 / 2 < 0, not eligible; at 16 it
 * is -3 + 8.5 / 2 = 1.25 ms: kswapd waits 8.5 ms. Under 6.12 the lag is
 * cut to 0 and it waits 4.5 ms, for the tick at 12.
 */
static void test_negative_lag_kept_before_612(void **state)
{
	for (int dz = 0; dz < 2; dz++) {
		struct eevdf_params p = eevdf_params(8, dz);
		struct eevdf_share e = {0};

		(void)state;
		assert_int_equal(eevdf_wakeup_wait(&e, &p, 1 * MS), 0);
		eevdf_sleep(&e, &p, 6 * MS, 7 * MS, 0);
		assert_int_equal(e.lag, dz ? 0 : -(int64_t)(3 * MS));
		assert_int_equal(eevdf_wakeup_wait(&e, &p, 7500 * US), dz ? 4500 * US : 8500 * US);
		assert_int_equal(e.lag, dz ? 2250 * US : 1250 * US);
	}
}

/* The lag is clamped to +-max(2 x slice, tick) = 6 ms when kswapd
 * sleeps: a 20 ms run leaves -6 ms, not -10. */
static void test_lag_clamped(void **state)
{
	struct eevdf_params p = eevdf_params(8, false);
	struct eevdf_share e = {0};

	(void)state;
	eevdf_sleep(&e, &p, 20 * MS, 20 * MS, 0);
	assert_int_equal(e.lag, -(int64_t)(6 * MS));
}

/* After a long time alone the waker's deadline is renewed at every tick
 * (a slice is shorter than a tick): woken at 1000.5 ms, the tick at
 * 1000 set it to 1003, so kswapd waits for the tick at 1004. */
static void test_long_solo_run(void **state)
{
	struct eevdf_params p = eevdf_params(8, true);
	struct eevdf_share e = {0};

	(void)state;
	assert_int_equal(eevdf_wakeup_wait(&e, &p, 1000500 * US), 3500 * US);
	assert_int_equal(e.deadline, 1007 * MS);
	assert_int_equal(e.lag, 1750 * US);
}

/*
 * Where the tick falls decides the wait. With the ticks at 0, 4, 8 ms,
 * kswapd woken at 1 ms finds the waker's deadline (0) passed and runs at
 * once (test_wakeups_612). With them at 1, 5, 9 ms, the tick at 1 ms has
 * just renewed the deadline to 4 ms (the waker at 1); at the wakeup the
 * waker is short of it, so kswapd waits for the tick at 5 ms: 4 ms, lag
 * 2 ms. eevdf_sleep() moves the ticks: after a 1 ms run ending at 6 ms
 * (lag 2 - 0.5 = 1.5 ms) with them at 2, 6, 10 ms, a wakeup at 7 ms runs
 * at once on its lag.
 */
static void test_tick_offset(void **state)
{
	struct eevdf_params p = eevdf_params(8, true);
	struct eevdf_share e = {.tick_offset = 1 * MS};

	(void)state;
	assert_int_equal(eevdf_wakeup_wait(&e, &p, 1 * MS), 4 * MS);
	assert_int_equal(e.lag, 2 * MS);
	assert_int_equal(e.deadline, 8 * MS); /* renewed at 5: waker at 5 */
	eevdf_sleep(&e, &p, 1 * MS, 6 * MS, 6 * MS);
	assert_int_equal(e.tick_offset, 2 * MS); /* 6 mod 4 */
	assert_int_equal(e.lag, 1500 * US);
	assert_int_equal(eevdf_wakeup_wait(&e, &p, 7 * MS), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_slice_scales_with_log_cpus),
		cmocka_unit_test(test_wakeups_612),
		cmocka_unit_test(test_negative_lag_kept_before_612),
		cmocka_unit_test(test_lag_clamped),
		cmocka_unit_test(test_long_solo_run),
		cmocka_unit_test(test_tick_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
