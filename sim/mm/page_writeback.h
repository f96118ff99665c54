/*
 * page_writeback.h - dirty page cache and writeback (mm/page-writeback.c,
 * fs/fs-writeback.c).
 *
 * A page becomes dirty by write(2) or a write through a shared file
 * mapping; it is cleaned by background writeback (the flusher, an
 * engine event woken above vm.dirty_background_ratio), by the writer
 * itself above vm.dirty_ratio (balance_dirty_pages()), by fsync(2), or
 * by node reclaim with RECLAIM_WRITE. Every page written takes device
 * time: each page costs page_size / write_MBps. A task that writes
 * synchronously waits for its own writes; the flusher paces itself by
 * the device's queue (dev_busy_until).
 *
 * Simplification: a page is clean as soon as its write is queued;
 * PG_writeback / NR_WRITEBACK stay 0 (docs/model.md).
 */
#ifndef NUMASIM_MM_PAGE_WRITEBACK_H
#define NUMASIM_MM_PAGE_WRITEBACK_H

#include <stdint.h>

#include "mm/mmzone.h"

struct sim;
struct file_obj;

/* folio_mark_dirty() for a page cache page (no-op when already dirty). */
void page_mark_dirty(struct sim *s, pfn_t pfn);
/* pageout() of a dirty file page: the page is clean, its write queued on
 * the file's device. Returns the write's transfer time (ns). */
uint64_t writeback_file_page(struct sim *s, pfn_t pfn);
/* Writes up to max dirty pages of f (all when max = 0); returns the
 * transfer time of the writes (a synchronous writer waits that long). */
uint64_t write_file_pages(struct sim *s, struct file_obj *f, uint64_t max, uint64_t *written);

/* domain_dirty_limits() for the global domain, in pages. */
void global_dirty_limits(struct sim *s, uint64_t *background, uint64_t *thresh);
uint64_t global_dirty_pages(const struct sim *s);

/* balance_dirty_pages_ratelimited(): after a task dirtied pages. Wakes
 * the flusher above the background threshold; above the dirty threshold
 * the task writes back itself, and *cost_ns gets the wait. */
void balance_dirty_pages(struct sim *s, struct file_obj *f, uint64_t *cost_ns);
/* wb_start_background_writeback(): background writeback now, while
 * dirty pages exceed the background threshold. */
void wakeup_flusher(struct sim *s);
/* wakeup_flusher_threads(WB_REASON_VMSCAN) from reclaim: the flusher
 * writes every page dirty at the wakeup (wb_start_writeback(), start-all),
 * whatever the dirty thresholds. */
void wakeup_flusher_threads(struct sim *s);
/* The time (ns) until the file's device has done every queued write,
 * counted from `now`; 0 without a device. */
uint64_t device_wait(const struct sim *s, const struct file_obj *f, uint64_t now);

#endif
