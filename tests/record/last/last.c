/*
 * last.c - every task's last calls are ones whose records come from the
 * perf events (docs/recording.md, "System calls"; "First touches"): a
 * thread, a forked child and then the main task each, as the last thing
 * they do, map 4 anonymous pages (mmap: sys_enter_mmap and sys_exit_mmap
 * with tracepoints), print `LAST <tid> <addr>`, write the first 3 pages
 * (page-fault samples), make page 3 read-only (mprotect) and read it (a
 * fault of a read-only page: a `read` touch), drop page 1 (madvise
 * MADV_DONTNEED) and unmap all 4 (munmap), and end. The main task does so
 * after the thread and the child have ended; a second child waits for the
 * main task's end (the end of a pipe the main task holds) and does so
 * then, so its records are the trace's last and come after the traced
 * program's own end. last.py checks that they are all there.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096ul

static void die(const char *what)
{
	printf("FAIL %s\n", what);
	fflush(stdout);
	_exit(1);
}

static void last_calls(void)
{
	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	printf("LAST %ld %p\n", (long)syscall(SYS_gettid), (void *)p);
	fflush(stdout);
	for (int i = 0; i < 3; i++)
		p[i * PAGE] = 1;
	if (mprotect(p + 3 * PAGE, PAGE, PROT_READ))
		die("mprotect");
	if (*(volatile char *)(p + 3 * PAGE))
		die("page 3 is not zero");
	if (madvise(p + PAGE, PAGE, MADV_DONTNEED))
		die("madvise");
	if (munmap(p, 4 * PAGE))
		die("munmap");
}

static void *thread_main(void *arg)
{
	(void)arg;
	last_calls();
	return NULL;
}

int main(void)
{
	pthread_t t;
	pid_t c;
	int status, p[2];
	char ch;

	if (pthread_create(&t, NULL, thread_main, NULL) || pthread_join(t, NULL))
		die("thread");
	if ((c = fork()) < 0)
		die("fork");
	if (!c) {
		last_calls();
		_exit(0);
	}
	if (waitpid(c, &status, 0) != c || !WIFEXITED(status) || WEXITSTATUS(status))
		die("child");
	if (pipe(p) || (c = fork()) < 0)
		die("pipe and fork");
	if (!c) { /* the last one: after the main task's end */
		close(p[1]);
		if (read(p[0], &ch, 1) != 0)
			die("the main task's pipe");
		last_calls();
		_exit(0);
	}
	last_calls();
	return 0;
}
