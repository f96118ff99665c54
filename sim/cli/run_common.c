#include "cli/run_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sim.h"
#include "topo/topo.h"
#include "trace/replay.h"

bool cli_opt_is(const char *arg, const char *s, const char *l)
{
	size_t n = l ? strlen(l) : 0;

	if (s && (!strcmp(arg, s) || (strncmp(arg, s, 2) == 0 && arg[2] && arg[1] != '-')))
		return true;
	return l && !strncmp(arg, l, n) && (arg[n] == '\0' || arg[n] == '=');
}

const char *cli_opt_value(int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	const char *eq = strchr(arg, '=');

	if (arg[1] != '-' && arg[2]) /* -tNAME */
		return arg + 2;
	if (arg[1] == '-' && eq) /* --format=json */
		return eq + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

void run_args_init(struct run_args *a)
{
	memset(a, 0, sizeof(*a));
	a->topo = TOPO_DEFAULT;
	a->trace = TRACE_DEFAULT;
	a->progress = false;
	a->explain_f = (struct explain_filter){EXPLAIN_DECISIONS, -1, 0, UINT64_MAX};
	tunables_init(&a->tun);
}

int run_args_set(struct run_args *a, const char *kv, struct nerr *err)
{
	const char *eq = strchr(kv, '=');
	char name[TRACE_PARAM_NAME_MAX];

	if (eq && (size_t)(eq - kv) < sizeof(name)) {
		snprintf(name, sizeof(name), "%.*s", (int)(eq - kv), kv);
		if (tunable_find(name) < 0 && trace_param_name_ok(name)) {
			const char *bad = trace_param_value_bad(eq + 1);

			if (bad)
				return nerr_set(err, "--set %s: %s", name, bad);
			/* kv is an argv word: it outlives the run. */
			if (trace_params_put(&a->params, name, eq + 1))
				return nerr_set(err, "--set: more than %d trace parameters",
						TRACE_MAX_PARAMS);
			return 0;
		}
	}
	if (tunable_set_kv(&a->tun, kv, err))
		return nerr_prefix(err, "--set");
	return 0;
}

int load_topology(const char *name, struct topology **out, struct nerr *err)
{
	char path[4096];

	if (topo_resolve(name, path, sizeof(path), err))
		return -1;
	return topo_load(path, out, err, cli_warn, NULL);
}

struct sim *simulate(const struct run_args *a, const struct topology *topo, struct trace_log **log,
		     struct nerr *err)
{
	struct sim *s = sim_create(topo, &a->tun, err);
	struct replay_opts opts = {.progress = a->progress,
				   .timeseries_ns = a->timeseries_ns,
				   .stop = a->stop,
				   .progress_interval_ns = a->progress_interval_ns,
				   .params = &a->params};

	*log = NULL;
	if (!s)
		return NULL;
	s->check = a->check;
	if (a->explain && !(s->explain = explain_create(stdout, &a->explain_f))) {
		sim_destroy(s);
		nerr_set(err, "out of host memory");
		return NULL;
	}
	int rc = (s->check && sim_check(s, err)) || replay_run(s, a->trace, &opts, log, err);

	explain_destroy(s->explain); /* the narration ends with the replay */
	s->explain = NULL;
	if (rc) {
		sim_destroy(s);
		return NULL;
	}
	return s;
}
