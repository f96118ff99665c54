/*
 * cmd_trace.c - `numasim trace validate -w TRACE [--set NAME=V]...
 * [--vary NAME=V1,V2,...]...`: runs a trace through the parser alone,
 * without a topology or a simulation. Scripts and the bad-input tests use
 * it to check a trace; `run` validates the same way before it starts.
 * With trace parameters (docs/trace-format.md "Parameters") the trace is
 * checked with the defaults and --set values, then once more for every
 * --vary value (the other parameters at their --set or default value).
 * `numasim trace convert -w IN -o OUT` writes a text trace as a binary
 * one and a binary one as text.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/run_common.h"
#include "trace/trace.h"

struct validate_vary {
	char name[TRACE_PARAM_NAME_MAX];
	const char *values; /* the argv word after '=' */
};

/* Checks the trace with one --vary's values, each in turn. */
static int validate_vary(const char *path, const struct trace_params *base,
			 const struct validate_vary *v, struct nerr *err)
{
	char *list = strdup(v->values);
	int rc = 0;

	if (!list)
		return nerr_set(err, "%s: out of memory", path);
	for (char *tok = list, *next; tok && !rc; tok = next) {
		struct trace_params p = *base;

		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		if (!*tok) {
			rc = nerr_set(err, "--vary %s: empty value in '%s'", v->name, v->values);
			break;
		}
		trace_params_put(&p, v->name, tok);
		rc = trace_validate_params(path, &p, NULL, err);
	}
	free(list);
	return rc;
}

static int trace_validate_cmd(int argc, char **argv)
{
	const char *path = NULL;
	struct run_args a;
	struct validate_vary vary[TRACE_MAX_PARAMS];
	int nvary = 0;
	struct nerr err;
	uint64_t n;

	run_args_init(&a);
	for (int i = 1; i < argc; i++) {
		bool has = i + 1 < argc;

		if ((!strcmp(argv[i], "-w") || !strcmp(argv[i], "--workload")) && has) {
			path = argv[++i];
		} else if (!strcmp(argv[i], "--set") && has) {
			if (run_args_set(&a, argv[++i], &err))
				return cli_fail(&err);
		} else if (!strcmp(argv[i], "--vary") && has && nvary < TRACE_MAX_PARAMS) {
			const char *kv = argv[++i], *eq = strchr(kv, '=');

			if (!eq || eq == kv || (size_t)(eq - kv) >= TRACE_PARAM_NAME_MAX)
				return cli_usage("--vary: expected NAME=V1,V2,..., got '%s'", kv);
			snprintf(vary[nvary].name, sizeof(vary[nvary].name), "%.*s", (int)(eq - kv),
				 kv);
			if (!trace_param_name_ok(vary[nvary].name))
				return cli_usage(
					"trace validate: --vary %s: not a trace parameter name",
					vary[nvary].name);
			vary[nvary++].values = eq + 1;
		} else {
			return cli_usage("trace validate: unexpected argument '%s'", argv[i]);
		}
	}
	if (!path)
		return cli_usage("trace validate needs -w TRACE");
	if (trace_validate_params(path, &a.params, &n, &err))
		return cli_fail(&err);
	for (int i = 0; i < nvary; i++)
		if (validate_vary(path, &a.params, &vary[i], &err))
			return cli_fail(&err);
	printf("%s: ok (%" PRIu64 " records)\n", path, n);
	return EXIT_OK;
}

/* `trace convert -w IN -o OUT [--set NAME=V]...`: text to binary, or
 * binary to text (docs/trace-format.md "Binary traces"). */
static int trace_convert_cmd(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct run_args a;
	struct nerr err;
	uint64_t n;
	bool to_binary;

	run_args_init(&a);
	for (int i = 1; i < argc; i++) {
		bool has = i + 1 < argc;

		if ((!strcmp(argv[i], "-w") || !strcmp(argv[i], "--workload")) && has) {
			in = argv[++i];
		} else if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && has) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--set") && has) {
			if (run_args_set(&a, argv[++i], &err))
				return cli_fail(&err);
		} else {
			return cli_usage("trace convert: unexpected argument '%s'", argv[i]);
		}
	}
	if (!in || !out)
		return cli_usage("trace convert needs -w TRACE and -o OUT");
	if (trace_convert(in, out, &a.params, &n, &to_binary, &err))
		return cli_fail(&err);
	if (strcmp(out, "-"))
		fprintf(stderr, "%s: %" PRIu64 " records written as %s\n", out, n,
			to_binary ? "a binary trace" : "text");
	return EXIT_OK;
}

int cmd_trace(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(
			"trace needs a subcommand: validate -w TRACE, convert -w TRACE -o OUT");
	if (!strcmp(argv[1], "validate"))
		return trace_validate_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "convert"))
		return trace_convert_cmd(argc - 1, argv + 1);
	return cli_usage("unknown trace subcommand '%s'", argv[1]);
}
