/*
 * replay.c - drives a simulation from a trace (see replay.h).
 */
#include "trace/replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "sim.h"
#include "task/task.h"
#include "trace/replay_int.h"
#include "trace/trace.h"

/* ---- copying records that must wait --------------------------------------- */

static char *dup_str(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A record's strings and arrays point into the reader; a record that
 * waits in a task's queue needs its own copies. */
static struct pending *pending_new(const struct trace_record *r)
{
	struct pending *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->rec = *r;
	struct trace_record *c = &p->rec;

	/* Only fields whose key was given are meaningful (trace.h); the
	 * others may hold stale pointers into the reader's buffers. */
	c->text = dup_str(r->text);
	c->name = trace_has(r, TK_NAME) ? dup_str(r->name) : NULL;
	c->file = trace_has(r, TK_FILE) ? dup_str(r->file) : NULL;
	c->path = trace_has(r, TK_PATH) ? dup_str(r->path) : NULL;
	c->label = trace_has(r, TK_LABEL) ? dup_str(r->label) : NULL;
	c->device = trace_has(r, TK_DEVICE) ? dup_str(r->device) : NULL;
	c->cache = trace_has(r, TK_CACHE) ? dup_str(r->cache) : NULL;
	c->sysctl_name = r->op == OP_SYSCTL ? dup_str(r->sysctl_name) : NULL;
	c->sysctl_value = r->op == OP_SYSCTL ? dup_str(r->sysctl_value) : NULL;
	c->expect.counter = r->op == OP_EXPECT ? dup_str(r->expect.counter) : NULL;
	c->targets = NULL;
	c->expect.status = NULL;
	if (trace_has(r, TK_NODES) && r->ntargets) {
		int *t = malloc(r->ntargets * sizeof(int));

		if (t)
			memcpy(t, r->targets, r->ntargets * sizeof(int));
		c->targets = t;
	} else {
		c->ntargets = 0;
	}
	if (r->op == OP_EXPECT && r->expect.what == EXP_STATUS && r->expect.nstatus) {
		int *st = malloc(r->expect.nstatus * sizeof(int));

		if (st)
			memcpy(st, r->expect.status, r->expect.nstatus * sizeof(int));
		c->expect.status = st;
	}
	return p;
}

static void pending_free(struct pending *p)
{
	struct trace_record *c = &p->rec;

	free((char *)c->text);
	free((char *)c->name);
	free((char *)c->file);
	free((char *)c->path);
	free((char *)c->label);
	free((char *)c->device);
	free((char *)c->cache);
	free((char *)c->sysctl_name);
	free((char *)c->sysctl_value);
	free((char *)c->expect.counter);
	free((int *)c->targets);
	free((int *)c->expect.status);
	free(p);
}

/* ---- streams ---------------------------------------------------------------- */

static uint32_t stream_hash(int pid, uint32_t n)
{
	return ((uint32_t)pid * 2654435761u) & (n - 1);
}

static struct stream *stream_get(struct replay *rp, int pid, bool create)
{
	if (rp->nstreams && rp->streams) {
		for (uint32_t i = stream_hash(pid, rp->nslots);; i = (i + 1) & (rp->nslots - 1)) {
			if (!rp->streams[i])
				break;
			if (rp->streams[i]->pid == pid)
				return rp->streams[i];
		}
	}
	if (!create)
		return NULL;
	if ((rp->nstreams + 1) * 2 > rp->nslots) {
		uint32_t n = rp->nslots ? rp->nslots * 2 : 64;
		struct stream **h = calloc(n, sizeof(*h));

		if (!h)
			return NULL;
		for (uint32_t i = 0; i < rp->nslots; i++) {
			struct stream *st = rp->streams[i];

			if (!st)
				continue;
			uint32_t j = stream_hash(st->pid, n);

			while (h[j])
				j = (j + 1) & (n - 1);
			h[j] = st;
		}
		free(rp->streams);
		rp->streams = h;
		rp->nslots = n;
	}
	struct stream *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->pid = pid;
	uint32_t j = stream_hash(pid, rp->nslots);

	while (rp->streams[j])
		j = (j + 1) & (rp->nslots - 1);
	rp->streams[j] = st;
	rp->nstreams++;
	return st;
}

static void streams_free(struct replay *rp)
{
	for (uint32_t i = 0; i < rp->nslots; i++) {
		struct stream *st = rp->streams[i];

		if (!st)
			continue;
		while (st->head) {
			struct pending *p = st->head;

			st->head = p->next;
			pending_free(p);
		}
		free(st);
	}
	free(rp->streams);
}

/* Which stream a record belongs to: the acting task's, or none (global). */
static int record_stream(const struct trace_record *r)
{
	switch (r->op) {
	case OP_SPAWN: case OP_FILE: case OP_SYSCTL: case OP_DROP_CACHES:
	case OP_CPUSET: case OP_KMALLOC: case OP_SNAPSHOT:
		return -1;
	case OP_EXPECT:
		return r->expect.has_pid ? r->expect.pid : -1;
	default:
		break;
	}
	if (trace_has(r, TK_AS_PID))
		return r->as_pid;
	return trace_has(r, TK_PID) ? r->pid : -1;
}

/* ---- executing ------------------------------------------------------------- */

static void run_stream_event(void *ctx, uint64_t pid);

static void ignore_event(void *ctx, uint64_t arg)
{
	(void)ctx;
	(void)arg;
}
static void run_global_event(void *ctx, uint64_t arg);

static void schedule_stream(struct replay *rp, struct stream *st)
{
	struct pending *p = st->head;
	uint64_t start = p->rec.time_ns > st->busy_until ? p->rec.time_ns : st->busy_until;

	if (p->resume_at > start)
		start = p->resume_at;
	st->scheduled = true;
	if (engine_at(&rp->s->eng, start, run_stream_event, rp, (uint64_t)(uint32_t)st->pid))
		rp->failed_alloc = true;
}

/* Runs rec now for stream st (NULL for a global record), continuing from
 * *state. Returns true when the record finished, false when it blocked
 * (*resume_at set to when it may go on). */
static bool execute(struct replay *rp, struct stream *st, struct op_state *state,
		    uint64_t *resume_at, const struct trace_record *r)
{
	struct op_outcome out = {0};
	struct sim *s = rp->s;
	uint64_t end;

	if (s->explain) {
		sim_explain_flush(s);
		sim_explain(s, "t=%.6f ms  line %lu: %s\n", (double)sim_now(s) / 1e6, r->line,
			    r->text ? r->text : trace_op_name(r->op));
	}
	replay_op(rp, r, state, &out);
	if (rp->fatal)
		return true;
	end = sim_now(s) + out.cost_ns;
	if (st)
		st->busy_until = end;
	if (out.blocked_until) {
		*resume_at = out.blocked_until > end ? out.blocked_until : end;
		return false;
	}
	rp->log->executed++;
	if (s->check && sim_check(s, &rp->err)) {
		nerr_prefix(&rp->err, "%s:%lu: --check after this record", rp->path, r->line);
		rp->fatal = true;
	}
	return true;
}

static void run_stream_event(void *ctx, uint64_t arg)
{
	struct replay *rp = ctx;
	struct stream *st = stream_get(rp, (int)(uint32_t)arg, false);

	if (!st || !st->head || rp->fatal)
		return;
	st->scheduled = false;
	struct pending *p = st->head;

	if (!execute(rp, st, &p->state, &p->resume_at, &p->rec)) {
		schedule_stream(rp, st);
		return;
	}
	st->head = p->next;
	if (!st->head)
		st->tail = NULL;
	pending_free(p);
	if (st->head)
		schedule_stream(rp, st);
}

static void run_global_event(void *ctx, uint64_t arg)
{
	struct replay *rp = ctx;
	struct pending *p = (struct pending *)(uintptr_t)arg;

	if (!rp->fatal && !execute(rp, NULL, &p->state, &p->resume_at, &p->rec)) {
		/* Global records do not block; a blocked one would be a bug. */
		nerr_set(&rp->err, "%s:%lu: internal error: global record blocked", rp->path,
			 p->rec.line);
		rp->fatal = true;
	}
	pending_free(p);
}

/* Takes a record read from the file: runs it now when nothing can come
 * before it, else queues it. */
static void dispatch(struct replay *rp, const struct trace_record *r)
{
	struct sim *s = rp->s;
	int pid = record_stream(r);
	struct stream *st = pid >= 0 ? stream_get(rp, pid, true) : NULL;
	bool idle = !st || (!st->head && st->busy_until <= r->time_ns);
	struct op_state state = {0};
	uint64_t resume_at = 0;
	bool blocked = false;

	if (pid >= 0 && !st) {
		rp->failed_alloc = true;
		return;
	}
	/* A record of a task not created yet (its fork is still queued in the
	 * parent's stream) waits until replay_task_created(). */
	bool unborn = st && !st->stillborn && !task_find(s, pid);

	/* Fast path: nothing is due before this record and its task is idle. */
	if (idle && !unborn && r->time_ns < engine_next_time(&s->eng)) {
		engine_run_until(&s->eng, r->time_ns);
		if (execute(rp, st, &state, &resume_at, r))
			return;
		blocked = true;   /* queue it with its progress */
	}
	struct pending *p = pending_new(r);

	if (!p) {
		rp->failed_alloc = true;
		return;
	}
	if (blocked) {
		p->state = state;
		p->resume_at = resume_at;
	}
	if (!st) {
		if (engine_at(&s->eng, r->time_ns, run_global_event, rp, (uint64_t)(uintptr_t)p))
			rp->failed_alloc = true;
		return;
	}
	if (st->tail)
		st->tail->next = p;
	else
		st->head = p;
	st->tail = p;
	if (!st->scheduled && st->head == p && !unborn)
		schedule_stream(rp, st);
}

void replay_task_created(struct replay *rp, int pid)
{
	struct stream *st = stream_get(rp, pid, false);

	if (st)
		st->stillborn = false;
	if (st && st->head && !st->scheduled)
		schedule_stream(rp, st);
}

void replay_task_stillborn(struct replay *rp, int pid)
{
	struct stream *st = stream_get(rp, pid, true);

	if (!st) {
		rp->failed_alloc = true;
		return;
	}
	st->stillborn = true;
	/* records already waiting for the task run now, to be skipped */
	if (st->head && !st->scheduled)
		schedule_stream(rp, st);
}

bool replay_task_is_stillborn(struct replay *rp, int pid)
{
	struct stream *st = stream_get(rp, pid, false);

	return st && st->stillborn;
}

/* Records still queued at the end belong to tasks that never came to be. */
static int check_unborn(struct replay *rp)
{
	for (uint32_t i = 0; i < rp->nslots; i++) {
		struct stream *st = rp->streams[i];

		if (st && st->head)
			return nerr_set(&rp->err, "%s:%lu: no task with pid %d (never spawned)", rp->path,
					st->head->rec.line, st->pid);
	}
	return 0;
}

/* ---- the main loop ---------------------------------------------------------- */

static void progress(struct replay *rp, bool final)
{
	if (!rp->opts.progress)
		return;
	fprintf(stderr, "\rnumasim: %llu/%llu records, t=%.3f ms%s",
		(unsigned long long)rp->log->executed, (unsigned long long)rp->log->records,
		(double)sim_now(rp->s) / 1e6, final ? "\n" : "");
}

static void sample_until(struct replay *rp, uint64_t t)
{
	uint64_t iv = rp->opts.timeseries_ns;

	if (!iv)
		return;
	while (rp->next_sample <= t && rp->next_sample != UINT64_MAX) {
		engine_run_until(&rp->s->eng, rp->next_sample);
		report_add_sample(rp->s);
		rp->next_sample += iv;
	}
}

static int replay_loop(struct replay *rp, struct trace_reader *rd)
{
	struct sim *s = rp->s;
	struct trace_record rec;
	bool have = false, eof = false;
	uint64_t n = 0;

	while (!rp->fatal && !rp->failed_alloc) {
		if (!have && !eof) {
			int rc = trace_next(rd, &rec, &rp->err);

			if (rc < 0)
				return -1;
			have = rc > 0;
			eof = rc == 0;
		}
		uint64_t tf = have ? rec.time_ns : UINT64_MAX;
		uint64_t te = engine_next_time(&s->eng);

		if (tf == UINT64_MAX && te == UINT64_MAX)
			break;
		sample_until(rp, tf < te ? tf : te);
		if (have && tf < te) {
			dispatch(rp, &rec);
			have = false;
			if ((++n & 0xfffff) == 0)
				progress(rp, false);
		} else {
			engine_step(&s->eng);
			/* kswapd, writeback and migration run as events too */
			if (s->check && !rp->fatal && sim_check(s, &rp->err)) {
				nerr_prefix(&rp->err, "%s: --check after an event at t=%llu ns", rp->path,
					    (unsigned long long)sim_now(s));
				rp->fatal = true;
			}
		}
	}
	if (rp->failed_alloc && !rp->fatal)
		return nerr_set(&rp->err, "%s: out of host memory during replay", rp->path);
	if (!rp->fatal && check_unborn(rp))
		return -1;
	if (!rp->fatal && rp->opts.timeseries_ns) {
		sample_until(rp, sim_now(s));
		report_add_sample(s);
	}
	progress(rp, true);
	sim_explain_flush(s);
	return rp->fatal ? -1 : 0;
}

int replay_run(struct sim *s, const char *trace, const struct replay_opts *opts,
	       struct nerr *err)
{
	uint64_t nrec = 0;

	struct trace_params params = {0};
	uint64_t *node_bytes = calloc((size_t)s->topo->nr_nodes, sizeof(*node_bytes));

	if (!node_bytes)
		return nerr_set(err, "out of host memory");
	if (opts && opts->params)
		params = *opts->params;
	/* relative sizes (P%nodeN) are measured on this topology */
	for (int n = 0; n < s->topo->nr_nodes; n++)
		node_bytes[n] = s->topo->nodes[n].memory_bytes;
	params.node_bytes = node_bytes;
	params.nr_nodes = s->topo->nr_nodes;
	params.page_size = s->topo->page_size;
	params.topo_name = s->topo->name;

	struct trace_reader *rd = NULL;

	if (trace_validate_params(trace, &params, &nrec, err) == 0)
		rd = trace_open_params(trace, &params, err);
	free(node_bytes);

	if (!rd)
		return -1;
	trace_reader_set_nodes(rd, (unsigned)s->topo->nr_nodes, (unsigned)s->topo->nr_cpus);
	struct trace_log *log = calloc(1, sizeof(*log));
	struct replay *rp = calloc(1, sizeof(*rp));

	if (!log || !rp) {
		free(log);
		free(rp);
		trace_close(rd);
		return nerr_set(err, "out of host memory");
	}
	log->workload_name = strdup(trace_name(rd));
	log->workload_path = strdup(trace_path(rd));
	log->nr_params = trace_param_count(rd);
	log->param_names = calloc((size_t)log->nr_params + 1, sizeof(char *));
	log->param_values = calloc((size_t)log->nr_params + 1, sizeof(char *));
	for (int i = 0; log->param_names && log->param_values && i < log->nr_params; i++) {
		log->param_names[i] = strdup(trace_param_name(rd, i));
		log->param_values[i] = strdup(trace_param_value(rd, i));
	}
	if (!log->param_names || !log->param_values)
		log->nr_params = 0;
	log->records = nrec;
	log->sample_interval_ns = opts ? opts->timeseries_ns : 0;
	s->log = log;
	rp->s = s;
	rp->log = log;
	rp->path = log->workload_path;
	if (opts)
		rp->opts = *opts;
	rp->next_sample = rp->opts.timeseries_ns ? 0 : UINT64_MAX;

	int rc = replay_loop(rp, rd);

	if (rc)
		*err = rp->err;
	streams_free(rp);
	/* After an error, global records may still wait in the queue. */
	for (uint64_t i = 0; i < s->eng.len; i++) {
		if (s->eng.heap[i].fn == run_global_event) {
			pending_free((struct pending *)(uintptr_t)s->eng.heap[i].arg);
			s->eng.heap[i].fn = ignore_event;
		}
	}
	free(rp);
	trace_close(rd);
	return rc;
}

void trace_log_free(struct trace_log *log)
{
	if (!log)
		return;
	for (uint64_t i = 0; i < log->nr_results; i++)
		free(log->results[i].status);
	free(log->results);
	for (uint64_t i = 0; i < log->nr_failures; i++)
		free(log->failures[i]);
	free(log->failures);
	for (uint64_t i = 0; i < log->nr_snapshots; i++)
		report_json_decref(log->snapshots[i]);
	free(log->snapshots);
	for (uint64_t i = 0; i < log->nr_samples; i++)
		report_json_decref(log->samples[i]);
	free(log->samples);
	for (int i = 0; log->param_names && log->param_values && i < log->nr_params; i++) {
		free(log->param_names[i]);
		free(log->param_values[i]);
	}
	free(log->param_names);
	free(log->param_values);
	free(log->workload_name);
	free(log->workload_path);
	free(log);
}
