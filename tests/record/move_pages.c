/*
 * move_pages.c - move_pages(2) on this machine: 8 pages of which 6 are
 * touched, moved to node 0 (status 0 for the present pages, -ENOENT for
 * the two never touched), queried without target nodes, asked for a node
 * this machine does not have (the call fails with ENODEV), and called on
 * a list of pages that is not one range (two runs). The statuses the
 * kernel returned are in the trace (--expect-rc) and the replay must
 * return the same.
 */
#include <errno.h>
#include <sys/syscall.h>

#include "common.h"

static long move_pages(int pid, unsigned long n, void **pages, const int *nodes, int *status,
		       int flags)
{
	return syscall(SYS_move_pages, pid, n, pages, nodes, status, flags);
}

int main(void)
{
	char *buf = rec_mmap(8 * PAGE);
	void *pages[8];
	int nodes[8] = {0}, status[8], bad[8];

	for (int i = 0; i < 8; i++)
		pages[i] = buf + i * PAGE;
	rec_touch(buf, 3 * PAGE);
	rec_touch(buf + 5 * PAGE, 3 * PAGE);
	if (move_pages(0, 8, pages, nodes, status, 0) < 0)
		rec_die("move_pages");
	if (move_pages(0, 8, pages, NULL, status, 0) < 0)
		rec_die("move_pages query");
	for (int i = 0; i < 8; i++)
		bad[i] = 1023;
	if (move_pages(0, 8, pages, bad, status, 0) != -1 || errno != ENODEV)
		rec_die("move_pages to a missing node did not fail with ENODEV");
	void *two[4] = {buf, buf + PAGE, buf + 6 * PAGE, buf + 7 * PAGE};

	if (move_pages(0, 4, two, NULL, status, 0) < 0)
		rec_die("move_pages two runs");
	rec_snapshot();
	rec_report(buf);
	return 0;
}
