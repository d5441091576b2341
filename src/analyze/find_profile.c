/* find_profile.c - profile deviations: what a device did that its MUD
 * profile (alfoil profile learn, or anyone's RFC 8520 file) does not allow. */
#include "analyze/find_util.h"
#include "policy/mud.h"

static void run(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	if (!in->profiles)
		return;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway || !d->has_mac)
			continue;
		const struct mud_profile *p = mud_set_find(in->profiles, d->id);
		if (!p) {
			finding_add(out, SEV_INFO, "profile-missing", d, "profile");
			continue;
		}
		struct fset ev = { .n = 0 };
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
			if (!ev.n || x->first_us < first)
				first = x->first_us;
			if (x->last_us > last)
				last = x->last_us;
			up += x->bytes_up;
			struct fset *it = dest_item(fs_list(&ev, "exchanges"), x);
			fs_flag(it, "inbound", x->inbound);
			fs_proto(it, "proto", x->proto);
			fs_port(it, "port", x->port);
		}
		if (!ev.n)
			continue;
		fs_bytes(&ev, "bytes_up", up);
		fs_time(&ev, "first", first);
		fs_time(&ev, "last", last);
		struct finding *f = finding_take(out, SEV_MEDIUM, "profile-deviation", d, "profile", &ev);
		if (f) {
			f->first_us = first;
			f->last_us = last;
		}
	}
}

static const char *const kinds[] = { "profile-deviation", "profile-missing", NULL };

const struct detector find_profile = {
	"profile", run, kinds, "what a device did that its MUD profile (--profiles) does not allow",
};
