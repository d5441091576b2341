/* test_app_dhcp.c - DHCPv4 and DHCPv6 decoders. */
#include "testutil.h"

#include "decode/app.h"
#include "decode/decode.h"

static void opt(struct buf *m, unsigned code, const void *v, size_t n)
{
	put8(m, code);
	put8(m, (unsigned)n);
	put(m, v, n);
}

static const uint8_t MAC[6] = { 0x68, 0xc6, 0x3a, 0x3a, 0x1f, 0x2b };

static void bootp(struct buf *m, unsigned op, const uint8_t yiaddr[4])
{
	memset(m->b, 0, sizeof m->b);
	m->b[0] = (uint8_t)op;
	m->b[1] = 1;
	m->b[2] = 6;
	memcpy(m->b + 16, yiaddr, 4);
	memcpy(m->b + 28, MAC, 6);
	m->n = 236;
	put(m, "\x63\x82\x53\x63", 4);
}

static void test_discover(void **state)
{
	(void)state;
	struct buf m;
	struct tu_sink s;
	bootp(&m, 1, (const uint8_t *)"\0\0\0\0");
	opt(&m, 53, "\x01", 1);
	opt(&m, 61, "\x01\x68\xc6\x3a\x3a\x1f\x2b", 7);
	opt(&m, 50, "\xc0\xa8\x01\x68", 4);
	opt(&m, 12, "ESP_3A1F2B\0", 11); /* NUL counted in the length */
	opt(&m, 60, "espressif", 9);
	opt(&m, 55, "\x01\x03\x1c\x06", 4);
	put8(&m, 0); /* pad */
	put8(&m, 255);
	tu_sink_init(&s);
	assert_int_equal(app_dhcp(m.b, m.n, &s.sink), DEC_OK);
	const struct tu_obs *o = tu_find(&s, OBS_DHCP_CHADDR);
	assert_non_null(o);
	assert_ptr_equal(o, &s.obs[0]); /* first: the options that follow are chaddr's */
	assert_memory_equal(o->mac, MAC, 6);
	assert_int_equal(o->num, 1);
	assert_true(addr_is_zero(&o->addr)); /* not relayed */
	assert_non_null(tu_find_str(&s, OBS_DHCP_HOSTNAME, "ESP_3A1F2B"));
	assert_non_null(tu_find_str(&s, OBS_DHCP_VENDOR_CLASS, "espressif"));
	o = tu_find(&s, OBS_DHCP_PRL);
	assert_non_null(o);
	assert_string_equal(o->str, "1,3,28,6");
	assert_int_equal(o->nbytes, 4);
	o = tu_find(&s, OBS_DHCP_CLIENT_ID);
	assert_non_null(o);
	assert_int_equal(o->nbytes, 7);
	o = tu_find(&s, OBS_DHCP_REQUESTED_IP);
	assert_non_null(o);
	char buf[ADDR_STRLEN];
	assert_string_equal(addr_fmt(&o->addr, buf), "192.168.1.104");
	o = tu_find(&s, OBS_DHCP_MSG_TYPE);
	assert_non_null(o);
	assert_int_equal(o->num, 1);
	assert_null(tu_find(&s, OBS_DHCP_ASSIGNED_IP));
	/* every proper prefix lacks the end option: never a clean DEC_OK */
	assert_int_equal(tu_every_prefix(app_dhcp, m.b, m.n), 0);
}

static void test_ack(void **state)
{
	(void)state;
	struct buf m;
	struct tu_sink s;
	bootp(&m, 2, (const uint8_t *)"\xc0\xa8\x01\x68");
	opt(&m, 53, "\x05", 1);
	put8(&m, 255);
	tu_sink_init(&s);
	assert_int_equal(app_dhcp(m.b, m.n, &s.sink), DEC_OK);
	const struct tu_obs *o = tu_find(&s, OBS_DHCP_ASSIGNED_IP);
	assert_non_null(o);
	assert_memory_equal(o->mac, MAC, 6);
	char buf[ADDR_STRLEN];
	assert_string_equal(addr_fmt(&o->addr, buf), "192.168.1.104");
	/* an OFFER (2) assigns nothing yet */
	bootp(&m, 2, (const uint8_t *)"\xc0\xa8\x01\x68");
	opt(&m, 53, "\x02", 1);
	put8(&m, 255);
	tu_sink_init(&s);
	assert_int_equal(app_dhcp(m.b, m.n, &s.sink), DEC_OK);
	assert_null(tu_find(&s, OBS_DHCP_ASSIGNED_IP));
}

static void test_fqdn(void **state)
{
	(void)state;
	struct buf m;
	struct tu_sink s;
	bootp(&m, 1, (const uint8_t *)"\0\0\0\0");
	/* E flag: wire format "laptop.home" */
	opt(&m, 81, "\x05\x00\x00\x06laptop\x04home\x00", 16);
	put8(&m, 255);
	tu_sink_init(&s);
	assert_int_equal(app_dhcp(m.b, m.n, &s.sink), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_DHCP_FQDN, "laptop.home"));
	/* ASCII form */
	bootp(&m, 1, (const uint8_t *)"\0\0\0\0");
	opt(&m, 81, "\x00\x00\x00pc.lan", 9);
	put8(&m, 255);
	tu_sink_init(&s);
	assert_int_equal(app_dhcp(m.b, m.n, &s.sink), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_DHCP_FQDN, "pc.lan"));
	/* wire format with a label running past the option: stops there */
	bootp(&m, 1, (const uint8_t *)"\0\0\0\0");
	opt(&m, 81, "\x05\x00\x00\x02pc\x3fxx", 9);
	put8(&m, 255);
	tu_sink_init(&s);
	assert_int_equal(app_dhcp(m.b, m.n, &s.sink), DEC_OK);
	assert_non_null(tu_find_str(&s, OBS_DHCP_FQDN, "pc"));
}

static void test_malformed(void **state)
{
	(void)state;
	struct buf m;
	struct tu_sink s;
	/* option length past the end: options before it still count */
	bootp(&m, 1, (const uint8_t *)"\0\0\0\0");
	opt(&m, 12, "cam", 3);
	put8(&m, 60);
	put8(&m, 200);
	put(&m, "short", 5);
	tu_sink_init(&s);
	assert_int_equal(app_dhcp(m.b, m.n, &s.sink), DEC_E_TRUNC);
	assert_non_null(tu_find_str(&s, OBS_DHCP_HOSTNAME, "cam"));
	assert_null(tu_find(&s, OBS_DHCP_VENDOR_CLASS));
	/* wrong magic: BOOTP, not DHCP */
	bootp(&m, 1, (const uint8_t *)"\0\0\0\0");
	m.b[236] = 0;
	tu_sink_init(&s);
	assert_int_equal(app_dhcp(m.b, m.n, &s.sink), DEC_E_BADVER);
	assert_int_equal(s.n, 0);
	/* bad op */
	bootp(&m, 7, (const uint8_t *)"\0\0\0\0");
	tu_sink_init(&s);
	assert_int_equal(app_dhcp(m.b, m.n, &s.sink), DEC_E_MALFORMED);
	/* endless pad-free options: bounded */
	bootp(&m, 1, (const uint8_t *)"\0\0\0\0");
	for (int i = 0; i < 200; i++)
		opt(&m, 250, "", 0);
	tu_sink_init(&s);
	assert_int_equal(app_dhcp(m.b, m.n, &s.sink), DEC_E_DEPTH);
	/* requested IP of the wrong size is ignored */
	bootp(&m, 1, (const uint8_t *)"\0\0\0\0");
	opt(&m, 50, "\1\2\3", 3);
	opt(&m, 12, "", 0);
	put8(&m, 255);
	tu_sink_init(&s);
	assert_int_equal(app_dhcp(m.b, m.n, &s.sink), DEC_OK);
	assert_null(tu_find(&s, OBS_DHCP_REQUESTED_IP));
	assert_null(tu_find(&s, OBS_DHCP_HOSTNAME));
}

static void test_dhcp6(void **state)
{
	(void)state;
	struct buf m;
	struct tu_sink s;
	m.n = 0;
	put8(&m, 1); /* SOLICIT */
	put(&m, "\xaa\xbb\xcc", 3);
	put16(&m, 1); /* client id: DUID-LL */
	put16(&m, 10);
	put(&m, "\x00\x03\x00\x01\x34\xf6\x4b\x91\x6e\x2a", 10);
	put16(&m, 39); /* FQDN */
	put16(&m, 17);
	put(&m, "\x01\x0e" "DESKTOP-4KX9Q2" "\x00", 17);
	put16(&m, 16); /* vendor class: enterprise 311, "MSFT 5.0" */
	put16(&m, 14);
	put(&m, "\x00\x00\x01\x37\x00\x08" "MSFT 5.0", 14);
	tu_sink_init(&s);
	assert_int_equal(app_dhcp6(m.b, m.n, &s.sink), DEC_OK);
	const struct tu_obs *o = tu_find(&s, OBS_DHCP6_DUID);
	assert_non_null(o);
	assert_int_equal(o->nbytes, 10);
	assert_non_null(tu_find_str(&s, OBS_DHCP6_FQDN, "DESKTOP-4KX9Q2"));
	o = tu_find_str(&s, OBS_DHCP6_VENDOR_CLASS, "MSFT 5.0");
	assert_non_null(o);
	assert_int_equal(o->num, 311);
	/* the prefixes that end on an option boundary are whole messages */
	assert_int_equal(tu_every_prefix(app_dhcp6, m.b, m.n), 3);
	/* relay-forward is not read */
	m.b[0] = 12;
	tu_sink_init(&s);
	assert_int_equal(app_dhcp6(m.b, m.n, &s.sink), DEC_E_UNSUPP);
	assert_int_equal(s.n, 0);
}

/* The parameter request list written out in decimal: one, two and three
 * digits, zero and the top. */
/* Through a relay agent: giaddr set (RFC 2131 4.1); a non-Ethernet chaddr
 * gives no MAC but still the op and giaddr. */
static void test_relayed_chaddr(void **state)
{
	(void)state;
	struct buf m;
	struct tu_sink s;
	bootp(&m, 1, (const uint8_t *)"\0\0\0\0");
	memcpy(m.b + 24, "\xc0\xa8\x07\x01", 4);
	opt(&m, 12, "cam", 3);
	put8(&m, 255);
	tu_sink_init(&s);
	assert_int_equal(app_dhcp(m.b, m.n, &s.sink), DEC_OK);
	const struct tu_obs *o = tu_find(&s, OBS_DHCP_CHADDR);
	assert_non_null(o);
	char buf[ADDR_STRLEN];
	assert_string_equal(addr_fmt(&o->addr, buf), "192.168.7.1");
	assert_memory_equal(o->mac, MAC, 6);
	m.b[1] = 6; /* IEEE 802: not an Ethernet chaddr */
	tu_sink_init(&s);
	assert_int_equal(app_dhcp(m.b, m.n, &s.sink), DEC_OK);
	o = tu_find(&s, OBS_DHCP_CHADDR);
	assert_non_null(o);
	assert_memory_equal(o->mac, "\0\0\0\0\0\0", 6); /* no MAC */
	assert_int_equal(o->num, 1);
}

static void test_prl_digits(void **state)
{
	(void)state;
	struct buf m;
	struct tu_sink s;
	bootp(&m, 1, (const uint8_t *)"\0\0\0\0");
	opt(&m, 53, "\x01", 1);
	opt(&m, 55, "\x00\x09\x0a\x63\x64\xff\x79", 7);
	put8(&m, 255);
	tu_sink_init(&s);
	assert_int_equal(app_dhcp(m.b, m.n, &s.sink), DEC_OK);
	const struct tu_obs *o = tu_find(&s, OBS_DHCP_PRL);
	assert_non_null(o);
	assert_string_equal(o->str, "0,9,10,99,100,255,121");
	assert_int_equal(o->nbytes, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discover),
		cmocka_unit_test(test_relayed_chaddr),
		cmocka_unit_test(test_prl_digits),
		cmocka_unit_test(test_ack),
		cmocka_unit_test(test_fqdn),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_dhcp6),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
