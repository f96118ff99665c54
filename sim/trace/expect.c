/*
 * expect.c - parsing `expect` records (docs/trace-format.md, expect).
 *
 * An expect is selectors (pid=, node=) and exactly one comparison
 * "<what><op><value>", e.g. "file_pages<=1000" or "pages[pid=1]=8192".
 * Errnos are stored negated, as the kernel returns them: rc=EACCES and
 * rc=-EACCES both mean -13.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/units.h"
#include "mm/mmzone.h"
#include "trace/trace_int.h"

/* Every global vm event counter (vm_event_names, the names of the JSON
 * report's "vmstat" object) may be compared; the table is a constant
 * array of strings, so the parser only reads names, never mm state. */

static const struct {
	const char *name;
	enum expect_what what;
} whats[] = {
	{"rc", EXP_RC},
	{"status", EXP_STATUS},
	{"file_pages", EXP_FILE_PAGES},
	{"anon_pages", EXP_ANON_PAGES},
	{"free_pages", EXP_FREE_PAGES},
	{"dirty_pages", EXP_DIRTY_PAGES},
	{"slab_pages", EXP_SLAB_PAGES},
	{"numa_hit", EXP_NUMA_HIT},
	{"numa_miss", EXP_NUMA_MISS},
	{"numa_foreign", EXP_NUMA_FOREIGN},
	{"interleave_hit", EXP_INTERLEAVE_HIT},
	{"local_node", EXP_LOCAL_NODE},
	{"other_node", EXP_OTHER_NODE},
	{"local_ratio", EXP_LOCAL_RATIO},
	{"state", EXP_STATE},
	{"committed_as", EXP_COMMITTED_AS},
	{"commit_limit", EXP_COMMIT_LIMIT},
	{"time", EXP_TIME},
	{"nr_anon_transparent_hugepages", EXP_ANON_THPS},
};

/* Finds counter s; *name gets the table's own string, which outlives
 * the line being parsed (queued records keep it). */
static int find_what(const char *s, enum expect_what *out, const char **name)
{
	for (size_t i = 0; i < sizeof(whats) / sizeof(whats[0]); i++) {
		if (strcmp(whats[i].name, s) == 0) {
			*out = whats[i].what;
			*name = whats[i].name;
			return 0;
		}
	}
	for (size_t i = 0; i < NR_VM_EVENT_ITEMS; i++) {
		if (strcmp(vm_event_names[i], s) == 0) {
			*out = EXP_VMSTAT;
			*name = vm_event_names[i];
			return 0;
		}
	}
	return -1;
}

/* One item of a list: a number, or an errno name with an optional '-'. */
static int parse_item(const char **p, bool errnos, long *out)
{
	const char *s = *p;
	bool neg = false;
	char *end;

	if (errnos && *s == '-') {
		neg = true;
		s++;
	}
	if (errnos && *s == 'E') {
		size_t n = strcspn(s, ",");
		char name[16];

		if (n >= sizeof(name))
			return -1;
		memcpy(name, s, n);
		name[n] = '\0';
		int e = errno_from_name(name);

		if (!e)
			return -1;
		*out = -e;
		*p = s + n;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno)
		return -1;
	if (neg)
		*out = -*out;
	*p = end;
	return 0;
}

int parse_int_list(const char *s, struct intbuf *b, int limit, bool errnos, char *why, size_t len)
{
	const char *p = s;

	if (!*p)
		return trace_fail(why, len, "empty list");
	for (;;) {
		long lo, hi;

		if (parse_item(&p, errnos, &lo))
			return trace_fail(why, len, "bad list '%s' at '%s'", s, p);
		hi = lo;
		if (*p == '-' && lo >= 0) {
			p++;
			if (parse_item(&p, false, &hi) || hi < lo)
				return trace_fail(why, len, "bad range in list '%s'", s);
		}
		if (hi >= limit)
			return trace_fail(why, len, "bad list '%s': %ld is out of range (limit %d)",
					  s, hi, limit);
		for (long v = lo; v <= hi; v++)
			if (intbuf_push(b, (int)v))
				return trace_fail(why, len, "out of memory");
		if (!*p)
			return 0;
		if (*p != ',')
			return trace_fail(why, len, "bad list '%s': unexpected '%c'", s, *p);
		p++;
	}
}

int parse_rc(const char *s, int64_t *out, char *why, size_t len)
{
	const char *name = s[0] == '-' ? s + 1 : s;
	char *end;

	if (name[0] == 'E') {
		int e = errno_from_name(name);

		if (!e)
			return trace_fail(why, len, "unknown errno '%s'", name);
		*out = -e;
		return 0;
	}
	errno = 0;
	long long v = units_strtoi(s, &end);

	if (end == s || *end || errno)
		return trace_fail(why, len, "bad rc '%s': a number or an errno name", s);
	*out = v;
	return 0;
}

static int parse_selector(struct expect_spec *x, const char *w, char *why, size_t len)
{
	bool is_pid = strncmp(w, "pid=", 4) == 0;
	bool *has = is_pid ? &x->has_pid : &x->has_node;
	uint64_t v;
	char sub[TRACE_WHY_MAX / 2];
	uint64_t max = is_pid ? TRACE_PID_MAX : NS_MAX_NODES - 1;

	if (*has)
		return trace_fail(why, len, "duplicate key '%s'", is_pid ? "pid" : "node");
	if (parse_size(w + (is_pid ? 4 : 5), &v, sub, sizeof(sub)))
		return trace_fail(why, len, "bad %s: %s", is_pid ? "pid" : "node", sub);
	if (v > max || (is_pid && v == 0))
		return trace_fail(why, len, "bad %s: %s is out of range %d..%llu",
				  is_pid ? "pid" : "node", w + (is_pid ? 4 : 5), is_pid ? 1 : 0,
				  (unsigned long long)max);
	*has = true;
	*(is_pid ? &x->pid : &x->node) = (int)v;
	return 0;
}

/* Splits "lhs<op>rhs": ends lhs with a NUL, returns rhs. */
static char *split_cmp(char *w, enum expect_cmp *cmp)
{
	char *p = w;

	if (strncmp(w, "pages[", 6) == 0) {
		p = strchr(w, ']');
		if (!p)
			return NULL;
		p++;
	} else {
		p += strspn(p, "abcdefghijklmnopqrstuvwxyz_0123456789");
	}
	char c = p[0], d = c ? p[1] : '\0'; /* never past the word's end */

	if ((c == '<' || c == '>') && d == '=') {
		*cmp = c == '<' ? CMP_LE : CMP_GE;
		*p = '\0';
		return p + 2;
	}
	if (c == '<' || c == '>' || c == '=') {
		*cmp = c == '<' ? CMP_LT : c == '>' ? CMP_GT : CMP_EQ;
		*p = '\0';
		return p + 1;
	}
	return NULL;
}

static int parse_lhs(struct expect_spec *x, char *lhs, char *why, size_t len)
{
	char sub[TRACE_WHY_MAX / 2];
	uint64_t v;

	x->counter = lhs;
	if (strncmp(lhs, "pages[", 6) == 0) {
		size_t n = strlen(lhs);

		if (strncmp(lhs + 6, "pid=", 4) != 0 || lhs[n - 1] != ']')
			return trace_fail(why, len, "bad expect '%s': write pages[pid=P]", lhs);
		lhs[n - 1] = '\0';
		if (parse_size(lhs + 10, &v, sub, sizeof(sub)) || v == 0 || v > TRACE_PID_MAX)
			return trace_fail(why, len, "bad pid in pages[pid=%s]", lhs + 10);
		x->counter = "pages";
		x->pages_pid = (int)v;
		x->what = EXP_PAGES;
		return 0;
	}
	if (find_what(lhs, &x->what, &x->counter))
		return trace_fail(why, len, "unknown expect counter '%s'", lhs);
	return 0;
}

static int parse_state(struct expect_spec *x, const char *v, char *why, size_t len)
{
	for (int s = TSTATE_RUNNING; s <= TSTATE_OOM_KILLED; s++) {
		if (strcmp(task_state_label((enum task_state_name)s), v) == 0) {
			x->state = (enum task_state_name)s;
			return 0;
		}
	}
	return trace_fail(why, len, "bad state '%s': running, exited or oom_killed", v);
}

static int parse_ratio(struct expect_spec *x, const char *v, char *why, size_t len)
{
	char *end;

	errno = 0;
	x->ratio = strtod(v, &end);
	if (end == v || *end || errno || !(x->ratio >= 0.0 && x->ratio <= 1.0))
		return trace_fail(why, len, "bad local_ratio '%s': a number from 0 to 1", v);
	return 0;
}

static int parse_count(struct expect_spec *x, const char *v, char *why, size_t len)
{
	char sub[TRACE_WHY_MAX / 2];
	uint64_t u;

	if (parse_size(v, &u, sub, sizeof(sub)))
		return trace_fail(why, len, "bad %s: %s", x->counter, sub);
	if (u > INT64_MAX)
		return trace_fail(why, len, "bad %s: '%s' is too large", x->counter, v);
	x->value = (int64_t)u;
	return 0;
}

/* time=640us: with pid=, when P's previous record finished. */
static int parse_when(struct expect_spec *x, const char *v, char *why, size_t len)
{
	char sub[TRACE_WHY_MAX / 2];
	uint64_t ns;

	if (parse_time_ns(v, &ns, sub, sizeof(sub)))
		return trace_fail(why, len, "bad time: %s", sub);
	if (ns > INT64_MAX)
		return trace_fail(why, len, "bad time: '%s' is too large", v);
	x->value = (int64_t)ns;
	return 0;
}

static int parse_rhs(struct expect_spec *x, const char *v, struct intbuf *ints, char *why,
		     size_t len)
{
	char sub[TRACE_WHY_MAX / 2];

	if (!*v)
		return trace_fail(why, len, "expect %s has no value", x->counter);
	switch (x->what) {
	case EXP_RC:
		return parse_rc(v, &x->value, why, len);
	case EXP_STATUS:
		ints->n = 0;
		if (parse_int_list(v, ints, NS_MAX_NODES, true, sub, sizeof(sub)))
			return trace_fail(why, len, "bad status: %s", sub);
		x->status = ints->v;
		x->nstatus = ints->n;
		return 0;
	case EXP_STATE:
		return parse_state(x, v, why, len);
	case EXP_LOCAL_RATIO:
		return parse_ratio(x, v, why, len);
	case EXP_TIME:
		return parse_when(x, v, why, len);
	default:
		return parse_count(x, v, why, len);
	}
}

/* Which selectors each comparison needs or refuses. */
static int check_selectors(const struct expect_spec *x, char *why, size_t len)
{
	bool need_pid = x->what == EXP_RC || x->what == EXP_STATUS || x->what == EXP_STATE;
	bool no_node = need_pid || x->what == EXP_LOCAL_RATIO || x->what == EXP_VMSTAT ||
		       x->what == EXP_COMMITTED_AS || x->what == EXP_COMMIT_LIMIT ||
		       x->what == EXP_TIME;

	if (need_pid && !x->has_pid)
		return trace_fail(why, len, "expect %s needs pid=", x->counter);
	if (x->what == EXP_PAGES && !x->has_node)
		return trace_fail(why, len, "expect pages[pid=%d] needs node=", x->pages_pid);
	if (no_node && x->has_node)
		return trace_fail(why, len, "expect %s does not take node=", x->counter);
	if ((x->what == EXP_STATUS || x->what == EXP_STATE) && x->cmp != CMP_EQ)
		return trace_fail(why, len, "expect %s compares with '=' only", x->counter);
	return 0;
}

int trace_parse_expect(char **toks, int ntok, struct trace_record *rec, struct intbuf *ints,
		       char *why, size_t len)
{
	struct expect_spec *x = &rec->expect;
	bool have_cmp = false;

	memset(x, 0, sizeof(*x));
	for (int i = 0; i < ntok; i++) {
		char *w = toks[i];

		if (strncmp(w, "pid=", 4) == 0 || strncmp(w, "node=", 5) == 0) {
			if (parse_selector(x, w, why, len))
				return -1;
			continue;
		}
		if (have_cmp)
			return trace_fail(why, len, "expect takes one comparison, '%s' is a second",
					  w);
		char *rhs = split_cmp(w, &x->cmp);

		if (!rhs)
			return trace_fail(why, len,
					  "bad expect '%s': write <counter><op><value>, "
					  "op one of = <= >= < >",
					  w);
		if (parse_lhs(x, w, why, len) || parse_rhs(x, rhs, ints, why, len))
			return -1;
		have_cmp = true;
	}
	if (!have_cmp)
		return trace_fail(why, len,
				  "expect needs a comparison, e.g. rc=0 or file_pages<=1000");
	if (x->has_pid) {
		rec->has |= 1ULL << TK_PID;
		rec->pid = x->pid;
	}
	if (x->has_node) {
		rec->has |= 1ULL << TK_NODE;
		rec->node = x->node;
	}
	return check_selectors(x, why, len);
}
