/*
 * record.h - traces of real programs (docs/recording.md).
 *
 * Three capture front ends share one back end:
 *   - `numasim record` runs a program under ptrace with page-fault
 *     sampling (record.c, perf.c);
 *   - `numasim import strace|perf|lackey` reads the output of those
 *     tools captured elsewhere (import_*.c);
 *   - the event log (log.c) takes what they saw, in any order, and
 *     writes a v1 trace (docs/trace-format.md): events sorted by time,
 *     mappings tracked per address space so that only first touches of
 *     mapped pages become `touch` records, consecutive pages of one task
 *     on one CPU coalesced into one range.
 */
#ifndef NUMASIM_RECORD_RECORD_H
#define NUMASIM_RECORD_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"

#define REC_NO_CPU 0xffffu
/* Above every user address (TASK_SIZE with 5-level page tables): a
 * range reaching it is not the program's memory. */
#define REC_USER_TOP (1ull << 57)
#define REC_MAX_NODES 1024 /* node numbers a trace can name (MAX_NUMNODES) */

static inline bool rec_range_ok(uint64_t addr, uint64_t len)
{
	return addr < REC_USER_TOP && len <= REC_USER_TOP - addr;
}

/* What a mapping record carries (struct rec_map.flags). */
enum {
	RM_WRITE = 1 << 0,  /* PROT_WRITE */
	RM_SHARED = 1 << 1, /* MAP_SHARED */
	RM_HUGE = 1 << 2,   /* MAP_HUGETLB */
	RM_LOCKED = 1 << 3, /* MAP_LOCKED */
	RM_HEAP = 1 << 4,   /* name=heap */
	RM_STACK = 1 << 5,  /* name=stack */
};

struct rec_log;

struct rec_log *rec_log_new(unsigned page_size);
void rec_log_free(struct rec_log *g);

/* Every event has a time in ns (any origin: the log starts the trace at
 * its earliest event) and the task (tid) whose stream it joins. Address
 * spaces are numbered by the front end (mm, at spawn, fork and exec);
 * every other event acts on the address space its task has at that
 * time. */

/* A record printed as given (op and keys, no time): set_mempolicy,
 * affinity, file, read, expect, ... A text starting with '#' is printed
 * as a comment. */
int rec_text(struct rec_log *g, uint64_t t, uint32_t tid, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A `file` record; the log keeps the size for the fault-around of
 * read faults in mappings of the file. */
int rec_file(struct rec_log *g, uint64_t t, uint32_t tid, const char *name, uint64_t size);
/* Task events: they set the CPU the log knows for `tid` (or `child`). */
int rec_spawn(struct rec_log *g, uint64_t t, uint32_t tid, uint32_t mm, unsigned cpu,
	      const char *name);
int rec_exec(struct rec_log *g, uint64_t t, uint32_t tid, uint32_t mm, unsigned cpu,
	     const char *name);
/* fork (a copy of tid's address space, numbered child_mm) or thread
 * (the same address space: child_mm is ignored). */
int rec_fork(struct rec_log *g, uint64_t t, uint32_t tid, uint32_t child, uint32_t child_mm,
	     unsigned cpu, bool thread);
int rec_exit(struct rec_log *g, uint64_t t, uint32_t tid);
/* The task ran on `cpu` at time t (a `run` record if that is new). */
int rec_cpu(struct rec_log *g, uint64_t t, uint32_t tid, unsigned cpu);

/* Mappings. `file` is NULL for anonymous memory; the front end declares
 * the file with a `file` record first. */
int rec_map(struct rec_log *g, uint64_t t, uint32_t tid, uint64_t addr, uint64_t len,
	    unsigned flags, const char *file, uint64_t offset);
int rec_unmap(struct rec_log *g, uint64_t t, uint32_t tid, uint64_t addr, uint64_t len);
int rec_protect(struct rec_log *g, uint64_t t, uint32_t tid, uint64_t addr, uint64_t len,
		bool write);
int rec_remap(struct rec_log *g, uint64_t t, uint32_t tid, uint64_t addr, uint64_t len,
	      uint64_t new_addr, uint64_t new_len);
/* madvise; `drop` for advices after which a touch faults again. */
int rec_madvise(struct rec_log *g, uint64_t t, uint32_t tid, uint64_t addr, uint64_t len,
		const char *advice, bool drop);

/* A page fault at addr by tid on cpu (REC_NO_CPU: unknown). Only the
 * first in a mapped page of the address space becomes a touch. */
int rec_fault(struct rec_log *g, uint64_t t, uint32_t tid, unsigned cpu, uint64_t addr);

/* A page of a file mapping found present at the end (pagemap) that no
 * fault showed: mapped by fault-around. Becomes a `read` touch if the
 * log has not seen it. */
int rec_present(struct rec_log *g, uint64_t t, uint32_t tid, uint64_t addr);
/* Whether a read fault in a file mapping also touches the fault-around
 * window (default on: the importers have nothing better; `record` reads
 * the pages present from pagemap instead). */
void rec_log_fault_around(struct rec_log *g, bool on);

struct rec_stats {
	uint64_t events, faults, touches, touch_records, unmapped, unknown_task, records;
	uint64_t bad_ranges; /* mapping calls with ranges beyond user space, dropped */
	uint64_t bytes;
};

/* Writes the trace: header, `# name:` and `comments` lines (may be NULL),
 * then every event in time order. */
int rec_log_write(struct rec_log *g, FILE *out, const char *name, const char *comments,
		  struct rec_stats *st, struct nerr *err);

/* True when this numasim's trace language has op `name` (madvise is a
 * v1.1 op: without it the log writes madvise records as comments). */
bool rec_have_op(const char *name);

/* Makes s one trace word: whitespace, '#' and control bytes become '_'. */
void rec_word(char *dst, size_t size, const char *s);
/* Formats the set bits of a bitmap of nbits as a Linux list ("0-3,6"). */
void rec_list(char *dst, size_t size, const uint64_t *bits, unsigned nbits);

/* ---- system calls as records (syscalls.c) ---- */
struct rec_policy {
	bool mbind, mask_ok;
	unsigned mode;	    /* with the MPOL_F_ flags */
	uint64_t addr, len; /* mbind */
	unsigned flags;	    /* mbind: MPOL_MF_STRICT 1, MOVE 2, MOVE_ALL 4 */
	const uint64_t *mask;
	unsigned nbits;
};
struct rec_move {
	size_t n;
	const uint64_t *pages;
	const int32_t *nodes;  /* NULL: a query */
	const int32_t *status; /* NULL: not known */
	bool move_all;
	uint64_t page_size;
};
const char *rec_advice_name(uint64_t advice, bool *drop);
void rec_sys_rc(struct rec_log *g, uint64_t t, uint32_t tid, int64_t rc);
void rec_sys_policy(struct rec_log *g, uint64_t t, uint32_t tid, const struct rec_policy *p,
		    int64_t rc, bool expect);
void rec_sys_migrate(struct rec_log *g, uint64_t t, uint32_t tid, uint32_t target,
		     const uint64_t *from, const uint64_t *to, unsigned nbits, int64_t rc,
		     bool expect);
int rec_sys_move_pages(struct rec_log *g, uint64_t t, uint32_t tid, uint32_t target,
		       const struct rec_move *m, int64_t rc, bool expect);
void rec_sys_affinity(struct rec_log *g, uint64_t t, uint32_t tid, uint32_t target,
		      const uint64_t *mask, unsigned nbits);

/* ---- numasim record ---- */
struct record_opts {
	const char *out;      /* trace path, NULL or "-" for stdout */
	uint64_t accesses_ns; /* --accesses INTERVAL, 0 without */
	bool expect_rc;	      /* --expect-rc */
	char *const *argv;    /* PROG ARGS... */
	nwarn_fn warn;	      /* one-line notes (missing permissions) */
	void *warn_ctx;
};
struct record_result {
	int status; /* PROG's wait status */
	struct rec_stats st;
	uint64_t lost_samples;
	uint64_t access_samples, access_records; /* --accesses */
};
int record_run(const struct record_opts *o, FILE *out, struct record_result *res, struct nerr *err);

/* ---- numasim import ---- */
enum import_kind { IMPORT_STRACE, IMPORT_PERF, IMPORT_LACKEY };
struct import_opts {
	enum import_kind kind;
	bool expect_rc;	      /* strace: the results as expect lines */
	uint64_t interval_ns; /* lackey: instructions per access interval */
};
int import_file(struct rec_log *g, const struct import_opts *o, const char *path, uint32_t *next_mm,
		struct nerr *err);
int import_strace(struct rec_log *g, FILE *f, const char *path, bool expect_rc, uint32_t *next_mm,
		  struct nerr *err);
int import_perf(struct rec_log *g, FILE *f, const char *path, uint32_t *next_mm, struct nerr *err);
int import_lackey(struct rec_log *g, FILE *f, const char *path, uint64_t interval,
		  uint32_t *next_mm, struct nerr *err);

#endif
