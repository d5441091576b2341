/* dns.c - DNS blocklists, one back end a format (see dns.h). */
#include "enforce/dns.h"

#include <string.h>
#include <strings.h>

/* a name already written for an earlier device (formats without clients) */
static int seen_before(const struct dns_block *b, size_t i, size_t j)
{
	for (size_t a = 0; a <= i; a++)
		for (size_t c = 0; c < (a == i ? j : b[a].n_names); c++)
			if (!strcasecmp(b[a].names[c], b[i].names[j]))
				return 1;
	return 0;
}

static const char everyone[] =
	"# NOTE: %s cannot answer one client differently from another: every name\n"
	"# below is blocked for EVERY client of this server (the phone's app that\n"
	"# controls a device included). Use --unbound for per-device blocks.\n";

static long global_list(FILE *f, dns_warn_fn warn, const char *fmt, const struct dns_block *b, size_t n)
{
	int dnsmasq = !strcmp(fmt, "dnsmasq");
	fprintf(f, dnsmasq ? "# dnsmasq: conf-file=THIS (names answered 0.0.0.0)\n" : "# hosts-file blocklist (as a Pi-hole adlist it blocks for every client; --pihole does not)\n");
	fprintf(f, "# made by alfoil enforce from MUD profiles and policies\n");
	fprintf(f, everyone, dnsmasq ? "dnsmasq" : "a hosts file");
	long w = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < b[i].n_names; j++) {
			if (seen_before(b, i, j))
				continue;
			const char *nm = b[i].names[j], *mac = b[i].dev->mac, *pol = policy_name(b[i].dev->policy);
			if (dnsmasq)
				fprintf(f, "address=/%s/0.0.0.0  # %s (%s)\n", nm, mac, pol);
			else
				fprintf(f, "0.0.0.0 %s  # %s (%s)\n", nm, mac, pol);
			w++;
		}
	if (w && warn)
		warn("%s blocks these %ld name%s for every client, not only the devices "
		     "that looked them up (--unbound blocks per device)",
			dnsmasq ? "dnsmasq" : "a hosts file", w, w == 1 ? "" : "s");
	return w;
}

/* aa:bb:cc:dd:ee:ff as aabbccddeeff: the name of a device's view or group */
static void mac_id(const char *mac, char id[static 13])
{
	size_t k = 0;
	for (const char *p = mac; *p && k < 12; p++)
		if (*p != ':')
			id[k++] = *p;
	id[k] = '\0';
}

/* unbound: a view per device, chosen by the client's address; view-first
 * lets every other name through to the server's own zones and resolution */
static long unbound_views(FILE *f, dns_warn_fn warn, const char *fmt, const struct dns_block *b, size_t n)
{
	(void)fmt;
	fputs("# unbound: include: THIS in unbound.conf (server: and view: clauses; the clients\n"
	      "# must also be allowed by access-control). One view per device, by its address.\n"
	      "# made by alfoil enforce from MUD profiles and policies\n",
	      f);
	long w = 0;
	for (size_t i = 0; i < n; i++) {
		const struct nft_device *d = b[i].dev;
		if (!b[i].n_names)
			continue;
		char id[13];
		mac_id(d->mac, id);
		if (!d->n_addrs) {
			if (warn)
				warn("%s: no address known (--report), so unbound cannot tell "
				     "it apart: its %zu name%s are NOT blocked",
					d->mac, b[i].n_names, b[i].n_names == 1 ? "" : "s");
			fprintf(f, "# %s (%s): no address known, not blocked\n", d->mac, policy_name(d->policy));
			continue;
		}
		fprintf(f, "server:\n");
		for (size_t a = 0; a < d->n_addrs; a++)
			fprintf(f, "\taccess-control-view: %s/%d \"alfoil-%s\"\n", d->addrs[a],
				strchr(d->addrs[a], ':') ? 128 : 32, id);
		fprintf(f, "view:\n\tname: \"alfoil-%s\"  # %s (%s)\n\tview-first: yes\n", id, d->mac,
			policy_name(d->policy));
		for (size_t j = 0; j < b[i].n_names; j++) {
			fprintf(f, "\tlocal-zone: \"%s.\" always_nxdomain\n", b[i].names[j]);
			w++;
		}
	}
	return w;
}

/* Pi-hole: a group per device, the device as a client of it (by MAC, which
 * Pi-hole matches through its network table, and by each address), and
 * the names as exact deny entries of that group only. SQL for gravity.db
 * (Pi-hole v5 and v6 share these tables); every value is a checked host
 * name, address or MAC, so none needs quoting beyond the literal's. */
static long pihole_sql(FILE *f, dns_warn_fn warn, const char *fmt, const struct dns_block *b, size_t n)
{
	(void)fmt;
	(void)warn;
	fputs("-- Pi-hole: sqlite3 /etc/pihole/gravity.db < THIS, then 'pihole reloadlists' (v6) or\n"
	      "-- 'pihole restartdns reload-lists' (v5). A group per device: its names are blocked\n"
	      "-- for that device only. Made by alfoil enforce; running it again replaces alfoil's entries.\n"
	      "BEGIN TRANSACTION;\n"
	      "DELETE FROM domainlist WHERE type = 1 AND comment LIKE 'alfoil:%';\n"
	      "DELETE FROM domainlist_by_group WHERE group_id IN (SELECT id FROM \"group\" WHERE name LIKE 'alfoil-%');\n",
	      f);
	long w = 0;
	for (size_t i = 0; i < n; i++) {
		const struct nft_device *d = b[i].dev;
		if (!b[i].n_names)
			continue;
		char id[13], mac[18];
		size_t k;
		mac_id(d->mac, id);
		for (k = 0; k < 17 && d->mac[k]; k++)
			mac[k] = (char)(d->mac[k] >= 'a' && d->mac[k] <= 'f' ? d->mac[k] - 32 : d->mac[k]);
		mac[k] = '\0';
		fprintf(f, "-- %s (%s)\n"
			   "INSERT OR IGNORE INTO \"group\" (name, enabled, description) VALUES ('alfoil-%s', 1, 'alfoil: %s (%s)');\n",
			d->mac, policy_name(d->policy), id, d->mac, policy_name(d->policy));
		for (size_t a = 0; a <= d->n_addrs; a++) {
			const char *c = a < d->n_addrs ? d->addrs[a] : mac;
			fprintf(f, "INSERT OR IGNORE INTO client (ip, comment) VALUES ('%s', 'alfoil: %s');\n"
				   "INSERT OR IGNORE INTO client_by_group (client_id, group_id) SELECT c.id, g.id FROM client c, "
				   "\"group\" g WHERE c.ip = '%s' AND g.name = 'alfoil-%s';\n",
				c, d->mac, c, id);
		}
		for (size_t j = 0; j < b[i].n_names; j++) {
			fprintf(f, "INSERT OR IGNORE INTO domainlist (type, domain, enabled, comment) VALUES (1, '%s', 1, 'alfoil: per device');\n"
				   "INSERT OR IGNORE INTO domainlist_by_group (domainlist_id, group_id) SELECT l.id, g.id FROM domainlist l, "
				   "\"group\" g WHERE l.type = 1 AND l.domain = '%s' AND g.name = 'alfoil-%s';\n",
				b[i].names[j], b[i].names[j], id);
			w++;
		}
	}
	/* a new domainlist entry lands in the Default group (every client) by
	 * Pi-hole's trigger: alfoil's own entries leave it again */
	fputs("DELETE FROM domainlist_by_group WHERE group_id = 0 AND domainlist_id IN\n"
	      "  (SELECT id FROM domainlist WHERE type = 1 AND comment = 'alfoil: per device');\n"
	      "COMMIT;\n",
	      f);
	return w;
}

static const struct {
	const char *name;
	long (*write)(FILE *, dns_warn_fn, const char *, const struct dns_block *, size_t);
} backends[] = {
	{ "dnsmasq", global_list },
	{ "hosts", global_list },
	{ "unbound", unbound_views },
	{ "pihole", pihole_sql },
};

int dns_format_known(const char *fmt)
{
	for (size_t i = 0; i < sizeof backends / sizeof *backends; i++)
		if (!strcmp(backends[i].name, fmt))
			return 1;
	return 0;
}

long dns_write(FILE *f, dns_warn_fn warn, const char *fmt, const struct dns_block *b, size_t n)
{
	for (size_t i = 0; i < sizeof backends / sizeof *backends; i++)
		if (!strcmp(backends[i].name, fmt)) {
			long w = backends[i].write(f, warn, fmt, b, n);
			return ferror(f) ? -1 : w;
		}
	return -1;
}
