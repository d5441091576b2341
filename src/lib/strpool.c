/* strpool.c - string interning (see strpool.h).
 *
 * Strings are packed NUL-terminated into 64 KiB chunks that never move; an
 * open-addressing index maps a seeded hash to ids; ids index an array of
 * pointers. All three grow by doubling and stop at the byte ceiling.
 */
#include "lib/strpool.h"
#include "lib/swar.h"
#include "lib/utf8.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/siphash.h"

#define CHUNK (64u * 1024u)

struct strpool {
	size_t max_bytes, used_bytes;
	uint8_t seed[16];
	char **chunks;
	size_t nchunks, chunk_used; /* bytes used in the last chunk */
	const char **strs;          /* id -> string; strs[0] = "" */
	uint32_t *hashes;           /* id -> hash */
	uint32_t nstrs, strs_alloc;
	uint32_t *slots;            /* index: id or 0 */
	uint32_t mask;
	uint64_t refused;
};

struct strpool *strpool_new(size_t max_bytes)
{
	struct strpool *sp = calloc(1, sizeof *sp);
	if (!sp)
		return NULL;
	sp->max_bytes = max_bytes;
	siphash_seed(sp->seed);
	sp->strs_alloc = 256;
	sp->strs = malloc(sp->strs_alloc * sizeof *sp->strs);
	sp->hashes = malloc(sp->strs_alloc * sizeof *sp->hashes);
	sp->mask = 511;
	sp->slots = calloc(sp->mask + 1, sizeof *sp->slots);
	if (!sp->strs || !sp->hashes || !sp->slots) {
		strpool_free(sp);
		return NULL;
	}
	sp->strs[0] = "";
	sp->hashes[0] = 0;
	sp->nstrs = 1;
	return sp;
}

/* What sp holds, not sp itself. */
static void release(struct strpool *sp)
{
	for (size_t i = 0; i < sp->nchunks; i++)
		free(sp->chunks[i]);
	free(sp->chunks);
	free(sp->strs);
	free(sp->hashes);
	free(sp->slots);
}

void strpool_free(struct strpool *sp)
{
	if (!sp)
		return;
	release(sp);
	free(sp);
}

/* Normalise into buf: cut to STRPOOL_MAXLEN, maybe lower-cased, and made
 * safe to print and to put in JSON (lib/utf8.h): control characters, bytes
 * that are not valid UTF-8 and the characters that reorder or hide text
 * (bidi overrides, zero-width ...) become '?', one for each. Returns the
 * length, at most the length given. */
static size_t norm(char buf[static STRPOOL_MAXLEN], const char *s, size_t len, int lower)
{
	const unsigned char *u = (const unsigned char *)s;
	if (len > STRPOOL_MAXLEN)
		len = STRPOOL_MAXLEN;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) { /* printable ASCII: a word at a time */
		uint64_t w = swar_load(u + i);
		if ((w & SWAR_HIGH) | swar_has_less(w, 0x20) | swar_has_byte(w, 0x7f))
			break;
		if (lower)
			w = swar_ascii_lower(w);
		memcpy(buf + i, &w, 8);
	}
	size_t o = i;
	while (i < len) {
		size_t k = utf8_seq(u + i, len - i);
		if (k == 1) {
			char c = (char)u[i];
			if (lower && c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			buf[o++] = u[i] < 0x20 || u[i] == 0x7f ? '?' : c;
			i++;
		} else if (k == 0) {
			buf[o++] = '?';
			i++;
		} else {
			if (utf8_hidden(utf8_decode(u + i, k)))
				buf[o++] = '?';
			else {
				memcpy(buf + o, u + i, k);
				o += k;
			}
			i += k;
		}
	}
	return o;
}

static uint32_t find(const struct strpool *sp, const char *s, size_t len, uint32_t h,
		     uint32_t *slot)
{
	uint32_t i = h & sp->mask;
	for (;;) {
		uint32_t id = sp->slots[i];
		if (id == 0) {
			*slot = i;
			return 0;
		}
		if (sp->hashes[id] == h && strncmp(sp->strs[id], s, len) == 0 &&
		    sp->strs[id][len] == '\0') {
			*slot = i;
			return id;
		}
		i = (i + 1) & sp->mask;
	}
}

uint32_t strpool_lookup(const struct strpool *sp, const char *s, size_t len, int lower)
{
	char buf[STRPOOL_MAXLEN];
	uint32_t slot;
	if (len == 0)
		return 0;
	len = norm(buf, s, len, lower);
	return find(sp, buf, len, (uint32_t)siphash13(buf, len, sp->seed), &slot);
}

static bool grow_index(struct strpool *sp)
{
	uint32_t nsz = (sp->mask + 1) * 2;
	uint32_t *slots = calloc(nsz, sizeof *slots);
	if (!slots)
		return false;
	free(sp->slots);
	sp->slots = slots;
	sp->mask = nsz - 1;
	for (uint32_t id = 1; id < sp->nstrs; id++) {
		uint32_t i = sp->hashes[id] & sp->mask;
		while (sp->slots[i])
			i = (i + 1) & sp->mask;
		sp->slots[i] = id;
	}
	return true;
}

static char *store(struct strpool *sp, const char *s, size_t len)
{
	if (sp->nchunks == 0 || sp->chunk_used + len + 1 > CHUNK) {
		char **c = realloc(sp->chunks, (sp->nchunks + 1) * sizeof *c);
		if (!c)
			return NULL;
		sp->chunks = c;
		if (!(c[sp->nchunks] = malloc(CHUNK)))
			return NULL;
		sp->nchunks++;
		sp->chunk_used = 0;
	}
	char *d = sp->chunks[sp->nchunks - 1] + sp->chunk_used;
	memcpy(d, s, len);
	d[len] = '\0';
	sp->chunk_used += len + 1;
	return d;
}

/* Store a new string (normalised, hash h, its free index slot). */
static uint32_t add(struct strpool *sp, const char *buf, size_t len, uint32_t h, uint32_t slot)
{
	size_t cost = len + 1 + sizeof(char *) + 3 * sizeof(uint32_t);
	if (sp->used_bytes + cost > sp->max_bytes || sp->nstrs == UINT32_MAX) {
		sp->refused++;
		return 0;
	}
	if (sp->nstrs == sp->strs_alloc) {
		uint32_t n = sp->strs_alloc * 2;
		const char **st = realloc(sp->strs, n * sizeof *st);
		if (!st)
			goto oom;
		sp->strs = st;
		uint32_t *hs = realloc(sp->hashes, n * sizeof *hs);
		if (!hs)
			goto oom;
		sp->hashes = hs;
		sp->strs_alloc = n;
	}
	if ((uint64_t)(sp->nstrs + 1) * 2 > (uint64_t)sp->mask + 1) {
		if (!grow_index(sp))
			goto oom;
		find(sp, buf, len, h, &slot);
	}
	char *d = store(sp, buf, len);
	if (!d)
		goto oom;
	uint32_t id = sp->nstrs++;
	sp->strs[id] = d;
	sp->hashes[id] = h;
	sp->slots[slot] = id;
	sp->used_bytes += cost;
	return id;
oom:
	sp->refused++;
	return 0;
}

uint32_t strpool_intern(struct strpool *sp, const char *s, size_t len, int lower)
{
	char buf[STRPOOL_MAXLEN];
	uint32_t slot;
	if (len == 0)
		return 0;
	len = norm(buf, s, len, lower);
	uint32_t h = (uint32_t)siphash13(buf, len, sp->seed);
	uint32_t id = find(sp, buf, len, h, &slot);
	return id ? id : add(sp, buf, len, h, slot);
}

const char *strpool_str(const struct strpool *sp, uint32_t id)
{
	return id < sp->nstrs ? sp->strs[id] : "";
}

uint32_t strpool_count(const struct strpool *sp)
{
	return sp->nstrs - 1;
}

uint64_t strpool_refused(const struct strpool *sp)
{
	return sp->refused;
}

size_t strpool_memory(const struct strpool *sp)
{
	return sp->nchunks * CHUNK + sp->strs_alloc * (sizeof(char *) + 4) +
	       (sp->mask + 1) * 4u + sizeof *sp;
}

struct strpool *strpool_clone(const struct strpool *sp)
{
	struct strpool *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->max_bytes = sp->max_bytes;
	c->used_bytes = sp->used_bytes;
	memcpy(c->seed, sp->seed, sizeof c->seed);
	c->chunk_used = sp->chunk_used;
	c->refused = sp->refused;
	c->mask = sp->mask;
	c->strs_alloc = sp->nstrs;
	c->strs = malloc(sp->nstrs * sizeof *c->strs);
	c->hashes = malloc(sp->nstrs * sizeof *c->hashes);
	c->slots = malloc(((size_t)sp->mask + 1) * sizeof *c->slots);
	c->chunks = calloc(sp->nchunks ? sp->nchunks : 1, sizeof *c->chunks);
	if (!c->strs || !c->hashes || !c->slots || !c->chunks)
		goto fail;
	for (; c->nchunks < sp->nchunks; c->nchunks++) {
		/* the last chunk: only its used part */
		size_t n = c->nchunks + 1 == sp->nchunks ? sp->chunk_used : CHUNK;
		if (!(c->chunks[c->nchunks] = malloc(CHUNK)))
			goto fail;
		memcpy(c->chunks[c->nchunks], sp->chunks[c->nchunks], n);
	}
	memcpy(c->hashes, sp->hashes, sp->nstrs * sizeof *c->hashes);
	memcpy(c->slots, sp->slots, ((size_t)sp->mask + 1) * sizeof *c->slots);
	c->strs[0] = "";
	/* strings are stored in id order, chunk after chunk */
	size_t ci = 0;
	for (uint32_t id = 1; id < sp->nstrs; id++) {
		uintptr_t p = (uintptr_t)sp->strs[id];
		while (ci < sp->nchunks &&
		       (p < (uintptr_t)sp->chunks[ci] || p >= (uintptr_t)sp->chunks[ci] + CHUNK))
			ci++;
		if (ci == sp->nchunks)
			goto fail; /* cannot happen: every string is in a chunk */
		c->strs[id] = c->chunks[ci] + (p - (uintptr_t)sp->chunks[ci]);
	}
	c->nstrs = sp->nstrs;
	return c;
fail:
	strpool_free(c);
	return NULL;
}

size_t strpool_bytes(const struct strpool *sp)
{
	return sp->used_bytes;
}

size_t strpool_cost(const struct strpool *sp, uint32_t id)
{
	return id && id < sp->nstrs ? strlen(sp->strs[id]) + 1 + sizeof(char *) + 3 * sizeof(uint32_t) : 0;
}

size_t strpool_compact(struct strpool *sp, const uint64_t *live, uint32_t *remap)
{
	struct strpool *n = strpool_new(sp->max_bytes);
	if (!n)
		return 0;
	memcpy(n->seed, sp->seed, sizeof n->seed); /* the hashes stay valid */
	remap[0] = 0;
	for (uint32_t id = 1; id < sp->nstrs; id++) {
		remap[id] = 0;
		if (!(live[id >> 6] >> (id & 63) & 1))
			continue;
		size_t len = strlen(sp->strs[id]);
		uint32_t slot;
		find(n, sp->strs[id], len, sp->hashes[id], &slot);
		if (!(remap[id] = add(n, sp->strs[id], len, sp->hashes[id], slot))) {
			strpool_free(n); /* out of memory: nothing changed */
			return 0;
		}
	}
	size_t freed = sp->used_bytes - n->used_bytes;
	n->refused = sp->refused;
	release(sp);
	*sp = *n;
	free(n);
	return freed ? freed : 1;
}
