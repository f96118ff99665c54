/*
 * reads.c - the file-reading program of `scripts/bench record`: read()s
 * of 4 KiB through a file (argv[2], default the program itself), from
 * its start again at its end: every call is a read of a regular file,
 * which the recorder records from its tracepoints' BPF programs (without
 * them: one stop each). argv[1]: reads.
 */
#include <stdio.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long n;
	int fd = bench_open(argc, argv, 100000, &n);
	char buf[4096];
	unsigned sum = 0;

	if (fd < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		ssize_t got = read(fd, buf, sizeof(buf));

		if (got < 0)
			return 1;
		if (got < (ssize_t)sizeof(buf) && lseek(fd, 0, SEEK_SET) < 0)
			return 1;
		sum += got > 0 ? (unsigned char)buf[got - 1] : 0;
	}
	printf("%u\n", sum);
	return 0;
}
