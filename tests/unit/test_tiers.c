/*
 * test_tiers.c - memory tiers, demotion targets, promotion arithmetic and
 * weighted interleave (mm/memory-tiers.c, kernel/sched/fair.c,
 * mm/mempolicy.c). Every expected value is worked by hand from the
 * kernel's algorithm in the comment above it; docs/model.md §11.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "mm/memory-tiers.h"
#include "mm/mempolicy.h"
#include "mm/page_alloc.h"
#include "mm/vmscan.h"
#include "sim_fixture.h"
#include "task/numa_balancing.h"

static struct topology *load(const char *text)
{
	struct topology *t;
	struct nerr err;

	if (topo_load_string(text, "t.json", &t, &err, NULL, NULL) != 0)
		fail_msg("%s", err.msg);
	return t;
}

static struct memory_tiers *tiers_of(const struct topology *t)
{
	struct memory_tiers *mt;

	assert_int_equal(memory_tiers_build(t, &mt), 0);
	return mt;
}

/* A node of 16 MiB with its CPUs, in the JSON of docs/topology-format.md;
 * NODE_AD gives it an abstract distance too. */
#define NODE(id, cpus) "{\"id\":" #id ",\"cpus\":\"" cpus "\",\"memory\":\"16MiB\"}"
#define NODE_AD(id, cpus, ad) \
	"{\"id\":" #id ",\"cpus\":\"" cpus "\",\"memory\":\"16MiB\",\"adistance\":" #ad "}"

/* The memory tiers of a machine given by its nodes (JSON objects, comma
 * separated) and its SLIT rows; *t receives the topology. */
static struct memory_tiers *tiers_load(const char *nodes, const char *distances,
				       struct topology **t)
{
	char text[2048];

	snprintf(text, sizeof(text), "{\"name\":\"t\",\"nodes\":[%s],\"distances\":%s}", nodes,
		 distances);
	*t = load(text);
	return tiers_of(*t);
}

static void tiers_done(struct memory_tiers *mt, struct topology *t)
{
	memory_tiers_free(mt);
	topo_free(t);
}

static void assert_mask(const nodemask_t *m, const char *want)
{
	char buf[64];

	assert_string_equal(bm_printlist(m->w, NODEMASK_BITS, buf, sizeof(buf)), want);
}

static void assert_targets(const struct memory_tiers *mt, int nid, const char *pref,
			   const char *fallback)
{
	nodemask_t fb;

	assert_mask(&mt->preferred[nid], pref);
	node_get_allowed_targets(mt, nid, &fb);
	assert_mask(&fb, fallback);
}

/*
 * Example 1 of mm/memory-tiers.c: nodes 0-1 CPU + DRAM, 2-3 PMEM
 * (adistance 2880, tier 2880 >> 7 = 22). Node 0: the skip list holds 0
 * and 1; find_next_best_node() scores node 2 at 30, node 3 at 40 (no CPU
 * penalty), picks 2, then 3 is farther: preferred {2}. Node 1 the same
 * way: {3}. The fallback of tier 4 is every lower-tier node, 2-3.
 */
static void test_kernel_example1(void **state)
{
	struct topology *t;
	struct memory_tiers *mt = tiers_load(
		NODE(0, "0") "," NODE(1, "1") "," NODE_AD(2, "", 2880) "," NODE_AD(3, "", 2880),
		"[[10,20,30,40],[20,10,40,30],[30,40,10,40],[40,30,40,10]]", &t);

	(void)state;
	assert_int_equal(mt->nr_tiers, 2);
	assert_int_equal(memory_tier_id(mt, 0), 4);
	assert_int_equal(memory_tier_id(mt, 2), 22);
	assert_targets(mt, 0, "2", "2-3");
	assert_targets(mt, 1, "3", "2-3");
	assert_targets(mt, 2, "", "");
	assert_targets(mt, 3, "", "");
	/* the lowest tier with CPUs is tier 4: top tier up to 4*128+127 */
	assert_int_equal(mt->top_tier_adistance, 639);
	assert_true(node_is_toptier(mt, 0));
	assert_false(node_is_toptier(mt, 2));
	tiers_done(mt, t);
}

/* Example 2: node 2 is memory-only DRAM (default adistance 576): one
 * tier, nobody demotes. */
static void test_kernel_example2(void **state)
{
	struct topology *t;
	struct memory_tiers *mt = tiers_load(NODE(0, "0") "," NODE(1, "1") "," NODE(2, ""),
					     "[[10,20,30],[20,10,30],[30,30,10]]", &t);

	(void)state;
	assert_int_equal(mt->nr_tiers, 1);
	assert_false(memory_tiers_multi(mt));
	for (int n = 0; n < 3; n++) {
		assert_targets(mt, n, "", "");
		assert_true(node_is_toptier(mt, n));
	}
	tiers_done(mt, t);
}

/* Example 3: node 1 HBM (adistance 300, tier 2), node 0 DRAM (tier 4),
 * node 2 PMEM (tier 22). Tiers in order 2, 4, 22: 1 demotes to 0, 0 to 2;
 * node 1's fallback is every node below tier 2: 0 and 2. Tier 4 has the
 * CPUs, so tiers 2 and 4 are top tiers (adistance <= 639). */
static void test_kernel_example3(void **state)
{
	struct topology *t;
	struct memory_tiers *mt =
		tiers_load(NODE(0, "0") "," NODE_AD(1, "", 300) "," NODE_AD(2, "", 2880),
			   "[[10,20,30],[20,10,40],[30,40,10]]", &t);

	(void)state;
	assert_int_equal(mt->nr_tiers, 3);
	assert_int_equal(memory_tier_id(mt, 1), 2);
	assert_targets(mt, 1, "0", "0,2");
	assert_targets(mt, 0, "2", "2");
	assert_targets(mt, 2, "", "");
	assert_true(node_is_toptier(mt, 1));
	assert_true(node_is_toptier(mt, 0));
	assert_false(node_is_toptier(mt, 2));
	tiers_done(mt, t);
}

/*
 * find_next_best_node()'s penalties decide, not the SLIT alone. Tier 22
 * holds node 0 (with a CPU) and node 3 (without). From node 1: node 0
 * scores 20 + 1 (below node 1) + 1 (has CPUs) = 22, node 3 scores 21, so
 * node 3 comes first at distance 21 and node 0 (distance 20) is not
 * added: preferred {3} although node 0 is nearer. From node 2: node 0
 * scores 30 + 1 + 1 = 32, node 3 scores 20: {3}. Node 0 has CPUs, so tier
 * 22 is the lowest tier with CPUs and every tier is a top tier: nothing
 * would ever be promoted.
 */
static void test_penalties_pick_farther(void **state)
{
	struct topology *t;
	struct memory_tiers *mt = tiers_load(
		NODE_AD(0, "0", 2880) "," NODE(1, "1") "," NODE(2, "2") "," NODE_AD(3, "", 2880),
		"[[10,20,30,30],[20,10,20,21],[30,20,10,20],[30,21,20,10]]", &t);

	(void)state;
	assert_targets(mt, 1, "3", "0,3");
	assert_targets(mt, 2, "3", "0,3");
	assert_int_equal(mt->top_tier_adistance, 2816 + 127);
	assert_true(node_is_toptier(mt, 3));
	tiers_done(mt, t);
}

/*
 * Equal distances share the preferred set; only the next lower tier is
 * searched. Node 0 (tier 4) sees node 1 (adistance 1300, tier 10) at 40
 * and nodes 2, 3 (tier 22) at 20: it demotes to 1, whose fallback is 2-3
 * and whose own targets are 2 and 3, both at 30.
 */
static void test_next_tier_and_ties(void **state)
{
	struct topology *t;
	struct memory_tiers *mt =
		tiers_load(NODE(0, "0") "," NODE_AD(1, "", 1300) "," NODE_AD(
				   2, "", 2880) "," NODE_AD(3, "", 2900),
			   "[[10,40,20,20],[40,10,30,30],[20,30,10,20],[20,30,20,10]]", &t);

	(void)state;
	assert_int_equal(mt->nr_tiers, 3); /* 2880 >> 7 = 2900 >> 7 = 22 */
	assert_targets(mt, 0, "1", "1-3");
	assert_targets(mt, 1, "2-3", "2-3");
	tiers_done(mt, t);
}

/* Nodes without memory have no tier and are nobody's target. */
static void test_memoryless_node(void **state)
{
	struct topology *t;
	struct memory_tiers *mt = tiers_load(
		NODE(0,
		     "0") ","
			  "{\"id\":1,\"cpus\":\"1\",\"memory\":\"0\",\"adistance\":2880}," NODE_AD(
				  2, "", 2880),
		"[[10,20,30],[20,10,15],[30,15,10]]", &t);

	(void)state;
	assert_int_equal(memory_tier_id(mt, 1), -1);
	assert_true(node_is_toptier(mt, 1));
	assert_targets(mt, 0, "2", "2");
	/* node 1 has CPUs but no memory: tier 22 has no CPU node, tier 4 is top */
	assert_int_equal(mt->top_tier_adistance, 639);
	tiers_done(mt, t);
}

/*
 * The shipped machines. cxl: node 0 and node 1 both have only node 2 in
 * tier 22. 2socket-cxl: from node 0, node 2 scores 24 and node 3 34, so
 * {2}; from node 1, node 2 scores 34 and node 3 24, so {3}; both fall
 * back to 2-3.
 */
static void test_shipped(void **state)
{
	char path[4096];
	struct topology *t;
	struct nerr err;
	struct memory_tiers *mt;

	(void)state;
	assert_int_equal(topo_resolve("cxl", path, sizeof(path), &err), 0);
	assert_int_equal(topo_load(path, &t, &err, NULL, NULL), 0);
	mt = tiers_of(t);
	assert_targets(mt, 0, "2", "2");
	assert_targets(mt, 1, "2", "2");
	assert_targets(mt, 2, "", "");
	tiers_done(mt, t);
	assert_int_equal(topo_resolve("2socket-cxl", path, sizeof(path), &err), 0);
	assert_int_equal(topo_load(path, &t, &err, NULL, NULL), 0);
	mt = tiers_of(t);
	assert_targets(mt, 0, "2", "2-3");
	assert_targets(mt, 1, "3", "2-3");
	tiers_done(mt, t);
}

static void assert_load_error(const char *text, const char *want)
{
	struct topology *t;
	struct nerr err;

	assert_int_equal(topo_load_string(text, "t.json", &t, &err, NULL, NULL), -1);
	assert_string_equal(err.msg, want);
}

static void test_adistance_errors(void **state)
{
	(void)state;
	assert_load_error(
		"{\"name\":\"t\",\"nodes\":[{\"id\":0,\"cpus\":\"0\",\"memory\":\"16MiB\","
		"\"adistance\":-5}],"
		"\"distances\":[[10]]}",
		"t.json: nodes[0].adistance: abstract distance must be 0..2147483647, got -5");
	assert_load_error("{\"name\":\"t\",\"nodes\":[{\"id\":0,\"cpus\":\"0\",\"memory\":"
			  "\"16MiB\",\"adistance\":2147483648}],"
			  "\"distances\":[[10]]}",
			  "t.json: nodes[0].adistance: abstract distance must be 0..2147483647, "
			  "got 2147483648");
	assert_load_error(
		"{\"name\":\"t\",\"nodes\":[{\"id\":0,\"cpus\":\"0\",\"memory\":\"16MiB\","
		"\"adistance\":5.5}],"
		"\"distances\":[[10]]}",
		"t.json: nodes[0].adistance: expected an integer abstract distance (DRAM is 576), "
		"got a non-integer");
}

/* ---- demotion and reclaim (mm/vmscan.c) ------------------------------------------- */

/*
 * can_reclaim_anon_pages() is "swap left or can_demote()", and
 * get_scan_count() scans anon only then. Node 3 of the ring4 fixture gets
 * adistance 2880 (tier 22), so nodes 0-2 can demote. 1000 anonymous pages
 * on node 0, no swap: at priority 0 (SCAN_EQUAL, every page of every
 * list) demotion off gives SCAN_FILE, no anon; on gives all 1000, and
 * zone_reclaimable_pages() goes from 0 to 1000 with it.
 */
static void test_scan_count_with_demotion(void **state)
{
	static const int ring4[16] = {10, 18, 18, 31, 18, 10, 31, 18,
				      18, 31, 10, 18, 31, 18, 18, 10};
	uint64_t mem[4] = {64 << 20, 64 << 20, 64 << 20, 64 << 20};
	uint64_t nr[NR_LRU_LISTS];
	struct tunables tun;
	struct nerr err;
	struct topology *tp = fixture_topo(4, mem, NULL, ring4, 2);
	struct sim *s;
	struct task *t;

	(void)state;
	tp->nodes[3].adistance = 2880;
	tunables_init(&tun);
	s = sim_create(tp, &tun, &err);
	assert_non_null(s);
	t = fx_task(s, 1, 0, 0);
	fx_touch(s, t, 0x10000000, 1000);
	get_scan_count_node(s, 0, 0, true, nr);
	assert_int_equal(nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON], 0);
	assert_int_equal(zone_reclaimable_pages(s, &s->mem.nodes[0].zones[ZONE_NORMAL]), 0);
	s->tun.v[TUN_NUMA_DEMOTION_ENABLED] = 1;
	get_scan_count_node(s, 0, 0, true, nr);
	assert_int_equal(nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON], 1000);
	/* zone_reclaimable_pages() counts the anon pages too */
	assert_int_equal(zone_reclaimable_pages(s, &s->mem.nodes[0].zones[ZONE_NORMAL]), 1000);
	fx_check(s);
	fx_destroy(s, tp);
}

/* ---- promotion arithmetic (kernel/sched/fair.c) ------------------------------ */

static void set_ms(struct sim *s, uint64_t ms)
{
	s->eng.now = ms * 1000000ULL;
}

/*
 * numa_promotion_rate_limit() with a limit of 3 pages: at 2000 ms more
 * than a second has passed since the window start (0), so a window
 * starts with the first candidate (difference 0): candidates 1-3 pass
 * (differences 0, 1, 2), the 4th has difference 3 >= 3 and is refused,
 * so is one at 3000 ms (3000 - 2000 is not more than 1000); at 3001 ms a
 * new window starts and the candidate passes. All six are counted.
 */
static void test_rate_limit_window(void **state)
{
	struct topology *tp;
	struct sim *s = fx_sim(&tp);

	(void)state;
	set_ms(s, 2000);
	assert_false(numa_promotion_rate_limit(s, 0, 3, 1));
	assert_false(numa_promotion_rate_limit(s, 0, 3, 1));
	assert_false(numa_promotion_rate_limit(s, 0, 3, 1));
	assert_true(numa_promotion_rate_limit(s, 0, 3, 1));
	set_ms(s, 3000);
	assert_true(numa_promotion_rate_limit(s, 0, 3, 1));
	set_ms(s, 3001);
	assert_false(numa_promotion_rate_limit(s, 0, 3, 1));
	assert_int_equal(s->mem.events[PGPROMOTE_CANDIDATE], 6);
	assert_int_equal(s->mem.nodes[0].tier_stat[TIER_STAT(PGPROMOTE_CANDIDATE)], 6);
	fx_check(s);
	fx_destroy(s, tp);
}

/*
 * numa_promotion_adjust_threshold() with ref_th 1000 ms, a limit of 256
 * pages/s and scan_period_max 60000 ms: ref_cand = 256 * 60000 / 1000 =
 * 15360, the step is 2 * 1000 / 16 = 125 ms. Nothing happens until more
 * than 60000 ms have passed. No candidates (fewer than 90 % of 15360 =
 * 13824): 1000 + 125 = 1125. Then 20000 candidates (more than 110 % =
 * 16896): 1125 - 125 = 1000. 15000 (between): unchanged. Idle periods
 * raise it to at most 2 * 1000; busy ones lower it to at least 125.
 */
static void test_threshold_adjust(void **state)
{
	struct topology *tp;
	struct sim *s = fx_sim(&tp);
	struct pglist_data *pg = &s->mem.nodes[0];
	uint64_t t = 0;

	(void)state;
	set_ms(s, 60000);
	numa_promotion_adjust_threshold(s, 0, 256, 1000);
	assert_int_equal(pg->nbp_threshold_ms, 0);
	set_ms(s, t = 60001);
	numa_promotion_adjust_threshold(s, 0, 256, 1000);
	assert_int_equal(pg->nbp_threshold_ms, 1125);
	tiering_count(s, 0, PGPROMOTE_CANDIDATE, 20000);
	set_ms(s, t += 60001);
	numa_promotion_adjust_threshold(s, 0, 256, 1000);
	assert_int_equal(pg->nbp_threshold_ms, 1000);
	tiering_count(s, 0, PGPROMOTE_CANDIDATE, 15000);
	set_ms(s, t += 60001);
	numa_promotion_adjust_threshold(s, 0, 256, 1000);
	assert_int_equal(pg->nbp_threshold_ms, 1000);
	for (int i = 0; i < 10; i++) {
		set_ms(s, t += 60001);
		numa_promotion_adjust_threshold(s, 0, 256, 1000);
	}
	assert_int_equal(pg->nbp_threshold_ms, 2000); /* 1000 + 8 steps, capped */
	for (int i = 0; i < 20; i++) {
		tiering_count(s, 0, PGPROMOTE_CANDIDATE, 20000);
		set_ms(s, t += 60001);
		numa_promotion_adjust_threshold(s, 0, 256, 1000);
	}
	assert_int_equal(pg->nbp_threshold_ms, 125);
	fx_destroy(s, tp);
}

/* ---- weighted interleave (mm/mempolicy.c) ---------------------------------------- */

static struct sim *wi_sim(struct topology **tp, const int *weights)
{
	struct sim *s = fx_sim(tp);

	for (int n = 0; n < 4; n++)
		s->tun.v[TUN_WI_WEIGHT(n)] = weights[n];
	return s;
}

static int alloc_node(struct sim *s, struct task *t, bool has_ilx, uint64_t ilx)
{
	uint64_t stall = 0;
	pfn_t pfn =
		alloc_pages_mpol(s, t, t->mempolicy, has_ilx, ilx, GFP_HIGHUSER_MOVABLE, 0, &stall);

	assert_true(pfn != NOPFN);
	return pfn_to_nid(&s->mem, pfn);
}

/*
 * weighted_interleave_nodes(), the task's rotor: weights 3, 1, -, 2 on
 * nodes 0, 1, 3. il_prev starts at MAX_NUMNODES - 1, so the first node is
 * first_node = 0, taken 3 times, then 1 once, 3 twice, and round again.
 */
static void test_wi_task_rotor(void **state)
{
	const int w[4] = {3, 1, 1, 2};
	struct topology *tp;
	struct sim *s = wi_sim(&tp, w);
	struct task *t = fx_task(s, 1, 0, 0);
	nodemask_t m = {{0}};
	const int want[12] = {0, 0, 0, 1, 3, 3, 0, 0, 0, 1, 3, 3};

	(void)state;
	node_set(&m, 0);
	node_set(&m, 1);
	node_set(&m, 3);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_WEIGHTED_INTERLEAVE, 0, &m), 0);
	for (int i = 0; i < 12; i++)
		assert_int_equal(alloc_node(s, t, false, 0), want[i]);
	fx_destroy(s, tp);
}

/*
 * The countdown keeps the weight read when the node was chosen: after
 * one page of node 0 (weight 3, two left), node 0's weight becomes 1; the
 * next two pages still go to node 0, then node 1 (weight 1), then node 0
 * once with its new weight.
 */
static void test_wi_weight_change(void **state)
{
	const int w[4] = {3, 1, 1, 1};
	struct topology *tp;
	struct sim *s = wi_sim(&tp, w);
	struct task *t = fx_task(s, 1, 0, 0);
	nodemask_t m = {{0}};
	const int want[5] = {0, 0, 1, 0, 1};

	(void)state;
	node_set(&m, 0);
	node_set(&m, 1);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_WEIGHTED_INTERLEAVE, 0, &m), 0);
	assert_int_equal(alloc_node(s, t, false, 0), 0);
	s->tun.v[TUN_WI_WEIGHT(0)] = 1;
	for (int i = 0; i < 5; i++)
		assert_int_equal(alloc_node(s, t, false, 0), want[i]);
	fx_destroy(s, tp);
}

/*
 * weighted_interleave_nid(), by index: weights 1, 2, -, 3 on nodes 0, 1,
 * 3 total 6; index mod 6 = 0 -> node 0, 1-2 -> node 1, 3-5 -> node 3.
 * Indexes 0..13 give 0 1 1 3 3 3 0 1 1 3 3 3 0 1, and index 2^40 + 4
 * (2^40 mod 6 = 4, so 8 mod 6 = 2) gives node 1.
 */
static void test_wi_index(void **state)
{
	const int w[4] = {1, 2, 7, 3};
	struct topology *tp;
	struct sim *s = wi_sim(&tp, w);
	struct task *t = fx_task(s, 1, 0, 0);
	nodemask_t m = {{0}};
	const int want[14] = {0, 1, 1, 3, 3, 3, 0, 1, 1, 3, 3, 3, 0, 1};

	(void)state;
	node_set(&m, 0);
	node_set(&m, 1);
	node_set(&m, 3);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_WEIGHTED_INTERLEAVE, 0, &m), 0);
	for (uint64_t i = 0; i < 14; i++)
		assert_int_equal(alloc_node(s, t, true, i), want[i]);
	assert_int_equal(alloc_node(s, t, true, (1ULL << 40) + 4), 1);
	fx_destroy(s, tp);
}

/* Plain interleave ignores the weights: index mod 3 over nodes 0, 1, 3. */
static void test_interleave_ignores_weights(void **state)
{
	const int w[4] = {5, 2, 1, 3};
	struct topology *tp;
	struct sim *s = wi_sim(&tp, w);
	struct task *t = fx_task(s, 1, 0, 0);
	nodemask_t m = {{0}};
	const int want[6] = {0, 1, 3, 0, 1, 3};

	(void)state;
	node_set(&m, 0);
	node_set(&m, 1);
	node_set(&m, 3);
	assert_int_equal(do_set_mempolicy(s, t, MPOL_INTERLEAVE, 0, &m), 0);
	for (uint64_t i = 0; i < 6; i++)
		assert_int_equal(alloc_node(s, t, true, i), want[i]);
	fx_destroy(s, tp);
}

/* The weight tunables by name: node<N> in decimal without leading zeros. */
static void test_wi_tunable_names(void **state)
{
	struct tunables tun;
	struct nerr err;
	char buf[96];

	(void)state;
	tunables_init(&tun);
	assert_int_equal(tunable_find("mm.mempolicy.weighted_interleave.node0"), TUN_WI_WEIGHT(0));
	assert_int_equal(tunable_find("mm.mempolicy.weighted_interleave.node1023"),
			 TUN_WI_WEIGHT(1023));
	assert_int_equal(tunable_find("mm.mempolicy.weighted_interleave.node1024"), -1);
	assert_int_equal(tunable_find("mm.mempolicy.weighted_interleave.node07"), -1);
	assert_int_equal(tunable_find("mm.mempolicy.weighted_interleave.node"), -1);
	assert_int_equal(tunable_find("mm.mempolicy.weighted_interleave.node3x"), -1);
	assert_int_equal(tun.v[TUN_WI_WEIGHT(5)], 1);
	assert_int_equal(tunable_set_kv(&tun, "mm.mempolicy.weighted_interleave.node5=255", &err),
			 0);
	assert_int_equal(tun.v[TUN_WI_WEIGHT(5)], 255);
	assert_int_equal(tunable_set_kv(&tun, "mm.mempolicy.weighted_interleave.node5=0", &err),
			 -1);
	assert_string_equal(err.msg,
			    "mm.mempolicy.weighted_interleave.node5: 0 is out of range 1..255");
	assert_string_equal(tunable_name(TUN_WI_WEIGHT(12), buf, sizeof(buf)),
			    "mm.mempolicy.weighted_interleave.node12");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_example1),
		cmocka_unit_test(test_kernel_example2),
		cmocka_unit_test(test_kernel_example3),
		cmocka_unit_test(test_penalties_pick_farther),
		cmocka_unit_test(test_next_tier_and_ties),
		cmocka_unit_test(test_memoryless_node),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_adistance_errors),
		cmocka_unit_test(test_scan_count_with_demotion),
		cmocka_unit_test(test_rate_limit_window),
		cmocka_unit_test(test_threshold_adjust),
		cmocka_unit_test(test_wi_task_rotor),
		cmocka_unit_test(test_wi_weight_change),
		cmocka_unit_test(test_wi_index),
		cmocka_unit_test(test_interleave_ignores_weights),
		cmocka_unit_test(test_wi_tunable_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
