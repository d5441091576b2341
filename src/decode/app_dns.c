/* app_dns.c - DNS over UDP and TCP (RFC 1035, RFC 7766): what was asked and
 * what it resolved to.
 *
 * Emits OBS_DNS_MESSAGE first (transaction id and flags: the tracker
 * credits a response only to the query it answers), OBS_DNS_QUERY for
 * each question, OBS_DNS_CNAME for each CNAME in
 * the answer section and OBS_DNS_A / OBS_DNS_AAAA for each address, with
 * str2 = the name the client asked for: the CNAME chain in the answer is
 * followed back (at most DNS_MAX_CHAIN steps) to the question, so
 * "a1.tuyaeu.com -> elb.amazonaws.com -> 52.59.157.207" credits the address
 * to a1.tuyaeu.com. Names live in the sink's scratch space during the call.
 */
#include <string.h>

#include "decode/app.h"
#include "decode/decode.h"
#include "decode/dns_wire.h"

#define DNS_MAX_QD 16     /* questions looked at */
#define DNS_MAX_RR 64     /* answer records looked at */
#define DNS_MAX_CNAMES 16 /* CNAMEs remembered for chain following */
#define DNS_MAX_CHAIN 8

struct cname {
	const char *owner, *target;
	size_t olen, tlen;
};

static const char *keep(struct obs_sink *sink, const char *s, size_t n)
{
	char *d = obs_scratch(sink, n ? n : 1);
	if (d && n)
		memcpy(d, s, n);
	return d;
}

/* The name that led to `name`: walk CNAMEs backwards. */
static void asked_for(const struct cname *cn, int ncn, const char **s, size_t *n)
{
	for (int step = 0; step < DNS_MAX_CHAIN; step++) {
		int i;
		for (i = 0; i < ncn; i++)
			if (dns_name_eq(cn[i].target, cn[i].tlen, *s, *n))
				break;
		if (i == ncn)
			return;
		*s = cn[i].owner;
		*n = cn[i].olen;
	}
}

int app_dns(const uint8_t *p, size_t len, struct obs_sink *sink)
{
	struct dns_hdr h;
	char name[DNS_NAME_MAX + 1];
	size_t off = DNS_HDR_LEN;
	if (!dns_read_hdr(p, len, &h))
		return DEC_E_TRUNC;
	unsigned opcode = (h.flags >> 11) & 0xf;
	if (opcode != 0) /* only standard queries */
		return DEC_E_UNSUPP;
	if (h.qd > DNS_MAX_QD)
		return DEC_E_BADLEN;
	struct obs m = obs_make(OBS_DNS_MESSAGE);
	m.num = h.id;
	m.num2 = h.flags;
	obs_emit(sink, &m);
	for (unsigned i = 0; i < h.qd; i++) {
		uint16_t qtype, qclass;
		int n = dns_read_question(p, len, &off, name, &qtype, &qclass);
		if (n < 0)
			return n;
		struct obs o = obs_make(OBS_DNS_QUERY);
		o.str = name;
		o.len = (size_t)n;
		o.num = qtype;
		obs_emit(sink, &o);
	}
	if (!(h.flags & 0x8000)) /* a query: nothing more to learn */
		return DEC_OK;

	/* Answer section, twice: first the CNAMEs, then the addresses, so a
	 * chain is followed whatever order the server put it in. */
	struct cname cn[DNS_MAX_CNAMES];
	int ncn = 0;
	unsigned nan = h.an < DNS_MAX_RR ? h.an : DNS_MAX_RR;
	size_t an_off = off;
	int status = DEC_OK;
	struct dns_rr rr;
	for (unsigned i = 0; i < nan; i++) {
		int r = dns_read_rr(p, len, &off, &rr);
		if (r < 0) {
			status = r;
			nan = i; /* the second pass stops here too */
			break;
		}
		if (rr.type != DNS_T_CNAME || (rr.cls & 0x7fff) != 1)
			continue;
		size_t roff = rr.rdata_off;
		int tn = dns_read_name(p, rr.rdata_off + rr.rdlen, &roff, name);
		if (tn < 0)
			continue;
		struct obs o = obs_make(OBS_DNS_CNAME);
		o.str = keep(sink, rr.name, rr.name_len);
		o.len = rr.name_len;
		o.str2 = keep(sink, name, (size_t)tn);
		o.len2 = (size_t)tn;
		if (!o.str || !o.str2)
			continue;
		obs_emit(sink, &o);
		if (ncn < DNS_MAX_CNAMES)
			cn[ncn++] = (struct cname){ o.str, o.str2, o.len, o.len2 };
	}
	off = an_off;
	for (unsigned i = 0; i < nan; i++) {
		if (dns_read_rr(p, len, &off, &rr) < 0)
			break;
		if ((rr.cls & 0x7fff) != 1)
			continue;
		struct obs o;
		if (rr.type == DNS_T_A && rr.rdlen == 4) {
			o = obs_make(OBS_DNS_A);
			addr_from_v4(&o.addr, p + rr.rdata_off);
		} else if (rr.type == DNS_T_AAAA && rr.rdlen == 16) {
			o = obs_make(OBS_DNS_AAAA);
			addr_from_v6(&o.addr, p + rr.rdata_off);
		} else {
			continue;
		}
		o.str = rr.name;
		o.len = rr.name_len;
		o.str2 = rr.name;
		o.len2 = rr.name_len;
		o.num = rr.ttl;
		asked_for(cn, ncn, &o.str2, &o.len2);
		obs_emit(sink, &o);
	}
	return status;
}

int app_dns_tcp(const uint8_t *p, size_t len, struct obs_sink *sink)
{
	/* RFC 7766 section 8: each message is prefixed by a two-byte length;
	 * several may share a segment. A message cut short by the segment
	 * end is decoded as far as it goes. */
	int status = DEC_OK;
	for (int k = 0; k < 4 && len >= 2; k++) {
		size_t mlen = (size_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
		if (mlen < DNS_HDR_LEN)
			return DEC_E_BADLEN;
		size_t have = mlen < len ? mlen : len;
		int r = app_dns(p, have, sink);
		if (r < 0)
			status = r;
		if (have < mlen)
			return status == DEC_OK ? DEC_E_TRUNC : status;
		p += mlen;
		len -= mlen;
	}
	return len == 1 ? DEC_E_TRUNC : status;
}
