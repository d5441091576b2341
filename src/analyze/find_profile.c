/* find_profile.c - profile deviations: what a device did that its MUD
 * profile (alfoil profile learn, or anyone's RFC 8520 file) does not allow. */
#include "analyze/find_util.h"
#include "policy/mud.h"

void detect_profile(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	if (!in->profiles)
		return;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway || !d->has_mac)
			continue;
		const struct mud_profile *p = mud_set_find(in->profiles, d->id);
		struct finding *f;
		if (!p) {
			if ((f = finding_add(out, SEV_INFO, "profile-missing", d,
					     "A device without a profile is not checked: learn one "
					     "(alfoil profile learn --device MAC) once you trust what it does.")))
				finding_title(f, "has no profile");
			continue;
		}
		char items[560] = "", item[320], size[16];
		size_t n = 0, shown = 0;
		uint64_t first = 0, last = 0, up = 0;
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			char addr[ADDR_STRLEN];
			addr_fmt(&x->addr, addr);
			/* the rules know tcp, udp, icmp and icmpv6; any other protocol is 0 */
			uint8_t proto = x->proto == IPPROTO_TCP || x->proto == IPPROTO_UDP || x->proto == IPPROTO_ICMP ||
						x->proto == IPPROTO_ICMPV6
					? x->proto : 0;
			if (mud_allows(p, !x->inbound, !x->internet, x->domain, addr, proto, x->port))
				continue;
			if (!n++ || x->first_us < first)
				first = x->first_us;
			if (x->last_us > last)
				last = x->last_us;
			up += x->bytes_up;
			snprintf(item, sizeof item, "%s %s %s/%u", x->inbound ? "from" : "to", dest_label(x, addr), rep_proto_name(x->proto),
				 x->port);
			size_t before = strlen(items);
			list_add(items, sizeof items, item);
			shown += strlen(items) != before;
		}
		if (!n || !(f = finding_add(out, SEV_MEDIUM, "profile-deviation", d,
					   "New behaviour: after an update or a new feature, learn the profile "
					   "again; if not, contain the device (alfoil enforce --profiles DIR).")))
			continue;
		f->first_us = first;
		f->last_us = last;
		finding_title(f, "did %zu thing%s its profile does not allow (%s sent)", n, n == 1 ? "" : "s",
			      fmt_bytes(size, up));
		finding_evidence(f, "%s%s", items, shown < n ? ", ..." : "");
	}
}
