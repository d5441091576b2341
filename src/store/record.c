/* record.c - the recorder: each commit, a report's devices, destinations,
 * names, queries and findings into the store, counters as deltas.
 *
 * The tracker's counters are cumulative (since it made the entry); the
 * tables hold what happened in each hour. So the recorder keeps, per
 * device, destination and query, the values it wrote last (its memo) and
 * writes what grew since. Several steps may share a transaction: each
 * compares with the memo of the step before, and the memo of the last
 * commit is kept until the next commits; a failed step or commit rolls
 * back to it, and the next step writes the growth since. The memo holds what the last
 * report held and no more, so it is as bounded as the tracker. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/addr.h"
#include "lib/fmt.h"
#include "lib/siphash.h"
#include "output/finding.h"
#include "output/output.h"
#include "store/record.h"
#include "store/schema.h"

#define HOUR_US 3600000000ull
#define US 1000000ull
#define DAY_US (24 * HOUR_US)

/* What was written of a device. */
struct dev_memo {
	char id[ADDR_STRLEN];
	uint64_t pkts_out, pkts_in, bytes_out, bytes_in, last_us;
	uint32_t incarnation;  /* rep_device.incarnation */
	uint64_t record_hash;  /* of what its record says (output_json_device_hash) */
	uint64_t names_day;    /* the UTC day (of now) its names were last written */
	/* its learning period (store_config.learn_s) from its first sight in
	 * the history (first_us): LEARN_UNKNOWN until read */
	uint8_t learn;
	uint64_t first_us;
	uint64_t hist_last; /* its last sight in the history before this run saw it (0: none) */
	uint8_t rotated;    /* a device known by another MAC (rotated_from()) */
	uint64_t absent_from; /* the now of the first step it had no packet in since its last (0: it had) */
};

enum { LEARN_UNKNOWN, LEARN_ON, LEARN_DONE };

/* What was written of a destination; the key is its first bytes. */
struct dest_memo {
	struct dest_mkey {
		char dev[ADDR_STRLEN];
		uint8_t proto, inbound;
		uint16_t port;
		struct ip_addr addr;
	} k;
	uint64_t pkts_up, pkts_down, bytes_up, bytes_down, flows, last_us;
	uint32_t incarnation;  /* rep_dest.incarnation */
	/* the version its counts went under last (dests.id, 0: none yet),
	 * its hash, and the store's dest epoch when the id was got */
	int64_t ver;
	uint64_t ver_hash, ver_epoch, ver_first; /* ver_first: its first_us as written */
};

/* A name and address a device learned (a names row), by hash. */
struct name_memo {
	char dev[ADDR_STRLEN];
	uint64_t h;
};

struct query_memo {
	char dev[ADDR_STRLEN];
	const char *name; /* the report's until committed, then the memo's copy */
	uint32_t count;
};

/* What was written of a finding: the hash of everything its record says. */
struct finding_memo {
	char key[FIND_KEY_LEN];
	uint64_t hash;
};

struct memo {
	struct dev_memo *dev;
	size_t n_dev;
	struct dest_memo *dest;
	size_t n_dest;
	struct query_memo *q;
	size_t n_q;
	char *names; /* the query names' copies */
	struct name_memo *nm;
	size_t n_nm;
	struct finding_memo *find;
	size_t n_find;
	char home[3];
	char version[32];
};

enum {
	R_DEV_INSERT,
	R_DEV_UPDATE,
	R_DEV_SEEN,
	R_DEV_HOUR,
	R_DEST_FIND,
	R_DEST_TOUCH,
	R_DEST_VERSION,
	R_DEST_HOUR,
	R_NAME,
	R_QUERY,
	R_FINDING,
	R_FINDING_SEEN,
	R_RESOLVE,
	R_FINDING_OPEN,
	R_EVENT,
	R_EVENT_AGAIN,
	R_DEV_FIRST,
	R_DEV_WAS,
	R_ROTATED,
	R_MUTED,
	R_LEARNED,
	R_META,
	R_INPUT,
	R__COUNT
};

#define DEV_COLS "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10"

static const char *const sql[R__COUNT] = {
	[R_DEV_INSERT] = "INSERT INTO devices (id, maker, kind, what, brand, model, display, first_us, last_us, record)"
			 " VALUES (" DEV_COLS ") ON CONFLICT (id) DO NOTHING",
	/* label and notes are a person's: never written here */
	[R_DEV_UPDATE] = "UPDATE devices SET maker = ?2, kind = ?3, what = ?4, brand = ?5, model = ?6, display = ?7,"
			 " first_us = min(first_us, ?8), last_us = max(last_us, ?9), record = ?10 WHERE id = ?1",
	[R_DEV_SEEN] = "UPDATE devices SET first_us = min(first_us, ?2), last_us = max(last_us, ?3) WHERE id = ?1",
	[R_DEV_HOUR] = "INSERT INTO device_hours (device, hour_us, pkts_out, pkts_in, bytes_out, bytes_in)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (device, hour_us) DO UPDATE SET"
		       " pkts_out = pkts_out + excluded.pkts_out, pkts_in = pkts_in + excluded.pkts_in,"
		       " bytes_out = bytes_out + excluded.bytes_out, bytes_in = bytes_in + excluded.bytes_in",
	/* a version the table holds: its id, first_us, and whether another
	 * version of the destination was written after it (seq) */
	[R_DEST_FIND] = "SELECT id, first_us, seq < (SELECT max(seq) FROM dests WHERE device = ?1 AND addr = ?2"
			" AND proto = ?3 AND port = ?4 AND inbound = ?5) FROM dests WHERE device = ?1 AND addr = ?2"
			" AND proto = ?3 AND port = ?4 AND inbound = ?5 AND hash = ?6",
	/* the destination's latest version again (?2: its seq, 0 it is),
	 * or one that began earlier than it had */
	[R_DEST_TOUCH] = "UPDATE dests SET seq = max(seq, ?2), first_us = min(first_us, ?3) WHERE id = ?1",
	/* the version's id, made when new (DO UPDATE: so that RETURNING has
	 * the row also when it was there) */
	[R_DEST_VERSION] = "INSERT INTO dests (device, addr, proto, port, inbound, " STORE_DEST_COLS ", hash,"
			   " first_us, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
			   " ?17, ?18, ?19)"
			   " ON CONFLICT (device, addr, proto, port, inbound, hash) DO UPDATE SET hash = excluded.hash"
			   " RETURNING id",
	[R_DEST_HOUR] = "INSERT INTO dest_hour_counts (dest, hour_us, " STORE_COUNT_COLS ")"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (dest, hour_us) DO UPDATE SET"
			" pkts_up = pkts_up + excluded.pkts_up, pkts_down = pkts_down + excluded.pkts_down,"
			" bytes_up = bytes_up + excluded.bytes_up, bytes_down = bytes_down + excluded.bytes_down,"
			" flows = flows + excluded.flows, first_us = min(first_us, excluded.first_us),"
			" last_us = max(last_us, excluded.last_us)",
	[R_NAME] = "INSERT INTO names (device, name, addr, ttl, first_us, last_us) VALUES (?1, ?2, ?3, ?5, ?4, ?4)"
		   " ON CONFLICT (device, name, addr) DO UPDATE SET last_us = max(last_us, excluded.last_us),"
		   " ttl = coalesce(excluded.ttl, ttl)",
	[R_QUERY] = "INSERT INTO queries (device, name, count, first_us, last_us) VALUES (?1, ?2, ?3, ?4, ?4)"
		    " ON CONFLICT (device, name) DO UPDATE SET count = count + excluded.count,"
		    " last_us = max(last_us, excluded.last_us)",
	[R_FINDING] = "INSERT INTO findings (key, kind, severity, device, subject, state, first_us, last_us, count,"
		      " record)"
		      " VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7, 1, ?8) ON CONFLICT (key) DO UPDATE SET"
		      " kind = excluded.kind, severity = excluded.severity, device = excluded.device,"
		      " subject = excluded.subject, state = 'open', first_us = min(first_us, excluded.first_us),"
		      " last_us = max(last_us, excluded.last_us), count = count + 1, record = excluded.record",
	/* found again as it was: the record stands */
	[R_FINDING_SEEN] = "UPDATE findings SET count = count + 1, last_us = max(last_us, ?2), state = 'open'"
			   " WHERE key = ?1",
	[R_RESOLVE] = "UPDATE findings SET state = 'resolved' WHERE rowid IN (SELECT rowid FROM findings"
		      " WHERE state = 'open' AND last_us < ?1 ORDER BY last_us LIMIT ?2)"
		      " RETURNING key, device, kind, severity, json_extract(record, '$.title')",
	/* whether a finding is open in the table (a new one, or one resolved,
	 * opens) */
	[R_FINDING_OPEN] = "SELECT EXISTS (SELECT 1 FROM findings WHERE key = ?1 AND state = 'open')",
	/* an event once per key; again: counted (event()) */
	[R_EVENT] = "INSERT INTO events (time_us, kind, device, key, subject, severity, advice, last_us, state, record)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?1, ?8, ?9) ON CONFLICT (key) DO NOTHING",
	[R_EVENT_AGAIN] = "UPDATE events SET count = count + 1, time_us = min(time_us, ?2), last_us = max(last_us, ?2)"
			  " WHERE key = ?1",
	/* a device's first sight in the history, and whether its learning
	 * period was summed up (or none of its events was learnt) */
	[R_DEV_FIRST] = "SELECT (SELECT first_us FROM devices WHERE id = ?1),"
			" EXISTS (SELECT 1 FROM events WHERE key = 'device-learned/' || ?1),"
			" (SELECT last_us FROM devices WHERE id = ?1),"
			" EXISTS (SELECT 1 FROM events WHERE key = 'new-device/' || ?1"
			" AND json_extract(record, '$.same_as') IS NOT NULL)",
	/* what the history says a device is, before a step writes it again */
	[R_DEV_WAS] = "SELECT kind, json_extract(record, '$.ipv4'), json_extract(record, '$.names') FROM devices"
		      " WHERE id = ?1",
	/* a device of a randomised MAC the history holds with the same DHCP
	 * client id or host name (?2 kind, ?3 value): the same phone, its
	 * MAC rotated */
	[R_ROTATED] = "SELECT d.id FROM devices d, json_each(d.record, '$.evidence') e WHERE d.id != ?1"
		      " AND json_extract(d.record, '$.maker.randomized_mac') = 1"
		      " AND json_extract(e.value, '$.kind') = ?2 AND json_extract(e.value, '$.value') = ?3"
		      " AND d.last_us < ?4 AND NOT EXISTS (SELECT 1 FROM events x WHERE x.kind = 'device-changed'"
		      " AND x.device = d.id AND x.subject LIKE 'mac=%') ORDER BY d.last_us DESC LIMIT 8",
	[R_MUTED] = "SELECT EXISTS (SELECT 1 FROM mutes WHERE device = ?1 AND kind = ?2 AND subject IN ('', ?3))",
	/* what a device's learning period found, by kind */
	[R_LEARNED] = "SELECT kind, count(*), group_concat(subject, ' ') FROM (SELECT kind, subject FROM events"
		      " WHERE device = ?1 AND state = 'learning' ORDER BY time_us) GROUP BY kind ORDER BY kind",
	/* a position never goes back: a run that skips the packets held
	 * reports smaller ones while it skips */
	[R_INPUT] = "INSERT INTO inputs (fingerprint, name, packets, first_us, last_us) VALUES (?1, ?2, ?3, ?4, ?4)"
		    " ON CONFLICT (fingerprint) DO UPDATE SET name = excluded.name,"
		    " packets = max(packets, excluded.packets), last_us = max(last_us, excluded.last_us)",
	[R_META] = "INSERT INTO meta (key, value) VALUES (?1, ?2)"
		   " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
};

struct recorder {
	struct store *s;
	sqlite3 *db;
	sqlite3_stmt *st[R__COUNT];
	/* base: as of the last commit that went through; last: as of the
	 * last step of the transaction open (open set), else unused; cur:
	 * being made by this step, compared with prev() */
	struct memo base, last, cur;
	int open;
	/* the devices the table did not hold, made by the steps of the open
	 * transaction (told when it commits) */
	struct recorder_fresh *fresh;
	size_t n_fresh, cap_fresh, n_told;
	uint64_t rows;        /* of the open transaction */
	struct recorder_mark *marks; /* for the next step (names copied into mark_names) */
	size_t n_marks;
	char *mark_names;
	uint8_t seed[16];
	uint8_t dest_key[16]; /* of the versions' hash: meta dest_hash_key */
	uint64_t seq; /* of the step (dests.seq): one up each step, from the table's highest */
	uint64_t now_us; /* of the step */
	const struct report *rep; /* of the step */
	/* since when the steps came without a gap longer than back_after (a
	 * capture file after another of months before is not watched time),
	 * and the last step's now */
	uint64_t cont_since, last_step_us;
	uint64_t watched_until; /* meta watched_until when the run began: the run before's last step */
	/* the events said (state new) by the steps of the open transaction,
	 * and those of the last commit (told) */
	struct recorder_said *said, *told;
	size_t n_said, cap_said, n_told_said;
	/* recorder_note(): waiting; the first n_notes_written written by the
	 * open transaction (freed when it commits, written again when it is
	 * rolled back) */
	struct note {
		char *kind, *subject, *severity, *advice, *evidence, *device;
		uint64_t time_us;
	} notes[RECORDER_NOTES];
	size_t n_notes, n_notes_written;
	struct recorder_stats stats;
	char *err;
	size_t errlen;
};

static void memo_free(struct memo *m)
{
	free(m->dev);
	free(m->dest);
	free(m->q);
	free(m->names);
	free(m->nm);
	free(m->find);
	memset(m, 0, sizeof *m);
}

/* What a step compares with: the last step's memo while a transaction
 * is open, else the last commit's. */
static const struct memo *prev(const struct recorder *r)
{
	return r->open ? &r->last : &r->base;
}

/* What was written since the last commit is no more (rolled back). */
static void said_free(struct recorder_said *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].device);
		free(v[i].subject);
		free(v[i].severity);
		free(v[i].advice);
		free(v[i].record);
	}
	free(v);
}

/* The first n notes gone (written and committed), the rest moved up. */
static void notes_free(struct recorder *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r->notes[i].kind);
		free(r->notes[i].subject);
		free(r->notes[i].severity);
		free(r->notes[i].advice);
		free(r->notes[i].evidence);
		free(r->notes[i].device);
	}
	memmove(r->notes, r->notes + n, (r->n_notes - n) * sizeof r->notes[0]);
	r->n_notes -= n;
	r->n_notes_written = 0;
}

static void drop_open(struct recorder *r)
{
	if (r->open)
		memo_free(&r->last);
	said_free(r->said, r->n_said);
	r->said = NULL;
	r->n_said = r->cap_said = 0;
	r->n_notes_written = 0;
	r->open = 0;
	r->n_fresh = 0;
	r->rows = 0;
}

/* The versions' hash key, the database's own (a hash made by another key
 * would match no version the tables hold: the same destination would be a
 * new version in each run; a database without one, which the migration
 * makes, keeps this run's seed), and the highest step (seq) the versions
 * have, which this run's steps go on from. */
static void load_dest_state(struct recorder *r)
{
	sqlite3_stmt *q;
	memcpy(r->dest_key, r->seed, sizeof r->dest_key);
	if (sqlite3_prepare_v2(r->db, "SELECT coalesce(max(seq), 0) FROM dests", -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			r->seq = (uint64_t)sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	if (sqlite3_prepare_v2(r->db, "SELECT value FROM meta WHERE key = 'watched_until'", -1, &q, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			r->watched_until = (uint64_t)sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	if (sqlite3_prepare_v2(r->db, "SELECT value FROM meta WHERE key = 'dest_hash_key'", -1, &q, NULL))
		return;
	if (sqlite3_step(q) == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(q, 0);
		uint8_t k[16];
		int ok = v && strlen((const char *)v) == 32;
		for (int i = 0; ok && i < 16; i++) {
			unsigned x;
			ok = sscanf((const char *)v + 2 * i, "%2x", &x) == 1;
			k[i] = (uint8_t)x;
		}
		if (ok)
			memcpy(r->dest_key, k, sizeof k);
	}
	sqlite3_finalize(q);
}

struct recorder *recorder_new(struct store *s)
{
	struct recorder *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->s = s;
	r->db = store_db(s);
	siphash_seed(r->seed);
	load_dest_state(r);
	return r;
}

void recorder_free(struct recorder *r)
{
	if (!r)
		return;
	for (int i = 0; i < R__COUNT; i++)
		sqlite3_finalize(r->st[i]);
	store_rollback(r->s); /* an open transaction: not committed, as documented */
	drop_open(r);
	memo_free(&r->base);
	memo_free(&r->cur);
	free(r->fresh);
	said_free(r->told, r->n_told_said);
	notes_free(r, r->n_notes);
	free(r->marks);
	free(r->mark_names);
	free(r);
}

const struct recorder_stats *recorder_stats(const struct recorder *r)
{
	return &r->stats;
}

uint64_t recorder_pending_rows(const struct recorder *r)
{
	return r->open ? r->rows : 0;
}

/* ---- statements ---------------------------------------------------------- */

static sqlite3_stmt *prep(struct recorder *r, int id)
{
	if (!r->st[id] && sqlite3_prepare_v3(r->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT, &r->st[id], NULL)) {
		store_err(r->s, r->err, r->errlen, "preparing a statement");
		return NULL;
	}
	sqlite3_reset(r->st[id]);
	sqlite3_clear_bindings(r->st[id]);
	return r->st[id];
}

static int done(struct recorder *r, sqlite3_stmt *q, const char *what)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc != SQLITE_DONE) {
		store_err(r->s, r->err, r->errlen, what);
		return -1;
	}
	r->rows += (uint64_t)sqlite3_changes(r->db);
	return 0;
}

/* Text or NULL: an empty string is no value. */
static void text(sqlite3_stmt *q, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, i);
}

static void i64(sqlite3_stmt *q, int i, uint64_t v)
{
	sqlite3_bind_int64(q, i, (sqlite3_int64)v);
}

/* A record's text: compact, in the order output_json writes (malloc'd;
 * NULL when out of memory). */
static char *dump(json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) : NULL;
	json_decref(j);
	return s;
}

static int oom(struct recorder *r)
{
	snprintf(r->err, r->errlen, "%s: out of memory making a record", store_path(r->s));
	return -1;
}

/* ---- the memo ------------------------------------------------------------ */

static int dev_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dev_memo *)a)->id, ((const struct dev_memo *)b)->id);
}

static int dest_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct dest_memo *)a)->k, &((const struct dest_memo *)b)->k, sizeof(struct dest_mkey));
}

static int query_cmp(const void *a, const void *b)
{
	const struct query_memo *x = a, *y = b;
	int c = strcmp(x->dev, y->dev);
	return c ? c : strcmp(x->name, y->name);
}

/* bsearch, also on an empty memo (whose arrays are NULL) */
static const void *find(const void *key, const void *base, size_t n, size_t size,
			int (*cmp)(const void *, const void *))
{
	return n ? bsearch(key, base, n, size, cmp) : NULL;
}

static int finding_cmp(const void *a, const void *b)
{
	return strcmp(((const struct finding_memo *)a)->key, ((const struct finding_memo *)b)->key);
}

static void dest_key(struct dest_mkey *k, const char *dev, const struct rep_dest *x)
{
	memset(k, 0, sizeof *k); /* the padding too: the key is compared as bytes */
	fmt_copy(k->dev, sizeof k->dev, dev);
	k->proto = x->proto;
	k->inbound = (uint8_t)!!x->inbound;
	k->port = x->port;
	k->addr = x->addr;
}

/* The start of the UTC hour of t. */
static uint64_t hour_of(uint64_t t)
{
	return t - t % HOUR_US;
}

/* ---- one device ---------------------------------------------------------- */

static void bind_device(sqlite3_stmt *q, const struct rep_device *d, const char *record)
{
	text(q, 1, d->id);
	text(q, 2, d->maker);
	text(q, 3, d->kind);
	text(q, 4, d->what);
	text(q, 5, d->brand);
	text(q, 6, d->miio_model);
	text(q, 7, d->display);
	i64(q, 8, d->first_us);
	i64(q, 9, d->last_us);
	sqlite3_bind_text(q, 10, record, -1, SQLITE_STATIC);
}

/* ---- events ---------------------------------------------------------------- */

/* One thing to say (docs/store.md, events): kind, device and subject make
 * its key; said once, then counted. */
struct event {
	const char *kind, *device, *subject;
	const char *severity, *advice;
	const char *state; /* "new", or "learning" */
	uint64_t time_us;
	json_t *evidence;  /* taken (NULL: none) */
	const struct rep_device *dev; /* with dest: the flow it is about */
	const struct rep_dest *dest;
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* The device's address of the family of a (the first it has). */
static int dev_addr(const struct rep_device *d, const struct ip_addr *a, struct ip_addr *out)
{
	if (addr_is_v4(a) ? !d->n_ipv4 : !d->n_ipv6)
		return -1;
	*out = addr_is_v4(a) ? d->ipv4[0] : d->ipv6[0];
	return 0;
}

/* An event said (state new, its row new) to tell once the transaction
 * commits: copied. 0, or -1 out of memory. */
static int said_add(struct recorder *r, const struct event *e, const char *record)
{
	if (r->n_said == r->cap_said) {
		size_t n = r->cap_said ? r->cap_said * 2 : 16;
		void *v = realloc(r->said, n * sizeof *r->said);
		if (!v)
			return -1;
		r->said = v;
		r->cap_said = n;
	}
	struct recorder_said *x = &r->said[r->n_said];
	memset(x, 0, sizeof *x);
	x->id = sqlite3_last_insert_rowid(r->db);
	x->time_us = e->time_us;
	x->kind = dup_or_null(e->kind);
	x->device = dup_or_null(e->device);
	x->subject = dup_or_null(e->subject);
	x->severity = dup_or_null(e->severity);
	x->advice = dup_or_null(e->advice);
	x->record = dup_or_null(record);
	if (e->dest && e->dev && dev_addr(e->dev, &e->dest->addr, &x->src) == 0) {
		x->has_flow = 1;
		x->dst = e->dest->addr;
		x->sport = e->dest->first_lport;
		x->dport = e->dest->port;
		x->proto = e->dest->proto;
	}
	r->n_said++;
	if (!x->kind || (e->device && !x->device) || !x->subject || (e->severity && !x->severity) ||
	    (e->advice && !x->advice) || (record && !x->record))
		return -1;
	return 0;
}

/* The answer of a bound SELECT EXISTS (...): 1, 0, or -1 with err
 * naming what. */
static int exists(struct recorder *r, sqlite3_stmt *q, const char *what)
{
	int rc = sqlite3_step(q), yes = rc == SQLITE_ROW && sqlite3_column_int(q, 0);
	sqlite3_reset(q);
	if (rc != SQLITE_ROW) {
		store_err(r->s, r->err, r->errlen, what);
		return -1;
	}
	return yes;
}

/* 1 when a person muted it (alfoil mute), 0 not, -1 with err. */
static int muted(struct recorder *r, const struct event *e)
{
	sqlite3_stmt *q = prep(r, R_MUTED);
	if (!q)
		return -1;
	text(q, 1, e->device);
	text(q, 2, e->kind);
	sqlite3_bind_text(q, 3, e->subject, -1, SQLITE_STATIC);
	return exists(r, q, "reading the mutes");
}

/* Written when its key is new (1), else counted (0); -1 with err. */
static int event(struct recorder *r, struct event *e)
{
	if (e->device && !strcmp(e->state, "new")) {
		int m = muted(r, e);
		if (m < 0) {
			json_decref(e->evidence);
			e->evidence = NULL;
			return -1;
		}
		if (m)
			e->state = "muted";
	}
	char key[1024];
	/* kind/device/subject, kind/device for a device's own */
	int kn = snprintf(key, sizeof key, "%s/%s%s%s", e->kind, e->device ? e->device : "", *e->subject ? "/" : "",
			  e->subject);
	char *record = e->evidence ? dump(e->evidence) : NULL;
	e->evidence = NULL;
	sqlite3_stmt *q = prep(r, R_EVENT);
	if (!q) {
		free(record);
		return -1;
	}
	i64(q, 1, e->time_us);
	text(q, 2, e->kind);
	text(q, 3, e->device);
	sqlite3_bind_text(q, 4, key, kn < (int)sizeof key ? kn : (int)sizeof key - 1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, e->subject, -1, SQLITE_STATIC);
	text(q, 6, e->severity);
	text(q, 7, e->advice);
	text(q, 8, e->state);
	if (record)
		sqlite3_bind_text(q, 9, record, -1, SQLITE_STATIC);
	int rc = done(r, q, "recording an event");
	if (rc) {
		free(record);
		return -1;
	}
	if (sqlite3_changes(r->db) > 0) {
		rc = !strcmp(e->state, "new") ? said_add(r, e, record) : 0;
		free(record);
		return rc < 0 ? oom(r) : 1;
	}
	free(record);
	if (!(q = prep(r, R_EVENT_AGAIN)))
		return -1;
	sqlite3_bind_text(q, 1, key, kn < (int)sizeof key ? kn : (int)sizeof key - 1, SQLITE_STATIC);
	i64(q, 2, e->time_us);
	return done(r, q, "recording an event") ? -1 : 0;
}

/* A device the table did not hold, told when the transaction commits. */
static int fresh_add(struct recorder *r, const struct rep_device *d)
{
	if (r->n_fresh == r->cap_fresh) {
		size_t n = r->cap_fresh ? r->cap_fresh * 2 : 16;
		void *v = realloc(r->fresh, n * sizeof *r->fresh);
		if (!v)
			return -1;
		r->fresh = v;
		r->cap_fresh = n;
	}
	struct recorder_fresh *x = &r->fresh[r->n_fresh++];
	fmt_copy(x->id, sizeof x->id, d->id);
	fmt_copy(x->maker, sizeof x->maker, d->maker ? d->maker : "");
	return 0;
}

/* For a device of a randomised MAC: the device the history holds (of a
 * randomised MAC too, last seen before this one was first, not taken by
 * a MAC after it already) with its DHCP
 * client id, else its DHCP host name (not one many phones give, like
 * "iPhone"), in same (empty when none); by and val: which, pointing into
 * d. 0, or -1 with err. */
static int rotated_from(struct recorder *r, const struct rep_device *d, char same[ADDR_STRLEN], const char **by,
			const char **val)
{
	static const char *const kinds[] = { "dhcp-client-id", "dhcp-hostname" };
	/* names many phones give: not one phone's */
	static const char *const generic[] = { "iphone", "ipad", "android", "localhost", "galaxy", "phone", "unknown",
					       NULL };
	for (size_t k = 0; k < 2 && !*same; k++)
		for (size_t i = 0; i < d->n_attrs && !*same; i++) {
			if (strcmp(d->attrs[i].kind, kinds[k]) || !d->attrs[i].value || !*d->attrs[i].value)
				continue;
			int common = 0;
			for (size_t g = 0; k == 1 && generic[g]; g++)
				common |= !strcasecmp(d->attrs[i].value, generic[g]);
			if (common)
				continue;
			sqlite3_stmt *q = prep(r, R_ROTATED);
			if (!q)
				return -1;
			text(q, 1, d->id);
			text(q, 2, kinds[k]);
			sqlite3_bind_text(q, 3, d->attrs[i].value, -1, SQLITE_STATIC);
			/* gone before this one came: two at once are two phones */
			i64(q, 4, d->first_us);
			int rc = SQLITE_DONE;
			while (!*same && (rc = sqlite3_step(q)) == SQLITE_ROW) {
				/* one the report has is here still: not this one's past */
				const char *id = (const char *)sqlite3_column_text(q, 0);
				int here = 0;
				for (size_t j = 0; id && j < r->rep->n_devices && !here; j++)
					here = !strcmp(r->rep->devices[j].id, id);
				if (id && !here) {
					fmt_copy(same, ADDR_STRLEN, id);
					*by = kinds[k];
					*val = d->attrs[i].value;
				}
			}
			if (*same)
				rc = SQLITE_DONE;
			sqlite3_reset(q);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
				store_err(r->s, r->err, r->errlen, "reading the devices");
				return -1;
			}
		}
	return 0;
}

/* The devices row (made, or updated but for label and notes) and, for a
 * device the table did not hold, its 'new-device' event. */
static int write_device(struct recorder *r, const struct rep_device *d, const char *record, uint64_t now_us)
{
	sqlite3_stmt *q = prep(r, R_DEV_INSERT);
	if (!q)
		return -1;
	bind_device(q, d, record);
	if (done(r, q, "recording a device"))
		return -1;
	if (sqlite3_changes(r->db) == 0) {
		if (!(q = prep(r, R_DEV_UPDATE)))
			return -1;
		bind_device(q, d, record);
		return done(r, q, "recording a device");
	}
	char same[ADDR_STRLEN] = "";
	const char *by = NULL, *val = NULL;
	if (d->randomized_mac && rotated_from(r, d, same, &by, &val) < 0)
		return -1;
	if (!*same && fresh_add(r, d)) /* a known phone's new MAC is no new device */
		return oom(r);
	json_t *ev = json_object();
	if (!ev)
		return oom(r);
	if (*same) {
		json_object_set_new(ev, "same_as", json_string(same));
		json_object_set_new(ev, "by", json_string(by));
		json_object_set_new(ev, "value", json_string(val));
		struct dev_memo *m = &r->cur.dev[r->cur.n_dev - 1];
		m->rotated = 1;
	}
	json_object_set_new(ev, "display_name", json_string(d->display));
	json_object_set_new(ev, "maker", d->maker ? json_string(d->maker) : json_null());
	json_object_set_new(ev, "kind", d->kind ? json_string(d->kind) : json_null());
	struct event e = { "new-device", d->id, "", "medium",
			   "a device this network has not had before: if nobody here knows it, find it (its maker "
			   "and addresses are above) and take it off the network",
			   *same ? "acked" : "new", d->first_us ? d->first_us : now_us, ev, NULL, NULL };
	if (event(r, &e) < 0)
		return -1;
	if (!*same)
		return 0;
	/* said as what it is: the known device under a new (randomised) MAC */
	json_t *cv = json_object();
	if (!cv)
		return oom(r);
	json_object_set_new(cv, "field", json_string("mac"));
	json_object_set_new(cv, "from", json_string(same));
	json_object_set_new(cv, "to", json_string(d->id));
	json_object_set_new(cv, "by", json_string(by));
	char subj[64];
	snprintf(subj, sizeof subj, "mac=%s", d->id);
	struct event c = { "device-changed", same, subj, "info",
			   "a phone or tablet that randomises its MAC took a new one; the same device by its DHCP "
			   "name: not a new device",
			   "new", d->first_us ? d->first_us : now_us, cv, NULL, NULL };
	return event(r, &c) < 0 ? -1 : 0;
}

/* The device's first sight in the history and where its learning period
 * stands (m->learn, m->first_us), read once a run. */
static int learn_read(struct recorder *r, const struct rep_device *d, struct dev_memo *m)
{
	sqlite3_stmt *q = prep(r, R_DEV_FIRST);
	if (!q)
		return -1;
	text(q, 1, d->id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		m->first_us = sqlite3_column_type(q, 0) == SQLITE_NULL ? d->first_us
									: (uint64_t)sqlite3_column_int64(q, 0);
		m->learn = sqlite3_column_int(q, 1) || !store_config(r->s)->learn_s ? LEARN_DONE : LEARN_ON;
		m->hist_last = (uint64_t)sqlite3_column_int64(q, 2);
		m->rotated = (uint8_t)sqlite3_column_int(q, 3);
		rc = sqlite3_step(q);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE) {
		store_err(r->s, r->err, r->errlen, "reading a device's first sight");
		return -1;
	}
	return 0;
}

/* A device past its learning period: what it found, in one event
 * (device-learned), when it found anything. */
static int learn_end(struct recorder *r, const struct rep_device *d, struct dev_memo *m, uint64_t now_us)
{
	m->learn = LEARN_DONE;
	if (m->rotated) /* the same phone as before: nothing it learnt is news */
		return 0;
	sqlite3_stmt *q = prep(r, R_LEARNED);
	if (!q)
		return -1;
	text(q, 1, d->id);
	json_t *ev = json_object();
	int rc, any = 0;
	while (ev && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(q, 0);
		const char *subjects = (const char *)sqlite3_column_text(q, 2);
		json_t *o = json_object();
		json_object_set_new(o, "count", json_integer(sqlite3_column_int64(q, 1)));
		json_object_set_new(o, "subjects", json_string(subjects ? subjects : ""));
		json_object_set_new(ev, kind ? kind : "?", o);
		any = 1;
	}
	sqlite3_reset(q);
	if (!ev)
		return oom(r);
	if (rc != SQLITE_DONE) {
		json_decref(ev);
		store_err(r->s, r->err, r->errlen, "reading a device's learning period");
		return -1;
	}
	if (!any) {
		json_decref(ev);
		return 0;
	}
	json_object_set_new(ev, "hours", json_integer((json_int_t)(store_config(r->s)->learn_s / 3600)));
	struct event e = { "device-learned", d->id, "", "info",
			   "what this device did in its first hours, in one: from now on each new destination, "
			   "country or company is an event of its own",
			   "new", now_us, ev, NULL, NULL };
	return event(r, &e) < 0 ? -1 : 0;
}

static const char *dest_subject(const struct recorder *r, const struct rep_dest *x, char *buf, size_t n)
{
	char a[ADDR_STRLEN];
	return store_dest_subject(r->s, x->domain, x->asn, addr_fmt(&x->addr, a), buf, n);
}

static json_t *dest_evidence(const struct rep_dest *x)
{
	char a[ADDR_STRLEN];
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "address", json_string(addr_fmt(&x->addr, a)));
	json_object_set_new(o, "proto", json_string(rep_proto_name(x->proto)));
	json_object_set_new(o, "port", json_integer(x->port));
	json_object_set_new(o, "domain", x->domain && *x->domain ? json_string(x->domain) : json_null());
	json_object_set_new(o, "country", x->country[0] ? json_string(x->country) : json_null());
	json_object_set_new(o, "asn", x->asn ? json_integer(x->asn) : json_null());
	json_object_set_new(o, "org", x->org ? json_string(x->org) : json_null());
	json_object_set_new(o, "company", x->company ? json_string(x->company) : json_null());
	json_object_set_new(o, "inbound", json_boolean(x->inbound));
	json_object_set_new(o, "bytes_up", json_integer((json_int_t)x->bytes_up));
	json_object_set_new(o, "bytes_down", json_integer((json_int_t)x->bytes_down));
	return o;
}

/* A version of an internet destination the tables did not hold: a new
 * destination, country or company of the device when its key is new
 * (a new address of a known domain is not). In its learning period they
 * are kept as learnt, said at its end in one. */
static int dest_events(struct recorder *r, const struct rep_device *d, const struct rep_dest *x, uint64_t now_us)
{
	if (!x->internet || x->inbound)
		return 0;
	const struct dev_memo *m = &r->cur.dev[r->cur.n_dev - 1];
	const char *state = m->learn == LEARN_ON ? "learning" : "new";
	uint64_t t = x->first_us ? x->first_us : now_us;
	char subj[300];
	/* one evidence for the three: each event() takes a reference */
	json_t *ev = dest_evidence(x);
	int rc = -1;
	struct event e = { "new-destination", d->id, dest_subject(r, x, subj, sizeof subj), "low",
			   "a destination this device never used before: if its maker's app does not need it, "
			   "alfoil profile and enforce can hold the device to what it used so far",
			   state, t, json_incref(ev), d, x };
	if (event(r, &e) < 0)
		goto out;
	/* infrastructure (the NTP pool's volunteers, connectivity checks) is
	 * anywhere by design: not a country the device chose; the report
	 * folds it out of its country view too */
	if (x->country[0] && !x->infra) {
		struct event c = { "new-country", d->id, x->country, x->abroad ? "medium" : "low",
				   "the device sends data to a country it never did before: a firmware or cloud "
				   "change, or a region setting in its app; if unexpected, hold it with alfoil enforce",
				   state, t, json_incref(ev), d, x };
		if (event(r, &c) < 0)
			goto out;
	}
	if (x->company && *x->company) {
		struct event c = { "new-company", d->id, x->company, "low",
				   "the device talks to a company's cloud it never did before: check that its "
				   "maker names that company (a white-label device often does not)",
				   state, t, json_incref(ev), d, x };
		if (event(r, &c) < 0)
			goto out;
	}
	rc = 0;
out:
	json_decref(ev);
	return rc;
}

/* A device seen since with the record it had: its first and last seen. */
static int device_seen(struct recorder *r, const struct rep_device *d)
{
	sqlite3_stmt *q = prep(r, R_DEV_SEEN);
	if (!q)
		return -1;
	text(q, 1, d->id);
	i64(q, 2, d->first_us);
	i64(q, 3, d->last_us);
	return done(r, q, "recording a device");
}

static int name_cmp(const void *a, const void *b)
{
	const struct name_memo *x = a, *y = b;
	int c = strcmp(x->dev, y->dev);
	return c ? c : (x->h > y->h) - (x->h < y->h);
}

/* The names rows of a device: each name and address not written before,
 * and all of them on its first step of a UTC day (day: their last_us keeps
 * them from retention, counted in days, while the device still has
 * them). A TTL is written with them (a new TTL of a name written today
 * waits for the next day). */
static int write_names(struct recorder *r, const struct rep_device *d, uint64_t now_us, int day)
{
	for (size_t i = 0; i < d->n_resolved; i++) {
		struct name_memo *m = &r->cur.nm[r->cur.n_nm++];
		fmt_copy(m->dev, sizeof m->dev, d->id);
		uint64_t x[2] = { siphash13(d->resolved[i].name, strlen(d->resolved[i].name), r->seed),
				  siphash13(d->resolved[i].addr.b, 16, r->seed) };
		m->h = siphash13(x, sizeof x, r->seed);
		if (!day && find(m, prev(r)->nm, prev(r)->n_nm, sizeof *m, name_cmp))
			continue;
		sqlite3_stmt *q = prep(r, R_NAME);
		if (!q)
			return -1;
		char addr[ADDR_STRLEN];
		text(q, 1, d->id);
		sqlite3_bind_text(q, 2, d->resolved[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, addr_fmt(&d->resolved[i].addr, addr), -1, SQLITE_TRANSIENT);
		i64(q, 4, now_us);
		if (d->resolved[i].ttl)
			i64(q, 5, d->resolved[i].ttl);
		if (done(r, q, "recording a name"))
			return -1;
	}
	return 0;
}

/* The queries' deltas (a count lower than before: the tracker made the
 * entry again, the whole count is new). */
static int write_queries(struct recorder *r, const struct rep_device *d, uint64_t now_us)
{
	for (size_t i = 0; i < d->n_queries; i++) {
		struct query_memo *m = &r->cur.q[r->cur.n_q++];
		fmt_copy(m->dev, sizeof m->dev, d->id);
		m->name = d->queries[i].name;
		m->count = d->queries[i].count;
		const struct query_memo *o = find(m, prev(r)->q, prev(r)->n_q, sizeof *m, query_cmp);
		uint32_t delta = o && o->count <= m->count ? m->count - o->count : m->count;
		if (!delta)
			continue;
		sqlite3_stmt *q = prep(r, R_QUERY);
		if (!q)
			return -1;
		text(q, 1, d->id);
		sqlite3_bind_text(q, 2, m->name, -1, SQLITE_STATIC);
		i64(q, 3, delta);
		i64(q, 4, now_us);
		if (done(r, q, "recording a query"))
			return -1;
	}
	return 0;
}

/* ?1..?5: the destination's key (device, addr, proto, port, inbound); the
 * address is formatted into addr, which must outlive the statement's run. */
static void bind_dest_key(sqlite3_stmt *q, const struct rep_device *d, const struct rep_dest *x,
			  char addr[ADDR_STRLEN])
{
	text(q, 1, d->id);
	sqlite3_bind_text(q, 2, addr_fmt(&x->addr, addr), -1, SQLITE_STATIC);
	i64(q, 3, x->proto);
	i64(q, 4, x->port);
	i64(q, 5, !!x->inbound);
}

/* The version m->ver the destination's latest again (seq: this step's,
 * 0 it is so), and its first_us first_us when that is earlier. */
static int touch_version(struct recorder *r, struct dest_memo *m, uint64_t seq, uint64_t first_us)
{
	sqlite3_stmt *q = prep(r, R_DEST_TOUCH);
	if (!q)
		return -1;
	i64(q, 1, (uint64_t)m->ver);
	i64(q, 2, seq);
	i64(q, 3, first_us);
	if (first_us < m->ver_first)
		m->ver_first = first_us;
	return done(r, q, "recording a destination");
}

/* The version of x its counts go under (m->ver): the one the memo has
 * when x says what it said (the hash) and no versions may have gone since
 * (the epoch), else made or found by its hash. 0, or -1 with err. */
static int dest_version(struct recorder *r, const struct rep_device *d, const struct rep_dest *x,
			struct dest_memo *m, const struct dest_memo *o)
{
	m->ver_hash = output_json_dest_hash(x, r->dest_key);
	m->ver_epoch = store_dest_epoch(r->s);
	if (o && o->ver && o->ver_hash == m->ver_hash && o->ver_epoch == m->ver_epoch) {
		/* the version the destination's last step counted under: its
		 * latest still (one writer), its first_us made earlier when this
		 * entry began before (a file whose clock went back) */
		m->ver = o->ver;
		m->ver_first = o->ver_first;
		if (x->first_us >= o->ver_first)
			return 0;
		return touch_version(r, m, 0, x->first_us);
	}
	/* a version the tables hold (a destination made again by the
	 * tracker, one seen in an earlier run), else a new one */
	sqlite3_stmt *q = prep(r, R_DEST_FIND);
	if (!q)
		return -1;
	char addr[ADDR_STRLEN];
	bind_dest_key(q, d, x, addr);
	i64(q, 6, m->ver_hash);
	int rc = sqlite3_step(q);
	m->ver = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	m->ver_first = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(q, 1) : x->first_us;
	int older = rc == SQLITE_ROW && sqlite3_column_int(q, 2);
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc != SQLITE_DONE) {
		store_err(r->s, r->err, r->errlen, "recording a destination");
		return -1;
	}
	if (m->ver)
		return older || x->first_us < m->ver_first ? touch_version(r, m, older ? r->seq : 0, x->first_us) : 0;
	/* the record without what the rows count (dest_hours sums them) */
	json_t *j = output_json_dest(x);
	output_json_uncount(j);
	char *record = dump(j);
	q = record ? prep(r, R_DEST_VERSION) : NULL;
	if (!q) {
		free(record);
		return record ? -1 : oom(r);
	}
	bind_dest_key(q, d, x, addr);
	text(q, 6, x->domain);
	text(q, 7, rep_domain_src_name(x->domain_source));
	text(q, 8, x->company);
	text(q, 9, x->service);
	text(q, 10, x->country);
	if (x->asn)
		i64(q, 11, x->asn);
	text(q, 12, x->org);
	text(q, 13, app_proto_name(x->app));
	text(q, 14, enc_state_name(x->enc));
	text(q, 15, rep_scope_name(x->scope));
	sqlite3_bind_text(q, 16, record, -1, SQLITE_STATIC);
	i64(q, 17, m->ver_hash);
	i64(q, 18, x->first_us);
	i64(q, 19, r->seq);
	rc = sqlite3_step(q);
	m->ver = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(q);
	sqlite3_reset(q);
	free(record);
	if (rc != SQLITE_DONE || !m->ver) {
		store_err(r->s, r->err, r->errlen, "recording a destination");
		return -1;
	}
	r->rows++;
	return dest_events(r, d, x, r->now_us);
}

static int write_dest(struct recorder *r, const struct rep_device *d, const struct rep_dest *x)
{
	struct dest_memo *m = &r->cur.dest[r->cur.n_dest++];
	dest_key(&m->k, d->id, x);
	m->pkts_up = x->pkts_up;
	m->pkts_down = x->pkts_down;
	m->bytes_up = x->bytes_up;
	m->bytes_down = x->bytes_down;
	m->flows = x->flows;
	m->last_us = x->last_us;
	m->incarnation = x->incarnation;
	const struct dest_memo *known = find(m, prev(r)->dest, prev(r)->n_dest, sizeof *m, dest_cmp), *o = known;
	/* made again (another handle), or any counter lower than written: the
	 * tracker lost the entry and made it again since, all of it is new
	 * (counters alone miss an entry made again that has already done more
	 * than the one written) */
	if (o && (o->incarnation != m->incarnation || o->pkts_up > m->pkts_up || o->pkts_down > m->pkts_down ||
		  o->bytes_up > m->bytes_up || o->bytes_down > m->bytes_down || o->flows > m->flows))
		o = NULL;
	uint64_t dp_up = m->pkts_up - (o ? o->pkts_up : 0), dp_down = m->pkts_down - (o ? o->pkts_down : 0);
	uint64_t db_up = m->bytes_up - (o ? o->bytes_up : 0), db_down = m->bytes_down - (o ? o->bytes_down : 0);
	uint64_t dflows = m->flows - (o ? o->flows : 0);
	if (!(dp_up | dp_down | db_up | db_down | dflows)) {
		m->ver = known ? known->ver : 0;
		m->ver_hash = known ? known->ver_hash : 0;
		m->ver_epoch = known ? known->ver_epoch : 0;
		m->ver_first = known ? known->ver_first : 0;
		return 0;
	}
	/* the traffic of this delta began after what was written last */
	uint64_t first = o && o->last_us > x->first_us ? o->last_us : x->first_us;
	if (dest_version(r, d, x, m, known))
		return -1;
	sqlite3_stmt *q = prep(r, R_DEST_HOUR);
	if (!q)
		return -1;
	i64(q, 1, (uint64_t)m->ver);
	i64(q, 2, hour_of(x->last_us));
	i64(q, 3, dp_up);
	i64(q, 4, dp_down);
	i64(q, 5, db_up);
	i64(q, 6, db_down);
	i64(q, 7, dflows);
	i64(q, 8, first);
	i64(q, 9, x->last_us);
	return done(r, q, "recording a destination");
}

/* One device-changed event: field was from, is to. */
static int changed_one(struct recorder *r, const struct rep_device *d, const char *field, const char *from,
		       const char *to, const char *sev, const char *advice, uint64_t now_us)
{
	char subj[300];
	snprintf(subj, sizeof subj, "%s=%s", field, to);
	json_t *ev = json_object();
	if (!ev)
		return oom(r);
	json_object_set_new(ev, "field", json_string(field));
	json_object_set_new(ev, "from", json_string(from));
	json_object_set_new(ev, "to", json_string(to));
	struct event e = { "device-changed", d->id, subj, sev, advice, "new", d->last_us ? d->last_us : now_us, ev,
			   NULL, NULL };
	return event(r, &e) < 0 ? -1 : 0;
}

static int differs(const char *was, const char *is)
{
	/* from nothing, or from unknown, to something is the device better
	 * known, not changed */
	return was && is && *was && *is && strcmp(was, "unknown") && strcmp(is, "unknown") && strcmp(was, is);
}

/* The strings of a JSON array (of objects: their key k), as text. */
static size_t json_list(const char *text, const char *k, const char **out, size_t max, json_t **hold)
{
	json_error_t je;
	*hold = text ? json_loads(text, 0, &je) : NULL;
	size_t n = 0, i;
	json_t *v;
	json_array_foreach (*hold, i, v) {
		const char *s = json_string_value(k ? json_object_get(v, k) : v);
		if (s && *s && n < max)
			out[n++] = s;
	}
	return n;
}

/* Before its row is written again: what changed of the device the history
 * held. Its kind (another device behind the same address: a replacement,
 * or one pretending), its addresses and its names, when none of what it
 * had is left (a device with two names or two addresses shows them in
 * either order). Its brand is not compared: which of a white-label
 * device's makers (the module's, the cloud's) is its brand goes with the
 * evidence the tracker holds. */
static int device_changed(struct recorder *r, const struct rep_device *d, uint64_t now_us)
{
	sqlite3_stmt *q = prep(r, R_DEV_WAS);
	if (!q)
		return -1;
	text(q, 1, d->id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_DONE) { /* a new device */
		sqlite3_reset(q);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(q);
		store_err(r->s, r->err, r->errlen, "reading a device");
		return -1;
	}
	char kind[128];
	const char *k = (const char *)sqlite3_column_text(q, 0);
	snprintf(kind, sizeof kind, "%s", k ? k : "");
	const char *old4[16], *oldn[16];
	json_t *h4, *hn;
	size_t n4 = json_list((const char *)sqlite3_column_text(q, 1), NULL, old4, 16, &h4);
	size_t nn = json_list((const char *)sqlite3_column_text(q, 2), "name", oldn, 16, &hn);
	sqlite3_reset(q);
	int bad = 0;
	if (differs(kind, d->kind))
		bad = changed_one(r, d, "kind", kind, d->kind, "medium",
				  "the device says it is another kind than before: a device replaced, or one pretending "
				  "to be it; check what is at its address", now_us);
	char a[ADDR_STRLEN];
	int kept = 0;
	for (size_t i = 0; i < d->n_ipv4 && !kept; i++) {
		addr_fmt(&d->ipv4[i], a);
		for (size_t j = 0; j < n4 && !kept; j++)
			kept = !strcmp(old4[j], a);
	}
	if (!bad && n4 && d->n_ipv4 && !kept)
		bad = changed_one(r, d, "address", old4[0], addr_fmt(&d->ipv4[0], a), "info",
				  "the device has another address: usually a new DHCP lease; rules by address need it",
				  now_us);
	kept = 0;
	for (size_t i = 0; i < d->n_names && !kept; i++)
		for (size_t j = 0; j < nn && !kept; j++)
			kept = !strcmp(oldn[j], d->names[i].name);
	if (!bad && nn && d->n_names && !kept)
		bad = changed_one(r, d, "name", oldn[0], d->names[0].name, "low",
				  "the device calls itself something else: a firmware update, a reset, or another device",
				  now_us);
	json_decref(h4);
	json_decref(hn);
	return bad;
}

/* The device-back event of a device last seen at last, seen again at
 * seen; once a day at most (its subject is the day). The callers say
 * whether alfoil watched the absence. */
static int device_back(struct recorder *r, const struct rep_device *d, uint64_t last, uint64_t seen)
{
	char day[32], lastb[32];
	fmt_time(day, seen, 1);
	day[10] = '\0';
	json_t *ev = json_object();
	if (!ev)
		return oom(r);
	json_object_set_new(ev, "last_seen", json_string(fmt_time(lastb, last, 1)));
	json_object_set_new(ev, "absent_hours", json_integer((json_int_t)((seen - last) / (3600 * US))));
	struct event e = { "device-back", d->id, day, "low",
			   "a device that was away is back: if nobody here brought it back, check what it is",
			   "new", seen, ev, NULL, NULL };
	return event(r, &e) < 0 ? -1 : 0;
}

static int record_device(struct recorder *r, const struct rep_device *d, uint64_t now_us)
{
	struct dev_memo *m = &r->cur.dev[r->cur.n_dev++];
	memset(m, 0, sizeof *m);
	fmt_copy(m->id, sizeof m->id, d->id);
	m->pkts_out = d->pkts_out;
	m->pkts_in = d->pkts_in;
	m->bytes_out = d->bytes_out;
	m->bytes_in = d->bytes_in;
	m->last_us = d->last_us;
	m->incarnation = d->incarnation;
	const struct dev_memo *o = find(m, prev(r)->dev, prev(r)->n_dev, sizeof *m, dev_cmp);
	uint64_t after = store_config(r->s)->back_after_s * US;
	/* first seen by this run (or again after the tracker forgot it): its
	 * history before this step writes it */
	if (!o && learn_read(r, d, m))
		return -1;
	/* made again (another handle), or a counter lower than written: the
	 * tracker lost the device and made it again, all of it is new */
	int remade = o && (o->incarnation != m->incarnation || o->pkts_out > m->pkts_out || o->pkts_in > m->pkts_in ||
			   o->bytes_out > m->bytes_out || o->bytes_in > m->bytes_in);
	/* a device without a packet since (its counters and last_us as
	 * written) has the record it had: what it is and its names come
	 * from its packets. Its JSON is the larger part of a quiet commit. */
	int quiet = o && !remade && o->last_us == m->last_us && o->pkts_out == m->pkts_out &&
		    o->pkts_in == m->pkts_in && o->bytes_out == m->bytes_out && o->bytes_in == m->bytes_in;
	if (quiet) {
		m->record_hash = o->record_hash;
	} else {
		/* its DNS lists are the names and queries tables' (history.c
		 * reads them there): not written again in every record */
		struct rep_device bare = *d;
		bare.n_queries = 0;
		bare.n_resolved = 0;
		m->record_hash = output_json_device_hash(&bare, r->seed);
		int rc = 0;
		if (!o || o->record_hash != m->record_hash) {
			/* without what the columns and device_hours hold */
			json_t *j = output_json_device(&bare, 0);
			output_json_uncount(j);
			char *record = dump(j);
			if (!record)
				return oom(r);
			rc = device_changed(r, d, now_us);
			if (!rc)
				rc = write_device(r, d, record, now_us);
			free(record);
		} else if (o->last_us != m->last_us) {
			rc = device_seen(r, d); /* the record stands */
		}
		if (rc)
			return -1;
	}
	if (o) {
		m->learn = o->learn;
		m->first_us = o->first_us;
		m->rotated = o->rotated;
	} else {
		/* first seen by this run, or again after the tracker forgot it:
		 * back when the history last saw it --back-after before, and
		 * this run's steps went on without a gap since, or the run
		 * before this one watched that long after it */
		uint64_t seen = d->first_us > m->hist_last ? d->first_us : now_us;
		if (after && m->hist_last && seen >= m->hist_last + after &&
		    (m->hist_last >= r->cont_since || r->watched_until >= m->hist_last + after) &&
		    device_back(r, d, m->hist_last, seen))
			return -1;
	}
	/* the tracker kept it through the absence (--device-idle is longer):
	 * the steps in which it had no packet (by the steps' own time, so
	 * that capture files months apart, or out of order, are no absence)
	 * went on without a gap for --back-after */
	if (o && quiet)
		m->absent_from = o->absent_from ? o->absent_from : now_us;
	else if (o && o->absent_from && after && now_us >= o->absent_from + after && o->absent_from >= r->cont_since &&
		 device_back(r, d, o->last_us, d->last_us))
		return -1;
	if (m->learn == LEARN_ON && now_us >= m->first_us + store_config(r->s)->learn_s * US &&
	    learn_end(r, d, m, now_us))
		return -1;
	const struct dev_memo *base = remade ? NULL : o;
	uint64_t d1 = m->pkts_out - (base ? base->pkts_out : 0), d2 = m->pkts_in - (base ? base->pkts_in : 0);
	uint64_t d3 = m->bytes_out - (base ? base->bytes_out : 0), d4 = m->bytes_in - (base ? base->bytes_in : 0);
	if (d1 | d2 | d3 | d4) {
		sqlite3_stmt *q = prep(r, R_DEV_HOUR);
		if (!q)
			return -1;
		text(q, 1, d->id);
		i64(q, 2, hour_of(d->last_us));
		i64(q, 3, d1);
		i64(q, 4, d2);
		i64(q, 5, d3);
		i64(q, 6, d4);
		if (done(r, q, "recording a device's counters"))
			return -1;
	}
	/* names (a device without a packet since has no answer it did not
	 * have: they come with packets, and it writes none) */
	m->names_day = quiet ? o->names_day : now_us - now_us % DAY_US;
	if (write_names(r, d, now_us, !quiet && (!o || o->names_day != m->names_day)))
		return -1;
	if (write_queries(r, d, now_us))
		return -1;
	for (size_t i = 0; i < d->n_dests; i++)
		if (write_dest(r, d, &d->dests[i]))
			return -1;
	return 0;
}

/* ---- findings and the rest ------------------------------------------------- */

static uint64_t mix(const struct recorder *r, uint64_t h, const void *p, size_t n)
{
	uint64_t x = siphash13(p, n, r->seed);
	return h ^ (x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
}

static uint64_t mix_str(const struct recorder *r, uint64_t h, const char *s)
{
	return s ? mix(r, h, s, strlen(s) + 1) : mix(r, h, "", 0);
}

/* Every value of the evidence, in order, lists and their items too. */
static uint64_t hash_fset(const struct recorder *r, uint64_t h, const struct fset *e)
{
	for (size_t i = 0; i < e->n; i++) {
		const struct fval *v = &e->v[i];
		h = mix_str(r, h, v->name);
		h = mix(r, h, &v->type, sizeof v->type);
		switch (v->type) {
		case FV_ADDR:
			h = mix(r, h, v->v.addr.b, sizeof v->v.addr.b);
			break;
		case FV_REAL:
			h = mix(r, h, &v->v.d, sizeof v->v.d);
			break;
		case FV_NAME:
		case FV_DEVICE:
			h = mix_str(r, h, v->v.s);
			break;
		case FV_LIST:
			h = mix(r, h, &v->v.list.total, sizeof v->v.list.total);
			for (uint32_t k = 0; k < v->v.list.n; k++)
				h = hash_fset(r, h, &v->v.list.v[k]);
			break;
		case FV_NONE:
			break;
		default:
			h = mix(r, h, &v->v.u, sizeof v->v.u);
		}
	}
	return h;
}

/* What the finding's record is made of: the same hash, the same record. */
static uint64_t hash_finding(const struct recorder *r, const struct finding *x)
{
	uint64_t h = mix(r, 0, &x->sev, sizeof x->sev);
	h = mix_str(r, h, x->detector);
	h = mix_str(r, h, x->device);
	h = mix_str(r, h, x->subject);
	h = mix(r, h, &x->first_us, sizeof x->first_us);
	h = mix(r, h, &x->last_us, sizeof x->last_us);
	return hash_fset(r, h, &x->ev);
}

/* A finding found as the last commit wrote it: count and time only
 * (its words and evidence made again cost more than the rest of a quiet
 * commit). 1 when done, 0 when the row must be written whole, -1. */
static int finding_seen(struct recorder *r, const struct finding *x, uint64_t now_us)
{
	sqlite3_stmt *q = prep(r, R_FINDING_SEEN);
	if (!q)
		return -1;
	text(q, 1, x->key);
	i64(q, 2, now_us);
	if (done(r, q, "recording a finding"))
		return -1;
	return sqlite3_changes(r->db) > 0;
}

/* 1 when the table has x open already, 0 when writing it opens it (new,
 * or resolved before), -1 with err; returned the other way round. */
static int finding_opens(struct recorder *r, const struct finding *x)
{
	sqlite3_stmt *q = prep(r, R_FINDING_OPEN);
	if (!q)
		return -1;
	text(q, 1, x->key);
	int open = exists(r, q, "reading a finding");
	return open < 0 ? -1 : !open;
}

/* The finding-opened event of x: its words, evidence and advice. */
static int finding_opened(struct recorder *r, const struct finding *x, uint64_t now_us)
{
	struct finding_words fw;
	finding_words(x, &fw);
	json_t *ev = json_object();
	if (!ev)
		return oom(r);
	json_object_set_new(ev, "detector", json_string(x->detector ? x->detector : "?"));
	json_object_set_new(ev, "title", json_string(fw.title));
	json_object_set_new(ev, "evidence", fw.evidence[0] ? json_string(fw.evidence) : json_null());
	/* what a MUD profile does not allow is said as such */
	int dev = x->detector && !strcmp(x->detector, "profile-deviation");
	struct event e = { dev ? "profile-deviation" : "finding-opened", x->device[0] ? x->device : NULL, x->key,
			   severity_name(x->sev),
			   fw.advice ? fw.advice : "see the finding in alfoil report", "new",
			   x->first_us ? x->first_us : now_us, ev, NULL, NULL };
	return event(r, &e) < 0 ? -1 : 0;
}

/* The notes not yet written by the open transaction. */
static int write_notes(struct recorder *r)
{
	for (; r->n_notes_written < r->n_notes; r->n_notes_written++) {
		struct note *x = &r->notes[r->n_notes_written];
		json_error_t je;
		struct event e = { x->kind, x->device, x->subject, x->severity, x->advice, "new", x->time_us,
				   x->evidence ? json_loads(x->evidence, 0, &je) : NULL, NULL, NULL };
		if (event(r, &e) < 0)
			return -1;
	}
	return 0;
}

static int record_findings(struct recorder *r, const struct findings *f, uint64_t now_us)
{
	size_t n = f ? f->n : 0;
	if (!(r->cur.find = malloc((n ? n : 1) * sizeof *r->cur.find)))
		return oom(r);
	for (size_t i = 0; i < n; i++) {
		const struct finding *x = &f->v[i];
		struct finding_memo *m = &r->cur.find[r->cur.n_find++];
		fmt_copy(m->key, sizeof m->key, x->key);
		m->hash = hash_finding(r, x);
		const struct finding_memo *o = find(m, prev(r)->find, prev(r)->n_find, sizeof *m, finding_cmp);
		if (o && o->hash == m->hash) {
			int seen = finding_seen(r, x, now_us);
			if (seen < 0)
				return -1;
			if (seen)
				continue;
		}
		int opens = finding_opens(r, x);
		if (opens < 0)
			return -1;
		if (opens && finding_opened(r, x, now_us) < 0)
			return -1;
		char *record = dump(output_json_finding(x));
		if (!record)
			return oom(r);
		sqlite3_stmt *q = prep(r, R_FINDING);
		if (!q) {
			free(record);
			return -1;
		}
		text(q, 1, x->key);
		text(q, 2, x->detector);
		text(q, 3, severity_name(x->sev));
		text(q, 4, x->device);
		text(q, 5, x->subject);
		i64(q, 6, x->first_us ? x->first_us : now_us);
		/* last_us: the last commit that found it (resolve_after counts from there) */
		i64(q, 7, now_us);
		sqlite3_bind_text(q, 8, record, -1, SQLITE_STATIC);
		int rc = done(r, q, "recording a finding");
		free(record);
		if (rc)
			return -1;
	}
	const struct store_config *c = store_config(r->s);
	uint64_t after = c->resolve_after_s * US;
	if (now_us <= after)
		return 0;
	sqlite3_stmt *q = prep(r, R_RESOLVE);
	if (!q)
		return -1;
	i64(q, 1, now_us - after);
	i64(q, 2, c->prune_rows ? c->prune_rows : 1);
	/* the findings resolved: their rows first (at most prune_rows), then
	 * an event each */
	struct cleared {
		char *key, *device, *kind, *sev, *title;
	} *v = NULL;
	size_t nv = 0, cap = 0;
	int rc, bad = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (nv == cap) {
			size_t nc = cap ? 2 * cap : 8;
			void *p = realloc(v, nc * sizeof *v);
			if (!p) {
				bad = 1;
				break;
			}
			v = p;
			cap = nc;
		}
		struct cleared *x = &v[nv++];
		x->key = dup_or_null((const char *)sqlite3_column_text(q, 0));
		x->device = dup_or_null((const char *)sqlite3_column_text(q, 1));
		x->kind = dup_or_null((const char *)sqlite3_column_text(q, 2));
		x->sev = dup_or_null((const char *)sqlite3_column_text(q, 3));
		x->title = dup_or_null((const char *)sqlite3_column_text(q, 4));
	}
	if (!bad && rc != SQLITE_DONE) {
		sqlite3_reset(q);
		store_err(r->s, r->err, r->errlen, "resolving findings");
		bad = -1;
	} else {
		sqlite3_reset(q);
		r->rows += nv;
	}
	for (size_t i = 0; i < nv; i++) {
		if (!bad && v[i].key) {
			json_t *ev = json_object();
			if (ev) {
				json_object_set_new(ev, "detector", json_string(v[i].kind ? v[i].kind : "?"));
				json_object_set_new(ev, "finding_severity", json_string(v[i].sev ? v[i].sev : "info"));
				json_object_set_new(ev, "title", v[i].title ? json_string(v[i].title) : json_null());
			}
			struct event e = { "finding-cleared", v[i].device, v[i].key, "info",
					   "what the finding said has not been seen again: nothing to do",
					   "new", now_us, ev, NULL, NULL };
			if (event(r, &e) < 0)
				bad = -1;
		}
		free(v[i].key);
		free(v[i].device);
		free(v[i].kind);
		free(v[i].sev);
		free(v[i].title);
	}
	free(v);
	return bad > 0 ? oom(r) : bad;
}

static int meta(struct recorder *r, const char *key, const char *value)
{
	sqlite3_stmt *q = prep(r, R_META);
	if (!q)
		return -1;
	text(q, 1, key);
	text(q, 2, value);
	return done(r, q, "recording meta");
}

/* The home country and the version the history was written with, when
 * they change. */
static int record_meta(struct recorder *r, const struct report *rep)
{
	if (rep->home_country[0]) {
		snprintf(r->cur.home, sizeof r->cur.home, "%s", rep->home_country);
		if (strcmp(r->cur.home, prev(r)->home) && meta(r, "home_country", r->cur.home))
			return -1;
	}
	if (rep->version) {
		snprintf(r->cur.version, sizeof r->cur.version, "%s", rep->version);
		if (strcmp(r->cur.version, prev(r)->version) && meta(r, "alfoil_version", r->cur.version))
			return -1;
	}
	return 0;
}

/* Room in the new memo for every entry of the report. */
static int memo_alloc(struct recorder *r, const struct report *rep)
{
	size_t nd = 0, nq = 0, nn = 0;
	for (size_t i = 0; i < rep->n_devices; i++) {
		nd += rep->devices[i].n_dests;
		nq += rep->devices[i].n_queries;
		nn += rep->devices[i].n_resolved;
	}
	memo_free(&r->cur);
	memcpy(r->cur.home, prev(r)->home, sizeof r->cur.home);
	memcpy(r->cur.version, prev(r)->version, sizeof r->cur.version);
	r->cur.dev = malloc((rep->n_devices ? rep->n_devices : 1) * sizeof *r->cur.dev);
	r->cur.dest = malloc((nd ? nd : 1) * sizeof *r->cur.dest);
	r->cur.q = malloc((nq ? nq : 1) * sizeof *r->cur.q);
	r->cur.nm = malloc((nn ? nn : 1) * sizeof *r->cur.nm);
	if (!r->cur.dev || !r->cur.dest || !r->cur.q || !r->cur.nm)
		return oom(r);
	return 0;
}

/* The new memo's own copies of the query names (the report's go with its
 * snapshot), sorted for the next commit's lookups. */
static int memo_keep(struct recorder *r)
{
	size_t len = 0;
	for (size_t i = 0; i < r->cur.n_q; i++)
		len += strlen(r->cur.q[i].name) + 1;
	char *p = r->cur.names = malloc(len ? len : 1);
	if (!p)
		return oom(r);
	for (size_t i = 0; i < r->cur.n_q; i++) {
		size_t n = strlen(r->cur.q[i].name) + 1;
		memcpy(p, r->cur.q[i].name, n);
		r->cur.q[i].name = p;
		p += n;
	}
	qsort(r->cur.dev, r->cur.n_dev, sizeof *r->cur.dev, dev_cmp);
	qsort(r->cur.dest, r->cur.n_dest, sizeof *r->cur.dest, dest_cmp);
	qsort(r->cur.q, r->cur.n_q, sizeof *r->cur.q, query_cmp);
	qsort(r->cur.nm, r->cur.n_nm, sizeof *r->cur.nm, name_cmp);
	if (r->cur.find)
		qsort(r->cur.find, r->cur.n_find, sizeof *r->cur.find, finding_cmp);
	return 0;
}

int recorder_marks(struct recorder *r, const struct recorder_mark *m, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += strlen(m[i].name) + 1;
	struct recorder_mark *v = malloc((n ? n : 1) * sizeof *v);
	char *names = malloc(len ? len : 1);
	if (!v || !names) {
		free(v);
		free(names);
		return -1;
	}
	char *p = names;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(m[i].name) + 1;
		memcpy(p, m[i].name, l);
		v[i] = (struct recorder_mark){ p, m[i].fingerprint, m[i].packets };
		p += l;
	}
	free(r->marks);
	free(r->mark_names);
	r->marks = v;
	r->mark_names = names;
	r->n_marks = n;
	return 0;
}

static int record_marks(struct recorder *r, uint64_t now_us)
{
	for (size_t i = 0; i < r->n_marks; i++) {
		sqlite3_stmt *q = prep(r, R_INPUT);
		if (!q)
			return -1;
		char fp[17];
		snprintf(fp, sizeof fp, "%016llx", (unsigned long long)r->marks[i].fingerprint);
		sqlite3_bind_text(q, 1, fp, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 2, r->marks[i].name, -1, SQLITE_STATIC);
		i64(q, 3, r->marks[i].packets);
		i64(q, 4, now_us);
		if (done(r, q, "recording where a file was read to"))
			return -1;
	}
	return 0;
}

static void set_err(struct recorder *r, char *err, size_t errlen)
{
	static char dummy[8];
	r->err = err ? err : dummy;
	r->errlen = err ? errlen : sizeof dummy;
}

int recorder_step(struct recorder *r, const struct report *rep, const struct findings *f, uint64_t now_us,
		  char *err, size_t errlen)
{
	set_err(r, err, errlen);
	r->n_told = 0;
	said_free(r->told, r->n_told_said);
	r->told = NULL;
	r->n_told_said = 0;
	r->seq++;
	r->now_us = now_us;
	r->rep = rep;
	uint64_t gap = store_config(r->s)->back_after_s * US;
	if (!r->cont_since || (gap && now_us > r->last_step_us + gap))
		r->cont_since = now_us;
	r->last_step_us = now_us;
	if (memo_alloc(r, rep) || (!r->open && store_begin(r->s, r->err, r->errlen)))
		goto fail;
	if (record_meta(r, rep) || record_marks(r, now_us))
		goto rollback;
	for (size_t i = 0; i < rep->n_devices; i++)
		if (record_device(r, &rep->devices[i], now_us))
			goto rollback;
	if (record_findings(r, f, now_us) || write_notes(r) || store_prune(r->s, now_us, r->err, r->errlen))
		goto rollback;
	/* the copies before the step is done: when they cannot be made, the
	 * transaction goes and the base memo still matches the tables */
	if (memo_keep(r))
		goto rollback;
	if (r->open)
		memo_free(&r->last);
	r->last = r->cur;
	memset(&r->cur, 0, sizeof r->cur);
	r->open = 1;
	r->n_marks = 0;
	r->stats.steps++;
	return 0;
rollback:
	store_rollback(r->s);
fail:
	memo_free(&r->cur);
	drop_open(r);
	r->stats.failed++;
	return -1;
}

int recorder_flush(struct recorder *r, char *err, size_t errlen)
{
	set_err(r, err, errlen);
	r->n_told = 0;
	if (!r->open)
		return 0;
	/* how far this run watched (device_back() of the next run): the last
	 * step's time, with the commit that holds its rows */
	char now[24];
	snprintf(now, sizeof now, "%llu", (unsigned long long)r->now_us);
	if (meta(r, "watched_until", now) || store_commit(r->s, r->err, r->errlen)) {
		store_rollback(r->s);
		drop_open(r);
		r->stats.failed++;
		return -1;
	}
	memo_free(&r->base);
	r->base = r->last;
	memset(&r->last, 0, sizeof r->last);
	r->open = 0;
	r->stats.commits++;
	r->stats.new_devices += r->n_fresh;
	r->stats.rows += r->rows;
	r->n_told = r->n_fresh;
	r->n_fresh = 0;
	r->rows = 0;
	said_free(r->told, r->n_told_said);
	notes_free(r, r->n_notes_written);
	r->told = r->said;
	r->n_told_said = r->n_said;
	r->said = NULL;
	r->n_said = r->cap_said = 0;
	return 0;
}

int recorder_note(struct recorder *r, const char *kind, const char *device, const char *subject,
		  const char *severity, const char *advice, const char *evidence_json, uint64_t time_us)
{
	if (r->n_notes == RECORDER_NOTES)
		return -1;
	struct note *x = &r->notes[r->n_notes];
	*x = (struct note){ dup_or_null(kind), dup_or_null(subject ? subject : ""), dup_or_null(severity),
			    dup_or_null(advice), dup_or_null(evidence_json), dup_or_null(device), time_us };
	if (!x->kind || !x->subject || (severity && !x->severity) || (advice && !x->advice) ||
	    (evidence_json && !x->evidence) || (device && !x->device)) {
		free(x->device);
		free(x->kind);
		free(x->subject);
		free(x->severity);
		free(x->advice);
		free(x->evidence);
		return -1;
	}
	r->n_notes++;
	return 0;
}

const struct recorder_said *recorder_said(const struct recorder *r, size_t *n)
{
	*n = r->n_told_said;
	return r->told;
}

int recorder_commit(struct recorder *r, const struct report *rep, const struct findings *f, uint64_t now_us,
		    char *err, size_t errlen)
{
	return recorder_step(r, rep, f, now_us, err, errlen) ? -1 : recorder_flush(r, err, errlen);
}

const struct recorder_fresh *recorder_fresh(const struct recorder *r, size_t *n)
{
	*n = r->n_told;
	return r->fresh;
}
