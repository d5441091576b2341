/* eve.h - an event as a line of EVE JSON, Suricata's format, so that
 * alfoil's events join Suricata's and Zeek's in Elastic, Splunk or Wazuh:
 * one object a line, "timestamp" with microseconds and offset,
 * "event_type": "alfoil", the flow's src_ip/src_port/dest_ip/dest_port/
 * proto and its community_id (lib/community_id.h) when the event is about
 * one, and alfoil's own fields under "alfoil". */
#ifndef ALFOIL_OUTPUT_EVE_H
#define ALFOIL_OUTPUT_EVE_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "lib/addr.h"

struct eve_event {
	int64_t id;
	uint64_t time_us, last_us, count; /* last_us, count: 0 for one just said */
	const char *kind, *device, *label, *name, *subject, *severity, *advice, *state;
	const char *evidence; /* a JSON object as text, or NULL */
	int has_flow;         /* src .. proto are set */
	struct ip_addr src, dst;
	uint16_t sport, dport; /* sport 0: not known (no community_id then) */
	uint8_t proto;
};

/* One line, flushed. 0, or -1 when writing failed or memory ran out. */
int output_eve(FILE *f, const struct eve_event *e);

/* The event as alfoil events --json prints it (and the webhook sends
 * it): time, last_seen, type, severity, count, device {mac, label, name},
 * subject, evidence, advice, state, id. NULL when out of memory. */
json_t *output_json_event(const struct eve_event *e);

#endif
