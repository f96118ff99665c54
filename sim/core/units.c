#include "core/units.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int parse_u64(const char *s, uint64_t *out, char *why, size_t errlen)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') {
		snprintf(why, errlen, "'%s' is not a non-negative integer", s ? s : "");
		return -1;
	}
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
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
	unsigned long long v = strtoull(s, &end, 0);
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
		{"", 1}, {"B", 1},
		{"KiB", 1ULL << 10}, {"K", 1ULL << 10},
		{"MiB", 1ULL << 20}, {"M", 1ULL << 20},
		{"GiB", 1ULL << 30}, {"G", 1ULL << 30},
		{"TiB", 1ULL << 40}, {"T", 1ULL << 40},
		{NULL, 0},
	};
	return parse_with_units(s, units, out, "size", why, errlen);
}

int parse_time_ns(const char *s, uint64_t *out, char *why, size_t errlen)
{
	static const struct unit units[] = {
		{"", 1}, {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000},
		{NULL, 0},
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
