/* thread.c - the one place threads are started (thread.h). */
#include "engine/thread.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct engine_thread {
	pthread_t id;
};

struct engine_thread *engine_thread_start(const char *name, void *(*fn)(void *), void *arg)
{
	struct engine_thread *t = malloc(sizeof *t);
	if (!t)
		return NULL;
	if (pthread_create(&t->id, NULL, fn, arg) != 0) {
		free(t);
		return NULL;
	}
	if (name) { /* Linux takes 15 bytes and the NUL */
		char n[16];
		size_t len = strlen(name);
		if (len > 15)
			len = 15;
		memcpy(n, name, len);
		n[len] = '\0';
		pthread_setname_np(t->id, n);
	}
	return t;
}

void *engine_thread_join(struct engine_thread *t)
{
	void *ret = NULL;
	pthread_join(t->id, &ret);
	free(t);
	return ret;
}

static void *spawn_start(const char *name, void *(*fn)(void *), void *arg)
{
	return engine_thread_start(name, fn, arg);
}

static void spawn_join(void *handle)
{
	engine_thread_join(handle);
}

const struct spawner engine_spawner = { spawn_start, spawn_join };
