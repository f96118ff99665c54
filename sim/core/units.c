#include "core/units.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned long long units_strtou(const char *s, char **end)
{
	const char *digits = s;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2])) {
		digits = s + 2;
		base = 16;
		/* strtoull(.., 16) would take a second 0x prefix: "0x0x5" */
		if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
			*end = (char *)digits + 1;
			return 0;
		}
	}
	if (!isxdigit((unsigned char)digits[0]) ||
	    (base == 10 && !isdigit((unsigned char)digits[0]))) {
		*end = (char *)s;
		return 0;
	}
	return strtoull(digits, end, base);
}

long long units_strtoi(const char *s, char **end)
{
	bool neg = s[0] == '-';
	unsigned long long v = units_strtou(s + neg, end);

	if (*end == s + neg) {
		*end = (char *)s;
		return 0;
	}
	if (errno == ERANGE || v > (unsigned long long)LLONG_MAX + neg) {
		errno = ERANGE;
		return neg ? LLONG_MIN : LLONG_MAX;
	}
	return neg ? (long long)(0 - v) : (long long)v;
}

int parse_u64(const char *s, uint64_t *out, char *why, size_t errlen)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') {
		snprintf(why, errlen, "'%s' is not a non-negative integer", s ? s : "");
		return -1;
	}
	errno = 0;
	unsigned long long v = units_strtou(s, &end);
	if (errno == ERANGE) {
		snprintf(why, errlen, "'%s' is too large", s);
		return -1;
	}
	if (*end) {
		snprintf(why, errlen, "'%s' is not a non-negative integer", s);
		return -1;
	}
	*out = v;
	return 0;
}

struct unit {
	const char *name;
	uint64_t mult;
};

static int parse_with_units(const char *s, const struct unit *units, uint64_t *out,
			    const char *what, char *why, size_t errlen)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') {
		snprintf(why, errlen, "'%s' is not a valid %s", s ? s : "", what);
		return -1;
	}
	errno = 0;
	unsigned long long v = units_strtou(s, &end);
	if (end == s) {
		snprintf(why, errlen, "'%s' is not a valid %s", s, what);
		return -1;
	}
	if (errno == ERANGE) {
		snprintf(why, errlen, "%s '%s' is too large", what, s);
		return -1;
	}
	for (const struct unit *u = units; u->name; u++) {
		if (strcmp(end, u->name) == 0) {
			if (u->mult && v > UINT64_MAX / u->mult) {
				snprintf(why, errlen, "%s '%s' is too large", what, s);
				return -1;
			}
			*out = v * u->mult;
			return 0;
		}
	}
	snprintf(why, errlen, "'%s' has an unknown unit '%s'", s, end);
	return -1;
}

int parse_size(const char *s, uint64_t *out, char *why, size_t errlen)
{
	static const struct unit units[] = {
		{"", 1},
		{"B", 1},
		{"KiB", 1ULL << 10},
		{"K", 1ULL << 10},
		{"MiB", 1ULL << 20},
		{"M", 1ULL << 20},
		{"GiB", 1ULL << 30},
		{"G", 1ULL << 30},
		{"TiB", 1ULL << 40},
		{"T", 1ULL << 40},
		{NULL, 0},
	};
	return parse_with_units(s, units, out, "size", why, errlen);
}

int parse_time_ns(const char *s, uint64_t *out, char *why, size_t errlen)
{
	static const struct unit units[] = {
		{"", 1}, {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}, {NULL, 0},
	};
	return parse_with_units(s, units, out, "time", why, errlen);
}

char *format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *names[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	unsigned u = 0;

	while (u < 5 && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, "%llu%s", (unsigned long long)bytes, names[u]);
	return buf;
}
