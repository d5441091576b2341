/* model.h - what the tracker knows: devices, destinations, and the
 * attributes that describe a device. Read-only to everything after track/.
 */
#ifndef ALFOIL_TRACK_MODEL_H
#define ALFOIL_TRACK_MODEL_H

#include <stdint.h>

#include "decode/apps.h"
#include "lib/addr.h"

#define DEV_MAX_V4 4
#define DEV_MAX_V6 8
#define DEV_MAX_ATTRS 48

/* How a device is keyed: by its MAC when the link layer shows one, else by
 * its IP address (raw IP and loopback captures). */
enum dev_key_kind { DEVKEY_MAC = 1, DEVKEY_IP = 2 };

struct dev_key {
	uint8_t kind;
	uint8_t mac[6];
	uint8_t pad;
	struct ip_addr ip; /* zero for DEVKEY_MAC */
};

/* Evidence about a device, as (kind, interned string). */
enum dev_attr_kind {
	DA_DHCP_HOSTNAME,
	DA_DHCP_FQDN,
	DA_DHCP_VENDOR,
	DA_DHCP_PRL,        /* "1,3,6,15,..." the parameter request list */
	DA_DHCP_CLIENT_ID,  /* hex */
	DA_DHCP6_FQDN,
	DA_DHCP6_VENDOR,
	DA_MDNS_HOSTNAME,
	DA_MDNS_SERVICE,    /* "_hap._tcp" */
	DA_MDNS_INSTANCE,   /* "Living Room Lamp" */
	DA_MDNS_TXT,        /* "md=Hue Bridge" */
	DA_SSDP_SERVER,
	DA_SSDP_USN,
	DA_SSDP_LOCATION,
	DA_HTTP_USER_AGENT,
	DA_TLS_JA3,
	DA_TLS_JA4,
	DA_MIIO_ID,         /* decimal device id */
	DA_TUYA_GWID,
	DA_TUYA_PRODUCT,
	DA_TUYA_VERSION,    /* "3.3" */
	DA_SSDP_DEVICE,     /* a UPnP device type it announces (NT of a NOTIFY) */
	DA_HTTP_AUTH,       /* "Basic to HOST", "URL to HOST": cleartext credentials sent */
	DA_UPNP_ACTION,     /* a SOAP action it sent, "...#AddPortMapping to ADDR" */
	DA_ARP_CLAIM,       /* an IPv4 address it claimed as its own in ARP */
	DA_TLS_WEAK,        /* "RC4,export to HOST": weak suites it offered */
	DA_RELAY_FOR,       /* "IP MAC": it sends another host's traffic (NAT, bridge, MITM) */
	DA__COUNT
};

const char *dev_attr_name(enum dev_attr_kind k);
/* True for attributes that name the device (shown as its names). */
int dev_attr_is_name(enum dev_attr_kind k);

struct dev_attr {
	uint16_t kind;
	uint32_t str; /* strpool id */
};

/* Roles seen in traffic. */
#define DEV_ROLE_GATEWAY 0x01 /* forwards internet traffic (the router) */
#define DEV_ROLE_DHCP 0x02    /* answers DHCP */
#define DEV_ROLE_DNS 0x04     /* answers DNS */

/* What makes a device more than a sighting (devices.c): an entry with
 * none of these is on probation, and may be evicted to admit a newcomer
 * when the table is full; one with any of them never is. */
#define DEV_EV_DHCP 0x01      /* a DHCP or DHCPv6 client message of its own */
#define DEV_EV_CLAIM 0x02     /* ARP or NDP from it, or a lease for it */
#define DEV_EV_TWOWAY 0x04    /* it sent on a flow and was answered on it */
#define DEV_EV_LONG 0x08      /* seen over DEV_LONG_US or more */
#define DEV_EV_FORWARDS 0x10  /* carries internet traffic both ways (gateway evidence) */
#define DEV_LONG_US (60ull * 1000000)

/* What shows that an address is a device's own (tracker.c, devices.c).
 * A global address with only ADDR_EV_SENT is not the LAN's: the frame's
 * source address is whatever its sender wrote. */
#define ADDR_EV_SENT 0x01     /* it sent from the address: no evidence */
#define ADDR_EV_CLAIM 0x02    /* ARP/NDP from it, a DHCP lease, its mDNS record */
#define ADDR_EV_ANSWERED 0x04 /* a packet to the address from another MAC,
			       * delivered to this MAC */
#define ADDR_EV_PROVEN (ADDR_EV_CLAIM | ADDR_EV_ANSWERED)

/* Gateway evidence: internet addresses hashed into 64 * GW_WORDS-bit sets,
 * those the MAC delivered to LAN devices and those LAN devices sent to it;
 * the MAC is the router when GW_MIN_HOSTS are in both
 * (tracker_device_forwards()). */
#define GW_WORDS 4
#define GW_MIN_HOSTS 1

struct device {
	struct dev_key key;
	uint64_t first_us, last_us;
	uint64_t pkts_out, pkts_in, bytes_out, bytes_in;
	/* of bytes_out + bytes_in, those on none of its destinations (ARP,
	 * frames without ports, a destination removed or refused, a relay's
	 * copy): so bytes_out + bytes_in == the sum of its destinations'
	 * bytes_up + bytes_down + bytes_nodest, exactly. Negative when a
	 * destination came with bytes counted to another device (the MAC that
	 * received for it, the first DHCP client of a shared flow). */
	int64_t bytes_nodest;
	struct ip_addr v4[DEV_MAX_V4];
	struct ip_addr v6[DEV_MAX_V6];
	uint8_t n_v4, n_v6;
	uint8_t roles;
	uint8_t n_attrs;
	struct dev_attr attrs[DEV_MAX_ATTRS];
	uint32_t attrs_dropped;
	uint32_t n_dests;
	/* ARP behaviour: requests sent, a 256-bit set of the targets' last
	 * octets (distinct targets of a sweep of one /24), and gratuitous ARP,
	 * counted over sliding windows (window_s: the current bucket from
	 * arp_win_us and the one before, arp_cur_* and arp_prev_*): a sweep
	 * is so many hosts within a window, not ever. arp_requests and
	 * arp_targets are those of the window with the most distinct targets
	 * so far (the peak, at arp_peak_us), arp_gratuitous the most within
	 * one window: what a report of the whole time shows. */
	uint32_t arp_requests, arp_gratuitous;
	uint64_t arp_targets[4];
	uint32_t arp_cur_requests, arp_cur_gratuitous, arp_prev_requests, arp_prev_gratuitous;
	uint64_t arp_cur_targets[4], arp_prev_targets[4];
	uint64_t arp_win_us;  /* the current bucket's start (its first ARP then) */
	uint64_t arp_peak_us; /* the last ARP of the peak window */
	uint32_t handle;     /* index and generation: what flows, destinations
			      * and names hold (stale once the entry is evicted) */
	uint32_t dest_head;  /* its destinations, chained through dest.dev_next */
	uint8_t evidence;    /* DEV_EV_* */
	uint8_t v4_ev[DEV_MAX_V4], v6_ev[DEV_MAX_V6]; /* ADDR_EV_* of each address */
	uint64_t gw_in[GW_WORDS], gw_out[GW_WORDS];   /* gateway evidence */
};

/* What a destination carries: enum app_proto and app_proto_name(), one
 * value per line of the application registry (decode/apps.def, through
 * decode/apps.h). */

/* Is the traffic encrypted? */
enum enc_state {
	ENC_UNKNOWN = 0,
	ENC_YES,       /* a TLS handshake or an encrypted protocol was seen */
	ENC_LIKELY,    /* port of an encrypted protocol, no handshake seen */
	ENC_NO,        /* cleartext protocol seen (HTTP, DNS, MQTT, ...) */
};
const char *enc_state_name(enum enc_state e);

struct dest_key {
	uint32_t dev;     /* device index */
	uint8_t proto;    /* IPPROTO_* */
	uint8_t inbound;  /* 1: the remote side opened the flow */
	uint16_t port;    /* the service port (the responder's port) */
	struct ip_addr addr; /* the remote address */
};

#define DEST_MAX_OTHER 8 /* one address, many names: shared hosting, CDNs */
#define DEST_GAP_BUCKET 1024 /* gaps between flows a beacon bucket holds */

struct dest {
	struct dest_key key;
	uint64_t first_us, last_us;
	uint64_t pkts_up, pkts_down, bytes_up, bytes_down;
	uint32_t flows;
	uint32_t dns_name;  /* what this device asked DNS for (strpool id) */
	uint32_t sni;       /* TLS server name */
	uint32_t http_host; /* HTTP Host */
	uint32_t other[DEST_MAX_OTHER]; /* further SNI/Host names, first seen first */
	/* times between new flows: periodic beacons, over the last
	 * DEST_GAP_BUCKET to 2 * DEST_GAP_BUCKET gaps (two buckets by count:
	 * the last full one and the current, cur_*), so a heartbeat of any
	 * period is seen and what a destination did long ago is forgotten */
	uint64_t last_flow_us;
	uint32_t n_gaps;
	double gap_sum, gap_sq; /* seconds */
	uint32_t cur_n_gaps;
	double cur_gap_sum, cur_gap_sq;
	uint8_t app;        /* enum app_proto */
	uint8_t enc;        /* enum enc_state */
	uint16_t tls_version; /* highest offered, 0 when no hello seen */
	uint16_t first_lport; /* the device's port of the flow that made it (0: none) */
	uint32_t dev_next;  /* the device's next destination (TABLE_NONE ends) */
	uint32_t handle;    /* index and generation: what flows hold (stale
			     * once the entry expires or is evicted) */
};

#endif
