/* test_findings.c - the detectors (analyze/find_*.c) on reports built by
 * hand: each fires at its threshold and not one below, scans count within
 * the window only, keys do not depend on run or order, and the words of
 * each kind (output/finding.c) are what a person reads, escaped where
 * they go. */
#include "testutil.h"

#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <unistd.h>

#include "analyze/findings.h"
#include "output/finding.h"
#include "output/output.h"

#define S 1000000ull             /* one second in microseconds */
#define T0 (1764000000ull * S)   /* 2025-11-24 */
#define MAXD 8
#define MAXX 200

/* A report under construction: devices with their destinations. */
struct rb {
	struct report r;
	struct rep_device dev[MAXD];
	struct rep_dest dest[MAXD][MAXX];
	struct ip_addr v4[MAXD];
	struct rep_attr attr[MAXD][8];
	struct rep_query query[MAXD][32];
};

static struct rb *rb_new(void)
{
	struct rb *b = calloc(1, sizeof *b);
	assert_non_null(b);
	b->r.schema = REPORT_SCHEMA;
	b->r.version = "test";
	b->r.devices = b->dev;
	return b;
}

static struct rep_device *rb_dev(struct rb *b, const char *mac, const char *ip, const char *kind)
{
	size_t i = b->r.n_devices++;
	assert_true(i < MAXD);
	struct rep_device *d = &b->dev[i];
	snprintf(d->id, sizeof d->id, "%s", mac);
	d->has_mac = 1;
	assert_int_equal(mac_parse(d->mac, mac), 0);
	assert_int_equal(addr_parse(&b->v4[i], ip), 0);
	d->ipv4 = &b->v4[i];
	d->n_ipv4 = 1;
	d->kind = kind;
	d->dests = b->dest[i];
	d->attrs = b->attr[i];
	d->queries = b->query[i];
	d->first_us = T0;
	d->last_us = T0 + 3600 * S;
	snprintf(d->display, sizeof d->display, "%s (%s)", ip, mac);
	return d;
}

/* A destination first seen at t seconds after T0 (and last 10 s later). */
static struct rep_dest *rb_dest(struct rep_device *d, const char *addr, uint8_t proto, unsigned port, uint64_t t)
{
	assert_true(d->n_dests < MAXX);
	struct rep_dest *x = &d->dests[d->n_dests++];
	memset(x, 0, sizeof *x);
	assert_int_equal(addr_parse(&x->addr, addr), 0);
	x->internet = !addr_is_local(&x->addr) && !addr_is_group(&x->addr);
	x->scope = x->internet ? REP_SCOPE_INTERNET : (enum rep_scope)addr_scope(&x->addr);
	x->proto = proto;
	x->port = (uint16_t)port;
	x->flows = 1;
	x->pkts_up = x->pkts_down = 1;
	x->bytes_up = x->bytes_down = 100;
	x->first_us = T0 + t * S;
	x->last_us = x->first_us + 10 * S;
	x->country[0] = '\0';
	if (x->internet)
		d->n_internet_dests++;
	return x;
}

static void rb_attr(struct rep_device *d, const char *kind, const char *value)
{
	assert_true(d->n_attrs < 8);
	d->attrs[d->n_attrs++] = (struct rep_attr){ kind, value };
}

static struct find_config cfg;
static struct findings fs;

static void run(struct rb *b, const struct find_inputs *in)
{
	findings_free(&fs);
	struct find_inputs def = { &cfg, NULL, NULL, NULL };
	findings_run(&b->r, in ? in : &def, &fs);
}

/* The finding of this kind (about device id, or any), or NULL. */
static const struct finding *got(const char *kind, const char *id)
{
	for (size_t i = 0; i < fs.n; i++)
		if (!strcmp(fs.v[i].detector, kind) && (!id || !strcmp(fs.v[i].device, id)))
			return &fs.v[i];
	return NULL;
}

static size_t count(const char *kind)
{
	size_t n = 0;
	for (size_t i = 0; i < fs.n; i++)
		n += !strcmp(fs.v[i].detector, kind);
	return n;
}

static const char *title(const struct finding *f)
{
	static struct finding_words w;
	assert_non_null(f);
	finding_words(f, &w);
	return w.title;
}

static const char *evidence(const struct finding *f)
{
	static struct finding_words w;
	assert_non_null(f);
	finding_words(f, &w);
	return w.evidence;
}

static int setup(void **state)
{
	(void)state;
	find_config_default(&cfg);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	findings_free(&fs);
	return 0;
}

#define DEV "68:c6:3a:00:00:02"
#define DEVIP "192.168.1.50"
#define LAP "34:f6:4b:00:00:03"

/* n LAN hosts, the i-th first contacted at i * step seconds */
static struct rb *lan_hosts(size_t n, uint64_t step)
{
	struct rb *b = rb_new();
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "plug");
	for (size_t i = 0; i < n; i++) {
		char a[32];
		snprintf(a, sizeof a, "192.168.1.%zu", 100 + i);
		rb_dest(d, a, IPPROTO_TCP, 80, i * step);
	}
	return b;
}

static void test_lan_scan_threshold(void **state)
{
	(void)state;
	struct rb *b = lan_hosts(cfg.scan_hosts - 1, 1);
	run(b, NULL);
	assert_null(got("lan-scan", NULL));
	free(b);
	b = lan_hosts(cfg.scan_hosts, 1);
	run(b, NULL);
	const struct finding *f = got("lan-scan", DEV);
	assert_non_null(f);
	assert_int_equal(f->sev, SEV_HIGH);
	assert_string_equal(f->key, "lan-scan/" DEV "/192.168.1.0/24");
	assert_string_equal(title(f), "contacted 16 hosts on the LAN (threshold 16)");
	assert_string_equal(evidence(f), "hosts: 192.168.1.100, 192.168.1.101, 192.168.1.102, 192.168.1.103, "
					 "192.168.1.104, 192.168.1.105, ...; 2025-11-24 16:00:00 to 16:00:25");
	assert_int_equal(fs_u(&f->ev, "hosts"), 16);
	assert_int_equal(fs_l(&f->ev, "addresses")->n, 16);
	free(b);
}

static void test_lan_scan_window(void **state)
{
	(void)state;
	/* 16 hosts, one every 5 minutes: 75 minutes, more than the hour */
	struct rb *b = lan_hosts(16, 300);
	run(b, NULL);
	assert_null(got("lan-scan", NULL));
	free(b);
	/* one every 3 minutes: 45 minutes, within it */
	b = lan_hosts(16, 180);
	run(b, NULL);
	assert_non_null(got("lan-scan", DEV));
	free(b);
	/* a month of one new host a day, then 16 in a minute on day 20: the
	 * finding counts the burst and spans it */
	b = rb_new();
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "plug");
	for (unsigned i = 0; i < 30; i++) {
		char a[32];
		snprintf(a, sizeof a, "192.168.1.%u", 10 + i);
		rb_dest(d, a, IPPROTO_TCP, 80, i * 86400ull);
	}
	for (unsigned i = 0; i < 16; i++) {
		char a[32];
		snprintf(a, sizeof a, "192.168.1.%u", 100 + i);
		rb_dest(d, a, IPPROTO_TCP, 80, 20 * 86400ull + 3600 + i * 3);
	}
	run(b, NULL);
	const struct finding *f = got("lan-scan", DEV);
	assert_non_null(f);
	assert_int_equal(fs_u(&f->ev, "hosts"), 16);
	assert_int_equal(f->first_us, T0 + (20 * 86400ull + 3600) * S);
	assert_int_equal(f->last_us, T0 + (20 * 86400ull + 3600 + 45 + 10) * S);
	/* without a window (0): all time, as before */
	cfg.scan_window_us = 0;
	run(b, NULL);
	assert_int_equal(fs_u(&got("lan-scan", DEV)->ev, "hosts"), 46);
	find_config_default(&cfg);
	free(b);
}

static struct rb *ports(size_t n, uint64_t step)
{
	struct rb *b = rb_new();
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "plug");
	for (size_t i = 0; i < n; i++)
		rb_dest(d, "192.168.1.70", IPPROTO_TCP, 1000 + (unsigned)i, i * step);
	return b;
}

static void test_port_scan(void **state)
{
	(void)state;
	struct rb *b = ports(cfg.scan_ports - 1, 1);
	run(b, NULL);
	assert_null(got("port-scan", NULL));
	free(b);
	b = ports(cfg.scan_ports, 1);
	run(b, NULL);
	const struct finding *f = got("port-scan", DEV);
	assert_non_null(f);
	assert_string_equal(f->key, "port-scan/" DEV "/192.168.1.70");
	assert_string_equal(title(f), "tried 20 ports on 192.168.1.70 (threshold 20)");
	assert_string_equal(evidence(f), "20 distinct TCP/UDP ports to 192.168.1.70");
	free(b);
	b = ports(cfg.scan_ports, 600); /* 20 ports over 3 hours 10 minutes */
	run(b, NULL);
	assert_null(got("port-scan", NULL));
	free(b);
}

static void test_lan_admin(void **state)
{
	(void)state;
	struct rb *b = rb_new();
	rb_dev(b, "50:c7:bf:00:00:01", "192.168.1.1", "router")->gateway = 1;
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "plug");
	rb_dest(d, "192.168.1.70", IPPROTO_TCP, 22, 0);
	rb_dest(d, "192.168.1.1", IPPROTO_TCP, 80, 0);
	struct rep_device *l = rb_dev(b, LAP, "192.168.1.60", "computer");
	rb_dest(l, "192.168.1.70", IPPROTO_TCP, 22, 0);
	run(b, NULL);
	const struct finding *f = got("lan-admin", DEV);
	assert_non_null(f);
	assert_int_equal(f->sev, SEV_MEDIUM);
	assert_string_equal(evidence(f), "SSH 192.168.1.70:22, HTTP 192.168.1.1:80 (the router)");
	assert_null(got("lan-admin", LAP)); /* a computer may SSH */
	free(b);
}

static void test_arp(void **state)
{
	(void)state;
	struct rb *b = rb_new();
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "plug");
	d->arp_targets = cfg.scan_hosts - 1;
	d->arp_requests = 40;
	d->arp_gratuitous = cfg.garp_storm - 1;
	run(b, NULL);
	assert_null(got("arp-sweep", NULL));
	assert_null(got("arp-storm", NULL));
	d->arp_targets = cfg.scan_hosts;
	d->arp_gratuitous = cfg.garp_storm;
	run(b, NULL);
	assert_string_equal(title(got("arp-sweep", DEV)), "asked ARP for 16 addresses (threshold 16)");
	assert_string_equal(evidence(got("arp-sweep", DEV)),
			    "40 ARP requests for 16 distinct addresses, 2025-11-24 16:00:00 to 17:00:00");
	assert_string_equal(title(got("arp-storm", DEV)), "sent 50 gratuitous ARP announcements");
	free(b);
}

static void test_arp_spoof(void **state)
{
	(void)state;
	struct rb *b = rb_new();
	struct rep_device *r = rb_dev(b, "50:c7:bf:00:00:01", "192.168.1.1", "router");
	struct rep_device *n = rb_dev(b, "f8:24:41:00:00:04", "192.168.1.70", "bulb");
	rb_attr(r, "arp-claim", "192.168.1.1");
	rb_attr(n, "arp-claim", "192.168.1.70");
	run(b, NULL);
	assert_null(got("arp-spoof", NULL));
	rb_attr(n, "arp-claim", "192.168.1.1");
	run(b, NULL);
	assert_int_equal(count("arp-spoof"), 1);
	const struct finding *f = got("arp-spoof", NULL);
	assert_non_null(f);
	/* the one claiming more addresses is named */
	assert_string_equal(f->device, "f8:24:41:00:00:04");
	assert_string_equal(f->key, "arp-spoof/f8:24:41:00:00:04/192.168.1.1/50:c7:bf:00:00:01");
	assert_string_equal(title(f), "192.168.1.1 is claimed in ARP by 50:c7:bf:00:00:01 and by f8:24:41:00:00:04");
	/* active a day apart: a lease handed over, not spoofing */
	n->first_us += 86400 * S;
	n->last_us += 86400 * S;
	run(b, NULL);
	assert_null(got("arp-spoof", NULL));
	free(b);
}

static void test_dns(void **state)
{
	(void)state;
	struct rb *b = rb_new();
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "plug");
	rb_dest(d, "8.8.8.8", IPPROTO_UDP, 53, 0);
	rb_dest(d, "203.0.113.9", IPPROTO_UDP, 53, 0)->domain = "ns.example";
	rb_dest(d, "198.51.100.1", IPPROTO_TCP, 853, 0);
	run(b, NULL);
	const struct finding *f = got("dns-public-resolver", DEV);
	assert_string_equal(evidence(f), "DNS (port 53) to 8.8.8.8, 203.0.113.9 (ns.example)");
	assert_string_equal(f->key, "dns-public-resolver/" DEV "/dns");
	f = got("dns-encrypted", DEV);
	assert_int_equal(f->sev, SEV_MEDIUM);
	assert_string_equal(title(f), "uses DNS over TLS");
	assert_string_equal(evidence(f), "198.51.100.1 (?)");
	/* addresses never resolved: unresolved_min of them, with DNS in use */
	struct rb *u = rb_new();
	d = rb_dev(u, DEV, DEVIP, "plug");
	d->n_queries = 1;
	d->queries[0] = (struct rep_query){ "example.com", 1 };
	for (unsigned i = 0; i < cfg.unresolved_min - 1; i++) {
		char a[32];
		snprintf(a, sizeof a, "198.51.100.%u", 10 + i);
		rb_dest(d, a, IPPROTO_TCP, 443, 0);
	}
	run(u, NULL);
	assert_null(got("dns-unresolved", NULL));
	rb_dest(d, "198.51.100.99", IPPROTO_TCP, 443, 0);
	run(u, NULL);
	f = got("dns-unresolved", DEV);
	assert_string_equal(title(f), "connects to 3 internet addresses it never resolved");
	assert_string_equal(evidence(f), "198.51.100.10, 198.51.100.11, 198.51.100.99 (the device does use DNS: 1 names asked)");
	free(u);
	free(b);
}

static void test_cleartext(void **state)
{
	(void)state;
	struct rb *b = rb_new();
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "camera");
	rb_dest(d, "192.168.1.70", IPPROTO_TCP, 23, 0);
	rb_dest(d, "198.51.100.2", IPPROTO_TCP, 21, 0)->domain = "ftp.example";
	rb_dest(d, "198.51.100.3", IPPROTO_TCP, 1883, 0);
	struct rep_dest *x = rb_dest(d, "198.51.100.4", IPPROTO_TCP, 80, 0);
	x->app = APP_HTTP;
	x->company = "Example";
	x->domain = "api.example";
	rb_dest(d, "198.51.100.5", IPPROTO_TCP, 443, 0)->tls_version = 0x0301;
	rb_attr(d, "http-credentials", "Basic YWRtaW46YWRtaW4=");
	rb_attr(d, "http-credentials", "Digest username=x");
	rb_attr(d, "tls-weak-offer", "RC4");
	rb_attr(d, "tuya-gwid", "abc");
	run(b, NULL);
	assert_string_equal(evidence(got("cleartext-telnet", DEV)), "Telnet sessions to 192.168.1.70:23");
	assert_string_equal(title(got("cleartext-telnet", DEV)), "logs in with Telnet (cleartext)");
	assert_string_equal(evidence(got("cleartext-ftp", DEV)), "FTP sessions to ftp.example:21");
	assert_string_equal(evidence(got("cleartext-mqtt", DEV)), "MQTT (port 1883) to 198.51.100.3:1883");
	assert_string_equal(evidence(got("cleartext-cloud", DEV)), "HTTP to api.example:80");
	assert_string_equal(evidence(got("weak-tls", DEV)), "198.51.100.5 (TLS 1.0)");
	assert_string_equal(evidence(got("cleartext-credentials", DEV)), "Basic YWRtaW46YWRtaW4=");
	assert_string_equal(evidence(got("weak-tls-offer", DEV)), "RC4");
	assert_string_equal(title(got("local-protocol", DEV)), "speaks Tuya on the LAN");
	free(b);
	/* unanswered Telnet, Digest only: nothing */
	b = rb_new();
	d = rb_dev(b, DEV, DEVIP, "camera");
	rb_dest(d, "192.168.1.70", IPPROTO_TCP, 23, 0)->pkts_down = 0;
	rb_attr(d, "http-credentials", "Digest username=x");
	run(b, NULL);
	assert_null(got("cleartext-telnet", NULL));
	assert_null(got("cleartext-credentials", NULL));
	free(b);
}

static void test_exposure(void **state)
{
	(void)state;
	struct rb *b = rb_new();
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "camera");
	rb_dest(d, "192.168.1.60", IPPROTO_TCP, 8080, 0)->inbound = 1;
	rb_dest(d, "192.168.1.61", IPPROTO_TCP, 80, 0)->inbound = 1;
	rb_dest(d, "192.168.1.62", IPPROTO_TCP, 8080, 0)->inbound = 1; /* the same service again */
	rb_dest(d, "198.51.100.7", IPPROTO_TCP, 443, 0)->inbound = 1;
	rb_dest(d, "198.51.100.8", IPPROTO_TCP, 50000, 0)->inbound = 1; /* ephemeral: it was the client */
	rb_attr(d, "upnp-action", "AddPortMapping 8080");
	run(b, NULL);
	const struct finding *f = got("services", DEV);
	assert_int_equal(f->sev, SEV_INFO);
	assert_string_equal(title(f), "offers tcp/8080, tcp/80 on the LAN");
	assert_string_equal(evidence(got("internet-reachable", DEV)), "tcp/443 from 198.51.100.7");
	assert_string_equal(evidence(got("upnp-portmap", DEV)), "AddPortMapping 8080");
	rb_dest(d, "192.168.1.63", IPPROTO_TCP, 23, 0)->inbound = 1;
	run(b, NULL);
	f = got("services", DEV);
	assert_int_equal(f->sev, SEV_HIGH);
	struct finding_words w;
	finding_words(f, &w);
	assert_string_equal(w.title, "offers tcp/8080, tcp/80, tcp/23 on the LAN, including Telnet");
	assert_non_null(strstr(w.advice, "Telnet server"));
	free(b);
}

static void test_phone_home(void **state)
{
	(void)state;
	struct rb *b = rb_new();
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "camera");
	d->brand = "Acme";
	struct rep_dest *x = rb_dest(d, "198.51.100.1", IPPROTO_TCP, 443, 0);
	x->abroad = 1;
	memcpy(x->country, "CN", 3);
	x->domain = "cloud.example";
	x->company = "Acme";
	x->bytes_up = cfg.abroad_upload_bytes - 1;
	x = rb_dest(d, "198.51.100.2", IPPROTO_TCP, 443, 0);
	x->bytes_up = cfg.upload_bytes - 1;
	run(b, NULL);
	assert_null(got("upload-abroad", NULL));
	assert_null(got("large-upload", NULL));
	d->dests[0].bytes_up = cfg.abroad_upload_bytes;
	d->dests[1].bytes_up = cfg.upload_bytes;
	run(b, NULL);
	assert_string_equal(title(got("upload-abroad", DEV)), "Acme camera uploaded 1.0 MB abroad");
	assert_string_equal(evidence(got("upload-abroad", DEV)), "1.0 MB to CN cloud.example (Acme)");
	assert_string_equal(title(got("large-upload", DEV)), "uploaded over 50 MB to one destination");
	assert_string_equal(evidence(got("large-upload", DEV)), "50 MB to 198.51.100.2 (?)");
	/* watched countries */
	memcpy(cfg.watch_countries[0], "CN", 3);
	cfg.n_watch_countries = 1;
	run(b, NULL);
	assert_string_equal(evidence(got("watched-country", DEV)), "CN cloud.example (1.0 MB up)");
	find_config_default(&cfg);
	/* beacons: beacon_flows connections at a steady interval */
	x = &d->dests[1];
	x->n_gaps = cfg.beacon_flows - 2;
	x->gap_mean = 60;
	x->gap_cv = 0.05;
	run(b, NULL);
	assert_null(got("beacon", NULL));
	x->n_gaps = cfg.beacon_flows - 1;
	run(b, NULL);
	assert_string_equal(evidence(got("beacon", DEV)), "198.51.100.2:443 every 60 s (8 times)");
	x->gap_cv = 0.5; /* irregular */
	run(b, NULL);
	assert_null(got("beacon", NULL));
	free(b);
}

static void test_dns_tunnel(void **state)
{
	(void)state;
	static char names[16][64];
	struct rb *b = rb_new();
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "plug");
	for (unsigned i = 0; i < cfg.entropy_names; i++) {
		/* 32 distinct characters: 5 bits per character */
		for (int k = 0; k < 32; k++)
			names[i][k] = "abcdefghijklmnopqrstuvwxyz012345"[(k + (int)i) % 32];
		snprintf(names[i] + 32, sizeof names[i] - 32, ".t.example");
		d->queries[d->n_queries++] = (struct rep_query){ names[i], 1 };
	}
	d->n_queries--;
	run(b, NULL);
	assert_null(got("dns-tunnel", NULL));
	d->n_queries++;
	run(b, NULL);
	const struct finding *f = got("dns-tunnel", DEV);
	assert_string_equal(title(f), "asked 10 random-looking DNS names");
	assert_non_null(strstr(evidence(f), "first labels of 24+ characters with >= 3.8 bits/char, e.g. abcdef"));
	free(b);
}

static void test_telnet(void **state)
{
	(void)state;
	struct rb *b = rb_new();
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "camera");
	for (unsigned i = 0; i < cfg.telnet_hosts - 1; i++) {
		char a[32];
		snprintf(a, sizeof a, "198.51.100.%u", 10 + i);
		rb_dest(d, a, IPPROTO_TCP, 23, i);
	}
	d->dests[0].flows = cfg.telnet_tries - 1;
	run(b, NULL);
	assert_null(got("mirai-telnet", NULL));
	assert_null(got("telnet-bruteforce", NULL));
	rb_dest(d, "198.51.100.99", IPPROTO_TCP, 2323, 30);
	d->dests[0].flows = cfg.telnet_tries;
	run(b, NULL);
	const struct finding *f = got("mirai-telnet", DEV);
	assert_string_equal(title(f), "tried Telnet on 5 hosts");
	assert_string_equal(evidence(f), "TCP 23/2323 to 198.51.100.10, 198.51.100.11, 198.51.100.12, 198.51.100.13, 198.51.100.99");
	f = got("telnet-bruteforce", DEV);
	assert_string_equal(f->key, "telnet-bruteforce/" DEV "/198.51.100.10:23");
	assert_string_equal(title(f), "opened 10 Telnet connections to 198.51.100.10");
	/* the same five hosts over five hours: not spreading */
	for (size_t i = 0; i < d->n_dests; i++)
		d->dests[i].first_us = T0 + i * 3600 * 1.5 * S;
	run(b, NULL);
	assert_null(got("mirai-telnet", NULL));
	free(b);
}

static void test_p2p_relay(void **state)
{
	(void)state;
	struct rb *b = rb_new();
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "camera");
	for (unsigned p = 32100; p <= 32101; p++) {
		struct rep_dest *x = rb_dest(d, "198.51.100.1", IPPROTO_UDP, p, 0);
		x->app = APP_CS2;
	}
	rb_dest(d, "198.51.100.2", IPPROTO_UDP, 32100, 5)->app = APP_CS2;
	rb_dest(d, "198.51.100.3", IPPROTO_UDP, 32100, 5); /* the protocol not seen */
	rb_attr(d, "relays-for", "192.168.1.77 aa:bb:cc:00:00:01");
	run(b, NULL);
	const struct finding *f = got("p2p-relay", DEV);
	assert_string_equal(title(f), "uses the CS2/PPPP P2P relay (2 servers)");
	assert_string_equal(evidence(f), "udp/32100 to 198.51.100.1, 198.51.100.2; 2025-11-24 16:00:00 to 16:00:15");
	f = got("relay", DEV);
	assert_string_equal(title(f), "sends the traffic of 1 other host from its own MAC");
	assert_string_equal(evidence(f), "relays for 192.168.1.77 aa:bb:cc:00:00:01 (address MAC)");
	free(b);
}

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/alfoil-test-findings-XXXXXX");
	assert_non_null(path);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_blocklist_baseline(void **state)
{
	(void)state;
	char err[256];
	char *bl = write_tmp("0.0.0.0 bad.example\n198.51.100.66\n");
	struct blocklist *block = blocklist_load(bl, err, sizeof err);
	assert_non_null(block);
	struct rb *b = rb_new();
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "camera");
	rb_dest(d, "198.51.100.5", IPPROTO_TCP, 443, 0)->domain = "x.bad.example";
	rb_dest(d, "198.51.100.66", IPPROTO_TCP, 443, 0);
	rb_dest(d, "198.51.100.7", IPPROTO_TCP, 443, 0)->domain = "good.example";
	d->bytes_out = 5000000;
	d->queries[d->n_queries++] = (struct rep_query){ "bad.example", 2 };
	d->queries[d->n_queries++] = (struct rep_query){ "x.bad.example", 2 };
	struct find_inputs in = { &cfg, block, NULL, NULL };
	run(b, &in);
	const struct finding *f = got("blocklisted", DEV);
	assert_string_equal(evidence(f), "x.bad.example, 198.51.100.66, bad.example");
	/* a baseline that knew good.example, at a tenth of the rate */
	/* (read by report_load: a trimmed report, but every value valid) */
	char *js = write_tmp("{\"capture\":{\"first_seen\":\"2025-11-23T16:00:00.250000Z\","
			     "\"last_seen\":\"2025-11-23T17:00:00.100000Z\"},"
			     "\"devices\":[{\"id\":\"" DEV "\",\"mac\":\"" DEV "\",\"bytes_out\":100000,"
			     "\"destinations\":[{\"domain\":\"good.example\",\"address\":\"198.51.100.7\","
			     "\"scope\":\"internet\",\"proto\":\"tcp\",\"port\":443}]}]}");
	struct baseline *base = baseline_load(js, err, sizeof err);
	assert_non_null(base);
	in = (struct find_inputs){ &cfg, NULL, base, NULL };
	run(b, &in);
	f = got("new-destination", DEV);
	assert_string_equal(title(f), "2 destinations not in the baseline");
	assert_string_equal(evidence(f), "x.bad.example, 198.51.100.66");
	f = got("upload-surge", DEV);
	assert_string_equal(title(f), "sends 50 times its usual upload rate");
	assert_string_equal(evidence(f), "1389 bytes/s now (5.0 MB in 3600 s), 28 bytes/s in the baseline");
	baseline_free(base);
	blocklist_free(block);
	unlink(bl);
	unlink(js);
	free(bl);
	free(js);
	free(b);
}

/* The set of keys, sorted, joined. */
static void keys(char *out, size_t n)
{
	out[0] = '\0';
	char *v[64];
	size_t k = 0;
	for (size_t i = 0; i < fs.n && k < 64; i++)
		v[k++] = fs.v[i].key;
	for (size_t i = 1; i < k; i++) /* insertion sort: few */
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	for (size_t i = 0; i < k; i++) {
		size_t l = strlen(out);
		snprintf(out + l, n - l, "%s\n", v[i]);
	}
}

static struct rb *busy(int reversed)
{
	struct rb *b = rb_new();
	const char *mac[3] = { DEV, LAP, "f8:24:41:00:00:04" };
	const char *ip[3] = { DEVIP, "192.168.1.60", "192.168.1.70" };
	for (int i = 0; i < 3; i++) {
		int w = reversed ? 2 - i : i;
		struct rep_device *d = rb_dev(b, mac[w], ip[w], w == 1 ? "computer" : "camera");
		rb_attr(d, "arp-claim", "192.168.1.1");
		for (int h = 0; h < 20; h++) {
			int g = reversed ? 19 - h : h;
			char a[32];
			snprintf(a, sizeof a, "192.168.1.%d", 100 + g);
			rb_dest(d, a, IPPROTO_TCP, 22, (uint64_t)g);
			snprintf(a, sizeof a, "198.51.100.%d", g);
			rb_dest(d, a, IPPROTO_TCP, 23, (uint64_t)g);
			rb_dest(d, a, IPPROTO_UDP, 53, (uint64_t)g);
		}
	}
	return b;
}

static void test_keys_stable(void **state)
{
	(void)state;
	static char a[8192], a2[8192], c[8192];
	struct rb *b = busy(0);
	run(b, NULL);
	assert_true(fs.n >= 10);
	keys(a, sizeof a);
	run(b, NULL);
	keys(a2, sizeof a2);
	assert_string_equal(a, a2);
	free(b);
	b = busy(1); /* devices and destinations in the other order */
	run(b, NULL);
	keys(c, sizeof c);
	assert_string_equal(a, c);
	/* no two findings share a key */
	for (size_t i = 0; i < fs.n; i++)
		for (size_t j = i + 1; j < fs.n; j++)
			assert_string_not_equal(fs.v[i].key, fs.v[j].key);
	free(b);
}

static void test_every_kind_has_words(void **state)
{
	(void)state;
	size_t n;
	const struct detector *const *d = detectors(&n);
	size_t kinds = 0;
	for (size_t i = 0; i < n; i++)
		for (const char *const *k = d[i]->kinds; *k; k++, kinds++)
			assert_true(finding_kind_known(*k));
	assert_true(kinds >= 33);
	assert_false(finding_kind_known("no-such-kind"));
	struct finding f = { .detector = "no-such-kind" };
	struct finding_words w;
	finding_words(&f, &w);
	assert_string_equal(w.title, "no-such-kind");
	assert_null(w.advice);
}

static void test_words_order(void **state)
{
	(void)state;
	/* one device, three medium findings: by title, not by key */
	struct rb *b = rb_new();
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "camera");
	rb_dest(d, "8.8.8.8", IPPROTO_UDP, 53, 0);
	rb_dest(d, "198.51.100.5", IPPROTO_TCP, 443, 0)->tls_version = 0x0302;
	rb_attr(d, "relays-for", "192.168.1.77 aa:bb:cc:00:00:01");
	run(b, NULL);
	assert_int_equal(fs.n, 3);
	assert_string_equal(fs.v[0].detector, "dns-public-resolver"); /* by key */
	assert_int_equal(findings_sort_words(&fs), 0);
	assert_string_equal(fs.v[0].detector, "weak-tls");        /* "offers at most ..." */
	assert_string_equal(fs.v[1].detector, "dns-public-resolver"); /* "resolves names ..." */
	assert_string_equal(fs.v[2].detector, "relay");           /* "sends the traffic ..." */
	free(b);
}

/* Rendered report text in a string. */
static char *render(output_fn fn, const struct report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct out_opts o = { 0 };
	assert_int_equal(fn(f, r, &o), 0);
	fclose(f);
	return buf;
}

static void test_hostile_strings(void **state)
{
	(void)state;
	struct rb *b = rb_new();
	struct rep_device *d = rb_dev(b, DEV, DEVIP, "camera");
	struct rep_dest *x = rb_dest(d, "198.51.100.4", IPPROTO_TCP, 80, 0);
	x->app = APP_HTTP;
	x->company = "Example";
	x->domain = "<script>alert(1)</script>\"\x1b[31m.example";
	rb_attr(d, "upnp-action", "AddPortMapping <b>&\"\xe2\x80\xae");
	run(b, NULL);
	findings_sort_words(&fs);
	b->r.findings = fs.v;
	b->r.n_findings = fs.n;
	char *html = render(output_html, &b->r);
	assert_null(strstr(html, "<script>"));
	assert_null(strstr(html, "<b>&"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_null(strstr(html, "\x1b"));
	assert_null(strstr(html, "\xe2\x80\xae")); /* right-to-left override */
	free(html);
	char *text = render(output_text, &b->r);
	assert_non_null(strstr(text, "HTTP to <script>alert(1)</script>"));
	assert_null(strstr(text, "\x1b"));
	assert_null(strstr(text, "\xe2\x80\xae"));
	free(text);
	char *js = render(output_json, &b->r);
	json_error_t je;
	json_t *root = json_loads(js, 0, &je);
	assert_non_null(root);
	json_t *fa = json_object_get(root, "findings");
	int seen = 0;
	for (size_t i = 0; i < json_array_size(fa); i++) {
		json_t *o = json_array_get(fa, i);
		if (strcmp(json_string_value(json_object_get(o, "detector")), "cleartext-cloud"))
			continue;
		seen = 1;
		assert_string_equal(json_string_value(json_object_get(o, "key")), "cleartext-cloud/" DEV "/http");
		json_t *it = json_array_get(json_object_get(json_object_get(o, "evidence_fields"), "destinations"), 0);
		assert_string_equal(json_string_value(json_object_get(it, "address")), "198.51.100.4");
		assert_int_equal(json_integer_value(json_object_get(it, "port")), 80);
		const char *dom = json_string_value(json_object_get(it, "domain"));
		assert_non_null(dom);
		assert_non_null(strstr(dom, "<script>alert(1)</script>\""));
		assert_null(strchr(dom, '\x1b')); /* made safe to show */
	}
	assert_true(seen);
	json_decref(root);
	free(js);
	b->r.findings = NULL;
	b->r.n_findings = 0;
	free(b);
}

static void test_config(void **state)
{
	(void)state;
	char err[256];
	struct find_config c;
	find_config_default(&c);
	assert_int_equal(c.scan_window_us, 3600 * S);
	char *p = write_tmp("scan_window = 10m\n");
	assert_int_equal(find_config_load(p, &c, err, sizeof err), 0);
	assert_int_equal(c.scan_window_us, 600 * S);
	unlink(p);
	free(p);
	p = write_tmp("scan_window = 0\n");
	assert_int_equal(find_config_load(p, &c, err, sizeof err), 0);
	assert_int_equal(c.scan_window_us, 0);
	unlink(p);
	free(p);
	p = write_tmp("scan_window = 10 minutes\n");
	assert_int_equal(find_config_load(p, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":1: bad value '10 minutes' for scan_window"));
	unlink(p);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lan_scan_threshold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lan_scan_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lan_admin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arp_spoof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cleartext, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exposure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_home, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dns_tunnel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_telnet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_p2p_relay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blocklist_baseline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_stable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_kind_has_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_words_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config, setup, teardown),
	};
	return cmocka_run_group_tests_name("findings", tests, NULL, NULL);
}
