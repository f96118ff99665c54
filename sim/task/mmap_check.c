/*
 * mmap_check.c - the --check invariants of address spaces (docs/cli.md: "page
 * table and reverse map agree"):
 *  - each frame's mapcount equals the number of ptes mapping it;
 *  - entry i of a huge PMD maps frame head + i of a compound page;
 *  - every mapped frame is allocated (not on a free list) and is an
 *    anonymous, page cache or huge page;
 *  - the reverse map of each mapped frame finds every pte counted;
 *  - NR_ANON_MAPPED, NR_FILE_PAGES and NR_FILE_MAPPED per node equal a
 *    recount of the frames;
 *  - Committed_AS equals the pages of the VM_ACCOUNT VMAs of the live
 *    address spaces plus the charge of the live shmem objects.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/filemap.h"
#include "mm/rmap.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/task.h"

struct walk {
	struct sim *s;
	uint32_t *count; /* ptes seen per frame */
	struct mm_struct *mm;
	int bad;
	char msg[256];
};

static void count_pte(void *ctx, uint64_t vpn, pte_t *e)
{
	struct walk *w = ctx;
	pte_t p = *e;

	if (!(pte_maps_frame(p) || (p & PTE_MIGRATION)))
		return;
	pfn_t pfn = (pfn_t)pte_val(p);

	if (pfn >= w->s->mem.f.nr) {
		if (!w->bad++)
			snprintf(w->msg, sizeof(w->msg),
				 "mm %u vpn %#llx maps pfn %u beyond memory", w->mm->id,
				 (unsigned long long)vpn, pfn);
		return;
	}
	/* a huge PMD's entry i maps head + i of a compound page */
	if ((p & PTE_HUGE) && !page_test_head(&w->s->mem.f, pfn - (pfn_t)(vpn & 511)) && !w->bad++)
		snprintf(w->msg, sizeof(w->msg),
			 "mm %u vpn %#llx maps pfn %u of a huge PMD whose "
			 "head pfn %u is not a compound head",
			 w->mm->id, (unsigned long long)vpn, pfn, pfn - (pfn_t)(vpn & 511));
	if ((p & PTE_HUGE) && !page_test_head(&w->s->mem.f, pfn))
		return; /* huge mappings count once, at the head */
	w->count[pfn]++;
}

struct rmap_count {
	uint32_t found;
};

static bool rmap_count_one(struct sim *s, void *ctx, struct mm_struct *mm, uint64_t vpn)
{
	(void)s;
	(void)mm;
	(void)vpn;
	((struct rmap_count *)ctx)->found++;
	return true;
}

/*
 * Calls fn once for each distinct live address space (threads share
 * one). mm ids are handed out in sequence, so a bitmap over them finds
 * repeats in O(tasks).
 */
static int for_each_live_mm(struct sim *s, void (*fn)(struct sim *, struct mm_struct *, void *),
			    void *ctx)
{
	struct task_table *tt = s->tasks;
	uint32_t nbits = s->mmreg->next_mm_id + 1;
	uint64_t *seen = calloc((nbits + 63) / 64, sizeof(*seen));

	if (!seen)
		return -1;
	for (uint32_t i = 0; i < tt->nr; i++) {
		struct mm_struct *mm = tt->by_order[i]->mm;

		if (!mm || mm->id >= nbits || bm_test(seen, mm->id))
			continue;
		bm_set(seen, mm->id);
		fn(s, mm, ctx);
	}
	free(seen);
	return 0;
}

static void count_mm(struct sim *s, struct mm_struct *mm, void *ctx)
{
	struct walk *w = ctx;

	w->mm = mm;
	for (int v = 0; v < mm->nr_vmas; v++)
		pgtable_walk(&mm->pt, mm->vmas[v]->start >> s->topo->page_shift,
			     mm->vmas[v]->end >> s->topo->page_shift, count_pte, w);
}

/* Counts ptes per frame over every distinct live address space. */
static int count_all(struct sim *s, struct walk *w)
{
	return for_each_live_mm(s, count_mm, w);
}

static int check_frames(struct sim *s, struct walk *w, struct nerr *err)
{
	const struct frames *f = &s->mem.f;
	int nn = s->topo->nr_nodes;
	uint64_t *anon = calloc((size_t)nn * 3, sizeof(uint64_t));
	uint64_t *file = anon + nn, *mapped = anon + 2 * nn;
	int rc = 0;

	if (!anon)
		return nerr_set(err, "--check: out of host memory");
	for (pfn_t pfn = 0; pfn < f->nr && !rc; pfn++) {
		int nid = pfn_to_nid(&s->mem, pfn);

		if (w->count[pfn] != f->mapcount[pfn])
			rc = nerr_set(err, "--check: pfn %u has mapcount %u but %u ptes map it",
				      pfn, f->mapcount[pfn], w->count[pfn]);
		else if (w->count[pfn] && page_test_buddy(f, pfn))
			rc = nerr_set(err, "--check: pfn %u is mapped and free", pfn);
		else if (w->count[pfn] && !(page_test_anon(f, pfn) || page_test_file(f, pfn)))
			rc = nerr_set(
				err,
				"--check: pfn %u is mapped but neither anonymous nor page cache",
				pfn);
		if (rc)
			break;
		if (page_test_anon(f, pfn))
			anon[nid] += page_test_head(f, pfn) ? 1ULL << frame_order(f, pfn) : 1;
		if (page_test_file(f, pfn)) {
			file[nid]++;
			if (f->mapcount[pfn])
				mapped[nid]++;
		}
		if (w->count[pfn] && !(page_test_isolated(f, pfn) || page_test_locked(f, pfn))) {
			struct rmap_count rc_ = {0};

			rmap_walk(s, pfn, rmap_count_one, &rc_);
			if (rc_.found != w->count[pfn])
				rc = nerr_set(
					err,
					"--check: pfn %u: reverse map finds %u of its %u mappings",
					pfn, rc_.found, w->count[pfn]);
		}
	}
	for (int n = 0; n < nn && !rc; n++) {
		const uint64_t *st = s->mem.nodes[n].stat;

		if (st[NR_ANON_MAPPED] != anon[n])
			rc = nerr_set(err, "--check: node %d NR_ANON_MAPPED %llu, frames say %llu",
				      n, (unsigned long long)st[NR_ANON_MAPPED],
				      (unsigned long long)anon[n]);
		else if (st[NR_FILE_PAGES] != file[n])
			rc = nerr_set(err, "--check: node %d NR_FILE_PAGES %llu, frames say %llu",
				      n, (unsigned long long)st[NR_FILE_PAGES],
				      (unsigned long long)file[n]);
		else if (st[NR_FILE_MAPPED] != mapped[n])
			rc = nerr_set(err, "--check: node %d NR_FILE_MAPPED %llu, frames say %llu",
				      n, (unsigned long long)st[NR_FILE_MAPPED],
				      (unsigned long long)mapped[n]);
	}
	free(anon);
	return rc;
}

static void accounted_mm(struct sim *s, struct mm_struct *mm, void *ctx)
{
	uint64_t *pages = ctx;

	for (int v = 0; v < mm->nr_vmas; v++)
		if (mm->vmas[v]->flags & VM_ACCOUNT)
			*pages += vma_pages(mm->vmas[v], s->topo->page_shift);
}

/* Pages charged by the VM_ACCOUNT VMAs of each distinct live mm. */
static int count_accounted(struct sim *s, uint64_t *pages)
{
	return for_each_live_mm(s, accounted_mm, pages);
}

static int check_commit(struct sim *s, struct nerr *err)
{
	uint64_t pages = 0;

	if (count_accounted(s, &pages))
		return nerr_set(err, "--check: out of host memory");
	for (uint32_t id = 1; s->vfs && id < s->vfs->nr; id++)
		if (s->vfs->files[id] && s->vfs->files[id]->shmem)
			pages += s->vfs->files[id]->acct_pages;
	if (pages != vm_memory_committed(s))
		return nerr_set(
			err, "--check: Committed_AS %llu pages, mappings and shmem say %llu",
			(unsigned long long)vm_memory_committed(s), (unsigned long long)pages);
	return 0;
}

int mm_check(struct sim *s, struct nerr *err)
{
	struct walk w = {.s = s};
	int rc;

	if (!s->tasks)
		return 0;
	w.count = calloc(s->mem.f.nr ? s->mem.f.nr : 1, sizeof(*w.count));
	if (!w.count || count_all(s, &w)) {
		free(w.count);
		return nerr_set(err, "--check: out of host memory");
	}
	if (w.bad)
		rc = nerr_set(err, "--check: %s", w.msg);
	else
		rc = check_frames(s, &w, err);
	free(w.count);
	return rc ? rc : check_commit(s, err);
}
