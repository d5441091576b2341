/* mud.c - MUD profiles (see mud.h). */
#include "enforce/mud.h"

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
	for (size_t i = 0; i < p->n; i++)
		if (!memcmp(&p->rules[i], r, sizeof *r))
			return 0;
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
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(dev, "destinations"), i, x) {
		struct mud_rule r;
		memset(&r, 0, sizeof r);
		const char *scope = json_string_value(json_object_get(x, "scope"));
		const char *dir = json_string_value(json_object_get(x, "direction"));
		const char *addr = json_string_value(json_object_get(x, "address"));
		const char *dom = json_string_value(json_object_get(x, "domain"));
		r.proto = proto_num(json_string_value(json_object_get(x, "proto")));
		r.port = (uint16_t)json_integer_value(json_object_get(x, "port"));
		r.from_device = !dir || strcmp(dir, "inbound") != 0;
		if (!scope || !addr)
			continue;
		if (!strcmp(scope, "multicast") || !strcmp(scope, "broadcast")) {
			r.local = 1; /* discovery on the LAN */
		} else if (!strcmp(scope, "internet")) {
			if (dom)
				snprintf(r.dnsname, sizeof r.dnsname, "%s", dom);
			else
				snprintf(r.network, sizeof r.network, "%s/%d", addr, strchr(addr, ':') ? 128 : 32);
		} else {
			r.local = 1;
		}
		if (add_rule(out, &r) < 0) {
			snprintf(err, errlen, "more than %d rules", MUD_MAX_RULES);
			return -1;
		}
	}
	return 0;
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
		json_object_set_new(pm, "operator", json_string("eq"));
		json_object_set_new(pm, "port", json_integer(r->port));
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
	json_object_set_new(mud, "mfg-name", json_string("unknown"));
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
			int rv6 = strchr(r->network, ':') != NULL;
			if (r->network[0] && rv6 != v6)
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

int mud_from_json(const json_t *doc, struct mud_profile *out, char *err, size_t errlen)
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
	/* which ACLs each policy names */
	const char *pol[2] = { "from-device-policy", "to-device-policy" };
	const json_t *acls = json_object_get(json_object_get(doc, "ietf-access-control-list:acls"), "acl");
	if (!json_is_array(acls))
		return fail(err, errlen, "ietf-access-control-list:acls.acl", "missing or not an array");
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
				return fail(err, errlen, path, "names no ACL in ietf-access-control-list:acls.acl");
			size_t a;
			json_t *e;
			const json_t *aces = json_object_get(json_object_get(found, "aces"), "ace");
			if (!json_is_array(aces)) {
				snprintf(path, sizeof path, "ietf-access-control-list:acls.acl[%zu].aces.ace", fi);
				return fail(err, errlen, path, "missing or not an array");
			}
			json_array_foreach(aces, a, e) {
				struct mud_rule r;
				memset(&r, 0, sizeof r);
				r.from_device = k == 0;
				snprintf(path, sizeof path, "ietf-access-control-list:acls.acl[%zu].aces.ace[%zu]", fi, a);
				const json_t *m = json_object_get(e, "matches");
				const char *fwd = json_string_value(json_object_get(json_object_get(e, "actions"), "forwarding"));
				if (!json_is_object(m))
					return fail(err, errlen, path, "matches: missing or not an object");
				if (!fwd || (strcmp(fwd, "accept") && strcmp(fwd, "drop") && strcmp(fwd, "reject")))
					return fail(err, errlen, path, "actions.forwarding: not accept, drop or reject");
				if (strcmp(fwd, "accept"))
					continue; /* a profile lists what is allowed */
				const json_t *ip = json_object_get(m, "ipv4");
				if (!ip)
					ip = json_object_get(m, "ipv6");
				if (ip) {
					const json_t *pr = json_object_get(ip, "protocol");
					if (pr && (!json_is_integer(pr) || json_integer_value(pr) < 0 || json_integer_value(pr) > 255)) {
						char p2[300];
						snprintf(p2, sizeof p2, "%s.matches.ipv4.protocol", path);
						return fail(err, errlen, p2, "not a protocol number 0..255");
					}
					r.proto = (uint8_t)json_integer_value(pr);
					const char *dn = json_string_value(json_object_get(ip, k == 0 ? "ietf-acldns:dst-dnsname" : "ietf-acldns:src-dnsname"));
					const char *net = json_string_value(json_object_get(ip, k == 0 ? "destination-ipv4-network" : "source-ipv4-network"));
					if (!net)
						net = json_string_value(json_object_get(ip, k == 0 ? "destination-ipv6-network" : "source-ipv6-network"));
					if (dn)
						snprintf(r.dnsname, sizeof r.dnsname, "%s", dn);
					if (net)
						snprintf(r.network, sizeof r.network, "%s", net);
				}
				if (json_object_get(json_object_get(m, "ietf-mud:mud"), "local-networks"))
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
						const json_t *port = json_object_get(pm, "port");
						const char *op = json_string_value(json_object_get(pm, "operator"));
						if (!json_is_integer(port) || json_integer_value(port) < 0 || json_integer_value(port) > 65535) {
							char p2[300];
							snprintf(p2, sizeof p2, "%s.matches.%s.%s.port", path,
								 json_object_get(m, "tcp") ? "tcp" : "udp",
								 dst ? "destination-port" : "source-port");
							return fail(err, errlen, p2, "not a port number 0..65535");
						}
						if (op && strcmp(op, "eq")) {
							char p2[300];
							snprintf(p2, sizeof p2, "%s.matches.%s.%s.operator", path,
								 json_object_get(m, "tcp") ? "tcp" : "udp",
								 dst ? "destination-port" : "source-port");
							return fail(err, errlen, p2, "only \"eq\" is supported");
						}
						r.port = (uint16_t)json_integer_value(port);
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

static int net_has(const char *net, const char *addr)
{
	/* host networks (/32, /128) as written by learn; others by prefix text */
	size_t n = strcspn(net, "/");
	return strlen(addr) == n && !strncmp(net, addr, n);
}

int mud_allows(const struct mud_profile *p, int from_device, int local, const char *dnsname, const char *addr,
	       uint8_t proto, uint16_t port)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct mud_rule *r = &p->rules[i];
		if (r->from_device != from_device)
			continue;
		if (r->proto && r->proto != proto)
			continue;
		if (r->port && r->port != port)
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
