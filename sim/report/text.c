/*
 * text.c - the readable report: per-node memory (as numastat -m would
 * group it), numastat, local/remote accesses, vmstat, the per-task table
 * with numa_maps, syscall errors and expectations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno_names.h"
#include "core/units.h"
#include "mm/overcommit.h"
#include "mm/page_alloc.h"
#include "report/report.h"
#include "mm/huge_memory.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/task.h"
#include "report/runlog.h"

static void header_row(struct sim *s, FILE *out, const char *first)
{
	fprintf(out, "%-22s", first);
	for (int n = 0; n < s->topo->nr_nodes; n++) {
		char name[16];

		snprintf(name, sizeof(name), "node%d", n);
		fprintf(out, " %12s", name);
	}
	fprintf(out, " %12s\n", "total");
}

static void value_row(struct sim *s, FILE *out, const char *label, const uint64_t *v)
{
	uint64_t sum = 0;

	fprintf(out, "%-22s", label);
	for (int n = 0; n < s->topo->nr_nodes; n++) {
		fprintf(out, " %12llu", (unsigned long long)v[n]);
		sum += v[n];
	}
	fprintf(out, " %12llu\n", (unsigned long long)sum);
}

static void memory_section(struct sim *s, FILE *out, uint64_t *v)
{
	static const struct {
		const char *label;
		int item;
	} rows[] = {
		{"anon", NR_ANON_MAPPED},
		{"  huge (THP)", NR_ANON_THPS},
		{"file (page cache)", NR_FILE_PAGES},
		{"  mapped", NR_FILE_MAPPED},
		{"  dirty", NR_FILE_DIRTY},
		{"  shmem", NR_SHMEM},
		{"slab reclaimable", NR_SLAB_RECLAIMABLE_B},
		{"slab unreclaimable", NR_SLAB_UNRECLAIMABLE_B},
		{"kernel other", NR_KERNEL_MISC},
		{"mlocked", NR_MLOCK},
	};
	int nn = s->topo->nr_nodes;

	fprintf(out, "Memory per node, in %u KiB pages\n", s->topo->page_size / 1024);
	header_row(s, out, "");
	for (int n = 0; n < nn; n++)
		v[n] = node_present_pages(&s->mem.nodes[n]);
	value_row(s, out, "total", v);
	for (int n = 0; n < nn; n++)
		v[n] = node_free_pages(&s->mem.nodes[n]);
	value_row(s, out, "free", v);
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		/* AnonHugePages: nr_anon_transparent_hugepages x 512 pages */
		for (int n = 0; n < nn; n++)
			v[n] = s->mem.nodes[n].stat[rows[r].item] *
			       (rows[r].item == NR_ANON_THPS ? HPAGE_PMD_NR : 1);
		value_row(s, out, rows[r].label, v);
	}
	fputc('\n', out);
	fprintf(out, "numastat\n");
	header_row(s, out, "");
	for (int i = 0; i < NR_NUMA_STAT_ITEMS; i++) {
		for (int n = 0; n < nn; n++)
			v[n] = s->mem.nodes[n].numa_stat[i];
		value_row(s, out, numa_stat_names[i], v);
	}
	fputc('\n', out);
}

/* /proc/meminfo's Committed_AS and CommitLimit, at the end of the run. */
static void commit_line(struct sim *s, FILE *out)
{
	unsigned kb = s->topo->page_shift - 10;
	uint64_t committed = vm_memory_committed(s), limit = vm_commit_limit(s);

	fprintf(out,
		"Commit: Committed_AS %llu kB (%llu pages), CommitLimit %llu kB (%llu pages), "
		"vm.overcommit_memory=%lld\n\n",
		(unsigned long long)(committed << kb), (unsigned long long)committed,
		(unsigned long long)(limit << kb), (unsigned long long)limit,
		(long long)tun(&s->tun, TUN_OVERCOMMIT_MEMORY));
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void access_section(struct sim *s, FILE *out)
{
	uint64_t total = s->acc.local + s->acc.remote;
	int nn = s->topo->nr_nodes;

	fprintf(out,
		"Accesses: %llu local (%.2f%%), %llu remote (%.2f%%), average latency %.1f ns\n",
		(unsigned long long)s->acc.local, pct(s->acc.local, total),
		(unsigned long long)s->acc.remote, pct(s->acc.remote, total),
		access_avg_latency_ns(s->acc.latency_ps, total));
	if (!total) {
		fputc('\n', out);
		return;
	}
	fprintf(out, "Access matrix (rows: CPU node, columns: memory node)\n");
	header_row(s, out, "");
	for (int a = 0; a < nn; a++) {
		char label[24];

		snprintf(label, sizeof(label), "from node%d", a);
		value_row(s, out, label, &s->acc.matrix[a * nn]);
	}
	fputc('\n', out);
}

static void vmstat_section(struct sim *s, FILE *out)
{
	int col = 0;

	fprintf(out, "vmstat\n");
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++) {
		fprintf(out, "  %-22s %12llu", vm_event_names[i],
			(unsigned long long)s->mem.events[i]);
		if (++col % 3 == 0)
			fputc('\n', out);
	}
	if (col % 3)
		fputc('\n', out);
	fputc('\n', out);
}

/* Only for a topology with links (model.md §8): one row per direction. */
static void interconnect_section(struct sim *s, FILE *out)
{
	uint64_t span = ic_span_ns(s->ic, sim_now(s));

	fprintf(out, "Interconnect (cache line %u B): %.6f s of bandwidth stall added to tasks\n",
		s->ic->cacheline, (double)s->ic->stall_ns / 1e9);
	fprintf(out, "%-10s %10s %16s %14s %8s\n", "link", "GB/s", "bytes", "busy s", "util%");
	for (int i = 0; i < s->ic->nr_links; i++) {
		const struct ic_link *l = &s->ic->links[i];
		char name[24];

		snprintf(name, sizeof(name), "%d->%d", l->from, l->to);
		fprintf(out, "%-10s %10g %16llu %14.6f %7.2f%%\n", name, l->GBps,
			(unsigned long long)l->bytes, (double)l->busy_ps / 1e12,
			span ? 100.0 * (double)l->busy_ps / 1000.0 / (double)span : 0.0);
	}
	fputc('\n', out);
}

static void print_line(void *ctx, const char *line)
{
	fprintf((FILE *)ctx, "    %s\n", line);
}

static void task_section(struct sim *s, FILE *out, uint64_t *v)
{
	int nn = s->topo->nr_nodes;

	if (!s->tasks || !s->tasks->nr)
		return;
	fprintf(out, "Tasks\n%7s %-16s %-10s %4s %5s %8s", "pid", "name", "state", "cpu", "node",
		"local%");
	for (int n = 0; n < nn; n++) {
		char name[16];

		snprintf(name, sizeof(name), "N%d", n);
		fprintf(out, " %9s", name);
	}
	fputc('\n', out);
	for (uint32_t i = 0; i < s->tasks->nr; i++) {
		struct task *t = s->tasks->by_order[i];

		mm_pages_by_node(s, t->mm, v);
		fprintf(out, "%7d %-16.16s %-10s %4d %5d %7.2f%%", t->pid, t->comm,
			task_state_names[t->state], t->cpu, task_node(s, t),
			pct(t->acc_local, t->acc_local + t->acc_remote));
		for (int n = 0; n < nn; n++)
			fprintf(out, " %9llu", (unsigned long long)v[n]);
		fputc('\n', out);
	}
	fputc('\n', out);
	fprintf(out, "numa_maps (processes with mappings)\n");
	for (uint32_t i = 0; i < s->tasks->nr; i++) {
		struct task *t = s->tasks->by_order[i];

		if (!t->mm || !t->mm->nr_vmas || t->pid != t->tgid)
			continue;
		fprintf(out, "  pid %d (%s)\n", t->pid, t->comm);
		numa_maps_show(s, t, print_line, out);
	}
	fputc('\n', out);
}

static void log_section(const struct trace_log *log, FILE *out)
{
	bool any = false;

	if (!log)
		return;
	for (int e = 1; e < (int)(sizeof(log->errors) / sizeof(log->errors[0])); e++) {
		if (!log->errors[e])
			continue;
		if (!any)
			fprintf(out, "System call errors:");
		fprintf(out, " %s=%llu", errno_name(e) ? errno_name(e) : "?",
			(unsigned long long)log->errors[e]);
		any = true;
	}
	if (any)
		fputc('\n', out);
	if (log->skipped)
		fprintf(out, "Records skipped (task exited or OOM-killed): %llu\n",
			(unsigned long long)log->skipped);
	if (log->expects_passed || log->expects_failed)
		fprintf(out, "Expectations: %llu passed, %llu failed\n",
			(unsigned long long)log->expects_passed,
			(unsigned long long)log->expects_failed);
	for (uint64_t i = 0; i < log->nr_failures; i++)
		fprintf(out, "  FAILED %s\n", log->failures[i]);
}

void report_write_text(struct sim *s, const struct trace_log *log, FILE *out)
{
	uint64_t total = 0;
	char size[32];
	uint64_t *v = sim_calloc(s, (size_t)s->topo->nr_nodes, sizeof(*v));

	if (!v)
		return;
	for (int n = 0; n < s->topo->nr_nodes; n++)
		total += s->topo->nodes[n].memory_bytes;
	fprintf(out, "%s: workload %s on topology %s (%d nodes, %s)\n", report_version(),
		log ? log->workload_name : "-", s->topo->name, s->topo->nr_nodes,
		format_size(total, size, sizeof(size)));
	/* events as the JSON report counts them: records and engine events */
	uint64_t executed = log ? log->executed : 0;

	fprintf(out, "Simulated time %.6f s, %llu records run, %llu events\n\n",
		(double)sim_now(s) / 1e9, (unsigned long long)executed,
		(unsigned long long)(s->eng.events_run + executed));
	if (log && log->interrupted)
		fprintf(out, "INTERRUPTED: the replay was stopped by a signal; this is the run so "
			     "far\n\n");
	memory_section(s, out, v);
	commit_line(s, out);
	access_section(s, out);
	vmstat_section(s, out);
	if (s->ic)
		interconnect_section(s, out);
	if (s->mem.events[PGMIGRATE_SUCCESS] || s->mem.events[PGMIGRATE_FAIL])
		fprintf(out, "Migration: %llu pages moved, %llu failed, %.6f s spent migrating\n\n",
			(unsigned long long)s->mem.events[PGMIGRATE_SUCCESS],
			(unsigned long long)s->mem.events[PGMIGRATE_FAIL],
			(double)s->migrate_ns / 1e9);
	task_section(s, out, v);
	log_section(log, out);
	free(v);
}
