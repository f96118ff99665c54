/*
 * record.c - `numasim record -- PROG ARGS...`: runs PROG under ptrace and
 * writes a v1 trace of what it did (docs/recording.md).
 *
 * The child stops itself, installs a seccomp filter that hands the system
 * calls the trace needs to the tracer (SECCOMP_RET_TRACE; every other
 * call runs at full speed) and execs PROG. The tracer follows every
 * clone, fork, vfork, exec and exit (PTRACE_O_TRACE*), reads the
 * arguments of each traced call at its seccomp stop and its result at
 * the syscall-exit stop (PTRACE_GET_SYSCALL_INFO), and turns them into
 * log events (log.c). Page faults come from perf.c, stamped with the same
 * clock. Without seccomp the tracer stops at every system call
 * (PTRACE_SYSCALL), which is slower but sees the same.
 */
#define _GNU_SOURCE /* F_SETSIG, pipe2, process_vm_readv */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "record/record_int.h"

#if defined(__x86_64__)
#define REC_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define REC_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "numasim record supports x86_64 and aarch64"
#endif

#define MAX_MOVE_PAGES 65536 /* longer move_pages calls become a comment */

/* What the seccomp filter sends to the tracer. */
static const long traced_nrs[] = {
	SYS_mmap,
	SYS_munmap,
	SYS_mremap,
	SYS_brk,
	SYS_mprotect,
	SYS_madvise,
	SYS_set_mempolicy,
	SYS_mbind,
	SYS_move_pages,
	SYS_migrate_pages,
	SYS_sched_setaffinity,
	SYS_read,
	SYS_write,
	SYS_pread64,
	SYS_pwrite64,
	SYS_readv,
	SYS_writev,
	SYS_preadv,
	SYS_pwritev,
	SYS_execve,
	SYS_execveat,
};
#define NR_TRACED (sizeof(traced_nrs) / sizeof(traced_nrs[0]))

/*
 * With tracepoints (perf_sys_ids(): tracefs, root), these calls do not
 * stop: munmap, mprotect and madvise are logged from their
 * syscalls:sys_enter_* event (as at their seccomp stop: logged at entry),
 * an anonymous mmap from its sys_enter_mmap and sys_exit_mmap events (a
 * file's still stops, for the file behind its fd; its events are
 * dropped), and with per-fd filters pread64 from its sys_enter and
 * sys_exit events (pread_by_tp()), and read(), write() and pwrite64()
 * from the records of a BPF program (rw_by_bpf(), bpf.c). One tracepoint
 * per call:
 * raw_syscalls:sys_enter would run its filter at every call of the
 * program, a per-call tracepoint costs the other calls a bit test; its
 * last close's grace period is paid in a detached process
 * (perf_close_fds()).
 */
static const char *const tp_names[] = {"syscalls/sys_enter_munmap",  "syscalls/sys_enter_mprotect",
				       "syscalls/sys_enter_madvise", "syscalls/sys_enter_mmap",
				       "syscalls/sys_exit_mmap",     "syscalls/sys_enter_pread64",
				       "syscalls/sys_exit_pread64"};
enum {
	TP_MUNMAP,
	TP_MPROTECT,
	TP_MADVISE,
	TP_MMAP,
	TP_MMAP_EXIT,
	TP_PREAD,
	TP_PREAD_EXIT,
	NR_TP,
	TP_READ = NR_TP /* the kind of bpf.c's records */
};
/* no stop at all; the calls of TP_MUNMAP, TP_MPROTECT and TP_MADVISE */
static const long tp_nrs[] = {SYS_munmap, SYS_mprotect, SYS_madvise};
#define NR_TP_NRS 3

/* The calls on an fd that may be a regular file's: with per-fd filters
 * (x86_64, below) they stop only for the fds that are. */
static const long rw_nrs[] = {
	SYS_read,  SYS_write,  SYS_pread64, SYS_pwrite64,
	SYS_readv, SYS_writev, SYS_preadv,  SYS_pwritev,
};
#define NR_RW (sizeof(rw_nrs) / sizeof(rw_nrs[0]))
#define REC_FD_BITS 1024 /* fds a per-fd filter names (larger: every fd) */

#if defined(__x86_64__)
#define REC_FD_FILTERS 1
/*
 * The calls that make an fd which may be a regular file's (fcntl only
 * for F_DUPFD and F_DUPFD_CLOEXEC): they stop at their exit, and the
 * tracer adds a filter for the new fd when it is a regular file's. The
 * last two make fds of their own kind (fanotify events carry fds of the
 * files they report, io_uring opens files without a system call): after
 * them every read and write of the process stops, as without per-fd
 * filters.
 */
static const long fd_maker_nrs[] = {
	SYS_open,	  SYS_openat,  SYS_creat,    SYS_open_by_handle_at,
#ifdef SYS_openat2
	SYS_openat2,
#endif
	SYS_dup,	  SYS_dup2,    SYS_dup3,     SYS_memfd_create,
#ifdef SYS_memfd_secret
	SYS_memfd_secret,
#endif
#ifdef SYS_pidfd_getfd
	SYS_pidfd_getfd,
#endif
	SYS_mq_open,	  SYS_recvmsg, SYS_recvmmsg, SYS_fanotify_init,	    SYS_io_uring_setup,
};
#define NR_FD_MAKERS (sizeof(fd_maker_nrs) / sizeof(fd_maker_nrs[0]))
#define REC_MAX_FD_FILTERS 128 /* then one filter that traces every fd */
#else
#define REC_FD_FILTERS 0
#endif

struct rtask {
	pid_t tid, tgid;
	uint32_t proc;	/* index in rec.procs */
	bool attached;	/* its first stop has been seen */
	bool announced; /* its spawn/fork/thread event is in the log */
	bool held;	/* stopped until its parent's event is seen */
	bool spawned;	/* the root's spawn has been logged (at exec) */
	bool gone;
	bool acc_wait; /* --accesses: sent a SIGSTOP, its stop not seen yet */
	bool acc_held; /* --accesses: stopped until its process is sampled */
	struct __ptrace_syscall_info entry;
	bool have_entry;
	uint64_t entry_t; /* when the call was entered */
	/* consecutive reads or writes of one file, written as one record */
	bool rw;
	bool rw_write;
	char rw_file[PATH_MAX];
	uint64_t rw_off, rw_len, rw_t;
	bool fd_maker; /* stopped at the entry of an fd-making call: its exit is next */
	/* an anonymous mmap whose result comes from its sys_exit event (tracepoints) */
	bool mm_pending;
	struct __ptrace_syscall_info mm_entry;
	uint64_t mm_t;
	/* a pread64 whose result comes from its sys_exit event (pread_by_tp()) */
	bool pr_pending;
	uint64_t pr_fd, pr_off, pr_t;
	int statfd; /* task_cpu_of() */
#if REC_FD_FILTERS
	/* a seccomp() call the tracer runs in the task (inject_start()) */
	int inj; /* INJ_NONE, INJ_ENTRY (its entry stop is next), INJ_EXIT */
	struct user_regs_struct inj_regs; /* the task's registers before */
	int inj_sig;			  /* a signal held back meanwhile */
	int inj_fds[8], inj_nfds;	  /* the fds its filter names; -1: every fd */
	bool inj_loader;		  /* ... when called from the dynamic loader's code */
	uint64_t inj_save_addr;		  /* the memory it overwrote above the stack pointer */
	size_t inj_save_len;
	unsigned char inj_save[512];
#endif
};

/* A regular file's fd, its path and inode number, as the fd-making call
 * that made it found them (rproc.fdpaths). */
struct rfdpath {
	int fd;
	char *path;
	uint64_t ino;
};

struct rproc {
	pid_t tgid;
	uint32_t mm;
	uint64_t brk_end; /* page-aligned end of the heap the log knows */
	bool acc_want;	  /* --accesses: sample once every task is stopped */
	uint64_t acc_since;
	/* per-fd filters: the fds whose reads and writes stop (rw_all: every fd) */
	bool rw_all, want_all, warned;
	unsigned nfilters;
	uint64_t fdset[1024 / 64];
	/* the dynamic loader's code [ld_lo, ld_hi) and the fds it opened: their
	 * filters trace only its own calls (inject_start()) */
	uint64_t ld_lo, ld_hi;
	uint64_t ldset[1024 / 64];
	/* pread_by_tp(): the regular files' fds, kept at the fd-making calls'
	 * exits (an fd closed since stays: a pread on what reuses it fails) */
	struct rfdpath *fdpaths;
	size_t nfdpaths, capfdpaths;
};

struct rfile {
	char *name;
	uint64_t size;
};

struct rec {
	const struct record_opts *o;
	struct rec_log *g;
	struct rec_perf perf;
	struct rec_access acc; /* --accesses (access.c) */
	bool have_perf, have_acc, seccomp;
	/* munmap, mprotect, madvise and the result of anonymous mmaps from
	 * system-call tracepoints instead of stops (tp_names) */
	bool tp;
	struct rec_sys sys;
	struct rec_bpf bpf; /* read(), write() and pwrite64() without a stop (rw_by_bpf()) */
	/* their last close, which waits for grace periods, in a detached
	 * process (perf_close_fds(); NUMASIM_RECORD_WAIT_CLOSE=1: here) */
	bool detach_close;
	uint64_t tp_lost_results; /* entry events whose exit event was lost */
	pid_t root;
	int root_status;
	bool root_done;
	uint64_t page_size;
	struct rtask *tasks;
	size_t ntasks, captasks;
	struct rproc *procs;
	size_t nprocs, capprocs;
	struct rfile *files;
	size_t nfiles, capfiles;
	uint32_t next_mm;
	int err;
	/* per-fd filters: the regular files' fds the program starts with (-1:
	 * more than the base filter names, every read and write stops) */
	bool fd_filters;
	int init_fds[64], ninit_fds;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- tasks and processes ------------------------------------------------------------- */

static struct rtask *task_find(struct rec *r, pid_t tid)
{
	for (size_t i = r->ntasks; i-- > 0;)
		if (r->tasks[i].tid == tid && !r->tasks[i].gone)
			return &r->tasks[i];
	return NULL;
}

static struct rtask *task_add(struct rec *r, pid_t tid)
{
	if (!rec_grow((void **)&r->tasks, &r->captasks, r->ntasks + 1, sizeof(*r->tasks))) {
		r->err = ENOMEM;
		return NULL;
	}
	struct rtask *t = &r->tasks[r->ntasks++];

	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->tgid = tid;
	t->proc = UINT32_MAX;
	return t;
}

static uint32_t proc_add(struct rec *r, pid_t tgid, uint64_t brk_end)
{
	if (!rec_grow((void **)&r->procs, &r->capprocs, r->nprocs + 1, sizeof(*r->procs))) {
		r->err = ENOMEM;
		return 0;
	}
	r->procs[r->nprocs] = (struct rproc){.tgid = tgid, .mm = r->next_mm++, .brk_end = brk_end};
	/* the BPF program knows the recording's processes (rw_by_bpf());
	 * with its map full every read and write of this one stops */
	if (r->bpf.on && rec_bpf_set(&r->bpf, tgid, -1, 0))
		r->procs[r->nprocs].want_all = true;
	return (uint32_t)r->nprocs++;
}

static struct rproc *proc_of(struct rec *r, struct rtask *t)
{
	return t->proc < r->nprocs ? &r->procs[t->proc] : NULL;
}

/* ---- reading /proc and the tracee's memory ------------------------------------------- */

static int read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return (int)n;
}

/* Field `field` (1-based, as proc(5) numbers them) of /proc/TID/stat. */
static uint64_t stat_field(pid_t tid, int field)
{
	char path[64], buf[2048];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return UINT64_MAX;
	char *p = strrchr(buf, ')');

	if (!p)
		return UINT64_MAX;
	p += 2; /* field 3 */
	for (int f = 3; f < field && *p; f++) {
		p = strchr(p, ' ');
		if (!p)
			return UINT64_MAX;
		p++;
	}
	return strtoull(p, NULL, 10);
}

static unsigned task_cpu(pid_t tid)
{
	uint64_t c = stat_field(tid, 39);

	return c < REC_NO_CPU ? (unsigned)c : REC_NO_CPU;
}

/* The same for a task the tracer stops often: its /proc/TID/stat stays
 * open (statfd, 0: not yet; -1: cannot) and is read again from offset 0,
 * one system call instead of three. */
static unsigned task_cpu_of(struct rtask *task)
{
	char path[64], buf[2048];
	ssize_t n = -1;

	for (int tries = 0; tries < 2 && n < 0; tries++) {
		if (task->statfd <= 0) {
			snprintf(path, sizeof(path), "/proc/%d/stat", (int)task->tid);
			task->statfd = open(path, O_RDONLY | O_CLOEXEC);
			if (!task->statfd) /* 0 means "not open": the tracer has no stdin */
				close(0);
			if (task->statfd <= 0) {
				task->statfd = -1;
				return task_cpu(task->tid);
			}
		}
		n = pread(task->statfd, buf, sizeof(buf) - 1, 0);
		if (n < 0) { /* the task is gone: its tid may be another's now */
			close(task->statfd);
			task->statfd = 0;
		}
	}
	if (n < 0)
		return REC_NO_CPU;
	buf[n] = 0;
	char *p = strrchr(buf, ')');

	p = p ? p + 2 : NULL; /* field 3 */
	for (int f = 3; p && f < 39; f++)
		if ((p = strchr(p, ' ')))
			p++;
	uint64_t c = p ? strtoull(p, NULL, 10) : UINT64_MAX;

	return c < REC_NO_CPU ? (unsigned)c : REC_NO_CPU;
}

static void task_stat_close(struct rtask *task)
{
	if (task->statfd > 0)
		close(task->statfd);
	task->statfd = 0;
}

static void task_comm(pid_t tid, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)tid);
	if (read_small(path, buf, size) < 0)
		snprintf(buf, size, "task");
	buf[strcspn(buf, "\n")] = 0;
}

static pid_t task_tgid(pid_t tid)
{
	char path[64], buf[4096];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return tid;
	char *p = strstr(buf, "\nTgid:");

	return p ? (pid_t)strtol(p + 6, NULL, 10) : tid;
}

static int peek(pid_t tid, uint64_t addr, void *dst, size_t len)
{
	struct iovec l = {dst, len}, rv = {(void *)(uintptr_t)addr, len};

	return process_vm_readv(tid, &l, 1, &rv, 1, 0) == (ssize_t)len ? 0 : -1;
}

/* The file behind fd of tid: its path and stat; -1 if not a regular file. */
static int fd_file(pid_t tid, int fd, char *path, size_t size, struct stat *sb)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tid, fd);
	if (stat(link, sb) || !S_ISREG(sb->st_mode))
		return -1;
	n = readlink(link, path, size - 1);
	if (n <= 0)
		return -1;
	path[n] = 0;
	return 0;
}

static int64_t fd_pos(pid_t tid, int fd)
{
	char path[64], buf[512];

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tid, fd);
	if (read_small(path, buf, sizeof(buf)) < 0 || strncmp(buf, "pos:", 4))
		return -1;
	return strtoll(buf + 4, NULL, 10);
}

/*
 * pread64 from its tracepoints instead of a stop: with per-fd filters
 * (x86_64) and tracepoints, the filters trace no pread64 but on every
 * fd (rw_all), and the tracer resolves the fd of each sys_enter_pread64
 * event with the process's own table of its regular files' fds, kept at
 * the stops of the calls that make fds (fd_note()).
 */
static bool pread_by_tp(const struct rec *r)
{
	return REC_FD_FILTERS && r->tp && r->fd_filters;
}

/*
 * read(), write() and pwrite64() without a stop: their offset is the
 * file's position (or its end, O_APPEND), which the BPF program on
 * raw_syscalls:sys_enter reads in the kernel (bpf.c); the process's table
 * goes to its map, so that the program knows the regular files' fds (and
 * checks in the kernel that each still is the file the table names: a
 * closed fd a pipe reuses is not).
 */
static bool rw_by_bpf(const struct rec *r)
{
	return pread_by_tp(r) && r->bpf.on;
}

static bool by_bpf(long nr)
{
	return nr == SYS_read || nr == SYS_write || nr == SYS_pwrite64;
}

static struct rfdpath *fdpath_find(struct rproc *p, int fd)
{
	for (size_t i = 0; i < p->nfdpaths; i++)
		if (p->fdpaths[i].fd == fd)
			return &p->fdpaths[i];
	return NULL;
}

/* The BPF map learns the table's changes; when it is full, every read
 * and write of the process stops from its next stop on (want_all). */
static void fdpath_bpf(struct rec *r, struct rproc *p, int fd, const char *path, uint64_t ino)
{
	if (!rw_by_bpf(r))
		return;
	if (!path)
		rec_bpf_del(&r->bpf, p->tgid, fd);
	else if (rec_bpf_set(&r->bpf, p->tgid, fd, ino))
		p->want_all = true;
}

static void fdpath_set(struct rec *r, struct rproc *p, int fd, const char *path, uint64_t ino)
{
	struct rfdpath *e = fdpath_find(p, fd);
	char *copy = NULL;

	if (path && !(copy = strdup(path))) {
		r->err = ENOMEM;
		return;
	}
	fdpath_bpf(r, p, fd, path, ino);
	if (e) {
		free(e->path);
		if (copy) {
			e->path = copy;
			e->ino = ino;
		} else { /* no longer a regular file's */
			*e = p->fdpaths[--p->nfdpaths];
		}
		return;
	}
	if (!copy)
		return;
	if (!rec_grow((void **)&p->fdpaths, &p->capfdpaths, p->nfdpaths + 1, sizeof(*p->fdpaths))) {
		free(copy);
		r->err = ENOMEM;
		return;
	}
	p->fdpaths[p->nfdpaths++] = (struct rfdpath){.fd = fd, .path = copy, .ino = ino};
}

static bool fd_regular(pid_t tid, int fd)
{
	char link[64];
	struct stat sb;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tid, fd);
	return !stat(link, &sb) && S_ISREG(sb.st_mode);
}

/* Whether fd of task tid is a regular file's now; with pread_by_tp() the
 * process's table then names its path, or forgets the fd. */
static bool fd_note(struct rec *r, struct rproc *p, pid_t tid, int fd)
{
	char path[PATH_MAX];
	struct stat sb;
	bool regular;

	if (!pread_by_tp(r))
		return fd_regular(tid, fd);
	regular = !fd_file(tid, fd, path, sizeof(path), &sb);
	fdpath_set(r, p, fd, regular ? path : NULL, regular ? (uint64_t)sb.st_ino : 0);
	return regular;
}

/* A forked child's table: its parent's. */
static void fdpaths_copy(struct rec *r, struct rproc *cp, const struct rproc *pp)
{
	for (size_t i = 0; i < pp->nfdpaths; i++)
		fdpath_set(r, cp, pp->fdpaths[i].fd, pp->fdpaths[i].path, pp->fdpaths[i].ino);
}

/* A process whose tasks are all gone leaves the BPF map. */
static void proc_gone(struct rec *r, uint32_t proc)
{
	struct rproc *p = proc < r->nprocs ? &r->procs[proc] : NULL;

	if (!p || !rw_by_bpf(r))
		return;
	for (size_t i = 0; i < r->ntasks; i++)
		if (r->tasks[i].proc == proc && !r->tasks[i].gone)
			return;
	for (size_t i = 0; i < p->nfdpaths; i++)
		rec_bpf_del(&r->bpf, p->tgid, p->fdpaths[i].fd);
	rec_bpf_del(&r->bpf, p->tgid, -1);
}

static void fdpaths_free(struct rproc *p)
{
	for (size_t i = 0; i < p->nfdpaths; i++)
		free(p->fdpaths[i].path);
	free(p->fdpaths);
}

/* Declares a file (again when it has grown) before a record uses it. */
static void declare_file(struct rec *r, uint64_t t, pid_t tid, const char *name, uint64_t size)
{
	char w[PATH_MAX];

	rec_word(w, sizeof(w), name);
	for (size_t i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i].name, w)) {
			if (size > r->files[i].size) {
				r->files[i].size = size;
				rec_file(r->g, t, (uint32_t)tid, w, size);
			}
			return;
		}
	if (!rec_grow((void **)&r->files, &r->capfiles, r->nfiles + 1, sizeof(*r->files)) ||
	    !(r->files[r->nfiles].name = strdup(w))) {
		r->err = ENOMEM;
		return;
	}
	r->files[r->nfiles++].size = size;
	rec_file(r->g, t, (uint32_t)tid, w, size);
}

/* ---- the address space at exec ------------------------------------------------------- */

static bool special_mapping(const char *path)
{
	return !strcmp(path, "[vdso]") || !strcmp(path, "[vvar]") || !strcmp(path, "[vsyscall]") ||
	       !strcmp(path, "[vvar_vclock]") || !strcmp(path, "[uprobes]");
}

/*
 * The mappings the program did not make itself (the executable, the
 * dynamic loader, the stack) come from /proc/PID/maps at exec. The stack
 * is declared down to its rlimit so that the touches of its growth land
 * in it; the vDSO and vvar pages are not declared (their faults are
 * dropped).
 */
static void log_exec_maps(struct rec *r, uint64_t t, struct rtask *task)
{
	char path[64], line[PATH_MAX + 128];
	struct rlimit rl;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)task->tid);
	if (!(f = fopen(path, "re")))
		return;
	uint64_t stack_max = getrlimit(RLIMIT_STACK, &rl) || rl.rlim_cur == RLIM_INFINITY ||
					     rl.rlim_cur > (1ull << 30)
				     ? 8ull << 20
				     : rl.rlim_cur;

	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, off;
		char perms[8], file[PATH_MAX] = "";
		int n = 0;

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s%n", &start, &end, perms, &off, &n) < 4)
			continue;
		sscanf(line + n, " %4095[^\n]", file);
		if (special_mapping(file))
			continue;
		unsigned flags =
			(perms[1] == 'w' ? RM_WRITE : 0) | (perms[3] == 's' ? RM_SHARED : 0);

		if (!strcmp(file, "[stack]")) {
			uint64_t low = end - stack_max < start ? end - stack_max : start;

			rec_map(r->g, t, (uint32_t)task->tid, low, end - low, flags | RM_STACK,
				NULL, 0);
		} else if (!strcmp(file, "[heap]")) {
			rec_map(r->g, t, (uint32_t)task->tid, start, end - start, flags | RM_HEAP,
				NULL, 0);
		} else if (file[0] == '/') {
			struct stat sb;

			if (stat(file, &sb) || !S_ISREG(sb.st_mode)) {
				rec_map(r->g, t, (uint32_t)task->tid, start, end - start, flags,
					NULL, 0);
				continue;
			}
			declare_file(r, t, task->tid, file, (uint64_t)sb.st_size);
			rec_map(r->g, t, (uint32_t)task->tid, start, end - start, flags, file, off);
		} else {
			rec_map(r->g, t, (uint32_t)task->tid, start, end - start, flags, NULL, 0);
		}
	}
	fclose(f);
}

/*
 * At the exit of a process, the pages of its file mappings that are
 * present (/proc/PID/pagemap) but never faulted: fault-around mapped them
 * with their neighbour's fault (do_fault_around(), whose window also
 * depends on the page cache's folio sizes). They are logged as present so
 * the replay maps them too.
 */
static void log_present(struct rec *r, uint64_t t, struct rtask *task)
{
	char path[64], line[PATH_MAX + 128];
	FILE *f;
	int pm;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)task->tid);
	if (!(f = fopen(path, "re")))
		return;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)task->tid);
	if ((pm = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		fclose(f);
		return;
	}
	uint64_t *ent = malloc(4096 * sizeof(*ent));

	while (ent && fgets(line, sizeof(line), f)) {
		unsigned long long start, end;
		char file[PATH_MAX] = "";
		int n = 0;

		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s%n", &start, &end, &n) < 2)
			continue;
		sscanf(line + n, " %4095[^\n]", file);
		if (file[0] != '/' || end - start > (1ull << 30))
			continue;
		for (uint64_t a = start; a < end;) {
			size_t np = (size_t)((end - a) / r->page_size);

			np = np > 4096 ? 4096 : np;
			ssize_t got = pread(pm, ent, np * 8, (off_t)(a / r->page_size * 8));

			if (got <= 0)
				break;
			for (size_t i = 0; i < (size_t)got / 8; i++)
				if (ent[i] >> 63) /* present */
					rec_present(r->g, t, (uint32_t)task->tid,
						    a + i * r->page_size);
			a += (uint64_t)got / 8 * r->page_size;
		}
	}
	free(ent);
	close(pm);
	fclose(f);
}

/*
 * The executable mapping of the dynamic loader (the ELF interpreter, at
 * AT_BASE of /proc/PID/auxv; none for a static program): fds it opens get
 * filters for its own calls only. Kept when it lies in one 4 GiB region
 * (the filter compares the low 32 bits of the instruction pointer).
 */
static void loader_text(struct rec *r, struct rtask *task, struct rproc *p)
{
	char path[64], line[PATH_MAX + 128], file[PATH_MAX] = "";
	uint64_t av[2], base = 0;
	FILE *f;
	int fd;

	p->ld_lo = p->ld_hi = 0;
	memset(p->ldset, 0, sizeof(p->ldset));
	(void)r;
	snprintf(path, sizeof(path), "/proc/%d/auxv", (int)task->tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	while (read(fd, av, sizeof(av)) == (ssize_t)sizeof(av) && av[0])
		if (av[0] == 7) /* AT_BASE */
			base = av[1];
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)task->tid);
	if (!base || !(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end;
		char perms[8], name[REC_MAPS_NAME];

		if (!rec_maps_line(line, &start, &end, perms, name))
			continue;
		if (start == base)
			snprintf(file, sizeof(file), "%s", name);
		if (file[0] == '/' && !strcmp(name, file) && perms[2] == 'x' &&
		    start >> 32 == end >> 32) {
			p->ld_lo = start;
			p->ld_hi = end;
			break;
		}
	}
	fclose(f);
}

static void on_exec(struct rec *r, struct rtask *task)
{
	/* at the entry of execve: the faults exec takes in the new stack
	 * (arguments, environment) come after the mappings */
	uint64_t t = task->have_entry ? task->entry_t : now_ns();
	char comm[64];
	struct rproc *p = proc_of(r, task);

	if (!p)
		return;
	task_comm(task->tid, comm, sizeof(comm));
	p->mm = r->next_mm++;
	/* start_brk (proc(5) field 47): the heap starts empty there */
	uint64_t brk = stat_field(task->tid, 47);

	p->brk_end = brk == UINT64_MAX ? 0 : (brk + r->page_size - 1) & ~(r->page_size - 1);
	if (task->tid == r->root && !task->spawned) {
		task->spawned = true;
		rec_spawn(r->g, t, (uint32_t)task->tid, p->mm, task_cpu(task->tid), comm);
	} else {
		rec_exec(r->g, t, (uint32_t)task->tid, p->mm, task_cpu(task->tid), comm);
	}
	log_exec_maps(r, t, task);
	loader_text(r, task, p);
}

/* ---- system calls ------------------------------------------------------------------- */

static void rw_flush(struct rec *r, struct rtask *task)
{
	if (!task->rw)
		return;
	rec_text(r->g, task->rw_t, (uint32_t)task->tid,
		 "%s pid=%d file=%s offset=%" PRIu64 " len=%" PRIu64,
		 task->rw_write ? "write" : "read", (int)task->tid, task->rw_file, task->rw_off,
		 task->rw_len);
	task->rw = false;
}

static bool is_write(long nr)
{
	return nr == SYS_write || nr == SYS_pwrite64 || nr == SYS_writev || nr == SYS_pwritev;
}

static bool is_positioned(long nr)
{
	return nr == SYS_pread64 || nr == SYS_pwrite64 || nr == SYS_preadv || nr == SYS_pwritev;
}

/* rc bytes of the regular file `path` at off were read or written on
 * CPU cpu (-1: the task's now); st is its stat at the call's exit, or at
 * its entry (the size before). */
static void rw_log(struct rec *r, struct rtask *task, uint64_t t, bool write, bool at_entry,
		   const char *path, const struct stat *st, int64_t off, int64_t rc, int cpu)
{
	char w[PATH_MAX];

	if (rc <= 0 || off < 0)
		return;
	rec_word(w, sizeof(w), path);
	if (task->rw && task->rw_write == write && !strcmp(task->rw_file, w) &&
	    task->rw_off + task->rw_len == (uint64_t)off) {
		task->rw_len += (uint64_t)rc;
		return;
	}
	rw_flush(r, task);
	uint64_t size = (uint64_t)st->st_size;

	/* a write declares the file at the size it had before (stat at its
	 * exit: the size it made, unless the file was larger) */
	if (write && !at_entry && size >= (uint64_t)off + (uint64_t)rc)
		size = size > (uint64_t)off + (uint64_t)rc ? size : (uint64_t)off;
	declare_file(r, t, task->tid, path, size);
	rec_cpu(r->g, t, (uint32_t)task->tid, cpu >= 0 ? (unsigned)cpu : task_cpu_of(task));
	task->rw = true;
	task->rw_write = write;
	snprintf(task->rw_file, sizeof(task->rw_file), "%s", w);
	task->rw_off = (uint64_t)off;
	task->rw_len = (uint64_t)rc;
	task->rw_t = t;
}

/* At the syscall exit: the kernel's result. */
static void sys_rw(struct rec *r, struct rtask *task, uint64_t t, const uint64_t *a, long nr,
		   int64_t rc)
{
	char path[PATH_MAX];
	struct stat sb;

	if (rc <= 0 || fd_file(task->tid, (int)a[0], path, sizeof(path), &sb))
		return;
	rw_log(r, task, t, is_write(nr), false, path, &sb,
	       is_positioned(nr) ? (int64_t)a[3] : fd_pos(task->tid, (int)a[0]) - rc, rc, -1);
}

/* The fd's file status flags (/proc/PID/fdinfo: "flags:", octal). */
static long fd_flags(pid_t tid, int fd)
{
	char path[64], buf[512];
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tid, fd);
	if (read_small(path, buf, sizeof(buf)) < 0 || !(p = strstr(buf, "flags:")))
		return -1;
	return strtol(p + 6, NULL, 8);
}

/* What a call of count bytes at off transfers, seen at its entry with the
 * file's size: all of a write, the bytes before the end of a read (at
 * most MAX_RW_COUNT). */
static int64_t entry_bytes(bool write, int64_t count, int64_t off, int64_t size)
{
	if (count < 0 || (uint64_t)count > 0x7ffff000u) /* MAX_RW_COUNT */
		count = 0x7ffff000;
	if (write)
		return count;
	return off >= size ? 0 : count < size - off ? count : size - off;
}

/*
 * At the entry of read, write, pread64 and pwrite64 (the vector calls
 * wait for their result): a call on anything but a regular file (a pipe,
 * a socket, a terminal) is not recorded and needs no exit stop; one on a
 * regular file is logged now with what the file's size lets it transfer
 * - all of a write, the bytes up to the end of the file of a read - which
 * is the kernel's result unless the buffer is bad, the disk is full or a
 * signal interrupts the call. True when no exit stop is needed.
 */
static bool rw_at_entry(struct rec *r, struct rtask *task, uint64_t t, const uint64_t *a, long nr)
{
	char path[PATH_MAX];
	struct stat sb;
	int64_t off, rc, count = (int64_t)a[2];

	if (nr != SYS_read && nr != SYS_write && nr != SYS_pread64 && nr != SYS_pwrite64)
		return false;
	if (fd_file(task->tid, (int)a[0], path, sizeof(path), &sb))
		return true; /* not a regular file, or no such fd: nothing to record */
	bool write = is_write(nr);

	if (is_positioned(nr)) {
		off = (int64_t)a[3];
	} else {
		long fl = write ? fd_flags(task->tid, (int)a[0]) : 0;

		if (fl < 0)
			return false;
		off = write && (fl & O_APPEND) ? (int64_t)sb.st_size : fd_pos(task->tid, (int)a[0]);
	}
	if (off < 0)
		return false; /* let the exit stop say */
	rc = entry_bytes(write, count, off, (int64_t)sb.st_size);
	rw_log(r, task, t, write, true, path, &sb, off, rc, -1);
	return true;
}

/* A pread64 from its tracepoints (pread_by_tp()): ret bytes at off, at
 * time t, from the file the table names for fd (none: not a regular
 * file's); the file's size is today's (a read does not change it). */
static void pread_event(struct rec *r, struct rtask *task, uint64_t fd, int64_t off, int64_t ret,
			uint64_t t)
{
	struct rproc *p = proc_of(r, task);
	struct rfdpath *e;
	struct stat sb;

	if (ret <= 0 || off < 0 || !p || p->rw_all || !pread_by_tp(r) ||
	    !(e = fdpath_find(p, (int)fd)))
		return;
	if (stat(e->path, &sb) || !S_ISREG(sb.st_mode) || sb.st_size < off + ret) {
		memset(&sb, 0, sizeof(sb)); /* unlinked or truncated since */
		sb.st_size = off + ret;
	}
	rw_log(r, task, t, false, false, e->path, &sb, off, ret, -1);
}

/* A read(), write() or pwrite64() from bpf.c's record (rw_by_bpf()):
 * fd, count, the file's position (pwrite64's offset) and size, the CPU
 * and the call's number, the file's flags. Logged as rw_at_entry() logs
 * the call at its stop: the bytes a read can read from the position
 * before the file's end, all of a write (at the end with O_APPEND). */
static void bpf_rw(struct rec *r, struct rtask *task, const struct rec_sysev *ev)
{
	struct rproc *p = proc_of(r, task);
	struct rfdpath *e;
	struct stat sb;
	long nr = (long)(ev->a[4] >> 32);
	int64_t count = (int64_t)ev->a[1], off = (int64_t)ev->a[2], size = (int64_t)ev->a[3], rc;
	bool write = nr != SYS_read;

	if (!p || p->rw_all || !rw_by_bpf(r) || !by_bpf(nr) || size < 0 ||
	    !(e = fdpath_find(p, (int)ev->a[0])))
		return;
	if (nr == SYS_write && (ev->a[5] & O_APPEND))
		off = size;
	if (off < 0)
		return;
	rc = entry_bytes(write, count, off, size);
	memset(&sb, 0, sizeof(sb));
	sb.st_size = size;
	rw_log(r, task, ev->time, write, true, e->path, &sb, off, rc, (int)(uint32_t)ev->a[4]);
}

static void sys_mmap(struct rec *r, struct rtask *task, uint64_t t, const uint64_t *a,
		     uint64_t addr)
{
	unsigned prot = (unsigned)a[2], fl = (unsigned)a[3];
	unsigned flags =
		(prot & PROT_WRITE ? RM_WRITE : 0) |
		((fl & MAP_TYPE) == MAP_SHARED || (fl & MAP_TYPE) == MAP_SHARED_VALIDATE ? RM_SHARED
											 : 0) |
		(fl & MAP_HUGETLB ? RM_HUGE : 0) | (fl & MAP_LOCKED ? RM_LOCKED : 0);
	char path[PATH_MAX];
	struct stat sb;

	if (!(fl & MAP_ANONYMOUS) && !fd_file(task->tid, (int)a[4], path, sizeof(path), &sb)) {
		declare_file(r, t, task->tid, path, (uint64_t)sb.st_size);
		rec_map(r->g, t, (uint32_t)task->tid, addr, a[1], flags, path, a[5]);
		return;
	}
	/* anonymous memory, or a device: /dev/zero shared is shmem */
	rec_map(r->g, t, (uint32_t)task->tid, addr, a[1], flags, NULL, 0);
}

static void sys_brk(struct rec *r, struct rtask *task, uint64_t t, uint64_t ret)
{
	struct rproc *p = proc_of(r, task);
	uint64_t end = (ret + r->page_size - 1) & ~(r->page_size - 1);

	if (!p || !p->brk_end || end == p->brk_end)
		return;
	if (end > p->brk_end)
		rec_map(r->g, t, (uint32_t)task->tid, p->brk_end, end - p->brk_end,
			RM_WRITE | RM_HEAP, NULL, 0);
	else
		rec_unmap(r->g, t, (uint32_t)task->tid, end, p->brk_end - end);
	p->brk_end = end;
}

/* A nodemask argument: maxnode - 1 bits at addr, as get_nodes() reads. */
static bool read_mask(pid_t tid, uint64_t addr, uint64_t maxnode, uint64_t *bits, unsigned *nbits)
{
	uint64_t maxbits = maxnode ? maxnode - 1 : 0;

	memset(bits, 0, 1024 / 8);
	*nbits = 0;
	if (!addr || !maxbits)
		return true;
	if (maxbits > 1024)
		maxbits = 1024;
	if (peek(tid, addr, bits, (size_t)((maxbits + 63) / 64 * 8)))
		return false;
	if (maxbits % 64)
		bits[maxbits / 64] &= (1ull << (maxbits % 64)) - 1;
	*nbits = (unsigned)maxbits;
	return true;
}

static void sys_policy(struct rec *r, struct rtask *task, uint64_t t, const uint64_t *a, long nr,
		       int64_t rc)
{
	uint64_t bits[1024 / 64];
	struct rec_policy p = {.mbind = nr == SYS_mbind, .mask = bits};

	p.mode = (unsigned)(p.mbind ? a[2] : a[0]);
	p.mask_ok =
		read_mask(task->tid, p.mbind ? a[3] : a[1], p.mbind ? a[4] : a[2], bits, &p.nbits);
	if (p.mbind) {
		p.addr = a[0];
		p.len = a[1];
		p.flags = (unsigned)a[5];
	}
	rec_sys_policy(r->g, t, (uint32_t)task->tid, &p, rc, r->o->expect_rc);
}

static void sys_migrate_pages(struct rec *r, struct rtask *task, uint64_t t, const uint64_t *a,
			      int64_t rc)
{
	uint64_t from[1024 / 64], to[1024 / 64];
	unsigned nf, nt;
	uint32_t target = a[0] ? (uint32_t)a[0] : (uint32_t)task->tid;

	if (!read_mask(task->tid, a[2], a[1], from, &nf) ||
	    !read_mask(task->tid, a[3], a[1], to, &nt))
		nf = 0;
	rec_sys_migrate(r->g, t, (uint32_t)task->tid, target, from, to, nf, rc, r->o->expect_rc);
}

static void sys_move_pages(struct rec *r, struct rtask *task, uint64_t t, const uint64_t *a,
			   int64_t rc)
{
	uint32_t target = a[0] ? (uint32_t)a[0] : (uint32_t)task->tid;
	struct rec_move m = {.n = (size_t)a[1], .move_all = a[5] & 4, .page_size = r->page_size};
	uint64_t *pages = NULL;
	int32_t *nodes = NULL, *status = NULL;

	if (!m.n || m.n > MAX_MOVE_PAGES || !(pages = malloc(m.n * 8)) ||
	    !(nodes = malloc(m.n * 4)) || !(status = malloc(m.n * 4)) ||
	    peek(task->tid, a[2], pages, m.n * 8) ||
	    (a[3] && peek(task->tid, a[3], nodes, m.n * 4)) ||
	    (rc >= 0 && peek(task->tid, a[4], status, m.n * 4))) {
		rec_text(r->g, t, (uint32_t)task->tid,
			 "# move_pages pid=%u count=%" PRIu64 ": not representable, rc=%" PRId64,
			 target, a[1], rc);
	} else {
		m.pages = pages;
		m.nodes = a[3] ? nodes : NULL;
		m.status = rc >= 0 ? status : NULL;
		if (rec_sys_move_pages(r->g, t, (uint32_t)task->tid, target, &m, rc,
				       r->o->expect_rc))
			r->err = ENOMEM;
	}
	free(pages);
	free(nodes);
	free(status);
}

static void sys_affinity(struct rec *r, struct rtask *task, uint64_t t, const uint64_t *a,
			 int64_t rc)
{
	uint64_t bits[4096 / 64] = {0};
	size_t len = a[1] < sizeof(bits) ? (size_t)a[1] : sizeof(bits);

	if (rc < 0 || !len || peek(task->tid, a[2], bits, len))
		return;
	rec_sys_affinity(r->g, t, (uint32_t)task->tid, a[0] ? (uint32_t)a[0] : (uint32_t)task->tid,
			 bits, (unsigned)(len * 8));
}

static void on_syscall_exit(struct rec *r, struct rtask *task, int64_t rc)
{
	const uint64_t *a = task->entry.entry.args;
	long nr = (long)task->entry.entry.nr;
	uint64_t t = task->have_entry ? task->entry_t : now_ns();
	bool ok = rc >= 0 || rc < -4095;

	if (nr != SYS_read && nr != SYS_write && nr != SYS_pread64 && nr != SYS_pwrite64 &&
	    nr != SYS_readv && nr != SYS_writev && nr != SYS_preadv && nr != SYS_pwritev)
		rw_flush(r, task);
	switch (nr) {
	case SYS_mmap:
		if (ok)
			sys_mmap(r, task, t, a, (uint64_t)rc);
		break;
	case SYS_munmap:
		if (!rc)
			rec_unmap(r->g, t, (uint32_t)task->tid, a[0], a[1]);
		break;
	case SYS_mremap:
		if (ok)
			rec_remap(r->g, t, (uint32_t)task->tid, a[0], a[1], (uint64_t)rc, a[2]);
		break;
	case SYS_brk:
		sys_brk(r, task, t, (uint64_t)rc);
		break;
	case SYS_mprotect:
		if (!rc)
			rec_protect(r->g, t, (uint32_t)task->tid, a[0], a[1], a[2] & PROT_WRITE);
		break;
	case SYS_madvise: {
		bool drop;
		const char *adv = rec_advice_name(a[2], &drop);

		if (!rc && adv)
			rec_madvise(r->g, t, (uint32_t)task->tid, a[0], a[1], adv, drop);
		break;
	}
	case SYS_set_mempolicy:
	case SYS_mbind:
		sys_policy(r, task, t, a, nr, rc);
		break;
	case SYS_migrate_pages:
		sys_migrate_pages(r, task, t, a, rc);
		break;
	case SYS_move_pages:
		sys_move_pages(r, task, t, a, rc);
		break;
	case SYS_sched_setaffinity:
		sys_affinity(r, task, t, a, rc);
		break;
	case SYS_read:
	case SYS_write:
	case SYS_pread64:
	case SYS_pwrite64:
	case SYS_readv:
	case SYS_writev:
	case SYS_preadv:
	case SYS_pwritev:
		sys_rw(r, task, t, a, nr, rc);
		break;
	default:
		break;
	}
}

/* A call the seccomp filter sends to the tracer (install_filter()). */
static bool is_traced(long nr)
{
	for (size_t i = 0; i < NR_TRACED; i++)
		if (traced_nrs[i] == nr)
			return true;
	return false;
}

/* ---- the child ---------------------------------------------------------------------- */

/*
 * A seccomp program being built: forward jumps to labels (L_NEXT: the
 * next instruction), patched when the labels are placed (BPF jumps are
 * 8-bit, the programs stay far shorter).
 */
enum { L_TRACE, L_ALLOW, L_RW, L_FCNTL, L_MMAP, L_N, L_NEXT = 0xff };
struct bpfb {
	struct sock_filter f[200];
	unsigned char jt[200], jf[200]; /* the labels a jump goes to */
	size_t n, at[L_N];
};

static void b_stmt(struct bpfb *b, unsigned short code, unsigned k)
{
	b->jt[b->n] = b->jf[b->n] = L_NEXT;
	b->f[b->n++] = (struct sock_filter)BPF_STMT(code, k);
}

static void b_jmp(struct bpfb *b, unsigned short op, unsigned k, int jt, int jf)
{
	b->jt[b->n] = (unsigned char)jt;
	b->jf[b->n] = (unsigned char)jf;
	b->f[b->n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | op | BPF_K, k, 0, 0);
}

static void b_jeq(struct bpfb *b, unsigned k, int label)
{
	b_jmp(b, BPF_JEQ, k, label, L_NEXT);
}

static void b_label(struct bpfb *b, int label)
{
	b->at[label] = b->n;
}

static void b_fix(struct bpfb *b)
{
	for (size_t i = 0; i < b->n; i++) { /* (every label comes after its jumps) */
		if (b->jt[i] != L_NEXT)
			b->f[i].jt = (unsigned char)(b->at[b->jt[i]] - i - 1);
		if (b->jf[i] != L_NEXT)
			b->f[i].jf = (unsigned char)(b->at[b->jf[i]] - i - 1);
	}
}

static bool is_rw_nr(long nr)
{
	for (size_t i = 0; i < NR_RW; i++)
		if (rw_nrs[i] == nr)
			return true;
	return false;
}

/* The arguments' low 32 bits (an fd, a command), as the kernel reads an int. */
#define ARG_LO(i) ((unsigned)offsetof(struct seccomp_data, args[i]))

/*
 * The filter the child installs before exec: SECCOMP_RET_TRACE for the
 * calls in traced_nrs, every other call runs at full speed. With per-fd
 * filters (fd_filters) reads and writes stop only on the regular files'
 * fds the program starts with, and the fd-making calls stop; the tracer
 * adds a filter for each regular file's fd they make (inject_start()).
 */
static void base_filter(const struct rec *r, struct bpfb *b)
{
	b->n = 0;
	b_stmt(b, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	b_jmp(b, BPF_JEQ, REC_AUDIT_ARCH, L_NEXT, L_TRACE);
	b_stmt(b, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < NR_TRACED; i++) {
		bool by_tp = false;

		for (int k = 0; r->tp && k < NR_TP_NRS; k++)
			by_tp |= traced_nrs[i] == tp_nrs[k];
		by_tp |= pread_by_tp(r) && traced_nrs[i] == SYS_pread64;
		by_tp |= rw_by_bpf(r) && by_bpf(traced_nrs[i]);
		if (r->tp && traced_nrs[i] == SYS_mmap)
			b_jeq(b, SYS_mmap, L_MMAP);
		else if (!by_tp)
			b_jeq(b, (unsigned)traced_nrs[i],
			      r->fd_filters && is_rw_nr(traced_nrs[i]) ? L_RW : L_TRACE);
	}
#if REC_FD_FILTERS
	if (r->fd_filters) {
		for (size_t i = 0; i < NR_FD_MAKERS; i++)
			b_jeq(b, (unsigned)fd_maker_nrs[i], L_TRACE);
		b_jeq(b, SYS_fcntl, L_FCNTL);
	}
#endif
	b_stmt(b, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (r->fd_filters) {
		b_label(b, L_RW);
		b_stmt(b, BPF_LD | BPF_W | BPF_ABS, ARG_LO(0));
		for (int i = 0; i < r->ninit_fds; i++)
			b_jeq(b, (unsigned)r->init_fds[i], L_TRACE);
		b_stmt(b, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		b_label(b, L_FCNTL);
		b_stmt(b, BPF_LD | BPF_W | BPF_ABS, ARG_LO(1));
		b_jeq(b, F_DUPFD, L_TRACE);
		b_jmp(b, BPF_JEQ, F_DUPFD_CLOEXEC, L_TRACE, L_ALLOW);
	}
	if (r->tp) { /* an anonymous mmap: from the tracepoints */
		b_label(b, L_MMAP);
		b_stmt(b, BPF_LD | BPF_W | BPF_ABS, ARG_LO(3));
		b_jmp(b, BPF_JSET, MAP_ANONYMOUS, L_ALLOW, L_TRACE);
	}
	b_label(b, L_ALLOW);
	b_stmt(b, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	b_label(b, L_TRACE);
	b_stmt(b, BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	b_fix(b);
}

static int install_filter(const struct rec *r)
{
	struct bpfb b;

	base_filter(r, &b);
	struct sock_fprog prog = {.len = (unsigned short)b.n, .filter = b.f};

	if (!syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		return 0;
	/* without CAP_SYS_ADMIN a filter needs no_new_privs */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* The regular files' fds this process has (the child inherits them);
 * false when there are more than fds holds. */
static bool regular_fds(int *fds, int max, int *n)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	bool ok = true;

	*n = 0;
	if (!d)
		return false;
	while ((e = readdir(d))) {
		struct stat sb;
		char *end;
		long fd = strtol(e->d_name, &end, 10);

		if (*end || end == e->d_name || fd == dirfd(d) || fstat((int)fd, &sb) ||
		    !S_ISREG(sb.st_mode))
			continue;
		if (*n == max || fd >= REC_FD_BITS) {
			ok = false;
			break;
		}
		fds[(*n)++] = (int)fd;
	}
	closedir(d);
	return ok;
}

static void child_main(const struct rec *r, char *const *argv, int errfd)
{
	char msg[512];
	int e;

	if (ptrace(PTRACE_TRACEME, 0, 0, 0)) {
		e = errno;
		snprintf(msg, sizeof(msg), "ptrace is not permitted (%s): cannot record",
			 strerror(e));
		if (write(errfd, msg, strlen(msg)) < 0)
			_exit(126);
		_exit(126);
	}
	/* without a filter the tracer falls back to PTRACE_SYSCALL; the
	 * variable forces that path (tests/record: the same trace) */
	if (!getenv("NUMASIM_RECORD_NO_SECCOMP"))
		install_filter(r);
	unsetenv("NUMASIM_RECORD_NO_SECCOMP");
	raise(SIGSTOP);
	execvp(argv[0], argv);
	e = errno;
	snprintf(msg, sizeof(msg), "cannot run %s: %s", argv[0], strerror(e));
	(void)!write(errfd, msg, strlen(msg));
	_exit(127);
}

static bool has_seccomp_filter(pid_t pid)
{
	char path[64], buf[4096];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return false;
	char *p = strstr(buf, "\nSeccomp:");

	return p && strtol(p + 9, NULL, 10) == 2;
}

/* ---- the tracer --------------------------------------------------------------------- */

static void resume(struct rec *r, struct rtask *task, int sig)
{
	ptrace(r->seccomp ? PTRACE_CONT : PTRACE_SYSCALL, task->tid, 0, sig);
}

/* ---- per-fd filters (x86_64) -------------------------------------------------------- */

#if REC_FD_FILTERS
enum { INJ_NONE, INJ_ENTRY, INJ_EXIT };

static bool fd_covered(const struct rproc *p, int fd)
{
	return p->rw_all || (fd >= 0 && fd < REC_FD_BITS && (p->fdset[fd / 64] >> (fd % 64)) & 1);
}

static void warn_filter(struct rec *r, struct rtask *task, const char *why)
{
	struct rproc *p = proc_of(r, task);

	if (p && p->warned)
		return;
	if (p)
		p->warned = true;
	nwarn(r->o->warn, r->o->warn_ctx,
	      "cannot add a seccomp filter in pid %d (%s): reads and writes of the regular "
	      "files it opens from now on may be missing from the trace",
	      (int)task->tid, why);
}

/* Whether the page at addr of tid is in memory or swap (/proc/PID/pagemap):
 * writing there then makes no page present that the program has not touched. */
static bool page_used(int pm, uint64_t addr, uint64_t page_size)
{
	uint64_t e;

	return pm >= 0 && pread(pm, &e, 8, (off_t)(addr / page_size * 8)) == 8 && (e >> 62);
}

static int poke(pid_t tid, uint64_t addr, const void *src, size_t len)
{
	struct iovec l = {(void *)(uintptr_t)src, len}, rv = {(void *)(uintptr_t)addr, len};

	return process_vm_writev(tid, &l, 1, &rv, 1, 0) == (ssize_t)len ? 0 : -1;
}

/*
 * Where to put the filter program of len bytes in tid's memory: below the
 * stack pointer and its 128-byte red zone (memory no code of the task uses
 * while it is stopped), in a page it has used; else on the stack above
 * the stack pointer, saved and restored (*save). 0: nowhere.
 */
static uint64_t scratch(struct rec *r, struct rtask *task, uint64_t sp, size_t len, bool *save)
{
	char path[64];
	uint64_t ps = r->page_size, top = sp - 128, found = 0;
	int pm;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)task->tid);
	pm = open(path, O_RDONLY | O_CLOEXEC);
	*save = false;
	for (uint64_t pg = (top - 1) & ~(ps - 1), k = 0; k < 16 && pg; k++, pg -= ps) {
		uint64_t end = pg + ps < top ? pg + ps : top;

		if (end - pg >= len + 16 && page_used(pm, pg, ps)) {
			found = (end - len) & ~15ull;
			break;
		}
	}
	if (!found && page_used(pm, sp, ps) && page_used(pm, sp + len - 1, ps)) {
		found = sp;
		*save = true;
	}
	if (pm >= 0)
		close(pm);
	return found;
}

/*
 * Runs seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC) in the
 * task, stopped at a system call's exit or at its first stop (just after
 * the clone or fork that made it): its registers are saved, the
 * instruction pointer goes back over the `syscall` instruction and the
 * registers name the new call; its entry and exit stops follow
 * (inject_stop()), then the registers are put back. The filter adds
 * SECCOMP_RET_TRACE for the read and write calls on the fds given (nfds
 * -1: on every fd); with TSYNC every thread of the process gets it, and
 * children inherit it.
 */
static bool inject_start(struct rec *r, struct rtask *task, const int *fds, int nfds, uint64_t lo,
			 uint64_t hi)
{
	struct user_regs_struct regs;
	struct bpfb b;
	unsigned char code[2];
	bool save;

	if (ptrace(PTRACE_GETREGS, task->tid, 0, &regs) || peek(task->tid, regs.rip - 2, code, 2) ||
	    code[0] != 0x0f || code[1] != 0x05) {
		warn_filter(r, task, "not stopped after a syscall instruction");
		return false;
	}
	b.n = 0;
	b_stmt(&b, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	b_jmp(&b, BPF_JEQ, REC_AUDIT_ARCH, L_NEXT, L_ALLOW);
	b_stmt(&b, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < NR_RW; i++)
		if (nfds < 0 || !((pread_by_tp(r) && rw_nrs[i] == SYS_pread64) ||
				  (rw_by_bpf(r) && by_bpf(rw_nrs[i]))))
			b_jeq(&b, (unsigned)rw_nrs[i], L_RW);
	b_stmt(&b, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	b_label(&b, L_RW);
	if (lo) { /* only calls made from code in [lo, hi) (one 4 GiB region) */
		unsigned ip = (unsigned)offsetof(struct seccomp_data, instruction_pointer);

		b_stmt(&b, BPF_LD | BPF_W | BPF_ABS, ip + 4);
		b_jmp(&b, BPF_JEQ, (unsigned)(lo >> 32), L_NEXT, L_ALLOW);
		b_stmt(&b, BPF_LD | BPF_W | BPF_ABS, ip);
		b_jmp(&b, BPF_JGE, (unsigned)lo, L_NEXT, L_ALLOW);
		b_jmp(&b, BPF_JGE, (unsigned)hi, L_ALLOW, L_NEXT);
	}
	if (nfds >= 0) {
		b_stmt(&b, BPF_LD | BPF_W | BPF_ABS, ARG_LO(0));
		for (int i = 0; i < nfds; i++)
			b_jeq(&b, (unsigned)fds[i], L_TRACE);
	} else {
		b_stmt(&b, BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	}
	b_label(&b, L_ALLOW);
	b_stmt(&b, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	b_label(&b, L_TRACE);
	b_stmt(&b, BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	b_fix(&b);

	/* the program: a struct sock_fprog, then the instructions */
	unsigned char mem[16 + sizeof(b.f)];
	size_t len = 16 + b.n * sizeof(b.f[0]);
	uint64_t addr = scratch(r, task, regs.rsp, len, &save);
	struct sock_fprog prog = {.len = (unsigned short)b.n};

	if (!addr) {
		warn_filter(r, task, "no stack memory in use to hold the filter");
		return false;
	}
	prog.filter = (struct sock_filter *)(uintptr_t)(addr + 16);
	memset(mem, 0, 16);
	memcpy(mem, &prog, sizeof(prog));
	memcpy(mem + 16, b.f, b.n * sizeof(b.f[0]));
	task->inj_save_len = 0;
	if (save) {
		if (len > sizeof(task->inj_save) || peek(task->tid, addr, task->inj_save, len)) {
			warn_filter(r, task, "cannot read its stack");
			return false;
		}
		task->inj_save_addr = addr;
		task->inj_save_len = len;
	}
	if (poke(task->tid, addr, mem, len)) {
		warn_filter(r, task, "cannot write its stack");
		return false;
	}
	task->inj_regs = regs;
	regs.rip -= 2;
	regs.rax = SYS_seccomp;
	regs.rdi = SECCOMP_SET_MODE_FILTER;
	regs.rsi = SECCOMP_FILTER_FLAG_TSYNC;
	regs.rdx = addr;
	if (ptrace(PTRACE_SETREGS, task->tid, 0, &regs)) {
		warn_filter(r, task, "cannot set its registers");
		return false;
	}
	task->inj_nfds = nfds;
	task->inj_loader = lo != 0;
	for (int i = 0; i < nfds; i++)
		task->inj_fds[i] = fds[i];
	task->inj = INJ_ENTRY;
	task->inj_sig = 0;
	ptrace(PTRACE_SYSCALL, task->tid, 0, 0);
	return true;
}

/* A stop of a task running an injected call; false: not one of its stops
 * (the task is exiting), handled as usual. */
static bool inject_stop(struct rec *r, struct rtask *task, int sig, int event)
{
	if (event == PTRACE_EVENT_SECCOMP) {
		ptrace(PTRACE_SYSCALL, task->tid, 0, 0);
		return true;
	}
	if (event) {
		task->inj = INJ_NONE;
		return false;
	}
	if (sig != (SIGTRAP | 0x80)) {
		/* a signal before the call: it comes after (its handler would
		 * write its frame where the filter is) */
		if (sig != SIGTRAP && !task->inj_sig)
			task->inj_sig = sig;
		ptrace(PTRACE_SYSCALL, task->tid, 0, 0);
		return true;
	}
	if (task->inj == INJ_ENTRY) {
		task->inj = INJ_EXIT;
		ptrace(PTRACE_SYSCALL, task->tid, 0, 0);
		return true;
	}
	struct user_regs_struct regs;
	int64_t rc = -1;
	struct rproc *p = proc_of(r, task);

	if (!ptrace(PTRACE_GETREGS, task->tid, 0, &regs))
		rc = (int64_t)regs.rax;
	if (task->inj_save_len)
		poke(task->tid, task->inj_save_addr, task->inj_save, task->inj_save_len);
	ptrace(PTRACE_SETREGS, task->tid, 0, &task->inj_regs);
	task->inj = INJ_NONE;
	if (!rc && p) {
		p->nfilters++;
		if (task->inj_nfds < 0)
			p->rw_all = true;
		for (int i = 0; i < task->inj_nfds; i++)
			(task->inj_loader ? p->ldset : p->fdset)[task->inj_fds[i] / 64] |=
				1ull << (task->inj_fds[i] % 64);
		p->want_all = false;
	} else {
		char why[64];

		if (rc > 0)
			snprintf(why, sizeof(why), "thread %" PRId64 " has another filter", rc);
		else
			snprintf(why, sizeof(why), "%s", strerror((int)-rc));
		warn_filter(r, task, why);
	}
	if (task->inj_sig)
		syscall(SYS_tgkill, task->tgid, task->tid, task->inj_sig);
	resume(r, task, 0);
	return true;
}

/* At the exit of an fd-making call: a filter for the regular files' fds
 * it made that have none. True when one is being added (the task then
 * resumes after it). */
static bool fd_made(struct rec *r, struct rtask *task, long nr, int64_t rc)
{
	struct rproc *p = proc_of(r, task);
	int fds[8], n = 0;
	uint64_t ip = task->entry.instruction_pointer, lo = 0, hi = 0;

	if (!p || p->rw_all || rc < 0)
		return false;
	/* the loader opens the libraries, reads their headers with its own
	 * calls and closes them before the program runs: the program's pipes
	 * and sockets get those fds again */
	if (ip >= p->ld_lo && ip < p->ld_hi) {
		lo = p->ld_lo;
		hi = p->ld_hi;
	}
	if (nr == SYS_fanotify_init || nr == SYS_io_uring_setup)
		return inject_start(r, task, NULL, -1, 0, 0);
	if (nr == SYS_recvmsg || nr == SYS_recvmmsg) { /* SCM_RIGHTS: look at every fd */
		lo = hi = 0;
		char path[64];
		DIR *d;
		struct dirent *e;

		snprintf(path, sizeof(path), "/proc/%d/fd", (int)task->tid);
		if (!(d = opendir(path)))
			return inject_start(r, task, NULL, -1, 0, 0);
		while ((e = readdir(d)) && n <= 8) {
			char *end;
			long fd = strtol(e->d_name, &end, 10);

			if (*end || end == e->d_name || !fd_note(r, p, task->tid, (int)fd) ||
			    fd_covered(p, (int)fd))
				continue;
			if (n == 8 || fd >= REC_FD_BITS)
				n = 9;
			else
				fds[n++] = (int)fd;
		}
		closedir(d);
	} else if (fd_note(r, p, task->tid, (int)rc) && !fd_covered(p, (int)rc) &&
		   !(lo && rc < REC_FD_BITS && (p->ldset[rc / 64] >> (rc % 64)) & 1)) {
		fds[n++] = (int)rc;
		if (rc >= REC_FD_BITS)
			n = 9;
	}
	if (p->want_all) /* the BPF map is full (fdpath_bpf()) */
		return inject_start(r, task, NULL, -1, 0, 0);
	if (!n)
		return false;
	if (n > 8 || p->nfilters >= REC_MAX_FD_FILTERS)
		return inject_start(r, task, NULL, -1, 0, 0);
	return inject_start(r, task, fds, n, lo, hi);
}

static bool is_fd_maker(long nr, const uint64_t *a)
{
	if (nr == SYS_fcntl)
		return (int)a[1] == F_DUPFD || (int)a[1] == F_DUPFD_CLOEXEC;
	for (size_t i = 0; i < NR_FD_MAKERS; i++)
		if (fd_maker_nrs[i] == nr)
			return true;
	return false;
}

/* A filter for every fd when the process shares its fd table with
 * another (clone with CLONE_FILES and without CLONE_THREAD): a regular
 * file the other opens gets a filter only in the other's tasks. */
static bool inject_wanted(struct rec *r, struct rtask *task)
{
	struct rproc *p = proc_of(r, task);

	return r->fd_filters && p && p->want_all && !p->rw_all &&
	       inject_start(r, task, NULL, -1, 0, 0);
}
#else
static bool inject_wanted(struct rec *r, struct rtask *task)
{
	(void)r;
	(void)task;
	return false;
}
#endif

static void on_new_task(struct rec *r, struct rtask *parent, unsigned long child_tid,
			bool thread_event)
{
	struct rtask *c = task_find(r, (pid_t)child_tid);
	uint64_t t = now_ns();
	pid_t ptid = parent->tid;

	if (!c && !(c = task_add(r, (pid_t)child_tid)))
		return;
	parent = task_find(r, ptid); /* task_add may have moved it */
	pid_t tgid = task_tgid(c->tid);
	bool thread = thread_event && tgid != c->tid;
	struct rproc *pp = proc_of(r, parent);

	c->tgid = tgid;
	if (thread) {
		c->proc = parent->proc;
	} else {
		c->proc = proc_add(r, c->tid, pp ? pp->brk_end : 0);
		parent = task_find(r, parent->tid);
		pp = proc_of(r, parent);
		struct rproc *cp = proc_of(r, c);

		if (pp && cp) { /* the child has its parent's filters */
			cp->rw_all = pp->rw_all;
			cp->nfilters = pp->nfilters;
			memcpy(cp->fdset, pp->fdset, sizeof(cp->fdset));
			memcpy(cp->ldset, pp->ldset, sizeof(cp->ldset));
			fdpaths_copy(r, cp, pp);
			cp->ld_lo = pp->ld_lo;
			cp->ld_hi = pp->ld_hi;
#if REC_FD_FILTERS
			/* kcmp(KCMP_FILES) 0: the same fd table (-1: cannot tell) */
			if (r->fd_filters && !pp->rw_all &&
			    syscall(SYS_kcmp, parent->tgid, c->tid, 2, 0, 0) <= 0)
				cp->want_all = pp->want_all = true;
#endif
		}
	}
	c->announced = true;
	rec_fork(r->g, t, (uint32_t)parent->tid, (uint32_t)c->tid, proc_of(r, c)->mm,
		 task_cpu(c->tid), thread);
	if (c->held) {
		c->held = false;
		if (!inject_wanted(r, c))
			resume(r, c, 0);
	}
}

/*
 * munmap, mprotect and madvise are logged at their entry, as if they
 * succeed, which saves a stop (two context switches) per call: they fail
 * only on bad arguments (EINVAL, ENOMEM for a hole), and the replay
 * answers the same arguments with the same errno or a harmless no-op.
 */
static bool entry_is_enough(long nr)
{
	return nr == SYS_munmap || nr == SYS_mprotect || nr == SYS_madvise;
}

/* The task whose stream gets process p's access records: its leader, or
 * (the leader gone) another of its live tasks; NULL before its first exec
 * (no spawn yet) or when all are gone. */
static struct rtask *access_task(struct rec *r, uint32_t p)
{
	struct rtask *any = NULL;

	for (size_t i = 0; i < r->ntasks; i++) {
		struct rtask *t = &r->tasks[i];

		if (t->proc != p || t->gone || !t->announced || (t->tid == r->root && !t->spawned))
			continue;
		if (t->tid == r->procs[p].tgid)
			return t;
		if (!any)
			any = t;
	}
	return any;
}

/* The records are stamped when the bits have been read, so that a page
 * faulted while they were (by a task that did not stop) has its touch
 * first; returns that time (0: no sample). */
static uint64_t sample_proc(struct rec *r, uint32_t p)
{
	struct rtask *k = access_task(r, p);
	uint64_t t;

	if (!k)
		return 0;
	if (access_read(&r->acc, r->procs[p].tgid)) {
		r->err = ENOMEM;
		return 0;
	}
	t = now_ns();
	rec_cpu(r->g, t, (uint32_t)k->tid, task_cpu(k->tid));
	if (access_emit(&r->acc, r->g, t, (uint32_t)k->tid))
		r->err = ENOMEM;
	return t;
}

static void resume(struct rec *r, struct rtask *task, int sig);

/*
 * A process is sampled with all its tasks stopped: reading the bits and
 * setting them again (idle: marking the pages, soft-dirty: clear_refs)
 * is not one atomic step, and a write in between would be lost. Each
 * task gets a SIGSTOP, which the tracer sees at its signal-delivery stop
 * and suppresses; the last one to stop lets the sample run, then all go
 * on. A task that does not stop within two intervals (uninterruptible
 * sleep) is not waited for.
 */
static void proc_try_sample(struct rec *r, uint32_t p, bool force)
{
	struct rproc *pr;

	if (p >= r->nprocs || !(pr = &r->procs[p])->acc_want)
		return;
	for (size_t i = 0; i < r->ntasks && !force; i++)
		if (r->tasks[i].proc == p && r->tasks[i].acc_wait && !r->tasks[i].gone)
			return;
	(void)sample_proc(r, p);
	pr->acc_want = false;
	for (size_t i = 0; i < r->ntasks; i++) {
		struct rtask *t = &r->tasks[i];

		if (t->proc != p)
			continue;
		t->acc_wait = false;
		if (t->acc_held && !t->gone) {
			t->acc_held = false;
			resume(r, t, 0);
		}
	}
}

/* At the end of each interval, every process's accesses. */
static void sample_all(struct rec *r)
{
	uint64_t t = now_ns(),
		 patience = 2 * r->acc.interval > 20000000 ? 2 * r->acc.interval : 20000000;

	for (uint32_t p = 0; p < r->nprocs; p++)
		if (r->procs[p].acc_want && t - r->procs[p].acc_since > patience)
			proc_try_sample(r, p, true);
	if (t < r->acc.next)
		return;
	for (uint32_t p = 0; p < r->nprocs; p++) {
		struct rproc *pr = &r->procs[p];

		if (pr->acc_want || !access_task(r, p))
			continue;
		pr->acc_want = true;
		pr->acc_since = t;
		for (size_t i = 0; i < r->ntasks; i++) {
			struct rtask *k = &r->tasks[i];

			if (k->proc == p && !k->gone && k->attached && k->announced && !k->held &&
			    !syscall(SYS_tgkill, pr->tgid, k->tid, SIGSTOP))
				k->acc_wait = true;
		}
		proc_try_sample(r, p, false);
	}
	while (r->acc.next <= t)
		r->acc.next += r->acc.interval;
}

/*
 * The events of the system-call tracepoints since the last stop, in time
 * order, as the stops would have logged them: a task's events are all in
 * the rings when it stops (written before it returns from the call), so
 * they come before its next stop is looked at.
 */
static int sys_events(struct rec *r)
{
	if (perf_sys_drain(&r->sys) || rec_bpf_drain(&r->bpf, &r->sys, TP_READ))
		return -1;
	perf_sys_sort(&r->sys);
	for (size_t i = 0; i < r->sys.nev; i++) {
		const struct rec_sysev *e = &r->sys.ev[i];
		struct rtask *task = task_find(r, (pid_t)e->tid);

		if (!task)
			continue;
		struct __ptrace_syscall_info saved = task->entry;
		bool saved_have = task->have_entry;
		uint64_t saved_t = task->entry_t;

		if (e->kind == TP_MMAP) {
			if (task->mm_pending)
				r->tp_lost_results++; /* the last one's exit event was lost */
			task->mm_pending = (e->a[3] & MAP_ANONYMOUS) != 0;
			task->mm_entry.entry.nr = SYS_mmap;
			memcpy(task->mm_entry.entry.args, e->a, sizeof(e->a));
			task->mm_t = e->time;
			continue;
		}
		if (e->kind == TP_PREAD) {
			if (task->pr_pending)
				r->tp_lost_results++; /* the last one's exit event was lost */
			task->pr_pending = true;
			task->pr_fd = e->a[0];
			task->pr_off = e->a[3];
			task->pr_t = e->time;
			continue;
		}
		if (e->kind == TP_READ) {
			bpf_rw(r, task, e);
			continue;
		}
		if (e->kind == TP_PREAD_EXIT) {
			if (task->pr_pending)
				pread_event(r, task, task->pr_fd, (int64_t)task->pr_off, e->ret,
					    task->pr_t);
			task->pr_pending = false;
			continue;
		}
		if (e->kind == TP_MMAP_EXIT) {
			if (!task->mm_pending)
				continue;
			task->mm_pending = false;
			task->entry = task->mm_entry;
			task->entry_t = task->mm_t;
			task->have_entry = true;
			on_syscall_exit(r, task, e->ret);
		} else { /* TP_MUNMAP, TP_MPROTECT, TP_MADVISE */
			task->entry.entry.nr = (uint64_t)tp_nrs[e->kind];
			memcpy(task->entry.entry.args, e->a, sizeof(e->a));
			task->entry_t = e->time;
			task->have_entry = true;
			on_syscall_exit(r, task, 0);
		}
		task->entry = saved;
		task->have_entry = saved_have;
		task->entry_t = saved_t;
	}
	return 0;
}

static void on_stop(struct rec *r, pid_t pid, int status)
{
	struct rtask *task = task_find(r, pid);
	int sig = WSTOPSIG(status), event = status >> 16;

	if (task && task->mm_pending) { /* its sys_exit_mmap event was lost */
		const uint64_t *a = task->mm_entry.entry.args;

		task->mm_pending = false;
		r->tp_lost_results++;
		rec_text(r->g, task->mm_t, (uint32_t)task->tid,
			 "# mmap pid=%d len=%" PRIu64
			 ": its result was lost (perf ring buffer full)",
			 (int)task->tid, a[1]);
	}

	if (task && task->pr_pending) { /* its sys_exit_pread64 event was lost */
		task->pr_pending = false;
		r->tp_lost_results++;
		rec_text(r->g, task->pr_t, (uint32_t)task->tid,
			 "# pread64 pid=%d fd=%" PRIu64
			 ": its result was lost (perf ring buffer full)",
			 (int)task->tid, task->pr_fd);
	}

	if (!task) { /* a new task whose parent's event has not come yet */
		if ((task = task_add(r, pid))) {
			task->attached = true;
			task->held = true;
		}
		return;
	}
	if (!task->attached) {
		task->attached = true;
		if (sig == SIGSTOP) {
			if (!inject_wanted(r, task))
				resume(r, task, 0);
			return;
		}
	}
#if REC_FD_FILTERS
	if (task->inj && inject_stop(r, task, sig, event))
		return;
#endif
	if (sig == (SIGTRAP | 0x80) || event == PTRACE_EVENT_SECCOMP) {
		struct __ptrace_syscall_info info;

		if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info) <= 0) {
			resume(r, task, 0);
			return;
		}
		if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
#if REC_FD_FILTERS
			if (task->fd_maker) {
				task->fd_maker = false;
				task->have_entry = false;
				if (!fd_made(r, task, (long)task->entry.entry.nr, info.exit.rval))
					resume(r, task, 0);
				return;
			}
#endif
			if (task->have_entry)
				on_syscall_exit(r, task, info.exit.rval);
			task->have_entry = false;
			if (!inject_wanted(r, task))
				resume(r, task, 0);
			return;
		}
#if REC_FD_FILTERS
		/* an fd-making call (per-fd filters): a filter for the fd at its exit */
		if (info.op == PTRACE_SYSCALL_INFO_SECCOMP && r->fd_filters &&
		    is_fd_maker((long)info.entry.nr, info.entry.args)) {
			struct rproc *p = proc_of(r, task);
			uint64_t ctl = 1;

			/* recvmsg receives fds only with a control buffer */
			if (info.entry.nr == SYS_recvmsg &&
			    peek(pid, info.entry.args[1] + offsetof(struct msghdr, msg_controllen),
				 &ctl, sizeof(ctl)))
				ctl = 1;
			if (!p || p->rw_all || !ctl) {
				resume(r, task, 0);
				return;
			}
			task->entry = info;
			task->fd_maker = true;
			ptrace(PTRACE_SYSCALL, pid, 0, 0);
			return;
		}
#endif
		/* without seccomp every call stops: one the filter would have let
		 * through is not looked at (its exit stop is then ignored), so
		 * the trace is the one the filter gives */
		if (info.op == PTRACE_SYSCALL_INFO_ENTRY && !is_traced((long)info.entry.nr)) {
			task->have_entry = false;
			resume(r, task, 0);
			return;
		}
		task->entry = info;
		task->entry_t = now_ns();
		task->have_entry = info.op == PTRACE_SYSCALL_INFO_ENTRY ||
				   info.op == PTRACE_SYSCALL_INFO_SECCOMP;
		/* the last accesses of the address space execve replaces */
		if (task->have_entry && r->have_acc && task->proc < r->nprocs &&
		    (info.entry.nr == SYS_execve || info.entry.nr == SYS_execveat))
			(void)sample_proc(r, task->proc);
		if (task->have_entry &&
		    rw_at_entry(r, task, task->entry_t, info.entry.args, (long)info.entry.nr)) {
			task->have_entry = false;
			resume(r, task, 0);
			return;
		}
		if (task->have_entry && entry_is_enough((long)info.entry.nr)) {
			on_syscall_exit(r, task, 0);
			task->have_entry = false;
			resume(r, task, 0);
			return;
		}
		/* the exit of this call is the next stop */
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
		return;
	}
	if (sig == SIGTRAP && event) {
		unsigned long msg = 0;

		ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg);
		switch (event) {
		case PTRACE_EVENT_FORK:
		case PTRACE_EVENT_VFORK:
			on_new_task(r, task, msg, false);
			break;
		case PTRACE_EVENT_CLONE:
			on_new_task(r, task, msg, true);
			break;
		case PTRACE_EVENT_EXEC:
			task = task_find(r, pid);
			rw_flush(r, task);
			on_exec(r, task);
			break;
		case PTRACE_EVENT_EXIT: {
			uint64_t t = now_ns();

			task = task_find(r, pid);
			rw_flush(r, task);
			if (task->acc_wait) { /* it will not stop for the sample now */
				task->acc_wait = false;
				proc_try_sample(r, task->proc, false);
				task = task_find(r, pid);
			}
			if (task->tid == task->tgid) { /* the mm lives until its last task */
				log_present(r, t, task);
				if (r->have_acc && task->proc < r->nprocs) {
					uint64_t ts = sample_proc(r, task->proc);

					t = ts > t ? ts : t; /* the exit after its records */
				}
			}
			rec_exit(r->g, t, (uint32_t)pid);
			task_stat_close(task);
			break;
		}
		default:
			break;
		}
		task = task_find(r, pid);
		struct rproc *tp = task ? proc_of(r, task) : NULL;

		/* after exec the syscall-exit stop of execve still comes; after a
		 * clone that shares the fd table, that of the clone (inject_wanted()) */
		if (task)
			ptrace(task->have_entry || (tp && tp->want_all && !tp->rw_all)
				       ? PTRACE_SYSCALL
				       : (r->seccomp ? PTRACE_CONT : PTRACE_SYSCALL),
			       pid, 0, 0);
		return;
	}
	if (sig == SIGSTOP && task->acc_wait) { /* the SIGSTOP of sample_all() */
		task->acc_wait = false;
		task->acc_held = true;
		proc_try_sample(r, task->proc, false);
		return;
	}
	/* a signal for the program: deliver it */
	resume(r, task, sig == SIGSTOP || sig == SIGTRAP ? 0 : sig);
}

static void on_tick(int sig)
{
	(void)sig; /* only interrupts waitpid() so the sample buffers are drained */
}

static int trace_loop(struct rec *r)
{
	int status;

	for (;;) {
		pid_t pid = waitpid(-1, &status, __WALL);
		int e = errno; /* the sampling below makes system calls of its own */

		if (r->have_perf && perf_faults_drain(&r->perf, r->g))
			return -1;
		if (r->tp && sys_events(r))
			return -1;
		if (r->have_acc)
			sample_all(r);
		if (pid < 0) {
			if (e == EINTR)
				continue;
			if (e == ECHILD)
				return 0;
			errno = e;
			return -1;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			struct rtask *task = task_find(r, pid);

			if (task) {
				task->gone = true;
				task_stat_close(task);
				proc_gone(r, task->proc);
				if (task->acc_wait) {
					task->acc_wait = false;
					proc_try_sample(r, task->proc, false);
				}
			}
			if (pid == r->root) {
				r->root_status = status;
				r->root_done = true;
			}
			continue;
		}
		if (WIFSTOPPED(status))
			on_stop(r, pid, status);
		if (r->err)
			return -1;
	}
}

static void open_accesses(struct rec *r)
{
	char why[600] = "";

	if (!r->o->accesses_ns)
		return;
	r->have_acc = !access_open(&r->acc, r->o->accesses_ns, r->page_size, why, sizeof(why));
	r->acc.next = now_ns() + r->o->accesses_ns;
	if (why[0])
		nwarn(r->o->warn, r->o->warn_ctx, "%s", why);
}

static int start_child(struct rec *r, struct nerr *err)
{
	int pfd[2];
	char msg[600];
	int status;

	if (pipe2(pfd, O_CLOEXEC))
		return nerr_set(err, "numasim record: pipe: %s", strerror(errno));
	r->root = fork();
	if (r->root < 0)
		return nerr_set(err, "numasim record: fork: %s", strerror(errno));
	if (!r->root) {
		close(pfd[0]);
		child_main(r, r->o->argv, pfd[1]);
	}
	close(pfd[1]);
	if (waitpid(r->root, &status, __WALL) != r->root || !WIFSTOPPED(status)) {
		ssize_t n = read(pfd[0], msg, sizeof(msg) - 1);

		close(pfd[0]);
		msg[n > 0 ? n : 0] = 0;
		return nerr_set(err, "numasim record: %s",
				n > 0 ? msg : "the program did not start");
	}
	r->seccomp = has_seccomp_filter(r->root);
	if (!r->seccomp)
		nwarn(r->o->warn, r->o->warn_ctx,
		      "no seccomp filter in the program (a kernel "
		      "without CONFIG_SECCOMP_FILTER, or NUMASIM_RECORD_NO_SECCOMP set): every "
		      "system call stops (PTRACE_SYSCALL), which is slower; the trace is the same");
	if (ptrace(PTRACE_SETOPTIONS, r->root, 0,
		   PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
			   PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT |
			   PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)) {
		kill(r->root, SIGKILL);
		close(pfd[0]);
		return nerr_set(err, "numasim record: ptrace: %s", strerror(errno));
	}
	char why[512];

	if (r->tp && !r->seccomp) {
		r->tp = false; /* every call stops */
	} else if (r->tp && perf_sys_open(&r->sys, r->root)) {
		int e = errno;

		kill(r->root, SIGKILL);
		close(pfd[0]);
		return nerr_set(err, "numasim record: the system-call tracepoints: %s",
				strerror(e));
	}
	if (r->bpf.on && (!r->tp || !r->seccomp)) {
		rec_bpf_close(&r->bpf);
	} else if (r->bpf.on && rec_bpf_attach(&r->bpf)) {
		int e = errno;

		kill(r->root, SIGKILL);
		close(pfd[0]);
		return nerr_set(err,
				"numasim record: the BPF program of read() and write(): %s "
				"(NUMASIM_RECORD_NO_BPF=1: they stop instead)",
				strerror(e));
	}
	r->have_perf = !perf_faults_open(&r->perf, r->root, why, sizeof(why));
	if (!r->have_perf)
		nwarn(r->o->warn, r->o->warn_ctx, "%s", why);
	else if (r->perf.user_only)
		nwarn(r->o->warn, r->o->warn_ctx,
		      "page faults taken in the kernel on the program's "
		      "behalf are not sampled without privilege (kernel.perf_event_paranoid)");
	struct rtask *t = task_add(r, r->root);

	if (!t) {
		kill(r->root, SIGKILL);
		return nerr_set(err, "numasim record: out of memory");
	}
	t->attached = t->announced = true;
	t->proc = proc_add(r, r->root, 0);
	if (!r->seccomp)
		r->fd_filters = false;
	for (int i = 0; r->fd_filters && i < r->ninit_fds; i++) {
		r->procs[t->proc].fdset[r->init_fds[i] / 64] |= 1ull << (r->init_fds[i] % 64);
		fd_note(r, &r->procs[t->proc], r->root, r->init_fds[i]);
	}
	resume(r, t, 0); /* without seccomp: stop at the entry of execve, as the filter does */
	/* a message from the child means exec failed */
	r->err = 0;
	return pfd[0];
}

static void rec_cleanup(struct rec *r)
{
	if (r->have_perf)
		perf_faults_close(&r->perf);
	if (r->have_acc)
		access_close(&r->acc);
	rec_bpf_close(&r->bpf);
	perf_sys_close(&r->sys, r->detach_close);
	for (size_t i = 0; i < r->ntasks; i++)
		task_stat_close(&r->tasks[i]);
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i].name);
	free(r->files);
	free(r->tasks);
	for (size_t i = 0; i < r->nprocs; i++)
		fdpaths_free(&r->procs[i]);
	free(r->procs);
	rec_log_free(r->g);
}

int record_run(const struct record_opts *o, FILE *out, struct record_result *res, struct nerr *err)
{
	struct rec r = {.o = o, .page_size = (uint64_t)sysconf(_SC_PAGESIZE), .next_mm = 1};
	struct sigaction sa = {.sa_handler = on_tick}, old;
	/* a program that faults without system calls stops nothing: a tick
	 * every 10 ms drains the sample buffers (1 MiB per CPU) before they
	 * fill. (O_ASYNC on the perf fds would signal every sample.) */
	struct itimerval tick = {{0, 10000}, {0, 10000}}, no_tick = {{0, 0}, {0, 0}};
	char msg[600], name[256], comments[1024];
	int efd, rc = 0, probe = -1;

	memset(res, 0, sizeof(*res));
	if (!(r.g = rec_log_new((unsigned)r.page_size)))
		return nerr_set(err, "numasim record: out of memory");
	rec_log_fault_around(r.g, false); /* pagemap tells at the exit */
	open_accesses(&r);
	/* a tick at least every interval, so that the samples come on time */
	if (r.have_acc && o->accesses_ns < 10000000) {
		uint64_t us = o->accesses_ns < 1000000 ? 1000 : o->accesses_ns / 1000;

		tick.it_interval.tv_usec = tick.it_value.tv_usec = (suseconds_t)us;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	/* per-fd filters (x86_64; NUMASIM_RECORD_ALL_FDS=1: every read and
	 * write stops, as on other architectures) */
	r.fd_filters = REC_FD_FILTERS && !getenv("NUMASIM_RECORD_ALL_FDS") &&
		       regular_fds(r.init_fds, 64, &r.ninit_fds);
	r.detach_close = !getenv("NUMASIM_RECORD_WAIT_CLOSE");
	/* tracepoints when tracefs has them and perf may open them (a probe on
	 * the tracer itself); NUMASIM_RECORD_NO_TRACEPOINTS=1: every call of
	 * tp_names stops, as without them */
	if (!getenv("NUMASIM_RECORD_NO_TRACEPOINTS") && !getenv("NUMASIM_RECORD_NO_SECCOMP") &&
	    !perf_sys_ids(&r.sys, tp_names, r.fd_filters ? NR_TP : TP_PREAD))
		r.tp = (probe = perf_sys_probe(&r.sys)) >= 0;
	/* read(), write() and pwrite64() from a BPF program (root, kernel
	 * BTF; NUMASIM_RECORD_NO_BPF=1: they stop on the regular files' fds) */
	rec_bpf_init(&r.bpf);
	if (r.tp && r.fd_filters) {
		if (!getenv("NUMASIM_RECORD_NO_BPF") && rec_bpf_load(&r.bpf, msg, sizeof(msg)) &&
		    getenv("NUMASIM_RECORD_BPF_LOG"))
			fprintf(stderr,
				"numasim record: no BPF program for read() and write(): %s\n", msg);
	}
	efd = start_child(&r, err);
	/* once the program's events hold the tracepoint the probe's close
	 * does not wait; else it is the last */
	if (probe >= 0 && r.sys.nfds)
		close(probe);
	else if (probe >= 0)
		perf_close_fds(&probe, 1, r.detach_close);
	if (efd < 0) {
		sigaction(SIGALRM, &old, NULL);
		rec_cleanup(&r);
		return -1;
	}
	setitimer(ITIMER_REAL, &tick, NULL);
	if (trace_loop(&r))
		rc = nerr_set(err, "numasim record: %s", r.err ? strerror(r.err) : strerror(errno));
	setitimer(ITIMER_REAL, &no_tick, NULL);
	sigaction(SIGALRM, &old, NULL);
	r.sys.lost += rec_bpf_lost(&r.bpf);
	if (r.sys.lost || r.tp_lost_results)
		nwarn(o->warn, o->warn_ctx,
		      "%" PRIu64 " system-call tracepoint events lost (perf ring buffer full): "
		      "munmap, mprotect, madvise, anonymous mmap, read, write, pread64 or pwrite64 "
		      "records may be missing",
		      r.sys.lost + r.tp_lost_results);
	/* every event is read: the loop's last drain came after the last
	 * task's end. The tracepoints' last close, which waits for grace
	 * periods, goes to a detached process while the trace is written. */
	if (r.have_perf) {
		perf_faults_close(&r.perf);
		r.have_perf = false;
	}
	if (r.bpf.failed)
		nwarn(o->warn, o->warn_ctx,
		      "the BPF map of the regular files' fds was full %" PRIu64
		      " times: those processes' reads stopped instead",
		      r.bpf.failed);
	bool bpf_reads = rw_by_bpf(&r);

	rec_bpf_close(&r.bpf);
	perf_sys_close(&r.sys, r.detach_close);
	ssize_t n = read(efd, msg, sizeof(msg) - 1);

	close(efd);
	if (!rc && n > 0) {
		msg[n] = 0;
		rc = nerr_set(err, "numasim record: %s", msg);
	}
	for (size_t i = 0; i < r.ntasks; i++)
		rw_flush(&r, &r.tasks[i]);
	if (!rc) {
		const char *base = strrchr(o->argv[0], '/');

		snprintf(name, sizeof(name), "%s", base ? base + 1 : o->argv[0]);
		struct utsname u;
		char cmd[256] = "";

		for (char *const *a = o->argv; *a && strlen(cmd) + strlen(*a) + 2 < sizeof(cmd);
		     a++) {
			char w[200];

			rec_word(w, sizeof(w), *a);
			snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%s%s",
				 a == o->argv ? "" : " ", w);
		}
		if (uname(&u))
			snprintf(u.release, sizeof(u.release), "?");
		snprintf(comments, sizeof(comments),
			 "# recorded by numasim record on Linux %s, %ld CPUs: %s\n"
			 "# pids, CPUs and addresses are the real ones (docs/recording.md)\n"
			 "# read(), write() and pwrite64() of a regular file: %s\n",
			 u.release, sysconf(_SC_NPROCESSORS_ONLN), cmd,
			 bpf_reads ? "from a BPF program, no stop" : "a stop each");
		res->status = r.root_status;
		res->lost_samples = r.perf.lost;
		res->access_samples = r.acc.samples;
		res->access_records = r.acc.records;
		rc = rec_log_write(r.g, out, name, comments, &res->st, err);
	}
	rec_cleanup(&r);
	return rc;
}
