/*
 * cpuset.c - cpusets (kernel/cgroup/cpuset.c), with the cgroup v1
 * ("legacy") rules the seed describes: a hierarchy rooted at "/" with
 * every CPU and every node with memory; a child's cpus and mems lie
 * within its parent's; a mem_exclusive cpuset's mems overlap no
 * sibling's. Tasks allocate only from their cpuset's mems (the allocator
 * checks them: cpuset wins over policy), and when the mems change, task
 * and VMA policies are rebound and, with memory_migrate, pages follow.
 *
 * A `cpuset` record is one administrator action: create (mkdir), set
 * (writes to cpuset.cpus, cpuset.mems and the flag files), attach (a
 * pid into cgroup.procs) or remove (rmdir). Errors are the errno the
 * write or mkdir would give.
 */
#include "mm/cpuset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mempolicy.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/task.h"

static int path_index(struct cpuset_tree *tr, struct cpuset *cs);

int cpuset_init(struct sim *s)
{
	struct cpuset_tree *t = sim_calloc(s, 1, sizeof(*t));
	struct cpuset *root = sim_calloc(s, 1, sizeof(*root));

	if (!t || !root || !(root->path = sim_strdup(s, "/")) ||
	    !(t->sets = sim_calloc(s, 4, sizeof(*t->sets)))) {
		if (root)
			free(root->path);
		free(root);
		free(t);
		return -1;
	}
	for (int c = 0; c < s->topo->nr_cpus; c++)
		if (s->topo->cpu_node[c] >= 0)
			cpu_set(&root->cpus, c);
	for (int n = 0; n < s->topo->nr_nodes; n++)
		if (s->topo->nodes[n].memory_bytes)
			node_set(&root->mems, n);
	t->sets[0] = root;
	t->nr = 1;
	t->cap = 4;
	t->by_path.oom = &s->host_oom;
	if (path_index(t, root)) {
		free(root->path);
		free(root);
		free(t->sets);
		free(t);
		return -1;
	}
	s->cpusets = t;
	return 0;
}

void cpuset_free(struct sim *s)
{
	if (!s->cpusets)
		return;
	hashmap_free(&s->cpusets->by_path);
	for (int i = 0; i < s->cpusets->nr; i++) {
		free(s->cpusets->sets[i]->path);
		free(s->cpusets->sets[i]);
	}
	free(s->cpusets->sets);
	free(s->cpusets);
	s->cpusets = NULL;
}

struct cpuset *cpuset_root(struct sim *s)
{
	return s->cpusets->sets[0];
}

struct cpuset *task_cpuset(struct sim *s, const struct task *t)
{
	return t->cpuset ? t->cpuset : cpuset_root(s);
}

const nodemask_t *cpuset_mems_allowed(struct sim *s, const struct task *t)
{
	if (!t->cpuset || t->cpuset == cpuset_root(s))
		return NULL;
	return &t->cpuset->mems;
}

void cpuset_task_mems(struct sim *s, const struct task *t, nodemask_t *out)
{
	*out = task_cpuset(s, t)->mems;
}

const nodemask_t *cpuset_softwall_mems(struct sim *s, const struct task *t)
{
	struct cpuset *cs = task_cpuset(s, t);

	while (cs->parent && !cs->mem_exclusive)
		cs = cs->parent;
	return cs->parent ? &cs->mems : NULL;
}

bool cpuset_do_page_mem_spread(struct sim *s, const struct task *t)
{
	return task_cpuset(s, t)->memory_spread_page;
}

bool cpuset_do_slab_mem_spread(struct sim *s, const struct task *t)
{
	return task_cpuset(s, t)->memory_spread_slab;
}

int cpuset_mem_spread_node(struct sim *s, struct task *t)
{
	const nodemask_t *mems = &task_cpuset(s, t)->mems;
	unsigned w = nodes_weight(mems);
	int next;

	if (!w)
		return task_node(s, t);
	if (t->mem_spread_rotor < 0) /* node_random(): the rotor starts anywhere */
		t->mem_spread_rotor = (int)bm_nth(mems->w, NODEMASK_BITS,
						  (unsigned)rng_below(&s->rng[RNG_MISC], w));
	next = t->mem_spread_rotor + 1 < NODEMASK_BITS ? next_node(t->mem_spread_rotor, mems)
						       : NODEMASK_BITS;
	if (next >= NODEMASK_BITS)
		next = first_node(mems);
	t->mem_spread_rotor = next;
	return next;
}

static bool cpus_equal(const cpumask_t *a, const cpumask_t *b)
{
	return cpus_subset(a, b) && cpus_subset(b, a);
}

/* ---- the hierarchy ---------------------------------------------------------- */

/* Indexes cs under its path's hash; -1 when out of host memory. */
static int path_index(struct cpuset_tree *tr, struct cpuset *cs)
{
	uint64_t h = hashmap_str(cs->path), head = 0;

	hashmap_get(&tr->by_path, h, &head);
	if (hashmap_put(&tr->by_path, h, (uintptr_t)cs))
		return -1;
	cs->hash_next = (struct cpuset *)(uintptr_t)head;
	return 0;
}

struct cpuset *cpuset_lookup(struct sim *s, const char *path)
{
	uint64_t v;

	if (!hashmap_get(&s->cpusets->by_path, hashmap_str(path), &v))
		return NULL;
	for (struct cpuset *cs = (struct cpuset *)(uintptr_t)v; cs; cs = cs->hash_next)
		if (!cs->removed && !strcmp(cs->path, path))
			return cs;
	return NULL;
}

/* The cpuset that would be path's parent: "/a/b" -> "/a", "/a" -> "/". */
static struct cpuset *parent_of(struct sim *s, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	char buf[256];

	if (!slash || n >= sizeof(buf))
		return NULL;
	if (n == 0)
		return cpuset_root(s);
	memcpy(buf, path, n);
	buf[n] = '\0';
	return cpuset_lookup(s, buf);
}

static bool cpuset_has_children(struct sim *s, const struct cpuset *cs)
{
	(void)s;
	return cs->nr_children > 0;
}

static bool cpuset_has_tasks(struct sim *s, const struct cpuset *cs)
{
	for (uint32_t i = 0; i < s->tasks->nr; i++) {
		const struct task *t = s->tasks->by_order[i];

		if (t->state == TASK_RUNNING && task_cpuset(s, t) == cs)
			return true;
	}
	return false;
}

/* Models cgroup_mkdir() + cpuset_css_alloc(): a v1 child starts with no
 * cpus and no mems (cgroup.clone_children = 0). */
static long cpuset_create(struct sim *s, const char *path, struct cpuset **out)
{
	struct cpuset_tree *tr = s->cpusets;
	struct cpuset *parent = parent_of(s, path);
	struct cpuset *cs;

	if (path[0] != '/' || !path[1] || path[strlen(path) - 1] == '/')
		return cpuset_lookup(s, path) ? -EEXIST : -EINVAL;
	if (cpuset_lookup(s, path))
		return -EEXIST;
	if (!parent)
		return -ENOENT;
	if (tr->nr == tr->cap) {
		int cap = tr->cap * 2;
		struct cpuset **n = sim_realloc(s, tr->sets, (size_t)cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		tr->sets = n;
		tr->cap = cap;
	}
	if (!(cs = sim_calloc(s, 1, sizeof(*cs))) || !(cs->path = sim_strdup(s, path)) ||
	    path_index(tr, cs)) {
		if (cs)
			free(cs->path);
		free(cs);
		return -ENOMEM;
	}
	cs->parent = parent;
	parent->nr_children++;
	tr->sets[tr->nr++] = cs;
	*out = cs;
	return 0;
}

/* Models cgroup_rmdir(): not the root, nor a cpuset in use. */
static long cpuset_remove(struct sim *s, struct cpuset *cs)
{
	if (!cs->parent)
		return -EBUSY;
	if (cpuset_has_children(s, cs) || cpuset_has_tasks(s, cs))
		return -EBUSY;
	cs->removed = true;
	cs->parent->nr_children--;
	cs->parent->nr_exclusive_children -= cs->mem_exclusive;
	return 0;
}

/* Models validate_change() for the legacy hierarchy on a trial copy. */
static long validate_change(struct sim *s, const struct cpuset *cs, const struct cpuset *trial)
{
	/* the scans below run only when there is something to find: a
	 * cpuset without children, among siblings none of which is
	 * mem_exclusive, costs O(1) however many siblings it has */
	for (int i = 0; cs->nr_children && i < s->cpusets->nr; i++) {
		const struct cpuset *c = s->cpusets->sets[i];

		if (c->removed || c->parent != cs)
			continue;
		/* each child must stay within us */
		if (!nodes_subset(&c->mems, &trial->mems) || !cpus_subset(&c->cpus, &trial->cpus))
			return -EBUSY;
	}
	if (!cs->parent)
		return 0;
	if (!nodes_subset(&trial->mems, &cs->parent->mems) ||
	    !cpus_subset(&trial->cpus, &cs->parent->cpus))
		return -EACCES; /* we must stay within our parent */
	bool exclusive_sibling = cs->parent->nr_exclusive_children > (cs->mem_exclusive ? 1 : 0);

	for (int i = 0; (trial->mem_exclusive || exclusive_sibling) && i < s->cpusets->nr; i++) {
		const struct cpuset *c = s->cpusets->sets[i];

		if (c->removed || c == cs || c->parent != cs->parent)
			continue;
		if ((trial->mem_exclusive || c->mem_exclusive) &&
		    nodes_intersects(&trial->mems, &c->mems))
			return -EINVAL;
	}
	if ((cpus_empty(&trial->cpus) || nodes_empty(&trial->mems)) && cpuset_has_tasks(s, cs))
		return -ENOSPC;
	return 0;
}

/* Moves t within cpus (set_cpus_allowed_ptr()). */
static void task_fit_cpus(struct sim *s, struct task *t, const cpumask_t *cpus)
{
	t->cpus_allowed = *cpus;
	if (!cpu_isset(cpus, t->cpu)) {
		task_set_cpu(s, t, -1);
		task_set_cpu(s, t, sched_pick_cpu(s, cpus));
	}
}

/* Models update_cpumask(). */
static long update_cpumask(struct sim *s, struct cpuset *cs, const cpumask_t *cpus)
{
	struct cpuset trial = *cs;
	long rc;

	if (!cs->parent)
		return -EACCES; /* the root's cpus are read-only */
	cpus_and(&trial.cpus, cpus, &cpuset_root(s)->cpus);
	if (!cpus_equal(&trial.cpus, cpus))
		return -EINVAL;
	if (cpus_equal(&trial.cpus, &cs->cpus))
		return 0;
	if ((rc = validate_change(s, cs, &trial)))
		return rc;
	cs->cpus = trial.cpus;
	for (uint32_t i = 0; i < s->tasks->nr; i++) {
		struct task *t = s->tasks->by_order[i];

		if (t->state == TASK_RUNNING && t->cpuset == cs)
			task_fit_cpus(s, t, &cs->cpus);
	}
	return 0;
}

/* True when mm was already handled in this pass (threads share it). */
static bool mm_seen(struct mm_struct **seen, int n, struct mm_struct *mm)
{
	for (int i = 0; i < n; i++)
		if (seen[i] == mm)
			return true;
	return false;
}

/* Models update_tasks_nodemask(): each task's mems and policy follow; with
 * memory_migrate its pages move from the old mems to the new (MOVE_ALL). */
static long update_tasks_nodemask(struct sim *s, struct cpuset *cs, const nodemask_t *old,
				  uint64_t *cost_ns)
{
	struct mm_struct **seen = sim_calloc(s, s->tasks->nr + 1, sizeof(*seen));
	int nseen = 0;

	if (!seen)
		return -ENOMEM;
	for (uint32_t i = 0; i < s->tasks->nr; i++) {
		struct task *t = s->tasks->by_order[i];

		if (t->state != TASK_RUNNING || t->cpuset != cs)
			continue;
		t->mems_allowed = cs->mems;
		mpol_rebind_task(t, &cs->mems);
		if (!t->mm || mm_seen(seen, nseen, t->mm))
			continue;
		seen[nseen++] = t->mm;
		mpol_rebind_mm(t->mm, &cs->mems);
		if (cs->memory_migrate) {
			sim_explain(s,
				    "    cpuset: mems changed with memory_migrate=1: pid %d's "
				    "pages follow "
				    "(update_tasks_nodemask() -> do_migrate_pages())\n",
				    t->pid);
			do_migrate_pages(s, t, old, &cs->mems, MPOL_MF_MOVE_ALL, task_node(s, t),
					 cost_ns);
		}
	}
	free(seen);
	return 0;
}

/* Models update_nodemask(). */
static long update_nodemask(struct sim *s, struct cpuset *cs, const nodemask_t *mems,
			    uint64_t *cost_ns)
{
	struct cpuset trial = *cs;
	nodemask_t old = cs->mems;
	long rc;

	if (!cs->parent)
		return -EACCES; /* the root's mems are read-only */
	if (!nodes_subset(mems, &cpuset_root(s)->mems))
		return -EINVAL; /* a node without memory, or none such */
	if (nodes_equal(mems, &cs->mems))
		return 0;
	trial.mems = *mems;
	if ((rc = validate_change(s, cs, &trial)))
		return rc;
	cs->mems = *mems;
	return update_tasks_nodemask(s, cs, &old, cost_ns);
}

/* Models update_flag(CS_MEM_EXCLUSIVE). */
static long update_mem_exclusive(struct sim *s, struct cpuset *cs, bool on)
{
	struct cpuset trial = *cs;
	long rc;

	trial.mem_exclusive = on;
	if (on && (rc = validate_change(s, cs, &trial)))
		return rc;
	if (cs->parent)
		cs->parent->nr_exclusive_children += (int)on - (int)cs->mem_exclusive;
	cs->mem_exclusive = on;
	return 0;
}

/* Models cpuset_can_attach() + cpuset_attach(): the task's CPUs, mems and
 * policies follow the new cpuset; a process leader's address space is
 * rebound and, with memory_migrate, its pages move from the old cpuset's
 * mems to the new ones (cpuset_migrate_mm(), MPOL_MF_MOVE_ALL). */
static long cpuset_attach(struct sim *s, struct cpuset *cs, int pid, uint64_t *cost_ns)
{
	struct task *t = task_find(s, pid);

	if (!t || t->state != TASK_RUNNING)
		return -ESRCH;
	struct cpuset *oldcs = task_cpuset(s, t);

	if (oldcs == cs)
		return 0;
	if (cpus_empty(&cs->cpus) || nodes_empty(&cs->mems))
		return -ENOSPC;
	nodemask_t from = oldcs->mems;

	t->cpuset = cs->parent ? cs : NULL;
	t->mems_allowed = cs->mems;
	task_fit_cpus(s, t, &cs->cpus);
	mpol_rebind_task(t, &cs->mems);
	if (t->pid != t->tgid || !t->mm)
		return 0;
	mpol_rebind_mm(t->mm, &cs->mems);
	if (cs->memory_migrate && !nodes_equal(&from, &cs->mems)) {
		sim_explain(
			s,
			"    cpuset: pid %d attached to a cpuset with memory_migrate=1: its pages "
			"follow (cpuset_attach() -> do_migrate_pages())\n",
			t->pid);
		do_migrate_pages(s, t, &from, &cs->mems, MPOL_MF_MOVE_ALL, task_node(s, t),
				 cost_ns);
	}
	return 0;
}

/* The writes of a `set` (or of a `create` with attributes): flags first,
 * so that memory_migrate applies to a mems change in the same record. */
static long cpuset_set(struct sim *s, struct cpuset *cs, const struct cpuset_req *req,
		       uint64_t *cost_ns)
{
	long rc = 0;

	if (req->has & CS_HAS_MEMORY_MIGRATE)
		cs->memory_migrate = req->memory_migrate;
	if (req->has & CS_HAS_SPREAD_PAGE)
		cs->memory_spread_page = req->memory_spread_page;
	if (req->has & CS_HAS_SPREAD_SLAB)
		cs->memory_spread_slab = req->memory_spread_slab;
	if ((req->has & CS_HAS_CPUS) && (rc = update_cpumask(s, cs, &req->cpus)))
		return rc;
	if ((req->has & CS_HAS_MEMS) && (rc = update_nodemask(s, cs, &req->mems, cost_ns)))
		return rc;
	if (req->has & CS_HAS_MEM_EXCLUSIVE)
		rc = update_mem_exclusive(s, cs, req->mem_exclusive);
	return rc;
}

long cpuset_apply(struct sim *s, const struct cpuset_req *req, uint64_t *cost_ns)
{
	struct cpuset *cs;
	long rc;

	if (req->action == CS_CREATE) {
		if ((rc = cpuset_create(s, req->path, &cs)))
			return rc;
		return cpuset_set(s, cs, req, cost_ns);
	}
	if (!(cs = cpuset_lookup(s, req->path)))
		return -ENOENT;
	switch (req->action) {
	case CS_SET:
		return cpuset_set(s, cs, req, cost_ns);
	case CS_ATTACH:
		if (!(req->has & CS_HAS_PID))
			return -EINVAL;
		return cpuset_attach(s, cs, req->pid, cost_ns);
	case CS_REMOVE:
		return cpuset_remove(s, cs);
	default:
		return -EINVAL;
	}
}
