/*
 * engine.h - the discrete-event engine: simulated clock and event queue.
 *
 * Time is simulated, in nanoseconds. Events are kept in a binary min-heap
 * ordered by (time, seq); seq is the insertion counter, so events due at
 * the same instant run in the order they were scheduled (docs/architecture.md:
 * deterministic tie-breaking). An event is a callback with two
 * arguments; the engine owns no other state.
 *
 * Invariant: now never decreases; an event scheduled in the past runs at
 * now.
 */
#ifndef NUMASIM_CORE_ENGINE_H
#define NUMASIM_CORE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

struct engine;
typedef void (*event_fn)(void *ctx, uint64_t arg);

struct event {
	uint64_t time;
	uint64_t seq;
	event_fn fn;
	void *ctx;
	uint64_t arg;
};

struct engine {
	uint64_t now;
	uint64_t next_seq;
	uint64_t events_run;
	struct event *heap;
	uint64_t len, cap;
	bool host_oom; /* a schedule failed for want of host memory */
};

void engine_init(struct engine *e);
void engine_free(struct engine *e);
/* Schedules fn(ctx, arg) at absolute time t (clamped to now). */
int engine_at(struct engine *e, uint64_t t, event_fn fn, void *ctx, uint64_t arg);
/* Time of the earliest pending event, or UINT64_MAX when none. */
uint64_t engine_next_time(const struct engine *e);
/* Runs the earliest event; returns false when the queue is empty. */
bool engine_step(struct engine *e);
/* Runs every event due at or before t, then sets now = max(now, t). */
void engine_run_until(struct engine *e, uint64_t t);

#endif
