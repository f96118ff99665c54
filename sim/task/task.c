/*
 * task.c - tasks and scheduler placement (kernel/fork.c, kernel/exit.c,
 * kernel/sched/fair.c: sched_exec() and find_idlest_cpu()).
 */
#include "task/task.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mempolicy.h"
#include "sim.h"
#include "task/mmap.h"

const char *const task_state_names[] = {"running", "exited", "oom_killed"};

int tasks_init(struct sim *s)
{
	struct task_table *tt = sim_calloc(s, 1, sizeof(*tt));

	if (!tt)
		return -1;
	tt->oom = &s->host_oom;
	tt->cpu_load = sim_calloc(s, (size_t)s->topo->nr_cpus + 1, sizeof(unsigned));
	tt->node_load = sim_calloc(s, (size_t)s->topo->nr_nodes, sizeof(unsigned));
	if (!tt->cpu_load || !tt->node_load) {
		free(tt->cpu_load);
		free(tt->node_load);
		free(tt);
		return -1;
	}
	s->tasks = tt;
	return 0;
}

void tasks_free(struct sim *s)
{
	struct task_table *tt = s->tasks;

	if (!tt)
		return;
	for (uint32_t i = 0; i < tt->nr; i++) {
		struct task *t = tt->by_order[i];

		if (t->mm)
			mm_put(s, t->mm);
		mpol_put(t->mempolicy);
		free(t->last_status);
		free(t->numab.faults);
		free(t);
	}
	free(tt->by_order);
	hashmap_free(&tt->by_pid);
	free(tt->cpu_load);
	free(tt->node_load);
	free(tt);
	s->tasks = NULL;
}

struct task *task_find(struct sim *s, int pid)
{
	uint64_t v;

	if (!hashmap_get(&s->tasks->by_pid, (uint64_t)(int64_t)pid, &v))
		return NULL;
	return (struct task *)(uintptr_t)v;
}

static int table_grow(struct task_table *tt)
{
	if (tt->nr == tt->cap) {
		uint32_t cap = tt->cap ? tt->cap * 2 : 64;
		struct task **n = host_realloc(tt->oom, tt->by_order, cap * sizeof(*n));

		if (!n)
			return -1;
		tt->by_order = n;
		tt->cap = cap;
	}
	return 0;
}

struct task *task_create(struct sim *s, int pid, int tgid, int uid, const char *comm)
{
	struct task_table *tt = s->tasks;
	struct task *t = sim_calloc(s, 1, sizeof(*t));

	uint64_t key = (uint64_t)(int64_t)pid, old;
	/* the first task made with a pid keeps it in the index */
	bool taken = hashmap_get(&tt->by_pid, key, &old);

	tt->by_pid.oom = tt->oom;
	if (!t || table_grow(tt) || (!taken && hashmap_put(&tt->by_pid, key, (uintptr_t)t))) {
		free(t);
		return NULL;
	}
	t->pid = pid;
	t->tgid = tgid;
	t->uid = uid;
	t->cpu = -1;
	t->il_prev = -1;
	t->mem_spread_rotor = -1;
	t->numab.preferred_nid = -1;
	t->created_at = sim_now(s);
	snprintf(t->comm, sizeof(t->comm), "%s", comm && *comm ? comm : "task");
	for (int c = 0; c < s->topo->nr_cpus; c++)
		if (s->topo->cpu_node[c] >= 0)
			cpu_set(&t->cpus_allowed, c);
	t->order = tt->nr;
	tt->by_order[tt->nr++] = t;
	return t;
}

int task_node(const struct sim *s, const struct task *t)
{
	int nid = t->cpu >= 0 ? topo_cpu_to_node(s->topo, t->cpu) : -1;

	return nid >= 0 ? nid : 0;
}

void task_set_cpu(struct sim *s, struct task *t, int cpu)
{
	struct task_table *tt = s->tasks;

	if (t->cpu >= 0 && t->state == TASK_RUNNING) {
		tt->cpu_load[t->cpu]--;
		tt->node_load[topo_cpu_to_node(s->topo, t->cpu)]--;
	}
	t->cpu = cpu;
	if (cpu >= 0 && t->state == TASK_RUNNING) {
		tt->cpu_load[cpu]++;
		tt->node_load[topo_cpu_to_node(s->topo, cpu)]++;
	}
}

/*
 * Models the placement of sched_exec()/find_idlest_group(): the node
 * with the fewest running tasks per CPU among the allowed CPUs (ties to
 * the lower node), then its least-loaded allowed CPU (ties to the lower
 * CPU). Returns -1 only when no allowed CPU exists.
 */
int sched_pick_cpu(struct sim *s, const cpumask_t *allowed)
{
	const struct topology *topo = s->topo;
	struct task_table *tt = s->tasks;
	int best_node = -1;
	uint64_t best_num = 0, best_den = 1;

	for (int n = 0; n < topo->nr_nodes; n++) {
		cpumask_t m;
		unsigned ncpu;

		cpus_and(&m, &topo->nodes[n].cpus, allowed);
		ncpu = cpus_weight(&m);
		if (!ncpu)
			continue;
		/* load/ncpu < best_num/best_den, compared exactly */
		if (best_node < 0 || (uint64_t)tt->node_load[n] * best_den < best_num * ncpu) {
			best_node = n;
			best_num = tt->node_load[n];
			best_den = ncpu;
		}
	}
	if (best_node < 0)
		return -1;
	int best_cpu = -1, c;
	cpumask_t m;

	cpus_and(&m, &topo->nodes[best_node].cpus, allowed);
	for_each_cpu_mask(c, &m) if (best_cpu < 0 || tt->cpu_load[c] < tt->cpu_load[best_cpu])
		best_cpu = c;
	return best_cpu;
}

void task_exit(struct sim *s, struct task *t, enum task_state how)
{
	if (t->state != TASK_RUNNING)
		return;
	int cpu = t->cpu;

	task_set_cpu(s, t, -1);
	t->state = how;
	t->cpu = cpu; /* kept for reports; no longer counted as load */
	t->ended_at = sim_now(s);
	if (t->mm) {
		mm_put(s, t->mm);
		t->mm = NULL;
	}
	mpol_put(t->mempolicy);
	t->mempolicy = NULL;
}

void task_set_result(struct task *t, int rc, const int *status, uint64_t n, int line)
{
	t->last_rc = rc;
	t->has_last = true;
	t->last_line = line;
	free(t->last_status);
	t->last_status = NULL;
	t->nr_last_status = 0;
	if (status && n) {
		t->last_status = host_malloc(t->mm ? t->mm->pt.oom : NULL, n * sizeof(int));
		if (t->last_status) {
			memcpy(t->last_status, status, n * sizeof(int));
			t->nr_last_status = n;
		}
	}
}
