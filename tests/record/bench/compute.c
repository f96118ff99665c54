/*
 * compute.c - the compute-bound program of `scripts/bench record`: maps
 * 64 MiB, writes every page once (16384 first touches), then computes
 * over it for argv[1] passes without a system call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	long passes = argc > 1 ? atol(argv[1]) : 20;
	size_t len = 64ul << 20, n = len / sizeof(unsigned);
	unsigned *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long sum = 0;

	if (p == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned)i;
	for (long k = 0; k < passes; k++)
		for (size_t i = 0; i < n; i++)
			sum += p[i] * 2654435761u >> (k & 7);
	printf("%lu\n", sum);
	return 0;
}
