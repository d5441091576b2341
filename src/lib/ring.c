/* ring.c - a bounded single-producer single-consumer hand-over (ring.h). */
#include "lib/ring.h"

int ring_init(struct ring *r, uint32_t depth)
{
	r->produced = r->consumed = 0;
	r->depth = depth ? depth : 1;
	r->closed = 0;
	if (pthread_mutex_init(&r->mu, NULL) != 0)
		return -1;
	if (pthread_cond_init(&r->filled, NULL) != 0) {
		pthread_mutex_destroy(&r->mu);
		return -1;
	}
	if (pthread_cond_init(&r->freed, NULL) != 0) {
		pthread_cond_destroy(&r->filled);
		pthread_mutex_destroy(&r->mu);
		return -1;
	}
	return 0;
}

void ring_destroy(struct ring *r)
{
	pthread_cond_destroy(&r->freed);
	pthread_cond_destroy(&r->filled);
	pthread_mutex_destroy(&r->mu);
}

static int acquire(struct ring *r, int wait)
{
	pthread_mutex_lock(&r->mu);
	while (wait && !r->closed && r->produced - r->consumed >= r->depth)
		pthread_cond_wait(&r->freed, &r->mu);
	int i = r->closed || r->produced - r->consumed >= r->depth ? -1 : (int)(r->produced % r->depth);
	pthread_mutex_unlock(&r->mu);
	return i;
}

int ring_acquire(struct ring *r)
{
	return acquire(r, 1);
}

int ring_try_acquire(struct ring *r)
{
	return acquire(r, 0);
}

void ring_publish(struct ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->produced++;
	pthread_cond_signal(&r->filled);
	pthread_mutex_unlock(&r->mu);
}

int ring_next(struct ring *r)
{
	pthread_mutex_lock(&r->mu);
	while (!r->closed && r->produced == r->consumed)
		pthread_cond_wait(&r->filled, &r->mu);
	int i = r->produced == r->consumed ? -1 : (int)(r->consumed % r->depth);
	pthread_mutex_unlock(&r->mu);
	return i;
}

void ring_release(struct ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->consumed++;
	pthread_cond_signal(&r->freed);
	pthread_mutex_unlock(&r->mu);
}

void ring_close(struct ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->closed = 1;
	pthread_cond_broadcast(&r->filled);
	pthread_cond_broadcast(&r->freed);
	pthread_mutex_unlock(&r->mu);
}
