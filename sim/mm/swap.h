/*
 * swap.h - the swap device: slots with use counts (mm/swapfile.c) and
 * the swap cache (mm/swap_state.c).
 *
 * A swap entry is a slot number; slot 0 is never handed out (as the
 * kernel reserves the header page) so 0 can mean "none". Slots are
 * counted like swap_map[]: one count per swap pte, plus one while the
 * slot is in the swap cache (SWAP_HAS_CACHE in the kernel).
 *
 * The swap cache maps a slot to the frame holding its data: a page
 * being swapped out (added by reclaim) or one read back in. Such a frame
 * has PG_swapcache, and its slot (the kernel's page->private, folio->swap)
 * is kept in swap_info.slot_of, a hash from pfn to slot: only swap cache
 * pages have one, so a per-frame array would cost 4 bytes for every frame.
 *
 * Invariants (swap_check()): inuse = slots with a non-zero count; each
 * cached slot's frame has PG_swapcache and slot_of[pfn] = slot, and
 * slot_of holds no other frame; NR_SWAPCACHE per node equals the cached
 * frames on that node.
 */
#ifndef NUMASIM_MM_SWAP_H
#define NUMASIM_MM_SWAP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/hashmap.h"
#include "mm/mmzone.h"

struct sim;

struct swap_info {
	uint64_t nslots;	/* capacity in pages, including slot 0 */
	uint16_t *map;		/* use count per slot */
	pfn_t *cache;		/* swap cache: slot -> frame, NOPFN = none */
	uint64_t inuse;		/* slots with a non-zero count */
	uint64_t cursor;	/* next slot to try (scan_swap_map_slots) */
	uint64_t busy_until;	/* the device is busy with I/O until then */
	struct hashmap slot_of; /* pfn -> slot of each swap cache page (page->private) */
};

int swap_init(struct sim *s);
void swap_free_all(struct sim *s);
/* `sysctl sim.swap_size=...`: resizes the device when nothing is
 * swapped; returns -1 (size unchanged) otherwise. */
int swap_resize(struct sim *s);
/* get_swap_page(): a free slot with count 1, or 0 when swap is full/absent. */
uint64_t swap_alloc_slot(struct sim *s);
/* swap_duplicate(): one more reference (fork copies a swap pte). */
void swap_duplicate(struct sim *s, uint64_t slot);
/* swap_free(): drops one reference. */
void swap_free_entry(struct sim *s, uint64_t slot);
/* free_swap_and_cache(): a swap pte goes away; when only the swap cache
 * still holds the slot and nobody maps its page, both are freed. */
void free_swap_and_cache(struct sim *s, uint64_t slot);
uint64_t swap_free_slots(const struct sim *s);
/* vm_swap_full(): more than half of swap in use. */
bool vm_swap_full(const struct sim *s);

/* Swap cache (mm/swap_state.c). */
pfn_t swap_cache_lookup(const struct sim *s, uint64_t slot);
/* The slot of swap cache page pfn (page_swap_entry()), 0 if it has none. */
uint64_t page_swap_slot(const struct sim *s, pfn_t pfn);
/* add_to_swap(): gives anon page pfn a slot in the swap cache; false
 * when swap is full or absent. */
bool add_to_swap(struct sim *s, pfn_t pfn);
/* add_to_swap_cache() for a page read in for slot (takes a cache ref). */
void swap_cache_add(struct sim *s, pfn_t pfn, uint64_t slot);
/* delete_from_swap_cache(): the page leaves the cache, dropping its ref. */
void delete_from_swap_cache(struct sim *s, pfn_t pfn);
/* folio_free_swap(): if no pte holds the slot any more, the page leaves
 * the swap cache and the slot is freed. Returns true if it did. */
bool try_free_swap(struct sim *s, pfn_t pfn);

/* One page to or from the swap device: returns the transfer time. */
uint64_t swap_io(struct sim *s, bool write);

/* --check invariants above: 0 or -1 with a diagnostic. */
int swap_check(struct sim *s, struct nerr *err);

#endif
