/*
 * pgtable.h - a process's page table: virtual page number -> entry.
 *
 * Real page tables are radix trees of 512-entry tables; this one keeps
 * the leaf level (512 entries, one "PMD's worth") and the level above it,
 * and replaces the
 * upper levels by the simulator's hash table (core/hashmap.h) from
 * directory number to a directory of 512 leaves (the PMD table level),
 * which is as fast for sparse 48-bit address spaces and simpler. A one-entry cache of the last
 * leaf makes sequential walks cost one compare per page.
 *
 * An entry (pte_t) is 0 when nothing is mapped, else:
 *   present:   PTE_PRESENT | flags, pfn in the bits above PTE_SHIFT
 *   zero page: PTE_PRESENT | PTE_ZERO (read fault on private anon memory:
 *              Linux maps the shared zero page and allocates nothing)
 *   swap:      PTE_SWAP, swap slot above PTE_SHIFT
 *   migration: PTE_MIGRATION | (PTE_WRITE), pfn of the page being
 *              migrated above PTE_SHIFT (a migration entry, seed §6.2)
 *   NUMA hint: a present entry with PTE_NUMA added by the NUMA balancing
 *              scanner (change_prot_numa()); it still maps its frame for
 *              rmap, reclaim and numa_maps, but an access takes a hinting
 *              fault (do_numa_page()), like the kernel's PROT_NONE ptes.
 */
#ifndef NUMASIM_TASK_PGTABLE_H
#define NUMASIM_TASK_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/hashmap.h"

typedef uint64_t pte_t;

enum {
	PTE_PRESENT = 1u << 0,
	PTE_WRITE = 1u << 1, /* writable; clear on COW-shared pages */
	PTE_YOUNG = 1u << 2, /* accessed since the scanner last looked */
	PTE_DIRTY = 1u << 3,
	PTE_ZERO = 1u << 4, /* maps the shared zero page */
	PTE_SWAP = 1u << 5,
	PTE_MIGRATION = 1u << 6,
	PTE_HUGE = 1u << 7, /* part of a huge page mapping */
	PTE_NUMA = 1u << 8, /* NUMA hinting: inaccessible until the hinting fault */
};
#define PTE_SHIFT 9
#define PTE_FLAGS_MASK ((1ull << PTE_SHIFT) - 1)

static inline uint64_t pte_val(pte_t p)
{
	return p >> PTE_SHIFT;
}
static inline pte_t mk_pte(uint64_t v, unsigned flags)
{
	return (v << PTE_SHIFT) | flags;
}
static inline bool pte_present(pte_t p)
{
	return p & PTE_PRESENT;
}
/* A present entry that maps a real frame (not the zero page). */
static inline bool pte_maps_frame(pte_t p)
{
	return (p & (PTE_PRESENT | PTE_ZERO)) == PTE_PRESENT;
}

#define PT_LEAF_BITS 9
#define PT_LEAF_SIZE (1u << PT_LEAF_BITS)
#define PT_DIR_BITS 9 /* leaves per directory: 1 GiB of 4 KiB pages */
#define PT_DIR_SIZE (1u << PT_DIR_BITS)

/* A leaf: exactly one 4 KiB host page of entries, so that a fully
 * mapped leaf costs 8 host bytes per page it maps; its bookkeeping lives
 * in its directory. */
struct pt_leaf {
	pte_t e[PT_LEAF_SIZE];
};

/* A directory of 512 leaves (the PMD table level): found by hash, then
 * indexed, so a random lookup over a large mapping probes a hash of one
 * entry per GiB, which stays in the host's first-level cache, and a
 * 4 KiB array per GiB, instead of a hash entry per 2 MiB. */
struct pt_dir {
	uint64_t key; /* leaf key >> PT_DIR_BITS */
	struct pt_leaf *leaf[PT_DIR_SIZE];
	uint16_t used[PT_DIR_SIZE];	     /* non-zero entries per leaf */
	uint64_t in_chunk[PT_DIR_SIZE / 64]; /* leaf i carved from a chunk (pgtable.c) */
};

struct pgtable {
	struct hashmap dirs; /* key >> PT_DIR_BITS -> struct pt_dir * (core/hashmap.h) */
	uint64_t nleaves;
	struct pt_leaf *last;	 /* cache of the last leaf found */
	uint64_t last_key;	 /* its key + 1 (0 = none) */
	struct pt_dir *last_dir; /* cache of the last directory found */
	uint64_t last_dir_key;	 /* its key + 1 (0 = none) */
	uint64_t entries;	 /* non-zero entries in all leaves */
	/* Leaves past the first PT_DIR_SIZE come from 2 MiB chunks advised
	 * to be host huge pages: random lookups over a large mapping then
	 * take one host TLB entry per 512 leaves, not one per leaf. */
	void **chunks;
	size_t nchunks;
	unsigned chunk_free; /* leaves left in chunks[nchunks - 1] */
	bool *oom;	     /* the simulation's host_oom (core/hostmem.h) */
};

void pgtable_init(struct pgtable *pt);
void pgtable_free(struct pgtable *pt);

/* The directory holding leaf key, or NULL. */
static inline struct pt_dir *pgtable_dir(struct pgtable *pt, uint64_t key)
{
	uint64_t dk = key >> PT_DIR_BITS;

	if (pt->last_dir_key == dk + 1)
		return pt->last_dir;
	uint64_t *v = hashmap_lookup(&pt->dirs, dk);

	if (!v)
		return NULL;
	pt->last_dir = (struct pt_dir *)(uintptr_t)*v;
	pt->last_dir_key = dk + 1;
	return pt->last_dir;
}

/* The leaf holding key (vpn >> PT_LEAF_BITS), or NULL; inline because
 * every access goes through it. */
static inline struct pt_leaf *pgtable_leaf(struct pgtable *pt, uint64_t key)
{
	if (pt->last_key == key + 1)
		return pt->last;
	struct pt_dir *d = pgtable_dir(pt, key);
	struct pt_leaf *l = d ? d->leaf[key & (PT_DIR_SIZE - 1)] : NULL;

	if (l) {
		pt->last = l;
		pt->last_key = key + 1;
	}
	return l;
}

/* Non-zero entries in leaf key (pmd_none() when 0). */
static inline unsigned pgtable_leaf_used(struct pgtable *pt, uint64_t key)
{
	struct pt_dir *d = pgtable_dir(pt, key);

	return d ? d->used[key & (PT_DIR_SIZE - 1)] : 0;
}

/* Asks the host to bring the entry for vpn into its cache, if its leaf
 * exists (a batch of random lookups overlaps its cache misses), and
 * returns where the entry is (NULL: no leaf yet), so that the batch
 * reads it without a second lookup. The pointer holds while no entry of
 * the table is set. */
static inline const pte_t *pgtable_prefetch_slot(struct pgtable *pt, uint64_t vpn)
{
	struct pt_dir *d = pgtable_dir(pt, vpn >> PT_LEAF_BITS);
	struct pt_leaf *l = d ? d->leaf[(vpn >> PT_LEAF_BITS) & (PT_DIR_SIZE - 1)] : NULL;

	if (!l)
		return NULL;
	__builtin_prefetch(&l->e[vpn & (PT_LEAF_SIZE - 1)]);
	return &l->e[vpn & (PT_LEAF_SIZE - 1)];
}

/* The entry for vpn, or 0. */
static inline pte_t pgtable_get(struct pgtable *pt, uint64_t vpn)
{
	struct pt_leaf *l = pgtable_leaf(pt, vpn >> PT_LEAF_BITS);

	return l ? l->e[vpn & (PT_LEAF_SIZE - 1)] : 0;
}
/* Sets the entry for vpn (0 clears it). Returns -1 on allocation failure. */
int pgtable_set(struct pgtable *pt, uint64_t vpn, pte_t e);

/* Where pgtable_set() would write vpn's entry, the leaf made as it would
 * make it, and (*used) the leaf's count of non-zero entries, for a run
 * of writes into one leaf. NULL on allocation failure. */
pte_t *pgtable_slot(struct pgtable *pt, uint64_t vpn, uint16_t **used);

/* Calls fn for each non-zero entry with vpn in [lo, hi), in vpn order.
 * fn may change the entry, or clear it to 0. */
typedef void (*pte_fn)(void *ctx, uint64_t vpn, pte_t *e);
void pgtable_walk(struct pgtable *pt, uint64_t lo, uint64_t hi, pte_fn fn, void *ctx);

#endif
