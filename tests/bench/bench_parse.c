/*
 * bench_parse.c - the trace reader's figures (docs/performance.md,
 * "Parsing traces"): records per second of CPU for the text parser and
 * for binary traces on a record-heavy trace (one-page touch and access
 * records), side by side in one run with `awk '{n+=NF}'` over the same
 * file, and the whole replay (validation, compiled form, simulation) of
 * the text and of its binary form. Sizes 1M and 10M records; `parse-100m`
 * (asked for by name: ~4.5 GB of $TMPDIR) adds 100M.
 *
 * CPU time, not wall time: the host is shared. A child's (awk's) CPU
 * time comes from wait4().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../unit/fixture_topo.h"
#include "bench.h"
#include "sim.h"
#include "trace/replay.h"
#include "trace/trace.h"

#define GiB (1ULL << 30)

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "numasim-bench: %s: %s\n", what, msg);
	exit(1);
}

/* The CPU seconds (user + system) of `sh -c cmd`. */
static double child_cpu(const char *cmd)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork", "failed");
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		die(cmd, "failed");
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

/* One task alternating one-page touch and access records over 64 MiB
 * (the trace of the replay section's per-record figure). */
static void write_trace(const char *path, uint64_t n)
{
	FILE *f = fopen(path, "w");

	if (!f)
		die(path, "cannot write");
	fprintf(f, "# numasim trace v1\n@0 spawn pid=1 cpu=0\n@0 mmap pid=1 addr=0x100000000 "
		   "len=64MiB\n");
	bench_touch_access_records(f, n);
	if (fclose(f))
		die(path, "cannot write");
}

static double validate_cpu(const char *path, uint64_t want)
{
	struct nerr err;
	uint64_t n = 0;
	double t0 = cpu_now();

	if (trace_validate(path, &n, &err))
		die(path, err.msg);
	if (n != want + 2)
		die(path, "wrong record count");
	return cpu_now() - t0;
}

static double replay_cpu(struct topology *t, const char *path)
{
	struct sim *s = bench_sim(t);
	struct nerr err;
	double t0 = cpu_now();

	if (replay_run(s, path, NULL, NULL, &err))
		die(path, err.msg);
	double dt = cpu_now() - t0;

	sim_destroy(s);
	return dt;
}

static void parse_one(struct topology *t, uint64_t n)
{
	const char *dir = getenv("TMPDIR");
	char txt[512], bin[512], cmd[1200];
	struct nerr err;
	uint64_t nrec;
	bool to_bin;
	unsigned long long m = (unsigned long long)(n / 1000000);

	snprintf(txt, sizeof(txt), "%s/numasim-bench-%ld-parse.trace", dir ? dir : "/tmp",
		 (long)getpid());
	snprintf(bin, sizeof(bin), "%s/numasim-bench-%ld-parse.ntrace", dir ? dir : "/tmp",
		 (long)getpid());
	write_trace(txt, n);
	snprintf(cmd, sizeof(cmd), "awk '{n+=NF} END {print n}' '%s' >/dev/null", txt);
	/* side by side: awk, the text parser, awk again (the host drifts) */
	double awk1 = child_cpu(cmd);
	double text = validate_cpu(txt, n);
	double awk2 = child_cpu(cmd);
	double awk = awk1 < awk2 ? awk1 : awk2;
	double t0 = cpu_now();

	if (trace_convert(txt, bin, NULL, &nrec, &to_bin, &err))
		die(txt, err.msg);
	double conv = cpu_now() - t0;
	double binary = validate_cpu(bin, n);
	FILE *f = fopen(txt, "r"), *g = fopen(bin, "r");

	fseek(f, 0, SEEK_END);
	fseek(g, 0, SEEK_END);
	long tb = ftell(f), bb = ftell(g);

	fclose(f);
	fclose(g);
	printf("parse.text_%lluM: %.2f M records/s (%.0f ns/record), awk '{n+=NF}' %.3f s CPU, "
	       "parser/awk %.2f\n",
	       m, n / text / 1e6, text * 1e9 / n, awk, text / awk);
	printf("parse.binary_%lluM: %.2f M records/s (%.1f ns/record); %.1f bytes/record against "
	       "%.1f as text; convert %.0f ns/record\n",
	       m, n / binary / 1e6, binary * 1e9 / n, (double)bb / n, (double)tb / n,
	       conv * 1e9 / n);
	double rt = replay_cpu(t, txt), rb = replay_cpu(t, bin);

	printf("parse.replay_%lluM: text %.0f ns/record (%.2f M records/s), binary %.0f ns/record "
	       "(%.2f M records/s), validation and simulation included\n",
	       m, rt * 1e9 / n, n / rt / 1e6, rb * 1e9 / n, n / rb / 1e6);
	unlink(txt);
	unlink(bin);
}

static struct topology *parse_topo(void)
{
	static const uint64_t mem[4] = {1 * GiB, 1 * GiB, 1 * GiB, 1 * GiB};

	return fixture_topo(4, mem, NULL, fixture_ring4_dist, 2);
}

void bench_parse(void)
{
	struct topology *t = parse_topo();

	parse_one(t, 1000000);
	parse_one(t, 10000000);
	fixture_topo_free(t);
}

void bench_parse_100m(void)
{
	struct topology *t = parse_topo();

	parse_one(t, 100000000);
	fixture_topo_free(t);
}
