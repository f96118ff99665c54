/*
 * slab.c - kernel object allocations (mm/slub.c).
 */
#include "mm/slab.h"

#include <errno.h>

#include "sim.h"

int slab_init(struct sim *s)
{
	(void)s;
	return 0;
}

void slab_free_all(struct sim *s)
{
	(void)s;
}

long kmalloc_node(struct sim *s, struct task *t, uint64_t size, int node, const char *cache)
{
	(void)s; (void)t; (void)size; (void)node; (void)cache;
	return -ENOSYS;
}
