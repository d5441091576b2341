/* events.c - the events table read back (events.h). */
#include <sqlite3.h>

#include "store/events.h"

int64_t store_events(struct store *s, const struct store_event_query *q, store_event_fn fn, void *ctx, char *err,
		     size_t errlen)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(store_db(s),
			       "SELECT e.id, e.time_us, ifnull(e.last_us, e.time_us), e.count, e.kind, e.device, d.label,"
			       " d.display, e.subject, e.severity, e.advice, e.state, e.record"
			       " FROM events e LEFT JOIN devices d ON d.id = e.device"
			       " WHERE e.time_us >= ?1 AND (?2 IS NULL OR e.device = ?2) AND (?3 OR e.state = 'new')"
			       " AND e.id > ?4 ORDER BY e.time_us, e.id",
			       -1, &st, NULL) != SQLITE_OK) {
		store_err(s, err, errlen, "reading the events");
		return -1;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)q->since_us);
	if (q->device)
		sqlite3_bind_text(st, 2, q->device, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, !!q->all);
	sqlite3_bind_int64(st, 4, q->after_id);
	int64_t top = q->after_id;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_event e = {
			.id = sqlite3_column_int64(st, 0),
			.time_us = (uint64_t)sqlite3_column_int64(st, 1),
			.last_us = (uint64_t)sqlite3_column_int64(st, 2),
			.count = (uint64_t)sqlite3_column_int64(st, 3),
			.kind = (const char *)sqlite3_column_text(st, 4),
			.device = (const char *)sqlite3_column_text(st, 5),
			.label = (const char *)sqlite3_column_text(st, 6),
			.display = (const char *)sqlite3_column_text(st, 7),
			.subject = (const char *)sqlite3_column_text(st, 8),
			.severity = (const char *)sqlite3_column_text(st, 9),
			.advice = (const char *)sqlite3_column_text(st, 10),
			.state = (const char *)sqlite3_column_text(st, 11),
			.record = (const char *)sqlite3_column_text(st, 12),
		};
		if (e.id > top)
			top = e.id;
		if (!e.kind)
			continue;
		if (fn(ctx, &e))
			break;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_err(s, err, errlen, "reading the events");
		top = -1;
	}
	sqlite3_finalize(st);
	return top;
}

const char *const store_event_kinds[] = { "new-device", "new-destination", "new-country", "new-company",
					  "device-learned", "finding-opened", "finding-cleared", "device-back",
					  "device-changed", "capture-drops", "interface-down",
					  "profile-deviation", "policy-changed", NULL };

static int exec_bound(struct store *s, const char *sql, const char *what, const char *a, const char *b,
		      const char *c, sqlite3_int64 n, char *err, size_t errlen)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &q, NULL) != SQLITE_OK) {
		store_err(s, err, errlen, what);
		return -1;
	}
	if (a)
		sqlite3_bind_text(q, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(q, 2, b, -1, SQLITE_STATIC);
	if (c)
		sqlite3_bind_text(q, 3, c, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, n);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		store_err(s, err, errlen, what);
		return -1;
	}
	return sqlite3_changes(store_db(s)) > 0;
}

int store_event_ack(struct store *s, int64_t id, char *err, size_t errlen)
{
	return exec_bound(s, "UPDATE events SET state = 'acked' WHERE id = ?4 AND state IN ('new', 'muted')",
			  "acknowledging an event", NULL, NULL, NULL, id, err, errlen);
}

int store_mute(struct store *s, const char *device, const char *kind, const char *subject, int add, uint64_t now_us,
	       char *err, size_t errlen)
{
	if (!add)
		return exec_bound(s, "DELETE FROM mutes WHERE device = ?1 AND kind = ?2 AND subject = ?3",
				  "removing a mute", device, kind, subject, 0, err, errlen);
	if (exec_bound(s, "INSERT INTO mutes (device, kind, subject, time_us) VALUES (?1, ?2, ?3, ?4)"
			  " ON CONFLICT DO NOTHING",
		       "adding a mute", device, kind, subject, (sqlite3_int64)now_us, err, errlen) < 0)
		return -1;
	if (exec_bound(s, "UPDATE events SET state = 'muted' WHERE device = ?1 AND kind = ?2"
			  " AND (?3 = '' OR subject = ?3) AND state = 'new'",
		       "muting events", device, kind, subject, 0, err, errlen) < 0)
		return -1;
	return 1;
}

int store_mutes(struct store *s, store_mute_fn fn, void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(store_db(s), "SELECT device, kind, subject, time_us FROM mutes ORDER BY device, kind, subject",
			       -1, &q, NULL) != SQLITE_OK) {
		store_err(s, err, errlen, "reading the mutes");
		return -1;
	}
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_mute_row m = { (const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
					    (const char *)sqlite3_column_text(q, 2), (uint64_t)sqlite3_column_int64(q, 3) };
		if (m.device && m.kind && m.subject && fn(ctx, &m))
			break;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_err(s, err, errlen, "reading the mutes");
		return -1;
	}
	return 0;
}

int store_set_policy(struct store *s, const char *device, const char *policy, uint64_t now_us, char *err,
		     size_t errlen)
{
	if (!policy || !*policy)
		return exec_bound(s, "DELETE FROM policies WHERE device = ?1", "removing a policy", device, NULL, NULL, 0,
				  err, errlen);
	return exec_bound(s, "INSERT INTO policies (device, policy, time_us) VALUES (?1, ?2, ?4)"
			     " ON CONFLICT (device) DO UPDATE SET policy = excluded.policy, time_us = excluded.time_us",
			  "setting a policy", device, policy, NULL, (sqlite3_int64)now_us, err, errlen);
}

int store_policies(struct store *s, store_policy_fn fn, void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(store_db(s), "SELECT device, policy, time_us FROM policies ORDER BY device", -1, &q,
			       NULL) != SQLITE_OK) {
		store_err(s, err, errlen, "reading the policies");
		return -1;
	}
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_policy_row p = { (const char *)sqlite3_column_text(q, 0),
					      (const char *)sqlite3_column_text(q, 1), (uint64_t)sqlite3_column_int64(q, 2) };
		if (p.device && p.policy && fn(ctx, &p)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		store_err(s, err, errlen, "reading the policies");
		return -1;
	}
	return 0;
}

int store_guard_since(struct store *s, int on, uint64_t now_us, uint64_t *since, char *err, size_t errlen)
{
	*since = 0;
	if (!on)
		return exec_bound(s, "DELETE FROM meta WHERE key = 'guard_since'", "turning the guard off", NULL, NULL,
				  NULL, 0, err, errlen) < 0 ? -1 : 0;
	if (exec_bound(s, "INSERT OR IGNORE INTO meta (key, value) VALUES ('guard_since', CAST(?4 AS TEXT))",
		       "turning the guard on", NULL, NULL, NULL, (sqlite3_int64)now_us, err, errlen) < 0)
		return -1;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(store_db(s), "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'guard_since'", -1, &q,
			       NULL) != SQLITE_OK) {
		store_err(s, err, errlen, "reading guard_since");
		return -1;
	}
	if (sqlite3_step(q) == SQLITE_ROW)
		*since = (uint64_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return 0;
}
