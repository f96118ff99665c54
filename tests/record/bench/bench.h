/*
 * bench.h - the arguments the file-reading programs of `scripts/bench
 * record` share: argv[1], how many iterations (default dflt), argv[2],
 * the file to read (default the program itself).
 */
#ifndef NUMASIM_RECORD_BENCH_H
#define NUMASIM_RECORD_BENCH_H

#include <fcntl.h>
#include <stdlib.h>

/* The file's fd (-1 when it cannot be opened); *n the iterations. */
static inline int bench_open(int argc, char **argv, long dflt, long *n)
{
	*n = argc > 1 ? atol(argv[1]) : dflt;
	return open(argc > 2 ? argv[2] : "/proc/self/exe", O_RDONLY);
}

#endif
