/* history.c - the store's rows back into records (see history.h).
 *
 * Rows are read in a few statements, each over every device at once,
 * ordered so that a group (a device, a destination) is consecutive and is
 * summed as it goes by: no table of its own in memory beyond the JSON
 * document being made. */
#include "store/history.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/findings.h"
#include "lib/utf8.h"
#include "lib/when.h"
#include "output/output.h"

#define HOUR_US (3600ull * 1000000)
#define DAY_US (86400ull * 1000000)

/* The window as the statements bind it: a row of the hour (day) starting
 * at t is in it when t + 1 h (1 d) > since and t < until, so a window is
 * widened to the whole hours (days) it touches. */
struct bounds {
	sqlite3_int64 hour_lo, day_lo, hi;
	const char *device;
};

static void bounds_of(const struct store_window *w, struct bounds *b)
{
	sqlite3_int64 since = w && w->since_us < (uint64_t)INT64_MAX ? (sqlite3_int64)w->since_us : 0;
	b->hour_lo = since - (sqlite3_int64)HOUR_US;
	b->day_lo = since - (sqlite3_int64)DAY_US;
	b->hi = w && w->until_us && w->until_us < (uint64_t)INT64_MAX ? (sqlite3_int64)w->until_us : INT64_MAX;
	b->device = w ? w->device : NULL;
}

static sqlite3_stmt *prepare(struct store *s, const char *sql, const struct bounds *b, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK) {
		store_err(s, err, errlen, "reading the history");
		sqlite3_finalize(st);
		return NULL;
	}
	/* ?1 hour_lo, ?2 day_lo, ?3 hi, ?4 device (NULL: all), as named */
	int n = sqlite3_bind_parameter_count(st);
	if (b && n >= 3) {
		sqlite3_bind_int64(st, 1, b->hour_lo);
		sqlite3_bind_int64(st, 2, b->day_lo);
		sqlite3_bind_int64(st, 3, b->hi);
	}
	if (b && n >= 4) {
		if (b->device)
			sqlite3_bind_text(st, 4, b->device, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 4);
	}
	return st;
}

/* The end of a statement's rows: 0, or -1 with err when it failed. */
static int stepped(struct store *s, int rc, char *err, size_t errlen)
{
	if (rc == SQLITE_DONE)
		return 0;
	store_err(s, err, errlen, "reading the history");
	return -1;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : NULL;
}

/* A count of a row: what SQLite holds is anyone's, a negative one is 0 */
static uint64_t col_count(sqlite3_stmt *st, int i)
{
	sqlite3_int64 v = sqlite3_column_int64(st, i);
	return v > 0 ? (uint64_t)v : 0;
}

/* Sums stop at what a report can say (report_load reads up to INT64_MAX). */
static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a || a + b > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : a + b;
}


static void set(json_t *o, const char *k, json_t *v)
{
	if (v)
		json_object_set_new(o, k, v);
}

/* s escaped to show in a message (at most n - 1 bytes of it) */
static const char *shown(char *buf, size_t n, const char *s)
{
	if (!s)
		return "(none)";
	buf[utf8_clean(buf, s, strnlen(s, n - 1), 0)] = '\0';
	return buf;
}

static char *meta_get(struct store *s, const char *key)
{
	sqlite3_stmt *st = prepare(s, "SELECT value FROM meta WHERE key = ?1", NULL, NULL, 0);
	char *v = NULL;
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && col_text(st, 0))
		v = strdup(col_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/* ---- the devices ---------------------------------------------------------- */

/* What is being made: every device's JSON object by id, and per device
 * whether the window holds rows of it. */
struct build {
	struct store *s;
	const struct store_window *w;
	struct bounds b;
	report_warn_fn warn;
	json_t *devs;    /* id -> the device's object */
	json_t *active;  /* id -> true: rows in the window */
	size_t skipped;  /* rows of devices the table lacks */
	const char *path;
};

static int devices_of(struct build *B, char *err, size_t errlen)
{
	sqlite3_stmt *st = prepare(B->s,
				   "SELECT id, record, label, first_us, last_us FROM devices WHERE ?4 IS NULL OR id = ?4"
				   " ORDER BY id",
				   &B->b, err, errlen);
	if (!st)
		return -1;
	/* (?1..?3, the window, are not in this one) */
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = col_text(st, 0), *rec = col_text(st, 1), *label = col_text(st, 2);
		json_error_t je;
		json_t *o = id && rec ? json_loads(rec, JSON_REJECT_DUPLICATES, &je) : NULL;
		char esc[48];
		if (!json_is_object(o)) {
			if (B->warn)
				B->warn("%s: devices row %s: its record is not a JSON object; the device left out", B->path,
					shown(esc, sizeof esc, id));
			json_decref(o);
			continue;
		}
		/* first and last seen over every run (the record is of the last
		 * one: a device forgotten and seen again starts anew there) */
		set(o, "first_seen", output_json_time(col_count(st, 3)));
		set(o, "last_seen", output_json_time(col_count(st, 4)));
		/* the counters are the rows' (counters_of): none, nothing */
		json_object_set_new(o, "destinations", json_array());
		static const char *const counters[] = { "packets_out", "packets_in", "bytes_out", "bytes_in" };
		for (int i = 0; i < 4; i++)
			json_object_set_new(o, counters[i], json_integer(0));
		if (label && *label) {
			json_t *l = json_string(label);
			if (!l && B->warn)
				B->warn("%s: devices row %s: its label is not UTF-8, left out", B->path,
					shown(esc, sizeof esc, id));
			set(o, "label", l);
		} else {
			json_object_del(o, "label");
		}
		json_object_set_new(B->devs, id, o);
	}
	sqlite3_finalize(st);
	return stepped(B->s, rc, err, errlen);
}

/* Device counters: the sum of its hours and days in the window. */
static int counters_of(struct build *B, char *err, size_t errlen)
{
	sqlite3_stmt *st = prepare(B->s,
		"SELECT device, SUM(pkts_out), SUM(pkts_in), SUM(bytes_out), SUM(bytes_in) FROM ("
		" SELECT device, pkts_out, pkts_in, bytes_out, bytes_in FROM device_hours"
		"  WHERE hour_us > ?1 AND hour_us < ?3 AND (?4 IS NULL OR device = ?4)"
		" UNION ALL SELECT device, pkts_out, pkts_in, bytes_out, bytes_in FROM device_days"
		"  WHERE day_us > ?2 AND day_us < ?3 AND (?4 IS NULL OR device = ?4))"
		" GROUP BY device", &B->b, err, errlen);
	if (!st)
		return -1;
	int rc;
	static const char *const names[] = { "packets_out", "packets_in", "bytes_out", "bytes_in" };
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = col_text(st, 0);
		json_t *o = id ? json_object_get(B->devs, id) : NULL;
		if (!o) {
			B->skipped++;
			continue;
		}
		for (int i = 0; i < 4; i++)
			json_object_set_new(o, names[i], json_integer((json_int_t)col_count(st, i + 1)));
		json_object_set_new(B->active, id, json_true());
	}
	sqlite3_finalize(st);
	return stepped(B->s, rc, err, errlen);
}

/* ---- the destinations ----------------------------------------------------- */

struct dsum {
	uint64_t pkts_up, pkts_down, bytes_up, bytes_down, flows, first_us, last_us;
	uint64_t ver_first_us; /* the earliest of its versions' (dests.first_us) */
};

/* One destination, its rows summed, into its device's list: the latest
 * row's record with the sums in place of its counters. */
static void dest_done(struct build *B, const char *dev, json_t *rec, const struct dsum *d)
{
	json_t *o = rec ? json_object_get(B->devs, dev) : NULL;
	if (!rec)
		return; /* its latest record was not one (told) */
	if (!o) {
		B->skipped++;
		json_decref(rec);
		return;
	}
	/* the window open at its start: the versions know when the
	 * destination began (a row's first is when its delta began: of files
	 * read out of time order, the earlier traffic of a later row), and so
	 * does the record of a version 2 row (made into a version of its own) */
	uint64_t first = d->first_us == UINT64_MAX ? 0 : d->first_us, rf;
	const char *f = json_string_value(json_object_get(rec, "first_seen"));
	if (!B->w || !B->w->since_us) {
		if (d->ver_first_us != UINT64_MAX && (!first || d->ver_first_us < first))
			first = d->ver_first_us;
		if (f && when_parse(f, 0, &rf) == 0 && rf && (!first || rf < first))
			first = rf;
	}
	set(rec, "flows", json_integer((json_int_t)(d->flows > UINT32_MAX ? UINT32_MAX : d->flows)));
	set(rec, "packets_up", json_integer((json_int_t)d->pkts_up));
	set(rec, "packets_down", json_integer((json_int_t)d->pkts_down));
	set(rec, "bytes_up", json_integer((json_int_t)d->bytes_up));
	set(rec, "bytes_down", json_integer((json_int_t)d->bytes_down));
	set(rec, "first_seen", output_json_time(first));
	set(rec, "last_seen", output_json_time(d->last_us));
	json_array_append_new(json_object_get(o, "destinations"), rec);
	json_object_set_new(B->active, dev, json_true());
}

static int same_key(sqlite3_stmt *st, const char *dev, const char *addr, sqlite3_int64 proto, sqlite3_int64 port,
		    sqlite3_int64 inbound)
{
	const char *d = col_text(st, 0), *a = col_text(st, 1);
	return d && a && !strcmp(d, dev) && !strcmp(a, addr) && sqlite3_column_int64(st, 2) == proto &&
	       sqlite3_column_int64(st, 3) == port && sqlite3_column_int64(st, 4) == inbound;
}

static int dests_of(struct build *B, char *err, size_t errlen)
{
	/* the rows of the destination's latest version first (its record is
	 * the one kept: the last written, as a file's clock may go back), the
	 * latest of them first */
	sqlite3_stmt *st = prepare(B->s,
		"SELECT device, addr, proto, port, inbound, pkts_up, pkts_down, bytes_up, bytes_down, flows,"
		" first_us, last_us, record, version_first_us FROM ("
		" SELECT *, hour_us AS t FROM dest_hours WHERE hour_us > ?1 AND hour_us < ?3"
		"  AND (?4 IS NULL OR device = ?4)"
		" UNION ALL SELECT *, day_us AS t FROM dest_days WHERE day_us > ?2 AND day_us < ?3"
		"  AND (?4 IS NULL OR device = ?4))"
		" ORDER BY device, addr, proto, port, inbound, version_seq DESC, last_us DESC, t DESC",
		&B->b, err, errlen);
	if (!st)
		return -1;
	char dev[ADDR_STRLEN + 1] = "", addr[ADDR_STRLEN + 1] = "";
	sqlite3_int64 proto = -1, port = -1, inbound = -1;
	json_t *rec = NULL;
	struct dsum sum;
	int rc, open = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!open || !same_key(st, dev, addr, proto, port, inbound)) {
			if (open)
				dest_done(B, dev, rec, &sum);
			open = 0;
			rec = NULL;
			const char *d = col_text(st, 0), *a = col_text(st, 1), *text = col_text(st, 12);
			if (!d || !a || strlen(d) > ADDR_STRLEN || strlen(a) > ADDR_STRLEN) {
				B->skipped++;
				continue;
			}
			json_error_t je;
			rec = text ? json_loads(text, JSON_REJECT_DUPLICATES, &je) : NULL;
			if (!json_is_object(rec)) {
				/* the device and address are checked by the loader: shown
				 * escaped; the destination's other rows go with it */
				char ed[ADDR_STRLEN + 1], ea[ADDR_STRLEN + 1];
				if (B->warn)
					B->warn("%s: a destination of %s (%s): its record is not a JSON object, left out", B->path,
						shown(ed, sizeof ed, d), shown(ea, sizeof ea, a));
				json_decref(rec);
				rec = NULL;
			}
			snprintf(dev, sizeof dev, "%s", d);
			snprintf(addr, sizeof addr, "%s", a);
			proto = sqlite3_column_int64(st, 2);
			port = sqlite3_column_int64(st, 3);
			inbound = sqlite3_column_int64(st, 4);
			memset(&sum, 0, sizeof sum);
			sum.first_us = sum.ver_first_us = UINT64_MAX;
			open = 1;
		}
		sum.pkts_up = add_sat(sum.pkts_up, col_count(st, 5));
		sum.pkts_down = add_sat(sum.pkts_down, col_count(st, 6));
		sum.bytes_up = add_sat(sum.bytes_up, col_count(st, 7));
		sum.bytes_down = add_sat(sum.bytes_down, col_count(st, 8));
		sum.flows = add_sat(sum.flows, col_count(st, 9));
		uint64_t f = col_count(st, 10), l = col_count(st, 11), vf = col_count(st, 13);
		if (f && f < sum.first_us)
			sum.first_us = f;
		if (vf && vf < sum.ver_first_us)
			sum.ver_first_us = vf;
		if (l > sum.last_us)
			sum.last_us = l;
	}
	if (open)
		dest_done(B, dev, rec, &sum);
	sqlite3_finalize(st);
	return stepped(B->s, rc, err, errlen);
}

/* ---- DNS: the queries and answers a device learned ------------------------- */

/* The names and queries tables, of the rows seen in the window, in place
 * of the record's (which is of the last commit only); a device without
 * rows keeps its record's lists when the window is open. */
static int dns_of(struct build *B, char *err, size_t errlen)
{
	/* (?1 + 1 h: the window's since) */
	static const char *const sql[2] = {
		"SELECT device, name, count FROM queries WHERE last_us >= ?1 + 3600000000 AND first_us < ?3"
		" AND (?4 IS NULL OR device = ?4) ORDER BY device, name",
		"SELECT device, name, addr FROM names WHERE last_us >= ?1 + 3600000000 AND first_us < ?3"
		" AND (?4 IS NULL OR device = ?4) ORDER BY device, name, addr",
	};
	static const char *const list[2] = { "queries", "answers" };
	int open = !B->w || (!B->w->since_us && !B->w->until_us);
	for (int k = 0; k < 2; k++) {
		sqlite3_stmt *st = prepare(B->s, sql[k], &B->b, err, errlen);
		if (!st)
			return -1;
		json_t *seen = json_object(); /* devices given a list of the table's */
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *id = col_text(st, 0), *name = col_text(st, 1);
			json_t *o = id ? json_object_get(B->devs, id) : NULL;
			json_t *n = name ? json_string(name) : NULL;
			if (!o || !n) {
				json_decref(n);
				continue;
			}
			json_t *dns = json_object_get(o, "dns");
			if (!json_is_object(dns)) {
				dns = json_object();
				json_object_set_new(o, "dns", dns);
			}
			if (!json_object_get(seen, id)) {
				json_object_set_new(dns, list[k], json_array());
				json_object_set_new(seen, id, json_true());
			}
			json_t *e = json_object();
			set(e, "name", n);
			if (k == 0)
				set(e, "count", json_integer((json_int_t)(col_count(st, 2) > UINT32_MAX ? UINT32_MAX
												   : col_count(st, 2))));
			else
				set(e, "address", col_text(st, 2) ? json_string(col_text(st, 2)) : json_null());
			json_array_append_new(json_object_get(dns, list[k]), e);
		}
		/* a window's report holds only what the window saw */
		const char *id;
		json_t *o;
		json_object_foreach(B->devs, id, o)
			if (!open && !json_object_get(seen, id) && json_is_object(json_object_get(o, "dns")))
				json_object_set_new(json_object_get(o, "dns"), list[k], json_array());
		json_decref(seen);
		sqlite3_finalize(st);
		if (stepped(B->s, rc, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* ---- the report ------------------------------------------------------------- */

/* A device's first and last seen: its life, cut to the window (kept
 * whole when the cut would leave nothing: a row of an hour the window
 * only touches). */
static void device_times(struct report *r, const struct store_window *w)
{
	uint64_t since = w ? w->since_us : 0, until = w && w->until_us ? w->until_us : UINT64_MAX;
	r->first_us = r->last_us = 0;
	for (size_t k = 0; k < r->n_devices; k++) {
		struct rep_device *d = &r->devices[k];
		uint64_t f = d->first_us > since ? d->first_us : since, l = d->last_us < until ? d->last_us : until - 1;
		if (f <= l && d->first_us) {
			d->first_us = f;
			d->last_us = l;
		}
		if (d->first_us && (!r->first_us || d->first_us < r->first_us))
			r->first_us = d->first_us;
		if (d->last_us > r->last_us)
			r->last_us = d->last_us;
	}
}

static json_t *document(struct build *B)
{
	json_t *root = json_object(), *cap = json_object();
	char *version = meta_get(B->s, "alfoil_version"), *home = meta_get(B->s, "home_country");
	char *source = meta_get(B->s, "home_country_source");
	int window = B->w && (B->w->since_us || B->w->until_us);
	set(root, "schema", json_string(REPORT_SCHEMA));
	set(root, "version", version ? json_string(version) : json_null());
	set(cap, "inputs", json_array());
	set(cap, "packets", json_integer(0));
	set(cap, "bytes", json_integer(0));
	set(cap, "counters", json_object());
	set(root, "capture", cap);
	set(root, "warnings", json_array());
	set(root, "data_sets", json_array());
	set(root, "home_country", home && *home ? json_string(home) : json_null());
	set(root, "home_country_source", home && *home && source ? json_string(source) : json_null());
	set(root, "countries", json_array());
	json_t *list = json_array();
	const char *id;
	json_t *o;
	json_object_foreach(B->devs, id, o)
		if (!window || json_object_get(B->active, id))
			json_array_append(list, o);
	set(root, "devices", list);
	free(version);
	free(home);
	free(source);
	return root;
}

struct report *store_report(struct store *s, const struct store_window *w, report_warn_fn warn, char *err,
			    size_t errlen)
{
	struct build B = { .s = s, .w = w, .warn = warn, .devs = json_object(), .active = json_object(),
			   .path = store_path(s) };
	struct report *r = NULL;
	bounds_of(w, &B.b);
	if (!B.devs || !B.active) {
		snprintf(err, errlen, "%s: out of memory", B.path);
		goto out;
	}
	if (devices_of(&B, err, errlen) < 0 || counters_of(&B, err, errlen) < 0 || dests_of(&B, err, errlen) < 0 ||
	    dns_of(&B, err, errlen) < 0)
		goto out;
	if (B.skipped && warn)
		warn("%s: %zu rows of devices the devices table lacks (or without a device or address), left out",
		     B.path, B.skipped);
	json_t *root = document(&B);
	char *text = root ? json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	/* the tree goes before the loader makes its own of the text */
	json_decref(root);
	json_decref(B.devs);
	json_decref(B.active);
	B.devs = B.active = NULL;
	if (!text) {
		snprintf(err, errlen, "%s: out of memory", B.path);
		goto out;
	}
	r = report_load_buf(text, strlen(text), B.path, warn, err, errlen);
	free(text);
	if (!r)
		goto out;
	struct find_config fc;
	find_config_default(&fc);
	r->history = 1;
	device_times(r, w);
	report_resum(r, fc.infra_bytes);
out:
	json_decref(B.devs);
	json_decref(B.active);
	return r;
}

/* ---- the inventory ----------------------------------------------------------- */

static char *clean_dup(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *out = malloc(n + 1);
	if (out)
		out[utf8_clean(out, s, n, 0)] = '\0';
	return out;
}

static uint32_t v4_of(const struct store_device *d)
{
	struct ip_addr a;
	if (!d->ipv4[0] || addr_parse(&a, d->ipv4) < 0 || !addr_is_v4(&a))
		return UINT32_MAX;
	return (uint32_t)a.b[12] << 24 | (uint32_t)a.b[13] << 16 | (uint32_t)a.b[14] << 8 | a.b[15];
}

/* as report.c orders devices */
static int cmp_inventory(const void *a, const void *b)
{
	const struct store_device *x = a, *y = b;
	if (x->gateway != y->gateway)
		return y->gateway - x->gateway;
	uint32_t nx = v4_of(x), ny = v4_of(y);
	if (nx != ny)
		return nx < ny ? -1 : 1;
	return strcmp(x->id, y->id);
}

int store_devices(struct store *s, struct store_devices *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = prepare(s,
				   "SELECT id, label, notes, maker, kind, what, brand, model, display, first_us, last_us,"
				   " record FROM devices ORDER BY id", NULL, err, errlen);
	if (!st)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			size_t nc = cap ? 2 * cap : 64;
			struct store_device *v = realloc(out->v, nc * sizeof *v);
			if (!v) {
				snprintf(err, errlen, "%s: out of memory", store_path(s));
				sqlite3_finalize(st);
				store_devices_free(out);
				return -1;
			}
			out->v = v;
			cap = nc;
		}
		struct store_device *d = &out->v[out->n++];
		memset(d, 0, sizeof *d);
		const char *id = col_text(st, 0);
		shown(d->id, sizeof d->id, id);
		char **f[] = { &d->label, &d->notes, &d->maker, &d->kind, &d->what, &d->brand, &d->model, &d->display };
		for (int i = 0; i < 8; i++) {
			const char *t = col_text(st, i + 1);
			*f[i] = t && *t ? clean_dup(t) : NULL;
		}
		d->first_us = col_count(st, 9);
		d->last_us = col_count(st, 10);
		/* the router, and the first IPv4 address, for the order */
		json_error_t je;
		json_t *rec = col_text(st, 11) ? json_loads(col_text(st, 11), 0, &je) : NULL;
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(rec, "roles"), i, v)
			if (json_string_value(v) && !strcmp(json_string_value(v), "gateway"))
				d->gateway = 1;
		const char *a = json_string_value(json_array_get(json_object_get(rec, "ipv4"), 0));
		struct ip_addr ip;
		if (a && strlen(a) < ADDR_STRLEN && addr_parse(&ip, a) == 0 && addr_is_v4(&ip))
			addr_fmt(&ip, d->ipv4);
		json_decref(rec);
	}
	sqlite3_finalize(st);
	if (stepped(s, rc, err, errlen) < 0) {
		store_devices_free(out);
		return -1;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, cmp_inventory);
	return 0;
}

void store_devices_free(struct store_devices *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct store_device *d = &l->v[i];
		free(d->label);
		free(d->notes);
		free(d->maker);
		free(d->kind);
		free(d->what);
		free(d->brand);
		free(d->model);
		free(d->display);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}
