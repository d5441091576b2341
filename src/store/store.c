/* store.c - the database: opening, migrations, pragmas, labels, capture
 * counters, and the bounded rollup and retention step (docs/store.md). */
#include <libpsl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/schema.h"
#include "store/store.h"

#define DAY_S 86400ull
#define US 1000000ull
#define BUSY_MS 5000 /* another writer (alfoil device --label) waits this long at most */

/* The migrations, in order: entry i takes user_version i to i + 1. */
static const char *const migrations[] = {
	STORE_SCHEMA_V1,
	STORE_SCHEMA_V2,
	STORE_SCHEMA_V3,
	STORE_SCHEMA_V4,
	STORE_SCHEMA_V5,
};
_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_VERSION, "one migration per version");

/* The statements the store keeps prepared (made the first time they are
 * used, reset after each use). */
enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_LABEL,
	ST_CAPSTATS,
	ST_ROLL_DEST,
	ST_DEL_DEST_HOURS,
	ST_ROLL_DEV,
	ST_DEL_DEV_HOURS,
	ST_KEEP_DEST_DAYS,
	ST_KEEP_DEV_DAYS,
	ST_KEEP_NAMES,
	ST_KEEP_QUERIES,
	ST_KEEP_EVENTS,
	ST_KEEP_FINDINGS,
	ST_KEEP_CAPSTATS,
	ST__COUNT
};

/* The rows a step takes: the oldest first, at most ?2 of them. */
#define OLDEST(table, col) "SELECT rowid FROM " table " WHERE " col " < ?1 ORDER BY " col ", rowid LIMIT ?2"
/* The same of a table of counts of versions (WITHOUT ROWID: its key) */
#define OLDEST_COUNTS(table, col) \
	"(dest, " col ") IN (SELECT dest, " col " FROM " table " WHERE " col " < ?1 ORDER BY " col ", dest LIMIT ?2)"

static const char *const sql[ST__COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_LABEL] = "UPDATE devices SET"
		     " label = CASE WHEN ?2 IS NULL THEN label WHEN ?2 = '' THEN NULL ELSE ?2 END,"
		     " notes = CASE WHEN ?3 IS NULL THEN notes WHEN ?3 = '' THEN NULL ELSE ?3 END"
		     " WHERE id = ?1",
	[ST_CAPSTATS] = "INSERT INTO capture_stats (time_us, iface, received, dropped, if_dropped)"
			" VALUES (?1, ?2, ?3, ?4, ?5)",
	/* hours into days, per version (its names and record are in dests):
	 * counters summed, first the earliest, last the latest */
	[ST_ROLL_DEST] = "INSERT INTO dest_day_counts (dest, day_us, " STORE_COUNT_COLS ")"
			 " SELECT dest, hour_us - hour_us % 86400000000, " STORE_COUNT_COLS " FROM dest_hour_counts"
			 " WHERE " OLDEST_COUNTS("dest_hour_counts", "hour_us") " ORDER BY hour_us"
			 " ON CONFLICT (dest, day_us) DO UPDATE SET"
			 " pkts_up = pkts_up + excluded.pkts_up, pkts_down = pkts_down + excluded.pkts_down,"
			 " bytes_up = bytes_up + excluded.bytes_up, bytes_down = bytes_down + excluded.bytes_down,"
			 " flows = flows + excluded.flows, first_us = min(first_us, excluded.first_us),"
			 " last_us = max(last_us, excluded.last_us)",
	[ST_DEL_DEST_HOURS] = "DELETE FROM dest_hour_counts WHERE " OLDEST_COUNTS("dest_hour_counts", "hour_us"),
	[ST_ROLL_DEV] = "INSERT INTO device_days (device, day_us, pkts_out, pkts_in, bytes_out, bytes_in)"
			" SELECT device, hour_us - hour_us % 86400000000, pkts_out, pkts_in, bytes_out, bytes_in"
			" FROM device_hours WHERE rowid IN (" OLDEST("device_hours", "hour_us") ")"
			" ON CONFLICT (device, day_us) DO UPDATE SET"
			" pkts_out = pkts_out + excluded.pkts_out, pkts_in = pkts_in + excluded.pkts_in,"
			" bytes_out = bytes_out + excluded.bytes_out, bytes_in = bytes_in + excluded.bytes_in",
	[ST_DEL_DEV_HOURS] = "DELETE FROM device_hours WHERE rowid IN (" OLDEST("device_hours", "hour_us") ")",
	[ST_KEEP_DEST_DAYS] = "DELETE FROM dest_day_counts WHERE " OLDEST_COUNTS("dest_day_counts", "day_us"),
	[ST_KEEP_DEV_DAYS] = "DELETE FROM device_days WHERE rowid IN (" OLDEST("device_days", "day_us") ")",
	[ST_KEEP_NAMES] = "DELETE FROM names WHERE rowid IN (" OLDEST("names", "last_us") ")",
	[ST_KEEP_QUERIES] = "DELETE FROM queries WHERE rowid IN (" OLDEST("queries", "last_us") ")",
	/* by last sight: an event that keeps coming stays (and is not new) */
	[ST_KEEP_EVENTS] = "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE last_us < ?1"
			   " ORDER BY last_us, id LIMIT ?2)",
	[ST_KEEP_FINDINGS] = "DELETE FROM findings WHERE rowid IN (SELECT rowid FROM findings"
			     " WHERE state = 'resolved' AND last_us < ?1 ORDER BY last_us LIMIT ?2)",
	[ST_KEEP_CAPSTATS] = "DELETE FROM capture_stats WHERE rowid IN (" OLDEST("capture_stats", "time_us") ")",
};

struct store {
	sqlite3 *db;
	char *path;
	int readonly;
	struct store_config cfg;
	sqlite3_stmt *st[ST__COUNT];
	uint64_t dest_epoch; /* one up when day rows went (and versions may have, store_dest_epoch) */
	psl_ctx_t *psl;      /* the public suffixes (store_dest_subject) */
};

static void sql_dest_subject(sqlite3_context *c, int argc, sqlite3_value **v);

void store_config_default(struct store_config *c)
{
	*c = (struct store_config){
		.rollup_after_s = 7 * DAY_S,
		.keep_days_s = 400 * DAY_S,
		.keep_names_s = 90 * DAY_S,
		.keep_events_s = 90 * DAY_S,
		.keep_findings_s = 365 * DAY_S,
		.resolve_after_s = DAY_S,
		.learn_s = DAY_S,
		.back_after_s = 3 * DAY_S,
		.prune_rows = 2000,
	};
}

void store_err(struct store *s, char *err, size_t errlen, const char *what)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s: %s", s->path, what, s->db ? sqlite3_errmsg(s->db) : "no database");
}

/* The statement id, prepared and reset; NULL with err. */
static sqlite3_stmt *stmt(struct store *s, int id, char *err, size_t errlen)
{
	if (!s->st[id] && sqlite3_prepare_v3(s->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->st[id], NULL)) {
		store_err(s, err, errlen, "preparing a statement");
		return NULL;
	}
	sqlite3_reset(s->st[id]);
	sqlite3_clear_bindings(s->st[id]);
	return s->st[id];
}

/* Runs a prepared statement to its end: 0, or -1 with err saying what. */
static int run(struct store *s, sqlite3_stmt *q, const char *what, char *err, size_t errlen)
{
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		store_err(s, err, errlen, what);
		sqlite3_reset(q);
		return -1;
	}
	sqlite3_reset(q);
	return 0;
}

static int exec(struct store *s, const char *text, const char *what, char *err, size_t errlen)
{
	if (sqlite3_exec(s->db, text, NULL, NULL, NULL) != SQLITE_OK) {
		store_err(s, err, errlen, what);
		return -1;
	}
	return 0;
}

/* One integer a PRAGMA (our own text, no value from outside) returns. */
static int pragma_int(struct store *s, const char *text, long long *out, char *err, size_t errlen)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, text, -1, &q, NULL)) {
		store_err(s, err, errlen, text);
		return -1;
	}
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW) {
		store_err(s, err, errlen, text);
		return -1;
	}
	return 0;
}

/* The journal in WAL mode: readers (alfoil report, the sqlite3 shell) do
 * not block the writer, and a crash loses at most the last transaction. */
static int set_wal(struct store *s, char *err, size_t errlen)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &q, NULL)) {
		store_err(s, err, errlen, "setting the WAL journal");
		return -1;
	}
	int rc = sqlite3_step(q);
	char mode[16] = "";
	if (rc == SQLITE_ROW && sqlite3_column_text(q, 0))
		snprintf(mode, sizeof mode, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW) {
		store_err(s, err, errlen, "setting the WAL journal");
		return -1;
	}
	/* an in-memory database (tests) has no journal file to speak of */
	if (strcmp(mode, "wal") && strcmp(mode, "memory")) {
		snprintf(err, errlen,
			 "%s: the journal could not be put in WAL mode (it is \"%s\"): does the file system allow it?",
			 s->path, mode);
		return -1;
	}
	return 0;
}

/* From the database's version to ours, one migration (one transaction)
 * at a time. */
static int migrate(struct store *s, char *err, size_t errlen)
{
	long long v;
	if (pragma_int(s, "PRAGMA user_version", &v, err, errlen))
		return -1;
	if (v > STORE_VERSION) {
		snprintf(err, errlen,
			 "%s: the database has schema version %lld, newer than this alfoil's (%d): use a newer alfoil",
			 s->path, v, STORE_VERSION);
		return -1;
	}
	if (v < 0) {
		snprintf(err, errlen, "%s: schema version %lld is not one of alfoil's", s->path, v);
		return -1;
	}
	if (v == STORE_VERSION)
		return 0;
	if (s->readonly) {
		snprintf(err, errlen,
			 "%s: %s (schema version %lld, this alfoil's is %d); alfoil watch makes and updates it",
			 s->path,
			 v ? "the database needs an update" : "not an alfoil database yet", v, STORE_VERSION);
		return -1;
	}
	for (; v < STORE_VERSION; v++) {
		char what[64], set[64];
		snprintf(what, sizeof what, "migrating to schema version %lld", v + 1);
		snprintf(set, sizeof set, "PRAGMA user_version = %lld", v + 1);
		if (exec(s, "BEGIN IMMEDIATE", what, err, errlen))
			return -1;
		if (exec(s, migrations[v], what, err, errlen) || exec(s, set, what, err, errlen)) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		if (v == 0) {
			/* when the history began */
			sqlite3_stmt *q;
			static const char created[] = "INSERT INTO meta (key, value) VALUES ('created_us', ?1)";
			int bad = sqlite3_prepare_v2(s->db, created, -1, &q, NULL);
			if (!bad) {
				char now[24];
				struct timespec ts;
				clock_gettime(CLOCK_REALTIME, &ts);
				snprintf(now, sizeof now, "%lld", (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
				sqlite3_bind_text(q, 1, now, -1, SQLITE_TRANSIENT);
				bad = sqlite3_step(q) != SQLITE_DONE;
				sqlite3_finalize(q);
			}
			if (bad) {
				store_err(s, err, errlen, what);
				sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
				return -1;
			}
		}
		if (exec(s, "COMMIT", what, err, errlen)) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

struct store *store_open(const char *path, int flags, const struct store_config *c, char *err, size_t errlen)
{
	struct store *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(s);
		return NULL;
	}
	if (c)
		s->cfg = *c;
	else
		store_config_default(&s->cfg);
	if (!s->cfg.prune_rows)
		s->cfg.prune_rows = 1;
	s->readonly = !!(flags & STORE_READONLY);
	int of = s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &s->db, of, NULL) != SQLITE_OK) {
		store_err(s, err, errlen, "cannot open");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_MS);
	/* a file that is not a database says so here, at the first read */
	if (exec(s, "PRAGMA foreign_keys = ON", "not an SQLite database?", err, errlen))
		goto fail;
	/* synchronous=NORMAL: in WAL mode a commit is not synced, a checkpoint
	 * is; a crash may lose the last commits, never the file's integrity.
	 * The WAL file is cut back to 64 MiB after a checkpoint (a reader that
	 * held it open for long can make it grow). The page cache is 16 MiB
	 * (SQLite's default is 2): a transaction of many steps (watch -r)
	 * keeps its pages in memory rather than spilling them to the WAL
	 * before it commits, and the indexes' pages stay read. Temporary
	 * files (statement journals, the sorter of an ORDER BY or a roll-up)
	 * live in memory: measured on watch -r of the benchmark capture they
	 * took 77,000 of its 91,000 writes, to /var/tmp. They are bounded by
	 * one statement's work, which our statements keep small. */
	if (!s->readonly && (set_wal(s, err, errlen) ||
			     exec(s, "PRAGMA cache_size = -16384", "setting the page cache", err, errlen) ||
			     exec(s, "PRAGMA temp_store = MEMORY", "keeping temporary files in memory", err, errlen) ||
			     exec(s, "PRAGMA synchronous = NORMAL", "setting synchronous=NORMAL", err, errlen) ||
			     exec(s, "PRAGMA journal_size_limit = 67108864", "limiting the WAL file", err, errlen)))
		goto fail;
	/* the public suffix list: the newest of libpsl's own and the system's
	 * (Debian's publicsuffix); without it, a destination's subject is its
	 * whole name */
	s->psl = psl_latest(NULL);
	if (!s->readonly && sqlite3_create_function(s->db, "dest_subject", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, s,
						    sql_dest_subject, NULL, NULL) != SQLITE_OK) {
		store_err(s, err, errlen, "registering dest_subject()");
		goto fail;
	}
	if (migrate(s, err, errlen))
		goto fail;
	return s;
fail:
	store_close(s);
	return NULL;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	psl_free(s->psl);
	free(s->path);
	free(s);
}

const char *store_dest_subject(const struct store *s, const char *domain, uint32_t asn, const char *addr, char *buf,
			       size_t n)
{
	if (domain && *domain) {
		size_t i = 0;
		for (; domain[i] && i + 1 < n; i++)
			buf[i] = (char)(domain[i] >= 'A' && domain[i] <= 'Z' ? domain[i] + 32 : domain[i]);
		buf[i] = '\0';
		while (i && buf[i - 1] == '.')
			buf[--i] = '\0';
		const char *reg = s->psl && *buf ? psl_registrable_domain(s->psl, buf) : NULL;
		if (reg && reg != buf)
			memmove(buf, reg, strlen(reg) + 1);
		if (*buf)
			return buf;
	}
	if (asn)
		snprintf(buf, n, "AS%u", (unsigned)asn);
	else
		snprintf(buf, n, "%s", addr ? addr : "");
	return buf;
}

/* dest_subject(domain, asn, addr): store_dest_subject() in SQL, for the
 * migration that makes the events of what the history held. */
static void sql_dest_subject(sqlite3_context *c, int argc, sqlite3_value **v)
{
	(void)argc;
	const struct store *s = sqlite3_user_data(c);
	char buf[300];
	const char *domain = (const char *)sqlite3_value_text(v[0]);
	sqlite3_int64 asn = sqlite3_value_int64(v[1]);
	const char *addr = (const char *)sqlite3_value_text(v[2]);
	store_dest_subject(s, domain, asn > 0 && asn <= UINT32_MAX ? (uint32_t)asn : 0, addr, buf, sizeof buf);
	sqlite3_result_text(c, buf, -1, SQLITE_TRANSIENT);
}

struct sqlite3 *store_db(struct store *s)
{
	return s->db;
}

const struct store_config *store_config(const struct store *s)
{
	return &s->cfg;
}

const char *store_path(const struct store *s)
{
	return s->path;
}

static int simple(struct store *s, int id, const char *what, char *err, size_t errlen)
{
	sqlite3_stmt *q = stmt(s, id, err, errlen);
	return q ? run(s, q, what, err, errlen) : -1;
}

int store_begin(struct store *s, char *err, size_t errlen)
{
	return simple(s, ST_BEGIN, "beginning a transaction", err, errlen);
}

int store_commit(struct store *s, char *err, size_t errlen)
{
	return simple(s, ST_COMMIT, "committing", err, errlen);
}

void store_rollback(struct store *s)
{
	/* a failed statement may have rolled back already (SQLITE_FULL does) */
	if (!sqlite3_get_autocommit(s->db))
		simple(s, ST_ROLLBACK, "rolling back", NULL, 0);
}

int store_set_label(struct store *s, const char *device, const char *label, const char *notes, char *err,
		    size_t errlen)
{
	sqlite3_stmt *q = stmt(s, ST_LABEL, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, device, -1, SQLITE_STATIC);
	if (label)
		sqlite3_bind_text(q, 2, label, -1, SQLITE_STATIC);
	if (notes)
		sqlite3_bind_text(q, 3, notes, -1, SQLITE_STATIC);
	if (run(s, q, "setting a label", err, errlen))
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		snprintf(err, errlen, "%s: no device %s in the history", s->path, device);
		return -1;
	}
	return 0;
}

int store_capture_stats(struct store *s, uint64_t now_us, const char *iface, uint64_t received, uint64_t dropped,
			uint64_t if_dropped, char *err, size_t errlen)
{
	sqlite3_stmt *q = stmt(s, ST_CAPSTATS, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)now_us);
	sqlite3_bind_text(q, 2, iface, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)received);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)dropped);
	sqlite3_bind_int64(q, 5, (sqlite3_int64)if_dropped);
	return run(s, q, "recording the capture counters", err, errlen);
}

static int input_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct store_input *)a)->fingerprint, y = ((const struct store_input *)b)->fingerprint;
	return x < y ? -1 : x > y;
}

int store_inputs(struct store *s, struct store_input **v, size_t *n, char *err, size_t errlen)
{
	*v = NULL;
	*n = 0;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, "SELECT fingerprint, packets FROM inputs", -1, &q, NULL)) {
		store_err(s, err, errlen, "reading the files read before");
		return -1;
	}
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *fp = (const char *)sqlite3_column_text(q, 0);
		char *end;
		uint64_t f = fp ? strtoull(fp, &end, 16) : 0;
		if (!fp || *end || !f || sqlite3_column_int64(q, 1) < 0)
			continue; /* not one this build wrote: read again */
		if (*n == cap) {
			size_t c = cap ? cap * 2 : 64;
			struct store_input *x = realloc(*v, c * sizeof *x);
			if (!x) {
				sqlite3_finalize(q);
				free(*v);
				*v = NULL;
				*n = 0;
				snprintf(err, errlen, "%s: out of memory reading the files read before", s->path);
				return -1;
			}
			*v = x;
			cap = c;
		}
		(*v)[(*n)++] = (struct store_input){ f, (uint64_t)sqlite3_column_int64(q, 1) };
	}
	if (rc != SQLITE_DONE) {
		store_err(s, err, errlen, "reading the files read before");
		sqlite3_finalize(q);
		free(*v);
		*v = NULL;
		*n = 0;
		return -1;
	}
	sqlite3_finalize(q);
	if (*n)
		qsort(*v, *n, sizeof **v, input_cmp);
	return 0;
}

/* now - age, in microseconds; 0 when age reaches back before the epoch
 * (nothing is that old). */
static sqlite3_int64 before(uint64_t now_us, uint64_t age_s)
{
	uint64_t a = age_s * US;
	return now_us > a ? (sqlite3_int64)(now_us - a) : 0;
}

/* One statement of the step: rows older than cutoff, at most prune_rows. */
static int step_one(struct store *s, int id, sqlite3_int64 cutoff, char *err, size_t errlen)
{
	if (cutoff <= 0)
		return 0;
	sqlite3_stmt *q = stmt(s, id, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, cutoff);
	sqlite3_bind_int64(q, 2, s->cfg.prune_rows);
	return run(s, q, "pruning", err, errlen);
}

/* The oldest days of destinations: when any went, the versions they
 * alone counted went too (the trigger dest_day_gone), and a recorder's ids
 * of versions are no longer sure. */
static int keep_dest_days(struct store *s, sqlite3_int64 cutoff, char *err, size_t errlen)
{
	if (step_one(s, ST_KEEP_DEST_DAYS, cutoff, err, errlen))
		return -1;
	if (cutoff > 0 && sqlite3_changes(s->db) > 0)
		s->dest_epoch++;
	return 0;
}

uint64_t store_dest_epoch(const struct store *s)
{
	return s->dest_epoch;
}

int store_prune(struct store *s, uint64_t now_us, char *err, size_t errlen)
{
	int own = sqlite3_get_autocommit(s->db);
	if (own && store_begin(s, err, errlen))
		return -1;
	/* hours whose hour began before the cutoff's: the same rows are taken
	 * by the insert and the delete (the same ORDER BY and LIMIT, inside
	 * one transaction) */
	sqlite3_int64 roll = before(now_us, s->cfg.rollup_after_s);
	int rc = step_one(s, ST_ROLL_DEST, roll, err, errlen) || step_one(s, ST_DEL_DEST_HOURS, roll, err, errlen) ||
		 step_one(s, ST_ROLL_DEV, roll, err, errlen) || step_one(s, ST_DEL_DEV_HOURS, roll, err, errlen) ||
		 keep_dest_days(s, before(now_us, s->cfg.keep_days_s), err, errlen) ||
		 step_one(s, ST_KEEP_DEV_DAYS, before(now_us, s->cfg.keep_days_s), err, errlen) ||
		 step_one(s, ST_KEEP_CAPSTATS, before(now_us, s->cfg.keep_days_s), err, errlen) ||
		 step_one(s, ST_KEEP_NAMES, before(now_us, s->cfg.keep_names_s), err, errlen) ||
		 step_one(s, ST_KEEP_QUERIES, before(now_us, s->cfg.keep_names_s), err, errlen) ||
		 step_one(s, ST_KEEP_EVENTS, before(now_us, s->cfg.keep_events_s), err, errlen) ||
		 step_one(s, ST_KEEP_FINDINGS, before(now_us, s->cfg.keep_findings_s), err, errlen);
	if (own) {
		if (rc || store_commit(s, err, errlen)) {
			store_rollback(s);
			return -1;
		}
	}
	return rc ? -1 : 0;
}
