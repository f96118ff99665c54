/*
 * overcommit.c - commit accounting (see overcommit.h): Committed_AS,
 * CommitLimit and the three vm.overcommit_memory policies.
 */
#include "mm/overcommit.h"

#include <errno.h>

#include "mm/page_alloc.h"
#include "mm/swap.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/task.h"

#define ADMIN_RESERVE_MAX_KB (8ULL << 10)  /* 8 MiB, init_admin_reserve() */
#define USER_RESERVE_MAX_KB (128ULL << 10) /* 128 MiB, init_user_reserve() */

static unsigned kb_shift(const struct sim *s)
{
	return s->topo->page_shift - 10;
}

void overcommit_init(struct sim *s)
{
	uint64_t free = 0;

	for (int n = 0; n < s->mem.nr_nodes; n++)
		free += node_free_pages(&s->mem.nodes[n]);
	s->commit.committed = 0;
	s->commit.boot_free_kbytes = free << kb_shift(s);
}

uint64_t total_swap_pages(const struct sim *s)
{
	return s->swap && s->swap->nslots > 1 ? s->swap->nslots - 1 : 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Models init_admin_reserve(): about 3% of free memory, at most 8 MiB. */
uint64_t admin_reserve_kbytes(const struct sim *s)
{
	int64_t v = tun(&s->tun, TUN_ADMIN_RESERVE_KBYTES);

	if (v != TUNABLE_AUTO)
		return (uint64_t)v;
	return min_u64(s->commit.boot_free_kbytes / 32, ADMIN_RESERVE_MAX_KB);
}

/* Models init_user_reserve(): about 3% of free memory, at most 128 MiB. */
uint64_t user_reserve_kbytes(const struct sim *s)
{
	int64_t v = tun(&s->tun, TUN_USER_RESERVE_KBYTES);

	if (v != TUNABLE_AUTO)
		return (uint64_t)v;
	return min_u64(s->commit.boot_free_kbytes / 32, USER_RESERVE_MAX_KB);
}

/*
 * Models vm_commit_limit(). hugetlb_total_pages() is 0: the model has no
 * persistent huge page pool (huge pages come from the buddy allocator at
 * fault time), so no RAM is set aside for hugetlbfs.
 */
uint64_t vm_commit_limit(const struct sim *s)
{
	uint64_t kbytes = (uint64_t)tun(&s->tun, TUN_OVERCOMMIT_KBYTES);
	uint64_t allowed;

	if (kbytes)
		allowed = kbytes >> kb_shift(s);
	else
		allowed =
			s->mem.totalram_pages * (uint64_t)tun(&s->tun, TUN_OVERCOMMIT_RATIO) / 100;
	return allowed + total_swap_pages(s);
}

uint64_t vm_memory_committed(const struct sim *s)
{
	return s->commit.committed;
}

void vm_acct_memory(struct sim *s, uint64_t pages)
{
	s->commit.committed += pages;
}

void vm_unacct_memory(struct sim *s, uint64_t pages)
{
	/* An underflow would be a model bug; --check catches the drift. */
	s->commit.committed -= pages <= s->commit.committed ? pages : s->commit.committed;
}

/* OVERCOMMIT_NEVER's ceiling for this caller: CommitLimit less the admin
 * reserve (unless CAP_SYS_ADMIN) and less the user reserve, which grows
 * with the asking address space (total_vm / 32) up to its sysctl, so one
 * hog cannot take the last pages a user needs to kill it. Signed: the
 * reserves may exceed a small limit. */
static int64_t never_allowed(const struct sim *s, const struct mm_struct *mm, bool cap_sys_admin)
{
	int64_t allowed = (int64_t)vm_commit_limit(s);

	if (!cap_sys_admin)
		allowed -= (int64_t)(admin_reserve_kbytes(s) >> kb_shift(s));
	if (mm) {
		uint64_t reserve = user_reserve_kbytes(s) >> kb_shift(s);

		allowed -= (int64_t)min_u64(mm_total_vm(s, mm) / 32, reserve);
	}
	return allowed;
}

/*
 * Models __vm_enough_memory(): the request is charged first, then
 * judged: OVERCOMMIT_ALWAYS grants it; OVERCOMMIT_GUESS refuses only a
 * request that alone exceeds RAM + swap (what is already committed does
 * not matter); OVERCOMMIT_NEVER grants it while Committed_AS, request
 * included, stays strictly below the caller's ceiling.
 */
int vm_enough_memory(struct sim *s, const struct mm_struct *mm, uint64_t pages, bool cap_sys_admin)
{
	int64_t mode = tun(&s->tun, TUN_OVERCOMMIT_MEMORY);

	vm_acct_memory(s, pages);
	if (mode == OVERCOMMIT_ALWAYS)
		return 0;
	if (mode == OVERCOMMIT_GUESS) {
		if (pages <= s->mem.totalram_pages + total_swap_pages(s))
			return 0;
	} else if ((int64_t)s->commit.committed < never_allowed(s, mm, cap_sys_admin)) {
		return 0;
	}
	vm_unacct_memory(s, pages);
	sim_explain(s,
		    "    commit refused: %llu pages (vm.overcommit_memory=%lld, Committed_AS %llu, "
		    "CommitLimit %llu)\n",
		    (unsigned long long)pages, (long long)mode,
		    (unsigned long long)s->commit.committed,
		    (unsigned long long)vm_commit_limit(s));
	return -ENOMEM;
}

int vm_enough_memory_task(struct sim *s, const struct mm_struct *mm, uint64_t pages,
			  const struct task *t)
{
	/* cap_vm_enough_memory(): uid 0 holds CAP_SYS_ADMIN (docs/trace-format.md) */
	return vm_enough_memory(s, mm, pages, t && t->uid == 0);
}
