/* nft.c - an nftables ruleset from profiles and policies (see nft.h). */
#include "enforce/nft.h"

#include <string.h>
#include <strings.h>

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

/* One match: addresses in set (ip or ip6 by v6), then protocol and port. */
static void rule_match(FILE *f, const struct mud_rule *r, const char *set, int v6)
{
	const char *pn = proto_name(r->proto);
	fprintf(f, " %s daddr @%s", v6 ? "ip6" : "ip", set);
	if (pn && r->port && (r->proto == 6 || r->proto == 17)) {
		fprintf(f, " %s dport %u", pn, r->port);
		if (r->port_hi > r->port)
			fprintf(f, "-%u", r->port_hi);
	} else if (pn) {
		fprintf(f, " meta l4proto %s", pn);
	}
}

/* the elements of a device rule's set, one family */
static void rule_set(FILE *f, const char *name, const struct mud_rule *r, const struct nft_input *in, int v6)
{
	fprintf(f, "\tset %s {\n\t\ttype %s\n\t\tflags interval\n", name, v6 ? "ipv6_addr" : "ipv4_addr");
	int any = 0;
	if (r->network[0] && (strchr(r->network, ':') != NULL) == v6) {
		fprintf(f, "\t\telements = { %s", r->network);
		any = 1;
	}
	for (size_t n = 0; n < in->n_names; n++)
		if (r->dnsname[0] && !strcasecmp(in->names[n].name, r->dnsname) &&
		    (strchr(in->names[n].addr, ':') != NULL) == v6) {
			fprintf(f, any ? ", %s" : "\t\telements = { %s", in->names[n].addr);
			any = 1;
		}
	fprintf(f, "%s\t}\n", any ? " }\n" : "");
}

/* the --lan list split by family; link-local and ULA are always local in v6 */
static void lan_set(FILE *f, const char *nets, int v6)
{
	fprintf(f, "\tset lan%d {\n\t\ttype %s\n\t\tflags interval\n", v6 ? 6 : 4, v6 ? "ipv6_addr" : "ipv4_addr");
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

int nft_write(FILE *f, const struct nft_input *in, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	fprintf(f, "# alfoil: per-device policies; only the table inet alfoil is touched.\n"
		   "table inet alfoil\n"
		   "delete table inet alfoil\n"
		   "table inet alfoil {\n");
	lan_set(f, in->lan_nets, 0);
	lan_set(f, in->lan_nets, 1);
	/* per-device sets of the addresses its profile's names and networks have */
	for (size_t i = 0; i < in->n_devs; i++) {
		const struct nft_device *d = &in->devs[i];
		if (d->policy != POL_PROFILE || !d->profile)
			continue;
		char id[13], name[48];
		chain_id(d->mac, id);
		for (size_t k = 0; k < d->profile->n; k++) {
			const struct mud_rule *r = &d->profile->rules[k];
			if (r->local || !r->from_device)
				continue;
			snprintf(name, sizeof name, "d%s_r%zu", id, k);
			if (r->family != 6)
				rule_set(f, name, r, in, 0);
			snprintf(name, sizeof name, "d%s_r%zu_6", id, k);
			if (r->family != 4)
				rule_set(f, name, r, in, 1);
		}
	}
	/* forwarded traffic: one chain per device with a policy */
	fputs("\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n"
	      "\t\tct state established,related accept\n", f);
	for (size_t i = 0; i < in->n_devs; i++) {
		char id[13];
		chain_id(in->devs[i].mac, id);
		if (in->devs[i].policy != POL_ALLOW)
			fprintf(f, "\t\tether saddr %s jump d%s  # %s\n", in->devs[i].mac, id, policy_name(in->devs[i].policy));
	}
	fputs("\t}\n", f);
	for (size_t i = 0; i < in->n_devs; i++) {
		const struct nft_device *d = &in->devs[i];
		char id[13];
		chain_id(d->mac, id);
		if (d->policy == POL_ALLOW)
			continue;
		fprintf(f, "\tchain d%s {\n", id);
		if (d->policy == POL_LOCAL_ONLY) {
			fputs("\t\tip daddr @lan4 accept\n\t\tip6 daddr @lan6 accept\n", f);
		} else if (d->policy == POL_PROFILE && d->profile) {
			for (size_t k = 0; k < d->profile->n; k++) {
				const struct mud_rule *r = &d->profile->rules[k];
				if (!r->from_device)
					continue; /* answers are allowed by the conntrack rule */
				char set[48];
				for (int v6 = 0; v6 < 2; v6++) {
					if (r->proto == (v6 ? 1 : 58) || (r->family && r->family != (v6 ? 6 : 4)))
						continue; /* ICMP is IPv4's, ICMPv6 IPv6's; some rules are one version's */
					snprintf(set, sizeof set, "d%s_r%zu%s", id, k, v6 ? "_6" : "");
					fputs("\t\t", f);
					rule_match(f, r, r->local ? (v6 ? "lan6" : "lan4") : set, v6);
					fputs(" accept\n", f);
				}
			}
		}
		/* quarantine forwards nothing; everything else not allowed: */
		fputs("\t\tcounter drop\n\t}\n", f);
	}
	/* to the router itself: quarantined devices get DHCP and DNS only */
	fputs("\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n"
	      "\t\tct state established,related accept\n", f);
	for (size_t i = 0; i < in->n_devs; i++)
		if (in->devs[i].policy == POL_QUARANTINE)
			fprintf(f, "\t\tether saddr %s udp dport { 53, 67 } accept\n"
				   "\t\tether saddr %s tcp dport 53 accept\n"
				   "\t\tether saddr %s counter drop\n",
				in->devs[i].mac, in->devs[i].mac, in->devs[i].mac);
	fputs("\t}\n}\n", f);
	return ferror(f) ? -1 : 0;
}
