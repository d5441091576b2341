/* test_track.c - the tracker: who is a device, flows, the name cache,
 * destinations, caps. Packets are built as decoded views (struct pkt) with
 * real application payloads where the application decoders must run. */
#include "testutil.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/table.h"
#include "track/snapshot.h"
#include "track/tracker.h"

static const uint8_t MAC_DEV[6] = { 0x78, 0x11, 0xdc, 0x01, 0x02, 0x03 };
static const uint8_t MAC_PHONE[6] = { 0x5e, 0x00, 0x00, 0x00, 0x00, 0x07 };
static const uint8_t MAC_ROUTER[6] = { 0x50, 0xc7, 0xbf, 0x00, 0x00, 0x01 };
static const uint8_t MAC_PHONE2[6] = { 0x5e, 0x00, 0x00, 0x00, 0x00, 0x08 };

static void mkpkt(struct pkt *p, const uint8_t *smac, const uint8_t *dmac, const char *src,
		  uint16_t sport, const char *dst, uint16_t dport, uint8_t proto, uint32_t len)
{
	memset(p, 0, sizeof *p);
	p->wirelen = p->caplen = len;
	if (smac) {
		p->has_mac = 1;
		memcpy(p->mac_src, smac, 6);
	}
	if (dmac) {
		p->has_mac_dst = 1;
		memcpy(p->mac_dst, dmac, 6);
	}
	assert_int_equal(addr_parse(&p->src, src), 0);
	assert_int_equal(addr_parse(&p->dst, dst), 0);
	p->l3 = addr_is_v4(&p->src) ? L3_IPV4 : L3_IPV6;
	p->l4proto = proto;
	p->has_l4 = 1;
	p->sport = sport;
	p->dport = dport;
}

/* A DNS query (ip NULL) or response with one A answer (no compression). */
static size_t dns_msg(uint8_t *b, uint16_t id, const char *name, const uint8_t ip[4])
{
	size_t n = 0;
	const uint8_t hdr[12] = { (uint8_t)(id >> 8), (uint8_t)id, ip ? 0x81 : 0x01, ip ? 0x80 : 0, 0, 1, 0,
				  ip ? 1 : 0, 0, 0, 0, 0 };
	memcpy(b, hdr, 12);
	n = 12;
	size_t qstart = n;
	const char *s = name;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		b[n++] = (uint8_t)l;
		memcpy(b + n, s, l);
		n += l;
		s += l + (dot ? 1 : 0);
	}
	b[n++] = 0;
	b[n++] = 0, b[n++] = 1, b[n++] = 0, b[n++] = 1; /* A IN */
	if (!ip)
		return n;
	b[n++] = 0xc0, b[n++] = (uint8_t)qstart;          /* pointer to the question */
	b[n++] = 0, b[n++] = 1, b[n++] = 0, b[n++] = 1;
	b[n++] = 0, b[n++] = 0, b[n++] = 0x0e, b[n++] = 0x10; /* TTL */
	b[n++] = 0, b[n++] = 4;
	memcpy(b + n, ip, 4);
	return n + 4;
}

/* A minimal TLS 1.2 ClientHello with an SNI extension. */
static size_t client_hello(uint8_t *b, const char *sni)
{
	size_t sl = strlen(sni), n = 0;
	size_t ext_len = 2 + 2 + 2 + 1 + 2 + sl;           /* server_name ext */
	size_t body = 2 + 32 + 1 + 2 + 2 + 1 + 1 + 2 + ext_len;
	b[n++] = 0x16, b[n++] = 3, b[n++] = 1;
	b[n++] = (uint8_t)((body + 4) >> 8), b[n++] = (uint8_t)(body + 4);
	b[n++] = 1, b[n++] = 0, b[n++] = (uint8_t)(body >> 8), b[n++] = (uint8_t)body;
	b[n++] = 3, b[n++] = 3;
	memset(b + n, 0xab, 32), n += 32;
	b[n++] = 0;                                         /* session id */
	b[n++] = 0, b[n++] = 2, b[n++] = 0xc0, b[n++] = 0x2f; /* one cipher */
	b[n++] = 1, b[n++] = 0;                             /* null compression */
	b[n++] = (uint8_t)(ext_len >> 8), b[n++] = (uint8_t)ext_len;
	b[n++] = 0, b[n++] = 0;                             /* server_name */
	b[n++] = (uint8_t)((sl + 5) >> 8), b[n++] = (uint8_t)(sl + 5);
	b[n++] = (uint8_t)((sl + 3) >> 8), b[n++] = (uint8_t)(sl + 3);
	b[n++] = 0;
	b[n++] = (uint8_t)(sl >> 8), b[n++] = (uint8_t)sl;
	memcpy(b + n, sni, sl);
	return n + sl;
}

/* Find the device whose id/mac matches, or NULL. */
static const struct device *find_dev(const struct tracker *t, const uint8_t mac[6])
{
	for (uint32_t i = tracker_device_next(t, TABLE_NONE); i != TABLE_NONE;
	     i = tracker_device_next(t, i)) {
		const struct device *d = tracker_device(t, i);
		if (d->key.kind == DEVKEY_MAC && !memcmp(d->key.mac, mac, 6))
			return d;
	}
	return NULL;
}

/* What destinations hold of a device: its handle. */
static uint32_t dev_index(const struct tracker *t, const struct device *want)
{
	(void)t;
	return want ? want->handle : TABLE_NONE;
}

/* The ADDR_EV_* of one of the device's addresses, -1 when it has not. */
static int addr_ev(const struct device *d, const char *s)
{
	struct ip_addr a;
	assert_int_equal(addr_parse(&a, s), 0);
	for (int i = 0; i < d->n_v4; i++)
		if (addr_eq(&d->v4[i], &a))
			return d->v4_ev[i];
	for (int i = 0; i < d->n_v6; i++)
		if (addr_eq(&d->v6[i], &a))
			return d->v6_ev[i];
	return -1;
}

static const struct dest *find_dest(const struct tracker *t, uint32_t dev, const char *addr,
				    uint16_t port)
{
	struct ip_addr a;
	addr_parse(&a, addr);
	for (uint32_t i = tracker_dest_next(t, TABLE_NONE); i != TABLE_NONE;
	     i = tracker_dest_next(t, i)) {
		const struct dest *d = tracker_dest(t, i);
		if (d->key.dev == dev && addr_eq(&d->key.addr, &a) && d->key.port == port)
			return d;
	}
	return NULL;
}

static void test_dns_names_destination(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	struct pkt p;
	uint8_t buf[512];
	const uint8_t ip[4] = { 118, 89, 10, 20 };
	/* the router answers the device's query */
	size_t n = dns_msg(buf, 0x1234, "OT.io.mi.com", NULL);
	mkpkt(&p, MAC_DEV, MAC_ROUTER, "192.168.1.50", 40000, "192.168.1.1", 53, IPPROTO_UDP,
	      (uint32_t)(n + 42));
	p.payload = buf;
	p.payload_len = n;
	tracker_packet(t, &p, 900000);
	n = dns_msg(buf, 0x1234, "OT.io.mi.com", ip);
	mkpkt(&p, MAC_ROUTER, MAC_DEV, "192.168.1.1", 53, "192.168.1.50", 40000, IPPROTO_UDP,
	      (uint32_t)(n + 42));
	p.payload = buf;
	p.payload_len = n;
	tracker_packet(t, &p, 1000000);
	assert_int_equal(tracker_stats(t)->dns_answers, 1);
	/* then connects to the address: SYN out, SYN-ACK back (via the router) */
	mkpkt(&p, MAC_DEV, MAC_ROUTER, "192.168.1.50", 51000, "118.89.10.20", 443, IPPROTO_TCP, 74);
	p.tcp_flags = TCP_SYN;
	tracker_packet(t, &p, 2000000);
	mkpkt(&p, MAC_ROUTER, MAC_DEV, "118.89.10.20", 443, "192.168.1.50", 51000, IPPROTO_TCP, 1500);
	p.tcp_flags = TCP_SYN | TCP_ACK;
	tracker_packet(t, &p, 2100000);
	/* one internet host both ways: the router */
	assert_true(find_dev(t, MAC_ROUTER)->roles & DEV_ROLE_GATEWAY);
	mkpkt(&p, MAC_DEV, MAC_ROUTER, "192.168.1.50", 40001, "162.159.200.1", 123, IPPROTO_UDP, 90);
	tracker_packet(t, &p, 2200000);
	mkpkt(&p, MAC_ROUTER, MAC_DEV, "162.159.200.1", 123, "192.168.1.50", 40001, IPPROTO_UDP, 90);
	tracker_packet(t, &p, 2300000);

	const struct device *dev = find_dev(t, MAC_DEV);
	assert_non_null(dev);
	assert_int_equal(dev->n_v4, 1);
	const struct device *router = find_dev(t, MAC_ROUTER);
	assert_non_null(router);
	assert_true(router->roles & DEV_ROLE_GATEWAY);
	assert_true(router->roles & DEV_ROLE_DNS);
	assert_int_equal(tracker_device_count(t), 2); /* the internet host is no device */
	assert_true(dev->evidence & DEV_EV_TWOWAY);

	const struct dest *d = find_dest(t, dev_index(t, dev), "118.89.10.20", 443);
	assert_non_null(d);
	assert_string_equal(strpool_str(tracker_strings(t), d->dns_name), "ot.io.mi.com");
	assert_int_equal(d->bytes_up, 74);
	assert_int_equal(d->bytes_down, 1500);
	assert_int_equal(d->key.inbound, 0);
	assert_int_equal(d->app, APP_TLS);
	tracker_free(t);
}

static void test_tls_hello_split(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	struct pkt p;
	uint8_t hello[512];
	size_t n = client_hello(hello, "business.smartcamera.api.io.mi.com");
	mkpkt(&p, MAC_DEV, MAC_ROUTER, "192.168.1.50", 51001, "161.117.1.2", 443, IPPROTO_TCP, 74);
	p.tcp_flags = TCP_SYN;
	p.tcp_seq = 999;
	tracker_packet(t, &p, 1);
	/* the hello in two segments */
	size_t cut = 20;
	mkpkt(&p, MAC_DEV, MAC_ROUTER, "192.168.1.50", 51001, "161.117.1.2", 443, IPPROTO_TCP,
	      (uint32_t)(cut + 54));
	p.tcp_flags = TCP_ACK | TCP_PSH;
	p.tcp_seq = 1000;
	p.payload = hello;
	p.payload_len = cut;
	tracker_packet(t, &p, 2);
	assert_int_equal(tracker_stats(t)->tls_hellos, 0);
	mkpkt(&p, MAC_DEV, MAC_ROUTER, "192.168.1.50", 51001, "161.117.1.2", 443, IPPROTO_TCP,
	      (uint32_t)(n - cut + 54));
	p.tcp_flags = TCP_ACK | TCP_PSH;
	p.tcp_seq = 1000 + (uint32_t)cut;
	p.payload = hello + cut;
	p.payload_len = n - cut;
	tracker_packet(t, &p, 3);
	assert_int_equal(tracker_stats(t)->tls_hellos, 1);
	const struct device *dev = find_dev(t, MAC_DEV);
	const struct dest *d = find_dest(t, dev_index(t, dev), "161.117.1.2", 443);
	assert_non_null(d);
	assert_string_equal(strpool_str(tracker_strings(t), d->sni),
			    "business.smartcamera.api.io.mi.com");
	assert_int_equal(d->enc, ENC_YES);
	tracker_free(t);
}

static void test_local_peers_and_inbound(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	struct pkt p;
	/* the phone opens a connection to the bulb's LAN control port */
	mkpkt(&p, MAC_PHONE, MAC_DEV, "192.168.1.20", 40100, "192.168.1.50", 55443, IPPROTO_TCP, 74);
	p.tcp_flags = TCP_SYN;
	tracker_packet(t, &p, 1);
	mkpkt(&p, MAC_DEV, MAC_PHONE, "192.168.1.50", 55443, "192.168.1.20", 40100, IPPROTO_TCP, 66);
	p.tcp_flags = TCP_SYN | TCP_ACK;
	tracker_packet(t, &p, 2);
	const struct device *phone = find_dev(t, MAC_PHONE), *bulb = find_dev(t, MAC_DEV);
	assert_non_null(phone);
	assert_non_null(bulb);
	const struct dest *dp = find_dest(t, dev_index(t, phone), "192.168.1.50", 55443);
	const struct dest *db = find_dest(t, dev_index(t, bulb), "192.168.1.20", 55443);
	assert_non_null(dp);
	assert_non_null(db);
	assert_int_equal(dp->key.inbound, 0);
	assert_int_equal(db->key.inbound, 1);
	assert_int_equal(db->bytes_up, 66);
	assert_int_equal(db->bytes_down, 74);
	assert_false(find_dev(t, MAC_ROUTER));
	tracker_free(t);
}

static void test_flow_cap_bounded(void **state)
{
	(void)state;
	struct tracker_config cfg;
	tracker_config_default(&cfg);
	cfg.max_flows = 100;
	cfg.max_dests = 50;
	struct tracker *t = tracker_new(&cfg);
	struct pkt p;
	char dst[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(dst, sizeof dst, "93.184.%d.%d", i / 250, i % 250 + 1);
		mkpkt(&p, MAC_DEV, MAC_ROUTER, "192.168.1.50", (uint16_t)(20000 + i), dst, 80,
		      IPPROTO_TCP, 60);
		p.tcp_flags = TCP_SYN;
		tracker_packet(t, &p, (uint64_t)i);
	}
	const struct tracker_stats *st = tracker_stats(t);
	assert_int_equal(tracker_flow_count(t), 100);
	assert_int_equal(st->flows_created, 1000);
	assert_int_equal(st->flows_evicted, 900);
	/* a full destination table gives up its least recently used, each
	 * with an event carrying its totals: the newest 50 stay */
	assert_int_equal(tracker_dest_count(t), 50);
	assert_int_equal(st->dests_refused, 0);
	assert_int_equal(st->dests_evicted, 950);
	const struct device *d = find_dev(t, MAC_DEV);
	assert_non_null(find_dest(t, dev_index(t, d), "93.184.3.250", 80));
	assert_non_null(find_dest(t, dev_index(t, d), "93.184.3.201", 80));
	assert_null(find_dest(t, dev_index(t, d), "93.184.3.200", 80));
	assert_null(find_dest(t, dev_index(t, d), "93.184.0.1", 80));
	assert_int_equal(d->n_dests, 50);
	tracker_free(t);
}

static void test_idle_expiry(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	struct pkt p;
	mkpkt(&p, MAC_DEV, MAC_ROUTER, "192.168.1.50", 5000, "8.8.8.8", 53, IPPROTO_UDP, 80);
	tracker_packet(t, &p, 1000000);
	assert_int_equal(tracker_flow_count(t), 1);
	mkpkt(&p, MAC_DEV, MAC_ROUTER, "192.168.1.50", 5001, "8.8.4.4", 53, IPPROTO_UDP, 80);
	tracker_packet(t, &p, 1000000 + 121ull * 1000000);
	assert_int_equal(tracker_stats(t)->flows_expired, 1);
	assert_int_equal(tracker_flow_count(t), 1);
	tracker_free(t);
}

/* Sightings of one frame each fill the table and then make room for each
 * other (least recent first); the table never grows past its cap. */
static void test_device_cap(void **state)
{
	(void)state;
	struct tracker_config cfg;
	tracker_config_default(&cfg);
	cfg.max_devices = 10;
	struct tracker *t = tracker_new(&cfg);
	struct pkt p;
	for (int i = 0; i < 50; i++) {
		uint8_t mac[6] = { 0x02, 0, 0, 0, 0, (uint8_t)i };
		char src[32];
		snprintf(src, sizeof src, "10.0.0.%d", i + 2);
		mkpkt(&p, mac, MAC_ROUTER, src, 1234, "10.0.0.1", 53, IPPROTO_UDP, 60);
		tracker_packet(t, &p, (uint64_t)i);
	}
	/* the router (10.0.0.1) is a device too, in every flow */
	assert_int_equal(tracker_device_count(t), 10);
	assert_non_null(find_dev(t, MAC_ROUTER));
	assert_int_equal(tracker_stats(t)->devices_evicted, 41);
	assert_int_equal(tracker_stats(t)->devices_refused, 0);
	uint8_t last[6] = { 0x02, 0, 0, 0, 0, 49 }, first[6] = { 0x02, 0, 0, 0, 0, 0 };
	assert_non_null(find_dev(t, last));
	assert_null(find_dev(t, first));
	/* the evicted took their own destinations with them: the router's
	 * (one per sender) stay, and 9 of the senders' */
	assert_int_equal(tracker_dest_count(t), 50 + 9);
	tracker_free(t);
}

static void test_no_link_layer(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	struct pkt p;
	mkpkt(&p, NULL, NULL, "10.1.2.3", 40000, "142.250.1.1", 443, IPPROTO_TCP, 60);
	p.tcp_flags = TCP_SYN;
	tracker_packet(t, &p, 1);
	assert_int_equal(tracker_device_count(t), 1);
	const struct device *d = tracker_device(t, tracker_device_next(t, TABLE_NONE));
	assert_int_equal(d->key.kind, DEVKEY_IP);
	tracker_free(t);
}

static void test_public_only_initiator(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	struct pkt p;
	/* mid-stream server->client packet first: the client (high port) is the device */
	mkpkt(&p, MAC_ROUTER, MAC_DEV, "151.101.66.49", 443, "128.2.6.97", 54804, IPPROTO_TCP, 1500);
	p.tcp_flags = TCP_ACK;
	tracker_packet(t, &p, 1);
	const struct device *d = find_dev(t, MAC_DEV);
	assert_non_null(d);
	assert_null(find_dev(t, MAC_ROUTER));
	const struct dest *x = find_dest(t, dev_index(t, d), "151.101.66.49", 443);
	assert_non_null(x);
	assert_int_equal(x->bytes_down, 1500);
	tracker_free(t);
}

/* A UDP packet from smac/src:sport to dst:dport at time ts. */
static void udp(struct tracker *t, const uint8_t *smac, const uint8_t *dmac, const char *src,
		uint16_t sport, const char *dst, uint16_t dport, uint64_t ts)
{
	struct pkt p;
	mkpkt(&p, smac, dmac, src, sport, dst, dport, IPPROTO_UDP, 60);
	tracker_packet(t, &p, ts);
}

/* A P2P camera on a high port reaches a CS2 relay on udp/32100: the known
 * service port, not the lower port, says who serves, whichever end the
 * first packet seen came from. */
static void test_direction_service_port(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	udp(t, MAC_DEV, MAC_ROUTER, "192.168.1.50", 25508, "203.0.113.9", 32100, 1);
	/* a later flow seen from the relay's side first */
	udp(t, MAC_ROUTER, MAC_DEV, "203.0.113.10", 32100, "192.168.1.50", 10178, 2);
	const struct device *cam = find_dev(t, MAC_DEV);
	assert_non_null(cam);
	uint32_t di = dev_index(t, cam);
	const struct dest *a = find_dest(t, di, "203.0.113.9", 32100);
	const struct dest *b = find_dest(t, di, "203.0.113.10", 32100);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->key.inbound, 0);
	assert_int_equal(b->key.inbound, 0);
	assert_int_equal(a->app, APP_CS2);
	assert_null(find_dest(t, di, "203.0.113.9", 25508));
	assert_null(find_dest(t, di, "203.0.113.10", 10178));
	tracker_free(t);
}

/* TCP seen mid-stream from a cloud on a high port to the device's
 * temporary port: the port that answered a handshake (on another address
 * of the cloud) is the service. */
static void test_direction_midstream_learned_port(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	struct pkt p;
	mkpkt(&p, MAC_DEV, MAC_ROUTER, "192.168.1.50", 35159, "203.0.113.41", 50443, IPPROTO_TCP, 74);
	p.tcp_flags = TCP_SYN;
	tracker_packet(t, &p, 1);
	mkpkt(&p, MAC_ROUTER, MAC_DEV, "203.0.113.41", 50443, "192.168.1.50", 35159, IPPROTO_TCP, 74);
	p.tcp_flags = TCP_SYN | TCP_ACK;
	tracker_packet(t, &p, 2);
	/* another cloud address, mid-stream, to the plug's port 38321 */
	mkpkt(&p, MAC_ROUTER, MAC_DEV, "203.0.113.150", 50443, "192.168.1.50", 38321, IPPROTO_TCP, 90);
	p.tcp_flags = TCP_ACK | TCP_PSH;
	tracker_packet(t, &p, 3);
	uint32_t di = dev_index(t, find_dev(t, MAC_DEV));
	const struct dest *x = find_dest(t, di, "203.0.113.150", 50443);
	assert_non_null(x);
	assert_int_equal(x->key.inbound, 0);
	assert_null(find_dest(t, di, "203.0.113.150", 38321));
	tracker_free(t);
}

/* A port the device used as a client (towards a service) is temporary: a
 * peer's first packet to it does not make it a service. */
static void test_direction_client_port_not_service(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	udp(t, MAC_DEV, MAC_ROUTER, "192.168.1.50", 24207, "203.0.113.9", 32100, 1);
	udp(t, MAC_ROUTER, MAC_DEV, "198.51.100.35", 41107, "192.168.1.50", 24207, 2);
	uint32_t di = dev_index(t, find_dev(t, MAC_DEV));
	const struct dest *x = find_dest(t, di, "198.51.100.35", 41107);
	assert_non_null(x);
	assert_int_equal(x->key.inbound, 0);
	assert_null(find_dest(t, di, "198.51.100.35", 24207));
	tracker_free(t);
}

/* The answer to a broadcast: the phone's discovery went to port 6000 from
 * 5000; the device answers from 6000, first packet of the unicast flow.
 * The phone opened it: the device serves on 6000. */
static void test_direction_broadcast_answer(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	udp(t, MAC_PHONE, bcast, "192.168.1.20", 5000, "255.255.255.255", 6000, 1);
	udp(t, MAC_DEV, MAC_PHONE, "192.168.1.50", 6000, "192.168.1.20", 5000, 2);
	uint32_t di = dev_index(t, find_dev(t, MAC_DEV));
	const struct dest *x = find_dest(t, di, "192.168.1.20", 6000);
	assert_non_null(x);
	assert_int_equal(x->key.inbound, 1);
	assert_null(find_dest(t, di, "192.168.1.20", 5000));
	tracker_free(t);
}

/* A port the same end used with many peers is a service, even when the
 * first packet of a new flow comes from it. */
static void test_direction_many_peers(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	udp(t, MAC_PHONE, MAC_DEV, "192.168.1.20", 3000, "192.168.1.50", 7000, 1);
	udp(t, MAC_PHONE, MAC_DEV, "192.168.1.21", 3001, "192.168.1.50", 7000, 2);
	udp(t, MAC_PHONE, MAC_DEV, "192.168.1.22", 3002, "192.168.1.50", 7000, 3);
	udp(t, MAC_DEV, MAC_PHONE, "192.168.1.50", 7000, "192.168.1.23", 3003, 4);
	uint32_t di = dev_index(t, find_dev(t, MAC_DEV));
	const struct dest *x = find_dest(t, di, "192.168.1.23", 7000);
	assert_non_null(x);
	assert_int_equal(x->key.inbound, 1);
	for (int i = 0; i < 4; i++) { /* every peer reached the device's 7000 */
		char a[32];
		snprintf(a, sizeof a, "192.168.1.%d", 20 + i);
		assert_non_null(find_dest(t, di, a, 7000));
	}
	tracker_free(t);
}

/* Several files in any order: first seen is the earliest packet. */
static void test_first_seen_earliest(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	udp(t, MAC_DEV, MAC_ROUTER, "192.168.1.50", 40000, "203.0.113.9", 123, 5000000);
	udp(t, MAC_DEV, MAC_ROUTER, "192.168.1.50", 40001, "203.0.113.9", 123, 1000000);
	const struct device *d = find_dev(t, MAC_DEV);
	assert_int_equal(d->first_us, 1000000);
	assert_int_equal(d->last_us, 5000000);
	const struct dest *x = find_dest(t, dev_index(t, d), "203.0.113.9", 123);
	assert_int_equal(x->first_us, 1000000);
	tracker_free(t);
}

/* One UDP datagram with a DNS message. */
static void dns_pkt(struct tracker *t, const uint8_t *smac, const uint8_t *dmac, const char *src,
		    uint16_t sport, const char *dst, uint16_t dport, uint16_t id, const char *name,
		    const uint8_t ip[4], uint64_t ts)
{
	struct pkt p;
	static uint8_t buf[512];
	size_t n = dns_msg(buf, id, name, ip);
	mkpkt(&p, smac, dmac, src, sport, dst, dport, IPPROTO_UDP, (uint32_t)(n + 42));
	p.payload = buf;
	p.payload_len = n;
	tracker_packet(t, &p, ts);
}

/* Query from the device at port, answer from (from, fport) with id2. */
static void ask_answer(struct tracker *t, uint16_t port, uint16_t id, const char *from, uint16_t fport,
		       uint16_t id2, uint8_t last, uint64_t ts, uint64_t ts2)
{
	const uint8_t ip[4] = { 203, 0, 113, last };
	dns_pkt(t, MAC_DEV, MAC_ROUTER, "192.168.1.50", port, "192.168.1.1", 53, id, "a.example", NULL, ts);
	dns_pkt(t, MAC_ROUTER, MAC_DEV, from, 53, "192.168.1.50", fport, id2, "a.example", ip, ts2);
}

static uint32_t names_of(const struct tracker *t, uint32_t dev)
{
	uint32_t n = 0, d, name;
	struct ip_addr a;
	for (uint32_t i = tracker_name_next(t, TABLE_NONE); i != TABLE_NONE; i = tracker_name_next(t, i)) {
		tracker_name(t, i, &d, &a, &name);
		n += d == dev;
	}
	return n;
}

/* An answer is the device's only when it answers a query it sent: same
 * id, from the address and port asked, to the port asked from, in time. */
static void test_dns_matcher(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	const struct tracker_stats *st = tracker_stats(t);
	ask_answer(t, 40000, 0x1001, "192.168.1.1", 40000, 0x1001, 1, 1000000, 1100000);
	uint32_t dev = dev_index(t, find_dev(t, MAC_DEV));
	assert_int_equal(names_of(t, dev), 1);
	assert_int_equal(st->dns_unsolicited, 0);
	ask_answer(t, 40001, 0x2001, "192.168.1.1", 40001, 0x2002, 2, 2000000, 2100000); /* wrong id */
	assert_int_equal(st->dns_unsolicited, 1);
	ask_answer(t, 40002, 0x3001, "192.168.1.66", 40002, 0x3001, 3, 3000000, 3100000); /* wrong resolver */
	assert_int_equal(st->dns_unsolicited, 2);
	ask_answer(t, 40003, 0x4001, "192.168.1.1", 40004, 0x4001, 4, 4000000, 4100000); /* wrong port */
	assert_int_equal(st->dns_unsolicited, 3);
	/* in time at 10 s, too late at 10 s + 1 us */
	ask_answer(t, 40005, 0x5001, "192.168.1.1", 40005, 0x5001, 5, 5000000, 15000000);
	assert_int_equal(names_of(t, dev), 2);
	ask_answer(t, 40006, 0x6001, "192.168.1.1", 40006, 0x6001, 6, 20000000, 30000001);
	assert_int_equal(st->dns_unsolicited, 4);
	/* the three unanswered queries, retired by the query at 20 s, and the late one */
	assert_int_equal(st->dns_queries_expired, 4);
	/* a query is answered once: a second answer (other content) is unsolicited */
	const uint8_t ip[4] = { 203, 0, 113, 99 };
	dns_pkt(t, MAC_ROUTER, MAC_DEV, "192.168.1.1", 53, "192.168.1.50", 40005, 0x5001, "a.example", ip, 15000001);
	assert_int_equal(st->dns_unsolicited, 5);
	assert_int_equal(names_of(t, dev), 2);
	/* a query from the device's address and port but another MAC is not
	 * the device's: its answer is unsolicited */
	dns_pkt(t, MAC_PHONE, MAC_ROUTER, "192.168.1.50", 40000, "192.168.1.1", 53, 0x7001, "a.example", NULL,
		16000000);
	dns_pkt(t, MAC_ROUTER, MAC_DEV, "192.168.1.1", 53, "192.168.1.50", 40000, 0x7001, "a.example", ip, 16000001);
	assert_int_equal(st->dns_unsolicited, 6);
	assert_int_equal(names_of(t, dev), 2);
	/* the questions counted are those of the six queries, not of the answers */
	uint32_t d, name, count = 0;
	for (uint32_t i = tracker_query_next(t, TABLE_NONE); i != TABLE_NONE; i = tracker_query_next(t, i))
		tracker_query(t, i, &d, &name, &count);
	assert_int_equal(count, 6);
	tracker_free(t);
}

/* Each device holds at most max_names / 16 of each name table and evicts
 * its own oldest; a full table takes from the device holding the most. */
static void test_name_quota(void **state)
{
	(void)state;
	struct tracker_config cfg;
	tracker_config_default(&cfg);
	cfg.max_names = 64; /* 4 per device */
	struct tracker *t = tracker_new(&cfg);
	char ip[32];
	for (int i = 0; i < 20; i++) { /* 20 devices, 4 answers each */
		uint8_t mac[6] = { 0x02, 0, 0, 0, 1, (uint8_t)i };
		snprintf(ip, sizeof ip, "192.168.1.%d", 100 + i);
		for (int k = 0; k < 4; k++) {
			const uint8_t a[4] = { 203, 0, (uint8_t)i, (uint8_t)k };
			uint64_t ts = (uint64_t)(i * 10 + k) * 1000;
			dns_pkt(t, mac, MAC_ROUTER, ip, 30000, "192.168.1.1", 53, (uint16_t)k, "q.example", NULL, ts);
			dns_pkt(t, MAC_ROUTER, mac, "192.168.1.1", 53, ip, 30000, (uint16_t)k, "q.example", a, ts + 1);
		}
	}
	uint8_t m0[6] = { 0x02, 0, 0, 0, 1, 0 };
	uint32_t first = dev_index(t, find_dev(t, m0));
	/* then one device resolves 100 addresses: only its own go */
	for (int k = 0; k < 100; k++) {
		const uint8_t a[4] = { 198, 51, 100, (uint8_t)k };
		uint64_t ts = 1000000 + (uint64_t)k * 1000;
		dns_pkt(t, MAC_DEV, MAC_ROUTER, "192.168.1.50", 30001, "192.168.1.1", 53, (uint16_t)k, "z.example",
			NULL, ts);
		dns_pkt(t, MAC_ROUTER, MAC_DEV, "192.168.1.1", 53, "192.168.1.50", 30001, (uint16_t)k, "z.example", a,
			ts + 1);
	}
	uint32_t total = 0;
	for (uint32_t i = tracker_name_next(t, TABLE_NONE); i != TABLE_NONE; i = tracker_name_next(t, i))
		total++;
	assert_int_equal(total, 64);
	assert_int_equal(names_of(t, dev_index(t, find_dev(t, MAC_DEV))), 4);
	for (int i = 0; i < 20; i++) {
		uint8_t mac[6] = { 0x02, 0, 0, 0, 1, (uint8_t)i };
		assert_true(names_of(t, dev_index(t, find_dev(t, mac))) >= 3);
	}
	assert_true(names_of(t, first) >= 3);
	assert_true(tracker_stats(t)->names_evicted > 0);
	tracker_free(t);
}

/* A DHCP client message: op 1, chaddr, giaddr, a host name. */
static void dhcp_pkt(struct tracker *t, const uint8_t *smac, const char *src, uint16_t sport, uint16_t dport,
		     const uint8_t chaddr[6], const uint8_t giaddr[4], const char *host, uint64_t ts)
{
	static uint8_t b[300];
	struct pkt p;
	memset(b, 0, sizeof b);
	b[0] = 1, b[1] = 1, b[2] = 6;
	memcpy(b + 24, giaddr, 4);
	memcpy(b + 28, chaddr, 6);
	memcpy(b + 236, "\x63\x82\x53\x63\x35\x01\x03", 7);
	size_t n = 243, hl = strlen(host);
	b[n++] = 12, b[n++] = (uint8_t)hl;
	memcpy(b + n, host, hl);
	n += hl;
	b[n++] = 255;
	mkpkt(&p, smac, NULL, src, sport, sport == 68 ? "255.255.255.255" : "192.168.1.2", dport, IPPROTO_UDP,
	      (uint32_t)(n + 42));
	p.payload = b;
	p.payload_len = n;
	tracker_packet(t, &p, ts);
}

static const char *dhcp_name(const struct tracker *t, const uint8_t mac[6])
{
	const struct device *d = find_dev(t, mac);
	for (int i = 0; d && i < d->n_attrs; i++)
		if (d->attrs[i].kind == DA_DHCP_HOSTNAME)
			return strpool_str(tracker_strings(t), d->attrs[i].str);
	return NULL;
}

static void test_dhcp_chaddr_from_frame(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	const struct tracker_stats *st = tracker_stats(t);
	const uint8_t none[4] = { 0 }, relay[4] = { 192, 168, 7, 1 };
	const uint8_t far[6] = { 0x74, 0xda, 0x38, 0, 0, 0x77 };
	dhcp_pkt(t, MAC_DEV, "0.0.0.0", 68, 67, MAC_DEV, none, "plug", 1);
	dhcp_pkt(t, MAC_PHONE, "0.0.0.0", 68, 67, MAC_DEV, none, "camera", 2); /* another's chaddr */
	assert_string_equal(dhcp_name(t, MAC_DEV), "plug");
	assert_null(dhcp_name(t, MAC_PHONE));
	assert_int_equal(st->dhcp_spoofed, 1);
	/* relayed: for a client of another link, not for one seen here */
	dhcp_pkt(t, MAC_ROUTER, "192.168.1.1", 67, 67, far, relay, "far-cam", 3);
	dhcp_pkt(t, MAC_ROUTER, "192.168.1.1", 67, 67, MAC_DEV, relay, "camera", 4);
	assert_string_equal(dhcp_name(t, far), "far-cam");
	assert_string_equal(dhcp_name(t, MAC_DEV), "plug");
	assert_int_equal(st->dhcp_relayed, 1);
	assert_int_equal(st->dhcp_spoofed, 2);
	/* no link layer: nothing to check chaddr against */
	dhcp_pkt(t, NULL, "10.9.9.9", 68, 67, far, none, "x", 5);
	assert_int_equal(st->dhcp_unverified, 1);
	tracker_free(t);
}

/* An mDNS response to a device's unicast address: the sender's records,
 * nothing in the receiver's DNS name cache. */
static void test_mdns_not_name_cache(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	uint8_t b[128];
	const uint8_t hdr[12] = { 0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0 };
	memcpy(b, hdr, 12);
	size_t n = 12;
	memcpy(b + n, "\2ot\2io\2mi\3com\5local", 20);
	n += 20;
	memcpy(b + n, "\0\1\x80\1\0\0\0\x78\0\4\xc6\x33\x64\x42", 14); /* A 198.51.100.66 */
	n += 14;
	struct pkt p;
	mkpkt(&p, MAC_PHONE, MAC_DEV, "192.168.1.20", 5353, "192.168.1.50", 5353, IPPROTO_UDP, (uint32_t)(n + 42));
	p.payload = b;
	p.payload_len = n;
	tracker_packet(t, &p, 1);
	tracker_packet(t, &p, 2);
	assert_int_equal(tracker_name_next(t, TABLE_NONE), TABLE_NONE);
	const struct device *ph = find_dev(t, MAC_PHONE);
	assert_non_null(ph);
	bool named = false;
	for (int i = 0; i < ph->n_attrs; i++)
		named |= ph->attrs[i].kind == DA_MDNS_HOSTNAME;
	assert_true(named);
	tracker_free(t);
}

/* Devices with evidence (here: two-way traffic) are never evicted by
 * newcomers: those are refused, counted. A device evicted is forgotten
 * everywhere: the one that takes its slot starts with nothing of it. */
static void test_device_cap_established(void **state)
{
	(void)state;
	struct tracker_config cfg;
	tracker_config_default(&cfg);
	cfg.max_devices = 4;
	struct tracker *t = tracker_new(&cfg);
	uint8_t m[4][6];
	for (int i = 0; i < 4; i++) {
		uint8_t mac[6] = { 0x02, 0, 0, 0, 1, (uint8_t)i };
		memcpy(m[i], mac, 6);
	}
	/* two devices answer each other: established */
	udp(t, m[0], m[1], "10.0.0.2", 5000, "10.0.0.3", 6000, 1);
	udp(t, m[1], m[0], "10.0.0.3", 6000, "10.0.0.2", 5000, 2);
	/* two sightings: one frame each */
	udp(t, m[2], m[0], "10.0.0.4", 5000, "10.0.0.2", 7000, 3);
	udp(t, m[3], m[0], "10.0.0.5", 5000, "10.0.0.2", 7001, 4);
	assert_int_equal(tracker_device_count(t), 4);
	for (int i = 0; i < 6; i++) {
		uint8_t mac[6] = { 0x02, 0, 0, 0, 2, (uint8_t)i };
		char src[32];
		snprintf(src, sizeof src, "10.0.1.%d", i + 2);
		udp(t, mac, m[0], src, 5000, "10.0.0.2", 8000, (uint64_t)(10 + i));
	}
	assert_non_null(find_dev(t, m[0]));
	assert_non_null(find_dev(t, m[1]));
	assert_null(find_dev(t, m[2]));
	assert_int_equal(tracker_stats(t)->devices_evicted, 6);
	assert_int_equal(tracker_device_count(t), 4);
	/* the receiving device's destinations of evicted senders are its own
	 * and stay; an evicted device's own are gone */
	const struct device *d0 = find_dev(t, m[0]);
	assert_non_null(find_dest(t, dev_index(t, d0), "10.0.1.7", 8000));
	for (uint32_t i = tracker_dest_next(t, TABLE_NONE); i != TABLE_NONE; i = tracker_dest_next(t, i))
		assert_int_not_equal(tracker_device_index(t, tracker_dest(t, i)->key.dev), TABLE_NONE);
	/* the device answers the two newcomers left: all four have evidence,
	 * and the next newcomer takes the place of the one least recently
	 * seen that the packet does not use (m[1], last seen at 2) */
	uint8_t n4[6] = { 0x02, 0, 0, 0, 2, 4 }, n5[6] = { 0x02, 0, 0, 0, 2, 5 }, n6[6] = { 0x02, 0, 0, 0, 3, 1 };
	udp(t, m[0], n4, "10.0.0.2", 8000, "10.0.1.6", 5000, 31);
	udp(t, m[0], n5, "10.0.0.2", 8000, "10.0.1.7", 5000, 32);
	udp(t, n6, m[0], "10.0.3.1", 5000, "10.0.0.2", 8000, 33);
	assert_non_null(find_dev(t, n6));
	assert_non_null(find_dev(t, n4));
	assert_non_null(find_dev(t, n5));
	assert_non_null(find_dev(t, m[0]));
	assert_null(find_dev(t, m[1]));
	assert_int_equal(tracker_stats(t)->devices_refused, 0);
	assert_int_equal(tracker_stats(t)->devices_displaced, 1);
	assert_int_equal(tracker_stats(t)->devices_evicted, 6);
	tracker_free(t);
}

/* A global source address a LAN MAC only sent from is not shown to be its
 * own; an answer delivered to its MAC from the gateway is. */
static void test_address_evidence(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	struct pkt p;
	/* the router carries two internet hosts both ways: the gateway */
	for (int i = 0; i < 2; i++) {
		char h[32];
		snprintf(h, sizeof h, "162.159.200.%d", i + 1);
		udp(t, MAC_PHONE, MAC_ROUTER, "192.168.1.20", (uint16_t)(4000 + i), h, 123, (uint64_t)(1 + 2 * i));
		udp(t, MAC_ROUTER, MAC_PHONE, h, 123, "192.168.1.20", (uint16_t)(4000 + i), (uint64_t)(2 + 2 * i));
	}
	assert_true(find_dev(t, MAC_ROUTER)->roles & DEV_ROLE_GATEWAY);
	/* a MAC that only answers "from" an internet address nobody sent
	 * it anything for is not one */
	udp(t, MAC_PHONE2, MAC_PHONE, "162.159.200.9", 123, "192.168.1.20", 4500, 6);
	assert_non_null(find_dev(t, MAC_PHONE2));
	assert_false(find_dev(t, MAC_PHONE2)->roles & DEV_ROLE_GATEWAY);
	/* the phone asks 8.8.8.8 through the router; another MAC answers */
	udp(t, MAC_PHONE, MAC_ROUTER, "192.168.1.20", 4600, "8.8.8.8", 53, 7);
	udp(t, MAC_PHONE2, MAC_PHONE, "8.8.8.8", 53, "192.168.1.20", 4600, 8);
	assert_false(find_dev(t, MAC_PHONE2)->roles & DEV_ROLE_GATEWAY);
	/* a frame from the device's MAC "from" 47.102.97.140 */
	udp(t, MAC_DEV, MAC_ROUTER, "47.102.97.140", 5000, "1.1.1.1", 53, 10);
	const struct device *d = find_dev(t, MAC_DEV);
	assert_non_null(d);
	assert_int_equal(addr_ev(d, "47.102.97.140"), ADDR_EV_SENT);
	/* a global IPv6 address: sent from, then answered through the gateway */
	mkpkt(&p, MAC_DEV, MAC_ROUTER, "2a02:8108:1a80:3c00::5", 50000, "2a00:1450:4001:80b::200e", 443,
	      IPPROTO_TCP, 74);
	p.tcp_flags = TCP_SYN;
	tracker_packet(t, &p, 20);
	d = find_dev(t, MAC_DEV);
	assert_int_equal(addr_ev(d, "2a02:8108:1a80:3c00::5"), ADDR_EV_SENT);
	mkpkt(&p, MAC_ROUTER, MAC_DEV, "2a00:1450:4001:80b::200e", 443, "2a02:8108:1a80:3c00::5", 50000,
	      IPPROTO_TCP, 74);
	p.tcp_flags = TCP_SYN | TCP_ACK;
	tracker_packet(t, &p, 21);
	d = find_dev(t, MAC_DEV);
	assert_true(addr_ev(d, "2a02:8108:1a80:3c00::5") & ADDR_EV_ANSWERED);
	assert_int_equal(addr_ev(d, "47.102.97.140"), ADDR_EV_SENT);
	/* one frame from 8.8.8.8:53 to the phone does not make a router */
	udp(t, MAC_DEV, MAC_PHONE, "8.8.8.8", 53, "192.168.1.20", 4100, 30);
	assert_false(find_dev(t, MAC_DEV)->roles & DEV_ROLE_GATEWAY);
	tracker_free(t);
}

/* A device evicted takes its DNS state with it: its query counts and the
 * query still waiting for an answer are gone, and the answer arriving
 * after that is unsolicited, not credited to whoever took the slot. */
static void test_evicted_names_dropped(void **state)
{
	(void)state;
	struct tracker_config cfg;
	tracker_config_default(&cfg);
	cfg.max_devices = 2;
	struct tracker *t = tracker_new(&cfg);
	dns_pkt(t, MAC_DEV, MAC_ROUTER, "192.168.1.50", 40000, "192.168.1.1", 53, 0x1001, "a.example", NULL, 1000);
	assert_int_not_equal(tracker_query_next(t, TABLE_NONE), TABLE_NONE);
	/* two newcomers on probation push both out */
	udp(t, MAC_PHONE, MAC_PHONE2, "192.168.1.20", 5000, "192.168.1.21", 6000, 2000);
	assert_null(find_dev(t, MAC_DEV));
	assert_int_equal(tracker_stats(t)->devices_evicted, 2);
	assert_int_equal(tracker_query_next(t, TABLE_NONE), TABLE_NONE);
	/* the late answer matches no waiting query */
	const uint8_t ip[4] = { 203, 0, 113, 7 };
	uint64_t before = tracker_stats(t)->dns_unsolicited;
	dns_pkt(t, MAC_ROUTER, MAC_DEV, "192.168.1.1", 53, "192.168.1.50", 40000, 0x1001, "a.example", ip, 3000);
	assert_int_equal(tracker_stats(t)->dns_unsolicited, before + 1);
	assert_int_equal(tracker_name_next(t, TABLE_NONE), TABLE_NONE);
	tracker_free(t);
}

/* Expiry events, in order, with what they carried. */
struct events {
	unsigned n;
	struct {
		uint8_t kind, why;
		uint64_t now_us, dev_bytes, dest_bytes;
		char name[64];
	} v[32];
};

static void on_expiry(void *ctx, const struct track_expiry *e)
{
	struct events *ev = ctx;
	if (ev->n == 32)
		return;
	ev->v[ev->n].kind = e->kind;
	ev->v[ev->n].why = e->why;
	ev->v[ev->n].now_us = e->now_us;
	ev->v[ev->n].dev_bytes = e->dev ? e->dev->bytes_out + e->dev->bytes_in : 0;
	ev->v[ev->n].dest_bytes = e->dest ? e->dest->bytes_up + e->dest->bytes_down : 0;
	snprintf(ev->v[ev->n].name, sizeof ev->v[0].name, "%s",
		 e->kind == TEXP_NAME ? strpool_str(e->strings, e->name) : "");
	ev->n++;
}

#define S(x) ((uint64_t)(x) * 1000000u)

/* Idle expiry: a destination and names not used for their idle time go
 * (by tracker_tick(), once a second of engine time), each with an event carrying
 * its totals; a device idle for its time goes after its destinations and
 * names; what a flow held of them is stale, and the flow's next packet
 * starts new records. */
static void test_idle_lifetimes(void **state)
{
	(void)state;
	struct tracker_config cfg;
	tracker_config_default(&cfg);
	cfg.dev_idle_s = 600;
	cfg.dest_idle_s = 60;
	cfg.name_idle_s = 60;
	struct tracker *t = tracker_new(&cfg);
	struct events ev = { 0 };
	tracker_set_expiry(t, on_expiry, &ev);
	const uint8_t ip[4] = { 93, 184, 216, 34 };
	dns_pkt(t, MAC_DEV, MAC_ROUTER, "192.168.1.50", 40000, "192.168.1.1", 53, 0x1001, "a.example", NULL, S(1));
	dns_pkt(t, MAC_ROUTER, MAC_DEV, "192.168.1.1", 53, "192.168.1.50", 40000, 0x1001, "a.example", ip, S(1));
	struct pkt p;
	mkpkt(&p, MAC_DEV, MAC_ROUTER, "192.168.1.50", 50000, "93.184.216.34", 443, IPPROTO_TCP, 100);
	tracker_packet(t, &p, S(2));
	tracker_packet(t, &p, S(3));
	const struct device *d = find_dev(t, MAC_DEV);
	uint32_t h = d->handle;
	const struct dest *x = find_dest(t, h, "93.184.216.34", 443);
	assert_non_null(x);
	assert_string_equal(strpool_str(tracker_strings(t), x->dns_name), "a.example");
	/* the phone keeps talking, and the engine's tick (once a second) expires
	 * what is idle: the tick alone does, after the snapshot due */
	for (int i = 0; i < 100; i++) {
		udp(t, MAC_PHONE, MAC_ROUTER, "192.168.1.20", 5000, "198.51.100.1", 123, S(10 + i));
		tracker_tick(t, S(10 + i));
	}
	assert_null(find_dest(t, h, "93.184.216.34", 443));
	assert_non_null(find_dev(t, MAC_DEV)); /* 600 s */
	const struct tracker_stats *st = tracker_stats(t);
	/* the TLS destination, and the DNS one both ways (the router is a
	 * device: a local address) */
	assert_int_equal(st->dests_expired, 3);
	assert_int_equal(st->names_expired, 2); /* a name-cache and a query entry */
	unsigned dests = 0, names = 0, tls = 0;
	for (unsigned i = 0; i < ev.n; i++) {
		assert_int_equal(ev.v[i].why, TEXP_IDLE);
		if (ev.v[i].kind == TEXP_DEST) {
			dests++;
			tls += ev.v[i].dest_bytes == 200 && ev.v[i].dev_bytes > 200;
		} else if (ev.v[i].kind == TEXP_NAME) {
			names++;
			assert_string_equal(ev.v[i].name, "a.example");
		}
		assert_int_not_equal(ev.v[i].kind, TEXP_DEVICE);
	}
	assert_int_equal(dests, 3);
	assert_int_equal(tls, 1);
	assert_int_equal(names, 2);
	/* the device's bytes stay its own, now on no destination */
	d = find_dev(t, MAC_DEV);
	assert_int_equal((int64_t)(d->bytes_out + d->bytes_in), d->bytes_nodest);
	assert_int_equal(d->n_dests, 0);
	/* the flow's next packet starts a new destination */
	tracker_packet(t, &p, S(120));
	x = find_dest(t, h, "93.184.216.34", 443);
	assert_non_null(x);
	assert_int_equal(x->bytes_up, 100);
	assert_int_equal(x->flows, 1);
	/* time alone: ticks with no packet expire the phone, then the device */
	ev.n = 0;
	for (int i = 0; i < 4; i++)
		tracker_tick(t, S(725));
	assert_null(find_dev(t, MAC_DEV));
	assert_null(find_dev(t, MAC_PHONE));
	assert_int_equal(st->devices_expired, 3); /* and the router */
	assert_int_equal(tracker_device_count(t), 0);
	assert_int_equal(tracker_dest_count(t), 0);
	/* each device after its destinations */
	int devs_seen = 0;
	for (unsigned i = 0; i < ev.n; i++) {
		assert_int_equal(ev.v[i].now_us, S(725));
		if (ev.v[i].kind == TEXP_DEVICE)
			devs_seen++;
		else
			assert_true(i + 1 < ev.n); /* a device event follows */
	}
	assert_int_equal(devs_seen, 3);
	assert_int_equal(ev.v[ev.n - 1].kind, TEXP_DEVICE);
	/* time does not step back with a tick */
	tracker_tick(t, S(1));
	udp(t, MAC_PHONE, MAC_ROUTER, "192.168.1.20", 5000, "198.51.100.1", 123, S(726));
	assert_non_null(find_dev(t, MAC_PHONE));
	tracker_free(t);
}

/* Defaults: nothing expires however long the capture (inspect). */
static void test_no_idle_by_default(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	udp(t, MAC_DEV, MAC_ROUTER, "192.168.1.50", 5000, "198.51.100.1", 123, S(1));
	for (int i = 0; i < 10; i++)
		tracker_tick(t, S(86400) * (uint64_t)(i + 1));
	udp(t, MAC_PHONE, MAC_ROUTER, "192.168.1.20", 5000, "198.51.100.1", 123, S(86400 * 30));
	assert_non_null(find_dev(t, MAC_DEV));
	assert_int_equal(tracker_dest_count(t), 2);
	assert_int_equal(tracker_stats(t)->devices_expired + tracker_stats(t)->dests_expired, 0);
	tracker_free(t);
}

/* strpool_compact(): the strings kept have new ids with the same text,
 * the rest are gone, the memory falls, and the pool works on. */
static void test_strpool_compact(void **state)
{
	(void)state;
	struct strpool *sp = strpool_new(8u << 20);
	char buf[160];
	uint32_t ids[3000];
	for (int i = 0; i < 3000; i++) {
		int n = snprintf(buf, sizeof buf, "name-%04d.%0120d.example", i, i);
		ids[i] = strpool_intern(sp, buf, (size_t)n, 0);
		assert_int_equal(ids[i], (uint32_t)i + 1);
	}
	size_t mem = strpool_memory(sp), bytes = strpool_bytes(sp);
	uint64_t live[3001 / 64 + 1] = { 0 };
	for (int i = 0; i < 3000; i += 10)
		live[ids[i] >> 6] |= 1ull << (ids[i] & 63);
	uint32_t remap[3001];
	size_t freed = strpool_compact(sp, live, remap);
	assert_true(freed > bytes / 2);
	assert_int_equal(strpool_bytes(sp), bytes - freed);
	assert_int_equal(strpool_count(sp), 300);
	assert_true(strpool_memory(sp) < mem / 4);
	for (int i = 0; i < 3000; i++) {
		int n = snprintf(buf, sizeof buf, "name-%04d.%0120d.example", i, i);
		if (i % 10) {
			assert_int_equal(remap[ids[i]], 0);
			assert_int_equal(strpool_lookup(sp, buf, (size_t)n, 0), 0);
			continue;
		}
		assert_int_equal(remap[ids[i]], (uint32_t)i / 10 + 1); /* in order */
		assert_string_equal(strpool_str(sp, remap[ids[i]]), buf);
		assert_int_equal(strpool_lookup(sp, buf, (size_t)n, 0), remap[ids[i]]);
	}
	/* the pool works on: a string gone comes back as a new id */
	uint32_t again = strpool_intern(sp, "name-0001.x", 11, 0);
	assert_int_equal(again, 301);
	assert_string_equal(strpool_str(sp, again), "name-0001.x");
	strpool_free(sp);
}

/* A long run with names churning: the strings of names and destinations
 * that expired are given back (compaction), none refused though their
 * total is several times the ceiling, and what stays reads right. */
static void test_strings_reclaimed(void **state)
{
	(void)state;
	struct tracker_config cfg;
	tracker_config_default(&cfg);
	cfg.max_string_bytes = 256u << 10;
	cfg.name_idle_s = 30;
	cfg.dest_idle_s = 30;
	struct tracker *t = tracker_new(&cfg);
	char name[256];
	size_t peak = 0;
	for (uint32_t i = 0; i < 6000; i++) {
		uint8_t ip[4] = { 93, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
		char addr[32];
		snprintf(name, sizeof name, "host-%05u.%060u.%060u.%060u.example", i, i, i, i);
		snprintf(addr, sizeof addr, "93.%u.%u.%u", ip[1], ip[2], ip[3]);
		uint16_t id = (uint16_t)(i + 1), port = (uint16_t)(20000 + i % 20000);
		dns_pkt(t, MAC_DEV, MAC_ROUTER, "192.168.1.50", port, "192.168.1.1", 53, id, name, NULL, S(i));
		dns_pkt(t, MAC_ROUTER, MAC_DEV, "192.168.1.1", 53, "192.168.1.50", port, id, name, ip, S(i));
		struct pkt p;
		mkpkt(&p, MAC_DEV, MAC_ROUTER, "192.168.1.50", port, addr, 443, IPPROTO_TCP, 100);
		tracker_packet(t, &p, S(i));
		tracker_tick(t, S(i)); /* the engine's, once a second: idle expiry */
		size_t m = strpool_memory(tracker_strings(t));
		peak = m > peak ? m : peak;
	}
	const struct tracker_stats *st = tracker_stats(t);
	print_message("%llu compactions, %llu KiB reclaimed, pool peak %zu KiB\n",
		      (unsigned long long)st->string_compactions, (unsigned long long)st->strings_reclaimed >> 10,
		      peak >> 10);
	assert_true(st->string_compactions > 0);
	assert_true(st->strings_reclaimed > 6000u * 200 - (256u << 10));
	assert_int_equal(st->strings_refused, 0);
	assert_true(peak <= (256u << 10) + (128u << 10)); /* a chunk over, at most */
	/* the last name and its destination read right */
	const struct device *d = find_dev(t, MAC_DEV);
	const struct dest *x = find_dest(t, d->handle, "93.0.23.111", 443); /* i = 5999 */
	assert_non_null(x);
	snprintf(name, sizeof name, "host-%05u.%060u.%060u.%060u.example", 5999, 5999, 5999, 5999);
	assert_string_equal(strpool_str(tracker_strings(t), x->dns_name), name);
	uint32_t qn = 0;
	for (uint32_t i = tracker_query_next(t, TABLE_NONE); i != TABLE_NONE; i = tracker_query_next(t, i)) {
		uint32_t dev, nm, count;
		tracker_query(t, i, &dev, &nm, &count);
		assert_int_equal(strncmp(strpool_str(tracker_strings(t), nm), "host-", 5), 0);
		assert_int_equal(count, 1);
		qn++;
	}
	assert_true(qn > 0 && qn <= 32);
	/* snapshots of it read the same text */
	struct snapshot *s = tracker_snapshot(t);
	assert_non_null(s);
	int found = 0;
	for (uint32_t i = 0; i < snap_dest_count(s); i++)
		found += !strcmp(strpool_str(snap_strings(s), snap_dest(s, i)->dns_name), name);
	assert_int_equal(found, 1);
	snapshot_free(s);
	tracker_free(t);
}

static void arp_req(struct tracker *t, const uint8_t *mac, uint8_t target, uint64_t ts)
{
	struct pkt p;
	memset(&p, 0, sizeof p);
	p.has_mac = 1;
	memcpy(p.mac_src, mac, 6);
	memset(p.mac_dst, 0xff, 6);
	p.has_mac_dst = 1;
	p.l3 = L3_ARP;
	p.wirelen = p.caplen = 42;
	p.arp.op = 1;
	memcpy(p.arp.sha, mac, 6);
	const uint8_t spa[4] = { 192, 168, 1, 50 }, tpa[4] = { 192, 168, 1, target };
	memcpy(p.arp.spa, spa, 4);
	memcpy(p.arp.tpa, tpa, 4);
	tracker_packet(t, &p, ts);
}

static unsigned targets(const struct device *d)
{
	unsigned n = 0;
	for (int i = 0; i < 4; i++)
		n += (unsigned)__builtin_popcountll(d->arp_targets[i]);
	return n;
}

/* ARP counters over windows (window_s, two buckets from the first ARP):
 * the report shows the window with the most distinct targets, so a sweep
 * is found however long the capture after it, and a device asking for one
 * new neighbour an hour never adds up to a sweep. Beacon gaps over the last
 * 1024 to 2048 gaps. Shorter than a window (fewer gaps), everything counts
 * as before (from the start). */
static void test_windows(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL); /* window_s 3600 */
	uint64_t t0 = S(1000);
	for (int i = 0; i < 100; i++)
		arp_req(t, MAC_DEV, (uint8_t)(i + 100), t0 + S(i));
	const struct device *d = find_dev(t, MAC_DEV);
	assert_int_equal(d->arp_requests, 100);
	assert_int_equal(targets(d), 100);
	/* the next window: the sweep still in the window, with what comes */
	arp_req(t, MAC_DEV, 200, t0 + S(3700));
	d = find_dev(t, MAC_DEV);
	assert_int_equal(d->arp_requests, 101);
	assert_int_equal(targets(d), 101);
	assert_int_equal(d->arp_peak_us, t0 + S(3700));
	/* the windows after: the sweep has left them, the peak stays */
	arp_req(t, MAC_DEV, 201, t0 + S(7300));
	d = find_dev(t, MAC_DEV);
	assert_int_equal(d->arp_prev_requests + d->arp_cur_requests, 2);
	assert_int_equal(d->arp_requests, 101);
	assert_int_equal(targets(d), 101);
	tracker_tick(t, t0 + S(30000));
	struct snapshot *s = tracker_snapshot(t);
	const struct device *sd = NULL;
	for (uint32_t i = 0; i < snap_device_count(s); i++)
		if (!memcmp(snap_device(s, i)->key.mac, MAC_DEV, 6))
			sd = snap_device(s, i);
	assert_non_null(sd);
	assert_int_equal(sd->arp_prev_requests + sd->arp_cur_requests, 0); /* as at its time */
	assert_int_equal(sd->arp_requests, 101);
	snapshot_free(s);
	/* a device asking for a new neighbour every hour for 100 hours: not a
	 * sweep (from the start, 100 targets: over any threshold) */
	for (int i = 0; i < 100; i++)
		arp_req(t, MAC_PHONE, (uint8_t)(i + 1), t0 + S(3601) * (uint64_t)i);
	d = find_dev(t, MAC_PHONE);
	assert_true(targets(d) <= 2);
	assert_true(d->arp_requests <= 2);

	/* a beacon every 60 s, 3000 flows */
	struct pkt p;
	for (int i = 0; i < 3000; i++) {
		mkpkt(&p, MAC_PHONE, MAC_ROUTER, "192.168.1.20", (uint16_t)(30000 + i), "198.51.100.9", 443,
		      IPPROTO_TCP, 60);
		tracker_packet(t, &p, t0 + S(60 * i));
		const struct dest *x = find_dest(t, find_dev(t, MAC_PHONE)->handle, "198.51.100.9", 443);
		if (i == 1023) { /* 1023 gaps: every one, as always */
			assert_int_equal(x->n_gaps, 1023);
			assert_true(x->gap_sum == 1023 * 60.0);
		}
		if (i == 2999) { /* the last full bucket and the current */
			assert_int_equal(x->n_gaps, 2999 - 2048 + 1024);
			assert_true(x->gap_sum == (2999 - 2048 + 1024) * 60.0);
		}
	}
	tracker_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_names_destination),
		cmocka_unit_test(test_dns_matcher),
		cmocka_unit_test(test_name_quota),
		cmocka_unit_test(test_dhcp_chaddr_from_frame),
		cmocka_unit_test(test_mdns_not_name_cache),
		cmocka_unit_test(test_tls_hello_split),
		cmocka_unit_test(test_local_peers_and_inbound),
		cmocka_unit_test(test_flow_cap_bounded),
		cmocka_unit_test(test_idle_expiry),
		cmocka_unit_test(test_device_cap),
		cmocka_unit_test(test_device_cap_established),
		cmocka_unit_test(test_address_evidence),
		cmocka_unit_test(test_evicted_names_dropped),
		cmocka_unit_test(test_no_link_layer),
		cmocka_unit_test(test_public_only_initiator),
		cmocka_unit_test(test_direction_service_port),
		cmocka_unit_test(test_direction_midstream_learned_port),
		cmocka_unit_test(test_direction_client_port_not_service),
		cmocka_unit_test(test_direction_broadcast_answer),
		cmocka_unit_test(test_direction_many_peers),
		cmocka_unit_test(test_first_seen_earliest),
		cmocka_unit_test(test_idle_lifetimes),
		cmocka_unit_test(test_no_idle_by_default),
		cmocka_unit_test(test_strpool_compact),
		cmocka_unit_test(test_strings_reclaimed),
		cmocka_unit_test(test_windows),
	};
	return cmocka_run_group_tests_name("track", tests, NULL, NULL);
}
