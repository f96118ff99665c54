/*
 * access.h - what tasks do with memory: `touch` (fault pages in, one
 * access each) and `access` (count accesses over a range), with every
 * access counted local or remote from the task's current CPU and costed
 * at local_latency_ns * distance / 10 (docs/topology-format.md).
 *
 * Both are resumable: when an access meets a migration entry the task
 * blocks until the migration completes, and the replay calls again with
 * the same op to finish the rest.
 */
#ifndef NUMASIM_TASK_ACCESS_H
#define NUMASIM_TASK_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/rng.h"

struct sim;
struct task;

struct access_op {
	uint64_t addr, len;
	uint64_t stride; /* touch: bytes between touched pages (0 = page size) */
	uint64_t count;	 /* access: number of accesses */
	bool write;
	bool random;	/* access: pattern=random */
	struct rng rng; /* access: the random stream of this record */
	uint64_t done;	/* progress: pages touched / accesses made */
};

enum { ACCESS_DONE = 0, ACCESS_BLOCKED = 1 };

/*
 * Runs (the rest of) op for task t. Adds the time spent to *cost_ns.
 * Returns ACCESS_DONE, ACCESS_BLOCKED with *wait_until set, or -errno
 * (-EFAULT for an address outside any VMA, -EACCES for a write to a
 * read-only mapping, -ENOMEM when a fault found no memory).
 */
int task_touch(struct sim *s, struct task *t, struct access_op *op, uint64_t *cost_ns,
	       uint64_t *wait_until);
int task_access(struct sim *s, struct task *t, struct access_op *op, uint64_t *cost_ns,
		uint64_t *wait_until);

/* Counts n accesses by t to memory on node mem_nid; returns their cost in ps. */
uint64_t account_access(struct sim *s, struct task *t, int mem_nid, uint64_t n);

#endif
