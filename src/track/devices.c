/* devices.c - the device table: one entry per MAC (or per IP when the
 * capture has no link layer), with its addresses and evidence. */
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

struct device *dev_at(struct tracker *t, uint32_t dev)
{
	return dev == TABLE_NONE ? NULL : table_get(t->devices, dev);
}

uint32_t dev_get(struct tracker *t, const struct dev_key *k, uint64_t ts)
{
	bool created;
	uint32_t idx = table_upsert(t->devices, k, &created);
	if (idx == TABLE_NONE) {
		t->st.devices_refused++;
		return TABLE_NONE;
	}
	struct device *d = table_get(t->devices, idx);
	/* several files may come in any order: the earliest and the latest
	 * packet, not the first and last processed */
	if (created || ts < d->first_us)
		d->first_us = ts;
	if (ts > d->last_us)
		d->last_us = ts;
	return idx;
}

void dev_add_addr(struct tracker *t, uint32_t dev, const struct ip_addr *a)
{
	struct device *d = dev_at(t, dev);
	if (!d || addr_is_zero(a) || addr_is_group(a))
		return;
	if (addr_is_v4(a)) {
		for (int i = 0; i < d->n_v4; i++)
			if (addr_eq(&d->v4[i], a))
				return;
		if (d->n_v4 < DEV_MAX_V4)
			d->v4[d->n_v4++] = *a;
		else { /* keep the newest: DHCP may move a device */
			memmove(d->v4, d->v4 + 1, sizeof d->v4 - sizeof d->v4[0]);
			d->v4[DEV_MAX_V4 - 1] = *a;
		}
	} else {
		for (int i = 0; i < d->n_v6; i++)
			if (addr_eq(&d->v6[i], a))
				return;
		if (d->n_v6 < DEV_MAX_V6)
			d->v6[d->n_v6++] = *a;
	}
}

void dev_del_addr(struct tracker *t, uint32_t dev, const struct ip_addr *a)
{
	struct device *d = dev_at(t, dev);
	if (!d)
		return;
	struct ip_addr *v = addr_is_v4(a) ? d->v4 : d->v6;
	uint8_t *n = addr_is_v4(a) ? &d->n_v4 : &d->n_v6;
	for (int i = 0; i < *n; i++)
		if (addr_eq(&v[i], a)) {
			memmove(&v[i], &v[i + 1], (size_t)(*n - i - 1) * sizeof *v);
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
