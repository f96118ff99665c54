/*
 * fuzz_replay.c - libFuzzer target: the semantic fuzzer. tracegen.h turns
 * the bytes into a valid trace on a four-node machine of 8 MiB per node
 * (spawn/fork/thread/exec/exit, mmap of every kind, touch, access, files,
 * policies, migration, cpusets, sysctls, kmalloc, swap), which is
 * replayed with --check: an invariant violation aborts, as does a
 * sanitizer report. Inputs the replay rejects as bad (the generator
 * should make none) abort too, so the generator stays honest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "replay_one.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct nerr err;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/numasim-fuzz-replay-%d.trace", (int)getpid());
	if (replay_one(data, size, path, &err)) {
		fprintf(stderr, "replay failed: %s\n", err.msg);
		abort(); /* the trace is kept in path */
	}
	return 0;
}
