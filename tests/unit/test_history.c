/* test_history.c - the store's rows back into records (store/history.c):
 * destinations summed over hours and days, windows, labels, the DNS
 * tables, rows that are not what alfoil writes, the inventory, the times
 * a person writes, and the baseline made from such a report. The rows are
 * written with SQL, as the recorder writes them (docs/store.md). */
#include "testutil.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <unistd.h>

#include "analyze/findings.h"
#include "analyze/report.h"
#include "lib/fmt.h"
#include "lib/when.h"
#include "output/output.h"
#include "store/history.h"
#include "store/store.h"

#define CAM "78:11:dc:5b:a0:e4"
#define GW "50:c7:bf:8a:3e:10"
#define H (3600ull * 1000000)
#define T0 1793520000000000ull /* 2026-11-01T08:00:00Z */

static char path[64];
static struct store *st;
static char warned[4096];

static void warn(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(warned);
	va_start(ap, fmt);
	vsnprintf(warned + n, sizeof warned - n, fmt, ap);
	va_end(ap);
	n = strlen(warned);
	if (n + 1 < sizeof warned)
		strcat(warned, "\n");
}

static void sql(const char *q)
{
	char *e = NULL;
	int rc = sqlite3_exec(store_db(st), q, NULL, NULL, &e);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", q, e);
}

static void device(const char *id, const char *ipv4, const char *host, int gateway)
{
	char rec[1024], q[2048];
	snprintf(rec, sizeof rec,
		 "{\"id\":\"%s\",\"mac\":\"%s\",\"display_name\":\"%s (%s)\",\"ipv4\":[\"%s\"],"
		 "\"names\":[{\"name\":\"%s\",\"source\":\"dhcp-hostname\"}],"
		 "\"evidence\":[{\"kind\":\"dhcp-hostname\",\"value\":\"%s\"}],\"roles\":[%s],"
		 "\"first_seen\":\"2026-11-01T08:00:00.000000Z\",\"last_seen\":\"2026-11-01T11:30:00.000000Z\","
		 "\"packets_out\":999,\"bytes_out\":999,"
		 "\"dns\":{\"queries\":[{\"name\":\"old.example\",\"count\":1}],\"answers\":[]},"
		 "\"identity\":{\"kind\":\"camera\"},\"destinations\":[]}",
		 id, id, host, ipv4, ipv4, host, host, gateway ? "\"gateway\"" : "");
	snprintf(q, sizeof q,
		 "INSERT INTO devices (id, kind, first_us, last_us, record) VALUES ('%s', 'camera', %llu, %llu, '%s')", id,
		 T0, T0 + 3 * H + H / 2, rec);
	sql(q);
}

/* a destination row of the hour (or day) at t: sni names the record */
static void dest(const char *table, const char *dev, uint64_t t, const char *addr, int port, const char *sni,
		 unsigned up, uint64_t first, uint64_t last)
{
	char rec[1024], q[2048], a[32], b[32];
	snprintf(rec, sizeof rec,
		 "{\"address\":\"%s\",\"scope\":\"internet\",\"domain\":\"%s\",\"domain_source\":\"tls-sni\","
		 "\"names\":{\"tls_sni\":\"%s\"},\"country\":\"CN\",\"abroad\":true,\"asn\":null,\"org\":null,"
		 "\"translated\":null,\"company\":\"Xiaomi\",\"service\":null,\"infrastructure\":null,\"folded\":false,"
		 "\"proto\":\"tcp\",\"port\":%d,\"app\":\"tls\",\"encrypted\":\"yes\",\"direction\":\"outbound\","
		 "\"flows\":77,\"packets_up\":77,\"packets_down\":77,\"bytes_up\":77,\"bytes_down\":77,"
		 "\"first_seen\":\"%s\",\"last_seen\":\"%s\"}",
		 addr, sni, sni, port, fmt_time(a, first, 1), fmt_time(b, last, 1));
	snprintf(q, sizeof q,
		 "INSERT INTO %s (device, %s, addr, proto, port, inbound, record, pkts_up, pkts_down, bytes_up,"
		 " bytes_down, flows, first_us, last_us) VALUES ('%s', %llu, '%s', 6, %d, 0, '%s', 2, 3, %u, 10, 1,"
		 " %llu, %llu)",
		 table, strcmp(table, "dest_days") ? "hour_us" : "day_us", dev, (unsigned long long)t, addr, port, rec,
		 up, (unsigned long long)first, (unsigned long long)last);
	sql(q);
}

static void counters(const char *table, const char *dev, uint64_t t, unsigned bytes_out)
{
	char q[512];
	snprintf(q, sizeof q, "INSERT INTO %s VALUES ('%s', %llu, 1, 2, %u, 4)", table, dev, (unsigned long long)t,
		 bytes_out);
	sql(q);
}

static int setup(void **state)
{
	(void)state;
	char err[512];
	snprintf(path, sizeof path, "/tmp/test_history.%d.db", (int)getpid());
	unlink(path);
	st = store_open(path, 0, NULL, err, sizeof err);
	assert_non_null(st);
	warned[0] = '\0';
	device(CAM, "192.168.1.103", "chuangmi-camera-ipc019", 0);
	device(GW, "192.168.1.1", "router", 1);
	/* the camera: one destination over two hours and a day before them */
	uint64_t day = T0 - T0 % (24 * H);
	dest("dest_days", CAM, day - 24 * H, "203.0.113.9", 443, "day.example", 1000, day - 20 * H, day - 19 * H);
	dest("dest_hours", CAM, T0, "203.0.113.9", 443, "early.example", 100, T0 + 10, T0 + 600);
	dest("dest_hours", CAM, T0 + 2 * H, "203.0.113.9", 443, "late.example", 200, T0 + 2 * H + 5, T0 + 2 * H + 900);
	dest("dest_hours", CAM, T0 + 2 * H, "203.0.113.10", 8443, "other.example", 5, T0 + 2 * H + 7, T0 + 2 * H + 8);
	counters("device_hours", CAM, T0, 500);
	counters("device_hours", CAM, T0 + 2 * H, 700);
	counters("device_days", CAM, day - 24 * H, 10000);
	counters("device_hours", GW, T0, 50);
	sql("INSERT INTO queries VALUES ('" CAM "', 'late.example', 4, 1793527200000000, 1793527300000000)");
	sql("INSERT INTO names VALUES ('" CAM "', 'late.example', '203.0.113.9', NULL, 1793527200000000,"
	    " 1793527300000000)");
	sql("INSERT INTO meta VALUES ('home_country', 'DE')");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	char p[96];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	return 0;
}

static const struct rep_device *dev_of(const struct report *r, const char *id)
{
	for (size_t i = 0; i < r->n_devices; i++)
		if (!strcmp(r->devices[i].id, id))
			return &r->devices[i];
	return NULL;
}

static const struct rep_dest *dest_of(const struct rep_device *d, unsigned port)
{
	for (size_t i = 0; d && i < d->n_dests; i++)
		if (d->dests[i].port == port)
			return &d->dests[i];
	return NULL;
}

static void test_sums(void **state)
{
	(void)state;
	char err[512];
	struct report *r = store_report(st, NULL, warn, err, sizeof err);
	assert_non_null(r);
	assert_string_equal(warned, "");
	assert_int_equal(r->n_devices, 2);
	/* the report's order: the router first */
	assert_string_equal(r->devices[0].id, GW);
	const struct rep_device *d = dev_of(r, CAM);
	assert_non_null(d);
	/* the rows' counters, not the record's */
	assert_int_equal(d->bytes_out, 500 + 700 + 10000);
	assert_int_equal(d->pkts_out, 3);
	assert_int_equal(d->n_dests, 2);
	const struct rep_dest *x = dest_of(d, 443);
	assert_non_null(x);
	assert_int_equal(x->bytes_up, 1000 + 100 + 200);
	assert_int_equal(x->bytes_down, 30);
	assert_int_equal(x->pkts_up, 6);
	assert_int_equal(x->flows, 3);
	uint64_t day = T0 - T0 % (24 * H);
	assert_int_equal(x->first_us, day - 20 * H);
	assert_int_equal(x->last_us, T0 + 2 * H + 900);
	/* the names of the latest row */
	assert_string_equal(x->sni, "late.example");
	assert_string_equal(x->domain, "late.example");
	/* by bytes, largest first; abroad against the store's home country */
	assert_int_equal(d->dests[0].port, 443);
	assert_string_equal(r->home_country, "DE");
	assert_true(x->abroad);
	assert_int_equal(r->n_countries, 1);
	assert_string_equal(r->countries[0].cc, "CN");
	/* DNS from the tables, not the record's */
	assert_int_equal(d->n_queries, 1);
	assert_string_equal(d->queries[0].name, "late.example");
	assert_int_equal(d->queries[0].count, 4);
	assert_int_equal(d->n_resolved, 1);
	assert_int_equal(r->first_us, T0);
	report_free(r);
}

static void test_window(void **state)
{
	(void)state;
	char err[512];
	/* from half past the third hour: its whole hour, nothing before */
	struct store_window w = { T0 + 2 * H + H / 2, 0, NULL };
	struct report *r = store_report(st, &w, warn, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(r->n_devices, 1); /* the router had nothing then */
	const struct rep_device *d = dev_of(r, CAM);
	assert_non_null(d);
	assert_int_equal(d->bytes_out, 700);
	assert_int_equal(dest_of(d, 443)->bytes_up, 200);
	assert_int_equal(dest_of(d, 443)->first_us, T0 + 2 * H + 5);
	/* the device's life cut to the window */
	assert_int_equal(d->first_us, w.since_us);
	assert_int_equal(d->last_us, T0 + 3 * H + H / 2);
	report_free(r);
	/* the first two hours: the day before is not in it */
	w = (struct store_window){ T0, T0 + 2 * H, NULL };
	r = store_report(st, &w, warn, err, sizeof err);
	assert_non_null(r);
	d = dev_of(r, CAM);
	assert_non_null(d);
	assert_int_equal(d->n_dests, 1);
	assert_int_equal(dest_of(d, 443)->bytes_up, 100);
	assert_string_equal(dest_of(d, 443)->sni, "early.example");
	assert_int_equal(d->bytes_out, 500);
	/* outside the DNS rows' times: no queries (not the record's) */
	assert_int_equal(d->n_queries, 0);
	report_free(r);
	/* one device */
	w = (struct store_window){ 0, 0, GW };
	r = store_report(st, &w, warn, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(r->n_devices, 1);
	assert_string_equal(r->devices[0].id, GW);
	assert_int_equal(r->devices[0].bytes_out, 50);
	report_free(r);
	/* a window with nothing */
	w = (struct store_window){ T0 + 100 * H, 0, NULL };
	r = store_report(st, &w, warn, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(r->n_devices, 0);
	report_free(r);
}

static void test_label(void **state)
{
	(void)state;
	char err[512];
	assert_int_equal(store_set_label(st, CAM, "Kitchen camera", "by the door", err, sizeof err), 0);
	struct report *r = store_report(st, NULL, warn, err, sizeof err);
	assert_non_null(r);
	const struct rep_device *d = dev_of(r, CAM);
	assert_string_equal(d->label, "Kitchen camera");
	assert_string_equal(d->display, "Kitchen camera (192.168.1.103)");
	assert_string_equal(report_display(r, CAM), "Kitchen camera (192.168.1.103)");
	/* in the JSON, and read back the same */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(output_json(f, r, NULL), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"label\": \"Kitchen camera\""));
	assert_non_null(strstr(buf, "\"display_name\": \"Kitchen camera (192.168.1.103)\""));
	struct report *back = report_load_buf(buf, len, "back", warn, err, sizeof err);
	assert_non_null(back);
	assert_string_equal(dev_of(back, CAM)->label, "Kitchen camera");
	assert_null(dev_of(back, GW)->label);
	report_free(back);
	free(buf);
	report_free(r);
	/* a label no one could read safely, put in by hand: the loader leaves it out */
	sql("UPDATE devices SET label = 'evil' || char(8238) || 'gnp.exe' WHERE id = '" GW "'");
	r = store_report(st, NULL, warn, err, sizeof err);
	assert_non_null(r);
	assert_null(dev_of(r, GW)->label);
	assert_non_null(strstr(warned, "label"));
	report_free(r);
	/* longer than a label may be (alfoil device refuses it): left out */
	warned[0] = '\0';
	sql("UPDATE devices SET label = printf('%.70c', 'x') WHERE id = '" GW "'");
	r = store_report(st, NULL, warn, err, sizeof err);
	assert_non_null(r);
	assert_null(dev_of(r, GW)->label);
	assert_non_null(strstr(warned, "longer than 64 bytes"));
	report_free(r);
	/* "" clears it */
	assert_int_equal(store_set_label(st, CAM, "", NULL, err, sizeof err), 0);
	r = store_report(st, NULL, warn, err, sizeof err);
	assert_null(dev_of(r, CAM)->label);
	assert_string_equal(dev_of(r, CAM)->display, "chuangmi-camera-ipc019 (192.168.1.103)");
	report_free(r);
}

static void test_bad_rows(void **state)
{
	(void)state;
	char err[512];
	sql("INSERT INTO devices (id, first_us, last_us, record) VALUES ('aa:aa:aa:aa:aa:01', 1, 2, 'not json')");
	sql("INSERT INTO dest_hours (device, hour_us, addr, proto, port, inbound, record, pkts_up, pkts_down,"
	    " bytes_up, bytes_down, flows, first_us, last_us) VALUES ('" CAM "', 1793520000000000, '203.0.113.99', 6,"
	    " 80, 0, '{\"address\":\"not an address\",\"scope\":\"internet\",\"proto\":\"tcp\"}', 1, 1, 1, 1, 1, 5, 6)");
	sql("INSERT INTO dest_hours (device, hour_us, addr, proto, port, inbound, record, pkts_up, pkts_down,"
	    " bytes_up, bytes_down, flows, first_us, last_us) VALUES ('ff:ee:dd:cc:bb:aa', 1793520000000000,"
	    " '203.0.113.1', 6, 80, 0, '{}', 1, 1, 1, 1, 1, 5, 6)");
	/* the latest row of a destination whose record is not JSON: its other
	 * rows go with it (not summed under an older record) */
	sql("INSERT INTO dest_hours (device, hour_us, addr, proto, port, inbound, record, pkts_up, pkts_down,"
	    " bytes_up, bytes_down, flows, first_us, last_us) VALUES ('" CAM "', 1793541600000000, '203.0.113.10', 6,"
	    " 8443, 0, '{\"address\":', 1, 1, 1, 1, 1, 1793541600000000, 1793541600000001)");
	struct report *r = store_report(st, NULL, warn, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(r->n_devices, 2);
	assert_int_equal(dev_of(r, CAM)->n_dests, 1); /* the bad ones left out */
	assert_null(dest_of(dev_of(r, CAM), 8443));
	assert_non_null(strstr(warned, "a destination of " CAM " (203.0.113.10): its record is not a JSON object"));
	assert_non_null(strstr(warned, "devices row aa:aa:aa:aa:aa:01: its record is not a JSON object"));
	assert_non_null(strstr(warned, "\"not an address\" is not an IPv4 or IPv6 address"));
	assert_non_null(strstr(warned, "1 rows of devices the devices table lacks"));
	report_free(r);
}

static void test_inventory(void **state)
{
	(void)state;
	char err[512];
	assert_int_equal(store_set_label(st, CAM, "Kitchen\x1b[2Jcamera", NULL, err, sizeof err), 0);
	struct store_devices l;
	assert_int_equal(store_devices(st, &l, err, sizeof err), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].id, GW);
	assert_true(l.v[0].gateway);
	assert_string_equal(l.v[1].id, CAM);
	assert_string_equal(l.v[1].ipv4, "192.168.1.103");
	assert_string_equal(l.v[1].kind, "camera");
	assert_string_equal(l.v[1].label, "Kitchen?[2Jcamera"); /* made safe to show */
	assert_null(l.v[1].notes);
	assert_int_equal(l.v[1].first_us, T0);
	store_devices_free(&l);
}

static void test_parse_time(void **state)
{
	(void)state;
	uint64_t t, now = T0;
	assert_int_equal(when_parse("24h", now, &t), 0);
	assert_int_equal(t, T0 - 24 * H);
	assert_int_equal(when_parse("7d", now, &t), 0);
	assert_int_equal(t, T0 - 7 * 24 * H);
	assert_int_equal(when_parse("2w", now, &t), 0);
	assert_int_equal(t, T0 - 14 * 24 * H);
	assert_int_equal(when_parse("30s", now, &t), 0);
	assert_int_equal(t, T0 - 30000000);
	assert_int_equal(when_parse("2026-11-01", now, &t), 0);
	assert_int_equal(t, T0 - 8 * H);
	assert_int_equal(when_parse("2026-11-01T08:00:00Z", now, &t), 0);
	assert_int_equal(t, T0);
	assert_int_equal(when_parse("2026-11-01 09:00+01:00", now, &t), 0);
	assert_int_equal(t, T0);
	assert_int_equal(when_parse("2026-11-01T07:00:00.25-01:00", now, &t), 0);
	assert_int_equal(t, T0 + 250000);
	assert_int_equal(when_parse("2024-02-29", now, &t), 0);
	assert_int_equal(t, 1709164800000000ull);
	static const char *const bad[] = { "", "h", "24", "24x", "-1d", "2026-11-31", "2025-02-29", "2026-13-01",
					   "2026-11-01T25:00Z", "2026-11-01T08:00", "2026-11-01T08:00:00",
					   "2026-11-01T08:00:00.Z", "2026-11-01T08:00:00+1", "1969-12-31", "yesterday",
					   "99999999999d" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (when_parse(bad[i], now, &t) == 0)
			fail_msg("'%s' taken as a time", bad[i]);
}

/* A row whose record has no name (its traffic was over before the name
 * was learned) takes the name another row of the address has, and whose
 * cloud with it, as report_build shares them. */
static void test_shared_names(void **state)
{
	(void)state;
	char err[512];
	sql("INSERT INTO dest_hours (device, hour_us, addr, proto, port, inbound, record, pkts_up, pkts_down,"
	    " bytes_up, bytes_down, flows, first_us, last_us) VALUES ('" CAM "', 1793520000000000, '203.0.113.9', 17,"
	    " 32100, 0, '{\"address\":\"203.0.113.9\",\"scope\":\"internet\",\"domain\":null,"
	    "\"domain_source\":\"\",\"names\":{},\"company\":null,\"proto\":\"udp\",\"port\":32100,"
	    "\"direction\":\"outbound\"}', 1, 1, 1, 1, 1, 1793520000000005, 1793520000000006)");
	struct report *r = store_report(st, NULL, warn, err, sizeof err);
	assert_non_null(r);
	const struct rep_dest *x = dest_of(dev_of(r, CAM), 32100);
	assert_non_null(x);
	assert_string_equal(x->domain, "late.example");
	assert_int_equal(x->domain_source, REP_DOMAIN_TLS_SNI);
	assert_string_equal(x->company, "Xiaomi");
	assert_null(x->sni); /* its own names stay its own */
	report_free(r);
}

/* Hours rolled up into days by the store's prune step: the same report. */
static void test_rollup(void **state)
{
	(void)state;
	char err[512];
	struct report *a = store_report(st, NULL, warn, err, sizeof err);
	assert_non_null(a);
	for (int i = 0; i < 4; i++)
		assert_int_equal(store_prune(st, T0 + 30 * 24 * H, err, sizeof err), 0);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(store_db(st), "SELECT (SELECT count(*) FROM dest_hours) +"
				     " (SELECT count(*) FROM device_hours)", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 0);
	sqlite3_finalize(q);
	struct report *b = store_report(st, NULL, warn, err, sizeof err);
	assert_non_null(b);
	assert_int_equal(a->n_devices, b->n_devices);
	for (size_t k = 0; k < a->n_devices; k++) {
		const struct rep_device *x = &a->devices[k], *y = &b->devices[k];
		assert_string_equal(x->id, y->id);
		assert_int_equal(x->bytes_out, y->bytes_out);
		assert_int_equal(x->pkts_in, y->pkts_in);
		assert_int_equal(x->n_dests, y->n_dests);
		for (size_t j = 0; j < x->n_dests; j++) {
			assert_int_equal(x->dests[j].bytes_up, y->dests[j].bytes_up);
			assert_int_equal(x->dests[j].flows, y->dests[j].flows);
			assert_int_equal(x->dests[j].first_us, y->dests[j].first_us);
			assert_int_equal(x->dests[j].last_us, y->dests[j].last_us);
			assert_string_equal(x->dests[j].sni, y->dests[j].sni);
		}
	}
	/* a day's window takes the whole day */
	struct store_window w = { T0 + 5 * H, T0 + 6 * H, NULL };
	report_free(b);
	b = store_report(st, &w, warn, err, sizeof err);
	assert_non_null(b);
	assert_int_equal(dest_of(dev_of(b, CAM), 443)->bytes_up, 300);
	report_free(a);
	report_free(b);
}

static void test_baseline(void **state)
{
	(void)state;
	char err[512];
	struct report *r = store_report(st, NULL, warn, err, sizeof err);
	assert_non_null(r);
	struct baseline *b = baseline_from_report(r);
	assert_non_null(b);
	assert_true(baseline_has(b, CAM, "late.example"));
	assert_true(baseline_has(b, CAM, "other.example"));
	assert_false(baseline_has(b, CAM, "203.0.113.9"));
	assert_false(baseline_has(b, GW, "late.example"));
	/* bytes out over the report's whole seconds */
	double span = (double)(r->last_us / 1000000 - r->first_us / 1000000);
	assert_true(baseline_upload_rate(b, CAM) > 11199.0 / span && baseline_upload_rate(b, CAM) < 11201.0 / span);
	assert_true(baseline_upload_rate(b, "00:11:22:33:44:55") < 0);
	baseline_free(b);
	report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sums, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_label, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inventory, setup, teardown),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test_setup_teardown(test_shared_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_baseline, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
