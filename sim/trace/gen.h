/*
 * gen.h - workload generators (`numasim gen SCENARIO [key=value ...]`).
 *
 * Each scenario writes a valid trace (docs/trace-format.md) for one situation the
 * seed documents describe; the output depends only on the keys, so the
 * same command always writes the same trace. the shipped workloads/NAME.trace are their
 * outputs (scripts/gen-workloads regenerates them).
 */
#ifndef NUMASIM_TRACE_GEN_H
#define NUMASIM_TRACE_GEN_H

#include <stdio.h>

#include "core/err.h"

/* Writes scenario's trace to out; -1 with a one-line message in err. */
int trace_gen(const char *scenario, int nkv, char **kv, FILE *out, struct nerr *err);

/* Scenario names, NULL-terminated, for usage messages. */
extern const char *const trace_gen_scenarios[];

#endif
