/* test_snapshot.c - tracker_snapshot(): each snapshot consistent, the last
 * equal to the tracker's final state, a report built from snapshots on a
 * second thread while the first keeps tracking, and the cost at the caps.
 *
 * The real captures are ../shared/captures (SHARED overrides ..) and the
 * project's example (examples/home.pcap, `make example`); a test whose
 * capture is absent says so and is skipped.
 *
 * A snapshot is consistent when:
 *   - every destination's key.dev is a device of the snapshot, and walking
 *     a device's dest_head chain gives exactly the destinations whose key.dev
 *     is that device, n_dests of them;
 *   - a device's bytes_out + bytes_in equal the sum of its destinations'
 *     bytes_up + bytes_down plus its bytes_nodest (what went to no
 *     destination of its), exactly;
 *   - every name and query names a device of the snapshot, and every string
 *     id an entry holds is one of the snapshot's own pool;
 *   - first_us <= last_us for every device and destination;
 *   - the packet and byte totals never go back from one snapshot to the next.
 */
#include "testutil.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "analyze/report.h"
#include "capture/capture.h"
#include "decode/decode.h"
#include "lib/table.h"
#include "output/output.h"
#include "reasm/reasm.h"
#include "track/snapshot.h"
#include "track/tracker.h"

#define EVERY 1000 /* packets between snapshots */
#define WINDOW_S 3600 /* tracker_config_default()'s window_s */

static char *path_of(const char *rel)
{
	static char buf[4][512];
	static int k;
	const char *shared = getenv("SHARED");
	char *b = buf[k++ & 3];
	if (!strncmp(rel, "shared/", 7))
		snprintf(b, sizeof buf[0], "%s/%s", shared ? shared : "../shared", rel + 7);
	else
		snprintf(b, sizeof buf[0], "%s", rel);
	return b;
}

static int present(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f)
		fclose(f);
	return f != NULL;
}

static int str_ok(const struct strpool *sp, uint32_t id)
{
	return id <= strpool_count(sp) && (id == 0 || strpool_str(sp, id)[0] != '\0');
}

/* The definition above, asserted. */
static void check_consistent(const struct snapshot *s)
{
	uint32_t nd = snap_device_count(s), nx = snap_dest_count(s);
	const struct strpool *sp = snap_strings(s);
	int64_t *sum = calloc(nd ? nd : 1, sizeof *sum);
	uint32_t *cnt = calloc(nd ? nd : 1, sizeof *cnt);
	assert_non_null(sum);
	assert_non_null(cnt);
	for (uint32_t i = 0; i < nx; i++) {
		const struct dest *d = snap_dest(s, i);
		assert_true(d->key.dev < nd);
		assert_true(d->first_us <= d->last_us);
		sum[d->key.dev] += (int64_t)(d->bytes_up + d->bytes_down);
		cnt[d->key.dev]++;
		assert_true(str_ok(sp, d->dns_name) && str_ok(sp, d->sni) && str_ok(sp, d->http_host));
		for (int k = 0; k < DEST_MAX_OTHER; k++)
			assert_true(str_ok(sp, d->other[k]));
	}
	for (uint32_t i = 0; i < nd; i++) {
		const struct device *d = snap_device(s, i);
		assert_true(d->first_us <= d->last_us);
		assert_int_equal((int64_t)(d->bytes_out + d->bytes_in), sum[i] + d->bytes_nodest);
		assert_int_equal(d->n_dests, cnt[i]);
		uint32_t n = 0;
		for (uint32_t x = d->dest_head; x != TABLE_NONE; x = snap_dest(s, x)->dev_next) {
			assert_true(x < nx);
			assert_int_equal(snap_dest(s, x)->key.dev, i);
			assert_true(++n <= cnt[i]);
		}
		assert_int_equal(n, cnt[i]);
		for (int k = 0; k < d->n_attrs; k++)
			assert_true(d->attrs[k].str && str_ok(sp, d->attrs[k].str));
	}
	for (uint32_t i = 0; i < snap_name_count(s); i++) {
		uint32_t dev, name;
		struct ip_addr a;
		snap_name(s, i, &dev, &a, &name);
		assert_true(dev < nd);
		assert_true(str_ok(sp, name));
	}
	for (uint32_t i = 0; i < snap_query_count(s); i++) {
		uint32_t dev, name, count;
		snap_query(s, i, &dev, &name, &count);
		assert_true(dev < nd);
		assert_true(name && str_ok(sp, name));
		assert_true(count > 0);
	}
	assert_true(snap_bytes(s) > 0);
	free(sum);
	free(cnt);
}

/* The snapshot holds exactly what the tracker holds now, in its order. */
static void check_equal(const struct tracker *t, const struct snapshot *s)
{
	uint32_t *map = malloc(tracker_max_devices(t) * sizeof *map);
	assert_non_null(map);
	uint32_t k = 0;
	assert_memory_equal(tracker_stats(t), snap_stats(s), sizeof(struct tracker_stats));
	assert_int_equal(tracker_memory(t), snap_tracker_memory(s));
	for (uint32_t i = tracker_device_next(t, TABLE_NONE); i != TABLE_NONE; i = tracker_device_next(t, i)) {
		struct device a;
		memcpy(&a, tracker_device(t, i), sizeof a);
		tracker_window_device(&a, snap_now_us(s), WINDOW_S); /* as the snapshot reads it */
		const struct device *b = snap_device(s, k);
		assert_non_null(b);
		a.dest_head = b->dest_head; /* an index of each's own */
		assert_memory_equal(&a, b, sizeof a);
		map[i] = k++;
	}
	assert_int_equal(k, snap_device_count(s));
	k = 0;
	for (uint32_t i = tracker_dest_next(t, TABLE_NONE); i != TABLE_NONE; i = tracker_dest_next(t, i)) {
		struct dest a;
		memcpy(&a, tracker_dest(t, i), sizeof a);
		uint32_t di = tracker_device_index(t, a.key.dev);
		if (di == TABLE_NONE)
			continue; /* its device was evicted: left out */
		const struct dest *b = snap_dest(s, k++);
		assert_non_null(b);
		a.key.dev = map[di];
		a.dev_next = b->dev_next;
		assert_memory_equal(&a, b, sizeof a);
		assert_string_equal(strpool_str(tracker_strings(t), a.dns_name), strpool_str(snap_strings(s), b->dns_name));
	}
	assert_int_equal(k, snap_dest_count(s));
	k = 0;
	for (uint32_t i = tracker_name_next(t, TABLE_NONE); i != TABLE_NONE; i = tracker_name_next(t, i)) {
		uint32_t dev, name, sdev, sname;
		struct ip_addr a, sa;
		tracker_name(t, i, &dev, &a, &name);
		uint32_t di = tracker_device_index(t, dev);
		if (di == TABLE_NONE)
			continue;
		assert_true(k < snap_name_count(s));
		snap_name(s, k++, &sdev, &sa, &sname);
		assert_int_equal(sdev, map[di]);
		assert_true(addr_eq(&a, &sa));
		assert_string_equal(strpool_str(tracker_strings(t), name), strpool_str(snap_strings(s), sname));
	}
	assert_int_equal(k, snap_name_count(s));
	k = 0;
	for (uint32_t i = tracker_query_next(t, TABLE_NONE); i != TABLE_NONE; i = tracker_query_next(t, i)) {
		uint32_t dev, name, count, sdev, sname, scount;
		tracker_query(t, i, &dev, &name, &count);
		uint32_t di = tracker_device_index(t, dev);
		if (di == TABLE_NONE)
			continue;
		assert_true(k < snap_query_count(s));
		snap_query(s, k++, &sdev, &sname, &scount);
		assert_int_equal(sdev, map[di]);
		assert_int_equal(count, scount);
		assert_string_equal(strpool_str(tracker_strings(t), name), strpool_str(snap_strings(s), sname));
	}
	assert_int_equal(k, snap_query_count(s));
	free(map);
}

/* The report of a snapshot as JSON text (malloc'd). */
static char *report_json(const struct snapshot *s)
{
	struct intel_db in = { 0 };
	struct dec_stats dec = { 0 };
	struct rep_input inp = { .name = "capture", .linktype = "EN10MB" };
	struct report *r = report_build(s, &in, &dec, &inp, 1, 0, 0, 0);
	assert_non_null(r);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	struct out_opts o = { 0 };
	assert_int_equal(output_json(f, r, &o), 0);
	fclose(f);
	report_free(r);
	return text;
}

/* Reading a capture into a tracker; cb every EVERY packets read. */
struct feed {
	struct tracker *t;
	struct dec_ctx dec;
	struct reasm *ra;
	uint64_t n;
	void (*cb)(struct feed *, void *);
	void *ctx;
};

static void emit(void *user, const struct pkt *p, uint64_t ts)
{
	tracker_packet(user, p, ts);
}

static void feed_file(struct feed *fd, const char *path)
{
	char err[256];
	struct cap_source *src = cap_open_file(path, NULL, err, sizeof err);
	assert_non_null(src);
	int dlt = cap_datalink(src);
	assert_true(decode_linktype_supported(dlt));
	struct cap_packet cp;
	int rc;
	while ((rc = cap_next(src, &cp)) == CAP_PACKET) {
		struct pkt p;
		decode_packet(&fd->dec, dlt, cp.data, cp.caplen, cp.wirelen, &p);
		reasm_packet(fd->ra, &p, cp.ts_us);
		if (++fd->n % EVERY == 0 && fd->cb)
			fd->cb(fd, fd->ctx);
	}
	assert_int_equal(rc, CAP_END);
	cap_close(src);
	reasm_finish(fd->ra);
}

static void feed_init(struct feed *fd)
{
	memset(fd, 0, sizeof *fd);
	fd->t = tracker_new(NULL);
	struct reasm_config rc;
	reasm_config_default(&rc);
	fd->ra = reasm_new(&rc, &fd->dec, emit, fd->t);
	assert_non_null(fd->t);
	assert_non_null(fd->ra);
}

static void feed_free(struct feed *fd)
{
	reasm_free(fd->ra);
	tracker_free(fd->t);
}

struct every {
	uint64_t packets, bytes;
	unsigned taken;
};

static void snap_every(struct feed *fd, void *ctx)
{
	struct every *e = ctx;
	struct snapshot *s = tracker_snapshot(fd->t);
	assert_non_null(s);
	check_consistent(s);
	check_equal(fd->t, s); /* nothing moves between taking and checking */
	assert_true(snap_stats(s)->packets >= e->packets && snap_stats(s)->bytes >= e->bytes);
	e->packets = snap_stats(s)->packets;
	e->bytes = snap_stats(s)->bytes;
	e->taken++;
	snapshot_free(s);
}

static void every_thousand(const char *path)
{
	struct feed fd;
	struct every e = { 0 };
	feed_init(&fd);
	fd.cb = snap_every;
	fd.ctx = &e;
	feed_file(&fd, path);
	struct snapshot *last = tracker_snapshot(fd.t);
	assert_non_null(last);
	check_consistent(last);
	check_equal(fd.t, last);
	assert_true(e.taken == fd.n / EVERY);
	assert_true(snap_device_count(last) > 0 && snap_dest_count(last) > 0);
	/* the report of the last snapshot is the final report: the same text
	 * as one of the tracker as it is (a second snapshot now) */
	char *a = report_json(last);
	struct snapshot *now = tracker_snapshot(fd.t);
	char *b = report_json(now);
	assert_string_equal(a, b);
	print_message("%s: %llu packets, %u snapshots, %u devices, %u destinations, last %zu KiB\n",
		      path, (unsigned long long)fd.n, e.taken + 1, snap_device_count(last),
		      snap_dest_count(last), snap_bytes(last) >> 10);
	free(a);
	free(b);
	snapshot_free(last);
	snapshot_free(now);
	feed_free(&fd);
}

static void test_every_1000_shared(void **state)
{
	(void)state;
	const char *path = path_of("shared/captures/xiaomi/nku-lifecycle/xiaodu_plug.pcap");
	if (!present(path)) {
		print_message("%s is absent (../shared/captures): skipped\n", path);
		skip();
	}
	every_thousand(path);
}

static void test_every_1000_shared2(void **state)
{
	(void)state;
	const char *path = path_of("shared/captures/ndpi/pcap/1kxun.pcap");
	if (!present(path)) {
		print_message("%s is absent (../shared/captures): skipped\n", path);
		skip();
	}
	every_thousand(path);
}

static void test_every_1000_example(void **state)
{
	(void)state;
	const char *path = "examples/home.pcap";
	if (!present(path)) {
		print_message("%s is absent (make example): skipped\n", path);
		skip();
	}
	every_thousand(path);
}

/* One thread tracks, another builds reports from the snapshots it hands
 * over (the newest waiting one; an older one not yet taken is freed). */
struct handover {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct snapshot *waiting;
	int done;
	unsigned given, reports;
	size_t last_len;
};

static void give(struct feed *fd, void *ctx)
{
	struct handover *h = ctx;
	struct snapshot *s = tracker_snapshot(fd->t);
	assert_non_null(s);
	pthread_mutex_lock(&h->mu);
	struct snapshot *old = h->waiting;
	h->waiting = s;
	h->given++;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	snapshot_free(old);
}

static void *reader(void *arg)
{
	struct handover *h = arg;
	for (;;) {
		pthread_mutex_lock(&h->mu);
		while (!h->waiting && !h->done)
			pthread_cond_wait(&h->cv, &h->mu);
		struct snapshot *s = h->waiting;
		h->waiting = NULL;
		int done = h->done;
		pthread_mutex_unlock(&h->mu);
		if (!s && done)
			return NULL;
		check_consistent(s);
		char *text = report_json(s);
		h->last_len = strlen(text);
		free(text);
		snapshot_free(s);
		h->reports++; /* only this thread writes it until the join */
	}
}

static void test_threads(void **state)
{
	(void)state;
	const char *path = path_of("shared/captures/xiaomi/nku-lifecycle/xiaodu_plug.pcap");
	if (!present(path))
		path = "examples/home.pcap";
	if (!present(path)) {
		print_message("no capture (../shared/captures, examples/home.pcap): skipped\n");
		skip();
	}
	struct handover h = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };
	pthread_t th;
	for (int round = 0; round < 3; round++) { /* the capture three times over */
		struct feed fd;
		feed_init(&fd);
		fd.cb = give;
		fd.ctx = &h;
		h.done = 0;
		assert_int_equal(pthread_create(&th, NULL, reader, &h), 0);
		feed_file(&fd, path);
		give(&fd, &h);
		pthread_mutex_lock(&h.mu);
		h.done = 1;
		pthread_cond_signal(&h.cv);
		pthread_mutex_unlock(&h.mu);
		assert_int_equal(pthread_join(th, NULL), 0);
		/* the last handed over is the final state, and was read */
		struct snapshot *fin = tracker_snapshot(fd.t);
		char *text = report_json(fin);
		assert_int_equal(strlen(text), h.last_len);
		free(text);
		snapshot_free(fin);
		feed_free(&fd);
	}
	assert_true(h.reports >= 3 && h.reports <= h.given);
	print_message("%u snapshots handed over, %u reports built on the second thread\n", h.given,
		      h.reports);
}

/* The tracker filled to its caps with synthetic traffic: 4096 devices, each
 * (4095 and the router) resolving 16 names (the first 32: 65536 names and
 * queries) and sending an HTTP request
 * to each address (65536 destinations) with a Host and a long User-Agent
 * (the 32 MiB string pool full). */
static const uint8_t MAC_ROUTER[6] = { 0x50, 0xc7, 0xbf, 0x00, 0x00, 0x01 };

static size_t dns_msg(uint8_t *b, uint16_t id, const char *name, const uint8_t ip[4])
{
	const uint8_t hdr[12] = { (uint8_t)(id >> 8), (uint8_t)id, ip ? 0x81 : 0x01, ip ? 0x80 : 0, 0, 1, 0,
				  ip ? 1 : 0, 0, 0, 0, 0 };
	memcpy(b, hdr, 12);
	size_t n = 12, qstart = n;
	for (const char *s = name; *s;) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		b[n++] = (uint8_t)l;
		memcpy(b + n, s, l);
		n += l;
		s += l + (dot ? 1 : 0);
	}
	b[n++] = 0;
	b[n++] = 0, b[n++] = 1, b[n++] = 0, b[n++] = 1;
	if (!ip)
		return n;
	b[n++] = 0xc0, b[n++] = (uint8_t)qstart;
	b[n++] = 0, b[n++] = 1, b[n++] = 0, b[n++] = 1;
	b[n++] = 0, b[n++] = 0, b[n++] = 0x0e, b[n++] = 0x10;
	b[n++] = 0, b[n++] = 4;
	memcpy(b + n, ip, 4);
	return n + 4;
}

static void synth(struct tracker *t, const uint8_t smac[6], const uint8_t dmac[6], const uint8_t sip[4],
		  uint16_t sport, const uint8_t dip[4], uint16_t dport, uint8_t proto, const uint8_t *pl,
		  size_t plen, uint64_t ts)
{
	struct pkt p;
	memset(&p, 0, sizeof p);
	p.has_mac = p.has_mac_dst = 1;
	memcpy(p.mac_src, smac, 6);
	memcpy(p.mac_dst, dmac, 6);
	addr_from_v4(&p.src, sip);
	addr_from_v4(&p.dst, dip);
	p.l3 = L3_IPV4;
	p.l4proto = proto;
	p.has_l4 = 1;
	p.sport = sport;
	p.dport = dport;
	if (proto == IPPROTO_TCP)
		p.tcp_flags = TCP_ACK | TCP_PSH;
	p.payload = pl;
	p.payload_len = plen;
	p.wirelen = p.caplen = (uint32_t)(plen + 54);
	tracker_packet(t, &p, ts);
}

static double ms_since(clockid_t c, const struct timespec *a)
{
	struct timespec b;
	clock_gettime(c, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 + (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void test_cost_at_caps(void **state)
{
	(void)state;
	struct tracker *t = tracker_new(NULL);
	assert_non_null(t);
	static uint8_t buf[2048];
	static char name[300], req[1400];
	const uint8_t resolver[4] = { 9, 9, 9, 9 };
	uint64_t ts = 1700000000000000ull;
	for (int pass = 0; pass < 2; pass++) /* names first, then the pool fills */
	for (uint32_t i = 0; i < 4095; i++) { /* and the router */
		uint8_t mac[6] = { 0x02, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i };
		uint8_t ip[4] = { 10, (uint8_t)(i >> 8), (uint8_t)i, 2 };
		for (uint16_t j = 0; j < (i ? 16 : 32); j++) {
			uint8_t remote[4] = { 11, (uint8_t)j, (uint8_t)(i >> 6), (uint8_t)((i & 63) + 1) };
			/* a name of 200 bytes, unique */
			snprintf(name, sizeof name, "n%u-%u.%.60s.%.60s.%.60s.example", j, i,
				 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
				 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
				 "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc");
			ts += 1000;
			if (pass == 0) {
				size_t n = dns_msg(buf, (uint16_t)(j + 1), name, NULL);
				synth(t, mac, MAC_ROUTER, ip, (uint16_t)(40000 + j), resolver, 53, IPPROTO_UDP, buf, n, ts);
				n = dns_msg(buf, (uint16_t)(j + 1), name, remote);
				synth(t, MAC_ROUTER, mac, resolver, 53, ip, (uint16_t)(40000 + j), IPPROTO_UDP, buf, n, ts);
				continue;
			}
			int rl = snprintf(req, sizeof req,
					  "GET / HTTP/1.1\r\nHost: h%u-%u.example\r\nUser-Agent: ua-%u-%u-%0900d\r\n\r\n",
					  j, i, j, i, 7);
			synth(t, mac, MAC_ROUTER, ip, (uint16_t)(50000 + j), remote, 80, IPPROTO_TCP,
			      (const uint8_t *)req, (size_t)rl, ts);
		}
	}
	const struct tracker_stats *st = tracker_stats(t);
	print_message("filled: %u devices, %u destinations, %u flows, %u strings (%llu refused), "
		      "tracker %zu MiB\n", tracker_device_count(t), tracker_dest_count(t),
		      tracker_flow_count(t), strpool_count(tracker_strings(t)),
		      (unsigned long long)st->strings_refused, tracker_memory(t) >> 20);
	assert_int_equal(tracker_device_count(t), 4096);
	assert_int_equal(st->devices_evicted, 0);
	assert_int_equal(tracker_dest_count(t), 65536);
	assert_true(st->strings_refused > 0); /* the pool is full */
	/* wall time, and this thread's CPU time (the machine may be busy) */
	double ms[7], cpu[7];
	struct snapshot *s = NULL;
	for (int r = 0; r < 7; r++) {
		struct timespec a, c;
		snapshot_free(s);
		clock_gettime(CLOCK_MONOTONIC, &a);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c);
		s = tracker_snapshot(t);
		ms[r] = ms_since(CLOCK_MONOTONIC, &a);
		cpu[r] = ms_since(CLOCK_THREAD_CPUTIME_ID, &c);
		assert_non_null(s);
	}
	assert_int_equal(snap_device_count(s), 4096);
	assert_int_equal(snap_dest_count(s), 65536);
	assert_int_equal(snap_name_count(s), 65536);
	assert_int_equal(snap_query_count(s), 65536);
	check_consistent(s);
	qsort(ms, 7, sizeof ms[0], cmp_double);
	qsort(cpu, 7, sizeof cpu[0], cmp_double);
	print_message("snapshot at the caps: %.1f ms (median of 7, min %.1f, max %.1f; CPU %.1f ms), "
		      "%zu MiB\n", ms[3], ms[0], ms[6], cpu[3], snap_bytes(s) >> 20);
	snapshot_free(s);
	tracker_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_1000_shared),
		cmocka_unit_test(test_every_1000_shared2),
		cmocka_unit_test(test_every_1000_example),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_cost_at_caps),
	};
	/* SNAPSHOT_TESTS=test_threads: one of them (make tsan) */
	if (getenv("SNAPSHOT_TESTS"))
		cmocka_set_test_filter(getenv("SNAPSHOT_TESTS"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
