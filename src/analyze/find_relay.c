/* find_relay.c - one local address behind two MACs: a host that sends
 * another host's traffic from its own MAC. A NAT or a VM bridge does it
 * by design; on a home LAN it is more often a host in the middle (ARP
 * spoofing) reading everything the other device sends. */
#include "analyze/find_util.h"

void detect_relay(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	(void)in;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue; /* the router forwards the internet's traffic */
		char hosts[400] = "";
		size_t n = 0;
		for (size_t i = 0; i < d->n_attrs; i++)
			if (!strcmp(d->attrs[i].kind, "relays-for")) {
				list_add(hosts, sizeof hosts, d->attrs[i].value);
				n++;
			}
		struct finding *f;
		if (n && (f = finding_add(out, SEV_MEDIUM, "relay", d,
					  "Unless this host is a NAT or a VM bridge you run, it sits between "
					  "the device and the network (ARP spoofing): find it and remove it."))) {
			finding_title(f, "sends the traffic of %zu other host%s from its own MAC", n,
				      n == 1 ? "" : "s");
			finding_evidence(f, "relays for %s (address MAC)", hosts);
		}
	}
}
