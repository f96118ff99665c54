/*
 * interconnect.c - routes over the declared links and the links'
 * timelines (see interconnect.h and docs/model.md §8).
 */
#include "topo/interconnect.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#define NO_HOPS UINT32_MAX
/* Longest transfer booked at once: keeps busy_until_ps far from overflow
 * whatever a tiny GBps and a huge copy make of it. */
#define MAX_TRANSFER_PS (UINT64_MAX / 4)

/* Directed links leaving each node, in link order (CSR arrays). */
static int build_adjacency(struct interconnect *ic)
{
	int n = ic->topo->nr_nodes, pos = 0;

	ic->adj_start = calloc((size_t)n + 1, sizeof(int));
	ic->adj = calloc((size_t)ic->nr_links, sizeof(int));
	if (!ic->adj_start || !ic->adj)
		return -1;
	for (int node = 0; node < n; node++) {
		ic->adj_start[node] = pos;
		for (int l = 0; l < ic->nr_links; l++)
			if (ic->links[l].from == node)
				ic->adj[pos++] = l;
	}
	ic->adj_start[n] = pos;
	return 0;
}

static void init_links(struct interconnect *ic)
{
	const struct topology *t = ic->topo;

	for (int i = 0; i < t->nr_links; i++) {
		struct ic_link *ab = &ic->links[2 * i], *ba = &ic->links[2 * i + 1];

		ab->from = ba->to = t->links[i].a;
		ab->to = ba->from = t->links[i].b;
		ab->decl = ba->decl = i;
		ab->GBps = ba->GBps = t->links[i].GBps;
	}
}

struct interconnect *ic_create(const struct topology *t)
{
	struct interconnect *ic = calloc(1, sizeof(*ic));
	size_t n = (size_t)t->nr_nodes;

	if (!ic)
		return NULL;
	ic->topo = t;
	ic->cacheline = t->cacheline_bytes ? t->cacheline_bytes : 64;
	ic->nr_links = 2 * t->nr_links;
	ic->links = calloc((size_t)ic->nr_links, sizeof(*ic->links));
	ic->touched = calloc((size_t)ic->nr_links, sizeof(int));
	ic->last_link = malloc(n * n * sizeof(*ic->last_link));
	ic->routed = calloc(n, 1);
	ic->hops = calloc(n, sizeof(*ic->hops));
	ic->dist = calloc(n, sizeof(*ic->dist));
	ic->done = calloc(n, 1);
	if (!ic->links || !ic->touched || !ic->last_link || !ic->routed || !ic->hops || !ic->dist ||
	    !ic->done) {
		ic_free(ic);
		return NULL;
	}
	init_links(ic);
	if (build_adjacency(ic)) {
		ic_free(ic);
		return NULL;
	}
	return ic;
}

void ic_free(struct interconnect *ic)
{
	if (!ic)
		return;
	free(ic->links);
	free(ic->touched);
	free(ic->last_link);
	free(ic->routed);
	free(ic->hops);
	free(ic->dist);
	free(ic->done);
	free(ic->adj_start);
	free(ic->adj);
	free(ic);
}

/* ---- routing ------------------------------------------------------------ */

/* Is (h, d) reached from node p a better way to a node than (h2, d2)
 * reached from p2? Fewer links, then shorter SLIT sum, then lower p. */
static bool better(uint32_t h, uint32_t d, int p, uint32_t h2, uint32_t d2, int p2)
{
	if (h != h2)
		return h < h2;
	if (d != d2)
		return d < d2;
	return p < p2;
}

/* The unfinished node with the best (hops, distance, id), or -1. */
static int closest_open(const struct interconnect *ic)
{
	int best = -1;

	for (int v = 0; v < ic->topo->nr_nodes; v++) {
		if (ic->done[v] || ic->hops[v] == NO_HOPS)
			continue;
		if (best < 0 || ic->hops[v] < ic->hops[best] ||
		    (ic->hops[v] == ic->hops[best] && ic->dist[v] < ic->dist[best]))
			best = v;
	}
	return best;
}

static void relax(struct interconnect *ic, int32_t *row, int u)
{
	for (int k = ic->adj_start[u]; k < ic->adj_start[u + 1]; k++) {
		int l = ic->adj[k], v = ic->links[l].to;
		uint32_t h = ic->hops[u] + 1;
		uint32_t d = ic->dist[u] + (uint32_t)topo_distance(ic->topo, u, v);
		int pv = row[v] >= 0 ? ic->links[row[v]].from : ic->topo->nr_nodes;

		if (ic->done[v] || !better(h, d, u, ic->hops[v], ic->dist[v], pv))
			continue;
		ic->hops[v] = h;
		ic->dist[v] = d;
		row[v] = l;
	}
}

/*
 * Dijkstra from src on the key (links, SLIT sum). Every link adds a hop,
 * so all best predecessors of a node are finished before it and each
 * offers itself in relax(): the lowest-numbered one wins, whatever order
 * the links were declared in.
 */
static void route_from(struct interconnect *ic, int src)
{
	int n = ic->topo->nr_nodes;
	int32_t *row = &ic->last_link[(size_t)src * (size_t)n];

	for (int v = 0; v < n; v++) {
		row[v] = -1;
		ic->hops[v] = NO_HOPS;
		ic->dist[v] = UINT32_MAX;
		ic->done[v] = 0;
	}
	ic->hops[src] = 0;
	ic->dist[src] = 0;
	for (int u; (u = closest_open(ic)) >= 0;) {
		ic->done[u] = 1;
		relax(ic, row, u);
	}
	ic->routed[src] = 1;
}

static const int32_t *route_row(struct interconnect *ic, int from)
{
	if (!ic->routed[from])
		route_from(ic, from);
	return &ic->last_link[(size_t)from * (size_t)ic->topo->nr_nodes];
}

int ic_route(struct interconnect *ic, int from, int to, int *links, int max)
{
	const int32_t *row = route_row(ic, from);
	int nr = 0;

	for (int v = to; v != from && row[v] >= 0 && nr < max; v = ic->links[row[v]].from)
		links[nr++] = row[v];
	for (int i = 0; i < nr / 2; i++) {
		int tmp = links[i];

		links[i] = links[nr - 1 - i];
		links[nr - 1 - i] = tmp;
	}
	return nr;
}

/* ---- timelines ---------------------------------------------------------- */

/* Books bytes on link l, ready at ready_ps; returns when they are across. */
static uint64_t book(struct ic_link *l, uint64_t bytes, uint64_t ready_ps)
{
	double ps = ceil((double)bytes * 1000.0 / l->GBps);
	uint64_t dur = ps < (double)MAX_TRANSFER_PS ? (uint64_t)ps : MAX_TRANSFER_PS;
	uint64_t begin = ready_ps > l->busy_until_ps ? ready_ps : l->busy_until_ps;

	/* saturate rather than wrap: absurd traces must not go back in time */
	l->busy_until_ps = begin > UINT64_MAX - dur ? UINT64_MAX : begin + dur;
	l->busy_ps = l->busy_ps > UINT64_MAX - dur ? UINT64_MAX : l->busy_ps + dur;
	l->bytes += bytes;
	return l->busy_until_ps;
}

static uint64_t ns_to_ps(uint64_t ns)
{
	return ns > UINT64_MAX / 1000 ? UINT64_MAX : ns * 1000;
}

static uint64_t ps_to_ns_up(uint64_t ps)
{
	return ps / 1000 + (ps % 1000 ? 1 : 0);
}

void ic_add(struct interconnect *ic, int from, int to, uint64_t bytes)
{
	const int32_t *row;

	if (from == to || !bytes)
		return;
	row = route_row(ic, from);
	/* The route backwards: the order does not matter for a sum. */
	for (int v = to; v != from && row[v] >= 0; v = ic->links[row[v]].from) {
		struct ic_link *l = &ic->links[row[v]];

		if (!l->pending)
			ic->touched[ic->nr_touched++] = row[v];
		l->pending += bytes;
	}
}

uint64_t ic_settle(struct interconnect *ic, uint64_t start_ns, uint64_t cost_ns)
{
	uint64_t done_ps = 0, done_ns, extra;

	for (int i = 0; i < ic->nr_touched; i++) {
		struct ic_link *l = &ic->links[ic->touched[i]];
		uint64_t end = book(l, l->pending, ns_to_ps(start_ns));

		l->pending = 0;
		if (end > done_ps)
			done_ps = end;
	}
	ic->nr_touched = 0;
	done_ns = ps_to_ns_up(done_ps);
	if (done_ns <= start_ns + cost_ns)
		return 0;
	extra = done_ns - start_ns - cost_ns;
	ic->stall_ns += extra;
	return extra;
}

uint64_t ic_transfer(struct interconnect *ic, int from, int to, uint64_t bytes, uint64_t ready_ns)
{
	const int32_t *row;
	uint64_t done_ps = ns_to_ps(ready_ns);

	if (from == to || !bytes)
		return ready_ns;
	row = route_row(ic, from);
	for (int v = to; v != from && row[v] >= 0; v = ic->links[row[v]].from) {
		uint64_t end = book(&ic->links[row[v]], bytes, ns_to_ps(ready_ns));

		if (end > done_ps)
			done_ps = end;
	}
	return ps_to_ns_up(done_ps);
}

uint64_t ic_span_ns(const struct interconnect *ic, uint64_t now_ns)
{
	uint64_t span = now_ns;

	for (int l = 0; l < ic->nr_links; l++)
		if (ps_to_ns_up(ic->links[l].busy_until_ps) > span)
			span = ps_to_ns_up(ic->links[l].busy_until_ps);
	return span;
}
