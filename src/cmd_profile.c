/* cmd_profile.c - alfoil profile learn|check: per-device behaviour
 * profiles as IETF MUD files (RFC 8520), learnt from captures and checked
 * against them. The captures go through the engine as in `alfoil inspect`
 * (inspect_collect: the report's records), so a profile sees exactly what
 * the report shows; a saved inspect --json report is read instead with
 * --report. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "inspect.h"
#include "analyze/report.h"
#include "analyze/report_load.h"
#include "policy/mud.h"
#include "enforce/names.h"
#include "lib/cli.h"
#include "lib/hostname.h"

enum { O_OUTPUT = 'o', O_HELP = 'h', O_DEVICE = 256, O_PROFILES, O_REPORT };

static const struct cli_opt learn_opts[] = {
	{ NULL, 0, NULL, 0, "options" },
	{ "output", 'o', "DIR", O_OUTPUT, "where the profiles are written (created; required)" },
	{ "device", 0, "MAC", O_DEVICE, "only this device, or 'all' for the router too\n(default: every device but the router)" },
	{ "report", 0, "FILE", O_REPORT, "use an alfoil inspect --json report instead of\ncaptures" },
	{ "help", 'h', NULL, O_HELP, "this text" },
};

static const struct cli_opt check_opts[] = {
	{ NULL, 0, NULL, 0, "options" },
	{ "profiles", 0, "DIR", O_PROFILES, "the MUD files to check against (ours or anyone's;\nrequired)" },
	{ "report", 0, "FILE", O_REPORT, "use an alfoil inspect --json report instead of\ncaptures" },
	{ "help", 'h', NULL, O_HELP, "this text" },
};

static const struct cli_opt top_opts[] = {
	{ NULL, 0, NULL, 0, "options" },
	{ "help", 'h', NULL, O_HELP, "this text" },
};

#define CAPTURES_NOTE "CAPTURE is anything alfoil inspect reads: a pcap or pcapng file (or .gz),\n" \
		      "a directory of them, or '-' for standard input."

static const struct cli_cmd learn_cmd = {
	"alfoil profile learn",
	"alfoil profile learn [--device MAC|all] -o DIR CAPTURE...\n"
	"alfoil profile learn [--device MAC|all] -o DIR --report FILE",
	"Writes one IETF MUD file (RFC 8520) per device into DIR, named after its MAC\n"
	"(aa-bb-cc-dd-ee-ff.json), with what it did in the captures: internet\n"
	"destinations by domain (ietf-acldns) or address, local peers\n"
	"(local-networks), protocols, ports and who opened each exchange; and a\n"
	"short summary (aa-bb-cc-dd-ee-ff.txt) beside it.\n\n" CAPTURES_NOTE,
	learn_opts, sizeof learn_opts / sizeof learn_opts[0], NULL,
	"  0  profiles written\n"
	"  1  usage error, no input readable, or no device found",
	"  alfoil profile learn -o profiles/ week1.pcap\n"
	"  alfoil profile learn --device 94:f8:27:6d:12:c9 -o profiles/ captures/",
};

static const struct cli_cmd check_cmd = {
	"alfoil profile check",
	"alfoil profile check --profiles DIR CAPTURE...\n"
	"alfoil profile check --profiles DIR --report FILE",
	"Reports every exchange of a device in the captures that its profile in DIR\n"
	"does not allow, one line per peer and protocol. Devices without a profile\n"
	"are not checked.\n\n" CAPTURES_NOTE,
	check_opts, sizeof check_opts / sizeof check_opts[0], NULL,
	"  0  every checked device kept to its profile\n"
	"  1  usage error, no input readable, or no profiles in DIR\n"
	"  3  no deviation, but a value of the report was not valid (a warning\n"
	"     names it) and was left out or not checked\n"
	"  4  a device did something its profile does not allow",
	"  alfoil profile check --profiles profiles/ today.pcap",
};

static const struct cli_cmd top_cmd = {
	"alfoil profile",
	"alfoil profile learn [options] -o DIR CAPTURE...\n"
	"alfoil profile check [options] --profiles DIR CAPTURE...",
	"Per-device behaviour profiles as IETF MUD files (RFC 8520): 'learn' writes\n"
	"them from captures, 'check' reports what a device did that its profile does\n"
	"not allow. 'alfoil profile learn --help' and 'alfoil profile check --help'\n"
	"describe each.",
	top_opts, 2, NULL,
	"  0  ok\n"
	"  1  usage error, or no input readable\n"
	"  4  check: a deviation from a profile",
	"  alfoil profile learn -o profiles/ week1.pcap\n"
	"  alfoil profile check --profiles profiles/ today.pcap",
};

/* What learn and check read: the records of the captures (the engine run
 * on them, as alfoil inspect does), or of a saved inspect --json report
 * (report_load, the one reader of those). */
struct source {
	struct inspect_opts o;
	struct inspect_result res;
	struct report *loaded;    /* --report FILE */
	const struct report *rep; /* loaded, or the captures' */
};

static int source_open(struct source *src, int nfiles, char **files, const char *report)
{
	char err[1024];
	memset(src, 0, sizeof *src);
	inspect_opts_init(&src->o);
	if (report) {
		if (!(src->rep = src->loaded = report_load(report, cli_warn, err, sizeof err))) {
			cli_error("%s", err);
			return -1;
		}
		return 0;
	}
	src->o.quiet = 1;
	src->o.progress = 0;
	if (inspect_gather_inputs(&src->o, files, nfiles) < 0 || inspect_collect(&src->o, &src->res) < 0)
		return -1;
	src->rep = src->res.rep;
	return 0;
}

static void source_close(struct source *src)
{
	if (src->rep && !src->loaded)
		inspect_result_free(&src->res);
	report_free(src->loaded);
	inspect_opts_free(&src->o);
}

/* aa-bb-cc-dd-ee-ff, from a MAC enforce_mac_norm() made: the only way
 * data from a report becomes part of a file name */
static void mac_file(const char mac[static 18], char out[static 18])
{
	for (int i = 0; i < 17; i++)
		out[i] = mac[i] == ':' ? '-' : mac[i];
	out[17] = '\0';
}

/* The MUD file and its summary beside it. */
static int write_profile(const struct mud_profile *p, const char *mac, const char *dir, const char *when)
{
	char path[4096], name[32], url[128];
	mac_file(mac, name);
	snprintf(url, sizeof url, "https://mud.alfoil.invalid/%s.json", name);
	json_t *doc = mud_to_json(p, url, when);
	snprintf(path, sizeof path, "%s/%s.json", dir, name);
	if (json_dump_file(doc, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0) {
		cli_error("writing %s failed", path);
		json_decref(doc);
		return -1;
	}
	json_decref(doc);
	snprintf(path, sizeof path, "%s/%s.txt", dir, name);
	FILE *f = fopen(path, "w");
	if (f) {
		fprintf(f, "%s  %s\n%zu rules:\n", mac, p->systeminfo, p->n);
		for (size_t k = 0; k < p->n; k++) {
			const struct mud_rule *r = &p->rules[k];
			const char *proto = r->proto == 6 ? "tcp" : r->proto == 17 ? "udp" : r->proto == 1 ? "icmp"
					  : r->proto == 58 ? "icmpv6" : "any";
			char port[16] = "";
			if (r->port_hi > r->port)
				snprintf(port, sizeof port, "-%u", r->port_hi);
			fprintf(f, "  %s %s %s/%u%s%s\n", r->from_device ? "to" : "from",
				r->local ? "the local network" : r->dnsname[0] ? r->dnsname : r->network, proto, r->port,
				port, !r->family || r->network[0] || r->proto == 1 || r->proto == 58 ? ""
				      : r->family == 4 ? " (IPv4 only)" : " (IPv6 only)");
		}
		fclose(f);
	}
	printf("%s: %zu rules -> %s/%s.json\n", mac, p->n, dir, name);
	return 0;
}

static int learn(const struct source *src, const char *dir, const char *only)
{
	char when[32], err[512];
	time_t now = time(NULL);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	char want[18] = "";
	if (only && strcasecmp(only, "all") && enforce_mac_norm(only, want) != MAC_OK) {
		cli_error("--device: '%s' is not a device's MAC like aa:bb:cc:dd:ee:ff (or all)", only);
		return EXIT_USAGE;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		cli_error("%s: %s", dir, strerror(errno));
		return EXIT_USAGE;
	}
	size_t written = 0;
	for (size_t i = 0; i < src->rep->n_devices; i++) {
		const struct rep_device *dev = &src->rep->devices[i];
		char mac[18], esc[64];
		int mrc = dev->has_mac ? enforce_mac_norm(dev->id, mac) : MAC_SYNTAX;
		if (mrc != MAC_OK) {
			/* a report without a link layer keys devices by address (no MAC) */
			if (dev->has_mac)
				cli_warn("device %zu: its MAC \"%s\" is %s: no profile written", i,
					 hostname_escape(dev->id, esc, sizeof esc), enforce_mac_why(mrc));
			continue;
		}
		if ((want[0] && strcmp(want, mac)) || (!only && dev->gateway))
			continue;
		struct mud_profile p;
		if (mud_learn(dev, &p, cli_warn, err, sizeof err) < 0) {
			cli_error("%s: %s", mac, err);
			continue;
		}
		snprintf(p.mac, sizeof p.mac, "%s", mac);
		if (write_profile(&p, mac, dir, when) < 0) {
			mud_profile_free(&p);
			return EXIT_USAGE;
		}
		written++;
		mud_profile_free(&p);
	}
	if (!written) {
		cli_error("no device%s%s found", only ? " " : "", only ? only : "");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* One exchange a profile does not allow. */
struct dev_dev {
	int from, local;
	const char *proto, *name; /* the peer's name, or NULL: its address */
	char addr[ADDR_STRLEN];
	uint16_t port;
	long long up, down;
};

static const char *peer(const struct dev_dev *v)
{
	return v->name ? v->name : v->addr;
}

static int dev_cmp(const void *pa, const void *pb)
{
	const struct dev_dev *a = pa, *b = pb;
	int c;
	if ((c = b->from - a->from) || (c = a->local - b->local) || (c = strcmp(a->proto, b->proto)) ||
	    (c = strcmp(peer(a), peer(b))))
		return c;
	return (int)a->port - (int)b->port;
}

/* One line per peer and protocol: a relay that sends to twenty temporary
 * ports is one thing to read, not twenty. */
static void report_deviations(const char *mac, struct dev_dev *v, size_t n)
{
	qsort(v, n, sizeof *v, dev_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		long long up = 0, down = 0;
		char ports[96] = "";
		size_t used = 0, shown = 0;
		while (j < n && v[j].from == v[i].from && v[j].local == v[i].local && !strcmp(v[j].proto, v[i].proto) &&
		       !strcmp(peer(&v[j]), peer(&v[i]))) {
			up += v[j].up;
			down += v[j].down;
			if (used < sizeof ports - 16) {
				int w = snprintf(ports + used, sizeof ports - used, "%s%u", shown ? "," : "", v[j].port);
				used += (size_t)w;
				shown++;
			}
			j++;
		}
		/* the report's strings go to a terminal: escaped (a crafted report may hold anything) */
		char em[64], ep[300], epr[32];
		printf("profile-deviation  %s: %s %s %s %s/%s%s (not in its profile)\n", hostname_escape(mac, em, sizeof em),
		       v[i].from ? "to" : "from", v[i].local ? "local" : "internet", hostname_escape(peer(&v[i]), ep, sizeof ep),
		       hostname_escape(v[i].proto, epr, sizeof epr), ports, shown < j - i ? ",..." : "");
		if (j - i > 1)
			printf("                   %zu exchanges, %lld bytes up, %lld down\n", j - i, up, down);
		else
			printf("                   %lld bytes up, %lld down\n", up, down);
		i = j;
	}
}

static int check(const struct source *src, const char *dir)
{
	char err[1024];
	struct mud_set set;
	if (mud_load_dir(dir, &set, err, sizeof err) < 0) {
		cli_error("%s", err);
		return EXIT_USAGE;
	}
	if (!set.n) {
		cli_error("%s: no profiles (aa-bb-cc-dd-ee-ff.json files)", dir);
		return EXIT_USAGE;
	}
	size_t violations = 0, checked = 0, bad = src->loaded ? src->loaded->load_skipped : 0;
	for (size_t i = 0; i < src->rep->n_devices; i++) {
		const struct rep_device *d = &src->rep->devices[i];
		const char *mac = d->has_mac ? d->id : NULL;
		const struct mud_profile *p = mud_set_find(&set, mac);
		if (!p)
			continue;
		checked++;
		size_t nv = 0;
		struct dev_dev *v = calloc(d->n_dests + 1, sizeof *v);
		if (!v) {
			cli_error("out of memory");
			break;
		}
		for (size_t j = 0; j < d->n_dests; j++) {
			const struct rep_dest *x = &d->dests[j];
			const char *why = mud_dest_problem(x);
			if (why) {
				char em[64];
				cli_warn("%s: destinations[%zu]: %s; not checked", hostname_escape(mac, em, sizeof em), j, why);
				bad++;
				continue;
			}
			/* the rules know tcp, udp, icmp and icmpv6; any other protocol is 0 */
			uint8_t pr = x->proto == 6 || x->proto == 17 || x->proto == 1 || x->proto == 58 ? x->proto : 0;
			struct dev_dev *e = &v[nv];
			addr_fmt(&x->addr, e->addr);
			if (mud_allows(p, !x->inbound, x->scope != REP_SCOPE_INTERNET, x->domain, e->addr, pr, x->port))
				continue;
			*e = (struct dev_dev){ !x->inbound, x->scope != REP_SCOPE_INTERNET, rep_proto_name(x->proto),
					       x->domain, "", x->port, (long long)x->bytes_up, (long long)x->bytes_down };
			addr_fmt(&x->addr, e->addr);
			nv++;
		}
		violations += nv;
		report_deviations(mac, v, nv);
		free(v);
	}
	printf("%zu device%s checked against %zu profile%s: %zu deviation%s\n", checked, checked == 1 ? "" : "s", set.n,
	       set.n == 1 ? "" : "s", violations, violations == 1 ? "" : "s");
	mud_set_free(&set);
	/* a deviation wins; else entries that could not be checked say the input was bad */
	return violations ? EXIT_FINDINGS : bad ? EXIT_INPUT : EXIT_OK;
}

int cmd_profile(int argc, char **argv)
{
	cli_set_prog("alfoil profile");
	int is_learn = argc >= 2 && !strcmp(argv[1], "learn"), is_check = argc >= 2 && !strcmp(argv[1], "check");
	if (!is_learn && !is_check) {
		if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
			cli_help(stdout, &top_cmd);
			return EXIT_OK;
		}
		if (argc < 2) {
			cli_error("learn or check?");
		} else {
			static const char *const subs[] = { "learn", "check" };
			const char *sug = cli_suggest(argv[1], subs, 2);
			if (sug)
				cli_error("unknown subcommand '%s'; did you mean '%s'?", argv[1], sug);
			else
				cli_error("unknown subcommand '%s' (learn or check)", argv[1]);
		}
		cli_try_help(&top_cmd);
		return EXIT_USAGE;
	}
	const struct cli_cmd *cmd = is_learn ? &learn_cmd : &check_cmd;
	cli_set_prog(cmd->name);
	const char *sub = argv[1], *out = NULL, *only = NULL, *profiles = NULL, *report = NULL;
	struct cli_parser p;
	cli_init(&p, cmd, argc, argv, 2);
	int c;
	while ((c = cli_next(&p)) != CLI_DONE) {
		switch (c) {
		case O_OUTPUT: out = p.arg; break;
		case O_DEVICE: only = p.arg; break;
		case O_PROFILES: profiles = p.arg; break;
		case O_REPORT: report = p.arg; break;
		case O_HELP: cli_help(stdout, cmd); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	int nfiles;
	char **files = cli_operands(&p, &nfiles);
	if (!report && nfiles < 1) {
		cli_error("no capture given");
		cli_try_help(cmd);
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "learn") && !out) {
		cli_error("-o DIR is required");
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "check") && !profiles) {
		cli_error("--profiles DIR is required");
		return EXIT_USAGE;
	}
	struct source src;
	int rc = EXIT_USAGE;
	if (source_open(&src, nfiles, files, report) == 0)
		rc = !strcmp(sub, "learn") ? learn(&src, out, only) : check(&src, profiles);
	source_close(&src);
	return rc;
}
