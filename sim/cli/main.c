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
	"  numasim verify   -t TOPO -w TRACE [-w TRACE]... [--kernel 6.1|6.12] [--format text|json]\n"
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
#pragma weak cmd_verify

struct command {
	const char *name;
	int (*fn)(int, char **);
};

int main(int argc, char **argv)
{
	const struct command commands[] = {
		{"run", cmd_run}, {"compare", cmd_compare}, {"topo", cmd_topo},
		{"gen", cmd_gen}, {"explain", cmd_explain}, {"verify", cmd_verify},
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
