/*
 * cmd_gen.c - `numasim gen SCENARIO [key=value ...]`: writes a generated
 * trace to stdout (docs/cli.md). The generators live in sim/trace/gen.c.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "trace/gen.h"

int cmd_gen(int argc, char **argv)
{
	struct nerr err;

	if (argc < 2)
		return cli_usage("gen needs a scenario: compile, dilemma, shared-array, "
				 "random-access, cron, pagecache or default");
	if (trace_gen(argv[1], argc - 2, argv + 2, stdout, &err))
		return cli_fail(&err);
	return EXIT_OK; /* main() checks the writes to stdout */
}
