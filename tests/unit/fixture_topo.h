/*
 * fixture_topo.h - topologies built by hand in memory for unit tests and
 * the benchmark (they do not depend on the JSON loader).
 */
#ifndef NUMASIM_TESTS_FIXTURE_TOPO_H
#define NUMASIM_TESTS_FIXTURE_TOPO_H

#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

/*
 * n nodes; node i has zone_bytes[i*MAX_NR_ZONES + t] bytes in zone t
 * (zone_bytes NULL: mem_bytes[i] in one Normal zone), cpus_per_node CPUs
 * (0: memory-only nodes), distances row-major (NULL: 10 local, 20 remote).
 */
static inline struct topology *fixture_topo(int n, const uint64_t *mem_bytes,
					    const uint64_t *zone_bytes, const int *dist,
					    int cpus_per_node)
{
	struct topology *t = calloc(1, sizeof(*t));

	t->name = strdup("fixture");
	t->page_size = 4096;
	t->page_shift = 12;
	t->local_latency_ns = 100;
	t->nr_nodes = n;
	t->nodes = calloc((size_t)n, sizeof(*t->nodes));
	t->distance = calloc((size_t)(n * n), 1);
	t->nr_cpus = n * cpus_per_node;
	t->cpu_node = calloc((size_t)(t->nr_cpus ? t->nr_cpus : 1), sizeof(int));
	for (int i = 0; i < n; i++) {
		struct topo_node *tn = &t->nodes[i];

		tn->id = i;
		tn->adistance = TOPO_ADISTANCE_DRAM;
		tn->memory_bytes = 0;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			tn->zone_bytes[z] = zone_bytes ? zone_bytes[i * MAX_NR_ZONES + z] : 0;
			tn->memory_bytes += tn->zone_bytes[z];
		}
		if (!zone_bytes) {
			tn->memory_bytes = mem_bytes[i];
			tn->zone_bytes[ZONE_NORMAL] = mem_bytes[i];
		}
		for (int c = 0; c < cpus_per_node; c++) {
			cpu_set(&tn->cpus, i * cpus_per_node + c);
			t->cpu_node[i * cpus_per_node + c] = i;
		}
		tn->nr_cpus = (unsigned)cpus_per_node;
		for (int j = 0; j < n; j++)
			t->distance[i * n + j] =
				(uint8_t)(dist ? dist[i * n + j] : (i == j ? 10 : 20));
	}
	return t;
}

static inline void fixture_topo_free(struct topology *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->nodes);
	free(t->distance);
	free(t->cpu_node);
	free(t);
}

/* The ring4 of docs/topology-format.md: one hop 18, two hops 31. */
static const int fixture_ring4_dist[16] = {
	10, 18, 18, 31, 18, 10, 31, 18, 18, 31, 10, 18, 31, 18, 18, 10,
};

#endif
