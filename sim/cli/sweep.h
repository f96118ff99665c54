/*
 * sweep.h - what `numasim compare` sweeps over (docs/sweeps.md): every
 * topology x every workload x every combination of the --vary values.
 *
 * Variant v (0-based) decodes in mixed radix: the topology changes
 * slowest, then the workload, then each --vary in order, the last
 * --vary fastest. Shard K of N (1-based) holds the variants with
 * v % N == K - 1, so the assignment depends on nothing but v and N.
 */
#ifndef NUMASIM_CLI_SWEEP_H
#define NUMASIM_CLI_SWEEP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/run_common.h"

#define SWEEP_MAX_VARY 8
#define SWEEP_MAX_VALUES 64
#define SWEEP_MAX_ITEMS 64 /* topologies, workloads */
#define SWEEP_MAX_VARIANTS 100000

struct sweep_vary {
	char name[TRACE_PARAM_NAME_MAX + 64];
	int id; /* tunable id, or -1: a trace parameter */
	int n;
	char *values[SWEEP_MAX_VALUES];
};

/* One variant's numbers (docs/compare.md columns). */
struct sweep_row {
	double local_ratio;
	uint64_t numa_miss, remote_pages, pgscan, pswpout, pgmigrate, oom_kill, expects_failed;
	double stall_ms, sim_ms;
};

/* A variant's outcome: rc < 0 when it ran (row filled), else the exit
 * status of a failure described in msg. */
struct sweep_result {
	int rc;
	char msg[512];
	struct sweep_row row;
};

struct sweep {
	struct run_args base; /* --set, --seed, --check for every run */
	const char *topo[SWEEP_MAX_ITEMS];
	int ntopo;
	const char *work[SWEEP_MAX_ITEMS];
	int nwork;
	struct sweep_vary vary[SWEEP_MAX_VARY];
	int nvary;
	const char *sets[TRACE_MAX_PARAMS + 64]; /* --set words as given */
	int nsets;
	const char *seed; /* --seed as given, or NULL */
	long variants;
	int shard_k, shard_n; /* 1/1 without --shard */
	int jobs;
	bool progress;		 /* --progress: say when a run waits for memory */
	struct topology **topos; /* loaded, one per topo[] */
	uint64_t *cost;		 /* per variant: sweep_cost(), or NULL */
};

/* Where variant v sits: topology, workload, value index per --vary. */
struct sweep_pos {
	int t, w, idx[SWEEP_MAX_VARY];
};

void sweep_decode(const struct sweep *sw, long v, struct sweep_pos *p);
static inline bool sweep_in_shard(const struct sweep *sw, long v)
{
	return v % sw->shard_n == sw->shard_k - 1;
}

/* Builds variant p's run arguments from the base and the varied values. */
int sweep_variant_args(const struct sweep *sw, const struct sweep_pos *p, struct run_args *a,
		       struct nerr *err);

/*
 * Runs every variant of the shard, at most sw->jobs at a time, in up to
 * sw->jobs long-lived worker processes when jobs > 1 (each runs variants
 * one after another), queueing a run rather than
 * exceeding the host's MemAvailable (sweep_mem_estimate()). res[v] is
 * filled for every variant of the shard. Returns -1, or the exit status
 * of the first (in variant order) variant that failed, its message
 * printed.
 */
int sweep_run_all(const struct sweep *sw, struct sweep_result *res);

/*
 * Variant v's relative host cost, for starting the longest runs first
 * (docs/sweeps.md "--jobs"): (work + frames) x (1 + the bits set in
 * vm.zone_reclaim_mode) x 2 when kernel.numa_balancing is on, work being
 * the trace's pages and accesses under v's parameter values (from
 * sweep_trace_work()) and frames the topology's memory in pages.
 */
uint64_t sweep_cost(const struct sweep *sw, long v, uint64_t work);
/* The work a trace record asks for, in pages touched, read, written or
 * moved and accesses made, plus 1 for the record. *file_bytes and
 * *nfiles sum the `file` records so far: a read or write without len=
 * counts their mean size. */
uint64_t sweep_record_work(const struct trace_record *r, uint32_t page_size, uint64_t *file_bytes,
			   uint64_t *nfiles);

/* Host bytes one simulation on topo needs, roughly: frames x bytes per
 * frame + page-table entries + a margin (docs/sweeps.md). */
uint64_t sweep_mem_estimate(const struct topology *topo);

struct json_t;
/* Writes a compare report's JSON as compare and merge both do. */
void sweep_dump_json(struct json_t *root, FILE *f);

#endif
