/*
 * oom_kill.c - the OOM killer (mm/oom_kill.c).
 *
 * out_of_memory() works out the allocation's constraint as
 * constrained_alloc() does (a policy nodemask that does not cover every
 * node: CONSTRAINT_MEMORY_POLICY; a cpuset that does not: CONSTRAINT_CPUSET),
 * then select_bad_process() picks the eligible process with the highest
 * oom_badness(): resident pages + swap entries + page-table pages
 * (oom_score_adj is 0 for every task in the model). Every task sharing
 * the victim's address space is killed (__oom_kill_process()), which
 * frees its anonymous memory at once; its file pages stay as cache.
 */
#include "mm/vmscan.h"

#include "mm/cpuset.h"
#include "mm/mempolicy.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/task.h"

enum oom_constraint { CONSTRAINT_NONE, CONSTRAINT_CPUSET, CONSTRAINT_MEMORY_POLICY };

static bool mask_covers_all(const struct sim *s, const nodemask_t *m)
{
	for (int n = 0; n < s->mem.nr_nodes; n++)
		if (!node_isset(m, n))
			return false;
	return true;
}

/* Models constrained_alloc(). */
static enum oom_constraint constrained_alloc(struct sim *s, const struct alloc_req *req)
{
	if (req->nodemask && !mask_covers_all(s, req->nodemask))
		return CONSTRAINT_MEMORY_POLICY;
	if (req->cpuset_mems && !mask_covers_all(s, req->cpuset_mems))
		return CONSTRAINT_CPUSET;
	return CONSTRAINT_NONE;
}

struct swap_count {
	uint64_t n;
};

static void count_swap(void *ctx, uint64_t vpn, pte_t *e)
{
	(void)vpn;
	if (*e & PTE_SWAP)
		((struct swap_count *)ctx)->n++;
}

/* Models oom_badness(): rss + swap ptes + page-table pages. */
static uint64_t oom_badness(struct sim *s, const struct task *t)
{
	struct mm_struct *mm = t->mm;
	struct swap_count sw = {0};

	for (int i = 0; i < mm->nr_vmas; i++)
		pgtable_walk(&mm->pt, mm->vmas[i]->start >> s->topo->page_shift,
			     mm->vmas[i]->end >> s->topo->page_shift, count_swap, &sw);
	return mm->rss + sw.n + mm->pt.nleaves;
}

/* Models oom_cpuset_eligible(): with a policy constraint, tasks bound
 * elsewhere cannot help (mempolicy_in_oom_domain()); with a cpuset
 * constraint, only tasks whose cpuset shares nodes with the caller's. */
static bool oom_eligible(struct sim *s, const struct task *t, enum oom_constraint c,
			 const struct alloc_req *req)
{
	if (c == CONSTRAINT_MEMORY_POLICY) {
		const struct mempolicy *p = t->mempolicy;

		return !p || p->mode != MPOL_BIND || nodes_intersects(&p->nodes, req->nodemask);
	}
	if (c == CONSTRAINT_CPUSET) {
		/* a task in the root cpuset may use every node (NULL) */
		const nodemask_t *mems = cpuset_mems_allowed(s, t);

		return !mems || nodes_intersects(mems, req->cpuset_mems);
	}
	return true;
}

/* Models select_bad_process(): one candidate per process (its leader);
 * a later process with equal points replaces the earlier one. */
static struct task *select_bad_process(struct sim *s, const struct alloc_req *req)
{
	enum oom_constraint c = constrained_alloc(s, req);
	struct task *chosen = NULL;
	uint64_t chosen_points = 0;

	for (uint32_t i = 0; i < s->tasks->nr; i++) {
		struct task *t = s->tasks->by_order[i];

		if (t->state != TASK_RUNNING || !t->mm || t->pid != t->tgid ||
		    !oom_eligible(s, t, c, req))
			continue;
		uint64_t points = oom_badness(s, t);

		if (!chosen || points >= chosen_points) {
			chosen = t;
			chosen_points = points;
		}
	}
	return chosen;
}

/* Models __oom_kill_process(): every task using the victim's mm dies. */
static void oom_kill_process(struct sim *s, struct task *victim)
{
	struct mm_struct *mm = victim->mm;

	s->mem.events[OOM_KILL]++;
	sim_explain_important(s, "    t=%llu ns: the OOM killer kills pid %d (%s)\n",
			      (unsigned long long)sim_now(s), victim->pid, victim->comm);
	for (uint32_t i = 0; i < s->tasks->nr; i++) {
		struct task *t = s->tasks->by_order[i];

		if (t != victim && t->mm == mm && t->state == TASK_RUNNING)
			task_exit(s, t, TASK_OOM_KILLED);
	}
	task_exit(s, victim, TASK_OOM_KILLED);
}

bool out_of_memory(struct sim *s, struct alloc_req *req)
{
	struct task *victim = select_bad_process(s, req);

	if (!victim)
		return false;
	bool self = s->current && s->current->mm == victim->mm;

	oom_kill_process(s, victim);
	if (self)
		req->fail_reason = ALLOC_FAIL_OOM_KILLED_SELF;
	return true;
}
