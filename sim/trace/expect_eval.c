/*
 * expect_eval.c - checking `expect` records against the simulation
 * (docs/trace-format.md, expect). A failure is kept with the trace line and both values;
 * `numasim run` then exits 1.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno_names.h"
#include "mm/overcommit.h"
#include "mm/page_alloc.h"
#include "report/report.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/task.h"
#include "trace/replay_int.h"

static void record_failure(struct replay *rp, const struct trace_record *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void record_failure(struct replay *rp, const struct trace_record *r, const char *fmt, ...)
{
	struct trace_log *log = rp->log;
	char msg[768], line[1024];
	va_list ap;

	log->expects_failed++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sim_explain_important(rp->s, "    expect FAILED: %s\n", msg);
	snprintf(line, sizeof(line), "%s:%lu: %s: %s", rp->path, r->line,
		 r->text ? r->text : "expect", msg);
	if (log->nr_failures >= LOG_MAX_FAILURES)
		return;
	char **n = sim_realloc(rp->s, log->failures, (log->nr_failures + 1) * sizeof(*n));

	if (!n)
		return;
	log->failures = n;
	log->failures[log->nr_failures] = sim_strdup(rp->s, line);
	if (log->failures[log->nr_failures])
		log->nr_failures++;
}

static bool compare(enum expect_cmp c, double got, double want)
{
	switch (c) {
	case CMP_EQ:
		return got == want;
	case CMP_LE:
		return got <= want;
	case CMP_GE:
		return got >= want;
	case CMP_LT:
		return got < want;
	case CMP_GT:
		return got > want;
	}
	return false;
}

static void rc_str(long rc, char *buf, size_t len)
{
	const char *name = rc < 0 ? errno_name((int)-rc) : NULL;

	if (name)
		snprintf(buf, len, "-%s", name);
	else
		snprintf(buf, len, "%ld", rc);
}

static void status_str(const int *st, uint64_t n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (uint64_t i = 0; i < n && off + 16 < len; i++) {
		char item[32];

		rc_str(st[i], item, sizeof(item));
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "", item);
	}
	if (n == 0)
		snprintf(buf, len, "(none)");
}

/* Sum of a per-node counter over the selected node(s). */
static uint64_t node_counter(struct sim *s, const struct expect_spec *e, int item)
{
	uint64_t sum = 0;

	for (int n = 0; n < s->topo->nr_nodes; n++) {
		if (e->has_node && n != e->node)
			continue;
		struct pglist_data *pg = &s->mem.nodes[n];

		switch (item) {
		case EXP_FILE_PAGES:
			sum += pg->stat[NR_FILE_PAGES];
			break;
		case EXP_ANON_PAGES:
			sum += pg->stat[NR_ANON_MAPPED];
			break;
		case EXP_ANON_THPS:
			sum += pg->stat[NR_ANON_THPS];
			break;
		case EXP_FREE_PAGES:
			sum += node_free_pages(pg);
			break;
		case EXP_DIRTY_PAGES:
			sum += pg->stat[NR_FILE_DIRTY];
			break;
		case EXP_SLAB_PAGES:
			sum += pg->stat[NR_SLAB_RECLAIMABLE_B] + pg->stat[NR_SLAB_UNRECLAIMABLE_B];
			break;
		case EXP_NUMA_HIT:
			sum += pg->numa_stat[NUMA_HIT];
			break;
		case EXP_NUMA_MISS:
			sum += pg->numa_stat[NUMA_MISS];
			break;
		case EXP_NUMA_FOREIGN:
			sum += pg->numa_stat[NUMA_FOREIGN];
			break;
		case EXP_INTERLEAVE_HIT:
			sum += pg->numa_stat[NUMA_INTERLEAVE_HIT];
			break;
		case EXP_LOCAL_NODE:
			sum += pg->numa_stat[NUMA_LOCAL];
			break;
		case EXP_OTHER_NODE:
			sum += pg->numa_stat[NUMA_OTHER];
			break;
		default:
			break;
		}
	}
	return sum;
}

static struct task *expect_task(struct replay *rp, const struct trace_record *r, int pid)
{
	struct task *t = task_find(rp->s, pid);

	if (!t)
		record_failure(rp, r, "no task with pid %d", pid);
	return t;
}

static void check_count(struct replay *rp, const struct trace_record *r, const char *what,
			uint64_t got)
{
	const struct expect_spec *e = &r->expect;

	if (compare(e->cmp, (double)got, (double)e->value))
		rp->log->expects_passed++;
	else
		record_failure(rp, r, "%s is %llu, want %s %lld", what, (unsigned long long)got,
			       expect_cmp_name(e->cmp), (long long)e->value);
}

static void expect_rc(struct replay *rp, const struct trace_record *r, struct task *t)
{
	const struct expect_spec *e = &r->expect;
	char got[64], want[64];

	if (!t->has_last) {
		record_failure(rp, r, "pid %d has made no system call", t->pid);
		return;
	}
	rc_str(t->last_rc, got, sizeof(got));
	rc_str((long)e->value, want, sizeof(want));
	if (compare(e->cmp, t->last_rc, (double)e->value))
		rp->log->expects_passed++;
	else
		record_failure(rp, r, "rc is %s (line %d), want %s %s", got, t->last_line,
			       expect_cmp_name(e->cmp), want);
}

static void expect_status(struct replay *rp, const struct trace_record *r, struct task *t)
{
	const struct expect_spec *e = &r->expect;
	char got[512], want[512];
	bool same = t->has_last && t->nr_last_status == e->nstatus;

	for (uint64_t i = 0; same && i < e->nstatus; i++)
		same = t->last_status[i] == e->status[i];
	if (same) {
		rp->log->expects_passed++;
		return;
	}
	status_str(t->last_status, t->nr_last_status, got, sizeof(got));
	status_str(e->status, e->nstatus, want, sizeof(want));
	record_failure(rp, r, "status is %s, want %s", got, want);
}

static void expect_pages(struct replay *rp, const struct trace_record *r)
{
	const struct expect_spec *e = &r->expect;
	struct sim *s = rp->s;
	struct task *t = expect_task(rp, r, e->pages_pid);
	uint64_t *by = sim_calloc(s, (size_t)s->topo->nr_nodes, sizeof(*by));
	uint64_t sum = 0;
	char what[64];

	if (!t || !by) {
		free(by);
		return;
	}
	mm_pages_by_node(s, t->mm, by);
	for (int n = 0; n < s->topo->nr_nodes; n++)
		if (!e->has_node || n == e->node)
			sum += by[n];
	free(by);
	snprintf(what, sizeof(what), "pages[pid=%d]%s", e->pages_pid,
		 e->has_node ? " on the node" : "");
	check_count(rp, r, what, sum);
}

static void expect_ratio(struct replay *rp, const struct trace_record *r)
{
	const struct expect_spec *e = &r->expect;
	uint64_t local = rp->s->acc.local, remote = rp->s->acc.remote;

	if (e->has_pid) {
		struct task *t = expect_task(rp, r, e->pid);

		if (!t)
			return;
		local = t->acc_local;
		remote = t->acc_remote;
	}
	double ratio = access_local_ratio(local, remote);

	if (compare(e->cmp, ratio, e->ratio))
		rp->log->expects_passed++;
	else
		record_failure(rp, r, "local_ratio is %.6f (%llu local, %llu remote), want %s %g",
			       ratio, (unsigned long long)local, (unsigned long long)remote,
			       expect_cmp_name(e->cmp), e->ratio);
}

static void replay_expect_one(struct replay *rp, const struct trace_record *r);

void replay_expect(struct replay *rp, const struct trace_record *r)
{
	uint64_t passed = rp->log->expects_passed;

	replay_expect_one(rp, r);
	if (rp->log->expects_passed > passed)
		sim_explain(rp->s, "    expect holds\n");
}

static void replay_expect_one(struct replay *rp, const struct trace_record *r)
{
	const struct expect_spec *e = &r->expect;
	struct sim *s = rp->s;
	struct task *t = NULL;

	if (e->has_node && e->node >= s->topo->nr_nodes) {
		record_failure(rp, r, "node %d does not exist", e->node);
		return;
	}
	if ((e->what == EXP_RC || e->what == EXP_STATUS || e->what == EXP_STATE) &&
	    !(t = expect_task(rp, r, e->pid)))
		return;
	switch (e->what) {
	case EXP_RC:
		expect_rc(rp, r, t);
		break;
	case EXP_STATUS:
		expect_status(rp, r, t);
		break;
	case EXP_PAGES:
		expect_pages(rp, r);
		break;
	case EXP_LOCAL_RATIO:
		expect_ratio(rp, r);
		break;
	case EXP_STATE: {
		const char *got = task_state_names[t->state];
		const char *want = task_state_label(e->state);

		if (!strcmp(got, want))
			rp->log->expects_passed++;
		else
			record_failure(rp, r, "state is %s, want %s", got, want);
		break;
	}
	case EXP_VMSTAT: {
		uint64_t v;

		if (report_vmstat_value(s, e->counter, &v))
			record_failure(rp, r, "unknown counter %s", e->counter);
		else
			check_count(rp, r, e->counter, v);
		break;
	}
	case EXP_COMMITTED_AS:
		check_count(rp, r, e->counter, vm_memory_committed(s));
		break;
	case EXP_COMMIT_LIMIT:
		check_count(rp, r, e->counter, vm_commit_limit(s));
		break;
	case EXP_TIME:
		check_count(rp, r, "time (ns)", sim_now(s));
		break;
	default:
		check_count(rp, r, e->counter ? e->counter : "counter",
			    node_counter(s, e, (int)e->what));
		break;
	}
}
