/*
 * sim.c - creating, checking and destroying one simulation.
 *
 * The machine comes from the topology, the kernel model is brought up as
 * at boot (mem_init() plays free_area_init() + memblock_free_all() +
 * init_per_zone_wmark_min()), and the clock starts at 0.
 */
#include "sim.h"

#include "report/explain.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mm/cpuset.h"
#include "mm/migrate.h"
#include "mm/overcommit.h"
#include "mm/filemap.h"
#include "mm/memory-tiers.h"
#include "mm/page_alloc.h"
#include "mm/huge_memory.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "task/mmap.h"
#include "task/task.h"
#include "topo/interconnect.h"

struct sim *sim_create(const struct topology *topo, const struct tunables *tun, struct nerr *err)
{
	struct sim *s = calloc(1, sizeof(*s));

	if (!s) {
		nerr_set(err, "%s: out of host memory", topo->path ? topo->path : "topology");
		return NULL;
	}
	s->topo = topo;
	s->tun = *tun;
	for (int n = topo->nr_nodes; n < TUN_WI_NODES; n++)
		if (tun->set[TUN_WI_WEIGHT(n)]) {
			char name[96];

			nerr_set(err, "%s: the machine has no node %d (nodes 0-%d)",
				 tunable_name(TUN_WI_WEIGHT(n), name, sizeof(name)), n,
				 topo->nr_nodes - 1);
			free(s);
			return NULL;
		}
	engine_init(&s->eng);
	for (int i = 0; i < NR_RNG_STREAMS; i++)
		rng_seed(&s->rng[i], (uint64_t)tun->v[TUN_SIM_SEED], (uint64_t)i);
	size_t nn = (size_t)(topo->nr_nodes ? topo->nr_nodes : 1);

	s->acc.matrix = calloc(nn * nn, sizeof(uint64_t));
	if (!s->acc.matrix) {
		nerr_set(err, "%s: out of host memory", topo->path ? topo->path : "topology");
		sim_destroy(s);
		return NULL;
	}
	if (mem_init(s, err)) {
		if (strstr(err->msg, "out of host memory") && topo->path)
			nerr_prefix(err, "%s", topo->path);
		sim_destroy(s);
		return NULL;
	}
	/* The rest of the kernel model, in boot order. */
	if (!(s->mmreg = calloc(1, sizeof(*s->mmreg))) || vfs_init(s) || swap_init(s) ||
	    cpuset_init(s) || slab_init(s) || tasks_init(s) || migrate_init(s) ||
	    memory_tiers_build(topo, &s->tiers) || (topo->nr_links && !(s->ic = ic_create(topo)))) {
		nerr_set(err, "%s: out of host memory setting up the simulation",
			 topo->path ? topo->path : "topology");
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
	memory_tiers_free(s->tiers);
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
		thp_start_stop(s); /* enabled_store() -> start_stop_khugepaged() */
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
	char why[256];

	if (page_alloc_check(s, err) || mm_check(s, err) || swap_check(s, err))
		return -1;
	if (memory_tiers_check(s->tiers, s->topo, why, sizeof(why)) ||
	    tiering_check(s, why, sizeof(why)))
		return nerr_set(err, "memory tiers: %s", why);
	/* Other modules' invariants are checked here, one call each
	 * (page tables vs. reverse map, page cache, swap, ...). */
	return 0;
}

static void explain_v(struct sim *s, bool important, const char *fmt, va_list ap)
{
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	explain_line(s->explain, sim_now(s), line, important);
}

void sim_explain(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->explain)
		return;
	va_start(ap, fmt);
	explain_v(s, false, fmt, ap);
	va_end(ap);
}

void sim_explain_important(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->explain)
		return;
	va_start(ap, fmt);
	explain_v(s, true, fmt, ap);
	va_end(ap);
}
