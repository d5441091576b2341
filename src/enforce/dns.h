/* dns.h - DNS blocklists from policies: the names each held device was
 * seen to look up that its policy does not let it reach.
 *
 * One back end a format, in one table. Per client where the resolver can
 * tell clients apart (unbound: a view per device, chosen by its address
 * with access-control-view); for every client where it cannot (dnsmasq,
 * hosts files), which the file and a warning say.
 */
#ifndef ALFOIL_ENFORCE_DNS_H
#define ALFOIL_ENFORCE_DNS_H

#include <stdio.h>

#include "enforce/nft.h"

struct dns_block {
	const struct nft_device *dev; /* its MAC, policy and addresses */
	const char *const *names;     /* host names (checked by the caller) */
	size_t n_names;
};

/* The back end called fmt ("dnsmasq", "unbound", "hosts"), or NULL. */
int dns_format_known(const char *fmt);

/* How a back end says what the file cannot do (a file for every client, a
 * device without an address): cli_warn, or NULL. */
typedef void (*dns_warn_fn)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes the blocklist to f. Returns the number of names written, or -1. */
long dns_write(FILE *f, dns_warn_fn warn, const char *fmt, const struct dns_block *b, size_t n);

#endif
