/*
 * sweep_jobs.c - running a sweep's variants, several at once.
 *
 * With --jobs 1 every variant runs in turn in this process. With more,
 * each variant runs in a forked worker that sends its struct
 * sweep_result back through a pipe and exits; the parent keeps at most
 * `jobs` workers alive and, before starting one, checks that the sum of
 * the running workers' memory estimates and the new one's stays within
 * the host's MemAvailable (read once, at the start), so a sweep queues
 * runs instead of swapping the host. Workers start longest first (by
 * sweep_cost(), a static estimate), so the last worker to finish is not
 * one that started late; results land in res[v] whatever the order
 * workers start or finish in, so the output never depends on --jobs.
 */
#include <errno.h>
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
#include "task/mm.h"
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
	case OP_MMAP:   /* populate or lock: faulted in at once */
	case OP_MBIND:  /* with move: migrated */
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
	cost *= 1 + (uint64_t)__builtin_popcountll((unsigned long long)tun(&a.tun, TUN_ZONE_RECLAIM_MODE) & 7);
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
	int fd;
	long v;
	uint64_t mem;
};

/* Starts a worker for variant v; -1 when fork or pipe fail. */
static int start_worker(const struct sweep *sw, long v, struct worker *w)
{
	int fds[2];

	if (pipe(fds))
		return -1;
	fflush(NULL);
	pid_t pid = fork();

	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		struct sweep_result r;

		close(fds[0]);
		run_variant(sw, v, &r);
		/* sizeof(r) < PIPE_BUF: one write, never partial */
		_exit(write(fds[1], &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 3);
	}
	close(fds[1]);
	w->pid = pid;
	w->fd = fds[0];
	w->v = v;
	return 0;
}

/* Waits for one worker to end and stores its result; returns the
 * variant when it failed, else -1. */
static long reap_worker(struct worker *ws, int *nw, struct sweep_result *res)
{
	int status;
	pid_t pid;

	while ((pid = wait(&status)) < 0 && errno == EINTR)
		;
	for (int i = 0; i < *nw; i++) {
		if (ws[i].pid != pid)
			continue;
		struct sweep_result *r = &res[ws[i].v];
		ssize_t got = read(ws[i].fd, r, sizeof(*r));

		close(ws[i].fd);
		if (got != (ssize_t)sizeof(*r) || !WIFEXITED(status) || WEXITSTATUS(status)) {
			r->rc = EXIT_BADINPUT;
			if (WIFSIGNALED(status))
				snprintf(r->msg, sizeof(r->msg), "numasim: variant %ld: worker killed by signal %d",
					 ws[i].v + 1, WTERMSIG(status));
			else
				snprintf(r->msg, sizeof(r->msg), "numasim: variant %ld: worker gave no result",
					 ws[i].v + 1);
		}
		long v = ws[i].v;

		ws[i] = ws[--*nw];
		return r->rc >= 0 ? v : -1;
	}
	return -1;
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
	uint64_t avail = mem_available(), used = 0;
	int nw = 0;
	long failed = sw->variants;   /* the lowest failed variant so far */

	if (!ws || !order) {
		free(ws);
		free(order);
		return cli_usage("out of memory");
	}
	for (long v = 0; v < sw->variants; v++)
		if (sweep_in_shard(sw, v))
			order[n++] = v;
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
		if (sw->progress && nw > 0 && nw < sw->jobs && used + need > avail)
			fprintf(stderr, "compare: variant %ld waits for host memory: needs %llu MiB, %llu MiB of %llu MiB available in use\n",
				v + 1, (unsigned long long)(need >> 20), (unsigned long long)(used >> 20),
				(unsigned long long)(avail >> 20));
		while (nw == sw->jobs || (nw > 0 && used + need > avail)) {
			long f = reap_worker(ws, &nw, res);

			if (f >= 0 && f < failed)
				failed = f;
			used = 0;
			for (int k = 0; k < nw; k++)
				used += ws[k].mem;
		}
		if (v > failed)
			continue;
		if (start_worker(sw, v, &ws[nw])) {
			res[v].rc = EXIT_BADINPUT;
			snprintf(res[v].msg, sizeof(res[v].msg), "numasim: cannot start a worker: %s",
				 strerror(errno));
			failed = v;
			continue;
		}
		ws[nw].mem = need;
		used += need;
		nw++;
	}
	while (nw > 0)
		reap_worker(ws, &nw, res);
	free(ws);
	free(order);
	return first_failure(sw, res);
}
