/* hostname.h - what may reach an nftables ruleset, a DNS server's
 * configuration or a MUD file: host names (RFC 1123 letters-digits-hyphen
 * labels); and a printable, escaped copy of anything else for a message. */
#ifndef ALFOIL_LIB_HOSTNAME_H
#define ALFOIL_LIB_HOSTNAME_H

#include <stddef.h>

/* LDH labels of 1..63 characters, not starting or ending with '-', the
 * whole at most 253 (one trailing dot allowed); 1 when good, else 0. */
int hostname_ok(const char *s);

/* s as printable ASCII for a message: '"', '\\' and every byte outside
 * 0x21..0x7e except the space escaped (\", \\, \n, \xNN), cut with "..."
 * to fit n (n >= 8). Returns out. */
const char *hostname_escape(const char *s, char *out, size_t n);

#endif
