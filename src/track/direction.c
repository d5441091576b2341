/* direction.c - which end of a new flow is its client (the opener) and
 * which its server, decided from the flow's first packet and what earlier
 * packets showed of its two endpoints. The evidence, strongest first:
 *
 *   1. a packet to a broadcast or multicast address: its sender opened it;
 *   2. the TCP handshake: the SYN's sender, the SYN-ACK's receiver;
 *   3. what an endpoint did before: one that answered a handshake (or a
 *      broadcast) is a server, one that sent a SYN or reached a service
 *      port is a client's temporary port and never filed as a service
 *      (a flow seen mid-stream from a cloud to a device's old port);
 *   4. a well-known service port (services.c) on exactly one end; then a
 *      port seen answering TCP handshakes (any address) on exactly one end;
 *   5. the answer to a broadcast: a unicast from the port a broadcast was
 *      sent to, back to the broadcaster's port;
 *   6. an endpoint seen with EP_MANY_PEERS flows or more (a service),
 *      unless both ports are service ports (the sender asked);
 *   7. else the sender of the first packet seen.
 *
 * Not "the lower port": P2P cameras and clouds serve on high ports
 * (CS2 relays on udp/32100 reached from a camera's udp/25508, a TP-Link
 * cloud on tcp/50443 reached from tcp/38321).
 */
#include <netinet/in.h>
#include <string.h>

#include "track/internal.h"

static struct endpoint *ep_slot(struct tracker *t, const struct ip_addr *a, uint16_t port,
				uint8_t proto)
{
	/* two 64-bit words and a multiply-xorshift: a collision only costs a
	 * guess, and a new flow asks this up to six times */
	uint64_t w[2];
	memcpy(w, a->b, sizeof w);
	uint64_t h = (w[0] ^ (w[1] * 0x9e3779b97f4a7c15u)) + ((uint64_t)port << 8 | proto);
	h *= 0xbf58476d1ce4e5b9u;
	h ^= h >> 31;
	h *= 0x94d049bb133111ebu;
	h ^= h >> 29;
	return &t->eps[h % ENDPOINTS];
}

/* The record of an endpoint, or NULL when not known. */
static struct endpoint *ep_find(struct tracker *t, const struct ip_addr *a, uint16_t port,
				uint8_t proto)
{
	struct endpoint *e = ep_slot(t, a, port, proto);
	if (e->port == port && e->proto == proto && (e->flags || e->peers) &&
	    !memcmp(&e->a, a, sizeof *a))
		return e;
	return NULL;
}

/* The record of an endpoint, taking over its slot when another held it. */
static struct endpoint *ep_get(struct tracker *t, const struct ip_addr *a, uint16_t port,
			       uint8_t proto)
{
	struct endpoint *e = ep_find(t, a, port, proto);
	if (e)
		return e;
	e = ep_slot(t, a, port, proto);
	memset(e, 0, sizeof *e);
	e->a = *a;
	e->port = port;
	e->proto = proto;
	return e;
}

static uint8_t ep_flags(struct tracker *t, const struct ip_addr *a, uint16_t port, uint8_t proto)
{
	const struct endpoint *e = ep_find(t, a, port, proto);
	return e ? e->flags : 0;
}

static void ep_mark(struct tracker *t, const struct ip_addr *a, uint16_t port, uint8_t proto,
		    uint8_t flag)
{
	struct endpoint *e = ep_get(t, a, port, proto);
	e->flags |= flag;
	if (flag == EP_SERVER)
		e->flags &= (uint8_t)~EP_CLIENT;
	else if (flag == EP_CLIENT)
		e->flags &= (uint8_t)~EP_SERVER;
}

static bool tcp_svc_port(const struct tracker *t, uint16_t port)
{
	return t->tcp_svc[port >> 3] & (1u << (port & 7));
}

void direction_note_tcp(struct tracker *t, const struct pkt *p)
{
	uint8_t f = p->tcp_flags & (TCP_SYN | TCP_ACK);
	if (f == TCP_SYN) {
		ep_mark(t, &p->src, p->sport, IPPROTO_TCP, EP_CLIENT);
		ep_mark(t, &p->dst, p->dport, IPPROTO_TCP, EP_SERVER);
	} else if (f == (TCP_SYN | TCP_ACK)) {
		ep_mark(t, &p->src, p->sport, IPPROTO_TCP, EP_SERVER);
		ep_mark(t, &p->dst, p->dport, IPPROTO_TCP, EP_CLIENT);
		t->tcp_svc[p->sport >> 3] |= (uint8_t)(1u << (p->sport & 7));
	}
}

/* 1 when the source end is the server, 0 when the destination is, -1
 * when the rule does not tell. */
static int which_server(struct tracker *t, const struct pkt *p)
{
	uint8_t pr = p->l4proto;
	if (pr == IPPROTO_TCP) {
		uint8_t f = p->tcp_flags & (TCP_SYN | TCP_ACK);
		if (f == TCP_SYN)
			return 0;
		if (f == (TCP_SYN | TCP_ACK))
			return 1;
	}
	if (pr != IPPROTO_TCP && pr != IPPROTO_UDP && pr != IPPROTO_SCTP)
		return 0; /* ICMP and others: the first sender asked */
	uint8_t fs = ep_flags(t, &p->src, p->sport, pr), fd = ep_flags(t, &p->dst, p->dport, pr);
	if ((fs & EP_SERVER) || (fd & EP_CLIENT))
		return 1;
	if ((fd & EP_SERVER) || (fs & EP_CLIENT))
		return 0;
	bool ss = service_port(pr, p->sport), sd = service_port(pr, p->dport);
	if (ss != sd)
		return ss;
	bool both_services = ss; /* 53 to 53, or a device's miIO 54321 to a cloud's udp/80 */
	if (pr == IPPROTO_TCP) {
		ss = tcp_svc_port(t, p->sport);
		sd = tcp_svc_port(t, p->dport);
		if (ss != sd)
			return ss;
	}
	const struct endpoint *ed = ep_find(t, &p->dst, p->dport, pr);
	if (ed && (ed->flags & EP_BCAST) && ed->bport == p->sport)
		return 1; /* the answer to the destination's broadcast */
	if (both_services)
		return 0; /* the sender asked: many peers of either prove nothing */
	const struct endpoint *es = ep_find(t, &p->src, p->sport, pr);
	uint16_t ps = es ? es->peers : 0, pd = ed ? ed->peers : 0;
	if (ps >= EP_MANY_PEERS && ps > pd)
		return 1;
	if (pd >= EP_MANY_PEERS && pd > ps)
		return 0;
	return 0; /* the first packet seen: its sender opened the flow */
}

int direction_opener(struct tracker *t, const struct pkt *p, int src_side)
{
	uint8_t pr = p->l4proto;
	if (addr_is_group(&p->dst)) {
		/* sent, never answered to: its sender opened it, whichever
		 * port is lower; its answers come back unicast */
		struct endpoint *e = ep_get(t, &p->src, p->sport, pr);
		e->flags |= EP_BCAST;
		e->bport = p->dport;
		return src_side;
	}
	int server_is_src = which_server(t, p);
	if (pr == IPPROTO_TCP || pr == IPPROTO_UDP || pr == IPPROTO_SCTP) {
		/* what this flow shows of its ends, for the flows after it: the
		 * client's port is a temporary one */
		const struct ip_addr *ca = server_is_src ? &p->dst : &p->src;
		const struct ip_addr *sa = server_is_src ? &p->src : &p->dst;
		uint16_t cp = server_is_src ? p->dport : p->sport;
		uint16_t sp = server_is_src ? p->sport : p->dport;
		if (service_port(pr, sp) && !service_port(pr, cp))
			ep_mark(t, ca, cp, pr, EP_CLIENT);
		for (int i = 0; i < 2; i++) {
			struct endpoint *e = i ? ep_get(t, sa, sp, pr) : ep_get(t, ca, cp, pr);
			if (e->peers < UINT16_MAX)
				e->peers++;
		}
	}
	return server_is_src ? !src_side : src_side;
}
