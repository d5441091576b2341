/* engine.h - the loop: sources -> decode -> reasm -> track, and the tick.
 *
 * The engine reads its inputs in turn, files through the prefetch stage
 * (prefetch.h: read and decoded a batch ahead on a thread of their own),
 * or live interfaces, one or several at once, on this thread (one poll(2)
 * over all of them, each packet taken as it is read); every packet goes
 * through the reassembler (fragments) to the tracker. Time moves without packets too:
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
 * Live robustness (persist, for a daemon): an interface that is not there
 * at the start, goes down or disappears is logged and opened again with
 * a backoff (engine_backoff_s()); the others go on, and so does the tick
 * while all are down. Without persist an interface that fails ends (it
 * is named; the others go on) and the run ends when none is left.
 * libpcap's drop counters are read every stats_interval_s of the wall
 * clock per interface, added up over its opens, and handed to on_stats.
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
	/* files: the first packet's fingerprint (engine_config.resume) and
	 * the packets skipped from the start (a database had them) */
	uint64_t fingerprint, skipped;
	/* live only: libpcap's counters summed over every open of it */
	uint64_t received, dropped, if_dropped;
	uint64_t opens;        /* live: times it was opened */
	uint64_t losses;       /* live: times it failed, went down or disappeared while open */
};

/* The log callback's levels. */
enum { ENGINE_LOG_ERROR = 0, ENGINE_LOG_WARN = 1, ENGINE_LOG_INFO = 2, ENGINE_LOG_DEBUG = 3 };

#define ENGINE_STATS_INTERVAL_S 60 /* drop counters read this often (wall clock) */
#define ENGINE_BACKOFF_MAX_S 60    /* reopen attempts at most this far apart */

struct engine_mark;

struct engine_config {
	const char *const *files; /* files in order ("-": standard input) */
	size_t n_files;
	const char *iface;        /* or one interface, live */
	const char *const *ifaces; /* or several interfaces, live, at once */
	size_t n_ifaces;          /* (iface and ifaces together: iface first) */
	const char *filter;       /* BPF, or NULL */
	unsigned buffer_mib;      /* live: capture buffer per interface, MiB (0: CAP_BUFFER_MIB, 32) */
	unsigned timeout_ms;      /* live: packets handed on this soon at the latest (0: CAP_TIMEOUT_MS, 100) */
	/* live, a daemon: an interface that cannot be opened, goes down or
	 * disappears is opened again (engine_backoff_s()), never an end of
	 * the run; engine_run() returns 0 however that went */
	int persist;
	uint64_t count;           /* stop after this many packets, 0 = all */
	double duration;          /* live: seconds, 0 = until stopped */
	int quiet;                /* no warnings on stderr */
	int progress;             /* a progress line on stderr */
	struct tracker_config track;
	struct reasm_config frag;
	/* live: every interface was tried once, no packet read yet (the
	 * caller gives up root here); iface is the first one open (persist
	 * with none open: the first named). Once per run: a reopen later is
	 * made with the rights left then (it needs CAP_NET_RAW; without it
	 * the attempts fail and are retried). 0 read, -1 do not (the message
	 * printed). NULL: read. */
	int (*live_opened)(void *ctx, const char *iface);
	void *ctx;                /* for live_opened, log and on_stats */
	/* messages (an interface lost, reopened, a link type not decoded,
	 * errors), a line without the newline at ENGINE_LOG_*; NULL: on
	 * stderr as cli_error()/cli_warn() (info with the program's name,
	 * debug not at all; quiet leaves only errors) */
	void (*log)(void *ctx, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
	/* live: libpcap's counters of iface, summed over its opens, every
	 * stats_interval_s (0: ENGINE_STATS_INTERVAL_S) of the wall clock
	 * while it is open, and once more at the end of the run. NULL: none.
	 * log and on_stats run on the engine's thread between two packets:
	 * keep them short (no database write there; hand the numbers to the
	 * snapshot worker, which owns the disk). */
	void (*on_stats)(void *ctx, const char *iface, uint64_t received, uint64_t dropped, uint64_t if_dropped);
	/* persist: iface lost (down, gone, an error; why says it), on the
	 * engine's thread, before it is tried again. NULL: none. */
	void (*on_lost)(void *ctx, const char *iface, const char *why);
	uint32_t stats_interval_s;
	/* snapshots: every snap_packets packets and/or snap_seconds of engine
	 * time (0: not by that); on_snapshot(snap_ctx, s) on the worker, which
	 * frees s (snapshot_free()). NULL: no snapshots. */
	uint64_t snap_packets;
	uint32_t snap_seconds;
	void (*on_snapshot)(void *ctx, struct snapshot *s, const struct engine_mark *marks, size_t n_marks);
	void *snap_ctx;
	/* files: at the first packet of each, resume(snap_ctx, name,
	 * fingerprint) says how many of its first packets to skip, the
	 * fingerprint being that of the link type and the first packet (time,
	 * lengths, bytes): the same capture read again, or one that grew
	 * since, has the same. A file that a run read before with the same
	 * fingerprint has its packets skipped too (the same file named
	 * twice). Skipped packets are not tracked and do not move the clock.
	 * NULL: nothing skipped (nor fingerprinted). On the engine's thread. */
	uint64_t (*resume)(void *ctx, const char *name, uint64_t fingerprint);
};

/* Where the files were at a snapshot: each file begun so far with a
 * fingerprint, and how many of its packets (skipped or tracked) are in
 * the snapshot. Valid during the on_snapshot() call. */
struct engine_mark {
	const char *name;
	uint64_t fingerprint, packets;
};

/* What a run read. */
struct engine_result {
	struct engine_input *inputs;
	size_t n_inputs;
	size_t opened;                   /* inputs that could be opened */
	int bad_input;                   /* one ended early or was not read */
	uint64_t total, undecoded;       /* packets */
	uint64_t skipped;                /* packets skipped (engine_config.resume) */
	uint64_t first_us, last_us;      /* packet times */
	uint64_t started_us;             /* monotonic clock, when reading began */
	uint64_t ticks;
	uint64_t snapshots;          /* handed to the worker */
	uint64_t snapshots_skipped;  /* live: the worker was behind */
	uint64_t snapshots_failed;   /* no memory for one */
	uint64_t snap_wait_us;       /* a file: time the packets waited for the worker */
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
/* The marks (engine_config.resume) of the files begun so far, malloc'd,
 * *n of them (NULL and 0: none, or no memory); on the engine's thread, or
 * after engine_run() (then those of the whole run). */
struct engine_mark *engine_marks(const struct engine *e, size_t *n);

/* The reopen schedule (persist): seconds to wait before the next attempt
 * after `failures` failed ones in a row since the interface was last
 * open (0: the first attempt after a loss, or at the start): 1, 2, 4, 8,
 * 16, 32, then ENGINE_BACKOFF_MAX_S. A successful open starts it again. */
uint32_t engine_backoff_s(unsigned failures);

/* Stop reading, as a signal does (async-signal-safe). */
void engine_stop(void);

/* The monotonic clock in microseconds (progress, timings). */
uint64_t engine_clock_us(void);

#endif
