/* report_load.h - the one reader of a saved report: the JSON that
 * `alfoil inspect --json` writes (docs/json-schema.md), turned back into
 * the struct report that report_build() makes, for the commands that take
 * a report instead of captures (enforce --report, profile --report,
 * inspect --baseline).
 *
 * The file is anyone's: every field is checked as it is read. A MAC is
 * normalised (one unicast station, aa:bb:cc:dd:ee:ff), an address goes
 * through inet_pton (and is kept as a value), a DNS name or domain must
 * be a host name (lib/hostname.h), text must be valid UTF-8 with nothing
 * that hides or reorders it (lib/utf8.h), numbers in range, enumerations
 * one of their names. What is not valid is left out and told to warn,
 * naming the file, the device and the JSON path, the value escaped
 * (hostname_escape), at most REPORT_WARN_PER_DEV lines a device and then
 * a count; r->load_skipped counts every value left out. A device whose
 * MAC (or, without one, whose id as an address) is not valid is left out
 * whole; so is a destination whose address, scope, protocol, port,
 * direction or domain is not (a profile learnt from it would be wrong).
 *
 * Left to the commands: what they make of valid values (enforce's
 * lower-cased names with a dot, its dropping of unproven addresses).
 * Findings are not read (r->findings stays NULL: the detectors make them
 * from the records).
 */
#ifndef ALFOIL_ANALYZE_REPORT_LOAD_H
#define ALFOIL_ANALYZE_REPORT_LOAD_H

#include <stddef.h>

#include "analyze/report.h"

#define REPORT_WARN_PER_DEV 16
#define REPORT_LOAD_MAX_DEVICES 65536
#define REPORT_LABEL_MAX 64 /* bytes of a device's label */

typedef void (*report_warn_fn)(const char *fmt, ...);

/* NULL with err set when the file cannot be read, is not JSON, has no
 * "devices" array, names a schema other than REPORT_SCHEMA (a report
 * without "schema" is read: hand-trimmed ones are), or out of memory.
 * warn may be NULL. Free the report with report_free. */
struct report *report_load(const char *path, report_warn_fn warn, char *err, size_t errlen);
/* The same from len bytes in memory; name is what messages call it. */
struct report *report_load_buf(const char *buf, size_t len, const char *name, report_warn_fn warn, char *err,
			       size_t errlen);

#endif
