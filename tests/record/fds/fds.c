/*
 * fds.c - reads and writes of one regular file through fds made every way
 * the per-fd seccomp filters of `numasim record` must follow (docs/
 * recording.md, "System calls"): open, a thread's open read by another
 * thread, fcntl(F_DUPFD), dup2 onto fd 0, an fd inherited across fork, one
 * received over a unix socket (SCM_RIGHTS), one opened by a clone that
 * shares the fd table (CLONE_FILES without CLONE_THREAD), O_APPEND; and a
 * pipe on the fds the dynamic loader used for the libraries; an fd of the
 * file made again for another file, /dev/zero and a pipe; read() at the
 * file position a dup2, an lseek and a forked child share; write() with
 * O_APPEND after an lseek, and pwrite(); and a closed
 * fd of the file that a pipe, then another file's O_PATH fd from
 * open_tree(), reuse without a call the recorder stops at (their reads
 * are no read of the file). It prints
 * `RW read|write OFFSET LEN` for each transfer, which fds.sh looks for in
 * the trace. No two transfers of one task are contiguous, so each is one
 * record. argv[1]: the directory for the file.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[4096], buf[65536], stack[65536];
static int thread_fd;

static void die(const char *what)
{
	printf("FAIL %s\n", what);
	exit(1);
}

static void xfer(bool write_op, int fd, long off, long len, bool positioned)
{
	ssize_t n = positioned ? (write_op ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off))
			       : (write_op ? write(fd, buf, len) : read(fd, buf, len));

	if (n != len)
		die("transfer");
	printf("RW %s %ld %ld\n", write_op ? "write" : "read", off, len);
}

static void *thread_main(void *arg)
{
	(void)arg;
	if ((thread_fd = open(path, O_RDONLY)) < 0)
		die("open in the thread");
	xfer(false, thread_fd, 200, 100, true);
	return NULL;
}

static int clone_main(void *arg)
{
	(void)arg;
	return open(path, O_RDONLY) < 0; /* into the table it shares */
}

static void send_fd(int sock, int fd)
{
	char cb[CMSG_SPACE(sizeof(int))];
	struct iovec io = {"x", 1};
	struct msghdr m = {
		.msg_iov = &io, .msg_iovlen = 1, .msg_control = cb, .msg_controllen = sizeof(cb)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &m, 0) != 1)
		die("sendmsg");
}

static int recv_fd(int sock)
{
	char cb[CMSG_SPACE(sizeof(int))], x;
	struct iovec io = {&x, 1};
	struct msghdr m = {
		.msg_iov = &io, .msg_iovlen = 1, .msg_control = cb, .msg_controllen = sizeof(cb)};
	int fd;

	if (recvmsg(sock, &m, 0) != 1 || !CMSG_FIRSTHDR(&m))
		die("recvmsg");
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
	return fd;
}

int main(int argc, char **argv)
{
	int fd, p[2], sv[2], status;
	pthread_t t;

	if (argc < 2)
		die("usage: fds DIR");
	setvbuf(stdout, NULL, _IONBF, 0);
	snprintf(path, sizeof(path), "%s/fds.data", argv[1]);
	memset(buf, 'x', sizeof(buf));
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644)) < 0)
		die("open");
	xfer(true, fd, 0, 65536, false);
	close(fd);
	/* the lowest free fds: those the loader read the libraries through */
	if (pipe(p))
		die("pipe");
	for (int i = 0; i < 100; i++)
		if (write(p[1], buf, 64) != 64 || read(p[0], buf, 64) != 64)
			die("pipe transfer");
	if (pthread_create(&t, NULL, thread_main, NULL) || pthread_join(t, NULL))
		die("thread");
	xfer(false, thread_fd, 0, 1000, false); /* the thread's fd, from main */
	int dup = fcntl(thread_fd, F_DUPFD, 40);

	xfer(false, dup, 4096, 300, true);
	if (dup2(dup, 0) != 0)
		die("dup2");
	xfer(false, 0, 1000, 50, false); /* the shared file position: 1000 */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	pid_t c = fork();

	if (!c) {
		int f = open(path, O_RDONLY);

		if (f < 0)
			die("open in the child");
		send_fd(sv[0], f);
		xfer(false, thread_fd, 20, 10, true); /* inherited */
		xfer(false, 0, 1050, 30, false);      /* the position it shares */
		_exit(0);
	}
	int got = recv_fd(sv[1]);

	xfer(false, got, 8192, 777, true);
	if (waitpid(c, &status, 0) != c || status)
		die("child");
	xfer(false, 0, 1080, 20, false); /* where the child's read left it */
	if (lseek(0, 30000, SEEK_SET) != 30000)
		die("lseek");
	xfer(false, thread_fd, 30000, 4000, false);
	xfer(false, 0, 34000, 4000, false);
	/* a write with O_APPEND (at the file's end, whatever the position)
	 * and a pwrite (at its offset; the position stays) */
	int ap = open(path, O_WRONLY | O_APPEND);

	if (ap < 0 || lseek(ap, 100, SEEK_SET) != 100)
		die("open O_APPEND");
	xfer(true, ap, 65536, 50, false);
	xfer(true, ap, 65586, 25, false);
	if (close(ap) || (ap = open(path, O_RDWR)) < 0 || lseek(ap, 7000, SEEK_SET) != 7000)
		die("open O_RDWR");
	xfer(true, ap, 2000, 10, true);
	xfer(false, ap, 7000, 5, false);
	close(ap);
	/* a closed fd of the file that a pipe gets (pipe() does not stop) */
	int q[2], g0 = open(path, O_RDONLY);

	if (g0 < 0 || lseek(g0, 100, SEEK_SET) != 100 || close(g0) || pipe(q) || q[0] != g0 ||
	    write(q[1], buf, 100) != 100 || read(q[0], buf, 100) != 100 || close(q[0]) ||
	    close(q[1]))
		die("a pipe on a closed fd of the file");
	/* an fd of fds.data closed and made again by an open of another file:
	 * a pread of that one is not fds.data's (the recorder's table of fds
	 * follows the opens); then fds.data's again and /dev/zero's, whose
	 * pread reads no file; then a pipe's, whose pread fails */
	char other[4200];
	int g = open(path, O_RDONLY), h;

	snprintf(other, sizeof(other), "%s/other.data", argv[1]);
	if (g < 0 || close(g) || (h = open(other, O_RDWR | O_CREAT | O_TRUNC, 0644)) != g)
		die("reopen");
	if (write(h, buf, 8192) != 8192 || pread(h, buf, 100, 4096) != 100 || close(h))
		die("the other file");
	if ((h = open(path, O_RDONLY)) != g || close(h))
		die("reopen fds.data");
	if ((h = open("/dev/zero", O_RDONLY)) != g || pread(h, buf, 100, 0) != 100 || close(h))
		die("pread of /dev/zero");
	if (pipe(p) || p[0] != g || pread(p[0], buf, 100, 0) != -1)
		die("pread of a pipe");
	/* a closed fd of the file that open_tree() (a call the recorder does
	 * not stop at) gives to the other file, as an O_PATH fd: its read
	 * fails, and is no read of fds.data */
	int g1 = open(path, O_RDONLY), ot;

	if (g1 < 0 || lseek(g1, 300, SEEK_SET) != 300 || close(g1))
		die("open for open_tree");
	if ((ot = (int)syscall(SYS_open_tree, AT_FDCWD, other, 0)) >= 0) {
		if (ot != g1 || read(ot, buf, 100) != -1 || close(ot))
			die("read of an open_tree() fd");
	}
	int before = 0; /* the lowest free fd: the one the clone's open gets */

	while (fcntl(before, F_GETFD) >= 0)
		before++;
	pid_t cl = clone(clone_main, stack + sizeof(stack), CLONE_FILES | SIGCHLD, NULL);

	if (cl < 0 || waitpid(cl, &status, 0) != cl || status)
		die("clone");
	xfer(false, before, 12288, 555, true); /* the fd the clone opened */
	if ((fd = open(path, O_WRONLY | O_APPEND)) < 0)
		die("open O_APPEND");
	xfer(true, fd, 65611, 123, false);
	return 0;
}
