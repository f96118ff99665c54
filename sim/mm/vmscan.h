/*
 * vmscan.h - reclaim (mm/vmscan.c): kswapd, direct reclaim and node
 * (zone) reclaim, and the LRU lists they scan.
 *
 * These are the seams page_alloc.c calls. Every function here is the
 * counterpart of the kernel function named beside it.
 */
#ifndef NUMASIM_MM_VMSCAN_H
#define NUMASIM_MM_VMSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "mm/page_alloc.h"

struct sim;

/* wakeup_kswapd(): wake node's kswapd for an allocation of order that
 * failed the low watermark up to highest_zoneidx. */
void wakeup_kswapd(struct sim *s, int nid, gfp_t gfp, unsigned order, int highest_zoneidx);
/* Runs the kswapd batches due by `until` (ns) on every awake node: a
 * long system call (read(2), write(2)) calls it as its own clock
 * advances, so kswapd reclaims while the caller is still in the call
 * instead of after it. Returns how long the caller waited meanwhile for
 * a kswapd running on its own CPU (sim.kswapd_shares_cpu), which the
 * caller adds to its clock. */
uint64_t kswapd_catch_up(struct sim *s, uint64_t until);

/* node_reclaim() results, as in mm/internal.h. */
enum {
	NODE_RECLAIM_NOSCAN = -2,
	NODE_RECLAIM_FULL = -1,
	NODE_RECLAIM_SOME = 0,
	NODE_RECLAIM_SUCCESS = 1
};
/* node_reclaim(): zone_reclaim_mode reclaim on nid before going off node.
 * Adds the stall to req->stall_ns. */
int node_reclaim(struct sim *s, int nid, struct alloc_req *req);

/* try_to_free_pages(): direct reclaim over the zonelist; returns pages
 * reclaimed and adds the stall to req->stall_ns. */
uint64_t try_to_free_pages(struct sim *s, struct alloc_req *req);

/* zone_reclaimable_pages(): LRU pages of zone z that reclaim could free
 * (file, and anon when swap exists); should_reclaim_retry() uses it. */
uint64_t zone_reclaimable_pages(struct sim *s, const struct zone *z);

/* out_of_memory(): choose and kill a victim; returns true if one was killed. */
bool out_of_memory(struct sim *s, struct alloc_req *req);

/* get_scan_count() on node nid at priority: pages of each evictable
 * list (indexed by enum lru_list) one shrink_lruvec() pass would scan. */
void get_scan_count_node(struct sim *s, int nid, int priority, bool may_swap,
			 uint64_t nr[NR_LRU_LISTS]);

/* LRU maintenance (mm/swap.c, mm/vmscan.c). */
void lru_add(struct sim *s, pfn_t pfn); /* folio_add_lru() */
/* Models lruvec_add_folio_tail(): onto the tail of its list (a split's tails). */
void lru_add_tail(struct sim *s, pfn_t pfn);
void deactivate_page(struct sim *s, pfn_t pfn);	   /* folio_deactivate() */
void mark_page_lazyfree(struct sim *s, pfn_t pfn); /* folio_mark_lazyfree() */
/* Models reclaim_pages() (MADV_PAGEOUT): each page that can be isolated
 * goes through shrink_folio_list(); returns the pages freed, adds the
 * write time the caller waits for to *cost_ns. */
uint64_t reclaim_pages(struct sim *s, const pfn_t *pfns, size_t n, uint64_t *cost_ns);
void lru_del(struct sim *s, pfn_t pfn); /* del_page_from_lru_list() */
void mark_page_accessed(struct sim *s, pfn_t pfn);
int isolate_lru_page(struct sim *s, pfn_t pfn); /* 0 or -EBUSY */
void putback_lru_page(struct sim *s, pfn_t pfn);

#endif
