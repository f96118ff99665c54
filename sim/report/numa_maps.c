/*
 * numa_maps.c - /proc/<pid>/numa_maps (show_numa_map() and
 * gather_stats() in fs/proc/task_mmu.c).
 *
 * Per VMA: the start address (%08lx), the policy (the VMA's, else the
 * task's, as mpol_to_str() prints it), " file=PATH" or " heap" or
 * " stack", " huge" for hugetlb; then, only when the VMA has resident
 * pages: anon=, dirty=, mapped= (when it differs from both anon and
 * dirty), mapmax= (above 1), swapcache=, active= (when not every page is
 * active; never for hugetlb), writeback=, N<node>= in node order, and
 * kernelpagesize_kB=.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/filemap.h"
#include "mm/memory.h"
#include "mm/mempolicy.h"
#include "report/report.h"
#include "mm/huge_memory.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/task.h"

struct md {
	struct sim *s;
	const struct vm_area_struct *vma;
	uint64_t pages, anon, dirty, swapcache, active, writeback, mapcount_max;
	uint64_t *node;
};

/* gather_stats() for one page mapped by a pte (nr_pages base pages). */
static void gather(struct md *md, pfn_t pfn, bool pte_dirty, uint64_t nr)
{
	const struct frames *f = &md->s->mem.f;

	md->pages += nr;
	if (pte_dirty || page_test_dirty(f, pfn))
		md->dirty += nr;
	if (page_test_swapcache(f, pfn))
		md->swapcache += nr;
	if (page_test_active(f, pfn) || page_test_unevictable(f, pfn))
		md->active += nr;
	if (page_test_writeback(f, pfn))
		md->writeback += nr;
	if (page_test_anon(f, pfn))
		md->anon += nr;
	if (f->mapcount[pfn] > md->mapcount_max)
		md->mapcount_max = f->mapcount[pfn];
	md->node[pfn_to_nid(&md->s->mem, pfn)] += nr;
}

static void gather_pte(void *ctx, uint64_t vpn, pte_t *e)
{
	struct md *md = ctx;
	pte_t p = *e;

	(void)vpn;
	if (!pte_maps_frame(p))
		return; /* zero page, swap and migration entries are not counted */
	pfn_t pfn = (pfn_t)pte_val(p);

	if (p & PTE_HUGE) {
		/* hugetlb: one count per huge page, at its head; a THP's PMD
		 * counts its 512 base pages (gather_pmd_stats()) */
		if (page_test_head(&md->s->mem.f, pfn))
			gather(md, pfn, (p & PTE_DIRTY) != 0,
			       page_is_thp(&md->s->mem.f, pfn) ? HPAGE_PMD_NR : 1);
		return;
	}
	gather(md, pfn, (p & PTE_DIRTY) != 0, 1);
}

/* seq_file_path() escapes "\n\t= " and backslash as octal. */
static void escape_path(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 5 < len; in++) {
		if (strchr("\n\t= \\", *in))
			o += (size_t)snprintf(out + o, len - o, "\\%03o", (unsigned char)*in);
		else
			out[o++] = *in;
	}
	out[o] = '\0';
}

static size_t appendf(char *buf, size_t off, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t appendf(char *buf, size_t off, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (off >= len)
		return off;
	va_start(ap, fmt);
	int n = vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
	return n < 0 ? off : off + (size_t)n;
}

static void show_vma(struct sim *s, struct task *t, struct vm_area_struct *v, uint64_t *node,
		     numa_maps_fn fn, void *ctx)
{
	struct md md = {.s = s, .vma = v, .node = node};
	char line[4096], pol[600], path[1024];
	size_t off;
	bool huge = (v->flags & VM_HUGETLB) != 0;

	memset(node, 0, (size_t)s->topo->nr_nodes * sizeof(*node));
	mpol_to_str(v->policy ? v->policy : t->mempolicy, pol, sizeof(pol));
	off = appendf(line, 0, sizeof(line), "%08llx %s", (unsigned long long)v->start, pol);
	struct file_obj *f = v->file ? vfs_file(s, v->file) : NULL;

	if (f) {
		escape_path(f->name, path, sizeof(path));
		off = appendf(line, off, sizeof(line), " file=%s", path);
	} else if (v->flags & VM_HEAP) {
		off = appendf(line, off, sizeof(line), " heap");
	} else if (v->flags & VM_STACK) {
		off = appendf(line, off, sizeof(line), " stack");
	}
	if (huge)
		off = appendf(line, off, sizeof(line), " huge");
	pgtable_walk(&t->mm->pt, v->start >> s->topo->page_shift, v->end >> s->topo->page_shift,
		     gather_pte, &md);
	if (md.pages) {
		if (md.anon)
			off = appendf(line, off, sizeof(line), " anon=%llu",
				      (unsigned long long)md.anon);
		if (md.dirty)
			off = appendf(line, off, sizeof(line), " dirty=%llu",
				      (unsigned long long)md.dirty);
		if (md.pages != md.anon && md.pages != md.dirty)
			off = appendf(line, off, sizeof(line), " mapped=%llu",
				      (unsigned long long)md.pages);
		if (md.mapcount_max > 1)
			off = appendf(line, off, sizeof(line), " mapmax=%llu",
				      (unsigned long long)md.mapcount_max);
		if (md.swapcache)
			off = appendf(line, off, sizeof(line), " swapcache=%llu",
				      (unsigned long long)md.swapcache);
		if (md.active < md.pages && !huge)
			off = appendf(line, off, sizeof(line), " active=%llu",
				      (unsigned long long)md.active);
		if (md.writeback)
			off = appendf(line, off, sizeof(line), " writeback=%llu",
				      (unsigned long long)md.writeback);
		for (int n = 0; n < s->topo->nr_nodes; n++)
			if (node[n])
				off = appendf(line, off, sizeof(line), " N%d=%llu", n,
					      (unsigned long long)node[n]);
		uint64_t kb = (huge ? (1ULL << (huge_page_order(s) + s->topo->page_shift))
				    : s->topo->page_size) >>
			      10;

		appendf(line, off, sizeof(line), " kernelpagesize_kB=%llu", (unsigned long long)kb);
	}
	fn(ctx, line);
}

void numa_maps_show(struct sim *s, struct task *t, numa_maps_fn fn, void *ctx)
{
	if (!t->mm)
		return;
	uint64_t *node = sim_calloc(s, (size_t)s->topo->nr_nodes, sizeof(*node));

	if (!node)
		return;
	for (int i = 0; i < t->mm->nr_vmas; i++)
		show_vma(s, t, t->mm->vmas[i], node, fn, ctx);
	free(node);
}
