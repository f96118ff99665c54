/*
 * debug.h - cheap invariant assertions, written next to the structures
 * they guard (as SQLite's assert()s are). On in Debug and sanitizer
 * builds (NUMASIM_DEBUG_CHECKS, set by CMakeLists.txt), compiled out
 * otherwise, so a release build pays nothing. A failed assertion is a
 * bug in numasim, never bad input: it prints the condition and the place
 * and aborts.
 */
#ifndef NUMASIM_CORE_DEBUG_H
#define NUMASIM_CORE_DEBUG_H

#include <stdio.h>
#include <stdlib.h>

#ifdef NUMASIM_DEBUG_CHECKS
#define SIM_ASSERT(cond)                                                                       \
	((cond) ? (void)0                                                                      \
		: (fprintf(stderr, "%s:%d: internal error: assertion '%s' failed\n", __FILE__, \
			   __LINE__, #cond),                                                   \
		   abort()))
#else
#define SIM_ASSERT(cond) ((void)0)
#endif

#endif
