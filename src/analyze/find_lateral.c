/* find_lateral.c - the weakest link: an IoT device that scans the LAN or
 * opens other hosts' administration ports, and addresses claimed by two
 * MACs (ARP spoofing). A scan is many hosts (or ports) first contacted
 * within scan_window of each other, not over all time: a device that
 * meets sixteen hosts in a month is not scanning. */
#include "analyze/find_util.h"

static int is_admin_port(const struct find_config *c, unsigned p)
{
	for (size_t i = 0; i < c->n_admin_ports; i++)
		if (c->admin_ports[i] == p)
			return 1;
	return 0;
}

/* A LAN destination with its address as text: hosts come in runs, in the
 * order of that text (the order the evidence lists them) */
struct lan_dest {
	char addr[ADDR_STRLEN];
	const struct rep_dest *x;
};

static int cmp_dest_addr(const void *a, const void *b)
{
	return strcmp(((const struct lan_dest *)a)->addr, ((const struct lan_dest *)b)->addr);
}

static const struct ip_addr *gateway_addr(const struct report *r)
{
	for (size_t i = 0; i < r->n_devices; i++)
		if (r->devices[i].gateway && r->devices[i].n_ipv4)
			return &r->devices[i].ipv4[0];
	return NULL;
}

/* One LAN host a device contacted: where its run starts, when it was first
 * contacted, and the most of its TCP/UDP ports first tried within the
 * window. */
struct host {
	size_t at, len;
	uint64_t first;
	size_t ports;
};

/* LAN scan: the most hosts first contacted within the window. */
static void lan_scan(const struct rep_device *d, const struct find_config *c, const struct lan_dest *v,
		     const struct host *h, size_t n_hosts, uint64_t *times, struct findings *out)
{
	for (size_t i = 0; i < n_hosts; i++)
		times[i] = h[i].first;
	uint64_t from;
	size_t hosts = find_densest(times, n_hosts, c->scan_window_us, &from);
	if (hosts < c->scan_hosts)
		return;
	uint64_t to = c->scan_window_us ? from + c->scan_window_us : UINT64_MAX;
	/* the hosts of that window, in address order, and the time they span */
	uint64_t first = 0, last = 0;
	const struct ip_addr *low = NULL;
	for (size_t i = 0; i < n_hosts; i++) {
		if (h[i].first < from || h[i].first > to)
			continue;
		for (size_t j = h[i].at; j < h[i].at + h[i].len; j++) {
			if (!first || v[j].x->first_us < first)
				first = v[j].x->first_us;
			if (v[j].x->last_us > last)
				last = v[j].x->last_us;
		}
		if (!low || addr_cmp(&v[h[i].at].x->addr, low) < 0)
			low = &v[h[i].at].x->addr;
	}
	char net[ADDR_STRLEN + 4];
	struct finding *f = finding_add(out, SEV_HIGH, "lan-scan", d, lan_prefix(low, net));
	if (!f)
		return;
	fs_count(&f->ev, "hosts", hosts);
	fs_count(&f->ev, "threshold", c->scan_hosts);
	fs_count(&f->ev, "window_s", c->scan_window_us / 1000000);
	struct flist *l = fs_list(&f->ev, "addresses");
	for (size_t i = 0; i < n_hosts; i++)
		if (h[i].first >= from && h[i].first <= to) {
			struct fset *it = fl_item(l);
			fs_addr(it, "address", &v[h[i].at].x->addr);
		}
	fs_time(&f->ev, "first", first);
	fs_time(&f->ev, "last", last);
	f->first_us = first, f->last_us = last;
}

static void scans(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	const struct find_config *c = in->cfg;
	const struct ip_addr *gw = gateway_addr(r);
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		if (d->gateway)
			continue;
		/* distinct LAN hosts contacted, and per host distinct ports: the
		 * outbound LAN destinations sorted by address, counted in runs
		 * (n log n: a flood of destinations must not make this quadratic) */
		size_t n = 0, n_hosts = 0, worst = SIZE_MAX;
		size_t cap = d->n_dests ? d->n_dests : 1;
		struct lan_dest *v = malloc(cap * sizeof *v);
		struct host *h = malloc(cap * sizeof *h);
		uint64_t *times = malloc(cap * sizeof *times);
		if (!v || !h || !times) {
			free(v), free(h), free(times);
			continue;
		}
		for (size_t i = 0; i < d->n_dests; i++)
			if (!d->dests[i].inbound && is_lan_host(&d->dests[i])) {
				v[n].x = &d->dests[i];
				addr_fmt(&d->dests[i].addr, v[n++].addr);
			}
		qsort(v, n, sizeof *v, cmp_dest_addr);
		for (size_t i = 0; i < n;) {
			size_t j = i, nt = 0;
			struct host *x = &h[n_hosts];
			x->at = i;
			x->first = v[i].x->first_us;
			for (; j < n && !strcmp(v[j].addr, v[i].addr); j++) {
				if (is_tcp(v[j].x) || is_udp(v[j].x))
					times[nt++] = v[j].x->first_us;
				if (v[j].x->first_us < x->first)
					x->first = v[j].x->first_us;
			}
			x->len = j - i;
			uint64_t from;
			x->ports = find_densest(times, nt, c->scan_window_us, &from);
			if (x->ports && (worst == SIZE_MAX || x->ports > h[worst].ports))
				worst = n_hosts;
			n_hosts++;
			i = j;
		}
		lan_scan(d, c, v, h, n_hosts, times, out);
		if (worst != SIZE_MAX && h[worst].ports >= c->scan_ports) {
			const struct ip_addr *a = &v[h[worst].at].x->addr;
			char sub[ADDR_STRLEN];
			struct finding *f = finding_add(out, SEV_HIGH, "port-scan", d, addr_fmt(a, sub));
			if (f) {
				fs_count(&f->ev, "ports", h[worst].ports);
				fs_addr(&f->ev, "address", a);
				fs_count(&f->ev, "threshold", c->scan_ports);
				fs_count(&f->ev, "window_s", c->scan_window_us / 1000000);
			}
		}
		/* an appliance on other hosts' admin ports; an unknown device may
		 * be a computer: less sure */
		struct finding *f = NULL;
		for (size_t i = 0; i < d->n_dests && !is_computer(d); i++) {
			const struct rep_dest *x = &d->dests[i];
			if (x->inbound || !is_lan_host(x) || !is_tcp(x))
				continue;
			int router_admin = gw && addr_eq(&x->addr, gw) &&
					   (x->port == 80 || x->port == 443 || x->port == 8080 || x->port == 8443);
			if (!is_admin_port(c, x->port) && !router_admin)
				continue;
			int unknown = !d->kind || !strcmp(d->kind, "unknown");
			if (!f && !(f = finding_add(out, unknown ? SEV_LOW : SEV_MEDIUM, "lan-admin", d, "lan")))
				break;
			struct fset *it = fl_item(fs_list(&f->ev, "connections"));
			fs_addr(it, "address", &x->addr);
			fs_port(it, "port", x->port);
			fs_flag(it, "router", router_admin);
		}
		free(v), free(h), free(times);
	}
}

/* One IPv4 address claimed in ARP by two MACs active at the same time (or
 * within ARP_SPOOF_GAP): one of them answers for an address that is not its
 * own. An address handed from one machine to another by DHCP comes after a
 * lease ran out, much later. */
#define ARP_SPOOF_GAP (300ull * 1000000) /* 5 minutes */
struct claim {
	const char *ip;
	const struct rep_device *dev;
	size_t n; /* addresses this device claims */
};

/* The report's order of devices (the router first, then by IPv4 address,
 * then by id), from what they are, not where they sit in the array: the
 * pairs and who is named do not depend on the order devices come in. */
static int cmp_dev(const struct rep_device *x, const struct rep_device *y)
{
	if (x->gateway != y->gateway)
		return y->gateway - x->gateway;
	int c = x->n_ipv4 && y->n_ipv4 ? addr_cmp(&x->ipv4[0], &y->ipv4[0]) : (int)!x->n_ipv4 - (int)!y->n_ipv4;
	return c ? c : strcmp(x->id, y->id);
}

static int cmp_claim(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;
	int c = strcmp(x->ip, y->ip);
	return c ? c : cmp_dev(x->dev, y->dev);
}

#define ARP_SPOOF_MAX_PAIRS 4 /* findings for one address at most */

static void claimant(struct flist *l, const struct claim *c)
{
	struct fset *it = fl_item(l);
	fs_device(it, "device", c->dev->id);
	fs_count(it, "claims", c->n);
	fs_time(it, "first", c->dev->first_us);
	fs_time(it, "last", c->dev->last_us);
}

static void arp_spoof(const struct report *r, struct findings *out)
{
	/* every (address, device) claim, sorted by address: pairs come in runs */
	size_t n = 0, cap = 0;
	struct claim *v = NULL;
	for (size_t a = 0; a < r->n_devices; a++) {
		const struct rep_device *x = &r->devices[a];
		size_t nx = 0;
		for (size_t i = 0; i < x->n_attrs; i++)
			nx += !strcmp(x->attrs[i].kind, "arp-claim");
		for (size_t i = 0; i < x->n_attrs; i++) {
			if (strcmp(x->attrs[i].kind, "arp-claim"))
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				struct claim *nv = realloc(v, cap * sizeof *nv);
				if (!nv) {
					free(v);
					return;
				}
				v = nv;
			}
			v[n++] = (struct claim){ x->attrs[i].value, x, nx };
		}
	}
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_claim);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && !strcmp(v[j].ip, v[i].ip))
			j++;
		int pairs = 0;
		for (size_t a = i; a < j && pairs < ARP_SPOOF_MAX_PAIRS; a++)
			for (size_t b = a + 1; b < j && pairs < ARP_SPOOF_MAX_PAIRS; b++) {
				const struct rep_device *x = v[a].dev, *y = v[b].dev;
				/* both active within ARP_SPOOF_GAP of each other */
				if (y->first_us > x->last_us + ARP_SPOOF_GAP || x->first_us > y->last_us + ARP_SPOOF_GAP)
					continue;
				/* the one claiming more addresses is the likelier impostor */
				int second = v[b].n > v[a].n;
				char sub[FIND_SUBJECT_LEN];
				snprintf(sub, sizeof sub, "%s/%s", v[a].ip, second ? x->id : y->id);
				struct finding *f = finding_add(out, SEV_HIGH, "arp-spoof", second ? y : x, sub);
				if (f) {
					struct ip_addr ip;
					if (addr_parse(&ip, v[a].ip) == 0)
						fs_addr(&f->ev, "address", &ip);
					else
						fs_name(&f->ev, "address", v[a].ip);
					struct flist *l = fs_list(&f->ev, "claimants");
					claimant(l, &v[a]);
					claimant(l, &v[b]);
				}
				pairs++;
			}
		i = j;
	}
	free(v);
}

/* ARP sweeps (who-has for many addresses: the first step of a scan) and
 * gratuitous ARP storms (announcing an address over and over, the way ARP
 * spoofing tools keep their lie fresh). The tracker counts both over its
 * window. */
static void arp_behaviour(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	const struct find_config *c = in->cfg;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		struct finding *f;
		if (!d->gateway && d->arp_targets >= c->scan_hosts && (f = finding_add(out, SEV_HIGH, "arp-sweep", d, "arp"))) {
			fs_count(&f->ev, "addresses", d->arp_targets);
			fs_count(&f->ev, "threshold", c->scan_hosts);
			fs_count(&f->ev, "requests", d->arp_requests);
			fs_time(&f->ev, "first", d->first_us);
			fs_time(&f->ev, "last", d->last_us);
		}
		if (d->arp_gratuitous >= c->garp_storm && (f = finding_add(out, SEV_MEDIUM, "arp-storm", d, "arp"))) {
			fs_count(&f->ev, "announcements", d->arp_gratuitous);
			fs_time(&f->ev, "first", d->first_us);
			fs_time(&f->ev, "last", d->last_us);
		}
	}
}

static void run(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	scans(r, in, out);
	arp_spoof(r, out);
	arp_behaviour(r, in, out);
}

static const char *const kinds[] = { "lan-scan", "port-scan", "lan-admin", "arp-spoof", "arp-sweep", "arp-storm", NULL };

const struct detector find_lateral = {
	"lateral", run, kinds, "LAN scans, connections to other hosts' admin ports, ARP spoofing",
};
