/*
 * tunables.h - sysctls (vm.*, kernel.*) and the simulator's own (sim.*).
 *
 * One table lists every tunable with its default (that of a current
 * Linux kernel), its range and a line of documentation; `sysctl` records,
 * `--set k=v` and `compare --vary` all go through tunable_set(). Values
 * are 64-bit integers; sizes accept units. An enum tunable (a sysfs file
 * that takes a word, e.g. transparent_hugepage/enabled) has `choices`:
 * it is set by word and holds the word's index in the list.
 */
#ifndef NUMASIM_CORE_TUNABLES_H
#define NUMASIM_CORE_TUNABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bitmap.h"
#include "core/err.h"

enum tunable_id {
	TUN_ZONE_RECLAIM_MODE,
	TUN_ZONE_RECLAIM_INTERVAL,
	TUN_MIN_UNMAPPED_RATIO,
	TUN_MIN_SLAB_RATIO,
	TUN_MIN_FREE_KBYTES,
	TUN_WATERMARK_SCALE_FACTOR,
	TUN_WATERMARK_BOOST_FACTOR,
	TUN_LOWMEM_RESERVE_RATIO_DMA,
	TUN_LOWMEM_RESERVE_RATIO_DMA32,
	TUN_LOWMEM_RESERVE_RATIO_NORMAL,
	TUN_SWAPPINESS,
	TUN_DIRTY_RATIO,
	TUN_DIRTY_BACKGROUND_RATIO,
	TUN_OVERCOMMIT_MEMORY,
	TUN_OVERCOMMIT_RATIO,
	TUN_OVERCOMMIT_KBYTES,
	TUN_ADMIN_RESERVE_KBYTES,
	TUN_USER_RESERVE_KBYTES,
	TUN_NUMA_BALANCING,
	TUN_NUMA_BALANCING_SCAN_DELAY_MS,
	TUN_NUMA_BALANCING_SCAN_PERIOD_MIN_MS,
	TUN_NUMA_BALANCING_SCAN_PERIOD_MAX_MS,
	TUN_NUMA_BALANCING_SCAN_SIZE_MB,
	TUN_NUMA_STAT,
	TUN_NUMA_DEMOTION_ENABLED,
	TUN_NUMA_BALANCING_PROMOTE_RATE_LIMIT_MBPS,
	TUN_NUMA_BALANCING_HOT_THRESHOLD_MS,
	/* the simulator's own */
	TUN_SIM_SEED,
	TUN_SIM_SWAP_SIZE,
	TUN_SIM_SWAP_READ_MBPS,
	TUN_SIM_SWAP_WRITE_MBPS,
	TUN_SIM_ZONE_RECLAIM_INTERVAL_MODEL,
	TUN_SIM_COST_FAULT_NS,
	TUN_SIM_COST_ZERO_PAGE_NS,
	TUN_SIM_COST_COPY_PAGE_NS,
	TUN_SIM_COST_SCAN_PAGE_NS,
	TUN_SIM_COST_SYSCALL_NS,
	TUN_SIM_COST_MIGRATE_PAGE_NS,
	TUN_SIM_SLAB_ALLOCATOR,
	TUN_SIM_COST_NUMA_HINT_FAULT_NS,
	TUN_SIM_NUMA_BALANCING_PLACEMENT,
	/* transparent huge pages (/sys/kernel/mm/transparent_hugepage/) */
	TUN_THP_ENABLED,
	TUN_THP_DEFRAG,
	TUN_SIM_COST_ZERO_HUGE_PAGE_NS,
	TUN_SIM_KERNEL_VERSION,
	TUN_DIRTY_EXPIRE_CENTISECS,
	TUN_DIRTY_WRITEBACK_CENTISECS,
	TUN_SIM_BOOT_MEMMAP,
	TUN_LRU_GEN_ENABLED,
	TUN_SIM_PCP,
	TUN_SIM_COST_KSWAPD_WAKEUP_NS,
	TUN_SIM_KSWAPD_SHARES_CPU,
	TUN_SIM_FAULT_RUNS,
	TUN_SIM_RUN_TO_IDLE,
	TUN_FAULT_AROUND_BYTES,
	TUN_SIM_PAGE_CACHE_SLAB,
	TUN_SIM_KCOMPACTD,
	TUN_EXTFRAG_THRESHOLD,
	NR_TUNABLES
};

/*
 * Indexed tunables follow the named ones: one per node,
 * mm.mempolicy.weighted_interleave.node<N> (N < TUN_WI_NODES), with ids
 * TUN_WI_WEIGHT(N). They share one definition (tunable_def()).
 */
#define TUN_WI_NODES NS_MAX_NODES
#define TUN_WI_WEIGHT(nid) (NR_TUNABLES + (nid))
#define NR_TUNABLE_SLOTS (NR_TUNABLES + TUN_WI_NODES)

struct tunable_def {
	const char *name;
	int64_t def; /* TUNABLE_AUTO: computed (e.g. min_free_kbytes) */
	int64_t min, max;
	bool size; /* value accepts size units (bytes) */
	const char *doc;
	const char *const *choices; /* enum tunable: NULL-terminated words; NULL = integer */
	bool version;		    /* value is a kernel version "6.12", kept as 612 */
};
#define TUNABLE_AUTO INT64_MIN

extern const struct tunable_def tunable_defs[NR_TUNABLES];

struct tunables {
	int64_t v[NR_TUNABLE_SLOTS];
	bool set[NR_TUNABLE_SLOTS]; /* explicitly set by the user */
};

void tunables_init(struct tunables *t);
/* The definition of any tunable id, indexed ones included. */
const struct tunable_def *tunable_def(int id);
/* The name of tunable id ("mm.mempolicy.weighted_interleave.node3" for an
 * indexed one), written to buf. */
const char *tunable_name(int id, char *buf, size_t len);
/* Looks a tunable up by name; -1 if unknown. */
int tunable_find(const char *name);
/* Parses and sets "value" for id; -1 with "<name>: <problem>" in err. */
int tunable_set(struct tunables *t, int id, const char *value, struct nerr *err);
/* The word of an enum tunable's value, or NULL for an integer tunable. */
const char *tunable_word(int id, int64_t v);
/* Formats the value of id (a word for enum tunables) into buf. */
void tunable_format(int id, int64_t v, char *buf, size_t len);
/* The kernel's file for tunable id ("/proc/sys/vm/swappiness"), in buf. */
const char *tunable_knob(int id, char *buf, size_t len);
/* Parses "name=value" (as in --set and sysctl records). */
int tunable_set_kv(struct tunables *t, const char *kv, struct nerr *err);

/* Kernel versions as sim.kernel_version keeps them: major * 100 + minor. */
#define KERNEL_VERSION_NR(major, minor) ((major)*100 + (minor))

static inline int64_t tun(const struct tunables *t, enum tunable_id id)
{
	return t->v[id];
}

/* Values of the THP enum tunables (their index in the choices list). */
enum thp_enabled { THP_ALWAYS, THP_MADVISE, THP_NEVER };
enum thp_defrag {
	THP_DEFRAG_ALWAYS,
	THP_DEFRAG_DEFER,
	THP_DEFRAG_DEFER_MADVISE,
	THP_DEFRAG_MADVISE,
	THP_DEFRAG_NEVER
};
/* True when the modelled kernel (sim.kernel_version) is major.minor or newer. */
static inline bool kernel_at_least(const struct tunables *t, int major, int minor)
{
	return t->v[TUN_SIM_KERNEL_VERSION] >= KERNEL_VERSION_NR(major, minor);
}

#endif
