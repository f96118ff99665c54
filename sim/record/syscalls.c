/*
 * syscalls.c - the policy, migration and affinity system calls as trace
 * records, from decoded arguments: shared by `numasim record` (which reads
 * them from the tracee) and `numasim import strace` (which reads strace's
 * text). With `expect`, the kernel's result follows as an `expect rc=`
 * or `expect status=` line in the caller's stream (docs/recording.md).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/errno_names.h"
#include "record/record.h"

#define MPOL_F_STATIC_NODES (1u << 15)
#define MPOL_F_RELATIVE_NODES (1u << 14)
#define MPOL_F_NUMA_BALANCING (1u << 13)
#define MPOL_MODE_FLAGS (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)

const char *rec_advice_name(uint64_t adv, bool *drop)
{
	*drop = false;
	switch (adv) {
	case 3:
		return "willneed";
	case 4:
		*drop = true;
		return "dontneed";
	case 8:
		*drop = true;
		return "free";
	case 14:
		return "hugepage";
	case 15:
		return "nohugepage";
	case 20:
		return "cold";
	case 21:
		*drop = true;
		return "pageout";
	default:
		return NULL;
	}
}

static const char *mode_name(unsigned m)
{
	static const char *const names[] = {
		"default",	  "preferred",		 "bind", "interleave", "local",
		"preferred_many", "weighted_interleave",
	};

	return m < sizeof(names) / sizeof(names[0]) ? names[m] : NULL;
}

void rec_sys_rc(struct rec_log *g, uint64_t t, uint32_t tid, int64_t rc)
{
	const char *name = rc < 0 ? errno_name((int)-rc) : NULL;

	if (name)
		rec_text(g, t, tid, "expect pid=%u rc=%s", tid, name);
	else
		rec_text(g, t, tid, "expect pid=%u rc=%" PRId64, tid, rc);
}

void rec_sys_policy(struct rec_log *g, uint64_t t, uint32_t tid, const struct rec_policy *p,
		    int64_t rc, bool expect)
{
	const char *name = mode_name(p->mode & ~MPOL_MODE_FLAGS);
	char nodes[4200], rng[96] = "", mf[64] = "";
	const char *op = p->mbind ? "mbind" : "set_mempolicy";

	if (!name || !p->mask_ok || (p->mbind && !rec_range_ok(p->addr, p->len))) {
		rec_text(g, t, tid,
			 "# %s pid=%u mode=%u: not representable (unknown mode, unreadable "
			 "nodemask or range beyond user space), rc=%" PRId64,
			 op, tid, p->mode, rc);
		return;
	}
	rec_list(nodes, sizeof(nodes), p->mask, p->nbits);
	if (p->mbind) {
		snprintf(rng, sizeof(rng), " addr=0x%" PRIx64 " len=%" PRIu64, p->addr, p->len);
		snprintf(mf, sizeof(mf), "%s%s%s", p->flags & 1 ? " strict" : "",
			 p->flags & 2 ? " move" : "", p->flags & 4 ? " move_all" : "");
	}
	rec_text(g, t, tid, "%s pid=%u%s mode=%s%s%s%s%s%s%s", op, tid, rng, name,
		 nodes[0] ? " nodes=" : "", nodes,
		 p->mode & MPOL_F_STATIC_NODES ? " static_nodes" : "",
		 p->mode & MPOL_F_RELATIVE_NODES ? " relative_nodes" : "",
		 p->mode & MPOL_F_NUMA_BALANCING ? " numa_balancing" : "", mf);
	if (expect)
		rec_sys_rc(g, t, tid, rc);
}

void rec_sys_migrate(struct rec_log *g, uint64_t t, uint32_t tid, uint32_t target,
		     const uint64_t *from, const uint64_t *to, unsigned nbits, int64_t rc,
		     bool expect)
{
	char f[4200], o[4200], as[32] = "";

	rec_list(f, sizeof(f), from, nbits);
	rec_list(o, sizeof(o), to, nbits);
	if (!f[0] || !o[0]) {
		rec_text(g, t, tid, "# migrate_pages pid=%u: an empty node set, rc=%" PRId64,
			 target, rc);
		return;
	}
	if (target != tid)
		snprintf(as, sizeof(as), " as_pid=%u", tid);
	rec_text(g, t, tid, "migrate_pages pid=%u from=%s to=%s%s", target, f, o, as);
	if (expect)
		rec_sys_rc(g, t, tid, rc);
}

static void status_list(char *dst, size_t size, const int32_t *st, size_t n)
{
	size_t k = 0;

	dst[0] = 0;
	for (size_t i = 0; i < n && k + 16 < size; i++) {
		const char *e = st[i] < 0 ? errno_name(-st[i]) : NULL;

		k += (size_t)(e ? snprintf(dst + k, size - k, "%s-%s", i ? "," : "", e)
				: snprintf(dst + k, size - k, "%s%d", i ? "," : "", st[i]));
	}
}

/*
 * move_pages(2) takes any list of addresses; the trace takes a range of
 * pages. Each run of consecutive pages becomes one record (and, with
 * expect, the status of its pages).
 */
int rec_sys_move_pages(struct rec_log *g, uint64_t t, uint32_t tid, uint32_t target,
		       const struct rec_move *m, int64_t rc, bool expect)
{
	size_t size = m->n * 16 + 64;
	char *buf = malloc(size), as[32] = "";
	uint64_t ps = m->page_size;

	if (!buf)
		return -1;
	if (target != tid)
		snprintf(as, sizeof(as), " as_pid=%u", tid);
	for (size_t i = 0; i < m->n;) {
		size_t j = i, k = 0;
		uint64_t start = m->pages[i] & ~(ps - 1);

		while (j + 1 < m->n &&
		       (m->pages[j + 1] & ~(ps - 1)) == (m->pages[j] & ~(ps - 1)) + ps)
			j++;
		bool nodes_ok = true, status_ok = true;

		for (size_t x = i; x <= j; x++) {
			nodes_ok &= !m->nodes || (m->nodes[x] >= 0 && m->nodes[x] < REC_MAX_NODES);
			status_ok &= !m->status || m->status[x] < REC_MAX_NODES;
		}
		if (!rec_range_ok(start, (uint64_t)(j - i + 1) * ps) || !nodes_ok) {
			rec_text(g, t, tid,
				 "# move_pages pid=%u: pages beyond user space or a node the "
				 "trace cannot name, rc=%" PRId64,
				 target, rc);
			i = j + 1;
			continue;
		}
		buf[0] = 0;
		for (size_t x = i; m->nodes && x <= j; x++)
			k += (size_t)snprintf(buf + k, size - k, "%s%d",
					      x > i ? "," : " nodes=", m->nodes[x]);
		rec_text(g, t, tid, "move_pages pid=%u addr=0x%" PRIx64 " len=%" PRIu64 "%s%s%s",
			 target, start, (uint64_t)(j - i + 1) * ps, buf, as,
			 m->move_all ? " move_all" : "");
		if (expect && rc >= 0 && m->status && status_ok) {
			status_list(buf, size, m->status + i, j - i + 1);
			rec_text(g, t, tid, "expect pid=%u status=%s", tid, buf);
		} else if (expect && rc < 0) {
			rec_sys_rc(g, t, tid, rc);
		}
		i = j + 1;
	}
	free(buf);
	return 0;
}

void rec_sys_affinity(struct rec_log *g, uint64_t t, uint32_t tid, uint32_t target,
		      const uint64_t *mask, unsigned nbits)
{
	char list[16384];

	rec_list(list, sizeof(list), mask, nbits);
	if (list[0])
		rec_text(g, t, tid, "affinity pid=%u cpus=%s", target, list);
}
