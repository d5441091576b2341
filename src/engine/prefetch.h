/* prefetch.h - packets of a capture file read and decoded a batch ahead,
 * on a thread of their own (engine/prefetch.c).
 *
 * The thread runs cap_next() and decode_packet() (capture -> decode, as
 * ever) into batches of copied packets; the caller takes them in order and
 * tracks them. The flow of data is unchanged: only the first two steps run
 * on the second CPU. Files only: a live capture is read by the caller.
 */
#ifndef ALFOIL_ENGINE_PREFETCH_H
#define ALFOIL_ENGINE_PREFETCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "decode/decode.h"

struct pf_packet {
	uint64_t ts_us;
	uint32_t caplen, wirelen;
	const uint8_t *data; /* a copy, valid until the next prefetch_next() */
	struct pkt p;        /* decoded when prefetch_start() was asked to */
};

struct prefetch;

/* Start reading s. decode: run decode_packet() on every packet; limit:
 * read at most this many packets (0: all); stop: checked between packets,
 * set by a signal handler. NULL when no thread can be had. */
struct prefetch *prefetch_start(struct cap_source *s, int decode, uint64_t limit,
				volatile sig_atomic_t *stop);

/* The next packet, or NULL at the end of what will be read. */
const struct pf_packet *prefetch_next(struct prefetch *pf);

/* Bytes of the file read up to the packets handed out so far (progress). */
long long prefetch_offset(const struct prefetch *pf);

/* Stop the thread (when the caller stops early) and free everything. The
 * decoder's counters are added to stats. Returns CAP_END, or CAP_ERROR
 * with cap_error()'s message copied to err. */
int prefetch_finish(struct prefetch *pf, struct dec_stats *stats, char *err, size_t errlen);

#endif
