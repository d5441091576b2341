/* nft.h - nftables rulesets from MUD profiles and per-device policies.
 *
 * Two forms: a table of alfoil's own, `inet alfoil` (no other table is
 * touched; the file replaces it in one transaction), or, for OpenWrt's fw4,
 * a snippet of sets and chains (all named alfoil_*) that fw4 includes inside
 * its `table inet fw4` from /etc/nftables.d/.
 *
 * Policies: profile (what the MUD file allows, both ways), local-only (the
 * LAN yes, the internet no, both ways), quarantine (DHCP and DNS to the
 * router only), allow (watch only). Traffic from a device is matched by its
 * MAC; traffic to it (port forwards, other hosts) by its addresses: those
 * the report gave plus those it is seen to use on the LAN (a dynamic set).
 * local-only and quarantine come before connection tracking's "established"
 * accept, so connections open when they are applied are cut.
 */
#ifndef ALFOIL_ENFORCE_NFT_H
#define ALFOIL_ENFORCE_NFT_H

#include <stdint.h>
#include <stdio.h>

#include "policy/mud.h"

enum policy { POL_ALLOW, POL_PROFILE, POL_LOCAL_ONLY, POL_QUARANTINE };

const char *policy_name(enum policy p);
int policy_parse(const char *s, enum policy *p);

#define NFT_DEV_ADDRS 8

struct nft_device {
	char mac[18];
	enum policy policy;
	const struct mud_profile *profile; /* for POL_PROFILE */
	char addrs[NFT_DEV_ADDRS][46];     /* its own addresses, known beforehand */
	size_t n_addrs;
};

/* name -> address, for the domains in profiles */
struct nft_name {
	char name[256];
	char addr[64];
	uint32_t timeout_s; /* live: the element's timeout (0: none) */
};

enum nft_format { NFT_TABLE, NFT_FW4 };

struct nft_input {
	const struct nft_device *devs;
	size_t n_devs;
	const struct nft_name *names;
	size_t n_names;
	const char *lan_nets; /* "192.168.0.0/16, 10.0.0.0/8, ..." */
	enum nft_format format;
	/* one line per name left out (no address, not a host name): cli_warn, or NULL */
	void (*warn)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
	/* live (watch --enforce, dnsmasq's nftset=): the addresses of a
	 * group's names go into sets of their own, PdID_gK_n4 and _n6, with
	 * flags timeout, filled while the rules are loaded (names' elements
	 * carry their timeout_s); the group's interval set keeps its networks */
	int live;
	/* the new-device guard: a MAC not in known[] that sends from the LAN
	 * (--lan) is held by new_policy (local-only or quarantine) from its
	 * first packet; guard 0: none */
	int guard;
	enum policy new_policy;
	const char (*known)[18];
	size_t n_known;
	/* the LAN's interfaces (watch's -i): the guard holds what comes in on
	 * them, IPv4 and IPv6 alike; none: what comes from --lan's networks */
	const char *const *lan_ifaces;
	size_t n_lan_ifaces;
	/* the LAN bridged on this host (a Linux bridge, OpenWrt's br-lan): a
	 * table bridge alfoil too, holding what the bridge forwards between LAN
	 * devices to the profiles' local rules (local-networks, same-
	 * manufacturer by OUI, controller/my-controller: controllers[]) and
	 * cutting quarantined devices off the LAN; the table form only */
	int bridge;
	const char (*controllers)[18];
	size_t n_controllers;
};

/* Counts of what was written, for the caller's summary. */
struct nft_stats {
	size_t sets, rules, unresolved, bad_names;
};

/* Write the ruleset. Returns 0, or -1 with err set. */
int nft_write(FILE *f, const struct nft_input *in, struct nft_stats *st, char *err, size_t errlen);

/* The live form's name sets: fn(ctx, name, set, v6) once for each name of
 * a held profile device's internet rules and each set it fills (set is
 * the name inside the table, without the prefix of fw4's form). */
typedef void (*nft_name_set_fn)(void *ctx, const char *name, const char *set, int v6);
void nft_name_sets(const struct nft_device *devs, size_t n_devs, nft_name_set_fn fn, void *ctx);

#endif
