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

/* Is address a in the list already? */
static int has_addr(const struct flist *l, const struct ip_addr *a)
{
	for (uint32_t i = 0; l && i < l->n; i++) {
		const struct ip_addr *b = fs_a(&l->v[i], "address");
		if (b && addr_eq(a, b))
			return 1;
	}
	return 0;
}

static void run(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	(void)in;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue;
		struct fset ev = { .n = 0 };
		uint64_t first = 0, last = 0;
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			/* one address may serve on 32100-32102: list it once */
			if (!is_cs2_relay(x) || has_addr(fs_l(&ev, "servers"), &x->addr))
				continue;
			dest_item(fs_list(&ev, "servers"), x);
			if (!first || x->first_us < first)
				first = x->first_us;
			if (x->last_us > last)
				last = x->last_us;
		}
		if (!ev.n)
			continue;
		fs_time(&ev, "first", first);
		fs_time(&ev, "last", last);
		struct finding *f = finding_take(out, SEV_MEDIUM, "p2p-relay", d, "cs2", &ev);
		if (f) {
			f->first_us = first;
			f->last_us = last;
		}
	}
}

static const char *const kinds[] = { "p2p-relay", NULL };

const struct detector find_p2p = {
	"p2p", run, kinds, "CS2/PPPP P2P relays (iLnkP2P-style cameras)",
};
