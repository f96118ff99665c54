/*
 * replay.h - replaying a workload trace against a simulation (docs/trace-format.md).
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

#include <signal.h>
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
	bool interrupted;            /* stopped early on request (opts.stop) */
};

/* --timeseries takes at most this many samples (docs/cli.md). */
#define REPLAY_MAX_SAMPLES 20000

struct replay_opts {
	bool progress;               /* a progress line on stderr */
	uint64_t progress_interval_ns; /* host time between lines; 0: one second */
	uint64_t timeseries_ns;      /* sample interval, 0 = none; at most
				      * REPLAY_MAX_SAMPLES samples */
	/* When set and *stop becomes non-zero (a SIGINT/SIGTERM handler of
	 * the caller), the replay stops before the next record or event:
	 * replay_run() returns 0 with log->interrupted set, and the report
	 * shows the simulation so far. */
	const volatile sig_atomic_t *stop;
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

/*
 * The same in steps, for the library (include/numasim.h): replay_begin()
 * validates the trace and opens it; replay_advance() runs the records and
 * events due at or before `until` (UINT64_MAX: to the end), leaving the
 * clock at `until` when it stops early, and returns 1 when everything ran,
 * 0 when it stopped at `until`, -1 on error (the replay cannot go on);
 * replay_end() frees what is left, keeping s->log for the reports.
 * replay_run() is begin + advance(UINT64_MAX) + end.
 */
struct replay;
struct replay *replay_begin(struct sim *s, const char *trace, const struct replay_opts *opts,
			    struct nerr *err);
int replay_advance(struct replay *rp, uint64_t until, struct nerr *err);
bool replay_done(const struct replay *rp);
/*
 * A stream: the trace file may grow while the replay runs. Its end is then
 * not the end of the replay: replay_advance() returns 0 there (the clock
 * at `until`), and replay_more_input() says the file has grown. A record
 * read later whose time has already passed is an error. Turning the
 * stream off lets the replay end at the file's end.
 */
void replay_set_stream(struct replay *rp, bool stream);
void replay_more_input(struct replay *rp);
void replay_end(struct replay *rp);

#endif
