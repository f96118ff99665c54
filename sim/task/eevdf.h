/*
 * eevdf.h - kswapd sharing its node's only CPU with the task that woke
 * it, under the EEVDF scheduler (kernel/sched/fair.c, 6.6 on).
 *
 * Two runnable tasks of equal weight (nice 0) on one CPU: the waker,
 * taken as always running when kswapd does not, and kswapd. The state
 * is what decides how long a wakeup waits for the CPU: kswapd's lag
 * (place_entity() keeps it across a sleep), the waker's virtual
 * deadline, and how much CPU time the waker gave kswapd (its vruntime is
 * the time since the start less that). docs/model.md §6 "kswapd on a
 * shared CPU" gives the rules and what they leave out.
 */
#ifndef NUMASIM_TASK_EEVDF_H
#define NUMASIM_TASK_EEVDF_H

#include <stdbool.h>
#include <stdint.h>

/* HZ=250, Debian's CONFIG_HZ: the scheduler tick */
#define EEVDF_TICK_NS 4000000ull

struct eevdf_params {
	uint64_t slice;	   /* sysctl_sched_base_slice */
	uint64_t tick;	   /* the tick period */
	int64_t lag_limit; /* update_entity_lag()'s clamp */
	bool delay_zero;   /* DELAY_DEQUEUE with DELAY_ZERO (6.12 on) */
};

struct eevdf_share {
	int64_t lag;	      /* kswapd's lag, in ns of CPU time */
	uint64_t given;	      /* CPU time the waker gave kswapd */
	uint64_t deadline;    /* the waker's virtual deadline */
	uint64_t ticked;      /* the waker's ticks are accounted up to here */
	uint64_t tick_offset; /* the ticks fall at tick_offset + k x tick */
};

/* sysctl_sched_base_slice for nr_cpus CPUs: 0.75 ms x (1 + ilog2(min(n,
 * 8))) (sched_update_scaling(), SCHED_TUNABLESCALING_LOG). */
uint64_t eevdf_base_slice(unsigned nr_cpus);

/* The params for nr_cpus CPUs, delay_zero as the kernel version has it. */
struct eevdf_params eevdf_params(unsigned nr_cpus, bool delay_zero);

/* kswapd is woken at t: how long it waits for the CPU (0: it preempts
 * the waker at once). */
uint64_t eevdf_wakeup_wait(struct eevdf_share *e, const struct eevdf_params *p, uint64_t t);

/* kswapd goes to sleep at now after running for ran; from now on the
 * ticks fall at tick_offset (mod a tick). Where the tick falls against
 * a task's work varies on a real machine from one stretch to the next
 * (interrupts, cache misses); numasim's costs are exact, so the caller
 * draws it at each sleep (docs/model.md §6). */
void eevdf_sleep(struct eevdf_share *e, const struct eevdf_params *p, uint64_t ran, uint64_t now,
		 uint64_t tick_offset);

#endif
