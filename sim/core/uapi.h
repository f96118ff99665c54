/*
 * uapi.h - the user-visible constants of the memory-policy system calls,
 * with Linux's numeric values (include/uapi/linux/mempolicy.h), so a
 * trace, the replay and the report all speak the kernel's language.
 *
 * The kernel model (mm/mempolicy.h, mm/madvise.c) and the trace reader
 * both include it: it belongs to neither, as the kernel's include/uapi/.
 */
#ifndef NUMASIM_CORE_UAPI_H
#define NUMASIM_CORE_UAPI_H

/* Policy modes (set_mempolicy(2), mbind(2)). */
enum mpol_mode {
	MPOL_DEFAULT = 0,
	MPOL_PREFERRED = 1,
	MPOL_BIND = 2,
	MPOL_INTERLEAVE = 3,
	MPOL_LOCAL = 4,
	MPOL_PREFERRED_MANY = 5,
	MPOL_WEIGHTED_INTERLEAVE = 6,
	MPOL_MAX
};

/* Mode flags, or'ed into the mode argument in Linux. */
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_NUMA_BALANCING (1 << 13) /* optimise with NUMA balancing if possible */

/* mbind(2) flags; MPOL_MF_MOVE_ALL is also move_pages(2)'s MPOL_MF_MOVE_ALL. */
#define MPOL_MF_STRICT (1 << 0)
#define MPOL_MF_MOVE (1 << 1)
#define MPOL_MF_MOVE_ALL (1 << 2)

/* madvise(2) advice values (include/uapi/asm-generic/mman-common.h). */
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_HUGEPAGE 14
#define MADV_NOHUGEPAGE 15
#define MADV_COLD 20
#define MADV_PAGEOUT 21

#endif
