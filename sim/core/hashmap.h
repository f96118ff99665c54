/*
 * hashmap.h - the simulator's generic hash table: 64-bit key to 64-bit
 * value, open addressing with linear probing, power-of-two slot count,
 * grown at 3/4 load (deleted slots count as load until the next rehash).
 *
 * Every key is allowed (occupancy lives in a separate state byte). Keys
 * are mixed with splitmix64's finaliser, so sequential keys (page
 * indexes, ids) spread well; callers indexing strings hash them with
 * hashmap_str() and resolve the (rare) equal hashes themselves, e.g. by
 * chaining the objects that share a hash (see vfs_lookup()).
 *
 * It is meant to be the one table the modules share: the VFS name index
 * uses it; the page cache, the swap map and the other per-module tables
 * can move to it without changing their callers' semantics.
 */
#ifndef NUMASIM_CORE_HASHMAP_H
#define NUMASIM_CORE_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hashmap {
	uint64_t *keys;
	uint64_t *vals;
	uint8_t *state;      /* 0 empty, 1 full, 2 deleted */
	size_t nslots;       /* 0 or a power of two */
	size_t nr;           /* full slots */
	size_t used;         /* full + deleted slots */
};

void hashmap_init(struct hashmap *h);
void hashmap_free(struct hashmap *h);
/* Sets *val and returns true when key is present. */
bool hashmap_get(const struct hashmap *h, uint64_t key, uint64_t *val);
/* Inserts or replaces. Returns 0, or -1 when memory runs out (h unchanged). */
int hashmap_put(struct hashmap *h, uint64_t key, uint64_t val);
/* Removes key; returns whether it was present. */
bool hashmap_del(struct hashmap *h, uint64_t key);
/* 64-bit FNV-1a of a NUL-terminated string. */
uint64_t hashmap_str(const char *s);

#endif
