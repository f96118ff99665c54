/*
 * test_overcommit.c - commit accounting (mm/overcommit.c, docs/model.md
 * §9) on a 2-node machine of 2 x 64 MiB, by hand:
 *   totalram = 32768 pages (128 MiB), free at boot the same;
 *   admin reserve = min(131072 kB / 32, 8 MiB) = 4096 kB = 1024 pages;
 *   user reserve = min(131072 kB / 32, 128 MiB) = 4096 kB = 1024 pages;
 *   swap of 32 MiB = 8192 slots, one the header: 8191 pages;
 *   CommitLimit (ratio 50) = 16384, with swap 24575.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>

#include "fixture_topo.h"
#include "mm/overcommit.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/task.h"

#define MiB (1ULL << 20)
#define PG 4096ULL
#define BASE 0x10000000ULL

struct env {
	struct topology *topo;
	struct sim *s;
};

/* A simulation with the given "name=value" settings (NULL-terminated). */
static struct sim *make_sim(struct env *e, const char *const *kv)
{
	static const uint64_t mem[2] = {64 * MiB, 64 * MiB};
	struct tunables tun;
	struct nerr err;

	tunables_init(&tun);
	for (; kv && *kv; kv++)
		if (tunable_set_kv(&tun, *kv, &err))
			fail_msg("%s", err.msg);
	e->topo = fixture_topo(2, mem, NULL, NULL, 2);
	e->s = sim_create(e->topo, &tun, &err);
	if (!e->s)
		fail_msg("sim_create: %s", err.msg);
	return e->s;
}

static void destroy(struct env *e)
{
	sim_destroy(e->s);
	fixture_topo_free(e->topo);
}

static struct task *new_task(struct sim *s, int pid, int uid)
{
	struct task *t = task_create(s, pid, pid, uid, "t");

	assert_non_null(t);
	task_set_cpu(s, t, 0);
	t->mm = mm_alloc(s);
	t->mm->owner = pid;
	return t;
}

static void check(struct sim *s)
{
	struct nerr err;

	if (sim_check(s, &err))
		fail_msg("%s", err.msg);
}

/* The premises every hand computation below rests on. */
static void test_fixture_sizes(void **state)
{
	struct env e;
	const char *const swap[] = {"sim.swap_size=32MiB", NULL};
	struct sim *s = make_sim(&e, NULL);

	(void)state;
	assert_int_equal(s->mem.totalram_pages, 32768);
	assert_int_equal(s->commit.boot_free_kbytes, 131072);
	assert_int_equal(admin_reserve_kbytes(s), 4096);
	assert_int_equal(user_reserve_kbytes(s), 4096);
	assert_int_equal(total_swap_pages(s), 0);
	assert_int_equal(vm_commit_limit(s), 16384);
	destroy(&e);
	s = make_sim(&e, swap);
	assert_int_equal(total_swap_pages(s), 8191);
	assert_int_equal(vm_commit_limit(s), 16384 + 8191);
	destroy(&e);
}

/* vm_commit_limit(): ratio of RAM plus swap, or overcommit_kbytes plus swap. */
static void test_commit_limit(void **state)
{
	struct env e;
	const char *const ratio[] = {"vm.overcommit_ratio=80", "sim.swap_size=32MiB", NULL};
	const char *const kbytes[] = {"vm.overcommit_kbytes=40000", "sim.swap_size=32MiB", NULL};
	struct sim *s = make_sim(&e, ratio);

	(void)state;
	assert_int_equal(vm_commit_limit(s), 32768 * 80 / 100 + 8191); /* 26214 + 8191 */
	destroy(&e);
	s = make_sim(&e, kbytes);
	assert_int_equal(vm_commit_limit(s), 10000 + 8191); /* 40000 kB = 10000 pages */
	/* a sysctl write of one clears the other (overcommit_ratio_handler()) */
	s->tun.v[TUN_OVERCOMMIT_RATIO] = 50;
	sim_tunables_changed(s, TUN_OVERCOMMIT_RATIO);
	assert_int_equal(tun(&s->tun, TUN_OVERCOMMIT_KBYTES), 0);
	assert_int_equal(vm_commit_limit(s), 16384 + 8191);
	destroy(&e);
}

/* Mode 0 refuses only one request larger than RAM + swap; what is
 * already committed does not count. */
static void test_mode0_heuristic(void **state)
{
	struct env e;
	const char *const swap[] = {"sim.swap_size=32MiB", NULL};
	struct sim *s = make_sim(&e, NULL);

	(void)state;
	assert_int_equal(vm_enough_memory(s, NULL, 32769, true), -ENOMEM);
	assert_int_equal(vm_memory_committed(s), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(vm_enough_memory(s, NULL, 32768, false), 0);
	assert_int_equal(vm_memory_committed(s), 327680);
	destroy(&e);
	s = make_sim(&e, swap);
	assert_int_equal(vm_enough_memory(s, NULL, 32768 + 8191, false), 0);
	assert_int_equal(vm_enough_memory(s, NULL, 32768 + 8192, false), -ENOMEM);
	destroy(&e);
}

static void test_mode1_always(void **state)
{
	struct env e;
	const char *const always[] = {"vm.overcommit_memory=1", NULL};
	struct sim *s = make_sim(&e, always);

	(void)state;
	assert_int_equal(vm_enough_memory(s, NULL, 1ULL << 40, false), 0);
	assert_int_equal(vm_memory_committed(s), 1ULL << 40);
	vm_unacct_memory(s, 1ULL << 40);
	assert_int_equal(vm_memory_committed(s), 0);
	destroy(&e);
}

/* Mode 2 grants while Committed_AS with the request stays below the
 * limit less the reserves: root 16384, others 16384 - 1024. */
static void test_mode2_reserves(void **state)
{
	struct env e;
	const char *const never[] = {"vm.overcommit_memory=2", NULL};
	const char *const never_swap[] = {"vm.overcommit_memory=2", "sim.swap_size=32MiB", NULL};
	struct sim *s = make_sim(&e, never);

	(void)state;
	assert_int_equal(vm_enough_memory(s, NULL, 16383, true), 0);
	assert_int_equal(vm_enough_memory(s, NULL, 1, true), -ENOMEM); /* 16384 is not < 16384 */
	assert_int_equal(vm_memory_committed(s), 16383);
	vm_unacct_memory(s, 16383);
	assert_int_equal(vm_enough_memory(s, NULL, 15360, false), -ENOMEM);
	assert_int_equal(vm_enough_memory(s, NULL, 15359, false), 0);
	destroy(&e);
	s = make_sim(&e, never_swap);
	assert_int_equal(vm_enough_memory(s, NULL, 24575 - 1024, false), -ENOMEM);
	assert_int_equal(vm_enough_memory(s, NULL, 24575 - 1025, false), 0);
	destroy(&e);
}

/* The user reserve: min(total_vm / 32, 1024 pages) of the asking mm. */
static void test_mode2_user_reserve(void **state)
{
	struct env e;
	const char *const never[] = {"vm.overcommit_memory=2", NULL};
	struct sim *s = make_sim(&e, never);
	struct task *t = new_task(s, 1, 0);

	(void)state;
	/* 64 MiB read-only: 16384 pages of total_vm, nothing committed */
	assert_non_null(mmap_region(s, t->mm, BASE, BASE + 64 * MiB, VM_READ | VM_ANON, 0, 0));
	assert_int_equal(mm_total_vm(s, t->mm), 16384);
	assert_int_equal(vm_memory_committed(s), 0);
	/* root: 16384 - 16384 / 32 = 15872 */
	assert_int_equal(vm_enough_memory(s, t->mm, 15872, true), -ENOMEM);
	assert_int_equal(vm_enough_memory(s, t->mm, 15871, true), 0);
	vm_unacct_memory(s, 15871);
	/* 256 MiB of total_vm: the reserve is capped at 4096 kB = 1024 pages */
	assert_non_null(mmap_region(s, t->mm, BASE, BASE + 256 * MiB, VM_READ | VM_ANON, 0, 0));
	assert_int_equal(vm_enough_memory(s, t->mm, 16384 - 1024, true), -ENOMEM);
	assert_int_equal(vm_enough_memory(s, t->mm, 16384 - 1025, true), 0);
	vm_unacct_memory(s, 16384 - 1025);
	mm_put(s, t->mm);
	t->mm = NULL;
	destroy(&e);
}

/* Which mappings mmap_charge() charges. */
static void test_accountable(void **state)
{
	(void)state;
	assert_true(accountable_mapping(VM_READ | VM_WRITE | VM_ANON));
	assert_true(accountable_mapping(VM_READ | VM_WRITE | VM_FILE));
	assert_false(accountable_mapping(VM_READ | VM_ANON));
	assert_false(accountable_mapping(VM_READ | VM_FILE));
	assert_false(accountable_mapping(VM_READ | VM_WRITE | VM_SHARED | VM_FILE));
	assert_false(accountable_mapping(VM_READ | VM_WRITE | VM_SHARED | VM_SHMEM));
	assert_false(accountable_mapping(VM_READ | VM_WRITE | VM_ANON | VM_HUGETLB));
}

static void map(struct sim *s, struct task *t, uint64_t addr, uint64_t len, int want)
{
	uint32_t flags = VM_READ | VM_WRITE | VM_ANON;

	assert_int_equal(mmap_charge(s, t->mm, addr, addr + len, &flags, t), want);
	if (!want)
		assert_non_null(mmap_region(s, t->mm, addr, addr + len, flags, 0, 0));
}

/* mmap charges, MAP_FIXED over charged pages nets, partial munmap and
 * exit give back. */
static void test_charge_lifecycle(void **state)
{
	struct env e;
	const char *const never[] = {"vm.overcommit_memory=2", NULL};
	struct sim *s = make_sim(&e, never);
	struct task *t = new_task(s, 1, 0);

	(void)state;
	map(s, t, BASE, 16 * MiB, 0);
	assert_int_equal(vm_memory_committed(s), 4096);
	map(s, t, BASE + 8 * MiB, 16 * MiB, 0); /* 8 MiB replaced, 8 MiB new */
	assert_int_equal(vm_memory_committed(s), 6144);
	do_munmap(s, t->mm, BASE + 4 * MiB, BASE + 5 * MiB);
	assert_int_equal(vm_memory_committed(s), 5888);
	check(s);
	/* total_vm 5888 pages: user reserve 184; root ceiling 16200 */
	map(s, t, BASE + 64 * MiB, (16200 - 5888) * PG, -ENOMEM);
	map(s, t, BASE + 64 * MiB, (16199 - 5888) * PG, 0);
	assert_int_equal(vm_memory_committed(s), 16199);
	check(s);
	mm_put(s, t->mm);
	t->mm = NULL;
	assert_int_equal(vm_memory_committed(s), 0);
	destroy(&e);
}

/* dup_mmap() charges the child; refused, nothing stays charged. */
static void test_fork_charge(void **state)
{
	struct env e;
	const char *const never[] = {"vm.overcommit_memory=2", NULL};
	struct sim *s = make_sim(&e, never);
	struct task *p = new_task(s, 1, 0);
	bool refused;

	(void)state;
	map(s, p, BASE, 4 * MiB, 0);		 /* 1024 pages */
	map(s, p, BASE + 32 * MiB, 24 * MiB, 0); /* 6144 pages */
	struct mm_struct *c = dup_mm(s, p->mm, 2, p, &refused);

	assert_non_null(c);
	assert_int_equal(vm_memory_committed(s), 2 * 7168);
	/* A second child, against the ceiling 16384 - 7168 / 32 = 16160 of
	 * the parent's mm: its first VMA fits (15360), its second does not
	 * (21504); the first one's charge goes back. */
	struct mm_struct *c2 = dup_mm(s, p->mm, 3, p, &refused);

	assert_null(c2);
	assert_true(refused);
	assert_int_equal(vm_memory_committed(s), 2 * 7168);
	mm_put(s, c);
	assert_int_equal(vm_memory_committed(s), 7168);
	mm_put(s, p->mm);
	p->mm = NULL;
	assert_int_equal(vm_memory_committed(s), 0);
	destroy(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_sizes),	cmocka_unit_test(test_commit_limit),
		cmocka_unit_test(test_mode0_heuristic), cmocka_unit_test(test_mode1_always),
		cmocka_unit_test(test_mode2_reserves),	cmocka_unit_test(test_mode2_user_reserve),
		cmocka_unit_test(test_accountable),	cmocka_unit_test(test_charge_lifecycle),
		cmocka_unit_test(test_fork_charge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
