/*
 * rmap.h - reverse mapping (mm/rmap.c): from a frame back to the page
 * table entries that map it, and the map counts numa_maps reports.
 *
 * Every change to a pte that maps a frame goes through these functions,
 * so frames.mapcount and the per-node NR_ANON_MAPPED / NR_FILE_MAPPED
 * counters are derived, never set independently.
 */
#ifndef NUMASIM_MM_RMAP_H
#define NUMASIM_MM_RMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/mmzone.h"

struct sim;
struct mm_struct;
struct vm_area_struct;

/* folio_add_new_anon_rmap(): a fresh private anonymous page mapped once. */
void page_add_new_anon_rmap(struct sim *s, pfn_t pfn, unsigned order, struct vm_area_struct *vma,
			    uint64_t addr);
/* One more pte maps an already-mapped anon page (fork) or a file page. */
void page_dup_rmap(struct sim *s, pfn_t pfn);
void page_add_file_rmap(struct sim *s, pfn_t pfn);
void mlock_file_page(struct sim *s, pfn_t pfn); /* mlock_vma_folio() for a file or shmem page */
/*
 * folio_remove_rmap_pte() + put: one pte stops mapping pfn. An anonymous
 * page nobody maps any more (and not in the swap cache) is freed.
 */
void page_remove_rmap(struct sim *s, pfn_t pfn);

/* Frees a private anonymous page (or block) off the LRU. */
void free_anon_page(struct sim *s, pfn_t pfn);

/* rmap_walk(): calls fn for each (mm, vpn) whose pte maps pfn. Stops
 * early when fn returns false. */
typedef bool (*rmap_fn)(struct sim *s, void *ctx, struct mm_struct *mm, uint64_t vpn);
void rmap_walk(struct sim *s, pfn_t pfn, rmap_fn fn, void *ctx);

/* Node statistic updates (mod_node_page_state()). */
static inline void node_stat_add(struct mem *m, pfn_t pfn, enum node_stat_item item, int64_t d)
{
	m->nodes[pfn_to_nid(m, pfn)].stat[item] += (uint64_t)d;
}

#endif
