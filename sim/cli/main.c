/*
 * main.c - the numasim command: dispatches to a subcommand (docs/cli.md).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/suggest.h"

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
#pragma weak cmd_tunables
#pragma weak cmd_quiz
#pragma weak cmd_record
#pragma weak cmd_import
#pragma weak cmd_merge
#pragma weak cmd_verify

/* `numasim help CMD`; `numasim help --man [FILE]` writes the numasim(1) page. */
static int help_cmd(const char *cmd, const char *file)
{
	if (!strcmp(cmd, "--man")) { /* help --man [FILE] */
		struct cli_out out;
		struct nerr err;

		if (cli_out_open(&out, file, &err))
			return cli_fail(&err);
		cli_help_man(out.f);
		return cli_out_close(&out, !ferror(out.f), &err) ? cli_fail(&err) : EXIT_OK;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		/* help --help, help help: help's own usage is the overview's
		 * "numasim CMD --help | help CMD" line */
		cli_help_usage(stdout);
		return EXIT_OK;
	}
	if (cli_help(cmd, stdout) == 0)
		return EXIT_OK;
	char hint[96];

	return cli_usage("no help for '%s'%s", cmd,
			 suggest_hint(cli_help_suggest(cmd), hint, sizeof(hint)));
}

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
		{"run", cmd_run},	{"compare", cmd_compare}, {"topo", cmd_topo},
		{"gen", cmd_gen},	{"explain", cmd_explain}, {"merge", cmd_merge},
		{"verify", cmd_verify}, {"trace", cmd_trace},	  {"tunables", cmd_tunables},
		{"quiz", cmd_quiz},	{"record", cmd_record},	  {"import", cmd_import},
	};
	size_t nr = sizeof(commands) / sizeof(commands[0]);

	if (argc < 2) {
		char names[256] = "";
		size_t len = 0;

		for (size_t i = 0; i < nr && len < sizeof(names); i++)
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
						i ? ", " : "", commands[i].name);
		return cli_usage("no command given: %s", names);
	}
	if (!strcmp(argv[1], "help") && argc > 2)
		return help_cmd(argv[2], argc > 3 ? argv[3] : NULL);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		cli_help_usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("numasim %s\n", NUMASIM_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < nr; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (!commands[i].fn)
			return cli_usage("'%s' is not built into this numasim", argv[1]);
		/* `CMD --help` anywhere, or `CMD -h` first: the command's help */
		if (cli_wants_help(argc - 1, argv + 1) && cli_help(argv[1], stdout) == 0)
			return EXIT_OK;
		return commands[i].fn(argc - 1, argv + 1);
	}
	const char *cands[sizeof(commands) / sizeof(commands[0])];
	char hint[96];

	for (size_t i = 0; i < nr; i++)
		cands[i] = commands[i].name;
	return cli_usage("unknown command '%s'%s", argv[1],
			 suggest_hint(suggest_best(argv[1], cands, nr), hint, sizeof(hint)));
}
