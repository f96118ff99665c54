/*
 * html.c - the visual report as slides (docs/report.md): one
 * self-contained HTML file, inline SVG and CSS, no script and nothing
 * fetched from the network. Each slide is a <section class="slide">
 * with an id the tests look for:
 *
 *   title, topology, memory, memory-time, locality, matrix, counters,
 *   snapshots, tasks, expects (and interconnect with links).
 *
 * Everything is drawn from the JSON report (report_json()), so the
 * pictures show the same numbers as the JSON, plus the topology for the
 * CPUs, memory sizes and links. Per-node pictures are small multiples or
 * one row per node, never one colour per node, so they stay readable up
 * to 64 nodes.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bitmap.h"
#include "report/report.h"
#include "sim.h"
#include "topo/topo.h"
#include "report/runlog.h"

/* ---- small helpers ---------------------------------------------------------- */

static void esc(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '&':
			fputs("&amp;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

static double num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : 0.0;
}

static double num_at(json_t *o, const char *key, int i)
{
	json_t *v = json_array_get(json_object_get(o, key), (size_t)i);

	return json_is_number(v) ? json_number_value(v) : 0.0;
}

/* 1234567 -> "1.2M": cell labels of the heat map. */
static void compact(char *buf, size_t len, double v)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.1fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.1fM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%.0fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
}

static void slide_begin(FILE *out, const char *id, const char *title)
{
	fprintf(out, "<section class=\"slide\" id=\"%s\">\n<h2>%s</h2>\n", id, title);
}

static void slide_end(FILE *out)
{
	fputs("</section>\n", out);
}

/* ---- memory categories --------------------------------------------------------- */

/* The parts of a node's memory, bottom to top in the drawings: the
 * seed article's pictures of a node filling with page cache. */
enum { M_ANON, M_MAPPED, M_UNMAPPED, M_SLAB, M_OTHER, M_FREE, NR_MPARTS };
static const char *const mpart_name[NR_MPARTS] = {
	"anonymous", "page cache, mapped", "page cache, unmapped", "slab", "other kernel", "free",
};
static const char *const mpart_color[NR_MPARTS] = {
	"#d95f02", "#1b7f6a", "#7fcdbb", "#7570b3", "#a6761d", "#e4e4e4",
};

struct mparts {
	double v[NR_MPARTS];
	double total;
};

/* From a node object of the report or a snapshot (pages). */
static struct mparts mparts_node(json_t *node)
{
	struct mparts m = {{0}, num(node, "total_pages")};
	double file = num(node, "file_pages"), mapped = num(node, "file_mapped_pages");

	m.v[M_ANON] = num(node, "anon_pages");
	m.v[M_MAPPED] = mapped;
	m.v[M_UNMAPPED] = file > mapped ? file - mapped : 0;
	m.v[M_SLAB] = num(node, "slab_pages");
	m.v[M_FREE] = num(node, "free_pages");
	double known = m.v[M_ANON] + file + m.v[M_SLAB] + m.v[M_FREE];

	m.v[M_OTHER] = m.total > known ? m.total - known : 0;
	return m;
}

/* From a --timeseries sample (per-node arrays). */
static struct mparts mparts_sample(json_t *sample, int n, double total)
{
	struct mparts m = {{0}, total};
	double file = num_at(sample, "file_pages", n),
	       mapped = num_at(sample, "file_mapped_pages", n);

	m.v[M_ANON] = num_at(sample, "anon_pages", n);
	m.v[M_MAPPED] = mapped;
	m.v[M_UNMAPPED] = file > mapped ? file - mapped : 0;
	m.v[M_SLAB] = num_at(sample, "slab_pages", n);
	m.v[M_FREE] = num_at(sample, "free_pages", n);
	double known = m.v[M_ANON] + file + m.v[M_SLAB] + m.v[M_FREE];

	m.v[M_OTHER] = total > known ? total - known : 0;
	return m;
}

static void mparts_legend(FILE *out)
{
	fputs("<div class=\"legend\">", out);
	for (int k = 0; k < NR_MPARTS; k++)
		fprintf(out, "<span><i style=\"background:%s\"></i>%s</span>", mpart_color[k],
			mpart_name[k]);
	fputs("</div>\n", out);
}

/* One row per node: a horizontal stacked bar of its memory. */
static void memory_bars(FILE *out, json_t *nodes, uint32_t page_size, const char *label)
{
	int nn = (int)json_array_size(nodes);
	int rh = nn <= 8 ? 30 : nn <= 16 ? 20 : nn <= 32 ? 12 : 9, left = 70, w = 760;
	int h = nn * rh + 30;

	fprintf(out,
		"<svg class=\"bars\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
		"aria-label=\"%s\">\n",
		left + w + 150, h, left + w + 150, h, label);
	for (int n = 0; n < nn; n++) {
		struct mparts m = mparts_node(json_array_get(nodes, (size_t)n));
		double x = left, y = 4 + n * rh;

		for (int k = 0; k < NR_MPARTS && m.total > 0; k++) {
			double pw = w * m.v[k] / m.total;

			if (pw <= 0)
				continue;
			fprintf(out,
				"<rect class=\"part\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" "
				"height=\"%d\" "
				"fill=\"%s\"><title>node %d %s: %.0f pages (%.1f "
				"MiB)</title></rect>\n",
				x, y, pw, rh - 2, mpart_color[k], n, mpart_name[k], m.v[k],
				m.v[k] * page_size / 1048576.0);
			x += pw;
		}
		if (rh >= 12 || n % 4 == 0)
			fprintf(out,
				"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" "
				"font-size=\"%d\">node %d</text>\n",
				left - 6, y + rh / 2.0 + 4, rh >= 12 ? 12 : 9, n);
		if (rh >= 12)
			fprintf(out,
				"<text x=\"%d\" y=\"%.1f\" font-size=\"11\">%.0f%% used</text>\n",
				left + w + 8, y + rh / 2.0 + 4,
				m.total > 0 ? 100.0 * (m.total - m.v[M_FREE]) / m.total : 0.0);
	}
	fprintf(out,
		"<text x=\"%d\" y=\"%d\" font-size=\"11\">0</text><text x=\"%d\" y=\"%d\" "
		"font-size=\"11\" text-anchor=\"end\">all of the node's memory</text>\n",
		left, h - 6, left + w, h - 6);
	fputs("</svg>\n", out);
}

/* ---- slides --------------------------------------------------------------------- */

/* More than one memory tier (docs/model.md §11): nodes with memory whose
 * abstract distances fall in different tiers. */
static bool topo_has_tiers(const struct topology *t)
{
	int first = -1;

	for (int n = 0; n < t->nr_nodes; n++) {
		if (!t->nodes[n].memory_bytes)
			continue;
		if (first < 0)
			first = t->nodes[n].adistance >> 7;
		else if (t->nodes[n].adistance >> 7 != first)
			return true;
	}
	return false;
}

static void title_slide(FILE *out, struct sim *s, json_t *r)
{
	json_t *acc = json_object_get(r, "accesses"), *ex = json_object_get(r, "expects");
	json_t *wl = json_object_get(r, "workload");

	fputs("<section class=\"slide\" id=\"title\">\n<h1>", out);
	esc(out, json_string_value(json_object_get(wl, "name")));
	fputs(" on ", out);
	esc(out, s->topo->name);
	fprintf(out, "</h1>\n<p class=\"sub\">%s</p>\n<div class=\"cards\">", report_version());
	fprintf(out, "<div class=\"card\"><b>%d</b>nodes</div>", s->topo->nr_nodes);
	fprintf(out, "<div class=\"card\"><b>%.6g s</b>simulated</div>",
		num(r, "sim_time_ns") / 1e9);
	fprintf(out, "<div class=\"card\"><b>%.0f</b>records run</div>", num(wl, "executed"));
	fprintf(out, "<div class=\"card\"><b>%.2f%%</b>of accesses local</div>",
		100.0 * num(acc, "local_ratio"));
	fprintf(out, "<div class=\"card\"><b>%.1f ns</b>average access latency</div>",
		num(acc, "avg_latency_ns"));
	if (num(ex, "passed") + num(ex, "failed") > 0)
		fprintf(out, "<div class=\"card\"><b>%.0f / %.0f</b>expects held</div>",
			num(ex, "passed"), num(ex, "passed") + num(ex, "failed"));
	else
		fputs("<div class=\"card\"><b>none</b>expects in the trace</div>", out);
	fputs("</div>\n", out);
	if (s->topo->description) {
		fputs("<p>", out);
		esc(out, s->topo->description);
		fputs("</p>\n", out);
	}
	fputs("<nav>", out);
	static const char *const ids[] = {"topology",  "memory", "memory-time",
					  "locality",  "matrix", "counters",
					  "snapshots", "tasks",	 "expects"};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		fprintf(out, "<a href=\"#%s\">%s</a> ", ids[i], ids[i]);
		if (!strcmp(ids[i], "locality") && topo_has_tiers(s->topo))
			fputs("<a href=\"#tiers\">tiers</a> ", out);
	}
	fputs("</nav>\n", out);
	slide_end(out);
}

/* Grey for far, dark for near: the SLIT distance of an edge. */
static void distance_style(int d, int dmin, int dmax, char *buf, size_t len)
{
	double f = dmax > dmin ? (double)(d - dmin) / (double)(dmax - dmin) : 0.0;
	int g = (int)(40 + 150 * f);

	snprintf(buf, len, "stroke=\"rgb(%d,%d,%d)\" stroke-width=\"%.1f\"", g, g, g + 20,
		 3.5 - 2.5 * f);
}

static void node_box(FILE *out, const struct topology *t, int n, double cx, double cy, double bw,
		     double bh)
{
	const struct topo_node *nd = &t->nodes[n];
	char cpus[256] = "";

	bm_printlist(nd->cpus.w, NS_MAX_CPUS, cpus, sizeof(cpus));
	fprintf(out,
		"<g class=\"node\"><title>node %d: cpus %s, %.0f MiB</title>"
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"6\" fill=\"%s\" "
		"stroke=\"#345\"/>\n",
		n, nd->nr_cpus ? cpus : "none", nd->memory_bytes / 1048576.0, cx - bw / 2,
		cy - bh / 2, bw, bh, nd->nr_cpus ? "#dbe9f6" : "#f3e3c3");
	if (bw >= 80) {
		fprintf(out,
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\" "
			"font-weight=\"bold\">node %d</text>\n",
			cx, cy - bh / 2 + 16, n);
		fprintf(out,
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			"font-size=\"11\">%s%s</text>\n",
			cx, cy - bh / 2 + 31, nd->nr_cpus ? "cpus " : "no cpus",
			nd->nr_cpus ? cpus : "");
		fprintf(out,
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%.0f "
			"MiB</text>\n",
			cx, cy - bh / 2 + 45, nd->memory_bytes / 1048576.0);
		if (topo_has_tiers(t) && nd->memory_bytes)
			fprintf(out,
				"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
				"font-size=\"11\" "
				"font-style=\"italic\">tier %d</text>\n",
				cx, cy - bh / 2 + 58, nd->adistance >> 7);
	} else {
		fprintf(out,
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			"font-size=\"%d\">%d</text>\n",
			cx, cy + 4, bw >= 40 ? 12 : 9, n);
	}
	fputs("</g>\n", out);
}

/*
 * Nodes on a circle; edges by SLIT distance: every pair up to 8 nodes
 * (labelled with the distance), else each node's nearest other nodes;
 * with declared links, the links instead, labelled with their GB/s.
 */
static void topology_slide(FILE *out, struct sim *s)
{
	const struct topology *t = s->topo;
	int nn = t->nr_nodes, dmin = 255, dmax = 10;
	double bw = nn <= 8    ? 130
		    : nn <= 16 ? 60
			       : 26,
	       bh = nn <= 8    ? (topo_has_tiers(t) ? 68 : 54)
		    : nn <= 16 ? 30
			       : 20;
	double R = nn <= 1 ? 0 : nn <= 8 ? 190 : nn <= 16 ? 230 : 270, W = 2 * R + bw + 60;
	double H = 2 * R + bh + 60;
	/* nr_nodes >= 1 for a loaded topology; the clamp also tells GCC's
	 * -Walloc-size-larger-than (Release, -O3) that the count is positive */
	size_t nalloc = nn > 0 ? (size_t)nn : 1;
	double *x = calloc(nalloc, sizeof(double)), *y = calloc(nalloc, sizeof(double));
	char st[96];

	slide_begin(out, "topology", "The machine");
	if (!x || !y)
		goto out;
	for (int a = 0; a < nn; a++) {
		for (int b = 0; b < nn; b++) {
			int d = topo_distance(t, a, b);

			if (a != b && d < dmin)
				dmin = d;
			if (d > dmax)
				dmax = d;
		}
	}
	/* Around the circle in a nearest-neighbour tour from node 0, so that
	 * near nodes sit side by side (a ring is drawn as a ring). */
	bool *done = calloc(nalloc, sizeof(bool));

	if (!done)
		goto out;
	for (int pos = 0, cur = 0; pos < nn; pos++) {
		done[cur] = true;
		x[cur] = W / 2 + R * sin(2 * M_PI * pos / nn);
		y[cur] = H / 2 - R * cos(2 * M_PI * pos / nn);
		int next = -1;

		for (int b = 0; b < nn; b++)
			if (!done[b] &&
			    (next < 0 || topo_distance(t, cur, b) < topo_distance(t, cur, next)))
				next = b;
		if (next < 0)
			break;
		cur = next;
	}
	free(done);
	fputs("<div class=\"cols\">", out);
	fprintf(out,
		"<svg class=\"topo\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
		"role=\"img\" aria-label=\"topology\">\n",
		W, H, W, H);
	if (t->nr_links) {
		for (int i = 0; i < t->nr_links; i++) {
			const struct topo_link *l = &t->links[i];

			fprintf(out,
				"<line class=\"edge link\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				"y2=\"%.1f\" "
				"stroke=\"#c0392b\" stroke-width=\"4\"><title>link %d-%d: %g GB/s, "
				"distance %d"
				"</title></line>\n",
				x[l->a], y[l->a], x[l->b], y[l->b], l->a, l->b, l->GBps,
				topo_distance(t, l->a, l->b));
			if (nn <= 16)
				fprintf(out,
					"<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
					"fill=\"#c0392b\" "
					"text-anchor=\"middle\" stroke=\"#fff\" stroke-width=\"3\" "
					"paint-order=\"stroke\">"
					"%g GB/s</text>\n",
					(x[l->a] + x[l->b]) / 2, (y[l->a] + y[l->b]) / 2 - 4,
					l->GBps);
		}
	} else {
		for (int a = 0; a < nn; a++) {
			int near = 255;

			for (int b = 0; b < nn; b++)
				if (b != a && topo_distance(t, a, b) < near)
					near = topo_distance(t, a, b);
			for (int b = a + 1; b < nn; b++) {
				int d = topo_distance(t, a, b) > topo_distance(t, b, a)
						? topo_distance(t, a, b)
						: topo_distance(t, b, a);

				if (nn > 8 && d > near)
					continue;
				distance_style(d, dmin, dmax, st, sizeof(st));
				/* many nodes: thin, see-through lines show the groups
				 * without turning into a solid mass */
				fprintf(out,
					"<line class=\"edge\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
					"y2=\"%.1f\" %s%s>"
					"<title>node %d - node %d: distance %d</title></line>\n",
					x[a], y[a], x[b], y[b], st,
					nn > 16	 ? " stroke-opacity=\"0.25\" "
						   "style=\"stroke-width:0.6\""
					: nn > 8 ? " stroke-opacity=\"0.6\""
						 : "",
					a, b, d);
				if (nn <= 8) {
					/* the label sits a third of the way along, so crossing
					 * diagonals do not put theirs on top of each other */
					double lx = x[a] + (x[b] - x[a]) / 3,
					       ly = y[a] + (y[b] - y[a]) / 3;

					fprintf(out,
						"<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
						"text-anchor=\"middle\" "
						"class=\"dist\" stroke=\"#fff\" stroke-width=\"3\" "
						"paint-order=\"stroke\">%d</text>\n",
						lx, ly + 4, d);
				}
			}
		}
	}
	for (int n = 0; n < nn; n++)
		node_box(out, t, n, x[n], y[n], bw, bh);
	fputs("</svg>\n<div class=\"side\">", out);
	if (t->nr_links)
		fputs("<p>Red lines are the interconnect's links with their bandwidth; the SLIT "
		      "distances are in the table.</p>",
		      out);
	else if (nn <= 8)
		fputs("<p>Each line joins two nodes, labelled with their SLIT distance (10 is "
		      "local); "
		      "darker and thicker is nearer.</p>",
		      out);
	else
		fputs("<p>Lines join each node to its nearest nodes (darker and thicker is "
		      "nearer); "
		      "every distance is in the table.</p>",
		      out);
	fputs("<p>Blue boxes have CPUs; sand-coloured boxes are memory-only nodes.</p>", out);
	if (nn <= 16) {
		fputs("<table class=\"slit\"><tr><th>distance</th>", out);
		for (int b = 0; b < nn; b++)
			fprintf(out, "<th>%d</th>", b);
		fputs("</tr>\n", out);
		for (int a = 0; a < nn; a++) {
			fprintf(out, "<tr><th>%d</th>", a);
			for (int b = 0; b < nn; b++)
				fprintf(out, "<td%s>%d</td>", a == b ? " class=\"diag\"" : "",
					topo_distance(t, a, b));
			fputs("</tr>\n", out);
		}
		fputs("</table>", out);
	} else {
		fprintf(out,
			"<p>Distances range from %d to %d (<code>numasim topo show</code> prints "
			"them all).</p>",
			dmin, dmax);
	}
	fputs("</div></div>\n", out);
out:
	free(x);
	free(y);
	slide_end(out);
}

static void memory_slide(FILE *out, struct sim *s, json_t *r)
{
	slide_begin(out, "memory", "Memory per node at the end");
	mparts_legend(out);
	memory_bars(out, json_object_get(r, "nodes"), s->topo->page_size, "memory per node");
	slide_end(out);
}

/* One small stacked-area chart of a node's memory over the points. */
static void node_area(FILE *out, int n, const struct mparts *pts, const double *tms, uint64_t np,
		      double tmax)
{
	const double w = 240, h = 80, l = 4, top = 16;

	fprintf(out,
		"<svg class=\"area\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
		"role=\"img\" aria-label=\"node %d over time\">\n<text x=\"4\" y=\"12\" "
		"font-size=\"11\">"
		"node %d</text>\n",
		w + 2 * l, h + top + 4, w + 2 * l, h + top + 4, n, n);
	for (int k = 0; k < NR_MPARTS; k++) {
		fprintf(out, "<polygon fill=\"%s\" points=\"", mpart_color[k]);
		/* upper edge left to right, lower edge back */
		for (uint64_t i = 0; i < np; i++) {
			double below = 0;

			for (int j = 0; j <= k; j++)
				below += pts[i].v[j];
			fprintf(out, "%.1f,%.1f ", l + w * (tmax > 0 ? tms[i] / tmax : 0),
				top + h - h * (pts[i].total > 0 ? below / pts[i].total : 0));
		}
		for (uint64_t i = np; i-- > 0;) {
			double below = 0;

			for (int j = 0; j < k; j++)
				below += pts[i].v[j];
			fprintf(out, "%.1f,%.1f ", l + w * (tmax > 0 ? tms[i] / tmax : 0),
				top + h - h * (pts[i].total > 0 ? below / pts[i].total : 0));
		}
		fprintf(out, "\"><title>node %d: %s</title></polygon>\n", n, mpart_name[k]);
	}
	fputs("</svg>\n", out);
}

/*
 * Memory of each node over time, stacked: from the --timeseries samples,
 * else from the snapshots and the end of the run.
 */
static void memory_time_slide(FILE *out, struct sim *s, json_t *r)
{
	json_t *ts = json_object_get(r, "timeseries"), *snaps = json_object_get(r, "snapshots");
	json_t *nodes = json_object_get(r, "nodes");
	uint64_t nts = json_array_size(ts), nsn = json_array_size(snaps);
	bool from_samples = nts >= 2;
	uint64_t np = from_samples ? nts : nsn + 1;
	int nn = s->topo->nr_nodes;

	slide_begin(out, "memory-time", "Memory per node over time");
	if (!from_samples && nsn == 0) {
		fputs("<p class=\"note\">This run kept no samples: run with <code>--timeseries "
		      "1ms</code> "
		      "(or add <code>snapshot</code> records to the trace) to see each node's "
		      "memory change "
		      "over time.</p>\n",
		      out);
		slide_end(out);
		return;
	}
	struct mparts *pts = calloc(np, sizeof(*pts));
	double *tms = calloc(np, sizeof(double)), tmax = 0;

	if (!pts || !tms)
		goto out;
	mparts_legend(out);
	fprintf(out,
		"<p>%s, 0 to %.6g ms of simulated time; each chart is one node, its whole "
		"height all of the node's memory.</p>\n<div class=\"grid\">\n",
		from_samples ? "From the --timeseries samples"
			     : "From the snapshots and the end of the run",
		num(r, "sim_time_ns") / 1e6);
	for (int n = 0; n < nn; n++) {
		double total = num(json_array_get(nodes, (size_t)n), "total_pages");

		for (uint64_t i = 0; i < np; i++) {
			if (from_samples) {
				pts[i] = mparts_sample(json_array_get(ts, i), n, total);
				tms[i] = num(json_array_get(ts, i), "time_ns") / 1e6;
			} else if (i < nsn) {
				json_t *sn = json_array_get(snaps, i);

				pts[i] = mparts_node(
					json_array_get(json_object_get(sn, "nodes"), (size_t)n));
				tms[i] = num(sn, "time_ns") / 1e6;
			} else {
				pts[i] = mparts_node(json_array_get(nodes, (size_t)n));
				tms[i] = num(r, "sim_time_ns") / 1e6;
			}
			tmax = tms[i] > tmax ? tms[i] : tmax;
		}
		node_area(out, n, pts, tms, np, tmax);
	}
	fputs("</div>\n", out);
out:
	free(pts);
	free(tms);
	slide_end(out);
}

/* The frame of a line chart over simulated time: an 800 x 270 SVG, the
 * plot box, five grid lines labelled ylab[0..4] from the bottom, the time
 * axis 0..tmax ms and its caption. The caller draws the lines and closes
 * the SVG. */
static void chart_frame(FILE *out, const char *aria, double left, double top, double w, double h,
			double tmax, char ylab[5][16], const char *caption)
{
	fprintf(out,
		"<svg class=\"line\" viewBox=\"0 0 800 270\" width=\"800\" height=\"270\" "
		"role=\"img\" "
		"aria-label=\"%s\">\n<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" "
		"fill=\"none\" stroke=\"#999\"/>\n",
		aria, left, top, w, h);
	for (int k = 0; k <= 4; k++) {
		double yy = top + h - h * k / 4.0, xx = left + w * k / 4.0;

		fprintf(out,
			"<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
			"<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" "
			"text-anchor=\"end\">%s</text>\n",
			left, left + w, yy, yy, left - 6, yy + 4, ylab[k]);
		fprintf(out,
			"<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" "
			"text-anchor=\"middle\">%.4g</text>\n",
			xx, top + h + 16, tmax * k / 4.0);
	}
	fprintf(out,
		"<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" text-anchor=\"middle\">%s</text>\n",
		left + w / 2, top + h + 36, caption);
}

static void locality_slide(FILE *out, json_t *r)
{
	json_t *ts = json_object_get(r, "timeseries");
	uint64_t n = json_array_size(ts);
	const double left = 60, top = 10, w = 700, h = 220;
	double tmax = n ? num(json_array_get(ts, n - 1), "time_ns") / 1e6 : 0, prev = 0;

	slide_begin(out, "locality", "Local share of the accesses over time");
	if (n < 2) {
		fprintf(out,
			"<p class=\"note\">%.2f%% of all accesses were local. Run with "
			"<code>--timeseries 1ms</code> to see how the share changed over "
			"time.</p>\n",
			100.0 * num(json_object_get(r, "accesses"), "local_ratio"));
		slide_end(out);
		return;
	}
	char ylab[5][16];

	for (int k = 0; k <= 4; k++)
		snprintf(ylab[k], sizeof(ylab[k]), "%d%%", 25 * k);
	chart_frame(out, "local ratio", left, top, w, h, tmax, ylab, "simulated time (ms)");
	fputs("<polyline fill=\"none\" stroke=\"#08519c\" stroke-width=\"2\" points=\"", out);
	for (uint64_t i = 0; i < n; i++) {
		json_t *a = json_array_get(ts, i), *b = i ? json_array_get(ts, i - 1) : NULL;
		double dl = num(a, "local") - (b ? num(b, "local") : 0);
		double dr = num(a, "remote") - (b ? num(b, "remote") : 0);
		double v = dl + dr > 0 ? dl / (dl + dr) : prev;

		prev = v;
		fprintf(out, "%.1f,%.1f ",
			left + w * (tmax > 0 ? num(a, "time_ns") / 1e6 / tmax : 0),
			top + h - h * v);
	}
	fputs("\"/>\n</svg>\n<p>Each point is the local share of the accesses made since the "
	      "sample "
	      "before (an interval without accesses keeps the previous value).</p>\n",
	      out);
	slide_end(out);
}

/*
 * Memory tiers (docs/model.md §11): each tier's nodes, and with samples
 * the pages (anonymous + page cache) held in each tier over time, from
 * the timeseries' tier_pages. Shown only on machines with several tiers.
 */
static void tiers_slide(FILE *out, json_t *r)
{
	static const char *const color[] = {"#08519c", "#d94801", "#238b45", "#6a51a3"};
	json_t *tiers = json_object_get(json_object_get(r, "topology"), "memory_tiers");
	json_t *ts = json_object_get(r, "timeseries");
	size_t nt = json_array_size(tiers), n = json_array_size(ts);
	const double left = 70, top = 10, w = 690, h = 220;
	double tmax = n ? num(json_array_get(ts, n - 1), "time_ns") / 1e6 : 0, vmax = 1;

	if (nt < 2)
		return;
	slide_begin(out, "tiers", "Memory tiers");
	fputs("<table><tr><th>tier</th><th>nodes</th><th>top tier</th><th>demotes to</th></tr>\n",
	      out);
	for (size_t i = 0; i < nt; i++) {
		json_t *tr = json_array_get(tiers, i), *v;
		size_t k;

		fprintf(out, "<tr><td><span style=\"color:%s\">&#9632;</span> %d</td><td>",
			color[i % 4], (int)num(tr, "id"));
		json_array_foreach(json_object_get(tr, "nodes"), k, v)
			fprintf(out, "%s%d", k ? ", " : "", (int)json_integer_value(v));
		fprintf(out, "</td><td>%s</td><td>",
			json_is_true(json_object_get(tr, "top_tier")) ? "yes" : "no");
		json_array_foreach(json_object_get(tr, "demotion_fallback"), k, v)
			fprintf(out, "%s%d", k ? ", " : "", (int)json_integer_value(v));
		fputs(json_array_size(json_object_get(tr, "demotion_fallback")) ? "</td></tr>\n"
										: "-</td></tr>\n",
		      out);
	}
	fputs("</table>\n", out);
	if (n < 2) {
		fputs("<p class=\"note\">Run with <code>--timeseries 1s</code> to see the pages "
		      "each tier "
		      "holds over time.</p>\n",
		      out);
		slide_end(out);
		return;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < nt; k++) {
			double v = num_at(json_array_get(ts, i), "tier_pages", (int)k);

			vmax = v > vmax ? v : vmax;
		}
	char ylab[5][16];

	for (int k = 0; k <= 4; k++)
		compact(ylab[k], sizeof(ylab[k]), vmax * k / 4.0);
	chart_frame(out, "pages per tier", left, top, w, h, tmax, ylab,
		    "simulated time (ms); pages held per tier");
	for (size_t k = 0; k < nt; k++) {
		fprintf(out,
			"<polyline class=\"tier\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
			"points=\"",
			color[k % 4]);
		for (size_t i = 0; i < n; i++) {
			json_t *a = json_array_get(ts, i);

			fprintf(out, "%.1f,%.1f ",
				left + w * (tmax > 0 ? num(a, "time_ns") / 1e6 / tmax : 0),
				top + h - h * num_at(a, "tier_pages", (int)k) / vmax);
		}
		fputs("\"/>\n", out);
	}
	fputs("</svg>\n<p>Anonymous and page-cache pages in each tier's nodes at each sample; "
	      "demotion moves them down, promotion up (kernel.numa_balancing=2).</p>\n",
	      out);
	slide_end(out);
}

/* White to dark blue. */
static void heat_color(double f, char *buf, size_t len)
{
	static const int lo[3] = {247, 251, 255}, hi[3] = {8, 48, 107};

	snprintf(buf, len, "rgb(%d,%d,%d)", (int)(lo[0] + (hi[0] - lo[0]) * f),
		 (int)(lo[1] + (hi[1] - lo[1]) * f), (int)(lo[2] + (hi[2] - lo[2]) * f));
}

static void matrix_slide(FILE *out, json_t *r)
{
	json_t *m = json_object_get(json_object_get(r, "accesses"), "matrix");
	int nn = (int)json_array_size(m);
	int c = nn <= 4 ? 90 : nn <= 8 ? 60 : nn <= 16 ? 36 : nn <= 32 ? 18 : 10;
	int left = 90, top = 50, step = nn <= 16 ? 1 : nn <= 32 ? 2 : 4;
	double max = 0;
	char col[32], lab[32];

	slide_begin(out, "matrix", "Who accessed whose memory");
	for (int a = 0; a < nn; a++)
		for (int b = 0; b < nn; b++) {
			double v = json_number_value(
				json_array_get(json_array_get(m, (size_t)a), (size_t)b));

			max = v > max ? v : max;
		}
	int W = left + nn * c + 120, H = top + nn * c + 40;

	fprintf(out,
		"<svg class=\"heat\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
		"aria-label=\"access matrix\">\n<defs><linearGradient id=\"scale\" x1=\"0\" "
		"y1=\"1\" x2=\"0\" "
		"y2=\"0\"><stop offset=\"0\" stop-color=\"rgb(247,251,255)\"/><stop offset=\"1\" "
		"stop-color=\"rgb(8,48,107)\"/></linearGradient></defs>\n",
		W, H, W, H);
	fprintf(out,
		"<text x=\"%d\" y=\"16\" font-size=\"12\" text-anchor=\"middle\">node of the "
		"memory "
		"&#8594;</text>\n",
		left + nn * c / 2);
	fprintf(out,
		"<text x=\"14\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" "
		"transform=\"rotate(-90 14 %d)\">"
		"node of the CPU &#8594;</text>\n",
		top + nn * c / 2, top + nn * c / 2);
	for (int a = 0; a < nn; a++) {
		if (a % step == 0) {
			fprintf(out,
				"<text x=\"%d\" y=\"%d\" font-size=\"11\" "
				"text-anchor=\"end\">%d</text>\n",
				left - 6, top + a * c + c / 2 + 4, a);
			fprintf(out,
				"<text x=\"%d\" y=\"%d\" font-size=\"11\" "
				"text-anchor=\"middle\">%d</text>\n",
				left + a * c + c / 2, top - 8, a);
		}
		for (int b = 0; b < nn; b++) {
			double v = json_number_value(
				json_array_get(json_array_get(m, (size_t)a), (size_t)b));
			double f = max > 0 ? v / max : 0;

			heat_color(f, col, sizeof(col));
			fprintf(out,
				"<rect class=\"cell\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
				"fill=\"%s\" "
				"stroke=\"%s\"><title>CPU node %d, memory node %d: %.0f "
				"accesses</title></rect>\n",
				left + b * c, top + a * c, c, c, col, a == b ? "#e6550d" : "#fff",
				a, b, v);
			if (c >= 32) {
				compact(lab, sizeof(lab), v);
				fprintf(out,
					"<text class=\"val\" x=\"%d\" y=\"%d\" font-size=\"11\" "
					"text-anchor=\"middle\" "
					"fill=\"%s\">%s</text>\n",
					left + b * c + c / 2, top + a * c + c / 2 + 4,
					f > 0.5 ? "#fff" : "#222", lab);
			}
		}
	}
	/* the colour scale */
	int sx = left + nn * c + 30, sh = nn * c < 120 ? nn * c : 120;

	compact(lab, sizeof(lab), max);
	fprintf(out,
		"<rect class=\"scale\" x=\"%d\" y=\"%d\" width=\"16\" height=\"%d\" "
		"fill=\"url(#scale)\" "
		"stroke=\"#999\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text><text x=\"%d\" "
		"y=\"%d\" "
		"font-size=\"11\">0</text><text x=\"%d\" y=\"%d\" "
		"font-size=\"11\">accesses</text>\n",
		sx, top, sh, sx + 22, top + 10, lab, sx + 22, top + sh, sx, top + sh + 18);
	fputs("</svg>\n<p>Row: the node of the CPU that made the access; column: the node of the "
	      "memory. "
	      "The diagonal (outlined) is local.</p>\n",
	      out);
	slide_end(out);
}

static bool is_balancing(const char *k)
{
	return !strncmp(k, "pgmigrate", 9) || !strncmp(k, "numa_", 5) ||
	       !strncmp(k, "pgdemote", 8) || !strncmp(k, "pgpromote", 9) || strstr(k, "migration");
}

static bool is_reclaim(const char *k)
{
	return !strncmp(k, "pgscan", 6) || !strncmp(k, "pgsteal", 7) ||
	       !strncmp(k, "zone_reclaim", 12) || !strcmp(k, "allocstall") ||
	       !strcmp(k, "kswapd_wake") || !strncmp(k, "pswp", 4) || !strcmp(k, "oom_kill") ||
	       !strcmp(k, "pgrefill") || !strcmp(k, "pgactivate") || !strcmp(k, "pgdeactivate");
}

static void counter_table(FILE *out, json_t *vm, int group, const char *title)
{
	const char *k;
	json_t *v;

	fprintf(out, "<div><h3>%s</h3><table class=\"ctr\">", title);
	json_object_foreach(vm, k, v)
	{
		int g = is_balancing(k) ? 1 : is_reclaim(k) ? 2 : 0;

		if (g == group)
			fprintf(out, "<tr%s><td>%s</td><td>%.0f</td></tr>",
				json_number_value(v) ? "" : " class=\"zero\"", k,
				json_number_value(v));
	}
	fputs("</table></div>\n", out);
}

static void counters_slide(FILE *out, struct sim *s, json_t *r)
{
	json_t *nodes = json_object_get(r, "nodes"), *vm = json_object_get(r, "vmstat");
	json_t *ns0 = json_object_get(json_array_get(nodes, 0), "numastat");
	const char *k;
	json_t *v;

	slide_begin(out, "counters", "Counters: numastat and vmstat");
	fputs("<div class=\"cols\"><div><h3>numastat (pages)</h3><table class=\"ctr "
	      "numastat\"><tr><th>node</th>",
	      out);
	json_object_foreach(ns0, k, v) fprintf(out, "<th>%s</th>", k);
	fputs("</tr>\n", out);
	for (int n = 0; n < s->topo->nr_nodes; n++) {
		fprintf(out, "<tr><th>%d</th>", n);
		json_object_foreach(json_object_get(json_array_get(nodes, (size_t)n), "numastat"),
				    k, v) fprintf(out, "<td>%.0f</td>", json_number_value(v));
		fputs("</tr>\n", out);
	}
	fputs("</table></div>\n", out);
	counter_table(out, vm, 1, "migration and NUMA balancing");
	counter_table(out, vm, 2, "reclaim");
	counter_table(out, vm, 0, "faults and allocation");
	fprintf(out,
		"</div>\n<p>Time spent migrating pages: %.6f s; reclaim stalls: %.6f s. Zero "
		"counters are greyed.</p>\n",
		num(r, "migrate_ns") / 1e9, num(r, "reclaim_stall_ns") / 1e9);
	slide_end(out);
}

static void snapshots_slide(FILE *out, struct sim *s, json_t *r)
{
	json_t *snaps = json_object_get(r, "snapshots");
	size_t i;
	json_t *sn;

	slide_begin(out, "snapshots", "Snapshots");
	if (!json_array_size(snaps)) {
		fputs("<p class=\"note\">The trace takes no snapshots (a <code>snapshot "
		      "label=NAME</code> "
		      "record saves the state of every node at its moment).</p>\n",
		      out);
		slide_end(out);
		return;
	}
	mparts_legend(out);
	json_array_foreach(snaps, i, sn)
	{
		fputs("<div class=\"snap\"><h3>", out);
		esc(out, json_string_value(json_object_get(sn, "label")));
		fprintf(out, " <small>at %.6f ms</small></h3>\n", num(sn, "time_ns") / 1e6);
		memory_bars(out, json_object_get(sn, "nodes"), s->topo->page_size, "snapshot");
		fputs("</div>\n", out);
	}
	slide_end(out);
}

static void tasks_slide(FILE *out, struct sim *s, json_t *r)
{
	json_t *tasks = json_object_get(r, "tasks"), *t;
	size_t i;
	int nn = s->topo->nr_nodes;

	slide_begin(out, "tasks", "Tasks and where their memory is");
	if (!json_array_size(tasks)) {
		fputs("<p class=\"note\">The trace runs no tasks.</p>\n", out);
		slide_end(out);
		return;
	}
	/* a long run of short-lived tasks: the exited ones are counted, not listed */
	bool brief = json_array_size(tasks) > 32;
	unsigned hidden = 0, shown = 0;

	json_array_foreach(tasks, i, t)
	{
		const char *state = json_string_value(json_object_get(t, "state"));

		shown += !(brief && state && !strcmp(state, "exited"));
	}
	if (!shown)
		fprintf(out,
			"<p>All %zu tasks have exited (each is listed in the JSON report).</p>\n",
			json_array_size(tasks));
	else
		fputs("<table class=\"ctr "
		      "tasks\"><tr><th>pid</th><th>name</th><th>state</th><th>cpu</th>"
		      "<th>node</th><th>local %</th><th>pages by node</th></tr>\n",
		      out);

	json_array_foreach(tasks, i, t)
	{
		json_t *by = json_object_get(t, "pages_by_node"),
		       *acc = json_object_get(t, "accesses");
		const char *sep = "";
		const char *state = json_string_value(json_object_get(t, "state"));

		if (brief && state && !strcmp(state, "exited")) {
			hidden++;
			continue;
		}
		fprintf(out, "<tr><td>%.0f</td><td>", num(t, "pid"));
		esc(out, json_string_value(json_object_get(t, "name")));
		fputs("</td><td>", out);
		esc(out, json_string_value(json_object_get(t, "state")));
		fprintf(out, "</td><td>%.0f</td><td>%.0f</td>", num(t, "cpu"), num(t, "node"));
		if (num(acc, "local") + num(acc, "remote") > 0)
			fprintf(out, "<td>%.2f</td><td class=\"l\">",
				100.0 * num(acc, "local_ratio"));
		else
			fputs("<td>-</td><td class=\"l\">", out);
		for (int n = 0; n < nn; n++) {
			double v = json_number_value(json_array_get(by, (size_t)n));

			if (v) {
				fprintf(out, "%sN%d=%.0f", sep, n, v);
				sep = " ";
			}
		}
		fprintf(out, "%s</td></tr>\n", *sep ? "" : "none");
	}
	if (shown)
		fputs("</table>\n", out);
	if (hidden && shown)
		fprintf(out, "<p>and %u exited tasks (listed in the JSON report).</p>\n", hidden);
	json_array_foreach(tasks, i, t)
	{
		json_t *maps = json_object_get(t, "numa_maps"), *l;
		size_t j;

		if (!json_array_size(maps))
			continue;
		fprintf(out, "<details><summary>numa_maps of pid %.0f</summary><pre>",
			num(t, "pid"));
		json_array_foreach(maps, j, l)
		{
			esc(out, json_string_value(l));
			fputc('\n', out);
		}
		fputs("</pre></details>\n", out);
	}
	slide_end(out);
}

static void expects_slide(FILE *out, json_t *r)
{
	json_t *ex = json_object_get(r, "expects"), *f = json_object_get(ex, "failures"), *l;
	double pass = num(ex, "passed"), fail = num(ex, "failed");
	size_t i;

	slide_begin(out, "expects", "Expectations");
	if (pass + fail == 0) {
		fputs("<p class=\"note\">The trace has no <code>expect</code> records.</p>\n", out);
		slide_end(out);
		return;
	}
	fprintf(out, "<p class=\"%s\"><b>%.0f</b> held, <b>%.0f</b> failed.</p>\n",
		fail ? "bad" : "good", pass, fail);
	if (json_array_size(f)) {
		fputs("<ul class=\"failures\">", out);
		json_array_foreach(f, i, l)
		{
			fputs("<li>", out);
			esc(out, json_string_value(l));
			fputs("</li>", out);
		}
		fputs("</ul>\n", out);
	}
	slide_end(out);
}

/* Only for a topology with links (docs/model.md §8): one row per direction. */
static void interconnect_slide(FILE *out, json_t *r)
{
	json_t *ic = json_object_get(r, "interconnect"), *links = json_object_get(ic, "links"), *l;
	size_t i;

	if (!ic)
		return;
	slide_begin(out, "interconnect", "Interconnect");
	fputs("<table class=\"ctr\"><tr>", out);
	const char *k;
	json_t *v;

	json_object_foreach(json_array_get(links, 0), k, v) fprintf(out, "<th>%s</th>", k);
	fputs("</tr>\n", out);
	json_array_foreach(links, i, l)
	{
		fputs("<tr>", out);
		json_object_foreach(l, k, v)
		{
			if (json_is_number(v))
				fprintf(out, "<td>%.6g</td>", json_number_value(v));
			else if (json_is_string(v)) {
				fputs("<td>", out);
				esc(out, json_string_value(v));
				fputs("</td>", out);
			} else {
				fputs("<td></td>", out);
			}
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
	slide_end(out);
}

static const char style[] =
	"<style>\n"
	"html{scroll-snap-type:y "
	"proximity}body{font-family:system-ui,sans-serif;margin:0;color:#222;"
	"background:#fafafa}\n"
	".slide{min-height:100vh;box-sizing:border-box;padding:3vh 4vw;scroll-snap-align:start;"
	"border-bottom:2px solid #ddd;background:#fff;overflow-x:auto}\n"
	"h1{font-size:2.4em;margin:.2em 0}h2{margin:.2em 0 .6em}.sub{color:#666}\n"
	".cards{display:flex;flex-wrap:wrap;gap:1em;margin:2em 0}.card{border:1px solid #ccd;"
	"border-radius:8px;padding:1em 1.4em;min-width:9em;background:#f4f7fb}.card "
	"b{display:block;"
	"font-size:1.6em}\n"
	"nav a{margin-right:1em}\n"
	".legend{display:flex;flex-wrap:wrap;gap:.4em 1.4em;margin:.4em 0 .8em}.legend "
	"i{display:inline-block;"
	"width:14px;height:14px;margin-right:6px;vertical-align:-2px;border:1px solid #999}\n"
	".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:6px}\n"
	".cols{display:flex;flex-wrap:wrap;gap:2em;align-items:flex-start}\n"
	"table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;"
	"text-align:right;font-size:.9em}td.l,.ctr td:first-child{text-align:left}tr.zero "
	"td{color:#aaa}td.diag{background:#fde0cf}\n"
	".side{max-width:46em}\n"
	"svg.topo{display:inline-block;vertical-align:top;max-width:100%;height:auto}\n"
	"svg{max-width:100%;height:auto}\n"
	".note{color:#555;font-style:italic}.good{color:#1a7f37}.bad{color:#b00020}\n"
	"pre{background:#f6f6f6;padding:1em;overflow-x:auto}\n"
	"@media print{.slide{min-height:auto;page-break-after:always}}\n"
	/* a very tall window (a whole-report screenshot) shows the slides stacked */
	"@media (min-height:2500px){.slide{min-height:auto;padding:24px 48px}}\n"
	"</style>\n";

void report_write_html(struct sim *s, const struct trace_log *log, FILE *out)
{
	json_t *r = report_json(s, log);

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width\">\n<title>numasim: ",
	      out);
	esc(out, log ? log->workload_name : "-");
	fputs(" on ", out);
	esc(out, s->topo->name);
	fputs("</title>\n", out);
	fputs(style, out);
	fputs("</head><body>\n", out);
	if (!r) {
		fputs("<p>out of host memory</p></body></html>\n", out);
		return;
	}
	title_slide(out, s, r);
	topology_slide(out, s);
	memory_slide(out, s, r);
	memory_time_slide(out, s, r);
	locality_slide(out, r);
	tiers_slide(out, r);
	matrix_slide(out, r);
	counters_slide(out, s, r);
	snapshots_slide(out, s, r);
	tasks_slide(out, s, r);
	expects_slide(out, r);
	interconnect_slide(out, r);
	fputs("</body></html>\n", out);
	json_decref(r);
}
