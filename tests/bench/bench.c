/*
 * bench.c - numasim-bench: performance figures behind docs/performance.md.
 *
 *   numasim-bench [SECTION...]     SECTION: alloc mixed init memory all
 *
 * Each section prints `name: value unit` lines, so results are easy to
 * diff and grep. Topologies are built in memory; nothing is read from disk.
 * To add a section (replay, reclaim, ...), write a `static void
 * bench_<name>(void)` and add it to the sections[] table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../unit/fixture_topo.h"
#include "bench.h"
#include "mm/filemap.h"
#include "mm/page_alloc.h"
#include "task/task.h"
#include "sim.h"

#define GiB (1ULL << 30)

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct sim *bench_sim(struct topology *t)
{
	struct tunables tun;
	struct nerr err;

	tunables_init(&tun);
	struct sim *s = sim_create(t, &tun, &err);

	if (!s) {
		fprintf(stderr, "numasim-bench: %s\n", err.msg);
		exit(1);
	}
	return s;
}

static struct topology *ring4_of(uint64_t per_node)
{
	uint64_t mem[4] = {per_node, per_node, per_node, per_node};

	return fixture_topo(4, mem, NULL, fixture_ring4_dist, 2);
}

/* Order-0 alloc+free pairs on one core: back to back (each pair splits
 * and re-merges), and with 4096 pages kept live in a FIFO (the free lists
 * stay fragmented, as on a running system). */
static void bench_alloc(void)
{
	struct topology *t = ring4_of(4 * GiB);
	struct sim *s = bench_sim(t);
	const uint64_t n = 20 * 1000 * 1000;
	enum { LIVE = 4096 };
	static pfn_t ring[LIVE];
	double t0 = now_s();

	for (uint64_t i = 0; i < n; i++)
		__free_pages(s, alloc_pages_node(s, 0, GFP_KERNEL, 0, 0), 0);
	double dt = now_s() - t0;

	printf("alloc.order0_pairs_back_to_back: %.1f M/s\n", (double)n / dt / 1e6);
	for (int i = 0; i < LIVE; i++)
		ring[i] = alloc_pages_node(s, 0, GFP_KERNEL, 0, 0);
	t0 = now_s();
	for (uint64_t i = 0; i < n; i++) {
		__free_pages(s, ring[i % LIVE], 0);
		ring[i % LIVE] = alloc_pages_node(s, 0, GFP_KERNEL, 0, 0);
	}
	dt = now_s() - t0;
	printf("alloc.order0_pairs_live4096: %.1f M/s\n", (double)n / dt / 1e6);
	sim_destroy(s);
	fixture_topo_free(t);
}

/* Random orders 0..4 (weighted to small), random nodes, on memory that
 * starts 75% allocated in a random pattern: fragmentation, fallbacks,
 * splits and merges. */
static void bench_mixed(void)
{
	struct topology *t = ring4_of(GiB);
	struct sim *s = bench_sim(t);
	static const unsigned orders[8] = {0, 0, 0, 0, 1, 2, 3, 4};
	uint64_t cap = s->mem.totalram_pages;
	pfn_t *live = malloc(cap * sizeof(*live));
	unsigned char *lo = malloc(cap);
	uint64_t nlive = 0, used = 0, ops = 0, failed = 0;
	struct rng r;

	rng_seed(&r, 7, 0);
	while (used < cap * 3 / 4) {
		unsigned o = orders[rng_below(&r, 8)];
		int nid = (int)rng_below(&r, 4);
		pfn_t p = alloc_pages_node(s, nid, GFP_KERNEL, o, nid);

		if (p == NOPFN)
			break;
		live[nlive] = p;
		lo[nlive++] = (unsigned char)o;
		used += 1u << o;
	}
	const uint64_t n = 10 * 1000 * 1000;
	double t0 = now_s();

	for (uint64_t i = 0; i < n; i++, ops++) {
		uint64_t k = rng_below(&r, nlive);
		unsigned o = orders[rng_below(&r, 8)];
		int nid = (int)rng_below(&r, 4);

		__free_pages(s, live[k], lo[k]);
		pfn_t p = alloc_pages_node(s, nid, GFP_KERNEL | __GFP_NORETRY, o, nid);

		if (p == NOPFN) {
			failed++;
			live[k] = live[--nlive];
			lo[k] = lo[nlive];
			continue;
		}
		live[k] = p;
		lo[k] = (unsigned char)o;
	}
	double dt = now_s() - t0;

	printf("mixed.free_alloc_pairs_orders0to4_75pct_used: %.1f M/s\n", (double)ops / dt / 1e6);
	printf("mixed.failed_allocations: %llu of %llu\n", (unsigned long long)failed,
	       (unsigned long long)ops);
	struct nerr err;

	if (sim_check(s, &err))
		printf("mixed.check: FAILED %s\n", err.msg);
	else
		printf("mixed.check: ok\n");
	free(live);
	free(lo);
	sim_destroy(s);
	fixture_topo_free(t);
}

static long max_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void init_one(const char *label, int nodes, uint64_t per_node)
{
	uint64_t *mem = calloc((size_t)nodes, sizeof(*mem));
	int *dist = calloc((size_t)(nodes * nodes), sizeof(int));

	for (int i = 0; i < nodes; i++) {
		mem[i] = per_node;
		for (int j = 0; j < nodes; j++)
			dist[i * nodes + j] = i == j ? 10 : 21;
	}
	struct topology *t = fixture_topo(nodes, mem, NULL, dist, 4);
	double t0 = now_s();
	struct sim *s = bench_sim(t);
	double dt = now_s() - t0;

	printf("init.%s_seconds: %.3f s (%llu frames, %d nodes)\n", label, dt,
	       (unsigned long long)s->mem.f.nr, nodes);
	t0 = now_s();
	sim_destroy(s);
	printf("init.%s_destroy_seconds: %.3f s\n", label, now_s() - t0);
	printf("init.max_rss_after_%s: %ld MiB\n", label, max_rss_kb() / 1024);
	fixture_topo_free(t);
	free(mem);
	free(dist);
}

/* sim_create() for a 64 GiB and a 1 TiB machine (4 KiB pages). */
static void bench_init(void)
{
	init_one("64GiB", 4, 16 * GiB);
	init_one("1TiB", 8, 128 * GiB);
}

/* Host bytes per simulated frame: the flat frame arrays plus the per
 * node and per zone structures, divided by frames. */
static void bench_memory(void)
{
	struct topology *t = ring4_of(16 * GiB);
	struct sim *s = bench_sim(t);
	uint64_t frames = s->mem.f.nr;
	uint64_t bytes = frames * frame_bytes_per_page() +
			 (uint64_t)s->mem.nr_nodes * sizeof(struct pglist_data) + sizeof(*s);

	for (int n = 0; n < s->mem.nr_nodes; n++)
		bytes += (uint64_t)s->mem.nr_nodes * (sizeof(int) + MAX_NR_ZONES * sizeof(void *));
	printf("memory.frame_array_bytes_per_frame: %u B\n", frame_bytes_per_page());
	printf("memory.total_bytes_per_frame_64GiB: %.3f B\n", (double)bytes / (double)frames);
	sim_destroy(s);
	fixture_topo_free(t);
}

struct section {
	const char *name;
	void (*fn)(void);
};

/* Memory pressure: one task on node 0 streams a file of 1.25x memory
 * through the page cache, so the machine fills and kswapd and direct
 * reclaim run; reports the host time per page read and the scanning
 * cost per reclaimed page, which must stay flat as memory grows. */
static void pressure_one(const char *label, uint64_t per_node)
{
	struct topology *t = ring4_of(per_node);
	struct sim *s = bench_sim(t);
	struct task *tk = task_create(s, 1, 1, 0, "reader");
	uint64_t total = 4 * per_node, chunk = 64ULL << 20, cost = 0;
	struct file_obj *f = vfs_create(s, "/data/stream", total + total / 4, -1);

	task_set_cpu(s, tk, 0);
	double t0 = now_s(), c0 = cpu_s();

	for (uint64_t off = 0; off < f->size; off += chunk) {
		vfs_read(s, tk, f, off, chunk, &cost);
		engine_run_until(&s->eng, sim_now(s) + cost);
		cost = 0;
	}
	double dt = now_s() - t0, dc = cpu_s() - c0;
	uint64_t *ev = s->mem.events;
	uint64_t scanned = ev[PGSCAN_KSWAPD] + ev[PGSCAN_DIRECT];
	uint64_t stolen = ev[PGSTEAL_KSWAPD] + ev[PGSTEAL_DIRECT];
	uint64_t pages = f->size >> 12;

	printf("reclaim.%s.ns_per_page_read: %.1f ns\n", label, dt * 1e9 / (double)pages);
	printf("reclaim.%s.pages_reclaimed: %llu\n", label, (unsigned long long)stolen);
	printf("reclaim.%s.scanned_per_reclaimed: %.3f\n", label,
	       stolen ? (double)scanned / (double)stolen : 0.0);
	printf("reclaim.%s.host_ns_per_reclaimed: %.1f ns\n", label,
	       stolen ? dt * 1e9 / (double)stolen : 0.0);
	printf("reclaim.%s.cpu_ns_per_page_read: %.1f ns (CPU time: steadier on a loaded host)\n",
	       label, dc * 1e9 / (double)pages);
	sim_destroy(s);
	fixture_topo_free(t);
}

static void bench_reclaim(void)
{
	pressure_one("16GiB", 4 * GiB);
	if (getenv("NUMASIM_BENCH_1TIB"))
		pressure_one("1TiB", 256 * GiB);
}

static const struct section sections[] = {
	{"memory", bench_memory}, {"touched", bench_touched}, {"random48", bench_random48},
	{"alloc", bench_alloc},	  {"mixed", bench_mixed},     {"init", bench_init},
	{"replay", bench_replay}, {"thp", bench_thp},	      {"reclaim", bench_reclaim},
	{"linear", bench_linear}, {"parse", bench_parse},     {"faults", bench_faults},
};
#define NR_SECTIONS (sizeof(sections) / sizeof(sections[0]))

static int run(const char *name)
{
	if (!strcmp(name, "replay-100m")) { /* minutes and ~5 GB of disk: asked for by name only */
		bench_replay_100m();
		return 0;
	}
	if (!strcmp(name, "parse-100m")) { /* ~4.5 GB of disk: by name only */
		bench_parse_100m();
		return 0;
	}
	for (size_t i = 0; i < NR_SECTIONS; i++) {
		if (strcmp(name, "all") && strcmp(name, sections[i].name))
			continue;
		sections[i].fn();
		fflush(stdout);
		if (strcmp(name, "all"))
			return 0;
	}
	if (strcmp(name, "all")) {
		fprintf(stderr, "numasim-bench: unknown section '%s' (all", name);
		for (size_t i = 0; i < NR_SECTIONS; i++)
			fprintf(stderr, " %s", sections[i].name);
		fprintf(stderr, ")\n");
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return run("all");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: numasim-bench "
			       "[all|memory|touched|random48|faults|alloc|mixed|init|replay|thp|"
			       "reclaim|"
			       "linear|parse|replay-100m|parse-100m]...\n");
			return 0;
		}
		int rc = run(argv[i]);

		if (rc)
			return rc;
	}
	return 0;
}
