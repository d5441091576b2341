/* engine.c - the loop: sources -> decode -> reasm -> track, and the tick
 * (engine.h). */
#include "engine/engine.h"

#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/capture.h"
#include "engine/prefetch.h"
#include "engine/thread.h"
#include "lib/cli.h"
#include "lib/clock.h"
#include "lib/fmt.h"
#include "lib/ring.h"
#include "lib/siphash.h"
#include "lib/utf8.h"

static volatile sig_atomic_t stop_requested;

/* Live captures are read without blocking through a poll(2) of the
 * engine's that wakes at least every LIVE_WAIT_MS (a signal wakes it at
 * once): the flag is all a stop needs. */
void engine_stop(void)
{
	stop_requested = 1;
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
	return clock_mono_us();
}

#define TICK_US 1000000u /* the tick runs at least once a second */
#define SNAP_DEPTH 2     /* snapshots waiting for the worker, at most */

struct engine {
	struct engine_config cfg;
	struct tracker *t;
	struct reasm *ra;    /* fragments, between decode and the tracker */
	uint64_t frag_due;   /* until then only fragments need it (reasm.h) */
	uint64_t tick_at;    /* engine time of the last tick */
	uint64_t tick_next;  /* a file's next: a second on, or the snapshot due before */
	int clock_back;      /* a packet stamped before the last tick since the last snapshot */
	uint64_t idle_min_us; /* the shortest idle lifetime of the tracker (UINT64_MAX / 2: none) */
	struct dec_ctx dec;
	struct engine_result res;
	uint64_t last_progress;
	int progress_shown;
	int ran;
	int live;
	const char **live_names; /* live: the interfaces, iface first */
	size_t n_live;
	int refused;             /* live_opened() said no */
	/* snapshots */
	uint64_t snap_at;      /* packet count of the next one (UINT64_MAX: none) */
	uint64_t snap_due_us;  /* engine time of the next one (0: not set) */
	struct ring snap_ring;
	int snap_ring_ok;
	struct snapshot *snap_slot[SNAP_DEPTH];
	struct engine_mark *snap_marks[SNAP_DEPTH]; /* the files then (engine_mark) */
	size_t snap_n_marks[SNAP_DEPTH];
	/* the file being read: its first packet not seen yet (first), and
	 * packets still to skip */
	int first;
	uint64_t skip_left;
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
	size_t nl = (cfg->iface ? 1 : 0) + (cfg->ifaces ? cfg->n_ifaces : 0);
	size_t n = nl ? nl : cfg->n_files;
	e->t = tracker_new(&cfg->track);
	e->ra = e->t ? reasm_new(&cfg->frag, &e->dec, track_view, e->t) : NULL;
	e->res.inputs = calloc(n ? n : 1, sizeof *e->res.inputs);
	e->live_names = nl ? calloc(nl, sizeof *e->live_names) : NULL;
	if (!e->t || !e->ra || !e->res.inputs || (nl && !e->live_names)) {
		engine_free(e);
		return NULL;
	}
	if (cfg->iface)
		e->live_names[e->n_live++] = cfg->iface;
	for (size_t i = 0; cfg->ifaces && i < cfg->n_ifaces; i++)
		e->live_names[e->n_live++] = cfg->ifaces[i];
	e->frag_due = UINT64_MAX;
	e->live = nl > 0;
	uint32_t idle = tracker_idle_min_s(&cfg->track);
	e->idle_min_us = idle ? (uint64_t)idle * 1000000u : UINT64_MAX / 2;
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
	free(e->live_names);
	free(e);
}

uint32_t engine_backoff_s(unsigned failures)
{
	/* 1 s doubling: 2^5 = 32 is the last step below the cap */
	return failures < 6 ? 1u << failures : ENGINE_BACKOFF_MAX_S;
}

/* A message at level (ENGINE_LOG_*): the caller's log, else stderr as the
 * commands write it. */
static void elog(const struct engine *e, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void elog(const struct engine *e, int level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (e->cfg.log) {
		e->cfg.log(e->cfg.ctx, level, "%s", msg);
		return;
	}
	if (level == ENGINE_LOG_ERROR) {
		cli_error("%s", msg);
	} else if (!e->cfg.quiet && level == ENGINE_LOG_WARN) {
		cli_warn("%s", msg);
	} else if (!e->cfg.quiet && level == ENGINE_LOG_INFO) {
		/* an interface's name and libpcap's words: made safe to show,
		 * as cli_warn() does (lib/utf8.h) */
		char shown[sizeof msg];
		size_t n = utf8_clean(shown, msg, strlen(msg), 0);
		fprintf(stderr, "%s: %.*s\n", cli_prog(), (int)n, shown);
	}
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

struct engine_mark *engine_marks(const struct engine *e, size_t *n)
{
	*n = 0;
	if (e->live || !e->cfg.resume)
		return NULL;
	struct engine_mark *m = malloc((e->res.n_inputs ? e->res.n_inputs : 1) * sizeof *m);
	if (!m)
		return NULL;
	for (size_t i = 0; i < e->res.n_inputs; i++) {
		const struct engine_input *in = &e->res.inputs[i];
		if (in->fingerprint)
			m[(*n)++] = (struct engine_mark){ in->name, in->fingerprint, in->skipped + in->packets };
	}
	return m;
}

/* The snapshot worker: each snapshot in turn to the callback, which owns
 * it. Ends when the ring is closed and empty. */
static void *snap_main(void *arg)
{
	struct engine *e = arg;
	int k;
	while ((k = ring_next(&e->snap_ring)) >= 0) {
		struct snapshot *s = e->snap_slot[k];
		struct engine_mark *m = e->snap_marks[k];
		size_t nm = e->snap_n_marks[k];
		e->snap_marks[k] = NULL;
		ring_release(&e->snap_ring);
		e->cfg.on_snapshot(e->cfg.snap_ctx, s, m, nm);
		free(m);
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
		size_t nm;
		struct engine_mark *m = engine_marks(e, &nm);
		e->res.snapshots++;
		e->cfg.on_snapshot(e->cfg.snap_ctx, s, m, nm);
		free(m);
		return;
	}
	uint64_t t0 = e->live ? 0 : engine_clock_us();
	int k = e->live ? ring_try_acquire(&e->snap_ring) : ring_acquire(&e->snap_ring);
	if (!e->live)
		e->res.snap_wait_us += engine_clock_us() - t0;
	if (k < 0) {
		e->res.snapshots_skipped++;
		return;
	}
	struct snapshot *s = tracker_snapshot(e->t);
	size_t nm = 0;
	struct engine_mark *m = s ? engine_marks(e, &nm) : NULL;
	if (!s || (nm && !m)) { /* the slot stays free: the next acquire returns it again */
		snapshot_free(s);
		e->res.snapshots_failed++;
		return;
	}
	e->snap_slot[k] = s;
	e->snap_marks[k] = m;
	e->snap_n_marks[k] = nm;
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
	/* the snapshot due first, then the expiry: after a gap in the
	 * packets (a file's clock jumping ahead, a quiet link) the entries
	 * that go idle now must be in the snapshot with what they did since
	 * the last one, or a history made of snapshots loses it */
	if (e->cfg.on_snapshot && e->cfg.snap_seconds) {
		uint64_t every = (uint64_t)e->cfg.snap_seconds * 1000000u;
		/* at multiples of the interval since the epoch: with 3600 s,
		 * each snapshot the first after an hour began, so that every
		 * delta between two falls in one UTC hour */
		if (!e->snap_due_us) { /* the first tick */
			e->snap_due_us = now_us - now_us % every + every;
		} else if (now_us >= e->snap_due_us) {
			e->snap_due_us = now_us - now_us % every + every;
			e->clock_back = 0;
			snapshot_now(e);
		} else if (e->clock_back) {
			/* packets stamped before engine time (a file whose clock
			 * went back, a wall clock set back) made or moved entries
			 * that look idle already: the expiry below could drop
			 * them before the snapshot due, so one now (the entries
			 * changed after a snapshot are otherwise at least as
			 * recent as it, and none goes idle before the next one is
			 * due: the interval is at most the lifetimes) */
			e->clock_back = 0;
			snapshot_now(e);
		}
	}
	e->frag_due = reasm_tick(e->ra, now_us);
	tracker_tick(e->t, now_us);
	e->tick_next = now_us + TICK_US;
	if (e->snap_due_us && e->snap_due_us < e->tick_next)
		e->tick_next = e->snap_due_us;
}

/* A file's clock is its packets': a tick when a packet is a second past
 * the last tick, or reaches the time a snapshot is due (which then holds
 * nothing of the packets after that time). Engine time never goes back: a packet stamped before the
 * last tick (a capture whose clock went back) moves nothing. One compare
 * on the way of every packet. */
static inline void packet_clock(struct engine *e, uint64_t ts_us)
{
	if (ts_us >= e->tick_next)
		tick(e, ts_us);
	else if (ts_us < e->tick_at && ts_us + e->idle_min_us <= e->snap_due_us)
		e->clock_back = 1; /* what it touches may go idle before the snapshot due */
}

/* Live, the wall clock: on every wait that came back empty (idle set),
 * else once a second; a clock set back holds engine time where it was. */
static void wall_clock(struct engine *e, int idle)
{
	uint64_t now = clock_wall_us();
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

/* The first packet of a file: its fingerprint, and how many packets to
 * skip from the start (engine_config.resume; a file of this run before
 * with the same fingerprint). */
static void first_packet(struct engine *e, struct engine_input *in, int dlt, uint64_t ts_us, uint32_t caplen,
			 uint32_t wirelen, const uint8_t *data)
{
	/* a fixed key: the fingerprint is kept in a database across runs */
	static const uint8_t key[16] = { 'a', 'l', 'f', 'o', 'i', 'l', '-', 'i', 'n', 'p', 'u', 't', '-', 'f', 'p', 1 };
	uint8_t buf[20 + 128];
	/* little-endian whatever the host: a database moves between machines */
	uint64_t f[3] = { (uint32_t)dlt, caplen, wirelen };
	for (int k = 0; k < 3; k++)
		for (int b = 0; b < 4; b++)
			buf[4 * k + b] = (uint8_t)(f[k] >> (8 * b));
	for (int b = 0; b < 8; b++)
		buf[12 + b] = (uint8_t)(ts_us >> (8 * b));
	size_t n = caplen < 128 ? caplen : 128;
	memcpy(buf + 20, data, n);
	uint64_t fp = siphash13(buf, 20 + n, key);
	in->fingerprint = fp ? fp : 1;
	e->first = 0;
	uint64_t skip = e->cfg.resume(e->cfg.snap_ctx, in->name, in->fingerprint);
	for (size_t i = 0; i + 1 < e->res.n_inputs; i++) {
		const struct engine_input *x = &e->res.inputs[i];
		if (x->fingerprint == in->fingerprint && x->skipped + x->packets > skip)
			skip = x->skipped + x->packets;
	}
	e->skip_left = skip;
	if (skip)
		elog(e, ENGINE_LOG_INFO, "%s: its first %llu packets were read before: skipped", in->name,
		     (unsigned long long)skip);
}

/* Before a file's packet is taken: 1 when it is skipped. */
static int skipped(struct engine *e, struct engine_input *in, int dlt, uint64_t ts_us, uint32_t caplen,
		   uint32_t wirelen, const uint8_t *data)
{
	if (e->first)
		first_packet(e, in, dlt, ts_us, caplen, wirelen, data);
	if (!e->skip_left)
		return 0;
	e->skip_left--;
	in->skipped++;
	e->res.skipped++;
	return 1;
}

/* Note the link type of s in its input, with a warning when it is not
 * decoded; returns whether it is. */
static int note_linktype(const struct engine *e, struct cap_source *s, struct engine_input *in)
{
	int dlt = cap_datalink(s);
	int decodable = decode_linktype_supported(dlt);
	in->linktype = cap_datalink_name(s);
	if (!decodable && (!in->live || in->opens <= 1))
		elog(e, ENGINE_LOG_WARN, "%s: link type %s (%d) is not decoded; its packets are counted only",
		     cap_name(s), in->linktype, dlt);
	return decodable;
}

/* Live, once told to stop (a signal, --duration): what the kernel holds
 * already is read too (live_loop()). A partly filled block of the capture
 * ring is handed over within one read timeout (100 ms), so reading goes
 * on until a wait for packets comes back empty DRAIN_MIN_US after the
 * stop, and for DRAIN_MAX_US at most (a flood never lets it go quiet). */
#define DRAIN_MIN_US 250000u
#define DRAIN_MAX_US 1000000u

/* Read a file to its end on this thread; returns 0, or -1 when it ended
 * in error. */
static int pump(struct engine *e, struct cap_source *s, struct engine_input *in, size_t i, size_t n)
{
	const struct engine_config *c = &e->cfg;
	int dlt = cap_datalink(s);
	int decodable = note_linktype(e, s, in);
	struct cap_packet cp;
	struct pkt p;
	int show = c->progress;
	for (;;) {
		if ((c->count && e->res.total >= c->count) || stop_requested)
			break;
		int rc = cap_next(s, &cp);
		if (rc == CAP_END)
			break;
		if (rc == CAP_ERROR) {
			in->error = 1;
			snprintf(in->message, sizeof in->message, "%s", cap_error(s));
			return -1;
		}
		if (rc != CAP_PACKET)
			continue;
		if ((e->first || e->skip_left) && skipped(e, in, dlt, cp.ts_us, cp.caplen, cp.wirelen, cp.data))
			continue;
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
	int dlt = cap_datalink(s);
	/* to the end of what was read, also once stopped: the thread reads
	 * no more then, and what it handed over (a stream's packets, which
	 * cannot be read again) is taken */
	while ((k = prefetch_next(pf))) {
		if ((e->first || e->skip_left) && skipped(e, in, dlt, k->ts_us, k->caplen, k->wirelen, k->data))
			continue;
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

/* One file: opened, read, closed. */
static void run_input(struct engine *e, size_t i, size_t n)
{
	const struct engine_config *c = &e->cfg;
	char err[2048];
	struct engine_input *in = &e->res.inputs[e->res.n_inputs++];
	const char *name = c->files[i];
	in->name = name;
	struct cap_source *s = cap_open_file(name, c->filter, err, sizeof err);
	if (!s) {
		in->error = 1;
		snprintf(in->message, sizeof in->message, "%.500s", err);
		elog(e, ENGINE_LOG_ERROR, "%s", err);
		e->res.bad_input = 1;
		return;
	}
	e->res.opened++;
	e->first = c->resume != NULL;
	e->skip_left = 0;
	cap_set_stop(s, &stop_requested);
	cap_read_ahead(s, &engine_spawner);
	int pr = pump_file(e, s, in, i, n);
	if (pr > 0)
		pr = pump(e, s, in, i, n);
	if (pr < 0) {
		e->res.bad_input = 1;
		if (e->progress_shown)
			fputs("\r\033[K", stderr);
		elog(e, ENGINE_LOG_ERROR, "%s (reporting what was read before it)", in->message);
	}
	cap_close(s);
}

/* ---- live: several interfaces, one poll(2) ------------------------------ */

#define LIVE_WAIT_MS 100      /* the longest poll(2): the tick, a stop, a reopen due */
#define LIVE_BATCH 256        /* packets from one interface before the next is looked at */
#define LIVE_CHECK_US 1000000u /* cap_live_gone() this often per interface */

/* One interface of a live run. */
struct live_if {
	const char *name;
	struct engine_input *in;
	struct cap_source *s;  /* NULL: not open (yet, or again) */
	int dlt, decodable;
	int ended;             /* without persist: it failed, not tried again */
	unsigned failures;     /* waits since it was last open (engine_backoff_s()) */
	uint64_t retry_us;     /* monotonic: the next attempt to open it */
	uint64_t stats_us;     /* monotonic: the next reading of its counters */
	uint64_t check_us;     /* monotonic: the next cap_live_gone() */
	struct cap_stats base; /* counters of the opens before this one */
	enum cap_link link;    /* as last seen (cap_live_link()) */
};

/* A change of L's link since the last look, logged: a capture on an
 * interface taken down stays open (Linux), so it is not a loss. */
static void live_link(struct engine *e, struct live_if *L)
{
	enum cap_link now = cap_live_link(L->s);
	if (now == L->link || now == CAP_LINK_UNKNOWN)
		return;
	if (now == CAP_LINK_DOWN)
		elog(e, ENGINE_LOG_WARN, "%s: the interface is down (the capture stays open: its packets come back "
		     "with it)", L->name);
	else if (now == CAP_LINK_NO_CARRIER)
		elog(e, ENGINE_LOG_WARN, "%s: no carrier (the link is down)", L->name);
	else if (L->link != CAP_LINK_UNKNOWN)
		elog(e, ENGINE_LOG_INFO, "%s: the link is up again", L->name);
	L->link = now;
}

static uint64_t stats_every_us(const struct engine *e)
{
	return (uint64_t)(e->cfg.stats_interval_s ? e->cfg.stats_interval_s : ENGINE_STATS_INTERVAL_S) * 1000000u;
}

/* The interface's counters over all its opens into its input (libpcap's
 * are per open: they start at 0 with each). */
static void live_counters(struct live_if *L)
{
	struct cap_stats cs;
	struct engine_input *in = L->in;
	in->received = L->base.received;
	in->dropped = L->base.dropped;
	in->if_dropped = L->base.if_dropped;
	if (L->s && cap_get_stats(L->s, &cs) == 0) {
		in->received += cs.received;
		in->dropped += cs.dropped;
		in->if_dropped += cs.if_dropped;
	}
}

static void live_report_stats(struct engine *e, struct live_if *L)
{
	live_counters(L);
	if (e->cfg.on_stats)
		e->cfg.on_stats(e->cfg.ctx, L->name, L->in->received, L->in->dropped, L->in->if_dropped);
}

/* The next attempt to open L, after the backoff's next step. */
static void live_retry_later(struct live_if *L, uint64_t now)
{
	L->retry_us = now + (uint64_t)engine_backoff_s(L->failures) * 1000000u;
	if (L->failures < 64)
		L->failures++;
}

/* Try to open L now. Without persist a failure ends it (named, as a file
 * that cannot be opened is); with persist it is tried again later, the
 * first failure in a row a warning and the others debug lines. */
static void live_open(struct engine *e, struct live_if *L, uint64_t now)
{
	const struct engine_config *c = &e->cfg;
	struct engine_input *in = L->in;
	char err[2048];
	enum cap_open_why why;
	struct cap_source *s = cap_open_iface(L->name, c->filter, c->buffer_mib, c->timeout_ms, &why, err, sizeof err);
	if (!s) {
		snprintf(in->message, sizeof in->message, "%.500s", err);
		if (!c->persist) {
			in->error = 1;
			L->ended = 1;
			e->res.bad_input = 1;
			elog(e, ENGINE_LOG_ERROR, "%s", err);
			return;
		}
		unsigned wait = engine_backoff_s(L->failures);
		elog(e, L->failures == 0 || (in->opens && L->failures == 1) ? ENGINE_LOG_WARN : ENGINE_LOG_DEBUG,
		     "%s%s; trying again in %u s", err,
		     why == CAP_OPEN_NO_DEVICE ? " (not there yet)" : why == CAP_OPEN_NOT_UP ? " (down)" : "", wait);
		live_retry_later(L, now);
		return;
	}
	L->s = s;
	in->opens++;
	if (in->opens == 1)
		e->res.opened++;
	if (in->opens > 1 || L->failures)
		elog(e, ENGINE_LOG_INFO, "%s: capturing%s (open %llu)", L->name, in->opens > 1 ? " again" : "",
		     (unsigned long long)in->opens);
	L->failures = 0;
	L->stats_us = now + stats_every_us(e);
	L->check_us = now + LIVE_CHECK_US;
	L->dlt = cap_datalink(s);
	L->decodable = note_linktype(e, s, in);
	L->link = CAP_LINK_UNKNOWN;
	live_link(e, L);
}

/* L failed, went down or disappeared while open (why names it): its
 * counters kept, closed; with persist opened again after the first step
 * of the backoff, without it ended. */
static void live_lose(struct engine *e, struct live_if *L, uint64_t now, const char *why)
{
	struct engine_input *in = L->in;
	struct cap_stats cs;
	if (cap_get_stats(L->s, &cs) == 0) {
		L->base.received += cs.received;
		L->base.dropped += cs.dropped;
		L->base.if_dropped += cs.if_dropped;
	}
	snprintf(in->message, sizeof in->message, "%.500s", why);
	cap_close(L->s);
	L->s = NULL;
	in->losses++;
	live_counters(L);
	if (e->progress_shown)
		fputs("\r\033[K", stderr);
	if (!e->cfg.persist) {
		in->error = 1;
		L->ended = 1;
		e->res.bad_input = 1;
		elog(e, ENGINE_LOG_ERROR, "%s (reporting what was read before it)", in->message);
		return;
	}
	L->failures = 0;
	if (e->cfg.on_lost)
		e->cfg.on_lost(e->cfg.ctx, in->name, in->message);
	elog(e, ENGINE_LOG_WARN, "%s; opening it again in %u s", in->message, engine_backoff_s(0));
	live_retry_later(L, now);
}

/* The packets L has ready, LIVE_BATCH at most; 1 when one was taken. */
static int live_read(struct engine *e, struct live_if *L, size_t i)
{
	const struct engine_config *c = &e->cfg;
	struct cap_packet cp;
	struct pkt p;
	int took = 0;
	for (int k = 0; k < LIVE_BATCH && L->s; k++) {
		if (c->count && e->res.total >= c->count)
			break;
		int rc = cap_next_ready(L->s, &cp);
		if (rc == CAP_TIMEOUT || rc == CAP_END)
			break;
		if (rc == CAP_ERROR) {
			live_lose(e, L, engine_clock_us(), cap_error(L->s));
			break;
		}
		took = 1;
		wall_clock(e, 0);
		if (L->decodable)
			decode_packet(&e->dec, L->dlt, cp.data, cp.caplen, cp.wirelen, &p);
		take(e, L->in, cp.ts_us, L->decodable ? &p : NULL);
		if (e->res.total >= e->snap_at)
			snapshot_by_count(e);
		if (c->progress && (e->res.total & 0xffff) == 0)
			progress(e, L->s, -1, i, e->n_live);
	}
	return took;
}

/* Once told to stop (a signal, --duration): what the kernel holds is read
 * too, until a wait comes back empty DRAIN_MIN_US after the stop, for
 * DRAIN_MAX_US at most. */
static void live_loop(struct engine *e, struct live_if *L, size_t n, struct pollfd *pf, size_t *map)
{
	const struct engine_config *c = &e->cfg;
	uint64_t deadline = c->duration > 0 ? engine_clock_us() + (uint64_t)(c->duration * 1e6) : 0;
	uint64_t drain_from = 0;
	for (;;) {
		if (c->count && e->res.total >= c->count)
			break;
		uint64_t now = engine_clock_us();
		if (!drain_from && (stop_requested || (deadline && now >= deadline)))
			drain_from = now;
		if (drain_from && now >= drain_from + DRAIN_MAX_US)
			break;
		size_t nfd = 0, left = 0;
		uint64_t wake = now + LIVE_WAIT_MS * 1000u;
		for (size_t i = 0; i < n; i++) {
			struct live_if *l = &L[i];
			if (l->ended)
				continue;
			left++;
			if (!l->s && !drain_from && now >= l->retry_us)
				live_open(e, l, now);
			if (l->s && now >= l->check_us) {
				l->check_us = now + LIVE_CHECK_US;
				if (cap_live_gone(l->s))
					live_lose(e, l, now, cap_error(l->s));
				else
					live_link(e, l);
			}
			if (l->s && now >= l->stats_us) {
				l->stats_us = now + stats_every_us(e);
				live_report_stats(e, l);
			}
			if (l->s) {
				pf[nfd] = (struct pollfd){ .fd = cap_live_fd(l->s), .events = POLLIN };
				map[nfd++] = i;
			} else if (!drain_from && l->retry_us < wake) {
				wake = l->retry_us;
			}
		}
		if (!left || (drain_from && !nfd))
			break; /* every interface ended (no persist), or none to drain */
		int ms = wake > now ? (int)((wake - now + 999) / 1000) : 0;
		int r = poll(nfd ? pf : NULL, nfd, ms);
		int took = 0;
		for (size_t k = 0; r > 0 && k < nfd; k++)
			if (pf[k].revents)
				took |= live_read(e, &L[map[k]], map[k]);
		if (!took) { /* a wait that came back empty: the tick */
			wall_clock(e, 1);
			if (drain_from && engine_clock_us() >= drain_from + DRAIN_MIN_US)
				break;
			if (r > 0) /* ready without a packet (an error libpcap let pass): not a busy loop */
				poll(NULL, 0, 10);
		}
	}
}

/* Every interface opened (or tried), read at once until the end (the
 * count, the duration, a signal; without persist, every one failed),
 * their counters noted. */
static void run_live(struct engine *e)
{
	const struct engine_config *c = &e->cfg;
	size_t n = e->n_live;
	struct live_if *L = calloc(n, sizeof *L);
	struct pollfd *pf = calloc(n, sizeof *pf);
	size_t *map = calloc(n, sizeof *map);
	if (!L || !pf || !map) {
		elog(e, ENGINE_LOG_ERROR, "out of memory for %zu interfaces", n);
		e->res.bad_input = 1;
		goto out;
	}
	uint64_t now = engine_clock_us();
	const char *first = NULL;
	for (size_t i = 0; i < n; i++) {
		L[i].name = e->live_names[i];
		L[i].in = &e->res.inputs[e->res.n_inputs++];
		L[i].in->name = L[i].name;
		L[i].in->live = 1;
		live_open(e, &L[i], now);
		if (L[i].s && !first)
			first = L[i].name;
	}
	if (!first && !c->persist)
		goto out; /* each was named */
	if (c->live_opened && c->live_opened(c->ctx, first ? first : L[0].name) < 0) {
		e->refused = 1;
		e->res.bad_input = 1;
		goto close;
	}
	live_loop(e, L, n, pf, map);
	for (size_t i = 0; i < n; i++) {
		if (!L[i].in->opens)
			continue;
		live_report_stats(e, &L[i]);
		const struct engine_input *in = L[i].in;
		if (!c->log && c->quiet)
			continue;
		if (c->log)
			elog(e, ENGINE_LOG_INFO, "%s: capture: %llu packets received, %llu dropped by kernel, "
			     "%llu dropped by interface", L[i].name, (unsigned long long)in->received,
			     (unsigned long long)in->dropped, (unsigned long long)in->if_dropped);
		else /* as it always was: one interface, not named */
			fprintf(stderr, "%s: capture: %llu packets received, %llu dropped by kernel, "
					"%llu dropped by interface\n", cli_prog(),
				(unsigned long long)in->received, (unsigned long long)in->dropped,
				(unsigned long long)in->if_dropped);
	}
	/* persist: one never opened is a bad input still (it was not read) */
	for (size_t i = 0; c->persist && i < n; i++)
		if (!L[i].in->opens) {
			L[i].in->error = 1;
			e->res.bad_input = 1;
		}
close:
	for (size_t i = 0; i < n; i++)
		if (L[i].s)
			cap_close(L[i].s);
out:
	free(L);
	free(pf);
	free(map);
}

int engine_run(struct engine *e)
{
	if (e->ran)
		return -1;
	e->ran = 1;
	catch_signals();
	e->res.started_us = engine_clock_us();
	if (e->live)
		run_live(e);
	for (size_t i = 0; !e->live && i < e->cfg.n_files && !stop_requested; i++)
		run_input(e, i, e->cfg.n_files);
	if (e->progress_shown)
		fputs("\r\033[K", stderr);
	reasm_finish(e->ra); /* datagrams left incomplete still count */
	if (e->snap_worker) { /* every snapshot handed over is seen to */
		ring_close(&e->snap_ring);
		engine_thread_join(e->snap_worker);
		e->snap_worker = NULL;
		e->snap_inline = 1; /* no more to the worker */
	}
	if (e->refused)
		return -1;
	return e->res.opened || (e->live && e->cfg.persist) ? 0 : -1;
}
