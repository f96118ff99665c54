/*
 * cli.h - the numasim subcommands (SPEC.md §3). Each lives in its own
 * file, cmd_<name>.c, parses its own options and returns the exit status:
 * 0 success, 1 a failed expect, 2 bad input or usage.
 */
#ifndef NUMASIM_CLI_CLI_H
#define NUMASIM_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "core/err.h"

enum { EXIT_OK = 0, EXIT_EXPECT = 1, EXIT_BADINPUT = 2 };

int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_topo(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_trace(int argc, char **argv);     /* hidden: trace validate */
int cmd_verify(int argc, char **argv);

/* Prints "numasim: <msg>" (or the message alone when it already names a
 * file) to stderr and returns EXIT_BADINPUT. */
int cli_fail(const struct nerr *e);
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Warning sink printing "warning: <msg>" to stderr. */
void cli_warn(void *ctx, const char *msg);

/*
 * Writes through a temporary file renamed into place on success (SPEC §3:
 * output files are written to a temporary name and renamed into place).
 * path NULL or "-" means stdout.
 */
struct cli_out {
	FILE *f;
	char *path, *tmp;
};
int cli_out_open(struct cli_out *o, const char *path, struct nerr *err);
int cli_out_close(struct cli_out *o, bool ok, struct nerr *err);

#endif
