/* fuzz_reasm.c - libFuzzer target for IP reassembly (reasm/): one input is
 * a sequence of records, each a raw IP frame, an IPv4 or IPv6 fragment
 * made from a few fields (so that fragments of one datagram meet often),
 * or a step of packet time. Every frame is decoded by decode/ from an
 * exact-size copy and fed to one reassembler with small caps; every view
 * it hands on is read whole and checked. The input's end flushes it.
 *
 * Record: kind byte k, then
 *   k & 3 == 0: u16 length, that many bytes: a raw IPv4/IPv6 frame
 *   k & 3 == 1: IPv4 fragment, 2: IPv6 fragment: id (u8), offset in 8-byte
 *               units (u16), data length (u16, at most 1500), the data
 *               (zeros past the input's end); k & 4: more fragments;
 *               k & 8: the other source address
 *   k & 3 == 3: k >> 2 seconds pass
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "reasm/reasm.h"

#define DLT_RAW_ 12

static uint64_t seen;

static void sink(void *user, const struct pkt *p, uint64_t ts)
{
	(void)user, (void)ts;
	if (p->payload_len > 65535 + 40 || (p->payload_len && !p->payload) || pkt_frames(p) == 0)
		abort();
	for (size_t i = 0; i < p->payload_len; i++) /* every byte handed on is readable */
		seen += p->payload[i];
	if (p->frag != FRAG_NONE)
		for (size_t i = 0; i < p->frag_caplen; i++)
			seen += p->frag_data[i];
}

struct in {
	const uint8_t *p;
	size_t n;
};

static unsigned take(struct in *in, int bytes)
{
	unsigned v = 0;
	for (int i = 0; i < bytes; i++) {
		v = v << 8 | (in->n ? *in->p : 0);
		if (in->n)
			in->p++, in->n--;
	}
	return v;
}

static void feed(struct reasm *r, struct dec_ctx *dec, const uint8_t *frame, size_t len, uint64_t ts)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct pkt p;
	if (!copy)
		return;
	memcpy(copy, frame, len);
	decode_packet(dec, DLT_RAW_, copy, len, (uint32_t)len, &p);
	reasm_packet(r, &p, ts);
	free(copy);
}

/* An IPv4 or IPv6 fragment from the record's fields. */
static size_t make_fragment(uint8_t *b, int v6, unsigned k, struct in *in)
{
	unsigned id = take(in, 1), off = take(in, 2) & 0x1fff, dlen = take(in, 2) % 1501;
	size_t h = v6 ? 48 : 20;
	memset(b, 0, h);
	if (!v6) {
		b[0] = 0x45;
		b[2] = (uint8_t)((h + dlen) >> 8), b[3] = (uint8_t)(h + dlen);
		b[5] = (uint8_t)id;
		unsigned fl = (k & 4 ? 0x2000u : 0) | off;
		b[6] = (uint8_t)(fl >> 8), b[7] = (uint8_t)fl;
		b[8] = 64, b[9] = 17;
		b[12] = 10, b[15] = (uint8_t)(1 + (k >> 3 & 1));
		b[16] = 10, b[19] = 9;
	} else {
		b[0] = 0x60;
		b[4] = (uint8_t)((8 + dlen) >> 8), b[5] = (uint8_t)(8 + dlen);
		b[6] = 44, b[7] = 64;
		b[8] = 0xfd, b[23] = (uint8_t)(1 + (k >> 3 & 1));
		b[24] = 0xfd, b[39] = 9;
		b[40] = (uint8_t)(k >> 4 & 1 ? 6 : 17);
		unsigned om = off << 3 | (k & 4 ? 1u : 0);
		b[42] = (uint8_t)(om >> 8), b[43] = (uint8_t)om;
		b[47] = (uint8_t)id;
	}
	for (unsigned i = 0; i < dlen; i++)
		b[h + i] = (uint8_t)take(in, 1);
	return h + dlen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dec_ctx dec = { 0 };
	struct reasm_config cfg;
	reasm_config_default(&cfg);
	cfg.max_bytes = REASM_MIN_BYTES;
	cfg.max_datagrams = 16;
	struct reasm *r = reasm_new(&cfg, &dec, sink, NULL);
	if (!r)
		return 0;
	static uint8_t frame[48 + 1500];
	struct in in = { data, size };
	uint64_t ts = 1700000000ull * 1000000u;
	while (in.n) {
		unsigned k = take(&in, 1);
		switch (k & 3) {
		case 0: {
			size_t len = take(&in, 2);
			if (len > in.n)
				len = in.n;
			feed(r, &dec, in.p, len, ts);
			in.p += len, in.n -= len;
			break;
		}
		case 1:
		case 2: {
			size_t len = make_fragment(frame, (k & 3) == 2, k, &in);
			feed(r, &dec, frame, len, ts);
			break;
		}
		default:
			ts += (uint64_t)(k >> 2) * 1000000u;
			break;
		}
		ts += 1;
	}
	reasm_finish(r);
	if (dec.stats.n[DC_FRAG_PEAK] > cfg.max_bytes)
		abort(); /* the memory cap held */
	reasm_free(r);
	return 0;
}
