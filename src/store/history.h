/* history.h - the store's rows back into records: the report of a window
 * of time (what `alfoil report` prints, what watch's baseline is made
 * from) and the inventory (`alfoil devices`).
 *
 * A report from history is made the way a saved report is read: the rows
 * are put together as a report JSON document (docs/json-schema.md), the
 * device's record (devices.record, the JSON object output/json.c wrote)
 * with its destinations summed from dest_hours and dest_days, and read
 * with report_load_buf(), so that one loader checks every value whatever
 * the database holds (the file is anyone's). docs/store.md says what a
 * window means for rows of whole hours and days.
 */
#ifndef ALFOIL_STORE_HISTORY_H
#define ALFOIL_STORE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/findings.h"
#include "analyze/report.h"
#include "analyze/report_load.h"
#include "lib/addr.h"
#include "store/store.h"

/* Microseconds since the epoch; 0 / NULL: open. until is exclusive. */
struct store_window {
	uint64_t since_us, until_us;
	const char *device; /* a device id (rep_device.id), or NULL: all */
};

/* The report of the window from the database: the same records (and so the
 * same JSON schema) as inspect's: devices from devices.record, destinations
 * summed over dest_hours + dest_days in the window (bytes, packets, flows;
 * first min, last max; the latest record's names), device counters from
 * device_hours/device_days; findings are NOT read here (the command runs the
 * detectors on the records, as inspect does). Built as a report JSON and read
 * with report_load_buf(), so one loader checks it all. NULL with err.
 *
 * The home country is the one the store keeps (meta), destinations are
 * folded with the detectors' default infra_bytes; a command with other
 * ones sets r->home_country and calls report_resum(). A labelled device
 * (devices.label) has it in rep_device.label (and display). The capture's
 * first and last seen are those of the devices; its packet and byte counts
 * and inputs are not kept by the store (0, none: r->history is set, and the
 * text and HTML headers say "from the history"). A device's DNS queries
 * and answers are the rows of the queries and names tables seen in the
 * window, with their counts over all time (the tables keep no hours); a
 * device without such rows keeps its record's lists when the window is
 * open, and has none in a window. */
struct report *store_report(struct store *s, const struct store_window *w, report_warn_fn warn,
			    char *err, size_t errlen);

/* Strings the findings read back point into (their values' names). */
struct store_strs {
	char **v;
	size_t n, cap;
};
void store_strs_free(struct store_strs *a);

/* The findings the table keeps of the kinds named (NULL-terminated: those
 * the detectors cannot make again from records, such as beacon and the
 * ARP ones, whose evidence is in no record) that were found in the window
 * (last found at or after its start, first before its end) and of its
 * device, added to out as they were last written: kind (the caller's
 * string), severity, device, subject, key, first and last seen, evidence
 * (kept.c says how its values are typed again). The values' names are
 * copied into names, which must outlive out. Rows this build cannot read
 * are left out. 0, or -1 with err. */
int store_findings(struct store *s, const struct store_window *w, const char *const *kinds, struct findings *out,
		   struct store_strs *names, char *err, size_t errlen);

/* One line of the inventory: the devices table, text made safe to show
 * (lib/utf8.h: what is not becomes '?'). */
struct store_device {
	char id[ADDR_STRLEN];
	char *label, *notes;     /* NULL: none */
	char *maker, *kind, *what, *brand, *model, *display; /* NULL: unknown */
	uint64_t first_us, last_us;
	int gateway;             /* the router (its record's roles) */
	char ipv4[ADDR_STRLEN];  /* its first IPv4 address, "" none */
};

struct store_devices {
	struct store_device *v;
	size_t n;
};

/* Every device, in the report's order (the router first, then by IPv4
 * address, then id). 0, or -1 with err. Free with store_devices_free. */
int store_devices(struct store *s, struct store_devices *out, char *err, size_t errlen);
void store_devices_free(struct store_devices *l);

#endif
