/*
 * import_strace.c - `numasim import strace FILE`: the output of
 * `strace -f -tt -T [-y] -o FILE PROG` (docs/recording.md).
 *
 * Each line is `PID HH:MM:SS.UUUUUU call(args) = result <duration>` (or
 * `[pid PID]`, or no pid without -f); a call another task interrupted is
 * split into `call(args <unfinished ...>` and `<... call resumed>rest`
 * and joined here. Tasks come from execve, clone/clone3/fork/vfork and
 * `+++ exited` lines; files from open/openat (their fds, positions and
 * fstat sizes are followed) or, with -y, from the `3</path>` strace
 * prints. strace sees no page faults: the trace has no touches (import a
 * perf capture of the same run for those).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno_names.h"
#include "record/record.h"
#include "record/record_int.h"

#define MAX_ARGS 8
#define LINE_MAX_LEN 65536

struct sfd {
	uint32_t tgid;
	int fd;
	char *path;
	uint64_t pos;
	int64_t size; /* from fstat, -1 unknown */
};

struct stask {
	uint32_t pid, tgid;
	char *pending; /* an unfinished call: its text so far */
	uint64_t pending_t;
	bool pending_clone, pending_thread;
	uint32_t clone_child; /* the child already seen before the resume */
	/* consecutive reads or writes of one file */
	bool rw, rw_write;
	char *rw_path;
	uint64_t rw_off, rw_len, rw_t;
	uint64_t brk_end;
	bool exited;
	bool exec_is_spawn; /* its first line was the execve of the spawn */
};

struct simp {
	struct rec_log *g;
	const char *path;
	unsigned long line;
	bool expect;
	uint32_t *next_mm;
	struct stask *t;
	size_t nt, capt;
	struct sfd *fds;
	size_t nfds, capfds;
	uint64_t last_t, day; /* -tt wraps at midnight */
	struct nerr *err;
};

struct call {
	char name[64];
	char *argv[MAX_ARGS];
	int argc;
	int64_t ret;
	bool ret_known;	     /* `= ?` is not */
	char ret_path[4096]; /* -y: `= 3</path>` */
	uint64_t t;
};

static int bad(struct simp *m, const char *fmt, const char *what)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, what);
	return nerr_set(m->err, "%s:%lu: %s", m->path, m->line, msg);
}

static int oom(struct simp *m)
{
	return nerr_set(m->err, "%s: out of memory", m->path);
}

/* ---- tasks and files ---------------------------------------------------------------- */

static struct stask *task_find(struct simp *m, uint32_t pid)
{
	for (size_t i = m->nt; i-- > 0;)
		if (m->t[i].pid == pid)
			return &m->t[i];
	return NULL;
}

static struct stask *task_add(struct simp *m, uint32_t pid, uint32_t tgid)
{
	if (!rec_grow((void **)&m->t, &m->capt, m->nt + 1, sizeof(*m->t)))
		return NULL;
	struct stask *k = &m->t[m->nt++];

	memset(k, 0, sizeof(*k));
	k->pid = pid;
	k->tgid = tgid;
	return k;
}

static struct sfd *fd_find(struct simp *m, uint32_t tgid, int fd)
{
	for (size_t i = 0; i < m->nfds; i++)
		if (m->fds[i].tgid == tgid && m->fds[i].fd == fd)
			return &m->fds[i];
	return NULL;
}

static void fd_close(struct simp *m, uint32_t tgid, int fd)
{
	struct sfd *f = fd_find(m, tgid, fd);

	if (!f)
		return;
	free(f->path);
	*f = m->fds[--m->nfds];
}

static struct sfd *fd_open(struct simp *m, uint32_t tgid, int fd, const char *path)
{
	fd_close(m, tgid, fd);
	if (!rec_grow((void **)&m->fds, &m->capfds, m->nfds + 1, sizeof(*m->fds)))
		return NULL;
	struct sfd *f = &m->fds[m->nfds];

	if (!(f->path = strdup(path)))
		return NULL;
	f->tgid = tgid;
	f->fd = fd;
	f->pos = 0;
	f->size = -1;
	m->nfds++;
	return f;
}

/* A file the replay can read through the page cache. */
static bool regular_path(const char *p)
{
	return p[0] == '/' && strncmp(p, "/dev/", 5) && strncmp(p, "/proc/", 6) &&
	       strncmp(p, "/sys/", 5);
}

/* ---- lexing ------------------------------------------------------------------------- */

/* Skips a string literal starting at s ('"'); returns the char after it. */
static char *skip_string(char *s)
{
	for (s++; *s && *s != '"'; s++)
		if (*s == '\\' && s[1])
			s++;
	return *s ? s + 1 : s;
}

/* Splits the argument text at commas outside brackets and strings; returns
 * a pointer just past the closing ')' of the call, or NULL. */
static char *split_args(char *s, struct call *c)
{
	int depth = 0;
	char *start = s;

	c->argc = 0;
	for (; *s; s++) {
		if (*s == '"') {
			s = skip_string(s) - 1;
			continue;
		}
		if (*s == '(' || *s == '[' || *s == '{')
			depth++;
		else if ((*s == ']' || *s == '}') && depth)
			depth--;
		else if (*s == ')' && depth)
			depth--;
		else if (*s == ')' || (*s == ',' && !depth)) {
			bool end = *s == ')';

			*s = 0;
			while (*start == ' ')
				start++;
			if (c->argc < MAX_ARGS && (*start || c->argc))
				c->argv[c->argc++] = start;
			start = s + 1;
			if (end)
				return s + 1;
		}
	}
	return NULL;
}

static bool num(const char *s, uint64_t *v)
{
	char *e;

	while (*s == ' ')
		s++;
	if (!strncmp(s, "NULL", 4)) {
		*v = 0;
		return true;
	}
	if (!isdigit((unsigned char)*s) && *s != '-')
		return false;
	errno = 0;
	*v = *s == '-' ? (uint64_t)strtoll(s, &e, 0) : strtoull(s, &e, 0);
	return e != s && !errno;
}

/* An fd argument: `3` or, with -y, `3</path>`; path may be NULL. */
static bool fd_arg(const char *s, int *fd, char *path, size_t size)
{
	uint64_t v;

	if (!num(s, &v))
		return false;
	*fd = (int)v;
	const char *lt = strchr(s, '<');

	if (path) {
		path[0] = 0;
		if (lt && s[strlen(s) - 1] == '>')
			snprintf(path, size, "%.*s", (int)(strlen(lt) - 2), lt + 1);
	}
	return true;
}

/* A flags argument: does the `A|B|C` text name flag `f`? */
static bool has_flag(const char *s, const char *f)
{
	size_t n = strlen(f);

	for (const char *p = s; (p = strstr(p, f)); p += n)
		if ((p == s || p[-1] == '|' || p[-1] == ' ' || p[-1] == '{' || p[-1] == '=') &&
		    (p[n] == 0 || p[n] == '|' || p[n] == ',' || p[n] == '}' || p[n] == ' '))
			return true;
	return false;
}

/* `[0x...1, 0x...]`: nodemask words, lowest first; `NULL` is empty. */
static bool mask_words(const char *s, uint64_t *bits, unsigned maxbits, unsigned *nbits)
{
	unsigned w = 0;

	memset(bits, 0, maxbits / 8);
	*nbits = 0;
	while (*s == ' ')
		s++;
	if (!strncmp(s, "NULL", 4))
		return true;
	if (*s != '[')
		return false;
	for (s++; *s && *s != ']' && w < maxbits / 64;) {
		char *e;

		while (*s == ' ' || *s == ',')
			s++;
		if (*s == ']')
			break;
		bits[w++] = strtoull(s, &e, 16);
		if (e == s)
			return false;
		s = e;
	}
	*nbits = w * 64;
	return true;
}

/* `[0 1 4-7]` (CPU lists as strace prints them): a bitmap. */
static bool cpu_list(const char *s, uint64_t *bits, unsigned maxbits)
{
	memset(bits, 0, maxbits / 8);
	while (*s == ' ')
		s++;
	if (*s != '[')
		return false;
	for (s++; *s && *s != ']';) {
		char *e;
		unsigned long a, b;

		while (*s == ' ' || *s == ',')
			s++;
		if (*s == ']')
			break;
		a = b = strtoul(s, &e, 10);
		if (e == s)
			return false;
		if (*e == '-')
			b = strtoul(e + 1, &e, 10);
		for (unsigned long i = a; i <= b && i < maxbits; i++)
			bits[i / 64] |= 1ull << (i % 64);
		s = e;
	}
	return true;
}

/* `[a, b, c]` of numbers (move_pages' pages, nodes, status: -ENOENT too). */
static long num_array(const char *s, int64_t *out, size_t max)
{
	size_t n = 0;

	while (*s == ' ')
		s++;
	if (*s != '[')
		return -1;
	for (s++; *s && *s != ']' && n < max;) {
		char *e;

		while (*s == ' ' || *s == ',')
			s++;
		if (*s == ']')
			break;
		if (s[0] == '-' && isalpha((unsigned char)s[1])) {
			char name[32];
			size_t k = 0;

			for (s++; isalnum((unsigned char)*s) && k + 1 < sizeof(name); s++)
				name[k++] = *s;
			name[k] = 0;
			int e2 = errno_from_name(name);

			if (e2 <= 0)
				return -1;
			out[n++] = -e2;
			continue;
		}
		out[n++] = strtoll(s, &e, 0);
		if (e == s)
			return -1;
		s = e;
	}
	return (long)n;
}

/* ---- lines -------------------------------------------------------------------------- */

static bool parse_clock(struct simp *m, const char *s, uint64_t *t, const char **rest)
{
	unsigned h, mi, sec;
	char frac[16];
	int n = 0;
	uint64_t ns;

	if (sscanf(s, "%u:%u:%u.%15[0-9]%n", &h, &mi, &sec, frac, &n) == 4 && h < 24 && mi < 60 &&
	    sec < 61) {
		ns = ((uint64_t)h * 3600 + mi * 60 + sec) * 1000000000ull;
	} else {
		unsigned long long epoch; /* -ttt */

		if (sscanf(s, "%llu.%15[0-9]%n", &epoch, frac, &n) != 2)
			return false;
		ns = epoch * 1000000000ull;
	}
	uint64_t f = 0;
	size_t d = strlen(frac);

	for (size_t i = 0; i < 9; i++)
		f = f * 10 + (i < d ? (uint64_t)(frac[i] - '0') : 0);
	ns += f;
	if (ns + m->day < m->last_t && m->last_t - (ns + m->day) > 12 * 3600 * 1000000000ull)
		m->day += 24 * 3600 * 1000000000ull;
	*t = ns + m->day;
	if (*t > m->last_t)
		m->last_t = *t;
	*rest = s + n;
	return true;
}

static void rw_flush(struct simp *m, struct stask *k)
{
	if (!k->rw)
		return;
	/* a write extends the file: declared at its size before it */
	rec_file(m->g, k->rw_t, k->pid, k->rw_path, k->rw_off + (k->rw_write ? 0 : k->rw_len));
	rec_text(m->g, k->rw_t, k->pid, "%s pid=%u file=%s offset=%" PRIu64 " len=%" PRIu64,
		 k->rw_write ? "write" : "read", k->pid, k->rw_path, k->rw_off, k->rw_len);
	k->rw = false;
}

static const char *base_name(const char *p)
{
	const char *b = strrchr(p, '/');

	return b ? b + 1 : p;
}

/* The program a line of execve names: its first argument, unquoted. */
static void exec_name(const struct call *c, char *name, size_t size)
{
	char path[4096] = "";

	if (c->argc && c->argv[0][0] == '"')
		snprintf(path, sizeof(path), "%.*s", (int)strcspn(c->argv[0] + 1, "\""),
			 c->argv[0] + 1);
	snprintf(name, size, "%s", path[0] ? base_name(path) : "task");
}

/* A task's first line: the spawn of a new program, or the child of a
 * clone still unfinished in its parent (strace prints the child's first
 * lines before the parent's `resumed`). */
static struct stask *first_line(struct simp *m, uint32_t pid, uint64_t t, const struct call *c)
{
	struct stask *parent = NULL;

	for (size_t i = 0; i < m->nt; i++)
		if (m->t[i].pending_clone && !m->t[i].clone_child &&
		    (!parent || m->t[i].pending_t < parent->pending_t))
			parent = &m->t[i];
	if (parent) {
		bool thread = parent->pending_thread;
		uint32_t ppid = parent->pid, tgid = thread ? parent->tgid : pid;
		uint64_t pt = parent->pending_t;

		parent->clone_child = pid;
		struct stask *k = task_add(m, pid, tgid);

		if (!k || rec_fork(m->g, pt, ppid, pid, (*m->next_mm)++, REC_NO_CPU, thread))
			return NULL;
		return k;
	}
	char name[256] = "task";

	if (c && !strcmp(c->name, "execve"))
		exec_name(c, name, sizeof(name));
	struct stask *k = task_add(m, pid, pid);

	if (!k || rec_spawn(m->g, t, pid, (*m->next_mm)++, REC_NO_CPU, name))
		return NULL;
	k->exec_is_spawn = c && !strcmp(c->name, "execve");
	return k;
}

/* clone, clone3, fork, vfork returning the child's pid. The parent's
 * pointer k may move when a task is added: it is looked up again. */
static int do_fork(struct simp *m, uint32_t pid, const struct call *c, uint64_t start)
{
	struct stask *k = task_find(m, pid);
	bool thread = c->argc && has_flag(c->argv[0], "CLONE_THREAD");
	uint32_t child = (uint32_t)c->ret;

	if (!k || !c->ret_known || c->ret <= 0 || k->clone_child == child || task_find(m, child))
		return 0; /* failed, or announced at the child's first line */
	if (c->ret > 4194304)
		return bad(m, "%s: child pid out of range 1..4194304", c->name);
	uint32_t tgid = thread ? k->tgid : child;

	if (!task_add(m, child, tgid) ||
	    rec_fork(m->g, start, pid, child, (*m->next_mm)++, REC_NO_CPU, thread))
		return oom(m);
	k = task_find(m, pid);
	if (!thread) /* the child has a copy of the parent's fds */
		for (size_t i = 0, n = m->nfds; i < n; i++)
			if (m->fds[i].tgid == k->tgid) {
				struct sfd copy = m->fds[i],
					   *f = fd_open(m, child, copy.fd, copy.path);

				if (!f)
					return oom(m);
				f->pos = copy.pos;
				f->size = copy.size;
			}
	if (!thread)
		task_find(m, child)->brk_end = k->brk_end;
	return 0;
}

/* The path of fd for task k: -y's `3</path>`, else the open it came from. */
static struct sfd *fd_of(struct simp *m, struct stask *k, const char *arg, int *fd)
{
	char path[4096];

	if (!fd_arg(arg, fd, path, sizeof(path)))
		return NULL;
	struct sfd *f = fd_find(m, k->tgid, *fd);

	if (path[0] && (!f || strcmp(f->path, path)))
		f = fd_open(m, k->tgid, *fd, path);
	return f;
}

static int do_rw(struct simp *m, struct stask *k, const struct call *c, bool write, bool positioned)
{
	int fd;
	struct sfd *f = c->argc ? fd_of(m, k, c->argv[0], &fd) : NULL;
	uint64_t off;

	if (!f || !c->ret_known || c->ret <= 0)
		return 0;
	if (positioned) {
		if (c->argc < 4 || !num(c->argv[3], &off))
			return bad(m, "%s: bad offset argument", c->name);
	} else {
		off = f->pos;
		f->pos += (uint64_t)c->ret;
	}
	if (!regular_path(f->path))
		return 0;
	char w[4096];

	rec_word(w, sizeof(w), f->path);
	if (k->rw && k->rw_write == write && !strcmp(k->rw_path, w) &&
	    k->rw_off + k->rw_len == off) {
		k->rw_len += (uint64_t)c->ret;
		return 0;
	}
	rw_flush(m, k);
	if (f->size >= 0)
		rec_file(m->g, c->t, k->pid, w, (uint64_t)f->size);
	free(k->rw_path);
	if (!(k->rw_path = strdup(w)))
		return oom(m);
	k->rw = true;
	k->rw_write = write;
	k->rw_off = off;
	k->rw_len = (uint64_t)c->ret;
	k->rw_t = c->t;
	return 0;
}

static int do_mmap(struct simp *m, struct stask *k, const struct call *c)
{
	uint64_t len, off;
	int fd;

	if (c->argc < 6 || !num(c->argv[1], &len) || !num(c->argv[5], &off))
		return bad(m, "%s: bad arguments", c->name);
	const char *prot = c->argv[2], *fl = c->argv[3];
	unsigned flags =
		(has_flag(prot, "PROT_WRITE") ? RM_WRITE : 0) |
		(has_flag(fl, "MAP_SHARED") || has_flag(fl, "MAP_SHARED_VALIDATE") ? RM_SHARED
										   : 0) |
		(has_flag(fl, "MAP_HUGETLB") ? RM_HUGE : 0) |
		(has_flag(fl, "MAP_LOCKED") ? RM_LOCKED : 0);
	struct sfd *f = has_flag(fl, "MAP_ANONYMOUS") ? NULL : fd_of(m, k, c->argv[4], &fd);

	if (f && regular_path(f->path)) {
		uint64_t size = f->size >= 0 ? (uint64_t)f->size : off + len;

		if (rec_file(m->g, c->t, k->pid, f->path, size) ||
		    rec_map(m->g, c->t, k->pid, (uint64_t)c->ret, len, flags, f->path, off))
			return oom(m);
		return 0;
	}
	return rec_map(m->g, c->t, k->pid, (uint64_t)c->ret, len, flags, NULL, 0) ? oom(m) : 0;
}

static int do_brk(struct simp *m, struct stask *k, const struct call *c, uint64_t ps)
{
	uint64_t end = ((uint64_t)c->ret + ps - 1) & ~(ps - 1);
	struct stask *leader = task_find(m, k->tgid);

	if (!c->ret_known || c->ret <= 0)
		return 0;
	if (!leader)
		leader = k;
	if (!leader->brk_end) { /* the first brk (brk(NULL)) tells where the heap starts */
		leader->brk_end = end;
		return 0;
	}
	if (end > leader->brk_end && rec_map(m->g, c->t, k->pid, leader->brk_end,
					     end - leader->brk_end, RM_WRITE | RM_HEAP, NULL, 0))
		return oom(m);
	if (end < leader->brk_end && rec_unmap(m->g, c->t, k->pid, end, leader->brk_end - end))
		return oom(m);
	leader->brk_end = end;
	return 0;
}

static unsigned mode_value(const char *s)
{
	static const char *const names[] = {
		"MPOL_DEFAULT",
		"MPOL_PREFERRED",
		"MPOL_BIND",
		"MPOL_INTERLEAVE",
		"MPOL_LOCAL",
		"MPOL_PREFERRED_MANY",
		"MPOL_WEIGHTED_INTERLEAVE",
	};
	uint64_t v;
	unsigned mode = 99;

	if (num(s, &v))
		return (unsigned)v;
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (has_flag(s, names[i]))
			mode = i;
	mode |= has_flag(s, "MPOL_F_STATIC_NODES") ? 1u << 15 : 0;
	mode |= has_flag(s, "MPOL_F_RELATIVE_NODES") ? 1u << 14 : 0;
	mode |= has_flag(s, "MPOL_F_NUMA_BALANCING") ? 1u << 13 : 0;
	return mode;
}

static int64_t rc_of(const struct call *c)
{
	return c->ret_known ? c->ret : 0;
}

static int do_policy(struct simp *m, struct stask *k, const struct call *c, bool mbind)
{
	uint64_t bits[1024 / 64], maxnode;
	struct rec_policy p = {.mbind = mbind, .mask = bits};
	int a = mbind ? 2 : 0;

	if (c->argc < (mbind ? 6 : 3) || !num(c->argv[a + 2], &maxnode))
		return bad(m, "%s: bad arguments", c->name);
	p.mode = mode_value(c->argv[a]);
	p.mask_ok = mask_words(c->argv[a + 1], bits, 1024, &p.nbits);
	if (p.nbits > maxnode - (maxnode > 0))
		p.nbits = (unsigned)(maxnode ? maxnode - 1 : 0);
	if (mbind) {
		if (!num(c->argv[0], &p.addr) || !num(c->argv[1], &p.len))
			return bad(m, "%s: bad range", c->name);
		p.flags = (has_flag(c->argv[5], "MPOL_MF_STRICT") ? 1 : 0) |
			  (has_flag(c->argv[5], "MPOL_MF_MOVE") ? 2 : 0) |
			  (has_flag(c->argv[5], "MPOL_MF_MOVE_ALL") ? 4 : 0);
	}
	rec_sys_policy(m->g, c->t, k->pid, &p, rc_of(c), m->expect && c->ret_known);
	return 0;
}

static int do_migrate(struct simp *m, struct stask *k, const struct call *c)
{
	uint64_t from[1024 / 64], to[1024 / 64], target, maxnode;
	unsigned nf, nt;

	if (c->argc < 4 || !num(c->argv[0], &target) || !num(c->argv[1], &maxnode) ||
	    !mask_words(c->argv[2], from, 1024, &nf) || !mask_words(c->argv[3], to, 1024, &nt))
		return bad(m, "%s: bad arguments", c->name);
	if (target > 4194304)
		return bad(m, "%s: pid out of range 1..4194304", c->name);
	if (nf > maxnode - (maxnode > 0))
		nf = (unsigned)(maxnode ? maxnode - 1 : 0);
	rec_sys_migrate(m->g, c->t, k->pid, target ? (uint32_t)target : k->pid, from, to, nf,
			rc_of(c), m->expect && c->ret_known);
	return 0;
}

static int do_move_pages(struct simp *m, struct stask *k, const struct call *c, uint64_t ps)
{
	uint64_t target, count;
	int rc = 0;

	if (c->argc < 6 || !num(c->argv[0], &target) || !num(c->argv[1], &count) || !count ||
	    count > 65536)
		return bad(m, "%s: bad arguments", c->name);
	if (target > 4194304)
		return bad(m, "%s: pid out of range 1..4194304", c->name);
	int64_t *pages = malloc(count * 8), *nodes = malloc(count * 8), *status = malloc(count * 8);
	uint64_t *up = malloc(count * 8);
	int32_t *n32 = malloc(count * 4), *s32 = malloc(count * 4);

	if (!pages || !nodes || !status || !up || !n32 || !s32) {
		rc = oom(m);
		goto out;
	}
	long np = num_array(c->argv[2], pages, count);
	long nn = strncmp(c->argv[3], "NULL", 4) ? num_array(c->argv[3], nodes, count) : 0;
	long ns = num_array(c->argv[4], status, count);

	if (np != (long)count || (nn && nn != (long)count)) {
		rc = bad(m, "%s: the page or node array is not printed in full (strace -v, -s)",
			 c->name);
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		up[i] = (uint64_t)pages[i];
		n32[i] = (int32_t)(nn ? nodes[i] : 0);
		s32[i] = (int32_t)(ns == (long)count ? status[i] : 0);
	}
	struct rec_move mv = {
		.n = count,
		.pages = up,
		.nodes = nn ? n32 : NULL,
		.status = ns == (long)count ? s32 : NULL,
		.move_all = has_flag(c->argv[5], "MPOL_MF_MOVE_ALL"),
		.page_size = ps,
	};

	if (rec_sys_move_pages(m->g, c->t, k->pid, target ? (uint32_t)target : k->pid, &mv,
			       rc_of(c), m->expect && c->ret_known))
		rc = oom(m);
out:
	free(pages);
	free(nodes);
	free(status);
	free(up);
	free(n32);
	free(s32);
	return rc;
}

static int do_fstat(struct simp *m, struct stask *k, const struct call *c)
{
	int fd;
	const char *st = NULL;

	if (!c->ret_known || c->ret != 0 || !c->argc)
		return 0;
	if (!strcmp(c->name, "fstat") && c->argc >= 2)
		st = c->argv[1];
	else if (c->argc >= 4 && !strcmp(c->argv[1], "\"\"") &&
		 has_flag(c->argv[3], "AT_EMPTY_PATH"))
		st = c->argv[2]; /* newfstatat(fd, "", {...}, AT_EMPTY_PATH) */
	if (!st)
		return 0;
	struct sfd *f = fd_of(m, k, c->argv[0], &fd);
	const char *sz = strstr(st, "st_size=");

	if (f && sz && strstr(st, "S_IFREG"))
		f->size = strtoll(sz + 8, NULL, 0);
	return 0;
}

static int do_open(struct simp *m, struct stask *k, const struct call *c)
{
	int pa = !strcmp(c->name, "openat") || !strcmp(c->name, "openat2") ? 1 : 0;
	char path[4096];

	if (!c->ret_known || c->ret < 0 || c->argc <= pa || c->argv[pa][0] != '"')
		return 0;
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(c->argv[pa] + 1, "\""), c->argv[pa] + 1);
	if (c->ret_path[0]) /* -y: the full path of the new fd */
		snprintf(path, sizeof(path), "%s", c->ret_path);
	struct sfd *f = fd_open(m, k->tgid, (int)c->ret, path);

	if (!f)
		return oom(m);
	if (c->argc > pa + 1 && has_flag(c->argv[pa + 1], "O_TRUNC"))
		f->size = 0;
	return 0;
}

static int do_call(struct simp *m, uint32_t pid, struct call *c, uint64_t start)
{
	struct stask *k = task_find(m, pid);
	uint64_t ps = 4096, v, v2;
	int fd;
	const char *n = c->name;

	if (!k && !(k = first_line(m, pid, start, c)))
		return oom(m);
	if (strcmp(n, "read") && strcmp(n, "write") && strcmp(n, "pread64") &&
	    strcmp(n, "pwrite64") && strcmp(n, "readv") && strcmp(n, "writev") &&
	    strcmp(n, "preadv") && strcmp(n, "pwritev"))
		rw_flush(m, k);
	bool ok = c->ret_known && c->ret >= 0;

	if (!strcmp(n, "clone") || !strcmp(n, "clone3") || !strcmp(n, "fork") ||
	    !strcmp(n, "vfork"))
		return do_fork(m, pid, c, start);
	if (!strcmp(n, "execve") || !strcmp(n, "execveat")) {
		char name[256];

		if (!ok)
			return 0;
		k->brk_end = 0;		/* a new heap */
		if (k->exec_is_spawn) { /* the program the trace spawned */
			k->exec_is_spawn = false;
			return 0;
		}
		exec_name(c, name, sizeof(name));
		return rec_exec(m->g, c->t, pid, (*m->next_mm)++, REC_NO_CPU, name) ? oom(m) : 0;
	}
	if (!strcmp(n, "mmap") || !strcmp(n, "mmap2"))
		return ok ? do_mmap(m, k, c) : 0;
	if (!strcmp(n, "munmap"))
		return ok && c->argc >= 2 && num(c->argv[0], &v) && num(c->argv[1], &v2) &&
				       rec_unmap(m->g, c->t, pid, v, v2)
			       ? oom(m)
			       : 0;
	if (!strcmp(n, "mremap")) {
		uint64_t nl;

		if (!ok || c->argc < 3 || !num(c->argv[0], &v) || !num(c->argv[1], &v2) ||
		    !num(c->argv[2], &nl))
			return 0;
		return rec_remap(m->g, c->t, pid, v, v2, (uint64_t)c->ret, nl) ? oom(m) : 0;
	}
	if (!strcmp(n, "brk"))
		return do_brk(m, k, c, ps);
	if (!strcmp(n, "mprotect"))
		return ok && c->argc >= 3 && num(c->argv[0], &v) && num(c->argv[1], &v2) &&
				       rec_protect(m->g, c->t, pid, v, v2,
						   has_flag(c->argv[2], "PROT_WRITE"))
			       ? oom(m)
			       : 0;
	if (!strcmp(n, "madvise")) {
		static const char *const adv[] = {
			[3] = "MADV_WILLNEED",	[4] = "MADV_DONTNEED",	  [8] = "MADV_FREE",
			[14] = "MADV_HUGEPAGE", [15] = "MADV_NOHUGEPAGE", [20] = "MADV_COLD",
			[21] = "MADV_PAGEOUT",
		};
		bool drop;

		if (!ok || c->argc < 3 || !num(c->argv[0], &v) || !num(c->argv[1], &v2))
			return 0;
		for (unsigned a = 0; a < sizeof(adv) / sizeof(adv[0]); a++)
			if (adv[a] && !strcmp(c->argv[2], adv[a])) {
				const char *name = rec_advice_name(a, &drop);

				return rec_madvise(m->g, c->t, pid, v, v2, name, drop) ? oom(m) : 0;
			}
		return 0;
	}
	if (!strcmp(n, "set_mempolicy"))
		return do_policy(m, k, c, false);
	if (!strcmp(n, "mbind"))
		return do_policy(m, k, c, true);
	if (!strcmp(n, "migrate_pages"))
		return do_migrate(m, k, c);
	if (!strcmp(n, "move_pages"))
		return do_move_pages(m, k, c, ps);
	if (!strcmp(n, "sched_setaffinity")) {
		uint64_t bits[4096 / 64];

		if (!ok || c->argc < 3 || !num(c->argv[0], &v) || !cpu_list(c->argv[2], bits, 4096))
			return 0;
		if (v > 4194304)
			return bad(m, "%s: pid out of range 1..4194304", n);
		rec_sys_affinity(m->g, c->t, pid, v ? (uint32_t)v : pid, bits, 4096);
		return 0;
	}
	if (!strcmp(n, "read") || !strcmp(n, "readv"))
		return do_rw(m, k, c, false, false);
	if (!strcmp(n, "write") || !strcmp(n, "writev"))
		return do_rw(m, k, c, true, false);
	if (!strcmp(n, "pread64") || !strcmp(n, "preadv"))
		return do_rw(m, k, c, false, true);
	if (!strcmp(n, "pwrite64") || !strcmp(n, "pwritev"))
		return do_rw(m, k, c, true, true);
	if (!strcmp(n, "open") || !strcmp(n, "openat") || !strcmp(n, "creat") ||
	    !strcmp(n, "openat2"))
		return do_open(m, k, c);
	if (!strcmp(n, "close"))
		return ok && c->argc && fd_arg(c->argv[0], &fd, NULL, 0)
			       ? (fd_close(m, k->tgid, fd), 0)
			       : 0;
	if (!strcmp(n, "lseek")) {
		struct sfd *f = ok && c->argc ? fd_of(m, k, c->argv[0], &fd) : NULL;

		if (f)
			f->pos = (uint64_t)c->ret;
		return 0;
	}
	if (!strcmp(n, "fstat") || !strcmp(n, "newfstatat"))
		return do_fstat(m, k, c);
	if ((!strcmp(n, "dup") || !strcmp(n, "dup2") || !strcmp(n, "dup3")) && ok && c->argc) {
		struct sfd *f = fd_of(m, k, c->argv[0], &fd);

		if (f) {
			char *path = strdup(f->path);

			if (!path || !fd_open(m, k->tgid, (int)c->ret, path)) {
				free(path);
				return oom(m);
			}
			free(path);
		}
	}
	return 0;
}

/* `call(args) = result [...] <duration>` */
static int parse_call(struct simp *m, char *s, struct call *c)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz_0123456789");

	if (!n || s[n] != '(' || n >= sizeof(c->name))
		return bad(m, "not a system call: '%.60s'", s);
	memcpy(c->name, s, n);
	c->name[n] = 0;
	char *after = split_args(s + n + 1, c);

	if (!after)
		return bad(m, "%s: no closing parenthesis (a truncated line?)", c->name);
	while (*after == ' ')
		after++;
	if (*after != '=')
		return bad(m, "%s: no result ('= ...' after the arguments)", c->name);
	after++;
	while (*after == ' ')
		after++;
	c->ret_known = false;
	c->ret_path[0] = 0;
	if (*after == '?')
		return 0;
	uint64_t v;

	if (!num(after, &v))
		return bad(m, "%s: bad result", c->name);
	c->ret = (int64_t)v;
	c->ret_known = true;
	char *lt = strchr(after, '<');

	if (lt && lt[1] == '/' && strchr(lt, '>')) /* -y */
		snprintf(c->ret_path, sizeof(c->ret_path), "%.*s", (int)(strchr(lt, '>') - lt - 1),
			 lt + 1);
	if (c->ret == -1) { /* -1 ENOENT (No such file or directory) */
		char name[32] = "";

		sscanf(after, "%*s %31[A-Z0-9]", name);
		int e = errno_from_name(name);

		c->ret = e > 0 ? -e : -1;
	}
	return 0;
}

static int stash(struct stask *k, const char *text, uint64_t t, bool clone, bool thread)
{
	free(k->pending);
	if (!(k->pending = strdup(text)))
		return -1;
	k->pending_t = t;
	k->pending_clone = clone;
	k->pending_thread = thread;
	k->clone_child = 0;
	return 0;
}

static int one_line(struct simp *m, char *s)
{
	uint32_t pid = 1; /* strace without -f prints no pid: the trace calls it 1 */
	uint64_t t;
	const char *rest;
	char *e;

	if (!strncmp(s, "[pid", 4)) {
		pid = (uint32_t)strtoul(s + 4, &e, 10);
		if (*e != ']')
			return bad(m, "bad [pid N] prefix%s", "");
		s = e + 1;
	} else if (isdigit((unsigned char)*s) && (e = s + strspn(s, "0123456789"), *e == ' ')) {
		pid = (uint32_t)strtoul(s, NULL, 10);
		s = e;
	}
	while (*s == ' ')
		s++;
	if (!parse_clock(m, s, &t, &rest))
		return bad(m, "no time stamp (capture with strace -f -tt -T)%s", "");
	if (!pid || pid > 4194304)
		return bad(m, "pid out of range 1..4194304%s", "");
	s = (char *)rest;
	while (*s == ' ')
		s++;
	if (!strncmp(s, "+++ ", 4)) { /* +++ exited with 0 +++, +++ killed by SIGKILL +++ */
		struct stask *k = task_find(m, pid);

		if (k && !k->exited) {
			rw_flush(m, k);
			k->exited = true;
			return rec_exit(m->g, t, pid) ? oom(m) : 0;
		}
		return 0;
	}
	if (!strncmp(s, "--- ", 4) || !strncmp(s, "???", 3))
		return 0; /* a signal, or strace not knowing the call */
	struct stask *k = task_find(m, pid);
	char *buf = NULL;
	uint64_t start = t;

	if (!strncmp(s, "<... ", 5)) { /* <... mmap resumed>rest */
		char *r = strstr(s, " resumed>");

		if (!r)
			return bad(m, "bad '<... resumed>' line%s", "");
		if (!k || !k->pending)
			return 0; /* its start was before the capture began */
		size_t a = strlen(k->pending), b = strlen(r + 9);

		if (!(buf = malloc(a + b + 1)))
			return oom(m);
		memcpy(buf, k->pending, a);
		memcpy(buf + a, r + 9, b + 1);
		start = k->pending_t;
		free(k->pending);
		k->pending = NULL;
		k->pending_clone = false;
		s = buf;
	} else if ((e = strstr(s, " <unfinished ...>"))) {
		*e = 0;
		size_t n = strcspn(s, "(");
		bool clone = (n == 5 && !strncmp(s, "clone", 5)) ||
			     (n == 6 && !strncmp(s, "clone3", 6)) ||
			     (n == 4 && !strncmp(s, "fork", 4)) ||
			     (n == 5 && !strncmp(s, "vfork", 5));

		if (!k && !(k = first_line(m, pid, t, NULL)))
			return oom(m);
		return stash(k, s, t, clone, clone && strstr(s, "CLONE_THREAD")) ? oom(m) : 0;
	}
	struct call c;
	int rc = parse_call(m, s, &c);

	c.t = start;
	if (!rc)
		rc = do_call(m, pid, &c, start);
	free(buf);
	return rc;
}

int import_strace(struct rec_log *g, FILE *f, const char *path, bool expect_rc, uint32_t *next_mm,
		  struct nerr *err)
{
	struct simp m = {.g = g, .path = path, .expect = expect_rc, .next_mm = next_mm, .err = err};
	char *line = malloc(LINE_MAX_LEN);
	int rc = 0;

	if (!line)
		return oom(&m);
	while (!rc && fgets(line, LINE_MAX_LEN, f)) {
		size_t n = strlen(line);

		m.line++;
		if (n == LINE_MAX_LEN - 1 && line[n - 1] != '\n') {
			rc = bad(&m, "line longer than %s bytes", "65535");
			break;
		}
		line[strcspn(line, "\n")] = 0;
		char *s = line + strspn(line, " \t");

		if (!*s || !strncmp(s, "strace: ", 8))
			continue;
		rc = one_line(&m, s);
	}
	if (!rc && !m.line)
		rc = nerr_set(err, "%s: empty: no strace output", path);
	for (size_t i = 0; !rc && i < m.nt; i++)
		rw_flush(&m, &m.t[i]);
	for (size_t i = 0; i < m.nt; i++) {
		free(m.t[i].pending);
		free(m.t[i].rw_path);
	}
	for (size_t i = 0; i < m.nfds; i++)
		free(m.fds[i].path);
	free(m.t);
	free(m.fds);
	free(line);
	return rc;
}
