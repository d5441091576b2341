/* find_knownbad.c - known bad: names and addresses on the user's blocklist,
 * and Mirai-style behaviour (Telnet tried on many hosts). */
#include "analyze/find_util.h"

void detect_known_bad(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	const struct find_config *c = in->cfg;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue;
		char hits[400] = "", telnet[300] = "";
		size_t n_telnet = 0;
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			if (in->block && (blocklist_match(in->block, x->addr) || blocklist_match(in->block, x->domain) ||
					  blocklist_match(in->block, x->sni) || blocklist_match(in->block, x->http_host)))
				list_add(hits, sizeof hits, dest_label(x));
			if (!x->inbound && is_tcp(x) && (x->port == 23 || x->port == 2323)) {
				int seen = 0;
				for (size_t j = 0; j < i; j++)
					seen |= !d->dests[j].inbound && is_tcp(&d->dests[j]) &&
						(d->dests[j].port == 23 || d->dests[j].port == 2323) &&
						!strcmp(d->dests[j].addr, x->addr);
				if (!seen && ++n_telnet <= 6)
					list_add(telnet, sizeof telnet, x->addr);
			}
		}
		for (size_t i = 0; in->block && i < d->n_queries; i++)
			if (blocklist_match(in->block, d->queries[i].name) && !strstr(hits, d->queries[i].name))
				list_add(hits, sizeof hits, d->queries[i].name);
		struct finding *f;
		if (hits[0] && (f = finding_add(out, SEV_HIGH, "blocklisted", d,
						"The device contacts names or addresses on your blocklist: "
						"block them, and find out what made it."))) {
			finding_title(f, "contacted blocklisted destinations");
			finding_evidence(f, "%s", hits);
		}
		if (n_telnet >= c->telnet_hosts &&
		    (f = finding_add(out, SEV_CRITICAL, "mirai-telnet", d,
				     "Telnet tried on many hosts is how Mirai-style botnets spread: take "
				     "the device off the network and reset it."))) {
			finding_title(f, "tried Telnet on %zu hosts", n_telnet);
			finding_evidence(f, "TCP 23/2323 to %s%s", telnet, n_telnet > 6 ? ", ..." : "");
		}
	}
}
