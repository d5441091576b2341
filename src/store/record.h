/* record.h - the recorder: reports and findings into the store's rows.
 *
 * The recorder remembers, per device and per destination (device id,
 * address, protocol, port, inbound), the cumulative counters it wrote
 * last; each commit adds what grew since into the UTC hour of the entry's
 * last_us. It knows nothing of where the reports come from (watch calls it
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
#include "store/store.h"

struct recorder;
/* NULL when out of memory. The store must outlive the recorder. */
struct recorder *recorder_new(struct store *s);
void recorder_free(struct recorder *r);

/* One commit: in one transaction, what changed since the last call: devices
 * upserted (label/notes kept), deltas of every device's and destination's
 * counters since the previous call added into the hour of the entry's
 * last_us (a counter lower than before: the tracker lost and re-made it,
 * the whole value is the delta), names and queries upserted, findings
 * upserted by key (count+1, last_us, state open), open ones not seen for
 * resolve_after resolved; then store_prune(). A new device (not in the
 * table before) gets an events row kind 'new-device' and is counted in
 * st->new_devices (watch logs them). On failure (disk full, busy) the
 * transaction is rolled back and the previous values kept, so the next
 * commit writes the deltas of both: nothing still in the tracker is lost.
 * f may be NULL (no findings). 0, or -1 with err. */
struct recorder_stats {
	uint64_t commits, failed, new_devices, rows;
};
int recorder_commit(struct recorder *r, const struct report *rep, const struct findings *f, uint64_t now_us,
		    char *err, size_t errlen);
const struct recorder_stats *recorder_stats(const struct recorder *r);

#endif
