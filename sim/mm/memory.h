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

/* Order of a huge page (2 MiB) on this machine's base page size. */
unsigned huge_page_order(const struct sim *s);

/* Node the shared zero page lives on (node 0 of the machine, or the
 * first node with memory). */
int zero_page_nid(const struct sim *s);

#endif
