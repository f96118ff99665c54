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

void cli_warn(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "warning: %s\n", msg);
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
	return check_stdout(dispatch(argc, argv));
}

static int dispatch(int argc, char **argv)
{
	const struct command commands[] = {
		{"run", cmd_run}, {"compare", cmd_compare}, {"topo", cmd_topo},
		{"gen", cmd_gen}, {"explain", cmd_explain},
		{"trace", cmd_trace},   /* hidden: trace validate -w TRACE */
	};

	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_BADINPUT;
	}
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
