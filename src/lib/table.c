/* table.c - bounded open-addressing hash table with LRU order (see table.h).
 *
 * Layout: entries live in one array (entry_size each) with parallel arrays
 * for their hash and their place in a doubly linked LRU list; the index is a
 * power-of-two array probed linearly, at most half full, and deleted from by
 * backward shifting (no tombstones, so probe lengths stay short however many
 * flows come and go). An index slot holds the entry's hash beside its
 * number, so a probe that does not match is decided in the index alone:
 * under a flood of new keys nearly every lookup misses, and each entry it
 * would otherwise read is a cache miss.
 */
#include "lib/table.h"

#include <stdlib.h>
#include <string.h>

#include "lib/siphash.h"

#define FREE_MARK (TABLE_NONE - 1) /* lru_prev of a free entry */
#define MIN_ALLOC 64u
#define SLOT_EMPTY UINT64_MAX

static uint32_t slot_idx(uint64_t s) { return (uint32_t)s; }
static uint32_t slot_hash(uint64_t s) { return (uint32_t)(s >> 32); }

struct table {
	struct table_type ty;
	uint8_t seed[16];
	uint8_t *ent;        /* alloc entries of entry_size */
	uint32_t *ehash;     /* hash of each entry */
	uint32_t *prev, *next; /* LRU list; prev == FREE_MARK: free */
	uint32_t alloc;      /* entries allocated */
	uint32_t used_hw;    /* entries ever handed out (high-water mark) */
	uint32_t free_head;  /* free list through next[] */
	uint32_t count;
	uint32_t head, tail; /* head: most recent; tail: least recent */
	uint64_t *slots;     /* index: hash << 32 | entry idx, or SLOT_EMPTY */
	uint32_t mask;
	uint64_t evictions, refusals;
};

static uint32_t hash_key(const struct table *t, const void *key)
{
	return (uint32_t)siphash13(key, t->ty.key_size, t->seed);
}

static void *ent_at(const struct table *t, uint32_t idx)
{
	return t->ent + (size_t)idx * t->ty.entry_size;
}

static uint32_t index_size_for(uint32_t alloc)
{
	uint32_t n = 16;
	while (n < alloc * 2u)
		n <<= 1;
	return n;
}

static void index_put(struct table *t, uint32_t idx)
{
	uint32_t i = t->ehash[idx] & t->mask;
	while (t->slots[i] != SLOT_EMPTY)
		i = (i + 1) & t->mask;
	t->slots[i] = (uint64_t)t->ehash[idx] << 32 | idx;
}

static int grow(struct table *t)
{
	uint32_t want = t->alloc ? t->alloc * 2u : MIN_ALLOC;
	if (want > t->ty.cap || want < t->alloc)
		want = t->ty.cap;
	if (want <= t->alloc)
		return -1;
	uint32_t isz = index_size_for(want);
	uint8_t *ent = realloc(t->ent, (size_t)want * t->ty.entry_size);
	if (!ent)
		return -1;
	t->ent = ent;
	uint32_t *eh = realloc(t->ehash, (size_t)want * sizeof *eh);
	if (!eh)
		return -1;
	t->ehash = eh;
	uint32_t *pv = realloc(t->prev, (size_t)want * sizeof *pv);
	if (!pv)
		return -1;
	t->prev = pv;
	uint32_t *nx = realloc(t->next, (size_t)want * sizeof *nx);
	if (!nx)
		return -1;
	t->next = nx;
	uint64_t *slots = malloc((size_t)isz * sizeof *slots);
	if (!slots)
		return -1;
	free(t->slots);
	t->slots = slots;
	t->mask = isz - 1;
	memset(t->slots, 0xff, (size_t)isz * sizeof *slots);
	t->alloc = want;
	for (uint32_t i = 0; i < t->used_hw; i++)
		if (t->prev[i] != FREE_MARK)
			index_put(t, i);
	return 0;
}

struct table *table_new(const struct table_type *ty)
{
	if (ty->entry_size < ty->key_size || ty->key_size == 0 || ty->cap == 0 ||
	    ty->cap >= FREE_MARK)
		return NULL;
	struct table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->ty = *ty;
	siphash_seed(t->seed);
	t->head = t->tail = t->free_head = TABLE_NONE;
	if (grow(t) < 0) {
		table_free(t);
		return NULL;
	}
	return t;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	free(t->ent);
	free(t->ehash);
	free(t->prev);
	free(t->next);
	free(t->slots);
	free(t);
}

static uint32_t find_slot(const struct table *t, const void *key, uint32_t h)
{
	uint32_t i = h & t->mask;
	for (;;) {
		uint64_t sl = t->slots[i];
		if (sl == SLOT_EMPTY)
			return TABLE_NONE;
		if (slot_hash(sl) == h && memcmp(ent_at(t, slot_idx(sl)), key, t->ty.key_size) == 0)
			return i;
		i = (i + 1) & t->mask;
	}
}

uint32_t table_find(struct table *t, const void *key)
{
	uint32_t s = find_slot(t, key, hash_key(t, key));
	return s == TABLE_NONE ? TABLE_NONE : slot_idx(t->slots[s]);
}

static void lru_unlink(struct table *t, uint32_t idx)
{
	uint32_t p = t->prev[idx], n = t->next[idx];
	if (p != TABLE_NONE)
		t->next[p] = n;
	else
		t->head = n;
	if (n != TABLE_NONE)
		t->prev[n] = p;
	else
		t->tail = p;
}

static void lru_push_head(struct table *t, uint32_t idx)
{
	t->prev[idx] = TABLE_NONE;
	t->next[idx] = t->head;
	if (t->head != TABLE_NONE)
		t->prev[t->head] = idx;
	t->head = idx;
	if (t->tail == TABLE_NONE)
		t->tail = idx;
}

void table_touch(struct table *t, uint32_t idx)
{
	if (idx >= t->used_hw || t->prev[idx] == FREE_MARK || t->head == idx)
		return;
	lru_unlink(t, idx);
	lru_push_head(t, idx);
}

void table_remove(struct table *t, uint32_t idx)
{
	if (idx >= t->used_hw || t->prev[idx] == FREE_MARK)
		return;
	uint32_t i = find_slot(t, ent_at(t, idx), t->ehash[idx]);
	if (i != TABLE_NONE) {
		/* backward-shift deletion (Knuth 6.4, algorithm R) */
		uint32_t j = i;
		for (;;) {
			j = (j + 1) & t->mask;
			uint64_t e = t->slots[j];
			if (e == SLOT_EMPTY)
				break;
			uint32_t k = slot_hash(e) & t->mask;
			bool stays = (i <= j) ? (i < k && k <= j) : (i < k || k <= j);
			if (!stays) {
				t->slots[i] = e;
				i = j;
			}
		}
		t->slots[i] = SLOT_EMPTY;
	}
	lru_unlink(t, idx);
	t->prev[idx] = FREE_MARK;
	t->next[idx] = t->free_head;
	t->free_head = idx;
	t->count--;
}

uint32_t table_upsert(struct table *t, const void *key, bool *created)
{
	uint32_t h = hash_key(t, key);
	uint32_t s = find_slot(t, key, h);
	if (created)
		*created = false;
	if (s != TABLE_NONE) {
		table_touch(t, slot_idx(t->slots[s]));
		return slot_idx(t->slots[s]);
	}
	if (t->count >= t->ty.cap) {
		if (!t->ty.evict || t->tail == TABLE_NONE) {
			t->refusals++;
			return TABLE_NONE;
		}
		uint32_t victim = t->tail;
		if (t->ty.on_evict)
			t->ty.on_evict(t->ty.ctx, victim, ent_at(t, victim));
		table_remove(t, victim);
		t->evictions++;
	}
	uint32_t idx;
	if (t->free_head != TABLE_NONE) {
		idx = t->free_head;
		t->free_head = t->next[idx];
	} else {
		if (t->used_hw == t->alloc && grow(t) < 0) {
			t->refusals++;
			return TABLE_NONE;
		}
		idx = t->used_hw++;
	}
	void *e = ent_at(t, idx);
	memset(e, 0, t->ty.entry_size);
	memcpy(e, key, t->ty.key_size);
	t->ehash[idx] = h;
	index_put(t, idx);
	lru_push_head(t, idx);
	t->count++;
	if (created)
		*created = true;
	return idx;
}

void *table_get(struct table *t, uint32_t idx)
{
	if (idx >= t->used_hw || t->prev[idx] == FREE_MARK)
		return NULL;
	return ent_at(t, idx);
}

uint32_t table_oldest(struct table *t)
{
	return t->tail;
}

uint32_t table_newer(const struct table *t, uint32_t idx)
{
	if (idx >= t->used_hw || t->prev[idx] == FREE_MARK)
		return TABLE_NONE;
	return t->prev[idx];
}

uint32_t table_count(const struct table *t)
{
	return t->count;
}

uint64_t table_evictions(const struct table *t)
{
	return t->evictions;
}

uint64_t table_refusals(const struct table *t)
{
	return t->refusals;
}

size_t table_memory(const struct table *t)
{
	return (size_t)t->alloc * (t->ty.entry_size + 3 * sizeof(uint32_t)) +
	       ((size_t)t->mask + 1) * sizeof(uint64_t) + sizeof *t;
}

uint32_t table_next(const struct table *t, uint32_t idx)
{
	uint32_t i = idx == TABLE_NONE ? 0 : idx + 1;
	for (; i < t->used_hw; i++)
		if (t->prev[i] != FREE_MARK)
			return i;
	return TABLE_NONE;
}
