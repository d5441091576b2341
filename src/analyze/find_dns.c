/* find_dns.c - DNS bypass: a device that resolves through a hard-coded
 * public resolver instead of the network's own, that uses DNS over TLS or
 * HTTPS (which the household cannot see or filter), or that connects to
 * addresses it never looked up. */
#include <strings.h>

#include "analyze/find_util.h"

static int listed(const struct find_config *c, const struct ip_addr *a)
{
	char s[ADDR_STRLEN];
	addr_fmt(a, s);
	for (size_t i = 0; i < c->n_public_resolvers; i++)
		if (!strcmp(c->public_resolvers[i], s))
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

static void run(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	const struct find_config *c = in->cfg;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue; /* the router resolves for everyone */
		struct fset pub = { .n = 0 }, enc = { .n = 0 }, unres = { .n = 0 };
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			if (!x->internet || x->inbound)
				continue;
			if (x->port == 53)
				fs_flag(dest_item(fs_list(&pub, "servers"), x), "known", listed(c, &x->addr));
			else if (x->port == 853 && is_tcp(x))
				dest_item(fs_list(&enc, "dot"), x);
			else if (x->port == 443 && (doh(c, x->domain) || doh(c, x->sni)))
				dest_item(fs_list(&enc, "doh"), x);
			else if (!x->domain && x->port != 123 && (is_tcp(x) || is_udp(x)))
				fs_addr(fl_item(fs_list(&unres, "addresses")), "address", &x->addr);
		}
		if (pub.n)
			finding_take(out, SEV_MEDIUM, "dns-public-resolver", d, "dns", &pub);
		if (enc.n)
			finding_take(out, is_computer(d) ? SEV_LOW : SEV_MEDIUM, "dns-encrypted", d, "dns", &enc);
		const struct flist *u = fs_l(&unres, "addresses");
		size_t n_unres = u ? u->total : 0;
		if (d->n_queries && n_unres >= c->unresolved_min) {
			fs_count(&unres, "unresolved", n_unres);
			fs_count(&unres, "names_asked", d->n_queries);
			finding_take(out, SEV_LOW, "dns-unresolved", d, "dns", &unres);
		} else {
			fs_free(&unres);
		}
	}
}

static const char *const kinds[] = { "dns-public-resolver", "dns-encrypted", "dns-unresolved", NULL };

const struct detector find_dns = {
	"dns-bypass", run, kinds, "public resolvers, DNS over TLS/HTTPS, addresses never resolved",
};
