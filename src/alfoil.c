/* alfoil.c - entry point: dispatch to a subcommand from one table. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "intel/classify.h"
#include "intel/clouds.h"
#include "intel/datasets.h"
#include "intel/infra.h"
#include "intel/ipdb.h"
#include "lib/cli.h"
#include "intel/oui.h"

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "inspect", cmd_inspect, "inventory devices and map whom they talk to, from captures or live" },
	{ "watch", cmd_watch, "the daemon: watch live (or read files) into a SQLite history" },
	{ "enforce", cmd_enforce, "nftables rules that hold devices to their profiles (inet alfoil table)" },
	{ "profile", cmd_profile, "learn per-device MUD profiles (RFC 8520) and check traffic against them" },
	{ "report", cmd_report, "the report of a day, a week, any window, from the history watch keeps" },
	{ "devices", cmd_devices, "the inventory of the history: every device seen, with its label" },
	{ "device", cmd_device, "give a device of the history a label (a name) and notes" },
	{ "events", cmd_events, "what watch said: new devices, destinations, countries, companies" },
	{ "mute", cmd_mute, "stop a device's events of a kind (and subject) from being said" },
};

#define N_SUBCOMMANDS (sizeof subcommands / sizeof subcommands[0])

static void usage(FILE *f)
{
	fprintf(f,
		"alfoil %s - see what the smart devices on your network are doing\n\n"
		"usage: alfoil COMMAND [options] [args]\n\n"
		"commands:\n",
		ALFOIL_VERSION);
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(f, "\n'alfoil COMMAND --help' (or 'alfoil help COMMAND') describes a command.\n"
		   "alfoil never sends anything\n"
		   "anywhere: all it knows about makers and addresses is local data.\n");
}

/* The program, then every data set it reads with its version and date:
 * the data ages, and a maker or network it does not know may be newer. */
static void version(void)
{
	char err[2048];
	printf("alfoil %s\n", ALFOIL_VERSION);
	struct oui_db *oui = oui_load(NULL, err, sizeof err);
	struct ipdb *ip = ipdb_open(NULL, err, sizeof err);
	struct clouds *cl = clouds_load(NULL, err, sizeof err);
	struct classifier *cls = classifier_load(NULL, err, sizeof err);
	struct infra *inf = infra_load(NULL, err, sizeof err);
	struct data_set ds[DATA_SETS];
	data_sets_describe(oui, ip, cl, cls, inf, ds);
	printf("data sets:\n");
	for (size_t i = 0; i < DATA_SETS; i++) {
		if (!ds[i].loaded) {
			printf("  %-14s  not found\n", ds[i].name);
			continue;
		}
		/* the version, when it says more than the date */
		int v = ds[i].version[0] && strcmp(ds[i].version, ds[i].date);
		printf("  %-14s  %s  %s%s%s\n", ds[i].name, ds[i].date[0] ? ds[i].date : "date-unknown",
		       v ? ds[i].version : "", v ? "  " : "", ds[i].path);
		if (ds[i].fallback[0])
			printf("  %-14s  fallback: %s\n", "", ds[i].fallback);
	}
	printf("Maker data: the IEEE Registration Authority's MA-L/MA-M/MA-S registry (npm\n"
	       "package oui-data, BSD-2-Clause; Debian's ieee-data as the fallback).\n");
	/* the licences of the IP data ask for this attribution */
	printf("%s\n", ipdb_attribution);
	oui_free(oui);
	ipdb_close(ip);
	clouds_free(cl);
	classifier_free(cls);
	infra_free(inf);
}

static const struct subcommand *find(const char *name)
{
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		if (!strcmp(name, subcommands[i].name))
			return &subcommands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	const char *names[N_SUBCOMMANDS + 3] = { "help", "version" };
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		names[i + 2] = subcommands[i].name;
	const char *s = cli_suggest(name, names, N_SUBCOMMANDS + 2);
	if (s)
		cli_error("unknown command '%s'; did you mean '%s'?", name, s);
	else
		cli_error("unknown command '%s'", name);
	fprintf(stderr, "Try 'alfoil --help'.\n");
	return EXIT_USAGE;
}

/* alfoil help [COMMAND [SUBCOMMAND]]: the command's own --help. */
static int help(int argc, char **argv)
{
	if (argc < 3) {
		usage(stdout);
		return EXIT_OK;
	}
	const struct subcommand *c = find(argv[2]);
	if (!c)
		return unknown_command(argv[2]);
	char *args[4] = { argv[2], argc > 3 ? argv[3] : "--help", "--help", NULL };
	return c->fn(argc > 3 ? 3 : 2, args);
}

int main(int argc, char **argv)
{
	cli_set_prog("alfoil");
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))  {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help"))
		return help(argc, argv);
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		version();
		return EXIT_OK;
	}
	const struct subcommand *c = find(argv[1]);
	if (c)
		return c->fn(argc - 1, argv + 1);
	if (argv[1][0] == '-') {
		cli_error("unknown option '%s' (options go after the command)", argv[1]);
		fprintf(stderr, "Try 'alfoil --help'.\n");
		return EXIT_USAGE;
	}
	return unknown_command(argv[1]);
}
