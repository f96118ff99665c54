/*
 * memory.c - page faults (mm/memory.c, mm/hugetlb.c for huge mappings).
 *
 * Costs: every fault pays sim.cost.fault_ns; a new anonymous page pays
 * sim.cost.zero_page_ns per 4 KiB cleared; a copy-on-write pays
 * sim.cost.copy_page_ns per 4 KiB scaled by distance/10 between the
 * nodes; reclaim stalls and I/O add what they cost.
 */
#include "mm/memory.h"

#include <errno.h>

#include "mm/filemap.h"
#include "mm/huge_memory.h"
#include "mm/internal.h"
#include "mm/mempolicy.h"
#include "mm/migrate.h"
#include "mm/page_alloc.h"
#include "mm/page_writeback.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/numa_balancing.h"
#include "task/task.h"

unsigned huge_page_order(const struct sim *s)
{
	return 21 - s->topo->page_shift; /* 2 MiB */
}

int zero_page_nid(const struct sim *s)
{
	for (int n = 0; n < s->topo->nr_nodes; n++)
		if (s->topo->nodes[n].memory_bytes)
			return n;
	return 0;
}

/* Cost of clearing or copying `pages` base pages, scaled to the page size. */
static uint64_t per_page_cost(const struct sim *s, enum tunable_id id, uint64_t pages)
{
	return (uint64_t)tun(&s->tun, id) * pages * (s->topo->page_size / 4096);
}

/* The copy also moves its bytes over the links from the source node to
 * the destination node (model.md §8). */
static uint64_t copy_cost(struct sim *s, pfn_t from, pfn_t to, uint64_t pages)
{
	int a = pfn_to_nid(&s->mem, from), b = pfn_to_nid(&s->mem, to);

	sim_traffic(s, a, b, sim_pages_to_bytes(s, pages));
	return per_page_cost(s, TUN_SIM_COST_COPY_PAGE_NS, pages) *
	       (uint64_t)topo_distance(s->topo, a, b) / 10;
}

static unsigned vma_order(const struct sim *s, const struct vm_area_struct *v)
{
	return (v->flags & VM_HUGETLB) ? huge_page_order(s) : 0;
}

/* Sets the ptes of a (possibly huge) mapping at addr to pfn. */
static int set_ptes(struct sim *s, struct task *t, uint64_t addr, pfn_t pfn, unsigned order,
		    unsigned flags)
{
	uint64_t vpn = addr >> s->topo->page_shift;
	uint64_t n = 1ULL << order;

	vpn &= ~(n - 1);
	for (uint64_t i = 0; i < n; i++)
		if (pgtable_set(&t->mm->pt, vpn + i,
				mk_pte(pfn + i, flags | (order ? PTE_HUGE : 0))))
			return -ENOMEM;
	t->mm->rss++;
	return 0;
}

/* A new private anonymous page (or huge page) for vma at addr. */
static int new_anon_page(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t addr,
			 pfn_t *out, struct fault_result *res)
{
	unsigned order = vma_order(s, vma);
	unsigned shift = s->topo->page_shift + order;
	uint64_t ilx = linear_page_index(vma, addr, s->topo->page_shift) >> order;
	uint64_t stall = 0;

	(void)shift;
	if (!anon_vma_prepare(s, vma))
		return -ENOMEM;
	/* The model keeps page->index in 32 bits, a signed offset from the
	 * anon_vma's first page (docs/architecture.md, the frame arrays): a
	 * page 2^31 pages (8 TiB at 4 KiB) or more from it - only in a
	 * mapping that large - cannot be recorded for the reverse map, and
	 * its fault fails with ENOMEM (docs/trace-format.md, "Limits"). */
	int64_t rel = (int64_t)(linear_page_index(vma, addr, s->topo->page_shift) -
				anon_vma_get(s, vma->anon_vma)->base_vpn);
	if (rel < INT32_MIN || rel > INT32_MAX)
		return -ENOMEM;
	pfn_t pfn = alloc_user_pages(
		s, t, vma, ilx, GFP_HIGHUSER_MOVABLE | (order ? __GFP_COMP : 0), order, &stall);

	res->cost_ns += stall;
	if (pfn == NOPFN)
		return -ENOMEM;
	if (order)
		page_init_hugetlb(&s->mem.f, pfn, order);
	else
		page_reset_flags(&s->mem.f, pfn);
	page_add_new_anon_rmap(s, pfn, order, vma,
			       addr & ~((1ULL << (s->topo->page_shift + order)) - 1));
	res->cost_ns += per_page_cost(s, TUN_SIM_COST_ZERO_PAGE_NS, 1ULL << order);
	/* clear_page() on the task's CPU writes the whole page to its node */
	sim_traffic(s, task_node(s, t), pfn_to_nid(&s->mem, pfn),
		    sim_pages_to_bytes(s, 1ULL << order));
	if (s->explain) {
		int nid = pfn_to_nid(&s->mem, pfn);
		char pol[128];

		mpol_to_str(get_vma_policy(t, vma, addr), pol, sizeof(pol));
		sim_explain(s,
			    "    fault: new %s page on node %d (policy %s), the task runs on node "
			    "%d%s\n",
			    order ? "huge" : "anonymous", nid, pol, task_node(s, t),
			    nid == task_node(s, t) ? " (local)" : "");
	}
	*out = pfn;
	return 0;
}

/* do_anonymous_page(): the zero page for a read, a new page for a write. */
static int do_anonymous_page(struct sim *s, struct task *t, struct vm_area_struct *vma,
			     uint64_t addr, bool write, struct fault_result *res)
{
	pfn_t pfn;
	int rc;

	/* __handle_mm_fault(): an empty PMD in a VMA that may have THP
	 * takes the huge fault first; VM_FAULT_FALLBACK comes back here. */
	if (!(vma->flags & VM_HUGETLB) && thp_vma_allowable(s, vma, addr)) {
		rc = do_huge_pmd_anonymous_page(s, t, vma, addr, write, res);
		if (rc <= 0)
			return rc;
	}
	if (!write && !(vma->flags & VM_HUGETLB)) {
		sim_explain(s, "    fault: a read of untouched anonymous memory maps the shared "
			       "zero page: "
			       "no page is allocated until a write (do_anonymous_page())\n");
		res->pte = mk_pte(0, PTE_PRESENT | PTE_ZERO | PTE_YOUNG);
		return pgtable_set(&t->mm->pt, addr >> s->topo->page_shift, res->pte) ? -ENOMEM : 0;
	}
	rc = new_anon_page(s, t, vma, addr, &pfn, res);
	if (rc)
		return rc;
	unsigned order = vma_order(s, vma);
	unsigned flags = PTE_PRESENT | PTE_WRITE | PTE_YOUNG | (write ? PTE_DIRTY : 0);

	rc = set_ptes(s, t, addr, pfn, order, flags);
	res->pte = mk_pte(pfn + ((addr >> s->topo->page_shift) & ((1ULL << order) - 1)),
			  flags | (order ? PTE_HUGE : 0));
	return rc;
}

/* Marks a shared file page dirty on the first write (folio_mark_dirty()). */
static void mark_file_dirty(struct sim *s, pfn_t pfn)
{
	page_mark_dirty(s, pfn);
}

/* folio_unlock(): if the page lost its last mapping while locked (the
 * OOM killer chose its task), it is freed now as page_remove_rmap()
 * would have done. */
static void unlock_page(struct sim *s, pfn_t pfn)
{
	struct frames *f = &s->mem.f;

	page_clear_locked(f, pfn);
	if (page_test_anon(f, pfn) && !f->mapcount[pfn] && !page_test_swapcache(f, pfn) &&
	    !page_test_isolated(f, pfn))
		free_anon_page(s, pfn);
}

/* do_wp_page(): a write to a present, write-protected page. */
static int do_wp_page(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t addr,
		      pte_t old, struct fault_result *res)
{
	uint64_t vpn = addr >> s->topo->page_shift;
	struct frames *f = &s->mem.f;
	pfn_t oldpfn = (pfn_t)pte_val(old);
	pfn_t pfn;
	int rc;

	if (old & PTE_ZERO) {
		rc = new_anon_page(s, t, vma, addr, &pfn, res);
		if (rc)
			return rc;
		res->pte = mk_pte(pfn, PTE_PRESENT | PTE_WRITE | PTE_YOUNG | PTE_DIRTY);
		t->mm->rss++;
		return pgtable_set(&t->mm->pt, vpn, res->pte) ? -ENOMEM : 0;
	}
	if ((vma->flags & VM_SHARED) ||
	    (page_test_anon(f, oldpfn) && f->mapcount[oldpfn] == 1 &&
	     (!page_test_swapcache(f, oldpfn) || try_free_swap(s, oldpfn)))) {
		/* wp_page_reuse(): nobody else maps it (wp_can_reuse_anon_folio()
		 * first frees its swap slot when no swap pte needs it) */
		if (vma->flags & VM_SHARED)
			mark_file_dirty(s, oldpfn);
		res->pte = old | PTE_WRITE | PTE_DIRTY | PTE_YOUNG;
		return pgtable_set(&t->mm->pt, vpn, res->pte) ? -ENOMEM : 0;
	}
	/* wp_page_copy(): a private copy allocated by the writer's policy.
	 * The old page is locked meanwhile so reclaim leaves it alone. */
	page_set_locked(f, oldpfn);
	rc = new_anon_page(s, t, vma, addr, &pfn, res);
	unlock_page(s, oldpfn);
	if (rc || t->state != TASK_RUNNING)
		return rc ? rc : -ENOMEM;
	res->cost_ns += copy_cost(s, oldpfn, pfn, 1);
	res->pte = mk_pte(pfn, PTE_PRESENT | PTE_WRITE | PTE_YOUNG | PTE_DIRTY);
	if (pgtable_set(&t->mm->pt, vpn, res->pte))
		return -ENOMEM;
	page_remove_rmap(s, oldpfn);
	return 0;
}

/* Pages fault-around maps (fault_around_pages): vm.fault_around_bytes
 * rounded down to a power of two, at least one page, at most a page table
 * (fault_around_bytes_set()). */
static uint64_t fault_around_pages(const struct sim *s)
{
	uint64_t pages = (uint64_t)tun(&s->tun, TUN_FAULT_AROUND_BYTES) >> s->topo->page_shift;

	if (pages > PT_LEAF_SIZE)
		pages = PT_LEAF_SIZE;
	while (pages & (pages - 1))
		pages &= pages - 1;
	return pages;
}

/*
 * Models do_fault_around() + filemap_map_pages() (the map_pages of
 * regular files and shmem): before a read fault reads its page, the
 * window of fault_around_pages around it - aligned down to its size,
 * clipped to the VMA and to the page table holding addr - is mapped
 * wherever the pte is none and the page cache holds the file's page
 * below its end, not locked. Nothing is allocated or read and no fault
 * is counted; each page is mapped as a fault would map it (young: x86's
 * prefault ptes are, file rmap, mlocked in a VM_LOCKED VMA, rss).
 * Returns 1 when the faulting page itself was mapped (VM_FAULT_NOPAGE:
 * the fault is done, *res holds its pte), 0 when __do_fault() has to
 * go on, -ENOMEM when a page table could not grow.
 */
static int do_fault_around(struct sim *s, struct task *t, struct vm_area_struct *vma,
			   struct file_obj *file, uint64_t addr, uint64_t nr,
			   struct fault_result *res)
{
	unsigned shift = s->topo->page_shift;
	uint64_t vpn = addr >> shift;
	uint64_t pte_off = vpn & (PT_LEAF_SIZE - 1);
	uint64_t vma_off = (addr - vma->start) >> shift;
	uint64_t vma_pages = (vma->end - vma->start) >> shift;
	/* the page table's first pte in the VMA */
	uint64_t vma_first = pte_off - (pte_off < vma_off ? pte_off : vma_off);
	uint64_t from = pte_off / nr * nr, to;
	uint64_t first_index = linear_page_index(vma, addr, shift) - pte_off;
	uint64_t file_pages = (file->size + s->topo->page_size - 1) >> shift;
	struct frames *f = &s->mem.f;
	int mapped = 0;

	if (vma_first > from)
		from = vma_first; /* the VMA's start */
	to = from + nr;
	if (to > PT_LEAF_SIZE)
		to = PT_LEAF_SIZE;
	if (to > pte_off + vma_pages - vma_off)
		to = pte_off + vma_pages - vma_off; /* the VMA's end */
	for (uint64_t i = from; i < to; i++) {
		uint64_t v = vpn - pte_off + i, index = first_index + i;
		pfn_t pfn;

		if (index >= file_pages)
			break; /* filemap_map_pages() stops at the end of the file */
		if (pgtable_get(&t->mm->pt, v))
			continue;
		pfn = page_cache_lookup(file, index);
		if (pfn == NOPFN || page_test_locked(f, pfn))
			continue;
		pte_t pte = mk_pte(pfn, PTE_PRESENT | PTE_YOUNG);

		if (pgtable_set(&t->mm->pt, v, pte))
			return -ENOMEM;
		page_add_file_rmap(s, pfn);
		if (vma->flags & VM_LOCKED)
			mlock_file_page(s, pfn);
		t->mm->rss++;
		if (v == vpn) {
			res->pte = pte;
			mapped = 1;
		}
	}
	return mapped;
}

/* do_read_fault(), do_shared_fault(), do_cow_fault() for file and shmem. */
static int do_file_fault(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t addr,
			 bool write, struct fault_result *res)
{
	struct file_obj *file = vfs_file(s, vma->file);
	uint64_t index = linear_page_index(vma, addr, s->topo->page_shift);
	uint64_t vpn = addr >> s->topo->page_shift;

	if (!file)
		return -EFAULT;
	if (!file->shmem && index >= (file->size + s->topo->page_size - 1) >> s->topo->page_shift)
		return -EFAULT; /* beyond EOF: SIGBUS */
	/* do_read_fault(): map_pages first when fault-around is on
	 * (should_fault_around(); hugetlbfs has no map_pages) */
	uint64_t around = write || (vma->flags & VM_HUGETLB) ? 1 : fault_around_pages(s);

	if (around > 1) {
		int rc = do_fault_around(s, t, vma, file, addr, around, res);

		if (rc)
			return rc < 0 ? rc : 0;
	}
	/* a fault that has to read the page is a major fault */
	if (!file->shmem && page_cache_lookup(file, index) == NOPFN)
		s->mem.events[PGMAJFAULT]++;
	pfn_t pfn = filemap_get_page(s, t, file, index, vma, &res->cost_ns);

	if (pfn == NOPFN)
		return -ENOMEM;
	if (write && !(vma->flags & VM_SHARED)) {
		pfn_t copy;
		int rc = new_anon_page(s, t, vma, addr, &copy, res);

		if (rc)
			return rc;
		res->cost_ns += copy_cost(s, pfn, copy, 1);
		res->pte = mk_pte(copy, PTE_PRESENT | PTE_WRITE | PTE_YOUNG | PTE_DIRTY);
		t->mm->rss++;
		return pgtable_set(&t->mm->pt, vpn, res->pte) ? -ENOMEM : 0;
	}
	if (write)
		mark_file_dirty(s, pfn);
	page_add_file_rmap(s, pfn);
	if (vma->flags & VM_LOCKED)
		mlock_file_page(s, pfn);
	t->mm->rss++;
	res->pte = mk_pte(pfn,
			  PTE_PRESENT | PTE_YOUNG |
				  ((vma->flags & VM_SHARED) && write ? PTE_WRITE | PTE_DIRTY : 0));
	return pgtable_set(&t->mm->pt, vpn, res->pte) ? -ENOMEM : 0;
}

/* Reads slot's page into a new anonymous page in the swap cache
 * (swapin_readahead() without readahead). */
static int swap_read_in(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t addr,
			uint64_t slot, pfn_t *out, struct fault_result *res)
{
	pfn_t pfn;
	int rc = new_anon_page(s, t, vma, addr, &pfn, res);

	if (rc)
		return rc;
	swap_duplicate(s, slot);
	swap_cache_add(s, pfn, slot);
	s->mem.events[PSWPIN]++;
	s->mem.events[PGMAJFAULT]++;
	res->cost_ns += swap_io(s, false);
	*out = pfn;
	return 0;
}

/*
 * Models do_swap_page(): the page comes from the swap cache when it is
 * still there (a minor fault), else it is read in and added to it. The
 * pte's reference to the slot goes; the slot itself is freed on a write
 * or when swap is more than half full (should_try_to_free_swap()).
 */
static int do_swap_page(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t addr,
			pte_t old, bool write, struct fault_result *res)
{
	uint64_t slot = pte_val(old);
	pfn_t pfn = swap_cache_lookup(s, slot);
	struct frames *f = &s->mem.f;

	if (pfn == NOPFN) {
		int rc = swap_read_in(s, t, vma, addr, slot, &pfn, res);

		if (rc)
			return rc;
	} else {
		page_dup_rmap(s, pfn);
		mark_page_accessed(s, pfn);
	}
	swap_free_entry(s, slot);
	t->mm->rss++;
	if (write || vm_swap_full(s))
		try_free_swap(s, pfn);
	bool exclusive = f->mapcount[pfn] == 1 && !page_test_swapcache(f, pfn);

	res->pte = mk_pte(pfn, PTE_PRESENT | PTE_YOUNG |
				       (write && exclusive ? PTE_WRITE | PTE_DIRTY : 0));
	if (pgtable_set(&t->mm->pt, addr >> s->topo->page_shift, res->pte))
		return -ENOMEM;
	if (write && !exclusive)
		return do_wp_page(s, t, vma, addr, res->pte, res);
	return 0;
}

/* Models numa_migrate_check(): counts the hinting fault and asks the
 * policy where the page belongs (-1: where it is). */
static int numa_migrate_check(struct sim *s, struct task *t, struct vm_area_struct *vma,
			      uint64_t addr, pfn_t pfn, unsigned *flags)
{
	s->mem.events[NUMA_HINT_FAULTS]++;
	if (pfn_to_nid(&s->mem, pfn) == task_node(s, t)) {
		s->mem.events[NUMA_HINT_FAULTS_LOCAL]++;
		*flags |= TNF_FAULT_LOCAL;
	}
	return mpol_misplaced(s, t, vma, addr, pfn);
}

/*
 * Models do_numa_page(): a NUMA hinting fault. The pte gets its access
 * back, and a misplaced page is migrated towards the faulting CPU's node
 * (migrate_misplaced_folio()); the task then waits for the copy like any
 * access meeting a migration entry. The fault is reported to the
 * scheduler (task_numa_fault()) with the page's node after it.
 */
static int do_numa_page(struct sim *s, struct task *t, struct vm_area_struct *vma, uint64_t addr,
			pte_t old, bool write, struct fault_result *res)
{
	uint64_t vpn = addr >> s->topo->page_shift;
	pfn_t head = thp_head_of(s, old, vpn);
	pfn_t pfn = head != NOPFN ? head : (pfn_t)pte_val(old);
	uint16_t last = s->mem.f.last_cpupid[pfn];
	unsigned flags = 0;
	int nid = pfn_to_nid(&s->mem, pfn), target;
	uint64_t n = head != NOPFN ? HPAGE_PMD_NR : 1; /* do_huge_pmd_numa_page(): the PMD */
	uint64_t base = head != NOPFN ? vpn & ~(uint64_t)(HPAGE_PMD_NR - 1) : vpn;

	res->cost_ns += tun(&s->tun, TUN_SIM_COST_NUMA_HINT_FAULT_NS);
	for (uint64_t i = 0; i < n; i++) {
		pte_t p = pgtable_get(&t->mm->pt, base + i);

		if (pgtable_set(&t->mm->pt, base + i, (p & ~(pte_t)PTE_NUMA) | PTE_YOUNG))
			return -ENOMEM;
	}
	res->pte = pgtable_get(&t->mm->pt, vpn);
	target = numa_migrate_check(s, t, vma, addr, pfn, &flags);
	if (target >= 0) {
		if (!migrate_misplaced_page(s, t, pfn, target, &res->cost_ns)) {
			sim_explain(s,
				    "    numa hinting fault: page moves from node %d to node %d\n",
				    nid, target);
			nid = target;
			flags |= TNF_MIGRATED;
			if (head == NOPFN) /* a THP's move has no copy window */
				res->wait_until = migration_wait_until(s, pfn);
		} else {
			flags |= TNF_MIGRATE_FAIL;
		}
	}
	if (head != NOPFN)
		res->pte = pgtable_get(&t->mm->pt, vpn); /* a THP moved at once */
	task_numa_fault(s, t, last, nid, (int)n, flags);
	if (!(flags & TNF_MIGRATED) && write && !(res->pte & PTE_WRITE)) {
		if ((res->pte & PTE_HUGE) &&
		    do_huge_pmd_wp_page(s, t, vma, addr, res->pte, res) <= 0)
			return 0;
		res->pte = pgtable_get(&t->mm->pt, vpn);
		return do_wp_page(s, t, vma, addr, res->pte, res);
	}
	return 0;
}

int handle_mm_fault(struct sim *s, struct task *t, uint64_t addr, bool write,
		    struct fault_result *res)
{
	struct vm_area_struct *vma = find_vma(t->mm, addr);
	pte_t old;

	res->cost_ns = tun(&s->tun, TUN_SIM_COST_FAULT_NS);
	res->wait_until = 0;
	if (!vma)
		return -EFAULT;
	if (write && !(vma->flags & VM_WRITE))
		return -EACCES;
	s->mem.events[PGFAULT]++;
	t->faults++;
	old = pgtable_get(&t->mm->pt, addr >> s->topo->page_shift);
	if (old & PTE_MIGRATION) {
		res->wait_until = migration_wait_until(s, (pfn_t)pte_val(old));
		sim_explain(s,
			    "    fault on a migration entry: pid %d waits until the page's copy is "
			    "done, "
			    "%.6f ms (migration_entry_wait())\n",
			    t->pid, (double)res->wait_until / 1e6);
		res->pte = old;
		return 0;
	}
	if (old & PTE_SWAP)
		return do_swap_page(s, t, vma, addr, old, write, res);
	if (pte_present(old) && (old & PTE_NUMA))
		return do_numa_page(s, t, vma, addr, old, write, res);
	if (pte_present(old) && (old & PTE_HUGE) && !(vma->flags & VM_HUGETLB)) {
		/* wp_huge_pmd(): reused whole, or split and handled as a pte */
		int rc = do_huge_pmd_wp_page(s, t, vma, addr, old, res);

		if (rc <= 0)
			return rc;
		old = pgtable_get(&t->mm->pt, addr >> s->topo->page_shift);
	}
	if (pte_present(old)) /* only write faults reach here */
		return do_wp_page(s, t, vma, addr, old, res);
	if (vma->flags & (VM_FILE | VM_SHMEM))
		return do_file_fault(s, t, vma, addr, write, res);
	return do_anonymous_page(s, t, vma, addr, write, res);
}

/* Runs of the pages of one page-table leaf (one 2 MiB range of 4 KiB
 * pages): at most this many pages are allocated before they are mapped. */
#define RUN_PAGES PT_LEAF_SIZE

/*
 * The pages of a run are allocated a leaf's worth at a time, then given
 * their rmap and ptes: the allocator reads only free and per-CPU list
 * pages and zone free counts, which mapping an allocated page does not
 * touch, so the end state is the one of page-by-page faults.
 */
uint64_t fault_anon_run(struct sim *s, struct task *t, uint64_t addr, uint64_t n, bool write,
			uint64_t *cost_ns, uint64_t *cnt, int *rc)
{
	unsigned shift = s->topo->page_shift;
	struct vm_area_struct *vma;
	struct user_batch ub;
	uint64_t done = 0, faults = 0, fault_cost, remote = 0;
	int tnid, zero_nid = 0, remote_nid = -1;

	*rc = 0;
	if (s->explain || !n || !tun(&s->tun, TUN_SIM_FAULT_RUNS))
		return 0;
	vma = find_vma(t->mm, addr);
	/* handle_mm_fault()'s checks, and do_anonymous_page() without
	 * hugetlb; the first fault of a VMA gives it its anon_vma */
	if (!vma || (write && !(vma->flags & VM_WRITE)) ||
	    (vma->flags & (VM_FILE | VM_SHMEM | VM_HUGETLB)) || !vma->anon_vma)
		return 0;
	if ((vma->end - addr) >> shift < n)
		n = (vma->end - addr) >> shift;
	tnid = task_node(s, t);
	fault_cost = tun(&s->tun, TUN_SIM_COST_FAULT_NS);
	if (write) {
		if (!user_batch_init(s, t, vma, &ub))
			return 0;
		fault_cost += per_page_cost(s, TUN_SIM_COST_ZERO_PAGE_NS, 1);
	} else {
		zero_nid = zero_page_nid(s);
	}

	struct pgtable *pt = &t->mm->pt;
	struct anon_vma *av = anon_vma_get(s, vma->anon_vma);
	bool locked = vma->flags & VM_LOCKED;
	pte_t flags = PTE_PRESENT | PTE_WRITE | PTE_YOUNG | PTE_DIRTY;
	pfn_t pfns[RUN_PAGES];

	while (done < n) {
		uint64_t a = addr + (done << shift), vpn = a >> shift;
		unsigned off = vpn & (PT_LEAF_SIZE - 1);
		uint64_t m = PT_LEAF_SIZE - off, got = 0;
		struct zone *z = NULL;
		struct pt_leaf *leaf = pgtable_leaf(pt, vpn >> PT_LEAF_BITS);

		if (m > n - done)
			m = n - done;
		/* __handle_mm_fault(): a huge page may go here (the test
		 * depends on the 2 MiB range alone, one leaf when THP is
		 * supported) */
		if (thp_vma_allowable(s, vma, a))
			break;
		if (leaf) {
			uint64_t j = 0;

			while (j < m && !leaf->e[off + j])
				j++;
			m = j;
		}
		if (!m)
			break;
		if (!write) {
			/* do_anonymous_page(): the zero page for a read */
			for (uint64_t j = 0; j < m && !*rc; j++) {
				faults++;
				if (pgtable_set(pt, vpn + j,
						mk_pte(0, PTE_PRESENT | PTE_ZERO | PTE_YOUNG))) {
					*rc = -ENOMEM;
					break;
				}
				cnt[zero_nid]++;
				done++;
			}
			if (*rc)
				break;
			continue;
		}
		/* new_anon_page(): page->index must fit its 32 bits */
		int64_t rel = (int64_t)(linear_page_index(vma, a, shift) - av->base_vpn);

		if (rel < INT32_MIN || rel > INT32_MAX)
			break;
		if ((uint64_t)(INT32_MAX - rel) < m - 1)
			m = (uint64_t)(INT32_MAX - rel) + 1;
		/* a leaf to make: its first page alone, whose set_ptes() may
		 * fail after the page is allocated and mapped */
		if (!leaf)
			m = 1;
		while (got < m) {
			uint64_t k =
				user_batch_alloc_run(s, &ub, linear_page_index(vma, a, shift) + got,
						     pfns + got, m - got, &z);

			if (!k)
				break;
			for (uint64_t j = got; j < got + k; j++) {
				if (locked) {
					s->mem.f.flags[pfns[j]] = 0;
					page_add_new_anon_rmap(s, pfns[j], 0, vma,
							       a + (j << shift));
				} else {
					page_add_new_anon_rmap_fast(&s->mem, z, &av->pages,
								    vma->anon_vma, pfns[j],
								    (int32_t)(rel + (int64_t)j));
				}
			}
			/* clear_page()'s traffic, added up per node */
			if (z->node != tnid) {
				if (z->node != remote_nid && remote)
					sim_traffic(s, tnid, remote_nid,
						    sim_pages_to_bytes(s, remote));
				if (z->node != remote_nid)
					remote = 0;
				remote_nid = z->node;
				remote += k;
			}
			cnt[z->node] += k;
			got += k;
		}
		faults += got;
		if (!got)
			break;
		/* set_ptes() for each page, one leaf looked up for them */
		uint16_t *used;
		pte_t *e = pgtable_slot(pt, vpn, &used);

		if (!e) {
			*rc = -ENOMEM;	/* only a leaf's first page: got == 1 */
			cnt[z->node]--; /* the failed fault is no access */
			break;
		}
		for (uint64_t j = 0; j < got; j++)
			e[j] = mk_pte(pfns[j], flags);
		*used += (uint16_t)got;
		pt->entries += got;
		t->mm->rss += got;
		done += got;
		if (got < m)
			break;
	}
	if (remote)
		sim_traffic(s, tnid, remote_nid, sim_pages_to_bytes(s, remote));
	if (write)
		user_batch_flush(s, &ub);
	s->mem.events[PGFAULT] += faults;
	t->faults += faults;
	*cost_ns += faults * fault_cost;
	return done;
}
