/* test_registry.c - the application registry (decode/apps.def): every line
 * consistent, and what it derives (names, service ports, UDP/TCP dispatch)
 * equal to the hand-written tables it replaced (copied below as expected
 * data, from app_udp.c, services.c and dests.c before the registry); then
 * the tracker filing an application seen by its decoder from the line. */
#include "testutil.h"

#include <netinet/in.h>

#include "decode/app.h"
#include "decode/decode.h"
#include "lib/table.h"
#include "track/tracker.h"

/* dests.c's app_names[] before the registry */
static const struct {
	enum app_proto app;
	const char *name;
} old_names[] = {
	{ APP_UNKNOWN, "" },     { APP_DNS, "dns" },       { APP_MDNS, "mdns" },       { APP_DHCP, "dhcp" },
	{ APP_DHCP6, "dhcpv6" }, { APP_SSDP, "ssdp" },     { APP_NTP, "ntp" },         { APP_TLS, "tls" },
	{ APP_HTTP, "http" },    { APP_QUIC, "quic" },     { APP_MQTT, "mqtt" },       { APP_MIIO, "miio" },
	{ APP_TUYA, "tuya" },    { APP_LLMNR, "llmnr" },   { APP_NETBIOS, "netbios" }, { APP_ICMP, "icmp" },
	{ APP_YEELIGHT, "yeelight" }, { APP_CS2, "cs2-pppp" },
};

/* services.c's services[] before the registry: proto, port, app, enc, server */
#define T IPPROTO_TCP
#define U IPPROTO_UDP
static const struct {
	uint8_t proto;
	uint16_t port;
	uint8_t app, enc, server;
} old_services[] = {
	{ U, 53, APP_DNS, ENC_NO, 1 },        { T, 53, APP_DNS, ENC_NO, 1 },
	{ U, 5353, APP_MDNS, ENC_NO, 1 },     { U, 67, APP_DHCP, ENC_NO, 1 },
	{ U, 68, APP_DHCP, ENC_NO, 0 },       { U, 547, APP_DHCP6, ENC_NO, 1 },
	{ U, 546, APP_DHCP6, ENC_NO, 0 },     { U, 1900, APP_SSDP, ENC_NO, 1 },
	{ U, 123, APP_NTP, ENC_NO, 1 },       { U, 443, APP_QUIC, ENC_LIKELY, 1 },
	{ U, 5355, APP_LLMNR, ENC_NO, 1 },    { U, 137, APP_NETBIOS, ENC_NO, 1 },
	{ U, 138, APP_NETBIOS, ENC_NO, 1 },   { U, 54321, APP_MIIO, ENC_YES, 1 },
	{ U, 8053, APP_MIIO, ENC_YES, 1 },    { U, 6666, APP_TUYA, ENC_YES, 1 },
	{ U, 6667, APP_TUYA, ENC_YES, 1 },    { U, 80, APP_UNKNOWN, ENC_UNKNOWN, 1 },
	{ U, 32100, APP_CS2, ENC_UNKNOWN, 1 }, { U, 32101, APP_CS2, ENC_UNKNOWN, 1 },
	{ U, 32102, APP_CS2, ENC_UNKNOWN, 1 }, { U, 32108, APP_CS2, ENC_UNKNOWN, 1 },
	{ T, 80, APP_HTTP, ENC_NO, 1 },       { T, 8080, APP_HTTP, ENC_NO, 1 },
	{ T, 443, APP_TLS, ENC_LIKELY, 1 },   { T, 8443, APP_TLS, ENC_LIKELY, 1 },
	{ T, 853, APP_TLS, ENC_LIKELY, 1 },   { T, 8883, APP_TLS, ENC_LIKELY, 1 },
	{ T, 993, APP_TLS, ENC_LIKELY, 1 },   { T, 995, APP_TLS, ENC_LIKELY, 1 },
	{ T, 465, APP_TLS, ENC_LIKELY, 1 },   { T, 5223, APP_TLS, ENC_LIKELY, 1 },
	{ T, 1883, APP_MQTT, ENC_NO, 1 },     { T, 55443, APP_YEELIGHT, ENC_NO, 1 },
	{ T, 22, APP_UNKNOWN, ENC_LIKELY, 1 }, { T, 5061, APP_UNKNOWN, ENC_LIKELY, 1 },
	{ T, 21, APP_UNKNOWN, ENC_NO, 1 },    { T, 23, APP_UNKNOWN, ENC_NO, 1 },
};
#undef T
#undef U

/* app_udp.c's udp_apps[] before the registry (5353 was tried first, on
 * either side) */
static const struct {
	uint16_t port;
	app_decode_fn fn;
} old_udp[] = {
	{ 53, app_dns },     { 67, app_dhcp },    { 68, app_dhcp },
	{ 546, app_dhcp6 },  { 547, app_dhcp6 },  { 1900, app_ssdp },  { 123, app_ntp },
	{ 54321, app_miio }, { 8053, app_miio }, { 6666, app_tuya },  { 6667, app_tuya },
	{ 32100, app_pppp }, { 32101, app_pppp }, { 32102, app_pppp }, { 32108, app_pppp },
	{ 5353, app_mdns },
};

#define N(a) (sizeof(a) / sizeof(a)[0])

/* An application of the tables before (a line added since is not). */
static bool old_app(uint8_t app)
{
	for (size_t i = 0; i < N(old_names); i++)
		if (!strcmp(app_proto_name((enum app_proto)app), old_names[i].name))
			return true;
	return false;
}

static bool old_udp_fn(app_decode_fn fn)
{
	for (size_t i = 0; i < N(old_udp); i++)
		if (old_udp[i].fn == fn)
			return true;
	return false;
}

/* Every line: its own id, a name, unique; its ports lead back to it. */
static void test_lines_consistent(void **state)
{
	(void)state;
	assert_null(app_def(APP__COUNT));
	assert_string_equal(app_proto_name(APP__COUNT), "");
	assert_string_equal(app_proto_name((enum app_proto)-1), "");
	assert_string_equal(app_def(APP_UNKNOWN)->name, "");
	for (int a = 1; a < APP__COUNT; a++) {
		const struct app_def *d = app_def((enum app_proto)a);
		assert_non_null(d);
		assert_int_equal(d->id, a);
		assert_true(d->name[0] != '\0');
		assert_ptr_equal(app_proto_name((enum app_proto)a), d->name);
		assert_true(d->enc <= APP_ENC_NO && d->seen <= APP_ENC_NO);
		for (int b = 1; b < a; b++)
			assert_string_not_equal(app_def((enum app_proto)b)->name, d->name);
		/* a recogniser needs a decoder to run */
		assert_true(!d->udp_is || d->udp);
		assert_true(!d->tcp_is || d->tcp);
		for (const struct app_def_port *p = d->ports; p->proto; p++) {
			const struct app_port *s = app_port(p->proto, p->port);
			assert_non_null(s);
			/* another line naming the same port would lose it */
			assert_int_equal(s->app, a);
			assert_int_equal(s->proto, p->proto);
			assert_int_equal(s->port, p->port);
			assert_int_equal(s->enc, d->enc);
			assert_int_equal(s->server, p->role != APP_PORT_CLIENT);
			assert_int_equal(s->either, p->role == APP_PORT_EITHER);
			assert_true(p->proto == IPPROTO_UDP || p->role == APP_PORT_SERVER);
		}
	}
}

/* app_proto_name() and the enum: what dests.c said, both ways (lines
 * added since have names of their own: test_lines_consistent). */
static void test_names_as_before(void **state)
{
	(void)state;
	assert_true(APP__COUNT >= N(old_names));
	for (size_t i = 0; i < N(old_names); i++) {
		assert_string_equal(app_proto_name(old_names[i].app), old_names[i].name);
		int found = -1;
		for (int a = 0; a < APP__COUNT; a++)
			if (!strcmp(app_proto_name((enum app_proto)a), old_names[i].name))
				found = a;
		assert_int_equal(found, old_names[i].app);
	}
}

/* The service ports: every one services.c listed, with its values, and no
 * other port of those applications on either transport. */
static void test_services_as_before(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(old_services); i++) {
		const struct app_port *s = app_port(old_services[i].proto, old_services[i].port);
		assert_non_null(s);
		assert_int_equal(s->app, old_services[i].app);
		assert_int_equal(s->enc, old_services[i].enc);
		assert_int_equal(s->server, old_services[i].server);
	}
	size_t n = 0;
	for (unsigned port = 0; port <= 65535; port++) {
		const struct app_port *u = app_port(IPPROTO_UDP, (uint16_t)port);
		const struct app_port *t = app_port(IPPROTO_TCP, (uint16_t)port);
		n += u && old_app(u->app);
		n += t && old_app(t->app);
		assert_null(app_port(IPPROTO_ICMP, (uint16_t)port));
	}
	assert_int_equal(n, N(old_services));
}

/* UDP dispatch: each port of app_udp.c on either side, destination first,
 * 5353 first of all; those decoders on no other port. */
static void test_udp_as_before(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(old_udp); i++) {
		assert_ptr_equal(app_for_udp(40000, old_udp[i].port), old_udp[i].fn);
		assert_ptr_equal(app_for_udp(old_udp[i].port, 40000), old_udp[i].fn);
		assert_ptr_equal(app_for_udp(5353, old_udp[i].port), app_mdns);
		assert_ptr_equal(app_for_udp(old_udp[i].port, 5353), app_mdns);
	}
	assert_ptr_equal(app_for_udp(53, 123), app_ntp);
	assert_ptr_equal(app_for_udp(123, 53), app_dns);
	assert_ptr_equal(app_for_udp(443, 53), app_dns); /* QUIC: no decoder */
	assert_ptr_equal(app_udp(68, 67), app_def(APP_DHCP));
	size_t n = 0;
	for (unsigned port = 0; port <= 65535; port++) {
		app_decode_fn fn = app_for_udp(40000, (uint16_t)port);
		n += fn && old_udp_fn(fn);
	}
	assert_int_equal(n, N(old_udp));
}

/* TCP by port is DNS alone (TLS and HTTP are read from the stream on any
 * port); by content, miIO framed over TCP and CS2 on any UDP port. */
static void test_tcp_and_content(void **state)
{
	(void)state;
	assert_ptr_equal(app_tcp(40000, 53), app_def(APP_DNS));
	assert_ptr_equal(app_tcp(53, 40000), app_def(APP_DNS));
	assert_ptr_equal(app_def(APP_DNS)->tcp, app_dns_tcp);
	size_t n = 0;
	for (unsigned port = 0; port <= 65535; port++)
		n += app_tcp(40000, (uint16_t)port) == app_def(APP_DNS);
	assert_int_equal(n, 1);
	assert_null(app_tcp(40000, 80));

	uint8_t miio[32];
	memset(miio, 0xff, sizeof miio);
	miio[0] = 0x21, miio[1] = 0x31, miio[2] = 0x00, miio[3] = 0x20;
	const uint8_t pppp[4] = { 0xf1, 0x00, 0x00, 0x00 };
	assert_ptr_equal(app_tcp_recognise(miio, sizeof miio), app_def(APP_MIIO));
	assert_null(app_tcp_recognise(miio, sizeof miio - 1));
	assert_null(app_udp_recognise(miio, sizeof miio)); /* not by content on UDP */
	assert_ptr_equal(app_udp_recognise(pppp, sizeof pppp), app_def(APP_CS2));
	assert_null(app_tcp_recognise(pppp, sizeof pppp));
	assert_null(app_udp_recognise(pppp, 3));
}

/* Every decoder of every line keeps the contract on any bytes: DEC_OK or
 * a negative code, nothing read past the end (a new line is covered too). */
static void test_decoders_contract(void **state)
{
	(void)state;
	uint8_t junk[96];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	for (int a = 1; a < APP__COUNT; a++) {
		const struct app_def *d = app_def((enum app_proto)a);
		if (d->udp)
			tu_every_prefix(d->udp, junk, sizeof junk);
		if (d->tcp)
			tu_every_prefix(d->tcp, junk, sizeof junk);
		if (d->udp_is)
			assert_false(d->udp_is(junk, 0));
		if (d->tcp_is)
			assert_false(d->tcp_is(junk, 0));
	}
}

static void mkpkt(struct pkt *p, const char *src, uint16_t sport, const char *dst, uint16_t dport,
		  uint8_t proto, const uint8_t *payload, size_t n)
{
	static const uint8_t mac_dev[6] = { 0x78, 0x11, 0xdc, 0x01, 0x02, 0x03 };
	static const uint8_t mac_router[6] = { 0x50, 0xc7, 0xbf, 0x00, 0x00, 0x01 };
	memset(p, 0, sizeof *p);
	p->wirelen = p->caplen = (uint32_t)(60 + n);
	p->has_mac = p->has_mac_dst = 1;
	memcpy(p->mac_src, mac_dev, 6);
	memcpy(p->mac_dst, mac_router, 6);
	assert_int_equal(addr_parse(&p->src, src), 0);
	assert_int_equal(addr_parse(&p->dst, dst), 0);
	p->l3 = L3_IPV4;
	p->l4proto = proto;
	p->has_l4 = 1;
	p->sport = sport;
	p->dport = dport;
	p->payload = payload;
	p->payload_len = n;
}

static const struct dest *dest_to(const struct tracker *t, const char *addr, uint16_t port)
{
	struct ip_addr a;
	addr_parse(&a, addr);
	for (uint32_t i = tracker_dest_next(t, TABLE_NONE); i != TABLE_NONE; i = tracker_dest_next(t, i)) {
		const struct dest *d = tracker_dest(t, i);
		if (addr_eq(&d->key.addr, &a) && d->key.port == port)
			return d;
	}
	return NULL;
}

/* The tracker files what the line says once the decoder recognised it:
 * miIO framed over TCP on port 80 (guessed http, cleartext) becomes miio,
 * encrypted; CS2 between temporary ports (guessed nothing) cs2-pppp. */
static void test_tracker_app_seen(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	uint8_t miio[48];
	memset(miio, 0, sizeof miio);
	miio[0] = 0x21, miio[1] = 0x31, miio[2] = 0x00, miio[3] = sizeof miio;
	miio[11] = 0x2a; /* device id 42 */
	struct pkt p;
	mkpkt(&p, "192.168.1.50", 40001, "203.0.113.9", 80, IPPROTO_TCP, NULL, 0);
	p.tcp_flags = TCP_SYN;
	tracker_packet(t, &p, 1);
	mkpkt(&p, "192.168.1.50", 40001, "203.0.113.9", 80, IPPROTO_TCP, miio, sizeof miio);
	p.tcp_flags = TCP_PSH | TCP_ACK;
	p.tcp_seq = 1;
	tracker_packet(t, &p, 2);
	const struct dest *d = dest_to(t, "203.0.113.9", 80);
	assert_non_null(d);
	assert_int_equal(d->app, APP_MIIO);
	assert_int_equal(d->enc, ENC_YES);

	const uint8_t hello[4] = { 0xf1, 0x00, 0x00, 0x00 };
	mkpkt(&p, "192.168.1.50", 25508, "203.0.113.10", 10178, IPPROTO_UDP, NULL, 0);
	tracker_packet(t, &p, 3);
	d = dest_to(t, "203.0.113.10", 10178);
	assert_non_null(d);
	assert_int_equal(d->app, APP_UNKNOWN);
	mkpkt(&p, "192.168.1.50", 25508, "203.0.113.10", 10178, IPPROTO_UDP, hello, sizeof hello);
	tracker_packet(t, &p, 4);
	assert_int_equal(d->app, APP_CS2);
	assert_int_equal(d->enc, ENC_UNKNOWN);
	tracker_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_consistent),  cmocka_unit_test(test_names_as_before),
		cmocka_unit_test(test_services_as_before), cmocka_unit_test(test_udp_as_before),
		cmocka_unit_test(test_tcp_and_content),   cmocka_unit_test(test_decoders_contract),
		cmocka_unit_test(test_tracker_app_seen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
