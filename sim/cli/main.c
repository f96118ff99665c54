/*
 * main.c - the numasim command: dispatches to a subcommand (SPEC.md §3).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const char usage_text[] =
	"usage:\n"
	"  numasim run      -t TOPO -w TRACE [--set k=v]... [--format text|json|html] [-o FILE]\n"
	"                   [--seed N] [--check] [--progress|--no-progress] [--timeseries INTERVAL]\n"
	"  numasim compare  -t TOPO -w TRACE --vary k=v1,v2,... [--vary ...] [--format text|json|csv]\n"
	"  numasim topo     show|validate -t TOPO\n"
	"  numasim gen      SCENARIO [key=value ...]\n"
	"  numasim explain  -t TOPO -w TRACE\n"
	"  numasim --help | --version\n"
	"\n"
	"TOPO and TRACE are paths or names of shipped topologies and workloads;\n"
	"without them `run` uses the shipped defaults. See docs/cli.md.\n"
	"Exit status: 0 success, 1 a failed expect, 2 bad input or usage.\n";

int cli_fail(const struct nerr *e)
{
	fprintf(stderr, "%s\n", e->msg);
	return EXIT_BADINPUT;
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "numasim: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see numasim --help)\n");
	return EXIT_BADINPUT;
}

/*
 * Warnings (an asymmetric SLIT, ...) wait until the command ends: a
 * command that fails with exit 2 prints its one error line and nothing
 * else, one that goes on prints them. Process-level state, allowed in
 * cli/ only: the warning sink has no other place to keep them.
 */
#define CLI_MAX_WARNINGS 16
static char cli_warnings[CLI_MAX_WARNINGS][NERR_MSG_MAX];
static unsigned cli_nwarnings, cli_warnings_dropped;

void cli_warn(void *ctx, const char *msg)
{
	(void)ctx;
	if (cli_nwarnings < CLI_MAX_WARNINGS)
		snprintf(cli_warnings[cli_nwarnings++], NERR_MSG_MAX, "%s", msg);
	else
		cli_warnings_dropped++;
}

static void flush_warnings(int rc)
{
	if (rc == EXIT_BADINPUT)
		return;
	for (unsigned i = 0; i < cli_nwarnings; i++)
		fprintf(stderr, "warning: %s\n", cli_warnings[i]);
	if (cli_warnings_dropped)
		fprintf(stderr, "warning: %u more warnings\n", cli_warnings_dropped);
}

/* Subcommands are linked in when their module is; a missing one says so. */
#pragma weak cmd_run
#pragma weak cmd_compare
#pragma weak cmd_topo
#pragma weak cmd_gen
#pragma weak cmd_explain
#pragma weak cmd_trace

struct command {
	const char *name;
	int (*fn)(int, char **);
};

/*
 * Every subcommand's standard output is checked once before exiting: a
 * report or `topo show` sent to a full disk or /dev/full is exit 2 with
 * one line, not a silent success. When the command already failed with
 * exit 2 it has printed its line, and nothing more is said.
 */
static int check_stdout(int rc)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout) && fclose(stdout) == 0)
		return rc;
	if (rc == EXIT_BADINPUT)
		return rc;
	fprintf(stderr, "stdout: write failed: %s\n", strerror(errno ? errno : EIO));
	return EXIT_BADINPUT;
}

static int dispatch(int argc, char **argv);

int main(int argc, char **argv)
{
	cli_signals_install();
	cli_json_install();
	int rc = check_stdout(dispatch(argc, argv));

	flush_warnings(rc);
	return rc;
}

static int dispatch(int argc, char **argv)
{
	const struct command commands[] = {
		{"run", cmd_run}, {"compare", cmd_compare}, {"topo", cmd_topo},
		{"gen", cmd_gen}, {"explain", cmd_explain},
		{"trace", cmd_trace},   /* hidden: trace validate -w TRACE */
	};

	if (argc < 2)
		return cli_usage("no command given: run, compare, topo, gen or explain");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("numasim %s\n", NUMASIM_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (!commands[i].fn)
			return cli_usage("'%s' is not built into this numasim", argv[1]);
		return commands[i].fn(argc - 1, argv + 1);
	}
	return cli_usage("unknown command '%s'", argv[1]);
}
