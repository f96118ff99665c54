/*
 * spread.c - four threads, pinned to CPUs spread over the machine (CPU
 * k * ncpu / 4: on the 4-node ring, one CPU of each node), first-touch
 * their quarters of one anonymous buffer; then the main thread moves to
 * the last CPU of those and touches a second mapping. Under the default
 * policy each quarter lands on the node of its thread's CPU: the replay
 * must put every quarter on the same node as the kernel did.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>

#include "common.h"

#define QUARTER (32 * PAGE)

struct arg {
	char *p;
	int cpu;
};

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		rec_die("pthread_setaffinity_np");
}

static void *worker(void *v)
{
	struct arg *a = v;

	pin(a->cpu);
	rec_touch(a->p, QUARTER);
	return NULL;
}

int main(void)
{
	char *buf = rec_mmap(4 * QUARTER), *own = rec_mmap(16 * PAGE);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct arg a[4];
	pthread_t t[4];

	for (int i = 0; i < 4; i++) {
		a[i] = (struct arg){buf + i * QUARTER, (int)(i * ncpu / 4)};
		if (pthread_create(&t[i], NULL, worker, &a[i]))
			rec_die("pthread_create");
		pthread_join(t[i], NULL); /* one after the other: each its own quarter */
	}
	pin((int)(3 * ncpu / 4));
	rec_touch(own, 12 * PAGE);
	rec_snapshot();
	rec_report(buf);
	rec_report(own);
	return 0;
}
