/*
 * files.c - file I/O through the page cache and file mappings: writes a
 * 256 KiB file in 16 KiB pieces, reads it back with read() (an fstat()
 * before each) and pread(),
 * maps it shared and reads half of its pages, maps it private and writes
 * to a quarter of them (copy-on-write: anonymous pages in a file
 * mapping). argv[1] is the directory for the file.
 */
#include <sys/stat.h>

#include "common.h"

#define FSIZE (64 * PAGE)

static char chunk[16384];

int main(int argc, char **argv)
{
	char path[4096];

	if (argc < 2)
		rec_die("usage: files DIR");
	snprintf(path, sizeof(path), "%s/record_files.data", argv[1]);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		rec_die("open");
	memset(chunk, 'x', sizeof(chunk));
	for (size_t off = 0; off < FSIZE; off += sizeof(chunk))
		if (write(fd, chunk, sizeof(chunk)) != (ssize_t)sizeof(chunk))
			rec_die("write");
	if (lseek(fd, 0, SEEK_SET))
		rec_die("lseek");
	/* an fstat (a call the recorder does not stop at with seccomp)
	 * between reads of consecutive bytes: still one read record, also
	 * without seccomp (tests/record/fallback.sh) */
	for (int i = 0; i < 4; i++) {
		struct stat sb;

		if (fstat(fd, &sb) || read(fd, chunk, sizeof(chunk)) != (ssize_t)sizeof(chunk))
			rec_die("read");
	}
	if (pread(fd, chunk, sizeof(chunk), 32 * PAGE) != (ssize_t)sizeof(chunk))
		rec_die("pread");
	volatile char *s = mmap(NULL, FSIZE, PROT_READ, MAP_SHARED, fd, 0);
	char *p = mmap(NULL, FSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	if (s == MAP_FAILED || p == MAP_FAILED)
		rec_die("mmap");
	unsigned sum = 0;

	for (size_t i = 0; i < FSIZE / 2; i += PAGE)
		sum += (unsigned)s[i];
	rec_touch(p, FSIZE / 4);
	if (!sum)
		rec_die("file content");
	rec_snapshot();
	rec_report((const void *)s);
	rec_report(p);
	close(fd);
	return 0;
}
