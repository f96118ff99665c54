/*
 * hardware.c - `numactl --hardware` for a simulated machine.
 *
 * Follows hardware() and print_distances() of numactl.c (numactl 2.0.x up
 * to 2.0.18, the version most distributions ship and most documentation
 * quotes): three-wide columns, a trailing space after each number, sizes
 * in MB as bytes >> 20, and one "cpus:" line per node even when it has
 * none. Students can put the output next to a real machine's.
 */
#include "topo/topo.h"

static void print_node_cpus(const struct topo_node *n, FILE *out)
{
	int c;

	for_each_cpu_mask(c, &n->cpus) fprintf(out, " %d", c);
	fputc('\n', out);
}

/* Models print_distances(): a header of node ids, then one row per node. */
static void print_distances(const struct topology *t, FILE *out)
{
	fprintf(out, "node distances:\n");
	fprintf(out, "node ");
	for (int i = 0; i < t->nr_nodes; i++)
		fprintf(out, "% 3d ", i);
	fprintf(out, "\n");
	for (int i = 0; i < t->nr_nodes; i++) {
		fprintf(out, "% 3d: ", i);
		for (int k = 0; k < t->nr_nodes; k++)
			fprintf(out, "% 3d ", topo_distance(t, i, k));
		fprintf(out, "\n");
	}
}

/* Models hardware(); free_bytes may be NULL, meaning all memory is free. */
void topo_print_hardware(const struct topology *t, const uint64_t *free_bytes, FILE *out)
{
	fprintf(out, "available: %d nodes (0-%d)\n", t->nr_nodes, t->nr_nodes - 1);
	for (int i = 0; i < t->nr_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		uint64_t fr = free_bytes ? free_bytes[i] : n->memory_bytes;

		fprintf(out, "node %d cpus:", i);
		print_node_cpus(n, out);
		fprintf(out, "node %d size: %llu MB\n", i,
			(unsigned long long)(n->memory_bytes >> 20));
		fprintf(out, "node %d free: %llu MB\n", i, (unsigned long long)(fr >> 20));
	}
	print_distances(t, out);
}
