/* obs.h - application-level observations.
 *
 * Application decoders (decode/app_*.c) turn a transport payload into
 * observations: "this DHCP client is called X", "this DNS answer maps name N
 * to address A", "this TLS client asked for server S". They hand each one to
 * a sink callback as soon as it is found and keep nothing.
 *
 * Strings in an observation are NOT NUL-terminated; use (str, len). They point
 * either into the packet or into the sink's scratch buffer (for names that had
 * to be rebuilt, e.g. DNS names with compression pointers), and are valid only
 * during the callback.
 */
#ifndef ALFOIL_DECODE_OBS_H
#define ALFOIL_DECODE_OBS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

enum obs_kind {
	/* DHCPv4 (RFC 2131/2132), from client messages unless noted */
	OBS_DHCP_MSG_TYPE,      /* num = option 53 value (1 DISCOVER .. 8 INFORM) */
	OBS_DHCP_HOSTNAME,      /* option 12; str */
	OBS_DHCP_FQDN,          /* option 81 domain name; str */
	OBS_DHCP_VENDOR_CLASS,  /* option 60; str */
	OBS_DHCP_CLIENT_ID,     /* option 61; bytes */
	OBS_DHCP_REQUESTED_IP,  /* option 50; addr */
	OBS_DHCP_PRL,           /* option 55 parameter request list; bytes, and
				   str = "1,3,6,15" (decimal, comma separated) */
	OBS_DHCP_ASSIGNED_IP,   /* server ACK: yiaddr; addr, mac = chaddr */
	OBS_DHCP_CHADDR,        /* first of every message: num = op (1 request,
				   2 reply), addr = giaddr (zero unless
				   relayed), mac = chaddr when has_mac
				   (Ethernet: htype 1, hlen 6) */
	/* DHCPv6 (RFC 8415) */
	OBS_DHCP6_FQDN,         /* option 39 client FQDN; str */
	OBS_DHCP6_VENDOR_CLASS, /* option 16; str = first vendor-class-data, num = enterprise */
	OBS_DHCP6_DUID,         /* option 1 client id; bytes */
	/* DNS (RFC 1035) and mDNS (RFC 6762/6763) */
	OBS_DNS_MESSAGE,        /* DNS (not mDNS), first of each message:
				   num = transaction id, num2 = flags (0x8000
				   QR: a response) */
	OBS_DNS_QUERY,          /* question; str = name, num = qtype */
	OBS_DNS_A,              /* answer; str = owner name, str2 = the name
				   asked for (CNAME chain followed back to the
				   question; equals str without CNAMEs), addr,
				   num = the record's TTL (seconds) */
	OBS_DNS_AAAA,           /* same for AAAA */
	OBS_DNS_CNAME,          /* answer; str = owner, str2 = target */
	OBS_MDNS_SERVICE,       /* PTR owner like _hap._tcp.local; str = service
				   type ("_hap._tcp"), str2 = instance name */
	OBS_MDNS_HOSTNAME,      /* A/AAAA or SRV target ending .local; str, addr
				   (addr zero when from SRV) */
	OBS_MDNS_TXT,           /* one TXT key=value; str = instance, str2 = kv */
	/* SSDP (UPnP 1.1 over HTTPU, UDP 1900) */
	OBS_SSDP_SERVER,        /* SERVER: or USER-AGENT: header; str */
	OBS_SSDP_USN,
	OBS_SSDP_NT,            /* NT: (NOTIFY) or ST: (M-SEARCH / response);
				   num = 1 in an M-SEARCH (what is searched for) */
	OBS_SSDP_LOCATION,
	/* TLS ClientHello (RFC 8446 4.1.2) */
	OBS_TLS_SNI,            /* server_name host_name; str */
	OBS_TLS_ALPN,           /* all protocols, comma separated; str */
	OBS_TLS_VERSION,        /* num = highest offered version (0x0304 ...) */
	OBS_TLS_JA3,            /* str = 32 hex chars (MD5), str2 = JA3 string */
	OBS_TLS_JA4,            /* str = JA4 fingerprint (a_b_c) */
	OBS_TLS_WEAK,           /* weak suites offered; str = "RC4,export,NULL,
				   anonymous,PSK-only" (those present) */
	/* HTTP/1.x request (RFC 9112) */
	OBS_HTTP_HOST,          /* Host: without port; str */
	OBS_HTTP_USER_AGENT,
	OBS_HTTP_REQUEST,       /* str = method, str2 = request target */
	OBS_HTTP_AUTH,          /* Authorization header; str = scheme ("Basic"),
				   num = 1 when the target carries credentials
				   (user:pass@ or a password= parameter) instead */
	OBS_HTTP_SOAP,          /* SOAPAction header; str = the action, e.g.
				   "urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping" */
	/* NTP (RFC 5905) */
	OBS_NTP,                /* num = version << 8 | mode */
	/* Xiaomi miIO (UDP 54321) */
	OBS_MIIO_HELLO,         /* the 32-byte hello (all 0xff); num = 0 */
	OBS_MIIO_DEVICE,        /* num = device id; num2 = stamp */
	/* Tuya LAN discovery (UDP 6666 plaintext, 6667 encrypted) */
	OBS_TUYA_DISCOVERY,     /* num = protocol version * 10 (31, 33, 34...),
				   str = gwId when readable, str2 = productKey */
	/* CS2 Network P2P, "PPPP" (camera rendezvous, hole punching, relay) */
	OBS_CS2,                /* num = message type (0x00 HELLO, 0x41 PUNCH_PKT...) */
	/* IPv6 neighbour discovery (RFC 4861) */
	OBS_ND_ADDR,            /* target/source addr seen with link-layer
				   option; addr, mac */
	/* Any decoder of the registry (decode/apps.def) */
	OBS_APP,                /* the payload is the decoder's protocol: the
				   tracker files its line's application and
				   encryption for the sender's destination;
				   num = the decoder's (a message type) */
	OBS__COUNT
};

struct obs {
	enum obs_kind kind;
	const char *str;      /* primary text, not NUL-terminated */
	size_t len;
	const char *str2;     /* secondary text */
	size_t len2;
	const uint8_t *bytes; /* raw bytes (client id, PRL, DUID) */
	size_t nbytes;
	struct ip_addr addr;
	uint8_t mac[6];
	uint8_t has_mac;
	uint64_t num;
	uint64_t num2;
};

struct obs_sink {
	void (*emit)(void *user, const struct obs *o);
	void *user;
	/* Scratch space for rebuilt strings; reset by the caller before each
	 * payload. A decoder that runs out of scratch drops the observation
	 * (never writes past scratch_cap). */
	char *scratch;
	size_t scratch_cap;
	size_t scratch_used;
	/* Optional, kept by the caller across payloads: TLS fingerprints of
	 * hellos seen before (app_tls), NULL for none. */
	struct tls_fp_cache *tls_cache;
};

/* JA3/JA4 of recent ClientHellos, by a 64-bit digest of every field they
 * are computed from: a device sends the same hello again and again, and
 * the hashing and sorting cost more than the rest of a hello. A digest
 * collision gives a hello the fingerprints of another; forcing one only
 * changes what the forging device's own fingerprints say. */
#define TLS_FP_CACHE 64
struct tls_fp_cache {
	struct {
		uint64_t key; /* 0: empty */
		char ja3[32], ja4[36], weak[48];
		uint8_t weak_len;
	} e[TLS_FP_CACHE];
	uint64_t hits, misses;
};

const char *obs_kind_name(enum obs_kind k);

/* Reserve n bytes of scratch; NULL when it does not fit. */
char *obs_scratch(struct obs_sink *s, size_t n);

/* Emit helper: zero-initialise an obs with kind set. */
static inline struct obs obs_make(enum obs_kind k)
{
	struct obs o;
	__builtin_memset(&o, 0, sizeof o);
	o.kind = k;
	return o;
}

static inline void obs_emit(struct obs_sink *s, const struct obs *o)
{
	if (s && s->emit)
		s->emit(s->user, o);
}

/* Emit an observation of raw bytes (client ids, DUIDs); none when empty. */
static inline void obs_emit_bytes(struct obs_sink *s, enum obs_kind k, const uint8_t *b, size_t n)
{
	if (!n)
		return;
	struct obs o = obs_make(k);
	o.bytes = b;
	o.nbytes = n;
	obs_emit(s, &o);
}

#endif
