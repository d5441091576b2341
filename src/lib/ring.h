/* ring.h - a bounded hand-over from one producer thread to one consumer
 * thread, in order.
 *
 * The ring counts slots; the caller keeps the slots themselves (an array
 * of depth items of any type: blocks of a file, batches of packets,
 * pointers to snapshots) and indexes it with what the ring returns. The
 * producer acquires a free slot, fills it and publishes it; the consumer
 * takes the next filled one, uses it and releases it. Each side waits
 * when the other is behind: memory is the depth, whatever the rates.
 * `produced` and `consumed` count slots and only grow.
 *
 * Either side may close the ring: the producer when it has nothing more
 * (the consumer still gets what was published, then -1), the consumer
 * when it stops early (the producer's next acquire is -1). One mutex and
 * two condition variables: the ring is meant for hand-overs of whole
 * batches, not of single packets.
 */
#ifndef ALFOIL_LIB_RING_H
#define ALFOIL_LIB_RING_H

#include <pthread.h>
#include <stdint.h>

struct ring {
	pthread_mutex_t mu;
	pthread_cond_t filled, freed;
	uint64_t produced, consumed;
	uint32_t depth;
	int closed;
};

/* depth slots, at least 1. 0, or -1 when the mutex or the condition
 * variables cannot be had. */
int ring_init(struct ring *r, uint32_t depth);
void ring_destroy(struct ring *r);

/* Producer: the index of a free slot (waiting while all are full), or -1
 * once the ring is closed. The slot is the producer's until published. */
int ring_acquire(struct ring *r);
/* The same without waiting: -1 too when every slot is full. */
int ring_try_acquire(struct ring *r);
/* Hand the acquired slot over. */
void ring_publish(struct ring *r);

/* Consumer: the index of the next filled slot (waiting while there is
 * none), or -1 when the ring is closed and every published slot taken.
 * The slot is the consumer's until released. */
int ring_next(struct ring *r);
/* Give the slot taken by ring_next() back to the producer. */
void ring_release(struct ring *r);

/* No more hand-overs: wakes the side that waits. */
void ring_close(struct ring *r);

#endif
