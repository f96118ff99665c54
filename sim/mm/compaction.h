/*
 * compaction.h - kcompactd, the background compactor (mm/compaction.c).
 *
 * kswapd wakes it at the end of a boosted balance_pgdat() run for a
 * pageblock (wakeup_kcompactd(pgdat, pageblock_order, ...)) and, as it
 * goes to sleep, for the order it was woken for. kcompactd then compacts
 * each zone of its node that has no free block of that order but enough
 * free memory (compaction_suitable()): a migration scanner walks up from
 * the zone's start isolating LRU pages, a free scanner walks down from
 * its end isolating free pages of movable pageblocks, and the pages move
 * from the bottom to the top until a block of the order is free or the
 * scanners meet (docs/model.md §13, "Compaction").
 */
#ifndef NUMASIM_MM_COMPACTION_H
#define NUMASIM_MM_COMPACTION_H

struct sim;

/* kcompactd_run()'s initial state on every node: no order asked, every
 * zone (kcompactd_highest_zoneidx = the node's highest populated zone). */
void kcompactd_init(struct sim *s);

/* Models wakeup_kcompactd(): records the order and zones asked of nid's
 * kcompactd and wakes it when it sleeps and one of those zones is
 * suitable for compaction; sim.kcompactd=0 does nothing. Order 0 asks
 * nothing. */
void wakeup_kcompactd(struct sim *s, int nid, unsigned order, int highest_zoneidx);

#endif
