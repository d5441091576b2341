/* cmd_devices.c - `alfoil devices` (the inventory of the history) and
 * `alfoil device MAC --label TEXT` (the name a person gives a device), on
 * the store (store/history.h, store/store.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "analyze/report_load.h"
#include "cmd.h"
#include "cmd_history.h"
#include "enforce/nft.h"
#include "lib/addr.h"
#include "lib/cli.h"
#include "lib/fmt.h"
#include "lib/utf8.h"
#include "store/events.h"
#include "store/history.h"
#include "store/store.h"

#define NOTES_MAX 1024

/* ---- alfoil devices -------------------------------------------------------- */

enum { D_DB = 256, D_JSON };

static const struct cli_opt devices_opts[] = {
	{ "db", 0, "PATH", D_DB, "the database alfoil watch writes (default:\n" DEFAULT_DB ")" },
	{ "json", 0, NULL, D_JSON, "JSON instead of text: {\"devices\": [...]}, each with\n"
				   "id, label, notes, display_name, maker, kind, what,\n"
				   "brand, miio_model, ipv4, router, first_seen, last_seen" },
	{ "help", 'h', NULL, 'h', "this text" },
};

static const struct cli_cmd devices_cmd = {
	"alfoil devices",
	"alfoil devices [--db PATH] [--json]",
	"The inventory of the history alfoil watch keeps: every device it has seen,\n"
	"with the label and notes a person gave it (alfoil device), what it is, its\n"
	"maker and when it was first and last seen; the router first, then by\n"
	"address. The database is opened read-only.",
	devices_opts, sizeof devices_opts / sizeof devices_opts[0],
	NULL,
	"  0  ok\n"
	"  1  usage error, or the database could not be read",
	"  alfoil devices --db /var/lib/alfoil/alfoil.db\n"
	"  alfoil devices --json | jq -r '.devices[] | select(.label == null) | .id'",
};

static int devices_json(const struct store_devices *l)
{
	json_t *root = json_object(), *a = json_array();
	json_object_set_new(root, "schema", json_string("alfoil-devices/1"));
	for (size_t i = 0; i < l->n; i++) {
		const struct store_device *d = &l->v[i];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(d->id));
		json_object_set_new(o, "label", output_json_text(d->label));
		json_object_set_new(o, "notes", output_json_text(d->notes));
		json_object_set_new(o, "display_name", output_json_text(d->display));
		json_object_set_new(o, "maker", output_json_text(d->maker));
		json_object_set_new(o, "kind", output_json_text(d->kind));
		json_object_set_new(o, "what", output_json_text(d->what));
		json_object_set_new(o, "brand", output_json_text(d->brand));
		json_object_set_new(o, "miio_model", output_json_text(d->model));
		json_object_set_new(o, "ipv4", d->ipv4[0] ? json_string(d->ipv4) : json_null());
		json_object_set_new(o, "router", json_boolean(d->gateway));
		json_object_set_new(o, "first_seen", output_json_time(d->first_us));
		json_object_set_new(o, "last_seen", output_json_time(d->last_us));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "devices", a);
	int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(root);
	fputc('\n', stdout);
	return rc;
}

/* s as a cell of at most w bytes, cut between two characters (the
 * strings are clean already: store_devices) */
static void cell(const char *s, int w)
{
	if (!s || !*s)
		s = "-";
	int n = (int)strnlen(s, (size_t)w + 1);
	if (n > w)
		for (n = w; n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80; n--)
			;
	printf("%.*s%*s  ", n, s, w > n ? w - n : 0, "");
}

static void devices_text(const struct store_devices *l)
{
	char a[32], b[32];
	/* NAME: the label a person gave it, else what the reports called it */
	printf("%-17s  %-38s  %-15s  %-10s  %-18s  %-28s  %-16s  %s\n", "DEVICE", "NAME", "ADDRESS", "KIND", "BRAND",
	       "MAKER", "FIRST SEEN", "LAST SEEN");
	for (size_t i = 0; i < l->n; i++) {
		const struct store_device *d = &l->v[i];
		cell(d->id, 17);
		cell(d->label ? d->label : d->display, 38);
		cell(d->ipv4, 15);
		cell(d->gateway ? "router" : d->kind, 10);
		cell(d->brand, 18);
		cell(d->maker, 28);
		printf("%.16s  %.16s\n", d->first_us ? fmt_time(a, d->first_us, 0) : "-",
		       d->last_us ? fmt_time(b, d->last_us, 0) : "-");
		if (d->notes)
			printf("  notes: %s\n", d->notes);
	}
	printf("%zu device%s\n", l->n, l->n == 1 ? "" : "s");
}

int cmd_devices(int argc, char **argv)
{
	cli_set_prog("alfoil devices");
	const char *db = DEFAULT_DB;
	int json = 0, c, n_ops;
	struct cli_parser p;
	cli_init(&p, &devices_cmd, argc, argv, 1);
	while ((c = cli_next(&p)) != CLI_DONE) {
		if (c == CLI_BAD)
			return EXIT_USAGE;
		if (c == 'h') {
			cli_help(stdout, &devices_cmd);
			return EXIT_OK;
		}
		if (c == D_DB)
			db = p.arg;
		else if (c == D_JSON)
			json = 1;
	}
	char **ops = cli_operands(&p, &n_ops);
	if (n_ops) {
		cli_error("unexpected '%s' (alfoil device MAC shows one device)", ops[0]);
		cli_try_help(&devices_cmd);
		return EXIT_USAGE;
	}
	struct store *s = history_open_db(db, STORE_READONLY);
	if (!s)
		return EXIT_USAGE;
	char err[1024];
	struct store_devices l;
	int rc = store_devices(s, &l, err, sizeof err);
	store_close(s);
	if (rc < 0) {
		cli_error("%s", err);
		return EXIT_USAGE;
	}
	if (json)
		rc = devices_json(&l);
	else
		devices_text(&l);
	store_devices_free(&l);
	if (rc < 0 || fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("writing standard output failed: %s", strerror(errno));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* ---- alfoil device MAC --label TEXT ---------------------------------------- */

enum { L_DB = 256, L_LABEL, L_NOTES, L_POLICY };

static const struct cli_opt device_opts[] = {
	{ "db", 0, "PATH", L_DB, "the database alfoil watch writes (default:\n" DEFAULT_DB ")" },
	{ "label", 0, "TEXT", L_LABEL, "the device's name, shown everywhere it is named\n"
				       "(at most 64 bytes; \"\" removes it)" },
	{ "notes", 0, "TEXT", L_NOTES, "notes about it, in alfoil devices (at most 1024\n"
				       "bytes; \"\" removes them)" },
	{ "policy", 0, "POLICY", L_POLICY, "what alfoil watch --enforce does with it: allow,\n"
					   "profile (its MUD file), local-only (the LAN, not the\n"
					   "internet), quarantine (DHCP and DNS to the router\n"
					   "only), or none (the policy file decides again); a\n"
					   "running watch applies it within seconds" },
	{ "help", 'h', NULL, 'h', "this text" },
};

static const struct cli_cmd device_cmd = {
	"alfoil device",
	"alfoil device MAC [--db PATH] --label TEXT [--notes TEXT]\n"
	"alfoil device MAC [--db PATH] --policy allow|profile|local-only|quarantine|none\n"
	"alfoil device MAC [--db PATH]",
	"Gives the device MAC (its address for a device without one) a label, the\n"
	"name a person chose, and notes. The label then names the device in every\n"
	"report from the history (alfoil report: text, JSON, HTML) in place of the\n"
	"name it gives itself, and in alfoil devices. alfoil watch never changes\n"
	"them. Without --label, --notes or --policy, the device's line of alfoil\n"
	"devices is shown, and the policy set for it, if any. Text that would\n"
	"hide or reorder what is around it (line breaks and other controls, bidi\n"
	"overrides) is refused.\n\n"
	"--policy sets the device's policy for alfoil watch --enforce, over the\n"
	"policy file's lines and the new-device guard ('new = local-only'): a\n"
	"device the guard holds is let out with --policy allow (or profile). The\n"
	"device need not have been seen yet. The running daemon reads it within\n"
	"a few seconds, reloads its rules in one transaction and says so\n"
	"(an event policy-changed).",
	device_opts, sizeof device_opts / sizeof device_opts[0],
	NULL,
	"  0  ok\n"
	"  1  usage error, a device the database does not know, or the database\n"
	"     could not be read or written",
	"  alfoil device 78:11:dc:5b:a0:e4 --label 'Kitchen plug'\n"
	"  alfoil device 78:11:dc:5b:a0:e4 --notes 'bought 2026-10; firmware 1.2.7'\n"
	"  alfoil device 78:11:dc:5b:a0:e4 --label ''      the label removed\n"
	"  alfoil device 02:5e:11:00:00:07 --policy allow  a new device let out",
};

/* A label or notes: text a person wrote, shown later on terminals and
 * pages: valid UTF-8, nothing that hides or reorders text, no line break. */
static int text_ok(const char *opt, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max) {
		cli_error("%s: %zu bytes, at most %zu", opt, n, max);
		return -1;
	}
	if (!utf8_is_clean(s, n, 0)) {
		cli_error("%s: not text that is safe to show (a control character, a bidi override or bytes "
			  "that are not UTF-8)", opt);
		return -1;
	}
	return 0;
}

struct policy_of {
	const char *device;
	char *policy;
	uint64_t time_us;
};

static int policy_row(void *ctx, const struct store_policy_row *p)
{
	struct policy_of *o = ctx;
	if (strcmp(p->device, o->device))
		return 0;
	o->policy = strdup(p->policy);
	o->time_us = p->time_us;
	return 1;
}

int cmd_device(int argc, char **argv)
{
	cli_set_prog("alfoil device");
	const char *db = DEFAULT_DB, *label = NULL, *notes = NULL, *policy = NULL;
	int c, n_ops;
	struct cli_parser p;
	cli_init(&p, &device_cmd, argc, argv, 1);
	while ((c = cli_next(&p)) != CLI_DONE) {
		if (c == CLI_BAD)
			return EXIT_USAGE;
		if (c == 'h') {
			cli_help(stdout, &device_cmd);
			return EXIT_OK;
		}
		if (c == L_DB)
			db = p.arg;
		else if (c == L_LABEL)
			label = p.arg;
		else if (c == L_NOTES)
			notes = p.arg;
		else if (c == L_POLICY)
			policy = p.arg;
	}
	char **ops = cli_operands(&p, &n_ops);
	char id[ADDR_STRLEN];
	if (n_ops != 1) {
		cli_error(n_ops ? "one device at a time ('%s' is one more)" : "which device? (its MAC)%s",
			  n_ops ? ops[1] : "");
		cli_try_help(&device_cmd);
		return EXIT_USAGE;
	}
	if (history_device_id("", ops[0], id) < 0 || (label && text_ok("--label", label, REPORT_LABEL_MAX) < 0) ||
	    (notes && text_ok("--notes", notes, NOTES_MAX) < 0))
		return EXIT_USAGE;
	enum policy pol;
	if (policy && strcmp(policy, "none") && policy_parse(policy, &pol) < 0) {
		cli_error("--policy: '%s' is not allow, profile, local-only, quarantine or none",
			  utf8_is_clean(policy, strlen(policy), 0) && strlen(policy) < 40 ? policy : "?");
		return EXIT_USAGE;
	}
	if (policy && !strchr(id, ':')) {
		cli_error("--policy is for a device by its MAC (the rules match it); '%s' is an address", id);
		return EXIT_USAGE;
	}
	struct store *s = history_open_db(db, label || notes || policy ? 0 : STORE_READONLY);
	if (!s)
		return EXIT_USAGE;
	char err[1024];
	int rc = 0;
	if (policy) {
		int none = !strcmp(policy, "none");
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		rc = store_set_policy(s, id, none ? NULL : policy_name(pol),
				      (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u, err, sizeof err);
		if (rc < 0)
			cli_error("%s", err);
		else
			cli_error("%s: %s", id, none ? (rc ? "policy removed (the policy file decides)" : "had no policy")
						     : policy_name(pol));
		if (rc < 0 || !(label || notes)) {
			store_close(s);
			return rc < 0 ? EXIT_USAGE : EXIT_OK;
		}
	}
	if (label || notes) {
		rc = store_set_label(s, id, label, notes, err, sizeof err);
		if (rc < 0)
			cli_error("%s", err);
		store_close(s);
		return rc < 0 ? EXIT_USAGE : EXIT_OK;
	}
	struct store_devices l;
	rc = store_devices(s, &l, err, sizeof err);
	store_close(s);
	if (rc < 0) {
		cli_error("%s", err);
		return EXIT_USAGE;
	}
	struct store_devices one = { NULL, 0 };
	for (size_t i = 0; i < l.n; i++)
		if (!strcmp(l.v[i].id, id))
			one = (struct store_devices){ &l.v[i], 1 };
	if (one.n)
		devices_text(&one);
	/* the policy a person set (alfoil device --policy), seen or not */
	struct policy_of po = { id, NULL, 0 };
	s = history_open_db(db, STORE_READONLY);
	char when[32];
	if (s && store_policies(s, policy_row, &po, err, sizeof err) == 0 && po.policy)
		printf("policy: %s (alfoil device --policy, %s)\n", po.policy, fmt_time(when, po.time_us, 0));
	if (s)
		store_close(s);
	if (!one.n && !po.policy)
		cli_error("%s: no such device in %s", id, db);
	int found = one.n || po.policy;
	free(po.policy);
	store_devices_free(&l);
	return found ? EXIT_OK : EXIT_USAGE;
}
