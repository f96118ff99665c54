/*
 * access.c - touching and accessing memory (see access.h).
 */
#include "task/access.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/memory.h"
#include "mm/mmzone.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/numa_balancing.h"
#include "task/task.h"

uint64_t account_access(struct sim *s, struct task *t, int mem_nid, uint64_t n)
{
	int cpu_nid = task_node(s, t);
	/* latency_ns <= 10^9 and distance <= 255: one access is < 2^45 ps,
	 * so n of them fit in 128 bits; the cost returned saturates */
	u128 sum = (u128)((uint64_t)s->topo->local_latency_ns * 100 *
			  (uint64_t)topo_distance(s->topo, cpu_nid, mem_nid)) *
		   n;
	uint64_t ps = sum > UINT64_MAX ? UINT64_MAX : (uint64_t)sum;

	/* counters saturate at 2^64-1 (count= may be 2^64-1) */
	uint64_t *m = &s->acc.matrix[cpu_nid * s->topo->nr_nodes + mem_nid];

	if (cpu_nid == mem_nid) {
		s->acc.local = u64_sat_add(s->acc.local, n);
		t->acc_local = u64_sat_add(t->acc_local, n);
	} else {
		s->acc.remote = u64_sat_add(s->acc.remote, n);
		t->acc_remote = u64_sat_add(t->acc_remote, n);
	}
	*m = u64_sat_add(*m, n);
	s->acc.latency_ps += sum;
	t->acc_latency_ps += sum;
	/* Each access fills one cache line from the memory's node (a write
	 * allocates the line too); write-backs are not counted. */
	if (s->ic)
		sim_traffic(s, mem_nid, cpu_nid,
			    n > UINT64_MAX / s->ic->cacheline ? UINT64_MAX : n * s->ic->cacheline);
	return ps;
}

/* The node of the memory an entry maps (the zero page's node for it). */
static int pte_nid(struct sim *s, pte_t p)
{
	if (p & PTE_ZERO)
		return zero_page_nid(s);
	return pfn_to_nid(&s->mem, (pfn_t)pte_val(p));
}

/*
 * One page access at addr: faults first when the entry is missing or
 * does not allow a write. Returns 0 with *nid the memory node, 1 when
 * blocked on a migration entry, or -errno.
 */
static int page_access(struct sim *s, struct task *t, uint64_t addr, bool write, uint64_t *cost_ns,
		       uint64_t *wait_until, int *nid)
{
	uint64_t vpn = addr >> s->topo->page_shift;
	pte_t p = pgtable_get(&t->mm->pt, vpn);

	/* PTE_NUMA entries are present but inaccessible: the NUMA hinting
	 * fault path decides whether the page moves. */
	if (!pte_present(p) || (p & PTE_NUMA) || (write && !(p & PTE_WRITE))) {
		struct fault_result res;
		int rc = handle_mm_fault(s, t, addr, write, &res);

		*cost_ns += res.cost_ns;
		if (rc)
			return rc;
		if (res.wait_until) {
			*wait_until = res.wait_until;
			return 1;
		}
		p = res.pte;
	} else if (!(p & PTE_YOUNG) || (write && !(p & PTE_DIRTY))) {
		/* the MMU sets the accessed bit, and the dirty bit on a write
		 * (what MADV_FREE's reclaim looks at) */
		pgtable_set(&t->mm->pt, vpn, p | PTE_YOUNG | (write ? PTE_DIRTY : 0));
		/* a huge PMD has one accessed bit: the head entry carries it */
		if ((p & PTE_HUGE) && (vpn & (PT_LEAF_SIZE - 1))) {
			uint64_t hv = vpn & ~(uint64_t)(PT_LEAF_SIZE - 1);

			pgtable_set(&t->mm->pt, hv, pgtable_get(&t->mm->pt, hv) | PTE_YOUNG);
		}
	}
	*nid = pte_nid(s, p);
	return 0;
}

static uint64_t ps_to_ns(uint64_t ps)
{
	return ps / 1000;
}

/* Per-node access counts of task_touch() and random_accesses(), zeroed:
 * on the stack for up to 64 nodes, else allocated (NULL when that
 * fails). node_counts_free() releases them. */
struct node_counts {
	uint64_t small[64];
	uint64_t *cnt;
};

static uint64_t *node_counts_init(struct sim *s, struct node_counts *nc)
{
	int nn = s->topo->nr_nodes;

	if (nn <= 64) {
		memset(nc->small, 0, (size_t)nn * sizeof(nc->small[0]));
		nc->cnt = nc->small;
	} else {
		nc->cnt = sim_calloc(s, (size_t)nn, sizeof(*nc->cnt));
	}
	return nc->cnt;
}

static void node_counts_free(struct node_counts *nc)
{
	if (nc->cnt != nc->small)
		free(nc->cnt);
}

/* Books per-node access counts, counted by task_touch() and
 * random_accesses(), and zeroes them. */
static uint64_t flush_node_counts(struct sim *s, struct task *t, uint64_t *cnt, int nn)
{
	uint64_t ps = 0;

	for (int n = 0; n < nn; n++)
		if (cnt[n]) {
			ps = u64_sat_add(ps, account_access(s, t, n, cnt[n]));
			cnt[n] = 0;
		}
	return ps;
}

/* Pages task_touch() takes one by one after a fault run found nothing
 * to do (fault_anon_run() returned 0) before it tries a run again. */
#define RUN_RETRY_PAGES 32

/*
 * One access a page. The accesses are counted per memory node and
 * accounted when the task's CPU changes or the touch stops (as
 * random_accesses() does: the sums commute, nothing on the fault path
 * reads them, and saturating sums of non-negative terms are the same in
 * any grouping).
 */
int task_touch(struct sim *s, struct task *t, struct access_op *op, uint64_t *cost_ns,
	       uint64_t *wait_until)
{
	uint64_t psz = s->topo->page_size;
	uint64_t stride = op->stride ? op->stride : psz;
	uint64_t first = op->addr & ~(psz - 1);
	/* the parser keeps addr+len below 2^64; rounding up must not wrap
	 * (len near 2^64 was a silent no-op) */
	uint64_t span = op->len + (op->addr - first);
	uint64_t n = span / stride + (span % stride != 0);
	int nn = s->topo->nr_nodes;
	struct node_counts nc;
	uint64_t *cnt = node_counts_init(s, &nc);
	uint64_t ps = 0, retry = 0;
	int cpu = t->cpu, rc = ACCESS_DONE;

	task_tick_numa(s, t);
	if (!cnt)
		return -ENOMEM;
	for (; op->done < n; op->done++) {
		uint64_t addr = first + op->done * stride;
		int nid;

		if (addr >= op->addr + op->len)
			break;
		/* untouched pages one after another: their faults in one run,
		 * then this loop goes on with the page the run stopped at (a
		 * run that could not start is not tried again for a while:
		 * the zone is at its watermark, the VMA is a file's, ...) */
		if (stride == psz && op->done >= retry &&
		    !pgtable_get(&t->mm->pt, addr >> s->topo->page_shift)) {
			uint64_t k = fault_anon_run(s, t, addr, n - op->done, op->write, cost_ns,
						    cnt, &rc);

			if (!k)
				retry = op->done + RUN_RETRY_PAGES;
			op->done += k;
			if (rc)
				break;
			if (op->done == n)
				break;
			addr = first + op->done * stride;
		}
		rc = page_access(s, t, addr & ~(psz - 1), op->write, cost_ns, wait_until, &nid);
		if (t->cpu != cpu) {
			int now = t->cpu;

			t->cpu = cpu; /* the earlier accesses were made on the old CPU */
			ps = u64_sat_add(ps, flush_node_counts(s, t, cnt, nn));
			t->cpu = cpu = now;
		}
		if (rc)
			break;
		cnt[nid]++;
	}
	ps = u64_sat_add(ps, flush_node_counts(s, t, cnt, nn));
	node_counts_free(&nc);
	*cost_ns = u64_sat_add(*cost_ns, ps_to_ns(ps));
	return rc;
}

/*
 * Random accesses. The common case - a resident page that allows the
 * access - is handled inline and only counted per memory node; the
 * counts are accounted once at the end (addition commutes, so this is
 * the same as accounting each access). Anything else takes the fault
 * path of page_access().
 */
/* pfn_to_nid() from the node boundaries (nodes own contiguous pfn
 * ranges, in id order): on small machines a few compares in cache beat
 * even the small section table of pfn_zone_id(). */
static inline int nid_of(const struct mem *m, pfn_t pfn)
{
	if (m->nr_nodes > 8)
		return pfn_to_nid(m, pfn);
	for (int n = 0; n < m->nr_nodes; n++) {
		const struct pglist_data *pg = &m->nodes[n];

		if (pfn - pg->start_pfn < pg->spanned_pages)
			return n;
	}
	return pfn_to_nid(m, pfn);
}

#define RANDOM_BATCH 32

static int random_accesses(struct sim *s, struct task *t, struct access_op *op, uint64_t first,
			   uint64_t npages, uint64_t *cost_ns, uint64_t *wait_until, uint64_t *ps)
{
	int nn = s->topo->nr_nodes;
	struct node_counts nc;
	uint64_t *cnt = node_counts_init(s, &nc);
	uint64_t base = first >> s->topo->page_shift;
	pte_t need = PTE_PRESENT | PTE_YOUNG | (op->write ? PTE_WRITE | PTE_DIRTY : 0);
	struct pgtable *pt = &t->mm->pt;
	int rc = ACCESS_DONE;

	if (!cnt)
		return -ENOMEM;
	/* In batches: the pages of a batch are drawn first and their
	 * entries prefetched, so that their host cache misses overlap; then
	 * each access is made in order, as one by one. */
	while (op->done < op->count) {
		uint64_t page[RANDOM_BATCH], n = op->count - op->done;
		const pte_t *slot[RANDOM_BATCH];
		struct rng start = op->rng;
		bool slots = true; /* no entry set since the slots were taken */

		if (n > RANDOM_BATCH)
			n = RANDOM_BATCH;
		for (uint64_t i = 0; i < n; i++) {
			page[i] = rng_below(&op->rng, npages);
			slot[i] = pgtable_prefetch_slot(pt, base + page[i]);
		}
		for (uint64_t i = 0; i < n; i++, op->done++) {
			pte_t p =
				slots ? (slot[i] ? *slot[i] : 0) : pgtable_get(pt, base + page[i]);
			int nid;

			if ((p & (need | PTE_ZERO | PTE_NUMA)) == need) {
				cnt[nid_of(&s->mem, (pfn_t)pte_val(p))]++;
				continue;
			}
			/* the fault path may make leaves and set entries: the
			 * batch's other pages are looked up afresh */
			slots = false;
			rc = page_access(s, t, first + page[i] * s->topo->page_size, op->write,
					 cost_ns, wait_until, &nid);
			if (rc) {
				/* stopped at access i: the stream stands just past its draw */
				op->rng = start;
				for (uint64_t j = 0; j <= i; j++)
					rng_below(&op->rng, npages);
				goto out;
			}
			cnt[nid]++;
		}
	}
out:
	*ps = u64_sat_add(*ps, flush_node_counts(s, t, cnt, nn));
	node_counts_free(&nc);
	return rc;
}

int task_access(struct sim *s, struct task *t, struct access_op *op, uint64_t *cost_ns,
		uint64_t *wait_until)
{
	uint64_t psz = s->topo->page_size;
	uint64_t first = op->addr & ~(psz - 1);
	uint64_t span = op->addr + op->len - first; /* no wrap: see task_touch() */
	uint64_t npages = span / psz + (span % psz != 0);
	uint64_t ps = 0;
	int rc = ACCESS_DONE;

	task_tick_numa(s, t);
	if (!npages)
		return ACCESS_DONE;
	if (op->random) {
		rc = random_accesses(s, t, op, first, npages, cost_ns, wait_until, &ps);
	} else {
		/* Sequential: access i goes to page i mod npages, so page p
		 * gets count/npages accesses plus one if p < count%npages.
		 * Each page is visited once with its share (same result as
		 * one by one, since nothing changes between them). */
		uint64_t base = op->count / npages, extra = op->count % npages;
		uint64_t pages = op->count < npages ? op->count : npages;

		for (; op->done < pages; op->done++) {
			uint64_t k = base + (op->done < extra ? 1 : 0);
			int nid;

			rc = page_access(s, t, first + op->done * psz, op->write, cost_ns,
					 wait_until, &nid);
			if (rc)
				break;
			ps = u64_sat_add(ps, account_access(s, t, nid, k));
		}
	}
	*cost_ns = u64_sat_add(*cost_ns, ps_to_ns(ps));
	return rc;
}
