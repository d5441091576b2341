/* internal.h - the tracker's private state, shared by the files of track/.
 * Nothing outside track/ includes this. */
#ifndef ALFOIL_TRACK_INTERNAL_H
#define ALFOIL_TRACK_INTERNAL_H

#include <stdbool.h>

#include "lib/table.h"
#include "track/tracker.h"

struct flow_key {
	struct ip_addr a, b; /* canonical order: (a, pa) < (b, pb) */
	uint16_t pa, pb;
	uint8_t proto;
	uint8_t pad[3];
};

/* Per-direction state of a flow: side 0 is a, side 1 is b. */
struct flow {
	struct flow_key key;
	uint64_t first_us, last_us;
	uint64_t pkts[2], bytes[2];
	uint32_t dev[2];     /* device handle of each side, TABLE_NONE if none */
	uint32_t dest[2];    /* destination handle of each side's device */
	uint32_t stream;     /* TCP stream buffer of the initiator, or TABLE_NONE */
	uint32_t next_seq;   /* next byte expected in that stream */
	uint8_t init;        /* side that opened the flow */
	uint8_t app;         /* enum app_proto once known */
	uint8_t done;        /* stop inspecting payloads */
	uint8_t payloads;    /* initiator payload packets inspected */
	uint8_t resp_payloads;
	uint8_t stream_http; /* the buffered stream is an HTTP request head, not TLS */
	uint8_t sent;        /* bit s: side s's device was seen sending (its own MAC) */
	uint8_t gw;          /* bit s: gateway evidence taken from side s's packets;
			      * bit 2 + s: side s's two-way traffic noted */
	uint32_t udp_last[2]; /* hash of each side's last UDP payload */
	uint32_t out_mac;    /* hash of the MAC a LAN side sent to the internet
			      * through before that MAC was a device (0: none) */
};

/* A table whose entries each belong to one device, with a quota per
 * device (devquota.c): a device at its quota evicts its own oldest entry,
 * a full table the oldest of the device holding the most. The entries
 * carry a struct dq_link at link_off; devices are the device table's
 * indices (0 .. ndev-1). */
struct dq_link {
	uint32_t dev, prev, next; /* its device; that device's older, newer */
};

struct dq_head {
	uint32_t oldest, newest, n;
};

struct dq {
	struct table *tbl;      /* refusing: dq_upsert makes the room */
	struct dq_head *heads;  /* ndev of them */
	uint32_t ndev, per_dev, ty_cap;
	size_t link_off;
	uint64_t evicted;
	/* called before an entry is evicted to make room (not on dq_remove) */
	void (*on_evict)(void *ctx, uint32_t idx);
	void *ctx;
};

int dq_init(struct dq *q, size_t key_size, size_t entry_size, size_t link_off, uint32_t cap,
	    uint32_t per_dev, uint32_t ndev);
void dq_free(struct dq *q);
/* Find or insert key for dev (TABLE_NONE when dev is out of range or out
 * of memory); the entry becomes dev's newest. */
uint32_t dq_upsert(struct dq *q, uint32_t dev, const void *key, bool *created);
void dq_remove(struct dq *q, uint32_t idx);
void dq_drop_device(struct dq *q, uint32_t dev);
uint32_t dq_count_dev(const struct dq *q, uint32_t dev);

struct name_key {
	uint32_t dev;
	struct ip_addr addr;
};

struct name_ent {
	struct name_key key;
	uint32_t name;       /* the name the device asked for */
	struct dq_link link;
	uint64_t ts_us;      /* the last answer */
	uint32_t handle;     /* index and generation (as a device's) */
	uint32_t ttl;        /* the last answer's TTL, seconds */
};

/* A name a device asked DNS about (its queries), with how often. */
struct query_key {
	uint32_t dev;
	uint32_t name;
};

struct query_ent {
	struct query_key key;
	uint32_t count;
	struct dq_link link;
	uint64_t first_us, last_us;
};

/* A DNS query waiting for its answer (names.c): the client's and the
 * resolver's transport endpoints and the transaction id. */
struct pend_key {
	struct ip_addr client, server;
	uint16_t cport, sport;
	uint16_t txid;
	uint8_t proto;
	uint8_t pad;
};

struct pend_ent {
	struct pend_key key;
	struct dq_link link;  /* link.dev: the slot of the device that asked */
	uint32_t dev;         /* its handle */
	uint64_t ts_us;
};
#define DNS_TIMEOUT_S 10      /* an answer later than this is unsolicited */
#define DNS_PENDING 8192      /* queries waiting at once, all devices */
#define DNS_PENDING_PER_DEV 512
#define NAMES_PER_DEV_DIV 16  /* a device's share of the name caches: 1/16 */

struct stream_buf {
	uint32_t len;
	uint32_t need;
	uint32_t flow;
	uint8_t in_use;
	uint8_t *data;       /* stream_bytes, allocated on first use */
};

/* What is known of one transport endpoint (address, port, protocol): the
 * evidence for deciding which end of a new flow is the server
 * (direction.c). Direct-mapped, overwritten on collision: a collision only
 * costs a guess. */
#define EP_SERVER 0x01 /* answered a TCP handshake, or a broadcast */
#define EP_CLIENT 0x02 /* sent a SYN, or reached a service port from here */
#define EP_BCAST 0x04  /* sent a broadcast or multicast to port bport */
struct endpoint {
	struct ip_addr a;
	uint16_t port;
	uint16_t bport;  /* the port its last broadcast went to */
	uint16_t peers;  /* flows created with it (saturating) */
	uint8_t proto;
	uint8_t flags;
};
#define ENDPOINTS 4096
#define EP_MANY_PEERS 3 /* flows with different peers that make a port a service */

struct tracker {
	struct tracker_config cfg;
	struct tracker_stats st;
	struct strpool *strs;
	struct table *devices;   /* struct device */
	struct table *flows;     /* struct flow */
	struct dq names;         /* struct name_ent */
	struct table *dests;     /* struct dest */
	struct dq queries;       /* struct query_ent */
	struct dq pending;       /* struct pend_ent: DNS queries not yet answered */
	struct stream_buf *streams;
	uint32_t streams_used;
	uint32_t last_flow;      /* the flow of the previous packet, or TABLE_NONE */
	uint64_t now_us;
	struct endpoint *eps;    /* ENDPOINTS of them */
	uint8_t *tcp_svc;        /* 65536 bits: ports seen answering a TCP handshake */
	char *scratch;           /* for application decoders, per payload */
	size_t scratch_cap;
	struct tls_fp_cache *tls_cache; /* fingerprints of recent TLS hellos */
	/* devices (devices.c): handles are index | serial << dev_bits */
	uint32_t dev_bits, dev_serial;
	uint32_t n_probation;    /* devices without evidence (DEV_EV_*) */
	uint32_t dest_bits, dest_serial; /* destination handles, the same way */
	uint32_t name_bits, name_serial; /* name-cache entry handles */
	uint64_t str_gone_seen;          /* entries gone at the last look at the strings */
	uint32_t str_check;              /* packets since life_strings() last ran */
	uint64_t walk_dest_us, walk_dev_us; /* engine time the idle walks last looked (life.c) */
	uint8_t stale;                   /* a device or destination went: handles may be stale */
	tracker_expiry_fn expiry;        /* what leaves the tables (life.c) */
	void *expiry_ctx;
	uint32_t pin[16];        /* handles the current packet uses: never evicted for it */
	uint32_t n_pin;
	const struct pkt *pkt;   /* the packet being tracked */
};

/* life.c: lifetimes (docs/internals.md) */
/* A handle of idx in a table of 2^bits slots, with the next serial number
 * above the index bits; TABLE_NONE is never one. */
uint32_t handle_make(uint32_t bits, uint32_t *serial, uint32_t idx);
uint32_t handle_bits(uint32_t cap);
static inline uint32_t handle_slot(uint32_t bits, uint32_t h)
{
	return bits >= 32 ? h : h & ((1u << bits) - 1);
}
/* Remove device slot idx with its destinations and names, an event for
 * each (why: enum track_exp_why), counted by the caller. */
void life_drop_device(struct tracker *t, uint32_t idx, uint8_t why);
/* Remove destination idx (a slot), with an event, from its device's chain. */
void life_drop_dest(struct tracker *t, uint32_t idx, uint8_t why);
void life_event(struct tracker *t, struct track_expiry *e);
/* After an ARP counted into d's current bucket: the peak window kept. */
void arp_window_peak(struct device *d, uint64_t now_us);
/* Give back the strings no entry holds, when worth it (between packets). */
void life_strings(struct tracker *t);

/* devices.c */
/* The device's handle, created (on probation) when new. When the table is
 * full, the least recently seen device on probation that the current
 * packet does not use is evicted (counted) to make room; when there is
 * none, TABLE_NONE (counted as refused). */
uint32_t dev_get(struct tracker *t, const struct dev_key *k, uint64_t ts);
/* Evidence for a device (DEV_EV_*): it is no longer on probation. */
void dev_evidence(struct tracker *t, uint32_t dev, uint8_t ev);
/* Note an address with what shows it is the device's (ADDR_EV_*, or 0 when
 * it was only seen addressed to it); dev_add_addr() is a claim: ARP, NDP,
 * mDNS from the device itself, or a DHCP lease, and counts only when the
 * packet's Ethernet source is the device or a DHCP server. */
void dev_add_addr_ev(struct tracker *t, uint32_t dev, const struct ip_addr *a, uint8_t ev);
/* The ADDR_EV_* of an address the device has, or -1 when it has not. */
int dev_addr_ev(struct tracker *t, uint32_t dev, const struct ip_addr *a);
/* The device of a MAC when there is one (never creates it). */
struct device *dev_by_mac(struct tracker *t, const uint8_t mac[static 6]);
/* Forget the pins of the previous packet. */
void dev_unpin(struct tracker *t);
void dev_pin(struct tracker *t, uint32_t dev);
void dev_key_mac(struct dev_key *k, const uint8_t mac[static 6]);
void dev_key_ip(struct dev_key *k, const struct ip_addr *ip);
void dev_add_addr(struct tracker *t, uint32_t dev, const struct ip_addr *a);
/* Forget an address: it was filed from a frame a host in the middle received. */
void dev_del_addr(struct tracker *t, uint32_t dev, const struct ip_addr *a);
void dev_add_attr(struct tracker *t, uint32_t dev, enum dev_attr_kind k, const char *s,
		  size_t len);
struct device *dev_at(struct tracker *t, uint32_t dev);

/* gateway.c */
/* What a packet on flow f from side `side` shows of the router (called for
 * the first packets each way). */
void note_gateway(struct tracker *t, struct flow *f, int side, const struct pkt *p, uint64_t ts);

/* flows.c */
uint32_t flow_get(struct tracker *t, const struct pkt *p, uint64_t ts, int *side, bool *created);
struct flow *flow_at(struct tracker *t, uint32_t idx);
unsigned flow_expire(struct tracker *t, uint64_t now); /* up to 8 idle flows: how many went */
void flow_release_stream(struct tracker *t, struct flow *f);
uint32_t stream_alloc(struct tracker *t, uint32_t flow_idx);

/* direction.c */
/* Which side (src_side or !src_side) opened a new flow, from its first
 * packet and the evidence gathered so far; notes what the packet shows. */
int direction_opener(struct tracker *t, const struct pkt *p, int src_side);
/* Every TCP SYN or SYN-ACK: who is the client and the server of it. */
void direction_note_tcp(struct tracker *t, const struct pkt *p);

/* services.c */
/* A well-known service port (decode/apps.def through app_port()), or NULL. */
const struct app_port *service_lookup(uint8_t proto, uint16_t port);
bool service_port(uint8_t proto, uint16_t port);

/* names.c */
int names_init(struct tracker *t);
void names_free(struct tracker *t);
size_t names_memory(const struct tracker *t);
/* Forget everything a device learned (for a device leaving the table),
 * with an event for each name-cache and query entry. */
void names_drop_device(struct tracker *t, uint32_t dev, uint8_t why);
/* Expire idle name-cache and query entries, timed-out DNS queries. */
void names_expire(struct tracker *t, unsigned steps);
/* Retire DNS queries waiting longer than DNS_TIMEOUT_S (a few). */
void pending_retire(struct tracker *t);
void names_put(struct tracker *t, uint32_t dev, const struct ip_addr *a, uint32_t name, uint32_t ttl);
uint32_t names_get(struct tracker *t, uint32_t dev, const struct ip_addr *a);
void queries_add(struct tracker *t, uint32_t dev, uint32_t name);
/* A DNS query dev sent (p its packet, txid its id): its answer is awaited. */
void dns_query_sent(struct tracker *t, uint32_t dev, const struct pkt *p, uint16_t txid);
/* The device whose query this response answers (p its packet), or
 * TABLE_NONE when none is waiting: the query is then consumed. */
uint32_t dns_response_match(struct tracker *t, const struct pkt *p, uint16_t txid);

/* dests.c */
uint32_t dest_get(struct tracker *t, uint32_t dev, const struct ip_addr *remote, uint8_t proto,
		  uint16_t port, int inbound, uint64_t ts, bool *created);
/* dest_get returns a handle; dest_at takes one (NULL when stale). */
struct dest *dest_at(struct tracker *t, uint32_t handle);
/* Remove a destination (by handle), and from its device's chain; no event
 * (rebind_sender: merged into another). */
void dest_remove(struct tracker *t, uint32_t handle);
/* Unlink slot idx from its device's chain, its bytes to the device's
 * bytes_nodest, and free it. */
void dest_unlink_free(struct tracker *t, uint32_t idx);
enum app_proto app_guess(uint8_t proto, uint16_t port);

/* observe.c */
void observe_payload(struct tracker *t, const struct pkt *p, uint32_t flow_idx, int side);

#endif
