/* dnslist.h - what the DNS back ends share (dnsmasq.c, unbound.c,
 * pihole.c, hosts.c): the blocks they are handed, made from the names the
 * devices looked up, and the list for every client of a resolver that
 * cannot tell clients apart (dnsmasq, hosts files). */
#ifndef ALFOIL_ENFORCE_DNSLIST_H
#define ALFOIL_ENFORCE_DNSLIST_H

#include <stdio.h>

#include "enforce/backend.h"
#include "enforce/inreport.h"

/* The blocks of every held device (not allow): the names of rep it looked
 * up that its policy does not let it reach (a profile's names are allowed
 * to a device with the profile policy). */
struct dns_blocks {
	struct dns_block *v;
	size_t n;
	const char **names; /* the blocks' names, pointing into rep */
};

/* 0, or -1 when out of memory (out is to be freed either way). */
int dns_blocks_make(const struct inrep *rep, const struct nft_device *devs, size_t nd, struct dns_blocks *out);
void dns_blocks_free(struct dns_blocks *b);

/* aa:bb:cc:dd:ee:ff as aabbccddeeff: the name of a device's view or group */
void dnslist_mac_id(const char *mac, char id[static 13]);

/* One line of a list for every client: the name, and the device and
 * policy it is blocked for (a comment). */
typedef void (*dnslist_line_fn)(FILE *f, const char *name, const char *mac, const char *policy);

/* After the back end's first line: the note that who ("dnsmasq", "a hosts
 * file") blocks for every client, each name once, and a warning saying so.
 * Returns the number of names written. */
size_t dnslist_everyone(FILE *f, const struct enforce_job *job, const char *who, dnslist_line_fn line);

#endif
