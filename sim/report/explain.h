/*
 * explain.h - the narration sink of `numasim explain` (docs/cli.md).
 *
 * The model calls sim_explain() at each decision; the replay brackets
 * each record with explain_record_begin()/explain_record_pause(). The
 * sink owns everything about what gets printed: the level, the --pid and
 * --from/--to filters, and the collapsing of repeats. It is created by
 * the caller and handed to the simulation (s->explain), so struct sim
 * holds no narration state of its own.
 *
 * Levels:
 *  - all: every record and every decision, as they happen;
 *  - decisions (default): a decision already narrated for the record is
 *    counted, not printed again; consecutive records of the same op whose
 *    decisions read the same are printed once and counted; a record
 *    resumed after blocking continues its first narration;
 *  - summary: records only (no decisions), consecutive records of the
 *    same op collapsed; failed expects and OOM kills are still shown.
 */
#ifndef NUMASIM_REPORT_EXPLAIN_H
#define NUMASIM_REPORT_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum explain_level { EXPLAIN_SUMMARY, EXPLAIN_DECISIONS, EXPLAIN_ALL };

struct explain_filter {
	enum explain_level level;
	int pid;		 /* only this task's records; -1 all */
	uint64_t from_ns, to_ns; /* window of simulated time; to_ns UINT64_MAX: open */
};

struct explain;

struct explain *explain_create(FILE *out, const struct explain_filter *f);
/* Flushes what is pending and frees the sink. */
void explain_destroy(struct explain *x);

/* A record starts (or resumes after blocking) at time now. */
void explain_record_begin(struct explain *x, uint64_t now, unsigned long line, int pid, int op,
			  const char *text);
/* The record stopped running (finished or blocked). */
void explain_record_pause(struct explain *x);
/* One line of narration (ends with '\n'); important lines (failed
 * expects, OOM kills) show at every level. */
void explain_line(struct explain *x, uint64_t now, const char *line, bool important);
/* Prints everything pending (end of the run). */
void explain_flush(struct explain *x);

#endif
