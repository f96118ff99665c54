/*
 * mempolicy.c - NUMA memory policies (mm/mempolicy.c).
 *
 * The policy in force for a user page is the VMA's (mbind) if any, else
 * the task's (set_mempolicy), else the default: allocate on the node of
 * the CPU that faults. The policy chooses the preferred node (whose
 * zonelist the allocator walks) and the nodemask (nodes allowed at all).
 */
#include "mm/mempolicy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/cpuset.h"
#include "sim.h"
#include "task/mm.h"
#include "task/task.h"

struct mempolicy *mpol_new(enum mpol_mode mode, unsigned flags, const nodemask_t *nodes)
{
	struct mempolicy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->refcnt = 1;
	p->mode = mode;
	p->flags = flags;
	p->home_node = -1;
	if (nodes) {
		p->nodes = *nodes;
		p->user_nodes = *nodes;
	}
	return p;
}

struct mempolicy *mpol_get(struct mempolicy *p)
{
	if (p)
		p->refcnt++;
	return p;
}

void mpol_put(struct mempolicy *p)
{
	if (p && --p->refcnt == 0)
		free(p);
}

void mpol_to_str(const struct mempolicy *p, char *buf, size_t len)
{
	static const char *const names[MPOL_MAX] = {
		[MPOL_DEFAULT] = "default", [MPOL_PREFERRED] = "prefer", [MPOL_BIND] = "bind",
		[MPOL_INTERLEAVE] = "interleave", [MPOL_LOCAL] = "local",
		[MPOL_PREFERRED_MANY] = "prefer (many)",
		[MPOL_WEIGHTED_INTERLEAVE] = "weighted interleave",
	};
	enum mpol_mode mode = p ? p->mode : MPOL_DEFAULT;
	char nodes[512];
	size_t off;

	off = (size_t)snprintf(buf, len, "%s", names[mode]);
	if (mode == MPOL_DEFAULT || mode == MPOL_LOCAL || off >= len)
		return;
	if (p->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
		off += (size_t)snprintf(buf + off, len - off, "=%s",
				(p->flags & MPOL_F_STATIC_NODES) ? "static" : "relative");
	if (off >= len)
		return;
	bm_printlist(p->nodes.w, NODEMASK_BITS, nodes, sizeof(nodes));
	snprintf(buf + off, len - off, ":%s", nodes);
}

struct mempolicy *get_vma_policy(struct task *t, struct vm_area_struct *vma, uint64_t addr)
{
	(void)addr;
	if (vma && vma->policy)
		return vma->policy;
	return t ? t->mempolicy : NULL;
}

/* The n-th node of a mask, n taken modulo its weight (offset_il_node()). */
static int nth_node_mod(const nodemask_t *m, uint64_t n)
{
	unsigned w = nodes_weight(m);

	if (!w)
		return -1;
	return (int)bm_nth(m->w, NODEMASK_BITS, (unsigned)(n % w));
}

/* Models interleave_nodes(): task interleave takes the next node after
 * the one used last, wrapping. */
static int interleave_nodes(struct task *t, const nodemask_t *m)
{
	int next = next_node(t->il_prev, m);

	if (next >= NODEMASK_BITS)
		next = first_node(m);
	if (next < NODEMASK_BITS)
		t->il_prev = next;
	return next;
}

pfn_t alloc_user_pages(struct sim *s, struct task *t, struct vm_area_struct *vma,
		       uint64_t ilx, gfp_t gfp, unsigned order, uint64_t *stall)
{
	struct mempolicy *pol = get_vma_policy(t, vma, 0);
	int local = t ? task_node(s, t) : 0;
	struct alloc_req req = {
		.gfp = gfp, .order = order, .preferred_nid = local, .nodemask = NULL,
		.cpuset_mems = t ? cpuset_mems_allowed(s, t) : NULL, .local_nid = local,
	};
	pfn_t pfn;

	switch (pol ? pol->mode : MPOL_DEFAULT) {
	case MPOL_PREFERRED:
		req.preferred_nid = first_node(&pol->nodes);
		break;
	case MPOL_BIND:
		req.nodemask = &pol->nodes;
		/* policy_node(): the local node if allowed, else the first. */
		if (!node_isset(&pol->nodes, local))
			req.preferred_nid = first_node(&pol->nodes);
		break;
	case MPOL_INTERLEAVE:
	case MPOL_WEIGHTED_INTERLEAVE: {
		int nid = vma && vma->policy == pol ? nth_node_mod(&pol->nodes, ilx)
						    : interleave_nodes(t, &pol->nodes);

		pfn = alloc_pages_node(s, nid, gfp, order, local);
		if (pfn != NOPFN && pfn_to_nid(&s->mem, pfn) == nid)
			s->mem.nodes[nid].numa_stat[NUMA_INTERLEAVE_HIT]++;
		return pfn;
	}
	case MPOL_PREFERRED_MANY:
		req.nodemask = &pol->nodes;
		req.preferred_nid = node_isset(&pol->nodes, local) ? local : first_node(&pol->nodes);
		break;
	default:
		break;
	}
	pfn = alloc_pages_req(s, &req);
	if (stall)
		*stall += req.stall_ns;
	return pfn;
}

long do_set_mempolicy(struct sim *s, struct task *t, int mode, unsigned mode_flags,
		      const nodemask_t *nodes)
{
	(void)s; (void)t; (void)mode; (void)mode_flags; (void)nodes;
	return -ENOSYS;
}

long do_mbind(struct sim *s, struct task *t, uint64_t start, uint64_t len, int mode,
	      unsigned mode_flags, const nodemask_t *nodes, unsigned flags, uint64_t *cost_ns)
{
	(void)s; (void)t; (void)start; (void)len; (void)mode; (void)mode_flags;
	(void)nodes; (void)flags; (void)cost_ns;
	return -ENOSYS;
}

long kernel_migrate_pages(struct sim *s, struct task *caller, struct task *target,
			  const nodemask_t *from, const nodemask_t *to, uint64_t *cost_ns)
{
	(void)s; (void)caller; (void)target; (void)from; (void)to; (void)cost_ns;
	return -ENOSYS;
}
