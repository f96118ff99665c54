/*
 * errno_names.h - the errno values a simulated system call can return
 * (docs/trace-format.md), by name and by Linux number.
 *
 * The numbers are Linux's (asm-generic/errno-base.h), written out here
 * rather than taken from the host's <errno.h>, so traces, reports and
 * `expect rc=...` mean the same thing on any host.
 */
#ifndef NUMASIM_CORE_ERRNO_NAMES_H
#define NUMASIM_CORE_ERRNO_NAMES_H

enum {
	NS_EPERM = 1,
	NS_ENOENT = 2,
	NS_ESRCH = 3,
	NS_EIO = 5,
	NS_E2BIG = 7,
	NS_ENOMEM = 12,
	NS_EACCES = 13,
	NS_EFAULT = 14,
	NS_EBUSY = 16,
	NS_EEXIST = 17,
	NS_EXDEV = 18,
	NS_ENODEV = 19,
	NS_EINVAL = 22,
	NS_ENOSPC = 28,
};

/* "EACCES" for 13 (the sign is ignored); NULL for a number not listed. */
const char *errno_name(int e);
/* 13 for "EACCES"; 0 for an unknown name. */
int errno_from_name(const char *name);

/* Every listed errno, in ascending order, for report tables. */
extern const int errno_known[];
extern const unsigned errno_known_count;

#endif
