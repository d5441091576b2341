/* test_enforce.c - rule generation: host names and MACs, one set per
 * service, no empty sets, held devices before conntrack, DNS back ends. */
#include "testutil.h"

#include <stdio.h>

#include "enforce/dns.h"
#include "enforce/names.h"
#include "enforce/nft.h"

static void test_hostname(void **state)
{
	(void)state;
	assert_true(enforce_hostname_ok("devs.tplinkcloud.com"));
	assert_true(enforce_hostname_ok("0.pool.ntp.org."));
	assert_true(enforce_hostname_ok("a-b.c9"));
	assert_false(enforce_hostname_ok(""));
	assert_false(enforce_hostname_ok("."));
	assert_false(enforce_hostname_ok("a..b"));
	assert_false(enforce_hostname_ok("-a.b"));
	assert_false(enforce_hostname_ok("a-.b"));
	assert_false(enforce_hostname_ok("_tcp.local"));
	assert_false(enforce_hostname_ok("cloud.example\" always_transparent"));
	assert_false(enforce_hostname_ok("a.b/0.0.0.0"));
	assert_false(enforce_hostname_ok("evil\nlocal-zone"));
	char l64[80];
	memset(l64, 'a', 64);
	strcpy(l64 + 64, ".com");
	assert_false(enforce_hostname_ok(l64));
	assert_true(enforce_hostname_ok(l64 + 1)); /* 63 */
	char big[300];
	for (int i = 0; i < 127; i++)
		memcpy(big + 2 * i, "a.", 2);
	big[254] = 'a';
	big[255] = '\0'; /* 255 characters */
	assert_false(enforce_hostname_ok(big));
	big[252] = '\0'; /* "a.a.….a" of 252 characters, ends in '.' */
	assert_true(enforce_hostname_ok(big));
	assert_true(enforce_mac_ok("68:C6:3a:00:00:02"));
	assert_false(enforce_mac_ok("68:c6:3a:00:00:0g"));
	assert_false(enforce_mac_ok("68-c6-3a-00-00-02"));
	assert_false(enforce_mac_ok("68:c6:3a:00:00:02 accept"));
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
		{ "0.pool.ntp.org", "192.0.2.1" }, { "0.pool.ntp.org", "192.0.2.2" }, { "time.nist.gov", "198.51.100.7" },
		{ "s1a.time.edu.cn", "203.0.113.9" }, { "time.nist.gov", "192.0.2.1" },
	};
	char *warn = NULL;
	size_t wlen = 0;
	FILE *wf = open_memstream(&warn, &wlen);
	struct nft_input in = { &d, 1, names, 5, "192.168.0.0/16", NFT_TABLE, wf };
	struct nft_stats st;
	char *t = render(&in, &st);
	fclose(wf);
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
	assert_null(strstr(warn, "_bad_")); /* a hostile name is not echoed */
	free(warn);
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
	struct nft_input in = { d, 2, NULL, 0, "192.168.0.0/16", NFT_TABLE, NULL };
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

static void test_dns_backends(void **state)
{
	(void)state;
	struct nft_device dev = { .mac = "68:c6:3a:00:00:02", .policy = POL_LOCAL_ONLY, .addrs = { "192.168.10.2" },
				  .n_addrs = 1 };
	const char *nm[] = { "cloud.example" };
	struct dns_block b = { &dev, nm, 1 };
	char *t = NULL, *w = NULL;
	size_t tl = 0, wl = 0;
	FILE *f = open_memstream(&t, &tl), *wf = open_memstream(&w, &wl);
	assert_int_equal(dns_write(f, wf, "unbound", &b, 1), 1);
	fclose(f);
	fclose(wf);
	assert_non_null(strstr(t, "access-control-view: 192.168.10.2/32 \"alfoil-68c63a000002\""));
	assert_non_null(strstr(t, "local-zone: \"cloud.example.\" always_nxdomain"));
	assert_int_equal(wl, 0);
	free(t);
	free(w);
	t = w = NULL;
	f = open_memstream(&t, &tl);
	wf = open_memstream(&w, &wl);
	assert_int_equal(dns_write(f, wf, "dnsmasq", &b, 1), 1);
	fclose(f);
	fclose(wf);
	assert_non_null(strstr(t, "EVERY client"));
	assert_non_null(strstr(w, "for every client"));
	free(t);
	free(w);
	assert_false(dns_format_known("bind"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_one_set_per_service),
		cmocka_unit_test(test_order_and_fw4),
		cmocka_unit_test(test_dns_backends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
