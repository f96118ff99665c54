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
	void *base; /* the control page, then the data pages */
	char *data;
	size_t size; /* data bytes, a power of two */
};

struct rec_perf {
	struct rec_ring *ring;
	int nring;
	uint64_t samples, lost;
	bool user_only; /* exclude_kernel: no permission for kernel-mode faults */
};

/* System-call tracepoints (syscalls:sys_enter_NAME and sys_exit_NAME, one
 * per call): one ring per CPU of their own, so that a burst of faults
 * cannot crowd them out. */
struct rec_sysev {
	uint64_t time;
	uint32_t tid;
	int kind;      /* index in the names given to perf_sys_ids() */
	uint64_t a[6]; /* sys_enter_*: the arguments */
	int64_t ret;   /* sys_exit_*: the result */
};
struct rec_sys {
	struct rec_ring *ring;
	int nring;
	int *fds; /* the events that write into the rings */
	int nfds;
	unsigned ids[8];
	int nids;
	struct rec_sysev *ev; /* one drain's events, in time order */
	size_t nev, capev;
	uint64_t lost;
};
/* The tracepoint ids of names (tracefs, or tracefs mounted in a private
 * mount namespace of a helper process); -1 when there is no tracefs. */
int perf_sys_ids(struct rec_sys *s, const char *const *names, int n);
/* Opens the tracepoints (ids from perf_sys_ids()) on pid, stopped before
 * its exec, inherited and enabled at exec like the fault event. */
int perf_sys_open(struct rec_sys *s, pid_t pid);
/* An fd of a disabled event of the first tracepoint on the caller: -1 when
 * perf may not open them. Closed once the real events hold the
 * tracepoint (a last close waits for an RCU grace period). */
int perf_sys_probe(struct rec_sys *s);
/* Reads every ring into s->ev (unsorted: more may come, perf_sys_sort()). */
int perf_sys_drain(struct rec_sys *s);
/* Puts s->ev in time order. */
void perf_sys_sort(struct rec_sys *s);
/* Unmaps the rings and closes the events (perf_close_fds()). */
void perf_sys_close(struct rec_sys *s, bool detach);
/* Closes fds; with detach in a detached process, so that the caller does
 * not wait for what their last close waits for (a tracepoint's grace
 * periods). */
void perf_close_fds(int *fds, int n, bool detach);

/* bpf.c: read(), write() and pwrite64() of a regular file from a BPF
 * program on raw_syscalls:sys_enter, the offset read in the kernel. */
struct rec_bpf {
	bool on;
	int fds, procs, out, lost; /* the maps: fds, processes, the ring, its losses */
	int prog, link;
	void *cons, *prod; /* the ring's pages */
	size_t page;
	uint64_t failed; /* map updates that failed (the map full) */
};
/* One record of the ring; time, tid, then the six words of a sysev's a[]. */
struct rec_bpf_rec {
	uint64_t time, tid;
	uint64_t fd, count, pos, size, cpu_nr, flags;
};
/* No program and no fds (what rec_bpf_close() may be given). */
void rec_bpf_init(struct rec_bpf *b);
/* Loads the program; -1 with the reason in why. */
int rec_bpf_load(struct rec_bpf *b, char *why, size_t len);
/* Attaches it. */
int rec_bpf_attach(struct rec_bpf *b);
/* Appends the ring's records to s->ev as events of kind kind (unsorted). */
int rec_bpf_drain(struct rec_bpf *b, struct rec_sys *s, int kind);
/* The records lost to a full ring. */
uint64_t rec_bpf_lost(const struct rec_bpf *b);
/* fd of process tgid is the regular file with inode number ino (fd -1:
 * tgid is one of the recording's processes); -1 when the map is full. */
int rec_bpf_set(struct rec_bpf *b, pid_t tgid, int fd, uint64_t ino);
void rec_bpf_del(struct rec_bpf *b, pid_t tgid, int fd);
/* Detaches and closes it. */
void rec_bpf_close(struct rec_bpf *b);

/* Opens the fault-sampling event on pid (stopped before its exec); on
 * failure fills why with the one line to show the user. */
int perf_faults_open(struct rec_perf *p, pid_t pid, char *why, size_t len);
/* Moves every sample in the ring buffer into the log. */
int perf_faults_drain(struct rec_perf *p, struct rec_log *g);
void perf_faults_close(struct rec_perf *p);

/* access.c: --accesses, from idle page tracking or soft-dirty bits. */
enum { ACC_NONE, ACC_IDLE, ACC_SOFT_DIRTY };
struct rec_acc_page {
	uint64_t vaddr, pfn;
};
struct rec_access {
	int mode;
	int bitmap; /* /sys/kernel/mm/page_idle/bitmap */
	uint64_t interval, next, page_size;
	uint64_t zero_pfn; /* the zero page's frame (idle: left out) */
	uint64_t *ent;	   /* pagemap entries being read */
	struct rec_acc_page *pg;
	size_t npg, cappg;
	uint64_t samples, records;
};
/* Finds the source to use; -1 with the line to show in why when there is
 * none. 0 with a line in why: a note (writes only). */
int access_open(struct rec_access *a, uint64_t interval, uint64_t page_size, char *why, size_t len);
/* Reads which pages process pid used since its last sample (or its
 * start), then starts the next interval. */
int access_read(struct rec_access *a, pid_t pid);
/* What the last access_read() found, as `access` records of task tid at
 * time t: t must be taken after the read, as a page it names may have
 * had its first fault while the bits were being read (a task that did
 * not stop, or one born meanwhile), and its touch must come first. */
int access_emit(struct rec_access *a, struct rec_log *g, uint64_t t, uint32_t tid);
void access_close(struct rec_access *a);

/* log.c: v as a trace size (4KiB, 2MiB, 12288). */
const char *rec_size_str(char *buf, size_t size, uint64_t v);
/* log.c: grows an array to hold need elements (doubling); false without memory. */
bool rec_grow(void **p, size_t *cap, size_t need, size_t elem);
/* log.c: one line of /proc/PID/maps: its range, permissions ("rw-p") and
 * the name after the inode ("" for anonymous memory, at most
 * REC_MAPS_NAME - 1 bytes); false when the line is not a mapping. */
#define REC_MAPS_NAME 4096
bool rec_maps_line(const char *line, unsigned long long *start, unsigned long long *end,
		   char perms[8], char name[REC_MAPS_NAME]);

/* chunks.c: the anonymous mappings an importer makes up around the
 * touched pages when its capture shows no mappings (2 MiB-aligned
 * chunks, adjacent ones of a process merged). */
struct rec_chunk {
	uint32_t pid;
	uint64_t chunk; /* address / 2 MiB */
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
