/*
 * filemap.c - files and the page cache (mm/filemap.c, mm/shmem.c).
 *
 * This file holds the cache structure, the fault entry point and
 * read(2)/write(2)/fsync(2)/drop_caches; dirty limits and writeback
 * timing live in page_writeback.c.
 */
#include "mm/filemap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/internal.h"
#include "mm/mempolicy.h"
#include "mm/overcommit.h"
#include "mm/page_writeback.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/vmscan.h"
#include "sim.h"
#include "task/mmap.h"
#include "task/task.h"

int vfs_init(struct sim *s)
{
	s->vfs = sim_calloc(s, 1, sizeof(*s->vfs));
	if (!s->vfs)
		return -1;
	s->vfs->dev_busy_until = sim_calloc(s, (size_t)s->topo->nr_devices + 1, sizeof(uint64_t));
	return s->vfs->dev_busy_until ? 0 : -1;
}

static void page_cache_free(struct page_cache *c)
{
	size_t pos = 0;
	uint64_t key, val;

	while (hashmap_next(&c->runs, &pos, &key, &val))
		free((struct pc_run *)(uintptr_t)val);
	hashmap_free(&c->runs);
	memset(c, 0, sizeof(*c));
}

void vfs_free(struct sim *s)
{
	if (!s->vfs)
		return;
	for (uint32_t i = 1; i < s->vfs->nr; i++) {
		struct file_obj *f = s->vfs->files[i];

		page_cache_free(&f->cache);
		free(f->mappers);
		free(f->mapper_vmas);
		free(f->name);
		free(f);
	}
	free(s->vfs->files);
	hashmap_free(&s->vfs->names);
	free(s->vfs->dev_busy_until);
	free(s->vfs);
	s->vfs = NULL;
}

static struct file_obj *vfs_add(struct sim *s, const char *name, uint64_t size, int device)
{
	struct vfs *v = s->vfs;

	if (v->nr == v->cap) {
		uint32_t cap = v->cap ? v->cap * 2 : 16;
		struct file_obj **n = sim_realloc(s, v->files, cap * sizeof(*n));

		if (!n)
			return NULL;
		v->files = n;
		v->cap = cap;
		if (v->nr == 0)
			v->files[v->nr++] = NULL; /* id 0 means none */
	}
	struct file_obj *f = sim_calloc(s, 1, sizeof(*f));

	if (!f || !(f->name = sim_strdup(s, name))) {
		free(f);
		return NULL;
	}
	f->cache.oom = &s->host_oom;
	f->id = v->nr;
	f->size = size;
	f->device = device;
	v->files[v->nr++] = f;
	return f;
}

/* Declared (non-shmem) files are indexed by name hash; files sharing a
 * hash are chained through name_next, so a lookup costs one probe and a
 * strcmp whatever the number of files. */
struct file_obj *vfs_lookup(struct sim *s, const char *name)
{
	uint64_t id;

	if (!hashmap_get(&s->vfs->names, hashmap_str(name), &id))
		return NULL;
	for (struct file_obj *f = vfs_file(s, (uint32_t)id); f; f = vfs_file(s, f->name_next))
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

struct file_obj *vfs_create(struct sim *s, const char *name, uint64_t size, int device)
{
	struct file_obj *f = vfs_lookup(s, name);

	if (f) {
		f->size = size;
		f->device = device;
		return f;
	}
	uint64_t h = hashmap_str(name), head = 0;
	bool chained = hashmap_get(&s->vfs->names, h, &head);

	/* reserve the index slot first so that a failure leaves no file behind */
	if (!chained && hashmap_put(&s->vfs->names, h, 0))
		return NULL;
	f = vfs_add(s, name, size, device);
	if (!f) {
		if (!chained)
			hashmap_del(&s->vfs->names, h);
		return NULL;
	}
	f->name_next = (uint32_t)head;
	hashmap_put(&s->vfs->names, h, f->id); /* key present: cannot fail */
	return f;
}

struct file_obj *vfs_file(struct sim *s, uint32_t id)
{
	return (s->vfs && id && id < s->vfs->nr) ? s->vfs->files[id] : NULL;
}

/*
 * Models shmem_acct_size() as __shmem_file_setup() calls it: a shmem
 * object without VM_NORESERVE commits its whole size when it is created,
 * not as its pages are touched, and keeps the charge until it dies. The
 * VMA mapping it is not VM_ACCOUNT, so fork does not charge it again.
 */
struct file_obj *shmem_create(struct sim *s, uint64_t size, bool account,
			      const struct mm_struct *mm, const struct task *t, int *rc)
{
	uint64_t pages = account ? (size + s->topo->page_size - 1) >> s->topo->page_shift : 0;

	*rc = account ? vm_enough_memory_task(s, mm, pages, t) : 0;
	if (*rc)
		return NULL;
	/* numa_maps shows a shared anonymous mapping as its shmem file. */
	struct file_obj *f = vfs_add(s, "/dev/zero (deleted)", size, -1);

	if (!f) {
		vm_unacct_memory(s, pages);
		*rc = -ENOMEM;
		return NULL;
	}
	f->shmem = true;
	f->acct_pages = pages;
	return f;
}

void shmem_unacct_size(struct sim *s, struct file_obj *f)
{
	vm_unacct_memory(s, f->acct_pages);
	f->acct_pages = 0;
}

/* ---- the page cache index ------------------------------------------------ */

static struct pc_run *pc_run(struct page_cache *c, uint64_t key)
{
	if (c->last_key == key + 1)
		return c->last;
	uint64_t *v = hashmap_lookup(&c->runs, key);

	if (!v)
		return NULL;
	c->last = (struct pc_run *)(uintptr_t)*v;
	c->last_key = key + 1;
	return c->last;
}

pfn_t page_cache_lookup(struct file_obj *f, uint64_t index)
{
	struct pc_run *r = pc_run(&f->cache, index >> PC_RUN_BITS);

	return r ? r->pfn[index & (PC_RUN_PAGES - 1)] : NOPFN;
}

int page_cache_insert(struct file_obj *f, uint64_t index, pfn_t pfn)
{
	struct page_cache *c = &f->cache;
	uint64_t key = index >> PC_RUN_BITS;
	struct pc_run *r = pc_run(c, key);

	if (!r) {
		r = host_malloc(c->oom, sizeof(*r));
		if (!r)
			return -1;
		c->runs.oom = c->oom;
		if (hashmap_put(&c->runs, key, (uintptr_t)r)) {
			free(r);
			return -1;
		}
		r->nr = 0;
		r->shadow = 0;
		memset(r->pfn, 0xff, sizeof(r->pfn)); /* every slot NOPFN */
		c->last = r;
		c->last_key = key + 1;
	}
	pfn_t *slot = &r->pfn[index & (PC_RUN_PAGES - 1)];

	if (*slot == NOPFN) {
		r->nr++;
		c->nr++;
	}
	*slot = pfn;
	/* a refault replaces the slot's shadow (workingset_refault()) */
	r->shadow &= ~(1ull << (index & (PC_RUN_PAGES - 1)));
	return 0;
}

static void pc_run_free(struct page_cache *c, uint64_t key, struct pc_run *r)
{
	hashmap_del(&c->runs, key);
	free(r);
	c->last = NULL;
	c->last_key = 0;
}

/* Models page_cache_delete(): the page at index leaves the cache; with
 * shadow, a shadow entry takes its slot (__remove_mapping() with
 * workingset_eviction()). */
static void page_cache_delete(struct file_obj *f, uint64_t index, bool shadow)
{
	struct page_cache *c = &f->cache;
	uint64_t key = index >> PC_RUN_BITS;
	struct pc_run *r = pc_run(c, key);

	if (!r || r->pfn[index & (PC_RUN_PAGES - 1)] == NOPFN)
		return;
	r->pfn[index & (PC_RUN_PAGES - 1)] = NOPFN;
	c->nr--;
	if (shadow)
		r->shadow |= 1ull << (index & (PC_RUN_PAGES - 1));
	if (--r->nr || r->shadow)
		return;
	pc_run_free(c, key, r);
}

void page_cache_remove(struct file_obj *f, uint64_t index)
{
	page_cache_delete(f, index, false);
}

/* Models clear_shadow_entry() over the whole file, as
 * invalidate_mapping_pages() and truncation clear them: runs left with
 * no page go. */
static void page_cache_clear_shadows(struct file_obj *f)
{
	struct page_cache *c = &f->cache;
	size_t pos = 0, n = 0;
	uint64_t key, val, *keys;

	if (!c->runs.nr)
		return;
	keys = host_malloc(c->oom, c->runs.nr * sizeof(*keys));
	if (!keys)
		return;
	while (hashmap_next(&c->runs, &pos, &key, &val)) {
		struct pc_run *r = (struct pc_run *)(uintptr_t)val;

		r->shadow = 0;
		if (!r->nr)
			keys[n++] = key;
	}
	for (size_t i = 0; i < n; i++)
		pc_run_free(c, keys[i], pc_run(c, keys[i]));
	free(keys);
}

/*
 * Models the nodes xas_create() builds (lib/xarray.c, radix_tree_node)
 * for the file's entries: one leaf a run holding an entry (a page or a
 * shadow), and above them the inner nodes of a tree 64 wide, taken as
 * dense (ceil(leaves / 64) a level, up to one root). A file whose only
 * entry is at index 0 keeps it in the xarray's head and needs no node.
 */
static uint64_t xa_nodes_needed(struct page_cache *c)
{
	uint64_t leaves = c->runs.nr, n = leaves;

	if (leaves == 1) {
		struct pc_run *r = pc_run(c, 0);

		if (r && r->nr + (uint32_t)__builtin_popcountll(r->shadow) == 1 &&
		    (r->pfn[0] != NOPFN || (r->shadow & 1)))
			return 0;
	}
	while (leaves > 1) {
		leaves = (leaves + PC_RUN_PAGES - 1) / PC_RUN_PAGES;
		n += leaves;
	}
	return n;
}

/* Charges the file's xarray nodes to the slab as they now stand
 * (sim.page_cache_slab): -errno when a new slab page cannot be had. */
static int xa_update(struct sim *s, struct task *t, struct file_obj *f)
{
	uint64_t want;
	int rc = 0;

	if (!tun(&s->tun, TUN_SIM_PAGE_CACHE_SLAB) && !f->cache.xa_nodes)
		return 0;
	want = xa_nodes_needed(&f->cache);
	if (want != f->cache.xa_nodes) {
		rc = slab_xa_nodes(s, t, (int64_t)want - (int64_t)f->cache.xa_nodes);
		if (!rc)
			f->cache.xa_nodes = want;
	}
	return rc;
}

static int key_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int page_cache_walk(struct file_obj *f, uint64_t from, page_cache_fn fn, void *ctx)
{
	struct page_cache *c = &f->cache;
	size_t n = 0, pos = 0;
	uint64_t key, val, *keys;

	if (!c->nr)
		return 0;
	keys = host_malloc(c->oom, c->runs.nr * sizeof(*keys));
	if (!keys)
		return -1;
	while (hashmap_next(&c->runs, &pos, &key, &val))
		if (key >= from >> PC_RUN_BITS)
			keys[n++] = key;
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (size_t k = 0; k < n; k++) {
		for (unsigned i = 0; i < PC_RUN_PAGES; i++) {
			/* looked up again each time: fn may have freed the run */
			struct pc_run *r = pc_run(c, keys[k]);
			uint64_t index = (keys[k] << PC_RUN_BITS) | i;

			if (!r)
				break;
			if (r->pfn[i] == NOPFN || index < from)
				continue;
			if (!fn(ctx, index, r->pfn[i])) {
				free(keys);
				return 0;
			}
		}
	}
	free(keys);
	return 0;
}

/* ---- pages in and out of the cache ---------------------------------------- */

/* Time to read one page from the file's device (0 without a device). */
static uint64_t read_cost_ns(struct sim *s, const struct file_obj *f)
{
	if (f->device < 0 || f->device >= s->topo->nr_devices)
		return 0;
	double mbps = s->topo->devices[f->device].read_MBps;

	if (mbps <= 0)
		return 0;
	return (uint64_t)((double)s->topo->page_size * 1000.0 / mbps); /* bytes/(MB/s) in ns */
}

/* Models filemap_get_folio() + filemap_add_folio(), reading the page
 * from the device (read = true) as filemap_read_folio() does. */
static pfn_t page_cache_get(struct sim *s, struct task *t, struct file_obj *f, uint64_t index,
			    struct vm_area_struct *vma, bool read, uint64_t *cost_ns)
{
	pfn_t pfn = page_cache_lookup(f, index);

	if (pfn != NOPFN) {
		/* filemap_read() marks the folio accessed; a fault does not
		 * (filemap_fault(), shmem_fault(): the pte's young bit
		 * stands for the access until reclaim or zap looks at it). */
		if (!vma)
			mark_page_accessed(s, pfn);
		return pfn;
	}
	uint64_t stall = 0;

	/* filemap_alloc_folio(): the task's policy applies to page cache
	 * (cpuset spreading is handled inside alloc_user_pages). */
	pfn = alloc_user_pages(s, t, f->shmem ? vma : NULL, index, GFP_HIGHUSER_MOVABLE, 0, &stall);
	if (cost_ns)
		*cost_ns += stall;
	if (pfn == NOPFN)
		return NOPFN;
	if (page_cache_insert(f, index, pfn)) {
		__free_pages(s, pfn, 0);
		return NOPFN;
	}
	if (xa_update(s, t, f)) {
		/* no slab page for the node: __filemap_add_folio() fails */
		page_cache_remove(f, index);
		xa_update(s, t, f);
		__free_pages(s, pfn, 0);
		return NOPFN;
	}
	page_init_file(&s->mem.f, pfn, f->shmem);
	s->mem.f.mapping[pfn] = f->id;
	s->mem.f.index[pfn] = (uint32_t)index;
	node_stat_add(&s->mem, pfn, NR_FILE_PAGES, 1);
	if (f->shmem)
		node_stat_add(&s->mem, pfn, NR_SHMEM, 1);
	lru_add(s, pfn);
	if (!f->shmem && read && cost_ns) {
		*cost_ns += read_cost_ns(s, f);
		s->mem.events[PGPGIN] += s->topo->page_size / 1024;
	}
	return pfn;
}

pfn_t filemap_get_page(struct sim *s, struct task *t, struct file_obj *f, uint64_t index,
		       struct vm_area_struct *vma, uint64_t *cost_ns)
{
	return page_cache_get(s, t, f, index, vma, true, cost_ns);
}

pfn_t filemap_get_page_write(struct sim *s, struct task *t, struct file_obj *f, uint64_t index,
			     uint64_t *cost_ns)
{
	return page_cache_get(s, t, f, index, NULL, false, cost_ns);
}

static void remove_page(struct sim *s, pfn_t pfn, bool reclaimed)
{
	struct frames *fr = &s->mem.f;
	struct file_obj *f = vfs_file(s, fr->mapping[pfn]);

	if (page_test_lru(fr, pfn))
		lru_del(s, pfn);
	if (f) {
		/* reclaim leaves a shadow in a regular file's slot; shmem's
		 * pages leave by swap, which numasim keeps elsewhere */
		page_cache_delete(f, fr->index[pfn],
				  reclaimed && !f->shmem && tun(&s->tun, TUN_SIM_PAGE_CACHE_SLAB));
		xa_update(s, NULL, f);
	}
	node_stat_add(&s->mem, pfn, NR_FILE_PAGES, -1);
	if (f && f->shmem)
		node_stat_add(&s->mem, pfn, NR_SHMEM, -1);
	page_reset_flags(fr, pfn);
	fr->mapping[pfn] = 0;
	fr->index[pfn] = 0;
	__free_pages(s, pfn, 0);
}

void filemap_remove_page(struct sim *s, pfn_t pfn)
{
	remove_page(s, pfn, false);
}

void filemap_evict_page(struct sim *s, pfn_t pfn)
{
	remove_page(s, pfn, true);
}

void file_add_mapper(struct file_obj *f, struct vm_area_struct *vma)
{
	if (f->nr_mappers == f->cap_mappers) {
		int cap = f->cap_mappers ? f->cap_mappers * 2 : 4;
		struct mm_struct **m =
			host_realloc(f->cache.oom, f->mappers, (size_t)cap * sizeof(*m));

		if (!m)
			return;
		f->mappers = m;
		struct vm_area_struct **v =
			host_realloc(f->cache.oom, f->mapper_vmas, (size_t)cap * sizeof(*v));

		if (!v)
			return;
		f->mapper_vmas = v;
		f->cap_mappers = cap;
	}
	f->mappers[f->nr_mappers] = vma->mm;
	f->mapper_vmas[f->nr_mappers++] = vma;
}

void file_remove_mapper(struct file_obj *f, struct vm_area_struct *vma)
{
	for (int i = 0; i < f->nr_mappers; i++) {
		if (f->mapper_vmas[i] == vma) {
			f->nr_mappers--;
			f->mappers[i] = f->mappers[f->nr_mappers];
			f->mapper_vmas[i] = f->mapper_vmas[f->nr_mappers];
			return;
		}
	}
}

static bool truncate_one(void *ctx, uint64_t index, pfn_t pfn)
{
	struct sim *s = ctx;

	(void)index;
	if (s->mem.f.mapcount[pfn] == 0 && !page_test_isolated(&s->mem.f, pfn) &&
	    !page_test_locked(&s->mem.f, pfn))
		filemap_remove_page(s, pfn);
	return true;
}

/* Models shmem_truncate_range() over the whole object: the unmapped,
 * unlocked pages go, in index order. */
void shmem_truncate(struct sim *s, struct file_obj *f)
{
	page_cache_walk(f, 0, truncate_one, s);
	slab_xa_trim(s);
}

/* Pages [first, last) of a byte range within the file. */
static void page_span(const struct sim *s, uint64_t off, uint64_t len, uint64_t *first,
		      uint64_t *last)
{
	*first = off >> s->topo->page_shift;
	*last = (off + len + s->topo->page_size - 1) >> s->topo->page_shift;
}

/* The allocation failed: the OOM killer may have chosen the caller. */
static long io_failed(const struct task *t, uint64_t done)
{
	if (t && t->state != TASK_RUNNING)
		return -EINTR; /* the task is gone; nobody sees the result */
	return done ? (long)done : -ENOMEM;
}

/* Models filemap_read(): each page is looked up, read in if missing, and
 * marked accessed once per call (a second read(2) activates it). */
long vfs_read(struct sim *s, struct task *t, struct file_obj *f, uint64_t off, uint64_t len,
	      uint64_t *cost_ns)
{
	uint64_t first, last;

	if (off >= f->size)
		return 0;
	if (len > f->size - off)
		len = f->size - off;
	page_span(s, off, len, &first, &last);
	for (uint64_t i = first; i < last; i++) {
		if (filemap_get_page(s, t, f, i, NULL, cost_ns) == NOPFN)
			return io_failed(t, (i - first) << s->topo->page_shift);
		if (cost_ns)
			*cost_ns += kswapd_catch_up(s, sim_now(s) + *cost_ns);
	}
	return (long)len;
}

/* Models generic_perform_write(): each page is found or added (whole
 * pages are assumed, so nothing is read), dirtied, and the writer is
 * throttled by balance_dirty_pages_ratelimited() as it goes. */
long vfs_write(struct sim *s, struct task *t, struct file_obj *f, uint64_t off, uint64_t len,
	       uint64_t *cost_ns)
{
	uint64_t first, last;

	page_span(s, off, len, &first, &last);
	for (uint64_t i = first; i < last; i++) {
		pfn_t pfn = filemap_get_page_write(s, t, f, i, cost_ns);

		if (pfn == NOPFN)
			return io_failed(t, (i - first) << s->topo->page_shift);
		page_mark_dirty(s, pfn);
		if (off + len > f->size)
			f->size = off + len;
		if ((i - first) % 32 == 31 || i + 1 == last)
			balance_dirty_pages(s, f, cost_ns);
		if (cost_ns)
			*cost_ns += kswapd_catch_up(s, sim_now(s) + *cost_ns);
	}
	return (long)len;
}

/* Models vfs_fsync_range() -> file_write_and_wait_range(): every dirty
 * page is written (no page of the file stays dirty) and the caller waits
 * until the device has done the writes, its own and those the flusher
 * queued before them (filemap_fdatawait_range() waits on pages under
 * writeback too). */
long vfs_fsync(struct sim *s, struct task *t, struct file_obj *f, uint64_t *cost_ns)
{
	uint64_t t_io = write_file_pages(s, f, 0, NULL);
	uint64_t now = sim_now(s) + (cost_ns ? *cost_ns : 0);
	uint64_t wait = device_wait(s, f, now);

	(void)t;
	if (cost_ns)
		*cost_ns += wait > t_io ? wait : t_io;
	return 0;
}

static bool invalidate_one(void *ctx, uint64_t index, pfn_t pfn)
{
	struct sim *s = ctx;
	/* one mask of the four states that keep a page in the cache */
	uint32_t busy = s->mem.f.flags[pfn] & (PG_dirty | PG_writeback | PG_locked | PG_isolated);

	(void)index;
	if (!s->mem.f.mapcount[pfn] && !busy)
		filemap_remove_page(s, pfn);
	return true;
}

/* Models drop_pagecache_sb() -> invalidate_mapping_pages(): clean,
 * unmapped, unlocked page cache goes; dirty or mapped pages stay. */
long drop_caches(struct sim *s)
{
	for (uint32_t id = 1; id < s->vfs->nr; id++) {
		struct file_obj *f = s->vfs->files[id];

		if (f->shmem)
			continue;
		page_cache_walk(f, 0, invalidate_one, s);
		/* shadows exist only where the setting made them */
		if (tun(&s->tun, TUN_SIM_PAGE_CACHE_SLAB) || f->cache.xa_nodes) {
			page_cache_clear_shadows(f);
			xa_update(s, NULL, f);
		}
	}
	slab_xa_trim(s);
	return 0;
}
