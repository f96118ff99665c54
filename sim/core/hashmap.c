/*
 * hashmap.c - generic 64-bit key/value hash table (see hashmap.h).
 */
#include "core/hashmap.h"

#include <stdlib.h>
#include <string.h>

enum { HM_EMPTY = 0, HM_FULL = 1, HM_DELETED = 2 };

static uint64_t hm_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void hashmap_init(struct hashmap *h)
{
	memset(h, 0, sizeof(*h));
}

void hashmap_free(struct hashmap *h)
{
	free(h->keys);
	free(h->vals);
	free(h->state);
	hashmap_init(h);
}

/* Slot holding key, or SIZE_MAX. */
static size_t hm_find(const struct hashmap *h, uint64_t key)
{
	if (!h->nslots)
		return SIZE_MAX;
	size_t mask = h->nslots - 1;

	for (size_t i = hm_mix(key) & mask;; i = (i + 1) & mask) {
		if (h->state[i] == HM_EMPTY)
			return SIZE_MAX;
		if (h->state[i] == HM_FULL && h->keys[i] == key)
			return i;
	}
}

bool hashmap_get(const struct hashmap *h, uint64_t key, uint64_t *val)
{
	size_t i = hm_find(h, key);

	if (i == SIZE_MAX)
		return false;
	*val = h->vals[i];
	return true;
}

static void hm_insert_new(struct hashmap *h, uint64_t key, uint64_t val)
{
	size_t mask = h->nslots - 1, i = hm_mix(key) & mask;

	while (h->state[i] == HM_FULL)
		i = (i + 1) & mask;
	if (h->state[i] == HM_EMPTY)
		h->used++;
	h->state[i] = HM_FULL;
	h->keys[i] = key;
	h->vals[i] = val;
	h->nr++;
}

static int hm_rehash(struct hashmap *h, size_t nslots)
{
	struct hashmap n = { .nslots = nslots };

	n.keys = malloc(nslots * sizeof(*n.keys));
	n.vals = malloc(nslots * sizeof(*n.vals));
	n.state = calloc(nslots, 1);
	if (!n.keys || !n.vals || !n.state) {
		hashmap_free(&n);
		return -1;
	}
	for (size_t i = 0; i < h->nslots; i++)
		if (h->state[i] == HM_FULL)
			hm_insert_new(&n, h->keys[i], h->vals[i]);
	hashmap_free(h);
	*h = n;
	return 0;
}

int hashmap_put(struct hashmap *h, uint64_t key, uint64_t val)
{
	size_t i = hm_find(h, key);

	if (i != SIZE_MAX) {
		h->vals[i] = val;
		return 0;
	}
	if ((h->used + 1) * 4 > h->nslots * 3) {
		size_t n = h->nslots ? h->nslots : 16;

		while ((h->nr + 1) * 2 > n)
			n *= 2;
		if (hm_rehash(h, n))
			return -1;
	}
	hm_insert_new(h, key, val);
	return 0;
}

bool hashmap_del(struct hashmap *h, uint64_t key)
{
	size_t i = hm_find(h, key);

	if (i == SIZE_MAX)
		return false;
	h->state[i] = HM_DELETED;
	h->nr--;
	return true;
}

uint64_t hashmap_str(const char *s)
{
	uint64_t x = 0xcbf29ce484222325ull;

	for (; *s; s++)
		x = (x ^ (unsigned char)*s) * 0x100000001b3ull;
	return x;
}
