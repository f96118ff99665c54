/*
 * sim.c - creating, checking and destroying one simulation.
 *
 * The machine comes from the topology, the kernel model is brought up as
 * at boot (mem_init() plays free_area_init() + memblock_free_all() +
 * init_per_zone_wmark_min()), and the clock starts at 0.
 */
#include "sim.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mm/cpuset.h"
#include "mm/migrate.h"
#include "mm/overcommit.h"
#include "mm/filemap.h"
#include "mm/page_alloc.h"
#include "mm/huge_memory.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "task/mm.h"
#include "task/task.h"
#include "topo/interconnect.h"
#include "trace/replay.h"

struct sim *sim_create(const struct topology *topo, const struct tunables *tun,
		       struct nerr *err)
{
	struct sim *s = calloc(1, sizeof(*s));

	if (!s) {
		nerr_set(err, "out of memory");
		return NULL;
	}
	s->topo = topo;
	s->tun = *tun;
	engine_init(&s->eng);
	for (int i = 0; i < NR_RNG_STREAMS; i++)
		rng_seed(&s->rng[i], (uint64_t)tun->v[TUN_SIM_SEED], (uint64_t)i);
	size_t nn = (size_t)(topo->nr_nodes ? topo->nr_nodes : 1);

	s->acc.matrix = calloc(nn * nn, sizeof(uint64_t));
	if (!s->acc.matrix) {
		nerr_set(err, "out of memory");
		sim_destroy(s);
		return NULL;
	}
	if (mem_init(s, err)) {
		sim_destroy(s);
		return NULL;
	}
	/* The rest of the kernel model, in boot order. */
	if (!(s->mmreg = calloc(1, sizeof(*s->mmreg))) || vfs_init(s) || swap_init(s) ||
	    cpuset_init(s) || slab_init(s) || tasks_init(s) || migrate_init(s) ||
	    (topo->nr_links && !(s->ic = ic_create(topo)))) {
		nerr_set(err, "out of memory setting up the simulation");
		sim_destroy(s);
		return NULL;
	}
	overcommit_init(s);
	return s;
}

void sim_destroy(struct sim *s)
{
	if (!s)
		return;
	/* Tasks first. Their pages are not returned one by one: the frame
	 * arrays, free lists and counters are freed whole below, so exit
	 * only releases each address space's host memory (no per-page
	 * unmapping, which cost a quarter of a fault-heavy run). */
	s->destroying = true;
	if (s->tasks)
		tasks_free(s);
	slab_free_all(s);
	cpuset_free(s);
	migrate_free(s);
	ic_free(s->ic);
	vfs_free(s);
	swap_free_all(s);
	if (s->mmreg) {
		for (uint32_t i = 1; i < s->mmreg->nr_anon_vmas; i++) {
			free(s->mmreg->anon_vmas[i]->mms);
			free(s->mmreg->anon_vmas[i]);
		}
		free(s->mmreg->anon_vmas);
		free(s->mmreg);
	}
	trace_log_free(s->log);
	mem_free(&s->mem);
	engine_free(&s->eng);
	free(s->acc.matrix);
	free(s);
}

/* The sysctl handlers of mm/page_alloc.c: min_free_kbytes_sysctl_handler,
 * watermark_scale_factor_sysctl_handler, lowmem_reserve_ratio_sysctl_handler. */
void sim_tunables_changed(struct sim *s, int id)
{
	switch (id) {
	case TUN_MIN_FREE_KBYTES:
		/* min_free_kbytes_sysctl_handler(): the value is the user's */
		s->min_free_kbytes = (uint64_t)tun(&s->tun, TUN_MIN_FREE_KBYTES);
		setup_per_zone_wmarks(s);
		break;
	case TUN_THP_ENABLED:
		thp_start_stop(s);   /* enabled_store() -> start_stop_khugepaged() */
		break;
	case TUN_WATERMARK_SCALE_FACTOR:
	case TUN_LOWMEM_RESERVE_RATIO_DMA:
	case TUN_LOWMEM_RESERVE_RATIO_DMA32:
	case TUN_LOWMEM_RESERVE_RATIO_NORMAL:
		setup_per_zone_wmarks(s);
		break;
	/* overcommit_ratio_handler() and overcommit_kbytes_handler(): the
	 * two ways of sizing CommitLimit exclude each other. */
	case TUN_OVERCOMMIT_RATIO:
		s->tun.v[TUN_OVERCOMMIT_KBYTES] = 0;
		break;
	case TUN_OVERCOMMIT_KBYTES:
		s->tun.v[TUN_OVERCOMMIT_RATIO] = 0;
		break;
	case TUN_SIM_SWAP_SIZE:
		/* A new swap device: only while nothing is swapped out. */
		swap_resize(s);
		break;
	default:
		break;
	}
}

int sim_check(struct sim *s, struct nerr *err)
{
	if (page_alloc_check(s, err) || mm_check(s, err) || swap_check(s, err))
		return -1;
	/* Other modules' invariants are checked here, one call each
	 * (page tables vs. reverse map, page cache, swap, ...). */
	return 0;
}

void sim_explain_flush(struct sim *s)
{
	if (s->explain_repeats)
		fprintf(s->explain_out ? s->explain_out : stdout,
			"    ... and %llu more decision%s like those above\n",
			(unsigned long long)s->explain_repeats, s->explain_repeats > 1 ? "s" : "");
	s->explain_repeats = 0;
	s->explain_nseen = 0;
}

static uint64_t line_hash(const char *p)
{
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a */

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

void sim_explain(struct sim *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!s->explain)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	uint64_t h = line_hash(line);

	for (unsigned i = 0; i < s->explain_nseen; i++) {
		if (s->explain_seen[i] == h) {
			s->explain_repeats++;
			return;
		}
	}
	if (s->explain_nseen < sizeof(s->explain_seen) / sizeof(s->explain_seen[0]))
		s->explain_seen[s->explain_nseen++] = h;
	fputs(line, s->explain_out ? s->explain_out : stdout);
}
