/*
 * mempolicy.c - NUMA memory policies (mm/mempolicy.c).
 *
 * The policy in force for a user page is the VMA's (mbind) if any, else
 * the task's (set_mempolicy), else the default: allocate on the node of
 * the CPU that faults. The policy chooses the preferred node (whose
 * zonelist the allocator walks) and the nodemask (nodes allowed at all);
 * the cpuset's mems bound both, and win over the policy.
 *
 * Node sets given by the user are contextualised when the policy is made
 * (mpol_set_nodemask()): intersected with the cpuset's mems and the nodes
 * with memory, or, with MPOL_F_RELATIVE_NODES, folded onto them. When the
 * cpuset's mems change, mpol_rebind_policy() fits the policy again.
 */
#include "mm/mempolicy.h"
#include "mm/huge_memory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/cpuset.h"
#include "mm/migrate.h"
#include "mm/memory-tiers.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/numa_balancing.h"
#include "task/task.h"

/* MPOL_MF_INVERT and MPOL_MF_DISCONTIG_OK: internal queue_pages flags. */
#define MPOL_MF_DISCONTIG_OK (1 << 4)
#define MPOL_MF_INVERT (1 << 5)

/* ---- policy objects ------------------------------------------------------- */

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

struct mempolicy *mpol_dup(const struct mempolicy *p)
{
	struct mempolicy *n;

	if (!p || !(n = malloc(sizeof(*n))))
		return NULL;
	*n = *p;
	n->refcnt = 1;
	return n;
}

/* Models mpol_equal(). */
bool mpol_equal(const struct mempolicy *a, const struct mempolicy *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->mode != b->mode || a->flags != b->flags || a->home_node != b->home_node)
		return false;
	if ((a->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) &&
	    !nodes_equal(&a->user_nodes, &b->user_nodes))
		return false;
	return a->mode == MPOL_LOCAL || nodes_equal(&a->nodes, &b->nodes);
}

/* Models mpol_to_str(): the mode, "=static"/"=relative" when flagged,
 * then ":<nodes>" when the policy has nodes. */
void mpol_to_str(const struct mempolicy *p, char *buf, size_t len)
{
	static const char *const names[MPOL_MAX] = {
		[MPOL_DEFAULT] = "default",
		[MPOL_PREFERRED] = "prefer",
		[MPOL_BIND] = "bind",
		[MPOL_INTERLEAVE] = "interleave",
		[MPOL_LOCAL] = "local",
		[MPOL_PREFERRED_MANY] = "prefer (many)",
		[MPOL_WEIGHTED_INTERLEAVE] = "weighted interleave",
	};
	enum mpol_mode mode = p ? p->mode : MPOL_DEFAULT;
	unsigned flags = p ? p->flags : 0;
	char nodes[512];
	size_t off;

	if ((unsigned)mode >= MPOL_MAX) {
		snprintf(buf, len, "unknown");
		return;
	}
	off = (size_t)snprintf(buf, len, "%s", names[mode]);
	if ((flags & MPOL_MODE_FLAGS) && off < len) {
		off += (size_t)snprintf(
			buf + off, len - off, "=%s%s%s",
			(flags & MPOL_F_STATIC_NODES)	  ? "static"
			: (flags & MPOL_F_RELATIVE_NODES) ? "relative"
							  : "",
			(flags & MPOL_F_NUMA_BALANCING) &&
					(flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
				? "|"
				: "",
			(flags & MPOL_F_NUMA_BALANCING) ? "balancing" : "");
	}
	if (mode == MPOL_DEFAULT || mode == MPOL_LOCAL || nodes_empty(&p->nodes) || off >= len)
		return;
	bm_printlist(p->nodes.w, NODEMASK_BITS, nodes, sizeof(nodes));
	snprintf(buf + off, len - off, ":%s", nodes);
}

/* ---- node set arithmetic (lib/bitmap.c) -------------------------------- */

/* The n-th node of m (n < weight), as bitmap_find_nth / bitmap_ord_to_pos. */
static int nth_node(const nodemask_t *m, unsigned n)
{
	return (int)bm_nth(m->w, NODEMASK_BITS, n);
}

/* Models bitmap_pos_to_ord(): the rank of node n in m, -1 if absent. */
static int node_ord(const nodemask_t *m, int n)
{
	int ord = 0, i;

	if (!node_isset(m, n))
		return -1;
	for_each_node_mask(i, m)
	{
		if (i == n)
			break;
		ord++;
	}
	return ord;
}

/* Models node_remap() / bitmap_bitremap(): node n at rank k in old maps to
 * the node at rank k mod weight in new; nodes not in old map to themselves. */
static int node_remap(int n, const nodemask_t *old, const nodemask_t *new)
{
	int k = node_ord(old, n);
	unsigned w = nodes_weight(new);

	if (k < 0 || !w)
		return n;
	return nth_node(new, (unsigned)k % w);
}

/* Models nodes_remap() (bitmap_remap()). */
static void nodes_remap(nodemask_t *dst, const nodemask_t *src, const nodemask_t *old,
			const nodemask_t *new)
{
	nodemask_t r = {{0}};
	int n;

	for_each_node_mask(n, src) node_set(&r, node_remap(n, old, new));
	*dst = r;
}

/* Models mpol_relative_nodemask(): nodes_fold() onto the weight of rel,
 * then nodes_onto() rel: node k of the user's set means the k-th allowed node. */
static void mpol_relative_nodemask(nodemask_t *ret, const nodemask_t *orig, const nodemask_t *rel)
{
	unsigned w = nodes_weight(rel);
	nodemask_t r = {{0}};
	int n;

	if (w)
		for_each_node_mask(n, orig) node_set(&r, nth_node(rel, (unsigned)n % w));
	*ret = r;
}

/* ---- creating and rebinding -------------------------------------------------- */

/* Models sanitize_mpol_flags(). Weighted interleave exists from 6.9:
 * before, its mode number is MPOL_MAX and refused. */
static long sanitize_mpol_flags(const struct sim *s, int mode, unsigned flags)
{
	if (mode < 0 || mode >= MPOL_MAX)
		return -EINVAL;
	if (mode == MPOL_WEIGHTED_INTERLEAVE && !kernel_at_least(&s->tun, 6, 9))
		return -EINVAL;
	if (flags & ~MPOL_MODE_FLAGS)
		return -EINVAL;
	if ((flags & MPOL_F_STATIC_NODES) && (flags & MPOL_F_RELATIVE_NODES))
		return -EINVAL;
	if ((flags & MPOL_F_NUMA_BALANCING) && mode != MPOL_BIND && mode != MPOL_PREFERRED_MANY)
		return -EINVAL;
	return 0;
}

/* Models the checks of mpol_new(): which empty/non-empty sets a mode
 * accepts. *mode becomes MPOL_LOCAL for preferred with no nodes. */
static long mpol_new_check(int *mode, unsigned flags, const nodemask_t *nodes)
{
	bool empty = nodes_empty(nodes);
	bool flagged = flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES);

	if (*mode == MPOL_DEFAULT)
		return empty ? 0 : -EINVAL;
	if (*mode == MPOL_PREFERRED && empty) {
		if (flagged)
			return -EINVAL;
		*mode = MPOL_LOCAL;
		return 0;
	}
	if (*mode == MPOL_LOCAL)
		return (!empty || flagged) ? -EINVAL : 0;
	return empty ? -EINVAL : 0;
}

/* Models mpol_set_nodemask() and the mode's create op (mpol_new_nodemask(),
 * mpol_new_preferred()): the nodes within the cpuset's mems and N_MEMORY. */
static long mpol_set_nodemask(struct sim *s, struct task *t, struct mempolicy *pol,
			      const nodemask_t *nodes)
{
	nodemask_t allowed, eff;

	if (pol->mode == MPOL_LOCAL)
		return 0;
	cpuset_task_mems(s, t, &allowed); /* already within N_MEMORY */
	if (pol->flags & MPOL_F_RELATIVE_NODES)
		mpol_relative_nodemask(&eff, nodes, &allowed);
	else
		nodes_and(&eff, nodes, &allowed);
	pol->user_nodes = *nodes;
	pol->cpuset_mems = allowed;
	if (nodes_empty(&eff))
		return -EINVAL;
	if (pol->mode == MPOL_PREFERRED) {
		int first = first_node(&eff);

		memset(&eff, 0, sizeof(eff));
		node_set(&eff, first);
	}
	pol->nodes = eff;
	return 0;
}

long mpol_create(struct sim *s, struct task *t, int mode, unsigned mode_flags,
		 const nodemask_t *nodes, struct mempolicy **out)
{
	nodemask_t none = {{0}};
	long rc = sanitize_mpol_flags(s, mode, mode_flags);

	*out = NULL;
	if (!nodes)
		nodes = &none;
	if (rc || (rc = mpol_new_check(&mode, mode_flags, nodes)))
		return rc;
	if (mode == MPOL_DEFAULT)
		return 0;
	struct mempolicy *p = mpol_new((enum mpol_mode)mode, mode_flags, NULL);

	if (!p) {
		s->host_oom = true;
		return -ENOMEM;
	}
	rc = mpol_set_nodemask(s, t, p, nodes);
	if (rc) {
		mpol_put(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* Models mpol_rebind_nodemask() (bind, interleave, preferred many) and
 * mpol_rebind_preferred() (which only records the new mems: the cpuset
 * check at allocation time keeps a preferred node outside them unused). */
void mpol_rebind_policy(struct mempolicy *p, const nodemask_t *newmems)
{
	nodemask_t tmp;

	if (!p || p->mode == MPOL_LOCAL || p->mode == MPOL_DEFAULT)
		return;
	if (!(p->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) &&
	    nodes_equal(&p->cpuset_mems, newmems))
		return;
	if (p->mode == MPOL_PREFERRED) {
		p->cpuset_mems = *newmems;
		return;
	}
	if (p->flags & MPOL_F_STATIC_NODES) {
		nodes_and(&tmp, &p->user_nodes, newmems);
	} else if (p->flags & MPOL_F_RELATIVE_NODES) {
		mpol_relative_nodemask(&tmp, &p->user_nodes, newmems);
	} else {
		nodes_remap(&tmp, &p->nodes, &p->cpuset_mems, newmems);
		p->cpuset_mems = *newmems;
	}
	if (nodes_empty(&tmp))
		tmp = *newmems;
	p->nodes = tmp;
}

void mpol_rebind_task(struct task *t, const nodemask_t *newmems)
{
	if (t->mempolicy && t->mempolicy->refcnt > 1) {
		/* Fork shares policy objects; a rebind is this task's alone. */
		struct mempolicy *n = mpol_dup(t->mempolicy);

		if (!n) {
			if (t->mm && t->mm->pt.oom)
				*t->mm->pt.oom = true;
			return;
		}
		mpol_put(t->mempolicy);
		t->mempolicy = n;
	}
	mpol_rebind_policy(t->mempolicy, newmems);
}

void mpol_rebind_mm(struct mm_struct *mm, const nodemask_t *newmems)
{
	for (int i = 0; mm && i < mm->nr_vmas; i++) {
		struct vm_area_struct *v = mm->vmas[i];

		if (!v->policy)
			continue;
		if (v->policy->refcnt > 1) {
			struct mempolicy *n = mpol_dup(v->policy);

			if (!n) {
				if (mm->pt.oom)
					*mm->pt.oom = true;
				continue;
			}
			mpol_put(v->policy);
			v->policy = n;
		}
		mpol_rebind_policy(v->policy, newmems);
	}
}

/* ---- allocation ------------------------------------------------------------------ */

struct mempolicy *get_vma_policy(struct task *t, struct vm_area_struct *vma, uint64_t addr)
{
	(void)addr;
	if (vma && vma->policy)
		return vma->policy;
	return t ? t->mempolicy : NULL;
}

/* Models get_il_weight(): the node's weight from
 * mm.mempolicy.weighted_interleave.node<N> (1..255, default 1). */
static unsigned il_weight(const struct sim *s, int nid)
{
	return nid >= 0 && nid < TUN_WI_NODES ? (unsigned)tun(&s->tun, TUN_WI_WEIGHT(nid)) : 1;
}

/* Models next_node_in(). */
static int next_node_in(int n, const nodemask_t *m)
{
	int next = (n + 1 >= NODEMASK_BITS || n < -1) ? NODEMASK_BITS : next_node(n, m);

	return next < NODEMASK_BITS ? next : first_node(m);
}

/* Models interleave_nodes() and weighted_interleave_nodes(): the task's
 * rotor, for allocations without an interleave index. */
static int interleave_nodes(const struct sim *s, struct task *t, const struct mempolicy *pol)
{
	if (pol->mode == MPOL_WEIGHTED_INTERLEAVE) {
		int node = t->il_prev;

		if (!t->il_weight || node < 0 || !node_isset(&pol->nodes, node)) {
			node = next_node_in(node, &pol->nodes);
			t->il_prev = node;
			t->il_weight = il_weight(s, node);
		}
		t->il_weight--;
		return node;
	}
	t->il_prev = next_node_in(t->il_prev, &pol->nodes);
	return t->il_prev;
}

/* Models interleave_nid() and weighted_interleave_nid(): the node for
 * interleave index ilx (page offset in the mapping). Before 6.7
 * offset_il_node() took the index as unsigned int: 32 bits of it count,
 * which moves pages at offsets of 2^32 pages and more when the number of
 * nodes is not a power of two. */
static int interleave_nid(const struct sim *s, const struct mempolicy *pol, uint64_t ilx, int local)
{
	unsigned total = 0;
	int n;

	/* before 6.7 the index was an unsigned int (offset_il_node()) */
	if (!kernel_at_least(&s->tun, 6, 7))
		ilx = (uint32_t)ilx;
	if (pol->mode != MPOL_WEIGHTED_INTERLEAVE) {
		/* all weights 1: the (ilx mod weight)-th node of the mask,
		 * found by popcounts whatever the number of nodes */
		total = nodes_weight(&pol->nodes);
		return total ? (int)bm_nth(pol->nodes.w, NODEMASK_BITS, (unsigned)(ilx % total))
			     : local;
	}
	for_each_node_mask(n, &pol->nodes) total +=
		pol->mode == MPOL_WEIGHTED_INTERLEAVE ? il_weight(s, n) : 1;
	if (!total)
		return local;
	uint64_t target = ilx % total;

	for_each_node_mask(n, &pol->nodes)
	{
		unsigned w = pol->mode == MPOL_WEIGHTED_INTERLEAVE ? il_weight(s, n) : 1;

		if (target < w)
			return n;
		target -= w;
	}
	return local;
}

/* One __alloc_pages() call with the task's cpuset applied. */
static pfn_t alloc_nodemask(struct sim *s, struct task *t, gfp_t gfp, unsigned order, int nid,
			    const nodemask_t *mask, int local, uint64_t *stall)
{
	struct alloc_req req = {
		.gfp = gfp,
		.order = order,
		.preferred_nid = nid,
		.nodemask = mask,
		.cpuset_mems = t ? cpuset_mems_allowed(s, t) : NULL,
		.cpuset_softwall_mems = t ? cpuset_softwall_mems(s, t) : NULL,
		.local_nid = local,
	};
	pfn_t pfn = alloc_pages_req(s, &req);

	if (stall)
		*stall += req.stall_ns;
	return pfn;
}

/* Models cpuset_nodemask_valid_mems_allowed(): a bind nodemask is only
 * used when it meets the cpuset's mems. */
static bool nodemask_valid_mems(struct sim *s, struct task *t, const nodemask_t *m)
{
	nodemask_t mems;

	if (!t)
		return true;
	cpuset_task_mems(s, t, &mems);
	return nodes_intersects(m, &mems);
}

pfn_t alloc_pages_mpol(struct sim *s, struct task *t, struct mempolicy *pol, bool has_ilx,
		       uint64_t ilx, gfp_t gfp, unsigned order, uint64_t *stall)
{
	int local = t ? task_node(s, t) : 0;
	pfn_t pfn;
	int nid;

	switch (pol ? pol->mode : MPOL_DEFAULT) {
	case MPOL_PREFERRED:
		return alloc_nodemask(s, t, gfp, order, first_node(&pol->nodes), NULL, local,
				      stall);
	case MPOL_BIND:
		/* policy_nodemask(): the local node's zonelist, filtered */
		return alloc_nodemask(s, t, gfp, order, local,
				      nodemask_valid_mems(s, t, &pol->nodes) ? &pol->nodes : NULL,
				      local, stall);
	case MPOL_PREFERRED_MANY:
		/* alloc_pages_preferred_many(): the set first without direct
		 * reclaim, then anywhere */
		pfn = alloc_nodemask(s, t,
				     (gfp | __GFP_NOWARN) & ~(__GFP_DIRECT_RECLAIM | __GFP_NOFAIL),
				     order, local, &pol->nodes, local, stall);
		if (pfn == NOPFN)
			pfn = alloc_nodemask(s, t, gfp, order, local, NULL, local, stall);
		return pfn;
	case MPOL_INTERLEAVE:
	case MPOL_WEIGHTED_INTERLEAVE:
		nid = has_ilx ? interleave_nid(s, pol, ilx, local) : interleave_nodes(s, t, pol);
		pfn = alloc_nodemask(s, t, gfp, order, nid, NULL, local, stall);
		/* alloc_pages_mpol(): only MPOL_INTERLEAVE counts interleave_hit
		 * (6.9 to 6.12 at least: weighted interleave counts none) */
		if (pfn != NOPFN && pfn_to_nid(&s->mem, pfn) == nid &&
		    pol->mode == MPOL_INTERLEAVE && tun(&s->tun, TUN_NUMA_STAT))
			s->mem.nodes[nid].numa_stat[NUMA_INTERLEAVE_HIT]++;
		return pfn;
	default:
		return alloc_nodemask(s, t, gfp, order, local, NULL, local, stall);
	}
}

pfn_t alloc_thp_mpol(struct sim *s, struct task *t, struct mempolicy *pol, uint64_t ilx, gfp_t gfp,
		     unsigned order, uint64_t *stall)
{
	enum mpol_mode mode = pol ? pol->mode : MPOL_DEFAULT;
	int local = t ? task_node(s, t) : 0;
	const nodemask_t *mask = NULL;
	int nid = local;
	pfn_t pfn;

	if (mode == MPOL_INTERLEAVE || mode == MPOL_WEIGHTED_INTERLEAVE ||
	    mode == MPOL_PREFERRED_MANY)
		return alloc_pages_mpol(s, t, pol, true, ilx, gfp, order, stall);
	/* policy_nodemask() */
	if (mode == MPOL_PREFERRED)
		nid = first_node(&pol->nodes);
	else if (mode == MPOL_BIND && nodemask_valid_mems(s, t, &pol->nodes))
		mask = &pol->nodes;
	if (!mask || node_isset(mask, nid)) {
		/* Only the current (or preferred) node first, without reclaim
		 * retries; a remote huge page would cost more than it gains. */
		pfn = alloc_nodemask(s, t, gfp | __GFP_THISNODE | __GFP_NORETRY, order, nid, NULL,
				     local, stall);
		if (pfn != NOPFN || !(gfp & __GFP_DIRECT_RECLAIM))
			return pfn;
	}
	return alloc_nodemask(s, t, gfp, order, nid, mask, local, stall);
}

pfn_t alloc_user_pages(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t ilx,
		       gfp_t gfp, unsigned order, uint64_t *stall)
{
	if (!vma && t && cpuset_do_page_mem_spread(s, t)) {
		/* filemap_alloc_folio(): page cache spread over the cpuset */
		int nid = cpuset_mem_spread_node(s, t);

		return alloc_nodemask(s, t, gfp, order, nid, NULL, task_node(s, t), stall);
	}
	return alloc_pages_mpol(s, t, get_vma_policy(t, vma, 0), vma != NULL, ilx, gfp, order,
				stall);
}

/* The request alloc_pages_mpol() -> alloc_nodemask() makes for a user
 * page (its first attempt, for MPOL_PREFERRED_MANY). */
bool user_batch_init(struct sim *s, struct task *t, struct vm_area_struct *vma,
		     struct user_batch *ub)
{
	struct mempolicy *pol = get_vma_policy(t, vma, 0);
	gfp_t gfp = GFP_HIGHUSER_MOVABLE;
	int local = task_node(s, t);

	ub->pol = pol;
	ub->local = local;
	ub->interleave = false;
	ub->one.taken = 0;
	ub->req = (struct alloc_req){
		.gfp = gfp,
		.preferred_nid = local,
		.cpuset_mems = cpuset_mems_allowed(s, t),
		.cpuset_softwall_mems = cpuset_softwall_mems(s, t),
		.local_nid = local,
	};
	switch (pol ? pol->mode : MPOL_DEFAULT) {
	case MPOL_PREFERRED:
		ub->req.preferred_nid = first_node(&pol->nodes);
		break;
	case MPOL_BIND:
		ub->req.nodemask = nodemask_valid_mems(s, t, &pol->nodes) ? &pol->nodes : NULL;
		break;
	case MPOL_PREFERRED_MANY:
		ub->req.gfp = (gfp | __GFP_NOWARN) & ~(__GFP_DIRECT_RECLAIM | __GFP_NOFAIL);
		ub->req.nodemask = &pol->nodes;
		break;
	case MPOL_INTERLEAVE:
	case MPOL_WEIGHTED_INTERLEAVE: {
		int n;

		if (s->mem.nr_nodes > USER_BATCH_NODES)
			return false;
		ub->il_nr = 0;
		ub->il_total = 0;
		ub->il_trunc = !kernel_at_least(&s->tun, 6, 7);
		for_each_node_mask(n, &pol->nodes)
		{
			unsigned w = pol->mode == MPOL_WEIGHTED_INTERLEAVE ? il_weight(s, n) : 1;

			if (ub->il_nr == USER_BATCH_NODES || w > UINT8_MAX)
				return false;
			ub->il_node[ub->il_nr] = (int16_t)n;
			ub->il_weight[ub->il_nr++] = (uint8_t)w;
			ub->il_total += w;
		}
		ub->interleave = true;
		memset(ub->il_state, 0, sizeof(ub->il_state));
		memset(ub->il_hit, 0, sizeof(ub->il_hit));
		return true;
	}
	default:
		break;
	}
	return alloc_batch_init(s, &ub->req, &ub->one);
}

/* interleave_nid() from the nodes and weights user_batch_init() noted. */
static int batch_interleave_nid(const struct user_batch *ub, uint64_t ilx)
{
	if (ub->il_trunc)
		ilx = (uint32_t)ilx;
	if (!ub->il_total)
		return ub->local;
	uint64_t target = ilx % ub->il_total;

	if (ub->pol->mode != MPOL_WEIGHTED_INTERLEAVE)
		return ub->il_node[target];
	for (int i = 0; i < ub->il_nr; i++) {
		if (target < ub->il_weight[i])
			return ub->il_node[i];
		target -= ub->il_weight[i];
	}
	return ub->local;
}

pfn_t user_batch_alloc(struct sim *s, struct user_batch *ub, uint64_t ilx, struct zone **zone)
{
	struct alloc_batch *b = &ub->one;
	int il = -1;

	if (ub->interleave) {
		il = batch_interleave_nid(ub, ilx);
		if (il < 0 || il >= USER_BATCH_NODES)
			return NOPFN;
		b = &ub->il[il];
		if (!ub->il_state[il]) {
			struct alloc_req req = ub->req;

			req.preferred_nid = il;
			ub->il_state[il] = alloc_batch_init(s, &req, b) ? 1 : 2;
		}
		if (ub->il_state[il] != 1)
			return NOPFN;
	}
	pfn_t pfn = alloc_batch_page(s, b);

	if (pfn == NOPFN)
		return NOPFN;
	*zone = b->last;
	/* alloc_pages_mpol(): only MPOL_INTERLEAVE counts interleave_hit */
	if (il >= 0 && b->last->node == il && ub->pol->mode == MPOL_INTERLEAVE)
		ub->il_hit[il]++;
	return pfn;
}

uint64_t user_batch_alloc_run(struct sim *s, struct user_batch *ub, uint64_t ilx, pfn_t *pfns,
			      uint64_t n, struct zone **zone)
{
	if (!ub->interleave)
		return alloc_batch_pages(s, &ub->one, pfns, n, zone);
	/* the node moves with the index: one page at a time */
	if (!n || (pfns[0] = user_batch_alloc(s, ub, ilx, zone)) == NOPFN)
		return 0;
	return 1;
}

void user_batch_flush(struct sim *s, struct user_batch *ub)
{
	if (!ub->interleave) {
		alloc_batch_flush(s, &ub->one);
		return;
	}
	for (int n = 0; n < s->mem.nr_nodes; n++) {
		if (ub->il_state[n] != 1)
			continue;
		alloc_batch_flush(s, &ub->il[n]);
		if (ub->il_hit[n] && tun(&s->tun, TUN_NUMA_STAT))
			s->mem.nodes[n].numa_stat[NUMA_INTERLEAVE_HIT] += ub->il_hit[n];
		ub->il_hit[n] = 0;
	}
}

/* ---- set_mempolicy(2) ---------------------------------------------------------- */

/* Models do_set_mempolicy(). */
long do_set_mempolicy(struct sim *s, struct task *t, int mode, unsigned mode_flags,
		      const nodemask_t *nodes)
{
	struct mempolicy *new;
	long rc = mpol_create(s, t, mode, mode_flags, nodes, &new);

	if (rc)
		return rc;
	mpol_put(t->mempolicy);
	t->mempolicy = new;
	if (new && (new->mode == MPOL_INTERLEAVE || new->mode == MPOL_WEIGHTED_INTERLEAVE)) {
		t->il_prev = NODEMASK_BITS - 1; /* MAX_NUMNODES - 1: start at the first */
		t->il_weight = 0;
	}
	return 0;
}

/* ---- queue_pages_range() -------------------------------------------------------- */

/* Pages found for migration by a page table walk. */
struct queue_pages {
	struct sim *s;
	struct vm_area_struct *vma;
	const nodemask_t *nmask;
	unsigned flags;
	struct migrate_item *items;
	size_t n, cap;
	long nr_failed;
	bool stop; /* strictly_unmovable(): the first violation ends the walk */
	bool nomem;
};

/* Models queue_folio_required(): node in nmask, or not in it with INVERT. */
static bool queue_folio_required(const struct queue_pages *qp, pfn_t pfn)
{
	bool in = node_isset(qp->nmask, pfn_to_nid(&qp->s->mem, pfn));

	return in == !(qp->flags & MPOL_MF_INVERT);
}

static bool strictly_unmovable(unsigned flags)
{
	return (flags & MPOL_MF_VALID) == MPOL_MF_STRICT;
}

static int queue_add(struct queue_pages *qp, pfn_t pfn, uint64_t vpn)
{
	if (qp->n == qp->cap) {
		size_t cap = qp->cap ? qp->cap * 2 : 64;
		struct migrate_item *n = sim_realloc(qp->s, qp->items, cap * sizeof(*n));

		if (!n)
			return -1;
		qp->items = n;
		qp->cap = cap;
	}
	qp->items[qp->n++] = (struct migrate_item){
		.pfn = pfn,
		.ilx = linear_page_index(qp->vma, vpn << qp->s->topo->page_shift,
					 qp->s->topo->page_shift),
	};
	return 0;
}

/* Models migrate_folio_add(): shared pages are skipped without
 * MPOL_MF_MOVE_ALL (not a failure); false when isolation fails. */
static bool migrate_folio_add(struct queue_pages *qp, pfn_t pfn, uint64_t vpn)
{
	struct sim *s = qp->s;

	if (!(qp->flags & MPOL_MF_MOVE_ALL) && s->mem.f.mapcount[pfn] > 1)
		return true;
	if (migrate_isolate(s, pfn))
		return false;
	if (queue_add(qp, pfn, vpn)) {
		migrate_putback(s, pfn);
		qp->nomem = true;
	}
	return true;
}

/* Models queue_folios_pte_range() (and queue_folios_hugetlb()) for one pte. */
static void queue_one(void *ctx, uint64_t vpn, pte_t *e)
{
	struct queue_pages *qp = ctx;
	struct sim *s = qp->s;
	pte_t p = *e;

	if (qp->stop)
		return;
	if (p & PTE_MIGRATION) {
		/* A page under migration (the old frame is still its identity):
		 * busy if it is one we want, else not ours to care about. */
		if (queue_folio_required(qp, (pfn_t)pte_val(p)))
			qp->nr_failed++;
		return;
	}
	if (!pte_maps_frame(p))
		return; /* none, swap, the zero page */
	pfn_t pfn = (pfn_t)pte_val(p);

	if ((p & PTE_HUGE) && !page_test_head(&s->mem.f, pfn))
		return; /* a huge page counts once, at its head */
	if (!queue_folio_required(qp, pfn))
		return;
	if (!(qp->flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) || !migrate_folio_add(qp, pfn, vpn)) {
		qp->nr_failed++;
		if (strictly_unmovable(qp->flags))
			qp->stop = true;
	}
}

/*
 * Models queue_pages_range() with queue_pages_test_walk(): -EFAULT for a
 * hole in [start, end) unless MPOL_MF_DISCONTIG_OK, and always when no
 * VMA meets the range; else the count of pages that violate the policy
 * and could not be queued. Queued pages are isolated, in qp->items.
 */
static long queue_pages_range(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end,
			      struct queue_pages *qp)
{
	int i = vma_index_after(mm, start);
	uint64_t covered = start;
	bool first = true;

	for (; i < mm->nr_vmas && mm->vmas[i]->start < end; i++) {
		struct vm_area_struct *v = mm->vmas[i];

		if (!(qp->flags & MPOL_MF_DISCONTIG_OK) && v->start > covered)
			return -EFAULT; /* hole at the head or in the middle */
		first = false;
		covered = v->end;
		if (!(qp->flags & MPOL_MF_VALID) || qp->stop)
			continue;
		uint64_t lo = v->start > start ? v->start : start;
		uint64_t hi = v->end < end ? v->end : end;

		qp->vma = v;
		pgtable_walk(&mm->pt, lo >> s->topo->page_shift, hi >> s->topo->page_shift,
			     queue_one, qp);
	}
	if (first)
		return -EFAULT; /* the whole range is a hole */
	if (!(qp->flags & MPOL_MF_DISCONTIG_OK) && covered < end)
		return -EFAULT; /* hole at the tail */
	return qp->nr_failed;
}

static void queue_putback(struct sim *s, struct queue_pages *qp)
{
	for (size_t i = 0; i < qp->n; i++)
		migrate_putback(s, qp->items[i].pfn);
	qp->n = 0;
}

/* ---- mbind(2) ---------------------------------------------------------------------- */

/* Models mbind_range() / vma_replace_policy(): split at start and end,
 * give each VMA in between its copy of the policy, merge equal neighbours. */
static long mbind_range(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end,
			const struct mempolicy *new)
{
	if (split_vma_range(s, mm, start, end))
		return -ENOMEM;
	for (int i = vma_index_after(mm, start); i < mm->nr_vmas && mm->vmas[i]->start < end; i++) {
		struct vm_area_struct *v = mm->vmas[i];
		struct mempolicy *p = new ? mpol_dup(new) : NULL;

		if (new && !p) {
			s->host_oom = true;
			return -ENOMEM;
		}
		mpol_put(v->policy);
		v->policy = p;
	}
	mm_merge_vmas(s, mm);
	return 0;
}

/* Migrates queued pages to where the new policy (or, for MPOL_DEFAULT,
 * the task's) would allocate them (alloc_migration_target_by_mpol()). */
static long mbind_migrate(struct sim *s, struct task *t, struct mempolicy *new,
			  struct queue_pages *qp, uint64_t *cost_ns)
{
	struct mempolicy local_policy = {.mode = MPOL_LOCAL, .home_node = -1};
	struct migrate_target mt = {
		.t = t, .pol = new ? new : t->mempolicy, .local_nid = task_node(s, t)};

	if (!mt.pol)
		mt.pol = &local_policy; /* the kernel's default_policy */
	long rc = migrate_pages_list(s, qp->items, qp->n, &mt, cost_ns);

	qp->n = 0;
	return rc;
}

/* Models kernel_mbind() and do_mbind(). */
long do_mbind(struct sim *s, struct task *t, uint64_t start, uint64_t len, int mode,
	      unsigned mode_flags, const nodemask_t *nodes, unsigned flags, uint64_t *cost_ns)
{
	uint64_t psz = s->topo->page_size;
	nodemask_t none = {{0}};
	struct mempolicy *new;
	long rc = sanitize_mpol_flags(s, mode, mode_flags), nr_failed;

	if (rc)
		return rc;
	if (flags & ~MPOL_MF_VALID)
		return -EINVAL;
	if ((flags & MPOL_MF_MOVE_ALL) && t->uid != 0)
		return -EPERM; /* capable(CAP_SYS_NICE) */
	if (start & (psz - 1))
		return -EINVAL;
	if (mode == MPOL_DEFAULT)
		flags &= ~MPOL_MF_STRICT;
	len = (len + psz - 1) & ~(psz - 1);
	if (start + len < start)
		return -EINVAL;
	if (!len)
		return 0;
	if (!nodes)
		nodes = &none;
	rc = mpol_create(s, t, mode, mode_flags, nodes, &new);
	if (rc)
		return rc;
	struct queue_pages qp = {.s = s,
				 .nmask = nodes,
				 .flags =
					 flags | MPOL_MF_INVERT | (new ? 0 : MPOL_MF_DISCONTIG_OK)};

	/* The kernel queues a THP the range covers in part whole (and moves
	 * all of it), then splits its PMD at the new VMA boundary; the model
	 * splits it first and moves the pages in the range (docs/model.md, "Transparent huge pages"). */
	if (find_vma(t->mm, start) || find_vma(t->mm, start + len - 1))
		thp_split_edges(s, t->mm, start, start + len);
	nr_failed = queue_pages_range(s, t->mm, start, start + len, &qp);
	if (nr_failed < 0) {
		rc = nr_failed;
		nr_failed = 0;
		queue_putback(s, &qp);
	} else {
		rc = mbind_range(s, t->mm, start, start + len, new);
	}
	if (qp.nomem)
		nr_failed++;
	if (!rc && qp.n) {
		long mrc = mbind_migrate(s, t, new, &qp, cost_ns);

		if (mrc)
			nr_failed = nr_failed ? nr_failed : mrc;
	}
	queue_putback(s, &qp);
	free(qp.items);
	if (!rc && nr_failed && (flags & MPOL_MF_STRICT))
		rc = -EIO;
	mpol_put(new);
	return rc;
}

/* ---- migrate_pages(2) -------------------------------------------------------------- */

/* Models migrate_to_node(): every page of mm on node source, except
 * shared ones without MPOL_MF_MOVE_ALL, to node dest. */
static long migrate_to_node(struct sim *s, struct mm_struct *mm, int source, int dest, int flags,
			    int local, uint64_t *cost_ns)
{
	nodemask_t nmask = {{0}};
	struct migrate_target mt = {.local_nid = local};

	node_set(&nmask, source);
	struct queue_pages qp = {
		.s = s, .nmask = &nmask, .flags = (unsigned)flags | MPOL_MF_DISCONTIG_OK};
	long nr_failed = mm->nr_vmas ? queue_pages_range(s, mm, mm->vmas[0]->start,
							 mm->vmas[mm->nr_vmas - 1]->end, &qp)
				     : 0;
	long err = 0;

	for (size_t i = 0; i < qp.n; i++)
		qp.items[i].target = dest;
	if (qp.n)
		err = migrate_pages_list(s, qp.items, qp.n, &mt, cost_ns);
	free(qp.items);
	if (nr_failed < 0)
		return nr_failed;
	return err >= 0 ? err + nr_failed + (qp.nomem ? 1 : 0) : err;
}

long do_migrate_pages(struct sim *s, struct task *target, const nodemask_t *from,
		      const nodemask_t *to, int flags, int local_nid, uint64_t *cost_ns)
{
	unsigned wf = nodes_weight(from), wt = nodes_weight(to);
	nodemask_t tmp = *from;
	long busy = 0, err = 0;

	if (!target->mm)
		return 0;
	if (s->explain) {
		char a[64], b[64];

		sim_explain(s,
			    "    migrate_pages: pid %d's pages on nodes %s move to nodes %s, node "
			    "by node "
			    "keeping their relative place (do_migrate_pages())\n",
			    target->pid, bm_printlist(from->w, NODEMASK_BITS, a, sizeof(a)),
			    bm_printlist(to->w, NODEMASK_BITS, b, sizeof(b)));
	}
	while (!nodes_empty(&tmp)) {
		int src = -1, dest = 0, n;

		/* A (source, dest) pair whose dest is not itself still to be
		 * moved from; skip sources in to when the sets differ in size. */
		for_each_node_mask(n, &tmp)
		{
			if (wf != wt && node_isset(to, n))
				continue;
			int d = node_remap(n, from, to);

			if (d == n)
				continue;
			src = n;
			dest = d;
			if (!node_isset(&tmp, dest))
				break;
		}
		if (src < 0)
			break;
		node_clear(&tmp, src);
		err = migrate_to_node(s, target->mm, src, dest, flags, local_nid, cost_ns);
		if (err > 0)
			busy += err;
		if (err < 0)
			break;
	}
	return err < 0 ? err : busy;
}

/* Models kernel_migrate_pages(). */
long kernel_migrate_pages(struct sim *s, struct task *caller, struct task *target,
			  const nodemask_t *from, const nodemask_t *to, uint64_t *cost_ns)
{
	nodemask_t task_nodes, new;

	if (!target || target->state != TASK_RUNNING)
		return -ESRCH;
	if (!task_may_access(caller, target))
		return -EPERM;
	cpuset_task_mems(s, target, &task_nodes);
	if (!nodes_subset(to, &task_nodes) && caller->uid != 0)
		return -EPERM; /* target nodes outside its cpuset need CAP_SYS_NICE */
	cpuset_task_mems(s, caller, &task_nodes);
	nodes_and(&new, to, &task_nodes);
	if (nodes_empty(&new))
		return -EINVAL;
	if (!target->mm)
		return -EINVAL;
	return do_migrate_pages(s, target, from, &new,
				caller->uid == 0 ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE,
				task_node(s, caller), cost_ns);
}

/* ---- automatic NUMA balancing ----------------------------------------------------- */

/*
 * Models vma_policy_mof(): whether the policy in force wants migrate on
 * fault (MPOL_F_MOF). The default policy (preferred_node_policy[], here
 * no policy at all) has it; a policy set by the user has it only with
 * MPOL_F_NUMA_BALANCING (sanitize_mpol_flags(): bind and preferred_many).
 */
bool vma_policy_mof(struct task *t, const struct vm_area_struct *vma)
{
	struct mempolicy *pol = get_vma_policy(t, (struct vm_area_struct *)vma, 0);

	return !pol || pol->mode == MPOL_DEFAULT || (pol->flags & MPOL_F_NUMA_BALANCING);
}

struct prot_numa_ctx {
	struct sim *s;
	int target_node; /* -1: no single-threaded shortcut */
	bool cow;	 /* private mapping (is_cow_mapping()) */
	uint64_t updated;
};

/* The per-pte tests of change_pte_range() with MM_CP_PROT_NUMA
 * (prot_numa_skip()): already hinting, the zero page, shared
 * copy-on-write pages, dirty file pages (async migration cannot move
 * them) and pages already on the node a single-threaded process runs on
 * are left alone. */
static void prot_numa_one(void *ctx, uint64_t vpn, pte_t *e)
{
	struct prot_numa_ctx *c = ctx;
	struct frames *f = &c->s->mem.f;
	pfn_t pfn;

	if (!pte_maps_frame(*e) || (*e & PTE_NUMA))
		return;
	pfn = (pfn_t)pte_val(*e);
	if (*e & PTE_HUGE) {
		/* change_huge_pmd(): a THP's PMD is marked whole (its 512
		 * entries count as 512 updates); hugetlb is not scanned */
		pfn = thp_head_of(c->s, *e, vpn);
		if (pfn == NOPFN)
			return;
	}
	if (c->cow && f->mapcount[pfn] > 1)
		return;
	if (page_test_file(f, pfn) && !page_test_swapbacked(f, pfn) && page_test_dirty(f, pfn))
		return;
	int nid = pfn_to_nid(&c->s->mem, pfn);

	if (c->target_node >= 0 && nid == c->target_node)
		return;
	/* Tiering alone: top-tier pages are not scanned; slow-tier pages
	 * remember when they were (folio_xchg_access_time()). */
	if (!(tun(&c->s->tun, TUN_NUMA_BALANCING) & NUMA_BALANCING_NORMAL) &&
	    node_is_toptier(c->s->tiers, nid))
		return;
	if (folio_use_access_time(c->s, pfn))
		f->last_cpupid[pfn] = numa_access_time(c->s);
	*e |= PTE_NUMA;
	c->updated++;
}

/* Models change_prot_numa(): marks the present ptes of [start, end) in
 * vma for NUMA hinting faults; returns how many changed and counts them
 * in numa_pte_updates. */
uint64_t change_prot_numa(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t start,
			  uint64_t end)
{
	struct prot_numa_ctx c = {s, -1, !(vma->flags & VM_SHARED), 0};
	unsigned shift = s->topo->page_shift;

	if (!(vma->flags & VM_SHARED) && t->mm->users == 1)
		c.target_node = task_node(s, t);
	pgtable_walk(&t->mm->pt, start >> shift, end >> shift, prot_numa_one, &c);
	s->mem.events[NUMA_PTE_UPDATES] += c.updated;
	return c.updated;
}

/*
 * Models mpol_misplaced(): the node the page at pfn should move to after
 * a hinting fault of t, or -1. Without MPOL_F_MOF nothing moves. The
 * default policy (preferred on the local node, MPOL_F_MORON) and bind /
 * preferred_many with MPOL_F_NUMA_BALANCING whose nodes hold the local
 * node move the page towards the faulting CPU's node when
 * should_numa_migrate_memory() agrees. A local fault asks it too, as the
 * kernel's does (MPOL_LOCAL sets polnid, nothing returns early), so the
 * page's last_cpupid records every hinting fault, local ones included.
 */
int mpol_misplaced(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t addr,
		   pfn_t pfn)
{
	struct mempolicy *pol = get_vma_policy(t, vma, addr);
	int curnid = pfn_to_nid(&s->mem, pfn), thisnid = task_node(s, t);

	if (pol && pol->mode != MPOL_DEFAULT) {
		if (!(pol->flags & MPOL_F_NUMA_BALANCING))
			return -1; /* no MPOL_F_MOF */
		if (!node_isset(&pol->nodes, thisnid))
			return -1; /* MPOL_F_MORON: only among the policy's nodes */
	}
	if (!should_numa_migrate_memory(s, t, pfn, curnid, thisnid))
		return -1;
	return curnid != thisnid ? thisnid : -1;
}
