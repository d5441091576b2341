/* find_util.h - small helpers the detectors share. */
#ifndef ALFOIL_ANALYZE_FIND_UTIL_H
#define ALFOIL_ANALYZE_FIND_UTIL_H

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/findings.h"
#include "lib/fmt.h"

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

/* Append "item" to a comma-separated list in buf (cut quietly when full). */
static inline void list_add(char *buf, size_t cap, const char *item)
{
	size_t n = strlen(buf);
	if (n + strlen(item) + 3 >= cap)
		return;
	snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", item);
}

/* The destination's name, or its address (written into buf). */
static inline const char *dest_label(const struct rep_dest *x, char buf[static ADDR_STRLEN])
{
	return x->domain ? x->domain : addr_fmt(&x->addr, buf);
}

/* "2026-11-01 08:00:00 to 08:01:12" */
static inline const char *fmt_span(char buf[80], uint64_t first, uint64_t last)
{
	char a[32], b[32];
	snprintf(buf, 80, "%s to %s", fmt_time(a, first, 0), fmt_time(b, last, 0) + 11);
	return buf;
}

#endif
