/*
 * mempolicy.h - NUMA memory policies (mm/mempolicy.c, include/uapi/linux/mempolicy.h).
 *
 * A policy belongs to a task (set_mempolicy) or to a range of a VMA
 * (mbind). Allocation for user pages goes through alloc_user_pages(),
 * the counterpart of vma_alloc_folio()/alloc_pages_mpol(): it picks the
 * preferred node and nodemask from the policy in force and asks the page
 * allocator.
 */
#ifndef NUMASIM_MM_MEMPOLICY_H
#define NUMASIM_MM_MEMPOLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/bitmap.h"
#include "mm/page_alloc.h"

struct sim;
struct task;
struct vm_area_struct;

/* Modes and flags with Linux's values (include/uapi/linux/mempolicy.h). */
#include "trace/uapi.h"

#define MPOL_F_NUMA_BALANCING (1 << 13)
#define MPOL_MODE_FLAGS (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)

struct mempolicy {
	unsigned refcnt;
	enum mpol_mode mode;
	unsigned flags;              /* MPOL_F_STATIC_NODES / MPOL_F_RELATIVE_NODES */
	nodemask_t nodes;            /* effective nodes (after cpuset contextualisation) */
	nodemask_t user_nodes;       /* as the user gave them (for rebinding) */
	nodemask_t cpuset_mems;      /* mems_allowed when last bound (w.cpuset_mems_allowed) */
	int home_node;               /* set_mempolicy_home_node(), -1 = none */
};

struct mempolicy *mpol_new(enum mpol_mode mode, unsigned flags, const nodemask_t *nodes);
struct mempolicy *mpol_get(struct mempolicy *p);
void mpol_put(struct mempolicy *p);

/* mpol_to_str(): "default", "prefer:1", "bind:0-1", "interleave=static:0-3", ... */
void mpol_to_str(const struct mempolicy *p, char *buf, size_t len);

/*
 * Models alloc_pages_mpol() for a user page of task t at address addr in
 * vma (vma may be NULL for non-VMA allocations such as page cache
 * read(2)): the VMA policy if there is one, else the task's, else local.
 * ilx is the interleave index (page offset in the mapping) used by VMA
 * interleave. Returns the pfn or NOPFN; *stall gets reclaim time.
 */
pfn_t alloc_user_pages(struct sim *s, struct task *t, struct vm_area_struct *vma,
		       uint64_t ilx, gfp_t gfp, unsigned order, uint64_t *stall);

/* The policy that applies at addr in vma for task t (get_vma_policy()). */
struct mempolicy *get_vma_policy(struct task *t, struct vm_area_struct *vma, uint64_t addr);

/*
 * System calls. Each returns 0 (or a count) or -errno as the kernel
 * does; -ENOSYS means "not modelled" and stops the replay.
 */
/* set_mempolicy(2): nodes NULL when the trace gave no nodes= */
long do_set_mempolicy(struct sim *s, struct task *t, int mode, unsigned mode_flags,
		      const nodemask_t *nodes);
/* mbind(2) on [start, start+len) of t's address space */
long do_mbind(struct sim *s, struct task *t, uint64_t start, uint64_t len, int mode,
	      unsigned mode_flags, const nodemask_t *nodes, unsigned flags, uint64_t *cost_ns);
/* migrate_pages(2) by caller on target: pages not moved, or -errno */
long kernel_migrate_pages(struct sim *s, struct task *caller, struct task *target,
			  const nodemask_t *from, const nodemask_t *to, uint64_t *cost_ns);

#endif
