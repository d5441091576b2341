/* test_enforce.c - rule generation: host names and MACs, one set per
 * service, no empty sets, held devices before conntrack, DNS back ends. */
#include "testutil.h"

#include <netinet/in.h>
#include <stdio.h>

#include <stdarg.h>

#include "policy/mud.h"
#include "enforce/backend.h"
#include "enforce/dnslist.h"
#include "enforce/inreport.h"
#include "enforce/names.h"
#include "enforce/nft.h"
#include "enforce/polfile.h"
#include "lib/hostname.h"
#include "lib/addr.h"
#include "analyze/report.h"
#include "analyze/report_load.h"

/* warnings and errors go here instead of stderr, one line each */
static char warned[16384];
static size_t n_warned;

static void capture(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void capture(const char *fmt, ...)
{
	size_t used = strlen(warned);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(warned + used, sizeof warned - used, fmt, ap);
	va_end(ap);
	used = strlen(warned);
	if (used + 1 < sizeof warned) {
		warned[used] = '\n';
		warned[used + 1] = '\0';
	}
	n_warned++;
}

static void capture_reset(void)
{
	warned[0] = '\0';
	n_warned = 0;
}

static void test_hostname(void **state)
{
	(void)state;
	assert_true(hostname_ok("devs.tplinkcloud.com"));
	assert_true(hostname_ok("0.pool.ntp.org."));
	assert_true(hostname_ok("a-b.c9"));
	assert_false(hostname_ok(""));
	assert_false(hostname_ok("."));
	assert_false(hostname_ok("a..b"));
	assert_false(hostname_ok("-a.b"));
	assert_false(hostname_ok("a-.b"));
	assert_false(hostname_ok("_tcp.local"));
	assert_false(hostname_ok("cloud.example\" always_transparent"));
	assert_false(hostname_ok("a.b/0.0.0.0"));
	assert_false(hostname_ok("evil\nlocal-zone"));
	char l64[80];
	memset(l64, 'a', 64);
	strcpy(l64 + 64, ".com");
	assert_false(hostname_ok(l64));
	assert_true(hostname_ok(l64 + 1)); /* 63 */
	char big[300];
	for (int i = 0; i < 127; i++)
		memcpy(big + 2 * i, "a.", 2);
	big[254] = 'a';
	big[255] = '\0'; /* 255 characters */
	assert_false(hostname_ok(big));
	big[252] = '\0'; /* "a.a.….a" of 252 characters, ends in '.' */
	assert_true(hostname_ok(big));
}

static void test_escape(void **state)
{
	(void)state;
	char b[64];
	assert_string_equal(hostname_escape("a.b/#", b, sizeof b), "a.b/#");
	assert_string_equal(hostname_escape("x\"y\\z", b, sizeof b), "x\\\"y\\\\z");
	assert_string_equal(hostname_escape("a\nb\tc", b, sizeof b), "a\\nb\\x09c");
	assert_string_equal(hostname_escape("caf\xc3\xa9", b, sizeof b), "caf\\xc3\\xa9");
	assert_string_equal(hostname_escape("\xe2\x80\xae", b, sizeof b), "\\xe2\\x80\\xae"); /* bidi override */
	char big[200];
	memset(big, '\n', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	hostname_escape(big, b, 16);
	assert_true(strlen(b) < 16);
	assert_non_null(strstr(b, "..."));
}

static void test_mac_norm(void **state)
{
	(void)state;
	char m[18];
	assert_int_equal(enforce_mac_norm("68:C6:3a:00:00:02", m), MAC_OK);
	assert_string_equal(m, "68:c6:3a:00:00:02");
	assert_int_equal(enforce_mac_norm("02-00-00-00-0D-01", m), MAC_OK);
	assert_string_equal(m, "02:00:00:00:0d:01");
	assert_int_equal(enforce_mac_norm("68:c6:3a:00:00:0g", m), MAC_SYNTAX);
	assert_string_equal(m, "");
	assert_int_equal(enforce_mac_norm("68:c6:3a:00:00:02 accept", m), MAC_SYNTAX);
	assert_int_equal(enforce_mac_norm("../../x", m), MAC_SYNTAX);
	assert_int_equal(enforce_mac_norm("68:c6:3a:00:00", m), MAC_SYNTAX);
	assert_int_equal(enforce_mac_norm("", m), MAC_SYNTAX);
	assert_int_equal(enforce_mac_norm(NULL, m), MAC_SYNTAX);
	assert_int_equal(enforce_mac_norm("ff:ff:ff:ff:ff:ff", m), MAC_GROUP);
	assert_int_equal(enforce_mac_norm("01:00:5e:00:00:fb", m), MAC_GROUP);
	assert_int_equal(enforce_mac_norm("33-33-00-00-00-01", m), MAC_GROUP);
	assert_int_equal(enforce_mac_norm("00:00:00:00:00:00", m), MAC_ZERO);
}

static void test_prefix(void **state)
{
	(void)state;
	assert_true(mud_prefix_ok("192.0.2.0/24"));
	assert_true(mud_prefix_ok("192.0.2.7"));
	assert_true(mud_prefix_ok("2001:db8::/32"));
	assert_true(mud_prefix_ok("0.0.0.0/0"));
	assert_true(mud_prefix_ok("2001:db8::1/128"));
	assert_false(mud_prefix_ok("192.0.2.0/\n24"));
	assert_false(mud_prefix_ok("192.0.2.0/ 24"));
	assert_false(mud_prefix_ok("192.0.2.0/+24"));
	assert_false(mud_prefix_ok("192.0.2.0/-0"));
	assert_false(mud_prefix_ok("192.0.2.0/24 "));
	assert_false(mud_prefix_ok("192.0.2.0/24\n"));
	assert_false(mud_prefix_ok("192.0.2.0/"));
	assert_false(mud_prefix_ok("192.0.2.0/33"));
	assert_false(mud_prefix_ok("192.0.2.0/0024"));
	assert_false(mud_prefix_ok("2001:db8::/129"));
	assert_false(mud_prefix_ok(" 192.0.2.0/24"));
	assert_false(mud_prefix_ok("192.0.2/24"));
	assert_false(mud_prefix_ok("192.0.2.0;/24"));
	assert_false(mud_prefix_ok(""));
	unsigned char a[16];
	int v6, bits;
	assert_int_equal(mud_prefix_parse("198.51.100.0/22", a, &v6, &bits), 0);
	assert_int_equal(v6, 0);
	assert_int_equal(bits, 22);
	assert_int_equal(a[0], 198);
	assert_int_equal(mud_prefix_parse("2001:db8::5", a, &v6, &bits), 0);
	assert_int_equal(v6, 1);
	assert_int_equal(bits, 128);
}

/* the policy file: dash form normalised, group and zero MACs refused by line */
static void test_polfile(void **state)
{
	(void)state;
	struct polfile pf;
	const char *good = "# a comment\n02-00-00-00-0D-01 = quarantine\n\n  kind:camera = local-only  # cams\n"
			   "default = allow\r\n68:c6:3a:00:00:02=profile\n02:00:00:00:0d:01 = allow";
	capture_reset();
	assert_int_equal(polfile_parse("p", good, strlen(good), &pf, capture), 0);
	assert_int_equal(n_warned, 0);
	assert_int_equal(pf.n_macs, 2);
	assert_string_equal(pf.macs[0].mac, "02:00:00:00:0d:01");
	assert_int_equal(pf.macs[0].pol, POL_ALLOW); /* the later line wins */
	assert_string_equal(pf.macs[1].mac, "68:c6:3a:00:00:02");
	assert_int_equal(pf.n_kinds, 1);
	assert_string_equal(pf.kinds[0].kind, "camera");
	assert_int_equal(pf.kinds[0].pol, POL_LOCAL_ONLY);
	assert_true(pf.def_set && pf.def == POL_ALLOW);
	assert_int_equal(pf.newp, POL_ALLOW); /* no 'new' line: no guard */
	polfile_free(&pf);
	/* the new-device guard's line: local-only or quarantine; profile makes no sense there */
	capture_reset();
	assert_int_equal(polfile_parse("g", "new = quarantine\n", 17, &pf, capture), 0);
	assert_int_equal(pf.newp, POL_QUARANTINE);
	polfile_free(&pf);
	capture_reset();
	assert_int_equal(polfile_parse("g", "new = profile\n", 14, &pf, capture), 1);
	assert_non_null(strstr(warned, "g:1: 'new' (devices never seen before) takes local-only, quarantine or allow"));
	polfile_free(&pf);
	/* controller = MAC, each once, in the one form; not a MAC: named */
	const char *ctl = "controller = 02-00-00-00-AA-01\ncontroller = 02:00:00:00:aa:01\ncontroller = phone\n";
	capture_reset();
	assert_int_equal(polfile_parse("c", ctl, strlen(ctl), &pf, capture), 1);
	assert_int_equal(pf.n_controllers, 1);
	assert_string_equal(pf.controllers[0], "02:00:00:00:aa:01");
	assert_non_null(strstr(warned, "c:3: 'controller = MAC': 'phone' is"));
	polfile_free(&pf);
	const char *bad = "ff:ff:ff:ff:ff:ff = quarantine\n01:00:5e:00:00:01 = allow\n00:00:00:00:00:00 = allow\n"
			  "02:00:00:00:0d:01 = quarantine extra\n02:00:00:00:0d:01 quarantine\nkind:ca\"m = allow\n"
			  "02:00:00:00:0d:01 = lockdown\n../../x = allow\n02:00:00:00:0d:01 = allow\n";
	capture_reset();
	assert_int_equal(polfile_parse("pol", bad, strlen(bad), &pf, capture), 8);
	assert_non_null(strstr(warned, "pol:1: 'ff:ff:ff:ff:ff:ff' is a group address"));
	assert_non_null(strstr(warned, "pol:2: '01:00:5e:00:00:01' is a group address"));
	assert_non_null(strstr(warned, "pol:3: '00:00:00:00:00:00' is all zero"));
	assert_non_null(strstr(warned, "pol:4: want one policy"));
	assert_non_null(strstr(warned, "pol:5: want 'MAC = policy'"));
	assert_non_null(strstr(warned, "pol:6: a kind is"));
	assert_non_null(strstr(warned, "pol:7: 'lockdown' is not allow"));
	assert_non_null(strstr(warned, "pol:8: '../../x' is not a MAC"));
	assert_int_equal(pf.n_macs, 1); /* line 9 */
	polfile_free(&pf);
	/* a NUL byte and an overlong line: named, not taken */
	char nul[] = "02:00:00:00:0d:01 = allow\n02:00:00:00:0d:02\0 = allow\n";
	capture_reset();
	assert_int_equal(polfile_parse("n", nul, sizeof nul - 1, &pf, capture), 1);
	assert_non_null(strstr(warned, "n:2: a NUL byte"));
	polfile_free(&pf);
	char longl[700];
	memset(longl, ' ', sizeof longl);
	memcpy(longl + 600, "= allow\n", 8);
	capture_reset();
	assert_int_equal(polfile_parse("l", longl, 608, &pf, capture), 1);
	assert_non_null(strstr(warned, "l:1: line longer than"));
	polfile_free(&pf);
}

/* the report: every field checked; bad ones named (escaped), the rest kept */
static void test_inreport(void **state)
{
	(void)state;
	const char *text =
		"{\"devices\": ["
		"{\"mac\": \"02-00-00-00-0D-01\", \"ipv4\": [\"192.168.1.10\", \"192.168.1.11; accept\", 7, \"2001:db8::1\"],"
		" \"ipv6\": [\"2001:DB8::1\", \"192.168.1.12\"], \"roles\": [\"gateway\"], \"identity\": {\"kind\": \"plug\"},"
		" \"dns\": {\"queries\": [{\"name\": \"a.b/#\"}, {\"name\": \"Cloud.Example.\"}, {\"name\": \"cloud.example\"},"
		"   {\"name\": \"x\\\"y.example\"}, {\"name\": \"nodot\"}, {\"name\": 5}],"
		"  \"answers\": [{\"name\": \"cloud.example\", \"address\": \"203.0.113.10\"},"
		"   {\"name\": \"cloud.example\", \"address\": \"203.0.113.10/24\"},"
		"   {\"name\": \"evil example\", \"address\": \"203.0.113.11\"}]}},"
		"{\"mac\": \"../../x\"}, {\"mac\": \"ff:ff:ff:ff:ff:ff\"}, {\"mac\": \"00:00:00:00:00:00\"},"
		"{\"mac\": \"02:00:00:00:0d:02\", \"identity\": {\"kind\": \"cam\\nera\"}},"
		"{\"ip\": \"10.0.0.1\"}, 7, null]}";
	json_error_t je;
	json_t *rep = json_loads(text, 0, &je);
	assert_non_null(rep);
	struct inrep r;
	char err[256];
	capture_reset();
	struct report *loaded = report_load_buf(text, strlen(text), "r.json", capture, err, sizeof err);
	assert_non_null(loaded);
	assert_int_equal(inrep_from_report(loaded, "r.json", &r, capture), 0);
	assert_int_equal(r.n_devs, 2);
	const struct inrep_dev *d = inrep_find(&r, "02:00:00:00:0d:01");
	assert_non_null(d);
	assert_true(d->router);
	assert_string_equal(d->kind, "plug");
	assert_int_equal(d->n_addrs, 2);
	assert_string_equal(d->addrs[0], "192.168.1.10");
	assert_string_equal(d->addrs[1], "2001:db8::1");
	assert_int_equal(d->n_queries, 1);
	assert_string_equal(d->queries[0], "cloud.example");
	assert_int_equal(r.n_answers, 1);
	assert_string_equal(r.answers[0].addr, "203.0.113.10");
	/* each bad value named by the loader (escaped) or by enforce (the dot rule) */
	assert_non_null(strstr(warned, "\"a.b/#\""));
	assert_non_null(strstr(warned, "\"x\\\"y.example\""));
	assert_non_null(strstr(warned, "\"192.168.1.11; accept\""));
	assert_non_null(strstr(warned, "\"192.168.1.12\""));
	assert_non_null(strstr(warned, "\"203.0.113.10/24\""));
	assert_non_null(strstr(warned, "\"../../x\""));
	assert_non_null(strstr(warned, "\"ff:ff:ff:ff:ff:ff\""));
	assert_non_null(strstr(warned, "\"00:00:00:00:00:00\""));
	assert_non_null(strstr(warned, "r.json: 02:00:00:00:0d:01: looked-up name \"nodot\" is not a host name with a dot"));
	assert_null(strchr(warned, '\r'));
	assert_null(strstr(warned, "cam\nera"));
	d = inrep_find(&r, "02:00:00:00:0d:02");
	assert_non_null(d);
	assert_string_equal(d->kind, "");
	inrep_free(&r);
	report_free(loaded);
	json_decref(rep);
	/* a flood of names without a dot: INREP_WARN_PER_DEV lines, then a count */
	json_t *qs = json_array();
	for (int i = 0; i < INREP_WARN_PER_DEV + 20; i++) {
		char nm[32];
		snprintf(nm, sizeof nm, "nodot%d", i);
		json_array_append_new(qs, json_pack("{s:s}", "name", nm));
	}
	rep = json_pack("{s:[{s:s,s:{s:o}}]}", "devices", "mac", "02:00:00:00:0d:09", "dns", "queries", qs);
	assert_non_null(rep);
	char *flood = json_dumps(rep, 0);
	capture_reset();
	loaded = report_load_buf(flood, strlen(flood), "f.json", capture, err, sizeof err);
	assert_non_null(loaded);
	assert_int_equal(n_warned, 0);
	assert_int_equal(inrep_from_report(loaded, "f.json", &r, capture), 0);
	assert_int_equal(n_warned, INREP_WARN_PER_DEV + 1);
	assert_non_null(strstr(warned, "f.json: 02:00:00:00:0d:09: 20 more values left out"));
	assert_int_equal(r.skipped, INREP_WARN_PER_DEV + 20);
	inrep_free(&r);
	report_free(loaded);
	free(flood);
	json_decref(rep);
}

/* the records of captures: packet names checked as a saved report's are,
 * addresses taken as values, an unproven global address left out */
static void test_inrep_from_records(void **state)
{
	(void)state;
	struct ip_addr v4[3], v6[1], ans;
	assert_int_equal(addr_parse(&v4[0], "192.168.1.10"), 0);
	assert_int_equal(addr_parse(&v4[1], "8.8.8.8"), 0);
	assert_int_equal(addr_parse(&v4[2], "192.168.1.10"), 0);
	assert_int_equal(addr_parse(&v6[0], "2001:DB8::1"), 0);
	assert_int_equal(addr_parse(&ans, "203.0.113.10"), 0);
	struct rep_query q[] = { { "a.b/#", 1 }, { "Cloud.Example.", 2 }, { "cloud.example", 1 }, { "nodot", 1 },
				 { "caf\xc3\xa9.example", 1 } };
	struct rep_resolved res[] = { { "cloud.example", ans, 60 }, { "evil example", ans, 60 } };
	struct rep_device d[3] = { 0 };
	d[0] = (struct rep_device){ .id = "02:00:00:00:0d:01", .has_mac = 1, .ipv4 = v4, .n_ipv4 = 3,
				    .ipv4_unproven = 2, .ipv6 = v6, .n_ipv6 = 1, .gateway = 1, .kind = "plug",
				    .queries = q, .n_queries = 5, .resolved = res, .n_resolved = 2 };
	d[1] = (struct rep_device){ .id = "192.168.1.50" }; /* keyed by address: no MAC */
	d[2] = (struct rep_device){ .id = "ff:ff:ff:ff:ff:ff", .has_mac = 1, .kind = "cam\nera" };
	struct report rep = { .devices = d, .n_devices = 3 };
	struct inrep r;
	capture_reset();
	assert_int_equal(inrep_from_report(&rep, "x.pcap", &r, capture), 0);
	assert_int_equal(r.n_devs, 1);
	const struct inrep_dev *x = inrep_find(&r, "02:00:00:00:0d:01");
	assert_non_null(x);
	assert_true(x->router);
	assert_string_equal(x->kind, "plug");
	assert_int_equal(x->n_addrs, 2); /* 8.8.8.8 only sent from and global: out; the repeat once */
	assert_string_equal(x->addrs[0], "192.168.1.10");
	assert_string_equal(x->addrs[1], "2001:db8::1");
	assert_int_equal(x->n_queries, 1);
	assert_string_equal(x->queries[0], "cloud.example");
	assert_int_equal(r.n_answers, 1);
	assert_string_equal(r.answers[0].addr, "203.0.113.10");
	assert_non_null(strstr(warned, "x.pcap: 02:00:00:00:0d:01: looked-up name \"a.b/#\" is not a host name with a dot"));
	assert_non_null(strstr(warned, "looked-up name \"caf\\xc3\\xa9.example\""));
	assert_non_null(strstr(warned, "answer name \"evil example\""));
	assert_non_null(strstr(warned, "address 8.8.8.8 left out"));
	assert_non_null(strstr(warned, "x.pcap: device 2: its MAC \"ff:ff:ff:ff:ff:ff\" is a group address"));
	assert_null(strstr(warned, "192.168.1.50"));
	inrep_free(&r);
}

/* learn from records: a cloud by name, one by address (its family only),
 * LAN discovery, a peer's temporary ports folded to a range, and a
 * destination whose name (from a packet) is no host name left out */
static void test_mud_learn_records(void **state)
{
	(void)state;
	struct rep_dest x[7] = { 0 };
	x[0] = (struct rep_dest){ .scope = REP_SCOPE_INTERNET, .internet = 1, .domain = "cloud.example",
				  .proto = IPPROTO_TCP, .port = 443, .app = APP_TLS };
	x[1] = (struct rep_dest){ .scope = REP_SCOPE_INTERNET, .internet = 1, .proto = IPPROTO_UDP, .port = 8053 };
	assert_int_equal(addr_parse(&x[1].addr, "203.0.113.7"), 0);
	x[2] = (struct rep_dest){ .scope = REP_SCOPE_MULTICAST, .proto = IPPROTO_UDP, .port = 5353, .app = APP_MDNS };
	for (int i = 3; i < 6; i++) {
		x[i] = (struct rep_dest){ .scope = REP_SCOPE_PRIVATE, .proto = IPPROTO_UDP, .port = (uint16_t)(40000 + i),
					  .inbound = 0 };
		assert_int_equal(addr_parse(&x[i].addr, "192.168.1.9"), 0);
	}
	x[6] = (struct rep_dest){ .scope = REP_SCOPE_INTERNET, .internet = 1, .domain = "sp ace.example",
				  .proto = IPPROTO_TCP, .port = 443 };
	struct rep_device d = { .id = "02:00:00:00:0d:01", .has_mac = 1, .kind = "plug", .brand = "Acme",
				.dests = x, .n_dests = 7 };
	struct mud_profile p;
	char err[128];
	capture_reset();
	assert_int_equal(mud_learn(&d, &p, capture, err, sizeof err), 0);
	assert_string_equal(p.systeminfo, "Acme plug (learned by alfoil)");
	assert_string_equal(p.mfg_name, "Acme");
	assert_int_equal(p.n_skipped, 1);
	assert_non_null(strstr(warned, "02:00:00:00:0d:01: destinations[6]: domain: not a host name"));
	assert_int_equal(p.n, 4); /* the three temporary ports are one rule */
	assert_string_equal(p.rules[0].dnsname, "cloud.example");
	assert_true(p.rules[0].from_device && !p.rules[0].local && p.rules[0].proto == 6 && p.rules[0].port == 443);
	assert_string_equal(p.rules[1].network, "203.0.113.7/32");
	assert_int_equal(p.rules[1].family, 4);
	assert_true(p.rules[2].local && p.rules[2].port == 5353);
	assert_true(p.rules[3].local && p.rules[3].port == MUD_EPHEMERAL_MIN && p.rules[3].port_hi == 65535);
	mud_profile_free(&p);
	/* no MAC, no profile */
	d.has_mac = 0;
	assert_int_equal(mud_learn(&d, &p, NULL, err, sizeof err), -1);
}

static char *render(const struct nft_input *in, struct nft_stats *st)
{
	char *text = NULL, err[128];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(nft_write(f, in, st, err, sizeof err), 0);
	fclose(f);
	return text;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* A plug's NTP servers: many names, one service: one set, one rule; a name
 * without an address and a name that is not a host name: no set, a warning. */
static void test_one_set_per_service(void **state)
{
	(void)state;
	static const char *const ntp[] = { "0.pool.ntp.org", "time.nist.gov", "s1a.time.edu.cn" };
	struct mud_rule rules[6] = { 0 };
	for (int i = 0; i < 3; i++) {
		rules[i] = (struct mud_rule){ .from_device = 1, .proto = 17, .port = 123 };
		snprintf(rules[i].dnsname, sizeof rules[i].dnsname, "%s", ntp[i]);
	}
	rules[3] = (struct mud_rule){ .from_device = 1, .proto = 6, .port = 443, .dnsname = "nowhere.example" };
	rules[4] = (struct mud_rule){ .from_device = 1, .proto = 6, .port = 80, .dnsname = "_bad_.example" };
	rules[5] = (struct mud_rule){ .from_device = 0, .local = 1, .proto = 6, .port = 9999 };
	struct mud_profile p = { .rules = rules, .n = 6 };
	struct nft_device d = { .mac = "50:c7:bf:00:fc:a3", .policy = POL_PROFILE, .profile = &p };
	struct nft_name names[] = {
		{ "0.pool.ntp.org", "192.0.2.1", 0 }, { "0.pool.ntp.org", "192.0.2.2", 0 },
		{ "time.nist.gov", "198.51.100.7", 0 }, { "s1a.time.edu.cn", "203.0.113.9", 0 },
		{ "time.nist.gov", "192.0.2.1", 0 },
	};
	capture_reset();
	struct nft_input in = { .devs = &d, .n_devs = 1, .names = names, .n_names = 5,
				.lan_nets = "192.168.0.0/16", .format = NFT_TABLE, .warn = capture };
	struct nft_stats st;
	char *t = render(&in, &st);
	const char *warn = warned;
	assert_int_equal(count(t, "_g"), 2); /* the set and the rule */
	assert_non_null(strstr(t, "elements = { 192.0.2.1, 192.0.2.2, 198.51.100.7, 203.0.113.9 }"));
	assert_non_null(strstr(t, "ip daddr @d50c7bf00fca3_g0 udp dport 123 return"));
	assert_null(strstr(t, "_g0_6")); /* no IPv6 address: no IPv6 set */
	assert_null(strstr(t, "nowhere"));
	assert_null(strstr(t, "_bad_"));
	/* the LAN may open tcp/9999 on it: a to-device rule */
	assert_non_null(strstr(t, "chain d50c7bf00fca3_to {\n\t\tip saddr @lan4 tcp dport 9999 return"));
	assert_int_equal(st.unresolved, 1);
	assert_int_equal(st.bad_names, 1);
	assert_non_null(strstr(warn, "no address known for nowhere.example"));
	assert_non_null(strstr(warn, "a name in its profile, \"_bad_.example\", is not a host name"));
	free(t);
}

/* Held devices come before the established accept; profiles after it. */
static void test_order_and_fw4(void **state)
{
	(void)state;
	struct mud_profile p = { 0 };
	struct nft_device d[2] = {
		{ .mac = "68:c6:3a:00:00:02", .policy = POL_QUARANTINE, .addrs = { "192.168.10.2" }, .n_addrs = 1 },
		{ .mac = "68:c6:3a:00:00:03", .policy = POL_PROFILE, .profile = &p },
	};
	struct nft_input in = { .devs = d, .n_devs = 2, .names = NULL, .n_names = 0,
				.lan_nets = "192.168.0.0/16", .format = NFT_TABLE, .warn = NULL };
	char *t = render(&in, NULL);
	const char *q = strstr(t, "ether saddr 68:c6:3a:00:00:02 jump"), *ct = strstr(t, "ct state established"),
		   *pr = strstr(t, "ether saddr 68:c6:3a:00:00:03 jump");
	assert_true(q && ct && pr && q < ct && ct < pr);
	assert_true(strstr(t, "ip daddr @d68c63a000002_ip4 jump d68c63a000002_to") < ct);
	assert_non_null(strstr(t, "elements = { 192.168.10.2 }"));
	assert_non_null(strstr(t, "table inet alfoil {"));
	free(t);
	in.format = NFT_FW4;
	t = render(&in, NULL);
	assert_null(strstr(t, "table inet alfoil"));
	assert_null(strstr(t, "\ntable "));
	assert_non_null(strstr(t, "chain alfoil_forward {"));
	assert_non_null(strstr(t, "jump alfoil_d68c63a000002_to"));
	free(t);
}

static char *write_be(const char *name, const struct enforce_job *job, struct enforce_stats *st);

/* watch --enforce's form: a group's names in a set of their own, with
 * timeouts, its networks in the interval set; the guard's set and chain */
static void test_live_form(void **state)
{
	(void)state;
	struct mud_rule rules[3] = {
		{ .from_device = 1, .proto = 6, .port = 8080, .dnsname = "cloud.example" },
		{ .from_device = 1, .proto = 6, .port = 8080, .dnsname = "Backup.Cloud.example" },
		{ .from_device = 1, .proto = 6, .port = 8080, .network = "192.0.2.0/24" },
	};
	struct mud_profile p = { .rules = rules, .n = 3 };
	struct nft_device d = { .mac = "68:c6:3a:00:00:02", .policy = POL_PROFILE, .profile = &p };
	struct nft_name names[] = {
		{ "cloud.example", "198.51.100.10", 42 }, { "backup.cloud.example", "198.51.100.10", 900 },
		{ "backup.cloud.example", "2001:db8::7", 0 }, { "other.example", "203.0.113.1", 5 },
	};
	const char known[2][18] = { "68:c6:3a:00:00:02", "12:e3:6f:0d:7b:82" };
	struct nft_input in = { .devs = &d, .n_devs = 1, .names = names, .n_names = 4,
				.lan_nets = "192.168.0.0/16",
				.format = NFT_TABLE, .live = 1 };
	char *t = render(&in, NULL);
	/* the names' set: timeout flag; an address of two names once, with the first's timeout */
	assert_non_null(strstr(t, "set d68c63a000002_g0_n4 {  # cloud.example, Backup.Cloud.example, 192.0.2.0/24\n\t\ttype ipv4_addr\n"
				  "\t\tflags timeout\n\t\telements = { 198.51.100.10 timeout 42s }"));
	assert_non_null(strstr(t, "set d68c63a000002_g0_n6 {"));
	assert_non_null(strstr(t, "elements = { 2001:db8::7 }")); /* no timeout: until the next load */
	assert_null(strstr(t, "203.0.113.1"));                    /* not a name of the profile */
	/* the network stays in the interval set, names out of it */
	assert_non_null(strstr(t, "set d68c63a000002_g0 {"));
	assert_non_null(strstr(t, "elements = { 192.0.2.0/24 }"));
	assert_non_null(strstr(t, "ip daddr @d68c63a000002_g0_n4 tcp dport 8080 return"));
	assert_non_null(strstr(t, "ip6 daddr @d68c63a000002_g0_n6 tcp dport 8080 return"));
	assert_null(strstr(t, "set known"));
	free(t);
	/* the guard: the known MACs, before conntrack's accept; local-only's chain */
	in.guard = 1;
	in.new_policy = POL_LOCAL_ONLY;
	in.known = known;
	in.n_known = 2;
	t = render(&in, NULL);
	assert_non_null(strstr(t, "set known {\n\t\ttype ether_addr\n\t\telements = { 68:c6:3a:00:00:02, 12:e3:6f:0d:7b:82 }"));
	const char *g = strstr(t, "ip saddr @lan4 ether saddr != @known jump new"), *ct = strstr(t, "ct state established");
	assert_true(g && ct && g < ct);
	assert_non_null(strstr(t, "chain new {  # local-only\n\t\tip daddr @lan4 return\n\t\tip6 daddr @lan6 return\n"
				  "\t\tcounter drop\n"));
	assert_null(strstr(t, "ether saddr != @known udp dport"));
	free(t);
	in.new_policy = POL_QUARANTINE;
	t = render(&in, NULL);
	assert_non_null(strstr(t, "chain new {  # quarantine\n\t\tcounter drop\n"));
	assert_non_null(strstr(t, "ether saddr != @known udp dport { 53, 67, 547 } accept"));
	assert_non_null(strstr(t, "ip saddr @lan4 ether saddr != @known counter drop"));
	free(t);
	/* watch's interfaces: the guard by where a packet comes in, both families in one rule */
	const char *const ifs[2] = { "br-lan", "wlan0" };
	in.lan_ifaces = ifs;
	in.n_lan_ifaces = 2;
	t = render(&in, NULL);
	assert_non_null(strstr(t, "iifname { \"br-lan\", \"wlan0\" } ether saddr != @known jump new"));
	assert_non_null(strstr(t, "iifname { \"br-lan\", \"wlan0\" } ether saddr != @known counter drop"));
	assert_null(strstr(t, "ip saddr @lan4 ether saddr != @known"));
	free(t);
	const char *const evil[1] = { "x\" accept; #" };
	in.lan_ifaces = evil;
	in.n_lan_ifaces = 1;
	{
		char *tx = NULL, e2[128];
		size_t l2 = 0;
		FILE *f2 = open_memstream(&tx, &l2);
		assert_int_equal(nft_write(f2, &in, NULL, e2, sizeof e2), -1);
		assert_non_null(strstr(e2, "not an interface name"));
		fclose(f2);
		free(tx);
	}
	in.n_lan_ifaces = 0;
	/* what is not so is refused: a known MAC not in the one form, the guard as profile */
	const char bad[1][18] = { "68:C6:3A:00:00:02" };
	char *text = NULL, err[128];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	in.known = bad;
	in.n_known = 1;
	assert_int_equal(nft_write(f, &in, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "known MAC 0"));
	in.known = known;
	in.new_policy = POL_PROFILE;
	assert_int_equal(nft_write(f, &in, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "local-only or quarantine"));
	fclose(f);
	free(text);
}

/* the bridge table: a profile's local rules by peer class, both ways
 * (no conntrack on a bridge), quarantine off the LAN, the guard's drop */
static void test_bridge_table(void **state)
{
	(void)state;
	struct mud_rule rules[4] = {
		{ .from_device = 1, .local = 1, .peer = MUD_PEER_CONTROLLER, .proto = 6, .port = 8000, .family = 4 },
		{ .from_device = 1, .local = 1, .peer = MUD_PEER_SAME_MFG, .proto = 17, .port = 9000 },
		{ .from_device = 0, .local = 1, .peer = MUD_PEER_LAN, .proto = 6, .port = 8554, .port_hi = 8556 },
		{ .from_device = 1, .proto = 6, .port = 443, .dnsname = "cloud.example" }, /* internet: not here */
	};
	struct mud_profile p = { .rules = rules, .n = 4 };
	struct nft_device d[3] = { { .mac = "68:c6:3a:00:00:02", .policy = POL_PROFILE, .profile = &p },
				   { .mac = "02:00:00:00:0d:01", .policy = POL_QUARANTINE },
				   { .mac = "02:00:00:00:0d:02", .policy = POL_LOCAL_ONLY } };
	const char ctl[1][18] = { "02:00:00:00:aa:01" };
	struct nft_input in = { .devs = d, .n_devs = 3, .lan_nets = "192.168.0.0/16", .format = NFT_TABLE,
				.warn = capture, .bridge = 1, .controllers = ctl, .n_controllers = 1 };
	capture_reset();
	char *t = render(&in, NULL);
	const char *b = strstr(t, "table bridge alfoil\ndelete table bridge alfoil\ntable bridge alfoil {\n");
	assert_non_null(b);
	assert_true(b > strstr(t, "table inet alfoil {")); /* after the inet table, one transaction */
	assert_non_null(strstr(b, "set controllers {  # controller = MAC\n\t\ttype ether_addr\n\t\telements = { 02:00:00:00:aa:01 }"));
	assert_non_null(strstr(b, "ether saddr 02:00:00:00:0d:01 counter drop  # quarantine\n\t\tether daddr 02:00:00:00:0d:01 counter drop\n"));
	assert_null(strstr(b, "02:00:00:00:0d:02")); /* local-only: the LAN is its */
	assert_non_null(strstr(b, "ether saddr 68:c6:3a:00:00:02 jump bd68c63a000002  # profile\n"));
	const char *from = strstr(b, "chain bd68c63a000002 {"), *to = strstr(b, "chain bd68c63a000002_to {");
	assert_true(from && to && from < to);
	/* the opener's way by destination port, the answers by source port */
	assert_non_null(strstr(from, "ether daddr @controllers ether type ip tcp dport 8000 return"));
	assert_non_null(strstr(to, "ether saddr @controllers ether type ip tcp sport 8000 return"));
	assert_non_null(strstr(from, "ether daddr & ff:ff:ff:00:00:00 == 68:c6:3a:00:00:00 udp dport 9000 return"));
	assert_non_null(strstr(to, "\t\ttcp dport 8554-8556 return"));
	assert_non_null(strstr(from, "\t\ttcp sport 8554-8556 return"));
	assert_null(strstr(b, "443"));
	assert_null(strstr(warned, "controller")); /* (the cloud's name without an address is said) */
	free(t);
	/* a controller rule with no controller known: nothing allowed, and said */
	in.n_controllers = 0;
	capture_reset();
	t = render(&in, NULL);
	assert_null(strstr(strstr(t, "table bridge alfoil {"), "dport 8000"));
	assert_non_null(strstr(warned, "no 'controller = MAC' line"));
	free(t);
	/* the guard at quarantine: a MAC not known is cut off the LAN too */
	const char known[1][18] = { "68:c6:3a:00:00:02" };
	in.guard = 1;
	in.new_policy = POL_QUARANTINE;
	in.known = known;
	in.n_known = 1;
	t = render(&in, NULL);
	assert_non_null(strstr(strstr(t, "table bridge alfoil {"), "ether saddr != @known counter drop"));
	free(t);
	/* fw4's snippet cannot hold a table */
	char *text = NULL, err[160];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	in.format = NFT_FW4;
	assert_int_equal(nft_write(f, &in, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "table form"));
	fclose(f);
	free(text);
}

/* dnsmasq's nftset= lines: each name once, every set it fills, fw4's names */
static void test_dnsmasq_nftset(void **state)
{
	(void)state;
	struct mud_rule rules[3] = {
		{ .from_device = 1, .proto = 6, .port = 8080, .dnsname = "Cloud.example" },
		{ .from_device = 1, .proto = 6, .port = 443, .dnsname = "cloud.example", .family = 4 },
		{ .from_device = 1, .proto = 6, .port = 8080, .dnsname = "bad name;rm" },
	};
	struct mud_profile p = { .rules = rules, .n = 3 };
	struct nft_device d[2] = { { .mac = "68:c6:3a:00:00:02", .policy = POL_PROFILE, .profile = &p },
				   { .mac = "68:c6:3a:00:00:03", .policy = POL_LOCAL_ONLY, .profile = &p } };
	struct enforce_job job = { .devs = d, .n_devs = 2, .lan_nets = "192.168.0.0/16" };
	struct enforce_stats st;
	char *t = write_be("dnsmasq-nftset", &job, &st);
	assert_int_equal(st.names, 1);
	assert_non_null(strstr(t, "\nnftset=/cloud.example/4#inet#alfoil#d68c63a000002_g0_n4,"
				  "6#inet#alfoil#d68c63a000002_g0_n6,4#inet#alfoil#d68c63a000002_g1_n4\n"));
	assert_null(strstr(t, "bad name"));
	assert_null(strstr(t, "d68c63a000003")); /* local-only: no name sets */
	free(t);
	job.format = NFT_FW4;
	t = write_be("dnsmasq-nftset", &job, &st);
	assert_non_null(strstr(t, "nftset=/cloud.example/4#inet#fw4#alfoil_d68c63a000002_g0_n4,"));
	free(t);
}

/* one back end of the table on a job, into a string */
static char *write_be(const char *name, const struct enforce_job *job, struct enforce_stats *st)
{
	const struct enforce_backend *be = enforce_backend_find(name);
	char *t = NULL, err[128];
	size_t tl = 0;
	assert_non_null(be);
	FILE *f = open_memstream(&t, &tl);
	assert_non_null(f);
	assert_int_equal(enforce_write(be, f, job, st, err, sizeof err), 0);
	fclose(f);
	return t;
}

static void test_dns_backends(void **state)
{
	(void)state;
	struct nft_device dev = { .mac = "68:c6:3a:00:00:02", .policy = POL_LOCAL_ONLY, .addrs = { "192.168.10.2" },
				  .n_addrs = 1 };
	const char *nm[] = { "cloud.example" };
	struct dns_block b = { &dev, nm, 1 };
	struct enforce_job job = { .devs = &dev, .n_devs = 1, .blocks = &b, .n_blocks = 1, .warn = capture };
	struct enforce_stats st;
	capture_reset();
	char *t = write_be("unbound", &job, &st);
	assert_int_equal(st.names, 1);
	assert_non_null(strstr(t, "access-control-view: 192.168.10.2/32 \"alfoil-68c63a000002\""));
	assert_non_null(strstr(t, "local-zone: \"cloud.example.\" always_nxdomain"));
	assert_int_equal(n_warned, 0);
	free(t);
	t = write_be("dnsmasq", &job, &st);
	assert_int_equal(st.names, 1);
	assert_non_null(strstr(t, "EVERY client"));
	assert_non_null(strstr(t, "\naddress=/cloud.example/0.0.0.0  # 68:c6:3a:00:00:02 (local-only)\n"));
	assert_non_null(strstr(warned, "for every client"));
	assert_null(strstr(warned, "alfoil")); /* the prefix is cli_warn's, not the back end's */
	free(t);
	t = write_be("hosts", &job, &st);
	assert_int_equal(st.names, 1);
	assert_non_null(strstr(t, "\n0.0.0.0 cloud.example  # 68:c6:3a:00:00:02 (local-only)\n"));
	free(t);
	t = write_be("pihole", &job, &st);
	assert_int_equal(st.names, 1);
	assert_non_null(strstr(t, "VALUES (1, 'cloud.example', 1, 'alfoil: per device')"));
	assert_non_null(strstr(t, "VALUES ('68:C6:3A:00:00:02', 'alfoil: 68:c6:3a:00:00:02')"));
	assert_non_null(strstr(t, "\nCOMMIT;\n"));
	free(t);
	/* a device without an address: unbound cannot block it, and says so */
	dev.n_addrs = 0;
	capture_reset();
	t = write_be("unbound", &job, &st);
	assert_int_equal(st.names, 0);
	assert_non_null(strstr(warned, "68:c6:3a:00:00:02: no address known"));
	free(t);
}

/* The table: names unique, every row with a write function and a help
 * line, the default (first) a ruleset, each DNS list built of queries,
 * and every row runs on an empty job. */
static void test_backend_table(void **state)
{
	(void)state;
	assert_true(enforce_n_backends >= 5);
	assert_true(enforce_backends[0].needs & ENF_RULESET);
	assert_ptr_equal(enforce_backend_find("nft"), &enforce_backends[0]);
	assert_null(enforce_backend_find("bind"));
	assert_null(enforce_backend_find(NULL));
	static const char *const dns[] = { "dnsmasq", "unbound", "pihole", "hosts" };
	for (size_t i = 0; i < sizeof dns / sizeof *dns; i++) {
		const struct enforce_backend *be = enforce_backend_find(dns[i]);
		assert_non_null(be);
		assert_true(be->needs & ENF_QUERIES);
		assert_false(be->needs & (ENF_RULESET | ENF_ADDRS));
	}
	for (size_t i = 0; i < enforce_n_backends; i++) {
		const struct enforce_backend *be = &enforce_backends[i];
		assert_non_null(be->write);
		assert_true(be->writes && be->writes[0]);
		assert_ptr_equal(enforce_backend_find(be->name), be);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(enforce_backends[j].name, be->name);
		struct enforce_job job = { .lan_nets = "192.168.0.0/16" };
		struct enforce_stats st;
		char *t = write_be(be->name, &job, &st);
		assert_true(t[0] == '#' || t[0] == '-'); /* a comment says what the file is */
		assert_int_equal(st.names, 0);
		free(t);
	}
	/* the nft row is nft_write: the same bytes */
	struct nft_device d = { .mac = "68:c6:3a:00:00:02", .policy = POL_LOCAL_ONLY };
	struct enforce_job job = { .devs = &d, .n_devs = 1, .lan_nets = "192.168.0.0/16", .format = NFT_FW4 };
	struct nft_input in = { .devs = &d, .n_devs = 1, .names = NULL, .n_names = 0,
				.lan_nets = "192.168.0.0/16", .format = NFT_FW4, .warn = NULL };
	struct enforce_stats st;
	char *a = write_be("nft", &job, &st), *b = render(&in, NULL);
	assert_string_equal(a, b);
	assert_int_equal(st.nft.rules, 4); /* from and to it: the LAN, both families */
	free(a);
	free(b);
	/* a back end's own failure is the caller's error */
	d.mac[0] = 'X';
	char *t = NULL, err[128] = "";
	size_t tl = 0;
	FILE *f = open_memstream(&t, &tl);
	assert_int_equal(enforce_write(&enforce_backends[0], f, &job, &st, err, sizeof err), -1);
	assert_true(err[0]);
	fclose(f);
	free(t);
}

/* The blocks: an allowed device has none; a profile's names are allowed to
 * a device with the profile policy, not to one held local-only. */
static void test_dns_blocks(void **state)
{
	(void)state;
	json_error_t je;
	json_t *rep = json_loads("{\"devices\": ["
				 "{\"mac\": \"02:00:00:00:0d:01\", \"dns\": {\"queries\": [{\"name\": \"a.example\"}, "
				 "{\"name\": \"cloud.example\"}]}},"
				 "{\"mac\": \"02:00:00:00:0d:02\", \"dns\": {\"queries\": [{\"name\": \"cloud.example\"}]}},"
				 "{\"mac\": \"02:00:00:00:0d:03\", \"dns\": {\"queries\": [{\"name\": \"b.example\"}]}}]}",
				 0, &je);
	assert_non_null(rep);
	char *txt = json_dumps(rep, 0), err[256];
	struct report *loaded = report_load_buf(txt, strlen(txt), "r.json", NULL, err, sizeof err);
	assert_non_null(loaded);
	struct inrep r;
	assert_int_equal(inrep_from_report(loaded, "r.json", &r, NULL), 0);
	struct mud_rule rule = { .from_device = 1, .proto = 6, .port = 443, .dnsname = "cloud.example" };
	struct mud_profile p = { .rules = &rule, .n = 1 };
	struct nft_device devs[3] = {
		{ .mac = "02:00:00:00:0d:01", .policy = POL_PROFILE, .profile = &p },
		{ .mac = "02:00:00:00:0d:02", .policy = POL_LOCAL_ONLY, .profile = &p },
		{ .mac = "02:00:00:00:0d:03", .policy = POL_ALLOW },
	};
	struct dns_blocks b;
	assert_int_equal(dns_blocks_make(&r, devs, 3, &b), 0);
	assert_int_equal(b.n, 2);
	assert_ptr_equal(b.v[0].dev, &devs[0]);
	assert_int_equal(b.v[0].n_names, 1);
	assert_string_equal(b.v[0].names[0], "a.example");
	assert_ptr_equal(b.v[1].dev, &devs[1]);
	assert_int_equal(b.v[1].n_names, 1);
	assert_string_equal(b.v[1].names[0], "cloud.example");
	/* dnsmasq writes each name once, for every client */
	struct enforce_job job = { .devs = devs, .n_devs = 3, .blocks = b.v, .n_blocks = b.n };
	struct enforce_stats st;
	char *t = write_be("dnsmasq", &job, &st);
	assert_int_equal(st.names, 2);
	assert_int_equal(count(t, "address=/"), 2);
	free(t);
	dns_blocks_free(&b);
	inrep_free(&r);
	report_free(loaded);
	free(txt);
	json_decref(rep);
}

/* nft_write checks what it is handed once more */
static void test_nft_refuses_bad_input(void **state)
{
	(void)state;
	struct nft_device d = { .mac = "02:00:00:00:0D:01", .policy = POL_QUARANTINE };
	struct nft_input in = { .devs = &d, .n_devs = 1, .names = NULL, .n_names = 0,
				.lan_nets = "192.168.0.0/16", .format = NFT_TABLE, .warn = NULL };
	char *text = NULL, err[128];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(nft_write(f, &in, NULL, err, sizeof err), -1);
	snprintf(d.mac, sizeof d.mac, "ff:ff:ff:ff:ff:ff");
	assert_int_equal(nft_write(f, &in, NULL, err, sizeof err), -1);
	snprintf(d.mac, sizeof d.mac, "02:00:00:00:0d:01");
	snprintf(d.addrs[0], sizeof d.addrs[0], "192.168.1.2; accept");
	d.n_addrs = 1;
	assert_int_equal(nft_write(f, &in, NULL, err, sizeof err), -1);
	d.n_addrs = 0;
	in.lan_nets = "192.168.0.0/\n16";
	assert_int_equal(nft_write(f, &in, NULL, err, sizeof err), -1);
	in.lan_nets = "192.168.0.0/16";
	assert_int_equal(nft_write(f, &in, NULL, err, sizeof err), 0);
	fclose(f);
	free(text);
}

/* A lenient read: a bad ACE is left out with its path, the others kept;
 * the strict read refuses the same document. */
static void test_mud_lenient(void **state)
{
	(void)state;
	const char *doc_text =
		"{\"ietf-mud:mud\": {\"mud-version\": 1, \"mud-url\": \"https://x.invalid/a.json\", \"last-update\": \"t\","
		" \"from-device-policy\": {\"access-lists\": {\"access-list\": [{\"name\": \"a\"}, {\"name\": \"missing\"}]}}},"
		" \"ietf-access-control-list:acls\": {\"acl\": [{\"name\": \"a\", \"type\": \"ipv4-acl-type\", \"aces\": {\"ace\": ["
		"  {\"name\": \"bad\", \"matches\": {\"ipv4\": {\"protocol\": 6, \"ietf-acldns:dst-dnsname\": \"sp ace.example\"}},"
		"   \"actions\": {\"forwarding\": \"accept\"}},"
		"  {\"name\": \"pfx\", \"matches\": {\"ipv4\": {\"protocol\": 6, \"destination-ipv4-network\": \"192.0.2.0/\\n24\"}},"
		"   \"actions\": {\"forwarding\": \"accept\"}},"
		"  {\"name\": \"port\", \"matches\": {\"ipv4\": {\"protocol\": 6}, \"tcp\": {\"destination-port\": {\"port\": 70000}}},"
		"   \"actions\": {\"forwarding\": \"accept\"}},"
		"  {\"name\": \"good\", \"matches\": {\"ipv4\": {\"protocol\": 6, \"ietf-acldns:dst-dnsname\": \"cloud.example\"},"
		"   \"tcp\": {\"destination-port\": {\"operator\": \"eq\", \"port\": 443}}}, \"actions\": {\"forwarding\": \"accept\"}}"
		"]}}]}}";
	json_error_t je;
	json_t *doc = json_loads(doc_text, 0, &je);
	assert_non_null(doc);
	struct mud_profile p;
	char err[512];
	assert_int_equal(mud_from_json(doc, &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "ace[0].matches.ipv4.ietf-acldns:dst-dnsname"));
	capture_reset();
	assert_int_equal(mud_from_json_skip(doc, &p, capture, err, sizeof err), 0);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.rules[0].dnsname, "cloud.example");
	assert_int_equal(p.rules[0].port, 443);
	assert_int_equal(p.n_skipped, 4);
	assert_non_null(strstr(warned, "ace[0].matches.ipv4.ietf-acldns:dst-dnsname: not a domain name"));
	assert_non_null(strstr(warned, "ace[1].matches.ipv4.destination-ipv4-network: not an IPv4 prefix"));
	assert_non_null(strstr(warned, "ace[2].matches.tcp.destination-port.port: not a port number"));
	assert_non_null(strstr(warned, "access-list[1].name: names no ACL"));
	mud_profile_free(&p);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_mac_norm),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_polfile),
		cmocka_unit_test(test_inreport),
		cmocka_unit_test(test_inrep_from_records),
		cmocka_unit_test(test_mud_learn_records),
		cmocka_unit_test(test_nft_refuses_bad_input),
		cmocka_unit_test(test_mud_lenient),
		cmocka_unit_test(test_one_set_per_service),
		cmocka_unit_test(test_order_and_fw4),
		cmocka_unit_test(test_live_form),
		cmocka_unit_test(test_dnsmasq_nftset),
		cmocka_unit_test(test_bridge_table),
		cmocka_unit_test(test_dns_backends),
		cmocka_unit_test(test_backend_table),
		cmocka_unit_test(test_dns_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
