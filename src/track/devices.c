/* devices.c - the device table: one entry per MAC (or per IP when the
 * capture has no link layer), with its addresses and evidence. */
#include <netinet/in.h>
#include <string.h>

#include "track/internal.h"

static const char *const attr_names[DA__COUNT] = {
	[DA_DHCP_HOSTNAME] = "dhcp-hostname",
	[DA_DHCP_FQDN] = "dhcp-fqdn",
	[DA_DHCP_VENDOR] = "dhcp-vendor-class",
	[DA_DHCP_PRL] = "dhcp-parameter-list",
	[DA_DHCP_CLIENT_ID] = "dhcp-client-id",
	[DA_DHCP6_FQDN] = "dhcpv6-fqdn",
	[DA_DHCP6_VENDOR] = "dhcpv6-vendor-class",
	[DA_MDNS_HOSTNAME] = "mdns-hostname",
	[DA_MDNS_SERVICE] = "mdns-service",
	[DA_MDNS_INSTANCE] = "mdns-instance",
	[DA_MDNS_TXT] = "mdns-txt",
	[DA_SSDP_SERVER] = "ssdp-server",
	[DA_SSDP_USN] = "ssdp-usn",
	[DA_SSDP_LOCATION] = "ssdp-location",
	[DA_HTTP_USER_AGENT] = "http-user-agent",
	[DA_TLS_JA3] = "tls-ja3",
	[DA_TLS_JA4] = "tls-ja4",
	[DA_MIIO_ID] = "miio-device-id",
	[DA_TUYA_GWID] = "tuya-gwid",
	[DA_TUYA_PRODUCT] = "tuya-product-key",
	[DA_TUYA_VERSION] = "tuya-version",
	[DA_SSDP_DEVICE] = "ssdp-device-type",
	[DA_HTTP_AUTH] = "http-credentials",
	[DA_UPNP_ACTION] = "upnp-action",
	[DA_ARP_CLAIM] = "arp-claim",
	[DA_TLS_WEAK] = "tls-weak-offer",
	[DA_RELAY_FOR] = "relays-for",
};

const char *dev_attr_name(enum dev_attr_kind k)
{
	return (unsigned)k < DA__COUNT && attr_names[k] ? attr_names[k] : "?";
}

int dev_attr_is_name(enum dev_attr_kind k)
{
	switch (k) {
	case DA_DHCP_HOSTNAME:
	case DA_DHCP_FQDN:
	case DA_DHCP6_FQDN:
	case DA_MDNS_HOSTNAME:
	case DA_MDNS_INSTANCE:
	case DA_MIIO_ID:
	case DA_TUYA_GWID:
		return 1;
	default:
		return 0;
	}
}

void dev_key_mac(struct dev_key *k, const uint8_t mac[static 6])
{
	memset(k, 0, sizeof *k);
	k->kind = DEVKEY_MAC;
	memcpy(k->mac, mac, 6);
}

void dev_key_ip(struct dev_key *k, const struct ip_addr *ip)
{
	memset(k, 0, sizeof *k);
	k->kind = DEVKEY_IP;
	k->ip = *ip;
}

/* A handle is the table index in the low dev_bits bits and a serial
 * number of the entry above them (life.c), so that what flows, destinations and
 * name caches hold of a device gone resolves to nothing instead of to
 * the device that took its slot. The serial wraps after 2^(32 - dev_bits)
 * devices (a million at the default cap); TABLE_NONE is never a handle. */
static uint32_t handle_index(const struct tracker *t, uint32_t h)
{
	return handle_slot(t->dev_bits, h);
}

static uint32_t handle_new(struct tracker *t, uint32_t idx)
{
	return handle_make(t->dev_bits, &t->dev_serial, idx);
}

static struct device *dev_of(const struct tracker *t, uint32_t h)
{
	if (h == TABLE_NONE)
		return NULL;
	struct device *d = table_get(t->devices, handle_index(t, h));
	return d && d->handle == h ? d : NULL;
}

struct device *dev_at(struct tracker *t, uint32_t dev)
{
	return dev_of(t, dev);
}

uint32_t tracker_device_index(const struct tracker *t, uint32_t handle)
{
	return dev_of(t, handle) ? handle_index(t, handle) : TABLE_NONE;
}

void dev_pin(struct tracker *t, uint32_t dev)
{
	if (dev != TABLE_NONE && t->n_pin < sizeof t->pin / sizeof t->pin[0])
		t->pin[t->n_pin++] = dev;
}

void dev_unpin(struct tracker *t)
{
	t->n_pin = 0;
}

static bool pinned(const struct tracker *t, uint32_t h)
{
	for (uint32_t i = 0; i < t->n_pin; i++)
		if (t->pin[i] == h)
			return true;
	return false;
}

void dev_evidence(struct tracker *t, uint32_t dev, uint8_t ev)
{
	struct device *d = dev_at(t, dev);
	if (!d || !ev || (d->evidence & ev) == ev)
		return;
	if (!d->evidence && t->n_probation)
		t->n_probation--;
	d->evidence |= ev;
}

static void note_presence(struct tracker *t, struct device *d)
{
	if (!(d->evidence & DEV_EV_LONG) && d->last_us >= d->first_us + DEV_LONG_US)
		dev_evidence(t, d->handle, DEV_EV_LONG);
}

#define DEV_EVICT_LOOK 64 /* devices with evidence looked at for the least recently seen */

/* Make room: evict the least recently seen device on probation that the
 * current packet does not use, with its destinations. Devices with
 * evidence met on the way are moved to the recent end (they go only when
 * none is on probation), so the walk costs, over many evictions, about one
 * step each. With none on probation (or each in use by the packet): of the
 * DEV_EVICT_LOOK least recently bound (the table's order), the one least
 * recently seen that the packet does not use (devices_displaced). */
static bool evict_one(struct tracker *t)
{
	uint32_t idx = table_oldest(t->devices);
	for (uint32_t n = t->n_probation ? table_count(t->devices) : 0; idx != TABLE_NONE && n; n--) {
		struct device *d = table_get(t->devices, idx);
		uint32_t newer = table_newer(t->devices, idx);
		if (d->evidence) {
			table_touch(t->devices, idx);
		} else if (!pinned(t, d->handle)) {
			life_drop_device(t, idx, TEXP_CAP);
			t->st.devices_evicted++;
			return true;
		}
		idx = newer;
	}
	uint32_t best = TABLE_NONE;
	uint64_t oldest = UINT64_MAX;
	idx = table_oldest(t->devices);
	for (int n = 0; n < DEV_EVICT_LOOK && idx != TABLE_NONE; n++) {
		const struct device *d = table_get(t->devices, idx);
		if (!pinned(t, d->handle) && d->last_us < oldest) {
			oldest = d->last_us;
			best = idx;
		}
		idx = table_newer(t->devices, idx);
	}
	if (best == TABLE_NONE)
		return false;
	life_drop_device(t, best, TEXP_CAP);
	t->st.devices_displaced++;
	return true;
}

uint32_t dev_get(struct tracker *t, const struct dev_key *k, uint64_t ts)
{
	bool created;
	uint32_t idx = table_upsert(t->devices, k, &created);
	if (idx == TABLE_NONE && table_count(t->devices) >= t->cfg.max_devices && evict_one(t))
		idx = table_upsert(t->devices, k, &created);
	if (idx == TABLE_NONE) {
		t->st.devices_refused++;
		return TABLE_NONE;
	}
	struct device *d = table_get(t->devices, idx);
	if (created) {
		d->handle = handle_new(t, idx);
		d->dest_head = TABLE_NONE;
		t->n_probation++;
	}
	/* several files may come in any order: the earliest and the latest
	 * packet, not the first and last processed */
	if (created || ts < d->first_us)
		d->first_us = ts;
	if (ts > d->last_us)
		d->last_us = ts;
	note_presence(t, d);
	dev_pin(t, d->handle);
	return d->handle;
}

/* Add an address (or its evidence when it is there). A full list gives
 * up its oldest address without evidence, so spoofed sources cannot crowd
 * out the device's real addresses; with none, an IPv4 address with
 * evidence replaces the oldest (DHCP may move a device), anything else
 * is not kept. */
void dev_add_addr_ev(struct tracker *t, uint32_t dev, const struct ip_addr *a, uint8_t ev)
{
	struct device *d = dev_at(t, dev);
	if (!d || addr_is_zero(a) || addr_is_group(a))
		return;
	bool v4 = addr_is_v4(a);
	struct ip_addr *v = v4 ? d->v4 : d->v6;
	uint8_t *evs = v4 ? d->v4_ev : d->v6_ev;
	uint8_t *n = v4 ? &d->n_v4 : &d->n_v6;
	int max = v4 ? DEV_MAX_V4 : DEV_MAX_V6;
	for (int i = 0; i < *n; i++)
		if (addr_eq(&v[i], a)) {
			evs[i] |= ev;
			return;
		}
	if (*n == max) {
		int out = 0;
		while (out < max && (evs[out] & ADDR_EV_PROVEN))
			out++;
		if (out == max) {
			if (!v4 || !(ev & ADDR_EV_PROVEN))
				return;
			out = 0;
		}
		memmove(&v[out], &v[out + 1], (size_t)(max - out - 1) * sizeof *v);
		memmove(&evs[out], &evs[out + 1], (size_t)(max - out - 1));
		(*n)--;
	}
	v[*n] = *a;
	evs[*n] = ev;
	(*n)++;
}

/* A claim counts when the packet's Ethernet source is the device itself
 * (its ARP, NDP or mDNS) or the packet is a DHCP server's (a lease). */
void dev_add_addr(struct tracker *t, uint32_t dev, const struct ip_addr *a)
{
	const struct pkt *p = t->pkt;
	struct device *d = dev_at(t, dev);
	if (!d)
		return;
	bool own = !p || !p->has_mac || d->key.kind != DEVKEY_MAC || !memcmp(p->mac_src, d->key.mac, 6);
	bool lease = p && p->has_l4 && p->l4proto == IPPROTO_UDP && (p->sport == 67 || p->sport == 547);
	uint8_t ev = own || lease ? ADDR_EV_CLAIM : 0;
	dev_add_addr_ev(t, dev, a, ev);
	if (ev)
		dev_evidence(t, dev, DEV_EV_CLAIM);
}

int dev_addr_ev(struct tracker *t, uint32_t dev, const struct ip_addr *a)
{
	const struct device *d = dev_at(t, dev);
	if (!d)
		return -1;
	bool v4 = addr_is_v4(a);
	const struct ip_addr *v = v4 ? d->v4 : d->v6;
	int n = v4 ? d->n_v4 : d->n_v6;
	for (int i = 0; i < n; i++)
		if (addr_eq(&v[i], a))
			return v4 ? d->v4_ev[i] : d->v6_ev[i];
	return -1;
}

void dev_del_addr(struct tracker *t, uint32_t dev, const struct ip_addr *a)
{
	struct device *d = dev_at(t, dev);
	if (!d)
		return;
	bool v4 = addr_is_v4(a);
	struct ip_addr *v = v4 ? d->v4 : d->v6;
	uint8_t *evs = v4 ? d->v4_ev : d->v6_ev;
	uint8_t *n = v4 ? &d->n_v4 : &d->n_v6;
	for (int i = 0; i < *n; i++)
		if (addr_eq(&v[i], a)) {
			memmove(&v[i], &v[i + 1], (size_t)(*n - i - 1) * sizeof *v);
			memmove(&evs[i], &evs[i + 1], (size_t)(*n - i - 1));
			(*n)--;
			return;
		}
}

void dev_add_attr(struct tracker *t, uint32_t dev, enum dev_attr_kind k, const char *s,
		  size_t len)
{
	struct device *d = dev_at(t, dev);
	if (!d || !len)
		return;
	if (k <= DA_DHCP6_VENDOR)
		dev_evidence(t, dev, DEV_EV_DHCP); /* a DHCP or DHCPv6 client's options */
	/* trim spaces and NULs some clients pad with */
	while (len && (s[len - 1] == '\0' || s[len - 1] == ' '))
		len--;
	while (len && *s == ' ')
		s++, len--;
	if (!len)
		return;
	/* seen before, byte for byte: stored text is already normalised, and
	 * normalising it again changes nothing, so no need to intern */
	for (int i = 0; i < d->n_attrs; i++)
		if (d->attrs[i].kind == k) {
			const char *have = strpool_str(t->strs, d->attrs[i].str);
			if (strlen(have) == len && !memcmp(have, s, len))
				return;
		}
	int lower = k == DA_DHCP_FQDN || k == DA_DHCP6_FQDN || k == DA_MDNS_HOSTNAME;
	uint32_t id = strpool_intern(t->strs, s, len, lower);
	if (!id) {
		t->st.strings_refused++;
		return;
	}
	for (int i = 0; i < d->n_attrs; i++)
		if (d->attrs[i].kind == k && d->attrs[i].str == id)
			return;
	if (d->n_attrs >= DEV_MAX_ATTRS) {
		d->attrs_dropped++;
		return;
	}
	d->attrs[d->n_attrs].kind = (uint16_t)k;
	d->attrs[d->n_attrs].str = id;
	d->n_attrs++;
}

/* The device of a MAC when there is one (never creates it). */
struct device *dev_by_mac(struct tracker *t, const uint8_t mac[static 6])
{
	struct dev_key k;
	dev_key_mac(&k, mac);
	uint32_t idx = table_find(t->devices, &k);
	return idx == TABLE_NONE ? NULL : table_get(t->devices, idx);
}
