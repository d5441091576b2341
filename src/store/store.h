/* store.h - the history in SQLite (docs/store.md: the schema, retention,
 * crash safety and example queries).
 *
 * One database file, WAL journal, synchronous=NORMAL: a crash (kill -9,
 * power) loses at most the transaction being written, never the file. The
 * schema is versioned with PRAGMA user_version and made by a list of
 * migrations (store.c); a database of a newer version than this build
 * knows is refused, naming both. Every statement binds its values: nothing
 * from a packet is ever part of SQL text. Only src/store/ includes
 * sqlite3.h; history.c reads through store_db().
 */
#ifndef ALFOIL_STORE_STORE_H
#define ALFOIL_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_VERSION 5 /* PRAGMA user_version of the schema this build makes */

struct store;
struct sqlite3;

struct store_config {
	uint64_t rollup_after_s;   /* hours older: into days (default 7 d) */
	uint64_t keep_days_s;      /* dest_days/device_days kept (default 400 d) */
	uint64_t keep_names_s;     /* names/queries unseen this long (default 90 d) */
	uint64_t keep_events_s;    /* events (default 90 d) */
	uint64_t keep_findings_s;  /* resolved findings (default 365 d) */
	uint64_t resolve_after_s;  /* an open finding not seen this long: resolved (default 1 d) */
	uint64_t back_after_s;     /* a device seen again after this long: device-back
				    * (default 3 d; 0: never) */
	uint64_t learn_s;          /* a new device's learning period: its new-* events
				    * summed in one (default 1 d; 0: none) */
	unsigned prune_rows;       /* rows per table per prune step (default 2000) */
};
void store_config_default(struct store_config *c);

#define STORE_READONLY 1
/* Opens (or creates, not with STORE_READONLY) path: WAL, synchronous=NORMAL,
 * busy timeout, foreign keys; migrates to the current version (refuses a
 * newer one, naming both). NULL with err naming the path. c NULL: the
 * defaults. */
struct store *store_open(const char *path, int flags, const struct store_config *c, char *err, size_t errlen);
void store_close(struct store *s);
struct sqlite3 *store_db(struct store *s);          /* for history.c */
/* What a new-destination event is about (docs/store.md, events): the
 * registrable domain of domain in lower case (the public suffix list),
 * else "AS<asn>", else addr. In buf (n bytes), returned. */
const char *store_dest_subject(const struct store *s, const char *domain, uint32_t asn, const char *addr, char *buf,
			       size_t n);
const struct store_config *store_config(const struct store *s);
const char *store_path(const struct store *s);

/* Label and notes a person gave a device: NULL leaves it, "" clears it.
 * 0; -1 with err (an unknown device: err says so). */
int store_set_label(struct store *s, const char *device, const char *label, const char *notes,
		    char *err, size_t errlen);
/* One row of libpcap's counters of an interface (watch, each minute). */
int store_capture_stats(struct store *s, uint64_t now_us, const char *iface, uint64_t received,
			uint64_t dropped, uint64_t if_dropped, char *err, size_t errlen);
/* One bounded step of rollup and retention: hours older than rollup_after
 * summed into days and deleted, then every table's rows past their keep
 * time deleted, at most prune_rows rows per table. Inside the caller's
 * transaction when there is one (the recorder's), else in one of its own.
 * 0, or -1 with err. */
/* A capture file read before (watch -r): its fingerprint (engine.h) and
 * how many of its first packets the tables hold. */
struct store_input {
	uint64_t fingerprint, packets;
};
/* Every one, sorted by fingerprint, into *v (malloc'd; NULL when none).
 * 0, or -1 with err. */
int store_inputs(struct store *s, struct store_input **v, size_t *n, char *err, size_t errlen);

int store_prune(struct store *s, uint64_t now_us, char *err, size_t errlen);
/* Goes one up whenever store_prune() deleted days of destinations, and
 * with them maybe versions (dests rows) a recorder knows by id: ids of
 * versions got before the epoch changed are looked up again. */
uint64_t store_dest_epoch(const struct store *s);

/* Transactions of the recorder (record.c): BEGIN IMMEDIATE, COMMIT,
 * ROLLBACK. 0 or -1 with err (rollback never fails as far as the caller
 * can act on). */
int store_begin(struct store *s, char *err, size_t errlen);
int store_commit(struct store *s, char *err, size_t errlen);
void store_rollback(struct store *s);

/* err = "PATH: what: SQLite's message" (for record.c and history.c). */
void store_err(struct store *s, char *err, size_t errlen, const char *what);

#endif
