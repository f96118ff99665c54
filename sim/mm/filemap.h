/*
 * filemap.h - files and the page cache (mm/filemap.c, mm/shmem.c).
 *
 * A file is declared by a `file` record on a block device, or created
 * implicitly as a shmem object for a shared anonymous mapping. Its
 * cached pages are kept in an index from page index to pfn (the xarray of
 * struct address_space, struct page_cache below); each cached frame has mapping = file id and
 * index = page offset. i_mmap (which address spaces map the file) is the
 * list of mm_structs used by the reverse map.
 */
#ifndef NUMASIM_MM_FILEMAP_H
#define NUMASIM_MM_FILEMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/hashmap.h"
#include "mm/mmzone.h"

struct sim;
struct task;
struct mm_struct;
struct vm_area_struct;

/*
 * The page cache index (struct address_space's xarray): cached pages in
 * runs of PC_RUN_PAGES consecutive page indexes, one hash entry (core/
 * hashmap.h) per run that holds a page, and a one-run cache of the last
 * run used. Sequential reads, writeback and reclaim of a file touch one
 * 260-byte run per 64 pages instead of 64 scattered hash slots; like the
 * xarray's 64-slot nodes, a file cached sparsely costs a run per page.
 */
#define PC_RUN_BITS 6
#define PC_RUN_PAGES (1u << PC_RUN_BITS)

struct pc_run {
	uint32_t nr;		 /* cached pages in the run */
	pfn_t pfn[PC_RUN_PAGES]; /* NOPFN = not cached */
	/* slots holding a shadow entry (workingset_eviction()): a page
	 * reclaimed from the slot, with sim.page_cache_slab; a run with
	 * shadows and no page stays, as its xarray node does */
	uint64_t shadow;
};

struct page_cache {
	struct hashmap runs; /* index >> PC_RUN_BITS -> struct pc_run * */
	uint64_t nr;	     /* cached pages */
	uint64_t xa_nodes;   /* xarray nodes charged to the slab (sim.page_cache_slab) */
	struct pc_run *last; /* the run last looked up */
	uint64_t last_key;   /* its key + 1 (0 = none) */
	bool *oom;	     /* the simulation's host_oom (core/hostmem.h) */
};

struct file_obj {
	uint32_t id;
	char *name;	     /* path shown in numa_maps */
	uint32_t name_next;  /* next declared file with the same name hash */
	uint64_t size;	     /* bytes */
	int device;	     /* topology device index, -1 for none/shmem */
	bool shmem;	     /* shared anonymous memory object */
	uint64_t acct_pages; /* shmem: pages charged to Committed_AS until it dies */
	struct page_cache cache;
	uint64_t nr_dirty, nr_writeback;
	uint64_t wb_cursor;    /* page index where writeback resumes */
	uint64_t dirtied_when; /* ns: when the file last went from clean to dirty */
	int nr_mappers, cap_mappers;
	struct mm_struct **mappers; /* i_mmap: one entry per mapping VMA */
	struct vm_area_struct **mapper_vmas;
};

struct vfs {
	struct file_obj **files; /* indexed by id; 0 unused */
	uint32_t nr, cap;
	struct hashmap names;	  /* hashmap_str(name) -> first declared file id */
	unsigned spread_rotor;	  /* cpuset memory_spread_page rotor */
	uint64_t *dev_busy_until; /* per topology device: I/O queued until then */
	bool flusher_queued;	  /* a background writeback event is pending */
	uint32_t wb_file;	  /* file where background writeback resumes */
	uint64_t wb_start_all;	  /* pages still to write for a start-all wakeup */
	bool kupdate_queued;	  /* a periodic writeback event is pending */
};

int vfs_init(struct sim *s);
void vfs_free(struct sim *s);
/* Declares a file (`file` record). Re-declaring a name resizes it. */
struct file_obj *vfs_create(struct sim *s, const char *name, uint64_t size, int device);
struct file_obj *vfs_lookup(struct sim *s, const char *name);
struct file_obj *vfs_file(struct sim *s, uint32_t id);
/* A new shmem object backing a shared anonymous mapping, created by
 * task t for its address space mm (shmem_zero_setup()). With account its
 * size is charged to Committed_AS (hugetlb memory is not); NULL with
 * *rc = -ENOMEM when that is refused or the host runs out of memory. */
struct file_obj *shmem_create(struct sim *s, uint64_t size, bool account,
			      const struct mm_struct *mm, const struct task *t, int *rc);
/* Models shmem_unacct_size() at shmem_evict_inode(): the charge goes back. */
void shmem_unacct_size(struct sim *s, struct file_obj *f);

pfn_t page_cache_lookup(struct file_obj *f, uint64_t index);
int page_cache_insert(struct file_obj *f, uint64_t index, pfn_t pfn);
void page_cache_remove(struct file_obj *f, uint64_t index);
/* Calls fn for each cached page with index >= from, in index order (as
 * the kernel's xarray walks); fn may remove the page it is given. Stops
 * when fn returns false. Returns -1 when the host is out of memory. */
typedef bool (*page_cache_fn)(void *ctx, uint64_t index, pfn_t pfn);
int page_cache_walk(struct file_obj *f, uint64_t from, page_cache_fn fn, void *ctx);

/*
 * filemap_get_page(): the cached page at index, or a new one read in
 * (allocated by task t's policy, or the cpuset spread rotor). *cost_ns
 * gets the I/O time when the page had to be read. NOPFN on ENOMEM.
 */
pfn_t filemap_get_page(struct sim *s, struct task *t, struct file_obj *f, uint64_t index,
		       struct vm_area_struct *vma, uint64_t *cost_ns);
/* Like filemap_get_page() for write(2): a missing page is not read
 * (the write overwrites it whole). */
pfn_t filemap_get_page_write(struct sim *s, struct task *t, struct file_obj *f, uint64_t index,
			     uint64_t *cost_ns);
/* Removes a clean, unmapped page from the cache and frees it. */
void filemap_remove_page(struct sim *s, pfn_t pfn);
/* The same for a page reclaim frees: with sim.page_cache_slab a shadow
 * entry keeps its slot (and its xarray node). */
void filemap_evict_page(struct sim *s, pfn_t pfn);

/*
 * read(2)/write(2)/fsync(2) through the page cache and drop_caches.
 * Return bytes done or -errno (-ENOSYS: not modelled); *cost_ns gets
 * the task's time (I/O, reclaim stalls, dirty throttling).
 */
long vfs_read(struct sim *s, struct task *t, struct file_obj *f, uint64_t off, uint64_t len,
	      uint64_t *cost_ns);
long vfs_write(struct sim *s, struct task *t, struct file_obj *f, uint64_t off, uint64_t len,
	       uint64_t *cost_ns);
long vfs_fsync(struct sim *s, struct task *t, struct file_obj *f, uint64_t *cost_ns);
/* echo 1 > /proc/sys/vm/drop_caches: frees clean unmapped page cache. */
long drop_caches(struct sim *s);

/* Frees every cached page of a shmem object (shmem_evict_inode()). */
void shmem_truncate(struct sim *s, struct file_obj *f);

/* i_mmap maintenance as VMAs come and go. */
void file_add_mapper(struct file_obj *f, struct vm_area_struct *vma);
void file_remove_mapper(struct file_obj *f, struct vm_area_struct *vma);

#endif
