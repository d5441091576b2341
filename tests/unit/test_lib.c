/* test_lib.c - the generic pieces: addresses, the bounded table, the string
 * pool, formatting. */
#include "testutil.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/addr.h"
#include "lib/community_id.h"
#include "lib/fmt.h"
#include "lib/strpool.h"
#include "lib/swar.h"
#include "lib/table.h"
#include "lib/utf8.h"
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

/* The hostile strings of tests/captures/hostile_text.py, each as UTF-8. */
static void test_utf8_hidden(void **state)
{
	(void)state;
	static const uint32_t hidden[] = { 0x00, 0x1b, 0x7f, 0x80, 0x85, 0x9b, 0x9f, 0xad, 0x061c, 0x180e,
					   0x200b, 0x200d, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202e,
					   0x2060, 0x2066, 0x2069, 0xfeff, 0xfff9, 0x1bca0, 0xe0001, 0xe0041 };
	static const uint32_t shown[] = { 0x20, 'a', '~', 0xa0, 0xe9, 0x0627, 0x05d0, 0x2010, 0x2027,
					  0x202f, 0x2070, 0xfffd, 0x1f4a1, 0xe0080, 0x4e2d };
	for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
		assert_true(utf8_hidden(hidden[i]));
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
		assert_false(utf8_hidden(shown[i]));
}

static void test_utf8_clean(void **state)
{
	(void)state;
	char out[256];
	/* "evil\u202Egnp.exe" would show as "evilexe.png" */
	static const char bidi[] = "evil\xe2\x80\xaegnp.exe";
	size_t n = utf8_clean(out, bidi, sizeof bidi - 1, 0);
	assert_int_equal(n, 12);
	assert_memory_equal(out, "evil?gnp.exe", 12);
	assert_false(utf8_is_clean(bidi, sizeof bidi - 1, 0));
	/* C1 as UTF-8 (U+0085, U+009B), a raw 8-bit CSI, ESC, an isolate pair,
	 * marks, a zero-width space, a BOM, a tag character: one '?' each */
	static const char mix[] = "a\xc2\x85" "b\xc2\x9b" "c\x9b" "d\x1b[" "e\xe2\x81\xa6" "f\xe2\x81\xa9"
				  "g\xe2\x80\x8f\xd8\x9c\xe2\x80\x8b\xef\xbb\xbf\xf3\xa0\x81\x81" "h";
	n = utf8_clean(out, mix, sizeof mix - 1, 0);
	out[n] = '\0';
	assert_string_equal(out, "a?b?c?d?[e?f?g?????h");
	/* what is shown stays as it is, and says so */
	static const char fine[] = "caf\xc3\xa9 \xe4\xb8\xad \xd8\xa7 \xf0\x9f\x92\xa1 plain ASCII text, long";
	assert_true(utf8_is_clean(fine, sizeof fine - 1, 0));
	n = utf8_clean(out, fine, sizeof fine - 1, 0);
	assert_int_equal(n, sizeof fine - 1);
	assert_memory_equal(out, fine, n);
	/* newline and tab only in a document */
	assert_false(utf8_is_clean("a\nb\tc", 5, 0));
	assert_true(utf8_is_clean("a\nb\tc", 5, UTF8_KEEP_LINES));
	assert_false(utf8_is_clean("a\rb", 3, UTF8_KEEP_LINES));
	/* U+FFFD for each replaced byte or character; overlong, surrogate,
	 * past U+10FFFF and cut short are each invalid */
	static const char bad[] = "x\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x80";
	n = utf8_clean(out, bad, sizeof bad - 1, UTF8_FFFD);
	assert_int_equal(n, 1 + 11 * 3);
	for (size_t i = 1; i < n; i += 3)
		assert_memory_equal(out + i, "\xef\xbf\xbd", 3);
	/* in place (never longer without UTF8_FFFD) */
	char buf[] = "ab\xe2\x80\xae" "cd";
	n = utf8_clean(buf, buf, sizeof buf - 1, 0);
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "ab?cd", 5);
}

static void test_strpool_hidden(void **state)
{
	(void)state;
	struct strpool *sp = strpool_new(1 << 20);
	static const char host[] = "EVIL\xe2\x80\xaegnp.exe\xc2\x85\xe2\x81\xa6x";
	uint32_t id = strpool_intern(sp, host, sizeof host - 1, 1);
	assert_string_equal(strpool_str(sp, id), "evil?gnp.exe??x");
	/* the same name looked up as it came in */
	assert_int_equal(strpool_lookup(sp, host, sizeof host - 1, 1), id);
	/* a long ASCII run then a hidden character after the word-at-a-time part */
	static const char longer[] = "abcdefghijklmnop\xe2\x80\x8fq";
	id = strpool_intern(sp, longer, sizeof longer - 1, 0);
	assert_string_equal(strpool_str(sp, id), "abcdefghijklmnop?q");
	strpool_free(sp);
}

static void test_addr_ip4in6(void **state)
{
	(void)state;
	static const struct {
		const char *v6, *kind, *v4;
	} cases[] = {
		{ "64:ff9b::2f66:618c", "nat64", "47.102.97.140" },
		{ "64:ff9b:1::2e04:1", "nat64", "46.4.0.1" },
		{ "2002:85f2:1::1", "6to4", "133.242.0.1" },
		{ "2001:0:4136:e378:8000:63bf:375f:fdfc", "teredo", "200.160.2.3" },
		{ "64:ff9b:1:1::2e04:1", "", NULL }, /* another length of the /48: not read */
		{ "2001:db8::1", "", NULL },
		{ "2a00:1450::1", "", NULL },
		{ "47.102.97.140", "", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ip_addr a, v4;
		char buf[ADDR_STRLEN];
		assert_int_equal(addr_parse(&a, cases[i].v6), 0);
		enum addr_ip4in6 k = addr_ip4in6(&a, &v4);
		assert_string_equal(addr_ip4in6_name(k), cases[i].kind);
		if (cases[i].v4)
			assert_string_equal(addr_fmt(&v4, buf), cases[i].v4);
	}
	/* a NAT64 address is where its IPv4 address is */
	assert_int_equal(scope_of("64:ff9b::2f66:618c"), SCOPE_GLOBAL);
	assert_int_equal(scope_of("64:ff9b::c0a8:109"), SCOPE_RESERVED);
	assert_int_equal(scope_of("64:ff9b::a00:1"), SCOPE_RESERVED);
	assert_int_equal(scope_of("2002:85f2:1::1"), SCOPE_GLOBAL);
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

/* The spec's baseline (community-id-spec, baseline/baseline_deflt.json:
 * seed 0, base64), every entry: ICMP's type and code given as the ports,
 * as the baseline lists them; most flows twice, once from each side. */
static void test_community_id(void **state)
{
	(void)state;
	static const struct {
		uint8_t proto;
		const char *src, *dst;
		uint16_t sport, dport;
		const char *want;
	} v[] = {
		{ 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
		{ 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
		{ 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136, "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
		{ 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 135, "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
		{ 58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0, "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=" },
		{ 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4, "1:hLZd0XGWojozrvxqE0dWB1iM6R0=" },
		{ 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
		{ 58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
		{ 58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=" },
		{ 58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133, "1:pkvHqCL88/tg1k4cPigmZXUtL00=" },
		{ 1, "192.168.0.89", "192.168.0.1", 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
		{ 1, "192.168.0.1", "192.168.0.89", 0, 8, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
		{ 1, "10.0.0.1", "10.0.0.2", 11, 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM=" },
		{ 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
		{ 6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
		{ 132, "192.168.170.8", "192.168.170.56", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
		{ 132, "192.168.170.56", "192.168.170.8", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
		{ 6, "128.232.110.120", "66.35.250.204", 34855, 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
		{ 6, "66.35.250.204", "128.232.110.120", 80, 34855, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
		{ 17, "192.168.1.52", "8.8.8.8", 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
		{ 17, "8.8.8.8", "192.168.1.52", 53, 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
		{ 46, "10.1.12.1", "10.1.12.2", 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
		{ 46, "10.1.12.2", "10.1.12.1", 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct ip_addr s, d;
		char id[COMMUNITY_ID_LEN];
		assert_int_equal(addr_parse(&s, v[i].src), 0);
		assert_int_equal(addr_parse(&d, v[i].dst), 0);
		assert_int_equal(community_id(0, &s, &d, v[i].proto, v[i].sport, v[i].dport, id), 0);
		if (strcmp(id, v[i].want))
			fail_msg("vector %zu (%u %s %s %u %u): %s, want %s", i, v[i].proto, v[i].src, v[i].dst,
				 v[i].sport, v[i].dport, id, v[i].want);
	}
	/* a seed changes it; mixed families are refused */
	struct ip_addr s, d, s6;
	char id[COMMUNITY_ID_LEN];
	assert_int_equal(addr_parse(&s, "192.168.1.52"), 0);
	assert_int_equal(addr_parse(&d, "8.8.8.8"), 0);
	assert_int_equal(addr_parse(&s6, "2001:db8::1"), 0);
	assert_int_equal(community_id(1, &s, &d, 17, 54585, 53, id), 0);
	assert_string_not_equal(id, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
	assert_int_equal(strlen(id), COMMUNITY_ID_LEN - 1);
	assert_int_equal(community_id(0, &s6, &d, 17, 54585, 53, id), -1);
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
		cmocka_unit_test(test_strpool_hidden),
		cmocka_unit_test(test_utf8_hidden),
		cmocka_unit_test(test_utf8_clean),
		cmocka_unit_test(test_addr_ip4in6),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_swar),
		cmocka_unit_test(test_fast_paths),
		cmocka_unit_test(test_community_id),
	};
	return cmocka_run_group_tests_name("lib", tests, NULL, NULL);
}
