/* cmd_events.c - `alfoil events`: what alfoil watch said, from the
 * history's events table (store/events.h), as lines for a person or JSON
 * Lines for a program. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "cmd_history.h"
#include "lib/cli.h"
#include "lib/fmt.h"
#include "lib/utf8.h"
#include "output/eve.h"
#include "output/output.h"
#include "store/events.h"
#include "store/store.h"

enum { E_DB = 256, E_SINCE, E_DEVICE, E_ALL, E_JSON, E_FOLLOW };

static const struct cli_opt events_opts[] = {
	{ "db", 0, "PATH", E_DB, "the database alfoil watch writes (default:\n" DEFAULT_DB ")" },
	{ "since", 0, "TIME", E_SINCE, "events first seen from TIME: 24h, 7d, 90m (that\n"
				       "long ago), 2026-11-30 (its start, UTC) or RFC 3339\n"
				       "(default: all)" },
	{ "device", 0, "MAC", E_DEVICE, "this device's only" },
	{ "all", 0, NULL, E_ALL, "also what a device's learning period found (said in\n"
				 "its device-learned event) and what the history held\n"
				 "before events were kept" },
	{ "json", 0, NULL, E_JSON, "JSON Lines: an object a line (time, last_seen, type,\n"
				   "severity, count, device {mac, label, name}, subject,\n"
				   "evidence, advice, state, id)" },
	{ "follow", 0, NULL, E_FOLLOW, "then wait for more, a line each as watch writes them,\n"
				       "until interrupted" },
	{ "help", 'h', NULL, 'h', "this text" },
};

static const struct cli_cmd events_cmd = {
	"alfoil events",
	"alfoil events [--db PATH] [--since TIME] [--device MAC] [--all] [--json] [--follow]\n"
	"alfoil events [--db PATH] ack ID...",
	"What alfoil watch said, oldest first: a device new to the network, a\n"
	"destination, country or company a device never used before, the end of a\n"
	"new device's learning period. Each is said once for its device and subject\n"
	"and then counted (xN, and when it was last seen). A line gives the time,\n"
	"severity, kind, device (its label when it has one), subject and evidence,\n"
	"then one line of advice (--json: its id). The database is opened read-only.\n"
	"ack ID... acknowledges events: they are no longer listed (but with --all).\n"
	"alfoil mute keeps a device's events of a kind from being said at all.",
	events_opts, sizeof events_opts / sizeof events_opts[0],
	NULL,
	"  0  ok\n"
	"  1  usage error, or the database could not be read",
	"  alfoil events --since 24h\n"
	"  alfoil events --device 78:11:dc:5b:a0:e4 --all\n"
	"  alfoil events --json --follow | jq -c 'select(.severity == \"medium\")'\n"
	"  alfoil events ack 12 15",
};

struct out {
	FILE *f;    /* text: through output_safe_open() */
	int json;
	int err;
};

/* The evidence as "key value, ..." for a line of text. */
static void evidence_text(FILE *f, const char *record)
{
	json_error_t je;
	json_t *o = record ? json_loads(record, 0, &je) : NULL;
	const char *k;
	json_t *v;
	int n = 0;
	json_object_foreach (o, k, v) {
		if (json_is_null(v) || !strcmp(k, "display_name")) /* the line names the device */
			continue;
		fprintf(f, "%s%s ", n++ ? ", " : "", k);
		if (json_is_string(v))
			fputs(json_string_value(v), f);
		else if (json_is_object(v) && json_is_integer(json_object_get(v, "count")))
			fprintf(f, "%lld (%s)", (long long)json_integer_value(json_object_get(v, "count")),
				json_string_value(json_object_get(v, "subjects")) ? json_string_value(json_object_get(v, "subjects"))
										   : "");
		else {
			char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
			fputs(t ? t : "?", f);
			free(t);
		}
	}
	json_decref(o);
}

static int print_event(void *ctx, const struct store_event *e)
{
	struct out *o = ctx;
	char t1[32], t2[32];
	if (o->json) {
		struct eve_event v = { .id = e->id, .time_us = e->time_us, .last_us = e->last_us, .count = e->count,
				       .kind = e->kind, .device = e->device, .label = e->label, .name = e->display,
				       .subject = e->subject, .severity = e->severity, .advice = e->advice,
				       .state = e->state, .evidence = e->record };
		json_t *j = output_json_event(&v);
		if (!j || json_dumpf(j, o->f, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) < 0)
			o->err = 1;
		fputc('\n', o->f);
		json_decref(j);
	} else {
		fprintf(o->f, "%.19s  %-6s  %-15s  ", fmt_time(t1, e->time_us, 0), e->severity ? e->severity : "-", e->kind);
		/* its label, else the name the reports give it, and its MAC
		 * when that does not say it */
		const char *name = e->label ? e->label : e->display;
		if (e->device && name && !strstr(name, e->device))
			fprintf(o->f, "%s [%s]", name, e->device);
		else
			fputs(name ? name : e->device ? e->device : "-", o->f);
		if (e->subject && *e->subject)
			fprintf(o->f, "  %s", e->subject);
		if (e->count > 1)
			fprintf(o->f, "  x%llu, last %.19s", (unsigned long long)e->count, fmt_time(t2, e->last_us, 0));
		if (e->state && strcmp(e->state, "new"))
			fprintf(o->f, "  [%s]", e->state);
		fputc('\n', o->f);
		if (e->record) {
			fputs("    ", o->f);
			evidence_text(o->f, e->record);
			fputc('\n', o->f);
		}
		if (e->advice)
			fprintf(o->f, "    advice: %s\n", e->advice);
	}
	if (fflush(o->f) != 0)
		o->err = 1;
	return o->err;
}

/* alfoil events ack ID...: each id acknowledged, or named when it is
 * none (the others are done). */
static int events_ack(const char *db, char **ids, int n)
{
	if (!n) {
		cli_error("ack: which events? (ack ID..., the ids of alfoil events --json)");
		return EXIT_USAGE;
	}
	int64_t v[256];
	if (n > 256) {
		cli_error("ack: at most 256 ids at once");
		return EXIT_USAGE;
	}
	for (int i = 0; i < n; i++) {
		char *end;
		errno = 0;
		long long x = strtoll(ids[i], &end, 10);
		if (errno || *end || end == ids[i] || x <= 0) {
			cli_error("ack: '%s' is not an event id (a number, from alfoil events --json)", ids[i]);
			return EXIT_USAGE;
		}
		v[i] = x;
	}
	struct store *s = history_open_db(db, 0);
	if (!s)
		return EXIT_USAGE;
	char err[1024];
	int status = EXIT_OK;
	for (int i = 0; i < n; i++) {
		int rc = store_event_ack(s, v[i], err, sizeof err);
		if (rc < 0) {
			cli_error("%s", err);
			status = EXIT_USAGE;
			break;
		}
		if (rc == 0) {
			cli_error("ack: no event %lld to acknowledge in %s (acked already?)", (long long)v[i], db);
			status = EXIT_USAGE;
		}
	}
	store_close(s);
	return status;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int cmd_events(int argc, char **argv)
{
	cli_set_prog("alfoil events");
	const char *db = DEFAULT_DB;
	struct store_event_query q = { 0 };
	char device[ADDR_STRLEN];
	int json = 0, follow = 0, c, n_ops;
	struct cli_parser p;
	cli_init(&p, &events_cmd, argc, argv, 1);
	while ((c = cli_next(&p)) != CLI_DONE) {
		if (c == CLI_BAD)
			return EXIT_USAGE;
		switch (c) {
		case 'h': cli_help(stdout, &events_cmd); return EXIT_OK;
		case E_DB: db = p.arg; break;
		case E_DEVICE: /* in the store's one form, as report takes it */
			if (history_device_id("--device: ", p.arg, device) < 0)
				return EXIT_USAGE;
			q.device = device;
			break;
		case E_ALL: q.all = 1; break;
		case E_JSON: json = 1; break;
		case E_FOLLOW: follow = 1; break;
		case E_SINCE:
			if (history_parse_time("--since", p.arg, &q.since_us) < 0)
				return EXIT_USAGE;
			break;
		}
	}
	char **ops = cli_operands(&p, &n_ops);
	if (n_ops && !strcmp(ops[0], "ack"))
		return events_ack(db, ops + 1, n_ops - 1);
	if (n_ops) {
		cli_error("unexpected '%s' (--device MAC chooses a device; ack ID acknowledges)", ops[0]);
		cli_try_help(&events_cmd);
		return EXIT_USAGE;
	}
	struct store *s = history_open_db(db, STORE_READONLY);
	if (!s)
		return EXIT_USAGE;
	struct out o = { json ? stdout : output_safe_open(stdout), json, 0 };
	if (!o.f) {
		store_close(s);
		cli_error("out of memory");
		return EXIT_USAGE;
	}
	if (follow) {
		struct sigaction sa = { .sa_handler = on_signal };
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	char err[1024];
	int status = EXIT_OK;
	for (;;) {
		int64_t top = store_events(s, &q, print_event, &o, err, sizeof err);
		if (top < 0) {
			cli_error("%s", err);
			status = EXIT_USAGE;
			break;
		}
		q.after_id = top;
		if (!follow || o.err || stop)
			break;
		sleep(1);
		if (stop)
			break;
	}
	store_close(s);
	if (o.f != stdout && fclose(o.f) != 0)
		o.err = 1;
	if (o.err || fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("writing standard output failed: %s", strerror(errno));
		return EXIT_USAGE;
	}
	return status;
}

/* ---- alfoil mute MAC KIND [SUBJECT] ---------------------------------------- */

enum { M_DB = 256, M_REMOVE, M_LIST };

static const struct cli_opt mute_opts[] = {
	{ "db", 0, "PATH", M_DB, "the database alfoil watch writes (default:\n" DEFAULT_DB ")" },
	{ "remove", 0, NULL, M_REMOVE, "say them again from now on" },
	{ "list", 0, NULL, M_LIST, "the mutes there are" },
	{ "help", 'h', NULL, 'h', "this text" },
};

static const struct cli_cmd mute_cmd = {
	"alfoil mute",
	"alfoil mute [--db PATH] [--remove] MAC KIND [SUBJECT]\nalfoil mute [--db PATH] --list",
	"Stops the device MAC's events of KIND (new-destination, new-country,\n"
	"new-company, device-learned, new-device) from being said: alfoil watch keeps\n"
	"them (state muted: alfoil events --all shows them) but neither lists them\n"
	"nor sends them to --eve or --syslog. With SUBJECT (a domain as alfoil events\n"
	"shows it, a country code, a company), only that one. Events of it not yet\n"
	"acknowledged are muted too. A running watch reads the mutes at each step.",
	mute_opts, sizeof mute_opts / sizeof mute_opts[0],
	NULL,
	"  0  ok\n"
	"  1  usage error, or the database could not be read or written",
	"  alfoil mute 78:11:dc:5b:a0:e4 new-country CN\n"
	"  alfoil mute 34:f6:4b:5a:10:25 new-destination      a laptop: every site is new\n"
	"  alfoil mute --remove 78:11:dc:5b:a0:e4 new-country CN",
};

static int print_mute(void *ctx, const struct store_mute_row *m)
{
	FILE *f = ctx;
	char t[32];
	fprintf(f, "%-17s  %-15s  %-30s  since %.19s\n", m->device, m->kind, *m->subject ? m->subject : "(all)",
		fmt_time(t, m->time_us, 0));
	return 0;
}

int cmd_mute(int argc, char **argv)
{
	cli_set_prog("alfoil mute");
	const char *db = DEFAULT_DB;
	int remove = 0, list = 0, c, n_ops;
	struct cli_parser p;
	cli_init(&p, &mute_cmd, argc, argv, 1);
	while ((c = cli_next(&p)) != CLI_DONE) {
		if (c == CLI_BAD)
			return EXIT_USAGE;
		if (c == 'h') {
			cli_help(stdout, &mute_cmd);
			return EXIT_OK;
		}
		if (c == M_DB)
			db = p.arg;
		else if (c == M_REMOVE)
			remove = 1;
		else if (c == M_LIST)
			list = 1;
	}
	char **ops = cli_operands(&p, &n_ops);
	char err[1024];
	if (list) {
		if (n_ops) {
			cli_error("--list takes nothing more ('%s')", ops[0]);
			return EXIT_USAGE;
		}
		struct store *s = history_open_db(db, STORE_READONLY);
		if (!s)
			return EXIT_USAGE;
		FILE *f = output_safe_open(stdout);
		int rc = f ? store_mutes(s, print_mute, f, err, sizeof err) : -1;
		store_close(s);
		if (f)
			fclose(f);
		if (rc < 0) {
			cli_error("%s", f ? err : "out of memory");
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	if (n_ops < 2 || n_ops > 3) {
		cli_error(n_ops < 2 ? "which device and kind? (MAC KIND [SUBJECT])" : "unexpected '%s'", ops[n_ops - 1]);
		cli_try_help(&mute_cmd);
		return EXIT_USAGE;
	}
	char id[ADDR_STRLEN];
	if (history_device_id("", ops[0], id) < 0)
		return EXIT_USAGE;
	int known = 0;
	for (size_t i = 0; store_event_kinds[i]; i++)
		known |= !strcmp(store_event_kinds[i], ops[1]);
	if (!known) {
		cli_error("'%s' is not a kind of event (new-device, new-destination, new-country, new-company, "
			  "device-learned)", ops[1]);
		return EXIT_USAGE;
	}
	const char *subject = n_ops == 3 ? ops[2] : "";
	if (strlen(subject) > 255 || !utf8_is_clean(subject, strlen(subject), 0)) {
		cli_error("the subject must be at most 255 bytes of text without controls");
		return EXIT_USAGE;
	}
	struct store *s = history_open_db(db, 0);
	if (!s)
		return EXIT_USAGE;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int rc = store_mute(s, id, ops[1], subject, !remove, (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u,
			    err, sizeof err);
	store_close(s);
	if (rc < 0) {
		cli_error("%s", err);
		return EXIT_USAGE;
	}
	if (remove && rc == 0) {
		cli_error("no such mute in %s (alfoil mute --list)", db);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}
