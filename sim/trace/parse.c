/*
 * parse.c - one trace line into a struct trace_record (docs/trace-format.md).
 *
 * A line is "<time> <op> key=value ... [flag ...]". Each op has a table
 * row: the keys it requires, the keys and flags it accepts. Values are
 * checked for syntax and for what is structural (see trace.h); whether a
 * node or a pid exists is for the replay to find out, as the kernel would.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/suggest.h"
#include "core/units.h"
#include "core/utf8.h"
#include "trace/trace_int.h"

#define K(x) (1ULL << TK_##x)

struct op_def {
	const char *name;
	uint64_t req, opt;
	unsigned flags;
};

#define RW_FLAGS (TF_READ | TF_WRITE)
#define MODE_FLAGS (TF_STATIC_NODES | TF_RELATIVE_NODES | TF_NUMA_BALANCING)

static const struct op_def op_defs[NR_TRACE_OPS] = {
	[OP_SPAWN] = {"spawn", K(PID), K(CPU) | K(CPUS) | K(NAME) | K(UID) | K(PPID), 0},
	[OP_FORK] = {"fork", K(PID) | K(CHILD), K(CPU), 0},
	[OP_THREAD] = {"thread", K(PID) | K(TID), K(CPU), 0},
	[OP_EXEC] = {"exec", K(PID), K(NAME), 0},
	[OP_EXIT] = {"exit", K(PID), 0, 0},
	[OP_RUN] = {"run", K(PID) | K(CPU), 0, 0},
	[OP_AFFINITY] = {"affinity", K(PID) | K(CPUS), 0, 0},
	[OP_MMAP] = {"mmap", K(PID) | K(ADDR) | K(LEN), K(FILE) | K(OFFSET) | K(NAME),
		     TF_ANON | TF_SHARED | TF_PRIVATE | TF_HUGE | TF_LOCKED | RW_FLAGS},
	[OP_MUNMAP] = {"munmap", K(PID) | K(ADDR) | K(LEN), 0, 0},
	[OP_TOUCH] = {"touch", K(PID) | K(ADDR) | K(LEN), K(STRIDE), RW_FLAGS},
	[OP_ACCESS] = {"access", K(PID) | K(ADDR) | K(LEN) | K(COUNT), K(PATTERN) | K(SEED),
		       RW_FLAGS},
	[OP_FILE] = {"file", K(NAME) | K(SIZE), K(DEVICE), 0},
	[OP_READ] = {"read", K(PID) | K(FILE), K(OFFSET) | K(LEN), 0},
	[OP_WRITE] = {"write", K(PID) | K(FILE), K(OFFSET) | K(LEN), 0},
	[OP_FSYNC] = {"fsync", K(PID) | K(FILE), 0, 0},
	[OP_DROP_CACHES] = {"drop_caches", 0, 0, 0},
	[OP_SET_MEMPOLICY] = {"set_mempolicy", K(PID) | K(MODE), K(NODES), MODE_FLAGS},
	[OP_MBIND] = {"mbind", K(PID) | K(ADDR) | K(LEN) | K(MODE), K(NODES),
		      MODE_FLAGS | TF_STRICT | TF_MOVE | TF_MOVE_ALL},
	[OP_MOVE_PAGES] = {"move_pages", K(PID) | K(ADDR) | K(LEN), K(NODE) | K(NODES) | K(AS_PID),
			   TF_MOVE_ALL},
	[OP_MIGRATE_PAGES] = {"migrate_pages", K(PID) | K(FROM) | K(TO), K(AS_PID), 0},
	[OP_CPUSET] = {"cpuset", K(ACTION) | K(PATH),
		       K(CPUS) | K(MEMS) | K(MEMORY_MIGRATE) | K(MEMORY_SPREAD_PAGE) |
			       K(MEMORY_SPREAD_SLAB) | K(MEM_EXCLUSIVE) | K(PID),
		       0},
	[OP_SYSCTL] = {"sysctl", 0, 0, 0},
	[OP_KMALLOC] = {"kmalloc", K(SIZE), K(NODE) | K(CACHE) | K(PID), 0},
	[OP_SNAPSHOT] = {"snapshot", 0, K(LABEL) | K(PID), 0},
	[OP_EXPECT] = {"expect", 0, 0, 0},
	[OP_MADVISE] = {"madvise", K(PID) | K(ADDR) | K(LEN) | K(ADVICE), 0, 0},
};

static const struct {
	const char *name;
	unsigned bit;
} flag_defs[] = {
	{"anon", TF_ANON},
	{"shared", TF_SHARED},
	{"private", TF_PRIVATE},
	{"huge", TF_HUGE},
	{"locked", TF_LOCKED},
	{"read", TF_READ},
	{"write", TF_WRITE},
	{"static_nodes", TF_STATIC_NODES},
	{"relative_nodes", TF_RELATIVE_NODES},
	{"strict", TF_STRICT},
	{"move", TF_MOVE},
	{"move_all", TF_MOVE_ALL},
	{"numa_balancing", TF_NUMA_BALANCING},
};

int intbuf_push(struct intbuf *b, int v)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		int *p = realloc(b->v, cap * sizeof(*p));

		if (!p)
			return -1;
		b->v = p;
		b->cap = cap;
	}
	b->v[b->n++] = v;
	return 0;
}

/* The keys an op accepts: flags= comes with having flags. */
static uint64_t allowed_keys(const struct op_def *d)
{
	return d->req | d->opt | (d->flags ? K(FLAGS) : 0);
}

/*
 * Name lookups: ops, keys and flags are found through small open-addressed
 * tables keyed on (length, first, third and last character), filled once
 * at program start; a lookup is one hash and, nearly always, one memcmp
 * (no scan over every name).
 */
#define NAME_SLOTS 128

struct name_slot {
	const char *name;
	unsigned char len;
	unsigned char idx1; /* index + 1; 0: empty */
};

static struct name_slot op_slots[NAME_SLOTS], key_slots[NAME_SLOTS], flag_slots[NAME_SLOTS];

static inline unsigned name_hash(const char *s, size_t n)
{
	unsigned h = (unsigned)n * 61u + (unsigned char)s[0] * 7u + (unsigned char)s[n - 1] * 3u;

	if (n > 2)
		h += (unsigned char)s[2] * 17u;
	return (h ^ (h >> 7)) & (NAME_SLOTS - 1);
}

static void name_put(struct name_slot *t, const char *name, unsigned idx)
{
	size_t n = strlen(name);

	for (unsigned h = name_hash(name, n);; h = (h + 1) & (NAME_SLOTS - 1)) {
		if (!t[h].idx1) {
			t[h].name = name;
			t[h].len = (unsigned char)n;
			t[h].idx1 = (unsigned char)(idx + 1);
			return;
		}
	}
}

static inline int name_find(const struct name_slot *t, const char *s, size_t n)
{
	if (n == 0 || n > 255)
		return -1;
	for (unsigned h = name_hash(s, n);; h = (h + 1) & (NAME_SLOTS - 1)) {
		if (!t[h].idx1)
			return -1;
		if (t[h].len == n) {
			size_t i = 0;

			while (i < n && t[h].name[i] == s[i])
				i++;
			if (i == n)
				return t[h].idx1 - 1;
		}
	}
}

#define NR_FLAG_DEFS (sizeof(flag_defs) / sizeof(flag_defs[0]))

__attribute__((constructor)) static void name_tables_init(void)
{
	for (unsigned i = 0; i < NR_TRACE_OPS; i++)
		name_put(op_slots, op_defs[i].name, i);
	for (unsigned i = 0; i < NR_TRACE_KEYS; i++)
		name_put(key_slots, trace_key_name((enum trace_key)i), i);
	for (unsigned i = 0; i < NR_FLAG_DEFS; i++)
		name_put(flag_slots, flag_defs[i].name, i);
}

static int find_op(const char *s)
{
	return name_find(op_slots, s, strlen(s));
}

static int find_key(const char *s, size_t n)
{
	return name_find(key_slots, s, n);
}

/* " (did you mean 'spawn'?)" for a mistyped op, key or sysctl, in buf. */
static const char *op_hint(const char *w, char *buf, size_t len)
{
	const char *cands[NR_TRACE_OPS];

	for (int i = 0; i < NR_TRACE_OPS; i++)
		cands[i] = op_defs[i].name;
	return suggest_hint(suggest_best(w, cands, NR_TRACE_OPS), buf, len);
}

static const char *key_hint(const struct op_def *d, const char *w, char *buf, size_t len)
{
	const char *cands[NR_TRACE_KEYS];

	for (int i = 0; i < NR_TRACE_KEYS; i++)
		cands[i] = allowed_keys(d) >> i & 1 ? trace_key_name((enum trace_key)i) : NULL;
	return suggest_hint(suggest_best(w, cands, NR_TRACE_KEYS), buf, len);
}

static const char *tunable_hint(const char *w, char *buf, size_t len)
{
	const char *cands[NR_TUNABLES];

	for (int i = 0; i < NR_TUNABLES; i++)
		cands[i] = tunable_defs[i].name;
	return suggest_hint(suggest_best(w, cands, NR_TUNABLES), buf, len);
}

static unsigned find_flag(const char *s)
{
	int i = name_find(flag_slots, s, strlen(s));

	return i < 0 ? 0 : flag_defs[i].bit;
}

/* Character classes for split(): 1 ends a word (NUL, blank), 2 is '='. */
static const unsigned char word_class[256] = {
	['\0'] = 1,
	[' '] = 1,
	['\t'] = 1,
	['='] = 2,
};

/* Cuts the line into words; a word starting with '#' begins a comment.
 * r->eqs[i] is the first '=' of word i, or NULL. */
static int split(struct trace_reader *r, size_t *ntok)
{
	char *p = r->line;
	size_t n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if (n == r->tokcap) {
			size_t cap = r->tokcap ? r->tokcap * 2 : 32;
			char **t = realloc(r->toks, cap * sizeof(*t));

			if (!t)
				return -1;
			r->toks = t;
			t = realloc(r->eqs, cap * sizeof(*t));
			if (!t)
				return -1;
			r->eqs = t;
			r->tokcap = cap;
		}
		r->toks[n] = p;
		r->eqs[n] = NULL;
		unsigned c;

		/* the '=' comes after a key of a few letters: look for it
		 * there, then run to the end of the word */
		while ((c = word_class[(unsigned char)*p]) == 0)
			p++;
		if (c == 2) {
			r->eqs[n] = p;
			while (word_class[(unsigned char)*p] != 1)
				p++;
		}
		n++;
		if (*p)
			*p++ = '\0';
	}
	*ntok = n;
	return 0;
}

/*
 * Inline number parsing for the common case: decimal or 0x hex digits
 * (never octal: "010" is ten) and an optional unit, exactly the rules of
 * core/units.c. Anything it does not take at once - too many digits, an
 * unknown unit, a value that would overflow - goes to parse_size() or
 * parse_time_ns(), which accept or reject it with the usual message.
 */
static inline int fast_digits(const char **pp, uint64_t *out)
{
	const char *p = *pp, *start;
	uint64_t v = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		start = p += 2;
		for (;; p++) {
			unsigned c = (unsigned char)*p, d;

			if (c - '0' < 10)
				d = c - '0';
			else if ((c | 0x20) - 'a' < 6)
				d = (c | 0x20) - 'a' + 10;
			else
				break;
			v = v << 4 | d;
		}
		if (p == start || p - start > 16)
			return -1;
	} else {
		start = p;
		for (; (unsigned)(*p - '0') < 10; p++)
			v = v * 10 + (uint64_t)(*p - '0');
		if (p == start || p - start > 19)
			return -1;
	}
	*pp = p;
	*out = v;
	return 0;
}

/* A size: the number times its unit (B, K/KiB, M/MiB, G/GiB, T/TiB). */
static inline int fast_size(const char *s, uint64_t *out)
{
	uint64_t v, mult;

	if (fast_digits(&s, &v))
		return -1;
	switch (s[0]) {
	case '\0':
		*out = v;
		return 0;
	case 'B':
		mult = 1;
		s += 1;
		break;
	case 'K':
		mult = 1ULL << 10;
		break;
	case 'M':
		mult = 1ULL << 20;
		break;
	case 'G':
		mult = 1ULL << 30;
		break;
	case 'T':
		mult = 1ULL << 40;
		break;
	default:
		return -1;
	}
	if (mult != 1)
		s += s[1] == 'i' && s[2] == 'B' ? 3 : 1;
	if (*s || v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

/* A time: the number times its unit (ns, us, ms, s). */
static inline int fast_time(const char *s, uint64_t *out)
{
	uint64_t v, mult;

	if (fast_digits(&s, &v))
		return -1;
	if (s[0] == '\0')
		mult = 1;
	else if (s[0] == 's' && s[1] == '\0')
		mult = 1000000000;
	else if (s[1] == 's' && s[2] == '\0')
		mult = s[0] == 'n' ? 1 : s[0] == 'u' ? 1000 : s[0] == 'm' ? 1000000 : 0;
	else
		return -1;
	if (!mult || v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static int parse_time(struct trace_reader *r, const char *tok, uint64_t *out, char *why, size_t len)
{
	char sub[TRACE_WHY_MAX / 2], a[32], b[32];
	uint64_t t;

	if (tok[0] != '@' && tok[0] != '+')
		return trace_fail(why, len, "a record starts with its time (@N or +N), not '%s'",
				  tok);
	if (fast_time(tok + 1, &t) && parse_time_ns(tok + 1, &t, sub, sizeof(sub)))
		return trace_fail(why, len, "bad time: %s", sub);
	if (tok[0] == '+') {
		if (t > UINT64_MAX - r->prev_ns)
			return trace_fail(why, len, "time overflows 64 bits");
		t += r->prev_ns;
	} else if (t < r->prev_ns) {
		return trace_fail(why, len, "time goes back (%s after %s)",
				  trace_format_time(t, a, sizeof(a)),
				  trace_format_time(r->prev_ns, b, sizeof(b)));
	}
	/* simulated time ends at 2^63-1 ns (292 years): the report's times
	 * are JSON integers, and expect time= reaches every record time */
	if (t > TRACE_TIME_MAX)
		return trace_fail(why, len, "time %s is past the end of simulated time (2^63-1 ns)",
				  trace_format_time(t, a, sizeof(a)));
	*out = t;
	return 0;
}

/* A string value: one word of valid UTF-8 (it reaches the JSON report). */
static int parse_text(const char *key, const char *v, const char **out, char *why, size_t len)
{
	size_t bad;

	if (!utf8_valid(v, strlen(v), &bad))
		return trace_fail(why, len, "bad %s: invalid UTF-8 at byte %zu", key, bad + 1);
	*out = v;
	return 0;
}

static int parse_num(enum trace_key k, const char *v, uint64_t lo, uint64_t hi, uint64_t *out,
		     char *why, size_t len)
{
	char sub[TRACE_WHY_MAX / 2];
	const char *key;

	if (fast_size(v, out) == 0 && *out >= lo && *out <= hi)
		return 0;
	key = trace_key_name(k);
	if (parse_size(v, out, sub, sizeof(sub)))
		return trace_fail(why, len, "bad %s: %s", key, sub);
	if (*out < lo || *out > hi)
		return trace_fail(why, len, "bad %s: %s is out of range %llu..%llu", key, v,
				  (unsigned long long)lo, (unsigned long long)hi);
	return 0;
}

static int parse_int_key(enum trace_key key, const char *v, int lo, int hi, int *out, char *why,
			 size_t len)
{
	uint64_t u;

	if (parse_num(key, v, (uint64_t)lo, (uint64_t)hi, &u, why, len))
		return -1;
	*out = (int)u;
	return 0;
}

/* A node list or `all` (see trace.h for what `all` becomes). */
static int parse_nodes(struct trace_reader *r, struct trace_record *rec, enum trace_key k,
		       const char *v, nodemask_t *m, char *why, size_t len)
{
	char sub[TRACE_WHY_MAX / 2];

	if (strcmp(v, "all") == 0) {
		memset(m, 0, sizeof(*m));
		for (unsigned n = 0; n < r->nr_nodes; n++)
			node_set(m, (int)n);
		rec->all |= 1ULL << k;
		return 0;
	}
	if (!*v)
		return trace_fail(why, len, "bad %s: empty node list", trace_key_name(k));
	if (bm_parselist(v, m->w, NODEMASK_BITS, NS_MAX_NODES, sub, sizeof(sub)))
		return trace_fail(why, len, "bad %s: %s", trace_key_name(k), sub);
	return 0;
}

/* move_pages nodes=2,2,7: one target per page, in order. */
static int parse_targets(struct trace_reader *r, struct trace_record *rec, const char *v, char *why,
			 size_t len)
{
	char sub[TRACE_WHY_MAX / 2];

	r->ints.n = 0;
	if (parse_int_list(v, &r->ints, NS_MAX_NODES, false, sub, sizeof(sub)))
		return trace_fail(why, len, "bad nodes: %s", sub);
	memset(&rec->nodes, 0, sizeof(rec->nodes));
	for (size_t i = 0; i < r->ints.n; i++)
		node_set(&rec->nodes, r->ints.v[i]);
	rec->targets = r->ints.v;
	rec->ntargets = r->ints.n;
	return 0;
}

static int parse_cpus(const char *v, cpumask_t *m, char *why, size_t len)
{
	char sub[TRACE_WHY_MAX / 2];

	if (bm_parselist(v, m->w, CPUMASK_BITS, NS_MAX_CPUS, sub, sizeof(sub)))
		return trace_fail(why, len, "bad cpus: %s", sub);
	return 0;
}

static int parse_flag_list(struct trace_record *rec, const struct op_def *d, char *v, char *why,
			   size_t len)
{
	for (char *f = v, *next; f; f = next) {
		next = strchr(f, ',');
		if (next)
			*next++ = '\0';
		unsigned bit = find_flag(f);

		if (!bit || !(d->flags & bit))
			return trace_fail(why, len, "unknown flag '%s' for op %s", f, d->name);
		rec->flags |= bit;
	}
	return 0;
}

static int parse_enum(const char *key, const char *v, const char *const *names, int n, int *out,
		      char *why, size_t len)
{
	for (int i = 0; i < n; i++) {
		if (names[i] && strcmp(names[i], v) == 0) {
			*out = i;
			return 0;
		}
	}
	return trace_fail(why, len, "bad %s '%s'", key, v);
}

static int parse_mode(const char *v, enum mpol_mode *m, char *why, size_t len)
{
	for (int i = 0; i < MPOL_MAX; i++) {
		if (strcmp(mpol_mode_name((enum mpol_mode)i), v) == 0) {
			*m = (enum mpol_mode)i;
			return 0;
		}
	}
	return trace_fail(why, len,
			  "bad mode '%s': one of default, preferred, bind, interleave, "
			  "local, preferred_many, weighted_interleave",
			  v);
}

/* madvise advice=WORD: the MADV_* the word names (core/uapi.h). */
static int parse_advice(const char *v, int *out, char *why, size_t len)
{
	static const struct {
		const char *w;
		int v;
	} words[] = {
		{"hugepage", MADV_HUGEPAGE}, {"nohugepage", MADV_NOHUGEPAGE},
		{"dontneed", MADV_DONTNEED}, {"free", MADV_FREE},
		{"willneed", MADV_WILLNEED}, {"cold", MADV_COLD},
		{"pageout", MADV_PAGEOUT},
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(words[i].w, v) == 0) {
			*out = words[i].v;
			return 0;
		}
	}
	return trace_fail(why, len,
			  "bad advice '%s': one of hugepage, nohugepage, dontneed, free, "
			  "willneed, cold, pageout",
			  v);
}

static int parse_bool(const char *key, const char *v, bool *out, char *why, size_t len)
{
	if (strcmp(v, "0") && strcmp(v, "1"))
		return trace_fail(why, len, "bad %s '%s': 0 or 1", key, v);
	*out = v[0] == '1';
	return 0;
}

#define PID_RANGE 1, TRACE_PID_MAX

/* Stores one key's value in its field. */
static int set_key(struct trace_reader *r, struct trace_record *rec, const struct op_def *d,
		   enum trace_key k, char *v, char *why, size_t len)
{
	const char *name = trace_key_name(k); /* a table look-up */
	static const char *const patterns[] = {"seq", "random"};
	static const char *const actions[] = {"create", "set", "attach", "remove"};
	int i = 0;

	switch (k) {
	case TK_PID:
		return parse_int_key(k, v, PID_RANGE, &rec->pid, why, len);
	case TK_CHILD:
		return parse_int_key(k, v, PID_RANGE, &rec->child, why, len);
	case TK_TID:
		return parse_int_key(k, v, PID_RANGE, &rec->tid, why, len);
	case TK_PPID:
		return parse_int_key(k, v, 0, TRACE_PID_MAX, &rec->ppid, why, len);
	case TK_AS_PID:
		return parse_int_key(k, v, PID_RANGE, &rec->as_pid, why, len);
	case TK_CPU:
		return parse_int_key(k, v, 0, NS_MAX_CPUS - 1, &rec->cpu, why, len);
	case TK_NODE:
		return parse_int_key(k, v, 0, NS_MAX_NODES - 1, &rec->node, why, len);
	case TK_UID: {
		uint64_t u;

		if (parse_num(k, v, 0, UINT32_MAX - 1, &u, why, len))
			return -1;
		rec->uid = (uint32_t)u;
		return 0;
	}
	case TK_ADDR:
		return parse_num(k, v, 0, UINT64_MAX, &rec->addr, why, len);
	case TK_LEN:
		return parse_num(k, v, 0, UINT64_MAX, &rec->len, why, len);
	case TK_OFFSET:
		return parse_num(k, v, 0, UINT64_MAX, &rec->offset, why, len);
	case TK_COUNT:
		return parse_num(k, v, 0, UINT64_MAX, &rec->count, why, len);
	case TK_SIZE:
		return parse_num(k, v, 0, UINT64_MAX, &rec->size, why, len);
	case TK_SEED:
		return parse_num(k, v, 0, UINT64_MAX, &rec->seed, why, len);
	case TK_STRIDE:
		return parse_num(k, v, 1, UINT64_MAX, &rec->stride, why, len);
	case TK_CPUS:
		return parse_cpus(v, &rec->cpus, why, len);
	case TK_NODES:
		if (rec->op == OP_MOVE_PAGES)
			return parse_targets(r, rec, v, why, len);
		return parse_nodes(r, rec, k, v, &rec->nodes, why, len);
	case TK_FROM:
		return parse_nodes(r, rec, k, v, &rec->from, why, len);
	case TK_TO:
		return parse_nodes(r, rec, k, v, &rec->to, why, len);
	case TK_MEMS:
		return parse_nodes(r, rec, k, v, &rec->mems, why, len);
	case TK_NAME:
		return parse_text(name, v, &rec->name, why, len);
	case TK_FILE:
		return parse_text(name, v, &rec->file, why, len);
	case TK_DEVICE:
		return parse_text(name, v, &rec->device, why, len);
	case TK_CACHE:
		return parse_text(name, v, &rec->cache, why, len);
	case TK_LABEL:
		return parse_text(name, v, &rec->label, why, len);
	case TK_PATH:
		return parse_text(name, v, &rec->path, why, len);
	case TK_PATTERN:
		if (parse_enum(name, v, patterns, 2, &i, why, len))
			return -1;
		rec->pattern = (enum trace_pattern)i;
		return 0;
	case TK_ACTION:
		if (parse_enum(name, v, actions, 4, &i, why, len))
			return -1;
		rec->action = (enum cpuset_action)i;
		return 0;
	case TK_MODE:
		return parse_mode(v, &rec->mode, why, len);
	case TK_ADVICE:
		return parse_advice(v, &rec->advice, why, len);
	case TK_FLAGS:
		return parse_flag_list(rec, d, v, why, len);
	case TK_MEMORY_MIGRATE:
		return parse_bool(name, v, &rec->memory_migrate, why, len);
	case TK_MEMORY_SPREAD_PAGE:
		return parse_bool(name, v, &rec->memory_spread_page, why, len);
	case TK_MEMORY_SPREAD_SLAB:
		return parse_bool(name, v, &rec->memory_spread_slab, why, len);
	case TK_MEM_EXCLUSIVE:
		return parse_bool(name, v, &rec->mem_exclusive, why, len);
	case NR_TRACE_KEYS:
		break;
	}
	return trace_fail(why, len, "internal: key %d", (int)k);
}

/* A word without '=': a flag, or a key whose value went missing. */
static int parse_bare_word(struct trace_record *rec, const struct op_def *d, const char *w,
			   char *why, size_t len)
{
	unsigned bit = find_flag(w);

	if (bit && (d->flags & bit)) {
		rec->flags |= bit;
		return 0;
	}
	int k = find_key(w, strlen(w));

	if (k >= 0 && (allowed_keys(d) >> k & 1))
		return trace_fail(why, len, "key '%s' needs a value (%s=...)", w, w);
	return trace_fail(why, len, "unknown flag '%s' for op %s", w, d->name);
}

static int parse_word(struct trace_reader *r, struct trace_record *rec, const struct op_def *d,
		      char *w, char *eq, char *why, size_t len)
{
	if (!eq)
		return parse_bare_word(rec, d, w, why, len);
	int k = find_key(w, (size_t)(eq - w));

	*eq = '\0';
	if (k < 0 || !(allowed_keys(d) >> k & 1)) {
		char hint[96];

		return trace_fail(why, len, "unknown key '%s' for op %s%s", w, d->name,
				  key_hint(d, w, hint, sizeof(hint)));
	}
	if (rec->has >> k & 1)
		return trace_fail(why, len, "duplicate key '%s'", w);
	if (!eq[1])
		return trace_fail(why, len, "key '%s' has no value", w);
	rec->has |= 1ULL << k;
	return set_key(r, rec, d, (enum trace_key)k, eq + 1, why, len);
}

/* sysctl NAME=VALUE: the name must be a tunable, the value in its range. */
static int parse_sysctl(struct trace_reader *r, struct trace_record *rec, char **w, size_t n,
			char *why, size_t len)
{
	struct nerr e;

	if (n != 1)
		return trace_fail(why, len,
				  "sysctl takes one name=value, e.g. vm.zone_reclaim_mode=1");
	char *eq = strchr(w[0], '=');

	if (!eq || !eq[1])
		return trace_fail(why, len,
				  "sysctl takes one name=value, e.g. vm.zone_reclaim_mode=1");
	*eq = '\0';
	rec->sysctl_id = tunable_find(w[0]);
	if (rec->sysctl_id < 0) {
		char hint[96];

		return trace_fail(why, len, "unknown sysctl '%s'%s", w[0],
				  tunable_hint(w[0], hint, sizeof(hint)));
	}
	if (tunable_set(&r->scratch, rec->sysctl_id, eq + 1, &e))
		return trace_fail(why, len, "%s", e.msg);
	rec->sysctl_name = w[0];
	rec->sysctl_value = eq + 1;
	rec->sysctl_int = r->scratch.v[rec->sysctl_id];
	return 0;
}

static int check_required(const struct trace_record *rec, const struct op_def *d, char *why,
			  size_t len)
{
	uint64_t missing = d->req & ~rec->has;

	if (!missing)
		return 0;
	return trace_fail(why, len, "missing key '%s' for op %s",
			  trace_key_name((enum trace_key)__builtin_ctzll(missing)), d->name);
}

static int exclusive(const struct trace_record *rec, enum trace_key a, enum trace_key b, char *why,
		     size_t len)
{
	if (trace_has(rec, a) && trace_has(rec, b))
		return trace_fail(why, len, "keys '%s' and '%s' exclude each other",
				  trace_key_name(a), trace_key_name(b));
	return 0;
}

static int exclusive_flags(const struct trace_record *rec, unsigned a, const char *an, unsigned b,
			   const char *bn, char *why, size_t len)
{
	if ((rec->flags & a) && (rec->flags & b))
		return trace_fail(why, len, "flags '%s' and '%s' exclude each other", an, bn);
	return 0;
}

static int check_mmap(struct trace_record *rec, char *why, size_t len)
{
	if (trace_has(rec, TK_FILE) && (rec->flags & TF_ANON))
		return trace_fail(why, len, "flag 'anon' conflicts with key 'file'");
	if (trace_has(rec, TK_OFFSET) && !trace_has(rec, TK_FILE))
		return trace_fail(why, len, "key 'offset' needs key 'file'");
	if (exclusive_flags(rec, TF_SHARED, "shared", TF_PRIVATE, "private", why, len))
		return -1;
	if (exclusive_flags(rec, TF_READ, "read", TF_WRITE, "write", why, len))
		return -1;
	if (!trace_has(rec, TK_FILE))
		rec->flags |= TF_ANON;
	if (!(rec->flags & TF_SHARED))
		rec->flags |= TF_PRIVATE;
	return 0;
}

static int check_rw(struct trace_record *rec, unsigned dflt, char *why, size_t len)
{
	if (exclusive_flags(rec, TF_READ, "read", TF_WRITE, "write", why, len))
		return -1;
	if (!(rec->flags & (TF_READ | TF_WRITE)))
		rec->flags |= dflt;
	if (rec->len == 0)
		return trace_fail(why, len, "len must not be 0");
	return 0;
}

static int check_cpuset(const struct trace_record *rec, char *why, size_t len)
{
	if (rec->path[0] != '/')
		return trace_fail(why, len, "cpuset path '%s' must start with '/'", rec->path);
	if (rec->action == CPUSET_ATTACH && !trace_has(rec, TK_PID))
		return trace_fail(why, len, "cpuset action=attach needs key 'pid'");
	if (rec->action != CPUSET_ATTACH && trace_has(rec, TK_PID))
		return trace_fail(why, len, "key 'pid' is only for cpuset action=attach");
	return 0;
}

/* The Linux flag words the replay hands to its mempolicy code. */
static void derive_linux_flags(struct trace_record *rec)
{
	rec->mode_flags = (rec->flags & TF_STATIC_NODES ? MPOL_F_STATIC_NODES : 0) |
			  (rec->flags & TF_RELATIVE_NODES ? MPOL_F_RELATIVE_NODES : 0) |
			  (rec->flags & TF_NUMA_BALANCING ? MPOL_F_NUMA_BALANCING : 0);
	rec->mbind_flags = (rec->flags & TF_STRICT ? MPOL_MF_STRICT : 0) |
			   (rec->flags & TF_MOVE ? MPOL_MF_MOVE : 0) |
			   (rec->flags & TF_MOVE_ALL ? MPOL_MF_MOVE_ALL : 0);
}

/* Cross-key rules and defaults, once every word is in. */
static int finish(struct trace_record *rec, const struct op_def *d, char *why, size_t len)
{
	if (check_required(rec, d, why, len))
		return -1;
	if (trace_has(rec, TK_ADDR) && trace_has(rec, TK_LEN) && rec->len > UINT64_MAX - rec->addr)
		return trace_fail(why, len, "addr+len overflows 64 bits");
	derive_linux_flags(rec);
	switch (rec->op) {
	case OP_SPAWN:
		return exclusive(rec, TK_CPU, TK_CPUS, why, len);
	case OP_MOVE_PAGES:
		return exclusive(rec, TK_NODE, TK_NODES, why, len);
	case OP_MMAP:
		return check_mmap(rec, why, len);
	case OP_TOUCH:
		return check_rw(rec, TF_WRITE, why, len);
	case OP_ACCESS:
		return check_rw(rec, TF_READ, why, len);
	case OP_CPUSET:
		return check_cpuset(rec, why, len);
	default:
		return 0;
	}
}

/* Only what a record may read without its `has` bit is reset per line. */
void trace_record_reset(struct trace_record *rec)
{
	rec->has = rec->all = 0;
	rec->flags = 0;
	rec->uid = 0;
	rec->offset = rec->stride = rec->seed = 0;
	rec->pattern = PATTERN_SEQ;
	rec->name = rec->file = rec->path = rec->label = rec->device = rec->cache = NULL;
	rec->targets = NULL;
	rec->ntargets = 0;
	rec->text = NULL;
	rec->text_at = 0;
	rec->mode = MPOL_DEFAULT;
	rec->mode_flags = rec->mbind_flags = 0;
	rec->memory_migrate = rec->memory_spread_page = false;
	rec->memory_spread_slab = rec->mem_exclusive = false;
	rec->sysctl_id = -1;
	rec->sysctl_name = rec->sysctl_value = NULL;
	rec->sysctl_int = 0;
	/* an expect of an earlier line must not leak pointers into this one */
	memset(&rec->expect, 0, sizeof(rec->expect));
}

int trace_parse_line(struct trace_reader *r, struct trace_record *rec, char *why, size_t len)
{
	size_t n;

	if (split(r, &n))
		return trace_fail(why, len, "out of memory");
	trace_record_reset(rec);
	if (parse_time(r, r->toks[0], &rec->time_ns, why, len))
		return -1;
	if (n < 2)
		return trace_fail(why, len, "missing op after the time");
	int op = find_op(r->toks[1]);

	if (op < 0) {
		char hint[96];

		return trace_fail(why, len, "unknown op '%s'%s", r->toks[1],
				  op_hint(r->toks[1], hint, sizeof(hint)));
	}
	rec->op = (enum trace_op)op;
	if (op == OP_SYSCTL) {
		if (parse_sysctl(r, rec, r->toks + 2, n - 2, why, len))
			return -1;
	} else if (op == OP_EXPECT) {
		if (trace_parse_expect(r->toks + 2, (int)(n - 2), rec, &r->ints, why, len))
			return -1;
	} else {
		const struct op_def *d = &op_defs[op];

		for (size_t i = 2; i < n; i++)
			if (parse_word(r, rec, d, r->toks[i], r->eqs[i], why, len))
				return -1;
		if (finish(rec, d, why, len))
			return -1;
	}
	r->prev_ns = rec->time_ns;
	return 0;
}
