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
 * What the replay learns is kept in a struct trace_log for the reports
 * (report/runlog.h): syscall results and errno counts, expectations,
 * snapshots, samples. The replay owns it until replay_end() hands it to
 * the caller.
 */
#ifndef NUMASIM_TRACE_REPLAY_H
#define NUMASIM_TRACE_REPLAY_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "report/runlog.h"

struct sim;
struct trace_params;

/* --timeseries takes at most this many samples (docs/cli.md). */
#define REPLAY_MAX_SAMPLES 20000

struct replay_opts {
	bool progress;		       /* a progress line on stderr */
	uint64_t progress_interval_ns; /* host time between lines; 0: one second */
	uint64_t timeseries_ns;	       /* sample interval, 0 = none; at most
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
 * replay ran to the end (expects may have failed: see the log), -1 with
 * a one-line message for bad input or an op that is not modelled. The
 * log belongs to the replay, not to s: *log receives it when log is not
 * NULL (the caller frees it with trace_log_free(); the reports read it),
 * else it is freed; NULL after an error.
 */
int replay_run(struct sim *s, const char *trace, const struct replay_opts *opts,
	       struct trace_log **log, struct nerr *err);

/*
 * The same in steps, for the library (include/numasim.h): replay_begin()
 * validates the trace and opens it; replay_advance() runs the records and
 * events due at or before `until` (UINT64_MAX: to the end), leaving the
 * clock at `until` when it stops early, and returns 1 when everything ran,
 * 0 when it stopped at `until`, -1 on error (the replay cannot go on);
 * replay_log() is the log so far (for reports during the run);
 * replay_end() frees what is left and hands the log to the caller (who
 * frees it with trace_log_free()). replay_run() is begin +
 * advance(UINT64_MAX) + end.
 */
struct replay;
struct replay *replay_begin(struct sim *s, const char *trace, const struct replay_opts *opts,
			    struct nerr *err);
int replay_advance(struct replay *rp, uint64_t until, struct nerr *err);
struct trace_log *replay_log(const struct replay *rp);
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
struct trace_log *replay_end(struct replay *rp);

#endif
