/* mud.c - MUD profiles (see mud.h). */
#include "analyze/mud.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MUD_MAX_RULES 4096

void mud_profile_free(struct mud_profile *p)
{
	free(p->rules);
	memset(p, 0, sizeof *p);
}

static int add_rule(struct mud_profile *p, const struct mud_rule *r)
{
	for (size_t i = 0; i < p->n; i++) {
		struct mud_rule a = p->rules[i];
		a.family = r->family;
		if (!memcmp(&a, r, sizeof *r)) {
			if (p->rules[i].family != r->family)
				p->rules[i].family = 0; /* the same rule for IPv4 and IPv6 */
			return 0;
		}
	}
	if (p->n == MUD_MAX_RULES)
		return -1;
	struct mud_rule *v = realloc(p->rules, (p->n + 1) * sizeof *v);
	if (!v)
		return -1;
	p->rules = v;
	p->rules[p->n++] = *r;
	return 0;
}

static uint8_t proto_num(const char *s)
{
	if (!s)
		return 0;
	if (!strcmp(s, "tcp"))
		return 6;
	if (!strcmp(s, "udp"))
		return 17;
	if (!strcmp(s, "icmp"))
		return 1;
	if (!strcmp(s, "icmpv6"))
		return 58;
	return 0;
}

/* Rules of one peer and protocol sort together, by port. */
struct cand {
	struct mud_rule r;
	int service; /* a protocol alfoil recognised, or a port below MUD_EPHEMERAL_MIN */
	size_t at;   /* place in the report (busiest first) */
};

static int same_peer(const struct mud_rule *a, const struct mud_rule *b)
{
	return a->from_device == b->from_device && a->local == b->local && a->proto == b->proto &&
	       !strcmp(a->dnsname, b->dnsname) && !strcmp(a->network, b->network);
}

static int cand_cmp(const void *pa, const void *pb)
{
	const struct mud_rule *a = &((const struct cand *)pa)->r, *b = &((const struct cand *)pb)->r;
	int c;
	if ((c = a->from_device - b->from_device) || (c = a->local - b->local) || (c = a->proto - b->proto) ||
	    (c = strcmp(a->dnsname, b->dnsname)) || (c = strcmp(a->network, b->network)))
		return c;
	return (int)a->port - (int)b->port;
}

/* Three or more unrecognised high ports towards one peer are that peer's
 * temporary ports: one rule for the range instead of one per port. */
static int cand_at(const void *pa, const void *pb)
{
	size_t a = ((const struct cand *)pa)->at, b = ((const struct cand *)pb)->at;
	return (a > b) - (a < b);
}

static void fold_ephemeral(struct cand *c, size_t n)
{
	qsort(c, n, sizeof *c, cand_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i, ports = 0;
		uint16_t last = 0;
		while (j < n && same_peer(&c[i].r, &c[j].r)) {
			if (!c[j].service && c[j].r.port != last)
				ports++, last = c[j].r.port;
			j++;
		}
		if (ports >= MUD_EPHEMERAL_SPREAD)
			for (size_t k = i; k < j; k++)
				if (!c[k].service) {
					c[k].r.port = MUD_EPHEMERAL_MIN;
					c[k].r.port_hi = 65535;
				}
		i = j;
	}
	qsort(c, n, sizeof *c, cand_at);
}

int mud_learn(const json_t *dev, struct mud_profile *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	const char *mac = json_string_value(json_object_get(dev, "mac"));
	if (!mac) {
		snprintf(err, errlen, "device has no MAC: a profile needs one");
		return -1;
	}
	snprintf(out->mac, sizeof out->mac, "%s", mac);
	const json_t *id = json_object_get(dev, "identity");
	const char *kind = json_string_value(json_object_get(id, "kind"));
	const char *brand = json_string_value(json_object_get(id, "brand"));
	snprintf(out->systeminfo, sizeof out->systeminfo, "%s%s%s (learned by alfoil)", brand ? brand : "",
		 brand && kind ? " " : "", kind ? kind : "device");
	const char *mfg = json_string_value(json_object_get(json_object_get(dev, "maker"), "name"));
	snprintf(out->mfg_name, sizeof out->mfg_name, "%s", mfg && *mfg ? mfg : brand ? brand : "");
	const json_t *dests = json_object_get(dev, "destinations");
	size_t i, n = 0;
	json_t *x;
	struct cand *c = calloc(json_array_size(dests) + 1, sizeof *c);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	json_array_foreach(dests, i, x) {
		struct mud_rule *r = &c[n].r;
		const char *scope = json_string_value(json_object_get(x, "scope"));
		const char *dir = json_string_value(json_object_get(x, "direction"));
		const char *addr = json_string_value(json_object_get(x, "address"));
		const char *dom = json_string_value(json_object_get(x, "domain"));
		if (!scope || !addr)
			continue;
		r->proto = proto_num(json_string_value(json_object_get(x, "proto")));
		r->port = (uint16_t)json_integer_value(json_object_get(x, "port"));
		r->from_device = !dir || strcmp(dir, "inbound") != 0;
		c[n].service = r->port < MUD_EPHEMERAL_MIN || json_is_string(json_object_get(x, "app")) ||
			       (r->proto != 6 && r->proto != 17);
		if (!strcmp(scope, "multicast") || !strcmp(scope, "broadcast")) {
			r->local = 1; /* discovery on the LAN */
		} else if (!strcmp(scope, "internet")) {
			if (dom) {
				snprintf(r->dnsname, sizeof r->dnsname, "%s", dom);
			} else {
				snprintf(r->network, sizeof r->network, "%s/%d", addr, strchr(addr, ':') ? 128 : 32);
				r->family = strchr(addr, ':') ? 6 : 4;
			}
		} else {
			r->local = 1;
		}
		if (r->proto == 1 || r->proto == 58)
			r->family = r->proto == 1 ? 4 : 6;
		c[n].at = n;
		n++;
	}
	fold_ephemeral(c, n);
	/* duplicates (folded ports) merge here */
	int rc = 0;
	for (i = 0; i < n && !rc; i++)
		if (add_rule(out, &c[i].r) < 0) {
			snprintf(err, errlen, "more than %d rules", MUD_MAX_RULES);
			rc = -1;
		}
	free(c);
	return rc;
}

/* ---- writing ------------------------------------------------------------ */

static json_t *ace(const struct mud_rule *r, int from, size_t n, int v6)
{
	char name[32];
	snprintf(name, sizeof name, "%s%zu-%s", r->local ? "loc" : "cl", n, from ? "frdev" : "todev");
	json_t *m = json_object();
	json_t *ip = json_object();
	if (r->proto)
		json_object_set_new(ip, "protocol", json_integer(r->proto));
	if (r->dnsname[0])
		json_object_set_new(ip, from ? "ietf-acldns:dst-dnsname" : "ietf-acldns:src-dnsname", json_string(r->dnsname));
	if (r->network[0])
		json_object_set_new(ip, from ? (v6 ? "destination-ipv6-network" : "destination-ipv4-network")
					     : (v6 ? "source-ipv6-network" : "source-ipv4-network"),
				    json_string(r->network));
	json_object_set_new(m, v6 ? "ipv6" : "ipv4", ip);
	if (r->local) {
		json_t *mm = json_object();
		json_t *nets = json_array();
		json_array_append_new(nets, json_null());
		json_object_set_new(mm, "local-networks", nets);
		json_object_set_new(m, "ietf-mud:mud", mm);
	}
	if ((r->proto == 6 || r->proto == 17) && r->port) {
		json_t *t = json_object(), *pm = json_object();
		if (r->port_hi > r->port) { /* RFC 8519 port-range */
			json_object_set_new(pm, "lower-port", json_integer(r->port));
			json_object_set_new(pm, "upper-port", json_integer(r->port_hi));
		} else {
			json_object_set_new(pm, "operator", json_string("eq"));
			json_object_set_new(pm, "port", json_integer(r->port));
		}
		/* the service port is the destination of packets going the
		 * way the exchange was opened, the source of the answers */
		json_object_set_new(t, from == r->from_device ? "destination-port" : "source-port", pm);
		if (r->proto == 6) /* RFC 8520 section 9: who may open the connection */
			json_object_set_new(t, "ietf-mud:direction-initiated",
					    json_string(r->from_device ? "from-device" : "to-device"));
		json_object_set_new(m, r->proto == 6 ? "tcp" : "udp", t);
	}
	json_t *a = json_object();
	json_object_set_new(a, "name", json_string(name));
	json_object_set_new(a, "matches", m);
	json_t *act = json_object();
	json_object_set_new(act, "forwarding", json_string("accept"));
	json_object_set_new(a, "actions", act);
	return a;
}

json_t *mud_to_json(const struct mud_profile *p, const char *mud_url, const char *when)
{
	json_t *root = json_object(), *mud = json_object();
	json_object_set_new(mud, "mud-version", json_integer(1));
	json_object_set_new(mud, "mud-url", json_string(mud_url));
	json_object_set_new(mud, "last-update", json_string(when));
	json_object_set_new(mud, "cache-validity", json_integer(48));
	json_object_set_new(mud, "is-supported", json_true());
	json_object_set_new(mud, "systeminfo", json_string(p->systeminfo));
	json_object_set_new(mud, "mfg-name", json_string(p->mfg_name[0] ? p->mfg_name : "unknown"));
	const char *acl_names[4] = { "from-ipv4-dev", "from-ipv6-dev", "to-ipv4-dev", "to-ipv6-dev" };
	json_t *fp = json_object(), *tp = json_object();
	json_t *fl = json_array(), *tl = json_array();
	for (int k = 0; k < 2; k++) {
		json_t *e = json_object();
		json_object_set_new(e, "name", json_string(acl_names[k]));
		json_array_append_new(fl, e);
		e = json_object();
		json_object_set_new(e, "name", json_string(acl_names[2 + k]));
		json_array_append_new(tl, e);
	}
	json_t *w = json_object();
	json_object_set_new(w, "access-list", fl);
	json_object_set_new(fp, "access-lists", w);
	w = json_object();
	json_object_set_new(w, "access-list", tl);
	json_object_set_new(tp, "access-lists", w);
	json_object_set_new(mud, "from-device-policy", fp);
	json_object_set_new(mud, "to-device-policy", tp);
	json_object_set_new(root, "ietf-mud:mud", mud);

	json_t *acls = json_object(), *acl = json_array();
	for (int k = 0; k < 4; k++) {
		int from = k < 2, v6 = k % 2;
		json_t *aces = json_array();
		size_t n = 0;
		for (size_t i = 0; i < p->n; i++) {
			const struct mud_rule *r = &p->rules[i];
			if (r->family && r->family != (v6 ? 6 : 4))
				continue;
			/* a rule lives in both directions' lists: the exchange
			 * goes out and its answers come back */
			json_array_append_new(aces, ace(r, from, n++, v6));
		}
		json_t *a = json_object(), *ac = json_object();
		json_object_set_new(a, "name", json_string(acl_names[k]));
		json_object_set_new(a, "type", json_string(v6 ? "ipv6-acl-type" : "ipv4-acl-type"));
		json_object_set_new(ac, "ace", aces);
		json_object_set_new(a, "aces", ac);
		json_array_append_new(acl, a);
	}
	json_object_set_new(acls, "acl", acl);
	json_object_set_new(root, "ietf-access-control-list:acls", acls);
	return root;
}

/* ---- reading -------------------------------------------------------------- */

static int fail(char *err, size_t errlen, const char *path, const char *what)
{
	snprintf(err, errlen, "%s: %s", path, what);
	return -1;
}

/* Names and prefixes from someone else's file end up in nftables and DNS
 * server configuration: only well-formed ones are taken. */
static int dns_name_ok(const char *s)
{
	size_t n = strlen(s), label = 0;
	if (!n || n > 253)
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p == '.') {
			if (!label)
				return 0;
			label = 0;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
			   *p == '_') {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	return 1;
}

int mud_prefix_ok(const char *net)
{
	char a[64];
	unsigned char b[16];
	size_t n = strcspn(net, "/");
	if (n >= sizeof a)
		return 0;
	memcpy(a, net, n);
	a[n] = '\0';
	int v6 = strchr(a, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, a, b) != 1)
		return 0;
	if (!net[n])
		return 1;
	char *end;
	long bits = strtol(net + n + 1, &end, 10);
	return end != net + n + 1 && !*end && bits >= 0 && bits <= (v6 ? 128 : 32);
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
	char p2[340];
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

static int parse_mud(const json_t *doc, struct mud_profile *out, char *err, size_t errlen)
{
	char path[256];
	memset(out, 0, sizeof *out);
	const json_t *mud = json_object_get(doc, "ietf-mud:mud");
	if (!json_is_object(mud))
		return fail(err, errlen, "ietf-mud:mud", "missing or not an object");
	const json_t *ver = json_object_get(mud, "mud-version");
	if (!json_is_integer(ver) || json_integer_value(ver) != 1)
		return fail(err, errlen, "ietf-mud:mud.mud-version", "must be 1");
	if (!json_is_string(json_object_get(mud, "mud-url")))
		return fail(err, errlen, "ietf-mud:mud.mud-url", "missing or not a string");
	if (!json_is_string(json_object_get(mud, "last-update")))
		return fail(err, errlen, "ietf-mud:mud.last-update", "missing or not a string");
	const char *si = json_string_value(json_object_get(mud, "systeminfo"));
	snprintf(out->systeminfo, sizeof out->systeminfo, "%s", si ? si : "");
	const char *mf = json_string_value(json_object_get(mud, "mfg-name"));
	snprintf(out->mfg_name, sizeof out->mfg_name, "%s", mf && strcmp(mf, "unknown") ? mf : "");
	/* which ACLs each policy names */
	const char *pol[2] = { "from-device-policy", "to-device-policy" };
	/* "access-lists" is the container's name in the drafts before RFC 8519,
	 * which MUD files made with MUDgee and other early tools still use */
	const char *acl_top = json_object_get(doc, "ietf-access-control-list:acls") || !json_object_get(doc, "ietf-access-control-list:access-lists")
				      ? "ietf-access-control-list:acls" : "ietf-access-control-list:access-lists";
	const json_t *acls = json_object_get(json_object_get(doc, acl_top), "acl");
	if (!json_is_array(acls)) {
		snprintf(path, sizeof path, "%s.acl", acl_top);
		return fail(err, errlen, path, "missing or not an array");
	}
	for (int k = 0; k < 2; k++) {
		const json_t *pl = json_object_get(json_object_get(json_object_get(mud, pol[k]), "access-lists"), "access-list");
		if (!json_object_get(mud, pol[k]))
			continue; /* a policy may be absent */
		if (!json_is_array(pl)) {
			snprintf(path, sizeof path, "ietf-mud:mud.%s.access-lists.access-list", pol[k]);
			return fail(err, errlen, path, "missing or not an array");
		}
		size_t i, j;
		json_t *ref, *acl;
		json_array_foreach(pl, i, ref) {
			const char *name = json_string_value(json_object_get(ref, "name"));
			snprintf(path, sizeof path, "ietf-mud:mud.%s.access-lists.access-list[%zu].name", pol[k], i);
			if (!name)
				return fail(err, errlen, path, "missing or not a string");
			const json_t *found = NULL;
			size_t fi = 0;
			json_array_foreach(acls, j, acl)
				if (json_is_string(json_object_get(acl, "name")) &&
				    !strcmp(json_string_value(json_object_get(acl, "name")), name))
					found = acl, fi = j;
			if (!found)
			{
				char p2[300];
				snprintf(p2, sizeof p2, "names no ACL in %s.acl", acl_top);
				return fail(err, errlen, path, p2);
			}
			size_t a;
			json_t *e;
			const json_t *aces = json_object_get(json_object_get(found, "aces"), "ace");
			if (!json_is_array(aces)) {
				snprintf(path, sizeof path, "%s.acl[%zu].aces.ace", acl_top, fi);
				return fail(err, errlen, path, "missing or not an array");
			}
			json_array_foreach(aces, a, e) {
				struct mud_rule r;
				memset(&r, 0, sizeof r);
				r.from_device = k == 0;
				snprintf(path, sizeof path, "%s.acl[%zu].aces.ace[%zu]", acl_top, fi, a);
				const json_t *m = json_object_get(e, "matches");
				const char *fwd = json_string_value(json_object_get(json_object_get(e, "actions"), "forwarding"));
				if (!json_is_object(m))
					return fail(err, errlen, path, "matches: missing or not an object");
				if (!fwd || (strcmp(fwd, "accept") && strcmp(fwd, "drop") && strcmp(fwd, "reject")))
					return fail(err, errlen, path, "actions.forwarding: not accept, drop or reject");
				if (strcmp(fwd, "accept"))
					continue; /* a profile lists what is allowed */
				const char *fam = json_object_get(m, "ipv4") ? "ipv4" : json_object_get(m, "ipv6") ? "ipv6" : NULL;
				const char *type = json_string_value(json_object_get(found, "type"));
				r.family = fam ? (fam[3] == '4' ? 4 : 6)
					       : type && !strcmp(type, "ipv4-acl-type") ? 4
					       : type && !strcmp(type, "ipv6-acl-type") ? 6 : 0;
				if (fam) {
					const json_t *ip = json_object_get(m, fam);
					char p2[360], key[40];
					const json_t *pr = json_object_get(ip, "protocol");
					if (pr && (!json_is_integer(pr) || json_integer_value(pr) < 0 || json_integer_value(pr) > 255)) {
						snprintf(p2, sizeof p2, "%s.matches.%s.protocol", path, fam);
						return fail(err, errlen, p2, "not a protocol number 0..255");
					}
					r.proto = (uint8_t)json_integer_value(pr);
					const char *dn = json_string_value(json_object_get(ip, k == 0 ? "ietf-acldns:dst-dnsname" : "ietf-acldns:src-dnsname"));
					snprintf(key, sizeof key, "%s-%s-network", k == 0 ? "destination" : "source", fam);
					const json_t *netv = json_object_get(ip, key);
					const char *net = json_string_value(netv);
					if (dn && !dns_name_ok(dn)) {
						snprintf(p2, sizeof p2, "%s.matches.%s.ietf-acldns:%s-dnsname", path, fam, k == 0 ? "dst" : "src");
						return fail(err, errlen, p2, "not a domain name (letters, digits, '-', '.', at most 253)");
					}
					if (netv && (!net || !mud_prefix_ok(net) || (strchr(net, ':') != NULL) != (r.family == 6))) {
						snprintf(p2, sizeof p2, "%s.matches.%s.%s", path, fam, key);
						return fail(err, errlen, p2, r.family == 6 ? "not an IPv6 prefix like 2001:db8::/32"
											 : "not an IPv4 prefix like 192.0.2.0/24");
					}
					if (dn)
						snprintf(r.dnsname, sizeof r.dnsname, "%s", dn);
					if (net)
						snprintf(r.network, sizeof r.network, "%s", net);
				}
				/* RFC 8520 section 8 classes: alfoil cannot tell which
				 * local device is a manufacturer's or a controller, so
				 * each class stands for the local network; the well-known
				 * DNS and NTP controllers are the network's own */
				static const char *const classes[] = { "local-networks", "same-manufacturer", "manufacturer",
								       "model", "controller", "my-controller" };
				for (size_t c = 0; c < sizeof classes / sizeof *classes; c++)
					if (json_object_get(json_object_get(m, "ietf-mud:mud"), classes[c]))
						r.local = 1;
				const json_t *l4 = json_object_get(m, "tcp");
				if (!l4)
					l4 = json_object_get(m, "udp");
				if (l4) {
					/* which end holds the service port tells who opens it */
					const json_t *pm = json_object_get(l4, "destination-port");
					int dst = pm != NULL;
					if (!pm)
						pm = json_object_get(l4, "source-port");
					r.from_device = (k == 0) == dst;
					const char *init = json_string_value(json_object_get(l4, "ietf-mud:direction-initiated"));
					if (init)
						r.from_device = !strcmp(init, "from-device");
					if (pm) {
						char p2[300];
						snprintf(p2, sizeof p2, "%s.matches.%s.%s", path, json_object_get(m, "tcp") ? "tcp" : "udp",
							 dst ? "destination-port" : "source-port");
						if (port_match(pm, &r, p2, err, errlen) < 0)
							return -1;
						if (!dst)
							continue; /* the answers of an exchange the other
								   * list opens: no permission to open one */
					}
					if (!r.proto)
						r.proto = json_object_get(m, "tcp") ? 6 : 17;
				}
				if (add_rule(out, &r) < 0)
					return fail(err, errlen, path, "too many rules");
			}
		}
	}
	return 0;
}

int mud_from_json(const json_t *doc, struct mud_profile *out, char *err, size_t errlen)
{
	if (parse_mud(doc, out, err, errlen) == 0)
		return 0;
	mud_profile_free(out); /* nothing half read is kept */
	return -1;
}

/* Is addr inside net ("192.0.2.0/24", "2001:db8::/32", or one address)? */
static int net_has(const char *net, const char *addr)
{
	char a[64];
	size_t n = strcspn(net, "/");
	if (n >= sizeof a)
		return 0;
	memcpy(a, net, n);
	a[n] = '\0';
	unsigned char nb[16], ab[16];
	int fam = strchr(a, ':') ? AF_INET6 : AF_INET, len = fam == AF_INET6 ? 16 : 4;
	if (inet_pton(fam, a, nb) != 1 || inet_pton(fam, addr, ab) != 1)
		return 0;
	long bits = net[n] == '/' ? strtol(net + n + 1, NULL, 10) : len * 8;
	if (bits < 0 || bits > len * 8)
		return 0;
	for (int i = 0; i < len && bits > 0; i++, bits -= 8) {
		unsigned char mask = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));
		if ((nb[i] ^ ab[i]) & mask)
			return 0;
	}
	return 1;
}

int mud_allows(const struct mud_profile *p, int from_device, int local, const char *dnsname, const char *addr,
	       uint8_t proto, uint16_t port)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct mud_rule *r = &p->rules[i];
		if (r->from_device != from_device)
			continue;
		if (r->family && addr && r->family != (strchr(addr, ':') ? 6 : 4))
			continue;
		if (r->proto && r->proto != proto)
			continue;
		if (r->port && (port < r->port || port > (r->port_hi > r->port ? r->port_hi : r->port)))
			continue;
		if (r->local) {
			if (local)
				return 1;
			continue;
		}
		if (local)
			continue;
		if (r->dnsname[0] && dnsname && !strcasecmp(r->dnsname, dnsname))
			return 1;
		if (r->network[0] && addr && net_has(r->network, addr))
			return 1;
	}
	return 0;
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

int mud_load_dir(const char *dir, struct mud_set *out, char *err, size_t errlen)
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
		char path[4096], why[512];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (out->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct mud_entry *v = realloc(out->v, nc * sizeof *v);
			if (!v) {
				snprintf(err, errlen, "%s: out of memory", path);
				rc = -1;
				break;
			}
			out->v = v;
			cap = nc;
		}
		json_error_t je;
		json_t *doc = json_load_file(path, 0, &je);
		struct mud_entry *m = &out->v[out->n];
		if (!doc) {
			snprintf(err, errlen, "%s: line %d: %s", path, je.line, je.text);
			rc = -1;
		} else if (mud_from_json(doc, &m->p, why, sizeof why) < 0) {
			snprintf(err, errlen, "%s: %s", path, why);
			rc = -1;
		} else {
			for (int i = 0; i < 17; i++)
				m->mac[i] = e->d_name[i] == '-' ? ':' : (char)tolower((unsigned char)e->d_name[i]);
			m->mac[17] = '\0';
			out->n++;
		}
		json_decref(doc);
	}
	closedir(d);
	if (rc)
		mud_set_free(out);
	return rc;
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
	memset(s, 0, sizeof *s);
}
