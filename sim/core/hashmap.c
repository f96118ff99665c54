/*
 * hashmap.c - the generic 64-bit key/value hash table (see hashmap.h).
 */
#include "core/hashmap.h"

#include <stdlib.h>
#include <string.h>

#include "core/hostmem.h"

void hashmap_init(struct hashmap *h)
{
	memset(h, 0, sizeof(*h));
}

void hashmap_free(struct hashmap *h)
{
	bool *oom = h->oom;

	free(h->keys);
	free(h->vals);
	hashmap_init(h);
	h->oom = oom;
}

bool hashmap_get(const struct hashmap *h, uint64_t key, uint64_t *val)
{
	uint64_t *v = hashmap_lookup((struct hashmap *)h, key);

	if (!v)
		return false;
	*val = *v;
	return true;
}

/* Places a key known to be absent into a table with a free slot. */
static void hm_place(uint64_t *keys, uint64_t *vals, size_t nslots, uint64_t key, uint64_t val)
{
	size_t mask = nslots - 1, i = hashmap_mix(key) & mask;

	while (keys[i] != HASHMAP_NOKEY)
		i = (i + 1) & mask;
	keys[i] = key;
	vals[i] = val;
}

static int hm_rehash(struct hashmap *h, size_t nslots)
{
	uint64_t *keys = host_malloc(h->oom, nslots * sizeof(*keys));
	uint64_t *vals = host_malloc(h->oom, nslots * sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	memset(keys, 0xff, nslots * sizeof(*keys)); /* every key HASHMAP_NOKEY */
	for (size_t i = 0; i < h->nslots; i++)
		if (h->keys[i] != HASHMAP_NOKEY)
			hm_place(keys, vals, nslots, h->keys[i], h->vals[i]);
	free(h->keys);
	free(h->vals);
	h->keys = keys;
	h->vals = vals;
	h->nslots = nslots;
	return 0;
}

int hashmap_put(struct hashmap *h, uint64_t key, uint64_t val)
{
	uint64_t *v = hashmap_lookup(h, key);

	if (v) {
		*v = val;
		return 0;
	}
	if (key == HASHMAP_NOKEY) {
		h->has_nokey = true;
		h->nokey_val = val;
		h->nr++;
		return 0;
	}
	/* at most half full: an unsuccessful probe reads 2.5 slots on average */
	if ((h->nr - h->has_nokey + 1) * 2 > h->nslots &&
	    hm_rehash(h, h->nslots ? h->nslots * 2 : 16))
		return -1;
	hm_place(h->keys, h->vals, h->nslots, key, val);
	h->nr++;
	return 0;
}

/* Backward-shift deletion: every entry after the hole, up to the next
 * empty slot, whose probe could not have passed the hole, moves into it. */
static void hm_erase(struct hashmap *h, size_t hole)
{
	size_t mask = h->nslots - 1;

	for (size_t j = (hole + 1) & mask; h->keys[j] != HASHMAP_NOKEY; j = (j + 1) & mask) {
		size_t home = hashmap_mix(h->keys[j]) & mask;

		/* j may move to hole when home is not in (hole, j] (cyclically) */
		if (((j - home) & mask) >= ((j - hole) & mask)) {
			h->keys[hole] = h->keys[j];
			h->vals[hole] = h->vals[j];
			hole = j;
		}
	}
	h->keys[hole] = HASHMAP_NOKEY;
}

bool hashmap_del(struct hashmap *h, uint64_t key)
{
	uint64_t *v = hashmap_lookup(h, key);

	if (!v)
		return false;
	if (key == HASHMAP_NOKEY)
		h->has_nokey = false;
	else
		hm_erase(h, (size_t)(v - h->vals));
	h->nr--;
	return true;
}

bool hashmap_next(const struct hashmap *h, size_t *pos, uint64_t *key, uint64_t *val)
{
	for (size_t i = *pos; i < h->nslots; i++) {
		if (h->keys[i] != HASHMAP_NOKEY) {
			*key = h->keys[i];
			*val = h->vals[i];
			*pos = i + 1;
			return true;
		}
	}
	if (h->has_nokey && *pos <= h->nslots) {
		*key = HASHMAP_NOKEY;
		*val = h->nokey_val;
		*pos = h->nslots + 1;
		return true;
	}
	return false;
}

uint64_t hashmap_str(const char *s)
{
	uint64_t x = 0xcbf29ce484222325ull;

	for (; *s; s++)
		x = (x ^ (unsigned char)*s) * 0x100000001b3ull;
	return x;
}
