/*
 * interconnect.h - bandwidth and contention on the links between nodes
 * (docs/topology-format.md `interconnect`; docs/model.md §8).
 *
 * Only a topology that declares links gets a struct interconnect; without
 * one the simulation models latency alone, exactly as before.
 *
 * Routing: traffic from node x to node y (x != y) follows the route with
 * the fewest links, then the smallest sum of SLIT distances over its
 * links, then (recursively from y back to x) the lowest-numbered node
 * before each hop. Routes are found on first use of a source node and
 * never change (the topology does not).
 *
 * Contention: each declared link is full duplex, two directed links
 * ("a->b" and "b->a") that each carry GBps on their own. A directed link
 * is a first-come-first-served server: a transfer of B bytes ready at
 * time t starts at max(t, busy_until), lasts B / GBps, and moves
 * busy_until to its end. The links of a route work at the same time
 * (a cache-line stream is pipelined, not stored and forwarded), so a
 * transfer completes when its slowest link does.
 *
 * A record's accesses are added up per directed link (ic_add) and booked
 * once when the record ends (ic_settle), so the cost is O(links on the
 * route) per record, not per access. Page copies that finish as their
 * own events (migration) are booked one page at a time (ic_transfer).
 *
 * Times on links are kept in picoseconds so that small transfers (one
 * 64-byte line at 40 GB/s is 1.6 ns) do not round away.
 */
#ifndef NUMASIM_TOPO_INTERCONNECT_H
#define NUMASIM_TOPO_INTERCONNECT_H

#include <stdint.h>

#include "topo/topo.h"

struct ic_link {
	int from, to;		/* data flows from -> to */
	int decl;		/* index in topology.links */
	double GBps;		/* bytes per ns */
	uint64_t busy_until_ps; /* end of the last transfer booked */
	uint64_t busy_ps;	/* time spent transferring, over the run */
	uint64_t bytes;		/* bytes moved, over the run */
	uint64_t pending;	/* bytes of the running record, not booked yet */
};

struct interconnect {
	const struct topology *topo;
	uint32_t cacheline;    /* bytes one access moves (topology cacheline_bytes) */
	int nr_links;	       /* directed links: twice topology.nr_links */
	struct ic_link *links; /* 2i: a->b of topology.links[i]; 2i+1: b->a */
	int *adj_start, *adj; /* directed links leaving node n: adj[adj_start[n]..adj_start[n+1]) */
	int32_t *last_link;   /* [from * nr_nodes + to]: last link of the route, -1 none */
	uint8_t *routed;      /* per source node: its row of last_link is computed */
	uint32_t *hops, *dist; /* scratch for route_from() */
	uint8_t *done;
	int *touched; /* links with pending bytes */
	int nr_touched;
	uint64_t stall_ns; /* time added to records and copies by link contention */
};

/* NULL when out of memory; t must declare links and outlive the result. */
struct interconnect *ic_create(const struct topology *t);
void ic_free(struct interconnect *ic);

/*
 * The directed links from node `from` to node `to`, in the order data
 * crosses them, into links[max]. Returns how many (0 for from == to or
 * no route).
 */
int ic_route(struct interconnect *ic, int from, int to, int *links, int max);

/* Adds bytes moving from -> to to the running record's traffic. */
void ic_add(struct interconnect *ic, int from, int to, uint64_t bytes);

/*
 * Books the running record's traffic, ready at start_ns, on its links.
 * The record took cost_ns by latency alone; returns how much longer it
 * takes because its traffic completes later (0 if it does not), and adds
 * that to stall_ns.
 */
uint64_t ic_settle(struct interconnect *ic, uint64_t start_ns, uint64_t cost_ns);

/*
 * Books bytes from -> to, ready at ready_ns, at once; returns when the
 * transfer completes (ready_ns when nothing crosses a link).
 */
uint64_t ic_transfer(struct interconnect *ic, int from, int to, uint64_t bytes, uint64_t ready_ns);

/* The run's length for utilisation: now, or later if a link is still busy. */
uint64_t ic_span_ns(const struct interconnect *ic, uint64_t now_ns);

#endif
