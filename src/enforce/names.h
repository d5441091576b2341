/* names.h - what may reach an nftables ruleset or a DNS server's
 * configuration: host names (RFC 1123 letters-digits-hyphen labels) and
 * MAC addresses. Everything else is skipped by the caller with a warning. */
#ifndef ALFOIL_ENFORCE_NAMES_H
#define ALFOIL_ENFORCE_NAMES_H

/* LDH labels of 1..63 characters, not starting or ending with '-', the
 * whole at most 253 (one trailing dot allowed); 1 when good, else 0. */
int enforce_hostname_ok(const char *s);

/* "aa:bb:cc:dd:ee:ff" (either case): 1 when good, else 0. */
int enforce_mac_ok(const char *s);

#endif
