/*
 * tape.c - the binary record encoding (docs/trace-format.md "Binary
 * traces"): binary trace files, and the compiled form the validation
 * pass hands the replay (trace_validate_open()).
 *
 * touch and access records - the ones a trace holds millions of - are
 * encoded field by field (varints, the address as a difference from the
 * previous record's); every other record is kept as its text line and
 * parsed when it is read back, by the same parser, in the same order, so
 * it comes out as the text trace's record did. A compiled trace (the
 * "tape") adds to each touch/access record the offset of its line in the
 * text, so the line can be shown in messages without keeping it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/utf8.h"
#include "trace/trace_int.h"

enum {
	TAG_END = 0,
	TAG_TOUCH = 1,
	TAG_ACCESS = 2,
	TAG_LINE = 3,
};

/* touch/access option bits */
enum {
	OPT_WRITE = 1 << 0,	/* TF_WRITE, else TF_READ */
	OPT_STRIDE = 1 << 1,	/* touch: stride= follows */
	OPT_PATTERN = 1 << 2,	/* access: pattern= was given */
	OPT_RANDOM = 1 << 3,	/* access: pattern=random */
	OPT_SEED = 1 << 4,	/* access: seed= follows */
	OPT_FLAGS_KEY = 1 << 5, /* the flag came as flags= */
};

#define RECORD_FIXED_MAX 96 /* a touch/access record is at most this long */
#define SINK_FLUSH (1u << 20)
#define TAPE_BUFSZ (1u << 20)
#define NAME_MAX_BIN 255
#define TRACE_BIN_LINE_GAP 4096 /* lines from one record to the next */

struct tape {
	struct bsink sink;
	struct bsrc src;
	struct bcodec enc;
	bool src_ready;
};

/* ---- writing ------------------------------------------------------------------ */

static void sink_flush(struct bsink *s)
{
	if (s->f && s->len) {
		if (fwrite(s->mem, 1, s->len, s->f) != s->len)
			s->failed = true;
		s->len = 0;
	}
}

void bsink_put(struct bsink *s, const void *p, size_t n)
{
	if (s->failed)
		return;
	if (s->len + n > s->cap) {
		if (!s->f && s->max && s->len + n > s->max) {
			/* past the memory bound: the rest goes to a temporary file */
			s->f = tmpfile();
			s->own_f = true;
			if (!s->f) {
				s->failed = true;
				return;
			}
		}
		if (s->f)
			sink_flush(s);
		if (s->len + n > s->cap) {
			size_t cap = s->cap ? s->cap : 65536;

			while (cap < s->len + n)
				cap *= 2;
			unsigned char *m = realloc(s->mem, cap);

			if (!m) {
				s->failed = true;
				return;
			}
			s->mem = m;
			s->cap = cap;
		}
	}
	memcpy(s->mem + s->len, p, n);
	s->len += n;
	s->bytes += n;
	if (s->f && s->len >= SINK_FLUSH)
		sink_flush(s);
}

static inline size_t put_uv(unsigned char *o, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		o[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	o[n++] = (unsigned char)v;
	return n;
}

static inline uint64_t zigzag(uint64_t d)
{
	return (d << 1) ^ (uint64_t) - (int64_t)(d >> 63);
}

static inline uint64_t unzigzag(uint64_t z)
{
	return (z >> 1) ^ (uint64_t) - (int64_t)(z & 1);
}

static void put_str(struct bsink *s, const char *str)
{
	unsigned char b[10];
	size_t n = strlen(str);

	bsink_put(s, b, put_uv(b, n));
	bsink_put(s, str, n);
}

void trace_encode_header(struct bsink *s, const struct trace_reader *r)
{
	unsigned char b[10];

	bsink_put(s, TRACE_BIN_MAGIC, TRACE_BIN_MAGIC_LEN);
	b[0] = TRACE_BIN_VERSION;
	bsink_put(s, b, 1);
	put_str(s, r->name);
	bsink_put(s, b, put_uv(b, (uint64_t)r->nparams));
	for (int i = 0; i < r->nparams; i++) {
		put_str(s, r->params[i].name);
		put_str(s, r->params[i].value);
	}
}

static bool compact_op(enum trace_op op)
{
	return op == OP_TOUCH || op == OP_ACCESS;
}

void trace_encode_record(struct bsink *s, struct bcodec *c, const struct trace_record *rec,
			 bool tape)
{
	unsigned char b[RECORD_FIXED_MAX];
	size_t n = 0;

	if (!compact_op(rec->op)) {
		size_t len = strlen(rec->text);

		b[n++] = TAG_LINE;
		n += put_uv(b + n, rec->line - c->prev_line);
		n += put_uv(b + n, len);
		bsink_put(s, b, n);
		bsink_put(s, rec->text, len);
		c->prev_line = rec->line;
		c->prev_ns = rec->time_ns;
		c->nrec++;
		return;
	}
	unsigned opt = (rec->flags & TF_WRITE ? OPT_WRITE : 0) |
		       (trace_has(rec, TK_FLAGS) ? OPT_FLAGS_KEY : 0);

	if (rec->op == OP_TOUCH)
		opt |= trace_has(rec, TK_STRIDE) ? OPT_STRIDE : 0;
	else
		opt |= (trace_has(rec, TK_PATTERN) ? OPT_PATTERN : 0) |
		       (rec->pattern == PATTERN_RANDOM ? OPT_RANDOM : 0) |
		       (trace_has(rec, TK_SEED) ? OPT_SEED : 0);
	b[n++] = rec->op == OP_TOUCH ? TAG_TOUCH : TAG_ACCESS;
	n += put_uv(b + n, rec->line - c->prev_line);
	n += put_uv(b + n, rec->time_ns - c->prev_ns);
	if (tape) {
		/* 0: no text to re-read; else 1 + the distance from the last one */
		uint64_t at = rec->text_at ? rec->text_at - 1 : 0;

		n += put_uv(b + n, rec->text_at ? at - c->prev_src + 1 : 0);
		if (rec->text_at)
			c->prev_src = at;
	}
	b[n++] = (unsigned char)opt;
	n += put_uv(b + n, (uint64_t)rec->pid);
	n += put_uv(b + n, zigzag(rec->addr - c->prev_addr));
	n += put_uv(b + n, rec->len);
	if (rec->op == OP_ACCESS)
		n += put_uv(b + n, rec->count);
	if (opt & OPT_STRIDE)
		n += put_uv(b + n, rec->stride);
	if (opt & OPT_SEED)
		n += put_uv(b + n, rec->seed);
	bsink_put(s, b, n);
	c->prev_line = rec->line;
	c->prev_ns = rec->time_ns;
	c->prev_addr = rec->addr;
	c->nrec++;
}

void trace_encode_end(struct bsink *s, const struct bcodec *c)
{
	unsigned char b[12];
	size_t n = 0;

	b[n++] = TAG_END;
	n += put_uv(b + n, c->nrec);
	bsink_put(s, b, n);
}

/* ---- reading ------------------------------------------------------------------- */

int bsrc_need(struct bsrc *b, size_t len)
{
	if (b->end - b->pos >= len)
		return 1;
	if (!b->f)
		return 0;
	if (b->pos) {
		memmove(b->buf, b->buf + b->pos, b->end - b->pos);
		b->base += b->pos;
		b->end -= b->pos;
		b->pos = 0;
	}
	while (b->end < len && b->end < b->cap) {
		size_t n = fread(b->buf + b->end, 1, b->cap - b->end, b->f);

		if (n == 0)
			return ferror(b->f) ? -1 : 0;
		b->end += n;
	}
	return b->end - b->pos >= len;
}

/* A varint within buf[pos, end): 0, or -1 (cut short or over 64 bits). */
static inline int get_uv(struct bsrc *b, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (b->pos == b->end)
			return -1;
		unsigned c = b->buf[b->pos++];

		if (shift == 63 && c > 1)
			return -1;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

/* Reads a varint, refilling first: 0, or -1 with why. */
static int read_uv(struct bsrc *b, uint64_t *v, const char **why)
{
	if (bsrc_need(b, 10) < 0) {
		*why = "read failed";
		return -1;
	}
	if (get_uv(b, v)) {
		*why = b->pos == b->end ? "cut short (truncated?)"
					: "bad number (a varint over 64 bits)";
		return -1;
	}
	return 0;
}

/* A header string: 1..max bytes of UTF-8 (malloc'd into *out). */
static int read_str(struct bsrc *b, size_t max, char **out, const char **why)
{
	uint64_t n;

	if (read_uv(b, &n, why))
		return -1;
	if (n == 0 || n > max) {
		*why = "bad string length";
		return -1;
	}
	if (bsrc_need(b, (size_t)n) != 1) {
		*why = "cut short (truncated?)";
		return -1;
	}
	const char *s = (const char *)b->buf + b->pos;

	if (!utf8_valid(s, (size_t)n, NULL) || memchr(s, '\0', (size_t)n) ||
	    memchr(s, '\n', (size_t)n)) {
		*why = "a string is not valid UTF-8 text";
		return -1;
	}
	*out = strndup(s, (size_t)n);
	b->pos += (size_t)n;
	if (!*out) {
		*why = "out of host memory";
		return -1;
	}
	return 0;
}

static bool word_ok(const char *s)
{
	return *s && !strpbrk(s, " \t\r\n#$");
}

/* The header after the magic: version, name, parameters. */
int trace_bin_start(struct trace_reader *r, struct nerr *err)
{
	struct bsrc *b = &r->bin;
	const char *why = NULL;
	char *name = NULL;
	uint64_t np;

	b->pos += TRACE_BIN_MAGIC_LEN;
	if (bsrc_need(b, 1) != 1)
		return nerr_set(err, "%s: binary trace: byte %llu: cut short (truncated?)", r->path,
				(unsigned long long)(b->base + b->pos));
	unsigned v = b->buf[b->pos++];

	if (v != TRACE_BIN_VERSION)
		return nerr_set(
			err, "%s: binary trace: byte 8: version %u, this numasim reads version %d",
			r->path, v, TRACE_BIN_VERSION);
	uint64_t at = b->base + b->pos;

	if (read_str(b, NAME_MAX_BIN, &name, &why))
		goto bad;
	if (!word_ok(name)) {
		why = "the workload name is not one word";
		goto bad;
	}
	free(r->name);
	r->name = name;
	name = NULL;
	at = b->base + b->pos;
	if (read_uv(b, &np, &why))
		goto bad;
	if (np > TRACE_MAX_PARAMS) {
		why = "more parameters than a trace may declare";
		goto bad;
	}
	for (uint64_t i = 0; i < np; i++) {
		char *pn = NULL, *pv = NULL;

		at = b->base + b->pos;
		if (read_str(b, TRACE_PARAM_NAME_MAX - 1, &pn, &why) ||
		    read_str(b, TRACE_LINE_MAX, &pv, &why)) {
			free(pn);
			goto bad;
		}
		bool dup = false;

		for (int j = 0; j < r->nparams; j++)
			dup |= !strcmp(r->params[j].name, pn);
		if (!trace_param_name_ok(pn) || trace_param_value_bad(pv) || dup) {
			free(pn);
			free(pv);
			why = "a bad parameter";
			goto bad;
		}
		r->params[r->nparams].name = pn;
		r->params[r->nparams].value = pv;
		r->params[r->nparams].line = 1;
		r->nparams++;
	}
	r->binary = true;
	return 0;
bad:
	free(name);
	return nerr_set(err, "%s: binary trace: header, byte %llu: %s", r->path,
			(unsigned long long)at, why);
}

/* A binary trace's parameters were resolved when it was written: a value
 * given now must be the one it holds. */
int trace_bin_apply_params(struct trace_reader *r, const struct trace_params *p, struct nerr *err)
{
	for (int i = 0; p && i < p->n; i++) {
		int d = -1;

		for (int j = 0; j < r->nparams; j++)
			if (!strcmp(r->params[j].name, p->name[i]))
				d = j;
		if (d < 0)
			return nerr_set(
				err, "%s: a value for parameter '%s', but the binary trace has %s",
				r->path, p->name[i],
				r->nparams ? "other parameters" : "no parameters");
		if (strcmp(r->params[d].value, p->value[i]))
			return nerr_set(
				err,
				"%s: parameter '%s' is %s in this binary trace (values are fixed "
				"when it is written: convert the text trace with --set %s=%s)",
				r->path, p->name[i], r->params[d].value, p->name[i], p->value[i]);
	}
	return 0;
}

int trace_parse_text(struct trace_reader *r, const char *line, size_t n, struct trace_record *rec,
		     char *why, size_t len)
{
	if (n + 1 > r->cap) {
		char *l = realloc(r->line, n + 1);

		if (!l)
			return trace_fail(why, len, "out of host memory");
		r->line = l;
		r->cap = n + 1;
	}
	memcpy(r->line, line, n);
	r->line[n] = '\0';
	r->len = n;
	if (n + 1 > r->textcap) {
		char *t = realloc(r->text, n + 1);

		if (!t)
			return trace_fail(why, len, "out of host memory");
		r->text = t;
		r->textcap = n + 1;
	}
	memcpy(r->text, r->line, n + 1);
	r->used_params = 0;
	uint64_t line_no = rec->line;

	if (trace_parse_line(r, rec, why, len))
		return -1;
	rec->line = line_no;
	rec->text = r->text;
	return 0;
}

/* Whether a stored line can stand as a record line of a text trace. */
static const char *line_bad(const char *s, size_t n)
{
	if (memchr(s, '\0', n) || memchr(s, '\n', n))
		return "a line record holds a NUL or newline byte";
	if (s[n - 1] == '\r')
		return "a line record ends in a carriage return";
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] == '#')
		return "a line record holds no record";
	/* a '$' before the comment would be a ${NAME} in the text form */
	for (size_t j = i; j < n; j++) {
		if (s[j] == '#' && (s[j - 1] == ' ' || s[j - 1] == '\t'))
			break;
		if (s[j] == '$')
			return "a line record holds a '$' (parameters are resolved in a binary "
			       "trace)";
	}
	return NULL;
}

/*
 * The next record of b: 1 a record, 0 the end record (its count checked),
 * -1 an error in err. A binary file's errors name the record and its
 * byte offset; a tape's (which the validation pass wrote) should not
 * happen.
 */
int trace_bin_next(struct trace_reader *r, struct bsrc *b, bool tape, struct trace_record *rec,
		   struct nerr *err)
{
	struct bcodec *c = &r->dec;
	char why[TRACE_WHY_MAX];
	const char *w = NULL;
	uint64_t at, dline, dt, v, pid;
	bool end_rec = false;
	int need = bsrc_need(b, RECORD_FIXED_MAX);

	if (need < 0) {
		w = "read failed";
		at = b->base + b->pos;
		goto bad;
	}
	at = b->base + b->pos;
	if (b->pos == b->end) {
		w = "cut short: no end record (truncated?)";
		goto bad;
	}
	unsigned tag = b->buf[b->pos++];

	end_rec = tag == TAG_END;

	if (tag == TAG_END) {
		if (read_uv(b, &v, &w))
			goto bad;
		if (v != c->nrec) {
			snprintf(why, sizeof(why),
				 "the end record counts %llu records, %llu were read",
				 (unsigned long long)v, (unsigned long long)c->nrec);
			w = why;
			goto bad;
		}
		if (bsrc_need(b, 1) != 0) {
			w = "bytes after the end record";
			goto bad;
		}
		return 0;
	}
	if (tag > TAG_LINE) {
		snprintf(why, sizeof(why), "unknown record type %u", tag);
		w = why;
		goto bad;
	}
	if (get_uv(b, &dline)) {
		w = b->pos == b->end ? "cut short (truncated?)"
				     : "bad number (a varint over 64 bits)";
		goto bad;
	}
	if (dline == 0 || (!tape && dline > TRACE_BIN_LINE_GAP) || dline > (1ULL << 40) ||
	    c->prev_line + dline < 2) {
		w = "bad line number (lines go up, from 2, at most 4096 at a time)";
		goto bad;
	}
	rec->line = (unsigned long)(c->prev_line + dline);
	if (tag == TAG_LINE) {
		if (read_uv(b, &v, &w))
			goto bad;
		if (v == 0 || v > TRACE_LINE_MAX) {
			w = "bad line length";
			goto bad;
		}
		int got = bsrc_need(b, (size_t)v);

		if (got != 1) {
			w = got < 0 ? "read failed" : "cut short (truncated?)";
			goto bad;
		}
		const char *s = (const char *)b->buf + b->pos;

		if ((w = line_bad(s, (size_t)v)))
			goto bad;
		r->prev_ns = c->prev_ns;
		if (trace_parse_text(r, s, (size_t)v, rec, why, sizeof(why))) {
			if (tape)
				return nerr_set(err, "%s:%lu: %s", r->path, rec->line, why);
			w = why;
			goto bad;
		}
		if (!tape && compact_op(rec->op)) {
			w = "a touch or access record stored as a line";
			goto bad;
		}
		b->pos += (size_t)v;
		c->prev_line = rec->line;
		c->prev_ns = rec->time_ns;
		c->nrec++;
		return 1;
	}
	/* touch, access */
	uint64_t src = 0;
	unsigned opt;

	if (get_uv(b, &dt) || (tape && get_uv(b, &src)) || b->pos == b->end) {
		w = "cut short (truncated?)";
		goto bad;
	}
	opt = b->buf[b->pos++];
	trace_record_reset(rec);
	rec->op = tag == TAG_TOUCH ? OP_TOUCH : OP_ACCESS;
	if (get_uv(b, &pid) || get_uv(b, &v) || get_uv(b, &rec->len) ||
	    (rec->op == OP_ACCESS && get_uv(b, &rec->count)) ||
	    ((opt & OPT_STRIDE) && get_uv(b, &rec->stride)) ||
	    ((opt & OPT_SEED) && get_uv(b, &rec->seed))) {
		w = b->pos == b->end ? "cut short (truncated?)"
				     : "bad number (a varint over 64 bits)";
		goto bad;
	}
	rec->addr = c->prev_addr + unzigzag(v);
	if (dt > TRACE_TIME_MAX - c->prev_ns) {
		w = "time past the end of simulated time (2^63-1 ns)";
		goto bad;
	}
	rec->time_ns = c->prev_ns + dt;
	unsigned allowed = OPT_WRITE | OPT_FLAGS_KEY |
			   (rec->op == OP_TOUCH ? OPT_STRIDE : OPT_PATTERN | OPT_RANDOM | OPT_SEED);

	if (opt & ~allowed || ((opt & OPT_RANDOM) && !(opt & OPT_PATTERN))) {
		w = "bad option bits";
		goto bad;
	}
	if (pid < 1 || pid > TRACE_PID_MAX) {
		w = "bad pid (1..4194304)";
		goto bad;
	}
	if (rec->len == 0) {
		w = "len must not be 0";
		goto bad;
	}
	if (rec->len > UINT64_MAX - rec->addr) {
		w = "addr+len overflows 64 bits";
		goto bad;
	}
	if ((opt & OPT_STRIDE) && rec->stride == 0) {
		w = "stride must not be 0";
		goto bad;
	}
	rec->pid = (int)pid;
	rec->line = (unsigned long)(c->prev_line + dline);
	rec->flags = opt & OPT_WRITE ? TF_WRITE : TF_READ;
	rec->has = 1ULL << TK_PID | 1ULL << TK_ADDR | 1ULL << TK_LEN |
		   (opt & OPT_FLAGS_KEY ? 1ULL << TK_FLAGS : 0);
	if (rec->op == OP_TOUCH) {
		rec->has |= opt & OPT_STRIDE ? 1ULL << TK_STRIDE : 0;
	} else {
		rec->has |= 1ULL << TK_COUNT | (opt & OPT_PATTERN ? 1ULL << TK_PATTERN : 0) |
			    (opt & OPT_SEED ? 1ULL << TK_SEED : 0);
		rec->pattern = opt & OPT_RANDOM ? PATTERN_RANDOM : PATTERN_SEQ;
	}
	if (src) {
		c->prev_src += src - 1;
		rec->text_at = c->prev_src + 1;
	}
	c->prev_line = rec->line;
	c->prev_ns = rec->time_ns;
	c->prev_addr = rec->addr;
	c->nrec++;
	r->prev_ns = rec->time_ns;
	return 1;
bad:
	if (tape)
		return nerr_set(err, "%s: internal error: compiled trace, record %llu: %s", r->path,
				(unsigned long long)c->nrec + 1, w);
	if (end_rec)
		return nerr_set(err, "%s: binary trace: end record (byte %llu): %s", r->path,
				(unsigned long long)at, w);
	return nerr_set(err, "%s: binary trace: record %llu (byte %llu): %s", r->path,
			(unsigned long long)c->nrec + 1, (unsigned long long)at, w);
}

/* ---- the compiled trace ---------------------------------------------------------- */

void trace_tape_free(struct tape *t)
{
	if (!t)
		return;
	if (t->sink.f && t->sink.own_f)
		fclose(t->sink.f);
	free(t->sink.mem);
	if (t->src.own_buf)
		free(t->src.buf);
	free(t);
}

static size_t tape_mem_max(void)
{
	const char *e = getenv("NUMASIM_TAPE_MEM_MAX");
	char *end;
	unsigned long long v = e && *e ? strtoull(e, &end, 10) : 0;

	return v && !*end ? (size_t)v : TRACE_TAPE_MEM_MAX;
}

int trace_tape_build(struct trace_reader *r, uint64_t *nrecords, uint64_t *last_ns,
		     struct nerr *err)
{
	struct tape *t = calloc(1, sizeof(*t));
	struct trace_record *rec = malloc(sizeof(*rec));
	int rc;

	if (!t || !rec) {
		free(t);
		free(rec);
		return nerr_set(err, "%s: out of host memory", r->path);
	}
	t->sink.max = tape_mem_max();
	while ((rc = trace_next(r, rec, err)) == 1) {
		trace_encode_record(&t->sink, &t->enc, rec, true);
		if (t->sink.failed)
			break;
	}
	free(rec);
	if (rc < 0) {
		trace_tape_free(t);
		return -1;
	}
	trace_encode_end(&t->sink, &t->enc);
	if (t->sink.f)
		sink_flush(&t->sink);
	if (t->sink.failed || (t->sink.f && (fflush(t->sink.f) || fseek(t->sink.f, 0, SEEK_SET)))) {
		trace_tape_free(t);
		return nerr_set(err, "%s: cannot keep the compiled trace: %s", r->path,
				strerror(errno ? errno : ENOMEM));
	}
	if (t->sink.f) {
		free(t->sink.mem);
		t->sink.mem = NULL;
		t->src.buf = malloc(TAPE_BUFSZ);
		t->src.cap = TAPE_BUFSZ;
		t->src.own_buf = true;
		t->src.f = t->sink.f;
		if (!t->src.buf) {
			trace_tape_free(t);
			return nerr_set(err, "%s: out of host memory", r->path);
		}
	} else {
		t->src.buf = t->sink.mem;
		t->src.end = t->src.cap = t->sink.len;
	}
	if (nrecords)
		*nrecords = t->enc.nrec;
	if (last_ns)
		*last_ns = r->prev_ns;
	r->tape = t;
	r->on_tape = true;
	memset(&r->dec, 0, sizeof(r->dec));
	/* line records are parsed again in order: sysctl values too */
	tunables_init(&r->scratch);
	return 0;
}

int trace_tape_next(struct trace_reader *r, struct trace_record *rec, struct nerr *err)
{
	uint64_t prev_ns = r->prev_ns;
	int rc = trace_bin_next(r, &r->tape->src, true, rec, err);

	if (rc == 0) {
		r->on_tape = false;
		r->prev_ns = prev_ns;
	}
	return rc;
}

/* ---- text of records without one ------------------------------------------------- */

void trace_format_compact(const struct trace_record *rec, char *buf, size_t len)
{
	size_t o = 0;
	const char *rw = rec->flags & TF_WRITE ? "write" : "read";
	char t[32];

	o += (size_t)snprintf(buf + o, len - o, "@%s %s pid=%d addr=0x%llx len=%llu",
			      trace_format_time(rec->time_ns, t, sizeof(t)), trace_op_name(rec->op),
			      rec->pid, (unsigned long long)rec->addr,
			      (unsigned long long)rec->len);
	if (rec->op == OP_ACCESS && o < len)
		o += (size_t)snprintf(buf + o, len - o, " count=%llu",
				      (unsigned long long)rec->count);
	if (trace_has(rec, TK_STRIDE) && o < len)
		o += (size_t)snprintf(buf + o, len - o, " stride=%llu",
				      (unsigned long long)rec->stride);
	if (trace_has(rec, TK_PATTERN) && o < len)
		o += (size_t)snprintf(buf + o, len - o, " pattern=%s",
				      rec->pattern == PATTERN_RANDOM ? "random" : "seq");
	if (trace_has(rec, TK_SEED) && o < len)
		o += (size_t)snprintf(buf + o, len - o, " seed=%llu",
				      (unsigned long long)rec->seed);
	if (o < len) {
		if (trace_has(rec, TK_FLAGS))
			snprintf(buf + o, len - o, " flags=%s", rw);
		else if ((rec->op == OP_TOUCH) != !!(rec->flags & TF_WRITE))
			snprintf(buf + o, len - o, " %s", rw); /* not the op's default */
	}
}

static int fetch_reserve(struct trace_reader *r, size_t n)
{
	if (n <= r->fetchcap)
		return 0;
	char *f = realloc(r->fetch, n);

	if (!f)
		return -1;
	r->fetch = f;
	r->fetchcap = n;
	return 0;
}

/* Re-reads the line at offset at of the text (what validation read). */
static const char *reread_line(struct trace_reader *r, uint64_t at)
{
	size_t got = 0;

	for (size_t want = 256;; want *= 2) {
		if (want > TRACE_LINE_MAX + 2)
			want = TRACE_LINE_MAX + 2;
		if (fetch_reserve(r, want + 1))
			return NULL;
		ssize_t n = pread(r->src_fd, r->fetch + got, want - got, (off_t)(at + got));

		if (n < 0)
			return NULL;
		got += (size_t)n;
		char *nl = memchr(r->fetch, '\n', got);

		if (nl || n == 0 || want == TRACE_LINE_MAX + 2) {
			size_t len = nl ? (size_t)(nl - r->fetch) : got;

			while (len && r->fetch[len - 1] == '\r')
				len--;
			r->fetch[len] = '\0';
			break;
		}
	}
	if (!strchr(r->fetch, '$'))
		return r->fetch;
	char why[TRACE_WHY_MAX];
	uint32_t used;
	char *out = NULL;
	size_t cap = 0;

	if (trace_param_subst_into(r, r->fetch, &out, &cap, &used, why, sizeof(why))) {
		free(out);
		return NULL;
	}
	free(r->fetch);
	r->fetch = out;
	r->fetchcap = cap;
	return r->fetch;
}

const char *trace_record_text(struct trace_reader *r, const struct trace_record *rec)
{
	if (rec->text)
		return rec->text;
	if (rec->text_at && r->src_fd >= 0) {
		const char *t = reread_line(r, rec->text_at - 1);

		if (t)
			return t;
	}
	if (rec->op == OP_TOUCH || rec->op == OP_ACCESS) {
		if (!fetch_reserve(r, 256)) {
			trace_format_compact(rec, r->fetch, r->fetchcap);
			return r->fetch;
		}
	}
	return trace_op_name(rec->op);
}

void trace_reader_follow(struct trace_reader *r, bool follow)
{
	r->follow = follow && !r->binary;
}

/* ---- trace convert ----------------------------------------------------------------- */

static int write_text(struct trace_reader *r, FILE *o, uint64_t *nrec, struct nerr *err)
{
	struct trace_record *rec = malloc(sizeof(*rec));
	unsigned long line = 1;
	char buf[512];
	int rc;

	if (!rec)
		return nerr_set(err, "%s: out of host memory", r->path);
	fprintf(o, "%s\n", TRACE_MAGIC);
	rc = trace_next(r, rec, err);
	/* the name and parameters go before the first record, if they fit:
	 * every record stays on its line (line numbers seed random streams) */
	unsigned long room = rc == 1 ? rec->line - 2 : (unsigned long)r->nparams + 1;

	if (room > 0) {
		fprintf(o, "# name: %s\n", r->name);
		line++;
		room--;
	}
	for (int i = 0; i < r->nparams && room > 0; i++, room--, line++)
		fprintf(o, "# param %s=%s\n", r->params[i].name, r->params[i].value);
	for (; rc == 1; rc = trace_next(r, rec, err)) {
		for (; line + 1 < rec->line; line++)
			fputc('\n', o);
		if (rec->text) {
			fputs(rec->text, o);
		} else {
			trace_format_compact(rec, buf, sizeof(buf));
			fputs(buf, o);
		}
		fputc('\n', o);
		line = rec->line;
		(*nrec)++;
	}
	free(rec);
	return rc;
}

static int write_binary(struct trace_reader *r, FILE *o, uint64_t *nrec, struct nerr *err)
{
	struct trace_record *rec = malloc(sizeof(*rec));
	struct bsink s = {.f = o};
	struct bcodec c = {0};
	int rc;

	if (!rec)
		return nerr_set(err, "%s: out of host memory", r->path);
	if (trace_params_relative(r)) {
		free(rec);
		return nerr_set(err,
				"%s: a parameter's value is relative to node memory (P%%nodeN): "
				"give it in bytes with --set to write a binary trace",
				r->path);
	}
	trace_encode_header(&s, r);
	while ((rc = trace_next(r, rec, err)) == 1) {
		if (rec->line - c.prev_line > TRACE_BIN_LINE_GAP) {
			rc = nerr_set(
				err,
				"%s:%lu: more than %d lines after the previous record: a binary "
				"trace keeps records at most that far apart",
				r->path, rec->line, TRACE_BIN_LINE_GAP);
			break;
		}
		trace_encode_record(&s, &c, rec, false);
		if (s.failed)
			break;
	}
	free(rec);
	trace_encode_end(&s, &c);
	sink_flush(&s);
	free(s.mem);
	*nrec = c.nrec;
	if (rc == 0 && s.failed)
		return nerr_set(err, "cannot write: %s", strerror(errno ? errno : EIO));
	return rc;
}

int trace_convert(const char *in, const char *out, const struct trace_params *p, uint64_t *nrecords,
		  bool *to_binary, struct nerr *err)
{
	struct trace_reader *r = trace_open_params(in, p, err);
	char *tmp = NULL;
	FILE *o;
	uint64_t n = 0;
	int rc;

	if (!r)
		return -1;
	*to_binary = !r->binary;
	if (!strcmp(out, "-")) {
		o = stdout;
	} else {
		size_t len = strlen(out) + 16;
		int fd;

		tmp = malloc(len);
		if (!tmp) {
			trace_close(r);
			return nerr_set(err, "%s: out of host memory", out);
		}
		snprintf(tmp, len, "%s.XXXXXX", out);
		fd = mkstemp(tmp);
		mode_t mask = umask(0);

		umask(mask);
		if (fd >= 0 && fchmod(fd, 0666 & ~mask))
			(void)0; /* the mode is a courtesy: mkstemp's 0600 is safe */
		if (fd < 0 || !(o = fdopen(fd, "w"))) {
			nerr_set(err, "%s: cannot write: %s", out, strerror(errno));
			if (fd >= 0) {
				close(fd);
				unlink(tmp);
			}
			free(tmp);
			trace_close(r);
			return -1;
		}
	}
	rc = r->binary ? write_text(r, o, &n, err) : write_binary(r, o, &n, err);
	trace_close(r);
	if (o == stdout) {
		if (fflush(o) && !rc)
			rc = nerr_set(err, "-: cannot write: %s", strerror(errno));
	} else {
		if ((ferror(o) | fclose(o)) && !rc)
			rc = nerr_set(err, "%s: cannot write: %s", out,
				      strerror(errno ? errno : EIO));
		if (!rc && rename(tmp, out))
			rc = nerr_set(err, "%s: cannot write: %s", out, strerror(errno));
		if (rc)
			unlink(tmp);
		free(tmp);
	}
	if (nrecords)
		*nrecords = n;
	return rc ? -1 : 0;
}
