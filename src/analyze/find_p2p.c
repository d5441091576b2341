/* find_p2p.c - P2P relays: a device that registers with a CS2 Network
 * ("PPPP") rendezvous server. CS2 P2P is the camera SDK behind iLnkP2P and
 * many white-label brands; its device ids are guessable and its sessions
 * weakly protected (iLnkP2P, CVE-2019-11219 and CVE-2019-11220), and it
 * makes the camera reachable from the internet through the relay whatever
 * the router's firewall says. */
#include "analyze/find_util.h"

/* A destination that is a CS2 server: the protocol was seen (or the port
 * says so) and the remote end is the service side on the internet. */
static int is_cs2_relay(const struct rep_dest *x)
{
	return x->internet && !x->inbound && x->app == APP_CS2 &&
	       x->port >= 32100 && x->port <= 32102;
}

void detect_p2p(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	(void)in;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue;
		char relays[400] = "";
		size_t n = 0;
		uint64_t first = 0, last = 0;
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			if (!is_cs2_relay(x))
				continue;
			/* one address may serve on 32100-32102: list it once */
			char addr[ADDR_STRLEN];
			addr_fmt(&x->addr, addr);
			if (strstr(relays, addr))
				continue;
			char item[ADDR_STRLEN + 80];
			if (x->domain)
				snprintf(item, sizeof item, "%s (%s)", addr, x->domain);
			else
				snprintf(item, sizeof item, "%s", addr);
			list_add(relays, sizeof relays, item);
			n++;
			if (!first || x->first_us < first)
				first = x->first_us;
			if (x->last_us > last)
				last = x->last_us;
		}
		struct finding *f;
		if (n && (f = finding_add(out, SEV_MEDIUM, "p2p-relay", d,
					  "CS2/PPPP P2P makes the device reachable from the internet through "
					  "the vendor's relay, past the router's firewall: turn off remote "
					  "viewing or P2P in its app, or block udp/32100-32102 for it."))) {
			char span[80];
			finding_title(f, "uses the CS2/PPPP P2P relay (%zu server%s)", n, n == 1 ? "" : "s");
			finding_evidence(f, "udp/32100 to %s; %s", relays, fmt_span(span, first, last));
			f->first_us = first;
			f->last_us = last;
		}
	}
}
