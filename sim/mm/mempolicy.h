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
struct mm_struct;

/* Modes and flags with Linux's values (include/uapi/linux/mempolicy.h). */
#include "core/uapi.h"

#define MPOL_MF_VALID (MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)
#define MPOL_MODE_FLAGS (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)

struct mempolicy {
	unsigned refcnt;
	enum mpol_mode mode;
	unsigned flags;		/* MPOL_F_STATIC_NODES / MPOL_F_RELATIVE_NODES */
	nodemask_t nodes;	/* effective nodes (after cpuset contextualisation) */
	nodemask_t user_nodes;	/* as the user gave them (for rebinding) */
	nodemask_t cpuset_mems; /* mems_allowed when last bound (w.cpuset_mems_allowed) */
	int home_node;		/* set_mempolicy_home_node(), -1 = none */
};

/* A bare policy object (refcount 1); no validation: see mpol_create(). */
struct mempolicy *mpol_new(enum mpol_mode mode, unsigned flags, const nodemask_t *nodes);
struct mempolicy *mpol_get(struct mempolicy *p);
void mpol_put(struct mempolicy *p);
/* mpol_dup(): a private copy (refcount 1); NULL stays NULL. */
struct mempolicy *mpol_dup(const struct mempolicy *p);
/* mpol_equal(): same mode, flags and nodes (VMAs with equal policies merge). */
bool mpol_equal(const struct mempolicy *a, const struct mempolicy *b);

/*
 * Models sanitize_mpol_flags() + mpol_new() + mpol_set_nodemask(): a
 * validated policy for task t, its nodes contextualised by t's cpuset
 * and N_MEMORY. *out is NULL for MPOL_DEFAULT. 0 or -EINVAL.
 */
long mpol_create(struct sim *s, struct task *t, int mode, unsigned mode_flags,
		 const nodemask_t *nodes, struct mempolicy **out);

/* mpol_to_str(): "default", "prefer:1", "bind:0-1", "interleave=static:0-3", ... */
void mpol_to_str(const struct mempolicy *p, char *buf, size_t len);

/* Models mpol_rebind_policy(): fit p to new cpuset mems, honouring
 * MPOL_F_STATIC_NODES / MPOL_F_RELATIVE_NODES. */
void mpol_rebind_policy(struct mempolicy *p, const nodemask_t *newmems);
/* mpol_rebind_task() and mpol_rebind_mm(): the task's policy, and the
 * policies of every VMA of mm (copied first when shared with another mm). */
void mpol_rebind_task(struct task *t, const nodemask_t *newmems);
void mpol_rebind_mm(struct mm_struct *mm, const nodemask_t *newmems);

/*
 * Models alloc_pages_mpol() for a user page of task t at address addr in
 * vma (vma may be NULL for non-VMA allocations such as page cache
 * read(2)): the VMA policy if there is one, else the task's, else local.
 * ilx is the interleave index (page offset in the mapping), used by
 * interleave whenever there is a VMA (get_vma_policy() sets it for the
 * task policy too); without a VMA task interleave rotates per allocation
 * (interleave_nodes()). With vma NULL and the task's cpuset spreading page
 * cache (memory_spread_page) the page goes to cpuset_mem_spread_node()
 * (filemap_alloc_folio()). Returns the pfn or NOPFN; *stall gets reclaim time.
 */
/*
 * Models the order == HPAGE_PMD_ORDER branch of alloc_pages_mpol() (Linux
 * 6.12): interleave policies pick the node of huge page index ilx; other
 * policies whose nodemask allows the node they prefer (the local node,
 * or the preferred one) first try that node alone (__GFP_THISNODE |
 * __GFP_NORETRY) and stop there unless gfp may reclaim directly; then
 * the ordinary allocation over the policy's nodes.
 */
pfn_t alloc_thp_mpol(struct sim *s, struct task *t, struct mempolicy *pol, uint64_t ilx, gfp_t gfp,
		     unsigned order, uint64_t *stall);
pfn_t alloc_user_pages(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t ilx,
		       gfp_t gfp, unsigned order, uint64_t *stall);

/*
 * Order-0 user pages of one VMA for a run of faults (memory.c's
 * fault_anon_run()): the policy, the local node and the cpuset masks
 * are looked up once, and each page comes from an alloc_batch, one per
 * node for interleave (whose node moves with the index). Each page is
 * the one alloc_user_pages(s, t, vma, ilx, GFP_HIGHUSER_MOVABLE, 0, ...)
 * would return, with the same effects; NOPFN means the batch cannot
 * prove that for this page (flush, then call alloc_user_pages()).
 */
#define USER_BATCH_NODES 64
struct user_batch {
	struct mempolicy *pol;
	int local;
	bool interleave;
	struct alloc_req req; /* the request of every page (interleave: but its node) */
	/* interleave_nid()'s nodes and weights, in node order */
	int il_nr;
	unsigned il_total;
	bool il_trunc; /* before 6.7: the index's low 32 bits */
	int16_t il_node[USER_BATCH_NODES];
	uint8_t il_weight[USER_BATCH_NODES];
	struct alloc_batch one;
	/* interleave: per node, prepared at its first page (0 not yet,
	 * 1 ready, 2 no batch form) */
	uint8_t il_state[USER_BATCH_NODES];
	uint64_t il_hit[USER_BATCH_NODES]; /* NUMA_INTERLEAVE_HIT to count */
	struct alloc_batch il[USER_BATCH_NODES];
};
bool user_batch_init(struct sim *s, struct task *t, struct vm_area_struct *vma,
		     struct user_batch *ub);
/* The page for interleave index ilx; *zone gets its zone. */
pfn_t user_batch_alloc(struct sim *s, struct user_batch *ub, uint64_t ilx, struct zone **zone);
/* Up to n pages for interleave indexes ilx, ilx + 1, ... from one zone
 * (*zone), as many user_batch_alloc() calls; returns how many. */
uint64_t user_batch_alloc_run(struct sim *s, struct user_batch *ub, uint64_t ilx, pfn_t *pfns,
			      uint64_t n, struct zone **zone);
void user_batch_flush(struct sim *s, struct user_batch *ub);

/* Models folio_alloc_mpol(): allocate under policy pol (NULL = local) for
 * task t; has_ilx false means NO_INTERLEAVE_INDEX. */
pfn_t alloc_pages_mpol(struct sim *s, struct task *t, struct mempolicy *pol, bool has_ilx,
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
/*
 * Models do_migrate_pages(): moves target's pages from the nodes of from
 * to the nodes of to, keeping their relative placement (the n-th node of
 * from goes to the n-th node of to). flags MPOL_MF_MOVE or
 * MPOL_MF_MOVE_ALL (also pages mapped by other processes). Returns the
 * pages not moved, or -errno. Used by migrate_pages(2) and cpusets.
 */
long do_migrate_pages(struct sim *s, struct task *target, const nodemask_t *from,
		      const nodemask_t *to, int flags, int local_nid, uint64_t *cost_ns);

/* Automatic NUMA balancing (docs/model.md §7). vma_policy_mof(): the
 * policy in force for vma wants migrate on fault (MPOL_F_MOF). */
bool vma_policy_mof(struct task *t, const struct vm_area_struct *vma);
/* change_prot_numa(): marks present ptes of [start, end) PTE_NUMA;
 * returns how many (also counted in numa_pte_updates). */
uint64_t change_prot_numa(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t start,
			  uint64_t end);
/* mpol_misplaced(): the node a hinting-faulted page should move to, or -1. */
int mpol_misplaced(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t addr,
		   pfn_t pfn);

#endif
