/*
 * swap.h - the swap device: slots with use counts (mm/swapfile.c) and
 * the swap cache (mm/swap_state.c).
 *
 * A swap entry is a slot number; slot 0 is never handed out (as the
 * kernel reserves the header page) so 0 can mean "none". Slots are
 * counted like swap_map[]: one count per pte (or swap cache) holding it.
 */
#ifndef NUMASIM_MM_SWAP_H
#define NUMASIM_MM_SWAP_H

#include <stdint.h>

#include "mm/mmzone.h"

struct sim;

struct swap_info {
	uint64_t nslots;          /* capacity in pages, including slot 0 */
	uint16_t *map;            /* use count per slot */
	uint64_t inuse;           /* slots with a non-zero count */
	uint64_t cursor;          /* next slot to try (scan_swap_map_slots) */
};

int swap_init(struct sim *s);
void swap_free_all(struct sim *s);
/* get_swap_page(): a free slot with count 1, or 0 when swap is full/absent. */
uint64_t swap_alloc_slot(struct sim *s);
/* swap_duplicate(): one more reference (fork copies a swap pte). */
void swap_duplicate(struct sim *s, uint64_t slot);
/* swap_free(): drops one reference. */
void swap_free_entry(struct sim *s, uint64_t slot);
uint64_t swap_free_slots(const struct sim *s);

#endif
