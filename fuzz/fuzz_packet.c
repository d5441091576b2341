/* fuzz_packet.c - libFuzzer target for the whole pipeline: link-layer
 * decoding of one frame, reassembly and the tracker (flows, devices, names,
 * destinations, every application decoder behind it). The first input byte
 * picks the link type; the tracker lives across inputs, with small caps so
 * eviction paths run too. */
#include <stdint.h>
#include <stdlib.h>

#include "decode/decode.h"
#include "decode/pkt.h"
#include "reasm/reasm.h"
#include "track/tracker.h"

static const int dlts[] = { 1 /* EN10MB */, 113 /* LINUX_SLL */, 276 /* LINUX_SLL2 */,
			    12 /* RAW */, 0 /* NULL */, 108 /* LOOP */, 228 /* IPV4 */,
			    229 /* IPV6 */, 101 /* RAW (BSD) */ };

static struct tracker *tracker;
static struct reasm *reasm;
static struct dec_ctx reasm_dec;

static void track_view(void *t, const struct pkt *p, uint64_t ts)
{
	tracker_packet(t, p, ts);
}
static uint64_t now_us = 1700000000000000ull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dec_ctx ctx = { 0 };
	struct pkt p;
	if (size < 1)
		return 0;
	if (!tracker) {
		struct tracker_config cfg;
		tracker_config_default(&cfg);
		cfg.max_flows = 64;
		cfg.max_devices = 16;
		cfg.max_dests = 64;
		tracker = tracker_new(&cfg);
		if (!tracker)
			abort();
		struct reasm_config rc;
		reasm_config_default(&rc);
		rc.max_bytes = REASM_MIN_BYTES;
		rc.max_datagrams = 16;
		reasm = reasm_new(&rc, &reasm_dec, track_view, tracker);
		if (!reasm)
			abort();
	}
	int dlt = dlts[data[0] % (sizeof dlts / sizeof dlts[0])];
	uint8_t *copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	for (size_t i = 1; i < size; i++)
		copy[i - 1] = data[i];
	/* as cmd_inspect does: every frame reaches the tracker, decoded or not */
	decode_packet(&ctx, dlt, copy, size - 1, (uint32_t)(size - 1), &p);
	now_us += 1000 + data[0] * 100000ull;
	reasm_packet(reasm, &p, now_us);
	free(copy);
	return 0;
}
