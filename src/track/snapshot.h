/* snapshot.h - an immutable, self-contained copy of the tracker's state.
 *
 * tracker_snapshot() is called from the thread that feeds the tracker; the
 * snapshot shares nothing with it (its own copy of the string pool, dense
 * arrays of the entries), so another thread may read it while packets keep
 * flowing, and free it when done. The cost is O(caps): one pass over each
 * table and a copy of the string pool (docs/internals.md has the figures).
 *
 * Indices run 0 .. count-1. In the snapshot a destination's key.dev and a
 * name's or query's device are the snapshot index of their device (not a
 * handle); destinations and names of devices evicted since are left out.
 * A device's dest_head and a destination's dev_next are snapshot indices
 * (TABLE_NONE ends); a device's handle is the tracker's. A device's ARP
 * buckets read as at the snapshot's time (tracker_window_device()).
 */
#ifndef ALFOIL_TRACK_SNAPSHOT_H
#define ALFOIL_TRACK_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "track/tracker.h"

struct snapshot;

struct snapshot *tracker_snapshot(const struct tracker *t); /* NULL: no memory */
void snapshot_free(struct snapshot *s);

uint64_t snap_now_us(const struct snapshot *s); /* the tracker's time then */
const struct tracker_stats *snap_stats(const struct snapshot *s);
const struct strpool *snap_strings(const struct snapshot *s); /* its own copy */
uint32_t snap_device_count(const struct snapshot *s);
const struct device *snap_device(const struct snapshot *s, uint32_t i);
uint32_t snap_dest_count(const struct snapshot *s);
const struct dest *snap_dest(const struct snapshot *s, uint32_t i);
/* The name cache: (device, address) -> the name the device asked for. */
uint32_t snap_name_count(const struct snapshot *s);
void snap_name(const struct snapshot *s, uint32_t i, uint32_t *dev, struct ip_addr *addr,
	       uint32_t *name);
/* The TTL (seconds) of the last answer that gave name i. */
uint32_t snap_name_ttl(const struct snapshot *s, uint32_t i);
/* DNS queries per device: (device, name) with a count. */
uint32_t snap_query_count(const struct snapshot *s);
void snap_query(const struct snapshot *s, uint32_t i, uint32_t *dev, uint32_t *name,
		uint32_t *count);
uint32_t snap_max_devices(const struct snapshot *s);
size_t snap_tracker_memory(const struct snapshot *s); /* the tracker's tables then */
size_t snap_bytes(const struct snapshot *s);          /* the snapshot's own size */

#endif
