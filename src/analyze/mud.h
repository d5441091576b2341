/* mud.h - device behaviour profiles as IETF MUD files (RFC 8520):
 * ietf-mud:mud and ietf-access-control-list:acls (RFC 8519), with the
 * ietf-acldns domain-name matches of RFC 8520 section 16.
 *
 * A profile is learnt from what a device did (an alfoil inspect JSON
 * report), written as a MUD file, read back (ours or anyone's), validated
 * with errors that name the JSON path, and used to check traffic.
 */
#ifndef ALFOIL_ANALYZE_MUD_H
#define ALFOIL_ANALYZE_MUD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* One allowed exchange. */
struct mud_rule {
	int from_device;     /* 1: the device opens it (from-device-policy) */
	int local;           /* the peer is on the local network (ietf-mud local-networks) */
	char dnsname[256];   /* internet peer by name, or "" */
	char network[64];    /* internet peer by address or prefix ("1.2.3.0/24"), or "" */
	uint8_t proto;       /* 6, 17, 1, 58, or 0 for any */
	uint16_t port;       /* the service port (destination for the opener), 0 any */
	uint16_t port_hi;    /* ports port..port_hi when above port, else port alone */
	uint8_t family;      /* 4 or 6 when the rule is for one IP version only, else 0 */
};

/* Ports at or above this that a device uses with three or more different
 * numbers towards one peer are the other end's temporary ports (answers to
 * a phone app's discovery, for example): learn keeps them as one range. */
#define MUD_EPHEMERAL_MIN 1024
#define MUD_EPHEMERAL_SPREAD 3

struct mud_profile {
	char mac[18];
	char systeminfo[256];
	char mfg_name[128]; /* the maker (the MAC registry's, else the brand), or "" */
	struct mud_rule *rules;
	size_t n;
};

void mud_profile_free(struct mud_profile *p);

/* From one device of an inspect --json report (its "destinations"). */
int mud_learn(const json_t *device, struct mud_profile *out, char *err, size_t errlen);

/* The MUD document; mud_url names where it would be published. */
json_t *mud_to_json(const struct mud_profile *p, const char *mud_url, const char *when);

/* Read and validate; err names the JSON path of the first problem. */
int mud_from_json(const json_t *doc, struct mud_profile *out, char *err, size_t errlen);

/* Does the profile allow this exchange? (dnsname may be NULL) */
int mud_allows(const struct mud_profile *p, int from_device, int local, const char *dnsname,
	       const char *addr, uint8_t proto, uint16_t port);

/* The profiles of a directory: one MUD file per device, named after its MAC
 * (aa-bb-cc-dd-ee-ff.json, as profile learn writes them). */
struct mud_entry {
	char mac[18]; /* lower case, colons */
	struct mud_profile p;
};
struct mud_set {
	struct mud_entry *v;
	size_t n;
};

/* Reads every aa-bb-cc-dd-ee-ff.json in dir. A file that cannot be read or
 * is not valid MUD is an error naming the file and the JSON path: -1 with
 * err set and nothing loaded. A directory without profiles is not an error. */
int mud_load_dir(const char *dir, struct mud_set *out, char *err, size_t errlen);
const struct mud_profile *mud_set_find(const struct mud_set *s, const char *mac);
void mud_set_free(struct mud_set *s);

/* "192.0.2.0/24", "2001:db8::/32" or one address: well formed? */
int mud_prefix_ok(const char *net);

#endif
