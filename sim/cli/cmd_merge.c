/*
 * cmd_merge.c - `numasim merge FILE... [-o FILE]` (docs/sweeps.md): the
 * JSON outputs of `compare --shard K/N --format json` back into the one
 * report the unsharded compare prints, byte for byte.
 *
 * Every file must describe the same sweep (everything but "shard" and
 * "runs" equal), be a different shard of the same N, and together the
 * shards must hold each variant exactly once; anything else is a
 * one-line error naming the file. Exit status 1 when a run failed an
 * expect, as compare's.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/run_common.h"
#include "cli/sweep.h"

/* A problem with the files: "FILE: problem", exit status 2. */
__attribute__((format(printf, 1, 2))) static int merge_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_BADINPUT;
}

struct merge {
	const char *files[4096];
	int nfiles;
	const char *out;
	json_t *header; /* the first file's sweep, without shard and runs */
	const char *header_file;
	long variants;
	int shard_n;
	const char **shard_file; /* [K-1]: the file holding shard K */
	json_t **runs;		 /* [variant-1] */
};

static int parse_shard(const char *file, json_t *cmp, int *k, int *n)
{
	json_t *s = json_object_get(cmp, "shard");
	char tail;

	*k = *n = 1;
	if (!s)
		return 0;
	if (!json_is_string(s) || sscanf(json_string_value(s), "%d/%d%c", k, n, &tail) != 2 ||
	    *n < 1 || *k < 1 || *k > *n)
		return merge_fail("%s: bad \"shard\" (want \"K/N\")", file);
	return 0;
}

/* Checks one file's sweep against the first and keeps its shard. */
static int take_header(struct merge *m, const char *file, json_t *cmp, int *k)
{
	json_t *h = json_deep_copy(cmp);
	int n;

	if (!h)
		return merge_fail("numasim: out of memory");
	json_object_del(h, "shard");
	json_object_del(h, "runs");
	if (parse_shard(file, cmp, k, &n)) {
		json_decref(h);
		return EXIT_BADINPUT;
	}
	if (!m->header) {
		json_t *v = json_object_get(h, "variants");

		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > SWEEP_MAX_VARIANTS) {
			json_decref(h);
			return merge_fail("%s: no \"variants\" count: not a compare output", file);
		}
		m->header = h;
		m->header_file = file;
		m->variants = (long)json_integer_value(v);
		m->shard_n = n;
		m->shard_file = calloc((size_t)n, sizeof(*m->shard_file));
		m->runs = calloc((size_t)m->variants, sizeof(*m->runs));
		if (!m->shard_file || !m->runs)
			return merge_fail("numasim: out of memory");
	} else {
		bool same = json_equal(h, m->header);

		json_decref(h);
		if (!same)
			return merge_fail("%s: not the same sweep as %s (topologies, workloads, "
					  "--vary, --set or --seed differ)",
					  file, m->header_file);
		if (n != m->shard_n)
			return merge_fail("%s: shard %d/%d, but %s is one of %d shards", file, *k,
					  n, m->header_file, m->shard_n);
	}
	if (m->shard_file[*k - 1])
		return merge_fail("%s: shard %d/%d given twice (also %s)", file, *k, n,
				  m->shard_file[*k - 1]);
	m->shard_file[*k - 1] = file;
	return 0;
}

static int take_runs(struct merge *m, const char *file, json_t *cmp, int k)
{
	json_t *runs = json_object_get(cmp, "runs"), *run;
	size_t i;

	if (!json_is_array(runs))
		return merge_fail("%s: no \"runs\" array: not a compare output", file);
	json_array_foreach(runs, i, run)
	{
		json_t *v = json_object_get(run, "variant");
		long n = json_is_integer(v) ? (long)json_integer_value(v) : 0;

		if (n < 1 || n > m->variants)
			return merge_fail("%s: run %zu has no variant number 1..%ld", file, i + 1,
					  m->variants);
		if ((n - 1) % m->shard_n != k - 1)
			return merge_fail("%s: variant %ld does not belong to shard %d/%d", file, n,
					  k, m->shard_n);
		if (m->runs[n - 1])
			return merge_fail("%s: variant %ld given twice", file, n);
		m->runs[n - 1] = json_incref(run);
	}
	return 0;
}

static int take_file(struct merge *m, const char *file)
{
	json_error_t jerr;
	json_t *root = json_load_file(file, 0, &jerr);
	json_t *cmp = root ? json_object_get(root, "compare") : NULL;
	int k, rc;

	if (!root && jerr.line < 1)
		return merge_fail("%s: cannot read: %s", file, jerr.text);
	if (!root)
		return merge_fail("%s:%d: %s", file, jerr.line, jerr.text);
	if (!json_is_object(cmp)) {
		json_decref(root);
		return merge_fail("%s: no \"compare\" object: not a compare --format json output",
				  file);
	}
	rc = take_header(m, file, cmp, &k);
	if (!rc)
		rc = take_runs(m, file, cmp, k);
	json_decref(root);
	return rc;
}

static int write_merged(struct merge *m)
{
	json_t *root = json_object(), *runs = json_array();
	struct cli_out o;
	struct nerr err;
	int rc = EXIT_OK;

	for (long v = 0; v < m->variants; v++) {
		json_t *ef = json_object_get(m->runs[v], "expects_failed");

		if (json_is_integer(ef) && json_integer_value(ef) > 0)
			rc = EXIT_EXPECT;
		json_array_append(runs, m->runs[v]);
	}
	json_object_set_new(m->header, "runs", runs);
	json_object_set(root, "compare", m->header);
	if (cli_out_open(&o, m->out, &err)) {
		json_decref(root);
		return cli_fail(&err);
	}
	sweep_dump_json(root, o.f);
	json_decref(root);
	if (cli_out_close(&o, !ferror(o.f), &err))
		return cli_fail(&err);
	return rc;
}

static int merge_main(struct merge *m)
{
	int rc;

	for (int i = 0; i < m->nfiles; i++)
		if ((rc = take_file(m, m->files[i])))
			return rc;
	for (int k = 0; k < m->shard_n; k++)
		if (!m->shard_file[k])
			return merge_fail("numasim: merge: shard %d/%d is missing", k + 1,
					  m->shard_n);
	for (long v = 0; v < m->variants; v++)
		if (!m->runs[v])
			return merge_fail("%s: variant %ld is missing",
					  m->shard_file[v % m->shard_n], v + 1);
	return write_merged(m);
}

int cmd_merge(int argc, char **argv)
{
	struct merge m;
	int rc;

	memset(&m, 0, sizeof(m));
	for (int i = 1; i < argc; i++) {
		if (cli_opt_is(argv[i], "-o", "--output")) {
			if (!(m.out = cli_opt_value(argc, argv, &i)))
				return cli_usage("option '%s' needs a value", argv[i]);
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage("merge: unknown option '%s'", argv[i]);
		} else if (m.nfiles == (int)(sizeof(m.files) / sizeof(m.files[0]))) {
			return cli_usage("merge: at most %zu files",
					 sizeof(m.files) / sizeof(m.files[0]));
		} else {
			m.files[m.nfiles++] = argv[i];
		}
	}
	if (!m.nfiles)
		return cli_usage(
			"merge needs the JSON outputs of compare --shard: merge FILE... [-o FILE]");
	rc = merge_main(&m);
	for (long v = 0; m.runs && v < m.variants; v++)
		json_decref(m.runs[v]);
	free(m.runs);
	free(m.shard_file);
	json_decref(m.header);
	return rc;
}
