/* spawn.h - how a layer below engine/ asks for a thread.
 *
 * Threads are started in one place, engine/thread.c; capture/ (the
 * read-ahead of a file) and output/ (the JSON writer's helper) are handed
 * this hook by whoever wires them, and do the work on the caller's thread
 * when they get none (a NULL hook, or start returning NULL).
 */
#ifndef ALFOIL_LIB_SPAWN_H
#define ALFOIL_LIB_SPAWN_H

struct spawner {
	/* fn(arg) on a thread of its own, named name (at most 15 bytes
	 * shown); a handle for join, or NULL when no thread can be had */
	void *(*start)(const char *name, void *(*fn)(void *), void *arg);
	/* wait for it to return and free the handle */
	void (*join)(void *handle);
};

#endif
