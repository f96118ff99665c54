/*
 * reader.c - opening a trace and reading it line by line.
 *
 * The reader owns every buffer a record points into (the line, a copy of
 * it for messages, the int lists) and grows them as needed, so a long
 * trace is parsed with no allocation once the longest line has been seen.
 * The line is parsed by parse.c; this file deals with files, the header,
 * time order and turning a failure into "file:line: problem".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "topo/topo.h"
#include "trace/trace_int.h"

#define READ_BUFSZ (1 << 20)   /* stdio buffer: fewer read(2) calls */


static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* An existing path wins; otherwise a plain name is a shipped workload. */
static char *resolve(const char *name, struct nerr *err)
{
	if (is_file(name) || strchr(name, '/'))
		return strdup(name);
	size_t n = strlen(numasim_datadir()) + strlen(name) + 32;
	char *p = malloc(n);

	if (!p)
		return NULL;
	snprintf(p, n, "%s/workloads/%s.trace", numasim_datadir(), name);
	if (is_file(p))
		return p;
	free(p);
	nerr_set(err, "%s: no such trace file or shipped workload", name);
	return NULL;
}

/* The basename without ".trace": the workload's name by default. */
static char *default_name(const char *path)
{
	const char *b = strrchr(path, '/');
	char *n = strdup(b ? b + 1 : path);
	size_t len = n ? strlen(n) : 0;

	if (len > 6 && strcmp(n + len - 6, ".trace") == 0)
		n[len - 6] = '\0';
	return n;
}

/* Reads one line into r->line without its newline; false at EOF. */
static bool read_line(struct trace_reader *r)
{
	ssize_t n = getline(&r->line, &r->cap, r->f);

	if (n < 0)
		return false;
	r->lineno++;
	r->cut = n == 0 || r->line[n - 1] != '\n';
	while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
		r->line[--n] = '\0';
	r->len = (size_t)n;
	return true;
}

static bool blank_or_comment(const char *s)
{
	s += strspn(s, " \t");
	return *s == '\0' || *s == '#';
}

/* A "# name: NAME" comment among the leading comments names the workload. */
static int take_name_comment(struct trace_reader *r)
{
	const char *s = r->line + strspn(r->line, " \t");

	if (strncmp(s, "# name:", 7) != 0)
		return 0;
	s += 7;
	s += strspn(s, " \t");
	size_t n = strcspn(s, " \t");

	if (n == 0)
		return 0;
	char *name = strndup(s, n);

	if (!name)
		return -1;
	free(r->name);
	r->name = name;
	return 0;
}

/* Checks the magic line, then reads the leading comments (for "# name:"
 * and "# param") and keeps the first record's line pending for
 * trace_next(). */
static int read_header(struct trace_reader *r, struct nerr *err)
{
	char why[TRACE_WHY_MAX];

	if (!read_line(r) || strcmp(r->line, TRACE_MAGIC) != 0) {
		r->lineno = 1;
		return nerr_set(err, "%s:1: first line must be '%s'", r->path, TRACE_MAGIC);
	}
	while (read_line(r)) {
		if (!blank_or_comment(r->line)) {
			r->pending = true;
			return 0;
		}
		if (take_name_comment(r))
			return nerr_set(err, "%s: out of memory", r->path);
		if (trace_param_declare(r, why, sizeof(why)) < 0)
			return nerr_set(err, "%s:%lu: %s", r->path, r->lineno, why);
	}
	return 0;
}

struct trace_reader *trace_open(const char *path_or_name, struct nerr *err)
{
	return trace_open_params(path_or_name, NULL, err);
}

struct trace_reader *trace_open_params(const char *path_or_name, const struct trace_params *p,
				       struct nerr *err)
{
	struct trace_reader *r = calloc(1, sizeof(*r));

	if (!r) {
		nerr_set(err, "%s: out of memory", path_or_name);
		return NULL;
	}
	r->path = resolve(path_or_name, err);
	if (!r->path)
		goto fail;
	r->f = fopen(r->path, "r");
	if (!r->f) {
		nerr_set(err, "%s: cannot open: %s", r->path, strerror(errno));
		goto fail;
	}
	setvbuf(r->f, NULL, _IOFBF, READ_BUFSZ);
	r->name = default_name(r->path);
	tunables_init(&r->scratch);
	if (!r->name || read_header(r, err) || trace_param_apply(r, p, err))
		goto fail;
	return r;
fail:
	trace_close(r);
	return NULL;
}

void trace_reader_set_nodes(struct trace_reader *r, unsigned nr_nodes, unsigned nr_cpus)
{
	r->nr_nodes = nr_nodes < NS_MAX_NODES ? nr_nodes : NS_MAX_NODES;
	r->nr_cpus = nr_cpus < NS_MAX_CPUS ? nr_cpus : NS_MAX_CPUS;
}

void trace_close(struct trace_reader *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	free(r->path);
	free(r->name);
	free(r->line);
	free(r->text);
	free(r->toks);
	free(r->ints.v);
	trace_param_free(r);
	free(r);
}

const char *trace_name(const struct trace_reader *r)
{
	return r->name;
}

const char *trace_path(const struct trace_reader *r)
{
	return r->path;
}

char *trace_format_time(uint64_t ns, char *buf, size_t len)
{
	static const struct { uint64_t mult; const char *unit; } units[] = {
		{1000000000, "s"}, {1000000, "ms"}, {1000, "us"},
	};

	for (unsigned i = 0; i < 3; i++) {
		if (ns && ns % units[i].mult == 0) {
			snprintf(buf, len, "%llu%s", (unsigned long long)(ns / units[i].mult),
				 units[i].unit);
			return buf;
		}
	}
	snprintf(buf, len, "%lluns", (unsigned long long)ns);
	return buf;
}

/* Keeps a copy of the line: parsing cuts the original into words. */
static int save_text(struct trace_reader *r)
{
	if (r->len + 1 > r->textcap) {
		char *t = realloc(r->text, r->len + 1);

		if (!t)
			return -1;
		r->text = t;
		r->textcap = r->len + 1;
	}
	memcpy(r->text, r->line, r->len + 1);
	return 0;
}

int trace_next(struct trace_reader *r, struct trace_record *rec, struct nerr *err)
{
	char why[TRACE_WHY_MAX];

	for (;;) {
		if (r->pending)
			r->pending = false;
		else if (!read_line(r))
			return 0;
		if (!blank_or_comment(r->line))
			break;
		if (r->line[strspn(r->line, " \t")] == '#' && trace_param_declare(r, why, sizeof(why)))
			return nerr_set(err, "%s:%lu: '# param' must come before the first record", r->path,
					r->lineno);
	}
	r->used_params = 0;
	if (memchr(r->line, '$', r->len) && trace_param_subst(r, why, sizeof(why)))
		return nerr_set(err, "%s:%lu: %s", r->path, r->lineno, why);
	if (save_text(r))
		return nerr_set(err, "%s:%lu: out of memory", r->path, r->lineno);
	rec->line = r->lineno;
	rec->text = r->text;
	if (trace_parse_line(r, rec, why, sizeof(why)) == 0)
		return 1;
	char note[256];

	trace_param_note(r, note, sizeof(note));
	return nerr_set(err, "%s:%lu: %s%s%s", r->path, r->lineno, why, note,
			r->cut ? " (no newline at the end of the file: truncated?)" : "");
}

int trace_validate(const char *path_or_name, uint64_t *nrecords, struct nerr *err)
{
	return trace_validate_params(path_or_name, NULL, nrecords, err);
}

int trace_validate_params(const char *path_or_name, const struct trace_params *p,
			  uint64_t *nrecords, struct nerr *err)
{
	struct trace_reader *r = trace_open_params(path_or_name, p, err);
	struct trace_record *rec;
	uint64_t n = 0;
	int rc;

	if (!r)
		return -1;
	rec = malloc(sizeof(*rec));
	if (!rec) {
		trace_close(r);
		return nerr_set(err, "%s: out of memory", path_or_name);
	}
	while ((rc = trace_next(r, rec, err)) == 1)
		n++;
	free(rec);
	trace_close(r);
	if (rc < 0)
		return -1;
	if (nrecords)
		*nrecords = n;
	return 0;
}

int trace_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}
