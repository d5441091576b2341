/* eve.c - an event as a line of EVE JSON (eve.h). */
#include "output/eve.h"

#include <jansson.h>
#include <time.h>

#include "lib/community_id.h"
#include "output/output.h"

/* Suricata's: 2026-11-01T08:00:04.123456+0000 */
static json_t *eve_time(uint64_t us)
{
	time_t s = (time_t)(us / 1000000u);
	struct tm tm;
	char b[48], d[24];
	if (!gmtime_r(&s, &tm) || !strftime(d, sizeof d, "%Y-%m-%dT%H:%M:%S", &tm))
		return json_null();
	snprintf(b, sizeof b, "%s.%06u+0000", d, (unsigned)(us % 1000000u));
	return json_string(b);
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 1: return "ICMP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 58: return "IPv6-ICMP";
	case 132: return "SCTP";
	default: return NULL;
	}
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

int output_eve(FILE *f, const struct eve_event *e)
{
	json_t *o = json_object(), *a = json_object();
	if (!o || !a) {
		json_decref(o);
		json_decref(a);
		return -1;
	}
	json_object_set_new(o, "timestamp", eve_time(e->time_us));
	json_object_set_new(o, "event_type", json_string("alfoil"));
	if (e->has_flow) {
		char s[ADDR_STRLEN], d[ADDR_STRLEN], id[COMMUNITY_ID_LEN];
		json_object_set_new(o, "src_ip", json_string(addr_fmt(&e->src, s)));
		if (e->sport)
			json_object_set_new(o, "src_port", json_integer(e->sport));
		json_object_set_new(o, "dest_ip", json_string(addr_fmt(&e->dst, d)));
		json_object_set_new(o, "dest_port", json_integer(e->dport));
		const char *pn = proto_name(e->proto);
		json_object_set_new(o, "proto", pn ? json_string(pn) : json_integer(e->proto));
		if (e->sport && community_id(0, &e->src, &e->dst, e->proto, e->sport, e->dport, id) == 0)
			json_object_set_new(o, "community_id", json_string(id));
	}
	json_error_t je;
	json_t *ev = e->evidence ? json_loads(e->evidence, 0, &je) : NULL;
	json_object_set_new(a, "id", json_integer(e->id));
	json_object_set_new(a, "type", json_string(e->kind ? e->kind : "?"));
	json_object_set_new(a, "severity", str_or_null(e->severity));
	json_t *dev = json_object();
	json_object_set_new(dev, "mac", str_or_null(e->device));
	json_object_set_new(dev, "label", str_or_null(e->label));
	json_object_set_new(a, "device", dev);
	json_object_set_new(a, "subject", str_or_null(e->subject));
	json_object_set_new(a, "evidence", json_is_object(ev) ? ev : (json_decref(ev), json_object()));
	json_object_set_new(a, "advice", str_or_null(e->advice));
	json_object_set_new(o, "alfoil", a);
	int rc = json_dumpf(o, f, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(o);
	if (rc < 0 || fputc('\n', f) == EOF || fflush(f) != 0)
		return -1;
	return 0;
}

json_t *output_json_event(const struct eve_event *e)
{
	json_t *j = json_object(), *d = e->device ? json_object() : json_null();
	if (!j || !d) {
		json_decref(j);
		json_decref(d);
		return NULL;
	}
	json_error_t je;
	json_t *ev = e->evidence ? json_loads(e->evidence, 0, &je) : NULL;
	json_object_set_new(j, "time", output_json_time(e->time_us));
	json_object_set_new(j, "last_seen", output_json_time(e->last_us ? e->last_us : e->time_us));
	json_object_set_new(j, "type", json_string(e->kind ? e->kind : "?"));
	json_object_set_new(j, "severity", str_or_null(e->severity));
	json_object_set_new(j, "count", json_integer((json_int_t)(e->count ? e->count : 1)));
	if (e->device) {
		json_object_set_new(d, "mac", json_string(e->device));
		json_object_set_new(d, "label", str_or_null(e->label));
		json_object_set_new(d, "name", str_or_null(e->name));
	}
	json_object_set_new(j, "device", d);
	json_object_set_new(j, "subject", str_or_null(e->subject));
	json_object_set_new(j, "evidence", json_is_object(ev) ? ev : (json_decref(ev), json_object()));
	json_object_set_new(j, "advice", str_or_null(e->advice));
	json_object_set_new(j, "state", str_or_null(e->state ? e->state : "new"));
	json_object_set_new(j, "id", json_integer(e->id));
	return j;
}
