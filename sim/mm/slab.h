/*
 * slab.h - kernel object allocations (mm/slub.c): kmalloc records.
 * Small objects share slab pages per cache and node; large ones take
 * whole pages (kmalloc_large_node()).
 */
#ifndef NUMASIM_MM_SLAB_H
#define NUMASIM_MM_SLAB_H

#include <stdint.h>

struct sim;
struct task;

int slab_init(struct sim *s);
void slab_free_all(struct sim *s);
/* kmalloc_node(): node -1 means the local node of t's CPU (t may be NULL:
 * node 0's CPUs). Returns 0 or -errno (-ENOSYS: not modelled). */
long kmalloc_node(struct sim *s, struct task *t, uint64_t size, int node, const char *cache);
/* The page cache's xarray nodes (sim.page_cache_slab): delta more (or
 * fewer) in use; a new slab page when the slabs are full. 0 or -ENOMEM. */
int slab_xa_nodes(struct sim *s, struct task *t, int64_t delta);
/* Frees the empty xarray-node slabs beyond those SLUB keeps. */
void slab_xa_trim(struct sim *s);

#endif
