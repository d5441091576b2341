/* pihole.c - the Pi-hole back end: a group per held device, the device as
 * a client of it (by MAC, which Pi-hole matches through its network table,
 * and by each address), and the names as exact deny entries of that group
 * only. SQL for gravity.db (Pi-hole v5 and v6 share these tables); every
 * value is a checked host name, address or MAC, so none needs quoting
 * beyond the literal's. */
#include "enforce/dnslist.h"

int pihole_write(FILE *f, const struct enforce_job *job, struct enforce_stats *st, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	fputs("-- Pi-hole: sqlite3 /etc/pihole/gravity.db < THIS, then 'pihole reloadlists' (v6) or\n"
	      "-- 'pihole restartdns reload-lists' (v5). A group per device: its names are blocked\n"
	      "-- for that device only. Made by alfoil enforce; running it again replaces alfoil's entries.\n"
	      "BEGIN TRANSACTION;\n"
	      "DELETE FROM domainlist WHERE type = 1 AND comment LIKE 'alfoil:%';\n"
	      "DELETE FROM domainlist_by_group WHERE group_id IN (SELECT id FROM \"group\" WHERE name LIKE 'alfoil-%');\n",
	      f);
	for (size_t i = 0; i < job->n_blocks; i++) {
		const struct dns_block *b = &job->blocks[i];
		const struct nft_device *d = b->dev;
		if (!b->n_names)
			continue;
		char id[13], mac[18];
		size_t k;
		dnslist_mac_id(d->mac, id);
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
		for (size_t j = 0; j < b->n_names; j++) {
			fprintf(f, "INSERT OR IGNORE INTO domainlist (type, domain, enabled, comment) VALUES (1, '%s', 1, 'alfoil: per device');\n"
				   "INSERT OR IGNORE INTO domainlist_by_group (domainlist_id, group_id) SELECT l.id, g.id FROM domainlist l, "
				   "\"group\" g WHERE l.type = 1 AND l.domain = '%s' AND g.name = 'alfoil-%s';\n",
				b->names[j], b->names[j], id);
			st->names++;
		}
	}
	/* a new domainlist entry lands in the Default group (every client) by
	 * Pi-hole's trigger: alfoil's own entries leave it again */
	fputs("DELETE FROM domainlist_by_group WHERE group_id = 0 AND domainlist_id IN\n"
	      "  (SELECT id FROM domainlist WHERE type = 1 AND comment = 'alfoil: per device');\n"
	      "COMMIT;\n",
	      f);
	return 0;
}
