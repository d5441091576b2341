-- The part of Pi-hole's gravity.db that per-client blocking uses, written
-- for alfoil's test from Pi-hole's documented schema (group management:
-- groups, clients, domain entries and their group links, and the triggers
-- that put every new client and entry into the Default group 0).
CREATE TABLE "group" (id INTEGER PRIMARY KEY AUTOINCREMENT, enabled BOOLEAN NOT NULL DEFAULT 1,
	name TEXT UNIQUE NOT NULL, description TEXT);
INSERT INTO "group" (id, enabled, name, description) VALUES (0, 1, 'Default', 'every client');
CREATE TABLE domainlist (id INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER NOT NULL DEFAULT 0,
	domain TEXT NOT NULL, enabled BOOLEAN NOT NULL DEFAULT 1, comment TEXT, UNIQUE(domain, type));
CREATE TABLE domainlist_by_group (domainlist_id INTEGER NOT NULL, group_id INTEGER NOT NULL,
	PRIMARY KEY (domainlist_id, group_id));
CREATE TABLE client (id INTEGER PRIMARY KEY AUTOINCREMENT, ip TEXT NOT NULL UNIQUE, comment TEXT);
CREATE TABLE client_by_group (client_id INTEGER NOT NULL, group_id INTEGER NOT NULL,
	PRIMARY KEY (client_id, group_id));
CREATE TRIGGER tr_domainlist_add AFTER INSERT ON domainlist
	BEGIN INSERT INTO domainlist_by_group (domainlist_id, group_id) VALUES (NEW.id, 0); END;
CREATE TRIGGER tr_client_add AFTER INSERT ON client
	BEGIN INSERT INTO client_by_group (client_id, group_id) VALUES (NEW.id, 0); END;
CREATE TRIGGER tr_domainlist_delete AFTER DELETE ON domainlist
	BEGIN DELETE FROM domainlist_by_group WHERE domainlist_id = OLD.id; END;
-- the household's own entry, for every client: alfoil must leave it alone
INSERT INTO domainlist (type, domain, comment) VALUES (1, 'ads.example', 'mine');
