/*
 * madvise.h - madvise(2) (mm/madvise.c, Linux 6.12) for the advices a
 * trace can give: MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTNEED,
 * MADV_FREE, MADV_WILLNEED, MADV_COLD and MADV_PAGEOUT (core/uapi.h).
 */
#ifndef NUMASIM_MM_MADVISE_H
#define NUMASIM_MM_MADVISE_H

#include <stdint.h>

struct sim;
struct task;

/*
 * Models do_madvise(): EINVAL for an unaligned start, an advice the
 * kernel does not know, or a length that wraps; 0 for an empty range.
 * The advice is applied VMA by VMA over the mapped parts of the range
 * (madvise_walk_vmas()); a hole in it makes the call return ENOMEM after
 * applying the rest, and an error of one VMA (EINVAL for DONTNEED/FREE on
 * a locked or hugetlb VMA, FREE on a file mapping, COLD/PAGEOUT on a
 * locked or hugetlb VMA) stops the walk there. *cost_ns gets the time
 * reclaim waited for (PAGEOUT) and reads took (WILLNEED).
 */
long do_madvise(struct sim *s, struct task *t, uint64_t start, uint64_t len, int advice,
		uint64_t *cost_ns);

#endif
