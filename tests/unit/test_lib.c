/* test_lib.c - the generic pieces: addresses, the bounded table, the string
 * pool, formatting. */
#include "testutil.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/addr.h"
#include "lib/fmt.h"
#include "lib/strpool.h"
#include "lib/swar.h"
#include "lib/table.h"
#include "decode/dns_wire.h"

static enum addr_scope scope_of(const char *s)
{
	struct ip_addr a;
	assert_int_equal(addr_parse(&a, s), 0);
	return addr_scope(&a);
}

static void test_addr_scope(void **state)
{
	(void)state;
	assert_int_equal(scope_of("192.168.1.10"), SCOPE_PRIVATE);
	assert_int_equal(scope_of("10.0.0.1"), SCOPE_PRIVATE);
	assert_int_equal(scope_of("172.16.0.1"), SCOPE_PRIVATE);
	assert_int_equal(scope_of("172.31.255.255"), SCOPE_PRIVATE);
	assert_int_equal(scope_of("172.32.0.1"), SCOPE_GLOBAL);
	assert_int_equal(scope_of("100.64.0.1"), SCOPE_CGNAT);
	assert_int_equal(scope_of("100.127.255.255"), SCOPE_CGNAT);
	assert_int_equal(scope_of("100.128.0.1"), SCOPE_GLOBAL);
	assert_int_equal(scope_of("169.254.3.4"), SCOPE_LINKLOCAL);
	assert_int_equal(scope_of("224.0.0.251"), SCOPE_MULTICAST);
	assert_int_equal(scope_of("239.255.255.250"), SCOPE_MULTICAST);
	assert_int_equal(scope_of("255.255.255.255"), SCOPE_BROADCAST);
	assert_int_equal(scope_of("0.0.0.0"), SCOPE_UNSPEC);
	assert_int_equal(scope_of("127.0.0.1"), SCOPE_LOOPBACK);
	assert_int_equal(scope_of("8.8.8.8"), SCOPE_GLOBAL);
	assert_int_equal(scope_of("192.0.2.1"), SCOPE_RESERVED);
	assert_int_equal(scope_of("fe80::1"), SCOPE_LINKLOCAL);
	assert_int_equal(scope_of("fd00::1"), SCOPE_ULA);
	assert_int_equal(scope_of("ff02::fb"), SCOPE_MULTICAST);
	assert_int_equal(scope_of("::1"), SCOPE_LOOPBACK);
	assert_int_equal(scope_of("::"), SCOPE_UNSPEC);
	assert_int_equal(scope_of("2a00:1450:4001:80b::200e"), SCOPE_GLOBAL);
	assert_int_equal(scope_of("2001:db8::1"), SCOPE_RESERVED);
	struct ip_addr a;
	addr_parse(&a, "192.168.1.1");
	assert_true(addr_is_local(&a));
	addr_parse(&a, "224.0.0.1");
	assert_false(addr_is_local(&a));
	assert_true(addr_is_group(&a));
	/* addr_is_group's and addr_is_local's short cuts agree with
	 * addr_scope() for every first two bytes, the rest all 0x00, all 0xff
	 * or ending in 1, both families */
	for (int fam = 0; fam < 2; fam++)
		for (int fill = 0; fill < 3; fill++)
			for (int b01 = 0; b01 < 65536; b01++) {
				memset(&a, 0, sizeof a);
				uint8_t *p = a.b;
				if (fam == 0) {
					p[10] = p[11] = 0xff;
					p += 12;
				}
				size_t n = fam == 0 ? 4 : 16;
				memset(p, fill == 1 ? 0xff : 0, n);
				if (fill == 2)
					p[n - 1] = 1;
				p[0] = (uint8_t)(b01 >> 8);
				p[1] = (uint8_t)b01;
				enum addr_scope sc = addr_scope(&a);
				assert_int_equal(addr_is_group(&a), sc == SCOPE_MULTICAST || sc == SCOPE_BROADCAST);
				bool local = sc == SCOPE_UNSPEC || sc == SCOPE_LOOPBACK || sc == SCOPE_PRIVATE ||
					     sc == SCOPE_CGNAT || sc == SCOPE_LINKLOCAL || sc == SCOPE_ULA;
				assert_int_equal(addr_is_local(&a), local);
			}
}

static void test_addr_text(void **state)
{
	(void)state;
	struct ip_addr a;
	char buf[ADDR_STRLEN];
	assert_int_equal(addr_parse(&a, "1.2.3.4"), 0);
	assert_true(addr_is_v4(&a));
	assert_string_equal(addr_fmt(&a, buf), "1.2.3.4");
	assert_int_equal(addr_parse(&a, "2001:DB8:0:0:0:0:0:1"), 0);
	assert_false(addr_is_v4(&a));
	assert_string_equal(addr_fmt(&a, buf), "2001:db8::1");
	assert_int_equal(addr_parse(&a, "1.2.3"), -1);

	uint8_t mac[6];
	char mb[MAC_STRLEN];
	assert_int_equal(mac_parse(mac, "78:11:DC:aa:bb:0c"), 0);
	assert_string_equal(mac_fmt(mac, mb), "78:11:dc:aa:bb:0c");
	assert_false(mac_is_local_admin(mac));
	assert_int_equal(mac_parse(mac, "5e-11-dc-aa-bb-0c"), 0);
	assert_true(mac_is_local_admin(mac));
	assert_int_equal(mac_parse(mac, "5e:11:dc:aa:bb"), -1);
	assert_int_equal(mac_parse(mac, "5e:11:dc:aa:bb:0c:"), -1);
	assert_int_equal(mac_parse(mac, "zz:11:dc:aa:bb:0c"), -1);
}

struct ent {
	uint32_t key;
	uint32_t val;
};

static int evicted;
static void on_evict(void *ctx, uint32_t idx, void *e)
{
	(void)ctx;
	(void)idx;
	(void)e;
	evicted++;
}

static void test_table_evict(void **state)
{
	(void)state;
	struct table_type ty = { sizeof(uint32_t), sizeof(struct ent), 1000, true, on_evict, NULL };
	struct table *t = table_new(&ty);
	assert_non_null(t);
	evicted = 0;
	for (uint32_t k = 0; k < 5000; k++) {
		bool created;
		uint32_t i = table_upsert(t, &k, &created);
		assert_int_not_equal(i, TABLE_NONE);
		assert_true(created);
		((struct ent *)table_get(t, i))->val = k * 2;
	}
	assert_int_equal(table_count(t), 1000);
	assert_int_equal(evicted, 4000);
	assert_int_equal(table_evictions(t), 4000);
	/* the newest 1000 survive, with their values */
	for (uint32_t k = 0; k < 5000; k++) {
		uint32_t i = table_find(t, &k);
		if (k < 4000) {
			assert_int_equal(i, TABLE_NONE);
		} else {
			assert_int_not_equal(i, TABLE_NONE);
			assert_int_equal(((struct ent *)table_get(t, i))->val, k * 2);
		}
	}
	/* touching an old entry protects it from the next eviction */
	uint32_t k4000 = 4000, k9 = 9999;
	table_touch(t, table_find(t, &k4000));
	table_upsert(t, &k9, NULL);
	assert_int_not_equal(table_find(t, &k4000), TABLE_NONE);
	uint32_t k4001 = 4001;
	assert_int_equal(table_find(t, &k4001), TABLE_NONE);
	assert_true(table_memory(t) < 1000 * 64);
	table_free(t);
}

static void test_table_refuse_and_remove(void **state)
{
	(void)state;
	struct table_type ty = { sizeof(uint32_t), sizeof(struct ent), 100, false, NULL, NULL };
	struct table *t = table_new(&ty);
	for (uint32_t k = 0; k < 100; k++)
		assert_int_not_equal(table_upsert(t, &k, NULL), TABLE_NONE);
	uint32_t k = 100;
	assert_int_equal(table_upsert(t, &k, NULL), TABLE_NONE);
	assert_int_equal(table_refusals(t), 1);
	/* remove every other key; the rest stay findable (backward shift) */
	for (uint32_t j = 0; j < 100; j += 2)
		table_remove(t, table_find(t, &j));
	assert_int_equal(table_count(t), 50);
	for (uint32_t j = 0; j < 100; j++)
		assert_true((table_find(t, &j) == TABLE_NONE) == (j % 2 == 0));
	uint32_t n = 0;
	for (uint32_t i = table_next(t, TABLE_NONE); i != TABLE_NONE; i = table_next(t, i))
		n++;
	assert_int_equal(n, 50);
	assert_int_equal(table_upsert(t, &k, NULL) != TABLE_NONE, 1);
	table_free(t);
}

static void test_strpool(void **state)
{
	(void)state;
	struct strpool *sp = strpool_new(1 << 20);
	uint32_t a = strpool_intern(sp, "Ot.IO.mi.com", 12, 1);
	uint32_t b = strpool_intern(sp, "ot.io.mi.com", 12, 0);
	assert_int_not_equal(a, 0);
	assert_int_equal(a, b);
	assert_string_equal(strpool_str(sp, a), "ot.io.mi.com");
	assert_int_equal(strpool_intern(sp, "", 0, 0), 0);
	assert_string_equal(strpool_str(sp, 0), "");
	uint32_t c = strpool_intern(sp, "Pixel-7", 7, 0);
	assert_string_equal(strpool_str(sp, c), "Pixel-7");
	assert_int_equal(strpool_lookup(sp, "pixel-7", 7, 0), 0);
	/* printable and valid UTF-8 whatever comes in */
	static const char raw[] = "caf\xc3\xa9 \x01\xff\xc3(\xed\xa0\x80!";
	uint32_t u = strpool_intern(sp, raw, sizeof raw - 1, 0);
	assert_string_equal(strpool_str(sp, u), "caf\xc3\xa9 ?" "?" "?(" "?" "?" "?!");
	u = strpool_intern(sp, "\xf0\x9f\x92\xa1 bulb", 9, 1);
	assert_string_equal(strpool_str(sp, u), "\xf0\x9f\x92\xa1 bulb");
	/* many strings: ids stay stable and distinct */
	char buf[32];
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(buf, sizeof buf, "host-%d.example", i);
		assert_int_not_equal(strpool_intern(sp, buf, (size_t)n, 1), 0);
	}
	assert_int_equal(strpool_count(sp), 20004);
	assert_string_equal(strpool_str(sp, a), "ot.io.mi.com");
	strpool_free(sp);

	/* the ceiling refuses, and keeps what it has */
	sp = strpool_new(4096);
	uint32_t first = strpool_intern(sp, "first", 5, 0);
	int refused = 0;
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(buf, sizeof buf, "name-%d", i);
		refused += strpool_intern(sp, buf, (size_t)n, 0) == 0;
	}
	assert_true(refused > 0);
	assert_int_equal(strpool_refused(sp), (uint64_t)refused);
	assert_string_equal(strpool_str(sp, first), "first");
	strpool_free(sp);
}

static void test_fmt(void **state)
{
	(void)state;
	char b[16], c[32];
	assert_string_equal(fmt_bytes(b, 512), "512 B");
	assert_string_equal(fmt_bytes(b, 1500), "1.5 kB");
	assert_string_equal(fmt_bytes(b, 41000000), "41 MB");
	assert_string_equal(fmt_count(c, 1234567), "1,234,567");
	assert_string_equal(fmt_count(c, 12), "12");
	assert_string_equal(fmt_time(c, 1793520000000123ull, 1), "2026-11-01T08:00:00.000123Z");
	assert_string_equal(fmt_duration(c, 603000000ull), "10m 3s");
}

/* The word-at-a-time tests against byte-by-byte answers, on words built
 * from the bytes around every boundary they test. */
static void test_swar(void **state)
{
	(void)state;
	static const uint8_t pick[] = { 0x00, 0x01, 0x1f, 0x20, 0x21, 0x2d, 0x2e, 0x2f, '@', 'A', 'M',
					'Z', '[', '`', 'a', 'z', 0x7e, 0x7f, 0x80, 0x81, 0xc3, 0xfe, 0xff };
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (int round = 0; round < 200000; round++) {
		uint8_t b[8];
		for (int i = 0; i < 8; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			b[i] = (x & 3) ? pick[(x >> 8) % sizeof pick] : (uint8_t)(x >> 16);
		}
		uint64_t w = swar_load(b);
		bool zero = false, dot = false, less = false, ascii = true;
		for (int i = 0; i < 8; i++) {
			zero |= b[i] == 0;
			dot |= b[i] == '.';
			less |= b[i] < 0x20;
			ascii &= b[i] < 0x80;
		}
		assert_int_equal(swar_has_zero(w) != 0, zero);
		assert_int_equal(swar_has_byte(w, '.') != 0, dot);
		assert_int_equal(swar_has_less(w, 0x20) != 0, less);
		if (ascii) {
			uint8_t l[8];
			uint64_t lw = swar_ascii_lower(w);
			memcpy(l, &lw, 8);
			for (int i = 0; i < 8; i++)
				assert_int_equal(l[i], b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i]);
		}
	}
}

/* Names and strings long enough for the word-at-a-time paths, with an
 * odd byte at every position. */
static void test_fast_paths(void **state)
{
	(void)state;
	static const uint8_t odd[] = { 'Q', 0x01, 0x7f, '.', 0xff, 0xc3 };
	struct strpool *sp = strpool_new(1 << 20);
	for (size_t k = 0; k < sizeof odd; k++)
		for (size_t at = 0; at < 40; at++) {
			uint8_t lab[40];
			for (size_t i = 0; i < sizeof lab; i++)
				lab[i] = (uint8_t)('a' + i % 26);
			lab[at] = odd[k];
			/* as a DNS label */
			uint8_t msg[64] = { 40 };
			memcpy(msg + 1, lab, 40);
			char out[DNS_NAME_MAX + 1];
			size_t off = 0;
			assert_int_equal(dns_read_name(msg, 42, &off, out), 40);
			for (size_t i = 0; i < 40; i++) {
				uint8_t want = lab[i] < 0x20 || lab[i] == 0x7f || lab[i] == '.' ? '?' : lab[i];
				assert_int_equal((uint8_t)out[i], want);
			}
			/* as a string to intern, lower-cased */
			const char *s = strpool_str(sp, strpool_intern(sp, (const char *)lab, 40, 1));
			assert_int_equal(strlen(s), 40);
			for (size_t i = 0; i < 40; i++) {
				uint8_t want = lab[i];
				if (want >= 'A' && want <= 'Z')
					want = (uint8_t)(want + 32);
				else if (want < 0x20 || want == 0x7f || want >= 0x80)
					want = '?'; /* a lone 0xff or 0xc3 is not UTF-8 */
				assert_int_equal((uint8_t)s[i], want);
			}
		}
	strpool_free(sp);
}

/* IPv4 written by hand, checked against inet_ntop for every value of every
 * byte. */
static void test_addr_fmt_v4(void **state)
{
	(void)state;
	for (int pos = 0; pos < 4; pos++)
		for (int v = 0; v < 256; v++) {
			uint8_t b[4] = { 10, 200, 3, 99 };
			b[pos] = (uint8_t)v;
			struct ip_addr a;
			addr_from_v4(&a, b);
			char got[ADDR_STRLEN], want[ADDR_STRLEN];
			assert_non_null(inet_ntop(AF_INET, b, want, sizeof want));
			assert_string_equal(addr_fmt(&a, got), want);
		}
	struct ip_addr a;
	char got[ADDR_STRLEN];
	addr_from_v4(&a, (const uint8_t *)"\xff\xff\xff\xff");
	assert_string_equal(addr_fmt(&a, got), "255.255.255.255");
	addr_from_v4(&a, (const uint8_t *)"\0\0\0\0");
	assert_string_equal(addr_fmt(&a, got), "0.0.0.0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_scope),
		cmocka_unit_test(test_addr_text),
		cmocka_unit_test(test_addr_fmt_v4),
		cmocka_unit_test(test_table_evict),
		cmocka_unit_test(test_table_refuse_and_remove),
		cmocka_unit_test(test_strpool),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_swar),
		cmocka_unit_test(test_fast_paths),
	};
	return cmocka_run_group_tests_name("lib", tests, NULL, NULL);
}
