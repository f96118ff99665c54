/*
 * record_int.h - the parts of `numasim record` shared by record.c and
 * perf.c.
 */
#ifndef NUMASIM_RECORD_RECORD_INT_H
#define NUMASIM_RECORD_RECORD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "record/record.h"

/* One ring buffer per CPU: the kernel does not map an inherited
 * per-task event (all the program's threads would write into one). */
struct rec_ring {
	int fd;
	void *base;          /* the control page, then the data pages */
	char *data;
	size_t size;         /* data bytes, a power of two */
};

struct rec_perf {
	struct rec_ring *ring;
	int nring;
	uint64_t samples, lost;
	bool user_only;      /* exclude_kernel: no permission for kernel-mode faults */
};

/* Opens the fault-sampling event on pid (stopped before its exec); on
 * failure fills why with the one line to show the user. */
int perf_faults_open(struct rec_perf *p, pid_t pid, char *why, size_t len);
/* Moves every sample in the ring buffer into the log. */
int perf_faults_drain(struct rec_perf *p, struct rec_log *g);
void perf_faults_close(struct rec_perf *p);

/* log.c: grows an array to hold need elements (doubling); false without memory. */
bool rec_grow(void **p, size_t *cap, size_t need, size_t elem);

/* chunks.c: the anonymous mappings an importer makes up around the
 * touched pages when its capture shows no mappings (2 MiB-aligned
 * chunks, adjacent ones of a process merged). */
struct rec_chunk {
	uint32_t pid;
	uint64_t chunk;      /* address / 2 MiB */
};
struct rec_chunks {
	struct rec_chunk *v;
	size_t n, cap;
};
int rec_chunks_note(struct rec_chunks *c, uint32_t pid, uint64_t addr);
/* Which task maps a process's chunks, and when; false: nobody (skipped). */
typedef bool (*rec_chunk_owner)(void *ctx, uint32_t pid, uint64_t *t, uint32_t *tid);
int rec_chunks_map(struct rec_log *g, struct rec_chunks *c, rec_chunk_owner owner, void *ctx);
void rec_chunks_free(struct rec_chunks *c);

#endif
