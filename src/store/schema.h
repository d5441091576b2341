/* schema.h - the store's migrations, in order: migration i (from 0) takes a
 * database of user_version i to i + 1. docs/store.md documents the result
 * table by table; a change of the schema is a new entry here (never an edit
 * of an old one: databases made by it exist), STORE_VERSION one up, and its
 * paragraph in the document. Only store.c includes this. */
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

#endif
