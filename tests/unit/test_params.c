/*
 * test_params.c - trace parameters (docs/trace-format.md "Parameters"):
 * `# param NAME=DEFAULT`, ${NAME} substitution before parsing, values
 * given by the caller, relative sizes P%nodeN by hand arithmetic, and
 * each error with its exact message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "trace/trace.h"

static char tmp_path[64];

static const char *write_trace(const char *body)
{
	strcpy(tmp_path, "/tmp/test_params_XXXXXX");
	int fd = mkstemp(tmp_path);

	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");

	assert_non_null(f);
	fprintf(f, "%s\n%s", TRACE_MAGIC, body);
	fclose(f);
	return tmp_path;
}

/* Opens body with p and returns the len= of its first record. */
static uint64_t first_len(const char *body, const struct trace_params *p)
{
	struct nerr err = {{0}};
	struct trace_record rec;
	struct trace_reader *r = trace_open_params(write_trace(body), p, &err);

	if (!r)
		fail_msg("open failed: %s", err.msg);
	if (trace_next(r, &rec, &err) != 1)
		fail_msg("parse failed: %s", err.msg);
	uint64_t len = rec.len;

	trace_close(r);
	unlink(tmp_path);
	return len;
}

static void assert_fails(const char *body, const struct trace_params *p, const char *want)
{
	struct nerr err = {{0}};
	char full[NERR_MSG_MAX + 64];
	const char *path = write_trace(body);

	assert_int_equal(trace_validate_params(path, p, NULL, &err), -1);
	snprintf(full, sizeof(full), "%s:%s", path, want);
	assert_string_equal(err.msg, full);
	unlink(path);
}

#define MMAP_SIZE "# param SIZE=%s\n@0 mmap pid=1 addr=0x10000000 len=${SIZE}\n"

static uint64_t len_of(const char *value, const struct trace_params *p)
{
	char body[256];

	snprintf(body, sizeof(body), MMAP_SIZE, value);
	return first_len(body, p);
}

static void test_substitution(void **state)
{
	(void)state;
	struct trace_params p = {0};
	struct nerr err = {{0}};
	struct trace_record rec;

	/* the default, then a value given, then two parameters in one word */
	assert_int_equal(len_of("16MiB", NULL), 16 << 20);
	trace_params_put(&p, "SIZE", "2MiB");
	assert_int_equal(len_of("16MiB", &p), 2 << 20);
	struct trace_reader *r =
		trace_open_params(write_trace("# param A=0x1000\n# param B=0000\n@0 mmap pid=1 "
					      "addr=${A}${B} len=4K name=x${A}\n"),
				  NULL, &err);

	assert_non_null(r);
	assert_int_equal(trace_param_count(r), 2);
	assert_string_equal(trace_param_name(r, 1), "B");
	assert_int_equal(trace_next(r, &rec, &err), 1);
	assert_int_equal(rec.addr, 0x10000000);
	assert_string_equal(rec.name, "x0x1000");
	/* the record's text is the substituted line */
	assert_non_null(strstr(rec.text, "addr=0x10000000"));
	trace_close(r);
	unlink(tmp_path);
	/* a comment after the record is left alone, '$' and all */
	assert_int_equal(
		first_len(
			"# param S=8K\n@0 mmap pid=1 addr=0x10000000 len=${S} # costs $5 ${NOPE}\n",
			NULL),
		8192);
}

static void test_relative_sizes(void **state)
{
	(void)state;
	const uint64_t nodes[] = {256ull << 20, 2ull << 30};
	struct trace_params p = {
		.node_bytes = nodes, .nr_nodes = 2, .page_size = 4096, .topo_name = "t"};

	assert_int_equal(len_of("62.5%node0", &p), 160 << 20); /* 5/8 of 256 MiB */
	assert_int_equal(len_of("50%node1", &p), 1ull << 30);  /* 1/2 of 2 GiB */
	assert_int_equal(len_of("100%node0", &p), 256 << 20);
	/* 10% of 256 MiB is 26843545.6 bytes: 6553 whole pages */
	assert_int_equal(len_of("10%node0", &p), 6553ull * 4096);
	/* less than a page is one page */
	assert_int_equal(len_of("0.001%node0", &p), 4096);
	/* 16 KiB pages: 10% of 256 MiB is 1638 pages of 16 KiB */
	p.page_size = 16384;
	assert_int_equal(len_of("10%node0", &p), 1638ull * 16384);
	/* without a topology: 256 MiB nodes, 4 KiB pages */
	assert_int_equal(len_of("25%node7", NULL), 64 << 20);
}

static void test_errors(void **state)
{
	(void)state;
	const uint64_t nodes[] = {256ull << 20};
	struct trace_params p = {
		.node_bytes = nodes, .nr_nodes = 1, .page_size = 4096, .topo_name = "ring1"};
	struct trace_params given = {0};

	assert_fails("@0 spawn pid=1 cpu=0 name=${X}\n", NULL,
		     "2: undeclared parameter ${X} (declare it with '# param X=DEFAULT')");
	assert_fails("# param X=1\n@0 spawn pid=1 cpu=0 name=$X\n", NULL,
		     "3: '$' must start ${NAME}");
	assert_fails("# param X=1\n@0 spawn pid=1 cpu=0 name=${X\n", NULL,
		     "3: '$' must start ${NAME}");
	assert_fails("# param X=1\n# param X=2\n", NULL,
		     "3: parameter 'X' declared twice (first on line 2)");
	assert_fails("# param 1X=1\n", NULL,
		     "2: bad parameter name '1X' (a letter or '_', then letters, digits, '_')");
	assert_fails("# param X\n", NULL, "2: expected '# param NAME=DEFAULT'");
	assert_fails("# param X=\n", NULL, "2: parameter 'X': empty value");
	assert_fails("# param X=1 2\n", NULL,
		     "2: parameter 'X': expected '# param NAME=DEFAULT' and nothing after it");
	assert_fails("@0 spawn pid=1 cpu=0\n# param X=1\n", NULL,
		     "3: '# param' must come before the first record");
	assert_fails("# param S=5%node1\n", &p,
		     "2: parameter 'S': '5%node1': topology ring1 has no node 1");
	assert_fails("# param S=5.0001%node0\n", &p,
		     "2: parameter 'S': bad relative size '5.0001%node0' (want P%nodeN, e.g. "
		     "62.5%node0)");
	assert_fails(
		"# param S=%node0\n", &p,
		"2: parameter 'S': bad relative size '%node0' (want P%nodeN, e.g. 62.5%node0)");
	assert_fails("# param M=bind\n@0 set_mempolicy pid=1 mode=${M}x nodes=0\n", NULL,
		     "3: bad mode 'bindx': one of default, preferred, bind, interleave, local, "
		     "preferred_many, "
		     "weighted_interleave (with M=bind)");
	trace_params_put(&given, "Y", "1");
	assert_fails("# param X=1\n", &given,
		     "2: a value for parameter 'Y', but the trace declares only X");
	assert_fails("@0 spawn pid=1 cpu=0\n", &given,
		     "1: a value for parameter 'Y', but the trace declares no parameters ('# param "
		     "Y=DEFAULT')");
}

static void test_names_and_values(void **state)
{
	(void)state;
	assert_true(trace_param_name_ok("SIZE"));
	assert_true(trace_param_name_ok("_x1"));
	assert_false(trace_param_name_ok("vm.swappiness"));
	assert_false(trace_param_name_ok(""));
	assert_false(trace_param_name_ok("9a"));
	assert_null(trace_param_value_bad("0-3,6"));
	assert_non_null(trace_param_value_bad(""));
	assert_non_null(trace_param_value_bad("a b"));
	assert_non_null(trace_param_value_bad("${X}"));
	assert_non_null(trace_param_value_bad("a#b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_substitution),
		cmocka_unit_test(test_relative_sizes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_names_and_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
