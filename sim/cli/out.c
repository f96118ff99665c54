/*
 * out.c - where `-o PATH` output goes (docs/cli.md, "Output files").
 *
 * A regular file (or an absent name) is written through a temporary file
 * in the same directory and renamed into place on success, so a failed or
 * interrupted run never leaves a half-written report and an existing file
 * keeps its old content. Anything else - a character or block device, a
 * FIFO, a socket - is written straight to, as `sort -o` and `cc -o` do: a
 * rename would replace /dev/null or a FIFO with a regular file. A symlink
 * is resolved; when its target is a regular file, the temporary file goes
 * in the target's directory and replaces the target, so the link stays a
 * link; a dangling link or one to a non-regular file is written straight.
 *
 * The temporary file is made with mkstemp() (a planted symlink at a
 * predictable name would receive the report) and gets the mode a new file
 * would get (0666 & ~umask) or the existing file's mode.
 *
 * Process-level state: the name of the temporary file lives in a
 * static-lifetime buffer so that a SIGINT/SIGTERM handler can unlink it.
 * A signal handler has no other way to find it (no argument reaches it),
 * which is why this is the one mutable global of numasim, confined to the
 * command line (the library keeps everything in struct sim).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "sim.h"

/* jansson allocates through cli_json_malloc(): a failure is remembered
 * here (jansson itself drops a key whose value it could not allocate),
 * and the report that would lack it is refused (cli_host_oom()). */
static volatile sig_atomic_t cli_json_oom;

static void *cli_json_malloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		cli_json_oom = 1;
	return p;
}

void cli_json_install(void)
{
	json_set_alloc_funcs(cli_json_malloc, free);
}

bool cli_host_oom(const struct sim *s)
{
	return cli_json_oom || (s && (s->host_oom || s->eng.host_oom));
}

/* The temporary file to remove on SIGINT/SIGTERM; "" when none. */
static char cli_tmp_path[PATH_MAX + 32];
static volatile sig_atomic_t cli_tmp_set;

/* While a replay runs (cli_replay_begin()), the first SIGINT/SIGTERM
 * only asks it to stop: the report so far is written, marked
 * interrupted, and the exit status is 128 + the signal. */
static volatile sig_atomic_t cli_stoppable;
static volatile sig_atomic_t cli_stop_signal;

/* Async-signal-safe: unlink(), signal() and raise() only. */
static void cli_on_signal(int sig)
{
	if (cli_stoppable && !cli_stop_signal && sig != SIGHUP) {
		cli_stop_signal = sig;
		return;
	}
	if (cli_tmp_set)
		unlink(cli_tmp_path);
	cli_tmp_set = 0;
	signal(sig, SIG_DFL);
	raise(sig);
}

const volatile sig_atomic_t *cli_replay_begin(void)
{
	cli_stoppable = 1;
	return &cli_stop_signal;
}

int cli_replay_end(void)
{
	cli_stoppable = 0;
	return cli_stop_signal;
}

void cli_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cli_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* Blocks the cleanup signals while the registered name changes. */
static void tmp_register(const char *path)
{
	sigset_t set, old;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	if (path) {
		snprintf(cli_tmp_path, sizeof(cli_tmp_path), "%s", path);
		cli_tmp_set = 1;
	} else {
		cli_tmp_set = 0;
		cli_tmp_path[0] = '\0';
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static mode_t new_file_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

static void out_reset(struct cli_out *o)
{
	free(o->path);
	free(o->tmp);
	free(o->target);
	memset(o, 0, sizeof(*o));
}

/* Opens PATH itself for writing (device, FIFO, socket, odd symlink). */
static int open_straight(struct cli_out *o, const char *path, struct nerr *err)
{
	o->f = fopen(path, "w");
	if (!o->f) {
		nerr_set(err, "%s: cannot write: %s", path, strerror(errno));
		out_reset(o);
		return -1;
	}
	return 0;
}

/* Creates the temporary file beside target (the file to replace). */
static int open_temp(struct cli_out *o, const char *target, mode_t mode, struct nerr *err)
{
	const char *slash = strrchr(target, '/');
	int dirlen = slash ? (int)(slash - target + 1) : 0;
	size_t n = strlen(target) + 32;
	int fd;

	o->tmp = malloc(n);
	o->target = strdup(target);
	if (!o->tmp || !o->target) {
		nerr_set(err, "%s: out of host memory", o->path);
		out_reset(o);
		return -1;
	}
	snprintf(o->tmp, n, "%.*s.%s.XXXXXX", dirlen, target, target + dirlen);
	tmp_register(NULL);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		nerr_set(err, "%s: cannot write: %s", o->path, strerror(errno));
		out_reset(o);
		return -1;
	}
	tmp_register(o->tmp);
	if (fchmod(fd, mode) != 0 || !(o->f = fdopen(fd, "w"))) {
		nerr_set(err, "%s: cannot write: %s", o->path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		tmp_register(NULL);
		out_reset(o);
		return -1;
	}
	return 0;
}

int cli_out_open(struct cli_out *o, const char *path, struct nerr *err)
{
	struct stat st;

	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	if (!*path)
		return nerr_set(err, "numasim: -o: empty file name (use -o - for standard output)");
	o->path = strdup(path);
	if (!o->path)
		return nerr_set(err, "%s: out of host memory", path);
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT) {
			nerr_set(err, "%s: cannot write: %s", path, strerror(errno));
			out_reset(o);
			return -1;
		}
		return open_temp(o, path, new_file_mode(), err);
	}
	if (S_ISDIR(st.st_mode)) {
		nerr_set(err, "%s: cannot write: is a directory", path);
		out_reset(o);
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return open_temp(o, path, st.st_mode & 07777, err);
	if (S_ISLNK(st.st_mode)) {
		char *real = realpath(path, NULL);
		int rc;

		if (real && stat(real, &st) == 0 && S_ISREG(st.st_mode)) {
			rc = open_temp(o, real, st.st_mode & 07777, err);
			free(real);
			return rc;
		}
		free(real);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			nerr_set(err, "%s: cannot write: is a directory", path);
			out_reset(o);
			return -1;
		}
	}
	return open_straight(o, path, err);
}

/* Fills err with "NAME: write failed: ..." unless it already holds one. */
static int write_failed(const char *name, int e, bool *reported, struct nerr *err)
{
	if (!*reported)
		nerr_set(err, "%s: write failed: %s", name, strerror(e ? e : EIO));
	*reported = true;
	return -1;
}

int cli_out_close(struct cli_out *o, bool ok, struct nerr *err)
{
	bool reported = !ok;
	int rc = ok ? 0 : -1;

	if (!o->f)
		return 0;
	if (o->f == stdout) {
		/* main() checks stdout once more before exiting. */
		errno = 0;
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = write_failed("stdout", errno, &reported, err);
		o->f = NULL;
		return rc;
	}
	errno = 0;
	if (fflush(o->f) != 0 || ferror(o->f))
		rc = write_failed(o->path, errno, &reported, err);
	errno = 0;
	if (fclose(o->f) != 0)
		rc = write_failed(o->path, errno, &reported, err);
	o->f = NULL;
	if (o->tmp) {
		if (rc == 0 && rename(o->tmp, o->target) != 0) {
			nerr_set(err, "%s: write failed: cannot rename into place: %s", o->path,
				 strerror(errno));
			rc = -1;
		}
		if (rc != 0)
			unlink(o->tmp);
		tmp_register(NULL);
	}
	out_reset(o);
	return rc;
}
