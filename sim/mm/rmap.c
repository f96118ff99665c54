/*
 * rmap.c - reverse mapping (mm/rmap.c).
 *
 * Map counts and the NR_ANON_MAPPED / NR_FILE_MAPPED node counters move
 * only here, so they always agree with the page tables (--check proves
 * it by recounting).
 */
#include "mm/rmap.h"

#include "mm/filemap.h"
#include "mm/internal.h"
#include "mm/page_alloc.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "sim.h"
#include "task/mmap.h"

/* Order of an allocated block: kept in the head frame's flags. */
static unsigned block_order(const struct frames *f, pfn_t pfn)
{
	return page_test_head(f, pfn) ? frame_order(f, pfn) : 0;
}
void page_add_new_anon_rmap(struct sim *s, pfn_t pfn, unsigned order, struct vm_area_struct *vma,
			    uint64_t addr)
{
	struct frames *f = &s->mem.f;
	struct anon_vma *av = anon_vma_get(s, vma->anon_vma);
	uint64_t index = linear_page_index(vma, addr, s->topo->page_shift);

	page_set_anon(f, pfn);
	page_set_swapbacked(f, pfn);
	f->mapping[pfn] = vma->anon_vma;
	f->index[pfn] = (uint32_t)(int32_t)(int64_t)(index - av->base_vpn); /* signed offset */
	f->mapcount[pfn] = 1;
	av->pages++;
	node_stat_add(&s->mem, pfn, NR_ANON_MAPPED, (int64_t)1 << order);
	if (page_test_transhuge(f, pfn))
		node_stat_add(&s->mem, pfn, NR_ANON_THPS, 1); /* __folio_mod_stat() */
	else if (order)
		node_stat_add(&s->mem, pfn, NR_HUGE_PAGES, (int64_t)1 << order);
	if (vma->flags & VM_LOCKED)
		test_set_page_mlocked(&s->mem, pfn, (int64_t)1 << order);
	/* hugetlb pages stay off the LRU; a THP joins it as one folio */
	if (!order || page_test_transhuge(f, pfn))
		lru_add(s, pfn);
}

void page_dup_rmap(struct sim *s, pfn_t pfn)
{
	s->mem.f.mapcount[pfn]++;
}

void page_add_file_rmap(struct sim *s, pfn_t pfn)
{
	if (s->mem.f.mapcount[pfn]++ == 0)
		node_stat_add(&s->mem, pfn, NR_FILE_MAPPED, 1);
}

/* Moves a page between the unevictable list and the evictable ones after
 * its PG_mlocked changed (an isolated page is put back by its isolator). */
static void relru_page(struct sim *s, pfn_t pfn)
{
	if (page_test_lru(&s->mem.f, pfn)) {
		lru_del(s, pfn);
		lru_add(s, pfn);
	}
}

/* mlock_vma_folio() from __folio_add_file_rmap(): a page cache or shmem
 * page mapped into a VM_LOCKED VMA is mlocked: off the active list
 * (__mlock_folio() clears PG_active), onto the unevictable one. */
void mlock_file_page(struct sim *s, pfn_t pfn)
{
	if (test_set_page_mlocked(&s->mem, pfn, 1))
		return;
	relru_page(s, pfn);
}

/* munlock_vma_folio(): the model keeps no mlock_count, so a page cache
 * page stays mlocked until nothing maps it (docs/model.md). */
static void munlock_file_page(struct sim *s, pfn_t pfn)
{
	if (!test_clear_page_mlocked(&s->mem, pfn, 1))
		return;
	if (page_test_lru(&s->mem.f, pfn)) {
		lru_del(s, pfn);
		page_clear_unevictable(&s->mem.f, pfn);
		lru_add(s, pfn);
	} else {
		page_clear_unevictable(&s->mem.f, pfn);
	}
}

void free_anon_page(struct sim *s, pfn_t pfn)
{
	struct frames *f = &s->mem.f;
	unsigned order = block_order(f, pfn);
	struct anon_vma *av = anon_vma_get(s, f->mapping[pfn]);

	if (page_test_lru(f, pfn))
		lru_del(s, pfn);
	if (av)
		av->pages--;
	node_stat_add(&s->mem, pfn, NR_ANON_MAPPED, -((int64_t)1 << order));
	if (page_test_transhuge(f, pfn))
		node_stat_add(&s->mem, pfn, NR_ANON_THPS, -1);
	else if (order)
		node_stat_add(&s->mem, pfn, NR_HUGE_PAGES, -((int64_t)1 << order));
	test_clear_page_mlocked(&s->mem, pfn, (int64_t)1 << order);
	page_reset_flags_keep_order(f, pfn);
	f->mapping[pfn] = 0;
	f->index[pfn] = 0;
	__free_pages(s, pfn, order);
}

void page_remove_rmap(struct sim *s, pfn_t pfn)
{
	struct frames *f = &s->mem.f;

	if (f->mapcount[pfn] == 0)
		return;
	if (--f->mapcount[pfn] > 0)
		return;
	if (page_test_anon(f, pfn)) {
		/* Nobody maps it: a private anonymous page is freed, unless
		 * the swap cache still holds it (reclaim frees it then). */
		if (page_test_isolated(f, pfn) || page_test_locked(f, pfn))
			return;
		if (page_test_swapcache(f, pfn)) {
			/* Swap ptes elsewhere still need the cached copy. */
			if (s->swap->map[page_swap_slot(s, pfn)] > 1)
				return;
			delete_from_swap_cache(s, pfn);
		}
		free_anon_page(s, pfn);
	} else if (page_test_file(f, pfn)) {
		node_stat_add(&s->mem, pfn, NR_FILE_MAPPED, -1);
		munlock_file_page(s, pfn);
	}
}

struct rmap_check {
	pfn_t pfn;
	rmap_fn fn;
	void *ctx;
	bool stop;
};

static bool rmap_one(struct sim *s, struct rmap_check *c, struct mm_struct *mm, uint64_t vpn)
{
	pte_t p = pgtable_get(&mm->pt, vpn);

	if (!(p & (PTE_PRESENT | PTE_MIGRATION)) || (p & PTE_ZERO) || pte_val(p) != c->pfn)
		return true;
	if (!c->fn(s, c->ctx, mm, vpn)) {
		c->stop = true;
		return false;
	}
	return true;
}

void rmap_walk(struct sim *s, pfn_t pfn, rmap_fn fn, void *ctx)
{
	struct frames *f = &s->mem.f;
	struct rmap_check c = {pfn, fn, ctx, false};

	if (page_test_anon(f, pfn)) {
		struct anon_vma *av = anon_vma_get(s, f->mapping[pfn]);

		if (!av)
			return;
		uint64_t index = av->base_vpn + (uint64_t)(int64_t)(int32_t)f->index[pfn];

		/* As the anon_vma interval tree: every VMA of every mm sharing
		 * the anon_vma whose page offsets cover the page's index. */
		for (int i = 0; i < av->nr_mms && !c.stop; i++) {
			struct mm_struct *mm = av->mms[i];

			for (int v = 0; v < mm->nr_vmas && !c.stop; v++) {
				struct vm_area_struct *vma = mm->vmas[v];

				if (vma->anon_vma != av->id || index < vma->pgoff ||
				    index >= vma->pgoff + vma_pages(vma, s->topo->page_shift))
					continue;
				rmap_one(s, &c, mm,
					 (vma->start >> s->topo->page_shift) +
						 (index - vma->pgoff));
			}
		}
		return;
	}
	struct file_obj *file = page_test_file(f, pfn) ? vfs_file(s, f->mapping[pfn]) : NULL;

	if (!file)
		return;
	for (int i = 0; i < file->nr_mappers && !c.stop; i++) {
		struct vm_area_struct *v = file->mapper_vmas[i];
		uint64_t index = f->index[pfn];
		uint64_t npages = vma_pages(v, s->topo->page_shift);

		if (index < v->pgoff || index >= v->pgoff + npages)
			continue;
		rmap_one(s, &c, v->mm, (v->start >> s->topo->page_shift) + (index - v->pgoff));
	}
}
