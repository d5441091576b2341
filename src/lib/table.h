/* table.h - a bounded hash table of fixed-size entries, with an LRU order.
 *
 * Every table in track/ is one of these: the caller chooses the entry size
 * (the key is the first key_size bytes of the entry), the most entries it may
 * ever hold, and what happens when it is full: evict the least recently used
 * entry (flows, name caches) or refuse the insert (devices, destinations).
 * Memory grows by doubling up to the cap and never beyond.
 *
 * Entries are addressed by index (uint32_t), stable for the entry's life;
 * pointers from table_get() are valid only until the next insert, because
 * growth moves the array. Keys are hashed with seeded SipHash; keys must have
 * no uninitialised padding (memset them).
 *
 * Not thread-safe. Out of memory on growth: the insert fails like a full
 * table (the caller counts it), nothing already stored is lost.
 */
#ifndef ALFOIL_LIB_TABLE_H
#define ALFOIL_LIB_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TABLE_NONE UINT32_MAX

struct table;

struct table_type {
	size_t key_size;
	size_t entry_size; /* >= key_size; the key is at offset 0 */
	uint32_t cap;      /* most entries ever held */
	bool evict;        /* full: evict the LRU entry (true) or refuse (false) */
	/* Called before an entry is evicted to make room (not on table_remove). */
	void (*on_evict)(void *ctx, uint32_t idx, void *entry);
	void *ctx;
};

struct table *table_new(const struct table_type *ty);
void table_free(struct table *t);

/* Index of the entry with this key, or TABLE_NONE. Does not touch the LRU. */
uint32_t table_find(struct table *t, const void *key);
/* Find or insert. A new entry is zeroed but for its key, *created set.
 * TABLE_NONE when full (refusing) or out of memory. Either way the entry
 * becomes the most recently used. */
uint32_t table_upsert(struct table *t, const void *key, bool *created);
void *table_get(struct table *t, uint32_t idx);
void table_touch(struct table *t, uint32_t idx);
void table_remove(struct table *t, uint32_t idx);
/* Least recently used entry, or TABLE_NONE when empty. */
uint32_t table_oldest(struct table *t);
/* The entry used next after idx (towards the most recent), or TABLE_NONE:
 * walks the LRU order from table_oldest(). */
uint32_t table_newer(const struct table *t, uint32_t idx);
uint32_t table_count(const struct table *t);
uint64_t table_evictions(const struct table *t);
uint64_t table_refusals(const struct table *t);
/* Bytes allocated, for reports. */
size_t table_memory(const struct table *t);
/* Iterate live entries in insertion-slot order: start with TABLE_NONE,
 * returns TABLE_NONE at the end. */
uint32_t table_next(const struct table *t, uint32_t idx);

#endif
