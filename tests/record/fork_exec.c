/*
 * fork_exec.c - the parent touches a buffer and forks; the child writes
 * to part of the inherited buffer (copy-on-write), then execs this
 * program again as "child", which maps and touches its own buffer and
 * reports it. The parent waits and reports its buffer.
 */
#include <sys/wait.h>

#include "common.h"

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child")) {
		char *b = rec_mmap(24 * PAGE);

		rec_touch(b, 20 * PAGE);
		rec_snapshot();
		rec_report(b);
		return 0;
	}
	char *buf = rec_mmap(32 * PAGE);

	rec_touch(buf, 32 * PAGE);
	pid_t pid = fork();

	if (pid < 0)
		rec_die("fork");
	if (!pid) {
		rec_touch(buf, 4 * PAGE); /* copy-on-write in the child */
		execl("/proc/self/exe", argv[0], "child", (char *)NULL);
		rec_die("exec");
	}
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		rec_die("child");
	rec_snapshot();
	rec_report(buf);
	return 0;
}
