#include "core/suggest.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#define SUGGEST_MAXLEN 64

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

unsigned suggest_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	unsigned d[SUGGEST_MAXLEN + 1][SUGGEST_MAXLEN + 1];

	if (n > SUGGEST_MAXLEN || m > SUGGEST_MAXLEN)
		return 255;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			unsigned cost = a[i - 1] != b[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[n][m] > 255 ? 255 : d[n][m];
}

static unsigned limit_for(const char *word)
{
	size_t n = strlen(word);

	return n <= 3 ? 1 : (unsigned)(n + 2) / 3;
}

struct best {
	const char *name;
	unsigned dist;
};

static void consider(struct best *b, const char *word, const char *cand)
{
	unsigned d = suggest_distance(word, cand);

	if (d && d <= limit_for(word) && d < b->dist) {
		b->dist = d;
		b->name = cand;
	}
}

const char *suggest_best(const char *word, const char *const *cands, size_t n)
{
	struct best b = {NULL, 256};

	for (size_t i = 0; i < n; i++)
		if (cands[i])
			consider(&b, word, cands[i]);
	return b.name;
}

const char *suggest_in_dir(const char *word, const char *dir, const char *ext, char *buf,
			   size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned best = 256;
	size_t el = strlen(ext);

	if (!d || !len)
		return d ? (closedir(d), NULL) : NULL;
	buf[0] = '\0';
	while ((e = readdir(d))) {
		char name[SUGGEST_MAXLEN + 1];
		size_t n = strlen(e->d_name);

		if (n <= el || n - el > SUGGEST_MAXLEN || strcmp(e->d_name + n - el, ext))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(n - el), e->d_name);
		unsigned dist = suggest_distance(word, name);

		/* ties go to the alphabetically first name: readdir order varies */
		if (dist && dist <= limit_for(word) &&
		    (dist < best || (dist == best && strcmp(name, buf) < 0))) {
			best = dist;
			snprintf(buf, len, "%s", name);
		}
	}
	closedir(d);
	return best < 256 ? buf : NULL;
}

const char *suggest_hint(const char *best, char *buf, size_t len)
{
	if (!best || !len)
		return "";
	snprintf(buf, len, " (did you mean '%s'?)", best);
	return buf;
}
