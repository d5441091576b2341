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
		struct finding *f;
		char hits[400] = "", telnet[300] = "";
		size_t n_telnet = 0;
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			char addr[ADDR_STRLEN];
			addr_fmt(&x->addr, addr);
			if (in->block && (blocklist_match(in->block, addr) || blocklist_match(in->block, x->domain) ||
					  blocklist_match(in->block, x->sni) || blocklist_match(in->block, x->http_host)))
				list_add(hits, sizeof hits, dest_label(x, addr));
			/* destinations are unique per address and port: one per host
			 * (or two, with both 23 and 2323) */
			if (!x->inbound && is_tcp(x) && (x->port == 23 || x->port == 2323) && ++n_telnet <= 6)
				list_add(telnet, sizeof telnet, addr);
		}
		for (size_t i = 0; in->block && i < d->n_queries; i++)
			if (blocklist_match(in->block, d->queries[i].name) && !strstr(hits, d->queries[i].name))
				list_add(hits, sizeof hits, d->queries[i].name);
		if (hits[0] && (f = finding_add(out, SEV_HIGH, "blocklisted", d,
						"The device contacts names or addresses on your blocklist: "
						"block them, and find out what made it."))) {
			finding_title(f, "contacted blocklisted destinations");
			finding_evidence(f, "%s", hits);
		}
		/* many connections to one host's Telnet: password guessing */
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			if (!x->inbound && is_tcp(x) && (x->port == 23 || x->port == 2323) && x->flows >= c->telnet_tries &&
			    (f = finding_add(out, SEV_CRITICAL, "telnet-bruteforce", d,
					     "Password guessing over Telnet is botnet behaviour: take the "
					     "device off the network and reset it."))) {
				char span[80], addr[ADDR_STRLEN];
				addr_fmt(&x->addr, addr);
				finding_title(f, "opened %u Telnet connections to %s", x->flows, addr);
				finding_evidence(f, "%u connections to %s:%u, %s", x->flows, addr, x->port,
						 fmt_span(span, x->first_us, x->last_us));
			}
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
