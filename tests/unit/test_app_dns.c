/* test_app_dns.c - DNS (UDP, TCP) and mDNS decoders: hand-built messages,
 * compression, CNAME chains, malformed names and pointer loops. */
#include "testutil.h"

#include "decode/app.h"
#include "decode/decode.h"
#include "decode/dns_wire.h"


/* "a.b.c" as labels with a root label */
static size_t name(struct buf *m, const char *s)
{
	size_t at = m->n;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		put8(m, (unsigned)l);
		put(m, s, l);
		s += l + (dot ? 1 : 0);
	}
	put8(m, 0);
	return at;
}

static void hdr(struct buf *m, unsigned flags, unsigned qd, unsigned an, unsigned ns, unsigned ar)
{
	m->n = 0;
	put16(m, 0x1234);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

static void rr_head(struct buf *m, unsigned type, unsigned cls, unsigned rdlen)
{
	put16(m, type);
	put16(m, cls);
	put32(m, 300);
	put16(m, rdlen);
}

static void test_query(void **state)
{
	(void)state;
	struct buf m;
	struct tu_sink s;
	hdr(&m, 0x0100, 1, 0, 0, 0);
	name(&m, "de.ot.io.mi.com");
	put16(&m, 1);
	put16(&m, 1);
	tu_sink_init(&s);
	assert_int_equal(app_dns(m.b, m.n, &s.sink), DEC_OK);
	assert_int_equal(s.n, 2);
	/* the message first: its id and flags, for matching the answer */
	assert_int_equal(s.obs[0].kind, OBS_DNS_MESSAGE);
	assert_int_equal(s.obs[0].num, 0x1234);
	assert_int_equal(s.obs[0].num2, 0x0100);
	assert_int_equal(s.obs[1].kind, OBS_DNS_QUERY);
	assert_string_equal(s.obs[1].str, "de.ot.io.mi.com");
	assert_int_equal(s.obs[1].num, 1);
	assert_int_equal(tu_every_prefix(app_dns, m.b, m.n), 0);
}

/* Response: m2.tuyaeu.com CNAME elb.example (compressed), A under the
 * CNAME target: the address is credited to the question name. */
static void build_cname_response(struct buf *m)
{
	hdr(m, 0x8180, 1, 3, 0, 0);
	size_t q = name(m, "m2.tuyaeu.com");
	put16(m, 1);
	put16(m, 1);
	/* answer 1: owner = pointer to question, CNAME -> mqtt.elb.amazonaws.com */
	put16(m, 0xc000 | (unsigned)q);
	size_t rdlen_at = m->n + 8;
	rr_head(m, DNS_T_CNAME, 1, 0);
	size_t target = m->n;
	name(m, "mqtt.elb.amazonaws.com");
	m->b[rdlen_at + 1] = (uint8_t)(m->n - target);
	/* answers 2 and 3: A records for the target, owner compressed */
	put16(m, 0xc000 | (unsigned)target);
	rr_head(m, DNS_T_A, 1, 4);
	put(m, "\x12\xc4\x8d\x57", 4); /* 18.196.141.87 */
	put16(m, 0xc000 | (unsigned)target);
	rr_head(m, DNS_T_AAAA, 1, 16);
	put(m, "\x2a\x05\xd0\x18\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 16);
}

static void test_cname_chain(void **state)
{
	(void)state;
	struct buf m;
	struct tu_sink s;
	build_cname_response(&m);
	tu_sink_init(&s);
	assert_int_equal(app_dns(m.b, m.n, &s.sink), DEC_OK);
	const struct tu_obs *cn = tu_find(&s, OBS_DNS_CNAME);
	assert_non_null(cn);
	assert_string_equal(cn->str, "m2.tuyaeu.com");
	assert_string_equal(cn->str2, "mqtt.elb.amazonaws.com");
	const struct tu_obs *a = tu_find(&s, OBS_DNS_A);
	assert_non_null(a);
	assert_string_equal(a->str, "mqtt.elb.amazonaws.com");
	assert_string_equal(a->str2, "m2.tuyaeu.com");
	char buf[ADDR_STRLEN];
	assert_string_equal(addr_fmt(&a->addr, buf), "18.196.141.87");
	const struct tu_obs *aaaa = tu_find(&s, OBS_DNS_AAAA);
	assert_non_null(aaaa);
	assert_string_equal(aaaa->str2, "m2.tuyaeu.com");
	assert_string_equal(addr_fmt(&aaaa->addr, buf), "2a05:d018::1");
	/* every prefix: no over-read, and never DEC_OK with a half record */
	tu_every_prefix(app_dns, m.b, m.n);
}

static void test_truncated_answer_keeps_question(void **state)
{
	(void)state;
	struct buf m;
	struct tu_sink s;
	build_cname_response(&m);
	tu_sink_init(&s);
	assert_true(app_dns(m.b, m.n - 3, &s.sink) < 0);
	assert_non_null(tu_find_str(&s, OBS_DNS_QUERY, "m2.tuyaeu.com"));
	assert_non_null(tu_find(&s, OBS_DNS_A)); /* the A record came before the cut */
	assert_null(tu_find(&s, OBS_DNS_AAAA));
}

static void test_pointer_loop(void **state)
{
	(void)state;
	struct buf m;
	struct tu_sink s;
	/* question name is a pointer to itself */
	hdr(&m, 0x0100, 1, 0, 0, 0);
	put16(&m, 0xc000 | 12);
	put16(&m, 1);
	put16(&m, 1);
	tu_sink_init(&s);
	assert_int_equal(app_dns(m.b, m.n, &s.sink), DEC_E_DEPTH);
	assert_int_equal(s.n, 1); /* the message, no question */
	assert_int_equal(s.obs[0].kind, OBS_DNS_MESSAGE);
	/* two labels pointing at each other: forward pointer refused */
	hdr(&m, 0x0100, 1, 0, 0, 0);
	put8(&m, 1);
	put8(&m, 'a');
	put16(&m, 0xc000 | 16); /* forward, to itself+2 */
	put16(&m, 0xc000 | 12);
	put16(&m, 1);
	put16(&m, 1);
	tu_sink_init(&s);
	assert_true(app_dns(m.b, m.n, &s.sink) < 0);
	assert_int_equal(tu_count(&s, OBS_DNS_QUERY), 0);
}

static void test_pointer_hops_limit(void **state)
{
	(void)state;
	struct buf m;
	char out[DNS_NAME_MAX + 1];
	/* a chain of 20 backward pointers ending at "x": more than DNS_MAX_HOPS */
	m.n = 0;
	put8(&m, 1);
	put8(&m, 'x');
	put8(&m, 0);
	for (int i = 0; i < 20; i++)
		put16(&m, 0xc000 | (i == 0 ? 0 : (unsigned)(3 + 2 * (i - 1))));
	size_t off = 3 + 2 * 15; /* 16 hops: allowed */
	assert_int_equal(dns_read_name(m.b, m.n, &off, out), 1);
	assert_string_equal(out, "x");
	assert_int_equal(off, 3 + 2 * 15 + 2);
	off = 3 + 2 * 19; /* 20 hops */
	assert_int_equal(dns_read_name(m.b, m.n, &off, out), DEC_E_DEPTH);
}

static void test_name_limits(void **state)
{
	(void)state;
	struct buf m;
	char out[DNS_NAME_MAX + 1];
	size_t off;
	/* label type 0x40 (extended) */
	m.n = 0;
	put8(&m, 0x41);
	put8(&m, 'a');
	put8(&m, 0);
	off = 0;
	assert_int_equal(dns_read_name(m.b, m.n, &off, out), DEC_E_MALFORMED);
	/* a name over 255 characters */
	m.n = 0;
	for (int i = 0; i < 5; i++) {
		put8(&m, 63);
		for (int k = 0; k < 63; k++)
			put8(&m, 'a');
	}
	put8(&m, 0);
	off = 0;
	assert_int_equal(dns_read_name(m.b, m.n, &off, out), DEC_E_BADLEN);
	/* control characters and dots inside a label are neutralised */
	m.n = 0;
	put8(&m, 3);
	put(&m, "a.\n", 3);
	put8(&m, 3);
	put(&m, "com", 3);
	put8(&m, 0);
	off = 0;
	assert_int_equal(dns_read_name(m.b, m.n, &off, out), 7);
	assert_string_equal(out, "a??.com");
	/* root name */
	m.n = 0;
	put8(&m, 0);
	off = 0;
	assert_int_equal(dns_read_name(m.b, m.n, &off, out), 0);
	assert_int_equal(off, 1);
}

static void test_counts_and_opcode(void **state)
{
	(void)state;
	struct buf m;
	struct tu_sink s;
	hdr(&m, 0x0100, 0xffff, 0, 0, 0); /* absurd question count */
	tu_sink_init(&s);
	assert_int_equal(app_dns(m.b, m.n, &s.sink), DEC_E_BADLEN);
	hdr(&m, 0x2800, 1, 0, 0, 0); /* opcode 5 UPDATE */
	name(&m, "x.example");
	put16(&m, 6);
	put16(&m, 1);
	tu_sink_init(&s);
	assert_int_equal(app_dns(m.b, m.n, &s.sink), DEC_E_UNSUPP);
	/* answer count larger than the records present */
	hdr(&m, 0x8180, 1, 9, 0, 0);
	name(&m, "x.example");
	put16(&m, 1);
	put16(&m, 1);
	tu_sink_init(&s);
	assert_int_equal(app_dns(m.b, m.n, &s.sink), DEC_E_TRUNC);
	assert_int_equal(tu_count(&s, OBS_DNS_QUERY), 1);
	/* A record with the wrong rdata length is ignored */
	hdr(&m, 0x8180, 0, 1, 0, 0);
	name(&m, "x.example");
	rr_head(&m, DNS_T_A, 1, 3);
	put(&m, "\1\2\3", 3);
	tu_sink_init(&s);
	assert_int_equal(app_dns(m.b, m.n, &s.sink), DEC_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(tu_count(&s, OBS_DNS_A), 0);
}

static void test_dns_tcp(void **state)
{
	(void)state;
	struct buf m, t;
	struct tu_sink s;
	build_cname_response(&m);
	t.n = 0;
	put16(&t, (unsigned)m.n);
	put(&t, m.b, m.n);
	put16(&t, (unsigned)m.n);
	put(&t, m.b, m.n);
	tu_sink_init(&s);
	assert_int_equal(app_dns_tcp(t.b, t.n, &s.sink), DEC_OK);
	assert_int_equal(tu_count(&s, OBS_DNS_A), 2); /* two messages in one segment */
	tu_sink_init(&s);
	assert_int_equal(app_dns_tcp(t.b, 2 + m.n - 20, &s.sink), DEC_E_TRUNC);
	assert_int_equal(tu_count(&s, OBS_DNS_QUERY), 1);
	tu_every_prefix(app_dns_tcp, t.b, t.n);
	/* a length below the header size */
	t.n = 0;
	put16(&t, 4);
	put32(&t, 0);
	tu_sink_init(&s);
	assert_int_equal(app_dns_tcp(t.b, t.n, &s.sink), DEC_E_BADLEN);
}

/* mDNS announcement of a Xiaomi gateway: PTR, SRV, TXT and A records. */
static void build_mdns(struct buf *m)
{
	hdr(m, 0x8400, 0, 4, 0, 0);
	size_t svc = name(m, "_miio._udp.local");
	rr_head(m, DNS_T_PTR, 1, 0);
	size_t rd = m->n;
	put8(m, 29);
	put(m, "lumi-gateway-v3_miio12345678", 28);
	put8(m, 0);
	m->n--; /* fix label length below */
	m->b[rd] = 28;
	put16(m, 0xc000 | (unsigned)svc);
	m->b[rd - 1] = (uint8_t)(m->n - rd);
	size_t inst = rd;
	/* SRV */
	put16(m, 0xc000 | (unsigned)inst);
	rr_head(m, DNS_T_SRV, 0x8001, 0);
	size_t srd = m->n;
	put16(m, 0);
	put16(m, 0);
	put16(m, 54321);
	put8(m, 28);
	put(m, "lumi-gateway-v3_miio12345678", 28);
	put8(m, 5);
	put(m, "local", 5);
	put8(m, 0);
	m->b[srd - 1] = (uint8_t)(m->n - srd);
	/* TXT */
	put16(m, 0xc000 | (unsigned)inst);
	rr_head(m, DNS_T_TXT, 0x8001, 23);
	put8(m, 22);
	put(m, "mac=78:11:DC:5B:A0:E4x", 22);
	/* A */
	put16(m, 0xc000 | (unsigned)(srd + 6));
	rr_head(m, DNS_T_A, 0x8001, 4);
	put(m, "\xc0\xa8\x01\x66", 4);
}

static void test_mdns(void **state)
{
	(void)state;
	struct buf m;
	struct tu_sink s;
	build_mdns(&m);
	tu_sink_init(&s);
	assert_int_equal(app_mdns(m.b, m.n, &s.sink), DEC_OK);
	const struct tu_obs *svc = tu_find(&s, OBS_MDNS_SERVICE);
	assert_non_null(svc);
	assert_string_equal(svc->str, "_miio._udp");
	assert_string_equal(svc->str2, "lumi-gateway-v3_miio12345678");
	assert_int_equal(tu_count(&s, OBS_MDNS_HOSTNAME), 2); /* SRV target and A */
	const struct tu_obs *h = &s.obs[3];
	assert_int_equal(h->kind, OBS_MDNS_HOSTNAME);
	assert_string_equal(h->str, "lumi-gateway-v3_miio12345678.local");
	char buf[ADDR_STRLEN];
	assert_string_equal(addr_fmt(&h->addr, buf), "192.168.1.102");
	const struct tu_obs *txt = tu_find(&s, OBS_MDNS_TXT);
	assert_non_null(txt);
	assert_string_equal(txt->str2, "mac=78:11:DC:5B:A0:E4x");
	assert_int_equal(tu_every_prefix(app_mdns, m.b, m.n), 0);
}

static void test_mdns_bad_txt_and_enum(void **state)
{
	(void)state;
	struct buf m;
	struct tu_sink s;
	/* TXT string length running past rdata: the string is dropped */
	hdr(&m, 0x8400, 0, 1, 0, 0);
	name(&m, "x._hap._tcp.local");
	rr_head(&m, DNS_T_TXT, 1, 3);
	put8(&m, 9);
	put(&m, "ab", 2);
	tu_sink_init(&s);
	assert_int_equal(app_mdns(m.b, m.n, &s.sink), DEC_OK);
	assert_int_equal(s.n, 0);
	/* service enumeration: the PTR target is a service type */
	hdr(&m, 0x8400, 0, 1, 0, 0);
	name(&m, "_services._dns-sd._udp.local");
	rr_head(&m, DNS_T_PTR, 1, 17);
	name(&m, "_hap._tcp.local");
	tu_sink_init(&s);
	assert_int_equal(app_mdns(m.b, m.n, &s.sink), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_MDNS_SERVICE, "_hap._tcp"));
	/* a reverse PTR is not a service */
	hdr(&m, 0x8400, 0, 1, 0, 0);
	name(&m, "102.1.168.192.in-addr.arpa");
	rr_head(&m, DNS_T_PTR, 1, 7);
	name(&m, "x.local");
	tu_sink_init(&s);
	assert_int_equal(app_mdns(m.b, m.n, &s.sink), DEC_OK);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_cname_chain),
		cmocka_unit_test(test_truncated_answer_keeps_question),
		cmocka_unit_test(test_pointer_loop),
		cmocka_unit_test(test_pointer_hops_limit),
		cmocka_unit_test(test_name_limits),
		cmocka_unit_test(test_counts_and_opcode),
		cmocka_unit_test(test_dns_tcp),
		cmocka_unit_test(test_mdns),
		cmocka_unit_test(test_mdns_bad_txt_and_enum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
