/*
 * cmd_record.c - `numasim record [-o FILE] [--accesses INTERVAL]
 * [--expect-rc] -- PROG [ARGS...]` and `numasim import strace|perf|lackey
 * FILE... [-o FILE] [--expect-rc] [--interval N]` (docs/recording.md, docs/cli.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/units.h"
#include "record/record.h"

static void record_note(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "numasim record: %s\n", msg);
}

static void summary(const char *what, const struct rec_stats *st, const char *path)
{
	fprintf(stderr,
		"numasim %s: %" PRIu64 " records, %" PRIu64 " first touches in %" PRIu64
		" touch records (%" PRIu64 " faults; %" PRIu64 " outside any mapping, %" PRIu64
		" of unknown tasks), %" PRIu64 " bytes -> %s\n",
		what, st->records, st->touches, st->touch_records, st->faults, st->unmapped,
		st->unknown_task, st->bytes, path && strcmp(path, "-") ? path : "stdout");
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o = {.warn = record_note};
	struct record_result res;
	struct cli_out out;
	struct nerr err;
	int i = 1;

	for (; i < argc && strcmp(argv[i], "--"); i++) {
		char why[256];

		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			o.out = argv[++i];
		} else if (!strcmp(argv[i], "--accesses") && i + 1 < argc) {
			if (parse_time_ns(argv[++i], &o.accesses_ns, why, sizeof(why)) ||
			    !o.accesses_ns)
				return cli_usage("record: bad --accesses interval '%s'%s%s",
						 argv[i], o.accesses_ns ? ": " : "",
						 o.accesses_ns ? why : "");
		} else if (!strcmp(argv[i], "--expect-rc")) {
			o.expect_rc = true;
		} else if (argv[i][0] != '-') {
			break; /* PROG without -- */
		} else {
			return cli_usage("record: unknown option '%s'", argv[i]);
		}
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc)
		return cli_usage(
			"record needs a program: numasim record [-o FILE] -- PROG [ARGS...]");
	o.argv = argv + i;
	if (cli_out_open(&out, o.out, &err))
		return cli_fail(&err);
	if (record_run(&o, out.f, &res, &err)) {
		cli_out_close(&out, false, NULL);
		return cli_fail(&err);
	}
	if (cli_out_close(&out, true, &err))
		return cli_fail(&err);
	if (res.lost_samples)
		fprintf(stderr,
			"numasim record: %" PRIu64 " page-fault samples were lost (the ring "
			"buffer overflowed): some first touches are missing\n",
			res.lost_samples);
	summary("record", &res.st, o.out);
	if (o.accesses_ns && res.access_samples)
		fprintf(stderr,
			"numasim record: --accesses: %" PRIu64 " samples of the processes' "
			"pages, %" PRIu64 " access records\n",
			res.access_samples, res.access_records);
	if (WIFEXITED(res.status) && WEXITSTATUS(res.status))
		fprintf(stderr, "numasim record: %s exited with status %d\n", o.argv[0],
			WEXITSTATUS(res.status));
	else if (WIFSIGNALED(res.status))
		fprintf(stderr, "numasim record: %s was killed by signal %d\n", o.argv[0],
			WTERMSIG(res.status));
	return EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
	struct import_opts io = {.interval_ns = 1000000};
	const char *outp = NULL, *files[256];
	int nfiles = 0;
	struct cli_out out;
	struct nerr err;
	struct rec_stats st;

	if (argc < 2)
		return cli_usage(
			"import needs a kind: import strace|perf|lackey FILE... [-o FILE]");
	if (!strcmp(argv[1], "strace"))
		io.kind = IMPORT_STRACE;
	else if (!strcmp(argv[1], "perf"))
		io.kind = IMPORT_PERF;
	else if (!strcmp(argv[1], "lackey"))
		io.kind = IMPORT_LACKEY;
	else
		return cli_usage("import: unknown kind '%s': strace, perf or lackey", argv[1]);
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			outp = argv[++i];
		} else if (!strcmp(argv[i], "--interval") && i + 1 < argc) {
			char why[256];

			if (parse_size(argv[++i], &io.interval_ns, why, sizeof(why)) ||
			    !io.interval_ns)
				return cli_usage("import: bad --interval '%s'", argv[i]);
		} else if (!strcmp(argv[i], "--expect-rc")) {
			io.expect_rc = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage("import: unknown option '%s'", argv[i]);
		} else if (nfiles < 256) {
			files[nfiles++] = argv[i];
		} else {
			return cli_usage("import: at most 256 files");
		}
	}
	if (!nfiles)
		return cli_usage("import %s needs a FILE", argv[1]);
	struct rec_log *g = rec_log_new((unsigned)sysconf(_SC_PAGESIZE));
	uint32_t next_mm = 1;

	if (!g)
		return cli_usage("import: out of memory");
	for (int i = 0; i < nfiles; i++)
		if (import_file(g, &io, files[i], &next_mm, &err)) {
			rec_log_free(g);
			return cli_fail(&err);
		}
	if (cli_out_open(&out, outp, &err)) {
		rec_log_free(g);
		return cli_fail(&err);
	}
	char comments[256], name[256];
	const char *base = strrchr(files[0], '/');

	snprintf(name, sizeof(name), "%s", base ? base + 1 : files[0]);
	snprintf(comments, sizeof(comments), "# imported by numasim import %s\n", argv[1]);
	if (rec_log_write(g, out.f, name, comments, &st, &err)) {
		cli_out_close(&out, false, NULL);
		rec_log_free(g);
		return cli_fail(&err);
	}
	rec_log_free(g);
	if (cli_out_close(&out, true, &err))
		return cli_fail(&err);
	summary("import", &st, outp);
	return EXIT_OK;
}
