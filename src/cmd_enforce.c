/* cmd_enforce.c - alfoil enforce: nftables rules from MUD profiles and a
 * per-device policy file; printed (a dry run), applied atomically with
 * `nft -f`, or removed. Only the table inet alfoil is ever touched. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "cmd.h"
#include "inspect.h"
#include "analyze/report_load.h"
#include "policy/mud.h"
#include "enforce/backend.h"
#include "enforce/dnslist.h"
#include "enforce/held.h"
#include "enforce/inreport.h"
#include "enforce/names.h"
#include "enforce/polfile.h"
#include "enforce/nft.h"
#include "lib/cli.h"
#include "lib/hostname.h"

#define MAX_DEVS HELD_MAX_DEVS
#define MAX_NAMES 65536
#define DEFAULT_LAN "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 169.254.0.0/16"

enum { O_PROFILES = 256, O_POLICIES, O_REPORT, O_RESOLVE, O_LAN, O_APPLY, O_REMOVE, O_NFT_FORMAT, O_ALLOW_EMPTY, O_DNS_SETS, O_BRIDGE,
       O_BACKEND = 512 /* + the back end's row in enforce_backends[] */ };

static const struct cli_opt input_opts[] = {
	{ NULL, 0, NULL, 0, "input" },
	{ "profiles", 0, "DIR", O_PROFILES, "MUD files named aa-bb-cc-dd-ee-ff.json (alfoil profile\nlearn; required)" },
	{ "policies", 0, "FILE", O_POLICIES, "'MAC = policy', 'kind:KIND = policy' ('kind:unknown'\n"
					      "for devices alfoil could not place) and\n'default = policy' lines "
					      "(default: the profile\npolicy for every device with a profile)" },
	{ "report", 0, "FILE", O_REPORT, "an alfoil inspect --json report: the DNS answers in\n"
					  "it give the addresses of the profiles' domains, its\nidentities the kinds "
					  "(instead, CAPTURE... gives the\nsame from the captures, read as inspect reads them)" },
	{ "resolve", 0, "NAME=ADDR", O_RESOLVE, "an address for a domain (repeatable)" },
	{ "lan", 0, "NETS", O_LAN, "the local networks (default: " DEFAULT_LAN ")" },
};

/* after the first back end that writes a ruleset (ENF_RULESET) */
static const struct cli_opt ruleset_opts[] = {
	{ "nft-format", 0, "FORM", O_NFT_FORMAT, "table (default: a table inet alfoil of its own) or\n"
						  "fw4 (OpenWrt: sets and chains named alfoil_* for\n"
						  "/etc/nftables.d/, included inside fw4's table inet fw4)" },
	{ "dns-sets", 0, NULL, O_DNS_SETS, "the profiles' domains in sets of their own (flags\n"
					     "timeout) for a resolver to fill as it answers:\n"
					     "dnsmasq with --dnsmasq-nftset's lines (docs/openwrt.md);\n"
					     "alfoil watch --enforce writes this form itself" },
	{ "bridge", 0, NULL, O_BRIDGE, "the LAN is bridged on this host (br-lan): a table\n"
					"bridge alfoil too, holding LAN-to-LAN traffic to the\n"
					"profiles' local rules (controller: the policy file's\n"
					"'controller = MAC'; same-manufacturer: the MAC's\n"
					"OUI) and cutting quarantined devices off the LAN" },
	{ "apply", 0, NULL, O_APPLY, "load it with 'nft -f' (atomically: the table is\nreplaced in one transaction; table form only)" },
	{ "allow-empty", 0, NULL, O_ALLOW_EMPTY, "apply even when profiles name domains and no address\n"
						  "is known for them (no --report, no --resolve): their\n"
						  "clouds are then blocked" },
	{ "remove", 0, NULL, O_REMOVE, "delete the table inet alfoil" },
};

static const struct cli_opt other_opts[] = {
	{ NULL, 0, NULL, 0, "other" },
	{ "help", 'h', NULL, 'h', "this text" },
};

#define N_OF(a) (sizeof (a) / sizeof (a)[0])
#define MAX_OPTS 64

/* The options and synopsis: the fixed ones and one option per back end
 * (enforce/backend.c), so that a back end is one row there. */
static struct cli_opt enforce_opts[MAX_OPTS];
static char synopsis[512], todo_head[64];

static struct cli_cmd enforce_cmd = {
	"alfoil enforce",
	synopsis,
	"Turns per-device MUD profiles and policies into an nftables ruleset in a\n"
	"table of its own (inet alfoil), for the router the devices go through.\n"
	"Policies: profile (what its MUD file allows), local-only (the LAN, not the\n"
	"internet), quarantine (nothing but DHCP and DNS to the router), allow.\n"
	"local-only and quarantine hold traffic both ways and cut connections\n"
	"already open.\n\n"
	"In the policy file a MAC line wins over a kind line over the default. The\n"
	"default is for appliances: phones, computers and network gear (kinds phone,\n"
	"computer, network) only get a policy from a MAC or kind line.\n\n"
	"Domains are resolved from what alfoil saw (--report, or the captures\n"
	"given) or --resolve, at the time the rules are made; a cloud that moves\n"
	"needs the rules made again (docs/enforce.md says more).\n\n"
	"CAPTURE is anything alfoil inspect reads: a pcap or pcapng file (or .gz),\n"
	"a directory of them, or '-' for standard input.",
	enforce_opts, 0, NULL,
	"  0  ok (printed, loaded or removed)\n"
	"  1  usage error, a bad policy file, domain rules without addresses on\n"
	"     --apply (without --allow-empty), or nft failed (then nothing was\n"
	"     changed)\n"
	"  3  printed or loaded, but a profile file could not be read: that\n"
	"     device is not held (the warnings name it), or a capture ended\n"
	"     early; entries of profiles and of the report that are not valid are\n"
	"     left out with a warning",
	"  alfoil enforce --profiles profiles/ --report report.json\n"
	"  sudo alfoil enforce --profiles profiles/ --report report.json --apply\n"
	"  alfoil enforce --profiles profiles/ --report report.json --nft-format fw4 >50-alfoil.nft\n"
	"  alfoil enforce --profiles profiles/ --report report.json --unbound >alfoil-views.conf\n"
	"  alfoil enforce --profiles profiles/ --policies policies.conf today.pcap\n"
	"  sudo alfoil enforce --remove",
};

static void opt_add(const struct cli_opt *o, size_t n)
{
	for (size_t i = 0; i < n && enforce_cmd.n_opts < MAX_OPTS; i++)
		enforce_opts[enforce_cmd.n_opts++] = o[i];
}

static void build_cmd(void)
{
	const struct enforce_backend *rs = NULL;
	size_t used;
	if (enforce_cmd.n_opts)
		return;
	for (size_t i = 0; i < enforce_n_backends && !rs; i++)
		if (enforce_backends[i].needs & ENF_RULESET)
			rs = &enforce_backends[i];
	opt_add(input_opts, N_OF(input_opts));
	snprintf(todo_head, sizeof todo_head, "what to do (default: --%s)", enforce_backends[0].name);
	opt_add(&(struct cli_opt){ NULL, 0, NULL, 0, todo_head }, 1);
	for (size_t i = 0; i < enforce_n_backends; i++) {
		const struct enforce_backend *be = &enforce_backends[i];
		opt_add(&(struct cli_opt){ be->name, 0, NULL, O_BACKEND + (int)i, be->writes }, 1);
		if (be == rs)
			opt_add(ruleset_opts, N_OF(ruleset_opts));
	}
	opt_add(other_opts, N_OF(other_opts));
	used = (size_t)snprintf(synopsis, sizeof synopsis,
				"alfoil enforce --profiles DIR [--policies FILE] [--report FILE] [--%s|--apply]\n"
				"alfoil enforce --profiles DIR [--policies FILE] [options] CAPTURE...\n"
				"alfoil enforce --profiles DIR --report FILE --nft-format fw4\n"
				"alfoil enforce --profiles DIR --report FILE ",
				rs ? rs->name : enforce_backends[0].name);
	for (size_t i = 0, k = 0; i < enforce_n_backends && used < sizeof synopsis; i++)
		if (enforce_backends[i].needs & ENF_QUERIES)
			used += (size_t)snprintf(synopsis + used, sizeof synopsis - used, "%s--%s", k++ ? "|" : "",
						 enforce_backends[i].name);
	if (used < sizeof synopsis)
		snprintf(synopsis + used, sizeof synopsis - used, "\nalfoil enforce --remove");
}

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

/* "Name." and "name" are the same host name; lower case, no trailing dot */
static void name_norm(char *s)
{
	size_t n = strlen(s);
	if (n && s[n - 1] == '.')
		s[n - 1] = '\0';
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Reads the policy file into its lines; 0, or EXIT_USAGE after naming
 * every bad line. */
static int read_policies(const char *path, struct polfile *pf)
{
	return polfile_read(path, pf, cli_error) < 0 ? EXIT_USAGE : EXIT_OK;
}

/* Parses --resolve NAME=ADDR into names: 0, or EXIT_USAGE after a message. */
static int resolve_arg(const char *arg, struct names *names)
{
	const char *eq = strchr(arg, '=');
	unsigned char b[16];
	if (!eq || eq == arg || !eq[1] || eq - arg > 253 ||
	    (inet_pton(AF_INET, eq + 1, b) != 1 && inet_pton(AF_INET6, eq + 1, b) != 1)) {
		cli_error("--resolve wants NAME=ADDRESS (an IPv4 or IPv6 address), got '%s'", arg);
		return EXIT_USAGE;
	}
	char nm[256];
	snprintf(nm, sizeof nm, "%.*s", (int)(eq - arg), arg);
	if (!hostname_ok(nm)) {
		char esc[300];
		cli_error("--resolve: '%s' is not a host name (letters, digits, '-', '.')",
			  hostname_escape(nm, esc, sizeof esc));
		return EXIT_USAGE;
	}
	name_norm(nm);
	if (add_name(names, nm, eq + 1) < 0) {
		cli_error("out of memory");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int lan_ok(const char *lan)
{
	for (const char *p = lan; *p;) {
		char net[64];
		size_t n = strcspn(p, ", ");
		snprintf(net, sizeof net, "%.*s", (int)(n < 63 ? n : 63), p);
		if (n && (n > 63 || !mud_prefix_ok(net))) {
			cli_error("--lan: '%.*s' is not a network like 192.168.1.0/24 or fd00::/8", (int)n, p);
			return 0;
		}
		p += n;
		p += strspn(p, ", ");
	}
	return 1;
}

int cmd_enforce(int argc, char **argv)
{
	cli_set_prog("alfoil enforce");
	build_cmd();
	const char *profiles = NULL, *policies = NULL, *report = NULL, *lan = DEFAULT_LAN;
	const struct enforce_backend *be = &enforce_backends[0];
	int apply = 0, remove_table = 0, c, allow_empty = 0, resolved_given = 0, dns_sets = 0, bridge = 0, rc = EXIT_OK;
	enum nft_format form = NFT_TABLE;
	struct names names = { 0 };
	struct cli_parser cp;
	cli_init(&cp, &enforce_cmd, argc, argv, 1);
	while (rc == EXIT_OK && (c = cli_next(&cp)) != CLI_DONE) {
		const char *arg = cp.arg;
		switch (c) {
		case O_PROFILES: profiles = arg; break;
		case O_POLICIES: policies = arg; break;
		case O_REPORT: report = arg; break;
		case O_LAN: lan = arg; break;
		case O_APPLY: apply = 1; break;
		case O_ALLOW_EMPTY: allow_empty = 1; break;
		case O_DNS_SETS: dns_sets = 1; break;
		case O_BRIDGE: bridge = 1; break;
		case O_REMOVE: remove_table = 1; break;
		case O_NFT_FORMAT:
			if (!strcmp(arg, "table")) {
				form = NFT_TABLE;
			} else if (!strcmp(arg, "fw4")) {
				form = NFT_FW4;
			} else {
				cli_error("--nft-format: '%s' is not table or fw4", arg);
				rc = EXIT_USAGE;
			}
			break;
		case O_RESOLVE:
			resolved_given = 1;
			rc = resolve_arg(arg, &names);
			break;
		case 'h': cli_help(stdout, &enforce_cmd); free(names.v); return EXIT_OK;
		default:
			if (c >= O_BACKEND && c < O_BACKEND + (int)enforce_n_backends)
				be = &enforce_backends[c - O_BACKEND];
			else
				rc = EXIT_USAGE;
		}
	}
	int n_ops;
	char **ops = cli_operands(&cp, &n_ops);
	if (rc == EXIT_OK && n_ops && report) {
		cli_error("captures or --report FILE, not both (a report is what inspect made of captures)");
		cli_try_help(&enforce_cmd);
		rc = EXIT_USAGE;
	}
	if (rc != EXIT_OK) {
		free(names.v);
		return rc;
	}
	if (remove_table) {
		free(names.v);
		return run_nft("table inet alfoil\ndelete table inet alfoil\ntable bridge alfoil\ndelete table bridge alfoil\n") < 0
			       ? EXIT_USAGE
			       : EXIT_OK;
	}
	if (!profiles)
		cli_error("--profiles DIR is required (alfoil profile learn makes it)");
	else if (apply && !(be->needs & ENF_RULESET))
		cli_error("--apply loads a ruleset; --%s writes a file to install", be->name);
	else if (bridge && form == NFT_FW4)
		cli_error("--bridge writes a table bridge alfoil of its own, which fw4's snippet cannot hold: "
			  "use the table form for it (docs/enforce.md)");
	else if (apply && form == NFT_FW4)
		cli_error("--apply loads the table form; with fw4 save the snippet as "
			  "/etc/nftables.d/50-alfoil.nft and run 'fw4 reload' (docs/enforce.md)");
	if (!profiles || (apply && (!(be->needs & ENF_RULESET) || form == NFT_FW4)) || (bridge && form == NFT_FW4) ||
	    !lan_ok(lan)) {
		free(names.v);
		return EXIT_USAGE;
	}

	/* profiles: a file or entry that is not valid is left out, the rest kept */
	struct mud_set set;
	char err[512];
	struct report *loaded = NULL;
	struct inrep in_rep = { 0 };
	struct polfile pf = { 0 };
	struct held h = { 0 };
	struct dns_blocks blocks = { 0 };
	struct inspect_opts io;
	struct inspect_result ires = { 0 };
	int have_input = report || n_ops;
	inspect_opts_init(&io);
	if (mud_load_dir_skip(profiles, &set, cli_warn, err, sizeof err) < 0) {
		cli_error("%s", err);
		free(names.v);
		return EXIT_USAGE;
	}
	if (set.n > MAX_DEVS) {
		cli_error("%s: %zu profiles, at most %d", profiles, set.n, MAX_DEVS);
		rc = EXIT_USAGE;
		goto out;
	}
	if (held_init(&h) < 0) {
		cli_error("out of memory");
		rc = EXIT_USAGE;
		goto out;
	}

	/* policies: every device with a profile, and every MAC the file names */
	if (policies && (rc = read_policies(policies, &pf)) != EXIT_OK)
		goto out;
	/* the devices (addresses, kinds, looked-up names, answers): a saved
	 * report, read by the one loader, or the records of the captures */
	if (report && !(loaded = report_load(report, cli_warn, err, sizeof err))) {
		cli_error("%s", err);
		rc = EXIT_USAGE;
		goto out;
	}
	if (n_ops) {
		io.quiet = 1;
		io.progress = 0;
		if (inspect_gather_inputs(&io, ops, n_ops) < 0 || inspect_collect(&io, &ires) < 0) {
			memset(&ires, 0, sizeof ires);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	const struct report *rep = loaded ? loaded : ires.rep;
	if (rep && inrep_from_report(rep, report ? report : n_ops == 1 ? ops[0] : "the captures", &in_rep,
				     cli_warn) < 0) {
		cli_error("out of memory");
		rc = EXIT_USAGE;
		goto out;
	}
	held_assign(&h, &set, &pf, &in_rep, cli_warn);
	/* a profile file left out: its device is not held (said once each) */
	size_t unheld = 0;
	for (size_t k = 0; k < h.nd; k++)
		if (h.devs[k].policy == POL_PROFILE && !h.devs[k].profile) {
			int bad_file = 0;
			for (size_t b = 0; b < set.n_bad; b++)
				bad_file |= !strcmp(set.bad[b], h.devs[k].mac);
			if (!bad_file) {
				cli_error("%s has the profile policy but no profile in %s", h.devs[k].mac, profiles);
				rc = EXIT_USAGE;
				goto out;
			}
			h.devs[k].policy = POL_ALLOW;
		}
	for (size_t b = 0; b < set.n_bad; b++) {
		const struct nft_device *d = held_get(&h, set.bad[b], 0);
		if (d && d->policy != POL_ALLOW)
			continue; /* a MAC or kind line holds it all the same */
		cli_warn("%s: NOT enforced: its profile could not be read (above); the other devices' rules are written",
			 set.bad[b]);
		unheld++;
	}

	/* names: what the devices were seen to resolve */
	for (size_t i = 0; i < in_rep.n_answers; i++)
		if (name_wanted(h.devs, h.nd, in_rep.answers[i].name) &&
		    add_name(&names, in_rep.answers[i].name, in_rep.answers[i].addr) < 0) {
			cli_error("out of memory");
			rc = EXIT_USAGE;
			goto out;
		}

	if (be->needs & ENF_QUERIES) {
		if (!have_input) {
			cli_error("a DNS blocklist needs --report or captures (the names devices looked up)");
			rc = EXIT_USAGE;
			goto out;
		}
		if (dns_blocks_make(&in_rep, h.devs, h.nd, &blocks) < 0) {
			cli_error("out of memory");
			rc = EXIT_USAGE;
			goto out;
		}
	}
	/* profiles that name domains, and nothing that gives their addresses */
	size_t by_name = 0;
	for (size_t k = 0; (be->needs & ENF_ADDRS) && !dns_sets && k < h.nd; k++)
		for (size_t r = 0; h.devs[k].policy == POL_PROFILE && r < h.devs[k].profile->n; r++)
			by_name += h.devs[k].profile->rules[r].dnsname[0] && !h.devs[k].profile->rules[r].local;
	if (by_name && !have_input && !resolved_given) {
		cli_error("%s: the profiles allow %zu rule%s by domain name, and no address is known "
			  "for any (no --report or captures, no --resolve): their clouds would be blocked",
			apply && !allow_empty ? "refusing" : "warning", by_name, by_name == 1 ? "" : "s");
		if (apply && !allow_empty) {
			cli_error("give --report (an inspect --json report), captures or --resolve NAME=ADDR, "
				  "or --allow-empty to apply anyway");
			rc = EXIT_USAGE;
			goto out;
		}
	}
	char *text = NULL;
	size_t tlen = 0;
	FILE *mem = open_memstream(&text, &tlen);
	struct enforce_job job = { .devs = h.devs, .n_devs = h.nd, .names = names.v, .n_names = names.n,
				   .blocks = blocks.v, .n_blocks = blocks.n, .lan_nets = lan, .format = form,
				   .warn = cli_warn, .live = dns_sets, .bridge = bridge,
				   .controllers = (const char (*)[18])pf.controllers, .n_controllers = pf.n_controllers };
	struct enforce_stats st;
	if (!mem || enforce_write(be, mem, &job, &st, err, sizeof err) < 0) {
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
			cli_error("table inet alfoil loaded: %zu device%s, %zu set%s, %zu rule%s", h.nd,
				h.nd == 1 ? "" : "s", st.nft.sets, st.nft.sets == 1 ? "" : "s", st.nft.rules,
				st.nft.rules == 1 ? "" : "s");
	} else if (fputs(text, stdout) == EOF || fflush(stdout) != 0) {
		cli_error("writing the output: %s", strerror(errno));
		rc = EXIT_USAGE;
	} else if (be->needs & ENF_QUERIES) {
		cli_error("%zu name%s blocked", st.names, st.names == 1 ? "" : "s");
	} else if (be->needs & ENF_NAMESETS) {
		cli_error("%zu name%s for the sets of 'alfoil enforce --dns-sets%s'", st.names,
			  st.names == 1 ? "" : "s", form == NFT_FW4 ? " --nft-format fw4" : "");
	}
	free(text);
	if (rc == EXIT_OK && (unheld || (ires.rep && ires.bad_input)))
		rc = EXIT_INPUT; /* written, but not every device is held, or a capture ended early */
out:
	if (ires.rep)
		inspect_result_free(&ires);
	inspect_opts_free(&io);
	dns_blocks_free(&blocks);
	held_free(&h);
	inrep_free(&in_rep);
	polfile_free(&pf);
	report_free(loaded);
	free(names.v);
	mud_set_free(&set);
	return rc;
}
