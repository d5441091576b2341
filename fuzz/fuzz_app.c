/* fuzz_app.c - libFuzzer target for one application decoder, chosen at
 * build time with -DFUZZ_FN=app_xxx (see the fuzz rules in the Makefile).
 * The input is one transport payload; the decoder must not read outside it,
 * and every observation it emits is checked for sane string lengths and
 * touched byte by byte so ASan sees bad pointers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/app.h"

#ifndef FUZZ_FN
#error "build with -DFUZZ_FN=app_dns (or another app_* decoder)"
#endif

static unsigned touch(const void *p, size_t n)
{
	const volatile uint8_t *b = p;
	unsigned x = 0;
	for (size_t i = 0; i < n; i++)
		x += b[i];
	return x;
}

static void emit(void *user, const struct obs *o)
{
	unsigned *sum = user;
	if (o->len > 70000 || o->len2 > 70000 || o->nbytes > 70000)
		abort();
	if (o->str)
		*sum += touch(o->str, o->len);
	if (o->str2)
		*sum += touch(o->str2, o->len2);
	if (o->bytes)
		*sum += touch(o->bytes, o->nbytes);
}

static char scratch[64 * 1024];

#ifdef FUZZ_TLS_NEED
/* The fingerprints a run gave, to compare runs with and without the cache. */
struct fps {
	unsigned sum;
	char ja3[33], ja4[37];
};

static void emit_fp(void *user, const struct obs *o)
{
	struct fps *f = user;
	emit(&f->sum, o);
	if (o->kind == OBS_TLS_JA3 && o->len == 32)
		memcpy(f->ja3, o->str, 32);
	if (o->kind == OBS_TLS_JA4 && o->len == 36)
		memcpy(f->ja4, o->str, 36);
}

static struct tls_fp_cache cache;
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned sum = 0;
	/* an exact-size copy: libFuzzer's buffer already is, but keep it so
	 * the harness stays correct when run by a replay driver */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	struct obs_sink sink = { emit, &sum, scratch, sizeof scratch, 0, NULL };
	int r = FUZZ_FN(copy, size, &sink);
	if (r > 0)
		abort(); /* the contract: DEC_OK or a negative code */
#ifdef FUZZ_TLS_NEED
	long need = app_tls_need(copy, size);
	if (need < -1)
		abort();
	/* the same hello through the cache twice (filling it, then from it)
	 * gives the fingerprints it gives without */
	struct fps plain = { 0 };
	struct obs_sink ps = { emit_fp, &plain, scratch, sizeof scratch, 0, NULL };
	app_tls(copy, size, &ps);
	for (int round = 0; round < 2; round++) {
		struct fps c = { 0 };
		struct obs_sink cs = { emit_fp, &c, scratch, sizeof scratch, 0, &cache };
		app_tls(copy, size, &cs);
		if (memcmp(plain.ja3, c.ja3, sizeof c.ja3) || memcmp(plain.ja4, c.ja4, sizeof c.ja4))
			abort();
	}
#endif
	free(copy);
	return 0;
}
