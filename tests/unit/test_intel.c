/* test_intel.c - MAC -> maker against the real IEEE registry (ieee-data). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "intel/classify.h"
#include "intel/clouds.h"
#include "intel/datasets.h"
#include "intel/infra.h"
#include "intel/oui.h"
#include "lib/addr.h"

static struct oui_db *db;

static int setup(void **state)
{
	(void)state;
	char err[512];
	db = oui_load(NULL, err, sizeof err);
	if (!db)
		fprintf(stderr, "# %s\n", err);
	return db ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	oui_free(db);
	return 0;
}

static void expect(const char *mac_s, const char *org, const char *cc, int bits)
{
	uint8_t mac[6];
	struct oui_info oi;
	assert_int_equal(mac_parse(mac, mac_s), 0);
	assert_int_equal(oui_lookup(db, mac, &oi), 0);
	assert_string_equal(oi.org, org);
	assert_string_equal(oi.country, cc);
	assert_int_equal(oi.bits, bits);
}

static void test_ma_l(void **state)
{
	(void)state;
	assert_true(oui_count(db) > 30000);
	expect("78:11:dc:12:34:56", "XIAOMI Electronics,CO.,LTD", "CN", 24);
	expect("b0:c5:54:25:5b:0e", "D-Link International", "SG", 24);
	expect("50:c7:bf:00:00:01", "TP-LINK TECHNOLOGIES CO.,LTD.", "CN", 24);
	/* a postcode that ends in letters ("5656 AE"): the country is NL */
	expect("00:17:88:24:76:ff", "Philips Lighting BV", "NL", 24);
}

static void test_longest_prefix(void **state)
{
	(void)state;
	/* 70:B3:D5 is the IEEE RA's own MA-L; the 36-bit MA-S block inside it
	 * names the real holder. */
	expect("70:b3:d5:9f:c1:23", "Truecom Telesoft Private Limited", "IN", 36);
	/* 20:85:93:B is an MA-M block */
	expect("20:85:93:b1:23:45", "IOG Products LLC", "US", 28);
}

static void test_not_assigned(void **state)
{
	(void)state;
	uint8_t mac[6];
	struct oui_info oi;
	mac_parse(mac, "5e:11:dc:12:34:56"); /* locally administered */
	assert_int_equal(oui_lookup(db, mac, &oi), -1);
	mac_parse(mac, "01:00:5e:00:00:fb"); /* multicast */
	assert_int_equal(oui_lookup(db, mac, &oi), -1);
}

static void test_missing_dir(void **state)
{
	(void)state;
	char err[512];
	assert_null(oui_load("/nonexistent-alfoil-dir", err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent-alfoil-dir"));
}

/* The current registry from npm (scripts/setup.sh: install_oui) knows the
 * 2024 assignment of Xiaobai/Imilab cameras that Debian's 2022 copy lacks. */
static void test_npm_registry(void **state)
{
	(void)state;
	char err[512];
	uint8_t mac[6];
	struct oui_info oi;
	if (access("data/ieee/oui.csv", R_OK) != 0) {
		fprintf(stderr, "# skipped: no data/ieee/oui.csv (scripts/setup.sh fetches it)\n");
		skip();
	}
	mac_parse(mac, "78:df:72:01:02:03");
	struct oui_db *npm = oui_load("data/ieee", err, sizeof err);
	assert_non_null(npm);
	assert_int_equal(oui_lookup(npm, mac, &oi), 0);
	assert_string_equal(oi.org, "Shanghai Imilab Technology Co.Ltd");
	assert_string_equal(oi.country, "CN");
	assert_non_null(strstr(oui_version(npm, 0), "oui-data "));
	/* the Debian copy alone does not know it */
	assert_int_equal(oui_lookup(db, mac, &oi), -1);
	oui_free(npm);
}

static void test_data_set_date(void **state)
{
	(void)state;
	char d[11];
	assert_int_equal(data_set_date("@ip-location-db/asn 2.3.2026061719", d), 0);
	assert_string_equal(d, "2026-06-17");
	assert_int_equal(data_set_date("oui-data 2.1.9 2026-08-26", d), 0);
	assert_string_equal(d, "2026-08-26");
	assert_int_equal(data_set_date("oui-data 2.1.9", d), -1);
	assert_string_equal(d, "");
}

/* share/infrastructure.tsv: NTP by its service alone, time servers and
 * connectivity checks by domain suffix, nothing else. */
static void test_infra(void **state)
{
	(void)state;
	char err[512];
	struct infra *in = infra_load("share/infrastructure.tsv", err, sizeof err);
	assert_non_null(in);
	assert_true(infra_count(in) > 10);
	assert_string_equal(infra_match(in, "udp", 123, NULL), "NTP");
	assert_string_equal(infra_match(in, "udp", 123, "anything.example.com"), "NTP");
	assert_string_equal(infra_match(in, "tcp", 443, "0.CN.pool.ntp.org."), "NTP");
	assert_string_equal(infra_match(in, "tcp", 80, "connectivitycheck.gstatic.com"), "connectivity check");
	assert_string_equal(infra_match(in, "tcp", 80, "www.msftconnecttest.com"), "connectivity check");
	assert_null(infra_match(in, "tcp", 443, "cn-v1.camera.io.mi.com"));
	assert_null(infra_match(in, "tcp", 443, "notntp.org"));   /* a suffix on a label boundary only */
	assert_null(infra_match(in, "tcp", 123, NULL));
	infra_free(in);
	char path[] = "/tmp/alfoil-infra-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("# c\nudp/123\tntp\n", f);
	fclose(f);
	assert_null(infra_load(path, err, sizeof err));
	assert_non_null(strstr(err, ":2: want 3 tab-separated fields"));
	f = fopen(path, "w");
	fputs("udp/x\tntp\tNTP\n", f);
	fclose(f);
	assert_null(infra_load(path, err, sizeof err));
	assert_non_null(strstr(err, ":1: 'udp/x' is neither"));
	unlink(path);
}

static void expect_cloud(const struct clouds *c, const char *name, const char *company, const char *service)
{
	const struct cloud *r = clouds_match(c, name);
	if (!company) {
		assert_null(r);
		return;
	}
	assert_non_null(r);
	assert_string_equal(r->company, company);
	if (service)
		assert_string_equal(r->service, service);
}

static void test_clouds(void **state)
{
	(void)state;
	char err[512];
	struct clouds *c = clouds_load("share/clouds.tsv", err, sizeof err);
	assert_non_null(c);
	assert_true(clouds_count(c) > 150);
	/* the longest suffix wins, case and a trailing dot do not matter */
	expect_cloud(c, "cn-v1.camera.io.mi.com", "Xiaomi", "Mi Home camera cloud");
	expect_cloud(c, "de.ot.io.mi.com", "Xiaomi", "Mi Home IoT cloud");
	expect_cloud(c, "api.io.mi.com", "Xiaomi", "Mi Home IoT cloud");
	expect_cloud(c, "account.xiaomi.com", "Xiaomi", "Xiaomi services");
	expect_cloud(c, "A1.TuyaEU.com.", "Tuya", "Tuya IoT cloud (EU)");
	expect_cloud(c, "mqtt-eu.elb.eu-central-1.amazonaws.com", "Amazon", "Amazon Web Services");
	expect_cloud(c, "2.pool.ntp.org", "NTP Pool Project", NULL);
	expect_cloud(c, "io.mi.com", "Xiaomi", "Mi Home IoT cloud"); /* the suffix itself */
	/* a suffix matches at a label boundary only */
	expect_cloud(c, "notmi.com", NULL, NULL);
	expect_cloud(c, "example.org", NULL, NULL);
	expect_cloud(c, "", NULL, NULL);
	clouds_free(c);
}

static void test_clouds_bad_files(void **state)
{
	(void)state;
	char err[512], path[] = "/tmp/alfoil-cloudsXXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("# comment\nexample.com\tExample\tweb\nbroken line without tabs\n", f);
	fclose(f);
	assert_null(clouds_load(path, err, sizeof err));
	assert_non_null(strstr(err, ":3: want 3 tab-separated fields"));
	f = fopen(path, "w");
	fputs("a.com\tA\tx\na.com\tB\ty\n", f);
	fclose(f);
	assert_null(clouds_load(path, err, sizeof err));
	assert_non_null(strstr(err, "'a.com' is listed twice"));
	unlink(path);
	assert_null(clouds_load("/nonexistent/clouds.tsv", err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/clouds.tsv: No such file"));
}

static void test_miio_model(void **state)
{
	(void)state;
	char m[64];
	assert_int_equal(miio_model_from_name("zhimi-airpurifier-m2_miio72610872", m, sizeof m), 1);
	assert_string_equal(m, "zhimi.airpurifier.m2");
	assert_int_equal(miio_model_from_name("lumi-gateway-v3_miio12345678.local", m, sizeof m), 1);
	assert_string_equal(m, "lumi.gateway.v3");
	assert_int_equal(miio_model_from_name("Yeelink-Light-Color1_miio1", m, sizeof m), 1);
	assert_string_equal(m, "yeelink.light.color1");
	assert_int_equal(miio_model_from_name("zhimi-airpurifier_miio7", m, sizeof m), 0); /* two parts */
	assert_int_equal(miio_model_from_name("a-b-c_miiox", m, sizeof m), 0);            /* no digits */
	assert_int_equal(miio_model_from_name("a b-c-d_miio1", m, sizeof m), 0);          /* a space */
	assert_int_equal(miio_model_from_name("_miio1", m, sizeof m), 0);
	assert_int_equal(miio_model_from_name("ESP_3A1F2B", m, sizeof m), 0);
}

static void test_classify(void **state)
{
	(void)state;
	char err[512];
	struct classifier *c = classifier_load("share/signatures.tsv", err, sizeof err);
	assert_non_null(c);
	assert_true(classifier_rules(c) > 200);
	struct class_result r;
	/* a Tuya plug on an Espressif module: brand Tuya, inside Espressif */
	struct class_item plug[] = { { "maker", "Espressif Inc." }, { "dhcp-hostname", "ESP_3A1F2B" },
				     { "tuya", "yes" }, { "cloud", "Tuya" } };
	classify(c, plug, 4, &r);
	assert_string_equal(r.kind, "unknown");
	assert_true(r.confidence == 0);
	assert_string_equal(r.brand, "Tuya (Smart Life)");
	assert_string_equal(r.chip, "Espressif");
	assert_int_equal(r.n_hits, 4);
	assert_true(r.hits[0].weight >= r.hits[3].weight); /* heaviest first */
	/* a model name outweighs a maker, and the evidence is kept */
	struct class_item cam[] = { { "maker", "XIAOMI Electronics,CO.,LTD" },
				    { "miio-model", "chuangmi.camera.ipc019" } };
	classify(c, cam, 2, &r);
	assert_string_equal(r.kind, "camera");
	assert_string_equal(r.what, "IP camera");
	assert_non_null(strstr(r.brand, "Chuangmi"));
	assert_null(r.chip);
	assert_true(r.confidence >= 0.8);
	/* conflicting evidence lowers the confidence */
	struct class_item mixed[] = { { "serves", "tcp/55443" }, { "serves", "tcp/554" } };
	classify(c, mixed, 2, &r);
	assert_string_equal(r.kind, "bulb");
	assert_true(r.confidence > 0.3 && r.confidence < 0.7);
	/* nothing known */
	struct class_item none[] = { { "dhcp-hostname", "zzz-unknown-thing" } };
	classify(c, none, 1, &r);
	assert_string_equal(r.kind, "unknown");
	assert_null(r.brand);
	assert_int_equal(r.n_hits, 0);
	classifier_free(c);
}

static void test_signature_file_errors(void **state)
{
	(void)state;
	char err[512], path[] = "/tmp/alfoil-sigXXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs("# ok\nmaker\tX*\tbulb\t-\tX\t-\t10\nmaker\tY*\ttoaster\t-\tY\t-\t10\n", f);
	fclose(f);
	assert_null(classifier_load(path, err, sizeof err));
	assert_non_null(strstr(err, ":3: unknown kind 'toaster'"));
	f = fopen(path, "w");
	fputs("maker\tX*\tbulb\t-\tX\t-\t101\n", f);
	fclose(f);
	assert_null(classifier_load(path, err, sizeof err));
	assert_non_null(strstr(err, ":1: weight '101' is not 1..100"));
	f = fopen(path, "w");
	fputs("maker\tX*\tbulb\n", f);
	fclose(f);
	assert_null(classifier_load(path, err, sizeof err));
	assert_non_null(strstr(err, ":1: want 7 tab-separated fields"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ma_l),
		cmocka_unit_test(test_longest_prefix),
		cmocka_unit_test(test_not_assigned),
		cmocka_unit_test(test_missing_dir),
		cmocka_unit_test(test_npm_registry),
		cmocka_unit_test(test_data_set_date),
		cmocka_unit_test(test_infra),
		cmocka_unit_test(test_clouds),
		cmocka_unit_test(test_clouds_bad_files),
		cmocka_unit_test(test_miio_model),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_signature_file_errors),
	};
	return cmocka_run_group_tests_name("intel", tests, setup, teardown);
}
