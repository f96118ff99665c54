/*
 * fuzz_bintrace.c - libFuzzer target: the binary trace reader
 * (docs/trace-format.md "Binary traces") on arbitrary bytes. Most inputs
 * get the magic and version byte in front for free (a leading 0xff byte
 * opts out). Any input must validate or give one "file: ... problem"
 * line, never a crash; one that validates must convert to text and back:
 * binary -> text -> binary -> text gives the same text twice, with as
 * many records as the binary held.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "one_line.h"
#include "trace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *tmp_path(const char *what)
{
	static char path[4][96];
	int i = what[0] == 'b' ? 0 : what[0] == 't' ? 1 : what[0] == 'c' ? 2 : 3;

	snprintf(path[i], sizeof(path[i]), "/tmp/numasim-fuzz-bintrace-%d.%s", (int)getpid(), what);
	return path[i];
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		abort();
	do {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			if (!(buf = realloc(buf, cap)))
				abort();
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	*len = n;
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *bin = tmp_path("bin"), *txt = tmp_path("txt"), *bin2 = tmp_path("c.bin"),
		   *txt2 = tmp_path("d.txt");
	FILE *f = fopen(bin, "wb");
	struct nerr err;
	uint64_t n = 0, n1 = 0, n2 = 0, n3 = 0;
	bool to_bin;

	if (!f)
		abort();
	if (size && data[0] == 0xff) {
		data++;
		size--;
	} else {
		fwrite(TRACE_BIN_MAGIC, 1, TRACE_BIN_MAGIC_LEN, f);
		fputc(TRACE_BIN_VERSION, f);
	}
	fwrite(data, 1, size, f);
	fclose(f);
	if (trace_validate(bin, &n, &err)) {
		one_line(&err);
		return 0;
	}
	if (trace_convert(bin, txt, NULL, &n1, &to_bin, &err) || to_bin || n1 != n)
		abort();
	if (trace_validate(txt, &n2, &err) || n2 != n)
		abort(); /* the text written must be a trace */
	if (trace_convert(txt, bin2, NULL, &n2, &to_bin, &err) || !to_bin ||
	    trace_convert(bin2, txt2, NULL, &n3, &to_bin, &err) || n3 != n)
		abort();
	size_t l1, l2;
	char *a = slurp(txt, &l1), *b = slurp(txt2, &l2);

	if (l1 != l2 || memcmp(a, b, l1))
		abort();
	free(a);
	free(b);
	return 0;
}
