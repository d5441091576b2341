/* observe.c - run the application decoders on a payload and fold what they
 * observe into devices, names and destinations.
 *
 * Attribution rules (who an observation is about):
 *   DHCP client options      -> the client hardware address (chaddr) when
 *                               the frame comes from chaddr, or through a
 *                               relay (giaddr set) for a chaddr not seen
 *                               sending on this LAN; else not credited and
 *                               counted (dhcp_spoofed, dhcp_unverified).
 *                               Without an Ethernet chaddr: the sender.
 *   DHCPv6 client options    -> the frame's sender (the DUID is opaque,
 *                               RFC 8415 section 11: not compared)
 *   DHCP ACK yiaddr          -> the device with the client hardware address
 *   DNS answers              -> the name cache of the device whose query
 *                               they answer (names.c); unsolicited ones
 *                               are counted and ignored
 *   DNS questions            -> the sender of the query (not of responses)
 *   mDNS records             -> the sending device, responses only (queries
 *                               carry other hosts' records as known answers)
 *   SSDP headers, Tuya, HTTP User-Agent, TLS fingerprints -> the sender
 *   miIO device id           -> the side on UDP 54321, the client of its cloud
 *   TLS SNI, HTTP Host       -> the sender's destination
 *   CS2 P2P message          -> the sender's destination (app cs2-pppp)
 *
 * Which decoder reads a payload is the registry's word (decode/apps.def):
 * by port, then by content. An "app seen" observation (OBS_APP, or a
 * protocol's own: a TLS version, an HTTP request line, NTP, miIO, Tuya,
 * CS2) files the application and encryption of the line whose decoder
 * emitted it for the sender's destination; other kinds are handled by
 * kind, whichever decoder emitted them.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "decode/app.h"
#include "lib/fmt.h"
#include "track/internal.h"

#define MAX_CLIENT_PAYLOADS 8 /* payload packets inspected per TCP flow side */
#define MAX_STREAM_SEGMENTS 48 /* segments one buffered hello or head may take (16 KiB) */

struct obs_ctx {
	struct tracker *t;
	const struct pkt *p;
	struct flow *f;
	const struct app_def *app; /* the registry line whose decoder runs */
	int side;          /* side of the flow that sent this packet */
	uint32_t src_dev, dst_dev;
	uint32_t src_dest; /* the sender's destination record */
	int dhcp_client;   /* a DHCP message from a client */
	int dhcp_ignore;   /* its options are not credited to anyone */
	int mdns_response;
	int to53, from53;  /* sent to, from the DNS port */
	int dns_msg;       /* the current DNS message: enum dns_msg */
	uint32_t dns_asker; /* the device a response answers */
};

enum dns_msg { DNS_MSG_NONE, DNS_MSG_QUERY, DNS_MSG_ANSWER, DNS_MSG_UNSOLICITED };

/* The running decoder recognised its protocol: its line's application,
 * and its encryption when the line says one. */
static void app_seen(const struct obs_ctx *c, struct dest *d)
{
	if (!d || !c->app)
		return;
	d->app = c->app->id;
	if (c->app->seen != APP_ENC_UNKNOWN)
		d->enc = c->app->seen;
}

/* A name seen in a TLS hello or HTTP request to d, when d already has a
 * first one of that kind: kept among the others when new. */
static void dest_other_name(struct dest *d, uint32_t id, uint32_t first)
{
	if (!d || !id || id == first || id == d->dns_name)
		return;
	for (int i = 0; i < DEST_MAX_OTHER; i++) {
		if (d->other[i] == id)
			return;
		if (!d->other[i]) {
			d->other[i] = id;
			return;
		}
	}
}

static uint32_t intern_name(struct tracker *t, const char *s, size_t len)
{
	/* domain names: no trailing dot, case folded */
	while (len && s[len - 1] == '.')
		len--;
	uint32_t id = strpool_intern(t->strs, s, len, 1);
	if (!id && len)
		t->st.strings_refused++;
	return id;
}

static void attr_hex(struct tracker *t, uint32_t dev, enum dev_attr_kind k, const uint8_t *b,
		     size_t n)
{
	char hex[2 * 64 + 1];
	if (n > 64)
		n = 64;
	fmt_hex(hex, b, n);
	hex[2 * n] = '\0';
	dev_add_attr(t, dev, k, hex, 2 * n);
}

/* Has this MAC been seen sending frames of its own on this LAN? */
static bool mac_sent_here(struct tracker *t, const uint8_t mac[static 6])
{
	struct dev_key k;
	dev_key_mac(&k, mac);
	const struct device *d = table_get(t->devices, table_find(t->devices, &k));
	return d && d->pkts_out > 0;
}

/* A client message's hardware address: whose the options that follow are
 * (RFC 2131 section 2: the client is chaddr). Only when the frame comes
 * from chaddr: any host can write another's MAC there. A relay agent
 * (giaddr set, RFC 2131 section 4.1) forwards for clients on another
 * link, so its word is taken for a chaddr not seen sending here. */
static void on_dhcp_chaddr(struct obs_ctx *c, const struct obs *o)
{
	struct tracker *t = c->t;
	const struct pkt *p = c->p;
	struct dev_key k;
	c->dhcp_client = o->num == 1;
	if (!c->dhcp_client || !o->has_mac || mac_is_group(o->mac) || mac_is_zero(o->mac))
		return; /* a reply, or no client MAC: the options (if any) are the sender's */
	bool from_chaddr = p->has_mac && !memcmp(p->mac_src, o->mac, 6);
	bool relayed = !addr_is_zero(&o->addr);
	if (!from_chaddr) {
		if (!relayed && !p->has_mac) {
			t->st.dhcp_unverified++;
			c->dhcp_ignore = 1;
			return;
		}
		if (!relayed || mac_sent_here(t, o->mac)) {
			t->st.dhcp_spoofed++;
			c->dhcp_ignore = 1;
			return;
		}
		t->st.dhcp_relayed++;
	}
	dev_key_mac(&k, o->mac);
	c->src_dev = dev_get(t, &k, t->now_us);
}

static void on_dhcp(struct obs_ctx *c, const struct obs *o)
{
	struct tracker *t = c->t;
	if (o->kind == OBS_DHCP_ASSIGNED_IP && o->has_mac) {
		struct dev_key k;
		if (mac_is_group(o->mac) || mac_is_zero(o->mac))
			return;
		dev_key_mac(&k, o->mac);
		dev_add_addr(t, dev_get(t, &k, t->now_us), &o->addr);
		return;
	}
	if (o->kind == OBS_DHCP_CHADDR) {
		on_dhcp_chaddr(c, o);
		return;
	}
	if (o->kind == OBS_DHCP_MSG_TYPE && !c->dhcp_client) {
		struct device *d = dev_at(t, c->src_dev);
		if (d)
			d->roles |= DEV_ROLE_DHCP;
		return;
	}
	if (!c->dhcp_client || c->dhcp_ignore)
		return;
	switch (o->kind) {
	case OBS_DHCP_HOSTNAME: dev_add_attr(t, c->src_dev, DA_DHCP_HOSTNAME, o->str, o->len); break;
	case OBS_DHCP_FQDN: dev_add_attr(t, c->src_dev, DA_DHCP_FQDN, o->str, o->len); break;
	case OBS_DHCP_VENDOR_CLASS: dev_add_attr(t, c->src_dev, DA_DHCP_VENDOR, o->str, o->len); break;
	case OBS_DHCP_PRL: dev_add_attr(t, c->src_dev, DA_DHCP_PRL, o->str, o->len); break;
	case OBS_DHCP_CLIENT_ID: attr_hex(t, c->src_dev, DA_DHCP_CLIENT_ID, o->bytes, o->nbytes); break;
	case OBS_DHCP6_FQDN: dev_add_attr(t, c->src_dev, DA_DHCP6_FQDN, o->str, o->len); break;
	case OBS_DHCP6_VENDOR_CLASS: dev_add_attr(t, c->src_dev, DA_DHCP6_VENDOR, o->str, o->len); break;
	default: break;
	}
}

/* Did this frame come from the device's own MAC? Not when another host
 * sent it from the device's address and port (a copy relayed, or forged). */
static bool frame_from(const struct obs_ctx *c, uint32_t dev)
{
	const struct device *d = dev_at(c->t, dev);
	if (!d)
		return false;
	if (d->key.kind != DEVKEY_MAC || !c->p->has_mac)
		return true;
	return !memcmp(d->key.mac, c->p->mac_src, 6);
}

/* The start of a DNS message: a query to port 53 is remembered for its
 * answer; a response from port 53 is credited only to the query it
 * answers (names.c). */
static void on_dns_message(struct obs_ctx *c, const struct obs *o)
{
	struct tracker *t = c->t;
	uint16_t txid = (uint16_t)o->num;
	c->dns_msg = DNS_MSG_NONE;
	c->dns_asker = TABLE_NONE;
	if (!(o->num2 & 0x8000)) {
		if (c->to53 && frame_from(c, c->src_dev)) {
			dns_query_sent(t, c->src_dev, c->p, txid);
			c->dns_msg = DNS_MSG_QUERY;
		}
		return;
	}
	if (!c->from53)
		return;
	c->dns_asker = dns_response_match(t, c->p, txid);
	if (c->dns_asker == TABLE_NONE) {
		t->st.dns_unsolicited++;
		c->dns_msg = DNS_MSG_UNSOLICITED;
		return;
	}
	c->dns_msg = DNS_MSG_ANSWER;
	struct device *server = dev_at(t, c->src_dev);
	if (server)
		server->roles |= DEV_ROLE_DNS;
}

static void on_dns_answer(struct obs_ctx *c, const struct obs *o)
{
	struct tracker *t = c->t;
	t->st.dns_answers++;
	if (c->dns_msg != DNS_MSG_ANSWER)
		return;
	const char *asked = o->len2 ? o->str2 : o->str;
	size_t alen = o->len2 ? o->len2 : o->len;
	uint32_t id = intern_name(t, asked, alen);
	if (id)
		names_put(t, c->dns_asker, &o->addr, id, o->num > UINT32_MAX ? UINT32_MAX : (uint32_t)o->num);
	if (t->cfg.on_answer)
		t->cfg.on_answer(t->cfg.answer_ctx, asked, alen, &o->addr,
				 o->num > UINT32_MAX ? UINT32_MAX : (uint32_t)o->num, t->now_us);
}

static void on_mdns(struct obs_ctx *c, const struct obs *o)
{
	struct tracker *t = c->t;
	if (!c->mdns_response)
		return;
	switch (o->kind) {
	case OBS_MDNS_SERVICE:
		dev_add_attr(t, c->src_dev, DA_MDNS_SERVICE, o->str, o->len);
		dev_add_attr(t, c->src_dev, DA_MDNS_INSTANCE, o->str2, o->len2);
		break;
	case OBS_MDNS_HOSTNAME:
		dev_add_attr(t, c->src_dev, DA_MDNS_HOSTNAME, o->str, o->len);
		if (!addr_is_zero(&o->addr) && addr_is_local(&o->addr))
			dev_add_addr(t, c->src_dev, &o->addr);
		break;
	case OBS_MDNS_TXT:
		dev_add_attr(t, c->src_dev, DA_MDNS_TXT, o->str2, o->len2);
		break;
	default:
		break;
	}
}

static void on_obs(void *user, const struct obs *o)
{
	struct obs_ctx *c = user;
	struct tracker *t = c->t;
	struct dest *d = dest_at(t, c->src_dest);
	char num[24];
	if ((unsigned)o->kind < OBS__COUNT)
		t->st.observations[o->kind]++;
	switch (o->kind) {
	case OBS_DHCP_MSG_TYPE: case OBS_DHCP_HOSTNAME: case OBS_DHCP_FQDN:
	case OBS_DHCP_VENDOR_CLASS: case OBS_DHCP_CLIENT_ID: case OBS_DHCP_PRL:
	case OBS_DHCP_ASSIGNED_IP: case OBS_DHCP6_FQDN: case OBS_DHCP6_VENDOR_CLASS:
	case OBS_DHCP_CHADDR:
		on_dhcp(c, o);
		break;
	case OBS_DNS_MESSAGE:
		on_dns_message(c, o);
		break;
	case OBS_DNS_A: case OBS_DNS_AAAA:
		on_dns_answer(c, o);
		break;
	case OBS_DNS_QUERY:
		/* the question of a query is the sender's; a response's
		 * question is the same one again (or, unsolicited, nobody's) */
		if (c->dns_msg == DNS_MSG_QUERY) {
			uint32_t id = intern_name(t, o->str, o->len);
			if (id)
				queries_add(t, c->src_dev, id);
		}
		break;
	case OBS_MDNS_SERVICE: case OBS_MDNS_HOSTNAME: case OBS_MDNS_TXT:
		on_mdns(c, o);
		break;
	case OBS_SSDP_SERVER:
		dev_add_attr(t, c->src_dev, DA_SSDP_SERVER, o->str, o->len);
		break;
	case OBS_SSDP_USN: { /* keep the uuid, not each service type */
		size_t n = 0;
		while (n + 1 < o->len && !(o->str[n] == ':' && o->str[n + 1] == ':'))
			n++;
		dev_add_attr(t, c->src_dev, DA_SSDP_USN, o->str, n + 1 < o->len ? n : o->len);
		break;
	}
	case OBS_SSDP_NT: /* the device types it announces say what it is */
		if (!o->num && o->len > 8 && memmem(o->str, o->len, ":device:", 8))
			dev_add_attr(t, c->src_dev, DA_SSDP_DEVICE, o->str, o->len);
		break;
	case OBS_SSDP_LOCATION:
		dev_add_attr(t, c->src_dev, DA_SSDP_LOCATION, o->str, o->len);
		break;
	case OBS_TLS_SNI:
		t->st.tls_hellos++;
		if (d && !d->sni)
			d->sni = intern_name(t, o->str, o->len);
		else if (d)
			dest_other_name(d, intern_name(t, o->str, o->len), d->sni);
		app_seen(c, d);
		break;
	case OBS_TLS_VERSION:
		if (d)
			d->tls_version = (uint16_t)o->num;
		app_seen(c, d);
		break;
	case OBS_TLS_JA3:
		dev_add_attr(t, c->src_dev, DA_TLS_JA3, o->str, o->len);
		break;
	case OBS_TLS_WEAK: {
		char buf[200];
		const char *to = d && d->sni ? strpool_str(t->strs, d->sni) : NULL;
		char a[ADDR_STRLEN];
		int n = snprintf(buf, sizeof buf, "%.*s to %s", (int)(o->len > 60 ? 60 : o->len), o->str,
				 to ? to : addr_fmt(&c->p->dst, a));
		if (n > 0)
			dev_add_attr(t, c->src_dev, DA_TLS_WEAK, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
		break;
	}
	case OBS_TLS_JA4:
		dev_add_attr(t, c->src_dev, DA_TLS_JA4, o->str, o->len);
		break;
	case OBS_HTTP_HOST:
		if (d && !d->http_host)
			d->http_host = intern_name(t, o->str, o->len);
		else if (d)
			dest_other_name(d, intern_name(t, o->str, o->len), d->http_host);
		break;
	case OBS_HTTP_REQUEST:
		t->st.http_requests++;
		app_seen(c, d);
		break;
	case OBS_HTTP_AUTH:
	case OBS_HTTP_SOAP: {
		/* what and to whom: "Basic to 192.168.1.1:80" */
		char buf[256], a[ADDR_STRLEN];
		int n = snprintf(buf, sizeof buf, "%.*s to %s:%u", (int)(o->len > 160 ? 160 : o->len), o->str,
				 addr_fmt(&c->p->dst, a), c->p->dport);
		if (n > 0)
			dev_add_attr(t, c->src_dev, o->kind == OBS_HTTP_AUTH ? DA_HTTP_AUTH : DA_UPNP_ACTION, buf,
				     (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
		break;
	}
	case OBS_HTTP_USER_AGENT:
		dev_add_attr(t, c->src_dev, DA_HTTP_USER_AGENT, o->str, o->len);
		break;
	case OBS_NTP:
	case OBS_MIIO_HELLO:
	case OBS_CS2:
	case OBS_APP:
		app_seen(c, d);
		break;
	case OBS_MIIO_DEVICE: {
		int n = snprintf(num, sizeof num, "%llu", (unsigned long long)o->num);
		/* the device is the side on 54321 (LAN), or the client of its
		 * cloud (UDP 8053, TCP 80/443): the sender unless the cloud
		 * or app is */
		uint16_t sp = c->p->sport, dp = c->p->dport;
		bool sender = sp == 54321 || (dp != 54321 && sp != 8053);
		uint32_t dev = sender ? c->src_dev : c->dst_dev;
		dev_add_attr(t, dev, DA_MIIO_ID, num, (size_t)n);
		app_seen(c, d);
		break;
	}
	case OBS_TUYA_DISCOVERY:
		dev_add_attr(t, c->src_dev, DA_TUYA_GWID, o->str, o->len);
		dev_add_attr(t, c->src_dev, DA_TUYA_PRODUCT, o->str2, o->len2);
		if (o->num) {
			int n = snprintf(num, sizeof num, "%llu.%llu",
					 (unsigned long long)(o->num / 10), (unsigned long long)(o->num % 10));
			dev_add_attr(t, c->src_dev, DA_TUYA_VERSION, num, (size_t)n);
		}
		app_seen(c, d);
		break;
	case OBS_ND_ADDR:
		if (o->has_mac && !mac_is_group(o->mac) && !mac_is_zero(o->mac)) {
			struct dev_key k;
			dev_key_mac(&k, o->mac);
			const struct ip_addr *a = addr_is_zero(&o->addr) ? &c->p->src : &o->addr;
			if (addr_is_local(a) || !addr_is_group(a))
				dev_add_addr(t, dev_get(t, &k, t->now_us), a);
		}
		break;
	default:
		break;
	}
}

/* Run a decoder of line a (NULL: one of no line, app_ndp) on a payload. */
static int run(struct tracker *t, struct obs_ctx *c, const struct app_def *a, app_decode_fn fn, const uint8_t *p,
	       size_t n)
{
	struct obs_sink sink = { on_obs, c, t->scratch, t->scratch_cap, 0, t->tls_cache };
	c->app = a;
	int r = fn(p, n, &sink);
	if (r < 0)
		t->st.app.n[DC_APP_BAD]++;
	return r;
}

/* True when a buffered client stream holds all it needs: the whole TLS
 * ClientHello, or an HTTP head up to its empty line. */
static bool stream_complete(const struct flow *f, const uint8_t *p, size_t n)
{
	if (f->stream_http) { /* "\r\n\r\n" or "\n\n" in it: found from each '\n' */
		for (const uint8_t *nl = p; (nl = memchr(nl, '\n', n - (size_t)(nl - p))); nl++) {
			size_t i = (size_t)(nl - p);
			if (i + 1 < n && p[i + 1] == '\n')
				return true;
			if (i >= 1 && i + 2 < n && p[i - 1] == '\r' && p[i + 1] == '\r' && p[i + 2] == '\n')
				return true;
		}
		return false;
	}
	long need = app_tls_need(p, n);
	return need == 0 || (need > 0 && (size_t)need <= n);
}

static void stream_start(struct tracker *t, struct obs_ctx *c, uint32_t fi, bool http)
{
	struct flow *f = c->f;
	const struct pkt *p = c->p;
	app_decode_fn fn = http ? app_http : app_tls;
	uint32_t si = stream_alloc(t, fi);
	if (si == TABLE_NONE) {
		run(t, c, app_def(http ? APP_HTTP : APP_TLS), fn, p->payload, p->payload_len); /* what we have */
		f->done = !http;
		return;
	}
	struct stream_buf *s = &t->streams[si];
	size_t n = p->payload_len < t->cfg.stream_bytes ? p->payload_len : t->cfg.stream_bytes;
	memcpy(s->data, p->payload, n);
	s->len = (uint32_t)n;
	f->stream = si;
	f->stream_http = http;
	f->next_seq = p->tcp_seq + (uint32_t)p->payload_len;
}

/* The initiator's TCP stream: TLS ClientHello and HTTP request heads (maybe
 * over several segments) on any port; then the registry's TCP decoders, by
 * port (DNS over TCP) or by content (miIO framed over TCP: Mi Home
 * gateways reach their cloud so, often on port 80). */
static void tcp_client(struct tracker *t, struct obs_ctx *c, uint32_t fi)
{
	struct flow *f = c->f;
	const struct pkt *p = c->p;
	if (f->stream != TABLE_NONE) {
		struct stream_buf *s = &t->streams[f->stream];
		if (p->tcp_seq != f->next_seq)
			return; /* retransmission or reordering: wait for the next in order */
		size_t room = t->cfg.stream_bytes - s->len;
		size_t n = p->payload_len < room ? p->payload_len : room;
		memcpy(s->data + s->len, p->payload, n);
		s->len += (uint32_t)n;
		f->next_seq += (uint32_t)p->payload_len;
		bool http = f->stream_http;
		if (stream_complete(f, s->data, s->len) || s->len >= t->cfg.stream_bytes ||
		    ++f->payloads >= MAX_STREAM_SEGMENTS) {
			if (http)
				run(t, c, app_def(APP_HTTP), app_http, s->data, s->len);
			else if (app_tls_need(s->data, s->len) != 0)
				run(t, c, app_def(APP_TLS), app_tls, s->data, s->len);
			flow_release_stream(t, f);
			f->done = !http; /* HTTP/1.1 sends more requests on one connection */
		}
		return;
	}
	if (f->payloads >= MAX_CLIENT_PAYLOADS) {
		f->done = 1;
		return;
	}
	f->payloads++;
	const struct app_def *a;
	long need = app_tls_need(p->payload, p->payload_len);
	if (need > 0 && (size_t)need <= p->payload_len) {
		run(t, c, app_def(APP_TLS), app_tls, p->payload, p->payload_len);
		f->done = 1;
	} else if (need != 0) {
		stream_start(t, c, fi, false);
	} else if (app_http_is_request(p->payload, p->payload_len)) {
		f->stream_http = 1;
		if (stream_complete(f, p->payload, p->payload_len))
			run(t, c, app_def(APP_HTTP), app_http, p->payload, p->payload_len);
		else
			stream_start(t, c, fi, true);
	} else if ((a = app_tcp(p->sport, p->dport)) || (a = app_tcp_recognise(p->payload, p->payload_len))) {
		run(t, c, a, a->tcp, p->payload, p->payload_len);
	}
}

/* A quick 32-bit digest of a payload, 8 bytes a step; never 0 (0 is "no
 * payload yet"). Not keyed: a collision only makes one datagram go
 * unread, it cannot be used to slow anything down. */
static uint32_t payload_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x94d049bb133111ebull;
	h ^= h >> 29;
	uint32_t r = (uint32_t)(h ^ (h >> 32));
	return r ? r : 1;
}

void observe_payload(struct tracker *t, const struct pkt *p, uint32_t fi, int side)
{
	struct flow *f = flow_at(t, fi);
	if (!f || f->done)
		return;
	struct obs_ctx c = { t, p, f, NULL, side, f->dev[side], f->dev[!side], f->dest[side], 0, 0, 0, 0, 0, 0,
			     TABLE_NONE };
	const struct app_def *a;

	if (p->l4proto == IPPROTO_UDP) {
		/* by port; else by content (CS2 P2P between peers' temporary ports) */
		a = app_udp(p->sport, p->dport);
		if (!a)
			a = app_udp_recognise(p->payload, p->payload_len);
		if (!a)
			return;
		/* mDNS, SSDP and Tuya announce the same thing again and again:
		 * a payload equal to this side's last one says nothing new */
		uint32_t h = payload_hash(p->payload, p->payload_len);
		if (h == f->udp_last[side])
			return;
		f->udp_last[side] = h;
		c.dhcp_client = p->dport == 547; /* DHCPv4: from the op field */
		if ((p->sport == 68 || p->dport == 547) && p->has_mac && !mac_is_group(p->mac_src) &&
		    !mac_is_zero(p->mac_src)) {
			/* every client sends from 0.0.0.0:68 to 255.255.255.255:67 (or
			 * from fe80::/10 port 546 to ff02::1:2), so they share
			 * flows: the sender is the frame's source */
			struct dev_key k;
			dev_key_mac(&k, p->mac_src);
			c.src_dev = dev_get(t, &k, t->now_us);
		}
		c.mdns_response = p->payload_len > 2 && (p->payload[2] & 0x80);
		c.to53 = p->dport == 53;
		c.from53 = p->sport == 53;
		run(t, &c, a, a->udp, p->payload, p->payload_len);
	} else if (p->l4proto == IPPROTO_TCP) {
		if (side == f->init) {
			c.to53 = p->dport == 53;
			tcp_client(t, &c, fi);
		} else if ((a = app_tcp(p->sport, p->dport)) && f->resp_payloads < MAX_CLIENT_PAYLOADS) {
			/* the responder's side: by port only (DNS answers over TCP) */
			f->resp_payloads++;
			c.from53 = p->sport == 53;
			run(t, &c, a, a->tcp, p->payload, p->payload_len);
		}
	} else if (p->l4proto == IPPROTO_ICMPV6 && p->icmp_type >= 133 && p->icmp_type <= 137) {
		/* app_ndp wants the whole message: the 4-byte ICMPv6 header sits
		 * right before the payload in the same packet buffer */
		run(t, &c, NULL, app_ndp, p->payload - 4, p->payload_len + 4);
	}
}
