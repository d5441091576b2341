/* test_output.c - the renderers of output/: a small report built by hand,
 * written as text, JSON and HTML; the lines and fields each must hold,
 * the headline counts printed as the report holds them (not counted
 * again), the format table, and hostile strings (control characters,
 * bidi overrides, markup, quotes) made harmless in each format. */
#include "testutil.h"

#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>

#include "intel/classify.h"
#include "output/output.h"

#define EVIL_NAME "cam\x1b[31mred\xe2\x80\xae<script>\"q\"'s"

static struct rep_dest dests[3];
static struct rep_device devs[2];
static struct ip_addr v4[2], v6[1];
static struct rep_name names[1];
static struct rep_attr attrs[2];
static struct rep_country countries[1];
static struct rep_input inputs[1];
static struct rep_counter counters[1];
static struct report rep;

static void ip(struct ip_addr *a, const char *s)
{
	assert_int_equal(addr_parse(a, s), 0);
}

/* A destination in the clear, one way, for the whole capture. */
static void plain_dest(struct rep_dest *x, const char *addr, enum rep_scope scope,
		       uint8_t proto, uint16_t port, enum app_proto app, uint64_t bytes_up)
{
	ip(&x->addr, addr);
	x->scope = scope;
	x->proto = proto;
	x->port = port;
	x->app = app;
	x->enc = ENC_NO;
	x->bytes_up = bytes_up;
	x->first_us = rep.first_us;
	x->last_us = rep.last_us;
}

/* A router and a camera: the camera sends 2 MB to China over TLS and
 * talks plain HTTP to a LAN host. */
static struct report *build(void)
{
	memset(&rep, 0, sizeof rep);
	memset(devs, 0, sizeof devs);
	memset(dests, 0, sizeof dests);
	rep.schema = REPORT_SCHEMA;
	rep.version = "0.test";
	inputs[0] = (struct rep_input){ .name = "home.pcap", .linktype = "EN10MB", .packets = 1234 };
	rep.inputs = inputs;
	rep.n_inputs = 1;
	rep.packets = 1234;
	rep.bytes = 2500000;
	rep.first_us = 1793520000000000ull; /* 2026-11-01 08:00:00 */
	rep.last_us = rep.first_us + 90000000ull;
	counters[0] = (struct rep_counter){ "flows_created", 7 };
	rep.counters = counters;
	rep.n_counters = 1;
	memcpy(rep.home_country, "DE", 3);
	rep.home_source = "user";

	struct rep_device *gw = &devs[0], *cam = &devs[1];
	snprintf(gw->id, sizeof gw->id, "50:c7:bf:8a:3e:10");
	gw->has_mac = 1;
	mac_parse(gw->mac, gw->id);
	gw->gateway = 1;
	gw->kind = "network";
	snprintf(gw->display, sizeof gw->display, "192.168.1.1 (50:c7:bf:8a:3e:10)");
	ip(&v4[0], "192.168.1.1");
	gw->ipv4 = &v4[0];
	gw->n_ipv4 = 1;
	gw->first_us = rep.first_us;
	gw->last_us = rep.last_us;

	snprintf(cam->id, sizeof cam->id, "94:f8:27:6d:12:c9");
	cam->has_mac = 1;
	mac_parse(cam->mac, cam->id);
	cam->maker = "Xiaomi Communications Co Ltd";
	memcpy(cam->maker_country, "CN", 3);
	cam->maker_registry = "MA-L";
	ip(&v4[1], "192.168.1.103");
	cam->ipv4 = &v4[1];
	cam->n_ipv4 = 1;
	ip(&v6[0], "2001:db8::103");
	cam->ipv6 = v6;
	cam->n_ipv6 = 1;
	cam->ipv6_unproven = 1;
	names[0] = (struct rep_name){ EVIL_NAME, "dhcp-hostname" };
	cam->names = names;
	cam->n_names = 1;
	attrs[0] = (struct rep_attr){ "dhcp-hostname", EVIL_NAME };
	attrs[1] = (struct rep_attr){ "http-user-agent", "ua <b>bold</b>" };
	cam->attrs = attrs;
	cam->n_attrs = 2;
	cam->kind = "camera";
	cam->brand = "Xiaomi";
	cam->confidence = 0.75;
	snprintf(cam->display, sizeof cam->display, "%s (192.168.1.103)", EVIL_NAME);
	cam->first_us = rep.first_us;
	cam->last_us = rep.last_us;
	cam->bytes_out = 2100000;
	cam->bytes_in = 50000;

	struct rep_dest *x = &dests[0];
	ip(&x->addr, "64:ff9b::5db8:d822");
	x->scope = REP_SCOPE_INTERNET;
	x->internet = 1;
	x->domain = "cn-v1.camera.io.mi.com";
	x->domain_source = REP_DOMAIN_TLS_SNI;
	x->sni = x->domain;
	memcpy(x->country, "CN", 3);
	x->abroad = 1;
	x->asn = 37963;
	x->org = "Hangzhou \"Alibaba\" <Advertising>";
	x->translated = ADDR_4IN6_NAT64;
	ip(&x->translated_ipv4, "93.184.216.34");
	x->company = "Xiaomi";
	x->service = "camera cloud";
	x->proto = IPPROTO_TCP;
	x->port = 443;
	x->app = APP_TLS;
	x->enc = ENC_YES;
	x->tls_version = 0x0303;
	x->flows = 3;
	x->bytes_up = 2000000;
	x->bytes_down = 40000;
	x->first_us = rep.first_us;
	x->last_us = rep.last_us;

	plain_dest(&dests[1], "192.168.1.20", REP_SCOPE_PRIVATE, IPPROTO_TCP, 80, APP_HTTP, 5000);
	plain_dest(&dests[2], "239.255.255.250", REP_SCOPE_MULTICAST, IPPROTO_UDP, 1900, APP_SSDP, 300);
	cam->dests = dests;
	cam->n_dests = 3;

	countries[0] = (struct rep_country){ .cc = "CN", .n_devices = 1, .n_dests = 1, .bytes_up = 2000000,
					     .bytes_down = 40000, .n_device_list = 1, .n_orgs = 1, .n_domains = 1 };
	countries[0].devices[0] = cam->id;
	countries[0].orgs[0] = "Xiaomi";
	countries[0].domains[0] = "cn-v1.camera.io.mi.com";
	rep.countries = countries;
	rep.n_countries = 1;
	rep.devices = devs;
	rep.n_devices = 2;
	report_count(&rep);
	return &rep;
}

static char *render(const struct report *r, const char *fmt, const struct out_opts *o)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	const struct output_format *of = output_find(fmt);
	assert_non_null(of);
	assert_int_equal(of->fn(f, r, o), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)); p += n)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

static void test_table(void **state)
{
	(void)state;
	size_t n;
	const struct output_format *t = output_formats(&n);
	assert_int_equal(n, 3);
	assert_string_equal(t[0].name, "text");
	assert_string_equal(t[1].name, "json");
	assert_string_equal(t[2].name, "html");
	assert_ptr_equal(output_find("html")->fn, output_html);
	assert_ptr_equal(output_find("json")->fn, output_json);
	assert_null(output_find("xml"));
	assert_null(output_find(NULL));
}

static void dump(const char *t) { if (getenv("DUMP")) fputs(t, stderr); }

static void test_text(void **state)
{
	(void)state;
	struct report *r = build();
	struct out_opts o = { .show_local = 1 };
	char *t = render(r, "text", &o);
	dump(t);
	assert_true(has_line(t, "alfoil inspect: 1,234 packets, 2.5 MB, 2026-11-01 08:00:00 to 08:01:30 UTC (1m 30s)"));
	assert_true(has_line(t, "  file home.pcap (EN10MB, 1,234 packets)"));
	assert_true(has_line(t, "2 devices; 1 talks to the internet (1 destination)"));
	assert_true(has_line(t, "1 device sends data abroad (home DE): CN (1 device, 2.0 MB up)"));
	assert_true(has_line(t, "  CN  1 device, 1 destination, 2.0 MB up / 40 kB down"));
	/* the destination line: service, address as text, country, name, whose */
	assert_true(has_line(t, "       2.0 MB     40 kB  tcp/443 tls        64:ff9b::5db8:d822                      CN  "
				"cn-v1.camera.io.mi.com  [Xiaomi: camera cloud]"));
	assert_true(has_line(t, "       5.0 kB       0 B  tcp/80 http        192.168.1.20                                -"));
	assert_true(has_line(t, "cam?[31mred?<script>\"q\"'s (192.168.1.103)  94:f8:27:6d:12:c9  "
				"Xiaomi Communications Co Ltd (CN)"));
	assert_true(has_line(t, "192.168.1.1 (50:c7:bf:8a:3e:10)  maker unknown  [router]"));
	assert_non_null(strstr(t, "  addresses: 192.168.1.103 2001:db8::103\n"));
	assert_true(has_line(t, "  local and multicast peers (2):"));
	assert_true(has_line(t, "  internet destinations (1):"));
	assert_true(has_line(t, "counters: flows_created=7"));
	/* the counts printed are the report's: change them and the text follows */
	r->totals.devices_internet = 5;
	r->totals.internet_dests = 9;
	char *t2 = render(r, "text", &o);
	assert_true(has_line(t2, "2 devices; 5 talk to the internet (9 destinations)"));
	/* hostile: no escape byte, no bidi override reaches the terminal */
	assert_null(strchr(t, '\x1b'));
	assert_null(strstr(t, "\xe2\x80\xae"));
	assert_non_null(strstr(t, "cam?[31mred?<script>\"q\"'s (192.168.1.103)"));
	free(t);
	free(t2);
	o.by_country = 1;
	t = render(r, "text", &o);
	assert_null(strstr(t, "internet destinations"));
	assert_true(has_line(t, "      devices: cam?[31mred?<script>\"q\"'s (192.168.1.103)"));
	free(t);
}

static void test_json(void **state)
{
	(void)state;
	struct report *r = build();
	struct out_opts o = { 0 };
	char *t = render(r, "json", &o);
	json_error_t je;
	json_t *j = json_loads(t, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "schema")), "alfoil-inspect/1");
	assert_int_equal(json_integer_value(json_object_get(j, "devices_abroad")), 1);
	json_t *cam = json_array_get(json_object_get(j, "devices"), 1);
	assert_string_equal(json_string_value(json_object_get(cam, "mac")), "94:f8:27:6d:12:c9");
	assert_string_equal(json_string_value(json_array_get(json_object_get(cam, "ipv6"), 0)), "2001:db8::103");
	assert_string_equal(json_string_value(json_array_get(json_object_get(cam, "addresses_unproven"), 0)),
			    "2001:db8::103");
	json_t *x = json_array_get(json_object_get(cam, "destinations"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "address")), "64:ff9b::5db8:d822");
	assert_string_equal(json_string_value(json_object_get(x, "scope")), "internet");
	assert_string_equal(json_string_value(json_object_get(x, "domain_source")), "tls-sni");
	assert_string_equal(json_string_value(json_object_get(x, "proto")), "tcp");
	assert_string_equal(json_string_value(json_object_get(x, "app")), "tls");
	assert_string_equal(json_string_value(json_object_get(x, "encrypted")), "yes");
	assert_string_equal(json_string_value(json_object_get(x, "tls_version")), "0x0303");
	assert_string_equal(json_string_value(json_object_get(json_object_get(x, "translated"), "kind")), "nat64");
	assert_string_equal(json_string_value(json_object_get(json_object_get(x, "translated"), "ipv4")), "93.184.216.34");
	assert_string_equal(json_string_value(json_object_get(x, "first_seen")), "2026-11-01T08:00:00.000000Z");
	x = json_array_get(json_object_get(cam, "destinations"), 2);
	assert_string_equal(json_string_value(json_object_get(x, "scope")), "multicast");
	assert_null(json_object_get(x, "country")); /* internet fields only for the internet */
	assert_string_equal(json_string_value(json_object_get(x, "encrypted")), "no");
	/* hostile: each control and bidi character one '?', the quotes JSON's */
	assert_string_equal(json_string_value(json_object_get(cam, "display_name")),
			    "cam?[31mred?<script>\"q\"'s (192.168.1.103)");
	assert_non_null(strstr(t, "\"display_name\": \"cam?[31mred?<script>\\\"q\\\"'s (192.168.1.103)\""));
	assert_null(strchr(t, '\x1b'));
	assert_null(json_object_get(json_object_get(j, "capture"), "received")); /* a file: no libpcap counts */
	json_decref(j);
	free(t);
	/* an interface: its counts, summed by report_count, printed */
	inputs[0].live = 1;
	inputs[0].received = 10;
	inputs[0].dropped = 2;
	inputs[0].if_dropped = 1;
	report_count(r);
	t = render(r, "json", &o);
	j = json_loads(t, 0, &je);
	assert_non_null(j);
	json_t *cap = json_object_get(j, "capture");
	assert_int_equal(json_integer_value(json_object_get(cap, "received")), 10);
	assert_int_equal(json_integer_value(json_object_get(cap, "dropped")), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(cap, "inputs"), 0), "type")),
			    "interface");
	json_decref(j);
	free(t);
	inputs[0].live = 0;
}

/* j (taken) as text without the n keys, each of which it must have. */
static char *text_without(json_t *j, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(json_object_del(j, keys[i]), 0);
	char *t = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	assert_non_null(t);
	return t;
}

/* output_json_dest() of x but its counters and times, as text. */
static char *desc_json(const struct rep_dest *x)
{
	static const char *const counted[] = { "flows", "packets_up", "packets_down", "bytes_up", "bytes_down",
					       "first_seen", "last_seen" };
	return text_without(output_json_dest(x), counted, sizeof counted / sizeof *counted);
}

/* output_json_dest_hash(): the same for other counters and times, another
 * for each field of the record changed (its text changed with it). */
static void test_dest_hash(void **state)
{
	(void)state;
	static const uint8_t key[16] = { 1, 2, 3 };
	build();
	const struct rep_dest base = dests[0];
	uint64_t h0 = output_json_dest_hash(&base, key);
	char *t0 = desc_json(&base);
	json_t *u = output_json_dest(&base); /* what the store keeps: the same */
	output_json_uncount(u);
	char *ut = json_dumps(u, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(ut, t0);
	free(ut);
	json_decref(u);
	struct rep_dest x = base;
	x.flows = 99, x.pkts_up = 5, x.pkts_down = 6, x.bytes_up = 7, x.bytes_down = 8, x.first_us = 1, x.last_us = 2;
	x.incarnation = 77, x.n_gaps = 3, x.gap_mean = 1.5;
	assert_true(output_json_dest_hash(&x, key) == h0);
	static const uint8_t other[16] = { 9 };
	assert_true(output_json_dest_hash(&base, other) != h0);
	for (int i = 0;; i++) {
		x = base;
		switch (i) {
		case 0: x.addr.b[15] ^= 1; break;
		case 1: x.scope = REP_SCOPE_PRIVATE; break;
		case 2: x.domain = "cn-v2.camera.io.mi.com"; break;
		case 3: x.domain = NULL; break;
		case 4: x.domain_source = REP_DOMAIN_DNS; break;
		case 5: x.dns_name = "a.example"; break;
		case 6: x.sni = NULL; break;
		case 7: x.http_host = "h.example"; break;
		case 8: x.other_names[0] = "o.example", x.n_other = 1; break;
		case 9: memcpy(x.country, "DE", 3); break;
		case 10: x.abroad = 0; break;
		case 11: x.asn = 1; break;
		case 12: x.org = "Other"; break;
		case 13: x.translated = ADDR_4IN6_NONE; break;
		case 14: x.translated_ipv4.b[15] ^= 1; break;
		case 15: x.company = "Tuya"; break;
		case 16: x.service = NULL; break;
		case 17: x.infra = "NTP"; break;
		case 18: x.folded = 1; break;
		case 19: x.proto = IPPROTO_UDP; break;
		case 20: x.port = 8443; break;
		case 21: x.app = APP_HTTP; break;
		case 22: x.enc = ENC_NO; break;
		case 23: x.inbound = 1; break;
		case 24: x.tls_version = 0x0304; break;
		case 25: x.internet = 0; break;
		default: goto out;
		}
		char *t = desc_json(&x);
		if (!strcmp(t, t0))
			fail_msg("change %d: the record's text is the same", i);
		if (output_json_dest_hash(&x, key) == h0)
			fail_msg("change %d: the hash is the same: %s", i, t);
		free(t);
	}
out:
	free(t0);
}

/* output_json_device(d, 0) but its counters and times, as text. */
static char *dev_json(const struct rep_device *d)
{
	static const char *const counted[] = { "first_seen", "last_seen", "packets_out", "packets_in", "bytes_out",
					       "bytes_in" };
	return text_without(output_json_device(d, 0), counted, sizeof counted / sizeof *counted);
}

/* output_json_device_hash(): the same for other counters, times and
 * destinations, another for each field of the record changed. */
static void test_device_hash(void **state)
{
	(void)state;
	static const uint8_t key[16] = { 4, 5, 6 };
	build();
	struct rep_device base = devs[1];
	struct rep_query qs[1] = { { "a.example", 2 } };
	struct rep_resolved rs[1] = { { "a.example", { { 0 } }, 60 } };
	ip(&rs[0].addr, "203.0.113.5");
	struct class_hit hits[1] = { { "dhcp-hostname", "cam", "camera", NULL, "Xiaomi", NULL, 10, 42 } };
	base.queries = qs, base.n_queries = 1;
	base.resolved = rs, base.n_resolved = 1;
	base.hits = hits, base.n_hits = 1;
	base.infra[0].label = "NTP";
	base.infra[0].n_dests = 2;
	base.infra[0].n_countries = 1;
	base.infra[0].bytes_up = 100;
	base.infra[0].bytes_down = 200;
	base.n_infra = 1;
	uint64_t h0 = output_json_device_hash(&base, key);
	char *t0 = dev_json(&base);
	json_t *u = output_json_device(&base, 0); /* what the store keeps: the same */
	output_json_uncount(u);
	char *ut = json_dumps(u, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(ut, t0);
	free(ut);
	json_decref(u);
	struct rep_device x = base;
	x.first_us = 1, x.last_us = 2, x.pkts_out = 3, x.pkts_in = 4, x.bytes_out = 5, x.bytes_in = 6;
	x.n_dests = 0, x.incarnation = 9, x.arp_requests = 7;
	assert_true(output_json_device_hash(&x, key) == h0);
	struct ip_addr a4, a6;
	struct rep_name nm[1] = { { "other", "mdns" } };
	struct rep_attr at[2] = { { "dhcp-hostname", "x" }, { "http-user-agent", "ua <b>bold</b>" } };
	struct rep_query q2[1] = { { "a.example", 3 } };
	struct rep_resolved r2[1] = { { "b.example", { { 0 } }, 60 } };
	struct class_hit h2[1] = { { "dhcp-hostname", "cam", "camera", NULL, "Xiaomi", NULL, 11, 42 } };
	r2[0].addr = rs[0].addr;
	for (int i = 0;; i++) {
		x = base;
		switch (i) {
		case 0: x.id[0] = 'a'; break;
		case 1: x.has_mac = 0; break;
		case 2: x.mac[5] ^= 1; break;
		case 3: x.display[0] = 'X'; break;
		case 4: x.label = "Kitchen"; break;
		case 5: x.n_infra = 0; break;
		case 6: x.infra[0].bytes_up++; break;
		case 7: x.infra[0].label = "connectivity check"; break;
		case 8: x.maker = NULL; break;
		case 9: memcpy(x.maker_country, "TW", 3); break;
		case 10: x.maker_registry = "MA-M"; break;
		case 11: x.randomized_mac = 1; break;
		case 12: ip(&a4, "192.168.1.104"), x.ipv4 = &a4; break;
		case 13: x.n_ipv6 = 0; break;
		case 14: ip(&a6, "2001:db8::104"), x.ipv6 = &a6; break;
		case 15: x.ipv4_unproven = 1; break;
		case 16: x.ipv6_unproven = 0; break;
		case 17: x.names = nm; break;
		case 18: x.gateway = 1; break;
		case 19: x.dhcp_server = 1; break;
		case 20: x.dns_server = 1; break;
		case 21: x.attrs = at; break;
		case 22: x.n_attrs = 1; break;
		case 23: x.queries = q2; break;
		case 24: x.resolved = r2; break;
		case 25: x.kind = "plug"; break;
		case 26: x.what = "doorbell"; break;
		case 27: x.brand = NULL; break;
		case 28: x.chip = "Espressif"; break;
		case 29: x.confidence = 0.5; break;
		case 30: snprintf(x.miio_model, sizeof x.miio_model, "chuangmi.camera.ipc019"); break;
		case 31: x.hits = h2; break;
		case 32: x.n_hits = 0; break;
		default: goto out;
		}
		char *t = dev_json(&x);
		if (!strcmp(t, t0))
			fail_msg("change %d: the record's text is the same", i);
		if (output_json_device_hash(&x, key) == h0)
			fail_msg("change %d: the hash is the same: %s", i, t);
		free(t);
	}
out:
	free(t0);
}

static void test_html(void **state)
{
	(void)state;
	struct report *r = build();
	struct out_opts o = { 0 };
	char *t = render(r, "html", &o);
	assert_non_null(strstr(t, "<p class=\"headline\" id=\"headline\">2 devices. 1 sends data abroad (home DE): "
				  "CN (1 device, 2.0 MB up).</p>"));
	assert_non_null(strstr(t, "<g class=\"bar\" data-country=\"CN\">"));
	/* a destination row: its name, country, protocol, and encryption */
	assert_non_null(strstr(t, "<tr><td>cn-v1.camera.io.mi.com</td><td class=\"abroad\">CN</td><td>tcp/443 tls</td>"));
	assert_non_null(strstr(t, "<td>yes</td></tr>"));
	/* the local peers are not in the internet groups */
	assert_null(strstr(t, "192.168.1.20"));
	/* hostile: markup and quotes escaped, no escape byte or override */
	assert_null(strstr(t, "<script>"));
	assert_non_null(strstr(t, "cam?[31mred?&lt;script&gt;&quot;q&quot;&#39;s (192.168.1.103)"));
	assert_non_null(strstr(t, "<p class=\"muted\">names: cam?[31mred?&lt;script&gt;&quot;q&quot;&#39;s</p>"));
	assert_null(strchr(t, '\x1b'));
	assert_null(strstr(t, "\xe2\x80\xae"));
	/* one page, closed */
	assert_non_null(strstr(t, "<!DOCTYPE html>"));
	assert_non_null(strstr(t, "</main></body></html>\n"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_dest_hash),
		cmocka_unit_test(test_device_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
