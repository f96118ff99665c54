/*
 * cmd_trace.c - `numasim trace validate -w TRACE`: runs a trace through
 * the parser alone, without a topology or a simulation. Scripts and the
 * bad-input tests use it to check a trace; `run` validates the same way
 * before it starts.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "trace/trace.h"

static int trace_validate_cmd(int argc, char **argv)
{
	const char *path = NULL;
	struct nerr err;
	uint64_t n;

	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-w") || !strcmp(argv[i], "--workload")) && i + 1 < argc)
			path = argv[++i];
		else
			return cli_usage("trace validate: unexpected argument '%s'", argv[i]);
	}
	if (!path)
		return cli_usage("trace validate needs -w TRACE");
	if (trace_validate(path, &n, &err))
		return cli_fail(&err);
	printf("%s: ok (%" PRIu64 " records)\n", path, n);
	return EXIT_OK;
}

int cmd_trace(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage("trace needs a subcommand: validate -w TRACE");
	if (!strcmp(argv[1], "validate"))
		return trace_validate_cmd(argc - 1, argv + 1);
	return cli_usage("unknown trace subcommand '%s'", argv[1]);
}
