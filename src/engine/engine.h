/* engine.h - the loop: sources -> decode -> reasm -> track, and the tick.
 *
 * The engine reads its inputs in turn, files through the prefetch stage
 * (prefetch.h: read and decoded a batch ahead on a thread of their own)
 * or one live interface on this thread; every packet goes through the
 * reassembler (fragments) to the tracker. Time moves without packets too:
 * a tick runs at least once a second of engine time, which is packet time
 * for files and the wall clock live (on every poll timeout of a quiet
 * link as well), and expires what is due.
 *
 * Snapshots on a schedule: every so many packets and/or seconds of engine
 * time, between two packets, the engine takes tracker_snapshot() and
 * hands it, in order, through a ring (lib/ring.h) to a worker thread it
 * starts at the first one (live, that is after root was given up); the
 * callback runs there and owns the snapshot. A file waits for the worker
 * when the ring is full; live, the snapshot is skipped then (counted),
 * so that the packets are not left to the kernel's buffer.
 *
 * Every thread of alfoil is started through engine/thread.h. The tracker
 * is the engine's and is read only by its thread (engine_tracker() after
 * engine_run(); snapshots for the rest).
 *
 * Signals: engine_run() catches SIGINT, SIGTERM and SIGHUP; each stops
 * the reading (a live capture drains what the kernel holds first) and
 * engine_run() returns what was read.
 */
#ifndef ALFOIL_ENGINE_ENGINE_H
#define ALFOIL_ENGINE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"
#include "reasm/reasm.h"
#include "track/snapshot.h"
#include "track/tracker.h"

/* One input, as it went. */
struct engine_input {
	const char *name;      /* file path, "-", or interface */
	const char *linktype;  /* libpcap's name; NULL when never opened */
	uint64_t packets;
	int error;             /* the input ended early, or could not be opened */
	char message[512];     /* why, naming file and packet */
	int live;
	uint64_t received, dropped, if_dropped; /* live only */
};

struct engine_config {
	const char *const *files; /* files in order ("-": standard input) */
	size_t n_files;
	const char *iface;        /* or one interface, live */
	const char *filter;       /* BPF, or NULL */
	uint64_t count;           /* stop after this many packets, 0 = all */
	double duration;          /* live: seconds, 0 = until stopped */
	int quiet;                /* no warnings on stderr */
	int progress;             /* a progress line on stderr */
	struct tracker_config track;
	struct reasm_config frag;
	/* live: the interface is open and no packet read yet (the caller
	 * gives up root here); 0 read it, -1 do not (the message printed).
	 * NULL: read it. */
	int (*live_opened)(void *ctx, const char *iface);
	void *ctx;
	/* snapshots: every snap_packets packets and/or snap_seconds of engine
	 * time (0: not by that); on_snapshot(snap_ctx, s) on the worker, which
	 * frees s (snapshot_free()). NULL: no snapshots. */
	uint64_t snap_packets;
	uint32_t snap_seconds;
	void (*on_snapshot)(void *ctx, struct snapshot *s);
	void *snap_ctx;
};

/* What a run read. */
struct engine_result {
	struct engine_input *inputs;
	size_t n_inputs;
	size_t opened;                   /* inputs that could be opened */
	int bad_input;                   /* one ended early or was not read */
	uint64_t total, undecoded;       /* packets */
	uint64_t first_us, last_us;      /* packet times */
	uint64_t started_us;             /* monotonic clock, when reading began */
	uint64_t ticks;
	uint64_t snapshots;          /* handed to the worker */
	uint64_t snapshots_skipped;  /* live: the worker was behind */
	uint64_t snapshots_failed;   /* no memory for one */
};

struct engine;

/* NULL when memory cannot be had. cfg is copied; the strings it points
 * to must outlive the engine. */
struct engine *engine_new(const struct engine_config *cfg);
void engine_free(struct engine *e);

/* Read every input to its end (or the count, the duration, a signal).
 * Errors are printed as they come (a bad input is named and the rest
 * read). 0, or -1 when no input could be opened. Once only. */
int engine_run(struct engine *e);

const struct engine_result *engine_result(const struct engine *e);
const struct tracker *engine_tracker(const struct engine *e);
const struct dec_stats *engine_dec_stats(const struct engine *e);

/* Stop reading, as a signal does (async-signal-safe). */
void engine_stop(void);

/* The monotonic clock in microseconds (progress, timings). */
uint64_t engine_clock_us(void);

#endif
