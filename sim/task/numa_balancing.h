/*
 * numa_balancing.h - automatic NUMA balancing, the scheduler's half
 * (kernel/sched/fair.c, include/linux/sched/numa_balancing.h).
 *
 * With kernel.numa_balancing bit 0 set, a task that runs gets its
 * address space scanned every scan period (task_tick_numa() queues
 * task_numa_work() as an engine event), which marks up to numa_balancing_scan_size_mb of the
 * process's present ptes PTE_NUMA, continuing where the previous scan of
 * the address space stopped. The next access to such a pte is a NUMA
 * hinting fault (do_numa_page() in mm/memory.c), which asks the memory
 * policy whether the page is misplaced (mpol_misplaced() in
 * mm/mempolicy.c, using should_numa_migrate_memory() here), migrates it
 * (migrate_misplaced_page() in mm/migrate.c) and reports the fault here
 * (task_numa_fault()), where per-node fault counts choose the task's
 * preferred node and adapt its scan period.
 *
 * With the tiering bit (kernel.numa_balancing=2 or 3) pages outside the
 * top memory tiers are promoted by hotness instead: the scan stores its
 * time in the page's last_cpupid, and a hinting fault soon after it
 * promotes the page within the rate limit (docs/model.md §11).
 *
 * The page remembers who faulted on it last in frames.last_cpupid
 * (page->_last_cpupid): 0 when nobody has (the kernel's -1), else the
 * node + 1 in the high 11 bits and the low 5 bits of the pid.
 */
#ifndef NUMASIM_TASK_NUMA_BALANCING_H
#define NUMASIM_TASK_NUMA_BALANCING_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/mmzone.h"

struct sim;
struct task;

#define LAST_CPUPID_PID_BITS 5
#define LAST_CPUPID_PID_MASK ((1u << LAST_CPUPID_PID_BITS) - 1)

/* task_numa_fault() flags (TNF_*). */
enum {
	TNF_MIGRATED = 1u << 0,
	TNF_FAULT_LOCAL = 1u << 1,
	TNF_MIGRATE_FAIL = 1u << 2,
};

/* NUMA_PERIOD_SLOTS / NUMA_PERIOD_THRESHOLD of update_task_scan_period(). */
#define NUMA_PERIOD_SLOTS 10
#define NUMA_PERIOD_THRESHOLD 7

static inline uint16_t cpupid_pack(int nid, int pid)
{
	return (uint16_t)(((unsigned)(nid + 1) << LAST_CPUPID_PID_BITS) |
			  ((unsigned)pid & LAST_CPUPID_PID_MASK));
}

static inline bool cpupid_pid_unset(uint16_t cpupid)
{
	return cpupid == 0;
}

static inline int cpupid_to_nid(uint16_t cpupid)
{
	return (int)(cpupid >> LAST_CPUPID_PID_BITS) - 1;
}

static inline bool cpupid_match_pid(int pid, uint16_t cpupid)
{
	return !cpupid_pid_unset(cpupid) &&
	       (cpupid & LAST_CPUPID_PID_MASK) == ((unsigned)pid & LAST_CPUPID_PID_MASK);
}

/* kernel.numa_balancing bits (sysctl_numa_balancing_mode). */
#define NUMA_BALANCING_NORMAL 0x1
#define NUMA_BALANCING_MEMORY_TIERING 0x2

/* kernel.numa_balancing is not 0: the scanner runs and hinting faults are
 * handled (the sched_numa_balancing static key), in either mode. */
bool numa_balancing_enabled(const struct sim *s);
/* The tiering bit is set. */
bool numa_balancing_tiering(const struct sim *s);
/* Models folio_use_access_time(): in tiering mode, a page outside the
 * top tiers keeps its last scan time in last_cpupid instead of a cpupid. */
bool folio_use_access_time(const struct sim *s, pfn_t pfn);
/* Models numa_promotion_rate_limit() on target node nid for nr pages
 * (rate_limit in pages per second): counts pgpromote_candidate; true when
 * the promotion must not happen. A seam for the unit tests. */
bool numa_promotion_rate_limit(struct sim *s, int nid, uint64_t rate_limit, unsigned nr);
/* Models numa_promotion_adjust_threshold() on node nid: rate_limit in
 * pages per second, ref_th the default hot threshold in ms; the result is
 * in s->mem.nodes[nid].nbp_threshold_ms. */
void numa_promotion_adjust_threshold(struct sim *s, int nid, uint64_t rate_limit, uint64_t ref_th);
/* jiffies_to_msecs(jiffies) truncated to the 16 bits last_cpupid holds
 * (PAGE_ACCESS_TIME_MASK of this model). */
uint16_t numa_access_time(const struct sim *s);

/*
 * Models task_tick_numa(): called when task t starts a record that
 * touches memory (the task runs). With balancing on, the first call for
 * an address space arms it numa_balancing_scan_delay_ms ahead; once
 * mm->numa_next_scan has passed, the scan (task_numa_work()) is queued
 * as an engine event at this instant and runs after the record.
 */
void task_tick_numa(struct sim *s, struct task *t);

/* Models task_numa_work(): one scan of t's address space. Returns the
 * ptes marked (numa_pte_updates). */
uint64_t task_numa_work(struct sim *s, struct task *t);

/*
 * Models should_numa_migrate_memory(): records t on dst_nid as the page's
 * last faulter and says whether a page on src_nid should move to dst_nid.
 */
bool should_numa_migrate_memory(struct sim *s, struct task *t, pfn_t pfn, int src_nid, int dst_nid);

/* Models task_numa_fault(): accounts a hinting fault of t on pages now
 * on mem_node; flags are TNF_*. */
void task_numa_fault(struct sim *s, struct task *t, uint16_t last_cpupid, int mem_node,
		     unsigned pages, unsigned flags);

#endif
