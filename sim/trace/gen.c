/*
 * gen.c - workload generators: traces for the scenarios of the seed
 * documents (see docs/workloads.md for what each one demonstrates).
 *
 * Tasks overlap in time, so a generator emits records in any order into a
 * buffer, which is sorted by time (stably, so a task's records keep their
 * order) and written with absolute times. Generated traces are small
 * (workloads ship under 1 MB), so buffering them is fine; the trace
 * *reader* is the part that must stream.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/units.h"
#include "trace/gen.h"
#include "trace/trace_int.h"

#define MS 1000000ULL
#define US 1000ULL
#define MiB (1ULL << 20)
#define BASE 0x10000000ULL /* where generated anonymous mappings start */

struct ev {
	uint64_t t;
	size_t seq;
	char *line;
};

struct gen_params {
	uint64_t nodes, cpn, tasks, size, count, seed, page, rounds, zone_reclaim;
	const char *policy; /* shared-array: first-touch or interleave */
	bool size_set;	    /* size= given: literal sizes, not relative ones */
};

struct gen {
	struct gen_params p;
	struct ev *ev;
	size_t n, cap;
	struct rng rng;
	int oom;
	char header[512]; /* `# param` lines after `# name:` */
};

static void emit(struct gen *g, uint64_t t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void emit(struct gen *g, uint64_t t, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 1024;
		struct ev *e = realloc(g->ev, cap * sizeof(*e));

		if (!e) {
			g->oom = 1;
			return;
		}
		g->ev = e;
		g->cap = cap;
	}
	char *line = strdup(buf);

	if (!line) {
		g->oom = 1;
		return;
	}
	g->ev[g->n] = (struct ev){t, g->n, line};
	g->n++;
}

static int ev_cmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static unsigned ncpus(const struct gen *g)
{
	return (unsigned)(g->p.nodes * g->p.cpn);
}

/* The first CPU of node n (CPUs numbered node by node, as ring4 does). */
static unsigned node_cpu(const struct gen *g, unsigned n, unsigned i)
{
	return (unsigned)(n * g->p.cpn + i % g->p.cpn);
}

static uint64_t pages(const struct gen *g, uint64_t n)
{
	return n * g->p.page;
}

/* compile: a make-like stream of short-lived compiler processes, each
 * reading a source file, allocating, touching and exiting; the scheduler
 * places each new task (no cpu=), keeping the load balanced ("Linux Scalability in a NUMA World"). */
static void gen_compile(struct gen *g)
{
	uint64_t t = 0;

	emit(g, 0, "spawn pid=1 cpu=0 name=make");
	for (unsigned i = 0; i < g->p.tasks; i++) {
		unsigned pid = 100 + i;
		uint64_t mem = (1 + rng_below(&g->rng, 4)) * g->p.size / 4;
		uint64_t life = (5 + rng_below(&g->rng, 20)) * MS;

		emit(g, t, "file name=/src/f%u.c size=%lluK", i,
		     (unsigned long long)(8 + rng_below(&g->rng, 56)));
		emit(g, t, "spawn pid=%u ppid=1 name=cc1", pid);
		emit(g, t + 10 * US, "read pid=%u file=/src/f%u.c", pid, i);
		emit(g, t + 20 * US, "mmap pid=%u addr=0x%llx len=%llu name=heap", pid,
		     (unsigned long long)BASE, (unsigned long long)mem);
		emit(g, t + 30 * US, "touch pid=%u addr=0x%llx len=%llu", pid,
		     (unsigned long long)BASE, (unsigned long long)mem);
		emit(g, t + 40 * US,
		     "access pid=%u addr=0x%llx len=%llu count=%llu pattern=random seed=%u", pid,
		     (unsigned long long)BASE, (unsigned long long)mem,
		     (unsigned long long)g->p.count, i);
		emit(g, t + life, "exit pid=%u", pid);
		t += (1 + rng_below(&g->rng, 3)) * MS;
	}
	emit(g, t + 30 * MS, "snapshot label=end");
	emit(g, t + 30 * MS, "exit pid=1");
}

/* dilemma: long-running tasks on every node; half-way through those on
 * the upper half of the nodes finish, leaving memory and load unbalanced
 * ("Linux Scalability in a NUMA World": the scheduler's dilemma). */
static void gen_dilemma(struct gen *g)
{
	unsigned n = ncpus(g);
	uint64_t half = g->p.rounds / 2;

	for (unsigned c = 0; c < n; c++) {
		unsigned pid = 1 + c;

		emit(g, 0, "spawn pid=%u cpu=%u name=worker%u", pid, c, c);
		emit(g, 1 * MS, "mmap pid=%u addr=0x%llx len=%llu", pid, (unsigned long long)BASE,
		     (unsigned long long)g->p.size);
		emit(g, 1 * MS, "touch pid=%u addr=0x%llx len=%llu", pid, (unsigned long long)BASE,
		     (unsigned long long)g->p.size);
		bool finishes = c / g->p.cpn >= (g->p.nodes + 1) / 2;
		uint64_t last = finishes ? half : g->p.rounds;

		for (uint64_t r = 0; r < last; r++)
			emit(g, (10 + r * 10) * MS,
			     "access pid=%u addr=0x%llx len=%llu count=%llu pattern=random "
			     "seed=%llu",
			     pid, (unsigned long long)BASE, (unsigned long long)g->p.size,
			     (unsigned long long)g->p.count, (unsigned long long)(c * 1000 + r));
		if (finishes)
			emit(g, (10 + half * 10) * MS, "exit pid=%u", pid);
	}
	emit(g, (5 + half * 10) * MS, "snapshot label=balanced");
	emit(g, (15 + half * 10) * MS, "snapshot label=unbalanced");
	emit(g, (10 + g->p.rounds * 10) * MS, "snapshot label=end");
}

/* shared-array: one large array used by threads on every node. Touched
 * by the first thread it all lands on node 0; with policy=interleave it
 * is spread across the nodes. */
static void gen_shared_array(struct gen *g)
{
	unsigned n = ncpus(g), nt = g->p.tasks < n ? (unsigned)g->p.tasks : n;
	bool interleave = strcmp(g->p.policy, "interleave") == 0;

	emit(g, 0, "spawn pid=1 cpu=0 name=solver");
	if (interleave)
		emit(g, 0, "set_mempolicy pid=1 mode=interleave nodes=all");
	emit(g, 1 * MS, "mmap pid=1 addr=0x%llx len=%llu name=array", (unsigned long long)BASE,
	     (unsigned long long)g->p.size);
	emit(g, 1 * MS, "touch pid=1 addr=0x%llx len=%llu", (unsigned long long)BASE,
	     (unsigned long long)g->p.size);
	emit(g, 2 * MS, "snapshot label=placed");
	for (unsigned i = 1; i < nt; i++) {
		unsigned c = (unsigned)((uint64_t)i * n / nt);

		emit(g, 3 * MS, "thread pid=1 tid=%u cpu=%u", 1 + i, c);
	}
	for (uint64_t r = 0; r < g->p.rounds; r++)
		for (unsigned i = 0; i < nt; i++)
			emit(g, (10 + r * 5) * MS,
			     "access pid=%u addr=0x%llx len=%llu count=%llu pattern=random "
			     "seed=%llu",
			     1 + i, (unsigned long long)BASE, (unsigned long long)g->p.size,
			     (unsigned long long)g->p.count, (unsigned long long)(r * 100 + i));
	emit(g, (10 + g->p.rounds * 5) * MS, "snapshot label=end");
}

/* random-access: memory interleaved over every node, accessed at random
 * by a thread on each node: the local share is 1/N ("Linux Scalability in a NUMA World": 50% local
 * on two nodes, ~6% on sixteen). */
static void gen_random_access(struct gen *g)
{
	emit(g, 0, "spawn pid=1 cpu=0 name=randacc");
	emit(g, 0, "set_mempolicy pid=1 mode=interleave nodes=all");
	emit(g, 1 * MS, "mmap pid=1 addr=0x%llx len=%llu", (unsigned long long)BASE,
	     (unsigned long long)g->p.size);
	emit(g, 1 * MS, "touch pid=1 addr=0x%llx len=%llu", (unsigned long long)BASE,
	     (unsigned long long)g->p.size);
	for (unsigned n = 1; n < g->p.nodes; n++)
		emit(g, 2 * MS, "thread pid=1 tid=%u cpu=%u", 1 + n, node_cpu(g, n, 0));
	for (uint64_t r = 0; r < g->p.rounds; r++)
		for (unsigned n = 0; n < g->p.nodes; n++)
			emit(g, (10 + r * 5) * MS,
			     "access pid=%u addr=0x%llx len=%llu count=%llu pattern=random "
			     "seed=%llu",
			     1 + n, (unsigned long long)BASE, (unsigned long long)g->p.size,
			     (unsigned long long)g->p.count, (unsigned long long)(r * 100 + n));
	emit(g, (10 + g->p.rounds * 5) * MS, "snapshot label=end");
}

/* One file mapping of the cron example: map, then touch `n` pages
 * (reading shares the page cache page; writing a private mapping makes
 * an anonymous copy, the numa_maps "anon=1 dirty=1" of a data segment). */
static void cron_map(struct gen *g, uint64_t t, unsigned pid, uint64_t addr, uint64_t len,
		     const char *file, bool shared, bool write, unsigned n)
{
	emit(g, t, "mmap pid=%u addr=0x%llx len=0x%llx file=%s %s", pid, (unsigned long long)addr,
	     (unsigned long long)len, file, shared ? "shared" : "private");
	if (n)
		emit(g, t + US, "touch pid=%u addr=0x%llx len=%llu %s", pid,
		     (unsigned long long)addr, (unsigned long long)pages(g, n),
		     write ? "write" : "read");
}

static void cron_anon(struct gen *g, uint64_t t, unsigned pid, uint64_t addr, uint64_t len,
		      unsigned n, const char *name)
{
	emit(g, t, "mmap pid=%u addr=0x%llx len=0x%llx%s%s", pid, (unsigned long long)addr,
	     (unsigned long long)len, name ? " name=" : "", name ? name : "");
	emit(g, t + US, "touch pid=%u addr=0x%llx len=%llu", pid, (unsigned long long)addr,
	     (unsigned long long)pages(g, n));
}

/* The library text every process maps: read-shared from the page cache. */
static void cron_libs(struct gen *g, uint64_t t, unsigned pid, uint64_t L)
{
	cron_map(g, t, pid, L + 0x24000, 0x44000, "/lib/ld-2.4.so", false, false, 7);
	cron_map(g, t, pid, L + 0x80000, 0x24000, "/lib/libpam.so.0.81.2", false, false, 1);
	cron_map(g, t, pid, L + 0xac000, 0x10000, "/lib/libpam_misc.so.0.81.2", false, false, 1);
	cron_map(g, t, pid, L + 0xc0000, 0x244000, "/lib/libc-2.4.so", false, false, 58);
	cron_map(g, t, pid, L + 0x310000, 0x14000, "/lib/libdl-2.4.so", false, false, 1);
}

/* cron: the numa_maps example of "Local and Remote Memory: Memory in a Linux/NUMA System" (Text 1). Other processes on
 * node 0 loaded the shared libraries first (N0 text, mapmax > 1); cron
 * started on node 1, then ran on the last node, so its private pages are
 * split between the two. Addresses are those of the example. */
static void gen_cron(struct gen *g)
{
	static const struct {
		const char *file;
		uint64_t size;
	} files[] = {
		{"/usr/sbin/cron", 0x24000},
		{"/var/run/nscd/passwd", 0x200000},
		{"/lib/ld-2.4.so", 0x5c000},
		{"/lib/libpam.so.0.81.2", 0x28000},
		{"/lib/libpam_misc.so.0.81.2", 0x14000},
		{"/lib/libc-2.4.so", 0x24c000},
		{"/lib/libdl-2.4.so", 0x18000},
	};
	const uint64_t L = 0x2000000800000000ULL, H = 0x2000000000000000ULL;
	unsigned last = (unsigned)g->p.nodes - 1, cron = 1000;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		emit(g, 0, "file name=%s size=0x%llx", files[i].file,
		     (unsigned long long)files[i].size);
	for (unsigned h = 0; h < g->p.tasks; h++) {
		uint64_t t = MS + h * 100 * US;

		emit(g, t, "spawn pid=%u cpu=%u name=daemon%u", 2 + h, node_cpu(g, 0, h), h);
		cron_libs(g, t + 10 * US, 2 + h, L);
	}
	uint64_t t = 10 * MS;

	emit(g, t, "spawn pid=%u cpu=%u name=cron", cron, node_cpu(g, 1 % g->p.nodes, 0));
	cron_libs(g, t + 10 * US, cron, L);
	/* On node 1: the libraries' data pages and some anonymous memory. */
	t += 100 * US;
	cron_map(g, t, cron, L + 0x68000, 0x18000, "/lib/ld-2.4.so", false, true, 1);
	cron_map(g, t, cron, L + 0xa4000, 0x4000, "/lib/libpam.so.0.81.2", false, true, 1);
	cron_map(g, t, cron, L + 0xbc000, 0x4000, "/lib/libpam_misc.so.0.81.2", false, true, 1);
	cron_map(g, t, cron, L + 0x304000, 0x8000, "/lib/libc-2.4.so", false, true, 1);
	cron_map(g, t, cron, L + 0x324000, 0x4000, "/lib/libdl-2.4.so", false, true, 1);
	cron_anon(g, t + 10 * US, cron, L + 0x328000, 0x14000, 5, NULL);
	cron_anon(g, t + 20 * US, cron, 0x603fffffffffc000ULL, 0x4000, 1, NULL);
	/* The scheduler moves cron to the last node: the rest lands there. */
	t = 20 * MS;
	emit(g, t, "run pid=%u cpu=%u", cron, node_cpu(g, last, 0));
	cron_map(g, t + 10 * US, cron, L, 0x20000, "/usr/sbin/cron", false, false, 5);
	cron_map(g, t + 20 * US, cron, L + 0x20000, 0x4000, "/usr/sbin/cron", false, true, 1);
	emit(g, t + 30 * US, "touch pid=%u addr=0x%llx len=%llu", cron,
	     (unsigned long long)(L + 0x68000 + pages(g, 1)), (unsigned long long)pages(g, 1));
	emit(g, t + 31 * US, "touch pid=%u addr=0x%llx len=%llu", cron,
	     (unsigned long long)(L + 0x304000 + pages(g, 1)), (unsigned long long)pages(g, 1));
	cron_anon(g, t + 40 * US, cron, H, 0x200000, 2, "heap");
	cron_map(g, t + 50 * US, cron, H + 0x200000, 0x200000, "/var/run/nscd/passwd", true, false,
		 1);
	cron_anon(g, t + 60 * US, cron, L + 0xa8000, 0x4000, 1, NULL);
	cron_anon(g, t + 70 * US, cron, L + 0x30c000, 0x4000, 1, NULL);
	cron_anon(g, t + 80 * US, cron, 0x607fffffff4d8000ULL, 0x28000, 1, "stack");
	emit(g, 30 * MS, "snapshot label=cron-numa_maps");
}

/* pagecache: tasks on node 0 read files until node 0 is full of page
 * cache, then allocate anonymous memory ("Local and Remote Memory: Memory in a Linux/NUMA System", Drawing 5). With
 * zone-reclaim=0 the anon pages go remote; with 1 node 0 reclaims its
 * clean page cache and they stay local. */
static void gen_pagecache(struct gen *g)
{
	char fsize[32], len[32];

	/* Without size=, sizes are trace parameters relative to node 0's
	 * memory (docs/trace-format.md "Parameters"): half of it per file,
	 * all of it shared by the tasks' heaps, whatever the topology. */
	if (g->p.size_set) {
		snprintf(fsize, sizeof(fsize), "%llu", (unsigned long long)(g->p.size / 2));
		snprintf(len, sizeof(len), "%llu", (unsigned long long)(g->p.size / g->p.tasks));
	} else {
		uint64_t milli = 100000 / g->p.tasks;

		snprintf(g->header, sizeof(g->header),
			 "# param FILE_SIZE=50%%node0\n# param ANON_SIZE=%llu.%03llu%%node0\n",
			 (unsigned long long)(milli / 1000), (unsigned long long)(milli % 1000));
		snprintf(fsize, sizeof(fsize), "${FILE_SIZE}");
		snprintf(len, sizeof(len), "${ANON_SIZE}");
	}
	/* Only when asked, so `run --set vm.zone_reclaim_mode=1` is not undone. */
	if (g->p.zone_reclaim)
		emit(g, 0, "sysctl vm.zone_reclaim_mode=%llu",
		     (unsigned long long)g->p.zone_reclaim);
	for (unsigned i = 0; i < g->p.tasks; i++)
		emit(g, 0, "file name=/data/f%u size=%s", i, fsize);
	for (unsigned i = 0; i < g->p.tasks; i++) {
		unsigned pid = 1 + i;
		uint64_t t = MS + i * 100 * US;

		emit(g, t, "spawn pid=%u cpu=%u name=reader%u", pid, node_cpu(g, 0, i), i);
		for (uint64_t r = 0; r < g->p.rounds; r++)
			emit(g, t + (1 + r) * MS, "read pid=%u file=/data/f%u", pid, i);
	}
	uint64_t t = (10 + g->p.rounds) * MS;

	/* pid=1: taken once reader 1's reads are done, before its mmap
	 * (the readers start 100 us apart, so reader 1 is done first), not
	 * at time t while they are all still reading (docs/trace-format.md) */
	emit(g, t, "snapshot label=page-cache-full pid=1");
	for (unsigned i = 0; i < g->p.tasks; i++) {
		unsigned pid = 1 + i;

		emit(g, t + MS, "mmap pid=%u addr=0x%llx len=%s", pid, (unsigned long long)BASE,
		     len);
		emit(g, t + MS, "touch pid=%u addr=0x%llx len=%s", pid, (unsigned long long)BASE,
		     len);
		emit(g, t + 2 * MS, "access pid=%u addr=0x%llx len=%s count=%llu", pid,
		     (unsigned long long)BASE, len, (unsigned long long)g->p.count);
	}
	/* after the last task's access, the last record of all */
	emit(g, t + 20 * MS, "snapshot label=after-anon pid=%llu", (unsigned long long)g->p.tasks);
}

/* default: a readable mix touching most ops: workers on every node,
 * files, an interleaved task, mbind, move_pages, migrate_pages, a
 * cpuset, a sysctl, an exit and snapshots; most tasks keep running so
 * the final report shows where their memory went. */
static void gen_default(struct gen *g)
{
	unsigned nn = (unsigned)g->p.nodes, last = nn - 1;
	uint64_t sz = g->p.size;

	emit(g, 0, "file name=/data/input size=%llu", (unsigned long long)(4 * sz));
	for (unsigned n = 0; n < nn; n++) {
		unsigned pid = 1 + n;

		emit(g, 0, "spawn pid=%u cpu=%u name=worker%u", pid, node_cpu(g, n, 0), n);
		emit(g, MS, "mmap pid=%u addr=0x%llx len=%llu name=heap", pid,
		     (unsigned long long)BASE, (unsigned long long)sz);
		emit(g, MS, "touch pid=%u addr=0x%llx len=%llu", pid, (unsigned long long)BASE,
		     (unsigned long long)sz);
		emit(g, 2 * MS, "read pid=%u file=/data/input offset=%llu len=%llu", pid,
		     (unsigned long long)(n % 4 * sz), (unsigned long long)sz);
		for (uint64_t r = 0; r < g->p.rounds; r++)
			emit(g, (5 + r) * MS,
			     "access pid=%u addr=0x%llx len=%llu count=%llu pattern=%s seed=%llu",
			     pid, (unsigned long long)BASE, (unsigned long long)sz,
			     (unsigned long long)g->p.count, r % 2 ? "random" : "seq",
			     (unsigned long long)(n * 1000 + r));
	}
	uint64_t t = (5 + g->p.rounds) * MS;

	emit(g, t, "snapshot label=workers");
	emit(g, t, "spawn pid=50 cpu=0 name=interleaved");
	emit(g, t, "set_mempolicy pid=50 mode=interleave nodes=all");
	emit(g, t + MS, "mmap pid=50 addr=0x%llx len=%llu", (unsigned long long)BASE,
	     (unsigned long long)sz);
	emit(g, t + MS, "touch pid=50 addr=0x%llx len=%llu", (unsigned long long)BASE,
	     (unsigned long long)sz);
	/* interleaved over every node: about 1/N of these are local */
	emit(g, t + MS, "access pid=50 addr=0x%llx len=%llu count=%llu pattern=random seed=50",
	     (unsigned long long)BASE, (unsigned long long)sz, (unsigned long long)g->p.count);
	emit(g, t + 2 * MS, "mbind pid=1 addr=0x%llx len=%llu mode=bind nodes=%u flags=move",
	     (unsigned long long)BASE, (unsigned long long)(sz / 2), last);
	emit(g, t + 3 * MS, "move_pages pid=2 addr=0x%llx len=%llu node=0",
	     (unsigned long long)BASE, (unsigned long long)pages(g, 4));
	emit(g, t + 4 * MS, "migrate_pages pid=3 from=%u to=%u", 2 % nn, 0);
	emit(g, t + 5 * MS, "cpuset action=create path=/batch cpus=%u mems=%u memory_migrate=1",
	     node_cpu(g, last, 0), last);
	emit(g, t + 5 * MS, "cpuset action=attach path=/batch pid=50");
	emit(g, t + 6 * MS, "sysctl vm.zone_reclaim_mode=1");
	emit(g, t + 8 * MS, "snapshot label=moved");
	/* worker0 exits: its heap is freed, the file pages it read stay
	 * cached, unmapped; the others keep running into the final report */
	emit(g, t + 10 * MS, "exit pid=1");
	emit(g, t + 11 * MS, "snapshot label=end");
}

#define GEN_MAX_SIZE (1ULL << 40)

struct scenario {
	const char *name;
	void (*fn)(struct gen *);
	struct gen_params defaults;
	const char *what;
};

/* nodes, cpus-per-node, tasks, size, count, seed, page-size, rounds, zone-reclaim, policy */
static const struct scenario scenarios[] = {
	{"compile",
	 gen_compile,
	 {4, 2, 400, 4 * MiB, 200, 1, 4096, 0, 0, "first-touch", false},
	 "a make-like stream of short-lived compiler tasks"},
	{"dilemma",
	 gen_dilemma,
	 {4, 2, 0, 16 * MiB, 1000, 1, 4096, 40, 0, "first-touch", false},
	 "long-running tasks; those on half of the nodes finish"},
	{"shared-array",
	 gen_shared_array,
	 {4, 2, 8, 64 * MiB, 5000, 1, 4096, 20, 0, "first-touch", false},
	 "a large array shared by threads on every node"},
	{"random-access",
	 gen_random_access,
	 {4, 2, 0, 128 * MiB, 10000, 1, 4096, 20, 0, "first-touch", false},
	 "random accesses to all memory from every node"},
	{"cron",
	 gen_cron,
	 {4, 2, 4, 0, 0, 1, 4096, 0, 0, "first-touch", false},
	 "the cron process of the seed's numa_maps example"},
	{"pagecache",
	 gen_pagecache,
	 {4, 2, 2, 256 * MiB, 10000, 1, 4096, 3, 0, "first-touch", false},
	 "page cache fills node 0, then anonymous memory is allocated there"},
	{"default",
	 gen_default,
	 {4, 2, 0, 8 * MiB, 2000, 1, 4096, 600, 0, "first-touch", false},
	 "a readable mix of most ops"},
};

const char *const trace_gen_scenarios[] = {
	"compile", "dilemma", "shared-array", "random-access", "cron", "pagecache", "default", NULL,
};

static int set_param(struct gen_params *p, const char *kv, struct nerr *err)
{
	static const struct {
		const char *key;
		size_t off;
		bool size;
	} keys[] = {
		{"nodes", offsetof(struct gen_params, nodes), false},
		{"cpus-per-node", offsetof(struct gen_params, cpn), false},
		{"tasks", offsetof(struct gen_params, tasks), false},
		{"size", offsetof(struct gen_params, size), true},
		{"count", offsetof(struct gen_params, count), true},
		{"seed", offsetof(struct gen_params, seed), false},
		{"page-size", offsetof(struct gen_params, page), true},
		{"rounds", offsetof(struct gen_params, rounds), false},
		{"zone-reclaim", offsetof(struct gen_params, zone_reclaim), false},
	};
	const char *eq = strchr(kv, '=');
	char why[256];

	if (!eq)
		return nerr_set(err, "gen: expected key=value, got '%s'", kv);
	size_t n = (size_t)(eq - kv);

	if (n == 6 && strncmp(kv, "policy", 6) == 0) {
		if (strcmp(eq + 1, "first-touch") && strcmp(eq + 1, "interleave"))
			return nerr_set(err,
					"gen: policy must be first-touch or interleave, got '%s'",
					eq + 1);
		p->policy = eq + 1;
		return 0;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strlen(keys[i].key) != n || strncmp(keys[i].key, kv, n))
			continue;
		uint64_t *dst = (uint64_t *)((char *)p + keys[i].off);

		if ((keys[i].size ? parse_size : parse_u64)(eq + 1, dst, why, sizeof(why)))
			return nerr_set(err, "gen: %.*s: %s", (int)n, kv, why);
		p->size_set |= dst == &p->size;
		return 0;
	}
	return nerr_set(err,
			"gen: unknown key '%.*s' (nodes, cpus-per-node, tasks, size, "
			"count, seed, page-size, rounds, zone-reclaim, policy)",
			(int)n, kv);
}

static int check_params(const struct gen_params *p, bool size_given, struct nerr *err)
{
	if (p->nodes < 1 || p->nodes > NS_MAX_NODES)
		return nerr_set(err, "gen: nodes must be 1..%d", NS_MAX_NODES);
	if (p->cpn < 1 || p->nodes * p->cpn > NS_MAX_CPUS)
		return nerr_set(err,
				"gen: cpus-per-node must be >= 1 and nodes*cpus-per-node <= %d",
				NS_MAX_CPUS);
	if (p->page < 4096 || p->page > 65536 || (p->page & (p->page - 1)))
		return nerr_set(err, "gen: page-size must be a power of two from 4096 to 65536");
	if (p->tasks > 1000000 || p->rounds > 1000000)
		return nerr_set(err, "gen: tasks and rounds must be at most 1000000");
	if (p->zone_reclaim > 7)
		return nerr_set(err, "gen: zone-reclaim must be 0..7");
	/* a smaller size rounds to len=0, a larger one runs out of
	 * address space: traces that `trace validate` would refuse */
	if (size_given && (p->size < p->page || p->size > GEN_MAX_SIZE))
		return nerr_set(err, "gen: size must be from page-size (%llu) to 1TiB",
				(unsigned long long)p->page);
	return 0;
}

static void write_out(struct gen *g, const char *name, FILE *out)
{
	char tb[32];

	qsort(g->ev, g->n, sizeof(*g->ev), ev_cmp);
	fprintf(out, "%s\n# name: %s\n%s", TRACE_MAGIC, name, g->header);
	for (size_t i = 0; i < g->n; i++)
		fprintf(out, "@%s %s\n", trace_format_time(g->ev[i].t, tb, sizeof(tb)),
			g->ev[i].line);
}

int trace_gen(const char *scenario, int nkv, char **kv, FILE *out, struct nerr *err)
{
	const struct scenario *s = NULL;
	struct gen g = {0};
	bool size_given = false;

	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (strcmp(scenarios[i].name, scenario) == 0)
			s = &scenarios[i];
	if (!s)
		return nerr_set(err,
				"gen: unknown scenario '%s' (compile, dilemma, shared-array, "
				"random-access, cron, pagecache, default)",
				scenario);
	g.p = s->defaults;
	for (int i = 0; i < nkv; i++) {
		size_t n = strcspn(kv[i], "=");

		for (int j = 0; j < i; j++)
			if (strcspn(kv[j], "=") == n && !strncmp(kv[i], kv[j], n))
				return nerr_set(err, "gen: duplicate key '%.*s'", (int)n, kv[i]);
		if (set_param(&g.p, kv[i], err))
			return -1;
		size_given |= n == 4 && !strncmp(kv[i], "size", 4);
	}
	if (check_params(&g.p, size_given, err))
		return -1;
	if (g.p.tasks == 0)
		g.p.tasks = g.p.nodes * g.p.cpn;
	rng_seed(&g.rng, g.p.seed, 0);
	s->fn(&g);
	if (!g.oom)
		write_out(&g, s->name, out);
	for (size_t i = 0; i < g.n; i++)
		free(g.ev[i].line);
	free(g.ev);
	if (g.oom)
		return nerr_set(err, "gen: out of memory");
	return 0;
}
