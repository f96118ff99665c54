/*
 * cmd_run.c - `numasim run` and `numasim explain` (docs/cli.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run_common.h"
#include "core/units.h"
#include "report/report.h"
#include "sim.h"
#include "topo/topo.h"
#include "trace/replay.h"

enum format { FMT_TEXT, FMT_JSON, FMT_HTML };

struct run_opts {
	struct run_args a;
	enum format format;
	const char *out;
};

/* explain's --level, --pid, --from, --to: -1 not one of them, -2 taken,
 * else an exit status. */
static int explain_option(int argc, char **argv, int *i, struct run_opts *o, bool is_run)
{
	const char *arg = argv[*i], *v;
	struct explain_filter *f = &o->a.explain_f;
	char why[256];
	uint64_t n;

	if (is_run || !(cli_opt_is(arg, NULL, "--level") || cli_opt_is(arg, NULL, "--pid") ||
			cli_opt_is(arg, NULL, "--from") || cli_opt_is(arg, NULL, "--to")))
		return -1;
	if (!(v = cli_opt_value(argc, argv, i)))
		return cli_usage("option '%s' needs a value", arg);
	if (cli_opt_is(arg, NULL, "--level")) {
		if (!strcmp(v, "summary"))
			f->level = EXPLAIN_SUMMARY;
		else if (!strcmp(v, "decisions"))
			f->level = EXPLAIN_DECISIONS;
		else if (!strcmp(v, "all"))
			f->level = EXPLAIN_ALL;
		else
			return cli_usage("--level: unknown level '%s' (summary, decisions or all)",
					 v);
	} else if (cli_opt_is(arg, NULL, "--pid")) {
		if (parse_u64(v, &n, why, sizeof(why)) || n > INT32_MAX)
			return cli_usage("--pid: '%s' is not a pid", v);
		f->pid = (int)n;
	} else {
		bool from = cli_opt_is(arg, NULL, "--from");

		if (parse_time_ns(v, &n, why, sizeof(why)))
			return cli_usage("%s: %s", from ? "--from" : "--to", why);
		*(from ? &f->from_ns : &f->to_ns) = n;
	}
	return -2;
}

static int parse_args(int argc, char **argv, struct run_opts *o, bool allow_output)
{
	struct nerr err;

	run_args_init(&o->a);
	o->format = FMT_TEXT;
	o->out = NULL;
	o->a.progress = allow_output && isatty(STDERR_FILENO); /* run: on at a terminal */
	/* tests shorten the one-second interval (docs/cli.md) */
	const char *iv = getenv("NUMASIM_PROGRESS_INTERVAL");
	char bad[128];

	if (iv && parse_time_ns(iv, &o->a.progress_interval_ns, bad, sizeof(bad)))
		return cli_usage("NUMASIM_PROGRESS_INTERVAL: %s", bad);
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;

		if (!strcmp(arg, "--check")) {
			o->a.check = true;
			continue;
		}
		if (!strcmp(arg, "--progress") || !strcmp(arg, "--no-progress")) {
			o->a.progress = !strcmp(arg, "--progress");
			continue;
		}
		int ex = explain_option(argc, argv, &i, o, allow_output);

		if (ex >= 0)
			return ex;
		if (ex == -2)
			continue;
		bool known = cli_opt_is(arg, "-t", "--topology") ||
			     cli_opt_is(arg, "-w", "--workload") ||
			     cli_opt_is(arg, NULL, "--set") || cli_opt_is(arg, NULL, "--seed") ||
			     (allow_output && (cli_opt_is(arg, NULL, "--format") ||
					       cli_opt_is(arg, "-o", "--output") ||
					       cli_opt_is(arg, NULL, "--timeseries")));

		if (!known)
			return cli_usage("unknown option '%s'", arg);
		if (!(v = cli_opt_value(argc, argv, &i)))
			return cli_usage("option '%s' needs a value", arg);
		if (cli_opt_is(arg, "-t", "--topology")) {
			o->a.topo = v;
		} else if (cli_opt_is(arg, "-w", "--workload")) {
			o->a.trace = v;
		} else if (cli_opt_is(arg, NULL, "--set")) {
			if (run_args_set(&o->a, v, &err))
				return cli_fail(&err);
		} else if (cli_opt_is(arg, NULL, "--seed")) {
			if (tunable_set(&o->a.tun, TUN_SIM_SEED, v, &err))
				return cli_fail(&err);
		} else if (cli_opt_is(arg, NULL, "--format")) {
			if (!strcmp(v, "text"))
				o->format = FMT_TEXT;
			else if (!strcmp(v, "json"))
				o->format = FMT_JSON;
			else if (!strcmp(v, "html"))
				o->format = FMT_HTML;
			else
				return cli_usage("unknown format '%s' (text, json or html)", v);
		} else if (cli_opt_is(arg, "-o", "--output")) {
			o->out = v;
		} else if (cli_opt_is(arg, NULL, "--timeseries")) {
			char why[256];

			if (parse_time_ns(v, &o->a.timeseries_ns, why, sizeof(why)))
				return cli_usage("--timeseries: %s", why);
			if (!o->a.timeseries_ns)
				return cli_usage("--timeseries: interval must be > 0");
		}
	}
	return -1;
}

static int write_report(struct sim *s, const struct trace_log *log, const struct run_opts *o)
{
	struct cli_out out;
	struct nerr err;
	int rc = 0;

	if (cli_out_open(&out, o->out, &err))
		return cli_fail(&err);
	switch (o->format) {
	case FMT_TEXT:
		report_write_text(s, log, out.f);
		break;
	case FMT_JSON:
		rc = report_write_json(s, log, out.f);
		break;
	case FMT_HTML:
		report_write_html(s, log, out.f);
		break;
	}
	if ((rc != 0 && !ferror(out.f)) || cli_host_oom(s)) {
		/* jansson failed without a write error, or a table could not
		 * be allocated: the report would be incomplete */
		cli_out_close(&out, false, &err);
		nerr_set(&err, "%s: out of host memory writing the report",
			 o->out ? o->out : "stdout");
		return cli_fail(&err);
	}
	if (cli_out_close(&out, true, &err))
		return cli_fail(&err);
	return EXIT_OK;
}

static int run_main(int argc, char **argv, bool explain)
{
	struct run_opts o;
	struct topology *topo = NULL;
	struct nerr err;
	int rc = parse_args(argc, argv, &o, !explain);

	if (rc >= 0)
		return rc;
	o.a.explain = explain;
	if (load_topology(o.a.topo, &topo, &err))
		return cli_fail(&err);
	o.a.stop = cli_replay_begin();
	struct trace_log *log;
	struct sim *s = simulate(&o.a, topo, &log, &err);
	int sig = cli_replay_end();

	if (!s) {
		topo_free(topo);
		return cli_fail(&err);
	}
	if (cli_host_oom(s)) {
		/* a snapshot or sample lost a key (jansson could not allocate) */
		nerr_set(&err, "%s: out of host memory (building a snapshot or sample)", o.a.trace);
		trace_log_free(log);
		sim_destroy(s);
		topo_free(topo);
		return cli_fail(&err);
	}
	rc = explain ? EXIT_OK : write_report(s, log, &o);
	if (rc == EXIT_OK && log && log->interrupted) {
		/* docs/cli.md "Signals": the report so far, exit 128 + signal */
		fprintf(stderr,
			"numasim: interrupted by %s at t=%llu ns: the report shows the run so "
			"far\n",
			sig == SIGTERM ? "SIGTERM" : "SIGINT", (unsigned long long)sim_now(s));
		trace_log_free(log);
		sim_destroy(s);
		topo_free(topo);
		return 128 + sig;
	}
	if (rc == EXIT_OK && log && log->expects_failed) {
		for (uint64_t i = 0; i < log->nr_failures; i++)
			fprintf(stderr, "expect failed: %s\n", log->failures[i]);
		rc = EXIT_EXPECT;
	}
	trace_log_free(log);
	sim_destroy(s);
	topo_free(topo);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	return run_main(argc, argv, false);
}

int cmd_explain(int argc, char **argv)
{
	return run_main(argc, argv, true);
}
