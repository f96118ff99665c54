/*
 * test_api.c - the public API (include/numasim.h), linked with the shared
 * library, so it uses nothing libnumasim.so does not export.
 *
 * Usage: test_api NUMASIM_BINARY SOURCE_DIR
 *
 * What is known independently of the library:
 *  - the numasim command's output: a handle fed the same topology,
 *    tunables and trace must write the very bytes `numasim run --format F`
 *    prints, whether it runs alone, beside another handle, in steps, or
 *    from a string rather than a file;
 *  - hand arithmetic on first touch (Linux's default policy allocates on
 *    the node of the faulting CPU: docs/model.md) and interleave (pages
 *    spread round-robin over the nodes of the mask);
 *  - the error codes and messages the header documents.
 */
#include <numasim.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;
static const char *numasim_bin, *srcdir;

#define EXPECT(cond, ...)                                                               \
	do {                                                                            \
		if (!(cond)) {                                                          \
			failures++;                                                     \
			fprintf(stderr, "%s:%d: FAIL %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                   \
			fputc('\n', stderr);                                            \
		}                                                                       \
	} while (0)
#define EXPECT_RC(h, call, want)                                                                 \
	do {                                                                                     \
		int rc_ = (call);                                                                \
		EXPECT(rc_ == (want), "%s gave %d (%s), want %d", #call, rc_, numasim_errmsg(h), \
		       want);                                                                    \
	} while (0)
#define EXPECT_OK(h, call) EXPECT_RC(h, call, NUMASIM_OK)

/* A handle with the ring4 topology loaded, as most tests begin. */
static numasim_t *ring4(void)
{
	numasim_t *h = numasim_create();

	EXPECT(h != NULL, "numasim_create");
	EXPECT_OK(h, numasim_load_topology(h, "ring4"));
	return h;
}

/* Gives h the trace lines of the NULL-ended list, in order. */
static void trace_lines(numasim_t *h, const char *const *lines)
{
	for (; *lines; lines++)
		EXPECT_OK(h, numasim_trace_line(h, *lines));
}

/* What `numasim ARGS` prints on stdout (malloc'd). */
static char *cli_output(const char *fmt, ...)
{
	char args[2048], cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "'%s' %s", numasim_bin, args);
	FILE *p = popen(cmd, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[65536];

	if (!p)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			buf = realloc(buf, cap);
		}
		memcpy(buf + len, chunk, n);
		len += n;
		buf[len] = '\0';
	}
	pclose(p);
	return buf;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

static char *report(numasim_t *h, const char *format)
{
	char *buf = NULL;
	size_t len = 0;

	EXPECT_OK(h, numasim_report_buffer(h, format, &buf, &len));
	EXPECT(!buf || strlen(buf) == len, "length %zu vs strlen %zu", len, buf ? strlen(buf) : 0);
	return buf;
}

static void same_bytes(const char *what, const char *got, const char *want)
{
	EXPECT(got && want && strcmp(got, want) == 0,
	       "%s: the library's report differs from the CLI's (%zu vs %zu bytes)", what,
	       got ? strlen(got) : 0, want ? strlen(want) : 0);
}

static numasim_t *setup(const char *topo, const char *trace, const char *set)
{
	numasim_t *h = numasim_create();

	EXPECT(h != NULL, "numasim_create");
	EXPECT_OK(h, numasim_load_topology(h, topo));
	if (set)
		EXPECT_OK(h, numasim_set_kv(h, set));
	EXPECT_OK(h, numasim_trace_file(h, trace));
	return h;
}

static void test_version(void)
{
	EXPECT(numasim_api_version() == NUMASIM_API_VERSION, "%d", numasim_api_version());
	EXPECT(NUMASIM_API_VERSION / 100 == NUMASIM_API_VERSION_MAJOR, "major");
	char *v = cli_output("--version");

	/* `numasim --version` prints "numasim X.Y.Z" */
	EXPECT(v && strncmp(v, "numasim ", 8) == 0 &&
		       strncmp(v + 8, numasim_version(), strlen(numasim_version())) == 0,
	       "%s vs %s", v ? v : "(null)", numasim_version());
	free(v);
	EXPECT(strcmp(numasim_strerror(NUMASIM_E_INPUT), "bad input") == 0, "strerror");
	EXPECT(strcmp(numasim_strerror(12345), "unknown error") == 0, "strerror unknown");
	EXPECT(numasim_errmsg(NULL)[0] != '\0', "errmsg(NULL)");
	EXPECT(numasim_errcode(NULL) == NUMASIM_E_ARG, "errcode(NULL)");
	numasim_destroy(NULL);
}

static void test_errors(void)
{
	numasim_t *h = numasim_create();
	int64_t v;
	double d;
	char *buf = (char *)1;

	EXPECT(strcmp(numasim_errmsg(h), "") == 0, "fresh handle has no error");
	EXPECT_RC(h, numasim_run(h), NUMASIM_E_STATE);
	EXPECT(strstr(numasim_errmsg(h), "no topology loaded"), "%s", numasim_errmsg(h));
	EXPECT(numasim_errcode(h) == NUMASIM_E_STATE, "errcode");
	EXPECT_RC(h, numasim_load_topology(h, "nope"), NUMASIM_E_NOTFOUND);
	EXPECT(strstr(numasim_errmsg(h), "unknown topology 'nope'"), "%s", numasim_errmsg(h));
	EXPECT_RC(h, numasim_load_topology(h, "/no/such/topo.json"), NUMASIM_E_NOTFOUND);
	EXPECT_RC(h, numasim_load_topology(h, NULL), NUMASIM_E_ARG);
	EXPECT_RC(h, numasim_load_topology_string(h, "{\"name\": \"x\"", "broken.json"),
		  NUMASIM_E_INPUT);
	EXPECT(strstr(numasim_errmsg(h), "broken.json"), "message names the input: %s",
	       numasim_errmsg(h));
	EXPECT(numasim_nr_nodes(h) == 0, "no topology yet");

	/* a topology from a string: ring4's own text */
	char path[4096];

	snprintf(path, sizeof(path), "%s/topologies/ring4.json", srcdir);
	char *text = slurp(path);

	EXPECT(text != NULL, "%s", path);
	EXPECT_OK(h, numasim_load_topology_string(h, text, "ring4.json"));
	free(text);
	EXPECT(numasim_nr_nodes(h) == 4, "ring4 has 4 nodes");
	EXPECT(strcmp(numasim_errmsg(h), "") == 0, "success clears the message");
	EXPECT_RC(h, numasim_load_topology(h, "ring4"), NUMASIM_E_STATE);

	EXPECT_RC(h, numasim_set(h, "vm.no_such_thing", "1"), NUMASIM_E_NOTFOUND);
	EXPECT_RC(h, numasim_set(h, "vm.swappiness", "lots"), NUMASIM_E_INPUT);
	EXPECT_RC(h, numasim_set(h, "vm.swappiness", NULL), NUMASIM_E_ARG);
	EXPECT_RC(h, numasim_set_kv(h, "vm.swappiness"), NUMASIM_E_ARG);
	EXPECT_OK(h, numasim_set_kv(h, "vm.swappiness=10"));
	EXPECT_OK(h, numasim_get(h, "vm.swappiness", &v));
	EXPECT(v == 10, "vm.swappiness = %lld", (long long)v);
	EXPECT_OK(h, numasim_set(h, "sim.swap_size", "64M"));
	EXPECT_OK(h, numasim_get(h, "sim.swap_size", &v));
	EXPECT(v == 64 << 20, "sizes take units: %lld", (long long)v);
	EXPECT_RC(h, numasim_get(h, "vm.nope", &v), NUMASIM_E_NOTFOUND);

	EXPECT_RC(h, numasim_trace_file(h, "/no/such.trace"), NUMASIM_E_NOTFOUND);
	EXPECT_RC(h, numasim_trace_file(h, "no-such-workload"), NUMASIM_E_NOTFOUND);
	EXPECT(strstr(numasim_errmsg(h), "no such trace file or shipped workload"), "%s",
	       numasim_errmsg(h));
	EXPECT_RC(h, numasim_trace_line(h, "@0ns spawn pid=1 cpu=0\n@0ns exit pid=1"),
		  NUMASIM_E_ARG);
	EXPECT_OK(h, numasim_trace_line(h, "@0ns spawn pid=1 cpu=0"));
	EXPECT_RC(h, numasim_trace_file(h, "default"), NUMASIM_E_STATE);
	EXPECT_RC(h, numasim_trace_string(h, "# numasim trace v1\n", NULL), NUMASIM_E_STATE);

	EXPECT_RC(h, numasim_report_buffer(h, "pdf", &buf, NULL), NUMASIM_E_ARG);
	EXPECT(buf == NULL, "no buffer on failure");
	EXPECT_RC(h, numasim_report_file(h, "json", NULL), NUMASIM_E_ARG);
	EXPECT_RC(h, numasim_report_path(h, "json", "/no/such/dir/report.json"), NUMASIM_E_IO);
	EXPECT(strstr(numasim_errmsg(h), "/no/such/dir/report.json: cannot write"), "%s",
	       numasim_errmsg(h));
	EXPECT_RC(h, numasim_node_counter(h, 4, "free_pages", &v), NUMASIM_E_ARG);
	EXPECT_RC(h, numasim_node_counter(h, -1, "free_pages", &v), NUMASIM_E_ARG);
	EXPECT_RC(h, numasim_node_counter(h, 0, "no_such", &v), NUMASIM_E_NOTFOUND);
	EXPECT_RC(h, numasim_vmstat(h, "no_such", &v), NUMASIM_E_NOTFOUND);
	EXPECT_RC(h, numasim_counter(h, "nodes.9.free_pages", &d), NUMASIM_E_NOTFOUND);
	EXPECT_RC(h, numasim_counter(h, "topology.name", &d),
		  NUMASIM_E_NOTFOUND); /* not a number */
	EXPECT_RC(h, numasim_access_count(h, 0, 7, &v), NUMASIM_E_ARG);
	EXPECT_RC(h, numasim_task_counter(h, 99, "faults", &v), NUMASIM_E_NOTFOUND);
	EXPECT_RC(h, numasim_task_pid(h, 99), NUMASIM_E_NOTFOUND);

	/* at boot: every page of ring4 (4 x 256 MiB of 4 KiB pages) present */
	EXPECT_OK(h, numasim_node_counter(h, 2, "total_pages", &v));
	EXPECT(v == 65536, "total_pages %lld", (long long)v);
	EXPECT_OK(h, numasim_run(h));
	EXPECT(numasim_done(h), "done");
	EXPECT_OK(h, numasim_run(h)); /* again: nothing left, still fine */
	EXPECT_RC(h, numasim_trace_line(h, "@1ms exit pid=1"), NUMASIM_E_STATE);
	EXPECT_RC(h, numasim_set_timeseries(h, 1000), NUMASIM_E_STATE);
	/* after the start, a tunable is a sysctl on the running machine */
	EXPECT_OK(h, numasim_set(h, "vm.swappiness", "77"));
	EXPECT_OK(h, numasim_get(h, "vm.swappiness", &v));
	EXPECT(v == 77, "sysctl at run time: %lld", (long long)v);
	EXPECT_OK(h, numasim_run_until(h, 5000000));
	EXPECT(numasim_now(h) == 5000000, "an idle machine's clock moves on: %llu",
	       (unsigned long long)numasim_now(h));
	numasim_destroy(h);
}

/* A bad trace: the message names the trace by its name and line, as the
 * CLI names a file; the handle then refuses to go on. */
static void test_bad_trace(void)
{
	numasim_t *h = ring4();

	EXPECT_OK(h,
		  numasim_trace_string(
			  h, "# numasim trace v1\n@0ns spawn pid=1 cpu=0\n@0ns frobnicate pid=1\n",
			  "broken"));
	EXPECT_RC(h, numasim_run(h), NUMASIM_E_INPUT);
	EXPECT(strncmp(numasim_errmsg(h), "broken:3:", 9) == 0, "%s", numasim_errmsg(h));
	EXPECT_RC(h, numasim_run(h), NUMASIM_E_STATE);
	numasim_destroy(h);

	h = ring4();
	EXPECT_RC(h, numasim_trace_string(h, "# numasim trace v1\n", "a/b"), NUMASIM_E_ARG);
	/* records of a task never spawned are found at the end, as by the CLI */
	EXPECT_OK(h, numasim_trace_line(h, "@0ns touch pid=5 addr=0x1000 len=4096"));
	EXPECT_RC(h, numasim_run(h), NUMASIM_E_INPUT);
	EXPECT(strstr(numasim_errmsg(h), "no task with pid 5"), "%s", numasim_errmsg(h));
	numasim_destroy(h);
}

/* First touch and interleave by hand (the docs/api.md example). */
static void test_counters(void)
{
	numasim_t *h = ring4();
	int64_t v, sum = 0, diag = 0;
	double d, local, remote;

	trace_lines(h,
		    (const char *const[]){
			    "# numasim trace v1", "@0ns spawn pid=1 cpu=2 name=app",
			    "@0ns mmap pid=1 addr=0x10000000 len=4MiB name=heap",
			    "@0ns touch pid=1 addr=0x10000000 len=4MiB", "",
			    "@3ms mmap pid=1 addr=0x20000000 len=4MiB name=shared",
			    "@3ms mbind pid=1 addr=0x20000000 len=4MiB mode=interleave nodes=0-3",
			    "@3ms touch pid=1 addr=0x20000000 len=4MiB", NULL});
	EXPECT_OK(h, numasim_run_until(h, 1000000));
	EXPECT(!numasim_done(h) && numasim_now(h) == 1000000, "stopped at 1 ms");
	for (int n = 0; n < 4; n++) {
		EXPECT_OK(h, numasim_node_counter(h, n, "anon_pages", &v));
		EXPECT(v == (n == 1 ? 1024 : 0),
		       "1 ms: node %d anon %lld (4 MiB first-touched on node 1)", n, (long long)v);
	}
	EXPECT_OK(h, numasim_node_counter(h, 1, "local_node", &v));
	EXPECT(v == 1024, "numastat local_node on node 1: %lld", (long long)v);
	EXPECT_OK(h, numasim_run(h));
	EXPECT(numasim_done(h), "done");
	for (int n = 0; n < 4; n++) {
		EXPECT_OK(h, numasim_node_counter(h, n, "anon_pages", &v));
		EXPECT(v == (n == 1 ? 1024 + 256 : 256),
		       "end: node %d anon %lld (1024 interleaved = 256 a node)", n, (long long)v);
	}
	EXPECT_OK(h, numasim_vmstat(h, "pgfault", &v));
	EXPECT(v == 2048, "pgfault %lld: one per 4 KiB page of 8 MiB", (long long)v);
	EXPECT_OK(h, numasim_counter(h, "vmstat.pgfault", &d));
	EXPECT(d == 2048, "the same by path");
	EXPECT(numasim_nr_tasks(h) == 1, "one task");
	EXPECT(numasim_task_pid(h, 0) == 1, "pid 1");
	EXPECT_OK(h, numasim_task_counter(h, 1, "node", &v));
	EXPECT(v == 1, "cpu 2 is on node 1: %lld", (long long)v);
	EXPECT_OK(h, numasim_task_counter(h, 1, "pages_by_node.1", &v));
	EXPECT(v == 1280, "pages_by_node.1 = %lld", (long long)v);
	/* the matrix adds up to the local and remote totals */
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++) {
			EXPECT_OK(h, numasim_access_count(h, a, b, &v));
			sum += v;
			diag += a == b ? v : 0;
		}
	EXPECT_OK(h, numasim_counter(h, "accesses.local", &local));
	EXPECT_OK(h, numasim_counter(h, "accesses.remote", &remote));
	EXPECT(diag == (int64_t)local && sum == (int64_t)(local + remote),
	       "matrix %lld/%lld vs %g/%g", (long long)diag, (long long)sum, local, local + remote);
	/* a touch is one access per page: 1024 + 256 local, 768 remote */
	EXPECT(local == 1280 && remote == 768, "local %g remote %g", local, remote);
	EXPECT(numasim_expects_failed(h) == 0 && numasim_expects_passed(h) == 0, "no expects");
	numasim_destroy(h);
}

/* Two handles side by side, stepped in turn, against two CLI runs. */
static void test_side_by_side(void)
{
	char *cli_a = cli_output("run -t ring4 -w default --format json");
	char *cli_b = cli_output(
		"run -t toy4 -w zone-reclaim --set vm.zone_reclaim_mode=1 --format json");
	numasim_t *a = setup("ring4", "default", NULL);
	numasim_t *b = setup("toy4", "zone-reclaim", "vm.zone_reclaim_mode=1");

	EXPECT(cli_a && cli_b && strcmp(cli_a, cli_b) != 0, "two different CLI runs");
	for (uint64_t t = 0; t < 200000000; t += 3000000) {
		EXPECT_OK(a, numasim_run_until(a, t));
		EXPECT_OK(b, numasim_run_until(b, t));
	}
	EXPECT_OK(a, numasim_run(a));
	EXPECT_OK(b, numasim_run(b));
	char *ja = report(a, "json"), *jb = report(b, "json");

	same_bytes("handle a", ja, cli_a);
	same_bytes("handle b", jb, cli_b);
	numasim_free(ja);
	numasim_free(jb);

	/* text and html too, through a FILE and a path */
	char *cli_t = cli_output("run -t ring4 -w default --format text");
	char *cli_h = cli_output("run -t ring4 -w default --format html");
	char path[] = "/tmp/numasim-test-api-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	EXPECT_OK(a, numasim_report_file(a, "text", f));
	fclose(f);
	char *t = slurp(path);

	same_bytes("text report to a FILE", t, cli_t);
	EXPECT_OK(a, numasim_report_path(a, "html", path));
	free(t);
	t = slurp(path);
	same_bytes("html report to a path", t, cli_h);
	unlink(path);
	free(t);
	free(cli_t);
	free(cli_h);
	numasim_destroy(a);
	numasim_destroy(b);
	free(cli_a);
	free(cli_b);
}

/* The same trace from a string, with --check and a timeseries, in 1 ms
 * steps: the bytes of `numasim run --check --timeseries 1ms`. */
static void test_string_steps_timeseries(void)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/workloads/interleave.trace", srcdir);
	char *text = slurp(path);
	char *cli = cli_output(
		"run -t ring4 -w interleave --check --timeseries 1ms --seed 3 --format json");
	numasim_t *h = ring4();

	EXPECT_OK(h, numasim_set(h, "sim.seed", "3"));
	EXPECT_OK(h, numasim_set_check(h, 1));
	EXPECT_OK(h, numasim_set_timeseries(h, 1000000));
	EXPECT_OK(h, numasim_trace_string(h, text, "interleave"));
	for (uint64_t t = 500000; t < 20000000; t += 1000000)
		EXPECT_OK(h, numasim_run_until(h, t));
	EXPECT_OK(h, numasim_run(h));
	char *j = report(h, "json");

	same_bytes("string trace in steps with a timeseries", j, cli);
	EXPECT(strstr(j, "\"timeseries\": [\n    {"), "has samples");
	numasim_free(j);
	free(text);
	free(cli);
	numasim_destroy(h);
}

/* A stream: interleave.trace given a line at a time while it runs, the
 * clock never past the next record; then the CLI's bytes. */
static void test_stream(void)
{
	char path[4096], line[4096];

	snprintf(path, sizeof(path), "%s/workloads/interleave.trace", srcdir);
	FILE *f = fopen(path, "r");
	char *cli = cli_output("run -t ring4 -w interleave --format json");
	numasim_t *h = numasim_create();
	int lines = 0;

	EXPECT(f != NULL, "%s", path);
	EXPECT_OK(h, numasim_load_topology(h, "ring4"));
	EXPECT_OK(h, numasim_trace_stream(h));
	/* the leading comments go first (they name the workload), then a
	 * step after every record, at the clock, so no record is late */
	while (f && fgets(line, sizeof(line), f)) {
		EXPECT_OK(h, numasim_trace_line(h, line));
		if (line[0] == '@' || line[0] == '+')
			EXPECT_OK(h, numasim_run_until(h, numasim_now(h)));
		lines++;
	}
	if (f)
		fclose(f);
	EXPECT(lines > 10 && !numasim_done(h), "%d lines, not done", lines);
	EXPECT_OK(h, numasim_trace_end(h));
	EXPECT_RC(h, numasim_trace_line(h, "@1s exit pid=1"), NUMASIM_E_STATE);
	EXPECT_OK(h, numasim_run(h));
	EXPECT(numasim_done(h), "done after the end");
	char *j = report(h, "json");

	same_bytes("a stream fed a line at a time", j, cli);
	numasim_free(j);
	free(cli);
	numasim_destroy(h);

	/* an empty stream runs but does not end; its own magic line stays line 1 */
	h = ring4();
	EXPECT_OK(h, numasim_trace_stream(h));
	EXPECT_OK(h, numasim_run(h));
	EXPECT(!numasim_done(h) && numasim_now(h) == 0, "an empty stream has not ended");
	EXPECT_OK(h, numasim_trace_line(h, "# numasim trace v1"));
	EXPECT_OK(h, numasim_trace_line(h, "@1ms spawn pid=1 cpu=0"));
	EXPECT_OK(h, numasim_trace_line(h, "@2ms frobnicate pid=1"));
	EXPECT_RC(h, numasim_run(h), NUMASIM_E_INPUT);
	EXPECT(strncmp(numasim_errmsg(h), "string:3: ", 10) == 0, "%s", numasim_errmsg(h));
	numasim_destroy(h);

	/* a stream may begin as a string (without a final newline) */
	h = ring4();
	EXPECT_OK(h, numasim_trace_stream(h));
	EXPECT_OK(h,
		  numasim_trace_string(h, "# numasim trace v1\n@0ns spawn pid=1 cpu=6", "begun"));
	EXPECT_OK(h, numasim_run_until(h, 1000));
	EXPECT_OK(h, numasim_trace_line(h, "@1us mmap pid=1 addr=0x10000000 len=8KiB"));
	EXPECT_OK(h, numasim_trace_line(h, "@1us touch pid=1 addr=0x10000000 len=8KiB"));
	EXPECT_OK(h, numasim_trace_end(h));
	EXPECT_OK(h, numasim_run(h));
	int64_t v = -1;

	EXPECT_OK(h, numasim_node_counter(h, 3, "anon_pages", &v));
	EXPECT(v == 2 && numasim_done(h), "2 pages first-touched on node 3 (cpu 6): %lld",
	       (long long)v);
	numasim_destroy(h);

	/* a record whose time has passed is refused, naming the line */
	h = ring4();
	EXPECT_OK(h, numasim_trace_stream(h));
	EXPECT_OK(h, numasim_trace_line(h, "@0ns spawn pid=1 cpu=0"));
	EXPECT_OK(h, numasim_run_until(h, 5000000));
	EXPECT(numasim_now(h) == 5000000, "clock at 5 ms");
	EXPECT_OK(h, numasim_trace_line(h, "@1ms exit pid=1"));
	EXPECT_RC(h, numasim_run(h), NUMASIM_E_INPUT);
	EXPECT(strcmp(numasim_errmsg(h),
		      "string:3: the record's time 1ms is before the simulated time "
		      "already reached (5ms)") == 0,
	       "%s", numasim_errmsg(h));
	EXPECT_RC(h, numasim_trace_end(h), NUMASIM_OK);
	numasim_destroy(h);
	h = numasim_create();
	EXPECT_RC(h, numasim_trace_end(h), NUMASIM_E_STATE);
	numasim_destroy(h);
}

/* Two handles in two threads at once: nothing shared, so each writes
 * what its own CLI run writes. */
struct job {
	const char *topo, *trace, *set;
	char *json;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	numasim_t *h = numasim_create();
	size_t len;

	if (h && !numasim_load_topology(h, j->topo) && !(j->set && numasim_set_kv(h, j->set)) &&
	    !numasim_trace_file(h, j->trace) && !numasim_run(h))
		numasim_report_buffer(h, "json", &j->json, &len);
	numasim_destroy(h);
	return NULL;
}

static void test_threads(void)
{
	struct job jobs[2] = {{"ring4", "default", NULL, NULL},
			      {"toy4", "zone-reclaim", "vm.zone_reclaim_mode=1", NULL}};
	char *want[2] = {
		cli_output("run -t ring4 -w default --format json"),
		cli_output(
			"run -t toy4 -w zone-reclaim --set vm.zone_reclaim_mode=1 --format json")};
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		EXPECT(pthread_create(&t[i], NULL, run_job, &jobs[i]) == 0, "pthread_create");
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		same_bytes(i ? "thread b" : "thread a", jobs[i].json, want[i]);
		numasim_free(jobs[i].json);
		free(want[i]);
	}
}

/* A failed expect is counted, not an error. */
static void test_expects(void)
{
	numasim_t *h = ring4();

	trace_lines(h, (const char *const[]){"@0ns spawn pid=1 cpu=0",
					     "@0ns mmap pid=1 addr=0x10000000 len=1MiB",
					     "@0ns touch pid=1 addr=0x10000000 len=1MiB",
					     "@1ms expect node=0 anon_pages=256",
					     "@1ms expect node=1 anon_pages=256", NULL});
	EXPECT_OK(h, numasim_run(h));
	EXPECT(numasim_expects_passed(h) == 1 && numasim_expects_failed(h) == 1,
	       "passed %lld failed %lld", (long long)numasim_expects_passed(h),
	       (long long)numasim_expects_failed(h));
	numasim_destroy(h);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_api NUMASIM_BINARY SOURCE_DIR\n");
		return 2;
	}
	numasim_bin = argv[1];
	srcdir = argv[2];
	test_version();
	test_errors();
	test_bad_trace();
	test_counters();
	test_side_by_side();
	test_string_steps_timeseries();
	test_expects();
	test_stream();
	test_threads();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	else
		printf("test_api: all passed\n");
	return failures ? 1 : 0;
}
