/*
 * hostmem.h - host allocations made while the model runs.
 *
 * A host allocation failure is never a simulated event (docs/model.md,
 * "Host memory"): the model's callers still take their error path (often
 * a simulated -ENOMEM), but these also set the sticky flag *oom - the
 * owning simulation's s->host_oom, reached through a pointer by objects
 * that have no struct sim at hand (page tables, page caches, the
 * migration table) - and the replay stops after the current record or
 * event with "FILE:LINE: out of host memory", before anything of it
 * reaches a report. oom may be NULL (unit tests).
 */
#ifndef NUMASIM_CORE_HOSTMEM_H
#define NUMASIM_CORE_HOSTMEM_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static inline void *host_malloc(bool *oom, size_t n)
{
	void *p = malloc(n);

	if (!p && oom)
		*oom = true;
	return p;
}

static inline void *host_calloc(bool *oom, size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p && oom)
		*oom = true;
	return p;
}

static inline void *host_realloc(bool *oom, void *old, size_t n)
{
	void *p = realloc(old, n);

	if (!p && oom)
		*oom = true;
	return p;
}

static inline char *host_strdup(bool *oom, const char *str)
{
	char *p = strdup(str);

	if (!p && oom)
		*oom = true;
	return p;
}

#endif
