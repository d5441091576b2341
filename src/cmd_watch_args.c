/* cmd_watch_args.c - the options of `alfoil watch`: one table that the
 * parser, --help, the suggestions and the config file (lib/conf.h: every
 * key a long option) all read. The command line is read first; then the
 * file, for the options the command line left. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "intel/oui.h"
#include "lib/cli.h"
#include "lib/priv.h"
#include "policy/mud.h"
#include "watch.h"

enum { O_BUFFER = 1, O_USER, O_ENFORCE, O_DB, O_COMMIT, O_REPORT, O_ROLLUP, O_KEEPDAYS, O_KEEPNAMES,
       O_KEEPEVENTS, O_KEEPFIND, O_RESOLVE, O_LEARN, O_HOME, O_DATADIR, O_IEEE, O_COUNTRYDB, O_ASNDB, O_CLOUDS,
       O_SIGNATURES, O_FINDCONF, O_BLOCKLIST, O_MAXFLOWS, O_MAXDEV, O_MAXDEST, O_DEVIDLE, O_DESTIDLE,
       O_NAMEIDLE, O_CONFIG, O_LOGLEVEL, O_IFACE, O_READ, O_FILTER, O_HELP, O_KEEPRAW, O_EVE, O_SYSLOG,
       O_SYSLOGSEV, O_BACKAFTER, O_WEBHOOK, O_WEBHOOKFMT, O_WEBHOOKSEV, O_WEBHOOKRATE,
       O_PROFILES, O_EVESEV, O_POLICIES, O_GRACE, O_LAN, O_BRIDGE };

static const struct cli_opt opts[] = {
	{ NULL, 0, NULL, 0, "input" },
	{ "interface", 'i', "IFACE", O_IFACE, "capture live on IFACE until stopped (repeatable;\nneeds root or CAP_NET_RAW)" },
	{ "read", 'r', "FILE", O_READ, "read capture files instead (FILE and every operand\n"
				      "after it; '-' standard input; a directory its\n"
				      "captures), packet time as the clock, then exit" },
	{ "filter", 'f', "EXPR", O_FILTER, "BPF filter, as tcpdump takes it (default: none)" },
	{ "buffer-size", 0, "MIB", O_BUFFER, "the kernel's capture buffer per interface\n(default: 32)" },
	{ "user", 0, "NAME", O_USER, "live, as root: once the interfaces and the database\n"
				     "are open, run as NAME with no capability (default:\n"
				     WATCH_DEFAULT_USER " when that user exists, else " PRIV_DEFAULT_USER ")" },
	{ "keep-net-raw", 0, NULL, O_KEEPRAW, "keep CAP_NET_RAW after the drop, so that an\n"
					      "interface deleted and made again (a USB adapter, a\n"
					      "bridge rebuilt) is opened again (default: no: it\n"
					      "is retried, and logged, until a restart)" },
	{ NULL, 0, NULL, 0, "enforcement (docs/enforce.md; live, as root or with CAP_NET_ADMIN)" },
	{ "enforce", 0, NULL, O_ENFORCE, "keep table inet alfoil in step while watching:\n"
					 "--profiles and --policies made into rules (loaded\n"
					 "in one transaction whenever a policy changes), the\n"
					 "profiles' domains filled from the DNS answers\n"
					 "seen; when watch stops the rules stay (alfoil\n"
					 "enforce --remove takes them away; default: no)" },
	{ "policies", 0, "FILE", O_POLICIES, "alfoil enforce's policy file, and 'new = local-only'\n"
					     "(or quarantine): devices never seen before held\n"
					     "from their first packet until alfoil device MAC\n"
					     "--policy lets them out (default: none: profile\n"
					     "for a device with a profile, allow for the rest)" },
	{ "enforce-grace", 0, "TIME", O_GRACE, "an answer's address stays allowed its TTL plus TIME\n"
					       "(30s, 10m, 1h; default: 10m)" },
	{ "bridge", 0, NULL, O_BRIDGE, "the LAN is bridged on this host (br-lan): LAN-to-LAN\n"
					"traffic held too, in a table bridge alfoil (the\n"
					"profiles' local rules; quarantine cut off the LAN)" },
	{ "lan", 0, "NETS", O_LAN, "the local networks, for the rules (default: the\n"
				   "private ranges, 10.0.0.0/8, 172.16.0.0/12,\n"
				   "192.168.0.0/16, 100.64.0.0/10, 169.254.0.0/16)" },
	{ NULL, 0, NULL, 0, "history" },
	{ "db", 0, "PATH", O_DB, "the SQLite database (default: " WATCH_DEFAULT_DB ";\n"
				 "made when absent; docs/store.md)" },
	{ "commit-interval", 0, "SEC", O_COMMIT, "commit what changed every SEC seconds (default: 10;\n"
						 "-r: of the wall clock, the steps being hours\n"
						 "of packet time)" },
	{ "report-file", 0, "PATH", O_REPORT, "SIGUSR1 writes the current report there as JSON\n"
					      "(default: report.json beside the database)" },
	{ "rollup-after", 0, "DAYS", O_ROLLUP, "hourly rows older than DAYS summed into days\n(default: 7)" },
	{ "keep-days", 0, "DAYS", O_KEEPDAYS, "daily rows kept DAYS (default: 400)" },
	{ "keep-names", 0, "DAYS", O_KEEPNAMES, "names and DNS queries unseen for DAYS go\n(default: 90)" },
	{ "keep-events", 0, "DAYS", O_KEEPEVENTS, "events kept DAYS (default: 90)" },
	{ "keep-findings", 0, "DAYS", O_KEEPFIND, "resolved findings kept DAYS (default: 365)" },
	{ "resolve-after", 0, "HOURS", O_RESOLVE, "an open finding not seen for HOURS is resolved\n(default: 24)" },
	{ "learning", 0, "HOURS", O_LEARN, "a new device's first HOURS: its new destinations,\n"
					   "countries and companies said in one event at the\n"
					   "end, not one each (default: 24; 0: none)" },
	{ NULL, 0, NULL, 0, "events (alfoil events; docs/store.md)" },
	{ "eve", 0, "FILE", O_EVE, "each event said, also a line of EVE JSON appended\n"
				   "to FILE (Suricata's format: timestamp, event_type\n"
				   "alfoil, src_ip .. proto, community_id); SIGHUP\n"
				   "opens it again (logrotate; default: none)" },
	{ "eve-severity", 0, "SEV", O_EVESEV, "only events of SEV or worse to --eve (default:\n"
					      "info: all)" },
	{ "back-after", 0, "DAYS", O_BACKAFTER, "a device seen again after DAYS without a packet\n"
						"(while alfoil watched): a device-back event\n"
						"(default: 3; 0: none)" },
	{ "webhook", 0, "URL", O_WEBHOOK, "each event said, also POSTed to URL (http or\n"
					  "https), retried with backoff, never holding up\n"
					  "the packets (default: none)" },
	{ "webhook-format", 0, "FMT", O_WEBHOOKFMT, "json (the object of alfoil events --json), ntfy\n"
						    "(URL: https://ntfy.sh/TOPIC) or gotify (URL:\n"
						    "https://HOST/message?token=T; default: json)" },
	{ "webhook-severity", 0, "SEV", O_WEBHOOKSEV, "only events of SEV or worse to the webhook\n"
						      "(default: medium)" },
	{ "webhook-rate", 0, "N", O_WEBHOOKRATE, "at most N POSTs a minute (default: 30)" },
	{ "syslog", 0, NULL, O_SYSLOG, "each event said, also to syslog (facility daemon)" },
	{ "syslog-severity", 0, "SEV", O_SYSLOGSEV, "only events of SEV or worse to syslog: info, low,\n"
						     "medium, high (default: low)" },
	{ NULL, 0, NULL, 0, "data and rules (SIGHUP reads the rule files again)" },
	{ "home-country", 0, "CC", O_HOME, "the household's country (default: the country of\n"
					    "the network's own public addresses, when seen)" },
	{ "data-dir", 0, "DIR", O_DATADIR, "IP country and ASN data: country.mmdb, asn.bin\n"
					    "(default: $ALFOIL_DATA_DIR, else data/ beside alfoil)" },
	{ "ieee-dir", 0, "DIR", O_IEEE, "IEEE registry CSVs (default: $ALFOIL_IEEE_DIR, else\ndata/ieee with "
					 OUI_DEFAULT_DIR ")" },
	{ "country-db", 0, "FILE", O_COUNTRYDB, "another country mmdb (GeoLite2-Country, DB-IP)" },
	{ "asn-db", 0, "FILE", O_ASNDB, "another ASN database (GeoLite2-ASN mmdb, asn.bin)" },
	{ "clouds", 0, "FILE", O_CLOUDS, "domain -> company rules (default: share/clouds.tsv)" },
	{ "signatures", 0, "FILE", O_SIGNATURES, "device kind rules (default: share/signatures.tsv)" },
	{ "find-config", 0, "FILE", O_FINDCONF, "detector thresholds (docs/findings.md; default:\n"
						 "those of share/findings.conf)" },
	{ "profiles", 0, "DIR", O_PROFILES, "MUD profiles (alfoil profile learn): what a device\n"
					   "does that its profile does not allow is a\n"
					   "profile-deviation event (default: none)" },
	{ "blocklist", 0, "FILE", O_BLOCKLIST, "names/addresses to flag (hosts file or one a line;\ndefault: none)" },
	{ NULL, 0, NULL, 0, "limits (memory stays bounded for months)" },
	{ "max-flows", 0, "N", O_MAXFLOWS, "flows tracked at once (default: 65536; oldest\nevicted)" },
	{ "max-devices", 0, "N", O_MAXDEV, "devices (default: 4096)" },
	{ "max-dests", 0, "N", O_MAXDEST, "destinations over all devices (default: 65536)" },
	{ "device-idle", 0, "TIME", O_DEVIDLE, "forget a device not seen for TIME (30s, 10m, 24h,\n"
					       "7d; default: 30d; the database keeps it)" },
	{ "dest-idle", 0, "TIME", O_DESTIDLE, "forget a destination not used for TIME (default: 1h)" },
	{ "name-idle", 0, "TIME", O_NAMEIDLE, "forget a DNS answer not used for TIME (default: 1d)" },
	{ NULL, 0, NULL, 0, "daemon" },
	{ "config", 0, "FILE", O_CONFIG, "options from FILE, one 'key = value' a line, the\n"
					 "key a long option (default: " WATCH_DEFAULT_CONFIG ",\n"
					 "when there); a flag beats the file" },
	{ "log-level", 0, "LEVEL", O_LOGLEVEL, "error, warn, info or debug (default: info)" },
	{ "help", 'h', NULL, O_HELP, "this text" },
};

static const struct cli_cmd watch_cmd = {
	"alfoil watch",
	"alfoil watch [options] -i IFACE [-i IFACE...]\nalfoil watch [options] -r FILE...",
	"Watches the network for as long as it runs and keeps what it saw in a SQLite\n"
	"database: every device, whom it talked to hour by hour (rolled up into days),\n"
	"the names it resolved, the findings and when they were seen. `alfoil report\n"
	"--db PATH` makes inspect's report of any window from it; the sqlite3 shell\n"
	"reads it too (docs/store.md).\n\n"
	"The same engine as inspect runs the packets; every --commit-interval seconds\n"
	"(live) a snapshot is taken, and on a thread of its own the report is built,\n"
	"the detectors run (with the database's history as their baseline: 'new'\n"
	"means new since the first day) and what changed is written in one\n"
	"transaction. With -r the clock is packet time: a step at the start of each\n"
	"hour of it (every delta in its own hour), the steps committed together every\n"
	"--commit-interval seconds of the wall clock (or 16,384 rows) and at the end.\n"
	"A file read before (known by its first packet) is read from where the\n"
	"database has it: a backfill run again, or a capture that grew, counts each\n"
	"packet once. A commit that fails (disk full, database locked) is logged and\n"
	"tried again later, backing off; nothing still in memory is lost by it.\n"
	"Restarted, it carries on: devices known before are not new.\n\n"
	"Live, as root, alfoil opens the interfaces and the database, then runs as\n"
	"--user with no capability (but those --keep-net-raw and --enforce keep)\n"
	"and no way back to root before the first packet is read. Files named\n"
	"later (rule files read again on SIGHUP, the SIGUSR1 report) are opened as\n"
	"that user.\n\n"
	"Log lines go to standard error (journald keeps them under systemd):\n"
	"'alfoil watch: LEVEL: message'; each new device is one info line.",
	opts, sizeof opts / sizeof opts[0],
	"signals:\n"
	"  SIGTERM, SIGINT  commit what is left and exit 0\n"
	"  SIGHUP           read the config file and the rule files (clouds,\n"
	"                   signatures, find-config, blocklist) again, between two\n"
	"                   commits; log-level and home-country change too, the\n"
	"                   other keys at the next start. A file with a mistake:\n"
	"                   logged, the old settings kept\n"
	"  SIGUSR1          write the report of the current state (inspect --json's\n"
	"                   schema) to --report-file at the next commit\n\n"
	"config file:\n"
	"  # one option a line; '#' starts a comment\n"
	"  interface = eth0\n"
	"  interface = wlan0          # repeatable keys: once a line\n"
	"  db = /var/lib/alfoil/alfoil.db\n"
	"  filter = \"not port 22\"     # quotes keep blanks and '#'\n"
	"  enforce = no               # options without a value: yes or no\n"
	"  An input on the command line (-i, -r) replaces every input of the file.\n"
	"  A mistake names the file, the line and the key, and alfoil does not start.",
	"  0  stopped by SIGTERM or SIGINT (or the files were read), last commit done\n"
	"  1  usage error (a bad option or config file, a rule file or the database\n"
	"     that cannot be opened), or the last commit failed\n"
	"  3  -r: some input was bad (named; what was read is in the database)",
	"  sudo alfoil watch -i eth0 --db /var/lib/alfoil/alfoil.db\n"
	"  alfoil watch -r day1.pcap day2.pcap --db /tmp/history.db   backfill\n"
	"  alfoil watch -r /srv/captures/ --db h.db   weeks of files; run again after a\n"
	"                        crash or with new files: what was read is skipped\n"
	"  ssh router tcpdump -U -w - | alfoil watch -r - --db h.db   a remote router\n"
	"  kill -USR1 $(pidof alfoil); jq .devices /var/lib/alfoil/report.json\n"
	"  sqlite3 /var/lib/alfoil/alfoil.db 'SELECT id, maker, label FROM devices'",
};

static const char *const file_refuses[] = { "help", "config", NULL };

void watch_help(FILE *f);
void watch_help(FILE *f)
{
	cli_help(f, &watch_cmd);
}

static int parse_u64(const char *s, const char *what, uint64_t min, uint64_t max, uint64_t *v, char *err,
		     size_t errlen)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || *end || end == s || !isdigit((unsigned char)s[0]) || x > max || x < min) {
		snprintf(err, errlen, "%s: '%s' is not a number from %llu to %llu", what, s, (unsigned long long)min,
			 (unsigned long long)max);
		return -1;
	}
	*v = x;
	return 0;
}

/* A span: a number of units (days, hours), or of s, m, h or d after it;
 * 0 is never where allowed. */
/* A sink's threshold: info, low, medium, high. */
static int parse_sev(const char *s, const char *what, enum severity *v, char *err, size_t errlen)
{
	if (severity_parse(s, v) == 0)
		return 0;
	snprintf(err, errlen, "%s: '%s' is not a severity (info, low, medium, high)", what, s);
	return -1;
}

static int parse_span(const char *s, const char *what, uint64_t unit, const char *unit_name, uint64_t *v,
		      char *err, size_t errlen)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	uint64_t mul = unit;
	if (end != s && *end && !end[1])
		switch (*end) {
		case 's': mul = 1; end++; break;
		case 'm': mul = 60; end++; break;
		case 'h': mul = 3600; end++; break;
		case 'd': mul = 86400; end++; break;
		default: break;
		}
	if (errno || *end || end == s || !isdigit((unsigned char)s[0]) || x > UINT32_MAX) {
		snprintf(err, errlen, "%s: '%s' is not a number of %s (or 30s, 10m, 24h, 7d)", what, s, unit_name);
		return -1;
	}
	*v = x * mul;
	return 0;
}

static int parse_idle(const char *s, const char *what, uint32_t *v, char *err, size_t errlen)
{
	uint64_t x;
	if (parse_span(s, what, 1, "seconds", &x, err, errlen) < 0)
		return -1;
	if (x > UINT32_MAX) {
		snprintf(err, errlen, "%s: '%s' is too long", what, s);
		return -1;
	}
	*v = (uint32_t)x;
	return 0;
}

static int add_read(struct watch_opts *o, char *path, char *err, size_t errlen)
{
	if (o->n_reads == o->cap_reads) {
		size_t n = o->cap_reads ? o->cap_reads * 2 : 8;
		char **v = realloc(o->reads, n * sizeof *v);
		if (!v) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		o->reads = v;
		o->cap_reads = n;
	}
	o->reads[o->n_reads++] = path;
	o->read_mode = 1;
	return 0;
}

/* One option's value, from the command line (what: "--db") or the file
 * (what: "FILE:LINE: db"). on: an option without a value was said yes. */
static int set_option(struct watch_opts *o, int id, const char *arg, int on, const char *what, char *err,
		      size_t errlen)
{
	uint64_t v;
	struct inspect_opts *in = &o->in;
	switch (id) {
	case O_IFACE:
		if (o->n_ifaces == WATCH_MAX_IFACES) {
			snprintf(err, errlen, "%s: more than %d interfaces", what, WATCH_MAX_IFACES);
			return -1;
		}
		o->ifaces[o->n_ifaces++] = arg;
		return 0;
	case O_READ: return add_read(o, (char *)arg, err, errlen);
	case O_FILTER: in->filter = arg; return 0;
	case O_BUFFER:
		if (parse_u64(arg, what, 1, 4096, &v, err, errlen) < 0)
			return -1;
		o->buffer_mib = (unsigned)v;
		return 0;
	case O_USER: in->user = arg; return 0;
	case O_ENFORCE: o->enforce = on; return 0;
	case O_POLICIES: o->policies = arg; return 0;
	case O_GRACE: return parse_idle(arg, what, &o->enforce_grace_s, err, errlen);
	case O_LAN: o->lan = arg; return 0;
	case O_BRIDGE: o->bridge = on; return 0;
	case O_KEEPRAW: o->keep_net_raw = on; return 0;
	case O_DB: o->db = arg; return 0;
	case O_COMMIT:
		if (parse_u64(arg, what, 1, 86400, &v, err, errlen) < 0)
			return -1;
		o->commit_interval = (unsigned)v;
		return 0;
	case O_REPORT: o->report_file = arg; return 0;
	case O_EVE: o->eve = arg; return 0;
	case O_EVESEV: return parse_sev(arg, what, &o->eve_sev, err, errlen);
	case O_WEBHOOK:
		if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8)) {
			snprintf(err, errlen, "%s: '%s' is not an http:// or https:// URL", what, arg);
			return -1;
		}
		o->webhook = arg;
		return 0;
	case O_WEBHOOKFMT:
		if (webhook_format_parse(arg, &o->webhook_fmt) < 0) {
			snprintf(err, errlen, "%s: '%s' is none of json, ntfy, gotify", what, arg);
			return -1;
		}
		return 0;
	case O_WEBHOOKSEV: return parse_sev(arg, what, &o->webhook_sev, err, errlen);
	case O_WEBHOOKRATE:
		if (parse_u64(arg, what, 1, 6000, &v, err, errlen) < 0)
			return -1;
		o->webhook_rate = (unsigned)v;
		return 0;
	case O_BACKAFTER: return parse_span(arg, what, 86400, "days", &o->store.back_after_s, err, errlen);
	case O_SYSLOG: o->syslog = on; return 0;
	case O_SYSLOGSEV: return parse_sev(arg, what, &o->syslog_sev, err, errlen);
	case O_ROLLUP: return parse_span(arg, what, 86400, "days", &o->store.rollup_after_s, err, errlen);
	case O_KEEPDAYS: return parse_span(arg, what, 86400, "days", &o->store.keep_days_s, err, errlen);
	case O_KEEPNAMES: return parse_span(arg, what, 86400, "days", &o->store.keep_names_s, err, errlen);
	case O_KEEPEVENTS: return parse_span(arg, what, 86400, "days", &o->store.keep_events_s, err, errlen);
	case O_KEEPFIND: return parse_span(arg, what, 86400, "days", &o->store.keep_findings_s, err, errlen);
	case O_RESOLVE: return parse_span(arg, what, 3600, "hours", &o->store.resolve_after_s, err, errlen);
	case O_LEARN: return parse_span(arg, what, 3600, "hours", &o->store.learn_s, err, errlen);
	case O_HOME:
		if (!inspect_country_ok(arg)) {
			snprintf(err, errlen, "%s: '%s' is not a two-letter country code", what, arg);
			return -1;
		}
		in->home = arg;
		return 0;
	case O_DATADIR: in->ip.dir = arg; return 0;
	case O_IEEE: in->ieee_dir = arg; return 0;
	case O_COUNTRYDB: in->ip.country = arg; return 0;
	case O_ASNDB: in->ip.asn = arg; return 0;
	case O_CLOUDS: in->clouds = arg; return 0;
	case O_SIGNATURES: in->signatures = arg; return 0;
	case O_FINDCONF: in->find_config = arg; return 0;
	case O_BLOCKLIST: in->blocklist = arg; return 0;
	case O_PROFILES: in->profiles = arg; return 0;
	case O_MAXFLOWS:
		if (parse_u64(arg, what, 1, 1u << 26, &v, err, errlen) < 0)
			return -1;
		in->cfg.max_flows = (uint32_t)v;
		return 0;
	case O_MAXDEV:
		if (parse_u64(arg, what, 1, 1u << 24, &v, err, errlen) < 0)
			return -1;
		in->cfg.max_devices = (uint32_t)v;
		return 0;
	case O_MAXDEST:
		if (parse_u64(arg, what, 1, 1u << 26, &v, err, errlen) < 0)
			return -1;
		in->cfg.max_dests = (uint32_t)v;
		return 0;
	case O_DEVIDLE: return parse_idle(arg, what, &in->cfg.dev_idle_s, err, errlen);
	case O_DESTIDLE: return parse_idle(arg, what, &in->cfg.dest_idle_s, err, errlen);
	case O_NAMEIDLE: return parse_idle(arg, what, &in->cfg.name_idle_s, err, errlen);
	case O_CONFIG: o->config = arg; return 0;
	case O_LOGLEVEL:
		if (log_level_parse(arg, &o->log_level) < 0) {
			snprintf(err, errlen, "%s: '%s' is not error, warn, info or debug", what, arg);
			return -1;
		}
		return 0;
	default:
		snprintf(err, errlen, "%s: not handled (an internal error)", what);
		return -1;
	}
}

static void defaults(struct watch_opts *o)
{
	memset(o, 0, sizeof *o);
	inspect_opts_init(&o->in);
	o->in.quiet = 1; /* the intel loader's warnings are logged by the command */
	o->in.progress = 0;
	/* a daemon forgets what went idle (the database keeps it), so that
	 * months fit the tables' caps */
	o->in.cfg.dev_idle_s = 30 * 86400;
	o->in.cfg.dest_idle_s = 3600;
	o->in.cfg.name_idle_s = 86400;
	o->db = WATCH_DEFAULT_DB;
	o->commit_interval = 10;
	o->buffer_mib = 32;
	o->log_level = LOGL_INFO;
	store_config_default(&o->store);
	o->syslog_sev = SEV_LOW;
	o->webhook_sev = SEV_MEDIUM;
	o->webhook_rate = 30;
	o->enforce_grace_s = 600;
	o->lan = WATCH_DEFAULT_LAN;
}

static int given(const struct watch_opts *o, int id)
{
	return o->from_cli[id / 8] >> (id % 8) & 1;
}

/* The command line (quiet: the messages into err, on a reload), then the
 * file for what it left. 1: --help. */
static int parse_all(int argc, char **argv, struct watch_opts *o, int reload, char *err, size_t errlen)
{
	struct cli_parser p;
	cli_init(&p, &watch_cmd, argc, argv, 1);
	int c;
	while ((c = cli_next(&p)) != CLI_DONE) {
		if (c == CLI_BAD) {
			snprintf(err, errlen, "%s", ""); /* cli_next said why */
			return -1;
		}
		if (c == O_HELP) {
			if (reload)
				continue;
			watch_help(stdout);
			return 1;
		}
		o->from_cli[c / 8] |= (uint8_t)(1u << (c % 8));
		if (set_option(o, c, p.arg, 1, p.opt, err, errlen) < 0)
			return -1;
	}
	int n_ops;
	char **ops = cli_operands(&p, &n_ops);
	if (n_ops && !o->read_mode) {
		snprintf(err, errlen, "'%s': files are read with -r FILE... (live: -i IFACE)", ops[0]);
		return -1;
	}
	for (int i = 0; i < n_ops; i++)
		if (add_read(o, ops[i], err, errlen) < 0)
			return -1;
	int cli_input = o->n_ifaces || o->read_mode;
	const char *path = o->config ? o->config : WATCH_DEFAULT_CONFIG;
	snprintf(o->conf_path, sizeof o->conf_path, "%s", path);
	int r = conf_load(path, &watch_cmd, file_refuses, o->config != NULL, &o->conf, err, errlen);
	if (r < 0)
		return -1;
	o->conf_read = r == 0;
	char where[700];
	for (size_t i = 0; i < o->conf.n; i++) {
		const struct conf_entry *e = &o->conf.v[i];
		int id = e->opt->id;
		if (given(o, id) || (cli_input && (id == O_IFACE || id == O_READ)))
			continue; /* the flag beats the file */
		if (set_option(o, id, e->value, e->on, conf_where(&o->conf, e, where, sizeof where), err, errlen) < 0)
			return -1;
	}
	return 0;
}

static int readable(const char *opt, const char *path, char *err, size_t errlen)
{
	if (!path)
		return 0;
	struct stat st;
	if (stat(path, &st) < 0 || access(path, R_OK) < 0) {
		snprintf(err, errlen, "--%s %s: %s", opt, path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "--%s %s: %s", opt, path, strerror(EISDIR));
		return -1;
	}
	return 0;
}

static int rules_readable(const struct watch_opts *o, char *err, size_t errlen)
{
	return readable("clouds", o->in.clouds, err, errlen) < 0 ||
			       readable("signatures", o->in.signatures, err, errlen) < 0 ||
			       readable("find-config", o->in.find_config, err, errlen) < 0 ||
			       readable("blocklist", o->in.blocklist, err, errlen) < 0
		       ? -1
		       : 0;
}

/* --user: the one named, else alfoil when that user exists, else nobody;
 * not root and none named: no user to become, the capabilities go. */
static int lookup_user(struct watch_opts *o, char *err, size_t errlen)
{
	struct inspect_opts *in = &o->in;
	if (in->user) {
		if (priv_lookup(in->user, &in->priv, err, errlen) < 0)
			return -1;
		in->priv_ok = 1;
		return 0;
	}
	if (priv_lookup(WATCH_DEFAULT_USER, &in->priv, err, errlen) == 0 ||
	    priv_lookup(PRIV_DEFAULT_USER, &in->priv, err, errlen) == 0) {
		in->priv_ok = 1;
		return 0;
	}
	if (geteuid() != 0)
		return 0;
	snprintf(err, errlen, "neither user %s nor %s exists: name one with --user", WATCH_DEFAULT_USER,
		 PRIV_DEFAULT_USER);
	return -1;
}

int watch_parse_args(int argc, char **argv, struct watch_opts *o)
{
	cli_set_prog("alfoil watch");
	defaults(o);
	char err[1400] = "";
	int r = parse_all(argc, argv, o, 0, err, sizeof err);
	if (r != 0) {
		if (r < 0 && err[0]) {
			cli_error("%s", err);
			cli_try_help(&watch_cmd);
		}
		return r;
	}
	if (!o->n_ifaces && !o->read_mode) {
		cli_error("no input: -i IFACE (live) or -r FILE... (or 'interface =' in %s)", o->conf_path);
		cli_try_help(&watch_cmd);
		return -1;
	}
	if (o->n_ifaces && o->read_mode) {
		cli_error("give either -i IFACE or -r FILE..., not both");
		return -1;
	}
	if (o->read_mode && !o->n_reads) {
		cli_error("-r: no file given");
		return -1;
	}
	if (rules_readable(o, err, sizeof err) < 0 || readable("policies", o->policies, err, sizeof err) < 0) {
		cli_error("%s", err);
		return -1;
	}
	if (!o->enforce && (o->policies || o->bridge || given(o, O_GRACE) || given(o, O_LAN)))
		cli_warn("--%s: only with --enforce (no rules are kept without it)",
			 o->policies ? "policies" : o->bridge ? "bridge" : given(o, O_GRACE) ? "enforce-grace" : "lan");
	if (o->enforce) {
		for (const char *p = o->lan; *p;) {
			char net[64];
			size_t n = strcspn(p, ", ");
			snprintf(net, sizeof net, "%.*s", (int)(n < 63 ? n : 63), p);
			if (n && (n > 63 || !mud_prefix_ok(net))) {
				cli_error("--lan: '%s' is not a network like 192.168.1.0/24 or fd00::/8", net);
				return -1;
			}
			p += n;
			p += strspn(p, ", ");
		}
	}
	if (o->read_mode) {
		/* files are read as whoever runs alfoil: there is no drop */
		if (o->in.user && given(o, O_USER))
			cli_warn("--user: only with -i (files are read as the user running alfoil)");
		o->in.user = NULL;
		if (inspect_gather_inputs(&o->in, o->reads, (int)o->n_reads) < 0)
			return -1;
	} else {
		o->in.iface = o->ifaces[0];
		if (lookup_user(o, err, sizeof err) < 0) {
			cli_error("%s", err);
			return -1;
		}
	}
	if (!o->report_file) {
		const char *slash = strrchr(o->db, '/');
		int dir = slash ? (int)(slash - o->db) : 0;
		snprintf(o->report_default, sizeof o->report_default, "%.*s%sreport.json", dir, o->db,
			 slash ? "/" : "");
		if (slash == o->db)
			snprintf(o->report_default, sizeof o->report_default, "/report.json");
		o->report_file = o->report_default;
	}
	log_set_level(o->log_level);
	return 0;
}

int watch_reload_args(int argc, char **argv, struct watch_opts *n, char *err, size_t errlen)
{
	defaults(n);
	err[0] = '\0';
	if (parse_all(argc, argv, n, 1, err, errlen) < 0 || rules_readable(n, err, errlen) < 0) {
		watch_opts_free(n);
		return -1;
	}
	return 0;
}

void watch_opts_free(struct watch_opts *o)
{
	inspect_opts_free(&o->in);
	conf_free(&o->conf);
	free(o->reads);
	o->reads = NULL;
	o->n_reads = o->cap_reads = 0;
}

unsigned watch_step_seconds(const struct watch_opts *o)
{
	unsigned s = o->read_mode && !o->stream ? 3600 : o->commit_interval;
	uint32_t idle = tracker_idle_min_s(&o->in.cfg);
	return idle && idle < s ? idle : s;
}
