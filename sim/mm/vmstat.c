/*
 * vmstat.c - names of the counters, as /proc/vmstat and
 * /sys/devices/system/node/nodeN/numastat print them (mm/vmstat.c).
 */
#include "mm/mmzone.h"

const char *const numa_stat_names[NR_NUMA_STAT_ITEMS] = {
	[NUMA_HIT] = "numa_hit",	 [NUMA_MISS] = "numa_miss",
	[NUMA_FOREIGN] = "numa_foreign", [NUMA_INTERLEAVE_HIT] = "interleave_hit",
	[NUMA_LOCAL] = "local_node",	 [NUMA_OTHER] = "other_node",
};

const char *const vm_event_names[NR_VM_EVENT_ITEMS] = {
	[PGALLOC] = "pgalloc",
	[PGFREE] = "pgfree",
	[PGFAULT] = "pgfault",
	[PGMAJFAULT] = "pgmajfault",
	[PGSCAN_KSWAPD] = "pgscan_kswapd",
	[PGSTEAL_KSWAPD] = "pgsteal_kswapd",
	[PGSCAN_DIRECT] = "pgscan_direct",
	[PGSTEAL_DIRECT] = "pgsteal_direct",
	[PGACTIVATE] = "pgactivate",
	[PGDEACTIVATE] = "pgdeactivate",
	[PGREFILL] = "pgrefill",
	[ZONE_RECLAIM_SUCCESS] = "zone_reclaim_success",
	[ZONE_RECLAIM_FAILED] = "zone_reclaim_failed",
	[PGMIGRATE_SUCCESS] = "pgmigrate_success",
	[PGMIGRATE_FAIL] = "pgmigrate_fail",
	[PSWPIN] = "pswpin",
	[PSWPOUT] = "pswpout",
	[OOM_KILL] = "oom_kill",
	[ALLOCSTALL] = "allocstall",
	[KSWAPD_WAKE] = "kswapd_wake",
	[PAGEOUTRUN] = "pageoutrun",
	[KSWAPD_LOW_WMARK_HIT_QUICKLY] = "kswapd_low_wmark_hit_quickly",
	[PGPGIN] = "pgpgin",
	[PGPGOUT] = "pgpgout",
	[NUMA_PTE_UPDATES] = "numa_pte_updates",
	[NUMA_HINT_FAULTS] = "numa_hint_faults",
	[NUMA_HINT_FAULTS_LOCAL] = "numa_hint_faults_local",
	[NUMA_PAGES_MIGRATED] = "numa_pages_migrated",
	[THP_FAULT_ALLOC] = "thp_fault_alloc",
	[THP_FAULT_FALLBACK] = "thp_fault_fallback",
	[THP_SPLIT_PAGE] = "thp_split_page",
	[THP_SPLIT_PMD] = "thp_split_pmd",
	[THP_MIGRATION_SUCCESS] = "thp_migration_success",
	[THP_MIGRATION_FAIL] = "thp_migration_fail",
	[THP_MIGRATION_SPLIT] = "thp_migration_split",
	[THP_SWPOUT_FALLBACK] = "thp_swpout_fallback",
	[THP_ZERO_PAGE_ALLOC] = "thp_zero_page_alloc",
	[THP_ZERO_PAGE_ALLOC_FAILED] = "thp_zero_page_alloc_failed",
	[PGLAZYFREE] = "pglazyfree",
	[PGLAZYFREED] = "pglazyfreed",
	[PGDEMOTE_KSWAPD] = "pgdemote_kswapd",
	[PGDEMOTE_DIRECT] = "pgdemote_direct",
	[PGPROMOTE_SUCCESS] = "pgpromote_success",
	[PGPROMOTE_CANDIDATE] = "pgpromote_candidate",
	[PGPROMOTE_CANDIDATE_NRL] = "pgpromote_candidate_nrl",
};
