/* find_dns.c - DNS bypass: a device that resolves through a hard-coded
 * public resolver instead of the network's own, that uses DNS over TLS or
 * HTTPS (which the household cannot see or filter), or that connects to
 * addresses it never looked up. */
#include "analyze/find_util.h"

static int listed(const char (*v)[ADDR_STRLEN], size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

static int doh(const struct find_config *c, const char *name)
{
	for (size_t i = 0; name && i < c->n_doh_domains; i++)
		if (!strcasecmp(c->doh_domains[i], name))
			return 1;
	return 0;
}

void detect_dns_bypass(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	const struct find_config *c = in->cfg;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue; /* the router resolves for everyone */
		char pub[300] = "", dot[300] = "", dohl[300] = "", unres[300] = "";
		size_t n_unres = 0;
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			if (!x->internet || x->inbound)
				continue;
			char item[160], addr[ADDR_STRLEN];
			addr_fmt(&x->addr, addr);
			snprintf(item, sizeof item, "%s (%s)", addr, x->domain ? x->domain : "?");
			if (x->port == 53)
				list_add(pub, sizeof pub,
					 listed((const char (*)[ADDR_STRLEN])c->public_resolvers, c->n_public_resolvers, addr)
						 ? addr : item);
			else if (x->port == 853 && is_tcp(x))
				list_add(dot, sizeof dot, item);
			else if (x->port == 443 && (doh(c, x->domain) || doh(c, x->sni)))
				list_add(dohl, sizeof dohl, item);
			else if (!x->domain && x->port != 123 && (is_tcp(x) || is_udp(x))) {
				n_unres++;
				if (n_unres <= 5)
					list_add(unres, sizeof unres, addr);
			}
		}
		if (pub[0]) {
			struct finding *f = finding_add(out, SEV_MEDIUM, "dns-public-resolver", d,
							"The device ignores the network's DNS: your filtering does "
							"not apply to it. Redirect or block outbound port 53 except "
							"to the router.");
			if (f) {
				finding_title(f, "resolves names through a DNS server on the internet");
				finding_evidence(f, "DNS (port 53) to %s", pub);
			}
		}
		if (dot[0] || dohl[0]) {
			struct finding *f = finding_add(out, is_computer(d) ? SEV_LOW : SEV_MEDIUM, "dns-encrypted", d,
							"Encrypted DNS hides what the device looks up from you; "
							"for an appliance, block it and let it fall back to the "
							"router's DNS.");
			if (f) {
				finding_title(f, "uses %s%s%s", dot[0] ? "DNS over TLS" : "", dot[0] && dohl[0] ? " and " : "",
					      dohl[0] ? "DNS over HTTPS" : "");
				finding_evidence(f, "%s%s%s", dot, dot[0] && dohl[0] ? "; " : "", dohl);
			}
		}
		if (d->n_queries && n_unres >= c->unresolved_min) {
			struct finding *f = finding_add(out, SEV_LOW, "dns-unresolved", d,
							"Hard-coded addresses cannot be followed by name: check them "
							"in the destination list.");
			if (f) {
				finding_title(f, "connects to %zu internet addresses it never resolved", n_unres);
				finding_evidence(f, "%s%s (the device does use DNS: %zu names asked)", unres,
						 n_unres > 5 ? ", ..." : "", d->n_queries);
			}
		}
	}
}
