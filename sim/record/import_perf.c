/*
 * import_perf.c - `numasim import perf FILE`: the output of `perf script`
 * for page-fault samples (docs/recording.md):
 *
 *   perf record -e page-faults -c 1 -d --sample-cpu -- PROG
 *   perf script -F comm,pid,tid,cpu,time,event,addr --show-mmap-events \
 *               --show-task-events > FILE
 *
 * Sample lines give the task, the CPU, the time and the faulting address;
 * the side-band lines (PERF_RECORD_MMAP2, _FORK, _EXIT, _COMM exec) give
 * the mappings (with -d, anonymous ones too) and the tasks. Without them
 * (`-F tid,cpu,time,addr` alone) each task is spawned at its first sample
 * and the touched pages are mapped as anonymous memory, 2 MiB-aligned
 * chunks around them.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "record/record.h"
#include "record/record_int.h"

struct ptask {
	uint32_t tid, pid;
	uint64_t first_t;
};

struct pimp {
	struct rec_log *g;
	const char *path;
	unsigned long line;
	uint32_t *next_mm;
	struct ptask *t;
	size_t nt, capt;
	struct rec_chunks chunks; /* without the side band: made-up mappings (chunks.c) */
	bool sideband;		  /* the file has PERF_RECORD_ lines */
};

static struct ptask *ptask_find(struct pimp *m, uint32_t tid)
{
	for (size_t i = m->nt; i-- > 0;)
		if (m->t[i].tid == tid)
			return &m->t[i];
	return NULL;
}

static struct ptask *ptask_add(struct pimp *m, uint32_t tid, uint32_t pid, uint64_t t)
{
	if (!rec_grow((void **)&m->t, &m->capt, m->nt + 1, sizeof(*m->t)))
		return NULL;
	m->t[m->nt] = (struct ptask){.tid = tid, .pid = pid, .first_t = t};
	return &m->t[m->nt++];
}

static int bad(struct pimp *m, struct nerr *err, const char *what)
{
	return nerr_set(err, "%s:%lu: %s", m->path, m->line, what);
}

/* "1106.386108:" -> ns */
static bool parse_time(const char *s, uint64_t *ns)
{
	char *e;
	uint64_t sec = strtoull(s, &e, 10), frac = 0;
	int digits = 0;

	if (e == s || *e != '.')
		return false;
	for (e++; isdigit((unsigned char)*e); e++, digits++)
		if (digits < 9)
			frac = frac * 10 + (uint64_t)(*e - '0');
	if (*e != ':' || !digits || sec > 4000000000ull)
		return false;
	for (; digits < 9; digits++)
		frac *= 10;
	*ns = sec * 1000000000ull + frac;
	return true;
}

static bool parse_hex(const char *s, uint64_t *v)
{
	char *e;

	if (!isxdigit((unsigned char)*s))
		return false;
	*v = strtoull(s, &e, 16);
	return *e == 0;
}

static bool is_num(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* The task and CPU fields: "PID/TID" or "TID", then "[CPU]". */
struct fields {
	uint32_t pid, tid;
	unsigned cpu;
	uint64_t t;
	bool have_tid, have_cpu, have_t;
	char *rest; /* after the time */
};

static void split_fields(char *s, struct fields *f)
{
	char *save = NULL, *w;

	memset(f, 0, sizeof(*f));
	f->cpu = REC_NO_CPU;
	for (w = strtok_r(s, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		size_t n = strlen(w);
		char *slash = strchr(w, '/');

		if (w[0] == '[' && n > 2 && w[n - 1] == ']') {
			f->cpu = (unsigned)strtoul(w + 1, NULL, 10);
			f->have_cpu = true;
		} else if (slash && is_num(slash + 1) && (*slash = 0, is_num(w))) {
			f->pid = (uint32_t)strtoul(w, NULL, 10);
			f->tid = (uint32_t)strtoul(slash + 1, NULL, 10);
			f->have_tid = true;
		} else if (slash) {
			*slash = '/';
		} else if (!f->have_cpu && is_num(w)) {
			f->tid = f->pid = (uint32_t)strtoul(w, NULL, 10);
			f->have_tid = true;
		} else if (parse_time(w, &f->t)) {
			f->have_t = true;
			f->rest = save;
			return;
		}
	}
}

static int task_for(struct pimp *m, const struct fields *f, struct ptask **out)
{
	struct ptask *k = ptask_find(m, f->tid);
	uint64_t t = f->t > 2 ? f->t - 2 : 0;

	if (k) {
		*out = k;
		return 0;
	}
	/* a task the side band did not introduce: spawned (or, a thread of a
	 * known process, created) just before its first line */
	if (f->pid != f->tid && f->pid) {
		struct ptask *leader = ptask_find(m, f->pid);

		if (!leader && (!ptask_add(m, f->pid, f->pid, t) ||
				rec_spawn(m->g, t, f->pid, (*m->next_mm)++, f->cpu, NULL)))
			return -1;
		if (!ptask_add(m, f->tid, f->pid, t) ||
		    rec_fork(m->g, t + 1, f->pid, f->tid, 0, f->cpu, true))
			return -1;
	} else if (!ptask_add(m, f->tid, f->tid, t) ||
		   rec_spawn(m->g, t, f->tid, (*m->next_mm)++, f->cpu, NULL)) {
		return -1;
	}
	*out = ptask_find(m, f->tid);
	return 0;
}

static int sample(struct pimp *m, struct fields *f, struct nerr *err)
{
	char *save = NULL, *w[8];
	int n = 0;
	uint64_t addr = 0;
	struct ptask *k;

	if (!f->have_tid || !f->have_cpu)
		return bad(m, err,
			   "a page-fault sample needs tid and cpu (perf record --sample-cpu; "
			   "perf script -F tid,cpu,time,addr)");
	if (!f->tid)
		return 0; /* the idle task: not the program */
	/* after the time: [period] [event:] addr [symbol ...] */
	for (char *x = strtok_r(f->rest, " \t", &save); x && n < 8;
	     x = strtok_r(NULL, " \t", &save))
		w[n++] = x;
	int i = 0;

	if (i + 1 < n && is_num(w[i]) && w[i + 1][strlen(w[i + 1]) - 1] == ':')
		i++; /* the period */
	while (i < n && w[i][strlen(w[i]) - 1] == ':')
		i++; /* the event name */
	if (i >= n)
		return bad(m, err,
			   "a page-fault sample without an address (perf record -d; "
			   "perf script -F ...,addr)");
	if (!parse_hex(w[i], &addr))
		return bad(m, err, "bad sample address (want perf script -F tid,cpu,time,addr)");
	if (task_for(m, f, &k) || rec_fault(m->g, f->t, f->tid, f->cpu, addr) ||
	    (!m->sideband && rec_chunks_note(&m->chunks, k->pid, addr)))
		return nerr_set(err, "%s: out of memory", m->path);
	return 0;
}

/* PERF_RECORD_MMAP2 PID/TID: [0xSTART(0xLEN) @ PGOFF ...]: PERMS PATH */
static int mmap_event(struct pimp *m, const struct fields *f, const char *s, struct nerr *err)
{
	const char *b = strchr(s, '[');
	unsigned long long start, len, off;
	char perms[8], path[4096] = "";
	int n = 0;

	if (!b || sscanf(b, "[0x%llx(0x%llx) @ %lli%n", &start, &len, &off, &n) < 3)
		return bad(m, err, "bad PERF_RECORD_MMAP line");
	const char *close = strstr(b + n, "]:");

	if (!close || sscanf(close + 2, " %7s %4095[^\n]", perms, path) < 1)
		return bad(m, err, "bad PERF_RECORD_MMAP line: no permissions");
	if (f->tid > 4194304 || f->pid > 4194304)
		return bad(m, err, "tid out of range 1..4194304");
	if (!strcmp(path, "[vdso]") || !strcmp(path, "[vvar]") || !strcmp(path, "[vsyscall]") ||
	    !strcmp(path, "[vvar_vclock]") || !strncmp(path, "[kernel", 7) || !f->pid)
		return 0;
	struct ptask *k;
	unsigned flags = (perms[1] == 'w' ? RM_WRITE : 0) | (perms[3] == 's' ? RM_SHARED : 0);
	bool file = path[0] == '/' && path[1] != '/' && strncmp(path, "/dev/", 5) &&
		    strncmp(path, "/SYSV", 5) && strncmp(path, "/memfd:", 7);

	if (!strcmp(path, "[heap]"))
		flags |= RM_HEAP;
	if (!strcmp(path, "[stack]")) { /* room for the stack to grow (docs/recording.md) */
		flags |= RM_STACK;
		uint64_t low = start + len > (8ull << 20) ? start + len - (8ull << 20) : 0;

		if (low < start) {
			len += start - low;
			start = low;
		}
	}
	if (task_for(m, f, &k) || (file && rec_file(m->g, f->t, f->tid, path, off + len)) ||
	    rec_map(m->g, f->t, f->tid, start, len, flags, file ? path : NULL, file ? off : 0))
		return nerr_set(err, "%s: out of memory", m->path);
	return 0;
}

static int task_event(struct pimp *m, const struct fields *f, const char *s, struct nerr *err)
{
	unsigned pid, tid, ppid, ptid;
	char name[256];
	struct ptask *k;

	if (!strncmp(s, "PERF_RECORD_FORK", 16) || !strncmp(s, "PERF_RECORD_EXIT", 16)) {
		if (sscanf(s + 16, "(%u:%u):(%u:%u)", &pid, &tid, &ppid, &ptid) != 4)
			return bad(m, err, "bad PERF_RECORD_FORK/EXIT line");
		if (!tid || tid > 4194304 || pid > 4194304 || ptid > 4194304)
			return bad(m, err, "tid out of range 1..4194304");
		if (s[12] == 'E')
			return ptask_find(m, tid) ? rec_exit(m->g, f->t, tid) : 0;
		if (ptask_find(m, tid) || !ptask_find(m, ptid))
			return 0;
		if (!ptask_add(m, tid, pid, f->t) ||
		    rec_fork(m->g, f->t, ptid, tid, (*m->next_mm)++, f->cpu, pid == ppid))
			return nerr_set(err, "%s: out of memory", m->path);
		return 0;
	}
	/* PERF_RECORD_COMM exec: NAME:PID/TID */
	if (!strncmp(s, "PERF_RECORD_COMM exec:", 22)) {
		const char *c = strrchr(s, ':');

		if (!c || sscanf(c + 1, "%u/%u", &pid, &tid) != 2)
			return bad(m, err, "bad PERF_RECORD_COMM line");
		if (!tid || tid > 4194304 || pid > 4194304)
			return bad(m, err, "tid out of range 1..4194304");
		snprintf(name, sizeof(name), "%.*s", (int)(c - (s + 23)), s + 23);
		if (!(k = ptask_find(m, tid))) {
			if (!ptask_add(m, tid, pid, f->t) ||
			    rec_spawn(m->g, f->t, tid, (*m->next_mm)++, f->cpu, name))
				return nerr_set(err, "%s: out of memory", m->path);
			return 0;
		}
		return rec_exec(m->g, f->t, tid, (*m->next_mm)++, f->cpu, name);
	}
	return 0; /* PERF_RECORD_COMM (prctl), _LOST, _THROTTLE, ...: nothing to replay */
}

/* Without side-band mappings a process's made-up mappings are made just
 * after its first task's first line, by that task. */
static bool chunk_owner(void *ctx, uint32_t pid, uint64_t *t, uint32_t *tid)
{
	struct pimp *m = ctx;
	struct ptask *k = NULL;

	for (size_t x = 0; x < m->nt; x++)
		if (m->t[x].pid == pid && (!k || m->t[x].first_t < k->first_t))
			k = &m->t[x];
	if (!k)
		return false;
	*t = k->first_t + 1;
	*tid = k->tid;
	return true;
}

int import_perf(struct rec_log *g, FILE *f, const char *path, uint32_t *next_mm, struct nerr *err)
{
	struct pimp m = {.g = g, .path = path, .next_mm = next_mm};
	char buf[8192];
	int rc = 0;

	while (!rc && fgets(buf, sizeof(buf), f)) {
		struct fields fl;
		char copy[8192], *ev;

		m.line++;
		buf[strcspn(buf, "\n")] = 0;
		char *s = buf + strspn(buf, " \t");

		if (!*s || *s == '#')
			continue;
		snprintf(copy, sizeof(copy), "%s", s);
		split_fields(copy, &fl);
		if (!fl.have_t) {
			rc = bad(&m, err,
				 "not a perf script line (no time field: perf script -F "
				 "tid,cpu,time,addr)");
			break;
		}
		/* samples and side-band events alike: what a trace can name */
		if (fl.tid > 4194304 || fl.pid > 4194304) {
			rc = bad(&m, err, "tid out of range 1..4194304");
			break;
		}
		if (fl.have_cpu && fl.cpu >= 4096) {
			rc = bad(&m, err, "cpu out of range 0..4095");
			break;
		}
		if ((ev = strstr(s, "PERF_RECORD_"))) {
			m.sideband = true;
			if (!fl.tid)
				continue; /* perf's own pid 0 lines, the idle task */
			rc = !strncmp(ev, "PERF_RECORD_MMAP", 16) ? mmap_event(&m, &fl, ev, err)
								  : task_event(&m, &fl, ev, err);
			continue;
		}
		rc = sample(&m, &fl, err);
	}
	if (!rc && !m.line)
		rc = nerr_set(err, "%s: empty: no perf script output", path);
	if (!rc && !m.sideband && rec_chunks_map(g, &m.chunks, chunk_owner, &m))
		rc = nerr_set(err, "%s: out of memory", path);
	free(m.t);
	rec_chunks_free(&m.chunks);
	return rc;
}
