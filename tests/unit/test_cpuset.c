/*
 * test_cpuset.c - the cpuset hierarchy's answers (cgroup v1 rules of
 * kernel/cgroup/cpuset.c), allocation within a cpuset, and
 * memory_spread_page's round robin.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mm/cpuset.h"
#include "mm/mempolicy.h"
#include "sim_fixture.h"

static long cs(struct sim *s, enum cpuset_req_action a, const char *path, const char *cpus,
	       const char *mems, int pid)
{
	struct cpuset_req r = {.action = a, .path = path, .pid = pid};
	uint64_t cost = 0;

	if (cpus) {
		r.has |= CS_HAS_CPUS;
		assert_int_equal(bm_parselist(cpus, r.cpus.w, CPUMASK_BITS, CPUMASK_BITS, NULL, 0),
				 0);
	}
	if (mems) {
		r.has |= CS_HAS_MEMS;
		assert_int_equal(
			bm_parselist(mems, r.mems.w, NODEMASK_BITS, NODEMASK_BITS, NULL, 0), 0);
	}
	if (pid)
		r.has |= CS_HAS_PID;
	return cpuset_apply(s, &r, &cost);
}

static long cs_flag(struct sim *s, const char *path, unsigned has, bool on)
{
	struct cpuset_req r = {.action = CS_SET,
			       .path = path,
			       .has = has,
			       .mem_exclusive = on,
			       .memory_spread_page = on,
			       .memory_migrate = on};
	uint64_t cost = 0;

	return cpuset_apply(s, &r, &cost);
}

static void test_hierarchy_errnos(void **state)
{
	struct topology *tp;
	struct sim *s = fx_sim(&tp);

	(void)state;
	fx_task(s, 1, 0, 0);
	assert_int_equal(cs(s, CS_CREATE, "/a", "0-3", "0-1", 0), 0);
	assert_int_equal(cs(s, CS_CREATE, "/a", NULL, NULL, 0), -EEXIST);
	assert_int_equal(cs(s, CS_CREATE, "/x/y", NULL, NULL, 0), -ENOENT);
	assert_int_equal(cs(s, CS_CREATE, "/a/b", "0-1", "0", 0), 0);
	assert_int_equal(cs(s, CS_SET, "/a/b", NULL, "0-2", 0), -EACCES); /* beyond parent */
	assert_int_equal(cs(s, CS_SET, "/a/b", "0-5", NULL, 0), -EACCES);
	assert_int_equal(cs(s, CS_SET, "/a", NULL, "1", 0), -EBUSY);	  /* below a child */
	assert_int_equal(cs(s, CS_SET, "/a", NULL, "0-1,9", 0), -EINVAL); /* no such node */
	assert_int_equal(cs(s, CS_SET, "/", NULL, "0", 0), -EACCES);	  /* root read-only */
	assert_int_equal(cs(s, CS_CREATE, "/c", "4-5", "1-2", 0), 0);
	assert_int_equal(cs_flag(s, "/c", CS_HAS_MEM_EXCLUSIVE, true), -EINVAL); /* overlaps /a */
	assert_int_equal(cs(s, CS_SET, "/c", NULL, "2", 0), 0);
	assert_int_equal(cs_flag(s, "/c", CS_HAS_MEM_EXCLUSIVE, true), 0);
	assert_int_equal(cs(s, CS_SET, "/a", NULL, "0-2", 0), -EINVAL); /* into exclusive /c */
	assert_int_equal(cs(s, CS_CREATE, "/empty", NULL, NULL, 0), 0);
	assert_int_equal(cs(s, CS_ATTACH, "/empty", NULL, NULL, 1), -ENOSPC);
	assert_int_equal(cs(s, CS_ATTACH, "/a", NULL, NULL, 99), -ESRCH);
	assert_int_equal(cs(s, CS_ATTACH, "/nope", NULL, NULL, 1), -ENOENT);
	assert_int_equal(cs(s, CS_ATTACH, "/a/b", NULL, NULL, 1), 0);
	assert_int_equal(cs(s, CS_SET, "/a/b", NULL, "", 0), -ENOSPC); /* has a task */
	assert_int_equal(cs(s, CS_REMOVE, "/a/b", NULL, NULL, 0), -EBUSY);
	assert_int_equal(cs(s, CS_REMOVE, "/a", NULL, NULL, 0), -EBUSY);
	assert_int_equal(cs(s, CS_REMOVE, "/", NULL, NULL, 0), -EBUSY);
	assert_int_equal(cs(s, CS_ATTACH, "/", NULL, NULL, 1), 0);
	assert_int_equal(cs(s, CS_REMOVE, "/a/b", NULL, NULL, 0), 0);
	assert_int_equal(cs(s, CS_REMOVE, "/a", NULL, NULL, 0), 0);
	assert_int_equal(cs(s, CS_CREATE, "/a", NULL, NULL, 0), 0); /* the name is free */
	fx_destroy(s, tp);
}

/* Attach moves the task onto the cpuset's CPUs; its pages come from the
 * cpuset's mems, the nearest allowed to its node first. */
static void test_allocation_within_cpuset(void **state)
{
	struct topology *tp;
	struct sim *s = fx_sim(&tp);
	struct task *t = fx_task(s, 1, 0, 0);

	(void)state;
	assert_int_equal(cs(s, CS_CREATE, "/far", "0-1", "3", 0), 0);
	assert_int_equal(cs(s, CS_ATTACH, "/far", NULL, NULL, 1), 0);
	fx_touch(s, t, 0x100000, 8);
	for (int i = 0; i < 8; i++)
		assert_int_equal(fx_page_nid(s, t, 0x100000 + (uint64_t)i * 4096), 3);
	assert_int_equal(cs(s, CS_CREATE, "/b", "4-5", "1-2", 0), 0);
	assert_int_equal(cs(s, CS_ATTACH, "/b", NULL, NULL, 1), 0);
	assert_int_equal(t->cpu, 4);
	fx_check(s);
	fx_destroy(s, tp);
}

/* memory_spread_page: page cache round robin over the cpuset's mems. */
static void test_spread_node(void **state)
{
	struct topology *tp;
	struct sim *s = fx_sim(&tp);
	struct task *t = fx_task(s, 1, 0, 0);
	int count[4] = {0};

	(void)state;
	assert_int_equal(cs(s, CS_CREATE, "/s", "0-7", "1-3", 0), 0);
	assert_int_equal(cs(s, CS_ATTACH, "/s", NULL, NULL, 1), 0);
	assert_false(cpuset_do_page_mem_spread(s, t));
	assert_int_equal(cs_flag(s, "/s", CS_HAS_SPREAD_PAGE, true), 0);
	assert_true(cpuset_do_page_mem_spread(s, t));
	int prev = cpuset_mem_spread_node(s, t);

	for (int i = 0; i < 30; i++) {
		int n = cpuset_mem_spread_node(s, t);

		assert_true(n >= 1 && n <= 3);
		assert_int_equal(n, prev == 3 ? 1 : prev + 1);
		count[n]++;
		prev = n;
	}
	assert_int_equal(count[1], 10);
	assert_int_equal(count[0], 0);
	/* page cache pages (no VMA) follow the spread */
	uint64_t stall = 0;
	pfn_t a = alloc_user_pages(s, t, NULL, 0, GFP_HIGHUSER_MOVABLE, 0, &stall);
	pfn_t b = alloc_user_pages(s, t, NULL, 0, GFP_HIGHUSER_MOVABLE, 0, &stall);

	assert_int_not_equal(pfn_to_nid(&s->mem, a), pfn_to_nid(&s->mem, b));
	__free_pages(s, a, 0);
	__free_pages(s, b, 0);
	fx_destroy(s, tp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hierarchy_errnos),
		cmocka_unit_test(test_allocation_within_cpuset),
		cmocka_unit_test(test_spread_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
