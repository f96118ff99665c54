/*
 * err.h - error reporting without exit().
 *
 * Errors travel as return codes with a message buffer (docs/architecture.md). A
 * function that fails fills a struct nerr with one line, already in the
 * form the user sees ("file: place: problem"), and returns -1. Only
 * sim/cli/ prints it and chooses the exit status.
 */
#ifndef NUMASIM_CORE_ERR_H
#define NUMASIM_CORE_ERR_H

#include <stdarg.h>

#define NERR_MSG_MAX 1024

struct nerr {
	char msg[NERR_MSG_MAX];
};

/* Fills e (may be NULL) with a printf-formatted message; returns -1. */
int nerr_set(struct nerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int nerr_vset(struct nerr *e, const char *fmt, va_list ap);

/* Prepends "prefix: " to an existing message; returns -1. */
int nerr_prefix(struct nerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Warnings (e.g. an asymmetric SLIT) are not errors: they go to a sink. */
typedef void (*nwarn_fn)(void *ctx, const char *msg);
void nwarn(nwarn_fn fn, void *ctx, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
