/*
 * sim.h - one simulation: the machine, the kernel model running on it,
 * and the clock driving both.
 *
 * All mutable state lives in a struct sim passed explicitly; there are no
 * other mutable globals, so two simulations run side by side in one
 * process (`numasim compare` does this). Each subsystem keeps its state
 * behind its own pointer here and declares it in its own header.
 */
#ifndef NUMASIM_SIM_H
#define NUMASIM_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/engine.h"
#include "core/hostmem.h"
#include "core/err.h"
#include "core/rng.h"
#include "core/tunables.h"
#include "core/u128.h"
#include "mm/mmzone.h"
#include "mm/overcommit.h"
#include "topo/interconnect.h"
#include "topo/topo.h"

struct task_table;    /* task/task.h */
struct vfs;	      /* mm/filemap.h */
struct swap_info;     /* mm/swap.h */
struct cpuset_tree;   /* mm/cpuset.h */
struct slab_state;    /* mm/slab.h */
struct mm_registry;   /* task/mmap.h: anon_vmas */
struct migrate_state; /* mm/migrate.c: pages under migration */
struct interconnect;  /* topo/interconnect.h: links; NULL without links */
struct memory_tiers;  /* mm/memory-tiers.h: tiers and demotion targets (read-only) */
struct explain;	      /* report/explain.h */

/* Random streams, one per purpose (docs/architecture.md). */
enum rng_stream { RNG_ACCESS, RNG_SCHED, RNG_RECLAIM, RNG_MISC, RNG_KSWAPD, NR_RNG_STREAMS };

/* Memory accesses counted local or remote (docs/report.md "accesses"). */
struct access_stats {
	uint64_t local, remote;
	u128 latency_ps;  /* sum of access latencies, in picoseconds (exact:
				  * 128 bits hold 10^15 remote accesses of any latency) */
	uint64_t *matrix; /* nr_nodes * nr_nodes: [cpu node][memory node] */
};

/*
 * The figures derived from the access counters, defined once for the
 * reports, the expects and compare's sweeps (docs/report.md "accesses"):
 * the share of accesses that were local and their mean latency. With no
 * accesses both are 0: nothing was local.
 */
static inline double access_local_ratio(uint64_t local, uint64_t remote)
{
	return local + remote ? (double)local / (double)(local + remote) : 0.0;
}

static inline double access_avg_latency_ns(u128 latency_ps, uint64_t accesses)
{
	return accesses ? (double)latency_ps / 1000.0 / (double)accesses : 0.0;
}

struct sim {
	const struct topology *topo;
	struct tunables tun;
	struct engine eng;
	struct mem mem;
	struct rng rng[NR_RNG_STREAMS];
	struct access_stats acc;

	struct task_table *tasks;
	bool destroying; /* sim_destroy(): frames die with their arrays */
	struct vfs *vfs;
	struct swap_info *swap;
	struct cpuset_tree *cpusets;
	struct slab_state *slab;
	struct mm_registry *mmreg;
	struct migrate_state *migration;
	struct interconnect *ic;
	struct memory_tiers *tiers;

	struct task *current; /* the task whose record runs now (Linux's current), or NULL */

	bool check; /* --check: verify invariants after every event */
	struct explain *
		explain; /* numasim explain's sink (report/explain.h), owned by the caller; NULL: off */

	uint64_t min_free_kbytes; /* in force (computed when vm.min_free_kbytes is auto) */
	struct vm_commit commit;  /* Committed_AS (mm/overcommit.h) */

	/* time accounting */
	uint64_t migrate_ns; /* total time spent migrating pages */
	uint64_t reclaim_stall_ns;

	/* A host allocation failed (sim_malloc()): the replay stops after the
	 * current record or event with "FILE:LINE: out of host memory". */
	bool host_oom;
};

/* Host allocations of the model (core/hostmem.h): a failure also sets
 * s->host_oom. */
#define sim_malloc(s, n) host_malloc(&(s)->host_oom, (n))
#define sim_calloc(s, n, size) host_calloc(&(s)->host_oom, (n), (size))
#define sim_realloc(s, p, n) host_realloc(&(s)->host_oom, (p), (n))
#define sim_strdup(s, str) host_strdup(&(s)->host_oom, (str))

/*
 * Creates a simulation of topology topo (borrowed; must outlive the sim)
 * with tunables tun (copied). Returns NULL with a message on failure.
 */
struct sim *sim_create(const struct topology *topo, const struct tunables *tun, struct nerr *err);
void sim_destroy(struct sim *s);

/* Re-applies tunables that derive state (watermarks) after a change. */
void sim_tunables_changed(struct sim *s, int id);

/* Runs every --check invariant; 0 or -1 with the first violation. */
int sim_check(struct sim *s, struct nerr *err);

/* Narration for `numasim explain`; does nothing unless s->explain.
 * The sink decides what is printed (levels, filters, repeats collapsed:
 * report/explain.h). sim_explain_important() is for what every level
 * shows (a failed expect, an OOM kill). */
void sim_explain(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_explain_important(struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline uint64_t sim_now(const struct sim *s)
{
	return s->eng.now;
}

/*
 * bytes moving from node `from` to node `to` as part of the running
 * record: they occupy the interconnect's links when the record ends
 * (docs/model.md §8). Nothing happens on a machine without links.
 */
static inline void sim_traffic(struct sim *s, int from, int to, uint64_t bytes)
{
	if (s->ic && from != to)
		ic_add(s->ic, from, to, bytes);
}

static inline uint64_t sim_pages_to_bytes(const struct sim *s, uint64_t pages)
{
	return pages << s->topo->page_shift;
}

#endif
