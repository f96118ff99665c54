/*
 * fuzz_trace.c - libFuzzer target: the trace parser on arbitrary bytes.
 * The bytes are written to a file (trace_open() reads files; one file per
 * process) behind the magic line, then validated with trace_validate()
 * and read again with trace_next() knowing the topology size (so `all`
 * expands). Any input must parse or give one "file:line: problem" line.
 * A trace that parses is also read through trace_validate_open(), whose
 * compiled form must give the same records, field by field, and the same
 * line text (trace_record_text()) as parsing the text.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "one_line.h"
#include "trace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *trace_file(void)
{
	static char path[64];

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/numasim-fuzz-trace-%d.trace", (int)getpid());
	return path;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The fields a record carries (trace.h: a field counts only with its key). */
static bool same_record(const struct trace_record *a, const struct trace_record *b)
{
#define HAS(k) trace_has(a, k)
	if (a->line != b->line || a->op != b->op || a->time_ns != b->time_ns || a->has != b->has ||
	    a->all != b->all || a->flags != b->flags || a->mode_flags != b->mode_flags ||
	    a->mbind_flags != b->mbind_flags)
		return false;
	if ((HAS(TK_PID) && a->pid != b->pid) || (HAS(TK_ADDR) && a->addr != b->addr) ||
	    (HAS(TK_LEN) && a->len != b->len) || (HAS(TK_COUNT) && a->count != b->count) ||
	    (HAS(TK_STRIDE) && a->stride != b->stride) || (HAS(TK_SEED) && a->seed != b->seed) ||
	    (HAS(TK_PATTERN) && a->pattern != b->pattern) || (HAS(TK_SIZE) && a->size != b->size) ||
	    (HAS(TK_OFFSET) && a->offset != b->offset) || (HAS(TK_CPU) && a->cpu != b->cpu) ||
	    (HAS(TK_NODE) && a->node != b->node) || (HAS(TK_CHILD) && a->child != b->child) ||
	    (HAS(TK_TID) && a->tid != b->tid) || (HAS(TK_UID) && a->uid != b->uid) ||
	    (HAS(TK_MODE) && a->mode != b->mode) || (HAS(TK_ADVICE) && a->advice != b->advice))
		return false;
	if ((HAS(TK_NAME) && !same_str(a->name, b->name)) ||
	    (HAS(TK_FILE) && !same_str(a->file, b->file)) ||
	    (HAS(TK_PATH) && !same_str(a->path, b->path)) ||
	    (HAS(TK_LABEL) && !same_str(a->label, b->label)))
		return false;
	if (HAS(TK_NODES) && memcmp(&a->nodes, &b->nodes, sizeof(a->nodes)))
		return false;
	if (HAS(TK_CPUS) && memcmp(&a->cpus, &b->cpus, sizeof(a->cpus)))
		return false;
	if (a->op == OP_SYSCTL && (a->sysctl_id != b->sysctl_id || a->sysctl_int != b->sysctl_int))
		return false;
	if (a->op == OP_EXPECT &&
	    (a->expect.what != b->expect.what || a->expect.value != b->expect.value ||
	     a->expect.nstatus != b->expect.nstatus))
		return false;
	return true;
#undef HAS
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

	struct trace_reader *c = NULL;
	struct trace_record crec;
	uint64_t cn = 0;

	if (!r)
		abort(); /* validated a moment ago */
	if (trace_validate_open(path, NULL, &cn, NULL, &c, &err) || cn != n)
		abort();
	trace_reader_set_nodes(r, 4, 8);
	trace_reader_set_nodes(c, 4, 8);
	while ((rc = trace_next(r, &rec, &err)) == 1) {
		if (trace_next(c, &crec, &err) != 1 || !same_record(&rec, &crec) ||
		    strcmp(rec.text, trace_record_text(c, &crec)))
			abort();
		m++;
	}
	if (trace_next(c, &crec, &err) != 0)
		abort();
	trace_close(r);
	trace_close(c);
	if (rc < 0 || m != n)
		abort();
	return 0;
}
