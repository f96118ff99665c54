/*
 * replay_int.h - the replay's internals, shared by replay.c (the event
 * loop) and replay_ops.c (what each op does).
 */
#ifndef NUMASIM_TRACE_REPLAY_INT_H
#define NUMASIM_TRACE_REPLAY_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/hashmap.h"
#include "task/access.h"
#include "trace/replay.h"
#include "trace/trace.h"

struct sim;

/* Progress of a record that blocked (touch/access on a migration entry). */
struct op_state {
	bool started;
	struct access_op acc;
};

/* A record waiting in a task's queue, with copies of its strings. */
struct pending {
	struct pending *next;
	struct trace_record rec;
	struct op_state state;
	uint64_t resume_at;
};

/* One task's stream of records. */
struct stream {
	int pid;
	struct pending *head, *tail;
	bool scheduled;	     /* an engine event will run head */
	uint64_t busy_until; /* when its previous record finished */
	bool stillborn;	     /* its fork/thread record was skipped: it never comes */
};

struct replay {
	struct sim *s;
	struct trace_log *log;
	const char *path;
	struct replay_opts opts;
	struct hashmap streams; /* pid -> struct stream * */
	uint64_t next_sample;
	struct trace_reader *rd; /* the trace, read one record at a time */
	struct trace_record rec; /* the record read and not yet dispatched */
	bool have, eof;		 /* rec holds one; the reader is at the end */
	bool done;		 /* trace and events finished */
	bool stream;		 /* the trace may still grow: its end is not the end */
	uint64_t nrecords_read;
	uint64_t progress_start_ns, progress_next_ns; /* host clock (--progress) */
	uint64_t progress_printed;		      /* lines printed */
	bool fatal;				      /* stop: err holds why */
	/* --check's schedule (check_due(), docs/model.md §3) */
	uint64_t check_interval, check_since, checks_at_interval;
	bool failed_alloc;
	/* sim.run_to_idle=0: records read and not finished, and when the
	 * last finished record ended (the trace's end) */
	uint64_t unfinished, trace_end_ns;
	struct nerr err;
};

struct op_outcome {
	uint64_t cost_ns;	/* time the acting task spent */
	uint64_t blocked_until; /* non-zero: blocked, run again then */
};

/* Executes one record at the current simulated time. */
void replay_op(struct replay *rp, const struct trace_record *r, struct op_state *state,
	       struct op_outcome *out);

/* A task was created: its stream may hold records waiting for it. */
void replay_task_created(struct replay *rp, int pid);

/* The fork or thread record creating pid was skipped (its caller had
 * exited or was OOM-killed): the task never comes to be, and its records
 * are skipped and counted like those of an exited task. */
void replay_task_stillborn(struct replay *rp, int pid);
bool replay_task_is_stillborn(struct replay *rp, int pid);

/* Evaluates an `expect` record (expect_eval.c). */
void replay_expect(struct replay *rp, const struct trace_record *r);

#endif
