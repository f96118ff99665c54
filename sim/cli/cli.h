/*
 * cli.h - the numasim subcommands (docs/cli.md). Each lives in its own
 * file, cmd_<name>.c, parses its own options and returns the exit status:
 * 0 success, 1 a failed expect, 2 bad input or usage.
 */
#ifndef NUMASIM_CLI_CLI_H
#define NUMASIM_CLI_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/err.h"

enum { EXIT_OK = 0, EXIT_EXPECT = 1, EXIT_BADINPUT = 2 };

int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_topo(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_trace(int argc, char **argv); /* trace validate */
int cmd_tunables(int argc, char **argv);
int cmd_quiz(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/* help.c: one text for --help, CMD --help and the man page. */
void cli_help_usage(FILE *f);
int cli_help(const char *cmd, FILE *f);	    /* -1: no such command */
bool cli_wants_help(int argc, char **argv); /* CMD's own argv */
const char *cli_help_suggest(const char *word);
void cli_help_man(FILE *f);

/* Prints "numasim: <msg>" (or the message alone when it already names a
 * file) to stderr and returns EXIT_BADINPUT. */
int cli_fail(const struct nerr *e);
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Warning sink printing "warning: <msg>" to stderr. */
void cli_warn(void *ctx, const char *msg);

/*
 * `-o PATH` (sim/cli/out.c, docs/cli.md "Output files"): a regular file
 * or an absent name is written through a mkstemp() temporary file renamed
 * into place on success; a device, FIFO or socket is written straight to.
 * path NULL or "-" means stdout. cli_out_close() checks every flush,
 * close and rename ("FILE: write failed: ..."); with ok false it only
 * discards the temporary file (the caller reports its own error).
 */
struct cli_out {
	FILE *f;
	char *path;   /* as given */
	char *tmp;    /* temporary file, NULL when writing straight */
	char *target; /* what tmp replaces (a symlink's target) */
};
int cli_out_open(struct cli_out *o, const char *path, struct nerr *err);
int cli_out_close(struct cli_out *o, bool ok, struct nerr *err);
/* SIGINT/SIGTERM/SIGHUP remove the temporary file, then end the process
 * by the same signal. */
void cli_signals_install(void);
/* Between these, the first SIGINT/SIGTERM sets the returned flag (the
 * replay's replay_opts.stop) instead of ending the process; a second
 * one ends it. cli_replay_end() returns that signal, or 0. */
const volatile sig_atomic_t *cli_replay_begin(void);
int cli_replay_end(void);
/* Routes jansson's allocations through a checker; cli_host_oom() tells
 * whether one failed, or a host allocation of s (core/hostmem.h). */
struct sim;
void cli_json_install(void);
bool cli_host_oom(const struct sim *s);

#endif
