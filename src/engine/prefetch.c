/* prefetch.c - packets read and decoded a batch ahead (see prefetch.h).
 *
 * A ring (lib/ring.h) of PF_DEPTH batches; each holds up to PF_BATCH
 * packets copied into its own PF_ARENA bytes (a packet is at most 262144
 * bytes, so one always fits in an empty batch). The thread fills a free
 * batch and hands it over; the caller hands it back when it has taken
 * every packet in it.
 */
#include "engine/prefetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/thread.h"
#include "lib/ring.h"

#define PF_DEPTH 4
#define PF_BATCH 512
#define PF_ARENA (1u << 20)

struct pf_batch {
	struct pf_packet pk[PF_BATCH];
	size_t n;
	int end;            /* the source ends after these packets */
	int status;         /* then: CAP_END or CAP_ERROR */
	long long offset;   /* file offset after the last packet */
	uint8_t *data;
};

struct prefetch {
	struct cap_source *s;
	int decode, dlt;
	int stream;         /* cap_is_stream(): batches handed on before a wait */
	uint64_t limit, count;
	volatile sig_atomic_t *stop;
	struct dec_ctx dec;
	struct engine_thread *thread;
	struct ring ring;
	char err[2048];
	struct pf_batch b[PF_DEPTH];
	/* the caller's side */
	struct pf_batch *cur;
	size_t next;
	long long offset;
	int ended;               /* the last batch (with end set) was taken */
	int status;
};

static void *pf_main(void *arg)
{
	struct prefetch *pf = arg;
	struct cap_packet cp;
	int pending = 0; /* cp holds a packet that did not fit the last batch */
	for (;;) {
		int slot = ring_acquire(&pf->ring);
		if (slot < 0) /* the caller has finished */
			return NULL;
		struct pf_batch *b = &pf->b[slot];
		b->n = 0;
		b->end = 0;
		size_t used = 0;
		while (b->n < PF_BATCH) {
			if (!pending) {
				if ((pf->limit && pf->count >= pf->limit) ||
				    (pf->stop && __atomic_load_n(pf->stop, __ATOMIC_RELAXED))) {
					b->end = 1;
					b->status = CAP_END;
					break;
				}
				/* a stream that has nothing more now: what the
				 * batch has goes on before the wait (a pipe of
				 * tcpdump -U is read as it comes) */
				if (pf->stream && b->n && cap_would_block(pf->s))
					break;
				int r = cap_next(pf->s, &cp);
				if (r == CAP_TIMEOUT)
					continue;
				if (r != CAP_PACKET) {
					b->end = 1;
					b->status = r;
					if (r == CAP_ERROR)
						snprintf(pf->err, sizeof pf->err, "%s", cap_error(pf->s));
					break;
				}
				pf->count++;
			}
			if (cp.caplen > PF_ARENA - used) {
				pending = 1; /* into the next batch */
				break;
			}
			pending = 0;
			struct pf_packet *k = &b->pk[b->n++];
			memcpy(b->data + used, cp.data, cp.caplen);
			k->data = b->data + used;
			k->ts_us = cp.ts_us;
			k->caplen = cp.caplen;
			k->wirelen = cp.wirelen;
			used += (cp.caplen + 7u) & ~(size_t)7;
			if (pf->decode)
				decode_packet(&pf->dec, pf->dlt, k->data, k->caplen, k->wirelen, &k->p);
		}
		b->offset = cap_offset(pf->s);
		ring_publish(&pf->ring);
		if (b->end)
			return NULL;
	}
}

struct prefetch *prefetch_start(struct cap_source *s, int decode, uint64_t limit,
				volatile sig_atomic_t *stop)
{
	struct prefetch *pf = calloc(1, sizeof *pf);
	if (!pf)
		return NULL;
	pf->s = s;
	pf->decode = decode;
	pf->dlt = cap_datalink(s);
	pf->limit = limit;
	pf->stop = stop;
	pf->offset = -1;
	cap_set_stop(s, stop);
	pf->stream = cap_is_stream(s);
	for (int i = 0; i < PF_DEPTH; i++)
		if (!(pf->b[i].data = malloc(PF_ARENA)))
			goto fail;
	if (ring_init(&pf->ring, PF_DEPTH) < 0)
		goto fail;
	if (!(pf->thread = engine_thread_start("alfoil-decode", pf_main, pf))) {
		ring_destroy(&pf->ring);
		goto fail;
	}
	return pf;
fail:
	for (int i = 0; i < PF_DEPTH; i++)
		free(pf->b[i].data);
	free(pf);
	return NULL;
}

const struct pf_packet *prefetch_next(struct prefetch *pf)
{
	for (;;) {
		if (pf->cur && pf->next < pf->cur->n)
			return &pf->cur->pk[pf->next++];
		if (pf->ended)
			return NULL;
		if (pf->cur) {
			if (pf->cur->end) { /* the last batch: keep it, report its end */
				pf->ended = 1;
				pf->status = pf->cur->status;
				return NULL;
			}
			ring_release(&pf->ring);
		}
		/* never -1: only prefetch_finish() closes the ring, and the
		 * thread's last batch has end set */
		pf->cur = &pf->b[ring_next(&pf->ring)];
		pf->next = 0;
		pf->offset = pf->cur->offset;
	}
}

long long prefetch_offset(const struct prefetch *pf)
{
	return pf->offset;
}

int prefetch_finish(struct prefetch *pf, struct dec_stats *stats, char *err, size_t errlen)
{
	ring_close(&pf->ring);
	engine_thread_join(pf->thread);
	int status = pf->ended ? pf->status : CAP_END;
	if (status == CAP_ERROR && err)
		snprintf(err, errlen, "%s", pf->err);
	for (int i = 0; i < DC__COUNT; i++)
		stats->n[i] += pf->dec.stats.n[i];
	ring_destroy(&pf->ring);
	for (int i = 0; i < PF_DEPTH; i++)
		free(pf->b[i].data);
	free(pf);
	return status;
}
