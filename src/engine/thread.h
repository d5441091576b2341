/* thread.h - every thread of alfoil is started here (engine/thread.c).
 *
 * One place, so that what runs beside the packet thread is listed once:
 * the capture read-ahead (capture/), the prefetch stage (engine/
 * prefetch.c), the snapshot worker (engine/engine.c), the loading of the
 * intel/ data (cmd_inspect.c) and the JSON writer's helper (output/json.c,
 * through the hook of lib/spawn.h). Threads share nothing with the packet
 * thread but a hand-over (lib/ring.h) or data that is read-only while
 * they run.
 */
#ifndef ALFOIL_ENGINE_THREAD_H
#define ALFOIL_ENGINE_THREAD_H

#include "lib/spawn.h"

struct engine_thread;

/* fn(arg) on a new thread named name (shown by ps and top; cut to 15
 * bytes). NULL when no thread can be had: the caller then does the work
 * itself. */
struct engine_thread *engine_thread_start(const char *name, void *(*fn)(void *), void *arg);
/* Wait for it; returns what fn returned. t is freed. */
void *engine_thread_join(struct engine_thread *t);

/* The same two as the hook lower layers take. */
extern const struct spawner engine_spawner;

#endif
