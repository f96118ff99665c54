/*
 * madvise.c - madvise() changes what a mapping holds, and the replay of
 * the recording must do the same:
 *   - a: 64 pages written, MADV_DONTNEED on pages 16-31 (zap_page_range:
 *     they are gone, anon=48), then pages 16-23 written again (new first
 *     touches: anon=56);
 *   - b: 32 pages written, MADV_DONTNEED on all of them, nothing written
 *     again (anon= absent: the VMA holds no page);
 *   - c: a 4 MiB mapping on a 2 MiB boundary, MADV_HUGEPAGE on its first
 *     half (the VMA splits in two), one byte written in each half: with
 *     transparent_hugepage/enabled=madvise the first half is one huge page
 *     (numa_maps counts it in base pages, anon=512) and the second one
 *     base page; with never both are one page; with always both are huge.
 *     If the kernel could not get a huge page (fragmented memory) the
 *     first half would not say what a replay must do: then it is not
 *     reported, and the program says so (`NOTE`).
 */
#include "common.h"

#define HUGE (2ul << 20)

/* The AnonHugePages: of the smaps entry starting at addr, in KiB. */
static long anon_huge_kb(const void *addr)
{
	static char smaps[1 << 20];
	char key[32];

	rec_read_proc("/proc/self/smaps", smaps, sizeof(smaps));
	snprintf(key, sizeof(key), "\n%08lx-", (unsigned long)(uintptr_t)addr);
	char *p = strstr(smaps, key);

	if (!p || !(p = strstr(p, "AnonHugePages:")))
		rec_die("no smaps entry");
	return strtol(p + 14, NULL, 10);
}

int main(void)
{
	char *a = rec_mmap(64 * PAGE), *b = rec_mmap(32 * PAGE);

	rec_touch(a, 64 * PAGE);
	if (madvise(a + 16 * PAGE, 16 * PAGE, MADV_DONTNEED))
		rec_die("madvise dontneed a");
	rec_touch(a + 16 * PAGE, 8 * PAGE);
	rec_touch(b, 32 * PAGE);
	if (madvise(b, 32 * PAGE, MADV_DONTNEED))
		rec_die("madvise dontneed b");

	/* 4 MiB on a 2 MiB boundary, between PROT_NONE guards */
	char *g = mmap(NULL, 3 * HUGE + 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (g == MAP_FAILED)
		rec_die("mmap c");
	char *c = (char *)(((uintptr_t)g + PAGE + HUGE - 1) & ~(HUGE - 1));

	if (mprotect(c, 2 * HUGE, PROT_READ | PROT_WRITE))
		rec_die("mprotect c");
	if (madvise(c, HUGE, MADV_HUGEPAGE))
		rec_die("madvise hugepage c");
	c[0] = 1;
	c[HUGE] = 1;
	long huge_kb = anon_huge_kb(c);

	rec_snapshot();
	rec_report(a);
	rec_report(b);
	char mode[64] = "";
	int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY);

	if (fd >= 0) {
		ssize_t n = read(fd, mode, sizeof(mode) - 1);

		mode[n > 0 ? n : 0] = 0;
		close(fd);
	}
	if (strstr(mode, "[never]") || huge_kb) {
		rec_report(c);
	} else {
		rec_out("NOTE no huge page for the MADV_HUGEPAGE half (memory fragmented?): "
			"not compared\n");
	}
	rec_report(c + HUGE);
	return 0;
}
