/*
 * test_mempolicy.c - memory policies: the errno table of set_mempolicy(2)
 * and mbind(2) (LTP mbind01, set_mempolicy0x), mpol_to_str() as
 * /proc/PID/numa_maps prints it, and the rebind rules.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mm/mempolicy.h"
#include "sim_fixture.h"

static nodemask_t mask(const char *list)
{
	nodemask_t m = {{0}};

	assert_int_equal(bm_parselist(list, m.w, NODEMASK_BITS, NODEMASK_BITS, NULL, 0), 0);
	return m;
}

static void test_set_mempolicy_errnos(void **state)
{
	struct topology *tp;
	struct sim *s = fx_sim(&tp);
	struct task *t = fx_task(s, 1, 0, 0);
	nodemask_t none = {{0}}, n0 = mask("0"), n01 = mask("0-1"), off = mask("9");

	(void)state;
	assert_int_equal(do_set_mempolicy(s, t, MPOL_DEFAULT, 0, &n0), -EINVAL);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_DEFAULT, 0, &none), 0);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_BIND, 0, &none), -EINVAL);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_INTERLEAVE, 0, NULL), -EINVAL);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_WEIGHTED_INTERLEAVE, 0, NULL), -EINVAL);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_PREFERRED_MANY, 0, NULL), -EINVAL);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_BIND, 0, &off), -EINVAL);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_MAX, 0, &n0), -EINVAL); /* unknown mode */
	assert_int_equal(do_set_mempolicy(s, t, -1, 0, &n0), -EINVAL);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_BIND, 1u << 3, &n0),
			 -EINVAL); /* unknown flag */
	assert_int_equal(
		do_set_mempolicy(s, t, MPOL_BIND, MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, &n0),
		-EINVAL);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_INTERLEAVE, MPOL_F_NUMA_BALANCING, &n0),
			 -EINVAL);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_BIND, MPOL_F_NUMA_BALANCING, &n0), 0);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_LOCAL, 0, &n0), -EINVAL);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_LOCAL, MPOL_F_STATIC_NODES, NULL), -EINVAL);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_PREFERRED, MPOL_F_STATIC_NODES, NULL),
			 -EINVAL);
	/* preferred with no nodes is local allocation */
	assert_int_equal(do_set_mempolicy(s, t, MPOL_PREFERRED, 0, NULL), 0);
	assert_int_equal(t->mempolicy->mode, MPOL_LOCAL);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_INTERLEAVE, 0, &n01), 0);
	fx_destroy(s, tp);
}

static void test_mbind_errnos(void **state)
{
	struct topology *tp;
	struct sim *s = fx_sim(&tp);
	struct task *t = fx_task(s, 1, 0, 0), *u = fx_task(s, 2, 1000, 2);
	nodemask_t n1 = mask("1");
	uint64_t cost = 0;

	(void)state;
	fx_touch(s, t, 0x100000, 4);
	fx_touch(s, u, 0x100000, 4);
	assert_int_equal(do_mbind(s, t, 0x100000, 4096, MPOL_BIND, 0, &n1, 1u << 3, &cost),
			 -EINVAL);
	assert_int_equal(do_mbind(s, u, 0x100000, 4096, MPOL_BIND, 0, &n1, MPOL_MF_MOVE_ALL, &cost),
			 -EPERM);
	assert_int_equal(do_mbind(s, t, 0x100001, 4096, MPOL_BIND, 0, &n1, 0, &cost), -EINVAL);
	assert_int_equal(do_mbind(s, t, 0x100000, 0, MPOL_MAX, 0, &n1, 0, &cost), -EINVAL);
	assert_int_equal(do_mbind(s, t, 0x100000, 0, MPOL_BIND, 0, &n1, 0, &cost), 0); /* len 0 */
	assert_int_equal(do_mbind(s, t, 0x900000, 4096, MPOL_BIND, 0, &n1, 0, &cost), -EFAULT);
	/* len is rounded up to a page: one byte covers the first page */
	assert_int_equal(do_mbind(s, t, 0x100000, 1, MPOL_BIND, 0, &n1, MPOL_MF_STRICT, &cost),
			 -EIO);
	assert_int_equal(do_mbind(s, t, 0x100000, 1, MPOL_BIND, 0, &n1, MPOL_MF_MOVE, &cost), 0);
	fx_check(s); /* in the copy window */
	fx_drain(s);
	assert_int_equal(fx_page_nid(s, t, 0x100000), 1);
	assert_int_equal(fx_page_nid(s, t, 0x101000), 0);
	/* the VMA was split around the bound page */
	assert_int_equal(t->mm->nr_vmas, 2);
	fx_check(s);
	fx_destroy(s, tp);
}

static void to_str(const struct mempolicy *p, char *buf)
{
	mpol_to_str(p, buf, 64);
}

static void test_mpol_to_str(void **state)
{
	struct topology *tp;
	struct sim *s = fx_sim(&tp);
	struct task *t = fx_task(s, 1, 0, 0);
	nodemask_t n1 = mask("1"), n01 = mask("0-1"), n03 = mask("0-3");
	char buf[64];

	(void)state;
	to_str(NULL, buf);
	assert_string_equal(buf, "default");
	do_set_mempolicy(s, t, MPOL_LOCAL, 0, NULL);
	to_str(t->mempolicy, buf);
	assert_string_equal(buf, "local");
	do_set_mempolicy(s, t, MPOL_PREFERRED, 0, &n1);
	to_str(t->mempolicy, buf);
	assert_string_equal(buf, "prefer:1");
	do_set_mempolicy(s, t, MPOL_PREFERRED, MPOL_F_RELATIVE_NODES, &n1);
	to_str(t->mempolicy, buf);
	assert_string_equal(buf, "prefer=relative:1");
	do_set_mempolicy(s, t, MPOL_BIND, 0, &n01);
	to_str(t->mempolicy, buf);
	assert_string_equal(buf, "bind:0-1");
	do_set_mempolicy(s, t, MPOL_INTERLEAVE, MPOL_F_STATIC_NODES, &n03);
	to_str(t->mempolicy, buf);
	assert_string_equal(buf, "interleave=static:0-3");
	do_set_mempolicy(s, t, MPOL_PREFERRED_MANY, 0, &n01);
	to_str(t->mempolicy, buf);
	assert_string_equal(buf, "prefer (many):0-1");
	do_set_mempolicy(s, t, MPOL_WEIGHTED_INTERLEAVE, 0, &n03);
	to_str(t->mempolicy, buf);
	assert_string_equal(buf, "weighted interleave:0-3");
	do_set_mempolicy(s, t, MPOL_BIND, MPOL_F_NUMA_BALANCING, &n01);
	to_str(t->mempolicy, buf);
	assert_string_equal(buf, "bind=balancing:0-1");
	fx_destroy(s, tp);
}

/* mpol_rebind_nodemask(): remap by rank, static intersect, relative fold. */
static void test_rebind(void **state)
{
	nodemask_t n03 = mask("0-3"), n02 = mask("0,2"), n01 = mask("0-1"), n12 = mask("1-2");
	struct mempolicy *p = mpol_new(MPOL_INTERLEAVE, 0, &n01);
	char buf[64];

	(void)state;
	p->cpuset_mems = n03;
	mpol_rebind_policy(p, &n12); /* 0->1, 1->2 */
	to_str(p, buf);
	assert_string_equal(buf, "interleave:1-2");
	mpol_put(p);
	p = mpol_new(MPOL_BIND, MPOL_F_STATIC_NODES, &n02);
	mpol_rebind_policy(p, &n12);
	to_str(p, buf);
	assert_string_equal(buf, "bind=static:2");
	nodemask_t n3 = mask("3");

	mpol_rebind_policy(p, &n3); /* nothing left: the new mems */
	to_str(p, buf);
	assert_string_equal(buf, "bind=static:3");
	mpol_put(p);
	p = mpol_new(MPOL_INTERLEAVE, MPOL_F_RELATIVE_NODES, &n01);
	mpol_rebind_policy(p, &n12);
	to_str(p, buf);
	assert_string_equal(buf, "interleave=relative:1-2");
	mpol_put(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_mempolicy_errnos),
		cmocka_unit_test(test_mbind_errnos),
		cmocka_unit_test(test_mpol_to_str),
		cmocka_unit_test(test_rebind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
