/*
 * test_interconnect.c - routes over the declared links, link timelines
 * and what records cost when their traffic contends (docs/model.md §8).
 * Every expected number is worked out by hand in the comment beside it.
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

#include "sim.h"
#include "task/task.h"
#include "topo/interconnect.h"
#include "trace/replay.h"

/* ring4's distances with its ring of links 0-1, 0-2, 1-3, 2-3. */
#define RING4_HEAD                                                 \
	"{\"name\": \"r\", \"local_latency_ns\": 80, \"nodes\": [" \
	"{\"id\": 0, \"cpus\": \"0\", \"memory\": \"16MiB\"},"     \
	"{\"id\": 1, \"cpus\": \"1\", \"memory\": \"16MiB\"},"     \
	"{\"id\": 2, \"cpus\": \"2\", \"memory\": \"16MiB\"},"     \
	"{\"id\": 3, \"cpus\": \"3\", \"memory\": \"16MiB\"}],"    \
	"\"distances\": [[10,18,18,31],[18,10,31,18],[18,31,10,18],[31,18,18,10]],"

static const char ring4_links[] =
	RING4_HEAD "\"interconnect\": {\"links\": [{\"a\": 0, \"b\": 1, \"GBps\": 1}, {\"a\": 0, "
		   "\"b\": 2, \"GBps\": 1},"
		   " {\"a\": 1, \"b\": 3, \"GBps\": 1}, {\"a\": 2, \"b\": 3, \"GBps\": 1}]}}";

/* The same links declared in the opposite order and direction. */
static const char ring4_links_reversed[] =
	RING4_HEAD "\"interconnect\": {\"links\": [{\"a\": 3, \"b\": 2, \"GBps\": 1}, {\"a\": 3, "
		   "\"b\": 1, \"GBps\": 1},"
		   " {\"a\": 2, \"b\": 0, \"GBps\": 1}, {\"a\": 1, \"b\": 0, \"GBps\": 1}]}}";

/* A line 0-1-2-3. */
static const char line4[] =
	"{\"name\": \"line\", \"nodes\": ["
	"{\"id\": 0, \"cpus\": \"0\", \"memory\": \"16MiB\"},"
	"{\"id\": 1, \"cpus\": \"1\", \"memory\": \"16MiB\"},"
	"{\"id\": 2, \"cpus\": \"2\", \"memory\": \"16MiB\"},"
	"{\"id\": 3, \"cpus\": \"3\", \"memory\": \"16MiB\"}],"
	"\"distances\": [[10,20,30,40],[20,10,20,30],[30,20,10,20],[40,30,20,10]],"
	"\"interconnect\": {\"links\": [{\"a\": 0, \"b\": 1, \"GBps\": 10}, {\"a\": 1, \"b\": 2, "
	"\"GBps\": 10},"
	" {\"a\": 2, \"b\": 3, \"GBps\": 10}]}}";

/*
 * Two nodes, one 1 GB/s link (1 byte/ns: a 64-byte line takes 64 ns),
 * and a remote access of 10 * 20/10 = 20 ns: the link, not latency,
 * limits a task streaming remote memory.
 */
static const char two_1GBps[] =
	"{\"name\": \"two\", \"local_latency_ns\": 10, \"nodes\": ["
	"{\"id\": 0, \"cpus\": \"0-1\", \"memory\": \"16MiB\"},"
	"{\"id\": 1, \"cpus\": \"2-3\", \"memory\": \"16MiB\"}],"
	"\"distances\": [[10,20],[20,10]],"
	"\"interconnect\": {\"links\": [{\"a\": 0, \"b\": 1, \"GBps\": 1}]}}";

static struct topology *load(const char *json)
{
	struct topology *t = NULL;
	struct nerr err = {{0}};

	if (topo_load_string(json, "t.json", &t, &err, NULL, NULL))
		fail_msg("%s", err.msg);
	return t;
}

/* Directed link index of a -> b (interconnect.h: 2i is a->b of link i). */
static int dlink(const struct interconnect *ic, int a, int b)
{
	for (int l = 0; l < ic->nr_links; l++)
		if (ic->links[l].from == a && ic->links[l].to == b)
			return l;
	fail_msg("no link %d->%d", a, b);
	return -1;
}

/* The nodes a route visits, as a string "0 1 3". */
static const char *route_str(struct interconnect *ic, int from, int to)
{
	static char buf[64];
	int links[8], n = ic_route(ic, from, to, links, 8);
	size_t len = (size_t)snprintf(buf, sizeof(buf), "%d", from);

	for (int i = 0; i < n; i++) {
		assert_int_equal(ic->links[links[i]].from, i ? ic->links[links[i - 1]].to : from);
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %d",
					ic->links[links[i]].to);
	}
	return buf;
}

/* ---- routing ---------------------------------------------------------------- */

static void check_ring4_routes(const char *json)
{
	struct topology *t = load(json);
	struct interconnect *ic = ic_create(t);

	assert_non_null(ic);
	assert_int_equal(ic->nr_links, 8);
	/* a direct link is a route of one link */
	assert_string_equal(route_str(ic, 0, 1), "0 1");
	assert_string_equal(route_str(ic, 3, 2), "3 2");
	/* two hops either way round with SLIT sum 36 either way: the lower
	 * node before the last hop wins (1 before 2, 0 before 3) */
	assert_string_equal(route_str(ic, 0, 3), "0 1 3");
	assert_string_equal(route_str(ic, 3, 0), "3 1 0");
	assert_string_equal(route_str(ic, 1, 2), "1 0 2");
	assert_string_equal(route_str(ic, 2, 1), "2 0 1");
	assert_int_equal(ic_route(ic, 2, 2, (int[4]){0}, 4), 0);
	ic_free(ic);
	topo_free(t);
}

static void test_routes_ring4(void **state)
{
	(void)state;
	check_ring4_routes(ring4_links);
	/* the declaration order does not change any route */
	check_ring4_routes(ring4_links_reversed);
}

static void test_routes_line(void **state)
{
	(void)state;
	struct topology *t = load(line4);
	struct interconnect *ic = ic_create(t);

	assert_string_equal(route_str(ic, 0, 3), "0 1 2 3");
	assert_string_equal(route_str(ic, 3, 0), "3 2 1 0");
	assert_string_equal(route_str(ic, 2, 1), "2 1");
	assert_string_equal(route_str(ic, 1, 3), "1 2 3");
	ic_free(ic);
	topo_free(t);
}

/* Fewer links first, then the smaller SLIT sum, before node ids. */
static void test_route_keys(void **state)
{
	(void)state;
	/* a direct 0-3 link of distance 40 beats 0-1-3 (12 + 12) */
	static const char hops[] =
		"{\"name\": \"h\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": \"16MiB\"},"
		"{\"id\": 1, \"cpus\": \"1\", \"memory\": \"16MiB\"},{\"id\": 2, \"cpus\": \"2\", "
		"\"memory\": \"16MiB\"},"
		"{\"id\": 3, \"cpus\": \"3\", \"memory\": \"16MiB\"}],"
		"\"distances\": [[10,12,11,40],[12,10,30,12],[11,30,10,11],[40,12,11,10]],"
		"\"interconnect\": {\"links\": [{\"a\": 0, \"b\": 1, \"GBps\": 1}, {\"a\": 1, "
		"\"b\": 3, \"GBps\": 1},"
		" {\"a\": 0, \"b\": 3, \"GBps\": 1}, {\"a\": 0, \"b\": 2, \"GBps\": 1}, {\"a\": 2, "
		"\"b\": 3, \"GBps\": 1},"
		" {\"a\": 1, \"b\": 2, \"GBps\": 1}]}}";
	struct topology *t = load(hops);
	struct interconnect *ic = ic_create(t);

	assert_string_equal(route_str(ic, 0, 3), "0 3");
	/* and a direct 1-2 link of distance 30 beats 1-0-2 (12 + 11) */
	assert_string_equal(route_str(ic, 1, 2), "1 2");
	ic_free(ic);
	topo_free(t);

	/* without the 0-3 and 1-2 links: 0-2-3 (11 + 11 = 22) beats 0-1-3
	 * (12 + 12 = 24) although node 1 is lower than node 2 */
	static const char slit[] =
		"{\"name\": \"d\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": \"16MiB\"},"
		"{\"id\": 1, \"cpus\": \"1\", \"memory\": \"16MiB\"},{\"id\": 2, \"cpus\": \"2\", "
		"\"memory\": \"16MiB\"},"
		"{\"id\": 3, \"cpus\": \"3\", \"memory\": \"16MiB\"}],"
		"\"distances\": [[10,12,11,40],[12,10,30,12],[11,30,10,11],[40,12,11,10]],"
		"\"interconnect\": {\"links\": [{\"a\": 0, \"b\": 1, \"GBps\": 1}, {\"a\": 1, "
		"\"b\": 3, \"GBps\": 1},"
		" {\"a\": 0, \"b\": 2, \"GBps\": 1}, {\"a\": 2, \"b\": 3, \"GBps\": 1}]}}";

	t = load(slit);
	ic = ic_create(t);
	assert_string_equal(route_str(ic, 0, 3), "0 2 3");
	assert_string_equal(route_str(ic, 3, 0), "3 2 0");
	ic_free(ic);
	topo_free(t);
}

static void test_disconnected_rejected(void **state)
{
	(void)state;
	static const char bad[] =
		"{\"name\": \"b\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": \"16MiB\"},"
		"{\"id\": 1, \"cpus\": \"1\", \"memory\": \"16MiB\"},{\"id\": 2, \"cpus\": \"2\", "
		"\"memory\": \"16MiB\"}],"
		"\"distances\": [[10,20,20],[20,10,20],[20,20,10]],"
		"\"interconnect\": {\"links\": [{\"a\": 0, \"b\": 1, \"GBps\": 1}]}}";
	struct topology *t = NULL;
	struct nerr err = {{0}};

	assert_int_equal(topo_load_string(bad, "t.json", &t, &err, NULL, NULL), -1);
	assert_string_equal(err.msg,
			    "t.json: interconnect.links: no path between node 0 and node 2 "
			    "(with links, every node with CPUs or memory must be reachable "
			    "from every other)");
	assert_null(t);
}

/* ---- timelines -------------------------------------------------------------- */

static void test_transfer_queues(void **state)
{
	(void)state;
	struct topology *t = load(two_1GBps);
	struct interconnect *ic = ic_create(t);
	int l10 = dlink(ic, 1, 0);

	/* one page at 1 byte/ns: 4096 ns; the next one ready at 0 waits for
	 * it; one ready at 10 us finds the link idle */
	assert_int_equal(ic_transfer(ic, 1, 0, 4096, 0), 4096);
	assert_int_equal(ic_transfer(ic, 1, 0, 4096, 0), 8192);
	assert_int_equal(ic_transfer(ic, 1, 0, 4096, 10000), 14096);
	/* the other direction is a link of its own */
	assert_int_equal(ic_transfer(ic, 0, 1, 4096, 0), 4096);
	assert_int_equal(ic->links[l10].bytes, 3 * 4096);
	assert_int_equal(ic->links[l10].busy_ps, 3 * 4096 * 1000ULL);
	assert_int_equal(ic_span_ns(ic, 100), 14096);
	/* a record's 640 bytes ready at 20 us take 640 ns: 540 ns more than
	 * its 100 ns of latency */
	ic_add(ic, 1, 0, 640);
	assert_int_equal(ic_settle(ic, 20000, 100), 540);
	assert_int_equal(ic->stall_ns, 540);
	/* nothing pending: nothing added */
	assert_int_equal(ic_settle(ic, 30000, 0), 0);
	ic_free(ic);
	topo_free(t);
}

/* Picosecond timelines: 64 bytes at 3 GB/s is 21333.3 ps, rounded up. */
static void test_fractional_bandwidth(void **state)
{
	(void)state;
	static const char three[] =
		"{\"name\": \"3\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": \"16MiB\"},"
		"{\"id\": 1, \"cpus\": \"1\", \"memory\": \"16MiB\"}], \"distances\": "
		"[[10,20],[20,10]],"
		"\"interconnect\": {\"links\": [{\"a\": 0, \"b\": 1, \"GBps\": 3}]}}";
	struct topology *t = load(three);
	struct interconnect *ic = ic_create(t);

	ic_add(ic, 0, 1, 64);
	assert_int_equal(ic_settle(ic, 0, 0), 22); /* 21334 ps: 22 ns */
	assert_int_equal(ic->links[dlink(ic, 0, 1)].busy_ps, 21334);
	ic_free(ic);
	topo_free(t);
}

/* ---- records ---------------------------------------------------------------- */

static char trace_path[64];

static const char *write_trace(const char *body)
{
	strcpy(trace_path, "/tmp/test_ic_XXXXXX");
	int fd = mkstemp(trace_path);

	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");

	assert_non_null(f);
	fprintf(f, "# numasim trace v1\n%s", body);
	fclose(f);
	return trace_path;
}

/* Replays body on topology json; every expect in it must hold. */
static struct sim *replay(const char *json, const char *body, struct topology **tp)
{
	struct tunables tun;
	struct nerr err = {{0}};
	struct sim *s;

	*tp = load(json);
	tunables_init(&tun);
	s = sim_create(*tp, &tun, &err);
	assert_non_null(s);
	struct trace_log *log;

	if (replay_run(s, write_trace(body), NULL, &log, &err))
		fail_msg("%s", err.msg);
	unlink(trace_path);
	for (uint64_t i = 0; i < log->nr_failures; i++)
		print_error("%s\n", log->failures[i]);
	assert_int_equal(log->expects_failed, 0);
	trace_log_free(log);
	return s;
}

/* pid 1 faults 16 pages in on node 1, then runs on node 0 (no traffic:
 * the pages were cleared where they are). */
#define SETUP_REMOTE                                 \
	"@0 spawn pid=1 cpu=2\n"                     \
	"@0 mmap pid=1 addr=0x10000000 len=64KiB\n"  \
	"@0 touch pid=1 addr=0x10000000 len=64KiB\n" \
	"@0 thread pid=1 tid=2 cpu=1\n"              \
	"@0 run pid=1 cpu=0\n"

/*
 * One task streaming 1000 remote accesses: latency alone is 1000 * 20 ns
 * = 20 us, the lines take 1000 * 64 ns = 64 us on the 1 -> 0 link, so the
 * record ends 64 us after it starts, 44 us of it a bandwidth stall.
 */
static void test_one_stream(void **state)
{
	(void)state;
	struct topology *t;
	struct sim *s =
		replay(two_1GBps,
		       SETUP_REMOTE "@1ms access pid=1 addr=0x10000000 len=64KiB count=1000 read\n"
				    "@1ms expect pid=1 time=1064us\n",
		       &t);
	struct task *p1 = task_find(s, 1);

	assert_int_equal(s->acc.remote, 1000);
	assert_int_equal(s->ic->links[dlink(s->ic, 1, 0)].bytes, 64000);
	assert_int_equal(s->ic->links[dlink(s->ic, 0, 1)].bytes, 0);
	assert_int_equal(p1->bw_stall_ns, 44000);
	assert_int_equal(s->ic->stall_ns, 44000);
	sim_destroy(s);
	topo_free(t);
}

/*
 * Two tasks starting together on the same link: the first booked runs
 * as if alone (64 us), the second's lines queue behind: 128 us, 64 us
 * later, 108 us of it stall.
 */
static void test_two_streams_share(void **state)
{
	(void)state;
	struct topology *t;
	struct sim *s =
		replay(two_1GBps,
		       SETUP_REMOTE "@1ms access pid=1 addr=0x10000000 len=64KiB count=1000 read\n"
				    "@1ms access pid=2 addr=0x10000000 len=64KiB count=1000 read\n"
				    "@1ms expect pid=1 time=1064us\n"
				    "@1ms expect pid=2 time=1128us\n",
		       &t);

	assert_int_equal(task_find(s, 1)->bw_stall_ns, 44000);
	assert_int_equal(task_find(s, 2)->bw_stall_ns, 108000);
	assert_int_equal(s->ic->links[dlink(s->ic, 1, 0)].busy_ps, 128000ULL * 1000);
	sim_destroy(s);
	topo_free(t);
}

/*
 * A record's lines are booked from its start: 10 accesses take 200 ns of
 * latency and 640 ns of link, so the record lasts 640 ns (440 ns of
 * stall). Records 1 ms apart find the link idle each time: nothing
 * carries over from one to the next.
 */
static void test_idle_link_no_stall(void **state)
{
	(void)state;
	struct topology *t;
	struct sim *s =
		replay(two_1GBps,
		       SETUP_REMOTE "@1ms access pid=1 addr=0x10000000 len=64KiB count=10 read\n"
				    "@1ms expect pid=1 time=1000640ns\n"
				    "@2ms access pid=1 addr=0x10000000 len=64KiB count=10 read\n"
				    "@2ms expect pid=1 time=2000640ns\n"
				    "@3ms access pid=1 addr=0x10000000 len=64KiB count=10 read\n"
				    "@3ms expect pid=1 time=3000640ns\n",
		       &t);

	assert_int_equal(task_find(s, 1)->bw_stall_ns, 3 * 440);
	sim_destroy(s);
	topo_free(t);
}

/*
 * move_pages of 16 pages 1 -> 0: each copy costs 2000 + 1000 * 20/10 =
 * 4000 ns by the cost model but 4096 ns on the 1 GB/s link, so each page
 * is done 96 ns later than latency alone says: the syscall returns
 * 200 ns (syscall) + 16 * 4096 ns later.
 */
static void test_migration_copies(void **state)
{
	(void)state;
	struct topology *t;
	struct sim *s =
		replay(two_1GBps,
		       SETUP_REMOTE "@1ms move_pages pid=1 addr=0x10000000 len=64KiB node=0\n"
				    "@1ms expect pid=1 rc=0\n"
				    "@1ms expect pgmigrate_success=16\n",
		       &t);

	assert_int_equal(s->ic->links[dlink(s->ic, 1, 0)].bytes, 16 * 4096);
	assert_int_equal(task_find(s, 1)->bw_stall_ns, 16 * 96);
	assert_int_equal(s->migrate_ns, 16 * 4096);
	sim_destroy(s);
	topo_free(t);
}

/*
 * An access record that blocks on pages under migration resumes later;
 * each part it runs is booked once, from the time it starts. move_pages
 * moves 16 pages 1 -> 0, one every 4096 ns on the 1 -> 0 link, page 0
 * done at 1 ms + 4096 ns. Thread 3 on node 1 reads them (100 accesses a
 * page) and waits for page 0; then each page takes max(100 * 20 ns,
 * 100 * 64 ns on the 0 -> 1 link) = 6400 ns, longer than the 4096 ns
 * between copies, so it never waits again: it ends at 1 ms + 4096 ns +
 * 16 * 6400 ns = 1106496 ns (without the wait it would end 4096 ns
 * sooner; without the link, at 1 ms + 4096 ns + 16 * 2000 ns).
 */
static void test_blocked_record_books_once(void **state)
{
	(void)state;
	struct topology *t;
	struct sim *s =
		replay(two_1GBps,
		       SETUP_REMOTE "@0 thread pid=1 tid=3 cpu=3\n"
				    "@1ms move_pages pid=1 addr=0x10000000 len=64KiB node=0\n"
				    "@1ms access pid=3 addr=0x10000000 len=64KiB count=1600 read\n"
				    "@1ms expect pid=3 local_ratio=0\n"
				    "@1ms expect pid=3 time=1106496ns\n",
		       &t);
	const struct ic_link *l10 = &s->ic->links[dlink(s->ic, 1, 0)];
	const struct ic_link *l01 = &s->ic->links[dlink(s->ic, 0, 1)];

	assert_int_equal(s->mem.events[PGMIGRATE_SUCCESS], 16);
	assert_int_equal(l10->bytes, 16 * 4096);
	assert_int_equal(l01->bytes, 1600 * 64);
	assert_int_equal(l01->busy_ps, 1600 * 64 * 1000ULL);
	assert_int_equal(s->ic->nr_touched, 0);
	sim_destroy(s);
	topo_free(t);
}

/* Without links there is no interconnect state at all. */
static void test_no_links_no_model(void **state)
{
	(void)state;
	static const char plain[] =
		"{\"name\": \"p\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": \"16MiB\"},"
		"{\"id\": 1, \"cpus\": \"1\", \"memory\": \"16MiB\"}], \"distances\": "
		"[[10,20],[20,10]]}";
	struct topology *t;
	struct sim *s = replay(plain,
			       "@0 spawn pid=1 cpu=1\n"
			       "@0 mmap pid=1 addr=0x10000000 len=64KiB\n"
			       "@0 touch pid=1 addr=0x10000000 len=64KiB\n"
			       "@0 run pid=1 cpu=0\n"
			       "@1ms access pid=1 addr=0x10000000 len=64KiB count=1000 read\n"
			       /* 1000 * 100 * 20/10 ns of latency, nothing else */
			       "@1ms expect pid=1 time=1200us\n",
			       &t);

	assert_null(s->ic);
	assert_int_equal(task_find(s, 1)->bw_stall_ns, 0);
	sim_destroy(s);
	topo_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes_ring4),
		cmocka_unit_test(test_routes_line),
		cmocka_unit_test(test_route_keys),
		cmocka_unit_test(test_disconnected_rejected),
		cmocka_unit_test(test_transfer_queues),
		cmocka_unit_test(test_fractional_bandwidth),
		cmocka_unit_test(test_one_stream),
		cmocka_unit_test(test_two_streams_share),
		cmocka_unit_test(test_idle_link_no_stall),
		cmocka_unit_test(test_migration_copies),
		cmocka_unit_test(test_blocked_record_books_once),
		cmocka_unit_test(test_no_links_no_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
