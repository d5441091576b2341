/* pkt.h - the decoded view of one packet.
 *
 * Filled by decode_packet() (decode.h). Zero-copy: `payload` points into the
 * caller's packet buffer and is valid only as long as that buffer is.
 */
#ifndef ALFOIL_DECODE_PKT_H
#define ALFOIL_DECODE_PKT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

#define PKT_MAX_VLAN 4       /* QinQ and one more; deeper stacks are rejected */
#define PKT_MAX_IP6_EXT 8    /* IPv6 extension headers followed at most */
#define PKT_MAX_TUNNELS 2    /* IP-in-IP layers decoded through */

enum pkt_l3 {
	L3_NONE = 0,  /* nothing decoded past the link layer */
	L3_ARP,
	L3_IPV4,
	L3_IPV6,
	L3_OTHER,     /* an ethertype we do not decode (LLDP, EAPOL, ...) */
};

/* IP fragment state. A fragment is decoded up to the IP layer that is
 * fragmented and no further: what it carries is known only once reasm/
 * has put the datagram together (docs/internals.md). */
enum pkt_frag {
	FRAG_NONE = 0,
	FRAG_FIRST,   /* offset 0, more fragments follow */
	FRAG_LATER,   /* offset > 0 */
};

struct pkt_arp {
	uint16_t op;          /* 1 request, 2 reply */
	uint8_t sha[6];       /* sender hardware address */
	uint8_t spa[4];       /* sender protocol address (IPv4) */
	uint8_t tha[6];
	uint8_t tpa[4];
};

struct pkt {
	uint32_t caplen;          /* bytes captured */
	uint32_t wirelen;         /* bytes on the wire (pcap orig len) */

	/* link layer */
	uint8_t has_mac;          /* 1 when mac_src (and maybe mac_dst) are real */
	uint8_t has_mac_dst;      /* SLL carries only the source address */
	uint8_t mac_src[6];
	uint8_t mac_dst[6];
	uint8_t n_vlan;
	uint16_t vlan[PKT_MAX_VLAN]; /* VLAN ids, outermost first */
	uint16_t ethertype;       /* of the network layer, after VLAN tags */

	/* network layer */
	uint8_t l3;               /* enum pkt_l3 */
	uint8_t frag;             /* enum pkt_frag */
	uint8_t tunnels;          /* IP-in-IP layers decoded through */
	uint8_t ttl;              /* IPv4 TTL or IPv6 hop limit */
	uint8_t l4proto;          /* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6, ... */
	struct ip_addr src, dst;  /* IPv4 is IPv4-mapped, see addr.h */
	uint16_t ip_len;          /* IP total length (header + payload) */
	struct pkt_arp arp;       /* when l3 == L3_ARP */

	/* transport layer; valid when has_l4 */
	uint8_t has_l4;
	uint16_t sport, dport;    /* 0 for ICMP */
	uint8_t tcp_flags;        /* TCP_FIN ... below */
	uint32_t tcp_seq, tcp_ack;
	uint8_t icmp_type, icmp_code;

	/* transport payload (TCP/UDP data, ICMP body), inside the packet */
	const uint8_t *payload;
	size_t payload_len;

	/* a fragment (frag != FRAG_NONE), of the IP layer src and dst are of */
	uint8_t frag_more;         /* IPv4 MF, IPv6 M: more fragments follow */
	uint8_t frag_proto;        /* what the data holds: IPv4 protocol, or the
				      next header after the IPv6 Fragment header */
	uint16_t frag_off;         /* where the data goes in the datagram, bytes */
	uint32_t frag_id;          /* IPv4 identification (16 bits), IPv6 (32) */
	uint16_t frag_len;         /* data bytes the IP header says it holds */
	uint16_t frag_caplen;      /* of them captured, at frag_data */
	const uint8_t *frag_data;

	/* a datagram reassembled from fragments (reasm/): the frames it came
	 * in, whose wire lengths wirelen sums; 0 for a packet of one frame */
	uint32_t frames;
};

/* The frames a view stands for. */
static inline uint32_t pkt_frames(const struct pkt *p)
{
	return p->frames ? p->frames : 1;
}

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

#endif
