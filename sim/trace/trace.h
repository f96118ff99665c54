/*
 * trace.h - the workload trace (docs/trace-format.md): a streaming reader that turns
 * each line into a typed struct trace_record.
 *
 * A trace may hold 100M records, so it is never held whole in memory:
 * trace_next() parses one line at a time into a record owned by the
 * caller, reusing the reader's buffers (no allocation in the steady
 * state). The replay runs trace_validate() over the whole file before the
 * simulation starts (docs/trace-format.md: bad input is reported before the simulation
 * starts), then opens it again and replays it record by record.
 *
 * What the parser checks, and what it leaves to the replay:
 *  - parse errors (exit 2, "file:line: problem"): syntax, unknown ops,
 *    keys and flags, duplicate keys, missing required keys, bad numbers,
 *    sizes, lists and times, time going back, node numbers >= NS_MAX_NODES,
 *    CPU numbers >= NS_MAX_CPUS, addr+len overflowing 64 bits, len=0 for
 *    touch/access (there is nothing to touch), conflicting flags
 *    (read+write, shared+private, anon with file=), unknown sysctl names
 *    and out-of-range sysctl values, malformed expects;
 *  - replay (a recorded errno, the replay goes on): anything a kernel
 *    would answer with an errno - a node or CPU that the topology lacks
 *    (EINVAL/ENODEV), an unaligned addr or zero len for mmap/munmap/mbind
 *    (EINVAL), a move_pages nodes= list whose length is not the number of
 *    pages in len, a pid that does not exist (ESRCH), permissions (EPERM,
 *    EACCES).
 *
 * `all` in a node list (nodes=, from=, to=, mems=): the record's `all`
 * bitmask has the key's bit set; the mask holds every node when the
 * topology size was given with trace_reader_set_nodes(), and is empty
 * otherwise. The replay may rely on either.
 */
#ifndef NUMASIM_TRACE_TRACE_H
#define NUMASIM_TRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bitmap.h"
#include "core/err.h"
#include "core/errno_names.h"
#include "core/uapi.h"

#define TRACE_MAGIC "# numasim trace v1"
#define TRACE_PID_MAX 4194304 /* PID_MAX_LIMIT on 64-bit Linux */

enum trace_op {
	OP_SPAWN,
	OP_FORK,
	OP_THREAD,
	OP_EXEC,
	OP_EXIT,
	OP_RUN,
	OP_AFFINITY,
	OP_MMAP,
	OP_MUNMAP,
	OP_TOUCH,
	OP_ACCESS,
	OP_FILE,
	OP_READ,
	OP_WRITE,
	OP_FSYNC,
	OP_DROP_CACHES,
	OP_SET_MEMPOLICY,
	OP_MBIND,
	OP_MOVE_PAGES,
	OP_MIGRATE_PAGES,
	OP_CPUSET,
	OP_SYSCTL,
	OP_KMALLOC,
	OP_SNAPSHOT,
	OP_EXPECT,
	OP_MADVISE,
	NR_TRACE_OPS
};

/* Keys a record may carry; bit (1ULL << key) of trace_record.has. */
enum trace_key {
	TK_PID,
	TK_CHILD,
	TK_TID,
	TK_CPU,
	TK_CPUS,
	TK_NAME,
	TK_UID,
	TK_PPID,
	TK_ADDR,
	TK_LEN,
	TK_FILE,
	TK_OFFSET,
	TK_STRIDE,
	TK_COUNT,
	TK_PATTERN,
	TK_SEED,
	TK_SIZE,
	TK_DEVICE,
	TK_MODE,
	TK_NODES,
	TK_NODE,
	TK_FLAGS,
	TK_AS_PID,
	TK_FROM,
	TK_TO,
	TK_ACTION,
	TK_PATH,
	TK_MEMS,
	TK_MEMORY_MIGRATE,
	TK_MEMORY_SPREAD_PAGE,
	TK_MEMORY_SPREAD_SLAB,
	TK_MEM_EXCLUSIVE,
	TK_CACHE,
	TK_LABEL,
	TK_ADVICE,
	NR_TRACE_KEYS
};

/*
 * Flags: bare words after the keys ("mmap ... shared huge") or a
 * comma list in flags= ("flags=strict,move"); both set the same bits.
 * Defaults are applied by the parser, so the replay never guesses:
 * mmap gets TF_ANON without file= and TF_PRIVATE without TF_SHARED;
 * touch gets TF_WRITE and access TF_READ when neither is given.
 */
enum trace_flag {
	TF_ANON = 1 << 0,
	TF_SHARED = 1 << 1,
	TF_PRIVATE = 1 << 2,
	TF_HUGE = 1 << 3,
	TF_LOCKED = 1 << 4,
	TF_READ = 1 << 5,
	TF_WRITE = 1 << 6,
	TF_STATIC_NODES = 1 << 7,    /* set_mempolicy, mbind */
	TF_RELATIVE_NODES = 1 << 8,  /* set_mempolicy, mbind */
	TF_STRICT = 1 << 9,	     /* mbind */
	TF_MOVE = 1 << 10,	     /* mbind */
	TF_MOVE_ALL = 1 << 11,	     /* mbind, move_pages */
	TF_NUMA_BALANCING = 1 << 12, /* set_mempolicy, mbind: MPOL_F_NUMA_BALANCING */
};

enum trace_pattern { PATTERN_SEQ, PATTERN_RANDOM };

enum cpuset_action { CPUSET_CREATE, CPUSET_SET, CPUSET_ATTACH, CPUSET_REMOVE };

enum task_state_name { TSTATE_RUNNING, TSTATE_EXITED, TSTATE_OOM_KILLED };

/* What an expect compares (docs/trace-format.md, expect). */
enum expect_what {
	EXP_RC,		/* value: rc, an errno as -errno (rc=EACCES -> -13) */
	EXP_STATUS,	/* status[0..nstatus): per-page node or -errno */
	EXP_PAGES,	/* pages[pid=P] on node: value, P in pages_pid */
	EXP_FILE_PAGES, /* node counters (summed over nodes without node=) */
	EXP_ANON_PAGES,
	EXP_FREE_PAGES,
	EXP_DIRTY_PAGES, /* NR_FILE_DIRTY */
	EXP_SLAB_PAGES,	 /* NR_SLAB_RECLAIMABLE_B + NR_SLAB_UNRECLAIMABLE_B, in pages */
	EXP_NUMA_HIT,	 /* numastat, per node (summed without node=) */
	EXP_NUMA_MISS,
	EXP_NUMA_FOREIGN,
	EXP_INTERLEAVE_HIT,
	EXP_LOCAL_NODE,
	EXP_OTHER_NODE,
	EXP_LOCAL_RATIO,  /* ratio: over all accesses, or pid's */
	EXP_STATE,	  /* state: enum task_state_name, needs pid= */
	EXP_VMSTAT,	  /* counter: a docs/report.md vmstat name, global count */
	EXP_COMMITTED_AS, /* meminfo Committed_AS in pages, global */
	EXP_COMMIT_LIMIT, /* meminfo CommitLimit in pages, global */
	EXP_TIME,	  /* value: simulated time (ns) when the expect runs */
	EXP_ANON_THPS,	  /* node counter nr_anon_transparent_hugepages, in huge pages */
	NR_EXPECT_WHATS
};

enum expect_cmp { CMP_EQ, CMP_LE, CMP_GE, CMP_LT, CMP_GT };

struct expect_spec {
	enum expect_what what;
	enum expect_cmp cmp; /* status and state compare with = only */
	bool has_pid, has_node;
	int pid, node;
	int pages_pid; /* EXP_PAGES */
	int64_t value; /* EXP_RC, EXP_PAGES, counters, EXP_VMSTAT */
	double ratio;  /* EXP_LOCAL_RATIO */
	enum task_state_name state;
	const int *status; /* EXP_STATUS; owned by the reader */
	size_t nstatus;
	const char *counter; /* the name compared, e.g. "file_pages" */
};

/*
 * One parsed record. Strings and arrays point into the reader's buffers
 * and stay valid until the next trace_next() or trace_close(). A field is
 * meaningful only if its key's bit is in `has` (defaults: uid 0, offset
 * 0, stride = one page chosen by the replay, pattern seq, seed 0).
 */
struct trace_record {
	unsigned long line; /* 1-based line number in the file */
	enum trace_op op;
	uint64_t time_ns; /* absolute, after resolving @ and + */
	uint64_t has;	  /* 1ULL << enum trace_key */
	uint64_t all;	  /* keys whose node list was `all` */
	unsigned flags;	  /* enum trace_flag, defaults applied */
	const char *text; /* the record's line, or NULL: see trace_record_text() */
	uint64_t text_at; /* 0, or 1 + the line's byte offset in the text read */

	int pid, child, tid, cpu, node, as_pid, ppid;
	uint32_t uid;
	cpumask_t cpus; /* spawn, affinity, cpuset */
	const char *name, *file, *path, *label, *device, *cache;
	uint64_t addr, len, offset, count, size, stride, seed;
	enum trace_pattern pattern;
	int advice; /* madvise: MADV_* (core/uapi.h) */

	/* set_mempolicy / mbind: mode and Linux flag words derived from flags */
	enum mpol_mode mode;
	int mode_flags;	    /* MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES */
	int mbind_flags;    /* MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL */
	nodemask_t nodes;   /* set_mempolicy, mbind; move_pages: the set of targets */
	const int *targets; /* move_pages nodes=: one target per page, in order */
	size_t ntargets;
	nodemask_t from, to; /* migrate_pages */

	/* cpuset */
	enum cpuset_action action;
	nodemask_t mems;
	bool memory_migrate, memory_spread_page, memory_spread_slab, mem_exclusive;

	/* sysctl: one name=value; the value was checked with tunable_set() */
	int sysctl_id; /* enum tunable_id */
	const char *sysctl_name, *sysctl_value;
	int64_t sysctl_int; /* the parsed value */

	struct expect_spec expect;
};

static inline bool trace_has(const struct trace_record *r, enum trace_key k)
{
	return (r->has >> k) & 1;
}

const char *trace_op_name(enum trace_op op);	      /* "move_pages" */
const char *trace_key_name(enum trace_key k);	      /* "as_pid" */
const char *mpol_mode_name(enum mpol_mode m);	      /* "preferred_many" */
const char *task_state_label(enum task_state_name s); /* "oom_killed" */
const char *expect_cmp_name(enum expect_cmp c);	      /* "<=" */

struct trace_reader;
struct trace_params;

/*
 * Opens a trace: "-" (standard input), an existing path, else the shipped workload
 * <datadir>/workloads/NAME.trace, datadir being $NUMASIM_DATADIR or the
 * build's NUMASIM_DATADIR. Checks the first line is TRACE_MAGIC.
 * Returns NULL with the message in err.
 */
struct trace_reader *trace_open(const char *path_or_name, struct nerr *err);

/* Topology size, used to expand `all` (see above); 0 leaves it unknown. */
void trace_reader_set_nodes(struct trace_reader *r, unsigned nr_nodes, unsigned nr_cpus);

/* Parses the next record: 1 a record, 0 end of file, -1 error in err. */
int trace_next(struct trace_reader *r, struct trace_record *rec, struct nerr *err);

void trace_close(struct trace_reader *r);

/*
 * The record's line for messages: rec->text when the record has it, else
 * the line re-read from the text trace it was compiled from (a record of
 * trace_validate_open()'s compiled form), else its canonical text (a
 * record of a binary trace, as `numasim trace convert` writes it). Valid
 * until the next call; never NULL.
 */
const char *trace_record_text(struct trace_reader *r, const struct trace_record *rec);

/* The trace may still grow (a stream fed while it runs): once the
 * compiled records are replayed, read on in the text. */
void trace_reader_follow(struct trace_reader *r, bool follow);

/*
 * Binary traces (docs/trace-format.md "Binary traces"): recognised by
 * their first eight bytes wherever a trace is read. trace_convert()
 * writes in's records to out, text to binary or binary to text (the other
 * way from what in is); out "-" is standard output, else out is written
 * whole or not at all. Parameters resolve as in trace_open_params().
 */
#define TRACE_BIN_MAGIC "\x89NSTR\r\n\x1a"
#define TRACE_BIN_MAGIC_LEN 8
#define TRACE_BIN_VERSION 1
int trace_convert(const char *in, const char *out, const struct trace_params *p, uint64_t *nrecords,
		  bool *to_binary, struct nerr *err);

/* After trace_next() returned 0: the file has grown (a trace fed while it
 * runs, include/numasim.h), read on from where it stopped. */
void trace_reader_resume(struct trace_reader *r);

/* The workload's name: `# name: NAME` in the leading comments, else the
 * file's basename without .trace. */
const char *trace_name(const struct trace_reader *r);
/* The path actually opened (after resolving a shipped name). */
const char *trace_path(const struct trace_reader *r);

/* Parses the whole trace; on success stores the record count. */
int trace_validate(const char *path_or_name, uint64_t *nrecords, struct nerr *err);

/*
 * Trace parameters (docs/trace-format.md "Parameters"): a leading
 * comment `# param NAME=DEFAULT` declares NAME, and `${NAME}` in a
 * record is replaced by its value before the record is parsed. Values
 * given here (run --set NAME=V, compare --vary NAME=...) replace the
 * defaults; a value for a name the trace does not declare is an error.
 * Names are copied; values are pointers the caller keeps alive.
 */
#define TRACE_MAX_PARAMS 32
#define TRACE_PARAM_NAME_MAX 64
struct trace_params {
	int n;
	char name[TRACE_MAX_PARAMS][TRACE_PARAM_NAME_MAX];
	const char *value[TRACE_MAX_PARAMS];
	/* The machine a value `P%nodeN` (P percent of node N's memory, in
	 * whole pages) is measured on; nr_nodes 0: TRACE_NOMINAL_NODE_BYTES
	 * per node and 4 KiB pages, for checking a trace without a topology. */
	const uint64_t *node_bytes;
	int nr_nodes;
	uint32_t page_size;
	const char *topo_name; /* for messages */
};
#define TRACE_NOMINAL_NODE_BYTES (256ull << 20)

/* A parameter name: a letter or '_', then letters, digits, '_' (at most
 * TRACE_PARAM_NAME_MAX - 1 characters), so never a tunable's dotted name. */
bool trace_param_name_ok(const char *name);
/* A parameter value: non-empty, no blanks, '#' or '$'. NULL when fine,
 * else why not. */
const char *trace_param_value_bad(const char *value);
/* Adds or replaces NAME=VALUE in p (name copied, value pointer kept);
 * -1 when p is full or the name too long. */
int trace_params_put(struct trace_params *p, const char *name, const char *value);

/* trace_open() and trace_validate() with parameter values (p may be NULL). */
struct trace_reader *trace_open_params(const char *path_or_name, const struct trace_params *p,
				       struct nerr *err);
int trace_validate_params(const char *path_or_name, const struct trace_params *p,
			  uint64_t *nrecords, struct nerr *err);
/* Whether a parameter's value is relative to node memory (P%nodeN). */
bool trace_params_relative(const struct trace_reader *r);
/* The parameters the trace declares, in file order. */
int trace_param_count(const struct trace_reader *r);
const char *trace_param_name(const struct trace_reader *r, int i);
/* Its value in this reading: the default or the one given, a relative
 * size resolved to bytes. */
const char *trace_param_value(const struct trace_reader *r, int i);

/*
 * trace_validate(), then a reader at the first record for the replay.
 * The validation pass is the only parse: it compiles every record into
 * a compact binary form (the record encoding of a binary trace, in
 * memory up to TRACE_TAPE_MEM_MAX bytes, then in an unlinked temporary
 * file), and the reader returned replays that. A text line is kept only
 * as its offset, for trace_record_text(); a trace that can be read only
 * once - standard input ("-"), /dev/stdin, a pipe or FIFO - is copied
 * while it is validated into an unlinked temporary file (tmpfile()) for
 * that. *last_ns (may be NULL) gets the last record's time.
 */
#define TRACE_TAPE_MEM_MAX (64u << 20)
int trace_validate_open(const char *path_or_name, const struct trace_params *p, uint64_t *nrecords,
			uint64_t *last_ns, struct trace_reader **out, struct nerr *err);

/* The last simulated nanosecond a record may name (docs/trace-format.md). */
#define TRACE_TIME_MAX ((uint64_t)INT64_MAX)

/* No trace line may be longer than this (docs/trace-format.md). */
#define TRACE_LINE_MAX 65536

#endif
