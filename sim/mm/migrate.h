/*
 * migrate.h - page migration (mm/migrate.c): move_pages(2),
 * migrate_pages(2), mbind(MPOL_MF_MOVE) and cpuset memory_migrate all
 * end in migrate_pages() here, which follows the seed's §6.2 steps.
 */
#ifndef NUMASIM_MM_MIGRATE_H
#define NUMASIM_MM_MIGRATE_H

#include <stdint.h>

#include "mm/mmzone.h"

struct sim;

/* When the migration that replaced pfn's mappings by migration entries
 * completes; an access that meets such an entry waits until then
 * (migration_entry_wait()). */
uint64_t migration_wait_until(struct sim *s, pfn_t pfn);

struct task;

/*
 * move_pages(2) by caller on target for nr pages at addrs. nodes NULL
 * queries (status gets each page's node or -errno); otherwise moves page
 * i to nodes[i]. flags: MPOL_MF_MOVE or MPOL_MF_MOVE_ALL. Returns 0, the
 * number of pages not migrated, or -errno; -ENOSYS: not modelled.
 */
long do_move_pages(struct sim *s, struct task *caller, struct task *target, uint64_t nr,
		   const uint64_t *addrs, const int *nodes, int *status, int flags,
		   uint64_t *cost_ns);

#endif
