/*
 * access.c - `numasim record --accesses INTERVAL`: which pages each
 * recorded process used in each interval (docs/recording.md).
 *
 * Two sources, the better one that works here:
 *
 *   - idle page tracking (Documentation/admin-guide/mm/idle_page_tracking.rst):
 *     /proc/PID/pagemap gives the PFN of each present page (root only),
 *     /sys/kernel/mm/page_idle/bitmap one bit per PFN. Each interval the
 *     pages whose idle bit is clear were accessed (read or written) since
 *     the last one; then their bits are set again. Writing a bit clears
 *     the accessed bits of the PTEs mapping the page and marks it idle
 *     (page_idle_bitmap_write()); an access through a PTE sets the
 *     hardware accessed bit, which the next read folds into the idle flag
 *     (page_idle_bitmap_read() via folio_referenced()).
 *   - soft-dirty bits (Documentation/admin-guide/mm/soft-dirty.rst), where
 *     the kernel has CONFIG_MEM_SOFT_DIRTY but no idle page tracking:
 *     writing 4 to /proc/PID/clear_refs clears them and write-protects
 *     the PTEs (clear_soft_dirty()); bit 55 of a pagemap entry says the
 *     page was written since. Writes only.
 *
 * Each interval's pages become `access` records of the process, one a
 * range of consecutive pages, count = the pages (each was used at least
 * once: the bits do not say how often).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "record/record_int.h"

#define BITMAP "/sys/kernel/mm/page_idle/bitmap"
#define PM_PRESENT (1ull << 63)
#define PM_SWAP (1ull << 62)
#define PM_SOFT_DIRTY (1ull << 55)
#define PM_PFN ((1ull << 55) - 1)
#define CHUNK_PAGES 4096      /* pagemap entries read at a time */
#define MAX_VMA (64ull << 30) /* larger mappings are not scanned */

/* The pagemap entry of one page of the tracer; 0 when unreadable. */
static uint64_t self_entry(const void *p, uint64_t page_size)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t e = 0;

	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (off_t)((uintptr_t)p / page_size * 8)) != 8)
		e = 0;
	close(fd);
	return e;
}

int access_open(struct rec_access *a, uint64_t interval, uint64_t page_size, char *why, size_t len)
{
	char idle_why[256];
	volatile char *probe;

	memset(a, 0, sizeof(*a));
	a->bitmap = -1;
	a->interval = interval;
	a->page_size = page_size;
	probe = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		     0);
	if (probe == MAP_FAILED) {
		snprintf(why, len, "--accesses: mmap: %s: the trace has no access records",
			 strerror(errno));
		return -1;
	}
	probe[0] = 1;
	(void)probe[page_size]; /* a read fault maps the zero page */
	uint64_t e = self_entry((const void *)probe, page_size);
	uint64_t z = self_entry((const void *)(probe + page_size), page_size);

	munmap((void *)probe, 2 * page_size);
	/* the zero page is on no LRU list: its bit always reads "accessed" */
	a->zero_pfn = (z & PM_PRESENT) && (z & PM_PFN) != (e & PM_PFN) ? z & PM_PFN : 0;
	a->bitmap = open(BITMAP, O_RDWR | O_CLOEXEC);
	if (a->bitmap < 0)
		snprintf(idle_why, sizeof(idle_why),
			 "%s: %s; it needs CONFIG_IDLE_PAGE_TRACKING and root", BITMAP,
			 strerror(errno));
	else if (!(e & PM_PFN)) /* pagemap hides PFNs without CAP_SYS_ADMIN */
		snprintf(idle_why, sizeof(idle_why),
			 "/proc/PID/pagemap shows no page frame numbers "
			 "without CAP_SYS_ADMIN");
	if (a->bitmap >= 0 && (e & PM_PFN)) {
		a->mode = ACC_IDLE;
	} else {
		if (a->bitmap >= 0)
			close(a->bitmap);
		a->bitmap = -1;
		if (!(e & PM_SOFT_DIRTY)) {
			snprintf(why, len,
				 "--accesses: idle page tracking is not available (%s), nor are "
				 "soft-dirty bits (CONFIG_MEM_SOFT_DIRTY): the trace has no access "
				 "records",
				 idle_why);
			return -1;
		}
		a->mode = ACC_SOFT_DIRTY;
		snprintf(why, len,
			 "--accesses: idle page tracking is not available (%s): sampling "
			 "writes only, from soft-dirty bits; reads are not recorded",
			 idle_why);
	}
	if (!(a->ent = malloc(CHUNK_PAGES * sizeof(*a->ent)))) {
		snprintf(why, len, "--accesses: out of memory");
		access_close(a);
		return -1;
	}
	return 0;
}

void access_close(struct rec_access *a)
{
	if (a->bitmap >= 0)
		close(a->bitmap);
	a->bitmap = -1;
	free(a->ent);
	free(a->pg);
	a->ent = NULL;
	a->pg = NULL;
	a->npg = a->cappg = 0;
}

static bool special(const char *name)
{
	return !strcmp(name, "[vdso]") || !strcmp(name, "[vvar]") || !strcmp(name, "[vsyscall]") ||
	       !strcmp(name, "[vvar_vclock]");
}

static int add_page(struct rec_access *a, uint64_t vaddr, uint64_t pfn)
{
	if (!rec_grow((void **)&a->pg, &a->cappg, a->npg + 1, sizeof(*a->pg)))
		return -1;
	a->pg[a->npg++] = (struct rec_acc_page){.vaddr = vaddr, .pfn = pfn};
	return 0;
}

/* Collects the pages to look at: present ones (idle: with their PFN),
 * or, with soft-dirty bits, the written ones of writable mappings. */
static int collect(struct rec_access *a, pid_t pid)
{
	char path[64], line[PATH_MAX + 128];
	FILE *f;
	int pm, rc = 0;

	a->npg = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	if (!(f = fopen(path, "re")))
		return 0; /* gone */
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	if ((pm = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		fclose(f);
		return 0;
	}
	while (!rc && fgets(line, sizeof(line), f)) {
		unsigned long long start, end;
		char perms[8], name[REC_MAPS_NAME];

		if (!rec_maps_line(line, &start, &end, perms, name))
			continue;
		if (special(name) || end - start > MAX_VMA ||
		    (a->mode == ACC_SOFT_DIRTY && perms[1] != 'w'))
			continue;
		for (uint64_t v = start; !rc && v < end;) {
			size_t np = (size_t)((end - v) / a->page_size);

			np = np > CHUNK_PAGES ? CHUNK_PAGES : np;
			ssize_t got = pread(pm, a->ent, np * 8, (off_t)(v / a->page_size * 8));

			if (got <= 0)
				break;
			for (size_t i = 0; !rc && i < (size_t)got / 8; i++) {
				uint64_t e = a->ent[i];

				if (!(e & PM_PRESENT) || (e & PM_SWAP))
					continue;
				if (a->mode == ACC_IDLE
					    ? (e & PM_PFN) != 0 && (e & PM_PFN) != a->zero_pfn
					    : (e & PM_SOFT_DIRTY) != 0)
					rc = add_page(a, v + i * a->page_size, e & PM_PFN);
			}
			v += (uint64_t)got / 8 * a->page_size;
		}
	}
	close(pm);
	fclose(f);
	return rc;
}

static int by_pfn(const void *x, const void *y)
{
	const struct rec_acc_page *p = x, *q = y;

	if (p->pfn != q->pfn)
		return p->pfn < q->pfn ? -1 : 1;
	return p->vaddr < q->vaddr ? -1 : p->vaddr > q->vaddr;
}

static int by_vaddr(const void *x, const void *y)
{
	const struct rec_acc_page *p = x, *q = y;

	return p->vaddr < q->vaddr ? -1 : p->vaddr > q->vaddr;
}

/*
 * Idle: reads the bitmap word of each PFN (pages sorted by PFN, one
 * pread a word, a word shared by neighbours read once), keeps the pages
 * whose bit is clear (accessed), then writes each word back with the
 * bits of this process's pages set (marks them idle; bits left 0 leave
 * other pages alone). A PFN that is not on an LRU list reads as
 * accessed (page_idle_get_folio() finds no folio): a page being
 * migrated or reclaimed, and the zero page, which is left out.
 */
static void idle_pass(struct rec_access *a)
{
	size_t keep = 0;

	if (a->npg)
		qsort(a->pg, a->npg, sizeof(*a->pg), by_pfn);
	for (size_t i = 0; i < a->npg;) {
		uint64_t w = a->pg[i].pfn / 64, word = 0, mask = 0;
		size_t j = i;

		if (pread(a->bitmap, &word, 8, (off_t)(w * 8)) != 8)
			word = ~0ull; /* unreadable (not an LRU page): idle, not reported */
		for (; j < a->npg && a->pg[j].pfn / 64 == w; j++) {
			uint64_t bit = 1ull << (a->pg[j].pfn % 64);

			mask |= bit;
			if (!(word & bit))
				a->pg[keep++] = a->pg[j];
		}
		/* best effort: a PFN beyond the last one (ENXIO) marks nothing */
		(void)!pwrite(a->bitmap, &mask, 8, (off_t)(w * 8));
		i = j;
	}
	a->npg = keep;
}

int access_emit(struct rec_access *a, struct rec_log *g, uint64_t t, uint32_t tid)
{
	const char *flag = a->mode == ACC_SOFT_DIRTY ? " write" : "";

	if (a->npg)
		qsort(a->pg, a->npg, sizeof(*a->pg), by_vaddr);
	for (size_t i = 0; i < a->npg;) {
		size_t j = i + 1;

		while (j < a->npg && a->pg[j].vaddr <= a->pg[j - 1].vaddr + a->page_size)
			j++;
		uint64_t len = a->pg[j - 1].vaddr + a->page_size - a->pg[i].vaddr;
		char ls[32];

		if (rec_text(g, t, tid,
			     "access pid=%u addr=0x%" PRIx64 " len=%s count=%" PRIu64 "%s", tid,
			     a->pg[i].vaddr, rec_size_str(ls, sizeof(ls), len), len / a->page_size,
			     flag))
			return -1;
		a->records++;
		i = j;
	}
	return 0;
}

int access_read(struct rec_access *a, pid_t pid)
{
	if (collect(a, pid))
		return -1;
	if (a->mode == ACC_IDLE) {
		idle_pass(a);
	} else {
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/clear_refs", (int)pid);
		/* a process gone meanwhile: what was seen is still reported */
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0) {
			(void)!write(fd, "4", 1);
			close(fd);
		}
	}
	a->samples++;
	return 0;
}
