/*
 * page_writeback.c - dirty page accounting, dirty limits, background and
 * foreground writeback (mm/page-writeback.c, fs/fs-writeback.c).
 */
#include "mm/page_writeback.h"

#include "mm/filemap.h"
#include "mm/internal.h"
#include "mm/page_alloc.h"
#include "mm/rmap.h"
#include "sim.h"

/* wb_writeback() writes at most this many pages per pass
 * (MAX_WRITEBACK_PAGES in fs/fs-writeback.c is 1024 pages). */
#define WB_BATCH 1024

static void kupdate_arm(struct sim *s);

void page_mark_dirty(struct sim *s, pfn_t pfn)
{
	struct frames *f = &s->mem.f;

	if (!page_test_file(f, pfn) || page_test_dirty(f, pfn))
		return;
	page_set_dirty(f, pfn);
	/* shmem dirties without accounting (noop_dirty_folio()): its pages
	 * go to swap, not back to a file */
	if (page_test_swapbacked(f, pfn))
		return;
	node_stat_add(&s->mem, pfn, NR_FILE_DIRTY, 1);
	struct file_obj *file = vfs_file(s, f->mapping[pfn]);

	if (!file)
		return;
	if (!file->nr_dirty++) {
		/* __mark_inode_dirty(): the inode's dirtied_when, and the
		 * flusher's delayed wakeup (wb_wakeup_delayed()) */
		file->dirtied_when = sim_now(s);
		kupdate_arm(s);
	}
}

/* Models wb_check_old_data_flush() (kupdate-style writeback): every
 * vm.dirty_writeback_centisecs the flusher writes all dirty pages of the
 * files dirtied at least vm.dirty_expire_centisecs ago, and runs again
 * while any page is dirty. */
static void kupdate_event(void *ctx, uint64_t arg)
{
	struct sim *s = ctx;
	struct vfs *v = s->vfs;
	uint64_t expire = (uint64_t)tun(&s->tun, TUN_DIRTY_EXPIRE_CENTISECS) * 10000000ULL;

	(void)arg;
	v->kupdate_queued = false;
	for (uint32_t id = 1; id < v->nr; id++) {
		struct file_obj *f = v->files[id];

		if (f->nr_dirty && !f->shmem && f->dirtied_when + expire <= sim_now(s))
			write_file_pages(s, f, 0, NULL);
	}
	if (global_dirty_pages(s))
		kupdate_arm(s);
}

static void kupdate_arm(struct sim *s)
{
	uint64_t interval = (uint64_t)tun(&s->tun, TUN_DIRTY_WRITEBACK_CENTISECS) * 10000000ULL;

	if (!interval || s->vfs->kupdate_queued)
		return;
	s->vfs->kupdate_queued = true;
	engine_at(&s->eng, sim_now(s) + interval, kupdate_event, s, 0);
}

/* One page written to the file's device: returns its transfer time and
 * queues it on the device (the flusher paces itself by the queue). */
static uint64_t device_write(struct sim *s, const struct file_obj *f)
{
	uint64_t now = sim_now(s);

	if (f->device < 0 || f->device >= s->topo->nr_devices)
		return 0;
	double mbps = s->topo->devices[f->device].write_MBps;

	if (mbps <= 0)
		return 0;
	uint64_t *busy = &s->vfs->dev_busy_until[f->device];
	uint64_t start = *busy > now ? *busy : now;
	uint64_t t = (uint64_t)((double)s->topo->page_size * 1000.0 / mbps);

	*busy = start + t;
	return t;
}

/* Models folio_clear_dirty_for_io() + the filesystem's writepage. */
uint64_t writeback_file_page(struct sim *s, pfn_t pfn)
{
	struct frames *fr = &s->mem.f;
	struct file_obj *f = vfs_file(s, fr->mapping[pfn]);

	if (!page_test_dirty(fr, pfn) || !f)
		return 0;
	page_clear_dirty(fr, pfn);
	node_stat_add(&s->mem, pfn, NR_FILE_DIRTY, -1);
	f->nr_dirty--;
	s->mem.events[PGPGOUT] += s->topo->page_size / 1024;
	return device_write(s, f);
}

static bool page_writable_now(const struct sim *s, pfn_t pfn)
{
	return page_test_dirty(&s->mem.f, pfn) && !page_test_locked(&s->mem.f, pfn);
}

struct past_end {
	struct sim *s;
	struct file_obj *f;
	uint64_t max, *done, *n;
};

/* A dirty page past the file's size, found by the index walk. */
static bool write_past_end(void *ctx, uint64_t index, pfn_t pfn)
{
	struct past_end *pe = ctx;

	(void)index;
	if (page_writable_now(pe->s, pfn)) {
		*pe->done += writeback_file_page(pe->s, pfn);
		(*pe->n)++;
	}
	return pe->f->nr_dirty && (!pe->max || *pe->n < pe->max);
}

/* Models write_cache_pages() for one file: the dirty pages in index
 * order (the mapping's dirty tags), resuming at wb_cursor, the index
 * after the last page written, and wrapping around once, so that
 * repeated passes over a large file write it front to back. Pages past
 * the file's size (a file declared again smaller) are found by a walk of
 * the cache index from there. */
uint64_t write_file_pages(struct sim *s, struct file_obj *f, uint64_t max, uint64_t *written)
{
	uint64_t done = 0, n = 0, start = f->wb_cursor;
	uint64_t npages = (f->size + s->topo->page_size - 1) >> s->topo->page_shift;

	if (start >= npages)
		start = 0;
	for (uint64_t k = 0; k < npages && f->nr_dirty && (!max || n < max); k++) {
		uint64_t idx = (start + k) % npages;
		pfn_t pfn = page_cache_lookup(f, idx);

		if (pfn == NOPFN || !page_writable_now(s, pfn))
			continue;
		done += writeback_file_page(s, pfn);
		n++;
		f->wb_cursor = idx + 1;
	}
	struct past_end pe = {s, f, max, &done, &n};

	if (f->nr_dirty && (!max || n < max))
		page_cache_walk(f, npages, write_past_end, &pe);
	if (written)
		*written += n;
	return done;
}

uint64_t global_dirty_pages(const struct sim *s)
{
	uint64_t n = 0;

	for (int i = 0; i < s->mem.nr_nodes; i++)
		n += s->mem.nodes[i].stat[NR_FILE_DIRTY];
	return n;
}

/* totalreserve_pages (calculate_totalreserve_pages()): per zone, its
 * largest lowmem_reserve plus its high watermark, at most its size. */
static uint64_t totalreserve_pages(const struct sim *s)
{
	uint64_t reserve = 0;

	for (int n = 0; n < s->mem.nr_nodes; n++) {
		for (int t = 0; t < MAX_NR_ZONES; t++) {
			const struct zone *z = &s->mem.nodes[n].zones[t];
			uint64_t max = 0;

			if (!zone_populated(z))
				continue;
			for (int j = 0; j < MAX_NR_ZONES; j++)
				if (z->lowmem_reserve[j] > max)
					max = z->lowmem_reserve[j];
			max += z->wmark[WMARK_HIGH];
			reserve += max < z->managed_pages ? max : z->managed_pages;
		}
	}
	return reserve;
}

/* Models global_dirtyable_memory(): free pages less the reserves (never
 * below zero), plus the file LRU, plus one so it is never 0. */
static uint64_t global_dirtyable_memory(struct sim *s)
{
	uint64_t free = 0, file = 0, reserve = totalreserve_pages(s);

	for (int n = 0; n < s->mem.nr_nodes; n++) {
		const struct pglist_data *pg = &s->mem.nodes[n];

		free += node_free_pages(pg);
		file += pg->lru[LRU_INACTIVE_FILE].nr + pg->lru[LRU_ACTIVE_FILE].nr;
	}
	free -= free < reserve ? free : reserve;
	return free + file + 1;
}

/* Models domain_dirty_limits(): the ratios are first turned into parts
 * per PAGE_SIZE (ratio * PAGE_SIZE / 100, truncated) for precision, so
 * 20 % of 4 KiB pages is 819/4096 of dirtyable memory. The background
 * threshold is at most half the dirty threshold. */
void global_dirty_limits(struct sim *s, uint64_t *background, uint64_t *thresh)
{
	uint64_t avail = global_dirtyable_memory(s), psz = s->topo->page_size;
	uint64_t ratio = (uint64_t)tun(&s->tun, TUN_DIRTY_RATIO) * psz / 100;
	uint64_t bg_ratio = (uint64_t)tun(&s->tun, TUN_DIRTY_BACKGROUND_RATIO) * psz / 100;
	uint64_t t = ratio * avail / psz, bg = bg_ratio * avail / psz;

	if (bg >= t)
		bg = t / 2;
	*background = bg;
	*thresh = t;
}

/* When every device's queued writes are done. */
static uint64_t f_busy_max(const struct sim *s)
{
	uint64_t t = 0;

	for (int i = 0; i < s->topo->nr_devices; i++)
		if (s->vfs->dev_busy_until[i] > t)
			t = s->vfs->dev_busy_until[i];
	return t;
}

/* Background writeback: one wb_writeback() pass of WB_BATCH pages over
 * the dirty files in turn, then again when its writes are done, while
 * dirty pages stay above the background threshold (wb_over_bg_thresh()). */
static void flusher_event(void *ctx, uint64_t arg)
{
	struct sim *s = ctx;
	struct vfs *v = s->vfs;
	uint64_t bg, thresh, written = 0;

	(void)arg;
	v->flusher_queued = false;
	global_dirty_limits(s, &bg, &thresh);
	if (global_dirty_pages(s) <= bg && !v->wb_start_all)
		return;
	for (uint32_t k = 0; k + 1 < v->nr && written < WB_BATCH; k++) {
		uint32_t id = 1 + (v->wb_file + k) % (v->nr - 1);
		struct file_obj *f = v->files[id];

		if (!f->nr_dirty)
			continue;
		write_file_pages(s, f, WB_BATCH - written, &written);
		v->wb_file = id - 1;
	}
	v->wb_start_all = v->wb_start_all > written ? v->wb_start_all - written : 0;
	if (!written) {
		v->wb_start_all = 0;
		return;
	}
	uint64_t done = f_busy_max(s);

	v->flusher_queued = true;
	engine_at(&s->eng, done > sim_now(s) ? done : sim_now(s) + 1, flusher_event, s, 0);
}

/* Models wakeup_flusher_threads() -> wb_start_writeback() and
 * wb_check_start_all(): nr_pages = the dirty pages at the wakeup. The
 * flusher thread runs its first pass at once (another CPU), so its
 * writes are queued on the devices before the reclaimer looks again,
 * even inside one record; later passes follow as the writes complete. */
void wakeup_flusher_threads(struct sim *s)
{
	uint64_t dirty = global_dirty_pages(s);

	if (dirty > s->vfs->wb_start_all)
		s->vfs->wb_start_all = dirty;
	if (!s->vfs->flusher_queued)
		flusher_event(s, 0);
}

uint64_t device_wait(const struct sim *s, const struct file_obj *f, uint64_t now)
{
	if (f->device < 0 || f->device >= s->topo->nr_devices)
		return 0;
	uint64_t busy = s->vfs->dev_busy_until[f->device];

	return busy > now ? busy - now : 0;
}

void wakeup_flusher(struct sim *s)
{
	if (s->vfs->flusher_queued)
		return;
	s->vfs->flusher_queued = true;
	engine_at(&s->eng, sim_now(s), flusher_event, s, 0);
}

/*
 * Models balance_dirty_pages(). The kernel pauses the writer for the time
 * the device needs to bring dirty pages back under the limit; here the
 * writer writes the excess of its own file and waits for those writes,
 * which costs the same device time.
 */
void balance_dirty_pages(struct sim *s, struct file_obj *f, uint64_t *cost_ns)
{
	uint64_t bg, thresh, dirty = global_dirty_pages(s);

	global_dirty_limits(s, &bg, &thresh);
	if (dirty > bg)
		wakeup_flusher(s);
	if (dirty <= thresh || !f->nr_dirty)
		return;
	uint64_t t = write_file_pages(s, f, dirty - thresh, NULL);

	if (cost_ns)
		*cost_ns += t;
}
