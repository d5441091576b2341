/* mud.h - device behaviour profiles as IETF MUD files (RFC 8520):
 * ietf-mud:mud and ietf-access-control-list:acls (RFC 8519), with the
 * ietf-acldns domain-name matches of RFC 8520 section 16.
 *
 * A profile is learnt from what a device did (the report's records of it),
 * written as a MUD file, read back (ours or anyone's), validated
 * with errors that name the JSON path, and used to check traffic.
 */
#ifndef ALFOIL_POLICY_MUD_H
#define ALFOIL_POLICY_MUD_H

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
	uint8_t peer;        /* local: which LAN hosts (RFC 8520 section 8), MUD_PEER_* */
};

/* The local peer of a rule: any LAN host (local-networks, and manufacturer
 * and model, which alfoil cannot tell), one of the same maker (by the MAC's
 * OUI: same-manufacturer), or the device's controller (controller,
 * my-controller: the policy file's 'controller = MAC' lines). Only the
 * bridge table (alfoil enforce --bridge) tells them apart. */
enum { MUD_PEER_LAN = 0, MUD_PEER_SAME_MFG = 1, MUD_PEER_CONTROLLER = 2 };

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
	size_t n_skipped; /* entries left out (learn: destinations; a lenient read: ACEs) */
};

/* At most this many warnings for one profile, then a count. */
#define MUD_WARN_MAX 8

void mud_profile_free(struct mud_profile *p);
#define MUD_MAX_RULES 4096
/* Adds r (a rule equal but for the family becomes one for both); -1 when
 * full (MUD_MAX_RULES) or out of memory. */
int mud_add_rule(struct mud_profile *p, const struct mud_rule *r);

struct rep_device;
struct rep_dest;

/* From one device of the report's records (its destinations). A
 * destination that cannot be a rule (a scope the report does not have, a
 * domain from a packet that is not a host name) is left out, told to warn
 * (which may be NULL) and counted in n_skipped. The MAC is the caller's to
 * check. */
int mud_learn(const struct rep_device *device, struct mud_profile *out, void (*warn)(const char *fmt, ...),
	      char *err, size_t errlen);

/* One destination as mud_learn checks it: NULL when good, else what is
 * wrong ("domain: not a host name ..."). */
const char *mud_dest_problem(const struct rep_dest *dest);

/* The MUD document; mud_url names where it would be published. */
json_t *mud_to_json(const struct mud_profile *p, const char *mud_url, const char *when);

/* Read and validate; err names the JSON path of the first problem. */
int mud_from_json(const json_t *doc, struct mud_profile *out, char *err, size_t errlen);
/* The same, leniently: an entry that is not valid (an ACE, an access-list
 * reference, an ACL's ace list) is left out and told to warn ("PATH: why",
 * at most MUD_WARN_MAX lines, then a count); only a document without its
 * ietf-mud:mud container, version 1, mud-url, last-update and acl list is
 * an error. Leaving an ACE out allows less, never more. */
int mud_from_json_skip(const json_t *doc, struct mud_profile *out, void (*warn)(const char *fmt, ...), char *err,
		       size_t errlen);

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
	char (*bad)[18]; /* mud_load_dir_skip: the MACs of files left out */
	size_t n_bad;
};

/* Reads every aa-bb-cc-dd-ee-ff.json in dir. A file that cannot be read or
 * is not valid MUD is an error naming the file and the JSON path: -1 with
 * err set and nothing loaded. A directory without profiles is not an error. */
int mud_load_dir(const char *dir, struct mud_set *out, char *err, size_t errlen);
/* The same for enforce, where one bad file must not disarm the others: a
 * file that cannot be read or is not MUD is left out, told to warn
 * ("FILE: why") and its MAC listed in out->bad; entries are read with
 * mud_from_json_skip. -1 only when dir cannot be read or out of memory. */
int mud_load_dir_skip(const char *dir, struct mud_set *out, void (*warn)(const char *fmt, ...), char *err,
		      size_t errlen);
const struct mud_profile *mud_set_find(const struct mud_set *s, const char *mac);
void mud_set_free(struct mud_set *s);

/* "192.0.2.0/24", "2001:db8::/32" or one address: well formed? The
 * address as inet_pton reads it, the length 1..3 decimal digits and nothing
 * else (no sign, space or newline), at most 32 or 128. */
int mud_prefix_ok(const char *net);
/* The same, parsed: the address (4 or 16 bytes), its family, the length
 * (32 or 128 when none is written). 0, or -1 when not well formed. */
int mud_prefix_parse(const char *net, unsigned char addr[static 16], int *v6, int *bits);

#endif
