/*
 * pipe.c - the other syscall-heavy program of `scripts/bench record`:
 * each iteration writes 64 bytes into a pipe and reads them back. read
 * and write are among the calls the recorder stops at (they may be of
 * regular files), but a pipe's are not recorded. argv[1]: iterations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	int fd[2];
	char buf[64] = "numasim";
	unsigned sum = 0;

	if (pipe(fd))
		return 1;
	for (long i = 0; i < n; i++) {
		buf[0] = (char)i;
		if (write(fd[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
		    read(fd[0], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return 1;
		sum += (unsigned char)buf[0];
	}
	printf("%u\n", sum);
	return 0;
}
