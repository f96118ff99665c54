/*
 * mmap.h - address spaces: mm_struct, VMAs and anon_vmas
 * (include/linux/mm_types.h, mm/mmap.c, mm/rmap.c).
 *
 * An mm_struct is shared by the threads of a process (CLONE_VM) and
 * holds a sorted array of VMAs and the page table. Anonymous pages point
 * back to their anon_vma through frames.mapping, with frames.index the
 * page number relative to the anon_vma's base, signed (a VMA merged below
 * the one that made the anon_vma has pages before the base); an anon_vma lists the
 * address spaces that may map its pages (after fork, parent and child),
 * which is what the reverse map walks. File pages point to their file.
 *
 * Invariants:
 *  - VMAs are sorted by start, do not overlap and are page aligned.
 *  - A pte that maps a frame counts once in that frame's mapcount.
 */
#ifndef NUMASIM_TASK_MMAP_H
#define NUMASIM_TASK_MMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/mmzone.h"
#include "task/pgtable.h"

struct mempolicy;
struct sim;
struct task;

enum {
	VM_READ = 1u << 0,
	VM_WRITE = 1u << 1,
	VM_SHARED = 1u << 2,
	VM_HUGETLB = 1u << 3, /* `huge`: hugetlb pages, kernelpagesize 2 MiB */
	VM_LOCKED = 1u << 4,  /* `locked`: mlock()ed, pages unevictable */
	VM_ANON = 1u << 5,
	VM_FILE = 1u << 6,
	VM_HEAP = 1u << 7,	  /* numa_maps " heap" */
	VM_STACK = 1u << 8,	  /* numa_maps " stack" */
	VM_SHMEM = 1u << 9,	  /* shared anonymous: shmem object */
	VM_ACCOUNT = 1u << 10,	  /* its pages are charged to Committed_AS (mm/overcommit.h) */
	VM_HUGEPAGE = 1u << 11,	  /* madvise(MADV_HUGEPAGE) */
	VM_NOHUGEPAGE = 1u << 12, /* madvise(MADV_NOHUGEPAGE) */
};

struct vm_area_struct {
	uint64_t start, end; /* bytes, page aligned, end exclusive */
	uint32_t flags;
	uint32_t file;	   /* file id (VM_FILE or VM_SHMEM), 0 otherwise */
	uint64_t pgoff;	   /* offset of start in the file, in pages */
	uint32_t anon_vma; /* anon_vma id for private anonymous/COW pages, 0 until first fault */
	struct mempolicy *policy; /* mbind() policy of this range, NULL = none */
	struct mm_struct *mm;
};

struct mm_struct {
	uint32_t id;
	int users;		      /* tasks sharing it (mm_users) */
	int owner;		      /* tgid whose numa_maps shows it */
	struct vm_area_struct **vmas; /* sorted by start */
	int nr_vmas, cap_vmas;
	struct pgtable pt;
	uint64_t rss; /* frames mapped (not zero page) */
	/* anon_vma_chain: ids of the anon_vmas whose mms[] holds this mm,
	 * so exit unlinks it from those alone (not from every anon_vma) */
	uint32_t *av_ids;
	int nr_av_ids, cap_av_ids;
	/* NUMA balancing scanner (task_numa_work()) */
	uint64_t numa_next_scan;   /* ns; 0 = not yet armed */
	uint64_t numa_scan_offset; /* address where the next scan starts */
	unsigned numa_scan_seq;	   /* completed passes over the address space */
};

/* anon_vma: the set of address spaces a private anonymous page may be
 * mapped in, and the base vpn from which frames.index counts. */
struct anon_vma {
	uint32_t id;
	uint64_t base_vpn;
	int nr_mms, cap_mms;
	struct mm_struct **mms;
	uint64_t pages; /* frames whose mapping is this anon_vma */
};

struct mm_registry {
	struct anon_vma **anon_vmas; /* indexed by id; 0 unused */
	uint32_t nr_anon_vmas, cap_anon_vmas;
	uint32_t next_mm_id;
};

struct mm_struct *mm_alloc(struct sim *s);
/* Drops a user; the last one unmaps everything and frees the mm. */
void mm_put(struct sim *s, struct mm_struct *mm);

/* The VMA containing addr, or NULL (find_vma() with containment). */
struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr);
/* Index of the first VMA ending after addr (for range walks). */
int vma_index_after(struct mm_struct *mm, uint64_t addr);

/* Models accountable_mapping(): private writable mappings, not hugetlb,
 * are charged to Committed_AS (no MAP_NORESERVE in traces). */
bool accountable_mapping(uint32_t flags);
/* mm->total_vm: pages of every VMA. */
uint64_t mm_total_vm(const struct sim *s, const struct mm_struct *mm);

/*
 * The commit charge of mmap_region() for a new mapping [start, end) with
 * flags, made by task t: an accountable mapping is charged for its pages
 * less the charged pages it replaces, and gets VM_ACCOUNT in *flags.
 * Returns 0 or -ENOMEM (nothing charged, nothing mapped).
 */
int mmap_charge(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end, uint32_t *flags,
		const struct task *t);

/*
 * Inserts a VMA [start, end) (mmap with MAP_FIXED semantics: what was
 * mapped there is unmapped first). With VM_ACCOUNT in flags the caller
 * charged it with mmap_charge(); without, it is not charged. Returns the
 * VMA or NULL on host ENOMEM.
 */
struct vm_area_struct *mmap_region(struct sim *s, struct mm_struct *mm, uint64_t start,
				   uint64_t end, uint32_t flags, uint32_t file, uint64_t pgoff);
/* do_munmap(): unmaps [start, end), splitting VMAs as needed. */
void do_munmap(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end);
/* zap_page_range_single() (MADV_DONTNEED): unmaps the pages of
 * [start, end) and keeps the VMAs; huge PMDs it covers in part are split. */
void zap_page_range(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end);
/* Splits VMAs so that start and end fall on VMA boundaries (split_vma()).
 * Returns 0 or -1 (ENOMEM). */
int split_vma_range(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end);
/* Merges neighbouring VMAs that have become identical (vma_merge()). */
void mm_merge_vmas(struct sim *s, struct mm_struct *mm);

/* Duplicates mm for fork (dup_mmap()): private pages become COW-shared,
 * and the child is charged for each VM_ACCOUNT VMA as the parent t asks.
 * NULL with *refused set when the commit charge is refused (fork fails
 * with ENOMEM), with it clear on host ENOMEM. */
struct mm_struct *dup_mm(struct sim *s, struct mm_struct *old, int child_tgid, const struct task *t,
			 bool *refused);

/* anon_vma handling (anon_vma_prepare(), anon_vma_fork()). */
struct anon_vma *anon_vma_get(struct sim *s, uint32_t id);
uint32_t anon_vma_prepare(struct sim *s, struct vm_area_struct *vma);

/* Resident base pages of mm per node (out has nr_nodes entries, zeroed
 * here); the zero page is not counted, as numa_maps does not. */
void mm_pages_by_node(struct sim *s, struct mm_struct *mm, uint64_t *out);

/* --check: page tables, map counts, reverse map and the node counters
 * derived from them agree. 0 or -1 with the first disagreement. */
int mm_check(struct sim *s, struct nerr *err);

static inline uint64_t vma_pages(const struct vm_area_struct *v, unsigned shift)
{
	return (v->end - v->start) >> shift;
}

/* Page offset of addr within the VMA's object (linear_page_index()). */
static inline uint64_t linear_page_index(const struct vm_area_struct *v, uint64_t addr,
					 unsigned shift)
{
	return ((addr - v->start) >> shift) + v->pgoff;
}

#endif
