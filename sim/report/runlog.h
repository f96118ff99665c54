/*
 * runlog.h - what a replay leaves for the reports (docs/report.md): the
 * workload, the records run, the system calls' results and errno counts,
 * the expects, the snapshots and --timeseries samples. The replay
 * (trace/replay.h) fills it and hands it to its caller, who passes it to
 * the report_*() calls and frees it with trace_log_free(); the reports
 * read it, so they need this header and not the replay's.
 */
#ifndef NUMASIM_REPORT_RUNLOG_H
#define NUMASIM_REPORT_RUNLOG_H

#include <stdbool.h>
#include <stdint.h>

struct json_t;

#define LOG_MAX_RESULTS 100000 /* syscall results kept for the report */
#define LOG_MAX_FAILURES 1000  /* failed expectations kept verbatim */

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
	char **param_names; /* trace parameters and their values */
	char **param_values;
	int nr_params;
	uint64_t records;     /* records in the trace */
	uint64_t executed;    /* records run */
	uint64_t skipped;     /* records of exited or killed tasks */
	uint64_t errors[134]; /* syscall errors by errno */
	struct syscall_result *results;
	uint64_t nr_results, cap_results, results_dropped;
	uint64_t expects_passed, expects_failed;
	char **failures; /* "trace:LINE: expect ...: got X, want Y" */
	uint64_t nr_failures;
	struct json_t **snapshots; /* jansson objects built by report/ */
	uint64_t nr_snapshots;
	struct json_t **samples; /* --timeseries */
	uint64_t nr_samples;
	uint64_t sample_interval_ns;
	uint64_t faults_efault; /* touches outside any mapping */
	bool interrupted;	/* stopped early on request (opts.stop) */
};

/* Frees a log and everything in it; NULL is a no-op. */
void trace_log_free(struct trace_log *log);

#endif
