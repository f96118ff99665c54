/*
 * replay_one.h - replaying a generated trace on the tracegen machine with
 * --check, shared by fuzz_replay.c (libFuzzer) and the random-trace unit
 * test (fixed seeds, no libFuzzer).
 */
#ifndef NUMASIM_TESTS_FUZZ_REPLAY_ONE_H
#define NUMASIM_TESTS_FUZZ_REPLAY_ONE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"
#include "topo/topo.h"
#include "trace/replay.h"
#include "tracegen.h"

static inline void replay_one_quiet(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

/* The machine, loaded once. */
static inline struct topology *replay_one_topology(void)
{
	static struct topology *t;
	struct nerr err;

	if (!t &&
	    topo_load_string(TRACEGEN_TOPOLOGY, "fuzz4.json", &t, &err, replay_one_quiet, NULL)) {
		fprintf(stderr, "tracegen topology: %s\n", err.msg);
		abort();
	}
	return t;
}

/*
 * Writes the trace for p[0..n) to path and replays it with --check.
 * Returns replay_run()'s result; the message is in err.
 */
static inline int replay_one(const uint8_t *p, size_t n, const char *path, struct nerr *err)
{
	struct topology *t = replay_one_topology();
	struct tunables tun;
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		abort();
	}
	tracegen_write(p, n, f);
	fclose(f);
	tunables_init(&tun);
	struct sim *s = sim_create(t, &tun, err);

	if (!s)
		return -1;
	s->check = true;
	int rc = sim_check(s, err);

	if (rc == 0)
		rc = replay_run(s, path, &(struct replay_opts){0}, NULL, err);
	sim_destroy(s);
	return rc;
}

#endif
