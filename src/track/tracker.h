/* tracker.h - the state of the network: devices, flows, names, destinations.
 *
 * tracker_packet() takes one decoded packet, runs the application decoders on
 * its payload where they apply, and updates the tables. Every table has a cap
 * from struct tracker_config; memory is bounded by the caps whatever the
 * input (see docs/internals.md for the figures).
 */
#ifndef ALFOIL_TRACK_TRACKER_H
#define ALFOIL_TRACK_TRACKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"
#include "decode/obs.h"
#include "lib/strpool.h"
#include "track/model.h"

struct tracker_config {
	uint32_t max_devices;      /* default 4096 */
	uint32_t max_flows;        /* default 65536; LRU-evicted beyond */
	uint32_t max_dests;        /* default 65536; the least recently used
				      evicted beyond */
	uint32_t max_names;        /* name-cache entries, default 65536; each
				      device at most 1/16 of them, then its
				      own oldest go */
	uint32_t max_streams;      /* TCP streams buffered at once, default 256 */
	uint32_t stream_bytes;     /* bytes buffered per stream, default 16384 */
	size_t max_string_bytes;   /* interned strings, default 32 MiB */
	uint32_t tcp_idle_s;       /* flow idle timeouts, default 300 / 120 s */
	uint32_t udp_idle_s;
	/* idle expiry of devices, destinations, name-cache and query entries:
	 * gone after this long without a packet (0 = never, the default: a
	 * report covers the whole capture; a long-running watch sets them) */
	uint32_t dev_idle_s, dest_idle_s, name_idle_s;
	uint32_t window_s;         /* detector windows (ARP counters), default
				      3600 */
	/* each DNS answer that answers a query a device sent (an unsolicited
	 * one is not told): the name asked, one address, its TTL and the
	 * packet's time; on the tracker's thread (keep it short). NULL: none */
	void (*on_answer)(void *ctx, const char *name, size_t len, const struct ip_addr *a, uint32_t ttl,
			  uint64_t ts_us);
	void *answer_ctx;
};

void tracker_config_default(struct tracker_config *c);
/* The shortest of the idle lifetimes of devices, destinations and names
 * that are set, in seconds; 0 when none is (nothing is forgotten idle). */
uint32_t tracker_idle_min_s(const struct tracker_config *c);

struct tracker_stats {
	uint64_t packets, bytes;
	uint64_t ip_packets, non_ip_packets;
	uint64_t flows_created, flows_expired, flows_evicted;
	uint64_t devices_refused, dests_refused; /* no room could be made (every
				       device in use by the packet), or out
				       of memory */
	uint64_t devices_evicted;   /* on probation, dropped to admit a newcomer */
	uint64_t devices_displaced; /* with evidence, least recently seen, dropped
				       to admit a newcomer (none on probation) */
	uint64_t devices_expired, dests_expired, names_expired; /* idle (names:
				       name-cache and query entries, also those
				       going with their device) */
	uint64_t dests_evicted;     /* least recently used, at the cap */
	uint64_t strings_reclaimed; /* bytes of dead strings given back */
	uint64_t string_compactions;
	uint64_t names_evicted, strings_refused;
	uint64_t streams_refused;   /* no buffer free for a split handshake */
	uint64_t observations[OBS__COUNT];
	uint64_t tls_hellos, http_requests, dns_answers;
	/* DNS responses that answer no query the receiver sent (wrong id,
	 * endpoints or resolver, later than the timeout, or never asked):
	 * ignored; and the queries waiting for answers */
	uint64_t dns_unsolicited, dns_queries_expired, dns_pending_evicted, dns_pending_refused;
	/* DHCP client messages whose options were not credited: the frame's
	 * source is not the client hardware address (spoofed), or there is no
	 * link layer to tell (unverified); and relayed ones credited */
	uint64_t dhcp_spoofed, dhcp_unverified, dhcp_relayed;
	struct dec_stats app;       /* DC_APP_BAD counts */
};

struct tracker;

struct tracker *tracker_new(const struct tracker_config *cfg);
void tracker_free(struct tracker *t);

/* Account one decoded packet seen at ts_us (microseconds since the epoch). */
void tracker_packet(struct tracker *t, const struct pkt *p, uint64_t ts_us);

/* Time moves without packets (now_us: the wall clock live, packet time
 * for files; never backwards): expire idle flows, DNS queries waiting,
 * names, destinations and devices. Bounded work per call (TRACK_TICK_STEPS
 * entries of each table); packets call the same code with fewer steps. */
#define TRACK_TICK_STEPS 64
void tracker_tick(struct tracker *t, uint64_t now_us);

/* What leaves the tables, with its final totals: a device (after its
 * destinations and names, each with an event of its own), a destination,
 * a name-cache or query entry. Pointers are valid during the call only. */
enum track_exp_kind { TEXP_DEVICE, TEXP_DEST, TEXP_NAME };
enum track_exp_why { TEXP_IDLE, TEXP_CAP };
struct track_expiry {
	uint8_t kind, why;   /* enum track_exp_kind, enum track_exp_why */
	uint64_t now_us;
	const struct device *dev;   /* every kind: the device (its own, for TEXP_DEVICE) */
	const struct dest *dest;    /* TEXP_DEST: final totals */
	const struct strpool *strings; /* valid during the call */
	/* TEXP_NAME: the name (strpool id), and the address it resolved to
	 * (NULL for a query entry, count its count) */
	uint32_t name, count;
	const struct ip_addr *addr;
};
typedef void (*tracker_expiry_fn)(void *ctx, const struct track_expiry *e);
void tracker_set_expiry(struct tracker *t, tracker_expiry_fn fn, void *ctx);

/* A device's ARP window buckets as they read at now_us: a window that
 * ended since its last ARP is closed. ARP packets and tracker_snapshot()
 * apply it; a device read straight from the tracker (below) may be a
 * window behind. The peak window (arp_requests, arp_targets) is kept. */
void tracker_window_device(struct device *d, uint64_t now_us, uint32_t window_s);

/* Reading the state (for analyze/). Indices run 0 .. count-1 via *_next. */
const struct tracker_stats *tracker_stats(const struct tracker *t);
const struct strpool *tracker_strings(const struct tracker *t);
uint32_t tracker_device_next(const struct tracker *t, uint32_t idx); /* TABLE_NONE ends */
const struct device *tracker_device(const struct tracker *t, uint32_t idx);
uint32_t tracker_dest_next(const struct tracker *t, uint32_t idx);
const struct dest *tracker_dest(const struct tracker *t, uint32_t idx);
/* The name cache: (device, address) -> the name the device asked for. */
uint32_t tracker_name_next(const struct tracker *t, uint32_t idx);
void tracker_name(const struct tracker *t, uint32_t idx, uint32_t *dev, struct ip_addr *addr,
		  uint32_t *name);
/* DNS queries per device: (device, name) with a count. */
uint32_t tracker_query_next(const struct tracker *t, uint32_t idx);
void tracker_query(const struct tracker *t, uint32_t idx, uint32_t *dev, uint32_t *name,
		   uint32_t *count);
uint32_t tracker_device_count(const struct tracker *t);
uint32_t tracker_max_devices(const struct tracker *t);
/* The router: carries internet traffic both ways (docs/internals.md). */
bool tracker_device_forwards(const struct device *d);
/* The index of the device a destination or name entry holds (its
 * handle), or TABLE_NONE when that device was evicted since. */
uint32_t tracker_device_index(const struct tracker *t, uint32_t handle);
uint32_t tracker_dest_count(const struct tracker *t);
uint32_t tracker_flow_count(const struct tracker *t);
size_t tracker_memory(const struct tracker *t);

#endif
