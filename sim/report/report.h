/*
 * report.h - what a run reports (docs/report.md): text for people, JSON for
 * scripts, HTML for a visual report; numa_maps lines as the kernel's
 * show_numa_map() prints them; snapshots and timeseries samples.
 *
 * Reports read counters and never change the model.
 */
#ifndef NUMASIM_REPORT_REPORT_H
#define NUMASIM_REPORT_REPORT_H

#include <stdint.h>
#include <stdio.h>

struct sim;
struct task;
struct json_t;
struct trace_log; /* report/runlog.h: the replay's log, NULL before any replay */

/* The docs/report.md object of s and the log of the replay that ran on
 * it (caller decrefs with report_json_decref). */
struct json_t *report_json(struct sim *s, const struct trace_log *log);
void report_json_decref(struct json_t *j);
/* Writes the JSON report; 0 or -1. */
int report_write_json(struct sim *s, const struct trace_log *log, FILE *out);
void report_write_text(struct sim *s, const struct trace_log *log, FILE *out);
void report_write_html(struct sim *s, const struct trace_log *log, FILE *out);

/* `snapshot` records and --timeseries samples, kept in the replay's log. */
void report_add_snapshot(struct sim *s, struct trace_log *log, const char *label);
void report_add_sample(struct sim *s, struct trace_log *log);

/* A vmstat counter by its /proc/vmstat name; -1 if unknown. */
int report_vmstat_value(struct sim *s, const char *name, uint64_t *out);

/*
 * Calls fn with each numa_maps line of t's address space, in address
 * order, formatted exactly as show_numa_map() (fs/proc/task_mmu.c).
 */
typedef void (*numa_maps_fn)(void *ctx, const char *line);
void numa_maps_show(struct sim *s, struct task *t, numa_maps_fn fn, void *ctx);

/* The report's version string: "numasim X.Y.Z". */
const char *report_version(void);

#endif
