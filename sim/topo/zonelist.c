/*
 * zonelist.c - the node fallback order of each node, as Linux builds it.
 *
 * When the local node cannot satisfy an allocation, the page allocator
 * walks the node's zonelist: nodes in the order computed here, each
 * contributing its populated zones, highest zone first. This file computes
 * only the node order; sim/mm/ turns it into zones.
 *
 * Modelled on mm/page_alloc.c of a current kernel (v6.7 and later; the
 * functions have been stable in this shape since v5.16 apart from the
 * memoryless-node change of v6.7):
 *
 *  - __build_all_zonelists() clears node_load[] once, then calls
 *    build_zonelists() for every node in id order, so the load left behind
 *    by node 0's list influences node 1's, and so on.
 *  - build_zonelists() calls find_next_best_node() until it returns
 *    NUMA_NO_NODE; whenever the chosen node's distance differs from the
 *    previously chosen one's (the first comparison is with the local node),
 *    it adds 1 to node_load[chosen]. That spreads the first node of each
 *    distance group round-robin over the nodes being built.
 *  - find_next_best_node() returns the local node first if it has memory
 *    (since v6.7 a memoryless local node is skipped; earlier kernels put it
 *    first anyway, contributing no zones). Otherwise it scores every node
 *    in N_MEMORY not yet used:
 *        val = distance(node, n) + (n < node) + (n has CPUs ? 1 : 0);
 *        val = val * MAX_NUMNODES + node_load[n];
 *    and takes the smallest, the lowest id winning exact ties. The "n <
 *    node" term prefers the next node up; the CPU term
 *    (PENALTY_FOR_NODE_WITH_CPUS, 1 on every current architecture) prefers
 *    memory-only nodes, which see less allocation pressure.
 *
 * So the order arrays list only nodes with memory: a memory-less node
 * (memory 0) appears in nobody's list, its own included, exactly as its
 * zonelist in the kernel holds no zone of its own.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

/* MAX_NUMNODES of a distribution kernel (CONFIG_NODES_SHIFT=10). */
#define ZL_MAX_NUMNODES 1024L
#define PENALTY_FOR_NODE_WITH_CPUS 1

static bool has_memory(const struct topology *t, int n)
{
	return t->nodes[n].memory_bytes > 0;
}

/* Models find_next_best_node(): the next node for `node`'s fallback list. */
static int find_next_best_node(const struct topology *t, int node, bool *used, const int *node_load)
{
	long min_val = LONG_MAX;
	int best = -1;

	if (!used[node] && has_memory(t, node)) {
		used[node] = true;
		return node;
	}
	for (int n = 0; n < t->nr_nodes; n++) {
		long val;

		if (used[n] || !has_memory(t, n))
			continue;
		val = topo_distance(t, node, n);
		val += (n < node);
		if (t->nodes[n].nr_cpus)
			val += PENALTY_FOR_NODE_WITH_CPUS;
		val = val * ZL_MAX_NUMNODES + node_load[n];
		if (val < min_val) {
			min_val = val;
			best = n;
		}
	}
	if (best >= 0)
		used[best] = true;
	return best;
}

/* Models the node-order loop of build_zonelists(); returns the length. */
static int build_node_order(const struct topology *t, int local, int *node_load, bool *used,
			    int *order)
{
	int prev = local, nr = 0, n;

	memset(used, 0, sizeof(bool) * (size_t)t->nr_nodes);
	while ((n = find_next_best_node(t, local, used, node_load)) >= 0) {
		if (topo_distance(t, local, n) != topo_distance(t, local, prev))
			node_load[n] += 1;
		order[nr++] = n;
		prev = n;
	}
	return nr;
}

/*
 * Models __build_all_zonelists() for nodes 0..last: one node_load[] for
 * the whole rebuild. Rows of orders[] beyond `last` are left untouched.
 */
static int build_orders_upto(const struct topology *t, int last, int *orders, int *counts)
{
	int *node_load = calloc((size_t)t->nr_nodes, sizeof(int));
	bool *used = calloc((size_t)t->nr_nodes, sizeof(bool));

	if (!node_load || !used) {
		free(node_load);
		free(used);
		return -1;
	}
	for (int node = 0; node <= last; node++)
		counts[node] = build_node_order(t, node, node_load, used,
						orders + (size_t)node * (size_t)t->nr_nodes);
	free(node_load);
	free(used);
	return 0;
}

int topo_zonelist_node_load(const struct topology *t, int *node_load)
{
	size_t n = (size_t)t->nr_nodes;
	int *orders = malloc(sizeof(int) * n * n), *counts = malloc(sizeof(int) * n);
	bool *used = calloc(n, sizeof(bool));
	int rc = -1;

	if (orders && counts && used) {
		memset(node_load, 0, sizeof(int) * n);
		for (int node = 0; node < t->nr_nodes; node++)
			counts[node] = build_node_order(t, node, node_load, used,
							orders + (size_t)node * n);
		rc = 0;
	}
	free(orders);
	free(counts);
	free(used);
	return rc;
}

int topo_find_next_best_node(const struct topology *t, int node, bool *used, const int *node_load)
{
	return find_next_best_node(t, node, used, node_load);
}

void topo_all_node_orders(const struct topology *t, int *orders, int *counts)
{
	if (build_orders_upto(t, t->nr_nodes - 1, orders, counts) != 0)
		memset(counts, 0, sizeof(int) * (size_t)t->nr_nodes);
}

int topo_node_order(const struct topology *t, int node, int *order)
{
	size_t n = (size_t)t->nr_nodes;
	int *orders = malloc(sizeof(int) * n * ((size_t)node + 1));
	int *counts = malloc(sizeof(int) * ((size_t)node + 1));
	int nr = 0;

	if (orders && counts && build_orders_upto(t, node, orders, counts) == 0) {
		nr = counts[node];
		memcpy(order, orders + (size_t)node * n, sizeof(int) * (size_t)nr);
	}
	free(orders);
	free(counts);
	return nr;
}
