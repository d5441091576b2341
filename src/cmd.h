/* cmd.h - subcommands: one cmd_*.c each, listed in alfoil.c's table. */
#ifndef ALFOIL_CMD_H
#define ALFOIL_CMD_H

#define ALFOIL_VERSION "0.1.0"

/* Exit statuses shared by every subcommand (documented in README). */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,   /* bad arguments, or no input could be read */
	EXIT_INPUT = 3,   /* a report was produced, but some input was bad */
	EXIT_FINDINGS = 4, /* --fail-on: a finding at or above the severity
			    * (wins over EXIT_INPUT) */
};

int cmd_inspect(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_enforce(int argc, char **argv);
int cmd_report(int argc, char **argv);  /* cmd_history.c */
int cmd_devices(int argc, char **argv);
int cmd_device(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_mute(int argc, char **argv);  /* cmd_events.c */

#endif
