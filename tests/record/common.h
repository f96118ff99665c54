/*
 * common.h - what every program in tests/record/ shares: it measures
 * itself on the real kernel and prints what it measured, for run.sh to
 * compare with numasim's replay of its recording (docs/recording.md,
 * "Tests").
 *
 *   REC <pid> <numa_maps line>   the line of /proc/self/numa_maps for one
 *                                of the program's own mappings
 *
 * The measurement reads numa_maps with open/read into static buffers and
 * prints with write(2): no malloc, no stdio buffer, so that nothing the
 * measuring does changes the mappings it measures.
 */
#ifndef RECORD_COMMON_H
#define RECORD_COMMON_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096ul

static char rec_maps[1 << 20];
static char rec_line[4096];

static inline void rec_out(const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(1, s, n);

		if (w <= 0)
			_exit(3);
		s += w;
		n -= (size_t)w;
	}
}

static inline void rec_die(const char *what)
{
	rec_out("FAIL ");
	rec_out(what);
	rec_out("\n");
	_exit(3);
}

/* Reads a /proc file whole into buf (size bytes, NUL-terminated); dies
 * naming the file when it cannot be opened. */
static inline void rec_read_proc(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		rec_die(path);
	while ((r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
}

/* Reads numa_maps once; rec_report() then picks lines out of it. */
static inline void rec_snapshot(void)
{
	rec_read_proc("/proc/self/numa_maps", rec_maps, sizeof(rec_maps));
}

static inline void rec_report(const void *addr)
{
	char key[32];
	int k = snprintf(key, sizeof(key), "%08lx ", (unsigned long)(uintptr_t)addr);

	for (char *p = rec_maps; *p;) {
		char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (!strncmp(p, key, (size_t)k)) {
			snprintf(rec_line, sizeof(rec_line), "REC %d %.*s\n", (int)getpid(),
				 (int)len, p);
			rec_out(rec_line);
			return;
		}
		p += len + (e ? 1 : 0);
	}
	snprintf(rec_line, sizeof(rec_line), "no numa_maps line at %s", key);
	rec_die(rec_line);
}

/* An anonymous mapping between two PROT_NONE pages, so that it never
 * merges with a neighbour (numa_maps shows it on its own line whatever
 * the program or glibc maps next to it); the mprotect() that opens it is
 * recorded too. */
static inline void *rec_mmap(size_t len)
{
	char *p = mmap(NULL, len + 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + PAGE, len, PROT_READ | PROT_WRITE))
		rec_die("mmap");
	return p + PAGE;
}

/* Writes one byte per page of [p, p + len). */
static inline void rec_touch(void *p, size_t len)
{
	for (size_t i = 0; i < len; i += PAGE)
		((volatile char *)p)[i] = 1;
}

#endif
