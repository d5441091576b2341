/* find_exposure.c - what a device offers: services that answered on the
 * LAN, UPnP requests to open ports on the router, connections from the
 * internet that it answered. */
#include "analyze/find_util.h"

void detect_exposure(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	(void)in;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue;
		char svc[300] = "", inet[300] = "";
		int telnet = 0;
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			if (!x->inbound || !x->pkts_up || !x->port)
				continue; /* only what answered */
			char item[96], addr[ADDR_STRLEN];
			snprintf(item, sizeof item, "%s/%u", rep_proto_name(x->proto), x->port);
			if (x->internet) {
				/* TCP to a service port only: who opened a UDP exchange,
				 * or a TCP one whose SYN was not captured, is a guess (P2P,
				 * STUN and clouds on high ports look inbound) */
				if (!is_tcp(x) || x->port >= 32768)
					continue; /* an ephemeral port: the device was the client */
				snprintf(item, sizeof item, "%s/%u from %s", rep_proto_name(x->proto), x->port,
					 addr_fmt(&x->addr, addr));
				list_add(inet, sizeof inet, item);
			} else if (is_tcp(x) && !strstr(svc, item)) {
				list_add(svc, sizeof svc, item);
				telnet |= x->port == 23 || x->port == 2323;
			}
		}
		struct finding *f;
		if (svc[0] && (f = finding_add(out, telnet ? SEV_HIGH : SEV_INFO, "services", d,
					       telnet ? "A Telnet server on an appliance is the classic way in: "
							"disable it or block port 23 to it."
						      : "These are the doors into this device; block the ones "
							"you do not use."))) {
			finding_title(f, "offers %s on the LAN%s", svc, telnet ? ", including Telnet" : "");
			finding_evidence(f, "TCP services that answered: %s", svc);
		}
		char upnp[400] = "";
		for (size_t i = 0; i < d->n_attrs; i++)
			if (!strcmp(d->attrs[i].kind, "upnp-action") && strstr(d->attrs[i].value, "PortMapping"))
				list_add(upnp, sizeof upnp, d->attrs[i].value);
		if (upnp[0] && (f = finding_add(out, SEV_HIGH, "upnp-portmap", d,
						"The device punches holes in the router: turn UPnP off on "
						"the router unless you need it."))) {
			finding_title(f, "asks the router to open ports (UPnP IGD)");
			finding_evidence(f, "%s", upnp);
		}
		if (inet[0] && (f = finding_add(out, SEV_MEDIUM, "internet-reachable", d,
						"It can be reached from the internet: check the router's "
						"port forwards and UPnP mappings."))) {
			finding_title(f, "answered connections from the internet");
			finding_evidence(f, "%s", inet);
		}
	}
}
