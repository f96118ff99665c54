/*
 * migrate.c - page migration (mm/migrate.c).
 */
#include "mm/migrate.h"

#include <errno.h>

#include "sim.h"

uint64_t migration_wait_until(struct sim *s, pfn_t pfn)
{
	(void)pfn;
	return sim_now(s);
}

long do_move_pages(struct sim *s, struct task *caller, struct task *target, uint64_t nr,
		   const uint64_t *addrs, const int *nodes, int *status, int flags,
		   uint64_t *cost_ns)
{
	(void)s; (void)caller; (void)target; (void)nr; (void)addrs; (void)nodes;
	(void)status; (void)flags; (void)cost_ns;
	return -ENOSYS;
}
