/*
 * swapfile.c - swap slots (mm/swapfile.c) and the swap cache
 * (mm/swap_state.c). The device's capacity is sim.swap_size; its speed
 * sim.swap_read_MBps / sim.swap_write_MBps. Its header is mm/swap.h, as
 * the kernel declares both in include/linux/swap.h; the kernel's
 * mm/swap.c (the LRU helpers: lru_cache_add(), folio_mark_accessed(),
 * ...) is modelled in sim/mm/vmscan.c.
 */
#include "mm/swap.h"

#include <stdlib.h>
#include <string.h>

#include "mm/internal.h"
#include "mm/rmap.h"
#include "sim.h"

static int swap_setup(struct sim *s, struct swap_info *si)
{
	uint64_t pages = (uint64_t)tun(&s->tun, TUN_SIM_SWAP_SIZE) >> s->topo->page_shift;

	si->map = NULL;
	si->cache = NULL;
	si->nslots = 0;
	if (pages > 1) {
		si->map = sim_calloc(s, pages, sizeof(*si->map));
		si->cache = sim_malloc(s, pages * sizeof(*si->cache));
		if (!si->map || !si->cache) {
			free(si->map);
			free(si->cache);
			si->map = NULL;
			si->cache = NULL;
			return -1;
		}
		memset(si->cache, 0xff, pages * sizeof(*si->cache)); /* NOPFN */
		si->nslots = pages;
	}
	si->cursor = 1;
	si->inuse = 0;
	hashmap_free(&si->slot_of);
	si->slot_of.oom = &s->host_oom;
	return 0;
}

int swap_init(struct sim *s)
{
	struct swap_info *si = sim_calloc(s, 1, sizeof(*si));

	if (!si)
		return -1;
	if (swap_setup(s, si)) {
		free(si);
		return -1;
	}
	s->swap = si;
	return 0;
}

void swap_free_all(struct sim *s)
{
	if (!s->swap)
		return;
	free(s->swap->map);
	free(s->swap->cache);
	hashmap_free(&s->swap->slot_of);
	free(s->swap);
	s->swap = NULL;
}

/* Like swapoff + swapon of a new device; refused while slots are used. */
int swap_resize(struct sim *s)
{
	struct swap_info *si = s->swap;

	if (!si || si->inuse)
		return -1;
	free(si->map);
	free(si->cache);
	return swap_setup(s, si);
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

bool vm_swap_full(const struct sim *s)
{
	const struct swap_info *si = s->swap;

	return si && si->nslots > 1 && si->inuse * 2 > si->nslots - 1;
}

pfn_t swap_cache_lookup(const struct sim *s, uint64_t slot)
{
	const struct swap_info *si = s->swap;

	return (si && slot && slot < si->nslots) ? si->cache[slot] : NOPFN;
}

uint64_t page_swap_slot(const struct sim *s, pfn_t pfn)
{
	uint64_t slot = 0;

	if (s->swap)
		hashmap_get(&s->swap->slot_of, pfn, &slot);
	return slot;
}

void swap_cache_add(struct sim *s, pfn_t pfn, uint64_t slot)
{
	s->swap->cache[slot] = pfn;
	page_set_swapcache(&s->mem.f, pfn);
	/* out of host memory: host_oom is set, and the replay stops before
	 * the lost slot can reach a report (core/hostmem.h) */
	hashmap_put(&s->swap->slot_of, pfn, slot);
	node_stat_add(&s->mem, pfn, NR_SWAPCACHE, 1);
}

/* Models folio_alloc_swap() + add_to_swap_cache(): the slot's first
 * count is the cache's. The page is dirty: it must be written first. */
bool add_to_swap(struct sim *s, pfn_t pfn)
{
	uint64_t slot = swap_alloc_slot(s);

	if (!slot)
		return false;
	swap_cache_add(s, pfn, slot);
	page_set_dirty(&s->mem.f, pfn);
	return true;
}

void delete_from_swap_cache(struct sim *s, pfn_t pfn)
{
	if (!page_test_swapcache(&s->mem.f, pfn))
		return;
	uint64_t slot = page_swap_slot(s, pfn);

	s->swap->cache[slot] = NOPFN;
	page_clear_swapcache(&s->mem.f, pfn);
	hashmap_del(&s->swap->slot_of, pfn);
	node_stat_add(&s->mem, pfn, NR_SWAPCACHE, -1);
	swap_free_entry(s, slot);
}

bool try_free_swap(struct sim *s, pfn_t pfn)
{
	struct frames *f = &s->mem.f;

	if (!page_test_swapcache(f, pfn) || page_test_writeback(f, pfn) || page_test_locked(f, pfn))
		return false;
	if (s->swap->map[page_swap_slot(s, pfn)] > 1)
		return false; /* swap ptes still refer to the slot */
	delete_from_swap_cache(s, pfn);
	page_set_dirty(&s->mem.f, pfn); /* the only copy is in memory now */
	return true;
}

/* Models __try_to_reclaim_swap() as free_swap_and_cache() uses it. */
void free_swap_and_cache(struct sim *s, uint64_t slot)
{
	swap_free_entry(s, slot);
	pfn_t pfn = swap_cache_lookup(s, slot);

	if (pfn == NOPFN || s->swap->map[slot] != 1 || s->mem.f.mapcount[pfn] ||
	    page_test_isolated(&s->mem.f, pfn) || page_test_locked(&s->mem.f, pfn))
		return;
	delete_from_swap_cache(s, pfn);
	free_anon_page(s, pfn);
}

uint64_t swap_io(struct sim *s, bool write)
{
	struct swap_info *si = s->swap;
	double mbps =
		(double)tun(&s->tun, write ? TUN_SIM_SWAP_WRITE_MBPS : TUN_SIM_SWAP_READ_MBPS);
	uint64_t t = (uint64_t)((double)s->topo->page_size * 1000.0 / mbps);
	uint64_t start = si->busy_until > sim_now(s) ? si->busy_until : sim_now(s);

	si->busy_until = start + t;
	return t;
}

int swap_check(struct sim *s, struct nerr *err)
{
	struct swap_info *si = s->swap;
	uint64_t inuse = 0;
	int nn = s->mem.nr_nodes;
	uint64_t cached[NS_MAX_NODES] = {0};

	for (uint64_t slot = 1; si && slot < si->nslots; slot++) {
		pfn_t pfn = si->cache[slot];

		inuse += si->map[slot] != 0;
		if (pfn == NOPFN)
			continue;
		if (!si->map[slot] || !page_test_swapcache(&s->mem.f, pfn) ||
		    page_swap_slot(s, pfn) != slot)
			return nerr_set(err,
					"--check: swap slot %llu caches pfn %u, which disagrees",
					(unsigned long long)slot, pfn);
		cached[pfn_to_nid(&s->mem, pfn)]++;
	}
	uint64_t ncached = 0;

	for (int n = 0; n < nn && n < NS_MAX_NODES; n++)
		ncached += cached[n];
	if (si && si->slot_of.nr != ncached)
		return nerr_set(err,
				"--check: %llu frames have a swap slot, the swap cache holds %llu",
				(unsigned long long)si->slot_of.nr, (unsigned long long)ncached);
	if (si && inuse != si->inuse)
		return nerr_set(err, "--check: swap inuse %llu, slots say %llu",
				(unsigned long long)si->inuse, (unsigned long long)inuse);
	for (int n = 0; n < nn && n < NS_MAX_NODES; n++)
		if (s->mem.nodes[n].stat[NR_SWAPCACHE] != cached[n])
			return nerr_set(err,
					"--check: node %d NR_SWAPCACHE %llu, swap cache holds %llu",
					n, (unsigned long long)s->mem.nodes[n].stat[NR_SWAPCACHE],
					(unsigned long long)cached[n]);
	return 0;
}
