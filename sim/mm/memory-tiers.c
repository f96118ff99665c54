/*
 * memory-tiers.c - memory tiers from abstract distances, and the
 * demotion targets between them (mm/memory-tiers.c). See memory-tiers.h
 * and docs/model.md §11.
 */
#include "mm/memory-tiers.h"

#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "topo/topo.h"

static bool has_memory(const struct topology *t, int n)
{
	return t->nodes[n].memory_bytes > 0;
}

void memory_tiers_free(struct memory_tiers *mt)
{
	if (!mt)
		return;
	free(mt->tier);
	free(mt->node_tier);
	free(mt->preferred);
	free(mt);
}

/* Models find_create_memory_tier(): the tier of adistance_start `start`,
 * inserted in order when it does not exist yet; returns its index. */
static int find_create_memory_tier(struct memory_tiers *mt, int start)
{
	int i = 0;

	while (i < mt->nr_tiers && mt->tier[i].adistance_start < start)
		i++;
	if (i < mt->nr_tiers && mt->tier[i].adistance_start == start)
		return i;
	memmove(&mt->tier[i + 1], &mt->tier[i], sizeof(*mt->tier) * (size_t)(mt->nr_tiers - i));
	memset(&mt->tier[i], 0, sizeof(*mt->tier));
	mt->tier[i].adistance_start = start;
	mt->nr_tiers++;
	return i;
}

/* Models set_node_memory_tier() for every node with memory. */
static void set_node_memory_tiers(const struct topology *t, struct memory_tiers *mt)
{
	for (int n = 0; n < t->nr_nodes; n++) {
		if (!has_memory(t, n))
			continue;
		int start = t->nodes[n].adistance & ~(MEMTIER_CHUNK_SIZE - 1); /* round_down() */

		node_set(&mt->tier[find_create_memory_tier(mt, start)].nodes, n);
	}
	for (int n = 0; n < t->nr_nodes; n++)
		mt->node_tier[n] = -1;
	for (int i = 0; i < mt->nr_tiers; i++)
		for (int n = 0; n < t->nr_nodes; n++)
			if (node_isset(&mt->tier[i].nodes, n))
				mt->node_tier[n] = i;
}

/* The preferred targets of one node: the nodes of the next lower tier at
 * the distance of the first one find_next_best_node() picks. */
static void preferred_targets(const struct topology *t, struct memory_tiers *mt, int node,
			      const int *node_load, bool *used)
{
	const struct memory_tier *lower = &mt->tier[mt->node_tier[node] + 1];
	int best_distance = -1, target;

	/* every memory node outside the lower tier is in the skip list */
	for (int n = 0; n < t->nr_nodes; n++)
		used[n] = has_memory(t, n) && !node_isset(&lower->nodes, n);
	while ((target = topo_find_next_best_node(t, node, used, node_load)) >= 0) {
		int distance = topo_distance(t, node, target);

		if (best_distance != -1 && distance != best_distance)
			break;
		best_distance = distance;
		node_set(&mt->preferred[node], target);
	}
}

/* Models establish_demotion_targets(). */
static int establish_demotion_targets(const struct topology *t, struct memory_tiers *mt)
{
	int *node_load = calloc((size_t)t->nr_nodes, sizeof(int));
	bool *used = calloc((size_t)t->nr_nodes, sizeof(bool));
	nodemask_t lower_tier = {{0}};

	if (!node_load || !used || topo_zonelist_node_load(t, node_load)) {
		free(node_load);
		free(used);
		return -1;
	}
	for (int n = 0; n < t->nr_nodes; n++)
		if (mt->node_tier[n] >= 0 && mt->node_tier[n] < mt->nr_tiers - 1)
			preferred_targets(t, mt, n, node_load, used);
	/* Promotion comes only from tiers below the lowest one with CPUs. */
	mt->top_tier_adistance = 0;
	for (int i = mt->nr_tiers - 1; i >= 0; i--) {
		bool cpus = false;

		for (int n = 0; n < t->nr_nodes; n++)
			cpus |= node_isset(&mt->tier[i].nodes, n) && t->nodes[n].nr_cpus > 0;
		if (cpus) {
			mt->top_tier_adistance =
				mt->tier[i].adistance_start + MEMTIER_CHUNK_SIZE - 1;
			break;
		}
	}
	for (int n = 0; n < t->nr_nodes; n++)
		if (has_memory(t, n))
			node_set(&lower_tier, n);
	for (int i = 0; i < mt->nr_tiers; i++) {
		nodes_andnot(&lower_tier, &lower_tier, &mt->tier[i].nodes);
		mt->tier[i].lower_tier_mask = lower_tier;
	}
	free(node_load);
	free(used);
	return 0;
}

int memory_tiers_build(const struct topology *t, struct memory_tiers **out)
{
	struct memory_tiers *mt = calloc(1, sizeof(*mt));
	size_t n = (size_t)(t->nr_nodes ? t->nr_nodes : 1);

	*out = NULL;
	if (!mt)
		return -1;
	mt->nr_nodes = t->nr_nodes;
	mt->tier = calloc(n, sizeof(*mt->tier));
	mt->node_tier = calloc(n, sizeof(*mt->node_tier));
	mt->preferred = calloc(n, sizeof(*mt->preferred));
	if (!mt->tier || !mt->node_tier || !mt->preferred) {
		memory_tiers_free(mt);
		return -1;
	}
	set_node_memory_tiers(t, mt);
	if (establish_demotion_targets(t, mt)) {
		memory_tiers_free(mt);
		return -1;
	}
	*out = mt;
	return 0;
}

int memory_tier_id(const struct memory_tiers *mt, int nid)
{
	int i = mt->node_tier[nid];

	return i < 0 ? -1 : mt->tier[i].adistance_start >> MEMTIER_CHUNK_BITS;
}

bool node_is_toptier(const struct memory_tiers *mt, int nid)
{
	int i = mt->node_tier[nid];

	return i < 0 || mt->tier[i].adistance_start <= mt->top_tier_adistance;
}

bool memory_tiers_multi(const struct memory_tiers *mt)
{
	return mt->nr_tiers > 1;
}

void node_get_allowed_targets(const struct memory_tiers *mt, int nid, nodemask_t *targets)
{
	int i = mt->node_tier[nid];

	memset(targets, 0, sizeof(*targets));
	if (i >= 0)
		*targets = mt->tier[i].lower_tier_mask;
}

int next_demotion_node(struct sim *s, int nid)
{
	const nodemask_t *p = &s->tiers->preferred[nid];
	unsigned w = nodes_weight(p);

	if (!w)
		return -1;
	if (w == 1)
		return first_node(p);
	return (int)bm_nth(p->w, NODEMASK_BITS, (unsigned)rng_below(&s->rng[RNG_RECLAIM], w));
}

static const char *nodelist(const nodemask_t *m, char *buf, size_t len)
{
	return bm_printlist(m->w, NODEMASK_BITS, buf, len);
}

/* The boot log of dump_demotion_targets() after the sysfs tier lists. */
void memory_tiers_print(const struct memory_tiers *mt, FILE *out)
{
	char a[256], b[256];

	fprintf(out, "memory tiers (abstract distance >> %d):\n", MEMTIER_CHUNK_BITS);
	for (int i = 0; i < mt->nr_tiers; i++)
		fprintf(out, "memory_tier%d nodelist: %s (adistance %d-%d)%s\n",
			mt->tier[i].adistance_start >> MEMTIER_CHUNK_BITS,
			nodelist(&mt->tier[i].nodes, a, sizeof(a)), mt->tier[i].adistance_start,
			mt->tier[i].adistance_start + MEMTIER_CHUNK_SIZE - 1,
			mt->tier[i].adistance_start <= mt->top_tier_adistance ? " top tier" : "");
	for (int n = 0; n < mt->nr_nodes; n++) {
		int i = mt->node_tier[n];

		if (i < 0)
			continue;
		if (nodes_empty(&mt->preferred[n]))
			fprintf(out, "Demotion targets for Node %d: null\n", n);
		else
			fprintf(out, "Demotion targets for Node %d: preferred: %s, fallback: %s\n",
				n, nodelist(&mt->preferred[n], a, sizeof(a)),
				nodelist(&mt->tier[i].lower_tier_mask, b, sizeof(b)));
	}
}

int memory_tiers_check(const struct memory_tiers *mt, const struct topology *t, char *why,
		       size_t len)
{
	for (int n = 0; n < t->nr_nodes; n++) {
		int i = mt->node_tier[n], in = 0;

		for (int k = 0; k < mt->nr_tiers; k++)
			in += node_isset(&mt->tier[k].nodes, n);
		if (in != has_memory(t, n) || (i < 0) != !has_memory(t, n)) {
			snprintf(why, len, "node %d is in %d memory tiers", n, in);
			return -1;
		}
		if (i < 0)
			continue;
		if (t->nodes[n].adistance < mt->tier[i].adistance_start ||
		    t->nodes[n].adistance >= mt->tier[i].adistance_start + MEMTIER_CHUNK_SIZE) {
			snprintf(why, len, "node %d (adistance %d) is in memory_tier%d", n,
				 t->nodes[n].adistance,
				 mt->tier[i].adistance_start >> MEMTIER_CHUNK_BITS);
			return -1;
		}
		for (int d = 0; d < t->nr_nodes; d++)
			if (node_isset(&mt->preferred[n], d) &&
			    (mt->node_tier[d] <= i ||
			     !node_isset(&mt->tier[i].lower_tier_mask, d))) {
				snprintf(why, len,
					 "node %d demotes to node %d, not in a lower tier", n, d);
				return -1;
			}
	}
	return 0;
}

int tiering_check(struct sim *s, char *why, size_t len)
{
	uint64_t sum[NR_TIER_STAT] = {0};
	const struct memory_tiers *mt = s->tiers;

	for (int n = 0; n < s->mem.nr_nodes; n++) {
		const struct pglist_data *pg = &s->mem.nodes[n];
		nodemask_t targets;

		for (int i = 0; i < NR_TIER_STAT; i++)
			sum[i] += pg->tier_stat[i];
		node_get_allowed_targets(mt, n, &targets);
		if ((pg->tier_stat[TIER_STAT(PGDEMOTE_KSWAPD)] ||
		     pg->tier_stat[TIER_STAT(PGDEMOTE_DIRECT)]) &&
		    nodes_empty(&targets)) {
			snprintf(why, len, "node %d demoted pages but has no lower tier", n);
			return -1;
		}
		if (pg->tier_stat[TIER_STAT(PGPROMOTE_SUCCESS)] && !node_is_toptier(mt, n)) {
			snprintf(why, len, "pages were promoted to node %d, not a top-tier node",
				 n);
			return -1;
		}
		if (pg->tier_stat[TIER_STAT(PGPROMOTE_SUCCESS)] >
		    pg->tier_stat[TIER_STAT(PGPROMOTE_CANDIDATE)] +
			    pg->tier_stat[TIER_STAT(PGPROMOTE_CANDIDATE_NRL)]) {
			snprintf(why, len,
				 "node %d: pgpromote_success %llu > the candidates %llu + %llu", n,
				 (unsigned long long)pg->tier_stat[TIER_STAT(PGPROMOTE_SUCCESS)],
				 (unsigned long long)pg->tier_stat[TIER_STAT(PGPROMOTE_CANDIDATE)],
				 (unsigned long long)
					 pg->tier_stat[TIER_STAT(PGPROMOTE_CANDIDATE_NRL)]);
			return -1;
		}
	}
	for (int i = 0; i < NR_TIER_STAT; i++)
		if (sum[i] != s->mem.events[PGDEMOTE_KSWAPD + i]) {
			snprintf(why, len, "%s is %llu but the nodes' counts add up to %llu",
				 vm_event_names[PGDEMOTE_KSWAPD + i],
				 (unsigned long long)s->mem.events[PGDEMOTE_KSWAPD + i],
				 (unsigned long long)sum[i]);
			return -1;
		}
	return 0;
}

void tiering_count(struct sim *s, int nid, int item, uint64_t nr)
{
	s->mem.events[item] += nr;
	s->mem.nodes[nid].tier_stat[TIER_STAT(item)] += nr;
}
