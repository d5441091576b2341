/* report.c - build the neutral report from the tracker (see report.h). */
#include "analyze/report.h"
#include "analyze/findings.h"

#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel/clouds.h"
#include "intel/infra.h"
#include "intel/ipdb.h"
#include "intel/oui.h"
#include "lib/fmt.h"
#include "lib/table.h"

const char *rep_proto_name(uint8_t p)
{
	switch (p) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	case IPPROTO_SCTP: return "sctp";
	default: return "ip";
	}
}

int rep_proto_parse(const char *name)
{
	static const uint8_t nums[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_SCTP, 0 };
	for (size_t i = 0; name && i < sizeof nums; i++)
		if (!strcmp(name, rep_proto_name(nums[i])))
			return nums[i];
	return -1;
}

const char *rep_scope_name(enum rep_scope s)
{
	if (s == REP_SCOPE_LAN_GLOBAL)
		return "lan-global";
	return (unsigned)s <= SCOPE_GLOBAL ? addr_scope_name((enum addr_scope)s) : "?";
}

int rep_scope_parse(const char *name, enum rep_scope *out)
{
	for (int i = 0; name && i < REP_SCOPE__COUNT; i++)
		if (!strcmp(name, rep_scope_name((enum rep_scope)i))) {
			*out = (enum rep_scope)i;
			return 0;
		}
	return -1;
}

const char *rep_domain_src_name(enum rep_domain_src s)
{
	switch (s) {
	case REP_DOMAIN_DNS: return "dns";
	case REP_DOMAIN_TLS_SNI: return "tls-sni";
	case REP_DOMAIN_HTTP_HOST: return "http-host";
	default: return "";
	}
}

static int cmp_addr(const void *a, const void *b)
{
	return addr_cmp(a, b);
}

/* The name a connection itself carries (TLS SNI, else an HTTP Host that
 * is a name, not an address literal) wins over the DNS name of the address
 * when they disagree: a shared or reused address, a stale cache, or a
 * device that resolved one name and connected to another. Both are kept. */
static void choose_domain(struct rep_dest *r)
{
	struct ip_addr lit;
	int host_name = r->http_host && addr_parse(&lit, r->http_host) < 0;
	const char *conn = r->sni ? r->sni : host_name ? r->http_host : NULL;
	if (conn && (!r->dns_name || strcmp(conn, r->dns_name))) {
		r->domain = conn;
		r->domain_source = r->sni ? REP_DOMAIN_TLS_SNI : REP_DOMAIN_HTTP_HOST;
	} else if (r->dns_name) {
		r->domain = r->dns_name;
		r->domain_source = REP_DOMAIN_DNS;
	} else if (r->http_host) {
		r->domain = r->http_host;
		r->domain_source = REP_DOMAIN_HTTP_HOST;
	} else {
		r->domain = NULL;
		r->domain_source = REP_DOMAIN_NONE;
	}
}

/* Destinations are ordered by the text of their address (as they always
 * were: the reports' order of equal rows stays), formatted once per row
 * for the sort, not once per comparison. */
struct dest_sort {
	char addr[ADDR_STRLEN];
	struct rep_dest *x;
};

typedef int (*dest_cmp_fn)(const struct rep_dest *x, const char *ax, const struct rep_dest *y,
			   const char *ay);

/* by address, then port */
static int by_addr(const struct rep_dest *x, const char *ax, const struct rep_dest *y, const char *ay)
{
	int c = strcmp(ax, ay);
	return c ? c : (int)x->port - (int)y->port;
}

/* internet first, then by bytes, largest first, then by address and port */
static int by_bytes(const struct rep_dest *x, const char *ax, const struct rep_dest *y, const char *ay)
{
	uint64_t bx = x->bytes_up + x->bytes_down, by = y->bytes_up + y->bytes_down;
	if (x->internet != y->internet)
		return y->internet - x->internet;
	if (bx != by)
		return bx < by ? 1 : -1;
	return by_addr(x, ax, y, ay);
}

static _Thread_local dest_cmp_fn sort_cmp;

static int cmp_keyed(const void *a, const void *b)
{
	const struct dest_sort *p = a, *q = b;
	return sort_cmp(p->x, p->addr, q->x, q->addr);
}

/* without memory for the keys: each comparison formats both */
static int cmp_unkeyed(const void *a, const void *b)
{
	const struct rep_dest *x = a, *y = b;
	char ax[ADDR_STRLEN], ay[ADDR_STRLEN];
	return sort_cmp(x, addr_fmt(&x->addr, ax), y, addr_fmt(&y->addr, ay));
}

static void sort_dests(struct rep_dest *v, size_t n, dest_cmp_fn cmp)
{
	if (n < 2)
		return;
	sort_cmp = cmp;
	struct dest_sort *k = malloc(n * sizeof *k);
	struct rep_dest *tmp = malloc(n * sizeof *tmp);
	if (!k || !tmp) {
		free(k);
		free(tmp);
		qsort(v, n, sizeof *v, cmp_unkeyed);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		addr_fmt(&v[i].addr, k[i].addr);
		k[i].x = &v[i];
	}
	qsort(k, n, sizeof *k, cmp_keyed);
	for (size_t i = 0; i < n; i++)
		tmp[i] = *k[i].x;
	memcpy(v, tmp, n * sizeof *v);
	free(k);
	free(tmp);
}

/* One remote, one name: rows of the same address (other ports, protocols,
 * directions) without a name of their own take the name another row of it
 * has, the DNS one first, so its domain and cloud do not change from row
 * to row (a P2P relay reached on udp/32100-32102 and tcp/443). */
static void share_names(struct rep_dest *v, size_t n)
{
	sort_dests(v, n, by_addr);
	for (size_t i = 0, j; i < n; i = j) {
		const struct rep_dest *best = NULL;
		for (j = i; j < n && addr_eq(&v[j].addr, &v[i].addr); j++)
			if (v[j].domain && (!best || (best->domain_source != REP_DOMAIN_DNS &&
						      v[j].domain_source == REP_DOMAIN_DNS)))
				best = &v[j];
		if (!best)
			continue;
		for (size_t k = i; k < j; k++)
			if (!v[k].domain) {
				v[k].domain = best->domain;
				v[k].domain_source = best->domain_source;
			}
	}
}

static void fill_dest(struct rep_dest *r, const struct dest *d, const struct strpool *sp)
{
	memset(r, 0, sizeof *r);
	r->incarnation = d->handle;
	r->addr = d->key.addr;
	r->scope = (enum rep_scope)addr_scope(&d->key.addr);
	r->internet = r->scope == REP_SCOPE_INTERNET;
	r->dns_name = d->dns_name ? strpool_str(sp, d->dns_name) : NULL;
	r->sni = d->sni ? strpool_str(sp, d->sni) : NULL;
	r->http_host = d->http_host ? strpool_str(sp, d->http_host) : NULL;
	for (int i = 0; i < DEST_MAX_OTHER && d->other[i]; i++)
		r->other_names[r->n_other++] = strpool_str(sp, d->other[i]);
	choose_domain(r);
	r->proto = d->key.proto;
	r->port = d->key.port;
	r->app = (enum app_proto)d->app;
	r->enc = (enum enc_state)d->enc;
	r->inbound = d->key.inbound;
	r->tls_version = d->tls_version;
	r->first_lport = d->first_lport;
	r->flows = d->flows;
	r->pkts_up = d->pkts_up;
	r->pkts_down = d->pkts_down;
	r->bytes_up = d->bytes_up;
	r->bytes_down = d->bytes_down;
	r->first_us = d->first_us;
	r->last_us = d->last_us;
	r->n_gaps = d->n_gaps;
	if (d->n_gaps) {
		r->gap_mean = d->gap_sum / d->n_gaps;
		double var = d->gap_sq / d->n_gaps - r->gap_mean * r->gap_mean;
		r->gap_cv = r->gap_mean > 0 && var > 0 ? sqrt(var) / r->gap_mean : 0;
	}
}

/* Numeric order of the first IPv4 address, devices without one last. */
static uint32_t v4_num(const struct rep_device *d)
{
	if (!d->n_ipv4)
		return UINT32_MAX;
	const uint8_t *b = d->ipv4[0].b;
	return (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15];
}

static int cmp_device(const void *a, const void *b)
{
	const struct rep_device *x = a, *y = b;
	if (x->gateway != y->gateway)
		return y->gateway - x->gateway;
	uint32_t nx = v4_num(x), ny = v4_num(y);
	if (nx != ny)
		return nx < ny ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void fill_device(struct rep_device *r, const struct device *d, const struct strpool *sp,
			const struct oui_db *oui)
{
	memset(r, 0, sizeof *r);
	r->incarnation = d->handle;
	if (d->key.kind == DEVKEY_MAC) {
		r->has_mac = 1;
		memcpy(r->mac, d->key.mac, sizeof r->mac);
		mac_fmt(d->key.mac, r->id);
		r->randomized_mac = mac_is_local_admin(d->key.mac);
		struct oui_info oi;
		if (oui && oui_lookup(oui, d->key.mac, &oi) == 0) {
			r->maker = oi.org;
			memcpy(r->maker_country, oi.country, 3);
			r->maker_registry = oi.registry;
		}
	} else {
		addr_fmt(&d->key.ip, r->id);
	}
	r->gateway = tracker_device_forwards(d);
	r->arp_requests = d->arp_requests;
	r->arp_gratuitous = d->arp_gratuitous;
	for (int i = 0; i < 4; i++)
		r->arp_targets += (uint32_t)__builtin_popcountll(d->arp_targets[i]);
	r->dhcp_server = !!(d->roles & DEV_ROLE_DHCP);
	r->dns_server = !!(d->roles & DEV_ROLE_DNS);
	r->first_us = d->first_us;
	r->last_us = d->last_us;
	r->pkts_out = d->pkts_out;
	r->pkts_in = d->pkts_in;
	r->bytes_out = d->bytes_out;
	r->bytes_in = d->bytes_in;
	r->ipv4 = calloc(d->n_v4 ? d->n_v4 : 1, sizeof *r->ipv4);
	r->ipv6 = calloc(d->n_v6 ? d->n_v6 : 1, sizeof *r->ipv6);
	r->names = calloc(d->n_attrs ? d->n_attrs : 1, sizeof *r->names);
	r->attrs = calloc(d->n_attrs ? d->n_attrs : 1, sizeof *r->attrs);
	if (!r->ipv4 || !r->ipv6 || !r->names || !r->attrs)
		return;
	for (int i = 0; i < d->n_v4; i++) {
		if (!(d->v4_ev[i] & ADDR_EV_PROVEN))
			r->ipv4_unproven |= 1u << r->n_ipv4;
		r->ipv4[r->n_ipv4++] = d->v4[i];
	}
	for (int i = 0; i < d->n_v6; i++) {
		if (!(d->v6_ev[i] & ADDR_EV_PROVEN))
			r->ipv6_unproven |= 1u << r->n_ipv6;
		r->ipv6[r->n_ipv6++] = d->v6[i];
	}
	for (int i = 0; i < d->n_attrs; i++) {
		enum dev_attr_kind k = (enum dev_attr_kind)d->attrs[i].kind;
		const char *v = strpool_str(sp, d->attrs[i].str);
		r->attrs[r->n_attrs].kind = dev_attr_name(k);
		r->attrs[r->n_attrs].value = v;
		r->n_attrs++;
		if (dev_attr_is_name(k)) {
			r->names[r->n_names].name = v;
			r->names[r->n_names].source = dev_attr_name(k);
			r->n_names++;
		}
	}
}

static int cmp_query(const void *a, const void *b)
{
	return strcmp(((const struct rep_query *)a)->name, ((const struct rep_query *)b)->name);
}

static int cmp_resolved(const void *a, const void *b)
{
	const struct rep_resolved *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	/* one name, several addresses: in the order of their text, as ever */
	char ax[ADDR_STRLEN], ay[ADDR_STRLEN];
	return strcmp(addr_fmt(&x->addr, ax), addr_fmt(&y->addr, ay));
}

/* The same order, each address formatted once rather than at every
 * comparison (a device that learned many addresses for one name made
 * this a tenth of report_build()). */
struct resolved_sort {
	char addr[ADDR_STRLEN];
	struct rep_resolved r;
};

static int cmp_resolved_keyed(const void *a, const void *b)
{
	const struct resolved_sort *x = a, *y = b;
	int c = strcmp(x->r.name, y->r.name);
	return c ? c : strcmp(x->addr, y->addr);
}

static void sort_resolved(struct rep_resolved *v, size_t n)
{
	struct resolved_sort *k = malloc(n * sizeof *k);
	if (!k) {
		qsort(v, n, sizeof *v, cmp_resolved);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		k[i].r = v[i];
		addr_fmt(&v[i].addr, k[i].addr);
	}
	qsort(k, n, sizeof *k, cmp_resolved_keyed);
	for (size_t i = 0; i < n; i++)
		v[i] = k[i].r;
	free(k);
}

/* The name cache and the queries, per device. Two passes: count, fill. */
static void add_dns(struct report *r, const struct snapshot *t, const uint32_t *slot,
		    uint32_t maxidx, const struct strpool *sp)
{
	uint32_t dev, name, count;
	struct ip_addr a;
	for (uint32_t i = 0; i < snap_query_count(t); i++) {
		snap_query(t, i, &dev, &name, &count);
		if (dev < maxidx)
			r->devices[slot[dev]].n_queries++;
	}
	for (uint32_t i = 0; i < snap_name_count(t); i++) {
		snap_name(t, i, &dev, &a, &name);
		if (dev < maxidx)
			r->devices[slot[dev]].n_resolved++;
	}
	for (size_t k = 0; k < r->n_devices; k++) {
		struct rep_device *d = &r->devices[k];
		d->queries = calloc(d->n_queries ? d->n_queries : 1, sizeof *d->queries);
		d->resolved = calloc(d->n_resolved ? d->n_resolved : 1, sizeof *d->resolved);
		d->n_queries = d->n_resolved = 0;
	}
	for (uint32_t i = 0; i < snap_query_count(t); i++) {
		snap_query(t, i, &dev, &name, &count);
		struct rep_device *d = dev < maxidx ? &r->devices[slot[dev]] : NULL;
		if (!d || !d->queries)
			continue;
		d->queries[d->n_queries].name = strpool_str(sp, name);
		d->queries[d->n_queries].count = count;
		d->n_queries++;
	}
	for (uint32_t i = 0; i < snap_name_count(t); i++) {
		snap_name(t, i, &dev, &a, &name);
		struct rep_device *d = dev < maxidx ? &r->devices[slot[dev]] : NULL;
		if (!d || !d->resolved)
			continue;
		d->resolved[d->n_resolved].name = strpool_str(sp, name);
		d->resolved[d->n_resolved].addr = a;
		d->resolved[d->n_resolved].ttl = snap_name_ttl(t, i);
		d->n_resolved++;
	}
	for (size_t k = 0; k < r->n_devices; k++) {
		struct rep_device *d = &r->devices[k];
		if (d->n_queries > 1)
			qsort(d->queries, d->n_queries, sizeof *d->queries, cmp_query);
		if (d->n_resolved > 1)
			sort_resolved(d->resolved, d->n_resolved);
	}
}

#define N_COUNTERS (DC__COUNT + 64)

static void add_counter(struct report *r, size_t cap, const char *name, uint64_t v)
{
	if (v && r->n_counters < cap) {
		r->counters[r->n_counters].name = name;
		r->counters[r->n_counters].value = v;
		r->n_counters++;
	}
}

static void fill_counters(struct report *r, const struct tracker_stats *st,
			  const struct dec_stats *dec)
{
	size_t cap = N_COUNTERS;
	r->counters = calloc(cap, sizeof *r->counters);
	if (!r->counters)
		return;
	for (int i = 0; dec && i < DC__COUNT; i++)
		add_counter(r, cap, dec_counter_name((enum dec_counter)i), dec->n[i]);
	add_counter(r, cap, "app_payload_rejected", st->app.n[DC_APP_BAD]);
	add_counter(r, cap, "flows_created", st->flows_created);
	add_counter(r, cap, "flows_expired", st->flows_expired);
	add_counter(r, cap, "flows_evicted", st->flows_evicted);
	add_counter(r, cap, "devices_refused", st->devices_refused);
	add_counter(r, cap, "devices_evicted", st->devices_evicted);
	add_counter(r, cap, "destinations_refused", st->dests_refused);
	add_counter(r, cap, "names_evicted", st->names_evicted);
	add_counter(r, cap, "devices_displaced", st->devices_displaced);
	add_counter(r, cap, "devices_expired", st->devices_expired);
	add_counter(r, cap, "dests_expired", st->dests_expired);
	add_counter(r, cap, "dests_evicted", st->dests_evicted);
	add_counter(r, cap, "names_expired", st->names_expired);
	add_counter(r, cap, "strings_reclaimed", st->strings_reclaimed);
	add_counter(r, cap, "string_compactions", st->string_compactions);
	add_counter(r, cap, "strings_refused", st->strings_refused);
	add_counter(r, cap, "streams_refused", st->streams_refused);
	add_counter(r, cap, "tls_client_hellos", st->tls_hellos);
	add_counter(r, cap, "http_requests", st->http_requests);
	add_counter(r, cap, "dns_answers", st->dns_answers);
	add_counter(r, cap, "dns_unsolicited", st->dns_unsolicited);
	add_counter(r, cap, "dns_queries_expired", st->dns_queries_expired);
	add_counter(r, cap, "dns_pending_evicted", st->dns_pending_evicted);
	add_counter(r, cap, "dns_pending_refused", st->dns_pending_refused);
	add_counter(r, cap, "dhcp_spoofed", st->dhcp_spoofed);
	add_counter(r, cap, "dhcp_unverified", st->dhcp_unverified);
	add_counter(r, cap, "dhcp_relayed", st->dhcp_relayed);
	add_counter(r, cap, "non_ip_packets", st->non_ip_packets);
}

/* Country, network and whose cloud, for an internet destination. */
static void enrich_dest(struct rep_dest *x, const struct intel_db *in)
{
	struct ip_info info;
	if (in->ip && ipdb_lookup(in->ip, &x->addr, &info) == 0) {
		struct ip_addr v4;
		if (info.translated) {
			x->translated = addr_ip4in6(&x->addr, &v4);
			x->translated_ipv4 = info.ipv4;
		}
		memcpy(x->country, info.country, 3);
		x->asn = info.asn;
		if (info.org[0])
			x->org = strdup(info.org);
	}
	/* whose cloud follows the chosen name; a DNS name that lost to the
	 * connection's own name says nothing of it */
	const char *names[3 + DEST_MAX_OTHER] = { x->domain, x->sni, x->http_host };
	size_t n = 3;
	for (int i = 0; i < x->n_other; i++)
		names[n++] = x->other_names[i];
	for (size_t i = 0; i < n && in->clouds; i++) {
		const struct cloud *c = names[i] ? clouds_match(in->clouds, names[i]) : NULL;
		if (c) {
			x->company = c->company;
			x->service = c->service;
			break;
		}
	}
}

/* The household's own country: what the user said, else the country of
 * the global addresses the network's own devices use (IPv6 prefixes, a
 * public IPv4 on a device), by majority. */
static void home_country(struct report *r, const struct intel_db *in, const struct ip_addr *owned,
			 size_t n_owned)
{
	if (in->home_country && *in->home_country) {
		snprintf(r->home_country, sizeof r->home_country, "%.2s", in->home_country);
		for (int i = 0; i < 2; i++)
			if (r->home_country[i] >= 'a' && r->home_country[i] <= 'z')
				r->home_country[i] = (char)(r->home_country[i] - 32);
		r->home_source = "user";
		return;
	}
	char best[3] = "";
	size_t best_n = 0;
	for (size_t i = 0; i < n_owned && in->ip; i++) {
		struct ip_info a;
		if (ipdb_lookup(in->ip, &owned[i], &a) < 0 || !a.country[0])
			continue;
		size_t k = 0;
		for (size_t j = 0; j < n_owned; j++) {
			struct ip_info b;
			k += ipdb_lookup(in->ip, &owned[j], &b) == 0 && !strcmp(a.country, b.country);
		}
		if (k > best_n) {
			best_n = k;
			memcpy(best, a.country, 3);
		}
	}
	if (best[0]) {
		memcpy(r->home_country, best, 3);
		r->home_source = "own-address";
	}
}

struct report *report_build(const struct snapshot *t, const struct intel_db *in,
			    const struct dec_stats *dec, const struct rep_input *inputs,
			    size_t n_inputs, uint64_t first_us, uint64_t last_us, uint64_t undecoded)
{
	struct report *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	const struct tracker_stats *st = snap_stats(t);
	const struct strpool *sp = snap_strings(t);
	r->schema = REPORT_SCHEMA;
	r->packets = st->packets + undecoded;
	r->bytes = st->bytes;
	r->first_us = first_us;
	r->last_us = last_us;
	r->undecoded = undecoded;
	r->memory_bytes = snap_tracker_memory(t);
	r->inputs = calloc(n_inputs ? n_inputs : 1, sizeof *r->inputs);
	if (r->inputs) {
		memcpy(r->inputs, inputs, n_inputs * sizeof *inputs);
		r->n_inputs = n_inputs;
	}
	fill_counters(r, st, dec);
	r->devices_evicted = st->devices_evicted;
	r->devices_refused = st->devices_refused;
	r->max_devices = snap_max_devices(t);

	/* devices, with a map from tracker index to report slot */
	uint32_t maxidx = 0;
	for (uint32_t i = 0; i < snap_device_count(t); i++)
		maxidx = i + 1;
	uint32_t *slot = malloc((maxidx ? maxidx : 1) * sizeof *slot);
	r->devices = calloc(snap_device_count(t) + 1, sizeof *r->devices);
	if (!slot || !r->devices) {
		free(slot);
		return r;
	}
	for (uint32_t i = 0; i < snap_device_count(t); i++) {
		slot[i] = (uint32_t)r->n_devices;
		fill_device(&r->devices[r->n_devices++], snap_device(t, i), sp, in->oui);
	}
	/* global addresses that belong to devices of this network (IPv6
	 * hosts have them): a destination there is a LAN peer, not the
	 * internet. Only with LAN evidence (ADDR_EV_PROVEN: ARP, NDP, a DHCP
	 * lease, an answer delivered to the device's MAC): a source address
	 * is whatever the frame's sender wrote, and one frame from a LAN MAC
	 * "from" 47.102.97.140 must not make a camera's upload there LAN
	 * traffic, nor the home country CN. Those refused are counted.
	 * Sorted for bsearch. */
	size_t n_owned = 0, cap_owned = 0;
	uint64_t refused = 0;
	struct ip_addr *owned = NULL;
	for (uint32_t i = 0; i < snap_device_count(t); i++) {
		const struct device *d = snap_device(t, i);
		if (d->key.kind != DEVKEY_MAC || tracker_device_forwards(d))
			continue;
		for (int k = 0; k < d->n_v4 + d->n_v6; k++) {
			const struct ip_addr *a = k < d->n_v4 ? &d->v4[k] : &d->v6[k - d->n_v4];
			uint8_t ev = k < d->n_v4 ? d->v4_ev[k] : d->v6_ev[k - d->n_v4];
			if (addr_scope(a) != SCOPE_GLOBAL)
				continue;
			if (!(ev & ADDR_EV_PROVEN)) {
				refused += (ev & ADDR_EV_SENT) != 0;
				continue;
			}
			if (n_owned == cap_owned) {
				size_t nc = cap_owned ? 2 * cap_owned : 64;
				struct ip_addr *no = realloc(owned, nc * sizeof *no);
				if (!no)
					break;
				owned = no;
				cap_owned = nc;
			}
			owned[n_owned++] = *a;
		}
	}
	if (r->counters)
		add_counter(r, N_COUNTERS, "lan_global_refused", refused);
	if (n_owned > 1)
		qsort(owned, n_owned, sizeof *owned, cmp_addr);
	home_country(r, in, owned, n_owned);

	/* count destinations per device, then fill */
	for (uint32_t i = 0; i < snap_dest_count(t); i++) {
		uint32_t di = snap_dest(t, i)->key.dev;
		if (di < maxidx)
			r->devices[slot[di]].n_dests++;
	}
	for (size_t k = 0; k < r->n_devices; k++) {
		struct rep_device *rd = &r->devices[k];
		rd->dests = calloc(rd->n_dests ? rd->n_dests : 1, sizeof *rd->dests);
		rd->n_dests = 0;
	}
	for (uint32_t i = 0; i < snap_dest_count(t); i++) {
		const struct dest *d = snap_dest(t, i);
		uint32_t di = d->key.dev;
		if (di >= maxidx)
			continue;
		struct rep_device *rd = &r->devices[slot[di]];
		if (!rd->dests)
			continue;
		struct rep_dest *x = &rd->dests[rd->n_dests++];
		fill_dest(x, d, sp);
		if (x->internet && n_owned &&
		    bsearch(&d->key.addr, owned, n_owned, sizeof *owned, cmp_addr)) {
			x->internet = 0;
			x->scope = REP_SCOPE_LAN_GLOBAL;
		}
	}
	for (size_t k = 0; k < r->n_devices; k++) {
		struct rep_device *rd = &r->devices[k];
		share_names(rd->dests, rd->n_dests);
		for (size_t j = 0; j < rd->n_dests; j++) {
			struct rep_dest *x = &rd->dests[j];
			if (!x->internet)
				continue;
			enrich_dest(x, in);
			x->abroad = x->country[0] && r->home_country[0] && strcmp(x->country, r->home_country);
			x->infra = infra_match(in->infra, rep_proto_name(x->proto), x->port, x->domain);
			x->folded = x->infra && x->bytes_up < in->infra_bytes;
		}
	}
	add_dns(r, t, slot, maxidx, sp);
	free(slot);
	free(owned);
	for (size_t k = 0; k < r->n_devices; k++) {
		struct rep_device *rd = &r->devices[k];
		sort_dests(rd->dests, rd->n_dests, by_bytes);
	}
	qsort(r->devices, r->n_devices, sizeof *r->devices, cmp_device);
	report_countries(r);
	report_identify(r, in->classifier);
	report_count(r);
	return r;
}

/* A destination's rows of the history each keep the record of their last
 * traffic: a name learned after it (a DNS answer in a file read later, a
 * name another row of the address got) is shared again as report_build
 * shares it, and whose cloud with it (a row of the same address and
 * domain that knows). */
static void share_again(struct rep_dest *v, size_t n)
{
	share_names(v, n);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && addr_eq(&v[j].addr, &v[i].addr); j++)
			;
		for (size_t k = i; k < j; k++) {
			if (v[k].company || !v[k].domain)
				continue;
			for (size_t m = i; m < j; m++)
				if (v[m].company && v[m].domain && !strcmp(v[m].domain, v[k].domain)) {
					v[k].company = v[m].company;
					v[k].service = v[m].service;
					break;
				}
		}
	}
}

void report_resum(struct report *r, uint64_t infra_bytes)
{
	for (size_t k = 0; k < r->n_devices; k++) {
		struct rep_device *d = &r->devices[k];
		share_again(d->dests, d->n_dests);
		for (size_t j = 0; j < d->n_dests; j++) {
			struct rep_dest *x = &d->dests[j];
			if (!x->internet)
				continue;
			x->abroad = x->country[0] && r->home_country[0] && strcmp(x->country, r->home_country);
			x->folded = x->infra && x->bytes_up < infra_bytes;
		}
		sort_dests(d->dests, d->n_dests, by_bytes);
	}
	qsort(r->devices, r->n_devices, sizeof *r->devices, cmp_device);
	r->n_countries = 0;
	report_countries(r);
	report_count(r);
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t k = 0; k < r->n_devices; k++) {
		for (size_t j = 0; j < r->devices[k].n_dests; j++)
			free(r->devices[k].dests[j].org);
		free(r->devices[k].ipv4);
		free(r->devices[k].ipv6);
		free(r->devices[k].names);
		free(r->devices[k].attrs);
		free(r->devices[k].dests);
		free(r->devices[k].queries);
		free(r->devices[k].resolved);
		free(r->devices[k].hits);
	}
	free(r->devices);
	free(r->inputs);
	free(r->counters);
	free(r->countries);
	for (struct rep_block *b = r->blocks, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(r);
}

/* Add s to a comma-separated list unless it is there. */
static void list_once(char *buf, size_t n, const char *s)
{
	size_t sl = strlen(s);
	for (const char *p = buf; (p = strstr(p, s)); p += sl)
		if ((p == buf || p[-1] == ' ') && (p[sl] == ',' || p[sl] == '\0'))
			return;
	size_t l = strlen(buf);
	snprintf(buf + l, n - l, "%s%s", l ? ", " : "", s);
}

void report_summary(const struct report *r, const struct rep_device *d, struct rep_summary *out)
{
	out->clouds[0] = out->countries[0] = '\0';
	out->worst = NULL;
	for (size_t i = 0; i < d->n_dests && !d->gateway; i++) {
		const struct rep_dest *x = &d->dests[i];
		if (!x->internet || x->folded)
			continue;
		if (x->company)
			list_once(out->clouds, sizeof out->clouds, x->company);
		if (x->country[0])
			list_once(out->countries, sizeof out->countries, x->country);
	}
	for (size_t i = 0; i < r->n_findings; i++) /* worst first */
		if (!strcmp(r->findings[i].device, d->id)) {
			out->worst = &r->findings[i];
			break;
		}
}

int report_dropped(const struct report *r, char *buf, size_t n)
{
	char a[32], b[32];
	int len = 0;
	buf[0] = '\0';
	if (r->devices_evicted)
		len = snprintf(buf, n,
			       "%s device%s seen only briefly (no DHCP, ARP/NDP, two-way traffic or long "
			       "presence) %s dropped to keep the device table within %u (--max-devices)",
			       fmt_count(a, r->devices_evicted), r->devices_evicted == 1 ? "" : "s",
			       r->devices_evicted == 1 ? "was" : "were", r->max_devices);
	if (r->devices_refused && len >= 0 && (size_t)len < n)
		len += snprintf(buf + len, n - (size_t)len,
				"%s%s new device%s refused: the device table (--max-devices %u) was full "
				"of devices with evidence",
				len ? "; " : "", fmt_count(b, r->devices_refused),
				r->devices_refused == 1 ? "" : "s", r->max_devices);
	return len > 0;
}

const char *report_display(const struct report *r, const char *id)
{
	for (size_t k = 0; k < r->n_devices; k++)
		if (!strcmp(r->devices[k].id, id))
			return r->devices[k].display[0] ? r->devices[k].display : id;
	return id;
}
