/* test_engine.c - the hand-over ring (lib/ring.h) on one thread and on
 * two, threads through engine/thread.h, the capture read-ahead on a
 * thread of the engine's, the reassembler's tick, and the engine's loop
 * over a file: every packet tracked, the tick once a second of packet
 * time (never back), the count, a bad input; snapshots
 * every so many packets or seconds, handed in order to the worker. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#include "capture/capture.h"
#include "engine/engine.h"
#include "engine/thread.h"
#include "lib/ring.h"
#include "reasm/reasm.h"
#include "track/model.h"
#include "track/snapshot.h"

/* ---- the ring on one thread --------------------------------------------- */

static void test_ring_order_and_full(void **state)
{
	(void)state;
	struct ring r;
	int slot[3];
	assert_int_equal(ring_init(&r, 3), 0);
	for (int i = 0; i < 3; i++) {
		int k = ring_try_acquire(&r);
		assert_int_equal(k, i);
		slot[k] = 10 + i;
		ring_publish(&r);
	}
	assert_int_equal(ring_try_acquire(&r), -1); /* full */
	int k = ring_next(&r);
	assert_int_equal(k, 0);
	assert_int_equal(slot[k], 10);
	assert_int_equal(ring_try_acquire(&r), -1); /* not released yet */
	ring_release(&r);
	k = ring_try_acquire(&r); /* the freed slot, after the others */
	assert_int_equal(k, 0);
	slot[k] = 13;
	ring_publish(&r);
	for (int want = 11; want <= 13; want++) {
		k = ring_next(&r);
		assert_true(k >= 0);
		assert_int_equal(slot[k], want);
		ring_release(&r);
	}
	ring_destroy(&r);
}

static void test_ring_close_drains(void **state)
{
	(void)state;
	struct ring r;
	assert_int_equal(ring_init(&r, 4), 0);
	assert_int_equal(ring_acquire(&r), 0);
	ring_publish(&r);
	assert_int_equal(ring_acquire(&r), 1);
	ring_publish(&r);
	ring_close(&r);
	assert_int_equal(ring_acquire(&r), -1);  /* closed: nothing more */
	assert_int_equal(ring_next(&r), 0);      /* but what was published is taken */
	ring_release(&r);
	assert_int_equal(ring_next(&r), 1);
	ring_release(&r);
	assert_int_equal(ring_next(&r), -1);
	ring_destroy(&r);
}

/* ---- the ring on two threads -------------------------------------------- */

#define HANDOVERS 200000u

struct pc {
	struct ring r;
	uint64_t slot[4];
	uint64_t produced;
	int closed_early;
};

static void *producer(void *arg)
{
	struct pc *pc = arg;
	for (uint64_t v = 1; v <= HANDOVERS; v++) {
		int k = ring_acquire(&pc->r);
		if (k < 0) {
			pc->closed_early = 1;
			return NULL;
		}
		pc->slot[k] = v * 2654435761u;
		ring_publish(&pc->r);
		pc->produced = v;
	}
	ring_close(&pc->r);
	return pc;
}

static void test_ring_two_threads(void **state)
{
	(void)state;
	struct pc pc = { 0 };
	assert_int_equal(ring_init(&pc.r, 4), 0);
	struct engine_thread *t = engine_thread_start("test-producer", producer, &pc);
	assert_non_null(t);
	uint64_t want = 1, n = 0;
	int k;
	while ((k = ring_next(&pc.r)) >= 0) {
		assert_true(pc.slot[k] == want * 2654435761u); /* in order, none lost */
		want++;
		n++;
		ring_release(&pc.r);
	}
	assert_ptr_equal(engine_thread_join(t), &pc);
	assert_int_equal(n, HANDOVERS);
	assert_int_equal(pc.closed_early, 0);
	ring_destroy(&pc.r);
}

/* The consumer stops early: the producer, waiting for a free slot, is
 * woken and ends. */
static void test_ring_consumer_closes(void **state)
{
	(void)state;
	struct pc pc = { 0 };
	assert_int_equal(ring_init(&pc.r, 4), 0);
	struct engine_thread *t = engine_thread_start("test-producer", producer, &pc);
	assert_non_null(t);
	for (int i = 0; i < 10; i++) {
		int k = ring_next(&pc.r);
		assert_true(k >= 0);
		ring_release(&pc.r);
	}
	ring_close(&pc.r);
	assert_null(engine_thread_join(t));
	assert_int_equal(pc.closed_early, 1);
	assert_true(pc.produced < HANDOVERS);
	ring_destroy(&pc.r);
}

/* ---- a capture file ------------------------------------------------------ */

static char path[64];

static void put_le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	fwrite(b, 1, 4, f);
}

/* n Ethernet/IPv4/UDP frames of size bytes from 10.0.0.1 to 10.0.0.2;
 * frame i at ts[i] microseconds (or i seconds when ts is NULL) carries i
 * in its payload. */
static void write_pcap(int n, size_t size, const uint64_t *ts)
{
	strcpy(path, "/tmp/alfoil-test-engXXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	put_le32(f, 0xa1b2c3d4);
	put_le32(f, 2 | 4u << 16);
	put_le32(f, 0);
	put_le32(f, 0);
	put_le32(f, 65535);
	put_le32(f, 1); /* Ethernet */
	uint8_t *frame = calloc(1, size);
	assert_non_null(frame);
	for (int i = 0; i < n; i++) {
		memset(frame, 0, size);
		frame[5] = 1, frame[11] = 2;
		frame[12] = 0x08; /* IPv4 */
		frame[14] = 0x45;
		frame[16] = (uint8_t)((size - 14) >> 8), frame[17] = (uint8_t)(size - 14);
		frame[22] = 64, frame[23] = 17;
		frame[26] = 10, frame[29] = 1, frame[30] = 10, frame[33] = 2;
		frame[34] = 0x30, frame[35] = 0x39, frame[36] = 0x30, frame[37] = 0x3a;
		frame[38] = (uint8_t)((size - 34) >> 8), frame[39] = (uint8_t)(size - 34);
		memcpy(frame + 42, &i, sizeof i);
		uint64_t t = ts ? ts[i] : (uint64_t)i * 1000000u;
		put_le32(f, 1700000000u + (uint32_t)(t / 1000000u));
		put_le32(f, (uint32_t)(t % 1000000u));
		put_le32(f, (uint32_t)size);
		put_le32(f, (uint32_t)size);
		fwrite(frame, 1, size, f);
	}
	free(frame);
	fclose(f);
}

/* Read ahead on a thread of the engine's: records cross the 2 MiB blocks,
 * every packet comes in order and whole. */
static void test_read_ahead_thread(void **state)
{
	(void)state;
	int n = 5000; /* ~7.5 MB: blocks in flight, records across them */
	write_pcap(n, 1499, NULL);
	char err[512];
	struct cap_source *s = cap_open_file(path, NULL, err, sizeof err);
	assert_non_null(s);
	cap_read_ahead(s, &engine_spawner);
	struct cap_packet cp;
	int i = 0, r;
	while ((r = cap_next(s, &cp)) == CAP_PACKET) {
		int got;
		assert_int_equal(cp.caplen, 1499);
		memcpy(&got, cp.data + 42, sizeof got);
		assert_int_equal(got, i);
		i++;
	}
	assert_int_equal(r, CAP_END);
	assert_int_equal(i, n);
	cap_close(s);
	/* closed after a few packets, with the thread waiting for a block */
	s = cap_open_file(path, NULL, err, sizeof err);
	assert_non_null(s);
	cap_read_ahead(s, &engine_spawner);
	assert_int_equal(cap_next(s, &cp), CAP_PACKET);
	usleep(20000);
	cap_close(s);
	unlink(path);
}

/* ---- the reassembler's tick --------------------------------------------- */

static int views;
static void count_view(void *user, const struct pkt *p, uint64_t ts)
{
	(void)user, (void)p, (void)ts;
	views++;
}

/* A first fragment is held; with no packet after it, the tick past the
 * timeout hands it on as a timed-out datagram. */
static void test_reasm_tick(void **state)
{
	(void)state;
	uint8_t b[60] = { 0x45, 0, 0, 44, 0x12, 0x34, 0x20, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
			  0x30, 0x39, 0x30, 0x3a, 0, 40 };
	struct dec_ctx dec = { 0 };
	struct reasm_config cfg;
	reasm_config_default(&cfg);
	struct reasm *ra = reasm_new(&cfg, &dec, count_view, NULL);
	assert_non_null(ra);
	struct pkt p;
	uint8_t *h = heap(b, 44); /* 24 bytes of data: a multiple of 8, more to come */
	decode_packet(&dec, 12 /* DLT_RAW */, h, 44, 44, &p);
	assert_int_not_equal(p.frag, FRAG_NONE);
	views = 0;
	uint64_t t0 = 1700000000ull * 1000000u;
	uint64_t due = reasm_packet(ra, &p, t0);
	free(h);
	assert_int_equal(due, t0 + 30 * 1000000ull);
	assert_int_equal(views, 0);
	assert_int_equal(reasm_tick(ra, t0 + 29 * 1000000ull), due); /* not yet */
	assert_int_equal(views, 0);
	assert_int_equal(reasm_tick(ra, due), UINT64_MAX);
	assert_int_equal(views, 1);
	assert_int_equal(dec.stats.n[DC_FRAG_TIMEOUT], 1);
	reasm_free(ra);
}

/* ---- the engine over files ---------------------------------------------- */

static struct engine *run_files(const char *const *files, size_t n, uint64_t count)
{
	struct engine_config c = { .files = files, .n_files = n, .quiet = 1, .count = count };
	tracker_config_default(&c.track);
	reasm_config_default(&c.frag);
	struct engine *e = engine_new(&c);
	assert_non_null(e);
	return e;
}

static void test_engine_file(void **state)
{
	(void)state;
	write_pcap(10, 100, NULL); /* one packet a second for 10 s */
	const char *files[] = { path };
	struct engine *e = run_files(files, 1, 0);
	assert_int_equal(engine_run(e), 0);
	const struct engine_result *r = engine_result(e);
	assert_int_equal(r->n_inputs, 1);
	assert_int_equal(r->opened, 1);
	assert_int_equal(r->bad_input, 0);
	assert_int_equal(r->total, 10);
	assert_int_equal(r->inputs[0].packets, 10);
	assert_string_equal(r->inputs[0].linktype, "EN10MB");
	assert_int_equal(r->first_us, 1700000000ull * 1000000u);
	assert_int_equal(r->last_us, 1700000009ull * 1000000u);
	assert_int_equal(r->ticks, 10); /* once a second of packet time */
	assert_int_equal(tracker_stats(engine_tracker(e))->packets, 10);
	assert_int_equal(engine_run(e), -1); /* once only */
	engine_free(e);
	unlink(path);
}

/* Packet time: packets within a second make one tick; a clock that goes
 * back moves nothing until it is a second past the last tick again. */
static void test_engine_tick_clock(void **state)
{
	(void)state;
	uint64_t ts[] = { 0, 100000, 200000, 900000, 999999, 1000000, 990000, /* ticks at 0 and 1 s */
			  5000000, 2000000, 2100000, 3000000, 5999999,       /* 5 s; back: none */
			  6000000, 6500000 };                                /* 6 s */
	int n = (int)(sizeof ts / sizeof ts[0]);
	write_pcap(n, 100, ts);
	const char *files[] = { path };
	struct engine *e = run_files(files, 1, 0);
	assert_int_equal(engine_run(e), 0);
	assert_int_equal(engine_result(e)->total, (uint64_t)n);
	assert_int_equal(engine_result(e)->ticks, 4); /* 0, 1, 5, 6 */
	engine_free(e);
	unlink(path);
}

/* Two files and one that is not there: the count stops it in the second
 * file; the missing one is named and marked. */
static void test_engine_inputs(void **state)
{
	(void)state;
	write_pcap(5, 100, NULL);
	const char *files[] = { path, "/nonexistent/alfoil.pcap", path };
	struct engine *e = run_files(files, 3, 7);
	assert_int_equal(engine_run(e), 0);
	const struct engine_result *r = engine_result(e);
	assert_int_equal(r->n_inputs, 3);
	assert_int_equal(r->opened, 2);
	assert_int_equal(r->bad_input, 1);
	assert_int_equal(r->inputs[1].error, 1);
	assert_non_null(strstr(r->inputs[1].message, "/nonexistent/alfoil.pcap"));
	assert_int_equal(r->inputs[0].packets, 5);
	assert_int_equal(r->inputs[2].packets, 2);
	assert_int_equal(r->total, 7);
	engine_free(e);
	const char *none[] = { "/nonexistent/alfoil.pcap" };
	e = run_files(none, 1, 0);
	assert_int_equal(engine_run(e), -1);
	engine_free(e);
	unlink(path);
}

/* Live on the loopback (root only, else skipped): a quiet link still
 * ticks, on every empty 100 ms poll, at the wall clock. */
static void test_engine_live_ticks(void **state)
{
	(void)state;
	char err[512];
	struct cap_source *probe = cap_open_live("lo", NULL, err, sizeof err);
	if (!probe) {
		print_message("live capture on lo: %s: skipped\n", err);
		skip();
	}
	cap_close(probe);
	struct engine_config c = { .iface = "lo", .filter = "udp port 9", .duration = 0.5, .quiet = 1 };
	tracker_config_default(&c.track);
	reasm_config_default(&c.frag);
	struct engine *e = engine_new(&c);
	assert_non_null(e);
	assert_int_equal(engine_run(e), 0);
	const struct engine_result *r = engine_result(e);
	assert_int_equal(r->n_inputs, 1);
	assert_int_equal(r->inputs[0].live, 1);
	print_message("%llu ticks\n", (unsigned long long)r->ticks);
	assert_true(r->ticks >= 4); /* 0.5 s and the drain, 100 ms a poll */
	engine_free(e);
}

/* ---- live robustness: the reopen schedule, several interfaces ---------- */

/* 1 s doubling to 60 s, after which it stays: an interface gone for a
 * day is tried once a minute, not 86,400 times. */
static void test_engine_backoff(void **state)
{
	(void)state;
	static const uint32_t want[] = { 1, 2, 4, 8, 16, 32, 60, 60, 60 };
	for (unsigned i = 0; i < sizeof want / sizeof *want; i++)
		assert_int_equal(engine_backoff_s(i), want[i]);
	assert_int_equal(engine_backoff_s(31), ENGINE_BACKOFF_MAX_S);
	assert_int_equal(engine_backoff_s(32), ENGINE_BACKOFF_MAX_S); /* no shift past the width */
	assert_int_equal(engine_backoff_s(~0u), ENGINE_BACKOFF_MAX_S);
	uint32_t sum = 0;
	for (unsigned i = 0; i < 7; i++) { /* never shorter than the step before */
		assert_true(engine_backoff_s(i + 1) >= engine_backoff_s(i));
		sum += engine_backoff_s(i);
	}
	assert_int_equal(sum, 123); /* two minutes to the first 60 s wait */
}

struct logged {
	int n[4];
	char last_warn[512];
	unsigned stats;
	uint64_t received;
};

static void test_log(void *ctx, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void test_log(void *ctx, int level, const char *fmt, ...)
{
	struct logged *l = ctx;
	assert_true(level >= ENGINE_LOG_ERROR && level <= ENGINE_LOG_DEBUG);
	l->n[level]++;
	if (level == ENGINE_LOG_WARN) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(l->last_warn, sizeof l->last_warn, fmt, ap);
		va_end(ap);
	}
}

static void test_stats(void *ctx, const char *iface, uint64_t received, uint64_t dropped, uint64_t if_dropped)
{
	struct logged *l = ctx;
	assert_string_equal(iface, "lo");
	assert_true(received >= l->received); /* totals: never back */
	assert_true(dropped <= received);
	(void)if_dropped;
	l->received = received;
	l->stats++;
}

/* lo and an interface that is not there, at once (root only): the absent
 * one is an error without persist and a warning with it, lo is read in
 * both, and with persist the run is never a failure; the counters are
 * handed over every second and once at the end. */
static void test_engine_live_absent(void **state)
{
	(void)state;
	char err[512];
	struct cap_source *probe = cap_open_live("lo", NULL, err, sizeof err);
	if (!probe) {
		print_message("live capture on lo: %s: skipped\n", err);
		skip();
	}
	cap_close(probe);
	const char *more[] = { "alfoil-none0" };
	for (int persist = 0; persist <= 1; persist++) {
		struct logged l = { 0 };
		struct engine_config c = { .iface = "lo", .ifaces = more, .n_ifaces = 1, .filter = "udp port 9",
					   .duration = 1.3, .persist = persist, .log = test_log, .ctx = &l,
					   .on_stats = test_stats, .stats_interval_s = 1, .buffer_mib = 2 };
		tracker_config_default(&c.track);
		reasm_config_default(&c.frag);
		struct engine *e = engine_new(&c);
		assert_non_null(e);
		assert_int_equal(engine_run(e), 0);
		const struct engine_result *r = engine_result(e);
		assert_int_equal(r->n_inputs, 2);
		assert_string_equal(r->inputs[0].name, "lo");
		assert_int_equal(r->inputs[0].opens, 1);
		assert_int_equal(r->inputs[0].error, 0);
		assert_string_equal(r->inputs[1].name, "alfoil-none0");
		assert_int_equal(r->inputs[1].opens, 0);
		assert_int_equal(r->inputs[1].error, 1);
		assert_non_null(strstr(r->inputs[1].message, "alfoil-none0"));
		assert_int_equal(r->bad_input, 1);
		assert_int_equal(r->opened, 1);
		if (persist) { /* tried at 0 s and 1 s: the first a warning, the second debug */
			assert_int_equal(l.n[ENGINE_LOG_ERROR], 0);
			assert_true(l.n[ENGINE_LOG_WARN] >= 1);
			assert_non_null(strstr(l.last_warn, "trying again in 1 s"));
			assert_true(l.n[ENGINE_LOG_DEBUG] >= 1);
		} else {
			assert_int_equal(l.n[ENGINE_LOG_ERROR], 1);
			assert_int_equal(l.n[ENGINE_LOG_DEBUG], 0);
		}
		assert_true(l.stats >= 2); /* at 1 s, and at the end */
		assert_int_equal(l.received, r->inputs[0].received);
		assert_true(r->ticks >= 5);
		engine_free(e);
	}
}

/* ---- snapshots on a schedule ------------------------------------------- */

struct seen {
	pthread_t packet_thread;
	uint64_t n, last_packets, last_now;
	int off_thread, in_order, consistent;
};

/* On the worker: each snapshot after the one before, internally
 * consistent (a device's bytes are its destinations' and what went to
 * none), freed here. */
static void on_snap(void *ctx, struct snapshot *s, const struct engine_mark *marks, size_t n_marks)
{
	(void)marks;
	(void)n_marks;
	struct seen *w = ctx;
	w->n++;
	if (!pthread_equal(pthread_self(), w->packet_thread))
		w->off_thread++;
	const struct tracker_stats *st = snap_stats(s);
	if (st->packets >= w->last_packets && snap_now_us(s) >= w->last_now)
		w->in_order++;
	w->last_packets = st->packets;
	w->last_now = snap_now_us(s);
	uint32_t nd = snap_device_count(s);
	int64_t *sum = calloc(nd ? nd : 1, sizeof *sum);
	assert_non_null(sum);
	for (uint32_t i = 0; i < snap_dest_count(s); i++) {
		const struct dest *d = snap_dest(s, i);
		if (d->key.dev < nd)
			sum[d->key.dev] += (int64_t)(d->bytes_up + d->bytes_down);
	}
	int ok = 1;
	for (uint32_t i = 0; i < nd; i++) {
		const struct device *d = snap_device(s, i);
		ok &= (int64_t)(d->bytes_out + d->bytes_in) == sum[i] + d->bytes_nodest;
	}
	w->consistent += ok;
	free(sum);
	usleep(200); /* slower than the packets: the file waits for the worker */
	snapshot_free(s);
}

/* Every 1,000 packets of the example: each snapshot reaches the worker,
 * in order and consistent; the last run's tracker is the same as a
 * snapshot's of it. */
static void test_engine_snapshots_by_packets(void **state)
{
	(void)state;
	const char *files[] = { "examples/home.pcap" };
	if (access(files[0], R_OK) != 0) {
		print_message("%s is absent (make example): skipped\n", files[0]);
		skip();
	}
	struct seen w = { .packet_thread = pthread_self() };
	struct engine_config c = { .files = files, .n_files = 1, .quiet = 1, .snap_packets = 1000,
				   .on_snapshot = on_snap, .snap_ctx = &w };
	tracker_config_default(&c.track);
	reasm_config_default(&c.frag);
	struct engine *e = engine_new(&c);
	assert_non_null(e);
	assert_int_equal(engine_run(e), 0);
	const struct engine_result *r = engine_result(e);
	assert_true(r->total >= 4000); /* 4,805 packets */
	assert_int_equal(r->snapshots, r->total / 1000);
	assert_int_equal(r->snapshots_skipped, 0); /* a file waits */
	assert_int_equal(w.n, r->snapshots);        /* all seen before engine_run() returned */
	assert_int_equal(w.off_thread, w.n);
	assert_int_equal(w.in_order, w.n);
	assert_int_equal(w.consistent, w.n);
	assert_true(w.last_packets <= tracker_stats(engine_tracker(e))->packets);
	engine_free(e);
}

/* Every 3 seconds of packet time, over 10 packets a second apart: at
 * multiples of 3 s since the epoch (the packets are at 1700000000 + i s,
 * 1700000000 being 2 past one), so before the packets at 1, 4 and 7 s. */
static void test_engine_snapshots_by_time(void **state)
{
	(void)state;
	write_pcap(10, 100, NULL);
	const char *files[] = { path };
	struct seen w = { .packet_thread = pthread_self() };
	struct engine_config c = { .files = files, .n_files = 1, .quiet = 1, .snap_seconds = 3,
				   .on_snapshot = on_snap, .snap_ctx = &w };
	tracker_config_default(&c.track);
	reasm_config_default(&c.frag);
	struct engine *e = engine_new(&c);
	assert_non_null(e);
	assert_int_equal(engine_run(e), 0);
	assert_int_equal(engine_result(e)->snapshots, 3);
	assert_int_equal(w.n, 3);
	assert_int_equal(w.in_order, 3);
	assert_int_equal(w.last_packets, 7); /* taken before the packet at 7 s */
	engine_free(e);
	unlink(path);
}

/* What the first snapshot held of destinations. */
struct last_snap {
	uint64_t n, dests, bytes;
};

static void on_snap_last(void *ctx, struct snapshot *s, const struct engine_mark *marks, size_t n_marks)
{
	(void)marks;
	(void)n_marks;
	struct last_snap *w = ctx;
	if (!w->n++) {
		w->dests = snap_dest_count(s);
		for (uint32_t i = 0; i < snap_dest_count(s); i++)
			w->bytes += snap_dest(s, i)->bytes_up + snap_dest(s, i)->bytes_down;
	}
	snapshot_free(s);
}

/* A gap in a file's clock longer than the idle timeouts: the snapshot due
 * at the tick after it is taken before that tick expires the idle, so it
 * still holds what they did since the snapshot before (a history made of
 * snapshots would lose it otherwise). */
static void test_engine_snapshot_before_expiry(void **state)
{
	(void)state;
	const uint64_t ts[] = { 0, 1000000, 2000000, 3000000, 500000000 };
	write_pcap(5, 100, ts);
	const char *files[] = { path };
	struct last_snap w = { 0 };
	struct engine_config c = { .files = files, .n_files = 1, .quiet = 1, .snap_seconds = 10,
				   .on_snapshot = on_snap_last, .snap_ctx = &w };
	tracker_config_default(&c.track);
	reasm_config_default(&c.frag);
	c.track.dest_idle_s = 60;
	c.track.dev_idle_s = 60;
	struct engine *e = engine_new(&c);
	assert_non_null(e);
	assert_int_equal(engine_run(e), 0);
	assert_true(w.n >= 1);        /* the first at the tick of 500 s */
	print_message("first snapshot: %llu destinations, %llu bytes\n", (unsigned long long)w.dests, (unsigned long long)w.bytes);
	assert_int_equal(w.dests, 2); /* each side's record of the first four, not yet expired */
	assert_int_equal(w.bytes, 2 * 4 * 100);
	assert_true(tracker_stats(engine_tracker(e))->dests_expired >= 1); /* and expired after */
	engine_free(e);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_order_and_full), cmocka_unit_test(test_ring_close_drains),
		cmocka_unit_test(test_ring_two_threads),    cmocka_unit_test(test_ring_consumer_closes),
		cmocka_unit_test(test_read_ahead_thread),   cmocka_unit_test(test_reasm_tick),
		cmocka_unit_test(test_engine_file),         cmocka_unit_test(test_engine_tick_clock),
		cmocka_unit_test(test_engine_inputs),      cmocka_unit_test(test_engine_snapshots_by_packets),
		cmocka_unit_test(test_engine_snapshots_by_time), cmocka_unit_test(test_engine_snapshot_before_expiry),   cmocka_unit_test(test_engine_live_ticks),
		cmocka_unit_test(test_engine_backoff),      cmocka_unit_test(test_engine_live_absent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
