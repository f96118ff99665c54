/*
 * test_record_log.c - the event log behind `numasim record` and
 * `numasim import` (sim/record/log.c): which faults become touches, how
 * they coalesce, what munmap, mprotect and fork do to the address-space
 * model, and the fault-around window of a read fault in a file mapping
 * (do_fault_around()'s arithmetic, worked by hand below). Expected
 * traces are written out line by line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "record/record.h"

/* Writes the log and returns the records (the three header lines cut). */
static char *written(struct rec_log *g, struct rec_stats *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct nerr err;

	assert_non_null(f);
	assert_int_equal(rec_log_write(g, f, "t", NULL, st, &err), 0);
	fclose(f);
	char *body = strstr(buf, "# name: t\n");

	assert_non_null(body);
	memmove(buf, body + 10, strlen(body + 10) + 1);
	return buf;
}

/* Consecutive pages of one task on one CPU are one range; another CPU is
 * a `run` first; a second fault on a page is no touch; after munmap a
 * fault there is dropped, after a new mmap it is a touch again. */
static void test_coalesce_cpu_unmap(void **state)
{
	struct rec_log *g = rec_log_new(4096);
	struct rec_stats st;

	rec_spawn(g, 100, 1, 1, 0, NULL);
	rec_map(g, 200, 1, 0x10000000, 65536, RM_WRITE, NULL, 0);
	rec_fault(g, 300, 1, 0, 0x10000000);
	rec_fault(g, 301, 1, 0, 0x10001010);
	rec_fault(g, 302, 1, 0, 0x10002fff);
	rec_fault(g, 303, 1, 1, 0x10003000);
	rec_fault(g, 304, 1, 1, 0x10002000); /* seen: not a touch */
	rec_fault(g, 305, 1, 1, 0x1000a000);
	rec_unmap(g, 400, 1, 0x10000000, 8192);
	rec_fault(g, 500, 1, 1, 0x10000000); /* unmapped: dropped */
	rec_map(g, 600, 1, 0x10000000, 8192, RM_WRITE, NULL, 0);
	rec_fault(g, 700, 1, 1, 0x10000000);
	char *out = written(g, &st);

	assert_string_equal(out, "+0 spawn pid=1 cpu=0\n"
				 "+100 mmap pid=1 addr=0x10000000 len=64KiB\n"
				 "+100 touch pid=1 addr=0x10000000 len=12KiB\n"
				 "+3 run pid=1 cpu=1\n"
				 "+0 touch pid=1 addr=0x10003000 len=4KiB\n"
				 "+2 touch pid=1 addr=0x1000a000 len=4KiB\n"
				 "+95 munmap pid=1 addr=0x10000000 len=8KiB\n"
				 "+200 mmap pid=1 addr=0x10000000 len=8KiB\n"
				 "+100 touch pid=1 addr=0x10000000 len=4KiB\n");
	assert_int_equal(st.faults, 8);
	assert_int_equal(st.touches, 6);
	assert_int_equal(st.touch_records, 4);
	assert_int_equal(st.unmapped, 1);
	free(out);
	rec_log_free(g);
	(void)state;
}

/*
 * A file mapping starting at page-table index 95 (0x5f), 64 pages, read
 * faults at its pages 0, 16 and 17. do_fault_around() with 16 pages:
 *   page 0:  pte 95,  from = max(ALIGN_DOWN(95, 16) = 80, 95 - min(95, 0)) = 95,
 *            to = min(95 + 16, 512, 95 + 64 - 0) = 111: ptes 95..110 = pages 0..15;
 *   page 16: pte 111, from = max(96, 111 - 16) = 96: ptes 96..111 = pages 1..16, new: 16;
 *   page 17: pte 112, from = max(112, 95) = 112, to = 128: pages 17..32.
 * Pages 0..32 touched: 33 pages, 132 KiB, one read range. A second file
 * of 5000 bytes (2 pages) mapped 64 KiB: the window stops at its end.
 */
static void test_fault_around(void **state)
{
	struct rec_log *g = rec_log_new(4096);
	uint64_t a = 0x7f0000000000ull + 95 * 4096, b = 0x7f0000100000ull;
	struct rec_stats st;

	rec_spawn(g, 0, 1, 1, 0, NULL);
	rec_file(g, 1, 1, "f", 262144);
	rec_map(g, 2, 1, a, 262144, 0, "f", 0);
	rec_fault(g, 10, 1, 0, a);
	rec_fault(g, 11, 1, 0, a + 16 * 4096);
	rec_fault(g, 12, 1, 0, a + 17 * 4096);
	rec_file(g, 20, 1, "g", 5000);
	rec_map(g, 21, 1, b, 65536, 0, "g", 0);
	rec_fault(g, 30, 1, 0, b);
	char *out = written(g, &st);

	assert_string_equal(out,
			    "+0 spawn pid=1 cpu=0\n"
			    "+1 file name=f size=262144\n"
			    "+1 mmap pid=1 addr=0x7f000005f000 len=256KiB file=f offset=0 read\n"
			    "+8 touch pid=1 addr=0x7f000005f000 len=132KiB read\n"
			    "+10 file name=g size=5000\n"
			    "+1 mmap pid=1 addr=0x7f0000100000 len=64KiB file=g offset=0 read\n"
			    "+9 touch pid=1 addr=0x7f0000100000 len=8KiB read\n");
	assert_int_equal(st.touches, 35);
	free(out);
	rec_log_free(g);
	/* without fault-around (record reads pagemap instead) each fault is a page */
	g = rec_log_new(4096);
	rec_log_fault_around(g, false);
	rec_spawn(g, 0, 1, 1, 0, NULL);
	rec_file(g, 1, 1, "f", 262144);
	rec_map(g, 2, 1, a, 262144, 0, "f", 0);
	rec_fault(g, 10, 1, 0, a);
	rec_fault(g, 11, 1, 0, a + 16 * 4096);
	out = written(g, &st);
	assert_int_equal(st.touches, 2);
	free(out);
	rec_log_free(g);
	(void)state;
}

/* PROT_NONE then mprotect(PROT_WRITE) of a part without pages: that part
 * is mapped again, writable, and its touches are writes; a fork child
 * has a copy of the mappings; a thread shares them. */
static void test_protect_fork_thread(void **state)
{
	struct rec_log *g = rec_log_new(4096);
	struct rec_stats st;

	rec_spawn(g, 0, 1, 1, 0, NULL);
	rec_map(g, 1, 1, 0x20000000, 16384, 0, NULL, 0);
	rec_protect(g, 2, 1, 0x20001000, 8192, true);
	rec_fault(g, 3, 1, 0, 0x20001000);
	rec_fork(g, 4, 1, 2, 2, 0, false);
	rec_fault(g, 5, 2, 0, 0x20002000);
	rec_fork(g, 6, 1, 3, 0, 0, true);
	rec_fault(g, 7, 3, 0, 0x20002000); /* the thread shares pid 1's mm: a first touch there */
	rec_fault(g, 8, 3, 0, 0x20001000); /* seen by pid 1 */
	char *out = written(g, &st);

	assert_string_equal(out, "+0 spawn pid=1 cpu=0\n"
				 "+1 mmap pid=1 addr=0x20000000 len=16KiB read\n"
				 "+1 mmap pid=1 addr=0x20001000 len=8KiB\n"
				 "+1 touch pid=1 addr=0x20001000 len=4KiB\n"
				 "+1 fork pid=1 child=2 cpu=0\n"
				 "+1 touch pid=2 addr=0x20002000 len=4KiB\n"
				 "+1 thread pid=1 tid=3 cpu=0\n"
				 "+1 touch pid=3 addr=0x20002000 len=4KiB\n");
	free(out);
	rec_log_free(g);
	(void)state;
}

/* Words and lists as the trace takes them. */
static void test_words_lists(void **state)
{
	char w[32];
	uint64_t bits[2] = {0x4f, 1}; /* 0-3, 6, 64 */

	rec_word(w, sizeof(w), "/a b#c\td");
	assert_string_equal(w, "/a_b_c_d");
	rec_word(w, sizeof(w), "");
	assert_string_equal(w, "_");
	/* '$' would start a trace parameter ${NAME} (found by fuzz_import) */
	rec_word(w, sizeof(w), "a$b${X}");
	assert_string_equal(w, "a_b_{X}");
	rec_list(w, sizeof(w), bits, 128);
	assert_string_equal(w, "0-3,6,64");
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coalesce_cpu_unmap),
		cmocka_unit_test(test_fault_around),
		cmocka_unit_test(test_protect_fork_thread),
		cmocka_unit_test(test_words_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
