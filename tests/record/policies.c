/*
 * policies.c - set_mempolicy() and mbind() with the modes numa_maps
 * prints differently (interleave, bind, preferred, local), a failing
 * mbind (EINVAL: unaligned start) and a failing set_mempolicy (EINVAL:
 * an empty bind mask), each mapping touched after its policy is set.
 * The raw system calls, so that no libnuma is needed.
 */
#include <errno.h>
#include <sys/syscall.h>

#include "common.h"

#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_LOCAL 4

static long set_mempolicy(int mode, const unsigned long *mask, unsigned long maxnode)
{
	return syscall(SYS_set_mempolicy, mode, mask, maxnode);
}

static long mbind(void *p, unsigned long len, int mode, const unsigned long *mask,
		  unsigned long maxnode, unsigned flags)
{
	return syscall(SYS_mbind, p, len, mode, mask, maxnode, flags);
}

int main(void)
{
	unsigned long node0 = 1, none = 0;
	char *a = rec_mmap(16 * PAGE), *b = rec_mmap(16 * PAGE), *c = rec_mmap(16 * PAGE);
	char *d = rec_mmap(16 * PAGE), *e;

	if (set_mempolicy(MPOL_INTERLEAVE, &node0, 64))
		rec_die("set_mempolicy interleave");
	rec_touch(a, 16 * PAGE); /* task policy: interleave */
	if (set_mempolicy(MPOL_DEFAULT, NULL, 0))
		rec_die("set_mempolicy default");
	if (mbind(b, 16 * PAGE, MPOL_BIND, &node0, 64, 0))
		rec_die("mbind bind");
	if (mbind(c, 8 * PAGE, MPOL_PREFERRED, &node0, 64, 0)) /* splits c */
		rec_die("mbind preferred");
	if (mbind(d, 16 * PAGE, MPOL_LOCAL, NULL, 0, 0))
		rec_die("mbind local");
	if (mbind(d + 1, PAGE, MPOL_BIND, &node0, 64, 0) != -1 || errno != EINVAL)
		rec_die("unaligned mbind did not fail with EINVAL");
	if (set_mempolicy(MPOL_BIND, &none, 64) != -1 || errno != EINVAL)
		rec_die("empty bind did not fail with EINVAL");
	rec_touch(b, 12 * PAGE);
	rec_touch(c, 16 * PAGE);
	rec_touch(d, 5 * PAGE);
	e = rec_mmap(8 * PAGE); /* after the task policy went back to default */
	rec_touch(e, 3 * PAGE);
	rec_snapshot();
	rec_report(a);
	rec_report(b);
	rec_report(c);
	rec_report(c + 8 * PAGE);
	rec_report(d);
	rec_report(e);
	return 0;
}
