/*
 * log.c - the event log behind `numasim record` and `numasim import`:
 * collects what a front end saw, in any order, and writes it as a v1
 * trace (docs/trace-format.md, docs/recording.md "What the trace says").
 *
 * Writing sorts the events by time and replays them through a small
 * model of each address space: its mappings (so a fault outside every
 * mapping is dropped, and a touch in a read-only mapping is a `read`
 * touch) and the pages already faulted (so only first touches become
 * records; munmap, mremap and madvise(DONTNEED) forget them). A task's
 * consecutive first touches on one CPU wait in a pending range and are
 * written as one `touch` when the range breaks or another record comes.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "record/record.h"
#include "record/record_int.h"
#include "trace/trace.h"

enum ev_kind {
	EV_TEXT,
	EV_SPAWN,
	EV_EXEC,
	EV_FORK,
	EV_THREAD,
	EV_EXIT,
	EV_CPU,
	EV_MAP,
	EV_UNMAP,
	EV_PROT,
	EV_REMAP,
	EV_MADV,
	EV_FAULT,
	EV_FILE,
	EV_PRESENT,
};

#define FAULT_AROUND_PAGES 16 /* fault_around_bytes (64 KiB) / 4 KiB */
#define PTRS_PER_PTE 512

struct ev {
	uint64_t t, seq;
	uint64_t addr, len;
	uint64_t a, b; /* per kind: string offsets, offsets, new range */
	uint32_t tid, mm;
	uint16_t cpu;
	uint8_t kind, flags;
};

/* A u64 -> u64 open-addressing table; keys are stored +1 so 0 is empty. */
struct h64 {
	uint64_t *k, *v;
	size_t cap, n;
};

struct vma {
	uint64_t start, end, off, file; /* file: string offset, UINT64_MAX anon */
	uint64_t fsize;			/* the file's size when mapped, UINT64_MAX unknown */
	unsigned flags;			/* RM_*: what the trace's mapping allows */
	bool cur_write;			/* the real protection now */
};

struct mmodel {
	struct vma *v;
	size_t n, cap;
};

struct task {
	uint32_t tid, mm;
	uint16_t cpu;
	bool pending, p_write;
	uint64_t p_start, p_end, p_t;
};

struct rec_log {
	unsigned page_size, page_shift;
	struct ev *ev;
	size_t nev, cap;
	char *str;
	size_t nstr, capstr;
	/* writing */
	struct h64 tasks; /* tid -> index in task[] */
	struct task *task;
	size_t ntask, captask;
	struct h64 mms; /* mm -> index in mm[] */
	struct mmodel *mm;
	size_t nmm, capmm;
	struct h64 seen; /* (mm << 36 | page) */
	struct {
		uint64_t name, size;
	} * files;
	size_t nfiles, capfiles;
	FILE *out;
	uint64_t t0, last_t;
	bool started, have_madvise, oom, no_fault_around;
	struct rec_stats st;
};

/* ---- small containers ---------------------------------------------------------------- */

/* Grows the array *p of *cap elements of elem bytes to hold need, doubling;
 * false when the host has no memory. Shared by the recorder and importers. */
bool rec_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t nc = *cap ? *cap * 2 : 64;

	while (nc < need)
		nc *= 2;
	void *q = realloc(*p, nc * elem);

	if (!q)
		return false;
	*p = q;
	*cap = nc;
	return true;
}

static size_t h64_slot(const struct h64 *h, uint64_t key)
{
	uint64_t x = key * 0x9e3779b97f4a7c15ull;

	return (size_t)(x ^ (x >> 29)) & (h->cap - 1);
}

static uint64_t *h64_get(struct h64 *h, uint64_t key)
{
	if (!h->cap)
		return NULL;
	for (size_t i = h64_slot(h, key);; i = (i + 1) & (h->cap - 1)) {
		if (!h->k[i])
			return NULL;
		if (h->k[i] == key + 1)
			return &h->v[i];
	}
}

static bool h64_put(struct h64 *h, uint64_t key, uint64_t val)
{
	uint64_t *p = h64_get(h, key);

	if (p) {
		*p = val;
		return true;
	}
	if ((h->n + 1) * 4 > h->cap * 3) {
		struct h64 nh = {.cap = h->cap ? h->cap * 2 : 1024};

		nh.k = calloc(nh.cap, sizeof(*nh.k));
		nh.v = calloc(nh.cap, sizeof(*nh.v));
		if (!nh.k || !nh.v) {
			free(nh.k);
			free(nh.v);
			return false;
		}
		for (size_t i = 0; i < h->cap; i++)
			if (h->k[i])
				h64_put(&nh, h->k[i] - 1, h->v[i]);
		free(h->k);
		free(h->v);
		*h = nh;
	}
	size_t i = h64_slot(h, key);

	while (h->k[i])
		i = (i + 1) & (h->cap - 1);
	h->k[i] = key + 1;
	h->v[i] = val;
	h->n++;
	return true;
}

/* Deletion with backward shift: no tombstones. */
static void h64_del_slot(struct h64 *h, size_t i)
{
	size_t j = i;

	h->k[i] = 0;
	h->n--;
	for (;;) {
		j = (j + 1) & (h->cap - 1);
		if (!h->k[j])
			return;
		size_t home = h64_slot(h, h->k[j] - 1);

		/* move j back to i unless its home lies cyclically in (i, j] */
		if ((i <= j) ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		h->k[i] = h->k[j];
		h->v[i] = h->v[j];
		h->k[j] = 0;
		i = j;
	}
}

static void h64_del(struct h64 *h, uint64_t key)
{
	if (!h->cap)
		return;
	for (size_t i = h64_slot(h, key); h->k[i]; i = (i + 1) & (h->cap - 1))
		if (h->k[i] == key + 1) {
			h64_del_slot(h, i);
			return;
		}
}

static void h64_free(struct h64 *h)
{
	free(h->k);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* ---- collecting ---------------------------------------------------------------------- */

struct rec_log *rec_log_new(unsigned page_size)
{
	struct rec_log *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->page_size = page_size ? page_size : 4096;
	while ((1u << g->page_shift) < g->page_size)
		g->page_shift++;
	return g;
}

void rec_log_free(struct rec_log *g)
{
	if (!g)
		return;
	free(g->ev);
	free(g->str);
	free(g->task);
	for (size_t i = 0; i < g->nmm; i++)
		free(g->mm[i].v);
	free(g->mm);
	free(g->files);
	h64_free(&g->tasks);
	h64_free(&g->mms);
	h64_free(&g->seen);
	free(g);
}

static struct ev *ev_add(struct rec_log *g, enum ev_kind kind, uint64_t t, uint32_t tid)
{
	if (!rec_grow((void **)&g->ev, &g->cap, g->nev + 1, sizeof(*g->ev)))
		return NULL;
	struct ev *e = &g->ev[g->nev];

	memset(e, 0, sizeof(*e));
	e->t = t;
	e->seq = g->nev++;
	e->tid = tid;
	e->kind = (uint8_t)kind;
	e->cpu = REC_NO_CPU;
	return e;
}

static int str_add(struct rec_log *g, const char *s, uint64_t *off)
{
	size_t n = strlen(s) + 1;

	if (!rec_grow((void **)&g->str, &g->capstr, g->nstr + n, 1))
		return -1;
	memcpy(g->str + g->nstr, s, n);
	*off = g->nstr;
	g->nstr += n;
	return 0;
}

int rec_text(struct rec_log *g, uint64_t t, uint32_t tid, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	struct ev *e = ev_add(g, EV_TEXT, t, tid);

	return e ? str_add(g, buf, &e->a) : -1;
}

int rec_file(struct rec_log *g, uint64_t t, uint32_t tid, const char *name, uint64_t size)
{
	struct ev *e = ev_add(g, EV_FILE, t, tid);
	char w[4096];

	if (!e)
		return -1;
	e->b = size;
	rec_word(w, sizeof(w), name);
	return str_add(g, w, &e->a);
}

static int named(struct rec_log *g, enum ev_kind k, uint64_t t, uint32_t tid, uint32_t mm,
		 unsigned cpu, const char *name)
{
	struct ev *e = ev_add(g, k, t, tid);
	char w[256];

	if (!e)
		return -1;
	e->mm = mm;
	e->cpu = (uint16_t)cpu;
	e->b = name ? 1 : 0;
	rec_word(w, sizeof(w), name ? name : "");
	return str_add(g, w, &e->a);
}

int rec_spawn(struct rec_log *g, uint64_t t, uint32_t tid, uint32_t mm, unsigned cpu,
	      const char *name)
{
	return named(g, EV_SPAWN, t, tid, mm, cpu, name);
}

int rec_exec(struct rec_log *g, uint64_t t, uint32_t tid, uint32_t mm, unsigned cpu,
	     const char *name)
{
	return named(g, EV_EXEC, t, tid, mm, cpu, name);
}

int rec_fork(struct rec_log *g, uint64_t t, uint32_t tid, uint32_t child, uint32_t child_mm,
	     unsigned cpu, bool thread)
{
	struct ev *e = ev_add(g, thread ? EV_THREAD : EV_FORK, t, tid);

	if (!e)
		return -1;
	e->a = child;
	e->mm = child_mm;
	e->cpu = (uint16_t)cpu;
	return 0;
}

int rec_exit(struct rec_log *g, uint64_t t, uint32_t tid)
{
	return ev_add(g, EV_EXIT, t, tid) ? 0 : -1;
}

int rec_cpu(struct rec_log *g, uint64_t t, uint32_t tid, unsigned cpu)
{
	struct ev *e = ev_add(g, EV_CPU, t, tid);

	if (!e)
		return -1;
	e->cpu = (uint16_t)cpu;
	return 0;
}

static struct ev *range_ev(struct rec_log *g, enum ev_kind k, uint64_t t, uint32_t tid,
			   uint64_t addr, uint64_t len)
{
	struct ev *e = ev_add(g, k, t, tid);

	if (e) {
		e->addr = addr;
		e->len = len;
	}
	return e;
}

int rec_map(struct rec_log *g, uint64_t t, uint32_t tid, uint64_t addr, uint64_t len,
	    unsigned flags, const char *file, uint64_t offset)
{
	char w[4096];

	if (!rec_range_ok(addr, len) || !len)
		return g->st.bad_ranges++, 0; /* not the program's memory: dropped */
	struct ev *e = range_ev(g, EV_MAP, t, tid, addr, len);

	if (!e)
		return -1;
	e->flags = (uint8_t)flags;
	e->b = offset;
	e->a = UINT64_MAX;
	if (!file)
		return 0;
	rec_word(w, sizeof(w), file);
	return str_add(g, w, &e->a);
}

int rec_unmap(struct rec_log *g, uint64_t t, uint32_t tid, uint64_t addr, uint64_t len)
{
	if (!rec_range_ok(addr, len))
		return g->st.bad_ranges++, 0;
	return range_ev(g, EV_UNMAP, t, tid, addr, len) ? 0 : -1;
}

int rec_protect(struct rec_log *g, uint64_t t, uint32_t tid, uint64_t addr, uint64_t len,
		bool write)
{
	if (!rec_range_ok(addr, len))
		return g->st.bad_ranges++, 0;
	struct ev *e = range_ev(g, EV_PROT, t, tid, addr, len);

	if (!e)
		return -1;
	e->flags = write;
	return 0;
}

int rec_remap(struct rec_log *g, uint64_t t, uint32_t tid, uint64_t addr, uint64_t len,
	      uint64_t new_addr, uint64_t new_len)
{
	if (!rec_range_ok(addr, len) || !rec_range_ok(new_addr, new_len) || !new_len)
		return g->st.bad_ranges++, 0;
	struct ev *e = range_ev(g, EV_REMAP, t, tid, addr, len);

	if (!e)
		return -1;
	e->a = new_addr;
	e->b = new_len;
	return 0;
}

int rec_madvise(struct rec_log *g, uint64_t t, uint32_t tid, uint64_t addr, uint64_t len,
		const char *advice, bool drop)
{
	if (!rec_range_ok(addr, len))
		return g->st.bad_ranges++, 0;
	struct ev *e = range_ev(g, EV_MADV, t, tid, addr, len);

	if (!e)
		return -1;
	e->flags = drop;
	return str_add(g, advice, &e->a);
}

void rec_log_fault_around(struct rec_log *g, bool on)
{
	g->no_fault_around = !on;
}

int rec_present(struct rec_log *g, uint64_t t, uint32_t tid, uint64_t addr)
{
	if (addr >= REC_USER_TOP)
		return 0;
	struct ev *e = ev_add(g, EV_PRESENT, t, tid);

	if (!e)
		return -1;
	e->addr = addr;
	return 0;
}

int rec_fault(struct rec_log *g, uint64_t t, uint32_t tid, unsigned cpu, uint64_t addr)
{
	if (addr >= REC_USER_TOP) { /* a kernel address: no page of the program */
		g->st.unmapped++;
		return 0;
	}
	struct ev *e = ev_add(g, EV_FAULT, t, tid);

	if (!e)
		return -1;
	e->cpu = (uint16_t)cpu;
	e->addr = addr;
	return 0;
}

/* ---- words and lists ----------------------------------------------------------------- */

void rec_word(char *dst, size_t size, const char *s)
{
	size_t i = 0;

	for (; s[i] && i + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[i] = (c <= ' ' || c == '#' || c == '$' || c >= 0x7f) ? '_' : (char)c;
	}
	if (!i && size > 1)
		dst[i++] = '_';
	dst[i] = 0;
}

void rec_list(char *dst, size_t size, const uint64_t *bits, unsigned nbits)
{
	size_t n = 0;

	dst[0] = 0;
	for (unsigned i = 0; i < nbits; i++) {
		if (!(bits[i / 64] >> (i % 64) & 1))
			continue;
		unsigned j = i;

		while (j + 1 < nbits && (bits[(j + 1) / 64] >> ((j + 1) % 64) & 1))
			j++;
		int w = j > i ? snprintf(dst + n, size - n, "%s%u-%u", n ? "," : "", i, j)
			      : snprintf(dst + n, size - n, "%s%u", n ? "," : "", i);
		if (w < 0 || (size_t)w >= size - n)
			return;
		n += (size_t)w;
		i = j;
	}
}

bool rec_have_op(const char *name)
{
	for (int i = 0; i < NR_TRACE_OPS; i++)
		if (!strcmp(trace_op_name((enum trace_op)i), name))
			return true;
	return false;
}

/* ---- writing: tasks and address spaces ----------------------------------------------- */

static struct task *task_get(struct rec_log *g, uint32_t tid, bool create)
{
	uint64_t *ix = h64_get(&g->tasks, tid);

	if (ix)
		return &g->task[*ix];
	if (!create)
		return NULL;
	if (!rec_grow((void **)&g->task, &g->captask, g->ntask + 1, sizeof(*g->task)) ||
	    !h64_put(&g->tasks, tid, g->ntask)) {
		g->oom = true;
		return NULL;
	}
	struct task *k = &g->task[g->ntask++];

	memset(k, 0, sizeof(*k));
	k->tid = tid;
	k->cpu = REC_NO_CPU;
	return k;
}

static struct mmodel *mm_get(struct rec_log *g, uint32_t mm)
{
	uint64_t *ix = h64_get(&g->mms, mm);

	if (ix)
		return &g->mm[*ix];
	if (!rec_grow((void **)&g->mm, &g->capmm, g->nmm + 1, sizeof(*g->mm)) ||
	    !h64_put(&g->mms, mm, g->nmm)) {
		g->oom = true;
		return NULL;
	}
	struct mmodel *m = &g->mm[g->nmm++];

	memset(m, 0, sizeof(*m));
	return m;
}

static uint64_t seen_key(uint32_t mm, uint64_t page)
{
	return (uint64_t)mm << 36 | (page & ((1ull << 36) - 1));
}

/* Calls fn on each page of [start, end) seen in mm; returns how many. */
static uint64_t seen_range(struct rec_log *g, uint32_t mm, uint64_t start, uint64_t end, bool drop)
{
	uint64_t first = start >> g->page_shift, last = (end + g->page_size - 1) >> g->page_shift;
	uint64_t n = 0;

	if (last - first <= g->seen.n) {
		for (uint64_t p = first; p < last; p++) {
			uint64_t k = seen_key(mm, p);

			if (h64_get(&g->seen, k)) {
				n++;
				if (drop)
					h64_del(&g->seen, k);
			}
		}
		return n;
	}
	for (size_t i = 0; i < g->seen.cap; i++) {
		uint64_t k;

		while ((k = g->seen.k[i]) != 0) {
			k--;
			if (k >> 36 != mm || (k & ((1ull << 36) - 1)) < first ||
			    (k & ((1ull << 36) - 1)) >= last)
				break;
			n++;
			if (!drop)
				break;
			h64_del_slot(&g->seen, i); /* another key may shift into i */
		}
	}
	return n;
}

static struct vma *vma_find(struct mmodel *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (m->v[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && m->v[lo].start <= addr ? &m->v[lo] : NULL;
}

/* Removes [start, end) from the model, splitting the VMAs it cuts. */
static bool vma_remove(struct mmodel *m, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < m->n; i++) {
		struct vma *v = &m->v[i];

		if (v->end <= start || v->start >= end)
			continue;
		if (v->start < start && v->end > end) { /* split in two */
			if (!rec_grow((void **)&m->v, &m->cap, m->n + 1, sizeof(*m->v)))
				return false;
			v = &m->v[i];
			memmove(v + 1, v, (m->n - i) * sizeof(*v));
			m->n++;
			v[1].off += end - v->start;
			v[1].start = end;
			v->end = start;
			return true;
		}
		if (v->start < start) {
			v->end = start;
		} else if (v->end > end) {
			v->off += end - v->start;
			v->start = end;
		} else {
			memmove(v, v + 1, (m->n - i - 1) * sizeof(*v));
			m->n--;
			i--;
		}
	}
	return true;
}

static bool vma_insert(struct mmodel *m, const struct vma *nv)
{
	if (!vma_remove(m, nv->start, nv->end) ||
	    !rec_grow((void **)&m->v, &m->cap, m->n + 1, sizeof(*m->v)))
		return false;
	size_t i = 0;

	while (i < m->n && m->v[i].start < nv->start)
		i++;
	memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof(*m->v));
	m->v[i] = *nv;
	m->n++;
	return true;
}

/* ---- writing: lines ------------------------------------------------------------------ */

static void line(struct rec_log *g, uint64_t t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line(struct rec_log *g, uint64_t t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!g->started) {
		g->started = true;
		g->last_t = t;
	}
	if (t < g->last_t)
		t = g->last_t;
	n = fprintf(g->out, "+%" PRIu64 " ", t - g->last_t);
	g->last_t = t;
	va_start(ap, fmt);
	n += vfprintf(g->out, fmt, ap);
	va_end(ap);
	n += fprintf(g->out, "\n");
	if (n > 0)
		g->st.bytes += (uint64_t)n;
	g->st.records++;
}

bool rec_maps_line(const char *line, unsigned long long *start, unsigned long long *end,
		   char perms[8], char name[REC_MAPS_NAME])
{
	int n = 0;

	name[0] = 0;
	if (sscanf(line, "%llx-%llx %7s %*s %*s %*s%n", start, end, perms, &n) < 3)
		return false;
	sscanf(line + n, " %4095[^\n]", name);
	return true;
}

const char *rec_size_str(char *buf, size_t size, uint64_t v)
{
	if (v && !(v & ((1ull << 20) - 1)))
		snprintf(buf, size, "%" PRIu64 "MiB", v >> 20);
	else if (v && !(v & 1023))
		snprintf(buf, size, "%" PRIu64 "KiB", v >> 10);
	else
		snprintf(buf, size, "%" PRIu64, v);
	return buf;
}

static void put_mmap(struct rec_log *g, uint64_t t, uint32_t tid, const struct vma *v)
{
	char len[32], file[4200] = "";

	if (v->file != UINT64_MAX)
		snprintf(file, sizeof(file), " file=%s offset=%" PRIu64, g->str + v->file, v->off);
	line(g, t, "mmap pid=%u addr=0x%" PRIx64 " len=%s%s%s%s%s%s%s", tid, v->start,
	     rec_size_str(len, sizeof(len), v->end - v->start), file,
	     v->flags & RM_SHARED ? " shared" : "", v->flags & RM_HUGE ? " huge" : "",
	     v->flags & RM_LOCKED ? " locked" : "", v->flags & RM_WRITE ? "" : " read",
	     v->flags & RM_HEAP	   ? " name=heap"
	     : v->flags & RM_STACK ? " name=stack"
				   : "");
}

static void put_touch(struct rec_log *g, uint64_t t, uint32_t tid, uint64_t start, uint64_t end,
		      bool write)
{
	char len[32];

	line(g, t, "touch pid=%u addr=0x%" PRIx64 " len=%s%s", tid, start,
	     rec_size_str(len, sizeof(len), end - start), write ? "" : " read");
	g->st.touch_records++;
}

static void flush_task(struct rec_log *g, struct task *k)
{
	if (!k->pending)
		return;
	put_touch(g, k->p_t, k->tid, k->p_start, k->p_end, k->p_write);
	k->pending = false;
}

static int by_pending_time(const void *a, const void *b, void *ctx)
{
	const struct rec_log *g = ctx;
	const struct task *x = &g->task[*(const size_t *)a], *y = &g->task[*(const size_t *)b];

	return x->p_t < y->p_t ? -1 : x->p_t > y->p_t;
}

/* Every pending range, oldest first (before any record that is not a
 * touch, so the file stays in time order). */
static void flush_all(struct rec_log *g)
{
	size_t idx[64], n = 0;

	for (;;) {
		n = 0;
		for (size_t i = 0; i < g->ntask && n < 64; i++)
			if (g->task[i].pending)
				idx[n++] = i;
		if (!n)
			return;
		/* insertion sort: few tasks have a range pending at once */
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && by_pending_time(&idx[j - 1], &idx[j], g) > 0;
			     j--) {
				size_t x = idx[j];

				idx[j] = idx[j - 1];
				idx[j - 1] = x;
			}
		for (size_t i = 0; i < n; i++)
			flush_task(g, &g->task[idx[i]]);
	}
}

static void set_cpu(struct rec_log *g, struct task *k, uint64_t t, unsigned cpu)
{
	if (cpu == REC_NO_CPU || cpu == k->cpu)
		return;
	if (k->cpu != REC_NO_CPU) {
		flush_task(g, k);
		line(g, t, "run pid=%u cpu=%u", k->tid, cpu);
	}
	k->cpu = (uint16_t)cpu;
}

static void pending_add(struct rec_log *g, struct task *k, uint64_t page, bool write, uint64_t t)
{
	uint64_t a = page << g->page_shift;

	g->st.touches++;
	if (k->pending && k->p_end == a && k->p_write == write) {
		k->p_end = a + g->page_size;
		return;
	}
	flush_task(g, k);
	k->pending = true;
	k->p_start = a;
	k->p_end = a + g->page_size;
	k->p_write = write;
	k->p_t = t;
}

/*
 * Models do_fault_around() (mm/memory.c) for the importers: a read fault
 * in a file mapping maps the pages around it that are in the page cache
 * (a window of fault_around_bytes
 * aligned in the page table, within the VMA and the page-table page,
 * and below the end of the file as filemap_map_pages() stops there);
 * they never fault, so the samples do not show them. The log touches
 * the window (assuming its pages are cached; docs/recording.md).
 */
static void fault_around(struct rec_log *g, struct task *k, const struct vma *v, uint64_t page,
			 uint64_t t)
{
	uint64_t vstart = v->start >> g->page_shift, vpages = (v->end - v->start) >> g->page_shift;
	uint64_t pte_off = page % PTRS_PER_PTE, vma_off = page - vstart;
	uint64_t from = pte_off / FAULT_AROUND_PAGES * FAULT_AROUND_PAGES;
	uint64_t back = pte_off - (pte_off < vma_off ? pte_off : vma_off);
	uint64_t to;

	if (back > from)
		from = back;
	to = from + FAULT_AROUND_PAGES;
	if (to > PTRS_PER_PTE)
		to = PTRS_PER_PTE;
	if (to > pte_off + vpages - vma_off)
		to = pte_off + vpages - vma_off;
	if (v->fsize != UINT64_MAX) { /* file pages past the end are not mapped */
		uint64_t fpages = (v->fsize + g->page_size - 1) >> g->page_shift;
		uint64_t first_idx = (v->off >> g->page_shift) + (page - pte_off + from - vstart);

		if (first_idx >= fpages)
			to = from;
		else if (to - from > fpages - first_idx)
			to = from + (fpages - first_idx);
	}
	pending_add(g, k, page, false, t);
	for (uint64_t p = page - pte_off + from; p < page - pte_off + to; p++) {
		uint64_t key = seen_key(k->mm, p);

		if (p == page || h64_get(&g->seen, key))
			continue;
		if (!h64_put(&g->seen, key, 1)) {
			g->oom = true;
			return;
		}
		pending_add(g, k, p, false, t);
	}
}

static void put_fault(struct rec_log *g, const struct ev *e)
{
	struct task *k = task_get(g, e->tid, false);
	bool present = e->kind == EV_PRESENT;

	if (!present)
		g->st.faults++;
	if (!k) {
		g->st.unknown_task++;
		return;
	}
	struct mmodel *m = mm_get(g, k->mm);
	struct vma *v = m ? vma_find(m, e->addr) : NULL;
	uint64_t page = e->addr >> g->page_shift;

	if (!v) {
		g->st.unmapped++;
		return;
	}
	uint64_t key = seen_key(k->mm, page);

	if (h64_get(&g->seen, key))
		return;
	if (!h64_put(&g->seen, key, 1)) {
		g->oom = true;
		return;
	}
	set_cpu(g, k, e->t, e->cpu);
	bool write = !present && (v->flags & RM_WRITE) && v->cur_write;

	if (write || v->file == UINT64_MAX || present || g->no_fault_around) {
		pending_add(g, k, page, write, e->t);
		return;
	}
	fault_around(g, k, v, page, e->t);
}

static void put_map(struct rec_log *g, const struct ev *e, struct task *k, struct mmodel *m)
{
	uint64_t end = e->addr + ((e->len + g->page_size - 1) & ~((uint64_t)g->page_size - 1));
	struct vma v = {
		.start = e->addr,
		.end = end,
		.off = e->b,
		.file = e->a,
		.flags = e->flags,
		.cur_write = e->flags & RM_WRITE,
		.fsize = UINT64_MAX,
	};

	if (end <= e->addr)
		return;
	for (size_t i = 0; v.file != UINT64_MAX && i < g->nfiles; i++)
		if (!strcmp(g->str + g->files[i].name, g->str + v.file))
			v.fsize = g->files[i].size;
	if (!vma_insert(m, &v)) {
		g->oom = true;
		return;
	}
	seen_range(g, k->mm, v.start, v.end, true);
	put_mmap(g, e->t, e->tid, &v);
}

static void put_unmap(struct rec_log *g, const struct ev *e, struct task *k, struct mmodel *m)
{
	char len[32];

	if (!vma_remove(m, e->addr, e->addr + e->len))
		g->oom = true;
	seen_range(g, k->mm, e->addr, e->addr + e->len, true);
	line(g, e->t, "munmap pid=%u addr=0x%" PRIx64 " len=%s", e->tid, e->addr,
	     rec_size_str(len, sizeof(len), e->len));
}

/*
 * mprotect: the trace has no such op. Taking write permission away only
 * changes the kind of later touches (`read`). Giving it to a part of a
 * read-only mapping that has no page yet (glibc's PROT_NONE arenas and
 * guard areas opened up) maps that part again, writable; a part with
 * pages stays read-only in the trace and its touches stay `read`.
 */
static void put_protect(struct rec_log *g, const struct ev *e, struct task *k, struct mmodel *m)
{
	uint64_t start = e->addr, end = e->addr + e->len;

	for (uint64_t a = start; a < end;) {
		struct vma *v = vma_find(m, a);

		if (!v) { /* skip the hole up to the next VMA */
			uint64_t next = end;

			for (size_t i = 0; i < m->n; i++)
				if (m->v[i].start > a && m->v[i].start < next)
					next = m->v[i].start;
			a = next;
			continue;
		}
		struct vma piece = *v;

		piece.off += (a > v->start ? a - v->start : 0);
		piece.start = a > v->start ? a : v->start;
		piece.end = v->end < end ? v->end : end;
		piece.cur_write = e->flags;
		a = piece.end;
		if (e->flags && !(piece.flags & RM_WRITE) &&
		    !seen_range(g, k->mm, piece.start, piece.end, false)) {
			piece.flags |= RM_WRITE;
			put_mmap(g, e->t, e->tid, &piece);
		}
		if (!vma_insert(m, &piece))
			g->oom = true;
	}
}

/*
 * mremap: growing or shrinking in place maps or unmaps the tail; a move
 * is munmap of the old range, mmap of the new one and a touch of each
 * page that had been faulted (the kernel moves them without a fault; the
 * replay allocates them again, from the task's CPU at that time).
 */
static void put_remap(struct rec_log *g, const struct ev *e, struct task *k, struct mmodel *m)
{
	uint64_t ps = g->page_size, old_end = e->addr + e->len, new_len = e->b;
	struct vma *v = vma_find(m, e->addr);
	struct vma nv = v ? *v
			  : (struct vma){.file = UINT64_MAX,
					 .flags = RM_WRITE,
					 .cur_write = true,
					 .fsize = UINT64_MAX};
	uint64_t keep = e->len < new_len ? e->len : new_len;
	char len[32];

	nv.off += v ? e->addr - v->start : 0;
	if (e->a == e->addr) {
		if (new_len > e->len) {
			nv.off += e->len;
			nv.start = old_end;
			nv.end = e->addr + new_len;
			if (!vma_insert(m, &nv))
				g->oom = true;
			put_mmap(g, e->t, e->tid, &nv);
		} else if (new_len < e->len) {
			struct ev u = *e;

			u.addr = e->addr + new_len;
			u.len = e->len - new_len;
			put_unmap(g, &u, k, m);
		}
		return;
	}
	uint64_t npages = keep / ps, *moved = NULL, nmoved = 0;

	if (npages <= (1u << 20) && (moved = malloc((npages + 1) * sizeof(*moved))))
		for (uint64_t i = 0; i < npages; i++)
			if (h64_get(&g->seen, seen_key(k->mm, (e->addr >> g->page_shift) + i)))
				moved[nmoved++] = i;
	struct ev u = *e;

	put_unmap(g, &u, k, m);
	nv.start = e->a;
	nv.end = e->a + new_len;
	if (!vma_insert(m, &nv))
		g->oom = true;
	put_mmap(g, e->t, e->tid, &nv);
	bool write = (nv.flags & RM_WRITE) && nv.cur_write;

	for (uint64_t i = 0; i < nmoved;) {
		uint64_t j = i;

		while (j + 1 < nmoved && moved[j + 1] == moved[j] + 1)
			j++;
		for (uint64_t p = moved[i]; p <= moved[j]; p++)
			h64_put(&g->seen, seen_key(k->mm, (e->a >> g->page_shift) + p), 1);
		put_touch(g, e->t, e->tid, e->a + moved[i] * ps, e->a + (moved[j] + 1) * ps, write);
		i = j + 1;
	}
	free(moved);
	(void)len;
}

static void put_madvise(struct rec_log *g, const struct ev *e, struct task *k)
{
	char len[32];

	if (e->flags)
		seen_range(g, k->mm, e->addr, e->addr + e->len, true);
	if (g->have_madvise) {
		line(g, e->t, "madvise pid=%u addr=0x%" PRIx64 " len=%s advice=%s", e->tid, e->addr,
		     rec_size_str(len, sizeof(len), e->len), g->str + e->a);
		return;
	}
	/* a numasim without the madvise op: the record as a comment */
	fprintf(g->out, "# madvise pid=%u addr=0x%" PRIx64 " len=%s advice=%s (not replayed)\n",
		e->tid, e->addr, rec_size_str(len, sizeof(len), e->len), g->str + e->a);
}

static void put_task_ev(struct rec_log *g, const struct ev *e, struct task *k)
{
	char cpu[24] = "";

	if (e->cpu != REC_NO_CPU)
		snprintf(cpu, sizeof(cpu), " cpu=%u", e->cpu);
	switch (e->kind) {
	case EV_SPAWN:
		line(g, e->t, "spawn pid=%u%s%s%s", e->tid, cpu, e->b ? " name=" : "",
		     e->b ? g->str + e->a : "");
		k->mm = e->mm;
		k->cpu = e->cpu;
		break;
	case EV_EXEC:
		line(g, e->t, "exec pid=%u%s%s", e->tid, e->b ? " name=" : "",
		     e->b ? g->str + e->a : "");
		k->mm = e->mm;
		if (e->cpu != REC_NO_CPU) { /* exec may place the task elsewhere */
			k->cpu = REC_NO_CPU - 1;
			set_cpu(g, k, e->t, e->cpu);
		}
		break;
	case EV_FORK:
	case EV_THREAD: {
		struct task *c = task_get(g, (uint32_t)e->a, true);

		if (!c)
			return;
		k = task_get(g, e->tid, false); /* task_get may have moved it */
		line(g, e->t,
		     e->kind == EV_FORK ? "fork pid=%u child=%u%s" : "thread pid=%u tid=%u%s",
		     e->tid, (uint32_t)e->a, cpu);
		c->cpu = e->cpu;
		c->mm = e->kind == EV_THREAD ? k->mm : e->mm;
		if (e->kind == EV_FORK) {
			struct mmodel *pm = mm_get(g, k->mm), *cm = pm ? mm_get(g, e->mm) : NULL;

			pm = cm ? mm_get(g, k->mm) : NULL; /* mm_get may have moved it */
			for (size_t i = 0; pm && i < pm->n; i++)
				if (!vma_insert(cm, &pm->v[i]))
					g->oom = true;
		}
		break;
	}
	case EV_EXIT:
		line(g, e->t, "exit pid=%u", e->tid);
		break;
	}
}

static void put_event(struct rec_log *g, const struct ev *e)
{
	if (e->kind == EV_FAULT || e->kind == EV_PRESENT) {
		put_fault(g, e);
		return;
	}
	flush_all(g);
	struct task *k = task_get(g, e->tid, e->kind == EV_SPAWN);

	if (e->kind == EV_FILE) {
		size_t i = 0;

		while (i < g->nfiles && strcmp(g->str + g->files[i].name, g->str + e->a))
			i++;
		if (i == g->nfiles &&
		    !rec_grow((void **)&g->files, &g->capfiles, g->nfiles + 1, sizeof(*g->files))) {
			g->oom = true;
			return;
		}
		if (i < g->nfiles && g->files[i].size >= e->b)
			return; /* declared, at least as large: a file only grows here */
		if (i == g->nfiles)
			g->files[g->nfiles++].name = e->a;
		g->files[i].size = e->b;
		line(g, e->t, "file name=%s size=%" PRIu64, g->str + e->a, e->b);
		return;
	}
	if (e->kind == EV_TEXT) {
		if (g->str[e->a] == '#')
			fprintf(g->out, "%s\n", g->str + e->a);
		else
			line(g, e->t, "%s", g->str + e->a);
		return;
	}
	if (!k) { /* a task the log never saw start */
		g->st.unknown_task++;
		return;
	}
	struct mmodel *m = mm_get(g, k->mm);

	if (!m)
		return;
	switch (e->kind) {
	case EV_CPU:
		set_cpu(g, k, e->t, e->cpu);
		break;
	case EV_MAP:
		put_map(g, e, k, m);
		break;
	case EV_UNMAP:
		put_unmap(g, e, k, m);
		break;
	case EV_PROT:
		put_protect(g, e, k, m);
		break;
	case EV_REMAP:
		put_remap(g, e, k, m);
		break;
	case EV_MADV:
		put_madvise(g, e, k);
		break;
	default:
		put_task_ev(g, e, k);
		break;
	}
}

static int by_time(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int rec_log_write(struct rec_log *g, FILE *out, const char *name, const char *comments,
		  struct rec_stats *st, struct nerr *err)
{
	char w[256];

	if (g->nev) /* qsort() wants an array, even of nothing */
		qsort(g->ev, g->nev, sizeof(*g->ev), by_time);
	g->out = out;
	g->have_madvise = rec_have_op("madvise");
	rec_word(w, sizeof(w), name ? name : "recorded");
	fprintf(out, "# numasim trace v1\n# name: %s\n", w);
	if (comments)
		fputs(comments, out);
	/* The pages fault-around mapped are in the log (present at the
	 * exit, their windows shaped by the page cache's folios): the
	 * replay maps each page its record names and no window around it. */
	if (g->no_fault_around)
		fputs("# the pages fault-around mapped are listed: the replay maps no window of "
		      "its own\n+0 sysctl vm.fault_around_bytes=4096\n",
		      out);
	for (size_t i = 0; i < g->nev && !g->oom; i++)
		put_event(g, &g->ev[i]);
	flush_all(g);
	g->st.events = g->nev;
	if (st)
		*st = g->st;
	if (g->oom)
		return nerr_set(err, "out of memory while writing the trace");
	return 0;
}
