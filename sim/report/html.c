/*
 * html.c - a self-contained visual report: one HTML file with inline SVG
 * (memory per node as stacked bars, the access matrix as a heat map) and
 * the tables of the text report. No scripts, no external resources.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/units.h"
#include "mm/page_alloc.h"
#include "report/report.h"
#include "sim.h"
#include "task/mm.h"
#include "task/task.h"
#include "trace/replay.h"

static void esc(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
}

/* Stacked bar per node: anon, page cache, other used, free. */
static void memory_svg(struct sim *s, FILE *out)
{
	static const char *const colors[] = {"#d95f02", "#1b9e77", "#7570b3", "#e6e6e6"};
	static const char *const labels[] = {"anon", "page cache", "other", "free"};
	int nn = s->topo->nr_nodes, w = 60, gap = 20, h = 200;

	fprintf(out, "<svg width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"memory per node\">\n",
		nn * (w + gap) + 140, h + 40);
	for (int n = 0; n < nn; n++) {
		struct pglist_data *pg = &s->mem.nodes[n];
		uint64_t total = node_present_pages(pg), free_ = node_free_pages(pg);
		uint64_t anon = pg->stat[NR_ANON_MAPPED], file = pg->stat[NR_FILE_PAGES];
		uint64_t used = total - free_;
		uint64_t other = used > anon + file ? used - anon - file : 0;
		uint64_t part[4] = {anon, file, other, free_};
		double y = 10;

		/* top to bottom: free, other, page cache, anon */
		for (int k = 3; k >= 0 && total; k--) {
			double ph = (double)h * (double)part[k] / (double)total;

			fprintf(out, "<rect x=\"%d\" y=\"%.2f\" width=\"%d\" height=\"%.2f\" fill=\"%s\">"
				"<title>node %d %s: %llu pages</title></rect>\n",
				n * (w + gap), y, w, ph, colors[k], n, labels[k], (unsigned long long)part[k]);
			y += ph;
		}
		fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"12\">node %d</text>\n",
			n * (w + gap) + 8, h + 28, n);
	}
	for (int k = 0; k < 4; k++)
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			"<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>\n",
			nn * (w + gap) + 10, 14 + k * 20, colors[k], nn * (w + gap) + 28, 24 + k * 20,
			labels[k]);
	fputs("</svg>\n", out);
}

static void matrix_svg(struct sim *s, FILE *out)
{
	int nn = s->topo->nr_nodes, c = nn > 16 ? 20 : 36;
	uint64_t max = 1;

	for (int i = 0; i < nn * nn; i++)
		if (s->acc.matrix[i] > max)
			max = s->acc.matrix[i];
	fprintf(out, "<svg width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"access matrix\">\n",
		nn * c + 60 > 360 ? nn * c + 60 : 360, nn * c + 40);
	for (int a = 0; a < nn; a++) {
		for (int b = 0; b < nn; b++) {
			uint64_t v = s->acc.matrix[a * nn + b];
			int shade = 255 - (int)(200.0 * (double)v / (double)max);

			fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,255)\" "
				"stroke=\"#ccc\"><title>CPU node %d to memory node %d: %llu</title></rect>\n",
				50 + b * c, 20 + a * c, c, c, shade, shade, a, b, (unsigned long long)v);
		}
		fprintf(out, "<text x=\"0\" y=\"%d\" font-size=\"11\">node %d</text>\n", 20 + a * c + c / 2 + 4, a);
	}
	fprintf(out, "<text x=\"50\" y=\"12\" font-size=\"11\">memory node 0..%d &#8594; (rows: node of the CPU)</text>\n", nn - 1);
	fputs("</svg>\n", out);
}

/* A sample's number at key (per node when node >= 0). */
static double sample_value(json_t *sample, const char *key, int node)
{
	json_t *v = json_object_get(sample, key);

	if (node >= 0)
		v = json_array_get(v, (size_t)node);
	return json_is_number(v) ? json_number_value(v) : 0.0;
}

/* One polyline through (x, y) points scaled into the plot box. */
static void polyline(FILE *out, const double *x, const double *y, uint64_t n, double xmax,
		     double ymax, const char *color)
{
	const int left = 60, top = 10, w = 600, h = 200;

	fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", color);
	for (uint64_t i = 0; i < n; i++)
		fprintf(out, "%.1f,%.1f ", left + w * (xmax > 0 ? x[i] / xmax : 0.0),
			top + h - h * (ymax > 0 ? y[i] / ymax : 0.0));
	fputs("\"/>\n", out);
}

static void chart_frame(FILE *out, const char *ylabel, double xmax_ms, double ymax)
{
	fprintf(out, "<svg width=\"760\" height=\"250\" role=\"img\" aria-label=\"%s\">\n"
		"<rect x=\"60\" y=\"10\" width=\"600\" height=\"200\" fill=\"none\" stroke=\"#999\"/>\n"
		"<text x=\"0\" y=\"14\" font-size=\"11\">%.6g</text>"
		"<text x=\"0\" y=\"210\" font-size=\"11\">0</text>"
		"<text x=\"60\" y=\"228\" font-size=\"11\">0 ms</text>"
		"<text x=\"660\" y=\"228\" font-size=\"11\" text-anchor=\"end\">%.6g ms</text>"
		"<text x=\"250\" y=\"244\" font-size=\"11\">simulated time; %s</text>\n",
		ylabel, ymax, xmax_ms, ylabel);
}

static const char *const node_colors[] = {
	"#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
};

/* --timeseries: free pages per node, and the local ratio of each
 * interval's accesses. */
static void timeseries_svg(struct sim *s, FILE *out)
{
	struct trace_log *log = s->log;
	uint64_t n = log ? log->nr_samples : 0;
	int nn = s->topo->nr_nodes;

	if (n < 2)
		return;
	double *x = sim_calloc(s, n, sizeof(double)), *y = sim_calloc(s, n, sizeof(double));

	if (!x || !y)
		goto out;
	double xmax = 0, ymax = 0;

	for (uint64_t i = 0; i < n; i++) {
		x[i] = sample_value(log->samples[i], "time_ns", -1) / 1e6;
		xmax = x[i] > xmax ? x[i] : xmax;
	}
	for (int node = 0; node < nn; node++)
		ymax = ymax > (double)node_present_pages(&s->mem.nodes[node])
			       ? ymax : (double)node_present_pages(&s->mem.nodes[node]);
	fputs("<h2>Over time</h2>\n<p>Free pages per node", out);
	for (int node = 0; node < nn && node < 8; node++)
		fprintf(out, " &#8212; <span style=\"color:%s\">node %d</span>", node_colors[node], node);
	fputs(":</p>\n", out);
	chart_frame(out, "free pages", xmax, ymax);
	for (int node = 0; node < nn; node++) {
		for (uint64_t i = 0; i < n; i++)
			y[i] = sample_value(log->samples[i], "free_pages", node);
		polyline(out, x, y, n, xmax, ymax, node_colors[node % 8]);
	}
	fputs("</svg>\n<p>Local share of the accesses made in each interval:</p>\n", out);
	chart_frame(out, "local ratio", xmax, 1.0);
	for (uint64_t i = 0; i < n; i++) {
		double dl = sample_value(log->samples[i], "local", -1);
		double dr = sample_value(log->samples[i], "remote", -1);

		if (i) {
			dl -= sample_value(log->samples[i - 1], "local", -1);
			dr -= sample_value(log->samples[i - 1], "remote", -1);
		}
		y[i] = dl + dr > 0 ? dl / (dl + dr) : (i ? y[i - 1] : 0.0);
	}
	polyline(out, x, y, n, xmax, 1.0, "#333");
	fputs("</svg>\n", out);
out:
	free(x);
	free(y);
}

static void numastat_table(struct sim *s, FILE *out)
{
	fputs("<table><tr><th></th>", out);
	for (int n = 0; n < s->topo->nr_nodes; n++)
		fprintf(out, "<th>node%d</th>", n);
	fputs("</tr>\n", out);
	for (int i = 0; i < NR_NUMA_STAT_ITEMS; i++) {
		fprintf(out, "<tr><td>%s</td>", numa_stat_names[i]);
		for (int n = 0; n < s->topo->nr_nodes; n++)
			fprintf(out, "<td>%llu</td>", (unsigned long long)s->mem.nodes[n].numa_stat[i]);
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
}

static void map_line(void *ctx, const char *line)
{
	esc((FILE *)ctx, line);
	fputc('\n', (FILE *)ctx);
}

static void tasks_table(struct sim *s, FILE *out)
{
	uint64_t *v = sim_calloc(s, (size_t)s->topo->nr_nodes, sizeof(*v));

	if (!v || !s->tasks)
		goto out;
	fputs("<table><tr><th>pid</th><th>name</th><th>state</th><th>cpu</th><th>local %</th>", out);
	for (int n = 0; n < s->topo->nr_nodes; n++)
		fprintf(out, "<th>N%d</th>", n);
	fputs("</tr>\n", out);
	for (uint32_t i = 0; i < s->tasks->nr; i++) {
		struct task *t = s->tasks->by_order[i];
		uint64_t acc = t->acc_local + t->acc_remote;

		mm_pages_by_node(s, t->mm, v);
		fprintf(out, "<tr><td>%d</td><td>", t->pid);
		esc(out, t->comm);
		fprintf(out, "</td><td>%s</td><td>%d</td><td>%.2f</td>", task_state_names[t->state], t->cpu,
			acc ? 100.0 * (double)t->acc_local / (double)acc : 0.0);
		for (int n = 0; n < s->topo->nr_nodes; n++)
			fprintf(out, "<td>%llu</td>", (unsigned long long)v[n]);
		fputs("</tr>\n", out);
	}
	fputs("</table>\n<h2>numa_maps</h2>\n", out);
	for (uint32_t i = 0; i < s->tasks->nr; i++) {
		struct task *t = s->tasks->by_order[i];

		if (!t->mm || !t->mm->nr_vmas || t->pid != t->tgid)
			continue;
		fprintf(out, "<h3>pid %d</h3><pre>", t->pid);
		numa_maps_show(s, t, map_line, out);
		fputs("</pre>\n", out);
	}
out:
	free(v);
}

/* Only for a topology with links (model.md §8): one row per direction. */
static void interconnect_table(struct sim *s, FILE *out)
{
	uint64_t span = ic_span_ns(s->ic, sim_now(s));

	fprintf(out, "<h2>Interconnect</h2>\n<p>Cache line %u B; %.6f s of bandwidth stall added to tasks.</p>\n",
		s->ic->cacheline, (double)s->ic->stall_ns / 1e9);
	fputs("<table><tr><th>link</th><th>GB/s</th><th>bytes</th><th>busy s</th><th>util %</th></tr>\n", out);
	for (int i = 0; i < s->ic->nr_links; i++) {
		const struct ic_link *l = &s->ic->links[i];

		fprintf(out, "<tr><td>%d&rarr;%d</td><td>%g</td><td>%llu</td><td>%.6f</td><td>%.2f</td></tr>\n",
			l->from, l->to, l->GBps, (unsigned long long)l->bytes, (double)l->busy_ps / 1e12,
			span ? 100.0 * (double)l->busy_ps / 1000.0 / (double)span : 0.0);
	}
	fputs("</table>\n", out);
}

void report_write_html(struct sim *s, FILE *out)
{
	uint64_t total = s->acc.local + s->acc.remote;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>numasim report</title>\n"
	      "<style>body{font-family:sans-serif;margin:2em;max-width:70em}"
	      "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 8px;"
	      "text-align:right}pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style>\n"
	      "</head><body>\n", out);
	fprintf(out, "<h1>%s</h1>\n<p>Workload <b>", report_version());
	esc(out, s->log ? s->log->workload_name : "-");
	fputs("</b> on topology <b>", out);
	esc(out, s->topo->name);
	fprintf(out, "</b>: %d nodes, simulated time %.6f s.</p>\n", s->topo->nr_nodes,
		(double)sim_now(s) / 1e9);
	fputs("<h2>Memory per node</h2>\n", out);
	memory_svg(s, out);
	fprintf(out, "<h2>Accesses</h2>\n<p>%llu local, %llu remote: %.2f%% local, average latency %.1f ns.</p>\n",
		(unsigned long long)s->acc.local, (unsigned long long)s->acc.remote,
		total ? 100.0 * (double)s->acc.local / (double)total : 0.0,
		total ? (double)s->acc.latency_ps / 1000.0 / (double)total : 0.0);
	matrix_svg(s, out);
	timeseries_svg(s, out);
	fputs("<h2>numastat</h2>\n", out);
	numastat_table(s, out);
	if (s->ic)
		interconnect_table(s, out);
	fputs("<h2>Tasks</h2>\n", out);
	tasks_table(s, out);
	if (s->log && (s->log->expects_passed || s->log->expects_failed)) {
		fprintf(out, "<h2>Expectations</h2><p>%llu passed, %llu failed</p><pre>",
			(unsigned long long)s->log->expects_passed, (unsigned long long)s->log->expects_failed);
		for (uint64_t i = 0; i < s->log->nr_failures; i++) {
			esc(out, s->log->failures[i]);
			fputc('\n', out);
		}
		fputs("</pre>\n", out);
	}
	fputs("</body></html>\n", out);
}
