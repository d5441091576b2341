/* nft.h - nftables rulesets from MUD profiles and per-device policies.
 *
 * One table of alfoil's own, `inet alfoil`; no other table is touched.
 * Policies: profile (what the MUD file allows, answers and the LAN's
 * DHCP/DNS included), local-only (the LAN yes, the internet no),
 * quarantine (DHCP and DNS to the router only), allow (watch only).
 * Devices are matched by MAC on the LAN side.
 */
#ifndef ALFOIL_ENFORCE_NFT_H
#define ALFOIL_ENFORCE_NFT_H

#include <stdio.h>

#include "analyze/mud.h"

enum policy { POL_ALLOW, POL_PROFILE, POL_LOCAL_ONLY, POL_QUARANTINE };

const char *policy_name(enum policy p);
int policy_parse(const char *s, enum policy *p);

struct nft_device {
	char mac[18];
	enum policy policy;
	const struct mud_profile *profile; /* for POL_PROFILE */
};

/* name -> address, for the domains in profiles */
struct nft_name {
	char name[256];
	char addr[64];
};

struct nft_input {
	const struct nft_device *devs;
	size_t n_devs;
	const struct nft_name *names;
	size_t n_names;
	const char *lan_nets; /* "192.168.0.0/16, 10.0.0.0/8, ..." */
};

/* Write the ruleset (atomic: the table is created, flushed and filled in
 * one transaction). Returns 0, or -1 with err set. */
int nft_write(FILE *f, const struct nft_input *in, char *err, size_t errlen);

#endif
