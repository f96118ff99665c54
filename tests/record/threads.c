/*
 * threads.c - two threads, each pinned to its own CPU with
 * pthread_setaffinity_np() (sched_setaffinity), first-touch their halves
 * of one anonymous buffer; the main thread touches a third mapping. With
 * one CPU the second thread shares CPU 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>

#include "common.h"

#define HALF (64 * PAGE)

struct arg {
	char *p;
	int cpu;
};

static void *worker(void *v)
{
	struct arg *a = v;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(a->cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		rec_die("pthread_setaffinity_np");
	rec_touch(a->p, HALF);
	return NULL;
}

int main(void)
{
	char *buf = rec_mmap(2 * HALF), *own = rec_mmap(16 * PAGE);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct arg a[2] = {{buf, 0}, {buf + HALF, ncpu > 1 ? 1 : 0}};
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, worker, &a[i]))
			rec_die("pthread_create");
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	rec_touch(own, 10 * PAGE);
	rec_snapshot();
	rec_report(buf);
	rec_report(own);
	return 0;
}
