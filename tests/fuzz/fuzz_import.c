/*
 * fuzz_import.c - libFuzzer target: `numasim import` on arbitrary bytes.
 * The first byte picks the reader (strace, perf, lackey); the rest is the
 * capture. An import either fails with one "file:line: problem" (or
 * "file: problem") line, or writes a trace that the trace parser accepts
 * whole. Seed corpus: the captures in tests/import behind their kind's byte (0
 * strace, 1 perf, 2 lackey).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/record.h"
#include "trace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *out_file(void)
{
	static char path[64];

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/numasim-fuzz-import-%d.trace", (int)getpid());
	return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	FILE *in = fmemopen((void *)(data + 1), size - 1 ? size - 1 : 1, "r");
	struct rec_log *g = rec_log_new(4096);
	uint32_t next_mm = 1;
	struct nerr err;
	uint64_t n;
	int rc;

	if (!in || !g)
		abort();
	if (size == 1) { /* fmemopen of nothing: an empty capture */
		fclose(in);
		in = fmemopen((void *)"", 1, "r");
	}
	switch (data[0] % 3) {
	case 0:
		rc = import_strace(g, in, "capture", data[0] & 4, &next_mm, &err);
		break;
	case 1:
		rc = import_perf(g, in, "capture", &next_mm, &err);
		break;
	default:
		rc = import_lackey(g, in, "capture", 1 + data[0] / 3, &next_mm, &err);
		break;
	}
	fclose(in);
	if (rc) {
		if (strncmp(err.msg, "capture", 7) || strchr(err.msg, '\n'))
			abort();
		rec_log_free(g);
		return 0;
	}
	FILE *out = fopen(out_file(), "w");

	if (!out || rec_log_write(g, out, "fuzz", NULL, NULL, &err))
		abort();
	fclose(out);
	rec_log_free(g);
	if (trace_validate(out_file(), &n, &err)) {
		fprintf(stderr, "the imported trace does not parse: %s\n", err.msg);
		abort();
	}
	return 0;
}
