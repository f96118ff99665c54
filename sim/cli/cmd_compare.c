/*
 * cmd_compare.c - `numasim compare` (SPEC §3): one trace, every
 * combination of the --vary values, side by side in one table.
 *
 * Each combination is a separate struct sim replayed in turn in this
 * process (the model has no globals). Columns (docs/compare.md):
 *   the varied values, local_ratio, numa_miss (all nodes), remote_pages
 *   (resident pages of live tasks not on their task's current node),
 *   pgscan (kswapd + direct), stall_ms (reclaim stalls of tasks),
 *   pswpout, oom_kill, sim_ms, expects_failed.
 * A run whose expects fail is still shown; compare exits 1 then.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/run_common.h"
#include "sim.h"
#include "task/mm.h"
#include "task/task.h"
#include "topo/topo.h"
#include "trace/replay.h"

#define MAX_VARY 8
#define MAX_VALUES 32

enum cmp_format { CMP_TEXT, CMP_JSON, CMP_CSV };

struct vary {
	int id;                        /* tunable */
	int n;
	char *values[MAX_VALUES];
};

struct row {
	int idx[MAX_VARY];             /* value index per vary */
	double local_ratio;
	uint64_t numa_miss, remote_pages, pgscan, pswpout, pgmigrate, oom_kill, expects_failed;
	double stall_ms, sim_ms;
};

struct compare {
	struct run_args a;
	struct vary vary[MAX_VARY];
	int nvary;
	enum cmp_format format;
	const char *out;
	char *buf;                     /* copies of the --vary strings */
};

static int parse_vary(struct compare *c, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[128];

	if (c->nvary == MAX_VARY)
		return cli_usage("at most %d --vary options", MAX_VARY);
	if (!eq || eq == arg || !eq[1])
		return cli_usage("--vary: expected name=v1,v2,..., got '%s'", arg);
	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	struct vary *v = &c->vary[c->nvary];

	v->id = tunable_find(name);
	if (v->id < 0)
		return cli_usage("--vary: unknown tunable '%s'", name);
	char *list = strdup(eq + 1);

	if (!list)
		return cli_usage("out of memory");
	v->n = 0;
	for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (v->n == MAX_VALUES) {
			free(list);
			return cli_usage("--vary %s: at most %d values", name, MAX_VALUES);
		}
		struct tunables probe = c->a.tun;
		struct nerr err;

		if (tunable_set(&probe, v->id, tok, &err)) {
			free(list);
			return cli_fail(&err);
		}
		v->values[v->n++] = strdup(tok);
	}
	free(list);
	c->nvary++;
	return -1;
}

static int parse_args(int argc, char **argv, struct compare *c)
{
	struct nerr err;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;

		if (!strcmp(arg, "--check")) {
			c->a.check = true;
			continue;
		}
		if (!strcmp(arg, "--progress") || !strcmp(arg, "--no-progress"))
			continue;
		if (!cli_opt_is(arg, "-t", "--topology") && !cli_opt_is(arg, "-w", "--workload") &&
		    !cli_opt_is(arg, NULL, "--vary") && !cli_opt_is(arg, NULL, "--set") &&
		    !cli_opt_is(arg, NULL, "--seed") && !cli_opt_is(arg, NULL, "--format") &&
		    !cli_opt_is(arg, "-o", "--output"))
			return cli_usage("unknown option '%s'", arg);
		if (!(v = cli_opt_value(argc, argv, &i)))
			return cli_usage("option '%s' needs a value", arg);
		int rc = -1;

		if (cli_opt_is(arg, "-t", "--topology"))
			c->a.topo = v;
		else if (cli_opt_is(arg, "-w", "--workload"))
			c->a.trace = v;
		else if (cli_opt_is(arg, NULL, "--vary"))
			rc = parse_vary(c, v);
		else if (cli_opt_is(arg, NULL, "--set") && run_args_set(&c->a, v, &err))
			return cli_fail(&err);
		else if (cli_opt_is(arg, NULL, "--seed") && tunable_set(&c->a.tun, TUN_SIM_SEED, v, &err))
			return cli_fail(&err);
		else if (cli_opt_is(arg, NULL, "--format")) {
			if (!strcmp(v, "text"))
				c->format = CMP_TEXT;
			else if (!strcmp(v, "json"))
				c->format = CMP_JSON;
			else if (!strcmp(v, "csv"))
				c->format = CMP_CSV;
			else
				return cli_usage("unknown format '%s' (text, json or csv)", v);
		} else if (cli_opt_is(arg, "-o", "--output"))
			c->out = v;
		if (rc >= 0)
			return rc;
	}
	if (!c->nvary)
		return cli_usage("compare needs at least one --vary name=v1,v2,...");
	return -1;
}

/* Resident pages of live tasks on nodes other than their CPU's node;
 * an address space shared by threads counts once, for its first task. */
static uint64_t remote_pages(struct sim *s)
{
	uint64_t *by = calloc((size_t)s->topo->nr_nodes, sizeof(*by)), sum = 0;

	if (!by)
		return 0;
	for (uint32_t i = 0; i < s->tasks->nr; i++) {
		struct task *t = s->tasks->by_order[i];
		bool seen = false;

		if (!t->mm || t->state != TASK_RUNNING)
			continue;
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = s->tasks->by_order[j]->mm == t->mm;
		if (seen)
			continue;
		mm_pages_by_node(s, t->mm, by);
		for (int n = 0; n < s->topo->nr_nodes; n++)
			if (n != task_node(s, t))
				sum += by[n];
	}
	free(by);
	return sum;
}

static void measure(struct sim *s, struct row *r)
{
	uint64_t acc = s->acc.local + s->acc.remote, stall = 0;

	r->local_ratio = acc ? (double)s->acc.local / (double)acc : 1.0;
	for (int n = 0; n < s->mem.nr_nodes; n++)
		r->numa_miss += s->mem.nodes[n].numa_stat[NUMA_MISS];
	r->remote_pages = remote_pages(s);
	r->pgscan = s->mem.events[PGSCAN_KSWAPD] + s->mem.events[PGSCAN_DIRECT];
	r->pswpout = s->mem.events[PSWPOUT];
	r->pgmigrate = s->mem.events[PGMIGRATE_SUCCESS];
	r->oom_kill = s->mem.events[OOM_KILL];
	for (uint32_t i = 0; i < s->tasks->nr; i++)
		stall += s->tasks->by_order[i]->stall_ns;
	r->stall_ms = (double)stall / 1e6;
	r->sim_ms = (double)sim_now(s) / 1e6;
	r->expects_failed = s->log ? s->log->expects_failed : 0;
}

static const char *const cols[] = {
	"local_ratio", "numa_miss", "remote_pages", "pgscan", "stall_ms", "pswpout", "pgmigrate",
	"oom_kill", "sim_ms", "expects_failed",
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static void fmt_cell(const struct row *r, size_t c, char *buf, size_t n)
{
	switch (c) {
	case 0: snprintf(buf, n, "%.4f", r->local_ratio); break;
	case 1: snprintf(buf, n, "%llu", (unsigned long long)r->numa_miss); break;
	case 2: snprintf(buf, n, "%llu", (unsigned long long)r->remote_pages); break;
	case 3: snprintf(buf, n, "%llu", (unsigned long long)r->pgscan); break;
	case 4: snprintf(buf, n, "%.3f", r->stall_ms); break;
	case 5: snprintf(buf, n, "%llu", (unsigned long long)r->pswpout); break;
	case 6: snprintf(buf, n, "%llu", (unsigned long long)r->pgmigrate); break;
	case 7: snprintf(buf, n, "%llu", (unsigned long long)r->oom_kill); break;
	case 8: snprintf(buf, n, "%.3f", r->sim_ms); break;
	default: snprintf(buf, n, "%llu", (unsigned long long)r->expects_failed); break;
	}
}

/* A varied value as JSON: a number when it is one, else a string. */
static json_t *value_json(const char *v)
{
	char *end;
	long long n = strtoll(v, &end, 0);

	return (*v && !*end) ? json_integer(n) : json_string(v);
}

static json_t *cell_json(const struct row *r, size_t k)
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

static void print_json(const struct compare *c, const struct row *rows, int nrows, FILE *f)
{
	json_t *root = json_object(), *cmp = json_object(), *runs = json_array();

	json_object_set_new(cmp, "topology", json_string(c->a.topo));
	json_object_set_new(cmp, "workload", json_string(c->a.trace));
	char name[96];

	for (int i = 0; i < nrows; i++) {
		json_t *run = json_object();

		for (int v = 0; v < c->nvary; v++)
			json_object_set_new(run, tunable_name(c->vary[v].id, name, sizeof(name)),
					    value_json(c->vary[v].values[rows[i].idx[v]]));
		for (size_t k = 0; k < NCOLS; k++)
			json_object_set_new(run, cols[k], cell_json(&rows[i], k));
		json_array_append_new(runs, run);
	}
	json_object_set_new(cmp, "runs", runs);
	json_object_set_new(root, "compare", cmp);
	json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	fputc('\n', f);
	json_decref(root);
}

static void print_table(const struct compare *c, const struct row *rows, int nrows, FILE *f)
{
	bool csv = c->format == CMP_CSV;
	char cell[64];

	if (c->format == CMP_JSON) {
		print_json(c, rows, nrows, f);
		return;
	}
	for (int v = 0; v < c->nvary; v++)
		fprintf(f, csv ? "%s," : "%-24s ", tunable_name(c->vary[v].id, cell, sizeof(cell)));
	for (size_t k = 0; k < NCOLS; k++)
		fprintf(f, csv ? (k + 1 < NCOLS ? "%s," : "%s") : "%15s", cols[k]);
	fputc('\n', f);
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		for (int v = 0; v < c->nvary; v++)
			fprintf(f, csv ? "%s," : "%-24s ", c->vary[v].values[r->idx[v]]);
		for (size_t k = 0; k < NCOLS; k++) {
			fmt_cell(r, k, cell, sizeof(cell));
			fprintf(f, csv ? (k + 1 < NCOLS ? "%s," : "%s") : "%15s", cell);
		}
		fputc('\n', f);
	}
}

/* Runs combination number k (mixed radix over the --vary lists, the
 * last --vary changing fastest). */
static int run_one(struct compare *c, const struct topology *topo, int k, struct row *r)
{
	struct run_args a = c->a;
	struct nerr err;

	memset(r, 0, sizeof(*r));
	for (int v = c->nvary - 1; v >= 0; v--) {
		r->idx[v] = k % c->vary[v].n;
		k /= c->vary[v].n;
		if (tunable_set(&a.tun, c->vary[v].id, c->vary[v].values[r->idx[v]], &err))
			return cli_fail(&err);
	}
	struct sim *s = simulate(&a, topo, &err);

	if (!s)
		return cli_fail(&err);
	measure(s, r);
	sim_destroy(s);
	return -1;
}

static void free_compare(struct compare *c)
{
	for (int v = 0; v < c->nvary; v++)
		for (int i = 0; i < c->vary[v].n; i++)
			free(c->vary[v].values[i]);
}

int cmd_compare(int argc, char **argv)
{
	struct compare c;
	struct topology *topo = NULL;
	struct nerr err;
	struct row *rows = NULL;
	int rc, nrows = 1, failed = 0;

	memset(&c, 0, sizeof(c));
	run_args_init(&c.a);
	rc = parse_args(argc, argv, &c);
	if (rc >= 0)
		goto out;
	for (int v = 0; v < c.nvary; v++)
		nrows *= c.vary[v].n;
	rows = calloc((size_t)nrows, sizeof(*rows));
	if (!rows || load_topology(c.a.topo, &topo, &err)) {
		rc = rows ? cli_fail(&err) : cli_usage("out of memory");
		goto out;
	}
	for (int k = 0; k < nrows; k++) {
		rc = run_one(&c, topo, k, &rows[k]);
		if (rc >= 0)
			goto out;
		failed += rows[k].expects_failed > 0;
	}
	struct cli_out o;

	if (cli_out_open(&o, c.out, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	print_table(&c, rows, nrows, o.f);
	if (cli_out_close(&o, true, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	rc = failed ? EXIT_EXPECT : EXIT_OK;
out:
	free(rows);
	free_compare(&c);
	topo_free(topo);
	return rc;
}
