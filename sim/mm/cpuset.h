/*
 * cpuset.h - cpusets (kernel/cgroup/cpuset.c): a hierarchy of CPU and
 * memory node sets, rooted at "/" with every CPU and node; each task
 * belongs to one cpuset and allocates only from its mems.
 */
#ifndef NUMASIM_MM_CPUSET_H
#define NUMASIM_MM_CPUSET_H

#include <stdbool.h>

#include "core/bitmap.h"
#include "core/hashmap.h"

struct sim;
struct task;

struct cpuset {
	char *path; /* "/", "/batch", "/batch/a" */
	struct cpuset *parent;
	cpumask_t cpus;
	nodemask_t mems;
	bool memory_migrate;
	bool memory_spread_page;
	bool memory_spread_slab;
	bool mem_exclusive;
	bool removed;		   /* rmdir'ed: kept until the tree is freed */
	int nr_children;	   /* live children (rmdir's -EBUSY test) */
	int nr_exclusive_children; /* of them, mem_exclusive ones */
	struct cpuset *hash_next;  /* the cpuset made before it whose path has the same hash */
};

struct cpuset_tree {
	struct cpuset **sets; /* sets[0] is the root */
	int nr, cap;
	/* hashmap_str(path) -> the last cpuset made with that hash, the
	 * others chained through hash_next (removed ones stay and are
	 * skipped): creating and finding a cpuset cost O(1), not a scan of
	 * every cpuset (100 000 siblings took over a minute) */
	struct hashmap by_path;
};

int cpuset_init(struct sim *s);
void cpuset_free(struct sim *s);
struct cpuset *cpuset_root(struct sim *s);
struct cpuset *task_cpuset(struct sim *s, const struct task *t);
/* The mems a task may allocate from, or NULL when unrestricted (root
 * cpuset covering every node). */
const nodemask_t *cpuset_mems_allowed(struct sim *s, const struct task *t);

/* The task's cpuset mems (cpuset_mems_allowed(task)): every node with
 * memory for the root cpuset. */
void cpuset_task_mems(struct sim *s, const struct task *t, nodemask_t *out);
/* Mems of the nearest mem_exclusive ancestor of t's cpuset (itself
 * included), bounding !__GFP_HARDWALL allocations (nearest_hardwall_ancestor());
 * NULL when that is the root. */
const nodemask_t *cpuset_softwall_mems(struct sim *s, const struct task *t);
/* The cpuset at path, NULL when there is none. */
struct cpuset *cpuset_lookup(struct sim *s, const char *path);

/* cpuset_do_page_mem_spread() / cpuset_do_slab_mem_spread(): the task's
 * cpuset has memory_spread_page / memory_spread_slab set. */
bool cpuset_do_page_mem_spread(struct sim *s, const struct task *t);
bool cpuset_do_slab_mem_spread(struct sim *s, const struct task *t);
/* Models cpuset_mem_spread_node(): the next node of the task's mems,
 * round robin from a first node drawn at random (node_random()). For
 * slab.c and filemap (through alloc_user_pages()). */
int cpuset_mem_spread_node(struct sim *s, struct task *t);

enum cpuset_req_action { CS_CREATE, CS_SET, CS_ATTACH, CS_REMOVE };
enum {
	CS_HAS_CPUS = 1 << 0,
	CS_HAS_MEMS = 1 << 1,
	CS_HAS_MEMORY_MIGRATE = 1 << 2,
	CS_HAS_SPREAD_PAGE = 1 << 3,
	CS_HAS_SPREAD_SLAB = 1 << 4,
	CS_HAS_MEM_EXCLUSIVE = 1 << 5,
	CS_HAS_PID = 1 << 6,
};

/* One `cpuset` record: what an administrator writes under /sys/fs/cgroup. */
struct cpuset_req {
	enum cpuset_req_action action;
	const char *path;
	unsigned has;
	cpumask_t cpus;
	nodemask_t mems;
	bool memory_migrate, memory_spread_page, memory_spread_slab, mem_exclusive;
	int pid;
};

/* Applies req; 0 or -errno (-ENOSYS: not modelled). Migration done
 * because of memory_migrate adds its time to *cost_ns. */
long cpuset_apply(struct sim *s, const struct cpuset_req *req, uint64_t *cost_ns);

#endif
