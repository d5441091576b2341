/* find_util.h - small helpers the detectors share. */
#ifndef ALFOIL_ANALYZE_FIND_UTIL_H
#define ALFOIL_ANALYZE_FIND_UTIL_H

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/findings.h"

/* A device that is a general-purpose computer or phone (whose owner may
 * well scan, SSH or use any resolver), as opposed to an appliance. */
static inline int is_computer(const struct rep_device *d)
{
	return d->kind && (!strcmp(d->kind, "computer") || !strcmp(d->kind, "phone"));
}

/* A destination on this network that names one host. */
static inline int is_lan_host(const struct rep_dest *x)
{
	return !x->internet && x->scope != REP_SCOPE_MULTICAST && x->scope != REP_SCOPE_BROADCAST &&
	       x->scope != REP_SCOPE_UNSPEC;
}

static inline int is_tcp(const struct rep_dest *x)
{
	return x->proto == IPPROTO_TCP;
}

static inline int is_udp(const struct rep_dest *x)
{
	return x->proto == IPPROTO_UDP;
}

/* The destination's name, or its address (written into buf): what the
 * baseline knows it by. */
static inline const char *dest_label(const struct rep_dest *x, char buf[static ADDR_STRLEN])
{
	return x->domain ? x->domain : addr_fmt(&x->addr, buf);
}

/* A destination as an item of list l: its address and its name (when it
 * has one); NULL when the list is full. */
static inline struct fset *dest_item(struct flist *l, const struct rep_dest *x)
{
	struct fset *it = fl_item(l);
	if (it) {
		fs_addr(it, "address", &x->addr);
		fs_name(it, "domain", x->domain);
	}
	return it;
}

/* "192.168.1.0/24" (IPv4) or "2001:db8:1:2::/64" (IPv6): the network of a */
static inline const char *lan_prefix(const struct ip_addr *a, char buf[static ADDR_STRLEN + 4])
{
	struct ip_addr p = *a;
	int v4 = addr_is_v4(a);
	if (v4)
		p.b[15] = 0;
	else
		memset(p.b + 8, 0, 8);
	char t[ADDR_STRLEN];
	snprintf(buf, ADDR_STRLEN + 4, "%s/%d", addr_fmt(&p, t), v4 ? 24 : 64);
	return buf;
}

/* "192.0.2.1:23", "[2001:db8::1]:23": a host and port as a subject */
static inline const char *host_port(const struct ip_addr *a, unsigned port, char buf[static ADDR_STRLEN + 8])
{
	char t[ADDR_STRLEN];
	addr_fmt(a, t);
	snprintf(buf, ADDR_STRLEN + 8, addr_is_v4(a) ? "%s:%u" : "[%s]:%u", t, port);
	return buf;
}

#endif
