/* backend.c - the table of enforcement back ends (see backend.h). */
#include "enforce/backend.h"

#include <errno.h>
#include <string.h>

const struct enforce_backend enforce_backends[] = {
	{ "nft", "print the nftables ruleset (a dry run)", nft_backend_write, ENF_RULESET | ENF_ADDRS },
	{ "dnsmasq",
	  "instead of nftables: a dnsmasq blocklist of the names\n"
	  "the devices were seen to look up (--report) that\n"
	  "their profile or policy does not allow; dnsmasq\n"
	  "blocks them for every client (the file and stderr say so)",
	  dnsmasq_write, ENF_QUERIES },
	{ "unbound", "the same for unbound, per device: a view by client\naddress (access-control-view)", unbound_write,
	  ENF_QUERIES },
	{ "pihole", "the same as SQL for Pi-hole's gravity.db, per device:\na group per device, by MAC and address",
	  pihole_write, ENF_QUERIES },
	{ "hosts", "the same as a hosts file (for every client)", hosts_write, ENF_QUERIES },
	{ "dnsmasq-nftset",
	  "nftset= lines for dnsmasq on the router: it fills the\n"
	  "name sets of the --dns-sets ruleset from its answers\n"
	  "(docs/openwrt.md)",
	  dnsmasq_nftset_write, ENF_NAMESETS },
};

const size_t enforce_n_backends = sizeof enforce_backends / sizeof enforce_backends[0];

const struct enforce_backend *enforce_backend_find(const char *name)
{
	for (size_t i = 0; name && i < enforce_n_backends; i++)
		if (!strcmp(enforce_backends[i].name, name))
			return &enforce_backends[i];
	return NULL;
}

int enforce_write(const struct enforce_backend *be, FILE *f, const struct enforce_job *job, struct enforce_stats *st,
		  char *err, size_t errlen)
{
	memset(st, 0, sizeof *st);
	if (be->write(f, job, st, err, errlen) < 0)
		return -1;
	if (fflush(f) != 0 || ferror(f)) {
		snprintf(err, errlen, "%s: writing failed: %s", be->name, strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}
