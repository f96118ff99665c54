/*
 * run_common.h - what `run`, `explain` and `compare` share: option
 * parsing for -t/-w/--set/--seed, and loading + replaying one simulation.
 */
#ifndef NUMASIM_CLI_RUN_COMMON_H
#define NUMASIM_CLI_RUN_COMMON_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/tunables.h"
#include "report/explain.h"
#include "trace/trace.h"

struct sim;
struct topology;

struct run_args {
	const char *topo;	    /* -t: path or shipped name */
	const char *trace;	    /* -w: path or shipped name */
	struct tunables tun;	    /* --set, --seed applied */
	struct trace_params params; /* --set NAME=V of trace parameters */
	bool check;
	bool progress;
	uint64_t progress_interval_ns; /* $NUMASIM_PROGRESS_INTERVAL (tests); 0: 1 s */
	uint64_t timeseries_ns;
	bool explain;
	/* set by a signal handler: stop the replay, keep the run so far */
	const volatile sig_atomic_t *stop;
	struct explain_filter explain_f; /* --level, --pid, --from, --to */
};

#define TRACE_DEFAULT "default"

/*
 * Option spelling shared by run, explain and compare: `-t NAME`,
 * `-tNAME`, `--topology NAME`, `--topology=NAME`. cli_opt_is() tells
 * whether argv word arg is the option with short form s (or NULL) and
 * long form l; cli_opt_value() returns its value, taking the next word
 * when needed (advancing *i), or NULL when there is none.
 */
bool cli_opt_is(const char *arg, const char *s, const char *l);
const char *cli_opt_value(int argc, char **argv, int *i);

void run_args_init(struct run_args *a);
/* Applies one --set k=v: a tunable, or a trace parameter when k is a
 * parameter name (no dots) and not a tunable. */
int run_args_set(struct run_args *a, const char *kv, struct nerr *err);

/* Loads the topology (caller frees with topo_free). */
int load_topology(const char *name, struct topology **out, struct nerr *err);

/*
 * Creates a simulation on topo with a's tunables and replays a's trace.
 * Returns the sim (caller destroys) and in *log the replay's log (caller
 * frees with trace_log_free(): its expects, results and snapshots), or
 * NULL (and *log NULL) with the error.
 */
struct trace_log;
struct sim *simulate(const struct run_args *a, const struct topology *topo, struct trace_log **log,
		     struct nerr *err);

#endif
