/* test_ipdb.c - country and ASN lookups against the real data installed by
 * scripts/setup.sh (data/), and what happens without it or with a broken
 * file. Skipped, saying so, when the data is not installed. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"

#include "intel/ipdb.h"

static const char *data_dir(void)
{
	const char *d = getenv("ALFOIL_DATA_DIR");
	return d && *d ? d : "data";
}

static int have_data(void)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/country.mmdb", data_dir());
	return access(p, R_OK) == 0;
}

static void expect(struct ipdb *db, const char *ip, const char *cc, uint32_t asn, const char *org_part)
{
	struct ip_addr a;
	struct ip_info in;
	assert_int_equal(addr_parse(&a, ip), 0);
	assert_int_equal(ipdb_lookup(db, &a, &in), 0);
	assert_string_equal(in.country, cc);
	if (asn) {
		assert_int_equal(in.asn, asn);
		assert_non_null(strstr(in.org, org_part));
	}
}

static void test_known_addresses(void **state)
{
	(void)state;
	if (!have_data()) {
		print_message("IP data not installed in %s (scripts/setup.sh): skipped\n", data_dir());
		skip();
	}
	char err[512];
	struct ipdb_paths p = { data_dir(), NULL, NULL };
	struct ipdb *db = ipdb_open(&p, err, sizeof err);
	assert_non_null(db);
	assert_string_equal(err, "");
	assert_string_equal(ipdb_missing(db), "");
	expect(db, "8.8.8.8", "US", 15169, "Google");
	expect(db, "114.114.114.114", "CN", 0, NULL);
	expect(db, "1.1.1.1", "AU", 13335, "Cloudflare"); /* APNIC/Cloudflare research block */
	expect(db, "2001:4860:4860::8888", "US", 15169, "Google");
	/* Xiaomi's European cloud (AWS Frankfurt) and its mainland one */
	expect(db, "3.120.177.22", "DE", 16509, "Amazon");
	/* private addresses are nobody's */
	struct ip_addr a;
	struct ip_info in;
	addr_parse(&a, "192.168.1.10");
	assert_int_equal(ipdb_lookup(db, &a, &in), -1);
	assert_string_equal(in.country, "");
	assert_int_equal(in.asn, 0);
	assert_null(in.translated);
	/* NAT64 and 6to4: the IPv4 address inside (8.8.8.8, 114.114.114.114) */
	char v4[ADDR_STRLEN];
	expect(db, "64:ff9b::808:808", "US", 15169, "Google");
	addr_parse(&a, "64:ff9b::808:808");
	ipdb_lookup(db, &a, &in);
	assert_string_equal(in.translated, "nat64");
	assert_string_equal(addr_fmt(&in.ipv4, v4), "8.8.8.8");
	expect(db, "2002:7272:7272::1", "CN", 0, NULL);
	addr_parse(&a, "2002:7272:7272::1");
	ipdb_lookup(db, &a, &in);
	assert_string_equal(in.translated, "6to4");
	/* a native address says nothing of translation; NAT64 of a private
	 * address is nobody's */
	addr_parse(&a, "2001:4860:4860::8888");
	ipdb_lookup(db, &a, &in);
	assert_null(in.translated);
	addr_parse(&a, "64:ff9b::c0a8:10a");
	assert_int_equal(ipdb_lookup(db, &a, &in), -1);
	ipdb_close(db);

	/* files named one by one (as --country-db / --asn-db do) */
	char c[1024], a2[1024];
	snprintf(c, sizeof c, "%s/country.mmdb", data_dir());
	snprintf(a2, sizeof a2, "%s/asn.bin", data_dir());
	struct ipdb_paths files = { "/nonexistent", c, a2 };
	db = ipdb_open(&files, err, sizeof err);
	assert_string_equal(err, "");
	expect(db, "8.8.8.8", "US", 15169, "Google");
	assert_non_null(strstr(ipdb_describe(db), c));
	ipdb_close(db);
	/* a named file that is not there is an error naming it */
	struct ipdb_paths bad = { NULL, "/nonexistent/GeoLite2-Country.mmdb", NULL };
	db = ipdb_open(&bad, err, sizeof err);
	assert_non_null(strstr(err, "/nonexistent/GeoLite2-Country.mmdb"));
	ipdb_close(db);
}

static void test_missing_and_broken(void **state)
{
	(void)state;
	char err[512], dir[] = "/tmp/alfoil-ipdbXXXXXX";
	assert_non_null(mkdtemp(dir));
	struct ipdb_paths p = { dir, NULL, NULL };
	struct ipdb *db = ipdb_open(&p, err, sizeof err);
	assert_non_null(db);
	assert_non_null(strstr(ipdb_missing(db), "no country or ASN data"));
	assert_non_null(strstr(ipdb_missing(db), "scripts/setup.sh"));
	struct ip_addr a;
	struct ip_info in;
	addr_parse(&a, "8.8.8.8");
	assert_int_equal(ipdb_lookup(db, &a, &in), -1);
	ipdb_close(db);

	/* an asn.bin cut short: named in the error, lookups still safe */
	char path[600];
	snprintf(path, sizeof path, "%s/asn.bin", dir);
	FILE *f = fopen(path, "wb");
	fwrite("ALFASN01\x05\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0", 1, 24, f);
	fclose(f);
	db = ipdb_open(&p, err, sizeof err);
	assert_non_null(strstr(err, "asn.bin: truncated or corrupt"));
	assert_int_equal(ipdb_lookup(db, &a, &in), -1);
	ipdb_close(db);
	/* not ours at all */
	f = fopen(path, "wb");
	fputs("start,end,asn,org\n", f);
	fclose(f);
	db = ipdb_open(&p, err, sizeof err);
	assert_non_null(strstr(err, "not an alfoil ASN file"));
	ipdb_close(db);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_addresses),
		cmocka_unit_test(test_missing_and_broken),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
