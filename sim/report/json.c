/*
 * json.c - the JSON report (docs/report.md), snapshots and timeseries samples.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno_names.h"
#include "mm/memory-tiers.h"
#include "mm/overcommit.h"
#include "mm/page_alloc.h"
#include "core/utf8.h"
#include "report/report.h"
#include "mm/huge_memory.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/task.h"
#include "report/runlog.h"

const char *report_version(void)
{
	return "numasim " NUMASIM_VERSION;
}

void report_json_decref(struct json_t *j)
{
	json_decref(j);
}

/* The docs/report.md vmstat keys, then the rest of the kernel's names. */
static const enum vm_event_item spec_vmstat[] = {
	PGALLOC,
	PGFREE,
	PGFAULT,
	PGSCAN_KSWAPD,
	PGSTEAL_KSWAPD,
	PGSCAN_DIRECT,
	PGSTEAL_DIRECT,
	ZONE_RECLAIM_SUCCESS,
	ZONE_RECLAIM_FAILED,
	PGMIGRATE_SUCCESS,
	PGMIGRATE_FAIL,
	PSWPIN,
	PSWPOUT,
	OOM_KILL,
};

int report_vmstat_value(struct sim *s, const char *name, uint64_t *out)
{
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++) {
		if (!strcmp(vm_event_names[i], name)) {
			*out = s->mem.events[i];
			return 0;
		}
	}
	return -1;
}

/* A JSON string of outside text (a path, a label): invalid UTF-8 bytes
 * become U+FFFD, so that jansson never drops a required key. */
static json_t *text_json(const char *str)
{
	json_t *j = json_string(str);

	if (!j && str) {
		char *clean = utf8_sanitize(str);

		j = clean ? json_string(clean) : NULL;
		free(clean);
	}
	return j;
}

/* JSON integers are signed 64-bit here: a counter at or past 2^63
 * saturates at 2^63-1 rather than turning negative. */
static json_t *u64(uint64_t v)
{
	return json_integer(v > (uint64_t)INT64_MAX ? (json_int_t)INT64_MAX : (json_int_t)v);
}

static uint64_t lru_pages(const struct pglist_data *pg, enum lru_list l)
{
	uint64_t n = 0;

	for (int t = 0; t < MAX_NR_ZONES; t++)
		n += pg->zones[t].nr_lru[l];
	return n;
}

static json_t *node_json(struct sim *s, int n)
{
	struct pglist_data *pg = &s->mem.nodes[n];
	json_t *o = json_object(), *ns = json_object();

	json_object_set_new(o, "id", json_integer(n));
	json_object_set_new(o, "total_pages", u64(node_present_pages(pg)));
	json_object_set_new(o, "free_pages", u64(node_free_pages(pg)));
	json_object_set_new(o, "anon_pages", u64(pg->stat[NR_ANON_MAPPED]));
	json_object_set_new(o, "file_pages", u64(pg->stat[NR_FILE_PAGES]));
	json_object_set_new(o, "file_mapped_pages", u64(pg->stat[NR_FILE_MAPPED]));
	json_object_set_new(
		o, "slab_pages",
		u64(pg->stat[NR_SLAB_RECLAIMABLE_B] + pg->stat[NR_SLAB_UNRECLAIMABLE_B]));
	json_object_set_new(o, "dirty_pages", u64(pg->stat[NR_FILE_DIRTY]));
	json_object_set_new(o, "writeback_pages", u64(pg->stat[NR_WRITEBACK]));
	json_object_set_new(o, "shmem_pages", u64(pg->stat[NR_SHMEM]));
	json_object_set_new(o, "kernel_pages", u64(pg->stat[NR_KERNEL_MISC]));
	json_object_set_new(o, "swapcache_pages", u64(pg->stat[NR_SWAPCACHE]));
	json_object_set_new(o, "mlocked_pages", u64(pg->stat[NR_MLOCK]));
	json_object_set_new(o, "anon_huge_pages", u64(pg->stat[NR_ANON_THPS] * HPAGE_PMD_NR));
	json_object_set_new(o, "nr_anon_transparent_hugepages", u64(pg->stat[NR_ANON_THPS]));
	/* LRU sizes in pages (a THP is one entry of 512) */
	json_object_set_new(o, "active_anon", u64(lru_pages(pg, LRU_ACTIVE_ANON)));
	json_object_set_new(o, "inactive_anon", u64(lru_pages(pg, LRU_INACTIVE_ANON)));
	json_object_set_new(o, "active_file", u64(lru_pages(pg, LRU_ACTIVE_FILE)));
	json_object_set_new(o, "inactive_file", u64(lru_pages(pg, LRU_INACTIVE_FILE)));
	json_object_set_new(o, "unevictable", u64(lru_pages(pg, LRU_UNEVICTABLE)));
	for (int i = 0; i < NR_NUMA_STAT_ITEMS; i++)
		json_object_set_new(ns, numa_stat_names[i], u64(pg->numa_stat[i]));
	json_object_set_new(o, "numastat", ns);
	json_t *zones = json_array();

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zn = &pg->zones[z];

		if (!zn->present_pages)
			continue;
		json_t *zo = json_object();

		json_object_set_new(zo, "name", text_json(zone_names[z]));
		json_object_set_new(zo, "present_pages", u64(zn->present_pages));
		json_object_set_new(zo, "managed_pages", u64(zn->managed_pages));
		json_object_set_new(zo, "free_pages", u64(zn->nr_free));
		json_object_set_new(zo, "min", u64(zn->wmark[WMARK_MIN]));
		json_object_set_new(zo, "low", u64(zn->wmark[WMARK_LOW]));
		json_object_set_new(zo, "high", u64(zn->wmark[WMARK_HIGH]));
		json_t *prot = json_array();

		for (int k = 0; k < MAX_NR_ZONES; k++)
			json_array_append_new(prot, u64(zn->lowmem_reserve[k]));
		json_object_set_new(zo, "protection", prot);
		json_array_append_new(zones, zo);
	}
	json_object_set_new(o, "zones", zones);
	return o;
}

static json_t *nodes_json(struct sim *s)
{
	json_t *a = json_array();

	for (int n = 0; n < s->topo->nr_nodes; n++)
		json_array_append_new(a, node_json(s, n));
	return a;
}

static json_t *accesses_json(struct sim *s)
{
	json_t *o = json_object(), *m = json_array();
	uint64_t n = s->acc.local + s->acc.remote;
	int nn = s->topo->nr_nodes;

	json_object_set_new(o, "local", u64(s->acc.local));
	json_object_set_new(o, "remote", u64(s->acc.remote));
	json_object_set_new(o, "local_ratio",
			    json_real(access_local_ratio(s->acc.local, s->acc.remote)));
	json_object_set_new(o, "avg_latency_ns",
			    json_real(access_avg_latency_ns(s->acc.latency_ps, n)));
	for (int a = 0; a < nn; a++) {
		json_t *row = json_array();

		for (int b = 0; b < nn; b++)
			json_array_append_new(row, u64(s->acc.matrix[a * nn + b]));
		json_array_append_new(m, row);
	}
	json_object_set_new(o, "matrix", m);
	return o;
}

static json_t *vmstat_json(struct sim *s)
{
	json_t *o = json_object();

	for (size_t i = 0; i < sizeof(spec_vmstat) / sizeof(spec_vmstat[0]); i++)
		json_object_set_new(o, vm_event_names[spec_vmstat[i]],
				    u64(s->mem.events[spec_vmstat[i]]));
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		if (!json_object_get(o, vm_event_names[i]))
			json_object_set_new(o, vm_event_names[i], u64(s->mem.events[i]));
	return o;
}

static void append_line(void *ctx, const char *line)
{
	json_array_append_new((json_t *)ctx, text_json(line));
}

static json_t *task_json(struct sim *s, struct task *t, uint64_t *by)
{
	json_t *o = json_object(), *pages = json_array(), *acc = json_object(),
	       *maps = json_array();

	json_object_set_new(o, "pid", json_integer(t->pid));
	json_object_set_new(o, "tgid", json_integer(t->tgid));
	json_object_set_new(o, "name", text_json(t->comm));
	json_object_set_new(o, "state", text_json(task_state_names[t->state]));
	json_object_set_new(o, "cpu", json_integer(t->cpu));
	json_object_set_new(o, "node", json_integer(task_node(s, t)));
	mm_pages_by_node(s, t->mm, by);
	for (int n = 0; n < s->topo->nr_nodes; n++)
		json_array_append_new(pages, u64(by[n]));
	json_object_set_new(o, "pages_by_node", pages);
	json_object_set_new(acc, "local", u64(t->acc_local));
	json_object_set_new(acc, "remote", u64(t->acc_remote));
	json_object_set_new(acc, "local_ratio",
			    json_real(access_local_ratio(t->acc_local, t->acc_remote)));
	json_object_set_new(o, "accesses", acc);
	json_object_set_new(o, "faults", u64(t->faults));
	json_object_set_new(o, "stall_ns", u64(t->stall_ns));
	json_object_set_new(o, "migrate_wait_ns", u64(t->migrate_wait_ns));
	if (s->ic)
		json_object_set_new(o, "bandwidth_stall_ns", u64(t->bw_stall_ns));
	json_object_set_new(o, "skipped_records", u64(t->skipped));
	numa_maps_show(s, t, append_line, maps);
	json_object_set_new(o, "numa_maps", maps);
	return o;
}

static json_t *tasks_json(struct sim *s)
{
	json_t *a = json_array();
	uint64_t *by = sim_calloc(s, (size_t)s->topo->nr_nodes, sizeof(*by));

	if (!by)
		return a;
	for (uint32_t i = 0; s->tasks && i < s->tasks->nr; i++)
		json_array_append_new(a, task_json(s, s->tasks->by_order[i], by));
	free(by);
	return a;
}

static json_t *rc_json(long rc)
{
	const char *name = rc < 0 ? errno_name((int)-rc) : NULL;
	char buf[32];

	if (!name)
		return json_integer(rc);
	snprintf(buf, sizeof(buf), "-%s", name);
	return text_json(buf);
}

static json_t *syscalls_json(const struct trace_log *log)
{
	json_t *o = json_object(), *errs = json_object(), *res = json_array();

	for (int e = 1; log && e < (int)(sizeof(log->errors) / sizeof(log->errors[0])); e++) {
		if (!log->errors[e])
			continue;
		const char *name = errno_name(e);
		char buf[16];

		if (!name) {
			snprintf(buf, sizeof(buf), "E%d", e);
			name = buf;
		}
		json_object_set_new(errs, name, u64(log->errors[e]));
	}
	for (uint64_t i = 0; log && i < log->nr_results; i++) {
		struct syscall_result *r = &log->results[i];
		json_t *ro = json_object();

		json_object_set_new(ro, "line", json_integer((json_int_t)r->line));
		json_object_set_new(ro, "op", text_json(r->op));
		json_object_set_new(ro, "pid", json_integer(r->pid));
		json_object_set_new(ro, "rc", rc_json(r->rc));
		if (r->status) {
			json_t *st = json_array();

			for (uint64_t k = 0; k < r->nstatus; k++)
				json_array_append_new(st, rc_json(r->status[k]));
			json_object_set_new(ro, "status", st);
		}
		json_array_append_new(res, ro);
	}
	json_object_set_new(o, "errors", errs);
	json_object_set_new(o, "results", res);
	if (log && log->results_dropped)
		json_object_set_new(o, "results_dropped", u64(log->results_dropped));
	return o;
}

/* /proc/meminfo's Committed_AS and CommitLimit, at the end of the run. */
static json_t *commit_json(struct sim *s)
{
	json_t *o = json_object();
	unsigned kb = s->topo->page_shift - 10;
	uint64_t committed = vm_memory_committed(s), limit = vm_commit_limit(s);

	json_object_set_new(o, "committed_pages", u64(committed));
	json_object_set_new(o, "committed_kB", u64(committed << kb));
	json_object_set_new(o, "limit_pages", u64(limit));
	json_object_set_new(o, "limit_kB", u64(limit << kb));
	return o;
}

static json_t *node_list_json(const nodemask_t *m, int nr_nodes)
{
	json_t *a = json_array();

	for (int n = 0; n < nr_nodes; n++)
		if (node_isset(m, n))
			json_array_append_new(a, json_integer(n));
	return a;
}

/* The tiers, fastest first (docs/report.md), and each node's demotion
 * targets: the order of the timeseries' tier_pages. */
static json_t *memory_tiers_json(struct sim *s)
{
	const struct memory_tiers *mt = s->tiers;
	json_t *a = json_array();

	for (int i = 0; i < mt->nr_tiers; i++) {
		json_t *o = json_object();
		const struct memory_tier *t = &mt->tier[i];

		json_object_set_new(o, "id",
				    json_integer(t->adistance_start >> MEMTIER_CHUNK_BITS));
		json_object_set_new(o, "adistance_start", json_integer(t->adistance_start));
		json_object_set_new(o, "top_tier",
				    json_boolean(t->adistance_start <= mt->top_tier_adistance));
		json_object_set_new(o, "nodes", node_list_json(&t->nodes, s->topo->nr_nodes));
		json_object_set_new(o, "demotion_fallback",
				    node_list_json(&t->lower_tier_mask, s->topo->nr_nodes));
		json_array_append_new(a, o);
	}
	return a;
}

/* Resident pages (anonymous + page cache) of each tier, fastest first. */
static json_t *tier_pages_json(struct sim *s)
{
	const struct memory_tiers *mt = s->tiers;
	json_t *a = json_array();

	for (int i = 0; i < mt->nr_tiers; i++) {
		uint64_t pages = 0;

		for (int n = 0; n < s->topo->nr_nodes; n++)
			if (node_isset(&mt->tier[i].nodes, n))
				pages += s->mem.nodes[n].stat[NR_ANON_MAPPED] +
					 s->mem.nodes[n].stat[NR_FILE_PAGES];
		json_array_append_new(a, u64(pages));
	}
	return a;
}

static json_t *config_json(struct sim *s)
{
	json_t *o = json_object();

	for (int i = 0; i < NR_TUNABLES; i++) {
		int64_t v = s->tun.v[i];

		if (i == TUN_MIN_FREE_KBYTES && v == TUNABLE_AUTO)
			v = (int64_t)s->min_free_kbytes;
		if (i == TUN_ADMIN_RESERVE_KBYTES)
			v = (int64_t)admin_reserve_kbytes(s);
		if (i == TUN_USER_RESERVE_KBYTES)
			v = (int64_t)user_reserve_kbytes(s);
		if (tunable_word(i, v)) /* enum tunables print their word */
			json_object_set_new(o, tunable_defs[i].name,
					    json_string(tunable_word(i, v)));
		else
			json_object_set_new(o, tunable_defs[i].name, json_integer(v));
	}
	for (int n = 0; n < s->topo->nr_nodes && n < TUN_WI_NODES; n++) {
		char name[96];

		json_object_set_new(o, tunable_name(TUN_WI_WEIGHT(n), name, sizeof(name)),
				    json_integer(s->tun.v[TUN_WI_WEIGHT(n)]));
	}
	return o;
}

/* Busy time over the run's span (interconnect.h: ic_span_ns()). */
static double link_utilisation(const struct ic_link *l, uint64_t span_ns)
{
	return span_ns ? (double)l->busy_ps / 1000.0 / (double)span_ns : 0.0;
}

/* Only for a topology with links: one entry per direction, data flowing a -> b. */
static json_t *interconnect_json(struct sim *s)
{
	json_t *o = json_object(), *links = json_array();
	uint64_t span = ic_span_ns(s->ic, sim_now(s));

	json_object_set_new(o, "cacheline_bytes", json_integer(s->ic->cacheline));
	json_object_set_new(o, "span_ns", u64(span));
	json_object_set_new(o, "bandwidth_stall_ns", u64(s->ic->stall_ns));
	for (int i = 0; i < s->ic->nr_links; i++) {
		const struct ic_link *l = &s->ic->links[i];
		json_t *lo = json_object();

		json_object_set_new(lo, "a", json_integer(l->from));
		json_object_set_new(lo, "b", json_integer(l->to));
		json_object_set_new(lo, "GBps", json_real(l->GBps));
		json_object_set_new(lo, "bytes", u64(l->bytes));
		json_object_set_new(lo, "busy_ns", json_real((double)l->busy_ps / 1000.0));
		json_object_set_new(lo, "utilisation", json_real(link_utilisation(l, span)));
		json_array_append_new(links, lo);
	}
	json_object_set_new(o, "links", links);
	return o;
}

static json_t *array_of(json_t **items, uint64_t n)
{
	json_t *a = json_array();

	for (uint64_t i = 0; i < n; i++)
		json_array_append(a, items[i]);
	return a;
}

json_t *report_json(struct sim *s, const struct trace_log *log)
{
	json_t *o = json_object(), *v = json_object(), *topo = json_object(), *wl = json_object();
	json_t *dist = json_array(), *ex = json_object();
	int nn = s->topo->nr_nodes;

	json_object_set_new(v, "version", text_json(NUMASIM_VERSION));
	json_object_set_new(v, "format", json_integer(1));
	json_object_set_new(o, "numasim", v);
	json_object_set_new(topo, "name", text_json(s->topo->name));
	json_object_set_new(topo, "nodes", json_integer(nn));
	json_object_set_new(topo, "page_size", json_integer(s->topo->page_size));
	for (int a = 0; a < nn; a++) {
		json_t *row = json_array();

		for (int b = 0; b < nn; b++)
			json_array_append_new(row, json_integer(topo_distance(s->topo, a, b)));
		json_array_append_new(dist, row);
	}
	json_object_set_new(topo, "distances", dist);
	json_object_set_new(topo, "memory_tiers", memory_tiers_json(s));
	json_object_set_new(o, "topology", topo);
	json_object_set_new(wl, "name", text_json(log ? log->workload_name : ""));
	json_object_set_new(wl, "records", u64(log ? log->records : 0));
	json_object_set_new(wl, "executed", u64(log ? log->executed : 0));
	json_object_set_new(wl, "skipped", u64(log ? log->skipped : 0));
	if (log && log->nr_params) {
		json_t *params = json_object();

		for (int i = 0; i < log->nr_params; i++)
			if (log->param_names[i] && log->param_values[i])
				json_object_set_new(params, log->param_names[i],
						    json_string(log->param_values[i]));
		json_object_set_new(wl, "params", params);
	}
	json_object_set_new(o, "workload", wl);
	json_object_set_new(o, "config", config_json(s));
	json_object_set_new(o, "sim_time_ns", u64(sim_now(s)));
	/* a SIGINT/SIGTERM stopped the replay: the report is the run so far */
	json_object_set_new(o, "interrupted", json_boolean(log && log->interrupted));
	json_object_set_new(o, "events", u64(s->eng.events_run + (log ? log->executed : 0)));
	json_object_set_new(o, "nodes", nodes_json(s));
	json_object_set_new(o, "accesses", accesses_json(s));
	json_object_set_new(o, "vmstat", vmstat_json(s));
	json_object_set_new(o, "commit", commit_json(s));
	json_object_set_new(o, "migrate_ns", u64(s->migrate_ns));
	json_object_set_new(o, "reclaim_stall_ns", u64(s->reclaim_stall_ns));
	/* kcompactd's share of pgmigrate_success/fail, as the kernel's
	 * migrate:mm_migrate_pages tracepoint tells reason=compaction apart */
	json_t *cm = json_object();

	json_object_set_new(cm, "migrated", u64(s->mem.compact_migrated));
	json_object_set_new(cm, "failed", u64(s->mem.compact_migrate_failed));
	json_object_set_new(o, "compaction", cm);
	if (s->ic)
		json_object_set_new(o, "interconnect", interconnect_json(s));
	json_object_set_new(o, "tasks", tasks_json(s));
	json_object_set_new(o, "syscalls", syscalls_json(log));
	json_object_set_new(ex, "passed", u64(log ? log->expects_passed : 0));
	json_object_set_new(ex, "failed", u64(log ? log->expects_failed : 0));
	json_t *fails = json_array();

	for (uint64_t i = 0; log && i < log->nr_failures; i++)
		json_array_append_new(fails, text_json(log->failures[i]));
	json_object_set_new(ex, "failures", fails);
	json_object_set_new(o, "expects", ex);
	json_object_set_new(o, "snapshots",
			    log ? array_of(log->snapshots, log->nr_snapshots) : json_array());
	json_object_set_new(o, "timeseries",
			    log ? array_of(log->samples, log->nr_samples) : json_array());
	return o;
}

int report_write_json(struct sim *s, const struct trace_log *log, FILE *out)
{
	json_t *o = report_json(s, log);
	int rc = json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));

	fputc('\n', out);
	json_decref(o);
	return rc;
}

static int push(json_t ***arr, uint64_t *n, json_t *item)
{
	json_t **a = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (!a) {
		json_decref(item);
		return -1;
	}
	a[(*n)++] = item;
	*arr = a;
	return 0;
}

void report_add_snapshot(struct sim *s, struct trace_log *log, const char *label)
{
	json_t *o = json_object();

	json_object_set_new(o, "label", text_json(label ? label : ""));
	json_object_set_new(o, "time_ns", u64(sim_now(s)));
	json_object_set_new(o, "nodes", nodes_json(s));
	json_object_set_new(o, "tasks", tasks_json(s));
	if (push(&log->snapshots, &log->nr_snapshots, o))
		s->host_oom = true;
}

void report_add_sample(struct sim *s, struct trace_log *log)
{
	json_t *o = json_object(), *free_ = json_array(), *anon = json_array(),
	       *file = json_array();
	json_t *mapped = json_array(), *slab = json_array();

	json_object_set_new(o, "time_ns", u64(sim_now(s)));
	for (int n = 0; n < s->topo->nr_nodes; n++) {
		struct pglist_data *pg = &s->mem.nodes[n];

		json_array_append_new(free_, u64(node_free_pages(pg)));
		json_array_append_new(anon, u64(pg->stat[NR_ANON_MAPPED]));
		json_array_append_new(file, u64(pg->stat[NR_FILE_PAGES]));
		json_array_append_new(mapped, u64(pg->stat[NR_FILE_MAPPED]));
		json_array_append_new(slab, u64(pg->stat[NR_SLAB_RECLAIMABLE_B] +
						pg->stat[NR_SLAB_UNRECLAIMABLE_B]));
	}
	json_object_set_new(o, "free_pages", free_);
	json_object_set_new(o, "anon_pages", anon);
	json_object_set_new(o, "file_pages", file);
	json_object_set_new(o, "file_mapped_pages", mapped);
	json_object_set_new(o, "slab_pages", slab);
	json_object_set_new(o, "local", u64(s->acc.local));
	json_object_set_new(o, "remote", u64(s->acc.remote));
	json_object_set_new(o, "pgscan_kswapd", u64(s->mem.events[PGSCAN_KSWAPD]));
	json_object_set_new(o, "pgscan_direct", u64(s->mem.events[PGSCAN_DIRECT]));
	json_object_set_new(o, "pgmigrate_success", u64(s->mem.events[PGMIGRATE_SUCCESS]));
	json_object_set_new(o, "tier_pages", tier_pages_json(s));
	json_object_set_new(o, "pgdemote",
			    u64(s->mem.events[PGDEMOTE_KSWAPD] + s->mem.events[PGDEMOTE_DIRECT]));
	json_object_set_new(o, "pgpromote_success", u64(s->mem.events[PGPROMOTE_SUCCESS]));
	if (push(&log->samples, &log->nr_samples, o))
		s->host_oom = true;
}
