/*
 * internal.h - what the kernel model's files share, as the kernel's
 * mm/internal.h (and the constants of include/linux/swap.h and
 * include/linux/mmzone.h they use): reclaim's constants, the allocator's
 * internal ALLOC_* flags, and the page-flag accessors that keep a flag
 * and its node counter together.
 *
 * A flag with a counter (PG_isolated with NR_ISOLATED, PG_mlocked with
 * NR_MLOCK) is set and cleared only through these accessors, so the two
 * cannot drift apart. Migration moves flag and count to the new frame
 * together (migrate.c); freeing a frame clears its flags after the
 * counters were dropped.
 *
 * Every flag has one owner. The bits without a counter are set and
 * cleared here too, named as the kernel's folio_set_*() and
 * folio_clear_*(); a frame taking up a role gets its whole flag word from
 * one page_init_*() (or page_reset_flags()) here. The owners that write
 * the word themselves: the buddy allocator PG_buddy with the order and
 * migratetype (page_alloc.c), folio_migrate_flags() (migrate.c) and
 * the split of a THP (huge_memory.c). The tests, page_test_*(), are in
 * mm/mmzone.h.
 */
#ifndef NUMASIM_MM_INTERNAL_H
#define NUMASIM_MM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/debug.h"
#include "mm/huge_memory.h"
#include "mm/mmzone.h"
#include "mm/rmap.h"

/* include/linux/swap.h: the batch reclaim scans and frees in. */
#define SWAP_CLUSTER_MAX 32
/* include/linux/mmzone.h: reclaim starts at priority 12 (scan 1/4096). */
#define DEF_PRIORITY 12
/* mm/internal.h: failed reclaim rounds before the allocator stops
 * retrying (should_reclaim_retry()) and kswapd gives a node up. */
#define MAX_RECLAIM_RETRIES 16

/* mm/internal.h ALLOC_*: the allocator's internal flags, named as since
 * 6.3 (6.1 called ALLOC_NON_BLOCK ALLOC_HARDER and ALLOC_MIN_RESERVE
 * ALLOC_HIGH). */
enum {
	ALLOC_WMARK_MIN = WMARK_MIN,
	ALLOC_WMARK_LOW = WMARK_LOW,
	ALLOC_WMARK_HIGH = WMARK_HIGH,
	ALLOC_NO_WATERMARKS = 0x04,
	ALLOC_WMARK_MASK = ALLOC_NO_WATERMARKS - 1,
	ALLOC_NON_BLOCK = 0x10,	  /* caller cannot block: a further quarter of min */
	ALLOC_MIN_RESERVE = 0x20, /* __GFP_HIGH: half of min */
	ALLOC_CPUSET = 0x40,
	ALLOC_NOFRAGMENT = 0x100, /* no fallback into another migratetype's pageblock */
	ALLOC_KSWAPD = 0x800,
};

/* Taken off the LRU by an isolator (folio_isolate_lru()'s callers add it
 * to NR_ISOLATED_ANON/FILE). The page must not be isolated already. */
static inline void set_page_isolated(struct mem *m, pfn_t pfn)
{
	SIM_ASSERT(!(m->f.flags[pfn] & PG_isolated));
	m->f.flags[pfn] |= PG_isolated;
	node_stat_add(m, pfn, NR_ISOLATED, 1);
}

/* Leaves isolation if isolated; true when it was. */
static inline bool test_clear_page_isolated(struct mem *m, pfn_t pfn)
{
	if (!(m->f.flags[pfn] & PG_isolated))
		return false;
	m->f.flags[pfn] &= ~PG_isolated;
	node_stat_add(m, pfn, NR_ISOLATED, -1);
	return true;
}

/* Leaves isolation; the page must be isolated. */
static inline void clear_page_isolated(struct mem *m, pfn_t pfn)
{
	SIM_ASSERT(m->f.flags[pfn] & PG_isolated);
	m->f.flags[pfn] &= ~PG_isolated;
	node_stat_add(m, pfn, NR_ISOLATED, -1);
}

/* folio_test_set_mlocked() + NR_MLOCK for nr pages (mlock_folio()):
 * true when the page was mlocked already (nothing counted). */
static inline bool test_set_page_mlocked(struct mem *m, pfn_t pfn, int64_t nr)
{
	if (m->f.flags[pfn] & PG_mlocked)
		return true;
	m->f.flags[pfn] |= PG_mlocked;
	node_stat_add(m, pfn, NR_MLOCK, nr);
	return false;
}

/* folio_test_clear_mlocked() + NR_MLOCK for nr pages (munlock_folio()):
 * true when the page was mlocked. */
static inline bool test_clear_page_mlocked(struct mem *m, pfn_t pfn, int64_t nr)
{
	if (!(m->f.flags[pfn] & PG_mlocked))
		return false;
	m->f.flags[pfn] &= ~PG_mlocked;
	node_stat_add(m, pfn, NR_MLOCK, -nr);
	return true;
}

/*
 * The bit-alone setters and clearers, generated as the kernel generates
 * its folio_set_*() / folio_clear_*() (PAGEFLAG()): page_set_NAME(f, pfn)
 * and page_clear_NAME(f, pfn). Each says which code owns the flag.
 */
#define PAGE_SET_FLAG(name)                                             \
	static inline void page_set_##name(struct frames *f, pfn_t pfn) \
	{                                                               \
		f->flags[pfn] |= PG_##name;                             \
	}
#define PAGE_CLEAR_FLAG(name)                                             \
	static inline void page_clear_##name(struct frames *f, pfn_t pfn) \
	{                                                                 \
		f->flags[pfn] &= ~PG_##name;                              \
	}

/* __folio_set_locked(): the page lock taken with no waiter possible. */
PAGE_SET_FLAG(locked)
/* __folio_clear_locked(): the page lock dropped. */
PAGE_CLEAR_FLAG(locked)
/* folio_set_dirty(): the bit alone; accounting is the caller's
 * (folio_mark_dirty() in page_writeback.c). */
PAGE_SET_FLAG(dirty)
/* folio_clear_dirty(): the bit alone, as folio_set_dirty(). */
PAGE_CLEAR_FLAG(dirty)
/* folio_set_lru() / folio_clear_lru(): on or off an LRU list; only the
 * list operations of vmscan.c, which move the list sizes with them. */
PAGE_SET_FLAG(lru)
PAGE_CLEAR_FLAG(lru)
/* folio_set_active() / folio_clear_active(): which of the two lists;
 * an LRU page changes it only off its list (vmscan.c). */
PAGE_SET_FLAG(active)
PAGE_CLEAR_FLAG(active)
/* folio_set_unevictable(): an mlocked page joining an LRU list goes on
 * the unevictable one (lru_add()). */
PAGE_SET_FLAG(unevictable)
/* folio_set_referenced(): the bit alone (folio_mark_accessed()). */
PAGE_SET_FLAG(referenced)
/* folio_clear_referenced(): the bit alone. */
PAGE_CLEAR_FLAG(referenced)
/* folio_set_swapcache(): the bit alone; swap_cache_add() books the slot
 * and NR_SWAPCACHE. */
PAGE_SET_FLAG(swapcache)
/* folio_clear_swapcache(): as folio_set_swapcache(). */
PAGE_CLEAR_FLAG(swapcache)
/* folio_set_swapbacked() (__folio_set_swapbacked()): an anonymous or
 * shmem page that needs swap to be reclaimed. */
PAGE_SET_FLAG(swapbacked)
/* folio_clear_swapbacked(): MADV_FREE's lazy-free page (lru_lazyfree_fn()). */
PAGE_CLEAR_FLAG(swapbacked)
/* folio_clear_unevictable(): munlock of a page cache page; lru_add()
 * sets the bit again from PG_mlocked (vmscan.c). */
PAGE_CLEAR_FLAG(unevictable)
/* __folio_set_anon(): the mapping is an anon_vma (PAGE_MAPPING_ANON);
 * the caller stores it in frames.mapping. */
PAGE_SET_FLAG(anon)
/* __folio_set_slab(): a slab cache's page. */
PAGE_SET_FLAG(slab)
/* A kernel allocation (slab, the huge zero page): no kernel flag of its
 * own, it marks what migration and the page counts must leave alone. */
PAGE_SET_FLAG(kernel)
#undef PAGE_SET_FLAG
#undef PAGE_CLEAR_FLAG

/* ---- whole-word initialisations: the flags a frame starts a role with ---- */

/* A frame leaving its role (free_pages_prepare() clears page->flags):
 * no flag survives. */
static inline void page_reset_flags(struct frames *f, pfn_t pfn)
{
	f->flags[pfn] = 0;
}

/* free_pages_prepare() for a block: all flags go but PG_head and the
 * order, which __free_pages() reads. */
static inline void page_reset_flags_keep_order(struct frames *f, pfn_t pfn)
{
	f->flags[pfn] &= PG_head | PG_ORDER_MASK;
}

/* A new page cache page (__filemap_add_folio()); a shmem page is also
 * swap-backed (shmem_alloc_folio()'s __folio_set_swapbacked()). */
static inline void page_init_file(struct frames *f, pfn_t pfn, bool swapbacked)
{
	f->flags[pfn] = PG_file | (swapbacked ? PG_swapbacked : 0);
}

/* prep_compound_page(): the head of an order > 0 block, which carries
 * the order. */
static inline void page_init_compound(struct frames *f, pfn_t pfn, unsigned order)
{
	f->flags[pfn] = PG_head | (order << PG_ORDER_SHIFT);
}

/* A hugetlb page's head (folio_set_hugetlb()): a compound page with
 * PG_huge. */
static inline void page_init_hugetlb(struct frames *f, pfn_t pfn, unsigned order)
{
	f->flags[pfn] = PG_head | PG_huge | (order << PG_ORDER_SHIFT);
}

/* A new transparent huge page's head (folio_prep_large_rmappable()):
 * order HPAGE_PMD_ORDER, PG_transhuge (mm/huge_memory.h). */
static inline void page_init_thp(struct frames *f, pfn_t pfn)
{
	f->flags[pfn] = PG_head | PG_transhuge | (HPAGE_PMD_ORDER << PG_ORDER_SHIFT);
}

/* A free block's head on a per-CPU list: PG_pcp and its order (not
 * PG_buddy). */
static inline void page_init_pcp(struct frames *f, pfn_t pfn, unsigned order)
{
	f->flags[pfn] = PG_pcp | (order << PG_ORDER_SHIFT);
}

/* A new anonymous page of a fault run (page_add_new_anon_rmap()'s
 * __folio_set_anon() and __folio_set_swapbacked(), then lru_add()'s
 * PG_lru), fresh from the allocator: flags 0 before. */
static inline void page_init_anon_lru(struct frames *f, pfn_t pfn)
{
	f->flags[pfn] = PG_anon | PG_swapbacked | PG_lru;
}

/*
 * page_add_new_anon_rmap() with its lru_add() for an order-0 page of
 * zone z fresh from the allocator (flags 0), mapped at page offset rel
 * of anon_vma av_id (whose page count is *av_pages) in a VMA that is not
 * VM_LOCKED: the same
 * stores, without looking the page's node and zone up again (the fault
 * runs of memory.c's fault_anon_run()).
 */
static inline void page_add_new_anon_rmap_fast(struct mem *m, struct zone *z, uint64_t *av_pages,
					       uint32_t av_id, pfn_t pfn, int32_t rel)
{
	struct frames *f = &m->f;
	struct pglist_data *pg = &m->nodes[z->node];

	f->mapping[pfn] = av_id;
	f->index[pfn] = (uint32_t)rel;
	f->mapcount[pfn] = 1;
	(*av_pages)++;
	pg->stat[NR_ANON_MAPPED]++;
	/* folio_lru_list() of a new anonymous page: inactive anon */
	flist_add_head(f, &pg->lru[LRU_INACTIVE_ANON], pfn);
	z->nr_lru[LRU_INACTIVE_ANON]++;
	page_init_anon_lru(f, pfn);
}

#endif
