/* test_store.c - the SQLite store and the recorder: opening, migrations,
 * deltas over commits, hours and days, retention, a failed commit and its
 * retry, labels, new-device events, and the example capture recorded
 * snapshot by snapshot. */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"

#include "analyze/findings.h"
#include "analyze/report.h"
#include "engine/engine.h"
#include "store/history.h"
#include "store/record.h"
#include "store/schema.h"
#include "store/events.h"
#include "store/store.h"
#include "track/snapshot.h"

#define HOUR 3600000000ull
#define DAY (24 * HOUR)
/* 2023-11-14 22:00:00 UTC: the start of an hour */
#define T0 1700000000000000ull
#define H0 (T0 - T0 % HOUR)

/* ---- helpers -------------------------------------------------------------- */

struct tmpdb {
	char dir[64], path[512];
};

static void tmpdb_make(struct tmpdb *t)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/alfoil-store-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/h.db", t->dir);
}

static void tmpdb_drop(struct tmpdb *t)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
}

static struct store *open_ok(const char *path, const struct store_config *c)
{
	char err[512] = "";
	struct store *s = store_open(path, 0, c, err, sizeof err);
	if (!s)
		fail_msg("store_open: %s", err);
	return s;
}

/* The first column of the first row of a query of ours (no outside
 * values), or -1 when it gives none. */
static long long q1(struct store *s, const char *sql)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &q, NULL))
		fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(s)));
	long long v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
	sqlite3_finalize(q);
	return v;
}

static void integrity_ok(struct store *s)
{
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "ok");
	sqlite3_finalize(q);
}

static void commit_ok(struct recorder *r, const struct report *rep, const struct findings *f, uint64_t now)
{
	char err[512] = "";
	if (recorder_commit(r, rep, f, now, err, sizeof err))
		fail_msg("recorder_commit: %s", err);
}

/* A made-up report: devices of destinations, counters set by the test. */
#define FK_DEVS 2
#define FK_DESTS 300
struct fake {
	struct report rep;
	struct rep_device dev[FK_DEVS];
	struct rep_dest dest[FK_DEVS][FK_DESTS];
	struct rep_query q[FK_DEVS][2];
	struct rep_resolved res[FK_DEVS][2];
};

static void fake_init(struct fake *f, size_t n_dev, size_t n_dest)
{
	memset(f, 0, sizeof *f);
	f->rep.schema = REPORT_SCHEMA;
	f->rep.version = "test";
	f->rep.devices = f->dev;
	f->rep.n_devices = n_dev;
	memcpy(f->rep.home_country, "DE", 3);
	for (size_t i = 0; i < n_dev; i++) {
		struct rep_device *d = &f->dev[i];
		snprintf(d->id, sizeof d->id, "02:00:00:00:00:%02zx", i + 1);
		snprintf(d->display, sizeof d->display, "plug-%zu", i + 1);
		d->kind = "plug";
		d->maker = "Example Maker";
		d->first_us = T0;
		d->last_us = T0;
		d->dests = f->dest[i];
		d->n_dests = n_dest;
		d->queries = f->q[i];
		d->n_queries = 2;
		d->queries[0] = (struct rep_query){ "a.example.com", 1 };
		d->queries[1] = (struct rep_query){ "b.example.com", 1 };
		d->resolved = f->res[i];
		d->n_resolved = 1;
		d->resolved[0].name = "a.example.com";
		assert_int_equal(addr_parse(&d->resolved[0].addr, "203.0.113.1"), 0);
		for (size_t k = 0; k < n_dest; k++) {
			struct rep_dest *x = &d->dests[k];
			char a[32];
			snprintf(a, sizeof a, "203.0.113.%zu", k % 250 + 1);
			assert_int_equal(addr_parse(&x->addr, a), 0);
			x->proto = 6;
			x->port = (uint16_t)(443 + k / 250);
			x->scope = REP_SCOPE_INTERNET;
			x->internet = 1;
			x->domain = "a.example.com";
			x->domain_source = REP_DOMAIN_DNS;
			x->dns_name = "a.example.com";
			memcpy(x->country, "US", 3);
			x->asn = 64496;
			x->enc = ENC_YES;
			x->first_us = T0;
			x->last_us = T0;
		}
	}
}

/* Every counter of the report set from one number, at time t. */
static void fake_set(struct fake *f, uint64_t n, uint64_t t)
{
	for (size_t i = 0; i < f->rep.n_devices; i++) {
		struct rep_device *d = &f->dev[i];
		d->last_us = t;
		d->pkts_out = n;
		d->pkts_in = 2 * n;
		d->bytes_out = 100 * n;
		d->bytes_in = 200 * n;
		d->queries[0].count = (uint32_t)n;
		for (size_t k = 0; k < d->n_dests; k++) {
			struct rep_dest *x = &d->dests[k];
			x->last_us = t;
			x->pkts_up = n;
			x->pkts_down = 3 * n;
			x->bytes_up = 1000 * n;
			x->bytes_down = 3000 * n;
			x->flows = (uint32_t)(n ? n / 2 + 1 : 0);
		}
	}
}

/* ---- opening ---------------------------------------------------------------- */

static void test_open_migrate_reopen(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store *s = open_ok(t.path, NULL);
	assert_int_equal(q1(s, "PRAGMA user_version"), STORE_VERSION);
	assert_int_equal(q1(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta',"
			       " 'devices', 'device_hours', 'device_days', 'dests', 'dest_hour_counts', 'dest_day_counts',"
			       " 'names', 'queries', 'findings', 'events', 'capture_stats', 'inputs')"),
			 13);
	assert_int_equal(q1(s, "SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name IN ('dest_hours',"
			       " 'dest_days')"),
			 2);
	assert_int_equal(q1(s, "SELECT length(value) FROM meta WHERE key = 'dest_hash_key'"), 32);
	assert_true(q1(s, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'created_us'") > (long long)T0);
	assert_int_equal(q1(s, "PRAGMA synchronous"), 1); /* NORMAL */
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	integrity_ok(s);
	store_close(s);
	/* again: nothing to migrate, the tables and meta as they were */
	s = open_ok(t.path, NULL);
	assert_int_equal(q1(s, "SELECT count(*) FROM meta WHERE key = 'created_us'"), 1);
	store_close(s);
	char err[512];
	s = store_open(t.path, STORE_READONLY, NULL, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(q1(s, "PRAGMA user_version"), STORE_VERSION);
	store_close(s);
	/* read-only, a file that is not there: not made, the path named */
	char none[128];
	snprintf(none, sizeof none, "%s/none.db", t.dir);
	assert_null(store_open(none, STORE_READONLY, NULL, err, sizeof err));
	assert_non_null(strstr(err, none));
	assert_int_not_equal(access(none, F_OK), 0);
	/* a file that is not a database */
	FILE *f = fopen(none, "w");
	assert_non_null(f);
	fputs("this is not a database, just words of text long enough to be read as a header\n", f);
	fclose(f);
	assert_null(store_open(none, 0, NULL, err, sizeof err));
	assert_non_null(strstr(err, none));
	tmpdb_drop(&t);
}

/* The rows of a table or view of destinations, every column, in order. */
static char *dest_rows(sqlite3 *db, const char *from, const char *t)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
		 "SELECT group_concat(x, '|') FROM (SELECT quote(device) || quote(%s) || quote(addr) || quote(proto)"
		 " || quote(port) || quote(inbound) || quote(domain) || quote(domain_source) || quote(company)"
		 " || quote(service) || quote(country) || quote(asn) || quote(org) || quote(app) || quote(enc)"
		 " || quote(scope) || quote(record) || quote(pkts_up) || quote(pkts_down) || quote(bytes_up)"
		 " || quote(bytes_down) || quote(flows) || quote(first_us) || quote(last_us) AS x FROM %s ORDER BY 1)",
		 t, from);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	char *v = strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	assert_non_null(v);
	return v;
}

/* A database of version 2 (made with its own migrations) migrated: the
 * views give the rows its tables had, each a version of its own; then
 * retention takes a version with its last day. */
static void test_migrate_v2(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, STORE_SCHEMA_V1 STORE_SCHEMA_V2 "PRAGMA user_version = 2;", NULL, NULL, NULL),
			 SQLITE_OK);
	static const char rows[] =
		"INSERT INTO dest_hours VALUES ('02:00:00:00:00:01', 1700000000000000, '203.0.113.9', 6, 443, 0,"
		" 'a.example', 'dns', 'Example', NULL, 'US', 64496, 'Org', 'tls', 'yes', 'internet',"
		" '{\"address\":\"203.0.113.9\",\"bytes_up\":5}', 1, 2, 5, 6, 1, 1700000000000001, 1700000000000002);"
		"INSERT INTO dest_hours VALUES ('02:00:00:00:00:01', 1700003600000000, '203.0.113.9', 6, 443, 0,"
		" 'a.example', 'dns', 'Example', NULL, 'US', 64496, 'Org', 'tls', 'yes', 'internet',"
		" '{\"address\":\"203.0.113.9\",\"bytes_up\":7}', 1, 2, 2, 6, 1, 1700003600000001, 1700003600000002);"
		"INSERT INTO dest_days VALUES ('02:00:00:00:00:02', 1699920000000000, '198.51.100.7', 17, 53, 1,"
		" NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'dns', 'no', 'internet', '{}', 3, 4, 300, 400, 2,"
		" 1699920000000005, 1699920000000009);";
	assert_int_equal(sqlite3_exec(db, rows, NULL, NULL, NULL), SQLITE_OK);
	char *hours = dest_rows(db, "dest_hours", "hour_us"), *days = dest_rows(db, "dest_days", "day_us");
	sqlite3_close(db);
	struct store *s = open_ok(t.path, NULL);
	assert_int_equal(q1(s, "PRAGMA user_version"), STORE_VERSION);
	char *h2 = dest_rows(store_db(s), "dest_hours", "hour_us"), *d2 = dest_rows(store_db(s), "dest_days", "day_us");
	assert_string_equal(h2, hours);
	assert_string_equal(d2, days);
	assert_int_equal(q1(s, "SELECT count(*) FROM dests WHERE hash IS NULL"), 3);
	assert_int_equal(q1(s, "SELECT count(*) FROM dest_hour_counts"), 2);
	assert_int_equal(q1(s, "SELECT count(*) FROM dest_day_counts"), 1);
	/* the views take an INSERT (a version of its own) */
	assert_int_equal(sqlite3_exec(store_db(s),
				      "INSERT INTO dest_days (device, day_us, addr, proto, port, inbound, record, pkts_up,"
				      " pkts_down, bytes_up, bytes_down, flows, first_us, last_us) VALUES"
				      " ('02:00:00:00:00:03', 1699920000000000, '192.0.2.1', 6, 80, 0, '{}', 1, 1, 1, 1, 1,"
				      " 1699920000000001, 1699920000000002)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(q1(s, "SELECT count(*) FROM dests"), 4);
	assert_int_equal(q1(s, "SELECT bytes_up FROM dest_days WHERE device = '02:00:00:00:00:03'"), 1);
	/* version 4: what the history held is known (acked), by subject: the
	 * registrable domain, else the address */
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE state = 'acked' AND key ="
			       " 'new-destination/02:00:00:00:00:01/a.example'"),
			 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE state = 'acked' AND key ="
			       " 'new-destination/02:00:00:00:00:02/198.51.100.7'"),
			 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE key = 'new-country/02:00:00:00:00:01/US'"), 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE key = 'new-company/02:00:00:00:00:01/Example'"), 1);
	integrity_ok(s);
	store_close(s);
	/* kept 10 days, at a time 40 days on: the days go, and their
	 * versions with them; the hours are rolled up first (7 days), then go */
	struct store_config c;
	store_config_default(&c);
	c.keep_days_s = 10 * 86400;
	s = open_ok(t.path, &c);
	char err[512];
	for (int i = 0; i < 3; i++)
		assert_int_equal(store_prune(s, T0 + 40 * DAY, err, sizeof err), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM dest_hour_counts"), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM dest_day_counts"), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM dests"), 0);
	assert_true(store_dest_epoch(s) > 0);
	integrity_ok(s);
	store_close(s);
	free(hours);
	free(days);
	free(h2);
	free(d2);
	tmpdb_drop(&t);
}

static void test_newer_version_refused(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	store_close(open_ok(t.path, NULL));
	sqlite3 *db;
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 7", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	char err[512] = "";
	assert_null(store_open(t.path, 0, NULL, err, sizeof err));
	assert_non_null(strstr(err, t.path));
	assert_non_null(strstr(err, "version 7"));
	char ours[32];
	snprintf(ours, sizeof ours, "(%d)", STORE_VERSION);
	assert_non_null(strstr(err, ours));
	assert_null(store_open(t.path, STORE_READONLY, NULL, err, sizeof err));
	assert_non_null(strstr(err, "version 7"));
	tmpdb_drop(&t);
}

/* ---- deltas ------------------------------------------------------------------ */

static void test_deltas_sum_to_the_report(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store *s = open_ok(t.path, NULL);
	struct recorder *r = recorder_new(s);
	assert_non_null(r);
	struct fake *f = calloc(1, sizeof *f);
	assert_non_null(f);
	fake_init(f, 2, 3);
	/* five commits within one hour, the counters growing */
	static const uint64_t n[] = { 1, 4, 4, 9, 20 };
	for (size_t i = 0; i < 5; i++) {
		fake_set(f, n[i], T0 + i * 60000000ull);
		commit_ok(r, &f->rep, NULL, T0 + i * 60000000ull);
	}
	assert_int_equal(recorder_stats(r)->commits, 5);
	assert_int_equal(recorder_stats(r)->failed, 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM dest_hours"), 6);
	assert_int_equal(q1(s, "SELECT sum(bytes_up) FROM dest_hours"), 6 * 1000 * 20);
	assert_int_equal(q1(s, "SELECT sum(bytes_down) FROM dest_hours"), 6 * 3000 * 20);
	assert_int_equal(q1(s, "SELECT sum(pkts_up) FROM dest_hours"), 6 * 20);
	assert_int_equal(q1(s, "SELECT sum(pkts_down) FROM dest_hours"), 6 * 3 * 20);
	assert_int_equal(q1(s, "SELECT sum(flows) FROM dest_hours"), 6 * 11);
	assert_int_equal(q1(s, "SELECT sum(bytes_out) FROM device_hours"), 2 * 100 * 20);
	assert_int_equal(q1(s, "SELECT sum(bytes_in) FROM device_hours"), 2 * 200 * 20);
	assert_int_equal(q1(s, "SELECT sum(pkts_in) FROM device_hours"), 2 * 2 * 20);
	assert_int_equal(q1(s, "SELECT sum(count) FROM queries WHERE name = 'a.example.com'"), 2 * 20);
	assert_int_equal(q1(s, "SELECT count FROM queries WHERE name = 'b.example.com' LIMIT 1"), 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM names"), 2);
	/* the hour is the one of last_us, first and last the report's */
	assert_int_equal(q1(s, "SELECT min(hour_us) FROM dest_hours"), (long long)H0);
	assert_int_equal(q1(s, "SELECT max(hour_us) FROM dest_hours"), (long long)H0);
	assert_int_equal(q1(s, "SELECT min(first_us) FROM dest_hours"), (long long)T0);
	assert_int_equal(q1(s, "SELECT max(last_us) FROM dest_hours"), (long long)(T0 + 4 * 60000000ull));
	/* the rows' named columns and records */
	assert_int_equal(q1(s, "SELECT count(*) FROM dest_hours WHERE domain = 'a.example.com' AND country = 'US'"
			       " AND asn = 64496 AND enc = 'yes' AND scope = 'internet' AND domain_source = 'dns'"
			       " AND json_extract(record, '$.domain') = 'a.example.com'"),
			 6);
	/* a version's record has no counters and times (the rows have them),
	 * and the six destinations, each the same over 20 commits, are six
	 * versions */
	assert_int_equal(q1(s, "SELECT count(*) FROM dests WHERE json_extract(record, '$.bytes_up') IS NULL"
			       " AND json_extract(record, '$.first_seen') IS NULL AND hash IS NOT NULL"),
			 6);
	assert_int_equal(q1(s, "SELECT count(*) FROM devices WHERE json_array_length(record, '$.destinations') = 0"
			       " AND json_extract(record, '$.display_name') = display AND kind = 'plug'"),
			 2);
	assert_int_equal(q1(s, "SELECT count(*) FROM meta WHERE key = 'home_country' AND value = 'DE'"), 1);
	integrity_ok(s);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

/* A counter lower than before: the tracker made the entry again, the whole
 * value is new traffic. */
static void test_counter_down_is_new(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store *s = open_ok(t.path, NULL);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 1, 1);
	fake_set(f, 10, T0);
	commit_ok(r, &f->rep, NULL, T0);
	fake_set(f, 3, T0 + 1000);
	commit_ok(r, &f->rep, NULL, T0 + 1000);
	fake_set(f, 5, T0 + 2000);
	commit_ok(r, &f->rep, NULL, T0 + 2000);
	assert_int_equal(q1(s, "SELECT sum(bytes_up) FROM dest_hours"), 1000 * 15);
	assert_int_equal(q1(s, "SELECT sum(bytes_out) FROM device_hours"), 100 * 15);
	assert_int_equal(q1(s, "SELECT sum(count) FROM queries WHERE name = 'a.example.com'"), 15);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

/* An entry the report no longer has is forgotten: when it comes back, the
 * tracker made it again and all of it is new (even when larger than the
 * value last written). */
static void test_gone_is_forgotten(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store *s = open_ok(t.path, NULL);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 2, 1);
	fake_set(f, 10, T0);
	commit_ok(r, &f->rep, NULL, T0);
	f->rep.n_devices = 1; /* the second device expired */
	fake_set(f, 12, T0 + 1000);
	commit_ok(r, &f->rep, NULL, T0 + 1000);
	f->rep.n_devices = 2;
	fake_set(f, 15, T0 + 2000);
	f->dev[0].bytes_out = 1500; /* the first one kept growing */
	for (size_t k = 0; k < f->dev[0].n_dests; k++)
		f->dest[0][k].bytes_up = 15000;
	commit_ok(r, &f->rep, NULL, T0 + 2000);
	assert_int_equal(q1(s, "SELECT sum(bytes_up) FROM dest_hours WHERE device = '02:00:00:00:00:01'"), 15000);
	assert_int_equal(q1(s, "SELECT sum(bytes_up) FROM dest_hours WHERE device = '02:00:00:00:00:02'"), 25000);
	assert_int_equal(q1(s, "SELECT sum(bytes_out) FROM device_hours WHERE device = '02:00:00:00:00:02'"), 2500);
	assert_int_equal(q1(s, "SELECT sum(bytes_out) FROM device_hours WHERE device = '02:00:00:00:00:01'"), 1500);
	assert_int_equal(recorder_stats(r)->new_devices, 2); /* back is not new */
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

/* Deltas go to the hour of the entry's last_us: across a boundary, two rows. */
static void test_hour_boundaries(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store *s = open_ok(t.path, NULL);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 1, 1);
	fake_set(f, 4, H0 + HOUR - 1);
	commit_ok(r, &f->rep, NULL, H0 + HOUR - 1);
	fake_set(f, 10, H0 + HOUR);
	commit_ok(r, &f->rep, NULL, H0 + HOUR);
	fake_set(f, 11, H0 + 3 * HOUR + 5);
	commit_ok(r, &f->rep, NULL, H0 + 3 * HOUR + 5);
	assert_int_equal(q1(s, "SELECT count(*) FROM dest_hours"), 3);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT bytes_up FROM dest_hours WHERE hour_us = %llu", H0);
	assert_int_equal(q1(s, sql), 4000);
	snprintf(sql, sizeof sql, "SELECT bytes_up FROM dest_hours WHERE hour_us = %llu", H0 + HOUR);
	assert_int_equal(q1(s, sql), 6000);
	snprintf(sql, sizeof sql, "SELECT bytes_up FROM dest_hours WHERE hour_us = %llu", H0 + 3 * HOUR);
	assert_int_equal(q1(s, sql), 1000);
	/* the row of the later hour begins where the earlier one ended */
	snprintf(sql, sizeof sql, "SELECT first_us FROM dest_hours WHERE hour_us = %llu", H0 + HOUR);
	assert_int_equal(q1(s, sql), (long long)(H0 + HOUR - 1));
	snprintf(sql, sizeof sql, "SELECT count(*) FROM device_hours WHERE hour_us IN (%llu, %llu, %llu)", H0,
		 H0 + HOUR, H0 + 3 * HOUR);
	assert_int_equal(q1(s, sql), 3);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

/* ---- rollup and retention ---------------------------------------------------- */

/* Hours over three days, rolled into days in steps of 7 rows: the sums
 * the same, the hours gone. */
/* A destination's versions: a new one when its record says something new,
 * the one the table has again when it says the same (also in a new run),
 * and the report's record that of the version written last, though a
 * file's clock went back (its rows end earlier than the other's). */
static void print_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void test_versions(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store *s = open_ok(t.path, NULL);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 1, 1);
	f->dev[0].has_mac = 1; /* what the loader asks of a device named by its MAC */
	memcpy(f->dev[0].mac, (const uint8_t[]){ 2, 0, 0, 0, 0, 1 }, 6);
	struct rep_dest *x = &f->dest[0][0];
	fake_set(f, 1, T0 + 100);
	commit_ok(r, &f->rep, NULL, T0 + 100);
	x->domain = x->dns_name = "b.example.com";
	fake_set(f, 2, T0 + 900);
	commit_ok(r, &f->rep, NULL, T0 + 900);
	assert_int_equal(q1(s, "SELECT count(*) FROM dests"), 2);
	/* a.example.com again, its packets stamped before b's */
	x->domain = x->dns_name = "a.example.com";
	x->first_us = T0 - 50;
	fake_set(f, 3, T0 + 500);
	commit_ok(r, &f->rep, NULL, T0 + 500);
	assert_int_equal(q1(s, "SELECT count(*) FROM dests"), 2);
	assert_int_equal(q1(s, "SELECT first_us FROM dests WHERE domain = 'a.example.com'"), (long long)(T0 - 50));
	assert_int_equal(q1(s, "SELECT sum(bytes_up) FROM dest_hours"), 3000);
	char err[512];
	struct report *rep = store_report(s, NULL, print_warn, err, sizeof err);
	assert_non_null(rep);
	assert_int_equal(rep->n_devices, 1);
	assert_int_equal(rep->devices[0].n_dests, 1);
	assert_string_equal(rep->devices[0].dests[0].domain, "a.example.com");
	assert_int_equal(rep->devices[0].dests[0].bytes_up, 3000);
	assert_int_equal(rep->devices[0].dests[0].first_us, T0 - 50);
	report_free(rep);
	recorder_free(r);
	/* a new run: the tracker begins again, the version is found */
	r = recorder_new(s);
	x->first_us = T0 + 2000;
	fake_set(f, 1, T0 + 2000);
	commit_ok(r, &f->rep, NULL, T0 + 2000);
	assert_int_equal(q1(s, "SELECT count(*) FROM dests"), 2);
	assert_int_equal(q1(s, "SELECT sum(bytes_up) FROM dest_hours"), 4000);
	integrity_ok(s);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

static void test_rollup_keeps_sums(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store_config c;
	store_config_default(&c);
	c.prune_rows = 7;
	struct store *s = open_ok(t.path, &c);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 2, 2);
	for (uint64_t h = 0; h < 72; h++) {
		fake_set(f, h + 1, H0 + h * HOUR + 10);
		commit_ok(r, &f->rep, NULL, H0 + h * HOUR + 10);
	}
	long long hours = q1(s, "SELECT count(*) FROM dest_hours");
	assert_int_equal(hours, 72 * 4);
	long long up = q1(s, "SELECT sum(bytes_up) FROM dest_hours");
	long long flows = q1(s, "SELECT sum(flows) FROM dest_hours");
	long long dev = q1(s, "SELECT sum(bytes_in) FROM device_hours");
	assert_int_equal(up, 4 * 1000 * 72);
	/* 30 days on: every hour is older than rollup_after */
	uint64_t now = H0 + 30 * DAY;
	char err[512];
	int steps = 0;
	for (long long left = hours; left > 0; steps++) {
		assert_int_equal(store_prune(s, now, err, sizeof err), 0);
		long long l = q1(s, "SELECT count(*) FROM dest_hours");
		assert_true(left - l <= 7 && left - l > 0); /* bounded, and progress */
		left = l;
		/* no traffic lost or counted twice at any step */
		assert_int_equal(q1(s, "SELECT (SELECT total(bytes_up) FROM dest_hours)"
				       " + (SELECT total(bytes_up) FROM dest_days)"),
				 up);
	}
	assert_int_equal(steps, (72 * 4 + 6) / 7);
	assert_int_equal(q1(s, "SELECT count(*) FROM device_hours"), 0);
	assert_int_equal(q1(s, "SELECT sum(bytes_up) FROM dest_days"), up);
	assert_int_equal(q1(s, "SELECT sum(flows) FROM dest_days"), flows);
	assert_int_equal(q1(s, "SELECT sum(bytes_in) FROM device_days"), dev);
	/* 72 hours from 22:00 touch four UTC days */
	assert_int_equal(q1(s, "SELECT count(DISTINCT day_us) FROM dest_days"), 4);
	assert_int_equal(q1(s, "SELECT count(*) FROM dest_days WHERE day_us % 86400000000 != 0"), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM dest_days"), 4 * 4);
	/* first the earliest, last the latest, under the one version each */
	assert_int_equal(q1(s, "SELECT min(first_us) FROM dest_days"), (long long)T0);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(DISTINCT dest) FROM dest_day_counts WHERE last_us = %llu",
		 H0 + 71 * HOUR + 10);
	assert_int_equal(q1(s, sql), 4);
	assert_int_equal(q1(s, "SELECT count(*) FROM dests"), 4);
	integrity_ok(s);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

static void test_retention_prunes(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store_config c;
	store_config_default(&c);
	c.rollup_after_s = 86400;
	c.keep_days_s = 10 * 86400;
	c.keep_names_s = 20 * 86400;
	c.keep_events_s = 30 * 86400;
	c.keep_findings_s = 40 * 86400;
	struct store *s = open_ok(t.path, &c);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 1, 2);
	struct findings fs = { 0 };
	assert_non_null(finding_add(&fs, SEV_LOW, "test-old", &f->dev[0], "one"));
	fake_set(f, 1, T0);
	commit_ok(r, &f->rep, &fs, T0);
	findings_free(&fs);
	assert_int_equal(q1(s, "SELECT count(*) FROM findings WHERE state = 'open'"), 1);
	/* two days on: the first finding is no longer found, another is */
	assert_non_null(finding_add(&fs, SEV_LOW, "test-new", &f->dev[0], "two"));
	fake_set(f, 2, T0 + 2 * DAY);
	commit_ok(r, &f->rep, &fs, T0 + 2 * DAY);
	fake_set(f, 2, T0 + 2 * DAY + 1);
	commit_ok(r, &f->rep, &fs, T0 + 2 * DAY + 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM findings WHERE state = 'resolved'"
			       " AND key = 'test-old/02:00:00:00:00:01/one'"),
			 1);
	assert_int_equal(q1(s, "SELECT count FROM findings WHERE key = 'test-new/02:00:00:00:00:01/two'"
			       " AND state = 'open'"),
			 2);
	/* events: each opened once, the first cleared when resolved */
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'finding-opened' AND state = 'new'"
			       " AND severity = 'low' AND device = '02:00:00:00:00:01'"),
			 2);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'finding-cleared'"
			       " AND subject = 'test-old/02:00:00:00:00:01/one'"),
			 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'finding-cleared'"
			       " AND subject = 'test-new/02:00:00:00:00:01/two'"),
			 0);
	/* the first day's hours rolled up by the commit's own prune step */
	assert_true(q1(s, "SELECT count(*) FROM dest_days") > 0);
	char err[512];
	/* 15 days on: days older than 10 days go; names, events, findings stay */
	assert_int_equal(store_prune(s, T0 + 15 * DAY, err, sizeof err), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM dest_days"), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM device_days"), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM names"), 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'new-device'"), 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM queries"), 2);
	assert_int_equal(store_capture_stats(s, T0, "eth0", 100, 1, 2, err, sizeof err), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM capture_stats"), 1);
	/* 25 days: names and queries unseen for 20 days go, and old counters */
	assert_int_equal(store_prune(s, T0 + 25 * DAY, err, sizeof err), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM names"), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM queries"), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM capture_stats"), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'new-device'"), 1);
	assert_int_equal(store_prune(s, T0 + 35 * DAY, err, sizeof err), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM events"), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM findings"), 2);
	/* 45 days: the resolved finding goes, the open one stays */
	assert_int_equal(store_prune(s, T0 + 45 * DAY, err, sizeof err), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM findings"), 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM findings WHERE state = 'open'"), 1);
	/* the device itself is the inventory: kept */
	assert_int_equal(q1(s, "SELECT count(*) FROM devices"), 1);
	integrity_ok(s);
	findings_free(&fs);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

/* A finding by its key: found again as it was, counted (the record
 * stands); its evidence changed, the record is the new one; resolved
 * when unseen, open again when found. */
static void test_findings_by_key(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store *s = open_ok(t.path, NULL);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 1, 1);
	fake_set(f, 1, T0);
	struct findings fs = { 0 };
	struct finding *x = finding_add(&fs, SEV_HIGH, "test-scan", &f->dev[0], "lan");
	assert_non_null(x);
	fs_count(&x->ev, "hosts", 1);
	commit_ok(r, &f->rep, &fs, T0);
	commit_ok(r, &f->rep, &fs, T0 + 10);
	static const char one[] = "SELECT count(*) FROM findings WHERE key = 'test-scan/02:00:00:00:00:01/lan'"
				  " AND count = %d AND state = '%s'"
				  " AND json_extract(record, '$.evidence_fields.hosts') = %d"
				  " AND severity = 'high' AND device = '02:00:00:00:00:01' AND subject = 'lan'";
	char sql[400];
	snprintf(sql, sizeof sql, one, 2, "open", 1);
	assert_int_equal(q1(s, sql), 1);
	fs.v[0].ev.v[0].v.u = 5;
	commit_ok(r, &f->rep, &fs, T0 + 20);
	snprintf(sql, sizeof sql, one, 3, "open", 5);
	assert_int_equal(q1(s, sql), 1);
	assert_int_equal(q1(s, "SELECT last_us FROM findings"), (long long)(T0 + 20));
	commit_ok(r, &f->rep, NULL, T0 + 2 * DAY);
	snprintf(sql, sizeof sql, one, 3, "resolved", 5);
	assert_int_equal(q1(s, sql), 1);
	commit_ok(r, &f->rep, &fs, T0 + 2 * DAY + 10);
	snprintf(sql, sizeof sql, one, 4, "open", 5);
	assert_int_equal(q1(s, sql), 1);
	assert_int_equal(q1(s, "SELECT first_us FROM findings"), (long long)T0);
	findings_free(&fs);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

/* ---- failure and retry ------------------------------------------------------- */

/* The database full (max_page_count at its size): the commit fails and
 * rolls back; with room again, the next commit writes both intervals'
 * deltas and the new device once. */
static void test_failure_retry_loses_nothing(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store *s = open_ok(t.path, NULL);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 1, 2);
	fake_set(f, 1, T0);
	commit_ok(r, &f->rep, NULL, T0);
	long long pages = q1(s, "PRAGMA page_count");
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", pages);
	assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
	/* a second device of many destinations: more pages than there are */
	fake_init(f, 2, FK_DESTS);
	fake_set(f, 5, T0 + 1000);
	char err[512] = "";
	assert_int_equal(recorder_commit(r, &f->rep, NULL, T0 + 1000, err, sizeof err), -1);
	assert_non_null(strstr(err, t.path));
	assert_non_null(strstr(err, "full"));
	assert_int_equal(recorder_stats(r)->failed, 1);
	assert_int_equal(recorder_stats(r)->new_devices, 1);
	/* nothing of it is in the tables */
	assert_int_equal(q1(s, "SELECT count(*) FROM devices"), 1);
	assert_int_equal(q1(s, "SELECT sum(bytes_up) FROM dest_hours"), 2 * 1000);
	integrity_ok(s);
	assert_int_equal(sqlite3_exec(store_db(s), "PRAGMA max_page_count = 1000000", NULL, NULL, NULL), SQLITE_OK);
	fake_set(f, 7, T0 + 2000);
	commit_ok(r, &f->rep, NULL, T0 + 2000);
	assert_int_equal(recorder_stats(r)->commits, 2);
	assert_int_equal(recorder_stats(r)->new_devices, 2);
	/* every destination's total is the last report's */
	assert_int_equal(q1(s, "SELECT count(*) FROM (SELECT sum(bytes_up) AS b FROM dest_hours"
			       " GROUP BY device, addr, proto, port, inbound HAVING b = 7000)"),
			 2 * FK_DESTS);
	assert_int_equal(q1(s, "SELECT count(*) FROM (SELECT sum(bytes_out) AS b FROM device_hours GROUP BY device"
			       " HAVING b = 700)"),
			 2);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'new-device'"), 2);
	integrity_ok(s);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

/* Another writer holding the database past the busy timeout (made short
 * here): the commit fails naming the lock, the next one writes both. */
static void test_busy_retry(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store *s = open_ok(t.path, NULL);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 1, 2);
	fake_set(f, 1, T0);
	commit_ok(r, &f->rep, NULL, T0);
	sqlite3 *other;
	assert_int_equal(sqlite3_open(t.path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_busy_timeout(store_db(s), 50);
	fake_set(f, 4, T0 + 1000);
	char err[512] = "";
	assert_int_equal(recorder_commit(r, &f->rep, NULL, T0 + 1000, err, sizeof err), -1);
	assert_non_null(strstr(err, "locked"));
	assert_non_null(strstr(err, t.path));
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	fake_set(f, 9, T0 + 2000);
	commit_ok(r, &f->rep, NULL, T0 + 2000);
	assert_int_equal(q1(s, "SELECT sum(bytes_up) FROM dest_hours"), 2 * 9000);
	assert_int_equal(q1(s, "SELECT sum(count) FROM queries WHERE name = 'a.example.com'"), 9);
	assert_int_equal(recorder_stats(r)->failed, 1);
	integrity_ok(s);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

/* ---- labels and events --------------------------------------------------------- */

static void test_label_kept(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store *s = open_ok(t.path, NULL);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 1, 1);
	fake_set(f, 1, T0);
	commit_ok(r, &f->rep, NULL, T0);
	char err[512] = "";
	assert_int_equal(store_set_label(s, "02:00:00:00:00:01", "Kitchen plug", "by the kettle", err, sizeof err), 0);
	/* the device changes: its row is written again, the label stays */
	f->dev[0].kind = "camera";
	fake_set(f, 2, T0 + 1000);
	commit_ok(r, &f->rep, NULL, T0 + 1000);
	assert_int_equal(q1(s, "SELECT count(*) FROM devices WHERE label = 'Kitchen plug' AND notes = 'by the kettle'"
			       " AND kind = 'camera'"),
			 1);
	/* NULL leaves, "" clears */
	assert_int_equal(store_set_label(s, "02:00:00:00:00:01", NULL, "", err, sizeof err), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM devices WHERE label = 'Kitchen plug' AND notes IS NULL"), 1);
	assert_int_equal(store_set_label(s, "02:00:00:00:00:99", "x", NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "02:00:00:00:00:99"));
	assert_non_null(strstr(err, t.path));
	/* a label of any bytes is a value, never SQL */
	const char *evil = "x'); DROP TABLE devices; --";
	assert_int_equal(store_set_label(s, "02:00:00:00:00:01", evil, NULL, err, sizeof err), 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM devices WHERE label LIKE 'x''); DROP%'"), 1);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

struct pol_seen {
	char v[4][64];
	size_t n;
};

static int pol_cb(void *ctx, const struct store_policy_row *p)
{
	struct pol_seen *x = ctx;
	if (x->n < 4)
		snprintf(x->v[x->n++], sizeof x->v[0], "%s=%s", p->device, p->policy);
	return 0;
}

/* alfoil device --policy's rows (version 5), read back by watch --enforce;
 * the guard's start time kept while on, gone when off. */
static void test_policies_and_guard(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store *s = open_ok(t.path, NULL);
	char err[512] = "";
	assert_int_equal(store_set_policy(s, "02:5e:11:00:00:07", "local-only", T0, err, sizeof err), 1);
	assert_int_equal(store_set_policy(s, "02:5e:11:00:00:07", "allow", T0 + 1, err, sizeof err), 1); /* replaced */
	assert_int_equal(store_set_policy(s, "02:00:00:00:00:01", "quarantine", T0, err, sizeof err), 1);
	/* the table takes only policies */
	assert_int_equal(store_set_policy(s, "02:00:00:00:00:02", "lockdown", T0, err, sizeof err), -1);
	struct pol_seen seen = { 0 };
	assert_int_equal(store_policies(s, pol_cb, &seen, err, sizeof err), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.v[0], "02:00:00:00:00:01=quarantine");
	assert_string_equal(seen.v[1], "02:5e:11:00:00:07=allow");
	assert_int_equal(store_set_policy(s, "02:00:00:00:00:01", NULL, T0, err, sizeof err), 1);
	assert_int_equal(store_set_policy(s, "02:00:00:00:00:01", "", T0, err, sizeof err), 0); /* none left */
	assert_int_equal(q1(s, "SELECT count(*) FROM policies"), 1);
	uint64_t since = 1;
	assert_int_equal(store_guard_since(s, 1, T0, &since, err, sizeof err), 0);
	assert_true(since == T0);
	assert_int_equal(store_guard_since(s, 1, T0 + 5000, &since, err, sizeof err), 0);
	assert_true(since == T0); /* the first time it was turned on */
	assert_int_equal(store_guard_since(s, 0, T0 + 6000, &since, err, sizeof err), 0);
	assert_true(since == 0);
	assert_int_equal(q1(s, "SELECT count(*) FROM meta WHERE key = 'guard_since'"), 0);
	assert_int_equal(store_guard_since(s, 1, T0 + 7000, &since, err, sizeof err), 0);
	assert_true(since == T0 + 7000); /* on again: from now */
	store_close(s);
	tmpdb_drop(&t);
}

/* A new device: one event, once, also after a restart (a new recorder). */
static void test_new_device_event_once(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store *s = open_ok(t.path, NULL);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 1, 1);
	for (unsigned i = 0; i < 3; i++) {
		fake_set(f, i + 1, T0 + i);
		commit_ok(r, &f->rep, NULL, T0 + i);
	}
	assert_int_equal(recorder_stats(r)->new_devices, 1);
	recorder_free(r);
	store_close(s);
	s = open_ok(t.path, NULL);
	r = recorder_new(s);
	fake_init(f, 2, 1);
	fake_set(f, 1, T0 + 10);
	commit_ok(r, &f->rep, NULL, T0 + 10);
	assert_int_equal(recorder_stats(r)->new_devices, 1); /* the second device only */
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'new-device'"), 2);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE device = '02:00:00:00:00:01'"
			       " AND kind = 'new-device'"),
			 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE key = 'new-device/02:00:00:00:00:02'"
			       " AND json_extract(record, '$.display_name') = 'plug-2'"),
			 1);
	integrity_ok(s);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

/* ---- a real capture, snapshot by snapshot ------------------------------------- */

struct cap_run {
	struct recorder *r;
	unsigned commits;
	int failed;
};

static void record_snapshot(struct cap_run *c, struct snapshot *s)
{
	struct intel_db in = { 0 };
	struct dec_stats dec = { 0 };
	struct rep_input inp = { .name = "examples/home.pcap", .linktype = "EN10MB" };
	struct report *rep = report_build(s, &in, &dec, &inp, 1, 0, 0, 0);
	assert_non_null(rep);
	struct find_config fc;
	find_config_default(&fc);
	struct find_inputs fin = { .cfg = &fc };
	struct findings f = { 0 };
	findings_run(rep, &fin, &f);
	char err[512];
	if (recorder_commit(c->r, rep, &f, snap_now_us(s), err, sizeof err)) {
		fprintf(stderr, "recorder_commit: %s\n", err);
		c->failed = 1;
	}
	c->commits++;
	findings_free(&f);
	report_free(rep);
}

static void on_snapshot(void *ctx, struct snapshot *s, const struct engine_mark *marks, size_t n_marks)
{
	(void)marks;
	(void)n_marks;
	record_snapshot(ctx, s);
	snapshot_free(s);
}

static void test_capture_sums(void **state)
{
	(void)state;
	if (access("examples/home.pcap", R_OK)) {
		skip();
		return;
	}
	/* STORE_TEST_DB=PATH: the database is made there and kept (the
	 * example queries of docs/store.md run on it: t-store-docs.sh) */
	const char *keep = getenv("STORE_TEST_DB");
	struct tmpdb t;
	tmpdb_make(&t);
	if (keep)
		snprintf(t.path, sizeof t.path, "%s", keep);
	struct store *s = open_ok(t.path, NULL);
	struct cap_run c = { .r = recorder_new(s) };
	const char *files[] = { "examples/home.pcap" };
	struct engine_config ec = { .files = files, .n_files = 1, .quiet = 1, .snap_packets = 300,
				    .on_snapshot = on_snapshot, .snap_ctx = &c };
	tracker_config_default(&ec.track);
	reasm_config_default(&ec.frag);
	struct engine *e = engine_new(&ec);
	assert_non_null(e);
	assert_int_equal(engine_run(e), 0);
	assert_true(c.commits >= 3);
	/* the last state, as watch commits it at the end */
	struct snapshot *last = tracker_snapshot(engine_tracker(e));
	assert_non_null(last);
	record_snapshot(&c, last);
	assert_false(c.failed);
	struct intel_db in = { 0 };
	struct dec_stats dec = { 0 };
	struct rep_input inp = { .name = "examples/home.pcap", .linktype = "EN10MB" };
	struct report *rep = report_build(last, &in, &dec, &inp, 1, 0, 0, 0);
	assert_non_null(rep);
	assert_true(rep->n_devices > 2);
	sqlite3_stmt *q;
	static const char sum[] = "SELECT sum(bytes_up), sum(bytes_down), sum(pkts_up), sum(pkts_down), sum(flows)"
				  " FROM dest_hours WHERE device = ?1 AND addr = ?2 AND proto = ?3 AND port = ?4"
				  " AND inbound = ?5";
	assert_int_equal(sqlite3_prepare_v2(store_db(s), sum, -1, &q, NULL), SQLITE_OK);
	size_t dests = 0;
	uint64_t bytes = 0;
	for (size_t i = 0; i < rep->n_devices; i++) {
		const struct rep_device *d = &rep->devices[i];
		for (size_t k = 0; k < d->n_dests; k++) {
			const struct rep_dest *x = &d->dests[k];
			char a[ADDR_STRLEN];
			sqlite3_reset(q);
			sqlite3_bind_text(q, 1, d->id, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 2, addr_fmt(&x->addr, a), -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(q, 3, x->proto);
			sqlite3_bind_int(q, 4, x->port);
			sqlite3_bind_int(q, 5, !!x->inbound);
			assert_int_equal(sqlite3_step(q), SQLITE_ROW);
			assert_int_equal(sqlite3_column_int64(q, 0), x->bytes_up);
			assert_int_equal(sqlite3_column_int64(q, 1), x->bytes_down);
			assert_int_equal(sqlite3_column_int64(q, 2), x->pkts_up);
			assert_int_equal(sqlite3_column_int64(q, 3), x->pkts_down);
			assert_int_equal(sqlite3_column_int64(q, 4), x->flows);
			dests++;
			bytes += x->bytes_up + x->bytes_down;
		}
	}
	sqlite3_finalize(q);
	assert_true(dests > 10);
	assert_int_equal(q1(s, "SELECT count(*) FROM"
			       " (SELECT DISTINCT device, addr, proto, port, inbound FROM dest_hours)"),
			 dests);
	assert_int_equal(q1(s, "SELECT sum(bytes_up + bytes_down) FROM dest_hours"), bytes);
	assert_int_equal(q1(s, "SELECT count(*) FROM devices"), rep->n_devices);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'new-device'"), rep->n_devices);
	assert_int_equal(recorder_stats(c.r)->new_devices, rep->n_devices);
	uint64_t dev_bytes = 0;
	for (size_t i = 0; i < rep->n_devices; i++)
		dev_bytes += rep->devices[i].bytes_out + rep->devices[i].bytes_in;
	assert_int_equal(q1(s, "SELECT sum(bytes_out + bytes_in) FROM device_hours"), dev_bytes);
	integrity_ok(s);
	report_free(rep);
	snapshot_free(last);
	engine_free(e);
	recorder_free(c.r);
	store_close(s);
	tmpdb_drop(&t);
}

/* A destination the history never had: new-destination (its registrable
 * domain), new-country and new-company, once each and then counted; the
 * same again from a second run: nothing new. With a learning period they
 * are kept as learnt and said at its end in one device-learned event. */
static void test_dest_events(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store_config c;
	store_config_default(&c);
	c.learn_s = 0;
	struct store *s = open_ok(t.path, &c);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 1, 2);
	for (size_t k = 0; k < 2; k++) {
		f->dest[0][k].domain = k ? "B.Example.COM." : "a.example.com";
		f->dest[0][k].company = "Example Cloud";
	}
	fake_set(f, 1, T0);
	commit_ok(r, &f->rep, NULL, T0);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE state = 'new'"), 4);
	assert_int_equal(q1(s, "SELECT count FROM events WHERE key = 'new-destination/02:00:00:00:00:01/example.com'"
			       " AND subject = 'example.com' AND severity = 'low' AND advice IS NOT NULL"),
			 2);
	assert_int_equal(q1(s, "SELECT count FROM events WHERE key = 'new-country/02:00:00:00:00:01/US'"
			       " AND severity = 'low'"),
			 2);
	assert_int_equal(q1(s, "SELECT count FROM events WHERE key = 'new-company/02:00:00:00:00:01/Example Cloud'"), 2);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'new-destination'"
			       " AND json_extract(record, '$.address') = '203.0.113.1'"
			       " AND json_extract(record, '$.port') = 443"),
			 1);
	recorder_free(r);
	store_close(s);
	/* a second run, the same destinations: the versions are there */
	s = open_ok(t.path, &c);
	r = recorder_new(s);
	fake_set(f, 1, T0 + 10);
	commit_ok(r, &f->rep, NULL, T0 + 10);
	assert_int_equal(q1(s, "SELECT count(*) FROM events"), 4);
	assert_int_equal(q1(s, "SELECT sum(count) FROM events"), 7);
	recorder_free(r);
	store_close(s);
	tmpdb_drop(&t);

	/* learning for an hour */
	tmpdb_make(&t);
	c.learn_s = 3600;
	s = open_ok(t.path, &c);
	r = recorder_new(s);
	fake_set(f, 1, T0);
	commit_ok(r, &f->rep, NULL, T0);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE state = 'learning'"), 3);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE state = 'new'"), 1); /* new-device */
	fake_set(f, 2, T0 + HOUR / 2);
	commit_ok(r, &f->rep, NULL, T0 + HOUR / 2);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-learned'"), 0);
	fake_set(f, 3, T0 + 2 * HOUR);
	commit_ok(r, &f->rep, NULL, T0 + 2 * HOUR);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-learned' AND state = 'new'"
			       " AND json_extract(record, '$.new-destination.count') = 1"
			       " AND json_extract(record, '$.new-country.subjects') = 'US'"),
			 1);
	/* said once, also after a restart */
	recorder_free(r);
	store_close(s);
	s = open_ok(t.path, &c);
	r = recorder_new(s);
	fake_set(f, 4, T0 + 3 * HOUR);
	commit_ok(r, &f->rep, NULL, T0 + 3 * HOUR);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-learned'"), 1);
	integrity_ok(s);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

/* device-back: a device seen again after --back-after (3 days) while
 * alfoil watched; not after a restart that did not watch the absence. */
static void test_device_back(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store *s = open_ok(t.path, NULL);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 2, 1);
	fake_set(f, 1, T0);
	commit_ok(r, &f->rep, NULL, T0);
	/* the second device goes (the tracker forgets it), the first stays */
	f->rep.n_devices = 1;
	for (int h = 1; h <= 4 * 24; h += 12) {
		fake_set(f, (uint64_t)h + 1, T0 + (uint64_t)h * HOUR);
		commit_ok(r, &f->rep, NULL, T0 + (uint64_t)h * HOUR);
	}
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-back'"), 0);
	/* back, a new entry of the tracker's */
	f->rep.n_devices = 2;
	fake_set(f, 200, T0 + 4 * DAY);
	f->dev[1].first_us = T0 + 4 * DAY;
	f->dev[1].incarnation = 7;
	commit_ok(r, &f->rep, NULL, T0 + 4 * DAY);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-back' AND device = '02:00:00:00:00:02'"
			       " AND state = 'new' AND json_extract(record, '$.absent_hours') = 96"),
			 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-back'"), 1);
	/* gone again, and the next step 5 days on (capture files months
	 * apart): a gap of the steps, not watched time */
	f->rep.n_devices = 1;
	fake_set(f, 210, T0 + 4 * DAY + HOUR);
	commit_ok(r, &f->rep, NULL, T0 + 4 * DAY + HOUR);
	f->rep.n_devices = 2;
	fake_set(f, 220, T0 + 9 * DAY);
	f->dev[1].first_us = T0 + 9 * DAY;
	f->dev[1].incarnation = 8;
	commit_ok(r, &f->rep, NULL, T0 + 9 * DAY);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-back'"), 1);
	recorder_free(r);
	store_close(s);
	/* a restart 5 days later: alfoil did not watch those days, so
	 * nobody is back */
	s = open_ok(t.path, NULL);
	r = recorder_new(s);
	fake_set(f, 300, T0 + 14 * DAY);
	f->dev[0].first_us = f->dev[1].first_us = T0 + 14 * DAY;
	commit_ok(r, &f->rep, NULL, T0 + 14 * DAY);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-back'"), 1);
	integrity_ok(s);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

/* device-changed: another kind, no address or name of before left; a
 * second name or address beside the old ones is not a change. */
static void test_device_changed(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store *s = open_ok(t.path, NULL);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 1, 1);
	struct ip_addr a4[3];
	struct rep_name nm[2] = { { "plug-1", "dhcp-hostname" }, { "plug-1.local", "mdns-hostname" } };
	assert_int_equal(addr_parse(&a4[0], "192.168.1.20"), 0);
	assert_int_equal(addr_parse(&a4[1], "192.168.1.21"), 0);
	assert_int_equal(addr_parse(&a4[2], "192.168.1.22"), 0);
	struct rep_device *d = &f->dev[0];
	d->ipv4 = a4;
	d->n_ipv4 = 1;
	d->names = nm;
	d->n_names = 1;
	fake_set(f, 1, T0);
	commit_ok(r, &f->rep, NULL, T0);
	/* a second address and name: not a change */
	d->n_ipv4 = 2;
	d->n_names = 2;
	fake_set(f, 2, T0 + HOUR);
	commit_ok(r, &f->rep, NULL, T0 + HOUR);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-changed'"), 0);
	/* plug to camera; only the new address; another name */
	d->kind = "camera";
	d->ipv4 = a4 + 2;
	d->n_ipv4 = 1;
	nm[0].name = "cam-9";
	d->n_names = 1;
	fake_set(f, 3, T0 + 2 * HOUR);
	commit_ok(r, &f->rep, NULL, T0 + 2 * HOUR);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-changed' AND subject = 'kind=camera'"
			       " AND severity = 'medium' AND json_extract(record, '$.from') = 'plug'"),
			 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-changed'"
			       " AND subject = 'address=192.168.1.22'"),
			 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-changed' AND subject = 'name=cam-9'"),
			 1);
	/* from unknown to a kind: better known, not changed */
	d->kind = "unknown";
	fake_set(f, 4, T0 + 3 * HOUR);
	commit_ok(r, &f->rep, NULL, T0 + 3 * HOUR);
	d->kind = "bulb";
	fake_set(f, 5, T0 + 4 * HOUR);
	commit_ok(r, &f->rep, NULL, T0 + 4 * HOUR);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-changed' AND subject LIKE 'kind=%'"), 1);
	integrity_ok(s);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

/* A phone that randomises its MAC: a new MAC with the DHCP host name of a
 * randomised device the history holds is that device (a device-changed
 * event, mac=NEW), not a new device; a device whose MAC is its maker's,
 * with the same name, is a new one. */
static void test_rotated_mac(void **state)
{
	(void)state;
	struct tmpdb t;
	tmpdb_make(&t);
	struct store_config c;
	store_config_default(&c);
	c.learn_s = 3600;
	struct store *s = open_ok(t.path, &c);
	struct recorder *r = recorder_new(s);
	struct fake *f = calloc(1, sizeof *f);
	fake_init(f, 1, 1);
	struct rep_attr at = { "dhcp-hostname", "pixel-7" };
	struct rep_device *d = &f->dev[0];
	d->randomized_mac = 1;
	d->attrs = &at;
	d->n_attrs = 1;
	fake_set(f, 1, T0);
	commit_ok(r, &f->rep, NULL, T0);
	/* the next day, the same phone under another MAC */
	snprintf(d->id, sizeof d->id, "%s", "06:11:22:33:44:55");
	d->first_us = T0 + DAY;
	fake_set(f, 1, T0 + DAY);
	commit_ok(r, &f->rep, NULL, T0 + DAY);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'new-device' AND state = 'new'"), 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE key = 'new-device/06:11:22:33:44:55' AND state = 'acked'"
			       " AND json_extract(record, '$.same_as') = '02:00:00:00:00:01'"),
			 1);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-changed' AND state = 'new'"
			       " AND device = '02:00:00:00:00:01' AND subject = 'mac=06:11:22:33:44:55'"),
			 1);
	/* its learning period ends without a summary: nothing it found is new */
	fake_set(f, 2, T0 + DAY + 2 * HOUR);
	commit_ok(r, &f->rep, NULL, T0 + DAY + 2 * HOUR);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-learned'"
			       " AND device = '06:11:22:33:44:55'"),
			 0);
	/* it rotates again (0a:..:01); then, while that one is there, another
	 * with the same name: two phones */
	struct fake *g = calloc(1, sizeof *g);
	fake_init(g, 2, 1);
	for (int i = 0; i < 2; i++) {
		g->dev[i].randomized_mac = 1;
		g->dev[i].attrs = &at;
		g->dev[i].n_attrs = 1;
		g->dev[i].first_us = T0 + DAY + (uint64_t)(3 + i) * HOUR;
	}
	snprintf(g->dev[0].id, sizeof g->dev[0].id, "%s", "0a:00:00:00:00:01");
	snprintf(g->dev[1].id, sizeof g->dev[1].id, "%s", "0a:00:00:00:00:02");
	g->rep.n_devices = 1;
	fake_set(g, 1, T0 + DAY + 3 * HOUR);
	commit_ok(r, &g->rep, NULL, T0 + DAY + 3 * HOUR);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'device-changed' AND device = '06:11:22:33:44:55'"
			       " AND subject = 'mac=0a:00:00:00:00:01'"),
			 1);
	g->rep.n_devices = 2;
	fake_set(g, 2, T0 + DAY + 4 * HOUR);
	commit_ok(r, &g->rep, NULL, T0 + DAY + 4 * HOUR);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'new-device' AND state = 'new'"), 2);
	free(g);
	/* not randomised, the same name: a device of its own */
	snprintf(d->id, sizeof d->id, "%s", "00:11:22:33:44:66");
	d->randomized_mac = 0;
	d->first_us = T0 + 2 * DAY;
	fake_set(f, 1, T0 + 2 * DAY);
	commit_ok(r, &f->rep, NULL, T0 + 2 * DAY);
	assert_int_equal(q1(s, "SELECT count(*) FROM events WHERE kind = 'new-device' AND state = 'new'"), 3);
	integrity_ok(s);
	recorder_free(r);
	store_close(s);
	free(f);
	tmpdb_drop(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_migrate_reopen),
		cmocka_unit_test(test_migrate_v2),
		cmocka_unit_test(test_dest_events),
		cmocka_unit_test(test_device_back),
		cmocka_unit_test(test_device_changed),
		cmocka_unit_test(test_rotated_mac),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_newer_version_refused),
		cmocka_unit_test(test_deltas_sum_to_the_report),
		cmocka_unit_test(test_counter_down_is_new),
		cmocka_unit_test(test_gone_is_forgotten),
		cmocka_unit_test(test_hour_boundaries),
		cmocka_unit_test(test_rollup_keeps_sums),
		cmocka_unit_test(test_retention_prunes),
		cmocka_unit_test(test_findings_by_key),
		cmocka_unit_test(test_failure_retry_loses_nothing),
		cmocka_unit_test(test_busy_retry),
		cmocka_unit_test(test_label_kept),
		cmocka_unit_test(test_policies_and_guard),
		cmocka_unit_test(test_new_device_event_once),
		cmocka_unit_test(test_capture_sums),
	};
	/* STORE_TESTS=test_capture_sums: one of them (t-store-docs.sh) */
	if (getenv("STORE_TESTS"))
		cmocka_set_test_filter(getenv("STORE_TESTS"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
