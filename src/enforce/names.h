/* names.h - device MACs that may reach an nftables ruleset, a DNS
 * configuration or a file name: one unicast station, written one way. */
#ifndef ALFOIL_ENFORCE_NAMES_H
#define ALFOIL_ENFORCE_NAMES_H

enum { MAC_OK = 0, MAC_SYNTAX = -1, MAC_GROUP = -2, MAC_ZERO = -3 };

/* "aa:bb:cc:dd:ee:ff" or "aa-bb-cc-dd-ee-ff", either case, into the one
 * form rules use (lower case, colons) in out. MAC_OK, or why not: not six
 * hex pairs, a group address (the I/G bit: multicast, broadcast), or
 * all zero. out is "" unless MAC_OK. */
int enforce_mac_norm(const char *s, char out[static 18]);

/* The reason of a enforce_mac_norm() result, for a message. */
const char *enforce_mac_why(int rc);

#endif
