/*
 * memory.h - page faults (mm/memory.c): what happens when a task touches
 * a page its page table does not map, or writes one it may not write.
 */
#ifndef NUMASIM_MM_MEMORY_H
#define NUMASIM_MM_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/mmzone.h"
#include "task/pgtable.h"

struct sim;
struct task;
struct vm_area_struct;

/* What a fault needs from the caller and gives back. */
struct fault_result {
	uint64_t cost_ns;    /* time the faulting task spends */
	uint64_t wait_until; /* non-zero: blocked on a migration entry until then */
	pte_t pte;	     /* the entry after the fault */
};

/*
 * Models handle_mm_fault() for one page at addr: anonymous faults
 * (do_anonymous_page(), the zero page for reads), write-protect faults
 * (do_wp_page(): copy-on-write or reuse), file faults (do_read_fault(),
 * do_shared_fault(), do_cow_fault()), swap-ins (do_swap_page()) and
 * hugetlb faults. Returns 0, -EFAULT (no VMA), -EACCES (write to a
 * read-only mapping) or -ENOMEM (no memory even after reclaim and OOM).
 */
int handle_mm_fault(struct sim *s, struct task *t, uint64_t addr, bool write,
		    struct fault_result *res);

/*
 * The faults of a `touch` over consecutive pages, taken in one run: from
 * addr on, up to n pages of the private anonymous VMA holding addr that
 * have no entry yet, in order, with the same effects as one
 * handle_mm_fault() for each (do_anonymous_page(): a new page, or the
 * zero page for a read) and as many page accesses by the caller. The
 * VMA, its policy and the allocation request are looked up once; the
 * pages come from one zone (one per node for interleave) through
 * alloc_batch_page(); counters are added once. The run stops before the
 * first page it cannot prove to take that path (an entry there, a huge
 * page range, a zone at its watermark or a per-CPU list to refill, ...):
 * the caller handles that page with handle_mm_fault(). Returns the pages
 * faulted, each accessed once (cnt[node]++ for the caller's
 * accounting), and adds their cost to *cost_ns. *rc is -ENOMEM when a
 * page table could not grow, with that page's fault counted as
 * handle_mm_fault() counts it.
 */
uint64_t fault_anon_run(struct sim *s, struct task *t, uint64_t addr, uint64_t n, bool write,
			uint64_t *cost_ns, uint64_t *cnt, int *rc);

/* Order of a huge page (2 MiB) on this machine's base page size. */
unsigned huge_page_order(const struct sim *s);

/* Node the shared zero page lives on (node 0 of the machine, or the
 * first node with memory). */
int zero_page_nid(const struct sim *s);

#endif
