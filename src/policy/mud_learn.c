/* mud_learn.c - a profile learnt from a device of the report's records
 * (see mud.h): what it did, each destination checked first (the names
 * came from packets), then folded into rules. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/report.h"
#include "lib/hostname.h"
#include "policy/mud.h"

/* A rule learnt, before they are merged. */
struct cand {
	struct mud_rule r;
	int service; /* a protocol alfoil recognised, or a port below MUD_EPHEMERAL_MIN */
	size_t at;   /* place in the report (busiest first) */
};

/* Rules of one peer and protocol sort together, by port. */

static int same_peer(const struct mud_rule *a, const struct mud_rule *b)
{
	return a->from_device == b->from_device && a->local == b->local && a->proto == b->proto &&
	       !strcmp(a->dnsname, b->dnsname) && !strcmp(a->network, b->network);
}

static int cand_cmp(const void *pa, const void *pb)
{
	const struct mud_rule *a = &((const struct cand *)pa)->r, *b = &((const struct cand *)pb)->r;
	int c;
	if ((c = a->from_device - b->from_device) || (c = a->local - b->local) || (c = a->proto - b->proto) ||
	    (c = strcmp(a->dnsname, b->dnsname)) || (c = strcmp(a->network, b->network)))
		return c;
	return (int)a->port - (int)b->port;
}

/* Three or more unrecognised high ports towards one peer are that peer's
 * temporary ports: one rule for the range instead of one per port. */
static int cand_at(const void *pa, const void *pb)
{
	size_t a = ((const struct cand *)pa)->at, b = ((const struct cand *)pb)->at;
	return (a > b) - (a < b);
}

static void fold_ephemeral(struct cand *c, size_t n)
{
	qsort(c, n, sizeof *c, cand_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i, ports = 0;
		uint16_t last = 0;
		while (j < n && same_peer(&c[i].r, &c[j].r)) {
			if (!c[j].service && c[j].r.port != last)
				ports++, last = c[j].r.port;
			j++;
		}
		if (ports >= MUD_EPHEMERAL_SPREAD)
			for (size_t k = i; k < j; k++)
				if (!c[k].service) {
					c[k].r.port = MUD_EPHEMERAL_MIN;
					c[k].r.port_hi = 65535;
				}
		i = j;
	}
	qsort(c, n, sizeof *c, cand_at);
}


/* the protocols a rule can name; any other is "any" (0) */
static uint8_t rule_proto(uint8_t p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_ICMP || p == IPPROTO_ICMPV6 || p == IPPROTO_SCTP ? p
																	 : 0;
}

const char *mud_dest_problem(const struct rep_dest *x)
{
	if ((unsigned)x->scope >= REP_SCOPE__COUNT || !strcmp(rep_scope_name(x->scope), "?"))
		return "scope: not one of the report's scopes";
	if (x->domain && !hostname_ok(x->domain))
		return "domain: not a host name (letters, digits, '-', '.', at most 253)";
	return NULL;
}

int mud_learn(const struct rep_device *dev, struct mud_profile *out, void (*warn)(const char *fmt, ...), char *err,
	      size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!dev->has_mac) {
		snprintf(err, errlen, "device has no MAC: a profile needs one");
		return -1;
	}
	snprintf(out->mac, sizeof out->mac, "%.17s", dev->id);
	const char *kind = dev->kind, *brand = dev->brand, *mfg = dev->maker;
	snprintf(out->systeminfo, sizeof out->systeminfo, "%s%s%s (learned by alfoil)", brand ? brand : "",
		 brand && kind ? " " : "", kind ? kind : "device");
	snprintf(out->mfg_name, sizeof out->mfg_name, "%s", mfg && *mfg ? mfg : brand ? brand : "");
	size_t n = 0;
	struct cand *c = calloc(dev->n_dests + 1, sizeof *c);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < dev->n_dests; i++) {
		const struct rep_dest *x = &dev->dests[i];
		struct mud_rule *r = &c[n].r;
		const char *why = mud_dest_problem(x);
		if (why) {
			out->n_skipped++;
			if (warn && out->n_skipped <= MUD_WARN_MAX)
				warn("%s: destinations[%zu]: %s; left out of its profile", out->mac, i, why);
			continue;
		}
		r->proto = rule_proto(x->proto);
		r->port = x->port;
		r->from_device = !x->inbound;
		c[n].service = r->port < MUD_EPHEMERAL_MIN || x->app != APP_UNKNOWN || (r->proto != 6 && r->proto != 17);
		if (x->scope == REP_SCOPE_MULTICAST || x->scope == REP_SCOPE_BROADCAST) {
			r->local = 1; /* discovery on the LAN */
		} else if (x->scope == REP_SCOPE_INTERNET) {
			if (x->domain) {
				snprintf(r->dnsname, sizeof r->dnsname, "%s", x->domain);
			} else {
				char a[ADDR_STRLEN];
				int v4 = addr_is_v4(&x->addr);
				snprintf(r->network, sizeof r->network, "%s/%d", addr_fmt(&x->addr, a), v4 ? 32 : 128);
				r->family = v4 ? 4 : 6;
			}
		} else {
			r->local = 1;
		}
		if (r->proto == 1 || r->proto == 58)
			r->family = r->proto == 1 ? 4 : 6;
		c[n].at = n;
		n++;
	}
	if (warn && out->n_skipped > MUD_WARN_MAX)
		warn("%s: %zu more destinations left out", out->mac, out->n_skipped - MUD_WARN_MAX);
	fold_ephemeral(c, n);
	/* duplicates (folded ports) merge here */
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++)
		if (mud_add_rule(out, &c[i].r) < 0) {
			snprintf(err, errlen, "more than %d rules", MUD_MAX_RULES);
			rc = -1;
		}
	free(c);
	return rc;
}
