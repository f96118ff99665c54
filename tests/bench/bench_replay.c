/*
 * bench_replay.c - replay figures: page faults per second from `touch`
 * records, accesses per second to resident pages, and the cost per record
 * as traces grow from 1M to 100M records (it must stay flat).
 *
 * Traces are written to a temporary directory ($TMPDIR or /tmp) and
 * replayed through replay_run(), the path `numasim run` takes, including
 * its validation pass over the whole file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../unit/fixture_topo.h"
#include "bench.h"
#include "mm/page_alloc.h"
#include "sim.h"
#include "task/pgtable.h"
#include "trace/replay.h"

#define MiB (1ULL << 20)
#define SEQ_PASSES 16 /* sequential passes: enough work to time against the touch run */
#define GiB (1ULL << 30)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static FILE *trace_file(char *path, size_t len, const char *name)
{
	const char *dir = getenv("TMPDIR");

	snprintf(path, len, "%s/numasim-bench-%ld-%s.trace", dir ? dir : "/tmp", (long)getpid(),
		 name);
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		exit(1);
	}
	fprintf(f, "# numasim trace v1\n");
	return f;
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of the last replay_seconds() (steadier than wall time on
 * a loaded host: other processes' time is not counted). */
static double last_cpu;

/* Replays path on a fresh simulation of t; returns the seconds taken. */
static double replay_seconds(struct topology *t, const char *path, struct sim **keep)
{
	struct sim *s = bench_sim(t);
	struct nerr err;
	double t0 = now(), c0 = cpu_now();

	if (replay_run(s, path, NULL, NULL, &err)) {
		fprintf(stderr, "numasim-bench: %s\n", err.msg);
		exit(1);
	}
	double dt = now() - t0;

	last_cpu = cpu_now() - c0;
	if (keep)
		*keep = s;
	else
		sim_destroy(s);
	return dt;
}

/* 4 tasks, one per node, each mapping and touching 2 GiB in 64 MiB
 * records: 2M page faults. */
static void write_touch(FILE *f, int passes, uint64_t accesses, const char *pattern)
{
	for (int p = 1; p <= 4; p++)
		fprintf(f, "@0 spawn pid=%d cpu=%d\n@0 mmap pid=%d addr=0x100000000 len=2GiB\n", p,
			(p - 1) * 2, p);
	for (int p = 1; p <= 4; p++) {
		for (uint64_t off = 0; off < 2 * GiB; off += 64 * MiB)
			fprintf(f, "@1us touch pid=%d addr=%#llx len=64MiB\n", p,
				(unsigned long long)(0x100000000ULL + off));
	}
	for (int i = 0; i < passes; i++)
		for (int p = 1; p <= 4; p++)
			fprintf(f,
				"@%ds access pid=%d addr=0x100000000 len=2GiB count=%llu "
				"pattern=%s\n",
				1 + i, p, (unsigned long long)accesses, pattern);
}

static void bench_faults_and_accesses(void)
{
	static const uint64_t mem[4] = {4 * GiB, 4 * GiB, 4 * GiB, 4 * GiB};
	struct topology *t = fixture_topo(4, mem, NULL, fixture_ring4_dist, 2);
	char p1[512], p2[512], p3[512];
	const uint64_t faults = 4 * (2 * GiB / 4096), acc = 25000000;
	/* one access per page: with count > pages, sequential accesses are
	 * counted per page at once, so pages/s is the figure that matters */
	const uint64_t seq_pages = 2 * GiB / 4096;
	FILE *f;

	f = trace_file(p1, sizeof(p1), "touch");
	write_touch(f, 0, 0, "seq");
	fclose(f);
	f = trace_file(p2, sizeof(p2), "seq");
	write_touch(f, SEQ_PASSES, seq_pages, "seq");
	fclose(f);
	f = trace_file(p3, sizeof(p3), "random");
	write_touch(f, 1, acc, "random");
	fclose(f);
	double dt = replay_seconds(t, p1, NULL);
	double ds = replay_seconds(t, p2, NULL) - dt;
	double dr = replay_seconds(t, p3, NULL) - dt;

	printf("replay.touch_faults_per_s: %.2f M/s (%llu faults in %.3f s)\n", faults / dt / 1e6,
	       (unsigned long long)faults, dt);
	printf("replay.access_seq_pages_per_s: %.1f M/s (resident pages, one access each)\n",
	       4.0 * SEQ_PASSES * seq_pages / ds / 1e6);
	printf("replay.access_random_per_s: %.1f M/s (resident pages, 2 GiB range each)\n",
	       4.0 * acc / dr / 1e6);
	unlink(p1);
	unlink(p2);
	unlink(p3);
	fixture_topo_free(t);
}

/*
 * First touch of THP-backed memory: the touch trace with
 * transparent_hugepage/enabled=always, 4 x 2 GiB = 4096 huge faults;
 * the figure is simulated bytes first touched per host second.
 */
void bench_thp(void)
{
	static const uint64_t mem[4] = {4 * GiB, 4 * GiB, 4 * GiB, 4 * GiB};
	struct topology *t = fixture_topo(4, mem, NULL, fixture_ring4_dist, 2);
	char path[512];
	FILE *f = trace_file(path, sizeof(path), "thp");
	struct sim *s;

	fprintf(f, "@0 sysctl mm.transparent_hugepage.enabled=always\n");
	write_touch(f, 0, 0, "seq");
	fclose(f);
	double dt = replay_seconds(t, path, &s);
	uint64_t thps = s->mem.events[THP_FAULT_ALLOC];

	printf("replay.thp_touch_GiB_per_s: %.1f GiB/s simulated (8 GiB, %llu huge faults, in %.3f "
	       "s)\n",
	       8.0 / dt, (unsigned long long)thps, dt);
	sim_destroy(s);
	unlink(path);
	fixture_topo_free(t);
}

/* n records: one task alternating 1-page touches and accesses over a
 * 64 MiB window (resident after the first pass). */
/* n one-page records over a 64 MiB mapping at 0x100000000, touches and
 * accesses alternating, pages scattered (shared with bench_parse.c). */
void bench_touch_access_records(FILE *f, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t page = (i * 7919) % 16384;

		if (i & 1)
			fprintf(f, "+2us access pid=1 addr=%#llx len=4096 count=4\n",
				(unsigned long long)(0x100000000ULL + page * 4096));
		else
			fprintf(f, "+2us touch pid=1 addr=%#llx len=4096\n",
				(unsigned long long)(0x100000000ULL + page * 4096));
	}
}

static double per_record_ns(struct topology *t, uint64_t n, const char *name, const char *prologue)
{
	char path[512];
	FILE *f = trace_file(path, sizeof(path), name);

	fprintf(f, "@0 spawn pid=1 cpu=0\n%s@0 mmap pid=1 addr=0x100000000 len=64MiB\n", prologue);
	bench_touch_access_records(f, n);
	fclose(f);
	double dt = replay_seconds(t, path, NULL);

	unlink(path);
	return dt * 1e9 / (double)n;
}

static void bench_scaling(void)
{
	static const uint64_t mem[4] = {1 * GiB, 1 * GiB, 1 * GiB, 1 * GiB};
	struct topology *t = fixture_topo(4, mem, NULL, fixture_ring4_dist, 2);
	const uint64_t sizes[] = {1000000, 10000000};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		double ns = per_record_ns(t, sizes[i], "scale", "");

		printf("replay.records_%lluM: %.0f ns/record (%.2f M records/s, validation "
		       "included)\n",
		       (unsigned long long)(sizes[i] / 1000000), ns, 1e3 / ns);
	}
	fixture_topo_free(t);
}

/* ring4's ring of links (0-1, 0-2, 1-3, 2-3) at 20 GB/s. */
static void add_ring_links(struct topology *t)
{
	static const int ends[4][2] = {{0, 1}, {0, 2}, {1, 3}, {2, 3}};

	t->links = calloc(4, sizeof(*t->links));
	if (!t->links)
		return;
	t->nr_links = 4;
	t->cacheline_bytes = 64;
	for (int i = 0; i < 4; i++)
		t->links[i] = (struct topo_link){ends[i][0], ends[i][1], 20};
}

/* The interconnect's cost per record: the records of bench_scaling with
 * every page bound to node 3, two links from the task on node 0, so each
 * fault and access moves bytes over a route; the same trace without
 * links for comparison. */
static void bench_links(void)
{
	static const uint64_t mem[4] = {1 * GiB, 1 * GiB, 1 * GiB, 1 * GiB};
	static const char bind3[] = "@0 set_mempolicy pid=1 mode=bind nodes=3\n";
	struct topology *t = fixture_topo(4, mem, NULL, fixture_ring4_dist, 2);
	double plain = per_record_ns(t, 1000000, "remote", bind3);

	add_ring_links(t);
	double links = per_record_ns(t, 1000000, "links", bind3);

	printf("replay.records_1M_remote: %.0f ns/record without links, %.0f ns/record with links "
	       "(%+.1f%%)\n",
	       plain, links, 100.0 * (links - plain) / plain);
	free(t->links);
	fixture_topo_free(t);
}

/*
 * Touch faults alone, three times: the trace of
 * bench_faults_and_accesses() without its accesses (4 tasks x 2 GiB in
 * 64 MiB touch records on 4 x 4 GiB, 2M faults), wall and CPU time.
 */
void bench_faults(void)
{
	static const uint64_t mem[4] = {4 * GiB, 4 * GiB, 4 * GiB, 4 * GiB};
	struct topology *t = fixture_topo(4, mem, NULL, fixture_ring4_dist, 2);
	const uint64_t faults = 4 * (2 * GiB / 4096);
	char path[512];
	FILE *f = trace_file(path, sizeof(path), "faults");

	write_touch(f, 0, 0, "seq");
	fclose(f);
	for (int i = 0; i < 3; i++) {
		double dt = replay_seconds(t, path, NULL);

		printf("faults.touch_faults_per_s: %.2f M/s wall, %.2f M/CPU s (%llu faults, %.3f "
		       "CPU s)\n",
		       faults / dt / 1e6, faults / last_cpu / 1e6, (unsigned long long)faults,
		       last_cpu);
	}
	unlink(path);
	fixture_topo_free(t);
}

void bench_replay(void)
{
	bench_faults_and_accesses();
	bench_scaling();
	bench_links();
}

/* Per-record cost of a trace naming n files: n `file` records, then one
 * 4 KiB `read` of each (each looks its file up by name). */
static double files_ns(struct topology *t, int n)
{
	char path[512];
	FILE *f = trace_file(path, sizeof(path), "files");

	fprintf(f, "@0 spawn pid=1 cpu=0\n");
	for (int i = 0; i < n; i++)
		fprintf(f, "+1us file name=/data/f%d size=64KiB\n", i);
	for (int i = 0; i < n; i++)
		fprintf(f, "+1us read pid=1 file=/data/f%d len=4KiB\n", i);
	fclose(f);
	double dt = replay_seconds(t, path, NULL);

	unlink(path);
	return dt * 1e9 / (2.0 * n);
}

/* Per-record cost of n short-lived processes, each spawned, faulting one
 * page of its own and exiting (exit unlinks its mm from its anon_vmas). */
static double procs_ns(struct topology *t, int n)
{
	char path[512];
	FILE *f = trace_file(path, sizeof(path), "procs");

	for (int i = 1; i <= n; i++)
		fprintf(f,
			"+1us spawn pid=%d cpu=0\n+1us mmap pid=%d addr=0x10000000 len=64KiB\n"
			"+1us touch pid=%d addr=0x10000000 len=4KiB\n+1us exit pid=%d\n",
			i, i, i, i);
	fclose(f);
	double dt = replay_seconds(t, path, NULL);

	unlink(path);
	return dt * 1e9 / (4.0 * n);
}

/* Host ns per fault of 128 MiB touched under mbind(MPOL_INTERLEAVE)
 * over `nodes` on a 64-node machine (64 x 256 MiB). */
static double interleave_ns(struct topology *t, const char *nodes)
{
	char path[512];
	FILE *f = trace_file(path, sizeof(path), "interleave");

	fprintf(f,
		"@0 spawn pid=1 cpu=0\n@0 mmap pid=1 addr=0x100000000 len=128MiB\n"
		"@0 mbind pid=1 addr=0x100000000 len=128MiB mode=interleave nodes=%s\n"
		"@1us touch pid=1 addr=0x100000000 len=128MiB\n",
		nodes);
	fclose(f);
	double dt = replay_seconds(t, path, NULL);

	unlink(path);
	return dt * 1e9 / (128.0 * MiB / 4096);
}

/* Linear in files and processes: the per-record cost at 20,000 against
 * 2,000, measured side by side in one run (1.0 = linear); interleave
 * faults over 64 nodes against one. */
void bench_linear(void)
{
	static const uint64_t mem[4] = {1 * GiB, 1 * GiB, 1 * GiB, 1 * GiB};
	struct topology *t = fixture_topo(4, mem, NULL, fixture_ring4_dist, 2);
	double f2 = files_ns(t, 2000), f20 = files_ns(t, 20000);
	double p2 = procs_ns(t, 2000), p20 = procs_ns(t, 20000);

	printf("linear.files: %.0f ns/record at 2,000 files, %.0f at 20,000 (ratio %.2f)\n", f2,
	       f20, f20 / f2);
	printf("linear.procs: %.0f ns/record at 2,000 processes, %.0f at 20,000 (ratio %.2f)\n", p2,
	       p20, p20 / p2);
	fixture_topo_free(t);

	uint64_t mem64[64];

	for (int i = 0; i < 64; i++)
		mem64[i] = 256 * MiB;
	t = fixture_topo(64, mem64, NULL, NULL, 1);
	double i1 = interleave_ns(t, "0"), i64 = interleave_ns(t, "0-63");

	printf("linear.interleave: %.1f ns/fault over 1 node, %.1f over 64 nodes (ratio %.2f)\n",
	       i1, i64, i64 / i1);
	fixture_topo_free(t);
}

/* The stress case: 100M records on a 1 TiB machine (8 x 128 GiB).
 * Not part of `all`: it writes a ~5 GB trace and takes minutes. */
void bench_replay_100m(void)
{
	uint64_t mem[8];

	for (int i = 0; i < 8; i++)
		mem[i] = 128 * GiB;
	struct topology *t = fixture_topo(8, mem, NULL, NULL, 2);
	/* 1M and 10M first, same generator and machine: flatness side by side */
	const uint64_t sizes[] = {1000000, 10000000, 100000000};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		double ns = per_record_ns(t, sizes[i], "100m", "");

		printf("replay.records_%lluM_1TiB: %.0f ns/record (%.2f M records/s, validation "
		       "included)\n",
		       (unsigned long long)(sizes[i] / 1000000), ns, 1e3 / ns);
	}
	fixture_topo_free(t);
}

/* Resident host bytes of this process now (/proc/self/statm). */
static uint64_t rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/*
 * Host bytes per frame with (nearly) every page touched: `nodes` nodes of
 * per_node bytes, one task per node touching pct % of its node's memory
 * (the rest is left to the watermarks, so nothing is reclaimed), then,
 * with passes = 2, unmapping it all and touching it again, so that every frame has been
 * allocated, freed and allocated (the free path writes frame arrays the
 * first touch leaves untouched). The figure is the growth of the
 * process's resident memory (frame arrays, page tables and all) over the
 * machine's frames; the worst case, every frame array resident plus a
 * pte for every frame, is printed beside it.
 */
static void touched_one(const char *label, int nodes, uint64_t per_node, unsigned pct, int passes)
{
	uint64_t *mem = calloc((size_t)nodes, sizeof(*mem));
	char path[512];

	for (int i = 0; i < nodes; i++)
		mem[i] = per_node;
	struct topology *t = fixture_topo(nodes, mem, NULL, NULL, 2);
	FILE *f = trace_file(path, sizeof(path), "touched");
	uint64_t len = per_node / 100 * pct & ~(64 * MiB - 1), rss0 = rss_bytes();
	struct sim *s;

	for (int pass = 0; pass < passes; pass++) {
		for (int p = 1; p <= nodes; p++) {
			if (pass)
				fprintf(f, "@%ds munmap pid=%d addr=0x100000000 len=%llu\n", pass,
					p, (unsigned long long)len);
			else
				fprintf(f, "@0 spawn pid=%d cpu=%d\n", p, (p - 1) * 2);
			fprintf(f, "@%ds mmap pid=%d addr=0x100000000 len=%llu\n", pass, p,
				(unsigned long long)len);
		}
		for (int p = 1; p <= nodes; p++)
			for (uint64_t off = 0; off < len; off += 64 * MiB)
				fprintf(f, "@%ds touch pid=%d addr=%#llx len=64MiB\n", pass, p,
					(unsigned long long)(0x100000000ULL + off));
	}
	fclose(f);
	replay_seconds(t, path, &s);
	uint64_t rss = rss_bytes() - rss0, frames = s->mem.f.nr;
	uint64_t touched = 0;

	for (int n = 0; n < s->mem.nr_nodes; n++)
		touched += s->mem.nodes[n].stat[NR_ANON_MAPPED];
	printf("memory.touched_%s: %.2f host B/frame, %.2f GiB resident (%llu frames, %.1f %% "
	       "mapped; "
	       "at most %u + %zu B/frame)\n",
	       label, (double)rss / (double)frames, (double)rss / (double)GiB,
	       (unsigned long long)frames, 100.0 * (double)touched / (double)frames,
	       frame_bytes_per_page(), sizeof(pte_t));
	sim_destroy(s);
	unlink(path);
	fixture_topo_free(t);
	free(mem);
}

void bench_touched(void)
{
	touched_one("64GiB_96pct", 4, 16 * GiB, 96, 2);
	/* one pass: the frame arrays are host huge pages, resident whole
	 * once touched, so the second pass would add only minutes */
	if (getenv("NUMASIM_BENCH_1TIB"))
		touched_one("1TiB_96pct_one_pass", 8, 128 * GiB, 96, 1);
}

/*
 * Random accesses over a range far larger than the host's caches: one
 * task on a 2 x 32 GiB machine touches 48 GiB (12.6M faults), then makes
 * 200M random accesses over it. Prints faults and accesses per CPU second
 * and the whole run's CPU seconds.
 */
void bench_random48(void)
{
	static const uint64_t mem[2] = {32 * GiB, 32 * GiB};
	struct topology *t = fixture_topo(2, mem, NULL, NULL, 2);
	char p1[512], p2[512];
	FILE *f = trace_file(p1, sizeof(p1), "touch48"),
	     *g = trace_file(p2, sizeof(p2), "random48");
	const uint64_t acc = 200000000;

	for (FILE **x = (FILE *[]){f, g, NULL}; *x; x++) {
		fprintf(*x, "@0 spawn pid=1 cpu=0\n@0 mmap pid=1 addr=0x100000000 len=48GiB\n"
			    "@1us touch pid=1 addr=0x100000000 len=48GiB\n");
	}
	fprintf(g, "@1s access pid=1 addr=0x100000000 len=48GiB count=%llu pattern=random\n",
		(unsigned long long)acc);
	fclose(f);
	fclose(g);
	replay_seconds(t, p1, NULL);
	double dt = last_cpu;
	replay_seconds(t, p2, NULL);
	double da = last_cpu;

	printf("random48.touch_faults_per_s: %.2f M/CPU s (48 GiB, %.3f CPU s)\n",
	       48.0 * GiB / 4096 / dt / 1e6, dt);
	printf("random48.access_random_per_s: %.1f M/CPU s (200M over 48 GiB; touch and accesses "
	       "%.3f CPU s)\n",
	       (double)acc / (da - dt) / 1e6, da);
	unlink(p1);
	unlink(p2);
	fixture_topo_free(t);
}
