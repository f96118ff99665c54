/*
 * madvise.c - madvise(2) (see madvise.h), modelled on Linux 6.12's
 * mm/madvise.c.
 */
#include "mm/madvise.h"

#include <errno.h>
#include <stdlib.h>

#include "mm/filemap.h"
#include "mm/huge_memory.h"
#include "mm/internal.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/task.h"
#include "core/uapi.h"

/* Models madvise_behavior_valid() for the advices the model knows. */
static bool madvise_behavior_valid(int advice)
{
	switch (advice) {
	case MADV_WILLNEED:
	case MADV_DONTNEED:
	case MADV_FREE:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_COLD:
	case MADV_PAGEOUT:
		return true;
	default:
		return false;
	}
}

/*
 * MADV_HUGEPAGE / MADV_NOHUGEPAGE: hugepage_madvise() computes the new
 * flags; madvise_update_vma() splits the VMA to [start, end) only when
 * they change, then merges what became alike (vma_modify_flags()).
 * Huge pages already there stay as they are.
 */
static long madvise_hugepage(struct sim *s, struct mm_struct *mm, struct vm_area_struct *v,
			     uint64_t start, uint64_t end, int advice)
{
	uint32_t nf = v->flags;

	if (advice == MADV_HUGEPAGE)
		nf = (nf & ~(uint32_t)VM_NOHUGEPAGE) | VM_HUGEPAGE;
	else
		nf = (nf & ~(uint32_t)VM_HUGEPAGE) | VM_NOHUGEPAGE;
	if (nf == v->flags)
		return 0;
	if (split_vma_range(s, mm, start, end))
		return -ENOMEM;
	v = find_vma(mm, start);
	v->flags = nf;
	mm_merge_vmas(s, mm);
	return 0;
}

/* madvise_dontneed_free_valid_vma(): not mlocked; a hugetlb range must
 * start on a huge page and is cut down to whole huge pages. */
static bool dontneed_valid(const struct sim *s, const struct vm_area_struct *v, uint64_t start,
			   uint64_t *end, int advice)
{
	uint64_t hmask = (1ULL << (s->topo->page_shift + HPAGE_PMD_ORDER)) - 1;

	if (v->flags & VM_LOCKED)
		return false;
	if (!(v->flags & VM_HUGETLB))
		return true;
	if (advice != MADV_DONTNEED || (start & hmask))
		return false;
	*end &= ~hmask;
	return true;
}

struct free_walk {
	struct sim *s;
	struct mm_struct *mm;
};

/*
 * Models madvise_free_pte_range() (and madvise_free_huge_pmd() for whole
 * huge PMDs) for one entry: swap entries are freed; an anonymous page
 * this address space alone maps loses its swap cache copy, its pte's
 * dirty and accessed bits, and becomes lazily freeable.
 */
static void free_one(void *ctx, uint64_t vpn, pte_t *e)
{
	struct free_walk *w = ctx;
	struct frames *f = &w->s->mem.f;
	pte_t p = *e;

	if (p & PTE_SWAP) {
		free_swap_and_cache(w->s, pte_val(p));
		*e = 0;
		return;
	}
	if (!pte_maps_frame(p) || (p & PTE_NUMA))
		return;
	pfn_t pfn = (pfn_t)pte_val(p);

	if (p & PTE_HUGE) {
		pfn_t head = thp_head_of(w->s, p, vpn);

		*e = p & ~(pte_t)(PTE_DIRTY | PTE_YOUNG);
		if (head != pfn)
			return; /* the head entry decides for the PMD */
	}
	if (!page_test_anon(f, pfn) || f->mapcount[pfn] != 1)
		return;
	if (page_test_swapcache(f, pfn) && !try_free_swap(w->s, pfn))
		return;
	*e = p & ~(pte_t)(PTE_DIRTY | PTE_YOUNG);
	mark_page_lazyfree(w->s, pfn);
}

struct lru_walk {
	struct sim *s;
	bool pageout;
	pfn_t *pfns;
	size_t n, cap;
	bool oom;
};

/*
 * Models madvise_cold_or_pageout_pte_range() for one entry: a page (a
 * whole THP at its head entry) that no other address space maps loses
 * its accessed bits; COLD deactivates it, PAGEOUT gathers it for
 * reclaim_pages().
 */
static void cold_one(void *ctx, uint64_t vpn, pte_t *e)
{
	struct lru_walk *w = ctx;
	struct frames *f = &w->s->mem.f;
	pte_t p = *e;

	if (!pte_maps_frame(p) || (p & PTE_NUMA))
		return;
	pfn_t pfn = (pfn_t)pte_val(p);

	*e = p & ~(pte_t)PTE_YOUNG;
	if ((p & PTE_HUGE) && thp_head_of(w->s, p, vpn) != pfn)
		return;
	if (f->mapcount[pfn] != 1 || !page_test_lru(f, pfn))
		return;
	page_clear_referenced(f, pfn);
	if (!w->pageout) {
		deactivate_page(w->s, pfn);
		return;
	}
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		pfn_t *np = realloc(w->pfns, cap * sizeof(*np));

		if (!np) {
			w->oom = true;
			return;
		}
		w->pfns = np;
		w->cap = cap;
	}
	w->pfns[w->n++] = pfn;
}

static long madvise_cold_pageout(struct sim *s, struct mm_struct *mm, struct vm_area_struct *v,
				 uint64_t start, uint64_t end, bool pageout, uint64_t *cost_ns)
{
	struct lru_walk w = {s, pageout, NULL, 0, 0, false};

	/* can_madv_lru_vma() */
	if (v->flags & (VM_LOCKED | VM_HUGETLB))
		return -EINVAL;
	thp_split_edges(s, mm, start, end);
	pgtable_walk(&mm->pt, start >> s->topo->page_shift, end >> s->topo->page_shift, cold_one,
		     &w);
	if (pageout && w.n)
		reclaim_pages(s, w.pfns, w.n, cost_ns);
	free(w.pfns);
	return w.oom ? -ENOMEM : 0;
}

/* Models madvise_willneed(): a file mapping's pages are read into the
 * page cache (vfs_fadvise(POSIX_FADV_WILLNEED)); for anonymous and shmem
 * memory the swap readahead is not modelled. */
static long madvise_willneed(struct sim *s, struct task *t, struct vm_area_struct *v,
			     uint64_t start, uint64_t end, uint64_t *cost_ns)
{
	struct file_obj *f =
		(v->flags & VM_FILE) && !(v->flags & VM_SHMEM) ? vfs_file(s, v->file) : NULL;
	unsigned shift = s->topo->page_shift;

	if (!f)
		return 0;
	uint64_t last = (f->size + s->topo->page_size - 1) >> shift;

	for (uint64_t a = start; a < end; a += s->topo->page_size) {
		uint64_t idx = linear_page_index(v, a, shift);

		if (idx >= last)
			break;
		if (page_cache_lookup(f, idx) == NOPFN &&
		    filemap_get_page(s, t, f, idx, v, cost_ns) == NOPFN)
			return 0; /* readahead gives up quietly */
	}
	return 0;
}

/* Models madvise_vma_behavior() for [start, end) within v. */
static long madvise_vma(struct sim *s, struct task *t, struct vm_area_struct *v, uint64_t start,
			uint64_t end, int advice, uint64_t *cost_ns)
{
	struct mm_struct *mm = t->mm;

	switch (advice) {
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
		return madvise_hugepage(s, mm, v, start, end, advice);
	case MADV_DONTNEED:
		if (!dontneed_valid(s, v, start, &end, advice))
			return -EINVAL;
		if (end > start)
			zap_page_range(s, mm, start, end);
		return 0;
	case MADV_FREE: {
		struct free_walk w = {s, mm};

		if (!dontneed_valid(s, v, start, &end, advice) ||
		    (v->flags & (VM_FILE | VM_SHMEM | VM_SHARED))) /* vma_is_anonymous() */
			return -EINVAL;
		thp_split_edges(s, mm, start, end);
		pgtable_walk(&mm->pt, start >> s->topo->page_shift, end >> s->topo->page_shift,
			     free_one, &w);
		return 0;
	}
	case MADV_COLD:
	case MADV_PAGEOUT:
		return madvise_cold_pageout(s, mm, v, start, end, advice == MADV_PAGEOUT, cost_ns);
	case MADV_WILLNEED:
		return madvise_willneed(s, t, v, start, end, cost_ns);
	default:
		return -EINVAL;
	}
}

long do_madvise(struct sim *s, struct task *t, uint64_t start, uint64_t len_in, int advice,
		uint64_t *cost_ns)
{
	uint64_t psz = s->topo->page_size;
	long unmapped = 0;

	if (!madvise_behavior_valid(advice) || (start & (psz - 1)))
		return -EINVAL;
	uint64_t len = (len_in + psz - 1) & ~(psz - 1);

	if (len_in && !len)
		return -EINVAL; /* rounded up from a small negative */
	uint64_t end = start + len;

	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	/* madvise_walk_vmas(): VMA by VMA; VMAs may split and merge under
	 * the walk, so each step looks the next one up by address */
	for (uint64_t cur = start; cur < end;) {
		int i = vma_index_after(t->mm, cur);

		if (i >= t->mm->nr_vmas)
			return -ENOMEM;
		struct vm_area_struct *v = t->mm->vmas[i];

		if (cur < v->start) {
			unmapped = -ENOMEM;
			cur = v->start;
			if (cur >= end)
				break;
		}
		uint64_t tmp = v->end < end ? v->end : end;
		long rc = madvise_vma(s, t, v, cur, tmp, advice, cost_ns);

		if (rc)
			return rc;
		cur = tmp;
	}
	return unmapped;
}
