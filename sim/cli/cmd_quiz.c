/*
 * cmd_quiz.c - `numasim quiz [TOPIC] [--seed N] [-c] [--files DIR]`
 * (docs/quiz.md), in the style of the OSTEP homework simulators: a small
 * generated problem, a topology and a short trace, with questions; -c
 * prints the worked answer with the rule and the kernel function behind
 * it.
 *
 * Each generator works its answer out by the rule it teaches (plain
 * arithmetic here, nothing read back from the model) and writes it into
 * the trace as `expect` lines. -c then replays the problem in numasim and
 * says whether the simulation agrees; tests/scripts/test_quiz.sh checks
 * that it does for every topic over many seeds.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run_common.h"
#include "core/units.h"
#include "core/rng.h"
#include "core/suggest.h"
#include "sim.h"
#include "topo/topo.h"
#include "trace/replay.h"

#define QBUF 32768
#define PAGES_PER_MIB 256 /* 4 KiB pages */

struct quiz {
	struct rng r;
	int n; /* nodes */
	int cpus_per_node;
	unsigned mem_mib; /* per node */
	int dist[16][16];
	int slow_from; /* nodes >= slow_from (when > 0): CPU-less, slow tier */
	unsigned slow_mib, slow_adist;
	char topo[QBUF], trace[QBUF], quest[QBUF], answer[QBUF];
	size_t tl, rl, ql, al;
};

static void app(char *buf, size_t *len, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf + *len, QBUF - *len, fmt, ap);

	if (n > 0)
		*len = *len + (size_t)n < QBUF ? *len + (size_t)n : QBUF - 1;
}

#define DEFINE_APPENDER(fn, buf, len)                        \
	static void fn(struct quiz *q, const char *fmt, ...) \
		__attribute__((format(printf, 2, 3)));       \
	static void fn(struct quiz *q, const char *fmt, ...) \
	{                                                    \
		va_list ap;                                  \
		va_start(ap, fmt);                           \
		app(q->buf, &q->len, fmt, ap);               \
		va_end(ap);                                  \
	}
DEFINE_APPENDER(tr, trace, rl) /* a trace line (an expect is an answer) */
DEFINE_APPENDER(ask, quest, ql)
DEFINE_APPENDER(ans, answer, al)

static int pick(struct quiz *q, int lo, int hi) /* uniform in [lo, hi] */
{
	return lo + (int)rng_below(&q->r, (uint64_t)(hi - lo + 1));
}

/* n nodes of mem MiB and 2 CPUs each; random symmetric distances in
 * 12..40 (the diagonal 10). When distinct_from >= 0, that node's row
 * has no two equal distances, so its fallback order has no ties. */
static void machine(struct quiz *q, int n, unsigned mem, int distinct_from)
{
	q->n = n;
	q->cpus_per_node = 2;
	q->mem_mib = mem;
	for (int a = 0; a < n; a++) {
		q->dist[a][a] = 10;
		for (int b = a + 1; b < n; b++)
			q->dist[a][b] = q->dist[b][a] = 12 + 2 * pick(q, 0, 14);
	}
	if (distinct_from >= 0) {
		int vals[16], nv = 0;

		for (int v = 12; v <= 40 && nv < 15; v += 3)
			vals[nv++] = v;
		for (int i = nv - 1; i > 0; i--) { /* shuffle */
			int j = pick(q, 0, i), t = vals[i];

			vals[i] = vals[j];
			vals[j] = t;
		}
		for (int b = 0, k = 0; b < n; b++)
			if (b != distinct_from)
				q->dist[distinct_from][b] = q->dist[b][distinct_from] = vals[k++];
	}
}

/* All distances 20 off the diagonal (the scaling topic). */
static void machine_flat(struct quiz *q, int n, unsigned mem)
{
	machine(q, n, mem, -1);
	for (int a = 0; a < n; a++)
		for (int b = 0; b < n; b++)
			q->dist[a][b] = a == b ? 10 : 20;
}

static void topo_json(struct quiz *q)
{
	size_t *l = &q->tl;

	*l = (size_t)snprintf(q->topo, QBUF,
			      "{\n  \"name\": \"quiz\",\n  \"page_size\": 4096,\n  \"nodes\": [\n");
	for (int i = 0; i < q->n; i++) {
		if (q->slow_from > 0 && i >= q->slow_from)
			*l += (size_t)snprintf(q->topo + *l, QBUF - *l,
					       "    {\"id\": %d, \"cpus\": \"\", "
					       "\"memory\": \"%uMiB\", \"adistance\": %u}%s\n",
					       i, q->slow_mib, q->slow_adist,
					       i + 1 < q->n ? "," : "");
		else
			*l += (size_t)snprintf(q->topo + *l, QBUF - *l,
					       "    {\"id\": %d, \"cpus\": \"%d-%d\", "
					       "\"memory\": \"%uMiB\"}%s\n",
					       i, 2 * i, 2 * i + 1, q->mem_mib,
					       i + 1 < q->n ? "," : "");
	}
	*l += (size_t)snprintf(q->topo + *l, QBUF - *l, "  ],\n  \"distances\": [\n");
	for (int a = 0; a < q->n; a++) {
		*l += (size_t)snprintf(q->topo + *l, QBUF - *l, "    [");
		for (int b = 0; b < q->n; b++)
			*l += (size_t)snprintf(q->topo + *l, QBUF - *l, "%d%s", q->dist[a][b],
					       b + 1 < q->n ? ", " : "");
		*l += (size_t)snprintf(q->topo + *l, QBUF - *l, "]%s\n", a + 1 < q->n ? "," : "");
	}
	*l += (size_t)snprintf(q->topo + *l, QBUF - *l, "  ]\n}\n");
}

/* The node of a's fallback order after a: the nearest (rows made
 * distinct by machine(), so there is no tie to break). */
static int nearest(const struct quiz *q, int a, unsigned long long allowed)
{
	int best = -1;

	for (int b = 0; b < q->n; b++)
		if ((allowed >> b & 1) && (best < 0 || q->dist[a][b] < q->dist[a][best]))
			best = b;
	return best;
}

static int cpu_of(struct quiz *q, int node)
{
	return 2 * node + pick(q, 0, 1);
}

/* ---- topics ------------------------------------------------------------------ */

static void t_fallback(struct quiz *q)
{
	int n = pick(q, 3, 5), a = pick(q, 0, n - 1);
	unsigned extra = (unsigned)pick(q, 2, 6);

	machine(q, n, 16, a);
	int b = nearest(q, a, ((1ULL << n) - 1) & ~(1ULL << a));

	tr(q,
	   "@0 spawn pid=1 cpu=%d\n@0 mmap pid=1 addr=0x10000000 len=%uMiB\n"
	   "@0 touch pid=1 addr=0x10000000 len=%uMiB\n",
	   cpu_of(q, a), 16 + extra, 16 + extra);
	ask(q,
	    "pid 1 runs on node %d and touches %u MiB, more than node %d's 16 MiB.\n"
	    "  1. On which node do the pages that do not fit on node %d go?\n"
	    "  2. Which nodes get none?\n"
	    "  3. Which numastat counters count the spilled pages, on which nodes?\n",
	    a, 16 + extra, a, a);
	ans(q,
	    "Node %d keeps pages until its free memory reaches its low watermark (a few dozen\n"
	    "pages here); each later allocation finds node %d below the watermark and takes the\n"
	    "next zone of node %d's zonelist. The zonelist lists nodes by SLIT distance, nearest\n"
	    "first: row %d of the distance table is",
	    a, a, a, a);
	for (int c = 0; c < n; c++)
		ans(q, " %d", q->dist[a][c]);
	ans(q,
	    ", so node %d (distance %d) comes right after node %d,\nand it has room for all %u MiB "
	    "that do not fit.\n  1. node %d, at least %u pages (%u MiB / 4 KiB)\n  2. every other "
	    "node:",
	    b, q->dist[a][b], a, extra, b, extra * PAGES_PER_MIB, extra);
	for (int c = 0; c < n; c++)
		if (c != a && c != b)
			ans(q, " %d", c);
	ans(q,
	    "\n  3. numa_miss and other_node on node %d (it served a page meant for node %d), "
	    "numa_foreign\n"
	    "     on node %d (a page meant for it came from elsewhere), each at least %u; "
	    "zone_statistics().\n",
	    b, a, a, extra * PAGES_PER_MIB);
	ans(q, "Rule: get_page_from_freelist() walks the zonelist that build_zonelists() ordered\n"
	       "with find_next_best_node(); zone_watermark_ok() fails below the low watermark.\n");
	tr(q, "@1ms expect node=%d pages[pid=1]>=%u\n", b, extra * PAGES_PER_MIB);
	tr(q, "@1ms expect node=%d pages[pid=1]>=%u\n", a, 14 * PAGES_PER_MIB);
	tr(q,
	   "@1ms expect node=%d numa_miss>=%u\n@1ms expect node=%d other_node>=%u\n"
	   "@1ms expect node=%d numa_foreign>=%u\n",
	   b, extra * PAGES_PER_MIB, b, extra * PAGES_PER_MIB, a, extra * PAGES_PER_MIB);
	for (int c = 0; c < n; c++)
		if (c != a && c != b)
			tr(q, "@1ms expect node=%d pages[pid=1]=0\n", c);
}

static void t_first_touch(struct quiz *q)
{
	int n = pick(q, 2, 4), tasks = pick(q, 2, 3), node[3] = {0}, mib[3] = {0};

	machine(q, n, 64, -1);
	for (int i = 0; i < tasks; i++) {
		node[i] = pick(q, 0, n - 1);
		mib[i] = pick(q, 1, 8);
		tr(q, "@0 spawn pid=%d cpu=%d\n", i + 1, cpu_of(q, node[i]));
	}
	for (int i = 0; i < tasks; i++)
		tr(q,
		   "@1ms mmap pid=%d addr=0x10000000 len=%dMiB\n"
		   "@1ms touch pid=%d addr=0x10000000 len=%dMiB write\n",
		   i + 1, mib[i], i + 1, mib[i]);
	int moved = pick(q, 0, tasks - 1), to = (node[moved] + 1) % n, ro = pick(q, 1, 4);

	tr(q,
	   "@5ms run pid=%d cpu=%d\n@6ms access pid=%d addr=0x10000000 len=%dMiB count=1000\n"
	   "@7ms mmap pid=%d addr=0x40000000 len=%dMiB\n@7ms touch pid=%d addr=0x40000000 "
	   "len=%dMiB read\n",
	   moved + 1, 2 * to, moved + 1, mib[moved], moved + 1, ro, moved + 1, ro);
	ask(q,
	    "Each task writes its own buffer; then pid %d moves to cpu %d (node %d), reads its\n"
	    "buffer, and reads a new %d MiB mapping it never wrote.\n"
	    "  1. On which node is each task's buffer, and how many pages?\n"
	    "  2. How many pages does the read of the new mapping allocate?\n",
	    moved + 1, 2 * to, to, ro);
	ans(q, "A page is allocated when it is first written, on the node of the CPU that writes\n"
	       "it (the default policy: local). Moving the task later moves no page.\n");
	for (int i = 0; i < tasks; i++) {
		ans(q, "  1. pid %d: %d MiB = %d pages on node %d%s\n", i + 1, mib[i],
		    mib[i] * PAGES_PER_MIB, node[i],
		    i == moved ? " (still there after the move)" : "");
		tr(q, "@8ms expect pid=%d node=%d pages[pid=%d]=%d\n", i + 1, node[i], i + 1,
		   mib[i] * PAGES_PER_MIB);
	}
	ans(q,
	    "  2. none: a read fault on untouched anonymous memory maps the shared zero page\n"
	    "Rule: do_anonymous_page() -> alloc_anon_folio() -> alloc_pages_mpol() with the local\n"
	    "node (numa_node_id()); a read maps the zero page (my_zero_pfn()).\n");
	int total = 0;

	for (int i = 0; i < tasks; i++)
		total += mib[i] * PAGES_PER_MIB;
	tr(q, "@8ms expect pid=%d anon_pages=%d\n", moved + 1, total); /* the read added none */
}

static const char *const policy_modes[] = {"bind", "preferred", "interleave"};

static void t_policies(struct quiz *q)
{
	int n = 4, a = pick(q, 0, 3), mode = pick(q, 0, 2), k = mode == 1 ? 1 : pick(q, 2, 3);
	unsigned long long set = 0;

	machine(q, n, 64, a);
	while (__builtin_popcountll(set) < k)
		set |= 1ULL << pick(q, 0, n - 1);
	int per = pick(q, 1, 4), mib = per * k;
	char list[32] = "";
	size_t ll = 0;

	for (int b = 0; b < n; b++)
		if (set >> b & 1)
			ll += (size_t)snprintf(list + ll, sizeof(list) - ll, "%s%d", ll ? "," : "",
					       b);
	tr(q,
	   "@0 spawn pid=1 cpu=%d\n@0 mmap pid=1 addr=0x10000000 len=%dMiB\n"
	   "@0 mbind pid=1 addr=0x10000000 len=%dMiB mode=%s nodes=%s\n"
	   "@0 touch pid=1 addr=0x10000000 len=%dMiB\n",
	   cpu_of(q, a), mib, mib, policy_modes[mode], list, mib);
	ask(q,
	    "pid 1 runs on node %d; its %d MiB mapping has the policy mode=%s nodes=%s.\n"
	    "  How many of its %d pages land on each node?\n",
	    a, mib, policy_modes[mode], list, mib * PAGES_PER_MIB);
	int target = (set >> a & 1) ? a : nearest(q, a, set);

	for (int b = 0; b < n; b++) {
		int pages = 0;

		if (mode == 2)
			pages = (set >> b & 1) ? per * PAGES_PER_MIB : 0;
		else
			pages = b == target ? mib * PAGES_PER_MIB : 0;
		tr(q, "@1ms expect node=%d pages[pid=1]=%d\n", b, pages);
	}
	if (mode == 2)
		ans(q,
		    "interleave: page i of the mapping goes to the (i mod %d)-th node of {%s}, so "
		    "each gets\n"
		    "%d MiB = %d pages and the others none.\nRule: interleave_nid() picks by the "
		    "page's offset "
		    "in the VMA (offset_il_node()).\n",
		    k, list, per, per * PAGES_PER_MIB);
	else if (mode == 1)
		ans(q,
		    "preferred: every page comes from node %d while it has free memory above its\n"
		    "watermark (it has: 64 MiB), so all %d pages are on node %d.\nRule: "
		    "policy_nodemask() returns the preferred node first in the zonelist "
		    "(MPOL_PREFERRED).\n",
		    target, mib * PAGES_PER_MIB, target);
	else
		ans(q,
		    "bind: only nodes {%s} may be used; the allocation walks node %d's zonelist\n"
		    "(nearest first) restricted to them, so %s: all %d pages on node %d%s.\nRule: "
		    "policy_nodemask() gives the bind mask, get_page_from_freelist() skips zones "
		    "not in it.\n",
		    list, a,
		    (set >> a & 1) ? "the local node is allowed and comes first"
				   : "the nearest allowed node comes first",
		    mib * PAGES_PER_MIB, target,
		    (set >> a & 1) ? "" : " (see row of the distance table)");
}

static void t_cpusets(struct quiz *q)
{
	int n = 4, a = pick(q, 0, 3), s1 = (a + pick(q, 1, 3)) % 4, s2, mig = pick(q, 0, 1);
	int mib = pick(q, 2, 8);

	do
		s2 = pick(q, 0, 3);
	while (s2 == s1);
	machine(q, n, 24, a);
	tr(q,
	   "@0 spawn pid=1 cpu=%d\n@0 cpuset action=create path=/job cpus=0-7 mems=%d "
	   "memory_migrate=%d\n"
	   "@0 cpuset action=attach path=/job pid=1\n@1ms mmap pid=1 addr=0x10000000 len=%dMiB\n"
	   "@1ms touch pid=1 addr=0x10000000 len=%dMiB\n",
	   cpu_of(q, a), s1, mig, mib, mib);
	/* the touch takes a few ms of simulated time: the change comes well after */
	tr(q, "@50ms expect pid=1 node=%d pages[pid=1]=%d\n", s1, mib * PAGES_PER_MIB);
	tr(q, "@100ms cpuset action=set path=/job mems=%d\n", s2);
	tr(q, "@200ms expect node=%d pages[pid=1]=%d\n", mig ? s2 : s1, mib * PAGES_PER_MIB);
	tr(q, "@200ms expect node=%d pages[pid=1]=0\n", mig ? s1 : s2);
	ask(q,
	    "pid 1 runs on node %d in a cpuset whose mems are {%d} (memory_migrate=%d), and\n"
	    "touches %d MiB; at 100ms the cpuset's mems become {%d}.\n"
	    "  1. Where are its pages after the touch?\n  2. Where are they after the change?\n",
	    a, s1, mig, mib, s2);
	ans(q,
	    "  1. node %d, all %d pages: a cpuset's mems bound every allocation of its tasks,\n"
	    "     whatever node the task runs on (cpuset_zone_allowed() in "
	    "get_page_from_freelist()).\n",
	    s1, mib * PAGES_PER_MIB);
	if (mig)
		ans(q,
		    "  2. node %d: with memory_migrate=1, changing mems migrates the tasks' pages "
		    "from\n"
		    "     the old mems to the new (update_tasks_nodemask() -> cpuset_migrate_mm() "
		    "->\n"
		    "     do_migrate_pages()).\n",
		    s2);
	else
		ans(q,
		    "  2. still node %d: without memory_migrate, only new allocations follow the "
		    "new\n"
		    "     mems; pages already allocated stay (cpuset_update_task_spread_flags(),\n"
		    "     no migration).\n",
		    s1);
}

static void t_migration(struct quiz *q)
{
	int n = pick(q, 2, 4), a = pick(q, 0, n - 1), b = (a + pick(q, 1, n - 1)) % n;
	int touched[8], nt = 0;

	machine(q, n, 64, -1);
	tr(q, "@0 spawn pid=1 cpu=%d\n@0 mmap pid=1 addr=0x10000000 len=32KiB\n", cpu_of(q, a));
	for (int i = 0; i < 8; i++) {
		touched[i] = pick(q, 0, 2) > 0;
		if (touched[i]) {
			tr(q, "@0 touch pid=1 addr=0x%x len=4KiB write\n", 0x10000000 + i * 4096);
			nt++;
		}
	}
	tr(q, "@1ms move_pages pid=1 addr=0x10000000 len=32KiB node=%d\n", b);
	tr(q, "@2ms expect pid=1 status=");
	for (int i = 0; i < 8; i++) {
		if (touched[i])
			tr(q, "%s%d", i ? "," : "", b);
		else
			tr(q, "%s-ENOENT", i ? "," : "");
	}
	tr(q, "\n");
	tr(q, "@2ms expect node=%d pages[pid=1]=%d\n@2ms expect node=%d pages[pid=1]=0\n", b, nt,
	   a);
	ask(q,
	    "pid 1 on node %d maps 8 pages and writes some of them (the touch lines); then\n"
	    "move_pages asks for all 8 to go to node %d.\n"
	    "  1. What is the status array?\n  2. How many pages are on node %d afterwards?\n",
	    a, b, b);
	ans(q, "  1. status=");
	for (int i = 0; i < 8; i++) {
		if (touched[i])
			ans(q, "%s%d", i ? "," : "", b);
		else
			ans(q, "%s-ENOENT", i ? "," : "");
	}
	ans(q,
	    "\n     a written page moves and reports its new node; a page never touched has no\n"
	    "     page to move: -ENOENT (do_pages_move() -> add_page_for_migration(), then\n"
	    "     do_pages_stat() for the result)\n  2. %d, the written pages; node %d keeps "
	    "none.\n"
	    "Rule: migrate_pages() unmaps each page (migration entries), copies it, remaps it.\n",
	    nt, a);
}

static void t_pagecache(struct quiz *q)
{
	int mode = pick(q, 0, 1), file = 40 + 4 * pick(q, 0, 2), anon = 32;

	machine(q, 2, 64, -1);
	tr(q,
	   "@0 sysctl vm.zone_reclaim_mode=%d\n@0 file name=/data/f size=%dMiB\n"
	   "@0 spawn pid=1 cpu=0\n@1ms read pid=1 file=/data/f\n"
	   "@2ms mmap pid=1 addr=0x10000000 len=%dMiB\n@2ms touch pid=1 addr=0x10000000 "
	   "len=%dMiB\n",
	   mode, file, anon, anon);
	ask(q,
	    "Node 0 and node 1 have 64 MiB each. pid 1 on node 0 reads a %d MiB file, then\n"
	    "touches %d MiB of anonymous memory, with vm.zone_reclaim_mode=%d.\n"
	    "  1. Where is the page cache?\n  2. Where do the %d anonymous pages go?\n",
	    file, anon, mode, anon * PAGES_PER_MIB);
	tr(q, "@3ms expect pid=1 node=0 file_pages>=%d\n", mode ? 0 : file * PAGES_PER_MIB);
	ans(q,
	    "  1. node 0: page cache is allocated like any page, on the reader's node\n"
	    "     (filemap_alloc_folio() -> alloc_pages() with the local node)%s.\n",
	    mode ? "; with mode 1 part of it is reclaimed again in answer 2" : "");
	if (mode) {
		tr(q, "@3ms expect pid=1 node=0 pages[pid=1]=%d\n", anon * PAGES_PER_MIB);
		ans(q, "  2. all on node 0: when node 0 runs low, zone_reclaim_mode=1 makes the "
		       "allocator\n"
		       "     reclaim node 0's clean unmapped page cache before going off node\n"
		       "     (get_page_from_freelist() -> node_reclaim() -> __node_reclaim()).\n");
	} else {
		int spill = (anon + file - 64) * PAGES_PER_MIB;

		tr(q, "@3ms expect pid=1 node=1 pages[pid=1]>=%d\n", spill);
		ans(q,
		    "  2. node 0 has only about %d MiB free after the file, so at least %d + %d - "
		    "64 =\n"
		    "     %d MiB (%d pages) go to node 1: with zone_reclaim_mode=0 the allocator "
		    "takes the\n"
		    "     next node rather than reclaim page cache (get_page_from_freelist(): "
		    "node_reclaim()\n"
		    "     is not called), and kswapd is not woken while node 1 has room.\n",
		    64 - file, anon, file, anon + file - 64, spill);
	}
}

static void t_kswapd(struct quiz *q)
{
	int swap = pick(q, 0, 1), mib = 64 + 8 * pick(q, 1, 4);

	machine(q, 2, 32, -1);
	if (swap)
		tr(q, "@0 sysctl sim.swap_size=256MiB\n");
	/* two mappings of half each: one larger than RAM + swap would be
	 * refused at mmap by the overcommit heuristic (__vm_enough_memory()) */
	tr(q,
	   "@0 spawn pid=1 cpu=0\n@1ms mmap pid=1 addr=0x10000000 len=%dMiB\n"
	   "@1ms mmap pid=1 addr=0x40000000 len=%dMiB\n@1ms touch pid=1 addr=0x10000000 len=%dMiB\n"
	   "@1ms touch pid=1 addr=0x40000000 len=%dMiB\n",
	   mib / 2, mib / 2, mib / 2, mib / 2);
	ask(q,
	    "The machine has 2 x 32 MiB; %s. pid 1 maps and touches two buffers of %d MiB.\n"
	    "  1. What happens to pid 1?\n  2. How many pages are swapped out, at least?\n",
	    swap ? "a 256 MiB swap device is configured" : "there is no swap", mib / 2);
	if (swap) {
		int out = (mib - 64) * PAGES_PER_MIB;

		tr(q, "@2s expect pid=1 state=running\n@2s expect pswpout>=%d\n", out);
		ans(q,
		    "  1. it keeps running: when every zone is below its low watermark the "
		    "allocator\n"
		    "     wakes kswapd (wake_all_kswapds()) and, if that is not enough, reclaims "
		    "directly\n"
		    "     (__alloc_pages_direct_reclaim()); anonymous pages on the inactive LRU "
		    "tail are\n"
		    "     written to swap (shrink_folio_list() -> add_to_swap() -> pageout()).\n"
		    "  2. at least %d - 64 = %d MiB = %d pages (pswpout): more than all of RAM is "
		    "in use.\n",
		    mib, mib - 64, out);
	} else {
		tr(q, "@2s expect pid=1 state=oom_killed\n@2s expect pswpout=0\n");
		ans(q, "  1. it is killed by the OOM killer: reclaim finds nothing to free "
		       "(anonymous\n"
		       "     pages need swap, there is none, no page cache), so after its retries\n"
		       "     __alloc_pages_slowpath() calls out_of_memory(), which picks the "
		       "biggest task.\n"
		       "  2. none: there is no swap device.\n");
	}
}

static void t_scaling(struct quiz *q)
{
	static const int sizes[] = {2, 4, 8, 16};
	int n = sizes[pick(q, 0, 3)], count = 20000;
	double p = 1.0 / n, accesses = (double)n * count;
	/* 6 standard deviations of a binomial share, plus one part in 1000 */
	double band = 6.0 * sqrt(p * (1 - p) / accesses) + 0.001;

	machine_flat(q, n, 64);
	tr(q,
	   "@0 spawn pid=1 cpu=0\n@0 set_mempolicy pid=1 mode=interleave nodes=all\n"
	   "@0 mmap pid=1 addr=0x10000000 len=%dMiB\n@0 touch pid=1 addr=0x10000000 len=%dMiB\n",
	   4 * n, 4 * n);
	for (int i = 1; i < n; i++)
		tr(q, "@1ms thread pid=1 tid=%d cpu=%d\n", i + 1, 2 * i);
	for (int i = 0; i < n; i++)
		tr(q,
		   "@2ms access pid=%d addr=0x10000000 len=%dMiB count=%d pattern=random seed=%d\n",
		   i + 1, 4 * n, count, pick(q, 0, 1000));
	tr(q, "@3s expect local_ratio>=%.4f\n@3s expect local_ratio<=%.4f\n", p - band, p + band);
	ask(q,
	    "%d threads, one per node of a %d-node machine, read at random over one buffer\n"
	    "interleaved across all nodes.\n  What share of the accesses is local?\n",
	    n, n);
	ans(q,
	    "Interleaving puts 1/%d of the pages on each node; a thread reading at random finds\n"
	    "its page on its own node with probability 1/%d, so %.2f %% of accesses are local and\n"
	    "%.2f %% remote (2 nodes: 50 %% local; 16 nodes: 94 %% remote). With %.0f accesses "
	    "the\n"
	    "share lands within %.4f of that (six binomial standard deviations).\nRule: "
	    "interleave_nid() spreads pages round-robin; a random access hits any page alike.\n",
	    n, n, 100 * p, 100 * (1 - p), accesses, band);
}

static void t_balancing(struct quiz *q)
{
	int n = pick(q, 2, 4), a = pick(q, 0, n - 1), b = (a + pick(q, 1, n - 1)) % n,
	    mib = pick(q, 2, 8);

	/* 24 MiB nodes hold the 8 MiB at most, with room above the watermarks */
	machine(q, n, 24, -1);
	tr(q,
	   "@0 sysctl kernel.numa_balancing=1\n@0 spawn pid=1 cpu=%d\n"
	   "@0 mmap pid=1 addr=0x10000000 len=%dMiB\n@0 touch pid=1 addr=0x10000000 len=%dMiB\n"
	   "@10ms run pid=1 cpu=%d\n",
	   cpu_of(q, a), mib, mib, 2 * b);
	for (int t = 500; t <= 8000; t += 500)
		tr(q, "@%dms access pid=1 addr=0x10000000 len=%dMiB count=20000 pattern=random\n",
		   t, mib);
	tr(q,
	   "@9s expect pid=1 node=%d pages[pid=1]=%d\n@9s expect pid=1 node=%d pages[pid=1]=0\n"
	   "@9s expect pgmigrate_success>=%d\n",
	   b, mib * PAGES_PER_MIB, a, mib * PAGES_PER_MIB);
	ask(q,
	    "With kernel.numa_balancing=1, pid 1 fills %d MiB on node %d, is moved to node %d at\n"
	    "10ms, and keeps reading its memory for 8 s.\n  Where is its memory at the end?\n",
	    mib, a, b);
	ans(q,
	    "All %d pages on node %d. Every scan period task_numa_work() marks the task's ptes\n"
	    "PROT_NONE; the next access takes a NUMA hinting fault (do_numa_page()), which sees\n"
	    "the page on node %d accessed from node %d and, the second time in a row\n"
	    "(should_numa_migrate_memory()'s two-stage filter), migrates it there\n"
	    "(migrate_misplaced_folio()). pgmigrate_success counts at least %d.\n",
	    mib * PAGES_PER_MIB, b, a, b, mib * PAGES_PER_MIB);
}

/* Transparent huge pages (docs/tutorial-thp.md): whether a write fault
 * gets a 2 MiB page, and how numastat and numa_maps count it. */
static void t_thp(struct quiz *q)
{
	static const char *const setting[] = {"madvise", "madvise", "always"};
	int n = pick(q, 2, 4), a = pick(q, 0, n - 1), mib = 2 * pick(q, 2, 8), v = pick(q, 0, 2);
	bool advise = v == 1, thp = v != 0;
	int huge = thp ? mib / 2 : 0, pages = mib * PAGES_PER_MIB;

	machine(q, n, 512, -1); /* THP is off by default below 512 MiB of RAM */
	tr(q,
	   "@0 sysctl mm.transparent_hugepage.enabled=%s\n@0 spawn pid=1 cpu=%d\n"
	   "@0 mmap pid=1 addr=0x40000000 len=%dMiB\n",
	   setting[v], cpu_of(q, a), mib);
	if (advise)
		tr(q, "@0 madvise pid=1 addr=0x40000000 len=%dMiB advice=hugepage\n", mib);
	tr(q,
	   "@1ms touch pid=1 addr=0x40000000 len=%dMiB write\n"
	   "@2ms expect pid=1 node=%d nr_anon_transparent_hugepages=%d\n"
	   "@2ms expect pid=1 node=%d numa_hit=%d\n@2ms expect pid=1 node=%d pages[pid=1]=%d\n",
	   mib, a, huge, a, thp ? huge : pages, a, pages);
	ask(q,
	    "With mm.transparent_hugepage.enabled=%s, pid 1 on node %d maps %d MiB at 0x40000000\n"
	    "(2 MiB aligned)%s and writes all of it.\n"
	    "  1. How many transparent huge pages does node %d hold?\n"
	    "  2. How many allocations does numa_hit count on node %d?\n"
	    "  3. How many pages of pid 1 does numa_maps show on node %d?\n",
	    setting[v], a, mib, advise ? ", calls madvise(MADV_HUGEPAGE) on it," : "", a, a, a);
	if (thp)
		ans(q,
		    "  1. %d: %s,\n     so each aligned 2 MiB of the mapping takes a huge fault "
		    "and gets\n"
		    "     an order-9 page on the local node.\n"
		    "  2. %d: numastat counts one allocation per huge page (zone_statistics() "
		    "with\n"
		    "     nr_account 1).\n",
		    huge, advise ? "madvise mode and the range is MADV_HUGEPAGE" : "always mode",
		    huge);
	else
		ans(q,
		    "  1. 0: in madvise mode only MADV_HUGEPAGE ranges get huge pages.\n"
		    "  2. %d: one allocation per 4 KiB page.\n",
		    pages);
	ans(q,
	    "  3. %d either way: numa_maps counts base pages (a huge page is 512 in anon= and "
	    "N%d=).\n"
	    "Rule: __handle_mm_fault() -> thp_vma_allowable_order() -> "
	    "do_huge_pmd_anonymous_page()\n"
	    "-> vma_alloc_folio(order 9) on the policy's (here the local) node.\n",
	    pages, a);
}

/* Memory tiers and demotion (docs/tutorial-tiering.md, docs/model.md
 * §11): DRAM nodes with CPUs, CPU-less slow nodes with a larger abstract
 * distance in a lower tier; a task bound to one DRAM node touches more
 * than the node holds, with or without demotion and swap. */
static void t_tiers(struct quiz *q)
{
	int dram = 2, slow = pick(q, 1, 3), n = dram + slow, a = pick(q, 0, dram - 1);
	int v = pick(q, 0, 3), extra = 4 * pick(q, 1, 4);
	bool demote = v & 1, swap = v & 2;
	int vals[8], nv = 0;

	machine(q, n, 32, -1);
	q->slow_from = dram;
	q->slow_mib = 64;
	q->slow_adist = 640 + 128 * (unsigned)pick(q, 0, 18); /* tiers 5 .. 23 */
	/* node a's distances to the slow nodes: distinct, 3 apart at least,
	 * so find_next_best_node()'s +1 penalty for a lower node id never
	 * reorders them */
	for (int d = 14; d <= 38 && nv < 8; d += 4)
		vals[nv++] = d;
	for (int i = nv - 1; i > 0; i--) {
		int j = pick(q, 0, i), t = vals[i];

		vals[i] = vals[j];
		vals[j] = t;
	}
	int target = -1;

	for (int b = dram, k = 0; b < n; b++, k++) {
		q->dist[a][b] = q->dist[b][a] = vals[k];
		if (target < 0 || vals[k] < q->dist[a][target])
			target = b;
	}
	int total = 32 + extra, xpages = extra * PAGES_PER_MIB;
	unsigned tier = q->slow_adist >> 7;
	char slows[32];
	const char *are = slow == 1 ? "is" : "are";

	if (slow == 1)
		snprintf(slows, sizeof(slows), "node %d", dram);
	else
		snprintf(slows, sizeof(slows), "nodes %d-%d", dram, n - 1);

	if (demote)
		tr(q, "@0 sysctl mm.numa.demotion_enabled=1\n");
	if (swap)
		tr(q, "@0 sysctl sim.swap_size=256MiB\n");
	tr(q,
	   "@0 spawn pid=1 cpu=%d\n@0 set_mempolicy pid=1 mode=bind nodes=%d\n"
	   "@1ms mmap pid=1 addr=0x10000000 len=%dMiB\n@1ms touch pid=1 addr=0x10000000 "
	   "len=%dMiB\n",
	   cpu_of(q, a), a, total, total);
	ask(q,
	    "Nodes 0 and 1 are DRAM with CPUs (abstract distance 576, the default); %s %s\n"
	    "CPU-less memory, %u MiB%s, abstract distance %u (say CXL).\n"
	    "mm.numa.demotion_enabled=%d and %s. pid 1 runs on node %d,\n"
	    "bound to node %d (set_mempolicy bind), and touches %d MiB of anonymous memory:\n"
	    "%d MiB more than node %d's 32 MiB.\n"
	    "  1. Which memory tier is each node in, and which node is node %d's demotion target?\n"
	    "  2. What happens to pid 1, and where do the pages go that do not fit on node %d\n"
	    "     (%d at least)?\n"
	    "  3. How many pages are swapped out (pswpout), and how many migrated\n"
	    "     (pgmigrate_success), at least?\n",
	    slows, are, q->slow_mib, slow > 1 ? " each" : "", q->slow_adist, demote,
	    swap ? "there is a 256 MiB swap device" : "there is no swap", a, a, total, extra, a, a,
	    a, xpages);
	ans(q,
	    "  1. A node joins the tier its abstract distance rounds down to, in chunks of 128:\n"
	    "     nodes 0-1 (576) are in memory_tier4, the top tier; %s (%u) %s in\n"
	    "     memory_tier%u, below it (set_node_memory_tier(), find_create_memory_tier()).\n"
	    "     A node's demotion targets are the nodes of the next lower tier nearest to it\n"
	    "     (establish_demotion_targets() with find_next_best_node()); row %d of the\n"
	    "     distance table:",
	    slows, q->slow_adist, are, tier, a);
	for (int b = dram; b < n; b++)
		ans(q, "%s node %d at %d", b > dram ? "," : "", b, q->dist[a][b]);
	ans(q,
	    ",\n     so node %d is node %d's target (the boot log and `numasim topo show`:\n"
	    "     Demotion targets for Node %d: preferred: %d).\n",
	    target, a, a, target);
	if (demote) {
		ans(q,
		    "  2. it keeps running. When node %d runs short, reclaim (kswapd and the "
		    "task's direct\n"
		    "     reclaim) moves cold pages to node %d instead of %s them: "
		    "shrink_folio_list()\n"
		    "     puts a page it would reclaim on the demote list, demote_folio_list() "
		    "migrates it\n"
		    "     to next_demotion_node(). Demotion ignores the bind policy, so at least "
		    "%d pages\n"
		    "     of pid 1 end on node %d, none on the other nodes.\n"
		    "  3. pswpout 0 (%s);\n"
		    "     pgmigrate_success at least %d: each demotion is a migration\n"
		    "     (pgdemote_kswapd + pgdemote_direct count them too).\n",
		    a, target, swap ? "swapping" : "failing to reclaim", xpages, target,
		    swap ? "demotion comes before swap while the lower tier has room"
			 : "there is no swap",
		    xpages);
		tr(q,
		   "@2s expect pid=1 state=running\n@2s expect pid=1 node=%d pages[pid=1]>=%d\n"
		   "@2s expect pswpout=0\n@2s expect pgmigrate_success>=%d\n",
		   target, xpages, xpages);
		for (int b = 0; b < n; b++)
			if (b != a && b != target)
				tr(q, "@2s expect pid=1 node=%d pages[pid=1]=0\n", b);
	} else if (swap) {
		ans(q,
		    "  2. it keeps running: without demotion reclaim swaps the anonymous pages of "
		    "node %d\n"
		    "     out (shrink_folio_list() -> add_to_swap() -> pageout()); the bind policy "
		    "keeps\n"
		    "     every page of pid 1 on node %d, none on node %d or elsewhere.\n"
		    "  3. pswpout at least %d - 32 = %d MiB = %d pages; pgmigrate_success 0.\n",
		    a, a, target, total, extra, xpages);
		tr(q,
		   "@2s expect pid=1 state=running\n@2s expect pswpout>=%d\n@2s expect "
		   "pgmigrate_success=0\n",
		   xpages);
		for (int b = 0; b < n; b++)
			if (b != a)
				tr(q, "@2s expect pid=1 node=%d pages[pid=1]=0\n", b);
	} else {
		ans(q,
		    "  2. it is OOM-killed: bound to node %d, with no swap and demotion off, "
		    "reclaim finds\n"
		    "     nothing to free (can_reclaim_anon_pages() is false: no swap, "
		    "can_demote() is\n"
		    "     false), so __alloc_pages_slowpath() ends in out_of_memory(). No page "
		    "goes to\n"
		    "     node %d: only demotion may move pages out of the bound node.\n"
		    "  3. none: pswpout 0, pgmigrate_success 0.\n",
		    a, target);
		tr(q, "@2s expect pid=1 state=oom_killed\n@2s expect pswpout=0\n@2s expect "
		      "pgmigrate_success=0\n");
	}
	ans(q,
	    "Rule: demotion (mm.numa.demotion_enabled, /sys/kernel/mm/numa/demotion_enabled) lets\n"
	    "reclaim of a node with a lower tier migrate pages there (can_demote()); otherwise\n"
	    "anonymous pages need swap.\n");
}

/* ---- the command --------------------------------------------------------------- */

struct topic {
	const char *name, *what;
	void (*gen)(struct quiz *);
};

static const struct topic topics[] = {
	{"fallback", "which node gets the pages when the local node is full", t_fallback},
	{"first-touch", "first touch, the zero page and a task that moves", t_first_touch},
	{"policies", "bind, preferred and interleave", t_policies},
	{"cpusets", "cpuset mems and memory_migrate", t_cpusets},
	{"migration", "move_pages statuses", t_migration},
	{"pagecache", "page cache and vm.zone_reclaim_mode", t_pagecache},
	{"kswapd", "kswapd, the LRU, swap and the OOM killer", t_kswapd},
	{"scaling", "random access over interleaved memory: 1/N local", t_scaling},
	{"balancing", "automatic NUMA balancing", t_balancing},
	{"thp", "transparent huge pages: huge faults, numastat and numa_maps", t_thp},
	{"tiers", "memory tiers: tiers, demotion targets, demotion instead of swap", t_tiers},
};
#define NR_TOPICS (sizeof(topics) / sizeof(topics[0]))

static void print_indented(const char *text, const char *skip_prefix)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		if (!skip_prefix || !strstr(p, skip_prefix) || strstr(p, skip_prefix) > p + n)
			printf("  %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Replays the problem; returns failed expects (or -1 with the error). */
static int simulate_quiz(const char *topo_path, const char *trace_path, uint64_t *passed,
			 struct nerr *err)
{
	struct run_args a;
	struct topology *topo;

	run_args_init(&a);
	a.trace = trace_path;
	if (load_topology(topo_path, &topo, err))
		return -1;
	struct trace_log *log;
	struct sim *s = simulate(&a, topo, &log, err);

	if (!s) {
		topo_free(topo);
		return -1;
	}
	int failed = (int)log->expects_failed;

	*passed = log->expects_passed;
	trace_log_free(log);
	sim_destroy(s);
	topo_free(topo);
	return failed;
}

static int list_topics(void)
{
	puts("numasim quiz TOPIC [--seed N] [-c]; topics:");
	for (size_t i = 0; i < NR_TOPICS; i++)
		printf("  %-12s %s\n", topics[i].name, topics[i].what);
	return EXIT_OK;
}

int cmd_quiz(int argc, char **argv)
{
	const char *topic = NULL, *files = NULL;
	bool answers = false;
	uint64_t seed = 1;
	char why[256];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c")) {
			answers = true;
		} else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			if (parse_u64(argv[++i], &seed, why, sizeof(why)))
				return cli_usage("quiz --seed: %s", why);
		} else if (!strcmp(argv[i], "--files") && i + 1 < argc) {
			files = argv[++i];
		} else if (argv[i][0] == '-' || topic) {
			return cli_usage("quiz: unexpected argument '%s'", argv[i]);
		} else {
			topic = argv[i];
		}
	}
	if (!topic)
		return list_topics();
	const struct topic *t = NULL;
	const char *names[NR_TOPICS];

	for (size_t i = 0; i < NR_TOPICS; i++) {
		names[i] = topics[i].name;
		if (!strcmp(topic, topics[i].name))
			t = &topics[i];
	}
	if (!t) {
		char hint[96];

		return cli_usage(
			"quiz: unknown topic '%s'%s", topic,
			suggest_hint(suggest_best(topic, names, NR_TOPICS), hint, sizeof(hint)));
	}
	struct quiz *q = calloc(1, sizeof(*q));

	if (!q)
		return cli_usage("quiz: out of memory");
	rng_seed(&q->r, seed, 0x717a);
	q->rl = (size_t)snprintf(q->trace, QBUF, "# numasim trace v1\n# name: quiz-%s-%llu\n",
				 t->name, (unsigned long long)seed);
	t->gen(q);
	topo_json(q);
	int rc = EXIT_OK;

	if (files) {
		char tp[4096], wp[4096];

		snprintf(tp, sizeof(tp), "%s/quiz.json", files);
		snprintf(wp, sizeof(wp), "%s/quiz.trace", files);
		if (write_file(tp, q->topo) || write_file(wp, q->trace)) {
			free(q);
			return cli_usage("quiz: cannot write into %s", files);
		}
		printf("%s\n%s\n", tp, wp);
		free(q);
		return EXIT_OK;
	}
	printf("numasim quiz %s --seed %llu: %s\n\n", t->name, (unsigned long long)seed, t->what);
	if (q->slow_from > 0)
		printf("The machine: %d nodes; nodes 0-%d: CPUs 2i and 2i+1 on node i, %u MiB "
		       "each;\n"
		       "nodes %d-%d: no CPUs, %u MiB each, abstract distance %u; SLIT distances:\n "
		       "    ",
		       q->n, q->slow_from - 1, q->mem_mib, q->slow_from, q->n - 1, q->slow_mib,
		       q->slow_adist);
	else
		printf("The machine: %d nodes, CPUs 2i and 2i+1 on node i, %u MiB each; SLIT "
		       "distances:\n     ",
		       q->n, q->mem_mib);
	for (int b = 0; b < q->n; b++)
		printf("%4d", b);
	putchar('\n');
	for (int a = 0; a < q->n; a++) {
		printf("  %2d ", a);
		for (int b = 0; b < q->n; b++)
			printf("%4d", q->dist[a][b]);
		putchar('\n');
	}
	puts("\nThe trace (4 KiB pages):");
	print_indented(q->trace, answers ? NULL : " expect ");
	printf("\nQuestions:\n%s", q->quest);
	if (!answers) {
		printf("\nnumasim quiz %s --seed %llu -c prints the answers.\n", t->name,
		       (unsigned long long)seed);
		free(q);
		return EXIT_OK;
	}
	printf("\nAnswers (the expect lines above check them):\n%s", q->answer);
	/* the problem replayed in numasim */
	char dir[] = "/tmp/numasim-quiz-XXXXXX";
	struct nerr err;
	uint64_t passed = 0;

	if (!mkdtemp(dir)) {
		free(q);
		return cli_usage("quiz: cannot make a temporary directory");
	}
	char tp[64], wp[64];

	snprintf(tp, sizeof(tp), "%s/quiz.json", dir);
	snprintf(wp, sizeof(wp), "%s/quiz.trace", dir);
	int failed = write_file(tp, q->topo) || write_file(wp, q->trace)
			     ? -1
			     : simulate_quiz(tp, wp, &passed, &err);

	unlink(tp);
	unlink(wp);
	rmdir(dir);
	if (failed < 0) {
		rc = cli_fail(&err);
	} else if (failed) {
		printf("\nnumasim's simulation DISAGREES: %d of %llu checks fail.\n", failed,
		       (unsigned long long)(passed + (uint64_t)failed));
		rc = EXIT_EXPECT;
	} else {
		printf("\nnumasim's simulation of this problem agrees: %llu of %llu checks hold.\n",
		       (unsigned long long)passed, (unsigned long long)passed);
	}
	free(q);
	return rc;
}
