/*
 * cpuset.c - cpusets (kernel/cgroup/cpuset.c). The root cpuset holds
 * every CPU and every node with memory.
 */
#include "mm/cpuset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "task/task.h"

int cpuset_init(struct sim *s)
{
	struct cpuset_tree *t = calloc(1, sizeof(*t));
	struct cpuset *root = calloc(1, sizeof(*root));

	if (!t || !root || !(root->path = strdup("/")) ||
	    !(t->sets = calloc(4, sizeof(*t->sets)))) {
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
	s->cpusets = t;
	return 0;
}

void cpuset_free(struct sim *s)
{
	if (!s->cpusets)
		return;
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

long cpuset_apply(struct sim *s, const struct cpuset_req *req, uint64_t *cost_ns)
{
	(void)s; (void)req; (void)cost_ns;
	return -ENOSYS;
}
