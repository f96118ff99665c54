/*
 * test_trace.c - the trace parser against docs/trace-format.md: every op with its keys,
 * times, `all`, expect, and each class of error with its exact message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/tunables.h"
#include "trace/trace.h"

static char tmp_path[64];

/* Writes text to a fresh temporary file; returns its path. */
static const char *write_tmp(const char *text)
{
	strcpy(tmp_path, "/tmp/test_trace_XXXXXX");
	int fd = mkstemp(tmp_path);

	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return tmp_path;
}

/* A trace of the magic line and body. */
static const char *write_trace(const char *body)
{
	static char buf[1 << 16];

	snprintf(buf, sizeof(buf), "%s\n%s", TRACE_MAGIC, body);
	return write_tmp(buf);
}

/* Parses the single record of body into rec (the reader stays open). */
static struct trace_reader *parse_one(const char *body, struct trace_record *rec)
{
	struct nerr err = {{0}};
	struct trace_reader *r = trace_open(write_trace(body), &err);

	assert_non_null(r);
	int rc = trace_next(r, rec, &err);

	if (rc != 1)
		fail_msg("parse failed: %s", err.msg);
	unlink(tmp_path);
	return r;
}

/* The whole body must fail with "<path>:<want>". */
static void assert_error(const char *body, const char *want)
{
	struct nerr err = {{0}};
	char full[NERR_MSG_MAX + 64];
	uint64_t n;

	const char *path = write_trace(body);

	assert_int_equal(trace_validate(path, &n, &err), -1);
	snprintf(full, sizeof(full), "%s:%s", path, want);
	assert_string_equal(err.msg, full);
	unlink(path);
}

static struct trace_record rec;

static void test_spawn_fork_thread(void **state)
{
	struct trace_reader *r = parse_one("@0 spawn pid=1 cpu=3 name=cc uid=1000 ppid=0\n", &rec);

	assert_int_equal(rec.op, OP_SPAWN);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.pid, 1);
	assert_int_equal(rec.cpu, 3);
	assert_string_equal(rec.name, "cc");
	assert_int_equal(rec.uid, 1000);
	assert_true(trace_has(&rec, TK_PPID));
	assert_false(trace_has(&rec, TK_CPUS));
	trace_close(r);

	r = parse_one("@0 spawn pid=2 cpus=0-3,8\n", &rec);
	assert_int_equal(cpus_weight(&rec.cpus), 5);
	assert_true(cpu_isset(&rec.cpus, 8));
	assert_int_equal(rec.uid, 0);
	trace_close(r);

	r = parse_one("@0 fork pid=1 child=2 cpu=1\n", &rec);
	assert_int_equal(rec.op, OP_FORK);
	assert_int_equal(rec.child, 2);
	trace_close(r);

	r = parse_one("@0 thread pid=1 tid=7\n", &rec);
	assert_int_equal(rec.tid, 7);
	trace_close(r);
}

static void test_task_ops(void **state)
{
	struct trace_reader *r = parse_one("@0 exec pid=1 name=make\n", &rec);

	assert_int_equal(rec.op, OP_EXEC);
	trace_close(r);
	r = parse_one("@0 exit pid=1\n", &rec);
	assert_int_equal(rec.op, OP_EXIT);
	trace_close(r);
	r = parse_one("@0 run pid=1 cpu=5\n", &rec);
	assert_int_equal(rec.op, OP_RUN);
	assert_int_equal(rec.cpu, 5);
	trace_close(r);
	r = parse_one("@0 affinity pid=1 cpus=2-3\n", &rec);
	assert_int_equal(rec.op, OP_AFFINITY);
	assert_int_equal(cpus_weight(&rec.cpus), 2);
	trace_close(r);
}

static void test_mmap(void **state)
{
	struct trace_reader *r = parse_one("@0 mmap pid=1 addr=0x10000000 len=64MiB\n", &rec);

	assert_int_equal(rec.addr, 0x10000000);
	assert_int_equal(rec.len, 64ULL << 20);
	assert_int_equal(rec.flags, TF_ANON | TF_PRIVATE);
	trace_close(r);

	r = parse_one("@0 mmap pid=1 addr=0 len=8K file=/usr/sbin/cron offset=4K shared locked\n",
		      &rec);
	assert_string_equal(rec.file, "/usr/sbin/cron");
	assert_int_equal(rec.offset, 4096);
	assert_int_equal(rec.flags, TF_SHARED | TF_LOCKED);
	trace_close(r);

	r = parse_one("@0 mmap pid=1 addr=0 len=2M huge name=heap flags=shared\n", &rec);
	assert_int_equal(rec.flags, TF_ANON | TF_SHARED | TF_HUGE);
	assert_string_equal(rec.name, "heap");
	trace_close(r);

	r = parse_one("@0 munmap pid=1 addr=4096 len=4096\n", &rec);
	assert_int_equal(rec.op, OP_MUNMAP);
	trace_close(r);
}

static void test_touch_access(void **state)
{
	struct trace_reader *r = parse_one("@0 touch pid=1 addr=0 len=1M stride=8K\n", &rec);

	assert_int_equal(rec.flags, TF_WRITE);
	assert_int_equal(rec.stride, 8192);
	trace_close(r);

	r = parse_one("@0 touch pid=1 addr=0 len=1M read\n", &rec);
	assert_int_equal(rec.flags, TF_READ);
	assert_false(trace_has(&rec, TK_STRIDE));
	trace_close(r);

	r = parse_one("@0 access pid=1 addr=0 len=1M count=1000000 pattern=random seed=7\n", &rec);
	assert_int_equal(rec.count, 1000000);
	assert_int_equal(rec.pattern, PATTERN_RANDOM);
	assert_int_equal(rec.seed, 7);
	assert_int_equal(rec.flags, TF_READ);
	trace_close(r);

	r = parse_one("@0 access pid=1 addr=0 len=1M count=1K write\n", &rec);
	assert_int_equal(rec.count, 1024);
	assert_int_equal(rec.pattern, PATTERN_SEQ);
	assert_int_equal(rec.flags, TF_WRITE);
	trace_close(r);
}

static void test_files(void **state)
{
	struct trace_reader *r = parse_one("@0 file name=/data/a size=1GiB device=disk0\n", &rec);

	assert_string_equal(rec.name, "/data/a");
	assert_int_equal(rec.size, 1ULL << 30);
	assert_string_equal(rec.device, "disk0");
	trace_close(r);

	r = parse_one("@0 read pid=1 file=/data/a offset=1M len=2M\n", &rec);
	assert_int_equal(rec.op, OP_READ);
	assert_int_equal(rec.offset, 1 << 20);
	trace_close(r);
	r = parse_one("@0 write pid=1 file=/data/a\n", &rec);
	assert_int_equal(rec.op, OP_WRITE);
	assert_false(trace_has(&rec, TK_LEN));
	trace_close(r);
	r = parse_one("@0 fsync pid=1 file=/data/a\n", &rec);
	assert_int_equal(rec.op, OP_FSYNC);
	trace_close(r);
	r = parse_one("@0 drop_caches\n", &rec);
	assert_int_equal(rec.op, OP_DROP_CACHES);
	assert_int_equal(rec.has, 0);
	trace_close(r);
}

static void test_policies(void **state)
{
	struct trace_reader *r =
		parse_one("@0 set_mempolicy pid=1 mode=bind nodes=0,2 flags=static_nodes\n", &rec);

	assert_int_equal(rec.mode, MPOL_BIND);
	assert_int_equal(rec.mode_flags, MPOL_F_STATIC_NODES);
	assert_true(node_isset(&rec.nodes, 2));
	assert_int_equal(nodes_weight(&rec.nodes), 2);
	trace_close(r);

	r = parse_one("@0 set_mempolicy pid=1 mode=weighted_interleave nodes=all relative_nodes\n",
		      &rec);
	assert_int_equal(rec.mode, MPOL_WEIGHTED_INTERLEAVE);
	assert_int_equal(rec.mode_flags, MPOL_F_RELATIVE_NODES);
	assert_true(rec.all & (1ULL << TK_NODES));
	assert_true(nodes_empty(&rec.nodes)); /* topology size unknown */
	trace_close(r);

	r = parse_one(
		"@0 mbind pid=1 addr=0 len=1M mode=preferred nodes=1 flags=strict,move move_all\n",
		&rec);
	assert_int_equal(rec.mode, MPOL_PREFERRED);
	assert_int_equal(rec.mbind_flags, MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL);
	trace_close(r);

	r = parse_one("@0 set_mempolicy pid=1 mode=local\n", &rec);
	assert_int_equal(rec.mode, MPOL_LOCAL);
	trace_close(r);
}

static void test_all_expands_with_topology(void **state)
{
	struct nerr err;
	struct trace_reader *r =
		trace_open(write_trace("@0 migrate_pages pid=1 from=all to=3\n"), &err);

	assert_non_null(r);
	trace_reader_set_nodes(r, 4, 8);
	assert_int_equal(trace_next(r, &rec, &err), 1);
	assert_int_equal(nodes_weight(&rec.from), 4);
	assert_true(rec.all & (1ULL << TK_FROM));
	assert_false(rec.all & (1ULL << TK_TO));
	assert_true(node_isset(&rec.to, 3));
	trace_close(r);
	unlink(tmp_path);
}

static void test_move_pages(void **state)
{
	struct trace_reader *r =
		parse_one("@0 move_pages pid=1 addr=0 len=12K nodes=2,2,7\n", &rec);

	assert_int_equal(rec.ntargets, 3);
	assert_int_equal(rec.targets[0], 2);
	assert_int_equal(rec.targets[1], 2);
	assert_int_equal(rec.targets[2], 7);
	assert_int_equal(nodes_weight(&rec.nodes), 2);
	trace_close(r);

	r = parse_one("@0 move_pages pid=1 addr=0 len=12K node=3 flags=move_all as_pid=4\n", &rec);
	assert_int_equal(rec.node, 3);
	assert_int_equal(rec.as_pid, 4);
	assert_int_equal(rec.mbind_flags, MPOL_MF_MOVE_ALL);
	assert_int_equal(rec.ntargets, 0);
	trace_close(r);

	r = parse_one("@0 move_pages pid=1 addr=0 len=12K\n", &rec);
	assert_false(trace_has(&rec, TK_NODE) || trace_has(&rec, TK_NODES));
	trace_close(r);
}

static void test_cpuset_sysctl_kmalloc_snapshot(void **state)
{
	struct trace_reader *r = parse_one("@0 cpuset action=create path=/batch cpus=0-3 mems=1 "
					   "memory_migrate=1 mem_exclusive=0\n",
					   &rec);

	assert_int_equal(rec.action, CPUSET_CREATE);
	assert_string_equal(rec.path, "/batch");
	assert_true(node_isset(&rec.mems, 1));
	assert_true(rec.memory_migrate);
	assert_true(trace_has(&rec, TK_MEM_EXCLUSIVE));
	assert_false(rec.mem_exclusive);
	assert_false(trace_has(&rec, TK_MEMORY_SPREAD_PAGE));
	trace_close(r);

	r = parse_one("@0 cpuset action=attach path=/batch pid=3\n", &rec);
	assert_int_equal(rec.action, CPUSET_ATTACH);
	trace_close(r);

	r = parse_one("@0 sysctl vm.zone_reclaim_mode=3\n", &rec);
	assert_int_equal(rec.sysctl_id, TUN_ZONE_RECLAIM_MODE);
	assert_string_equal(rec.sysctl_name, "vm.zone_reclaim_mode");
	assert_string_equal(rec.sysctl_value, "3");
	assert_int_equal(rec.sysctl_int, 3);
	trace_close(r);

	r = parse_one("@0 kmalloc size=4K node=1 cache=dentry pid=2\n", &rec);
	assert_int_equal(rec.size, 4096);
	assert_string_equal(rec.cache, "dentry");
	trace_close(r);

	r = parse_one("@0 snapshot label=after-reclaim\n", &rec);
	assert_string_equal(rec.label, "after-reclaim");
	trace_close(r);
}

static void test_times(void **state)
{
	struct nerr err;
	const char *p = write_trace("@1ms spawn pid=1\n"
				    "+500us exit pid=1\n"
				    "\n# a comment\n"
				    "@2s drop_caches\n"
				    "+3 drop_caches   # trailing comment\n"
				    "@2000000003ns drop_caches");
	struct trace_reader *r = trace_open(p, &err);
	const uint64_t want[] = {1000000, 1500000, 2000000000ULL, 2000000003ULL, 2000000003ULL};
	const unsigned long lines[] = {2, 3, 6, 7, 8};

	assert_non_null(r);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(trace_next(r, &rec, &err), 1);
		assert_int_equal(rec.time_ns, want[i]);
		assert_int_equal(rec.line, lines[i]);
	}
	assert_string_equal(rec.text, "@2000000003ns drop_caches");
	assert_int_equal(trace_next(r, &rec, &err), 0);
	trace_close(r);
	unlink(p);
}

static void test_expect(void **state)
{
	struct trace_reader *r = parse_one("@0 expect pid=1 rc=EACCES\n", &rec);

	assert_int_equal(rec.expect.what, EXP_RC);
	assert_int_equal(rec.expect.value, -NS_EACCES);
	assert_true(rec.expect.has_pid);
	assert_int_equal(rec.pid, 1);
	trace_close(r);

	r = parse_one("@0 expect pid=1 status=0,0,-EACCES,-ENOENT\n", &rec);
	assert_int_equal(rec.expect.what, EXP_STATUS);
	assert_int_equal(rec.expect.nstatus, 4);
	assert_int_equal(rec.expect.status[2], -NS_EACCES);
	assert_int_equal(rec.expect.status[3], -NS_ENOENT);
	trace_close(r);

	r = parse_one("@0 expect node=2 pages[pid=1]=8192\n", &rec);
	assert_int_equal(rec.expect.what, EXP_PAGES);
	assert_int_equal(rec.expect.node, 2);
	assert_int_equal(rec.expect.pages_pid, 1);
	assert_int_equal(rec.expect.value, 8192);
	assert_string_equal(rec.expect.counter, "pages");
	trace_close(r);

	r = parse_one("@0 expect node=0 file_pages<=1000\n", &rec);
	assert_int_equal(rec.expect.what, EXP_FILE_PAGES);
	assert_int_equal(rec.expect.cmp, CMP_LE);
	trace_close(r);

	r = parse_one("@0 expect local_ratio>=0.99 pid=3\n", &rec);
	assert_int_equal(rec.expect.what, EXP_LOCAL_RATIO);
	assert_int_equal(rec.expect.cmp, CMP_GE);
	assert_true(rec.expect.ratio > 0.98 && rec.expect.ratio < 1.0);
	trace_close(r);

	r = parse_one("@0 expect pid=2 state=oom_killed\n", &rec);
	assert_int_equal(rec.expect.what, EXP_STATE);
	assert_int_equal(rec.expect.state, TSTATE_OOM_KILLED);
	trace_close(r);

	r = parse_one("@0 expect pgmigrate_success>100\n", &rec);
	assert_int_equal(rec.expect.what, EXP_VMSTAT);
	assert_string_equal(rec.expect.counter, "pgmigrate_success");
	assert_int_equal(rec.expect.cmp, CMP_GT);
	trace_close(r);

	/* time: when the expect runs, with a time unit */
	r = parse_one("@0 expect pid=2 time>=1500us\n", &rec);
	assert_int_equal(rec.expect.what, EXP_TIME);
	assert_int_equal(rec.expect.value, 1500000);
	assert_int_equal(rec.expect.cmp, CMP_GE);
	trace_close(r);

	r = parse_one("@0 expect pid=4 rc<3\n", &rec);
	assert_int_equal(rec.expect.cmp, CMP_LT);
	assert_int_equal(rec.expect.value, 3);
	trace_close(r);
}

static void test_name_and_validate(void **state)
{
	struct nerr err;
	uint64_t n = 0;
	const char *p = write_trace("# name: my-workload\n@0 spawn pid=1\n@1 exit pid=1\n");
	struct trace_reader *r = trace_open(p, &err);

	assert_string_equal(trace_name(r), "my-workload");
	trace_close(r);
	assert_int_equal(trace_validate(p, &n, &err), 0);
	assert_int_equal(n, 2);
	unlink(p);

	r = trace_open(TESTS_DIR "/../workloads/default.trace", &err);
	if (r) {
		assert_string_equal(trace_name(r), "default");
		trace_close(r);
	}
}

static void test_shipped_name(void **state)
{
	struct nerr err;

	setenv("NUMASIM_DATADIR", TESTS_DIR "/unit/data", 1);
	struct trace_reader *r = trace_open("tiny", &err);

	assert_non_null(r);
	assert_string_equal(trace_name(r), "tiny");
	assert_non_null(strstr(trace_path(r), "/workloads/tiny.trace"));
	trace_close(r);
	assert_null(trace_open("no-such-workload", &err));
	assert_string_equal(err.msg, "no-such-workload: no such trace file or shipped workload");
	unsetenv("NUMASIM_DATADIR");
}

/* A move_pages with one target per page of a 64 MiB range: long lines grow buffers. */
static void test_long_line(void **state)
{
	size_t n = 16384, cap = n * 3 + 128;
	char *body = malloc(cap), *p = body;

	p += sprintf(p, "@0 move_pages pid=1 addr=0 len=64M nodes=");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, i ? ",%zu" : "%zu", i % 8);
	strcpy(p, "\n");

	char *text = malloc(cap + 64);

	sprintf(text, "%s\n%s", TRACE_MAGIC, body);
	struct nerr err;
	struct trace_reader *r = trace_open(write_tmp(text), &err);

	assert_non_null(r);
	assert_int_equal(trace_next(r, &rec, &err), 1);
	assert_int_equal(rec.ntargets, n);
	assert_int_equal(rec.targets[n - 1], (int)((n - 1) % 8));
	trace_close(r);
	unlink(tmp_path);
	free(body);
	free(text);
}

static void test_header_errors(void **state)
{
	struct nerr err;
	char want[128];
	const char *p = write_tmp("@0 spawn pid=1\n");

	assert_null(trace_open(p, &err));
	snprintf(want, sizeof(want), "%s:1: first line must be '# numasim trace v1'", p);
	assert_string_equal(err.msg, want);
	unlink(p);

	p = write_tmp("");
	assert_null(trace_open(p, &err));
	snprintf(want, sizeof(want), "%s:1: first line must be '# numasim trace v1'", p);
	assert_string_equal(err.msg, want);
	unlink(p);
}

static void test_errors(void **state)
{
	static const struct {
		const char *body, *msg;
	} cases[] = {
		{"@0 mmap pid=1 addr=0 lenght=5\n", "2: unknown key 'lenght' for op mmap"},
		{"@7ms spawn pid=1\n@5ms exit pid=1\n", "3: time goes back (5ms after 7ms)"},
		{"@0 frobnicate pid=1\n", "2: unknown op 'frobnicate'"},
		{"spawn pid=1\n", "2: a record starts with its time (@N or +N), not 'spawn'"},
		{"@5h spawn pid=1\n", "2: bad time: '5h' has an unknown unit 'h'"},
		{"@5\n", "2: missing op after the time"},
		{"@0 mmap pid=1 addr=0\n", "2: missing key 'len' for op mmap"},
		{"@0 mmap pid=1 addr=0 len=4K len=8K\n", "2: duplicate key 'len'"},
		{"@0 mmap pid=1 addr=0 len=4Q\n", "2: bad len: '4Q' has an unknown unit 'Q'"},
		{"@0 mmap pid=1 addr=zz len=4K\n", "2: bad addr: 'zz' is not a valid size"},
		{"@0 mmap pid=1 addr=0 len=4K sticky\n", "2: unknown flag 'sticky' for op mmap"},
		{"@0 touch pid=1 addr=0 len=4K huge\n", "2: unknown flag 'huge' for op touch"},
		{"@0 mbind pid=1 addr=0 len=4K mode=bind flags=strict,bogus\n",
		 "2: unknown flag 'bogus' for op mbind"},
		{"@0 mmap pid=1 addr=0 len\n", "2: key 'len' needs a value (len=...)"},
		{"@0 mmap pid=1 addr=0 len=\n", "2: key 'len' has no value"},
		{"@0 mmap pid=1 addr=0xffffffffffff0000 len=1M\n", "2: addr+len overflows 64 bits"},
		{"@0 touch pid=1 addr=0 len=0\n", "2: len must not be 0"},
		{"@0 touch pid=1 addr=0 len=4K read write\n",
		 "2: flags 'read' and 'write' exclude each other"},
		{"@0 mmap pid=1 addr=0 len=4K shared private\n",
		 "2: flags 'shared' and 'private' exclude each other"},
		{"@0 mmap pid=1 addr=0 len=4K file=f anon\n",
		 "2: flag 'anon' conflicts with key 'file'"},
		{"@0 mmap pid=1 addr=0 len=4K offset=4K\n", "2: key 'offset' needs key 'file'"},
		{"@0 spawn pid=0\n", "2: bad pid: 0 is out of range 1..4194304"},
		{"@0 spawn pid=1 cpu=1 cpus=1\n", "2: keys 'cpu' and 'cpus' exclude each other"},
		{"@0 spawn pid=1 cpu=4096\n", "2: bad cpu: 4096 is out of range 0..4095"},
		{"@0 set_mempolicy pid=1 mode=bind nodes=0-2000\n",
		 "2: bad nodes: bad list '0-2000': 2000 is out of range (limit 1024)"},
		{"@0 set_mempolicy pid=1 mode=bind nodes=3-1\n",
		 "2: bad nodes: bad list '3-1': range 3-1 goes backwards"},
		{"@0 set_mempolicy pid=1 mode=sometimes\n",
		 "2: bad mode 'sometimes': one of default, preferred, bind, interleave, local, "
		 "preferred_many, weighted_interleave"},
		{"@0 move_pages pid=1 addr=0 len=4K node=1 nodes=1\n",
		 "2: keys 'node' and 'nodes' exclude each other"},
		{"@0 move_pages pid=1 addr=0 len=4K nodes=1,x\n",
		 "2: bad nodes: bad list '1,x' at 'x'"},
		{"@0 access pid=1 addr=0 len=4K count=1 pattern=zigzag\n",
		 "2: bad pattern 'zigzag'"},
		{"@0 cpuset action=create path=batch\n",
		 "2: cpuset path 'batch' must start with '/'"},
		{"@0 cpuset action=attach path=/b\n", "2: cpuset action=attach needs key 'pid'"},
		{"@0 cpuset action=create path=/b pid=1\n",
		 "2: key 'pid' is only for cpuset action=attach"},
		{"@0 cpuset action=create path=/b memory_migrate=yes\n",
		 "2: bad memory_migrate 'yes': 0 or 1"},
		{"@0 sysctl vm.zone_reclaim_modes=1\n", "2: unknown sysctl 'vm.zone_reclaim_modes' "
							"(did you mean 'vm.zone_reclaim_mode'?)"},
		{"@0 sysctl vm.swappiness=500\n", "2: vm.swappiness: 500 is out of range 0..200"},
		{"@0 sysctl\n", "2: sysctl takes one name=value, e.g. vm.zone_reclaim_mode=1"},
		{"@0 expect pid=1 rc=EWHATEVER\n", "2: unknown errno 'EWHATEVER'"},
		{"@0 expect rc=0\n", "2: expect rc needs pid="},
		{"@0 expect pages[pid=1]=5\n", "2: expect pages[pid=1] needs node="},
		{"@0 expect node=1 bogus=5\n", "2: unknown expect counter 'bogus'"},
		{"@0 expect pid=1\n",
		 "2: expect needs a comparison, e.g. rc=0 or file_pages<=1000"},
		{"@0 expect pid=1 state=asleep\n",
		 "2: bad state 'asleep': running, exited or oom_killed"},
		{"@0 expect local_ratio>=1.5\n", "2: bad local_ratio '1.5': a number from 0 to 1"},
		{"@0 expect pid=1 status<=0\n", "2: expect status compares with '=' only"},
		{"@0 expect node=0 pgmigrate_success=1\n",
		 "2: expect pgmigrate_success does not take node="},
		{"@0 expect node=0 time=1ms\n", "2: expect time does not take node="},
		{"@0 expect time=5h\n", "2: bad time: '5h' has an unknown unit 'h'"},
		{"@0 expect pid=1 rc=0 rc=1\n",
		 "2: expect takes one comparison, 'rc=1' is a second"},
		{"@0 expect pid=1 rc~0\n",
		 "2: bad expect 'rc~0': write <counter><op><value>, op one of = <= >= < >"},
		{"@0 spawn pid=1\n@0 mmap pid=1 addr=0x1000 le",
		 "3: unknown flag 'le' for op mmap (no newline at the end of the file: "
		 "truncated?)"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_error(cases[i].body, cases[i].msg);
}

static void test_names(void **state)
{
	assert_string_equal(trace_op_name(OP_MOVE_PAGES), "move_pages");
	assert_string_equal(trace_op_name(OP_DROP_CACHES), "drop_caches");
	assert_string_equal(trace_key_name(TK_MEMORY_SPREAD_SLAB), "memory_spread_slab");
	assert_string_equal(mpol_mode_name(MPOL_PREFERRED_MANY), "preferred_many");
	assert_string_equal(errno_name(-NS_EXDEV), "EXDEV");
	assert_int_equal(errno_from_name("E2BIG"), 7);
	assert_int_equal(errno_from_name("EAGAIN"), 0);
	assert_null(errno_name(11));
	for (int op = 0; op < NR_TRACE_OPS; op++)
		assert_string_not_equal(trace_op_name((enum trace_op)op), "?");
	for (int k = 0; k < NR_TRACE_KEYS; k++)
		assert_non_null(trace_key_name((enum trace_key)k));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spawn_fork_thread),
		cmocka_unit_test(test_task_ops),
		cmocka_unit_test(test_mmap),
		cmocka_unit_test(test_touch_access),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_all_expands_with_topology),
		cmocka_unit_test(test_move_pages),
		cmocka_unit_test(test_cpuset_sysctl_kmalloc_snapshot),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_expect),
		cmocka_unit_test(test_name_and_validate),
		cmocka_unit_test(test_shipped_name),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
