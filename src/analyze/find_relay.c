/* find_relay.c - one local address behind two MACs: a host that sends
 * another host's traffic from its own MAC. A NAT or a VM bridge does it
 * by design; on a home LAN it is more often a host in the middle (ARP
 * spoofing) reading everything the other device sends. */
#include "analyze/find_util.h"

static void run(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	(void)in;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue; /* the router forwards the internet's traffic */
		struct fset ev = { .n = 0 };
		for (size_t i = 0; i < d->n_attrs; i++)
			if (!strcmp(d->attrs[i].kind, "relays-for")) /* "address MAC" */
				fs_name(fl_item(fs_list(&ev, "values")), "value", d->attrs[i].value);
		if (ev.n)
			finding_take(out, SEV_MEDIUM, "relay", d, "lan", &ev);
	}
}

static const char *const kinds[] = { "relay", NULL };

const struct detector find_relay = {
	"relay", run, kinds, "one local address sent from two MACs: NAT, bridge, host in the middle",
};
