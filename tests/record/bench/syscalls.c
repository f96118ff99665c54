/*
 * syscalls.c - the syscall-heavy program of `scripts/bench record`: each
 * iteration maps 64 KiB, writes every page, unmaps it, and reads 4 KiB
 * of a file with pread(): every call is one the recorder records (with
 * tracepoints, none of them stops), and every page is a first touch. argv[1]: iterations, argv[2]: a file.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long n;
	int fd = bench_open(argc, argv, 20000, &n);
	char buf[4096];
	unsigned sum = 0;

	if (fd < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		char *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);

		if (p == MAP_FAILED)
			return 1;
		for (int k = 0; k < 65536; k += 4096)
			p[k] = (char)k;
		sum += (unsigned)p[4096];
		munmap(p, 65536);
		if (pread(fd, buf, sizeof(buf), 0) < 0)
			return 1;
		sum += (unsigned char)buf[1];
	}
	printf("%u\n", sum);
	return 0;
}
