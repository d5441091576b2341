/* record.h - the recorder: reports and findings into the store's rows.
 *
 * The recorder remembers, per device and per destination (device id,
 * address, protocol, port, inbound), the cumulative counters it wrote
 * last; each step adds what grew since into the UTC hour of the entry's
 * last_us, and the steps are made durable together by a commit (watch: a
 * step per --commit-interval live, and a commit with it; with -r a step
 * per hour of packet time and a commit per --commit-interval of the wall
 * clock). It knows nothing of where the reports come from (watch calls it
 * from its snapshot worker, a test from its own loop). Its memory is that
 * of the last report: entries the report no longer has are dropped (their
 * last delta is written already).
 */
#ifndef ALFOIL_STORE_RECORD_H
#define ALFOIL_STORE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/findings.h"
#include "analyze/report.h"
#include "lib/addr.h"
#include "store/store.h"

struct recorder;
/* NULL when out of memory. The store must outlive the recorder. */
struct recorder *recorder_new(struct store *s);
/* An open transaction (steps not flushed) is rolled back. */
void recorder_free(struct recorder *r);

/* One step: what changed since the last step, into the open transaction
 * (begun by the first step after a commit): devices upserted (label/notes
 * kept), deltas of every device's and destination's counters since the
 * previous step added into the hour of the entry's last_us (a counter
 * lower than before: the tracker lost and re-made it, the whole value is
 * the delta), names and queries upserted, findings upserted by key
 * (count+1, last_us, state open), open ones not seen for resolve_after
 * resolved; then store_prune(). A new device (not in the table before)
 * gets an events row kind 'new-device'. Nothing is durable until
 * recorder_flush(). On failure (disk full, busy, out of memory) the whole
 * open transaction is rolled back and the values of the last commit kept,
 * so the next step writes the deltas since then: nothing still in the
 * tracker is lost (what the steps rolled back had put in separate hours
 * goes into the hour of the next). f may be NULL (no findings). 0, or -1
 * with err. */
int recorder_step(struct recorder *r, const struct report *rep, const struct findings *f, uint64_t now_us,
		  char *err, size_t errlen);
/* The open transaction committed (0 when none is open). On failure it is
 * rolled back as a failed step is. 0, or -1 with err. */
int recorder_flush(struct recorder *r, char *err, size_t errlen);
/* Where the capture files were at the report of the next step (watch -r:
 * engine_mark): written with it, in its transaction, so that the tables
 * and the positions agree (a file read again skips what they hold). The
 * n marks are copied; the next step writes them and forgets them. 0, or
 * -1 out of memory. */
struct recorder_mark {
	const char *name;
	uint64_t fingerprint, packets;
};
int recorder_marks(struct recorder *r, const struct recorder_mark *m, size_t n);

/* recorder_step() then recorder_flush(): one step, one transaction. */
int recorder_commit(struct recorder *r, const struct report *rep, const struct findings *f, uint64_t now_us,
		    char *err, size_t errlen);

/* The devices the last successful recorder_flush() made (the table did
 * not hold them), *n of them; valid until the next step or flush. */
struct recorder_fresh {
	char id[ADDR_STRLEN];
	char maker[96];
};
const struct recorder_fresh *recorder_fresh(const struct recorder *r, size_t *n);
/* The events the last successful recorder_flush() said (rows of state
 * 'new' made by its steps: docs/store.md, events), oldest step first, *n
 * of them; valid until the next step or flush. has_flow: the event is
 * about a destination, src (the device's address), dst and the ports of
 * the flow that made it (sport 0 when not known). */
struct recorder_said {
	int64_t id;
	uint64_t time_us;
	char *kind, *device, *subject, *severity, *advice;
	char *record; /* the evidence, JSON text, or NULL */
	int has_flow;
	struct ip_addr src, dst;
	uint16_t sport, dport;
	uint8_t proto;
};
const struct recorder_said *recorder_said(const struct recorder *r, size_t *n);
/* An event the engine or the rules' thread saw rather than the report
 * (capture-drops, interface-down: device NULL; policy-changed: docs/store.md), written by the next step, said like the
 * others once its commit is made; copied. 0, or -1 out of memory (or more
 * than RECORDER_NOTES waiting: dropped). */
#define RECORDER_NOTES 64
int recorder_note(struct recorder *r, const char *kind, const char *device, const char *subject,
		  const char *severity, const char *advice, const char *evidence_json, uint64_t time_us);

/* commits: transactions committed; steps: recorder_step() calls that went
 * through; failed: steps and flushes that did not (each rolled back);
 * new_devices and rows: of the commits. */
struct recorder_stats {
	uint64_t commits, steps, failed, new_devices, rows;
};
const struct recorder_stats *recorder_stats(const struct recorder *r);
/* Rows written by the steps of the open transaction (0: none open). */
uint64_t recorder_pending_rows(const struct recorder *r);

#endif
