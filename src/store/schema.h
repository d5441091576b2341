/* schema.h - the store's migrations, in order: migration i (from 0) takes a
 * database of user_version i to i + 1. docs/store.md documents the result
 * table by table; a change of the schema is a new entry here (never an edit
 * of an old one: databases made by it exist), STORE_VERSION one up, and its
 * paragraph in the document. Only store.c includes this, and record.c for
 * the columns of version 3. */
#ifndef ALFOIL_STORE_SCHEMA_H
#define ALFOIL_STORE_SCHEMA_H

/* Version 1. Times are microseconds since the epoch; hour_us and day_us
 * the start of the UTC hour or day. */
#define STORE_SCHEMA_V1 \
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n" \
	"CREATE TABLE devices (\n" \
	"  id TEXT PRIMARY KEY,\n" \
	"  maker TEXT, kind TEXT, what TEXT, brand TEXT, model TEXT,\n" \
	"  display TEXT,\n" \
	"  first_us INTEGER NOT NULL, last_us INTEGER NOT NULL,\n" \
	"  label TEXT, notes TEXT,\n" \
	"  record TEXT NOT NULL);\n" \
	"CREATE TABLE device_hours (\n" \
	"  device TEXT NOT NULL, hour_us INTEGER NOT NULL,\n" \
	"  pkts_out INTEGER NOT NULL, pkts_in INTEGER NOT NULL,\n" \
	"  bytes_out INTEGER NOT NULL, bytes_in INTEGER NOT NULL,\n" \
	"  PRIMARY KEY (device, hour_us));\n" \
	"CREATE INDEX device_hours_hour ON device_hours (hour_us);\n" \
	"CREATE TABLE device_days (\n" \
	"  device TEXT NOT NULL, day_us INTEGER NOT NULL,\n" \
	"  pkts_out INTEGER NOT NULL, pkts_in INTEGER NOT NULL,\n" \
	"  bytes_out INTEGER NOT NULL, bytes_in INTEGER NOT NULL,\n" \
	"  PRIMARY KEY (device, day_us));\n" \
	"CREATE INDEX device_days_day ON device_days (day_us);\n" \
	"CREATE TABLE dest_hours (\n" \
	"  device TEXT NOT NULL, hour_us INTEGER NOT NULL,\n" \
	"  addr TEXT NOT NULL, proto INTEGER NOT NULL, port INTEGER NOT NULL, inbound INTEGER NOT NULL,\n" \
	"  domain TEXT, domain_source TEXT, company TEXT, service TEXT, country TEXT, asn INTEGER, org TEXT,\n" \
	"  app TEXT, enc TEXT, scope TEXT,\n" \
	"  record TEXT NOT NULL,\n" \
	"  pkts_up INTEGER NOT NULL, pkts_down INTEGER NOT NULL,\n" \
	"  bytes_up INTEGER NOT NULL, bytes_down INTEGER NOT NULL,\n" \
	"  flows INTEGER NOT NULL, first_us INTEGER NOT NULL, last_us INTEGER NOT NULL,\n" \
	"  PRIMARY KEY (device, hour_us, addr, proto, port, inbound));\n" \
	"CREATE INDEX dest_hours_hour ON dest_hours (hour_us);\n" \
	"CREATE TABLE dest_days (\n" \
	"  device TEXT NOT NULL, day_us INTEGER NOT NULL,\n" \
	"  addr TEXT NOT NULL, proto INTEGER NOT NULL, port INTEGER NOT NULL, inbound INTEGER NOT NULL,\n" \
	"  domain TEXT, domain_source TEXT, company TEXT, service TEXT, country TEXT, asn INTEGER, org TEXT,\n" \
	"  app TEXT, enc TEXT, scope TEXT,\n" \
	"  record TEXT NOT NULL,\n" \
	"  pkts_up INTEGER NOT NULL, pkts_down INTEGER NOT NULL,\n" \
	"  bytes_up INTEGER NOT NULL, bytes_down INTEGER NOT NULL,\n" \
	"  flows INTEGER NOT NULL, first_us INTEGER NOT NULL, last_us INTEGER NOT NULL,\n" \
	"  PRIMARY KEY (device, day_us, addr, proto, port, inbound));\n" \
	"CREATE INDEX dest_days_day ON dest_days (day_us);\n" \
	"CREATE TABLE names (\n" \
	"  device TEXT NOT NULL, name TEXT NOT NULL, addr TEXT NOT NULL,\n" \
	"  ttl INTEGER,\n" \
	"  first_us INTEGER NOT NULL, last_us INTEGER NOT NULL,\n" \
	"  PRIMARY KEY (device, name, addr));\n" \
	"CREATE INDEX names_last ON names (last_us);\n" \
	"CREATE INDEX names_addr ON names (addr);\n" \
	"CREATE TABLE queries (device TEXT NOT NULL, name TEXT NOT NULL, count INTEGER NOT NULL,\n" \
	"  first_us INTEGER NOT NULL, last_us INTEGER NOT NULL, PRIMARY KEY (device, name));\n" \
	"CREATE INDEX queries_last ON queries (last_us);\n" \
	"CREATE TABLE findings (\n" \
	"  key TEXT PRIMARY KEY,\n" \
	"  kind TEXT NOT NULL, severity TEXT NOT NULL, device TEXT, subject TEXT,\n" \
	"  state TEXT NOT NULL,\n" \
	"  first_us INTEGER NOT NULL, last_us INTEGER NOT NULL, count INTEGER NOT NULL,\n" \
	"  record TEXT NOT NULL);\n" \
	"CREATE INDEX findings_state ON findings (state, last_us);\n" \
	"CREATE INDEX findings_device ON findings (device);\n" \
	"CREATE TABLE events (id INTEGER PRIMARY KEY, time_us INTEGER NOT NULL, kind TEXT NOT NULL,\n" \
	"  device TEXT, key TEXT, record TEXT);\n" \
	"CREATE INDEX events_time ON events (time_us);\n" \
	"CREATE INDEX events_device ON events (device, kind);\n" \
	"CREATE TABLE capture_stats (time_us INTEGER NOT NULL, iface TEXT NOT NULL,\n" \
	"  received INTEGER NOT NULL, dropped INTEGER NOT NULL, if_dropped INTEGER NOT NULL);\n" \
	"CREATE INDEX capture_stats_time ON capture_stats (time_us);\n"

/* Version 2: the capture files read (watch -r), by fingerprint (the link
 * type and first packet), and how many of their packets the tables hold:
 * a file read again, or one that grew, is read from there. */
#define STORE_SCHEMA_V2 \
	"CREATE TABLE inputs (fingerprint TEXT PRIMARY KEY, name TEXT NOT NULL, packets INTEGER NOT NULL,\n" \
	"  first_us INTEGER NOT NULL, last_us INTEGER NOT NULL);\n"

/* Version 3: a destination's descriptive columns and record once per
 * version (dests), and the hours and days (dest_hour_counts,
 * dest_day_counts) only counters, by the version's id. A version is what a
 * destination's record says but its counters and last sight; a new one
 * when that changes (a domain learned, TLS seen). The views dest_hours and
 * dest_days give the rows as version 2 held them (and the version's id,
 * first_us and seq), and take an INSERT as they did (a version of its own
 * for each row). A version's first_us is the earliest first packet of any
 * entry counted under it, seq the recorder's step that last counted under
 * it after another version of the same destination (the latest is the
 * destination's record, as version 2's latest write was). The old rows become one
 * version each (their hash NULL: never matched by a new one). A version
 * goes with the last day row counted under it (the trigger dest_day_gone;
 * hours are deleted only when rolled up into their day, which counts it). The versions'
 * hash is keyed by meta dest_hash_key, random per database. */
#define STORE_DEST_COLS \
	"domain, domain_source, company, service, country, asn, org, app, enc, scope, record"
#define STORE_COUNT_COLS "pkts_up, pkts_down, bytes_up, bytes_down, flows, first_us, last_us"
#define STORE_SCHEMA_V3 \
	"CREATE TABLE dests (\n" \
	"  id INTEGER PRIMARY KEY,\n" \
	"  device TEXT NOT NULL, addr TEXT NOT NULL, proto INTEGER NOT NULL, port INTEGER NOT NULL,\n" \
	"  inbound INTEGER NOT NULL,\n" \
	"  domain TEXT, domain_source TEXT, company TEXT, service TEXT, country TEXT, asn INTEGER, org TEXT,\n" \
	"  app TEXT, enc TEXT, scope TEXT,\n" \
	"  record TEXT NOT NULL,\n" \
	"  hash INTEGER,\n" \
	"  first_us INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL DEFAULT 0);\n" \
	"CREATE UNIQUE INDEX dests_key ON dests (device, addr, proto, port, inbound, hash);\n" \
	"CREATE TABLE dest_hour_counts (\n" \
	"  dest INTEGER NOT NULL, hour_us INTEGER NOT NULL,\n" \
	"  pkts_up INTEGER NOT NULL, pkts_down INTEGER NOT NULL,\n" \
	"  bytes_up INTEGER NOT NULL, bytes_down INTEGER NOT NULL,\n" \
	"  flows INTEGER NOT NULL, first_us INTEGER NOT NULL, last_us INTEGER NOT NULL,\n" \
	"  PRIMARY KEY (dest, hour_us)) WITHOUT ROWID;\n" \
	"CREATE INDEX dest_hour_counts_hour ON dest_hour_counts (hour_us);\n" \
	"CREATE TABLE dest_day_counts (\n" \
	"  dest INTEGER NOT NULL, day_us INTEGER NOT NULL,\n" \
	"  pkts_up INTEGER NOT NULL, pkts_down INTEGER NOT NULL,\n" \
	"  bytes_up INTEGER NOT NULL, bytes_down INTEGER NOT NULL,\n" \
	"  flows INTEGER NOT NULL, first_us INTEGER NOT NULL, last_us INTEGER NOT NULL,\n" \
	"  PRIMARY KEY (dest, day_us)) WITHOUT ROWID;\n" \
	"CREATE INDEX dest_day_counts_day ON dest_day_counts (day_us);\n" \
	"INSERT INTO dests (id, device, addr, proto, port, inbound, " STORE_DEST_COLS ", first_us)\n" \
	"  SELECT rowid, device, addr, proto, port, inbound, " STORE_DEST_COLS ", first_us FROM dest_hours;\n" \
	"INSERT INTO dest_hour_counts (dest, hour_us, " STORE_COUNT_COLS ")\n" \
	"  SELECT rowid, hour_us, " STORE_COUNT_COLS " FROM dest_hours;\n" \
	"INSERT INTO dests (id, device, addr, proto, port, inbound, " STORE_DEST_COLS ", first_us)\n" \
	"  SELECT rowid + (SELECT coalesce(max(rowid), 0) FROM dest_hours), device, addr, proto, port, inbound,\n" \
	"  " STORE_DEST_COLS ", first_us FROM dest_days;\n" \
	"INSERT INTO dest_day_counts (dest, day_us, " STORE_COUNT_COLS ")\n" \
	"  SELECT rowid + (SELECT coalesce(max(rowid), 0) FROM dest_hours), day_us, " STORE_COUNT_COLS \
	"  FROM dest_days;\n" \
	"DROP TABLE dest_hours;\n" \
	"DROP TABLE dest_days;\n" \
	"CREATE VIEW dest_hours AS SELECT d.device, c.hour_us, d.addr, d.proto, d.port, d.inbound,\n" \
	"  d.domain, d.domain_source, d.company, d.service, d.country, d.asn, d.org, d.app, d.enc, d.scope,\n" \
	"  d.record, c.pkts_up, c.pkts_down, c.bytes_up, c.bytes_down, c.flows, c.first_us, c.last_us,\n" \
	"  d.id AS version, d.first_us AS version_first_us, d.seq AS version_seq\n" \
	"  FROM dest_hour_counts c JOIN dests d ON d.id = c.dest;\n" \
	"CREATE VIEW dest_days AS SELECT d.device, c.day_us, d.addr, d.proto, d.port, d.inbound,\n" \
	"  d.domain, d.domain_source, d.company, d.service, d.country, d.asn, d.org, d.app, d.enc, d.scope,\n" \
	"  d.record, c.pkts_up, c.pkts_down, c.bytes_up, c.bytes_down, c.flows, c.first_us, c.last_us,\n" \
	"  d.id AS version, d.first_us AS version_first_us, d.seq AS version_seq\n" \
	"  FROM dest_day_counts c JOIN dests d ON d.id = c.dest;\n" \
	"CREATE TRIGGER dest_hours_insert INSTEAD OF INSERT ON dest_hours BEGIN\n" \
	"  INSERT INTO dests (device, addr, proto, port, inbound, " STORE_DEST_COLS ", first_us)\n" \
	"    VALUES (NEW.device, NEW.addr, NEW.proto, NEW.port, NEW.inbound, NEW.domain, NEW.domain_source,\n" \
	"    NEW.company, NEW.service, NEW.country, NEW.asn, NEW.org, NEW.app, NEW.enc, NEW.scope, NEW.record,\n" \
	"    NEW.first_us);\n" \
	"  INSERT INTO dest_hour_counts (dest, hour_us, " STORE_COUNT_COLS ") VALUES (last_insert_rowid(),\n" \
	"    NEW.hour_us, NEW.pkts_up, NEW.pkts_down, NEW.bytes_up, NEW.bytes_down, NEW.flows, NEW.first_us,\n" \
	"    NEW.last_us);\n" \
	"END;\n" \
	"CREATE TRIGGER dest_days_insert INSTEAD OF INSERT ON dest_days BEGIN\n" \
	"  INSERT INTO dests (device, addr, proto, port, inbound, " STORE_DEST_COLS ", first_us)\n" \
	"    VALUES (NEW.device, NEW.addr, NEW.proto, NEW.port, NEW.inbound, NEW.domain, NEW.domain_source,\n" \
	"    NEW.company, NEW.service, NEW.country, NEW.asn, NEW.org, NEW.app, NEW.enc, NEW.scope, NEW.record,\n" \
	"    NEW.first_us);\n" \
	"  INSERT INTO dest_day_counts (dest, day_us, " STORE_COUNT_COLS ") VALUES (last_insert_rowid(),\n" \
	"    NEW.day_us, NEW.pkts_up, NEW.pkts_down, NEW.bytes_up, NEW.bytes_down, NEW.flows, NEW.first_us,\n" \
	"    NEW.last_us);\n" \
	"END;\n" \
	"INSERT INTO meta (key, value) VALUES ('dest_hash_key', lower(hex(randomblob(16))));\n" \
	"CREATE TRIGGER dest_day_gone AFTER DELETE ON dest_day_counts BEGIN\n" \
	"  DELETE FROM dests WHERE id = OLD.dest\n" \
	"    AND NOT EXISTS (SELECT 1 FROM dest_hour_counts WHERE dest = OLD.dest)\n" \
	"    AND NOT EXISTS (SELECT 1 FROM dest_day_counts WHERE dest = OLD.dest);\n" \
	"END;\n"

/* What a new-destination event is about, from a dests row: the SQL
 * function dest_subject() the store registers (store_dest_subject(), which
 * the recorder calls too). */
#define STORE_EVENT_DEST_SUBJECT "dest_subject(domain, asn, addr)"

/* Version 4: events said once. An event is one row per (kind, device,
 * subject): its key, unique, says which ("new-destination/DEV/SUBJECT");
 * the same again counts (count, last_us) rather than adding a row. subject:
 * what it is about (a domain, a country, a company; '' for a device's own);
 * severity: info, low, medium, high; advice: one line for a person; state:
 * 'new' (to be said), 'learning' (in a device's learning period: known, not
 * said one by one), 'acked'. What the history already held when it was
 * made is known, not new: a row each, state 'acked'. Retention is by last
 * sight (events_last). mutes: what a person said not to be told of (alfoil
 * mute): a device's events of a kind, of one subject or ('') all; they
 * are kept with state 'muted'. */
#define STORE_SCHEMA_V4 \
	"ALTER TABLE events ADD COLUMN subject TEXT NOT NULL DEFAULT '';\n" \
	"ALTER TABLE events ADD COLUMN severity TEXT NOT NULL DEFAULT 'info';\n" \
	"ALTER TABLE events ADD COLUMN advice TEXT;\n" \
	"ALTER TABLE events ADD COLUMN count INTEGER NOT NULL DEFAULT 1;\n" \
	"ALTER TABLE events ADD COLUMN last_us INTEGER;\n" \
	"ALTER TABLE events ADD COLUMN state TEXT NOT NULL DEFAULT 'new';\n" \
	"UPDATE events SET last_us = time_us;\n" \
	"UPDATE events SET key = kind || '/' || ifnull(device, '') || '/' || id WHERE key IS NULL;\n" \
	"DELETE FROM events WHERE id NOT IN (SELECT min(id) FROM events GROUP BY key);\n" \
	"CREATE UNIQUE INDEX events_key ON events (key);\n" \
	"CREATE INDEX events_last ON events (last_us);\n" \
	"CREATE TABLE mutes (device TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL DEFAULT '',\n" \
	"  time_us INTEGER NOT NULL, PRIMARY KEY (device, kind, subject));\n" \
	"INSERT OR IGNORE INTO events (time_us, kind, device, key, subject, last_us, state)\n" \
	"  SELECT min(first_us), 'new-destination', device, 'new-destination/' || device || '/' || " STORE_EVENT_DEST_SUBJECT ",\n" \
	"  " STORE_EVENT_DEST_SUBJECT ", max(first_us), 'acked' FROM dests WHERE scope = 'internet'\n" \
	"  GROUP BY device, " STORE_EVENT_DEST_SUBJECT ";\n" \
	"INSERT OR IGNORE INTO events (time_us, kind, device, key, subject, last_us, state)\n" \
	"  SELECT min(first_us), 'new-country', device, 'new-country/' || device || '/' || country, country,\n" \
	"  max(first_us), 'acked' FROM dests WHERE scope = 'internet' AND country IS NOT NULL GROUP BY device, country;\n" \
	"INSERT OR IGNORE INTO events (time_us, kind, device, key, subject, last_us, state)\n" \
	"  SELECT min(first_us), 'new-company', device, 'new-company/' || device || '/' || company, company,\n" \
	"  max(first_us), 'acked' FROM dests WHERE scope = 'internet' AND company IS NOT NULL GROUP BY device, company;\n"

/* Version 5: policies a person set (alfoil device MAC --policy), which
 * watch --enforce applies within seconds: one row per device, its policy
 * and when it was set. meta guard_since: when the new-device guard was
 * turned on (a device first seen later, without a policy, is held). */
#define STORE_SCHEMA_V5 \
	"CREATE TABLE policies (device TEXT PRIMARY KEY,\n" \
	"  policy TEXT NOT NULL CHECK (policy IN ('allow', 'profile', 'local-only', 'quarantine')),\n" \
	"  time_us INTEGER NOT NULL);\n"

#endif
