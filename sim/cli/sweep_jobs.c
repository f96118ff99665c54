/*
 * sweep_jobs.c - running a sweep's variants, several at once.
 *
 * With --jobs 1 every variant runs in turn in this process. With more,
 * at most `jobs` forked workers each take variant numbers from the
 * parent through a pipe, run them in turn in the same process and send
 * each struct sweep_result back through another; the parent forks a
 * worker only when none is idle and, before handing one a variant,
 * checks that the sum of the busy workers' memory estimates and the
 * new one's stays within
 * the host's MemAvailable (read once, at the start), so a sweep queues
 * runs instead of swapping the host. Workers start longest first (by
 * sweep_cost(), a static estimate), so the last worker to finish is not
 * one that started late; results land in res[v] whatever the order
 * workers start or finish in, so the output never depends on --jobs.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/sweep.h"
#include "mm/page_alloc.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/pgtable.h"
#include "task/task.h"
#include "topo/topo.h"
#include "trace/replay.h"

#define SWEEP_MEM_MARGIN (32ull << 20)

uint64_t sweep_mem_estimate(const struct topology *topo)
{
	uint64_t frames = 0;

	for (int n = 0; n < topo->nr_nodes; n++)
		frames += topo->nodes[n].memory_bytes >> topo->page_shift;
	/* frame arrays, a page-table entry per frame at most, and as much
	 * again for reverse maps and list heads */
	return frames * (frame_bytes_per_page() + 2 * sizeof(pte_t)) + SWEEP_MEM_MARGIN;
}

uint64_t sweep_record_work(const struct trace_record *r, uint32_t page_size, uint64_t *file_bytes,
			   uint64_t *nfiles)
{
	uint64_t pages = 0, ps = page_size ? page_size : 4096;

	switch (r->op) {
	case OP_TOUCH:
	case OP_MOVE_PAGES:
	case OP_MADVISE:
		pages = r->len / ps;
		break;
	case OP_MMAP:  /* populate or lock: faulted in at once */
	case OP_MBIND: /* with move: migrated */
		pages = r->len / ps;
		break;
	case OP_ACCESS:
		pages = trace_has(r, TK_COUNT) ? r->count : r->len / ps;
		break;
	case OP_FILE:
		*file_bytes += r->size;
		++*nfiles;
		break;
	case OP_READ:
	case OP_WRITE:
		pages = (trace_has(r, TK_LEN) ? r->len : *nfiles ? *file_bytes / *nfiles : 0) / ps;
		break;
	case OP_KMALLOC:
		pages = r->size / ps;
		break;
	default:
		break;
	}
	return pages + 1;
}

uint64_t sweep_cost(const struct sweep *sw, long v, uint64_t work)
{
	struct sweep_pos p;
	struct run_args a;
	struct nerr err;

	sweep_decode(sw, v, &p);
	const struct topology *topo = sw->topos[p.t];
	uint64_t cost = work;

	for (int n = 0; n < topo->nr_nodes; n++)
		cost += topo->nodes[n].memory_bytes >> topo->page_shift;
	if (sweep_variant_args(sw, &p, &a, &err))
		return cost;
	/* node reclaim scans the LRU on the allocation path where mode 0
	 * takes another node, and each bit of the mode widens what it may
	 * take (RECLAIM_ZONE clean page cache, RECLAIM_WRITE dirty pages
	 * written, RECLAIM_UNMAP mapped pages); balancing adds scans and
	 * hinting faults */
	cost *= 1 + (uint64_t)__builtin_popcountll(
			    (unsigned long long)tun(&a.tun, TUN_ZONE_RECLAIM_MODE) & 7);
	if (tun(&a.tun, TUN_NUMA_BALANCING))
		cost *= 2;
	return cost;
}

/* MemAvailable from /proc/meminfo in bytes; UINT64_MAX when unknown.
 * $NUMASIM_MEMAVAILABLE (bytes) replaces it, for tests (docs/sweeps.md). */
static uint64_t mem_available(void)
{
	const char *env = getenv("NUMASIM_MEMAVAILABLE");
	char line[256];
	unsigned long long kb;
	uint64_t avail = UINT64_MAX;

	if (env && *env)
		return strtoull(env, NULL, 10);
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return avail;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			avail = (uint64_t)kb * 1024;
	fclose(f);
	return avail;
}

/* Resident pages of live tasks on nodes other than their CPU's node;
 * an address space shared by threads counts once, for its first task. */
static uint64_t remote_pages(struct sim *s)
{
	uint64_t *by = calloc((size_t)s->topo->nr_nodes, sizeof(*by)), sum = 0;

	if (!by)
		return 0;
	for (uint32_t i = 0; i < s->tasks->nr; i++) {
		struct task *t = s->tasks->by_order[i];
		bool seen = false;

		if (!t->mm || t->state != TASK_RUNNING)
			continue;
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = s->tasks->by_order[j]->mm == t->mm;
		if (seen)
			continue;
		mm_pages_by_node(s, t->mm, by);
		for (int n = 0; n < s->topo->nr_nodes; n++)
			if (n != task_node(s, t))
				sum += by[n];
	}
	free(by);
	return sum;
}

static void measure(struct sim *s, const struct trace_log *log, struct sweep_row *r)
{
	uint64_t stall = 0;

	r->local_ratio = access_local_ratio(s->acc.local, s->acc.remote);
	for (int n = 0; n < s->mem.nr_nodes; n++)
		r->numa_miss += s->mem.nodes[n].numa_stat[NUMA_MISS];
	r->remote_pages = remote_pages(s);
	r->pgscan = s->mem.events[PGSCAN_KSWAPD] + s->mem.events[PGSCAN_DIRECT];
	r->pswpout = s->mem.events[PSWPOUT];
	r->pgmigrate = s->mem.events[PGMIGRATE_SUCCESS];
	r->oom_kill = s->mem.events[OOM_KILL];
	for (uint32_t i = 0; i < s->tasks->nr; i++)
		stall += s->tasks->by_order[i]->stall_ns;
	r->stall_ms = (double)stall / 1e6;
	r->sim_ms = (double)sim_now(s) / 1e6;
	r->expects_failed = log ? log->expects_failed : 0;
}

/* Runs variant v in this process. */
static void run_variant(const struct sweep *sw, long v, struct sweep_result *res)
{
	struct sweep_pos p;
	struct run_args a;
	struct nerr err;

	memset(res, 0, sizeof(*res));
	res->rc = -1;
	sweep_decode(sw, v, &p);
	struct sim *s = NULL;
	struct trace_log *log = NULL;

	if (sweep_variant_args(sw, &p, &a, &err) == 0)
		s = simulate(&a, sw->topos[p.t], &log, &err);
	if (!s) {
		res->rc = EXIT_BADINPUT;
		snprintf(res->msg, sizeof(res->msg), "%s", err.msg);
		return;
	}
	measure(s, log, &res->row);
	trace_log_free(log);
	sim_destroy(s);
}

struct worker {
	pid_t pid;
	int to, from; /* variant numbers in, results out */
	long v;	      /* the variant it runs, or -1: idle */
	uint64_t mem; /* its variant's estimate; when idle, its last one's:
			* the worker keeps the heap that run grew */
};

/* The worker's loop: runs each variant number the parent sends, in
 * this long-lived process, so the second and later runs reuse the heap
 * the first one faulted in, as --jobs 1 does, instead of a fresh
 * process zeroing its memory again for every variant. Ends when the
 * parent closes the pipe. */
static void worker_loop(const struct sweep *sw, int in, int out)
{
	struct sweep_result r;
	long v;

	while (read(in, &v, sizeof(v)) == (ssize_t)sizeof(v)) {
		run_variant(sw, v, &r);
		/* sizeof(r) < PIPE_BUF: one write, never partial */
		if (write(out, &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(3);
	}
	_exit(0);
}

/* Forks an idle worker; -1 when fork or pipe fail. The child closes
 * the ends of the earlier workers' pipes it inherited, so a worker sees
 * EOF as soon as the parent closes its pipe. */
static int start_worker(const struct sweep *sw, struct worker *ws, int nw)
{
	int to[2], from[2];
	struct worker *w = &ws[nw];

	if (pipe(to))
		return -1;
	if (pipe(from)) {
		close(to[0]);
		close(to[1]);
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();

	if (pid < 0) {
		close(to[0]);
		close(to[1]);
		close(from[0]);
		close(from[1]);
		return -1;
	}
	if (pid == 0) {
		for (int i = 0; i < nw; i++) {
			close(ws[i].to);
			close(ws[i].from);
		}
		close(to[1]);
		close(from[0]);
		worker_loop(sw, to[0], from[1]);
	}
	close(to[0]);
	close(from[1]);
	w->pid = pid;
	w->to = to[1];
	w->from = from[0];
	w->v = -1;
	w->mem = 0;
	return 0;
}

/* Ends worker i (closing its pipes, reaping it) and drops it from ws. */
static void stop_worker(struct worker *ws, int *nw, int i, int *status)
{
	close(ws[i].to);
	close(ws[i].from);
	while (waitpid(ws[i].pid, status, 0) < 0 && errno == EINTR)
		;
	ws[i] = ws[--*nw];
}

/* Waits for one busy worker's result and stores it; returns the
 * variant when it failed, else -1. A worker that gave no result is
 * reaped and dropped (a new one is forked when needed). */
static long reap_worker(struct worker *ws, int *nw, struct sweep_result *res)
{
	struct pollfd *pf = calloc((size_t)*nw, sizeof(*pf));
	int i, n = 0;

	if (!pf)
		return -1;
	for (i = 0; i < *nw; i++)
		pf[i] = (struct pollfd){.fd = ws[i].v >= 0 ? ws[i].from : -1, .events = POLLIN};
	while ((n = poll(pf, (nfds_t)*nw, -1)) < 0 && errno == EINTR)
		;
	for (i = 0; n > 0 && i < *nw && !pf[i].revents; i++)
		;
	free(pf);
	if (n <= 0 || i == *nw)
		return -1;
	long v = ws[i].v;
	struct sweep_result *r = &res[v];
	ssize_t got;

	while ((got = read(ws[i].from, r, sizeof(*r))) < 0 && errno == EINTR)
		;
	ws[i].v = -1;
	if (got != (ssize_t)sizeof(*r)) {
		int status = 0;

		stop_worker(ws, nw, i, &status);
		r->rc = EXIT_BADINPUT;
		if (WIFSIGNALED(status))
			snprintf(r->msg, sizeof(r->msg),
				 "numasim: variant %ld: worker killed by signal %d", v + 1,
				 WTERMSIG(status));
		else
			snprintf(r->msg, sizeof(r->msg),
				 "numasim: variant %ld: worker gave no result", v + 1);
	}
	return r->rc >= 0 ? v : -1;
}

static int first_idle(const struct worker *ws, int nw)
{
	for (int i = 0; i < nw; i++)
		if (ws[i].v < 0)
			return i;
	return -1;
}

/* The host memory the workers hold but idle worker skip's (the one
 * that takes the next variant, reusing its heap; -1: none); *busy is
 * set to the number of busy workers. */
static uint64_t held(const struct worker *ws, int nw, int skip, int *busy)
{
	uint64_t sum = 0;

	*busy = 0;
	for (int i = 0; i < nw; i++) {
		*busy += ws[i].v >= 0;
		sum += i == skip ? 0 : ws[i].mem;
	}
	return sum;
}

/* Ends idle workers, other than the one that takes the next variant,
 * while what the workers hold and need exceed avail; returns what they
 * then hold. */
static uint64_t shed_idle(struct worker *ws, int *nw, uint64_t need, uint64_t avail, int *busy)
{
	for (;;) {
		int skip = first_idle(ws, *nw), i, status;
		uint64_t used = held(ws, *nw, skip, busy);

		for (i = 0; used + need > avail && i < *nw; i++)
			if (i != skip && ws[i].v < 0)
				break;
		if (used + need <= avail || i == *nw)
			return used;
		stop_worker(ws, nw, i, &status);
	}
}

/* An idle worker, forked when every one is busy; -1 when none can be. */
static int idle_worker(const struct sweep *sw, struct worker *ws, int *nw)
{
	int i = first_idle(ws, *nw);

	if (i >= 0)
		return i;
	if (start_worker(sw, ws, *nw))
		return -1;
	return (*nw)++;
}

/* qsort() order of variant numbers: larger cost first, then variant
 * order (qsort is not stable, so the tie is broken explicitly). */
static const uint64_t *cost_of;

static int longest_first(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	if (cost_of[x] != cost_of[y])
		return cost_of[x] > cost_of[y] ? -1 : 1;
	return (x > y) - (x < y);
}

static int first_failure(const struct sweep *sw, const struct sweep_result *res)
{
	for (long v = 0; v < sw->variants; v++) {
		if (sweep_in_shard(sw, v) && res[v].rc >= 0) {
			fprintf(stderr, "%s\n", res[v].msg);
			return res[v].rc;
		}
	}
	return -1;
}

int sweep_run_all(const struct sweep *sw, struct sweep_result *res)
{
	long todo = 0;

	for (long v = 0; v < sw->variants; v++) {
		res[v].rc = -1;
		todo += sweep_in_shard(sw, v);
	}
	if (sw->jobs <= 1 || todo <= 1) {
		for (long v = 0; v < sw->variants; v++) {
			if (!sweep_in_shard(sw, v))
				continue;
			run_variant(sw, v, &res[v]);
			if (res[v].rc >= 0)
				break;
		}
		return first_failure(sw, res);
	}
	struct worker *ws = calloc((size_t)sw->jobs, sizeof(*ws));
	long *order = malloc((size_t)todo * sizeof(*order)), n = 0;
	uint64_t avail = mem_available(), used;
	int nw = 0, busy = 0;
	long failed = sw->variants; /* the lowest failed variant so far */

	if (!ws || !order) {
		free(ws);
		free(order);
		return cli_usage("out of memory");
	}
	for (long v = 0; v < sw->variants; v++)
		if (sweep_in_shard(sw, v))
			order[n++] = v;
	/* a worker that died makes a write to it fail with EPIPE (a "cannot
	 * start a worker" failure), not kill compare */
	void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
	if (sw->cost) {
		cost_of = sw->cost;
		qsort(order, (size_t)n, sizeof(*order), longest_first);
	}
	for (long i = 0; i < n; i++) {
		long v = order[i];

		/* after a failure only the variants before it still run, so the
		 * first failure in variant order is found as with --jobs 1 */
		if (v > failed)
			continue;
		struct sweep_pos p;

		sweep_decode(sw, v, &p);
		uint64_t need = sweep_mem_estimate(sw->topos[p.t]);

		/* queue: wait for a slot, and for memory unless nothing runs */
		used = shed_idle(ws, &nw, need, avail, &busy);
		if (sw->progress && busy > 0 && busy < sw->jobs && used + need > avail)
			fprintf(stderr,
				"compare: variant %ld waits for host memory: needs %llu MiB, %llu "
				"MiB of %llu MiB available in use\n",
				v + 1, (unsigned long long)(need >> 20),
				(unsigned long long)(used >> 20),
				(unsigned long long)(avail >> 20));
		while (busy == sw->jobs || (busy > 0 && used + need > avail)) {
			long f = reap_worker(ws, &nw, res);

			if (f >= 0 && f < failed)
				failed = f;
			used = shed_idle(ws, &nw, need, avail, &busy);
		}
		if (v > failed)
			continue;
		int k = idle_worker(sw, ws, &nw);

		if (k < 0 || write(ws[k].to, &v, sizeof(v)) != (ssize_t)sizeof(v)) {
			res[v].rc = EXIT_BADINPUT;
			snprintf(res[v].msg, sizeof(res[v].msg),
				 "numasim: cannot start a worker: %s", strerror(errno));
			failed = v;
			continue;
		}
		ws[k].v = v;
		ws[k].mem = need;
	}
	for (held(ws, nw, -1, &busy); busy > 0; held(ws, nw, -1, &busy))
		reap_worker(ws, &nw, res);
	while (nw > 0) {
		int status;

		stop_worker(ws, &nw, nw - 1, &status);
	}
	signal(SIGPIPE, old_pipe);
	free(ws);
	free(order);
	return first_failure(sw, res);
}
