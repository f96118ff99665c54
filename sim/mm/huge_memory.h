/*
 * huge_memory.h - transparent huge pages for anonymous memory
 * (mm/huge_memory.c, the THP parts of mm/memory.c and mm/khugepaged.c).
 *
 * A transparent huge page (THP) is an order-9 block (2 MiB on 4 KiB
 * pages) mapped by one PMD. The model keeps the frames' compact layout
 * (docs/architecture.md, "Frames"): the head frame carries PG_head,
 * PG_transhuge and the order, the anon_vma, the index and the map count
 * (one per address space whose PMD maps it), and sits on an LRU list as
 * one entry counting 512 pages; the 511 tail frames are blank. The PMD
 * is the page table leaf of 512 ptes, each present with PTE_HUGE and
 * pointing at head + i, only the head's counting in the map count, as
 * for hugetlb mappings.
 *
 * Splitting (split_huge_page()) turns a THP into 512 order-0 anonymous
 * pages, each with the head's map count, on the LRU: the model splits
 * the page whenever it splits a PMD (docs/model.md, "Transparent huge pages" says where the
 * kernel would only split the PMD and defer the page).
 *
 * THP needs the page table leaf to be a PMD: 4 KiB base pages. On other
 * page sizes transparent huge pages are never used.
 */
#ifndef NUMASIM_MM_HUGE_MEMORY_H
#define NUMASIM_MM_HUGE_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "mm/mmzone.h"
#include "task/pgtable.h"

struct sim;
struct task;
struct mm_struct;
struct vm_area_struct;
struct fault_result;

#define HPAGE_PMD_ORDER 9
#define HPAGE_PMD_NR (1u << HPAGE_PMD_ORDER)

/* VM flags madvise(MADV_HUGEPAGE / MADV_NOHUGEPAGE) sets (task/mmap.h). */
static inline bool page_is_thp(const struct frames *f, pfn_t pfn)
{
	return page_test_transhuge(f, pfn);
}

/* The machine can have THP at all (4 KiB pages: a pte leaf is a PMD). */
bool thp_supported(const struct sim *s);

/*
 * Models thp_vma_allowable_order() for a PMD-sized page at addr, with
 * the VMA bounds check of do_huge_pmd_anonymous_page(): a private
 * anonymous VMA (not file, shmem or hugetlb), not VM_NOHUGEPAGE, with
 * enabled=always or enabled=madvise and VM_HUGEPAGE, that contains the
 * whole aligned 2 MiB around addr.
 */
bool thp_vma_allowable(const struct sim *s, const struct vm_area_struct *vma, uint64_t addr);

/*
 * Models do_huge_pmd_anonymous_page() for a fault at addr in a VMA that
 * thp_vma_allowable() allows, whose PMD is empty (no pte in the 2 MiB).
 * A read maps the huge zero page; a write allocates an order-9 page by
 * the policy (alloc_thp_mpol()) with vma_thp_gfp_mask()'s gfp. Returns
 * 0 (mapped, res->pte is addr's entry), 1 (VM_FAULT_FALLBACK: the
 * caller maps a base page) or -ENOMEM.
 */
int do_huge_pmd_anonymous_page(struct sim *s, struct task *t, struct vm_area_struct *vma,
			       uint64_t addr, bool write, struct fault_result *res);

/*
 * Models do_huge_pmd_wp_page(): a write to a read-only entry of a huge
 * PMD. The huge zero page is split into zero ptes (thp_split_pmd); a THP
 * only this address space maps is made writable whole; a shared one
 * (after fork) is split. Returns 0 when the write may go on (res->pte
 * set) or 1 when the caller must handle addr's entry as a base page.
 */
int do_huge_pmd_wp_page(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t addr,
			pte_t old, struct fault_result *res);

/*
 * Models split_huge_page() of the THP whose head is pfn, with the PMD
 * split (__split_huge_pmd()) of every address space mapping it: each
 * of its 512 frames becomes an order-0 anonymous page with the head's
 * map count, flags and LRU list. With to_tail the new pages go to the
 * tail of their LRU list (reclaim's split_folio_to_list(): they are
 * next to be scanned). Counts thp_split_page and thp_split_pmd.
 */
void split_huge_page(struct sim *s, pfn_t head, bool to_tail);

/* Splits a huge zero PMD or THP that maps addr in mm, if any
 * (split_huge_pmd_address()). */
void thp_split_at(struct sim *s, struct mm_struct *mm, uint64_t addr);
/* Splits the huge PMDs that [start, end) covers only in part: those at
 * an unaligned start and end (vma_adjust_trans_huge(), zap_pmd_range()). */
void thp_split_edges(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end);

/* The head of the THP that entry p at vpn maps, or NOPFN. */
pfn_t thp_head_of(const struct sim *s, pte_t p, uint64_t vpn);

/*
 * Models start_stop_khugepaged()'s set_recommended_min_free_kbytes():
 * with THP enabled (always or madvise: hugepage_pmd_enabled()),
 * min_free_kbytes is raised to 2 + MIGRATE_PCPTYPES^2 = 11 pageblocks per
 * populated zone up to ZONE_NORMAL, at most 5% of nr_free_buffer_pages(),
 * when that is more; with never it is recomputed by
 * calculate_min_free_kbytes() unless that is not above a value the user
 * set. Then the watermarks are set up again.
 */
void thp_start_stop(struct sim *s);
/*
 * Models hugepage_init(): on a machine with less than 512 MiB of RAM,
 * THP is off (enabled and defrag never) unless the user set them;
 * otherwise start_stop_khugepaged() runs when THP is enabled. (With
 * never at boot the kernel also recomputes min_free_kbytes once more,
 * its high watermarks now subtracted, a few kB lower; the model keeps
 * init_per_zone_wmark_min()'s value: docs/model.md, "Transparent huge pages".)
 */
void thp_boot(struct sim *s);
/* The raised value of set_recommended_min_free_kbytes(), in kB. */
uint64_t thp_recommended_min_free_kbytes(const struct sim *s);

/* --check of one THP head met on an LRU list (page_alloc_check.c, which
 * also recounts NR_ANON_THPS): aligned, order 9, anonymous, its 511 tails
 * blank. mm_check.c checks that each huge PMD entry lies in a compound. */
int thp_check_head(const struct sim *s, pfn_t head, struct nerr *err);

#endif
