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
