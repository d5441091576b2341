/* cmd_enforce.c - alfoil enforce: nftables rules from MUD profiles and a
 * per-device policy file; printed (a dry run), applied atomically with
 * `nft -f`, or removed. Only the table inet alfoil is ever touched. */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "cmd.h"
#include "analyze/mud.h"
#include "enforce/nft.h"
#include "lib/cli.h"

#define MAX_DEVS 4096
#define MAX_NAMES 65536
#define DEFAULT_LAN "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 169.254.0.0/16"

enum { O_PROFILES = 256, O_POLICIES, O_REPORT, O_RESOLVE, O_LAN, O_NFT, O_APPLY, O_REMOVE, O_DNSMASQ,
       O_UNBOUND, O_HOSTS };

static const struct cli_opt enforce_opts[] = {
	{ NULL, 0, NULL, 0, "input" },
	{ "profiles", 0, "DIR", O_PROFILES, "MUD files named aa-bb-cc-dd-ee-ff.json (alfoil profile\nlearn; required)" },
	{ "policies", 0, "FILE", O_POLICIES, "'MAC = policy', 'kind:KIND = policy' and\n'default = policy' lines "
					      "(default: the profile\npolicy for every device with a profile)" },
	{ "report", 0, "FILE", O_REPORT, "an alfoil inspect --json report: the DNS answers in\n"
					  "it give the addresses of the profiles' domains, its\nidentities the kinds" },
	{ "resolve", 0, "NAME=ADDR", O_RESOLVE, "an address for a domain (repeatable)" },
	{ "lan", 0, "NETS", O_LAN, "the local networks (default: " DEFAULT_LAN ")" },
	{ NULL, 0, NULL, 0, "what to do (default: --nft)" },
	{ "nft", 0, NULL, O_NFT, "print the nftables ruleset (a dry run)" },
	{ "apply", 0, NULL, O_APPLY, "load it with 'nft -f' (atomically: the table is\nreplaced in one transaction)" },
	{ "remove", 0, NULL, O_REMOVE, "delete the table inet alfoil" },
	{ "dnsmasq", 0, NULL, O_DNSMASQ, "instead of nftables: a dnsmasq blocklist of the names\n"
					  "the devices were seen to look up (--report) that\ntheir profile or policy does not allow" },
	{ "unbound", 0, NULL, O_UNBOUND, "the same for unbound (local-zone always_nxdomain)" },
	{ "hosts", 0, NULL, O_HOSTS, "the same as a hosts / Pi-hole blocklist" },
	{ NULL, 0, NULL, 0, "other" },
	{ "help", 'h', NULL, 'h', "this text" },
};

static const struct cli_cmd enforce_cmd = {
	"alfoil enforce",
	"alfoil enforce --profiles DIR [--policies FILE] [--report FILE] [--nft|--apply]\n"
	"alfoil enforce --profiles DIR --report FILE --dnsmasq|--unbound|--hosts\n"
	"alfoil enforce --remove",
	"Turns per-device MUD profiles and policies into an nftables ruleset in a\n"
	"table of its own (inet alfoil), for the router the devices go through.\n"
	"Policies: profile (what its MUD file allows), local-only (the LAN, not the\n"
	"internet), quarantine (nothing but DHCP and DNS to the router), allow.\n"
	"In the policy file a MAC line wins over a kind line over the default.\n\n"
	"Domains are resolved from what alfoil saw (--report) or --resolve, at the\n"
	"time the rules are made; a cloud that moves needs the rules made again\n"
	"(docs/enforce.md says more).",
	enforce_opts, sizeof enforce_opts / sizeof enforce_opts[0], NULL,
	"  0  ok (printed, loaded or removed)\n"
	"  1  usage error, a bad profile or policy file, or nft failed (then\n"
	"     nothing was changed)",
	"  alfoil enforce --profiles profiles/ --report report.json\n"
	"  sudo alfoil enforce --profiles profiles/ --report report.json --apply\n"
	"  alfoil enforce --profiles profiles/ --report report.json --dnsmasq >block.conf\n"
	"  sudo alfoil enforce --remove",
};

/* name -> address pairs for the ruleset; a growing array */
struct names {
	struct nft_name *v;
	size_t n, cap;
};

static int add_name(struct names *ns, const char *name, const char *addr)
{
	for (size_t k = 0; k < ns->n; k++)
		if (!strcasecmp(ns->v[k].name, name) && !strcmp(ns->v[k].addr, addr))
			return 0;
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 64;
		struct nft_name *v = realloc(ns->v, cap * sizeof *v);
		if (!v)
			return -1;
		ns->v = v;
		ns->cap = cap;
	}
	snprintf(ns->v[ns->n].name, sizeof ns->v[ns->n].name, "%s", name);
	snprintf(ns->v[ns->n].addr, sizeof ns->v[ns->n].addr, "%s", addr);
	ns->n++;
	return 0;
}

/* Does any profile with the profile policy name this domain? */
static int name_wanted(const struct nft_device *devs, size_t nd, const char *name)
{
	for (size_t i = 0; i < nd; i++)
		for (size_t k = 0; devs[i].profile && k < devs[i].profile->n; k++)
			if (!strcasecmp(devs[i].profile->rules[k].dnsname, name))
				return 1;
	return 0;
}

static int run_nft(const char *text)
{
	FILE *p = popen("nft -f -", "w");
	if (!p) {
		cli_error("cannot run nft: %s", strerror(errno));
		return -1;
	}
	fputs(text, p);
	int st = pclose(p);
	if (st != 0) {
		cli_error("nft -f failed (status %d); nothing was changed",
			WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return -1;
	}
	return 0;
}

/* The names each device looked up that its policy does not let it reach. */
static int dns_blocklist(const json_t *rep, const struct nft_device *devs, size_t nd, int fmt)
{
	if (!rep) {
		cli_error("a DNS blocklist needs --report (the names devices looked up)");
		return EXIT_USAGE;
	}
	static const char *const head[] = { "", "# dnsmasq: conf-file=THIS (names answered 0.0.0.0)",
					    "# unbound: include: THIS (names answered NXDOMAIN)",
					    "# hosts / Pi-hole blocklist" };
	printf("%s\n# made by alfoil enforce from MUD profiles and policies\n", head[fmt]);
	size_t i, j, n = 0;
	json_t *dv, *q;
	char seen[4096][128];
	size_t nseen = 0;
	json_array_foreach(json_object_get(rep, "devices"), i, dv) {
		const char *mac = json_string_value(json_object_get(dv, "mac"));
		const struct nft_device *d = NULL;
		for (size_t k = 0; mac && k < nd; k++)
			if (!strcasecmp(devs[k].mac, mac))
				d = &devs[k];
		if (!d || d->policy == POL_ALLOW)
			continue;
		json_array_foreach(json_object_get(json_object_get(dv, "dns"), "queries"), j, q) {
			const char *name = json_string_value(json_object_get(q, "name"));
			if (!name || !strchr(name, '.') || strchr(name, ' ') || strlen(name) >= 128)
				continue;
			int allowed = 0;
			if (d->policy == POL_PROFILE && d->profile)
				for (size_t r = 0; r < d->profile->n; r++)
					allowed |= !strcasecmp(d->profile->rules[r].dnsname, name);
			if (d->policy == POL_LOCAL_ONLY || d->policy == POL_QUARANTINE)
				allowed = 0;
			int dup = 0;
			for (size_t s = 0; s < nseen; s++)
				dup |= !strcasecmp(seen[s], name);
			if (allowed || dup || nseen == 4096)
				continue;
			snprintf(seen[nseen++], sizeof seen[0], "%s", name);
			if (fmt == 1)
				printf("address=/%s/0.0.0.0  # %s (%s)\n", name, mac, policy_name(d->policy));
			else if (fmt == 2)
				printf("local-zone: \"%s.\" always_nxdomain  # %s (%s)\n", name, mac, policy_name(d->policy));
			else
				printf("0.0.0.0 %s  # %s (%s)\n", name, mac, policy_name(d->policy));
			n++;
		}
	}
	cli_error("%zu name%s blocked", n, n == 1 ? "" : "s");
	return EXIT_OK;
}

int cmd_enforce(int argc, char **argv)
{
	cli_set_prog("alfoil enforce");
	const char *profiles = NULL, *policies = NULL, *report = NULL, *lan = DEFAULT_LAN;
	int apply = 0, remove_table = 0, c, dnsfmt = 0; /* 1 dnsmasq, 2 unbound, 3 hosts */
	struct names names = { 0 };
	struct cli_parser cp;
	cli_init(&cp, &enforce_cmd, argc, argv, 1);
	while ((c = cli_next(&cp)) != CLI_DONE) {
		const char *arg = cp.arg;
		switch (c) {
		case O_PROFILES: profiles = arg; break;
		case O_POLICIES: policies = arg; break;
		case O_REPORT: report = arg; break;
		case O_LAN: lan = arg; break;
		case O_NFT: break;
		case O_APPLY: apply = 1; break;
		case O_REMOVE: remove_table = 1; break;
		case O_DNSMASQ: dnsfmt = 1; break;
		case O_UNBOUND: dnsfmt = 2; break;
		case O_HOSTS: dnsfmt = 3; break;
		case O_RESOLVE: {
			const char *eq = strchr(arg, '=');
			unsigned char b[16];
			if (!eq || eq == arg || !eq[1] || eq - arg > 253 ||
			    (inet_pton(AF_INET, eq + 1, b) != 1 && inet_pton(AF_INET6, eq + 1, b) != 1)) {
				cli_error("--resolve wants NAME=ADDRESS (an IPv4 or IPv6 address), got '%s'",
					arg);
				free(names.v);
				return EXIT_USAGE;
			}
			char nm[256];
			snprintf(nm, sizeof nm, "%.*s", (int)(eq - arg), arg);
			if (add_name(&names, nm, eq + 1) < 0) {
				cli_error("out of memory");
				return EXIT_USAGE;
			}
			break;
		}
		case 'h': cli_help(stdout, &enforce_cmd); free(names.v); return EXIT_OK;
		default: free(names.v); return EXIT_USAGE;
		}
	}
	int n_ops;
	char **ops = cli_operands(&cp, &n_ops);
	if (n_ops) {
		cli_error("unexpected argument '%s' (the captures go to alfoil profile learn)", ops[0]);
		cli_try_help(&enforce_cmd);
		free(names.v);
		return EXIT_USAGE;
	}
	if (remove_table)
		return run_nft("table inet alfoil\ndelete table inet alfoil\n") < 0 ? EXIT_USAGE : EXIT_OK;
	if (!profiles) {
		cli_error("--profiles DIR is required (alfoil profile learn makes it)");
		return EXIT_USAGE;
	}
	for (const char *p = lan; *p;) {
		char net[64];
		size_t n = strcspn(p, ", ");
		snprintf(net, sizeof net, "%.*s", (int)(n < 63 ? n : 63), p);
		if (n && (n > 63 || !mud_prefix_ok(net))) {
			cli_error("--lan: '%.*s' is not a network like 192.168.1.0/24 or fd00::/8",
				(int)n, p);
			return EXIT_USAGE;
		}
		p += n;
		p += strspn(p, ", ");
	}

	/* profiles */
	struct mud_set set;
	char err[512];
	int rc = EXIT_OK;
	if (mud_load_dir(profiles, &set, err, sizeof err) < 0) {
		cli_error("%s", err);
		free(names.v);
		return EXIT_USAGE;
	}
	if (set.n > MAX_DEVS) {
		cli_error("%s: %zu profiles, at most %d", profiles, set.n, MAX_DEVS);
		rc = EXIT_USAGE;
		goto out;
	}
	size_t np = set.n;

	/* policies: every device with a profile, and every MAC the file names */
	static struct nft_device devs[MAX_DEVS];
	size_t nd = 0;
	enum policy def = POL_PROFILE;
	int def_set = 0;
	static unsigned char named[MAX_DEVS];
	memset(named, 0, sizeof named);
	struct {
		char kind[64];
		enum policy pol;
	} kinds[32];
	size_t n_kinds = 0;
	for (size_t i = 0; i < np; i++)
		devs[nd++] = (struct nft_device){ .policy = POL_PROFILE, .profile = &set.v[i].p };
	for (size_t i = 0; i < np; i++)
		memcpy(devs[i].mac, set.v[i].mac, sizeof devs[i].mac);
	if (policies) {
		FILE *f = fopen(policies, "r");
		char line[512];
		int lineno = 0;
		if (!f) {
			cli_error("%s: %s", policies, strerror(errno));
			rc = EXIT_USAGE;
			goto out;
		}
		while (fgets(line, sizeof line, f)) {
			lineno++;
			char *h = strchr(line, '#');
			if (h)
				*h = '\0';
			char key[64], val[64];
			if (sscanf(line, " %63[^= \t] = %63s", key, val) != 2) {
				if (strspn(line, " \t\r\n") != strlen(line)) {
					cli_error("%s:%d: want 'MAC = policy'", policies, lineno);
					rc = EXIT_USAGE;
				}
				continue;
			}
			enum policy pol;
			if (policy_parse(val, &pol) < 0) {
				cli_error("%s:%d: '%s' is not allow, profile, local-only or quarantine",
					policies, lineno, val);
				rc = EXIT_USAGE;
				continue;
			}
			if (!strcasecmp(key, "default")) {
				def = pol;
				def_set = 1;
				continue;
			}
			if (!strncasecmp(key, "kind:", 5)) {
				if (n_kinds < sizeof kinds / sizeof kinds[0]) {
					snprintf(kinds[n_kinds].kind, sizeof kinds[n_kinds].kind, "%s", key + 5);
					kinds[n_kinds++].pol = pol;
				}
				continue;
			}
			if (strlen(key) != 17) {
				cli_error("%s:%d: '%s' is not a MAC address", policies, lineno, key);
				rc = EXIT_USAGE;
				continue;
			}
			for (char *q = key; *q; q++)
				*q = (char)tolower((unsigned char)*q);
			size_t k;
			for (k = 0; k < nd && strcmp(devs[k].mac, key); k++)
				;
			if (k == nd) { /* a device without a profile */
				if (nd == MAX_DEVS)
					continue;
				memset(&devs[nd], 0, sizeof devs[nd]);
				memcpy(devs[nd].mac, key, sizeof devs[nd].mac);
				nd++;
			}
			devs[k].policy = pol;
			named[k] = 1;
		}
		fclose(f);
		if (rc != EXIT_OK)
			goto out;
	}
	/* the report: DNS answers give addresses, identities give kinds */
	json_t *rep = NULL;
	if (report) {
		json_error_t je;
		rep = json_load_file(report, 0, &je);
		if (!rep) {
			cli_error("%s:%d: %s", report, je.line, je.text);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	/* devices of the report that a kind line covers, without a profile */
	if (rep && n_kinds) {
		size_t i;
		json_t *dv;
		json_array_foreach(json_object_get(rep, "devices"), i, dv) {
			const char *mac = json_string_value(json_object_get(dv, "mac"));
			if (!mac || nd == MAX_DEVS)
				continue;
			size_t k;
			for (k = 0; k < nd && strcasecmp(devs[k].mac, mac); k++)
				;
			if (k == nd) {
				int is_router = 0;
				size_t ri;
				json_t *role;
				json_array_foreach(json_object_get(dv, "roles"), ri, role)
					is_router |= json_is_string(role) && !strcmp(json_string_value(role), "gateway");
				if (is_router)
					continue; /* never the router itself */
				memset(&devs[nd], 0, sizeof devs[nd]);
				snprintf(devs[nd].mac, sizeof devs[nd].mac, "%s", mac);
				devs[nd].policy = POL_ALLOW;
				nd++;
			}
			const char *kind = json_string_value(json_object_get(json_object_get(dv, "identity"), "kind"));
			for (size_t q = 0; kind && !named[k] && q < n_kinds; q++)
				if (!strcasecmp(kinds[q].kind, kind)) {
					devs[k].policy = kinds[q].pol;
					named[k] = 2; /* by kind */
				}
		}
	}
	/* devices no line names take the default */
	for (size_t i = 0; def_set && i < nd; i++)
		if (!named[i])
			devs[i].policy = def;
	for (size_t i = 0; i < nd; i++)
		if (devs[i].policy == POL_PROFILE && !devs[i].profile) {
			cli_error("%s has the profile policy but no profile in %s", devs[i].mac,
				profiles);
			rc = EXIT_USAGE;
			goto out;
		}

	/* names: what the devices were seen to resolve */
	if (rep) {
		json_t *r = rep;
		size_t i, j;
		json_t *dv, *a;
		json_array_foreach(json_object_get(r, "devices"), i, dv)
			json_array_foreach(json_object_get(json_object_get(dv, "dns"), "answers"), j, a) {
				const char *nm = json_string_value(json_object_get(a, "name"));
				const char *ad = json_string_value(json_object_get(a, "address"));
				unsigned char b[16];
				if (nm && ad && name_wanted(devs, nd, nm) &&
				    (inet_pton(AF_INET, ad, b) == 1 || inet_pton(AF_INET6, ad, b) == 1) &&
				    add_name(&names, nm, ad) < 0) {
					cli_error("out of memory");
					rc = EXIT_USAGE;
					json_decref(rep);
					goto out;
				}
			}
	}

	if (dnsfmt) {
		rc = dns_blocklist(rep, devs, nd, dnsfmt);
		json_decref(rep);
		goto out;
	}
	json_decref(rep);
	char *text = NULL;
	size_t tlen = 0;
	FILE *mem = open_memstream(&text, &tlen);
	struct nft_input in = { devs, nd, names.v, names.n, lan };
	if (!mem || nft_write(mem, &in, err, sizeof err) < 0) {
		cli_error("%s", mem ? err : strerror(errno));
		if (mem)
			fclose(mem);
		free(text);
		rc = EXIT_USAGE;
		goto out;
	}
	fclose(mem);
	if (apply) {
		if (run_nft(text) < 0)
			rc = EXIT_USAGE;
		else
			cli_error("table inet alfoil loaded: %zu device%s", nd, nd == 1 ? "" : "s");
	} else {
		fputs(text, stdout);
	}
	free(text);
out:
	free(names.v);
	mud_set_free(&set);
	return rc;
}
