/*
 * mmap.c - address spaces: VMAs (mm/mmap.c, mm/vma.c), fork's copy of an
 * address space (dup_mmap() in kernel/fork.c), tearing one down
 * (exit_mmap()), and anon_vmas (mm/rmap.c).
 */
#include "task/mmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/filemap.h"
#include "mm/huge_memory.h"
#include "mm/mempolicy.h"
#include "mm/overcommit.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "sim.h"

static unsigned page_shift(const struct sim *s)
{
	return s->topo->page_shift;
}

struct mm_struct *mm_alloc(struct sim *s)
{
	struct mm_struct *mm = sim_calloc(s, 1, sizeof(*mm));

	if (!mm)
		return NULL;
	mm->id = ++s->mmreg->next_mm_id;
	mm->users = 1;
	pgtable_init(&mm->pt);
	mm->pt.oom = &s->host_oom;
	return mm;
}

/* ---- anon_vma ---------------------------------------------------------- */

struct anon_vma *anon_vma_get(struct sim *s, uint32_t id)
{
	return (id && id < s->mmreg->nr_anon_vmas) ? s->mmreg->anon_vmas[id] : NULL;
}

static int anon_vma_add_mm(struct anon_vma *av, struct mm_struct *mm)
{
	for (int i = 0; i < av->nr_mms; i++)
		if (av->mms[i] == mm)
			return 0;
	if (av->nr_mms == av->cap_mms) {
		int cap = av->cap_mms ? av->cap_mms * 2 : 2;
		struct mm_struct **n = host_realloc(mm->pt.oom, av->mms, (size_t)cap * sizeof(*n));

		if (!n)
			return -1;
		av->mms = n;
		av->cap_mms = cap;
	}
	if (mm->nr_av_ids == mm->cap_av_ids) {
		int cap = mm->cap_av_ids ? mm->cap_av_ids * 2 : 4;
		uint32_t *n = realloc(mm->av_ids, (size_t)cap * sizeof(*n));

		if (!n)
			return -1;
		mm->av_ids = n;
		mm->cap_av_ids = cap;
	}
	av->mms[av->nr_mms++] = mm;
	mm->av_ids[mm->nr_av_ids++] = av->id;
	return 0;
}

static void anon_vma_del_mm(struct anon_vma *av, struct mm_struct *mm)
{
	for (int i = 0; i < av->nr_mms; i++) {
		if (av->mms[i] == mm) {
			av->mms[i] = av->mms[--av->nr_mms];
			return;
		}
	}
}

/* Models anon_vma_prepare(): gives a VMA its anon_vma at the first
 * anonymous fault. Returns the id, 0 on allocation failure. */
uint32_t anon_vma_prepare(struct sim *s, struct vm_area_struct *vma)
{
	struct mm_registry *r = s->mmreg;

	if (vma->anon_vma)
		return vma->anon_vma;
	if (r->nr_anon_vmas == r->cap_anon_vmas) {
		uint32_t cap = r->cap_anon_vmas ? r->cap_anon_vmas * 2 : 64;
		struct anon_vma **n = sim_realloc(s, r->anon_vmas, cap * sizeof(*n));

		if (!n)
			return 0;
		r->anon_vmas = n;
		r->cap_anon_vmas = cap;
		if (r->nr_anon_vmas == 0)
			r->anon_vmas[r->nr_anon_vmas++] = NULL; /* id 0 means none */
	}
	struct anon_vma *av = sim_calloc(s, 1, sizeof(*av));

	if (!av)
		return 0;
	av->id = r->nr_anon_vmas;
	av->base_vpn = vma->pgoff;
	if (anon_vma_add_mm(av, vma->mm)) {
		free(av->mms);
		free(av);
		return 0;
	}
	r->anon_vmas[r->nr_anon_vmas++] = av;
	vma->anon_vma = av->id;
	return av->id;
}

/* ---- VMA array --------------------------------------------------------- */

int vma_index_after(struct mm_struct *mm, uint64_t addr)
{
	int lo = 0, hi = mm->nr_vmas;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (mm->vmas[mid]->end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr)
{
	int i = vma_index_after(mm, addr);

	if (i < mm->nr_vmas && mm->vmas[i]->start <= addr)
		return mm->vmas[i];
	return NULL;
}

static int vma_insert_at(struct mm_struct *mm, int i, struct vm_area_struct *v)
{
	if (mm->nr_vmas == mm->cap_vmas) {
		int cap = mm->cap_vmas ? mm->cap_vmas * 2 : 8;
		struct vm_area_struct **n =
			host_realloc(mm->pt.oom, mm->vmas, (size_t)cap * sizeof(*n));

		if (!n)
			return -1;
		mm->vmas = n;
		mm->cap_vmas = cap;
	}
	memmove(&mm->vmas[i + 1], &mm->vmas[i], (size_t)(mm->nr_vmas - i) * sizeof(mm->vmas[0]));
	mm->vmas[i] = v;
	mm->nr_vmas++;
	return 0;
}

static void vma_remove_at(struct mm_struct *mm, int i)
{
	memmove(&mm->vmas[i], &mm->vmas[i + 1],
		(size_t)(mm->nr_vmas - i - 1) * sizeof(mm->vmas[0]));
	mm->nr_vmas--;
}

static struct file_obj *vma_file(struct sim *s, const struct vm_area_struct *v)
{
	return v->file ? vfs_file(s, v->file) : NULL;
}

static void vma_free(struct sim *s, struct vm_area_struct *v)
{
	struct file_obj *f = vma_file(s, v);

	if (f) {
		file_remove_mapper(f, v);
		/* A shmem object dies with its last mapping. */
		if (f->shmem && f->nr_mappers == 0) {
			shmem_truncate(s, f);
			shmem_unacct_size(s, f);
		}
	}
	if (v->policy)
		mpol_put(v->policy);
	free(v);
}

/* Splits v at addr (split_vma()); the new VMA covers [addr, end). A huge
 * PMD across addr is split first (vma_adjust_trans_huge()). */
static int split_vma(struct sim *s, struct mm_struct *mm, int i, uint64_t addr)
{
	struct vm_area_struct *v = mm->vmas[i];
	struct vm_area_struct *n = sim_malloc(s, sizeof(*n));

	if (!n)
		return -1;
	thp_split_edges(s, mm, addr, addr);
	*n = *v;
	n->start = addr;
	n->pgoff = v->pgoff + ((addr - v->start) >> page_shift(s));
	if (n->policy)
		mpol_get(n->policy);
	v->end = addr;
	if (vma_insert_at(mm, i + 1, n)) {
		v->end = n->end;
		if (n->policy)
			mpol_put(n->policy);
		free(n);
		return -1;
	}
	struct file_obj *f = vma_file(s, n);

	if (f)
		file_add_mapper(f, n);
	return 0;
}

int split_vma_range(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	int i = vma_index_after(mm, start);

	if (i < mm->nr_vmas && mm->vmas[i]->start < start && split_vma(s, mm, i, start))
		return -1;
	i = vma_index_after(mm, end);
	if (i < mm->nr_vmas && mm->vmas[i]->start < end && end < mm->vmas[i]->end &&
	    split_vma(s, mm, i, end))
		return -1;
	return 0;
}

/* vma_had_uncowed_parents(): an anon_vma shared with other address spaces
 * (a fork) stands for a VMA whose anon_vma_chain is not singular. */
static bool anon_vma_shared(struct sim *s, uint32_t id)
{
	struct anon_vma *av = anon_vma_get(s, id);

	return av && av->nr_mms > 1;
}

/* is_mergeable_anon_vma(): equal anon_vmas merge; so does a VMA without
 * one (never faulted) with a neighbour whose anon_vma is its own. */
static bool anon_vmas_mergeable(struct sim *s, uint32_t a, uint32_t b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return !anon_vma_shared(s, a ? a : b);
	return false;
}

static bool vmas_mergeable(struct sim *s, const struct vm_area_struct *a,
			   const struct vm_area_struct *b)
{
	if (a->end != b->start || a->flags != b->flags || a->file != b->file ||
	    !anon_vmas_mergeable(s, a->anon_vma, b->anon_vma) || !mpol_equal(a->policy, b->policy))
		return false;
	return b->pgoff == a->pgoff + ((a->end - a->start) >> page_shift(s));
}

/* Merges vmas[i + 1] into vmas[i]; the result keeps whichever anon_vma. */
static void merge_next(struct sim *s, struct mm_struct *mm, int i)
{
	struct vm_area_struct *a = mm->vmas[i], *b = mm->vmas[i + 1];

	a->end = b->end;
	if (!a->anon_vma)
		a->anon_vma = b->anon_vma;
	vma_remove_at(mm, i + 1);
	vma_free(s, b);
}

static void merge_vmas_sim(struct sim *s, struct mm_struct *mm)
{
	for (int i = 0; i + 1 < mm->nr_vmas;) {
		if (vmas_mergeable(s, mm->vmas[i], mm->vmas[i + 1]))
			merge_next(s, mm, i);
		else
			i++;
	}
}

/* vma_merge_new_range(): a new mapping merges with the VMA before it and
 * the VMA after it when they are compatible. The one before comes first:
 * between two faulted VMAs with different anon_vmas, the new one joins
 * the VMA before it. */
static struct vm_area_struct *merge_new_vma(struct sim *s, struct mm_struct *mm, int i)
{
	if (i > 0 && vmas_mergeable(s, mm->vmas[i - 1], mm->vmas[i])) {
		merge_next(s, mm, i - 1);
		i--;
	}
	if (i + 1 < mm->nr_vmas && vmas_mergeable(s, mm->vmas[i], mm->vmas[i + 1]))
		merge_next(s, mm, i);
	return mm->vmas[i];
}

/* ---- unmapping --------------------------------------------------------- */

struct zap_ctx {
	struct sim *s;
	struct mm_struct *mm;
};

/* zap_pte_range() for one entry. */
static void zap_one(void *ctx, uint64_t vpn, pte_t *e)
{
	struct zap_ctx *z = ctx;
	pte_t p = *e;

	*e = 0;
	if (pte_maps_frame(p)) {
		pfn_t pfn = (pfn_t)pte_val(p);

		if (p & PTE_HUGE) {
			/* Only the head pte of a huge mapping holds the reference. */
			if (!page_test_head(&z->s->mem.f, pfn))
				return;
		}
		/* zap_present_folio_ptes(): a young pte of a file or shmem
		 * folio marks it accessed (two such zaps activate it). */
		if ((p & PTE_YOUNG) && !(p & PTE_HUGE) && !page_test_anon(&z->s->mem.f, pfn))
			mark_page_accessed(z->s, pfn);
		z->mm->rss -= page_is_thp(&z->s->mem.f, pfn) ? HPAGE_PMD_NR : 1;
		page_remove_rmap(z->s, pfn);
	} else if (p & PTE_SWAP) {
		free_swap_and_cache(z->s, pte_val(p));
	} else if (p & PTE_MIGRATION) {
		/* The page under migration loses this mapping; migrate.c
		 * finds the entry gone when it restores mappings. */
		pfn_t pfn = (pfn_t)pte_val(p);

		page_remove_rmap(z->s, pfn);
		z->mm->rss--;
	}
	(void)vpn;
}

static void zap_range(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	struct zap_ctx z = {s, mm};

	pgtable_walk(&mm->pt, start >> page_shift(s), end >> page_shift(s), zap_one, &z);
}

void zap_page_range(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	thp_split_edges(s, mm, start, end);
	zap_range(s, mm, start, end);
}

/* Pages of v charged to Committed_AS. */
static uint64_t vma_accounted(const struct sim *s, const struct vm_area_struct *v)
{
	return (v->flags & VM_ACCOUNT) ? vma_pages(v, page_shift(s)) : 0;
}

/* Unmaps [start, end); returns the charged pages it removed (what
 * do_vmi_align_munmap() gathers in vms->nr_accounted). */
static uint64_t unmap_range(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	uint64_t accounted = 0;

	if (start >= end || split_vma_range(s, mm, start, end))
		return 0; /* splitting can only fail on host ENOMEM */
	zap_range(s, mm, start, end);
	int i = vma_index_after(mm, start);

	while (i < mm->nr_vmas && mm->vmas[i]->start < end) {
		struct vm_area_struct *v = mm->vmas[i];

		accounted += vma_accounted(s, v);
		vma_remove_at(mm, i);
		vma_free(s, v);
	}
	return accounted;
}

/* A partial munmap gives back the charge of the part unmapped only, as
 * the split VMAs each carry VM_ACCOUNT. */
void do_munmap(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	vm_unacct_memory(s, unmap_range(s, mm, start, end));
}

bool accountable_mapping(uint32_t flags)
{
	return (flags & (VM_WRITE | VM_SHARED | VM_HUGETLB)) == VM_WRITE;
}

uint64_t mm_total_vm(const struct sim *s, const struct mm_struct *mm)
{
	uint64_t bytes = 0;

	for (int i = 0; i < mm->nr_vmas; i++)
		bytes += mm->vmas[i]->end - mm->vmas[i]->start;
	return bytes >> page_shift(s);
}

/* Charged pages of the VMAs within [start, end) (after MAP_FIXED's split). */
static uint64_t accounted_in(const struct sim *s, struct mm_struct *mm, uint64_t start,
			     uint64_t end)
{
	uint64_t bytes = 0;

	for (int i = vma_index_after(mm, start); i < mm->nr_vmas && mm->vmas[i]->start < end; i++) {
		const struct vm_area_struct *v = mm->vmas[i];

		if (v->flags & VM_ACCOUNT)
			bytes += (v->end < end ? v->end : end) -
				 (v->start > start ? v->start : start);
	}
	return bytes >> page_shift(s);
}

/*
 * Models the "Private writable mapping: check memory availability" step
 * of mmap_region(): the charge is the new pages less those already
 * charged in the range it replaces, asked before anything is unmapped,
 * so a refused MAP_FIXED leaves the old mapping in place. total_vm still
 * counts the mappings being replaced, as in the kernel.
 */
int mmap_charge(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end, uint32_t *flags,
		const struct task *t)
{
	if (!accountable_mapping(*flags))
		return 0;
	uint64_t charged = ((end - start) >> page_shift(s)) - accounted_in(s, mm, start, end);

	if (charged && vm_enough_memory_task(s, mm, charged, t))
		return -ENOMEM;
	*flags |= VM_ACCOUNT;
	return 0;
}

struct vm_area_struct *mmap_region(struct sim *s, struct mm_struct *mm, uint64_t start,
				   uint64_t end, uint32_t flags, uint32_t file, uint64_t pgoff)
{
	uint64_t replaced = unmap_range(s, mm, start, end);

	/* mmap_charge() netted an accountable mapping's charge against the
	 * charged pages it replaces (vms.nr_accounted = 0 in the kernel). */
	if (!(flags & VM_ACCOUNT))
		vm_unacct_memory(s, replaced);
	struct vm_area_struct *v = sim_calloc(s, 1, sizeof(*v));

	if (!v)
		return NULL;
	v->start = start;
	v->end = end;
	v->flags = flags;
	v->file = file;
	/* Anonymous VMAs count pgoff from address 0, as Linux sets
	 * vm_pgoff = addr >> PAGE_SHIFT: VMA interleave uses it. */
	v->pgoff = (flags & VM_FILE) || (flags & VM_SHMEM) ? pgoff : start >> page_shift(s);
	v->mm = mm;
	int i = vma_index_after(mm, start);

	if (vma_insert_at(mm, i, v)) {
		free(v);
		return NULL;
	}
	struct file_obj *f = vma_file(s, v);

	if (f)
		file_add_mapper(f, v);
	return merge_new_vma(s, mm, i);
}

void mm_put(struct sim *s, struct mm_struct *mm)
{
	if (!mm || --mm->users > 0)
		return;
	/* exit_mmap(): unmap everything, then drop the VMAs and their charge. */
	uint64_t accounted = 0;

	for (int i = 0; i < mm->nr_vmas && !s->destroying; i++)
		zap_range(s, mm, mm->vmas[i]->start, mm->vmas[i]->end);
	for (int i = 0; i < mm->nr_vmas; i++) {
		struct anon_vma *av = anon_vma_get(s, mm->vmas[i]->anon_vma);

		if (av)
			anon_vma_del_mm(av, mm);
		accounted += vma_accounted(s, mm->vmas[i]);
		vma_free(s, mm->vmas[i]);
	}
	vm_unacct_memory(s, accounted);
	/* fork may have added this mm to anon_vmas of VMAs since unmapped:
	 * its own chain names them (unlinking is idempotent) */
	for (int i = 0; i < mm->nr_av_ids; i++)
		anon_vma_del_mm(anon_vma_get(s, mm->av_ids[i]), mm);
	free(mm->av_ids);
	free(mm->vmas);
	pgtable_free(&mm->pt);
	free(mm);
}

/* ---- fork ---------------------------------------------------------------- */

struct dup_ctx {
	struct sim *s;
	struct mm_struct *dst;
	const struct vm_area_struct *vma;
	int failed;
};

/* copy_present_pte() / copy_nonpresent_pte(): private pages become
 * write-protected in both address spaces (COW); shared pages stay
 * writable; each copied mapping takes a map count. */
static void dup_one(void *ctx, uint64_t vpn, pte_t *e)
{
	struct dup_ctx *d = ctx;
	pte_t p = *e;

	if (p & PTE_MIGRATION)
		return; /* fork waits for migration in Linux; see docs/model.md */
	if (pte_maps_frame(p)) {
		pfn_t pfn = (pfn_t)pte_val(p);

		if (!(d->vma->flags & VM_SHARED)) {
			p &= ~(pte_t)PTE_WRITE;
			*e = p;
		}
		if (!(p & PTE_HUGE) || page_test_head(&d->s->mem.f, pfn)) {
			page_dup_rmap(d->s, pfn);
			d->dst->rss += page_is_thp(&d->s->mem.f, pfn) ? HPAGE_PMD_NR : 1;
		}
	} else if (p & PTE_SWAP) {
		swap_duplicate(d->s, pte_val(p));
	}
	if (pgtable_set(&d->dst->pt, vpn, p))
		d->failed = 1;
}

/*
 * dup_mmap() asks security_vm_enough_memory_mm(oldmm, len) for each
 * VM_ACCOUNT VMA in turn, so the parent's total_vm sizes the user
 * reserve, and the parent's capability the admin reserve. On refusal the
 * child's mm, with the VMAs charged so far, is torn down (giving their
 * charge back) and fork fails.
 */
struct mm_struct *dup_mm(struct sim *s, struct mm_struct *old, int child_tgid, const struct task *t,
			 bool *refused)
{
	struct mm_struct *mm = mm_alloc(s);

	*refused = false;
	if (!mm)
		return NULL;
	mm->owner = child_tgid;
	for (int i = 0; i < old->nr_vmas; i++) {
		const struct vm_area_struct *ov = old->vmas[i];
		uint64_t charge = vma_accounted(s, ov);

		if (charge && vm_enough_memory_task(s, old, charge, t)) {
			*refused = true;
			mm_put(s, mm);
			return NULL;
		}
		struct vm_area_struct *v = sim_malloc(s, sizeof(*v));

		if (!v || vma_insert_at(mm, mm->nr_vmas, v)) {
			free(v);
			vm_unacct_memory(s, charge);
			mm_put(s, mm);
			return NULL;
		}
		*v = *ov;
		v->mm = mm;
		if (v->policy)
			mpol_get(v->policy);
		struct file_obj *f = vma_file(s, v);

		if (f)
			file_add_mapper(f, v);
		struct anon_vma *av = anon_vma_get(s, v->anon_vma);

		if (av && anon_vma_add_mm(av, mm)) {
			mm_put(s, mm);
			return NULL;
		}
		struct dup_ctx d = {s, mm, v, 0};

		/* vma_needs_copy(): page tables a fault fills in again (shared
		 * and file mappings, a private one never written, i.e. without
		 * an anon_vma) are not copied; the child faults them in. */
		if (!(v->flags & VM_HUGETLB) && !v->anon_vma)
			continue;
		pgtable_walk(&old->pt, v->start >> page_shift(s), v->end >> page_shift(s), dup_one,
			     &d);
		if (d.failed) {
			mm_put(s, mm);
			return NULL;
		}
	}
	return mm;
}

void mm_merge_vmas(struct sim *s, struct mm_struct *mm)
{
	merge_vmas_sim(s, mm);
}

struct count_ctx {
	struct sim *s;
	uint64_t *out;
};

static void count_one(void *ctx, uint64_t vpn, pte_t *e)
{
	struct count_ctx *c = ctx;

	(void)vpn;
	if (pte_maps_frame(*e) || (*e & PTE_MIGRATION))
		c->out[pfn_to_nid(&c->s->mem, (pfn_t)pte_val(*e))]++;
}

void mm_pages_by_node(struct sim *s, struct mm_struct *mm, uint64_t *out)
{
	struct count_ctx c = {s, out};

	memset(out, 0, (size_t)s->topo->nr_nodes * sizeof(*out));
	if (!mm)
		return;
	for (int i = 0; i < mm->nr_vmas; i++)
		pgtable_walk(&mm->pt, mm->vmas[i]->start >> page_shift(s),
			     mm->vmas[i]->end >> page_shift(s), count_one, &c);
}
