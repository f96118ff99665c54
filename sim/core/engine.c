#include "core/engine.h"

#include <stdlib.h>
#include <string.h>

void engine_init(struct engine *e)
{
	memset(e, 0, sizeof(*e));
}

void engine_free(struct engine *e)
{
	free(e->heap);
	memset(e, 0, sizeof(*e));
}

static bool before(const struct event *a, const struct event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

int engine_at(struct engine *e, uint64_t t, event_fn fn, void *ctx, uint64_t arg)
{
	if (e->len == e->cap) {
		uint64_t cap = e->cap ? e->cap * 2 : 64;
		struct event *h = realloc(e->heap, cap * sizeof(*h));

		if (!h) {
			e->host_oom = true; /* the replay stops: see sim_malloc() */
			return -1;
		}
		e->heap = h;
		e->cap = cap;
	}
	struct event ev = {t < e->now ? e->now : t, e->next_seq++, fn, ctx, arg};
	uint64_t i = e->len++;

	while (i > 0) {
		uint64_t parent = (i - 1) / 2;

		if (!before(&ev, &e->heap[parent]))
			break;
		e->heap[i] = e->heap[parent];
		i = parent;
	}
	e->heap[i] = ev;
	return 0;
}

uint64_t engine_next_time(const struct engine *e)
{
	return e->len ? e->heap[0].time : UINT64_MAX;
}

static struct event pop(struct engine *e)
{
	struct event top = e->heap[0];
	struct event last = e->heap[--e->len];
	uint64_t i = 0;

	for (;;) {
		uint64_t c = 2 * i + 1;

		if (c >= e->len)
			break;
		if (c + 1 < e->len && before(&e->heap[c + 1], &e->heap[c]))
			c++;
		if (!before(&e->heap[c], &last))
			break;
		e->heap[i] = e->heap[c];
		i = c;
	}
	if (e->len)
		e->heap[i] = last;
	return top;
}

bool engine_step(struct engine *e)
{
	if (!e->len)
		return false;
	struct event ev = pop(e);

	if (ev.time > e->now)
		e->now = ev.time;
	e->events_run++;
	ev.fn(ev.ctx, ev.arg);
	return true;
}

void engine_run_until(struct engine *e, uint64_t t)
{
	while (e->len && e->heap[0].time <= t)
		engine_step(e);
	if (t > e->now)
		e->now = t;
}
