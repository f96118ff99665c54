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

#include "core/utf8.h"
#include "core/suggest.h"
#include "topo/topo.h"
#include "trace/trace_int.h"

#define READ_BUFSZ (1 << 20) /* stdio buffer: fewer read(2) calls */

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* An existing path (of any type: a FIFO too) wins; "-" is standard input;
 * otherwise a plain name is a shipped workload. */
static char *resolve(const char *name, struct nerr *err)
{
	if (!*name) {
		nerr_set(err, "numasim: -w: empty trace name");
		return NULL;
	}
	if (!strcmp(name, "-") || exists(name) || strchr(name, '/'))
		return strdup(name);
	size_t n = strlen(numasim_datadir()) + strlen(name) + 32;
	char *p = malloc(n);

	if (!p)
		return NULL;
	snprintf(p, n, "%s/workloads/%s.trace", numasim_datadir(), name);
	if (exists(p))
		return p;
	free(p);
	char dir[4096], near[80], hint[128] = "";

	snprintf(dir, sizeof(dir), "%s/workloads", numasim_datadir());
	suggest_hint(suggest_in_dir(name, dir, ".trace", near, sizeof(near)), hint, sizeof(hint));
	nerr_set(err, "%s: no such trace file or shipped workload%s", name, hint);
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

/* Refills r->buf; copies what it read to the spool. 1 data, 0 end of
 * file, -1 error in r->why. */
static int fill(struct trace_reader *r)
{
	r->buf_off += r->bend;
	size_t n = fread(r->buf, 1, READ_BUFSZ, r->f);

	r->bpos = 0;
	r->bend = n;
	if (n == 0) {
		if (!ferror(r->f))
			return 0;
		trace_fail(r->why, sizeof(r->why), "read failed: %s",
			   strerror(errno ? errno : EIO));
		return -1;
	}
	if (r->spool && fwrite(r->buf, 1, n, r->spool) != n) {
		trace_fail(r->why, sizeof(r->why), "cannot keep a temporary copy of the trace: %s",
			   strerror(errno ? errno : EIO));
		return -1;
	}
	return 1;
}

/* Appends n bytes to r->line, keeping room for a terminator; the line
 * never grows past TRACE_LINE_MAX. */
static int append(struct trace_reader *r, const char *p, size_t n)
{
	if (r->len + n > TRACE_LINE_MAX)
		return trace_fail(r->why, sizeof(r->why), "line longer than %d bytes",
				  TRACE_LINE_MAX);
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 256;

		while (cap < r->len + n + 1)
			cap *= 2;
		char *l = realloc(r->line, cap);

		if (!l)
			return trace_fail(r->why, sizeof(r->why),
					  "out of host memory reading the line");
		r->line = l;
		r->cap = cap;
	}
	memcpy(r->line + r->len, p, n);
	r->len += n;
	return 0;
}

/*
 * Reads one line into r->line without its newline: 1 a line, 0 end of
 * file, -1 a line longer than TRACE_LINE_MAX, a NUL byte in it, or a read
 * error (r->why says which; r->lineno is that line's number). The line is
 * cut at most TRACE_LINE_MAX bytes in, so /dev/zero or a file with no
 * newline cannot make the reader grow without bound.
 */
static int read_line(struct trace_reader *r)
{
	bool any = false;
	char *nl = NULL;

	r->len = 0;
	r->line_off = r->buf_off + r->bpos;
	while (!nl) {
		if (r->bpos == r->bend) {
			int rc = fill(r);

			if (rc <= 0) {
				if (rc < 0) {
					r->lineno++;
					return -1;
				}
				break;
			}
		}
		const char *start = r->buf + r->bpos;
		size_t avail = r->bend - r->bpos;

		nl = memchr(start, '\n', avail);
		size_t take = nl ? (size_t)(nl - start) : avail;

		any = true;
		if (append(r, start, take)) {
			r->lineno++;
			return -1;
		}
		r->bpos += take + (nl ? 1 : 0);
	}
	if (!any)
		return 0;
	r->lineno++;
	r->cut = !nl;
	while (r->len > 0 && r->line[r->len - 1] == '\r')
		r->len--;
	if (append(r, "", 0)) /* an empty line: make the buffer */
		return -1;
	r->line[r->len] = '\0';
	const char *nul = memchr(r->line, '\0', r->len);

	if (nul)
		return trace_fail(r->why, sizeof(r->why), "NUL byte in the line (column %zu)",
				  (size_t)(nul - r->line) + 1);
	return 1;
}

static bool blank_or_comment(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
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

	if (n == 0 || !utf8_valid(s, n, NULL))
		return 0; /* an unusable name is ignored: the default stays */
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
	int rc;

	if (r->bpos == r->bend && fill(r) < 0) {
		r->lineno = 1;
		return nerr_set(err, "%s:%lu: %s", r->path, r->lineno, r->why);
	}
	if (r->bend - r->bpos >= TRACE_BIN_MAGIC_LEN &&
	    !memcmp(r->buf + r->bpos, TRACE_BIN_MAGIC, TRACE_BIN_MAGIC_LEN)) {
		/* a binary trace: its bytes are read through r->bin from here */
		r->bin.buf = (unsigned char *)r->buf;
		r->bin.pos = r->bpos;
		r->bin.end = r->bend;
		r->bin.cap = READ_BUFSZ;
		r->bin.f = r->f;
		r->bin.base = r->buf_off;
		return trace_bin_start(r, err);
	}
	rc = read_line(r);
	if (rc < 0)
		return nerr_set(err, "%s:%lu: %s", r->path, r->lineno, r->why);
	if (rc == 0 && r->stream)
		return nerr_set(err, "%s: empty: nothing was read (a trace starts with '%s')",
				r->path, TRACE_MAGIC);
	if (rc == 0 || strcmp(r->line, TRACE_MAGIC) != 0) {
		r->lineno = 1;
		return nerr_set(err, "%s:1: first line must be '%s'", r->path, TRACE_MAGIC);
	}
	while ((rc = read_line(r)) == 1) {
		if (!blank_or_comment(r->line)) {
			r->pending = true;
			return 0;
		}
		if (take_name_comment(r))
			return nerr_set(err, "%s:%lu: out of host memory", r->path, r->lineno);
		if (trace_param_declare(r, why, sizeof(why)) < 0)
			return nerr_set(err, "%s:%lu: %s", r->path, r->lineno, why);
	}
	if (rc < 0)
		return nerr_set(err, "%s:%lu: %s", r->path, r->lineno, r->why);
	return 0;
}

/* Sets up r to read f (already open) and reads the header. */
static int start_reading(struct trace_reader *r, struct nerr *err)
{
	setvbuf(r->f, NULL, _IONBF, 0); /* r->buf is the buffer */
	r->buf = malloc(READ_BUFSZ);
	r->name = default_name(r->path);
	tunables_init(&r->scratch);
	if (!r->buf || !r->name)
		return nerr_set(err, "%s: out of host memory", r->path);
	return read_header(r, err);
}

/* Opens the trace; with spool, a stream's bytes are copied to an unlinked
 * temporary file as they are read (trace_validate_open()). */
static struct trace_reader *open_reader(const char *path_or_name, const struct trace_params *p,
					bool spool, struct nerr *err)
{
	struct trace_reader *r = calloc(1, sizeof(*r));
	struct stat st;

	if (!r) {
		nerr_set(err, "%s: out of host memory", path_or_name);
		return NULL;
	}
	r->src_fd = -1;
	r->path = resolve(path_or_name, err);
	if (!r->path)
		goto fail;
	if (!strcmp(r->path, "-")) {
		free(r->path);
		r->path = strdup("stdin");
		r->f = stdin;
		r->stream = true;
		if (!r->path) {
			nerr_set(err, "stdin: out of host memory");
			goto fail;
		}
	} else {
		if (stat(r->path, &st) == 0 && S_ISDIR(st.st_mode)) {
			nerr_set(err, "%s: is a directory, not a trace file", r->path);
			goto fail;
		}
		r->f = fopen(r->path, "r");
		if (!r->f) {
			nerr_set(err, "%s: cannot open: %s", r->path, strerror(errno));
			goto fail;
		}
		r->own_f = true;
		r->stream = fstat(fileno(r->f), &st) != 0 || !S_ISREG(st.st_mode);
	}
	if (spool && r->stream && !(r->spool = tmpfile())) {
		nerr_set(err, "%s: cannot keep a temporary copy of the trace: %s", r->path,
			 strerror(errno));
		goto fail;
	}
	if (start_reading(r, err) ||
	    (r->binary ? trace_bin_apply_params(r, p, err) : trace_param_apply(r, p, err)))
		goto fail;
	return r;
fail:
	trace_close(r);
	return NULL;
}

struct trace_reader *trace_open(const char *path_or_name, struct nerr *err)
{
	return open_reader(path_or_name, NULL, false, err);
}

struct trace_reader *trace_open_params(const char *path_or_name, const struct trace_params *p,
				       struct nerr *err)
{
	return open_reader(path_or_name, p, false, err);
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
	if (r->f && r->own_f)
		fclose(r->f);
	if (r->spool)
		fclose(r->spool);
	free(r->buf);
	free(r->path);
	free(r->name);
	free(r->line);
	free(r->text);
	free(r->toks);
	free(r->eqs);
	free(r->ints.v);
	free(r->fetch);
	trace_tape_free(r->tape);
	trace_param_free(r);
	free(r);
}

void trace_reader_resume(struct trace_reader *r)
{
	clearerr(r->f);
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
	static const struct {
		uint64_t mult;
		const char *unit;
	} units[] = {
		{1000000000, "s"},
		{1000000, "ms"},
		{1000, "us"},
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

	if (r->tape) {
		/* the compiled records, then (a trace still growing) the text */
		if (r->on_tape) {
			int rc = trace_tape_next(r, rec, err);

			if (rc)
				return rc;
		}
		if (!r->follow)
			return 0;
	}
	if (r->binary) {
		if (r->bin_done)
			return 0;
		int rc = trace_bin_next(r, &r->bin, false, rec, err);

		r->bin_done = rc <= 0;
		return rc;
	}
	for (;;) {
		int rc = 1;

		if (r->pending)
			r->pending = false;
		else if ((rc = read_line(r)) <= 0)
			return rc ? nerr_set(err, "%s:%lu: %s", r->path, r->lineno, r->why) : 0;
		if (!blank_or_comment(r->line))
			break;
		if (r->line[strspn(r->line, " \t")] == '#' &&
		    trace_param_declare(r, why, sizeof(why)))
			return nerr_set(err, "%s:%lu: '# param' must come before the first record",
					r->path, r->lineno);
	}
	r->used_params = 0;
	if (memchr(r->line, '$', r->len) && trace_param_subst(r, why, sizeof(why)))
		return nerr_set(err, "%s:%lu: %s", r->path, r->lineno, why);
	if (save_text(r))
		return nerr_set(err, "%s:%lu: out of host memory", r->path, r->lineno);
	rec->line = r->lineno;
	if (trace_parse_line(r, rec, why, sizeof(why)) == 0) {
		rec->text = r->text;
		rec->text_at = r->line_off + 1;
		return 1;
	}
	char note[256];

	trace_param_note(r, note, sizeof(note));
	return nerr_set(err, "%s:%lu: %s%s%s", r->path, r->lineno, why, note,
			r->cut ? " (no newline at the end of the file: truncated?)" : "");
}

/* Parses every record of r; the record count goes to *nrecords. */
static int validate_all(struct trace_reader *r, uint64_t *nrecords, uint64_t *last_ns,
			struct nerr *err)
{
	struct trace_record *rec = malloc(sizeof(*rec));
	uint64_t n = 0;
	int rc;

	if (!rec)
		return nerr_set(err, "%s: out of host memory", r->path);
	while ((rc = trace_next(r, rec, err)) == 1)
		n++;
	free(rec);
	if (rc < 0)
		return -1;
	if (nrecords)
		*nrecords = n;
	if (last_ns)
		*last_ns = r->prev_ns;
	return 0;
}

int trace_validate(const char *path_or_name, uint64_t *nrecords, struct nerr *err)
{
	return trace_validate_params(path_or_name, NULL, nrecords, err);
}

int trace_validate_params(const char *path_or_name, const struct trace_params *p,
			  uint64_t *nrecords, struct nerr *err)
{
	struct trace_reader *r = trace_open_params(path_or_name, p, err);
	int rc;

	if (!r)
		return -1;
	rc = validate_all(r, nrecords, NULL, err);
	trace_close(r);
	return rc;
}

int trace_validate_open(const char *path_or_name, const struct trace_params *p, uint64_t *nrecords,
			uint64_t *last_ns, struct trace_reader **out, struct nerr *err)
{
	struct trace_reader *r = open_reader(path_or_name, p, true, err);

	*out = NULL;
	if (!r)
		return -1;
	/* the one parse: every record into the compiled form */
	if (trace_tape_build(r, nrecords, last_ns, err)) {
		trace_close(r);
		return -1;
	}
	if (!r->binary) {
		/* lines are re-read for messages from the file, or from the
		 * copy of a stream made while validating */
		if (r->spool && fflush(r->spool) != 0) {
			nerr_set(err, "%s: cannot keep a temporary copy of the trace: %s", r->path,
				 strerror(errno));
			trace_close(r);
			return -1;
		}
		r->src_fd = fileno(r->spool ? r->spool : r->f);
	}
	*out = r;
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
