/*
 * cmd_compare.c - `numasim compare` (docs/compare.md, docs/sweeps.md):
 * every topology x workload x combination of the --vary values (tunables
 * or trace parameters), side by side in one table.
 *
 * Each variant is a separate struct sim (the model has no globals), run
 * in this process or in worker processes (--jobs, sweep_jobs.c). Columns:
 *   topology, workload, the varied values, local_ratio, numa_miss (all
 *   nodes), remote_pages (resident pages of live tasks not on their
 *   task's current node), pgscan (kswapd + direct), stall_ms (reclaim
 *   stalls of tasks), pswpout, pgmigrate, oom_kill, sim_ms,
 *   expects_failed.
 * A run whose expects fail is still shown; compare exits 1 then.
 * The JSON holds nothing about the host or the timing, so one process,
 * --jobs N and merged --shard outputs give the same bytes.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run_common.h"
#include "cli/sweep.h"
#include "topo/topo.h"

enum cmp_format { CMP_TEXT, CMP_JSON, CMP_CSV };

struct compare {
	struct sweep sw;
	enum cmp_format format;
	const char *out;
	const char *prog; /* how numasim was invoked, for --list */
	bool list;
	char *lists[2 * SWEEP_MAX_ITEMS]; /* copies of -t/-w lists, cut at commas */
	int nlists;
	uint64_t *work; /* per topology x fresh combination */
};

static const char *const cols[] = {
	"local_ratio", "numa_miss", "remote_pages", "pgscan", "stall_ms",
	"pswpout",     "pgmigrate", "oom_kill",	    "sim_ms", "expects_failed",
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

void sweep_decode(const struct sweep *sw, long v, struct sweep_pos *p)
{
	for (int i = sw->nvary - 1; i >= 0; i--) {
		p->idx[i] = (int)(v % sw->vary[i].n);
		v /= sw->vary[i].n;
	}
	p->w = (int)(v % sw->nwork);
	p->t = (int)(v / sw->nwork);
}

int sweep_variant_args(const struct sweep *sw, const struct sweep_pos *p, struct run_args *a,
		       struct nerr *err)
{
	*a = sw->base;
	a->topo = sw->topo[p->t];
	a->trace = sw->work[p->w];
	for (int i = 0; i < sw->nvary; i++) {
		const struct sweep_vary *v = &sw->vary[i];

		if (v->id >= 0 && tunable_set(&a->tun, v->id, v->values[p->idx[i]], err))
			return -1;
		if (v->id < 0 && trace_params_put(&a->params, v->name, v->values[p->idx[i]]))
			return nerr_set(err, "--vary: more than %d trace parameters",
					TRACE_MAX_PARAMS);
	}
	return 0;
}

/* Appends the comma list s (-t A,B or -w X,Y) to items. */
static int add_items(struct compare *c, const char *s, const char **items, int *n, const char *opt)
{
	char *copy = strdup(s);

	if (!copy)
		return cli_usage("out of memory");
	c->lists[c->nlists++] = copy;
	for (char *tok = copy, *next; tok; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		if (!*tok)
			return cli_usage("%s: empty name in '%s'", opt, s);
		if (*n == SWEEP_MAX_ITEMS)
			return cli_usage("%s: at most %d names", opt, SWEEP_MAX_ITEMS);
		for (int i = 0; i < *n; i++)
			if (!strcmp(items[i], tok))
				return cli_usage("%s: '%s' given twice", opt, tok);
		items[(*n)++] = tok;
	}
	return -1;
}

static bool reserved_name(const char *name)
{
	for (size_t k = 0; k < NCOLS; k++)
		if (!strcmp(name, cols[k]))
			return true;
	return !strcmp(name, "topology") || !strcmp(name, "workload") || !strcmp(name, "variant");
}

/* One --vary value, checked: a tunable's by setting it, a parameter's
 * for its form (the trace checks it in place before anything runs). */
static int check_value(struct compare *c, struct sweep_vary *v, const char *val)
{
	struct nerr err;

	if (v->id >= 0) {
		struct tunables probe = c->sw.base.tun;

		if (tunable_set(&probe, v->id, val, &err)) {
			nerr_prefix(&err, "--vary");
			return cli_fail(&err);
		}
		return -1;
	}
	const char *bad = trace_param_value_bad(val);

	return bad ? cli_usage("--vary %s: %s", v->name, bad) : -1;
}

static int parse_vary(struct compare *c, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (c->sw.nvary == SWEEP_MAX_VARY)
		return cli_usage("at most %d --vary options", SWEEP_MAX_VARY);
	if (!eq)
		return cli_usage("--vary: expected name=v1,v2,..., got '%s'", arg);
	if (eq == arg)
		return cli_usage("--vary: empty name in '%s'", arg);
	struct sweep_vary *v = &c->sw.vary[c->sw.nvary];

	if ((size_t)(eq - arg) >= sizeof(v->name))
		return cli_usage("--vary: name too long in '%s'", arg);
	snprintf(v->name, sizeof(v->name), "%.*s", (int)(eq - arg), arg);
	v->id = tunable_find(v->name);
	if (v->id < 0 && !trace_param_name_ok(v->name))
		return cli_usage("--vary: unknown tunable '%s'", v->name);
	if (v->id < 0 && reserved_name(v->name))
		return cli_usage("--vary: '%s' names a column; rename the trace parameter",
				 v->name);
	for (int i = 0; i < c->sw.nvary; i++)
		if (!strcmp(c->sw.vary[i].name, v->name))
			return cli_usage("--vary %s given twice", v->name);
	if (!eq[1])
		return cli_usage("--vary %s: no values", v->name);
	v->n = 0;
	c->sw.nvary++; /* from here free_compare() frees the values */
	for (const char *s = eq + 1;;) {
		size_t len = strcspn(s, ",");

		if (len == 0)
			return cli_usage("--vary %s: empty value in '%s'", v->name, eq + 1);
		if (v->n == SWEEP_MAX_VALUES)
			return cli_usage("--vary %s: at most %d values", v->name, SWEEP_MAX_VALUES);
		char *val = strndup(s, len);

		if (!val)
			return cli_usage("out of memory");
		v->values[v->n++] = val;
		for (int i = 0; i + 1 < v->n; i++)
			if (!strcmp(v->values[i], val))
				return cli_usage("--vary %s: value '%s' listed twice", v->name,
						 val);
		int rc = check_value(c, v, val);

		if (rc >= 0)
			return rc;
		if (!s[len])
			break;
		s += len + 1;
	}
	return -1;
}

static int parse_shard(struct compare *c, const char *v)
{
	char *end;
	long k = strtol(v, &end, 10), n = 0;

	if (end != v && *end == '/') {
		char *e2;

		n = strtol(end + 1, &e2, 10);
		if (e2 == end + 1 || *e2)
			n = 0;
	}
	if (n < 1 || n > SWEEP_MAX_VARIANTS || k < 1 || k > n)
		return cli_usage("--shard: expected K/N with 1 <= K <= N, got '%s'", v);
	c->sw.shard_k = (int)k;
	c->sw.shard_n = (int)n;
	return -1;
}

static int parse_jobs(struct compare *c, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || *end || n < 1 || n > 4096)
		return cli_usage("--jobs: expected a number 1..4096, got '%s'", v);
	c->sw.jobs = (int)n;
	return -1;
}

static int parse_option(struct compare *c, const char *arg, const char *v)
{
	struct nerr err;

	if (cli_opt_is(arg, "-t", "--topology"))
		return add_items(c, v, c->sw.topo, &c->sw.ntopo, "-t");
	if (cli_opt_is(arg, "-w", "--workload"))
		return add_items(c, v, c->sw.work, &c->sw.nwork, "-w");
	if (cli_opt_is(arg, NULL, "--vary"))
		return parse_vary(c, v);
	if (cli_opt_is(arg, NULL, "--set")) {
		if (run_args_set(&c->sw.base, v, &err))
			return cli_fail(&err);
		if (c->sw.nsets < (int)(sizeof(c->sw.sets) / sizeof(c->sw.sets[0])))
			c->sw.sets[c->sw.nsets++] = v;
		return -1;
	}
	if (cli_opt_is(arg, NULL, "--seed")) {
		if (tunable_set(&c->sw.base.tun, TUN_SIM_SEED, v, &err))
			return cli_fail(&err);
		c->sw.seed = v;
		return -1;
	}
	if (cli_opt_is(arg, NULL, "--jobs"))
		return parse_jobs(c, v);
	if (cli_opt_is(arg, NULL, "--shard"))
		return parse_shard(c, v);
	if (cli_opt_is(arg, "-o", "--output")) {
		c->out = v;
		return -1;
	}
	if (!strcmp(v, "text"))
		c->format = CMP_TEXT;
	else if (!strcmp(v, "json"))
		c->format = CMP_JSON;
	else if (!strcmp(v, "csv"))
		c->format = CMP_CSV;
	else
		return cli_usage("unknown format '%s' (text, json or csv)", v);
	return -1;
}

static int parse_args(int argc, char **argv, struct compare *c)
{
	static const char *const valued[][2] = {
		{"-t", "--topology"}, {"-w", "--workload"}, {NULL, "--vary"},
		{NULL, "--set"},      {NULL, "--seed"},	    {NULL, "--format"},
		{"-o", "--output"},   {NULL, "--jobs"},	    {NULL, "--shard"},
	};

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		bool known = false;

		if (!strcmp(arg, "--check")) {
			c->sw.base.check = true;
			continue;
		}
		if (!strcmp(arg, "--list")) {
			c->list = true;
			continue;
		}
		if (!strcmp(arg, "--progress") || !strcmp(arg, "--no-progress")) {
			c->sw.progress = !strcmp(arg, "--progress");
			continue;
		}
		for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]) && !known; k++)
			known = cli_opt_is(arg, valued[k][0], valued[k][1]);
		if (!known)
			return cli_usage("unknown option '%s'", arg);
		if (!(v = cli_opt_value(argc, argv, &i)))
			return cli_usage("option '%s' needs a value", arg);
		int rc = parse_option(c, arg, v);

		if (rc >= 0)
			return rc;
	}
	if (!c->sw.ntopo)
		c->sw.topo[c->sw.ntopo++] = TOPO_DEFAULT;
	if (!c->sw.nwork)
		c->sw.work[c->sw.nwork++] = TRACE_DEFAULT;
	if (!c->sw.nvary && c->sw.ntopo == 1 && c->sw.nwork == 1)
		return cli_usage("compare needs several -t, several -w or a --vary name=v1,v2,...");
	long n = (long)c->sw.ntopo * c->sw.nwork;

	for (int i = 0; i < c->sw.nvary; i++) {
		n *= c->sw.vary[i].n;
		if (n > SWEEP_MAX_VARIANTS)
			return cli_usage("compare: more than %d variants", SWEEP_MAX_VARIANTS);
	}
	c->sw.variants = n;
	return -1;
}

/* ---- output ------------------------------------------------------------------- */

static void fmt_cell(const struct sweep_row *r, size_t c, char *buf, size_t n)
{
	switch (c) {
	case 0:
		snprintf(buf, n, "%.4f", r->local_ratio);
		break;
	case 1:
		snprintf(buf, n, "%llu", (unsigned long long)r->numa_miss);
		break;
	case 2:
		snprintf(buf, n, "%llu", (unsigned long long)r->remote_pages);
		break;
	case 3:
		snprintf(buf, n, "%llu", (unsigned long long)r->pgscan);
		break;
	case 4:
		snprintf(buf, n, "%.3f", r->stall_ms);
		break;
	case 5:
		snprintf(buf, n, "%llu", (unsigned long long)r->pswpout);
		break;
	case 6:
		snprintf(buf, n, "%llu", (unsigned long long)r->pgmigrate);
		break;
	case 7:
		snprintf(buf, n, "%llu", (unsigned long long)r->oom_kill);
		break;
	case 8:
		snprintf(buf, n, "%.3f", r->sim_ms);
		break;
	default:
		snprintf(buf, n, "%llu", (unsigned long long)r->expects_failed);
		break;
	}
}

/* A varied value as JSON: a number when it is one, else a string. */
static json_t *value_json(const char *v)
{
	char *end;
	long long n = strtoll(v, &end, 0);

	return (*v && !*end) ? json_integer(n) : json_string(v);
}

static json_t *cell_json(const struct sweep_row *r, size_t k)
{
	char cell[64];

	if (k == 0)
		return json_real(r->local_ratio);
	if (k == 4)
		return json_real(r->stall_ms);
	if (k == 8)
		return json_real(r->sim_ms);
	fmt_cell(r, k, cell, sizeof(cell));
	return json_integer(strtoll(cell, NULL, 10));
}

static json_t *strings_json(const char *const *v, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static char *joined(const char *const *v, int n)
{
	size_t len = 1;

	for (int i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	char *s = calloc(1, len);

	for (int i = 0; s && i < n; i++) {
		if (i)
			strcat(s, ",");
		strcat(s, v[i]);
	}
	return s;
}

/* The sweep's description: everything but the runs and the shard. The
 * merge compares it between shards. */
static json_t *header_json(const struct sweep *sw)
{
	json_t *cmp = json_object(), *vary = json_object();
	char *t = joined(sw->topo, sw->ntopo), *w = joined(sw->work, sw->nwork);

	json_object_set_new(cmp, "topology", json_string(t ? t : ""));
	json_object_set_new(cmp, "workload", json_string(w ? w : ""));
	free(t);
	free(w);
	json_object_set_new(cmp, "topologies", strings_json(sw->topo, sw->ntopo));
	json_object_set_new(cmp, "workloads", strings_json(sw->work, sw->nwork));
	for (int i = 0; i < sw->nvary; i++)
		json_object_set_new(
			vary, sw->vary[i].name,
			strings_json((const char *const *)sw->vary[i].values, sw->vary[i].n));
	json_object_set_new(cmp, "vary", vary);
	json_object_set_new(cmp, "set", strings_json(sw->sets, sw->nsets));
	if (sw->seed)
		json_object_set_new(cmp, "seed", json_string(sw->seed));
	json_object_set_new(cmp, "check", json_boolean(sw->base.check));
	json_object_set_new(cmp, "variants", json_integer(sw->variants));
	return cmp;
}

static void print_json(const struct sweep *sw, const struct sweep_result *res, FILE *f)
{
	json_t *root = json_object(), *cmp = header_json(sw), *runs = json_array();

	if (sw->shard_n > 1) {
		char shard[64];

		snprintf(shard, sizeof(shard), "%d/%d", sw->shard_k, sw->shard_n);
		json_object_set_new(cmp, "shard", json_string(shard));
	}
	for (long v = 0; v < sw->variants; v++) {
		if (!sweep_in_shard(sw, v))
			continue;
		json_t *run = json_object();
		struct sweep_pos p;

		sweep_decode(sw, v, &p);
		json_object_set_new(run, "variant", json_integer(v + 1));
		json_object_set_new(run, "topology", json_string(sw->topo[p.t]));
		json_object_set_new(run, "workload", json_string(sw->work[p.w]));
		for (int i = 0; i < sw->nvary; i++)
			json_object_set_new(run, sw->vary[i].name,
					    value_json(sw->vary[i].values[p.idx[i]]));
		for (size_t k = 0; k < NCOLS; k++)
			json_object_set_new(run, cols[k], cell_json(&res[v].row, k));
		json_array_append_new(runs, run);
	}
	json_object_set_new(cmp, "runs", runs);
	json_object_set_new(root, "compare", cmp);
	sweep_dump_json(root, f);
	json_decref(root);
}

void sweep_dump_json(json_t *root, FILE *f)
{
	json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	fputc('\n', f);
}

/* CSV quoting: a field holding a comma or a quote is quoted. */
static void csv_field(FILE *f, const char *s, bool last)
{
	if (strpbrk(s, ",\"\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

static int width(const char *const *v, int n, int min)
{
	int w = min;

	for (int i = 0; i < n; i++)
		if ((int)strlen(v[i]) > w)
			w = (int)strlen(v[i]);
	return w;
}

static void print_table(const struct sweep *sw, const struct sweep_result *res, bool csv, FILE *f)
{
	int tw = width(sw->topo, sw->ntopo, 8), ww = width(sw->work, sw->nwork, 8);
	char cell[64];

	if (csv) {
		csv_field(f, "topology", false);
		csv_field(f, "workload", false);
	} else {
		fprintf(f, "%-*s %-*s ", tw, "topology", ww, "workload");
	}
	for (int i = 0; i < sw->nvary; i++) {
		if (csv)
			csv_field(f, sw->vary[i].name, false);
		else
			fprintf(f, "%-24s ", sw->vary[i].name);
	}
	for (size_t k = 0; k < NCOLS; k++) {
		if (csv)
			csv_field(f, cols[k], k + 1 == NCOLS);
		else
			fprintf(f, "%15s", cols[k]);
	}
	if (!csv)
		fputc('\n', f);
	for (long v = 0; v < sw->variants; v++) {
		struct sweep_pos p;

		if (!sweep_in_shard(sw, v))
			continue;
		sweep_decode(sw, v, &p);
		if (csv) {
			csv_field(f, sw->topo[p.t], false);
			csv_field(f, sw->work[p.w], false);
		} else {
			fprintf(f, "%-*s %-*s ", tw, sw->topo[p.t], ww, sw->work[p.w]);
		}
		for (int i = 0; i < sw->nvary; i++) {
			if (csv)
				csv_field(f, sw->vary[i].values[p.idx[i]], false);
			else
				fprintf(f, "%-24s ", sw->vary[i].values[p.idx[i]]);
		}
		for (size_t k = 0; k < NCOLS; k++) {
			fmt_cell(&res[v].row, k, cell, sizeof(cell));
			if (csv)
				csv_field(f, cell, k + 1 == NCOLS);
			else
				fprintf(f, "%15s", cell);
		}
		if (!csv)
			fputc('\n', f);
	}
}

/* ---- --list --------------------------------------------------------------------- */

/* A word as the shell reads it back: as is when only safe characters,
 * else in single quotes. */
static void shell_word(FILE *f, const char *s)
{
	fputc(' ', f);
	if (*s &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+./=,:@%") ==
		    strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static void print_list(const struct compare *c, FILE *f)
{
	const struct sweep *sw = &c->sw;
	char kv[SWEEP_MAX_VALUES + 4096];

	for (long v = 0; v < sw->variants; v++) {
		struct sweep_pos p;

		if (!sweep_in_shard(sw, v))
			continue;
		sweep_decode(sw, v, &p);
		fputs(c->prog, f);
		shell_word(f, "run");
		shell_word(f, "-t");
		shell_word(f, sw->topo[p.t]);
		shell_word(f, "-w");
		shell_word(f, sw->work[p.w]);
		for (int i = 0; i < sw->nsets; i++) {
			shell_word(f, "--set");
			shell_word(f, sw->sets[i]);
		}
		if (sw->seed) {
			shell_word(f, "--seed");
			shell_word(f, sw->seed);
		}
		if (sw->base.check)
			shell_word(f, "--check");
		for (int i = 0; i < sw->nvary; i++) {
			snprintf(kv, sizeof(kv), "%s=%s", sw->vary[i].name,
				 sw->vary[i].values[p.idx[i]]);
			shell_word(f, "--set");
			shell_word(f, kv);
		}
		fputc('\n', f);
	}
}

/* ---- the command ---------------------------------------------------------------- */

static int trace_work(const struct run_args *a, const struct topology *topo, uint64_t *work,
		      bool *rel, struct nerr *err);

/* Loads every topology and checks every workload with every combination
 * of parameter values it will get, so bad input stops the sweep before
 * anything runs; the same reading sums each combination's work for
 * sweep_cost(). */
static int check_inputs(struct compare *c)
{
	struct sweep *sw = &c->sw;
	struct nerr err;
	long stride = 1;

	sw->topos = calloc((size_t)sw->ntopo, sizeof(*sw->topos));
	if (!sw->topos)
		return cli_usage("out of memory");
	for (int t = 0; t < sw->ntopo; t++)
		if (load_topology(sw->topo[t], &sw->topos[t], &err))
			return cli_fail(&err);
	/* variants 0 .. nwork * prod(n) - 1 hold topology 0 and every
	 * workload/value combination; tunable-only differences are skipped.
	 * Relative sizes (P%nodeN) are checked on every topology. */
	for (int i = 0; i < sw->nvary; i++)
		stride *= sw->vary[i].n;
	long combos = stride * sw->nwork;

	sw->cost = calloc((size_t)sw->variants, sizeof(*sw->cost));
	uint64_t *work = c->work = calloc((size_t)combos * (size_t)sw->ntopo, sizeof(*work));

	if (!sw->cost || !work)
		return cli_usage("out of memory");
	for (long v = 0; v < combos; v++) {
		struct sweep_pos p;
		struct run_args a;
		bool fresh = true;

		sweep_decode(sw, v, &p);
		for (int i = 0; i < sw->nvary; i++)
			fresh &= sw->vary[i].id < 0 || p.idx[i] == 0;
		if (!fresh)
			continue;
		if (sweep_variant_args(sw, &p, &a, &err))
			return cli_fail(&err);
		for (int t = 0; t < sw->ntopo; t++) {
			uint64_t node_bytes[NS_MAX_NODES];
			const struct topology *topo = sw->topos[t];

			for (int n = 0; n < topo->nr_nodes && n < NS_MAX_NODES; n++)
				node_bytes[n] = topo->nodes[n].memory_bytes;
			a.params.node_bytes = node_bytes;
			a.params.nr_nodes =
				topo->nr_nodes < NS_MAX_NODES ? topo->nr_nodes : NS_MAX_NODES;
			a.params.page_size = topo->page_size;
			a.params.topo_name = topo->name;
			bool rel = false;

			if (trace_work(&a, topo, &work[(size_t)t * (size_t)combos + (size_t)v],
				       &rel, &err))
				return cli_fail(&err);
			if (!rel) {
				for (int u = t + 1; u < sw->ntopo; u++)
					work[(size_t)u * (size_t)combos + (size_t)v] =
						work[(size_t)t * (size_t)combos + (size_t)v];
				break;
			}
		}
	}
	/* every variant's cost, from its fresh combination's work */
	for (long v = 0; v < sw->variants; v++) {
		struct sweep_pos p;
		long fresh = 0;

		sweep_decode(sw, v, &p);
		for (int i = 0; i < sw->nvary; i++)
			fresh = fresh * sw->vary[i].n + (sw->vary[i].id < 0 ? p.idx[i] : 0);
		fresh += (long)p.w * stride;
		sw->cost[v] = sweep_cost(sw, v, work[(size_t)p.t * (size_t)combos + (size_t)fresh]);
	}
	return -1;
}

/* Parses a's trace to the end (the check before anything runs) and sums
 * the work its records ask for; *rel tells whether a parameter value is
 * relative to node memory, so the trace must be checked on every
 * topology. */
static int trace_work(const struct run_args *a, const struct topology *topo, uint64_t *work,
		      bool *rel, struct nerr *err)
{
	struct trace_reader *r = trace_open_params(a->trace, &a->params, err);
	struct trace_record *rec = malloc(sizeof(*rec));
	uint64_t file_bytes = 0, nfiles = 0;
	int rc;

	*work = 0;
	if (!r || !rec) {
		trace_close(r);
		free(rec);
		return r ? nerr_set(err, "out of host memory") : -1;
	}
	*rel = trace_params_relative(r);
	while ((rc = trace_next(r, rec, err)) == 1)
		*work += sweep_record_work(rec, topo->page_size, &file_bytes, &nfiles);
	trace_close(r);
	free(rec);
	return rc < 0 ? -1 : 0;
}

static void free_compare(struct compare *c)
{
	for (int v = 0; v < c->sw.nvary; v++)
		for (int i = 0; i < c->sw.vary[v].n; i++)
			free(c->sw.vary[v].values[i]);
	for (int i = 0; i < c->nlists; i++)
		free(c->lists[i]);
	for (int t = 0; c->sw.topos && t < c->sw.ntopo; t++)
		topo_free(c->sw.topos[t]);
	free(c->sw.topos);
	free(c->sw.cost);
	free(c->work);
}

static int write_output(struct compare *c, const struct sweep_result *res)
{
	struct cli_out o;
	struct nerr err;

	if (cli_out_open(&o, c->out, &err))
		return cli_fail(&err);
	if (c->list)
		print_list(c, o.f);
	else if (c->format == CMP_JSON)
		print_json(&c->sw, res, o.f);
	else
		print_table(&c->sw, res, c->format == CMP_CSV, o.f);
	if (cli_out_close(&o, !ferror(o.f), &err))
		return cli_fail(&err);
	return -1;
}

int cmd_compare(int argc, char **argv)
{
	struct compare c;
	struct sweep_result *res = NULL;
	int rc;

	memset(&c, 0, sizeof(c));
	run_args_init(&c.sw.base);
	/* argv is main's argv past the program name: argv[-1] is that name */
	c.prog = argv[-1];
	c.sw.shard_k = c.sw.shard_n = 1;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	c.sw.jobs = cpus > 0 ? (int)cpus : 1;
	rc = parse_args(argc, argv, &c);
	if (rc >= 0)
		goto out;
	rc = check_inputs(&c);
	if (rc >= 0)
		goto out;
	if (c.list) {
		rc = write_output(&c, NULL);
		rc = rc >= 0 ? rc : EXIT_OK;
		goto out;
	}
	res = calloc((size_t)c.sw.variants, sizeof(*res));
	if (!res) {
		rc = cli_usage("out of memory");
		goto out;
	}
	rc = sweep_run_all(&c.sw, res);
	if (rc >= 0)
		goto out;
	rc = write_output(&c, res);
	if (rc >= 0)
		goto out;
	rc = EXIT_OK;
	for (long v = 0; v < c.sw.variants; v++)
		if (sweep_in_shard(&c.sw, v) && res[v].row.expects_failed)
			rc = EXIT_EXPECT;
out:
	free(res);
	free_compare(&c);
	return rc;
}
