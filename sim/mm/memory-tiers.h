/*
 * memory-tiers.h - memory tiers and demotion targets (mm/memory-tiers.c).
 *
 * Each node with memory has an abstract distance (topology key
 * `adistance`, default MEMTIER_ADISTANCE_DRAM = 576); nodes whose
 * distances round down to the same multiple of MEMTIER_CHUNK_SIZE (128)
 * form one tier, named memory_tier<adistance >> 7 as in sysfs, and tiers
 * are ordered by abstract distance, fastest first. From them, as
 * establish_demotion_targets() does at boot:
 *  - each node's preferred demotion targets: the nodes of the next lower
 *    tier at the smallest SLIT distance, found with find_next_best_node();
 *  - each tier's lower_tier_mask: every node of every tier below it, the
 *    fallback when the preferred targets are full;
 *  - the top tiers: the lowest tier that has a node with CPUs, and every
 *    tier above it (top_tier_adistance).
 * The tiers depend only on the topology: they are built once, read-only
 * afterwards, and the file name follows the kernel's.
 */
#ifndef NUMASIM_MM_MEMORY_TIERS_H
#define NUMASIM_MM_MEMORY_TIERS_H

#include <stdbool.h>
#include <stdio.h>

#include "core/bitmap.h"

struct topology;
struct sim;

/* include/linux/memory-tiers.h */
#define MEMTIER_CHUNK_BITS 7
#define MEMTIER_CHUNK_SIZE (1 << MEMTIER_CHUNK_BITS)
#define MEMTIER_ADISTANCE_DRAM ((4 * MEMTIER_CHUNK_SIZE) + (MEMTIER_CHUNK_SIZE >> 1))

struct memory_tier {
	int adistance_start; /* adistance rounded down to MEMTIER_CHUNK_SIZE */
	nodemask_t nodes;
	nodemask_t lower_tier_mask; /* nodes of all tiers below this one */
};

struct memory_tiers {
	int nr_nodes;
	int nr_tiers;
	struct memory_tier *tier; /* by adistance_start, fastest first */
	int *node_tier;		  /* node -> index in tier[], -1: no memory */
	nodemask_t *preferred;	  /* node_demotion[node].preferred */
	int top_tier_adistance;
};

/* Models memory_tier_init() + establish_demotion_targets() for topology t.
 * 0, or -1 when out of memory. */
int memory_tiers_build(const struct topology *t, struct memory_tiers **out);
void memory_tiers_free(struct memory_tiers *mt);

/* The sysfs tier id (adistance_start >> MEMTIER_CHUNK_BITS) of node nid,
 * or -1 for a node without memory. */
int memory_tier_id(const struct memory_tiers *mt, int nid);
/* Models node_is_toptier(): a node without a tier counts as top tier. */
bool node_is_toptier(const struct memory_tiers *mt, int nid);
/* More than one tier exists (demotion and promotion have somewhere to go). */
bool memory_tiers_multi(const struct memory_tiers *mt);
/* Models node_get_allowed_targets(): the lower_tier_mask of nid's tier. */
void node_get_allowed_targets(const struct memory_tiers *mt, int nid, nodemask_t *targets);
/* Models next_demotion_node(): one of nid's preferred targets at random
 * (node_random(), the reclaim random stream), -1 for none. */
int next_demotion_node(struct sim *s, int nid);
/* The tiers, demotion targets and top tier as text (`numasim topo show`). */
void memory_tiers_print(const struct memory_tiers *mt, FILE *out);
/* --check: each node with memory in exactly one tier, that tier's range
 * holding its adistance, targets only in lower tiers. 0 or -1 with why. */
int memory_tiers_check(const struct memory_tiers *mt, const struct topology *t, char *why,
		       size_t len);

/* --check of the tiering counters: per-node counts add up to the vmstat
 * totals, demotions only from nodes with a lower tier, promotions only
 * into top-tier nodes, no more successes than candidates. */
int tiering_check(struct sim *s, char *why, size_t len);
/* Counts nr tiering events (PGDEMOTE_KSWAPD..PGPROMOTE_CANDIDATE) on node nid
 * and in vmstat. */
void tiering_count(struct sim *s, int nid, int item, uint64_t nr);

#endif
