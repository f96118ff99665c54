/*
 * numasim.c - the public API (include/numasim.h, docs/api.md): a thin
 * layer over the internal library. A handle owns one topology, one
 * struct sim and the replay driving it, so handles share nothing.
 *
 * Life of a handle: load a topology, set tunables, give a trace; the
 * first run call (or the first counter or report call) creates the
 * simulation; the first run call opens the trace (replay_begin()
 * validates it whole); run calls advance the replay; reports and
 * counters read the simulation as it is.
 */
#include "numasim.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "core/tunables.h"
#include "report/report.h"
#include "sim.h"
#include "topo/topo.h"
#include "trace/replay.h"
#include "trace/trace.h"

enum trace_kind { TRACE_NONE, TRACE_FILE, TRACE_TEXT };

struct numasim {
	struct topology *topo;
	struct tunables tun; /* until the simulation exists */
	bool check;
	uint64_t timeseries_ns;

	enum trace_kind kind;
	char *trace_path; /* TRACE_FILE: as given */
	char *text;	  /* TRACE_TEXT: the trace so far */
	size_t text_len, text_cap;
	char *text_name;	   /* its name in messages and reports */
	char *tmpdir, *tmpfile;	   /* where the text is while the replay opens it */
	bool stream, stream_ended; /* numasim_trace_stream(), numasim_trace_end() */
	FILE *feed;		   /* a stream's lines after the start go here */
	char *msgpath;		   /* the text trace's file name, for messages */
	unsigned long lines_given; /* numasim_trace_line() calls that added a line */
	bool auto_magic;	   /* the first line was put there, not given */

	struct sim *s;
	struct replay *rp;     /* the replay under way, or NULL */
	struct trace_log *log; /* the finished replay's log (replay_end()), or NULL */
	bool started, done, broken;
	json_t *report; /* cached JSON report, dropped when the sim moves */

	int code;
	struct nerr err;
};

/* ---- errors ------------------------------------------------------------- */

static int ok(numasim_t *h)
{
	h->code = NUMASIM_OK;
	h->err.msg[0] = '\0';
	return NUMASIM_OK;
}

static int fail(numasim_t *h, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(numasim_t *h, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nerr_vset(&h->err, fmt, ap);
	va_end(ap);
	h->code = code;
	return code;
}

/* An internal error already in h->err: its code from its words. */
static int fail_err(numasim_t *h, int code)
{
	if (strstr(h->err.msg, "out of memory") || strstr(h->err.msg, "out of host memory"))
		code = NUMASIM_E_NOMEM;
	h->code = code;
	return code;
}

NUMASIM_EXPORT int numasim_api_version(void)
{
	return NUMASIM_API_VERSION;
}

NUMASIM_EXPORT const char *numasim_version(void)
{
	return NUMASIM_VERSION;
}

NUMASIM_EXPORT const char *numasim_errmsg(const numasim_t *h)
{
	return h ? h->err.msg : "numasim: no handle (NULL)";
}

NUMASIM_EXPORT int numasim_errcode(const numasim_t *h)
{
	return h ? h->code : NUMASIM_E_ARG;
}

NUMASIM_EXPORT const char *numasim_strerror(int code)
{
	switch (code) {
	case NUMASIM_OK:
		return "success";
	case NUMASIM_E_ARG:
		return "bad argument";
	case NUMASIM_E_INPUT:
		return "bad input";
	case NUMASIM_E_STATE:
		return "call out of order";
	case NUMASIM_E_NOTFOUND:
		return "not found";
	case NUMASIM_E_IO:
		return "input/output error";
	case NUMASIM_E_NOMEM:
		return "out of memory";
	default:
		return "unknown error";
	}
}

static int stream_line(numasim_t *h, const char *line, size_t n);
static bool magic_given(numasim_t *h, const char *line, size_t n);

/* ---- handles -------------------------------------------------------------- */

NUMASIM_EXPORT numasim_t *numasim_create(void)
{
	numasim_t *h = calloc(1, sizeof(*h));

	if (h)
		tunables_init(&h->tun);
	return h;
}

static void drop_report(numasim_t *h)
{
	if (h->report)
		json_decref(h->report);
	h->report = NULL;
}

static void remove_tmp(numasim_t *h)
{
	if (h->tmpfile)
		unlink(h->tmpfile);
	if (h->tmpdir)
		rmdir(h->tmpdir);
	free(h->tmpfile);
	free(h->tmpdir);
	h->tmpfile = h->tmpdir = NULL;
}

NUMASIM_EXPORT void numasim_destroy(numasim_t *h)
{
	if (!h)
		return;
	drop_report(h);
	trace_log_free(replay_end(h->rp));
	trace_log_free(h->log);
	if (h->feed)
		fclose(h->feed);
	sim_destroy(h->s);
	topo_free(h->topo);
	remove_tmp(h);
	free(h->trace_path);
	free(h->text);
	free(h->text_name);
	free(h->msgpath);
	free(h);
}

/* ---- the machine ------------------------------------------------------------ */

static int topo_loaded(numasim_t *h, const char *what)
{
	if (h->topo)
		return fail(h, NUMASIM_E_STATE, "%s: a topology is already loaded (%s)", what,
			    h->topo->name);
	return NUMASIM_OK;
}

NUMASIM_EXPORT int numasim_load_topology(numasim_t *h, const char *path_or_name)
{
	char path[4096];

	if (!h)
		return NUMASIM_E_ARG;
	if (!path_or_name || !*path_or_name)
		return fail(h, NUMASIM_E_ARG, "numasim_load_topology: no topology given");
	if (topo_loaded(h, path_or_name))
		return h->code;
	if (topo_resolve(path_or_name, path, sizeof(path), &h->err))
		return fail_err(h, NUMASIM_E_NOTFOUND);
	if (access(path, R_OK) != 0)
		return fail(h, errno == ENOENT ? NUMASIM_E_NOTFOUND : NUMASIM_E_IO,
			    "%s: cannot open: %s", path, strerror(errno));
	if (topo_load(path, &h->topo, &h->err, NULL, NULL)) {
		h->topo = NULL;
		return fail_err(h, NUMASIM_E_INPUT);
	}
	return ok(h);
}

NUMASIM_EXPORT int numasim_load_topology_string(numasim_t *h, const char *json, const char *name)
{
	if (!h)
		return NUMASIM_E_ARG;
	if (!json)
		return fail(h, NUMASIM_E_ARG, "numasim_load_topology_string: no text given");
	if (topo_loaded(h, name ? name : "string"))
		return h->code;
	if (topo_load_string(json, name ? name : "string", &h->topo, &h->err, NULL, NULL)) {
		h->topo = NULL;
		return fail_err(h, NUMASIM_E_INPUT);
	}
	return ok(h);
}

NUMASIM_EXPORT int numasim_nr_nodes(const numasim_t *h)
{
	return h && h->topo ? h->topo->nr_nodes : 0;
}

/* The simulation, created on first need from the topology and tunables. */
static int ensure_sim(numasim_t *h)
{
	if (h->s)
		return NUMASIM_OK;
	if (!h->topo)
		return fail(h, NUMASIM_E_STATE, "no topology loaded (numasim_load_topology first)");
	h->s = sim_create(h->topo, &h->tun, &h->err);
	if (!h->s)
		return fail_err(h, NUMASIM_E_NOMEM);
	h->s->check = h->check;
	if (h->check && sim_check(h->s, &h->err)) {
		h->broken = true;
		return fail_err(h, NUMASIM_E_INPUT);
	}
	return NUMASIM_OK;
}

/* ---- tunables --------------------------------------------------------------- */

NUMASIM_EXPORT int numasim_set(numasim_t *h, const char *name, const char *value)
{
	if (!h)
		return NUMASIM_E_ARG;
	if (!name || !value)
		return fail(h, NUMASIM_E_ARG, "numasim_set: name and value are needed");
	int id = tunable_find(name);

	if (id < 0)
		return fail(h, NUMASIM_E_NOTFOUND,
			    "unknown tunable '%s' (see numasim tunables, docs/cli.md)", name);
	if (!h->s) {
		if (tunable_set(&h->tun, id, value, &h->err))
			return fail_err(h, NUMASIM_E_INPUT);
		return ok(h);
	}
	/* A running simulation: what a `sysctl` record does. */
	if (tunable_set(&h->s->tun, id, value, &h->err))
		return fail_err(h, NUMASIM_E_INPUT);
	sim_tunables_changed(h->s, id);
	drop_report(h);
	return ok(h);
}

NUMASIM_EXPORT int numasim_set_kv(numasim_t *h, const char *kv)
{
	if (!h)
		return NUMASIM_E_ARG;
	const char *eq = kv ? strchr(kv, '=') : NULL;

	if (!eq || eq == kv)
		return fail(h, NUMASIM_E_ARG, "'%s': expected name=value", kv ? kv : "(null)");
	char name[256];

	if ((size_t)(eq - kv) >= sizeof(name))
		return fail(h, NUMASIM_E_NOTFOUND, "unknown tunable '%.*s'", (int)(eq - kv), kv);
	memcpy(name, kv, (size_t)(eq - kv));
	name[eq - kv] = '\0';
	return numasim_set(h, name, eq + 1);
}

NUMASIM_EXPORT int numasim_get(numasim_t *h, const char *name, int64_t *value)
{
	if (!h)
		return NUMASIM_E_ARG;
	if (!name || !value)
		return fail(h, NUMASIM_E_ARG, "numasim_get: name and value are needed");
	int id = tunable_find(name);

	if (id < 0)
		return fail(h, NUMASIM_E_NOTFOUND, "unknown tunable '%s'", name);
	if (h->s && id == TUN_MIN_FREE_KBYTES)
		*value = (int64_t)h->s->min_free_kbytes; /* the value in force when auto */
	else
		*value = (h->s ? &h->s->tun : &h->tun)->v[id];
	return ok(h);
}

NUMASIM_EXPORT int numasim_set_check(numasim_t *h, int on)
{
	if (!h)
		return NUMASIM_E_ARG;
	h->check = on != 0;
	if (h->s)
		h->s->check = h->check;
	return ok(h);
}

NUMASIM_EXPORT int numasim_set_timeseries(numasim_t *h, uint64_t interval_ns)
{
	if (!h)
		return NUMASIM_E_ARG;
	if (h->started)
		return fail(h, NUMASIM_E_STATE, "numasim_set_timeseries: the run has begun");
	h->timeseries_ns = interval_ns;
	return ok(h);
}

/* ---- the workload ------------------------------------------------------------ */

static int trace_settable(numasim_t *h, enum trace_kind kind)
{
	if (h->started)
		return fail(h, NUMASIM_E_STATE,
			    "the run has begun: the trace is read whole first, "
			    "give it before numasim_run");
	if (h->kind != TRACE_NONE && h->kind != kind)
		return fail(h, NUMASIM_E_STATE, "this handle already has a trace from %s",
			    h->kind == TRACE_FILE ? "a file" : "text");
	return NUMASIM_OK;
}

NUMASIM_EXPORT int numasim_trace_file(numasim_t *h, const char *path_or_name)
{
	struct nerr e;

	if (!h)
		return NUMASIM_E_ARG;
	if (!path_or_name || !*path_or_name)
		return fail(h, NUMASIM_E_ARG, "numasim_trace_file: no trace given");
	if (trace_settable(h, TRACE_FILE))
		return h->code;
	struct trace_reader *rd = trace_open(path_or_name, &e);

	if (!rd) {
		h->err = e;
		struct stat st;

		return fail_err(h, stat(path_or_name, &st) != 0 && errno == ENOENT
					   ? NUMASIM_E_NOTFOUND
					   : NUMASIM_E_INPUT);
	}
	char *p = strdup(trace_path(rd));

	trace_close(rd);
	if (!p)
		return fail(h, NUMASIM_E_NOMEM, "out of memory");
	free(h->trace_path);
	h->trace_path = p;
	h->kind = TRACE_FILE;
	return ok(h);
}

static int text_append(numasim_t *h, const char *s, size_t n)
{
	if (h->text_len + n + 1 > h->text_cap) {
		size_t cap = h->text_cap ? h->text_cap : 4096;

		while (cap < h->text_len + n + 1)
			cap *= 2;
		char *t = realloc(h->text, cap);

		if (!t)
			return fail(h, NUMASIM_E_NOMEM, "out of memory");
		h->text = t;
		h->text_cap = cap;
	}
	memcpy(h->text + h->text_len, s, n);
	h->text_len += n;
	h->text[h->text_len] = '\0';
	return NUMASIM_OK;
}

static int set_text_name(numasim_t *h, const char *name)
{
	if (h->text_name)
		return NUMASIM_OK;
	const char *n = name && *name ? name : "string";

	if (strchr(n, '/') || n[0] == '.')
		return fail(h, NUMASIM_E_ARG,
			    "'%s': a trace name is a plain word (no '/', no leading '.')", n);
	h->text_name = strdup(n);
	return h->text_name ? NUMASIM_OK : fail(h, NUMASIM_E_NOMEM, "out of memory");
}

NUMASIM_EXPORT int numasim_trace_string(numasim_t *h, const char *text, const char *name)
{
	if (!h)
		return NUMASIM_E_ARG;
	if (!text)
		return fail(h, NUMASIM_E_ARG, "numasim_trace_string: no text given");
	if (trace_settable(h, TRACE_TEXT))
		return h->code;
	if (h->text_len)
		return fail(h, NUMASIM_E_STATE, "this handle already has a trace from text");
	if (set_text_name(h, name) || text_append(h, text, strlen(text)))
		return h->code;
	h->kind = TRACE_TEXT;
	return ok(h);
}

NUMASIM_EXPORT int numasim_trace_line(numasim_t *h, const char *line)
{
	if (!h)
		return NUMASIM_E_ARG;
	if (!line)
		return fail(h, NUMASIM_E_ARG, "numasim_trace_line: no line given");
	size_t n = strcspn(line, "\n");

	if (line[n] == '\n' && line[n + 1])
		return fail(h, NUMASIM_E_ARG, "numasim_trace_line: one line at a time");
	if (h->started && h->stream && !h->stream_ended)
		return stream_line(h, line, n);
	if (trace_settable(h, TRACE_TEXT) || set_text_name(h, NULL))
		return h->code;
	h->kind = TRACE_TEXT;
	if (magic_given(h, line, n))
		return ok(h);
	if (h->text_len == 0) {
		if (text_append(h, TRACE_MAGIC "\n", strlen(TRACE_MAGIC) + 1))
			return h->code;
		h->auto_magic = true;
	}
	if (text_append(h, line, n) || text_append(h, "\n", 1))
		return h->code;
	h->lines_given++;
	return ok(h);
}

/* The first line given is the magic line the handle already put first:
 * it stays line 1 (line numbers name records in messages and seed their
 * random streams, docs/trace-format.md). */
static bool magic_given(numasim_t *h, const char *line, size_t n)
{
	bool magic = n == strlen(TRACE_MAGIC) && !strncmp(line, TRACE_MAGIC, n);

	if (!magic || h->lines_given)
		return false;
	h->lines_given++;
	if (h->text_len == 0)
		return text_append(h, TRACE_MAGIC "\n", strlen(TRACE_MAGIC) + 1) == NUMASIM_OK;
	return h->auto_magic;
}

/* A line for a stream that is running: appended to the file the replay
 * reads, which then reads on. */
static int stream_line(numasim_t *h, const char *line, size_t n)
{
	if (h->broken || !h->feed || !h->rp)
		return fail(h, NUMASIM_E_STATE, "the simulation stopped; no more lines");
	if (magic_given(h, line, n))
		return ok(h);
	h->lines_given++;
	if (fwrite(line, 1, n, h->feed) != n || fputc('\n', h->feed) == EOF || fflush(h->feed))
		return fail(h, NUMASIM_E_IO, "%s: cannot write: %s", h->text_name, strerror(errno));
	replay_more_input(h->rp);
	drop_report(h);
	return ok(h);
}

NUMASIM_EXPORT int numasim_trace_stream(numasim_t *h)
{
	if (!h)
		return NUMASIM_E_ARG;
	if (trace_settable(h, TRACE_TEXT) || set_text_name(h, NULL))
		return h->code;
	h->kind = TRACE_TEXT;
	h->stream = true;
	return ok(h);
}

NUMASIM_EXPORT int numasim_trace_end(numasim_t *h)
{
	if (!h)
		return NUMASIM_E_ARG;
	if (!h->stream)
		return fail(h, NUMASIM_E_STATE, "numasim_trace_end: the trace is not a stream");
	h->stream_ended = true;
	if (h->rp)
		replay_set_stream(h->rp, false);
	if (h->feed) {
		fclose(h->feed);
		h->feed = NULL;
	}
	return ok(h);
}

/* Writes the text trace to <tmp>/numasim-XXXXXX/NAME.trace: the reader
 * reads files; the file's name is the workload's default name. */
static int write_tmp_trace(numasim_t *h)
{
	const char *base = getenv("TMPDIR");
	size_t n = strlen(base && *base ? base : "/tmp") + 32;

	if (!(h->tmpdir = malloc(n)))
		return fail(h, NUMASIM_E_NOMEM, "out of memory");
	snprintf(h->tmpdir, n, "%s/numasim-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(h->tmpdir)) {
		free(h->tmpdir);
		h->tmpdir = NULL;
		return fail(h, NUMASIM_E_IO, "cannot make a temporary directory: %s",
			    strerror(errno));
	}
	n = strlen(h->tmpdir) + strlen(h->text_name) + 16;
	if (!(h->tmpfile = malloc(n)))
		return fail(h, NUMASIM_E_NOMEM, "out of memory");
	snprintf(h->tmpfile, n, "%s/%s.trace", h->tmpdir, h->text_name);
	FILE *f = fopen(h->tmpfile, "w");
	bool good = f && fwrite(h->text, 1, h->text_len, f) == h->text_len;

	if (f && fclose(f) != 0)
		good = false;
	if (!good)
		return fail(h, NUMASIM_E_IO, "%s: cannot write: %s", h->tmpfile, strerror(errno));
	return NUMASIM_OK;
}

/* Messages about a text trace name it, not the temporary file. */
static void untmp_message(numasim_t *h)
{
	char *p;

	const char *tmp = h->tmpfile ? h->tmpfile : h->msgpath;

	if (!tmp || !(p = strstr(h->err.msg, tmp)))
		return;
	char out[NERR_MSG_MAX];

	snprintf(out, sizeof(out), "%.*s%s%s", (int)(p - h->err.msg), h->err.msg, h->text_name,
		 p + strlen(tmp));
	snprintf(h->err.msg, sizeof(h->err.msg), "%s", out);
}

/* ---- running ------------------------------------------------------------------- */

static int start(numasim_t *h)
{
	struct replay_opts opts = {.progress = false, .timeseries_ns = h->timeseries_ns};
	const char *path;

	if (ensure_sim(h))
		return h->code;
	h->started = true;
	if (h->kind == TRACE_NONE && set_text_name(h, "empty"))
		return h->code;
	if (h->kind == TRACE_NONE || (h->kind == TRACE_TEXT && h->text_len == 0)) {
		if (text_append(h, TRACE_MAGIC "\n", strlen(TRACE_MAGIC) + 1))
			return h->code;
		h->auto_magic = true;
		h->kind = TRACE_TEXT;
	}
	/* a stream's next line must not join the text's last one */
	if (h->stream && h->text_len && h->text[h->text_len - 1] != '\n' && text_append(h, "\n", 1))
		return h->code;
	if (h->kind == TRACE_TEXT && write_tmp_trace(h)) {
		h->broken = true;
		remove_tmp(h);
		return h->code;
	}
	path = h->kind == TRACE_TEXT ? h->tmpfile : h->trace_path;
	trace_log_free(h->log);
	h->log = NULL;
	h->rp = replay_begin(h->s, path, &opts, &h->err);
	untmp_message(h);
	if (h->rp && h->stream && !h->stream_ended) {
		/* the writing end, opened before the name goes */
		if (!(h->feed = fopen(h->tmpfile, "a"))) {
			fail(h, NUMASIM_E_IO, "%s: cannot append: %s", h->tmpfile, strerror(errno));
			remove_tmp(h);
			h->broken = true;
			return h->code;
		}
		replay_set_stream(h->rp, true);
	}
	/* the reader (and the feed) have it open; messages name the trace */
	if (h->tmpfile && !(h->msgpath = strdup(h->tmpfile))) {
		remove_tmp(h);
		h->broken = true;
		return fail(h, NUMASIM_E_NOMEM, "out of memory");
	}
	remove_tmp(h);
	if (!h->rp) {
		h->broken = true;
		return fail_err(h, NUMASIM_E_INPUT);
	}
	return NUMASIM_OK;
}

NUMASIM_EXPORT int numasim_run_until(numasim_t *h, uint64_t time_ns)
{
	if (!h)
		return NUMASIM_E_ARG;
	if (h->broken)
		return fail(h, NUMASIM_E_STATE,
			    "the simulation stopped on an error; make a new handle");
	if (!h->started && start(h))
		return h->code;
	drop_report(h);
	if (h->done) {
		if (time_ns != UINT64_MAX)
			engine_run_until(&h->s->eng, time_ns); /* the machine idles on */
		return ok(h);
	}
	int rc = replay_advance(h->rp, time_ns, &h->err);

	if (rc < 0) {
		h->broken = true;
		untmp_message(h);
		return fail_err(h, NUMASIM_E_INPUT);
	}
	if (rc == 1) {
		h->done = true;
		h->log = replay_end(h->rp);
		h->rp = NULL;
		if (time_ns != UINT64_MAX)
			engine_run_until(&h->s->eng, time_ns);
	}
	return ok(h);
}

NUMASIM_EXPORT int numasim_run(numasim_t *h)
{
	return numasim_run_until(h, UINT64_MAX);
}

NUMASIM_EXPORT int numasim_done(const numasim_t *h)
{
	return h && h->done;
}

NUMASIM_EXPORT uint64_t numasim_now(const numasim_t *h)
{
	return h && h->s ? sim_now(h->s) : 0;
}

/* ---- counters --------------------------------------------------------------------- */

/* The log of the replay under way, or of the one that finished. */
static const struct trace_log *run_log(const numasim_t *h)
{
	return h->rp ? replay_log(h->rp) : h->log;
}

/* The JSON report of the simulation as it is, built once per state. */
static json_t *report_of(numasim_t *h)
{
	if (ensure_sim(h))
		return NULL;
	if (!h->report && !(h->report = report_json(h->s, run_log(h))))
		fail(h, NUMASIM_E_NOMEM, "out of memory building the report");
	return h->report;
}

/* Follows "a.b.0.c" from j: object keys and array indices. */
static json_t *json_path(json_t *j, const char *path)
{
	char key[256];

	while (j && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (json_is_array(j)) {
			char *end;
			long i = strtol(key, &end, 10);

			j = (*key && !*end && i >= 0) ? json_array_get(j, (size_t)i) : NULL;
		} else {
			j = json_object_get(j, key);
		}
		path += n;
		if (*path == '.')
			path++;
	}
	return j;
}

static int number_at(numasim_t *h, json_t *root, const char *path, const char *what, double *d,
		     int64_t *i)
{
	json_t *v = root ? json_path(root, path) : NULL;

	if (!root)
		return h->code;
	if (!v || !json_is_number(v))
		return fail(h, NUMASIM_E_NOTFOUND, "no counter '%s'%s", path, what);
	if (d)
		*d = json_number_value(v);
	if (i)
		*i = json_is_integer(v) ? (int64_t)json_integer_value(v)
					: (int64_t)json_number_value(v);
	return ok(h);
}

NUMASIM_EXPORT int numasim_counter(numasim_t *h, const char *path, double *value)
{
	if (!h)
		return NUMASIM_E_ARG;
	if (!path || !value)
		return fail(h, NUMASIM_E_ARG, "numasim_counter: path and value are needed");
	return number_at(h, report_of(h), path, " in the report (docs/report.md)", value, NULL);
}

static int check_node(numasim_t *h, int node, const char *what)
{
	if (!h->topo)
		return fail(h, NUMASIM_E_STATE, "no topology loaded (numasim_load_topology first)");
	if (node < 0 || node >= h->topo->nr_nodes)
		return fail(h, NUMASIM_E_ARG,
			    "%s: node %d does not exist on topology %s (%d nodes)", what, node,
			    h->topo->name, h->topo->nr_nodes);
	return NUMASIM_OK;
}

NUMASIM_EXPORT int numasim_node_counter(numasim_t *h, int node, const char *name, int64_t *value)
{
	char path[300];

	if (!h)
		return NUMASIM_E_ARG;
	if (!name || !value || strchr(name, '.'))
		return fail(h, NUMASIM_E_ARG,
			    "numasim_node_counter: a counter name and value are needed");
	if (check_node(h, node, "numasim_node_counter"))
		return h->code;
	json_t *r = report_of(h);

	if (!r)
		return h->code;
	snprintf(path, sizeof(path), "nodes.%d.%s", node, name);
	if (json_path(r, path))
		return number_at(h, r, path, "", NULL, value);
	snprintf(path, sizeof(path), "nodes.%d.numastat.%s", node, name);
	return number_at(h, r, path, "", NULL, value);
}

NUMASIM_EXPORT int numasim_vmstat(numasim_t *h, const char *name, int64_t *value)
{
	uint64_t v;

	if (!h)
		return NUMASIM_E_ARG;
	if (!name || !value)
		return fail(h, NUMASIM_E_ARG, "numasim_vmstat: name and value are needed");
	if (ensure_sim(h))
		return h->code;
	if (report_vmstat_value(h->s, name, &v))
		return fail(h, NUMASIM_E_NOTFOUND, "no vmstat counter '%s'", name);
	*value = (int64_t)v;
	return ok(h);
}

NUMASIM_EXPORT int numasim_access_count(numasim_t *h, int cpu_node, int mem_node, int64_t *value)
{
	if (!h)
		return NUMASIM_E_ARG;
	if (!value)
		return fail(h, NUMASIM_E_ARG, "numasim_access_count: value is needed");
	if (check_node(h, cpu_node, "numasim_access_count") ||
	    check_node(h, mem_node, "numasim_access_count") || ensure_sim(h))
		return h->code;
	*value = (int64_t)h->s->acc.matrix[cpu_node * h->topo->nr_nodes + mem_node];
	return ok(h);
}

NUMASIM_EXPORT int numasim_nr_tasks(numasim_t *h)
{
	if (!h)
		return NUMASIM_E_ARG;
	json_t *r = report_of(h);

	if (!r)
		return h->code;
	ok(h);
	return (int)json_array_size(json_object_get(r, "tasks"));
}

NUMASIM_EXPORT int numasim_task_pid(numasim_t *h, int i)
{
	if (!h)
		return NUMASIM_E_ARG;
	json_t *r = report_of(h);

	if (!r)
		return h->code;
	json_t *t = i >= 0 ? json_array_get(json_object_get(r, "tasks"), (size_t)i) : NULL;

	if (!t)
		return fail(h, NUMASIM_E_NOTFOUND, "no task number %d", i);
	ok(h);
	return (int)json_integer_value(json_object_get(t, "pid"));
}

NUMASIM_EXPORT int numasim_task_counter(numasim_t *h, int pid, const char *name, int64_t *value)
{
	if (!h)
		return NUMASIM_E_ARG;
	if (!name || !value)
		return fail(h, NUMASIM_E_ARG, "numasim_task_counter: name and value are needed");
	json_t *r = report_of(h), *t;
	size_t i;

	if (!r)
		return h->code;
	json_array_foreach(json_object_get(r, "tasks"), i, t)
	{
		if (json_integer_value(json_object_get(t, "pid")) == pid)
			return number_at(h, t, name, "", NULL, value) == NUMASIM_OK
				       ? NUMASIM_OK
				       : fail(h, NUMASIM_E_NOTFOUND, "task %d has no counter '%s'",
					      pid, name);
	}
	return fail(h, NUMASIM_E_NOTFOUND, "no task with pid %d", pid);
}

NUMASIM_EXPORT int64_t numasim_expects_passed(numasim_t *h)
{
	const struct trace_log *log = h ? run_log(h) : NULL;

	return log ? (int64_t)log->expects_passed : 0;
}

NUMASIM_EXPORT int64_t numasim_expects_failed(numasim_t *h)
{
	const struct trace_log *log = h ? run_log(h) : NULL;

	return log ? (int64_t)log->expects_failed : 0;
}

/* ---- reports -------------------------------------------------------------------- */

static int write_report(numasim_t *h, const char *format, FILE *out)
{
	int rc = 0;

	if (!strcmp(format, "text"))
		report_write_text(h->s, run_log(h), out);
	else if (!strcmp(format, "json"))
		rc = report_write_json(h->s, run_log(h), out);
	else
		report_write_html(h->s, run_log(h), out);
	if (rc || ferror(out))
		return fail(h, NUMASIM_E_IO, "writing the %s report failed", format);
	return ok(h);
}

static int report_args(numasim_t *h, const char *format)
{
	if (!format || (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "html")))
		return fail(h, NUMASIM_E_ARG, "unknown report format '%s' (text, json or html)",
			    format ? format : "(null)");
	return ensure_sim(h);
}

NUMASIM_EXPORT int numasim_report_file(numasim_t *h, const char *format, FILE *out)
{
	if (!h)
		return NUMASIM_E_ARG;
	if (!out)
		return fail(h, NUMASIM_E_ARG, "numasim_report_file: no FILE given");
	if (report_args(h, format))
		return h->code;
	return write_report(h, format, out);
}

NUMASIM_EXPORT int numasim_report_path(numasim_t *h, const char *format, const char *path)
{
	if (!h)
		return NUMASIM_E_ARG;
	if (!path || !*path)
		return fail(h, NUMASIM_E_ARG, "numasim_report_path: no path given");
	if (report_args(h, format))
		return h->code;
	size_t n = strlen(path) + 32;
	char *tmp = malloc(n);

	if (!tmp)
		return fail(h, NUMASIM_E_NOMEM, "out of memory");
	snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");

	if (!f) {
		fail(h, NUMASIM_E_IO, "%s: cannot write: %s", path, strerror(errno));
		free(tmp);
		return h->code;
	}
	int rc = write_report(h, format, f);

	if (fclose(f) != 0 && rc == NUMASIM_OK)
		rc = fail(h, NUMASIM_E_IO, "%s: write failed: %s", path, strerror(errno));
	if (rc == NUMASIM_OK && rename(tmp, path) != 0)
		rc = fail(h, NUMASIM_E_IO, "%s: cannot rename into place: %s", path,
			  strerror(errno));
	if (rc != NUMASIM_OK)
		unlink(tmp);
	free(tmp);
	return rc;
}

NUMASIM_EXPORT int numasim_report_buffer(numasim_t *h, const char *format, char **buf, size_t *len)
{
	char *b = NULL;
	size_t n = 0;

	if (!h)
		return NUMASIM_E_ARG;
	if (!buf)
		return fail(h, NUMASIM_E_ARG, "numasim_report_buffer: no buffer pointer given");
	*buf = NULL;
	if (report_args(h, format))
		return h->code;
	FILE *f = open_memstream(&b, &n);

	if (!f)
		return fail(h, NUMASIM_E_NOMEM, "out of memory");
	int rc = write_report(h, format, f);

	if (fclose(f) != 0 && rc == NUMASIM_OK)
		rc = fail(h, NUMASIM_E_NOMEM, "out of memory writing the report");
	if (rc != NUMASIM_OK) {
		free(b);
		return rc;
	}
	*buf = b;
	if (len)
		*len = n;
	return NUMASIM_OK;
}

NUMASIM_EXPORT void numasim_free(void *p)
{
	free(p);
}
