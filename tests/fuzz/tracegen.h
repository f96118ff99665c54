/*
 * tracegen.h - a structured trace generator for the semantic fuzzer and
 * the random-trace unit test.
 *
 * It maps an arbitrary byte string to a small trace that the parser and
 * the replay accept (no exit-2 input): pids are spawned before they are
 * used and never reused, files are declared once, move_pages nodes= lists
 * hold one target per page. Everything else is left to chance - errnos
 * (unaligned mbind, a node outside a cpuset, munmap of nothing, EACCES
 * on shared pages) are part of what is exercised. The machine is
 * TRACEGEN_TOPOLOGY: four nodes of 8 MiB in a ring, two CPUs each, so a
 * few records are enough to reach reclaim, swap and the OOM killer.
 *
 * The bytes are read front to back, one decision per byte; when they run
 * out every decision reads 0, so any prefix of an input is a shorter
 * trace. libFuzzer's mutations therefore change a few records at a time.
 */
#ifndef NUMASIM_TESTS_FUZZ_TRACEGEN_H
#define NUMASIM_TESTS_FUZZ_TRACEGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TRACEGEN_TOPOLOGY                                                                   \
	"{\"name\": \"fuzz4\", \"page_size\": 4096,"                                        \
	" \"nodes\": ["                                                                     \
	"  {\"id\": 0, \"cpus\": \"0-1\", \"memory\": \"8MiB\", \"devices\": [\"disk0\"]}," \
	"  {\"id\": 1, \"cpus\": \"2-3\", \"memory\": \"8MiB\"},"                           \
	"  {\"id\": 2, \"cpus\": \"4-5\", \"memory\": \"8MiB\"},"                           \
	"  {\"id\": 3, \"cpus\": \"6-7\", \"memory\": \"8MiB\", \"devices\": [\"nic0\"]}]," \
	" \"distances\": [[10,18,18,31],[18,10,31,18],[18,31,10,18],[31,18,18,10]],"        \
	" \"devices\": [{\"name\": \"disk0\", \"type\": \"block\", \"read_MBps\": 500,"     \
	"  \"write_MBps\": 200}, {\"name\": \"nic0\", \"type\": \"net\"}]}"

#define TG_MAX_RECORDS 96
#define TG_MAX_PIDS 24
#define TG_NFILES 4
#define TG_BASE 0x10000000ULL  /* small mappings live in [BASE, BASE + 1 MiB) */
#define TG_HBASE 0x40000000ULL /* huge mappings: 2 MiB aligned, [HBASE, HBASE + 16 MiB) */
#define TG_PAGE 4096ULL
#define TG_HPAGE (2ULL << 20)

struct tg {
	const uint8_t *p;
	size_t n, i;
	FILE *out;
	int npids; /* pids 1..npids exist (spawned, forked or threads) */
	bool file_made[TG_NFILES];
};

static inline unsigned tg_byte(struct tg *g)
{
	return g->i < g->n ? g->p[g->i++] : 0;
}

/* A choice among n (n <= 65536). */
static inline unsigned tg_pick(struct tg *g, unsigned n)
{
	unsigned v = tg_byte(g);

	if (n > 256)
		v = v << 8 | tg_byte(g);
	return v % n;
}

static inline int tg_pid(struct tg *g)
{
	return 1 + (int)tg_pick(g, (unsigned)g->npids);
}

static inline void tg_nodelist(struct tg *g)
{
	unsigned m = tg_pick(g, 17);

	if (m == 16) {
		fputs("all", g->out);
		return;
	}
	if (m == 0)
		m = 1;
	const char *sep = "";

	for (int n = 0; n < 4; n++)
		if (m >> n & 1) {
			fprintf(g->out, "%s%d", sep, n);
			sep = ",";
		}
}

static inline void tg_cpulist(struct tg *g)
{
	unsigned m = tg_pick(g, 256);
	const char *sep = "";

	if (m == 0)
		m = 1;
	for (int c = 0; c < 8; c++)
		if (m >> c & 1) {
			fprintf(g->out, "%s%d", sep, c);
			sep = ",";
		}
}

/* An address and length: mostly page aligned in the small window, now
 * and then unaligned, huge aligned, or reaching outside. */
static inline void tg_range(struct tg *g, uint64_t *addr, uint64_t *len)
{
	switch (tg_pick(g, 8)) {
	case 0: /* huge window, 2 MiB granules */
		*addr = TG_HBASE + tg_pick(g, 8) * TG_HPAGE;
		*len = (1 + tg_pick(g, 4)) * TG_HPAGE;
		break;
	case 1: /* unaligned */
		*addr = TG_BASE + tg_pick(g, 65536) % (1u << 20);
		*len = 1 + tg_pick(g, 65536) % (64 * 4096);
		break;
	default:
		*addr = TG_BASE + tg_pick(g, 256) * TG_PAGE;
		*len = (1 + tg_pick(g, 64)) * TG_PAGE;
		break;
	}
}

static inline const char *tg_mode(struct tg *g, bool *needs_nodes)
{
	static const char *const modes[] = {
		"default",    "local",		"preferred",	      "bind",
		"interleave", "preferred_many", "weighted_interleave"};
	unsigned m = tg_pick(g, 7);

	*needs_nodes = m >= 2;
	return modes[m];
}

static inline void tg_mode_flags(struct tg *g, bool nodes)
{
	unsigned f = tg_pick(g, 8);

	if (nodes && f == 1)
		fputs(" static_nodes", g->out);
	else if (nodes && f == 2)
		fputs(" relative_nodes", g->out);
}

static void tg_record(struct tg *g)
{
	FILE *o = g->out;
	uint64_t addr, len;
	bool nn;
	unsigned op = tg_pick(g, 26);

	fprintf(o, "+%uus ", tg_pick(g, 4) * 50);
	switch (op) {
	case 0: /* spawn */
	case 1: /* fork */
	case 2: /* thread */
		if (g->npids >= TG_MAX_PIDS) {
			fputs("drop_caches\n", o);
			return;
		}
		if (op == 0 || g->npids == 0) {
			fprintf(o, "spawn pid=%d", ++g->npids);
			if (tg_pick(g, 2))
				fprintf(o, " cpu=%u", tg_pick(g, 8));
			if (tg_pick(g, 4) == 0)
				fprintf(o, " uid=%u", 1000 + tg_pick(g, 2));
		} else {
			int parent = tg_pid(g);

			fprintf(o, "%s pid=%d %s=%d", op == 1 ? "fork" : "thread", parent,
				op == 1 ? "child" : "tid", g->npids + 1);
			g->npids++;
			if (tg_pick(g, 2))
				fprintf(o, " cpu=%u", tg_pick(g, 8));
		}
		break;
	case 3:
	case 4: /* rarer than the rest: exited tasks skip their records */
		if (tg_pick(g, 4)) {
			fputs("snapshot", o);
			break;
		}
		fprintf(o, "%s pid=%d", op == 3 ? "exec" : "exit", tg_pid(g));
		break;
	case 5:
		fprintf(o, "run pid=%d cpu=%u", tg_pid(g), tg_pick(g, 8));
		break;
	case 6:
		fprintf(o, "affinity pid=%d cpus=", tg_pid(g));
		tg_cpulist(g);
		break;
	case 7:
	case 8:
	case 9: { /* mmap */
		static const char *const kinds[] = {
			"",	   " shared",	   " private",	     " huge",
			" locked", " shared huge", " locked shared", ""};
		unsigned k = tg_pick(g, 10), f = tg_pick(g, TG_NFILES);

		if (k >= 8 && !g->file_made[f]) {
			/* the file is declared first, at the same time */
			fprintf(o, "file name=/f%u size=%u\n+0 ", f, (1 + tg_pick(g, 64)) * 16384);
			g->file_made[f] = true;
		}
		tg_range(g, &addr, &len);
		fprintf(o, "mmap pid=%d addr=%#llx len=%llu", tg_pid(g), (unsigned long long)addr,
			(unsigned long long)len);
		if (k >= 8) {
			fprintf(o, " file=/f%u offset=%u%s", f, tg_pick(g, 8) * 4096,
				k == 9 ? " shared" : "");
		} else {
			fputs(kinds[k], o);
		}
		break;
	}
	case 10:
		tg_range(g, &addr, &len);
		fprintf(o, "munmap pid=%d addr=%#llx len=%llu", tg_pid(g), (unsigned long long)addr,
			(unsigned long long)len);
		break;
	case 11:
	case 12:
	case 13:
		tg_range(g, &addr, &len);
		fprintf(o, "touch pid=%d addr=%#llx len=%llu%s", tg_pid(g),
			(unsigned long long)addr, (unsigned long long)len,
			tg_pick(g, 3) == 0 ? " read" : "");
		if (tg_pick(g, 4) == 0)
			fprintf(o, " stride=%u", (1 + tg_pick(g, 4)) * 4096);
		break;
	case 14:
		tg_range(g, &addr, &len);
		fprintf(o, "access pid=%d addr=%#llx len=%llu count=%u pattern=%s seed=%u%s",
			tg_pid(g), (unsigned long long)addr, (unsigned long long)len,
			1 + tg_pick(g, 2000), tg_pick(g, 2) ? "random" : "seq", tg_pick(g, 16),
			tg_pick(g, 2) ? " write" : "");
		break;
	case 15: {
		unsigned f = tg_pick(g, TG_NFILES);

		if (!g->file_made[f]) {
			fprintf(o, "file name=/f%u size=%u", f, tg_pick(g, 65) * 16384);
			g->file_made[f] = true;
			break;
		}
		unsigned what = tg_pick(g, 3);

		if (what == 2) {
			fprintf(o, "fsync pid=%d file=/f%u", tg_pid(g), f);
			break;
		}
		fprintf(o, "%s pid=%d file=/f%u", what ? "write" : "read", tg_pid(g), f);
		if (tg_pick(g, 2))
			fprintf(o, " offset=%u len=%u", tg_pick(g, 256) * 4096,
				1 + tg_pick(g, 65536) % (512 * 1024));
		break;
	}
	case 16:
		fputs("drop_caches", o);
		break;
	case 17: {
		const char *m = tg_mode(g, &nn);

		fprintf(o, "set_mempolicy pid=%d mode=%s", tg_pid(g), m);
		if (nn) {
			fputs(" nodes=", o);
			tg_nodelist(g);
		}
		tg_mode_flags(g, nn);
		break;
	}
	case 18: {
		const char *m;
		static const char *const fl[] = {
			"", " strict", " move", " move_all", " strict move", "", "", ""};

		tg_range(g, &addr, &len);
		if (tg_pick(g, 4) == 0)
			len = (len + 4095) & ~4095ULL;
		m = tg_mode(g, &nn);
		fprintf(o, "mbind pid=%d addr=%#llx len=%llu mode=%s", tg_pid(g),
			(unsigned long long)addr, (unsigned long long)len, m);
		if (nn) {
			fputs(" nodes=", o);
			tg_nodelist(g);
		}
		tg_mode_flags(g, nn);
		fputs(fl[tg_pick(g, 8)], o);
		break;
	}
	case 19: {
		unsigned npages = 1 + tg_pick(g, 16), how = tg_pick(g, 3);

		fprintf(o, "move_pages pid=%d addr=%#llx len=%llu", tg_pid(g),
			(unsigned long long)(TG_BASE + tg_pick(g, 256) * TG_PAGE),
			(unsigned long long)npages * TG_PAGE);
		if (how == 1) {
			fprintf(o, " node=%u", tg_pick(g, 4));
		} else if (how == 2) {
			fputs(" nodes=", o);
			for (unsigned i = 0; i < npages; i++)
				fprintf(o, "%s%u", i ? "," : "", tg_pick(g, 4));
		}
		if (tg_pick(g, 4) == 0)
			fputs(" flags=move_all", o);
		if (tg_pick(g, 4) == 0)
			fprintf(o, " as_pid=%d", tg_pid(g));
		break;
	}
	case 20:
		fprintf(o, "migrate_pages pid=%d from=", tg_pid(g));
		tg_nodelist(g);
		fputs(" to=", o);
		tg_nodelist(g);
		if (tg_pick(g, 4) == 0)
			fprintf(o, " as_pid=%d", tg_pid(g));
		break;
	case 21:
	case 22: {
		static const char *const paths[] = {"/a", "/b", "/a/c", "/"};
		static const char *const acts[] = {"create", "set", "attach", "remove"};
		unsigned a = tg_pick(g, 4);

		fprintf(o, "cpuset action=%s path=%s", acts[a], paths[tg_pick(g, 4)]);
		if (a == 2) {
			fprintf(o, " pid=%d", tg_pid(g));
			break;
		}
		if (a == 3)
			break;
		if (tg_pick(g, 4)) {
			fputs(" cpus=", o);
			tg_cpulist(g);
		}
		if (tg_pick(g, 4)) {
			fputs(" mems=", o);
			tg_nodelist(g);
		}
		if (tg_pick(g, 2))
			fprintf(o, " memory_migrate=%u", tg_pick(g, 2));
		if (tg_pick(g, 4) == 0)
			fprintf(o, " memory_spread_page=%u", tg_pick(g, 2));
		if (tg_pick(g, 4) == 0)
			fprintf(o, " memory_spread_slab=%u", tg_pick(g, 2));
		if (tg_pick(g, 4) == 0)
			fprintf(o, " mem_exclusive=%u", tg_pick(g, 2));
		break;
	}
	case 23: {
		static const char *const sysctls[] = {
			"vm.zone_reclaim_mode=%u",	"vm.swappiness=%u",
			"vm.min_unmapped_ratio=%u",	"vm.min_slab_ratio=%u",
			"vm.watermark_scale_factor=%u", "vm.dirty_ratio=%u",
			"vm.dirty_background_ratio=%u", "vm.overcommit_memory=%u",
			"sim.slab_allocator=%u",	"vm.min_free_kbytes=%u",
		};
		static const unsigned range[] = {8, 201, 101, 101, 1000, 101, 101, 3, 2, 2048};
		unsigned k = tg_pick(g, 10);
		unsigned v = tg_pick(g, 65536) % range[k];

		if (k == 4 && v == 0)
			v = 1;
		if (k == 9)
			v += 128;
		fputs("sysctl ", o);
		fprintf(o, sysctls[k], v);
		break;
	}
	case 24: {
		static const char *const caches[] = {"", " cache=dentry", " cache=ext4_inode_cache",
						     " cache=kmalloc-64"};

		fprintf(o, "kmalloc size=%u",
			1 + tg_pick(g, 65536) % (tg_pick(g, 2) ? 256 : 300000));
		if (tg_pick(g, 2))
			fprintf(o, " node=%u", tg_pick(g, 4));
		fputs(caches[tg_pick(g, 4)], o);
		if (tg_pick(g, 2))
			fprintf(o, " pid=%d", tg_pid(g));
		break;
	}
	default:
		fputs("snapshot", o);
		break;
	}
	fputc('\n', o);
}

/*
 * Writes the trace for bytes p[0..n) to out. The first byte chooses the
 * swap size and zone_reclaim_mode; pid 1 is always spawned first.
 */
static inline void tracegen_write(const uint8_t *p, size_t n, FILE *out)
{
	static const char *const swap[] = {"0", "4MiB", "16MiB", "64MiB"};
	struct tg g = {.p = p, .n = n, .out = out};
	unsigned head = tg_byte(&g);

	fputs("# numasim trace v1\n", out);
	fprintf(out, "@0 sysctl sim.swap_size=%s\n", swap[head & 3]);
	fprintf(out, "@0 sysctl vm.zone_reclaim_mode=%u\n", head >> 2 & 7);
	fputs("@0 spawn pid=1 cpu=0\n", out);
	g.npids = 1;
	for (int i = 0; i < TG_MAX_RECORDS && g.i < g.n; i++)
		tg_record(&g);
}

#endif
