/*
 * perf.c - page-fault sampling for `numasim record`: software event
 * PERF_COUNT_SW_PAGE_FAULTS with sample period 1 on the traced program,
 * one per CPU (the kernel maps no inherited per-task event), inherited by
 * every thread and process it creates, enabled at exec; each sample
 * carries the tid, the time (CLOCK_MONOTONIC, the clock the tracer stamps
 * its own events with), the faulting address and the CPU.
 */
#define _GNU_SOURCE /* unshare */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "record/record_int.h"

#define PERF_DATA_BYTES (1u << 20) /* per CPU: ~26000 samples */

static int perf_open(struct perf_event_attr *a, pid_t pid, int cpu)
{
	return (int)syscall(SYS_perf_event_open, a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static int read_paranoid(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int v = 99;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 99;
		fclose(f);
	}
	return v;
}

static void attr_init(struct perf_event_attr *a, size_t wakeup)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = PERF_TYPE_SOFTWARE;
	a->config = PERF_COUNT_SW_PAGE_FAULTS;
	a->sample_period = 1;
	a->sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR | PERF_SAMPLE_CPU;
	a->disabled = 1;
	a->enable_on_exec = 1;
	a->inherit = 1;
	a->use_clockid = 1;
	a->clockid = CLOCK_MONOTONIC;
	a->watermark = 1;
	a->wakeup_watermark = (unsigned)wakeup;
}

static int ring_map(struct rec_ring *r, size_t ps)
{
	r->size = PERF_DATA_BYTES < 64 * ps ? 64 * ps : PERF_DATA_BYTES;
	r->base = mmap(NULL, r->size + ps, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->base == MAP_FAILED) {
		r->base = NULL;
		return -1;
	}
	r->data = (char *)r->base + ps;
	return 0;
}

static void fail_line(char *why, size_t len, int e, const char *what)
{
	if (e == EACCES || e == EPERM)
		snprintf(why, len,
			 "page-fault sampling is not permitted (%s: %s; "
			 "kernel.perf_event_paranoid is %d): run as root or set it to 2 or less; "
			 "the trace has no first touches",
			 what, strerror(e), read_paranoid());
	else
		snprintf(why, len,
			 "page-fault sampling is not available (%s: %s): "
			 "the trace has no first touches",
			 what, strerror(e));
}

int perf_faults_open(struct rec_perf *p, pid_t pid, char *why, size_t len)
{
	struct perf_event_attr a;
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	memset(p, 0, sizeof(*p));
	if (ncpu < 1)
		ncpu = 1;
	if (!(p->ring = calloc((size_t)ncpu, sizeof(*p->ring)))) {
		snprintf(why, len, "page-fault sampling: out of memory");
		return -1;
	}
	attr_init(&a, PERF_DATA_BYTES / 4);
	for (int c = 0; c < ncpu; c++) {
		struct rec_ring *r = &p->ring[p->nring];

		r->fd = perf_open(&a, pid, c);
		/* faults taken in the kernel on the program's behalf (read()
		 * into a fresh buffer) count too; without the privilege, only
		 * user-mode faults */
		if (r->fd < 0 && (errno == EACCES || errno == EPERM) && !a.exclude_kernel) {
			a.exclude_kernel = a.exclude_hv = 1;
			p->user_only = true;
			r->fd = perf_open(&a, pid, c);
		}
		if (r->fd < 0 && errno == ENODEV)
			continue; /* an offline CPU */
		if (r->fd < 0) {
			fail_line(why, len, errno, "perf_event_open");
			perf_faults_close(p);
			return -1;
		}
		if (ring_map(r, ps)) {
			fail_line(why, len, errno, "mmap of the perf ring buffer");
			close(r->fd);
			perf_faults_close(p);
			return -1;
		}
		p->nring++;
	}
	if (!p->nring) {
		snprintf(why, len, "page-fault sampling: no online CPU to sample on");
		perf_faults_close(p);
		return -1;
	}
	return 0;
}

static void copy_out(const struct rec_ring *r, uint64_t pos, void *dst, size_t n)
{
	size_t off = (size_t)(pos % r->size), first = r->size - off < n ? r->size - off : n;

	memcpy(dst, r->data + off, first);
	memcpy((char *)dst + first, r->data, n - first);
}

/* A sample's body at pos (len bytes, the header's size less the header);
 * nonzero fails the drain (which still goes on to the end). */
typedef int (*ring_sample_fn)(void *ctx, const struct rec_ring *r, uint64_t pos, size_t len);

/* Reads a ring's records from its tail to its head: each sample goes to
 * fn, each PERF_RECORD_LOST adds to *lost; the tail then moves past
 * them. Returns -1 when fn failed on one. */
static int ring_walk(struct rec_ring *r, ring_sample_fn fn, void *ctx, uint64_t *lost)
{
	struct perf_event_mmap_page *mp = r->base;
	uint64_t head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = mp->data_tail;
	int rc = 0;

	while (tail < head) {
		struct perf_event_header h;
		struct {
			uint64_t id, lost;
		} l;

		copy_out(r, tail, &h, sizeof(h));
		if (h.size < sizeof(h))
			break;
		if (h.type == PERF_RECORD_SAMPLE) {
			if (fn(ctx, r, tail + sizeof(h), h.size - sizeof(h)))
				rc = -1;
		} else if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + sizeof(l)) {
			copy_out(r, tail + sizeof(h), &l, sizeof(l));
			*lost += l.lost;
		}
		tail += h.size;
	}
	__atomic_store_n(&mp->data_tail, tail, __ATOMIC_RELEASE);
	return rc;
}

struct fault_ctx {
	struct rec_perf *p;
	struct rec_log *g;
};

/* A page-fault sample: tid, time, addr, cpu. */
static int fault_sample(void *ctx, const struct rec_ring *r, uint64_t pos, size_t len)
{
	struct fault_ctx *c = ctx;
	struct {
		uint32_t pid, tid;
		uint64_t time, addr;
		uint32_t cpu, res;
	} s;

	if (len < sizeof(s))
		return 0;
	copy_out(r, pos, &s, sizeof(s));
	c->p->samples++;
	return rec_fault(c->g, s.time, s.tid, s.cpu, s.addr) ? -1 : 0;
}

static int ring_drain(struct rec_perf *p, struct rec_ring *r, struct rec_log *g)
{
	struct fault_ctx c = {p, g};

	return ring_walk(r, fault_sample, &c, &p->lost);
}

int perf_faults_drain(struct rec_perf *p, struct rec_log *g)
{
	int rc = 0;

	for (int i = 0; i < p->nring; i++)
		rc |= ring_drain(p, &p->ring[i], g);
	return rc;
}

void perf_faults_close(struct rec_perf *p)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);

	for (int i = 0; i < p->nring; i++) {
		if (p->ring[i].base)
			munmap(p->ring[i].base, p->ring[i].size + ps);
		close(p->ring[i].fd);
	}
	free(p->ring);
	p->ring = NULL;
	p->nring = 0;
}

/* ---- closing without waiting ------------------------------------------------------- */

static int by_fd(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return a < b ? -1 : a > b;
}

/* Closes the fds in [lo, hi]: close_range(), or one at a time the fds
 * /proc/self/fd lists (kernels before 5.9). */
static void close_span(unsigned lo, unsigned hi)
{
	DIR *d;
	struct dirent *e;

	if (lo > hi)
		return;
#ifdef SYS_close_range
	if (!syscall(SYS_close_range, lo, hi, 0))
		return;
#endif
	if (!(d = opendir("/proc/self/fd"))) {
		for (unsigned fd = lo; fd <= hi && fd < 65536; fd++)
			close((int)fd);
		return;
	}
	while ((e = readdir(d))) {
		char *end;
		unsigned long fd = strtoul(e->d_name, &end, 10);

		if (!*end && end != e->d_name && (int)fd != dirfd(d) && fd >= lo && fd <= hi)
			close((int)fd);
	}
	closedir(d);
}

/*
 * The last close of a tracepoint's perf events waits for RCU grace
 * periods (perf_trace_event_unreg() calls tracepoint_synchronize_unregister():
 * 30 to 40 ms a tracepoint on the build VM, one tracepoint after the
 * other). That last close goes to a process of its own: a child closes
 * every other fd it has (standard input, output and error too: a shell or
 * a test runner reading them sees their end when numasim exits), starts a
 * session of its own, forks a grandchild, which holds only fds and a
 * pipe's read end, and exits; it is reaped here, so that the grandchild,
 * reparented to init, is no zombie of ours. The copies here then close
 * without waiting (not the last ones), and the pipe's write end after
 * them: at its end the grandchild closes its copies, the last ones, and
 * exits. When fork fails the closes wait here, as they do without detach.
 */
void perf_close_fds(int *fds, int n, bool detach)
{
	int p[2] = {-1, -1}, status;
	pid_t mid = -1;

	if (detach && n > 0 && !pipe2(p, O_CLOEXEC) && (mid = fork()) == 0) {
		int *keep = malloc(((size_t)n + 1) * sizeof(*keep));
		unsigned lo = 0;
		char c;

		if (!keep)
			_exit(1); /* no grandchild: the caller's closes wait */
		memcpy(keep, fds, (size_t)n * sizeof(*keep));
		keep[n] = p[0];
		qsort(keep, (size_t)n + 1, sizeof(*keep), by_fd);
		for (int i = 0; i <= n; lo = (unsigned)keep[i++] + 1)
			if ((unsigned)keep[i] > lo)
				close_span(lo, (unsigned)keep[i] - 1);
		close_span(lo, ~0u);
		setsid();
		if (fork())
			_exit(0);
		/* until the caller's copies are closed (or it is gone), and a
		 * second more: a recording started meanwhile finds the
		 * tracepoints registered (its opens do not wait for event_mutex
		 * behind these unregistrations, and these closes are then not
		 * the last) */
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		struct timespec hold = {1, 0};

		while (nanosleep(&hold, &hold) && errno == EINTR)
			;
		for (int i = 0; i < n; i++)
			close(fds[i]);
		_exit(0);
	}
	if (mid > 0)
		while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
			;
	if (p[0] >= 0)
		close(p[0]);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	if (p[1] >= 0)
		close(p[1]);
}

/* ---- system-call tracepoints ------------------------------------------------------- */

#define SYS_DATA_BYTES (1u << 18) /* per CPU: ~4000 events between two drains */

static int read_ids(const char *root, const char *const *names, int n, unsigned *ids)
{
	for (int i = 0; i < n; i++) {
		char path[256], buf[32];
		int fd;
		ssize_t len;

		snprintf(path, sizeof(path), "%s/events/%s/id", root, names[i]);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return -1;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			return -1;
		buf[len] = 0;
		ids[i] = (unsigned)strtoul(buf, NULL, 10);
	}
	return 0;
}

/*
 * The ids are in tracefs, which is not always mounted: then a helper
 * process mounts it in a mount namespace of its own (as root), reads them
 * and exits; the system's mounts do not change.
 */
int perf_sys_ids(struct rec_sys *s, const char *const *names, int n)
{
	int pfd[2], status;
	pid_t pid;

	memset(s, 0, sizeof(*s));
	if (n > (int)(sizeof(s->ids) / sizeof(s->ids[0])))
		return -1;
	s->nids = n;
	if (!read_ids("/sys/kernel/tracing", names, n, s->ids) ||
	    !read_ids("/sys/kernel/debug/tracing", names, n, s->ids))
		return 0;
	if (geteuid() || pipe(pfd))
		return -1;
	if ((pid = fork()) < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (!pid) {
		close(pfd[0]);
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) ||
		    read_ids("/sys/kernel/tracing", names, n, s->ids))
			_exit(1);
		_exit(write(pfd[1], s->ids, (size_t)n * sizeof(s->ids[0])) ==
				      (ssize_t)((size_t)n * sizeof(s->ids[0]))
			      ? 0
			      : 1);
	}
	close(pfd[1]);
	ssize_t got = read(pfd[0], s->ids, (size_t)n * sizeof(s->ids[0]));

	close(pfd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) ||
	    got != (ssize_t)((size_t)n * sizeof(s->ids[0])))
		return -1;
	return 0;
}

int perf_sys_open(struct rec_sys *s, pid_t pid)
{
	struct perf_event_attr a;
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	if (ncpu < 1)
		ncpu = 1;
	s->ring = calloc((size_t)ncpu, sizeof(*s->ring));
	s->fds = calloc((size_t)ncpu * (size_t)s->nids, sizeof(*s->fds));
	if (!s->ring || !s->fds)
		return -1;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_TRACEPOINT;
	a.sample_period = 1;
	a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
	a.disabled = 1;
	a.enable_on_exec = 1;
	a.inherit = 1;
	a.use_clockid = 1;
	a.clockid = CLOCK_MONOTONIC;
	for (int c = 0; c < ncpu; c++) {
		struct rec_ring *r = &s->ring[s->nring];

		r->fd = -1;
		for (int i = 0; i < s->nids; i++) {
			a.config = s->ids[i];
			int fd = perf_open(&a, pid, c);

			if (fd < 0 && errno == ENODEV && !i)
				break; /* an offline CPU */
			if (fd < 0)
				return -1;
			s->fds[s->nfds++] = fd;
			if (!i) {
				r->fd = fd;
				r->size = SYS_DATA_BYTES < 16 * ps ? 16 * ps : SYS_DATA_BYTES;
				r->base = mmap(NULL, r->size + ps, PROT_READ | PROT_WRITE,
					       MAP_SHARED, fd, 0);
				if (r->base == MAP_FAILED) {
					r->base = NULL;
					return -1;
				}
				r->data = (char *)r->base + ps;
				s->nring++;
			} else if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, r->fd)) {
				return -1;
			}
		}
	}
	return s->nring ? 0 : -1;
}

static int by_event_time(const void *x, const void *y)
{
	const struct rec_sysev *a = x, *b = y;

	return a->time < b->time ? -1 : a->time > b->time;
}

/* A syscalls:sys_enter_* or sys_exit_* sample of one of the calls s
 * follows, kept in s->ev (counted lost without memory). */
static int sys_sample(void *ctx, const struct rec_ring *r, uint64_t pos, size_t len)
{
	struct rec_sys *s = ctx;
	struct {
		uint32_t pid, tid;
		uint64_t time;
		uint32_t size;
		/* the raw record (tracefs' events/syscalls/sys_enter_NAME/format):
		 * common_type at 0, the call's number at 8, its arguments or its
		 * result from 16, 8 bytes each */
		unsigned char raw[64];
	} e;
	size_t n = len < sizeof(e) ? len : sizeof(e);
	uint16_t type;
	int kind = -1;

	if (n < 20 + 24)
		return 0;
	memset(&e, 0, sizeof(e));
	copy_out(r, pos, &e, n);
	memcpy(&type, e.raw, 2);
	for (int k = 0; k < s->nids; k++)
		if (s->ids[k] == type)
			kind = k;
	if (kind < 0)
		return 0;
	if (!rec_grow((void **)&s->ev, &s->capev, s->nev + 1, sizeof(*s->ev))) {
		s->lost++;
		return 0;
	}
	struct rec_sysev *v = &s->ev[s->nev++];

	memset(v, 0, sizeof(*v));
	v->time = e.time;
	v->tid = e.tid;
	v->kind = kind; /* which call: the tracepoint says, not its number field */
	memcpy(v->a, e.raw + 16, sizeof(e.raw) - 16);
	memcpy(&v->ret, e.raw + 16, 8);
	return 0;
}

int perf_sys_drain(struct rec_sys *s)
{
	s->nev = 0;
	for (int i = 0; i < s->nring; i++)
		ring_walk(&s->ring[i], sys_sample, s, &s->lost);
	return 0;
}

void perf_sys_sort(struct rec_sys *s)
{
	if (s->nev > 1)
		qsort(s->ev, s->nev, sizeof(*s->ev), by_event_time);
}

void perf_sys_close(struct rec_sys *s, bool detach)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);

	for (int i = 0; i < s->nring; i++)
		if (s->ring[i].base)
			munmap(s->ring[i].base, s->ring[i].size + ps);
	perf_close_fds(s->fds, s->nfds, detach);
	free(s->ring);
	free(s->fds);
	free(s->ev);
	memset(s, 0, sizeof(*s));
}

int perf_sys_probe(struct rec_sys *s)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_TRACEPOINT;
	a.config = s->ids[0];
	a.sample_period = 1;
	a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
	a.disabled = 1;
	return perf_open(&a, 0, -1);
}
