/* dns_wire.h - the DNS message format (RFC 1035 section 4), shared by the
 * DNS, mDNS, DHCP option 81 and DHCPv6 option 39 decoders.
 *
 * Names are read into caller buffers as dotted text without a trailing dot.
 * Compression pointers (4.1.4) are followed with loop protection: a pointer
 * must point strictly before the label that holds it, and at most
 * DNS_MAX_HOPS pointers are followed per name. Text is at most
 * DNS_NAME_MAX bytes, labels at most 63; bytes outside printable ASCII and
 * UTF-8 (control characters, '.') inside a label become '?', so a name
 * never carries a control character or a fake label boundary into a report.
 */
#ifndef ALFOIL_DECODE_DNS_WIRE_H
#define ALFOIL_DECODE_DNS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_NAME_MAX 255
#define DNS_MAX_HOPS 16
#define DNS_HDR_LEN 12

#define DNS_T_A 1
#define DNS_T_CNAME 5
#define DNS_T_PTR 12
#define DNS_T_TXT 16
#define DNS_T_AAAA 28
#define DNS_T_SRV 33

struct dns_hdr {
	uint16_t id, flags, qd, an, ns, ar;
};

struct dns_rr {
	char name[DNS_NAME_MAX + 1]; /* owner, NUL-terminated */
	size_t name_len;
	uint16_t type, cls;
	uint32_t ttl;
	size_t rdata_off; /* offset of rdata in the message */
	uint16_t rdlen;
};

/* Header of msg; false when shorter than 12 bytes. */
bool dns_read_hdr(const uint8_t *msg, size_t len, struct dns_hdr *h);

/* Read the name at *off into out (NUL-terminated, at least DNS_NAME_MAX + 1
 * bytes) and move *off past it (past the first pointer, when there is one).
 * Returns the text length or a negative DEC_E_* code. */
int dns_read_name(const uint8_t *msg, size_t len, size_t *off, char *out);

/* Question at *off: name and qtype/qclass. */
int dns_read_question(const uint8_t *msg, size_t len, size_t *off, char *name, uint16_t *qtype,
		      uint16_t *qclass);

/* Resource record at *off; on success *off is past its rdata. */
int dns_read_rr(const uint8_t *msg, size_t len, size_t *off, struct dns_rr *rr);

/* Labels without compression (DHCP option 81, DHCPv6 option 39): v holds a
 * possibly partial name (no root label). Returns the text length written to
 * out (DNS_NAME_MAX + 1 bytes), stopping quietly at the first bad label. */
size_t dns_labels_text(const uint8_t *v, size_t n, char *out);

/* Case-insensitive equality of two names. */
bool dns_name_eq(const char *a, size_t alen, const char *b, size_t blen);

#endif
