/*
 * swap.c - swap slots (mm/swapfile.c). The device's capacity is
 * sim.swap_size; its speed sim.swap_read_MBps / sim.swap_write_MBps.
 */
#include "mm/swap.h"

#include <stdlib.h>

#include "sim.h"

int swap_init(struct sim *s)
{
	struct swap_info *si = calloc(1, sizeof(*si));

	if (!si)
		return -1;
	uint64_t pages = (uint64_t)tun(&s->tun, TUN_SIM_SWAP_SIZE) >> s->topo->page_shift;

	if (pages > 1) {
		si->map = calloc(pages, sizeof(*si->map));
		if (!si->map) {
			free(si);
			return -1;
		}
		si->nslots = pages;
	}
	si->cursor = 1;
	s->swap = si;
	return 0;
}

void swap_free_all(struct sim *s)
{
	if (!s->swap)
		return;
	free(s->swap->map);
	free(s->swap);
	s->swap = NULL;
}

uint64_t swap_alloc_slot(struct sim *s)
{
	struct swap_info *si = s->swap;

	if (!si || si->nslots <= 1 || si->inuse >= si->nslots - 1)
		return 0;
	for (uint64_t n = 0; n < si->nslots; n++) {
		uint64_t slot = si->cursor;

		si->cursor = si->cursor + 1 >= si->nslots ? 1 : si->cursor + 1;
		if (slot && !si->map[slot]) {
			si->map[slot] = 1;
			si->inuse++;
			return slot;
		}
	}
	return 0;
}

void swap_duplicate(struct sim *s, uint64_t slot)
{
	if (s->swap && slot && slot < s->swap->nslots && s->swap->map[slot] < UINT16_MAX)
		s->swap->map[slot]++;
}

void swap_free_entry(struct sim *s, uint64_t slot)
{
	struct swap_info *si = s->swap;

	if (!si || !slot || slot >= si->nslots || !si->map[slot])
		return;
	if (--si->map[slot] == 0)
		si->inuse--;
}

uint64_t swap_free_slots(const struct sim *s)
{
	const struct swap_info *si = s->swap;

	return (si && si->nslots > 1) ? si->nslots - 1 - si->inuse : 0;
}
