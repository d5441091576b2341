/* nft.c - an nftables ruleset from profiles and policies (see nft.h).
 *
 * Layout of what is written (P is "" for the table of our own, "alfoil_"
 * in the fw4 snippet, where every name shares fw4's table):
 *
 *   set Plan4, Plan6            the LAN (--lan; IPv6 link-local and ULA always)
 *   set PdMAC_ip4, _ip6         a held device's own addresses (report + seen)
 *   set PdMAC_gK[_6]            a profile's internet peers of one service
 *   chain Pprerouting           learns the held devices' LAN addresses
 *   chain Pforward              local-only/quarantine checks, then conntrack's
 *                               established accept, then the profile checks
 *   chain PdMAC, PdMAC_to       from and to one device: `return` when allowed,
 *                               drop otherwise (return, not accept, so that a
 *                               packet between two held devices meets both)
 *   chain Pinput                quarantine: DHCP, DNS (and IPv6 neighbour
 *                               discovery) to the router only
 */
#include "enforce/nft.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "enforce/backend.h"
#include "enforce/names.h"
#include "lib/hostname.h"

static const char *const pol_names[] = { "allow", "profile", "local-only", "quarantine" };

const char *policy_name(enum policy p)
{
	return (unsigned)p <= POL_QUARANTINE ? pol_names[p] : "?";
}

int policy_parse(const char *s, enum policy *p)
{
	for (int i = 0; i <= POL_QUARANTINE; i++)
		if (!strcasecmp(s, pol_names[i])) {
			*p = (enum policy)i;
			return 0;
		}
	return -1;
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 6: return "tcp";
	case 17: return "udp";
	case 1: return "icmp";
	case 58: return "icmpv6";
	default: return NULL;
	}
}

/* "aa:bb:cc:dd:ee:ff" -> "aabbccddeeff" for chain names */
static void chain_id(const char *mac, char out[13])
{
	size_t k = 0;
	for (const char *p = mac; *p && k < 12; p++)
		if (*p != ':')
			out[k++] = *p;
	out[k] = '\0';
}

static int is_v6(const char *a)
{
	return strchr(a, ':') != NULL;
}

/* Rules of one direction, service and kind of peer (LAN or internet) are
 * one group: one set and one nft rule for all the names and addresses of,
 * say, a plug's dozen NTP servers. The group is named after its first rule. */
static int same_group(const struct mud_rule *a, const struct mud_rule *b)
{
	return a->from_device == b->from_device && a->local == b->local && a->proto == b->proto &&
	       a->port == b->port && a->port_hi == b->port_hi;
}

static size_t leader(const struct mud_profile *p, size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (same_group(&p->rules[j], &p->rules[k]))
			return j;
	return k;
}

/* May rule r carry traffic of this IP version? (ICMP is IPv4's, ICMPv6 IPv6's) */
static int family_ok(const struct mud_rule *r, int v6)
{
	if (r->proto == (v6 ? 1 : 58))
		return 0;
	return !r->family || r->family == (v6 ? 6 : 4);
}

/* The elements of group g (its leader's index), one family: pointers into
 * the profile and the names; n returned. */
static size_t group_elems(const struct mud_profile *p, size_t g, const struct nft_input *in, int v6,
			  const char **el, size_t cap)
{
	size_t n = 0;
	for (size_t k = g; k < p->n; k++) {
		const struct mud_rule *r = &p->rules[k];
		if (!same_group(r, &p->rules[g]) || !family_ok(r, v6))
			continue;
		const char *cand[1] = { r->network[0] && is_v6(r->network) == v6 && mud_prefix_ok(r->network) ? r->network
											   : NULL };
		for (size_t m = in->live ? in->n_names : 0; m <= in->n_names; m++) {
			const char *a = NULL;
			if (m == in->n_names)
				a = cand[0];
			else if (r->dnsname[0] && hostname_ok(r->dnsname) &&
				 !strcasecmp(in->names[m].name, r->dnsname) && is_v6(in->names[m].addr) == v6 &&
				 mud_prefix_ok(in->names[m].addr))
				a = in->names[m].addr;
			if (!a)
				continue;
			size_t d;
			for (d = 0; d < n && strcmp(el[d], a); d++)
				;
			if (d == n && n < cap)
				el[n++] = a;
		}
	}
	return n;
}

/* Does group g have names of this family (the live form's name sets)? */
static int group_has_names(const struct mud_profile *p, size_t g, int v6)
{
	for (size_t k = g; k < p->n; k++) {
		const struct mud_rule *r = &p->rules[k];
		if (same_group(r, &p->rules[g]) && family_ok(r, v6) && !r->local && r->dnsname[0] &&
		    hostname_ok(r->dnsname))
			return 1;
	}
	return 0;
}

/* Is name one of group g's (family v6)? */
static int group_names_has(const struct mud_profile *p, size_t g, int v6, const char *name)
{
	for (size_t k = g; k < p->n; k++) {
		const struct mud_rule *r = &p->rules[k];
		if (same_group(r, &p->rules[g]) && family_ok(r, v6) && !r->local && !strcasecmp(r->dnsname, name))
			return 1;
	}
	return 0;
}

void nft_name_sets(const struct nft_device *devs, size_t n_devs, nft_name_set_fn fn, void *ctx)
{
	for (size_t i = 0; i < n_devs; i++) {
		const struct nft_device *d = &devs[i];
		const struct mud_profile *p = d->profile;
		if (d->policy != POL_PROFILE || !p)
			continue;
		char id[13], set[48];
		chain_id(d->mac, id);
		for (size_t g = 0; g < p->n; g++) {
			if (leader(p, g) != g || p->rules[g].local)
				continue;
			for (int v6 = 0; v6 < 2; v6++) {
				if (!group_has_names(p, g, v6))
					continue;
				snprintf(set, sizeof set, "d%s_g%zu_n%d", id, g, v6 ? 6 : 4);
				for (size_t k = g; k < p->n; k++) {
					const struct mud_rule *r = &p->rules[k];
					size_t j;
					if (!same_group(r, &p->rules[g]) || !family_ok(r, v6) || !r->dnsname[0] ||
					    !hostname_ok(r->dnsname))
						continue;
					for (j = g; j < k && (!same_group(&p->rules[j], r) || !family_ok(&p->rules[j], v6) ||
							      strcasecmp(p->rules[j].dnsname, r->dnsname));
					     j++)
						;
					if (j == k) /* each name once a set */
						fn(ctx, r->dnsname, set, v6);
				}
			}
		}
	}
}

static void group_names(FILE *f, const struct mud_profile *p, size_t g);

/* A live group's name set, its elements those of in->names now known. */
static void name_set(FILE *f, const char *P, const char *id, const struct mud_profile *p, size_t g,
		     const struct nft_input *in, int v6)
{
	fprintf(f, "\tset %sd%s_g%zu_n%d {", P, id, g, v6 ? 6 : 4);
	group_names(f, p, g);
	fprintf(f, "\n\t\ttype %s\n\t\tflags timeout\n", v6 ? "ipv6_addr" : "ipv4_addr");
	int any = 0;
	for (size_t m = 0; m < in->n_names; m++) {
		const struct nft_name *nm = &in->names[m];
		if (is_v6(nm->addr) != v6 || strchr(nm->addr, '/') || !mud_prefix_ok(nm->addr) ||
		    !group_names_has(p, g, v6, nm->name))
			continue;
		size_t d;
		for (d = 0; d < m && (strcmp(in->names[d].addr, nm->addr) || !group_names_has(p, g, v6, in->names[d].name));
		     d++)
			;
		if (d < m)
			continue; /* the address of two names: once (the first's timeout) */
		fprintf(f, "%s%s", any ? ", " : "\t\telements = { ", nm->addr);
		if (nm->timeout_s)
			fprintf(f, " timeout %us", nm->timeout_s);
		any = 1;
	}
	fprintf(f, "%s\t}\n", any ? " }\n" : "");
}

/* the names of a group, for a comment (validated: they are hostile until checked) */
static void group_names(FILE *f, const struct mud_profile *p, size_t g)
{
	size_t shown = 0, more = 0, len = 0;
	for (size_t k = g; k < p->n; k++) {
		const struct mud_rule *r = &p->rules[k];
		if (!same_group(r, &p->rules[g]))
			continue;
		const char *nm = r->dnsname[0] && hostname_ok(r->dnsname) ? r->dnsname
				 : r->network[0] && mud_prefix_ok(r->network) ? r->network : NULL;
		if (!nm)
			continue;
		if (len + strlen(nm) > 160) {
			more++;
			continue;
		}
		fprintf(f, "%s%s", shown ? ", " : "  # ", nm);
		len += strlen(nm) + 2;
		shown++;
	}
	if (more)
		fprintf(f, " and %zu more", more);
}

/* "tcp dport 80", "udp sport 1024-65535", "meta l4proto icmp", or "" */
static void l4_match(FILE *f, const struct mud_rule *r)
{
	const char *pn = proto_name(r->proto);
	/* the service port: the destination of what goes the way the exchange
	 * was opened (from the device: it opens; to it: the peer opens) */
	if (pn && r->port && (r->proto == 6 || r->proto == 17)) {
		fprintf(f, " %s dport %u", pn, r->port);
		if (r->port_hi > r->port)
			fprintf(f, "-%u", r->port_hi);
	} else if (pn) {
		fprintf(f, " meta l4proto %s", pn);
	} else if (r->proto) {
		fprintf(f, " meta l4proto %u", r->proto);
	}
}

/* the --lan list split by family; link-local and ULA are always local in v6 */
static void lan_set(FILE *f, const char *P, const char *nets, int v6)
{
	fprintf(f, "\tset %slan%d {\n\t\ttype %s\n\t\tflags interval\n\t\tauto-merge\n", P, v6 ? 6 : 4,
		v6 ? "ipv6_addr" : "ipv4_addr");
	int any = 0;
	if (v6) {
		fputs("\t\telements = { fe80::/10, fc00::/7", f);
		any = 1;
	}
	for (const char *p = nets; *p;) {
		size_t n = strcspn(p, ", ");
		if (n && (memchr(p, ':', n) != NULL) == v6) {
			fprintf(f, "%s%.*s", any ? ", " : "\t\telements = { ", (int)n, p);
			any = 1;
		}
		p += n;
		p += strspn(p, ", ");
	}
	fprintf(f, "%s\t}\n", any ? " }\n" : "");
}

/* a held device's own addresses: those known, and (flags dynamic) those
 * the prerouting chain sees it use on the LAN */
static void addr_set(FILE *f, const char *P, const char *id, const struct nft_device *d, int v6)
{
	fprintf(f, "\tset %sd%s_ip%d {\n\t\ttype %s\n\t\tsize 64\n\t\tflags dynamic\n", P, id, v6 ? 6 : 4,
		v6 ? "ipv6_addr" : "ipv4_addr");
	int any = 0;
	for (size_t k = 0; k < d->n_addrs; k++)
		if (is_v6(d->addrs[k]) == v6) {
			fprintf(f, "%s%s", any ? ", " : "\t\telements = { ", d->addrs[k]);
			any = 1;
		}
	fprintf(f, "%s\t}\n", any ? " }\n" : "");
}

#define MAX_ELEMS 65536

/* Warnings about a profile's names, one per name: not a host name (its
 * rules are left out), or no address known (nothing to allow it by). */
static void warn_names(const struct nft_device *d, const struct nft_input *in, struct nft_stats *st)
{
	const struct mud_profile *p = d->profile;
	char esc[128];
	for (size_t k = 0; k < p->n; k++) {
		const struct mud_rule *r = &p->rules[k];
		if (!r->dnsname[0] || r->local)
			continue;
		size_t j;
		for (j = 0; j < k && strcasecmp(p->rules[j].dnsname, r->dnsname); j++)
			;
		if (j < k)
			continue; /* said already */
		if (!hostname_ok(r->dnsname)) {
			st->bad_names++;
			if (in->warn)
				in->warn("%s: a name in its profile, \"%s\", is not a host name; its rules are left out (blocked)",
					 d->mac, hostname_escape(r->dnsname, esc, sizeof esc));
			continue;
		}
		size_t m;
		for (m = 0; m < in->n_names && strcasecmp(in->names[m].name, r->dnsname); m++)
			;
		if (m == in->n_names && !in->live) {
			st->unresolved++;
			if (in->warn)
				in->warn("%s: no address known for %s; what its profile allows there stays blocked",
					 d->mac, r->dnsname);
		}
	}
}

/* A profile device's sets (write=1) or the rules of one direction (from). */
static int profile_part(FILE *f, const char *P, const char *id, const struct nft_device *d,
			const struct nft_input *in, int sets, int from, struct nft_stats *st)
{
	const struct mud_profile *p = d->profile;
	const char **el = malloc(MAX_ELEMS * sizeof *el);
	if (!el)
		return -1;
	for (size_t g = 0; g < p->n; g++) {
		const struct mud_rule *r = &p->rules[g];
		if (leader(p, g) != g || (!sets && r->from_device != from) || (sets && r->local))
			continue;
		for (int v6 = 0; v6 < 2; v6++) {
			int fam = 0;
			for (size_t k = g; k < p->n; k++)
				fam |= same_group(&p->rules[k], r) && family_ok(&p->rules[k], v6);
			if (!fam)
				continue;
			const char *sa = from ? "daddr" : "saddr", *ipv = v6 ? "ip6" : "ip";
			if (r->local) {
				fprintf(f, "\t\t%s %s @%slan%d", ipv, sa, P, v6 ? 6 : 4);
				l4_match(f, r);
				fputs(" return\n", f);
				st->rules++;
				continue;
			}
			size_t n = group_elems(p, g, in, v6, el, MAX_ELEMS);
			if (in->live && group_has_names(p, g, v6)) {
				if (sets) {
					name_set(f, P, id, p, g, in, v6);
					st->sets++;
				} else {
					fprintf(f, "		%s %s @%sd%s_g%zu_n%d", ipv, sa, P, id, g, v6 ? 6 : 4);
					l4_match(f, r);
					fputs(" return\n", f);
					st->rules++;
				}
			}
			if (!n)
				continue; /* no address: no empty set, no rule */
			if (sets) {
				fprintf(f, "\tset %sd%s_g%zu%s {", P, id, g, v6 ? "_6" : "");
				group_names(f, p, g);
				fprintf(f, "\n\t\ttype %s\n\t\tflags interval\n\t\tauto-merge\n\t\telements = { ",
					v6 ? "ipv6_addr" : "ipv4_addr");
				for (size_t e = 0; e < n; e++)
					fprintf(f, "%s%s", e ? ", " : "", el[e]);
				fputs(" }\n\t}\n", f);
				st->sets++;
			} else {
				fprintf(f, "\t\t%s %s @%sd%s_g%zu%s", ipv, sa, P, id, g, v6 ? "_6" : "");
				l4_match(f, r);
				fputs(" return\n", f);
				st->rules++;
			}
		}
	}
	free(el);
	return 0;
}

static void jumps(FILE *f, const char *P, const struct nft_device *d, const char *id)
{
	fprintf(f, "\t\tether saddr %s jump %sd%s  # %s\n", d->mac, P, id, policy_name(d->policy));
	fprintf(f, "\t\tip daddr @%sd%s_ip4 jump %sd%s_to\n", P, id, P, id);
	fprintf(f, "\t\tip6 daddr @%sd%s_ip6 jump %sd%s_to\n", P, id, P, id);
}

/* An interface name as nft takes it quoted: what Linux allows in one
 * (IFNAMSIZ, no '/', no blank) less what a quoted string cannot hold. */
static int ifname_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 15)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("._-@:+", *s)))
			return 0;
	return 1;
}

static void lan_ifaces(FILE *f, const struct nft_input *in)
{
	fputs("{ ", f);
	for (size_t k = 0; k < in->n_lan_ifaces; k++)
		fprintf(f, "%s\"%s\"", k ? ", " : "", in->lan_ifaces[k]);
	fputs(" }", f);
}

/* What the caller hands in is checked once more before it is written: a
 * MAC in the one form, addresses and networks that parse. */
static int input_ok(const struct nft_input *in, char *err, size_t errlen)
{
	for (size_t i = 0; i < in->n_devs; i++) {
		const struct nft_device *d = &in->devs[i];
		char norm[18];
		if (enforce_mac_norm(d->mac, norm) != MAC_OK || strcmp(norm, d->mac)) {
			snprintf(err, errlen, "device %zu: not a unicast MAC in the form aa:bb:cc:dd:ee:ff", i);
			return -1;
		}
		for (size_t a = 0; a < d->n_addrs && a < NFT_DEV_ADDRS; a++)
			if (strchr(d->addrs[a], '/') || !mud_prefix_ok(d->addrs[a])) {
				snprintf(err, errlen, "%s: address %zu is not an IPv4 or IPv6 address", d->mac, a);
				return -1;
			}
	}
	for (size_t k = 0; in->guard && k < in->n_known; k++) {
		char norm[18];
		if (enforce_mac_norm(in->known[k], norm) != MAC_OK || strcmp(norm, in->known[k])) {
			snprintf(err, errlen, "known MAC %zu: not a unicast MAC in the form aa:bb:cc:dd:ee:ff", k);
			return -1;
		}
	}
	for (size_t k = 0; in->bridge && k < in->n_controllers; k++) {
		char norm[18];
		if (enforce_mac_norm(in->controllers[k], norm) != MAC_OK || strcmp(norm, in->controllers[k])) {
			snprintf(err, errlen, "controller %zu: not a unicast MAC in the form aa:bb:cc:dd:ee:ff", k);
			return -1;
		}
	}
	for (size_t k = 0; in->guard && k < in->n_lan_ifaces; k++)
		if (!ifname_ok(in->lan_ifaces[k])) {
			snprintf(err, errlen, "LAN interface %zu: not an interface name (letters, digits, . _ - @ : +)", k);
			return -1;
		}
	if (in->bridge && in->format != NFT_TABLE) {
		snprintf(err, errlen, "the bridge table is for the table form (fw4's snippet holds no table)");
		return -1;
	}
	if (in->guard && in->new_policy != POL_LOCAL_ONLY && in->new_policy != POL_QUARANTINE) {
		snprintf(err, errlen, "the new-device policy is local-only or quarantine, not %s",
			 policy_name(in->new_policy));
		return -1;
	}
	for (const char *p = in->lan_nets; *p;) {
		char net[64];
		size_t n = strcspn(p, ", ");
		snprintf(net, sizeof net, "%.*s", (int)(n < 63 ? n : 63), p);
		if (n && (n > 63 || !mud_prefix_ok(net))) {
			snprintf(err, errlen, "the LAN networks: '%s' is not a network", net);
			return -1;
		}
		p += n;
		p += strspn(p, ", ");
	}
	return 0;
}

static void bridge_table(FILE *f, const struct nft_input *in, struct nft_stats *st);

int nft_write(FILE *f, const struct nft_input *in, struct nft_stats *st, char *err, size_t errlen)
{
	if (input_ok(in, err, errlen) < 0)
		return -1;
	struct nft_stats dummy;
	if (!st)
		st = &dummy;
	memset(st, 0, sizeof *st);
	const char *P = in->format == NFT_FW4 ? "alfoil_" : "";
	if (in->format == NFT_FW4)
		fputs("# alfoil: per-device policies, a snippet for OpenWrt's fw4 (inside its table inet fw4):\n"
		      "# save as /etc/nftables.d/50-alfoil.nft, then 'fw4 reload'; every name here starts with alfoil_\n",
		      f);
	else
		fputs("# alfoil: per-device policies; only the table inet alfoil is touched.\n"
		      "table inet alfoil\n"
		      "delete table inet alfoil\n"
		      "table inet alfoil {\n",
		      f);
	lan_set(f, P, in->lan_nets, 0);
	lan_set(f, P, in->lan_nets, 1);
	if (in->guard) {
		/* the new-device guard: every MAC alfoil knows (and was not told to hold as new) */
		fprintf(f, "\tset %sknown {\n\t\ttype ether_addr\n", P);
		for (size_t k = 0; k < in->n_known; k++)
			fprintf(f, "%s%s", k ? ", " : "\t\telements = { ", in->known[k]);
		fprintf(f, "%s\t}\n", in->n_known ? " }\n" : "");
		st->sets++;
	}
	for (size_t i = 0; i < in->n_devs; i++) {
		const struct nft_device *d = &in->devs[i];
		char id[13];
		chain_id(d->mac, id);
		if (d->policy == POL_ALLOW)
			continue;
		addr_set(f, P, id, d, 0);
		addr_set(f, P, id, d, 1);
		if (d->policy == POL_PROFILE && d->profile) {
			warn_names(d, in, st);
			if (profile_part(f, P, id, d, in, 1, 0, st) < 0) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
		}
	}
	/* a held device's LAN addresses, as it uses them */
	fprintf(f, "\tchain %sprerouting {\n\t\ttype filter hook prerouting priority raw; policy accept;\n", P);
	for (size_t i = 0; i < in->n_devs; i++) {
		char id[13];
		chain_id(in->devs[i].mac, id);
		if (in->devs[i].policy != POL_ALLOW)
			fprintf(f, "\t\tether saddr %s ip saddr @%slan4 add @%sd%s_ip4 { ip saddr }\n"
				   "\t\tether saddr %s ip6 saddr @%slan6 add @%sd%s_ip6 { ip6 saddr }\n",
				in->devs[i].mac, P, P, id, in->devs[i].mac, P, P, id);
	}
	fputs("\t}\n", f);
	/* forwarded traffic: local-only and quarantine before conntrack (open
	 * connections are cut), profiles after it (answers pass) */
	fprintf(f, "\tchain %sforward {\n\t\ttype filter hook forward priority filter; policy accept;\n", P);
	if (in->guard && in->n_lan_ifaces) {
		fputs("\t\tiifname ", f);
		lan_ifaces(f, in);
		fprintf(f, " ether saddr != @%sknown jump %snew  # a device never seen before\n", P, P);
		st->rules++;
	} else if (in->guard) {
		fprintf(f, "\t\tip saddr @%slan4 ether saddr != @%sknown jump %snew  # a device never seen before\n"
			   "\t\tip6 saddr @%slan6 ether saddr != @%sknown jump %snew\n",
			P, P, P, P, P, P);
		st->rules += 2;
	}
	for (size_t i = 0; i < in->n_devs; i++) {
		char id[13];
		chain_id(in->devs[i].mac, id);
		if (in->devs[i].policy == POL_LOCAL_ONLY || in->devs[i].policy == POL_QUARANTINE)
			jumps(f, P, &in->devs[i], id);
	}
	fputs("\t\tct state established,related accept\n", f);
	for (size_t i = 0; i < in->n_devs; i++) {
		char id[13];
		chain_id(in->devs[i].mac, id);
		if (in->devs[i].policy == POL_PROFILE)
			jumps(f, P, &in->devs[i], id);
	}
	fputs("\t}\n", f);
	for (size_t i = 0; i < in->n_devs; i++) {
		const struct nft_device *d = &in->devs[i];
		char id[13];
		chain_id(d->mac, id);
		if (d->policy == POL_ALLOW)
			continue;
		for (int from = 1; from >= 0; from--) {
			fprintf(f, "\tchain %sd%s%s {\n", P, id, from ? "" : "_to");
			if (d->policy == POL_LOCAL_ONLY) {
				fprintf(f, "\t\tip %s @%slan4 return\n\t\tip6 %s @%slan6 return\n", from ? "daddr" : "saddr",
					P, from ? "daddr" : "saddr", P);
				st->rules += 2;
			} else if (d->policy == POL_PROFILE && d->profile &&
				   profile_part(f, P, id, d, in, 0, from, st) < 0) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			/* quarantine forwards nothing; everything else not allowed: */
			fputs("\t\tcounter drop\n\t}\n", f);
		}
	}
	if (in->guard) {
		fprintf(f, "\tchain %snew {  # %s\n", P, policy_name(in->new_policy));
		if (in->new_policy == POL_LOCAL_ONLY) {
			fprintf(f, "\t\tip daddr @%slan4 return\n\t\tip6 daddr @%slan6 return\n", P, P);
			st->rules += 2;
		}
		fputs("\t\tcounter drop\n\t}\n", f);
		st->rules++;
	}
	/* to the router itself: quarantined devices get DHCP, DNS and IPv6
	 * neighbour discovery only, open connections included */
	fprintf(f, "\tchain %sinput {\n\t\ttype filter hook input priority filter; policy accept;\n", P);
	for (size_t i = 0; i < in->n_devs; i++)
		if (in->devs[i].policy == POL_QUARANTINE)
			fprintf(f, "\t\tether saddr %s udp dport { 53, 67, 547 } accept\n"
				   "\t\tether saddr %s tcp dport 53 accept\n"
				   "\t\tether saddr %s icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } accept\n"
				   "\t\tether saddr %s counter drop\n",
				in->devs[i].mac, in->devs[i].mac, in->devs[i].mac, in->devs[i].mac);
	if (in->guard && in->new_policy == POL_QUARANTINE) {
		fprintf(f, "\t\tether saddr != @%sknown udp dport { 53, 67, 547 } accept\n"
			   "\t\tether saddr != @%sknown tcp dport 53 accept\n"
			   "\t\tether saddr != @%sknown icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } accept\n",
			P, P, P);
		if (in->n_lan_ifaces) {
			fputs("\t\tiifname ", f);
			lan_ifaces(f, in);
			fprintf(f, " ether saddr != @%sknown counter drop\n", P);
		} else {
			fprintf(f, "\t\tip saddr @%slan4 ether saddr != @%sknown counter drop\n"
				   "\t\tip6 saddr @%slan6 ether saddr != @%sknown counter drop\n",
				P, P, P, P);
		}
	}
	fputs(in->format == NFT_FW4 ? "\t}\n" : "\t}\n}\n", f);
	if (in->bridge && in->format == NFT_TABLE)
		bridge_table(f, in, st);
	return ferror(f) ? -1 : 0;
}

/* The bridge table: one direction's match of a local rule's peer (to:
 * the peer is the frame's destination), or 0 when the rule has no peer
 * to match (a controller rule and no controller known). */
static int bridge_peer(FILE *f, const struct nft_input *in, const struct nft_device *d, const struct mud_rule *r,
		       int to)
{
	const char *dir = to ? "daddr" : "saddr";
	if (r->peer == MUD_PEER_CONTROLLER) {
		if (!in->n_controllers)
			return 0;
		fprintf(f, "\t\tether %s @controllers", dir);
	} else if (r->peer == MUD_PEER_SAME_MFG) {
		fprintf(f, "\t\tether %s & ff:ff:ff:00:00:00 == %.8s:00:00:00", dir, d->mac);
	} else {
		fputs("\t\t", f);
	}
	if (r->family)
		fprintf(f, "%sether type %s", r->peer == MUD_PEER_LAN ? "" : " ", r->family == 6 ? "ip6" : "ip");
	return r->peer == MUD_PEER_LAN && !r->family ? 1 : 2; /* 2: a match written, the next after a blank */
}

/* One local rule in a device's bridge chain: out, frames from the device
 * (to: 0, the chain bdID) or to it (bdID_to). No connection tracking on a
 * bridge: the answers of an exchange are allowed by their source port. */
static void bridge_rule(FILE *f, const struct nft_input *in, const struct nft_device *d, const struct mud_rule *r,
			int from_chain, struct nft_stats *st)
{
	/* the opener's way: the service port is the destination */
	int opener = r->from_device == from_chain;
	int m = bridge_peer(f, in, d, r, from_chain);
	if (!m)
		return;
	const char *pn = proto_name(r->proto), *sp = m == 2 ? " " : "";
	if (pn && r->port && (r->proto == 6 || r->proto == 17)) {
		fprintf(f, "%s%s %s %u", sp, pn, opener ? "dport" : "sport", r->port);
		if (r->port_hi > r->port)
			fprintf(f, "-%u", r->port_hi);
		sp = " ";
	} else if (pn) {
		fprintf(f, "%smeta l4proto %s", sp, pn);
		sp = " ";
	} else if (r->proto) {
		fprintf(f, "%smeta l4proto %u", sp, r->proto);
		sp = " ";
	}
	fprintf(f, "%sreturn\n", sp);
	st->rules++;
}

static void bridge_table(FILE *f, const struct nft_input *in, struct nft_stats *st)
{
	int want_ctl = 0;
	fputs("# the LAN bridged on this host: what the bridge forwards between devices\n"
	      "table bridge alfoil\n"
	      "delete table bridge alfoil\n"
	      "table bridge alfoil {\n",
	      f);
	if (in->n_controllers) {
		fputs("\tset controllers {  # controller = MAC\n\t\ttype ether_addr\n\t\telements = { ", f);
		for (size_t k = 0; k < in->n_controllers; k++)
			fprintf(f, "%s%s", k ? ", " : "", in->controllers[k]);
		fputs(" }\n\t}\n", f);
		st->sets++;
	}
	int guard = in->guard && in->new_policy == POL_QUARANTINE;
	if (guard) {
		fputs("\tset known {\n\t\ttype ether_addr\n", f);
		for (size_t k = 0; k < in->n_known; k++)
			fprintf(f, "%s%s", k ? ", " : "\t\telements = { ", in->known[k]);
		fprintf(f, "%s\t}\n", in->n_known ? " }\n" : "");
		st->sets++;
	}
	fputs("\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n", f);
	if (guard) {
		fputs("\t\tether saddr != @known counter drop  # a device never seen before: quarantine\n", f);
		st->rules++;
	}
	for (size_t i = 0; i < in->n_devs; i++) {
		const struct nft_device *d = &in->devs[i];
		char id[13];
		chain_id(d->mac, id);
		if (d->policy == POL_QUARANTINE) {
			fprintf(f, "\t\tether saddr %s counter drop  # quarantine\n\t\tether daddr %s counter drop\n", d->mac,
				d->mac);
			st->rules += 2;
		} else if (d->policy == POL_PROFILE && d->profile) {
			fprintf(f, "\t\tether saddr %s jump bd%s  # profile\n\t\tether daddr %s jump bd%s_to\n", d->mac, id,
				d->mac, id);
			st->rules += 2;
		}
	}
	fputs("\t}\n", f);
	for (size_t i = 0; i < in->n_devs; i++) {
		const struct nft_device *d = &in->devs[i];
		if (d->policy != POL_PROFILE || !d->profile)
			continue;
		char id[13];
		chain_id(d->mac, id);
		for (int from = 1; from >= 0; from--) {
			fprintf(f, "\tchain bd%s%s {\n", id, from ? "" : "_to");
			/* what a LAN needs whatever the profile: ARP, neighbour
			 * discovery, DHCP to a server elsewhere on the LAN */
			fprintf(f, "\t\tether type arp return\n"
				   "\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } return\n"
				   "\t\tudp dport %s return\n",
				from ? "{ 67, 547 }" : "{ 68, 546 }");
			st->rules += 3;
			for (size_t k = 0; k < d->profile->n; k++) {
				const struct mud_rule *r = &d->profile->rules[k];
				if (!r->local)
					continue;
				want_ctl |= r->peer == MUD_PEER_CONTROLLER;
				bridge_rule(f, in, d, r, from, st);
			}
			fputs("\t\tcounter drop\n\t}\n", f);
			st->rules++;
		}
	}
	fputs("}\n", f);
	if (want_ctl && !in->n_controllers && in->warn)
		in->warn("profiles allow their controller (the phone app) on the LAN, and no 'controller = MAC' line "
			 "says which device that is: those rules allow nothing on the bridge");
}

/* the nft row of the back-end table (enforce/backend.c) */
int nft_backend_write(FILE *f, const struct enforce_job *job, struct enforce_stats *st, char *err, size_t errlen)
{
	struct nft_input in = { .devs = job->devs, .n_devs = job->n_devs, .names = job->names,
				.n_names = job->n_names, .lan_nets = job->lan_nets, .format = job->format,
				.live = job->live, .warn = job->warn, .bridge = job->bridge,
				.controllers = job->controllers, .n_controllers = job->n_controllers };
	return nft_write(f, &in, &st->nft, err, errlen);
}
