/*
 * suggest.h - "did you mean" for mistyped names (subcommands, ops, keys,
 * tunables, shipped topologies and workloads).
 *
 * The distance is the optimal string alignment distance (Levenshtein with
 * transpositions of adjacent letters), so "spwan" is one edit from
 * "spawn". A candidate is suggested when it is the closest and within
 * about a third of the word's length (at least one edit).
 */
#ifndef NUMASIM_CORE_SUGGEST_H
#define NUMASIM_CORE_SUGGEST_H

#include <stddef.h>

/* Edit distance between a and b (capped at 255). */
unsigned suggest_distance(const char *a, const char *b);

/* The candidate closest to word, or NULL when none is close enough.
 * NULL entries of cands are skipped. */
const char *suggest_best(const char *word, const char *const *cands, size_t n);

/* Same over the names "<dir>/<name><ext>" of the files in dir
 * (the shipped topologies and workloads); the answer goes in buf. */
const char *suggest_in_dir(const char *word, const char *dir, const char *ext, char *buf,
			   size_t len);

/* " (did you mean 'X'?)" when best is not NULL, "" otherwise; for
 * appending to a one-line message. Uses buf. */
const char *suggest_hint(const char *best, char *buf, size_t len);

#endif
