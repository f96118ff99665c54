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

void cli_warn(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "warning: %s\n", msg);
}

int cli_out_open(struct cli_out *o, const char *path, struct nerr *err)
{
	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	size_t n = strlen(path) + 32;

	o->path = strdup(path);
	o->tmp = malloc(n);
	if (!o->path || !o->tmp)
		return nerr_set(err, "%s: out of memory", path);
	snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
	o->f = fopen(o->tmp, "w");
	if (!o->f) {
		nerr_set(err, "%s: cannot write: %s", path, strerror(errno));
		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		return -1;
	}
	return 0;
}

int cli_out_close(struct cli_out *o, bool ok, struct nerr *err)
{
	int rc = 0;

	if (!o->f)
		return 0;
	if (o->f == stdout) {
		fflush(stdout);
		o->f = NULL;
		return 0;
	}
	if (fclose(o->f) != 0 && ok) {
		nerr_set(err, "%s: write failed: %s", o->path, strerror(errno));
		ok = false;
		rc = -1;
	}
	if (ok && rename(o->tmp, o->path) != 0) {
		nerr_set(err, "%s: cannot rename into place: %s", o->path, strerror(errno));
		rc = -1;
		ok = false;
	}
	if (!ok)
		unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return rc;
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

/* `numasim help CMD`; `numasim help --man [FILE]` writes the numasim(1) page. */
static int help_cmd(const char *cmd, const char *file)
{
	if (!strcmp(cmd, "--man")) {   /* help --man [FILE] */
		struct cli_out out;
		struct nerr err;

		if (cli_out_open(&out, file, &err))
			return cli_fail(&err);
		cli_help_man(out.f);
		return cli_out_close(&out, !ferror(out.f), &err) ? cli_fail(&err) : EXIT_OK;
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

int main(int argc, char **argv)
{
	const struct command commands[] = {
		{"run", cmd_run}, {"compare", cmd_compare}, {"topo", cmd_topo},
		{"gen", cmd_gen}, {"explain", cmd_explain},
		{"trace", cmd_trace}, {"tunables", cmd_tunables}, {"quiz", cmd_quiz},
	};
	size_t nr = sizeof(commands) / sizeof(commands[0]);

	if (argc < 2) {
		cli_help_usage(stderr);
		return EXIT_BADINPUT;
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
