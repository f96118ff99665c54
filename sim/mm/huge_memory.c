/*
 * huge_memory.c - transparent huge pages (see huge_memory.h), modelled
 * on Linux 6.12's mm/huge_memory.c, mm/memory.c and mm/khugepaged.c.
 */
#include "mm/huge_memory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "mm/internal.h"
#include "mm/memory.h"
#include "mm/mempolicy.h"
#include "mm/page_alloc.h"
#include "mm/rmap.h"
#include "mm/vmscan.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/task.h"

#define HPAGE_SIZE(s) (1ULL << ((s)->topo->page_shift + HPAGE_PMD_ORDER))
#define MIGRATE_PCPTYPES 3

bool thp_supported(const struct sim *s)
{
	return s->topo->page_shift == 12 && PT_LEAF_BITS == HPAGE_PMD_ORDER;
}

bool thp_vma_allowable(const struct sim *s, const struct vm_area_struct *vma, uint64_t addr)
{
	int64_t en = tun(&s->tun, TUN_THP_ENABLED);
	uint64_t haddr = addr & ~(HPAGE_SIZE(s) - 1);

	if (!thp_supported(s) || en == THP_NEVER)
		return false;
	/* vma_is_anonymous(): no file, no shmem (shmem_enabled is never), no hugetlb */
	if (vma->flags & (VM_FILE | VM_SHMEM | VM_SHARED | VM_HUGETLB | VM_NOHUGEPAGE))
		return false;
	if (en == THP_MADVISE && !(vma->flags & VM_HUGEPAGE))
		return false;
	return haddr >= vma->start && haddr + HPAGE_SIZE(s) <= vma->end;
}

/*
 * Models vma_thp_gfp_mask(): whether the huge fault may reclaim and
 * compact directly (__GFP_DIRECT_RECLAIM), only wake kswapd/kcompactd
 * (__GFP_KSWAPD_RECLAIM) or neither, by the defrag setting and
 * VM_HUGEPAGE. The model has no direct compaction: direct reclaim frees
 * pages and the buddy allocator merges them, which is all a huge
 * allocation can get itself (kcompactd, woken through kswapd, is
 * background work: docs/model.md, "Transparent huge pages", §13).
 */
static gfp_t vma_thp_gfp_mask(const struct sim *s, const struct vm_area_struct *vma)
{
	bool madvised = vma->flags & VM_HUGEPAGE;
	gfp_t light = (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOWARN) & ~__GFP_RECLAIM;

	switch (tun(&s->tun, TUN_THP_DEFRAG)) {
	case THP_DEFRAG_ALWAYS:
		return light | __GFP_DIRECT_RECLAIM | (madvised ? 0 : __GFP_NORETRY);
	case THP_DEFRAG_DEFER:
		return light | __GFP_KSWAPD_RECLAIM;
	case THP_DEFRAG_DEFER_MADVISE:
		return light | (madvised ? __GFP_DIRECT_RECLAIM : __GFP_KSWAPD_RECLAIM);
	case THP_DEFRAG_MADVISE:
		return light | (madvised ? __GFP_DIRECT_RECLAIM : 0);
	default:
		return light;
	}
}

pfn_t thp_head_of(const struct sim *s, pte_t p, uint64_t vpn)
{
	if (!pte_maps_frame(p) || !(p & PTE_HUGE))
		return NOPFN;
	pfn_t head = (pfn_t)pte_val(p) - (pfn_t)(vpn & (HPAGE_PMD_NR - 1));

	return page_is_thp(&s->mem.f, head) ? head : NOPFN;
}

/* Sets the 512 entries of the PMD at haddr: entry i maps pfn + i (or
 * the zero page when pfn is NOPFN). */
static int set_pmd(struct sim *s, struct mm_struct *mm, uint64_t haddr, pfn_t pfn, unsigned flags)
{
	uint64_t vpn = haddr >> s->topo->page_shift;

	for (uint64_t i = 0; i < HPAGE_PMD_NR; i++) {
		pte_t e = pfn == NOPFN ? mk_pte(0, flags | PTE_ZERO) : mk_pte(pfn + i, flags);

		if (pgtable_set(&mm->pt, vpn + i, e | PTE_HUGE))
			return -ENOMEM;
	}
	return 0;
}

/* pmd_none(): nothing at all in the 2 MiB at haddr. */
static bool pmd_none(struct sim *s, struct mm_struct *mm, uint64_t haddr)
{
	return !pgtable_leaf_used(&mm->pt, haddr >> (s->topo->page_shift + PT_LEAF_BITS));
}

/* The interleave index of the huge page at haddr (get_vma_policy(): the
 * VMA's pgoff and offset, each in huge pages). */
static uint64_t huge_ilx(const struct sim *s, const struct vm_area_struct *vma, uint64_t haddr)
{
	return (vma->pgoff >> HPAGE_PMD_ORDER) +
	       ((haddr - vma->start) >> (s->topo->page_shift + HPAGE_PMD_ORDER));
}

static void explain_fault(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t haddr,
			  pfn_t pfn)
{
	char pol[128];

	mpol_to_str(get_vma_policy(t, vma, haddr), pol, sizeof(pol));
	if (pfn == NOPFN) {
		sim_explain(s,
			    "    fault: no order-9 page under defrag=%s (policy %s): "
			    "thp_fault_fallback, base pages\n",
			    tunable_word(TUN_THP_DEFRAG, tun(&s->tun, TUN_THP_DEFRAG)), pol);
		return;
	}
	int nid = pfn_to_nid(&s->mem, pfn);

	sim_explain(s,
		    "    fault: transparent huge page (2 MiB) on node %d (policy %s), the task "
		    "runs on node %d%s\n",
		    nid, pol, task_node(s, t), nid == task_node(s, t) ? " (local)" : "");
}

/* Models get_huge_zero_page(): the first read fault that maps the huge
 * zero page allocates it, an order-9 kernel page under the task's policy
 * ((GFP_TRANSHUGE | __GFP_ZERO) & ~__GFP_MOVABLE: pgalloc 512, one
 * numastat event, thp_zero_page_alloc); later ones share it. The kernel's
 * shrinker frees it only when no address space maps it and memory is
 * short; the model keeps it. False when it cannot be had. */
static bool get_huge_zero_page(struct sim *s, struct task *t, uint64_t *stall)
{
	if (s->mem.huge_zero_pfn != NOPFN)
		return true;
	pfn_t pfn = alloc_pages_mpol(s, t, get_vma_policy(t, NULL, 0), false, 0,
				     (GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM | __GFP_ZERO) &
					     ~__GFP_MOVABLE,
				     HPAGE_PMD_ORDER, stall);

	if (pfn == NOPFN) {
		s->mem.events[THP_ZERO_PAGE_ALLOC_FAILED]++;
		return false;
	}
	page_set_kernel(&s->mem.f, pfn);
	node_stat_add(&s->mem, pfn, NR_KERNEL_MISC, HPAGE_PMD_NR);
	s->mem.huge_zero_pfn = pfn;
	s->mem.events[THP_ZERO_PAGE_ALLOC]++;
	return true;
}

int do_huge_pmd_anonymous_page(struct sim *s, struct task *t, struct vm_area_struct *vma,
			       uint64_t addr, bool write, struct fault_result *res)
{
	uint64_t haddr = addr & ~(HPAGE_SIZE(s) - 1);
	uint64_t vpn = addr >> s->topo->page_shift;
	uint64_t stall = 0;

	if (!pmd_none(s, t->mm, haddr))
		return 1;
	if (!anon_vma_prepare(s, vma))
		return -ENOMEM;
	int64_t rel = (int64_t)(linear_page_index(vma, haddr, s->topo->page_shift) -
				anon_vma_get(s, vma->anon_vma)->base_vpn);

	if (rel < INT32_MIN || rel > INT32_MAX - (int64_t)HPAGE_PMD_NR)
		return 1; /* the compact index cannot record it: base pages */
	if (!write) {
		/* set_huge_zero_page(): a read maps the huge zero page;
		 * without one the fault falls back to base pages */
		bool got = get_huge_zero_page(s, t, &stall);

		res->cost_ns += stall;
		if (!got) {
			s->mem.events[THP_FAULT_FALLBACK]++;
			return 1;
		}
		if (set_pmd(s, t->mm, haddr, NOPFN, PTE_PRESENT | PTE_YOUNG))
			return -ENOMEM;
		res->pte = pgtable_get(&t->mm->pt, vpn);
		return 0;
	}
	pfn_t pfn = alloc_thp_mpol(s, t, get_vma_policy(t, vma, haddr), huge_ilx(s, vma, haddr),
				   vma_thp_gfp_mask(s, vma), HPAGE_PMD_ORDER, &stall);

	res->cost_ns += stall;
	if (s->explain)
		explain_fault(s, t, vma, haddr, pfn);
	if (pfn == NOPFN) {
		s->mem.events[THP_FAULT_FALLBACK]++;
		return 1;
	}
	page_init_thp(&s->mem.f, pfn);
	page_add_new_anon_rmap(s, pfn, HPAGE_PMD_ORDER, vma, haddr);
	/* clear_huge_page() on the task's CPU writes 2 MiB to the page's node */
	res->cost_ns += (uint64_t)tun(&s->tun, TUN_SIM_COST_ZERO_HUGE_PAGE_NS);
	sim_traffic(s, task_node(s, t), pfn_to_nid(&s->mem, pfn),
		    sim_pages_to_bytes(s, HPAGE_PMD_NR));
	if (set_pmd(s, t->mm, haddr, pfn, PTE_PRESENT | PTE_WRITE | PTE_YOUNG | PTE_DIRTY))
		return -ENOMEM;
	t->mm->rss += HPAGE_PMD_NR; /* MM_ANONPAGES counts its base pages */
	s->mem.events[THP_FAULT_ALLOC]++;
	res->pte = pgtable_get(&t->mm->pt, vpn);
	return 0;
}

/* The PMD split of the huge zero page (__split_huge_zero_page_pmd()):
 * 512 zero ptes. */
static void split_zero_pmd(struct sim *s, struct mm_struct *mm, uint64_t vpn)
{
	uint64_t base = vpn & ~(uint64_t)(HPAGE_PMD_NR - 1);

	for (uint64_t i = 0; i < HPAGE_PMD_NR; i++) {
		pte_t p = pgtable_get(&mm->pt, base + i);

		if (p & PTE_HUGE)
			pgtable_set(&mm->pt, base + i, p & ~(pte_t)PTE_HUGE);
	}
	s->mem.events[THP_SPLIT_PMD]++;
}

int do_huge_pmd_wp_page(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t addr,
			pte_t old, struct fault_result *res)
{
	uint64_t vpn = addr >> s->topo->page_shift;
	pfn_t head = thp_head_of(s, old, vpn);

	(void)vma;
	if (old & PTE_ZERO) {
		split_zero_pmd(s, t->mm, vpn);
		return 1;
	}
	if (head == NOPFN)
		return 1;
	if (s->mem.f.mapcount[head] == 1 && !page_test_swapcache(&s->mem.f, head)) {
		/* reuse: the only mapper gets the whole PMD writable */
		uint64_t base = vpn & ~(uint64_t)(HPAGE_PMD_NR - 1);

		for (uint64_t i = 0; i < HPAGE_PMD_NR; i++) {
			pte_t p = pgtable_get(&t->mm->pt, base + i);

			pgtable_set(&t->mm->pt, base + i, p | PTE_WRITE | PTE_DIRTY | PTE_YOUNG);
		}
		res->pte = pgtable_get(&t->mm->pt, vpn);
		return 0;
	}
	split_huge_page(s, head, false);
	return 1;
}

/* ---- splitting --------------------------------------------------------- */

struct split_ctx {
	pfn_t head;
	uint64_t mms;
};

/* __split_huge_pmd_locked() for one address space: the 512 entries
 * become ordinary ptes, each mapping (and counted for) its own frame. */
static bool split_pmd_one(struct sim *s, void *ctx, struct mm_struct *mm, uint64_t vpn)
{
	struct split_ctx *c = ctx;

	for (uint64_t i = 0; i < HPAGE_PMD_NR; i++) {
		pte_t p = pgtable_get(&mm->pt, vpn + i);

		if (p & PTE_HUGE)
			pgtable_set(&mm->pt, vpn + i, p & ~(pte_t)PTE_HUGE);
	}
	c->mms++;
	s->mem.events[THP_SPLIT_PMD]++;
	return true;
}

void split_huge_page(struct sim *s, pfn_t head, bool to_tail)
{
	struct frames *f = &s->mem.f;
	struct split_ctx c = {head, 0};
	uint32_t fl = f->flags[head];
	bool on_lru = fl & PG_lru;

	rmap_walk(s, head, split_pmd_one, &c);
	if (on_lru)
		lru_del(s, head);
	/* __split_huge_page_tail(): the tails take the head's state */
	uint32_t keep = fl & (PG_anon | PG_swapbacked | PG_dirty | PG_mlocked | PG_active |
			      PG_referenced | PG_workingset);
	struct anon_vma *av = anon_vma_get(s, f->mapping[head]);

	f->flags[head] = fl & ~(PG_head | PG_transhuge | PG_ORDER_MASK | PG_lru);
	for (pfn_t i = 1; i < HPAGE_PMD_NR; i++) {
		pfn_t p = head + i;

		f->flags[p] = keep;
		f->mapping[p] = f->mapping[head];
		f->index[p] = f->index[head] + i;
		f->mapcount[p] = f->mapcount[head];
		f->last_cpupid[p] = f->last_cpupid[head];
		if (av)
			av->pages++;
		if (to_tail)
			lru_add_tail(s, p);
		else
			lru_add(s, p);
	}
	if (on_lru)
		lru_add(s, head); /* the head kept its PG_active above */
	node_stat_add(&s->mem, head, NR_ANON_THPS, -1);
	s->mem.events[THP_SPLIT_PAGE]++;
}

void thp_split_at(struct sim *s, struct mm_struct *mm, uint64_t addr)
{
	uint64_t vpn = addr >> s->topo->page_shift;
	pte_t p = pgtable_get(&mm->pt, vpn);

	if (!(p & PTE_HUGE) || !pte_present(p))
		return;
	if (p & PTE_ZERO) {
		split_zero_pmd(s, mm, vpn);
		return;
	}
	pfn_t head = thp_head_of(s, p, vpn);

	if (head != NOPFN)
		split_huge_page(s, head, false);
}

void thp_split_edges(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	uint64_t mask = HPAGE_SIZE(s) - 1;

	if (!thp_supported(s))
		return;
	if (start & mask)
		thp_split_at(s, mm, start);
	/* (a PMD holding both ends was split at start already) */
	if ((end & mask) && !((start & mask) && (end & ~mask) == (start & ~mask)))
		thp_split_at(s, mm, end);
}

/* ---- min_free_kbytes -------------------------------------------------- */

uint64_t thp_recommended_min_free_kbytes(const struct sim *s)
{
	uint64_t nr_zones = 0, pageblock = HPAGE_PMD_NR;

	for (int n = 0; n < s->mem.nr_nodes; n++)
		for (int t = 0; t <= ZONE_NORMAL; t++) /* zone_idx <= gfp_zone(GFP_USER) */
			if (zone_populated(&s->mem.nodes[n].zones[t]))
				nr_zones++;
	/* two free pageblocks per zone, and MIGRATE_PCPTYPES^2 for fallbacks */
	uint64_t rec = pageblock * nr_zones * 2 +
		       pageblock * nr_zones * MIGRATE_PCPTYPES * MIGRATE_PCPTYPES;
	uint64_t cap = nr_free_buffer_pages(s) / 20; /* at most 5% of lowmem */

	if (rec > cap)
		rec = cap;
	return rec << (s->topo->page_shift - 10);
}

void thp_start_stop(struct sim *s)
{
	if (!thp_supported(s))
		return;
	if (tun(&s->tun, TUN_THP_ENABLED) != THP_NEVER) {
		uint64_t rec = thp_recommended_min_free_kbytes(s);

		if (rec > s->min_free_kbytes)
			s->min_free_kbytes = rec;
	} else {
		uint64_t v = calculate_min_free_kbytes(s);
		bool user = s->tun.set[TUN_MIN_FREE_KBYTES];

		/* a value the user set stays unless the new one is larger */
		if (!user || (int64_t)v > tun(&s->tun, TUN_MIN_FREE_KBYTES))
			s->min_free_kbytes = v;
	}
	setup_per_zone_wmarks(s);
}

void thp_boot(struct sim *s)
{
	if (s->mem.totalram_pages < (512ULL << (20 - s->topo->page_shift))) {
		if (!s->tun.set[TUN_THP_ENABLED])
			s->tun.v[TUN_THP_ENABLED] = THP_NEVER;
		if (!s->tun.set[TUN_THP_DEFRAG])
			s->tun.v[TUN_THP_DEFRAG] = THP_DEFRAG_NEVER;
		return;
	}
	if (tun(&s->tun, TUN_THP_ENABLED) != THP_NEVER)
		thp_start_stop(s);
}

/* ---- --check ------------------------------------------------------------ */

int thp_check_head(const struct sim *s, pfn_t head, struct nerr *err)
{
	const struct frames *f = &s->mem.f;

	if ((head & (HPAGE_PMD_NR - 1)) || frame_order(f, head) != HPAGE_PMD_ORDER ||
	    !page_test_head(f, head) || !page_test_anon(f, head) || head + HPAGE_PMD_NR > f->nr)
		return nerr_set(err,
				"--check: THP head pfn %u is not an aligned anonymous order-9 head",
				head);
	for (pfn_t i = 1; i < HPAGE_PMD_NR; i++)
		if (f->flags[head + i] || f->mapcount[head + i] || f->mapping[head + i])
			return nerr_set(err,
					"--check: THP pfn %u: tail pfn %u has flags %#x, mapcount "
					"%u, mapping %u",
					head, head + i, f->flags[head + i], f->mapcount[head + i],
					f->mapping[head + i]);
	return 0;
}
