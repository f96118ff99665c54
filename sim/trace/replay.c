/*
 * replay.c - drives a simulation from a trace (see replay.h).
 */
#include "trace/replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/hashmap.h"
#include "mm/swap.h"
#include "report/explain.h"
#include "report/report.h"
#include "sim.h"
#include "task/task.h"
#include "trace/replay_int.h"
#include "trace/trace_int.h"
#include "trace/trace.h"

/* ---- copying records that must wait --------------------------------------- */

static char *dup_str(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A record's strings and arrays point into the reader; a record that
 * waits in a task's queue needs its own copies. */
static void pending_free(struct pending *p);

static struct pending *pending_new(const struct trace_record *r)
{
	struct pending *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->rec = *r;
	struct trace_record *c = &p->rec;
	bool lost = false;

	/* Only fields whose key was given are meaningful (trace.h); the
	 * others may hold stale pointers into the reader's buffers. A
	 * compiled touch/access record has no text, only where to find it. */
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
		lost |= !t;
	} else {
		c->ntargets = 0;
	}
	if (r->op == OP_EXPECT && r->expect.what == EXP_STATUS && r->expect.nstatus) {
		int *st = malloc(r->expect.nstatus * sizeof(int));

		if (st)
			memcpy(st, r->expect.status, r->expect.nstatus * sizeof(int));
		c->expect.status = st;
		lost |= !st;
	}
	/* a copy that failed for want of host memory is no copy */
	lost |= (r->text && !c->text) || (c->name == NULL && trace_has(r, TK_NAME) && r->name) ||
		(c->file == NULL && trace_has(r, TK_FILE) && r->file) ||
		(c->path == NULL && trace_has(r, TK_PATH) && r->path) ||
		(c->label == NULL && trace_has(r, TK_LABEL) && r->label) ||
		(c->device == NULL && trace_has(r, TK_DEVICE) && r->device) ||
		(c->cache == NULL && trace_has(r, TK_CACHE) && r->cache) ||
		(r->op == OP_SYSCTL &&
		 ((r->sysctl_name && !c->sysctl_name) || (r->sysctl_value && !c->sysctl_value))) ||
		(r->op == OP_EXPECT && r->expect.counter && !c->expect.counter);
	if (lost) {
		pending_free(p);
		return NULL;
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

/* The stream of pid, made when create is set and it has none; NULL when
 * it has none, or host memory ran out (sim's host_oom says so). Streams
 * are keyed by pid in the simulator's one hash table (core/hashmap.h). */
static struct stream *stream_get(struct replay *rp, int pid, bool create)
{
	uint64_t v;

	if (hashmap_get(&rp->streams, (uint64_t)(uint32_t)pid, &v))
		return (struct stream *)(uintptr_t)v;
	if (!create)
		return NULL;
	struct stream *st = sim_calloc(rp->s, 1, sizeof(*st));

	if (!st)
		return NULL;
	st->pid = pid;
	if (hashmap_put(&rp->streams, (uint64_t)(uint32_t)pid, (uint64_t)(uintptr_t)st)) {
		free(st);
		return NULL;
	}
	return st;
}

static void streams_free(struct replay *rp)
{
	size_t pos = 0;
	uint64_t key, v;

	while (hashmap_next(&rp->streams, &pos, &key, &v)) {
		struct stream *st = (struct stream *)(uintptr_t)v;

		while (st->head) {
			struct pending *p = st->head;

			st->head = p->next;
			pending_free(p);
		}
		free(st);
	}
	hashmap_free(&rp->streams);
}

/* Which stream a record belongs to: the acting task's, or none (global). */
static int record_stream(const struct trace_record *r)
{
	switch (r->op) {
	case OP_SPAWN:
	case OP_FILE:
	case OP_SYSCTL:
	case OP_DROP_CACHES:
	case OP_CPUSET:
		return -1;
	case OP_SNAPSHOT: /* with pid=, it waits for P's previous record */
	case OP_KMALLOC:  /* with pid=, P allocates: after P's previous record */
		return trace_has(r, TK_PID) ? r->pid : -1;
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

/*
 * --check's cost bound (docs/model.md §3). A full check costs O(frames +
 * swap slots + free blocks + LRU pages) - "frames" below counts swap
 * slots too - so checking after every record and event of
 * a large machine was quadratic (numa16 + migrate: over 120 s). A check
 * runs every check_interval records and events, starting at 1 on
 * machines up to 262144 frames (1 GiB of 4 KiB pages) and one more per
 * 262144 frames above; after every "step" of checks the interval
 * doubles, a step being as many checks as visit 2^28 frames (1024 on a
 * 1 GiB machine, 64 on 16 GiB, never fewer than 16). A run thus makes
 * O(step x log(events)) checks, and a final check runs at the end.
 * Deterministic: the schedule counts records and events, never time.
 */
#define REPLAY_CHECK_FRAMES 262144ULL
#define REPLAY_CHECK_STEP_FRAMES (1ULL << 28)

static bool check_due(struct replay *rp)
{
	/* a check visits every frame and every swap slot */
	uint64_t frames = rp->s->mem.f.nr + (rp->s->swap ? rp->s->swap->nslots : 0) + 1;
	uint64_t step = REPLAY_CHECK_STEP_FRAMES / frames;

	if (!rp->s->check)
		return false;
	if (!rp->check_interval)
		rp->check_interval =
			(rp->s->mem.f.nr + REPLAY_CHECK_FRAMES - 1) / REPLAY_CHECK_FRAMES;
	if (!rp->check_interval)
		rp->check_interval = 1;
	if (++rp->check_since < rp->check_interval)
		return false;
	rp->check_since = 0;
	if (++rp->checks_at_interval >= (step > 16 ? step : 16)) {
		rp->checks_at_interval = 0;
		rp->check_interval =
			rp->check_interval > UINT64_MAX / 2 ? UINT64_MAX : rp->check_interval * 2;
	}
	return true;
}

/* A host allocation failed (core/hostmem.h): the replay stops, naming
 * the record (r) or, for a kernel event, the time. Never a simulated
 * event: nothing of this run reaches a report. */
static bool host_oom(struct replay *rp)
{
	return rp->s->host_oom || rp->s->eng.host_oom || rp->failed_alloc;
}

static void stop_host_oom(struct replay *rp, const struct trace_record *r)
{
	if (rp->fatal)
		return;
	if (r)
		nerr_set(&rp->err, "%s:%lu: out of host memory (record '%.200s')", rp->path,
			 r->line, trace_record_text(rp->rd, r));
	else
		nerr_set(&rp->err, "%s: out of host memory at t=%llu ns (in a kernel event)",
			 rp->path, (unsigned long long)sim_now(rp->s));
	rp->fatal = true;
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

	if (s->explain)
		explain_record_begin(s->explain, sim_now(s), r->line, r->pid, (int)r->op,
				     trace_record_text(rp->rd, r));
	replay_op(rp, r, state, &out);
	if (!rp->fatal && host_oom(rp))
		stop_host_oom(rp, r);
	if (s->explain)
		explain_record_pause(s->explain);
	if (rp->fatal)
		return true;
	end = u64_sat_add(sim_now(s), out.cost_ns);
	if (st)
		st->busy_until = end;
	if (out.blocked_until) {
		*resume_at = out.blocked_until > end ? out.blocked_until : end;
		return false;
	}
	if (end > rp->trace_end_ns)
		rp->trace_end_ns = end;
	rp->log->executed++;
	if (check_due(rp) && sim_check(s, &rp->err)) {
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
	rp->unfinished--;
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
	rp->unfinished--;
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
		blocked = true; /* queue it with its progress */
	}
	struct pending *p = pending_new(r);

	if (!p) {
		rp->failed_alloc = true;
		return;
	}
	rp->unfinished++;
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

/* Records still queued at the end belong to tasks that never came to be:
 * the error names the earliest such record (by line, whatever order the
 * table holds the streams in). */
static int check_unborn(struct replay *rp)
{
	const struct stream *first = NULL;
	size_t pos = 0;
	uint64_t key, v;

	while (hashmap_next(&rp->streams, &pos, &key, &v)) {
		const struct stream *st = (const struct stream *)(uintptr_t)v;

		if (st->head && (!first || st->head->rec.line < first->head->rec.line))
			first = st;
	}
	if (first)
		return nerr_set(&rp->err, "%s:%lu: no task with pid %d (never spawned)", rp->path,
				first->head->rec.line, first->pid);
	return 0;
}

/* ---- the main loop ---------------------------------------------------------- */

static uint64_t host_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * The --progress line, by host time: looked at after every record and
 * every engine event, printed once a second (a trace of a few heavy
 * records shows progress as well as one of millions of light ones).
 * It goes to stderr only, so reports stay byte-identical.
 */
static void progress(struct replay *rp, bool final)
{
	if (!rp->opts.progress)
		return;
	uint64_t now = host_now_ns();
	uint64_t iv = rp->opts.progress_interval_ns ? rp->opts.progress_interval_ns : 1000000000ULL;

	if (!rp->progress_start_ns) {
		rp->progress_start_ns = now;
		rp->progress_next_ns = now + iv;
	}
	if (!final && now < rp->progress_next_ns)
		return;
	if (final && !rp->progress_printed)
		return; /* a run shorter than the interval prints nothing */
	double secs = (double)(now - rp->progress_start_ns) / 1e9;

	rp->progress_next_ns = now + iv;
	rp->progress_printed++;
	fprintf(stderr, "\rnumasim: %llu/%llu records, simulated t=%.3f ms, %.0f records/s%s",
		(unsigned long long)rp->log->executed, (unsigned long long)rp->log->records,
		(double)sim_now(rp->s) / 1e6, secs > 0 ? (double)rp->log->executed / secs : 0.0,
		final ? "\n" : "");
}

static void sample_until(struct replay *rp, uint64_t t)
{
	uint64_t iv = rp->opts.timeseries_ns;

	if (!iv)
		return;
	while (rp->next_sample <= t && rp->next_sample != UINT64_MAX) {
		if (rp->log->nr_samples >= REPLAY_MAX_SAMPLES) {
			nerr_set(&rp->err,
				 "%s: --timeseries: more than %d samples at t=%llu ns: "
				 "choose a larger interval",
				 rp->path, REPLAY_MAX_SAMPLES, (unsigned long long)rp->next_sample);
			rp->fatal = true;
			rp->next_sample = UINT64_MAX;
			return;
		}
		engine_run_until(&rp->s->eng, rp->next_sample);
		report_add_sample(rp->s, rp->log);
		rp->next_sample += iv;
	}
}

/* What is left once the trace and the events are done. */
static int replay_finish(struct replay *rp)
{
	struct sim *s = rp->s;

	rp->done = true;
	if (host_oom(rp))
		stop_host_oom(rp, NULL);
	if (!rp->fatal && s->check && sim_check(s, &rp->err)) {
		nerr_prefix(&rp->err, "%s: --check at the end of the replay", rp->path);
		rp->fatal = true;
	}
	if (!rp->fatal && !rp->log->interrupted && check_unborn(rp))
		return -1;
	if (!rp->fatal && rp->opts.timeseries_ns) {
		sample_until(rp, sim_now(s));
		report_add_sample(s, rp->log);
	}
	progress(rp, true);
	if (s->explain)
		explain_flush(s->explain);
	return rp->fatal ? -1 : 0;
}

/* Reads the next record into rp->rec; in a stream, one whose time has
 * already passed is an error (it would run late). */
static int read_record(struct replay *rp)
{
	int rc = trace_next(rp->rd, &rp->rec, &rp->err);

	if (rc < 0) {
		rp->fatal = true;
		return -1;
	}
	rp->have = rc > 0;
	rp->eof = rc == 0;
	if (!rp->have)
		return 0;
	/* a stream's records are counted as they come */
	if (++rp->nrecords_read > rp->log->records)
		rp->log->records = rp->nrecords_read;
	if (!rp->stream)
		return 0;
	if (rp->rec.time_ns < sim_now(rp->s)) {
		char t[32], now[32];

		nerr_set(&rp->err,
			 "%s:%lu: the record's time %s is before the simulated time already "
			 "reached (%s)",
			 rp->path, rp->rec.line, trace_format_time(rp->rec.time_ns, t, sizeof(t)),
			 trace_format_time(sim_now(rp->s), now, sizeof(now)));
		rp->fatal = true;
		return -1;
	}
	return 0;
}

/* Runs records and events due at or before until; 1 when everything
 * ran, 0 when the next one is later than until, -1 on error. */
static int replay_loop(struct replay *rp, uint64_t until)
{
	struct sim *s = rp->s;

	while (!rp->fatal) {
		if (rp->opts.stop && *rp->opts.stop) {
			rp->log->interrupted = true;
			break;
		}
		if (!rp->have && !rp->eof && read_record(rp) < 0)
			return -1;
		uint64_t tf = rp->have ? rp->rec.time_ns : UINT64_MAX;
		uint64_t te = engine_next_time(&s->eng);

		if (!rp->have && rp->eof && !rp->unfinished && !rp->stream &&
		    !tun(&s->tun, TUN_SIM_RUN_TO_IDLE)) {
			/* sim.run_to_idle=0: the trace is done; the kernel's work
			 * due by the end of its last record runs, the rest is left */
			sample_until(rp, rp->trace_end_ns);
			engine_run_until(&s->eng, rp->trace_end_ns);
			break;
		}

		if (tf == UINT64_MAX && te == UINT64_MAX) {
			if (!rp->stream)
				break;
			/* a stream that has nothing more yet: wait for it at until */
			if (until != UINT64_MAX) {
				sample_until(rp, until);
				engine_run_until(&s->eng, until);
			}
			return 0;
		}
		if ((tf < te ? tf : te) > until) {
			/* stop at until: nothing is due before it */
			sample_until(rp, until);
			engine_run_until(&s->eng, until);
			return 0;
		}
		sample_until(rp, tf < te ? tf : te);
		if (rp->have && tf < te) {
			dispatch(rp, &rp->rec);
			if (host_oom(rp))
				stop_host_oom(rp, &rp->rec);
			rp->have = false;
			progress(rp, false);
		} else {
			engine_step(&s->eng);
			progress(rp, false);
			if (host_oom(rp))
				stop_host_oom(rp, NULL);
			/* kswapd, writeback and migration run as events too */
			if (!rp->fatal && check_due(rp) && sim_check(s, &rp->err)) {
				nerr_prefix(&rp->err, "%s: --check after an event at t=%llu ns",
					    rp->path, (unsigned long long)sim_now(s));
				rp->fatal = true;
			}
		}
	}
	if (replay_finish(rp)) {
		rp->fatal = true;
		return -1;
	}
	return 1;
}

struct replay *replay_begin(struct sim *s, const char *trace, const struct replay_opts *opts,
			    struct nerr *err)
{
	uint64_t nrec = 0;

	struct trace_params params = {0};
	struct trace_reader *rd = NULL;
	uint64_t last_ns = 0;
	uint64_t *node_bytes = calloc((size_t)s->topo->nr_nodes, sizeof(*node_bytes));

	if (!node_bytes) {
		nerr_set(err, "out of host memory");
		return NULL;
	}
	if (opts && opts->params)
		params = *opts->params;
	/* relative sizes (P%nodeN) are measured on this topology */
	for (int n = 0; n < s->topo->nr_nodes; n++)
		node_bytes[n] = s->topo->nodes[n].memory_bytes;
	params.node_bytes = node_bytes;
	params.nr_nodes = s->topo->nr_nodes;
	params.page_size = s->topo->page_size;
	params.topo_name = s->topo->name;

	int vrc = trace_validate_open(trace, &params, &nrec, &last_ns, &rd, err);

	free(node_bytes);
	if (vrc)
		return NULL;
	if (opts && opts->timeseries_ns && last_ns / opts->timeseries_ns >= REPLAY_MAX_SAMPLES) {
		char a[32], b[32];

		trace_close(rd);
		nerr_set(err,
			 "--timeseries %s: the trace runs to %s, more than %d samples: "
			 "choose a larger interval",
			 trace_format_time(opts->timeseries_ns, a, sizeof(a)),
			 trace_format_time(last_ns, b, sizeof(b)), REPLAY_MAX_SAMPLES);
		return NULL;
	}
	trace_reader_set_nodes(rd, (unsigned)s->topo->nr_nodes, (unsigned)s->topo->nr_cpus);
	struct trace_log *log = sim_calloc(s, 1, sizeof(*log));
	struct replay *rp = sim_calloc(s, 1, sizeof(*rp));

	if (log) {
		log->workload_name = sim_strdup(s, trace_name(rd));
		log->workload_path = sim_strdup(s, trace_path(rd));
	}
	if (!log || !rp || !log->workload_name || !log->workload_path) {
		trace_log_free(log);
		free(rp);
		trace_close(rd);
		nerr_set(err, "out of host memory");
		return NULL;
	}
	hashmap_init(&rp->streams);
	rp->streams.oom = &s->host_oom;
	log->nr_params = trace_param_count(rd);
	log->param_names = sim_calloc(s, (size_t)log->nr_params + 1, sizeof(char *));
	log->param_values = sim_calloc(s, (size_t)log->nr_params + 1, sizeof(char *));
	for (int i = 0; log->param_names && log->param_values && i < log->nr_params; i++) {
		log->param_names[i] = sim_strdup(s, trace_param_name(rd, i));
		log->param_values[i] = sim_strdup(s, trace_param_value(rd, i));
	}
	if (!log->param_names || !log->param_values)
		log->nr_params = 0;
	log->records = nrec;
	log->sample_interval_ns = opts ? opts->timeseries_ns : 0;
	rp->s = s;
	rp->log = log;
	rp->rd = rd;
	rp->path = log->workload_path;
	if (opts)
		rp->opts = *opts;
	rp->next_sample = rp->opts.timeseries_ns ? 0 : UINT64_MAX;
	return rp;
}

int replay_advance(struct replay *rp, uint64_t until, struct nerr *err)
{
	if (rp->fatal) {
		*err = rp->err;
		return -1;
	}
	if (rp->done)
		return 1;
	int rc = replay_loop(rp, until);

	if (rc < 0)
		*err = rp->err;
	return rc;
}

void replay_set_stream(struct replay *rp, bool stream)
{
	rp->stream = stream;
	if (stream) /* lines appended after validation are read as text */
		trace_reader_follow(rp->rd, true);
	replay_more_input(rp);
}

void replay_more_input(struct replay *rp)
{
	if (rp->eof && !rp->have) {
		rp->eof = false;
		trace_reader_resume(rp->rd);
	}
}

bool replay_done(const struct replay *rp)
{
	return rp->done;
}

struct trace_log *replay_log(const struct replay *rp)
{
	return rp ? rp->log : NULL;
}

struct trace_log *replay_end(struct replay *rp)
{
	if (!rp)
		return NULL;
	struct sim *s = rp->s;
	struct trace_log *log = rp->log;

	streams_free(rp);
	/* After an error or a stop, global records may still wait in the queue. */
	for (uint64_t i = 0; i < s->eng.len; i++) {
		if (s->eng.heap[i].fn == run_global_event) {
			pending_free((struct pending *)(uintptr_t)s->eng.heap[i].arg);
			s->eng.heap[i].fn = ignore_event;
		}
	}
	trace_close(rp->rd);
	free(rp);
	return log;
}

int replay_run(struct sim *s, const char *trace, const struct replay_opts *opts,
	       struct trace_log **log, struct nerr *err)
{
	struct replay *rp = replay_begin(s, trace, opts, err);

	if (log)
		*log = NULL;
	if (!rp)
		return -1;
	int rc = replay_advance(rp, UINT64_MAX, err);
	struct trace_log *l = replay_end(rp);

	if (rc < 0 || !log)
		trace_log_free(l);
	else
		*log = l;
	return rc < 0 ? -1 : 0;
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
