/*
 * accesses.c - a known access pattern for `numasim record --accesses`
 * (tests/record/accesses.sh): 64 pages written once (first touches);
 * three intervals of sleep; madvise(MADV_WILLNEED) on the mapping as a
 * marker in the trace (it does nothing to present anonymous pages); then
 * for 30 intervals pages 0-3, 10 and 20-23 are written and pages 40-47
 * read, every millisecond, and no other page of the mapping is used.
 * argv[2] is the interval in ms (default 10). Also a plain record test
 * (run.sh): its numa_maps line.
 */
#include <time.h>

#include "common.h"

static const int hot_write[] = {0, 1, 2, 3, 10, 20, 21, 22, 23};

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, ms % 1000 * 1000000};

	while (nanosleep(&ts, &ts))
		;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	long interval = argc > 2 ? atol(argv[2]) : 10;
	char *m = rec_mmap(64 * PAGE);
	volatile char *v = m;
	unsigned sum = 0;

	if (interval <= 0)
		rec_die("usage: accesses DIR [INTERVAL_MS]");
	rec_touch(m, 64 * PAGE);
	sleep_ms(3 * interval);
	if (madvise(m, 64 * PAGE, MADV_WILLNEED))
		rec_die("madvise willneed");
	for (long end = now_ms() + 30 * interval; now_ms() < end;) {
		for (size_t i = 0; i < sizeof(hot_write) / sizeof(hot_write[0]); i++)
			v[hot_write[i] * PAGE + 8]++;
		for (int p = 40; p < 48; p++)
			sum += (unsigned)v[p * PAGE + 16];
		sleep_ms(1);
	}
	if (sum) /* the read pages hold zeros after the first touch's 1 at offset 0 */
		rec_die("read a byte that was never written");
	rec_snapshot();
	rec_report(m);
	return 0;
}
