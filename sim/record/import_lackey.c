/*
 * import_lackey.c - `numasim import lackey FILE`: the memory trace of
 * `valgrind --tool=lackey --trace-mem=yes --log-file=FILE PROG`
 * (docs/recording.md).
 *
 * Lines are `I  ADDR,SIZE` (an instruction), ` L ADDR,SIZE` (a load),
 * ` S ...` (a store) and ` M ...` (a modify: load and store), and
 * valgrind's own `==PID== ...` lines. Lackey has no clock and no thread
 * ids: time is the instruction count (one instruction = 1 ns), every
 * access is the process's. The first access to a page is its first
 * touch; the data accesses of each interval (--interval N instructions,
 * default 1M) are summed per page into `access` records, consecutive
 * pages with the same count and kind merged into one range. Instruction
 * fetches only count time. Lackey shows no mappings: the touched pages
 * are mapped as anonymous memory, 2 MiB-aligned chunks around them.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "record/record.h"
#include "record/record_int.h"

#define MAX_PENDING (4u << 20) /* accesses held before an early flush */

struct limp {
	struct rec_log *g;
	const char *path;
	unsigned long line;
	uint32_t pid;
	uint64_t instr, interval_end, interval;
	uint64_t *acc; /* page << 1 | write, this interval */
	size_t nacc, capacc;
	struct rec_chunks chunks; /* the made-up mappings (chunks.c) */
	uint64_t last_page;	  /* the page of the previous access: most repeat it */
	bool have_last;
};

static int by_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A small set of pages seen: an open-addressing table. */
struct pset {
	uint64_t *k;
	size_t cap, n;
};

static bool pset_add(struct pset *s, uint64_t page, bool *added)
{
	if ((s->n + 1) * 2 > s->cap) {
		struct pset ns = {.cap = s->cap ? s->cap * 2 : 4096};

		if (!(ns.k = calloc(ns.cap, sizeof(*ns.k))))
			return false;
		for (size_t i = 0; i < s->cap; i++)
			if (s->k[i]) {
				bool d;

				pset_add(&ns, s->k[i] - 1, &d);
			}
		free(s->k);
		*s = ns;
	}
	size_t i = (size_t)((page * 0x9e3779b97f4a7c15ull) >> 20) & (s->cap - 1);

	for (; s->k[i]; i = (i + 1) & (s->cap - 1))
		if (s->k[i] == page + 1) {
			*added = false;
			return true;
		}
	s->k[i] = page + 1;
	s->n++;
	*added = true;
	return true;
}

static int flush_interval(struct limp *m, uint64_t t)
{
	qsort(m->acc, m->nacc, sizeof(*m->acc), by_u64);
	/* per page: a count of reads or, if it was written, of accesses */
	size_t i = 0;

	while (i < m->nacc) {
		uint64_t page = m->acc[i] >> 1, count = 0;
		bool write = false;

		for (; i < m->nacc && m->acc[i] >> 1 == page; i++, count++)
			write |= m->acc[i] & 1;
		/* merge with the following pages of the same count and kind */
		uint64_t first = page, last = page, per = count;

		while (i < m->nacc && m->acc[i] >> 1 == last + 1) {
			size_t j = i;
			uint64_t c2 = 0;
			bool w2 = false;

			for (; j < m->nacc && m->acc[j] >> 1 == last + 1; j++, c2++)
				w2 |= m->acc[j] & 1;
			if (c2 != per || w2 != write)
				break;
			last++;
			i = j;
		}
		uint64_t n = last - first + 1;

		if (rec_text(m->g, t, m->pid,
			     "access pid=%u addr=0x%" PRIx64 " len=%" PRIu64 " count=%" PRIu64 "%s",
			     m->pid, first * 4096, n * 4096, per * n, write ? " write" : ""))
			return -1;
	}
	m->nacc = 0;
	return 0;
}

/* Lackey's accesses are the one process's, mapped from the start. */
static bool chunk_owner(void *ctx, uint32_t pid, uint64_t *t, uint32_t *tid)
{
	(void)ctx;
	*t = 0;
	*tid = pid;
	return true;
}

static int bad(struct limp *m, struct nerr *err, const char *what)
{
	return nerr_set(err, "%s:%lu: %s", m->path, m->line, what);
}

int import_lackey(struct rec_log *g, FILE *f, const char *path, uint64_t interval,
		  uint32_t *next_mm, struct nerr *err)
{
	struct limp m = {.g = g, .path = path, .interval = interval ? interval : 1000000};
	struct pset seen = {0};
	char buf[512];
	int rc = 0;
	bool any = false;

	err->msg[0] = 0;
	m.interval_end = m.interval;
	while (!rc && fgets(buf, sizeof(buf), f)) {
		m.line++;
		if (!strchr(buf, '\n') && !feof(f)) {
			rc = bad(&m, err, "line too long for a lackey --trace-mem line");
			break;
		}
		if (!strncmp(buf, "==", 2)) { /* ==PID== valgrind's own lines */
			if (!m.pid)
				m.pid = (uint32_t)strtoul(buf + 2, NULL, 10);
			continue;
		}
		if (buf[0] == '\n')
			continue;
		char kind;
		unsigned long long addr;
		unsigned size;

		if (sscanf(buf, " %c %llx,%u", &kind, &addr, &size) != 3 || !strchr("ILSM", kind) ||
		    (kind == 'I') != (buf[0] == 'I')) {
			rc = bad(&m, err,
				 "not a lackey --trace-mem line (I, L, S or M ADDR,SIZE); "
				 "capture with --log-file so the program's output stays apart");
			break;
		}
		if (!any) {
			any = true;
			if (!m.pid)
				m.pid = 1;
			if (m.pid > 4194304) {
				rc = bad(&m, err, "pid out of range 1..4194304");
				break;
			}
			if (rec_spawn(g, 0, m.pid, (*next_mm)++, REC_NO_CPU, NULL)) {
				rc = -1;
				break;
			}
		}
		if (kind == 'I') {
			if (++m.instr >= m.interval_end) {
				if (m.nacc && flush_interval(&m, m.interval_end)) {
					rc = -1;
					break;
				}
				m.interval_end += m.interval;
			}
			continue;
		}
		if (addr >= REC_USER_TOP) {
			rc = bad(&m, err, "address beyond user space");
			break;
		}
		uint64_t page = addr / 4096;
		bool added = false;

		if (!m.have_last || page != m.last_page) {
			if (!pset_add(&seen, page, &added)) {
				rc = -1;
				break;
			}
			m.last_page = page;
			m.have_last = true;
		}
		if (added && (rec_fault(g, m.instr + 1, m.pid, REC_NO_CPU, addr) ||
			      rec_chunks_note(&m.chunks, m.pid, addr))) {
			rc = -1;
			break;
		}
		if (!rec_grow((void **)&m.acc, &m.capacc, m.nacc + 1, sizeof(*m.acc))) {
			rc = -1;
			break;
		}
		m.acc[m.nacc++] = page << 1 | (kind != 'L');
		if (m.nacc >= MAX_PENDING && flush_interval(&m, m.instr + 1))
			rc = -1;
	}
	if (!rc && !any)
		rc = nerr_set(err, "%s: no lackey --trace-mem lines", path);
	if (!rc && m.nacc && flush_interval(&m, m.instr + 1))
		rc = -1;
	if (!rc && rec_chunks_map(g, &m.chunks, chunk_owner, NULL))
		rc = -1;
	if (rc && !err->msg[0])
		nerr_set(err, "%s: out of memory", path);
	free(m.acc);
	rec_chunks_free(&m.chunks);
	free(seen.k);
	return rc;
}
