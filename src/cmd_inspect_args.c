/* cmd_inspect_args.c - the options of `alfoil inspect`: one table that the
 * parser, --help and the suggestions for a mistyped option all read, and
 * the inputs (files, directories of captures, "-" for standard input). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/findings.h"
#include "capture/capture.h"
#include "cmd.h"
#include "inspect.h"
#include "intel/oui.h"
#include "lib/cli.h"
#include "lib/priv.h"
#include "lib/samefile.h"

enum { O_JSON = 256, O_FORMAT, O_DURATION, O_PROGRESS, O_NOPROGRESS, O_IEEE, O_MAXFLOWS, O_MAXDEV, O_MAXDEST,
       O_TOP, O_DATADIR, O_COUNTRYDB, O_ASNDB, O_CLOUDS, O_HOME, O_BYCOUNTRY, O_SIGNATURES, O_HTML, O_CONFIG,
       O_BLOCKLIST, O_BASELINE, O_FAILON, O_PROFILES, O_FRAGMEM, O_USER, O_DEVIDLE, O_DESTIDLE,
       O_NAMEIDLE, O_BUFSIZE };

static char format_help[512];

static struct cli_opt opts[] = {
	{ NULL, 0, NULL, 0, "input" },
	{ "interface", 'i', "IFACE", 'i', "capture live on IFACE (needs root or CAP_NET_RAW)" },
	{ "filter", 'f', "EXPR", 'f', "BPF filter, as tcpdump takes it (default: none)" },
	{ "duration", 0, "SEC", O_DURATION, "live: stop after SEC seconds (default: at Ctrl-C;\n"
						 "SIGTERM and SIGHUP stop it too, and the report\n"
						 "is written)" },
	{ "count", 'c', "N", 'c', "stop after N packets (default: all)" },
	{ "buffer-size", 0, "MIB", O_BUFSIZE, "live: the kernel's capture buffer, in MiB (default:\n"
					      "32; up to 4096); a burst larger is dropped (counted)" },
	{ "user", 0, "NAME", O_USER, "live, as root: once the interface and the output\n"
				     "files are open, run as NAME, with no capability\n"
				     "(default: " PRIV_DEFAULT_USER "; root: stay root, with a warning)" },
	{ NULL, 0, NULL, 0, "output" },
	{ "json", 0, NULL, O_JSON, "JSON instead of text (the same as --format json;\nschema: docs/json-schema.md)" },
	{ "format", 0, "FMT", O_FORMAT, format_help },
	{ "html", 0, "FILE", O_HTML, "also write the report as one HTML page to FILE" },
	{ "output", 'o', "FILE", 'o', "write the report to FILE (default: standard output;\n"
					   "an input is never overwritten: refused)" },
	{ "all", 'a', NULL, 'a', "list local peers and every destination in text" },
	{ "top", 0, "N", O_TOP, "internet destinations shown per device in text\n(default: 20; 0: all)" },
	{ "progress", 0, NULL, O_PROGRESS, "always show progress on stderr" },
	{ "no-progress", 0, NULL, O_NOPROGRESS, "never show progress (default: when stderr is a\nterminal)" },
	{ "quiet", 'q', NULL, 'q', "no warnings on stderr" },
	{ "by-country", 0, NULL, O_BYCOUNTRY, "text: only the per-country view (who talks where)" },
	{ "home-country", 0, "CC", O_HOME, "the household's country (default: the country of\n"
					    "the network's own public addresses, when seen)" },
	{ NULL, 0, NULL, 0, "data" },
	{ "ieee-dir", 0, "DIR", O_IEEE, "IEEE registry CSVs, that directory alone (default:\n"
					 "$ALFOIL_IEEE_DIR, else data/ieee with\n" OUI_DEFAULT_DIR " for what it lacks)" },
	{ "data-dir", 0, "DIR", O_DATADIR, "IP country and ASN data: country.mmdb, asn.bin\n(default: $ALFOIL_DATA_DIR, "
					    "else data/ beside alfoil,\nas scripts/setup.sh fetches it)" },
	{ "country-db", 0, "FILE", O_COUNTRYDB, "another country mmdb (GeoLite2-Country, DB-IP)" },
	{ "asn-db", 0, "FILE", O_ASNDB, "another ASN database (GeoLite2-ASN mmdb, asn.bin)" },
	{ "clouds", 0, "FILE", O_CLOUDS, "domain -> company rules (default: share/clouds.tsv)" },
	{ "signatures", 0, "FILE", O_SIGNATURES, "device kind rules (default: share/signatures.tsv)" },
	{ NULL, 0, NULL, 0, "findings" },
	{ "config", 0, "FILE", O_CONFIG, "detector thresholds (docs/findings.md; default:\nthose of share/findings.conf)" },
	{ "blocklist", 0, "FILE", O_BLOCKLIST, "names/addresses to flag (hosts file or one a line;\ndefault: none)" },
	{ "baseline", 0, "FILE", O_BASELINE, "an earlier --json report: flag destinations new\nsince (default: none)" },
	{ "profiles", 0, "DIR", O_PROFILES, "MUD profiles (alfoil profile learn): flag what a\n"
					     "device does that its profile does not allow" },
	{ "fail-on", 0, "SEV", O_FAILON, "exit 4 when a finding is at least SEV (info, low,\n"
					  "medium, high, critical; default: never)" },
	{ NULL, 0, NULL, 0, "limits" },
	{ "max-flows", 0, "N", O_MAXFLOWS, "flows tracked at once (default: 65536; oldest\nevicted)" },
	{ "max-devices", 0, "N", O_MAXDEV, "devices (default: 4096)" },
	{ "max-dests", 0, "N", O_MAXDEST, "destinations over all devices (default: 65536)" },
	{ "max-frag-memory", 0, "BYTES", O_FRAGMEM, "IP fragments held for reassembly at once (default:\n"
						     "4194304; at least 131072; oldest dropped)" },
	{ "device-idle", 0, "TIME", O_DEVIDLE, "forget a device not seen for TIME (30s, 10m, 24h,\n"
					       "7d; default: 0, never: the report covers the\n"
					       "whole capture)" },
	{ "dest-idle", 0, "TIME", O_DESTIDLE, "forget a destination not used for TIME (default: 0,\nnever)" },
	{ "name-idle", 0, "TIME", O_NAMEIDLE, "forget a DNS answer not used for TIME (default: 0,\nnever)" },
	{ NULL, 0, NULL, 0, "other" },
	{ "help", 'h', NULL, 'h', "this text" },
};

static const struct cli_cmd inspect_cmd = {
	"alfoil inspect",
	"alfoil inspect [options] INPUT...\nalfoil inspect [options] -i IFACE",
	"Reads captures (or listens on an interface) and reports every device on the\n"
	"network: its maker, names and addresses, and under it every destination it\n"
	"talks to, with domain, country, network, protocol and bytes each way; then\n"
	"the findings (cleartext, exposure, phoning home, ...).\n\n"
	"An INPUT is a pcap or pcapng file, perhaps compressed with gzip (.gz, read\n"
	"as it is); a directory, meaning every capture under it (*.pcap, *.pcapng,\n"
	"*.cap, with tcpdump -C's rotation number and/or .gz; subdirectories too;\n"
	"sorted in version order, x.pcap before x.pcap2 before x.pcap10); or '-',\n"
	"standard input (tcpdump -w - | alfoil inspect -); a FIFO is read like it. All\n"
	"inputs make one report.\n\n"
	"Live, as root, alfoil opens the interface and its output files, then runs\n"
	"as --user (nobody) with no capability and no way back before it reads the\n"
	"first packet: the data sets are read before that, the report written after.",
	opts, sizeof opts / sizeof opts[0],
	NULL,
	"  0  ok\n"
	"  1  usage error (a bad option, a missing or unreadable rule file), or no\n"
	"     input could be read\n"
	"  3  a report was made but some input was bad (e.g. a truncated file: the\n"
	"     file and packet are named, the report covers what was read)\n"
	"  4  a finding at or above --fail-on (even when some input was bad too:\n"
	"     --fail-on wins over 3; the bad input is still named on stderr and in\n"
	"     the report)",
	"  alfoil inspect home.pcap                       the readable report\n"
	"  alfoil inspect --json -o report.json *.pcapng  several files, one report\n"
	"  alfoil inspect /var/log/captures/              every capture in a directory\n"
	"  alfoil inspect -f 'not port 22' home.pcap.gz   a compressed file, filtered\n"
	"  tcpdump -i eth0 -w - | alfoil inspect -        from a pipe\n"
	"  sudo alfoil inspect -i eth0 --duration 600     ten minutes live",
};

static void build_format_help(void)
{
	size_t n, used = 0;
	const struct output_format *f = output_formats(&n);
	used += (size_t)snprintf(format_help, sizeof format_help, "the report's format, one of:");
	for (size_t i = 0; i < n && used < sizeof format_help; i++)
		used += (size_t)snprintf(format_help + used, sizeof format_help - used, "\n  %-5s %s", f[i].name,
					 f[i].description);
}

int inspect_country_ok(const char *s)
{
	return strlen(s) == 2 && isalpha((unsigned char)s[0]) && isalpha((unsigned char)s[1]);
}

void inspect_help(FILE *f)
{
	build_format_help();
	cli_help(f, &inspect_cmd);
}

static int parse_u64(const char *s, const char *what, uint64_t max, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || *end || end == s || x > max || s[0] == '-') {
		cli_error("%s: '%s' is not a number up to %llu", what, s, (unsigned long long)max);
		return -1;
	}
	*v = x;
	return 0;
}

static int parse_limit(const char *s, const char *what, uint64_t max, uint32_t *v)
{
	uint64_t x;
	if (parse_u64(s, what, max, &x) < 0)
		return -1;
	if (!x) {
		cli_error("%s: must be at least 1", what);
		return -1;
	}
	*v = (uint32_t)x;
	return 0;
}

/* A duration: a number of seconds, or of minutes, hours or days with m,
 * h or d after it (s: seconds); 0 is never. */
static int parse_idle(const char *s, const char *what, uint32_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	unsigned long long mul = 1;
	if (end != s && *end && !end[1])
		switch (*end) {
		case 's': mul = 1; end++; break;
		case 'm': mul = 60; end++; break;
		case 'h': mul = 3600; end++; break;
		case 'd': mul = 86400; end++; break;
		default: break;
		}
	if (errno || *end || end == s || s[0] == '-' || !isdigit((unsigned char)s[0]) || x > UINT32_MAX / mul) {
		cli_error("%s: '%s' is not a duration (30s, 10m, 24h, 7d; 0: never)", what, s);
		return -1;
	}
	*v = (uint32_t)(x * mul);
	return 0;
}

static int set_option(struct inspect_opts *o, int c, const char *arg)
{
	uint64_t v;
	switch (c) {
	case 'i': o->iface = arg; break;
	case 'f': o->filter = arg; break;
	case 'c': return parse_u64(arg, "--count", UINT64_MAX, &o->count);
	case O_BUFSIZE: return parse_limit(arg, "--buffer-size", CAP_BUFFER_MIB_MAX, &o->buffer_mib);
	case 'o': o->out_path = arg; break;
	case 'a': o->out.show_local = 1; o->out.max_dests = 0; break;
	case 'q': o->quiet = 1; break;
	case O_JSON: o->format = "json"; break;
	case O_FORMAT: o->format = arg; break;
	case O_DURATION: {
		char *end;
		o->duration = strtod(arg, &end);
		if (*end || end == arg || !(o->duration > 0)) {
			cli_error("--duration: '%s' is not a positive number of seconds", arg);
			return -1;
		}
		break;
	}
	case O_PROGRESS: o->progress = 1; break;
	case O_NOPROGRESS: o->progress = 0; break;
	case O_IEEE: o->ieee_dir = arg; break;
	case O_DATADIR: o->ip.dir = arg; break;
	case O_COUNTRYDB: o->ip.country = arg; break;
	case O_ASNDB: o->ip.asn = arg; break;
	case O_CLOUDS: o->clouds = arg; break;
	case O_SIGNATURES: o->signatures = arg; break;
	case O_HTML: o->html_path = arg; break;
	case O_CONFIG: o->find_config = arg; break;
	case O_BLOCKLIST: o->blocklist = arg; break;
	case O_BASELINE: o->baseline = arg; break;
	case O_PROFILES: o->profiles = arg; break;
	case O_USER: o->user = arg; break;
	case O_FAILON: {
		enum severity s;
		if (severity_parse(arg, &s) < 0) {
			cli_error("--fail-on: '%s' is not info, low, medium, high or critical", arg);
			return -1;
		}
		o->fail_on = (int)s;
		break;
	}
	case O_BYCOUNTRY: o->out.by_country = 1; break;
	case O_HOME:
		if (!inspect_country_ok(arg)) {
			cli_error("--home-country: '%s' is not a two-letter country code", arg);
			return -1;
		}
		o->home = arg;
		break;
	case O_MAXFLOWS: return parse_limit(arg, "--max-flows", 1u << 26, &o->cfg.max_flows);
	case O_MAXDEV: return parse_limit(arg, "--max-devices", 1u << 24, &o->cfg.max_devices);
	case O_MAXDEST: return parse_limit(arg, "--max-dests", 1u << 26, &o->cfg.max_dests);
	case O_FRAGMEM:
		if (parse_u64(arg, "--max-frag-memory", 128u << 20, &v) < 0)
			return -1;
		if (v < REASM_MIN_BYTES) {
			cli_error("--max-frag-memory: must be at least %u", REASM_MIN_BYTES);
			return -1;
		}
		o->frag.max_bytes = (size_t)v;
		break;
	case O_DEVIDLE: return parse_idle(arg, "--device-idle", &o->cfg.dev_idle_s);
	case O_DESTIDLE: return parse_idle(arg, "--dest-idle", &o->cfg.dest_idle_s);
	case O_NAMEIDLE: return parse_idle(arg, "--name-idle", &o->cfg.name_idle_s);
	case O_TOP:
		if (parse_u64(arg, "--top", INT_MAX, &v) < 0)
			return -1;
		o->out.max_dests = (int)v;
		break;
	default: return -1;
	}
	return 0;
}

/* A rule file the user named must be there: a typing slip is not to pass
 * as "no rules". A FIFO is only looked at (opening it here would take
 * its writer's one go, and the loader's open would then wait for ever). */
static int readable(const char *opt, const char *path)
{
	if (!path)
		return 0;
	struct stat st;
	if (stat(path, &st) == 0 && S_ISFIFO(st.st_mode)) {
		if (access(path, R_OK) == 0)
			return 0;
		cli_error("%s %s: %s", opt, path, strerror(errno));
		return -1;
	}
	int fd = open(path, O_RDONLY);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0 || S_ISDIR(sb.st_mode)) {
		int e = fd < 0 ? errno : EISDIR;
		if (fd >= 0)
			close(fd);
		cli_error("%s %s: %s", opt, path, strerror(e));
		return -1;
	}
	close(fd);
	return 0;
}

/* The inputs: each operand, a directory replaced by its captures. */
int inspect_gather_inputs(struct inspect_opts *o, char **ops, int n_ops)
{
	size_t n = 0, cap = (size_t)n_ops;
	char **v = malloc((cap ? cap : 1) * sizeof *v);
	if (!v) {
		cli_error("out of memory");
		return -1;
	}
	char err[1400];
	for (int i = 0; i < n_ops; i++) {
		struct stat sb;
		if (strcmp(ops[i], "-") && stat(ops[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			char **files;
			size_t nf;
			if (cap_list_dir(ops[i], &files, &nf, err, sizeof err) < 0) {
				cli_error("%s", err);
				free(v);
				return -1;
			}
			if (!nf) {
				cli_error("%s: no capture files in it (*.pcap, *.pcapng, *.cap, perhaps .gz)", ops[i]);
				cap_list_free(files, nf);
				free(v);
				return -1;
			}
			char **nv = realloc(v, (cap + nf) * sizeof *v);
			char **nd = realloc(o->dir_files, (o->n_dir_files + nf) * sizeof *nd);
			if (nd)
				o->dir_files = nd;
			if (!nv || !nd) {
				cli_error("out of memory");
				free(nv ? nv : v);
				cap_list_free(files, nf);
				return -1;
			}
			v = nv;
			cap += nf;
			for (size_t k = 0; k < nf; k++) {
				v[n++] = files[k];
				o->dir_files[o->n_dir_files++] = files[k];
			}
			free(files);
			continue;
		}
		v[n++] = ops[i];
	}
	o->inputs = o->own_inputs = v;
	o->n_inputs = n;
	return 0;
}

/* An output must not be one of the inputs: opening it for writing would
 * truncate the capture (or the baseline) before it is read. */
static int clashes(const char *opt, const char *out, const char *what, const char *in)
{
	if (!in || !same_file(out, in))
		return 0;
	if (!strcmp(in, "-"))
		cli_error("%s %s: that is standard input, an input; refusing to write over it", opt, out);
	else if (what)
		cli_error("%s %s: that is the %s file %s, an input; refusing to write over it", opt, out, what, in);
	else
		cli_error("%s %s: that is the input %s; refusing to write over it", opt, out, in);
	return 1;
}

static int check_output(const struct inspect_opts *o, const char *opt, const char *out)
{
	if (!out || !strcmp(out, "-"))
		return 0;
	for (size_t i = 0; i < o->n_inputs; i++)
		if (clashes(opt, out, NULL, o->inputs[i]))
			return -1;
	const char *named[][2] = {
		{ "--clouds", o->clouds },     { "--signatures", o->signatures }, { "--config", o->find_config },
		{ "--blocklist", o->blocklist }, { "--baseline", o->baseline },   { "--country-db", o->ip.country },
		{ "--asn-db", o->ip.asn },
	};
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (clashes(opt, out, named[i][0], named[i][1]))
			return -1;
	/* the profiles are read after the outputs are opened */
	size_t len = strlen(out);
	if (o->profiles && len > 5 && !strcmp(out + len - 5, ".json") && in_directory(out, o->profiles)) {
		cli_error("%s %s: that is in the --profiles directory %s, an input; refusing to write there", opt,
			  out, o->profiles);
		return -1;
	}
	return 0;
}

static int check_outputs(const struct inspect_opts *o)
{
	if (check_output(o, "-o", o->out_path) < 0 || check_output(o, "--html", o->html_path) < 0)
		return -1;
	if (o->out_path && o->html_path && strcmp(o->out_path, "-") && same_file(o->out_path, o->html_path)) {
		cli_error("-o %s and --html %s: the same file; give two", o->out_path, o->html_path);
		return -1;
	}
	return 0;
}

/* --user: looked up now, so that a slip fails before the capture starts;
 * the drop itself comes once the interface is open (cmd_inspect.c). */
static int check_user(struct inspect_opts *o)
{
	if (o->user && !o->iface) {
		cli_error("--user: only with -i (files are read as the user running alfoil)");
		return -1;
	}
	if (!o->iface)
		return 0;
	char err[512];
	if (priv_lookup(o->user ? o->user : PRIV_DEFAULT_USER, &o->priv, err, sizeof err) < 0) {
		if (!o->user && geteuid() != 0)
			return 0; /* not root: there is no user to become, only capabilities to shed */
		cli_error("%s%s", err, o->user ? "" : " (name another with --user)");
		return -1;
	}
	o->priv_ok = 1;
	return 0;
}

int inspect_parse_args(int argc, char **argv, struct inspect_opts *o)
{
	static char prog[64];
	snprintf(prog, sizeof prog, "alfoil %s", argc > 0 ? argv[0] : "inspect");
	cli_set_prog(prog);
	struct cli_parser p;
	cli_init(&p, &inspect_cmd, argc, argv, 1);
	int c;
	while ((c = cli_next(&p)) != CLI_DONE) {
		if (c == CLI_BAD)
			return -1;
		if (c == 'h') {
			inspect_help(stdout);
			return 1;
		}
		if (set_option(o, c, p.arg) < 0)
			return -1;
	}
	if (!output_find(o->format)) {
		size_t n;
		const struct output_format *f = output_formats(&n);
		char names[128] = "";
		for (size_t i = 0, used = 0; i < n && used < sizeof names; i++)
			used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", f[i].name);
		cli_error("--format: unknown format '%s' (%s)", o->format, names);
		return -1;
	}
	int n_ops;
	char **ops = cli_operands(&p, &n_ops);
	if (!o->iface && n_ops == 0) {
		cli_error("no capture file given (or -i IFACE for live)");
		cli_try_help(&inspect_cmd);
		return -1;
	}
	if (o->iface && n_ops > 0) {
		cli_error("give either -i IFACE or files, not both");
		return -1;
	}
	if (o->buffer_mib && !o->iface) {
		cli_error("--buffer-size: only with -i (a file has no capture buffer)");
		return -1;
	}
	if (readable("--clouds", o->clouds) < 0 || readable("--signatures", o->signatures) < 0 ||
	    readable("--config", o->find_config) < 0 || readable("--blocklist", o->blocklist) < 0 ||
	    readable("--baseline", o->baseline) < 0)
		return -1;
	if (inspect_gather_inputs(o, ops, n_ops) < 0 || check_outputs(o) < 0 || check_user(o) < 0)
		return -1;
	return 0;
}

void inspect_opts_free(struct inspect_opts *o)
{
	cap_list_free(o->dir_files, o->n_dir_files);
	if (o->inputs == o->own_inputs)
		o->inputs = NULL;
	free(o->own_inputs);
	o->own_inputs = NULL;
	o->dir_files = NULL;
	o->n_dir_files = 0;
}
