/* reasm.h - IPv4 and IPv6 fragments put back together, between decode/
 * and track/ (docs/internals.md, "reasm/").
 *
 * decode/ stops at a fragment's IP layer (pkt.h: frag, frag_*). Every view
 * goes through reasm_packet(): a packet of one frame is handed straight on;
 * a fragment's data is copied in, and when its datagram is whole the
 * datagram is rebuilt (an IP header and the data) and decoded again from
 * the IP layer, like any packet, and handed on as one view whose wirelen
 * sums the frames it came in (pkt.frames says how many). A datagram that
 * cannot be finished (timeout, overlap, a cap) is handed on as a view of
 * its first fragment's transport header with no payload: its frames and
 * bytes still count to its flow, and nothing in it is decoded.
 *
 * Rules: RFC 791 and RFC 815 (IPv4, keyed by source, destination,
 * protocol, identification), RFC 8200 section 4.5 (IPv6, source,
 * destination, identification); the frame's source MAC and outer VLAN
 * are part of the key too. Overlapping fragments drop the datagram
 * (RFC 5722, for IPv4 as well); an exact duplicate is ignored. Packet time
 * drives the timeouts. The keys are hashed with seeded SipHash
 * (lib/table.h). Memory: the data of the datagrams being put together is
 * held in slabs of 2 KiB within max_bytes, and at most max_datagrams are
 * open at once; the oldest is dropped to make room.
 *
 * Not thread-safe: one instance per packet thread.
 */
#ifndef ALFOIL_REASM_REASM_H
#define ALFOIL_REASM_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"

struct reasm_config {
	size_t max_bytes;        /* fragment data held at once, default 4 MiB */
	uint32_t max_datagrams;  /* datagrams open at once, default 1024 */
	uint32_t ip4_timeout_s;  /* default 30 (Linux's ipfrag_time) */
	uint32_t ip6_timeout_s;  /* default 60 (RFC 8200 section 4.5) */
};

#define REASM_MIN_BYTES (128u << 10) /* room for the largest datagram */

void reasm_config_default(struct reasm_config *c);

/* Where views go on (the tracker). The view and what it points to are
 * valid only during the call. */
typedef void (*reasm_emit_fn)(void *user, const struct pkt *p, uint64_t ts_us);

struct reasm;

/* dec: the decoder context the datagrams are decoded with and the
 * DC_FRAG_* counters go to (the caller's, read by the report). */
struct reasm *reasm_new(const struct reasm_config *cfg, struct dec_ctx *dec, reasm_emit_fn emit,
			void *user);
void reasm_free(struct reasm *r);

/* One decoded view at ts_us: held when it is a fragment, else handed on;
 * datagrams whose time is up are dropped first. Returns the packet time
 * at which reasm_packet() has work to do even for a packet of one frame
 * (UINT64_MAX: none); until then the caller may hand such packets on
 * itself: the cost of reassembly on unfragmented traffic is one compare. */
uint64_t reasm_packet(struct reasm *r, const struct pkt *p, uint64_t ts_us);

/* Time has come to now_us without a packet (the engine's tick): the
 * datagrams whose time is up are dropped as reasm_packet() drops them.
 * Returns what reasm_packet() returns. */
uint64_t reasm_tick(struct reasm *r, uint64_t now_us);

/* The input has ended: every datagram still open is handed on as if it
 * had timed out (counted as unfinished). */
void reasm_finish(struct reasm *r);

/* Bytes held now (slabs in use and the datagram table). */
size_t reasm_memory(const struct reasm *r);

#endif
