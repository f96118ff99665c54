/*
 * one_line.h - the check that a parse error is one "file:place: problem"
 * line (docs/testing.md), shared by fuzz_trace.c (text traces) and
 * fuzz_bintrace.c (binary traces): the message names its place (has a
 * ':') and holds no newline. Anything else is a finding (abort()).
 */
#ifndef NUMASIM_TESTS_FUZZ_ONE_LINE_H
#define NUMASIM_TESTS_FUZZ_ONE_LINE_H

#include <stdlib.h>
#include <string.h>

#include "core/err.h"

static inline void one_line(const struct nerr *err)
{
	if (!strchr(err->msg, ':') || strchr(err->msg, '\n'))
		abort();
}

#endif
