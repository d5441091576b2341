/* testutil.h - what every cmocka unit test includes. */
#ifndef ALFOIL_TESTUTIL_H
#define ALFOIL_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decode/obs.h"

/* A packet being built by a test. */
struct buf {
	uint8_t b[1024];
	size_t n;
	uint8_t *h; /* an exact-size heap copy, for tests that keep one */
};

static inline void put(struct buf *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof b->b);
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static inline void put8(struct buf *b, unsigned v)
{
	uint8_t x = (uint8_t)v;
	put(b, &x, 1);
}

static inline void put16(struct buf *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static inline void put32(struct buf *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v & 0xffff);
}

/* An exact-size heap copy, so ASan sees any read past n. */
static inline uint8_t *heap(const uint8_t *p, size_t n)
{
	uint8_t *h = malloc(n);
	if (n) {
		assert_non_null(h);
		memcpy(h, p, n);
	}
	return h;
}

/* Collects observations emitted by an application decoder. */
#define TU_MAX_OBS 64
struct tu_obs {
	enum obs_kind kind;
	char str[512];
	char str2[512];
	uint8_t bytes[256];
	size_t nbytes;
	struct ip_addr addr;
	uint8_t mac[6];
	uint64_t num, num2;
};

struct tu_sink {
	struct obs_sink sink;
	char scratch[4096];
	struct tu_obs obs[TU_MAX_OBS];
	int n;
};

static void tu_emit(void *user, const struct obs *o)
{
	struct tu_sink *t = user;
	if (t->n >= TU_MAX_OBS)
		return;
	struct tu_obs *d = &t->obs[t->n++];
	memset(d, 0, sizeof *d);
	d->kind = o->kind;
	if (o->str)
		memcpy(d->str, o->str, o->len < 511 ? o->len : 511);
	if (o->str2)
		memcpy(d->str2, o->str2, o->len2 < 511 ? o->len2 : 511);
	if (o->bytes) {
		d->nbytes = o->nbytes < 256 ? o->nbytes : 256;
		memcpy(d->bytes, o->bytes, d->nbytes);
	}
	d->addr = o->addr;
	memcpy(d->mac, o->mac, 6);
	d->num = o->num;
	d->num2 = o->num2;
}

static inline void tu_sink_init(struct tu_sink *t)
{
	memset(t, 0, sizeof *t);
	t->sink.emit = tu_emit;
	t->sink.user = t;
	t->sink.scratch = t->scratch;
	t->sink.scratch_cap = sizeof t->scratch;
}

/* The first observation of a kind, or NULL. */
static inline const struct tu_obs *tu_find(const struct tu_sink *t, enum obs_kind k)
{
	for (int i = 0; i < t->n; i++)
		if (t->obs[i].kind == k)
			return &t->obs[i];
	return NULL;
}

static inline int tu_count(const struct tu_sink *t, enum obs_kind k)
{
	int c = 0;
	for (int i = 0; i < t->n; i++)
		c += t->obs[i].kind == k;
	return c;
}

/* The first observation of kind k whose str equals s, or NULL. */
static inline const struct tu_obs *tu_find_str(const struct tu_sink *t, enum obs_kind k, const char *s)
{
	for (int i = 0; i < t->n; i++)
		if (t->obs[i].kind == k && strcmp(t->obs[i].str, s) == 0)
			return &t->obs[i];
	return NULL;
}

/* Run an application decoder on every proper prefix of p (and on p), each
 * in an exact-size heap copy so AddressSanitizer sees any read past the end.
 * Returns how many proper prefixes decoded with status 0. */
typedef int (*tu_app_fn)(const uint8_t *p, size_t len, struct obs_sink *sink);
static inline int tu_every_prefix(tu_app_fn fn, const uint8_t *p, size_t len)
{
	int ok = 0;
	for (size_t k = 0; k <= len; k++) {
		struct tu_sink *s = malloc(sizeof *s);
		uint8_t *copy = malloc(k ? k : 1);
		assert_non_null(s);
		assert_non_null(copy);
		tu_sink_init(s);
		if (k)
			memcpy(copy, p, k);
		int r = fn(copy, k, &s->sink);
		assert_true(r <= 0);
		if (k < len && r == 0)
			ok++;
		free(copy);
		free(s);
	}
	return ok;
}

#endif
