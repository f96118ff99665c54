/*
 * test_mm.c - address spaces: VMAs split and merged as mmap/munmap do,
 * faults placing pages, copy-on-write after dup_mm(), the reverse map
 * and the exact numa_maps lines of show_numa_map().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "fixture_topo.h"
#include "mm/memory.h"
#include "mm/rmap.h"
#include "report/report.h"
#include "sim.h"
#include "task/access.h"
#include "task/mmap.h"
#include "task/task.h"

#define MiB (1ULL << 20)

struct env {
	struct topology *topo;
	struct sim *s;
};

static int setup(void **state)
{
	static const uint64_t mem[2] = {64 * MiB, 64 * MiB};
	struct env *e = calloc(1, sizeof(*e));
	struct tunables tun;
	struct nerr err;

	tunables_init(&tun);
	e->topo = fixture_topo(2, mem, NULL, NULL, 2);
	e->s = sim_create(e->topo, &tun, &err);
	if (!e->s)
		return -1;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	sim_destroy(e->s);
	fixture_topo_free(e->topo);
	free(e);
	return 0;
}

static struct task *new_task(struct sim *s, int pid, int cpu)
{
	struct task *t = task_create(s, pid, pid, 0, "t");

	t->mm = mm_alloc(s);
	t->mm->owner = pid;
	task_set_cpu(s, t, cpu);
	return t;
}

static void touch(struct sim *s, struct task *t, uint64_t addr, uint64_t len, bool write)
{
	struct access_op op = {.addr = addr, .len = len, .write = write};
	uint64_t cost = 0, wait = 0;

	assert_int_equal(task_touch(s, t, &op, &cost, &wait), ACCESS_DONE);
}

static void test_vma_split_and_munmap(void **state)
{
	struct env *e = *state;
	struct task *t = new_task(e->s, 1, 0);
	struct mm_struct *mm = t->mm;

	assert_non_null(
		mmap_region(e->s, mm, 0x100000, 0x200000, VM_READ | VM_WRITE | VM_ANON, 0, 0));
	assert_int_equal(mm->nr_vmas, 1);
	/* anonymous VMAs count their page offset from address 0 */
	assert_int_equal(mm->vmas[0]->pgoff, 0x100000 >> 12);
	/* punching a hole in the middle leaves two VMAs */
	do_munmap(e->s, mm, 0x140000, 0x150000);
	assert_int_equal(mm->nr_vmas, 2);
	assert_int_equal(mm->vmas[0]->end, 0x140000);
	assert_int_equal(mm->vmas[1]->start, 0x150000);
	assert_int_equal(mm->vmas[1]->pgoff, 0x150000 >> 12);
	assert_null(find_vma(mm, 0x148000));
	assert_ptr_equal(find_vma(mm, 0x1fffff), mm->vmas[1]);
	/* a new mapping over both replaces what was there (MAP_FIXED); a
	 * read-only one cannot merge with its read-write neighbours */
	assert_non_null(mmap_region(e->s, mm, 0x120000, 0x180000, VM_READ | VM_ANON, 0, 0));
	assert_int_equal(mm->nr_vmas, 3);
	assert_int_equal(mm->vmas[0]->end, 0x120000);
	assert_int_equal(mm->vmas[1]->start, 0x120000);
	assert_int_equal(mm->vmas[2]->start, 0x180000);
	/* splitting at boundaries that exist changes nothing */
	assert_int_equal(split_vma_range(e->s, mm, 0x120000, 0x180000), 0);
	assert_int_equal(mm->nr_vmas, 3);
	mm_merge_vmas(e->s, mm);
	assert_int_equal(mm->nr_vmas, 3);
	/* a compatible new mapping merges with both neighbours
	 * (vma_merge_new_range()) */
	assert_non_null(
		mmap_region(e->s, mm, 0x120000, 0x180000, VM_READ | VM_WRITE | VM_ANON, 0, 0));
	assert_int_equal(mm->nr_vmas, 1);
	assert_int_equal(mm->vmas[0]->start, 0x100000);
	assert_int_equal(mm->vmas[0]->end, 0x200000);
	(void)state;
}

static void test_fault_local_and_free(void **state)
{
	struct env *e = *state;
	struct sim *s = e->s;
	struct task *t = new_task(s, 2, 3); /* CPU 3 is on node 1 */
	uint64_t by[2];

	mmap_region(s, t->mm, 0x400000, 0x500000, VM_READ | VM_WRITE | VM_ANON, 0, 0);
	touch(s, t, 0x400000, 0x100000, true);
	mm_pages_by_node(s, t->mm, by);
	assert_int_equal(by[0], 0);
	assert_int_equal(by[1], 256);
	assert_int_equal(s->mem.nodes[1].stat[NR_ANON_MAPPED], 256);
	assert_int_equal(t->mm->rss, 256);
	/* a read of a page never written maps the zero page */
	struct fault_result res;

	do_munmap(s, t->mm, 0x400000, 0x500000);
	assert_int_equal(s->mem.nodes[1].stat[NR_ANON_MAPPED], 0);
	mmap_region(s, t->mm, 0x400000, 0x401000, VM_READ | VM_WRITE | VM_ANON, 0, 0);
	assert_int_equal(handle_mm_fault(s, t, 0x400000, false, &res), 0);
	assert_true(res.pte & PTE_ZERO);
	assert_int_equal(s->mem.nodes[1].stat[NR_ANON_MAPPED], 0);
	/* no VMA: EFAULT; a read-only VMA refuses writes */
	assert_int_equal(handle_mm_fault(s, t, 0x900000, false, &res), -EFAULT);
	mmap_region(s, t->mm, 0x600000, 0x601000, VM_READ | VM_ANON, 0, 0);
	assert_int_equal(handle_mm_fault(s, t, 0x600000, true, &res), -EACCES);
	struct nerr err;

	assert_int_equal(sim_check(s, &err), 0);
}

struct rmap_seen {
	int n;
	uint32_t mm_ids[4];
};

static bool note_mm(struct sim *s, void *ctx, struct mm_struct *mm, uint64_t vpn)
{
	struct rmap_seen *r = ctx;

	(void)s;
	assert_int_equal(vpn, 0x800000 >> 12);
	r->mm_ids[r->n++] = mm->id;
	return true;
}

static void test_cow_and_rmap(void **state)
{
	struct env *e = *state;
	struct sim *s = e->s;
	struct task *p = new_task(s, 3, 0);

	mmap_region(s, p->mm, 0x800000, 0x802000, VM_READ | VM_WRITE | VM_ANON, 0, 0);
	touch(s, p, 0x800000, 0x2000, true);
	struct task *c = task_create(s, 4, 4, 0, "child");
	bool refused;

	c->mm = dup_mm(s, p->mm, 4, p, &refused);
	task_set_cpu(s, c, 2);
	pfn_t pfn = (pfn_t)pte_val(pgtable_get(&p->mm->pt, 0x800));

	assert_int_equal(s->mem.f.mapcount[pfn], 2);
	/* both ptes lost write permission */
	assert_false(pgtable_get(&p->mm->pt, 0x800) & PTE_WRITE);
	assert_false(pgtable_get(&c->mm->pt, 0x800) & PTE_WRITE);
	struct rmap_seen seen = {0};

	rmap_walk(s, pfn, note_mm, &seen);
	assert_int_equal(seen.n, 2);
	/* the child's write copies the page to its own node */
	touch(s, c, 0x800000, 0x1000, true);
	pfn_t copy = (pfn_t)pte_val(pgtable_get(&c->mm->pt, 0x800));

	assert_int_not_equal(copy, pfn);
	assert_int_equal(pfn_to_nid(&s->mem, copy), 1);
	assert_int_equal(s->mem.f.mapcount[pfn], 1);
	assert_int_equal(s->mem.f.mapcount[copy], 1);
	/* the parent writes again: it alone maps the page, so it reuses it */
	touch(s, p, 0x800000, 0x1000, true);
	assert_int_equal(pte_val(pgtable_get(&p->mm->pt, 0x800)), pfn);
	struct nerr err;

	assert_int_equal(sim_check(s, &err), 0);
}

struct lines {
	int n;
	char text[4][256];
};

static void keep_line(void *ctx, const char *line)
{
	struct lines *l = ctx;

	if (l->n < 4)
		snprintf(l->text[l->n], sizeof(l->text[0]), "%s", line);
	l->n++;
}

static void test_numa_maps_format(void **state)
{
	struct env *e = *state;
	struct sim *s = e->s;
	struct task *t = new_task(s, 5, 0);
	struct lines l = {0};

	mmap_region(s, t->mm, 0xa00000, 0xa10000, VM_READ | VM_WRITE | VM_ANON | VM_HEAP, 0, 0);
	mmap_region(s, t->mm, 0xb00000, 0xb10000, VM_READ | VM_WRITE | VM_ANON, 0, 0);
	touch(s, t, 0xa00000, 0x3000, true);
	task_set_cpu(s, t, 2);
	touch(s, t, 0xa03000, 0x1000, true);
	numa_maps_show(s, t, keep_line, &l);
	assert_int_equal(l.n, 2);
	/* new anonymous pages start inactive: active=0 is shown */
	assert_string_equal(
		l.text[0],
		"00a00000 default heap anon=4 dirty=4 active=0 N0=3 N1=1 kernelpagesize_kB=4");
	/* no resident pages: nothing after the policy */
	assert_string_equal(l.text[1], "00b00000 default");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vma_split_and_munmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_local_and_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cow_and_rmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numa_maps_format, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
