#include "core/tunables.h"

#include <stdio.h>
#include <string.h>

#include "core/suggest.h"
#include "core/units.h"

/* Table entries leave their trailing optional fields (choices, version)
 * zero; clang's -Wmissing-field-initializers flags that even inside
 * designated array elements, GCC's does not. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static const char *const thp_enabled_words[] = {"always", "madvise", "never", NULL};
static const char *const thp_defrag_words[] = {"always",  "defer", "defer+madvise",
					       "madvise", "never", NULL};

/* Defaults are those of a current kernel (Documentation/admin-guide/sysctl/vm.rst). */
const struct tunable_def tunable_defs[NR_TUNABLES] = {
	[TUN_ZONE_RECLAIM_MODE] =
		{"vm.zone_reclaim_mode", 0, 0, 7, false,
		 "bits: 1 reclaim locally before going off node, 2 write dirty pages, 4 swap"},
	[TUN_ZONE_RECLAIM_INTERVAL] = {"vm.zone_reclaim_interval", 30, 0, 86400, false,
				       "seconds a node is not reclaimed after a failed node "
				       "reclaim (2.6.16; see sim.zone_reclaim_interval_model)"},
	[TUN_MIN_UNMAPPED_RATIO] = {"vm.min_unmapped_ratio", 1, 0, 100, false,
				    "percent of a node's pages that must be unmapped page cache "
				    "before node reclaim runs"},
	[TUN_MIN_SLAB_RATIO] =
		{"vm.min_slab_ratio", 5, 0, 100, false,
		 "percent of a node's pages in reclaimable slab before node reclaim shrinks slab"},
	[TUN_MIN_FREE_KBYTES] = {"vm.min_free_kbytes", TUNABLE_AUTO, 0, 1LL << 40, false,
				 "reserve behind the min watermarks; default "
				 "int_sqrt(lowmem_kbytes * 16) clamped to 128..262144"},
	[TUN_WATERMARK_SCALE_FACTOR] = {"vm.watermark_scale_factor", 10, 1, 3000, false,
					"distance between watermarks in 1/10000 of zone memory"},
	[TUN_WATERMARK_BOOST_FACTOR] =
		{"vm.watermark_boost_factor", 15000, 0, 1LL << 31, false,
		 "per ten thousand of the high watermark: the most a fragmenting fallback may "
		 "boost a zone's watermarks (0: off)"},
	[TUN_LOWMEM_RESERVE_RATIO_DMA] = {"vm.lowmem_reserve_ratio.dma", 256, 1, 1LL << 31, false,
					  "lowmem_reserve_ratio for ZONE_DMA"},
	[TUN_LOWMEM_RESERVE_RATIO_DMA32] = {"vm.lowmem_reserve_ratio.dma32", 256, 1, 1LL << 31,
					    false, "lowmem_reserve_ratio for ZONE_DMA32"},
	[TUN_LOWMEM_RESERVE_RATIO_NORMAL] = {"vm.lowmem_reserve_ratio.normal", 32, 1, 1LL << 31,
					     false, "lowmem_reserve_ratio for ZONE_NORMAL"},
	[TUN_SWAPPINESS] = {"vm.swappiness", 60, 0, 200, false,
			    "relative I/O cost of swapping anon versus dropping file pages"},
	[TUN_DIRTY_RATIO] =
		{"vm.dirty_ratio", 20, 0, 100, false,
		 "percent of available memory dirty before writers write back themselves"},
	[TUN_DIRTY_BACKGROUND_RATIO] =
		{"vm.dirty_background_ratio", 10, 0, 100, false,
		 "percent of available memory dirty before background writeback starts"},
	[TUN_OVERCOMMIT_MEMORY] = {"vm.overcommit_memory", 0, 0, 2, false,
				   "commit accounting (__vm_enough_memory(), docs/model.md §9): 0 "
				   "heuristic, refuses only a "
				   "request larger than RAM + swap; 1 always grants; 2 never "
				   "overcommits past CommitLimit"},
	[TUN_OVERCOMMIT_RATIO] =
		{"vm.overcommit_ratio", 50, 0, INT32_MAX, false,
		 "mode 2: percent of RAM (minus hugetlb pages) in CommitLimit, plus swap; "
		 "a sysctl write sets vm.overcommit_kbytes to 0"},
	[TUN_OVERCOMMIT_KBYTES] =
		{"vm.overcommit_kbytes", 0, 0, 1LL << 50, false,
		 "mode 2: when non-zero, CommitLimit is this plus swap instead of the ratio; "
		 "a sysctl write sets vm.overcommit_ratio to 0"},
	[TUN_ADMIN_RESERVE_KBYTES] =
		{"vm.admin_reserve_kbytes", TUNABLE_AUTO, 0, 1LL << 50, false,
		 "mode 2: kept back from tasks without CAP_SYS_ADMIN (uid != 0); default "
		 "min(free memory at boot / 32, 8 MiB) as init_admin_reserve()"},
	[TUN_USER_RESERVE_KBYTES] =
		{"vm.user_reserve_kbytes", TUNABLE_AUTO, 0, 1LL << 50, false,
		 "mode 2: a process may not commit the last min(its total_vm / 32, this); default "
		 "min(free memory at boot / 32, 128 MiB) as init_user_reserve()"},
	[TUN_NUMA_BALANCING] = {"kernel.numa_balancing", 0, 0, 3, false,
				"automatic NUMA balancing: 1 scans each process's memory "
				"periodically and migrates pages "
				"towards the node of the CPU that faults on them (docs/model.md "
				"§7); 2 memory tiering: "
				"promotes hot pages of slower tiers to the faulting CPU's node "
				"(docs/model.md §11); 3 both"},
	[TUN_NUMA_BALANCING_SCAN_DELAY_MS] =
		{"kernel.numa_balancing_scan_delay_ms", 1000, 0, 86400000, false,
		 "delay before a process's first NUMA scan (debugfs numa_balancing/scan_delay_ms)"},
	[TUN_NUMA_BALANCING_SCAN_PERIOD_MIN_MS] = {"kernel.numa_balancing_scan_period_min_ms", 1000,
						   1, 86400000, false,
						   "shortest time between NUMA scans of a process "
						   "(numa_balancing/scan_period_min_ms)"},
	[TUN_NUMA_BALANCING_SCAN_PERIOD_MAX_MS] = {"kernel.numa_balancing_scan_period_max_ms",
						   60000, 1, 86400000, false,
						   "longest time between NUMA scans of a process "
						   "(numa_balancing/scan_period_max_ms)"},
	[TUN_NUMA_BALANCING_SCAN_SIZE_MB] = {"kernel.numa_balancing_scan_size_mb", 256, 0, 1 << 20,
					     false,
					     "MiB of present ptes marked for NUMA hinting per scan "
					     "(numa_balancing/scan_size_mb)"},
	[TUN_NUMA_STAT] = {"vm.numa_stat", 1, 0, 1, false, "keep numastat counters"},
	[TUN_NUMA_DEMOTION_ENABLED] = {"mm.numa.demotion_enabled", 0, 0, 1, false,
				       "/sys/kernel/mm/numa/demotion_enabled: reclaim moves cold "
				       "pages of a node to its demotion "
				       "target in a lower memory tier instead of swapping or "
				       "dropping them (docs/model.md §11)"},
	[TUN_NUMA_BALANCING_PROMOTE_RATE_LIMIT_MBPS] =
		{"kernel.numa_balancing_promote_rate_limit_MBps", 65536, 0, INT32_MAX, false,
		 "tiering mode: most MB of promotion candidates per second into a node; the hot "
		 "threshold adapts to it (numa_promotion_adjust_threshold())"},
	[TUN_NUMA_BALANCING_HOT_THRESHOLD_MS] =
		{"kernel.numa_balancing_hot_threshold_ms", 1000, 0, INT32_MAX, false,
		 "tiering mode: a slow-tier page is hot when its hinting fault comes less than "
		 "this after "
		 "the scan that marked it (debugfs numa_balancing/hot_threshold_ms)"},
	[TUN_SIM_SEED] = {"sim.seed", 1, 0, INT64_MAX, false,
			  "seed of every random stream of the run"},
	[TUN_SIM_SWAP_SIZE] = {"sim.swap_size", 0, 0, 1LL << 50, true,
			       "swap device capacity in bytes (0: no swap)"},
	[TUN_SIM_SWAP_READ_MBPS] = {"sim.swap_read_MBps", 500, 1, 1000000, false,
				    "swap device read bandwidth"},
	[TUN_SIM_SWAP_WRITE_MBPS] = {"sim.swap_write_MBps", 200, 1, 1000000, false,
				     "swap device write bandwidth"},
	[TUN_SIM_ZONE_RECLAIM_INTERVAL_MODEL] =
		{"sim.zone_reclaim_interval_model", 0, 0, 1, false,
		 "1: back off node reclaim for vm.zone_reclaim_interval after a failure (2.6.16); "
		 "0: current kernel"},
	[TUN_SIM_COST_FAULT_NS] = {"sim.cost.fault_ns", 1000, 0, 1000000000, false,
				   "page fault entry and exit"},
	[TUN_SIM_COST_ZERO_PAGE_NS] = {"sim.cost.zero_page_ns", 500, 0, 1000000000, false,
				       "clearing a new 4 KiB anonymous page (scaled by page size)"},
	[TUN_SIM_COST_COPY_PAGE_NS] = {"sim.cost.copy_page_ns", 1000, 0, 1000000000, false,
				       "copying a 4 KiB page between nodes at distance 10 (scaled "
				       "by distance/10 and page size)"},
	[TUN_SIM_COST_SCAN_PAGE_NS] = {"sim.cost.scan_page_ns", 50, 0, 1000000000, false,
				       "reclaim scanning one LRU page"},
	[TUN_SIM_COST_SYSCALL_NS] = {"sim.cost.syscall_ns", 200, 0, 1000000000, false,
				     "entering and leaving a system call"},
	[TUN_SIM_COST_MIGRATE_PAGE_NS] =
		{"sim.cost.migrate_page_ns", 2000, 0, 1000000000, false,
		 "fixed cost of migrating one page (unmap, remap) besides the copy"},
	[TUN_SIM_SLAB_ALLOCATOR] = {"sim.slab_allocator", 0, 0, 1, false,
				    "0: SLUB (current kernels: cpuset memory_spread_slab has no "
				    "effect); 1: SLAB (before 6.8: "
				    "caches made with SLAB_MEM_SPREAD - dentry, inode caches, "
				    "buffer_head - spread over the cpuset's mems)"},
	[TUN_SIM_COST_NUMA_HINT_FAULT_NS] = {"sim.cost.numa_hint_fault_ns", 1000, 0, 1000000000,
					     false,
					     "a NUMA hinting fault (do_numa_page()) besides "
					     "sim.cost.fault_ns; migration costs extra"},
	[TUN_SIM_NUMA_BALANCING_PLACEMENT] =
		{"sim.numa_balancing_placement", 1, 0, 1, false,
		 "1: NUMA balancing also moves a task to its preferred node when an allowed CPU "
		 "there is "
		 "idle (simplified task_numa_migrate()); 0: only pages move"},
	[TUN_THP_ENABLED] =
		{"mm.transparent_hugepage.enabled", THP_MADVISE, THP_ALWAYS, THP_NEVER, false,
		 "transparent huge pages for anonymous memory: always, madvise (only in "
		 "MADV_HUGEPAGE ranges) or never (docs/tutorial-thp.md)",
		 thp_enabled_words},
	[TUN_THP_DEFRAG] = {"mm.transparent_hugepage.defrag", THP_DEFRAG_MADVISE, THP_DEFRAG_ALWAYS,
			    THP_DEFRAG_NEVER, false,
			    "whether a huge page fault may reclaim (direct reclaim, "
			    "vma_thp_gfp_mask()): always, defer, defer+madvise, madvise or never",
			    thp_defrag_words},
	[TUN_SIM_COST_ZERO_HUGE_PAGE_NS] =
		{"sim.cost.zero_huge_page_ns", 256000, 0, 1000000000, false,
		 "clearing a new 2 MiB transparent huge page (clear_huge_page()); default 512 x "
		 "sim.cost.zero_page_ns"},
	[TUN_SIM_KERNEL_VERSION] =
		{"sim.kernel_version", KERNEL_VERSION_NR(6, 12), KERNEL_VERSION_NR(6, 1),
		 KERNEL_VERSION_NR(6, 12), false,
		 "kernel version whose behaviour is modelled where versions differ, 6.1 to 6.12 "
		 "(docs/model.md §12); kept as major * 100 + minor (6.12 is 612)",
		 NULL, true},
	[TUN_DIRTY_EXPIRE_CENTISECS] =
		{"vm.dirty_expire_centisecs", 3000, 0, 8640000, false,
		 "age (1/100 s) after which periodic writeback writes a file's dirty pages"},
	[TUN_DIRTY_WRITEBACK_CENTISECS] =
		{"vm.dirty_writeback_centisecs", 500, 0, 8640000, false,
		 "interval (1/100 s) of periodic writeback while pages are dirty; 0 disables it"},
	[TUN_SIM_BOOT_MEMMAP] = {"sim.boot_memmap", 0, 0, 1, false,
				 "1: memory held at boot is not managed, as on a booted kernel: "
				 "the memmap (64 bytes of "
				 "struct page per page, whole 128 MiB sections) and each node's "
				 "topology `reserved` "
				 "(docs/model.md §1); 0: managed = present"},
	[TUN_LRU_GEN_ENABLED] =
		{"mm.lru_gen.enabled", 0, 0, 1, false,
		 "/sys/kernel/mm/lru_gen/enabled: 1 the multi-generational LRU (Debian's 6.12 "
		 "turns it "
		 "on); modelled by its effects on reclaim only (docs/model.md §12)"},
	[TUN_SIM_PCP] = {"sim.pcp", 0, 0, 1, false,
			 "1: per-CPU page lists hold blocks of orders 0-3 and the THP order "
			 "between the buddy lists and their users, "
			 "batch and high as sim.kernel_version's kernel sets them (6.7 on: "
			 "auto-tuned high); "
			 "pages on them are not free (docs/model.md §1); 0: none"},
	[TUN_SIM_COST_KSWAPD_WAKEUP_NS] =
		{"sim.cost.kswapd_wakeup_ns", 0, 0, 1000000000, false,
		 "mean time from wakeup_kswapd() until kswapd runs (the scheduler's wakeup "
		 "latency), drawn "
		 "exponentially from the seeded stream each wakeup; 0: kswapd runs at once "
		 "(docs/model.md §6)"},
	[TUN_SIM_KSWAPD_SHARES_CPU] =
		{"sim.kswapd_shares_cpu", 0, 0, 1, false,
		 "1: on a node with one CPU, kswapd woken by the task running there shares "
		 "that CPU with it, the task taken as CPU-bound: the task waits while kswapd "
		 "runs, and from 6.6 EEVDF decides when kswapd gets the CPU (docs/model.md "
		 "§6); 0: kswapd has a CPU of its own"},
	[TUN_SIM_FAULT_RUNS] = {"sim.fault_runs", 1, 0, 1, false,
				"1: a touch faults consecutive untouched pages of an anonymous "
				"VMA in runs (one VMA and policy lookup), with the end state of "
				"page-by-page faults; 0: every page through handle_mm_fault() "
				"(the reference the runs are tested against)"},
	[TUN_SIM_RUN_TO_IDLE] = {"sim.run_to_idle", 1, 0, 1, false,
				 "1: after the trace's last record the simulated kernel's "
				 "queued work (kswapd, the flusher, periodic writeback, NUMA "
				 "scans) runs to its end before the report; 0: the report is "
				 "taken when the last record finishes, as a program reading "
				 "/proc at its end sees the machine (numasim verify sets it)"},
	[TUN_FAULT_AROUND_BYTES] =
		{"vm.fault_around_bytes", 65536, 0, 2097152, false,
		 "a read fault on a file or shmem mapping "
		 "also maps the cached pages of this aligned window around it (do_fault_around(), "
		 "rounded down to a power of two, at most one page table); one page or less "
		 "disables it (docs/model.md §4)"},
	[TUN_SIM_PAGE_CACHE_SLAB] =
		{"sim.page_cache_slab", 0, 0, 1, false,
		 "1: the page cache's xarray nodes take slab pages (radix_tree_node: 28 to an "
		 "order-2 reclaimable slab, allocated on the reading task's node), reclaim "
		 "leaves shadow entries that keep their nodes, and drop_caches frees them "
		 "(docs/model.md §6); 0: the page cache takes no slab"},
	[TUN_SIM_KCOMPACTD] =
		{"sim.kcompactd", 1, 0, 1, false,
		 "1: kswapd wakes kcompactd after boosted reclaim, and kcompactd migrates "
		 "pages to the top of a fragmented zone until a pageblock is free "
		 "(docs/model.md §13); 0: no compaction"},
	[TUN_EXTFRAG_THRESHOLD] =
		{"vm.extfrag_threshold", 500, 0, 1000, false,
		 "compaction for a costly order goes ahead only where the fragmentation "
		 "index (0: no memory, 1000: all fragmentation) is above this "
		 "(compaction_suitable())"},
};

/* /sys/kernel/mm/mempolicy/weighted_interleave/node<N>, one per node. */
#define WI_PREFIX "mm.mempolicy.weighted_interleave.node"
static const struct tunable_def wi_weight_def = {
	WI_PREFIX "<N>",
	1,
	1,
	255,
	false,
	"weight of node N for MPOL_WEIGHTED_INTERLEAVE: that many pages in a row on N "
	"(weighted_interleave_nodes(), weighted_interleave_nid())",
	NULL,
	false};

void tunables_init(struct tunables *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < NR_TUNABLE_SLOTS; i++)
		t->v[i] = tunable_def(i)->def;
}

const struct tunable_def *tunable_def(int id)
{
	return id < NR_TUNABLES ? &tunable_defs[id] : &wi_weight_def;
}

const char *tunable_name(int id, char *buf, size_t len)
{
	if (id < NR_TUNABLES)
		return tunable_defs[id].name;
	snprintf(buf, len, WI_PREFIX "%d", id - NR_TUNABLES);
	return buf;
}

/* "node<N>" of the weighted interleave family: N in decimal, no leading
 * zeros, below TUN_WI_NODES; -1 otherwise. */
static int wi_find(const char *name)
{
	const char *p = name + strlen(WI_PREFIX);
	long n = 0;

	if (strncmp(name, WI_PREFIX, strlen(WI_PREFIX)) || !*p || (*p == '0' && p[1]))
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (*p - '0');
		if (n >= TUN_WI_NODES)
			return -1;
	}
	return TUN_WI_WEIGHT((int)n);
}

int tunable_find(const char *name)
{
	for (int i = 0; i < NR_TUNABLES; i++)
		if (strcmp(tunable_defs[i].name, name) == 0)
			return i;
	return wi_find(name);
}

const char *tunable_word(int id, int64_t v)
{
	const char *const *w = tunable_defs[id].choices;

	if (!w)
		return NULL;
	for (int64_t i = 0; w[i]; i++)
		if (i == v)
			return w[i];
	return "?";
}

void tunable_format(int id, int64_t v, char *buf, size_t len)
{
	const char *w = tunable_word(id, v);

	if (w)
		snprintf(buf, len, "%s", w);
	else
		snprintf(buf, len, "%lld", (long long)v);
}

/* An enum tunable takes one of its words. */
static int set_word(struct tunables *t, int id, const char *value, struct nerr *err)
{
	const struct tunable_def *d = &tunable_defs[id];
	char list[256] = "";
	size_t n = 0;

	for (int i = 0; d->choices[i]; i++) {
		if (strcmp(d->choices[i], value) == 0) {
			t->v[id] = i;
			t->set[id] = true;
			return 0;
		}
		n += (size_t)snprintf(list + n, n < sizeof(list) ? sizeof(list) - n : 0, "%s%s",
				      i ? ", " : "", d->choices[i]);
	}
	return nerr_set(err, "%s: bad value '%s': one of %s", d->name, value, list);
}

/* Parses a kernel version "major.minor" into major * 100 + minor. */
static int parse_kernel_version(const char *value, uint64_t *v, char *why, size_t n)
{
	unsigned major, minor;
	int used = 0;

	if (sscanf(value, "%3u.%2u%n", &major, &minor, &used) != 2 || value[used] ||
	    value[0] < '0' || value[0] > '9') {
		snprintf(why, n, "'%s' is not a kernel version such as 6.12", value);
		return -1;
	}
	*v = (uint64_t)major * 100 + minor;
	return 0;
}

int tunable_set(struct tunables *t, int id, const char *value, struct nerr *err)
{
	const struct tunable_def *d = tunable_def(id);
	char name[96];
	char why[256];

	if (d->choices)
		return set_word(t, id, value, err);
	uint64_t v;
	int rc = d->version ? parse_kernel_version(value, &v, why, sizeof(why))
		 : d->size  ? parse_size(value, &v, why, sizeof(why))
			    : parse_u64(value, &v, why, sizeof(why));

	if (rc)
		return nerr_set(err, "%s: %s", tunable_name(id, name, sizeof(name)), why);
	if (d->version && ((int64_t)v < d->min || (int64_t)v > d->max))
		return nerr_set(err, "%s: %s is not a modelled version (6.1..6.12)", d->name,
				value);
	if ((int64_t)v < d->min || (int64_t)v > d->max || v > INT64_MAX)
		return nerr_set(err, "%s: %s is out of range %lld..%lld",
				tunable_name(id, name, sizeof(name)), value, (long long)d->min,
				(long long)d->max);
	t->v[id] = (int64_t)v;
	t->set[id] = true;
	return 0;
}

int tunable_set_kv(struct tunables *t, const char *kv, struct nerr *err)
{
	const char *eq = strchr(kv, '=');
	char name[128];

	if (!eq || eq == kv)
		return nerr_set(err, "'%s': expected name=value", kv);
	snprintf(name, sizeof(name), "%.*s", (int)(eq - kv), kv);
	int id = tunable_find(name);

	if (id < 0) {
		const char *cands[NR_TUNABLES];
		char hint[160];

		for (int i = 0; i < NR_TUNABLES; i++)
			cands[i] = tunable_defs[i].name;
		return nerr_set(
			err, "unknown tunable '%s'%s", name,
			suggest_hint(suggest_best(name, cands, NR_TUNABLES), hint, sizeof(hint)));
	}
	return tunable_set(t, id, eq + 1, err);
}

const char *tunable_knob(int id, char *buf, size_t len)
{
	const char *n = tunable_defs[id].name;
	static const char scan[] = "kernel.numa_balancing_scan_";
	static const char lowmem[] = "vm.lowmem_reserve_ratio.";

	if (!strncmp(n, "sim.", 4))
		snprintf(buf, len, "(the simulator's own)");
	else if (!strncmp(n, scan, sizeof(scan) - 1)) /* debugfs since 5.19 */
		snprintf(buf, len, "/sys/kernel/debug/sched/numa_balancing/scan_%s",
			 n + sizeof(scan) - 1);
	else if (!strncmp(n, lowmem, sizeof(lowmem) - 1))
		snprintf(buf, len, "/proc/sys/vm/lowmem_reserve_ratio (the %s column)",
			 n + sizeof(lowmem) - 1);
	else if (id == TUN_FAULT_AROUND_BYTES) /* debugfs, not a sysctl */
		snprintf(buf, len, "/sys/kernel/debug/fault_around_bytes");
	else if (id == TUN_ZONE_RECLAIM_INTERVAL)
		snprintf(buf, len, "/proc/sys/vm/zone_reclaim_interval (2.6.16 to 2.6.18 only)");
	else
		snprintf(buf, len, "/proc/sys/%.*s/%s", (int)strcspn(n, "."), n,
			 n + strcspn(n, ".") + 1);
	return buf;
}
