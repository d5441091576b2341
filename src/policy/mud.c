/* mud.c - MUD profiles (see mud.h). */
#include "policy/mud.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/hostname.h"

void mud_profile_free(struct mud_profile *p)
{
	free(p->rules);
	memset(p, 0, sizeof *p);
}

int mud_add_rule(struct mud_profile *p, const struct mud_rule *r)
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

/* Is addr inside net ("192.0.2.0/24", "2001:db8::/32", or one address)? */
static int net_has(const char *net, const char *addr)
{
	unsigned char nb[16], ab[16];
	int v6, bits;
	if (mud_prefix_parse(net, nb, &v6, &bits) < 0 || inet_pton(v6 ? AF_INET6 : AF_INET, addr, ab) != 1)
		return 0;
	for (int i = 0; i < (v6 ? 16 : 4) && bits > 0; i++, bits -= 8) {
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

