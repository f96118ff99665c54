/*
 * overcommit.h - commit accounting: how much memory the kernel has
 * promised to user space (Committed_AS) and whether it may promise more
 * (vm.overcommit_memory). Linux keeps this in mm/util.c
 * (__vm_enough_memory(), vm_commit_limit(), vm_memory_committed()) and
 * mm/mmap.c (init_user_reserve(), init_admin_reserve()); mm/util.c holds
 * much else, so the model names the file after
 * Documentation/mm/overcommit-accounting.rst instead.
 *
 * Which mappings are charged, and when, is decided by their owners:
 * task/mmap.c (VM_ACCOUNT: private writable mappings, at mmap and fork,
 * given back at munmap and exit) and mm/filemap.c (a shmem object's size,
 * from creation until it dies). See docs/model.md §9.
 *
 * Invariant (--check, mm_check()): committed equals the pages of every
 * VM_ACCOUNT VMA of every live address space plus the charge of every
 * live shmem object.
 */
#ifndef NUMASIM_MM_OVERCOMMIT_H
#define NUMASIM_MM_OVERCOMMIT_H

#include <stdbool.h>
#include <stdint.h>

struct sim;
struct mm_struct;
struct task;

/* vm.overcommit_memory values (include/uapi/linux/mman.h). */
enum { OVERCOMMIT_GUESS = 0, OVERCOMMIT_ALWAYS = 1, OVERCOMMIT_NEVER = 2 };

struct vm_commit {
	uint64_t committed;	   /* vm_committed_as, in pages (exact: no per-CPU batching) */
	uint64_t boot_free_kbytes; /* free memory when the reserves were initialised */
};

/* Boot: remembers free memory for the default reserves (subsys_initcall
 * time in Linux: after the buddy allocator is up). */
void overcommit_init(struct sim *s);

/* total_swap_pages: usable slots of the swap device (slot 0 is its header). */
uint64_t total_swap_pages(const struct sim *s);
/* The reserves in force: the sysctl, or the boot-time default. */
uint64_t admin_reserve_kbytes(const struct sim *s);
uint64_t user_reserve_kbytes(const struct sim *s);

/* Models vm_commit_limit(): CommitLimit in pages. */
uint64_t vm_commit_limit(const struct sim *s);
/* Models vm_memory_committed(): Committed_AS in pages. */
uint64_t vm_memory_committed(const struct sim *s);

/*
 * Models __vm_enough_memory(): charges pages to Committed_AS and returns
 * 0, or -ENOMEM with nothing charged. mm (may be NULL) is the address
 * space asking, whose size bounds the user reserve; cap_sys_admin is the
 * caller's (current's) capability, which exempts it from the admin reserve.
 */
int vm_enough_memory(struct sim *s, const struct mm_struct *mm, uint64_t pages, bool cap_sys_admin);
/* security_vm_enough_memory_mm() with current = t: root holds CAP_SYS_ADMIN. */
int vm_enough_memory_task(struct sim *s, const struct mm_struct *mm, uint64_t pages,
			  const struct task *t);
/* vm_acct_memory() / vm_unacct_memory(): charge and give back unconditionally. */
void vm_acct_memory(struct sim *s, uint64_t pages);
void vm_unacct_memory(struct sim *s, uint64_t pages);

#endif
