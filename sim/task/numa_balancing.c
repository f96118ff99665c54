/*
 * numa_balancing.c - automatic NUMA balancing: scan ticks, the scanner,
 * the migration filter and task placement (kernel/sched/fair.c).
 * See numa_balancing.h and docs/model.md §7.
 */
#include "task/numa_balancing.h"

#include <stdlib.h>

#include "mm/memory-tiers.h"
#include "mm/mempolicy.h"
#include "mm/page_alloc.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/task.h"

#define NS_PER_MS 1000000ULL
#define HPAGE_SIZE (2ULL << 20)

bool numa_balancing_enabled(const struct sim *s)
{
	return tun(&s->tun, TUN_NUMA_BALANCING) != 0;
}

bool numa_balancing_tiering(const struct sim *s)
{
	return tun(&s->tun, TUN_NUMA_BALANCING) & NUMA_BALANCING_MEMORY_TIERING;
}

bool folio_use_access_time(const struct sim *s, pfn_t pfn)
{
	return numa_balancing_tiering(s) && !node_is_toptier(s->tiers, pfn_to_nid(&s->mem, pfn));
}

uint16_t numa_access_time(const struct sim *s)
{
	return (uint16_t)((sim_now(s) / NS_PER_MS) & 0xffff);
}

static uint64_t scan_min_ms(const struct sim *s)
{
	return (uint64_t)tun(&s->tun, TUN_NUMA_BALANCING_SCAN_PERIOD_MIN_MS);
}

static uint64_t scan_max_ms(const struct sim *s)
{
	uint64_t max = (uint64_t)tun(&s->tun, TUN_NUMA_BALANCING_SCAN_PERIOD_MAX_MS);

	return max > scan_min_ms(s) ? max : scan_min_ms(s);
}

/* ---- the scanner ------------------------------------------------------------- */

/* Models reset_ptenuma_scan(): a pass over the address space is complete. */
static void reset_ptenuma_scan(struct mm_struct *mm)
{
	mm->numa_scan_seq++;
	mm->numa_scan_offset = 0;
}

/* The VMA tests of task_numa_work(): vma_migratable(), vma_policy_mof(),
 * hugetlb, read-only file mappings (shared libraries), inaccessible. */
static bool vma_numa_scannable(struct task *t, const struct vm_area_struct *v)
{
	if (v->flags & VM_HUGETLB)
		return false;
	if (!vma_policy_mof(t, v))
		return false;
	if ((v->flags & VM_FILE) && (v->flags & (VM_READ | VM_WRITE)) == VM_READ)
		return false;
	return (v->flags & (VM_READ | VM_WRITE)) != 0;
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* The scan budget of one task_numa_work() call, in pages. */
struct scan_budget {
	int64_t pages;	   /* scan_size_mb: counted only for chunks that changed a pte */
	int64_t virtpages; /* 8 x that of address space, changed or not */
	uint64_t updated;
};

/* Scans the VMA from *start in HPAGE_SIZE-aligned chunks; true when the
 * budget ran out (the scan stops inside this VMA). */
static bool scan_vma(struct sim *s, struct task *t, struct vm_area_struct *v, uint64_t *start,
		     struct scan_budget *b)
{
	unsigned shift = s->topo->page_shift;
	uint64_t end;

	do {
		if (*start < v->start)
			*start = v->start;
		end = align_up(*start + ((uint64_t)b->pages << shift), HPAGE_SIZE);
		if (end > v->end)
			end = v->end;
		uint64_t n = change_prot_numa(s, t, v, *start, end);

		b->updated += n;
		if (n)
			b->pages -= (int64_t)((end - *start) >> shift);
		b->virtpages -= (int64_t)((end - *start) >> shift);
		*start = end;
		if (b->pages <= 0 || b->virtpages <= 0)
			return true;
	} while (end != v->end);
	return false;
}

/*
 * Models task_numa_work(): from mm->numa_scan_offset, marks the present
 * ptes of scannable VMAs, scan_size_mb worth of address space that had
 * something to mark (or 8 times that in all), then remembers where it
 * stopped; reaching the last VMA completes a pass.
 */
uint64_t task_numa_work(struct sim *s, struct task *t)
{
	struct mm_struct *mm = t->mm;
	struct scan_budget b = {0, 0, 0};
	uint64_t start = mm->numa_scan_offset;
	int i;

	b.pages = (int64_t)tun(&s->tun, TUN_NUMA_BALANCING_SCAN_SIZE_MB)
		  << (20 - s->topo->page_shift);
	b.virtpages = b.pages * 8;
	if (!b.pages)
		return 0;
	i = vma_index_after(mm, start);
	if (i >= mm->nr_vmas) {
		reset_ptenuma_scan(mm);
		start = 0;
		i = 0;
	}
	for (; i < mm->nr_vmas; i++) {
		if (!vma_numa_scannable(t, mm->vmas[i]))
			continue;
		if (scan_vma(s, t, mm->vmas[i], &start, &b))
			break;
	}
	if (i < mm->nr_vmas)
		mm->numa_scan_offset = start;
	else
		reset_ptenuma_scan(mm);
	return b.updated;
}

/* ---- scan ticks ------------------------------------------------------------------ */

/* task_scan_start()/task_scan_min(), simplified: the first period is
 * scan_period_min_ms whatever the task's size. */
static void init_scan_period(struct sim *s, struct task *t)
{
	if (!t->numab.scan_period_ms)
		t->numab.scan_period_ms = scan_min_ms(s);
}

/*
 * The queued task_work: one scan of the address space, at most once per
 * scan period whichever of its threads gets here first
 * (mm->numa_next_scan).
 */
static void numa_work_event(void *ctx, uint64_t arg)
{
	struct sim *s = ctx;
	struct task *t = task_find(s, (int)(uint32_t)arg);
	uint64_t now = sim_now(s), n;

	if (!t)
		return;
	t->numab.work_pending = false;
	if (!numa_balancing_enabled(s) || t->state != TASK_RUNNING || !t->mm ||
	    now < t->mm->numa_next_scan)
		return;
	t->mm->numa_next_scan = now + t->numab.scan_period_ms * NS_PER_MS;
	n = task_numa_work(s, t);
	sim_explain(s, "  numa balancing: scan of pid %d marked %llu ptes (pass %u)\n", t->pid,
		    (unsigned long long)n, t->mm->numa_scan_seq);
}

/*
 * The kernel's tick is driven by the task's runtime: a task that runs
 * gets its scan work queued once mm->numa_next_scan has passed, a
 * sleeping task gets none. Here a task "runs" when it starts a record
 * that touches memory; the work is an engine event at that instant, so
 * it runs once the record is done and no event outlives the workload.
 */
void task_tick_numa(struct sim *s, struct task *t)
{
	uint64_t now = sim_now(s);

	if (t->numab.work_pending || !numa_balancing_enabled(s) || !t->mm)
		return;
	init_scan_period(s, t);
	if (!t->mm->numa_next_scan) { /* init_numa_balancing(): the scan delay */
		t->mm->numa_next_scan =
			now + (uint64_t)tun(&s->tun, TUN_NUMA_BALANCING_SCAN_DELAY_MS) * NS_PER_MS;
		return;
	}
	if (now < t->mm->numa_next_scan)
		return;
	if (engine_at(&s->eng, now, numa_work_event, s, (uint64_t)(uint32_t)t->pid) == 0)
		t->numab.work_pending = true;
}

/* ---- the migration filter ----------------------------------------------------------- */

/* ---- promotion (memory tiering) --------------------------------------------------- */

#define MSEC_PER_SEC 1000ULL
#define NUMA_MIGRATION_ADJUST_STEPS 16

/* Models pgdat_free_space_enough(): some zone of the node is above its
 * promo watermark by max(1 GiB, a sixteenth of the node). */
static bool pgdat_free_space_enough(struct sim *s, int nid)
{
	struct pglist_data *pg = &s->mem.nodes[nid];
	uint64_t enough = (1ULL << 30) >> s->topo->page_shift;

	if (node_present_pages(pg) >> 4 > enough)
		enough = node_present_pages(pg) >> 4;
	for (int z = MAX_NR_ZONES - 1; z >= 0; z--) {
		const struct zone *zone = &pg->zones[z];

		if (zone_populated(zone) &&
		    zone_watermark_ok(zone, 0, wmark_pages(zone, WMARK_PROMO) + enough,
				      ZONE_MOVABLE))
			return true;
	}
	return false;
}

/* Models numa_hint_fault_latency(): ms since the scan that marked the
 * page (its access time is replaced by now). */
static unsigned numa_hint_fault_latency(struct sim *s, pfn_t pfn)
{
	uint16_t now = numa_access_time(s), last = s->mem.f.last_cpupid[pfn];

	s->mem.f.last_cpupid[pfn] = now;
	return (uint16_t)(now - last);
}

static uint64_t now_ms(const struct sim *s)
{
	return sim_now(s) / NS_PER_MS;
}

/* Models numa_promotion_rate_limit(): counts the candidate; true (do not
 * promote) once this window's candidates reach rate_limit pages. A window
 * starts when more than a second has passed since the last one started. */
bool numa_promotion_rate_limit(struct sim *s, int nid, uint64_t rate_limit, unsigned nr)
{
	struct pglist_data *pg = &s->mem.nodes[nid];
	uint64_t now = now_ms(s), nr_cand;

	tiering_count(s, nid, PGPROMOTE_CANDIDATE, nr);
	nr_cand = pg->tier_stat[TIER_STAT(PGPROMOTE_CANDIDATE)];
	if (now - pg->nbp_rl_start_ms > MSEC_PER_SEC) {
		pg->nbp_rl_start_ms = now;
		pg->nbp_rl_nr_cand = nr_cand;
	}
	return nr_cand - pg->nbp_rl_nr_cand >= rate_limit;
}

/* Models numa_promotion_adjust_threshold(): once per
 * numa_balancing_scan_period_max_ms, compares the candidates of the
 * period with what the rate limit allows in it and moves the hot
 * threshold one step (2 * ref_th / 16) down when they were more than
 * 110 %, up when less than 90 %, within [step, 2 * ref_th]. */
void numa_promotion_adjust_threshold(struct sim *s, int nid, uint64_t rate_limit, uint64_t ref_th)
{
	struct pglist_data *pg = &s->mem.nodes[nid];
	uint64_t now = now_ms(s), th_period = scan_max_ms(s);

	if (now - pg->nbp_th_start_ms <= th_period)
		return;
	pg->nbp_th_start_ms = now;
	uint64_t ref_cand = rate_limit * th_period / MSEC_PER_SEC;
	uint64_t nr_cand = pg->tier_stat[TIER_STAT(PGPROMOTE_CANDIDATE)];
	uint64_t diff_cand = nr_cand - pg->nbp_th_nr_cand;
	uint64_t unit_th = ref_th * 2 / NUMA_MIGRATION_ADJUST_STEPS;
	uint64_t th = pg->nbp_threshold_ms ? pg->nbp_threshold_ms : ref_th;

	if (diff_cand > ref_cand * 11 / 10)
		th = th >= 2 * unit_th ? th - unit_th : unit_th; /* max(th - unit_th, unit_th) */
	else if (diff_cand < ref_cand * 9 / 10)
		th = th + unit_th < ref_th * 2 ? th + unit_th : ref_th * 2;
	pg->nbp_th_nr_cand = nr_cand;
	pg->nbp_threshold_ms = th;
}

/* The tiering half of should_numa_migrate_memory(): a slow-tier page is
 * promoted when the target has plenty of free memory, or when it was hot
 * (faulted on less than the threshold after its scan) and the rate limit
 * allows. */
static bool should_promote(struct sim *s, pfn_t pfn, int dst_nid)
{
	struct pglist_data *pg = &s->mem.nodes[dst_nid];
	uint64_t def_th, rate_limit, th;

	if (pgdat_free_space_enough(s, dst_nid)) {
		pg->nbp_threshold_ms = 0; /* workload changed: reset the threshold */
		tiering_count(s, dst_nid, PGPROMOTE_CANDIDATE_NRL, 1);
		return true;
	}
	def_th = (uint64_t)tun(&s->tun, TUN_NUMA_BALANCING_HOT_THRESHOLD_MS);
	rate_limit = (uint64_t)tun(&s->tun, TUN_NUMA_BALANCING_PROMOTE_RATE_LIMIT_MBPS)
		     << (20 - s->topo->page_shift);
	numa_promotion_adjust_threshold(s, dst_nid, rate_limit, def_th);
	th = pg->nbp_threshold_ms ? pg->nbp_threshold_ms : def_th;
	if (numa_hint_fault_latency(s, pfn) >= th)
		return false;
	return !numa_promotion_rate_limit(s, dst_nid, rate_limit, 1);
}

bool should_numa_migrate_memory(struct sim *s, struct task *t, pfn_t pfn, int src_nid, int dst_nid)
{
	uint16_t *slot = &s->mem.f.last_cpupid[pfn];
	uint16_t last;

	if (!s->topo->nodes[dst_nid].memory_bytes)
		return false; /* cannot migrate to a memoryless node */
	/* Pages of slow tiers move by hot or cold, not private or shared. */
	if (folio_use_access_time(s, pfn))
		return should_promote(s, pfn, dst_nid);
	last = *slot;
	*slot = cpupid_pack(dst_nid, t->pid);
	if (!(tun(&s->tun, TUN_NUMA_BALANCING) & NUMA_BALANCING_NORMAL) &&
	    !node_is_toptier(s->tiers, src_nid) && cpupid_pid_unset(last))
		return false;
	/* First or private faults early in the task's life migrate at once. */
	if ((t->numab.preferred_nid < 0 || t->numab.scan_seq <= 4) &&
	    (cpupid_pid_unset(last) || cpupid_match_pid(t->pid, last)))
		return true;
	/* The two-stage filter: the previous fault must come from the same
	 * node, so P(migrate) ~ P(access from dst)^2. */
	if (!cpupid_pid_unset(last) && cpupid_to_nid(last) != dst_nid)
		return false;
	/* Private faults migrate; so do shared ones, as no numa_group
	 * exists in this model to weigh them (ng == NULL). */
	return true;
}

/* ---- placement ------------------------------------------------------------------------ */

/* Models update_task_scan_period(): slower when memory is mostly local
 * or shared, or when nothing faulted or a migration failed; faster when
 * private faults are remote. */
static void update_task_scan_period(struct sim *s, struct task *t, uint64_t shared,
				    uint64_t private)
{
	struct task_numab *nb = &t->numab;
	uint64_t remote = nb->locality[0], local = nb->locality[1];
	int64_t slot, diff, period;

	if (local + shared == 0 || nb->locality[2]) {
		nb->scan_period_ms = nb->scan_period_ms * 2 < scan_max_ms(s)
					     ? nb->scan_period_ms * 2
					     : scan_max_ms(s);
		t->mm->numa_next_scan = sim_now(s) + nb->scan_period_ms * NS_PER_MS;
		return;
	}
	slot = (int64_t)((nb->scan_period_ms + NUMA_PERIOD_SLOTS - 1) / NUMA_PERIOD_SLOTS);
	int64_t lr = local + remote ? (int64_t)(local * NUMA_PERIOD_SLOTS / (local + remote)) : 0;
	int64_t sp = (int64_t)(shared * NUMA_PERIOD_SLOTS / (private + shared));

	if (sp >= NUMA_PERIOD_THRESHOLD)
		diff = (sp - NUMA_PERIOD_THRESHOLD ? sp - NUMA_PERIOD_THRESHOLD : 1) * slot;
	else if (lr >= NUMA_PERIOD_THRESHOLD)
		diff = (lr - NUMA_PERIOD_THRESHOLD ? lr - NUMA_PERIOD_THRESHOLD : 1) * slot;
	else
		diff = -(NUMA_PERIOD_THRESHOLD - (lr > sp ? lr : sp)) * slot;
	period = (int64_t)nb->scan_period_ms + diff;
	if (period < (int64_t)scan_min_ms(s))
		period = (int64_t)scan_min_ms(s);
	if (period > (int64_t)scan_max_ms(s))
		period = (int64_t)scan_max_ms(s);
	nb->scan_period_ms = (uint64_t)period;
	nb->locality[0] = nb->locality[1] = nb->locality[2] = 0;
}

/*
 * Models task_numa_placement(): once per pass of the scanner, each
 * node's fault count decays by half and takes this window's faults; the
 * node with the most becomes the preferred node (sched_setnuma()).
 */
static void task_numa_placement(struct sim *s, struct task *t)
{
	struct task_numab *nb = &t->numab;
	int nn = s->topo->nr_nodes, max_nid = -1;
	uint64_t max_faults = 0;

	if (nb->scan_seq == t->mm->numa_scan_seq)
		return;
	nb->scan_seq = t->mm->numa_scan_seq;
	for (int nid = 0; nid < nn; nid++) {
		uint64_t *mem = &nb->faults[nid], *buf = &nb->faults[nn + nid];

		*mem = *mem - *mem / 2 + *buf;
		*buf = 0;
		if (*mem > max_faults) {
			max_faults = *mem;
			max_nid = nid;
		}
	}
	if (max_faults)
		nb->preferred_nid = max_nid;
	update_task_scan_period(s, t, nb->fault_types[0], nb->fault_types[1]);
	nb->fault_types[0] = nb->fault_types[1] = 0;
}

/* An allowed CPU of node nid that runs nothing, or -1. */
static int idle_cpu_on(struct sim *s, const struct task *t, int nid)
{
	cpumask_t m;
	int c;

	cpus_and(&m, &s->topo->nodes[nid].cpus, &t->cpus_allowed);
	for_each_cpu_mask(c, &m) if (!s->tasks->cpu_load[c]) return c;
	return -1;
}

/*
 * Models numa_migrate_preferred() with a simplified task_numa_migrate():
 * the task moves to its preferred node only when an allowed CPU there is
 * idle (the kernel also weighs loads and may swap two tasks). Retried at
 * most every min(1 s, period / 16).
 */
static void numa_migrate_preferred(struct sim *s, struct task *t)
{
	struct task_numab *nb = &t->numab;
	uint64_t interval = nb->scan_period_ms * NS_PER_MS / 16;
	int cpu;

	if (nb->preferred_nid < 0)
		return;
	nb->migrate_retry =
		sim_now(s) + (interval < 1000 * NS_PER_MS ? interval : 1000 * NS_PER_MS);
	if (task_node(s, t) == nb->preferred_nid || !tun(&s->tun, TUN_SIM_NUMA_BALANCING_PLACEMENT))
		return;
	cpu = idle_cpu_on(s, t, nb->preferred_nid);
	if (cpu < 0)
		return;
	sim_explain(s, "  numa balancing: pid %d moves to cpu %d on its preferred node %d\n",
		    t->pid, cpu, nb->preferred_nid);
	task_set_cpu(s, t, cpu);
}

void task_numa_fault(struct sim *s, struct task *t, uint16_t last_cpupid, int mem_node,
		     unsigned pages, unsigned flags)
{
	struct task_numab *nb = &t->numab;
	int nn = s->topo->nr_nodes;
	bool priv;

	if (!numa_balancing_enabled(s) || !t->mm)
		return;
	/* No fault statistics for slow-tier memory in tiering mode. */
	if (!node_is_toptier(s->tiers, mem_node) &&
	    (numa_balancing_tiering(s) || cpupid_pid_unset(last_cpupid)))
		return;
	if (!nb->faults) {
		nb->faults = sim_calloc(s, 2 * (size_t)nn, sizeof(*nb->faults));
		if (!nb->faults)
			return;
	}
	/* First accesses count as private; then private = same task. */
	priv = cpupid_pid_unset(last_cpupid) || cpupid_match_pid(t->pid, last_cpupid);
	if (sim_now(s) >= nb->migrate_retry) {
		task_numa_placement(s, t);
		numa_migrate_preferred(s, t);
	}
	if (flags & TNF_MIGRATED)
		nb->pages_migrated += pages;
	if (flags & TNF_MIGRATE_FAIL)
		nb->locality[2] += pages;
	nb->faults[nn + mem_node] += pages;
	nb->fault_types[priv] += pages;
	nb->locality[(flags & TNF_FAULT_LOCAL) ? 1 : 0] += pages;
}
