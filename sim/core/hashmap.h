/*
 * hashmap.h - the simulator's one hash table: 64-bit key to 64-bit value,
 * open addressing with linear probing over a power-of-two slot count, at
 * most half full, deletion by backward shift (no tombstones, so probe
 * lengths never degrade under insert/delete churn).
 *
 * Every key is allowed: the empty slot is marked by the key
 * HASHMAP_NOKEY, and that key itself, when inserted, lives in a slot of
 * its own beside the array. Probing reads only the keys array (8 bytes a
 * slot, eight to a cache line); the values sit in a parallel array and
 * are read once the key matched. Keys are mixed with splitmix64's
 * finaliser, so sequential keys (page indexes, leaf numbers, ids) spread
 * well; callers indexing strings hash them with hashmap_str() and resolve
 * the (rare) equal hashes themselves, e.g. by chaining the objects that
 * share a hash (see vfs_lookup()).
 *
 * Users: the VFS name index, the page cache (a run of 64 pages per key,
 * filemap.c), the page tables (a leaf of 512 entries per key, pgtable.c),
 * the swap cache's pfn -> slot (swapfile.c), and the pid, stream, migration
 * and cpuset tables (docs/architecture.md lists them).
 *
 * Iteration (hashmap_next()) visits slots in array order, which is
 * deterministic for the same sequence of operations but no order a user
 * should see: callers that act on every entry in an observable order sort
 * first. An entry must not be deleted during an iteration (a backward
 * shift can move a later entry behind the cursor); collect, then delete.
 */
#ifndef NUMASIM_CORE_HASHMAP_H
#define NUMASIM_CORE_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HASHMAP_NOKEY UINT64_MAX

struct hashmap {
	uint64_t *keys; /* HASHMAP_NOKEY = empty */
	uint64_t *vals;
	size_t nslots;	/* 0 or a power of two */
	size_t nr;	/* entries, the HASHMAP_NOKEY one included */
	bool has_nokey; /* key HASHMAP_NOKEY is present, value nokey_val */
	uint64_t nokey_val;
	bool *oom; /* set when a host allocation fails (core/hostmem.h); may be NULL */
};

void hashmap_init(struct hashmap *h);
void hashmap_free(struct hashmap *h);

/* splitmix64's finaliser: the slot a key's probe starts from. */
static inline uint64_t hashmap_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The value of key, in place (valid until the next put or delete), or
 * NULL. Inline: the page table and page cache look up on every access. */
static inline uint64_t *hashmap_lookup(struct hashmap *h, uint64_t key)
{
	if (key == HASHMAP_NOKEY)
		return h->has_nokey ? &h->nokey_val : NULL;
	if (!h->nslots)
		return NULL;
	size_t mask = h->nslots - 1;

	for (size_t i = hashmap_mix(key) & mask;; i = (i + 1) & mask) {
		uint64_t k = h->keys[i];

		if (k == key)
			return &h->vals[i];
		if (k == HASHMAP_NOKEY)
			return NULL;
	}
}

/* Sets *val and returns true when key is present. */
bool hashmap_get(const struct hashmap *h, uint64_t key, uint64_t *val);
/* Inserts or replaces. Returns 0, or -1 when memory runs out (h unchanged). */
int hashmap_put(struct hashmap *h, uint64_t key, uint64_t val);
/* Removes key; returns whether it was present. */
bool hashmap_del(struct hashmap *h, uint64_t key);
/* The next entry at or after *pos (start at 0): true with *key and *val
 * set and *pos advanced past it, false when there are no more. */
bool hashmap_next(const struct hashmap *h, size_t *pos, uint64_t *key, uint64_t *val);
/* 64-bit FNV-1a of a NUL-terminated string. */
uint64_t hashmap_str(const char *s);

#endif
