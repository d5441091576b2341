/* tracker.c - one decoded packet in, tables updated (see tracker.h).
 *
 * Who is a device: the side of a packet whose address is local (RFC 1918,
 * CGNAT, link-local, ULA, unspecified) and whose MAC is a unicast address —
 * keyed by MAC, or by IP when the capture has no link layer. Internet
 * addresses arrive with the router's MAC, so they never become devices;
 * the router does, and is the gateway once it shows it forwards
 * (gateway.c). When neither end of a flow is
 * local (a capture of public addresses), the side that opened the flow is
 * taken as the device.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track/internal.h"

void tracker_config_default(struct tracker_config *c)
{
	memset(c, 0, sizeof *c);
	c->max_devices = 4096;
	c->max_flows = 65536;
	c->max_dests = 65536;
	c->max_names = 65536;
	c->max_streams = 256;
	c->stream_bytes = 16384;
	c->max_string_bytes = 32u << 20;
	c->tcp_idle_s = 300;
	c->udp_idle_s = 120;
	c->window_s = 3600;
}

uint32_t tracker_idle_min_s(const struct tracker_config *c)
{
	const uint32_t idle[] = { c->dev_idle_s, c->dest_idle_s, c->name_idle_s };
	uint32_t m = 0;
	for (size_t k = 0; k < sizeof idle / sizeof idle[0]; k++)
		if (idle[k] && (!m || idle[k] < m))
			m = idle[k];
	return m;
}

static void on_flow_evict(void *ctx, uint32_t idx, void *entry)
{
	(void)idx;
	flow_release_stream(ctx, entry);
}

struct tracker *tracker_new(const struct tracker_config *cfg)
{
	struct tracker *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	if (cfg)
		t->cfg = *cfg;
	else
		tracker_config_default(&t->cfg);
	struct table_type dev = { sizeof(struct dev_key), sizeof(struct device),
				  t->cfg.max_devices, false, NULL, NULL };
	struct table_type flow = { sizeof(struct flow_key), sizeof(struct flow),
				   t->cfg.max_flows, true, on_flow_evict, t };
	struct table_type dest = { sizeof(struct dest_key), sizeof(struct dest),
				   t->cfg.max_dests, false, NULL, NULL };
	t->devices = table_new(&dev);
	t->flows = table_new(&flow);
	t->dests = table_new(&dest);
	int names_ok = names_init(t);
	t->strs = strpool_new(t->cfg.max_string_bytes);
	t->streams = calloc(t->cfg.max_streams ? t->cfg.max_streams : 1, sizeof *t->streams);
	t->last_flow = TABLE_NONE;
	t->dev_bits = handle_bits(t->cfg.max_devices);
	t->dest_bits = handle_bits(t->cfg.max_dests);
	t->scratch_cap = 64 * 1024;
	t->scratch = malloc(t->scratch_cap);
	t->tls_cache = calloc(1, sizeof *t->tls_cache);
	t->eps = calloc(ENDPOINTS, sizeof *t->eps);
	t->tcp_svc = calloc(65536 / 8, 1);
	if (!t->devices || !t->flows || names_ok < 0 || !t->dests || !t->strs || !t->streams ||
	    !t->scratch || !t->tls_cache || !t->eps || !t->tcp_svc) {
		tracker_free(t);
		return NULL;
	}
	return t;
}

void tracker_free(struct tracker *t)
{
	if (!t)
		return;
	table_free(t->devices);
	table_free(t->flows);
	names_free(t);
	table_free(t->dests);
	strpool_free(t->strs);
	if (t->streams)
		for (uint32_t i = 0; i < t->cfg.max_streams; i++)
			free(t->streams[i].data);
	free(t->streams);
	free(t->scratch);
	free(t->tls_cache);
	free(t->eps);
	free(t->tcp_svc);
	free(t);
}

/* The device key of one side of an IP packet (0 source, 1 destination),
 * or false when that side is not a device of this network. */
static bool side_key(const struct pkt *p, int dst, struct dev_key *k)
{
	const struct ip_addr *ip = dst ? &p->dst : &p->src;
	const uint8_t *mac = dst ? p->mac_dst : p->mac_src;
	bool have_mac = p->has_mac && (!dst || p->has_mac_dst);
	if (addr_is_group(ip) || !addr_is_local(ip))
		return false;
	if (have_mac && !mac_is_zero(mac)) {
		if (mac_is_group(mac))
			return false;
		dev_key_mac(k, mac);
		return true;
	}
	if (!have_mac && p->has_mac)
		return false; /* SLL: this side's MAC is not in the packet */
	/* no link layer, or an all-zero MAC (loopback traffic written as
	 * Ethernet): the address names the device */
	if (addr_is_zero(ip))
		return false;
	dev_key_ip(k, ip);
	return true;
}

static struct device *count_dev(struct tracker *t, uint32_t dev, const struct pkt *p, int out)
{
	struct device *d = dev_at(t, dev);
	if (!d)
		return NULL;
	d->bytes_nodest += p->wirelen; /* until a destination takes it */
	if (out) {
		d->pkts_out += pkt_frames(p);
		d->bytes_out += p->wirelen;
	} else {
		d->pkts_in += pkt_frames(p);
		d->bytes_in += p->wirelen;
	}
	if (t->now_us > d->last_us)
		d->last_us = t->now_us;
	if (!(d->evidence & DEV_EV_LONG) && d->last_us >= d->first_us + DEV_LONG_US)
		dev_evidence(t, dev, DEV_EV_LONG);
	return d;
}

static void handle_arp(struct tracker *t, const struct pkt *p, uint64_t ts)
{
	struct dev_key k;
	const uint8_t *mac = p->arp.sha;
	if (mac_is_group(mac) || mac_is_zero(mac))
		return;
	dev_key_mac(&k, mac);
	uint32_t d = dev_get(t, &k, ts);
	struct ip_addr a;
	addr_from_v4(&a, p->arp.spa);
	if (!p->has_mac || !memcmp(p->mac_src, mac, 6))
		dev_evidence(t, d, DEV_EV_CLAIM); /* ARP of its own */
	if (!addr_is_zero(&a) && !addr_is_group(&a)) {
		char s[ADDR_STRLEN];
		dev_add_addr(t, d, &a);
		/* who says "this address is mine": the evidence of ARP spoofing */
		addr_fmt(&a, s);
		dev_add_attr(t, d, DA_ARP_CLAIM, s, strlen(s));
	}
	struct device *dv = dev_at(t, d);
	if (dv) {
		if (!dv->arp_win_us)
			dv->arp_win_us = ts;
		tracker_window_device(dv, ts, t->cfg.window_s);
		if (p->arp.op == 1 && memcmp(p->arp.spa, p->arp.tpa, 4) != 0) {
			dv->arp_cur_requests++;
			uint8_t o = p->arp.tpa[3];
			dv->arp_cur_targets[o >> 6] |= 1ull << (o & 63);
			arp_window_peak(dv, ts);
		} else if (!memcmp(p->arp.spa, p->arp.tpa, 4)) {
			dv->arp_cur_gratuitous++; /* announcing its own address */
			arp_window_peak(dv, ts);
		}
	}
	count_dev(t, d, p, 1);
}

/* Bind the devices of a flow's sides as soon as they can be known. */
static void bind_sides(struct tracker *t, struct flow *f, const struct pkt *p, int side,
		       bool created, uint64_t ts)
{
	struct dev_key k;
	if (f->dev[side] == TABLE_NONE && side_key(p, 0, &k)) {
		f->dev[side] = dev_get(t, &k, ts);
		dev_add_addr_ev(t, f->dev[side], &p->src, ADDR_EV_SENT);
	}
	if (f->dev[!side] == TABLE_NONE && side_key(p, 1, &k)) {
		f->dev[!side] = dev_get(t, &k, ts);
		dev_add_addr_ev(t, f->dev[!side], &p->dst, 0);
	}
	if (created && f->dev[0] == TABLE_NONE && f->dev[1] == TABLE_NONE &&
	    !addr_is_group(&p->src) && !addr_is_group(&p->dst) && !addr_is_local(&p->src) &&
	    !addr_is_local(&p->dst)) {
		/* no local end: the opener is the device */
		int from_src = f->init == side;
		const uint8_t *mac = from_src ? p->mac_src : p->mac_dst;
		const struct ip_addr *ip = from_src ? &p->src : &p->dst;
		bool have_mac = p->has_mac && (from_src || p->has_mac_dst) && !mac_is_group(mac);
		if (have_mac)
			dev_key_mac(&k, mac);
		else
			dev_key_ip(&k, ip);
		f->dev[f->init] = dev_get(t, &k, ts);
		dev_add_addr_ev(t, f->dev[f->init], ip, from_src ? ADDR_EV_SENT : 0);
	}
	if (f->pkts[side] < 4) /* the first packets each way */
		note_gateway(t, f, side, p, ts);
	/* each device side gets its destination: the other end */
	for (int s = 0; s < 2; s++) {
		if (f->dev[s] == TABLE_NONE || f->dest[s] != TABLE_NONE)
			continue;
		const struct ip_addr *remote = s == 0 ? &f->key.b : &f->key.a;
		uint16_t svc = f->init == 0 ? f->key.pb : f->key.pa;
		bool c2;
		f->dest[s] = dest_get(t, f->dev[s], remote, f->key.proto, svc, s != f->init, ts, &c2);
		struct dest *nd = c2 ? dest_at(t, f->dest[s]) : NULL;
		if (nd)
			nd->first_lport = s == 0 ? f->key.pa : f->key.pb;
	}
}

/* The device said in ARP that the address is its own. */
static bool dev_claims(struct tracker *t, uint32_t dev, const struct ip_addr *a)
{
	const struct device *d = dev_at(t, dev);
	char s[ADDR_STRLEN];
	if (!d)
		return false;
	addr_fmt(a, s);
	for (int i = 0; i < d->n_attrs; i++)
		if (d->attrs[i].kind == DA_ARP_CLAIM && !strcmp(strpool_str(t->strs, d->attrs[i].str), s))
			return true;
	return false;
}

/* A flow side bound from a packet it received (the frame's destination
 * MAC) now sends from another MAC: the sender is the device (a host in the
 * middle received the first packet for it). The destination moves to the
 * sender, with what it counted when no other flow shares it. */
static void rebind_sender(struct tracker *t, struct flow *f, uint32_t fi, int side,
			  const struct pkt *p, uint64_t ts)
{
	struct dev_key k;
	dev_key_mac(&k, p->mac_src);
	uint32_t nd = dev_get(t, &k, ts);
	if (nd == TABLE_NONE)
		return;
	f = flow_at(t, fi);
	uint32_t od = f->dest[side];
	if (!dev_claims(t, f->dev[side], &p->src))
		dev_del_addr(t, f->dev[side], &p->src); /* it only received for it */
	f->dev[side] = nd;
	dev_add_addr_ev(t, nd, &p->src, ADDR_EV_SENT);
	const struct ip_addr *remote = side == 0 ? &f->key.b : &f->key.a;
	uint16_t svc = f->init == 0 ? f->key.pb : f->key.pa;
	bool c;
	uint32_t ndi = dest_get(t, nd, remote, f->key.proto, svc, side != f->init, ts, &c);
	f = flow_at(t, fi);
	f->dest[side] = ndi;
	struct dest *o = dest_at(t, od), *n = dest_at(t, ndi);
	if (!o || !n || o->flows != 1 || od == ndi)
		return;
	n->pkts_up += o->pkts_up, n->pkts_down += o->pkts_down;
	n->bytes_up += o->bytes_up, n->bytes_down += o->bytes_down;
	struct device *ndv = dev_at(t, nd);
	if (ndv)
		ndv->bytes_nodest -= (int64_t)(o->bytes_up + o->bytes_down);
	if (o->first_us < n->first_us)
		n->first_us = o->first_us;
	if (!n->dns_name)
		n->dns_name = o->dns_name;
	dest_remove(t, od);
}

/* The same local address sent from two MACs: the second relays the
 * first's traffic (NAT, a VM bridge, an ARP-spoofing host in the middle).
 * Noted on the relay; its copy is not counted to the flow again, and what
 * it carries is the relayed host's. */
static void note_relay(struct tracker *t, uint32_t owner, const struct pkt *p, uint64_t ts)
{
	struct dev_key k;
	const struct device *o = dev_at(t, owner);
	char ip[ADDR_STRLEN], mac[MAC_STRLEN], buf[ADDR_STRLEN + MAC_STRLEN + 2];
	if (!o)
		return;
	mac_fmt(o->key.mac, mac); /* before dev_get: an insert may move the table */
	dev_key_mac(&k, p->mac_src);
	uint32_t relay = dev_get(t, &k, ts);
	addr_fmt(&p->src, ip);
	int n = snprintf(buf, sizeof buf, "%s %s", ip, mac);
	if (n > 0)
		dev_add_attr(t, relay, DA_RELAY_FOR, buf, (size_t)n);
	count_dev(t, relay, p, 1);
}

/* A flow side whose device was evicted since (its handle is stale) is
 * unbound, with its destination (removed with the device). */
static void flow_check_sides(struct tracker *t, struct flow *f)
{
	/* pins matter only when this packet could make the table evict */
	bool near_cap = table_count(t->devices) + 16 >= t->cfg.max_devices;
	/* handles go stale only when entries go (evicted, expired, merged) */
	bool gone = t->stale;
	for (int s = 0; s < 2; s++) {
		if (gone && f->dev[s] != TABLE_NONE && !dev_at(t, f->dev[s])) {
			f->dev[s] = TABLE_NONE;
			f->dest[s] = TABLE_NONE;
			f->sent &= (uint8_t)~(1u << s);
			f->gw &= (uint8_t)~(5u << s);
		}
		if (gone && f->dest[s] != TABLE_NONE && !dest_at(t, f->dest[s]))
			f->dest[s] = TABLE_NONE; /* bound again below, a new record */
		if (near_cap)
			dev_pin(t, f->dev[s]);
	}
}

/* What this packet shows of its devices: a flow answered both ways is
 * two-way traffic for the sides that sent on it; a packet delivered to a
 * device's MAC for a global address it has, from another MAC (the router,
 * a LAN peer), shows the address is its own. */
static void note_evidence(struct tracker *t, struct flow *f, int side, const struct pkt *p)
{
	if (f->pkts[0] && f->pkts[1] && (f->sent & ~(f->gw >> 2) & 3))
		for (int s = 0; s < 2; s++)
			if ((f->sent & (1u << s)) && !(f->gw & (4u << s))) {
				dev_evidence(t, f->dev[s], DEV_EV_TWOWAY);
				f->gw |= (uint8_t)(4u << s);
			}
	if (!p->has_mac_dst || !p->has_mac || addr_is_local(&p->dst))
		return;
	/* the receiving side, or (a flow of public addresses binds only its
	 * opener) the device of the frame's destination MAC, on the first
	 * packets each way */
	const struct device *r = dev_at(t, f->dev[!side]);
	if (!r && f->dev[!side] == TABLE_NONE && f->pkts[side] <= 4 && !mac_is_group(p->mac_dst))
		r = dev_by_mac(t, p->mac_dst);
	if (!r || r->key.kind != DEVKEY_MAC || memcmp(r->key.mac, p->mac_dst, 6) ||
	    !memcmp(p->mac_src, p->mac_dst, 6) || addr_scope(&p->dst) != SCOPE_GLOBAL)
		return;
	int ev = dev_addr_ev(t, r->handle, &p->dst);
	if (ev >= 0 && !(ev & ADDR_EV_ANSWERED))
		dev_add_addr_ev(t, r->handle, &p->dst, ADDR_EV_ANSWERED);
}

#define STR_CHECK_EVERY 256 /* packets between looks at the string pool */

static void track_packet(struct tracker *t, const struct pkt *p, uint64_t ts)
{
	uint32_t nf = pkt_frames(p); /* a reassembled datagram: its frames */
	t->now_us = ts;
	t->st.packets += nf;
	t->st.bytes += p->wirelen;
	flow_expire(t, ts);
	/* idle expiry is the tick's alone (tracker_tick): the engine takes a
	 * snapshot due before it, so what an entry did since the last one is
	 * never forgotten with it; here, between two snapshots, it could be
	 * (a file whose clock goes back and forth, files out of order) */
	if (++t->str_check >= STR_CHECK_EVERY) {
		t->str_check = 0;
		life_strings(t);
	}

	if (p->l3 == L3_ARP) {
		t->st.non_ip_packets++;
		handle_arp(t, p, ts);
		return;
	}
	if (p->l3 != L3_IPV4 && p->l3 != L3_IPV6) {
		t->st.non_ip_packets++;
		if (p->has_mac && !mac_is_group(p->mac_src) && !mac_is_zero(p->mac_src)) {
			struct dev_key k;
			dev_key_mac(&k, p->mac_src);
			count_dev(t, dev_get(t, &k, ts), p, 1);
		}
		return;
	}
	t->st.ip_packets += nf;
	if (p->frag != FRAG_NONE || !p->has_l4)
		return; /* no ports: counted in the totals only */

	int side;
	bool created;
	uint32_t fi = flow_get(t, p, ts, &side, &created);
	struct flow *f = flow_at(t, fi);
	if (!f)
		return;
	flow_check_sides(t, f);
	bind_sides(t, f, p, side, created, ts);
	f = flow_at(t, fi); /* dev_get/dest_get do not move flows, but be safe */
	/* flows belong to the MAC that sent them */
	const struct device *bound = dev_at(t, f->dev[side]);
	if (bound && bound->key.kind == DEVKEY_MAC && p->has_mac && !mac_is_group(p->mac_src) &&
	    !mac_is_zero(p->mac_src) && !addr_is_zero(&p->src) && addr_is_local(&p->src) &&
	    memcmp(bound->key.mac, p->mac_src, 6)) {
		if (f->sent & (1u << side)) {
			note_relay(t, f->dev[side], p, ts);
			/* not counted again, but read: the copy may be all the
			 * capture holds of it (a UDP copy equal to the original
			 * is skipped by the payload digest) */
			if (p->payload_len)
				observe_payload(t, p, fi, side);
			return;
		}
		rebind_sender(t, f, fi, side, p, ts);
		f = flow_at(t, fi);
	}
	if (p->has_mac && f->dev[side] != TABLE_NONE)
		f->sent |= (uint8_t)(1u << side);
	f->pkts[side] += nf;
	f->bytes[side] += p->wirelen;
	uint32_t sdev = f->dev[side];
	if (addr_is_zero(&p->src) && p->has_mac && !mac_is_group(p->mac_src) && !mac_is_zero(p->mac_src)) {
		/* DHCP clients all send from 0.0.0.0 and share one flow: count
		 * the frame to its sender */
		struct dev_key k;
		dev_key_mac(&k, p->mac_src);
		sdev = dev_get(t, &k, ts);
	}
	/* device pointers stay valid: nothing below inserts a device */
	struct device *dsend = count_dev(t, sdev, p, 1);
	struct device *drecv = count_dev(t, f->dev[!side], p, 0);
	note_evidence(t, f, side, p);
	for (int s = 0; s < 2; s++) {
		struct dest *d = dest_at(t, f->dest[s]);
		if (!d)
			continue;
		/* a destination's device is its flow side's (key.dev == f->dev[s]) */
		struct device *dv = s != side ? drecv : sdev == f->dev[side] ? dsend : dev_at(t, d->key.dev);
		if (dv)
			dv->bytes_nodest -= p->wirelen;
		if (s == side) {
			d->pkts_up += nf;
			d->bytes_up += p->wirelen;
		} else {
			d->pkts_down += nf;
			d->bytes_down += p->wirelen;
		}
		if (ts > d->last_us)
			d->last_us = ts;
	}
	if (p->payload_len)
		observe_payload(t, p, fi, side);
}

void tracker_packet(struct tracker *t, const struct pkt *p, uint64_t ts)
{
	t->pkt = p;
	dev_unpin(t);
	track_packet(t, p, ts);
	t->pkt = NULL;
	dev_unpin(t);
}

const struct tracker_stats *tracker_stats(const struct tracker *t)
{
	return &t->st;
}

const struct strpool *tracker_strings(const struct tracker *t)
{
	return t->strs;
}

uint32_t tracker_device_next(const struct tracker *t, uint32_t idx)
{
	return table_next(t->devices, idx);
}

const struct device *tracker_device(const struct tracker *t, uint32_t idx)
{
	return table_get(t->devices, idx);
}

uint32_t tracker_dest_next(const struct tracker *t, uint32_t idx)
{
	return table_next(t->dests, idx);
}

const struct dest *tracker_dest(const struct tracker *t, uint32_t idx)
{
	return table_get(t->dests, idx);
}

uint32_t tracker_device_count(const struct tracker *t)
{
	return table_count(t->devices);
}

uint32_t tracker_max_devices(const struct tracker *t)
{
	return t->cfg.max_devices;
}

uint32_t tracker_dest_count(const struct tracker *t)
{
	return table_count(t->dests);
}

uint32_t tracker_flow_count(const struct tracker *t)
{
	return table_count(t->flows);
}

size_t tracker_memory(const struct tracker *t)
{
	size_t m = table_memory(t->devices) + table_memory(t->flows) + names_memory(t) +
		   table_memory(t->dests) + strpool_memory(t->strs) + t->scratch_cap +
		   sizeof *t->tls_cache + ENDPOINTS * sizeof *t->eps + 65536 / 8;
	for (uint32_t i = 0; i < t->cfg.max_streams; i++)
		if (t->streams[i].data)
			m += t->cfg.stream_bytes;
	return m;
}
