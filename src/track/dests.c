/* dests.c - per-device destination aggregates: (device, remote address,
 * protocol, service port, direction) with bytes each way and the names the
 * remote end goes by. Bounded; when full, the least recently used of the
 * oldest few goes (counted, with an expiry event carrying its totals: a
 * watch records it, nothing is forgotten silently). Flows hold handles
 * (index and generation), so a destination gone is never another's. */
#include <netinet/in.h>
#include <string.h>

#include "track/internal.h"

static const char *const app_names[APP__COUNT] = {
	[APP_UNKNOWN] = "", [APP_DNS] = "dns", [APP_MDNS] = "mdns",
	[APP_DHCP] = "dhcp", [APP_DHCP6] = "dhcpv6", [APP_SSDP] = "ssdp",
	[APP_NTP] = "ntp", [APP_TLS] = "tls", [APP_HTTP] = "http",
	[APP_QUIC] = "quic", [APP_MQTT] = "mqtt", [APP_MIIO] = "miio",
	[APP_TUYA] = "tuya", [APP_LLMNR] = "llmnr", [APP_NETBIOS] = "netbios",
	[APP_ICMP] = "icmp", [APP_YEELIGHT] = "yeelight", [APP_CS2] = "cs2-pppp",
};

const char *app_proto_name(enum app_proto a)
{
	return (unsigned)a < APP__COUNT ? app_names[a] : "";
}

const char *enc_state_name(enum enc_state e)
{
	switch (e) {
	case ENC_YES: return "yes";
	case ENC_LIKELY: return "likely";
	case ENC_NO: return "no";
	default: return "unknown";
	}
}

/* A first guess from the service port (the table in services.c); replaced
 * when a decoder sees the real protocol. */
enum app_proto app_guess(uint8_t proto, uint16_t port)
{
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
		return APP_ICMP;
	const struct service *s = service_lookup(proto, port);
	return s ? (enum app_proto)s->app : APP_UNKNOWN;
}

static enum enc_state enc_guess(uint8_t proto, uint16_t port)
{
	const struct service *s = service_lookup(proto, port);
	return s ? (enum enc_state)s->enc : ENC_UNKNOWN;
}

struct dest *dest_at(struct tracker *t, uint32_t handle)
{
	if (handle == TABLE_NONE)
		return NULL;
	struct dest *d = table_get(t->dests, handle_slot(t->dest_bits, handle));
	return d && d->handle == handle ? d : NULL;
}

#define DEST_EVICT_LOOK 16 /* the oldest looked at for the least recently used */

/* Make room in a full table: of the DEST_EVICT_LOOK least recently
 * created or flowed-to (the table's order), the one with the oldest
 * packet goes. */
static void dest_evict(struct tracker *t)
{
	uint32_t best = TABLE_NONE, idx = table_oldest(t->dests);
	uint64_t oldest = UINT64_MAX;
	for (int n = 0; n < DEST_EVICT_LOOK && idx != TABLE_NONE; n++) {
		const struct dest *d = table_get(t->dests, idx);
		if (d->last_us < oldest) {
			oldest = d->last_us;
			best = idx;
		}
		idx = table_newer(t->dests, idx);
	}
	if (best == TABLE_NONE)
		return;
	life_drop_dest(t, best, TEXP_CAP);
	t->st.dests_evicted++;
}

uint32_t dest_get(struct tracker *t, uint32_t dev, const struct ip_addr *remote, uint8_t proto,
		  uint16_t port, int inbound, uint64_t ts, bool *created)
{
	struct dest_key k;
	memset(&k, 0, sizeof k);
	k.dev = dev;
	k.proto = proto;
	k.inbound = (uint8_t)(inbound != 0);
	k.port = port;
	k.addr = *remote;
	if (table_count(t->dests) >= t->cfg.max_dests && table_find(t->dests, &k) == TABLE_NONE)
		dest_evict(t);
	uint32_t idx = table_upsert(t->dests, &k, created);
	if (idx == TABLE_NONE) {
		t->st.dests_refused++;
		return TABLE_NONE;
	}
	struct dest *d = table_get(t->dests, idx);
	if (*created) {
		d->handle = handle_make(t->dest_bits, &t->dest_serial, idx);
		d->first_us = ts;
		d->app = (uint8_t)app_guess(proto, port);
		d->enc = (uint8_t)enc_guess(proto, port);
		struct device *dv = dev_at(t, dev);
		d->dev_next = TABLE_NONE;
		if (dv) {
			dv->n_dests++;
			d->dev_next = dv->dest_head;
			dv->dest_head = idx;
		}
	}
	if (ts < d->first_us)
		d->first_us = ts; /* a later file may hold earlier packets */
	if (ts > d->last_us)
		d->last_us = ts;
	if (d->flows && ts > d->last_flow_us) {
		double gap = (double)(ts - d->last_flow_us) / 1e6;
		d->n_gaps++; /* the last full bucket and the current */
		d->gap_sum += gap;
		d->gap_sq += gap * gap;
		d->cur_n_gaps++;
		d->cur_gap_sum += gap;
		d->cur_gap_sq += gap * gap;
		if (d->cur_n_gaps == DEST_GAP_BUCKET) { /* full: the one before is forgotten */
			d->n_gaps = d->cur_n_gaps;
			d->gap_sum = d->cur_gap_sum;
			d->gap_sq = d->cur_gap_sq;
			d->cur_n_gaps = 0;
			d->cur_gap_sum = d->cur_gap_sq = 0;
		}
	}
	d->last_flow_us = ts;
	d->flows++;
	if (!d->dns_name)
		d->dns_name = names_get(t, dev, remote);
	return d->handle;
}

void dest_remove(struct tracker *t, uint32_t handle)
{
	if (dest_at(t, handle))
		dest_unlink_free(t, handle_slot(t->dest_bits, handle));
}

void dest_unlink_free(struct tracker *t, uint32_t idx)
{
	struct dest *d = table_get(t->dests, idx);
	if (!d)
		return;
	struct device *dv = dev_at(t, d->key.dev);
	if (dv) {
		for (uint32_t *at = &dv->dest_head; *at != TABLE_NONE;) {
			struct dest *x = table_get(t->dests, *at);
			if (!x)
				break;
			if (*at == idx) {
				*at = x->dev_next;
				break;
			}
			at = &x->dev_next;
		}
		if (dv->n_dests)
			dv->n_dests--;
		dv->bytes_nodest += (int64_t)(d->bytes_up + d->bytes_down);
	}
	d->handle = TABLE_NONE;
	table_remove(t->dests, idx);
}
