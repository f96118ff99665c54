/*
 * sim_fixture.h - a small simulation with tasks and address spaces for
 * the unit tests of policies, cpusets, migration, reclaim and the
 * allocator: creating, checking (--check) and destroying a simulation,
 * and a ready-made test state for cmocka's setup and teardown.
 */
#ifndef NUMASIM_TESTS_SIM_FIXTURE_H
#define NUMASIM_TESTS_SIM_FIXTURE_H

#include "fixture_topo.h"
#include "mm/memory.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/task.h"

/* sim_create() of a test: a failure fails the test. */
static inline struct sim *fx_sim_create(struct topology *tp, struct tunables *tun)
{
	struct nerr err;
	struct sim *s = sim_create(tp, tun, &err);

	if (!s)
		fail_msg("sim_create: %s", err.msg);
	return s;
}

/* Four nodes of 64 MiB with ring4 distances, two CPUs each. */
static inline struct sim *fx_sim(struct topology **tp)
{
	static const int ring4[16] = {10, 18, 18, 31, 18, 10, 31, 18,
				      18, 31, 10, 18, 31, 18, 18, 10};
	uint64_t mem[4] = {64 << 20, 64 << 20, 64 << 20, 64 << 20};
	struct tunables tun;

	*tp = fixture_topo(4, mem, NULL, ring4, 2);
	tunables_init(&tun);
	return fx_sim_create(*tp, &tun);
}

/* A task on cpu with an empty address space. */
static inline struct task *fx_task(struct sim *s, int pid, int uid, int cpu)
{
	struct task *t = task_create(s, pid, pid, uid, "t");

	assert_non_null(t);
	task_set_cpu(s, t, cpu);
	t->mm = mm_alloc(s);
	t->mm->owner = pid;
	return t;
}

/* An anonymous private mapping of npages at addr, written once. */
static inline void fx_touch(struct sim *s, struct task *t, uint64_t addr, uint64_t npages)
{
	assert_non_null(mmap_region(s, t->mm, addr, addr + npages * 4096,
				    VM_READ | VM_WRITE | VM_ANON, 0, 0));
	for (uint64_t i = 0; i < npages; i++) {
		struct fault_result res;

		assert_int_equal(handle_mm_fault(s, t, addr + i * 4096, true, &res), 0);
	}
}

static inline int fx_page_nid(struct sim *s, struct task *t, uint64_t addr)
{
	pte_t p = pgtable_get(&t->mm->pt, addr >> 12);

	return pfn_to_nid(&s->mem, (pfn_t)pte_val(p));
}

/* Runs every pending event (migration copies complete). */
static inline void fx_drain(struct sim *s)
{
	while (engine_step(&s->eng))
		;
}

static inline void fx_check(struct sim *s)
{
	struct nerr err;

	if (sim_check(s, &err))
		fail_msg("%s", err.msg);
}

static inline void fx_destroy(struct sim *s, struct topology *t)
{
	sim_destroy(s);
	fixture_topo_free(t);
}

/* The state most tests start from: fx_sim()'s machine and pid 1 on
 * cpu 0 with an empty address space. */
struct fx_env {
	struct topology *tp;
	struct sim *s;
	struct task *t;
};

/* cmocka setup and teardown of a struct fx_env as the test's state
 * (cmocka_unit_test_setup_teardown(test, fx_setup, fx_teardown)). */
static inline int fx_setup(void **state)
{
	struct fx_env *x = test_calloc(1, sizeof(*x));

	x->s = fx_sim(&x->tp);
	x->t = fx_task(x->s, 1, 0, 0);
	*state = x;
	return 0;
}

static inline int fx_teardown(void **state)
{
	struct fx_env *x = *state;

	fx_destroy(x->s, x->tp);
	test_free(x);
	return 0;
}

#endif
