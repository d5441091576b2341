/* find_lateral.c - the weakest link: an IoT device that scans the LAN or
 * opens other hosts' administration ports, and addresses claimed by two
 * MACs (ARP spoofing). */
#include "analyze/find_util.h"

static const char *port_name(unsigned p)
{
	switch (p) {
	case 22: return "SSH";
	case 23: case 2323: return "Telnet";
	case 139: case 445: return "SMB";
	case 3389: return "RDP";
	case 5900: return "VNC";
	case 80: case 8080: return "HTTP";
	case 443: case 8443: return "HTTPS";
	default: return "admin";
	}
}

static int is_admin_port(const struct find_config *c, unsigned p)
{
	for (size_t i = 0; i < c->n_admin_ports; i++)
		if (c->admin_ports[i] == p)
			return 1;
	return 0;
}

/* A LAN destination with its address as text, the order of the runs */
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
		size_t hosts = 0, worst_ports = 0, n = 0;
		const char *worst = NULL;
		char admin[300] = "", list[300] = "";
		uint64_t first = 0, last = 0;
		struct lan_dest *v = malloc((d->n_dests ? d->n_dests : 1) * sizeof *v);
		if (!v)
			continue;
		for (size_t i = 0; i < d->n_dests; i++)
			if (!d->dests[i].inbound && is_lan_host(&d->dests[i])) {
				v[n].x = &d->dests[i];
				addr_fmt(&d->dests[i].addr, v[n++].addr);
			}
		qsort(v, n, sizeof *v, cmp_dest_addr);
		for (size_t i = 0; i < n;) {
			size_t j = i, ports = 0;
			for (; j < n && !strcmp(v[j].addr, v[i].addr); j++) {
				ports += is_tcp(v[j].x) || is_udp(v[j].x);
				if (!first || v[j].x->first_us < first)
					first = v[j].x->first_us;
				if (v[j].x->last_us > last)
					last = v[j].x->last_us;
			}
			hosts++;
			if (ports > worst_ports)
				worst_ports = ports, worst = v[i].addr;
			if (hosts <= 6)
				list_add(list, sizeof list, v[i].addr);
			i = j;
		}
		for (size_t i = 0; i < d->n_dests; i++) {
			const struct rep_dest *x = &d->dests[i];
			if (x->inbound || !is_lan_host(x) || !is_tcp(x))
				continue;
			int router_admin = gw && addr_eq(&x->addr, gw) &&
					   (x->port == 80 || x->port == 443 || x->port == 8080 || x->port == 8443);
			if (is_admin_port(c, x->port) || router_admin) {
				char item[96], addr[ADDR_STRLEN];
				snprintf(item, sizeof item, "%s %s:%u%s", port_name(x->port), addr_fmt(&x->addr, addr), x->port,
					 router_admin ? " (the router)" : "");
				list_add(admin, sizeof admin, item);
			}
		}
		if (hosts >= c->scan_hosts) {
			struct finding *f = finding_add(out, SEV_HIGH, "lan-scan", d,
							"Find out why this device sweeps the network; if it is not a "
							"computer you use for that, isolate it (alfoil enforce local-only).");
			if (f) {
				finding_title(f, "contacted %zu hosts on the LAN (threshold %u)", hosts, c->scan_hosts);
				char span[80];
				finding_evidence(f, "hosts: %s%s; %s", list, hosts > 6 ? ", ..." : "",
						 fmt_span(span, first, last));
				f->first_us = first, f->last_us = last;
			}
		}
		if (worst_ports >= c->scan_ports) {
			struct finding *f = finding_add(out, SEV_HIGH, "port-scan", d,
							"A port scan from this device: treat it as compromised until "
							"you know why.");
			if (f) {
				finding_title(f, "tried %zu ports on %s (threshold %u)", worst_ports, worst, c->scan_ports);
				finding_evidence(f, "%zu distinct TCP/UDP ports to %s", worst_ports, worst);
			}
		}
		if (admin[0] && !is_computer(d)) {
			/* an unknown device may be a computer: less sure */
			int unknown = !d->kind || !strcmp(d->kind, "unknown");
			struct finding *f = finding_add(out, unknown ? SEV_LOW : SEV_MEDIUM, "lan-admin", d,
							"An appliance has no business on other hosts' admin ports: "
							"block it from the LAN except what it needs.");
			if (f) {
				finding_title(f, "opened administration ports of other LAN hosts");
				finding_evidence(f, "%s", admin);
			}
		}
		free(v);
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

static int cmp_claim(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;
	int c = strcmp(x->ip, y->ip);
	return c ? c : (x->dev < y->dev ? -1 : x->dev > y->dev);
}

#define ARP_SPOOF_MAX_PAIRS 4 /* findings for one address at most */

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
				const struct rep_device *who = v[b].n > v[a].n ? y : x;
				struct finding *f = finding_add(out, SEV_HIGH, "arp-spoof", who,
								"Two machines answer ARP for one address: unless it "
								"was handed over, someone is intercepting traffic "
								"(ARP spoofing).");
				if (f) {
					char sx[80], sy[80];
					finding_title(f, "%s is claimed in ARP by %s and by %s", v[a].ip, x->id, y->id);
					finding_evidence(f, "%s claims %zu addresses (active %s), %s claims %zu (active %s)",
							 x->id, v[a].n, fmt_span(sx, x->first_us, x->last_us), y->id, v[b].n,
							 fmt_span(sy, y->first_us, y->last_us));
				}
				pairs++;
			}
		i = j;
	}
	free(v);
}

/* ARP sweeps (who-has for many addresses: the first step of a scan) and
 * gratuitous ARP storms (announcing an address over and over, the way ARP
 * spoofing tools keep their lie fresh). */
static void arp_behaviour(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	const struct find_config *c = in->cfg;
	for (size_t k = 0; k < r->n_devices; k++) {
		const struct rep_device *d = &r->devices[k];
		struct finding *f;
		char span[80];
		if (!d->gateway && d->arp_targets >= c->scan_hosts &&
		    (f = finding_add(out, SEV_HIGH, "arp-sweep", d,
				     "An ARP sweep maps the network before an attack: find out why this "
				     "device does it."))) {
			finding_title(f, "asked ARP for %u addresses (threshold %u)", d->arp_targets, c->scan_hosts);
			finding_evidence(f, "%u ARP requests for %u distinct addresses, %s", d->arp_requests,
					 d->arp_targets, fmt_span(span, d->first_us, d->last_us));
		}
		if (d->arp_gratuitous >= c->garp_storm &&
		    (f = finding_add(out, SEV_MEDIUM, "arp-storm", d,
				     "Announcing its address this often is what ARP spoofing tools do to "
				     "keep their entries fresh."))) {
			finding_title(f, "sent %u gratuitous ARP announcements", d->arp_gratuitous);
			finding_evidence(f, "%u gratuitous ARP, %s", d->arp_gratuitous,
					 fmt_span(span, d->first_us, d->last_us));
		}
	}
}

void detect_lateral(const struct report *r, const struct find_inputs *in, struct findings *out)
{
	scans(r, in, out);
	arp_spoof(r, out);
	arp_behaviour(r, in, out);
}
