/*
 * eevdf.c - kswapd sharing its node's only CPU with the task that woke
 * it, under EEVDF (kernel/sched/fair.c, 6.6 on). See eevdf.h and
 * docs/model.md §6.
 */
#include "task/eevdf.h"

/* Models sched_update_scaling() for sysctl_sched_base_slice. */
uint64_t eevdf_base_slice(unsigned nr_cpus)
{
	unsigned n = nr_cpus < 8 ? nr_cpus : 8, factor = 1;

	for (; n > 1; n >>= 1)
		factor++;
	return 750000ull * factor;
}

struct eevdf_params eevdf_params(unsigned nr_cpus, bool delay_zero)
{
	struct eevdf_params p = {
		.slice = eevdf_base_slice(nr_cpus),
		.tick = EEVDF_TICK_NS,
		.delay_zero = delay_zero,
	};
	/* update_entity_lag(): max(2 x slice, TICK_NSEC) */
	p.lag_limit = (int64_t)(2 * p.slice > p.tick ? 2 * p.slice : p.tick);
	return p;
}

/* The waker's vruntime at t: the CPU time it had, the time less what it
 * gave kswapd. */
static uint64_t waker_vruntime(const struct eevdf_share *e, uint64_t t)
{
	return t > e->given ? t - e->given : 0;
}

/* Models update_deadline(): once the waker's vruntime reaches its
 * deadline, it gets a new one, a slice on. */
static bool renew_deadline(struct eevdf_share *e, const struct eevdf_params *p, uint64_t t)
{
	uint64_t v = waker_vruntime(e, t);

	if (v < e->deadline)
		return false;
	e->deadline = v + p->slice;
	return true;
}

/* The first tick after x: the ticks fall at tick_offset + k x tick. */
static uint64_t next_tick(const struct eevdf_share *e, const struct eevdf_params *p, uint64_t x)
{
	if (x < e->tick_offset)
		return e->tick_offset;
	return e->tick_offset + ((x - e->tick_offset) / p->tick + 1) * p->tick;
}

/* The waker runs alone up to t: each tick's update_curr() renews its
 * deadline once passed. A long run repeats itself every few ticks, so
 * only its last 32 are played. */
static void run_alone(struct eevdf_share *e, const struct eevdf_params *p, uint64_t t)
{
	uint64_t T = next_tick(e, p, e->ticked);

	if (t > T + 64 * p->tick) {
		T += (t - T) / p->tick * p->tick - 32 * p->tick;
		e->deadline = waker_vruntime(e, T);
	}
	for (; T <= t; T += p->tick)
		renew_deadline(e, p, T);
	e->ticked = t;
}

/*
 * Models check_preempt_wakeup_fair() for kswapd woken at t, with
 * place_entity() and pick_eevdf(). enqueue_entity()'s update_curr()
 * first renews the waker's deadline if it has passed; place_entity()
 * then puts kswapd at the average vruntime less its kept lag, with a
 * deadline a slice on.
 * check_preempt_wakeup_fair() preempts the waker when pick_eevdf()
 * chooses kswapd:
 *  - with a positive lag kswapd pulls the average below the waker's
 *    vruntime, the waker is not eligible, and kswapd runs at once;
 *  - with none, kswapd's deadline ties the waker's renewed one (a tie
 *    goes to kswapd: the current task wins only with an earlier
 *    deadline), so it runs at once if the deadline was renewed now;
 *  - otherwise the waker's deadline is the earlier and kswapd waits for
 *    the first tick that finds the waker past it (and, with a negative
 *    lag, kswapd eligible again). While it waits it gains half the time
 *    as lag (the average moves at half the waker's speed).
 */
uint64_t eevdf_wakeup_wait(struct eevdf_share *e, const struct eevdf_params *p, uint64_t t)
{
	if (e->ticked < t)
		run_alone(e, p, t);
	if (renew_deadline(e, p, t) || e->lag > 0)
		return 0;
	uint64_t T = next_tick(e, p, t);

	while (waker_vruntime(e, T) < e->deadline || e->lag + (int64_t)(T - t) / 2 < 0)
		T += p->tick;
	e->lag += (int64_t)(T - t) / 2;
	renew_deadline(e, p, T);
	e->ticked = T;
	return T - t;
}

/*
 * Models dequeue_entity()'s lag for kswapd going to sleep (with
 * update_entity_lag()): at now, after running for ran while the waker
 * waited: the waker's vruntime did not move, kswapd's lag fell by half
 * the run. dequeue_entity() keeps the lag, clamped; with DELAY_DEQUEUE
 * a kswapd that ran past its share stays queued until it is eligible
 * and leaves with its lag cut to 0 (DELAY_ZERO, 6.12 on). The ticks
 * fall at tick_offset (mod a tick) from now on.
 */
void eevdf_sleep(struct eevdf_share *e, const struct eevdf_params *p, uint64_t ran, uint64_t now,
		 uint64_t tick_offset)
{
	e->tick_offset = tick_offset % p->tick;
	e->given += ran;
	e->lag -= (int64_t)(ran / 2);
	if (e->lag < 0 && p->delay_zero)
		e->lag = 0;
	if (e->lag > p->lag_limit)
		e->lag = p->lag_limit;
	if (e->lag < -p->lag_limit)
		e->lag = -p->lag_limit;
	e->ticked = now;
}
