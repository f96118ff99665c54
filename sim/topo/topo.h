/*
 * topo.h - the simulated machine: nodes, CPUs, memory, zones, SLIT
 * distances, devices (docs/topology-format.md).
 *
 * A struct topology is immutable once loaded: the kernel model reads it
 * and never changes it. Loading validates the whole file first; nothing is
 * partly loaded.
 */
#ifndef NUMASIM_TOPO_TOPO_H
#define NUMASIM_TOPO_TOPO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/bitmap.h"
#include "core/err.h"

/* Zone types in the kernel's order (enum zone_type, include/linux/mmzone.h). */
enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE, MAX_NR_ZONES };
extern const char *const zone_names[MAX_NR_ZONES]; /* "DMA", "DMA32", "Normal", "Movable" */

#define DISTANCE_LOCAL 10
#define DISTANCE_UNREACHABLE 255

/* Free pages per order as /proc/pagetypeinfo counts them (orders 0..10). */
#define TOPO_NR_ORDERS 11
/* The boot pageblocks of a migratetype other than Movable in a zone
 * (`pageblocks`, docs/topology-format.md): how many, and their free
 * blocks per order; the rest of them is held by the kernel. */
enum { TOPO_BOOT_UNMOVABLE, TOPO_BOOT_RECLAIMABLE, TOPO_NR_BOOT_TYPES };
struct topo_boot_blocks {
	uint32_t blocks;
	uint32_t free[TOPO_NR_ORDERS];
	uint32_t unmanaged; /* pages of those pageblocks not managed (holes, boot reservations) */
};

struct topo_node {
	int id;
	cpumask_t cpus;
	unsigned nr_cpus;
	uint64_t memory_bytes;
	uint64_t zone_bytes[MAX_NR_ZONES]; /* 0 where the zone is absent */
	uint64_t reserved_bytes;	   /* held at boot besides the memmap (sim.boot_memmap) */
	struct topo_boot_blocks boot_blocks[MAX_NR_ZONES][TOPO_NR_BOOT_TYPES]; /* `pageblocks` */
	int nr_devices;
	int *devices;  /* indices into topology.devices */
	int adistance; /* abstract distance (memory tier = adistance >> 7) */
};

/* MEMTIER_ADISTANCE_DRAM of include/linux/memory-tiers.h: 4.5 chunks of 128. */
#define TOPO_ADISTANCE_DRAM 576
/* The largest abstract distance a topology may give (the kernel's is an int). */
#define TOPO_ADISTANCE_MAX 2147483647

enum device_type { DEVICE_BLOCK, DEVICE_NET, DEVICE_OTHER };

/* Accepted bandwidths (docs/topology-format.md): 1 KB/s to 1 PB/s for a
 * device, 1 MB/s to 1 PB/s for a link. */
#define TOPO_MBPS_MIN 0.001
#define TOPO_MBPS_MAX 1e9
#define TOPO_GBPS_MIN 0.001
#define TOPO_GBPS_MAX 1e6

struct topo_device {
	char *name;
	enum device_type type;
	double read_MBps, write_MBps; /* 0 when not given */
	int node;		      /* attached node, -1 if none */
};

struct topo_link {
	int a, b;
	double GBps;
};

struct topology {
	char *name;
	char *description;
	char *path;	    /* file it was loaded from */
	uint32_t page_size; /* bytes; power of two 4096..65536 */
	uint32_t page_shift;
	uint32_t local_latency_ns; /* default 100 */
	int nr_nodes;
	struct topo_node *nodes; /* indexed by id */
	uint8_t *distance;	 /* nr_nodes * nr_nodes, row-major */
	bool asymmetric;
	int nr_cpus;   /* highest cpu id + 1 */
	int *cpu_node; /* cpu -> node, -1 for absent ids */
	int nr_devices;
	struct topo_device *devices;
	int nr_links; /* 0: no interconnect model (latency only) */
	struct topo_link *links;
	uint32_t cacheline_bytes; /* bytes one access moves over links; default 64 */
};

static inline int topo_distance(const struct topology *t, int from, int to)
{
	return t->distance[from * t->nr_nodes + to];
}

static inline int topo_cpu_to_node(const struct topology *t, int cpu)
{
	return (cpu >= 0 && cpu < t->nr_cpus) ? t->cpu_node[cpu] : -1;
}

/*
 * Loads and validates a topology file. On error returns -1 with one line
 * "<path>: <json path>: <problem>" in err. Warnings (asymmetric SLIT) go
 * to warn. The caller frees with topo_free().
 */
int topo_load(const char *path, struct topology **out, struct nerr *err, nwarn_fn warn,
	      void *warn_ctx);
/* Same, from a JSON text in memory (path is used in messages). */
int topo_load_string(const char *text, const char *path, struct topology **out, struct nerr *err,
		     nwarn_fn warn, void *warn_ctx);
void topo_free(struct topology *t);

/*
 * Resolves -t NAME: an existing path is used as is; otherwise a shipped
 * topology topologies/NAME.json under the data directory. Writes the path
 * into buf. Returns 0, or -1 with a message when nothing matches.
 */
int topo_resolve(const char *name, char *buf, size_t len, struct nerr *err);
/*
 * The data directory holding topologies/ and workloads/: $NUMASIM_DATADIR,
 * else beside the installed program or library, else the source tree at
 * build time (core/datadir.c). datadir_find() writes it into buf and
 * returns buf; numasim_datadir() does so into a buffer that lives until
 * the end of the enclosing block.
 */
#define DATADIR_MAX 4096
const char *datadir_find(char *buf, size_t len);
#define numasim_datadir() datadir_find((char[DATADIR_MAX]){0}, DATADIR_MAX)

#define TOPO_DEFAULT "ring4"

/*
 * Fallback order of node `node` as Linux's build_zonelists() makes it with
 * find_next_best_node() (see zonelist.c for the kernel version modelled):
 * the local node first, then nodes with memory by distance, ties and
 * penalties as the kernel breaks them. Only nodes with memory are listed,
 * so a memory-less node appears in no order, its own included (Linux
 * v6.7+). order[] gets nr_nodes entries at most; returns how many (0 only
 * if out of memory). Because node_load is shared across the rebuild, this
 * builds the lists of nodes 0..node to get node's: use
 * topo_all_node_orders() when every list is wanted.
 */
int topo_node_order(const struct topology *t, int node, int *order);
/* The same for every node at once (node_load is shared between nodes, as
 * in __build_all_zonelists()). orders is nr_nodes * nr_nodes; counts gets
 * the length of each row. */
void topo_all_node_orders(const struct topology *t, int *orders, int *counts);

/* node_load[] as __build_all_zonelists() leaves it after building every
 * node's list (nr_nodes entries); memory-tiers.c uses it as the kernel's
 * establish_demotion_targets() does. 0, or -1 out of memory. */
int topo_zonelist_node_load(const struct topology *t, int *node_load);
/* Models find_next_best_node() with a caller's used[] skip list (nr_nodes
 * entries, the chosen node is marked) and node_load; -1 when none is left. */
int topo_find_next_best_node(const struct topology *t, int node, bool *used, const int *node_load);

/* `numactl --hardware` text for the machine; free_bytes[nr_nodes] or NULL
 * for "all memory free". */
void topo_print_hardware(const struct topology *t, const uint64_t *free_bytes, FILE *out);

#endif
