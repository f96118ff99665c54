/*
 * units.h - numbers, sizes and times as docs/trace-format.md writes them.
 *
 * Sizes: an integer (bytes, 0x hex allowed) or a number with a unit
 * B, KiB, MiB, GiB, TiB (also K, M, G, T as powers of 1024).
 * Times: a number with ns (default), us, ms or s.
 */
#ifndef NUMASIM_CORE_UNITS_H
#define NUMASIM_CORE_UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * strtoull() for the numbers the docs promise: decimal, or hex after
 * 0x/0X; a leading 0 is decimal, never octal (010 is ten). No sign, no
 * leading space: *end == s when s does not start with a digit. errno is
 * ERANGE past 2^64-1, as strtoull().
 */
unsigned long long units_strtou(const char *s, char **end);
/* The same with an optional leading '-' (ERANGE outside long long). */
long long units_strtoi(const char *s, char **end);

/* Each returns 0 or -1 with a short reason in why (errlen bytes). */
int parse_u64(const char *s, uint64_t *out, char *why, size_t errlen);
int parse_size(const char *s, uint64_t *out, char *why, size_t errlen);
int parse_time_ns(const char *s, uint64_t *out, char *why, size_t errlen);

/* "256MiB"-style rendering of a byte count, for reports. */
char *format_size(uint64_t bytes, char *buf, size_t len);

#endif
