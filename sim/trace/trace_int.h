/*
 * trace_int.h - internals shared by the trace parser's files; not part of
 * the module's API (trace.h is).
 */
#ifndef NUMASIM_TRACE_TRACE_INT_H
#define NUMASIM_TRACE_TRACE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/tunables.h"
#include "trace/trace.h"

/* A growable int array, reused from record to record. */
struct intbuf {
	int *v;
	size_t n, cap;
};

int intbuf_push(struct intbuf *b, int v);

/* Writes a printf-formatted reason into why (len bytes); returns -1. */
int trace_fail(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Why a line failed, before "file:line: " is put in front. */
#define TRACE_WHY_MAX 512

/* Bytes of a binary trace or of a compiled trace (tape.c). */
struct bsrc {
	unsigned char *buf; /* buf[pos, end) not consumed yet */
	size_t pos, end, cap;
	FILE *f;       /* refills buf; NULL: buf holds everything */
	uint64_t base; /* offset in the stream of buf[0] */
	bool own_buf;
};

/* Where records are encoded to: memory, spilling to a file past max. */
struct bsink {
	unsigned char *mem;
	size_t len, cap;
	FILE *f; /* written through once set */
	bool own_f;
	size_t max; /* 0: f from the start (flush when len > 1 MiB) */
	uint64_t bytes;
	bool failed;
};

/* The running values records are encoded against. */
struct bcodec {
	uint64_t prev_ns, prev_addr, prev_src, nrec;
	unsigned long prev_line;
};

struct tape;

struct trace_reader {
	FILE *f;
	bool own_f;  /* f is ours to close (not stdin) */
	bool stream; /* a pipe, FIFO or device: it can be read once */
	FILE *spool; /* when set, every byte read is copied here */
	char *buf;   /* read buffer: buf[bpos, bend) not yet consumed */
	size_t bpos, bend;
	char *path; /* as opened, used in messages */
	char *name; /* trace_name() */
	char *line; /* the current line, cut into words by parsing */
	size_t cap, len;
	char why[TRACE_WHY_MAX]; /* why read_line() failed */
	char *text;		 /* an intact copy of the line: rec->text */
	size_t textcap;
	char **toks; /* the line's words */
	char **eqs;  /* the first '=' of each word, or NULL */
	size_t tokcap;
	struct intbuf ints; /* move_pages targets, expect status */
	unsigned long lineno;
	bool pending; /* line holds a record not yet returned */
	bool cut;     /* the line had no newline (end of file) */
	uint64_t prev_ns;
	unsigned nr_nodes, nr_cpus;
	struct tunables scratch; /* sysctl values are checked by setting them here */
	struct trace_param_decl {
		char *name, *value; /* value: the default, or the one given */
		unsigned long line; /* of the `# param` comment */
	} params[TRACE_MAX_PARAMS];
	int nparams;
	char *subst;	      /* the line with ${NAME} replaced */
	bool relative_params; /* a value was P%nodeN */
	uint32_t used_params; /* bit i: params[i] was substituted in this line */
	size_t substcap;
	uint64_t buf_off;  /* text: file offset of buf[0] */
	uint64_t line_off; /* text: file offset of the current line */
	bool binary;	   /* a binary trace: records come from bin */
	bool bin_done;	   /* its end record was read */
	struct bsrc bin;
	struct bcodec dec;
	struct tape *tape; /* trace_validate_open(): the compiled records */
	bool on_tape;	   /* records come from the tape */
	bool follow;	   /* after the tape, read on in the text */
	int src_fd;	   /* text lines are re-read from here (-1: none) */
	char *fetch;	   /* trace_record_text()'s line */
	size_t fetchcap;
};

/* Resets what a record may read without its `has` bit. */
void trace_record_reset(struct trace_record *rec);

/* Parses r->line into rec; -1 with the problem in why. */
int trace_parse_line(struct trace_reader *r, struct trace_record *rec, char *why, size_t len);

/* params.c: `# param` declarations and ${NAME} substitution. */
int trace_param_declare(struct trace_reader *r, char *why, size_t len);
int trace_param_apply(struct trace_reader *r, const struct trace_params *p, struct nerr *err);
int trace_param_subst(struct trace_reader *r, char *why, size_t len);
void trace_param_free(struct trace_reader *r);
/* ${NAME} replaced in a copy of in (at *out, grown as needed). */
int trace_param_subst_into(const struct trace_reader *r, const char *in, char **out, size_t *cap,
			   uint32_t *used, char *why, size_t len);
/* " (with MODE=bind, SIZE=1G)": the parameters the line used, for messages. */
void trace_param_note(const struct trace_reader *r, char *buf, size_t len);

/* Why a line failed, before "file:line: " is put in front. */
#define TRACE_WHY_MAX 512

/*
 * Parses a comma list of ints into b: "2,2,7", ranges "0-3" expand in
 * order. With errnos, items may also be errno names ("-EACCES" or
 * "EACCES", stored as -errno) and negative numbers. Items are < limit.
 */
int parse_int_list(const char *s, struct intbuf *b, int limit, bool errnos, char *why, size_t len);

/* An integer with an optional '-', or an errno name as -errno. */
int parse_rc(const char *s, int64_t *out, char *why, size_t len);

/* Parses the words after "expect" into rec->expect. */
int trace_parse_expect(char **toks, int ntok, struct trace_record *rec, struct intbuf *ints,
		       char *why, size_t len);

/* tape.c: binary traces and the compiled form. */
int trace_bin_start(struct trace_reader *r, struct nerr *err); /* after the magic */
int trace_bin_next(struct trace_reader *r, struct bsrc *b, bool tape, struct trace_record *rec,
		   struct nerr *err);
int trace_bin_apply_params(struct trace_reader *r, const struct trace_params *p, struct nerr *err);
void bsink_put(struct bsink *s, const void *p, size_t n);
void trace_encode_header(struct bsink *s, const struct trace_reader *r);
void trace_encode_record(struct bsink *s, struct bcodec *c, const struct trace_record *rec,
			 bool tape);
void trace_encode_end(struct bsink *s, const struct bcodec *c);
/* Canonical text of a record without one (a touch/access of a binary trace). */
void trace_format_compact(const struct trace_record *rec, char *buf, size_t len);
/* Validation's records into r->tape; the reader then replays them. */
int trace_tape_build(struct trace_reader *r, uint64_t *nrecords, uint64_t *last_ns,
		     struct nerr *err);
int trace_tape_next(struct trace_reader *r, struct trace_record *rec, struct nerr *err);
void trace_tape_free(struct tape *t);
/* Reads len bytes, refilling from b->f: 1 all there, 0 fewer (end of
 * file), -1 read error. */
int bsrc_need(struct bsrc *b, size_t len);
/* Copies line (n bytes) into r->line and parses it as line number lineno. */
int trace_parse_text(struct trace_reader *r, const char *line, size_t n, struct trace_record *rec,
		     char *why, size_t len);

/* "7ms" for 7000000: the largest unit that divides the time exactly. */
char *trace_format_time(uint64_t ns, char *buf, size_t len);

#endif
