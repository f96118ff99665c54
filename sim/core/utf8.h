/*
 * utf8.h - UTF-8 checks for text that reaches a JSON report.
 *
 * jansson refuses a string that is not valid UTF-8 (json_string() returns
 * NULL and the key is silently dropped), so trace strings are checked at
 * parse time and any other outside text (file paths) is made valid.
 */
#ifndef NUMASIM_CORE_UTF8_H
#define NUMASIM_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Whether s[0..n) is valid UTF-8 (no overlong forms, no surrogates, at
 * most U+10FFFF); *bad gets the offset of the first bad byte. */
bool utf8_valid(const char *s, size_t n, size_t *bad);

/* A malloc'd copy of s with each invalid byte replaced by U+FFFD; NULL
 * when out of host memory. */
char *utf8_sanitize(const char *s);

#endif
