/*
 * test_topo.c - topology loading, validation, fallback orders and the
 * numactl --hardware view (sim/topo/).
 *
 * The fallback-order tables are worked by hand below, following
 * find_next_best_node() and build_zonelists() step by step, so a failure
 * here means the model and the kernel's arithmetic disagree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "topo/topo.h"

#define MiB (1ULL << 20)

static const char ring4_text[] =
	"{\"name\": \"ring4\", \"description\": \"Four nodes in a ring\",\n"
	" \"page_size\": 4096, \"local_latency_ns\": 80,\n"
	" \"nodes\": [\n"
	"  {\"id\": 0, \"cpus\": \"0-1\", \"memory\": \"256MiB\", \"devices\": [\"disk0\"]},\n"
	"  {\"id\": 1, \"cpus\": \"2-3\", \"memory\": \"256MiB\"},\n"
	"  {\"id\": 2, \"cpus\": \"4-5\", \"memory\": \"256MiB\"},\n"
	"  {\"id\": 3, \"cpus\": \"6-7\", \"memory\": \"256MiB\", \"devices\": [\"nic0\"]}],\n"
	" \"distances\": [[10,18,18,31],[18,10,31,18],[18,31,10,18],[31,18,18,10]],\n"
	" \"devices\": [{\"name\": \"disk0\", \"type\": \"block\", \"read_MBps\": 500, "
	"\"write_MBps\": 200},\n"
	"             {\"name\": \"nic0\", \"type\": \"net\"}]}\n";

struct warnings {
	int count;
	char last[NERR_MSG_MAX];
};

static void collect_warning(void *ctx, const char *msg)
{
	struct warnings *w = ctx;

	w->count++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

static struct topology *load_ok(const char *text)
{
	struct topology *t = NULL;
	struct nerr err = {{0}};

	if (topo_load_string(text, "t.json", &t, &err, NULL, NULL) != 0)
		fail_msg("unexpected error: %s", err.msg);
	assert_non_null(t);
	return t;
}

/* Loads a file that must fail and checks the exact one-line message. */
static void expect_error(const char *text, const char *msg)
{
	struct topology *t = (struct topology *)1;
	struct nerr err = {{0}};

	assert_int_equal(topo_load_string(text, "t.json", &t, &err, NULL, NULL), -1);
	assert_null(t);
	assert_string_equal(err.msg, msg);
	assert_null(strchr(err.msg, '\n'));
}

/* A machine of n nodes from a distance table; cpus[i] "" means CPU-less. */
static struct topology *machine(int n, const int *dist, const char *const *cpus,
				const char *const *mem)
{
	char text[8192];
	size_t off = 0;

	off += (size_t)snprintf(text + off, sizeof(text) - off, "{\"name\": \"m\", \"nodes\": [");
	for (int i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"%s{\"id\": %d, \"cpus\": \"%s\", \"memory\": \"%s\"}",
					i ? "," : "", i, cpus[i], mem ? mem[i] : "64MiB");
	off += (size_t)snprintf(text + off, sizeof(text) - off, "], \"distances\": [");
	for (int i = 0; i < n; i++) {
		off += (size_t)snprintf(text + off, sizeof(text) - off, "%s[", i ? "," : "");
		for (int k = 0; k < n; k++)
			off += (size_t)snprintf(text + off, sizeof(text) - off, "%s%d",
						k ? "," : "", dist[i * n + k]);
		off += (size_t)snprintf(text + off, sizeof(text) - off, "]");
	}
	snprintf(text + off, sizeof(text) - off, "]}");
	return load_ok(text);
}

/* Compares every node's order with want (rows of n, -1 ends a short row). */
static void check_orders(const struct topology *t, const int *want)
{
	int n = t->nr_nodes;
	int *orders = calloc((size_t)(n * n), sizeof(int)),
	    *counts = calloc((size_t)n, sizeof(int));
	int *one = calloc((size_t)n, sizeof(int));

	topo_all_node_orders(t, orders, counts);
	for (int node = 0; node < n; node++) {
		int len = 0;

		while (len < n && want[node * n + len] >= 0)
			len++;
		assert_int_equal(counts[node], len);
		for (int i = 0; i < len; i++)
			assert_int_equal(orders[node * n + i], want[node * n + i]);
		/* The one-node entry point gives the same row (node_load shared). */
		assert_int_equal(topo_node_order(t, node, one), len);
		assert_memory_equal(one, want + node * n, sizeof(int) * (size_t)len);
	}
	free(orders);
	free(counts);
	free(one);
}

/* ---- loading ------------------------------------------------------------ */

static void test_load_ring4(void **state)
{
	struct topology *t = load_ok(ring4_text);

	(void)state;
	assert_string_equal(t->name, "ring4");
	assert_string_equal(t->path, "t.json");
	assert_int_equal(t->page_size, 4096);
	assert_int_equal(t->page_shift, 12);
	assert_int_equal(t->local_latency_ns, 80);
	assert_int_equal(t->nr_nodes, 4);
	assert_int_equal(t->nr_cpus, 8);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(t->nodes[i].id, i);
		assert_int_equal(t->nodes[i].nr_cpus, 2);
		assert_true(t->nodes[i].memory_bytes == 256 * MiB);
		assert_true(t->nodes[i].zone_bytes[ZONE_NORMAL] == 256 * MiB);
		assert_true(t->nodes[i].zone_bytes[ZONE_DMA] == 0);
		assert_int_equal(topo_cpu_to_node(t, 2 * i), i);
		assert_int_equal(topo_cpu_to_node(t, 2 * i + 1), i);
	}
	assert_int_equal(topo_cpu_to_node(t, 8), -1);
	assert_int_equal(topo_cpu_to_node(t, -1), -1);
	assert_int_equal(topo_distance(t, 0, 3), 31);
	assert_int_equal(topo_distance(t, 1, 0), 18);
	assert_false(t->asymmetric);
	assert_int_equal(t->nr_devices, 2);
	assert_string_equal(t->devices[0].name, "disk0");
	assert_int_equal(t->devices[0].type, DEVICE_BLOCK);
	assert_int_equal(t->devices[0].node, 0);
	assert_true(t->devices[0].read_MBps == 500 && t->devices[0].write_MBps == 200);
	assert_int_equal(t->devices[1].type, DEVICE_NET);
	assert_int_equal(t->devices[1].node, 3);
	assert_true(t->devices[1].read_MBps == 0);
	assert_int_equal(t->nodes[3].nr_devices, 1);
	assert_int_equal(t->nodes[3].devices[0], 1);
	assert_int_equal(t->nodes[1].nr_devices, 0);
	topo_free(t);
}

static void test_defaults_and_forms(void **state)
{
	/* Nodes in any order; cpus as an array or empty; sizes in every form. */
	struct topology *t = load_ok(
		"{\"name\": \"f\", \"nodes\": ["
		" {\"id\": 2, \"cpus\": [], \"memory\": \"1G\"},"
		" {\"id\": 0, \"cpus\": [3, 1], \"memory\": 8192},"
		" {\"id\": 1, \"cpus\": \"0,2,4-5\", \"memory\": \"0\"},"
		" {\"id\": 3, \"cpus\": \"\", \"memory\": \"0x100000\"}],"
		" \"distances\": [[10,20,20,20],[20,10,20,20],[20,20,10,20],[20,20,20,10]]}");

	(void)state;
	assert_int_equal(t->page_size, 4096);
	assert_int_equal(t->local_latency_ns, 100);
	assert_string_equal(t->description, "");
	assert_true(t->nodes[0].memory_bytes == 8192);
	assert_true(t->nodes[1].memory_bytes == 0);
	assert_true(t->nodes[2].memory_bytes == 1024 * MiB);
	assert_true(t->nodes[3].memory_bytes == MiB);
	assert_int_equal(t->nodes[0].nr_cpus, 2);
	assert_true(cpu_isset(&t->nodes[0].cpus, 3));
	assert_int_equal(t->nodes[1].nr_cpus, 4);
	assert_int_equal(t->nodes[2].nr_cpus, 0);
	assert_int_equal(t->nr_cpus, 6);
	assert_int_equal(topo_cpu_to_node(t, 5), 1);
	assert_int_equal(t->nr_devices, 0);
	assert_int_equal(t->nr_links, 0);
	topo_free(t);
}

static void test_zones_links_pages(void **state)
{
	struct topology *t = load_ok(
		"{\"name\": \"z\", \"page_size\": \"64KiB\", \"nodes\": ["
		" {\"id\": 0, \"cpus\": \"0\", \"memory\": \"1GiB\","
		"  \"zones\": {\"DMA\": \"16MiB\", \"DMA32\": \"496MiB\", \"Normal\": \"512MiB\"}},"
		" {\"id\": 1, \"cpus\": \"\", \"memory\": \"200TiB\", \"zones\": {\"Movable\": "
		"\"200TiB\"}}],"
		" \"distances\": [[10,30],[30,10]],"
		" \"interconnect\": {\"links\": [{\"a\": 1, \"b\": 0, \"GBps\": 12.5}]}}");

	(void)state;
	assert_int_equal(t->page_size, 65536);
	assert_int_equal(t->page_shift, 16);
	assert_true(t->nodes[0].zone_bytes[ZONE_DMA] == 16 * MiB);
	assert_true(t->nodes[0].zone_bytes[ZONE_DMA32] == 496 * MiB);
	assert_true(t->nodes[0].zone_bytes[ZONE_NORMAL] == 512 * MiB);
	assert_true(t->nodes[0].zone_bytes[ZONE_MOVABLE] == 0);
	/* 200 TiB of 64 KiB pages is 3.4e9 frames: still within 32-bit pfns. */
	assert_true(t->nodes[1].zone_bytes[ZONE_MOVABLE] == 200ULL << 40);
	assert_true(t->nodes[1].zone_bytes[ZONE_NORMAL] == 0);
	assert_int_equal(t->nr_links, 1);
	assert_int_equal(t->links[0].a, 1);
	assert_int_equal(t->links[0].b, 0);
	assert_true(t->links[0].GBps == 12.5);
	assert_string_equal(zone_names[ZONE_DMA32], "DMA32");
	topo_free(t);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("{\"name\": \"x\",\n \"nodes\": [}", "t.json:2:12: unexpected token near '}'");
	expect_error(
		"{\"name\": \"x\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": \"8KiB\","
		" \"reserved\": \"12KiB\"}], \"distances\": [[10]]}",
		"t.json: nodes[0].reserved: larger than the node's memory");
	expect_error(
		"{\"name\": \"x\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": \"4KiB\"}],"
		" \"distances\": [[12]]}",
		"t.json: distances[0][0]: local distance must be 10, got 12");
	expect_error("{\"name\": \"x\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": "
		     "\"4KiB\", \"cpu\": 1}],"
		     " \"distances\": [[10]]}",
		     "t.json: nodes[0].cpu: unknown key (expected id, cpus, memory, zones, "
		     "devices, adistance, reserved or pageblocks)");
	expect_error(
		"{\"name\": \"x\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": "
		"\"17TiB\"}],"
		" \"distances\": [[10]], \"page_size\": 4096}",
		"t.json: nodes[0].memory: total memory is more than numasim can simulate "
		"(32-bit frame numbers: at most 4294967294 frames of 4096 bytes, about 16383 GiB)");
	expect_error(
		"{\"name\": \"x\", \"nodes\": [{\"id\": 1, \"cpus\": \"0\", \"memory\": \"4KiB\"},"
		" {\"id\": 1, \"cpus\": \"1\", \"memory\": \"4KiB\"}], \"distances\": "
		"[[10,20],[20,10]]}",
		"t.json: nodes[1].id: duplicate node id 1 (also nodes[0])");
	expect_error(
		"{\"name\": \"x\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": \"4KiB\","
		" \"zones\": {\"DMA\": \"4KiB\", \"Normal\": \"4KiB\"}}], \"distances\": [[10]]}",
		"t.json: nodes[0].zones: zones add up to more than the node's memory (4096 bytes)");
	/* one pageblock is 512 pages: 256 free and 257 unmanaged are one too many */
	expect_error("{\"name\": \"x\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": "
		     "\"16MiB\", \"pageblocks\": {\"Normal\": {\"Unmovable\": {\"blocks\": 1, "
		     "\"free\": [0, 0, 0, 0, 0, 0, 0, 0, 1], \"unmanaged\": 257}}}}], "
		     "\"distances\": [[10]]}",
		     "t.json: nodes[0].pageblocks.Normal.Unmovable.unmanaged: 256 free and 257 "
		     "unmanaged pages do not fit in 1 pageblocks");
}

static void test_error_frees_everything(void **state)
{
	/* Fails at the very end (a link), after devices, nodes and distances
	 * were built: ASan's leak check proves the partial topology is freed. */
	(void)state;
	expect_error(
		"{\"name\": \"x\", \"devices\": [{\"name\": \"d\", \"type\": \"other\"}],"
		" \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": \"4KiB\", \"devices\": "
		"[\"d\"]}],"
		" \"distances\": [[10]], \"interconnect\": {\"links\": [{\"a\": 0, \"b\": 0, "
		"\"GBps\": 1}]}}",
		"t.json: interconnect.links[0].b: a link joins two different nodes, got 0 and 0");
}

static void test_asymmetric_warns(void **state)
{
	struct warnings w = {0};
	struct topology *t = NULL;
	struct nerr err;
	const char *text =
		"{\"name\": \"a\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": \"4KiB\"},"
		" {\"id\": 1, \"cpus\": \"1\", \"memory\": \"4KiB\"}], \"distances\": "
		"[[10,20],[21,10]]}";

	(void)state;
	assert_int_equal(topo_load_string(text, "a.json", &t, &err, collect_warning, &w), 0);
	assert_true(t->asymmetric);
	assert_int_equal(w.count, 1);
	assert_string_equal(w.last, "a.json: distances: asymmetric SLIT (distances[0][1] is 20, "
				    "distances[1][0] is 21); used as given, as Linux does");
	assert_int_equal(topo_distance(t, 0, 1), 20);
	assert_int_equal(topo_distance(t, 1, 0), 21);
	topo_free(t);

	w.count = 0;
	t = load_ok(ring4_text);
	topo_free(t);
	assert_int_equal(topo_load_string(ring4_text, "r.json", &t, &err, collect_warning, &w), 0);
	assert_int_equal(w.count, 0);
	topo_free(t);
}

static void test_load_file_and_resolve(void **state)
{
	char path[4096];
	struct nerr err;
	struct topology *t;

	(void)state;
	setenv("NUMASIM_DATADIR", TESTS_DIR "/..", 1);
	assert_int_equal(topo_resolve("ring4", path, sizeof(path), &err), 0);
	assert_string_equal(path, TESTS_DIR "/../topologies/ring4.json");
	assert_int_equal(topo_load(path, &t, &err, NULL, NULL), 0);
	assert_int_equal(t->nr_nodes, 4);
	topo_free(t);

	assert_int_equal(topo_resolve(TESTS_DIR "/bad/topo_diag.json", path, sizeof(path), &err),
			 0);
	assert_string_equal(path, TESTS_DIR "/bad/topo_diag.json");
	assert_int_equal(topo_resolve("nosuch", path, sizeof(path), &err), -1);
	assert_non_null(strstr(err.msg, "unknown topology 'nosuch'"));
	/* Anything that looks like a path stays one, so a typo is reported by name. */
	assert_int_equal(topo_resolve("no/such.json", path, sizeof(path), &err), 0);
	assert_string_equal(path, "no/such.json");

	assert_int_equal(topo_load("/nonexistent/x.json", &t, &err, NULL, NULL), -1);
	assert_null(t);
	assert_string_equal(err.msg, "/nonexistent/x.json: cannot open: No such file or directory");
	assert_int_equal(topo_load(TESTS_DIR, &t, &err, NULL, NULL), -1);
	assert_null(t);
}

/* Every shipped topology loads. */
static void test_shipped(void **state)
{
	static const char *const names[] = {"toy4",	 "ring4",  "2socket",
					    "epyc-nps4", "numa16", "cxl"};
	char path[4096];
	struct nerr err;

	(void)state;
	setenv("NUMASIM_DATADIR", TESTS_DIR "/..", 1);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct topology *t;

		assert_int_equal(topo_resolve(names[i], path, sizeof(path), &err), 0);
		if (topo_load(path, &t, &err, NULL, NULL))
			fail_msg("%s", err.msg);
		assert_string_equal(t->name, names[i]);
		topo_free(t);
	}
}

/* ---- fallback orders ----------------------------------------------------- */

/*
 * ring4 (every node has CPUs, so the +1 penalty is common to all and only
 * distance, the "n < node" +1 and node_load matter). Values are
 * (distance + [n<node] + 1) * 1024 + node_load[n]; node_load starts 0.
 *
 * node 0: 0 (local). 1: 19*1024+0, 2: 19*1024+0, 3: 32*1024 -> 1 (lowest id
 *   of a tie); 18 != 10 so node_load[1]=1. Then 2 (19*1024), same distance.
 *   Then 3, 31 != 18 so node_load[3]=1.                     -> 0 1 2 3
 * node 1: 0: (18+1+1)=20*1024, 2: 32*1024, 3: 19*1024+1 -> 3; load[3]=2.
 *   Then 0 (18, same). Then 2 (31 != 18): load[2]=1.        -> 1 3 0 2
 * node 2: 0: 20*1024+0, 1: 33*1024, 3: 19*1024+2 -> 3; load[3]=3. Then 0,
 *   then 1 (31 != 18): load[1]=2.                            -> 2 3 0 1
 * node 3: 0: 33*1024, 1: 20*1024+2, 2: 20*1024+1 -> 2 (less loaded!);
 *   load[2]=2. Then 1, then 0.                               -> 3 2 1 0
 * The seed's statement holds for node 0: first 0, then 1 and 2, 3 last.
 */
static void test_order_ring4(void **state)
{
	static const int want[] = {0, 1, 2, 3, 1, 3, 0, 2, 2, 3, 0, 1, 3, 2, 1, 0};
	struct topology *t = load_ok(ring4_text);

	(void)state;
	check_orders(t, want);
	topo_free(t);
}

static void test_order_2socket(void **state)
{
	static const int dist[] = {10, 21, 21, 10};
	static const char *const cpus[] = {"0-7", "8-15"};
	static const int want[] = {0, 1, 1, 0};
	struct topology *t = machine(2, dist, cpus, NULL);

	(void)state;
	check_orders(t, want);
	topo_free(t);
}

/*
 * Four nodes all 20 apart: only "n < node" and node_load order them.
 * node 0: 1,2,3 all 21*1024 -> 1 (load[1]=1), 2, 3.          -> 0 1 2 3
 * node 1: 0: 22*1024, 2: 21*1024, 3: 21*1024 -> 2 (load[2]=1), 3, 0.
 * node 2: 0: 22*1024, 1: 22*1024+1, 3: 21*1024 -> 3 (load[3]=1); then
 *   0 (22*1024+0) before 1 (22*1024+1).                      -> 2 3 0 1
 * node 3: 0: 22*1024, 1: 22*1024+1, 2: 22*1024+1 -> 0 (load[0]=1), 1, 2.
 * Each node starts its remote list at the next node up: round robin.
 */
static void test_order_round_robin(void **state)
{
	static const int dist[] = {10, 20, 20, 20, 20, 10, 20, 20, 20, 20, 10, 20, 20, 20, 20, 10};
	static const char *const cpus[] = {"0", "1", "2", "3"};
	static const int want[] = {0, 1, 2, 3, 1, 2, 3, 0, 2, 3, 0, 1, 3, 0, 1, 2};
	struct topology *t = machine(4, dist, cpus, NULL);

	(void)state;
	check_orders(t, want);
	topo_free(t);
}

/*
 * Node 2 has no CPUs (memory only, like CXL); node 3 has CPUs but no
 * memory. All remote distances are 20.
 * node 0: 1: 21*1024, 2: 20*1024 (no CPU penalty) -> 2 (load[2]=1), 1.
 * node 1: 0: 22*1024, 2: 20*1024+1 -> 2 (load[2]=2), 0.
 * node 2: 0: 22*1024, 1: 22*1024 -> 0 (load[0]=1), 1.
 * node 3: its own node has no memory, so it is skipped (Linux v6.7+).
 *   0: 22*1024+1, 1: 22*1024+0, 2: 21*1024+2 -> 2; 20 != local 10, so
 *   load[2]=3. Then 1 (less loaded than 0), then 0.         -> 2 1 0
 * Node 3 appears in nobody's list.
 */
static void test_order_memoryless_cpuless(void **state)
{
	static const int dist[] = {10, 20, 20, 20, 20, 10, 20, 20, 20, 20, 10, 20, 20, 20, 20, 10};
	static const char *const cpus[] = {"0-1", "2-3", "", "4-5"};
	static const char *const mem[] = {"64MiB", "64MiB", "64MiB", "0"};
	static const int want[] = {0, 2, 1, -1, 1, 2, 0, -1, 2, 0, 1, -1, 2, 1, 0, -1};
	struct topology *t = machine(4, dist, cpus, mem);

	(void)state;
	check_orders(t, want);
	topo_free(t);
}

/*
 * EPYC NPS4 shape: two sockets of four nodes, 12 within a socket, 32
 * across. node 0 leaves load on 1 (first at 12) and 4 (first at 32), so
 * node 1 starts its groups at 2 and 5 and puts 4 last.
 */
static void test_order_epyc(void **state)
{
	int dist[64];
	static const char *const cpus[] = {"0", "1", "2", "3", "4", "5", "6", "7"};
	static const int want[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 0, 5, 6, 7, 4, 2, 3, 0, 1, 6, 7,
		4, 5, 3, 0, 1, 2, 7, 4, 5, 6, 4, 5, 6, 7, 0, 1, 2, 3, 5, 6, 7, 4,
		1, 2, 3, 0, 6, 7, 4, 5, 2, 3, 0, 1, 7, 4, 5, 6, 3, 0, 1, 2,
	};

	(void)state;
	for (int i = 0; i < 8; i++)
		for (int k = 0; k < 8; k++)
			dist[i * 8 + k] = i == k ? 10 : i / 4 == k / 4 ? 12 : 32;
	struct topology *t = machine(8, dist, cpus, NULL);
	check_orders(t, want);
	topo_free(t);
}

/* ---- numactl --hardware ---------------------------------------------------- */

static void test_print_hardware(void **state)
{
	static const char want[] = "available: 4 nodes (0-3)\n"
				   "node 0 cpus: 0 1\nnode 0 size: 256 MB\nnode 0 free: 256 MB\n"
				   "node 1 cpus: 2 3\nnode 1 size: 256 MB\nnode 1 free: 100 MB\n"
				   "node 2 cpus: 4 5\nnode 2 size: 256 MB\nnode 2 free: 0 MB\n"
				   "node 3 cpus: 6 7\nnode 3 size: 256 MB\nnode 3 free: 256 MB\n"
				   "node distances:\n"
				   "node   0   1   2   3 \n"
				   "  0:  10  18  18  31 \n"
				   "  1:  18  10  31  18 \n"
				   "  2:  18  31  10  18 \n"
				   "  3:  31  18  18  10 \n";
	const uint64_t free_bytes[] = {256 * MiB, 100 * MiB + 5, 0, 256 * MiB};
	struct topology *t = load_ok(ring4_text);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	topo_print_hardware(t, free_bytes, f);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
	topo_free(t);
}

static void test_print_cpuless(void **state)
{
	struct topology *t = load_ok("{\"name\": \"c\", \"nodes\": [{\"id\": 0, \"cpus\": \"0-1\", "
				     "\"memory\": \"1GiB\"},"
				     " {\"id\": 1, \"cpus\": \"\", \"memory\": \"2GiB\"}, {\"id\": "
				     "2, \"cpus\": \"2\", \"memory\": 0}],"
				     " \"distances\": [[10,24,21],[24,10,34],[21,34,10]]}");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	topo_print_hardware(t, NULL, f);
	fclose(f);
	assert_string_equal(buf, "available: 3 nodes (0-2)\n"
				 "node 0 cpus: 0 1\nnode 0 size: 1024 MB\nnode 0 free: 1024 MB\n"
				 "node 1 cpus:\nnode 1 size: 2048 MB\nnode 1 free: 2048 MB\n"
				 "node 2 cpus: 2\nnode 2 size: 0 MB\nnode 2 free: 0 MB\n"
				 "node distances:\n"
				 "node   0   1   2 \n"
				 "  0:  10  24  21 \n"
				 "  1:  24  10  34 \n"
				 "  2:  21  34  10 \n");
	free(buf);
	topo_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_ring4),
		cmocka_unit_test(test_defaults_and_forms),
		cmocka_unit_test(test_zones_links_pages),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_frees_everything),
		cmocka_unit_test(test_asymmetric_warns),
		cmocka_unit_test(test_load_file_and_resolve),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_order_ring4),
		cmocka_unit_test(test_order_2socket),
		cmocka_unit_test(test_order_round_robin),
		cmocka_unit_test(test_order_memoryless_cpuless),
		cmocka_unit_test(test_order_epyc),
		cmocka_unit_test(test_print_hardware),
		cmocka_unit_test(test_print_cpuless),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
