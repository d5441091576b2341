/* find_exposure.c - what a device offers: services that answered on the
 * LAN, UPnP requests to open ports on the router, connections from the
 * internet that it answered. */
#include "analyze/find_util.h"

/* Is proto/port in the list already? */
static int has_service(const struct flist *l, unsigned proto, unsigned port)
{
	for (uint32_t i = 0; l && i < l->n; i++)
		if (fs_u(&l->v[i], "proto") == proto && fs_u(&l->v[i], "port") == port)
			return 1;
	return 0;
}

static void run(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	(void)in;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue;
		struct fset svc = { .n = 0 }, inet = { .n = 0 };
		int telnet = 0;
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			if (!x->inbound || !x->pkts_up || !x->port)
				continue; /* only what answered */
			struct fset *it;
			if (x->internet) {
				/* TCP to a service port only: who opened a UDP exchange,
				 * or a TCP one whose SYN was not captured, is a guess (P2P,
				 * STUN and clouds on high ports look inbound) */
				if (!is_tcp(x) || x->port >= 32768)
					continue; /* an ephemeral port: the device was the client */
				if ((it = fl_item(fs_list(&inet, "services")))) {
					fs_proto(it, "proto", x->proto);
					fs_port(it, "port", x->port);
					fs_addr(it, "address", &x->addr);
				}
			} else if (is_tcp(x) && !has_service(fs_l(&svc, "services"), x->proto, x->port)) {
				if ((it = fl_item(fs_list(&svc, "services")))) {
					fs_proto(it, "proto", x->proto);
					fs_port(it, "port", x->port);
				}
				telnet |= x->port == 23 || x->port == 2323;
			}
		}
		if (svc.n) {
			fs_flag(&svc, "telnet", telnet);
			finding_take(out, telnet ? SEV_HIGH : SEV_INFO, "services", d, "lan", &svc);
		}
		struct fset upnp = { .n = 0 };
		for (size_t i = 0; i < d->n_attrs; i++)
			if (!strcmp(d->attrs[i].kind, "upnp-action") && strstr(d->attrs[i].value, "PortMapping"))
				fs_name(fl_item(fs_list(&upnp, "values")), "value", d->attrs[i].value);
		if (upnp.n)
			finding_take(out, SEV_HIGH, "upnp-portmap", d, "upnp", &upnp);
		if (inet.n)
			finding_take(out, SEV_MEDIUM, "internet-reachable", d, "internet", &inet);
	}
}

static const char *const kinds[] = { "services", "upnp-portmap", "internet-reachable", NULL };

const struct detector find_exposure = {
	"exposure", run, kinds, "services offered, UPnP port mappings, reachable from the internet",
};
