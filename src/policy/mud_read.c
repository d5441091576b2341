/* mud_read.c - MUD files read and validated (see mud.h): strictly for
 * profile check and inspect (the first problem is an error naming its JSON
 * path), leniently for enforce (a bad entry is left out with a warning and
 * the rest kept). Names and prefixes end up in nftables rulesets and DNS
 * server configurations: only host names and well-formed prefixes pass. */
#include "policy/mud.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/addr.h"
#include "lib/hostname.h"

static int fail(char *err, size_t errlen, const char *path, const char *what)
{
	snprintf(err, errlen, "%s: %s", path, what);
	return -1;
}

int mud_prefix_parse(const char *net, unsigned char addr[static 16], int *v6, int *bits)
{
	char a[64];
	size_t n = strcspn(net, "/");
	if (n >= sizeof a)
		return -1;
	memcpy(a, net, n);
	a[n] = '\0';
	*v6 = strchr(a, ':') != NULL;
	memset(addr, 0, 16);
	if (inet_pton(*v6 ? AF_INET6 : AF_INET, a, addr) != 1)
		return -1;
	int max = *v6 ? 128 : 32;
	if (!net[n]) {
		*bits = max;
		return 0;
	}
	const char *d = net + n + 1;
	size_t nd = strspn(d, "0123456789");
	if (!nd || nd > 3 || d[nd])
		return -1; /* digits only: strtol would take " 24", "+24", "\n24" */
	*bits = 0;
	for (size_t i = 0; i < nd; i++)
		*bits = *bits * 10 + (d[i] - '0');
	return *bits <= max ? 0 : -1;
}

int mud_prefix_ok(const char *net)
{
	unsigned char b[16];
	int v6, bits;
	return mud_prefix_parse(net, b, &v6, &bits) == 0;
}

/* RFC 8519 port-range-or-operator: {lower-port, upper-port} or
 * {operator: eq|lte|gte (neq is refused: a profile lists what is allowed), port} */
static int port_num(const json_t *v, long *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 65535)
		return -1;
	*out = (long)json_integer_value(v);
	return 0;
}

static int port_match(const json_t *pm, struct mud_rule *r, const char *path, char *err, size_t errlen)
{
	char p2[400];
	long lo, hi;
	if (json_object_get(pm, "lower-port") || json_object_get(pm, "upper-port")) {
		snprintf(p2, sizeof p2, "%s.lower-port", path);
		if (port_num(json_object_get(pm, "lower-port"), &lo) < 0)
			return fail(err, errlen, p2, "not a port number 0..65535");
		snprintf(p2, sizeof p2, "%s.upper-port", path);
		if (port_num(json_object_get(pm, "upper-port"), &hi) < 0)
			return fail(err, errlen, p2, "not a port number 0..65535");
		if (hi < lo)
			return fail(err, errlen, p2, "below lower-port");
	} else {
		long v;
		snprintf(p2, sizeof p2, "%s.port", path);
		if (port_num(json_object_get(pm, "port"), &v) < 0)
			return fail(err, errlen, p2, "not a port number 0..65535");
		const char *op = json_string_value(json_object_get(pm, "operator"));
		snprintf(p2, sizeof p2, "%s.operator", path);
		if (!op || !strcmp(op, "eq"))
			lo = hi = v;
		else if (!strcmp(op, "lte"))
			lo = 1, hi = v;
		else if (!strcmp(op, "gte"))
			lo = v, hi = 65535;
		else
			return fail(err, errlen, p2, "only eq, lte, gte or a lower-port/upper-port range is supported");
	}
	if (lo == 0 && hi == 65535)
		lo = hi = 0; /* any port */
	r->port = (uint16_t)lo;
	r->port_hi = hi > lo ? (uint16_t)hi : 0;
	return 0;
}

/* One reading: strict (warn NULL: the first problem fails it) or lenient. */
struct rd {
	const char *where; /* "FILE: " or "" */
	struct mud_profile *out;
	void (*warn)(const char *fmt, ...);
	char *err;
	size_t errlen;
};

/* An entry is bad (rd->err says where and why): -1 when strict; lenient,
 * told and counted, 0 to go on without it. */
static int entry_bad(struct rd *rd)
{
	if (!rd->warn)
		return -1;
	rd->out->n_skipped++;
	if (rd->out->n_skipped <= MUD_WARN_MAX)
		rd->warn("%s%s; left out", rd->where, rd->err);
	return 0;
}

/* The ip part of an ACE's matches (fam "ipv4" or "ipv6"), k 0 the
 * from-device policy, 1 the to-device one */
static int ace_ip(const json_t *m, const char *fam, int k, const char *path, struct mud_rule *r, struct rd *rd)
{
	const json_t *ip = json_object_get(m, fam);
	char p2[400], key[40];
	const json_t *pr = json_object_get(ip, "protocol");
	if (pr && (!json_is_integer(pr) || json_integer_value(pr) < 0 || json_integer_value(pr) > 255)) {
		snprintf(p2, sizeof p2, "%s.matches.%s.protocol", path, fam);
		return fail(rd->err, rd->errlen, p2, "not a protocol number 0..255");
	}
	r->proto = (uint8_t)json_integer_value(pr);
	const json_t *dnv = json_object_get(ip, k == 0 ? "ietf-acldns:dst-dnsname" : "ietf-acldns:src-dnsname");
	const char *dn = json_string_value(dnv);
	snprintf(key, sizeof key, "%s-%s-network", k == 0 ? "destination" : "source", fam);
	const json_t *netv = json_object_get(ip, key);
	const char *net = json_string_value(netv);
	if (dnv && (!dn || !hostname_ok(dn))) {
		snprintf(p2, sizeof p2, "%s.matches.%s.ietf-acldns:%s-dnsname", path, fam, k == 0 ? "dst" : "src");
		return fail(rd->err, rd->errlen, p2, "not a domain name (letters, digits, '-', '.', at most 253)");
	}
	if (netv && (!net || strlen(net) >= sizeof r->network || !mud_prefix_ok(net) ||
		     (strchr(net, ':') != NULL) != (r->family == 6))) {
		snprintf(p2, sizeof p2, "%s.matches.%s.%s", path, fam, key);
		return fail(rd->err, rd->errlen, p2,
			    r->family == 6 ? "not an IPv6 prefix like 2001:db8::/32" : "not an IPv4 prefix like 192.0.2.0/24");
	}
	if (dn)
		snprintf(r->dnsname, sizeof r->dnsname, "%s", dn);
	if (net)
		snprintf(r->network, sizeof r->network, "%s", net);
	return 0;
}

/* One ACE into r: 0 a rule, 1 none (not an accept, or only answers), -1 bad. */
static int parse_ace(const json_t *e, const json_t *acl, int k, const char *path, struct mud_rule *r, struct rd *rd)
{
	memset(r, 0, sizeof *r);
	r->from_device = k == 0;
	const json_t *m = json_object_get(e, "matches");
	const char *fwd = json_string_value(json_object_get(json_object_get(e, "actions"), "forwarding"));
	if (!json_is_object(m))
		return fail(rd->err, rd->errlen, path, "matches: missing or not an object");
	if (!fwd || (strcmp(fwd, "accept") && strcmp(fwd, "drop") && strcmp(fwd, "reject")))
		return fail(rd->err, rd->errlen, path, "actions.forwarding: not accept, drop or reject");
	if (strcmp(fwd, "accept"))
		return 1; /* a profile lists what is allowed */
	const char *fam = json_object_get(m, "ipv4") ? "ipv4" : json_object_get(m, "ipv6") ? "ipv6" : NULL;
	const char *type = json_string_value(json_object_get(acl, "type"));
	r->family = fam ? (fam[3] == '4' ? 4 : 6)
		  : type && !strcmp(type, "ipv4-acl-type") ? 4
		  : type && !strcmp(type, "ipv6-acl-type") ? 6 : 0;
	if (fam && ace_ip(m, fam, k, path, r, rd) < 0)
		return -1;
	/* RFC 8520 section 8 classes: alfoil cannot tell which local device
	 * is a manufacturer's or a controller, so each class stands for the
	 * local network; the well-known DNS and NTP controllers are the
	 * network's own */
	static const char *const classes[] = { "local-networks", "same-manufacturer", "manufacturer",
					       "model", "controller", "my-controller" };
	for (size_t c = 0; c < sizeof classes / sizeof *classes; c++)
		if (json_object_get(json_object_get(m, "ietf-mud:mud"), classes[c])) {
			r->local = 1;
			r->peer = c == 1 ? MUD_PEER_SAME_MFG : c >= 4 ? MUD_PEER_CONTROLLER : MUD_PEER_LAN;
		}
	const json_t *l4 = json_object_get(m, "tcp");
	if (!l4)
		l4 = json_object_get(m, "udp");
	if (l4) {
		/* which end holds the service port tells who opens it */
		const json_t *pm = json_object_get(l4, "destination-port");
		int dst = pm != NULL;
		if (!pm)
			pm = json_object_get(l4, "source-port");
		r->from_device = (k == 0) == dst;
		const char *init = json_string_value(json_object_get(l4, "ietf-mud:direction-initiated"));
		if (init)
			r->from_device = !strcmp(init, "from-device");
		if (pm) {
			char p2[340];
			snprintf(p2, sizeof p2, "%s.matches.%s.%s", path, json_object_get(m, "tcp") ? "tcp" : "udp",
				 dst ? "destination-port" : "source-port");
			if (port_match(pm, r, p2, rd->err, rd->errlen) < 0)
				return -1;
			if (!dst)
				return 1; /* the answers of an exchange the other list
					   * opens: no permission to open one */
		}
		if (!r->proto)
			r->proto = json_object_get(m, "tcp") ? 6 : 17;
	}
	return 0;
}

/* The ACL named by one reference of policy k; -1 bad (rd->err), else 0 */
static int parse_ref(const json_t *ref, size_t i, int k, const json_t *acls, const char *acl_top, struct rd *rd)
{
	static const char *const pol[2] = { "from-device-policy", "to-device-policy" };
	char path[300];
	const char *name = json_string_value(json_object_get(ref, "name"));
	snprintf(path, sizeof path, "ietf-mud:mud.%s.access-lists.access-list[%zu].name", pol[k], i);
	if (!name)
		return fail(rd->err, rd->errlen, path, "missing or not a string");
	const json_t *found = NULL, *acl;
	size_t fi = 0, j, a;
	json_array_foreach(acls, j, acl)
		if (json_is_string(json_object_get(acl, "name")) && !strcmp(json_string_value(json_object_get(acl, "name")), name))
			found = acl, fi = j;
	if (!found) {
		char p2[300];
		snprintf(p2, sizeof p2, "names no ACL in %s.acl", acl_top);
		return fail(rd->err, rd->errlen, path, p2);
	}
	const json_t *aces = json_object_get(json_object_get(found, "aces"), "ace"), *e;
	if (!json_is_array(aces)) {
		snprintf(path, sizeof path, "%s.acl[%zu].aces.ace", acl_top, fi);
		return fail(rd->err, rd->errlen, path, "missing or not an array");
	}
	json_array_foreach(aces, a, e) {
		struct mud_rule r;
		snprintf(path, sizeof path, "%s.acl[%zu].aces.ace[%zu]", acl_top, fi, a);
		int rc = parse_ace(e, found, k, path, &r, rd);
		if (rc < 0 && entry_bad(rd) < 0)
			return -1;
		if (rc == 0 && mud_add_rule(rd->out, &r) < 0)
			return fail(rd->err, rd->errlen, path, "too many rules");
	}
	return 0;
}

static int parse_mud(const json_t *doc, struct rd *rd)
{
	char path[256];
	struct mud_profile *out = rd->out;
	memset(out, 0, sizeof *out);
	const json_t *mud = json_object_get(doc, "ietf-mud:mud");
	if (!json_is_object(mud))
		return fail(rd->err, rd->errlen, "ietf-mud:mud", "missing or not an object");
	const json_t *ver = json_object_get(mud, "mud-version");
	if (!json_is_integer(ver) || json_integer_value(ver) != 1)
		return fail(rd->err, rd->errlen, "ietf-mud:mud.mud-version", "must be 1");
	if (!json_is_string(json_object_get(mud, "mud-url")))
		return fail(rd->err, rd->errlen, "ietf-mud:mud.mud-url", "missing or not a string");
	if (!json_is_string(json_object_get(mud, "last-update")))
		return fail(rd->err, rd->errlen, "ietf-mud:mud.last-update", "missing or not a string");
	const char *si = json_string_value(json_object_get(mud, "systeminfo"));
	snprintf(out->systeminfo, sizeof out->systeminfo, "%s", si ? si : "");
	const char *mf = json_string_value(json_object_get(mud, "mfg-name"));
	snprintf(out->mfg_name, sizeof out->mfg_name, "%s", mf && strcmp(mf, "unknown") ? mf : "");
	/* "access-lists" is the container's name in the drafts before RFC 8519,
	 * which MUD files made with MUDgee and other early tools still use */
	const char *acl_top = json_object_get(doc, "ietf-access-control-list:acls") ||
					      !json_object_get(doc, "ietf-access-control-list:access-lists")
				      ? "ietf-access-control-list:acls"
				      : "ietf-access-control-list:access-lists";
	const json_t *acls = json_object_get(json_object_get(doc, acl_top), "acl");
	if (!json_is_array(acls)) {
		snprintf(path, sizeof path, "%s.acl", acl_top);
		return fail(rd->err, rd->errlen, path, "missing or not an array");
	}
	static const char *const pol[2] = { "from-device-policy", "to-device-policy" };
	for (int k = 0; k < 2; k++) {
		if (!json_object_get(mud, pol[k]))
			continue; /* a policy may be absent */
		const json_t *pl = json_object_get(json_object_get(json_object_get(mud, pol[k]), "access-lists"), "access-list");
		if (!json_is_array(pl)) {
			snprintf(path, sizeof path, "ietf-mud:mud.%s.access-lists.access-list", pol[k]);
			fail(rd->err, rd->errlen, path, "missing or not an array");
			if (entry_bad(rd) < 0)
				return -1;
			continue;
		}
		size_t i;
		json_t *ref;
		json_array_foreach(pl, i, ref)
			if (parse_ref(ref, i, k, acls, acl_top, rd) < 0 && entry_bad(rd) < 0)
				return -1;
	}
	if (rd->warn && out->n_skipped > MUD_WARN_MAX)
		rd->warn("%s%zu more entries left out", rd->where, out->n_skipped - MUD_WARN_MAX);
	return 0;
}

static int read_doc(const char *where, const json_t *doc, struct mud_profile *out, void (*warn)(const char *fmt, ...),
		    char *err, size_t errlen)
{
	struct rd rd = { where, out, warn, err, errlen };
	if (parse_mud(doc, &rd) == 0)
		return 0;
	mud_profile_free(out); /* nothing half read is kept */
	return -1;
}

int mud_from_json(const json_t *doc, struct mud_profile *out, char *err, size_t errlen)
{
	return read_doc("", doc, out, NULL, err, errlen);
}

int mud_from_json_skip(const json_t *doc, struct mud_profile *out, void (*warn)(const char *fmt, ...), char *err,
		       size_t errlen)
{
	return read_doc("", doc, out, warn, err, errlen);
}
/* ---- a directory of profiles ---------------------------------------------- */

static int mac_file_name(const char *n)
{
	if (strlen(n) != 22 || strcmp(n + 17, ".json"))
		return 0;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? n[i] != '-' : !isxdigit((unsigned char)n[i]))
			return 0;
	return 1;
}

static int add_bad(struct mud_set *out, const char *name)
{
	if ((out->n_bad & (out->n_bad - 1)) == 0) {
		char(*v)[18] = realloc(out->bad, (out->n_bad ? out->n_bad * 2 : 1) * sizeof *v);
		if (!v)
			return -1;
		out->bad = v;
	}
	for (int i = 0; i < 17; i++)
		out->bad[out->n_bad][i] = name[i] == '-' ? ':' : (char)tolower((unsigned char)name[i]);
	out->bad[out->n_bad++][17] = '\0';
	return 0;
}

/* One file into out->v[out->n] (room made by the caller): 0 read, 1 left
 * out (lenient, told), -1 error (err set). */
static int load_one(const char *dir, const char *name, struct mud_set *out, void (*warn)(const char *fmt, ...),
		    char *err, size_t errlen)
{
	char path[4096], why[512], where[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(where, sizeof where, "%s: ", path);
	json_error_t je;
	struct mud_entry *m = &out->v[out->n];
	char text[18];
	uint8_t mac[6];
	int rc = 0;
	snprintf(text, sizeof text, "%.17s", name);
	int station = mac_parse(mac, text) == 0 && !mac_is_group(mac) && !mac_is_zero(mac);
	json_t *doc = station ? json_load_file(path, 0, &je) : NULL;
	if (!station) {
		snprintf(err, errlen, "%s: named for a group (multicast, broadcast) or all-zero MAC, not a device", path);
		rc = -1;
	} else if (!doc) {
		snprintf(err, errlen, "%s: line %d: %s", path, je.line, je.text);
		rc = -1;
	} else if (read_doc(where, doc, &m->p, warn, why, sizeof why) < 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		rc = -1;
	} else {
		for (int i = 0; i < 17; i++)
			m->mac[i] = name[i] == '-' ? ':' : (char)tolower((unsigned char)name[i]);
		m->mac[17] = '\0';
		out->n++;
	}
	json_decref(doc);
	if (rc < 0 && warn && !station) {
		warn("%s; left out", err);
		return 1;
	}
	if (rc < 0 && warn) {
		warn("%s; this device's profile is left out", err);
		if (add_bad(out, name) < 0) {
			snprintf(err, errlen, "%s: out of memory", path);
			return -1;
		}
		return 1;
	}
	return rc;
}

static int load_dir(const char *dir, struct mud_set *out, void (*warn)(const char *fmt, ...), char *err,
		    size_t errlen)
{
	memset(out, 0, sizeof *out);
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	struct dirent *e;
	size_t cap = 0;
	int rc = 0;
	while (!rc && (e = readdir(d))) {
		if (!mac_file_name(e->d_name))
			continue;
		if (out->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct mud_entry *v = realloc(out->v, nc * sizeof *v);
			if (!v) {
				snprintf(err, errlen, "%s/%s: out of memory", dir, e->d_name);
				rc = -1;
				break;
			}
			out->v = v;
			cap = nc;
		}
		rc = load_one(dir, e->d_name, out, warn, err, errlen) < 0 ? -1 : 0;
	}
	closedir(d);
	if (rc)
		mud_set_free(out);
	return rc;
}

int mud_load_dir(const char *dir, struct mud_set *out, char *err, size_t errlen)
{
	return load_dir(dir, out, NULL, err, errlen);
}

int mud_load_dir_skip(const char *dir, struct mud_set *out, void (*warn)(const char *fmt, ...), char *err,
		      size_t errlen)
{
	return load_dir(dir, out, warn, err, errlen);
}

const struct mud_profile *mud_set_find(const struct mud_set *s, const char *mac)
{
	for (size_t i = 0; s && mac && i < s->n; i++)
		if (!strcasecmp(s->v[i].mac, mac))
			return &s->v[i].p;
	return NULL;
}

void mud_set_free(struct mud_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		mud_profile_free(&s->v[i].p);
	free(s->v);
	free(s->bad);
	memset(s, 0, sizeof *s);
}
