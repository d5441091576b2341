/* engine.c - the loop: sources -> decode -> reasm -> track, and the tick
 * (engine.h). */
#include "engine/engine.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/capture.h"
#include "engine/prefetch.h"
#include "engine/thread.h"
#include "lib/cli.h"
#include "lib/fmt.h"
#include "lib/ring.h"
#include "lib/utf8.h"

static volatile sig_atomic_t stop_requested;
static struct cap_source *volatile live_source;

void engine_stop(void)
{
	stop_requested = 1;
	if (live_source)
		cap_breakloop(live_source);
}

static void on_signal(int sig)
{
	(void)sig;
	engine_stop();
}

/* SIGINT, SIGTERM and SIGHUP (a closed terminal, a service manager's
 * reload): stop reading and return what was read. */
static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

uint64_t engine_clock_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The wall clock, as live packets are stamped. */
static uint64_t wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#define TICK_US 1000000u /* the tick runs at least once a second */
#define SNAP_DEPTH 2     /* snapshots waiting for the worker, at most */

struct engine {
	struct engine_config cfg;
	struct tracker *t;
	struct reasm *ra;    /* fragments, between decode and the tracker */
	uint64_t frag_due;   /* until then only fragments need it (reasm.h) */
	uint64_t tick_at;    /* engine time of the last tick */
	struct dec_ctx dec;
	struct engine_result res;
	uint64_t last_progress;
	int progress_shown;
	int ran;
	int live;
	/* snapshots */
	uint64_t snap_at;      /* packet count of the next one (UINT64_MAX: none) */
	uint64_t snap_due_us;  /* engine time of the next one (0: not set) */
	struct ring snap_ring;
	int snap_ring_ok;
	struct snapshot *snap_slot[SNAP_DEPTH];
	struct engine_thread *snap_worker;
	int snap_inline;       /* no worker could be had: the callback runs here */
};

static void track_view(void *tracker, const struct pkt *p, uint64_t ts_us)
{
	tracker_packet(tracker, p, ts_us);
}

struct engine *engine_new(const struct engine_config *cfg)
{
	struct engine *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->cfg = *cfg;
	size_t n = cfg->iface ? 1 : cfg->n_files;
	e->t = tracker_new(&cfg->track);
	e->ra = e->t ? reasm_new(&cfg->frag, &e->dec, track_view, e->t) : NULL;
	e->res.inputs = calloc(n ? n : 1, sizeof *e->res.inputs);
	if (!e->t || !e->ra || !e->res.inputs) {
		engine_free(e);
		return NULL;
	}
	e->frag_due = UINT64_MAX;
	e->live = cfg->iface != NULL;
	e->snap_at = cfg->on_snapshot && cfg->snap_packets ? cfg->snap_packets : UINT64_MAX;
	if (cfg->on_snapshot) {
		if (ring_init(&e->snap_ring, SNAP_DEPTH) < 0) {
			engine_free(e);
			return NULL;
		}
		e->snap_ring_ok = 1;
	}
	return e;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	if (e->snap_ring_ok) {
		ring_close(&e->snap_ring);
		if (e->snap_worker)
			engine_thread_join(e->snap_worker);
		ring_destroy(&e->snap_ring);
	}
	reasm_free(e->ra);
	tracker_free(e->t);
	free(e->res.inputs);
	free(e);
}

const struct engine_result *engine_result(const struct engine *e)
{
	return &e->res;
}

const struct tracker *engine_tracker(const struct engine *e)
{
	return e->t;
}

const struct dec_stats *engine_dec_stats(const struct engine *e)
{
	return &e->dec.stats;
}

/* The snapshot worker: each snapshot in turn to the callback, which owns
 * it. Ends when the ring is closed and empty. */
static void *snap_main(void *arg)
{
	struct engine *e = arg;
	int k;
	while ((k = ring_next(&e->snap_ring)) >= 0) {
		struct snapshot *s = e->snap_slot[k];
		ring_release(&e->snap_ring);
		e->cfg.on_snapshot(e->cfg.snap_ctx, s);
	}
	return NULL;
}

/* A snapshot now, between two packets, to the worker (started at the
 * first: live, root is gone by then and the worker shares nothing of the
 * drop). */
static void snapshot_now(struct engine *e)
{
	if (!e->snap_worker && !e->snap_inline &&
	    !(e->snap_worker = engine_thread_start("alfoil-snap", snap_main, e)))
		e->snap_inline = 1;
	if (e->snap_inline) {
		struct snapshot *s = tracker_snapshot(e->t);
		if (!s) {
			e->res.snapshots_failed++;
			return;
		}
		e->res.snapshots++;
		e->cfg.on_snapshot(e->cfg.snap_ctx, s);
		return;
	}
	int k = e->live ? ring_try_acquire(&e->snap_ring) : ring_acquire(&e->snap_ring);
	if (k < 0) {
		e->res.snapshots_skipped++;
		return;
	}
	struct snapshot *s = tracker_snapshot(e->t);
	if (!s) { /* the slot stays free: the next acquire returns it again */
		e->res.snapshots_failed++;
		return;
	}
	e->snap_slot[k] = s;
	ring_publish(&e->snap_ring);
	e->res.snapshots++;
}

/* Between two packets: the packet count of a snapshot reached. */
static void snapshot_by_count(struct engine *e)
{
	e->snap_at += e->cfg.snap_packets;
	snapshot_now(e);
}

/* Time has come to now_us (never less than the last): what is due
 * expires (fragments, then the tracker's idle entries, in bounded steps:
 * tracker.h), and a snapshot is taken when one is due by time. Files: at
 * packet time, before the packet that brought it; live: at the wall
 * clock. */
static void tick(struct engine *e, uint64_t now_us)
{
	e->tick_at = now_us;
	e->res.ticks++;
	e->frag_due = reasm_tick(e->ra, now_us);
	tracker_tick(e->t, now_us);
	if (e->cfg.on_snapshot && e->cfg.snap_seconds) {
		uint64_t every = (uint64_t)e->cfg.snap_seconds * 1000000u;
		if (!e->snap_due_us) { /* the first tick */
			e->snap_due_us = now_us + every;
		} else if (now_us >= e->snap_due_us) {
			e->snap_due_us = now_us + every;
			snapshot_now(e);
		}
	}
}

/* A file's clock is its packets': a tick when a packet is a second past
 * the last tick. Engine time never goes back: a packet stamped before the
 * last tick (a capture whose clock went back) moves nothing. One compare
 * on the way of every packet. */
static inline void packet_clock(struct engine *e, uint64_t ts_us)
{
	if (ts_us >= e->tick_at + TICK_US)
		tick(e, ts_us);
}

/* Live, the wall clock: on every wait that came back empty (idle set),
 * else once a second; a clock set back holds engine time where it was. */
static void wall_clock(struct engine *e, int idle)
{
	uint64_t now = wall_us();
	if (now < e->tick_at)
		now = e->tick_at;
	if (idle || now >= e->tick_at + TICK_US)
		tick(e, now);
}

static void progress(struct engine *e, struct cap_source *s, long long off, size_t i, size_t n)
{
	uint64_t now = engine_clock_us();
	if (now - e->res.started_us < 1000000u || now - e->last_progress < 250000u)
		return;
	e->last_progress = now;
	e->progress_shown = 1;
	char a[32];
	double rate = (double)e->res.total / ((double)(now - e->res.started_us) / 1e6);
	long long size = cap_size(s);
	/* the file's name made safe to show (lib/utf8.h): a name in a
	 * directory is whatever whoever wrote the file chose */
	char shown[256];
	size_t nl = strlen(cap_name(s));
	nl = utf8_clean(shown, cap_name(s), nl < sizeof shown ? nl : sizeof shown, 0);
	fprintf(stderr, "\r\033[K[%zu/%zu] %.*s", i + 1, n, (int)nl, shown);
	if (off >= 0 && size > 0)
		fprintf(stderr, " %3.0f%%", 100.0 * (double)off / (double)size);
	fprintf(stderr, "  %s packets  %.0fk pkt/s", fmt_count(a, e->res.total), rate / 1000);
}

/* One packet, read and perhaps decoded before (p NULL: not decodable). */
static inline void take(struct engine *e, struct engine_input *in, uint64_t ts_us, const struct pkt *p)
{
	e->res.total++;
	in->packets++;
	if (!e->res.first_us || ts_us < e->res.first_us)
		e->res.first_us = ts_us;
	if (ts_us > e->res.last_us)
		e->res.last_us = ts_us;
	if (!p)
		e->res.undecoded++;
	else if (p->frag != FRAG_NONE || ts_us >= e->frag_due)
		e->frag_due = reasm_packet(e->ra, p, ts_us);
	else
		tracker_packet(e->t, p, ts_us);
}

/* Note the link type of s in its input, with a warning when it is not
 * decoded; returns whether it is. */
static int note_linktype(const struct engine *e, struct cap_source *s, struct engine_input *in)
{
	int dlt = cap_datalink(s);
	int decodable = decode_linktype_supported(dlt);
	in->linktype = cap_datalink_name(s);
	if (!decodable && !e->cfg.quiet)
		cli_warn("%s: link type %s (%d) is not decoded; its packets are "
				"counted only", cap_name(s), in->linktype, dlt);
	return decodable;
}

/* Live, once told to stop (a signal, --duration): what the kernel holds
 * already is read too. A partly filled block of the capture ring is handed
 * over within one read timeout (100 ms), so reading goes on until a wait
 * for packets comes back empty DRAIN_MIN_US after the stop, and for
 * DRAIN_MAX_US at most (a flood never lets it go quiet). */
#define DRAIN_MIN_US 250000u
#define DRAIN_MAX_US 1000000u

/* Read one source to its end on this thread; returns 0, or -1 when it
 * ended in error. Live, the tick runs on every wait that came back empty
 * (a poll timeout, 100 ms) and once a second of the wall clock
 * otherwise. */
static int pump(struct engine *e, struct cap_source *s, struct engine_input *in, size_t i, size_t n)
{
	const struct engine_config *c = &e->cfg;
	int dlt = cap_datalink(s);
	int decodable = note_linktype(e, s, in);
	struct cap_packet cp;
	struct pkt p;
	uint64_t deadline = c->duration > 0 ? engine_clock_us() + (uint64_t)(c->duration * 1e6) : 0;
	uint64_t drain_from = 0; /* live, told to stop: since when */
	int show = c->progress;
	for (;;) {
		if (c->count && e->res.total >= c->count)
			break;
		if (!drain_from && (stop_requested || (deadline && engine_clock_us() >= deadline))) {
			if (!in->live)
				break;
			drain_from = engine_clock_us();
		}
		if (drain_from && engine_clock_us() >= drain_from + DRAIN_MAX_US)
			break;
		int rc = cap_next(s, &cp);
		if (rc == CAP_TIMEOUT && in->live)
			wall_clock(e, 1);
		if (rc == CAP_TIMEOUT && drain_from && engine_clock_us() >= drain_from + DRAIN_MIN_US)
			break;
		if (rc == CAP_TIMEOUT || (rc == CAP_END && in->live && stop_requested))
			continue; /* live, CAP_END is a signal's breakloop: drain */
		if (rc == CAP_END)
			break;
		if (rc == CAP_ERROR) {
			in->error = 1;
			snprintf(in->message, sizeof in->message, "%s", cap_error(s));
			return -1;
		}
		if (in->live)
			wall_clock(e, 0);
		else
			packet_clock(e, cp.ts_us);
		if (decodable)
			decode_packet(&e->dec, dlt, cp.data, cp.caplen, cp.wirelen, &p);
		take(e, in, cp.ts_us, decodable ? &p : NULL);
		if (e->res.total >= e->snap_at)
			snapshot_by_count(e);
		if (show && (e->res.total & 0xffff) == 0)
			progress(e, s, cap_offset(s), i, n);
	}
	return 0;
}

/* A file, read and decoded a batch ahead on a second thread (prefetch.h);
 * the same as pump() otherwise. Returns 0, -1 when it ended in error, or 1
 * when no thread could be had (pump() then reads it). */
static int pump_file(struct engine *e, struct cap_source *s, struct engine_input *in, size_t i, size_t n)
{
	const struct engine_config *c = &e->cfg;
	int decodable = decode_linktype_supported(cap_datalink(s));
	struct prefetch *pf = NULL;
	if (!(c->count && e->res.total >= c->count) &&
	    !(pf = prefetch_start(s, decodable, c->count ? c->count - e->res.total : 0, &stop_requested)))
		return 1;
	note_linktype(e, s, in); /* as pump() does, even with nothing left to read */
	if (!pf)
		return 0;
	int show = c->progress;
	const struct pf_packet *k;
	while (!stop_requested && (k = prefetch_next(pf))) {
		packet_clock(e, k->ts_us);
		take(e, in, k->ts_us, decodable ? &k->p : NULL);
		if (e->res.total >= e->snap_at)
			snapshot_by_count(e);
		if (show && (e->res.total & 0xffff) == 0)
			progress(e, s, prefetch_offset(pf), i, n);
	}
	if (prefetch_finish(pf, &e->dec.stats, in->message, sizeof in->message) == CAP_ERROR) {
		in->error = 1;
		return -1;
	}
	return 0;
}

/* One input: opened, read, its capture counters noted, closed. */
static void run_input(struct engine *e, size_t i, size_t n)
{
	const struct engine_config *c = &e->cfg;
	char err[2048];
	struct engine_input *in = &e->res.inputs[e->res.n_inputs++];
	const char *name = c->iface ? c->iface : c->files[i];
	in->name = name;
	in->live = c->iface != NULL;
	struct cap_source *s = c->iface ? cap_open_live(name, c->filter, err, sizeof err)
					: cap_open_file(name, c->filter, err, sizeof err);
	if (!s) {
		in->error = 1;
		snprintf(in->message, sizeof in->message, "%.500s", err);
		cli_error("%s", err);
		e->res.bad_input = 1;
		return;
	}
	if (c->iface && c->live_opened && c->live_opened(c->ctx, name) < 0) {
		cap_close(s);
		e->res.bad_input = 1;
		return;
	}
	e->res.opened++;
	live_source = c->iface ? s : NULL;
	int pr = 1;
	if (!c->iface) {
		cap_read_ahead(s, &engine_spawner);
		pr = pump_file(e, s, in, i, n);
	}
	if (pr > 0)
		pr = pump(e, s, in, i, n);
	if (pr < 0) {
		e->res.bad_input = 1;
		if (e->progress_shown)
			fputs("\r\033[K", stderr);
		cli_error("%s (reporting what was read before it)", in->message);
	}
	struct cap_stats cs;
	if (cap_get_stats(s, &cs) == 0) {
		in->received = cs.received;
		in->dropped = cs.dropped;
		in->if_dropped = cs.if_dropped;
		if (!c->quiet)
			fprintf(stderr, "%s: capture: %llu packets received, %llu dropped by kernel, "
					"%llu dropped by interface\n", cli_prog(),
				(unsigned long long)cs.received, (unsigned long long)cs.dropped,
				(unsigned long long)cs.if_dropped);
	}
	live_source = NULL;
	cap_close(s);
}

int engine_run(struct engine *e)
{
	if (e->ran)
		return -1;
	e->ran = 1;
	catch_signals();
	e->res.started_us = engine_clock_us();
	size_t n = e->cfg.iface ? 1 : e->cfg.n_files;
	for (size_t i = 0; i < n && !stop_requested; i++)
		run_input(e, i, n);
	if (e->progress_shown)
		fputs("\r\033[K", stderr);
	reasm_finish(e->ra); /* datagrams left incomplete still count */
	if (e->snap_worker) { /* every snapshot handed over is seen to */
		ring_close(&e->snap_ring);
		engine_thread_join(e->snap_worker);
		e->snap_worker = NULL;
		e->snap_inline = 1; /* no more to the worker */
	}
	return e->res.opened ? 0 : -1;
}
