/* alfoil.c - entry point: dispatch to a subcommand from one table. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "intel/ipdb.h"
#include "lib/cli.h"

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "inspect", cmd_inspect, "inventory devices and map whom they talk to, from captures or live" },
	{ "enforce", cmd_enforce, "nftables rules that hold devices to their profiles (inet alfoil table)" },
	{ "profile", cmd_profile, "learn per-device MUD profiles (RFC 8520) and check traffic against them" },
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

static void version(void)
{
	char err[512];
	printf("alfoil %s\n"
	       "Maker data: IEEE Registration Authority MA-L/MA-M/MA-S registry, as packaged\n"
	       "by Debian (ieee-data).\n",
	       ALFOIL_VERSION);
	/* the licences of the IP data ask for this attribution */
	printf("%s\n", ipdb_attribution);
	struct ipdb *db = ipdb_open(NULL, err, sizeof err);
	if (db) {
		printf("IP data in use:\n%s\n", ipdb_describe(db));
		if (ipdb_missing(db)[0])
			printf("(%s)\n", ipdb_missing(db));
		ipdb_close(db);
	}
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
