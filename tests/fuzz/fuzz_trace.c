/*
 * fuzz_trace.c - libFuzzer target: the trace parser on arbitrary bytes.
 * The bytes are written to a file (trace_open() reads files; one file per
 * process) behind the magic line, then validated with trace_validate()
 * and read again with trace_next() knowing the topology size (so `all`
 * expands). Any input must parse or give one "file:line: problem" line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *trace_file(void)
{
	static char path[64];

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/numasim-fuzz-trace-%d.trace", (int)getpid());
	return path;
}

static void one_line(const struct nerr *err)
{
	if (!strchr(err->msg, ':') || strchr(err->msg, '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = trace_file();
	FILE *f = fopen(path, "w");
	struct nerr err;
	uint64_t n = 0;

	if (!f)
		abort();
	/* most inputs get the magic line for free; a leading 0xff byte opts out */
	if (size && data[0] == 0xff) {
		data++;
		size--;
	} else {
		fputs(TRACE_MAGIC "\n", f);
	}
	fwrite(data, 1, size, f);
	fclose(f);
	if (trace_validate(path, &n, &err)) {
		one_line(&err);
		return 0;
	}
	struct trace_reader *r = trace_open(path, &err);
	struct trace_record rec;
	uint64_t m = 0;
	int rc;

	if (!r)
		abort();   /* validated a moment ago */
	trace_reader_set_nodes(r, 4, 8);
	while ((rc = trace_next(r, &rec, &err)) == 1)
		m++;
	trace_close(r);
	if (rc < 0 || m != n)
		abort();
	return 0;
}
