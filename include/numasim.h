/*
 * numasim.h - the public API of libnumasim: run a simulation of Linux NUMA
 * memory management from your own program.
 *
 * One opaque handle is one simulation: a machine (topology), tunables, a
 * workload trace, a clock, counters and reports. Handles share no state:
 * any number may live side by side in one process (one thread per handle
 * at a time). Every call that can fail returns an int: NUMASIM_OK (0) or a
 * negative NUMASIM_E_* code, and numasim_errmsg() gives the one-line
 * message, in the same words as the numasim command ("file:line: problem").
 *
 * Reference and a complete example: docs/api.md. Formats: topologies
 * docs/topology-format.md, traces docs/trace-format.md, reports
 * docs/report.md, tunables docs/cli.md.
 *
 * Build with:  cc prog.c $(pkg-config --cflags --libs numasim)
 * or CMake:    find_package(numasim) + target_link_libraries(t numasim::numasim)
 */
#ifndef NUMASIM_H
#define NUMASIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this header's API. A change of MAJOR is incompatible (and is
 * the shared library's SONAME, libnumasim.so.MAJOR); MINOR adds calls. */
#define NUMASIM_API_VERSION_MAJOR 1
#define NUMASIM_API_VERSION_MINOR 0
#define NUMASIM_API_VERSION (NUMASIM_API_VERSION_MAJOR * 100 + NUMASIM_API_VERSION_MINOR)

#if defined(__GNUC__)
#define NUMASIM_EXPORT __attribute__((visibility("default")))
#else
#define NUMASIM_EXPORT
#endif

/* Error codes (all negative; NUMASIM_OK is 0). */
enum numasim_error {
	NUMASIM_OK = 0,
	NUMASIM_E_ARG = -1, /* a bad argument: NULL, unknown report format, node out of range */
	NUMASIM_E_INPUT =
		-2, /* bad input: topology, trace, tunable value (the message names file, place, problem) */
	NUMASIM_E_STATE =
		-3, /* a call out of order: no topology yet, a trace after the run began, ... */
	NUMASIM_E_NOTFOUND = -4, /* no such tunable, counter, task or shipped name */
	NUMASIM_E_IO = -5,	 /* a file cannot be read or written */
	NUMASIM_E_NOMEM = -6,	 /* out of host memory */
};

typedef struct numasim numasim_t;

/* The API version of the library actually loaded (NUMASIM_API_VERSION it
 * was built with) and numasim's release, "0.1.0". */
NUMASIM_EXPORT int numasim_api_version(void);
NUMASIM_EXPORT const char *numasim_version(void);

/* A new, empty simulation (no topology yet); NULL only when out of memory. */
NUMASIM_EXPORT numasim_t *numasim_create(void);
/* Frees everything of h; h may be NULL. */
NUMASIM_EXPORT void numasim_destroy(numasim_t *h);

/* The last error's message ("" when the last call succeeded), valid until
 * the next call on h; the code of the last call. */
NUMASIM_EXPORT const char *numasim_errmsg(const numasim_t *h);
NUMASIM_EXPORT int numasim_errcode(const numasim_t *h);
/* A fixed description of an error code ("bad input", ...). */
NUMASIM_EXPORT const char *numasim_strerror(int code);

/* ---- the machine -------------------------------------------------------- */

/* Loads a topology: a path, or the name of a shipped one ("ring4"),
 * looked up as `numasim run -t NAME` does. Once per handle, before the
 * simulation starts. */
NUMASIM_EXPORT int numasim_load_topology(numasim_t *h, const char *path_or_name);
/* The same from JSON text; name (or NULL) is used in messages. */
NUMASIM_EXPORT int numasim_load_topology_string(numasim_t *h, const char *json, const char *name);
/* Nodes of the loaded topology; 0 before. */
NUMASIM_EXPORT int numasim_nr_nodes(const numasim_t *h);

/* ---- tunables ----------------------------------------------------------- */

/* Sets a tunable by name ("vm.zone_reclaim_mode", "sim.seed", ...) to a
 * value as `--set name=value` accepts it (units allowed: "64M"). Before the
 * simulation starts this is `--set`; afterwards it is a `sysctl` record
 * at the current time. */
NUMASIM_EXPORT int numasim_set(numasim_t *h, const char *name, const char *value);
/* The same from "name=value". */
NUMASIM_EXPORT int numasim_set_kv(numasim_t *h, const char *name_eq_value);
/* The value in force. */
NUMASIM_EXPORT int numasim_get(numasim_t *h, const char *name, int64_t *value);
/* Runs every `--check` invariant after each record and event (slow); on/off. */
NUMASIM_EXPORT int numasim_set_check(numasim_t *h, int on);
/* Samples memory per node every interval_ns of simulated time into the
 * report's "timeseries" (`--timeseries`); 0 turns it off. */
NUMASIM_EXPORT int numasim_set_timeseries(numasim_t *h, uint64_t interval_ns);

/* ---- the workload ------------------------------------------------------- */

/* A trace: a path or the name of a shipped workload ("default"). */
NUMASIM_EXPORT int numasim_trace_file(numasim_t *h, const char *path_or_name);
/* A trace from text (the whole trace, first line "# numasim trace v1");
 * name (or NULL: "string") names it in messages and reports. */
NUMASIM_EXPORT int numasim_trace_string(numasim_t *h, const char *text, const char *name);
/* Appends one line (a record, a comment or a blank line; no newline
 * needed). The "# numasim trace v1" line is put first when the first line
 * given is not it. */
NUMASIM_EXPORT int numasim_trace_line(numasim_t *h, const char *line);

/* A stream: the trace stays open while the simulation runs, and
 * numasim_trace_line() may append records between run calls (each is
 * checked when the replay reads it, and must not be earlier than
 * numasim_now()). Run calls stop when the records given so far have run;
 * the end comes after numasim_trace_end(). Call before the first run. */
NUMASIM_EXPORT int numasim_trace_stream(numasim_t *h);
/* No more lines: the next run call can reach the end. */
NUMASIM_EXPORT int numasim_trace_end(numasim_t *h);

/* ---- running -------------------------------------------------------------- */

/* Runs to the end of the trace and of the kernel activity it started.
 * The first run call validates the whole trace (as the command does), so
 * give the trace before; a handle with no trace runs an empty one. A
 * failed `expect` is not an error: see numasim_expects_failed(). */
NUMASIM_EXPORT int numasim_run(numasim_t *h);
/* Runs every record and event due at or before time_ns (simulated
 * nanoseconds) and leaves the clock at time_ns; call again to go on. */
NUMASIM_EXPORT int numasim_run_until(numasim_t *h, uint64_t time_ns);
/* 1 when the run has reached the end, else 0. */
NUMASIM_EXPORT int numasim_done(const numasim_t *h);
/* The simulated clock, in nanoseconds. */
NUMASIM_EXPORT uint64_t numasim_now(const numasim_t *h);

/* ---- counters (names as in the JSON report, docs/report.md) ------------- */

/* A node's counter: "total_pages", "free_pages", "anon_pages",
 * "file_pages", "file_mapped_pages", "slab_pages", "dirty_pages",
 * "active_anon", ... or a numastat one: "numa_hit", "numa_miss",
 * "numa_foreign", "interleave_hit", "local_node", "other_node". */
NUMASIM_EXPORT int numasim_node_counter(numasim_t *h, int node, const char *name, int64_t *value);
/* A /proc/vmstat counter by name ("pgfault", "pgmigrate_success"). */
NUMASIM_EXPORT int numasim_vmstat(numasim_t *h, const char *name, int64_t *value);
/* Accesses from CPUs of node cpu_node to memory of node mem_node. */
NUMASIM_EXPORT int numasim_access_count(numasim_t *h, int cpu_node, int mem_node, int64_t *value);
/* Every task in the report, in its order: how many, and the i-th pid. */
NUMASIM_EXPORT int numasim_nr_tasks(numasim_t *h);
NUMASIM_EXPORT int numasim_task_pid(numasim_t *h, int i);
/* A task's counter: "node", "cpu", "faults", "stall_ns",
 * "accesses.local", "pages_by_node.1", ... */
NUMASIM_EXPORT int numasim_task_counter(numasim_t *h, int pid, const char *name, int64_t *value);
/* Any number in the JSON report by its path, "." between keys and array
 * indices: "accesses.local_ratio", "nodes.1.numastat.numa_miss",
 * "accesses.matrix.0.1", "expects.failed". */
NUMASIM_EXPORT int numasim_counter(numasim_t *h, const char *path, double *value);
/* Expectations of the trace that held and that failed so far. */
NUMASIM_EXPORT int64_t numasim_expects_passed(numasim_t *h);
NUMASIM_EXPORT int64_t numasim_expects_failed(numasim_t *h);

/* ---- reports ------------------------------------------------------------ */

/* Writes a report of the simulation as it is now: format "text", "json"
 * or "html", the bytes `numasim run --format FORMAT` prints. */
NUMASIM_EXPORT int numasim_report_file(numasim_t *h, const char *format, FILE *out);
/* The same into a file, written to a temporary name and renamed into place. */
NUMASIM_EXPORT int numasim_report_path(numasim_t *h, const char *format, const char *path);
/* The same into a malloc'd, NUL-terminated buffer *buf of *len bytes
 * (len may be NULL); free it with numasim_free(). */
NUMASIM_EXPORT int numasim_report_buffer(numasim_t *h, const char *format, char **buf, size_t *len);
NUMASIM_EXPORT void numasim_free(void *p);

#ifdef __cplusplus
}
#endif

#endif
