/* gateway.c - which MAC is the router: the one that carries internet
 * traffic both ways (docs/internals.md, "The router"). A frame's source
 * address and MAC are whatever its sender wrote, so one frame from
 * 8.8.8.8:53 must not make a router: the LAN's own hosts must also send
 * for the same internet addresses to that MAC. */
#include <string.h>

#include "track/internal.h"

/* A MAC as 32 bits, never 0. */
static uint32_t mac_hash(const uint8_t mac[static 6])
{
	uint64_t v = 0;
	memcpy(&v, mac, 6);
	v *= 0x9e3779b97f4a7c15u;
	uint32_t h = (uint32_t)(v >> 32);
	return h ? h : 1;
}

/* One bit of a gateway evidence set per internet address (hashed). */
static void gw_mark(uint64_t set[static GW_WORDS], const struct ip_addr *a)
{
	uint64_t w[2];
	memcpy(w, a->b, sizeof w);
	uint64_t h = w[0] ^ (w[1] >> 32 | w[1] << 32) ^ 0x9e3779b97f4a7c15u; /* splitmix64's finaliser */
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9u;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebu;
	h ^= h >> 31;
	unsigned bit = (unsigned)(h % (64 * GW_WORDS));
	set[bit / 64] |= 1ull << (bit % 64);
}

static void gw_check(struct tracker *t, struct device *d)
{
	if (!(d->roles & DEV_ROLE_GATEWAY) && tracker_device_forwards(d)) {
		d->roles |= DEV_ROLE_GATEWAY;
		dev_evidence(t, d->handle, DEV_EV_FORWARDS);
	}
}

/* An address on this LAN's side of a packet: a local unicast one (not
 * link-local or unspecified: a host with a global IPv6 address sends
 * neighbour discovery and MLD from it and forwards nothing), or the
 * address of a flow side bound to that frame's MAC (a LAN device with a
 * global address). */
static bool lan_end(struct tracker *t, const struct flow *f, int s, const struct ip_addr *a,
		    const uint8_t mac[static 6])
{
	enum addr_scope sc = addr_scope(a);
	if (addr_is_local(a))
		return sc != SCOPE_LINKLOCAL && sc != SCOPE_UNSPEC && sc != SCOPE_LOOPBACK;
	const struct device *d = dev_at(t, f->dev[s]);
	return d && d->key.kind == DEVKEY_MAC && !memcmp(d->key.mac, mac, 6);
}

/* The router is the MAC that carries internet traffic both ways: it
 * delivers packets from an internet address (not its own) to LAN devices,
 * and LAN devices send packets for that same address to it (GW_MIN_HOSTS
 * such addresses). One frame from 8.8.8.8:53 is not that: nobody on the
 * LAN sent anything for 8.8.8.8 to its sender. Looked at on the first
 * packets each way of every flow; only the MAC delivering from the
 * internet to a local address becomes a device here, as before (to a
 * global address of a LAN device, or as a frame's destination, a MAC is
 * only looked up). */
void note_gateway(struct tracker *t, struct flow *f, int side, const struct pkt *p, uint64_t ts)
{
	struct dev_key k;
	if (!p->has_mac || mac_is_group(p->mac_src) || mac_is_zero(p->mac_src))
		return;
	bool remote_src = !addr_is_local(&p->src) && !addr_is_group(&p->src);
	bool remote_dst = !addr_is_local(&p->dst) && !addr_is_group(&p->dst);
	bool to_mac = p->has_mac_dst && !mac_is_group(p->mac_dst) && !mac_is_zero(p->mac_dst) &&
		      memcmp(p->mac_src, p->mac_dst, 6);
	if (remote_src && f->pkts[side] == 0 && lan_end(t, f, !side, &p->dst, p->mac_dst)) {
		dev_key_mac(&k, p->mac_src);
		struct device *d = addr_is_local(&p->dst) ? dev_at(t, dev_get(t, &k, ts)) : dev_by_mac(t, p->mac_src);
		if (d && dev_addr_ev(t, d->handle, &p->src) < 0) { /* not its own address */
			gw_mark(d->gw_in, &p->src);
			if (f->out_mac && f->out_mac == mac_hash(p->mac_src))
				gw_mark(d->gw_out, &p->src); /* the LAN side sent to it first */
			gw_check(t, d);
		}
	}
	if (remote_dst && to_mac && f->pkts[side] < 4 && !(f->gw & (1u << side)) &&
	    lan_end(t, f, side, &p->src, p->mac_src)) {
		struct device *d = dev_by_mac(t, p->mac_dst);
		if (d && dev_addr_ev(t, d->handle, &p->dst) >= 0) {
			f->gw |= (uint8_t)(1u << side); /* to its own address: nothing forwarded */
		} else if (d) {
			gw_mark(d->gw_out, &p->dst);
			gw_check(t, d);
			f->gw |= (uint8_t)(1u << side);
		} else if (!f->out_mac) {
			f->out_mac = mac_hash(p->mac_dst);
		}
	}
}

bool tracker_device_forwards(const struct device *d)
{
	int n = 0;
	for (int i = 0; i < GW_WORDS && n < GW_MIN_HOSTS; i++)
		n += __builtin_popcountll(d->gw_in[i] & d->gw_out[i]);
	return (d->roles & DEV_ROLE_GATEWAY) || n >= GW_MIN_HOSTS;
}
