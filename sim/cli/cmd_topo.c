/*
 * cmd_topo.c - `numasim topo show|validate|order -t TOPO` (docs/cli.md).
 *
 *   show      the machine as `numactl --hardware` prints it, then its
 *             memory tiers and demotion targets
 *   validate  "<path>: ok (N nodes, C cpus, M MiB)" or the one-line error
 *   order     each node's fallback order, as the kernel logs it at boot
 *             ("Fallback order for Node 0: 0 1 2 3 ") - an extension
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "mm/memory-tiers.h"
#include "topo/topo.h"

static const char topo_usage[] =
	"usage: numasim topo show|validate|order [-t TOPO]\n"
	"  show      print the machine in `numactl --hardware` format\n"
	"  validate  check a topology file and summarise it\n"
	"  order     print each node's fallback (zonelist) order\n"
	"TOPO is a path or a shipped topology name (default " TOPO_DEFAULT ").\n";

/* Parses "-t X", "-tX", "--topology X" and "--topology=X". */
static int parse_topo_args(int argc, char **argv, const char **topo)
{
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-t") || !strcmp(a, "--topology")) {
			if (++i >= argc)
				return cli_usage("topo: %s needs a topology", a);
			*topo = argv[i];
		} else if (!strncmp(a, "--topology=", 11)) {
			*topo = a + 11;
		} else if (!strncmp(a, "-t", 2)) {
			*topo = a + 2;
		} else {
			return cli_usage("topo: unexpected argument '%s'", a);
		}
		if (!**topo)
			return cli_usage("topo: empty topology name");
	}
	return 0;
}

static void print_orders(const struct topology *t)
{
	size_t n = (size_t)t->nr_nodes;
	int *orders = malloc(sizeof(int) * n * n), *counts = malloc(sizeof(int) * n);

	if (orders && counts) {
		topo_all_node_orders(t, orders, counts);
		for (int node = 0; node < t->nr_nodes; node++) {
			printf("Fallback order for Node %d:", node);
			for (int i = 0; i < counts[node]; i++)
				printf(" %d", orders[(size_t)node * n + (size_t)i]);
			printf("\n");
		}
	}
	free(orders);
	free(counts);
}

static void print_summary(const struct topology *t)
{
	uint64_t bytes = 0;
	unsigned cpus = 0;

	for (int i = 0; i < t->nr_nodes; i++) {
		bytes += t->nodes[i].memory_bytes;
		cpus += t->nodes[i].nr_cpus;
	}
	printf("%s: ok (%d node%s, %u cpu%s, %llu MiB)\n", t->path, t->nr_nodes,
	       t->nr_nodes == 1 ? "" : "s", cpus, cpus == 1 ? "" : "s",
	       (unsigned long long)(bytes >> 20));
}

/* numactl --hardware, then the memory tiers and demotion targets the
 * kernel would build (docs/topology-format.md). */
static void print_show(const struct topology *t)
{
	struct memory_tiers *mt;

	topo_print_hardware(t, NULL, stdout);
	if (memory_tiers_build(t, &mt) == 0)
		memory_tiers_print(mt, stdout);
	memory_tiers_free(mt);
}

int cmd_topo(int argc, char **argv)
{
	const char *name = TOPO_DEFAULT, *action = argc > 1 ? argv[1] : NULL;
	struct topology *t;
	struct nerr err;
	char path[4096];

	if (action && (!strcmp(action, "--help") || !strcmp(action, "-h"))) {
		fputs(topo_usage, stdout);
		return EXIT_OK;
	}
	if (!action)
		return cli_usage("topo: expected show, validate or order");
	if (strcmp(action, "show") && strcmp(action, "validate") && strcmp(action, "order"))
		return cli_usage("topo: unknown action '%s' (expected show, validate or order)",
				 action);
	if (parse_topo_args(argc, argv, &name))
		return EXIT_BADINPUT;
	if (topo_resolve(name, path, sizeof(path), &err) ||
	    topo_load(path, &t, &err, cli_warn, NULL))
		return cli_fail(&err);
	if (!strcmp(action, "show"))
		print_show(t);
	else if (!strcmp(action, "order"))
		print_orders(t);
	else
		print_summary(t);
	topo_free(t);
	return EXIT_OK; /* main() checks the writes to stdout */
}
