#include "report/explain.h"

#include <stdlib.h>
#include <string.h>

#include "trace/trace.h"

#define SEEN_MAX 64
#define SIGS_MAX 4096 /* record shapes remembered (decisions level) */
#define KINDS_MAX 256 /* distinct decisions tallied (summary level) */
#define OPS_MAX 64

struct kind {
	uint64_t hash, count;
	char *text;
};

struct explain {
	FILE *out;
	struct explain_filter f;
	/* the record being narrated */
	bool open, paused, visible;
	unsigned long line;
	int pid, op;
	char header[600];
	char *body; /* its decision lines */
	size_t body_len, body_cap;
	uint64_t seen[SEEN_MAX];
	unsigned nseen;
	uint64_t repeats; /* decision lines counted, not kept */
	/* records whose shape was printed before are counted here */
	uint64_t sigs[SIGS_MAX];
	unsigned nsigs;
	uint64_t collapsed;
	unsigned long collapsed_first, collapsed_last;
	uint64_t recent[16]; /* (line, pid) of records counted lately: a resumed */
	unsigned nrecent;    /* record is not counted twice */
	/* summary level: records per op and a tally of decisions */
	uint64_t op_count[OPS_MAX];
	struct kind kinds[KINDS_MAX];
	unsigned nkinds;
	uint64_t other_kinds;
	bool summarized;
};

static uint64_t hash_str(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) /* FNV-1a */
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

struct explain *explain_create(FILE *out, const struct explain_filter *f)
{
	struct explain *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->out = out;
	x->f = *f;
	return x;
}

static bool in_window(const struct explain *x, uint64_t now)
{
	return now >= x->f.from_ns && now < x->f.to_ns;
}

static void body_add(struct explain *x, const char *s)
{
	size_t n = strlen(s);

	if (x->body_len + n + 1 > x->body_cap) {
		size_t cap = x->body_cap ? x->body_cap * 2 : 1024;
		char *b;

		while (cap < x->body_len + n + 1)
			cap *= 2;
		if (!(b = realloc(x->body, cap)))
			return; /* narration is best effort: a line is lost */
		x->body = b;
		x->body_cap = cap;
	}
	memcpy(x->body + x->body_len, s, n + 1);
	x->body_len += n;
}

static void flush_collapsed(struct explain *x)
{
	if (!x->collapsed)
		return;
	if (x->collapsed == 1)
		fprintf(x->out, "  ... 1 more record narrated like one above (line %lu)\n",
			x->collapsed_first);
	else
		fprintf(x->out,
			"  ... %llu more records narrated like ones above (lines %lu to %lu)\n",
			(unsigned long long)x->collapsed, x->collapsed_first, x->collapsed_last);
	x->collapsed = 0;
}

/* text with the digits of "pid 123" replaced by "N", into out (len > 0):
 * cc1 number 140 is placed the way number 100 was. */
static void strip_pids(const char *text, size_t n, char *out, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < len; i++) {
		out[o++] = text[i];
		if (i >= 3 && !strncmp(text + i - 3, "pid ", 4) && text[i + 1] >= '0' &&
		    text[i + 1] <= '9') {
			while (i + 1 < n && text[i + 1] >= '0' && text[i + 1] <= '9')
				i++;
			if (o + 1 < len)
				out[o++] = 'N';
		}
	}
	out[o] = '\0';
}

/* The shape of a record: its op and its decisions, pids left out. */
static uint64_t record_sig(const struct explain *x)
{
	uint64_t h = hash_str(1469598103934665603ULL, (const char *)&x->op, sizeof(x->op));
	const char *b = x->body ? x->body : "";
	char chunk[600];

	for (size_t i = 0; i < x->body_len;) {
		size_t n = strcspn(b + i, "\n") + 1;

		strip_pids(b + i, n, chunk, sizeof(chunk));
		h = hash_str(h, chunk, strlen(chunk));
		i += n;
	}
	return h;
}

/* True when a record of this shape was printed before (and remembers it). */
static bool shape_seen(struct explain *x, uint64_t sig)
{
	for (unsigned i = 0; i < x->nsigs; i++)
		if (x->sigs[i] == sig)
			return true;
	if (x->nsigs < SIGS_MAX)
		x->sigs[x->nsigs++] = sig;
	return false;
}

/* Prints the record narrated, or counts it when one like it was printed. */
static void end_record(struct explain *x)
{
	if (!x->open)
		return;
	x->open = false;
	if (!x->visible || x->f.level != EXPLAIN_DECISIONS)
		return; /* all: printed as it went; summary: tallied */
	if (shape_seen(x, record_sig(x))) {
		uint64_t key = (uint64_t)x->line << 32 | (uint32_t)x->pid;

		for (unsigned i = 0; i < x->nrecent && i < 16; i++)
			if (x->recent[i] == key)
				return; /* a resumed record already counted */
		x->recent[x->nrecent++ % 16] = key;
		if (!x->collapsed++ || x->line < x->collapsed_first)
			x->collapsed_first = x->line;
		if (x->collapsed == 1 || x->line > x->collapsed_last)
			x->collapsed_last = x->line;
		return;
	}
	flush_collapsed(x);
	x->recent[x->nrecent++ % 16] = (uint64_t)x->line << 32 | (uint32_t)x->pid;
	fputs(x->header, x->out);
	if (x->body_len)
		fputs(x->body, x->out);
	if (x->repeats)
		fprintf(x->out, "    ... and %llu more decision%s like those above\n",
			(unsigned long long)x->repeats, x->repeats > 1 ? "s" : "");
}

static void tally(struct explain *x, const char *raw)
{
	char line[600];

	strip_pids(raw, strlen(raw), line, sizeof(line));
	uint64_t h = hash_str(1469598103934665603ULL, line, strlen(line));

	for (unsigned i = 0; i < x->nkinds; i++) {
		if (x->kinds[i].hash == h) {
			x->kinds[i].count++;
			return;
		}
	}
	if (x->nkinds == KINDS_MAX || !(x->kinds[x->nkinds].text = strdup(line))) {
		x->other_kinds++;
		return;
	}
	x->kinds[x->nkinds].hash = h;
	x->kinds[x->nkinds++].count = 1;
}

void explain_record_begin(struct explain *x, uint64_t now, unsigned long line, int pid, int op,
			  const char *text)
{
	if (!x)
		return;
	if (x->open && x->paused && x->line == line && x->pid == pid) {
		x->paused = false; /* resumed after blocking: one narration */
		return;
	}
	end_record(x);
	x->open = true;
	x->paused = false;
	x->line = line;
	x->pid = pid;
	x->op = op;
	x->body_len = 0;
	if (x->body)
		x->body[0] = '\0';
	x->nseen = 0;
	x->repeats = 0;
	/* global records (pid 0: sysctl, file, snapshot, expect) stay visible */
	x->visible = in_window(x, now) && (x->f.pid < 0 || x->f.pid == pid || pid <= 0);
	if (x->visible && x->f.level == EXPLAIN_SUMMARY && op >= 0 && op < OPS_MAX) {
		x->op_count[op]++;
	}
	snprintf(x->header, sizeof(x->header), "t=%.6f ms  line %lu: %s\n", (double)now / 1e6, line,
		 text);
	if (x->visible && x->f.level == EXPLAIN_ALL)
		fputs(x->header, x->out);
}

void explain_record_pause(struct explain *x)
{
	if (x && x->open)
		x->paused = true;
}

static bool seen_before(struct explain *x, const char *line)
{
	uint64_t h = hash_str(1469598103934665603ULL, line, strlen(line));

	for (unsigned i = 0; i < x->nseen; i++)
		if (x->seen[i] == h)
			return true;
	if (x->nseen < SEEN_MAX)
		x->seen[x->nseen++] = h;
	return false;
}

void explain_line(struct explain *x, uint64_t now, const char *line, bool important)
{
	if (!x)
		return;
	if (x->open && x->paused) {
		end_record(x); /* a background decision between records */
	}
	if (!x->open) {
		/* kswapd, writeback, NUMA scans: no record is running */
		if (x->f.pid >= 0 || !in_window(x, now))
			return;
		if (x->f.level == EXPLAIN_SUMMARY) {
			important ? (void)fputs(line, x->out) : tally(x, line);
			return;
		}
		if (x->f.level == EXPLAIN_DECISIONS) {
			/* each distinct background decision is told once */
			char norm[600];

			strip_pids(line, strlen(line), norm, sizeof(norm));
			if (shape_seen(x, hash_str(0x6267ULL, norm, strlen(norm))))
				return;
			flush_collapsed(x);
		}
		fputs(line, x->out);
		return;
	}
	if (!x->visible)
		return;
	if (x->f.level == EXPLAIN_ALL) {
		fputs(line, x->out);
		return;
	}
	if (x->f.level == EXPLAIN_SUMMARY) {
		if (important)
			fprintf(x->out, "%s%s", x->header, line);
		else
			tally(x, line);
		return;
	}
	if (seen_before(x, line)) {
		x->repeats++;
		return;
	}
	body_add(x, line);
}

/* The summary level's digest: records per op, then each distinct
 * decision with how often it was taken, in order of first appearance. */
static void print_summary(struct explain *x)
{
	uint64_t total = 0;
	const char *sep = "";

	for (int i = 0; i < OPS_MAX; i++)
		total += x->op_count[i];
	fprintf(x->out, "%llu record%s:", (unsigned long long)total, total == 1 ? "" : "s");
	for (int i = 0; i < OPS_MAX; i++) {
		if (!x->op_count[i])
			continue;
		fprintf(x->out, "%s %llu %s", sep, (unsigned long long)x->op_count[i],
			trace_op_name((enum trace_op)i));
		sep = ",";
	}
	fprintf(x->out, "\n%u distinct decision%s (times taken):\n", x->nkinds,
		x->nkinds == 1 ? "" : "s");
	for (unsigned i = 0; i < x->nkinds; i++) {
		const char *t = x->kinds[i].text + strspn(x->kinds[i].text, " ");

		fprintf(x->out, "%10llu  %s", (unsigned long long)x->kinds[i].count, t);
		free(x->kinds[i].text);
		x->kinds[i].text = NULL;
	}
	if (x->other_kinds)
		fprintf(x->out, "%10llu  other decisions (more than %d distinct ones)\n",
			(unsigned long long)x->other_kinds, KINDS_MAX);
	x->nkinds = 0;
}

void explain_flush(struct explain *x)
{
	if (!x)
		return;
	end_record(x);
	flush_collapsed(x);
	if (x->f.level == EXPLAIN_SUMMARY && !x->summarized) {
		print_summary(x);
		x->summarized = true;
	}
	fflush(x->out);
}

void explain_destroy(struct explain *x)
{
	if (!x)
		return;
	explain_flush(x);
	free(x->body);
	free(x);
}
