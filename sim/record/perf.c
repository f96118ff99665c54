/*
 * perf.c - page-fault sampling for `numasim record`: software event
 * PERF_COUNT_SW_PAGE_FAULTS with sample period 1 on the traced program,
 * one per CPU (the kernel maps no inherited per-task event), inherited by
 * every thread and process it creates, enabled at exec; each sample
 * carries the tid, the time (CLOCK_MONOTONIC, the clock the tracer stamps
 * its own events with), the faulting address and the CPU.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
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

static int ring_drain(struct rec_perf *p, struct rec_ring *r, struct rec_log *g)
{
	struct perf_event_mmap_page *mp = r->base;
	uint64_t head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = mp->data_tail;
	int rc = 0;

	while (tail < head) {
		struct perf_event_header h;
		struct {
			uint32_t pid, tid;
			uint64_t time, addr;
			uint32_t cpu, res;
		} s;
		struct {
			uint64_t id, lost;
		} l;

		copy_out(r, tail, &h, sizeof(h));
		if (h.size < sizeof(h))
			break;
		if (h.type == PERF_RECORD_SAMPLE && h.size >= sizeof(h) + sizeof(s)) {
			copy_out(r, tail + sizeof(h), &s, sizeof(s));
			p->samples++;
			if (rec_fault(g, s.time, s.tid, s.cpu, s.addr))
				rc = -1;
		} else if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + sizeof(l)) {
			copy_out(r, tail + sizeof(h), &l, sizeof(l));
			p->lost += l.lost;
		}
		tail += h.size;
	}
	__atomic_store_n(&mp->data_tail, tail, __ATOMIC_RELEASE);
	return rc;
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
