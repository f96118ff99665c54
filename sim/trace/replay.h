/*
 * replay.h - replaying a workload trace against a simulation (SPEC §2).
 *
 * Records are read one at a time (the trace is never held whole). Each
 * task is a sequential stream: its record starts at max(record time, end
 * of its previous record); records of other tasks interleave by start
 * time on the engine's clock, ties broken by order of scheduling. Global
 * records (file, sysctl, drop_caches, cpuset, kmalloc, snapshot, expect
 * without pid=) run at their time.
 *
 * What the replay learns is kept in a struct trace_log for the reports:
 * syscall results and errno counts, expectations, snapshots, samples.
 */
#ifndef NUMASIM_TRACE_REPLAY_H
#define NUMASIM_TRACE_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct sim;
struct json_t;
struct trace_params;

#define LOG_MAX_RESULTS 100000   /* syscall results kept for the report */
#define LOG_MAX_FAILURES 1000    /* failed expectations kept verbatim */

struct syscall_result {
	unsigned long line;
	const char *op;
	int pid;
	long rc;
	int *status;
	uint64_t nstatus;
};

struct trace_log {
	char *workload_name;
	char *workload_path;
	char **param_names;          /* trace parameters and their values */
	char **param_values;
	int nr_params;
	uint64_t records;            /* records in the trace */
	uint64_t executed;           /* records run */
	uint64_t skipped;            /* records of exited or killed tasks */
	uint64_t errors[134];        /* syscall errors by errno */
	struct syscall_result *results;
	uint64_t nr_results, cap_results, results_dropped;
	uint64_t expects_passed, expects_failed;
	char **failures;             /* "trace:LINE: expect ...: got X, want Y" */
	uint64_t nr_failures;
	struct json_t **snapshots;   /* jansson objects built by report/ */
	uint64_t nr_snapshots;
	struct json_t **samples;     /* --timeseries */
	uint64_t nr_samples;
	uint64_t sample_interval_ns;
	uint64_t faults_efault;      /* touches outside any mapping */
};

struct replay_opts {
	bool progress;               /* a progress line on stderr */
	uint64_t timeseries_ns;      /* sample interval, 0 = none */
	const struct trace_params *params; /* trace parameter values, or NULL */
};

/*
 * Validates the whole trace, then replays it on s. Returns 0 when the
 * replay ran to the end (expects may have failed: see s->log), -1 with
 * a one-line message for bad input or an op that is not modelled.
 */
int replay_run(struct sim *s, const char *trace, const struct replay_opts *opts,
	       struct nerr *err);
void trace_log_free(struct trace_log *log);

#endif
