/* test_report_load.c - the one reader of a saved report: a real capture's
 * report read back writes the same JSON byte for byte (findings aside:
 * they are not read), and a hostile report loses exactly its bad values,
 * each told with the device, the JSON path and the value escaped. */
#include "testutil.h"

#include <stdio.h>
#include <unistd.h>

#include "analyze/report_load.h"
#include "output/output.h"

static char warned[64][400];
static size_t n_warned;

static void collect(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (n_warned < 64)
		vsnprintf(warned[n_warned], sizeof warned[0], fmt, ap);
	n_warned++;
	va_end(ap);
}

static int warned_of(const char *a, const char *b)
{
	for (size_t i = 0; i < n_warned && i < 64; i++)
		if (strstr(warned[i], a) && (!b || strstr(warned[i], b)))
			return 1;
	return 0;
}

static char *render(const struct report *r, const char *fmt)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	struct out_opts o = { 0 };
	assert_int_equal(output_find(fmt)->fn(f, r, &o), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static char *slurp(FILE *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, m);
	fclose(m);
	return text;
}

/* The report alfoil writes for a capture, with its findings made [] (the
 * loader does not read them); NULL when the binary or capture is absent. */
static char *inspect_json(const char *capture)
{
	const char *bin = getenv("ALFOIL") ? getenv("ALFOIL") : "build/san/alfoil";
	if (access(bin, X_OK) || access(capture, R_OK))
		return NULL;
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "'%s' inspect --json --no-progress -q '%s' 2>/dev/null", bin, capture);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *text = slurp(p);
	pclose(p);
	if (!text || !*text) {
		free(text);
		return NULL;
	}
	/* "findings": [ ... ] -> "findings": [] (its lines are indented deeper) */
	char *a = strstr(text, "\n  \"findings\": [");
	assert_non_null(a);
	a += strlen("\n  \"findings\": [");
	char *z = strstr(a, "\n  ]");
	if (*a != ']') {
		assert_non_null(z);
		memmove(a, z + 3, strlen(z + 3) + 1);
	}
	return text;
}

static void roundtrip(const char *capture)
{
	char *orig = inspect_json(capture);
	if (!orig) {
		skip();
		return;
	}
	char err[512];
	n_warned = 0;
	struct report *r = report_load_buf(orig, strlen(orig), capture, collect, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(n_warned, 0);
	assert_int_equal(r->load_skipped, 0);
	assert_true(r->n_devices > 0);
	char *again = render(r, "json");
	assert_string_equal(again, orig);
	/* and read again, the same; text and HTML of both readings agree */
	struct report *r2 = report_load_buf(again, strlen(again), "again", collect, err, sizeof err);
	assert_non_null(r2);
	char *third = render(r2, "json");
	assert_string_equal(third, again);
	char *t1 = render(r, "text"), *t2 = render(r2, "text"), *h1 = render(r, "html"), *h2 = render(r2, "html");
	assert_string_equal(t1, t2);
	assert_string_equal(h1, h2);
	free(t1);
	free(t2);
	free(h1);
	free(h2);
	free(third);
	free(again);
	free(orig);
	report_free(r);
	report_free(r2);
}

static void test_roundtrip_example(void **state)
{
	(void)state;
	roundtrip("examples/home.pcap");
}

/* IPv6 devices and destinations, a camera's clouds */
static void test_roundtrip_shared(void **state)
{
	(void)state;
	roundtrip("../shared/captures/zeek/communityid/ipv6.pcap");
	roundtrip("../shared/captures/xiaomi/nku-lifecycle/xiaobai_Y2camera_setup.pcap");
}

static const char hostile[] =
	"{\"schema\": \"alfoil-inspect/1\", \"capture\": {\"inputs\": [{\"name\": \"a.pcap\", \"name_hex\": null,"
	" \"type\": \"file\", \"linktype\": \"EN10MB\", \"packets\": 5, \"error\": null}], \"packets\": 5,"
	" \"bytes\": 500, \"first_seen\": \"2026-11-01T08:00:00.000001Z\", \"last_seen\": \"2026-13-01T08:00:00.000000Z\","
	" \"counters\": {\"flows_created\": 3, \"Bad Name\": 1}},"
	" \"countries\": [{\"country\": \"cn\", \"devices\": 1}, {\"country\": \"CN\", \"devices\": 1,"
	" \"top_devices\": [\"AA-BB-CC-DD-EE-01\", \"<script>\"]}],"
	" \"devices\": ["
	"  {\"id\": \"x\", \"mac\": \"AA-BB-CC-DD-EE-01\","
	"   \"display_name\": \"cam\\u202e (10.0.0.2)\","
	"   \"ipv4\": [\"10.0.0.2\", \"10.0.0.2\", \"1.2.3.4.5\", \"::1\", 7],"
	"   \"ipv6\": [\"2001:DB8::1\", \"10.0.0.9\"],"
	"   \"addresses_unproven\": [\"2001:db8::1\", \"10.9.9.9\"],"
	"   \"names\": [{\"name\": \"cam\\u0007bell\", \"source\": \"dhcp-hostname\"},"
	"              {\"name\": \"camera-1\", \"source\": \"dhcp-hostname\"},"
	"              {\"name\": \"x\", \"source\": \"made-up\"}],"
	"   \"roles\": [\"gateway\", \"root\"],"
	"   \"evidence\": [{\"kind\": \"dhcp-hostname\", \"value\": \"camera-1\"}, {\"kind\": \"evil\", \"value\": \"v\"}],"
	"   \"identity\": {\"kind\": \"<script>alert(1)</script>\", \"brand\": \"Acme\", \"confidence\": 7},"
	"   \"dns\": {\"queries\": [{\"name\": \"good.example.com\", \"count\": 2},"
	"                         {\"name\": \"bad\\u0007.example.com\", \"count\": 1},"
	"                         {\"name\": \"<script>.example.com\", \"count\": 1}],"
	"            \"answers\": [{\"name\": \"good.example.com\", \"address\": \"93.184.216.34\"},"
	"                         {\"name\": \"good.example.com\", \"address\": \"93.184.216\"}]}},"
	"  {\"mac\": \"aa:bb:cc:dd:ee:02\", \"destinations\": ["
	"     {\"address\": \"64:ff9b::5db8:d822\", \"scope\": \"internet\", \"domain\": \"good.example.com\","
	"      \"domain_source\": \"dns\", \"names\": {\"dns\": \"good.example.com\"}, \"country\": \"US\","
	"      \"abroad\": true, \"asn\": 15133, \"org\": \"Edgecast\", \"translated\": {\"kind\": \"nat64\","
	"      \"ipv4\": \"93.184.216.34\"}, \"proto\": \"tcp\", \"port\": 443, \"app\": \"tls\", \"encrypted\": \"yes\","
	"      \"direction\": \"outbound\", \"tls_version\": \"0x0303\", \"flows\": 2, \"bytes_up\": 100},"
	"     {\"address\": \"999.1.1.1\", \"scope\": \"internet\", \"proto\": \"tcp\", \"port\": 80},"
	"     {\"address\": \"10.0.0.3\", \"scope\": \"mars\", \"proto\": \"tcp\", \"port\": 80},"
	"     {\"address\": \"10.0.0.3\", \"scope\": \"private\", \"proto\": \"tcp\", \"port\": 70000},"
	"     {\"address\": \"10.0.0.3\", \"scope\": \"private\", \"proto\": \"gre\", \"port\": 1},"
	"     {\"address\": \"8.8.8.8\", \"scope\": \"internet\", \"domain\": \"evil domain\", \"proto\": \"udp\", \"port\": 53},"
	"     {\"address\": \"10.0.0.4\", \"scope\": \"private\", \"proto\": \"udp\", \"port\": 54321, \"direction\": \"inbound\","
	"      \"packets_up\": 3, \"app\": \"no-such-app\", \"encrypted\": \"maybe\", \"tls_version\": \"0x3\"}]},"
	"  {\"id\": \"y\", \"mac\": \"01:00:5e:00:00:01\"},"
	"  {\"id\": \"z\", \"mac\": \"00:00:00:00:00:00\"},"
	"  {\"id\": \"w\", \"mac\": \"aa:bb:cc:dd:ee:01\"},"
	"  {\"id\": \"192.0.2.7\", \"mac\": null},"
	"  {\"id\": \"no address\", \"mac\": null},"
	"  17"
	" ]}";

static void test_hostile(void **state)
{
	(void)state;
	char err[512];
	n_warned = 0;
	struct report *r = report_load_buf(hostile, sizeof hostile - 1, "h.json", collect, err, sizeof err);
	assert_non_null(r);
	/* the devices: the MAC one normalised, the IP-keyed one; group, zero,
	 * a repeat, a bad id and a non-object left out */
	assert_int_equal(r->n_devices, 3);
	const struct rep_device *d = &r->devices[0];
	assert_string_equal(d->id, "aa:bb:cc:dd:ee:01");
	assert_true(d->has_mac);
	assert_int_equal(d->mac[5], 1);
	assert_string_equal(r->devices[2].id, "192.0.2.7");
	assert_false(r->devices[2].has_mac);
	assert_true(warned_of("devices[2].mac", "a group address"));
	assert_true(warned_of("devices[3].mac", "all zero"));
	assert_true(warned_of("devices[4].id (aa:bb:cc:dd:ee:01)", "listed before"));
	assert_true(warned_of("devices[6].id", "the device left out"));
	assert_true(warned_of("devices[7]", "not an object"));
	/* addresses: one 10.0.0.2, the IPv6 one in its one form */
	assert_int_equal(d->n_ipv4, 1);
	char a[ADDR_STRLEN];
	assert_string_equal(addr_fmt(&d->ipv4[0], a), "10.0.0.2");
	assert_int_equal(d->n_ipv6, 1);
	assert_string_equal(addr_fmt(&d->ipv6[0], a), "2001:db8::1");
	assert_int_equal(d->ipv6_unproven, 1);
	assert_int_equal(d->ipv4_unproven, 0);
	assert_true(warned_of("devices[0].ipv4[2] (aa:bb:cc:dd:ee:01): \"1.2.3.4.5\" is not an IPv4 address, left out", NULL));
	assert_true(warned_of("devices[0].ipv4[3]", "\"::1\" is not an IPv4"));
	assert_true(warned_of("devices[0].ipv4[4]", "(a number)"));
	assert_true(warned_of("devices[0].ipv6[1]", "not an IPv6"));
	assert_true(warned_of("addresses_unproven[1]", "not one of the device's"));
	/* text that is not safe to show, and names of kinds alfoil does not
	 * have, are left out; the control character shown escaped */
	assert_int_equal(d->n_names, 1);
	assert_string_equal(d->names[0].name, "camera-1");
	assert_true(warned_of("devices[0].names[0].name", "\"cam\\x07bell\""));
	assert_true(warned_of("devices[0].names[2].source", "not an evidence kind"));
	assert_int_equal(d->n_attrs, 1);
	assert_string_equal(d->display, "aa:bb:cc:dd:ee:01"); /* the bidi override: its id instead */
	assert_true(warned_of("display_name", "\\xe2\\x80\\xae"));
	assert_true(d->gateway);
	assert_true(warned_of("roles[1]", "\"root\""));
	assert_null(d->kind);
	assert_true(warned_of("identity.kind", "\"<script>alert(1)</script>\" is not a kind"));
	assert_string_equal(d->brand, "Acme");
	assert_true(warned_of("identity.confidence", NULL));
	assert_int_equal(d->n_queries, 1);
	assert_string_equal(d->queries[0].name, "good.example.com");
	assert_int_equal(d->queries[0].count, 2);
	assert_true(warned_of("dns.queries[1].name", "\"bad\\x07.example.com\" is not a host name"));
	assert_true(warned_of("dns.queries[2].name", "<script>"));
	assert_int_equal(d->n_resolved, 1);
	assert_true(warned_of("dns.answers[1].address", "\"93.184.216\""));
	d = &r->devices[1];
	/* destinations: the good one with every typed field, the one LAN
	 * service; bad address, scope, port, protocol, domain: left out */
	assert_int_equal(d->n_dests, 2);
	const struct rep_dest *x = &d->dests[0];
	assert_string_equal(addr_fmt(&x->addr, a), "64:ff9b::5db8:d822");
	assert_int_equal(x->scope, REP_SCOPE_INTERNET);
	assert_true(x->internet);
	assert_int_equal(x->proto, 6);
	assert_int_equal(x->port, 443);
	assert_int_equal(x->app, APP_TLS);
	assert_int_equal(x->enc, ENC_YES);
	assert_int_equal(x->translated, ADDR_4IN6_NAT64);
	assert_string_equal(addr_fmt(&x->translated_ipv4, a), "93.184.216.34");
	assert_int_equal(x->domain_source, REP_DOMAIN_DNS);
	assert_string_equal(x->country, "US");
	assert_int_equal(x->asn, 15133);
	assert_string_equal(x->org, "Edgecast");
	assert_int_equal(x->tls_version, 0x0303);
	assert_int_equal(x->bytes_up, 100);
	assert_true(warned_of("destinations[1].address", "\"999.1.1.1\""));
	assert_true(warned_of("destinations[2].scope", "\"mars\""));
	assert_true(warned_of("destinations[3].port", NULL));
	assert_true(warned_of("destinations[4].proto", "\"gre\""));
	assert_true(warned_of("destinations[5].domain", "\"evil domain\" is not a host name"));
	x = &d->dests[1];
	assert_int_equal(x->scope, REP_SCOPE_PRIVATE);
	assert_true(x->inbound);
	assert_int_equal(x->app, APP_UNKNOWN);
	assert_int_equal(x->enc, ENC_UNKNOWN);
	assert_int_equal(x->tls_version, 0);
	assert_true(warned_of("destinations[6].app", NULL));
	assert_true(warned_of("destinations[6].encrypted", NULL));
	/* the service it answered on, as report_build would have it */
	assert_int_equal(d->n_serves, 1);
	assert_int_equal(d->serves[0].port, 54321);
	/* the counts are the report's own, not the file's */
	assert_int_equal(d->n_internet_dests, 1);
	assert_int_equal(d->n_local_dests, 1);
	assert_int_equal(r->totals.internet_dests, 1);
	assert_int_equal(r->totals.devices_internet, 1);
	assert_int_equal(r->totals.devices_abroad, 1);
	/* the top level */
	assert_int_equal(r->n_inputs, 1);
	assert_string_equal(r->inputs[0].name, "a.pcap");
	assert_int_equal(r->first_us % 1000000, 1);
	assert_int_equal(r->last_us, 0);
	assert_true(warned_of("capture.last_seen", "2026-13-01"));
	assert_int_equal(r->n_counters, 1);
	assert_true(warned_of("capture.counters", "\"Bad Name\""));
	assert_int_equal(r->n_countries, 1);
	assert_string_equal(r->countries[0].cc, "CN");
	assert_int_equal(r->countries[0].n_device_list, 1);
	assert_string_equal(r->countries[0].devices[0], "aa:bb:cc:dd:ee:01");
	assert_true(warned_of("countries[0].country", "\"cn\""));
	assert_true(warned_of("countries[1].top_devices[1]", "<script>"));
	assert_null(r->findings);
	assert_true(r->load_skipped >= 30);
	/* what is written again holds nothing of what was left out */
	char *j = render(r, "json");
	assert_null(strstr(j, "<script>"));
	assert_null(strstr(j, "999.1.1.1"));
	assert_non_null(strstr(j, "\"kind\": \"nat64\""));
	free(j);
	report_free(r);
}

/* at most REPORT_WARN_PER_DEV lines for one device, then a count */
static void test_warning_cap(void **state)
{
	(void)state;
	char *buf = malloc(65536), err[256];
	assert_non_null(buf);
	size_t n = (size_t)snprintf(buf, 65536, "{\"devices\": [{\"mac\": \"02:00:00:00:00:01\", \"ipv4\": [");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(buf + n, 65536 - n, "%s\"bad%d\"", i ? ", " : "", i);
	n += (size_t)snprintf(buf + n, 65536 - n, "]}]}");
	n_warned = 0;
	struct report *r = report_load_buf(buf, n, "cap.json", collect, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(n_warned, REPORT_WARN_PER_DEV + 1);
	assert_true(warned_of("cap.json: devices[0] (02:00:00:00:00:01): 24 more values left out", NULL));
	assert_int_equal(r->load_skipped, 40);
	assert_int_equal(r->devices[0].n_ipv4, 0);
	report_free(r);
	free(buf);
}

static void test_not_a_report(void **state)
{
	(void)state;
	char err[256];
	static const char *const bad[] = { "not json", "[1, 2]", "{\"devices\": 3}",
					   "{\"schema\": \"alfoil-inspect/9\", \"devices\": []}",
					   "{\"devices\": [], \"devices\": []}" };
	static const char *const why[] = { "not a JSON report", "no \"devices\" array", "no \"devices\" array",
					   "schema \"alfoil-inspect/9\"", "not a JSON report" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err[0] = '\0';
		assert_null(report_load_buf(bad[i], strlen(bad[i]), "b.json", collect, err, sizeof err));
		assert_non_null(strstr(err, why[i]));
		assert_non_null(strstr(err, "b.json"));
	}
	assert_null(report_load("/nonexistent/r.json", collect, err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/r.json"));
	/* a hand-trimmed report without schema or capture is read */
	const char *ok = "{\"devices\": [{\"mac\": \"02:00:00:00:00:02\"}]}";
	struct report *r = report_load_buf(ok, strlen(ok), "ok.json", collect, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(r->n_devices, 1);
	assert_string_equal(r->devices[0].display, "02:00:00:00:00:02");
	report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_example),
		cmocka_unit_test(test_roundtrip_shared),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_warning_cap),
		cmocka_unit_test(test_not_a_report),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
